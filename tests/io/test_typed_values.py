"""Issue 14 part 2: what people type, read and never silent (io.cells and the notes of read_log)."""

from __future__ import annotations

import datetime as dt
import warnings

import pandas as pd
import pytest

import bactivate as ba
from bactivate.io import cells as cl


@pytest.mark.parametrize(("written", "hhmm"), [
    ("morning", "09:00"), ("lunch", "13:00"), ("Lunchtime", "13:00"), ("afternoon", "15:00"),
    ("evening", "19:00"), ("night", "22:00"), ("bedtime", "23:00"), ("noon", "12:00"),
    ("midnight", "00:00"), ("14h30", "14:30"), ("1430", "14:30"), (1430, "14:30"), ("930", "09:30"),
])
def test_time_forms(written, hhmm):
    start, _, reasons = cl.parse_time(pd.Series([written], dtype=object))
    assert cl.hhmm(start).tolist() == [hhmm] and reasons.isna().all()


def test_time_words_say_which_are_approximations():
    word, approx = cl.time_words(pd.Series(["lunch", "noon", "14:00", dt.time(9), None], dtype=object))
    assert word.tolist()[:2] == ["lunch", "noon"] and word.iloc[2:].isna().all()
    assert approx.tolist() == [True, False, False, False, False]
    assert set(cl.TIME_WORDS) >= {"morning", "lunch", "lunchtime", "afternoon", "evening", "night", "bedtime"}


@pytest.mark.parametrize(("written", "value", "rest"), [
    ("no - too tired", False, "too tired"), ("yes!!", True, None), ("nope", False, None),
    ("yep", True, None), ("nah", False, None), ("Yes, walked", True, "walked"), ("no (rain)", False, "rain"),
])
def test_yes_no_words_that_start_a_longer_text(written, value, rest):
    flags, reasons = cl.parse_flag(pd.Series([written]))
    assert flags.tolist() == [value] and reasons.isna().all()
    word, got = cl.flag_rest(pd.Series([written]))
    assert word.tolist() == [written]
    assert (got.iloc[0] if pd.notna(got.iloc[0]) else None) == rest


def test_words_that_only_look_like_yes_or_no_are_not_read():
    flags, reasons = cl.parse_flag(pd.Series(["nobody", "yesterday", "maybe"]))
    assert flags.isna().all() and reasons.notna().all()


@pytest.mark.parametrize(("written", "value", "how"), [
    ("5-6", 5.5, "range"), ("5 to 6", 5.5, "range"), ("~6", 6.0, "hedged"), ("6?", 6.0, "hedged"),
    ("about 6", 6.0, "hedged"), ("6ish", 6.0, "hedged"), ("7", 7.0, None),
])
def test_ranges_and_hedged_numbers(written, value, how):
    vals, reasons, _ = cl.parse_number(pd.Series([written]))
    assert vals.tolist() == [value] and reasons.isna().all()
    got = cl.number_readings(pd.Series([written])).iloc[0]
    assert (got if pd.notna(got) else None) == how


def test_a_backwards_range_is_not_read():
    vals, reasons, _ = cl.parse_number(pd.Series(["6-5"]))
    assert vals.isna().all() and reasons.notna().all()


def test_durations_h_mm_ss_and_workbook_cells():
    minutes, reasons, _ = cl.parse_duration(pd.Series(
        ["5:45:00", "0:30:00", dt.timedelta(minutes=345), dt.time(1, 30)], dtype=object), None)
    assert minutes.tolist() == [345.0, 30.0, 345.0, 90.0] and reasons.isna().all()


def test_per_distinct_value_on_coded_columns():
    col = pd.Series(["lunch", "lunch", "9:00", None] * 3, dtype="category")
    start, _, _ = cl.parse_time(col)
    assert cl.hhmm(start).tolist()[:3] == ["13:00", "13:00", "09:00"]
    word, approx = cl.time_words(col)
    assert word.tolist()[:2] == ["lunch", "lunch"] and int(approx.sum()) == 6


def test_read_log_counts_every_interpretation_and_shows_it_per_row(tmp_path):
    path = tmp_path / "diary.csv"
    path.write_text(
        "Date,Time,Activity,Mastery,Pleasure,Mood,Planned,Done,Duration,Notes\n"
        "2026-03-02,lunch,Lunch,5-6,~6,5,yes,no - too tired,0:45:00,with Max\n"
        "2026-03-02,evening,TV,3,7,6?,yes,yes!!,1:00:00,\n"
        "2026-03-03,14h30,Study,8,4,5,yes,nope,1:30:00,\n"
        "2026-03-03,1430,Walk,6,6,about 6,,,0:30:00,\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error", ba.LogWarning)   # nothing here is a problem
        log = ba.read_log(path, scales={"mastery": (0, 10), "pleasure": (0, 10), "mood": (0, 10)})
    assert log.attrs["rejected"].empty
    assert log["start"].dt.strftime("%d %H:%M").tolist() == ["02 13:00", "02 19:00", "03 14:30", "03 14:30"]
    assert (log["end"] - log["start"]).dt.total_seconds().div(60).tolist() == [45, 60, 90, 30]
    assert log["mastery"].tolist()[0] == 5.5 and log["pleasure"].tolist()[0] == 6.0
    assert log["mood"].tolist() == [5.0, 6.0, 5.0, 6.0]
    assert log["done"].tolist()[:3] == [False, True, False]
    assert log["note"].tolist()[0] == "with Max; Done: too tired"
    assert log["time_word"].tolist()[:2] == ["lunch", "evening"] and log["time_word"].iloc[2:].isna().all()
    notes = " ".join(log.attrs["notes"])
    assert "Time: read 2 times from words (lunch → 13:00, evening → 19:00)" in notes
    assert "Mastery: read 1 range as their midpoint ('5-6' → 5.5)" in notes
    assert "Pleasure: read 1 hedged number as the number ('~6' → 6)" in notes
    assert "Mood: read 2 hedged numbers as the number ('6?' → 6, 'about 6' → 6)" in notes
    assert "Done: read 3 cells from a yes/no word that starts a longer text" in notes


def test_no_time_word_column_without_time_words(tmp_path):
    path = tmp_path / "plain.csv"
    path.write_text("Date,Time,Activity\n2026-03-02,09:00,Walk\n", encoding="utf-8")
    assert "time_word" not in ba.read_log(path).columns
