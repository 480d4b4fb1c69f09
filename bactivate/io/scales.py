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

from bactivate._util import number
from bactivate.errors import LogError

#: Scales bactivate knows how to recognise, besides those declared.
KNOWN = ((0.0, 10.0), (1.0, 5.0), (1.0, 7.0), (1.0, 10.0), (0.0, 100.0), (-3.0, 3.0), (-5.0, 5.0))

#: Daylio's five default mood labels, mapped onto 0-10.
DAYLIO_MOODS = {"rad": 10.0, "good": 7.5, "meh": 5.0, "bad": 2.5, "awful": 0.0}
#: Daylio's five default mood labels in the languages whose translations were seen in real
#: exports or in Daylio readers written for that language (rad, good, meh, bad, awful), mapped
#: onto 0-10; each language names its source (tests/data/README.md lists them). Other languages
#: are not guessed: their labels are given with ``mood_map=`` (``--mood LABEL=VALUE``).
DAYLIO_MOODS_BY_LANGUAGE = {
    "en": DAYLIO_MOODS,
    "de": {"super": 10.0, "gut": 7.5, "ok": 5.0, "schlecht": 2.5, "lausig": 0.0},
    "pl": {"wspaniale": 10.0, "dobrze": 7.5, "tak sobie": 5.0, "źle": 2.5, "okropnie": 0.0},
    # French: an official Daylio PDF export (SUPER, MOUAIS, HORRIBLE) and the parser's map of
    # all five in Guekka/DaylioBackupTools (tests/data/official/french.pdf, src/formats/daylio.rs).
    # "super" is also German, at the same value.
    "fr": {"super": 10.0, "bien": 7.5, "mouais": 5.0, "mauvais": 2.5, "horrible": 0.0},
    # Italian: two independent Daylio CSV readers by Italian authors agree: Belluxx/DaylioTools
    # (MOOD_MAP in app/src/main/java/com/pietrobellodi/dayliotools/MainActivity.kt, 2021; later
    # utils/MoodTools.kt) and tanadelgigante/daylio-api-server (MOOD_MAP in server.py, 2025).
    "it": {"ottimo": 10.0, "buono": 7.5, "così così": 5.0, "male": 2.5, "terribile": 0.0},
}


def mood_labels(mood_map=None) -> dict[str, float]:
    """The mood labels known: Daylio's defaults in every language known, plus *mood_map*'s.

    ``mood_map`` adds to the defaults (and wins where it names one of them);
    labels are matched without case and outer spaces.

    Parameters
    ----------
    mood_map : dict, optional
        The user's own labels and their values on 0-10.

    Returns
    -------
    dict
        Lower-case label -> value on 0-10.

    Examples
    --------
    >>> known = mood_labels({"Sad ": 2})
    >>> known["sad"], known["rad"], known["schlecht"], known["tak sobie"]
    (2.0, 10.0, 2.5, 5.0)
    """
    known = {k: float(v) for labels in DAYLIO_MOODS_BY_LANGUAGE.values() for k, v in labels.items()}
    known.update({str(k).strip().lower(): float(v) for k, v in (mood_map or {}).items()})
    return known


