"""Client analyses: recovery of planted effects on synth logs, and edge cases.

Statistics are checked against the ground truth ``bactivate.synth`` planted,
or against direct computations written out here independently.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as st

import bactivate as ba
from bactivate.schema import conform


@pytest.fixture(scope="module")
def log8():
    return ba.synth.client(weeks=8, seed=3)


@pytest.fixture(scope="module")
def synth_cohort():
    log, _ = ba.synth.cohort(n_clients=9, weeks=5, seed=21, entries_per_day=3)
    return log


def _did(log):
    """Rows that happened: planned-and-skipped rows left out (written out here, independently)."""
    skipped = log["planned"].fillna(False).astype(bool) & (log["done"] == False).fillna(False)  # noqa: E712
    return log[~skipped]


def _with_placebos(log, seed, k=4):
    """Add *k* activities done on random days, independent of everything else (true nulls)."""
    rng = np.random.default_rng(seed + 1000)
    days = log["start"].dt.normalize().unique()
    rows = []
    for j in range(k):
        chosen = days[rng.random(len(days)) < rng.uniform(0.25, 0.6)]
        rows.append(pd.DataFrame({"client": log["client"].iloc[0], "start": chosen + pd.Timedelta(hours=12),
                                  "activity": f"placebo {j}"}))
    extra = conform(pd.concat(rows, ignore_index=True))
    extra["entry"] = np.arange(len(extra), dtype="int64") + 100_000
    return pd.concat([log, extra], ignore_index=True)


# --------------------------------------------------------------------------- mood_by_activity

@pytest.fixture(scope="module")
def recovery():
    """mood_by_activity on 24 seeds: planted effects and placebo activities."""
    rows = []
    for seed in range(24):
        base = ba.synth.client(weeks=8, seed=seed)
        truth = base.attrs["truth"]["activities"].set_index("activity")["mood_effect"]
        log = _with_placebos(base, seed)
        res = ba.mood_by_activity(log, n_boot=1000, seed=seed)
        res = res[res["status"] == "tested"].copy()
        res["truth"] = res["activity"].map(truth)
        res.loc[res["activity"].str.startswith("placebo"), "truth"] = 0.0
        res["placebo"] = res["activity"].str.startswith("placebo")
        res["seed"] = seed
        rows.append(res)
    return pd.concat(rows, ignore_index=True)


def test_mood_by_activity_recovers_planted_effects(recovery):
    big = recovery[recovery["truth"].abs() >= 0.8]
    assert len(big) > 60
    right_sign = (np.sign(big["diff"]) == np.sign(big["truth"])).mean()
    covered = ((big["ci_low"] <= big["truth"]) & (big["truth"] <= big["ci_high"])).mean()
    assert right_sign >= 0.9, right_sign
    # nominal 95%; other activities displace each other within a day, so allow some bias
    assert covered >= 0.8, covered


def test_mood_by_activity_null_activities_flagged_at_the_stated_rate(recovery):
    placebo = recovery[recovery["placebo"]]
    assert len(placebo) >= 80
    rate = (placebo["p"] < 0.05).mean()
    # binomial: with ~96 tests at alpha 0.05, more than 12% flagged would be very unlikely (p < 0.01)
    assert rate <= 0.12, rate


def test_mood_by_activity_contract(log8):
    res = ba.mood_by_activity(log8)
    required = ["activity", "n_with", "n_without", "mood_with", "mood_without", "diff", "ci_low", "ci_high",
                "cliffs_delta", "p", "q"]
    assert list(res.columns[: len(required)]) == required
    tested = res[res["status"] == "tested"]
    assert (tested["ci_low"] <= tested["diff"]).all() and (tested["diff"] <= tested["ci_high"]).all()
    assert tested["q"].between(0, 1).all() and (tested["q"] >= tested["p"] - 1e-12).all()
    # q values are Benjamini-Hochberg over the tested activities only (checked with statsmodels)
    from statsmodels.stats.multitest import multipletests

    assert np.allclose(tested["q"], multipletests(tested["p"], method="fdr_bh")[1])
    # mood_with / mood_without are plain means of daily mood, computed independently here
    days = log8.assign(day=log8["start"].dt.normalize())
    daily = days.groupby("day")["mood"].mean().dropna()
    walk_days = _did(days).loc[lambda d: d["activity"] == "Walk in the park", "day"].unique()
    row = res.set_index("activity").loc["Walk in the park"]
    assert row["mood_with"] == pytest.approx(daily[daily.index.isin(walk_days)].mean())
    assert row["mood_without"] == pytest.approx(daily[~daily.index.isin(walk_days)].mean())
    assert "autocorrelation" in res.attrs["method"]
    assert np.isfinite(res["mood_autocorr"]).all()


def test_mood_by_activity_unadjusted_diff_is_the_plain_difference(log8):
    res = ba.mood_by_activity(log8, adjust=None).query("status == 'tested'")
    assert np.allclose(res["diff"], res["mood_with"] - res["mood_without"])


def test_mood_by_activity_independent_days_use_welch_free_regression_t(log8):
    # with a threshold above any autocorrelation, p is the regression t-test: for adjust=None that
    # is the pooled two-sample t-test, which scipy computes independently
    res = ba.mood_by_activity(log8, adjust=None, autocorr_threshold=1.0).set_index("activity")
    days = log8.assign(day=log8["start"].dt.normalize())
    daily = days.groupby("day")["mood"].mean().dropna()
    walk = daily.index.isin(_did(days).loc[lambda d: d["activity"] == "Walk in the park", "day"].unique())
    expect = st.ttest_ind(daily[walk], daily[~walk], equal_var=True).pvalue
    assert res.loc["Walk in the park", "p"] == pytest.approx(expect, rel=1e-9)


def test_mood_by_activity_small_n_is_not_tested(log8):
    res = ba.mood_by_activity(log8, min_days=10)
    few = res[(res["n_with"] < 10) | (res["n_without"] < 10)]
    assert len(few) and (few["status"] == "not enough data").all()
    assert few["p"].isna().all() and few["q"].isna().all()


def test_mood_by_activity_entry_unit(log8):
    res = ba.mood_by_activity(log8, unit="entry")
    assert (res["unit"] == "entries").all()
    tested = res[res["status"] == "tested"]
    assert len(tested) > 5
    assert (tested["ci_low"] <= tested["diff"]).all()


@pytest.mark.parametrize("kw", [{}, {"adjust": None, "by": "category"}, {"unit": "entry"},
                                {"autocorr_threshold": -1.0, "n_boot": 300, "seed": 5}])
def test_mood_by_activity_per_client_equals_one_call_per_client(synth_cohort, kw):
    kw = dict(kw)
    what = kw.pop("by", "activity")
    allc = ba.mood_by_activity(synth_cohort, by=["client", what], **kw)
    assert list(allc.columns[:2]) == ["client", what]
    assert allc["client"].is_monotonic_increasing
    for client, g in synth_cohort.groupby("client"):
        one = ba.mood_by_activity(g, by=what, **kw)
        mine = allc[allc["client"] == client].drop(columns="client").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, one, check_exact=False, rtol=1e-12, atol=1e-12)
    if kw.get("autocorr_threshold") == -1.0:  # every client's days treated as dependent
        tested = allc[allc["status"] == "tested"]
        assert tested["method"].str.startswith("moving-block").all()


def test_mood_by_activity_vectorised_statistics_match_direct_ones(log8):
    """Cliff's delta, the regression p and the bootstrap interval, recomputed here one activity at a time."""
    res = ba.mood_by_activity(log8, adjust=None, autocorr_threshold=1.0, n_boot=400, seed=7)
    days = log8.assign(day=log8["start"].dt.normalize())
    daily = days.groupby("day")["mood"].mean().dropna().sort_index()
    mood = daily.to_numpy()
    rng = np.random.default_rng(7)
    idx = rng.integers(0, len(mood), size=(400, len(mood)))
    for _, row in res[res["status"] == "tested"].iterrows():
        on = daily.index.isin(_did(days).loc[lambda d, a=row["activity"]: d["activity"] == a, "day"].unique())
        cd = ba.stats.cliffs_delta(mood[~on], mood[on])["estimate"].iloc[0]
        assert row["cliffs_delta"] == pytest.approx(cd, abs=1e-12)
        # each resample's own difference of means (resamples with no day on a side left out)
        ob, mb = on[idx], mood[idx]
        with np.errstate(invalid="ignore", divide="ignore"):
            boot = (mb * ob).sum(axis=1) / ob.sum(axis=1) - (mb * ~ob).sum(axis=1) / (~ob).sum(axis=1)
        lo, hi = np.quantile(boot[np.isfinite(boot)], [0.025, 0.975])
        assert (row["ci_low"], row["ci_high"]) == pytest.approx((lo, hi), rel=1e-9, abs=1e-12)
        assert row["p"] == pytest.approx(st.ttest_ind(mood[on], mood[~on]).pvalue, rel=1e-9)


