"""A long sheet (one row per entry) to raw entries: the header found, each column named.

:func:`sheet_entries` reads one sheet: it finds the header row (also one over
two rows), the client a title names, names every column with its tidy field or
keeps it as an extra column, and keeps the rows that are not blank.
:func:`read_long` does that for every sheet of a file and joins the results
into :class:`~bactivate.io.context.Entries`, with one
:class:`~bactivate.io.context.Context` for the file; :func:`finish` is its last
step, which :mod:`bactivate.io.many` shares.

>>> from bactivate.io.files import read_sheets
>>> from bactivate.io.context import ReadOptions
>>> entries = read_long(read_sheets("data/sample/client-alex.xlsx"), ReadOptions(file="client-alex.xlsx"))
>>> entries.cells.shape, entries.context.headers["mastery"]
((235, 14), 'M (0-10)')
"""

from __future__ import annotations

import dataclasses
from typing import NamedTuple

import numpy as np
import pandas as pd

from bactivate._util import plural, plural_word
from bactivate.errors import LogError
from bactivate.io import cells
from bactivate.io import headers as hdr
from bactivate.io.context import Context, Entries, ReadOptions
from bactivate.io.files import Sheet, column_letter
from bactivate.io.scales import settle_scale
from bactivate.schema import RATINGS, TIDY_COLUMNS, used_codes

# --------------------------------------------------------------------------- cells at once
# move to io/cells.py at_once / blank_frame (WP5)

#: A sheet this wide (and no bigger than _WIDE_CELLS cells) has its cells tested all at once.
_WIDE, _WIDE_CELLS = 20, 2_000_000


def _all_objects(frame: pd.DataFrame) -> bool:
    """Every column holds object cells (a worksheet's)."""
    return bool(frame.shape[1]) and all(dt == np.dtype(object) for dt in frame.dtypes)


def cells_at_once(frame: pd.DataFrame) -> pd.DataFrame | None:
    """*frame* as object cells when its cells are best tested all at once, else None.

    A worksheet's cells, or a wide sheet of few rows, are tested all at once; other
    frames column by column, each on its own distinct cells.

    Parameters
    ----------
    frame : DataFrame

    Returns
    -------
    DataFrame or None

    Examples
    --------
    >>> cells_at_once(pd.DataFrame({"a": [1.0]})) is None
    True
    """
    # speed: benchmark row W1, docs/performance.md (and the 1,000-column bound of test_limits)
    if _all_objects(frame):
        return frame
    if frame.shape[1] >= _WIDE and frame.size <= _WIDE_CELLS:
        return frame.astype(object)
    return None


def per_cell(frame: pd.DataFrame, func, missing) -> np.ndarray:
    """*func* on the distinct cells of a whole frame of object cells, as a 2-D array of its shape.

    Parameters
    ----------
    frame : DataFrame
        Object cells.
    func : callable
        Distinct cells (a Series) to a Series of results.
    missing : object
        The result for a missing cell.

    Returns
    -------
    ndarray

    Examples
    --------
    >>> per_cell(pd.DataFrame({"a": ["x", None]}, dtype=object), lambda u: u.str.upper(), "").tolist()
    [['X'], ['']]
    """
    flat = pd.Series(frame.to_numpy(dtype=object).ravel(), dtype=object)
    return cells.distinct(flat, func, missing=missing).to_numpy().reshape(frame.shape)


def blank_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """True where a cell of *frame* is blank (:func:`bactivate.io.cells.blank`), all cells at once.

    Parameters
    ----------
    frame : DataFrame

    Returns
    -------
    DataFrame of bool

    Examples
    --------
    >>> blank_frame(pd.DataFrame({"a": ["x", " "], "b": [None, 1]})).to_numpy().tolist()
    [[False, True], [True, False]]
    """
    # speed: benchmark row W1, docs/performance.md
    coded = [j for j, dt in enumerate(frame.dtypes) if isinstance(dt, pd.CategoricalDtype)]
    if coded and len(frame):
        return _blank_coded(frame, coded)
    at_once = cells_at_once(frame) if len(frame) else None
    if at_once is not None:
        got = per_cell(at_once, cells.blank, missing=True)
        return pd.DataFrame(got.astype(bool), index=frame.index, columns=frame.columns)
    return pd.DataFrame({c: cells.blank(frame[c]) for c in frame.columns}, index=frame.index)


def _blank_coded(frame: pd.DataFrame, coded: list[int]) -> pd.DataFrame:
    """:func:`blank_frame` of a frame with coded columns (at positions *coded*): the distinct cells
    of all of them tested at once, spread by their codes (a missing cell is blank); the others as
    :func:`blank_frame` tests them."""
    # speed: benchmark row W1, docs/performance.md (the stacked table's coded columns, in io.tidy)
    cats = [np.asarray(frame.iloc[:, j].cat.categories, dtype=object) for j in coded]
    flat = pd.Series(np.concatenate([*cats, np.array([None], dtype=object)]), dtype=object)
    is_blank = cells.blank(flat).to_numpy(bool)
    got, ends = {}, np.cumsum([len(k) for k in cats])
    for j, end, k in zip(coded, ends, cats, strict=True):  # a loop over columns
        codes = frame.iloc[:, j].cat.codes.to_numpy()
        got[j] = np.append(is_blank[end - len(k):end], True)[codes]
    others = [j for j in range(frame.shape[1]) if j not in got]
    if others:
        rest = blank_frame(frame.iloc[:, others])
        got.update({j: rest.iloc[:, n].to_numpy(bool) for n, j in enumerate(others)})
    out = pd.DataFrame({j: got[j] for j in range(frame.shape[1])}, index=frame.index)
    out.columns = frame.columns
    return out