def settle_scale(column: str, values: np.ndarray, *, header, declared, fractions=None, counts=None):
    """Decide the scale of one rating column, and say how it was decided.

    The scale is the one *declared* (``scales=``), else the one named in the
    *header*, else the one the cells' fractions share (``7/10``), else the one
    the values leave no doubt about.

    Parameters
    ----------
    column : str
        The column's field (``"mood"``), or several joined by ``" and "`` when
        they share a scale; used in messages.
    values : numpy.ndarray
        The column's numbers (float, NaN for blanks).
    header : tuple of float or None
        ``(low, high)`` as the header declares it (:func:`bactivate.io.headers.scale_hint`).
    declared : tuple or None
        ``(low, high)`` as the user declared it with ``scales=``; ``(high, low)``, e.g.
        ``(10, 0)``, for a reversed item (higher = worse on the source): returned as given,
        so that :func:`to_0_10` maps it with 10 = best.
    fractions : numpy.ndarray, optional
        The denominator written in each cell (``10`` for ``7/10``), NaN elsewhere.
    counts : numpy.ndarray, optional
        How many cells hold each of *values*: then *values* are the column's distinct
        values (a value counted 0 times is not in the column), and the scale is the one
        the cells they count give.

    Returns
    -------
    tuple
        ``((low, high), how)``: the scale as floats, and how it was decided, in words.

    Raises
    ------
    bactivate.LogError
        When *declared* has two equal ends, or when the data cannot tell the
        scale (the message lists the scales that fit and how to declare one).

    Examples
    --------
    >>> import numpy as np
    >>> settle_scale("mood", np.array([2.0, 9]), header=None, declared=(1, 10))
    ((1.0, 10.0), 'declared with scales=')
    >>> settle_scale("mood", np.array([2.0, 9]), header=None, declared=(10, 0))[0]
    (10.0, 0.0)
    >>> settle_scale("mood", np.array([7.0]), header=None, declared=None,
    ...              fractions=np.array([10.0]))
    ((0.0, 10.0), 'cells written as x/10')
    >>> settle_scale("mood", np.array([20.0, 80]), header=None, declared=None)
    ((0.0, 100.0), 'the values (20 to 80) are mostly above 10, so 0-100')
    >>> settle_scale("mood", np.array([5.0, 20, 80, 90]), header=None, declared=None,
    ...              counts=np.array([3, 1, 1, 0]))
    ((0.0, 10.0), 'most values fit 0-10; 80 is out of range')
    >>> settle_scale("mood", np.array([1.0, 4]), header=None, declared=None)
    Traceback (most recent call last):
    ...
    bactivate.errors.LogError: cannot tell the scale of 'mood': the values (1 to 4) could be on ...
    """
    got = _given(column, declared, header) or _from_fractions(fractions)
    if got is not None:
        return got
    keep = ~np.isnan(values) if counts is None else ~np.isnan(values) & (np.asarray(counts) > 0)
    v = values[keep]
    if len(v) == 0:
        return (0.0, 10.0), "no values; 0-10 assumed"
    got = _from_values(column, v, None if counts is None else np.asarray(counts)[keep])
    if got is not None:
        return got
    raise _cannot_tell(column, float(v.min()), float(v.max()))


def _given(column: str, declared, header):
    """The scale declared with ``scales=`` or named in the header, or None."""
    if declared is not None:
        lo, hi = float(declared[0]), float(declared[1])
        if hi == lo:
            raise LogError(f"scales={{{column!r}: {declared!r}}}: the two ends must differ")
        if hi < lo:
            return (lo, hi), (f"declared with scales= as reversed: {number(lo)} on the source is the worst "
                              f"and {number(hi)} the best (higher = worse), mapped so that 10 = best")
        return (lo, hi), "declared with scales="
    if header is not None:
        return header, "named in the header"
    return None


def _from_fractions(fractions):
    """0-10 or 0-100 when every fraction in the cells is out of 10 (or every one out of 100), else None."""
    if fractions is not None and len(fractions):
        dens = set(np.unique(fractions[~np.isnan(fractions)]).tolist())
        if dens == {10.0}:
            return (0.0, 10.0), "cells written as x/10"
        if dens == {100.0}:
            return (0.0, 100.0), "cells written as x/100"
    return None


def _span(lo: float, hi: float) -> str:
    """'the values (1 to 4)'."""
    return f"the values ({number(lo)} to {number(hi)})"


def _above_10(v: np.ndarray, w) -> float:
    """The share of the cells above 10: of the values *v*, or of the cells *w* counts of each."""
    if w is None:
        return float(np.mean(v > 10))
    return float(w[v > 10].sum() / w.sum())


