"""Write the synthetic sample logs in data/sample/ (deterministic: fixed seeds).

Run from the repository root::

    .venv/bin/python data/sample/make_samples.py

It writes

* ``client-alex.xlsx``: one synthetic client ("Alex", 6 weeks) as a messy,
  hand-typed Excel workbook: an "Instructions" sheet, then "Week 1" ... "Week 6"
  with title rows, a carried-down Date column, times as text, yes/no/y/x/✓
  flags and a few deliberate typos (listed in README.md);
* ``cohort/C001.csv`` ... ``cohort/C040.csv`` and ``cohort/roster.csv``: a
  40-client, two-arm synthetic trial (20 BA, 20 control) in a simple long CSV
  layout, one file per client;
* ``questionnaires.csv``: weekly PHQ-9 and BADS-SF answers of the same 40
  clients (``synth.questionnaires``), one row per client and week, one column
  per item. It sits beside ``cohort/``, not in it, because ``read_cohort``
  reads every CSV in a folder and would take it for an activity log;
* ``README.md``: what each file is, including the exact typo cells and the
  planted arm effect.

Everything comes from ``bactivate.synth``; no real person's data is involved.
The bytes written are the same on every run (fixed seeds, fixed zip timestamps).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from bactivate import synth

HERE = Path(__file__).resolve().parent
ALEX_SEED = 20260302
COHORT_SEED = 4245
QUESTIONNAIRE_SEED = 4246
#: The sample trial: ``synth.cohort(**COHORT_ARGS)`` (tests regenerate it from here).
COHORT_ARGS = {
    "n_clients": 40,
    "arms": ("BA", "control"),
    "weeks": 8,
    "seed": COHORT_SEED,
    "entries_per_day": 4,
}
FIXED_TIME = dt.datetime(2026, 3, 1, 12, 0, 0)

TITLE = "Activity log — client: Alex (synthetic example)"
INSTRUCTION = "Rate M and P from 0 (none) to 10 (most). Mood: 0 = worst, 10 = best."
HEADER = [
    "Date",
    "Time",
    "Activity",
    "Life area",
    "M (0-10)",
    "P (0-10)",
    "Mood (0-10)",
    "Planned?",
    "Done?",
    "Avoidance",
    "Notes",
]
COL = {name: i + 1 for i, name in enumerate(HEADER)}  # header name -> column number
FIRST_DATA_ROW = 5  # title, instruction, blank, header

INSTRUCTIONS_TEXT = [
    "How to use this activity log",
    "",
    "Each week has its own sheet (Week 1 to Week 6). Fill in one row for each thing you did,",
    "roughly every two to three hours, from when you get up until you go to bed.",
    "Write the date on the first row of each day; you can leave it blank on the rows below.",
    "M = mastery: how much of an accomplishment it felt like, 0 (none) to 10 (most).",
    "P = pleasure: how much you enjoyed it, 0 (none) to 10 (most).",
    "Mood: how you felt at that time, 0 (worst) to 10 (best).",
    "Planned? = tick if you scheduled the activity in advance with your therapist.",
    "Done? = for planned activities: did you do it? If not, leave M and P blank.",
    "Avoidance = tick if the activity was a way of avoiding something.",
    "Bring the log to each session; we will look at it together.",
    "",
    "This workbook is a synthetic example made by bactivate (data/sample/make_samples.py).",
    "Alex is not a real person and none of the entries describe anyone real.",
]


# --------------------------------------------------------------------------- helpers


def _time_text(ts: pd.Timestamp, rng: np.random.Generator) -> str:
    """Time as a person types it: mostly "7:00" / "14:30", sometimes "2pm"."""
    if ts.minute == 0 and ts.hour != 12 and rng.random() < 0.3:
        h = ts.hour % 12 or 12
        return f"{h}{'am' if ts.hour < 12 else 'pm'}"
    return f"{ts.hour}:{ts.minute:02d}"


def _flag_text(value, rng: np.random.Generator, *, yes=("yes", "y", "x", "✓"), no_share=0.2):
    if value is pd.NA or value is None:
        return None
    if bool(value):
        return str(rng.choice(yes))
    return "no" if rng.random() < no_share else None


def _num(x):
    return None if pd.isna(x) else int(x)


def save_deterministic(wb: Workbook, path: Path, creator: str = "bactivate make_samples.py") -> None:
    """Save *wb* with fixed document properties and zip timestamps (the same bytes every run).

    data/sample/formats/make_formats.py writes its workbooks with this too.
    """
    wb.properties.creator = creator
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    buf.seek(0)
    with (
        zipfile.ZipFile(buf) as src,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))


# --------------------------------------------------------------------------- Alex


def alex_log() -> pd.DataFrame:
    return synth.client(
        weeks=6,
        entries_per_day=6,
        baseline_weeks=1,
        seed=ALEX_SEED,
        client="Alex",
        avoidance_tendency=0.45,
        missing_rate=0.06,
    )


def _week_rows(log: pd.DataFrame, rng: np.random.Generator) -> dict[int, list[list]]:
    """The cell values of each week sheet's data rows (before typos)."""
    week = (log["start"].dt.normalize() - pd.Timestamp("2026-03-02")).dt.days // 7 + 1
    out: dict[int, list[list]] = {}
    for w, g in log.groupby(week, sort=True):
        rows = []
        prev_day = None
        for r in g.itertuples(index=False):
            day = r.start.normalize()
            date_cell = day.to_pydatetime() if day != prev_day else None
            prev_day = day
            planned = bool(r.planned)
            rows.append(
                [
                    date_cell,
                    _time_text(r.start, rng),
                    r.activity,
                    r.category,
                    _num(r.mastery),
                    _num(r.pleasure),
                    _num(r.mood),
                    _flag_text(r.planned, rng, no_share=0.15),
                    _flag_text(r.done, rng, yes=("yes", "y", "✓"), no_share=1.0)
                    if planned
                    else None,
                    _flag_text(r.avoidance, rng, yes=("x", "yes", "y", "✓"), no_share=0.1),
                    None if pd.isna(r.note) else r.note,
                ]
            )
        out[int(w)] = rows
    return out


