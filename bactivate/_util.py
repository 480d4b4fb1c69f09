"""Small text helpers used across the package: plurals, natural order, lists, numbers; no state."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

_DIGITS = re.compile(r"(\d+)")


def plural_word(n, word: str, many: str | None = None) -> str:
    """The form of *word* that goes with *n* things, without the number.

    Parameters
    ----------
    n : int
        How many; it is read with ``int()``, and 1 (only 1) takes the singular.
    word : str
        The singular.
    many : str, optional
        The plural; by default *word* + "s", or "ies" for a "y" after a consonant.

    Returns
    -------
    str

    Examples
    --------
    >>> plural_word(1, "row"), plural_word(0, "row"), plural_word(2, "entry")
    ('row', 'rows', 'entries')
    >>> plural_word(3, "day"), plural_word(3, "is", "are")
    ('days', 'are')
    """
    if int(n) == 1:
        return word
    if many is not None:
        return many
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def plural(n, word: str, many: str | None = None) -> str:
    """*n* and the form of *word* that goes with it.

    Parameters
    ----------
    n : int
        How many; written as ``int(n)``, with no thousands separator.
    word : str
        The singular.
    many : str, optional
        The plural (see :func:`plural_word`).

    Returns
    -------
    str

    Examples
    --------
    >>> plural(1, "row"), plural(2, "row"), plural(0, "row")
    ('1 row', '2 rows', '0 rows')
    >>> plural(3, "entry"), plural(2, "day"), plural(2, "mouse", "mice")
    ('3 entries', '2 days', '2 mice')
    """
    n = int(n)
    return f"{n} {plural_word(n, word, many)}"


def natural_key(text, *, fold_case: bool = True) -> list:
    """A sort key that orders runs of digits by their value, so that "C2" sorts before "C10".

    Parameters
    ----------
    text : object
        Read as ``str(text)``.
    fold_case : bool, default True
        Lower-case the text between the numbers.

    Returns
    -------
    list
        Text and int parts in turn, beginning with text (maybe "").

    Examples
    --------
    >>> sorted(["C10", "c2", "C1"], key=natural_key)
    ['C1', 'c2', 'C10']
    >>> sorted(["b2", "B10", "a3"], key=lambda t: natural_key(t, fold_case=False))
    ['B10', 'a3', 'b2']
    >>> natural_key("Week 12")
    ['week ', 12, '']
    """
    parts = _DIGITS.split(str(text))
    if fold_case:
        parts[0::2] = [p.lower() for p in parts[0::2]]
    parts[1::2] = [int(p) for p in parts[1::2]]
    return parts


def natural_codes(values) -> np.ndarray:
    """Codes of *values* in natural order (:func:`natural_key`), for sorting by it.

    Equal values share a code; values with equal keys ("C2", "c2", "C02") get
    their own codes, in order of first appearance.

    Parameters
    ----------
    values : Series, Index, array or list
        No missing values: a ``ValueError`` is raised on NA, None or NaN.

    Returns
    -------
    numpy.ndarray
        The codes of a categorical (the smallest int dtype that fits).

    Examples
    --------
    >>> natural_codes(["C10", "c2", "C1", "c2"]).tolist()
    [2, 1, 0, 1]
    >>> names = ["C10", "c2", "C1"]
    >>> [names[i] for i in natural_codes(names).argsort(kind="stable")]
    ['C1', 'c2', 'C10']
    """
    if not isinstance(values, pd.Series | pd.Index | np.ndarray | pd.api.extensions.ExtensionArray):
        values = pd.Series(list(values), dtype=object)
    order = sorted(pd.unique(values), key=natural_key)
    return pd.Categorical(values, categories=order).codes


def listed(items, limit: int = 10) -> str:
    """*items* as text in natural order, comma-separated, the first *limit* of them.

    Parameters
    ----------
    items : iterable
        Each read as ``str(item)``.
    limit : int, default 10
        How many to show; the rest are counted.

    Returns
    -------
    str

    Examples
    --------
    >>> listed(["C10", "c2", "C1"])
    'C1, c2, C10'
    >>> listed([f"C{i}" for i in range(12, 0, -1)], limit=3)
    'C1, C2, C3, ... (9 more)'
    """
    items = sorted(map(str, items), key=natural_key)
    more = len(items) - limit
    return ", ".join(items[:limit]) + (f", ... ({more} more)" if more > 0 else "")


def listed_and(items, limit: int = 5) -> str:
    """*items* as text in the order given, the last joined with "and", the first *limit* of them.

    Parameters
    ----------
    items : iterable
        Each read as ``str(item)``.
    limit : int, default 5
        How many to show; the rest are counted (with thousands separators).

    Returns
    -------
    str
        "" for no items.

    Examples
    --------
    >>> listed_and(["A1"]), listed_and(["A1", "B2", "C3"])
    ('A1', 'A1, B2 and C3')
    >>> listed_and([str(i) for i in range(1, 1500)], limit=2)
    '1, 2 and 1,497 more'
    """
    items = [str(i) for i in items]
    if not items:
        return ""
    if len(items) <= limit:
        return ", ".join(items[:-1]) + (" and " if len(items) > 1 else "") + items[-1]
    return ", ".join(items[:limit]) + f" and {len(items) - limit:,} more"


def number(x) -> str:
    """A number as short text: a whole number with no decimals, anything else as ``:g``.

    Parameters
    ----------
    x : float or int
        Read with ``float()``.

    Returns
    -------
    str
        Whole numbers of 1e15 or more (by size) are written as ``:g`` too.

    Examples
    --------
    >>> number(7.0), number(-3), number(0.5), number(2.5e-7)
    ('7', '-3', '0.5', '2.5e-07')
    >>> number(1e20), number(float("nan"))
    ('1e+20', 'nan')
    """
    x = float(x)
    return str(int(x)) if x.is_integer() and abs(x) < 1e15 else f"{x:g}"
