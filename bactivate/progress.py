"""Progress week by week, its trend, and the small wins worth celebrating.

:func:`progress` gives one row per week (or study day, or prompt): activities logged, planned,
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

from bactivate._clients import one_client
from bactivate._engine import dispatch, on_dask
from bactivate._grouped import group_mean, grouped_slopes
from bactivate._log import (
    bare,
    day_numbers,
    days_to_datetime,
    flags,
    happened,
    prompt_numbers,
    recorded_by_client,
    require,
    time_unit,
    week_days,
    week_labels,
    with_calendar,
)
from bactivate._util import natural_codes
from bactivate.balance import HIGH
from bactivate.lazy import Lazy
from bactivate.schema import AttrsFrame, factorize_text

_st = Lazy("scipy.stats")  # imported on first use (see bactivate.lazy)
_sp = Lazy("scipy.special")

MEASURES = ("activities", "planned", "done", "completion", "mastery", "pleasure", "mood", "avoidance_share")

#: What each measure is computed from: it is "not recorded in this log" unless all of these are.
NEEDS = {"activities": ("activity",), "planned": ("planned",), "done": ("planned", "done"),
         "completion": ("planned", "done"), "mastery": ("mastery",), "pleasure": ("pleasure",),
         "mood": ("mood",), "avoidance_share": ("avoidance", "activity")}

#: The unit of each measure's trend (slope and interval): shares, shown as percentages, change in
#: percentage points; counts per week; ratings in points of the 0-10 scale.
UNITS = {"activities": "per week", "planned": "per week", "done": "per week",
         "completion": "percentage points per week", "avoidance_share": "percentage points per week",
         "mastery": "points (0-10) per week", "pleasure": "points (0-10) per week",
         "mood": "points (0-10) per week"}

#: The direction of a measure the log does not record.
NOT_RECORDED = "not recorded in this log"

#: How far apart the first and last values must be to be worth a word when the trend is not clear:
#: 10 percentage points for shares, 1 point (0-10) for ratings; counts use a quarter of the first
#: value, at least 2.
LARGE_CHANGE = {"percentage points per week": 10.0, "points (0-10) per week": 1.0}

#: Weeks of values below which an unclear change is put down to too few weeks (rather than ups and downs).
FEW_WEEKS = 6


def progress(log: pd.DataFrame, freq: str | None = None, *, unit: str | None = None,
             by: str | None = None, week_start=None, weeks_from: str = "auto",
             day_starts=None, engine: str = "pandas") -> pd.DataFrame:
    """Week by week (``unit="week"``, the client's weeks), day by day (``"day"``) or prompt by prompt.

    ``unit="day"`` numbers study days from the person's first logged day
    (``study_day`` 1, 2, ...), ``unit="prompt"`` numbers the entries (prompts
    answered) within person in time order (``prompt`` 1, 2, ...): the units of
    a 7- or 14-day experience-sampling study. ``freq="W"`` / ``"D"`` are the
    older names of ``unit="week"`` / ``"day"``. With ``day_starts="04:00"``
    a study day runs from 04:00 to 04:00, so that answers to a late-evening
    prompt given after midnight count for the evening's day.

    Weeks are those of :func:`bactivate._log.with_calendar`: the week sheets'
    numbers when every row comes from a sheet named like a week ("Week 2"),
    otherwise calendar weeks starting on *week_start* (default Monday), week 1
    being the one that holds the first logged day.

    Missing is not zero: a measure the log does not record (no avoidance
    flags, no planned/done, no mastery ratings; see :func:`bactivate.recorded`)
    is ``<NA>`` in every row, never 0, and its trend row says "not recorded
    in this log".

    With ``by="client"`` a cohort is analysed in one call: one row per client
    and period, each client's weeks numbered on their own (week 1 holds
    *that client's* first logged day), clients in natural order (C2 before
    C10). The numbers are those of ``progress(one_client_log)`` for each
    client; this is the way to run it on a cohort (a loop of single-client
    calls gives the same rows, much slower).

    Parameters
    ----------
    log : pandas.DataFrame
        The tidy log (a cohort's with ``by="client"``).
    freq : {"W", "D"}, optional
        The older name of *unit*: "W" is ``unit="week"``, "D" is ``unit="day"``.
    unit : {"week", "day", "prompt"}, default "week"
        One row per week, per study day, or per prompt (entry).
    by : {None, "client"}, default None
        ``"client"`` for one table of every client of a cohort. A log of
        several clients without it is a ValueError: their rows would be
        pooled as if they were one person's.
    week_start : str, int, date-like or None, default None
        The day calendar weeks start on ("Mon", "Sunday", 0 = Monday, or a
        date: week 1 starts on it); None is Monday.
    weeks_from : {"auto", "sheet", "calendar", "first day"}, default "auto"
        How weeks are numbered (see ``with_calendar``); "first day" is the
        numbering of bactivate 0.1 (7-day blocks from the first logged day).
    day_starts : str, int, datetime.time or None, default None
        When a day starts ("04:00", 4): entries after midnight and before it
        count for the day before (see :func:`bactivate._log.day_start`);
        None is midnight. It moves days, weeks and study days alike.
    engine : {"pandas", "dask"}, default "pandas"
        ``"dask"`` (or a Dask DataFrame as *log*, whatever *engine* says) runs the same
        code on Dask, a partition of clients at a time, and returns this same table
        (:func:`bactivate.cohort.distributed.run`; ``docs/scale.md``); ``by="client"`` only.

    Returns
    -------
    pandas.DataFrame
        One row per period with entries (per client and period with ``by="client"``):

        * ``client`` (str; only with ``by="client"``);
        * ``week`` (int64) and ``week_label`` (str, "Week 2, 9-15 Mar"); or
          ``day`` (datetime64, the day itself) and ``study_day`` (int64, 1 =
          the first logged day); or ``prompt`` (int64, 1 = the first entry),
          ``start`` (datetime64, when it was answered) and ``study_day``;
        * ``start_day``, ``end_day`` (datetime64): the period's first and last
          day; the first and last weeks are cut to the logged days (the log's
          first and last day), a sheet's week runs from its first to its
          last logged day;
        * ``days_logged`` (int64): days with at least one entry;
        * ``activities`` (int64): rows that happened with an activity name
          (skipped plans and mood-only rows left out, as in
          :func:`bactivate.client_summary`);
        * ``planned``, ``done`` (int64): activities planned, and planned and done;
        * ``completion``: done / planned (NaN with no plans);
        * ``mastery``, ``pleasure``, ``mood``: means over the rows that happened;
        * ``avoidance_share``: share of those activities that were avoidance (0-1);
        * ``lapse`` (boolean; weekly only): activation clearly dropped against the
          client's own recent weeks (fewer activities a day, fewer plans carried
          out, more avoidance), by the rule of :func:`bactivate.lapse.lapses`
          (whose ``lapse`` column this is; with ``by="client"`` each client's
          own). ``<NA>`` for a week with fewer than 3 logged days, with fewer
          than 2 such weeks among the 3 before it, or when the log records none
          of activities, plans and avoidance: never False for "unknown".

        A count the log does not record is ``<NA>`` (the column is then
        Int64), a share or mean NaN. ``attrs["not_recorded"]`` lists the
        measures the log (with ``by="client"``: no client) records;
        ``attrs["trend"]`` holds :func:`progress_trend` of the table (per
        client with ``by="client"``, ``client`` first; slopes per week in
        every unit), ``attrs["unit"]`` the unit.

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
    >>> weekly["week_label"].tolist()
    ['Week 1, 2-8 Mar', 'Week 2, 9-15 Mar', 'Week 3, 16-22 Mar', 'Week 4, 23-29 Mar']
    >>> weekly["lapse"].tolist()  # synth plants a lapse in week 3; weeks 1-2 have too few before them
    [<NA>, <NA>, True, False]
    >>> diary = ba.synth.client(weeks=4, seed=1).assign(avoidance=pd.NA)
    >>> bool(ba.progress(diary)["avoidance_share"].isna().all()), ba.progress(diary).attrs["not_recorded"]
    (True, ['avoidance_share'])
    >>> log, _ = ba.synth.cohort(n_clients=3, weeks=4, seed=1)
    >>> ba.progress(log, by="client").groupby("client").size().tolist()
    [4, 4, 4]
    >>> daily = ba.progress(log, unit="day", by="client")
    >>> daily.groupby("client")["study_day"].agg(["min", "max"]).to_numpy().tolist()
    [[1, 28], [1, 28], [1, 28]]
    """
    if on_dask(log, engine):  # the same table, computed on Dask
        return dispatch("progress", locals())
    require(log, ("start", "mastery", "pleasure", "mood", "planned", "done", "avoidance"), "progress()")
    key = _unit(freq, unit)
    if by not in (None, "client"):
        raise ValueError(f"by must be None (the log is one client's) or 'client' (one table for every "
                         f"client of a cohort), not {by!r}")
    if by == "client":
        require(log, ("client",), "progress(by='client')")
    else:
        one_client(log, "progress()", 'pass by="client" (one table of every client, each with its own '
                                      'weeks or days)')
    if key == "prompt":
        require(log, ("entry",), "progress(unit='prompt')")
    keep = log["start"].notna()
    if by == "client":
        keep &= log["client"].notna()
    keep = keep.to_numpy(dtype=bool)
    df = bare(log) if keep.all() else bare(log)[keep]
    day = day_numbers(df["start"], day_starts)
    if by == "client":
        codes, names = factorize_text(df["client"])
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
    if key == "week":
        weeks = week_days(df, week_start, weeks_from=weeks_from, by_client=by == "client",
                          day_starts=day_starts)
        period = weeks["week"].astype("int64") if len(df) else np.zeros(0, "int64")
        p_first = weeks["first"].astype("int64") if len(df) else period
        p_last = weeks["last"].astype("int64") if len(df) else period
    elif key == "day":
        period, p_first, p_last = rel + 1, day, day
    else:
        period, p_first, p_last = prompt_numbers(codes, df["start"], df["entry"]), day, day
    low = int(period.min()) if len(df) else 0
    span = int(period.max()) - low + 1 if len(df) else 1
    gcode, uniq = pd.factorize(codes * span + (period - low), sort=True)
    n = len(uniq)
    client_of = uniq // span
    planned, done, did = flags(df)
    has = recorded_by_client(df, codes, n_clients, sorted({f for need in NEEDS.values() for f in need}))

    def count(mask):
        """Rows of each period where *mask* holds."""
        return np.bincount(gcode, weights=mask, minlength=n).astype("int64")

    def mean(col):
        """Mean of *col* over each period's rows that happened."""
        return group_mean(gcode, df[col].to_numpy(dtype="float64", na_value=np.nan), n, did)

    first_of_day = ~pd.Series(codes * (int(rel.max()) + 1 if len(df) else 1) + rel).duplicated().to_numpy()
    start_day = np.full(n, np.iinfo("int64").max)
    np.minimum.at(start_day, gcode, p_first)
    end_day = np.full(n, np.iinfo("int64").min)
    np.maximum.at(end_day, gcode, p_last)
    planned_n, done_n = count(planned), count(done)
    out = {}
    if by == "client":
        out["client"] = pd.array(names[client_of], dtype="str")
    start_day = days_to_datetime(start_day, df["start"])
    end_day = days_to_datetime(end_day, df["start"])
    number = (uniq % span + low).astype("int64")
    if key == "week":
        out["week"] = number
        out["week_label"] = pd.array(week_labels(out["week"], start_day, end_day), dtype="str")
    elif key == "day":
        out["day"] = start_day
        out["study_day"] = number
    else:
        t = df["start"].to_numpy().astype("datetime64[ns]").astype("int64")
        when = np.full(n, np.iinfo("int64").max)
        np.minimum.at(when, gcode, t)
        out["prompt"] = number
        out["start"] = when.astype("datetime64[ns]").astype(df["start"].dtype)
        study = np.zeros(n, "int64")
        study[gcode] = rel + 1
        out["study_day"] = study
    out["start_day"] = start_day
    out["end_day"] = end_day
    if key != "prompt":  # a prompt is on one day
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
    # missing is not zero: a measure a client's log does not record is NA in each of its periods
    known_client = {m: np.logical_and.reduce([has[f] for f in NEEDS[m]]) for m in MEASURES}
    for m in MEASURES:
        known = known_client[m][client_of]
        if known.all():
            continue
        if m in ("activities", "planned", "done"):
            out[m] = pd.array(out[m], dtype="Int64")
            out[m][~known] = pd.NA
        else:
            out[m] = np.where(known, out[m], np.nan)
    table = pd.DataFrame(out)
    if key == "week":
        # activation clearly down against the client's own recent weeks (bactivate.lapse.lapses)
        table["lapse"] = lapse_tests(table)["lapse"]
    if key == "week":
        x = table[key].to_numpy(dtype="float64")
    elif key == "day":
        x = (number - 1) / 7
    else:  # time since the client's first prompt, in weeks
        x = _elapsed_weeks(table["start"], client_of)
    unknown = ~np.vstack([known_client[m] for m in MEASURES])  # measures x clients
    trend = _trend(table, client_of, names if by == "client" else None, x, key, 0.95, unknown)
    not_recorded = [m for j, m in enumerate(MEASURES) if n_clients and unknown[j].all()]
    table.attrs = {"trend": AttrsFrame(trend), "not_recorded": not_recorded, "unit": key}
    return table


