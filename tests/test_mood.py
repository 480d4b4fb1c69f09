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


def _gls(y, X, day, rho):
    """statsmodels' GLS with the AR(1) correlation rho^|day_i - day_j| (an independent computation)."""
    import statsmodels.api as sm

    day = np.asarray(day, dtype=float)
    return sm.GLS(np.asarray(y, float), X, sigma=rho ** np.abs(day[:, None] - day[None, :])).fit()


def _reml_rho(y, X, day):
    """REML rho by brute force: full correlation matrices and scipy's bounded scalar optimiser."""
    from scipy.optimize import minimize_scalar

    y, X, day = np.asarray(y, float), np.asarray(X, float), np.asarray(day, float)
    n, p = X.shape

    def neg(r):
        R = r ** np.abs(day[:, None] - day[None, :])
        Ri = np.linalg.inv(R)
        XtRiX = X.T @ Ri @ X
        beta = np.linalg.solve(XtRiX, X.T @ Ri @ y)
        e = y - X @ beta
        return 0.5 * (np.linalg.slogdet(R)[1] + np.linalg.slogdet(XtRiX)[1] + (n - p) * np.log(e @ Ri @ e))

    return minimize_scalar(neg, bounds=(-0.9, 0.98), method="bounded", options={"xatol": 1e-6}).x


def test_mood_by_activity_unadjusted_diff_is_the_ar1_gls_coefficient(log8):
    """adjust=None: diff, interval and p are those of GLS on an intercept and the activity at mood_autocorr."""
    res = ba.mood_by_activity(log8, adjust=None).query("status == 'tested'").set_index("activity")
    daily = _daily_with(log8, "Walk in the park")
    day = (daily.index - daily.index.min()).days
    X = np.column_stack([np.ones(len(daily)), daily["with_it"]])
    rho = res["mood_autocorr"].iloc[0]
    assert rho == pytest.approx(_reml_rho(daily["mood"], X[:, :1], day), abs=1e-3)
    fit = _gls(daily["mood"], X, day, rho)
    row = res.loc["Walk in the park"]
    assert row["diff"] == pytest.approx(fit.params[1], rel=1e-9)
    assert row["p"] == pytest.approx(fit.pvalues[1], rel=1e-9)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(tuple(fit.conf_int()[1]), rel=1e-9)


def test_mood_by_activity_is_one_gls_fit_per_activity_within_calendar_weeks(log8):
    """Every tested activity: diff, CI and p of GLS with one mean per calendar week (Mon-Sun), AR(1) at the REML rho."""
    res = ba.mood_by_activity(log8).set_index("activity")
    tested = res[res["status"] == "tested"]
    rho = float(tested["mood_autocorr"].iloc[0])
    first = _daily_with(log8, tested.index[0])
    day = (first.index - first.index.min()).days
    week = first.index.to_period("W-SUN").astype(str)  # calendar weeks, Monday to Sunday
    dummies = pd.get_dummies(week).to_numpy(float)
    assert rho == pytest.approx(_reml_rho(first["mood"], dummies, day), abs=1e-3)
    for name, row in tested.iterrows():
        daily = _daily_with(log8, name)
        fit = _gls(daily["mood"], np.column_stack([dummies, daily["with_it"]]), day, rho)
        assert row["diff"] == pytest.approx(fit.params[-1], rel=1e-8, abs=1e-12)
        assert row["p"] == pytest.approx(fit.pvalues[-1], rel=1e-7, abs=1e-12)
        assert (row["ci_low"], row["ci_high"]) == pytest.approx(tuple(fit.conf_int()[-1]), rel=1e-8, abs=1e-12)
        assert row["method"] == f"AR(1) regression (rho {rho:.2f}): CI and p from one t on {int(fit.df_resid)} df"
        # one estimate and one SE: the interval excludes 0 exactly when p < .05
        assert ((row["ci_low"] > 0) | (row["ci_high"] < 0)) == (row["p"] < 0.05)


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


@pytest.mark.parametrize("kw", [{}, {"adjust": None, "by": "category"}, {"unit": "entry"}, {"ci": 0.9}])
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
    if kw.get("unit") != "entry":  # every client's own model
        tested = allc[allc["status"] == "tested"]
        assert tested["method"].str.startswith("AR(1) regression (rho ").all()
        assert allc.groupby("client")["mood_autocorr"].nunique().eq(1).all()


