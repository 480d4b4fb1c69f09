"""Raw entries to the tidy log: rows that are not entries, when, ratings, flags, text, client, ids.

:func:`tidy_log` takes the :class:`~bactivate.io.context.Entries` a long sheet
or a layout reader produced and gives the tidy log of ``shared/DESIGN.md``, in
named steps:

* T1 tidy mode (a file written by :func:`~bactivate.write_log` keeps its ids and scales);
* T2 a hand-made log's own Entry and Source columns become extra columns;
* T3 rows that are not entries (empty slots, totals rows, repeated headers, weekly reflections);
* T4 start and end (:func:`bactivate.io.when.start_end`);
* T5 ratings, each column's scale settled and mapped onto 0-10;
* T6 yes/no and text columns;
* T7 the client;
* T8 the source of each row (file, sheet, row or cell);
* T9 extra columns, typed as the source typed them;
* T10 cells left blank, rows set aside (no place in time, nothing left), rows that are not entries;
* T11 one name however it is written, and entry ids;
* T12 ``attrs``: rejected, scales, notes, file, dayfirst.

>>> from bactivate.io.files import read_sheets
>>> from bactivate.io.context import ReadOptions
>>> from bactivate.io.long import read_long
>>> opts = ReadOptions(file="client-alex.xlsx", stem="client-alex")
>>> tidied = tidy_log(read_long(read_sheets("data/sample/client-alex.xlsx"), opts), opts)
>>> tidied.log.shape, list(tidied.log.attrs)
((234, 15), ['rejected', 'scales', 'notes', 'file'])
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from typing import NamedTuple

import numpy as np
import pandas as pd

from bactivate._names import clean_name, merge_names, merge_notes, name_key
from bactivate._util import number, plural, plural_word
from bactivate.errors import LogError
from bactivate.io import cells as cl
from bactivate.io import headers as hdr
from bactivate.io.context import Context, Entries, ReadOptions
from bactivate.io.headers import extra_name
from bactivate.io.long import blank_frame, cells_at_once
from bactivate.io.problems import (
    CELL,
    NOT_AN_ENTRY,
    PROBLEM_COLUMNS,
    ROW,
    locations,
    problem_rows,
    rejected_table,
)
from bactivate.io.scales import DAYLIO_MOODS, scale_text, settle_scale, to_0_10
from bactivate.io.when import When, start_end
from bactivate.io.write import undefuse
from bactivate.schema import FLAGS, RATINGS, conform

_CONTENT = ("activity", "category", *RATINGS, *FLAGS, "note")
_SUMMARY_WORD = r"(?:weekly\s+|daily\s+|week\s+|grand\s+)?(?:total|totals|sum|average|averages|mean|avg|overall)"
# in a date or time cell, any text that starts with a summary word marks a totals row
_TOTALS = re.compile(rf"^\s*{_SUMMARY_WORD}\b", re.IGNORECASE)
# in a text cell (activity, category, note) the whole cell must be a summary label, so that an
# activity such as "Total body workout" or "Sum up the week" stays an entry
_TOTALS_LABEL = re.compile(
    rf"^\s*{_SUMMARY_WORD}\b\s*(?:[:=(].*|\d[\d\s.,:/]*|(?:for|of|this|per|across)\b.*"
    r"|(?:week|day|month|mood|moods|rating|ratings|score|scores|m|p|mastery|pleasure|m/p|hours?)\b\W*"
    r"(?:\d.*|\(.*)?)?$",
    re.IGNORECASE,
)
# in a date or time cell, a weekly reflection or comment: "How was this week?", "Reflection:",
# "Notes", "Week 2 review" (a question, or a word that heads a comment, not a date)
_REFLECTION = re.compile(
    r"^\s*(?:(?=.*[^\W\d_]{2}).*\?\s*$|(?:weekly\s+|week\s*\d*\s*)?(?:reflections?|review|comments?|notes?|"
    r"thoughts|summary|remarks?)\b)", re.IGNORECASE)
#: A sheet with this many extra columns has them typed all at once.
_WIDE = 20


@dataclass
class Tidied:
    """What :func:`tidy_log` gives: the tidy log, or why many files must be read one by one.

    ``log`` is None only for many files read as one (``Entries.files``) whose
    scales or day/month order differ, and ``one_by_one`` then says why.
    ``tidy_mode``: the cells were a tidy file's (write_log's). ``file_notes``:
    many files read as one, notes that concern one file (names written in more
    than one way), by file name.
    """

    log: pd.DataFrame | None
    one_by_one: str | None = None
    tidy_mode: bool = False
    file_notes: dict[str, list[str]] = field(default_factory=dict)


# --------------------------------------------------------------------------- T1-T3


def _tidy_mode(entries: Entries, opts: ReadOptions) -> bool:
    """T1: a tidy file (written by write_log) starts with exactly the tidy columns, in order.

    A hand-made log that happens to have Client, Entry and Source columns is still
    read as a hand-made log, with its scales settled from the data.
    """
    if entries.layout != "long":
        return False
    return opts.format == "tidy" or (opts.format == "auto" and bool(entries.context.tidy_header))


def _own_columns(cells: pd.DataFrame, ctx: Context, tidy_mode: bool) -> pd.DataFrame:
    """T2: in a hand-made log, Entry and Source columns are the user's own: kept as extras.

    (The tidy entry and source are bactivate's numbering and the row's location.)
    """
    if tidy_mode:
        return cells
    own = {f: extra_name(ctx.headers.get(f, f), cells.columns) for f in ("entry", "source") if f in cells.columns}
    return cells.rename(columns=own) if own else cells


def not_entries(cells: pd.DataFrame, tidy_mode: bool) -> pd.Series:
    """T3: why each row is not an entry (an empty slot, totals, a repeated header, a reflection), else missing.

    Parameters
    ----------
    cells : DataFrame
        Raw entries (:class:`~bactivate.io.context.Entries` ``cells``).
    tidy_mode : bool
        A tidy file: every row is an entry, even one with only its time.

    Returns
    -------
    Series of str

    Examples
    --------
    >>> cells = pd.DataFrame({"date": ["2026-03-02", "Total", "2026-03-03"], "activity": ["Walk", None, None],
    ...                       "_repeat": False})
    >>> not_entries(cells, False).tolist()
    [nan, 'a totals or summary row, not an entry', 'nothing logged in this row (a date or time slot left empty)']
    >>> not_entries(pd.DataFrame({"date": ["How was this week?"], "activity": ["Hard week"],
    ...                           "_repeat": False}), False).tolist()
    ['a weekly reflection or comment, not an entry (its text is kept here)']
    """
    idx = cells.index
    told = [f for f in (*_CONTENT, *[c for c in cells.columns if c not in hdr.FIELDS
                                     and not c.startswith("_")]) if f in cells.columns]
    content = ~blank_frame(cells[told]).all(axis=1) if told else pd.Series(False, index=idx)
    totals = pd.Series(False, index=idx)
    for f, pattern in (("date", _TOTALS), ("start", _TOTALS), ("time", _TOTALS),
                       ("activity", _TOTALS_LABEL), ("category", _TOTALS_LABEL),
                       ("note", _TOTALS_LABEL)):
        if f in cells.columns:
            hit = cl.distinct(cells[f], lambda u, p=pattern: u.astype("str").str.match(p).fillna(
                False).astype(bool) & u.notna(), missing=False)
            totals |= hit
    reflection = pd.Series(False, index=idx)
    for f in ("date", "start", "time"):
        if f in cells.columns and not tidy_mode:
            reflection |= cl.distinct(cells[f], lambda u: u.astype("str").str.match(_REFLECTION).fillna(
                False).astype(bool) & u.notna() & ~cl.is_type(u, (dt.date, dt.time)), missing=False)
    repeat = cells["_repeat"].astype(bool)
    reason = pd.Series(pd.NA, index=idx, dtype="str")
    if not tidy_mode:  # in a tidy file every row is an entry, even one with only its time
        reason[~content] = "nothing logged in this row (a date or time slot left empty)"
    reason[reflection & ~totals] = "a weekly reflection or comment, not an entry (its text is kept here)"
    reason[totals] = "a totals or summary row, not an entry"
    reason[repeat] = "the header repeated, not an entry"
    if "_skip" in cells.columns:
        reason = cells["_skip"].astype("str").fillna(reason)
    return reason


# --------------------------------------------------------------------------- T5 ratings


class ParsedRating(NamedTuple):
    """A rating column's cells read: values, fraction denominators, label cells, problems, a note."""

    vals: pd.Series
    den: pd.Series
    labelled: pd.Series
    reasons: pd.Series
    note: str | None


