"""iMoodJournal's CSV export: one line per entry, one 0/1 column per hashtag.

Columns (read by name; every header and value quoted, a byte-order mark before
the first quote)::

    "Date","Day of week","Hour","Minute","Level","LevelText","Comment","coffee","friends",...

* ``Date`` ("September 5, 2015") with ``Hour`` and ``Minute`` (zero-padded)
  give the entry's time, to the minute; ``Day of week`` is not used.
* ``Level`` is the mood on iMoodJournal's 1-10 scale ("(1) Couldn't be worse"
  ... "(10) Awesome"), mapped onto 0-10; ``LevelText`` is kept as the extra
  column ``level_text``.
* ``Comment`` is the note (it may run over several lines; it keeps its
  ``#hashtags``).
* Each hashtag column holding 1 is an activity of that entry: one tidy row per
  activity, the rows of one entry sharing its id, time, mood and note (as for
  Daylio).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bactivate._util import plural
from bactivate.io import cells
from bactivate.io.context import Context, Entries, ReadOptions
from bactivate.io.formats._common import (
    body_rows,
    columns_by_name,
    each_sheet,
    entry_rows,
    find_row,
    row_keys,
)

NAME = "imoodjournal"
LABEL = "an iMoodJournal export"
#: iMoodJournal's mood scale: Level 1 ("Couldn't be worse") to 10 ("Awesome").
MOOD_SCALE = (1.0, 10.0)
_COLUMNS = ("date", "day of week", "hour", "minute", "level", "leveltext", "comment")


def is_header(keys: set[str]) -> bool:
    """An iMoodJournal header: Date, Hour, Minute and Level, with LevelText or Day of week.

    Examples
    --------
    >>> is_header({"date", "day of week", "hour", "minute", "level", "leveltext", "comment"})
    True
    >>> is_header({"date", "hour", "mood"})
    False
    """
    return {"date", "hour", "minute", "level"} <= keys and bool({"leveltext", "day of week"} & keys)


def sign(raw: pd.DataFrame) -> str | None:
    """What shows an iMoodJournal export in *raw* (its header row), or None.

    Examples
    --------
    >>> sign(pd.DataFrame([["Date", "Day of week", "Hour", "Minute", "Level", "LevelText"]]))
    'the header in row 1 names date, day of week, hour, minute, level, leveltext'
    """
    pos = find_row(raw, is_header, n=5)
    if pos is None:
        return None
    names = [k for k in row_keys(raw, pos) if k]
    return f"the header in row {pos + 1} names " + ", ".join(names[:7])


def read(sheets, opts: ReadOptions) -> Entries:
    """The raw entries of an iMoodJournal export: one row per hashtag of each entry.

    Parameters
    ----------
    sheets : list of Sheet
    opts : ReadOptions
        ``file`` is used.

    Returns
    -------
    Entries
        Its context holds iMoodJournal's 1-10 mood scale (``scales={"mood": ...}`` overrides it).

    Raises
    ------
    LogError
        With no iMoodJournal header.

    Examples
    --------
    >>> from bactivate.io.files import read_sheets
    >>> sheets = [sh.grid() for sh in read_sheets("data/sample/formats/imoodjournal-export.csv")]
    >>> entries = read(sheets, ReadOptions(file="imoodjournal-export.csv"))
    >>> entries.context.hints["mood"], entries.context.headers["mood"]
    ((1.0, 10.0), 'Level')
    """
    out, ctx = each_sheet(sheets, opts, is_header, _sheet, "iMoodJournal",
                          "Date,Day of week,Hour,Minute,Level,LevelText,Comment,...")
    ctx.hints.setdefault("mood", MOOD_SCALE)
    ctx.scale_how.setdefault("mood", "iMoodJournal rates mood as a Level from 1 to 10; pass "
                                     "scales={'mood': (low, high)} if your export uses another scale")
    return Entries(out, ctx, NAME)


def _sheet(sh, h: int, opts: ReadOptions) -> tuple[pd.DataFrame | None, Context]:
    """One sheet's entries (or None when it has none), and its context."""
    ctx = Context()
    raw = sh.cells
    col = columns_by_name(raw, h)
    body = body_rows(raw, h)
    if body.empty:
        ctx.notes.append(f"{opts.file}: an iMoodJournal header but no entries below it")
        return None, ctx

    def get(name):
        return body.iloc[:, col[name]] if name in col else pd.Series(np.nan, index=body.index, dtype=object)

    frame = pd.DataFrame(index=body.index)
    frame["date"] = get("date")
    hour, minute = (_two_digits(get(k)) for k in ("hour", "minute"))
    both = hour.notna() & minute.notna()
    frame["time"] = (hour + ":" + minute).where(both, hour.where(minute.isna(), get("hour")))
    frame["mood"] = get("level")
    frame["note"] = get("comment")
    if "leveltext" in col:
        frame["level_text"] = get("leveltext")
    ctx.headers.update({"date": "Date", "time": "Hour and Minute", "mood": "Level", "note": "Comment"})
    tags = [j for j in range(raw.shape[1]) if j not in set(col[k] for k in _COLUMNS if k in col)
            and isinstance(raw.iat[h, j], str) and raw.iat[h, j].strip()]
    acts = _tags(body, tags, [str(raw.iat[h, j]).strip() for j in tags])
    ctx.notes.append(f"iMoodJournal: each entry's time from its Hour and Minute; {plural(len(tags), 'hashtag')} "
                     "read as activities (a 1 in a hashtag's column: one row per hashtag, sharing the "
                     "entry's id, time, mood and note); LevelText kept as 'level_text'")
    out = entry_rows(frame, sh.name, acts, ctx, header="hashtag columns",
                     note=lambda n: f"iMoodJournal: {plural(n, 'entry')} with several hashtags")
    return out, ctx


def _two_digits(col: pd.Series) -> pd.Series:
    """``9``, ``"09"``, ``9.0`` as ``"09"``; other cells NA."""
    text = col.astype("str").str.strip().str.replace(r"\.0$", "", regex=True)
    ok = text.str.fullmatch(r"\d{1,2}").fillna(False).astype(bool) & ~cells.blank(col)
    return text.str.zfill(2).where(ok)


def _tags(body: pd.DataFrame, positions: list[int], names: list[str]) -> pd.Series:
    """The hashtags (columns holding 1) of each line, joined with `` | ``."""
    if not positions:
        return pd.Series(np.nan, index=body.index, dtype=object)
    on = body.iloc[:, positions].isin([1, "1", "1.0", True]).to_numpy()
    rows, cols = np.nonzero(on)
    names_arr = np.array([n.replace("|", "/") for n in names], dtype=object)
    joined = pd.Series(names_arr[cols], index=body.index[rows]).groupby(level=0, sort=False).agg(" | ".join)
    return joined.reindex(body.index)
