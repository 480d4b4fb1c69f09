"""Vectorised parsers for the cells people type into activity logs.

Each parser takes a Series of raw cells (numbers, text, Excel dates, blanks)
and returns the parsed values plus, for cells that could not be read, a
reason that tells the user what to fix (``NA`` where the cell was fine or
blank). Work is done on whole columns, and text is parsed once per distinct
value, so a log of a million rows costs little more than its distinct cells.

>>> import pandas as pd
>>> values, why, _ = parse_number(pd.Series(["7", "7,5", "7/10", "seven", "??", None]))
>>> values.tolist()[:4]
[7.0, 7.5, 7.0, 7.0]
>>> why.iloc[4]
"'??' is not a number: write a number such as 7 or 7.5"
"""

from __future__ import annotations

import datetime as _dt
import functools
import re

import numpy as np
import pandas as pd

from bactivate.schema import used_codes

_WORDS = {
    "zero": 0, "none": 0, "nil": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}
_TRUE = {"yes", "y", "x", "✓", "✔", "✔️", "☑", "☑️", "✅", "1", "1.0", "true", "t", "done", "ja",
         "oui", "si", "sí", "completed", "yes!", "+"}
_FALSE = {"no", "n", "0", "0.0", "false", "f", "✗", "✘", "❌", "nein", "non", "not done",
          "skipped", "-"}

#: Cells that say "no value here" on purpose; read as blank, not as a problem.
NOT_GIVEN = frozenset({"n/a", "na", "n.a.", "nan", "null", "#n/a"})
#: In a rating column a dash also means "not rated".
NOT_RATED = NOT_GIVEN | {"-", "–", "—", "--"}

_EXCEL_EPOCH = pd.Timestamp("1899-12-30")

#: A date, time of day or duration is written in at most this many characters; a longer cell is
#: not one (it is reported as unreadable like any other) and the patterns below never scan it,
#: so that a pasted paragraph or a 40,000-digit cell costs microseconds, not minutes.
MAX_VALUE_CHARS = 100
#: How much of an unreadable cell a reason quotes (the whole cell stays in attrs["rejected"]).
SHOWN_CHARS = 60


def _shown(text: pd.Series) -> pd.Series:
    """Cells as quoted in a reason: long ones cut to their first characters, with their length."""
    text = text.astype("str")
    n = text.str.len()
    long = n > SHOWN_CHARS
    if not long.any():
        return text
    return text.where(~long, text.str.slice(0, SHOWN_CHARS) + "… (" + n.astype("str") + " characters)")


def coded(s) -> bool:
    """True for a column held as codes into its distinct values (a ``category`` Series).

    The loader reads CSV and Parquet columns this way (see :mod:`bactivate.io.files`), so that
    every parser below works on the distinct values of a column, not on each of its rows.

    Parameters
    ----------
    s : object
        Anything; only a categorical Series is coded.

    Returns
    -------
    bool

    Examples
    --------
    >>> import pandas as pd
    >>> coded(pd.Series(["a", "b"], dtype="category")), coded(pd.Series(["a", "b"]))
    (True, False)
    """
    return isinstance(s, pd.Series) and isinstance(s.dtype, pd.CategoricalDtype)


# speed: benchmark rows W2-csv, W2-parquet, docs/performance.md. A column is parsed on its
# distinct cells and the result spread back over the rows: drop_unused, _take, _spread,
# per_value and distinct below are that machinery.
def drop_unused(s: pd.Series, maybe: np.ndarray | None = None) -> pd.Series:
    """A coded column without the codes no row uses (e.g. the header's, once the rows are cut).

    Parameters
    ----------
    s : Series
        A coded column (:func:`coded`).
    maybe : array of int, optional
        The only codes that may be unused (those of the rows cut off, say): only they are
        looked for, and the column is left alone when the rows use them all.

    Returns
    -------
    Series
        *s* itself when every code is used.

    Examples
    --------
    >>> import pandas as pd
    >>> col = pd.Series(["Mood", "7", "8"], dtype="category").iloc[1:]
    >>> list(drop_unused(col).cat.categories)
    ['7', '8']
    """
    cats = s.cat.categories
    codes = s.cat.codes.to_numpy()
    if maybe is not None:
        used = np.ones(len(cats), dtype=bool)
        used[maybe] = [bool((codes == c).any()) for c in maybe]  # a loop over a few codes
    else:
        used = used_codes(codes, len(cats))
    if used.all():
        return s
    if not used[int(used.argmax()):].all():  # codes gone from between others: renumber each
        renumber = np.full(len(cats) + 1, -1, dtype=codes.dtype)  # the last slot maps -1 to -1
        renumber[:-1][used] = np.arange(int(used.sum()), dtype=codes.dtype)
        new = renumber[codes]
    else:  # only the first codes gone (the header's, say): shift the rest down
        new = np.where(codes < 0, codes, codes - codes.dtype.type(used.argmax()))
    return pd.Series(pd.Categorical.from_codes(new, categories=cats[used], validate=False), index=s.index,
                     name=s.name)


def _take(got: pd.Series, codes: np.ndarray):
    """``got.take(codes)`` as an array, in NumPy or Arrow directly (pandas' take checks more)."""
    if isinstance(got.dtype, np.dtype):
        return got.to_numpy()[codes]
    if got.dtype == "str" and hasattr(got.array, "_pa_array"):
        import pyarrow as pa

        chunks = got.array._pa_array
        arr = chunks.combine_chunks() if isinstance(chunks, pa.ChunkedArray) else chunks
        return pd.array(arr.take(pa.array(codes)), dtype="str")
    return got.array.take(codes)


def _spread(got, codes: np.ndarray, index: pd.Index):
    """The result of a parser on the distinct values, spread back over the rows (by *codes*)."""
    if isinstance(got, pd.Series) and len(got) and got.isna().all():
        # e.g. no cell has a problem: a column of missing values, without spreading one
        if got.dtype == "str":
            import pyarrow as pa

            return pd.Series(pd.array(pa.nulls(len(index), pa.large_string()), dtype="str"), index=index)
        codes = np.zeros(len(index), dtype=np.intp)
        got = got.iloc[:1]
    if isinstance(got, pd.Series) and isinstance(got.dtype, np.dtype) and got.dtype != object and len(got):
        first = got.to_numpy()
        if (first == first[0]).all():  # e.g. no cell blank: one value, filled rather than spread
            return pd.Series(np.full(len(index), first[0], dtype=got.dtype), index=index, name=got.name)
    if isinstance(got, pd.Series):
        return pd.Series(_take(got, codes), index=index, name=got.name, dtype=got.dtype)
    if isinstance(got, pd.DataFrame):
        return pd.DataFrame({c: pd.Series(_take(got[c], codes), index=index, dtype=got[c].dtype)
                             for c in got.columns}, index=index)
    if isinstance(got, tuple):
        return tuple(_spread(g, codes, index) for g in got)
    return got  # a dict or flag about the column as a whole


