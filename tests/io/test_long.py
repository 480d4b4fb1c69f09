"""bactivate.io.long: one long sheet to raw entries (sheet_entries), every sheet (read_long, finish)."""

from __future__ import annotations

import pandas as pd
import pytest

from bactivate.errors import LogError
from bactivate.io.context import ReadOptions
from bactivate.io.files import Sheet
from bactivate.io.long import blank_frame, finish, read_long, sheet_entries

OPTS = ReadOptions(file="log.xlsx", stem="log")


def _sheet(rows, name="Week 1"):
    return Sheet("log.xlsx", name, pd.DataFrame(rows, dtype=object))


def test_an_empty_sheet_and_one_without_a_header_are_skipped_with_a_note():
    cells, ctx = sheet_entries(Sheet("log.xlsx", "Empty", pd.DataFrame()), OPTS)
    assert cells is None and ctx.notes == ["skipped sheet 'Empty': it is empty"] and ctx.tidy_header is None
    cells, ctx = sheet_entries(_sheet([["notes"], ["more notes"]], "Notes"), OPTS)
    assert cells is None
    assert ctx.notes == ["skipped sheet 'Notes': it holds no log (no header row naming log columns)"]


def test_a_header_with_no_rows_is_header_only():
    cells, ctx = sheet_entries(_sheet([["Date", "Activity", "Mastery"]]), OPTS)
    assert cells is None and ctx.header_only == ["sheet 'Week 1'"]
    assert ctx.notes == ["skipped sheet 'Week 1': a header but no entries"] and ctx.tidy_header is False
    with pytest.raises(LogError, match=r"log.xlsx: sheet 'Week 1' has a header row but no entries"):
        finish([], [ctx], OPTS)


def test_title_client_two_row_header_and_bookkeeping():
    rows = [["Client: Jo", None, None, None], ["Date", "Activity", "Ratings", None],
            [None, None, "Mastery", "Pleasure"], ["2026-03-02", "Walk", 3, 4], [None, None, None, None],
            ["2026-03-03", "Read", 5, 6]]
    cells, ctx = sheet_entries(_sheet(rows), OPTS)
    assert ctx.client == "Jo"
    assert ctx.notes[0].startswith("sheet 'Week 1': read rows 2 and 3 as one header")
    assert list(cells.columns) == ["date", "activity", "mastery", "pleasure", "_row", "_sheet", "_repeat"]
    assert cells["_row"].tolist() == [4, 6] and cells["_sheet"].unique().tolist() == ["Week 1"]
    assert ctx.headers == {"date": "Date", "activity": "Activity", "mastery": "Mastery", "pleasure": "Pleasure"}
    assert ctx.sheet_headers["mastery"] == {"Week 1": "Mastery"}


def test_a_better_match_demotes_a_worse_one_and_the_note_says_so():
    rows = [["Date", "M", "Mastery", "Weather"], ["2026-03-02", 1, 2, "sun"]]
    cells, ctx = sheet_entries(_sheet(rows), OPTS)
    assert cells["mastery"].tolist() == [2] and cells["M"].tolist() == [1]
    assert ctx.extras == ["Weather"] and ctx.sheet_headers["mastery"] == {"Week 1": "Mastery"}
    assert ctx.notes == ["sheet 'Week 1': 'M', 'Mastery' all name mastery; 'Mastery' was read as mastery, "
                         "the other kept as extra columns (to choose another, pass e.g. "
                         "columns={'M': 'mastery', 'Mastery': None})"]


def test_read_long_merges_sheets_and_notes_the_extra_columns():
    week1 = _sheet([["Date", "Mood (1-5)", "Weather"], ["2026-03-02", 3, "sun"]], "Week 1")
    week2 = _sheet([["Date", "Mood (1-5)", "Sleep"], ["2026-03-09", 4, 7]], "Week 2")
    entries = read_long([week1, week2], OPTS)
    assert entries.layout == "long" and len(entries.cells) == 2
    assert entries.context.hints == {"mood": (1.0, 5.0)} and entries.context.extras == ["Weather", "Sleep"]
    assert entries.context.notes[-1].startswith("kept columns bactivate does not know as extra columns: "
                                                "'Weather', 'Sleep'")
    assert entries.context.typed is False


def test_read_long_raises_on_two_scales_and_on_no_log():
    week1 = _sheet([["Date", "Mood (1-5)"], ["2026-03-02", 3]], "A")
    week2 = _sheet([["Date", "Mood (0-10)"], ["2026-03-09", 4]], "B")
    with pytest.raises(LogError, match=r"different scales for mood: \(1.0, 5.0\) and \(0.0, 10.0\)"):
        read_long([week1, week2], OPTS)
    with pytest.raises(LogError, match=r"^no log found in log.xlsx \(sheets \['Notes'\]\)"):
        read_long([_sheet([["notes"]], "Notes")], OPTS)


def test_repeated_headers_are_marked():
    rows = [["Date", "Activity", "Mood"], ["2026-03-02", "Walk", 5], ["Date", "Activity", "Mood"],
            ["2026-03-03", "Read", 6]]
    cells, _ = sheet_entries(_sheet(rows), OPTS)
    assert cells["_repeat"].tolist() == [False, True, False]


def test_blank_frame_is_the_same_at_once_and_column_by_column():
    narrow = pd.DataFrame({"a": ["x", " ", None], "b": [1.0, None, 2.0]})
    wide = pd.concat([narrow] * 12, axis=1, ignore_index=True)  # 24 columns: tested all at once
    assert blank_frame(wide).to_numpy().tolist() == [row * 12 for row in blank_frame(narrow).to_numpy().tolist()]
