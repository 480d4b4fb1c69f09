"""Write the sample files of data/sample/formats/: one synthetic client ("Robin") in each
real-world layout ``read_log`` reads besides the long table (deterministic: fixed seeds).

Run from the repository root::

    .venv/bin/python data/sample/formats/make_formats.py

It writes

* ``daylio-export.csv``: a Daylio CSV export (newest header: ``full_date, date, weekday,
  time, mood, activities, note_title, note, scales``), UTF-8 with a byte-order mark,
  newest entry first, 12-hour times on weekdays and 24-hour times at weekends, up to
  three activities per entry joined with `` | ``, entries without activities, HTML in
  notes, a "Sleep Quality" scale;
* ``bearable-export.csv``: a Bearable CSV export (``date, weekday, time of day,
  category, rating/amount, detail, notes``) with "2nd Mar 2026" dates, Mood lines on
  Bearable's 1-10 scale at am/pm slots or clock times, one Factors line a day, and
  Energy, Sleep and Symptom lines that bactivate does not use;
* ``imoodjournal-export.csv``: an iMoodJournal CSV export (``Date, Day of week, Hour,
  Minute, Level, LevelText, Comment`` and one 0/1 column per hashtag, alphabetical),
  every header and value quoted except the 0/1 cells, a byte-order mark before the
  first quote, "March 2, 2026" dates, Level 1-10, oldest first;
* ``weekly-schedule.xlsx``: a Beck weekly activity schedule, hours down the side and days
  across, "Week 1" with weekday headers and "Week starting 2 March 2026 (M/P, 0-10)" in
  its title, "Week 2" with dates as headers; cells such as "Walk M6 P7",
  "walked dog (M5, P8)", "TV P3 M1" and "Lunch 4/7";
* ``batd-forms.xlsx``: BATD-R daily monitoring forms, one sheet a day
  (Time | Activity | Enjoyment (0-10) | Importance (0-10)), the day in the sheet name or
  in a "Date:" title cell;
* ``mpath-export.csv``: an m-Path raw export (the layout of the ``mpathr`` R package's
  ``inst/extdata/example_basic.csv``): semicolon-separated, UTF-8 with a byte-order mark,
  one line per sent prompt for 8 participants (``connectionId``) over 7 days, 6 prompts a
  day, each participant answering a different share (``MPATH_COMPLIANCE``); unanswered
  prompts with empty stamps and answers; an intake questionnaire line per participant
  (``scheduledBeepId`` -1, no prompt); local-clock Unix stamps; a 0-100 happiness slider,
  a sadness slider, an enjoyment slider, "What are you doing now?" as a multi-select
  (``"Walking","Eating"``) with its ``_index``/``_string``/``_likert`` columns, and "Who
  are you with?" (not from ``synth``: its own generator, mood raised by the activities in
  ``MPATH_EFFECTS``).

Everything comes from ``bactivate.synth.client`` (activities, times, ratings, moods,
notes); importance ratings are drawn from the activity's life area. No real person's
data is involved; the bytes written are the same on every run.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from bactivate import synth

HERE = Path(__file__).resolve().parent
SEED = 20260303
CLIENT = "Robin"


def _load_make_samples():
    """data/sample/make_samples.py, loaded by path (this folder is not a package)."""
    spec = importlib.util.spec_from_file_location("make_samples", HERE.parent / "make_samples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_SAMPLES = _load_make_samples()


def robin(weeks: int = 2, note_rate: float = 0.12) -> pd.DataFrame:
    """The synthetic client every sample is written from."""
    return synth.client(weeks=weeks, entries_per_day=6, seed=SEED, client=CLIENT, missing_rate=0.05,
                        note_rate=note_rate)


def _save(wb: Workbook, path: Path) -> None:
    """Save *wb* the way make_samples.py saves its workbook (same bytes every run)."""
    _SAMPLES.save_deterministic(wb, path, creator="bactivate make_formats.py")


def _ordinal(day: int) -> str:
    return f"{day}{'th' if 11 <= day % 100 <= 13 else {1: 'st', 2: 'nd', 3: 'rd'}.get(day % 10, 'th')}"


# --------------------------------------------------------------------------- Daylio


def daylio_label(mood: float) -> str:
    """0-10 mood -> Daylio's default label (the nearest of 10, 7.5, 5, 2.5, 0)."""
    return ["awful", "bad", "meh", "good", "rad"][int(np.clip(np.round(mood / 2.5), 0, 4))]