def _pick(rows, rng, column, value=None, *, used: set) -> int:
    """Index of an unused data row (not the first or last two) whose *column* equals *value*."""
    c = COL[column] - 1
    idx = [
        i
        for i in range(2, len(rows) - 2)
        if rows[i][c] is not None
        and (value is None or rows[i][c] == value)
        and (id(rows), i) not in used
    ]
    if not idx:
        raise RuntimeError(f"no row with {column} == {value!r}")
    i = int(rng.choice(idx))
    used.add((id(rows), i))
    return i


def write_alex(path: Path) -> list[dict]:
    """Write client-alex.xlsx; return the deliberate typos (sheet, row, column, value, ...)."""
    log = alex_log()
    rng = np.random.default_rng(ALEX_SEED + 1)
    weeks = _week_rows(log, rng)
    typos: list[dict] = []
    used: set = set()

    def typo(week, i, column, value, expect, original=None):
        row = weeks[week][i]
        if original is None:
            original = row[COL[column] - 1]
        row[COL[column] - 1] = value
        typos.append(
            {
                "sheet": f"Week {week}",
                "index": i,
                "column": column,
                "value": value,
                "original": original,
                "expect": expect,
            }
        )

    # ratings typed as text
    typo(
        2,
        _pick(weeks[2], rng, "M (0-10)", 7, used=used),
        "M (0-10)",
        "7/10",
        "read as 7 (a rating written as x/10)",
    )
    typo(
        2,
        _pick(weeks[2], rng, "P (0-10)", 6, used=used),
        "P (0-10)",
        "6,5",
        "read as 6.5 (decimal comma)",
    )
    typo(
        3,
        _pick(weeks[3], rng, "P (0-10)", 7, used=used),
        "P (0-10)",
        "seven",
        "read as 7 (number word) or, if the loader does not read number words, "
        "rejected with the cell reported; never silently dropped",
    )
    # moods that must be rejected
    typo(
        5,
        _pick(weeks[5], rng, "Mood (0-10)", used=used),
        "Mood (0-10)",
        11,
        "rejected: out of range 0-10 (row set aside in attrs['rejected'])",
    )
    typo(
        5,
        _pick(weeks[5], rng, "Mood (0-10)", used=used),
        "Mood (0-10)",
        "??",
        "rejected: not a number (row set aside in attrs['rejected'])",
    )
    # trailing spaces in activity names
    for week in (1, 3, 6):
        i = _pick(weeks[week], rng, "Activity", used=used)
        name = weeks[week][i][COL["Activity"] - 1]
        typo(week, i, "Activity", name + "  ", f"trimmed to {name!r}", original=name)

    wb = Workbook()
    ws = wb.active
    ws.title = "Instructions"
    for r, text in enumerate(INSTRUCTIONS_TEXT, start=1):
        ws.cell(row=r, column=1, value=text or None)
    ws["A1"].font = Font(bold=True, size=14)
    ws.column_dimensions["A"].width = 95

    blank_row = None
    total_row = None
    for week, rows in weeks.items():
        ws = wb.create_sheet(f"Week {week}")
        ws.cell(row=1, column=1, value=TITLE).font = Font(bold=True, size=13)
        ws.cell(row=2, column=1, value=INSTRUCTION).font = Font(italic=True)
        for c, name in enumerate(HEADER, start=1):
            ws.cell(row=4, column=c, value=name).font = Font(bold=True)
        # Week 3: one blank row in the middle, between two days
        gap_before = None
        if week == 3:
            starts = [i for i, row in enumerate(rows) if row[0] is not None]
            gap_before = starts[len(starts) // 2]
        r = FIRST_DATA_ROW
        for i, row in enumerate(rows):
            if i == gap_before:
                blank_row = (f"Week {week}", r)
                r += 1
            for t in typos:
                if t["sheet"] == f"Week {week}" and t["index"] == i:
                    t["row"] = r
            for c, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = ws.cell(row=r, column=c, value=value)
                if c == COL["Date"]:
                    cell.number_format = "dd/mm/yyyy"
            r += 1
        # Week 4: a "Total" row under the last entry
        if week == 4:
            m = sum(x[COL["M (0-10)"] - 1] or 0 for x in rows)
            p = sum(x[COL["P (0-10)"] - 1] or 0 for x in rows)
            ws.cell(row=r, column=COL["Activity"], value="Total").font = Font(bold=True)
            ws.cell(row=r, column=COL["M (0-10)"], value=m).font = Font(bold=True)
            ws.cell(row=r, column=COL["P (0-10)"], value=p).font = Font(bold=True)
            total_row = (f"Week {week}", r, m, p)
        widths = [12, 8, 26, 18, 9, 9, 11, 9, 7, 10, 24]
        for c, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(c)].width = width
        ws.freeze_panes = "A5"
    save_deterministic(wb, path)

    records = []
    for t in typos:
        records.append(
            {
                "sheet": t["sheet"],
                "row": t["row"],
                "cell": f"{get_column_letter(COL[t['column']])}{t['row']}",
                "column": t["column"],
                "value": t["value"],
                "original": t["original"],
                "expect": t["expect"],
            }
        )
    records.append(
        {
            "sheet": blank_row[0],
            "row": blank_row[1],
            "cell": f"A{blank_row[1]}:K{blank_row[1]}",
            "column": "(whole row)",
            "value": "(blank row)",
            "original": None,
            "expect": "skipped (no data; not a rejection)",
        }
    )
    records.append(
        {
            "sheet": total_row[0],
            "row": total_row[1],
            "cell": f"C{total_row[1]}",
            "column": "Activity (+ M, P)",
            "value": f"Total (M = {total_row[2]}, P = {total_row[3]})",
            "original": None,
            "expect": "not read as an activity: skipped as a summary row or rejected with "
            "that reason",
        }
    )
    order = {f"Week {w}": w for w in range(1, 7)}
    records.sort(key=lambda x: (order[x["sheet"]], x["row"]))
    return records, log


