"""The BATD-R daily monitoring form: Time | Activity | Enjoyment (0-10) | Importance (0-10).

One sheet per day (or one file per day). The day's date comes from, in this
order: a Date column, a title cell above the header ("Date: 2 March 2026", or
"Date:" with the date in the next cell, or a cell holding only a date), the
sheet's name ("2026-03-02", "Mon 2 Mar 2026"), or a date in the file's name
("batd-2026-03-02.csv"). Enjoyment is read as ``pleasure`` (0-10); Importance
is kept as the extra column ``importance`` (0-10, as written): it is how much
the activity matters to the client's values, not ``mastery``.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from bactivate._util import plural
from bactivate.errors import LogError
from bactivate.io import cells, headers
from bactivate.io.context import Context, Entries, ReadOptions
from bactivate.io.formats._common import find_row
from bactivate.io.long import sheet_entries
from bactivate.io.when import dayfirst_note

NAME = "batd"
LABEL = "a BATD-R daily monitoring form"
_DATE_LABEL = re.compile(r"^\s*(?:date|day|datum)\s*[:=\-–]\s*(.*\S)\s*$", re.IGNORECASE)
_DATE_ONLY_LABEL = re.compile(r"^\s*(?:date|day|datum)\s*[:=]?\s*$", re.IGNORECASE)
_ISO_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")


def _hkeys(keys) -> set[str]:
    """The header keys (:func:`bactivate.io.headers.header_key`) of a set of cells."""
    return {headers.header_key(k) for k in keys}


def is_header(keys: set[str]) -> bool:
    """Activity, Enjoyment (or Pleasure) and Importance columns."""
    hk = _hkeys(keys)
    return {"activity", "importance"} <= hk and bool({"enjoyment", "pleasure", "enjoy"} & hk)


def looks_partly(keys: set[str]) -> bool:
    """An Importance column without the rest of the form's header."""
    hk = _hkeys(keys)
    return "importance" in hk and not is_header(keys)


def sign(raw: pd.DataFrame) -> str | None:
    """What shows a BATD-R form in *raw* (its header row), or None."""
    pos = find_row(raw, is_header)
    if pos is None:
        return None
    names = [str(c).strip() for c in raw.iloc[pos].tolist() if isinstance(c, str) and c.strip()]
    return f"row {pos + 1} names " + ", ".join(names[:6])


def read(sheets, opts: ReadOptions) -> Entries:
    """The raw entries of BATD-R forms: each form read as a long sheet, dated by its day.

    Parameters
    ----------
    sheets : list of Sheet
    opts : ReadOptions
        ``file`` (its name may hold the date) and ``dayfirst`` are used.

    Returns
    -------
    Entries
        Enjoyment as ``pleasure`` on 0-10, Importance as the extra column ``importance``;
        ``context.dayfirst`` says how day/month order was settled, if the dates did.

    Raises
    ------
    LogError
        With no form, no date for a form, or no activities.

    Examples
    --------
    >>> from bactivate.io.files import read_sheets
    >>> sheets = [sh.grid() for sh in read_sheets("data/sample/formats/batd-forms.xlsx")]
    >>> entries = read(sheets, ReadOptions(file="batd-forms.xlsx"))
    >>> len(entries.cells), entries.context.hints["pleasure"]
    (39, (0.0, 10.0))
    """
    forms, contexts = [], []
    for sh in sheets:  # a loop over sheets
        h = find_row(sh.cells, is_header)
        if h is None:
            if sh.name is not None:
                contexts.append(Context(notes=[f"skipped sheet {sh.name!r}: it holds no BATD-R form "
                                               "(no Time | Activity | Enjoyment | Importance header)"]))
            continue
        forms.append((sh, h))
    if not forms:
        raise LogError(f"{opts.file}: no BATD-R form found: the form's header names Time, Activity, "
                       "Enjoyment (0-10) and Importance (0-10)")
    dates, dated = _sheet_dates(forms, opts)
    contexts.append(dated)
    parts = []
    for (sh, h), day in zip(forms, dates, strict=True):
        frame, ctx = sheet_entries(sh, opts)
        if frame is not None:
            if "date" not in frame.columns:
                frame.insert(0, "date", day)
            frame = _importance(frame, ctx, sh, h)
            parts.append(frame)
        contexts.append(ctx)
    ctx = Context.merge(contexts, opts.file)
    if not parts:
        raise LogError(f"{opts.file}: the BATD-R form has a header but no activities below it")
    if "pleasure" in ctx.hints:
        ctx.scale_how.setdefault("pleasure", "Enjoyment (0-10) named in the header")
    else:
        ctx.hints["pleasure"] = (0.0, 10.0)
        ctx.scale_how["pleasure"] = "the BATD-R form rates Enjoyment from 0 to 10"
    ctx.notes.append("BATD-R: Enjoyment read as pleasure; Importance kept as the extra column "
                     "'importance' (0-10, as written): how much the activity matters, not mastery")
    return Entries(pd.concat(parts, ignore_index=True, sort=False), ctx, NAME)


