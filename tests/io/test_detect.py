"""bactivate.io.detect: messages name sheets as Sheet.label does."""

from __future__ import annotations

import pandas as pd
import pytest

from bactivate.errors import LogError
from bactivate.io.detect import detect, saw
from bactivate.io.files import Sheet, read_sheets


def _sheet(rows, name=None, file="log.xlsx"):
    return Sheet(file, name, pd.DataFrame(rows, dtype=object))


DAYLIO = ["full_date", "date", "weekday", "time", "mood", "activities", "note"]
BEARABLE = ["date", "time of day", "category", "rating/amount", "detail"]


def test_one_layout_and_how_many_more_sheets():
    one = [_sheet([DAYLIO, ["2026-03-02", "Mar 2", "Monday", "10:00", "good", "walk", ""]], "A")]
    fmt, why = detect(one, "log.xlsx")
    assert fmt == "daylio" and why.startswith("sheet 'A': the header in row 1 names full_date")
    three = one + [_sheet(one[0].cells, "B"), _sheet(one[0].cells, "C")]
    assert detect(three, "log.xlsx")[1].endswith(" (and 2 more sheets)")
    assert detect(one + [_sheet(one[0].cells, "B")], "log.xlsx")[1].endswith(" (and 1 more sheet)")


def test_no_layout_is_long():
    assert detect(read_sheets("data/sample/client-alex.xlsx"), "client-alex.xlsx") == ("long", None)


def test_two_layouts_and_part_of_one_name_the_sheets():
    sheets = [_sheet([DAYLIO], "A"), _sheet([BEARABLE], "B")]
    with pytest.raises(LogError, match=r"it looks like a Daylio export \(sheet 'A': .*\); .*\(sheet 'B'"):
        detect(sheets, "log.xlsx")
    with pytest.raises(LogError, match=r"it looks partly a Daylio export \(log.csv\)"):
        detect([_sheet([["full_date", "activity"]], file="log.csv")], "log.csv")


def test_saw():
    sheets = [_sheet([[None, None], ["\ufeffDate", "x" * 40]], f"S{i}") for i in range(8)]
    text = saw(sheets)
    assert text.startswith("bactivate saw sheet 'S0': row 2 holds 'Date', '" + "x" * 30 + "'; ")
    assert text.endswith("; and 2 more sheets.")
    assert saw([_sheet([[None]], file="e.csv")]) == "bactivate saw e.csv: empty."
