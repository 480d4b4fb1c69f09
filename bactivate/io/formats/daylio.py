"""Daylio's CSV export: one line per entry, its activities joined with `` | ``.

Headers vary with the app's version and are read by name, never by position::

    year,date,weekday,time,mood,activities,note                      (old)
    full_date,date,weekday,time,mood,activities,note
    full_date,date,weekday,time,mood,activities,note_title,note
    full_date,date,weekday,time,mood,activities,note_title,note,scales   (newest)

``full_date`` is the date (``date`` is display text such as "September 7" and
``weekday`` is not trusted); in the old layout the date is ``date`` + ``year``.
Each activity becomes one tidy row; the rows of one entry share its entry id,
time, mood and note. Moods are labels: Daylio's five defaults are known (in
English, German and Polish), any other label needs ``mood_map=``, which adds
to them. ``scales`` ("Sleep Quality: 8/10 points | Sleep Time: 8:00") become
extra columns.

Exports the user trimmed or reordered are still read by name, as long as the
date (``full_date``, or ``year`` and ``date``), ``mood`` and two more of
Daylio's columns are there: without ``time`` each entry is placed at its
date, without ``activities`` it has none. A file whose header line was
removed is read by position (7, 8 or 9 fields, ``full_date`` first). Month
names in the old layout's ``date`` may be in any language Daylio ships
(``7 września``, ``16 de octubre``).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from bactivate._util import plural, plural_word
from bactivate.errors import LogError
from bactivate.io import cells
from bactivate.io.context import Context, Entries, ReadOptions
from bactivate.io.formats._common import (
    body_rows,
    clock_text,
    columns_by_name,
    english_months,
    entry_rows,
    find_row,
    row_keys,
    shown,
)
from bactivate.io.headers import extra_name
from bactivate.io.scales import DAYLIO_MOODS, DAYLIO_MOODS_BY_LANGUAGE, mood_labels

NAME = "daylio"
LABEL = "a Daylio export"
_USED = ("full_date", "year", "date", "weekday", "time", "mood", "activities", "note", "note_title",
         "scales")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_POINTS = re.compile(r"^\s*(-?\d+(?:[.,]\d+)?)\s*(?:/\s*(\d+(?:[.,]\d+)?))?\s*(?:points?|pts?)?\s*$",
                     re.IGNORECASE)


#: Daylio's columns besides the date and mood, any two of which (with them) make a Daylio header.
_OWN = {"weekday", "time", "activities", "note", "note_title", "scales"}
#: The columns of an export whose header line was removed, by how many fields each line holds.
_BY_POSITION = {
    7: ("full_date", "date", "weekday", "time", "mood", "activities", "note"),
    8: ("full_date", "date", "weekday", "time", "mood", "activities", "note_title", "note"),
    9: ("full_date", "date", "weekday", "time", "mood", "activities", "scales", "note_title", "note"),
}
_ISO = re.compile(r"^\ufeff?\s*\d{4}-\d{2}-\d{2}\s*$")


def is_header(keys: set[str]) -> bool:
    """A Daylio header: the date (full_date, or year and date), mood, and two more of Daylio's columns.

    Examples
    --------
    >>> is_header({"full_date", "weekday", "time", "mood"}), is_header({"date", "time", "mood"})
    (True, False)
    """
    dated = "full_date" in keys or ({"year", "date"} <= keys and "weekday" in keys)
    return dated and "mood" in keys and len(keys & _OWN) >= 2


def looks_partly(keys: set[str]) -> bool:
    """Some of Daylio's own column names, but not a whole Daylio header."""
    return not is_header(keys) and ("full_date" in keys or {"weekday", "time", "mood", "activities"} <= keys)


