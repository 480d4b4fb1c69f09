"""The tidy log: its columns, their dtypes, and helpers to build or check one.

One row per logged activity. ``shared/DESIGN.md`` fixes these names and this
order; every reader returns exactly these columns first, then any extra
columns the source carried.

Example
-------
>>> from bactivate.schema import TIDY_COLUMNS, empty_log
>>> list(empty_log().columns) == list(TIDY_COLUMNS)
True
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Store the repeated names (``client``, ``activity``, ``category`` and extra text columns)
#: as pandas ``category`` (one copy of each distinct name plus small integer codes). On a
#: 960,000-row cohort these three columns take about 3 MB instead of about 50 MB as ``str``.
#: ``note`` (free text) and ``source`` (``file:sheet:row``, parsed by outside checks) stay ``str``.
CATEGORICAL_TEXT: bool = True
#: The tidy text columns stored as ``category`` when :data:`CATEGORICAL_TEXT` is on.
NAME_COLUMNS: tuple[str, ...] = ("client", "activity", "category")
_NAME_DTYPE = "category" if CATEGORICAL_TEXT else "str"

#: Tidy column name -> pandas dtype. Order matters.
TIDY_COLUMNS: dict[str, str] = {
    "client": _NAME_DTYPE,
    "entry": "int64",
    "start": "datetime64[ns]",
    "end": "datetime64[ns]",
    "activity": _NAME_DTYPE,
    "category": _NAME_DTYPE,
    "mastery": "float64",
    "pleasure": "float64",
    "mood": "float64",
    "effort": "float64",
    "planned": "boolean",
    "done": "boolean",
    "avoidance": "boolean",
    "note": "str",
    "source": "str",
}

#: The rating columns, all on 0-10 in the tidy log.
RATINGS: tuple[str, ...] = ("mastery", "pleasure", "mood", "effort")
#: The yes/no columns (nullable booleans).
FLAGS: tuple[str, ...] = ("planned", "done", "avoidance")
#: Free-text columns.
TEXTS: tuple[str, ...] = ("client", "activity", "category", "note", "source")

#: Columns of ``df.attrs["rejected"]``: one row per problem; ``kind`` is "cell" (blanked, row kept), "row" (set aside) or "not an entry".
REJECTED_COLUMNS: tuple[str, ...] = ("source", "file", "sheet", "row", "column", "value", "reason", "kind")

RATING_MIN, RATING_MAX = 0.0, 10.0


def empty_log() -> pd.DataFrame:
    """An empty tidy log with the right columns and dtypes."""
    return conform(pd.DataFrame({c: pd.Series(dtype=t) for c, t in TIDY_COLUMNS.items()}))


def used_codes(codes: np.ndarray, n: int) -> np.ndarray:
    """Which of *n* categories some row uses, from a coded column's codes (-1 where missing).

    Examples
    --------
    >>> used_codes(np.array([2, -1, 0, 2]), 4).tolist()
    [True, False, True, False]
    """
    return np.bincount(codes[codes >= 0] if codes.min(initial=0) < 0 else codes, minlength=n) > 0


def as_names(values) -> pd.Series:
    """Text as the tidy log stores names: ``category`` with ``str`` categories (or ``str``).

    Accepts ``str``, ``object`` or ``category`` input and gives the same result for
    each: unordered categories, exactly the distinct non-missing values (a slice of a
    larger log drops the names it does not hold), sorted; missing stays missing. With :data:`CATEGORICAL_TEXT` off the result is plain ``str``.

    >>> s = as_names(pd.Series(["Walk", None, "Read", "Walk"]))
    >>> str(s.dtype) == TIDY_COLUMNS["activity"], s.isna().tolist(), s.dropna().tolist()
    (True, [False, True, False, False], ['Walk', 'Read', 'Walk'])
    >>> list(s.cat.categories) if CATEGORICAL_TEXT else sorted(s.dropna().unique())
    ['Read', 'Walk']
    """
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    if not CATEGORICAL_TEXT:
        return s if str(s.dtype) == "str" else s.astype("str")
    if isinstance(s.dtype, pd.CategoricalDtype):
        cats = s.cat.categories
        codes = s.cat.codes.to_numpy()
        if not used_codes(codes, len(cats)).all():
            s = s.cat.remove_unused_categories()  # a slice of a larger log: only its own names
            cats = s.cat.categories
        if str(cats.dtype) == "str" and not s.cat.ordered and cats.is_monotonic_increasing:
            return s
        if str(cats.dtype) == "str" and not s.cat.ordered:
            return s.cat.reorder_categories(cats.sort_values())
        # categories of another type (object, numbers): decode once per category
        cats = pd.Index(cats.astype("str"), dtype="str")
        codes = s.cat.codes.to_numpy()
        dtype = pd.CategoricalDtype(cats.unique().sort_values(), ordered=False)
        return pd.Series(pd.Categorical(cats.take(codes).where(codes >= 0), dtype=dtype),
                         index=s.index, name=s.name)
    if str(s.dtype) != "str":
        s = s.astype("str")
    cats = pd.Index(s.dropna().unique(), dtype="str").sort_values()
    return pd.Series(pd.Categorical(s, categories=cats), index=s.index, name=s.name)


def as_text(s: pd.Series) -> pd.Series:
    """*s* as plain ``str``; a category column of ``str`` decoded once per name, not per row.

    The same values as ``s.astype("str")`` (missing stays missing), about ten times faster on
    a category column than pandas' own cast, which builds a Python object per row first.

    >>> as_text(as_names(pd.Series(["Walk", None, "Read"]))).tolist()
    ['Walk', nan, 'Read']
    """
    if isinstance(s.dtype, pd.CategoricalDtype) and str(s.cat.categories.dtype) == "str":
        codes = s.cat.codes.to_numpy()
        return pd.Series(s.cat.categories.take(codes, allow_fill=True, fill_value=np.nan),
                         index=s.index, name=s.name)
    return s if str(s.dtype) == "str" else s.astype("str")


def factorize_text(s: pd.Series, *, sort: bool = False) -> tuple[np.ndarray, pd.Index]:
    """``pd.factorize(s.astype("str"), sort=sort)`` without a text column of every row when *s*
    is a category column of ``str`` (its codes are factorized instead): codes (-1 for missing)
    and the names, in order of first appearance (or sorted).

    >>> codes, names = factorize_text(as_names(pd.Series(["b", None, "a", "b"])))
    >>> codes.tolist(), names.tolist()
    ([0, -1, 1, 0], ['b', 'a'])
    """
    if isinstance(s.dtype, pd.CategoricalDtype) and str(s.cat.categories.dtype) == "str" \
            and (not sort or s.cat.categories.is_monotonic_increasing):
        cats = s.cat.categories
        codes = s.cat.codes.to_numpy()
        valid = codes >= 0
        out = np.full(len(codes), -1, dtype=np.intp)
        if valid.all():
            out, used = pd.factorize(codes, sort=sort)
        else:
            out[valid], used = pd.factorize(codes[valid], sort=sort)
        return out.astype(np.intp, copy=False), pd.Index(cats.take(used), dtype="str")
    return pd.factorize(s.astype("str"), sort=sort)


def is_names(s: pd.Series) -> bool:
    """True when *s* holds names as the tidy log stores them (see :func:`as_names`).

    Plain ``str`` is accepted too (a log built by hand, or with :data:`CATEGORICAL_TEXT` off).

    >>> is_names(pd.Series(["a"], dtype="str")), is_names(as_names(pd.Series(["a"])))
    (True, True)
    """
    if isinstance(s.dtype, pd.CategoricalDtype):
        cats = s.cat.categories
        return CATEGORICAL_TEXT and str(cats.dtype) == "str"
    return str(s.dtype) == "str"


def _is_extra_text(s: pd.Series) -> bool:
    """An extra column is text (stored as names) when it is ``str``, or ``object`` of strings."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        return str(s.cat.categories.dtype) in ("str", "object")
    if str(s.dtype) == "str":
        return True
    return s.dtype == object and pd.api.types.infer_dtype(s, skipna=True) in ("string", "empty")