def _rating_cells(col: pd.Series, fld: str, mood_map):
    """(values, reasons, denominators, labelled) of the cells of a rating column."""
    labelled = pd.Series(False, index=col.index)
    label_vals = pd.Series(np.nan, index=col.index)
    if fld == "mood":
        # mood_map adds to the default labels (DESIGN.md section 2), it does not replace them
        known = {str(k).strip().lower(): float(v) for k, v in {**DAYLIO_MOODS, **(mood_map or {})}.items()}
        text = col.where(~cl.blank(col)).astype("str").str.strip().str.lower()
        label_vals = text.map(known).astype("float64")
        labelled = label_vals.notna()
    vals, reasons, den = cl.parse_number(col.where(~labelled))
    if labelled.any():
        vals = vals.where(~labelled, label_vals)
        reasons = reasons.where(~labelled)
    if fld == "mood" and mood_map is None:
        words = reasons.notna() & col.astype("str").str.contains(r"[^\W\d_]", regex=True).fillna(False)
        if words.any():
            reasons = reasons.where(~words, reasons + "; for mood words, give each word's value "
                                    "with mood_map={'great': 9, 'ok': 5, 'low': 2}")
    return vals, reasons, den, labelled


#: The typed fast path (:func:`_plain_rating`, :func:`_in_range`); off, every column takes the
#: full reading. tests/io/test_fast_path.py reads the fixture corpus both ways.
FAST_PATH = True


def _plain_rating(col: pd.Series, fld: str, mood_map) -> ParsedRating | None:
    """A coded (or numeric) rating column whose distinct cells all read as plain numbers (no label,
    fraction, problem, range, hedge or "n/a"), read from its codes (or numbers) alone; None for
    any other column."""
    # speed: benchmark rows W2-csv, W2-cohort (docs/performance.md): the typed fast path. Such a
    # column (what a typed reader would type as numbers) spreads its values only: no problems,
    # notes, fractions or labels to spread over the rows, and no per-row checks of them
    numbers = pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype)
    if not (FAST_PATH and (cl.coded(col) or numbers)):
        return None
    u = pd.Series(col.cat.categories) if cl.coded(col) else pd.Series(pd.unique(col.to_numpy()))
    vals, reasons, den, labelled = _rating_cells(u, fld, mood_map)
    if reasons.notna().any() or den.notna().any() or labelled.any():
        return None
    if u.astype("str").str.strip().str.lower().isin(cl.NOT_RATED).any() or cl.number_readings(u).notna().any():
        return None
    if numbers:  # a typed column (Parquet, a frame): its numbers as they are, when read so
        rows = col.to_numpy(dtype="float64", na_value=np.nan)
        if not np.array_equal(vals.to_numpy(dtype="float64"), u.to_numpy(dtype="float64", na_value=np.nan),
                              equal_nan=True):
            return None
    else:
        codes = col.cat.codes.to_numpy()
        rows = np.append(vals.to_numpy(dtype="float64"), np.nan)[np.where(codes < 0, len(u), codes)]
    n = len(col)
    return ParsedRating(pd.Series(rows, index=col.index), pd.Series(np.full(n, np.nan), index=col.index),
                        pd.Series(np.zeros(n, dtype=bool), index=col.index), None, None)


