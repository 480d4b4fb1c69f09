"""The Beck weekly grid (bactivate.io.formats.grid) read by read_log, every non-empty cell accounted for.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import openpyxl
import openpyxl.utils
import pandas as pd
import pytest
from conftest import (
    accounted,
    problems,
    read,
    read_clean,
    rows_to_csv,
    write_csv,
    write_xlsx,
)

import bactivate as ba
from bactivate import cli

DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def grid_cells(path, sheets: dict[str, tuple[int, str]]) -> set:
    """``{(sheet, "B5")}`` for every non-empty cell of the day columns below the row of days,
    read with openpyxl. *sheets* maps a sheet to (row of days, letters of the day columns)."""
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    out = set()
    for name, (head, letters) in sheets.items():
        ws = wb[name]
        for i, row in enumerate(ws.iter_rows(values_only=True), start=1):
            for j, cell in enumerate(row):
                letter = openpyxl.utils.get_column_letter(j + 1)
                if i > head and letter in letters and cell is not None and str(cell).strip():
                    out.add((name, f"{letter}{i}"))
    wb.close()
    return out


def grid_book(tmp_path, sheets, name="grid.xlsx", **kw):
    path = write_xlsx(tmp_path, sheets, name)
    log, caught = read(path, **kw)
    return path, log, caught


WEEK1 = [
    ["Weekly activity schedule - Client: Sam - Week starting 2 March 2026"],
    ["Time", *DAYS],
    ["7-8am", "Walk M6 P7", None, "walked dog (M5, P8)"],
    ["8-9", "TV P3 M1", "  ", None, "Mastery 4, Pleasure 9 ironing"],
    ["11-12", None, "Read", None, None, "M: 2 P: 8 cinema"],
    ["12-1", None, None, None, None, None, None, "Lunch m=3 p=6"],
    ["1-2", None, "swim (m 7 / p 9)"],
]


# --------------------------------------------------------------------------- weekly grid


def test_grid_cells_with_ratings_written_many_ways(tmp_path):
    path, log, caught = grid_book(tmp_path, {"Week 1": WEEK1})
    assert not caught
    accounted(log, grid_cells(path, {"Week 1": (2, "BCDEFGH")}))
    assert log.attrs["format"] == "grid"
    got = log.set_index("source")[["activity", "mastery", "pleasure"]]
    assert got.loc["grid.xlsx:Week 1:B3"].tolist() == ["Walk", 6, 7]
    assert got.loc["grid.xlsx:Week 1:D3"].tolist() == ["walked dog", 5, 8]
    assert got.loc["grid.xlsx:Week 1:B4"].tolist() == ["TV", 1, 3]
    assert got.loc["grid.xlsx:Week 1:E4"].tolist() == ["ironing", 4, 9]
    assert got.loc["grid.xlsx:Week 1:F5"].tolist() == ["cinema", 2, 8]
    assert got.loc["grid.xlsx:Week 1:H6"].tolist() == ["Lunch", 3, 6]
    assert got.loc["grid.xlsx:Week 1:C7"].tolist() == ["swim", 7, 9]
    assert got.loc["grid.xlsx:Week 1:C5", "activity"] == "Read"
    assert np.isnan(got.loc["grid.xlsx:Week 1:C5", "mastery"])
    assert log["client"].unique().tolist() == ["Sam"]


def test_grid_dates_from_week_starting_and_weekday_columns(tmp_path):
    _, log, _ = grid_book(tmp_path, {"Week 1": WEEK1})
    start = log.set_index("source")["start"]
    assert start["grid.xlsx:Week 1:B3"] == pd.Timestamp("2026-03-02 07:00")  # Monday
    assert start["grid.xlsx:Week 1:D3"] == pd.Timestamp("2026-03-04 07:00")  # Wednesday
    assert start["grid.xlsx:Week 1:H6"] == pd.Timestamp("2026-03-08 12:00")  # Sunday, noon
    assert start["grid.xlsx:Week 1:C7"] == pd.Timestamp("2026-03-03 13:00")  # 1-2 after 12-1: pm
    end = log.set_index("source")["end"]
    assert end["grid.xlsx:Week 1:C7"] == pd.Timestamp("2026-03-03 14:00")


def test_grid_week_starting_on_another_day(tmp_path):
    rows = [["Week beginning: Thursday 5 March 2026"], ["Hour", "Thu", "Fri", "Sat", "Sun", "Mon"],
            ["9am", "A M1 P1", None, None, None, "B M1 P2"], ["10am", None, "C P9 M0"]]
    _, log, _ = grid_book(tmp_path, {"S": rows})
    assert log["start"].dt.strftime("%a %d").tolist() == ["Thu 05", "Fri 06", "Mon 09"]


def test_grid_dates_in_the_header(tmp_path):
    sheets = {"Wk": [["Time", *[dt.datetime(2026, 3, d) for d in range(9, 16)]],
                     ["09:00", "Cook M4 P6", None, "Gym"], ["14:00", None, "Call mum P9"]],
              "Text dates": [["", "16/03/2026", "17/03/2026", "18/03/2026"], ["6pm", "Run M8 P5"],
                             ["7pm", None, None, "Quiz M3 P8"]]}
    path, log, caught = grid_book(tmp_path, sheets)
    assert not caught
    accounted(log, grid_cells(path, {"Wk": (1, "BCDEFGH"), "Text dates": (1, "BCD")}))
    assert log["start"].dt.strftime("%Y-%m-%d %H:%M").tolist() == [
        "2026-03-09 09:00", "2026-03-10 14:00", "2026-03-11 09:00", "2026-03-16 18:00", "2026-03-18 19:00"]


def test_grid_week_start_parameter_and_week_sheets(tmp_path):
    sheets = {"Week 1": [["Time", *DAYS], ["9am", "A M1 P1"], ["10am", None, "B M2 P2"]],
              "Week 3": [["Time", *DAYS], ["9am", "C M1 P1"], ["10am", None, "D M0 P9"]]}
    path = write_xlsx(tmp_path, sheets)
    with pytest.raises(ba.LogError, match=r"not the week.*week_start='2026-03-02'"):
        ba.read_log(path)
    log = read_clean(path, week_start="2026-03-02")
    accounted(log, grid_cells(path, {"Week 1": (1, "BCDEFGH"), "Week 3": (1, "BCDEFGH")}))
    assert log["start"].dt.strftime("%Y-%m-%d").tolist() == ["2026-03-02", "2026-03-03", "2026-03-16",
                                                             "2026-03-17"]
    assert any("week_start=" in n for n in log.attrs["notes"])


@pytest.mark.parametrize(("title", "expected"), [
    ("Activity schedule (M/P), rate 0-10", (4.0, 7.0)),
    ("Ratings: P/M 0-10", (7.0, 4.0)),
    ("Mastery/Pleasure 0-10", (4.0, 7.0)),
])
def test_grid_two_bare_numbers_read_in_the_declared_order(tmp_path, title, expected):
    rows = [[title], ["Time", "Mon 2 Mar 2026", "Tue 3 Mar 2026", "Wed 4 Mar 2026"],
            ["12pm", "Lunch with Sam 4/7"], ["1pm", None, "Walk (4, 7)"], ["2pm", None, None, "Read 4 7"]]
    path, log, caught = grid_book(tmp_path, {"S": rows})
    assert not caught
    accounted(log, grid_cells(path, {"S": (2, "BCD")}))
    assert log["activity"].tolist() == ["Lunch with Sam", "Walk", "Read"]
    assert log[["mastery", "pleasure"]].drop_duplicates().values.tolist() == [list(expected)]


def test_grid_bare_numbers_without_a_declared_order_are_set_aside(tmp_path):
    rows = [["Time", "Mon 2 Mar 2026", "Tue 3 Mar 2026", "Wed 4 Mar 2026"],
            ["12pm", "Lunch with Sam 4/7", "Walk M5 P6", "Read chapter 7"], ["1pm", None, "Run M9 P0"]]
    path, log, caught = grid_book(tmp_path, {"S": rows})
    assert len(caught) == 1
    accounted(log, grid_cells(path, {"S": (1, "BCD")}))
    rej = problems(log)
    assert rej[["sheet", "row", "column", "value"]].values.tolist() == [["S", 2, "B", "Lunch with Sam 4/7"]]
    assert "two numbers without M or P" in rej["reason"].iloc[0] and "(M/P)" in rej["reason"].iloc[0]
    assert log["activity"].tolist() == ["Walk", "Run", "Read chapter 7"]  # one number: part of the name


def test_grid_problem_cells_name_sheet_row_and_column_letter(tmp_path, capsys):
    rows = [["Week of 2026-03-02"], ["Time", *DAYS],
            ["9am", "Walk M12 P3", "M6 P7", "Read"],
            [None, "Nap"],
            ["Mood", 5, 6, 7],
            ["Total", None, "M6 P7"],
            ["10am", "-", None, "TV P2 M1"]]
    path, log, caught = grid_book(tmp_path, {"Week 1": rows})
    accounted(log, grid_cells(path, {"Week 1": (2, "BCDEFGH")}))
    rej = log.attrs["rejected"]
    probs = problems(log)
    assert probs[["row", "column"]].values.tolist() == [[3, "B"], [3, "C"], [4, "B"]]
    assert "12 is outside" in probs["reason"].iloc[0]
    assert "names no activity" in probs["reason"].iloc[1]
    assert "no time" in probs["reason"].iloc[2]
    skipped = rej[rej["kind"] == "not an entry"]
    assert sorted(skipped["source"]) == ["grid.xlsx:Week 1:B5", "grid.xlsx:Week 1:B7", "grid.xlsx:Week 1:C5",
                                         "grid.xlsx:Week 1:C6", "grid.xlsx:Week 1:D5"]
    assert probs["kind"].tolist() == ["cell", "row", "cell"]  # a slot with no hour: kept on its day
    # Nap (no hour) sorts first on its day, time unknown; Walk kept, its M12 blanked
    assert log["activity"].tolist() == ["Nap", "Walk", "Read", "TV"]
    assert log["time_unknown"].tolist() == [True, False, False, False]
    assert pd.isna(log["mastery"].iloc[1]) and log["pleasure"].iloc[1] == 3.0
    assert cli.main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "Week 1  3    B" in out and "weekly grid" in out


def test_grid_in_a_csv_file(tmp_path):
    text = rows_to_csv([["Week starting 2 March 2026 (M/P)"], ["", "Mon", "Tue", "Wed"],
                        ["7am", "Walk 6/7", "", "Run M8 P4"], ["8am", "", "Read M2 P9", ""]])
    path = write_csv(tmp_path, text)
    log = read_clean(path)
    assert log.attrs["format"] == "grid"
    assert log["source"].tolist() == ["log.csv:B3", "log.csv:C4", "log.csv:D3"]
    assert log[["mastery", "pleasure"]].values.tolist() == [[6, 7], [2, 9], [8, 4]]
    accounted(log, {(None, "B3"), (None, "C4"), (None, "D3")})


def test_grid_explicit_format_equals_auto(tmp_path):
    path = write_xlsx(tmp_path, {"Week 1": WEEK1})
    pd.testing.assert_frame_equal(read_clean(path), read_clean(path, format="grid"))