def headerless(raw: pd.DataFrame) -> tuple[str, ...] | None:
    """The columns of a Daylio export whose header line was removed, or None.

    Its lines hold 7, 8 or 9 fields, an ISO date first and a time fourth (in
    most of the first five lines).

    Parameters
    ----------
    raw : DataFrame
        A sheet's cells.

    Returns
    -------
    tuple of str or None

    Examples
    --------
    >>> raw = pd.DataFrame([["2021-10-16", "16 de octubre", "sábado", "9:03", "mal", "", ""]])
    >>> headerless(raw)[:4]
    ('full_date', 'date', 'weekday', 'time')
    """
    top = raw.iloc[:5]
    if top.empty or raw.shape[1] not in _BY_POSITION:
        return None
    first = top.iloc[:, 0].astype("str")
    if not first.str.match(_ISO).all():
        return None
    t, _, reasons = cells.parse_time(top.iloc[:, 3])
    if (t.notna() & reasons.isna()).sum() * 2 <= len(top):
        return None
    return _BY_POSITION[raw.shape[1]]


def sign(raw: pd.DataFrame) -> str | None:
    """What shows a Daylio export in *raw* (its header row, or lines laid out as one), or None."""
    pos = find_row(raw, is_header, n=5)
    if pos is not None:
        return f"the header in row {pos + 1} names " + ", ".join([k for k in row_keys(raw, pos) if k][:9])
    if headerless(raw) is not None:
        return (f"its lines hold {raw.shape[1]} fields as a Daylio export's do (a date, its display "
                "text, the weekday, a time, a mood ...), without a header line")
    return None


def read(sheets, opts: ReadOptions) -> Entries:
    """The raw entries of a Daylio export: one row per activity of each entry.

    Parameters
    ----------
    sheets : list of Sheet
    opts : ReadOptions
        ``file`` and ``mood_map`` (your own mood labels, added to Daylio's five) are used.

    Returns
    -------
    Entries
        Its context holds the mood labels, the mood's 0-10 scale and how it is known.

    Raises
    ------
    LogError
        With no Daylio header, or mood labels that are not known.

    Examples
    --------
    >>> from bactivate.io.files import read_sheets
    >>> sheets = [sh.grid() for sh in read_sheets("data/sample/formats/daylio-export.csv")]
    >>> entries = read(sheets, ReadOptions(file="daylio-export.csv"))
    >>> len(entries.cells), entries.context.hints["mood"]
    (86, (0.0, 10.0))
    """
    parts, contexts = [], []
    for sh in sheets:  # a loop over sheets
        part, ctx = _sheet(sh, opts)
        contexts.append(ctx)
        if part is not None:
            parts.append(part)
    if not parts:
        raise LogError(f"{opts.file}: no Daylio header found: a Daylio export starts with a line such as "
                       "'full_date,date,weekday,time,mood,activities,note'")
    out = pd.concat(parts, ignore_index=True, sort=False)
    ctx = Context.merge(contexts, opts.file)
    known, how = _mood_labels(out, opts)
    ctx.mood_labels = known
    ctx.hints["mood"] = (0.0, 10.0)
    ctx.scale_how["mood"] = how
    return Entries(out, ctx, NAME)


def _loose(keys: set[str]) -> bool:
    """The least a Daylio header holds when ``format="daylio"`` is given: the date and mood."""
    return "mood" in keys and ("full_date" in keys or {"year", "date"} <= keys)


def _layout(raw: pd.DataFrame, given: bool) -> tuple[int | None, dict | None, str | None]:
    """``(header position or None, column positions, note)``: by the header, or by position."""
    h = find_row(raw, is_header, n=5)
    if h is None and given:
        h = find_row(raw, _loose, n=5)
    if h is not None:
        return h, columns_by_name(raw, h), None
    names = headerless(raw)
    if names is None:
        return None, None, None
    return -1, {name: j for j, name in enumerate(names)}, (
        f"Daylio: no header line; the {len(names)} fields of each line read as "
        + ",".join(names) + " (Daylio's order); line 1 is the first entry")


