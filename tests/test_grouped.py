"""The vectorised group helpers of the analyses (bactivate._grouped) against SciPy.

Moved from test_stats.py (issue 13), unchanged.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sps


def test_grouped_slopes_match_linregress_per_group():
    """common.grouped_slopes (closed form, every group at once) against scipy.stats.linregress per group."""
    from bactivate._grouped import grouped_slopes

    rng = np.random.default_rng(4)
    groups, xs, ys = [], [], []
    for g, n in enumerate([2, 3, 5, 8, 12, 12, 6]):
        x = np.arange(1, n + 1, dtype=float)
        y = 0.3 * g * x + rng.normal(size=n)
        if g == 4:
            y[[1, 3]] = np.nan  # NaN pairs are dropped
        groups.append(np.full(n, g))
        xs.append(x)
        ys.append(y)
    codes, x, y = np.concatenate(groups), np.concatenate(xs), np.concatenate(ys)
    fit = grouped_slopes(codes, x, y, 8, ci=0.9)
    for g in range(7):
        ok = (codes == g) & ~np.isnan(y)
        assert fit["n"][g] == ok.sum()
        if ok.sum() < 3:
            assert np.isnan(fit["slope"][g]) and np.isnan(fit["ci_low"][g])
            continue
        ref = sps.linregress(x[ok], y[ok])
        half = sps.t.ppf(0.95, ok.sum() - 2) * ref.stderr
        assert fit["slope"][g] == pytest.approx(ref.slope, rel=1e-10)
        assert fit["ci_low"][g] == pytest.approx(ref.slope - half, rel=1e-10)
        assert fit["ci_high"][g] == pytest.approx(ref.slope + half, rel=1e-10)
        assert fit["p"][g] == pytest.approx(ref.pvalue, rel=1e-8)
    assert fit["n"][7] == 0 and np.isnan(fit["slope"][7])  # a group with no rows
    # two measures at once give the same as one at a time
    both = grouped_slopes(codes, x, np.column_stack([y, 2 * y]), 8)
    assert np.allclose(both["slope"][1], 2 * grouped_slopes(codes, x, y, 8)["slope"], equal_nan=True)
    # a flat line: slope 0; its interval and p are NaN with flat_nan (as linregress), else 0-wide
    flat = grouped_slopes(np.zeros(4, int), np.arange(4.0), np.full(4, 5.0), 1, flat_nan=True)
    assert flat["slope"][0] == 0 and np.isnan(flat["ci_low"][0]) and np.isnan(flat["p"][0])
    assert grouped_slopes(np.zeros(4, int), np.arange(4.0), np.full(4, 5.0), 1)["ci_low"][0] == 0
