"""Helpers shared by the format readers: header keys, raw-cell frames, clock times.

A format reader turns its sheets into one frame of raw cells with the
canonical field columns (``date``, ``time``, ``activity``, ``mood`` ...), any
extra columns, and the bookkeeping columns ``_row`` / ``_sheet`` / ``_repeat``
that :func:`bactivate.io.tidy.tidy_log` expects (plus, where needed, ``_cell``,
``_column``, ``_entry``, ``_skip`` and ``_problem``; see
:class:`bactivate.io.context.Entries`).
"""

from __future__ import annotations

import re

import pandas as pd

from bactivate.errors import LogError
from bactivate.io import cells
from bactivate.io.context import Context
from bactivate.io.headers import plain_key


def row_keys(raw: pd.DataFrame, pos: int) -> list[str]:
    """The header keys (:func:`bactivate.io.headers.plain_key`) of row *pos*."""
    return [plain_key(c) for c in raw.iloc[pos].tolist()]


def _first_rows(raw: pd.DataFrame, n: int = 15) -> range:
    """Positions of the top *n* rows."""
    return range(min(n, len(raw)))


def find_row(raw: pd.DataFrame, test, n: int = 15) -> int | None:
    """Position of the first of the top *n* rows whose keys pass *test* (a set -> bool).

    Parameters
    ----------
    raw : DataFrame
        A sheet's cells.
    test : callable
        A set of header keys to bool (a format's ``is_header``).
    n : int
        How many rows to look at.

    Returns
    -------
    int or None

    Examples
    --------
    >>> raw = pd.DataFrame([["Title", None], ["Mood", "Time"]])
    >>> find_row(raw, lambda keys: {"mood", "time"} <= keys)
    1
    """
    for pos in _first_rows(raw, n):
        if test(set(row_keys(raw, pos)) - {""}):
            return pos
    return None


def columns_by_name(raw: pd.DataFrame, pos: int) -> dict[str, int]:
    """Header key -> column position (the first column of that name) of row *pos*.

    Parameters
    ----------
    raw : DataFrame
    pos : int

    Returns
    -------
    dict

    Examples
    --------
    >>> columns_by_name(pd.DataFrame([["Mood", " TIME ", "mood"]]), 0)
    {'mood': 0, 'time': 1}
    """
    out: dict[str, int] = {}
    for j, k in enumerate(row_keys(raw, pos)):
        if k and k not in out:
            out[k] = j
    return out


def body_rows(raw: pd.DataFrame, header: int) -> pd.DataFrame:
    """The rows below *header* that are not blank (index = the user's row number - 1).

    Parameters
    ----------
    raw : DataFrame
    header : int

    Returns
    -------
    DataFrame

    Examples
    --------
    >>> body_rows(pd.DataFrame([["a"], [None], ["x"]]), 0).index.tolist()
    [2]
    """
    body = raw.iloc[header + 1:]
    if body.empty:
        return body
    blank = pd.DataFrame({c: cells.blank(body[c]) for c in body.columns}, index=body.index)
    return body[~blank.all(axis=1)]


def bookkeeping(frame: pd.DataFrame, sheet_name) -> pd.DataFrame:
    """Add ``_row`` (the user's row or line number), ``_sheet`` and ``_repeat`` (in place; returned)."""
    frame["_row"] = (frame.index.to_numpy() + 1).astype("int64")
    frame["_sheet"] = sheet_name
    frame["_repeat"] = False
    return frame


def clock_text(col: pd.Series) -> pd.Series:
    """Times of day (``6:50 pm``, ``10:04 AM``, ``14:58``) as ``HH:MM`` text.

    Writing them with a leading zero on the 24-hour clock keeps the long
    reader from taking a morning time for an afternoon one when the rows are
    not in time order (Daylio lists the newest entry first). Cells that are
    not a time are left as written, so that the reader reports them.

    Parameters
    ----------
    col : Series

    Returns
    -------
    Series

    Examples
    --------
    >>> clock_text(pd.Series(["6:50 pm", "10:04 AM", "later"])).tolist()
    ['18:50', '10:04', 'later']
    """
    t, _, reasons = cells.parse_time(col)
    ok = t.notna() & reasons.isna()
    return cells.hhmm(t).where(ok, col.astype(object).where(~cells.blank(col)))


def shown(keys) -> str:
    """Keys as ``'a', 'b'`` in a message."""
    return ", ".join(repr(k) for k in keys)


def explode_activities(frame: pd.DataFrame, acts: pd.Series) -> tuple[pd.DataFrame, int]:
    """One row per activity of a pipe-joined cell (``"walk | movies / tv"``), in an ``activity`` column.

    Rows without activities stay one row with none. The rows of one source row
    share its other cells (and its ``_entry``).

    Parameters
    ----------
    frame : DataFrame
    acts : Series
        The pipe-joined activities of each row of *frame*.

    Returns
    -------
    tuple
        The frame, and how many rows held several activities.

    Examples
    --------
    >>> out, n = explode_activities(pd.DataFrame({"mood": [5, 7]}), pd.Series(["walk | tv", None]))
    >>> out["activity"].tolist(), n
    (['walk', 'tv', nan], 1)
    """
    text = acts.astype("str").where(~cells.blank(acts), "")
    # the bare separator, parts stripped after: \s*\|\s* is quadratic on a long run of spaces
    pieces = text.str.split("|", regex=False).explode().str.strip()
    named = pieces != ""
    has_any = named.groupby(level=0).transform("any")
    keep = named | (~has_any & ~pieces.index.duplicated())
    pieces = pieces[keep]
    out = frame.loc[pieces.index].copy()
    out.insert(0, "activity", pieces.where(pieces != "").to_numpy())
    return out.reset_index(drop=True), int((named.groupby(level=0).sum() > 1).sum())


