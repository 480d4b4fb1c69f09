"""Sheets that share one header are read stacked, with exactly the result of reading them one by one.

``bactivate.io.long.STACK_SHEETS`` (issue 20, benchmark row W1) reads the sheets of a workbook
whose first row is the same plain header as one table. Every workbook of the fixture corpus and
workbooks made to sit on the edge of the path (a sheet with a header only, a title row, an ``ID``
column, an ambiguous ``Value`` header, a blank header over a column empty in one sheet, time
stamps in one sheet only, a repeated header, bad cells) are read with the path on and off: the
same frame, rejected table and notes, or the same error.
"""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import realworld as rw

import bactivate as ba
from bactivate.errors import LogError
from bactivate.io import long
from bactivate.io.context import ReadOptions
from bactivate.io.files import read_sheets

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
HEAD = ["Date", "Time", "Activity", "Mastery (0-10)", "Pleasure (0-10)", "Mood (0-10)", "Planned", "Done"]


def _week(day: int, rows: int = 3) -> list[list]:
    return [[f"2026-03-{day:02d}", f"{8 + k}:00", ["Walk", "Read", "Cook"][k % 3], k + 2, 5, 6, True,
             k % 2 == 0] for k in range(rows)]


#: sheet name -> rows (the first row is the header)
BOOKS = {
    "plain": {"Week 1": [HEAD, *_week(2)], "Week 2": [HEAD, *_week(9)], "Week 3": [HEAD, *_week(16)]},
    "instructions_first": {"How to": [["Fill in one row per activity"]], "Week 1": [HEAD, *_week(2)],
                           "Week 2": [HEAD, *_week(9)]},
    "header_only": {"Week 1": [HEAD, *_week(2)], "Week 2": [HEAD]},
    "empty_rows_only": {"Week 1": [HEAD, *_week(2)], "Week 2": [HEAD, [None] * 8, [None] * 8]},
    "title_row": {"Week 1": [["Client: Sam"], HEAD, *_week(2)], "Week 2": [["Client: Sam"], HEAD, *_week(9)]},
    "other_header": {"Week 1": [HEAD, *_week(2)], "Week 2": [HEAD[:6], *[r[:6] for r in _week(9)]],
                     "Week 3": [HEAD, *_week(16)]},
    "id_column": {"Week 1": [["ID", *HEAD], *[[k, *r] for k, r in enumerate(_week(2, 6))]],
                  "Week 2": [["ID", *HEAD], *[[k + 6, *r] for k, r in enumerate(_week(9, 6))]]},
    "value_header": {"Week 1": [[*HEAD, "Value"], *[[*r, "x"] for r in _week(2)]],
                     "Week 2": [[*HEAD, "Value"], *[[*r, 4] for r in _week(9)]]},
    "stamps_in_one_sheet": {
        "Week 1": [HEAD, *_week(2)],
        "Week 2": [HEAD, *[[r[0], f"{r[0]} {r[1]}", *r[2:]] for r in _week(9)]]},
    "repeated_header": {"Week 1": [HEAD, *_week(2), HEAD, *_week(3)], "Week 2": [HEAD, *_week(9)]},
    "bad_cells": {"Week 1": [HEAD, *_week(2), ["2026-03-05", "9:00", "Walk", "seven", 5, 12, "maybe", ""]],
                  "Week 2": [HEAD, *_week(9), ["not a date", "", "", "", "", "", "", ""]]},
    "reflection_rows": {"Week 1": [HEAD, *_week(2), ["Weekly reflection: a good week"]],
                        "Week 2": [HEAD, *_week(9), ["Total", "", "", 9, 9, 9]]},
    "text_cells": {  # a text column coded when stacked: blanks, "NA", apostrophes, lists, labels
        "Week 1": [[*HEAD, "Category", "Note"], *[[*r, "Self-care", "ok"] for r in _week(2)],
                   ["2026-03-05", "9:00", " ", 4, 4, 4, None, None, "NA", "'=1+1"],
                   ["2026-03-05", "10:00", "Walk | Read", 4, 4, "meh", None, None, "", "  "]],
        "Week 2": [[*HEAD, "Category", "Note"], *[[*r, "", "None"] for r in _week(9)],
                   ["2026-03-12", "9:00", "NA", "n/a", 4, 4, "yes", "no", "Chores", "'007"]]},
    "typed_cells": {  # W1's cells: real dates, whole numbers and "" in ratings, booleans and "" in Done
        f"Week {w}": [[*HEAD, "Note"],
                      *[[dt.datetime(2026, 3, 2 + 7 * w + k // 3), f"{7 + k}:15:00", ["Walk", "Read"][k % 2],
                         "" if k == 4 else k % 11, k % 7, 6, k % 2 == 0, "" if k % 3 else k % 2 == 1, ""]
                        for k in range(9)]]
        for w in range(3)},
    "mixed_kinds": {  # cells that hash alike across kinds (1, 1.0, True) or read differently by kind
        "Week 1": [HEAD, [dt.datetime(2026, 3, 2), dt.time(8, 0), "Walk", 1, 1.5, True, 1, True],
                   ["2026-03-03", "9:00", "Read", True, 2, 1, "yes", 1],
                   [dt.datetime(2026, 3, 4, 7, 30), dt.datetime(2026, 3, 4, 9, 0), "Cook", 1.0, "1", 0, 0, False]],
        "Week 2": [HEAD, [dt.date(2026, 3, 9), "10:00", "Walk", 2.0, 2, False, False, 0],
                   [dt.datetime(2026, 3, 10), dt.time(21, 0), "Read", "2", 2.5, 0.0, "no", "0"]]},
}
#: the books read stacked (the others are read one sheet at a time)
STACKED = {"plain": [0, 1, 2], "instructions_first": [1, 2], "repeated_header": [0, 1],
           "bad_cells": [0, 1], "reflection_rows": [0, 1], "other_header": [0, 2],
           "text_cells": [0, 1], "typed_cells": [0, 1, 2], "mixed_kinds": [0, 1]}


def _write(path: Path, book: dict) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in book.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


def _outcome(path, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ba.read_log(path, **kw), None
        except (LogError, ValueError) as exc:
            return None, f"{type(exc).__name__}: {exc}"


def _same(got, want):
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    assert got.attrs.keys() == want.attrs.keys()
    for key, value in want.attrs.items():
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(got.attrs[key], value, check_exact=True)
        else:
            assert got.attrs[key] == value, key


def _both_ways(monkeypatch, path, **kw):
    """Stacked (its columns coded, then not) and one sheet at a time: the same outcome."""
    monkeypatch.setattr(long, "STACK_SHEETS", True)
    monkeypatch.setattr(long, "CODE_STACKED", False)
    uncoded, uncoded_error = _outcome(path, **kw)
    monkeypatch.setattr(long, "CODE_STACKED", True)
    stacked, stacked_error = _outcome(path, **kw)
    monkeypatch.setattr(long, "STACK_SHEETS", False)
    one_by_one, error = _outcome(path, **kw)
    monkeypatch.setattr(long, "STACK_SHEETS", True)
    assert stacked_error == error and uncoded_error == error
    if one_by_one is None:
        return None
    _same(uncoded, one_by_one)
    _same(stacked, one_by_one)
    return stacked


@pytest.mark.parametrize("name", sorted(BOOKS))
def test_edge_workbooks_read_the_same_stacked(monkeypatch, tmp_path, name):
    path = _write(tmp_path / f"{name}.xlsx", BOOKS[name])
    _both_ways(monkeypatch, path)
    got = long.stacked_entries(read_sheets(path), ReadOptions(file=path.name))
    assert sorted(got) == STACKED.get(name, [])


def test_stacked_rows_keep_their_sheet_and_row(tmp_path):
    path = _write(tmp_path / "log.xlsx", BOOKS["instructions_first"])
    got = long.stacked_entries(read_sheets(path), ReadOptions(file=path.name))
    cells, ctx = got[2]
    assert cells["_sheet"].tolist() == ["Week 2"] * 3 and cells["_row"].tolist() == [2, 3, 4]
    assert cells["activity"].tolist() == ["Walk", "Read", "Cook"]
    assert ctx.sheet_headers["mood"] == {"Week 2": "Mood (0-10)"}
    log = ba.read_log(path)
    assert log["source"].iloc[-1] == "log.xlsx:Week 2:4"


@pytest.mark.parametrize("make", rw.ALL, ids=lambda f: f.__name__)
def test_realworld_look_alikes_read_the_same_stacked(monkeypatch, tmp_path, make):
    truth = make(tmp_path)
    if Path(truth.path).suffix.lower() not in (".xlsx", ".xlsm", ".xls"):
        pytest.skip("not a workbook")
    _both_ways(monkeypatch, truth.path, **truth.read_kw)


@pytest.mark.parametrize("path", [SAMPLE / "client-alex.xlsx", *sorted((SAMPLE / "formats").glob("*.xlsx"))],
                         ids=lambda p: p.name)
def test_sample_workbooks_read_the_same_stacked(monkeypatch, path):
    _both_ways(monkeypatch, path)


def test_stacked_columns_are_coded_unless_kinds_would_merge(tmp_path):
    path = _write(tmp_path / "log.xlsx", BOOKS["mixed_kinds"])
    got = long.stacked_entries(read_sheets(path), ReadOptions(file=path.name))
    cells = pd.concat([got[0][0], got[1][0]])
    # 1, 1.0 and True hash alike: such columns stay cells
    assert cells["mastery"].dtype == object and cells["mood"].dtype == object
    assert cells["activity"].dtype == "category"
    assert cells["activity"].cat.categories.tolist() == ["Walk", "Read", "Cook"]
    sure = long.as_codes(pd.Series([7, "", 7, None, 3], dtype=object))
    assert sure.cat.codes.tolist() == [0, 1, 0, -1, 2] and sure.cat.categories.tolist() == [7, "", 3]
    assert long.as_codes(pd.Series([1, "x", 1.0], dtype=object)).dtype == object
    assert long.as_codes(pd.Series([True, "", 0], dtype=object)).dtype == object
    days = long.as_codes(pd.Series([dt.datetime(2026, 3, 2), "", dt.datetime(2026, 3, 2)], dtype=object))
    assert days.cat.codes.tolist() == [0, 1, 0] and days.cat.categories.dtype == object


def test_typed_cells_take_the_fast_path_when_stacked(tmp_path):
    path = _write(tmp_path / "log.xlsx", BOOKS["typed_cells"])
    got = long.stacked_entries(read_sheets(path), ReadOptions(file=path.name))
    cells = got[0][0]
    for col in ("date", "time", "mastery", "pleasure", "mood", "planned", "done", "activity"):
        assert cells[col].dtype == "category", col
    log = ba.read_log(path)
    assert log["mastery"].isna().sum() == 3 and log["done"].isna().sum() == 18
    assert log["start"].iloc[0] == pd.Timestamp("2026-03-02 07:15")
    assert log["start"].iloc[-1] == pd.Timestamp("2026-03-18 15:15")


def test_blank_frame_of_coded_columns_as_of_cells():
    cells = pd.DataFrame({"a": [" ", "x", None, "\t", ""], "b": [0, None, "", 3, "0"],
                          "c": [dt.datetime(2026, 3, 2), None, dt.datetime(2026, 3, 2), "", " y "],
                          "d": [False, True, None, "", False], "e": [0, 3.5, None, " ", 1]}, dtype=object)
    want = long.blank_frame(cells)
    coded = cells.apply(long.as_codes)
    assert [str(t) for t in coded.dtypes] == ["category"] * 4 + ["object"]  # 0 and 3.5: two kinds
    pd.testing.assert_frame_equal(long.blank_frame(coded), want)
    assert want.to_numpy().tolist() == [[True, False, False, False, False], [False, True, True, False, False],
                                        [True, True, False, True, True], [True, False, True, True, True],
                                        [True, False, False, False, False]]
