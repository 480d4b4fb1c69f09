"""Mood and activity: the behavioural experiment, and baseline-versus-activation comparisons.

:func:`mood_by_activity` answers the question a BA therapist asks a client to
test: "is my mood better on days I walk than on days I don't?" For each
activity it compares mean mood on days with it and days without (or, with
``unit="entry"``, mood at the entry right after it with mood at other entries),
with a confidence interval, Cliff's delta, a p-value and Benjamini-Hochberg
q-values over all activities tested.

Honesty about small samples and autocorrelation is built in:

* activities with fewer than ``min_days`` days on either side are listed as
  "not enough data" and not tested;
* the lag-1 autocorrelation of daily mood is reported (``mood_autocorr``); when it
  is above ``autocorr_threshold`` (0.2) a day's mood partly predicts the next
  day's, so days are not independent: the CI and the p-value then come from a
  moving-block bootstrap (runs of consecutive days resampled together, the
  p-value read from the same resamples);
  otherwise the CI is an ordinary percentile bootstrap and the p-value the
  t-test of the regression of daily mood on the activity (within weeks, with
  ``adjust="week"``; with ``adjust=None`` the pooled-variance two-sample t-test).
  The ``method`` column says which. The interval and the p-value come from
  different computations and can, near the edge, disagree; the ``verdict``
  column reads the interval only.
* ``mood_with_adjusted`` and ``mood_without_adjusted`` are means on the same
  0-10 scale that differ by exactly ``diff`` (see :func:`mood_by_activity`), so
  a table that shows them adds up.
* It is a correlation over days, not proof that the activity lifts mood; a
  planned experiment (do it on some days and not others) makes it stronger.

:func:`phase_effect` compares a measure between baseline weeks and activation
weeks as a single-case A/B design: NAP, Tau, Tau-U (baseline trend removed) and
Hedges' g, each with a CI.

>>> import bactivate as ba
>>> log = ba.synth.client(weeks=8, seed=3)
>>> res = ba.mood_by_activity(log)
>>> {"activity", "diff", "ci_low", "ci_high", "q"} <= set(res.columns)
True
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from bactivate import stats
from bactivate._blas import one_blas_thread
from bactivate._log import bare, day_numbers, flags, happened, require, with_calendar
from bactivate._util import natural_codes
from bactivate.lazy import Lazy

_st = Lazy("scipy.stats")  # imported on first use (see bactivate.lazy)

NOT_ENOUGH = "not enough data"
TESTED = "tested"
_COLUMNS = ["n_with", "n_without", "mood_with", "mood_without", "diff", "ci_low", "ci_high",
            "cliffs_delta", "p", "q", "mood_with_adjusted", "mood_without_adjusted", "verdict", "direction",
            "status", "weeks_compared", "method", "unit", "mood_autocorr"]
_TEXT = ("status", "method", "unit", "verdict", "direction")

#: the verdicts, read from the interval shown (not from p or q)
CLEAR, CHANCE = "clear difference", "could be chance"
TOO_FEW = {"day": "too few days", "entry": "too few entries"}


def mood_by_activity(log: pd.DataFrame, unit: str = "day", *, by: str = "activity", min_days: int = 3,
                     adjust: str | None = "week", ci: float = 0.95, n_boot: int = 2000,
                     seed: int | None = 0, autocorr_threshold: float = 0.2) -> pd.DataFrame:
    """Mood on days with each activity versus days without it.

    Parameters
    ----------
    log : pandas.DataFrame
        The tidy log (from :func:`bactivate.read_log`), or a cohort's with *by* per client.
    unit : {"day", "entry"}, default "day"
        ``"day"``: mean mood per day, days with the activity vs days without.
        ``"entry"``: mood at the entry right after the activity (same day) vs
        mood at every other entry that follows another entry.
    by : str or list of str, default "activity"
        ``"activity"`` or ``"category"``; ``["client", "activity"]`` (or
        ``["client", "category"]``) analyses every client of a cohort in one
        call, each client's rows equal to a call on that client's log alone.
    min_days : int, default 3
        Fewest days (entries, for ``unit="entry"``) on each side to test; at least 2.
    adjust : {"week", None}, default "week"
        ``"week"`` compares days with and without the activity within the same
        week, so that mood improving over the weeks of treatment (while the
        activity also becomes more frequent) is not credited to the activity;
        ``None`` compares all days at once. For ``unit="entry"`` the comparison
        is within the same day.
    ci : float, default 0.95
        Confidence level of the interval for ``diff``.
    n_boot : int, default 2000
        Bootstrap resamples for the interval.
    seed : int or None, default 0
        For reproducible intervals (every client of a cohort uses the same seed).
    autocorr_threshold : float, default 0.2
        Lag-1 autocorrelation of daily mood above which days are treated as
        dependent (moving-block bootstrap).

    Returns
    -------
    pandas.DataFrame
        One row per activity (per client and activity with ``by=["client", ...]``,
        clients in natural order). Tested activities come first, largest
        difference first.

        * ``client`` (str; only per client);
        * ``activity`` or ``category`` (str);
        * ``n_with``, ``n_without`` (int64): days (or entries) with and without it;
        * ``mood_with``, ``mood_without``: mean mood on them (0-10);
        * ``diff``: the difference with - without, adjusted within weeks (or days) when *adjust* says so;
        * ``ci_low``, ``ci_high``: its interval, kept within -10..10 (the range
          of a difference of 0-10 means);
        * ``cliffs_delta``: Cliff's delta, with vs without;
        * ``p``, ``q``: the p-value and its Benjamini-Hochberg q-value over the
          activities tested (of each client);
        * ``mood_with_adjusted``, ``mood_without_adjusted``: means on the 0-10
          mood scale whose difference is exactly ``diff``. With
          ``s = n_with / (n_with + n_without)`` and
          ``m = s * mood_with + (1 - s) * mood_without`` (the mean mood of all
          the days compared), ``mood_with_adjusted = m + (1 - s) * diff`` and
          ``mood_without_adjusted = m - s * diff``. With ``adjust=None`` (or no
          change over the weeks) they equal ``mood_with`` and ``mood_without``;
          NaN when not tested;
        * ``verdict`` (str), from the interval shown (not from p or q):
          ``"clear difference"`` when ``ci_low > 0`` or ``ci_high < 0``,
          ``"could be chance"`` when the interval includes 0, ``"too few days"``
          (``"too few entries"`` for ``unit="entry"``) when not tested;
        * ``direction`` (str): ``"better mood"`` or ``"lower mood"`` on days
          with the activity, for a clear difference (NA otherwise);
        * ``status`` (str): ``"tested"`` or ``"not enough data"``;
        * ``weeks_compared`` (int64): weeks with days both with and without it
          (``unit="day"``; NaN for entries);
        * ``method`` (str): how the interval and p were computed, or why not tested;
        * ``unit`` (str): ``"days"`` or ``"entries"``;
        * ``mood_autocorr``: lag-1 autocorrelation of daily mood (of each client).

        ``attrs``: ``method`` (the method in words), ``ci``, ``min_days``, ``unit``,
        ``adjusted`` (one plain sentence on what the adjusted means are) and
        ``verdict`` (how the verdict is read from the interval).

    Examples
    --------
    >>> import bactivate as ba
    >>> log = ba.synth.client(weeks=8, seed=3)
    >>> res = ba.mood_by_activity(log)
    >>> res[["activity", "n_with", "n_without", "diff", "q", "status"]].head(3).round(2)
               activity  n_with  n_without  diff    q  status
    0     Call a friend      17         39  0.61  0.4  tested
    1  Walk in the park      20         36  0.57  0.4  tested
    2      Read a novel      18         38  0.52  0.4  tested
    >>> bool((res["ci_low"] <= res["diff"]).where(res["status"] == "tested", True).all())
    True
    >>> adj = res[["activity", "mood_with_adjusted", "mood_without_adjusted", "verdict"]].head(3)
    >>> adj.rename(columns=lambda c: c.replace("mood_", "").replace("_adjusted", "")).round(2)
               activity  with  without           verdict
    0     Call a friend  5.30     4.69  clear difference
    1  Walk in the park  5.24     4.67  clear difference
    2      Read a novel  5.23     4.71   could be chance
    """
    per_client, by = _per_client(by)
    require(log, ("start", "mood", by, "done", "planned", *(("client",) if per_client else ())),
            "mood_by_activity()")
    if unit not in ("day", "entry"):
        raise ValueError(f"unit must be 'day' or 'entry', not {unit!r}")
    if adjust not in ("week", None):
        raise ValueError(f"adjust must be 'week' or None, not {adjust!r}")
    if min_days < 2:
        raise ValueError("min_days must be at least 2: one day on a side cannot show a difference")
    keep = log["start"].notna()
    if per_client:
        keep &= log["client"].notna()
    keep = keep.to_numpy(dtype=bool)
    df = bare(log) if keep.all() else bare(log)[keep]
    if unit == "day":
        res, r1, how = _by_day(df, by, min_days, ci, n_boot, seed, autocorr_threshold, adjust, per_client)
    elif per_client:
        # the entry unit has no cohort shortcut: one call per client, every client with the same seed
        parts = []
        for client, g in df.groupby(df["client"].astype("str"), sort=False):
            one, r1_one, how = _one_entry_table(g, by, min_days, ci, adjust)
            one.insert(0, "client", client)
            parts.append(one)
        res = pd.concat(parts, ignore_index=True) if parts else _empty(by, True)
        if len(res):
            res = res.iloc[np.lexsort((np.arange(len(res)), natural_codes(res["client"])))]
        how = ("Per client: " + how) if parts else "no dated entries"
        r1 = None
    else:
        res, r1, how = _one_entry_table(df, by, min_days, ci, adjust)
    res["unit"] = "days" if unit == "day" else "entries"
    if r1 is not None and not per_client:
        res["mood_autocorr"] = r1
    _readable(res, unit)
    lead = ["client", by] if per_client else [by]
    res = res[[*lead, *_COLUMNS]].reset_index(drop=True)
    res.attrs = {"method": how, "ci": ci, "min_days": min_days, "unit": unit,
                 "adjusted": _ADJUSTED_TEXT[unit] if adjust else _UNADJUSTED_TEXT[unit],
                 "verdict": _VERDICT_TEXT.format(level=f"{ci:.0%}", few=TOO_FEW[unit])}
    return res


_ADJUSTED_TEXT = {
    "day": "The adjusted means compare days with and without the activity within the same weeks: "
           "they keep the average mood of all these days and differ by exactly the difference shown.",
    "entry": "The adjusted means compare entries after the activity with other entries of the same day: "
             "they keep the average mood of all these entries and differ by exactly the difference shown.",
}
_UNADJUSTED_TEXT = {
    "day": "No adjustment: the adjusted means are the plain means of the days with and without the activity.",
    "entry": "No adjustment: the adjusted means are the plain means of the entries after the activity and "
             "of the others.",
}
_VERDICT_TEXT = ("'clear difference' when the {level} interval of the difference is all above 0 (better "
                 "mood) or all below 0 (lower mood); 'could be chance' when it includes 0; "
                 "'{few}' when the activity was not tested.")


def _readable(res: pd.DataFrame, unit: str) -> None:
    """Add the adjusted means, the verdict and its direction to *res* (in place).

    With ``s = n_with / (n_with + n_without)`` and ``m = s * mood_with + (1 - s) * mood_without``
    (the mean mood of all the days compared), ``mood_with_adjusted = m + (1 - s) * diff`` and
    ``mood_without_adjusted = m - s * diff``: their difference is ``diff`` and their weighted mean
    is ``m``. When ``diff`` is the plain difference of the means they are ``mood_with`` and
    ``mood_without``. The verdict reads the interval ``ci_low``-``ci_high`` (not p or q).
    """
    n_w = res["n_with"].to_numpy(dtype="float64")
    n_wo = res["n_without"].to_numpy(dtype="float64")
    diff = res["diff"].to_numpy(dtype="float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        s = n_w / (n_w + n_wo)
    m = s * res["mood_with"].to_numpy(dtype="float64") + (1 - s) * res["mood_without"].to_numpy(dtype="float64")
    res["mood_with_adjusted"] = m + (1 - s) * diff
    res["mood_without_adjusted"] = m - s * diff
    lo, hi = res["ci_low"].to_numpy(dtype="float64"), res["ci_high"].to_numpy(dtype="float64")
    tested = (res["status"] == TESTED).to_numpy(dtype=bool) & np.isfinite(diff)
    up, down = tested & (lo > 0), tested & (hi < 0)
    verdict = np.where(up | down, CLEAR, np.where(tested, CHANCE, TOO_FEW[unit]))
    res["verdict"] = pd.array(verdict.astype(object), dtype="str")
    direction = np.where(up, "better mood", np.where(down, "lower mood", None)).astype(object)
    res["direction"] = pd.array(direction, dtype="str")


def _per_client(by) -> tuple[bool, str]:
    """``by`` as (per client?, "activity" or "category")."""
    if isinstance(by, str):
        per, what = False, by
    else:
        try:
            items = list(by)
        except TypeError:
            items = [by]
        per = len(items) == 2 and items[0] == "client"
        what = items[1] if per else items
    if what not in ("activity", "category"):
        raise ValueError(f"by must be 'activity' or 'category', or ['client', 'activity'] / "
                         f"['client', 'category'] for every client of a cohort, not {by!r}")
    return per, what


def _one_entry_table(df, by, min_days, ci, adjust):
    """The entry-unit table of one log, q-values and order as for days."""
    res, r1, how = _by_entry(with_calendar(df), by, min_days, ci, adjust)
    tested = res["status"] == TESTED
    res["q"] = np.nan
    if tested.any():
        res.loc[tested, "q"] = stats.bh(res.loc[tested, "p"].to_numpy())
    res["mood_autocorr"] = r1
    res = res.sort_values(["status", "diff", by], ascending=[False, False, True],
                          key=lambda s: s.eq(TESTED) if s.name == "status" else s, kind="stable")
    return res.reset_index(drop=True), r1, how


def _empty(by: str, per_client: bool = False) -> pd.DataFrame:
    """The result with no rows, its columns typed."""
    out = pd.DataFrame({by: pd.Series(dtype="str")})
    if per_client:
        out.insert(0, "client", pd.Series(dtype="str"))
    for c in _COLUMNS:
        out[c] = pd.Series(dtype="int64" if c.startswith("n_") else
                           "str" if c in _TEXT else "float64")
    return out


def _demean(v: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """*v* minus its mean within each group (all one group when *codes* are all 0)."""
    sums = np.bincount(codes, weights=v)
    counts = np.bincount(codes)
    return v - (sums / counts)[codes]


def _by_day(df, by, min_days, ci, n_boot, seed, threshold, adjust, per_client=False):
    """Days with vs without each activity, for one log or (with *per_client*) every client at once.

    Everything is computed on arrays of days (rows: client, then day) by
    activities (columns: each client's activities, padded to the largest
    number): sums per client and per client-week are ``np.add.reduceat`` over
    contiguous rows, the bootstrap is one matrix product of resample counts
    with those columns, and Cliff's delta comes from one ranking of each
    client's daily moods. Returns ``(result, r1, how)``; with *per_client*
    ``result`` has a ``client`` column first and ``r1`` is per row.
    """
    days = _daily(df, per_client)
    if days is None:
        return _empty(by, per_client), np.nan, "no mood ratings in the log"
    weeks = _within_weeks(days, adjust, threshold)
    how = _how(adjust, weeks.r1, weeks.r1_within, weeks.dependent, threshold, min_days, per_client)
    r1 = weeks.r1 if per_client else float(weeks.r1[0])
    pres = _presence(df, by, days)
    if not len(pres.puniq):
        return _empty(by, per_client), r1, how
    est = _estimates(days, weeks, pres, min_days)
    lo, hi = _bootstrap(days, weeks, pres, est, 1 - ci, n_boot, seed, adjust)
    delta = _cliffs_from_ranks(days, pres, est)
    return _table(by, days, weeks, pres, est, lo, hi, delta, min_days, per_client), r1, how


@dataclass
class _Days:
    """Daily mean mood, one row per client and day with a mood (rows: client, then day)."""

    entry_key: np.ndarray  # per entry row of df: client * span + day since the client's first day
    cnames: np.ndarray  # client names in natural order (one None for a single log)
    duniq: np.ndarray  # per row: client * span + day
    dmood: np.ndarray  # per row: mean mood of the day
    dday: np.ndarray  # per row: days since the client's first day
    dweek: np.ndarray  # per row: weeks since the client's first day
    dclient: np.ndarray  # per row: client code
    cstart: np.ndarray  # first row of each client with a mood
    clients: np.ndarray  # client code of each such client
    n_days: np.ndarray  # rows (days with mood) of each such client
    crow: np.ndarray  # per row: index into clients


def _daily(df: pd.DataFrame, per_client: bool) -> _Days | None:
    """Daily mean mood of each client (pandas' grouped mean); None when no day has a mood."""
    if per_client:
        ccodes, cnames = pd.factorize(df["client"].astype("str"))
        cnames = np.asarray(cnames, dtype=object)
        rank = np.empty(len(cnames), dtype="int64")
        rank[np.argsort(natural_codes(cnames), kind="stable")] = np.arange(len(cnames))
        ccodes = rank[ccodes]
        cnames = cnames[np.argsort(rank)]
    else:
        ccodes, cnames = np.zeros(len(df), dtype="int64"), np.array([None], dtype=object)
    day = day_numbers(df["start"])
    if len(df):
        first = pd.Series(day).groupby(ccodes).min().reindex(range(len(cnames))).to_numpy()
        rel = day - first[ccodes]
    else:
        rel = day
    span = int(rel.max()) + 1 if len(df) else 1
    entry_key = ccodes * span + rel
    dkey, duniq = pd.factorize(entry_key, sort=True)
    mood_all = df["mood"].to_numpy(dtype="float64", na_value=np.nan)
    # pandas' grouped mean (compensated sums), so that daily moods equal those of a plain groupby
    dmood = pd.Series(mood_all).groupby(dkey).mean().to_numpy() if len(df) else mood_all
    has = ~np.isnan(dmood)
    duniq, dmood = duniq[has], dmood[has]
    if not len(duniq):
        return None
    dclient = duniq // span
    dday = duniq % span  # days since the client's first day
    cstart = np.flatnonzero(np.r_[True, dclient[1:] != dclient[:-1]])
    n_days = np.diff(np.r_[cstart, len(duniq)])
    return _Days(entry_key=entry_key, cnames=cnames, duniq=duniq, dmood=dmood, dday=dday, dweek=dday // 7,
                 dclient=dclient, cstart=cstart, clients=dclient[cstart], n_days=n_days,
                 crow=np.repeat(np.arange(len(cstart)), n_days))


@dataclass
class _Weeks:
    """The groups days are compared within (weeks, or each client's whole log), and the dependence."""

    wkey: np.ndarray  # per row: True where a group starts
    wstart: np.ndarray  # first row of each group
    wcode: np.ndarray  # per row: its group
    wsize: np.ndarray  # rows of each group
    n_groups: np.ndarray  # groups of each client
    y: np.ndarray  # per row: mood minus its group's mean
    r1: np.ndarray  # per client: lag-1 autocorrelation of daily mood
    r1_within: np.ndarray  # per client: the same, of y
    dependent: np.ndarray  # per client: r1_within above the threshold
    block: np.ndarray  # per client: moving-block length (0: iid bootstrap)


def _within_weeks(days: _Days, adjust, threshold: float) -> _Weeks:
    """Weeks (or whole logs) to compare within, mood adjusted for them, and each client's dependence."""
    dclient, dweek, n = days.dclient, days.dweek, len(days.cstart)
    if adjust == "week":
        wkey = np.r_[True, (dclient[1:] != dclient[:-1]) | (dweek[1:] != dweek[:-1])]
    else:
        wkey = np.r_[True, dclient[1:] != dclient[:-1]]
    wstart = np.flatnonzero(wkey)
    wcode = np.cumsum(wkey) - 1
    wsize = np.diff(np.r_[wstart, len(dclient)])
    y = days.dmood - (np.bincount(wcode, weights=days.dmood) / wsize)[wcode]
    r1 = stats.lag1_within(days.dmood, days.crow, days.dday, n)
    r1_within = stats.lag1_within(y, days.crow, days.dday, n)
    dependent = np.isfinite(r1_within) & (r1_within > threshold)
    block = np.where(dependent, np.maximum(2, np.round(days.n_days ** (1 / 3)).astype("int64")), 0)
    return _Weeks(wkey=wkey, wstart=wstart, wcode=wcode, wsize=wsize,
                  n_groups=np.add.reduceat(wkey.astype("int64"), days.cstart), y=y, r1=r1,
                  r1_within=r1_within, dependent=dependent, block=block)


@dataclass
class _Presence:
    """Which activities each day has: a days x columns 0/1 matrix, each client's activities in its columns."""

    M: np.ndarray  # rows x width: 1.0 where the row's day has the column's activity
    valid: np.ndarray  # clients x width: the column holds one of the client's activities
    anames: np.ndarray  # activity (or category) names
    puniq: np.ndarray  # one per (client, activity): client index * n_act + activity code
    pclient: np.ndarray  # per pair: index into clients
    pact: np.ndarray  # per pair: activity code
    plocal: np.ndarray  # per pair: its column


def _presence(df: pd.DataFrame, by: str, days: _Days) -> _Presence:
    """The days x activities matrix of the activities done (planned and done, or unplanned)."""
    did = flags(df)[2]
    names_col = df[by]
    use = did & names_col.notna().to_numpy(dtype=bool)
    acodes, anames = pd.factorize(names_col[use], sort=True)
    anames = np.asarray(anames, dtype=object)
    n_rows = len(days.duniq)
    rowpos = np.searchsorted(days.duniq, days.entry_key[use])
    rowpos = np.minimum(rowpos, n_rows - 1)
    on_day = days.duniq[rowpos] == days.entry_key[use]
    rowpos, acodes = rowpos[on_day], acodes[on_day]
    n_act = max(len(anames), 1)
    pair, puniq = pd.factorize(days.crow[rowpos] * n_act + acodes, sort=True)
    pclient = puniq // n_act  # index into clients
    pfirst = np.searchsorted(pclient, np.arange(len(days.clients)))
    plocal = np.arange(len(puniq)) - pfirst[pclient]
    width = int(plocal.max()) + 1 if len(puniq) else 1
    M = np.zeros((n_rows, width))
    M[rowpos, plocal[pair]] = 1.0
    valid = np.zeros((len(days.clients), width), dtype=bool)
    valid[pclient, plocal] = True
    return _Presence(M=M, valid=valid, anames=anames, puniq=puniq, pclient=pclient, pact=puniq % n_act,
                     plocal=plocal)


@dataclass
class _Estimates:
    """Per client and column: counts, means, the within-week regression estimate and its t-test."""

    n_with: np.ndarray
    n_without: np.ndarray
    mood_with: np.ndarray
    mood_without: np.ndarray
    x: np.ndarray  # rows x width: presence minus its group's mean
    weeks_compared: np.ndarray  # groups with days both with and without the activity
    few: np.ndarray  # fewer than min_days on a side
    tested: np.ndarray
    est: np.ndarray  # the difference (NaN where not tested)
    p: np.ndarray  # t-test p (NaN for dependent clients; the bootstrap fills those in)


def _estimates(days: _Days, weeks: _Weeks, pres: _Presence, min_days: int) -> _Estimates:
    """Means with and without, and the regression of mood on presence within groups, with its t-test."""
    M, cstart, wstart, wsize = pres.M, days.cstart, weeks.wstart, weeks.wsize
    n_with = np.add.reduceat(M, cstart, axis=0)
    n_without = days.n_days[:, None] - n_with
    with np.errstate(invalid="ignore", divide="ignore"):
        sum_with = np.add.reduceat(M * days.dmood[:, None], cstart, axis=0)
        sum_all = np.add.reduceat(days.dmood, cstart)
        mood_with = sum_with / n_with
        mood_without = (sum_all[:, None] - sum_with) / n_without
    k_week = np.add.reduceat(M, wstart, axis=0)
    x = M - (k_week / wsize[:, None])[weeks.wcode]
    mixed = (k_week > 0) & (k_week < wsize[:, None])
    weeks_compared = np.add.reduceat(mixed.astype("int64"), np.searchsorted(wstart, cstart), axis=0)
    sxx = np.add.reduceat(x * x, cstart, axis=0)
    sxy = np.add.reduceat(x * weeks.y[:, None], cstart, axis=0)
    few = np.minimum(n_with, n_without) < min_days
    tested = pres.valid & ~few & (sxx >= 1e-9)
    with np.errstate(invalid="ignore", divide="ignore"):
        est = np.where(tested, sxy / sxx, np.nan)
        resid = weeks.y[:, None] - np.where(tested, est, 0.0)[days.crow] * x
        sse = np.add.reduceat(resid * resid, cstart, axis=0)
        dof = (days.n_days - weeks.n_groups - 1).astype("float64")[:, None]
        se = np.where(dof > 0, np.sqrt(sse / np.where(dof > 0, dof, np.nan) / sxx), np.nan)
        tp = 2 * _st.t.sf(np.abs(est / se), dof)
    tp = np.where(se > 0, tp, np.where(est != 0, 0.0, 1.0))
    return _Estimates(n_with=n_with, n_without=n_without, mood_with=mood_with, mood_without=mood_without,
                      x=x, weeks_compared=weeks_compared, few=few, tested=tested, est=est,
                      p=np.where(weeks.dependent[:, None], np.nan, tp))


def _bootstrap(days: _Days, weeks: _Weeks, pres: _Presence, est: _Estimates, alpha: float, n_boot: int,
               seed, adjust) -> tuple[np.ndarray, np.ndarray]:
    """Bootstrap interval of each tested estimate; for dependent clients also ``est.p`` (set in place).

    Clients with the same number of days and block length share one resample
    plan (the same seed), applied to all their columns as one matrix product.
    """
    # speed: benchmark row W4-mood, docs/performance.md
    n_days, block, cstart, y, M = days.n_days, weeks.block, days.cstart, weeks.y, pres.M
    lo = np.full(est.est.shape, np.nan)
    hi = np.full(est.est.shape, np.nan)
    xy, xx = est.x * y[:, None], est.x * est.x
    with one_blas_thread():
        for (n, b) in sorted(set(zip(n_days.tolist(), block.tolist(), strict=True))):
            members = np.flatnonzero((n_days == n) & (block == b))
            ci_rows, ci_cols = np.nonzero(est.tested[members])
            if not len(ci_rows):
                continue
            owner = members[ci_rows]
            rng = np.random.default_rng(seed)
            idx = stats.resample_index(rng, n, n_boot, b or None)
            counts = np.bincount((idx + n * np.arange(n_boot)[:, None]).ravel(), minlength=n * n_boot)
            counts_t = counts.reshape(n_boot, n).T.astype("float64")  # days x resamples
            rows = cstart[owner][:, None] + np.arange(n)[None, :]
            for s in range(0, len(owner), _BOOT_CHUNK):
                sl = slice(s, s + _BOOT_CHUNK)
                r, c = rows[sl], ci_cols[sl][:, None]
                with np.errstate(invalid="ignore", divide="ignore"):
                    if adjust is None:
                        # the same statistic as diff, a difference of the resample's own means: with
                        # k of its n days drawn with the activity, sum(P y) - k mean(y), over k (n - k) / n
                        ydays = y[r]
                        k = M[r, c] @ counts_t  # whole numbers, exact
                        num = (M[r, c] * ydays) @ counts_t - k * (ydays @ counts_t) / n
                        boot = num / (k * (n - k) / n)  # no day with (or without) it drawn: not finite
                    else:
                        boot = (xy[r, c] @ counts_t) / (xx[r, c] @ counts_t)  # columns x resamples
                q_lo, q_hi, p_boot = _boot_summary(boot, alpha, bool(b))
                lo[owner[sl], ci_cols[sl]] = q_lo
                hi[owner[sl], ci_cols[sl]] = q_hi
                if b:
                    est.p[owner[sl], ci_cols[sl]] = p_boot
    return lo, hi


def _cliffs_from_ranks(days: _Days, pres: _Presence, est: _Estimates) -> np.ndarray:
    """Cliff's delta (with vs without) of each tested column, from one ranking of each client's days."""
    ranks = _ranks_within(days.dmood, days.crow, days.cstart)
    with np.errstate(invalid="ignore", divide="ignore"):
        u = np.add.reduceat(pres.M * ranks[:, None], days.cstart, axis=0) - est.n_with * (est.n_with + 1) / 2
        mn = est.n_with * est.n_without
        return np.where(est.tested, (2 * u - mn) / mn, np.nan)


def _table(by, days: _Days, weeks: _Weeks, pres: _Presence, est: _Estimates, lo, hi, delta, min_days: int,
           per_client: bool) -> pd.DataFrame:
    """One row per client and activity: tested first, largest difference first; q within each client."""
    pc, pl, block = pres.pclient, pres.plocal, weeks.block
    tested = est.tested[pc, pl]
    p = np.where(est.tested, est.p, np.nan)
    method = np.where(
        tested,
        np.where(weeks.dependent[pc], np.char.add(np.char.add("moving-block bootstrap CI and p (blocks of ",
                                                              block[pc].astype(str)), " days)"),
                 "bootstrap CI; regression t-test p"),
        np.where(est.few[pc, pl], f"fewer than {min_days} days on a side",
                 "no week has days both with and without it"))
    res = pd.DataFrame({
        by: pd.array(pres.anames[pres.pact], dtype="str"),
        "n_with": est.n_with[pc, pl].astype("int64"), "n_without": est.n_without[pc, pl].astype("int64"),
        "mood_with": est.mood_with[pc, pl], "mood_without": est.mood_without[pc, pl],
        # a difference of two means of 0-10 moods lies in -10..10; so does its interval (a
        # bootstrap replicate adjusted within weeks can stray past it when days are few)
        "diff": est.est[pc, pl], "ci_low": np.clip(lo[pc, pl], -10, 10), "ci_high": np.clip(hi[pc, pl], -10, 10),
        "cliffs_delta": delta[pc, pl], "p": p[pc, pl], "q": np.nan,
        "status": pd.array(np.where(tested, TESTED, NOT_ENOUGH).astype(object), dtype="str"),
        "weeks_compared": est.weeks_compared[pc, pl].astype("int64"),
        "method": pd.array(method.astype(object), dtype="str"),
    })
    res["q"] = stats.bh_within(res["p"].to_numpy(), pc, tested)
    res["mood_autocorr"] = weeks.r1[pc]
    diff = res["diff"].to_numpy()
    order = np.lexsort((pres.pact, np.where(np.isnan(diff), np.inf, -diff), ~tested, pc))
    res = res.iloc[order].reset_index(drop=True)
    if per_client:
        res.insert(0, "client", pd.array(days.cnames[days.clients[pc[order]]], dtype="str"))
    return res


_BOOT_CHUNK = 1024  # activity columns per bootstrap product (n_boot x chunk doubles each)


def _boot_summary(boot: np.ndarray, alpha: float, with_p: bool):
    """Percentile interval (and, *with_p*, inverted-interval p) of each row of resampled estimates.

    Non-finite resamples (no day of the activity's weeks drawn) are left out,
    as ``np.quantile`` of the finite values would: the interval is NumPy's
    default (linear) quantile of each row.
    """
    finite = np.isfinite(boot)
    k = finite.sum(axis=1)
    p = None
    if with_p:
        below = (1 + np.count_nonzero(boot <= 0, axis=1)) / (k + 1)
        above = (1 + np.count_nonzero(boot >= 0, axis=1)) / (k + 1)
        p = np.minimum(1.0, 2 * np.minimum(below, above))
    qs = [alpha / 2, 1 - alpha / 2]
    full = k == boot.shape[1]
    if full.all():
        lo, hi = np.quantile(boot, qs, axis=1)
        return lo, hi, p
    lo, hi = np.full(len(boot), np.nan), np.full(len(boot), np.nan)
    if full.any():
        lo[full], hi[full] = np.quantile(boot[full], qs, axis=1)
    for j in np.flatnonzero(~full & (k > 0)):
        lo[j], hi[j] = np.quantile(boot[j, finite[j]], qs)
    return lo, hi, p


def _ranks_within(v: np.ndarray, crow: np.ndarray, cstart: np.ndarray) -> np.ndarray:
    """Average ranks (1 = lowest, ties share their mean rank) of *v* within each client."""
    order = np.lexsort((v, crow))
    sv, sc = v[order], crow[order]
    new = np.r_[True, (sc[1:] != sc[:-1]) | (sv[1:] != sv[:-1])]
    gs = np.flatnonzero(new)
    ge = np.r_[gs[1:], len(v)]
    base = cstart[sc[gs]]
    avg = ((gs - base) + 1 + (ge - base)) / 2
    out = np.empty(len(v))
    out[order] = np.repeat(avg, ge - gs)
    return out


def _how(adjust, r1, r1_within, dependent, threshold, min_days, per_client) -> str:
    """``attrs["method"]`` of the day unit: the comparison and the dependence found, in words."""
    within = ("compared within the same week (days with vs without it in one week, pooled over weeks), so "
              "that a general change over the weeks is not counted as the activity's" if adjust == "week"
              else "compared over the whole log (no adjustment for change over the weeks)")
    tail = (f" Activities with fewer than {min_days} days on either side are not tested."
            " q-values are Benjamini-Hochberg adjusted over the activities tested"
            + (" for each client." if per_client else ".") + " This shows association, not cause.")
    if per_client:
        return (f"For each client: daily mean mood on days with vs without each activity, {within}. "
                f"Where the lag-1 autocorrelation of the client's daily mood within weeks is above "
                f"{threshold:g} ({int(dependent.sum())} of {len(dependent)} clients), days were treated as "
                "dependent: intervals and p-values come from a moving-block bootstrap; otherwise percentile "
                "bootstrap intervals and regression t-test p-values (the method column says which; "
                "mood_autocorr is each client's lag-1 autocorrelation). Every client's bootstrap uses the "
                "same seed, so each client's rows equal a call on that client's log alone." + tail)
    r1, r1w, dep = float(r1[0]), float(r1_within[0]), bool(dependent[0])
    return (f"Daily mean mood on days with vs without each activity, {within}. Lag-1 autocorrelation "
            f"of daily mood is {r1:.2f} ({r1w:.2f} within weeks); "
            + ("above" if dep else "not above") + f" {threshold:g}, so "
            + ("days were treated as dependent: intervals and p-values come from a moving-block "
               "bootstrap, which resamples runs of consecutive days and so keeps their dependence."
               if dep else "days were treated as independent: percentile bootstrap intervals "
               "and regression t-test p-values.") + tail)


def _by_entry(df, by, min_days, ci, adjust):
    """Mood at the entry after each activity vs other entries, of one log: ``(result, r1, how)``."""
    # one row per entry (an entry may hold several activities): its mood and its activities
    df = df.sort_values(["client", "start", "entry"], kind="stable")
    entries = df.groupby(["client", "entry"], sort=False).agg(day=("day", "first"), mood=("mood", "first"),
                                                              start=("start", "first"))
    entries = entries.sort_values(["client", "start"], kind="stable").reset_index()
    same_day = (entries["client"].eq(entries["client"].shift()) & entries["day"].eq(entries["day"].shift()))
    entries["prev_entry"] = entries["entry"].shift().where(same_day)
    cand = entries[entries["prev_entry"].notna() & entries["mood"].notna()].copy()
    if cand.empty:
        return _empty(by), np.nan, "no entries with mood that follow another entry on the same day"
    cand["prev_entry"] = cand["prev_entry"].astype("int64")
    done = happened(df)
    done = done[done[by].notna()][["client", "entry", by]].drop_duplicates()
    after = cand[["client", "prev_entry"]].reset_index().merge(
        done.rename(columns={"entry": "prev_entry"}), on=["client", "prev_entry"])
    present = pd.crosstab(after["index"], after[by]).reindex(cand.index, fill_value=0) > 0
    # lag-1 autocorrelation of mood across consecutive entries within days
    m = entries["mood"]
    r1 = m.corr(m.shift().where(same_day)) if same_day.sum() > 2 else np.nan
    mood = cand["mood"].to_numpy()
    groups = cand["day"].to_numpy()
    rows = []
    for name in present.columns:
        mask = present[name].to_numpy()
        w, wo = mood[mask], mood[~mask]
        row = {by: name, "n_with": int(mask.sum()), "n_without": int((~mask).sum()),
               "mood_with": w.mean() if len(w) else np.nan, "mood_without": wo.mean() if len(wo) else np.nan}
        if min(len(w), len(wo)) < min_days:
            rows.append({**row, "status": NOT_ENOUGH, "method": f"fewer than {min_days} entries on a side"})
            continue
        lo, hi, est, p = _cluster_ols(mood, mask, groups, ci, within=adjust is not None)
        delta = stats.cliffs_delta(wo, w)["estimate"].iloc[0]
        if not np.isfinite(est):
            rows.append({**row, "status": NOT_ENOUGH, "method": "no day has entries both after it and not"})
            continue
        rows.append({**row, "diff": est, "ci_low": lo, "ci_high": hi, "cliffs_delta": delta, "p": p,
                     "status": TESTED, "method": "regression with day-clustered standard errors"})
    how = ("Mood at the entry right after each activity (same day) vs mood at other entries that follow "
           "an entry" + (", compared within the same day" if adjust else "")
           + ". Entries on one day are not independent, so intervals and p-values come from a "
           "regression with standard errors clustered by day. This shows association, not cause.")
    return _frame(rows, by), r1, how


def _cluster_ols(y, mask, groups, ci, within=False):
    """Difference (with - without) and its day-clustered (CR1) interval and p.

    With *within*, both sides are compared inside each day (day fixed effects).
    Returns ``(ci_low, ci_high, estimate, p)``.
    """
    codes, uniq = pd.factorize(groups)
    g = len(uniq)
    x = mask.astype(float)
    if within:
        y, x = _demean(y, codes), _demean(x, codes)
        X = x[:, None]
    else:
        X = np.column_stack([np.ones_like(y), x])
    nan = (np.nan, np.nan, np.nan, np.nan)
    xtx = X.T @ X
    if g < 3 or abs(np.linalg.det(xtx)) < 1e-12:
        return nan
    beta = np.linalg.solve(xtx, X.T @ y)
    resid = y - X @ beta
    bread = np.linalg.inv(xtx)
    scores = np.zeros((g, X.shape[1]))
    np.add.at(scores, codes, X * resid[:, None])
    n, k = len(y), X.shape[1] + (g if within else 0)
    adj = g / (g - 1) * (n - 1) / max(n - k, 1)
    cov = adj * bread @ (scores.T @ scores) @ bread
    se = float(np.sqrt(cov[-1, -1]))
    est = float(beta[-1])
    if not se > 0:
        return nan
    t = _st.t.ppf(0.5 + ci / 2, g - 1)
    p = float(2 * _st.t.sf(abs(est / se), g - 1))
    return est - t * se, est + t * se, est, p


def _frame(rows, by) -> pd.DataFrame:
    """The entry-unit rows as the result frame, its columns typed."""
    if not rows:
        return _empty(by)
    out = pd.DataFrame(rows)
    for c in _COLUMNS:
        if c not in out.columns:
            out[c] = np.nan
    out[by] = out[by].astype("str")
    for c in ("n_with", "n_without"):
        out[c] = out[c].astype("int64")
    for c in ("status", "method"):
        out[c] = out[c].astype("str")
    return out


# --------------------------------------------------------------------------- phases


def _phase_days(days: pd.Series, weeks: pd.Series, spec, name: str) -> pd.Series:
    """Boolean mask of rows in a phase given as week numbers or a (first, last) date pair."""
    if isinstance(spec, tuple) and len(spec) == 2 and not all(isinstance(s, int | np.integer) for s in spec):
        lo, hi = pd.Timestamp(spec[0]), pd.Timestamp(spec[1])
        return days.between(lo, hi)
    if isinstance(spec, int | np.integer):
        spec = [int(spec)]
    if isinstance(spec, range | list | tuple | np.ndarray | pd.Series):
        return weeks.isin([int(s) for s in spec]).fillna(False).astype(bool)
    raise ValueError(f"{name} must be week numbers (1, [1, 2], range(1, 3)) or a (first, last) date "
                     f"pair, not {spec!r}")


def phase_effect(log: pd.DataFrame, baseline=1, treatment=None, *, measure: str = "mood",
                 ci: float = 0.95) -> pd.DataFrame:
    """Baseline versus activation for one measure, as a single-case A/B comparison.

    The measure is summarised per day (mean rating; for ``"avoidance"`` the
    share of entries that were avoidance; for ``"activities"`` the number of
    activities done), and the days of the baseline phase are compared with
    the days of the treatment phase by NAP, Tau, Tau-U (A vs B with the
    baseline trend removed) and Hedges' g (see :mod:`bactivate.stats`).
    Positive = higher in treatment.

    Parameters
    ----------
    log : pandas.DataFrame
        The tidy log of one client.
    baseline : int, list of int, range or tuple of two dates, default 1
        Week numbers (1 = the log's first 7 days), e.g. ``1`` or ``[1, 2]``,
        or a ``(first_day, last_day)`` pair of dates.
    treatment : same as *baseline*, optional
        Defaults to every day after the baseline.
    measure : {"mood", "mastery", "pleasure", "effort", "avoidance", "activities"}, default "mood"
        What is compared, per day.
    ci : float, default 0.95
        Confidence level of the intervals.

    Returns
    -------
    pandas.DataFrame
        One row per effect size (NAP, Tau, Tau-U, Hedges' g):

        * ``effect`` (its name), ``measure``;
        * ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``p``;
        * ``n_a``, ``n_b``: days in the baseline (A) and the treatment (B);
        * ``mean_a``, ``mean_b``: the measure's mean over those days;
        * ``method``: the formulas used.

        ``attrs["description"]`` says what was compared.

    Examples
    --------
    >>> import bactivate as ba
    >>> log = ba.synth.client(weeks=6, seed=2)
    >>> res = ba.phase_effect(log, baseline=1)
    >>> res[["effect", "estimate", "ci_low", "ci_high", "n_a", "n_b"]].round(2)
          effect  estimate  ci_low  ci_high  n_a  n_b
    0        NAP      0.75    0.51     0.89    7   35
    1        Tau      0.49    0.02     0.77    7   35
    2      Tau-U      0.57    0.09     1.05    7   35
    3  Hedges' g      0.80   -0.02     1.61    7   35
    """
    measures = ("mood", "mastery", "pleasure", "effort", "avoidance", "activities")
    if measure not in measures:
        raise ValueError(f"measure must be one of {measures}, not {measure!r}")
    require(log, ("start", "mood", "avoidance", "done", "planned"), "phase_effect()")
    df = with_calendar(happened(log[log["start"].notna()]))
    if df.empty:
        raise ValueError("the log has no dated entries to compare")
    if measure == "avoidance":
        per_day = df["avoidance"].fillna(False).astype("float64").groupby(df["day"]).mean()
    elif measure == "activities":
        per_day = df[df["activity"].notna()].groupby("day").size().astype(float)
    else:
        per_day = df.groupby("day")[measure].mean()
    per_day = per_day.dropna().sort_index()
    week_of_day = df.groupby("day")["week"].first().reindex(per_day.index)
    days = pd.Series(per_day.index, index=per_day.index)
    in_a = _phase_days(days, week_of_day, baseline, "baseline")
    if treatment is None:
        last_a = days[in_a].max() if in_a.any() else None
        in_b = days > last_a if last_a is not None else ~in_a
    else:
        in_b = _phase_days(days, week_of_day, treatment, "treatment")
    if (in_a & in_b).any():
        raise ValueError("baseline and treatment overlap; give phases that do not share days")
    a, b = per_day[in_a].to_numpy(), per_day[in_b].to_numpy()
    if len(a) == 0 or len(b) == 0:
        raise ValueError(f"the baseline has {len(a)} days and the treatment {len(b)} days with {measure}: "
                         "each phase needs at least one")
    frames = [f(a, b, ci=ci) for f in (stats.nap, stats.tau, stats.tau_u, stats.hedges_g)]
    out = pd.concat(frames).reset_index()
    out.insert(1, "measure", measure)
    out["mean_a"] = a.mean()
    out["mean_b"] = b.mean()
    keep = ["effect", "measure", "estimate", "se", "ci_low", "ci_high", "p", "n_a", "n_b",
            "mean_a", "mean_b", "method"]
    out = out[[c for c in keep if c in out.columns]]
    out.attrs = {"description": f"Daily {measure}: baseline (A, {len(a)} days) vs treatment "
                                f"(B, {len(b)} days); positive = higher in treatment."}
    return out
