"""Effect sizes, multiple-testing control and resampling helpers.

Every effect function compares two phases of one series: ``a`` is phase A
(baseline, or the comparison condition) and ``b`` is phase B (treatment).
**Positive values mean that b is higher than a**, which is an improvement when
higher is better (activity counts, pleasure or mastery ratings). For outcomes
where lower is better (PHQ-9, avoidance), pass ``-a, -b``: every index here is
exactly sign-symmetric (NAP becomes ``1 - NAP``, the others change sign), so no
``improvement=`` switch is needed.

Each effect function drops NaN / ``pd.NA``, accepts lists, NumPy arrays and
pandas Series (nullable dtypes included), and returns a one-row DataFrame
indexed by the effect's name (index name ``"effect"``) with the columns
``estimate, se, ci_low, ci_high, p, n_a, n_b, ci_level, method``.

The effect indices' standard errors, intervals and p-values all assume
observations that are mutually independent within each phase. Session-to-session
data are often autocorrelated, and then those intervals are too narrow and the
p-values too small (``docs/validation.md``): for a test, use
:func:`ar1_regression` (a regression with AR(1) errors, e.g. a piecewise model
with a baseline trend, as :func:`bactivate.phase_effect` does).

The formulas, their references and the published examples the test-suite checks
them against are listed in ``docs/statistics.md``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from bactivate.lazy import Lazy

optimize = Lazy("scipy.optimize")
stats = Lazy("scipy.stats")

__all__ = [
    "bh",
    "bootstrap_mean_diff",
    "cliffs_delta",
    "hedges_g",
    "lag1_autocorrelation",
    "nap",
    "tau",
    "tau_bc",
    "tau_u",
]

COLUMNS = ["estimate", "se", "ci_low", "ci_high", "p", "n_a", "n_b", "ci_level", "method"]


# --------------------------------------------------------------------------- helpers


def _as_float_array(x, name: str, *, dropna: bool = True) -> np.ndarray:
    """1-D float array from a list, array or Series; NaN / pd.NA / None -> NaN."""
    if isinstance(x, pd.DataFrame):
        raise TypeError(f"{name} must be 1-D (a list, array or Series), not a DataFrame")
    if isinstance(x, (pd.Series, pd.Index)):
        arr = x.to_numpy(dtype=float, na_value=np.nan)
    else:
        obj = np.asarray(x, dtype=object)
        if obj.ndim != 1:
            raise ValueError(f"{name} must be 1-D, got an input with {obj.ndim} dimension(s)")
        try:
            arr = np.asarray(x, dtype=float)
        except TypeError:  # e.g. pd.NA inside a list
            arr = pd.Series(obj).to_numpy(dtype=float, na_value=np.nan)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got an input with {arr.ndim} dimension(s)")
    if dropna:
        arr = arr[~np.isnan(arr)]
    return arr


def _phases(a, b) -> tuple[np.ndarray, np.ndarray]:
    """Both phases as float arrays without missing values; each must have a value."""
    a = _as_float_array(a, "phase A")
    b = _as_float_array(b, "phase B")
    if a.size == 0:
        raise ValueError("phase A has no values (empty or all missing)")
    if b.size == 0:
        raise ValueError("phase B has no values (empty or all missing)")
    return a, b


def _check_level(ci: float) -> float:
    """*ci* as a float strictly between 0 and 1, or a ``ValueError``."""
    ci = float(ci)
    if not 0.0 < ci < 1.0:
        raise ValueError(f"ci must be strictly between 0 and 1, got {ci}")
    return ci


def _z(ci: float) -> float:
    """The two-sided normal quantile of level *ci* (1.96 for 0.95)."""
    return float(stats.norm.ppf(0.5 + ci / 2.0))


def _frame(name, values, n_a, n_b, ci, method) -> pd.DataFrame:
    """One-row result frame; ``values`` is (estimate, se, ci_low, ci_high, p)."""
    estimate, se, ci_low, ci_high, p = values
    row = {
        "estimate": float(estimate),
        "se": float(se),
        "ci_low": float(ci_low),
        "ci_high": float(ci_high),
        "p": float(p),
        "n_a": int(n_a),
        "n_b": int(n_b),
        "ci_level": float(ci),
        "method": method,
    }
    out = pd.DataFrame([row], index=pd.Index([name], name="effect"), columns=COLUMNS)
    return out


def _pair_counts(a: np.ndarray, b: np.ndarray) -> dict:
    """Counts over all (a_i, b_j) pairs by sorting (O((m+n) log(m+n)), no m x n matrix).

    For each a_i: how many b_j are greater / tied; for each b_j: how many a_i are
    smaller / tied.
    """
    sa = np.sort(a)
    sb = np.sort(b)
    m, n = a.size, b.size
    b_right = np.searchsorted(sb, a, side="right")
    b_left = np.searchsorted(sb, a, side="left")
    row_gt = (n - b_right).astype(float)  # b_j > a_i
    row_eq = (b_right - b_left).astype(float)  # b_j == a_i
    row_lt = n - row_gt - row_eq
    a_left = np.searchsorted(sa, b, side="left")
    a_right = np.searchsorted(sa, b, side="right")
    col_lt = a_left.astype(float)  # a_i < b_j
    col_eq = (a_right - a_left).astype(float)
    col_gt = m - col_lt - col_eq  # a_i > b_j
    return {
        "m": m,
        "n": n,
        "row_gt": row_gt,
        "row_eq": row_eq,
        "row_lt": row_lt,
        "col_lt": col_lt,
        "col_eq": col_eq,
        "col_gt": col_gt,
        "gt": float(row_gt.sum()),
        "eq": float(row_eq.sum()),
        "lt": float(row_lt.sum()),
    }


def _mann_whitney_p(a: np.ndarray, b: np.ndarray) -> float:
    """Two-sided Mann-Whitney p for b vs a (scipy defaults: exact or tie-corrected normal)."""
    if np.all(a == a[0]) and np.all(b == a[0]):
        return 1.0  # every pair tied: no evidence of any difference
    return float(stats.mannwhitneyu(b, a, alternative="two-sided").pvalue)


def _newcombe_ci(est: float, m: int, n: int, ci: float) -> tuple[float, float]:
    """Newcombe (2006) Method 5 score-type interval for theta = P(B > A) + P(B = A)/2.

    The limits solve (est - t)^2 = z^2 h t(1-t)/(mn) [1/h + (1-t)/(2-t) + t/(1+t)],
    h = (m+n)/2 - 1, i.e. f(t) = 0 with
    f(t) = mn (est-t)^2 (2-t)(1+t) - z^2 t(1-t) (2 + h + (1+2h) t(1-t)).
    At est = 1 (or 0) the factor (1-t) (or t) is divided out so that the lower
    (upper) limit is the proper root, not the trivial one at t = est.
    """
    z2 = _z(ci) ** 2
    h = (m + n) / 2.0 - 1.0
    mn = float(m * n)

    def k(t):
        """The variance factor of Newcombe's Method 5 at *t*."""
        return 2.0 + h + (1.0 + 2.0 * h) * t * (1.0 - t)

    def f(t):
        """The score equation whose roots are the interval's ends."""
        return mn * (est - t) ** 2 * (2.0 - t) * (1.0 + t) - z2 * t * (1.0 - t) * k(t)

    if est <= 0.0:
        low = 0.0
    elif est >= 1.0:
        low = optimize.brentq(
            lambda t: mn * (1.0 - t) * (2.0 - t) * (1.0 + t) - z2 * t * k(t), 0.0, 1.0, xtol=1e-14
        )
    else:
        low = optimize.brentq(f, 0.0, est, xtol=1e-14)
    if est >= 1.0:
        high = 1.0
    elif est <= 0.0:
        high = optimize.brentq(
            lambda t: mn * t * (2.0 - t) * (1.0 + t) - z2 * (1.0 - t) * k(t), 0.0, 1.0, xtol=1e-14
        )
    else:
        high = optimize.brentq(f, est, 1.0, xtol=1e-14)
    return float(low), float(high)


