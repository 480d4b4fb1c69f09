"""Trajectories: which fits are accepted, the fallback to random intercepts, and the degrees of freedom.

Every expected number here comes from an independent computation in the test: a
statsmodels ``MixedLM`` fitted directly, a least-squares regression with numpy, or
a t test with scipy. None is copied from bactivate's own output.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from scipy import stats as st

import bactivate as ba
from bactivate.cohort.trajectory import (
    OPTIMIZERS,
    TrajectoryWarning,
    _between_within_df,
    trajectory,
    weekly,
)

TERM = "week:arm[T.BA]"
ESTIMATES = ["estimate", "se", "ci_low", "ci_high", "p", "df"]


def _direct(data, formula, re_formula, method):
    """statsmodels' own MixedLM fit (REML), its warnings silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = smf.mixedlm(formula, data=data, groups=data["client"], re_formula=re_formula)
        return model.fit(method=method, reml=True)


def _positive_definite(result) -> bool:
    eig = np.linalg.eigvalsh(np.asarray(result.cov_params(), dtype="float64"))
    return bool(np.isfinite(eig).all() and eig.min() > 0)


def _quiet(*args, **kw):
    """trajectory() with its warnings recorded: (table, result, warnings)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        table, result = trajectory(*args, return_result=True, **kw)
    return table, result, [w for w in caught if issubclass(w.category, TrajectoryWarning)]


def _balanced(n=16, weeks=6, sd_slope=0.0, seed=7):
    """A balanced weekly frame: half the clients per arm, every client every week, no missing value."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        arm = "BA" if i % 2 else "control"
        a, b = rng.normal(0, 1.0), rng.normal(0, sd_slope)
        rows += [{"client": f"C{i:02d}", "week": w, "arm": arm,
                  "mood": 5 + a + (0.1 + 0.2 * (arm == "BA") + b) * w + rng.normal(0, 0.5)}
                 for w in range(1, weeks + 1)]
    return pd.DataFrame(rows)


# =========================================================================== which fit is accepted


def test_a_fit_whose_hessian_is_not_positive_definite_is_not_returned():
    """The issue's cohort: statsmodels converges to a random-slope fit whose Hessian is not positive
    definite; trajectory() tries every optimiser, then fits random intercepts only, and says so."""
    log, roster = ba.synth.cohort(n_clients=4, weeks=3, seed=3)
    w = weekly(log, "mood", roster=roster)
    w["week"] = w["week"].astype("float64")
    # the premise, checked independently: the fit bactivate used to return
    bad = _direct(w, "mood ~ week * arm", "~week", ["bfgs", "lbfgs"])
    assert bad.converged and not _positive_definite(bad)

    fit, result, caught = _quiet(log, roster=roster)
    assert fit.attrs["re_formula"] == "1" and fit.attrs["re_formula_requested"] == "~week"
    assert fit["converged"].all() and _positive_definite(result)
    att = fit.attrs["attempts"]
    assert att["re_formula"].tolist() == ["~week"] * len(OPTIMIZERS) + ["1"]
    assert not att["converged"].iloc[:-1].any() and att["converged"].iloc[-1]
    assert att["problem"].str.contains("not positive definite").any()
    assert len(caught) == 1 and "random intercepts only" in str(caught[0].message)
    assert len(fit.attrs["notes"]) == 1 and "re_formula='1'" in fit.attrs["notes"][0]
    # the estimates are those of the random-intercept model, fitted directly
    good = _direct(w, "mood ~ week * arm", "1", "bfgs")
    assert _positive_definite(good)
    np.testing.assert_allclose(fit["estimate"], good.fe_params, rtol=1e-6)
    np.testing.assert_allclose(fit["se"], good.bse_fe, rtol=1e-6)


def test_two_weeks_per_client_cannot_carry_a_random_slope():
    """Two weeks per client: intercept, slope, their covariance and the residual are four variances from a
    2 x 2 covariance: not identified. The slope is not even tried: random intercepts only, as fitted
    directly, and the reason (with the way out, unit='day') said."""
    log, roster = ba.synth.cohort(n_clients=12, weeks=4, seed=2, entries_per_day=2)
    w = weekly(log, "mood", roster=roster)
    w = w[w["week"].isin([1, 2])].reset_index(drop=True)
    fit, result, caught = _quiet(w, reference="control")
    assert fit.attrs["re_formula"] == "1" and fit["converged"].all() and _positive_definite(result)
    assert [str(c.message).startswith("The random effects ~week per client were not used")
            for c in caught] == [True]
    assert "0 of 12 people have 3 or more" in fit.attrs["re_reason"]
    assert "unit='day'" in str(caught[0].message)
    att = fit.attrs["attempts"]
    assert att["re_formula"].tolist()[0] == "~week" and att["optimizer"].iloc[0] == ""
    assert att["problem"].iloc[0].startswith("not fitted: a random slope needs at least 3 weeks")
    w = w.assign(week=w["week"].astype("float64"), arm=pd.Categorical(w["arm"], ["control", "BA"]))
    direct = _direct(w, "mood ~ week * arm", "1", "bfgs")
    np.testing.assert_allclose(fit["estimate"], direct.fe_params, rtol=1e-6)
    # week terms: 24 client-weeks - 12 client intercepts - 2 within-client terms
    assert fit.set_index("term").loc[["week", TERM], "df"].tolist() == [10.0, 10.0]