def per_value(func):
    """Run the column parser *func* on the distinct values of a coded column, then spread it.

    A parser whose result for a cell depends only on that cell (and on the set of distinct
    values, as day/month order does) gives the same answer this way, at the cost of the
    distinct values. The categories should be the values in use (the loader drops the
    header's once per column), as a parser may decide from all of them (is every cell a
    number?). Columns that are not coded are parsed as they are.

    Parameters
    ----------
    func : callable
        A column parser: a Series (and more arguments) to a Series, a
        DataFrame, a tuple of them, or something about the whole column.

    Returns
    -------
    callable
        *func* run on distinct values, with its signature.

    Examples
    --------
    >>> import pandas as pd
    >>> @per_value
    ... def shout(s):
    ...     return s.str.upper()
    >>> shout(pd.Series(["a", "b", "a", None], dtype="category")).tolist()
    ['A', 'B', 'A', nan]
    """
    @functools.wraps(func)
    def run(s, *args, **kwargs):
        if not coded(s):
            return func(s, *args, **kwargs)
        cats = s.cat.categories
        codes = s.cat.codes.to_numpy()
        u = pd.Series(cats)
        if codes.min(initial=0) < 0:  # missing cells: a last distinct value, the missing one
            codes = np.where(codes < 0, len(cats), codes)
            u = u.reindex(range(len(cats) + 1))
        return _spread(func(u, *args, **kwargs), codes, s.index)
    return run


@per_value
def blank(s: pd.Series) -> pd.Series:
    """True where a cell is empty: missing, or text that is only whitespace.

    Parameters
    ----------
    s : Series
        Cells as read.

    Returns
    -------
    Series of bool

    Examples
    --------
    >>> import pandas as pd
    >>> blank(pd.Series(["x", "  ", None, 0])).tolist()
    [False, True, True, False]
    """
    isna = s.isna()
    if s.dtype == object or pd.api.types.is_string_dtype(s.dtype):
        text = s.where(~isna).astype("str")
        isna = isna | (text.str.strip() == "")
    return isna.fillna(True).astype(bool)


def _unbool(s: pd.Series) -> pd.Series:
    """Boolean cells (an Excel TRUE/FALSE) as the text "True"/"False".

    Without this, ``pd.to_numeric`` reads TRUE as 1: a tick box in a rating or
    time column would become a rating of 1 or one o'clock.
    """
    if s.dtype == bool or str(s.dtype) == "boolean":
        return s.astype(object).where(s.isna(), s.astype("str")).astype(object)
    if s.dtype != object:
        return s
    is_bool = s.isin([True, False]) & s.astype("str").isin(["True", "False"])
    if not is_bool.any():
        return s
    return s.where(~is_bool, s.astype("str"))


def _as_text(s: pd.Series) -> pd.Series:
    """Cells as stripped text (NaN for blanks)."""
    out = s.astype("str").str.strip()
    return out.where(~blank(s))


def _per_unique(text: pd.Series, func) -> pd.Series:
    """Apply *func* to each distinct value of *text* (not each row) and map back."""
    uniq = pd.unique(text.dropna())
    if len(uniq) == 0:
        return pd.Series(np.nan, index=text.index, dtype=object)
    mapped = {u: func(u) for u in uniq}
    return text.map(mapped)


def distinct(s: pd.Series, func, missing=np.nan):
    """Run the column function *func* on the distinct values of *s* only, and spread the
    result (a Series or a DataFrame) back over every row of *s* (NaN where *s* is missing).

    A log of 100 000 rows holds a few hundred distinct ratings, dates or times; regular
    expressions and parsers then run on those few hundred.

    Parameters
    ----------
    s : Series
        Cells (a coded column uses its codes; other columns are factorised).
    func : callable
        A Series of the distinct values to a Series or DataFrame of the same length.
    missing : object, default NaN
        The result for missing cells.

    Returns
    -------
    Series or DataFrame
        On the index of *s*.

    Examples
    --------
    >>> import pandas as pd
    >>> distinct(pd.Series(["a", "bb", "a", None]), lambda u: u.str.len(), missing=0).tolist()
    [1, 2, 1, 0]
    """
    if coded(s):
        codes, uniq = s.cat.codes.to_numpy(), s.cat.categories
    else:
        codes, uniq = pd.factorize(s, use_na_sentinel=True)
    got = func(pd.Series(uniq, dtype=object if s.dtype == object else uniq.dtype))
    got = got.reset_index(drop=True)
    got = got.reindex(range(len(got) + 1), fill_value=missing)  # a last value for the missing cells
    return _spread(got, np.where(codes < 0, len(got) - 1, codes), s.index)


@per_value
def numeric(s: pd.Series) -> pd.Series:
    """Cells that are numbers, or text that is one, as float (NaN otherwise); per distinct value.

    Parameters
    ----------
    s : Series
        Cells as read.

    Returns
    -------
    Series of float64

    Examples
    --------
    >>> import pandas as pd
    >>> numeric(pd.Series(["7", 7.5, "seven", None])).tolist()
    [7.0, 7.5, nan, nan]
    """
    if pd.api.types.is_numeric_dtype(s.dtype) and s.dtype != bool:
        return s.astype("float64")
    return distinct(s, lambda u: pd.to_numeric(u, errors="coerce")).astype("float64")


def is_type(s: pd.Series, types) -> pd.Series:
    """True where a cell is an instance of *types*; tested once per distinct cell, not per row.

    Cells that compare equal (1, 1.0, True) share one test, which is safe here:
    they are all of the types tested for or all not.

    Parameters
    ----------
    s : Series
        Cells as read (only object columns hold Python objects).
    types : type or tuple of types
        As for ``isinstance``.

    Returns
    -------
    Series of bool

    Examples
    --------
    >>> import datetime as dt, pandas as pd
    >>> is_type(pd.Series([dt.time(9), "9:00", None], dtype=object), dt.time).tolist()
    [True, False, False]
    """
    if s.dtype != object:
        return pd.Series(False, index=s.index)
    return _per_unique(s, lambda v: isinstance(v, types)).fillna(False).astype(bool)


