"""read_log end to end (bactivate.io.read): its arguments are checked, and on any cells it never
crashes and never loses a row (property-based; every data row is kept or set aside).
"""

from __future__ import annotations

import datetime as dt
import os

import openpyxl
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
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import bactivate as ba

BASE = "Date,Activity,M,P\n2026-03-02,Walk,{m},{p}\n2026-03-03,Read,2,9\n"

#: text people type: any character but control characters (tab and line breaks come from SPECIAL)
TYPED = st.characters(blacklist_categories=("Cs", "Cc"))
SPECIAL = ["\t", "a\nb", "x\r\ny", "\r"]
N = int(os.environ.get("BACTIVATE_HYPOTHESIS_EXAMPLES", "1"))  # raise to search longer

CELL = st.one_of(
    st.text(alphabet=TYPED, max_size=12),
    st.sampled_from(SPECIAL),
    st.text(alphabet="0123456789.,/-+eE: apmAPM", max_size=10),
    st.sampled_from(["", " ", "nan", "NaN", "NA", "N/A", "null", "None", "inf", "-inf", "1e308", "1e400",
                     "-0", "7/10", "7,5", "seven", "✓", "x", "yes", "no", "2pm", "14:00", "12/03/2026",
                     "2026-03-12", "Total", "=1+1", "'", "\"", "Date", "M", "\u00a0", "٣", "１０", "🙂"]),
    st.integers(-10**12, 10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
ROWS = st.lists(st.tuples(CELL, CELL, CELL, CELL, CELL, CELL, CELL), min_size=0, max_size=8)
HEAD = ["Date", "Time", "Activity", "M", "P", "Done", "Mood"]
HYPO = settings(max_examples=45 * N, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

#: the only whole-file errors arbitrary cells may cause: the data cannot tell a scale or a date order
AMBIGUITY = ("cannot tell the scale of", "could be day/month or month/day", "mix day-first and month-first")


def _check_no_loss(path, expected, **kw):
    try:
        log, caught = read(path, **kw)
    except ba.LogError as exc:
        assert any(k in str(exc) for k in AMBIGUITY), str(exc)  # a clear message, never a crash
        return
    assert len(caught) <= 1
    assert_accounted(log, expected)
    assert_rejected_schema(log)
    for f in ("mastery", "pleasure", "mood"):
        assert log[f].dropna().between(0, 10).all()


XCELL = st.one_of(
    CELL,
    st.integers(-10**15, 10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2100, 1, 1)),
    st.times(),
    st.none(),
)


# --------------------------------------------------------------------------- rows set aside


def test_bad_errors_and_format_arguments(tmp_path):
    path = write_csv(tmp_path, BASE.format(m=1, p=2))
    with pytest.raises(ValueError, match="errors must be"):
        ba.read_log(path, errors="loud")
    with pytest.raises(ValueError, match="format must be"):
        ba.read_log(path, format="wide")
    with pytest.raises(TypeError, match="file path or a DataFrame"):
        ba.read_log(42)


# --------------------------------------------------------------------------- ratings


@pytest.mark.parametrize("bad", [{"joy": (1, 5)}, {"mood": (5, 5)}, {"mood": 5}, {"mood": ("a", "b")}])
def test_bad_scales_argument(tmp_path, bad):
    with pytest.raises(ValueError, match="scales="):
        ba.read_log(write_csv(tmp_path, BASE.format(m=1, p=2)), scales=bad)


# --------------------------------------------------------------------------- property-based


@HYPO
@given(rows=ROWS, dayfirst=st.sampled_from([None, True, False]))
def test_property_csv_never_crashes_never_loses_a_row(tmp_path, rows, dayfirst):
    good = ["2026-03-02", "10:00", "Walk", "9", "0", "y", "8"]
    path = write_csv(tmp_path, rows_to_csv([HEAD, good, *[list(r) for r in rows]]))
    _check_no_loss(path, csv_data_lines(path, 1), dayfirst=dayfirst)


@settings(max_examples=35 * N, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(*[XCELL] * 7), min_size=0, max_size=6), title=st.booleans())
def test_property_xlsx_never_crashes_never_loses_a_row(tmp_path, rows, title):
    import re

    illegal = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # characters openpyxl cannot store
    clean = [[illegal.sub("", c) if isinstance(c, str) else c for c in r] for r in rows]
    # openpyxl stores these texts as Excel error cells, which the reader sees as empty (a known
    # limit, see test_xlsx_error_cells_read_as_empty): give them as text
    errors = set(openpyxl.cell.cell.ERROR_CODES)
    clean = [[f"{c}?" if c in errors else c for c in r] for r in clean]
    good = [dt.datetime(2026, 3, 2), dt.time(10, 0), "Walk", 9, 0, "y", 8]
    top = [["My diary"], []] if title else []
    path = write_xlsx(tmp_path, {"Week 1": [*top, HEAD, good, *clean]})
    _check_no_loss(path, xlsx_data_rows(path, {"Week 1": len(top) + 1}))
