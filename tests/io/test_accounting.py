"""bactivate.io.accounting: parts in natural order, case kept (upper case first), plurals."""

from __future__ import annotations

import pandas as pd

from bactivate.io.accounting import accounting, accounting_text
from bactivate.schema import empty_rejected


def _log(sources, rejected=None):
    log = pd.DataFrame({"source": pd.Series(sources, dtype="str")})
    log.attrs["file"] = "f.xlsx"
    log.attrs["rejected"] = rejected if rejected is not None else empty_rejected()
    return log


def test_parts_in_natural_order_with_case_kept():
    log = _log(["f.xlsx:week 2:3", "f.xlsx:Week 10:2", "f.xlsx:Week 2:2", "f.xlsx:Week 2:3", "f.xlsx:a:2"])
    table = accounting(log)
    assert table["part"].tolist() == ["f.xlsx:Week 2", "f.xlsx:Week 10", "f.xlsx:a", "f.xlsx:week 2"]
    assert table["rows_read"].tolist() == [2, 1, 1, 1]
    assert (table["rows_read"] == table["kept"] + table["set_aside"] + table["not_log_rows"]).all()


def test_rows_that_are_not_entries_one_line_per_reason():
    rej = empty_rejected()
    rows = pd.DataFrame({"source": ["f.xlsx:A:5", "f.xlsx:A:6", "f.xlsx:A:9"], "sheet": ["A", "A", "A"],
                         "row": [5, 6, 9], "kind": ["not an entry"] * 3,
                         "reason": ["a totals row", "a totals row", "a blank row"]})
    rej = pd.concat([rej, rows.reindex(columns=rej.columns)], ignore_index=True)
    text = accounting_text(_log(["f.xlsx:A:2"], rej))
    assert "  2 × a totals row (rows A:5, A:6)" in text and "  1 × a blank row (row A:9)" in text