def _parse_rating(col: pd.Series, fld: str, ctx: Context, mood_map) -> ParsedRating:
    """Parse a rating column; mood labels (Daylio's or mood_map's) become 0-10 values."""
    plain = _plain_rating(col, fld, mood_map)
    if plain is not None:
        return plain
    vals, reasons, den, labelled = cl.per_value(_rating_cells)(col, fld, mood_map)
    said = cl.distinct(col, lambda u: u.astype("str").str.strip().str.lower().isin(cl.NOT_RATED)
                       .fillna(False).astype(bool) & u.notna(), missing=False)
    notes = []
    if said.any():
        words = col[said].astype("str").str.strip().value_counts()
        notes.append(f"{ctx.headers.get(fld, fld)}: read {plural(int(said.sum()), 'cell')} written as "
                     + ", ".join(repr(w) for w in words.index[:5])
                     + " as not rated (blank); the rows are kept")
    notes += _reading_notes(col, vals, ctx.headers.get(fld, fld))
    return ParsedRating(vals, den, labelled, reasons, "; ".join(notes) or None)


def _reading_notes(col: pd.Series, vals: pd.Series, header: str) -> list[str]:
    """Ranges read as their midpoint and hedged numbers read as the number, counted with examples."""
    how = cl.number_readings(col)
    out = []
    for kind, what in (("range", "as their midpoint"), ("hedged", "as the number")):
        hit = (how == kind).fillna(False).to_numpy(bool) & vals.notna().to_numpy()
        if hit.any():
            shown = pd.DataFrame({"w": col[hit].astype("str").str.strip(), "v": vals[hit]}).drop_duplicates("w")
            eg = ", ".join(f"{w!r} → {number(v)}" for w, v in zip(shown["w"][:5], shown["v"][:5], strict=True))
            label = plural(int(hit.sum()), "range" if kind == "range" else "hedged number",
                           "ranges" if kind == "range" else "hedged numbers")
            out.append(f"{header}: read {label} {what} ({eg})")
    return out


def _by_file(x: np.ndarray, codes: np.ndarray, n: int) -> list[np.ndarray]:
    """``[x[codes == k] for k in range(n)]``, from one stable sort instead of *n* passes over *x*."""
    # speed: benchmark row W3, docs/performance.md (1,000 files x a million cells)
    order = np.argsort(codes, kind="stable")
    return np.split(x[order], np.searchsorted(codes[order], np.arange(1, n)))


def _settle(column: str, vals: np.ndarray, entries: Entries, opts: ReadOptions, *, files=None,
            fraction_files=None, **kw):
    """``(scale, how)`` of a rating column, or ``(None, why)`` when many files must be read one by one."""
    many = entries.files is not None
    try:
        if not many or kw.get("declared") is not None:
            return settle_scale(column, vals, **kw), None
        # many files read as one: each file's scale is settled from its own cells, as if
        # it were read alone; they must agree (else the files are read one by one)
        fractions = kw.pop("fractions")
        n = len(entries.files)
        by_file = _by_file(vals, files, n)
        fractions_by_file = _by_file(fractions, fraction_files, n) if fractions is not None else [None] * n
        got = set()
        first = None
        for k in range(n):  # a loop over files, each on its own cells
            one = settle_scale(column, by_file[k], fractions=fractions_by_file[k], **kw)
            got.add(one[0])
            first = first or one
        if len(got) > 1:
            return None, f"{column}: the files are on different scales"
        return first, None
    except LogError as exc:
        if many:
            return None, str(exc)
        raise LogError(f"{opts.file}: {exc}") from None


def _counted(fields: list[str], parsed: dict, usable: dict, entries: Entries):
    """``(distinct values, counts)`` of the usable cells of plain coded rating columns
    (:func:`_plain_rating`) read as one file; None for any other."""
    # speed: benchmark rows W2-csv, W2-cohort (docs/performance.md): the scale is settled on the
    # few distinct values, counted by codes, not on a million rows of floats
    cols = [entries.cells[f] for f in fields]
    if not FAST_PATH or entries.files is not None or any(
            parsed[f].reasons is not None or not cl.coded(c) for f, c in zip(fields, cols, strict=True)):
        return None
    vals, counts = [], []
    for f, col in zip(fields, cols, strict=True):  # a loop over two columns
        codes = col.cat.codes.to_numpy()
        ok = usable[f].to_numpy() & (codes >= 0)
        counts.append(np.bincount(codes[ok], minlength=len(col.cat.categories)))
        v = np.full(len(counts[-1]), np.nan)
        v[codes[ok]] = parsed[f].vals.to_numpy()[ok]
        vals.append(v)
    return np.concatenate(vals), np.concatenate(counts)


def _joint_scale(joint: list[str], parsed: dict, usable: dict, entries: Entries, opts: ReadOptions):
    """The one scale of mastery and pleasure settled together (neither declared nor hinted)."""
    many = entries.files is not None
    counted = _counted(joint, parsed, usable, entries)
    if counted is not None:
        return _settle(" and ".join(joint), counted[0], entries, opts, header=None, declared=None,
                       counts=counted[1])
    codes = entries.file_codes()
    masks = [usable[g].to_numpy() for g in joint]
    pool = np.concatenate([parsed[g].vals.to_numpy()[m] for g, m in zip(joint, masks, strict=True)])
    dens = np.concatenate([parsed[g].den.to_numpy() for g in joint])
    return _settle(" and ".join(joint), pool, entries, opts, header=None, declared=None, fractions=dens,
                   files=np.concatenate([codes[m] for m in masks]) if many else None,
                   fraction_files=np.tile(codes, len(joint)) if many else None)


