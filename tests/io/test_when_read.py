"""When each entry happened (bactivate.io.when): dates, times, start/end, durations, hour slots,
day/month order, and the cells that cannot give a time.
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
    rows_to_csv,
    write_csv,
    write_xlsx,
    xlsx_data_rows,
)

import bactivate as ba
from bactivate._log import with_calendar


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


def problems(log):
    rej = log.attrs["rejected"]
    return rej[rej["kind"].isin(["cell", "row"])].reset_index(drop=True)


# --------------------------------------------------------------------------- headers and synonyms


def test_date_with_start_and_end_times(tmp_path):
    text = ("Date,Start,End,Activity,M\n2026-03-02,10:00,11:30,Walk,8\n"
            "2026-03-02,23:00,00:30,Film,6\n2026-03-03,9am,10am,Run,7\n")
    log = clean_csv(tmp_path, text)
    assert log["start"].tolist() == pd.to_datetime(
        ["2026-03-02 10:00", "2026-03-02 23:00", "2026-03-03 09:00"]).tolist()
    # an end before the start crossed midnight
    assert log["end"].tolist() == pd.to_datetime(
        ["2026-03-02 11:30", "2026-03-03 00:30", "2026-03-03 10:00"]).tolist()


@pytest.mark.parametrize(("head", "cells", "minutes"), [
    ("Duration", ["30 min", "1.5 h", "1h 30m", "1:15"], [30, 90, 90, 75]),
    ("Duration (min)", ["30", "45", "90", "5"], [30, 45, 90, 5]),
    ("Duration (h)", ["1", "0.5", "2", "1,5"], [60, 30, 120, 90]),
    ("Minutes", ["30", "45", "90", "5"], [30, 45, 90, 5]),
])
def test_duration_gives_end(tmp_path, head, cells, minutes):
    rows = [["Date", "Time", head, "Activity", "M"]]
    rows += [["2026-03-02", f"{9 + i}:00", c, "Walk", "8"] for i, c in enumerate(cells)]
    log = clean_csv(tmp_path, rows_to_csv(rows))
    got = ((log["end"] - log["start"]).dt.total_seconds() / 60).tolist()
    assert got == minutes


def test_duration_bare_numbers_without_unit_is_an_error(tmp_path):
    path = write_csv(tmp_path, "Date,Time,Duration,Activity,M\n2026-03-02,10:00,30,Walk,8\n")
    with pytest.raises(ba.LogError, match=r"'Duration'.*unit.*Duration \(min\)"):
        ba.read_log(path)


def test_date_with_hour_slots_and_empty_slots(tmp_path):
    text = ("Date,Hour,Activity,M,P\n"
            "2026-03-02,7-8am,Breakfast,5,6\n"
            ",8-9am,,,\n"              # an empty template slot: not an entry
            ",9-10am,Walk,7,8\n"
            ",10:00-11:00,Email,6,2\n"
            ",12-1pm,Lunch,4,7\n"
            ",1-2pm,,,\n")
    log = clean_csv(tmp_path, text)
    assert log["activity"].tolist() == ["Breakfast", "Walk", "Email", "Lunch"]
    assert log["start"].dt.hour.tolist() == [7, 9, 10, 12]
    assert log["end"].dt.hour.tolist() == [8, 10, 11, 13]
    rej = log.attrs["rejected"]
    assert rej["row"].tolist() == [3, 7]
    assert set(rej["kind"]) == {"not an entry"}
    assert rej["reason"].str.contains("nothing logged").all()


# --------------------------------------------------------------------------- dates and times


def test_dayfirst_resolution_is_noted(tmp_path):
    log = clean_csv(tmp_path, "Date,Activity,M\n12/03/2026,Walk,8\n13/03/2026,Read,8\n")
    assert any("day/month" in n and "13" in n for n in log.attrs["notes"])
    assert log.attrs["dayfirst"]["dayfirst"] is True


@pytest.mark.parametrize("dates", [["05/03/2026", "07/03/2026"], ["01/02/2026", "03/04/2026", "05/06/2026"]])
def test_ambiguous_dates_are_a_clear_error(tmp_path, dates):
    rows = [["Date", "Activity", "M"]] + [[d, "Walk", "8"] for d in dates]
    path = write_csv(tmp_path, rows_to_csv(rows))
    with pytest.raises(ba.LogError) as err:
        ba.read_log(path)
    msg = str(err.value)
    assert msg.startswith("log.csv:")
    assert f"'{dates[0]}'" in msg
    assert "dayfirst=True" in msg and "dayfirst=False" in msg and "2026-03-12" in msg


def test_mixed_day_and_month_first_is_an_error(tmp_path):
    path = write_csv(tmp_path, "Date,Activity,M\n13/03/2026,Walk,8\n03/14/2026,Read,8\n")
    with pytest.raises(ba.LogError, match=r"mix day-first and month-first.*'13/03/2026'.*'03/14/2026'"):
        ba.read_log(path)


def test_excel_datetime_in_the_date_column_beside_a_time_column(tmp_path):
    rows = [["Date", "Time", "Activity", "M"], [dt.datetime(2026, 3, 2, 0, 0), "14:00", "Walk", 8],
            [dt.datetime(2026, 3, 3, 9, 15), "18:00", "Read", 0],   # the Time cell wins
            [dt.datetime(2026, 3, 4, 7, 30), None, "Swim", 5]]      # no Time: the date's own time
    path = write_xlsx(tmp_path, {"S": rows})
    log = read_clean(path)
    assert_accounted(log, xlsx_data_rows(path, {"S": 1}))
    assert log["start"].tolist() == pd.to_datetime(
        ["2026-03-02 14:00", "2026-03-03 18:00", "2026-03-04 07:30"]).tolist()


def test_hour_slots_without_am_pm_after_noon(tmp_path):
    text = ("Date,Hour,Activity,M,P\n2026-03-02,9-10,Email,6,2\n,11-12,Call,6,2\n,12-1,Lunch,4,7\n"
            ",1-2,Nap,2,8\n,2-3,Walk,7,9\n,noon,Eat,5,5\n2026-03-03,8,Shop,5,5\n,2,Read,5,5\n")
    log = clean_csv(tmp_path, text)
    got = dict(zip(log["activity"], zip(log["start"].dt.strftime("%d %H:%M"),
                                        log["end"].dt.strftime("%d %H:%M"), strict=True), strict=True))
    assert got["Lunch"] == ("02 12:00", "02 13:00")    # "12-1" is noon to one
    assert got["Nap"] == ("02 13:00", "02 14:00")      # after 12-1 in the day: afternoon
    assert got["Walk"] == ("02 14:00", "02 15:00")
    assert got["Email"] == ("02 09:00", "02 10:00")
    assert got["Eat"][0] == "02 12:00"
    assert got["Read"][0] == "03 14:00"                 # after 8 on the 3rd
    assert any("without am/pm as afternoon" in n and "'1-2'" in n for n in log.attrs["notes"])


def test_24_hour_clock_times_are_not_moved(tmp_path):
    log = clean_csv(tmp_path, "Date,Time,Activity,M\n2026-03-02,14:00,Walk,9\n,9:00,Read,0\n")
    assert log["start"].dt.hour.tolist() == [9, 14]  # sorted by time: 9:00 stays morning
    assert not any("am/pm" in n for n in log.attrs["notes"])


def test_start_column_of_times_beside_a_date_column_reports_the_time(tmp_path):
    log, _ = csv_log(tmp_path, "Date,Start,End,Activity,M\n2026-03-02,9:00,9:30,Walk,9\n"
                               "2026-03-02,soon,later,Read,0\n")
    p = problems(log)
    assert p["column"].tolist() == ["Start", "End"]
    fix = ": write it as 14:00, 2pm or 2:30 PM"
    assert p["reason"].tolist() == ["'soon' is not a time of day" + fix, "'later' is not a time of day" + fix]


# --------------------------------------------------------------------------- XLSX, ODS, Parquet


def test_xlsx_timestamp_cells_in_a_start_column(tmp_path):
    rows = [["Timestamp", "Activity", "Mood"], [dt.datetime(2026, 3, 2, 8, 5), "Walk", 8],
            [dt.datetime(2026, 3, 2, 20, 0), "TV", 4]]
    path = write_xlsx(tmp_path, {"S": rows})
    log = read_clean(path)
    assert_accounted(log, xlsx_data_rows(path, {"S": 1}))
    assert log["start"].dt.strftime("%H:%M").tolist() == ["08:05", "20:00"]


# --------------------------------------------------------------------------- dates and times


def test_blank_start_beside_a_date_column(tmp_path):
    log, _ = csv_log(tmp_path, "Date,Start,Activity,M\n2026-03-02,9:00,Walk,9\n2026-03-02,,Read,0\n")
    p = problems(log)
    assert p[["row", "column"]].values.tolist() == [[3, "Start"]]
    assert p["reason"].iloc[0].startswith("no start time: kept on its day")
    assert p["kind"].tolist() == ["cell"] and log["activity"].tolist() == ["Read", "Walk"]


def test_blank_date_cells_take_the_date_above_within_a_sheet(tmp_path):
    w1 = [["Date", "Time", "Activity", "M"], [dt.datetime(2026, 3, 2), "9:00", "Walk", 8],
          [None, "10:00", "Read", 8]]
    w2 = [["Date", "Time", "Activity", "M"], [None, "9:00", "Swim", 8],   # no date above in this sheet
          [dt.datetime(2026, 3, 9), "9:00", "Run", 8]]
    path = write_xlsx(tmp_path, {"W1": w1, "W2": w2})
    log, caught = read(path)
    assert_accounted(log, xlsx_data_rows(path, {"W1": 1, "W2": 1}))
    assert log["activity"].tolist() == ["Walk", "Read", "Run"]
    p = problems(log)
    assert p[["sheet", "row", "column"]].values.tolist() == [["W2", 2, "Date"]]
    assert "no date" in p["reason"].iloc[0]
    assert len(caught) == 1


# --------------------------------------------------------------------------- rows set aside


def test_missing_time_keeps_the_entry_on_its_day(tmp_path):
    log, _ = csv_log(tmp_path, "Date,Time,Activity,M\n2026-03-02,10:00,Walk,8\n2026-03-02,,Read,8\n")
    p = problems(log)
    assert p[["row", "column", "kind"]].values.tolist() == [[3, "Time", "cell"]]
    assert "no time" in p["reason"].iloc[0] and "14:00" in p["reason"].iloc[0]
    read = log[log["activity"] == "Read"].iloc[0]
    assert read["start"] == pd.Timestamp("2026-03-02") and pd.isna(read["end"]) and read["time_unknown"]
    # the hour-of-day analyses leave it out: its hour is unknown, not midnight
    assert with_calendar(log).set_index("activity")["hour"].isna().to_dict() == {"Read": True, "Walk": False}


# --------------------------------------------------------------------------- files that cannot be read


def test_time_column_without_date_column(tmp_path):
    path = write_csv(tmp_path, "Time,Activity,M\n10:00,Walk,8\n")
    with pytest.raises(ba.LogError, match=r"time column \('Time'\) but no date column: add a Date column"):
        ba.read_log(path)