def write_daylio(path: Path) -> pd.DataFrame:
    log = robin(note_rate=0.4).dropna(subset=["mood"]).reset_index(drop=True)
    rng = np.random.default_rng(SEED + 1)
    # an entry every two synth rows of a day: up to three activities, sometimes none
    log["day"] = log["start"].dt.normalize()
    log["slot"] = log.groupby("day").cumcount() // 2
    rows = []
    for (_, _), grp in log.groupby(["day", "slot"], sort=True):  # a loop over entries
        start = grp["start"].iloc[0]
        acts = grp["activity"].tolist()
        if rng.random() < 0.3:
            acts.append(["music", "movies / tv", "🎮 gaming", 'read "the news"'][int(rng.integers(4))])
        if rng.random() < 0.08:
            acts = []
        weekend = start.day_of_week >= 5
        time = f"{start:%H:%M}" if weekend else f"{start:%I:%M %p}".lstrip("0").lower()
        if not weekend and rng.random() < 0.3:
            time = time.upper()
        notes = [n for n in grp["note"].tolist() if isinstance(n, str)]
        note = "<br>".join(notes)  # Daylio keeps the note's formatting as HTML
        first_of_day = grp["slot"].iloc[0] == 0
        rows.append({
            "full_date": f"{start:%Y-%m-%d}",
            "date": f"{start:%B} {start.day}",
            "weekday": f"{start:%A}",
            "time": time,
            "mood": daylio_label(grp["mood"].mean()),
            "activities": " | ".join(acts) + (" " if acts and rng.random() < 0.1 else ""),
            "note_title": "Morning" if first_of_day and note else "",
            "note": note,
            "scales": f"Sleep Quality: {int(rng.integers(3, 10))}/10 points" if first_of_day else "",
        })
    out = pd.DataFrame(rows).iloc[::-1]  # newest first, as Daylio exports
    out.iloc[3, out.columns.get_loc("weekday")] = "Friday"  # a Saturday: the weekday column is not trusted
    text = out.to_csv(index=False, lineterminator="\n")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    return out


# --------------------------------------------------------------------------- iMoodJournal

IMJ_TEXT = {1: "Couldn't be worse", 2: "Very bad", 3: "Bad", 4: "Blah", 5: "Meh", 6: "Okay",
            7: "Pretty Good", 8: "Good", 9: "Great", 10: "Awesome"}


def write_imoodjournal(path: Path) -> pd.DataFrame:
    log = robin(weeks=1).dropna(subset=["mood"]).reset_index(drop=True)
    log = log.iloc[::3].reset_index(drop=True)  # an entry every third synth row
    tags = sorted({a.lower().replace(" ", "") for a in log["activity"].dropna()})
    level = np.clip(np.round(log["mood"] * 0.9 + 1), 1, 10).astype(int)
    head = ",".join(f'"{c}"' for c in ["Date", "Day of week", "Hour", "Minute", "Level", "LevelText",
                                       "Comment", *tags])
    lines = [head]
    for (_, row), lv in zip(log.iterrows(), level, strict=True):  # a loop over entries
        tag = str(row["activity"]).lower().replace(" ", "")
        note = row["note"] if isinstance(row["note"], str) else ""
        comment = (f"{note} #{tag}" if note else f"#{tag}").replace('"', "'")
        start = row["start"]
        cells = [f"{start:%B} {start.day}, {start.year}", f"{start:%a}", f"{start:%H}", f"{start:%M}",
                 str(lv), f"({lv}) {IMJ_TEXT[lv]}", comment]
        lines.append(",".join(f'"{c}"' for c in cells) + "," + ",".join("1" if t == tag else "0" for t in tags))
    path.write_bytes(("\ufeff" + "\n".join(lines) + "\n").encode("utf-8"))
    return log


# --------------------------------------------------------------------------- Bearable