def empty_rejected() -> pd.DataFrame:
    """An empty rejected-rows table."""
    out = AttrsFrame({c: pd.Series(dtype="str") for c in REJECTED_COLUMNS})
    out["row"] = out["row"].astype("int64")
    return out


def conform(df: pd.DataFrame) -> pd.DataFrame:
    """Return *df* with every tidy column present, in order, with its dtype.

    Missing tidy columns are added as missing values; extra columns are kept
    after the tidy ones. The names (:data:`NAME_COLUMNS`) and extra text columns
    become ``category`` (see :data:`CATEGORICAL_TEXT` and :func:`as_names`), from
    ``str`` or ``category`` input alike, so logs joined with ``pd.concat`` (which
    gives ``str`` when their categories differ) get the tidy dtypes back here.

    >>> log = conform(pd.DataFrame({"client": ["A", "A"], "activity": ["Walk", "Read"]}))
    >>> str(log["activity"].dtype) == TIDY_COLUMNS["activity"], list(log["activity"]), log["entry"].tolist()
    (True, ['Walk', 'Read'], [1, 2])
    """
    out = {}
    n = len(df)
    for col, dtype in TIDY_COLUMNS.items():
        if col in df.columns:
            s = df[col]
            if col in NAME_COLUMNS:
                s = as_names(s)
            elif str(s.dtype) != dtype:
                s = s.astype(dtype)
        else:
            s = pd.Series(np.nan if dtype != "boolean" else pd.NA, index=df.index,
                          dtype="str" if col in NAME_COLUMNS else dtype)
            if col in NAME_COLUMNS:
                s = as_names(s)
            if col == "entry":
                s = pd.Series(np.arange(1, n + 1), index=df.index, dtype="int64")
        out[col] = s
    extras = [c for c in df.columns if c not in TIDY_COLUMNS]
    tidy = pd.DataFrame(out, index=df.index)
    if extras:
        more = df[extras]
        if CATEGORICAL_TEXT:
            more = more.assign(**{c: as_names(more[c]) for c in extras if _is_extra_text(more[c])})
        tidy = pd.concat([tidy, more], axis=1)
    return tidy