# --------------------------------------------------------------------------- the header
# move to io/headers.py second_header_row / repeats_header / locate (WP5)


def _second_header_row(head: list, below: list, columns) -> list | None:
    """The header of a sheet whose header spans two rows, or None.

    A group label merged over several columns ("Ratings" over D1:E1) with the fields
    named in the row below ("Mastery", "Pleasure"): the row below counts when every cell
    in it is blank or names a field, and at least one of those stands under a blank cell
    or a cell that names no field. Each column then takes the name below it, if any.
    """
    names = {}
    for j, c in enumerate(below):  # a loop over the header's cells
        if cells.blank_cell(c):
            continue
        field = hdr.field_for(c, columns) if isinstance(c, str) else None
        if field is None:
            return None
        names[j] = c
    under_label = [j for j in names if j >= len(head) or not isinstance(head[j], str) or not head[j].strip()
                   or hdr.field_for(head[j], columns) is None]
    if not names or not under_label:
        return None
    return [names.get(j, head[j] if j < len(head) else None) for j in range(max(len(head), len(below)))]


def _cell_key(u: pd.Series) -> pd.Series:
    """Distinct cells as header keys: lower case, letters and digits only ("Mood (0-10)" -> "mood010")."""
    return u.astype("str").str.lower().str.replace(r"[^0-9a-z]+", "", regex=True)


def _same_key(col: pd.Series, key: str) -> np.ndarray:
    """1 where a cell of *col* has the header key *key*."""
    hit = cells.distinct(col, lambda u: (_cell_key(u) == key).fillna(False).astype(bool), missing=False)
    return hit.to_numpy(dtype=int)


def _repeats_header(body: pd.DataFrame, head: list) -> np.ndarray:
    """Rows that repeat the header (copied with each week's block, say)."""
    keys = np.array([hdr.header_key(h) for h in head], dtype=object)
    named = keys != ""
    if not named.any() or body.empty:
        return np.zeros(len(body), dtype=bool)
    at_once = cells_at_once(body)
    if at_once is not None:  # a worksheet's cells, or a wide sheet's: all of them at once
        norm = per_cell(at_once, lambda u: _cell_key(u).where(u.notna(), ""), missing="")
        hits = ((norm == keys[None, :]) & named[None, :]).sum(axis=1)
        return hits >= 2
    hits = np.zeros(len(body), dtype=int)
    for j, key in enumerate(keys):
        col = body.iloc[:, j]
        # speed: benchmark row W2-csv: a coded column none of whose distinct cells is the header's
        # adds nothing (most files repeat no header): no hit to spread over the rows
        if key and not (cells.coded(col) and not _cell_key(pd.Series(col.cat.categories)).eq(key).any()):
            hits += _same_key(col, key)
    return hits >= 2


class HeaderRow(NamedTuple):
    """Where a sheet's header is (``pos``), its cells, whether it spans two rows, and the note saying so."""

    pos: int
    head: list
    two_rows: bool
    note: str | None


def _locate(sh: Sheet, opts: ReadOptions, label: str) -> HeaderRow | None:
    """S2: the header row of a sheet (a typed header, a found one, or one over two rows), or None."""
    raw = sh.cells
    h = 0 if sh.typed_header else hdr.find_header(raw, opts.columns)
    if h is None:
        return None
    head = raw.iloc[h].tolist() if sh.head is None else list(sh.head)
    two_rows = sh.head is None and h + 1 < len(raw) and (
        merged := _second_header_row(head, raw.iloc[h + 1].tolist(), opts.columns)) is not None
    note = None
    if two_rows:
        note = (f"{label}: read rows {h + 1} and {h + 2} as one header (a header over two rows, such as "
                + ", ".join(f"{head[j]!r} above {merged[j]!r}" for j in range(len(head))
                            if merged[j] is not head[j] and isinstance(head[j], str) and head[j].strip())[:200]
                + ")")
        head = merged
    return HeaderRow(h, head, bool(two_rows), note)


def _body(sh: Sheet, at: HeaderRow) -> pd.DataFrame:
    """S4: the rows below the header; coded columns without the header's codes; a wide sheet as objects."""
    # speed: benchmark rows W2-csv and W1, docs/performance.md
    raw = sh.cells
    body = raw.iloc[at.pos + 1 + at.two_rows:] if sh.head is None else raw
    coded = [j for j in range(body.shape[1]) if cells.coded(body.iloc[:, j])]
    if body.shape[1] >= _WIDE and body.size <= _WIDE_CELLS:
        body = body.astype(object)  # a wide sheet of few rows: its cells are tested all at once
    elif coded and sh.head is None:  # the distinct cells of the rows below the header (not the header's)
        # (a typed table's header is apart, and its codes are all in use: astype("category"))
        above = raw.iloc[:at.pos + 1 + at.two_rows]
        body = body.copy()
        for j in coded:
            # a code no row below uses is one of the rows above (read_csv_fast codes the cells it read)
            maybe = np.unique(above.iloc[:, j].cat.codes.to_numpy())
            body.isetitem(j, cells.drop_unused(body.iloc[:, j], maybe=maybe[maybe >= 0]))
    return body


class Naming(NamedTuple):
    """S6: the sheet's columns by name, every header naming each field, what the headers told, and
    each ambiguous header's reading (header, field, whether its cells fit, what they are)."""

    cols: dict
    claims: dict
    ctx: Context
    choices: list = []