def _nap_core(a: np.ndarray, b: np.ndarray, ci: float) -> dict:
    """NAP, its SE, Newcombe interval and Mann-Whitney p, as a dict."""
    c = _pair_counts(a, b)
    m, n = c["m"], c["n"]
    mn = float(m * n)
    row = c["row_gt"] + 0.5 * c["row_eq"]  # sum_j q_ij for each a_i
    col = c["col_lt"] + 0.5 * c["col_eq"]  # sum_i q_ij for each b_j
    est = float(row.sum() / mn)
    if m > 1 and n > 1:
        q1 = float(np.sum((row - n * est) ** 2)) / (m * n * n)
        q2 = float(np.sum((col - m * est) ** 2)) / (m * m * n)
        q3 = float(c["gt"] + 0.25 * c["eq"]) / mn - est**2  # mean of (q_ij - NAP)^2
        trunc = 1.0 / (2.0 * mn)  # keeps the SE positive when NAP is 0 or 1
        est_t = min(max(est, trunc), 1.0 - trunc)
        var = (est_t * (1.0 - est_t) + n * q1 + m * q2 - 2.0 * q3) / ((m - 1) * (n - 1))
        se = math.sqrt(max(var, 0.0))
    else:
        se = math.nan
    low, high = _newcombe_ci(est, m, n, ci)
    return {"est": est, "se": se, "low": low, "high": high, "p": _mann_whitney_p(a, b)}


# --------------------------------------------------------------------------- effects


def nap(a, b, *, ci: float = 0.95) -> pd.DataFrame:
    """Nonoverlap of All Pairs: share of (a, b) pairs in which b is higher.

    ``NAP = [#(b_j > a_i) + 0.5 #(b_j = a_i)] / (n_a n_b)``, in [0, 1] with 0.5
    meaning no effect; it equals the Mann-Whitney ``U / (n_a n_b)``.

    Parameters
    ----------
    a, b : array-like
        Phase A (baseline) and phase B (treatment) values; NaN dropped.
    ci : float
        Confidence level of the interval.

    Returns
    -------
    pandas.DataFrame
        One row indexed ``"NAP"``. ``se`` is the exactly unbiased variance
        estimator of Sen (1967) / Mee (1990) in the centred form used by the
        SingleCaseES R package, with NAP truncated to ``[1/(2mn), 1 - 1/(2mn)]``
        in its ``NAP(1-NAP)`` term so the SE stays positive at 0 or 1 (NaN when a
        phase has one value). The interval is Newcombe's (2006) Method 5
        score-type interval; ``p`` is the two-sided Mann-Whitney test.

    Notes
    -----
    Assumes independent observations; see the module docstring.

    References
    ----------
    Parker, R. I., & Vannest, K. J. (2009). An improved effect size for
    single-case research: Nonoverlap of all pairs. Behavior Therapy, 40, 357-367.
    Newcombe, R. G. (2006). Confidence intervals for an effect size measure based
    on the Mann-Whitney statistic. Part 2. Statistics in Medicine, 25, 559-573.
    Pustejovsky, J. E. et al. SingleCaseES (R package), ``NAP()``.

    Examples
    --------
    >>> res = nap([20, 20, 26, 25, 22, 23], [28, 25, 24, 27, 30, 30, 29])
    >>> res.loc["NAP", ["estimate", "se", "ci_low", "ci_high"]].astype(float).round(4).tolist()
    [0.9167, 0.069, 0.5973, 0.986]
    """
    ci = _check_level(ci)
    a, b = _phases(a, b)
    r = _nap_core(a, b, ci)
    values = (r["est"], r["se"], r["low"], r["high"], r["p"])
    method = "SE: Sen/Mee unbiased (SingleCaseES); CI: Newcombe (2006) Method 5; p: Mann-Whitney"
    return _frame("NAP", values, a.size, b.size, ci, method)


