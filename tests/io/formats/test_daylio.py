"""Daylio exports (bactivate.io.formats.daylio) read by read_log.

Every read is checked with ``accounted``: each source row is either kept or set aside, never
both, never lost -- counted independently of bactivate -- and the tidy rows of one source entry
share one entry id.
"""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import (
    accounted,
    csv_read,
    csv_rows,
    problems,
    read_clean,
    rows_to_csv,
    write_csv,
)

import bactivate as ba
from bactivate import cli
from bactivate.schema import TIDY_COLUMNS

DAYLIO_ROWS = [  # newest first, as Daylio writes them
    ["2020-09-22", "September 22", "Tuesday", "6:50 pm", "rad", "walk | friends", "Nice day"],
    ["2020-09-22", "September 22", "Tuesday", "10:04 AM", "meh", "", ""],
    ["2020-09-21", "September 21", "Monday", "14:58", "awful", "work", ""],
]
DAYLIO_HEADERS = {
    "old": ["year", "date", "weekday", "time", "mood", "activities", "note"],
    "full_date": ["full_date", "date", "weekday", "time", "mood", "activities", "note"],
    "note_title": ["full_date", "date", "weekday", "time", "mood", "activities", "note_title", "note"],
    "scales": ["full_date", "date", "weekday", "time", "mood", "activities", "note_title", "note", "scales"],
}


def daylio_text(variant: str, rows=DAYLIO_ROWS) -> str:
    head = DAYLIO_HEADERS[variant]
    out = [head]
    for r in rows:
        full, day, wd, time, mood, acts, note = r
        cells = {"full_date": full, "year": full[:4], "date": day, "weekday": wd, "time": time,
                 "mood": mood, "activities": acts, "note": note, "note_title": "",
                 "scales": ""}
        out.append([cells[h] for h in head])
    return rows_to_csv(out)


ODD_ACTIVITIES = [
    ("movies / tv | reading", ["movies / tv", "reading"]),
    ("🏃 run | 🎮 games", ["🏃 run", "🎮 games"]),
    ('read "Dune" | walk', ['read "Dune"', "walk"]),
    ("cook | stressed ", ["cook", "stressed"]),
    ("  gym  ", ["gym"]),
    ("a |  | b", ["a", "b"]),
]


# --------------------------------------------------------------------------- Daylio


@pytest.mark.parametrize("variant", list(DAYLIO_HEADERS))
def test_daylio_header_variants_read_alike(tmp_path, variant):
    log = csv_read(tmp_path, daylio_text(variant))
    assert log.attrs["format"] == "daylio"
    assert log["start"].tolist() == [pd.Timestamp("2020-09-21 14:58"), pd.Timestamp("2020-09-22 10:04"),
                                     pd.Timestamp("2020-09-22 18:50"), pd.Timestamp("2020-09-22 18:50")]
    assert log["activity"].tolist()[:1] + log["activity"].tolist()[2:] == ["work", "walk", "friends"]
    assert pd.isna(log["activity"].iloc[1])
    assert log["mood"].tolist() == [0.0, 5.0, 10.0, 10.0]
    assert log["entry"].tolist() == [1, 2, 3, 3]
    assert log["source"].tolist() == ["export.csv:4", "export.csv:3", "export.csv:2", "export.csv:2"]
    assert log["note"].tolist()[2:] == ["Nice day", "Nice day"]
    assert log.attrs["scales"]["mood"] == (0.0, 10.0)
    # display text is not carried along as extra columns
    assert not {"date", "weekday", "year", "full_date"} & set(log.columns)


def test_daylio_columns_read_by_name_not_position(tmp_path):
    text = rows_to_csv([["note", "activities", "mood", "time", "weekday", "date", "full_date"],
                        ["hi", "walk", "good", "9:00 am", "Monday", "March 2", "2026-03-02"]])
    log = csv_read(tmp_path, text)
    assert log[["activity", "mood", "note"]].iloc[0].tolist() == ["walk", 7.5, "hi"]
    assert log["start"].iloc[0] == pd.Timestamp("2026-03-02 09:00")


def test_daylio_byte_order_mark(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + daylio_text("full_date").encode())
    log = read_clean(path)
    assert log.attrs["format"] == "daylio"
    accounted(log, csv_rows(path))
    assert len(log) == 4