def _sheet(sh, opts: ReadOptions) -> tuple[pd.DataFrame | None, Context]:
    """One sheet's entries (or None), and its context."""
    ctx = Context()
    raw = sh.cells
    h, col, how = _layout(raw, opts.format == NAME)
    if h is None:
        if sh.name is not None:
            ctx.notes.append(f"skipped sheet {sh.name!r}: no Daylio header")
        return None, ctx
    if how:
        ctx.notes.append(how)
    body = body_rows(raw, h)
    if body.empty:
        ctx.notes.append(f"{opts.file}: a Daylio header but no entries")
        return None, ctx

    def get(name):
        return body.iloc[:, col[name]] if name in col else None

    frame = pd.DataFrame(index=body.index)
    frame["date"] = _dates(col, get, ctx)
    if "time" in col:
        frame["time"] = clock_text(get("time"))
        ctx.headers.setdefault("time", "time")
    else:
        ctx.notes.append("Daylio: no time column; each entry is placed at the start of its day")
    frame["mood"] = get("mood")
    ctx.headers.setdefault("mood", "mood")
    if "note" in col:
        frame["note"] = get("note")
        ctx.headers.setdefault("note", "note")
    if "note_title" in col:
        frame["note_title"] = get("note_title")
    if "scales" in col:
        scales, notes = _scale_columns(get("scales"))
        frame = frame.join(scales)
        ctx.notes.extend(notes)
    others = [name for name in col if name not in _USED]
    for name in others:
        frame[extra_name(str(raw.iat[h, col[name]]).replace("\ufeff", "").strip(), frame)] = get(name)
    if others:
        ctx.notes.append(f"Daylio: kept columns bactivate does not know as extra columns: {shown(others)}")
    acts = get("activities")
    if acts is None:
        ctx.notes.append("Daylio: no activities column; each entry is read with its mood only")
        acts = pd.Series(np.nan, index=body.index, dtype=object)
    out = entry_rows(
        frame, sh.name, acts, ctx, header="activities",
        note=lambda n: (f"Daylio: {plural(n, 'entry')} with several activities became one row per "
                        "activity, sharing the entry's id, time, mood and note"))
    return out, ctx


def _dates(col: dict, get, ctx: Context) -> pd.Series:
    """Each entry's date: full_date, or (an older export) date and year; the notes say which."""
    if "full_date" in col:
        date = get("full_date")
        ctx.headers.setdefault("date", "full_date")
        unused = [c for c in ("date", "weekday", "year") if c in col]
        if unused:
            ctx.notes.append("Daylio: each entry's date is its full_date; the "
                             + " and ".join(unused) + f" {plural_word(len(unused), 'column')} "
                             "(display text) were not used")
        if "weekday" in col:
            note = _check_weekdays(date, get("weekday"))
            if note:
                ctx.notes.append(note)
        return date
    # the old layout: "September 7" or "18 May" in date, the year beside it
    year = get("year").astype("str").str.strip().str.replace(r"\.0$", "", regex=True)
    written, n_local = english_months(get("date"))
    day = written.astype("str").str.strip()
    both = ~cells.blank(get("year")) & ~cells.blank(get("date"))
    ctx.headers.setdefault("date", "date and year")
    ctx.notes.append("Daylio: each entry's date is its date and year columns (an older export); "
                     "the weekday column was not used")
    if n_local:
        ctx.notes.append(f"Daylio: month names of {plural(n_local, 'date')} read in the export's "
                         "language (e.g. 'września' as September)")
    return (day + " " + year).where(both, written.where(~cells.blank(get("date"))))


def _check_weekdays(dates: pd.Series, weekday: pd.Series) -> str | None:
    """The note when the weekday column disagrees with full_date, else None."""
    d, _, _ = cells.parse_date(dates)
    said = weekday.astype("str").str.strip().str.lower().str[:3]
    true = d.dt.day_name().str.lower().str[:3]
    known = said.isin([w[:3] for w in _WEEKDAYS]) & d.notna()
    wrong = known & (said != true)
    if not wrong.any():
        return None
    i = wrong[wrong].index[0]
    return (f"Daylio: the weekday column disagrees with full_date on {plural(int(wrong.sum()), 'line')} "
            f"(e.g. line {i + 1}: {str(weekday[i]).strip()!r} for {d[i]:%Y-%m-%d}, a {d[i]:%A}); "
            "full_date was used")


