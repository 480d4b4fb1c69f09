"""The BATD-R daily form (bactivate.io.formats.batd) read by read_log, every row accounted for.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from conftest import (
    accounted,
    csv_read,
    problems,
    read,
    read_clean,
    rows_to_csv,
    write_xlsx,
    xlsx_data_rows,
)

import bactivate as ba

BATD_HEAD = ["Time", "Activity", "Enjoyment (0-10)", "Importance (0-10)"]


def batd_book(tmp_path, sheets, name="batd.xlsx"):
    path = write_xlsx(tmp_path, sheets, name)
    log, caught = read(path)
    return path, log, caught


# --------------------------------------------------------------------------- BATD-R


def test_batd_one_sheet_per_day(tmp_path):
    sheets = {
        "Instructions": [["Fill in one form a day"], ["Rate enjoyment and importance 0-10"]],
        "Mon 2 Mar 2026": [["BATD-R daily monitoring — Client: Sam"], [], BATD_HEAD,
                           ["7-8am", "Breakfast", 5, 6], ["9", "Walk", 8, 9], ["1-2", "Lunch", 6, 4],
                           [None, None, None, None], ["3pm", "TV ", 3, 1]],
        "2026-03-03": [BATD_HEAD, ["08:00", "Read", 7, 8], ["10:00", "Call mum", 9, 10]],
    }
    path, log, caught = batd_book(tmp_path, sheets)
    assert not caught
    accounted(log, xlsx_data_rows(path, {"Mon 2 Mar 2026": 3, "2026-03-03": 1}))
    assert log.attrs["format"] == "batd"
    assert log["client"].unique().tolist() == ["Sam"]
    assert log["start"].dt.strftime("%m-%d %H:%M").tolist() == [
        "03-02 07:00", "03-02 09:00", "03-02 13:00", "03-02 15:00", "03-03 08:00", "03-03 10:00"]
    assert log["activity"].tolist() == ["Breakfast", "Walk", "Lunch", "TV", "Read", "Call mum"]
    assert log["pleasure"].tolist() == [5, 8, 6, 3, 7, 9]
    assert log["importance"].tolist() == [6, 9, 4, 1, 8, 10]
    assert log["importance"].dtype == "float64"
    assert log["mastery"].isna().all()  # importance is not mastery
    assert any("not mastery" in n for n in log.attrs["notes"])
    assert any("skipped sheet 'Instructions'" in n for n in log.attrs["notes"])


@pytest.mark.parametrize("title", [
    [["Date: Tuesday 3 March 2026"]],
    [["Date:", None, "3 March 2026"]],
    [["Day", dt.datetime(2026, 3, 3)]],
    [["BATD-R"], [dt.datetime(2026, 3, 3)]],
])
def test_batd_date_from_a_title_cell(tmp_path, title):
    path, log, _ = batd_book(tmp_path, {"Form": [*title, BATD_HEAD, ["10am", "Walk", 7, 7]]})
    accounted(log, xlsx_data_rows(path, {"Form": len(title) + 1}))
    assert log["start"].tolist() == [pd.Timestamp("2026-03-03 10:00")]


def test_batd_date_column_and_csv_file_named_by_its_day(tmp_path):
    log = csv_read(tmp_path, rows_to_csv([["Date", *BATD_HEAD], ["2026-03-03", "9:00", "Walk", 7, 2],
                                          [None, "10:00", "Read", 4, 8]]))
    assert log["start"].dt.strftime("%d %H").tolist() == ["03 09", "03 10"]
    log = csv_read(tmp_path, rows_to_csv([BATD_HEAD, ["9:00", "Walk", 7, 2]]), name="batd-2026-03-04.csv")
    assert log["start"].tolist() == [pd.Timestamp("2026-03-04 09:00")]
    assert any("file name" in n for n in log.attrs["notes"])


def test_batd_without_a_date_says_where_to_write_it(tmp_path):
    path = write_xlsx(tmp_path, {"Monday": [BATD_HEAD, ["9:00", "Walk", 7, 2]]})
    with pytest.raises(ba.LogError, match=r"no date for the BATD-R form in sheet 'Monday'.*Date: 2 March"):
        ba.read_log(path)


def test_batd_bad_importance_or_enjoyment_costs_its_cell(tmp_path):
    rows = [BATD_HEAD, ["9:00", "Walk", 7, "lots"], ["10:00", "Read", 4, 11], ["11:00", "Cook", 12, 5],
            ["12:00", "Lunch", 6, "7/10"]]
    path, log, caught = batd_book(tmp_path, {"2026-03-02": rows})
    accounted(log, xlsx_data_rows(path, {"2026-03-02": 1}))
    assert len(caught) == 1
    rej = problems(log)
    assert rej[["row", "column"]].values.tolist() == [[2, "Importance (0-10)"], [3, "Importance (0-10)"],
                                                      [4, "Enjoyment (0-10)"]]
    assert "outside the Importance scale (0-10)" in rej["reason"].iloc[1]
    assert (rej["kind"] == "cell").all()  # a bad rating blanks its cell; the row stays
    assert log["activity"].tolist() == ["Walk", "Read", "Cook", "Lunch"]
    assert log["importance"].tolist()[2:] == [5.0, 7.0] and log["importance"].iloc[:2].isna().all()
    assert log["pleasure"].iloc[2] != log["pleasure"].iloc[2]  # Cook's enjoyment 12 blanked (NaN)
    assert log["pleasure"].tolist()[:2] == [7.0, 4.0] and log["pleasure"].iloc[3] == 6.0


def test_batd_enjoyment_is_0_to_10_even_without_a_scale_in_the_header(tmp_path):
    rows = [["Time", "Activity", "Enjoyment", "Importance"], ["9:00", "Walk", 1, 2], ["10:00", "Read", 4, 5]]
    path, log, caught = batd_book(tmp_path, {"2026-03-02": rows})
    assert not caught  # values 1-4 alone would leave the scale open; the form says 0-10
    accounted(log, xlsx_data_rows(path, {"2026-03-02": 1}))
    assert log["pleasure"].tolist() == [1.0, 4.0]
    assert "BATD-R form rates Enjoyment from 0 to 10" in next(
        n for n in log.attrs["notes"] if n.startswith("pleasure:"))


def test_batd_explicit_format_equals_auto(tmp_path):
    path = write_xlsx(tmp_path, {"2026-03-02": [BATD_HEAD, ["9:00", "Walk", 7, 2]]})
    pd.testing.assert_frame_equal(read_clean(path), read_clean(path, format="batd"))
