"""Small pieces every analysis shares: checking the log, calendar columns, mean CIs.

>>> import pandas as pd
>>> from bactivate.common import mean_ci
>>> mean_ci(pd.Series([4.0, 6.0, 8.0])).round(2).tolist()
[6.0, 3.0, 1.03, 10.97]
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from bactivate.lazy import Lazy

_st = Lazy("scipy.stats")

#: Weekday names, Monday first, for ordered categories.
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def require(log: pd.DataFrame, columns=("start",), what: str = "this analysis") -> None:
    """Raise a clear ``ValueError`` unless *log* is a DataFrame with *columns*."""
    if not isinstance(log, pd.DataFrame):
        raise TypeError(f"{what} takes a tidy log (a DataFrame from bactivate.read_log), "
                        f"not {type(log).__name__}")
    missing = [c for c in columns if c not in log.columns]
    if missing:
        raise ValueError(f"{what} needs the tidy log's columns {missing}; "
                         "load the log with bactivate.read_log()")


def happened(log: pd.DataFrame) -> pd.DataFrame:
    """Rows of activities that took place: planned-and-skipped rows (done == False) left out."""
    if "done" not in log.columns:
        return log
    skipped = log["planned"].fillna(False).astype(bool) & (log["done"] == False)  # noqa: E712
    return log[~skipped.fillna(False).to_numpy(bool)]


def with_calendar(log: pd.DataFrame, week_start=None) -> pd.DataFrame:
    """The log with ``day``, ``week`` (1 = the first 7 days of the log), ``hour``, ``weekday``.

    Weeks count from the first logged day (or *week_start*), because a BA week
    starts when monitoring starts, not on a calendar Monday.
    """
    start = log["start"]
    day = start.dt.normalize()
    first = pd.Timestamp(week_start) if week_start is not None else day.min()
    week = ((day - first).dt.days // 7 + 1).astype("Int64")
    codes = start.dt.day_of_week.fillna(-1).astype("int64").to_numpy()
    weekday = pd.Categorical.from_codes(codes, categories=list(WEEKDAYS), ordered=True)
    return log.assign(day=day, week=week, hour=start.dt.hour.astype("Int64"), weekday=weekday)


def mean_ci(x, ci: float = 0.95) -> pd.Series:
    """Mean, n and the t-based confidence interval of one sample (NaN dropped)."""
    x = pd.Series(x, dtype="float64").dropna()
    n = len(x)
    m = x.mean() if n else np.nan
    half = _half_width(x.std(ddof=1) if n > 1 else np.nan, n, ci)
    return pd.Series([m, n, m - half, m + half], index=["mean", "n", "ci_low", "ci_high"])


def _half_width(sd, n, ci):
    n = np.asarray(n, dtype="float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        t = _st.t.ppf(0.5 + ci / 2, np.where(n > 1, n - 1, np.nan))
        return t * np.asarray(sd, dtype="float64") / np.sqrt(n)


def grouped_mean_ci(df: pd.DataFrame, by, value: str, ci: float = 0.95, prefix: str | None = None):
    """Per group: n, mean and t-interval of *value*, as ``{prefix}_mean`` etc. (vectorised)."""
    prefix = prefix or value
    g = df.groupby(by, observed=True, sort=False)[value]
    out = g.agg(["count", "mean", "std"])
    half = _half_width(out["std"], out["count"], ci)
    return pd.DataFrame({
        f"{prefix}_n": out["count"].astype("int64"),
        f"{prefix}_mean": out["mean"],
        f"{prefix}_ci_low": out["mean"] - half,
        f"{prefix}_ci_high": out["mean"] + half,
    }, index=out.index)


def slope_ci(x, y, ci: float = 0.95) -> dict:
    """OLS slope of *y* on *x* with its t-interval, p and n (NaN pairs dropped)."""
    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    ok = ~(np.isnan(x) | np.isnan(y))
    x, y = x[ok], y[ok]
    n = len(x)
    nan = {"slope": np.nan, "slope_ci_low": np.nan, "slope_ci_high": np.nan, "slope_p": np.nan,
           "slope_n": n}
    if n < 3 or np.ptp(x) == 0:
        return nan
    res = _st.linregress(x, y)
    t = _st.t.ppf(0.5 + ci / 2, n - 2)
    return {"slope": res.slope, "slope_ci_low": res.slope - t * res.stderr,
            "slope_ci_high": res.slope + t * res.stderr, "slope_p": res.pvalue, "slope_n": n}


def filter_weeks(log: pd.DataFrame, weeks=None) -> pd.DataFrame:
    """Only the entries in *weeks* (1 = the log's first 7 days); ``None`` keeps all.

    >>> import bactivate as ba
    >>> log = ba.synth.client(weeks=4, seed=1)
    >>> sorted(ba.filter_weeks(log, [3, 4])["start"].dt.isocalendar().week.unique().tolist())
    [12, 13]
    """
    if weeks is None:
        return log
    if isinstance(weeks, int):
        weeks = [weeks]
    wanted = [int(w) for w in weeks]
    if len(log) and log["start"].isna().all():
        raise ValueError(f"no dated entries: weeks {wanted} cannot be chosen from a log whose rows "
                         "have no date")
    week = with_calendar(log)["week"]
    out = log[week.isin(wanted).fillna(False).to_numpy(bool)]
    if out.empty and len(log):
        raise ValueError(f"no entries in weeks {wanted}; the log covers weeks 1 to {int(week.max())}")
    return out


def _n_of(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def describe(log: pd.DataFrame) -> str:
    """One line about a log: who, from when to when, how many days and entries.

    >>> import bactivate as ba
    >>> ba.describe(ba.synth.client(weeks=2, seed=1, client="Alex"))[:28]
    'Alex: 2 Mar 2026 to 15 Mar 2'
    """
    require(log, ("client", "start"), "describe()")
    if log.empty:
        return "an empty log: no entries"
    who = ", ".join(log["client"].dropna().unique()[:5]) or "unknown client"
    if log["start"].isna().all():
        return f"{who}: {_n_of(len(log), 'entry', 'entries')}, none dated"
    first, last = log["start"].min(), log["start"].max()
    days = log["start"].dt.normalize().nunique()
    span = (last.normalize() - first.normalize()).days + 1
    # rows of one entry (a Daylio entry with three activities) share its entry id
    entries = len(log.drop_duplicates(["client", "entry"])) if "entry" in log.columns else len(log)
    rows = "" if entries == len(log) else f", {len(log)} rows"
    return (f"{who}: {first.day} {first:%b %Y} to {last.day} {last:%b %Y} "
            f"({span} days, {days} with entries, {entries} entries{rows})")


# --------------------------------------------------------------------------- vectorised helpers
# The cohort analyses (client_summary, client_weeks, progress(by="client"),
# mood_by_activity(by=["client", ...])) work on NumPy arrays of group codes:
# one pass of ``np.bincount`` per sum instead of one pandas groupby per column.


def day_numbers(start: pd.Series) -> np.ndarray:
    """Whole days since 1970-01-01 of each (non-missing) timestamp, as int64."""
    return start.to_numpy().astype("datetime64[D]").astype("int64")


def days_to_datetime(days: np.ndarray, like: pd.Series) -> np.ndarray:
    """Day numbers back to midnight timestamps with the dtype of *like* (a datetime column)."""
    out = np.asarray(days, dtype="int64").astype("datetime64[D]")
    dtype = like.dtype if isinstance(like.dtype, np.dtype) else np.dtype("datetime64[ns]")
    return out.astype(dtype)


def flags(log: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``planned``, ``done`` (planned and carried out) and ``happened`` as boolean arrays.

    ``happened`` is :func:`happened` as a mask: every row except planned rows with
    ``done == False``.
    """
    planned = log["planned"].fillna(False).to_numpy(dtype=bool)
    if "done" not in log.columns:
        return planned, np.zeros(len(log), bool), np.ones(len(log), bool)
    done_col = log["done"]
    done = planned & done_col.fillna(False).to_numpy(dtype=bool)
    skipped = planned & (done_col == False).fillna(False).to_numpy(dtype=bool)  # noqa: E712
    return planned, done, ~skipped


def group_sum(codes: np.ndarray, values, n: int) -> np.ndarray:
    """Sum of *values* (NaN counted as 0) per group code ``0..n-1``."""
    v = np.asarray(values, dtype="float64")
    return np.bincount(codes, weights=np.where(np.isnan(v), 0.0, v), minlength=n)


def group_mean(codes: np.ndarray, values, n: int, where=None) -> np.ndarray:
    """Mean of the non-missing *values* (only rows in *where*, if given) per group; NaN when none."""
    v = np.asarray(values, dtype="float64")
    ok = ~np.isnan(v)
    if where is not None:
        ok &= where
    s = np.bincount(codes, weights=np.where(ok, v, 0.0), minlength=n)
    k = np.bincount(codes, weights=ok, minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(k > 0, s / np.where(k > 0, k, 1), np.nan)


def bare(log: pd.DataFrame) -> pd.DataFrame:
    """*log* without its ``attrs`` (no copy of the data).

    pandas deep-copies ``attrs`` into every column and slice taken from a frame;
    a cohort's attrs (rejected rows, files, roster) make that the largest cost
    of a small analysis. The analyses work on this view and set their own attrs.
    """
    return pd.DataFrame(log)


def grouped_slopes(codes: np.ndarray, x, y, n: int, ci: float = 0.95, *, flat_nan: bool = False) -> dict:
    """OLS slope of *y* on *x* in each group ``0..n-1``, closed form over all groups at once.

    Returns arrays ``slope``, ``ci_low``, ``ci_high`` (t-interval), ``p`` (two-sided t
    test of slope 0, as ``scipy.stats.linregress``) and ``n`` (pairs with both
    values). NaN pairs are dropped; a group with fewer than 3 pairs or no spread
    in *x* gets NaN. A flat *y* (every value equal) has slope 0 with a zero-width
    interval, or, with *flat_nan* (as ``linregress``), NaN interval and p.
    *y* may be 2-D (rows x measures): each column is fitted on its own and the
    arrays are then measures x groups.
    """
    codes = np.asarray(codes)
    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    two_d = y.ndim == 2
    ys = y.T if two_d else y[None, :]
    shape = (len(ys), n)
    cnt, sxx, sxy, sse, syy = (np.zeros(shape) for _ in range(5))
    with np.errstate(invalid="ignore", divide="ignore"):
        for j, yj in enumerate(ys):
            ok = ~(np.isnan(x) | np.isnan(yj)) & (codes >= 0)
            c, xj, yj = codes[ok], x[ok], yj[ok]
            k = np.bincount(c, minlength=n).astype("float64")
            xm = np.bincount(c, weights=xj, minlength=n) / k
            ym = np.bincount(c, weights=yj, minlength=n) / k
            dx, dy = xj - xm[c], yj - ym[c]
            cnt[j] = k
            sxx[j] = np.bincount(c, weights=dx * dx, minlength=n)
            sxy[j] = np.bincount(c, weights=dx * dy, minlength=n)
            good = (k >= 3) & (sxx[j] > 0)
            b = np.where(good, sxy[j] / np.where(good, sxx[j], 1.0), 0.0)
            resid = dy - dx * b[c]
            sse[j] = np.bincount(c, weights=resid * resid, minlength=n)
            if flat_nan:
                syy[j] = np.bincount(c, weights=dy * dy, minlength=n)
        good = (cnt >= 3) & (sxx > 0)
        slope = np.where(good, sxy / np.where(good, sxx, 1.0), np.nan)
        dof = np.where(good, cnt - 2, np.nan)
        se = np.sqrt(sse / dof / sxx)
        t = _st.t.ppf(0.5 + ci / 2, dof)
        p = 2 * _st.t.sf(np.abs(slope) / se, dof)
    # an exact fit: linregress gives p 0 for a slope and 1 for a flat line
    exact = good & (se == 0)
    p = np.where(exact, np.where(slope != 0, 0.0, 1.0), p)
    if flat_nan:
        flat = good & (syy == 0)
        se = np.where(flat, np.nan, se)
        p = np.where(flat, np.nan, p)
    out = {"slope": slope, "ci_low": slope - t * se, "ci_high": slope + t * se, "p": p,
           "n": cnt.astype("int64")}
    return out if two_d else {k: v[0] for k, v in out.items()}


# --------------------------------------------------------------------------- BLAS threads


@functools.lru_cache(maxsize=1)
def _openblas():
    """``(get, set)`` of the thread count of the OpenBLAS NumPy uses, or None (found as threadpoolctl does)."""
    try:
        libs = Path(np.__file__).resolve().parent.parent / "numpy.libs"
        for path in sorted(libs.glob("*openblas*")):
            lib = ctypes.CDLL(str(path))
            for pre, suf in (("scipy_openblas_", "64_"), ("openblas_", "64_"), ("openblas_", "")):
                get = getattr(lib, f"{pre}get_num_threads{suf}", None)
                put = getattr(lib, f"{pre}set_num_threads{suf}", None)
                if get is not None and put is not None:
                    get.restype = ctypes.c_int
                    put.argtypes = [ctypes.c_int]
                    return get, put
    except OSError:
        pass
    return None


@contextlib.contextmanager
def one_blas_thread():
    """Run the block with NumPy's OpenBLAS on one thread (a no-op if it cannot be found).

    The bootstrap products are many and small (a few dozen columns by ~100
    days by 2,000 resamples). Waking a second BLAS thread for each costs more
    than the product itself, and far more on a busy machine: measured here on
    2 busy cores, a 24 x 84 by 84 x 2,000 product took 27 ms on two threads
    and 0.44 ms on one.
    """
    blas = _openblas()
    old = blas[0]() if blas is not None else 1
    if old <= 1:
        yield
        return
    blas[1](1)
    try:
        yield
    finally:
        blas[1](old)


# --------------------------------------------------------------------------- names in one form
# "Café" typed on a phone (NFC), pasted from a Mac (NFD), with a zero-width space from a web
# form, a non-breaking space from Word, or two spaces: one activity, one client. Everything
# below works on the distinct values of a column, never row by row.

#: Characters that show as nothing and only split names: zero-width space, non-joiner and
#: joiner, word joiner, and a byte-order mark inside the text. (A joiner between two emoji
#: is kept: it makes them one picture, as in a family emoji.)
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
_DROP = dict.fromkeys(map(ord, INVISIBLE.replace("\u200d", "")))
# a joiner not between two symbols (emoji are symbols, So; a variation selector may follow one)
_LONE_JOINER = re.compile(r"(?<![\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F])\u200d"
                          r"|\u200d(?![\U0001F000-\U0001FAFF\u2600-\u27BF])")


def clean_name(text: str) -> str:
    """*text* in one written form: the name as it reads, whatever keyboard or app typed it.

    Unicode NFC (``"e\\u0301"`` is ``"é"``); zero-width characters (U+200B-U+200D,
    U+2060, U+FEFF) dropped, but for a joiner between two emoji; every run of whitespace (tabs, line breaks, non-breaking
    and other Unicode spaces) one space; no space at either end. Case is kept.

    >>> clean_name(" Cafe\\u0301\\u00a0 with\\u200b Zoe ") == "Café with Zoe"
    True
    """
    if not text.isascii():
        text = unicodedata.normalize("NFC", _LONE_JOINER.sub("", text.translate(_DROP)))
    return " ".join(text.split())


def _distinct_text(s: pd.Series) -> list[str]:
    """The distinct values of *s* as text, in order of first sight (missing left out)."""
    return [str(u) for u in pd.unique(s) if not pd.isna(u)]


def _factorized(s: pd.Series):
    """Codes of *s* (-1 where missing) and its distinct values as text, in order of first sight."""
    codes, uniq = pd.factorize(s)
    return np.asarray(codes), [str(u) for u in uniq]


def _spread_text(names: list, codes: np.ndarray, s: pd.Series) -> pd.Series:
    """*names* (one per code, -1 for missing) over the rows of *s*, as text (a name '' is missing)."""
    import pyarrow as pa

    table = pa.array([x if x else None for x in names] + [None], type=pa.large_string())
    taken = table.take(pa.array(np.where(codes < 0, len(names), codes)))
    return pd.Series(pd.array(taken, dtype="str"), index=s.index, name=s.name)


def clean_names(s: pd.Series) -> pd.Series:
    """:func:`clean_name` on each distinct value of *s* (text; a name that was only
    spaces or invisible characters is missing). *s* itself when nothing changes."""
    text = clean = None
    if s.dtype == "str":
        text = _distinct_text(s)
        clean = [clean_name(t) for t in text]
        if all(text) and clean == text:
            return s  # the usual column: nothing to clean, and no copy
    codes, uniq = _factorized(s)
    if uniq != text:
        clean = [clean_name(t) for t in uniq]
    return _spread_text(clean, codes, s)


def merge_names(s: pd.Series, *, fold_case: bool = True, within=None) -> tuple[pd.Series, list[dict]]:
    """Names that differ only in case, spacing or Unicode form read as one name.

    Each name is cleaned (:func:`clean_name`); names whose clean forms differ only in
    case (with *fold_case*) are one, shown in their most frequent clean form (by rows),
    ties going to the form seen first. With *within* (a group code per row, e.g. the
    file of each row) names are merged within each group only. Works on the distinct
    values of *s*.

    Returns the names (dtype ``str``) and one dict per name written in more than one
    way: ``{"name": shown, "forms": [each form as written, first seen first],
    "group": its *within* code or None}``.

    >>> import pandas as pd
    >>> names, merged = merge_names(pd.Series(["Walk", "walk ", "walk", "Cafe\\u0301", "Café"]))
    >>> names.tolist() == ["walk", "walk", "walk", "Café", "Café"], len(merged)
    (True, 2)
    """
    def keys(clean):
        return [unicodedata.normalize("NFC", c.casefold()) for c in clean] if fold_case else clean

    text = clean = None
    if s.dtype == "str":
        text = _distinct_text(s)
        clean = [clean_name(t) for t in text]
        if clean == text and all(clean) and len(set(keys(clean))) == len(clean):
            return s, []  # the usual column: every name written one way, nothing to clean
    codes, uniq = _factorized(s)
    if uniq != text:  # (the same distinct values in the same order, unless s is not text)
        text, clean = uniq, [clean_name(t) for t in uniq]
    n = len(text)
    key = keys(clean)
    ok = codes >= 0
    group = np.zeros(len(s), dtype="int64") if within is None else np.asarray(within, dtype="int64")
    # each distinct (group, written form), in order of first sight, with its rows
    pair_codes, pairs = pd.factorize(group[ok] * max(n, 1) + codes[ok])
    rows = np.bincount(pair_codes, minlength=len(pairs))
    pg, pc = pairs // max(n, 1), pairs % max(n, 1)
    key_code = pd.factorize(np.asarray(key, dtype=object))[0][pc]
    clean_code = pd.factorize(np.asarray(clean, dtype=object))
    tab = pd.DataFrame({"g": pg, "k": key_code, "c": clean_code[0][pc], "n": rows, "form": pc})
    per_clean = tab.groupby(["g", "k", "c"], sort=False)["n"].sum()
    best = pd.DataFrame(per_clean.groupby(level=["g", "k"], sort=False).idxmax().tolist(),
                        columns=["g", "k", "win"])
    tab = tab.merge(best, on=["g", "k"], how="left", sort=False)
    clean_uniq = list(clean_code[1])
    shown = [clean_uniq[w] for w in tab["win"].to_numpy()]  # per (group, written form)
    row_codes = np.full(len(s), len(shown), dtype="int64")
    row_codes[ok] = pair_codes
    out = _spread_text(shown, row_codes, s)
    merged = []
    multi = tab[tab.duplicated(["g", "k"], keep=False).to_numpy()]  # names written in several ways
    several = multi.groupby(["g", "k"], sort=False).agg(forms=("form", list), win=("win", "first"))
    for (g, _), forms, win in zip(several.index, several["forms"], several["win"], strict=True):
        if clean_uniq[win]:  # a loop over the names written in more than one way only
            merged.append({"name": clean_uniq[win], "forms": [text[f] for f in forms],
                           "group": None if within is None else int(g)})
    return out, merged


def _shown(form: str) -> str:
    """A written form with its invisible characters and unusual spaces spelled out."""
    return "".join(c.encode("unicode_escape").decode() if c in INVISIBLE or (c.isspace() and c != " ")
                   else c for c in form)


def _how_written(form: str, name: str) -> str:
    """How *form* differs from the *name* it was read as (for the notes)."""
    how = []
    if any(c in INVISIBLE for c in form):
        how.append("a zero-width character")
    if "\u00a0" in form or "\u202f" in form:
        how.append("a non-breaking space")
    elif any(c.isspace() and c != " " for c in form):
        how.append("a tab, line break or other space")
    plain = "".join(" " if c.isspace() else c for c in form.translate(_DROP))
    if plain != plain.strip() or "  " in plain:
        how.append("extra spaces")
    if unicodedata.normalize("NFC", plain) != plain:
        how.append("another Unicode form")
    if clean_name(form) != name:
        how.append("another case")
    return ", ".join(how)


def merge_notes(merged: list[dict], what: str, limit: int = 10) -> list[str]:
    """Notes that say which written forms were read as one *what* (e.g. ``"activity"``).

    >>> merge_notes([{"name": "Café", "forms": ["Café", "cafe\\u0301"], "group": None}], "activity")
    ["'Café' and 'cafe\\u0301' (another Unicode form, another case) read as one activity 'Café'"]
    """
    out = []
    for m in merged[:limit]:
        forms = [f"'{_shown(f)}'" + (f" ({h})" if (h := _how_written(f, m["name"])) else "")
                 for f in m["forms"]]
        listed = ", ".join(forms[:-1]) + " and " + forms[-1]
        out.append(f"{listed} read as one {what} '{m['name']}'")
    if len(merged) > limit:
        out.append(f"... and {len(merged) - limit} more names written in more than one way, each read "
                   f"as one {what} (in its most frequent form)")
    return out