def entry_rows(frame: pd.DataFrame, sheet_name, acts: pd.Series, ctx: Context, *, header: str,
               note) -> pd.DataFrame:
    """The rows of an app export with pipe-joined activities, one row per activity.

    Adds the bookkeeping columns and an ``_entry`` id per source line (``"sheet:row"``), then
    explodes *acts* (:func:`explode_activities`); *header* is the source column shown for
    ``activity`` in messages (set in *ctx* unless it names one), and ``note(n)`` the note
    added to *ctx* when *n* lines held several activities.

    Parameters
    ----------
    frame : DataFrame
    sheet_name : str or None
    acts : Series
    ctx : Context
        The sheet's context, added to.
    header : str
    note : callable

    Returns
    -------
    DataFrame

    Examples
    --------
    >>> ctx = Context()
    >>> out = entry_rows(pd.DataFrame({"mood": [5]}), None, pd.Series(["a | b"]), ctx,
    ...                  header="activities", note=lambda n: f"{n} split")
    >>> out["_entry"].tolist(), ctx.notes, ctx.headers
    (['1', '1'], ['1 split'], {'activity': 'activities'})
    """
    frame = bookkeeping(frame, sheet_name)
    frame["_entry"] = (str(sheet_name) + ":" if sheet_name is not None else "") + frame["_row"].astype("str")
    ctx.headers.setdefault("activity", header)
    out, n_multi = explode_activities(frame, acts)
    if n_multi:
        ctx.notes.append(note(n_multi))
    return out



#: Month names (nominative, and genitive where a language writes dates with it) in the
#: languages Daylio ships, lower case -> month number. Standard (CLDR) names.
MONTHS = {name: n for names in (
    "januar februar märz april mai juni juli august september oktober november dezember",  # de
    "styczeń luty marzec kwiecień maj czerwiec lipiec sierpień wrzesień październik listopad grudzień",
    "stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października listopada grudnia",
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",  # es
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",  # fr
    "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
    "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",  # pt
    "januari februari maart april mei juni juli augustus september oktober november december",  # nl
    "январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь",  # ru
    "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
    "leden únor březen duben květen červen červenec srpen září říjen listopad prosinec",  # cs
    "ledna února března dubna května června července srpna září října listopadu prosince",
    "ocak şubat mart nisan mayıs haziran temmuz ağustos eylül ekim kasım aralık",  # tr
) for n, name in enumerate(names.split(), start=1)} | {"jänner": 1, "setiembre": 9}
_ENGLISH = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
            "October", "November", "December")
_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
_MONTH_WORD = re.compile(rf"(?<![^\W\d_])({_MONTH_ALT})(?![^\W\d_])", re.IGNORECASE)
_MONTH_ANY = re.compile(rf"(?<![^\W\d_])(?:{_MONTH_ALT})(?![^\W\d_])", re.IGNORECASE)


def english_months(col: pd.Series) -> tuple[pd.Series, int]:
    """Dates written with month names in another language (``7 września``, ``16 de octubre``,
    ``7. März``) as English text (``7 September``), so that dates are read as usual.

    Work is done once per distinct text. Cells without such a month name are left as they are.

    Parameters
    ----------
    col : Series
        Date texts.

    Returns
    -------
    tuple
        The texts, and how many cells were translated.

    Examples
    --------
    >>> out, n = english_months(pd.Series(["7 września 2018", "16 de octubre", "1er mars", "May 3"]))
    >>> out.tolist(), n
    (['7 September 2018', '16 October', '1 March', 'May 3'], 3)
    """
    text = col.astype("str").where(~cells.blank(col))

    def one(u: pd.Series) -> pd.Series:
        low = u.astype("str")
        hit = low.str.contains(_MONTH_ANY, regex=True).fillna(False).astype(bool)
        out = low.str.replace(_MONTH_WORD, lambda m: _ENGLISH[MONTHS[m.group(1).lower()] - 1], regex=True)
        out = (out.str.replace(r"(?<=\d)(?:er|\.)(?=\s)", "", regex=True)
               .str.replace(r"\s+de(?:l)?\s+", " ", regex=True).str.strip())
        return out.where(hit, u)

    out = cells.distinct(text, one)
    changed = (out != text) & text.notna()
    return out.where(text.notna(), col), int(changed.sum())


def each_sheet(sheets, opts, is_header, read_sheet, label: str, first_line: str):
    """``(frame, Context)``: the entries of every sheet that has *label*'s header, joined.

    *read_sheet(sheet, header_row, opts)* returns one sheet's ``(frame or None, Context)``;
    a named sheet without the header is skipped with a note. A LogError saying what the
    export starts with (*first_line*) when no sheet has it.

    Examples
    --------
    >>> from bactivate.io.context import ReadOptions
    >>> each_sheet([], ReadOptions(file="x.csv"), None, None, "Bearable", "date,weekday")
    Traceback (most recent call last):
    bactivate.errors.LogError: x.csv: no Bearable export found: it starts with a line such as 'date,weekday'
    """
    parts, contexts = [], []
    for sh in sheets:  # a loop over sheets
        h = find_row(sh.cells, is_header, n=5)
        if h is None:
            if sh.name is not None:
                contexts.append(Context(notes=[f"skipped sheet {sh.name!r}: no {label} header"]))
            continue
        part, ctx = read_sheet(sh, h, opts)
        contexts.append(ctx)
        if part is not None:
            parts.append(part)
    if not parts:
        raise LogError(f"{opts.file}: no {label} export found: it starts with a line such as "
                       f"'{first_line}'")
    return pd.concat(parts, ignore_index=True, sort=False), Context.merge(contexts, opts.file)