def tau(a, b, *, ci: float = 0.95) -> pd.DataFrame:
    """Tau (non-overlap): ``P(b > a) - P(b < a) = 2 NAP - 1``, in [-1, 1].

    Kendall-type comparison between phases without trend correction, as
    ``Tau()`` in SingleCaseES. ``se = 2 SE(NAP)`` and the interval is NAP's
    Newcombe interval mapped by ``2t - 1``; ``p`` is the Mann-Whitney test.

    Parameters
    ----------
    a, b : array-like
        Phase A and phase B values; NaN dropped.
    ci : float
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        One row indexed ``"Tau"``.

    References
    ----------
    Parker, R. I., Vannest, K. J., Davis, J. L., & Sauber, S. B. (2011).
    Combining nonoverlap and trend for single-case research: Tau-U.
    Behavior Therapy, 42, 284-299.

    Examples
    --------
    >>> res = tau([20, 20, 26, 25, 22, 23], [28, 25, 24, 27, 30, 30, 29])
    >>> round(float(res.loc["Tau", "estimate"]), 4), round(float(res.loc["Tau", "se"]), 4)
    (0.8333, 0.138)
    """
    ci = _check_level(ci)
    a, b = _phases(a, b)
    r = _nap_core(a, b, ci)
    values = (2 * r["est"] - 1, 2 * r["se"], 2 * r["low"] - 1, 2 * r["high"] - 1, r["p"])
    method = "2*NAP-1; SE and CI transformed from NAP (Sen/Mee, Newcombe); p: Mann-Whitney"
    return _frame("Tau", values, a.size, b.size, ci, method)


def _kendall_s_time(a: np.ndarray) -> float:
    """Kendall S of a series against time: sum over i<j of sign(a_j - a_i)."""
    m = a.size
    if m < 2 or np.all(a == a[0]):
        return 0.0
    n0 = m * (m - 1) / 2.0
    _, counts = np.unique(a, return_counts=True)
    ties = float(np.sum(counts * (counts - 1) / 2.0))
    tau_b = stats.kendalltau(np.arange(m), a).statistic  # time has no ties
    return float(np.round(tau_b * math.sqrt(n0 * (n0 - ties))))


def _kendall_var_s(x_ties: np.ndarray, y_ties: np.ndarray, n: int) -> float:
    """Variance of Kendall's S under independence, with ties in both variables."""
    tx = x_ties.astype(float)
    ty = y_ties.astype(float)
    v = (
        n * (n - 1) * (2 * n + 5)
        - np.sum(tx * (tx - 1) * (2 * tx + 5))
        - np.sum(ty * (ty - 1) * (2 * ty + 5))
    ) / 18.0
    if n > 2:
        v += (
            np.sum(tx * (tx - 1) * (tx - 2))
            * np.sum(ty * (ty - 1) * (ty - 2))
            / (9.0 * n * (n - 1) * (n - 2))
        )
    v += np.sum(tx * (tx - 1)) * np.sum(ty * (ty - 1)) / (2.0 * n * (n - 1))
    return float(v)


def tau_u(a, b, *, ci: float = 0.95) -> pd.DataFrame:
    """Tau-U with baseline-trend correction ("A vs. B - Trend A", Parker et al. 2011).

    ``Tau-U = (S_AB - S_A) / (n_a n_b)`` where ``S_AB = sum sign(b_j - a_i)`` over
    all between-phase pairs and ``S_A = sum_{i<j} sign(a_j - a_i)`` is Kendall's S
    for the trend within phase A. The denominator ``n_a n_b`` is the one used by
    SingleCaseES ``Tau_U()`` (and scan's ``method = "parker"``), so values can
    fall outside [-1, 1].

    ``a`` must be in time order (``b``'s order does not matter).

    SingleCaseES gives no SE for Tau-U. Here, following Parker et al. (2011),
    ``S = S_AB - S_A`` is Kendall's S between the series and the coding
    ``(n_a, n_a - 1, ..., 1, n_a + 1, ..., n_a + 1)``; its null variance (Kendall's
    formula with ties in both variables) gives ``SD_S``. Then ``se = SD_S /
    (n_a n_b)``, ``p = 2 Phi(-|S| / SD_S)``, and the interval is the Wald interval
    ``estimate +/- z se``, clipped to the values Tau-U can take,
    ``+/-(1 + (n_a - 1) / (2 n_b))`` (as :func:`nap` and :func:`tau` clip theirs).
    This SE is the SE *under the null of no effect*; it is not a consistent SE
    when there is an effect, so treat the interval as rough.

    Parameters
    ----------
    a, b : array-like
        Phase A (in session order) and phase B values; NaN dropped.
    ci : float
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        One row indexed ``"Tau-U"``.

    References
    ----------
    Parker, R. I., Vannest, K. J., Davis, J. L., & Sauber, S. B. (2011).
    Combining nonoverlap and trend for single-case research: Tau-U.
    Behavior Therapy, 42, 284-299.

    Examples
    --------
    >>> res = tau_u([2, 3, 5, 3], [4, 5, 5, 7, 6])   # "Bob", Parker et al. (2011)
    >>> round(float(res.loc["Tau-U", "estimate"]), 2)
    0.65
    """
    ci = _check_level(ci)
    a, b = _phases(a, b)
    m, n = a.size, b.size
    c = _pair_counts(a, b)
    s_ab = c["gt"] - c["lt"]
    s_a = _kendall_s_time(a)
    s = s_ab - s_a
    est = s / (m * n)
    big_n = m + n
    x_ties = np.array([n]) if n > 1 else np.array([1])
    _, y_ties = np.unique(np.concatenate([a, b]), return_counts=True)
    var_s = _kendall_var_s(x_ties, y_ties, big_n) if big_n > 1 else math.nan
    if var_s > 0:
        sd_s = math.sqrt(var_s)
        se = sd_s / (m * n)
        p = float(2.0 * stats.norm.sf(abs(s) / sd_s))
        half = _z(ci) * se
        # clipped to the values Tau-U can take: |S_AB| <= n_a n_b, |S_A| <= n_a (n_a - 1) / 2
        bound = 1.0 + (m - 1) / (2.0 * n)
        low, high = max(est - half, -bound), min(est + half, bound)
    else:
        se = p = low = high = math.nan
    method = ("(S_AB - S_A)/(n_a n_b); SE: Kendall null SD of S / (n_a n_b); CI: Wald, clipped to "
              "+/-(1 + (n_a - 1)/(2 n_b)); p: normal")
    return _frame("Tau-U", (est, se, low, high, p), m, n, ci, method)