def _ambiguous(text: str, col: pd.Series, opts: ReadOptions) -> tuple[str, bool, str] | None:
    """S6: an ambiguous header (``Value``, ``Rating``...): the field it may name, whether its cells
    fit it, and what they are; None for any other header. A rating fits only on a scale that can
    be told (declared, in the header, or from the values), so that reading it never stops the read."""
    amb = hdr.ambiguous_field(text, opts.columns)
    if amb is None:
        return None
    fits, what = hdr.cells_fit(amb, col)
    if fits and amb in RATINGS:
        try:
            settle_scale(amb, cells.numeric(col).to_numpy(), header=hdr.scale_hint(text),
                         declared=opts.scales.get(amb))
        except LogError:
            return amb, False, what + " on a scale that cannot be told"
    return amb, fits, what


def _name_columns(head: list, body: pd.DataFrame, blank: pd.DataFrame, opts: ReadOptions,
                  sheet_key: str) -> Naming:
    """S6: name every column: a tidy field (a better match demotes a worse one), else an extra column."""
    out: dict[str, pd.Series] = {}
    taken: dict[str, int] = {}  # field -> rank of the column read as it
    claims: dict[str, list[str]] = {}  # field -> every header in this sheet that names it
    choices: list[tuple] = []  # the ambiguous headers: (header, field, fits, what the cells are)
    ctx = Context()
    for j, name in enumerate(head):
        text = "" if name is None or (isinstance(name, float) and np.isnan(name)) else str(name).strip()
        if not text:
            if blank.iloc[:, j].all():
                continue
            text = f"column {column_letter(j)}"
        field = hdr.field_for(text, opts.columns) if not text.startswith("column ") else None
        if field == "client" and _row_ids(text, body.iloc[:, j], opts):
            ctx.notes.append(f"{text!r} holds a different value on every row, so it is no participant "
                             f"column (a row id?): kept as an extra column (to read it as the client: "
                             f"columns={{{text!r}: 'client'}})")
            field = None
        amb = _ambiguous(text, body.iloc[:, j], opts) if not text.startswith("column ") else None
        if amb is not None:  # Value, Rating, Score...: a field only when the cells fit it
            choices.append((text, *amb))
            field = amb[0] if amb[1] else None
        if field is not None:
            claims.setdefault(field, []).append(text)
            rank = 2 if amb is not None else 0 if hdr.header_key(text) == field else 1
            if field not in taken or rank < taken[field]:
                if field in taken:  # a better match for this field: demote the earlier one
                    out[hdr.extra_name(ctx.sheet_headers[field][sheet_key], out)] = out.pop(field)
                taken[field] = rank
                out[field] = body.iloc[:, j]
                _told(ctx, field, text, sheet_key, opts.file)
                continue
        named_as = hdr.extra_for(text) if field is None and not _mapped(text, opts) else None
        name_out = hdr.extra_name(named_as or text, out)
        out[name_out] = body.iloc[:, j]
        if named_as is not None:
            ctx.notes.append(f"{text!r} kept as the extra column {name_out!r} (an experience-sampling "
                             "item bactivate knows; not a tidy field)")
        elif field is None and name_out not in ctx.extras:
            ctx.extras.append(name_out)
    return Naming(out, claims, ctx, choices)


#: Headers that name the participant in a study export but, in a hand-made log, may be a row id:
#: read as the client only when some value repeats (:func:`_row_ids`).
WEAK_CLIENT = frozenset({"id", "user", "person", "pp", "caseid", "respondent"})


def _mapped(text: str, opts: ReadOptions) -> bool:
    """The user's ``columns=`` names the header *text* (then it keeps the name they gave)."""
    return bool(opts.columns) and (text in opts.columns
                                   or any(hdr.header_key(k) == hdr.header_key(text) for k in opts.columns))


def _row_ids(text: str, col: pd.Series, opts: ReadOptions) -> bool:
    """An ``ID`` column whose every value differs (five rows or more): a row id, not the participant."""
    if hdr.header_key(text) not in WEAK_CLIENT or _mapped(text, opts):
        return False
    vals = col[~cells.blank(col)].astype("str").str.strip()
    return len(vals) >= 5 and not vals.duplicated().any()


#: A cell holding a date and a clock time: 2026-03-02 08:15, 02/03/2026 8:15, 2026-03-02T08:15:00Z.
_STAMP = r"^\s*(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4})(?:[T\s,]+)\d{1,2}:\d{2}"


def _stamps(col: pd.Series) -> bool:
    """Most written cells of *col* are full time stamps (a date and a clock time)."""
    filled = col[~cells.blank(col)]
    if filled.empty:
        return False
    if pd.api.types.is_datetime64_any_dtype(filled):
        return True
    # a date-time cell (an Excel or Parquet one) reads as text like "2026-03-02 08:15:00"
    text = cells.distinct(filled, lambda u: u.astype("str").str.contains(_STAMP, regex=True)
                          .fillna(False).astype(bool), missing=False)
    return float(text.mean()) >= 0.8


#: Fields whose column, when it holds full time stamps, is each entry's date and time
#: (``time``: an ESM export's "time" column; ``done``: a "Completed" column of when it was answered).
_STAMP_FIELDS = ("time", "done")


