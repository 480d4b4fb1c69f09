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


def test_never_suggests_what_went_with_lower_mood_or_the_low_corner():
    """Issue 18 (item 1, first rules): more of an activity whose days had lower mood, or one rated
    low for both mastery and pleasure, is not activation."""
    for seed in range(6):
        log = ba.synth.client(weeks=6, seed=seed)
        got = ba.suggest_next(log, n=50)
        mood = ba.mood_by_activity(log).set_index("activity")
        tested = mood[mood["status"] == "tested"]
        lower = set(tested.index[tested["diff"] < 0])
        bal = ba.balance(log).set_index("activity")
        low = set(bal.index[(bal["mastery_mean"] < 3) & (bal["pleasure_mean"] < 3)])
        assert not (set(got["activity"]) & (lower | low)), seed
        # the rest are still candidates: nothing else was dropped by these rules
        assert (got["mood_diff"].dropna() >= 0).all()