def tau_bc(a, b, *, ci: float = 0.95) -> pd.DataFrame:
    """Baseline-corrected Tau (Tarlow 2017), as ``Tau_BC()`` in SingleCaseES with its defaults.

    The baseline's linear trend is estimated by Theil-Sen regression on the
    session numbers ``1..n_a`` (slope: the median of the slopes of all pairs of
    baseline sessions; intercept: the median of ``a_i - slope i``), subtracted
    from both phases (phase B's sessions are ``n_a + 1 .. n_a + n_b``, so a
    baseline trend that simply continues is removed), and :func:`tau` (non-overlap,
    its SE and Newcombe interval) is computed on what remains. No pretest of the
    trend (SingleCaseES's ``pretest_trend = FALSE``, its default): the
    correction is always made. Unlike :func:`tau_u`, which subtracts the
    baseline's Kendall S and so cannot remove a trend that continues into
    phase B, Tau-BC is 0 for a series that only continues its baseline trend.
    The SE, interval and Mann-Whitney ``p`` treat the corrected values as
    independent and the slope as known.

    ``a`` and ``b`` must be in session order; sessions are numbered
    consecutively (a day missing from a log is not counted).

    Parameters
    ----------
    a, b : array-like
        Phase A and phase B values, in session order; NaN dropped.
    ci : float
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        One row indexed ``"Tau-BC"``; ``attrs["slope"]`` and ``attrs["intercept"]``
        are the Theil-Sen baseline trend removed (0 and the baseline median when
        the baseline has one value).

    References
    ----------
    Tarlow, K. R. (2017). An improved rank correlation effect size statistic
    for single-case designs: Baseline corrected Tau. Behavior Modification, 41,
    427-467.

    Examples
    --------
    >>> res = tau_bc([1, 2, 3, 4, 5], [6, 7, 8, 9, 10])   # SingleCaseES's Tarlow (2017) test: 0
    >>> float(res.loc["Tau-BC", "estimate"]), float(tau([1, 2, 3, 4, 5], [6, 7, 8, 9, 10])["estimate"].iloc[0])
    (0.0, 1.0)
    """
    ci = _check_level(ci)
    a, b = _phases(a, b)
    m, n = a.size, b.size
    t_a, t_b = np.arange(1.0, m + 1), np.arange(m + 1.0, m + n + 1)
    if m >= 2:
        i, j = np.triu_indices(m, k=1)
        slope = float(np.median((a[j] - a[i]) / (t_a[j] - t_a[i])))
    else:
        slope = 0.0
    intercept = float(np.median(a - slope * t_a))
    res = tau(a - intercept - slope * t_a, b - intercept - slope * t_b, ci=ci)
    res.index = pd.Index(["Tau-BC"], name="effect")
    res["method"] = "Tau of the values minus the baseline's Theil-Sen trend (Tarlow 2017; SingleCaseES Tau_BC); " + \
        str(res["method"].iloc[0])
    res.attrs = {"slope": slope, "intercept": intercept}
    return res


def cliffs_delta(a, b, *, ci: float = 0.95) -> pd.DataFrame:
    """Cliff's delta: ``P(b > a) - P(b < a)`` (ties count 0), in [-1, 1].

    Numerically the same estimate as :func:`tau` (``2 NAP - 1``) but with
    Cliff's own variance and interval: the unbiased variance estimator of Cliff
    (1993), floored at ``(1 - d^2) / (n_a n_b - 1)`` as Cliff recommends, and
    the asymmetric interval of Cliff (1993) / Feng & Cliff (2004)::

        (d - d^3 +/- t s sqrt((1 - d^2)^2 + t^2 s^2)) / (1 - d^2 + t^2 s^2)

    with ``t`` the Student-t quantile on ``n_a + n_b - 2`` df (as R's
    ``effsize::cliff.delta`` defaults). The interval is NaN when ``|d| = 1``
    (the formula degenerates); use :func:`tau`'s Newcombe interval there.
    ``p`` is the two-sided Mann-Whitney test.

    Parameters
    ----------
    a, b : array-like
        Phase A and phase B values; NaN dropped.
    ci : float
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        One row indexed ``"Cliff's delta"``.

    References
    ----------
    Cliff, N. (1993). Dominance statistics: Ordinal analyses to answer ordinal
    questions. Psychological Bulletin, 114, 494-509.
    Feng, D., & Cliff, N. (2004). Monte Carlo evaluation of ordinal d with
    improved confidence interval. JMASM, 3(2), 322-332.

    Examples
    --------
    >>> res = cliffs_delta([1, 2, 3], [2, 4, 5])
    >>> float(res.loc["Cliff's delta", "estimate"])   # (7 - 1) / 9
    0.6666666666666666
    """
    ci = _check_level(ci)
    a, b = _phases(a, b)
    c = _pair_counts(a, b)
    m, n = c["m"], c["n"]
    mn = float(m * n)
    d = (c["gt"] - c["lt"]) / mn
    if m > 1 and n > 1:
        d_row = (c["row_gt"] - c["row_lt"]) / n  # mean over b of sign(b_j - a_i)
        d_col = (c["col_lt"] - c["col_gt"]) / m  # mean over a of sign(b_j - a_i)
        ssr = (c["gt"] + c["lt"]) - mn * d**2  # sum (d_ij - d)^2, d_ij^2 = 1 unless tied
        var = (n**2 * np.sum((d_row - d) ** 2) + m**2 * np.sum((d_col - d) ** 2) - ssr) / (
            mn * (m - 1) * (n - 1)
        )
        var = max(float(var), (1.0 - d**2) / (mn - 1.0))
        se = math.sqrt(var)
        if abs(d) < 1.0:
            tq = float(stats.t.ppf(0.5 + ci / 2.0, m + n - 2))
            root = tq * se * math.sqrt((1.0 - d**2) ** 2 + tq**2 * var)
            denom = 1.0 - d**2 + tq**2 * var
            low, high = (d - d**3 - root) / denom, (d - d**3 + root) / denom
        else:
            low = high = math.nan
    else:
        se = low = high = math.nan
    method = (
        "SE: Cliff (1993) unbiased; CI: Cliff/Feng-Cliff asymmetric t(n_a+n_b-2); p: Mann-Whitney"
    )
    return _frame("Cliff's delta", (d, se, low, high, _mann_whitney_p(a, b)), m, n, ci, method)


