"""W4: the analyses at cohort scale against the straightforward pandas that computes the same numbers.

Each baseline below starts from the same tidy log (W2's CSV read by
``read_cohort``) and computes, with plain ``groupby``, the numbers bactivate's
function returns; after timing, the two outputs are compared (``same_numbers``
in the table and the JSON; the columns compared are listed in each row's note).

* ``client_summary`` -- one call on the cohort. Baseline: ``groupby("client")``
  aggregates, a client x week ``groupby`` on the full grid of each client's
  weeks, and the per-client OLS slopes with t-intervals (vectorised, as
  ``cov / var`` per group).
* ``progress`` -- one call on the cohort, ``progress(cohort, by="client")``
  (one row per client-week: calendar weeks from Monday, week 1 holding each
  client's first day, as the report counts weeks). Baseline: one
  ``groupby(["client", "week"])``: planned and done counts, activities,
  mean mastery, pleasure, mood, avoidance share. ``progress`` also fits each
  client's week-by-week trend (``attrs["trend"]``: 8 OLS fits per client, in
  closed form), which the baseline does not. An informational row without a
  target (``W4-progress-1``) times the single-client call once per client.
* ``balance`` -- one call on the cohort, per client and activity
  (``by=["client", "activity"]``: a cohort is never pooled, issue 19). Baseline:
  one ``groupby(["client", "activity"])`` with count, mean and std of mastery
  and pleasure, their t-intervals (clipped to 0-10), summed hours, the four
  high/low shares and entries per week over each client's own span.
* ``mood_by_activity`` -- one call on the cohort,
  ``mood_by_activity(cohort, by=["client", "activity"])``. Baseline: a
  ``groupby(["client", "day"])`` of daily mean mood and, per client and
  activity, the mean mood on days with and without it. **No model, no
  within-week adjustment, no p-values**: it is the descriptive half of the
  analysis only, so the ratio shows what the inference costs (each client's
  REML AR(1) rho, a GLS fit for each of ~24,000 client-activities, Cliff's
  delta, q-values), and only ``n_with``, ``n_without``, ``mood_with`` and
  ``mood_without`` are compared. An
  informational row without a target (``W4-mood-1``) times the single-client
  call on each of the first 100 clients against the baseline on those 100.
* ``trajectory`` -- the mixed model. Baseline: client-week mean moods by a
  plain ``groupby`` and the same statsmodels ``MixedLM`` fit directly
  (``mood ~ week * arm``, random intercept and slope per client, REML, BFGS);
  the fixed effects are compared.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as st

from benchmarks.context import Context, quiet
from benchmarks.loading import loaded_cohort
from benchmarks.results import Row

T = 2.0  # W4 target: each analysis within 2x the plain groupby


def _flags(df: pd.DataFrame):
    planned = df["planned"].fillna(False).to_numpy(dtype=bool)
    done_flag = df["done"].fillna(False).to_numpy(dtype=bool)
    skipped = planned & ~done_flag & df["done"].notna().to_numpy()
    return planned, planned & done_flag, ~skipped


def _week(day: pd.Series, client: pd.Series) -> pd.Series:
    first = day.groupby(client, sort=False).transform("min")
    return (day - first).dt.days // 7 + 1


def _calendar_week(day: pd.Series, client: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Each row's calendar week (Monday to Sunday; week 1 holds the client's first day) and the
    week's first day, cut to the client's first logged day (as ``progress`` numbers weeks)."""
    monday = day - pd.to_timedelta(day.dt.dayofweek, unit="D")
    first = day.groupby(client, sort=False).transform("min")
    first_monday = first - pd.to_timedelta(first.dt.dayofweek, unit="D")
    return (monday - first_monday).dt.days // 7 + 1, monday.where(monday > first, first)