def _scale_columns(col: pd.Series) -> tuple[pd.DataFrame, list[str]]:
    """``"Sleep Quality: 8/10 points | Sleep Time: 8:00"`` -> one extra column per scale, and notes.

    ("Scales" here are Daylio's own extra columns, not rating scales.)
    """
    text = col.astype("str").where(~cells.blank(col))
    # the bare separator, parts stripped after: \s*\|\s* is quadratic on a long run of spaces
    pieces = text.dropna().str.split("|", regex=False).explode().str.strip()
    pieces = pieces[pieces != ""]
    parts = pieces.str.extract(r"^(?P<name>[^:]+?)\s*:\s*(?P<value>.*?)\s*$")
    out = pd.DataFrame(index=col.index)
    if parts["name"].isna().any():  # not "name: value": keep the column as it was
        out["scales"] = col
        return out, ["Daylio: some scales cells are not 'name: value' pairs; the scales column "
                     "was kept as it is"]
    points = parts["value"].str.extract(_POINTS)
    parts["number"] = points[0].str.replace(",", ".", regex=False)
    parts["of"] = points[1]
    described = []
    for name, grp in parts.groupby("name", sort=False):  # a loop over the few scales
        numeric = grp["number"].notna().all()
        vals = grp["number"] if numeric else grp["value"]
        vals = vals[~vals.index.duplicated()]
        column = extra_name(str(name), out)
        out[column] = vals.reindex(col.index)
        tops = grp["of"].dropna().unique()
        described.append(f"{column!r}" + (f" (points out of {tops[0]})" if numeric and len(tops) == 1 else ""))
    return out, (["Daylio: scales kept as extra columns: " + ", ".join(described)] if described else [])


def _mood_labels(frame: pd.DataFrame, opts: ReadOptions) -> tuple[dict[str, float], str]:
    """Every mood label checked before reading: the label map (Daylio's and mood_map's), and how it is known."""
    known = mood_labels(opts.mood_map)
    mood = frame["mood"]
    entries = ~frame["_entry"].duplicated()
    text = mood[entries & ~cells.blank(mood)].astype("str").str.strip()
    labels = text[text.str.contains(r"[^\W\d_]", regex=True)]
    counts = labels.str.lower().value_counts()
    unknown = [lab for lab in counts.index if lab not in known]
    if unknown:
        raise LogError(unknown_labels_message(opts.file, unknown, counts))
    how = "Daylio mood labels: " + ", ".join(f"{lab} = {known[lab]:g}"
                                             for lab in (list(counts.index) or list(DAYLIO_MOODS)))
    return known, how


def unknown_labels_message(file: str, unknown: list[str], counts: pd.Series) -> str:
    """The error for mood labels that are not known: which they are, the defaults' values, how to give them.

    It suggests no values for the user's own labels: only the user knows where
    each one sits on the scale (a map ordered by frequency would invert it).

    Parameters
    ----------
    file : str
    unknown : list of str
        The labels not known, lower case.
    counts : Series
        Entries per label (lower case) in the file.

    Returns
    -------
    str

    Examples
    --------
    >>> msg = unknown_labels_message("d.csv", ["sad"], pd.Series({"sad": 3, "rad": 1}))
    >>> msg[:80]
    "d.csv: Daylio mood label 'sad' is not known. The moods in this file are: 'sad' ("
    >>> "mood_map={'sad': ...}" in msg, '--mood "sad=VALUE"' in msg
    (True, True)
    """
    found = ", ".join(f"{lab!r} ({plural(int(n), 'entry')})" for lab, n in counts.items())
    defaults = ", ".join(f"{lab}={v:g}" for lab, v in DAYLIO_MOODS.items())
    other = "; ".join(f"{lang}: " + ", ".join(labels) for lang, labels in DAYLIO_MOODS_BY_LANGUAGE.items()
                      if lang != "en")
    python = ", ".join(f"{lab!r}: ..." for lab in unknown)
    shell = " ".join(f'--mood "{lab}=VALUE"' for lab in unknown)
    return (f"{file}: Daylio mood {plural_word(len(unknown), 'label')} {shown(unknown)} "
            f"{plural_word(len(unknown), 'is', 'are')} not known. The moods in this file are: {found}. "
            f"Daylio's five default moods are read as {defaults} (the same in order for {other}). "
            "Give each label its value on 0-10 (10 = best, 0 = worst), e.g. "
            f"mood_map={{{python}}} in Python, or {shell} on the command line (--mood LABEL=VALUE, "
            "once per label)")
