"""The shared cell helpers in bactivate.io.cells: afternoon, hhmm, blank_cell.

Each is checked against the copy it replaces (written out here as it was at the move, so the
check survives the copies' removal): io.read ``_LongReader._afternoon``, formats.grid ``_hours``
and ``_hhmm``, formats._common ``clock_text``, formats.batd ``_blank``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bactivate.io import cells
from bactivate.io.cells import afternoon, blank_cell, hhmm


def _long_copy(raw, t, t_end, key):
    """io.read _LongReader._afternoon as it was (the note left out)."""
    bare = cells.bare_hours(raw)
    if not bare.any():
        return t, t_end
    hours = t.dt.total_seconds() / 3600
    marked = cells.distinct(raw, lambda u: u.astype("str").str.contains(
        r"[ap]\.?m\b", case=False, regex=True).fillna(False).astype(bool), missing=False)
    if (hours.ge(13) & ~marked).any():
        return t, t_end
    above = hours.groupby(key, dropna=False).cummax().groupby(key, dropna=False).shift()
    pm = bare & hours.notna() & above.notna() & (hours < above) & (hours + 12 >= above)
    if pm.any():
        half = pd.Timedelta(hours=12)
        t = t.where(~pm, t + half)
        t_end = t_end.where(~pm, t_end + half)
    return t, t_end


def _grid_copy(labels):
    """formats.grid _hours as it was (the note left out): ``(t, e, pm)``."""
    t, e, reasons = cells.parse_time(labels)
    ok = t.notna() & reasons.isna()
    hours = t.dt.total_seconds() / 3600
    marked = labels.astype("str").str.contains(r"[ap]\.?m\b|noon|midnight", case=False, regex=True)
    twenty_four = (hours.ge(13) & ~marked.fillna(False).astype(bool)).any()
    bare = cells.bare_hours(labels) & ~twenty_four
    above = hours.cummax().shift()
    pm = bare & ok & above.notna() & (hours < above) & (hours + 12 >= above)
    half = pd.Timedelta(hours=12)
    return t.where(~pm, t + half), e.where(~pm, e + half), pm


SLOTS = [
    ["9-10", "10-11", "11-12", "12-1", "1-2", "2-3"],
    ["9:00", "11:00", "1:00", "3:30", "5"],
    ["8am", "10am", "12", "1", "2pm", "3"],
    ["7", "13:00", "2", "3"],  # 24-hour clock: nothing moves
    ["noon", "1", "2", "midnight"],
    ["11", "12 noon", "1-2", None, "2", "", "x", "4"],
    [9, 10, 11, 12, 1, 2],
    ["1", "2", "3"],
]


@pytest.mark.parametrize("labels", SLOTS)
def test_afternoon_in_one_column_is_the_grid_copy(labels):
    raw = pd.Series(labels, dtype=object)
    t, e, reasons = cells.parse_time(raw)
    got_t, got_e, pm = afternoon(t, e, raw, ok=t.notna() & reasons.isna())
    want_t, want_e, want_pm = _grid_copy(raw)
    pd.testing.assert_series_equal(got_t, want_t)
    pd.testing.assert_series_equal(got_e, want_e)
    assert pm.tolist() == want_pm.tolist()


@pytest.mark.parametrize("labels", SLOTS)
def test_afternoon_by_sheet_and_day_is_the_long_reader_copy(labels):
    raw = pd.Series(labels * 2, dtype=object)
    sheet = pd.Series(["Week 1"] * len(labels) + ["Week 2"] * len(labels))
    day = pd.Series([0] * (len(labels) // 2) + [1] * (len(raw) - len(labels) // 2))
    t, e, _ = cells.parse_time(raw)
    got_t, got_e, pm = afternoon(t, e, raw, [sheet, day])
    want_t, want_e = _long_copy(raw, t, e, [sheet, day])
    pd.testing.assert_series_equal(got_t, want_t)
    pd.testing.assert_series_equal(got_e, want_e)
    assert ((got_t != t) & t.notna()).tolist() == pm.tolist()


def test_afternoon_on_a_coded_column():
    raw = pd.Series(["10", "11", "12", "1", "2"] * 3, dtype="category")
    t, e, _ = cells.parse_time(raw)
    day = pd.Series(np.repeat([0, 1, 2], 5))
    _, _, pm = afternoon(t, e, raw, [day])
    assert pm.tolist() == [False, False, False, True, True] * 3


def test_afternoon_without_bare_hours_returns_its_input():
    raw = pd.Series(["9am", "1pm"])
    t, e, _ = cells.parse_time(raw)
    got_t, got_e, pm = afternoon(t, e, raw)
    assert got_t is t and got_e is e and not pm.any() and pm.index.equals(t.index)


def _clock_copy(t):
    secs = t.dt.total_seconds()
    hh = (secs // 3600).astype("Int64").astype("str").str.zfill(2)
    mm = ((secs % 3600) // 60).astype("Int64").astype("str").str.zfill(2)
    return hh + ":" + mm


def test_hhmm_is_the_grid_and_clock_text_copy():
    t = pd.to_timedelta(pd.Series([0, 0.5, 6.999, 12, 13.25, 23.99, 24, np.nan]), unit="h")
    pd.testing.assert_series_equal(hhmm(t), _clock_copy(t))
    assert hhmm(t).tolist()[:5] == ["00:00", "00:30", "06:59", "12:00", "13:15"]


@pytest.mark.parametrize("cell", [None, np.nan, float("nan"), "", "  ", "\t\n", "x", " x ", 0, 0.0,
                                  1, True, False, pd.Timestamp("2026-03-02"), np.float64("nan")])
def test_blank_cell_is_the_batd_copy(cell):
    def old(c):
        return c is None or (isinstance(c, float) and np.isnan(c)) or (isinstance(c, str) and not c.strip())
    assert blank_cell(cell) == bool(old(cell))
    assert isinstance(blank_cell(cell), bool)