def write_bearable(path: Path) -> pd.DataFrame:
    log = robin()
    rng = np.random.default_rng(SEED + 2)
    rows = []
    for day, grp in log.groupby(log["start"].dt.normalize(), sort=False):  # a loop over days
        date = f"{_ordinal(day.day)} {day:%b %Y}"
        weekday = f"{day:%a}"
        rated = grp.dropna(subset=["mood"])
        for half, part in (("am", rated[rated["start"].dt.hour < 13]), ("pm", rated[rated["start"].dt.hour >= 13])):
            if part.empty:
                continue
            mood = int(np.clip(np.round(1 + part["mood"].mean() * 0.9), 1, 10))
            when = half if rng.random() < 0.7 else f"{part['start'].iloc[0]:%H:%M}"
            detail = ["", "Calm", "Tired | Anxious", "Content"][int(rng.integers(4))]
            rows.append([date, weekday, when, "Mood", mood, detail, ""])
        acts = list(dict.fromkeys(grp["activity"].dropna()))
        rows.append([date, weekday, "all day", "Factors", "", " | ".join(acts), ""])
        rows.append([date, weekday, "all day", "Energy", int(rng.integers(2, 9)), "", ""])
        rows.append([date, weekday, "pre", "Sleep", f"{int(rng.integers(5, 9))}:{int(rng.integers(0, 4)) * 15:02d}",
                     "", ""])
        if rng.random() < 0.4:
            rows.append([date, weekday, "mid", "Symptom", int(rng.integers(1, 4)), "Headache (Mild)", ""])
    out = pd.DataFrame(rows, columns=["date", "weekday", "time of day", "category", "rating/amount", "detail",
                                      "notes"])
    out.to_csv(path, index=False, lineterminator="\n")
    return out


# --------------------------------------------------------------------------- weekly grid

DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _grid_cell(row, style: int) -> str:
    m, p, act = int(row.mastery), int(row.pleasure), row.activity
    return [f"{act} M{m} P{p}", f"{act} (M{m}, P{p})", f"{act} P{p} M{m}", f"{act} {m}/{p}"][style]


def write_grid(path: Path) -> pd.DataFrame:
    log = robin().dropna(subset=["mastery", "pleasure", "activity"])
    rng = np.random.default_rng(SEED + 3)
    log = log.assign(hour=log["start"].dt.hour, week=(log["start"] - pd.Timestamp("2026-03-02")).dt.days // 7,
                     dow=log["start"].dt.day_of_week)
    log = log.drop_duplicates(["week", "dow", "hour"])  # one activity per hour slot
    wb = Workbook()
    info = wb.active
    info.title = "How to"
    info["A1"] = "Weekly activity schedule"
    info["A2"] = "Write what you did in each hour, with M (mastery) and P (pleasure) from 0 to 10."
    hours = range(7, 23)
    for week in (0, 1):
        ws = wb.create_sheet(f"Week {week + 1}")
        monday = pd.Timestamp("2026-03-02") + pd.Timedelta(days=7 * week)
        if week == 0:
            ws["A1"] = (f"Weekly activity schedule - Client: {CLIENT} - Week starting "
                        f"{monday.day} {monday:%B %Y} (M/P, 0-10)")
            ws["A1"].font = Font(bold=True)
            ws.append(["Time", *DAYS])
            labels = [f"{h}-{h + 1}am" if h < 11 else ("11-12" if h == 11 else f"{(h - 1) % 12 + 1}-{h % 12 + 1}")
                      for h in hours]
        else:
            ws["A1"] = f"Activity schedule (M/P) - {CLIENT}"
            ws.append(["Hour", *[(monday + pd.Timedelta(days=d)).to_pydatetime() for d in range(7)]])
            for j in range(2, 9):
                ws.cell(row=2, column=j).number_format = "ddd d mmm"
            labels = [f"{h:02d}:00" for h in hours]
        mine = log[log["week"] == week].set_index(["hour", "dow"])
        for i, h in enumerate(hours):
            row = [labels[i]]
            for d in range(7):
                if (h, d) in mine.index:
                    row.append(_grid_cell(mine.loc[(h, d)], int(rng.integers(4))))
                else:
                    row.append(None)
            ws.append(row)
        ws.append(["Mood (0-10)", *[int(rng.integers(3, 8)) for _ in range(7)]])
        ws.column_dimensions["A"].width = 12
    _save(wb, path)
    return log


# --------------------------------------------------------------------------- BATD-R

