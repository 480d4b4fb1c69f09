"""bactivate.io.problems: sources, problem rows, the rejected table, the one warning."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from bactivate.errors import LogError, LogWarning
from bactivate.io.problems import (
    CELL,
    NOT_A_LOG_ROW,
    PROBLEM,
    locations,
    problem_rows,
    rejected_table,
    report_problems,
    summarise_rejected,
)


def test_locations_with_and_without_sheets_and_files():
    assert locations("f.xlsx", pd.Series(["W1", None]), pd.Series(["C7", "B2"])).tolist() == [
        "f.xlsx:W1:C7", "f.xlsx:B2"]
    files = pd.Series(pd.Categorical(["a.csv", "b.csv", "a.csv"]))
    assert locations(files, pd.Series([None] * 3), pd.Series([2, 3, 4])).tolist() == ["a.csv:2", "b.csv:3", "a.csv:4"]


def test_problem_rows_name_the_column_as_written_in_each_sheet():
    cells = pd.DataFrame({"mood": ["x", "5", "y"], "_sheet": ["W1", "W1", "W2"]})
    reasons = pd.Series(["bad x", None, "bad y"])
    got = problem_rows(reasons, "mood", cells, {"mood": "Mood"}, {"mood": {"W2": "Feeling"}})
    assert got["column"].tolist() == ["Mood", "Feeling"] and got["value"].tolist() == ["x", "y"]
    assert got["_i"].tolist() == [0, 2] and set(got["kind"]) == {CELL}
    assert problem_rows(pd.Series([None, None, None], dtype="str"), "mood", cells, {}, {}) is None
    cells["_column"] = ["C", None, None]
    assert problem_rows(reasons, "mood", cells, {}, {})["column"].tolist() == ["C", "mood"]


def test_rejected_table_is_in_file_order_with_each_problem_of_an_entry_once():
    cells = pd.DataFrame({"_sheet": [None] * 3, "_row": [2, 2, 3]})
    where = pd.Series(["f:2", "f:2", "f:3"])
    prob = pd.DataFrame({"_i": [2, 1, 0], "column": ["M", "M", "M"], "value": ["9", "x", "x"],
                         "reason": ["r3", "r", "r"], "kind": [NOT_A_LOG_ROW, PROBLEM, PROBLEM]})
    rej = rejected_table(prob, cells, where, "f")
    assert rej[["source", "row", "reason", "kind"]].to_numpy().tolist() == [
        ["f:2", 2, "r", PROBLEM], ["f:3", 3, "r3", NOT_A_LOG_ROW]]
    assert rej["row"].dtype == "int64"


def _log(kinds):
    rej = pd.DataFrame({"source": [f"f:{i}" for i in range(len(kinds))], "file": "f", "sheet": "",
                        "row": range(len(kinds)), "column": "Mood", "value": "x",
                        "reason": "'x' is not a number", "kind": kinds})
    log = pd.DataFrame({"source": ["f:9"]})
    log.attrs["rejected"] = rej
    return log


def test_report_problems_warns_once_raises_or_keeps_quiet():
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        report_problems(_log([PROBLEM, NOT_A_LOG_ROW]), "f", "warn", ["a hidden sheet was read"])
    assert len(got) == 1 and got[0].category is LogWarning
    assert str(got[0].message) == ("f: kept 1 of 3 rows; 1 row set aside, 1 row not an entry (nothing to fix): "
                                   "1 × Mood is not a number. "
                                   "See log.attrs['rejected'] for each cell, or run `bactivate validate f`. "
                                   "Also: a hidden sheet was read.")
    with pytest.raises(LogError, match=r"^f: 1 row set aside. Fix these cells in the file") as exc:
        report_problems(_log([PROBLEM]), "f", "raise")
    assert "  f: row 0, column 'Mood': 'x' is not a number (the row is set aside)" in str(exc.value)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report_problems(_log([PROBLEM]), "f", "ignore")
        report_problems(_log([NOT_A_LOG_ROW]), "f", "warn")


def test_summarise_rejected_counts_rows_by_reason_without_values():
    rej = _log([PROBLEM, PROBLEM]).attrs["rejected"]
    assert summarise_rejected(rej) == "2 × Mood is not a number"
    assert summarise_rejected(rej.iloc[:0]) == "nothing"
