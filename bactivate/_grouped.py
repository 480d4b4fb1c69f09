"""Per-group arithmetic on arrays: means, mean CIs and slopes for many groups at once (bincount)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bactivate.lazy import Lazy

_st = Lazy("scipy.stats")


def _half_width(sd, n, ci):
    """Half the width of the t-interval of a mean (NaN for fewer than 2 values)."""
    n = np.asarray(n, dtype="float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        t = _st.t.ppf(0.5 + ci / 2, np.where(n > 1, n - 1, np.nan))
        return t * np.asarray(sd, dtype="float64") / np.sqrt(n)


def grouped_mean_ci(df: pd.DataFrame, by, value: str, ci: float = 0.95, prefix: str | None = None):
    """Per group: n, mean and t-interval of *value*, as ``{prefix}_mean`` etc. (vectorised)."""
    prefix = prefix or value
    g = df.groupby(by, observed=True, sort=False)[value]
    out = g.agg(["count", "mean", "std"])
    half = _half_width(out["std"], out["count"], ci)
    return pd.DataFrame({
        f"{prefix}_n": out["count"].astype("int64"),
        f"{prefix}_mean": out["mean"],
        f"{prefix}_ci_low": out["mean"] - half,
        f"{prefix}_ci_high": out["mean"] + half,
    }, index=out.index)


def group_mean(codes: np.ndarray, values, n: int, where=None) -> np.ndarray:
    """Mean of the non-missing *values* (only rows in *where*, if given) per group; NaN when none."""
    v = np.asarray(values, dtype="float64")
    ok = ~np.isnan(v)
    if where is not None:
        ok &= where
    s = np.bincount(codes, weights=np.where(ok, v, 0.0), minlength=n)
    k = np.bincount(codes, weights=ok, minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(k > 0, s / np.where(k > 0, k, 1), np.nan)


def group_mean_ci(codes: np.ndarray, values, n: int, ci: float = 0.95) -> dict[str, np.ndarray]:
    """Per group ``0..n-1``: ``n``, ``mean`` and t-interval (``ci_low``, ``ci_high``) of the
    non-missing *values*, as :func:`grouped_mean_ci` gives them, from integer codes (bincount).

    The standard deviation is two-pass (sum of squared deviations from the group's mean), as
    pandas' ``std``; NaN mean for a group without values, NaN interval for fewer than 2.

    >>> r = group_mean_ci(np.array([0, 0, 0, 1]), [2.0, 4.0, np.nan, 5.0], 2)
    >>> r["n"].tolist(), r["mean"].tolist(), round(float(r["ci_high"][0]), 4), bool(np.isnan(r["ci_low"][1]))
    ([2, 1], [3.0, 5.0], 15.7062, True)
    """
    v = np.asarray(values, dtype="float64")
    ok = ~np.isnan(v)
    k = np.bincount(codes, weights=ok, minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.bincount(codes, weights=np.where(ok, v, 0.0), minlength=n) / k
        dev = np.where(ok, v - mean[codes], 0.0)
        sd = np.sqrt(np.bincount(codes, weights=dev * dev, minlength=n) / (k - 1))
        # the t quantile once per distinct group size (W4-balance: ~24,000 groups, ~100 sizes)
        sizes, which = np.unique(k, return_inverse=True)
        t = _st.t.ppf(0.5 + ci / 2, np.where(sizes > 1, sizes - 1, np.nan))[which]
        half = t * sd / np.sqrt(k)
    return {"n": k.astype("int64"), "mean": mean, "ci_low": mean - half, "ci_high": mean + half}


def grouped_slopes(codes: np.ndarray, x, y, n: int, ci: float = 0.95, *, flat_nan: bool = False) -> dict:
    """OLS slope of *y* on *x* in each group ``0..n-1``, closed form over all groups at once.

    Returns arrays ``slope``, ``ci_low``, ``ci_high`` (t-interval), ``p`` (two-sided t
    test of slope 0, as ``scipy.stats.linregress``) and ``n`` (pairs with both
    values). NaN pairs are dropped; a group with fewer than 3 pairs or no spread
    in *x* gets NaN. A flat *y* (every value equal) has slope 0 with a zero-width
    interval, or, with *flat_nan* (as ``linregress``), NaN interval and p.
    *y* may be 2-D (rows x measures): each column is fitted on its own and the
    arrays are then measures x groups.
    """
    codes = np.asarray(codes)
    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    two_d = y.ndim == 2
    ys = y.T if two_d else y[None, :]
    shape = (len(ys), n)
    cnt, sxx, sxy, sse, syy = (np.zeros(shape) for _ in range(5))
    with np.errstate(invalid="ignore", divide="ignore"):
        for j, yj in enumerate(ys):
            ok = ~(np.isnan(x) | np.isnan(yj)) & (codes >= 0)
            c, xj, yj = codes[ok], x[ok], yj[ok]
            k = np.bincount(c, minlength=n).astype("float64")
            xm = np.bincount(c, weights=xj, minlength=n) / k
            ym = np.bincount(c, weights=yj, minlength=n) / k
            dx, dy = xj - xm[c], yj - ym[c]
            cnt[j] = k
            sxx[j] = np.bincount(c, weights=dx * dx, minlength=n)
            sxy[j] = np.bincount(c, weights=dx * dy, minlength=n)
            good = (k >= 3) & (sxx[j] > 0)
            b = np.where(good, sxy[j] / np.where(good, sxx[j], 1.0), 0.0)
            resid = dy - dx * b[c]
            sse[j] = np.bincount(c, weights=resid * resid, minlength=n)
            if flat_nan:
                syy[j] = np.bincount(c, weights=dy * dy, minlength=n)
        good = (cnt >= 3) & (sxx > 0)
        slope = np.where(good, sxy / np.where(good, sxx, 1.0), np.nan)
        dof = np.where(good, cnt - 2, np.nan)
        se = np.sqrt(sse / dof / sxx)
        t = _st.t.ppf(0.5 + ci / 2, dof)
        p = 2 * _st.t.sf(np.abs(slope) / se, dof)
    # an exact fit: linregress gives p 0 for a slope and 1 for a flat line
    exact = good & (se == 0)
    p = np.where(exact, np.where(slope != 0, 0.0, 1.0), p)
    if flat_nan:
        flat = good & (syy == 0)
        se = np.where(flat, np.nan, se)
        p = np.where(flat, np.nan, p)
    out = {"slope": slope, "ci_low": slope - t * se, "ci_high": slope + t * se, "p": p,
           "n": cnt.astype("int64")}
    return out if two_d else {k: v[0] for k, v in out.items()}