def test_daylio_old_layout_date_and_year(tmp_path):
    rows = [["2018", "18 May", "Friday", "11:54 pm", "good", "clean | cook", ""],
            ["2018", "September 7", "Friday", "8:00 am", "bad", "", ""]]
    text = rows_to_csv([DAYLIO_HEADERS["old"], *rows])
    log = csv_read(tmp_path, text)
    assert log["start"].tolist() == [pd.Timestamp("2018-05-18 23:54"), pd.Timestamp("2018-05-18 23:54"),
                                     pd.Timestamp("2018-09-07 08:00")]


def test_daylio_twelve_and_24_hour_times_in_one_file(tmp_path):
    rows = [["2026-03-02", "", "", t, "good", "x", ""] for t in
            ["11:30 PM", "9:05 pm", "14:58", "12:15 AM", "12:30 pm", "10:04 AM", "9:00", "07:45"]]
    log = csv_read(tmp_path, rows_to_csv([DAYLIO_HEADERS["full_date"], *rows]))
    got = sorted(t.strftime("%H:%M") for t in log["start"])
    assert got == ["00:15", "07:45", "09:00", "10:04", "12:30", "14:58", "21:05", "23:30"]
    # morning 24-hour times below a later one (newest first) are not taken for afternoon times
    assert not any("am/pm" in n for n in log.attrs["notes"])


def test_daylio_newest_first_is_put_in_time_order(tmp_path):
    log = csv_read(tmp_path, daylio_text("full_date"))
    assert log["start"].is_monotonic_increasing
    assert log["source"].iloc[0] == "export.csv:4"


@pytest.mark.parametrize(("cell", "expected"), ODD_ACTIVITIES)
def test_daylio_activities_one_row_each_sharing_the_entry(tmp_path, cell, expected):
    text = rows_to_csv([DAYLIO_HEADERS["full_date"],
                        ["2026-03-02", "", "", "20:00", "good", cell, "n"],
                        ["2026-03-01", "", "", "20:00", "bad", "solo", ""]])
    log = csv_read(tmp_path, text)
    mine = log[log["source"] == "export.csv:2"]
    assert mine["activity"].tolist() == expected
    assert mine["entry"].nunique() == 1 and mine["mood"].eq(7.5).all() and mine["note"].eq("n").all()
    assert mine["start"].nunique() == 1
    assert log["entry"].tolist() == [1] + [2] * len(expected)


def test_daylio_doubled_quotes_in_the_file(tmp_path):
    text = ('full_date,date,weekday,time,mood,activities,note\n'
            '2026-03-02,,,20:00,good,"read ""Dune"" | walk","she said ""hi"""\n')
    log = csv_read(tmp_path, text)
    assert log["activity"].tolist() == ['read "Dune"', "walk"]
    assert log["note"].tolist() == ['she said "hi"'] * 2


def test_daylio_entry_without_activity_keeps_its_mood(tmp_path):
    log = csv_read(tmp_path, daylio_text("full_date"))
    row = log[log["source"] == "export.csv:3"]
    assert len(row) == 1 and pd.isna(row["activity"].iloc[0]) and row["mood"].iloc[0] == 5.0


def test_daylio_default_moods():
    assert ba.io.scales.DAYLIO_MOODS == {"rad": 10.0, "good": 7.5, "meh": 5.0, "bad": 2.5, "awful": 0.0}


def test_daylio_custom_moods_need_mood_map(tmp_path):
    rows = [["2026-03-02", "", "", "20:00", m, "x", ""] for m in ["Happy", "average", "horrible", "rad"]]
    path = write_csv(tmp_path, rows_to_csv([DAYLIO_HEADERS["full_date"], *rows]))
    with pytest.raises(ba.LogError) as err:
        ba.read_log(path)
    msg = str(err.value)
    assert "'happy'" in msg and "'average'" in msg and "'horrible'" in msg and "mood_map=" in msg
    assert "'rad' (1 entry)" in msg  # the labels found, the known ones too
    log = read_clean(path, mood_map={"happy": 9, "Average": 5, "horrible": 1})
    accounted(log, csv_rows(path))
    assert sorted(log["mood"].tolist()) == [1.0, 5.0, 9.0, 10.0]  # rad still known
    assert "happy = 9" in next(n for n in log.attrs["notes"] if n.startswith("mood:"))


