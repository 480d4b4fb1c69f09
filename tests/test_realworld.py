"""Issue 14, part 7: real people's files read right, and one bad cell costs one cell.

Two kinds of tests:

* one test per quirk of issue 14's "What was seen" and of the real exports in
  ``tests/data/README.md``, each on a look-alike built by ``tests/realworld.py``
  (same layout and quirks, invented content) and checked against its ground
  truth, with the row and cell accounting of ``shared/DESIGN.md`` section 1;
* one test per real file committed under ``tests/data/real/`` (licence and
  attribution in ``tests/data/README.md``): it reads, and every record is
  accounted for.

A test the loader does not pass yet is marked ``xfail(strict=True)`` with what
is missing, so the suite stays green and each mark is a visible to-do: when the
loader learns the behaviour, the test passes, strict xfail turns it red, and
the mark is removed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import warnings
from pathlib import Path

import pandas as pd
import pytest
import realworld as rw

import bactivate as ba

REAL = Path(__file__).parent / "data" / "real"


def todo(reason: str):
    """Strict xfail: the loader does not do this yet (issue 14)."""
    return pytest.mark.xfail(reason=f"issue 14: {reason}", strict=True)


# --------------------------------------------------------------------------- helpers


def read(path, **kw) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ba.LogWarning)
        return ba.read_log(path, **kw)


def load(truth: rw.Truth, **kw) -> pd.DataFrame:
    return read(truth.path, **{**truth.read_kw, **kw})


def key_of(source: str):
    """``(sheet or None, row)`` from a ``source`` such as ``log.csv:14`` or ``log.xlsx:Week 1:C7``."""
    parts = str(source).split(":")
    last = parts[-1]
    return (parts[1] if len(parts) >= 3 else None, int(last) if last.isdigit() else last)


def with_keys(log: pd.DataFrame) -> pd.DataFrame:
    return log.assign(_key=[key_of(s) for s in log["source"]])


def rejected(log: pd.DataFrame) -> pd.DataFrame:
    rej = log.attrs["rejected"].copy()
    if "sheet" in rej.columns:
        sheets = [s if isinstance(s, str) and s not in ("", "nan") else None for s in rej["sheet"]]
    else:
        sheets = [key_of(s)[0] for s in rej["source"]]
    rej["_key"] = list(zip(sheets, rej["row"].astype(int).tolist(), strict=True))
    return rej


def where(frame: pd.DataFrame, pred) -> pd.DataFrame:
    """The rows of *frame* whose ``_key`` satisfies *pred* (a boolean mask even when empty)."""
    return frame.loc[pd.Series([bool(pred(k)) for k in frame["_key"]], index=frame.index, dtype=bool)]


def rows_of(log: pd.DataFrame, key) -> pd.DataFrame:
    return where(with_keys(log), lambda k: k == key)


def one(log: pd.DataFrame, key) -> pd.Series:
    sub = rows_of(log, key)
    assert len(sub), f"row {key} is not in the log"
    return sub.iloc[0]


def said(log: pd.DataFrame, key, *texts) -> bool:
    """The reading of *key* is not silent: attrs notes, or a cell of that row (a note or an extra
    column, not the activity's name), mention one of *texts*."""
    blob = " ".join(map(str, log.attrs.get("notes", [])))
    sub = rows_of(log, key)
    if len(sub):
        own = sub.drop(columns=["_key", "activity", "category", "client", "source"], errors="ignore")
        blob += " " + " ".join(str(v) for v in own.to_numpy().ravel())
    blob = blob.lower()
    return any(t.lower() in blob for t in texts)


def assert_accounted(log: pd.DataFrame, truth: rw.Truth, *, kinds: bool = True) -> None:
    """Nothing lost, nothing invented, one bad cell costs one cell (DESIGN.md section 1).

    Every entry row of the truth is in the log; every non-entry is in ``rejected``; with
    *kinds*, non-entries are ``kind="not an entry"``, bad cells ``kind="cell"`` on a kept row,
    and no row is set aside whole.
    """
    kept = set(with_keys(log)["_key"])
    rej = rejected(log)
    ignore = set(truth.facts.get("not_a_log_sheets", []))
    rej = where(rej, lambda k: k[0] not in ignore)
    whole = set(rej.loc[rej["kind"] != "cell", "_key"]) if kinds else set(rej["_key"]) - kept
    assert not kept & whole, f"rows both kept and set aside: {sorted(kept & whole, key=str)[:10]}"
    assert not {k for k in kept if k[0] in ignore}, "a sheet that holds no log was read as a log"
    lost = set(truth.entries) - kept
    assert not lost, f"entries not in the log: {sorted(lost, key=str)[:10]} (rejected: " \
        f"{where(rej, lambda k: k in lost)[['row', 'column', 'value', 'reason']].head(10).to_dict('records')})"
    missing = set(truth.not_entries) - set(rej["_key"])
    assert not missing, f"non-entries neither kept nor listed: {sorted(missing, key=str)}"
    invented = (kept | set(rej["_key"])) - truth.data_rows
    assert not invented, f"rows that are not data rows: {sorted(invented, key=str)[:10]}"
    assert log.groupby("source")["entry"].nunique().max() == 1
    assert with_keys(log).drop_duplicates("_key")["entry"].nunique() == len(truth.entries)
    if kinds:
        assert set(rej["kind"]) <= {"cell", "row", "not an entry"}, set(rej["kind"])
        assert not set(rej.loc[rej["kind"] == "row", "_key"]), rej[rej["kind"] == "row"].to_string()
        nonent = rej[rej["kind"] == "not an entry"]
        assert set(nonent["_key"]) == set(truth.not_entries)
        cells = rej[rej["kind"] == "cell"]
        assert {(k[0], k[1]) for k in cells["_key"]} == {(s, r) for s, r, _ in truth.bad_cells}


def close(a, b, tol=1e-6) -> bool:
    if b is None:
        return a is None or (isinstance(a, float) and math.isnan(a)) or pd.isna(a)
    return a is not None and not pd.isna(a) and abs(float(a) - float(b)) <= tol


# =========================================================================== (a) the hand-typed diary

DIARY = [rw.diary_csv, rw.diary_xlsx]
DIARY_TODO = "nothing of the diary is read: `h:mm:ss` durations and duration cells are 'not a duration' " \
    "and take their whole row"


@pytest.fixture(params=DIARY, ids=lambda f: f.__name__)
def diary(request, tmp_path):
    truth = request.param(tmp_path)
    return truth, load(truth)


def _entries(truth, pred):
    return {k: e for k, e in truth.entries.items() if pred(e)}


def test_diary_every_row_accounted(diary):
    """130 rows: 126 entries kept (none set aside over one cell), 3 reflections and 1 totals row
    listed as non-entries; the lookup-list sheet of the workbook is not read as a log."""
    truth, log = diary
    assert_accounted(log, truth)


def test_diary_time_words(diary):
    truth, log = diary
    for key, e in _entries(truth, lambda e: e.extra["time_word"] in ("lunch", "lunchtime", "noon",
                                                                     "evening")).items():
        row = one(log, key)
        word = e.extra["time_word"]
        if e.start is None:   # evening: a documented representative hour
            assert row["start"].date() == e.extra["date"] and 17 <= row["start"].hour <= 21, row["start"]
        else:
            assert row["start"] == pd.Timestamp(e.start), (word, row["start"])
        assert said(log, key, word), f"{word!r} read without a note"


def test_diary_clock_forms(diary):
    truth, log = diary
    for key, e in _entries(truth, lambda e: e.extra["time_word"] in ("14h30", "1430")).items():
        assert one(log, key)["start"] == pd.Timestamp(e.start)


def test_diary_done_words(diary):
    truth, log = diary
    for (sheet, n, col), how in truth.interpreted.items():
        if col != "Done":
            continue
        row, e = one(log, (sheet, n)), truth.entries[(sheet, n)]
        assert row["done"] == e.done, how
        assert bool(row["planned"]) is True
        if e.note_has:
            assert e.note_has in str(row["note"]), "the rest of the done-cell is not kept in note"


def test_diary_week2_completion_as_written(diary):
    """Week 2: 7 planned, 2 done (issue 14 saw 40%)."""
    truth, log = diary
    first = log.drop_duplicates("entry")
    for monday, (n_planned, n_done) in truth.facts["weeks"].items():
        week = first[(first["start"] >= pd.Timestamp(monday))
                     & (first["start"] < pd.Timestamp(monday) + pd.Timedelta(days=7))]
        planned = week[week["planned"].fillna(False).astype(bool)]
        assert len(planned) == n_planned, monday
        assert int(planned["done"].fillna(False).astype(bool).sum()) == n_done, monday
    assert truth.facts["weeks"][rw.DIARY_START + dt.timedelta(days=7)] == (7, 2)


def test_diary_rating_range_midpoint(diary):
    truth, log = diary
    (sheet, n, col), = [k for k, v in truth.interpreted.items() if "'5-6'" in v]
    row = one(log, (sheet, n))
    assert row["mastery"] == 5.5
    assert said(log, (sheet, n), "5-6")


def test_diary_hedged_ratings(diary):
    truth, log = diary
    keys = [k for k, v in truth.interpreted.items() if "'~6'" in v or "'6?'" in v]
    assert len(keys) == 2
    for sheet, n, col in keys:
        field = col.lower()
        assert one(log, (sheet, n))[field] == 6.0
        assert said(log, (sheet, n), "~6", "6?")


def test_diary_unreadable_mood_costs_one_cell(diary):
    truth, log = diary
    (sheet, n, col), = truth.bad_cells
    e = truth.entries[(sheet, n)]
    row = one(log, (sheet, n))
    assert pd.isna(row["mood"])
    assert row["activity"] == e.activities[0]
    assert row["mastery"] == e.mastery and row["pleasure"] == e.pleasure
    rej = rejected(log)
    listed = where(rej, lambda k: k == (sheet, n))
    assert len(listed) == 1
    assert listed.iloc[0]["kind"] == "cell"
    assert listed.iloc[0]["column"] in ("How I feel", "mood")
    assert listed.iloc[0]["value"] == "?"


def test_diary_reflection_rows_are_not_entries(diary):
    truth, log = diary
    rej = rejected(log)
    for key, why in truth.not_entries.items():
        if not why.startswith("weekly reflection"):
            continue
        listed = where(rej, lambda k, key=key: k == key)
        assert set(listed["kind"]) == {"not an entry"}, listed.to_string()
        text = why.split(": ", 1)[1]
        assert said(log, key, text) or listed["value"].astype(str).str.contains(text, regex=False).any(), \
            "the reflection's text is not kept"


def test_diary_totals_row_is_not_an_entry(diary):
    truth, log = diary
    (key,) = [k for k, v in truth.not_entries.items() if "TOTAL" in v]
    listed = where(rejected(log), lambda k: k == key)
    assert set(listed["kind"]) == {"not an entry"}


def test_diary_one_activity_one_name(diary):
    truth, log = diary
    names = set(log["activity"].dropna())
    assert "gym" not in names and "walk dog" not in names and "walk dog " not in names
    for key, e in _entries(truth, lambda e: e.extra["shown"] != e.activities[0]).items():
        assert one(log, key)["activity"] == e.activities[0], e.extra["shown"]


def test_diary_value_column_is_not_the_category(diary):
    truth, log = diary
    for key, e in list(truth.entries.items())[:20]:
        row = one(log, key)
        assert row["category"] == e.category
        assert row["Value"] == e.extra["Value"]
    assert any("value" in str(n).lower() for n in log.attrs.get("notes", [])), \
        "the header choice for `Value` is not in the notes"


def test_diary_how_i_feel_is_mood(diary):
    truth, log = diary
    for key, e in truth.entries.items():
        assert close(one(log, key)["mood"], e.mood), key


def test_diary_durations(diary):
    """``5:45:00`` text in the CSV, real duration cells (timedelta) in the workbook: end = start +
    duration."""
    truth, log = diary
    checked = 0
    for key, e in truth.entries.items():
        if e.start is None:
            continue
        row = one(log, key)
        assert row["end"] - row["start"] == pd.Timedelta(minutes=e.extra["minutes"]), key
        checked += 1
    assert checked > 100
    assert any(e.extra["minutes"] == 345 for e in truth.entries.values())


# =========================================================================== (b) Daylio


def _check_entries(log, truth, *, start=True, acts=True):
    for key, e in truth.entries.items():
        sub = rows_of(log, key)
        assert len(sub), f"entry {key} missing"
        row = sub.iloc[0]
        assert close(row["mood"], e.mood), (key, e.extra.get("label"), row["mood"], e.mood)
        if start:
            assert row["start"] == pd.Timestamp(e.start), (key, row["start"], e.start)
        if acts:
            assert sorted(sub["activity"].dropna()) == sorted(e.activities), key
        if e.note_has:
            assert e.note_has in str(row["note"]), (key, row["note"])


def test_daylio_custom_moods_map_adds_to_defaults(tmp_path):
    """``mood_map`` for the custom labels only: ``rad`` and ``meh`` still read (defaults), ``"sad "``
    matches ``sad``."""
    truth = rw.daylio_custom_moods(tmp_path)
    log = load(truth)
    assert_accounted(log, truth, kinds=False)
    _check_entries(log, truth)


def test_daylio_custom_moods_error_never_inverts(tmp_path):
    """Without a map: an error that lists every unknown label and the default labels' values, names
    the Python and the command-line form, and suggests no numbers for the custom labels."""
    truth = rw.daylio_custom_moods(tmp_path)
    with pytest.raises(ba.LogError) as info:
        read(truth.path)
    msg = str(info.value)
    for label in truth.facts["custom"]:
        assert label.lower() in msg.lower()
        assert not re.search(rf"['\"]?{re.escape(label)}['\"]?\s*[:=]\s*\d", msg, re.IGNORECASE), \
            f"the message suggests a value for {label!r}: {msg}"
    assert "rad" in msg and "awful" in msg
    assert "mood_map" in msg and "--mood" in msg


def test_daylio_custom_moods_from_the_command_line(tmp_path):
    from bactivate import cli

    truth = rw.daylio_custom_moods(tmp_path)
    args = ["validate", str(truth.path)]
    for label, value in truth.facts["custom"].items():
        args += ["--mood", f"{label}={value}"]
    assert cli.main(args) == 0


DAYLIO_LAYOUTS = [
    pytest.param(rw.daylio_modern, id="modern-8col"),
    pytest.param(rw.daylio_seven_col, id="7col-no-note_title"),
    pytest.param(rw.daylio_old_year, id="old-year-date"),
    pytest.param(rw.daylio_scales, id="9col-scales"),
    pytest.param(rw.daylio_trimmed, id="trimmed-full_date-weekday-time-mood"),
]


@pytest.mark.parametrize("make", DAYLIO_LAYOUTS)
def test_daylio_layouts(make, tmp_path):
    truth = make(tmp_path)
    log = load(truth)
    assert log.attrs["format"] == "daylio"
    assert_accounted(log, truth, kinds=False)
    _check_entries(log, truth)


def test_daylio_trimmed_with_format_daylio(tmp_path):
    truth = rw.daylio_trimmed(tmp_path)
    log = load(truth, format="daylio")
    _check_entries(log, truth)


def test_daylio_old_year_column_gives_the_year(tmp_path):
    truth = rw.daylio_old_year(tmp_path)
    log = load(truth)
    assert sorted(log["start"].dt.year.unique()) == truth.facts["years"] == [2017, 2018]


def test_daylio_polish(tmp_path):
    truth = rw.daylio_polish(tmp_path)
    log = load(truth)
    assert_accounted(log, truth, kinds=False)
    _check_entries(log, truth)


def test_daylio_spanish_without_header(tmp_path):
    truth = rw.daylio_spanish_no_header(tmp_path)
    log = load(truth)
    assert_accounted(log, truth, kinds=False)
    _check_entries(log, truth)
    assert (None, 1) in set(with_keys(log)["_key"]), "the first line is data, line 1"


def test_daylio_german_defaults(tmp_path):
    truth = rw.daylio_german(tmp_path)
    log = load(truth)
    assert_accounted(log, truth, kinds=False)
    _check_entries(log, truth)


def test_daylio_bom_crlf_no_trailing_newline(tmp_path):
    truth = rw.daylio_seven_col(tmp_path)
    raw = truth.path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw and not raw.endswith(b"\n")
    log = load(truth)
    assert_accounted(log, truth, kinds=False)
    last = max(truth.entries, key=lambda k: k[1])
    assert len(rows_of(log, last)), "the last record (no newline after it) is lost"
    assert not log["note"].dropna().str.contains("\r").any()
    assert not any(str(c).startswith("\ufeff") for c in log.columns)


def test_daylio_mixed_12h_24h_times(tmp_path):
    """``6:50 pm`` next to ``14:58``, ``9:39 PM`` and ``8:02\\u202fpm`` (narrow no-break space)."""
    truth = rw.daylio_modern(tmp_path)
    log = load(truth)
    for sheet, n, _ in truth.interpreted:
        assert one(log, (sheet, n))["start"] == pd.Timestamp(truth.entries[(sheet, n)].start)
    _check_entries(log, truth, acts=False)


def test_daylio_activities_stray_spaces(tmp_path):
    truth = rw.daylio_modern(tmp_path)
    log = load(truth)
    acts = log["activity"].dropna()
    assert (acts == acts.str.strip()).all() and (acts != "").all()
    assert not acts.str.contains("  ").any()
    for n in truth.facts["spaced_rows"]:
        assert sorted(rows_of(log, (None, n))["activity"]) == sorted(truth.entries[(None, n)].activities)


def test_daylio_html_in_note_is_kept(tmp_path):
    truth = rw.daylio_modern(tmp_path)
    log = load(truth)
    n = truth.facts["html_note_row"]
    row = one(log, (None, n))
    assert "fine" in str(row["note"]) and "early" in str(row["note"])


def test_daylio_short_row_keeps_its_entry(tmp_path):
    """A record with 6 of 7 fields (the empty note missing) is an entry like the others."""
    truth = rw.daylio_polish(tmp_path)
    log = load(truth)
    n = truth.facts["short_row"]
    assert len(rows_of(log, (None, n)))
    assert where(rejected(log), lambda k: k == (None, n)).empty


# =========================================================================== (c) iMoodJournal

def test_imoodjournal_detected(tmp_path):
    truth = rw.imoodjournal(tmp_path)
    log = load(truth)
    assert log.attrs["format"] == "imoodjournal"
    assert_accounted(log, truth, kinds=False)


def test_imoodjournal_format_option(tmp_path):
    truth = rw.imoodjournal(tmp_path)
    log = load(truth, format="imoodjournal")
    assert_accounted(log, truth, kinds=False)


def test_imoodjournal_minutes(tmp_path):
    truth = rw.imoodjournal(tmp_path)
    log = load(truth)
    _check_entries(log, truth, acts=False)
    assert (log["start"].dt.minute != 0).any()


def test_imoodjournal_levels_on_0_10(tmp_path):
    truth = rw.imoodjournal(tmp_path)
    log = load(truth)
    assert tuple(log.attrs["scales"]["mood"]) == (1, 10)
    first = with_keys(log).drop_duplicates("_key")
    for key, e in truth.entries.items():
        assert close(where(first, lambda k, key=key: k == key)["mood"].iloc[0], e.mood)


def test_imoodjournal_hashtags_are_activities(tmp_path):
    truth = rw.imoodjournal(tmp_path)
    log = load(truth)
    _check_entries(log, truth)


def test_imoodjournal_multiline_comment_is_one_row(tmp_path):
    """A comment with a newline is one record, at the line it starts on, its text kept whole."""
    truth = rw.imoodjournal(tmp_path)
    log = load(truth)
    key = truth.facts["multiline_row"]
    row = one(log, key)
    assert "but a good evening" in str(row["note"]) and "Long day" in str(row["note"])
    assert_accounted(log, truth, kinds=False)


# =========================================================================== (d) Bearable

BEARABLE = [rw.bearable_classic, rw.bearable_dated]


@pytest.mark.parametrize("make", BEARABLE, ids=lambda f: f.__name__)
def test_bearable_ordinal_dates_slots_and_clock_times(make, tmp_path):
    """``22nd Sep 2020``; ``pre/am/mid/pm/all day`` at the documented hour with the slot kept;
    ``21:15`` and ``3:04``; the 8-column variant through ``date formatted``."""
    truth = make(tmp_path)
    log = load(truth)
    assert log.attrs["format"] == "bearable"
    _check_entries(log, truth)
    for key, e in truth.entries.items():
        slot = e.extra["slot"]
        if slot in ("pre", "am", "mid", "pm", "all day"):
            assert one(log, key)["time_slot"] == slot


@pytest.mark.parametrize("make", BEARABLE, ids=lambda f: f.__name__)
def test_bearable_every_line_accounted(make, tmp_path):
    truth = make(tmp_path)
    log = load(truth)
    assert_accounted(log, truth, kinds=False)


@pytest.mark.parametrize("make", BEARABLE, ids=lambda f: f.__name__)
def test_bearable_energy_is_a_column_of_its_entry(make, tmp_path):
    truth = make(tmp_path)
    log = load(truth)
    cols = [c for c in log.columns if "energy" in str(c).lower()]
    assert cols, "no energy column"
    first = log.drop_duplicates("entry")
    for when, value, _slot in truth.facts["energy"]:
        at = first[first["start"] == pd.Timestamp(when)]
        assert len(at) and (at[cols[0]].astype(float) == value).any(), when


# =========================================================================== (e) weekly grids


def test_grid_week_from_sheet_name(tmp_path):
    truth = rw.grid_week_of(tmp_path)
    log = load(truth)
    monday = pd.Timestamp(truth.facts["week_start"])
    assert log["start"].min() >= monday and log["start"].max() < monday + pd.Timedelta(days=7)
    _check_entries(log, truth)


def test_grid_client_from_title_row(tmp_path):
    truth = rw.grid_week_of(tmp_path)
    log = load(truth, week_start=truth.facts["week_start"].isoformat())
    assert set(log["client"]) == {"Jordan"}


def test_grid_week_start_given_reads(tmp_path):
    """With week_start= the same grid reads (the cells themselves are understood today)."""
    truth = rw.grid_week_of(tmp_path)
    log = load(truth, week_start=truth.facts["week_start"].isoformat())
    _check_entries(log, truth)


def test_grid_week_from_wk_range_sheet_name(tmp_path):
    truth = rw.grid_wk_range(tmp_path)
    log = load(truth)
    for sheet, monday in truth.facts["week_starts"].items():
        part = where(with_keys(log), lambda k, s=sheet: k[0] == s)
        assert len(part)
        assert (part["start"].dt.normalize() >= pd.Timestamp(monday)).all()
        assert (part["start"] < pd.Timestamp(monday) + pd.Timedelta(days=7)).all()
    _check_entries(log, truth)


# =========================================================================== committed real files


def _records(path: Path, header: bool = True) -> set:
    """``{(None, line)}`` of every record below the header, counted with the csv module."""
    text = path.read_bytes().decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""))
    out, start = set(), 1
    for rec in reader:
        if (start > 1 or not header) and any(c.strip() for c in rec):
            out.add((None, start))
        start = reader.line_num + 1
    return out