def _time_stamps(named: Naming, sheet_key: str, label: str) -> list[str]:
    """S6: a ``time`` (or ``completed``) column holding full time stamps read as the start, in place;
    the notes saying so."""
    cols, ctx = named.cols, named.ctx
    if "start" in cols:
        return []
    for fld in _STAMP_FIELDS:  # a loop over two fields
        if fld in cols and len(named.claims.get(fld, ())) <= 1 and _stamps(cols[fld]):
            text = ctx.sheet_headers.get(fld, {}).get(sheet_key, fld)
            cols["start"] = cols.pop(fld)
            ctx.sheet_headers.setdefault("start", {})[sheet_key] = text
            ctx.sheet_headers.get(fld, {}).pop(sheet_key, None)
            if not ctx.sheet_headers.get(fld):
                ctx.sheet_headers.pop(fld, None)
                ctx.headers.pop(fld, None)
            ctx.headers["start"] = text
            return [f"{label}: {text!r} holds full time stamps (a date and a time): read as each "
                    "entry's date and time"]
    return []


def _told(ctx: Context, field: str, text: str, sheet_key: str, file: str) -> None:
    """What the header *text*, read as *field*, tells: its name, a scale, a duration unit."""
    ctx.sheet_headers.setdefault(field, {})[sheet_key] = text
    ctx.headers[field] = text
    hint = hdr.scale_hint(text)
    if hint and field in RATINGS:
        prev = ctx.hints.get(field)
        if prev and prev != hint:
            raise LogError(f"{file}: the sheets declare different scales for "
                           f"{field}: {prev} and {hint}; use one scale throughout")
        ctx.hints[field] = hint
    if field == "duration":
        ctx.duration_unit = hdr.duration_unit(text) or ctx.duration_unit


def _claims_note(claims: dict[str, list[str]], chosen: dict[str, dict[str, str]], sheet_key: str,
                 label: str) -> list[str]:
    """S7: notes on the fields that more than one column of a sheet names, and which one was read."""
    notes = []
    for field, names in claims.items():
        if len(names) < 2:
            continue
        winner = chosen[field][sheet_key]
        others = list(names)
        others.remove(winner)
        how = (f"to choose another, pass e.g. columns={{{others[0]!r}: '{field}', {winner!r}: None}}"
               if others[0] != winner else "the headers are the same: rename one in the file to choose")
        notes.append(
            f"{label}: {', '.join(repr(n) for n in names)} all name {field}; {winner!r} was "
            f"read as {field}, the other{'s' if len(others) > 1 else ''} kept as extra columns "
            f"({how})")
    return notes


def _choices_note(choices: list, chosen: dict[str, dict[str, str]], sheet_key: str, label: str) -> list[str]:
    """S7: a note on each ambiguous header: the field it might name, its cells, and how it was read."""
    notes = []
    for text, field, fits, what in choices:
        holder = chosen.get(field, {}).get(sheet_key)
        if fits and holder == text:
            how = f"read as {field}"
        elif fits:
            how = f"{holder!r} is the {field}: kept as an extra column"
        else:
            how = "kept as an extra column"
        fix = (f" (to read it as {field}: columns={{{text!r}: {field!r}}})" if holder != text else
               f" (to keep it as an extra column: columns={{{text!r}: None}})")
        notes.append(f"{label}: {text!r} → {field}? its cells are {what}: {how}{fix}")
    return notes


def _rows(cols: dict, body: pd.DataFrame, blank: pd.DataFrame, head: list, sheet_name) -> pd.DataFrame:
    """S8: the rows that are not blank, with ``_row``, ``_sheet`` and ``_repeat``."""
    frame = pd.DataFrame(cols, index=body.index)
    keep = ~blank.all(axis=1)
    frame = frame[keep]
    frame["_row"] = (frame.index + 1).astype("int64")
    frame["_sheet"] = sheet_name
    frame["_repeat"] = _repeats_header(body[keep], head)
    frame.attrs = {}
    return frame


def sheet_entries(sh: Sheet, opts: ReadOptions) -> tuple[pd.DataFrame | None, Context]:
    """The raw entries of one long sheet, and what its header told.

    Parameters
    ----------
    sh : Sheet
        One sheet of raw cells (:func:`bactivate.io.files.read_sheets`).
    opts : ReadOptions
        ``file`` (for messages) and ``columns`` are used.

    Returns
    -------
    tuple
        ``(cells, context)``. *cells* is None when the sheet is empty, holds no
        header, or a header with no rows below it (the context's notes say
        which); else the named columns and ``_row``, ``_sheet``, ``_repeat``.

    Raises
    ------
    LogError
        When two columns of the sheet name different scales for one rating.

    Examples
    --------
    >>> from bactivate.io.files import read_sheets
    >>> sheets = read_sheets("data/sample/client-alex.xlsx")
    >>> sheet_entries(sheets[0], ReadOptions(file="client-alex.xlsx"))[1].notes
    ["skipped sheet 'Instructions': it holds no log (no header row naming log columns)"]
    >>> cells, ctx = sheet_entries(sheets[1], ReadOptions(file="client-alex.xlsx"))
    >>> len(cells), ctx.headers["date"], ctx.tidy_header
    (34, 'Date', False)
    """
    raw = sh.cells
    label = f"sheet {sh.name!r}" if sh.name is not None else opts.file
    if raw.empty or raw.shape[1] == 0:
        return None, Context(notes=[f"skipped {label}: it is empty"])
    at = _locate(sh, opts, label)
    if at is None:
        return None, Context(notes=[f"skipped {label}: it holds no log (no header row naming log columns)"])
    notes = [at.note] if at.note else []
    texts = [str(c).strip() if isinstance(c, str) else "" for c in at.head]
    client = None
    if at.pos:
        title = "\n".join(str(c) for c in raw.iloc[:at.pos].to_numpy().ravel() if isinstance(c, str))
        # "Client: Sam", else a title row naming the client ("Jordan - Activity Diary")
        client = hdr.client_in_title(title) or hdr.client_in_title_row(title)
    body = _body(sh, at)
    blank = blank_frame(body)
    sheet_key = sh.name or ""
    named = _name_columns(at.head, body, blank, opts, sheet_key)
    ctx = named.ctx
    stamped = _time_stamps(named, sheet_key, label)
    ctx.notes = (notes + ctx.notes + stamped + _choices_note(named.choices, ctx.sheet_headers, sheet_key, label)
                 + _claims_note(named.claims, ctx.sheet_headers, sheet_key, label))
    ctx.tidy_header = texts[: len(TIDY_COLUMNS)] == list(TIDY_COLUMNS)
    ctx.client = client
    frame = _rows(named.cols, body, blank, at.head, sh.name)
    if frame.empty:
        ctx.header_only.append(label)
        ctx.notes.append(f"skipped {label}: a header but no entries")
        return None, ctx
    return frame, ctx


