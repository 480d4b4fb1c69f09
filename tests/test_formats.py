"""read_log on the real-world layouts: Daylio and Bearable exports, the Beck weekly grid,
the BATD-R daily form, and telling them apart with ``format="auto"``.

Each quirk has a small fixture built here; every read is checked with
``accounted``: each source row (or, for a grid, each non-empty cell) is either
kept or set aside, never both, never lost -- counted independently of
bactivate (csv module, openpyxl) -- and the tidy rows of one source entry
share one entry id.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import openpyxl
import openpyxl.utils
import pandas as pd
import pytest
from conftest import (
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
from bactivate import cli
from bactivate.schema import TIDY_COLUMNS

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "sample" / "formats"

# --------------------------------------------------------------------------- accounting


def _key(source: str):
    parts = source.split(":")
    last = parts[-1]
    return (parts[1] if len(parts) == 3 else None, int(last) if last.isdigit() else last)


def accounted(log: pd.DataFrame, expected: set) -> None:
    """Every expected source row/cell is kept or set aside, never both, never invented;
    ``ba.accounting`` agrees; tidy rows that share a source share its entry id."""
    kept = {_key(s) for s in log["source"].unique()}
    rej = {_key(s) for s in log.attrs["rejected"]["source"].unique()}
    assert not kept & rej, f"both kept and rejected: {sorted(kept & rej, key=str)}"
    assert kept | rej == expected, (f"lost: {sorted(expected - kept - rej, key=str)}; "
                                    f"invented: {sorted((kept | rej) - expected, key=str)}")
    table = ba.accounting(log)
    assert (table["rows_read"] == table["kept"] + table["set_aside"] + table["not_log_rows"]).all()
    assert table["rows_read"].sum() == len(expected)
    assert table["kept"].sum() == len(kept)
    assert (log.groupby("source")["entry"].nunique() == 1).all()
    assert list(log.columns[: len(TIDY_COLUMNS)]) == list(TIDY_COLUMNS)
    assert {c: str(log[c].dtype) for c in TIDY_COLUMNS} == TIDY_COLUMNS
    assert_rejected_schema(log)


def csv_rows(path, header_line=1) -> set:
    return set(csv_data_lines(path, header_line))


def problems(log):
    rej = log.attrs["rejected"]
    return rej[rej["kind"] == "problem"].reset_index(drop=True)


def csv_read(tmp_path, text, name="export.csv", header_line=1, clean=True, **kw):
    path = write_csv(tmp_path, text, name)
    log = read_clean(path, **kw) if clean else read(path, **kw)[0]
    accounted(log, csv_rows(path, header_line))
    return log


# --------------------------------------------------------------------------- Daylio

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


ODD_ACTIVITIES = [
    ("movies / tv | reading", ["movies / tv", "reading"]),
    ("🏃 run | 🎮 games", ["🏃 run", "🎮 games"]),
    ('read "Dune" | walk', ['read "Dune"', "walk"]),
    ("cook | stressed ", ["cook", "stressed"]),
    ("  gym  ", ["gym"]),
    ("a |  | b", ["a", "b"]),
]


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


def test_daylio_bad_cells_set_aside_once_per_entry(tmp_path):
    text = rows_to_csv([DAYLIO_HEADERS["full_date"],
                        ["2026-03-02", "", "", "late", "good", "a | b | c", ""],
                        ["someday", "", "", "20:00", "good", "a", ""],
                        ["2026-03-04", "", "", "20:00", "meh", "d", ""]])
    log = csv_read(tmp_path, text, clean=False)
    rej = problems(log)
    assert rej[["row", "column"]].values.tolist() == [[2, "time"], [3, "full_date"]]
    assert "'late' is not a time of day" in rej["reason"].iloc[0]
    assert log["activity"].tolist() == ["d"]


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


# --------------------------------------------------------------------------- auto-detection


def test_auto_long_and_tidy_logs_are_not_taken_for_a_format(tmp_path):
    log = csv_read(tmp_path, "Date,Time,Activity,Mood (0-10),Notes\n2026-03-02,09:00,Walk,7,ok\n")
    assert log.attrs["format"] == "long"
    assert not any(n.startswith("read as") for n in log.attrs["notes"])
    tidy = read_clean(ba.write_log(log, tmp_path / "t.csv"))
    assert tidy.attrs["format"] == "tidy"


def test_auto_hand_made_log_with_mood_and_activities_columns_stays_long(tmp_path):
    # Mood and Activities headers but none of Daylio's date columns: a hand-made log
    log = csv_read(tmp_path, "Date,Time,Activities,Mood (0-10)\n2026-03-02,09:00,Walk | Talk,7\n")
    assert log.attrs["format"] == "long"
    assert log["activity"].tolist() == ["Walk | Talk"]


def test_auto_unsure_partial_daylio_asks_for_format(tmp_path):
    path = write_csv(tmp_path, "full_date,weekday,mood,activities\n2026-03-02,Monday,rad,walk\n")
    with pytest.raises(ba.LogError) as err:
        ba.read_log(path)
    msg = str(err.value)
    assert "cannot tell which layout" in msg and "format='daylio'" in msg
    assert "bactivate saw" in msg and "'full_date', 'weekday', 'mood', 'activities'" in msg


def test_auto_nothing_recognised_lists_what_it_saw(tmp_path):
    path = write_csv(tmp_path, "name,age\nbob,3\n")
    with pytest.raises(ba.LogError) as err:
        ba.read_log(path)
    msg = str(err.value)
    assert msg.startswith("no log found") and "pass format=" in msg and "'name', 'age'" in msg


def test_unknown_format_name():
    with pytest.raises(ValueError, match="daylio"):
        ba.read_log("x.csv", format="excel")


def test_auto_daylio_from_a_dataframe():
    frame = pd.DataFrame({"full_date": ["2026-03-02"], "date": ["March 2"], "weekday": ["Monday"],
                          "time": ["9:00 am"], "mood": ["good"], "activities": ["a | b"], "note": [""]})
    log = ba.read_log(frame)
    accounted(log, {(None, 2)})
    assert log.attrs["format"] == "daylio" and log["activity"].tolist() == ["a", "b"]
    assert log["entry"].tolist() == [1, 1]


# --------------------------------------------------------------------------- BATD-R

BATD_HEAD = ["Time", "Activity", "Enjoyment (0-10)", "Importance (0-10)"]


def batd_book(tmp_path, sheets, name="batd.xlsx"):
    path = write_xlsx(tmp_path, sheets, name)
    log, caught = read(path)
    return path, log, caught


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


def test_batd_bad_importance_and_enjoyment_set_aside(tmp_path):
    rows = [BATD_HEAD, ["9:00", "Walk", 7, "lots"], ["10:00", "Read", 4, 11], ["11:00", "Cook", 12, 5],
            ["12:00", "Lunch", 6, "7/10"]]
    path, log, caught = batd_book(tmp_path, {"2026-03-02": rows})
    accounted(log, xlsx_data_rows(path, {"2026-03-02": 1}))
    assert len(caught) == 1
    rej = problems(log)
    assert rej[["row", "column"]].values.tolist() == [[2, "Importance (0-10)"], [3, "Importance (0-10)"],
                                                      [4, "Enjoyment (0-10)"]]
    assert "outside the Importance scale (0-10)" in rej["reason"].iloc[1]
    assert log["activity"].tolist() == ["Lunch"] and log["importance"].tolist() == [7.0]


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


def test_auto_importance_without_enjoyment_asks_for_format(tmp_path):
    path = write_csv(tmp_path, "Date,Time,Activity,Importance\n2026-03-02,9:00,Walk,5\n")
    with pytest.raises(ba.LogError, match="cannot tell which layout.*BATD-R"):
        ba.read_log(path)


# --------------------------------------------------------------------------- weekly grid

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
    skipped = rej[rej["kind"] == "not a log row"]
    assert sorted(skipped["source"]) == ["grid.xlsx:Week 1:B5", "grid.xlsx:Week 1:B7", "grid.xlsx:Week 1:C5",
                                         "grid.xlsx:Week 1:C6", "grid.xlsx:Week 1:D5"]
    assert log["activity"].tolist() == ["Read", "TV"]
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


# --------------------------------------------------------------------------- Bearable

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
    assert rej["row"].tolist() == [5, 6, 8, 10] and (rej["kind"] == "not a log row").all()
    assert "'Energy' line: not an activity or mood" in rej["reason"].iloc[0]
    assert any("1 Energy, 1 Sleep, 1 Symptom" in n for n in log.attrs["notes"])


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


def test_auto_rating_amount_without_bearable_columns_asks_for_format(tmp_path):
    path = write_csv(tmp_path, "date,category,rating/amount\n2020-09-22,Mood,5\n")
    with pytest.raises(ba.LogError, match="cannot tell which layout.*Bearable"):
        ba.read_log(path)


# --------------------------------------------------------------------------- the sample files

SAMPLE_FORMATS = {
    "daylio-export.csv": "daylio",
    "bearable-export.csv": "bearable",
    "weekly-schedule.xlsx": "grid",
    "batd-forms.xlsx": "batd",
}


def _sample_rows(path: Path) -> set:
    if path.name == "weekly-schedule.xlsx":
        return grid_cells(path, {"Week 1": (2, "BCDEFGH"), "Week 2": (2, "BCDEFGH")})
    if path.name == "batd-forms.xlsx":
        names = openpyxl.load_workbook(path, read_only=True).sheetnames
        return xlsx_data_rows(path, dict.fromkeys(names, 2))
    return csv_rows(path)


@pytest.mark.parametrize(("name", "fmt"), list(SAMPLE_FORMATS.items()))
def test_sample_files_are_detected_and_read_cleanly(name, fmt):
    path = SAMPLES / name
    log = read_clean(path)
    assert log.attrs["format"] == fmt, log.attrs["notes"][0]
    accounted(log, _sample_rows(path))
    assert len(log) > 30 and log["activity"].notna().sum() > 30
    pd.testing.assert_frame_equal(log, read_clean(path, format=fmt))
    for other in set(SAMPLE_FORMATS.values()) - {fmt}:  # no other reader takes it for its own
        with pytest.raises(ba.LogError):
            ba.read_log(path, format=other)


@pytest.mark.parametrize("path", [SAMPLES.parent / "client-alex.xlsx", SAMPLES.parent / "client-alex-tidy.csv",
                                  SAMPLES.parent / "cohort" / "C001.csv",
                                  SAMPLES.parent / "questionnaires.csv"], ids=lambda p: p.name)
def test_the_other_samples_are_not_taken_for_a_format(path):
    from bactivate.io.detect import detect
    from bactivate.io.files import read_sheets

    assert detect(read_sheets(path), path.name) == ("long", None)


def test_sample_files_are_reproducible(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_formats", SAMPLES / "make_formats.py")
    make = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make)
    for name, write in (("daylio-export.csv", make.write_daylio), ("bearable-export.csv", make.write_bearable),
                        ("weekly-schedule.xlsx", make.write_grid), ("batd-forms.xlsx", make.write_batd)):
        write(tmp_path / name)
        assert (tmp_path / name).read_bytes() == (SAMPLES / name).read_bytes(), name


@pytest.mark.parametrize("name", list(SAMPLE_FORMATS))
def test_client_report_renders_every_sample_format(tmp_path, name):
    out = tmp_path / "report.html"
    assert cli.main(["report", str(SAMPLES / name), "-o", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert "Traceback" not in html and "Mastery and pleasure" in html


def test_auto_two_layouts_in_one_workbook_asks_for_format(tmp_path):
    path = write_xlsx(tmp_path, {"Form": [["Date: 2 March 2026"], BATD_HEAD, ["9:00", "Walk", 7, 2]],
                                 "Week 1": WEEK1})
    with pytest.raises(ba.LogError) as err:
        ba.read_log(path)
    msg = str(err.value)
    assert "BATD-R" in msg and "weekly activity schedule" in msg and "format='batd'" in msg
    assert "bactivate saw sheet 'Form': row 1 holds 'Date: 2 March 2026'" in msg
    log = read_clean(path, format="grid")  # asked for: the other sheet is skipped and named
    accounted(log, grid_cells(path, {"Week 1": (2, "BCDEFGH")}))
    assert any("skipped sheet 'Form'" in n for n in log.attrs["notes"])