def test_mood_by_activity_by_argument_is_checked(log8):
    with pytest.raises(ValueError, match="by must be"):
        ba.mood_by_activity(log8, by=["client", "mood"])
    with pytest.raises(ValueError, match="by must be"):
        ba.mood_by_activity(log8, by="client")


# --------------------------------------------------------------------------- phase_effect, progress

def test_phase_effect_finds_activation_and_matches_stats(log8):
    res = ba.phase_effect(log8, baseline=1, treatment=[6, 7, 8]).set_index("effect")
    days = log8.assign(day=log8["start"].dt.normalize(),
                       week=(log8["start"].dt.normalize() - log8["start"].min().normalize()).dt.days // 7 + 1)
    daily = days.groupby("day").agg(mood=("mood", "mean"), week=("week", "first"))
    a = daily.loc[daily["week"] == 1, "mood"].to_numpy()
    b = daily.loc[daily["week"] >= 6, "mood"].to_numpy()
    u = st.mannwhitneyu(b, a).statistic
    assert res.loc["NAP", "estimate"] == pytest.approx(u / (len(a) * len(b)))
    assert res.loc["NAP", "estimate"] > 0.5
    assert res.loc["Hedges' g", "estimate"] > 0
    assert res.loc["NAP", "n_a"] == len(a) and res.loc["NAP", "n_b"] == len(b)


def test_phase_effect_rejects_overlap(log8):
    with pytest.raises(ValueError, match="overlap"):
        ba.phase_effect(log8, baseline=[1, 2], treatment=[2, 3])


def test_progress_finds_the_activation_trend():
    log = ba.synth.client(weeks=10, seed=5, lapse_week=None)
    weekly = ba.progress(log)
    trend = weekly.attrs["trend"].set_index("measure")
    planned = log.attrs["truth"]["planned_per_week"]
    assert weekly["planned"].tolist() == [planned[w] for w in weekly["week"]]
    assert trend.loc["planned", "direction"] == "rising"
    assert trend.loc["mood", "slope"] > 0
    # slope equals an independent least-squares fit
    fit = np.polyfit(weekly["week"], weekly["mood"], 1)[0]
    assert trend.loc["mood", "slope"] == pytest.approx(fit)


def test_progress_counts(log8):
    weekly = ba.progress(log8)
    week = (log8["start"].dt.normalize() - log8["start"].min().normalize()).dt.days // 7 + 1
    planned = log8["planned"].fillna(False).astype(bool)
    done = planned & log8["done"].fillna(False).astype(bool)
    assert weekly["planned"].tolist() == planned.groupby(week).sum().tolist()
    assert weekly["done"].tolist() == done.groupby(week).sum().tolist()
    assert np.allclose(weekly["completion"].dropna(),
                       (done.groupby(week).sum() / planned.groupby(week).sum()).dropna())


@pytest.mark.parametrize("freq", ["W", "D"])
def test_progress_by_client_equals_one_call_per_client(synth_cohort, freq):
    allc = ba.progress(synth_cohort, freq=freq, by="client")
    assert allc.columns[0] == "client" and allc["client"].is_monotonic_increasing
    trend = allc.attrs["trend"]
    assert trend.columns[0] == "client"
    for client, g in synth_cohort.groupby("client"):
        one = ba.progress(g, freq=freq)
        mine = allc[allc["client"] == client].drop(columns="client").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, one, check_exact=False, rtol=1e-12, atol=1e-12)
        t = trend[trend["client"] == client].drop(columns="client").reset_index(drop=True)
        pd.testing.assert_frame_equal(t, one.attrs["trend"], check_exact=False, rtol=1e-12, atol=1e-12)