#: Read the sheets of a workbook that share one plain header as one stacked table (issue 20; off: one
#: sheet at a time, as tests/io/test_fast_path.py compares).
STACK_SHEETS = True

#: Hand the stacked table's columns on as codes into their distinct cells (:func:`as_codes`); off,
#: as object cells (tests/io/test_stacked_sheets.py compares).
CODE_STACKED = True


def _stackable(sheets: list[Sheet], opts: ReadOptions) -> tuple[list[int], HeaderRow] | None:
    """The sheets (their positions) that have one header as their first row, and that header, when
    reading them stacked gives what reading them one by one gives; else None.

    Nothing read from the header may depend on the cells below it: no blank header cell (kept or
    not by its cells), no ``ID`` (a row id or the client), no ambiguous header (``Value``), no
    title above it, no second header row, the same header found on every sheet.
    """
    firsts = {}
    for i, sh in enumerate(sheets):  # a loop over sheets: their first rows only
        if sh.name is not None and not sh.typed_header and sh.head is None and len(sh.cells) >= 2 \
                and _all_objects(sh.cells):
            firsts.setdefault(tuple(sh.cells.iloc[0].tolist()), []).append(i)
    if not firsts:
        return None
    first, group = max(firsts.items(), key=lambda kv: len(kv[1]))
    if len(group) < 2 or not all(isinstance(c, str) and c.strip() for c in first) or any(
            hdr.header_key(c) in WEAK_CLIENT or hdr.ambiguous_field(c.strip(), opts.columns) is not None
            for c in first):
        return None
    for i in group:  # a loop over sheets: their header rows only
        at = _locate(sheets[i], opts, "")
        if at is None or at.pos != 0 or at.two_rows:
            return None
    return group, HeaderRow(0, list(first), False, None)


def _stacked_stamps(cols: dict, claims: dict, sheet_of: np.ndarray, n: int) -> bool:
    """No sheet's ``time`` or ``completed`` column holds full time stamps (:func:`_stamps`, per sheet)."""
    for fld in _STAMP_FIELDS:  # a loop over two fields
        if fld in cols and len(claims.get(fld, ())) <= 1:
            col = cols[fld]
            filled = ~cells.blank(col).to_numpy(bool)
            hit = cells.distinct(col[filled], lambda u: u.astype("str").str.contains(_STAMP, regex=True)
                                 .fillna(False).astype(bool), missing=False).to_numpy(bool)
            per = np.bincount(sheet_of[filled], minlength=n)
            share = np.bincount(sheet_of[filled], weights=hit, minlength=n) / np.maximum(per, 1)
            if ((per > 0) & (share >= 0.8)).any():
                return False
    return True


#: Kinds of non-text cells that never hash alike across kinds (1, 1.0 and True do): a column whose
#: non-text cells are all of one kind can be coded without merging cells that read differently.
_ONE_KIND = frozenset({"integer", "floating", "boolean", "datetime", "datetime64", "date", "time",
                       "timedelta", "timedelta64", "empty"})


def as_codes(col: pd.Series) -> pd.Series:
    """A column of worksheet cells as codes into its distinct cells (a ``category`` Series whose
    categories are the cells as they are), or the column itself when coding could merge cells
    that read differently (``1``, ``1.0`` and ``True`` in one column).

    Parameters
    ----------
    col : Series
        Object cells (a worksheet's).

    Returns
    -------
    Series

    Examples
    --------
    >>> as_codes(pd.Series([7, "", 7], dtype=object)).cat.codes.tolist()
    [0, 1, 0]
    >>> as_codes(pd.Series([1, True], dtype=object)).dtype
    dtype('O')
    """
    # speed: benchmark row W1, docs/performance.md: the typed fast path of io.tidy (ratings, yes/no)
    # and io.when (Date + Time) takes coded columns, as a CSV's; the categories are the cells as
    # calamine gave them (numbers, booleans, datetimes), so each distinct cell reads as it would
    kind = pd.api.types.infer_dtype(col, skipna=True)
    if kind in ("mixed", "mixed-integer"):  # text and other cells: the others must be of one kind
        kind = pd.api.types.infer_dtype(col[col.str.len().isna() & col.notna()], skipna=True)
    if kind not in _ONE_KIND and kind != "string":
        return col
    codes, uniques = pd.factorize(col.to_numpy(dtype=object), use_na_sentinel=True)
    return pd.Series(pd.Categorical.from_codes(codes, pd.Index(uniques, dtype=object)), index=col.index)