def test_one_week_per_client_gives_no_numbers_and_says_what_to_do():
    """One week per client (different weeks): neither random slopes nor random intercepts can be told
    from the residual. Every estimate is missing, converged is False, and the warning says what to do."""
    log, roster = ba.synth.cohort(n_clients=12, weeks=4, seed=2, entries_per_day=2)
    w = weekly(log, "mood", roster=roster)
    one = w[w["week"] == w["client"].str[-2:].astype(int) % 4 + 1].reset_index(drop=True)
    assert one.groupby("client").size().eq(1).all() and one["week"].nunique() == 4
    fit, result, caught = _quiet(one, reference="control")
    assert fit["term"].tolist() == ["Intercept", "arm[T.BA]", "week", TERM]
    assert not fit["converged"].any() and fit.attrs["converged"] is False
    assert fit[ESTIMATES].isna().all().all()
    assert (fit["optimizer"] == "").all() and fit.attrs["optimizer"] is None
    assert (fit["df_method"] == "none: the model could not be fitted").all()
    assert len(caught) == 1
    message = str(caught[0].message)
    assert "could not be fitted" in message and "What to do" in message and "more weeks per client" in message
    # one week per client cannot carry a slope: it is not tried
    assert fit.attrs["attempts"]["re_formula"].tolist() == ["~week"] + ["1"] * 5
    assert not fit.attrs["attempts"]["converged"].any()
    assert np.isnan(fit.attrs["loglike"]) and np.isnan(fit.attrs["residual_variance"])
    assert result is not None and not _positive_definite(result)  # the last rejected fit, to inspect


