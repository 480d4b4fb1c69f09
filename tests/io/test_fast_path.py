"""The typed fast path (issue 20, item 1) gives exactly what the full reading gives.

A coded rating or yes/no column whose distinct cells all read cleanly is read from its codes
alone (``bactivate.io.tidy.FAST_PATH``). Every file of the fixture corpus (the look-alikes of
real exports and diaries in tests/realworld.py, the sample files, a folder cohort) and a few
files made to sit on the edge of the path (a value off the scale, "n/a", a range, a label, a
yes/no word with more text) are read with the path on and off: the same frame, the same
rejected table, notes and scales, or the same error.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest
import realworld as rw

import bactivate as ba
from bactivate.errors import LogError
from bactivate.io import tidy, when

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
SAMPLE_FILES = [SAMPLE / "client-alex.xlsx", SAMPLE / "client-alex-tidy.csv",
                *sorted((SAMPLE / "formats").glob("*.csv")), *sorted((SAMPLE / "formats").glob("*.xlsx"))]

HEAD = "Date,Time,Activity,Mastery (0-10),Pleasure (0-10),Mood (0-10),Planned,Done\n"
#: Files on the edge of the fast path: each breaks it in one column, in one cell.
EDGES = {
    "clean.csv": HEAD + "2026-03-02,08:00,Walk,4,6,7,True,True\n2026-03-02,09:00,Read,5,5,6,False,\n"
                 "2026-03-03,10:00,Walk,6,7,8,True,False\n",
    "off_scale.csv": HEAD + "2026-03-02,08:00,Walk,4,6,7,yes,yes\n2026-03-02,09:00,Read,5,5,12,no,\n"
                     "2026-03-03,10:00,Walk,6,7,3,yes,no\n2026-03-03,11:00,Cook,6,2,10,,\n",
    "not_rated.csv": HEAD + "2026-03-02,08:00,Walk,4,n/a,7,yes,yes\n2026-03-02,09:00,Read,5,5,-,no,\n"
                     "2026-03-03,10:00,Walk,6,7,3,yes,no\n2026-03-03,11:00,Cook,9,2,10,,\n",
    "ranges.csv": HEAD + "2026-03-02,08:00,Walk,4-5,6,7,yes,no - too tired\n2026-03-02,09:00,Read,~5,5,6,no,\n"
                  "2026-03-03,10:00,Walk,6,7,3,yes,maybe\n2026-03-03,11:00,Cook,9,2,10,,yes!!\n",
    "labels.csv": HEAD + "2026-03-02,08:00,Walk,4,6,rad,yes,yes\n2026-03-02,09:00,Read,5,5,meh,no,\n"
                  "2026-03-03,10:00,Walk,6,7,good,yes,no\n2026-03-03,11:00,Cook,9,2,7/10,,\n",
    "bad_cells.csv": HEAD + "2026-03-02,08:00,Walk,?,6,7,yes,yes\n2026-03-02,09:00,Read,5,5,6,2,\n"
                     "2026-03-03,10:00,Walk,6,7,seven,yes,no\n2026-03-03,11:00,Cook,9,2,10,,\n",
    "scale_1_5.csv": "Date,Time,Activity,Mood (1-5),Done\n2026-03-02,08:00,Walk,4,1\n"
                     "2026-03-02,09:00,Read,5,0\n2026-03-03,10:00,Walk,1,1\n2026-03-03,11:00,Cook,0,\n",
    "slots.csv": HEAD + "2026-03-02,7-8am,Walk,4,6,7,True,True\n2026-03-02,11pm-1am,Read,5,5,6,False,\n"
                 "2026-03-03,10:00,Walk,6,7,8,True,False\n2026-03-03,14:00,Cook,6,7,8,True,\n",
    "bare_hours.csv": HEAD + "2026-03-02,11-12,Walk,4,6,7,True,True\n2026-03-02,1-2,Read,5,5,6,False,\n"
                      "2026-03-03,10-11,Walk,6,7,8,True,False\n",
    "time_words.csv": HEAD + "2026-03-02,lunch,Walk,4,6,7,True,True\n2026-03-02,noon,Read,5,5,6,False,\n"
                      "2026-03-03,10:00,Walk,6,7,8,True,False\n",
    "blank_cells.csv": HEAD + "2026-03-02,08:00,Walk,4,6,7,True,True\n,09:00,Read,5,5,6,False,\n"
                       "2026-03-03,,Walk,6,7,8,True,False\n2026-03-03, ,Cook,6,7,8,True,False\n",
    "bad_when.csv": HEAD + "2026-03-02,08:00,Walk,4,6,7,True,True\nsoon,09:00,Read,5,5,6,False,\n"
                    "2026-03-03,after work,Walk,6,7,8,True,False\n1850-01-01,10:00,Cook,6,7,8,True,\n",
    "dayfirst.csv": HEAD + "13/03/2026,08:00,Walk,4,6,7,True,True\n14/03/2026,23:59:30,Read,5,5,6,False,\n"
                    "15/03/2026,00:00,Walk,6,7,8,True,False\n",
    "date_times.csv": HEAD + "2026-03-02 08:00,,Walk,4,6,7,True,True\n2026-03-02,09:00,Read,5,5,6,False,\n"
                      "2026-03-03 10:30,10:00,Walk,6,7,8,True,False\n",
    "header_again.csv": HEAD + "2026-03-02,08:00,Walk,4,6,7,yes,yes\n" + HEAD
                        + "2026-03-03,10:00,Walk,6,7,3,yes,no\n2026-03-03,11:00,Cook,9,2,10,,\n",
}


def _outcome(read, *args, **kw):
    """The log read (frame, rejected, notes, scales), or the error's type and message."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            log = read(*args, **kw)
        except (LogError, ValueError) as exc:
            return None, f"{type(exc).__name__}: {exc}"
    return log, None


