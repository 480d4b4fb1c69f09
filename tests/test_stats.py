"""Tests for bactivate.stats.

Every statistic is checked against something other than itself: printed output
of published software documentation (SingleCaseES, scan, effsize), a published
paper's worked example (Benjamini & Hochberg 1995), an independent library
(scipy, statsmodels) or a brute-force re-computation written out here with
explicit loops. Tolerances follow the digits printed in the source.
"""

from __future__ import annotations

import doctest
import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps
from statsmodels.stats.multitest import multipletests
from statsmodels.tsa.stattools import acf

import bactivate.stats as bs

# Hypothetical AB series printed throughout the SingleCaseES vignette
# "Basic effect sizes calculations using SingleCaseES" (Swan, Pustejovsky & Grekov).
SCES_A = [20, 20, 26, 25, 22, 23]
SCES_B = [28, 25, 24, 27, 30, 30, 29]

# Parker & Vannest (2009) worked example, as reproduced in the SingleCaseES NAP() help page.
PV_A = [4, 3, 4, 3, 4, 7, 5, 2, 3, 2]
PV_B = [5, 9, 7, 9, 7, 5, 9, 11, 11, 10, 9]

# SingleCaseES computes Newcombe's limits with R's uniroot() at its default
# tolerance (.Machine$double.eps^0.25 ~ 1.2e-4), so its printed limits are only
# that accurate; we solve to 1e-14 and allow 2e-4 (4e-4 on the Tau scale, x2).
UNIROOT_TOL = 2e-4


def row(df: pd.DataFrame) -> pd.Series:
    assert len(df) == 1
    return df.iloc[0]


# ----------------------------------------------------------------- output shape


@pytest.mark.parametrize(
    ("fn", "name"),
    [
        (bs.nap, "NAP"),
        (bs.tau, "Tau"),
        (bs.tau_u, "Tau-U"),
        (bs.tau_bc, "Tau-BC"),
        (bs.cliffs_delta, "Cliff's delta"),
        (bs.hedges_g, "Hedges' g"),
    ],
)
def test_output_frame_layout(fn, name):
    out = fn(SCES_A, SCES_B)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns[:7]) == ["estimate", "se", "ci_low", "ci_high", "p", "n_a", "n_b"]
    assert out.index.name == "effect"
    assert list(out.index) == [name]
    r = row(out)
    assert (r["n_a"], r["n_b"]) == (6, 7)
    assert r["ci_level"] == 0.95
    assert r["ci_low"] <= r["estimate"] <= r["ci_high"]
    assert 0 <= r["p"] <= 1


def test_reachable_through_package():
    import bactivate as ba

    assert ba.stats.nap is bs.nap


# ----------------------------------------------------------------- NAP


def brute_nap(a, b):
    total = 0.0
    for x in a:
        for y in b:
            total += 1.0 if y > x else (0.5 if y == x else 0.0)
    return total / (len(a) * len(b))


def sces_unbiased_se(a, b):
    """The SE formula as printed in the SingleCaseES vignette (uncentred Q1, Q2, Q3)."""
    m, n = len(a), len(b)
    q = np.array([[1.0 if y > x else (0.5 if y == x else 0.0) for y in b] for x in a])
    nap = q.mean()
    q1 = np.sum(q.sum(axis=1) ** 2) / (m * n**2)
    q2 = np.sum(q.sum(axis=0) ** 2) / (m**2 * n)
    q3 = np.sum(q**2) / (m * n)
    return math.sqrt((nap - (m + n - 1) * nap**2 + n * q1 + m * q2 - 2 * q3) / ((m - 1) * (n - 1)))


def test_nap_singlecasees_vignette_example():
    # NAP(A_data = A, B_data = B):  Est 0.9166667  SE 0.06900656  CI 0.5973406 0.9860176
    r = row(bs.nap(SCES_A, SCES_B))
    assert r["estimate"] == pytest.approx(0.9166667, abs=5e-8)
    assert r["se"] == pytest.approx(0.06900656, abs=5e-9)
    assert r["ci_low"] == pytest.approx(0.5973406, abs=UNIROOT_TOL)
    assert r["ci_high"] == pytest.approx(0.9860176, abs=UNIROOT_TOL)


@pytest.mark.parametrize(
    ("level", "low", "high"),
    [(0.99, 0.4875014, 0.9907377), (0.90, 0.6591091, 0.9822249)],
)
def test_nap_singlecasees_other_confidence_levels(level, low, high):
    r = row(bs.nap(SCES_A, SCES_B, ci=level))
    assert r["ci_low"] == pytest.approx(low, abs=UNIROOT_TOL)
    assert r["ci_high"] == pytest.approx(high, abs=UNIROOT_TOL)
    assert r["ci_level"] == level


def test_nap_singlecasees_five_vs_five():
    # NAP(condition = phase2, outcome = outcome_dat): A = first 5, B = next 5
    # Est 0.78  SE 0.155  CI 0.4115567 0.9423658
    r = row(bs.nap([20, 20, 26, 25, 22], [23, 28, 25, 24, 27]))
    assert r["estimate"] == pytest.approx(0.78, abs=1e-12)
    assert r["se"] == pytest.approx(0.155, abs=5e-4)
    assert r["ci_low"] == pytest.approx(0.4115567, abs=UNIROOT_TOL)
    assert r["ci_high"] == pytest.approx(0.9423658, abs=UNIROOT_TOL)