def test_progress_trend_matches_linregress(synth_cohort):
    g = synth_cohort[synth_cohort["client"] == synth_cohort["client"].iloc[0]]
    weekly = ba.progress(g)
    trend = weekly.attrs["trend"].set_index("measure")
    for m in ("mood", "mastery", "activities", "avoidance_share"):
        fit = st.linregress(weekly["week"], weekly[m])
        half = st.t.ppf(0.975, len(weekly) - 2) * fit.stderr
        row = trend.loc[m]
        assert row["slope"] == pytest.approx(fit.slope, rel=1e-10, abs=1e-12)
        assert row["slope_ci_low"] == pytest.approx(fit.slope - half, rel=1e-10, abs=1e-12)
        assert row["slope_p"] == pytest.approx(fit.pvalue, rel=1e-8, abs=1e-12)
        assert row["n"] == len(weekly)
    # the two-client path counts weeks from each client's own first day
    assert ba.progress(synth_cohort, by="client").groupby("client")["week"].min().eq(1).all()
    with pytest.raises(ValueError, match="by must be"):
        ba.progress(g, by="activity")


# --------------------------------------------------------------------------- avoidance, balance

def test_avoidance_finds_low_mood_hours(log8):
    low = ba.avoidance(log8)["low_mood"]
    hours = low[low["by"] == "hour"].sort_values("mood_mean")
    planted = [h for h, eff in log8.attrs["truth"]["mood_model"]["time_of_day"] if eff < 0]
    worst = hours["level"].iloc[0]
    assert int(worst[:2]) <= max(planted) + 1
    assert hours.iloc[0]["below_average"]