def _slopes(x: pd.Series, y: pd.Series, by: pd.Series, ci: float = 0.95) -> pd.DataFrame:
    """OLS slope of y on x per group with its t-interval (NaN with < 3 points or no spread)."""
    ok = x.notna() & y.notna()
    x, y, by = x[ok], y[ok], by[ok]
    g = pd.DataFrame({"x": x, "y": y, "by": by}).groupby("by", sort=False)
    n = g.size()
    dx = x - g["x"].transform("mean")
    dy = y - g["y"].transform("mean")
    sxx = (dx * dx).groupby(by, sort=False).sum()
    sxy = (dx * dy).groupby(by, sort=False).sum()
    good = (n >= 3) & (sxx > 0)
    slope = (sxy / sxx).where(good)
    resid = dy - dx * slope.reindex(by).to_numpy()
    sse = (resid * resid).groupby(by, sort=False).sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        se = np.sqrt(sse / (n - 2) / sxx).where(good)
        t = st.t.ppf(0.5 + ci / 2, (n - 2).where(good))
    return pd.DataFrame({"slope": slope, "ci_low": slope - t * se, "ci_high": slope + t * se})


# --------------------------------------------------------------------------- baselines


def plain_client_summary(log: pd.DataFrame, roster: pd.DataFrame) -> pd.DataFrame:
    df = log[log["start"].notna()]
    client = df["client"]
    day = df["start"].dt.normalize()
    planned, done, happened = _flags(df)
    first_row = ~df.duplicated(["client", "entry"]).to_numpy()
    named = happened & df["activity"].notna().to_numpy()
    work = pd.DataFrame({
        "client": client, "day": day, "week": _week(day, client),
        "planned": planned, "done": done, "act": named, "entry": first_row,
        "mastery": df["mastery"].where(happened), "pleasure": df["pleasure"].where(happened),
        "mood": df["mood"].where(first_row),
        "avoid": df["avoidance"].fillna(False).astype("float64").where(named),
    })
    out = work.groupby("client").agg(
        first_day=("day", "min"), last_day=("day", "max"), days_logged=("day", "nunique"),
        entries=("entry", "sum"), activities=("act", "sum"), planned=("planned", "sum"),
        done=("done", "sum"), mastery=("mastery", "mean"), pleasure=("pleasure", "mean"),
        mood=("mood", "mean"), avoidance_share=("avoid", "mean"))
    out["span_days"] = (out["last_day"] - out["first_day"]).dt.days + 1
    out["weeks"] = (out["span_days"] - 1) // 7 + 1
    out["adherence"] = out["days_logged"] / out["span_days"]
    out["completion"] = out["done"] / out["planned"].where(out["planned"] > 0)
    # client-weeks, every week of each client's span (a week with no entries: 0 done, no mood)
    wk = work.groupby(["client", "week"]).agg(done=("done", "sum"), mood=("mood", "mean"))
    grid = pd.MultiIndex.from_arrays([np.repeat(out.index.to_numpy(), out["weeks"].to_numpy()),
                                      np.concatenate([np.arange(1, k + 1) for k in out["weeks"]])],
                                     names=["client", "week"])
    wk = wk.reindex(grid).reset_index()
    wk["done"] = wk["done"].fillna(0)
    span = wk["client"].map(out["span_days"])
    wk["days"] = np.minimum(7, span - 7 * (wk["week"] - 1))
    wk["activation"] = wk["done"] * 7.0 / wk["days"]
    for name, col in (("activation_slope", "activation"), ("mood_slope", "mood")):
        fit = _slopes(wk["week"].astype("float64"), wk[col], wk["client"])
        out[name] = fit["slope"]
        out[f"{name}_ci_low"] = fit["ci_low"]
        out[f"{name}_ci_high"] = fit["ci_high"]
    out["mood_first_week"] = wk[wk["week"] == 1].set_index("client")["mood"]
    last = wk["client"].map(out["weeks"])
    tail = wk[(wk["week"] >= last - 1) & (wk["week"] >= 2)]
    out["mood_last_weeks"] = tail.groupby("client")["mood"].mean()
    out["mood_change"] = out["mood_last_weeks"] - out["mood_first_week"]
    return roster.merge(out.reset_index(), on="client", how="outer")


