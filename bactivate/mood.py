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
  p-value inverting the percentile interval, so the two always agree);
  otherwise the CI is an ordinary percentile bootstrap and the p-value Welch's
  t-test. The ``method`` column says which.
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

import numpy as np
import pandas as pd
from scipy import stats as _st

from bactivate import stats
from bactivate.common import happened, require, with_calendar

NOT_ENOUGH = "not enough data"
TESTED = "tested"
_COLUMNS = ["n_with", "n_without", "mood_with", "mood_without", "diff", "ci_low", "ci_high",
            "cliffs_delta", "p", "q", "status", "weeks_compared", "method", "unit", "mood_autocorr"]


def mood_by_activity(log: pd.DataFrame, unit: str = "day", *, by: str = "activity", min_days: int = 3,
                     adjust: str | None = "week", ci: float = 0.95, n_boot: int = 2000,
                     seed: int | None = 0, autocorr_threshold: float = 0.2) -> pd.DataFrame:
    """Mood on days with each activity versus days without it.

    Parameters
    ----------
    log : the tidy log.
    unit : ``"day"`` (mean mood per day; days with the activity vs days without)
        or ``"entry"`` (mood at the entry right after the activity, same day,
        vs mood at every other entry that follows another entry).
    by : ``"activity"`` or ``"category"``.
    min_days : fewest days (entries, for ``unit="entry"``) on each side to test.
    adjust : ``"week"`` (default) compares days with and without the activity
        within the same week, so that mood improving over the weeks of
        treatment (while the activity also becomes more frequent) is not
        credited to the activity; ``None`` compares all days at once. For
        ``unit="entry"`` the comparison is within the same day.
    ci : confidence level of the interval for ``diff``.
    n_boot : bootstrap resamples for the interval.
    seed : for reproducible intervals.
    autocorr_threshold : lag-1 autocorrelation of daily mood above which days
        are treated as dependent (moving-block bootstrap).

    Returns
    -------
    DataFrame, one row per activity: ``n_with``, ``n_without`` (days or
    entries), ``mood_with``, ``mood_without``, ``diff`` (with - without, on the
    0-10 mood scale), ``ci_low``, ``ci_high``, ``cliffs_delta`` (with vs
    without), ``p``, ``q`` (Benjamini-Hochberg over the activities tested),
    ``status`` (``"tested"`` or ``"not enough data"``), ``method``, ``unit`` and
    ``mood_autocorr``. Tested activities come first, largest difference first.
    ``attrs["method"]`` explains the method in words.

    Examples
    --------
    >>> import bactivate as ba
    >>> log = ba.synth.client(weeks=8, seed=3)
    >>> res = ba.mood_by_activity(log, min_days=4)
    >>> bool((res["ci_low"] <= res["diff"]).where(res["status"] == "tested", True).all())
    True
    """
    require(log, ("start", "mood", by, "done", "planned"), "mood_by_activity()")
    if unit not in ("day", "entry"):
        raise ValueError(f"unit must be 'day' or 'entry', not {unit!r}")
    if by not in ("activity", "category"):
        raise ValueError(f"by must be 'activity' or 'category', not {by!r}")
    if adjust not in ("week", None):
        raise ValueError(f"adjust must be 'week' or None, not {adjust!r}")
    if min_days < 2:
        raise ValueError("min_days must be at least 2: one day on a side cannot show a difference")
    df = with_calendar(log[log["start"].notna()])
    if unit == "day":
        res, r1, how = _by_day(df, by, min_days, ci, n_boot, seed, autocorr_threshold, adjust)
    else:
        res, r1, how = _by_entry(df, by, min_days, ci, adjust)
    tested = res["status"] == TESTED
    res["q"] = np.nan
    if tested.any():
        res.loc[tested, "q"] = stats.bh(res.loc[tested, "p"].to_numpy())
    res["unit"] = "days" if unit == "day" else "entries"
    res["mood_autocorr"] = r1
    res = res.sort_values(["status", "diff", by], ascending=[False, False, True],
                          key=lambda s: s.eq(TESTED) if s.name == "status" else s, kind="stable")
    res = res[[by, *_COLUMNS]].reset_index(drop=True)
    res.attrs = {"method": how, "ci": ci, "min_days": min_days, "unit": unit}
    return res


def _empty(by: str) -> pd.DataFrame:
    out = pd.DataFrame({by: pd.Series(dtype="str")})
    for c in _COLUMNS:
        out[c] = pd.Series(dtype="int64" if c.startswith("n_") else
                           "str" if c in ("status", "method", "unit") else "float64")
    return out


def _daily_mood(df: pd.DataFrame) -> pd.Series:
    daily = df.groupby("day")["mood"].mean().dropna()
    return daily.sort_index()


