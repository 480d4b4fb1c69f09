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

from bactivate._grouped import group_mean, grouped_slopes
from bactivate._log import day_numbers, days_to_datetime, flags, require
from bactivate._util import natural_codes
from bactivate.io.roster import roster_for, roster_mismatch


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
    return _client_weeks(_Prepared(log), extra)


class _Prepared:
    """The dated rows of known clients, as the arrays every per-client aggregate needs.

    Computed once and shared by :func:`client_summary` and :func:`client_weeks`:
    client codes (``names`` in order of first appearance), day numbers, each
    client's first day, week numbers, the plan flags, and the first row of each
    entry (one mood per entry).
    """

    def __init__(self, log: pd.DataFrame):
        keep = (log["start"].notna() & log["client"].notna()).to_numpy()
        df = log if keep.all() else log[keep]
        self.df = df
        self.codes, names = pd.factorize(df["client"].astype("str"))
        self.names = np.asarray(names, dtype=object)
        self.n = len(self.names)
        self.day = day_numbers(df["start"])
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


def _client_weeks(p: _Prepared, extra=()) -> pd.DataFrame:
    """:func:`client_weeks` of prepared rows (its grid's client codes left in ``p.grid_codes``)."""
    df = p.df
    n_days = p.last - p.first + 1
    n_weeks = (n_days - 1) // 7 + 1 if p.n else np.zeros(0, "int64")
    wmax = int(n_weeks.max()) if p.n else 1
    key = p.codes * wmax + (p.week - 1)
    size = p.n * wmax
    # every week of each client's span, clients in natural order
    reps = n_weeks[p.order]
    client_rep = np.repeat(p.order, reps)
    week = (np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps) + 1).astype("int64")
    gkey = client_rep * wmax + week - 1
    p.grid_codes = client_rep
    start = days_to_datetime(p.first[client_rep] + 7 * (week - 1), df["start"])
    days = np.minimum(7, n_days[client_rep] - 7 * (week - 1)).astype("int64")

    def count(mask):
        return np.bincount(key, weights=mask, minlength=size)[gkey].astype("int64")

    def mean(col, where=None):
        return group_mean(key, df[col].to_numpy(dtype="float64", na_value=np.nan), size, where)[gkey]

    planned = count(p.planned)
    done = count(p.done)
    avoid = df["avoidance"].fillna(False).to_numpy(dtype=bool)
    out = pd.DataFrame({
        "client": pd.array(p.names[client_rep], dtype="str"),
        "week": week, "week_start": start, "days": days,
        "days_logged": count(p.first_of_day),
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


def client_summary(cohort: pd.DataFrame, *, roster=None, ci: float = 0.95) -> pd.DataFrame:
    """One row per client: engagement, ratings, slopes and mood change, with the roster's columns.

    Parameters
    ----------
    cohort : DataFrame
        A tidy log of one or more clients (:func:`bactivate.read_cohort`).
    roster : str, Path or DataFrame, optional
        The roster to join on ``client``; by default ``cohort.attrs["roster"]``.
    ci : float, default 0.95
        Level of the slope intervals.

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
        ``attrs``: ``columns`` (each summary column defined), ``notes``
        (roster mismatches, renamed columns), ``ci_level``, ``description``.

    Notes
    -----
    Weeks count from each client's first logged day. **Mood change** is the
    mean of the weekly mean moods of the last two weeks of the client's span
    minus the mean mood of week 1 (two weeks at the end smooth a single bad
    week; with a two-week log, only week 2; NaN with one week). Roster clients
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
    """
    require(cohort, ("client", "entry", "start", "mastery", "pleasure", "mood", "planned", "done",
                     "avoidance"), "client_summary()")
    if not 0 < ci < 1:
        raise ValueError(f"ci must be between 0 and 1, not {ci!r}")
    r = roster_for(cohort, roster)
    p = _Prepared(cohort)
    weeks = _client_weeks(p)
    n, codes, df = p.n, p.codes, p.df

    def count(mask):
        return np.bincount(codes, weights=mask, minlength=n).astype("int64")

    def mean(col, where):
        return group_mean(codes, df[col].to_numpy(dtype="float64", na_value=np.nan), n, where)

    span = (p.last - p.first + 1).astype("int64")
    days_logged = count(p.first_of_day)
    planned, done = count(p.planned), count(p.done)
    avoid = df["avoidance"].fillna(False).to_numpy(dtype=bool).astype("float64")
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

    # weeks are in natural client order; map them to the codes of p.names
    wcode = p.grid_codes
    wk = weeks["week"].to_numpy(dtype="float64")
    activation = weeks["done"].to_numpy(dtype="float64") * 7.0 / weeks["days"].to_numpy(dtype="float64")
    wmood = weeks["mood"].to_numpy(dtype="float64")
    for name, y in (("activation_slope", activation), ("mood_slope", wmood)):
        fit = grouped_slopes(wcode, wk, y, n, ci)
        out[name] = fit["slope"]
        out[f"{name}_ci_low"] = fit["ci_low"]
        out[f"{name}_ci_high"] = fit["ci_high"]
    last_week = ((span - 1) // 7 + 1)[wcode]
    first = np.full(n, np.nan)
    w1 = weeks["week"].to_numpy() == 1
    first[wcode[w1]] = wmood[w1]
    tail = (wk >= last_week - 1) & (wk >= 2)
    out["mood_first_week"] = first
    out["mood_last_weeks"] = group_mean(wcode, wmood, n, tail)
    out["mood_change"] = out["mood_last_weeks"] - out["mood_first_week"]
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
        for c in ("days_logged", "entries", "activities", "planned", "done"):
            out[c] = out[c].fillna(0).astype("int64")
    out["client"] = out["client"].astype("str")
    out = out.iloc[np.argsort(natural_codes(out["client"]), kind="stable")].reset_index(drop=True)
    out.attrs = {"columns": dict(_SUMMARY_DOC), "notes": notes, "ci_level": ci,
                 "description": "one row per client; weeks count from each client's first logged day; "
                                "mood_change = mean of the last two weeks' mean moods minus week 1"}
    return out