def stacked_entries(sheets: list[Sheet], opts: ReadOptions) -> dict[int, tuple[pd.DataFrame, Context]]:
    """The raw entries of the sheets of a workbook that share their header, read as one table.

    # speed: benchmark row W1, docs/performance.md (12 sheets, one per week): the per-column work of
    # :func:`sheet_entries` once per workbook instead of once per sheet; each row keeps its sheet
    # and its row number. The same cells and contexts as :func:`sheet_entries` on each sheet; none
    # (read them one by one) when anything read would depend on the sheet.

    Parameters
    ----------
    sheets : list of Sheet
    opts : ReadOptions

    Returns
    -------
    dict
        Sheet position -> ``(cells, context)``, as :func:`sheet_entries` gives, for the sheets read
        stacked (none, or two or more).

    Examples
    --------
    >>> head = ["Date", "Activity", "Mood (0-10)"]
    >>> week = lambda rows: pd.DataFrame([head, *rows], dtype=object)
    >>> sheets = [Sheet("log.xlsx", "Week 1", week([["2026-03-02", "Walk", 7], ["", "", ""]])),
    ...           Sheet("log.xlsx", "Week 2", week([["", "", ""], ["2026-03-09", "Read", 6]]))]
    >>> got = stacked_entries(sheets, ReadOptions(file="log.xlsx"))
    >>> got[1][0][["activity", "_sheet", "_row"]].values.tolist(), got[1][1].sheet_headers["mood"]
    ([['Read', 'Week 2', 3]], {'Week 2': 'Mood (0-10)'})
    """
    found = _stackable(sheets, opts) if STACK_SHEETS else None
    if found is None:
        return {}
    group, at = found
    sizes = np.array([len(sheets[i].cells) - 1 for i in group])
    body = pd.concat([sheets[i].cells.iloc[1:] for i in group], ignore_index=True)
    sheet_of = np.repeat(np.arange(len(group)), sizes)
    blank = blank_frame(body)
    named = _name_columns(at.head, body, blank, opts, sheets[group[0]].name)
    keep = ~blank.all(axis=1).to_numpy(bool)
    per_sheet = np.bincount(sheet_of[keep], minlength=len(group))
    if (named.ctx.notes or named.choices or any(len(v) > 1 for v in named.claims.values())
            or (per_sheet == 0).any()
            or ("start" not in named.cols and not _stacked_stamps(named.cols, named.claims, sheet_of,
                                                                  len(group)))):
        return {}
    frame = pd.DataFrame(named.cols)[keep].reset_index(drop=True)
    frame = frame.apply(as_codes) if CODE_STACKED and len(frame) else frame
    frame["_row"] = np.concatenate([sheets[i].cells.index[1:].to_numpy() + 1 for i in group])[keep].astype("int64")
    frame["_sheet"] = pd.Series(np.array([sheets[i].name for i in group], dtype=object)[sheet_of[keep]],
                                dtype="str")
    frame["_repeat"] = _repeats_header(body[keep], at.head)
    frame.attrs = {}
    ctx = named.ctx
    tidy_header = [c.strip() for c in at.head][: len(TIDY_COLUMNS)] == list(TIDY_COLUMNS)
    ends, key = np.cumsum(per_sheet), sheets[group[0]].name
    return {i: (frame.iloc[end - k:end],
                dataclasses.replace(ctx, notes=[], headers=dict(ctx.headers), hints=dict(ctx.hints),
                                    extras=list(ctx.extras), tidy_header=tidy_header,
                                    sheet_headers={f: {sheets[i].name: v[key]}
                                                   for f, v in ctx.sheet_headers.items()}))
            for i, end, k in zip(group, ends, per_sheet, strict=True)}


def finish(parts: list[pd.DataFrame], contexts: list[Context], opts: ReadOptions, sheets=(), *,
           typed: bool = False) -> Entries:
    """The raw entries of every sheet read, as one: contexts merged, the extra columns noted.

    Parameters
    ----------
    parts : list of DataFrame
        The cells of each sheet that held entries (:func:`sheet_entries`).
    contexts : list of Context
        The context of every sheet looked at, in order.
    opts : ReadOptions
    sheets : sequence of Sheet
        The sheets, named in the error when none holds a log.
    typed : bool
        The cells are typed (Parquet, a frame).

    Returns
    -------
    Entries

    Raises
    ------
    LogError
        When no sheet holds a log, or the logs have a header and no entries.

    Examples
    --------
    >>> finish([], [], ReadOptions(file="x.csv"))
    Traceback (most recent call last):
    ...
    bactivate.errors.LogError: no log found in x.csv: no row names the columns of an activity log. Put a header row above the entries with names such as Date, Time, Activity, Mastery (or M), Pleasure (or P), Mood; or map your headers with columns={...}.
    """
    ctx = Context.merge(contexts, opts.file)
    ctx.typed = typed
    if not parts and ctx.header_only:
        raise LogError(
            f"{opts.file}: {', '.join(ctx.header_only)} "
            f"{plural_word(len(ctx.header_only), 'has', 'have')} a header row but no entries "
            "below it: fill in at least one row (date, activity, ratings) and read it again"
        )
    if not parts:
        where = f"{opts.file}" + (f" (sheets {[s.name for s in sheets]})" if sheets and sheets[0].name else "")
        raise LogError(
            f"no log found in {where}: no row names the columns of an activity log. "
            "Put a header row above the entries with names such as Date, Time, Activity, "
            "Mastery (or M), Pleasure (or P), Mood; or map your headers with columns={...}."
        )
    entries = pd.concat(parts, ignore_index=True, sort=False)
    if opts.na_values:
        entries = blank_codes(entries, opts.na_values, ctx.notes)
    # a tidy file (write_log's) is one row per activity already: a name with a "|" is a name
    tidy_file = opts.format == "tidy" or (opts.format == "auto" and bool(ctx.tidy_header))
    if "activity" in entries.columns and not tidy_file:
        entries = multi_select(entries, ctx.notes, ctx.headers.get("activity", "activity"))
    if ctx.extras:
        ctx.notes.append(
            "kept columns bactivate does not know as extra columns: "
            + ", ".join(repr(u) for u in ctx.extras)
            + " (map one to a tidy field with columns={'header': 'field'} if it is one)"
        )
    return Entries(entries, ctx, "long")