#: The switches of the fast paths: ratings and flags (tidy), a coded Date + Time (when).
SWITCHES = (tidy, when)


def _switch(monkeypatch, on: bool) -> None:
    for module in SWITCHES:
        monkeypatch.setattr(module, "FAST_PATH", on)


def _both_ways(monkeypatch, read, *args, **kw):
    _switch(monkeypatch, True)
    fast, fast_error = _outcome(read, *args, **kw)
    _switch(monkeypatch, False)
    full, full_error = _outcome(read, *args, **kw)
    _switch(monkeypatch, True)
    assert fast_error == full_error
    if full is None:
        return None
    pd.testing.assert_frame_equal(fast, full, check_exact=True)
    pd.testing.assert_frame_equal(fast.attrs["rejected"], full.attrs["rejected"], check_exact=True)
    for key in ("notes", "scales", "dayfirst"):
        assert fast.attrs.get(key) == full.attrs.get(key), key
    return fast


@pytest.mark.parametrize("make", rw.ALL, ids=lambda f: f.__name__)
def test_fast_path_on_the_realworld_look_alikes(monkeypatch, tmp_path, make):
    truth = make(tmp_path)
    log = _both_ways(monkeypatch, ba.read_log, truth.path, **truth.read_kw)
    assert log is not None and len(log)


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_fast_path_on_the_sample_files(monkeypatch, path):
    log = _both_ways(monkeypatch, ba.read_log, path)
    assert log is not None and len(log)


def test_fast_path_on_a_study_export_and_a_folder_cohort(monkeypatch):
    log = _both_ways(monkeypatch, ba.read_log, SAMPLE / "esm" / "study.csv", na_values=[-99])
    assert log is not None and len(log)
    cohort = _both_ways(monkeypatch, ba.read_cohort, SAMPLE / "cohort")
    assert cohort is not None and cohort["client"].nunique() == 40


@pytest.mark.parametrize("name", sorted(EDGES))
@pytest.mark.parametrize("kind", ["csv", "parquet", "typed-parquet"])
def test_fast_path_on_the_edges(monkeypatch, tmp_path, name, kind):
    path = tmp_path / name
    path.write_text(EDGES[name], encoding="utf-8")
    if kind != "csv":  # a Parquet file of text cells (coded columns), or typed as pandas reads it
        frame = pd.read_csv(path, dtype=str, keep_default_na=False) if kind == "parquet" else pd.read_csv(path)
        path = path.with_suffix(".parquet")
        frame.to_parquet(path)
    log = _both_ways(monkeypatch, ba.read_log, path)
    if name == "clean.csv":  # the file the fast path is for: read in full, nothing set aside
        assert log["mood"].tolist() == [7.0, 6.0, 8.0]
        assert log["done"].tolist() == [True, pd.NA, False]
        assert log.attrs["rejected"].empty


def test_the_edges_leave_the_fast_path_where_a_cell_needs_reading(monkeypatch, tmp_path):
    """The files above do reach both branches: a clean column takes the fast path, and a column
    with one cell to interpret or report does not (so the comparison above compares something)."""
    calls = {"plain": 0, "full": 0}
    plain = tidy._plain_rating

    def counted(col, fld, mood_map):
        got = plain(col, fld, mood_map)
        calls["plain" if got is not None else "full"] += 1
        return got

    monkeypatch.setattr(tidy, "_plain_rating", counted)
    for name in ("clean.csv", "off_scale.csv", "ranges.csv"):
        path = tmp_path / name
        path.write_text(EDGES[name], encoding="utf-8")
        _outcome(ba.read_log, path)
    # clean: 3 plain; off_scale: 3 plain (12 is a plain number, blanked after); ranges: 1 full
    assert calls == {"plain": 8, "full": 1}