@per_value
def parse_number(s: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Numbers as people write them: ``7``, ``7.5``, ``7,5``, ``7/10``, ``seven``.

    Returns ``(values, reasons, denominators)``: the numbers (float, NaN for
    blanks and unreadable cells), a reason for each unreadable cell, and the
    denominator written in fractions such as ``7/10`` (NaN otherwise) so that
    the caller can check it against the column's scale.

    Parameters
    ----------
    s : Series
        Cells as read.

    Returns
    -------
    tuple of Series
        ``(values, reasons, denominators)``: float64, str (NA where fine or
        blank), float64.

    Examples
    --------
    >>> import pandas as pd
    >>> values, reasons, den = parse_number(pd.Series(["7/10", "n/a", "x"]))
    >>> values.tolist(), den.tolist(), reasons.iloc[2]
    ([7.0, nan, nan], [10.0, nan, nan], "'x' is not a number: write a number such as 7 or 7.5")
    """
    s = _unbool(s)
    empty = blank(s)
    values = numeric(s.where(~empty))
    left = ~empty & values.isna()
    if left.any():  # "N/A", "-": not rated, as if blank ("nan" must not become a NaN number quietly)
        said_none = s[left].astype("str").str.strip().str.lower().isin(NOT_RATED)
        empty = empty | said_none.reindex(s.index, fill_value=False)
        values = values.where(~empty)
        left = ~empty & values.isna()
    denom = pd.Series(np.nan, index=s.index, dtype="float64")
    reasons = pd.Series(pd.NA, index=s.index, dtype="str")
    if left.any():
        parsed = distinct(s[left].astype("str").str.strip(), _number_text)
        got = parsed["value"].astype("float64")
        denom.loc[left] = parsed["denom"].astype("float64")
        values.loc[left] = got
        bad = got.isna()
        if bad.any():
            raw = s[left][bad].astype("str").str.strip()
            reasons.loc[raw.index] = "'" + _shown(raw) + "' is not a number: write a number such as 7 or 7.5"
    inf = np.isinf(values)
    if inf.any():
        reasons.loc[inf] = "'" + _shown(s[inf]) + "' is not a finite number"
        values = values.where(~inf)
    return values, reasons, denom


def _number_text(raw: pd.Series) -> pd.DataFrame:
    """Number and fraction denominator of distinct text cells (see :func:`parse_number`)."""
    text = raw.str.lower()
    # full-width digits (NFKC) and a typographic minus sign: "−2", "２"
    text = text.str.normalize("NFKC").str.replace("\u2212", "-", regex=False)
    # decimal comma
    comma = text.str.fullmatch(r"-?\d+,\d+").fillna(False).astype(bool)
    text = text.where(~comma, text.str.replace(",", ".", regex=False))
    got = pd.to_numeric(text, errors="coerce")
    # fractions "7/10", "7.5 / 10", "7 out of 10"
    frac = text.str.extract(r"^\s*(-?\d+(?:[.,]\d+)?)\s*(?:/|out of|of)\s*(\d+)\s*$")
    num = pd.to_numeric(frac[0].str.replace(",", ".", regex=False), errors="coerce")
    den = pd.to_numeric(frac[1], errors="coerce")
    got = got.fillna(num)
    # number words
    got = got.fillna(text.map(_WORDS))
    # a range "5-6" is read as its midpoint, a hedged number "~6", "6?", "about 6" as the number
    # (number_readings says which cells were read so, for the notes)
    rng = text.str.extract(_RANGE)
    lo = pd.to_numeric(rng[0].str.replace(",", ".", regex=False), errors="coerce")
    hi = pd.to_numeric(rng[1].str.replace(",", ".", regex=False), errors="coerce")
    got = got.fillna(((lo + hi) / 2).where(lo < hi))
    hedge = text.str.extract(_HEDGED)
    got = got.fillna(pd.to_numeric(hedge[0].fillna(hedge[1]).str.replace(",", ".", regex=False),
                                   errors="coerce"))
    return pd.DataFrame({"value": got.astype("float64"), "denom": den.astype("float64")})


_NUM = r"(\d+(?:[.,]\d+)?)"
# "5-6", "5 - 6", "5–6", "5 to 6": two numbers, the first the lower
_RANGE = re.compile(rf"^\s*{_NUM}\s*(?:-|–|—|to)\s*{_NUM}\s*$")
# "~6", "≈6", "about 6", "around 6", "approx. 6", "ca. 6", "6?", "6ish", "6 (ish)", "6-ish"
_HEDGED = re.compile(
    rf"^\s*(?:(?:~|≈|about|around|approx\.?|approximately|roughly|ca\.?|circa)\s*{_NUM}\s*\??"
    rf"|{_NUM}\s*(?:\?+|ish|-ish|\(ish\)|~))\s*$")


@per_value
def number_readings(s: pd.Series) -> pd.Series:
    """How :func:`parse_number` read each cell when it took some interpretation, else missing.

    ``"range"`` for a range read as its midpoint (``5-6`` -> 5.5), ``"hedged"``
    for a hedged number read as the number (``~6``, ``6?``, ``about 6`` -> 6).
    The caller counts them in the notes: such a reading is never silent.

    Parameters
    ----------
    s : Series
        Cells as read.

    Returns
    -------
    Series of str
        ``"range"``, ``"hedged"`` or missing.

    Examples
    --------
    >>> import pandas as pd
    >>> number_readings(pd.Series(["5-6", "~6", "6?", "about 6", "6", "6-5", None])).tolist()
    ['range', 'hedged', 'hedged', 'hedged', nan, nan, nan]
    """
    out = pd.Series(pd.NA, index=s.index, dtype="str")
    text = s.where(~blank(s) & numeric(s).isna())
    if text.isna().all():
        return out
    text = text.astype("str").str.strip().str.lower().str.normalize("NFKC")
    rng = text.str.extract(_RANGE)
    is_range = (pd.to_numeric(rng[0].str.replace(",", "."), errors="coerce")
                < pd.to_numeric(rng[1].str.replace(",", "."), errors="coerce")).fillna(False).astype(bool)
    hedged = text.str.match(_HEDGED).fillna(False).astype(bool)
    out[is_range.to_numpy()] = "range"
    out[(hedged & ~is_range).to_numpy()] = "hedged"
    return out


@per_value
def parse_flag(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Yes/no cells: yes/no, y/n, x, ✓, 1/0, true/false (blank -> NA).

    Parameters
    ----------
    s : Series
        Cells as read.

    Returns
    -------
    tuple of Series
        ``(flags, reasons)``: nullable boolean, and str (NA where fine or blank).

    Examples
    --------
    >>> import pandas as pd
    >>> flags, reasons = parse_flag(pd.Series(["yes", "✓", "no", "", "maybe"]))
    >>> flags.tolist(), reasons.notna().tolist()
    ([True, True, False, <NA>, <NA>], [False, False, False, False, True])
    """
    empty = blank(s)
    text = s.where(~empty).astype("str").str.strip().str.lower()
    empty = empty | text.isin(NOT_GIVEN).fillna(False).astype(bool)
    out = pd.Series(pd.NA, index=s.index, dtype="boolean")
    out[text.isin(_TRUE).fillna(False).to_numpy(bool)] = True
    out[text.isin(_FALSE).fillna(False).to_numpy(bool)] = False
    lead = ~empty & out.isna()
    if lead.any():  # "no - too tired", "yes!!", "nope": the word read, the rest kept by the caller
        got = text[lead].str.extract(_FLAG_LEAD)
        word = got[0].fillna(got[2])
        out[lead[lead].index[word.isin(_YES_WORDS).to_numpy(bool)]] = True
        out[lead[lead].index[word.isin(_NO_WORDS).to_numpy(bool)]] = False
    bad = ~empty & out.isna()
    reasons = pd.Series(pd.NA, index=s.index, dtype="str")
    if bad.any():
        reasons[bad] = ("'" + _shown(s[bad].astype("str").str.strip())
                        + "' is not yes or no: write yes or no (y/n, x, ✓, 1/0), or leave it blank")
    return out, reasons


_YES_WORDS = frozenset({"yes", "yeah", "yep", "yup", "yea", "done", "completed", "did it", "y"})
_NO_WORDS = frozenset({"no", "nope", "nah", "nay", "not done", "skipped", "didn't", "did not", "n"})
# a yes/no word at the start of a cell, then only punctuation or a separator and more text
_FLAG_LEAD = re.compile(
    r"^\s*(yes|yeah|yep|yup|yea|done|completed|did it|nope|nah|nay|not done|skipped|didn't|did not"
    r"|no|y|n)(?:\s*[!.?]+|\s*(?:[-–—:;,/(]|\.\.\.)|\s+(?=[^\W\d_]))\s*(.*?)\)?\s*$|"
    r"^\s*(yes|yeah|yep|yup|yea|nope|nah|nay)\s*$")


@per_value
def flag_rest(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Yes/no cells read from a word that starts a longer text: the reading, and the rest.

    :func:`parse_flag` reads ``no - too tired`` as no, ``yes!!`` and ``yep`` as
    yes, ``nope`` and ``nah`` as no. This says which cells were read so (the
    caller counts them in the notes) and gives the text after the word
    (``too tired``), to be kept in the note.

    Parameters
    ----------
    s : Series
        Cells as read.

    Returns
    -------
    tuple of Series
        ``(word, rest)``, both str: the cell as written where it was read
        from a leading word (missing elsewhere), and the text after the word
        (missing where there is none).

    Examples
    --------
    >>> import pandas as pd
    >>> word, rest = flag_rest(pd.Series(["no - too tired", "yes!!", "nope", "yes", "maybe", None]))
    >>> word.tolist(), rest.tolist()
    (['no - too tired', 'yes!!', 'nope', nan, nan, nan], ['too tired', nan, nan, nan, nan, nan])
    """
    word = pd.Series(pd.NA, index=s.index, dtype="str")
    rest = pd.Series(pd.NA, index=s.index, dtype="str")
    empty = blank(s)
    text = s.where(~empty).astype("str").str.strip()
    low = text.str.lower()
    plain = low.isin(_TRUE | _FALSE | NOT_GIVEN).fillna(False).astype(bool)
    cand = ~empty & ~plain
    if not cand.any():
        return word, rest
    got = text[cand].str.extract(re.compile(_FLAG_LEAD.pattern, re.IGNORECASE))
    hit = got[0].notna() | got[2].notna()
    if not hit.any():
        return word, rest
    idx = got.index[hit.to_numpy(bool)]
    word[idx] = text[idx]
    tail = got.loc[idx, 1].astype("str").str.strip()
    tail = tail.where(got.loc[idx, 1].notna() & (tail.str.strip(" !.?-–—") != ""))
    rest[idx] = tail
    return word, rest


@per_value
def parse_text(s: pd.Series) -> pd.Series:
    """Free text, whitespace trimmed, line breaks as ``\n``, blanks as missing.

    Parameters
    ----------
    s : Series
        Cells as read.

    Returns
    -------
    Series of str

    Examples
    --------
    >>> import pandas as pd
    >>> parse_text(pd.Series([" walk ", "a\\r\\nb", "  ", None])).tolist()
    ['walk', 'a\\nb', nan, nan]
    """
    out = s.where(~blank(s))
    text = out.astype("str").str.strip()
    if text.str.contains("\r", regex=False).any():
        text = text.str.replace(r"\r\n?", "\n", regex=True)
    return text.where(out.notna()).astype("str")


# speed: benchmark rows W2-csv, W2-parquet, W2-cohort and M-peak (docs/performance.md): a name
# column (activity, category, client) stays codes into its distinct names, never a column of a
# million strings that the tidy log would turn back into a category
def parse_names(s: pd.Series) -> pd.Series:
    """:func:`parse_text` of a column of names; a coded column stays coded (``category``).

    The categories are the distinct names the rows hold, sorted, each read once by
    :func:`parse_text` (cells that read as the same name share one category). A column
    that is not coded is read by :func:`parse_text` as it is.

    Parameters
    ----------
    s : Series
        Cells as read.

    Returns
    -------
    Series
        ``category`` of ``str`` for a coded column (missing where blank), else ``str``.

    Examples
    --------
    >>> import pandas as pd
    >>> got = parse_names(pd.Series([" Walk", "Read", "Walk ", "  ", None], dtype="category"))
    >>> got.tolist(), list(got.cat.categories)
    (['Walk', 'Read', 'Walk', nan, nan], ['Read', 'Walk'])
    """
    if not coded(s):
        return parse_text(s)
    codes = s.cat.codes.to_numpy()
    used = used_codes(codes, len(s.cat.categories))
    text = parse_text(pd.Series(s.cat.categories)).where(used)
    new, names = pd.factorize(text, use_na_sentinel=True)
    names = pd.Index(names, dtype="str")
    rank = names.argsort()
    to_sorted = np.empty(len(names) + 1, dtype=np.int64)
    to_sorted[rank] = np.arange(len(names))
    to_sorted[-1] = -1  # a blank name (code -1) stays missing
    per_cat = np.append(to_sorted[new], -1).astype(codes.dtype)  # a missing cell (-1): the last slot
    if np.array_equal(per_cat[:-1], np.arange(len(per_cat) - 1)):
        rows = codes.copy()  # each cell its own name, already in order (a sorted cohort's clients)
    else:
        rows = per_cat[codes]
    return pd.Series(pd.Categorical.from_codes(rows, categories=names.take(rank), validate=False),
                     index=s.index, name=s.name)


# --------------------------------------------------------------------------- dates

# 12/03/2026, 12.03.26, 12-03-2026, and the same with a time after it (12/03/2026 14:05:33)
_DMY = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})(?:(?:\s+|T|,\s*)(\S.*?))?\s*$")


#: Dates outside these years are typing slips (0001, 20266) or an Excel time-only cell
#: (1899-12-30 14:00), not the day of an entry; they also lie beyond what pandas can hold.
FIRST_YEAR, LAST_YEAR = 1900, 2199
_LO, _HI = pd.Timestamp(f"{FIRST_YEAR}-01-01"), pd.Timestamp(f"{LAST_YEAR + 1}-01-01")


_ZONE = re.compile(r"(\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(?:Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)$",
                   re.IGNORECASE)


def _strip_zone(text: pd.Series) -> pd.Series:
    """``2026-03-02T09:00+01:00`` -> ``2026-03-02T09:00``: the wall-clock time as written."""
    return text.str.replace(_ZONE, r"\1", regex=True)


def _ns(x: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Any datetime-like Series as ``datetime64[ns]``; implausible years become NaT.

    Objects (Python dates, Timestamps, maybe with different time zones) are read
    through their ISO text, so that each keeps its own wall-clock time. Returns
    ``(dates, far)`` where *far* marks the values set to NaT for their year.
    """
    if x.dtype == object or pd.api.types.is_string_dtype(x.dtype):
        x = pd.to_datetime(_strip_zone(x.astype("str")), format="ISO8601", errors="coerce")
    else:
        x = pd.to_datetime(x, errors="coerce")
    if getattr(x.dtype, "tz", None) is not None:
        x = x.dt.tz_localize(None)  # the tidy log holds local wall-clock times, without a zone
    ok = x.notna() & (x >= _LO) & (x < _HI)
    return x.where(ok).astype("datetime64[ns]"), (x.notna() & ~ok).astype(bool)


def _from_objects(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Cells that already are dates or datetimes (from Excel or Parquet); and the implausible ones."""
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    far = pd.Series(False, index=s.index)
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return _ns(s)
    if s.dtype != object:
        return out, far
    # a type test per cell; the parsing below works on whole columns
    is_dt = is_type(s, _dt.date | pd.Timestamp | np.datetime64)
    if is_dt.any():
        got, got_far = _ns(s[is_dt].astype(object))
        out[is_dt] = got
        far[is_dt] = got_far
    return out, far


@per_value
def parse_date(s: pd.Series, dayfirst: bool | None = None) -> tuple[pd.Series, pd.Series, dict]:
    """Dates: real Excel dates, Excel serial numbers, ISO text, ``12/03/2026``, ``3 Mar 2026``.

    Day-first versus month-first for ``dd/mm/yyyy`` text is taken from
    *dayfirst* when given, else from the data: a first number above 12 means
    day-first, a second number above 12 means month-first, and when every
    date fits both readings the one that makes consecutive dates a day apart
    is chosen only if the other spreads them a month apart. Otherwise a
    ``ValueError`` explains the ambiguity and asks for ``dayfirst=``.
    Dates outside the years 1900-2199 are not read (a reason says so).

    Returns ``(dates, reasons, info)``; *info* says how day/month was settled.

    Parameters
    ----------
    s : Series
        Cells as read.
    dayfirst : bool or None
        The order of ``dd/mm`` text when known; None to settle it from the data.

    Returns
    -------
    tuple
        ``(dates, reasons, info)``: datetime64[ns], str (NA where fine or
        blank), and a dict (``dayfirst``, ``dayfirst_how``) when the order was
        settled from the data.

    Raises
    ------
    ValueError
        When the data cannot tell day/month from month/day.

    Examples
    --------
    >>> import pandas as pd
    >>> dates, reasons, info = parse_date(pd.Series(["13/03/2026", "14/03/2026", "2026-03-15", "soon"]))
    >>> dates.iloc[:3].dt.day.tolist(), info["dayfirst"], reasons.notna().tolist()
    ([13, 14, 15], True, [False, False, False, True])
    """
    s = _unbool(s)
    empty = blank(s)
    out, far = _from_objects(s.where(~empty))
    reasons = pd.Series(pd.NA, index=s.index, dtype="str")
    info: dict = {}
    left = ~empty & out.isna() & ~far
    if left.any():
        cells = s[left]
        # Excel serial day numbers (a date cell formatted as a number)
        nums = numeric(cells)
        serial = nums.between(20000, 80000)
        if serial.any():
            out.loc[serial[serial].index] = (
                _EXCEL_EPOCH + pd.to_timedelta(nums[serial].round(6), unit="D")
            ).dt.round("s").astype("datetime64[ns]")
        text = cells[~serial].astype("str").str.strip()
        text = text[nums[~serial].isna()]  # other bare numbers are not dates
        nodate = nums[~serial].notna()
        if nodate.any():
            idx = nodate[nodate].index
            reasons.loc[idx] = ("'" + _shown(cells[idx])
                                + "' is a number, not a date: write the date, e.g. 2026-03-12")
        if len(text):  # text is parsed once per distinct value
            parsed = distinct(text, lambda u: _date_text(u, dayfirst, info))
            out.loc[text.index] = parsed["date"].astype("datetime64[ns]")
            far.loc[text.index] = parsed["far"].fillna(False).astype(bool)
    if far.any():
        reasons[far] = ("'" + _shown(s[far].astype("str").str.strip()) + "' is not a plausible date: "
                        f"write a date between {FIRST_YEAR} and {LAST_YEAR}, e.g. 2026-03-12")
    bad = ~empty & out.isna() & reasons.isna()
    if bad.any():
        reasons[bad] = ("'" + _shown(s[bad].astype("str").str.strip())
                        + "' is not a date I can read: write it as 2026-03-12 (or 12/03/2026)")
    return out, reasons, info


def _date_text(text: pd.Series, dayfirst: bool | None, info: dict) -> pd.DataFrame:
    """Dates of distinct text cells: ``dd/mm/yyyy [time]``, ISO, else any whole date.

    Settles day/month order into *info* when *dayfirst* is None (see :func:`parse_date`).
    """
    too_long = text.str.len() > MAX_VALUE_CHARS
    if too_long.any():  # not dates (and never scanned): NaT, which the caller reports as unreadable
        got = _date_text(text[~too_long], dayfirst, info)
        return pd.DataFrame({"date": got["date"].reindex(text.index),
                             "far": got["far"].reindex(text.index, fill_value=False)})
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    far = pd.Series(False, index=text.index)
    dmy = text.str.extract(_DMY)
    is_dmy = dmy[0].notna()
    if is_dmy.any():
        a = dmy.loc[is_dmy, 0].astype(int)
        b = dmy.loc[is_dmy, 1].astype(int)
        y = dmy.loc[is_dmy, 2].astype(int)
        y = y.where(y >= 100, y + 2000)
        if dayfirst is None:
            dayfirst, how = _settle_dayfirst(a, b, y, text[is_dmy])
            info["dayfirst"] = dayfirst
            info["dayfirst_how"] = how
        day, month = (a, b) if dayfirst else (b, a)
        parts = pd.DataFrame({"year": y, "month": month, "day": day})
        got, got_far = _ns(pd.to_datetime(parts, errors="coerce"))
        clock = dmy.loc[is_dmy, 3]
        if clock.notna().any():  # a time after the date
            t, _, t_bad = parse_time(clock.where(clock.notna()))
            got = (got + t.fillna(pd.Timedelta(0))).where(t_bad.isna())
        out.loc[parts.index] = got
        far.loc[parts.index] = got_far
    rest = text[~is_dmy]
    if len(rest):
        iso, iso_far = _ns(rest)
        out.loc[rest.index] = iso
        far.loc[rest.index] = iso_far
        other = rest[iso.isna() & ~iso_far]
        if len(other):
            parsed = _per_unique(other, lambda v: _parse_one_date(v, bool(dayfirst)))
            got, got_far = _ns(parsed)
            out.loc[other.index] = got
            far.loc[other.index] = got_far
    return pd.DataFrame({"date": out, "far": far})


def _parse_one_date(text: str, dayfirst: bool):
    # only text that names a whole date: a four-digit year, and not a bare time of day
    if not re.search(r"\b\d{4}\b", text) or _TIME.match(text):
        return pd.NaT
    try:
        with_warnings_off = pd.to_datetime(text, dayfirst=dayfirst, format="mixed")
    except (ValueError, TypeError, OverflowError):
        return pd.NaT
    return with_warnings_off


def _settle_dayfirst(a: pd.Series, b: pd.Series, y: pd.Series, text: pd.Series) -> tuple[bool, str]:
    if (a > 12).any() and (b > 12).any():
        d1, d2 = text[a > 12].iloc[0], text[b > 12].iloc[0]
        raise ValueError(
            f"the dates mix day-first and month-first writing ('{d1}' has a first number above 12, "
            f"'{d2}' a second number above 12); write them all one way, e.g. 2026-03-12"
        )
    if (a > 12).any():
        return True, "a first number above 12 (e.g. 13/03) shows dates are day/month"
    if (b > 12).any():
        return False, "a second number above 12 (e.g. 03/13) shows dates are month/day"
    if (a == b).all():
        return True, "every date reads the same either way"
    # every date fits both readings: look at how far apart the days would be
    gaps = {}
    for first in (True, False):
        d, m = (a, b) if first else (b, a)
        dates = pd.to_datetime(pd.DataFrame({"year": y, "month": m, "day": d}), errors="coerce")
        uniq = np.sort(dates.dropna().unique())
        gaps[first] = np.median(np.diff(uniq).astype("timedelta64[D]").astype(float)) if len(uniq) > 2 else np.nan
    if gaps[True] <= 2 and gaps[False] >= 20:
        return True, "read day/month, the only reading in which the log's days follow one another"
    if gaps[False] <= 2 and gaps[True] >= 20:
        return False, "read month/day, the only reading in which the log's days follow one another"
    sample = text[a != b].iloc[0] if (a != b).any() else text.iloc[0]
    raise ValueError(
        f"dates such as '{sample}' could be day/month or month/day and the log does not tell "
        "which (no day above 12, and neither reading puts the entries on consecutive days); "
        "pass dayfirst=True (12/03 = 12 March) or dayfirst=False (12/03 = December 3), "
        "or write the dates as 2026-03-12"
    )


# --------------------------------------------------------------------------- times

# (the spaces are taken whole, possessive: "1", 4,000 spaces and "x" took a minute to fail)
_TIME = re.compile(
    r"^\s*+(\d{1,2})(?:[:.h](\d{2}))?(?::(\d{2}))?\s*+([ap])?\.?\s*+m?\.?\s*+$", re.IGNORECASE
)
_SLOT = re.compile(r"^\s*([^-–—]+?)\s*(?:-|–|—|to)\s*([^-–—]+?)\s*$", re.IGNORECASE)


def _clock(text: str) -> float:
    """Hours since midnight for one clock text, NaN if unreadable."""
    m = _TIME.match(text)
    if not m:
        return np.nan
    h, mi, sec, ap = int(m.group(1)), int(m.group(2) or 0), int(m.group(3) or 0), m.group(4)
    if ap:
        if not 1 <= h <= 12:
            return np.nan
        h = h % 12 + (12 if ap.lower() == "p" else 0)
    elif m.group(2) is None and re.search(r"[a-z]", text, re.IGNORECASE):
        return np.nan
    if h > 24 or mi > 59 or sec > 59 or (h == 24 and (mi or sec)):
        return np.nan
    return h + mi / 60 + sec / 3600


_NOON = re.compile(r"\b(?:12\s*)?(?:noon|midday)\b")
_MIDNIGHT = re.compile(r"\b(?:12\s*)?midnight\b")

#: Time words read as a representative hour (hours since midnight). They are approximations:
#: the reader counts them in the notes and keeps the word in a ``time_word`` column.
#:
#: ========================  =====
#: word                      read as
#: ========================  =====
#: morning                   09:00
#: lunch, lunchtime          13:00
#: afternoon                 15:00
#: evening                   19:00
#: night                     22:00
#: bedtime                   23:00
#: ========================  =====
#:
#: ``noon``/``midday`` (12:00) and ``midnight`` (00:00) are exact, not approximations.
TIME_WORDS = {"morning": 9.0, "in the morning": 9.0, "lunch": 13.0, "lunchtime": 13.0,
              "lunch time": 13.0, "afternoon": 15.0, "in the afternoon": 15.0, "evening": 19.0,
              "in the evening": 19.0, "night": 22.0, "at night": 22.0, "bedtime": 23.0,
              "bed time": 23.0}
#: Words that name an exact time of day.
EXACT_TIME_WORDS = {"noon": 12.0, "12 noon": 12.0, "midday": 12.0, "midnight": 0.0, "12 midnight": 0.0}
# "1430", "930": hours and minutes without a separator (24-hour clock)
_HHMM = re.compile(r"^\s*([01]?\d|2[0-3])([0-5]\d)\s*$")


def _one_time(text: str) -> tuple[float, float]:
    """(start, end) hours for a time or a slot such as ``7-8am`` or ``07:00–08:00``."""
    t = text.strip().lower()
    if len(t) > MAX_VALUE_CHARS:
        return np.nan, np.nan
    word = TIME_WORDS.get(t, EXACT_TIME_WORDS.get(t))
    if word is not None:
        return word, np.nan
    m = _HHMM.match(t)
    if m:
        return int(m.group(1)) + int(m.group(2)) / 60, np.nan
    t = _MIDNIGHT.sub("00:00", _NOON.sub("12:00", t))
    one = _clock(t)
    if not np.isnan(one):
        return one, np.nan
    m = _SLOT.match(t)
    if m:
        a, b = m.group(1), m.group(2)
        suffix = re.search(r"([ap])\.?m\.?\s*$", b)
        end = _clock(b)
        start = _clock(a)
        if suffix and not re.search(r"[ap]\.?m", a):
            # "7-8pm": the first half shares the suffix unless that makes it later than the end
            start_sfx = _clock(a + suffix.group(0))
            if not np.isnan(start_sfx) and (np.isnan(end) or start_sfx <= end):
                start = start_sfx
        elif not suffix and end < start <= 12 < end + 12:
            end += 12  # "12-1": noon to one, not an eleven-hour slot across midnight
        if not np.isnan(start):
            return start, end
    return np.nan, np.nan


_BARE_HOUR = re.compile(
    r"^\s*(?:[1-9]|1[01])(?:[:.]\d{2})?(?:\s*(?:-|–|—|to)\s*(?:[1-9]|1[012])(?:[:.]\d{2})?)?\s*$")


@per_value
def bare_hours(s: pd.Series) -> pd.Series:
    """Cells that give an hour from 1 to 11 without am/pm: ``2``, ``1:30``, ``1-2``.

    In a day's hour slots (..., 11-12, 12-1, 1-2, ...) they may be afternoon
    hours; the reader decides from the order of the rows.

    Parameters
    ----------
    s : Series
        Time cells as read.

    Returns
    -------
    Series of bool

    Examples
    --------
    >>> import pandas as pd
    >>> bare_hours(pd.Series(["2", "1:30", "1-2", "2pm", "14:00", "12"])).tolist()
    [True, True, True, False, False, False]
    """
    s = _unbool(s)
    nums = numeric(s)
    whole = nums.notna() & (nums == nums.round()) & nums.between(1, 11)
    text = s.where(~blank(s) & nums.isna()).astype("str")
    hit = distinct(text, lambda u: u.str.match(_BARE_HOUR).fillna(False).astype(bool), missing=False)
    return (whole | hit).astype(bool)


@per_value
def time_words(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Time cells read from a word: the word as written, and whether it is an approximation.

    :func:`parse_time` reads ``morning``, ``lunch``, ``evening`` ... as the
    representative hours of :data:`TIME_WORDS`, and ``noon``/``midnight`` as
    12:00/00:00; the caller counts these readings in the notes and keeps the
    approximate ones visible on their rows.

    Parameters
    ----------
    s : Series
        Time cells as read.

    Returns
    -------
    tuple of Series
        ``(word, approx)``: str (the cell, stripped, where it is a time word;
        missing elsewhere) and bool (True for the approximate words).

    Examples
    --------
    >>> import pandas as pd
    >>> word, approx = time_words(pd.Series(["Lunch", "noon", "14:00", None]))
    >>> word.tolist(), approx.tolist()
    (['Lunch', 'noon', nan, nan], [True, False, False, False])
    """
    text = s.where(~blank(s) & ~is_type(s, (_dt.time, _dt.datetime, _dt.timedelta)))
    low = text.astype("str").str.strip().str.lower()
    approx = low.isin(list(TIME_WORDS)).fillna(False).astype(bool) & text.notna()
    exact = low.isin(list(EXACT_TIME_WORDS)).fillna(False).astype(bool) & text.notna()
    word = text.astype("str").str.strip().where(approx | exact).astype("str")
    return word, approx


@per_value
def parse_time(s: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Times of day: ``14:00``, ``2pm``, ``2:30 PM``, ``14.30``, ``14h30``, ``1430``, Excel times,
    hour slots ``7-8am``, ``noon``, ``midnight``, and the time words of :data:`TIME_WORDS`
    (``lunch`` is 13:00: see :func:`time_words`).

    Returns ``(start, end, reasons)`` as timedeltas since midnight; *end* is
    set only for slots that give one.

    Parameters
    ----------
    s : Series
        Cells as read.

    Returns
    -------
    tuple of Series
        ``(start, end, reasons)``: timedelta64 (NaT where not read), and str
        (NA where fine or blank).

    Examples
    --------
    >>> import pandas as pd
    >>> start, end, reasons = parse_time(pd.Series(["2:30 PM", "7-8am", "noon", "later"]))
    >>> hhmm(start).tolist()[:3], hhmm(end).tolist()[1], reasons.notna().tolist()
    (['14:30', '07:00', '12:00'], '08:00', [False, False, False, True])
    """
    s = _unbool(s)
    empty = blank(s)
    start = pd.Series(np.nan, index=s.index, dtype="float64")
    end = pd.Series(np.nan, index=s.index, dtype="float64")
    reasons = pd.Series(pd.NA, index=s.index, dtype="str")
    cells = s[~empty]
    if len(cells):
        # datetime.time / datetime objects
        is_obj = is_type(cells, _dt.time | _dt.datetime | pd.Timestamp)
        if is_obj.any():
            objs = cells[is_obj]
            start.loc[objs.index] = _per_unique(
                objs, lambda v: v.hour + v.minute / 60 + v.second / 3600).astype(float)
        rest = cells[~is_obj]
        nums = numeric(rest)
        # a fraction of a day (an Excel time cell read as a number) or a whole hour 0-24
        frac = nums.between(0, 1, inclusive="left") & (nums != nums.round())
        start.loc[nums[frac].index] = nums[frac] * 24
        hour = nums.notna() & ~frac & (nums == nums.round()) & nums.between(0, 24)
        start.loc[nums[hour].index] = nums[hour]
        # 1430 (a number cell): hours and minutes on the 24-hour clock
        hhmm_num = nums.notna() & (nums == nums.round()) & nums.between(100, 2359) & (nums % 100 < 60)
        start.loc[nums[hhmm_num].index] = nums[hhmm_num] // 100 + (nums[hhmm_num] % 100) / 60
        # other numbers are read as clock text: "14.30" is half past two, not 14.3 hours
        text = rest[nums.isna() | (~frac & ~hour & ~hhmm_num)].astype("str")
        if len(text):
            text = text.str.strip()
            uniq = pd.unique(text)
            pairs = np.array([_one_time(u) for u in uniq], dtype=float).reshape(-1, 2)
            start.loc[text.index] = text.map(pd.Series(pairs[:, 0], index=uniq)).astype(float)
            end.loc[text.index] = text.map(pd.Series(pairs[:, 1], index=uniq)).astype(float)
        bad = start.loc[cells.index].isna()
        if bad.any():
            idx = bad[bad].index
            reasons.loc[idx] = ("'" + _shown(s[idx].astype("str").str.strip())
                                + "' is not a time of day: write it as 14:00, 2pm or 2:30 PM")
    return (
        pd.to_timedelta(start.round(6), unit="h").dt.round("s"),
        pd.to_timedelta(end.round(6), unit="h").dt.round("s"),
        reasons,
    )


# --------------------------------------------------------------------------- afternoon hours, HH:MM

# a time cell that says which half of the day it is in: "2pm", "2 p.m.", "12 noon", "midnight"
_MARKED = r"[ap]\.?m\b|noon|midnight"


def afternoon(t: pd.Series, t_end: pd.Series, raw: pd.Series, key=None, *, ok: pd.Series | None = None):
    """Hours written without am/pm that come after a later hour are afternoon hours.

    In hour slots ``..., 11-12, 12-1, 1-2, 2-3`` the ``1-2`` follows ``12-1``,
    so it is 13:00-14:00. A bare hour (:func:`bare_hours`) is moved on by 12
    hours only when it is earlier than an hour above it (in the same group)
    and the move does not put it before that hour. Nothing moves when the
    column uses the 24-hour clock: an hour of 13 or later in a cell that does
    not say am, pm, noon or midnight.

    Parameters
    ----------
    t, t_end : Series of timedelta64
        Start (and end, NaT where none) of each cell, as :func:`parse_time` reads *raw*.
    raw : Series
        The cells as written.
    key : Series, list of Series, or None
        What "above" means: rows of the same group (for a long log, the sheet,
        file and day), in row order; None for one column of hours (a weekly
        grid's), all of it one group.
    ok : Series of bool, optional
        Cells that may move (default: those with a time); a weekly grid passes
        those that read without a problem.

    Returns
    -------
    tuple of Series
        ``(t, t_end, pm)``: the times, 12 hours later where *pm* is True.

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.Series(["10-11", "11-12", "12-1", "1-2"])
    >>> t, t_end, _ = parse_time(raw)
    >>> t, t_end, pm = afternoon(t, t_end, raw)
    >>> pm.tolist()
    [False, False, False, True]
    >>> hhmm(t).tolist(), hhmm(t_end).tolist()
    (['10:00', '11:00', '12:00', '13:00'], ['11:00', '12:00', '13:00', '14:00'])
    >>> raw = pd.Series(["9:00", "14:00", "3:00"])  # the 24-hour clock: 3:00 is three at night
    >>> afternoon(*parse_time(raw)[:2], raw)[2].tolist()
    [False, False, False]
    """
    none = pd.Series(False, index=t.index)
    bare = bare_hours(raw)
    if not bare.any():
        return t, t_end, none
    hours = t.dt.total_seconds() / 3600
    marked = distinct(raw, lambda u: u.astype("str").str.contains(_MARKED, case=False, regex=True)
                      .fillna(False).astype(bool), missing=False)
    if (hours.ge(13) & ~marked).any():
        return t, t_end, none  # the column uses the 24-hour clock: 9:00 is nine in the morning
    if key is None:
        above = hours.cummax().shift()
    else:
        above = hours.groupby(key, dropna=False).cummax().groupby(key, dropna=False).shift()
    pm = bare & (hours.notna() if ok is None else ok) & above.notna() & (hours < above) & (hours + 12 >= above)
    if not pm.any():
        return t, t_end, none
    half = pd.Timedelta(hours=12)
    return t.where(~pm, t + half), t_end.where(~pm, t_end + half), pm.astype(bool)


def hhmm(t: pd.Series) -> pd.Series:
    """Times of day as ``HH:MM`` text on the 24-hour clock, with a leading zero.

    Parameters
    ----------
    t : Series of timedelta64
        Time since midnight (seconds are dropped).

    Returns
    -------
    Series of str
        ``"<NA>:<NA>"`` where *t* is NaT: callers keep only the cells they read.

    Examples
    --------
    >>> import pandas as pd
    >>> hhmm(pd.to_timedelta(pd.Series([6.5, 14.25, 0]), unit="h")).tolist()
    ['06:30', '14:15', '00:00']
    """
    secs = t.dt.total_seconds()
    hh = (secs // 3600).astype("Int64").astype("str").str.zfill(2)
    mm = ((secs % 3600) // 60).astype("Int64").astype("str").str.zfill(2)
    return hh + ":" + mm


def blank_cell(c) -> bool:
    """True for one empty cell: None, NaN, or text that is only whitespace.

    The scalar form of :func:`blank`, for the few cells looked at one by one
    (a header row, the cells above a grid).

    Parameters
    ----------
    c : object
        One cell as read.

    Returns
    -------
    bool

    Examples
    --------
    >>> [blank_cell(c) for c in (None, float("nan"), "  ", "x", 0)]
    [True, True, True, False, False]
    """
    return bool(c is None or (isinstance(c, float) and np.isnan(c)) or (isinstance(c, str) and not c.strip()))


_DUR = re.compile(
    r"^\s*(?:(\d+(?:[.,]\d+)?)\s*(h|hr|hrs|hour|hours)\b)?\s*(?:(\d+(?:[.,]\d+)?)\s*(m|min|mins|minute|minutes)\b)?\s*$",
    re.IGNORECASE,
)


def _one_duration(text: str) -> float:
    """Minutes for ``30 min``, ``1h``, ``1.5 h``, ``1h 30m``, ``1:30``, ``5:45:00``; NaN if unreadable."""
    t = text.strip().lower()
    if len(t) > MAX_VALUE_CHARS:
        return np.nan
    m = re.fullmatch(r"(\d{1,3}):([0-5]\d)(?::([0-5]\d(?:\.\d+)?))?", t)
    if m:  # h:mm or h:mm:ss
        return int(m.group(1)) * 60 + int(m.group(2)) + float(m.group(3) or 0) / 60
    m = _DUR.match(t)
    if m and (m.group(1) or m.group(3)):
        h = float(m.group(1).replace(",", ".")) if m.group(1) else 0.0
        mi = float(m.group(3).replace(",", ".")) if m.group(3) else 0.0
        return h * 60 + mi
    return np.nan


@per_value
def parse_duration(s: pd.Series, unit: str | None) -> tuple[pd.Series, pd.Series, bool]:
    """Durations in minutes. Bare numbers use *unit* (``"min"`` or ``"h"``).

    Read: ``30 min``, ``1.5 h``, ``1h 30m``, ``1:30`` and ``5:45:00`` (h:mm and h:mm:ss),
    and a workbook's duration cells (``datetime.timedelta``; ``datetime.time`` for
    one formatted as a time of day).

    Returns ``(minutes, reasons, needs_unit)``; *needs_unit* is True when bare
    numbers appear and no unit was given, so the caller can ask for one.

    Parameters
    ----------
    s : Series
        Cells as read.
    unit : {"min", "h"} or None
        The unit of bare numbers (from the header, see
        :func:`bactivate.io.headers.duration_unit`).

    Returns
    -------
    tuple
        ``(minutes, reasons, needs_unit)``: float64, str (NA where fine or
        blank), bool.

    Examples
    --------
    >>> import pandas as pd
    >>> minutes, reasons, needs_unit = parse_duration(pd.Series(["1h 30m", "45 min", "1,5"]), "h")
    >>> minutes.tolist(), needs_unit
    ([90.0, 45.0, 90.0], False)
    """
    s = _unbool(s)
    empty = blank(s)
    # duration cells of a workbook: a timedelta ([h]:mm:ss), or a time of day (h:mm) under 24 hours
    objs = is_type(s, (_dt.timedelta, _dt.time))
    if objs.any():
        got = _per_unique(s[objs], lambda v: v.total_seconds() / 60 if isinstance(v, _dt.timedelta)
                          else v.hour * 60 + v.minute + v.second / 60).astype("float64")
        minutes, reasons, needs_unit = parse_duration(s.where(~objs), unit)
        neg = got < 0
        minutes.loc[got.index] = got.where(~neg)
        reasons.loc[got.index[neg.to_numpy(bool)]] = "a duration cannot be negative"
        return minutes, reasons, needs_unit
    nums = numeric(s.where(~empty))
    comma = ~empty & nums.isna()
    if comma.any():  # a decimal comma: "1,5" (hours)
        text = s[comma].astype("str").str.strip()
        text = text[text.str.fullmatch(r"\d+,\d+")]
        nums.loc[text.index] = pd.to_numeric(text.str.replace(",", ".", regex=False), errors="coerce")
    nums = nums.where(~np.isinf(nums))
    reasons = pd.Series(pd.NA, index=s.index, dtype="str")
    needs_unit = bool(nums.notna().any()) and unit is None
    minutes = nums * (60.0 if unit == "h" else 1.0)
    left = ~empty & nums.isna()
    if left.any():
        parsed = _per_unique(s[left].astype("str"), _one_duration).astype(float)
        minutes.loc[parsed.index] = parsed
    bad = ~empty & minutes.isna()
    neg = minutes < 0
    if bad.any():
        reasons[bad] = "'" + _shown(s[bad].astype("str").str.strip()) + "' is not a duration (write e.g. 30 min or 1.5 h)"
    if neg.any():
        reasons[neg] = "a duration cannot be negative"
        minutes = minutes.where(~neg)
    return minutes, reasons, needs_unit
