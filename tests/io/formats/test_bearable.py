"""Bearable exports (bactivate.io.formats.bearable) read by read_log, every row accounted for.
"""

from __future__ import annotations

import pandas as pd
from conftest import (
    csv_read,
    problems,
    read_clean,
    rows_to_csv,
    write_csv,
)

BEARABLE_HEAD = ["date", "weekday", "time of day", "category", "rating/amount", "detail", "notes"]
BEARABLE_ROWS = [
    ["22nd Sep 2020", "Tue", "am", "Mood", "6", "Calm | Happy", "slept ok"],
    ["22nd Sep 2020", "Tue", "pm", "Mood", "3", "", ""],
    ["22nd Sep 2020", "Tue", "all day", "Factors", "", "Walk | Yoga / stretching | Reading ", ""],
    ["22nd Sep 2020", "Tue", "all day", "Energy", "4", "", ""],
    ["22nd Sep 2020", "Tue", "pre", "Sleep", "7:30", "Asleep 23:00 - 06:30", ""],
    ["23rd Sep 2020", "Wed", "14:30", "Mood", "10", "", ""],
    ["23rd Sep 2020", "Wed", "mid", "Symptom", "2", "Headache (Moderate)", ""],
    ["1st Oct 2020", "Thu", "2:15 pm", "Mood", "1", "", ""],
    ["1st Oct 2020", "Thu", "all day", "Factors", "", "", ""],
]


# --------------------------------------------------------------------------- Bearable


def test_bearable_export(tmp_path):
    log = csv_read(tmp_path, rows_to_csv([BEARABLE_HEAD, *BEARABLE_ROWS]))
    assert log.attrs["format"] == "bearable"
    mood = log[log["bearable_category"] == "Mood"]
    # Bearable's mood is 1-10, mapped onto 0-10
    assert mood["mood"].round(3).tolist() == [5.556, 2.222, 10.0, 0.0]
    assert log.attrs["scales"]["mood"] == (1.0, 10.0)
    assert "Bearable rates mood from 1 to 10" in next(n for n in log.attrs["notes"] if n.startswith("mood:"))
    assert mood["start"].dt.strftime("%Y-%m-%d %H:%M").tolist() == [
        "2020-09-22 09:00", "2020-09-22 19:00", "2020-09-23 14:30", "2020-10-01 14:15"]
    assert mood["time_slot"].tolist()[:2] == ["am", "pm"] and mood["time_slot"].iloc[2:].isna().all()
    assert mood["detail"].iloc[0] == "Calm | Happy" and mood["note"].iloc[0] == "slept ok"
    factors = log[log["bearable_category"] == "Factors"]
    assert factors["activity"].tolist() == ["Walk", "Yoga / stretching", "Reading"]
    assert factors["entry"].nunique() == 1 and factors["mood"].isna().all()
    assert factors["start"].eq(pd.Timestamp("2020-09-22 12:00")).all()
    assert factors["time_slot"].eq("all day").all()
    rej = log.attrs["rejected"]
    assert rej["row"].tolist() == [5, 6, 8, 10] and (rej["kind"] == "not an entry").all()
    assert "'Energy' line: kept as the column 'energy' of the entry at the same date and time" \
        in rej["reason"].iloc[0]
    assert "'Sleep' line: not an activity or mood, and no entry at its date and time; not used" \
        in rej["reason"].iloc[1]
    assert "energy" in log.columns
    assert any("lines kept as extra columns" in n and "1 Energy" in n and "1 Sleep, 1 Symptom" in n
               for n in log.attrs["notes"])


def test_bearable_slots_are_documented_hours():
    from bactivate.io.formats.bearable import SLOTS

    assert SLOTS == {"pre": "06:00", "am": "09:00", "mid": "13:00", "pm": "19:00", "all day": "12:00"}


def test_bearable_date_formatted_column_is_preferred(tmp_path):
    head = ["date", "date formatted", "weekday", "time of day", "category", "rating/amount", "detail", "notes"]
    text = rows_to_csv([head, ["22nd Sep 2020", "2020-09-22", "Tuesday", "am", "Mood", "7", "", ""],
                        ["", "2020-09-23", "Wednesday", "AM", "Factors", "", "Walk", ""]])
    log = csv_read(tmp_path, text)
    assert log["start"].dt.strftime("%Y-%m-%d %H:%M").tolist() == ["2020-09-22 09:00", "2020-09-23 09:00"]


def test_bearable_mood_scale_can_be_declared_and_bad_moods_are_set_aside(tmp_path):
    rows = [BEARABLE_HEAD, ["22nd Sep 2020", "Tue", "am", "Mood", "3", "", ""],
            ["23rd Sep 2020", "Wed", "am", "Mood", "5", "", ""]]
    log = csv_read(tmp_path, rows_to_csv(rows), scales={"mood": (1, 5)})
    assert log["mood"].tolist() == [5.0, 10.0]
    rows += [["24th Sep 2020", "Thu", "am", "Mood", "11", "", ""], ["25th Sep 2020", "Fri", "am", "Mood", "ok", "", ""],
             ["32nd Sep 2020", "Sat", "am", "Mood", "5", "", ""], ["26th Sep 2020", "Sat", "late", "Mood", "5", "", ""]]
    log = csv_read(tmp_path, rows_to_csv(rows), clean=False)
    rej = problems(log)
    assert rej[["row", "column"]].values.tolist() == [[4, "rating/amount"], [5, "rating/amount"],
                                                      [6, "date"], [7, "time of day"]]
    assert "outside this column's 1-10 scale" in rej["reason"].iloc[0]


def test_bearable_explicit_format_equals_auto(tmp_path):
    path = write_csv(tmp_path, rows_to_csv([BEARABLE_HEAD, *BEARABLE_ROWS]))
    pd.testing.assert_frame_equal(read_clean(path), read_clean(path, format="bearable"))