def _group_scales(present: list[str], parsed: dict, not_entry: pd.Series, entries: Entries,
                  opts: ReadOptions, tidy_mode: bool):
    """Each field of a group with its ``(scale, how)``; ``(None, why)`` to read many files one by one."""
    ctx = entries.context
    many = entries.files is not None
    joint = [f for f in present if f not in opts.scales and f not in ctx.hints]
    usable = {f: ~not_entry & parsed[f].vals.notna() & ~parsed[f].labelled for f in present}
    joint_scale = None
    got = {}
    for f in present:
        if tidy_mode:
            got[f] = ((0.0, 10.0), "a tidy bactivate log")
            continue
        if f in joint and len(joint) > 1:
            if joint_scale is None:  # settled once for the group
                joint_scale, why = _joint_scale(joint, parsed, usable, entries, opts)
                if why:
                    return None, why
            scale, how = joint_scale
            got[f] = (scale, "mastery and pleasure settled together, as one scale: " + how)
            continue
        counted = _counted([f], parsed, usable, entries)
        if counted is not None:
            one, why = _settle(f, counted[0], entries, opts, header=ctx.hints.get(f),
                               declared=opts.scales.get(f), counts=counted[1])
            got[f] = (one[0], ctx.scale_how[f] if f in ctx.scale_how and f not in opts.scales else one[1])
            continue
        codes = entries.file_codes()
        one, why = _settle(f, parsed[f].vals[usable[f]].to_numpy(), entries, opts, header=ctx.hints.get(f),
                           declared=opts.scales.get(f), fractions=parsed[f].den.to_numpy(),
                           files=codes[usable[f].to_numpy()] if many else None,
                           fraction_files=codes if many else None)
        if why:
            return None, why
        scale, how = one
        if f in ctx.scale_how and f not in opts.scales:
            how = ctx.scale_how[f]
        got[f] = (scale, how)
    return got, None


def _range_reasons(p: ParsedRating, scale, raw: pd.Series, fld: str) -> pd.Series | None:
    """Cells off the column's scale: a fraction of another denominator, a number outside the scale;
    None for a plain column (:func:`_plain_rating`) whose every value is on the scale."""
    lo, hi = sorted(scale)  # a reversed item's scale is given high end first: (10, 0)
    if p.reasons is None:
        v = p.vals.to_numpy()
        if not (v < lo).any() and not (v > hi).any():
            return None
    vals, den, labelled = p.vals, p.den, p.labelled
    reasons = pd.Series(pd.NA, index=raw.index, dtype="str")
    wrong_den = den.notna() & (den != hi)
    if wrong_den.any():
        reasons[wrong_den] = ("'" + raw[wrong_den].astype("str").str.strip()
                              + f"' is not on this column's {scale_text(scale)} scale: "
                              + f"write the rating as a number from {number(lo)} to {number(hi)}")
    out_of = ~labelled & vals.notna() & ((vals < lo) | (vals > hi)) & ~wrong_den
    if out_of.any():
        reasons[out_of] = (vals[out_of].map(number).astype("str")
                           + f" is outside this column's {scale_text(scale)} scale: write a "
                           + f"rating from {number(lo)} to {number(hi)} (if the column uses another "
                           + f"scale, pass scales={{'{fld}': (low, high)}})")
    return reasons


class Ratings(NamedTuple):
    """T5: the ratings on 0-10, the scale of each, notes, problems; or why to read one by one."""

    columns: dict
    scales: dict
    notes: list
    problems: list
    one_by_one: str | None


def _ratings(cells: pd.DataFrame, not_entry: pd.Series, entries: Entries, opts: ReadOptions,
             tidy_mode: bool) -> Ratings:
    """T5: every rating column parsed, its scale settled (per group), checked and mapped onto 0-10."""
    ctx = entries.context
    mood_map = ctx.mood_labels if ctx.mood_labels is not None else opts.mood_map
    notes, problems, columns, scales = [], [], {}, {}

    def report(reasons, fld):
        got = problem_rows(reasons, fld, cells, ctx.headers, ctx.sheet_headers)
        if got is not None:
            problems.append(got)

    parsed = {}
    for f in (f for f in RATINGS if f in cells.columns):
        parsed[f] = p = _parse_rating(cells[f], f, ctx, mood_map)
        if p.reasons is not None:
            report(p.reasons, f)
        if p.note:
            notes.append(p.note)
    for group in (("mastery", "pleasure"), ("mood",), ("effort",)):
        present = [f for f in group if f in parsed]
        if not present:
            continue
        got, why = _group_scales(present, parsed, not_entry, entries, opts, tidy_mode)
        if why:
            return Ratings({}, {}, [], [], why)
        for f, (scale, how) in got.items():
            scales[f] = scale
            notes.append(f"{f}: read on a {scale_text(scale)} scale"
                         + ("" if scale == (0.0, 10.0) else ", mapped onto 0-10") + f" ({how})")
            p = parsed[f]
            reasons = _range_reasons(p, scale, cells[f], f)
            mapped = pd.Series(to_0_10(p.vals.to_numpy(), scale), index=cells.index)
            if reasons is None:  # every value on the scale, none a label: nothing to blank
                columns[f] = mapped
                continue
            if reasons.notna().any():
                report(reasons, f)
            # a cell off the scale is left blank (kind "cell"): its row stays
            columns[f] = mapped.where(~p.labelled, p.vals).where(reasons.isna())
    return Ratings(columns, scales, notes, problems, None)