def test_nap_truncated_se_at_complete_nonoverlap():
    # SingleCaseES, phases A (5 obs) vs C (3 obs): Est 1, SE 0.06346478 (the
    # truncated SE; the untruncated unbiased formula would give 0).
    r = row(bs.nap([20, 20, 26, 25, 22], [30, 30, 29]))
    assert r["estimate"] == 1.0
    assert r["se"] == pytest.approx(0.06346478, abs=5e-9)
    # SingleCaseES prints CI [1, 1] here (uniroot stops at the trivial root
    # t = NAP = 1). We report the proper lower root of Newcombe's equation instead.
    assert r["ci_high"] == 1.0
    assert 0.3 < r["ci_low"] < 1.0


def test_nap_parker_vannest_2009_example():
    # Parker & Vannest (2009) report NAP = 96%; SingleCaseES NAP(yA, yB) prints
    # Est 0.9636364  SE 0.03192622  CI 0.7499741 0.9950729
    r = row(bs.nap(PV_A, PV_B))
    assert round(100 * r["estimate"]) == 96
    assert r["estimate"] == pytest.approx(0.9636364, abs=5e-8)
    assert r["se"] == pytest.approx(0.03192622, abs=5e-9)
    assert r["ci_low"] == pytest.approx(0.7499741, abs=UNIROOT_TOL)
    assert r["ci_high"] == pytest.approx(0.9950729, abs=UNIROOT_TOL)


def test_nap_scan_gretchen_example():
    # scan::nap help: gretchen A = 12,14,9,10; B = 10,6,4,5,3,4; decreasing = TRUE
    # prints NAP 94, NAP rescaled 88 (percent, rounded). Decreasing = negate.
    r = row(bs.nap([-12, -14, -9, -10], [-10, -6, -4, -5, -3, -4]))
    assert round(100 * r["estimate"]) == 94
    assert round(100 * (2 * r["estimate"] - 1)) == 88


def test_nap_equals_mann_whitney_u_and_brute_force():
    rng = np.random.default_rng(7)
    a = rng.integers(0, 6, size=13).astype(float)  # many ties
    b = rng.integers(1, 8, size=9).astype(float)
    r = row(bs.nap(a, b))
    u = sps.mannwhitneyu(b, a, alternative="two-sided")
    assert r["estimate"] == pytest.approx(u.statistic / (a.size * b.size), rel=1e-12)
    assert r["estimate"] == pytest.approx(brute_nap(a, b), rel=1e-12)
    assert r["p"] == pytest.approx(u.pvalue, rel=1e-12)
    assert r["se"] == pytest.approx(sces_unbiased_se(a, b), rel=1e-9)


def test_nap_ci_solves_newcombe_equation():
    # Newcombe (2006) Method 5, as written in the SingleCaseES vignette:
    # (NAP - t)^2 = z^2 h t (1 - t) / (mn) * [1/h + (1 - t)/(2 - t) + t/(1 + t)]
    m, n = len(PV_A), len(PV_B)
    r = row(bs.nap(PV_A, PV_B, ci=0.9))
    z, h = sps.norm.ppf(0.95), (m + n) / 2 - 1
    for t in (r["ci_low"], r["ci_high"]):
        lhs = (r["estimate"] - t) ** 2
        rhs = z**2 * h * t * (1 - t) / (m * n) * (1 / h + (1 - t) / (2 - t) + t / (1 + t))
        assert lhs == pytest.approx(rhs, rel=1e-9)


def test_nap_large_inputs_without_pair_matrix():
    rng = np.random.default_rng(3)
    a = rng.normal(size=30_000).round(2)
    b = (rng.normal(size=25_000) + 0.1).round(2)
    r = row(bs.nap(a, b))
    u = sps.mannwhitneyu(b, a).statistic
    assert r["estimate"] == pytest.approx(u / (a.size * b.size), rel=1e-12)
    assert 0 < r["se"] < 0.01


# ----------------------------------------------------------------- Tau


def test_tau_singlecasees_vignette_example():
    # Tau(A_data = A, B_data = B):  Est 0.8333333  SE 0.1380131  CI 0.1946812 0.9720352
    r = row(bs.tau(SCES_A, SCES_B))
    assert r["estimate"] == pytest.approx(0.8333333, abs=5e-8)
    assert r["se"] == pytest.approx(0.1380131, abs=5e-8)
    assert r["ci_low"] == pytest.approx(0.1946812, abs=2 * UNIROOT_TOL)
    assert r["ci_high"] == pytest.approx(0.9720352, abs=2 * UNIROOT_TOL)