# file -> (read_log keywords the user gives, why the test is expected to fail today or None)
REAL_FILES = {
    "MichaelCurrin__daylio-csv-parser__sample.csv": (
        {"mood_map": {"sad": 2.5, "average": 5}}, None),
    "MichaelCurrin__daylio-csv-parser__sample_multiple_moods.csv": (
        {"mood_map": {"OK": 5, "Refreshed": 7.5, "ok but sleepy": 4, "Anxious": 2.5}}, None),
    "MichaelCurrin__daylio-to-md-converter__input.csv": (
        {"mood_map": {"happy": 7.5, "sad": 2.5}}, None),
    "staticf0x__daylio-parser__test_data.csv": ({}, None),
    "staticf0x__daylio-stats__test_data.csv": ({}, None),
    "NiklasvonM__Daylio__mockdata.csv": ({}, None),
    "DonnyDew__Daylio-Project__daylio_export_2021_06_30_sample.csv": (
        {"mood_map": {"okay": 5, "Solid": 6.5}}, None),
    "DonnyDew__Daylio-Mood-Tracker-Analysis__daylio_export_2024_04_02_head60_nonote.csv": (
        {"mood_map": {"okay": 5, "Solid": 6.5}}, None),
}


def test_real_corpus_is_complete():
    """Every committed real file has a test and an attribution."""
    files = {p.name for p in (REAL / "daylio").iterdir()}
    assert files == set(REAL_FILES)
    readme = (REAL.parent / "README.md").read_text(encoding="utf-8")
    for name in files:
        assert name in readme, f"{name} has no attribution in tests/data/README.md"


