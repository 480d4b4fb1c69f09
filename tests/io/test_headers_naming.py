"""Header recognition (bactivate.io.headers): synonyms, field_for, scale hints, finding the header row,
unknown and doubled columns, columns=, and what read_log makes of them.
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
    rows_to_csv,
    write_csv,
    write_xlsx,
    xlsx_data_rows,
)

import bactivate as ba
from bactivate.io import headers
from bactivate.schema import TIDY_COLUMNS


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


SYNONYMS = {
    "mastery": ["M", "m", "Mastery", " MASTERY ", "mastery:", "M.", "Achievement", "Accomplishment",
                "Sense of accomplishment", "M (0-10)", "Mastery /10"],
    "pleasure": ["P", "Pleasure", "pleasure?", "Enjoyment", "ENJOYMENT", "P (0-10)"],
    "mood": ["Mood", "Feeling", "mood ", "Mood (0-10)", "How I felt"],
    "effort": ["Effort", "Difficulty", "effort (0-10)"],
}

TEXT_FLAG_SYNONYMS = {
    "activity": (["Activity", "What I did", "what i did?", "WHAT I DID", "Activities"], "Walk", "Walk"),
    "category": (["Life area", "LIFE-AREA", "Domain", "Value", "Category", "Values"], "Health", "Health"),
    "note": (["Notes", "Note", "notes:", "Comments"], "felt ok", "felt ok"),
    "planned": (["Planned", "Scheduled", "Planned?", "SCHEDULED"], "yes", True),
    "done": (["Done", "Completed", "Done?", "completed"], "no", False),
    "avoidance": (["Avoid", "Avoidance", "Avoid?", "Avoided"], "x", True),
}


# --------------------------------------------------------------------------- headers


@pytest.mark.parametrize(("text", "field"), [
    ("M", "mastery"), ("m (0-10)", "mastery"), ("Mastery /10", "mastery"), ("ACHIEVEMENT", "mastery"),
    ("Accomplishment", "mastery"), ("P", "pleasure"), ("Enjoyment", "pleasure"), ("Pleasure?", "pleasure"),
    ("Mood", "mood"), ("Feeling", "mood"), ("Mood (1-5)", "mood"), ("Date", "date"), ("Day", "date"),
    ("Time", "time"), ("Hour", "time"), ("Start", "start"), ("Timestamp", "start"), ("End", "end"),
    ("Duration (min)", "duration"), ("Duration in hours", "duration"), ("Activity", "activity"),
    ("What I did", "activity"), ("Planned", "planned"), ("Scheduled", "planned"), ("Done", "done"),
    ("Completed", "done"), ("Avoid", "avoidance"), ("Avoidance", "avoidance"), ("Life area", "category"),
    ("Domain", "category"), ("Value", "category"), ("Category", "category"), ("Effort", "effort"),
    ("Difficulty", "effort"), ("Notes", "note"), ("Client", "client"), ("Weather", None), ("", None),
    (None, None), (float("nan"), None), (7, None),
])
def test_field_for(text, field):
    assert headers.field_for(text) == field


def test_field_for_user_columns_win():
    assert headers.field_for("I like doing this", {"I like doing this": "pleasure"}) == "pleasure"
    assert headers.field_for("  i like DOING this ", {"I like doing this": "pleasure"}) == "pleasure"
    assert headers.field_for("Mood", {"Mood": None}) is None


@pytest.mark.parametrize(("text", "scale"), [
    ("Mood (1-5)", (1.0, 5.0)), ("M (0-10)", (0.0, 10.0)), ("Mood 1–7", (1.0, 7.0)), ("Mood /10", (0.0, 10.0)),
    ("Mood out of 100", (0.0, 100.0)), ("Mood (-3 to 3)", (-3.0, 3.0)), ("Mood (-3..3)", (-3.0, 3.0)),
    ("Mood", None), ("Mood (5-1)", None),
])
def test_scale_hint(text, scale):
    assert headers.scale_hint(text) == scale


def test_find_header_skips_titles_and_instructions():
    raw = pd.DataFrame([["Diary of Jo", None, None], ["Rate Mastery and Pleasure", None, None],
                        [None, None, None], ["Date", "Activity", "M"], ["2026-03-02", "Walk", "7"]])
    assert headers.find_header(raw) == 3
    assert headers.find_header(pd.DataFrame([["hello", "world"], ["1", "2"]])) is None
    assert headers.find_header(pd.DataFrame([["Mood"], ["3"]])) is None  # one known name is not a header
    # date and client alone (a questionnaire sheet, a roster) are not a log header
    assert headers.find_header(pd.DataFrame([["Client", "Date", "PHQ9_1"], ["A", "2026-03-02", "3"]])) is None
    assert headers.find_header(pd.DataFrame([["Date", "Mood"], ["2026-03-02", "3"]])) == 0


# --------------------------------------------------------------------------- headers and synonyms


@pytest.mark.parametrize(("field", "header"),
                         [(f, h) for f, hs in SYNONYMS.items() for h in hs])
def test_rating_header_synonyms(tmp_path, field, header):
    text = rows_to_csv([["Date", "Activity", header], ["2026-03-02", "Walk", "8"],
                        ["2026-03-03", "Read", "0"]])
    log = clean_csv(tmp_path, text)
    assert log[field].tolist() == [8.0, 0.0]
    assert list(log.columns) == list(TIDY_COLUMNS)  # nothing left over as an extra column


@pytest.mark.parametrize(("field", "header", "cell", "want"),
                         [(f, h, c, w) for f, (hs, c, w) in TEXT_FLAG_SYNONYMS.items() for h in hs])
def test_text_and_flag_header_synonyms(tmp_path, field, header, cell, want):
    head = ["Date", "M", "P", header] if field == "activity" else ["Date", "Activity", "M", header]
    body = ["2026-03-02", "8", "9", cell] if field == "activity" else ["2026-03-02", "Walk", "8", cell]
    log = clean_csv(tmp_path, rows_to_csv([head, body]))
    assert log[field].tolist() == [want]
    assert list(log.columns) == list(TIDY_COLUMNS)


@pytest.mark.parametrize("head", [
    ["Date", "Time"], ["date", "TIME"], ["Day", "Hour"], ["Date", "Time slot"],
])
def test_date_and_time_headers(tmp_path, head):
    log = clean_csv(tmp_path, rows_to_csv([[*head, "Activity", "M"], ["2026-03-02", "14:00", "Walk", "8"]]))
    assert log["start"].tolist() == [pd.Timestamp("2026-03-02 14:00")]


@pytest.mark.parametrize("head", ["Start", "Timestamp", "Date/time", "Start time", "When"])
def test_start_or_timestamp_header(tmp_path, head):
    text = rows_to_csv([[head, "Activity", "M"], ["2026-03-02 14:00", "Walk", "8"],
                        ["2026-03-02T15:30:00", "Read", "9"]])
    log = clean_csv(tmp_path, text)
    assert log["start"].tolist() == [pd.Timestamp("2026-03-02 14:00"), pd.Timestamp("2026-03-02 15:30")]


def test_unknown_columns_are_kept_and_named_in_notes(tmp_path):
    log = clean_csv(tmp_path, "Date,Activity,M,Weather,Steps\n2026-03-02,Walk,8,sunny,4000\n"
                              "2026-03-03,Read,3,rain,1200\n")
    assert log["Weather"].tolist() == ["sunny", "rain"]
    assert log["Steps"].tolist() == [4000.0, 1200.0]
    note = next(n for n in log.attrs["notes"] if "Weather" in n)
    assert "'Steps'" in note and "columns=" in note


def test_several_columns_naming_one_field(tmp_path):
    text = "Date,Activity,Achievement,M,Mastery,P\n2026-03-02,Walk,1,2,x,9\n2026-03-03,Read,1,2,3,0\n"
    log, _ = csv_log(tmp_path, text)
    assert log["mastery"].tolist()[1:] == [3.0]             # the header named exactly after the field
    assert pd.isna(log["mastery"].iloc[0])                  # its unreadable cell is blanked, the row stays
    assert log["Achievement"].tolist() == [1.0, 1.0] and log["M"].tolist() == [2.0, 2.0]
    assert problems(log)["column"].tolist() == ["Mastery"]
    assert problems(log)["kind"].tolist() == ["cell"]
    note = next(n for n in log.attrs["notes"] if "all name mastery" in n)
    assert "'Mastery' was read as mastery" in note and "columns={'Achievement': 'mastery', 'Mastery': None}" in note
    log = clean_csv(tmp_path, text.replace(",x,", ",5,"), columns={"Achievement": "mastery", "Mastery": None})
    assert log["mastery"].tolist() == [1.0, 1.0]


def test_rejected_column_is_the_header_of_that_sheet(tmp_path):
    w1 = [["Date", "Activity", "Mood (1-5)"], [dt.datetime(2026, 3, 2), "Walk", 3]]
    w2 = [["Date", "What I did", "Feeling (1-5)"], [dt.datetime(2026, 3, 9), "Walk", "low"]]
    path = write_xlsx(tmp_path, {"W1": w1, "W2": w2})
    log, _ = read(path)
    assert_accounted(log, xlsx_data_rows(path, {"W1": 1, "W2": 1}))
    assert problems(log)[["sheet", "column"]].values.tolist() == [["W2", "Feeling (1-5)"]]


def test_columns_argument_maps_unknown_headers(tmp_path):
    text = "Date,Activity,I like doing this,How good at it\n2026-03-02,Walk,8,7\n2026-03-03,Read,9,1\n"
    log = clean_csv(tmp_path, text, columns={"I like doing this": "pleasure", "how good at it": "mastery"})
    assert log["pleasure"].tolist() == [8.0, 9.0]
    assert log["mastery"].tolist() == [7.0, 1.0]
    with pytest.raises(ValueError, match="unknown fields"):
        ba.read_log(write_csv(tmp_path, text), columns={"I like doing this": "joy"})


# --------------------------------------------------------------------------- layout of the sheet


def test_title_and_instruction_rows_above_header(tmp_path):
    text = ("Weekly activity log\n"
            "Rate each activity for mastery and pleasure from 0 to 10\n"
            "\n"
            "Date,Activity,M,P\n"
            "2026-03-02,Walk,7,8\n"
            "2026-03-03,Read,2,9\n")
    log = clean_csv(tmp_path, text, header_line=4)
    assert log["source"].tolist() == ["log.csv:5", "log.csv:6"]


def test_repeated_header_rows(tmp_path):
    text = ("Date,Activity,M,P\n2026-03-02,Walk,7,8\n"
            "Date,Activity,M,P\n2026-03-09,Read,3,9\n"
            "date,activity,m,p\n2026-03-16,Swim,6,6\n")
    log = clean_csv(tmp_path, text)
    assert log["activity"].tolist() == ["Walk", "Read", "Swim"]
    rej = log.attrs["rejected"]
    assert rej["row"].tolist() == [3, 5]
    assert rej["reason"].str.contains("header repeated").all()


# --------------------------------------------------------------------------- files that cannot be read


def test_questionnaire_file_is_not_a_log(tmp_path):
    path = write_csv(tmp_path, "client,week,date,phq9_1,phq9_2\nC001,1,2026-04-05,3,0\n")
    with pytest.raises(ba.LogError, match="no log found in log.csv"):
        ba.read_log(path)