def _from_values(column: str, v: np.ndarray, w=None):
    """The scale the values *v* (no NaN; *w* cells of each when given) leave no doubt about, or None."""
    lo, hi = float(v.min()), float(v.max())
    if lo >= 0 and hi <= 10 and (hi >= 8 or lo == 0 or not np.allclose(v, np.round(v * 2) / 2)):
        why = ("go above 7" if hi >= 8 else "include 0" if lo == 0 else "include fine decimals")
        one_to_ten = ", ".join(f"'{f.strip()}': (1, 10)" for f in column.split(" and "))
        return (0.0, 10.0), (f"{_span(lo, hi)} {why}, so 0-10; if the sheet uses 1-10, declare it with "
                             f"scales={{{one_to_ten}}}")
    if lo >= 0 and hi > 10 and _above_10(v, w) >= 0.5 and hi <= 100:
        return (0.0, 100.0), f"{_span(lo, hi)} are mostly above 10, so 0-100"
    if lo >= 0 and hi > 10 and _above_10(v, w) < 0.5:
        return (0.0, 10.0), f"most values fit 0-10; {number(hi)} is out of range"
    return None


def _cannot_tell(column: str, lo: float, hi: float) -> LogError:
    """The LogError for values from *lo* to *hi* that fit several scales: which fit, how to declare one."""
    fields = [f.strip() for f in column.split(" and ")]
    fits = [scale_text((a, b)) for a, b in KNOWN if a <= lo and hi <= b]
    could = ", ".join(fits[:-1]) + f" or {fits[-1]}" if len(fits) > 1 else (fits[0] if fits else "")
    guess = next(((a, b) for a, b in KNOWN if a <= lo and hi <= b and (a, b) != (0.0, 10.0)),
                 (1.0, 5.0))
    example = ", ".join(f"'{f}': ({number(guess[0])}, {number(guess[1])})" for f in fields)
    headers = " and ".join(f"'{f.capitalize()} ({scale_text(guess)})'" for f in fields)
    return LogError(
        f"cannot tell the scale of {column!r}: {_span(lo, hi)} could be on {could or 'several scales'}. "
        f"Declare it, e.g. read_log(..., scales={{{example}}}), "
        f"or write the scale in the header, e.g. {headers}."
    )


def to_0_10(values: np.ndarray, scale) -> np.ndarray:
    """Map values linearly from *scale* onto 0-10.

    Parameters
    ----------
    values : array_like
        Numbers on *scale* (NaN stays NaN).
    scale : tuple of float
        ``(low, high)``; ``(high, low)`` for a reversed item, so that the source's
        worst end maps to 0 and its best to 10.

    Returns
    -------
    numpy.ndarray
        float64; a copy of *values* as given when *scale* is already 0-10, so
        that 0.3 stays 0.3 and tidy logs round-trip.

    Examples
    --------
    >>> to_0_10([1, 4, 7], (1, 7)).tolist()
    [0.0, 5.0, 10.0]
    >>> to_0_10([-3.0, 0.0, 3.0], (-3, 3)).tolist()
    [0.0, 5.0, 10.0]
    >>> to_0_10([7.0, 4.0, 1.0], (7, 1)).tolist()  # reversed: 7 (worst) -> 0, 1 (best) -> 10
    [0.0, 5.0, 10.0]
    """
    lo, hi = float(scale[0]), float(scale[1])
    values = np.asarray(values, dtype="float64")
    if (lo, hi) == (0.0, 10.0):
        return values.copy()  # exactly as given: 0.3 stays 0.3, so tidy logs round-trip
    return (values - lo) * (10.0 / (hi - lo)) + 0.0  # + 0.0: a reversed scale's worst end is 0, not -0


def scale_text(scale) -> str:
    """A scale as people write it: ``"1-5"``, or ``"-3 to 3"`` when the low end is negative.

    Parameters
    ----------
    scale : tuple of float
        ``(low, high)``.

    Returns
    -------
    str

    Examples
    --------
    >>> scale_text((1.0, 5.0)), scale_text((0, 10)), scale_text((-3.0, 3.0)), scale_text((0, 7.5))
    ('1-5', '0-10', '-3 to 3', '0-7.5')
    >>> scale_text((10, 0))  # a reversed item
    '10-0'
    """
    lo, hi = scale
    return f"{number(lo)} to {number(hi)}" if min(lo, hi) < 0 else f"{number(lo)}-{number(hi)}"