def _unit(freq: str | None, unit: str | None) -> str:
    """The unit of :func:`progress` from *unit* and its older name *freq* ("W", "D")."""
    if freq is not None and freq not in ("W", "D"):
        raise ValueError(f"freq must be 'W' (weeks) or 'D' (days), not {freq!r}; or pass "
                         "unit='week', 'day' or 'prompt'")
    old = {"W": "week", "D": "day", None: None}[freq]
    if unit is None:
        return old or "week"
    time_unit(unit)
    if old is not None and old != unit:
        raise ValueError(f"freq={freq!r} and unit={unit!r} disagree; pass unit= only")
    return unit


def _elapsed_weeks(start: pd.Series, groups: np.ndarray) -> np.ndarray:
    """Weeks since each group's first *start* (float)."""
    t = start.to_numpy().astype("datetime64[ns]").astype("int64").astype("float64")
    n = int(groups.max()) + 1 if len(groups) else 0
    first = np.full(n, np.inf)
    np.minimum.at(first, groups, t)
    return (t - first[groups]) / (7 * 86400e9)


def progress_trend(weekly: pd.DataFrame, per: str = "week", ci: float = 0.95) -> pd.DataFrame:
    """Change per week of each measure in a :func:`progress` table, in the units the table is read in.

    The slopes are least-squares lines through the weekly values, fitted in
    closed form, all measures at once (the same numbers as
    ``scipy.stats.linregress``); a day-by-day table is fitted against days /
    7, so the slope is still per week. Shares (``completion``,
    ``avoidance_share``), which reports show as percentages, are fitted on
    0-100: their slope and interval are in percentage points per week (the
    table's 0.32 is 32%). The ``direction`` is read from the interval in the
    same row; ``summary`` says it in plain words, with the first and last
    values, also when the interval cannot tell (avoidance 32% in week 1 and
    3% in week 5 over five weeks: "fell from 32% to 3% (too few weeks to be
    sure it is a trend)").

    Parameters
    ----------
    weekly : pandas.DataFrame
        A :func:`progress` table of one client (its ``attrs["not_recorded"]``
        says which measures the log does not record).
    per : {"week", "day", "prompt"}, default "week"
        The table's period column (``"day"`` for ``progress(log, unit="day")``,
        ``"prompt"`` for ``unit="prompt"``: fitted against the time since
        the first prompt, in weeks).
    ci : float, default 0.95
        Confidence level of the slope intervals.

    Returns
    -------
    pandas.DataFrame
        One row per measure of :data:`MEASURES` in the table:

        * ``measure`` (str);
        * ``slope`` (in ``unit``), ``slope_ci_low``, ``slope_ci_high``, ``slope_p``
          (NaN with fewer than 3 periods, and interval and p for a flat
          line; all NaN for a measure not recorded);
        * ``n`` (int64): periods with a value;
        * ``first``, ``last``: the first and last value (shares as 0-100);
        * ``unit`` (str): "per week" (counts), "percentage points per week"
          (shares), "points (0-10) per week" (ratings);
        * ``direction`` (str): "rising" (the interval's lower end above 0),
          "falling" (its upper end below 0), "no clear change" (the interval
          holds 0, or there is none), or "not recorded in this log";
        * ``summary`` (str): the change in plain words, without statistics
          terms: "went up by about 0.4 points a week (3.8 at the start, 5.2
          at the end)", "fell from 32% to 3% (too few weeks to be sure it is
          a trend)" when the ends differ by :data:`LARGE_CHANGE` or more but
          the interval holds 0, "about the same (4.1 at the start, 4.3 at
          the end)", "not recorded in this log".

        ``attrs["description"]`` says how it was fitted, ``attrs["not_recorded"]``
        the measures not recorded.

    Examples
    --------
    >>> import bactivate as ba
    >>> trend = ba.progress_trend(ba.progress(ba.synth.client(weeks=4, seed=1)))
    >>> trend[["measure", "slope", "n", "unit", "direction"]].round(2)
               measure  slope  n                        unit        direction
    0       activities  -1.80  4                    per week  no clear change
    1          planned   2.30  4                    per week           rising
    2             done   0.90  4                    per week  no clear change
    3       completion   4.76  3  percentage points per week  no clear change
    4          mastery  -0.03  4      points (0-10) per week  no clear change
    5         pleasure  -0.05  4      points (0-10) per week  no clear change
    6             mood  -0.24  4      points (0-10) per week  no clear change
    7  avoidance_share   1.02  4  percentage points per week  no clear change
    >>> trend.set_index("measure")["summary"].loc[["planned", "done", "mood"]].tolist()
    ['went up by about 2.3 a week (0 at the start, 7 at the end)', \
'rose from 0 to 3 (too few weeks to be sure it is a trend)', \
'about the same (3.8 at the start, 4.1 at the end)']
    """
    if per not in ("week", "day", "prompt"):
        raise ValueError(f"per must be 'week', 'day' or 'prompt', not {per!r}")
    x = weekly["start" if per == "prompt" else per]
    if per == "day":
        x = (x - x.min()).dt.days / 7
    elif per == "prompt":
        x = (x - x.min()).dt.total_seconds() / (7 * 86400)
    gone = set(weekly.attrs.get("not_recorded", ()))
    unknown = np.array([[m in gone] for m in MEASURES])
    return _trend(weekly, np.zeros(len(weekly), dtype="int64"), None, x.to_numpy(dtype="float64"), per, ci,
                  unknown)