# --------------------------------------------------------------------------- T7, T9, T11


def _one_name(s: pd.Series, what: str, rows: pd.DataFrame, entries: Entries, tidy_mode: bool,
              fold_case: bool = True):
    """*s* with names that differ only in case, spacing or Unicode form as one, within each file.

    Returns ``(names, notes, file_notes)``: the merges in the notes, or by file when many
    files are read as one (see :func:`bactivate._names.merge_names`). A tidy file
    (write_log's) is read back as written, so that read_log(write_log(log)) == log.
    """
    if tidy_mode:
        return s, [], {}
    many = entries.files is not None
    if cl.coded(s):
        if _one_way(s.cat.categories, fold_case):
            return s, [], {}
        s = s.astype("str")
    names, merged = merge_names(s, fold_case=fold_case, within=rows["_file"].to_numpy() if many else None)
    notes = [f"{what}: {n}" for n in merge_notes(merged, what)] if merged and not many else []
    by_file: dict[int, list[dict]] = {}
    for m in merged if many else ():
        by_file.setdefault(m["group"], []).append(m)
    file_notes = {entries.files[g]: [f"{what}: {n}" for n in merge_notes(mine, what)]
                  for g, mine in by_file.items()}
    return names, notes, file_notes


def _one_way(names: pd.Index, fold_case: bool) -> bool:
    """Every one of *names* (distinct, none missing) is written in its clean form and no two are one
    name (:func:`bactivate._names.merge_names` would change nothing)."""
    texts = [str(t) for t in names]
    clean = [clean_name(t) for t in texts]
    keys = [name_key(c) for c in clean] if fold_case else clean
    return clean == texts and all(clean) and len(set(keys)) == len(keys)


def _client(out: pd.DataFrame, cells: pd.DataFrame, entries: Entries, opts: ReadOptions) -> pd.Series:
    """T7: the client of each row: client=, a client column, a title, the file's stem (or each file's)."""
    ctx = entries.context
    if opts.client is not None:
        out["client"] = str(opts.client)
        return out["client"]
    fallback = ctx.client or opts.stem
    if entries.files is not None:
        fallback = pd.Series(pd.Categorical.from_codes(cells["_file"].to_numpy(), entries.stems),
                             index=cells.index).astype("str")
        if "client" not in cells.columns:
            out["client"] = fallback
    if "client" in cells.columns:
        named = cl.parse_names(cells["client"])
        if cl.coded(named) and named.isna().any():
            named = named.astype("str")
        out["client"] = named if cl.coded(named) else named.fillna(fallback)
    else:
        out["client"] = fallback
    return out["client"]


@cl.per_value
def _extra(col: pd.Series) -> pd.Series:
    """An extra column as the source typed it: true/false cells (or text), dates, numbers, else text."""
    # move to io/cells.py type_extra (WP5)
    blank = cl.blank(col)
    for types, dtype in (((bool, np.bool_), "boolean"), ((dt.date, pd.Timestamp), "datetime64[ns]")):
        is_type = cl.is_type(col, types) if col.dtype == object else pd.Series(
            pd.api.types.is_bool_dtype(col.dtype) if dtype == "boolean"
            else pd.api.types.is_datetime64_any_dtype(col.dtype), index=col.index)
        if is_type.any() and (is_type | blank).all():
            if dtype == "boolean":
                return col.where(~blank).astype("boolean")
            return cl.parse_date(col)[0]
    nums = cl.numeric(col.where(~blank))
    if (nums.notna() | blank).all() and nums.notna().any():
        return nums.astype("float64")
    text = cl.parse_text(col)
    truth = text.str.lower().map({"true": True, "false": False})
    if truth.notna().any() and (truth.notna() | blank).all():  # as a CSV writes booleans: True/False
        return truth.astype("boolean")
    return text


def _extras(frame: pd.DataFrame) -> pd.DataFrame:
    """T9: the extra columns as :func:`_extra` types them; a wide sheet's cells parsed all at once."""
    # move to io/cells.py type_extras (WP5); speed: the 1,000-column bound of test_limits
    at_once = cells_at_once(frame) if frame.shape[1] >= _WIDE else None
    if at_once is None:
        return pd.DataFrame({c: _extra(frame[c]) for c in frame.columns}, index=frame.index)
    flat = pd.Series(at_once.to_numpy(dtype=object).ravel(), dtype=object)
    shape = at_once.shape
    empty = cl.blank(flat)
    blank = empty.to_numpy().reshape(shape)
    special = cl.is_type(flat, (bool, np.bool_, dt.date, pd.Timestamp)).to_numpy().reshape(shape).any(axis=0)
    nums = cl.numeric(flat.where(~empty)).to_numpy().reshape(shape)
    numeric = ((~np.isnan(nums)) | blank).all(axis=0) & (~np.isnan(nums)).any(axis=0)
    flat_text = cl.parse_text(flat)
    text = flat_text.to_numpy(dtype=object).reshape(shape)
    truth = flat_text.str.lower().isin(("true", "false")).to_numpy(bool).reshape(shape)
    boolean = (truth | blank).all(axis=0) & truth.any(axis=0)
    out = {}
    for j, c in enumerate(frame.columns):  # a loop over columns, each already parsed
        if special[j] or boolean[j]:
            out[c] = _extra(frame[c])
        elif numeric[j]:
            out[c] = pd.Series(nums[:, j], index=frame.index, dtype="float64")
        else:
            out[c] = pd.Series(text[:, j], index=frame.index, dtype="str")
    return pd.DataFrame(out, index=frame.index)


# --------------------------------------------------------------------------- T10-T11


