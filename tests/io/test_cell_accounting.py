"""Issue 14 part 1: one bad cell costs one cell; rows set aside only when they cannot be placed in time."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import bactivate as ba
from bactivate.cli import main
from bactivate.io.accounting import accounting, accounting_text
from bactivate.io.problems import CELL, NOT_AN_ENTRY, ROW, counts

HEAD = "Date,Time,Activity,Mastery,Pleasure,Mood,Done,Duration,Notes\n"


def _read(tmp_path, body, **kw):
    path = tmp_path / "log.csv"
    path.write_text(HEAD + body, encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        log = ba.read_log(path, scales={"mastery": (0, 10), "pleasure": (0, 10), "mood": (0, 10)}, **kw)
    return path, log, [str(w.message) for w in caught if issubclass(w.category, ba.LogWarning)]


def test_a_bad_cell_is_blank_and_its_row_stays(tmp_path):
    _, log, caught = _read(tmp_path, "2026-03-02,09:00,Walk,6,?,11,maybe,a while,sunny\n"
                                     "2026-03-02,10:00,Read,5,5,5,yes,30 min,\n")
    assert len(log) == 2
    walk = log[log["activity"] == "Walk"].iloc[0]
    assert walk["mastery"] == 6 and pd.isna(walk["pleasure"]) and pd.isna(walk["mood"])
    assert pd.isna(walk["done"]) and pd.isna(walk["end"]) and walk["note"] == "sunny"
    rej = log.attrs["rejected"]
    assert set(rej["kind"]) == {CELL}
    assert sorted(rej["column"]) == ["Done", "Duration", "Mood", "Pleasure"]
    assert (rej["row"] == 2).all()
    assert len(caught) == 1 and "4 cells left blank (in 1 row kept)" in caught[0]


def test_a_row_without_its_day_is_set_aside_a_bad_time_costs_the_time(tmp_path):
    _, log, caught = _read(tmp_path, "someday,09:00,Walk,6,6,6,yes,,\n2026-03-02,later,Read,5,5,5,yes,,\n"
                                     "2026-03-02,11:00,Cook,5,5,5,,,\n")
    assert log["activity"].tolist() == ["Read", "Cook"]       # Read: on its day, time unknown
    assert log["time_unknown"].tolist() == [True, False]
    assert log["start"].dt.strftime("%d %H:%M").tolist() == ["02 00:00", "02 11:00"]
    read = log.iloc[0]
    assert (read["mastery"], read["pleasure"], read["mood"]) == (5, 5, 5)
    rej = log.attrs["rejected"].set_index("row")
    assert rej["kind"].to_dict() == {2: ROW, 3: CELL}
    assert "1 row set aside" in caught[0] and "1 cell left blank" in caught[0]
    assert any("time unknown" in n for n in log.attrs["notes"])


def test_a_row_with_nothing_left_once_its_cells_are_blank_is_set_aside(tmp_path):
    _, log, _ = _read(tmp_path, "2026-03-02,09:00,,,,?,,,\n2026-03-02,10:00,Read,5,5,5,,,\n")
    assert log["activity"].tolist() == ["Read"]
    rej = log.attrs["rejected"]
    assert rej[["row", "column", "kind"]].values.tolist() == [[2, "Mood", ROW]]


def test_reflection_and_totals_rows_are_not_entries_and_keep_their_text(tmp_path):
    _, log, caught = _read(tmp_path, "2026-03-02,09:00,Walk,6,6,6,,,\n"
                                     "How was this week?,,Hard week,,,,,,\n"
                                     "TOTAL / average,,,6,6,6,,146:30:00,\n")
    assert len(log) == 1 and not caught
    rej = log.attrs["rejected"]
    assert set(rej["kind"]) == {NOT_AN_ENTRY}
    assert rej.loc[rej["row"] == 3, "value"].iloc[0] == "How was this week? | Hard week"
    assert "weekly reflection" in rej.loc[rej["row"] == 3, "reason"].iloc[0]
    assert "totals" in rej.loc[rej["row"] == 4, "reason"].iloc[0]


def test_errors_raise_lists_cells_and_rows(tmp_path):
    with pytest.raises(ba.LogError) as exc:
        _read(tmp_path, "2026-03-02,09:00,Walk,6,?,6,,,\nsomeday,09:00,Read,5,5,5,,,\n", errors="raise")
    text = str(exc.value)
    assert "1 cell left blank (in 1 row kept), 1 row set aside" in text
    assert "row 2, column 'Pleasure'" in text and "row 3, column 'Date'" in text
    assert "(the row is set aside)" in text


def test_accounting_counts_rows_kept_with_blank_cells(tmp_path):
    _, log, _ = _read(tmp_path, "2026-03-02,09:00,Walk,6,?,x,,,\nsomeday,09:00,Read,5,5,5,,,\n"
                                "2026-03-02,10:00,Cook,5,5,5,,,\nTotal,,,,,,,,\n")
    table = accounting(log)
    assert table[["rows_read", "kept", "with_blanked_cells", "set_aside", "not_log_rows"]].values.tolist() \
        == [[4, 2, 1, 1, 1]]
    assert counts(log.attrs["rejected"]) == {"cells": 2, "rows_with_cells": 1, "set_aside": 1,
                                              "not_entries": 1}
    text = accounting_text(log)
    assert text.startswith("log.csv: 4 rows read, 2 kept (1 with cells left blank), 1 set aside, 1 not an entry")
    assert "Cells left blank (the rows are kept" in text and "Rows set aside (they cannot be placed" in text


def test_validate_exits_1_for_a_blank_cell_and_0_for_only_non_entries(tmp_path, capsys):
    path, _, _ = _read(tmp_path, "2026-03-02,09:00,Walk,6,?,6,,,\n")
    scales = ["--scale", "mood=0-10", "--scale", "mastery=0-10", "--scale", "pleasure=0-10"]
    assert main(["validate", str(path), *scales]) == 1
    assert "kept with blank cells" in capsys.readouterr().out
    clean = tmp_path / "clean.csv"
    clean.write_text(HEAD + "2026-03-02,09:00,Walk,6,6,6,,,\nTotal,,,,,,,,\n", encoding="utf-8")
    assert main(["validate", str(clean), *scales]) == 0


def test_the_report_views_say_what_happened(tmp_path):
    _, log, _ = _read(tmp_path, "2026-03-02,09:00,Walk,6,?,6,,,\nsomeday,09:00,Read,5,5,5,,,\n")
    problems = ba.present.table(log.attrs["rejected"], "problems").data
    assert problems["What happened"].tolist() == ["Cell left blank (to fix)", "Row set aside (to fix)"]
    acc = ba.present.table(accounting(log), "accounting").data
    assert "Used, with cells left blank (to fix)" in acc.columns