def _trend(table: pd.DataFrame, codes: np.ndarray, names, x: np.ndarray, per: str, ci: float,
           unknown: np.ndarray | None = None) -> pd.DataFrame:
    """The trend rows of every client (*codes* into *names*, sorted; one group when *names* is None).

    All measures and clients are fitted at once in closed form. *unknown*
    (measures of :data:`MEASURES` x groups) marks the measures a client does not record.
    """
    measures = [m for m in MEASURES if m in table.columns]
    n_groups = 1 if names is None else len(names)
    if not measures:
        return pd.DataFrame()
    # shares are fitted as percentages, so that slope and interval are percentage points
    scale = np.array([100.0 if UNITS[m].startswith("percentage") else 1.0 for m in measures])
    y = np.column_stack([table[m].to_numpy(dtype="float64", na_value=np.nan) for m in measures]) * scale
    fit = grouped_slopes(codes, x, y, n_groups, ci, flat_nan=True)
    # first and last values of each measure per group (rows are sorted by group)
    first = np.full((len(measures), n_groups), np.nan)
    last = first.copy()
    groups = np.arange(n_groups)
    for j in range(len(measures)):  # one pass per measure (8), over all groups at once
        pos = np.flatnonzero(~np.isnan(y[:, j]))
        cv = codes[pos]
        lo, hi = np.searchsorted(cv, groups, "left"), np.searchsorted(cv, groups, "right")
        has = hi > lo
        first[j, has] = y[pos[lo[has]], j]
        last[j, has] = y[pos[hi[has] - 1], j]
    direction = np.where(fit["ci_low"] > 0, "rising", np.where(fit["ci_high"] < 0, "falling", "no clear change"))
    gone = np.zeros((len(measures), n_groups), bool)
    if unknown is not None:
        gone = np.asarray(unknown, bool)[[MEASURES.index(m) for m in measures]].reshape(len(measures), -1)
        gone = np.broadcast_to(gone, (len(measures), n_groups))
    direction = np.where(gone, NOT_RECORDED, direction)

    def flat(a):  # measures x groups -> group-major rows
        """*a* (measures x groups) as one column, group by group."""
        return np.asarray(a).T.reshape(-1)

    gone_rows = flat(gone)
    cols = {"slope": fit["slope"], "slope_ci_low": fit["ci_low"], "slope_ci_high": fit["ci_high"],
            "slope_p": fit["p"], "n": fit["n"], "first": first, "last": last}
    cols = {k: np.where(gone_rows, 0 if k == "n" else np.nan, flat(v)) for k, v in cols.items()}
    cols["n"] = cols["n"].astype("int64")
    cols["unit"] = np.tile(np.array([UNITS[m] for m in measures], dtype=object), n_groups)
    cols["direction"] = flat(direction).astype(object)
    cols["summary"] = _summaries(cols, per)
    out = pd.DataFrame({"measure": pd.array(np.tile(np.array(measures, dtype=object), n_groups), dtype="str"),
                        **{k: pd.array(v, dtype="str") if v.dtype == object else v for k, v in cols.items()}})
    if names is not None:
        out.insert(0, "client", pd.array(np.repeat(names, len(measures)), dtype="str"))
    out.attrs = {"description": f"OLS slope per week over {per}s, {ci:.0%} CI; shares in percentage points "
                                "(fitted on 0-100); few periods give wide CIs.",
                 "not_recorded": sorted(set(np.tile(np.array(measures, dtype=object), n_groups)[gone_rows]))}
    return out


