"""bactivate.io.when: start and end of each raw entry (start_end), day/month order, one by one."""

from __future__ import annotations

import pandas as pd
import pytest

from bactivate.errors import LogError
from bactivate.io.context import Context, Entries, ReadOptions
from bactivate.io.when import FILE_BY_FILE, dayfirst_note, start_end

OPTS = ReadOptions(file="log.csv", stem="log")


def _entries(files=None, ctx=None, **cols):
    n = len(next(iter(cols.values())))
    cells = pd.DataFrame({**cols, "_sheet": [None] * n})
    if files is not None:
        cells["_file"] = [0] * n
    return Entries(cells, ctx or Context(), files=files, stems=files)


def fmt(s):
    return s.dt.strftime("%m-%d %H:%M").tolist()


def test_blank_dates_carry_down_and_bare_hours_after_noon_are_afternoon():
    got = start_end(_entries(date=["2026-03-02", None, None], time=["11-12", "12-1", "1-2"]), OPTS)
    assert fmt(got.start) == ["03-02 11:00", "03-02 12:00", "03-02 13:00"]
    assert fmt(got.end) == ["03-02 12:00", "03-02 13:00", "03-02 14:00"]
    assert got.notes[0] == "2 rows left the date blank and took the date from the row above (as with merged date cells)"
    assert got.notes[1].startswith("read 1 time written without am/pm as afternoon (e.g. '1-2')")
    assert got.problems == [] and got.dayfirst == {} and got.one_by_one is None


def test_an_end_before_the_start_crosses_midnight():
    got = start_end(_entries(start=["2026-03-02 23:00", "2026-03-02 09:00"], end=["01:00", "bogus"]), OPTS)
    assert fmt(got.end)[0] == "03-03 01:00" and got.end.isna().tolist() == [False, True]
    assert got.problems[0]["reason"].str.contains("bogus").all()


def test_day_month_order_settled_by_the_dates_is_returned_and_noted():
    got = start_end(_entries(date=["13/04/2026", "03/04/2026"]), OPTS)
    assert got.dayfirst["dayfirst"] is True
    assert got.notes == [dayfirst_note(got.dayfirst)]


def test_many_files_whose_dates_settle_day_month_order_are_read_one_by_one():
    got = start_end(_entries(files=("a.csv",), date=["13/04/2026", "03/04/2026"]), OPTS)
    assert got.one_by_one == FILE_BY_FILE and got.notes == []


def test_a_time_column_needs_a_date_column_and_a_duration_needs_a_unit():
    with pytest.raises(LogError, match=r"^log.csv: there is a time column \('Time'\) but no date column"):
        start_end(_entries(ctx=Context(headers={"time": "Time"}), time=["09:00"]), OPTS)
    with pytest.raises(LogError, match=r"the duration column 'Duration' holds bare numbers"):
        start_end(_entries(ctx=Context(headers={"duration": "Duration"}), date=["2026-03-02"], duration=["30"]),
                  OPTS)
    got = start_end(_entries(ctx=Context(duration_unit="min"), date=["2026-03-02"], time=["09:00"],
                             duration=["30"]), OPTS)
    assert fmt(got.end) == ["03-02 09:30"]


def test_a_start_time_beside_a_date_and_a_start_time_alone():
    got = start_end(_entries(date=["2026-03-02", "2026-03-02"], start=["9am", None]), OPTS)
    assert fmt(got.start)[0] == "03-02 09:00"
    assert got.problems[0]["reason"].tolist() == ["no start time: kept on its day with the time unknown; "
                                                  "write the time the activity started (e.g. 14:00 or 2pm)"]
    alone = start_end(_entries(start=["09:00"]), OPTS)
    assert alone.problems[0]["reason"].tolist() == ["'09:00' is a time of day with no date: add a Date column "
                                                    "or write the date too"]
