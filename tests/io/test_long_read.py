"""Long sheets (bactivate.io.long): the client, blank rows, workbooks of weeks with titles, merged
dates and instruction sheets, sheets with different columns, a workbook with no log.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from conftest import (
    assert_accounted,
    assert_rejected_schema,
    csv_data_lines,
    read,
    read_clean,
    week,
    write_csv,
    write_xlsx,
    xlsx_data_rows,
)

import bactivate as ba


def csv_log(tmp_path, text, header_line=1, name="log.csv", **kw):
    """Write CSV text, read it, check the accounting; return (log, LogWarnings)."""
    path = write_csv(tmp_path, text, name)
    log, caught = read(path, **kw)
    assert_accounted(log, csv_data_lines(path, header_line))
    assert_rejected_schema(log)
    return log, caught


def clean_csv(tmp_path, text, header_line=1, **kw):
    log, caught = csv_log(tmp_path, text, header_line, **kw)
    assert not caught, [str(w.message) for w in caught]
    assert (log.attrs["rejected"]["kind"] == "not an entry").all(), log.attrs["rejected"].to_string()
    return log


# --------------------------------------------------------------------------- the tidy frame


def test_client_from_argument_title_row_or_column(tmp_path):
    text = "Client: Jo Bloggs\nDate,Activity,M,P\n2026-03-02,Walk,7,9\n"
    assert clean_csv(tmp_path, text, 2)["client"].tolist() == ["Jo Bloggs"]
    assert clean_csv(tmp_path, text, 2, client="C-07")["client"].tolist() == ["C-07"]
    text = "Date,Client,Activity,M,P\n2026-03-02,A1,Walk,7,9\n2026-03-02,,Run,7,9\n"
    assert clean_csv(tmp_path, text)["client"].tolist() == ["A1", "log"]


@pytest.mark.parametrize(("title", "client"), [("Jordan - Activity Diary", "Jordan"),
                                               ("Sam's activity schedule", "Sam"),
                                               ("Activity log: Robin Lee", "Robin Lee"),
                                               ("Weekly activity schedule", "diary")])   # no name: the file's
def test_client_from_a_title_row_without_a_label(tmp_path, title, client):
    rows = [[title], [], ["Date", "Time", "Activity", "Mood (0-10)"],
            [dt.datetime(2026, 3, 2), "09:00", "Walk", 6], [dt.datetime(2026, 3, 2), "10:00", "Read", 7]]
    path = write_xlsx(tmp_path, {"Sheet1": rows}, name="diary.xlsx")
    log = read_clean(path)
    assert_accounted(log, xlsx_data_rows(path, {"Sheet1": 3}))
    assert log["client"].tolist() == [client, client]
    assert read_clean(path, client="C-07")["client"].tolist() == ["C-07", "C-07"]   # the argument wins


# --------------------------------------------------------------------------- layout of the sheet


def test_blank_rows_and_trailing_spaces(tmp_path):
    text = ("Date , Activity ,  M  ,P \n"
            "\n"
            " 2026-03-02 ,  Walk  , 7 , 8 \n"
            ",,,\n"
            "   ,  ,  ,  \n"
            "2026-03-03,Read,2,9\n"
            "\n")
    log = clean_csv(tmp_path, text)
    assert log["activity"].tolist() == ["Walk", "Read"]
    assert log["mastery"].tolist() == [7.0, 2.0]
    assert log["source"].tolist() == ["log.csv:3", "log.csv:6"]
    assert log.attrs["rejected"].empty  # blank rows are not data rows at all


# --------------------------------------------------------------------------- XLSX, ODS, Parquet


def test_xlsx_weeks_title_rows_merged_dates_instructions(tmp_path, week_rows):
    sheets = {"Instructions": [["How to fill in this diary"], ["One row per activity."],
                               ["Mastery", "how much you achieved"]],
              "Week 1": week(1), "Week 2": week(2)}
    path = write_xlsx(tmp_path, sheets, merges={"Week 1": ["A4:A6", "A1:G1"], "Week 2": ["A4:A6"]})
    log = read_clean(path)
    assert_accounted(log, xlsx_data_rows(path, {"Week 1": 3, "Week 2": 3}))
    assert len(log) == 6
    assert log["source"].tolist()[:3] == ["log.xlsx:Week 1:4", "log.xlsx:Week 1:5", "log.xlsx:Week 1:6"]
    assert log["source"].str.split(":").str[1].tolist() == ["Week 1"] * 3 + ["Week 2"] * 3
    # the merged date cell (A4:A6) is carried down to the rows it covers
    assert log["start"].tolist()[:3] == pd.to_datetime(
        ["2026-03-02 09:00", "2026-03-02 10:30", "2026-03-02 14:00"]).tolist()
    assert log["activity"].tolist()[:3] == ["Walk", "Call mum", "Lunch"]
    assert log["client"].unique().tolist() == ["Sam"]
    # Mood (1-5) mapped onto 0-10
    assert log["mood"].tolist()[:3] == [5.0, 7.5, 10.0]
    assert log.attrs["scales"]["mood"] == (1.0, 5.0)
    notes = " | ".join(log.attrs["notes"])
    assert "skipped sheet 'Instructions'" in notes and "holds no log" in notes
    assert "took the date from the row above" in notes
    rej = log.attrs["rejected"]
    assert rej[["sheet", "row"]].values.tolist() == [["Week 1", 8], ["Week 2", 8]]


def test_xlsx_sheets_with_different_columns(tmp_path):
    w1 = [["Date", "Activity", "M", "P"], [dt.datetime(2026, 3, 2), "Walk", 7, 8]]
    w2 = [["Week 2"], ["Date", "What I did", "P", "M", "Mood"], [dt.datetime(2026, 3, 9), "Read", 9, 3, 9]]
    path = write_xlsx(tmp_path, {"W1": w1, "W2": w2})
    log = read_clean(path)
    assert_accounted(log, xlsx_data_rows(path, {"W1": 1, "W2": 2}))
    assert log[["activity", "mastery", "pleasure"]].values.tolist() == [["Walk", 7.0, 8.0], ["Read", 3.0, 9.0]]
    assert log["mood"].isna().tolist() == [True, False]


# --------------------------------------------------------------------------- files that cannot be read


def test_workbook_without_any_log(tmp_path):
    path = write_xlsx(tmp_path, {"Instructions": [["Read me"]], "Empty": []})
    with pytest.raises(ba.LogError, match=r"no log found in log\.xlsx \(sheets \['Instructions', 'Empty'\]\)"):
        ba.read_log(path)