def test_typed_numbers_take_the_fast_path(monkeypatch, tmp_path):
    """A Parquet file's integer ratings (typed by the file) are read without the text parsers."""
    calls = []
    plain = tidy._plain_rating
    monkeypatch.setattr(tidy, "_plain_rating", lambda *a: calls.append(plain(*a)) or calls[-1])
    csv = tmp_path / "clean.csv"
    csv.write_text(EDGES["clean.csv"], encoding="utf-8")
    pd.read_csv(csv).to_parquet(tmp_path / "clean.parquet")
    log, _ = _outcome(ba.read_log, tmp_path / "clean.parquet")
    assert len(calls) == 3 and all(c is not None for c in calls)
    assert log["mastery"].tolist() == [4.0, 5.0, 6.0]


def test_dates_and_times_take_the_coded_path_only_when_every_cell_reads_cleanly(monkeypatch, tmp_path):
    """The coded Date + Time path (when.FAST_PATH) is taken by the clean files and left by each
    file with a cell to interpret (a slot's end is fine; a bare hour, a word, a blank, a problem,
    a date with its own time are not), so the comparison above compares both branches."""
    taken = {}
    coded = when._coded_date_time

    def counted(got, entries, opts):
        out = coded(got, entries, opts)
        taken[opts.file.rsplit("/", 1)[-1]] = out is not None
        return out

    monkeypatch.setattr(when, "_coded_date_time", counted)
    for name in ("clean.csv", "slots.csv", "dayfirst.csv", "bare_hours.csv", "time_words.csv",
                 "blank_cells.csv", "bad_when.csv", "date_times.csv"):
        path = tmp_path / name
        path.write_text(EDGES[name], encoding="utf-8")
        _outcome(ba.read_log, path)
    # clean.csv: 10:00 is a bare hour (10 pm?) in a column with no hour past 12: read row by row
    assert taken == {"clean.csv": False, "slots.csv": True, "dayfirst.csv": True, "bare_hours.csv": False,
                     "time_words.csv": False, "blank_cells.csv": False, "bad_when.csv": False,
                     "date_times.csv": False}


def test_the_coded_path_reads_slots_across_midnight(tmp_path):
    """A slot's end on the coded path: 7-8am ends at 8:00, 11pm-1am the next day at 1:00."""
    path = tmp_path / "slots.csv"
    path.write_text(EDGES["slots.csv"], encoding="utf-8")
    log = ba.read_log(path)
    assert log["start"].dt.strftime("%d %H:%M").tolist() == ["02 07:00", "02 23:00", "03 10:00", "03 14:00"]
    assert log["end"].dt.strftime("%d %H:%M").tolist()[:2] == ["02 08:00", "03 01:00"]
    assert log["end"].isna().tolist() == [False, False, True, True]


@pytest.mark.parametrize("seed", range(40))
def test_a_scale_settled_on_counted_values_is_the_scale_of_the_cells(seed):
    """settle_scale on distinct values and their counts (how the loader settles a coded column)
    gives what it gives on every cell: the same scale, the same words, or the same error."""
    import numpy as np

    from bactivate.io.scales import settle_scale

    rng = np.random.default_rng(seed)
    pool = rng.choice([0.0, 0.5, 1, 2, 3, 4, 5, 7, 8, 10, 11, 20, 55, 80, 100, 120, -1, np.nan],
                      size=int(rng.integers(1, 7)), replace=False)
    counts = rng.integers(0, 4, size=len(pool))
    cells = np.repeat(pool, counts)

    def outcome(*args, **kw):
        try:
            return settle_scale("mood", *args, header=None, declared=None, **kw)
        except LogError as exc:
            return str(exc)

    assert outcome(pool, counts=counts) == outcome(cells)


def test_coded_ratings_settle_their_scale_on_counts(monkeypatch, tmp_path):
    """A CSV's plain rating columns reach settle_scale as distinct values with counts."""
    from bactivate.io import scales

    seen = []
    settle = scales.settle_scale
    monkeypatch.setattr(tidy, "settle_scale", lambda *a, **kw: seen.append(kw.get("counts")) or settle(*a, **kw))
    path = tmp_path / "clean.csv"
    path.write_text(EDGES["clean.csv"].replace(" (0-10)", "").replace(",4,6,7,", ",9,6,7,"), encoding="utf-8")
    ba.read_log(path)
    assert len(seen) == 2 and all(c is not None for c in seen)  # mastery and pleasure together, mood
    assert seen[0].sum() == 6 and seen[1].sum() == 3