def plain_progress(log: pd.DataFrame) -> pd.DataFrame:
    df = log[log["start"].notna()]
    client = df["client"]
    day = df["start"].dt.normalize()
    planned, done, happened = _flags(df)
    named = happened & df["activity"].notna().to_numpy()
    week, week_first = _calendar_week(day, client)
    work = pd.DataFrame({
        "client": client, "week": week, "day": day, "week_first": week_first, "planned": planned, "done": done,
        "act": named,
        "mastery": df["mastery"].where(happened), "pleasure": df["pleasure"].where(happened),
        "mood": df["mood"].where(happened),
        "avoid": df["avoidance"].fillna(False).astype("float64").where(named),
    })
    out = work.groupby(["client", "week"]).agg(
        start_day=("week_first", "first"), days_logged=("day", "nunique"), activities=("act", "sum"),
        planned=("planned", "sum"), done=("done", "sum"), mastery=("mastery", "mean"),
        pleasure=("pleasure", "mean"), mood=("mood", "mean"), avoidance_share=("avoid", "mean"))
    out["completion"] = out["done"] / out["planned"].where(out["planned"] > 0)
    return out.reset_index()


def plain_balance(log: pd.DataFrame, high: float = 6.0, ci: float = 0.95) -> pd.DataFrame:
    _, _, happened = _flags(log)
    df = log[happened & log["activity"].notna().to_numpy()]
    day = df["start"].dt.normalize()
    span = day.groupby(df["client"]).agg(["min", "max"])
    n_weeks = df["client"].map((((span["max"] - span["min"]).dt.days + 1) / 7).clip(lower=1.0))
    m, p = df["mastery"], df["pleasure"]
    rated = m.notna() & p.notna()
    hours = (df["end"] - df["start"]).dt.total_seconds() / 3600
    work = pd.DataFrame({
        "client": df["client"], "activity": df["activity"], "hours": hours.where(hours >= 0), "rated": rated,
        "mastery": m, "pleasure": p, "n_weeks": n_weeks,
        "both": rated & (m >= high) & (p >= high), "mastery_only": rated & (m >= high) & (p < high),
        "pleasure_only": rated & (m < high) & (p >= high), "neither": rated & (m < high) & (p < high),
    })
    g = work.groupby(["client", "activity"])
    out = g.agg(entries=("rated", "size"), rated=("rated", "sum"), n_weeks=("n_weeks", "first"),
                mastery_n=("mastery", "count"), mastery_mean=("mastery", "mean"), mastery_sd=("mastery", "std"),
                pleasure_n=("pleasure", "count"), pleasure_mean=("pleasure", "mean"),
                pleasure_sd=("pleasure", "std"), both=("both", "sum"), mastery_only=("mastery_only", "sum"),
                pleasure_only=("pleasure_only", "sum"), neither=("neither", "sum"))
    out["hours"] = g["hours"].sum(min_count=1)
    out["entries_per_week"] = out["entries"] / out["n_weeks"]
    for v in ("mastery", "pleasure"):
        n = out[f"{v}_n"].where(out[f"{v}_n"] > 1)
        half = st.t.ppf(0.5 + ci / 2, n - 1) * out[f"{v}_sd"] / np.sqrt(n)
        out[f"{v}_ci_low"] = (out[f"{v}_mean"] - half).clip(0.0, 10.0)
        out[f"{v}_ci_high"] = (out[f"{v}_mean"] + half).clip(0.0, 10.0)
    denom = out["rated"].where(out["rated"] > 0)
    for k in ("both", "mastery_only", "pleasure_only", "neither"):
        out[f"share_{k}"] = out[k] / denom
    out["obtained_reward"] = out["entries_per_week"] * out["pleasure_mean"]
    return out.reset_index().sort_values(["client", "entries", "activity"], ascending=[True, False, True])


def plain_mood_by_activity(log: pd.DataFrame) -> pd.DataFrame:
    """Per client and activity: mean daily mood on days with it and without it (descriptive only)."""
    df = log[log["start"].notna()]
    day = df["start"].dt.normalize()
    daily = df["mood"].groupby([df["client"], day]).mean().dropna()
    daily.index.names = ["client", "day"]
    _, _, happened = _flags(df)
    did = pd.DataFrame({"client": df["client"], "day": day, "activity": df["activity"]})[happened]
    did = did[did["activity"].notna()].drop_duplicates()
    did = did.join(daily.rename("mood"), on=["client", "day"], how="inner")
    per = did.groupby(["client", "activity"])["mood"].agg(n_with="count", sum_with="sum")
    tot = daily.groupby(level="client").agg(["count", "sum"])
    per = per.join(tot, on="client")
    per["n_without"] = per["count"] - per["n_with"]
    per["mood_with"] = per["sum_with"] / per["n_with"]
    per["mood_without"] = (per["sum"] - per["sum_with"]) / per["n_without"].where(per["n_without"] > 0)
    per["diff"] = per["mood_with"] - per["mood_without"]
    return per[["n_with", "n_without", "mood_with", "mood_without", "diff"]].reset_index()


