"""The values the loader's stages hand each other: what was asked, what was learned, raw entries.

:class:`ReadOptions` is what :func:`bactivate.read_log` was asked (its keywords,
checked once, frozen). :class:`Context` is what a stage learned about a log
besides its cells: notes, the headers as written, scale hints, the client named
in a title, a layout's mood labels. Each stage returns its own Context; nothing
is shared or changed behind a stage's back, and :meth:`Context.merge` joins the
contexts of several sheets. :class:`Entries` is the raw cells of a log, one row
per entry-to-be, with the Context and the layout they came from; it is what
:func:`bactivate.io.tidy.tidy_log` turns into the tidy log.

>>> opts = ReadOptions.checked(layouts=("grid",), file="log.csv", stem="log", scales={"mood": (1, 5)})
>>> opts.scales, opts.errors
({'mood': (1, 5)}, 'warn')
>>> Context.merge([Context(notes=["a"], client="Sam"), Context(notes=["b"])], "log.csv").notes
['a', 'b']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from bactivate.errors import LogError
from bactivate.io import names, values_map
from bactivate.io.headers import FIELDS
from bactivate.schema import RATINGS


@dataclass(frozen=True)
class ReadOptions:
    """What :func:`bactivate.read_log` was asked: its keywords, checked once (:meth:`checked`).

    ``file`` is the name used in messages (the file's name, ``"<DataFrame>"``, or
    a folder's label) and ``stem`` the client when nothing names one (the file's
    stem; ``"client"`` for a frame). The other fields are read_log's keywords.
    """

    file: str = "<DataFrame>"
    stem: str = "client"
    format: str = "auto"
    client: str | None = None
    sheet: object = None
    columns: Mapping[str, str | None] | None = None
    scales: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    mood_map: Mapping[str, float] | None = None
    dayfirst: bool | None = None
    week_start: object = None
    errors: str = "warn"
    activity_map: Mapping[str, str] | None = None
    values: pd.DataFrame | None = None  # the values map, checked (bactivate.io.values_map.values_map)
    na_values: tuple = ()  # missing-value codes (-99, "NA", "."): each such cell is blank

    @classmethod
    def checked(cls, *, layouts: Sequence[str], file: str = "<DataFrame>", stem: str = "client",
                format: str = "auto", client=None, sheet=None, columns=None, scales=None, mood_map=None,
                dayfirst=None, week_start=None, errors: str = "warn", activity_map=None,
                values=None, na_values=None) -> ReadOptions:
        """The options, after read_log's checks of *errors*, *format*, *scales*, *columns*,
        *activity_map* and *values*.

        Parameters
        ----------
        layouts : sequence of str
            The layouts ``format=`` may name besides "auto", "long" and "tidy"
            (:data:`bactivate.io.formats.FORMATS`).
        file, stem : str
            The name in messages, and the client when nothing names one.
        format, client, sheet, columns, scales, mood_map, dayfirst, week_start, errors, activity_map, values
            As :func:`bactivate.read_log` takes them.
        na_values : scalar or sequence, optional
            Missing-value codes (:func:`na_codes`).

        Returns
        -------
        ReadOptions
            With ``scales`` a dict (empty when none was given), and ``activity_map`` a
            dict of cleaned names (a file it names read: :func:`bactivate.io.names.activity_map`),
            and ``values`` the checked values map (a file it names read:
            :func:`bactivate.io.values_map.values_map`), and ``na_values`` a tuple of codes.

        Raises
        ------
        ValueError
            For an unknown *errors* or *format*, a scale that is not ``(low, high)``
            with high above low or that names no rating, a *columns* entry mapping
            to no tidy field, an *activity_map* that is not names to names (or a
            file of them that cannot be read), a values map that cannot be read or
            is wrong (the message names the row and what to fix).

        Examples
        --------
        >>> ReadOptions.checked(layouts=("grid",), format="grid", week_start="2026-03-02").format
        'grid'
        >>> ReadOptions.checked(layouts=(), errors="loud")
        Traceback (most recent call last):
        ...
        ValueError: errors must be 'warn', 'raise' or 'ignore', not 'loud'
        >>> ReadOptions.checked(layouts=(), activity_map={"walk the dog ": "Walk dog"}).activity_map
        {'walk the dog': 'Walk dog'}
        >>> ReadOptions.checked(layouts=(), na_values=-99).na_values, ReadOptions.checked(layouts=(), scales={"mood": (10, 0)}).scales
        ((-99,), {'mood': (10, 0)})
        """
        if errors not in ("warn", "raise", "ignore"):
            raise ValueError(f"errors must be 'warn', 'raise' or 'ignore', not {errors!r}")
        allowed = ["auto", "long", "tidy", *layouts]
        if format not in allowed:
            raise ValueError(f"format must be one of {allowed}, not {format!r}")
        if scales:
            _check_scales(scales)
        if columns:
            bad = {k: v for k, v in columns.items() if v is not None and v not in FIELDS}
            if bad:
                raise ValueError(f"columns= maps to unknown fields {bad}; fields are {sorted(FIELDS)}")
        return cls(file=file, stem=stem, format=format, client=client, sheet=sheet, columns=columns,
                   scales=scales or {}, mood_map=mood_map, dayfirst=dayfirst, week_start=week_start,
                   errors=errors, activity_map=names.activity_map(activity_map),
                   values=values_map.values_map(values), na_values=na_codes(na_values))


def na_codes(na_values) -> tuple:
    """``na_values=`` checked: the missing-value codes as a tuple (none: ``()``).

    Parameters
    ----------
    na_values : scalar or sequence, optional
        One code (``-99``, ``"NA"``, ``"."``) or several; numbers and text.

    Returns
    -------
    tuple

    Raises
    ------
    ValueError
        For a code that is neither a number nor a non-blank text.

    Examples
    --------
    >>> na_codes(None), na_codes(-99), na_codes([-99, "NA", "."])
    ((), (-99,), (-99, 'NA', '.'))
    """
    if na_values is None:
        return ()
    codes = (na_values,) if isinstance(na_values, str | int | float) else tuple(na_values)
    for c in codes:
        if isinstance(c, bool) or not isinstance(c, str | int | float) or (isinstance(c, str) and not c.strip()):
            raise ValueError(f"na_values: {c!r} is not a missing-value code; give numbers or text, "
                             "e.g. na_values=[-99, 'NA']")
        if isinstance(c, float) and np.isnan(c):
            raise ValueError("na_values: NaN is missing already; give the code the file writes, e.g. -99")
    return codes


def _check_scales(scales) -> None:
    """read_log's checks of ``scales=``: rating fields only, each ``(low, high)`` with two ends that
    differ; ``(high, low)``, e.g. ``(10, 0)``, declares a reversed item (higher = worse on the source)."""
    unknown = set(scales) - set(RATINGS)
    if unknown:
        raise ValueError(f"scales= names {sorted(unknown)}; scales apply to {list(RATINGS)}")
    for k, v in scales.items():
        try:
            lo, hi = (float(x) for x in v)
        except (TypeError, ValueError):
            raise ValueError(f"scales={{{k!r}: {v!r}}}: give the scale as (low, high), "
                             f"e.g. scales={{{k!r}: (1, 5)}}") from None
        if hi == lo:
            raise ValueError(f"scales={{{k!r}: {v!r}}}: the two ends must differ; give (low, high), or "
                             f"(high, low) for a reversed item (higher = worse), e.g. (10, 0)")


@dataclass
class Context:
    """What a stage learned about a log besides its cells; returned by the stage, never shared.

    ``notes``: what the user should know, in order. ``headers``: field -> header as
    written (the first sheet naming it). ``sheet_headers``: field -> {sheet: header};
    ``"_value"`` for a layout's own problem column. ``hints``: field -> the scale a
    header or the layout names; ``scale_how``: field -> how that scale is known.
    ``duration_unit``: "min" or "h" from a Duration header. ``client``: named in a
    title ("Client: Sam"). ``mood_labels``: a layout's mood labels on 0-10.
    ``dayfirst``: ``{"dayfirst": bool, "dayfirst_how": str}`` once a layout settled
    day/month order. ``extras``: the extra columns kept that name no field.
    ``header_only``: sheets with a header and no rows. ``tidy_header``: the sheet
    starts with write_log's columns (None: no header seen). ``typed``: typed cells
    (Parquet, a frame), so no apostrophe of write_log's to undo.
    """

    notes: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    sheet_headers: dict[str, dict[str, str]] = field(default_factory=dict)
    hints: dict[str, tuple[float, float]] = field(default_factory=dict)
    scale_how: dict[str, str] = field(default_factory=dict)
    duration_unit: str | None = None
    client: str | None = None
    mood_labels: dict[str, float] | None = None
    dayfirst: dict = field(default_factory=dict)
    extras: list[str] = field(default_factory=list)
    header_only: list[str] = field(default_factory=list)
    tidy_header: bool | None = None
    typed: bool = False

    @staticmethod
    def merge(parts: Sequence[Context], file: str) -> Context:
        """The contexts of several sheets (or stages) as one.

        Notes are joined in order; the first part naming a field's header, a
        scale's "how", or a client wins; a later duration unit, mood labels or
        day/month order wins; ``sheet_headers`` and ``extras`` are joined;
        ``tidy_header`` holds when every sheet with a header has write_log's;
        ``typed`` when every part is.

        Parameters
        ----------
        parts : sequence of Context
        file : str
            The name in the error below.

        Returns
        -------
        Context

        Raises
        ------
        LogError
            When two parts name different scales for one rating.

        Examples
        --------
        >>> a = Context(hints={"mood": (1.0, 5.0)}, headers={"mood": "Mood (1-5)"})
        >>> b = Context(hints={"mood": (0.0, 10.0)})
        >>> Context.merge([a, b], "log.xlsx")
        Traceback (most recent call last):
        ...
        bactivate.errors.LogError: log.xlsx: the sheets declare different scales for mood: (1.0, 5.0) and (0.0, 10.0); use one scale throughout
        """
        out = Context(typed=bool(parts) and all(p.typed for p in parts))
        tidy = [p.tidy_header for p in parts if p.tidy_header is not None]
        out.tidy_header = all(tidy) if tidy else None
        for p in parts:  # a loop over sheets
            out.notes.extend(p.notes)
            for f, text in p.headers.items():
                out.headers.setdefault(f, text)
            for f, by_sheet in p.sheet_headers.items():
                out.sheet_headers.setdefault(f, {}).update(by_sheet)
            for f, hint in p.hints.items():
                prev = out.hints.get(f)
                if prev and prev != hint:
                    raise LogError(f"{file}: the sheets declare different scales for "
                                   f"{f}: {prev} and {hint}; use one scale throughout")
                out.hints[f] = hint
            for f, how in p.scale_how.items():
                out.scale_how.setdefault(f, how)
            out.duration_unit = p.duration_unit or out.duration_unit
            out.client = out.client if out.client is not None else p.client
            if p.mood_labels is not None:
                out.mood_labels = p.mood_labels
            out.dayfirst = p.dayfirst or out.dayfirst
            out.extras.extend(e for e in p.extras if e not in out.extras)
            out.header_only.extend(p.header_only)
        return out


@dataclass
class Entries:
    """Raw entries, one row per entry-to-be, with what the stages learned about them.

    ``cells`` holds the field columns (``date``, ``time``, ``activity``, ``mood`` ...)
    as written, the extra columns, and the bookkeeping columns ``_row`` (the
    user's row number), ``_sheet`` and ``_repeat`` (the row repeats the header),
    and optionally ``_cell`` (the cell, e.g. "B5", named in ``source`` instead of
    the row), ``_column`` (the column named in rejected rows), ``_entry`` (rows
    with one key share one entry id), ``_skip`` (why the row is not an entry),
    ``_problem`` (why the row is set aside; ``_value`` its cell), ``_cell_problem``
    (why one cell a layout parsed is left blank, the row kept; ``_cell_value`` the
    cell as written, its header in ``sheet_headers["_cell_value"]``) and ``_file``
    (many files read as one: the row's file is ``files[_file]``, its client
    without a client column ``stems[_file]``). ``layout`` is ``"long"`` or the
    name of a format (:data:`bactivate.io.formats.FORMATS`).
    """

    cells: pd.DataFrame
    context: Context
    layout: str = "long"
    files: tuple[str, ...] | None = None
    stems: tuple[str, ...] | None = None

    def row_files(self, file: str):
        """The file of each row: *file*, or a categorical Series of names when many files are read as one.

        Parameters
        ----------
        file : str
            The name of the one file read.

        Returns
        -------
        str or Series

        Examples
        --------
        >>> e = Entries(pd.DataFrame({"_file": [1, 0]}), Context(), files=("a.csv", "b.csv"))
        >>> e.row_files("x").tolist(), Entries(pd.DataFrame(), Context()).row_files("x")
        (['b.csv', 'a.csv'], 'x')
        """
        if self.files is None:
            return file
        return pd.Series(pd.Categorical.from_codes(self.cells["_file"].to_numpy(), self.files),
                         index=self.cells.index)

    def sheet_key(self) -> list:
        """Group keys for "the same sheet" (and the same file, when many are read as one).

        Returns
        -------
        list of Series

        Examples
        --------
        >>> [k.tolist() for k in Entries(pd.DataFrame({"_sheet": ["W1", None]}), Context()).sheet_key()]
        [['W1', '']]
        """
        key = [self.cells["_sheet"].fillna("").astype("str")]
        return key if self.files is None else [self.cells["_file"], *key]

    def file_codes(self) -> np.ndarray:
        """Each row's file as a number (all 0 for one file).

        Returns
        -------
        ndarray of int

        Examples
        --------
        >>> Entries(pd.DataFrame({"_sheet": [None, None]}), Context()).file_codes().tolist()
        [0, 0]
        """
        if self.files is not None:
            return self.cells["_file"].to_numpy()
        return np.zeros(len(self.cells), dtype=np.intp)
