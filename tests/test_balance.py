"""balance: mastery and pleasure against a direct computation, and every grouping.

Moved from test_analyses.py (issue 13), unchanged.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as st

import bactivate as ba


@pytest.fixture(scope="module")
def log8():
    return ba.synth.client(weeks=8, seed=3)


def _did(log):
    """Rows that happened: planned-and-skipped rows left out (written out here, independently)."""
    skipped = log["planned"].fillna(False).astype(bool) & (log["done"] == False).fillna(False)  # noqa: E712
    return log[~skipped]


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
