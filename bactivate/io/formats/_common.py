"""Helpers shared by the format readers: header keys, raw-cell frames, clock times.

A format reader turns its sheets into one frame of raw cells with the
canonical field columns (``date``, ``time``, ``activity``, ``mood`` ...), any
extra columns, and the bookkeeping columns ``_row`` / ``_sheet`` / ``_repeat``
that :meth:`bactivate.io._LongReader._normalise` expects (plus, where needed,
``_cell``, ``_column``, ``_entry``, ``_skip`` and ``_problem``; see there).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from bactivate.io import cells as values


def key(cell) -> str:
    """A header cell as a key: lower case, byte-order mark and outer spaces removed,
    inner runs of spaces as one space (``" Full_Date"`` -> ``"full_date"``)."""
    if cell is None or (isinstance(cell, float) and np.isnan(cell)):
        return ""
    return re.sub(r"\s+", " ", str(cell).replace("\ufeff", "").strip().lower())


def row_keys(raw: pd.DataFrame, pos: int) -> list[str]:
    return [key(c) for c in raw.iloc[pos].tolist()]


def first_rows(raw: pd.DataFrame, n: int = 15) -> range:
    return range(min(n, len(raw)))


def find_row(raw: pd.DataFrame, test, n: int = 15) -> int | None:
    """Position of the first of the top *n* rows whose keys pass *test* (a set -> bool)."""
    for pos in first_rows(raw, n):
        if test(set(row_keys(raw, pos)) - {""}):
            return pos
    return None


def columns_by_name(raw: pd.DataFrame, pos: int) -> dict[str, int]:
    """Header key -> column position (the first column of that name)."""
    out: dict[str, int] = {}
    for j, k in enumerate(row_keys(raw, pos)):
        if k and k not in out:
            out[k] = j
    return out


def body_rows(raw: pd.DataFrame, header: int) -> pd.DataFrame:
    """The rows below *header* that are not blank (index = the user's row number - 1)."""
    body = raw.iloc[header + 1:]
    if body.empty:
        return body
    blank = pd.DataFrame({c: values.blank(body[c]) for c in body.columns}, index=body.index)
    return body[~blank.all(axis=1)]


def bookkeeping(frame: pd.DataFrame, sheet_name) -> pd.DataFrame:
    """Add ``_row`` (the user's row or line number), ``_sheet`` and ``_repeat``."""
    frame["_row"] = (frame.index.to_numpy() + 1).astype("int64")
    frame["_sheet"] = sheet_name
    frame["_repeat"] = False
    return frame


def clock_text(cells: pd.Series) -> pd.Series:
    """Times of day (``6:50 pm``, ``10:04 AM``, ``14:58``) as ``HH:MM`` text.

    Writing them with a leading zero on the 24-hour clock keeps the long
    reader from taking a morning time for an afternoon one when the rows are
    not in time order (Daylio lists the newest entry first). Cells that are
    not a time are left as written, so that the reader reports them.
    """
    t, _, reasons = values.parse_time(cells)
    secs = t.dt.total_seconds()
    ok = t.notna() & reasons.isna()
    hh = (secs // 3600).astype("Int64").astype("str").str.zfill(2)
    mm = ((secs % 3600) // 60).astype("Int64").astype("str").str.zfill(2)
    return (hh + ":" + mm).where(ok, cells.astype(object).where(~values.blank(cells)))


def plural(n: int, word: str) -> str:
    if n == 1:
        return f"{n} {word}"
    return f"{n} {word[:-1]}ies" if word.endswith("y") and word[-2:-1] not in "aeiou" else f"{n} {word}s"


def shown(keys) -> str:
    return ", ".join(repr(k) for k in keys)


def explode_activities(frame: pd.DataFrame, acts: pd.Series) -> tuple[pd.DataFrame, int]:
    """One row per activity of a pipe-joined cell (``"walk | movies / tv"``), in an ``activity``
    column; rows without activities stay one row with none. The rows of one source row share its
    other cells (and its ``_entry``). Returns the frame and how many rows held several activities.
    """
    text = acts.astype("str").where(~values.blank(acts), "")
    pieces = text.str.split(r"\s*\|\s*", regex=True).explode().str.strip()
    named = pieces != ""
    has_any = named.groupby(level=0).transform("any")
    keep = named | (~has_any & ~pieces.index.duplicated())
    pieces = pieces[keep]
    out = frame.loc[pieces.index].copy()
    out.insert(0, "activity", pieces.where(pieces != "").to_numpy())
    return out.reset_index(drop=True), int((named.groupby(level=0).sum() > 1).sum())


def entry_rows(frame: pd.DataFrame, sheet_name, acts: pd.Series, reader, *, header: str, note) -> pd.DataFrame:
    """The rows of an app export with pipe-joined activities, one row per activity.

    Adds the bookkeeping columns and an ``_entry`` id per source line (``"sheet:row"``), then
    explodes *acts* (:func:`explode_activities`); *header* is the source column shown for
    ``activity`` in messages, and ``note(n)`` the loader note when *n* lines held several
    activities.
    """
    frame = bookkeeping(frame, sheet_name)
    frame["_entry"] = (str(sheet_name) + ":" if sheet_name is not None else "") + frame["_row"].astype("str")
    reader.header_text.setdefault("activity", header)
    out, n_multi = explode_activities(frame, acts)
    if n_multi:
        reader.notes.append(note(n_multi))
    return out
