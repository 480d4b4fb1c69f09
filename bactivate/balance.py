"""Mastery/pleasure balance: which activities bring accomplishment, which enjoyment.

BA asks whether a client's days hold both mastery (M, accomplishment) and
pleasure (P, enjoyment). :func:`balance` gives, per activity, category, week
or day: how often and how long, mean M and P with confidence intervals, the
share of entries high in both, mastery only, pleasure only or neither, and
the obtained reward (frequency x pleasure, after the Pleasant Events
Schedule).

The four "high/low" shares are this toolkit's own description, not a
published index: an entry is *high* in mastery when ``mastery >= high`` (6 of
10 by default), and likewise for pleasure. Change ``high`` to suit the client.

>>> import bactivate as ba
>>> log = ba.synth.client(weeks=4, seed=1)
>>> ba.balance(log, by="category").columns[:4].tolist()
['category', 'entries', 'hours', 'entries_per_week']
"""

from __future__ import annotations

import pandas as pd

from bactivate._grouped import grouped_mean_ci
from bactivate._log import happened, require, with_calendar

_BY = ("activity", "category", "week", "day")


def balance(log: pd.DataFrame, by: str = "activity", *, high: float = 6.0, ci: float = 0.95,
            min_entries: int = 1) -> pd.DataFrame:
    """Mastery and pleasure per activity, category, week or day.

    Parameters
    ----------
    log : pandas.DataFrame
        The tidy log (from :func:`bactivate.read_log`).
    by : {"activity", "category", "week", "day"}, default "activity"
        The groups: ``"week"`` counts from the log's first day (1 = its first 7 days).
    high : float, default 6.0
        An entry rated at least *high* (0-10) counts as high in mastery or pleasure.
    ci : float, default 0.95
        Level of the confidence intervals (t-based, over entries).
    min_entries : int, default 1
        Leave out groups with fewer entries.

    Returns
    -------
    pandas.DataFrame
        One row per group, most frequent first (weeks and days in order).
        Skipped plans (planned, not done) are not counted: they did not happen.

        * *by* (the group: activity or category as str, week as int64, day as datetime);
        * ``entries`` (int64): entries in the group;
        * ``hours``: hours summed where start and end are known (NaN if none);
        * ``entries_per_week``: entries over the weeks the log spans (at least
          one); for ``by="week"`` the week's entries, for ``by="day"`` the
          day's entries x 7;
        * ``mastery_mean``, ``mastery_ci_low``, ``mastery_ci_high``: mean mastery
          and its t-interval over entries, clipped to the 0-10 rating scale
          (with few, spread ratings the raw interval can pass 0 or 10, where no
          mean can lie);
        * ``pleasure_mean``, ``pleasure_ci_low``, ``pleasure_ci_high``: the same for pleasure;
        * ``share_both``, ``share_mastery_only``, ``share_pleasure_only``,
          ``share_neither``: shares of the entries rated on both that are high
          in both, in mastery only, in pleasure only, in neither (NaN when none is rated);
        * ``obtained_reward``: entries per week x mean pleasure;
        * ``rated`` (int64): entries with both ratings.

        ``attrs``: ``by``, ``high``, ``ci`` and a ``description`` in words.

    Examples
    --------
    >>> import bactivate as ba
    >>> log = ba.synth.client(weeks=2, seed=1)
    >>> res = ba.balance(log, by="category")
    >>> res[["category", "entries", "mastery_mean", "pleasure_mean"]].head(3).round(1)
             category  entries  mastery_mean  pleasure_mean
    0       Self-care       38           2.7            4.5
    1         Leisure       27           1.5            4.5
    2  Work/Education       24           4.7            2.5
    >>> top = ba.balance(log).head(3)
    >>> bool((top["share_both"] + top["share_mastery_only"] + top["share_pleasure_only"]
    ...       + top["share_neither"]).round(6).isin([1.0]).all())
    True
    """
    require(log, ("start", "end", "activity", "category", "mastery", "pleasure", "done", "planned"),
            "balance()")
    if by not in _BY:
        raise ValueError(f"by must be one of {_BY}, not {by!r}")
    if not 0 <= high <= 10:
        raise ValueError("high is a rating from 0 to 10")
    df = with_calendar(happened(log))
    df = df[df[by].notna()] if by in ("activity", "category") else df[df["start"].notna()]
    if by == "week":
        n_weeks = 1.0
    elif by == "day":
        n_weeks = 1 / 7
    else:
        n_weeks = max(1.0, ((df["day"].max() - df["day"].min()).days + 1) / 7) if len(df) else 1.0
    rated = df["mastery"].notna() & df["pleasure"].notna()
    hi_m = df["mastery"] >= high
    hi_p = df["pleasure"] >= high
    hours = (df["end"] - df["start"]).dt.total_seconds() / 3600
    work = pd.DataFrame({
        by: df[by], "hours": hours.where(hours >= 0),
        "rated": rated,
        "both": rated & hi_m & hi_p, "mastery_only": rated & hi_m & ~hi_p,
        "pleasure_only": rated & ~hi_m & hi_p, "neither": rated & ~hi_m & ~hi_p,
        "mastery": df["mastery"], "pleasure": df["pleasure"],
    })
    g = work.groupby(by, observed=True, sort=False)
    out = pd.DataFrame({
        "entries": g.size().astype("int64"),
        "hours": g["hours"].sum(min_count=1),
        "rated": g["rated"].sum().astype("int64"),
    })
    out["entries_per_week"] = out["entries"] / n_weeks
    out = out.join(grouped_mean_ci(work, by, "mastery", ci)).join(grouped_mean_ci(work, by, "pleasure", ci))
    for m in ("mastery", "pleasure"):  # a mean of 0-10 ratings lies in 0-10: so does its interval
        for end in ("ci_low", "ci_high"):
            out[f"{m}_{end}"] = out[f"{m}_{end}"].clip(0.0, 10.0)
    sums = g[["both", "mastery_only", "pleasure_only", "neither"]].sum()
    denom = out["rated"].where(out["rated"] > 0)
    for k in sums.columns:
        out[f"share_{k}"] = sums[k] / denom
    out["obtained_reward"] = out["entries_per_week"] * out["pleasure_mean"]
    out = out[out["entries"] >= min_entries]
    cols = ["entries", "hours", "entries_per_week",
            "mastery_mean", "mastery_ci_low", "mastery_ci_high",
            "pleasure_mean", "pleasure_ci_low", "pleasure_ci_high",
            "share_both", "share_mastery_only", "share_pleasure_only", "share_neither",
            "obtained_reward", "rated"]
    out = out[cols].reset_index()
    if by in ("week", "day"):
        out = out.sort_values(by, kind="stable")
    else:
        out = out.sort_values(["entries", by], ascending=[False, True], kind="stable")
    out = out.reset_index(drop=True)
    if by == "week":
        out["week"] = out["week"].astype("int64")
    out.attrs = {"by": by, "high": high, "ci": ci,
                 "description": f"Mastery and pleasure per {by}; 'high' means rated {high:g} or more "
                                f"of 10; CIs are {ci:.0%} t-intervals over entries, clipped to 0-10."}
    return out

