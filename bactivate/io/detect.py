"""Telling the layouts apart for ``read_log(..., format="auto")``.

Each sheet is looked at for the signs of each layout: a Daylio header
(``full_date``/``year``, ``mood`` and two more of its columns, or lines laid
out as Daylio's without a header), a Bearable header (``category``,
``rating/amount``, ``time of day``), an iMoodJournal header (``Date``,
``Hour``, ``Minute``, ``Level``), an m-Path export (``timeStampSent``,
``timeStampStart`` and ``connectionId`` or ``sentBeepId``), a BATD-R form
(Time, Activity, Enjoyment, Importance), a weekly grid (a row of days or dates
over a column of hours). A layout found on its own is chosen; none of them
means a long log (or a tidy file), which the long reader then looks for. Two
layouts at once, or a distinctive part of one (``full_date`` without Daylio's
time column, ``rating/amount`` without Bearable's category, an Importance
column without BATD's Enjoyment) stop with a message that lists what was seen
and asks for ``format=``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bactivate._util import plural
from bactivate.errors import LogError
from bactivate.io.formats import LABELS, batd, bearable, daylio, grid, imoodjournal, mpath
from bactivate.io.formats._common import find_row, row_keys
from bactivate.io.headers import plain_key

_SPECIFIC = {
    "daylio": daylio.sign,
    "bearable": lambda raw: _row_sign(raw, bearable.is_header, "header"),
    "imoodjournal": imoodjournal.sign,
    "mpath": mpath.sign,
    "batd": batd.sign,
    "grid": grid.sign,
}
_PARTLY = {"daylio": daylio.looks_partly, "bearable": bearable.looks_partly, "batd": batd.looks_partly}


def _row_sign(raw, test, what: str) -> str | None:
    pos = find_row(raw, test, n=5)
    if pos is None:
        return None
    names = [k for k in row_keys(raw, pos) if k]
    return f"the {what} in row {pos + 1} names " + ", ".join(names[:9])


def _one_block(raw: pd.DataFrame) -> pd.DataFrame:
    """*raw* (a worksheet's object cells) as one block of object cells: the same cells, whose rows
    the signs below read many times over (``iloc``) at half the cost; a typed frame as it is."""
    # speed: benchmark row W1, docs/performance.md (12 sheets, each looked at for six layouts)
    if raw.shape[1] < 2 or not all(dt == np.dtype(object) for dt in raw.dtypes):
        return raw
    return pd.DataFrame(raw.to_numpy(dtype=object), index=raw.index, columns=raw.columns, dtype=object)


def detect(sheets, file: str) -> tuple[str, str | None]:
    """The layout a file's sheets are in, for ``read_log(..., format="auto")``.

    Parameters
    ----------
    sheets : list of bactivate.io.files.Sheet
        The sheets to be read (their first rows are looked at).
    file : str
        The file's name, for messages.

    Returns
    -------
    tuple
        ``(format, why)``: ``"daylio"``, ``"bearable"``, ``"imoodjournal"``, ``"mpath"``,
        ``"batd"`` or ``"grid"`` and what showed it (the first sheet that did, and how many
        more); ``("long", None)`` when none of them.

    Raises
    ------
    bactivate.LogError
        When two layouts are seen, or a distinctive part of one without the
        rest; the message lists what was seen and asks for ``format=``.

    Examples
    --------
    >>> from bactivate.io.files import read_sheets
    >>> detect(read_sheets("data/sample/client-alex.xlsx"), "client-alex.xlsx")
    ('long', None)
    """
    found: dict[str, list[str]] = {}
    partly: dict[str, list[str]] = {}
    for sh in sheets:  # a loop over sheets
        raw = sh.preview()
        if not raw.empty:
            _signs(sh, _one_block(raw), found, partly)
    if len(found) == 1:
        (name, where), = found.items()
        return name, where[0] + (f" (and {plural(len(where) - 1, 'more sheet')})" if len(where) > 1 else "")
    if len(found) > 1:
        seen = "; ".join(f"{_name(n)} ({w[0]})" for n, w in found.items())
        raise LogError(
            f"cannot tell which layout {file} is in: it looks like {seen}. "
            f"Pass the layout to read_log, e.g. format={next(iter(found))!r} "
            f"(one of {', '.join(repr(n) for n in found)}). {saw(sheets)}")
    if partly:  # a distinctive part of a layout (full_date, rating/amount, Importance): ask
        seen = "; ".join(f"partly {_name(n)} ({', '.join(w)})" for n, w in partly.items())
        raise LogError(
            f"cannot tell which layout {file} is in: it looks {seen}, but not all of that layout's "
            f"columns are there. If it is one, pass format={next(iter(partly))!r}; a Daylio export "
            "needs full_date (or year, date and weekday), mood and two of weekday, time, activities, "
            "note; a Bearable export date, time of day, category and rating/amount; a BATD-R form "
            "Activity, Enjoyment and "
            "Importance. " + saw(sheets))
    return "long", None


def _signs(sh, raw, found: dict, partly: dict) -> None:
    """Add to *found* each layout whose signs the sheet shows, and to *partly* each one it shows part of."""
    for name, sign in _SPECIFIC.items():
        got = sign(raw)
        if got:
            found.setdefault(name, []).append(f"{sh.label}: {got}")
    top = set()
    for pos in range(min(5, len(raw))):
        top |= set(row_keys(raw, pos)) - {""}
    for name, test in _PARTLY.items():
        if test(top):
            partly.setdefault(name, []).append(sh.label)


def _name(fmt: str) -> str:
    return LABELS.get(fmt, fmt)


def saw(sheets) -> str:
    """What the top of each sheet holds, on one line, for messages that ask for ``format=``.

    Parameters
    ----------
    sheets : list of bactivate.io.files.Sheet
        The file's sheets; the first six are described, the rest counted.

    Returns
    -------
    str
        One sentence: the first non-empty row among the top 15 of each sheet
        (up to ten cells, each cut to 30 characters).

    Examples
    --------
    >>> from bactivate.io.files import read_sheets
    >>> saw(read_sheets("data/sample/client-alex.xlsx", sheet="Week 1"))[:58]
    "bactivate saw sheet 'Week 1': row 1 holds 'Activity log — "
    """
    parts = []
    for sh in sheets[:6]:
        raw = sh.preview()
        text = "empty"
        for pos in range(min(15, len(raw))):
            cells = [str(c).replace("\ufeff", "").strip() for c in raw.iloc[pos].tolist() if plain_key(c)]
            if cells:
                text = f"row {pos + 1} holds " + ", ".join(repr(c[:30]) for c in cells[:10])
                break
        parts.append(f"{sh.label}: {text}")
    more = f"; and {len(sheets) - 6} more sheets" if len(sheets) > 6 else ""
    return "bactivate saw " + "; ".join(parts) + more + "."
