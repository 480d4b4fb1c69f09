"""bactivate.io.tidy: raw entries to the tidy log (tidy_log), and the day/month order layouts keep."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import bactivate as ba
from bactivate.errors import LogError
from bactivate.io.context import Context, Entries, ReadOptions
from bactivate.io.tidy import not_entries, tidy_log

OPTS = ReadOptions(file="log.csv", stem="log")


def _cells(**cols):
    n = len(next(iter(cols.values())))
    return pd.DataFrame({**cols, "_row": range(2, n + 2), "_sheet": [None] * n, "_repeat": [False] * n})


def test_not_entries_names_empty_slots_totals_repeats_and_layout_skips():
    cells = _cells(date=["2026-03-02", "Weekly total", "2026-03-04", "2026-03-05"],
                   activity=["Walk", None, None, "Read"])
    cells.loc[3, "_repeat"] = True
    assert not_entries(cells, False).fillna("").tolist() == [
        "", "a totals or summary row, not an entry",
        "nothing logged in this row (a date or time slot left empty)", "the header repeated, not an entry"]
    assert not_entries(cells, True).isna().tolist() == [True, False, True, False]
    cells["_skip"] = [None, None, None, "a dash"]
    assert not_entries(cells, False).iloc[3] == "a dash"


def test_tidy_log_blanks_bad_cells_and_sets_aside_rows_that_are_not_entries():
    cells = _cells(date=["2026-03-02", "2026-03-02", "Total", None], activity=["walk", "Walk ", None, "Run"],
                   mood=["7", "11", None, "5"])
    opts = ReadOptions(file="log.csv", stem="Sam", scales={"mood": (0, 10)})
    tidied = tidy_log(Entries(cells, Context(headers={"mood": "Mood"})), opts)
    log = tidied.log
    assert tidied.one_by_one is None and tidied.tidy_mode is False and tidied.file_notes == {}
    assert log["activity"].tolist() == ["walk", "walk", "Run"] and set(log["client"]) == {"Sam"}
    assert log["entry"].tolist() == [1, 2, 3] and log["mood"].fillna(-1).tolist() == [7.0, -1, 5.0]
    assert list(log.attrs) == ["rejected", "scales", "notes", "file"]
    rej = log.attrs["rejected"]
    assert rej[["source", "column", "kind"]].fillna("").to_numpy().tolist() == [
        ["log.csv:3", "Mood", "cell"], ["log.csv:4", "", "not an entry"]]
    assert log.attrs["notes"] == [
        "1 row left the date blank and took the date from the row above (as with merged date cells)",
        "mood: read on a 0-10 scale (declared with scales=)",
        "set aside 1 row that is not an entry (nothing to fix): 1 × a totals or summary row, not an entry",
        "activity: 'walk' and 'Walk' (another case) read as one activity 'walk'"]


def test_many_files_whose_scales_cannot_be_settled_alike_are_read_one_by_one():
    cells = _cells(date=["2026-03-02"] * 4, mood=["3/5", "4/5", "7/10", "9/10"])
    one = tidy_log(Entries(cells, Context()), OPTS).log  # one file: x/10 settles 0-10, x/5 is off it
    assert one.attrs["scales"] == {"mood": (0.0, 10.0)} and len(one.attrs["rejected"]) == 2
    cells["_file"] = [0, 0, 1, 1]
    tidied = tidy_log(Entries(cells, Context(), files=("a.csv", "b.csv"), stems=("a", "b")), OPTS)
    assert tidied.log is None and tidied.one_by_one.startswith("cannot tell the scale of 'mood'")
    with pytest.raises(LogError, match=r"^log.csv: cannot tell the scale of 'mood'"):
        tidy_log(Entries(cells.iloc[:2].drop(columns="_file"), Context()), OPTS)


def test_a_tidy_file_keeps_its_ids_scales_and_apostrophes_come_off(tmp_path):
    log = ba.read_log("data/sample/client-alex.xlsx", errors="ignore")
    log.loc[0, "note"] = "=1+1"
    back = ba.read_log(ba.write_log(log, tmp_path / "alex-tidy.csv"))
    assert back.attrs["format"] == "tidy" and back["note"].iloc[0] == "=1+1"
    pd.testing.assert_frame_equal(back, log)


def _read(path, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ba.read_log(path, **kw)


def test_grid_and_batd_logs_keep_the_day_month_order_their_dates_settled(tmp_path):
    """The one intended change of the breakup: the order is in attrs["dayfirst"], as for long logs."""
    grid = tmp_path / "grid.xlsx"
    pd.DataFrame([["Weekly schedule (M/P, 0-10)", None, None, None],
                  ["Time", "13/04/2026", "14/04/2026", "15/04/2026"],
                  ["7-8am", "Walk M6 P7", None, "Run 4/5"],
                  ["8-9", "TV P3 M1", "Read M2 P2", None]]).to_excel(grid, header=False, index=False)
    batd = tmp_path / "batd.xlsx"
    with pd.ExcelWriter(batd) as xw:
        for name in ("13.04.2026", "14.04.2026"):
            pd.DataFrame([["Time", "Activity", "Enjoyment (0-10)", "Importance (0-10)"],
                          ["09:00", "Walk", 5, 7], ["10:00", "Read", 8, 9]]).to_excel(
                xw, sheet_name=name, header=False, index=False)
    long = tmp_path / "long.csv"
    long.write_text("Date,Activity,Mood (0-10)\n13/04/2026,Walk,5\n03/04/2026,Read,6\n", encoding="utf-8")
    for path, fmt in ((grid, "grid"), (batd, "batd"), (long, "long")):
        log = _read(path)
        assert log.attrs["format"] == fmt
        assert log.attrs["dayfirst"]["dayfirst"] is True, fmt
        assert f"dates read as day/month: {log.attrs['dayfirst']['dayfirst_how']}" in log.attrs["notes"]
    assert pd.Timestamp("2026-04-13") in set(_read(grid)["start"].dt.normalize())
    # dates that do not need the order (ISO) leave no trace, as before
    assert "dayfirst" not in _read("data/sample/formats/weekly-schedule.xlsx").attrs