def test_tau_is_two_nap_minus_one():
    rng = np.random.default_rng(11)
    a, b = rng.integers(0, 5, 8), rng.integers(0, 6, 12)
    t, n_ = row(bs.tau(a, b)), row(bs.nap(a, b))
    assert t["estimate"] == pytest.approx(2 * n_["estimate"] - 1)
    assert t["se"] == pytest.approx(2 * n_["se"])
    assert t["ci_low"] == pytest.approx(2 * n_["ci_low"] - 1)
    assert t["ci_high"] == pytest.approx(2 * n_["ci_high"] - 1)
    assert t["p"] == n_["p"]


# ----------------------------------------------------------------- Tau-U


def brute_tau_u(a, b):
    s_ab = sum(np.sign(y - x) for x in a for y in b)
    s_a = sum(np.sign(a[j] - a[i]) for i in range(len(a)) for j in range(i + 1, len(a)))
    return (s_ab - s_a) / (len(a) * len(b))


def test_tau_u_singlecasees_vignette_example():
    # Tau_U(A_data = A, B_data = B):  Est 0.7380952
    r = row(bs.tau_u(SCES_A, SCES_B))
    assert r["estimate"] == pytest.approx(0.7380952, abs=5e-8)


def test_tau_u_parker_2011_bob_as_printed_by_scan():
    # scan::tau_u help, "Replicate tau-U calculation from Parker et al. (2011)":
    # bob A = 2,3,5,3; B = 4,5,5,7,6; method = "parker", row "A vs. B - Trend A":
    # S 13, D 20, Tau 0.65, SD_S 8.48, VAR_S 71.86, SE_Tau 0.42, Z 1.53, p .13
    r = row(bs.tau_u([2, 3, 5, 3], [4, 5, 5, 7, 6]))
    assert r["estimate"] == pytest.approx(0.65, abs=1e-12)
    sd_s = r["se"] * 20
    assert sd_s == pytest.approx(8.48, abs=0.005)
    assert sd_s**2 == pytest.approx(71.86, abs=0.005)
    assert r["se"] == pytest.approx(0.42, abs=0.005)
    assert 13 / sd_s == pytest.approx(1.53, abs=0.005)
    assert r["p"] == pytest.approx(0.13, abs=0.005)
    z = sps.norm.ppf(0.975)
    assert r["ci_low"] == pytest.approx(0.65 - z * r["se"])
    # Wald, clipped to the values Tau-U can take: at most 1 + (n_a - 1) / (2 n_b) = 1.3 here
    assert r["ci_high"] == pytest.approx(min(0.65 + z * r["se"], 1.3))


def test_tau_u_brute_force_with_ties():
    rng = np.random.default_rng(5)
    for _ in range(20):
        a = rng.integers(0, 5, rng.integers(1, 9)).astype(float)
        b = rng.integers(0, 7, rng.integers(1, 9)).astype(float)
        assert row(bs.tau_u(a, b))["estimate"] == pytest.approx(brute_tau_u(a, b), abs=1e-12)


def test_tau_u_null_variance_matches_exact_permutation_variance():
    # Kendall's tie-corrected Var(S) is the exact variance of S over all
    # permutations of the outcomes against the Parker coding variable.
    a = [3.0, 1.0, 3.0]
    b = [2.0, 3.0, 5.0, 2.0]
    m, n = len(a), len(b)
    coding = np.array(list(range(m, 0, -1)) + [m + 1] * n, dtype=float)
    y = np.array(a + b)
    iu = np.triu_indices(m + n, k=1)
    sx = np.sign(coding[iu[1]] - coding[iu[0]])
    perms = np.array(list(itertools.permutations(range(m + n))))
    yp = y[perms]
    s = (np.sign(yp[:, iu[1]] - yp[:, iu[0]]) * sx).sum(axis=1)
    exact_var = s.var()  # population variance over all (equally likely) permutations
    r = row(bs.tau_u(a, b))
    assert (r["se"] * m * n) ** 2 == pytest.approx(exact_var, rel=1e-12)
    # and the statistic itself is that Kendall S
    s_obs = (np.sign(y[iu[1]] - y[iu[0]]) * sx).sum()
    assert r["estimate"] == pytest.approx(s_obs / (m * n))


# ----------------------------------------------------------------- Tau-BC


def test_tau_bc_tarlow_2017_singlecasees_example():
    """SingleCaseES tests/testthat/test-tarlow-2017.R: A = 1..5, B = 6..10 (a trend that only continues).

    Tau is 1, Tau-U 0.6 (it subtracts the baseline's Kendall S but cannot remove the trend), Tau-BC 0.
    """
    a, b = [1, 2, 3, 4, 5], [6, 7, 8, 9, 10]
    assert row(bs.tau(a, b))["estimate"] == 1.0
    assert row(bs.tau_u(a, b))["estimate"] == pytest.approx(0.6)
    res = bs.tau_bc(a, b)
    assert row(res)["estimate"] == 0.0
    assert res.attrs == {"slope": 1.0, "intercept": 0.0}