def concat_logs(frames, **kwargs) -> pd.DataFrame:
    """``pd.concat`` of logs that keeps names as category (``pd.concat`` itself gives ``str``
    when the frames' categories differ, a text column of every row).

    A column that is ``category`` of ``str`` in every frame holding it gets the union of their
    categories, sorted, in each frame first. *kwargs* go to ``pd.concat``. Other columns are
    joined as ``pd.concat`` joins them; :func:`conform` the result for the tidy dtypes.

    >>> a = conform(pd.DataFrame({"client": ["A"], "activity": ["Walk"]}))
    >>> b = conform(pd.DataFrame({"client": ["B"], "activity": ["Read"]}))
    >>> both = concat_logs([a, b], ignore_index=True)
    >>> str(both["activity"].dtype) == TIDY_COLUMNS["activity"], both["activity"].tolist()
    (True, ['Walk', 'Read'])
    """
    frames = list(frames)
    if not (CATEGORICAL_TEXT and len(frames) > 1):
        return pd.concat(frames, **kwargs)
    dtypes = {}
    for c in dict.fromkeys(c for f in frames for c in f.columns):
        held = [f[c] for f in frames if c in f.columns]
        if all(isinstance(s, pd.Series) and isinstance(s.dtype, pd.CategoricalDtype)
               and str(s.cat.categories.dtype) == "str" for s in held):
            cats = pd.Index(np.concatenate([s.cat.categories.to_numpy() for s in held]), dtype="str")
            dtypes[c] = pd.CategoricalDtype(cats.unique().sort_values(), ordered=False)
    if dtypes:
        frames = [f.astype({c: d for c, d in dtypes.items() if c in f.columns}) for f in frames]
    return pd.concat(frames, **kwargs)