def _number(v: np.ndarray, share: np.ndarray, rating: np.ndarray) -> np.ndarray:
    """Values as the table shows them: "32%" (shares, already 0-100), "4.1" (ratings), "12" (counts)."""
    v = np.nan_to_num(np.asarray(v, dtype="float64"))
    whole = np.char.mod("%d", np.round(v).astype("int64")).astype(object)
    one = np.char.mod("%.1f", v).astype(object)
    return np.where(share, whole + "%", np.where(rating, one, whole))


def _summaries(t: dict, per: str) -> np.ndarray:
    """The plain-language ``summary`` of each trend row (*t*: the trend's columns as arrays)."""
    if not len(t["n"]):
        return np.array([], dtype=object)
    unit = t["unit"]
    share = unit == UNITS["completion"]
    rating = unit == UNITS["mood"]
    lo, hi = t["first"], t["last"]
    n = t["n"]
    first, last = _number(lo, share, rating), _number(hi, share, rating)
    change = hi - lo
    big = np.where(share, LARGE_CHANGE[UNITS["completion"]],
                   np.where(rating, LARGE_CHANGE[UNITS["mood"]], np.maximum(2.0, 0.25 * np.abs(lo))))
    large = np.abs(change) >= big - 1e-9
    words = np.where(share, " percentage points", np.where(rating, " points", "")).astype(object)
    size = np.char.mod("%.1f", np.abs(np.nan_to_num(t["slope"]))).astype(object)
    ends = " (" + first + " at the start, " + last + " at the end)"
    few = n < (FEW_WEEKS if per == "week" else 7 * FEW_WEEKS)
    why = np.where(few, f" (too few {per}s to be sure it is a trend)",
                   " (it went up and down too much to be sure it is a trend)").astype(object)
    moved = np.where(change > 0, "rose from ", "fell from ").astype(object) + first + " to " + last + why
    d = t["direction"]
    return np.select(
        [d == NOT_RECORDED, n == 0, n == 1, d == "rising", d == "falling", large],
        [NOT_RECORDED, f"no values in any {per}", f"only one {per} with a value: " + last,
         "went up by about " + size + words + " a week" + ends,
         "went down by about " + size + words + " a week" + ends,
         moved],
        "about the same" + ends).astype(object)