@pytest.mark.parametrize("seed", range(5))
def test_tau_bc_matches_theil_sen_and_the_tau_definition(seed):
    """Theil-Sen slope from scipy, the intercept as SingleCaseES (median of a - slope t), Tau by explicit pairs."""
    rng = np.random.default_rng(seed)
    a = np.round(rng.normal(5, 1, 9) + 0.3 * np.arange(9), 1)
    b = np.round(rng.normal(7, 1, 12), 1)
    ta, tb = np.arange(1, 10), np.arange(10, 22)
    slope = sps.theilslopes(a, ta).slope
    intercept = np.median(a - slope * ta)
    ca, cb = a - intercept - slope * ta, b - intercept - slope * tb
    pairs = [np.sign(y - x) for x, y in itertools.product(ca, cb)]
    res = bs.tau_bc(a, b)
    assert res.attrs["slope"] == pytest.approx(slope, rel=1e-12)
    assert row(res)["estimate"] == pytest.approx(np.mean(pairs), abs=1e-12)
    # its SE and interval are Tau's on the corrected values
    ref = row(bs.tau(ca, cb))
    for k in ("se", "ci_low", "ci_high"):
        assert row(res)[k] == pytest.approx(ref[k], rel=1e-9)


def test_tau_bc_removes_a_continuing_trend_that_tau_u_does_not():
    t = np.arange(40)
    y = 0.1 * t + np.tile([0.3, -0.2, 0.1, -0.4, 0.2], 8)  # a steady trend, no change at session 15
    a, b = y[:15], y[15:]
    assert row(bs.tau_u(a, b))["estimate"] > 0.5
    assert abs(row(bs.tau_bc(a, b))["estimate"]) < 0.3


# ----------------------------------------------------------------- AR(1) regression


def _reml_rho_brute(y, X, day):
    """REML rho with full correlation matrices and scipy's bounded optimiser (independent of ar1_rho)."""
    from scipy.optimize import minimize_scalar

    y, X, day = np.asarray(y, float), np.asarray(X, float), np.asarray(day, float)
    n, p = X.shape

    def neg(r):
        R = r ** np.abs(day[:, None] - day[None, :])
        Ri = np.linalg.inv(R)
        G = X.T @ Ri @ X
        e = y - X @ np.linalg.solve(G, X.T @ Ri @ y)
        return 0.5 * (np.linalg.slogdet(R)[1] + np.linalg.slogdet(G)[1] + (n - p) * np.log(e @ Ri @ e))

    return minimize_scalar(neg, bounds=(-0.9, 0.98), method="bounded", options={"xatol": 1e-7}).x


@pytest.mark.parametrize("phi, gaps", [(0.0, False), (0.4, False), (0.7, True)])
def test_ar1_regression_matches_statsmodels_gls_at_the_reml_rho(phi, gaps):
    import statsmodels.api as sm

    rng = np.random.default_rng(int(phi * 10))
    day = np.arange(60)
    if gaps:
        day = np.sort(rng.choice(80, 60, replace=False))
    e = np.zeros(day.max() + 1)
    for t in range(1, len(e)):
        e[t] = phi * e[t - 1] + rng.standard_normal()
    x = (rng.random(60) < 0.4).astype(float)
    X = np.column_stack([np.ones(60), day / 7.0, x])
    y = 5 + 0.2 * day / 7.0 + 0.5 * x + e[day]
    res = bs.ar1_regression(y, X, day=day, names=["b0", "trend", "x"], ci=0.9)
    rho = res.attrs["rho"]
    assert rho == pytest.approx(_reml_rho_brute(y, X, day), abs=5e-4)
    fit = sm.GLS(y, X, sigma=rho ** np.abs(day[:, None] - day[None, :]).astype(float)).fit()
    np.testing.assert_allclose(res["estimate"], fit.params, rtol=1e-9)
    np.testing.assert_allclose(res["se"], fit.bse, rtol=1e-9)
    np.testing.assert_allclose(res["p"], fit.pvalues, rtol=1e-7)
    np.testing.assert_allclose(res[["ci_low", "ci_high"]], fit.conf_int(alpha=0.1), rtol=1e-9)
    assert (res["df"] == 57).all()


def test_ar1_rho_batches_series_as_one_at_a_time():
    rng = np.random.default_rng(3)
    ys = [rng.standard_normal(n).cumsum() * 0.3 + rng.standard_normal(n) for n in (20, 35, 28)]
    T = 35
    Y, X = np.zeros((3, T)), np.zeros((3, T, 2))
    day, valid = np.tile(np.arange(T), (3, 1)), np.zeros((3, T), bool)
    for i, y in enumerate(ys):
        Y[i, :len(y)], valid[i, :len(y)] = y, True
        X[i, :len(y), 0] = 1.0
        X[i, :len(y), 1] = np.arange(len(y)) >= len(y) // 2
    together = bs.ar1_rho(Y, X, day, valid)
    for i, y in enumerate(ys):
        alone = bs.ar1_rho(y[None], X[i:i + 1, :len(y)], day[i:i + 1, :len(y)], valid[i:i + 1, :len(y)])
        assert together[i] == pytest.approx(alone[0], abs=1e-12)
        assert together[i] == pytest.approx(_reml_rho_brute(y, X[i, :len(y)], np.arange(len(y))), abs=5e-4)


def test_ar1_regression_too_short_is_nan():
    res = bs.ar1_regression([1.0, 2.0, 3.0, 4.0], np.ones((4, 2)) * [1, 0] + np.c_[np.zeros(4), np.arange(4)])
    assert res[["estimate", "p"]].isna().all().all() and math.isnan(res.attrs["rho"])