# problems that can leave a row without its place in time
_PLACING = ("date", "start", "time", "_value", "_problem")
# problems that cost the whole row even when it was placed: a bad time beside a good date
# costs the time only (the row stays on its day, time unknown)
_WHOLE_ROW = ("date", "_value", "_problem")


def _at(idx: pd.Index, labels) -> np.ndarray:
    """``idx.isin(labels)``: on a plain range of rows, marked by position (no hash of every row)."""
    # speed: benchmark rows W2-csv, W2-cohort (docs/performance.md)
    if isinstance(idx, pd.RangeIndex) and idx.step == 1:
        at = np.zeros(len(idx), dtype=bool)
        pos = np.asarray(labels, dtype=np.int64) - idx.start
        at[pos[(pos >= 0) & (pos < len(idx))]] = True
        return at
    return idx.isin(labels)


def _set_aside(problems: list, not_entry: pd.Series, reason: pd.Series, start: pd.Series,
               cells: pd.DataFrame, ctx: Context, left: pd.Series):
    """T10: ``(prob, bad_rows, note)``: every problem and every row set aside or not an entry.

    A row is set aside whole (kind "row") when it cannot be placed in time, when a
    layout says the row cannot be read, or when nothing is *left* to analyse once its
    unreadable cells are blank; every other problem is one blank cell (kind "cell").
    """
    idx = cells.index
    prob = pd.concat(problems, ignore_index=True) if problems else pd.DataFrame(columns=PROBLEM_COLUMNS)
    prob = prob[~prob["_i"].isin(idx[not_entry])]
    unplaced = start.isna() & ~not_entry
    placing = prob["_field"].isin(_PLACING)
    missing_start = unplaced & ~_at(idx, prob.loc[placing, "_i"])
    if missing_start.any():
        what = "date" if "date" in cells.columns or "start" in cells.columns else "date column"
        col = ctx.headers.get("date", ctx.headers.get("start", "Date"))
        prob = pd.concat([prob, pd.DataFrame({
            "_i": idx[missing_start], "column": col, "value": pd.NA,
            "reason": f"no {what}: every entry needs the day it happened (and a date above to "
                      "carry down, if the date cells are left blank)", "kind": ROW, "_field": "date"})],
            ignore_index=True)
    whole = unplaced | _at(idx, prob.loc[prob["_field"].isin(_WHOLE_ROW), "_i"])
    whole |= ~left & _at(idx, prob["_i"]) & ~not_entry
    prob = prob.assign(kind=np.where(prob["_i"].isin(idx[whole]), ROW, CELL))
    skipped = pd.DataFrame({"_i": idx[not_entry], "column": pd.NA, "value": _row_text(cells, not_entry, reason),
                            "reason": reason[not_entry].astype("str"), "kind": NOT_AN_ENTRY})
    note = None
    if not_entry.any():
        n = int(not_entry.sum())
        counts = reason[not_entry].value_counts()
        note = (f"set aside {plural(n, 'row')} that {plural_word(n, 'is not an entry', 'are not entries')}"
                " (nothing to fix): " + "; ".join(f"{k} × {why}" for why, k in counts.items()))
    prob = pd.concat([p for p in (prob, skipped) if len(p)], ignore_index=True) if (
        len(prob) or len(skipped)) else prob
    bad_rows = np.asarray(whole | not_entry, dtype=bool)
    return prob, bad_rows, note


def _row_text(cells: pd.DataFrame, not_entry: pd.Series, reason: pd.Series) -> pd.Series:
    """The text of each weekly reflection (its cells joined with `` | ``); missing for other rows."""
    refl = not_entry & reason.astype("str").str.startswith("a weekly reflection").fillna(False).astype(bool)
    out = pd.Series(pd.NA, index=cells.index[not_entry], dtype="str")
    if not refl.any():
        return out
    cols = [c for c in ("date", "start", "time", *_CONTENT) if c in cells.columns]
    texts = [cl.parse_text(cells.loc[refl, c]) for c in cols]
    joined = texts[0].str.cat(texts[1:], sep=" | ", na_rep="").str.replace(r"(?:\s*\|\s*)+$|^(?:\s*\|\s*)+", "",
                                                                           regex=True)
    joined = joined.str.replace(r"(?:\s\|\s){2,}", " | ", regex=True)
    out[joined.index] = joined
    return out


def _in_order(kept: pd.DataFrame) -> bool:
    """The rows are in order of client (a coded column) and start already, none missing either."""
    # speed: benchmark rows W2-csv, W2-cohort, M-peak (docs/performance.md): a file written in
    # order (most exports) is not sorted again, which would copy every column
    client = kept["client"]
    if not cl.coded(client) or not len(kept):
        return False
    codes = client.cat.codes.to_numpy()
    start = kept["start"].to_numpy(dtype="datetime64[ns]")
    if (codes < 0).any() or np.isnat(start).any():
        return False
    step = np.diff(codes)
    return bool((step >= 0).all() and (np.diff(start)[step == 0] >= np.timedelta64(0, "ns")).all())


def _entry_ids(kept: pd.DataFrame, cells: pd.DataFrame, tidy_mode: bool, bad_rows) -> pd.DataFrame:
    """T11: entry ids in order of time within client, file order for ties; a tidy file keeps its own."""
    if tidy_mode and "entry" in cells.columns:
        # a tidy file keeps its own order and entry ids, so that read_log(write_log(log)) == log
        entry, _, _ = cl.parse_number(cells["entry"])
        return kept.assign(entry=entry[~bad_rows].fillna(-1).astype("int64"))
    if not _in_order(kept):
        kept = kept.assign(_order=np.arange(len(kept)))
        kept = kept.sort_values(["client", "start", "_order"], kind="stable").drop(columns="_order")
    if "_entry" in kept.columns:  # rows of one source entry (a Daylio entry's activities)
        first = ~kept.duplicated(["client", "_entry"])
        n = first.astype("int64").groupby(kept["client"], sort=False).cumsum()
        kept["entry"] = n.groupby([kept["client"], kept["_entry"]], sort=False).transform(
            "first").astype("int64")
        return kept.drop(columns="_entry")
    kept["entry"] = _count_within(kept["client"])
    return kept