def small_wins(log: pd.DataFrame, *, high: float = HIGH) -> pd.DataFrame:
    """The moments to celebrate, one row each, in time order.

    Avoidance entries and skipped plans are never wins. An entry can be a win
    of several kinds (one row for each).

    Parameters
    ----------
    log : pandas.DataFrame
        The tidy log of one client.
    high : float, default 6
        Mastery or pleasure rated at least *high* (0-10) is a win: the threshold
        :func:`bactivate.balance` and the plots use (:data:`bactivate.balance.HIGH`).

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
    {'first time': 5, 'high mastery': 43, 'high pleasure': 45, 'planned and done': 5}
    """
    require(log, ("start", "activity", "mastery", "pleasure", "planned", "done", "avoidance"), "small_wins()")
    one_client(log, "small_wins()", "call it on each client's rows: "
               "{c: ba.small_wins(rows) for c, rows in log.groupby('client')}")
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
    for c in ("kind", "activity", "category"):  # names as text, not category
        out[c] = out[c].astype("str")
    return out.sort_values(["start", "kind"], kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- lapse weeks
# The rule is here, next to the weekly table it reads, so that progress() can give its ``lapse``
# column without importing bactivate.lapse (which builds on progress: no import cycle).

#: Fewest logged days for a week to be compared (fewer: "not enough entries", never a lapse).
LAPSE_MIN_DAYS = 3

#: Fewest earlier weeks (of the *recent* ones before it, each with enough entries) for a week to
#: be compared with the client's own recent level.
LAPSE_MIN_EARLIER = 2

#: The level of the lapse rule: the week's one-sided p-values, combined by Fisher's method, must
#: be below it.
LAPSE_ALPHA = 0.05

#: The measures a lapse is read from, and the direction that is worse: activities per logged day
#: down, plans carried out down, avoidance up.
LAPSE_MEASURES = {"activities_per_day": -1, "completion": -1, "avoidance_share": 1}


def lapse_tests(weekly: pd.DataFrame, *, recent: int = 3, alpha: float = LAPSE_ALPHA) -> pd.DataFrame:
    """Each week of a weekly :func:`progress` table against the client's own recent weeks.

    The rule and its measured error rates are described in :func:`bactivate.lapse.lapses`
    (which returns these columns with the week's label and plain words); this is its arithmetic,
    vectorised over the weeks (and clients) of *weekly*.

    Parameters
    ----------
    weekly : pandas.DataFrame
        A :func:`progress` table with ``freq="W"`` (one client's, or a cohort's with ``client``).
    recent : int, default 3
        How many weeks before each week make its recent level.
    alpha : float, default :data:`LAPSE_ALPHA`
        One-sided level of the rule (after multiplying by the measures tested).

    Returns
    -------
    pandas.DataFrame
        One row per row of *weekly*, same index: ``earlier_weeks`` (int64: weeks with enough
        entries among the *recent* before it); for each measure *m* of
        :data:`LAPSE_MEASURES`, ``m`` (this week), ``m_recent`` (pooled over the earlier
        weeks), ``m_change`` (this week minus recent) and ``m_p`` (one-sided p of a change
        at least this bad if the week were like the earlier ones; NaN when not tested);
        ``tested`` (int64: measures with a p), ``p`` (the smallest p times ``tested``,
        at most 1), ``worse`` (int64: measures whose change points the worse way),
        ``lapse`` (boolean, ``<NA>`` when not compared) and ``status`` (str).

    Examples
    --------
    >>> import bactivate as ba
    >>> weekly = ba.progress(ba.synth.client(weeks=8, lapse_week=5, seed=1))
    >>> lapse_tests(weekly)["lapse"].tolist()
    [<NA>, <NA>, False, False, True, False, False, False]
    """
    if recent < 1 or int(recent) != recent:
        raise ValueError(f"recent must be a whole number of weeks >= 1, not {recent!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, not {alpha!r}")
    n = len(weekly)
    if "client" in weekly.columns:
        client = factorize_text(weekly["client"])[0].astype("int64")
    else:
        client = np.zeros(n, dtype="int64")
    week = weekly["week"].to_numpy(dtype="int64")
    days = weekly["days_logged"].to_numpy(dtype="float64")

    def num(col):
        """*col* as float64 (NA as NaN)."""
        return weekly[col].to_numpy(dtype="float64", na_value=np.nan)

    acts, planned, done = num("activities"), num("planned"), num("done")
    avoid = np.round(num("avoidance_share") * acts)
    enough = days >= LAPSE_MIN_DAYS
    # the rows of the same client's earlier weeks (week - 1 .. week - recent), where they have entries
    key = client * (int(week.max()) + recent + 2 if n else 1) + week
    order = np.argsort(key, kind="stable")
    pooled = {c: np.zeros(n) for c in ("days", "acts", "planned", "done", "avoid", "avoid_n")}
    earlier = np.zeros(n, dtype="int64")
    weeks_before = []  # (found, activities, days) of each earlier week, for the rate's spread
    for lag in range(1, int(recent) + 1):  # a loop over a few weeks, every row at once
        pos = np.searchsorted(key[order], key - lag)
        pos = np.minimum(pos, max(n - 1, 0))
        row = order[pos] if n else pos
        found = (key[order][pos] == key - lag) if n else np.zeros(0, bool)
        found &= enough[row] if n else found
        earlier += found
        weeks_before.append((found & ~np.isnan(acts[row]), acts[row], days[row]))
        for c, v in (("days", days), ("acts", acts), ("planned", planned), ("done", done)):
            pooled[c] += np.where(found & ~np.isnan(v[row]), v[row], 0.0)
        has_avoid = found & ~np.isnan(avoid[row])
        pooled["avoid"] += np.where(has_avoid, avoid[row], 0.0)
        pooled["avoid_n"] += np.where(has_avoid, acts[row], 0.0)
    compared = enough & (earlier >= LAPSE_MIN_EARLIER)
    out = {"earlier_weeks": earlier}
    with np.errstate(invalid="ignore", divide="ignore"):
        # activities per logged day: this week's count given the pooled count is binomial with the
        # share of the logged days that are this week's (the exact conditional test of two rates)
        rate, rate_recent = acts / days, pooled["acts"] / pooled["days"]
        ok = compared & ~np.isnan(acts) & (pooled["days"] > 0)
        # how much a client logs varies from week to week more than by chance: the counts are
        # divided by the earlier weeks' dispersion (Pearson chi-square / df, at least 1)
        spread = _rate_dispersion(weeks_before, rate_recent, earlier)
        x = np.where(ok, np.nan_to_num(acts), 0) / spread
        total = np.where(ok, acts + pooled["acts"], 0) / spread
        share = np.where(ok, days / (days + pooled["days"]), 0.5)
        # P(X <= x) for X binomial(total, share), continuous in x and total (the regularised beta)
        p_rate = np.where(ok, np.where(x >= total, 1.0, _sp.betainc(np.maximum(total - x, 1e-12), x + 1,
                                                                     1 - share)), np.nan)
        # completion: done this week against the pooled plans (one-sided Fisher exact test)
        comp_recent = pooled["done"] / pooled["planned"]
        ok_c = compared & (np.nan_to_num(planned) > 0) & (pooled["planned"] > 0)
        p_comp = np.where(ok_c, _st.hypergeom.cdf(
            np.nan_to_num(done), np.where(ok_c, planned + pooled["planned"], 1),
            np.where(ok_c, done + pooled["done"], 0), np.where(ok_c, planned, 1)), np.nan)
        # avoidance share: avoidance entries this week against the pooled ones (Fisher, upper tail)
        share_now, share_recent = avoid / acts, pooled["avoid"] / pooled["avoid_n"]
        ok_a = compared & ~np.isnan(avoid) & (np.nan_to_num(acts) > 0) & (pooled["avoid_n"] > 0)
        p_avoid = np.where(ok_a, _st.hypergeom.sf(
            np.nan_to_num(avoid) - 1, np.where(ok_a, acts + pooled["avoid_n"], 1),
            np.where(ok_a, avoid + pooled["avoid"], 0), np.where(ok_a, acts, 1)), np.nan)
        values = {"activities_per_day": (rate, rate_recent, p_rate, ok),
                  "completion": (done / planned, comp_recent, p_comp, ok_c),
                  "avoidance_share": (share_now, share_recent, p_avoid, ok_a)}
    worse = np.zeros(n, dtype="int64")
    ps = []
    for m, (now, before, p, tested) in values.items():
        now = np.where(tested, now, np.nan)
        before = np.where(tested, before, np.nan)
        out[m], out[f"{m}_recent"], out[f"{m}_change"], out[f"{m}_p"] = now, before, now - before, p
        worse += tested & (LAPSE_MEASURES[m] * (now - before) > 0)
        ps.append(p)
    p = np.vstack(ps)
    tested = (~np.isnan(p)).sum(axis=0)
    # Fisher's method: -2 sum(log p) is chi-square with 2k degrees of freedom when no measure moved
    stat = -2.0 * np.log(np.where(np.isnan(p), 1.0, np.maximum(p, 1e-300))).sum(axis=0)
    out["tested"] = tested.astype("int64")
    out["p"] = np.where(tested > 0, _st.chi2.sf(stat, 2 * np.maximum(tested, 1)), np.nan)
    out["worse"] = worse
    # a lapse: clear in the measures together, and (when more than one is tested) two of them worse
    flag = (out["p"] < alpha) & ((tested == 1) | (worse >= 2))
    known = compared & (tested > 0)
    out["lapse"] = pd.array(np.where(known, flag, False), dtype="boolean")
    out["lapse"][~known] = pd.NA
    out["status"] = pd.array(np.select(
        [~enough, earlier < LAPSE_MIN_EARLIER, tested == 0],
        [LAPSE_NOT_ENOUGH, LAPSE_TOO_EARLY, NOT_RECORDED], "compared"), dtype="str")
    return pd.DataFrame(out, index=weekly.index)


def _rate_dispersion(weeks_before: list, rate: np.ndarray, earlier: np.ndarray) -> np.ndarray:
    """Pearson chi-square / df of the earlier weeks' activity counts around their pooled rate (>= 1).

    *weeks_before*: (found, activities, days) arrays of each earlier week; *rate*: the pooled
    activities per logged day; *earlier*: how many were found (df = earlier - 1).
    """
    chi2 = np.zeros(len(rate))
    with np.errstate(invalid="ignore", divide="ignore"):
        for found, a, d in weeks_before:  # a loop over a few weeks
            expected = rate * d
            chi2 += np.where(found & (expected > 0), (a - expected) ** 2 / expected, 0.0)
        phi = chi2 / (earlier - 1)
    return np.where(earlier > 1, np.maximum(1.0, np.nan_to_num(phi, nan=1.0)), 1.0)


#: The status of a week with fewer than :data:`LAPSE_MIN_DAYS` logged days.
LAPSE_NOT_ENOUGH = "not enough entries"

#: The status of a week with fewer than :data:`LAPSE_MIN_EARLIER` earlier weeks to compare with.
LAPSE_TOO_EARLY = "too few earlier weeks"