# --------------------------------------------------------------------------- cohort


def cohort_data() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The sample trial's log and roster, with the ground truth in ``attrs["truth"]``."""
    return synth.cohort(**COHORT_ARGS)


def questionnaire_data(log: pd.DataFrame, roster: pd.DataFrame) -> pd.DataFrame:
    """The sample trial's weekly PHQ-9 and BADS-SF answers, with their ground truth."""
    return synth.questionnaires(log, roster, seed=QUESTIONNAIRE_SEED)


def write_cohort(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("C[0-9][0-9][0-9].csv"):  # client files of an earlier sample
        old.unlink()
    log, roster = cohort_data()

    def yn(s: pd.Series) -> pd.Series:
        return s.map({True: "yes", False: "no"}).astype("str")

    for name, g in log.groupby("client", sort=True):
        out = pd.DataFrame(
            {
                "date": g["start"].dt.strftime("%Y-%m-%d"),
                "time": g["start"].dt.strftime("%H:%M"),
                "activity": g["activity"],
                "category": g["category"],
                "mastery": g["mastery"].astype("Int64"),
                "pleasure": g["pleasure"].astype("Int64"),
                "mood": g["mood"].astype("Int64"),
                "planned": yn(g["planned"]),
                "done": yn(g["done"]),
                "avoidance": yn(g["avoidance"]),
                "note": g["note"],
            }
        )
        out.to_csv(folder / f"{name}.csv", index=False, lineterminator="\n")
    cols = ["client", "arm", "age", "gender", "baseline_phq9", "site"]
    roster[cols].to_csv(folder / "roster.csv", index=False, lineterminator="\n")
    return log, roster


def write_questionnaires(path: Path, log: pd.DataFrame, roster: pd.DataFrame) -> pd.DataFrame:
    q = questionnaire_data(log, roster)
    out = q.assign(date=q["date"].dt.strftime("%Y-%m-%d"))
    out.to_csv(path, index=False, lineterminator="\n")
    return q


# --------------------------------------------------------------------------- README


def _md_value(v) -> str:
    if v is None:
        return ""
    if isinstance(v, str):
        core = v.rstrip(" ")
        return f"`{core}{'␠' * (len(v) - len(core))}`"
    return f"`{v}`"


def write_readme(
    path: Path, typos: list[dict], alex: pd.DataFrame, cohort_log, roster, quest
) -> None:
    t = alex.attrs["truth"]
    ct = cohort_log.attrs["truth"]
    qt = quest.attrs["truth"]
    n_clients = roster.shape[0]
    weeks = COHORT_ARGS["weeks"]
    last = f"C{n_clients:03d}"
    phq_items = [f"phq9_{i}" for i in range(1, 10)]
    bads_items = [f"bads_sf_{i}" for i in range(1, 10)]
    n_blank = int(quest[phq_items + bads_items].isna().to_numpy().sum())
    phq_blank = quest[phq_items].isna().sum(axis=1)
    bads_blank = quest[bads_items].isna().any(axis=1)
    q_arm = qt["weeks"]["client"].map(roster.set_index("client")["arm"])
    expected = qt["weeks"].groupby([q_arm, qt["weeks"]["week"]])["phq9_expected"].mean()
    exp_act = qt["weeks"].groupby([q_arm, qt["weeks"]["week"]])["bads_sf_activation_expected"].mean()
    first_logged = cohort_log.groupby("client")["start"].min().dt.normalize()
    late_start = int((first_logged != roster.set_index("client")["start"]).sum())
    n_unscorable = int((phq_blank > 2).sum())
    unscorable = (
        f" {n_unscorable} have more than two (no total)." if n_unscorable else " None has more than two."
    )
    planned = ", ".join(f"week {w}: {n}" for w, n in t["planned_per_week"].items())
    arm_counts = roster["arm"].value_counts().sort_index()
    typo_lines = [
        "| sheet | Excel row | cell | column | written | synthetic value | what the loader should do |",
        "|---|---|---|---|---|---|---|",
    ]
    for x in typos:
        typo_lines.append(
            f"| {x['sheet']} | {x['row']} | {x['cell']} | {x['column']} | {_md_value(x['value'])} "
            f"| {_md_value(x['original'])} | {x['expect']} |"
        )
    n_rows = len(alex)
    text = f"""# Sample data (synthetic)

**Every file in this folder is synthetic.** All of it is generated by
[`make_samples.py`](make_samples.py) from `bactivate.synth` with fixed seeds
(Alex: `seed={ALEX_SEED}`, cohort: `seed={COHORT_SEED}`, questionnaires:
`seed={QUESTIONNAIRE_SEED}`); none of it comes from,
or describes, a real person. "Alex", the notes ("nice chat with Sam") and the
cohort clients are invented. Re-create everything (byte for byte) with

```
.venv/bin/python data/sample/make_samples.py
```

This README is written by the same script, so the typo table below always
matches the workbook.

## `client-alex.xlsx`: one client's hand-typed Excel log

Alex: 6 weeks from Monday 2 March 2026, one monitoring-only baseline week, then
graded activation (planned activities per week: {planned}); a lapse in week
{t["lapse_week"]}; about 6 entries a day, some entries and a few whole days missing.
The workbook holds {n_rows} entries, one data row each, from
`bactivate.synth.client(weeks=6, entries_per_day=6, seed={ALEX_SEED}, client="Alex",
avoidance_tendency=0.45, missing_rate=0.06)`; that call also returns the ground
truth (`attrs["truth"]`: activity mood effects, weekly plans, lapse week, daily
mood components). A correct loader returns {n_rows - 2} of them and sets the 2
bad moods aside in `attrs["rejected"]` ({n_rows - 3} and 3 if it does not read the
number word "seven"; the Total row is either skipped or also reported there).

Layout, as a clinician receives it from a client who types into Excel:

* sheet **Instructions**: prose only, no log (a loader must skip it);
* sheets **Week 1** ... **Week 6**, each with
  * row 1: title `{TITLE}`,
  * row 2: instruction `{INSTRUCTION}`,
  * row 3: blank,
  * row 4: header `{" | ".join(HEADER)}`,
  * rows 5 onwards: one row per entry.
* **Date**: a real Excel date cell on the first entry of each day, *left blank*
  on that day's later rows (the loader carries it down).
* **Time**: text, mostly `7:00` / `14:30`, sometimes `2pm` / `9am`. Start time only.
* **M (0-10), P (0-10), Mood (0-10)**: whole numbers; M and P are blank for a
  planned activity that was not done.
* **Planned?**: `yes`, `y`, `x` or `✓` for planned, blank or `no` otherwise.
* **Done?**: only on planned rows: `yes`, `y`, `✓` or `no`; blank on unplanned rows.
* **Avoidance**: `x`, `yes`, `y` or `✓`, blank or `no` otherwise.
* **Notes**: occasional short free text.

### Deliberate typos

These are the only deviations from the synthetic log (Excel row numbers as
Excel shows them, counting the title and header rows):

{chr(10).join(typo_lines)}

(`␠` marks a trailing space.) So a correct loader keeps every entry except the
two rejected moods (which appear in `attrs["rejected"]` with their sheet, row
and column), ignores the Instructions sheet, the title/instruction/blank/header
rows, the blank row and the Total row, and reads the Week 2 and Week 3 ratings
as written above.

## `cohort/`: a two-arm trial, one CSV per client

`bactivate.synth.cohort(n_clients={n_clients}, arms=("BA", "control"), weeks={weeks},
seed={COHORT_SEED}, entries_per_day={COHORT_ARGS["entries_per_day"]})`: {", ".join(f"{n} {a}" for a, n in arm_counts.items())}
clients, {weeks} weeks each (week 1 monitoring only), staggered start dates, about
{COHORT_ARGS["entries_per_day"]} entries a day ({len(cohort_log)} entries in all). From week 2 the BA
arm plans more valued activities each week and avoids less; the control arm only
monitors.

* `cohort/C001.csv` ... `cohort/{last}.csv`: one file per client (the file name is
  the client id), one row per entry, header
  `date,time,activity,category,mastery,pleasure,mood,planned,done,avoidance,note`;
  `date` is ISO (`2026-03-09`), `time` is the start time `HH:MM`; ratings are
  whole numbers on 0-10 (blank for a planned activity that was not done);
  `planned`, `avoidance` are `yes`/`no`; `done` is `yes`/`no` on planned rows
  and blank otherwise; `note` is free text (quoted when it has a comma).
* `cohort/roster.csv`: `client,arm,age,gender,baseline_phq9,site`, one row per client.

```python
cohort = ba.read_cohort("data/sample/cohort", roster="data/sample/cohort/roster.csv")
```

### The planted arm effect

Ground truth of the generating model (`attrs["truth"]` of the call above; see
`help(bactivate.synth)`):

* `arm_effect`: the planted difference in the *direct* mood slope is
  {ct["arm_effect"]["BA"]:.2f} points per treatment week (BA minus control);
* **`arm_slope_diff`: {ct["arm_slope_diff"]["BA"]:.2f} points per week** (BA minus control;
  {ct["arm_slope_diff"]["BA"]:.4f} unrounded). Including the behavioural pathway (more valued
  activities, less avoidance), the clients' noise-free weekly mood slopes over
  weeks 2-{weeks} differ by this much between the arms in this sample. It is what
  the `week:arm[T.BA]` row of
  `ba.trajectory(cohort, group="arm", value="mood", reference="control", weeks=range(2, {weeks + 1}))`
  estimates; `tests/cohort/test_cohort_sample.py` checks that its 95% interval covers it.

Age, gender and site have no planted effect; lower baseline mood goes with a
higher baseline PHQ-9. With {n_clients} clients, expect intervals of a few tenths of a
point per week.

## `questionnaires.csv`: weekly PHQ-9 and BADS-SF

`bactivate.synth.questionnaires(log, roster, seed={QUESTIONNAIRE_SEED})` on the same trial: each
client answers the PHQ-9 and the BADS-SF at the end of every week of their log,
one row per client and week ({len(quest)} rows), one column per item:
`client,week,date,phq9_1,...,phq9_9,bads_sf_1,...,bads_sf_9`. `week` counts from
the client's start (week 1 = the first 7 days of their log) and `date` is the last
day of that week (ISO). `ba.trajectory` counts weeks from a client's first *logged*
day: the same day, except for {late_start} client(s) whose first day has no entries.
PHQ-9 answers are 0-3; BADS-SF answers 0-6, items 2, 3, 4, 5, 9 being Activation
and 1, 6, 7, 8 Avoidance (the key `ba.score_bads_sf` uses).

* **Generating relation** (`help(bactivate.synth.questionnaires)`): lower mood
  in a week gives a higher PHQ-9 (expected total about 30 - 3.2 x the week's
  mean mood, as for `baseline_phq9`); more valued activity and more planned
  activities done give a higher BADS-SF Activation, more avoidance a higher
  Avoidance; each client has their own item profile, and the answers carry
  binomial item noise. In this sample the expected PHQ-9 total goes from
  {expected[("BA", 1)]:.1f} in week 1 to {expected[("BA", weeks)]:.1f} in week {weeks} in the BA arm, and
  from {expected[("control", 1)]:.1f} to {expected[("control", weeks)]:.1f} in the control arm; expected BADS-SF
  Activation from {exp_act[("BA", 1)]:.1f} to {exp_act[("BA", weeks)]:.1f} (BA) and {exp_act[("control", 1)]:.1f} to {exp_act[("control", weeks)]:.1f} (control).
* **Planted blank answers**: {n_blank} of {len(quest) * 18} answers are blank (each with
  probability {qt["params"]["missing_items"]:.0%}). {int(phq_blank.between(1, 2).sum())} PHQ-9s have one or two blanks, and
  `ba.score_phq9` prorates them.{unscorable} {int(bads_blank.sum())}
  BADS-SFs have a blank, so the subscale holding it (and the total) has no
  score: no prorating rule is published for the BADS-SF. Nothing else is wrong
  in the file.
* **Why it is not in `cohort/`**: `read_cohort` reads every CSV in a folder as
  an activity log, and this file has a date column, so it would be read as one.
  Read it with pandas, ids as text:
  `pd.read_csv("data/sample/questionnaires.csv", dtype={{"client": "str"}})`.

## `client-alex-tidy.csv`

The same client as a tidy CSV: `bactivate.read_log("client-alex.xlsx")` written
with `bactivate.write_log`, one row per activity in the columns of
`docs/data-format.md`. The rows the loader set aside (the two bad moods and the
totals row) are not in it; `source` says which sheet and row each entry came
from. `read_log` reads it back unchanged.
"""
    path.write_text(text, encoding="utf-8")


def write_tidy(xlsx: Path, path: Path) -> pd.DataFrame:
    """The workbook as the loader reads it, written as a tidy CSV."""
    from bactivate import read_log, write_log

    log = read_log(xlsx, errors="ignore")
    write_log(log, path)
    return log


def main() -> None:
    typos, alex = write_alex(HERE / "client-alex.xlsx")
    tidy = write_tidy(HERE / "client-alex.xlsx", HERE / "client-alex-tidy.csv")
    print(f"wrote {HERE / 'client-alex-tidy.csv'} ({len(tidy)} rows)")
    cohort_log, roster = write_cohort(HERE / "cohort")
    quest = write_questionnaires(HERE / "questionnaires.csv", cohort_log, roster)
    write_readme(HERE / "README.md", typos, alex, cohort_log, roster, quest)
    print(f"wrote {HERE / 'client-alex.xlsx'} ({len(alex)} entries, {len(typos)} deliberate typos)")
    for x in typos:
        print(f"  {x['sheet']:7} row {x['row']:3} {x['column']:18} {x['value']!r}")
    print(f"wrote {HERE / 'cohort'} ({roster.shape[0]} clients, {len(cohort_log)} rows)")
    print(f"wrote {HERE / 'questionnaires.csv'} ({len(quest)} client-weeks)")
    print(f"wrote {HERE / 'README.md'}")


if __name__ == "__main__":
    main()