def hedges_g(a, b, *, ci: float = 0.95) -> pd.DataFrame:
    """Hedges' g: ``J (mean_b - mean_a) / s_pooled`` with ``J = 1 - 3/(4(n_a+n_b) - 9)``.

    ``s_pooled`` is the usual pooled SD on ``df = n_a + n_b - 2``; ``J`` is Hedges'
    (1981) approximation to the exact gamma-function correction. The SE is the
    large-sample (Hedges & Olkin 1985 type) formula in the form used by
    SingleCaseES ``SMD(std_dev = "pool")``::

        se = J sqrt(1/n_a + 1/n_b + g^2 / (2 (n_a + n_b - 2)))

    with a normal (Wald) interval; ``p`` is the pooled-variance t test. Everything
    is NaN when ``df < 2`` or when both phases are constant.

    Parameters
    ----------
    a, b : array-like
        Phase A and phase B values; NaN dropped.
    ci : float
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        One row indexed ``"Hedges' g"``.

    References
    ----------
    Hedges, L. V. (1981). Distribution theory for Glass's estimator of effect
    size and related estimators. Journal of Educational Statistics, 6, 107-128.
    Hedges, L. V., & Olkin, I. (1985). Statistical methods for meta-analysis.

    Examples
    --------
    >>> res = hedges_g([20, 20, 26, 25, 22, 23], [28, 25, 24, 27, 30, 30, 29])
    >>> round(float(res.loc["Hedges' g", "estimate"]), 4)
    1.8762
    """
    ci = _check_level(ci)
    a, b = _phases(a, b)
    m, n = a.size, b.size
    df = m + n - 2
    ss = float(np.sum((a - a.mean()) ** 2) + np.sum((b - b.mean()) ** 2))
    constant = np.ptp(a) == 0 and np.ptp(b) == 0  # exact test: avoids ss ~ 1e-33 round-off
    if df >= 2 and not constant:
        sp = math.sqrt(ss / df)
        j = 1.0 - 3.0 / (4.0 * (m + n) - 9.0)
        g = j * (b.mean() - a.mean()) / sp
        se = j * math.sqrt(1.0 / m + 1.0 / n + g**2 / (2.0 * df))
        half = _z(ci) * se
        low, high = g - half, g + half
        t_stat = (b.mean() - a.mean()) / (sp * math.sqrt(1.0 / m + 1.0 / n))
        p = float(2.0 * stats.t.sf(abs(t_stat), df))  # = scipy ttest_ind(equal_var=True)
    else:
        g = se = low = high = p = math.nan
    method = "J=1-3/(4(n_a+n_b)-9); SE: J*sqrt(1/n_a+1/n_b+g^2/(2df)); CI: normal; p: pooled t"
    return _frame("Hedges' g", (g, se, low, high, p), m, n, ci, method)


# --------------------------------------------------------------------------- multiplicity


def bh(pvalues):
    """Benjamini-Hochberg (1995) step-up adjusted p-values (q-values).

    ``q_(i) = min_{j >= i} p_(j) m / j`` over the ``m`` non-missing p-values,
    capped at 1; rejecting ``q <= alpha`` controls the false discovery rate at
    ``alpha`` (for independent or positively dependent tests). NaN entries are
    passed through in place and do not count towards ``m``.

    Parameters
    ----------
    pvalues : array-like of float in [0, 1]

    Returns
    -------
    pandas.Series or numpy.ndarray
        A Series (same index and name) for Series input, otherwise an array.

    References
    ----------
    Benjamini, Y., & Hochberg, Y. (1995). Controlling the false discovery rate.
    JRSS B, 57, 289-300.

    Examples
    --------
    >>> bh([0.01, 0.04, 0.03, float("nan")]).round(3).tolist()
    [0.03, 0.04, 0.04, nan]
    """
    is_series = isinstance(pvalues, pd.Series)
    p = _as_float_array(pvalues, "pvalues", dropna=False)
    ok = ~np.isnan(p)
    if np.any((p[ok] < 0) | (p[ok] > 1)):
        raise ValueError("p-values must lie in [0, 1]")
    out = np.full(p.shape, np.nan)
    k = int(ok.sum())
    if k:
        pv = p[ok]
        order = np.argsort(pv, kind="stable")
        scaled = pv[order] * k / np.arange(1, k + 1)
        adj = np.minimum(np.minimum.accumulate(scaled[::-1])[::-1], 1.0)
        res = np.empty(k)
        res[order] = adj
        out[ok] = res
    if is_series:
        return pd.Series(out, index=pvalues.index, name=pvalues.name)
    return out