def _count_within(client: pd.Series) -> np.ndarray:
    """1, 2, ... down each client's rows (a groupby cumcount + 1)."""
    # speed: benchmark rows W2-csv, W2-cohort: rows in order of a coded client (as _entry_ids
    # leaves them) count from each run's first row, without a groupby
    codes = client.cat.codes.to_numpy() if cl.coded(client) else None
    if codes is None or (codes < 0).any() or (np.diff(codes) < 0).any():
        return client.groupby(client, sort=False).cumcount().to_numpy(dtype="int64") + 1
    first = np.flatnonzero(np.diff(codes, prepend=-1))  # where each client's rows begin
    pos = np.arange(len(codes), dtype="int64")
    return pos - np.repeat(first, np.diff(first, append=len(codes))) + 1


# --------------------------------------------------------------------------- the steps in order


def _flags_and_text(out: pd.DataFrame, cells: pd.DataFrame, ctx: Context, report) -> list[str]:
    """T6: yes/no columns (their problems reported) and text columns, into *out*; returns notes.

    A yes/no word that starts a longer text (``no - too tired``) is read as the
    word, counted in the notes, and the rest of the text is added to the row's note
    (``Done: too tired``, after the note the row already has, with ``; ``).
    """
    idx = cells.index
    notes = []
    rests = []
    for f in FLAGS:
        plain = _plain_flag(cells[f]) if f in cells.columns else None
        if plain is not None:
            out[f] = plain
            continue
        if f in cells.columns:
            vals, reasons = cl.parse_flag(cells[f])
            report(reasons, f)
            out[f] = vals
            word, rest = cl.flag_rest(cells[f])
            read = word.notna() & vals.notna()
            if read.any():
                header = ctx.headers.get(f, f)
                shown = pd.DataFrame({"w": word[read], "v": vals[read]}).drop_duplicates("w")
                eg = ", ".join(f"{w!r} → {'yes' if v else 'no'}" for w, v in zip(
                    shown["w"][:5], shown["v"][:5], strict=True))
                notes.append(f"{header}: read {plural(int(read.sum()), 'cell')} from a yes/no word "
                             f"that starts a longer text ({eg})"
                             + ("; the rest of the text is kept in the note" if rest[read].notna().any() else ""))
                rests.append((header + ": " + rest).where(read & rest.notna()))
        else:
            out[f] = pd.Series(pd.NA, index=idx, dtype="boolean")
    for f, parse in (("activity", cl.parse_names), ("category", cl.parse_names), ("note", cl.parse_text)):
        out[f] = parse(cells[f]) if f in cells.columns else pd.Series(np.nan, index=idx, dtype="str")
    for more in rests:
        out["note"] = _add_note(out["note"], more)
    return notes


def _plain_flag(col: pd.Series) -> pd.Series | None:
    """A coded yes/no column whose distinct cells all read as plain yes, no or blank, read from its
    codes alone; None for any other column (the typed fast path, as :func:`_plain_rating`)."""
    # speed: benchmark rows W2-csv, W2-cohort (docs/performance.md): only the values are spread
    if not (FAST_PATH and cl.coded(col)):
        return None
    u = pd.Series(col.cat.categories)
    vals, reasons = cl.parse_flag(u)
    if reasons.notna().any() or cl.flag_rest(u)[0].notna().any():
        return None
    codes = col.cat.codes.to_numpy()
    return pd.Series(vals.array.take(np.where(codes < 0, -1, codes), allow_fill=True), index=col.index,
                     dtype="boolean")


def _add_note(note: pd.Series, more: pd.Series) -> pd.Series:
    """*more* after each row's note (with ``; ``), or as the note where there is none."""
    has = more.notna()
    if not has.any():
        return note
    joined = (note.astype("str") + "; " + more.astype("str")).where(note.notna(), more)
    return note.where(~has, joined).astype("str")


def _source_and_extras(out: pd.DataFrame, cells: pd.DataFrame, entries: Entries, opts: ReadOptions,
                       tidy_mode: bool, report):
    """T8 and T9: each row's source (its problems from a layout reported), then the extra columns."""
    where = locations(entries.row_files(opts.file), cells["_sheet"],
                      cells["_cell"] if "_cell" in cells.columns else cells["_row"])
    if "_problem" in cells.columns:  # the cell as written is in _value, its column in _column
        report(cells["_problem"].astype("str"), "_value" if "_value" in cells.columns else "_problem")
    if "_cell_problem" in cells.columns:  # one cell a layout could not read (as written in _cell_value)
        report(cells["_cell_problem"].astype("str"), "_cell_value")
    if tidy_mode and "source" in cells.columns:
        out["source"] = cl.parse_text(cells["source"]).fillna(where)
    else:
        out["source"] = where
    # numeric when every cell is a number, else text
    extras = [c for c in cells.columns if c not in hdr.FIELDS and not c.startswith("_")]
    if extras:  # all at once: a sheet may have a thousand of them
        out = pd.concat([out, _extras(cells[extras])], axis=1)
    if tidy_mode and not entries.context.typed:  # undo write_log's apostrophe (see write.defuse)
        for c in ("activity", "category", "note", "client", "source", *extras):
            if cl.coded(out[c]):
                out[c] = out[c].astype("str")
            if pd.api.types.is_string_dtype(out[c].dtype):
                out[c] = undefuse(out[c])
    return out, where