# ----------------------------------------------------------------- Cliff's delta


def test_cliffs_delta_hand_computation():
    # a = 1, 2, 3; b = 2, 4, 5: b > a in 7 pairs, b < a in 1 (3 vs 2), 1 tie (2, 2)
    r = row(bs.cliffs_delta([1, 2, 3], [2, 4, 5]))
    assert r["estimate"] == pytest.approx((7 - 1) / 9)


def test_cliffs_delta_effsize_example():
    # R effsize::cliff.delta(treatment, control) (defaults: unbiased variance,
    # Student-t quantile) prints: delta estimate -0.25, 95% CI -0.7265846 0.3890062.
    # delta there is P(treatment > control) - P(treatment < control): our b = treatment.
    treatment = [10, 10, 20, 20, 20, 30, 30, 30, 40, 50]
    control = [10, 20, 30, 40, 40, 50]
    r = row(bs.cliffs_delta(control, treatment))
    assert r["estimate"] == -0.25
    assert r["ci_low"] == pytest.approx(-0.7265846, abs=5e-8)
    assert r["ci_high"] == pytest.approx(0.3890062, abs=5e-8)
    assert r["p"] == pytest.approx(sps.mannwhitneyu(treatment, control).pvalue)


def test_cliffs_delta_is_two_nap_minus_one_with_ties():
    rng = np.random.default_rng(2)
    a, b = rng.integers(0, 4, 15), rng.integers(0, 5, 11)
    assert row(bs.cliffs_delta(a, b))["estimate"] == pytest.approx(
        2 * row(bs.nap(a, b))["estimate"] - 1
    )


def test_cliffs_delta_variance_matches_dominance_matrix_formula():
    # Cliff (1993) unbiased variance written out on the explicit dominance matrix.
    rng = np.random.default_rng(4)
    a, b = rng.integers(0, 6, 9).astype(float), rng.integers(0, 8, 7).astype(float)
    dm = np.sign(b[None, :] - a[:, None])  # rows: a_i, columns: b_j
    m, n = dm.shape
    d = dm.mean()
    v = (
        n**2 * np.sum((dm.mean(axis=1) - d) ** 2)
        + m**2 * np.sum((dm.mean(axis=0) - d) ** 2)
        - np.sum((dm - d) ** 2)
    ) / (m * n * (m - 1) * (n - 1))
    v = max(v, (1 - d**2) / (m * n - 1))
    assert row(bs.cliffs_delta(a, b))["se"] == pytest.approx(math.sqrt(v), rel=1e-12)


# ----------------------------------------------------------------- Hedges' g


def test_hedges_g_singlecasees_pooled_smd_example():
    # SMD(A_data = A, B_data = B, std_dev = "pool"):
    # Est 1.876247  SE 0.6374216  CI 0.6269241 3.125571  pooled_SD 2.431752
    r = row(bs.hedges_g(SCES_A, SCES_B))
    assert r["estimate"] == pytest.approx(1.876247, abs=5e-7)
    assert r["se"] == pytest.approx(0.6374216, abs=5e-8)
    assert r["ci_low"] == pytest.approx(0.6269241, abs=5e-8)
    assert r["ci_high"] == pytest.approx(3.125571, abs=5e-7)


def test_hedges_g_hand_computation():
    # a = 1,2,3 (mean 2, SS 2); b = 3,4,5,6 (mean 4.5, SS 5); df 5, s_p = sqrt(7/5)
    # J = 1 - 3/(4*7 - 9) = 16/19
    r = row(bs.hedges_g([1, 2, 3], [3, 4, 5, 6]))
    g = (16 / 19) * 2.5 / math.sqrt(7 / 5)
    assert r["estimate"] == pytest.approx(g, rel=1e-12)
    assert r["se"] == pytest.approx((16 / 19) * math.sqrt(1 / 3 + 1 / 4 + g**2 / 10), rel=1e-12)
    assert r["p"] == pytest.approx(
        sps.ttest_ind([3, 4, 5, 6], [1, 2, 3], equal_var=True).pvalue, rel=1e-12
    )


def test_hedges_g_undefined_cases_are_nan():
    assert math.isnan(row(bs.hedges_g([1], [2]))["estimate"])  # df = 0
    assert math.isnan(row(bs.hedges_g([1], [2, 3]))["estimate"])  # df = 1: J = 0
    assert math.isnan(row(bs.hedges_g([2, 2], [2, 2, 2]))["estimate"])  # no variance
    assert not math.isnan(row(bs.hedges_g([1], [2, 3, 5]))["estimate"])  # df = 2


# ----------------------------------------------------------------- BH


BH_1995_P = [
    0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344,
    0.0459, 0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.000,
]  # fmt: skip


