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
* days are not independent (a low day tends to follow a low day), so every
  comparison is one regression of daily mood on the activity, within calendar
  weeks, whose errors follow an AR(1) process: the autocorrelation is
  estimated from the client's daily mood by restricted maximum likelihood
  (REML; reported as ``mood_autocorr``), the difference by generalised least
  squares, and the interval and the p-value from that one estimate and its
  standard error (Student's t on days - weeks - 1 degrees of freedom). They
  therefore never disagree about 0, and no pretest chooses the method. The
  ``method`` column and ``attrs["method"]`` say so; ``docs/validation.md``
  measures the p-values' false-positive rate and the intervals' coverage on
  simulated logs;
* ``mood_with_adjusted`` and ``mood_without_adjusted`` are means on the same
  0-10 scale that differ by exactly ``diff`` (see :func:`mood_by_activity`), so
  a table that shows them adds up; Cliff's delta compares the same
  week-adjusted days (mood minus its week's mean);
* It is a correlation over days, not proof that the activity lifts mood; a
  planned experiment (do it on some days and not others) makes it stronger.

:func:`phase_effect` compares a measure between baseline weeks and activation
weeks as a single-case A/B design: NAP, Tau, Tau-U, Tau-BC and Hedges' g as
descriptive indices (their intervals assume independent days; no p-value), and
one test, the change of level in a piecewise regression with a baseline trend
and AR(1) errors, with its interval and p.

Both are analyses of one person. Given a cohort's log they run per client when
asked (``by=["client", "activity"]``, ``by="client"``: a ``client`` column
first) and otherwise raise a ``ValueError``: they never pool clients.

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
from bactivate._clients import one_client
from bactivate._clients import per_client as each_client
from bactivate._engine import dispatch, on_dask
from bactivate._log import bare, day_numbers, flags, happened, require, week_days
from bactivate._util import natural_codes
from bactivate.lazy import Lazy
from bactivate.schema import factorize_text

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
                     seed: int | None = 0, autocorr_threshold: float = 0.2,
                     engine: str = "pandas") -> pd.DataFrame:
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
        call, each client's rows equal to a call on that client's log alone
        (both units are computed for all clients at once, with no loop over
        clients). A log with several clients needs this form: days of
        different people are never pooled (a ``ValueError`` says so).
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
    n_boot, seed, autocorr_threshold
        No longer used (the interval came from a bootstrap, and a pretest of
        the autocorrelation chose between two methods, before issue 16): the
        model needs neither. Accepted so that older calls keep working.
    engine : {"pandas", "dask"}, default "pandas"
        ``"dask"`` (or a Dask DataFrame as *log*, whatever *engine* says) runs the same
        code on Dask, a partition of clients at a time, and returns this same table
        (:func:`bactivate.cohort.distributed.run`; ``docs/scale.md``); *by* per client
        only (``["client", "activity"]``).

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
        * ``diff``: the difference with - without. For days: the coefficient of
          the activity in the regression of daily mood on it (and, with
          ``adjust="week"``, the calendar week) with AR(1) errors, i.e. the
          within-week difference weighted for the days' dependence; for
          entries, the within-day difference;
        * ``ci_low``, ``ci_high``: its interval (estimate +/- t x SE, kept
          within -10..10, the range of a difference of 0-10 means);
        * ``cliffs_delta``: Cliff's delta, with vs without, of the adjusted
          moods (mood minus its week's mean; with ``adjust=None`` the moods
          themselves; for entries, the entries' moods, unadjusted);
        * ``p``, ``q``: the p-value of the same estimate and SE (so ``p < 1 - ci``
          exactly when the interval excludes 0) and its Benjamini-Hochberg
          q-value over the activities tested (of each client);
        * ``mood_with_adjusted``, ``mood_without_adjusted``: means on the 0-10
          mood scale whose difference is exactly ``diff``. With
          ``s = n_with / (n_with + n_without)`` and
          ``m = s * mood_with + (1 - s) * mood_without`` (the mean mood of all
          the days compared), ``mood_with_adjusted = m + (1 - s) * diff`` and
          ``mood_without_adjusted = m - s * diff``. They equal ``mood_with``
          and ``mood_without`` when ``diff`` is the plain difference of the
          means (entries with ``adjust=None``; days with ``adjust=None`` and no
          autocorrelation estimated); NaN when not tested;
        * ``verdict`` (str), from the interval shown (not from p or q):
          ``"clear difference"`` when ``ci_low > 0`` or ``ci_high < 0``,
          ``"could be chance"`` when the interval includes 0, ``"too few days"``
          (``"too few entries"`` for ``unit="entry"``) when not tested;
        * ``direction`` (str): ``"better mood"`` or ``"lower mood"`` on days
          with the activity, for a clear difference (NA otherwise);
        * ``status`` (str): ``"tested"`` or ``"not enough data"``;
        * ``weeks_compared`` (int64): weeks with days both with and without it
          (``unit="day"``; NaN for entries);
        * ``method`` (str): the model (with its rho and degrees of freedom), or why not tested;
        * ``unit`` (str): ``"days"`` or ``"entries"``;
        * ``mood_autocorr``: the lag-1 autocorrelation of daily mood that the
          model used (of each client): the REML estimate of the AR(1) errors
          within weeks (for entries: of consecutive entries' moods within days).

        ``attrs``: ``method`` (the method in words), ``ci``, ``min_days``, ``unit``,
        ``adjusted`` (one plain sentence on what the adjusted means are) and
        ``verdict`` (how the verdict is read from the interval).

    Raises
    ------
    ValueError
        When *log* holds several clients and *by* is not per client (the
        message counts the clients and names ``by=["client", ...]``), or an
        option is out of range.

    Examples
    --------
    >>> import bactivate as ba
    >>> log = ba.synth.client(weeks=8, seed=3)
    >>> res = ba.mood_by_activity(log)
    >>> res[["activity", "n_with", "n_without", "diff", "q", "status"]].head(3).round(2)
                activity  n_with  n_without  diff    q  status
    0   Walk in the park      20         36  0.64  0.4  tested
    1  Lunch with family       8         48  0.59  0.5  tested
    2      Call a friend      17         39  0.55  0.4  tested
    >>> bool((res["ci_low"] <= res["diff"]).where(res["status"] == "tested", True).all())
    True
    >>> adj = res[["activity", "mood_with_adjusted", "mood_without_adjusted", "verdict"]].head(3)
    >>> adj.rename(columns=lambda c: c.replace("mood_", "").replace("_adjusted", "")).round(2)
                activity  with  without           verdict
    0   Walk in the park  5.28     4.65  clear difference
    1  Lunch with family  5.38     4.79   could be chance
    2      Call a friend  5.26     4.71   could be chance
    """
    if on_dask(log, engine):  # the same table, computed on Dask
        return dispatch("mood_by_activity", locals())
    per_client, by = _per_client(by)
    require(log, ("start", "mood", by, "done", "planned", *(("client",) if per_client else ())),
            "mood_by_activity()")
    if not per_client:
        one_client(log, "mood_by_activity()", f'pass by=["client", "{by}"] for one table per client '
                   "(each client's own days; days of different people are never pooled)")
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
        res, r1, how = _by_day(df, by, min_days, ci, adjust, per_client)
    else:
        res, r1, how = _by_entry(df, by, min_days, ci, adjust, per_client)
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
    "day": "The adjusted means compare days with and without the activity within the same weeks (and weigh "
           "the days for their dependence on the day before): they keep the average mood of all these days and "
           "differ by exactly the difference shown.",
    "entry": "The adjusted means compare entries after the activity with other entries of the same day: "
             "they keep the average mood of all these entries and differ by exactly the difference shown.",
}
_UNADJUSTED_TEXT = {
    "day": "No adjustment for the week: the adjusted means keep the average mood of all these days and differ "
           "by exactly the difference shown, which weighs the days for their dependence on the day before "
           "(with no such dependence they are the plain means of the days with and without the activity).",
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


def _by_day(df, by, min_days, ci, adjust, per_client=False):
    """Days with vs without each activity, for one log or (with *per_client*) every client at once.

    Everything is computed on arrays of days (rows: client, then day) by
    activities (columns: each client's activities, padded to the largest
    number): counts and means are ``np.add.reduceat`` over each client's rows;
    the model (:func:`_ar1_fit`) works on the clients' series padded to a
    common length, all clients at once; Cliff's delta comes from one ranking of
    each client's week-adjusted moods. Returns ``(result, rho, how)``; with
    *per_client* ``result`` has a ``client`` column first and ``rho`` is per row.
    """
    days = _daily(df, per_client)
    if days is None:
        return _empty(by, per_client), np.nan, "no mood ratings in the log"
    weeks = _within_weeks(days, adjust)
    pres = _presence(df, by, days)
    fit = _ar1_fit(days, weeks, pres, ci) if len(pres.puniq) else None
    rho = _reml_rho(days, weeks) if fit is None else fit.rho
    how = _how(adjust, rho, min_days, per_client, ci)
    if fit is None:
        return _empty(by, per_client), (rho if per_client else float(rho[0])), how
    est = _estimates(days, weeks, pres, fit, min_days)
    delta = _cliffs_from_ranks(days, weeks, pres, est)
    return _table(by, days, weeks, pres, est, delta, min_days, per_client), (rho if per_client else float(rho[0])), how


@dataclass
class _Days:
    """Daily mean mood, one row per client and day with a mood (rows: client, then day)."""

    entry_key: np.ndarray  # per entry row of df: client * span + day since the client's first day
    cnames: np.ndarray  # client names in natural order (one None for a single log)
    duniq: np.ndarray  # per row: client * span + day
    dmood: np.ndarray  # per row: mean mood of the day
    dday: np.ndarray  # per row: days since the client's first day
    dweek: np.ndarray  # per row: calendar week (Monday to Sunday), as a number of weeks since 1970
    dclient: np.ndarray  # per row: client code
    cstart: np.ndarray  # first row of each client with a mood
    clients: np.ndarray  # client code of each such client
    n_days: np.ndarray  # rows (days with mood) of each such client
    crow: np.ndarray  # per row: index into clients


def _daily(df: pd.DataFrame, per_client: bool) -> _Days | None:
    """Daily mean mood of each client (pandas' grouped mean); None when no day has a mood."""
    if per_client:
        ccodes, cnames = factorize_text(df["client"])
        cnames = np.asarray(cnames, dtype=object)
        rank = np.empty(len(cnames), dtype="int64")
        rank[np.argsort(natural_codes(cnames), kind="stable")] = np.arange(len(cnames))
        ccodes = rank[ccodes]
        cnames = cnames[np.argsort(rank)]
    else:
        ccodes, cnames = np.zeros(len(df), dtype="int64"), np.array([None], dtype=object)
    day = day_numbers(df["start"])
    first = np.zeros(len(cnames), dtype="int64")
    if len(df):
        first = pd.Series(day).groupby(ccodes).min().reindex(range(len(cnames))).fillna(0).to_numpy("int64")
    rel = day - first[ccodes]
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
    # calendar weeks, Monday to Sunday (day 0, 1970-01-01, was a Thursday): the weeks of with_calendar()
    dweek = (dday + first[dclient] + 3) // 7
    cstart = np.flatnonzero(np.r_[True, dclient[1:] != dclient[:-1]])
    n_days = np.diff(np.r_[cstart, len(duniq)])
    return _Days(entry_key=entry_key, cnames=cnames, duniq=duniq, dmood=dmood, dday=dday, dweek=dweek,
                 dclient=dclient, cstart=cstart, clients=dclient[cstart], n_days=n_days,
                 crow=np.repeat(np.arange(len(cstart)), n_days))


@dataclass
class _Weeks:
    """The groups days are compared within (calendar weeks, or each client's whole log)."""

    wstart: np.ndarray  # first row of each group
    wcode: np.ndarray  # per row: its group
    wlocal: np.ndarray  # per row: its group's number within the client (0, 1, ...)
    wsize: np.ndarray  # rows of each group
    n_groups: np.ndarray  # groups of each client
    y: np.ndarray  # per row: mood minus its group's mean


def _within_weeks(days: _Days, adjust) -> _Weeks:
    """Weeks (or whole logs) to compare within, and mood adjusted for them."""
    dclient, dweek = days.dclient, days.dweek
    if adjust == "week":
        wkey = np.r_[True, (dclient[1:] != dclient[:-1]) | (dweek[1:] != dweek[:-1])]
    else:
        wkey = np.r_[True, dclient[1:] != dclient[:-1]]
    wstart = np.flatnonzero(wkey)
    wcode = np.cumsum(wkey) - 1
    wsize = np.diff(np.r_[wstart, len(dclient)])
    y = days.dmood - (np.bincount(wcode, weights=days.dmood) / wsize)[wcode]
    n_groups = np.add.reduceat(wkey.astype("int64"), days.cstart)
    first_group = np.cumsum(n_groups) - n_groups
    return _Weeks(wstart=wstart, wcode=wcode, wlocal=wcode - first_group[days.crow], wsize=wsize,
                  n_groups=n_groups, y=y)


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
class _Fit:
    """Per client (and column): the AR(1) regression of daily mood on the activity, within groups."""

    rho: np.ndarray  # per client: the REML AR(1) coefficient of daily mood within its groups
    df: np.ndarray  # per client: residual degrees of freedom, days - groups - 1
    est: np.ndarray  # clients x width: the GLS coefficient of the activity (the difference)
    se: np.ndarray  # its standard error
    sxx: np.ndarray  # the activity's GLS sum of squares after the groups (0: not estimable)
    lo: np.ndarray
    hi: np.ndarray
    p: np.ndarray


_CHUNK = 256  # clients per padded block of the model (clients x days x columns doubles each)


def _padded(days: _Days, weeks: _Weeks, rows: np.ndarray):
    """The series of clients *rows* padded to one length: mood, day, valid, group dummies, and each row's place."""
    n = days.n_days[rows]
    ci = np.repeat(np.arange(len(rows)), n)
    pos = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n)
    take = pos + np.repeat(days.cstart[rows], n)
    T, W = int(n.max()), int(weeks.n_groups[rows].max())
    Y, day = np.zeros((len(rows), T)), np.zeros((len(rows), T), dtype="int64")
    valid = np.zeros((len(rows), T), dtype=bool)
    D = np.zeros((len(rows), T, W))
    Y[ci, pos], day[ci, pos], valid[ci, pos] = days.dmood[take], days.dday[take], True
    # padding continues the days (any increasing numbers do: padded rows are dropped)
    day = np.where(valid, day, day.max(axis=1, keepdims=True) + np.arange(1, T + 1)[None, :])
    D[ci, pos, weeks.wlocal[take]] = 1.0
    return Y, day, valid, D, take, ci, pos


_GRID_CELLS = 1 << 16  # grid points x groups per pass of the REML search (0.5 MB arrays: in cache)


def _reml_rho(days: _Days, weeks: _Weeks) -> np.ndarray:
    """Each client's REML AR(1) rho of daily mood on its group dummies: :func:`bactivate.stats.ar1_rho`, closed form.

    The same grid search (:data:`bactivate.stats.RHO_BOUNDS`, refined in
    :data:`bactivate.stats.RHO_STEPS`) over the same restricted likelihood, for
    every client at once. The regressors are dummies of
    consecutive groups, so after the Prais-Winsten transform a day has at most
    two non-zero dummies (its group's and, on a group's first day, the previous
    group's): ``X'R^-1X`` is tridiagonal. Days that follow the day before within
    the same group (``a = rho``) enter every sum through a few sums of moods
    fixed in advance (per group: days, sum of mood and of the day before's
    mood; per client: the three sums of squares and products), so each rho
    costs arithmetic on groups, clients and the other days only (a client's
    first day, a group's first day, days after a gap). The log-determinant and
    ``b'G^-1 b`` then come from one LDL' recursion over each client's groups
    laid out in columns (a loop over weeks, every client and grid point at once).
    Measured on W2's cohort (1,000 clients, 83 days each): 1.5 s with the padded
    dense matrices, 0.1 s this way, with the same rho for every client.
    """
    n_rows, C = len(days.dmood), len(days.cstart)
    cstart, crow, wstart, n_groups = days.cstart, days.crow, weeks.wstart, weeks.n_groups
    G = len(wstart)
    first = np.zeros(n_rows, dtype=bool)
    first[cstart] = True
    y = days.dmood
    yp = np.r_[0.0, y[:-1]]
    gap = np.r_[0.0, np.diff(days.dday)].astype("float64")
    cross = np.zeros(n_rows, dtype=bool)
    cross[wstart] = True
    cross &= ~first
    plain = ~first & ~cross & (gap == 1)  # a = rho, the dummy of its own group only
    # plain days: sums per group and per client, fixed for every rho
    pg = weeks.wcode[plain]
    n_p = np.bincount(pg, minlength=G).astype("float64")
    sy_p = np.bincount(pg, weights=y[plain], minlength=G)
    syp_p = np.bincount(pg, weights=yp[plain], minlength=G)
    pc = crow[plain]
    nc_p = np.bincount(pc, minlength=C).astype("float64")
    syy = np.bincount(pc, weights=y[plain] ** 2, minlength=C)
    yy0 = y[cstart] ** 2  # a client's first day: ys = y
    syyp = np.bincount(pc, weights=y[plain] * yp[plain], minlength=C)
    sypyp = np.bincount(pc, weights=yp[plain] ** 2, minlength=C)
    gfirst = np.cumsum(n_groups) - n_groups  # each client's first group (holds its first day: dummy 1)
    diag0 = np.zeros(G)
    diag0[gfirst] = 1.0
    b0 = np.zeros(G)
    b0[gfirst] = y[cstart]
    # a group's first day after a day of the previous group carries that group's dummy too
    gcross = np.flatnonzero(cross[wstart])
    xrow = wstart[gcross]
    xc, xgap = crow[xrow], gap[xrow]
    xfar = np.flatnonzero(xgap != 1)  # ... after a gap: a = rho ** gap
    # other days after a gap (within a group): a = rho ** gap
    far = np.flatnonzero(~first & ~cross & (gap != 1))
    fc, fg, fgap = crow[far], weeks.wcode[far], gap[far]
    gclient = crow[wstart]
    n_weeks = int(n_groups.max())
    gpos = gclient * n_weeks + weeks.wlocal[wstart]  # each group's place in a clients x weeks layout
    n_free = (days.n_days - n_groups).astype("float64")
    ok = days.n_days >= n_groups + 3

    def per(k, codes, values, n):
        """Sums of *values* (k x m) by *codes* (m) in each of the k rows: k x n."""
        idx = (np.arange(k)[:, None] * n + codes[None, :]).ravel()
        return np.bincount(idx, weights=values.ravel(), minlength=k * n).reshape(k, n)

    def loglik(r: np.ndarray) -> np.ndarray:
        """The restricted log-likelihood of every client at rho *r* (k values x clients: k grid points)."""
        k = len(r)
        v = 1.0 - r * r
        rg = r[:, gclient]
        logdet = nc_p * np.log(v)
        yy = yy0 + (syy - 2 * r * syyp + r * r * sypyp) / v
        diag = diag0 + n_p * (1 - rg) / (1 + rg)
        b = b0 + (sy_p - rg * syp_p) / (1 + rg)
        off = np.zeros((k, G))
        # a group's first days
        a = r[:, xc]
        a[:, xfar] = np.power(a[:, xfar], xgap[xfar])
        w = 1.0 - a * a
        u = y[xrow] - a * yp[xrow]
        logdet += per(k, xc, np.log(w), C)
        yy += per(k, xc, u * u / w, C)
        diag[:, gcross] += 1.0 / w
        diag[:, gcross - 1] += a * a / w
        off[:, gcross] = -a / w
        b[:, gcross] += u / w
        b[:, gcross - 1] -= a * u / w
        # days after a gap within a group
        if len(far):
            a = np.power(r[:, fc], fgap)
            w = 1.0 - a * a
            u = y[far] - a * yp[far]
            logdet += per(k, fc, np.log(w), C)
            yy += per(k, fc, u * u / w, C)
            diag += per(k, fg, (1 - a) * (1 - a) / w, G)
            b += per(k, fg, (1 - a) * u / w, G)
        # LDL' of each client's tridiagonal matrix, its groups in columns (padding: 1 on the diagonal)
        d, z, o = np.ones((k, C * n_weeks)), np.zeros((k, C * n_weeks)), np.zeros((k, C * n_weeks))
        d[:, gpos], z[:, gpos], o[:, gpos] = diag, b, off
        d, z, o = d.reshape(k, C, n_weeks), z.reshape(k, C, n_weeks), o.reshape(k, C, n_weeks)
        with np.errstate(invalid="ignore", divide="ignore"):
            for j in range(1, n_weeks):  # a loop over weeks, every client and grid point at once
                d[:, :, j] -= o[:, :, j] * o[:, :, j] / d[:, :, j - 1]
                z[:, :, j] -= o[:, :, j] * z[:, :, j - 1] / d[:, :, j - 1]
            quad = (z * z / d).sum(axis=2)
            logdet_g = np.log(d).sum(axis=2)
            posdef = (d > 0).all(axis=2)
            rss = yy - quad
            ll = -0.5 * (logdet + logdet_g + n_free * np.log(rss))
        return np.where(posdef & (rss > 0), ll, -np.inf)

    lo, hi = stats.RHO_BOUNDS
    centre, width = np.full(C, (lo + hi) / 2), (hi - lo) / 2
    every = np.arange(C)
    k = max(1, _GRID_CELLS // (G + len(far)))  # grid points evaluated together (k x groups arrays)
    for step in stats.RHO_STEPS:
        offsets = np.arange(-width, width + step / 2, step)
        grid = np.clip(centre[:, None] + offsets[None, :], lo, hi)
        ll = np.concatenate([loglik(grid[:, i:i + k].T).T for i in range(0, grid.shape[1], k)], axis=1)
        pick = np.argmax(ll, axis=1)
        centre = np.where(np.isfinite(ll[every, pick]), grid[every, pick], 0.0)
        width = step
    return np.where(ok, centre, 0.0)


def _ar1_fit(days: _Days, weeks: _Weeks, pres: _Presence, ci: float) -> _Fit:
    """GLS of daily mood on each activity and the client's group dummies, AR(1) errors at the REML rho.

    rho is each client's (from the groups alone, :func:`_reml_rho`: :func:`bactivate.stats.ar1_rho`
    in closed form, every client at once);
    then, per activity column, the Prais-Winsten transform of mood, dummies and
    presence, and the activity's coefficient after the dummies (Frisch-Waugh-Lovell):
    ``est = sxy / sxx``, ``se = sqrt(rss / df / sxx)`` with ``df = days - groups - 1``,
    and the interval and p from the same t on *df*.
    """
    C, width = len(days.cstart), pres.M.shape[1]
    est, se, sxx = np.full((C, width), np.nan), np.full((C, width), np.nan), np.zeros((C, width))
    rho = _reml_rho(days, weeks)
    for s in range(0, C, _CHUNK):
        rows = np.arange(s, min(s + _CHUNK, C))
        Y, day, valid, D, take, ci_, pos = _padded(days, weeks, rows)
        X = np.zeros((len(rows), Y.shape[1], width))
        X[ci_, pos] = pres.M[take]
        est[rows], se[rows], sxx[rows] = _gls_columns(Y, D, X, rho[rows], day, valid, weeks.n_groups[rows])
    dof = (days.n_days - weeks.n_groups - 1).astype("float64")
    with np.errstate(invalid="ignore", divide="ignore"):  # se == 0 is handled by the where
        tq = np.where(dof > 0, _st.t.ppf(0.5 + ci / 2, np.maximum(dof, 1)), np.nan)[:, None]
        p = np.where(se > 0, 2 * _st.t.sf(np.abs(est / se), np.maximum(dof, 1)[:, None]),
                     np.where(est != 0, 0.0, 1.0))
    p = np.where(np.isfinite(est) & np.isfinite(se), p, np.nan)
    return _Fit(rho=rho, df=dof, est=est, se=se, sxx=sxx, lo=est - tq * se, hi=est + tq * se, p=p)


def _gls_columns(Y, D, X, rho, day, valid, n_groups):
    """``(est, se, sxx)`` of each column of *X* in the GLS of *Y* on *D* and that column, at *rho*."""
    Ys = stats.ar1_transform(Y, rho, day, valid)[0]
    Ds = stats.ar1_transform(D, rho, day, valid)[0]
    Xs = stats.ar1_transform(X, rho, day, valid)[0]
    Dt = Ds.transpose(0, 2, 1)
    A = Dt @ Ds  # batched matrix products (BLAS)
    unused = ~(D != 0).any(axis=1)
    A = A + np.eye(D.shape[2])[None] * unused[:, :, None]
    b = (Dt @ Ys[:, :, None])[:, :, 0]
    B = Dt @ Xs
    sol = np.linalg.solve(A, np.concatenate([b[:, :, None], B], axis=2))
    sxx = np.einsum("ctk,ctk->ck", Xs, Xs) - np.einsum("cwk,cwk->ck", B, sol[:, :, 1:])
    sxy = np.einsum("ctk,ct->ck", Xs, Ys) - np.einsum("cwk,cw->ck", B, sol[:, :, 0])
    syy = np.einsum("ct,ct->c", Ys, Ys) - np.einsum("cw,cw->c", b, sol[:, :, 0])
    dof = (valid.sum(axis=1) - n_groups - 1).astype("float64")
    ok = sxx > 1e-9 * np.maximum(np.einsum("ctk,ctk->ck", Xs, Xs), 1e-300)
    with np.errstate(invalid="ignore", divide="ignore"):
        est = np.where(ok, sxy / sxx, np.nan)
        rss = np.maximum(syy[:, None] - est * sxy, 0.0)
        se = np.where(ok & (dof[:, None] > 0), np.sqrt(rss / np.where(dof > 0, dof, np.nan)[:, None] / sxx), np.nan)
    return est, se, np.where(ok, sxx, 0.0)


@dataclass
class _Estimates:
    """Per client and column: counts, means, what was tested, and the model's difference, interval and p."""

    n_with: np.ndarray
    n_without: np.ndarray
    mood_with: np.ndarray
    mood_without: np.ndarray
    weeks_compared: np.ndarray  # groups with days both with and without the activity
    few: np.ndarray  # fewer than min_days on a side
    tested: np.ndarray
    est: np.ndarray  # the difference (NaN where not tested)
    lo: np.ndarray
    hi: np.ndarray
    p: np.ndarray
    rho: np.ndarray  # per client
    df: np.ndarray  # per client


def _estimates(days: _Days, weeks: _Weeks, pres: _Presence, fit: _Fit, min_days: int) -> _Estimates:
    """Means with and without, which columns are tested, and the fit's numbers for them."""
    M, cstart, wstart, wsize = pres.M, days.cstart, weeks.wstart, weeks.wsize
    n_with = np.add.reduceat(M, cstart, axis=0)
    n_without = days.n_days[:, None] - n_with
    with np.errstate(invalid="ignore", divide="ignore"):
        sum_with = np.add.reduceat(M * days.dmood[:, None], cstart, axis=0)
        sum_all = np.add.reduceat(days.dmood, cstart)
        mood_with = sum_with / n_with
        mood_without = (sum_all[:, None] - sum_with) / n_without
    k_week = np.add.reduceat(M, wstart, axis=0)
    mixed = (k_week > 0) & (k_week < wsize[:, None])
    weeks_compared = np.add.reduceat(mixed.astype("int64"), np.searchsorted(wstart, cstart), axis=0)
    few = np.minimum(n_with, n_without) < min_days
    tested = pres.valid & ~few & (weeks_compared > 0) & np.isfinite(fit.est)
    nan = np.full(tested.shape, np.nan)
    return _Estimates(n_with=n_with, n_without=n_without, mood_with=mood_with, mood_without=mood_without,
                      weeks_compared=weeks_compared, few=few, tested=tested,
                      est=np.where(tested, fit.est, nan), lo=np.where(tested, fit.lo, nan),
                      hi=np.where(tested, fit.hi, nan), p=np.where(tested, fit.p, nan), rho=fit.rho, df=fit.df)


def _cliffs_from_ranks(days: _Days, weeks: _Weeks, pres: _Presence, est: _Estimates) -> np.ndarray:
    """Cliff's delta (with vs without) of each tested column on the week-adjusted moods (mood minus its week's mean).

    One ranking of each client's adjusted moods; with ``adjust=None`` the
    adjustment is the client's mean, which leaves the ranks of the moods.
    """
    ranks = _ranks_within(weeks.y, days.crow, days.cstart)
    with np.errstate(invalid="ignore", divide="ignore"):
        u = np.add.reduceat(pres.M * ranks[:, None], days.cstart, axis=0) - est.n_with * (est.n_with + 1) / 2
        mn = est.n_with * est.n_without
        return np.where(est.tested, (2 * u - mn) / mn, np.nan)


def _table(by, days: _Days, weeks: _Weeks, pres: _Presence, est: _Estimates, delta, min_days: int,
           per_client: bool) -> pd.DataFrame:
    """One row per client and activity: tested first, largest difference first; q within each client."""
    pc, pl = pres.pclient, pres.plocal
    tested = est.tested[pc, pl]
    # the model's text is the client's: formatted once per client, then spread over its activities
    model = np.char.add(np.char.add(np.char.add("AR(1) regression (rho ", np.char.mod("%.2f", est.rho)),
                                    "): CI and p from one t on "),
                        np.char.add(np.char.mod("%d", np.nan_to_num(est.df).astype("int64")), " df"))[pc]
    method = np.where(tested, model,
                      np.where(est.few[pc, pl], f"fewer than {min_days} days on a side",
                               np.where(est.weeks_compared[pc, pl] > 0, "too few days for the model",
                                        "no week has days both with and without it")))
    res = pd.DataFrame({
        by: pd.array(pres.anames[pres.pact], dtype="str"),
        "n_with": est.n_with[pc, pl].astype("int64"), "n_without": est.n_without[pc, pl].astype("int64"),
        "mood_with": est.mood_with[pc, pl], "mood_without": est.mood_without[pc, pl],
        # a difference of two means of 0-10 moods lies in -10..10; its interval is kept there too
        "diff": est.est[pc, pl], "ci_low": np.clip(est.lo[pc, pl], -10, 10),
        "ci_high": np.clip(est.hi[pc, pl], -10, 10),
        "cliffs_delta": delta[pc, pl], "p": est.p[pc, pl], "q": np.nan,
        "status": pd.array(np.where(tested, TESTED, NOT_ENOUGH).astype(object), dtype="str"),
        "weeks_compared": est.weeks_compared[pc, pl].astype("int64"),
        "method": pd.array(method.astype(object), dtype="str"),
    })
    res["q"] = stats.bh_within(res["p"].to_numpy(), pc, tested)
    res["mood_autocorr"] = est.rho[pc]
    diff = res["diff"].to_numpy()
    order = np.lexsort((pres.pact, np.where(np.isnan(diff), np.inf, -diff), ~tested, pc))
    res = res.iloc[order].reset_index(drop=True)
    if per_client:
        res.insert(0, "client", pd.array(days.cnames[days.clients[pc[order]]], dtype="str"))
    return res


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


def _how(adjust, rho, min_days, per_client, ci) -> str:
    """``attrs["method"]`` of the day unit: the comparison and the model, in words."""
    within = ("compared within the same calendar week, so that a general change over the weeks is not "
              "counted as the activity's" if adjust == "week" else "compared over the whole log")
    dof = "days - weeks - 1" if adjust == "week" else "days - 2"
    r = float(rho[0]) if len(rho) else np.nan
    here = "" if per_client or not np.isfinite(r) else f"; here {r:.2f}"
    model = (f" One regression per activity allows a day's mood to carry over into the next (AR(1) errors; "
             f"lag-1 autocorrelation estimated by REML{here}, mood_autocorr): the {ci:.0%} interval and p come "
             f"from one estimate and its standard error (t on {dof} df), so the interval excludes 0 exactly "
             f"when p < {1 - ci:.2g}; no pretest. Cliff's delta compares the same days, adjusted as the difference is. On "
             "simulated 8-week logs (docs/validation.md) activities with no effect got p < .05 in 4.5-5.5% of "
             "tests (the low end for activities done in runs of days when days are independent) and the "
             "intervals held the true difference in 94-97%.")
    tail = (f" Activities with fewer than {min_days} days on either side are not tested. q-values: "
            "Benjamini-Hochberg over the activities tested" + (" of each client" if per_client else "")
            + ". This shows association, not cause.")
    lead = "For each client: daily" if per_client else "Daily"
    return f"{lead} mean mood on days with vs without each activity, {within}." + model + tail


def _by_entry(df, by, min_days, ci, adjust, per_client=False):
    """Mood at the entry right after each activity vs other entries: every client at once.

    Returns ``(result, r1, how)``: *result* has one row per client and activity
    (``client`` first with *per_client*), its q-values within each client and
    ``mood_autocorr`` set; *r1* is the single log's autocorrelation (None per client).

    The regression of each activity (:func:`_entry_fits`) is computed from sums
    over (activity, day) cells, so no loop over clients or activities is needed:
    the issue measured 2.6 s for 105 people and 28.8 s for 1,050 with one call
    per client.
    """
    if not per_client:  # one log: its rows are one client's, whatever its client column holds
        df = df.assign(client=pd.Series("", index=df.index, dtype="str"))
    e = _entries(df)
    if e is None:
        return _empty(by, per_client), (None if per_client else np.nan), _NO_FOLLOWING
    after = _after(df, e, by)
    fit = _entry_fits(e, after, ci, within=adjust is not None)
    delta = _entry_cliffs(e, after, fit)
    res = _entry_frame(by, e, after, fit, delta, min_days, per_client)
    how = ("Mood at the entry right after each activity (same day) vs mood at other entries that follow "
           "an entry" + (", compared within the same day" if adjust else "")
           + ". Entries on one day are not independent, so intervals and p-values come from a "
           "regression with standard errors clustered by day. This shows association, not cause.")
    if per_client:
        return res, None, "Per client: " + how
    return res, float(e.r1[0]), how


_NO_FOLLOWING = "no entries with mood that follow another entry on the same day"


@dataclass
class _Entries:
    """The entries compared: those with a mood that follow another entry of the same day."""

    cnames: np.ndarray  # client names, in natural order
    client: np.ndarray  # per candidate entry: client code (natural order)
    mood: np.ndarray  # per candidate entry: its mood
    day: np.ndarray  # per candidate entry: its (client, day) cell, numbered from 0
    prev: pd.DataFrame  # per candidate entry: client and the entry before it (columns client, prev_entry)
    n: np.ndarray  # per client: candidate entries
    sum_mood: np.ndarray  # per client: their moods summed
    n_days: np.ndarray  # per client: days with candidates
    day_n: np.ndarray  # per (client, day) cell: candidates
    day_sum: np.ndarray  # per cell: their moods summed
    rank: np.ndarray  # per candidate entry: average rank of its mood within its client
    r1: np.ndarray  # per client: lag-1 autocorrelation of consecutive entries' moods within days


def _entries(df: pd.DataFrame) -> _Entries | None:
    """One row per entry (an entry may hold several activities), and the candidates compared."""
    df = df.sort_values(["client", "start", "entry"], kind="stable")
    entries = df.groupby(["client", "entry"], sort=False).agg(mood=("mood", "first"), start=("start", "first"))
    entries = entries.sort_values(["client", "start"], kind="stable").reset_index()
    if entries.empty:
        return None
    entries["day"] = day_numbers(entries["start"])
    codes, cnames = factorize_text(entries["client"])
    rank = np.empty(len(cnames), dtype="int64")
    rank[np.argsort(natural_codes(np.asarray(cnames, dtype=object)), kind="stable")] = np.arange(len(cnames))
    client = rank[codes]
    cnames = np.asarray(cnames, dtype=object)[np.argsort(rank)]
    same_day = np.r_[False, (client[1:] == client[:-1]) & (entries["day"].to_numpy()[1:]
                                                          == entries["day"].to_numpy()[:-1])]
    mood = entries["mood"].to_numpy(dtype="float64", na_value=np.nan)
    r1 = _lag1_within(mood, same_day, client, len(cnames))
    prev = entries["entry"].shift().where(same_day)
    cand = (prev.notna() & entries["mood"].notna()).to_numpy(bool)
    if not cand.any():
        return None
    c, m = client[cand], mood[cand]
    cells, _ = pd.factorize(c * (1 << 32) + (entries["day"].to_numpy()[cand]
                                                       - entries["day"].min()))
    k = len(cnames)
    ranks = pd.Series(m).groupby(c).rank(method="average").to_numpy()
    n_cells = int(cells.max()) + 1
    cell_client = np.zeros(n_cells, dtype="int64")
    cell_client[cells] = c
    return _Entries(cnames=cnames, client=c, mood=m, day=cells,
                    prev=pd.DataFrame({"client": entries["client"].to_numpy()[cand],
                                       "prev_entry": prev[cand].astype("int64").to_numpy()}),
                    n=np.bincount(c, minlength=k), sum_mood=np.bincount(c, weights=m, minlength=k),
                    n_days=np.bincount(cell_client, minlength=k),
                    day_n=np.bincount(cells, minlength=n_cells),
                    day_sum=np.bincount(cells, weights=m, minlength=n_cells), rank=ranks, r1=r1)


def _lag1_within(mood: np.ndarray, same_day: np.ndarray, client: np.ndarray, k: int) -> np.ndarray:
    """Per client: Pearson's r of each entry's mood and the mood of the entry before it on the same day.

    NaN for a client with at most 2 such pairs of entries (as ``Series.corr`` on the pairs with both moods).
    """
    prev = np.r_[np.nan, mood[:-1]]
    ok = same_day & ~np.isnan(mood) & ~np.isnan(prev)
    c, x, y = client[ok], prev[ok], mood[ok]
    n = np.bincount(c, minlength=k).astype("float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        dx = x - (np.bincount(c, weights=x, minlength=k) / n)[c]
        dy = y - (np.bincount(c, weights=y, minlength=k) / n)[c]
        r = np.bincount(c, weights=dx * dy, minlength=k) / np.sqrt(
            np.bincount(c, weights=dx * dx, minlength=k) * np.bincount(c, weights=dy * dy, minlength=k))
    pairs = np.bincount(client[same_day], minlength=k)
    return np.where(pairs > 2, np.clip(r, -1.0, 1.0), np.nan)


@dataclass
class _After:
    """Which candidate entries follow each (client, activity): one row per such pair of entry and activity."""

    cand: np.ndarray  # per row: the candidate entry
    pair: np.ndarray  # per row: the (client, activity) pair
    pclient: np.ndarray  # per pair: client code
    pname: np.ndarray  # per pair: the activity (or category)
    pname_code: np.ndarray  # per pair: the name's place in sorted order


def _after(df: pd.DataFrame, e: _Entries, by: str) -> _After:
    """The activities done at the entry before each candidate (planned and skipped rows left out)."""
    done = happened(df)
    done = done[done[by].notna()][["client", "entry", by]].drop_duplicates()
    after = e.prev.reset_index().merge(done.rename(columns={"entry": "prev_entry"}), on=["client", "prev_entry"])
    cand = after["index"].to_numpy(dtype="int64")
    name_code, names = factorize_text(after[by], sort=True)
    pair, puniq = pd.factorize(e.client[cand].astype("int64") * max(len(names), 1) + name_code, sort=True)
    n_names = max(len(names), 1)
    pcode = puniq % n_names
    return _After(cand=cand, pair=pair, pclient=puniq // n_names,
                  pname=np.asarray(names, dtype=object)[pcode], pname_code=pcode)


@dataclass
class _EntryFit:
    """Per pair: counts, means and the day-clustered regression of mood on the activity."""

    n_with: np.ndarray
    n_without: np.ndarray
    mood_with: np.ndarray
    mood_without: np.ndarray
    est: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    p: np.ndarray


def _entry_fits(e: _Entries, a: _After, ci: float, within: bool) -> _EntryFit:
    """Difference (with - without) of each pair and its day-clustered (CR1) interval and p, all pairs at once.

    The regression of the candidates' mood on the activity (0/1), with an
    intercept (*within* False) or one per day (*within*: the difference within
    days), standard errors clustered by day with the CR1 factor
    ``g / (g - 1) * (n - 1) / (n - k)`` (``g`` days, ``n`` entries, ``k``
    coefficients), t on ``g - 1`` df. It needs only sums per (pair, day) cell:
    with ``k_d`` entries after the activity among ``n_d`` on day ``d``, ``S_d``
    their moods summed and ``Y_d`` all of the day's, the day's score for the
    slope is ``(S_d - k_d Y_d / n_d) - b (k_d - k_d^2 / n_d)`` (within days), or
    the slope row of ``(X'X)^-1`` times the day's two scores (intercept).
    Fewer than 3 days, no variation left in the activity or a zero SE give NaN.
    """
    n_pairs = len(a.pclient)
    cell, cells = pd.factorize(a.pair.astype("int64") * (int(e.day.max()) + 1) + e.day[a.cand])
    cpair, cday = cells // (int(e.day.max()) + 1), cells % (int(e.day.max()) + 1)
    k_d = np.bincount(cell, minlength=len(cells)).astype("float64")
    s_d = np.bincount(cell, weights=e.mood[a.cand], minlength=len(cells))
    n_d, y_d = e.day_n[cday].astype("float64"), e.day_sum[cday]
    n_with = np.bincount(cpair, weights=k_d, minlength=n_pairs)
    sum_with = np.bincount(cpair, weights=s_d, minlength=n_pairs)
    n = e.n[a.pclient].astype("float64")
    g = e.n_days[a.pclient].astype("float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        mood_with = sum_with / n_with
        mood_without = (e.sum_mood[a.pclient] - sum_with) / (n - n_with)
        if within:
            xx = k_d - k_d * k_d / n_d
            xy = s_d - k_d * y_d / n_d
            sxx = np.bincount(cpair, weights=xx, minlength=n_pairs)
            est = np.bincount(cpair, weights=xy, minlength=n_pairs) / sxx
            score = xy - est[cpair] * xx
            meat = np.bincount(cpair, weights=score * score, minlength=n_pairs)
            var = meat / (sxx * sxx)
            singular, n_coef = np.abs(sxx) < 1e-12, 1 + g
        else:
            det = n_with * (n - n_with)
            est = mood_with - mood_without
            # days without the activity have a score too: their sum is all days' minus the days with it
            r_all = _day_resid_squares(e, a, mood_without)  # sum over all days of (Y_d - n_d mood_without)^2
            r_d = y_d - k_d * mood_with[cpair] - (n_d - k_d) * mood_without[cpair]
            r0_d = y_d - n_d * mood_without[cpair]
            xr_d = s_d - k_d * mood_with[cpair]
            n_c, n1 = n[cpair], n_with[cpair]
            with_days = (-n1 * r_d + n_c * xr_d) ** 2 - (n1 * r0_d) ** 2
            meat = np.bincount(cpair, weights=with_days, minlength=n_pairs) + n_with ** 2 * r_all
            var = meat / (det * det)
            singular, n_coef = np.abs(det) < 1e-12, 2.0
        adj = g / (g - 1) * (n - 1) / np.maximum(n - n_coef, 1)
        se = np.sqrt(adj * np.maximum(var, 0.0))
        ok = (g >= 3) & ~singular & (se > 0) & np.isfinite(est)
        est, se = np.where(ok, est, np.nan), np.where(ok, se, np.nan)
        dof = np.where(ok, g - 1, np.nan)
        t = _st.t.ppf(0.5 + ci / 2, dof)
        p = 2 * _st.t.sf(np.abs(est / se), dof)
    return _EntryFit(n_with=n_with.astype("int64"), n_without=(n - n_with).astype("int64"),
                     mood_with=mood_with, mood_without=mood_without, est=est, lo=est - t * se,
                     hi=est + t * se, p=p)


def _day_resid_squares(e: _Entries, a: _After, level: np.ndarray) -> np.ndarray:
    """Per pair: the sum over its client's days of ``(Y_d - n_d * level)^2`` (``level`` per pair)."""
    cell_client = np.zeros(len(e.day_n), dtype="int64")
    cell_client[e.day] = e.client
    k = len(e.cnames)
    yy = np.bincount(cell_client, weights=e.day_sum ** 2, minlength=k)
    ny = np.bincount(cell_client, weights=e.day_n * e.day_sum, minlength=k)
    nn = np.bincount(cell_client, weights=e.day_n.astype("float64") ** 2, minlength=k)
    c = a.pclient
    return yy[c] - 2 * level * ny[c] + level * level * nn[c]


def _entry_cliffs(e: _Entries, a: _After, fit: _EntryFit) -> np.ndarray:
    """Cliff's delta (with vs without) of each pair, from one ranking of each client's candidate moods."""
    n_pairs = len(a.pclient)
    ranks = np.bincount(a.pair, weights=e.rank[a.cand], minlength=n_pairs)
    nw, nwo = fit.n_with.astype("float64"), fit.n_without.astype("float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        mn = nw * nwo
        return (2 * (ranks - nw * (nw + 1) / 2) - mn) / mn


def _entry_frame(by, e: _Entries, a: _After, fit: _EntryFit, delta, min_days: int,
                 per_client: bool) -> pd.DataFrame:
    """One row per client and activity: tested first, largest difference first; q within each client."""
    few = np.minimum(fit.n_with, fit.n_without) < min_days
    tested = ~few & np.isfinite(fit.est)
    nan = np.full(len(tested), np.nan)
    method = np.where(tested, "regression with day-clustered standard errors",
                      np.where(few, f"fewer than {min_days} entries on a side",
                               "no day has entries both after it and not"))
    res = pd.DataFrame({
        by: pd.array(a.pname, dtype="str"),
        "n_with": fit.n_with, "n_without": fit.n_without,
        "mood_with": fit.mood_with, "mood_without": np.where(fit.n_without > 0, fit.mood_without, np.nan),
        "diff": np.where(tested, fit.est, nan), "ci_low": np.where(tested, fit.lo, nan),
        "ci_high": np.where(tested, fit.hi, nan), "cliffs_delta": np.where(tested, delta, nan),
        "p": np.where(tested, fit.p, nan), "q": nan,
        "status": pd.array(np.where(tested, TESTED, NOT_ENOUGH).astype(object), dtype="str"),
        "weeks_compared": nan,
        "method": pd.array(method.astype(object), dtype="str"),
        "mood_autocorr": e.r1[a.pclient],
    })
    res["q"] = stats.bh_within(res["p"].to_numpy(), a.pclient, tested)
    # differences equal to 12 decimals are a tie (sums in another order differ in the last bits): by name
    diff = np.round(res["diff"].to_numpy(), 12)
    order = np.lexsort((a.pname_code, np.where(np.isnan(diff), np.inf, -diff), ~tested, a.pclient))
    res = res.iloc[order].reset_index(drop=True)
    if per_client:
        res.insert(0, "client", pd.array(e.cnames[a.pclient[order]], dtype="str"))
    return res


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
                 ci: float = 0.95, by: str | None = None) -> pd.DataFrame:
    """Baseline versus activation for one measure, as a single-case A/B comparison.

    The measure is summarised per day (mean rating; for ``"avoidance"`` the
    share of entries that were avoidance; for ``"activities"`` the number of
    activities done). Positive = higher in treatment.

    Two kinds of row:

    * **descriptive indices** of the baseline days (A) against the treatment
      days (B): NAP, Tau, Tau-U, Tau-BC and Hedges' g (see
      :mod:`bactivate.stats`), each with its published standard error and
      interval. Those assume independent days; daily mood is usually
      autocorrelated (a low day tends to follow a low day), which makes them
      too narrow, so **no p-value is given for them** (``p`` is NaN). Tau-U
      subtracts the baseline's own Kendall S (its pairs in time order) from
      the A-vs-B comparison: it does not remove a baseline trend that
      continues into treatment (a steady rise scores as an effect). Tau-BC
      (Tarlow 2017) subtracts the baseline's Theil-Sen trend, continued, from
      both phases, and so does remove it.
    * **the test**, ``"level change (piecewise AR(1) regression)"``: the
      regression ``y = b0 + b1 t + b2 B + b3 (t - t_B) B`` over the days of
      both phases (a baseline trend, a change of level and of slope where
      treatment starts), with AR(1) errors whose autocorrelation is estimated
      by REML (:func:`bactivate.stats.ar1_regression`). ``estimate`` is the
      change of level (in the measure's units) beyond the baseline trend
      continued; its interval and p come from the same estimate and standard
      error. The slope change (per week) is in its ``method``. In simulations
      with autocorrelated days this test keeps close to its nominal rate where
      the indices' tests did not (``docs/validation.md``). It needs at least
      3 baseline days, 2 treatment days and 7 days in all (else NaN).

    Parameters
    ----------
    log : pandas.DataFrame
        The tidy log of one client, or a cohort's with ``by="client"``.
    baseline : int, list of int, range or tuple of two dates, default 1
        Week numbers (the client's weeks, as in :func:`bactivate.progress`),
        e.g. ``1`` or ``[1, 2]``, or a ``(first_day, last_day)`` pair of dates.
    treatment : same as *baseline*, optional
        Defaults to every day after the baseline.
    measure : {"mood", "mastery", "pleasure", "effort", "avoidance", "activities"}, default "mood"
        What is compared, per day.
    ci : float, default 0.95
        Confidence level of the intervals.
    by : {None, "client"}, default None
        ``"client"``: each client of a cohort is one case (one A/B comparison
        on the client's own days and weeks), their rows stacked with a
        ``client`` column first, each equal to a call on that client's log.
        A log with several clients needs it: a single-case design never pools
        people (a ``ValueError`` says so).

    Returns
    -------
    pandas.DataFrame
        One row per effect (NAP, Tau, Tau-U, Tau-BC, Hedges' g, then the level change;
        per client and effect with ``by="client"``, clients in natural order):

        * ``client`` (str; only with ``by="client"``);
        * ``effect`` (its name), ``measure``;
        * ``estimate``, ``se``, ``ci_low``, ``ci_high``;
        * ``p``: only for the level change (NaN for the descriptive indices);
        * ``n_a``, ``n_b``: days in the baseline (A) and the treatment (B);
        * ``mean_a``, ``mean_b``: the measure's mean over those days;
        * ``method``: the formulas used.

        ``attrs``: ``description`` (what was compared), ``ci``, ``test`` (the
        name of the test row) and ``note`` (the paragraph above, in words).

    Examples
    --------
    >>> import bactivate as ba
    >>> log = ba.synth.client(weeks=6, seed=2)
    >>> res = ba.phase_effect(log, baseline=1)
    >>> res[["effect", "estimate", "ci_low", "ci_high", "p"]].round(2)
                                          effect  estimate  ci_low  ci_high     p
    0                                        NAP      0.75    0.51     0.89   NaN
    1                                        Tau      0.49    0.02     0.77   NaN
    2                                      Tau-U      0.57    0.09     1.05   NaN
    3                                     Tau-BC      0.99    0.65     1.00   NaN
    4                                  Hedges' g      0.80   -0.02     1.61   NaN
    5  level change (piecewise AR(1) regression)      4.20    0.92     7.48  0.01
    >>> cohort, _ = ba.synth.cohort(n_clients=4, weeks=6, seed=2)
    >>> per = ba.phase_effect(cohort, baseline=1, by="client")
    >>> per.loc[per["effect"] == per.attrs["test"], ["client", "estimate", "n_a", "n_b"]].round(2)
       client  estimate  n_a  n_b
    5    C001     -2.01    7   33
    11   C002      1.37    7   35
    17   C003      1.47    7   34
    23   C004      0.49    7   34
    """
    measures = ("mood", "mastery", "pleasure", "effort", "avoidance", "activities")
    if measure not in measures:
        raise ValueError(f"measure must be one of {measures}, not {measure!r}")
    if by not in (None, "client"):
        raise ValueError(f"by must be None (one client's log) or 'client' (each client of a cohort), not {by!r}")
    if by == "client":
        require(log, ("client", "start"), "phase_effect(by='client')")
        out = each_client(log, _one_case, baseline, treatment, measure=measure, ci=ci)
        out.attrs["description"] = (f"Daily {measure}, each client one case: baseline (A) vs treatment (B) "
                                    "on the client's own days; positive = higher in treatment.")
        return out
    one_client(log, "phase_effect()", "pass by=\"client\" for one A/B comparison per client (a single-case "
               "design is one person's days)")
    require(log, ("start", "mood", "avoidance", "done", "planned"), "phase_effect()")
    df = happened(bare(log)[log["start"].notna().to_numpy(bool)])
    # the day and week of with_calendar(), without its labels (phase_effect(by="client") calls this per client)
    df = df.assign(day=df["start"].dt.normalize(), week=week_days(df)["week"])
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
    frames = [f(a, b, ci=ci) for f in (stats.nap, stats.tau, stats.tau_u, stats.tau_bc, stats.hedges_g)]
    out = pd.concat(frames)
    out["p"] = np.nan  # descriptive: their SEs and intervals assume independent days (no test offered)
    out["method"] = ("descriptive, assumes independent days (no p-value): "
                     + out["method"].astype(str).str.replace(r"; p: [^;]*$", "", regex=True))
    both = in_a | in_b
    out = pd.concat([out, _piecewise(per_day[both], in_b[both], ci)]).reset_index()
    out.insert(1, "measure", measure)
    out["mean_a"] = a.mean()
    out["mean_b"] = b.mean()
    keep = ["effect", "measure", "estimate", "se", "ci_low", "ci_high", "p", "n_a", "n_b",
            "mean_a", "mean_b", "method"]
    out = out[[c for c in keep if c in out.columns]]
    out.attrs = {"description": f"Daily {measure}: baseline (A, {len(a)} days) vs treatment "
                                f"(B, {len(b)} days); positive = higher in treatment.",
                 "ci": ci, "test": LEVEL_CHANGE,
                 "note": _PHASE_NOTE}
    return out


def _one_case(log: pd.DataFrame, baseline, treatment, *, measure: str, ci: float) -> pd.DataFrame:
    """:func:`phase_effect` of one client of a cohort; an error names the client."""
    try:
        return phase_effect(log, baseline, treatment, measure=measure, ci=ci)
    except ValueError as err:
        raise ValueError(f"client {log['client'].iloc[0]}: {err}") from err


#: the name of phase_effect's test row
LEVEL_CHANGE = "level change (piecewise AR(1) regression)"
_PHASE_NOTE = ("NAP, Tau, Tau-U, Tau-BC and Hedges' g describe the overlap and the difference of the two "
               "phases; their standard errors and intervals assume independent days, so no p-value is shown "
               "for them. The test is the level change: a regression with a baseline trend, a change of "
               "level and of slope where treatment starts, and AR(1) errors (a day's value partly carries "
               "over into the next day's); its interval and p come from the same estimate and standard error.")


def _piecewise(series: pd.Series, in_b: pd.Series, ci: float) -> pd.DataFrame:
    """The level-change row of :func:`phase_effect`: piecewise regression with AR(1) errors.

    ``y_t = b0 + b1 t + b2 B_t + b3 (t - t_B) B_t + e_t`` on the days of both
    phases (*t* in days, gaps kept; ``t_B`` the first treatment day), with
    AR(1) errors (:func:`bactivate.stats.ar1_regression`): ``b2`` is the change
    of level where treatment starts, beyond the baseline's trend continued.
    """
    day = ((series.index - series.index.min()) / pd.Timedelta(days=1)).to_numpy().astype("int64")
    is_b = in_b.to_numpy(dtype=bool)
    t_b = day[is_b].min()
    X = np.column_stack([np.ones(len(day)), day, is_b, np.where(is_b, day - t_b, 0)]).astype("float64")
    n_a, n_b = int((~is_b).sum()), int(is_b.sum())
    row = {"estimate": np.nan, "se": np.nan, "ci_low": np.nan, "ci_high": np.nan, "p": np.nan, "n_a": n_a,
           "n_b": n_b, "ci_level": ci}
    if n_a < 3 or n_b < 2 or len(day) < 7:
        row["method"] = ("not estimated: the level change needs at least 3 baseline days, 2 treatment days "
                         "and 7 days in all")
        return pd.DataFrame([row], index=pd.Index([LEVEL_CHANGE], name="effect"))
    fit = stats.ar1_regression(series.to_numpy(dtype="float64"), X, day=day, ci=ci,
                               names=["intercept", "trend", "level", "slope"])
    lvl, slope = fit.loc["level"], fit.loc["slope"]
    row.update({k: float(lvl[k]) for k in ("estimate", "se", "ci_low", "ci_high", "p")})
    row["method"] = (f"change of level where treatment starts, beyond the baseline trend continued (GLS, "
                     f"AR(1) errors with REML rho {fit.attrs['rho']:.2f}; CI and p from one t on "
                     f"{int(lvl['df'])} df); slope change {7 * slope['estimate']:+.2f} per week "
                     f"[{7 * slope['ci_low']:.2f}, {7 * slope['ci_high']:.2f}]")
    return pd.DataFrame([row], index=pd.Index([LEVEL_CHANGE], name="effect"))