def tidy_log(entries: Entries, opts: ReadOptions) -> Tidied:
    """The tidy log of raw entries (steps T1-T12 of this module).

    Parameters
    ----------
    entries : Entries
        From :func:`bactivate.io.long.read_long` or a layout reader
        (:func:`bactivate.io.formats.read`), or many files read as one
        (``files``/``stems`` set, :mod:`bactivate.io.many`).
    opts : ReadOptions

    Returns
    -------
    Tidied
        The log, with ``attrs`` ``rejected``, ``scales``, ``notes`` and ``file``
        (and ``dayfirst`` when the dates settled day/month order); or, for many
        files, no log and why they must be read one by one.

    Raises
    ------
    LogError
        When a rating scale cannot be settled, or the dates and times cannot be read at all.

    Examples
    --------
    >>> from bactivate.io.context import Context
    >>> cells = pd.DataFrame({"date": ["2026-03-02", "2026-03-03"], "activity": ["Walk", "Read"],
    ...                       "mood": ["7", "x"], "_row": [2, 3], "_sheet": None, "_repeat": False})
    >>> opts = ReadOptions(file="log.csv", stem="log", scales={"mood": (0, 10)})
    >>> log = tidy_log(Entries(cells, Context()), opts).log
    >>> log[["client", "activity", "mood", "source"]]
      client activity  mood     source
    0    log     Walk   7.0  log.csv:2
    1    log     Read   NaN  log.csv:3
    >>> log.attrs["rejected"][["row", "reason", "kind"]].to_numpy().tolist()
    [[3, "'x' is not a number: write a number such as 7 or 7.5; for mood words, give each word's value with mood_map={'great': 9, 'ok': 5, 'low': 2}", 'cell']]
    """
    ctx = entries.context
    tidy_mode = _tidy_mode(entries, opts)                                   # T1
    cells = _own_columns(entries.cells, ctx, tidy_mode)                     # T2
    entries = replace(entries, cells=cells)
    idx = cells.index
    reason = not_entries(cells, tidy_mode)                                  # T3
    when: When = start_end(entries, opts)                                   # T4
    if when.one_by_one:
        return Tidied(None, when.one_by_one)
    not_entry = reason.notna()
    notes = [*ctx.notes, *when.notes]
    problems = list(when.problems)

    def report(reasons, fld):
        got = problem_rows(reasons, fld, cells, ctx.headers, ctx.sheet_headers)
        if got is not None:
            problems.append(got)

    ratings = _ratings(cells, not_entry, entries, opts, tidy_mode)          # T5
    if ratings.one_by_one:
        return Tidied(None, ratings.one_by_one)
    notes += ratings.notes
    problems += ratings.problems
    out = pd.DataFrame(index=idx)
    for f in RATINGS:
        out[f] = ratings.columns.get(f, np.nan)
    notes += _flags_and_text(out, cells, ctx, report)                      # T6
    out["start"], out["end"] = when.start, when.end
    client = _client(out, cells, entries, opts)                             # T7
    # one client id however it is written (Unicode form, spaces); case is kept: ids are codes
    out["client"], more, file_notes = _one_name(client if cl.coded(client) else client.astype("str"),
                                                "client", cells, entries, tidy_mode, fold_case=False)
    notes += more
    out, where = _source_and_extras(out, cells, entries, opts, tidy_mode, report)  # T8, T9
    about_time = []  # columns that say how the time was read: not something to analyse
    if when.time_word is not None:  # a time written as a word: the approximation shows on its row
        about_time.append(extra_name("time_word", out.columns))
        out[about_time[-1]] = when.time_word
    left = ~out[[c for c in out.columns if c not in ("client", "start", "end", "source", *about_time)]
                ].isna().all(axis=1)
    prob, bad_rows, note = _set_aside(problems, not_entry, reason, when.start, cells, ctx, left)  # T10
    if note:
        notes.append(note)
    if "_entry" in cells.columns:
        out["_entry"] = cells["_entry"]
    if entries.files is not None:
        out["_file"] = cells["_file"]
    if when.time_unknown is not None and when.time_unknown[~bad_rows].any():
        # placed on its day, its time blank or unreadable
        out[extra_name("time_unknown", out.columns)] = when.time_unknown.astype("boolean")
        n = int(when.time_unknown[~bad_rows].sum())
        fld = "start" if "start" in cells.columns else "time"
        notes.append(f"{plural(n, 'row')} with a date but no {ctx.headers.get(fld, fld)} that could be read: "
                     f"kept on {plural_word(n, 'its', 'their')} day with the time unknown (the time_unknown "
                     "column, placed at 00:00); the hour-of-day analyses leave them out")
    kept = out[~bad_rows] if bad_rows.any() else out
    if cl.coded(kept["client"]):  # without the clients of the rows set aside
        kept = kept.assign(client=cl.drop_unused(kept["client"]))
    # names that differ only in case, spacing or Unicode form are one activity (one category)
    for f in ("activity", "category"):                                      # T11
        names, more, by_file = _one_name(kept[f], f, kept, entries, tidy_mode)
        kept = kept.assign(**{f: cl.drop_unused(names) if cl.coded(names) else names})
        notes += more
        for k, v in by_file.items():
            file_notes.setdefault(k, []).extend(v)
    kept = conform(_entry_ids(kept, cells, tidy_mode, bad_rows).reset_index(drop=True))
    kept.attrs = {                                                          # T12
        "rejected": rejected_table(prob, cells, where, entries.row_files(opts.file)),
        "scales": dict(ratings.scales),
        "notes": list(dict.fromkeys(notes)),
        "file": opts.file,
    }
    dayfirst = when.dayfirst or ctx.dayfirst
    if dayfirst:
        kept.attrs["dayfirst"] = dayfirst
    return Tidied(kept, tidy_mode=tidy_mode, file_notes=file_notes)
