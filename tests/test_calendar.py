"""The client's weeks and what a log records (issue 15): with_calendar, filter_weeks, recorded.

Weeks are checked against numbers computed here with plain pandas: calendar weeks from the
Monday (or another weekday) on or before the first logged day, or the number in the sheet name
of ``source`` when every row comes from a week sheet.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import bactivate as ba
from bactivate._log import filter_weeks, sheet_weeks, with_calendar
from bactivate.schema import conform

ROOT = Path(__file__).resolve().parents[1]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def shifted(log: pd.DataFrame, days: int, drop_after: str | None = None) -> pd.DataFrame:
    """*log* moved *days* later (so that it starts on another weekday), cut after *drop_after*."""
    out = log.assign(start=log["start"] + pd.Timedelta(days=days), end=log["end"] + pd.Timedelta(days=days))
    if drop_after is not None:
        out = out[out["start"] < pd.Timestamp(drop_after) + pd.Timedelta(days=1)]
    return out.reset_index(drop=True)


def calendar_week(start: pd.Series, weekday: int = 0) -> pd.Series:
    """Week numbers by hand: week 1 is the week (starting on *weekday*) that holds the first day."""
    day = start.dt.normalize()
    first = day.min()
    origin = first - pd.Timedelta(days=(first.day_of_week - weekday) % 7)
    return (day - origin).dt.days // 7 + 1


def label(week: int, first: pd.Timestamp, last: pd.Timestamp) -> str:
    """The expected label, spelled out here."""
    if first == last:
        return f"Week {week}, {first.day} {MONTHS[first.month - 1]}"
    if first.month == last.month:
        return f"Week {week}, {first.day}-{last.day} {MONTHS[last.month - 1]}"
    return f"Week {week}, {first.day} {MONTHS[first.month - 1]}-{last.day} {MONTHS[last.month - 1]}"


@pytest.fixture(scope="module")
def tuesday_log():
    """Five weeks from Tuesday 3 Mar 2026 to Wednesday 1 Apr (this synth client's first entry is on the 3rd)."""
    log = ba.synth.client(weeks=5, seed=7)
    log = shifted(log, 0, drop_after="2026-04-01")
    return log[log["start"] >= pd.Timestamp("2026-03-03")].reset_index(drop=True)


# --------------------------------------------------------------------------- calendar weeks


def test_calendar_weeks_from_monday(tuesday_log):
    log = tuesday_log
    assert log["start"].min().day_name() == "Tuesday" and log["start"].max().day_name() == "Wednesday"
    cal = with_calendar(log)
    expected = calendar_week(log["start"])
    assert cal["week"].tolist() == expected.tolist()
    # the old numbering (7 days from the first logged day) puts Monday 9 Mar in week 1
    old = (log["start"].dt.normalize() - log["start"].min().normalize()).dt.days // 7 + 1
    monday = log["start"].dt.normalize() == pd.Timestamp("2026-03-09")
    assert (old[monday] == 1).all() and (cal.loc[monday, "week"] == 2).all()
    # each week's days: Monday to Sunday, the first and last cut to the logged days
    day = log["start"].dt.normalize()
    monday_of = day - pd.to_timedelta(day.dt.day_of_week, unit="D")
    first = monday_of.clip(lower=day.min())
    last = (monday_of + pd.Timedelta(days=6)).clip(upper=day.max())
    assert (cal["week_first_day"] == first).all() and (cal["week_last_day"] == last).all()
    assert cal["week_last_day"].max() == pd.Timestamp("2026-04-01")  # the data's last day, not later
    labels = [label(w, f, la) for w, f, la in zip(expected, first, last, strict=True)]
    assert cal["week_label"].tolist() == labels
    assert cal.drop_duplicates("week")["week_label"].tolist() == [
        "Week 1, 3-8 Mar", "Week 2, 9-15 Mar", "Week 3, 16-22 Mar", "Week 4, 23-29 Mar", "Week 5, 30 Mar-1 Apr"]


@pytest.mark.parametrize(("week_start", "weekday"), [("Sun", 6), ("sunday", 6), (6, 6), ("Wed", 2),
                                                     ("Mon", 0), (None, 0)])
def test_week_start_weekday(tuesday_log, week_start, weekday):
    cal = with_calendar(tuesday_log, week_start=week_start)
    assert cal["week"].tolist() == calendar_week(tuesday_log["start"], weekday).tolist()
    # every week's days start on that weekday (except the first, cut to the first logged day)
    firsts = cal.drop_duplicates("week")["week_first_day"].iloc[1:]
    assert (firsts.dt.day_of_week == weekday).all()


def test_week_start_date_starts_week_one(tuesday_log):
    cal = with_calendar(tuesday_log, week_start="2026-02-26")  # a Thursday, five days before the log
    day = tuesday_log["start"].dt.normalize()
    assert cal["week"].tolist() == ((day - pd.Timestamp("2026-02-26")).dt.days // 7 + 1).tolist()
    assert cal["week"].min() == 1


def test_bad_week_start_is_a_clear_error(tuesday_log):
    with pytest.raises(ValueError, match="neither a weekday"):
        with_calendar(tuesday_log, week_start="Funday")
    with pytest.raises(ValueError, match="weeks_from must be"):
        with_calendar(tuesday_log, weeks_from="sheets please")


def test_old_numbering_is_kept_on_request(tuesday_log):
    cal = with_calendar(tuesday_log, weeks_from="first day")
    day = tuesday_log["start"].dt.normalize()
    assert cal["week"].tolist() == ((day - day.min()).dt.days // 7 + 1).tolist()


# --------------------------------------------------------------------------- week sheets


def test_sheet_weeks_parse_names():
    src = pd.Series(["log.xlsx:Week 1:5", "log.xlsx:Wk 2:C7", "a.xlsx:week 3 (12-18 May):9", "b.ods:WEEK12:4",
                     "log.xlsx:Week of 2026-03-02:5", "log.xlsx:Weekly notes:3", "diary.csv:14", None],
                    dtype="str")
    assert sheet_weeks(src).tolist() == [1, 2, 3, 12, pd.NA, pd.NA, pd.NA, pd.NA]


@pytest.fixture(scope="module")
def workbook_log():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ba.read_log(ROOT / "data/sample/client-alex.xlsx")


def test_week_sheets_define_the_weeks(workbook_log):
    log = workbook_log
    sheet = log["source"].str.split(":").str[1]
    number = sheet.str.extract(r"(\d+)", expand=False).astype(int)
    cal = with_calendar(log)
    assert cal["week"].tolist() == number.tolist()
    # a sheet's week runs from its first to its last logged day
    day = log["start"].dt.normalize()
    span = day.groupby(number).agg(["min", "max"])
    assert (cal["week_first_day"] == number.map(span["min"])).all()
    assert (cal["week_last_day"] == number.map(span["max"])).all()
    assert cal.drop_duplicates("week")["week_label"].tolist()[:2] == ["Week 1, 3-8 Mar", "Week 2, 9-15 Mar"]


def test_week_sheets_out_of_step_with_the_calendar():
    """Sheets that run Wednesday to Tuesday, numbered from 3: the sheet's number wins."""
    log = ba.synth.client(weeks=3, seed=2)
    day = log["start"].dt.normalize()
    sheet_no = (day - pd.Timestamp("2026-02-25")).dt.days // 7 + 3  # Wednesday 25 Feb starts "Week 3"
    log = log.assign(source=("plan.xlsx:Wk " + sheet_no.astype(str) + " (notes):" +
                             pd.Series(np.arange(len(log)) + 2, index=log.index).astype(str)))
    cal = with_calendar(log)
    assert cal["week"].tolist() == sheet_no.tolist()
    assert cal["week"].min() == 3
    # calendar weeks on request, and as soon as one row is not from a week sheet
    assert with_calendar(log, weeks_from="calendar")["week"].tolist() == calendar_week(log["start"]).tolist()
    mixed = log.copy()
    mixed.loc[mixed.index[5], "source"] = "plan.xlsx:Notes:9"
    assert with_calendar(mixed)["week"].tolist() == calendar_week(log["start"]).tolist()
    with pytest.raises(ValueError, match="every row to come from a sheet"):
        with_calendar(mixed, weeks_from="sheet")
    assert filter_weeks(log, 4).index.tolist() == log.index[sheet_no == 4].tolist()


# --------------------------------------------------------------------------- filter_weeks


def test_filter_weeks_counts_weeks_as_the_analyses(tuesday_log):
    week = calendar_week(tuesday_log["start"])
    for w in (1, 2, 5):
        got = filter_weeks(tuesday_log, w)
        assert got.index.tolist() == tuesday_log.index[week == w].tolist()
        assert (with_calendar(tuesday_log).loc[got.index, "week"] == w).all()
    assert set(ba.progress(tuesday_log)["week"]) == set(week)
    assert set(ba.avoidance(tuesday_log)["by_week"]["week"]) == set(week)
    with pytest.raises(ValueError, match="covers weeks 1 to 5"):
        filter_weeks(tuesday_log, 6)


# --------------------------------------------------------------------------- hours


def test_unknown_times_have_no_hour(tuesday_log):
    log = tuesday_log.assign(time_unknown=(np.arange(len(tuesday_log)) % 4 == 0))
    cal = with_calendar(log)
    assert cal.loc[log["time_unknown"], "hour"].isna().all()
    assert (cal.loc[~log["time_unknown"], "hour"] == log.loc[~log["time_unknown"], "start"].dt.hour).all()
    dates_only = tuesday_log.assign(start=tuesday_log["start"].dt.normalize())  # a Daylio export without times
    assert with_calendar(dates_only)["hour"].isna().all()
    assert with_calendar(dates_only)["week"].tolist() == calendar_week(tuesday_log["start"]).tolist()


# --------------------------------------------------------------------------- recorded


def test_recorded_full_log():
    log = ba.synth.client(weeks=2, seed=1)
    rec = ba.recorded(log)
    assert list(rec) == ["activity", "category", "mastery", "pleasure", "mood", "effort", "planned", "done",
                         "avoidance", "time_of_day", "dates"]
    for field in ("activity", "category", "mastery", "pleasure", "mood", "effort", "planned", "done",
                  "avoidance"):
        assert rec[field] == bool(log[field].notna().any()), field
    assert rec["time_of_day"] and rec["dates"]


def test_recorded_says_what_is_missing():
    log = ba.synth.client(weeks=2, seed=1)
    diary = log.assign(avoidance=pd.NA, planned=pd.NA, done=pd.NA, mastery=np.nan)
    rec = ba.recorded(conform(diary))
    assert not rec["avoidance"] and not rec["planned"] and not rec["done"] and not rec["mastery"]
    assert rec["mood"] and rec["pleasure"] and rec["time_of_day"]
    # False is a value: a log whose flags are all False records them
    none_avoided = log.assign(avoidance=pd.array([False] * len(log), dtype="boolean"))
    assert ba.recorded(none_avoided)["avoidance"]
    # times
    assert not ba.recorded(log.assign(start=log["start"].dt.normalize()))["time_of_day"]
    assert not ba.recorded(log.assign(time_unknown=True))["time_of_day"]
    some = log.assign(time_unknown=np.arange(len(log)) % 2 == 0)
    assert ba.recorded(some)["time_of_day"]
    undated = log.assign(start=pd.NaT, end=pd.NaT)
    assert not ba.recorded(undated)["dates"] and not ba.recorded(undated)["time_of_day"]
    assert not any(ba.recorded(log.iloc[:0]).values())


def test_recorded_on_a_mood_only_log():
    start = pd.date_range("2026-03-02 09:00", periods=10, freq="13h")
    log = conform(pd.DataFrame({"client": "M", "start": start, "mood": np.linspace(2, 8, 10)}))
    rec = ba.recorded(log)
    assert [k for k, v in rec.items() if v] == ["mood", "time_of_day", "dates"]