def bh_within(p: np.ndarray, group: np.ndarray, tested: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg q-values of the tested rows, within each group (as :func:`bh` per group).

    Not in ``__all__``: a vectorised helper of :func:`bactivate.mood_by_activity`
    (every client of a cohort at once).

    Parameters
    ----------
    p : numpy.ndarray of float
        p-values in [0, 1]; NaN rows are left out (as :func:`bh` does).
    group : numpy.ndarray of int
        The group of each row (any order; e.g. a client code).
    tested : numpy.ndarray of bool
        Rows to adjust; the others get NaN.

    Returns
    -------
    numpy.ndarray of float
        q-values, NaN where not tested or *p* is NaN.

    Examples
    --------
    >>> p = np.array([0.01, 0.04, 0.03, 0.02, 0.5])
    >>> bh_within(p, np.array([0, 0, 0, 1, 1]), np.array([True, True, True, True, False])).round(3).tolist()
    [0.03, 0.04, 0.04, 0.02, nan]
    """
    q = np.full(len(p), np.nan)
    idx = np.flatnonzero(tested & ~np.isnan(p))
    if not len(idx):
        return q
    order = idx[np.lexsort((p[idx], group[idx]))]
    g = group[order]
    start = np.r_[True, g[1:] != g[:-1]]
    first = np.flatnonzero(start)
    size = np.diff(np.r_[first, len(order)])
    rank = np.arange(len(order)) - np.repeat(first, size) + 1
    scaled = p[order] * np.repeat(size, size) / rank
    back = pd.Series(scaled[::-1]).groupby(g[::-1], sort=False).cummin().to_numpy()[::-1]
    q[order] = np.minimum(back, 1.0)
    return q


# --------------------------------------------------------------------------- resampling


def resample_index(rng: np.random.Generator, n: int, n_boot: int, block: int | None) -> np.ndarray:
    """Indices of *n_boot* resamples of *n* observations: iid, or moving blocks of length *block*.

    Not in ``__all__``: shared by :func:`bootstrap_mean_diff` and
    :func:`bactivate.mood_by_activity`, whose results depend on the exact
    draws (the same *rng* calls in the same order).

    Parameters
    ----------
    rng : numpy.random.Generator
        The source of the draws.
    n : int
        Observations in the series (at least 1).
    n_boot : int
        Resamples.
    block : int or None
        Block length of a moving-block bootstrap; None (or 1) for iid draws.

    Returns
    -------
    numpy.ndarray of int, shape (n_boot, n)
        Row *i* holds the positions drawn for resample *i*; with *block*, runs
        of consecutive positions (blocks glued and cut to length *n*).

    Examples
    --------
    >>> idx = resample_index(np.random.default_rng(0), 5, 3, block=2)
    >>> idx.shape, bool((idx >= 0).all() and (idx < 5).all())
    ((3, 5), True)
    >>> bool((np.diff(idx[:, :2], axis=1) == 1).all())
    True
    """
    if block is None or block == 1 or n == 1:
        return rng.integers(0, n, size=(n_boot, n))
    k = min(int(block), n)
    n_blocks = -(-n // k)
    starts = rng.integers(0, n - k + 1, size=(n_boot, n_blocks))
    idx = starts[:, :, None] + np.arange(k)
    return idx.reshape(n_boot, n_blocks * k)[:, :n]


def bootstrap_mean_diff(x, y, n_boot: int = 2000, ci: float = 0.95, seed=None, block=None):
    """Percentile-bootstrap CI and p-value for ``mean(y) - mean(x)``.

    ``x`` and ``y`` are resampled independently, all ``n_boot`` resamples at once
    as an index matrix (NumPy only). With ``block=None`` resampling is iid. With
    ``block=k`` it is a moving-block bootstrap (Kunsch 1989): each resample of a
    series of length ``n`` glues ``ceil(n/k)`` blocks of ``k`` consecutive
    observations, with start points drawn uniformly from the ``n - k + 1``
    possible ones, and is cut to length ``n``. That keeps the serial dependence
    within blocks, so give ``x`` and ``y`` in time order and choose ``k``
    larger than the dependence lasts (e.g. ``k ~ n**(1/3)`` or more for strong
    autocorrelation). NaN are dropped before resampling (for block resampling
    this joins the neighbours of a gap).

    The interval is the ``(1-ci)/2`` and ``(1+ci)/2`` quantiles of the bootstrap
    differences. ``p`` inverts the percentile interval: it is
    ``2 min((1 + #{d* <= 0}), (1 + #{d* >= 0})) / (n_boot + 1)``, capped at 1.

    Parameters
    ----------
    x, y : array-like
        The two samples (e.g. phase A and phase B).
    n_boot : int
        Number of bootstrap resamples.
    ci : float
        Confidence level.
    seed : None, int or numpy.random.Generator
        For reproducible results.
    block : None or int
        Block length for the moving-block bootstrap.

    Returns
    -------
    tuple of float
        ``(ci_low, ci_high, p)``.

    References
    ----------
    Efron, B., & Tibshirani, R. J. (1993). An introduction to the bootstrap.
    Kunsch, H. R. (1989). The jackknife and the bootstrap for general stationary
    observations. Annals of Statistics, 17, 1217-1241.

    Examples
    --------
    >>> lo, hi, p = bootstrap_mean_diff([1, 2, 3, 4], [5, 6, 7, 8], seed=1)
    >>> lo > 0 and p < 0.05
    True
    """
    ci = _check_level(ci)
    n_boot = int(n_boot)
    if n_boot < 1:
        raise ValueError("n_boot must be at least 1")
    if block is not None:
        if isinstance(block, bool) or int(block) != block or block < 1:
            raise ValueError(f"block must be a positive integer or None, got {block!r}")
        block = int(block)
    xs = _as_float_array(x, "x")
    ys = _as_float_array(y, "y")
    if xs.size == 0:
        raise ValueError("x has no values (empty or all missing)")
    if ys.size == 0:
        raise ValueError("y has no values (empty or all missing)")
    rng = np.random.default_rng(seed)
    mx = xs[resample_index(rng, xs.size, n_boot, block)].mean(axis=1)
    my = ys[resample_index(rng, ys.size, n_boot, block)].mean(axis=1)
    diffs = my - mx
    alpha = 1.0 - ci
    low, high = np.quantile(diffs, [alpha / 2.0, 1.0 - alpha / 2.0])
    below = (1 + np.count_nonzero(diffs <= 0)) / (n_boot + 1)
    above = (1 + np.count_nonzero(diffs >= 0)) / (n_boot + 1)
    p = min(1.0, 2.0 * min(below, above))
    return float(low), float(high), float(p)


def lag1_autocorrelation(x) -> float:
    """Lag-1 autocorrelation of a series given in time order.

    ``r1 = sum_t (x_t - m)(x_{t+1} - m) / sum_t (x_t - m)^2`` with ``m`` the mean
    of the non-missing values: the usual (biased, ``statsmodels.tsa.acf``)
    estimator. Pairs touching a missing value are skipped, so gaps are not
    closed up. NaN when fewer than 3 values are present or the series is
    constant.

    Parameters
    ----------
    x : array-like of float
        The series in time order; NaN (or ``pd.NA``) marks a missing time point.

    Returns
    -------
    float
        ``r1`` in [-1, 1], or NaN.

    Examples
    --------
    >>> round(lag1_autocorrelation([1, 2, 3, 4, 5]), 3)
    0.4
    >>> round(lag1_autocorrelation([2, 1, float("nan"), 2]), 3)
    -0.333
    """
    arr = _as_float_array(x, "x", dropna=False)
    ok = ~np.isnan(arr)
    if ok.sum() < 3:
        return math.nan
    dev = arr - arr[ok].mean()
    denom = float(np.sum(dev[ok] ** 2))
    if denom == 0:
        return math.nan
    prod = dev[:-1] * dev[1:]
    return float(np.nansum(prod) / denom)


def lag1_within(v: np.ndarray, group: np.ndarray, day: np.ndarray, n: int | None = None) -> np.ndarray:
    """:func:`lag1_autocorrelation` of each group's daily series, gaps kept as gaps.

    Not in ``__all__``: a vectorised helper of :func:`bactivate.mood_by_activity`
    (every client of a cohort at once). Equals :func:`lag1_autocorrelation` of
    each group's series with the missing days filled with NaN (up to rounding).

    Parameters
    ----------
    v : numpy.ndarray of float
        One value per row (no NaN), rows sorted by group and, within a group, by day.
    group : numpy.ndarray of int
        Group code of each row, in ``0..n-1``.
    day : numpy.ndarray of int
        Day number of each row; rows one day apart in the same group are a lag-1 pair.
    n : int, optional
        Number of groups; by default ``group.max() + 1``.

    Returns
    -------
    numpy.ndarray of float, length *n*
        NaN for a group with fewer than 3 values or a constant series.

    Examples
    --------
    >>> v = np.array([1.0, 2, 3, 4, 5, 2, 1, 2])
    >>> lag1_within(v, np.array([0, 0, 0, 0, 0, 1, 1, 1]), np.array([0, 1, 2, 3, 4, 0, 1, 3])).round(3).tolist()
    [0.4, -0.333]
    """
    if n is None:
        n = int(group.max()) + 1 if len(group) else 0
    k = np.bincount(group, minlength=n)
    m = np.bincount(group, weights=v, minlength=n) / np.maximum(k, 1)
    dev = v - m[group]
    denom = np.bincount(group, weights=dev * dev, minlength=n)
    nxt = (group[1:] == group[:-1]) & (day[1:] - day[:-1] == 1)
    num = np.bincount(group[1:][nxt], weights=(dev[:-1] * dev[1:])[nxt], minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where((k >= 3) & (denom != 0), num / denom, np.nan)


# --------------------------------------------------------------------------- AR(1) regression

#: The grid search of :func:`ar1_rho`: the bounds of rho, then each stage's step (each stage searches
#: one step of the previous stage either side of its best value).
RHO_BOUNDS, RHO_STEPS = (-0.9, 0.98), (0.05, 0.005, 0.0005)


def ar1_transform(v: np.ndarray, rho: np.ndarray, day: np.ndarray, valid: np.ndarray):
    """Prais-Winsten transform of padded series with AR(1) errors, gaps between days allowed.

    Not in ``__all__``: the helper of :func:`ar1_rho`, :func:`ar1_regression`
    and :func:`bactivate.mood_by_activity` (every client of a cohort at once).
    Row *t* of a series, *g* days after the row before it, becomes
    ``(v_t - a v_{t-1}) / sqrt(1 - a^2)`` with ``a = rho^g`` (the correlation of
    AR(1) errors *g* days apart); a series' first row is kept as it is. Ordinary
    least squares on the transformed values is generalised least squares with the
    AR(1) correlation ``rho^|day_i - day_j|`` (exact, first row included).

    Parameters
    ----------
    v : numpy.ndarray, shape (C, T) or (C, T, k)
        C series of up to T rows (padded at the end; *k* columns each).
    rho : numpy.ndarray, shape (C,)
        Each series' AR(1) coefficient, in (-1, 1).
    day : numpy.ndarray of int, shape (C, T)
        Day of each row (strictly increasing over a series' valid rows).
    valid : numpy.ndarray of bool, shape (C, T)
        Rows that hold data (a prefix of each series).

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        The transformed values (zero on padding) and, per series, ``log det R``,
        the log-determinant of the errors' correlation matrix ``sum log(1 - a_t^2)``.

    Examples
    --------
    >>> y = np.array([[1.0, 2.0, 4.0]])
    >>> out, logdet = ar1_transform(y, np.array([0.5]), np.array([[0, 1, 3]]), np.ones((1, 3), bool))
    >>> out.round(3).tolist(), round(float(logdet[0]), 3)   # 4 - 0.25 * 2 over sqrt(1 - 0.0625)
    ([[1.0, 1.732, 3.615]], -0.352)
    """
    a = np.zeros(day.shape)
    with np.errstate(invalid="ignore", over="ignore"):
        gap = np.diff(day, axis=1).astype("float64")
        a[:, 1:] = np.where(valid[:, 1:], np.power(rho[:, None], gap), 0.0)
    s = np.sqrt(1.0 - a * a)
    logdet = np.sum(np.where(valid, 2.0 * np.log(s), 0.0), axis=1)
    prev = np.zeros_like(v)
    prev[:, 1:] = v[:, :-1]
    if v.ndim == 3:
        a, s, valid = a[:, :, None], s[:, :, None], valid[:, :, None]
    return np.where(valid, (v - a * prev) / s, 0.0), logdet


def _restricted_loglik(rho, y, X, day, valid, n, used):
    """REML log-likelihood (profiled over the variance, up to a constant) of each series at *rho*."""
    ys, logdet = ar1_transform(y, rho, day, valid)
    Xs, _ = ar1_transform(X, rho, day, valid)
    Xt = Xs.transpose(0, 2, 1)
    G = Xt @ Xs  # batched matrix products (BLAS), much faster than einsum for many columns
    eye = np.eye(X.shape[2])[None] * (~used)[:, :, None]
    G = G + eye  # columns a series does not use: identity, so they add nothing
    b = (Xt @ ys[:, :, None])[:, :, 0]
    sign, logdet_g = np.linalg.slogdet(G)
    with np.errstate(invalid="ignore", divide="ignore"):
        sol = np.linalg.solve(G, b[:, :, None])[:, :, 0]
        rss = np.einsum("ct,ct->c", ys, ys) - np.einsum("cp,cp->c", b, sol)
        ll = -0.5 * (logdet + logdet_g + (n - used.sum(axis=1)) * np.log(rss))
    return np.where((sign > 0) & (rss > 0), ll, -np.inf)


def ar1_rho(y: np.ndarray, X: np.ndarray, day: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Restricted-maximum-likelihood (REML) AR(1) coefficient of the errors of each series' regression.

    Not in ``__all__``: the helper of :func:`ar1_regression` and
    :func:`bactivate.mood_by_activity`. For each series, rho maximises the
    restricted likelihood of ``y = X beta + e`` with ``corr(e_i, e_j) =
    rho^|day_i - day_j|`` (Harville 1977), profiled over the error variance::

        -1/2 [log det R + log det(X' R^-1 X) + (n - p) log(r' R^-1 r)]

    (``r`` the GLS residuals, ``p`` the columns the series uses). REML, unlike
    the lag-1 correlation of OLS residuals, accounts for the coefficients
    estimated (e.g. one mean per week), so its estimate is nearly unbiased in
    short series where the residuals' correlation is biased towards 0 (see
    ``docs/validation.md``). The maximum is found on a grid over
    :data:`RHO_BOUNDS`, refined in the steps :data:`RHO_STEPS` (to 0.0005);
    a series with fewer than ``p + 3`` rows gets 0.

    Parameters
    ----------
    y : numpy.ndarray, shape (C, T)
        C series, padded at the end.
    X : numpy.ndarray, shape (C, T, p)
        Their regressors (zero on padding; a column that is zero throughout a
        series is not counted in its ``p``).
    day, valid : numpy.ndarray, shape (C, T)
        As in :func:`ar1_transform`.

    Returns
    -------
    numpy.ndarray, shape (C,)

    References
    ----------
    Harville, D. A. (1977). Maximum likelihood approaches to variance component
    estimation and to related problems. JASA, 72, 320-338.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> e = np.zeros(400)
    >>> for t in range(1, 400):
    ...     e[t] = 0.6 * e[t - 1] + rng.standard_normal()
    >>> X = np.ones((1, 400, 1))   # a mean only: REML ~ the lag-1 correlation in a long series
    >>> rho = ar1_rho(e[None], X, np.arange(400)[None], np.ones((1, 400), bool))[0]
    >>> round(float(rho), 2), round(float(np.corrcoef(e[:-1], e[1:])[0, 1]), 2)
    (0.42, 0.42)
    """
    n = valid.sum(axis=1)
    used = (X != 0).any(axis=1)
    ok = n >= used.sum(axis=1) + 3
    best = np.zeros(len(y))
    lo, hi = RHO_BOUNDS
    centre, width = np.full(len(y), (lo + hi) / 2), (hi - lo) / 2
    for step in RHO_STEPS:
        offsets = np.arange(-width, width + step / 2, step)
        grid = np.clip(centre[:, None] + offsets[None, :], lo, hi)
        ll = np.stack([_restricted_loglik(grid[:, i], y, X, day, valid, n, used) for i in range(grid.shape[1])],
                      axis=1)
        pick = np.argmax(ll, axis=1)
        found = np.isfinite(ll[np.arange(len(y)), pick])
        centre = np.where(found, grid[np.arange(len(y)), pick], 0.0)
        width = step
        best = centre
    return np.where(ok, best, 0.0)


def ar1_regression(y, X, *, day=None, names=None, ci: float = 0.95) -> pd.DataFrame:
    """Linear regression with AR(1) errors: GLS at the REML rho, t-tests and intervals from one fit.

    The errors' lag-1 autocorrelation rho is estimated by restricted maximum
    likelihood (:func:`ar1_rho`), the coefficients by generalised least squares
    at that rho (the Prais-Winsten transform, :func:`ar1_transform`), and each
    coefficient's interval and p-value from the same estimate and standard
    error with Student's t on ``n - p`` degrees of freedom; so the interval
    excludes 0 exactly when ``p < 1 - ci``. rho's own uncertainty is not
    propagated: ``docs/validation.md`` measures what that costs.

    Parameters
    ----------
    y : array-like, length n
        The series (no missing values), in time order.
    X : array-like, shape (n, p)
        Regressors (include a column of ones for an intercept).
    day : array-like of int, optional
        The day (or session) of each value, strictly increasing; gaps are
        gaps (errors *g* days apart correlate ``rho^g``). Default ``0..n-1``.
    names : list of str, optional
        The coefficients' names (default ``x0, x1, ...``).
    ci : float, default 0.95
        Confidence level of the intervals.

    Returns
    -------
    pandas.DataFrame
        One row per coefficient (index: its name) with ``estimate``, ``se``,
        ``ci_low``, ``ci_high``, ``p``, ``df``; ``attrs["rho"]`` is the rho used.
        All NaN when ``n - p < 3``.

    Examples
    --------
    >>> t = np.arange(8.0)
    >>> y = [1.0, 1.4, 1.9, 2.2, 3.1, 3.4, 3.6, 4.2]
    >>> res = ar1_regression(y, np.column_stack([np.ones(8), t]), names=["intercept", "slope"])
    >>> bool(res.loc["slope", "ci_low"] > 0), bool(res.loc["slope", "p"] < 0.05)
    (True, True)
    """
    ci = _check_level(ci)
    y = _as_float_array(y, "y", dropna=False)
    X = np.asarray(X, dtype="float64").reshape(len(y), -1)
    day = np.arange(len(y)) if day is None else np.asarray(day, dtype="int64")
    names = [f"x{i}" for i in range(X.shape[1])] if names is None else list(names)
    n, k = X.shape
    out = pd.DataFrame(np.nan, index=pd.Index(names, name="term"),
                       columns=["estimate", "se", "ci_low", "ci_high", "p", "df"])
    if n - k < 3 or np.isnan(y).any() or np.linalg.matrix_rank(X) < k:
        out.attrs["rho"] = math.nan
        return out
    valid = np.ones((1, n), dtype=bool)
    rho = ar1_rho(y[None], X[None], day[None], valid)
    ys = ar1_transform(y[None], rho, day[None], valid)[0][0]
    Xs = ar1_transform(X[None], rho, day[None], valid)[0][0]
    beta, *_ = np.linalg.lstsq(Xs, ys, rcond=None)
    resid = ys - Xs @ beta
    df = n - k
    se = np.sqrt(np.sum(resid**2) / df * np.diag(np.linalg.inv(Xs.T @ Xs)))
    tq = float(stats.t.ppf(0.5 + ci / 2.0, df))
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(se > 0, 2.0 * stats.t.sf(np.abs(beta / se), df), np.where(beta != 0, 0.0, 1.0))
    out[:] = np.column_stack([beta, se, beta - tq * se, beta + tq * se, p, np.full(k, df)])
    out.attrs["rho"] = float(rho[0])
    return out