IMPORTANCE = {"Relationships": 8, "Health": 8, "Work/Education": 7, "Self-care": 6, "Household/Chores": 5,
              "Leisure": 4}


def write_batd(path: Path) -> pd.DataFrame:
    log = robin(weeks=1).dropna(subset=["pleasure", "activity"])
    rng = np.random.default_rng(SEED + 4)
    wb = Workbook()
    wb.remove(wb.active)
    head = ["Time", "Activity", "Enjoyment (0-10)", "Importance (0-10)"]
    for n, (day, grp) in enumerate(log.groupby(log["start"].dt.normalize(), sort=True)):  # a loop over days
        if n % 2 == 0:
            ws = wb.create_sheet(f"{day:%a} {day.day} {day:%b %Y}")
            ws.append([f"BATD-R daily monitoring form - Client: {CLIENT}"])
        else:
            ws = wb.create_sheet(f"Day {n + 1}")
            ws.append([f"Date: {day:%A} {day.day} {day:%B %Y}"])
        ws.append(head)
        for r in grp.itertuples():
            base = IMPORTANCE.get(r.category, 5) - (3 if r.avoidance else 0)
            importance = int(np.clip(base + rng.integers(-1, 2), 0, 10))
            ws.append([f"{r.start:%H:%M}", r.activity, int(r.pleasure), importance])
    _save(wb, path)
    return log


# --------------------------------------------------------------------------- m-Path

MPATH_ACTIVITIES = ("Working or studying", "Engaging in a hobby", "Socializing", "Eating or drinking",
                    "Resting", "Exercising", "Travelling", "Housework", "Other")
#: Points on the 0-100 happiness slider each activity adds (within a person).
MPATH_EFFECTS = {"Exercising": 8.0, "Socializing": 6.0, "Working or studying": -4.0, "Housework": -3.0}
#: Each participant's chance of answering a prompt (the shares in the file are drawn from these).
MPATH_COMPLIANCE = (0.95, 0.9, 0.85, 0.75, 0.7, 0.6, 0.45, 0.15)
MPATH_COMPANY = ("Alone", "With one person I know", "With multiple people I know", "With strangers")
_MPATH_META = ("connectionId", "legacyCode", "code", "alias", "initials", "accountCode", "scheduledBeepId",
               "sentBeepId", "reminderForOriginalSentBeepId", "questionListName", "questionListLabel",
               "fromProtocolName", "timeStampScheduled", "timeStampSent", "timeStampStart", "timeStampStop",
               "originalTimeStampSent", "timeZoneOffset", "deltaUTC")
_MPATH_ITEMS = ("consent_yesno_yesno", "age_open", "intake_outro_basic", "slider_happy_sliderNeutralPos",
                "slider_sad_sliderNegPos", "context_activity_multipleChoice_index",
                "context_activity_multipleChoice_string", "context_activity_multipleChoice_likert",
                "enjoy_activity_sliderNegPos", "context_company_multipleChoice_index",
                "context_company_multipleChoice_string", "context_company_multipleChoice_likert",
                "main_outro_basic")