def read_long(sheets: list[Sheet], opts: ReadOptions) -> Entries:
    """The raw entries of a long log: every sheet read with :func:`sheet_entries`, then :func:`finish`.

    Parameters
    ----------
    sheets : list of Sheet
    opts : ReadOptions

    Returns
    -------
    Entries
        ``layout`` "long"; ``context.typed`` when every sheet is typed (Parquet, a frame).

    Raises
    ------
    LogError
        As :func:`finish` and :func:`sheet_entries` raise.

    Examples
    --------
    >>> from bactivate.io.files import read_sheets
    >>> entries = read_long(read_sheets("data/sample/client-alex.xlsx"), ReadOptions(file="client-alex.xlsx"))
    >>> sorted(entries.cells["_sheet"].unique())[:2]
    ['Week 1', 'Week 2']
    """
    stacked = stacked_entries(sheets, opts)
    parts, contexts = [], []
    for i, sh in enumerate(sheets):  # a loop over sheets
        part, ctx = stacked[i] if i in stacked else sheet_entries(sh, opts)
        contexts.append(ctx)
        if part is not None:
            parts.append(part)
    # Parquet (and in-memory frames) are typed: write_log puts no apostrophes in them
    typed = bool(sheets) and all(sh.typed_header for sh in sheets)
    return finish(parts, contexts, opts, sheets, typed=typed)


# --------------------------------------------------------------------------- study exports


def _code_hits(u: pd.Series, code) -> pd.Series:
    """Distinct cells *u* that are the missing-value *code*: the same text (any case), or the same number."""
    text = u.astype("str").str.strip()
    hit = (text.str.casefold() == str(code).strip().casefold()).fillna(False).astype(bool)
    num = pd.to_numeric(pd.Series([code]), errors="coerce").iloc[0]
    if not pd.isna(num):
        hit |= (pd.to_numeric(text, errors="coerce") == num).fillna(False).astype(bool)
    return hit


def blank_codes(frame: pd.DataFrame, codes, notes: list[str]) -> pd.DataFrame:
    """Cells that hold a missing-value code (``na_values=``) blanked, each code counted in *notes*.

    Only the cell is blanked: its row stays with every other cell. The bookkeeping
    columns (``_row`` ...) are left alone.

    Parameters
    ----------
    frame : DataFrame
        Raw entries (named columns and ``_`` bookkeeping columns).
    codes : sequence
        The codes, numbers or text: ``-99`` matches ``-99``, ``"-99"`` and ``-99.0``.
    notes : list of str
        Appended to: ``"-99 read as missing in 312 cells (na_values=)"`` per code found.

    Returns
    -------
    DataFrame

    Examples
    --------
    >>> notes = []
    >>> got = blank_codes(pd.DataFrame({"mood": ["7", "-99", -99.0], "activity": ["Walk", "NA", "x"],
    ...                                 "_row": [2, 3, 4]}), [-99, "NA"], notes)
    >>> got["mood"].tolist(), got["activity"].tolist(), notes
    (['7', None, None], ['Walk', None, 'x'], ['-99 read as missing in 2 cells (na_values=)', "'NA' read as missing in 1 cell (na_values=)"])
    """
    frame = frame.copy()
    counts = dict.fromkeys(range(len(codes)), 0)
    for c in [c for c in frame.columns if not str(c).startswith("_")]:  # a loop over columns
        col = frame[c]
        which = np.full(len(col), -1)
        for k, code in enumerate(codes):  # a loop over the few codes
            hit = cells.distinct(col, lambda u, code=code: _code_hits(u, code), missing=False)
            which[hit.to_numpy(dtype=bool) & (which < 0)] = k
        hit = which >= 0
        if hit.any():
            frame[c] = col.where(~hit) if pd.api.types.is_float_dtype(col) else \
                col.astype(object).where(~hit, None)
            for k, n in zip(*np.unique(which[hit], return_counts=True), strict=True):
                counts[int(k)] += int(n)
    for k, n in counts.items():
        if n:
            notes.append(f"{codes[k]!r} read as missing in {plural(n, 'cell')} "
                         "(na_values=)" if isinstance(codes[k], str) else
                         f"{codes[k]:g} read as missing in {plural(n, 'cell')} "
                         "(na_values=)")
    return frame


#: What separates the answers of a multi-select item in one cell: " | " or ";" (spaces around a
#: separator are stripped from the parts, not matched: ``\s*[|;]\s*`` takes quadratic time on a
#: cell of 40,000 spaces, tests/test_limits.py).
_MULTI = r"[|;]"