def test_mood_by_activity_cliffs_delta_is_on_the_week_adjusted_days(log8):
    """Cliff's delta of mood minus its calendar week's mean, days with vs without (stats.cliffs_delta here)."""
    for adjust in ("week", None):
        res = ba.mood_by_activity(log8, adjust=adjust)
        for _, row in res[res["status"] == "tested"].iterrows():
            daily = _daily_with(log8, row["activity"])
            group = daily.index.to_period("W-SUN") if adjust else np.zeros(len(daily))
            y = (daily["mood"] - daily.groupby(group)["mood"].transform("mean")).to_numpy()
            on = daily["with_it"].to_numpy(bool)
            cd = ba.stats.cliffs_delta(y[~on], y[on])["estimate"].iloc[0]
            assert row["cliffs_delta"] == pytest.approx(cd, abs=1e-12)


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


def test_adjusted_diff_is_the_week_fixed_effects_gls(log8):
    """diff (and so the adjusted gap) is the activity's coefficient with one intercept per calendar week (statsmodels)."""
    import statsmodels.formula.api as smf

    res = ba.mood_by_activity(log8).set_index("activity")
    daily = _daily_with(log8, "Call a friend")
    daily["cweek"] = daily.index.to_period("W-SUN").astype(str)
    row = res.loc["Call a friend"]
    X = pd.get_dummies(daily["cweek"]).to_numpy(float)
    fit = _gls(daily["mood"], np.column_stack([X, daily["with_it"]]), (daily.index - daily.index.min()).days,
               row["mood_autocorr"])
    assert row["diff"] == pytest.approx(fit.params[-1], rel=1e-9)
    assert row["mood_with_adjusted"] - row["mood_without_adjusted"] == pytest.approx(fit.params[-1])
    assert row["mood_with_adjusted"] > row["mood_without_adjusted"]
    # with no autocorrelation the GLS is the OLS with week fixed effects (rho 0 through the same code)
    ols = smf.ols("mood ~ with_it + C(cweek)", data=daily).fit()
    gls0 = _gls(daily["mood"], np.column_stack([X, daily["with_it"]]), np.arange(len(daily)) * 10**6, 0.0)
    assert gls0.params[-1] == pytest.approx(ols.params["with_it"], rel=1e-9)
    # the raw means are not the adjusted ones here: mood changed over the weeks
    assert abs(row["mood_with"] - row["mood_without"] - row["diff"]) > 0.01


