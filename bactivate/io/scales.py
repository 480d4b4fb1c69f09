"""Rating scales: telling which scale a column is on, and mapping it onto 0-10.

A scale comes, in this order, from the user (``scales={"mood": (1, 5)}``),
from the header (``"Mood (1-5)"``, ``"M /10"``), from fractions in the cells
(``"7/10"``), or from the data when the data leave no doubt. When they do
leave doubt (every mood between 1 and 5: a 1-5 scale, or low moods on 0-10?)
:func:`settle_scale` raises, asking the user to declare the scale: a
silent guess would change every number in the report.

>>> import numpy as np
>>> settle_scale("mood", np.array([0.0, 3, 9]), header=None, declared=None)[0]
(0.0, 10.0)
>>> to_0_10(np.array([1.0, 3, 5]), (1, 5)).tolist()
[0.0, 5.0, 10.0]
"""

from __future__ import annotations

import numpy as np

from bactivate.errors import LogError

#: Scales bactivate knows how to recognise, besides those declared.
KNOWN = ((0.0, 10.0), (1.0, 5.0), (1.0, 7.0), (1.0, 10.0), (0.0, 100.0), (-3.0, 3.0), (-5.0, 5.0))


def settle_scale(column: str, values: np.ndarray, *, header, declared, fractions=None):
    """Decide the scale of one rating column; return ``((low, high), how)``.

    Raises :class:`~bactivate.LogError` when the data cannot tell.
    """
    if declared is not None:
        lo, hi = float(declared[0]), float(declared[1])
        if not hi > lo:
            raise LogError(f"scales={{{column!r}: {declared!r}}}: the high end must be above the low end")
        return (lo, hi), "declared with scales="
    if header is not None:
        return header, "named in the header"
    if fractions is not None and len(fractions):
        dens = set(np.unique(fractions[~np.isnan(fractions)]).tolist())
        if dens == {10.0}:
            return (0.0, 10.0), "cells written as x/10"
        if dens == {100.0}:
            return (0.0, 100.0), "cells written as x/100"
    v = values[~np.isnan(values)]
    if len(v) == 0:
        return (0.0, 10.0), "no values; 0-10 assumed"
    lo, hi = float(v.min()), float(v.max())
    span = f"the values ({_fmt(lo)} to {_fmt(hi)})"
    if lo >= 0 and hi <= 10 and (hi >= 8 or lo == 0 or not np.allclose(v, np.round(v * 2) / 2)):
        why = ("go above 7" if hi >= 8 else "include 0" if lo == 0 else "include fine decimals")
        one_to_ten = ", ".join(f"'{f.strip()}': (1, 10)" for f in column.split(" and "))
        return (0.0, 10.0), (f"{span} {why}, so 0-10; if the sheet uses 1-10, declare it with "
                             f"scales={{{one_to_ten}}}")
    if lo >= 0 and hi > 10 and np.mean(v > 10) >= 0.5 and hi <= 100:
        return (0.0, 100.0), f"{span} are mostly above 10, so 0-100"
    if lo >= 0 and hi > 10 and np.mean(v > 10) < 0.5:
        return (0.0, 10.0), f"most values fit 0-10; {_fmt(hi)} is out of range"
    fields = [f.strip() for f in column.split(" and ")]
    fits = [_range(a, b) for a, b in KNOWN if a <= lo and hi <= b]
    could = ", ".join(fits[:-1]) + f" or {fits[-1]}" if len(fits) > 1 else (fits[0] if fits else "")
    guess = next(((a, b) for a, b in KNOWN if a <= lo and hi <= b and (a, b) != (0.0, 10.0)),
                 (1.0, 5.0))
    example = ", ".join(f"'{f}': ({_fmt(guess[0])}, {_fmt(guess[1])})" for f in fields)
    headers = " and ".join(f"'{f.capitalize()} ({_range(*guess)})'" for f in fields)
    raise LogError(
        f"cannot tell the scale of {column!r}: {span} could be on {could or 'several scales'}. "
        f"Declare it, e.g. read_log(..., scales={{{example}}}), "
        f"or write the scale in the header, e.g. {headers}."
    )


def to_0_10(values: np.ndarray, scale) -> np.ndarray:
    """Map values linearly from *scale* = (low, high) onto 0-10."""
    lo, hi = float(scale[0]), float(scale[1])
    values = np.asarray(values, dtype="float64")
    if (lo, hi) == (0.0, 10.0):
        return values.copy()  # exactly as given: 0.3 stays 0.3, so tidy logs round-trip
    return (values - lo) * (10.0 / (hi - lo))


def _range(lo: float, hi: float) -> str:
    """'1-5', or '-3 to 3' when the low end is negative."""
    return f"{_fmt(lo)} to {_fmt(hi)}" if lo < 0 else f"{_fmt(lo)}-{_fmt(hi)}"


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"