def test_daylio_scales_become_extra_columns(tmp_path):
    head = DAYLIO_HEADERS["scales"]
    text = rows_to_csv([head,
                        ["2026-03-02", "", "", "08:00", "good", "x", "", "",
                         "Sleep Quality: 8/10 points | Sleep Time: 8:00"],
                        ["2026-03-03", "", "", "08:00", "meh", "y | z", "", "", "Sleep Quality: 5/10 points"],
                        ["2026-03-04", "", "", "08:00", "meh", "", "", "", ""]])
    log = csv_read(tmp_path, text)
    quality = log["Sleep Quality"]
    assert quality.dtype == "float64"
    assert quality.iloc[:3].tolist() == [8.0, 5.0, 5.0] and pd.isna(quality.iloc[3])
    assert log["Sleep Time"].iloc[0] == "8:00" and log["Sleep Time"].iloc[1:].isna().all()
    assert any("Sleep Quality" in n and "out of 10" in n for n in log.attrs["notes"])


def test_daylio_html_notes_kept_as_text(tmp_path):
    text = rows_to_csv([DAYLIO_HEADERS["note_title"],
                        ["2026-03-02", "", "", "20:00", "good", "x", "My <b>day</b>", "line one<br>line two"]])
    log = csv_read(tmp_path, text)
    assert log["note"].iloc[0] == "line one<br>line two"
    assert log["note_title"].iloc[0] == "My <b>day</b>"


def test_daylio_weekday_column_not_trusted(tmp_path):
    text = rows_to_csv([DAYLIO_HEADERS["full_date"],
                        ["2026-03-03", "March 3", "Monday", "20:00", "good", "x", ""]])  # a Tuesday
    log = csv_read(tmp_path, text)
    assert log["start"].iloc[0] == pd.Timestamp("2026-03-03 20:00")
    assert any("weekday column disagrees" in n and "a Tuesday" in n for n in log.attrs["notes"])


def test_daylio_bad_time_costs_the_time_bad_date_the_entry(tmp_path):
    text = rows_to_csv([DAYLIO_HEADERS["full_date"],
                        ["2026-03-02", "", "", "late", "good", "a | b | c", ""],
                        ["someday", "", "", "20:00", "good", "a", ""],
                        ["2026-03-04", "", "", "20:00", "meh", "d", ""]])
    log = csv_read(tmp_path, text, clean=False)
    rej = problems(log)
    assert rej[["row", "column"]].values.tolist() == [[2, "time"], [3, "full_date"]]
    # a bad time costs the time (the entry stays on its day, listed once); a bad date the entry
    assert rej["kind"].tolist() == ["cell", "row"]
    assert "'late' is not a time of day" in rej["reason"].iloc[0]
    assert log["activity"].tolist() == ["a", "b", "c", "d"]
    assert log["start"].dt.strftime("%m-%d %H:%M").tolist() == ["03-02 00:00"] * 3 + ["03-04 20:00"]
    assert log["time_unknown"].tolist() == [True, True, True, False]
    assert log["entry"].tolist() == [1, 1, 1, 2]


def test_daylio_explicit_format_and_validate_says_so(tmp_path, capsys):
    path = write_csv(tmp_path, daylio_text("note_title"))
    auto = read_clean(path)
    asked = read_clean(path, format="daylio")
    pd.testing.assert_frame_equal(auto, asked)
    assert "chosen automatically" in auto.attrs["notes"][0]
    assert cli.main(["validate", str(path)]) == 0
    out = capsys.readouterr().out
    assert "read as a Daylio export (format='daylio'" in out
    assert "4 rows read, 4 kept" not in out and "3 rows read, 3 kept" in out


def test_daylio_round_trip_through_write_log(tmp_path):
    log = read_clean(write_csv(tmp_path, daylio_text("full_date")))
    back = read_clean(ba.write_log(log, tmp_path / "tidy.csv"))
    accounted(back, {(None, line) for line in (2, 3, 4)})  # the sources the tidy rows name
    assert back.attrs["format"] == "tidy"
    pd.testing.assert_frame_equal(back[list(TIDY_COLUMNS)], log[list(TIDY_COLUMNS)])


def test_daylio_not_a_daylio_file_with_format_daylio(tmp_path):
    path = write_csv(tmp_path, "Date,Activity,M\n2026-03-02,Walk,7\n")
    with pytest.raises(ba.LogError, match="no Daylio header"):
        ba.read_log(path, format="daylio")