def test_an_ordinary_cohort_gives_what_it_gave_before():
    """20 clients x 5 weeks, where the fit was already sound: estimates and standard errors are what
    bactivate gave before this change, i.e. statsmodels' BFGS, which stops short here, continued by
    L-BFGS from where it stopped (computed directly below); only p and the intervals now use t."""
    log, roster = ba.synth.cohort(n_clients=20, weeks=5, seed=1, entries_per_day=3)
    fit, _, caught = _quiet(log, roster=roster, reference="control")
    assert caught == [] and fit.attrs["re_formula"] == "~week" and fit.attrs["notes"] == []
    w = weekly(log, "mood", roster=roster)
    w = w.assign(week=w["week"].astype("float64"), arm=pd.Categorical(w["arm"], ["control", "BA"]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = smf.mixedlm("mood ~ week * arm", data=w, groups=w["client"], re_formula="~week")
        first = model.fit(method="bfgs", reml=True)
        direct = model.fit(method="lbfgs", reml=True, start_params=first.params_object)
    assert not first.converged and direct.converged and _positive_definite(direct)
    assert fit.attrs["attempts"]["optimizer"].tolist() == ["bfgs", "lbfgs"]
    assert fit["optimizer"].eq("lbfgs").all()
    np.testing.assert_allclose(fit["estimate"], direct.fe_params, rtol=1e-6)
    np.testing.assert_allclose(fit["se"], direct.bse_fe, rtol=1e-6)
    # t on 20 clients - 2 terms at each level, instead of statsmodels' z
    assert fit["df"].tolist() == [18.0] * 4
    t = direct.fe_params.to_numpy() / direct.bse_fe.to_numpy()
    np.testing.assert_allclose(fit["p"], 2 * st.t.sf(np.abs(t), 18), rtol=1e-5)
    half = st.t.ppf(0.975, 18) * direct.bse_fe.to_numpy()
    np.testing.assert_allclose(fit["ci_high"] - fit["ci_low"], 2 * half, rtol=1e-6)
    assert (fit["p"] > direct.pvalues.loc[direct.fe_params.index].to_numpy()).all()


# =========================================================================== degrees of freedom


def test_random_intercepts_balanced_week_by_arm_is_the_fixed_client_regression():
    """Balanced, random intercepts: the week:arm test is the classical split-plot test, i.e. least squares
    with a dummy per client, on client-weeks - clients - 2 degrees of freedom."""
    d = _balanced()
    fit = trajectory(d, reference="control", re_formula="1").set_index("term")
    x = np.column_stack([pd.get_dummies(d["client"]).to_numpy(dtype="float64"), d["week"],
                         d["week"] * (d["arm"] == "BA")])
    y = d["mood"].to_numpy()
    beta, rss, rank, _ = np.linalg.lstsq(x, y, rcond=None)
    dof = len(y) - rank
    se = np.sqrt(rss[0] / dof * np.linalg.inv(x.T @ x)[-1, -1])
    row = fit.loc[TERM]
    assert dof == 96 - 16 - 2 and row["df"] == dof
    assert row["estimate"] == pytest.approx(beta[-1], rel=1e-6)
    assert row["se"] == pytest.approx(se, rel=1e-4)
    assert row["p"] == pytest.approx(2 * st.t.sf(abs(beta[-1] / se), dof), rel=1e-3)
    assert row["ci_high"] - row["estimate"] == pytest.approx(st.t.ppf(0.975, dof) * se, rel=1e-4)
    assert fit.loc["arm[T.BA]", "df"] == 16 - 2
    assert fit.loc[TERM, "df_method"].startswith("between-within: client-weeks")
    assert fit.loc["arm[T.BA]", "df_method"].startswith("between-within: clients")


def test_random_slopes_balanced_week_by_arm_is_the_t_test_of_client_slopes():
    """Balanced, random slopes (slope variance well inside its range): the week:arm test is the pooled
    two-sample t test of each client's least-squares slope, on clients - 2 degrees of freedom."""
    d = _balanced(sd_slope=0.3, seed=11)
    fit, result, caught = _quiet(d, reference="control")
    assert caught == [] and result.cov_re.iloc[1, 1] > 0.01
    slopes = d.groupby("client").apply(lambda g: np.polyfit(g["week"], g["mood"], 1)[0], include_groups=False)
    arm = d.groupby("client")["arm"].first()
    test = st.ttest_ind(slopes[arm == "BA"], slopes[arm == "control"])
    row = fit.set_index("term").loc[TERM]
    assert row["df"] == test.df == 14
    assert row["estimate"] == pytest.approx(slopes[arm == "BA"].mean() - slopes[arm == "control"].mean(), rel=1e-6)
    assert row["estimate"] / row["se"] == pytest.approx(test.statistic, rel=1e-4)
    assert row["p"] == pytest.approx(test.pvalue, rel=1e-4)
    assert row["df_method"].startswith("containment")


def test_degrees_of_freedom_with_covariates_count_each_level():
    log, roster = ba.synth.cohort(n_clients=20, weeks=4, seed=1, entries_per_day=2)
    fit = trajectory(log, roster=roster, reference="control",
                     covariates=["activities", "baseline_phq9"]).set_index("term")
    n, n_obs = fit.attrs["n_clients"], fit.attrs["n_obs"]
    between = ["Intercept", "arm[T.BA]", "activities_between", "baseline_phq9"]
    assert (fit.loc[between, "df"] == n - len(between)).all()
    assert (fit.loc[["week", TERM], "df"] == n - 2).all()
    # activities_within: client-weeks - (intercept and slope of every client) - 1 within-client term
    assert fit.loc["activities_within", "df"] == n_obs - 2 * n - 1


def test_too_few_clients_leave_no_degrees_of_freedom():
    """Two clients per arm: the arm term has 4 - 2 = 2 df. One client per arm leaves none: its df,
    p and interval are missing, not z-based (counted on the design alone)."""
    d = _balanced(n=4, weeks=5, seed=3)
    fit = trajectory(d, reference="control", re_formula="1").set_index("term")
    assert fit["converged"].all()
    assert fit.loc["arm[T.BA]", "df"] == 2 and fit.loc[TERM, "df"] == 20 - 4 - 2
    assert fit.loc["arm[T.BA]", "p"] == pytest.approx(
        2 * st.t.sf(abs(fit.loc["arm[T.BA]", "estimate"] / fit.loc["arm[T.BA]", "se"]), 2))
    two = _balanced(n=2, weeks=5)
    model = smf.mixedlm("mood ~ week * arm", data=two, groups=two["client"], re_formula="1")
    df, method = _between_within_df(model, object())
    assert np.isnan(df[:2]).all() and method[1].endswith("none left")
    assert df[2:].tolist() == [10 - 2 - 2] * 2


def test_errors_must_be_warn_or_raise():
    with pytest.raises(ValueError, match="errors"):
        trajectory(_balanced(), errors="ignore")


def test_the_warning_is_a_log_warning():
    assert issubclass(TrajectoryWarning, ba.LogWarning)