def test_bh_benjamini_hochberg_1995_example():
    # The paper's 15 p-values: at q = 0.05 the procedure rejects the four smallest.
    q = bs.bh(BH_1995_P)
    assert isinstance(q, np.ndarray)
    assert np.flatnonzero(q <= 0.05).tolist() == [0, 1, 2, 3]
    # step-up by hand: q_(4) = 0.0095*15/4 and q_(5) = min_j>=5 p_(j)*15/j = 0.0201*15/5
    assert q[3] == pytest.approx(0.0095 * 15 / 4)
    assert q[4] == pytest.approx(0.0201 * 15 / 5)


def test_bh_matches_statsmodels():
    rng = np.random.default_rng(0)
    for size in (1, 2, 7, 50):
        p = np.concatenate([rng.uniform(0, 0.05, size // 2), rng.uniform(0, 1, size - size // 2)])
        ref = multipletests(p, method="fdr_bh")[1]
        np.testing.assert_allclose(bs.bh(p), ref, rtol=1e-12)
        np.testing.assert_allclose(bs.bh(list(p)), ref, rtol=1e-12)


def test_bh_keeps_series_index_and_passes_nan_through():
    s = pd.Series([0.04, np.nan, 0.01, 0.03], index=["w", "x", "y", "z"], name="p")
    q = bs.bh(s)
    assert isinstance(q, pd.Series)
    assert list(q.index) == ["w", "x", "y", "z"]
    assert q.name == "p"
    assert math.isnan(q["x"])
    ref = multipletests([0.04, 0.01, 0.03], method="fdr_bh")[1]
    np.testing.assert_allclose(q.drop("x").to_numpy(), ref)
    nullable = bs.bh(pd.Series([0.2, pd.NA, 0.01], dtype="Float64"))
    assert math.isnan(nullable.iloc[1])


def test_bh_edge_cases():
    assert bs.bh([]).size == 0
    assert np.isnan(bs.bh([np.nan, np.nan])).all()
    assert bs.bh([1.0, 1.0]).tolist() == [1.0, 1.0]
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        bs.bh([0.5, 1.2])


# ----------------------------------------------------------------- bootstrap


def ar1(rng, n, phi):
    e = rng.normal(size=n)
    x = np.empty(n)
    x[0] = e[0] / math.sqrt(1 - phi**2)
    for t in range(1, n):
        x[t] = phi * x[t - 1] + e[t]
    return x


def test_bootstrap_covers_true_difference():
    rng = np.random.default_rng(2024)
    covered = 0
    reps = 100
    for _ in range(reps):
        x = rng.normal(0.0, 1.0, 200)
        y = rng.normal(0.5, 2.0, 150)
        lo, hi, p = bs.bootstrap_mean_diff(x, y, n_boot=500, seed=rng)
        covered += lo <= 0.5 <= hi
    # nominal 95%; Binomial(100, 0.95) is >= 88 with probability > 0.99
    assert covered >= 88


def test_bootstrap_p_value_rejection_rates():
    rng = np.random.default_rng(99)
    null_p, alt_p = [], []
    for _ in range(100):
        x = rng.normal(0.0, 1.0, 60)
        null_p.append(bs.bootstrap_mean_diff(x, rng.normal(0.0, 1.0, 60), n_boot=400, seed=rng)[2])
        alt_p.append(bs.bootstrap_mean_diff(x, rng.normal(1.0, 1.0, 60), n_boot=400, seed=rng)[2])
    assert np.mean(np.array(null_p) < 0.05) <= 0.13  # nominal 0.05
    assert np.mean(np.array(alt_p) < 0.05) >= 0.95  # difference of ~5.5 SE


def test_bootstrap_large_sample_interval_close_to_normal_theory():
    rng = np.random.default_rng(1)
    x, y = rng.normal(10, 3, 5000), rng.normal(11, 3, 5000)
    lo, hi, _ = bs.bootstrap_mean_diff(x, y, n_boot=2000, seed=2)
    se = math.sqrt(x.var(ddof=1) / x.size + y.var(ddof=1) / y.size)
    diff = y.mean() - x.mean()
    assert lo == pytest.approx(diff - 1.96 * se, abs=0.2 * se)
    assert hi == pytest.approx(diff + 1.96 * se, abs=0.2 * se)


def test_block_bootstrap_wider_on_autocorrelated_series():
    rng = np.random.default_rng(8)
    x, y = ar1(rng, 300, 0.8), ar1(rng, 300, 0.8) + 0.3
    lo_i, hi_i, _ = bs.bootstrap_mean_diff(x, y, n_boot=3000, seed=5)
    lo_b, hi_b, _ = bs.bootstrap_mean_diff(x, y, n_boot=3000, seed=5, block=20)
    # variance inflation of the mean of an AR(1) is (1+phi)/(1-phi) = 9, i.e. SE x3
    assert (hi_b - lo_b) > 2 * (hi_i - lo_i)


def test_block_of_full_length_reproduces_the_series():
    x, y = [1.0, 4.0, 2.0], [5.0, 7.0, 6.0, 9.0]
    lo, hi, p = bs.bootstrap_mean_diff(x, y, n_boot=50, seed=0, block=10)
    assert lo == hi == pytest.approx(np.mean(y) - np.mean(x))
    assert p == pytest.approx(2 / 51)


def test_bootstrap_reproducible_with_seed():
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=30), rng.normal(size=40)
    assert bs.bootstrap_mean_diff(x, y, seed=42) == bs.bootstrap_mean_diff(x, y, seed=42)
    assert bs.bootstrap_mean_diff(x, y, seed=42, block=4) == bs.bootstrap_mean_diff(
        x, y, seed=42, block=4
    )
    assert bs.bootstrap_mean_diff(x, y, seed=42) != bs.bootstrap_mean_diff(x, y, seed=43)


def test_bootstrap_argument_checks():
    with pytest.raises(ValueError, match="x has no values"):
        bs.bootstrap_mean_diff([np.nan], [1, 2])
    with pytest.raises(ValueError, match="block"):
        bs.bootstrap_mean_diff([1, 2], [1, 2], block=0)
    with pytest.raises(ValueError, match="ci"):
        bs.bootstrap_mean_diff([1, 2], [1, 2], ci=95)


# ----------------------------------------------------------------- autocorrelation


def test_lag1_autocorrelation_matches_statsmodels():
    rng = np.random.default_rng(6)
    x = ar1(rng, 120, 0.6)
    assert bs.lag1_autocorrelation(x) == pytest.approx(acf(x, nlags=1, fft=False)[1], rel=1e-12)
    assert bs.lag1_autocorrelation(pd.Series(x)) == pytest.approx(acf(x, nlags=1, fft=False)[1])


def test_lag1_autocorrelation_gaps_and_degenerate():
    # hand: mean 2.5, deviations -1.5, NaN, .5(3), 1.5(4)... values 1, nan, 3, 4, 2
    x = [1.0, np.nan, 3.0, 4.0, 2.0]
    dev = np.array([1, 3, 4, 2]) - 2.5
    expected = ((3 - 2.5) * (4 - 2.5) + (4 - 2.5) * (2 - 2.5)) / np.sum(dev**2)
    assert bs.lag1_autocorrelation(x) == pytest.approx(expected)
    assert math.isnan(bs.lag1_autocorrelation([1.0, 2.0]))
    assert math.isnan(bs.lag1_autocorrelation([3.0, 3.0, 3.0, 3.0]))


# ----------------------------------------------------------------- inputs and edge cases


ALL_EFFECTS = [bs.nap, bs.tau, bs.tau_u, bs.tau_bc, bs.cliffs_delta, bs.hedges_g]


@pytest.mark.parametrize("fn", ALL_EFFECTS)
def test_empty_or_all_missing_side_is_a_clear_error(fn):
    with pytest.raises(ValueError, match="phase A has no values"):
        fn([], [1, 2])
    with pytest.raises(ValueError, match="phase B has no values"):
        fn([1, 2], [np.nan, None])
    with pytest.raises(ValueError, match="phase B has no values"):
        fn([1, 2], pd.Series([pd.NA, pd.NA], dtype="Float64"))


@pytest.mark.parametrize("fn", ALL_EFFECTS)
def test_input_types_agree(fn):
    a = [3.0, 1.0, np.nan, 4.0, 1.0]
    b = [5.0, 9.0, 2.0, 6.0]
    ref = fn([3, 1, 4, 1], [5, 9, 2, 6]).drop(columns="method")
    variants = [
        (a, b),
        (np.array(a), np.array(b)),
        (pd.Series(a), pd.Series(b, index=[10, 11, 12, 13])),
        (pd.Series(a, dtype="Float64"), pd.array(b, dtype="Float64")),
        ([3, 1, pd.NA, 4, 1], (5, 9, 2, 6)),
    ]
    for va, vb in variants:
        pd.testing.assert_frame_equal(fn(va, vb).drop(columns="method"), ref)


@pytest.mark.parametrize("fn", ALL_EFFECTS)
def test_bad_shapes_and_levels(fn):
    with pytest.raises(ValueError, match="1-D"):
        fn(np.ones((2, 2)), [1, 2])
    with pytest.raises(ValueError, match="ci"):
        fn([1, 2], [3, 4], ci=1.5)


def test_single_observation_phases():
    r = row(bs.nap([1.0], [2.0, 3.0]))
    assert r["estimate"] == 1.0
    assert math.isnan(r["se"])
    assert 0 < r["ci_low"] < 1  # Newcombe's interval is defined for any m, n
    r = row(bs.cliffs_delta([1.0], [2.0, 0.0]))
    assert r["estimate"] == 0.0
    assert math.isnan(r["se"]) and math.isnan(r["ci_low"])
    r = row(bs.tau_u([1.0], [2.0, 3.0]))
    assert r["estimate"] == 1.0  # no baseline trend with one baseline point
    assert r["n_a"] == 1


def test_cliffs_delta_interval_nan_at_complete_separation():
    r = row(bs.cliffs_delta([1, 2, 3], [4, 5, 6]))
    assert r["estimate"] == 1.0
    assert math.isnan(r["ci_low"]) and math.isnan(r["ci_high"])


def test_all_tied_gives_null_results():
    r = row(bs.nap([2, 2, 2], [2, 2]))
    assert r["estimate"] == 0.5 and r["p"] == 1.0


def test_docstring_examples():
    result = doctest.testmod(bs, raise_on_error=False)
    assert result.attempted > 0
    assert result.failed == 0


# ----------------------------------------------------------------- properties

small_series = st.lists(st.integers(-4, 4).map(float), min_size=2, max_size=12)


@settings(max_examples=150, deadline=None)
@given(small_series, small_series)
def test_swapping_phases_flips_direction(a, b):
    ab, ba = row(bs.nap(a, b)), row(bs.nap(b, a))
    assert ab["estimate"] == pytest.approx(1 - ba["estimate"])
    assert ab["se"] == pytest.approx(ba["se"])
    assert ab["ci_low"] == pytest.approx(1 - ba["ci_high"], abs=1e-9)
    assert row(bs.cliffs_delta(a, b))["estimate"] == pytest.approx(
        -row(bs.cliffs_delta(b, a))["estimate"]
    )
    g_ab, g_ba = row(bs.hedges_g(a, b))["estimate"], row(bs.hedges_g(b, a))["estimate"]
    assert (math.isnan(g_ab) and math.isnan(g_ba)) or g_ab == pytest.approx(-g_ba)


@settings(max_examples=150, deadline=None)
@given(small_series, small_series)
def test_estimates_in_range_and_inside_intervals(a, b):
    n_ = row(bs.nap(a, b))
    assert 0 <= n_["ci_low"] <= n_["estimate"] <= n_["ci_high"] <= 1
    assert n_["se"] >= 0
    t = row(bs.tau(a, b))
    assert -1 <= t["ci_low"] <= t["estimate"] <= t["ci_high"] <= 1
    d = row(bs.cliffs_delta(a, b))
    assert -1 <= d["estimate"] <= 1
    if abs(d["estimate"]) < 1:
        assert -1 <= d["ci_low"] <= d["estimate"] <= d["ci_high"] <= 1
    tu = row(bs.tau_u(a, b))
    assert tu["estimate"] == pytest.approx(brute_tau_u(a, b))
    # sign symmetry claimed in the docs: lower-is-better = negate the data
    neg = [-v for v in a], [-v for v in b]
    assert row(bs.tau_u(*neg))["estimate"] == pytest.approx(-tu["estimate"])
    assert row(bs.nap(*neg))["estimate"] == pytest.approx(1 - n_["estimate"])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.floats(0, 1), st.just(float("nan"))), max_size=30))