@pytest.mark.parametrize("name", [
    pytest.param(name, marks=todo(why) if why else (), id=name.split("__")[0] + "/" + name.split("__")[-1])
    for name, (_, why) in REAL_FILES.items()])
def test_real_file_reads_and_accounts_every_row(name):
    path = REAL / "daylio" / name
    kw, _ = REAL_FILES[name]
    log = read(path, **kw)
    expected = _records(path)
    kept = set(with_keys(log)["_key"])
    rej = set(rejected(log)["_key"])
    assert kept | rej == expected, (sorted(expected - kept - rej)[:5], sorted((kept | rej) - expected)[:5])
    assert kept == expected, "a real export whose moods are all known loses no entry"
    assert log.drop_duplicates("source")["start"].notna().all()
    assert log["mood"].between(0, 10).all()


def test_real_daylio_mixed_times():
    """staticf0x's file: 12 h times with one 24 h ``14:58`` inserted (line 32)."""
    log = read(REAL / "daylio" / "staticf0x__daylio-parser__test_data.csv")
    assert one(log, (None, 32))["start"] == pd.Timestamp("2020-05-25 14:58")
    assert one(log, (None, 2))["start"] == pd.Timestamp("2020-05-30 18:50")


def test_real_daylio_narrow_nbsp_time_and_empty_weekday():
    """``8:02\\u202fpm`` and an empty weekday column (9-column export with scales)."""
    name = "MichaelCurrin__daylio-to-md-converter__input.csv"
    log = read(REAL / "daylio" / name, **REAL_FILES[name][0])
    assert one(log, (None, 2))["start"] == pd.Timestamp("2025-12-31 20:02")


def test_real_daylio_excel_resaved_us_dates():
    """Re-saved by Excel: BOM, ``6/30/2021``, ``30-Jun``, ``9:39 PM``, custom ``okay``/``Solid``."""
    name = "DonnyDew__Daylio-Project__daylio_export_2021_06_30_sample.csv"
    log = read(REAL / "daylio" / name, **REAL_FILES[name][0])
    assert one(log, (None, 2))["start"] == pd.Timestamp("2021-06-30 21:39")
    assert one(log, (None, 8))["start"] == pd.Timestamp("2021-06-24 21:38")


def test_real_daylio_label_with_trailing_space():
    """``"sad "`` (trailing space) is the label ``sad``; activities lose their stray spaces."""
    name = "MichaelCurrin__daylio-csv-parser__sample.csv"
    log = read(REAL / "daylio" / name, **REAL_FILES[name][0])
    assert one(log, (None, 2))["mood"] == 2.5
    assert "stressed / frustrated" in set(rows_of(log, (None, 3))["activity"])