def check_log(df: pd.DataFrame) -> None:
    """Raise ``ValueError`` if *df* is not a tidy log (names, order, dtypes, 0-10 ratings)."""
    cols = list(df.columns[: len(TIDY_COLUMNS)])
    if cols != list(TIDY_COLUMNS):
        missing = [c for c in TIDY_COLUMNS if c not in df.columns]
        raise ValueError(
            "not a tidy bactivate log: "
            + (f"missing columns {missing}" if missing else f"columns out of order: {cols}")
            + ". Load it with bactivate.read_log()."
        )
    for col, dtype in TIDY_COLUMNS.items():
        if col in NAME_COLUMNS:
            if not is_names(df[col]):
                raise ValueError(f"column {col!r} has dtype {df[col].dtype}, expected {dtype} "
                                 "(or str)")
        elif str(df[col].dtype) != dtype:
            raise ValueError(f"column {col!r} has dtype {df[col].dtype}, expected {dtype}")
    for col in RATINGS:
        s = df[col]
        bad = s.notna() & ((s < RATING_MIN) | (s > RATING_MAX))
        if bad.any():
            raise ValueError(f"column {col!r} has values outside 0-10: {s[bad].head().tolist()}")


class AttrsFrame(pd.DataFrame):
    """A DataFrame that can be stored in another frame's ``attrs``.

    pandas compares ``attrs`` when it concatenates or merges frames
    (``obj.attrs == other.attrs``); with a plain DataFrame inside, that
    comparison raises "The truth value of a DataFrame is ambiguous". This
    subclass answers ``==`` against another ``AttrsFrame`` with a single bool
    (``DataFrame.equals``), so ``pd.concat([log_a, log_b])`` works. Everything
    else behaves as a DataFrame.
    """

    @property
    def _constructor(self):
        """Frames derived from this one are AttrsFrames too."""
        return AttrsFrame

    def __eq__(self, other):
        """Two AttrsFrames are equal when their contents are (one bool, so attrs compare)."""
        if isinstance(other, AttrsFrame):
            return self.equals(other)
        return super().__eq__(other)

    def __ne__(self, other):
        """The negation of :meth:`__eq__`."""
        if isinstance(other, AttrsFrame):
            return not self.equals(other)
        return super().__ne__(other)

    __hash__ = None


def source_scale(scales, column: str) -> tuple[float, float]:
    """The scale (low, high) *column* was read from, as the loader recorded it in ``attrs["scales"]``.

    A reversed item (higher = worse on the source) is ``(high, low)``, e.g. ``(10, 0)``.

    >>> source_scale({"mood": (1, 7)}, "mood")
    (1.0, 7.0)
    """
    scales = scales or {}
    if column not in scales:
        raise ValueError(f"scale='source': attrs['scales'] does not say which scale {column!r} was read "
                         "from; read the log with ba.read_log or ba.read_cohort (or pass scale=None for 0-10)")
    low, high = (float(v) for v in scales[column])
    return low, high


def to_source(x, scale: tuple[float, float], *, difference: bool = False):
    """Values on the tidy 0-10 scale put back on the *scale* (low, high) they were read from.

    A level (a mean) maps linearly; a difference (a slope, a change, a contrast) only
    scales. On a reversed item (low > high) a difference changes sign, so an interval's
    ends swap: the caller orders them.

    >>> to_source(5.0, (1.0, 7.0)), to_source(1.0, (1.0, 7.0), difference=True)
    (4.0, 0.6)
    >>> to_source(2.0, (10.0, 0.0), difference=True)
    -2.0
    """
    low, high = scale
    factor = (high - low) / (RATING_MAX - RATING_MIN)
    return x * factor if difference else low + (x - RATING_MIN) * factor

