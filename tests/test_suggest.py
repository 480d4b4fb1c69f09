"""suggest_next: the helpful activities ranked first.

Moved from test_analyses.py (issue 13), unchanged.
"""

from __future__ import annotations

import pytest

import bactivate as ba


@pytest.fixture(scope="module")
def log8():
    return ba.synth.client(weeks=8, seed=3)


def test_suggest_next_ranks_helpful_activities(log8):
    top = ba.suggest_next(log8, n=6)
    assert top["rank"].tolist() == list(range(1, 7))
    truth = log8.attrs["truth"]["activities"].set_index("activity")
    assert not truth.loc[top["activity"], "avoidance"].any()
    assert (top["score"].diff().dropna() <= 1e-12).all()
    assert top["reason"].str.len().gt(20).all()