def test_avoidance_share_falls_with_activation():
    log = ba.synth.client(weeks=8, seed=11, avoidance_tendency=0.6, lapse_week=None)
    by_week = ba.avoidance(log)["by_week"].set_index("week")
    assert by_week.loc[1, "avoidance_share"] > by_week.loc[8, "avoidance_share"]
    # share equals a direct count
    wk = (log["start"].dt.normalize() - log["start"].min().normalize()).dt.days // 7 + 1
    happened = ~(log["planned"].fillna(False).astype(bool) & (log["done"] == False).fillna(False))  # noqa: E712
    direct = log["avoidance"].fillna(False)[happened].astype(float).groupby(wk[happened]).mean()
    assert np.allclose(by_week["avoidance_share"], direct)


def test_avoidance_skipped_plans(log8):
    sk = ba.avoidance(log8)["skipped"]
    plans = log8[log8["planned"].fillna(False).astype(bool)]
    by_act = sk[sk["by"] == "activity"].set_index("level")
    direct = (plans["done"] == False).groupby(plans["activity"]).sum()  # noqa: E712
    assert by_act["skipped"].sort_index().tolist() == direct.sort_index().astype(int).tolist()
    assert set(sk["by"]) == {"activity", "time of day"}


def test_balance_matches_direct_computation(log8):
    bal = ba.balance(log8, by="activity", high=6).set_index("activity")
    did = _did(log8)
    walk = did[did["activity"] == "Walk in the park"]
    row = bal.loc["Walk in the park"]
    assert row["entries"] == len(walk)
    assert row["mastery_mean"] == pytest.approx(walk["mastery"].mean())
    lo, hi = st.t.interval(0.95, len(walk["pleasure"].dropna()) - 1, loc=walk["pleasure"].mean(),
                           scale=st.sem(walk["pleasure"].dropna()))
    assert (row["pleasure_ci_low"], row["pleasure_ci_high"]) == pytest.approx((lo, hi))
    rated = walk.dropna(subset=["mastery", "pleasure"])
    both = ((rated["mastery"] >= 6) & (rated["pleasure"] >= 6)).mean()
    assert row["share_both"] == pytest.approx(both)
    shares = bal[["share_both", "share_mastery_only", "share_pleasure_only", "share_neither"]].sum(axis=1)
    assert np.allclose(shares.dropna(), 1.0)


@pytest.mark.parametrize("by", ["activity", "category", "week", "day"])
def test_balance_by(log8, by):
    bal = ba.balance(log8, by=by)
    assert bal.columns[0] == by and len(bal) > 0
    assert bal["mastery_mean"].between(0, 10).all()


def test_suggest_next_ranks_helpful_activities(log8):
    top = ba.suggest_next(log8, n=6)
    assert top["rank"].tolist() == list(range(1, 7))
    truth = log8.attrs["truth"]["activities"].set_index("activity")
    assert not truth.loc[top["activity"], "avoidance"].any()
    assert (top["score"].diff().dropna() <= 1e-12).all()
    assert top["reason"].str.len().gt(20).all()


def test_small_wins(log8):
    wins = ba.small_wins(log8)
    done = wins[wins["kind"] == "planned and done"]
    direct = (log8["planned"].fillna(False) & log8["done"].fillna(False) & ~log8["avoidance"].fillna(False))
    assert len(done) == int(direct.sum())
    assert wins["start"].is_monotonic_increasing


# --------------------------------------------------------------------------- edge cases

def _edge_logs(log8):
    one_day = log8[log8["start"].dt.normalize() == log8["start"].min().normalize()]
    no_ratings = log8.assign(mastery=np.nan, pleasure=np.nan, mood=np.nan)
    one_activity = log8[log8["activity"] == "Have a meal"]
    empty = log8.iloc[0:0]
    return {"one day": one_day, "no ratings": no_ratings, "one activity": one_activity, "empty": empty}


@pytest.mark.parametrize("case", ["one day", "no ratings", "one activity", "empty"])
def test_analyses_handle_edge_cases(log8, case):
    log = _edge_logs(log8)[case]
    for frame in (ba.balance(log), ba.balance(log, by="week"), ba.mood_by_activity(log), ba.progress(log),
                  ba.small_wins(log), ba.suggest_next(log), *ba.avoidance(log).values()):
        assert isinstance(frame, pd.DataFrame)
        for col in ("mastery_mean", "pleasure_mean", "mood_with", "mood"):
            if col in frame.columns:
                assert frame[col].dropna().between(0, 10).all()
    res = ba.mood_by_activity(log)
    assert pd.api.types.is_integer_dtype(res["n_with"]) and pd.api.types.is_float_dtype(res["diff"])


def test_analyses_reject_non_logs():
    with pytest.raises(TypeError, match="tidy log"):
        ba.balance([1, 2, 3])
    with pytest.raises(ValueError, match="read_log"):
        ba.mood_by_activity(pd.DataFrame({"x": [1]}))