def _date_texts(forms, opts: ReadOptions) -> tuple[list, list]:
    """Where each form's day is written: a Date column (None here), a title cell, the sheet or file name."""
    texts, hows = [], []
    for sh, h in forms:
        head = {headers.header_key(c) for c in sh.cells.iloc[h].tolist()}
        if "date" in head or "day" in head:
            texts.append(None)
            hows.append("column")
            continue
        text, how = _title_date(sh.cells.iloc[:h]), "title"
        if text is None and sh.name is not None:
            text, how = sh.name, "sheet name"
        if text is None:
            m = _ISO_IN_NAME.search(Path(opts.file).stem)
            text, how = (m.group(1), "file name") if m else (None, None)
        texts.append(text)
        hows.append(how)
    return texts, hows


def _sheet_dates(forms, opts: ReadOptions) -> tuple[list, Context]:
    """The day of each form (None where a Date column gives it), and a context: notes, day/month order."""
    texts, hows = _date_texts(forms, opts)
    series = pd.Series([t if t is not None else np.nan for t in texts], dtype=object)
    try:
        parsed, _, info = cells.parse_date(series, opts.dayfirst)
    except ValueError as exc:
        raise LogError(f"{opts.file}: the BATD-R forms' dates: {exc}") from None
    ctx = Context()
    if info.get("dayfirst") is not None:
        ctx.dayfirst = info
        ctx.notes.append(dayfirst_note(info))
    missing = [(sh, t) for (sh, _), t, how, d in zip(forms, texts, hows, parsed, strict=True)
               if how != "column" and pd.isna(d)]
    if missing:
        where = ", ".join(f"sheet {sh.name!r}" if sh.name is not None else opts.file for sh, _ in missing)
        raise LogError(
            f"{opts.file}: no date for the BATD-R form in {where}: write the day above the header "
            "(e.g. 'Date: 2 March 2026'), name the sheet by its date (e.g. '2026-03-02'), or add a "
            "Date column")
    counts = pd.Series(hows).value_counts()
    ctx.notes.append("BATD-R: each form's day from " + "; ".join(
        f"its {how}" + (f" ({plural(int(n), 'form')})" if len(forms) > 1 else "")
        for how, n in counts.items()))
    return [d if how != "column" else None for d, how in zip(parsed, hows, strict=True)], ctx


def _title_date(top: pd.DataFrame) -> str | None:
    """'Date: 2 March 2026', or 'Date:' and the date in the next cell, or a lone date cell."""
    grid = top.to_numpy(dtype=object)
    for i in range(grid.shape[0]):  # a few title rows
        for j in range(grid.shape[1]):
            cell = grid[i, j]
            if isinstance(cell, str):
                m = _DATE_LABEL.match(cell)
                if m:
                    return m.group(1)
                if _DATE_ONLY_LABEL.match(cell):
                    right = [c for c in grid[i, j + 1:] if not cells.blank_cell(c)]
                    if right:
                        return right[0]
            elif isinstance(cell, pd.Timestamp | np.datetime64) or hasattr(cell, "year"):
                return cell
    return None


def _importance(frame: pd.DataFrame, ctx: Context, sh, h) -> pd.DataFrame:
    """The Importance column as numbers in 0-10 (as written), named ``importance``; *ctx* told so."""
    head = [str(c).strip() if isinstance(c, str) else "" for c in sh.cells.iloc[h].tolist()]
    name = next((c for c in head if headers.header_key(c) == "importance"), None)
    if name is None or name not in frame.columns:
        return frame
    col = frame.pop(name)
    if name in ctx.extras:
        ctx.extras.remove(name)
    lo, hi = headers.scale_hint(name) or (0.0, 10.0)
    vals, reasons, den = cells.parse_number(col)
    out_of = vals.notna() & ((vals < lo) | (vals > hi) | (den.notna() & (den != hi)))
    reasons = reasons.where(~out_of, "'" + col.astype("str").str.strip() + "' is outside the "
                            f"Importance scale ({lo:g}-{hi:g}): write a rating from {lo:g} to {hi:g}")
    frame["importance"] = vals.where(reasons.isna())
    if reasons.notna().any():  # the cell is left blank and listed; its row stays
        frame["_cell_problem"] = reasons
        frame["_cell_value"] = col.astype("str").str.strip().where(reasons.notna())
        ctx.sheet_headers.setdefault("_cell_value", {})[sh.name or ""] = name  # rejected rows name it
    return frame