def test_adjusted_means_are_the_raw_means_when_the_difference_is_the_raw_one(log8):
    # the formulas give mood_with / mood_without back whenever diff is the plain difference
    res = ba.mood_by_activity(log8, adjust=None).query("status == 'tested'").copy()
    raw = res["mood_with"] - res["mood_without"]
    s = res["n_with"] / (res["n_with"] + res["n_without"])
    m = s * res["mood_with"] + (1 - s) * res["mood_without"]
    np.testing.assert_allclose(m + (1 - s) * raw, res["mood_with"], atol=1e-12)
    np.testing.assert_allclose(m - s * raw, res["mood_without"], atol=1e-12)
    # and the model's adjusted means use the model's difference
    np.testing.assert_allclose(res["mood_with_adjusted"], m + (1 - s) * res["diff"], atol=1e-12)
    # within weeks, every week with the activity on the same weekdays: the week cannot confound it, and
    # the difference stays near the raw one even though mood rises week by week
    rng = np.random.default_rng(4)
    day = pd.date_range("2026-03-02", periods=28, freq="D")
    walk = day.day_of_week.isin([0, 2, 4])
    mood = 3 + 0.5 * (np.arange(28) // 7) + 1.2 * walk + rng.normal(0, 0.5, 28)
    rows = pd.DataFrame({"client": "A", "start": day + pd.Timedelta(hours=9), "mood": mood.round(1),
                         "activity": np.where(walk, "Walk", "Read")})
    log = conform(rows)
    log["entry"] = np.arange(len(log), dtype="int64")
    row = ba.mood_by_activity(log).set_index("activity").loc["Walk"]
    daily = pd.Series(mood.round(1), index=day)
    assert row["mood_with"] == pytest.approx(daily[walk].mean(), abs=1e-9)
    assert row["ci_low"] < daily[walk].mean() - daily[~walk].mean() < row["ci_high"]


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

    for text in (mood_module.__doc__, ba.mood_by_activity.__doc__, ba.mood_by_activity(log8).attrs["method"]):
        assert "Welch" not in text and "always agree" not in text and "moving-block" not in text
    how = ba.mood_by_activity(log8).attrs["method"]
    assert "AR(1)" in how and "REML" in how and "calendar week" in how and "no pretest" in how
    assert "exactly when p < 0.05" in how and "fewer than 3 days" in how
    # the old arguments are accepted and change nothing
    pd.testing.assert_frame_equal(ba.mood_by_activity(log8, autocorr_threshold=-1, n_boot=10, seed=1),
                                  ba.mood_by_activity(log8))


def test_null_activities_get_a_clear_verdict_at_about_the_interval_rate(recovery):
    # the verdict reads the 95% interval of each activity alone (no correction for testing many):
    # activities with no effect are called "clear" about 5% of the time, as documented
    placebo = recovery[recovery["placebo"]]
    clear = (placebo["ci_low"] > 0) | (placebo["ci_high"] < 0)
    assert (placebo["verdict"] == "clear difference").eq(clear).all()
    assert clear.mean() <= 0.12, clear.mean()


# --------------------------------------------------------------------------- phase_effect's test (issue 16)


def _phase_daily(log, baseline_weeks):
    """Daily mood of the rows that happened, and which days are in the baseline's calendar weeks."""
    days = _did(log).assign(day=log["start"].dt.normalize())
    daily = days.groupby("day")["mood"].mean().dropna()
    week = daily.index.to_period("W-SUN")
    first = week.min()
    number = np.array([(w - first).n + 1 for w in week])
    return daily, np.isin(number, baseline_weeks)


def test_phase_effect_level_change_is_the_piecewise_ar1_gls(log8):
    """The test row: GLS of y on 1, t, B, (t - t_B) B with AR(1) errors (statsmodels at the REML rho)."""
    import statsmodels.api as sm

    res = ba.phase_effect(log8, baseline=[1, 2]).set_index("effect")
    daily, in_a = _phase_daily(log8, [1, 2])
    t = ((daily.index - daily.index.min()).days).to_numpy(float)
    b = (~in_a).astype(float)
    X = np.column_stack([np.ones(len(t)), t, b, (t - t[~in_a].min()) * b])
    row = res.loc["level change (piecewise AR(1) regression)"]
    rho = float(row["method"].split("REML rho ")[1].split(";")[0])
    assert rho == pytest.approx(_reml_rho(daily.to_numpy(), X, t), abs=0.006)  # rho printed to 2 decimals
    full = ba.stats.ar1_regression(daily.to_numpy(), X, day=t.astype(int))
    fit = sm.GLS(daily.to_numpy(), X, sigma=full.attrs["rho"] ** np.abs(t[:, None] - t[None, :])).fit()
    assert row["estimate"] == pytest.approx(fit.params[2], rel=1e-9)
    assert row["p"] == pytest.approx(fit.pvalues[2], rel=1e-7)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(tuple(fit.conf_int()[2]), rel=1e-9)
    assert row["n_a"] == in_a.sum() and row["n_b"] == (~in_a).sum()


def test_phase_effect_indices_are_descriptive_and_tau_bc_is_stats_tau_bc(log8):
    res = ba.phase_effect(log8, baseline=[1, 2]).set_index("effect")
    daily, in_a = _phase_daily(log8, [1, 2])
    a, b = daily[in_a].to_numpy(), daily[~in_a].to_numpy()
    for name in ("NAP", "Tau", "Tau-U", "Tau-BC", "Hedges' g"):
        assert np.isnan(res.loc[name, "p"])
        assert res.loc[name, "method"].startswith("descriptive, assumes independent days (no p-value)")
        assert "p:" not in res.loc[name, "method"]
    ref = ba.stats.tau_bc(a, b).iloc[0]
    for k in ("estimate", "se", "ci_low", "ci_high"):
        assert res.loc["Tau-BC", k] == pytest.approx(ref[k])
    assert "Tau-U" in res.attrs["note"] and res.attrs["test"] == "level change (piecewise AR(1) regression)"
    assert "removes the baseline trend" not in (ba.phase_effect.__doc__ or "")


def test_phase_effect_level_change_needs_enough_days(log8):
    short = log8[log8["start"] < log8["start"].min().normalize() + pd.Timedelta(days=9)]
    res = ba.phase_effect(short, baseline=[1], treatment=[2]).set_index("effect")
    row = res.loc["level change (piecewise AR(1) regression)"]
    if row["n_a"] < 3 or row["n_b"] < 2:
        assert np.isnan(row["p"]) and row["method"].startswith("not estimated")