def _mpath_field(v) -> str:
    """One field as m-Path writes it: quoted when it holds a space, a quote or a semicolon."""
    text = "" if v is None else str(v)
    if any(ch in text for ch in ' ";'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _unix(t: pd.Timestamp) -> int:
    """m-Path's stamp: seconds since 1970 on the participant's local clock."""
    return int((t - pd.Timestamp("1970-01-01")).total_seconds())


def _mpath_person(i: int, rng, beep: int, sent_id: int) -> list[dict]:
    """One participant's lines: the intake questionnaire, then 6 prompts a day for 7 days."""
    who = {"connectionId": 241000 + 37 * i, "legacyCode": f"!{i}x{i + 3}q@k4m2p",
           "code": f"!b{chr(97 + i)}qz {chr(98 + i)}mtk", "alias": f"p{i + 1:02d}", "initials": "",
           "accountCode": "k4m2p"}
    first = pd.Timestamp("2026-03-02") + pd.Timedelta(days=int(i % 3))
    offset = 3600
    lines = []
    t = first + pd.Timedelta(hours=8, minutes=int(rng.integers(0, 50)))
    lines.append({**who, "scheduledBeepId": -1, "sentBeepId": sent_id, "reminderForOriginalSentBeepId": 0,
                  "questionListName": "Consent and intake questionnaire", "timeStampScheduled": 0,
                  "timeStampSent": _unix(t), "timeStampStart": _unix(t) + 2, "timeStampStop": _unix(t) + 95,
                  "originalTimeStampSent": 0, "timeZoneOffset": offset, "deltaUTC": 0,
                  "consent_yesno_yesno": 1, "age_open": f'"{int(rng.integers(19, 60))}"',
                  "intake_outro_basic": 1})
    base = float(rng.uniform(40, 72))
    rate = MPATH_COMPLIANCE[i]
    for day in range(7):  # a loop over the study's days and each day's prompts
        for block in range(6):
            beep += 1
            sent_id += 3
            scheduled = (first + pd.Timedelta(days=day, hours=9 + 2 * block)
                         + pd.Timedelta(minutes=int(rng.integers(0, 110))))
            sent = scheduled + pd.Timedelta(seconds=int(rng.integers(1, 5)))
            line = {**who, "scheduledBeepId": beep, "sentBeepId": sent_id, "reminderForOriginalSentBeepId": 0,
                    "questionListName": "main_questionnaire", "fromProtocolName": "ba_esm_study",
                    "timeStampScheduled": _unix(scheduled), "timeStampSent": _unix(sent),
                    "timeZoneOffset": offset}
            if rng.random() < rate:
                start = sent + pd.Timedelta(seconds=int(rng.integers(5, 2400)))
                n_acts = int(rng.choice([1, 1, 1, 2, 2, 3]))
                picks = sorted(rng.choice(len(MPATH_ACTIVITIES), size=n_acts, replace=False).tolist())
                names = [MPATH_ACTIVITIES[k] for k in picks]
                happy = base + sum(MPATH_EFFECTS.get(a, 0.0) for a in names) + rng.normal(0, 10)
                happy = int(np.clip(round(happy), 0, 100))
                company = int(rng.integers(0, len(MPATH_COMPANY)))
                index = ",".join(str(k + 1) for k in picks)
                line.update({
                    "timeStampStart": _unix(start), "timeStampStop": _unix(start) + int(rng.integers(25, 120)),
                    "originalTimeStampSent": 0, "deltaUTC": int(rng.integers(-1, 2)),
                    "slider_happy_sliderNeutralPos": happy,
                    "slider_sad_sliderNegPos": int(np.clip(round(100 - happy + rng.normal(-30, 10)), 0, 100)),
                    "context_activity_multipleChoice_index": index,
                    "context_activity_multipleChoice_string": ",".join(f'"{a}"' for a in names),
                    "context_activity_multipleChoice_likert": index,
                    "enjoy_activity_sliderNegPos": int(np.clip(round(happy + rng.normal(5, 12)), 0, 100)),
                    "context_company_multipleChoice_index": company + 1,
                    "context_company_multipleChoice_string": f'"{MPATH_COMPANY[company]}"',
                    "context_company_multipleChoice_likert": company + 1,
                    "main_outro_basic": 1})
            lines.append(line)
    return lines


def write_mpath(path: Path) -> pd.DataFrame:
    """The m-Path export; returns its lines as written (one dict a line, text fields unquoted)."""
    rng = np.random.default_rng(SEED + 5)
    lines = []
    for i in range(len(MPATH_COMPLIANCE)):  # a loop over participants
        lines.extend(_mpath_person(i, rng, beep=30100000 + 100 * i, sent_id=19400000 + 1000 * i))
    columns = [*_MPATH_META, *_MPATH_ITEMS]
    text = "\n".join([";".join(columns)] + [";".join(_mpath_field(line.get(c)) for c in columns)
                                               for line in lines]) + "\n"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    return pd.DataFrame(lines, columns=columns)


def main() -> None:
    write_daylio(HERE / "daylio-export.csv")
    write_bearable(HERE / "bearable-export.csv")
    write_imoodjournal(HERE / "imoodjournal-export.csv")
    write_grid(HERE / "weekly-schedule.xlsx")
    write_batd(HERE / "batd-forms.xlsx")
    write_mpath(HERE / "mpath-export.csv")


if __name__ == "__main__":
    main()
