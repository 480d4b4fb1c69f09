"""Look-alikes of real people's files (issue 14, part 7), built in code.

Each function writes one file into *folder* that keeps the layout and quirks of
a real export or hand-typed diary found in a public repository (see
``tests/data/README.md`` for the originals and why most of them cannot be
committed), with invented content, and returns a :class:`Truth`: what a correct
reader (``shared/DESIGN.md`` section 1 and issue 14) should produce from it.

Import from a test as ``from realworld import diary_csv`` (``tests/`` is on
``sys.path`` under pytest's default ``rootdir``/``prepend`` import mode, the
same way the tests import ``conftest``).

Rows are keyed ``(sheet, row)``: ``sheet`` is ``None`` for a CSV file and
``row`` is what the user sees (the line a CSV record starts on, or the
spreadsheet's own row number). Everything is deterministic: the random parts
come from ``random.Random(seed)``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl

Key = tuple  # (sheet or None, row)


@dataclass
class Entry:
    """One entry a correct reader produces from one source row."""

    start: dt.datetime | None
    activities: list[str]
    mood: float | None = None            # on 0-10, None when the cell is unreadable/absent
    mastery: float | None = None
    pleasure: float | None = None
    category: str | None = None
    planned: bool | None = None
    done: bool | None = None
    end: dt.datetime | None = None
    note_has: str | None = None          # text the note must contain
    extra: dict = field(default_factory=dict)  # other columns: name -> value


@dataclass
class Truth:
    """What a correct reader should make of a generated file."""

    path: Path
    layout: str
    read_kw: dict = field(default_factory=dict)   # what the user passes (custom moods, scales ...)
    entries: dict = field(default_factory=dict)   # Key -> Entry
    bad_cells: dict = field(default_factory=dict)  # (sheet, row, header) -> why it cannot be read
    not_entries: dict = field(default_factory=dict)  # Key -> why (reflection, totals ...)
    interpreted: dict = field(default_factory=dict)  # (sheet, row, header) -> how it is read
    client: str | None = None
    facts: dict = field(default_factory=dict)     # anything else a test needs (week totals ...)

    @property
    def data_rows(self) -> set:
        """Every data row of the source: entries and non-entries."""
        return set(self.entries) | set(self.not_entries)

    @property
    def n_entries(self) -> int:
        return len(self.entries)


# --------------------------------------------------------------------------- writing helpers


def _csv_text(rows, *, quote_all=False, eol="\n") -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=eol, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    for r in rows:
        w.writerow(["" if c is None else c for c in r])
    return buf.getvalue()


def _write(folder, name, text: str, *, bom=False, trailing_newline=True, eol="\n") -> Path:
    if not trailing_newline:
        text = text[: -len(eol)] if text.endswith(eol) else text
    path = Path(folder) / name
    path.write_bytes((("\ufeff" if bom else "") + text).encode("utf-8"))
    return path


def _lines(rows, first_line: int = 2) -> list[int]:
    """The line each record starts on (records may hold newlines inside quotes)."""
    out, line = [], first_line
    for r in rows:
        out.append(line)
        line += 1 + sum(str(c).count("\n") for c in r if c is not None)
    return out


def _h12(t: dt.datetime, *, upper=False, seconds=False, sep=" ") -> str:
    h = t.hour % 12 or 12
    ampm = "AM" if t.hour < 12 else "PM"
    s = f"{h}:{t.minute:02d}" + (f":{t.second:02d}" if seconds else "")
    return f"{s}{sep}{ampm if upper else ampm.lower()}"


# =========================================================================== (a) hand-typed diary

DIARY_HEADER = ["Date", "Time", "Activity", "Activity Type", "Value", "Planned", "Done",
                "Mastery", "Pleasure", "How I feel", "Duration", "Notes"]
_POOL = {  # slot hour -> (activity, activity type, value)
    8: [("Breakfast", "Self-Care", "Medium"), ("Shower", "Self-Care", "Low")],
    10: [("Gym", "Exercise", "High"), ("Study", "School", "High"), ("Walk dog", "Exercise", "Medium")],
    13: [("Lunch", "Self-Care", "Low"), ("Lunch with Max", "Social", "Medium")],
    15: [("Study", "School", "High"), ("Tidy room", "Errands", "Medium"), ("Shopping", "Errands", "Low")],
    19: [("Walk dog", "Exercise", "Medium"), ("Cook dinner", "Self-Care", "Medium"), ("TV", "Leisure", "Low"),
         ("Gym", "Exercise", "High")],
    23: [("Sleep", "Sleep", "High")],
}
DIARY_START = dt.date(2026, 3, 2)  # a Monday; three weeks to 22 March
#: time words and how DESIGN.md/issue 14 say they read (None: a documented evening hour, 17-21)
TIME_WORDS = {"lunch": dt.time(13), "lunchtime": dt.time(13), "noon": dt.time(12),
              "14h30": dt.time(14, 30), "1430": dt.time(14, 30), "evening": None}


def _diary_rows(seed: int):
    """The diary as a list of dicts (one per row, in order) with what each cell holds and means."""
    rng = random.Random(seed)
    rows = []
    # quirks placed by (week, weekday, slot hour)
    time_quirk = {(0, 0, 13): "lunch", (0, 2, 13): "lunchtime", (1, 1, 19): "evening",
                  (1, 3, 15): "14h30", (2, 0, 15): "1430", (2, 4, 13): "noon"}
    rating_quirk = {(0, 1, 10): ("Mastery", "5-6", 5.5), (1, 2, 10): ("Pleasure", "~6", 6.0),
                    (2, 2, 19): ("Mastery", "6?", 6.0)}
    mood_unreadable = {(1, 4, 15)}
    spelling = {(0, 3, 10): "gym", (1, 5, 10): "walk dog ", (2, 1, 19): "gym"}
    # planned rows and how "done" was written; week 2 (index 1) is 7 planned, 2 done
    done_words = {
        0: [((0, 10), "yes", True), ((1, 15), "yes", True), ((3, 19), "no", False), ((5, 10), "yes", True)],
        1: [((0, 10), "yes", True), ((1, 10), "no - too tired", False), ((2, 15), "nope", False),
            ((3, 10), "yes!!", True), ((4, 19), "no", False), ((5, 15), "no", False), ((6, 10), "No", False)],
        2: [((0, 10), "yes", True), ((2, 19), "yes", True), ((4, 10), "yes!!", True), ((6, 15), "no", False)],
    }
    done_at = {(w, d, h): (word, val) for w, items in done_words.items() for (d, h), word, val in items}
    durations_h = {}
    for week in range(3):
        for day in range(7):
            date = DIARY_START + dt.timedelta(days=7 * week + day)
            for hour in sorted(_POOL):
                act, kind, value = rng.choice(_POOL[hour])
                pos = (week, day, hour)
                shown = spelling.get(pos)
                if shown is not None:
                    act = {"gym": "Gym", "walk dog ": "Walk dog"}[shown]
                    kind, value = {"Gym": ("Exercise", "High"), "Walk dog": ("Exercise", "Medium")}[act]
                start = dt.datetime.combine(date, dt.time(hour))
                time_cell = _h12(start, upper=True, seconds=True)
                start_truth = start
                if pos in time_quirk:
                    word = time_quirk[pos]
                    time_cell = word
                    t = TIME_WORDS[word]
                    start_truth = None if t is None else dt.datetime.combine(date, t)
                m, p, mood = rng.randint(1, 9), rng.randint(1, 9), rng.randint(2, 8)
                if (week, day) == (0, 0) and hour == 8:
                    m, p, mood = 0, 10, 10   # the scale's ends occur (0-10 is visible in the data)
                m_cell, p_cell, mood_cell = m, p, mood
                m_truth, p_truth, mood_truth = float(m), float(p), float(mood)
                if pos in rating_quirk:
                    col, text, val = rating_quirk[pos]
                    if col == "Mastery":
                        m_cell, m_truth = text, val
                    else:
                        p_cell, p_truth = text, val
                bad = {}
                if pos in mood_unreadable:
                    mood_cell, mood_truth = "?", None
                    bad["How I feel"] = "a mood written '?'"
                if hour == 23:
                    minutes = rng.choice([360, 390, 420, 450, 480, 510])
                    if (week, day) == (1, 0):
                        minutes = 345          # 5:45:00
                else:
                    minutes = rng.choice([30, 45, 60, 90])
                durations_h[pos] = minutes
                planned = pos in done_at
                done_cell, done_truth = done_at.get(pos, ("", None))
                rows.append(dict(
                    date=date, time_cell=time_cell, start=start_truth, activity=act,
                    shown=shown if shown is not None else act, kind=kind, value=value,
                    planned=planned, done_cell=done_cell, done=done_truth,
                    m_cell=m_cell, p_cell=p_cell, mood_cell=mood_cell,
                    m=m_truth, p=p_truth, mood=mood_truth, minutes=minutes, bad=bad,
                    time_word=time_quirk.get(pos), rating=rating_quirk.get(pos), week=week,
                    note="too tired" if done_cell == "no - too tired" else "",
                ))
        rows.append(dict(reflection=True, week=week, text=[
            "Better than I expected, slept more", "Hard week, skipped a lot", "Gym twice, felt stronger"][week]))
    rows.append(dict(total=True))
    return rows


def _diary_truth(path, rows, row_numbers, sheet, layout, read_kw) -> Truth:
    truth = Truth(path=path, layout=layout, read_kw=read_kw)
    planned = {0: [0, 0], 1: [0, 0], 2: [0, 0]}
    for r, n in zip(rows, row_numbers, strict=True):
        key = (sheet, n)
        if r.get("reflection"):
            truth.not_entries[key] = f"weekly reflection: {r['text']}"
            continue
        if r.get("total"):
            truth.not_entries[key] = "a TOTAL / average row"
            continue
        end = None if r["start"] is None else r["start"] + dt.timedelta(minutes=r["minutes"])
        truth.entries[key] = Entry(
            start=r["start"], activities=[r["activity"]], mood=r["mood"], mastery=r["m"],
            pleasure=r["p"], category=r["kind"], planned=True if r["planned"] else None,
            done=r["done"], end=end, note_has=r["note"] or None,
            extra={"Value": r["value"], "date": r["date"], "time_word": r["time_word"],
                   "shown": r["shown"], "minutes": r["minutes"]})
        for col in r["bad"]:
            truth.bad_cells[(sheet, n, col)] = r["bad"][col]
        if r["time_word"]:
            truth.interpreted[(sheet, n, "Time")] = f"time word {r['time_word']!r}"
        if r["rating"]:
            truth.interpreted[(sheet, n, r["rating"][0])] = f"rating {r['rating'][1]!r} read as {r['rating'][2]}"
        if r["done_cell"] not in ("", "yes", "no", "No"):
            truth.interpreted[(sheet, n, "Done")] = f"done {r['done_cell']!r} read as {r['done']}"
        if r["planned"]:
            planned[r["week"]][0] += 1
            planned[r["week"]][1] += bool(r["done"])
    truth.facts["weeks"] = {DIARY_START + dt.timedelta(days=7 * w): tuple(v) for w, v in planned.items()}
    truth.facts["canonical"] = {"gym": "Gym", "walk dog": "Walk dog"}
    return truth


def diary_csv(folder, seed: int = 14) -> Truth:
    """A hand-typed three-week BA diary as CSV: 126 entries, 3 weekly reflections, a totals row.

    Like a real student's activity log (polyxenna/activitylog): BOM, CRLF,
    ``9:00:00 AM`` times, ``h:mm:ss`` durations (``5:45:00``), a ``Value``
    column of High/Medium/Low beside ``Activity Type``, a ``How I feel``
    column; plus what people type in a BA diary (issue 14): time words,
    ``14h30``/``1430``, yes/no words with more text, ranges and hedged ratings,
    a ``?`` mood, ``Gym``/``gym``, ``Walk dog``/``walk dog ``.
    """
    rows = _diary_rows(seed)
    out = [DIARY_HEADER]
    for r in rows:
        if r.get("reflection"):
            out.append(["How was this week?", "", r["text"]] + [""] * 9)
        elif r.get("total"):
            out.append(["TOTAL / average", "", "", "", "", "", "", "5.1", "5.3", "4.9", "146:30:00", ""])
        else:
            h, m = divmod(r["minutes"], 60)
            out.append([r["date"].isoformat(), r["time_cell"], r["shown"], r["kind"], r["value"],
                        "yes" if r["planned"] else "", r["done_cell"], r["m_cell"], r["p_cell"],
                        r["mood_cell"], f"{h}:{m:02d}:00", ""])
    path = _write(folder, "diary.csv", _csv_text(out, eol="\r\n"), bom=True)
    truth = _diary_truth(path, rows, list(range(2, 2 + len(rows))), None, "diary-csv",
                         {"scales": {"mood": (0, 10), "mastery": (0, 10), "pleasure": (0, 10)}})
    truth.facts["durations"] = "h:mm:ss text"
    return truth


def diary_xlsx(folder, seed: int = 14) -> Truth:
    """The same diary as a workbook: a merged title row (header on row 2), real date, time and
    duration cells (``timedelta``, which calamine returns as such), and a second sheet of lookup
    lists that holds no log."""
    rows = _diary_rows(seed)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Diary"
    ws.append(["My activity diary - BA homework weeks 1-3"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=6)
    ws.append(DIARY_HEADER)
    for r in rows:
        if r.get("reflection"):
            ws.append(["How was this week?", None, r["text"]])
        elif r.get("total"):
            ws.append(["TOTAL / average", None, None, None, None, None, None, 5.1, 5.3, 4.9,
                       dt.timedelta(hours=146, minutes=30), None])
        else:
            time_cell = r["time_cell"] if r["time_word"] else r["start"].time()
            ws.append([dt.datetime.combine(r["date"], dt.time()), time_cell, r["shown"], r["kind"],
                       r["value"], "yes" if r["planned"] else None, r["done_cell"] or None,
                       r["m_cell"], r["p_cell"], r["mood_cell"], dt.timedelta(minutes=r["minutes"]), None])
    for row in ws.iter_rows(min_row=3, min_col=1, max_col=1):
        row[0].number_format = "yyyy-mm-dd"
    for row in ws.iter_rows(min_row=3, min_col=11, max_col=11):
        row[0].number_format = "[h]:mm:ss"
    lists = wb.create_sheet("Lists")
    lists.append(["Activity Type", "Value"])
    for a, b in [("Sleep", "High"), ("Self-Care", "Medium"), ("School", "Low"), ("Exercise", None),
                 ("Errands", None), ("Leisure", None), ("Social", None)]:
        lists.append([a, b])
    path = Path(folder) / "diary.xlsx"
    wb.save(path)
    truth = _diary_truth(path, rows, list(range(3, 3 + len(rows))), "Diary", "diary-xlsx",
                         {"scales": {"mood": (0, 10), "mastery": (0, 10), "pleasure": (0, 10)}})
    truth.facts["durations"] = "Excel duration cells"
    truth.facts["not_a_log_sheets"] = ["Lists"]
    return truth


# =========================================================================== (b) Daylio

DAYLIO_DEFAULT = {"rad": 10.0, "good": 7.5, "meh": 5.0, "bad": 2.5, "awful": 0.0}
DAYLIO_PL = {"wspaniale": 10.0, "dobrze": 7.5, "tak sobie": 5.0, "źle": 2.5, "okropnie": 0.0}
DAYLIO_DE = {"Super": 10.0, "Gut": 7.5, "Ok": 5.0, "Schlecht": 2.5, "Lausig": 0.0}
EN_WEEKDAY = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
PL_WEEKDAY = ["poniedziałek", "wtorek", "środa", "czwartek", "piątek", "sobota", "niedziela"]
DE_WEEKDAY = ["Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag"]
ES_WEEKDAY = ["lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"]
PL_MONTH_GEN = {8: "sierpnia", 9: "września", 10: "października"}
ES_MONTH = {9: "septiembre", 10: "octubre", 11: "noviembre"}
EN_MONTH = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
            "October", "November", "December"]
_DAYLIO_ACTS = ["work", "friends", "walk", "cooking", "reading", "gaming", "cleaning", "shopping",
                "movies / tv", "good sleep", "family", "exercise"]


def _daylio_entries(seed, n, start: dt.datetime, moods, *, step_hours=(9, 30)):
    """n invented entries, newest first (as Daylio writes them)."""
    rng = random.Random(seed)
    t = start
    out = []
    for _ in range(n):
        t = t + dt.timedelta(hours=rng.randint(*step_hours), minutes=rng.randint(0, 59))
        acts = rng.sample(_DAYLIO_ACTS, rng.randint(0, 3))
        out.append(dict(t=t, mood=rng.choice(moods), acts=acts))
    return out[::-1]


def _daylio_truth(path, layout, ents, lines, mood_values, read_kw=None, sheet=None) -> Truth:
    truth = Truth(path=path, layout=layout, read_kw=read_kw or {})
    for e, n in zip(ents, lines, strict=True):
        label = e["mood"].strip()
        value = mood_values.get(label, mood_values.get(e["mood"]))
        truth.entries[(sheet, n)] = Entry(start=e["t"], activities=[a.strip() for a in e["acts"]
                                                                   if a.strip()],
                                          mood=value, note_has=e.get("note_has"),
                                          extra={"label": label})
    return truth


def daylio_modern(folder, seed: int = 1) -> Truth:
    """The current 8-column Daylio export, default moods, with what real exports show:
    12 h lower-case times with one 24 h time and one upper-case ``PM`` among them (mixed formats),
    one time with a narrow no-break space before ``pm`` (newer Android exports), activities
    joined by `` | `` with stray and doubled spaces, HTML in a note (``A&nbsp;B<br>C``, ``<b>``)."""
    ents = _daylio_entries(seed, 12, dt.datetime(2025, 9, 1, 8), list(DAYLIO_DEFAULT))
    ents[2]["acts"] = ["walk ", "cooking  ", "movies / tv"]   # stray/double spaces
    ents[5]["acts"] = ["  friends", "work"]
    rows = [["full_date", "date", "weekday", "time", "mood", "activities", "note_title", "note"]]
    for i, e in enumerate(ents):
        t = e["t"]
        time = _h12(t)
        if i == 3:
            time = f"{t:%H:%M}"                   # one 24 h time among 12 h ones
        elif i == 4:
            time = _h12(t, upper=True)
        elif i == 6:
            time = _h12(t, sep="\u202f")
        note, title = "", ""
        if i == 1:
            note, title, e["note_has"] = "Went out&nbsp;early<br>Felt <b>fine</b>", "Note with HTML", "fine"
        elif i == 7:
            note, e["note_has"] = "Slow morning", "Slow morning"
        joined = " | ".join(e["acts"]) if i not in (2, 5) else "walk  | cooking  | movies / tv" if i == 2 \
            else "  friends | work "
        rows.append([f"{t:%Y-%m-%d}", f"{t.day} {EN_MONTH[t.month - 1]}", EN_WEEKDAY[t.weekday()], time,
                     e["mood"], joined, title, note])
    path = _write(folder, "daylio_export.csv", _csv_text(rows))
    truth = _daylio_truth(path, "daylio-8col", ents, _lines(rows[1:]), DAYLIO_DEFAULT)
    truth.interpreted[(None, 2 + 3, "time")] = "24 h time among 12 h times"
    truth.interpreted[(None, 2 + 6, "time")] = "narrow no-break space before pm"
    truth.facts["html_note_row"] = 3
    truth.facts["spaced_rows"] = [4, 7]
    return truth


def daylio_custom_moods(folder, seed: int = 2) -> Truth:
    """An 8-column export with the user's own mood labels next to two defaults, every field
    quoted, a label with a trailing space (``"sad "``); the user passes ``mood_map`` for the
    custom labels only, so ``rad`` and ``meh`` must still read through the defaults."""
    custom = {"sad": 2.0, "average": 5.0, "Solid": 6.5, "ok but sleepy": 4.0}
    labels = ["sad ", "average", "Solid", "ok but sleepy", "rad", "meh"]
    ents = _daylio_entries(seed, 10, dt.datetime(2021, 9, 20, 8), labels)
    for i, lab in enumerate(labels):      # every label occurs; "sad " most often (like real exports)
        ents[i]["mood"] = lab
    ents[6]["mood"] = ents[7]["mood"] = "sad "
    rows = [["full_date", "date", "weekday", "time", "mood", "activities", "note_title", "note"]]
    for e in ents:
        t = e["t"]
        rows.append([f"{t:%Y-%m-%d}", f"{t.day} {EN_MONTH[t.month - 1]}", EN_WEEKDAY[t.weekday()],
                     _h12(t), e["mood"], " | ".join(e["acts"]), "", ""])
    path = _write(folder, "daylio_export.csv", _csv_text(rows, quote_all=True))
    values = {**DAYLIO_DEFAULT, **custom}
    truth = _daylio_truth(path, "daylio-custom", ents, _lines(rows[1:]), values,
                          read_kw={"mood_map": custom})
    truth.facts["custom"] = custom
    return truth


def daylio_seven_col(folder, seed: int = 3) -> Truth:
    """The 7-column layout without ``note_title`` (2019-2020 exports), saved with a BOM, CRLF line
    ends and no newline after the last record, 12 h upper-case times."""
    ents = _daylio_entries(seed, 9, dt.datetime(2020, 5, 20, 7), list(DAYLIO_DEFAULT))
    rows = [["full_date", "date", "weekday", "time", "mood", "activities", "note"]]
    for i, e in enumerate(ents):
        t = e["t"]
        note = "Short walk, then rain" if i == len(ents) - 1 else ""
        if note:
            e["note_has"] = note
        rows.append([f"{t:%Y-%m-%d}", f"{t.day} {EN_MONTH[t.month - 1]}", EN_WEEKDAY[t.weekday()],
                     _h12(t, upper=True), e["mood"], " | ".join(e["acts"]), note])
    path = _write(folder, "daylio_export.csv", _csv_text(rows, eol="\r\n"), bom=True,
                  trailing_newline=False, eol="\r\n")
    return _daylio_truth(path, "daylio-7col", ents, _lines(rows[1:]), DAYLIO_DEFAULT)


def daylio_old_year(folder, seed: int = 4) -> Truth:
    """The old layout ``year,date,weekday,time,mood,activities,note`` (2017-2018 exports): no
    full_date, the year in its own column, ``date`` month first (``December 31``), 24 h times,
    across a new year."""
    ents = _daylio_entries(seed, 8, dt.datetime(2017, 12, 28, 9), list(DAYLIO_DEFAULT))
    rows = [["year", "date", "weekday", "time", "mood", "activities", "note"]]
    for e in ents:
        t = e["t"]
        rows.append([t.year, f"{EN_MONTH[t.month - 1]} {t.day}", EN_WEEKDAY[t.weekday()], f"{t:%H:%M}",
                     e["mood"], " | ".join(e["acts"]), ""])
    path = _write(folder, "daylio_export.csv", _csv_text(rows), bom=True)
    truth = _daylio_truth(path, "daylio-old-year", ents, _lines(rows[1:]), DAYLIO_DEFAULT)
    truth.facts["years"] = sorted({e["t"].year for e in ents})
    return truth


def daylio_scales(folder, seed: int = 5) -> Truth:
    """The 9-column layout with ``scales`` (2025 exports) as a hand-made sample shows it: the
    weekday column empty, 12 h times, a ``scales`` cell such as
    ``Sleep Quality: 8/10 points | Sleep Time: 8:00`` on some rows."""
    ents = _daylio_entries(seed, 6, dt.datetime(2025, 12, 26, 8), list(DAYLIO_DEFAULT))
    rows = [["full_date", "date", "weekday", "time", "mood", "activities", "scales", "note_title", "note"]]
    for i, e in enumerate(ents):
        t = e["t"]
        scales = f"Sleep Quality: {6 + i % 3}/10 points | Sleep Time: {7 + i % 2}:00" if i % 2 == 0 else ""
        rows.append([f"{t:%Y-%m-%d}", f"{t.day} {EN_MONTH[t.month - 1]}", "", _h12(t), e["mood"],
                     " | ".join(e["acts"]), scales, "", ""])
    path = _write(folder, "daylio_export.csv", _csv_text(rows))
    return _daylio_truth(path, "daylio-9col-scales", ents, _lines(rows[1:]), DAYLIO_DEFAULT)


def daylio_trimmed(folder, seed: int = 6) -> Truth:
    """An export the user trimmed to ``full_date,weekday,time,mood`` (no activities), with a custom
    label holding a curly apostrophe and a trailing space."""
    custom = {"fine I’m fine": 4.0, "tired": 3.0}
    labels = ["good", "meh", "fine I’m fine ", "tired", "rad", "bad"]
    ents = _daylio_entries(seed, 10, dt.datetime(2022, 3, 1, 8), labels)
    for e in ents:
        e["acts"] = []
    rows = [["full_date", "weekday", "time", "mood"]]
    for e in ents:
        t = e["t"]
        rows.append([f"{t:%Y-%m-%d}", EN_WEEKDAY[t.weekday()], f"{t:%H:%M}", e["mood"]])
    path = _write(folder, "daylio.csv", _csv_text(rows))
    return _daylio_truth(path, "daylio-trimmed", ents, _lines(rows[1:]), {**DAYLIO_DEFAULT, **custom},
                         read_kw={"mood_map": custom})


def daylio_polish(folder, seed: int = 7) -> Truth:
    """A Polish export in the old ``year,date,...`` layout: BOM, genitive month names
    (``7 września``, ``31 sierpnia``), Polish weekdays, Polish default moods (no ``mood_map``),
    and one short row (6 fields: the empty note at the end is missing)."""
    ents = _daylio_entries(seed, 10, dt.datetime(2018, 8, 27, 9), list(DAYLIO_PL))
    acts_pl = ["praca", "znajomi", "spacer", "gotowanie", "czytanie", "zakupy"]
    rng = random.Random(seed)
    for e in ents:
        e["acts"] = rng.sample(acts_pl, rng.randint(0, 2))
    lines = ["year,date,weekday,time,mood,activities,note"]
    short_at = 4
    for i, e in enumerate(ents):
        t = e["t"]
        fields = [str(t.year), f"{t.day} {PL_MONTH_GEN[t.month]}", PL_WEEKDAY[t.weekday()],
                  f"{t:%H:%M}", e["mood"], '"' + " | ".join(e["acts"]) + '"']
        if i != short_at:
            fields.append('""')
        lines.append(",".join(fields))
    path = _write(folder, "daylio_export.csv", "\n".join(lines) + "\n", bom=True)
    truth = _daylio_truth(path, "daylio-pl", ents, list(range(2, 2 + len(ents))), DAYLIO_PL)
    truth.facts["short_row"] = 2 + short_at
    truth.facts["months"] = sorted({PL_MONTH_GEN[e["t"].month] for e in ents})
    return truth


def daylio_spanish_no_header(folder, seed: int = 8) -> Truth:
    """A Spanish export whose header line was removed (the BOM sits before the first data row):
    7 fields (``full_date,date,weekday,time,mood,activities,note``), ``16 de octubre``,
    ``sábado``/``miércoles``, 24 h times without zero-padding (``9:03``), custom moods."""
    custom = {"Muy bien": 9.0, "Bien, como siempre": 7.0, "Sin ánimo": 3.0, "mal": 2.5, "Motivado": 8.0}
    ents = _daylio_entries(seed, 9, dt.datetime(2021, 10, 9, 8), list(custom))
    acts_es = ["trabajo", "amigos", "paseo", "leer", "cocinar", "deporte"]
    rng = random.Random(seed)
    for e in ents:
        e["acts"] = rng.sample(acts_es, rng.randint(0, 2))
    rows = []
    for e in ents:
        t = e["t"]
        rows.append([f"{t:%Y-%m-%d}", f"{t.day} de {ES_MONTH[t.month]}", ES_WEEKDAY[t.weekday()],
                     f"{t.hour}:{t.minute:02d}", e["mood"], " | ".join(e["acts"]), ""])
    path = _write(folder, "daylio_export.csv", _csv_text(rows), bom=True)
    return _daylio_truth(path, "daylio-es-noheader", ents, _lines(rows, first_line=1), custom,
                         read_kw={"format": "daylio", "mood_map": custom})


def daylio_german(folder, seed: int = 9) -> Truth:
    """A German export trimmed to ``full_date,weekday,mood,activities,note`` (no time: one entry a
    day), German weekdays and default moods ``Super/Gut/Ok/Schlecht/Lausig``, umlauts in
    activities (``Wäsche``, ``Mäßig``)."""
    rng = random.Random(seed)
    acts_de = ["Arbeit", "Einkaufen", "Wäsche", "Mäßig", "Familie", "Spaziergang", "Lesen"]
    rows = [["full_date", "weekday", "mood", "activities", "note"]]
    ents = []
    for k in range(10):
        d = dt.datetime(2020, 9, 1) + dt.timedelta(days=k)
        e = dict(t=d, mood=rng.choice(list(DAYLIO_DE)), acts=rng.sample(acts_de, rng.randint(1, 3)))
        ents.append(e)
        rows.append([f"{d:%Y-%m-%d}", DE_WEEKDAY[d.weekday()], e["mood"], " | ".join(e["acts"]), ""])
    path = _write(folder, "mockdata.csv", _csv_text(rows))
    truth = _daylio_truth(path, "daylio-de-trimmed", ents, _lines(rows[1:]), DAYLIO_DE)
    truth.facts["no_time"] = True
    return truth


# =========================================================================== (c) iMoodJournal

IMJ_TEXT = {1: "Couldn't be worse", 2: "Very bad", 3: "Bad", 4: "Blah", 5: "Meh", 6: "Okay",
            7: "Pretty Good", 8: "Good", 9: "Great", 10: "Awesome"}


def imoodjournal(folder, seed: int = 10) -> Truth:
    """An iMoodJournal export: ``Date, Day of week, Hour, Minute, Level, LevelText, Comment`` and one
    0/1 column per hashtag (alphabetical), every header and value quoted except the 0/1 cells, a
    BOM right before the first quote, ``September 5, 2015`` dates, zero-padded hour and minute,
    level 1-10 (mapped onto 0-10 as ``(level - 1) * 10 / 9``), multi-line comments, oldest first."""
    rng = random.Random(seed)
    tags = sorted(["coffee", "friends", "run", "tired", "work", "rain"])
    t = dt.datetime(2015, 9, 5, 9, 0)
    lines = ['"Date","Day of week","Hour","Minute","Level","LevelText","Comment",'
             + ",".join(f'"{g}"' for g in tags)]
    line = 2
    truth = Truth(path=Path(folder) / "iMoodJournal.csv", layout="imoodjournal",
                  read_kw={})
    for k in range(12):
        t = t + dt.timedelta(hours=rng.randint(3, 20), minutes=rng.randint(1, 59))
        level = rng.randint(1, 10)
        used = sorted(rng.sample(tags, rng.randint(0, 2)))
        comment = " ".join(f"#{g}" for g in used)
        if k == 3:
            comment = ("Long day at work\nbut a good evening " + comment).strip()
        elif k == 7:
            comment = (comment + " ok").strip()
        cells = [f'"{t:%B} {t.day}, {t.year}"', f'"{t:%a}"', f'"{t:%H}"', f'"{t:%M}"', f'"{level}"',
                 f'"({level}) {IMJ_TEXT[level]}"', f'"{comment}"'] + ["1" if g in used else "0" for g in tags]
        lines.append(",".join(cells))
        truth.entries[(None, line)] = Entry(start=t, activities=used, mood=(level - 1) * 10 / 9,
                                            extra={"level": level, "comment": comment})
        line += 1 + comment.count("\n")
    truth.path.write_bytes(("\ufeff" + "\n".join(lines) + "\n").encode("utf-8"))
    truth.facts["tags"] = tags
    truth.facts["multiline_row"] = [k for k, e in truth.entries.items() if "\n" in e.extra["comment"]][0]
    return truth


# =========================================================================== (d) Bearable

_SLOTS = {"pre": dt.time(6), "am": dt.time(9), "mid": dt.time(13), "pm": dt.time(19)}


def _ordinal(d: dt.date) -> str:
    suffix = "th" if 11 <= d.day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(d.day % 10, "th")
    return f"{d.day}{suffix} {d:%b} {d.year}"


def _bearable(folder, seed, dated: bool) -> Truth:
    rng = random.Random(seed)
    header = ["date", "weekday", "time of day", "category", "rating/amount", "detail", "notes"]
    if dated:
        header.insert(1, "date formatted")
    rows = []
    kinds = []      # per row: ("mood", slot/clock, value) etc.
    for k in range(4):
        d = dt.date(2020, 9, 21) + dt.timedelta(days=k)
        for slot in ("am", "pm"):
            mood = rng.randint(3, 9)
            rows.append([d, slot, "Mood", str(mood), "Meh | Anxious" if mood < 5 else "Good", ""])
            kinds.append(("mood", dt.datetime.combine(d, _SLOTS[slot]), mood, slot))
            energy = rng.randint(1, 5)
            rows.append([d, slot, "Energy", str(energy), "Good" if energy > 2 else "Low", ""])
            kinds.append(("energy", dt.datetime.combine(d, _SLOTS[slot]), energy, slot))
        # a mood at a clock time without zero padding, and one at a padded clock time
        clock = dt.time(3, 4) if k == 1 else dt.time(21, 15)
        clock_text = f"{clock.hour}:{clock.minute:02d}" if k == 1 else f"{clock:%H:%M}"
        mood = rng.randint(3, 9)
        rows.append([d, clock_text, "Mood", str(mood), "", ""])
        kinds.append(("mood", dt.datetime.combine(d, clock), mood, clock_text))
        acts = rng.sample(["Walk", "Friends", "Reading", "Work", "Cooking"], 2)
        rows.append([d, "all day", "Factors", "", " | ".join(acts), ""])
        kinds.append(("factors", dt.datetime.combine(d, dt.time(12)), acts, "all day"))
        rows.append([d, "", "Sleep", "7:45", "Asleep 23:30 - 07:15. In bed 23:00 - 07:30", ". "])
        kinds.append(("sleep", d, "7:45", ""))
        rows.append([d, "mid", "Symptom", "2", "Headache (Mild)", ""])
        kinds.append(("symptom", dt.datetime.combine(d, _SLOTS["mid"]), 2, "mid"))
    if dated:
        rows.append([dt.date(2020, 9, 25), "pre", "Mood", "4", "Tired", ""])
        kinds.append(("mood", dt.datetime(2020, 9, 25, 6), 4, "pre"))
    out = [header]
    for r in rows:
        d = r[0]
        cells = [_ordinal(d), f"{d:%A}"] + r[1:]
        if dated:
            cells.insert(1, f"{d:%Y-%m-%d}")
        out.append(cells)
    text = _csv_text(out, quote_all=True)
    path = _write(folder, "Bearable_Export.csv", text, trailing_newline=False)
    truth = Truth(path=path, layout="bearable-8col" if dated else "bearable-7col")
    for (kind, when, value, slot), line in zip(kinds, range(2, 2 + len(kinds)), strict=True):
        key = (None, line)
        if kind == "mood":
            truth.entries[key] = Entry(start=when, activities=[], mood=(value - 1) * 10 / 9,
                                       extra={"slot": slot})
        elif kind == "factors":
            truth.entries[key] = Entry(start=when, activities=list(value), extra={"slot": slot})
        else:
            truth.not_entries[key] = f"{kind} reading: an extra column of its entry, not an entry"
            truth.facts.setdefault(kind, []).append((when, value, slot))
    return truth


def bearable_classic(folder, seed: int = 11) -> Truth:
    """Bearable's 7-column export, one row per reading: ``22nd Sep 2020`` ordinal dates, ``am`` /
    ``pm`` / ``mid`` / ``all day`` slots next to clock times ``21:15`` and ``3:04`` (no padding),
    empty time for Sleep, Mood (1-10), Energy (1-5), Factors, Sleep, Symptom lines; every value
    quoted, no trailing newline."""
    return _bearable(folder, seed, dated=False)


def bearable_dated(folder, seed: int = 12) -> Truth:
    """Bearable's newer 8-column export with ``date formatted`` (ISO) as the second column, and a
    ``pre`` slot."""
    return _bearable(folder, seed, dated=True)


# =========================================================================== (e) weekly grids

GRID_HOURS = ["7-8am", "8-9am", "9-10am", "12-1pm", "5-6pm", "8-9pm"]
GRID_HOUR_START = [7, 8, 9, 12, 17, 20]


def _grid_sheet(ws, title, rng, week_start: dt.date, sheet: str, truth: Truth, day_header=None):
    ws.append([title])
    ws.append(["Time"] + (day_header or EN_WEEKDAY))
    acts = ["Walk", "Breakfast", "Call a friend", "Read", "Tidy up", "TV", "Cook"]
    for i, label in enumerate(GRID_HOURS):
        row = [label]
        for d in range(7):
            if rng.random() < 0.45:
                a = rng.choice(acts)
                m, p = rng.randint(0, 10), rng.randint(0, 10)
                row.append(f"{a} M{m} P{p}")
                col = openpyxl.utils.get_column_letter(2 + d)
                start = dt.datetime.combine(week_start + dt.timedelta(days=d), dt.time(GRID_HOUR_START[i]))
                truth.entries[(sheet, f"{col}{3 + i}")] = Entry(start=start, activities=[a],
                                                                mastery=float(m), pleasure=float(p))
            else:
                row.append(None)
        ws.append(row)


def grid_week_of(folder, seed: int = 13) -> Truth:
    """A Beck weekly schedule whose sheet is named ``Week of 2026-03-02`` (weekday names only in the
    columns, nothing else says the week) and whose title row is ``Jordan - Activity Diary``."""
    rng = random.Random(seed)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Week of 2026-03-02"
    truth = Truth(path=Path(folder) / "diary.xlsx", layout="grid-week-of", client="Jordan")
    _grid_sheet(ws, "Jordan - Activity Diary", rng, dt.date(2026, 3, 2), ws.title, truth)
    wb.save(truth.path)
    truth.facts["week_start"] = dt.date(2026, 3, 2)
    return truth


def grid_wk_range(folder, seed: int = 15) -> Truth:
    """Two grid sheets named ``Wk 1 (12-18 May)`` and ``Wk 2 (19-25 May)``; the year only in the
    title row (``Activity schedule 2025 (M/P)``)."""
    rng = random.Random(seed)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    truth = Truth(path=Path(folder) / "schedule.xlsx", layout="grid-wk-range")
    for name, start in [("Wk 1 (12-18 May)", dt.date(2025, 5, 12)), ("Wk 2 (19-25 May)", dt.date(2025, 5, 19))]:
        ws = wb.create_sheet(name)
        _grid_sheet(ws, "Activity schedule 2025 (M/P)", rng, start, name, truth,
                    day_header=["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"])
    wb.save(truth.path)
    truth.facts["week_starts"] = {"Wk 1 (12-18 May)": dt.date(2025, 5, 12),
                                  "Wk 2 (19-25 May)": dt.date(2025, 5, 19)}
    return truth


ALL = [diary_csv, diary_xlsx, daylio_modern, daylio_custom_moods, daylio_seven_col, daylio_old_year,
       daylio_scales, daylio_trimmed, daylio_polish, daylio_spanish_no_header, daylio_german,
       imoodjournal, bearable_classic, bearable_dated, grid_week_of, grid_wk_range]