def test_bh_properties(p):
    q = bs.bh(p)
    arr = np.asarray(p, dtype=float)
    ok = ~np.isnan(arr)
    assert np.array_equal(np.isnan(q), ~ok)
    if ok.any():
        assert np.all(q[ok] >= arr[ok] - 1e-15)
        assert np.all(q[ok] <= 1)
        order = np.argsort(arr[ok], kind="stable")
        assert np.all(np.diff(q[ok][order]) >= -1e-15)  # monotone in p
        # subnormal p-values (below 2.2e-308) carry too few digits for a relative comparison
        np.testing.assert_allclose(q[ok], multipletests(arr[ok], method="fdr_bh")[1], rtol=1e-12,
                                   atol=1e-300)


def test_bh_within_equals_bh_per_group():
    """stats.bh_within (every group at once) against bh on each group's tested, non-missing p-values."""
    rng = np.random.default_rng(11)
    for _trial in range(30):
        n = int(rng.integers(0, 40))
        group = rng.integers(0, 6, size=n)
        p = rng.uniform(0, 1, size=n) ** 3
        p[rng.uniform(size=n) < 0.1] = np.nan
        p[rng.uniform(size=n) < 0.1] = 0.05  # ties
        tested = rng.uniform(size=n) < 0.8
        q = bs.bh_within(p, group, tested)
        assert q.shape == (n,)
        for g in np.unique(group):
            rows = (group == g) & tested
            ref = bs.bh(p[rows])
            np.testing.assert_allclose(q[rows], ref, rtol=0, atol=1e-12)
        assert np.isnan(q[~tested]).all()


def test_lag1_within_equals_lag1_autocorrelation_on_the_gap_filled_series():
    """stats.lag1_within against lag1_autocorrelation of each group's daily series with the gaps as NaN."""
    rng = np.random.default_rng(12)
    for trial in range(30):
        sizes = rng.integers(0, 25, size=int(rng.integers(1, 6)))
        vs, groups, days = [], [], []
        for g, size in enumerate(sizes):
            d = np.sort(rng.choice(40, size=size, replace=False))
            v = np.cumsum(rng.normal(size=size)) if trial % 3 else np.full(size, 2.0)  # some constant
            vs.append(v)
            groups.append(np.full(size, g))
            days.append(d)
        v, group, day = np.concatenate(vs), np.concatenate(groups).astype("int64"), np.concatenate(days)
        got = bs.lag1_within(v, group, day, len(sizes))
        for g, size in enumerate(sizes):
            rows = group == g
            filled = np.full(int(day[rows].max()) + 1 if size else 0, np.nan)
            filled[day[rows]] = v[rows]
            ref = bs.lag1_autocorrelation(filled)
            if math.isnan(ref):
                assert math.isnan(got[g])
            else:
                assert abs(got[g] - ref) <= 1e-12
