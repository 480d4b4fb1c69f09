"""mood_by_activity and phase_effect: planted effects recovered on synth logs, direct computations, the cohort shortcut.

Moved from test_analyses.py (issue 13), unchanged.
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


# --------------------------------------------------------------------------- adjusted means and verdict (issue 15)


def _daily_with(log, activity):
    """Daily mean mood and whether the activity happened that day, with the week counted from day one."""
    days = log.assign(day=log["start"].dt.normalize())
    daily = days.groupby("day")["mood"].mean().dropna().to_frame()
    on = _did(days).loc[lambda d: d["activity"] == activity, "day"].unique()
    daily["with_it"] = daily.index.isin(on).astype(float)
    daily["week"] = (daily.index - days["day"].min()).days // 7
    return daily


@pytest.mark.parametrize("kw", [{}, {"unit": "entry"}, {"adjust": None}, {"by": ["client", "activity"]}])
def test_adjusted_means_differ_by_exactly_diff(log8, synth_cohort, kw):
    log = synth_cohort if "by" in kw else log8
    res = ba.mood_by_activity(log, **kw)
    tested = res[res["status"] == "tested"]
    assert len(tested) > 3
    gap = tested["mood_with_adjusted"] - tested["mood_without_adjusted"]
    np.testing.assert_allclose(gap, tested["diff"], rtol=0, atol=1e-12)
    # their mean weighted by days is the mean mood of all the days compared
    n = tested["n_with"] + tested["n_without"]
    m = (tested["n_with"] * tested["mood_with"] + tested["n_without"] * tested["mood_without"]) / n
    np.testing.assert_allclose((tested["n_with"] * tested["mood_with_adjusted"]
                                + tested["n_without"] * tested["mood_without_adjusted"]) / n, m, atol=1e-12)
    untested = res[res["status"] != "tested"]
    assert untested[["mood_with_adjusted", "mood_without_adjusted"]].isna().all().all()


def test_adjusted_diff_is_the_week_fixed_effects_regression(log8):
    """diff (and so the adjusted gap) is the activity's coefficient with one intercept per week (statsmodels)."""
    import statsmodels.formula.api as smf

    res = ba.mood_by_activity(log8).set_index("activity")
    daily = _daily_with(log8, "Call a friend")
    fit = smf.ols("mood ~ with_it + C(week)", data=daily).fit()
    row = res.loc["Call a friend"]
    assert row["diff"] == pytest.approx(fit.params["with_it"], rel=1e-9)
    assert row["mood_with_adjusted"] - row["mood_without_adjusted"] == pytest.approx(fit.params["with_it"])
    assert row["mood_with_adjusted"] > row["mood_without_adjusted"]
    # the raw means are not the adjusted ones here: mood changed over the weeks
    assert abs(row["mood_with"] - row["mood_without"] - row["diff"]) > 0.01


def test_adjusted_means_are_the_raw_means_without_a_week_effect(log8):
    # no adjustment: the plain means
    res = ba.mood_by_activity(log8, adjust=None).query("status == 'tested'")
    np.testing.assert_allclose(res["mood_with_adjusted"], res["mood_with"], atol=1e-12)
    np.testing.assert_allclose(res["mood_without_adjusted"], res["mood_without"], atol=1e-12)
    # within weeks, but every week has the activity on the same weekdays: the week cannot confound it,
    # and the adjusted means are the raw ones even though mood rises week by week
    rng = np.random.default_rng(4)
    day = pd.date_range("2026-03-02", periods=28, freq="D")
    walk = day.day_of_week.isin([0, 2, 4])
    mood = 3 + 0.5 * (np.arange(28) // 7) + 1.2 * walk + rng.normal(0, 0.5, 28)
    rows = pd.DataFrame({"client": "A", "start": day + pd.Timedelta(hours=9), "mood": mood.round(1),
                         "activity": np.where(walk, "Walk", "Read")})
    log = conform(rows)
    log["entry"] = np.arange(len(log), dtype="int64")
    res = ba.mood_by_activity(log).set_index("activity")
    daily = pd.Series(mood.round(1), index=day)
    for name, on in (("Walk", walk), ("Read", ~walk)):
        row = res.loc[name]
        assert row["mood_with_adjusted"] == pytest.approx(daily[on].mean(), abs=1e-9)
        assert row["mood_without_adjusted"] == pytest.approx(daily[~on].mean(), abs=1e-9)
        assert row["mood_with"] == pytest.approx(daily[on].mean(), abs=1e-9)


def test_verdict_reads_the_interval_shown(log8):
    res = ba.mood_by_activity(log8)
    tested = res["status"] == "tested"
    above, below = tested & (res["ci_low"] > 0), tested & (res["ci_high"] < 0)
    expect = np.where(above | below, "clear difference", np.where(tested, "could be chance", "too few days"))
    assert res["verdict"].tolist() == expect.tolist()
    assert (res.loc[above, "direction"] == "better mood").all()
    assert (res.loc[below, "direction"] == "lower mood").all()
    assert res.loc[~(above | below), "direction"].isna().all()
    # the case: the interval excludes 0 while q is large; the verdict follows the interval
    clear_but_high_q = res[(res["verdict"] == "clear difference") & (res["q"] > 0.05)]
    assert len(clear_but_high_q) > 0
    assert res.loc[res["status"] == "not enough data", "verdict"].eq("too few days").all()
    entries = ba.mood_by_activity(log8, unit="entry")
    assert entries.loc[entries["status"] == "not enough data", "verdict"].eq("too few entries").all()
    assert "interval" in res.attrs["verdict"] and "exactly" in res.attrs["adjusted"]


def test_method_text_claims_only_what_is_done(log8):
    import bactivate.mood as mood_module

    for text in (mood_module.__doc__, ba.mood_by_activity.__doc__, ba.mood_by_activity(log8).attrs["method"],
                 ba.mood_by_activity(log8, autocorr_threshold=-1).attrs["method"]):
        assert "Welch" not in text and "always agree" not in text
    assert "regression t-test" in ba.mood_by_activity(log8).attrs["method"]
    assert "moving-block bootstrap" in ba.mood_by_activity(log8, autocorr_threshold=-1).attrs["method"]


def test_null_activities_get_a_clear_verdict_at_about_the_interval_rate(recovery):
    # the verdict reads the 95% interval of each activity alone (no correction for testing many):
    # activities with no effect are called "clear" about 5% of the time, as documented
    placebo = recovery[recovery["placebo"]]
    clear = (placebo["ci_low"] > 0) | (placebo["ci_high"] < 0)
    assert (placebo["verdict"] == "clear difference").eq(clear).all()
    assert clear.mean() <= 0.12, clear.mean()
