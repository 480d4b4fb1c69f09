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

#: Tidy column name -> pandas dtype. Order matters.
TIDY_COLUMNS: dict[str, str] = {
    "client": "str",
    "entry": "int64",
    "start": "datetime64[ns]",
    "end": "datetime64[ns]",
    "activity": "str",
    "category": "str",
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
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in TIDY_COLUMNS.items()})


def empty_rejected() -> pd.DataFrame:
    """An empty rejected-rows table."""
    out = AttrsFrame({c: pd.Series(dtype="str") for c in REJECTED_COLUMNS})
    out["row"] = out["row"].astype("int64")
    return out


def conform(df: pd.DataFrame) -> pd.DataFrame:
    """Return *df* with every tidy column present, in order, with its dtype.

    Missing tidy columns are added as missing values; extra columns are kept
    after the tidy ones, unchanged.
    """
    out = {}
    n = len(df)
    for col, dtype in TIDY_COLUMNS.items():
        if col in df.columns:
            s = df[col]
            if str(s.dtype) != dtype:
                s = s.astype(dtype)
        else:
            s = pd.Series(np.nan if dtype != "boolean" else pd.NA, index=df.index, dtype=dtype)
            if col == "entry":
                s = pd.Series(np.arange(1, n + 1), index=df.index, dtype="int64")
        out[col] = s
    extras = [c for c in df.columns if c not in TIDY_COLUMNS]
    tidy = pd.DataFrame(out, index=df.index)
    if extras:
        tidy = pd.concat([tidy, df[extras]], axis=1)
    return tidy


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
        if str(df[col].dtype) != dtype:
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

