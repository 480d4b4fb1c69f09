"""Progress week by week, its trend, and the small wins worth celebrating.

:func:`progress` gives one row per week (or day): activities logged, planned,
done, completion rate, mean mastery, pleasure and mood, avoidance share.
:func:`progress_trend` fits the change per week of each of those, with a CI.
:func:`small_wins` lists the moments for the client's timeline: planned
activities carried out, high-mastery and high-pleasure moments, first times.

>>> import bactivate as ba
>>> log = ba.synth.client(weeks=6, seed=1)
>>> weekly = ba.progress(log)
>>> weekly["week"].tolist()
[1, 2, 3, 4, 5, 6]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bactivate._grouped import group_mean, grouped_slopes
from bactivate._log import (
    bare,
    day_numbers,
    days_to_datetime,
    flags,
    happened,
    require,
    with_calendar,
)
from bactivate._util import natural_codes
from bactivate.schema import AttrsFrame

MEASURES = ("activities", "planned", "done", "completion", "mastery", "pleasure", "mood", "avoidance_share")


def progress(log: pd.DataFrame, freq: str = "W", *, by: str | None = None) -> pd.DataFrame:
    """Week by week (``freq="W"``, weeks counted from the first logged day) or day by day (``"D"``).

    With ``by="client"`` a cohort is analysed in one call: one row per client
    and period, weeks counted from *each client's* first logged day (as
    :func:`bactivate.cohort.client_weeks` does), clients in natural order (C2
    before C10). The numbers are those of ``progress(one_client_log)`` for
    each client; this is the way to run it on a cohort (a loop of
    single-client calls gives the same rows, much slower).

    Parameters
    ----------
    log : pandas.DataFrame
        The tidy log (a cohort's with ``by="client"``).
    freq : {"W", "D"}, default "W"
        Weeks (1 = the first 7 days from the first logged day) or days.
    by : {None, "client"}, default None
        ``"client"`` for one table of every client of a cohort.

    Returns
    -------
    pandas.DataFrame
        One row per period with entries (per client and period with ``by="client"``):

        * ``client`` (str; only with ``by="client"``);
        * ``week`` (int64) or ``day`` (datetime64, the day itself);
        * ``start_day`` (datetime64): the period's first day with an entry;
        * ``days_logged`` (int64): days with at least one entry;
        * ``activities`` (int64): rows that happened with an activity name
          (skipped plans and mood-only rows left out, as in
          :func:`bactivate.client_summary`);
        * ``planned``, ``done`` (int64): activities planned, and planned and done;
        * ``completion``: done / planned (NaN with no plans);
        * ``mastery``, ``pleasure``, ``mood``: means over the rows that happened;
        * ``avoidance_share``: share of those activities that were avoidance.

        ``attrs["trend"]`` holds :func:`progress_trend` of the table (per
        client with ``by="client"``, ``client`` first).

    Examples
    --------
    >>> import bactivate as ba
    >>> weekly = ba.progress(ba.synth.client(weeks=4, seed=1))
    >>> weekly[["week", "activities", "planned", "done", "completion", "mood"]].round(2)
       week  activities  planned  done  completion  mood
    0     1          53        0     0         NaN  3.83
    1     2          51        3     1        0.33  4.86
    2     3          51        5     1        0.20  1.47
    3     4          47        7     3        0.43  4.15
    >>> log, _ = ba.synth.cohort(n_clients=3, weeks=4, seed=1)
    >>> ba.progress(log, by="client").groupby("client").size().tolist()
    [4, 4, 4]
    """
    require(log, ("start", "mastery", "pleasure", "mood", "planned", "done", "avoidance"), "progress()")
    if freq not in ("W", "D"):
        raise ValueError(f"freq must be 'W' (weeks) or 'D' (days), not {freq!r}")
    if by not in (None, "client"):
        raise ValueError(f"by must be None (the log is one client's) or 'client' (one table for every "
                         f"client of a cohort), not {by!r}")
    if by == "client":
        require(log, ("client",), "progress(by='client')")
    key = "week" if freq == "W" else "day"
    keep = log["start"].notna()
    if by == "client":
        keep &= log["client"].notna()
    keep = keep.to_numpy(dtype=bool)
    df = bare(log) if keep.all() else bare(log)[keep]
    day = day_numbers(df["start"])
    if by == "client":
        codes, names = pd.factorize(df["client"].astype("str"))
        names = np.asarray(names, dtype=object)
        rank = np.empty(len(names), dtype="int64")
        rank[np.argsort(natural_codes(names), kind="stable")] = np.arange(len(names))
        codes = rank[codes]  # codes in natural client order
        names = names[np.argsort(rank)]
    else:
        codes, names = np.zeros(len(df), dtype="int64"), np.array([None], dtype=object)
    n_clients = len(names)
    if len(df):
        first = pd.Series(day).groupby(codes).min().reindex(range(n_clients)).to_numpy()
        rel = day - first[codes]
    else:
        first, rel = np.zeros(n_clients, "int64"), day
    period = rel // 7 + 1 if key == "week" else rel
    span = int(period.max()) + 1 if len(df) else 1
    gcode, uniq = pd.factorize(codes * span + period, sort=True)
    n = len(uniq)
    client_of = uniq // span
    planned, done, did = flags(df)

    def count(mask):
        """Rows of each period where *mask* holds."""
        return np.bincount(gcode, weights=mask, minlength=n).astype("int64")

    def mean(col):
        """Mean of *col* over each period's rows that happened."""
        return group_mean(gcode, df[col].to_numpy(dtype="float64", na_value=np.nan), n, did)

    first_of_day = ~pd.Series(codes * (int(rel.max()) + 1 if len(df) else 1) + rel).duplicated().to_numpy()
    start_day = np.full(n, np.iinfo("int64").max)
    np.minimum.at(start_day, gcode, day)
    planned_n, done_n = count(planned), count(done)
    out = {}
    if by == "client":
        out["client"] = pd.array(names[client_of], dtype="str")
    start_day = days_to_datetime(start_day, df["start"])
    out[key] = (uniq % span).astype("int64") if key == "week" else start_day
    out["start_day"] = start_day
    out["days_logged"] = count(first_of_day)
    named = did & df["activity"].notna().to_numpy(dtype=bool)
    out["activities"] = count(named)
    out["planned"] = planned_n
    out["done"] = done_n
    with np.errstate(invalid="ignore", divide="ignore"):
        out["completion"] = np.where(planned_n > 0, done_n / np.where(planned_n > 0, planned_n, 1), np.nan)
    for c in ("mastery", "pleasure", "mood"):
        out[c] = mean(c)
    avoid = df["avoidance"].fillna(False).to_numpy(dtype=bool).astype("float64")
    out["avoidance_share"] = group_mean(gcode, avoid, n, named)
    table = pd.DataFrame(out)
    x = table[key].to_numpy(dtype="float64") if key == "week" else (uniq % span) / 7
    trend = _trend(table, client_of, names if by == "client" else None, x, key, 0.95)
    table.attrs = {"trend": AttrsFrame(trend)}
    return table


def progress_trend(weekly: pd.DataFrame, per: str = "week", ci: float = 0.95) -> pd.DataFrame:
    """Change per week of each measure in a :func:`progress` table, OLS with CI.

    The slopes are fitted in closed form, all measures at once (the same
    numbers as ``scipy.stats.linregress``); a day-by-day table is fitted
    against days / 7, so the slope is still per week.

    Parameters
    ----------
    weekly : pandas.DataFrame
        A :func:`progress` table of one client.
    per : {"week", "day"}, default "week"
        The table's period column (``"day"`` for ``progress(log, "D")``).
    ci : float, default 0.95
        Confidence level of the slope intervals.

    Returns
    -------
    pandas.DataFrame
        One row per measure of :data:`MEASURES` in the table:

        * ``measure`` (str);
        * ``slope`` (units per week), ``slope_ci_low``, ``slope_ci_high``, ``slope_p``
          (NaN with fewer than 3 periods, and interval and p for a flat line);
        * ``n`` (int64): periods with a value;
        * ``first``, ``last``: the first and last value;
        * ``direction`` (str): "rising", "falling" or "no clear change",
          by whether the interval excludes 0.

        ``attrs["description"]`` says how it was fitted.

    Examples
    --------
    >>> import bactivate as ba
    >>> trend = ba.progress_trend(ba.progress(ba.synth.client(weeks=4, seed=1)))
    >>> trend[["measure", "slope", "n", "direction"]].head(3).round(2)
          measure  slope  n        direction
    0  activities   -1.8  4  no clear change
    1     planned    2.3  4           rising
    2        done    0.9  4  no clear change
    """
    x = weekly[per]
    if per == "day":
        x = (x - x.min()).dt.days / 7
    return _trend(weekly, np.zeros(len(weekly), dtype="int64"), None, x.to_numpy(dtype="float64"), per, ci)


def _trend(table: pd.DataFrame, codes: np.ndarray, names, x: np.ndarray, per: str, ci: float) -> pd.DataFrame:
    """The trend rows of every client (*codes* into *names*, sorted; one group when *names* is None).

    All measures and clients are fitted at once in closed form.
    """
    measures = [m for m in MEASURES if m in table.columns]
    n_groups = 1 if names is None else len(names)
    if not measures:
        return pd.DataFrame()
    y = np.column_stack([table[m].to_numpy(dtype="float64", na_value=np.nan) for m in measures])
    fit = grouped_slopes(codes, x, y, n_groups, ci, flat_nan=True)
    # first and last values of each measure per group (rows are sorted by group)
    first = np.full((len(measures), n_groups), np.nan)
    last = first.copy()
    groups = np.arange(n_groups)
    for j in range(len(measures)):
        pos = np.flatnonzero(~np.isnan(y[:, j]))
        cv = codes[pos]
        lo, hi = np.searchsorted(cv, groups, "left"), np.searchsorted(cv, groups, "right")
        has = hi > lo
        first[j, has] = y[pos[lo[has]], j]
        last[j, has] = y[pos[hi[has] - 1], j]
    direction = np.where(fit["ci_low"] > 0, "rising", np.where(fit["ci_high"] < 0, "falling", "no clear change"))

    def flat(a):  # measures x groups -> group-major rows
        """*a* (measures x groups) as one column, group by group."""
        return a.T.reshape(-1)

    out = pd.DataFrame({
        "measure": pd.array(np.tile(np.array(measures, dtype=object), n_groups), dtype="str"),
        "slope": flat(fit["slope"]), "slope_ci_low": flat(fit["ci_low"]),
        "slope_ci_high": flat(fit["ci_high"]), "slope_p": flat(fit["p"]), "n": flat(fit["n"]),
        "first": flat(first), "last": flat(last),
        "direction": pd.array(flat(direction).astype(object), dtype="str"),
    })
    if names is not None:
        out.insert(0, "client", pd.array(np.repeat(names, len(measures)), dtype="str"))
    out.attrs = {"description": f"OLS slope per week over {per}s, {ci:.0%} CI; few periods give wide CIs."}
    return out


def small_wins(log: pd.DataFrame, *, high: float = 7.0) -> pd.DataFrame:
    """The moments to celebrate, one row each, in time order.

    Avoidance entries and skipped plans are never wins. An entry can be a win
    of several kinds (one row for each).

    Parameters
    ----------
    log : pandas.DataFrame
        The tidy log of one client.
    high : float, default 7.0
        Mastery or pleasure rated at least *high* (0-10) is a win.

    Returns
    -------
    pandas.DataFrame
        One row per win, by ``start`` then ``kind``:

        * ``start`` (datetime64): when the entry started;
        * ``day`` (datetime64): its day;
        * ``activity``, ``category`` (str);
        * ``kind`` (str): ``"planned and done"`` (a planned activity carried
          out), ``"high mastery"``, ``"high pleasure"`` (rated *high* or more)
          or ``"first time"`` (an activity done for the first time after the first week);
        * ``mastery``, ``pleasure``, ``mood``: the entry's ratings.

    Examples
    --------
    >>> import bactivate as ba
    >>> wins = ba.small_wins(ba.synth.client(weeks=4, seed=1))
    >>> wins["kind"].value_counts().sort_index().to_dict()
    {'first time': 5, 'high mastery': 23, 'high pleasure': 23, 'planned and done': 5}
    """
    require(log, ("start", "activity", "mastery", "pleasure", "planned", "done", "avoidance"), "small_wins()")
    df = with_calendar(happened(log[log["start"].notna()]))
    df = df[~df["avoidance"].fillna(False).astype(bool)]
    kinds = {
        "planned and done": df["planned"].fillna(False).astype(bool) & df["done"].fillna(False).astype(bool),
        "high mastery": (df["mastery"] >= high).fillna(False),
        "high pleasure": (df["pleasure"] >= high).fillna(False),
    }
    first_seen = df[df["activity"].notna()].groupby("activity")["start"].transform("min")
    first = df["activity"].notna() & df["start"].eq(first_seen.reindex(df.index)) & (df["week"] > 1)
    kinds["first time"] = first.fillna(False).astype(bool)
    parts = [df.loc[mask.to_numpy(bool)].assign(kind=k) for k, mask in kinds.items()]
    cols = ["start", "day", "activity", "category", "kind", "mastery", "pleasure", "mood"]
    out = pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)
    out["kind"] = out["kind"].astype("str")
    return out.sort_values(["start", "kind"], kind="stable").reset_index(drop=True)
