"""Raw entries to the tidy log (bactivate.io.tidy): the tidy frame, rows that are not entries,
a hand-made log that is not a tidy file, and the rows set aside.
"""

from __future__ import annotations

import pytest
from conftest import (
    assert_accounted,
    assert_rejected_schema,
    csv_data_lines,
    read,
    rows_to_csv,
    write_csv,
)

import bactivate as ba
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


# --------------------------------------------------------------------------- the tidy frame


def test_tidy_columns_order_and_dtypes(tmp_path):
    log = clean_csv(tmp_path, "Date,Time,Activity,M,P,Mood,Notes,Mine\n"
                              "2026-03-02,09:00,Walk,7,8,9,ok,a\n2026-03-02,10:00,Read,3,9,0,,b\n")
    assert list(log.columns[: len(TIDY_COLUMNS)]) == list(TIDY_COLUMNS)
    assert {c: str(log[c].dtype) for c in TIDY_COLUMNS} == TIDY_COLUMNS
    assert list(log.columns[len(TIDY_COLUMNS):]) == ["Mine"]
    assert log["entry"].tolist() == [1, 2]
    assert log["client"].unique().tolist() == ["log"]  # from the file name
    assert log["source"].tolist() == ["log.csv:2", "log.csv:3"]
    assert log.attrs["file"] == "log.csv"


# --------------------------------------------------------------------------- layout of the sheet


@pytest.mark.parametrize("label", ["Total", "TOTALS:", "Weekly total", "Average", "Mean mood",
                                   "Sum", "Total for week 1", "average (week 2)"])
def test_totals_rows_are_not_log_rows(tmp_path, label):
    text = f"Date,Activity,M,P\n2026-03-02,Walk,7,8\n2026-03-03,Read,3,9\n,{label},10,17\n"
    log = clean_csv(tmp_path, text)
    rej = log.attrs["rejected"]
    assert rej[["row", "kind"]].values.tolist() == [[4, "not an entry"]]
    assert "totals" in rej["reason"].iloc[0]
    assert any("not an entry" in n for n in log.attrs["notes"])


def test_totals_label_in_the_date_column(tmp_path):
    text = "Date,Activity,M,P\n2026-03-02,Walk,7,8\nTotal,,7,8\n"
    log = clean_csv(tmp_path, text)
    assert log.attrs["rejected"]["row"].tolist() == [3]


@pytest.mark.parametrize("activity", ["Total body workout", "Sum up the week", "Overall tidy-up",
                                      "Mean streets walk", "Totally chilled"])
def test_activities_that_start_like_totals_are_entries(tmp_path, activity):
    log = clean_csv(tmp_path, f"Date,Activity,M,P\n2026-03-02,{activity},7,8\n")
    assert log["activity"].tolist() == [activity]


# --------------------------------------------------------------------------- dates and times


def test_hand_made_log_with_client_entry_source_columns_is_not_taken_for_tidy(tmp_path):
    text = ("Client,Entry,Source,Start,M,P,Mood\nA,1,paper,2026-03-02 09:00,7,8,1\n"
            "A,2,paper,2026-03-02 10:00,9,2,5\n")
    path = write_csv(tmp_path, text)
    with pytest.raises(ba.LogError, match="cannot tell the scale of 'mood'"):
        ba.read_log(path)  # a tidy file would have taken the moods as 0-10 without asking
    log = clean_csv(tmp_path, text, scales={"mood": (1, 5)})
    assert log["mood"].tolist() == [0.0, 10.0]
    assert log["source"].tolist() == ["log.csv:2", "log.csv:3"]
    assert log["Entry"].tolist() == [1.0, 2.0] and log["Source"].tolist() == ["paper", "paper"]


# --------------------------------------------------------------------------- rows set aside


@pytest.mark.parametrize(("m", "reason"), [
    ("11", "11 is outside this column's 0-10 scale: write a rating from 0 to 10"),
    ("-1", "-1 is outside this column's 0-10 scale"),
    ("??", "'??' is not a number"),
    ("lots", "'lots' is not a number"),
    ("7/5", "'7/5' is not on this column's 0-10 scale"),
    ("inf", "'inf' is not a finite number"),
    ("1e400", "is not a finite number"),
    ("1e300", "1e+300 is outside"),
])
def test_bad_rating_cells_are_set_aside(tmp_path, m, reason):
    log, caught = csv_log(tmp_path, rows_to_csv([["Date", "Activity", "M (0-10)", "P (0-10)"],
                                                  ["2026-03-02", "Walk", "7", "8"],
                                                  ["2026-03-03", "Read", m, "8"]]))
    # one bad cell costs that cell: the row stays with what else the client wrote
    assert log["activity"].tolist() == ["Walk", "Read"]
    assert log["mastery"].isna().tolist() == [False, True] and log["pleasure"].tolist() == [8, 8]
    p = problems(log)
    assert p[["row", "column", "value", "kind"]].values.tolist() == [[3, "M (0-10)", m, "cell"]]
    assert reason in p["reason"].iloc[0]
    assert len(caught) == 1


@pytest.mark.parametrize(("head", "cell", "column", "reason"), [
    ("Planned", "maybe", "Planned", "'maybe' is not yes or no"),
    ("Date", "someday", "Date", "'someday' is not a date"),
    ("Date", "45", "Date", "is a number, not a date"),
    ("Time", "late", "Time", "'late' is not a time of day"),
    ("Time", "25:00", "Time", "not a time of day"),
    ("Duration", "a while", "Duration", "'a while' is not a duration"),
    ("Duration", "-5 min", "Duration", "not a duration"),
])
def test_unreadable_cells_are_set_aside(tmp_path, head, cell, column, reason):
    good = {"Date": "2026-03-02", "Time": "10:00", "Activity": "Walk", "M": "8"}
    if head in ("Duration", "Planned"):
        good[head] = "30 min" if head == "Duration" else "y"
    text = rows_to_csv([list(good), list(good.values()), list({**good, head: cell}.values())])
    log, caught = csv_log(tmp_path, text)
    # a row that cannot be placed on its day is set aside; any other bad cell (a time too: the
    # row stays on its day, its time unknown) costs only that cell
    assert len(log) == (1 if head == "Date" else 2)
    p = problems(log)
    assert p["kind"].tolist() == ["row" if head == "Date" else "cell"]
    assert p["row"].tolist() == [3]
    assert p["column"].tolist() == [column]
    assert reason in p["reason"].iloc[0]
    assert len(caught) == 1


def test_row_with_two_problems_is_one_rejected_row(tmp_path):
    log, caught = csv_log(tmp_path, "Date,Activity,M,P\n2026-03-02,Walk,7,8\n2026-03-03,Read,x,y\n")
    p = problems(log)
    assert p["row"].tolist() == [3, 3]
    assert p["column"].tolist() == ["M", "P"]
    assert p["kind"].tolist() == ["cell", "cell"] and log["activity"].tolist() == ["Walk", "Read"]
    assert "kept 2 of 2 rows; 2 cells left blank (in 1 row kept)" in str(caught[0].message)


def test_everything_rejected_still_accounts(tmp_path):
    log, caught = csv_log(tmp_path, "Date,Activity,M\n2026-03-02,Walk,x\nTotal,,\n")
    # the bad rating costs its cell; the totals row is not an entry
    assert log["activity"].tolist() == ["Walk"] and log["mastery"].isna().all()
    assert list(log.columns) == list(TIDY_COLUMNS)
    assert len(caught) == 1
    assert "kept 1 of 2 rows; 1 cell left blank (in 1 row kept), 1 row not an entry" in str(caught[0].message)