def _split_stripped(text: pd.Series, sep: str) -> pd.Series:
    """Each cell of *text* (distinct cells, not rows) split on the regex *sep*, every part stripped."""
    return text.str.split(sep, regex=True).map(
        lambda parts: [p.strip() for p in parts] if isinstance(parts, list) else parts)


def _column_codes(col: pd.Series) -> tuple[np.ndarray, pd.Series, np.ndarray]:
    """``(codes, distinct, used)`` of a column: codes into its distinct cells (-1 where missing),
    the distinct cells, and which of them some row holds."""
    if cells.coded(col):
        codes, uniq = col.cat.codes.to_numpy(), pd.Series(col.cat.categories)
    else:
        codes, found = pd.factorize(col, use_na_sentinel=True)
        uniq = pd.Series(found, dtype=object if col.dtype == object else found.dtype)
    used = used_codes(codes, len(uniq))
    return codes, uniq.reset_index(drop=True), used


def _several(text: pd.Series, used: np.ndarray) -> pd.Series | None:
    """Each distinct activity cell (stripped *text*) as its list of answers where it names several,
    NA elsewhere; None when none does (the rule: see :func:`multi_select`)."""
    has = text.str.contains(r"[|;,]", regex=True).fillna(False).to_numpy(bool) & used
    if not has.any():  # most files: no separator in any cell
        return None
    written = text.notna().to_numpy() & used
    split = _split_stripped(text, _MULTI)
    # several answers: at least two non-empty parts (";" or "Walk;" alone is one name as written)
    pipes = split.map(lambda parts: isinstance(parts, list) and sum(bool(x) for x in parts) >= 2
                      ).to_numpy(bool) & used
    comma = text.str.contains(",", regex=False).fillna(False).to_numpy(bool)
    alone = set(text[written & ~pipes & ~comma]) | set(split[pipes].explode().dropna())
    commas = written & ~pipes & comma
    pieces = split.where(pipes)
    if commas.any():  # "Work,Rest" when Work and Rest are answers written alone elsewhere
        parts = _split_stripped(text[commas], ",")
        known = parts.map(lambda p: len(p) > 1 and all(x in alone for x in p)).to_numpy(bool)
        chosen = parts[known]
        pieces.loc[chosen.index] = chosen
    if pieces.isna().all():
        return None
    return pieces


def multi_select(frame: pd.DataFrame, notes: list[str], header: str = "activity") -> pd.DataFrame:
    """Multi-select answers in the activity column (``A | B | C``, ``A; B``, or ``A,B`` when each
    part is an answer written alone elsewhere in the column) as one row per activity, sharing
    the entry (``_entry``), as Daylio's are; a note counts them.

    Parameters
    ----------
    frame : DataFrame
        Raw entries with an ``activity`` column.
    notes : list of str
        Appended to when some cell was split.
    header : str
        The activity column's header, for the note.

    Returns
    -------
    DataFrame
        *frame* itself when no cell holds several answers; else the rows repeated, one per
        answer, with ``_entry`` (the original row's position) so that they share one entry.

    Examples
    --------
    >>> notes = []
    >>> raw = pd.DataFrame({"activity": ["Work | Eating", "Rest", "Work,Rest", "Tea, biscuits"],
    ...                     "mood": [6, 7, 5, 4], "_row": [2, 3, 4, 5]})
    >>> got = multi_select(raw, notes)
    >>> got["activity"].tolist(), got["_entry"].tolist()
    (['Work', 'Eating', 'Rest', 'Work', 'Rest', 'Tea, biscuits'], [0, 0, 1, 2, 2, 3])
    """
    # speed: benchmark rows W2-csv, W2-parquet, W2-cohort (docs/performance.md): the cells are
    # tested once per distinct cell, and the rows are repeated by NumPy, not exploded
    col = frame["activity"]
    codes, uniq, used = _column_codes(col)
    text = uniq.astype("str").where(~cells.blank(uniq).to_numpy()).str.strip()
    pieces = _several(text, used)
    if pieces is None:
        return frame
    pieces = pieces.map(lambda p: [x for x in p if len(x)] if isinstance(p, list) else None)
    several = pieces.notna().to_numpy()
    counts = np.where(several, pieces.map(lambda p: len(p) if isinstance(p, list) else 1).to_numpy(int), 1)
    row_several = np.append(several, False)[codes]  # code -1 (a missing cell) takes the last slot
    per_row = np.where(row_several, np.append(counts, 1)[codes], 1)
    pos = np.repeat(np.arange(len(frame)), per_row)
    flat = np.array([x for p in pieces[several] for x in p], dtype=object)
    offset = np.zeros(len(uniq), dtype=np.int64)
    offset[several] = np.concatenate([[0], np.cumsum(counts[several])[:-1]])
    first = np.concatenate([[0], np.cumsum(per_row)[:-1]])
    within = np.arange(len(pos)) - np.repeat(first, per_row)
    acts = col.to_numpy(dtype=object)[pos]
    split_rows = row_several[pos]
    acts[split_rows] = flat[offset[codes[pos][split_rows]] + within[split_rows]]
    out = frame.iloc[pos].reset_index(drop=True)
    out["activity"] = acts
    if "_entry" not in out.columns:
        out["_entry"] = pos
    many = row_several
    n_cells, n_rows = int(many.sum()), int(per_row[many].sum())
    notes.append(f"{header}: {plural(n_cells, 'answer')} naming several "
                 f"activities (e.g. {text[codes[np.flatnonzero(many)[0]]]!r}) read as one row per "
                 f"activity, {n_rows} rows sharing their entry's time and ratings")
    return out
