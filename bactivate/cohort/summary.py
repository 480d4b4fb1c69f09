"""One row per client, and one per client-week: the unit of analysis for cohort questions.

>>> import bactivate as ba
>>> log, roster = ba.synth.cohort(n_clients=6, weeks=4, seed=1)
>>> summary = ba.client_summary(log, roster=roster)
>>> len(summary), summary["arm"].tolist()
(6, ['BA', 'BA', 'BA', 'control', 'control', 'control'])
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bactivate._engine import dispatch, on_dask
from bactivate._grouped import group_mean, grouped_slopes
from bactivate._log import (
    TIME_UNITS,
    day_numbers,
    day_start,
    days_to_datetime,
    flags,
    prompt_numbers,
    recorded_by_client,
    require,
    time_unit,
)
from bactivate._util import natural_codes
from bactivate.io.roster import roster_for, roster_mismatch
from bactivate.schema import factorize_text, source_scale, to_source


def client_weeks(log: pd.DataFrame, extra=()) -> pd.DataFrame:
    """One row per client and week, every week of each client's span (weeks with no entries too).

    Weeks count from each client's first logged day (week 1 = days 1-7).
    Counts are as logged: :func:`client_summary` and
    :func:`bactivate.cohort.trajectory.weekly` scale a short last week to 7 days.

    Parameters
    ----------
    log : DataFrame
        A tidy log of one or more clients (:func:`bactivate.read_cohort`);
        rows without a start or a client are left out.
    extra : sequence of str, default ()
        Numeric columns of *log* whose weekly means are added.

    Returns
    -------
    DataFrame
        Clients in natural order (C2 before C10), weeks in order:
        ``client`` (str), ``week`` (int64, 1 = the client's first 7 days),
        ``week_start`` (its first day, datetime64[ns]), ``days`` (days of the
        client's span in that week: 7, or fewer in the last week),
        ``days_logged``, ``entries``, ``activities`` (rows that happened with
        an activity name: skipped plans and mood-only rows left out),
        ``planned``, ``done`` (planned and carried out) (all int64),
        ``completion`` (done / planned; NaN with no plans), ``mastery``,
        ``pleasure``, ``effort`` (means over activities that happened),
        ``mood`` (mean over entries: one mood per entry),
        ``avoidance_share`` (of those activities) (all float64), then the
        mean of each column named in *extra*.

    Raises
    ------
    ValueError
        When a column in *extra* is missing or not numeric.

    Examples
    --------
    >>> import bactivate as ba
    >>> log, _ = ba.synth.cohort(n_clients=6, weeks=4, seed=1)
    >>> weeks = client_weeks(log)
    >>> len(weeks), weeks["client"].nunique()
    (24, 6)
    >>> weeks[["client", "week", "days", "entries", "done", "mood"]].head(3).round(2)
      client  week  days  entries  done  mood
    0   C001     1     7       56     0  4.36
    1   C001     2     7       52     1  4.73
    2   C001     3     7       55     4  6.24
    """
    require(log, ("client", "entry", "start", "mood", "planned", "done", "avoidance"), "client_weeks()")
    return _client_periods(_Prepared(log), "week", extra)


def client_periods(log: pd.DataFrame, unit: str = "week", extra=(), *, day_starts=None) -> pd.DataFrame:
    """One row per client and week, study day or prompt: :func:`client_weeks` in any time unit.

    Parameters
    ----------
    log : DataFrame
        A tidy log of one or more clients (:func:`bactivate.read_cohort`);
        rows without a start or a client are left out.
    unit : {"week", "day", "prompt"}, default "week"
        ``"week"`` is :func:`client_weeks`; ``"day"`` gives every day of each
        client's span (days with no entries too), numbered from the client's
        first logged day; ``"prompt"`` one row per entry, numbered within
        client in time order.
    extra : sequence of str, default ()
        Numeric columns of *log* whose means per period are added.
    day_starts : str, int, datetime.time or None, default None
        When a study day starts ("04:00"): entries after midnight and before
        it count for the day before (:func:`bactivate._log.day_start`). It
        moves weeks too. None is midnight.

    Returns
    -------
    DataFrame
        The columns of :func:`client_weeks`, with the period columns of the unit:

        * ``"week"``: ``week``, ``week_start``, ``days``;
        * ``"day"``: ``study_day`` (int64, 1 = the client's first logged
          day), ``date`` (datetime64, the day), ``week`` (int64, the study
          week it is in: days 1-7 are week 1); no ``days``;
        * ``"prompt"``: ``prompt`` (int64, 1 = the client's first entry),
          ``start`` (datetime64, when it was answered), ``study_day``,
          ``week``; no ``days`` and no ``days_logged``.

        Counts are per period as logged (a prompt's ``entries`` is 1).

    Examples
    --------
    >>> import bactivate as ba
    >>> log, _ = ba.synth.cohort(n_clients=2, weeks=2, seed=1)
    >>> days = client_periods(log, "day")
    >>> days.groupby("client")["study_day"].agg(["min", "max", "size"]).to_numpy().tolist()
    [[1, 14, 14], [1, 14, 14]]
    >>> client_periods(log, "prompt")[["client", "prompt", "study_day", "mood"]].head(3)
      client  prompt  study_day  mood
    0   C001       1          1   4.0
    1   C001       2          1   4.0
    2   C001       3          1   4.0
    """
    require(log, ("client", "entry", "start", "mood", "planned", "done", "avoidance"), "client_periods()")
    return _client_periods(_Prepared(log, day_starts), time_unit(unit), extra)


class _Prepared:
    """The dated rows of known clients, as the arrays every per-client aggregate needs.

    Computed once and shared by :func:`client_summary` and :func:`client_weeks`:
    client codes (``names`` in order of first appearance), day numbers, each
    client's first day, week numbers, the plan flags, and the first row of each
    entry (one mood per entry).
    """

    def __init__(self, log: pd.DataFrame, day_starts=None):
        keep = (log["start"].notna() & log["client"].notna()).to_numpy()
        df = log if keep.all() else log[keep]
        self.df = df
        self.codes, names = factorize_text(df["client"])
        self.names = np.asarray(names, dtype=object)
        self.n = len(self.names)
        self.day = day_numbers(df["start"], day_starts)
        first = np.full(self.n, np.iinfo("int64").max)
        last = np.full(self.n, np.iinfo("int64").min)
        if len(df):
            first = pd.Series(self.day).groupby(self.codes).min().to_numpy()
            last = pd.Series(self.day).groupby(self.codes).max().to_numpy()
        self.first, self.last = first, last
        self.rel = self.day - first[self.codes] if len(df) else self.day  # days since the client's first
        self.week = self.rel // 7 + 1
        self.planned, self.done, self.happened = flags(df)
        # activities: rows that happened with an activity name (not skipped plans, not mood-only rows)
        self.named = self.happened & (df["activity"].notna().to_numpy(dtype=bool) if "activity" in df.columns
                                      else True)
        entry = df["entry"]
        if pd.api.types.is_integer_dtype(entry.dtype) and not entry.hasnans and len(df):
            e = entry.to_numpy(dtype="int64")
            e = e - e.min()
            self.first_row = ~pd.Series(self.codes * (int(e.max()) + 1) + e).duplicated().to_numpy()
        else:
            self.first_row = ~pd.DataFrame({"c": self.codes, "e": entry.to_numpy()}).duplicated().to_numpy()
        span = int((self.rel.max() + 1) if len(df) else 1)
        self.first_of_day = ~pd.Series(self.codes * span + self.rel).duplicated().to_numpy()
        self.order = np.argsort(natural_codes(pd.Series(self.names, dtype="str")), kind="stable")


def _client_periods(p: _Prepared, unit: str = "week", extra=()) -> pd.DataFrame:
    """:func:`client_periods` of prepared rows (its grid's client codes left in ``p.grid_codes``,
    each client's number of periods in ``p.n_periods``)."""
    df = p.df
    n_days = p.last - p.first + 1
    if unit == "week":
        number = p.week
        n_periods = (n_days - 1) // 7 + 1 if p.n else np.zeros(0, "int64")
    elif unit == "day":
        number = p.rel + 1
        n_periods = n_days if p.n else np.zeros(0, "int64")
    else:
        number = prompt_numbers(p.codes, df["start"], df["entry"])
        n_periods = np.zeros(p.n, "int64")
        np.maximum.at(n_periods, p.codes, number)
    p.n_periods = n_periods
    wmax = int(n_periods.max()) if p.n else 1
    key = p.codes * wmax + (number - 1)
    size = p.n * wmax
    # every period of each client's span, clients in natural order
    reps = n_periods[p.order]
    client_rep = np.repeat(p.order, reps)
    period = (np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps) + 1).astype("int64")
    gkey = client_rep * wmax + period - 1
    p.grid_codes = client_rep

    def count(mask):
        return np.bincount(key, weights=mask, minlength=size)[gkey].astype("int64")

    def mean(col, where=None):
        return group_mean(key, df[col].to_numpy(dtype="float64", na_value=np.nan), size, where)[gkey]

    out = {"client": pd.array(p.names[client_rep], dtype="str")}
    if unit == "week":
        out["week"] = period
        out["week_start"] = days_to_datetime(p.first[client_rep] + 7 * (period - 1), df["start"])
        out["days"] = np.minimum(7, n_days[client_rep] - 7 * (period - 1)).astype("int64")
    elif unit == "day":
        out["study_day"] = period
        out["date"] = days_to_datetime(p.first[client_rep] + period - 1, df["start"])
        out["week"] = (period - 1) // 7 + 1
    else:
        when = np.full(size, np.iinfo("int64").max)
        np.minimum.at(when, key, df["start"].to_numpy().astype("datetime64[ns]").astype("int64"))
        study = np.zeros(size, "int64")
        study[key] = p.rel + 1
        out["prompt"] = period
        out["start"] = when[gkey].astype("datetime64[ns]").astype(df["start"].dtype)
        out["study_day"] = study[gkey]
        out["week"] = (out["study_day"] - 1) // 7 + 1
    if unit != "prompt":
        out["days_logged"] = count(p.first_of_day)
    planned = count(p.planned)
    done = count(p.done)
    avoid = df["avoidance"].fillna(False).to_numpy(dtype=bool)
    out = pd.DataFrame({
        **out,
        "entries": count(p.first_row),
        "activities": count(p.named),
        "planned": planned, "done": done,
    })
    with np.errstate(invalid="ignore", divide="ignore"):
        out["completion"] = np.where(planned > 0, done / np.where(planned > 0, planned, 1), np.nan)
    out["mastery"] = mean("mastery", p.happened)
    out["pleasure"] = mean("pleasure", p.happened)
    out["effort"] = mean("effort", p.happened)
    out["mood"] = mean("mood", p.first_row)
    out["avoidance_share"] = group_mean(key, avoid.astype("float64"), size, p.named)[gkey]
    for c in extra:
        if c in out.columns:
            continue
        if c not in df.columns:
            raise ValueError(f"the log has no column {c!r}")
        if not pd.api.types.is_numeric_dtype(df[c].dtype):
            raise ValueError(f"column {c!r} is not numeric, so it has no weekly mean")
        out[c] = mean(c)
    return out


_SUMMARY_DOC = {
    "first_day": "first logged day",
    "last_day": "last logged day",
    "span_days": "days from the first to the last logged day, both counted",
    "weeks": "weeks spanned (week 1 = the client's first 7 days)",
    "days_logged": "days with at least one entry",
    "adherence": "days_logged / span_days",
    "entries": "logged entries (an entry can list several activities)",
    "activities": "activities that happened (rows with an activity name; planned-and-skipped rows left out)",
    "planned": "planned activities", "done": "planned activities carried out",
    "completion": "done / planned (NaN with no plans)",
    "mastery": "mean mastery of activities that happened (0-10)",
    "pleasure": "mean pleasure of activities that happened (0-10)",
    "mood": "mean mood over entries (0-10)",
    "avoidance_share": "share of those activities flagged as avoidance",
    "activation_slope": "change per week in planned activities carried out per week (OLS over the "
                        "client's weeks, a short last week scaled to 7 days), with its t-interval",
    "mood_slope": "change per week in the weekly mean mood (OLS over the client's weeks), with its "
                  "t-interval",
    "mood_first_week": "mean mood in week 1",
    "mood_last_weeks": "mean of the weekly mean moods of the last two weeks (weeks 2 and later)",
    "mood_change": "mood_last_weeks - mood_first_week",
}

#: How :func:`client_summary`'s slope and mood-change columns read in the other time units.
_UNIT_DOC = {
    "day": {
        "activation_slope": "change per study day in planned activities carried out per day (OLS over "
                            "the client's study days), with its t-interval",
        "mood_slope": "change per study day in the daily mean mood (OLS over the client's study days, "
                      "day 1 = the first logged day), with its t-interval",
        "mood_first_day": "mean mood on study day 1",
        "mood_last_days": "mean of the daily mean moods of the last two study days (days 2 and later)",
        "mood_change": "mood_last_days - mood_first_day",
    },
    "prompt": {
        "activation_slope": "change per prompt in planned activities carried out at a prompt (OLS over "
                            "the client's entries in time order), with its t-interval",
        "mood_slope": "change per prompt in mood (OLS over the client's entries in time order), with "
                      "its t-interval",
        "mood_first_prompt": "mood at the first entry",
        "mood_last_prompts": "mean mood of the last two entries (entries 2 and later)",
        "mood_change": "mood_last_prompts - mood_first_prompt",
    },
}


def _summary_doc(unit: str) -> dict[str, str]:
    """Each summary column defined, in *unit*."""
    if unit == "week":
        return dict(_SUMMARY_DOC)
    doc = {k: v for k, v in _SUMMARY_DOC.items() if k not in ("mood_first_week", "mood_last_weeks")}
    return {**doc, **_UNIT_DOC[unit]}


def client_summary(cohort: pd.DataFrame, *, roster=None, ci: float = 0.95, unit: str = "week",
                   day_starts=None, scale=None, engine: str = "pandas") -> pd.DataFrame:
    """One row per client: engagement, ratings, slopes and mood change, with the roster's columns.

    Parameters
    ----------
    cohort : DataFrame
        A tidy log of one or more clients (:func:`bactivate.read_cohort`).
    roster : str, Path or DataFrame, optional
        The roster to join on ``client``; by default ``cohort.attrs["roster"]``.
    ci : float, default 0.95
        Level of the slope intervals.
    unit : {"week", "day", "prompt"}, default "week"
        The time unit of the slopes and of mood change: weeks (7-day blocks
        from each client's first logged day), study days (day 1 = the
        client's first logged day) or prompts (entries in time order). Use
        ``"day"`` for a 7- or 14-day experience-sampling study: with one or
        two weeks per person no weekly slope can be fitted.
    day_starts : str, int, datetime.time or None, default None
        When a study day starts ("04:00"): entries after midnight and before
        it count for the day before (a late-evening prompt answered at
        00:30). It moves first and last days, days logged and weeks too.
        None is midnight.
    scale : {None, "source"}, default None
        None: ratings on the tidy 0-10 scale. ``"source"``: each rating column on
        the scale it was read from (``cohort.attrs["scales"]``, e.g. mood on
        0-100, for a paper): means as levels, ``mood_change`` and the mood slope
        as differences (a reversed item flips their signs); ``attrs["scales"]``
        names the columns changed.
    engine : {"pandas", "dask"}, default "pandas"
        ``"dask"`` (or a Dask DataFrame as *cohort*, whatever *engine* says) runs the
        same code on Dask, a partition of clients at a time, and returns this same
        table (:func:`bactivate.cohort.distributed.run`; ``docs/scale.md``).

    Returns
    -------
    DataFrame
        One row per client, in natural order: ``client`` (str), the roster's
        columns (arm, baseline measures; one that clashes with a summary
        column is renamed ``{name}_roster``), then ``first_day``,
        ``last_day`` (datetime64[ns]), ``span_days``, ``weeks``,
        ``days_logged`` (int64), ``adherence`` (days_logged / span_days),
        ``entries``, ``activities``, ``planned``, ``done`` (int64),
        ``completion`` (done / planned), ``mastery``, ``pleasure``, ``mood``,
        ``avoidance_share``, ``activation_slope``,
        ``activation_slope_ci_low``, ``activation_slope_ci_high``,
        ``mood_slope``, ``mood_slope_ci_low``, ``mood_slope_ci_high``,
        ``mood_first_week``, ``mood_last_weeks``, ``mood_change`` (float64).
        With ``unit="day"`` the slopes are per study day and mood change
        reads ``mood_first_day``, ``mood_last_days``; with ``"prompt"``,
        per prompt, ``mood_first_prompt``, ``mood_last_prompts``.
        ``attrs``: ``columns`` (each summary column defined), ``notes``
        (roster mismatches, renamed columns), ``ci_level``, ``unit``,
        ``day_starts``, ``description``.

    Notes
    -----
    Weeks count from each client's first logged day. **Mood change** is the
    mean of the weekly mean moods of the last two weeks of the client's span
    minus the mean mood of week 1 (two weeks at the end smooth a single bad
    week; with a two-week log, only week 2; NaN with one week). In the other
    units the same rule holds for days (the last two study days' mean moods
    minus day 1's) and prompts. Slopes need 3 periods with a value (NaN
    otherwise): in a 14-day study, 14 days but only 2 weeks. Roster clients
    with no log get a row with 0 entries and missing measures; clients with
    a log but no roster row get missing roster columns -- nobody is dropped.

    Examples
    --------
    >>> import bactivate as ba
    >>> log, roster = ba.synth.cohort(n_clients=6, weeks=4, seed=1)
    >>> s = client_summary(log, roster=roster)
    >>> s.shape
    (6, 31)
    >>> s[["client", "arm", "weeks", "entries", "mood", "mood_change"]].round(2)
      client      arm  weeks  entries  mood  mood_change
    0   C001       BA      4      216  4.54         0.16
    1   C002       BA      4      213  4.72         0.83
    2   C003       BA      4      205  4.33         0.47
    3   C004  control      4      205  3.71        -0.34
    4   C005  control      4      201  4.45         1.52
    5   C006  control      4      207  4.32        -1.48
    >>> s.attrs["columns"]["mood_change"]
    'mood_last_weeks - mood_first_week'

    A two-week study on days:

    >>> log, roster = ba.synth.cohort(n_clients=4, weeks=2, seed=1)
    >>> daily = client_summary(log, roster=roster, unit="day")
    >>> bool(client_summary(log, roster=roster)["mood_slope"].isna().all())  # two weeks: no slope
    True
    >>> daily[["client", "mood_slope", "mood_first_day", "mood_last_days", "mood_change"]].round(2)
      client  mood_slope  mood_first_day  mood_last_days  mood_change
    0   C001        0.23            4.00            6.62         2.62
    1   C002        0.07            1.67            4.38         2.71
    2   C003       -0.03            4.75            4.38        -0.38
    3   C004        0.12            3.14            5.00         1.86
    """
    if on_dask(cohort, engine):  # the same table, computed on Dask
        return dispatch("client_summary", locals())
    require(cohort, ("client", "entry", "start", "mastery", "pleasure", "mood", "planned", "done",
                     "avoidance"), "client_summary()")
    if not 0 < ci < 1:
        raise ValueError(f"ci must be between 0 and 1, not {ci!r}")
    time_unit(unit)
    r = roster_for(cohort, roster)
    p = _Prepared(cohort, day_starts)
    weeks = _client_periods(p, unit)
    n, codes, df = p.n, p.codes, p.df

    def count(mask):
        return np.bincount(codes, weights=mask, minlength=n).astype("int64")

    def mean(col, where):
        return group_mean(codes, df[col].to_numpy(dtype="float64", na_value=np.nan), n, where)

    span = (p.last - p.first + 1).astype("int64")
    days_logged = count(p.first_of_day)
    planned, done = count(p.planned), count(p.done)
    avoid = df["avoidance"].fillna(False).to_numpy(dtype=bool).astype("float64")
    # missing is not zero: a client whose log records no plans (no avoidance flags) has unknown
    # plan counts, completion and activation slope (avoidance share), never 0
    has = recorded_by_client(df, codes, n, ("planned", "avoidance"))
    with np.errstate(invalid="ignore", divide="ignore"):
        out = pd.DataFrame({
            "first_day": days_to_datetime(p.first, df["start"]),
            "last_day": days_to_datetime(p.last, df["start"]),
            "span_days": span,
            "weeks": (span - 1) // 7 + 1,
            "days_logged": days_logged,
            "adherence": days_logged / span,
            "entries": count(p.first_row),
            "activities": count(p.named),
            "planned": planned,
            "done": done,
            "completion": np.where(planned > 0, done / np.where(planned > 0, planned, 1), np.nan),
            "mastery": mean("mastery", p.happened),
            "pleasure": mean("pleasure", p.happened),
            "mood": mean("mood", p.first_row),
            "avoidance_share": group_mean(codes, avoid, n, p.named),
        }, index=pd.Index(p.names, name="client"))

    # periods are in natural client order; map them to the codes of p.names
    wcode = p.grid_codes
    wk = weeks[TIME_UNITS[unit]].to_numpy(dtype="float64")
    activation = weeks["done"].to_numpy(dtype="float64")
    if unit == "week":  # a short last week scaled to 7 days
        activation = activation * 7.0 / weeks["days"].to_numpy(dtype="float64")
    wmood = weeks["mood"].to_numpy(dtype="float64")
    for name, y in (("activation_slope", activation), ("mood_slope", wmood)):
        fit = grouped_slopes(wcode, wk, y, n, ci)
        out[name] = fit["slope"]
        out[f"{name}_ci_low"] = fit["ci_low"]
        out[f"{name}_ci_high"] = fit["ci_high"]
    for name in ("activation_slope", "activation_slope_ci_low", "activation_slope_ci_high"):
        out[name] = out[name].where(has["planned"])
    out["planned"] = pd.array(planned, dtype="Int64")
    out["done"] = pd.array(done, dtype="Int64")
    out.loc[~has["planned"], ["planned", "done"]] = pd.NA
    out["avoidance_share"] = out["avoidance_share"].where(has["avoidance"])
    last_week = p.n_periods[wcode]
    first = np.full(n, np.nan)
    w1 = wk == 1
    first[wcode[w1]] = wmood[w1]
    tail = (wk >= last_week - 1) & (wk >= 2)
    out[f"mood_first_{unit}"] = first
    out[f"mood_last_{unit}s"] = group_mean(wcode, wmood, n, tail)
    out["mood_change"] = out[f"mood_last_{unit}s"] - out[f"mood_first_{unit}"]
    out = out.reset_index()

    notes = []
    if r is not None:
        notes = roster_mismatch(cohort, r)
        clash = [c for c in r.columns[1:] if c in out.columns]
        if clash:
            r = r.rename(columns={c: f"{c}_roster" for c in clash})
            notes.append("roster columns renamed to avoid clashing with summary columns: "
                         + ", ".join(f"{c} -> {c}_roster" for c in clash))
        out = r.merge(out, on="client", how="outer", sort=False)
        for c in ("days_logged", "entries", "activities"):  # a roster client with no log: true 0s
            out[c] = out[c].fillna(0).astype("int64")
        out[["planned", "done"]] = out[["planned", "done"]].astype("Int64")
    out["client"] = out["client"].astype("str")
    out = out.iloc[np.argsort(natural_codes(out["client"]), kind="stable")].reset_index(drop=True)
    what = {"week": "weeks count from each client's first logged day; mood_change = mean of the last two "
                    "weeks' mean moods minus week 1",
            "day": "study days count from each client's first logged day (day 1); slopes per study "
                   "day; mood_change = mean of the last two days' mean moods minus day 1",
            "prompt": "prompts are each client's entries in time order (prompt 1 = the first); slopes "
                      "per prompt; mood_change = mean mood of the last two entries minus the first"}[unit]
    if day_starts is not None:
        what += f"; a day starts at {day_start(day_starts) // 60:02d}:{day_start(day_starts) % 60:02d}"
    out.attrs = {"columns": _summary_doc(unit), "notes": notes, "ci_level": ci, "unit": unit,
                 "day_starts": day_starts, "description": "one row per client; " + what,
                 "scales": {} if scale is None else _on_source_scale(out, cohort, unit, scale)}
    return out


def _on_source_scale(out: pd.DataFrame, cohort: pd.DataFrame, unit: str, scale) -> dict:
    """Put *out*'s rating columns on their source scales, in place; the scales used, by column."""
    if scale != "source":
        raise ValueError(f"scale must be None (0-10) or 'source', not {scale!r}")
    known = cohort.attrs.get("scales") or {}
    source_scale(known, "mood")  # mood at least: else say how to get the scales
    used = {}
    for rating in ("mastery", "pleasure", "mood"):
        if rating not in known:
            continue
        src = source_scale(known, rating)
        levels = [rating] + ([f"mood_first_{unit}", f"mood_last_{unit}s"] if rating == "mood" else [])
        diffs = ["mood_change", "mood_slope"] if rating == "mood" else []
        for col in levels:
            out[col] = to_source(out[col], src)
        for col in diffs:
            out[col] = to_source(out[col], src, difference=True)
        if rating == "mood":
            lo = to_source(out["mood_slope_ci_low"], src, difference=True)
            hi = to_source(out["mood_slope_ci_high"], src, difference=True)
            out["mood_slope_ci_low"], out["mood_slope_ci_high"] = np.fmin(lo, hi), np.fmax(lo, hi)
        used.update(dict.fromkeys(levels + diffs, src))
    return used