def plain_trajectory(log: pd.DataFrame, roster: pd.DataFrame):
    import statsmodels.formula.api as smf

    df = log[log["start"].notna()]
    df = df[~df.duplicated(["client", "entry"]).to_numpy()]
    day = df["start"].dt.normalize()
    week = _week(day, df["client"]).rename("week")
    data = df["mood"].groupby([df["client"], week]).mean().rename("mood").reset_index().dropna()
    data = data.merge(roster[["client", "arm"]], on="client").sort_values(["client", "week"])
    data["week"] = data["week"].astype("float64")
    model = smf.mixedlm("mood ~ week * arm", data=data, groups=data["client"], re_formula="~week")
    return model.fit(method="bfgs", reml=True).fe_params


# --------------------------------------------------------------------------- our side


def per_client(fn, log: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    return [(c, fn(g)) for c, g in log.groupby("client", sort=False)]


def _stack(parts) -> pd.DataFrame:
    return pd.concat([p.assign(client=c) for c, p in parts], ignore_index=True)


# --------------------------------------------------------------------------- checks


def _close(a: pd.DataFrame, b: pd.DataFrame, on: list[str], cols: list[str]) -> bool:
    m = a[on + cols].merge(b[on + cols], on=on, how="outer", suffixes=("_a", "_b"), indicator=True)
    if not (m["_merge"] == "both").all():
        return False
    for c in cols:
        x, y = m[f"{c}_a"], m[f"{c}_b"]
        if pd.api.types.is_datetime64_any_dtype(x.dtype):
            if not (x.eq(y) | (x.isna() & y.isna())).all():
                return False
            continue
        x = x.astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
        y = y.astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
        if not np.allclose(x, y, rtol=1e-9, atol=1e-9, equal_nan=True):
            return False
    return True


SUMMARY_COLS = ["first_day", "last_day", "span_days", "weeks", "days_logged", "adherence", "entries",
                "activities", "planned", "done", "completion", "mastery", "pleasure", "mood",
                "avoidance_share", "activation_slope", "activation_slope_ci_low",
                "activation_slope_ci_high", "mood_slope", "mood_slope_ci_low", "mood_slope_ci_high",
                "mood_first_week", "mood_last_weeks", "mood_change", "arm"]
PROGRESS_COLS = ["start_day", "days_logged", "activities", "planned", "done", "completion", "mastery",
                 "pleasure", "mood", "avoidance_share"]
BALANCE_COLS = ["entries", "rated", "hours", "entries_per_week", "mastery_mean", "mastery_ci_low",
                "mastery_ci_high", "pleasure_mean", "pleasure_ci_low", "pleasure_ci_high", "share_both",
                "share_mastery_only", "share_pleasure_only", "share_neither", "obtained_reward"]
MOOD_COLS = ["n_with", "n_without", "mood_with", "mood_without"]


def _check_summary(ours, base):
    cols = [c for c in SUMMARY_COLS if c != "arm"]
    arm_same = ours.set_index("client")["arm"].astype("str").equals(
        base.set_index("client")["arm"].astype("str").reindex(ours["client"]))
    return arm_same and _close(ours, base, ["client"], cols)


# --------------------------------------------------------------------------- W4


def w4(ctx: Context) -> None:
    import bactivate as ba

    log = loaded_cohort(ctx)
    roster = ctx.workloads.roster()
    roster["client"] = roster["client"].astype("str")
    n_clients = log["client"].nunique()
    ctx.say(f"W4  analyses on W2's cohort ({len(log):,} rows, {n_clients:,} clients)")

    ours, base = ctx.time(lambda: ba.client_summary(log, roster=roster),
                          lambda: plain_client_summary(log, roster), keep_results=True, target=T)
    ctx.add(Row("W4-summary", "client_summary (one call)", ours.times, base.times, T,
                base_label="groupby client + client-week grid + vectorised OLS slopes",
                same_numbers=_check_summary(ours.result, base.result),
                note="compared: " + ", ".join(SUMMARY_COLS)), ours, base)

    ours, base = ctx.time(lambda: ba.progress(log, by="client"), lambda: plain_progress(log),
                          keep_results=True, target=T)
    same = _close(ours.result, base.result, ["client", "week"], PROGRESS_COLS)
    ctx.add(Row("W4-progress", "progress(by='client') (one call)", ours.times, base.times, T,
                base_label="one groupby(client, week)", same_numbers=same,
                note="compared: " + ", ".join(PROGRESS_COLS) + "; progress also fits attrs['trend'] "
                     "(8 OLS fits per client, closed form), the baseline does not"), ours, base)
    ours, base = ctx.time(lambda: per_client(ba.progress, log), lambda: plain_progress(log),
                          keep_results=True, repeat=min(ctx.repeat, 2))
    same = _close(_stack(ours.result), base.result, ["client", "week"], PROGRESS_COLS)
    ctx.add(Row("W4-progress-1", f"progress, per client ({n_clients:,} calls)", ours.times, base.times, None,
                base_label="one groupby(client, week)", same_numbers=same,
                note="no target: the single-client call in a loop, for its per-call cost"), ours, base)

    ours, base = ctx.time(lambda: ba.balance(log, by=["client", "activity"]), lambda: plain_balance(log),
                          keep_results=True, target=T)
    ctx.add(Row("W4-balance", "balance by client and activity (one call)", ours.times, base.times, T,
                base_label="one groupby(client, activity): count, mean, std, CI, shares", same_numbers=_close(
                    ours.result, base.result, ["client", "activity"], BALANCE_COLS),
                note="compared: " + ", ".join(BALANCE_COLS)), ours, base)

    mood = quiet(ba.mood_by_activity)
    ours, base = ctx.time(lambda: mood(log, by=["client", "activity"]), lambda: plain_mood_by_activity(log),
                          keep_results=True, target=T)
    same = _close(ours.result, base.result, ["client", "activity"], MOOD_COLS)
    ctx.add(Row("W4-mood", "mood_by_activity(by=['client', 'activity']) (one call)", ours.times,
                base.times, T, base_label="groupby daily means; with/without means (no model)",
                same_numbers=same,
                note="baseline is descriptive only: no model, no within-week adjustment, no p/q; "
                     "compared: " + ", ".join(MOOD_COLS)), ours, base)
    first = log["client"].drop_duplicates().iloc[:100]
    sub = log[log["client"].isin(first).to_numpy()]
    ours, base = ctx.time(lambda: per_client(mood, sub), lambda: plain_mood_by_activity(sub),
                          keep_results=True, repeat=min(ctx.repeat, 2))
    same = _close(_stack(ours.result), base.result, ["client", "activity"], MOOD_COLS)
    ctx.add(Row("W4-mood-1", f"mood_by_activity, per client ({len(first):,} calls)", ours.times,
                base.times, None, base_label="the same baseline on those clients",
                same_numbers=same,
                note="no target: the single-client call in a loop over the first 100 clients, for its "
                     "per-call cost; compared: " + ", ".join(MOOD_COLS)), ours, base)

    traj = quiet(ba.trajectory)
    ours, base = ctx.time(lambda: traj(log, roster=roster), lambda: quiet(plain_trajectory)(log, roster),
                          keep_results=True, target=T)
    fe = ours.result.set_index("term")["estimate"]
    same = bool(np.allclose(fe.to_numpy(), base.result.reindex(fe.index).to_numpy(), rtol=1e-4,
                            atol=1e-6))
    ctx.add(Row("W4-trajectory", "trajectory, mixed model (one call)", ours.times, base.times, T,
                base_label="groupby client-week means + statsmodels MixedLM fit",
                same_numbers=same, note="compared: the fixed effects (rtol 1e-4)"), ours, base)