def _demean(v: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """*v* minus its mean within each group (all one group when *codes* are all 0)."""
    sums = np.bincount(codes, weights=v)
    counts = np.bincount(codes)
    return v - (sums / counts)[codes]


def _by_day(df, by, min_days, ci, n_boot, seed, threshold, adjust):
    daily = df.groupby("day").agg(mood=("mood", "mean"), week=("week", "first"))
    daily = daily[daily["mood"].notna()].sort_index()
    if daily.empty:
        return _empty(by), np.nan, "no mood ratings in the log"
    calendar = pd.date_range(daily.index.min(), daily.index.max(), freq="D")
    r1 = stats.lag1_autocorrelation(daily["mood"].reindex(calendar).to_numpy())
    codes = (pd.factorize(daily["week"])[0] if adjust == "week" else np.zeros(len(daily), dtype=int))
    y = _demean(daily["mood"].to_numpy(), codes)
    # dependence is judged on what is left once weeks are compared with themselves
    r1_within = stats.lag1_autocorrelation(pd.Series(y, index=daily.index).reindex(calendar).to_numpy())
    dependent = bool(np.isfinite(r1_within) and r1_within > threshold)
    done = happened(df)
    done = done[done[by].notna() & done["day"].isin(daily.index)]
    present = pd.crosstab(done["day"], done[by]).reindex(daily.index, fill_value=0) > 0
    block = max(2, int(round(len(daily) ** (1 / 3)))) if dependent else None
    rng = np.random.default_rng(seed)
    idx = stats._resample_index(rng, len(daily), n_boot, block)
    mood = daily["mood"].to_numpy()
    n_groups = len(np.unique(codes))
    alpha = 1 - ci
    rows = []
    for name in present.columns:
        mask = present[name].to_numpy()
        w, wo = mood[mask], mood[~mask]
        x = _demean(mask.astype(float), codes)
        sxx = float(x @ x)
        row = {by: name, "n_with": int(mask.sum()), "n_without": int((~mask).sum()),
               "mood_with": w.mean() if len(w) else np.nan,
               "mood_without": wo.mean() if len(wo) else np.nan,
               "weeks_compared": int(len(np.unique(codes[np.abs(x) > 1e-12])))}
        if min(len(w), len(wo)) < min_days or sxx < 1e-9:
            why = (f"fewer than {min_days} days on a side" if min(len(w), len(wo)) < min_days
                   else "no week has days both with and without it")
            rows.append({**row, "diff": np.nan, "status": NOT_ENOUGH, "method": why})
            continue
        est = float(x @ y) / sxx
        xb, yb = x[idx], y[idx]
        with np.errstate(invalid="ignore", divide="ignore"):
            boot = (xb * yb).sum(axis=1) / (xb * xb).sum(axis=1)
        boot = boot[np.isfinite(boot)]
        lo, hi = np.quantile(boot, [alpha / 2, 1 - alpha / 2])
        if dependent:
            below = (1 + np.count_nonzero(boot <= 0)) / (len(boot) + 1)
            above = (1 + np.count_nonzero(boot >= 0)) / (len(boot) + 1)
            p = min(1.0, 2 * min(below, above))
            method = f"moving-block bootstrap CI and p (blocks of {block} days)"
        else:
            dof = len(y) - n_groups - 1
            resid = y - est * x
            se = np.sqrt(float(resid @ resid) / dof / sxx) if dof > 0 else np.nan
            p = float(2 * _st.t.sf(abs(est / se), dof)) if se > 0 else (0.0 if est else 1.0)
            method = "bootstrap CI; regression t-test p"
        delta = stats.cliffs_delta(wo, w)["estimate"].iloc[0]
        rows.append({**row, "diff": est, "ci_low": lo, "ci_high": hi, "cliffs_delta": delta, "p": p,
                     "status": TESTED, "method": method})
    within = ("compared within the same week (days with vs without it in one week, pooled over weeks), so "
              "that a general change over the weeks is not counted as the activity's" if adjust == "week"
              else "compared over the whole log (no adjustment for change over the weeks)")
    how = (f"Daily mean mood on days with vs without each activity, {within}. Lag-1 autocorrelation "
           f"of daily mood is {r1:.2f} ({r1_within:.2f} within weeks); "
           + ("above" if dependent else "not above") + f" {threshold:g}, so "
           + ("days were treated as dependent: intervals and p-values come from a moving-block "
              "bootstrap, which resamples runs of consecutive days and so keeps their dependence."
              if dependent else "days were treated as independent: percentile bootstrap intervals "
              "and regression t-test p-values.")
           + f" Activities with fewer than {min_days} days on either side are not tested."
           " q-values are Benjamini-Hochberg adjusted over the activities tested."
           " This shows association, not cause.")
    return _frame(rows, by), r1, how


def _by_entry(df, by, min_days, ci, adjust):
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
    baseline trend removed) and Hedges' g. Positive = higher in treatment.

    Parameters
    ----------
    baseline, treatment : week numbers (1 = the log's first 7 days), e.g.
        ``1`` or ``[1, 2]``, or a ``(first_day, last_day)`` pair of dates.
        *treatment* defaults to every week after the baseline.
    measure : ``"mood"``, ``"mastery"``, ``"pleasure"``, ``"effort"``,
        ``"avoidance"`` or ``"activities"``.

    Returns
    -------
    DataFrame with one row per effect size: ``effect``, ``measure``,
    ``estimate``, ``se``, ``ci_low``, ``ci_high``, ``p``, ``n_a``, ``n_b`` (days),
    ``mean_a``, ``mean_b``, ``method``.

    Examples
    --------
    >>> import bactivate as ba
    >>> log = ba.synth.client(weeks=6, seed=2)
    >>> ba.phase_effect(log, baseline=1)["effect"].tolist()
    ['NAP', 'Tau', 'Tau-U', "Hedges' g"]
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
