"""Client analyses: the contract every analysis keeps (edge-case logs, non-logs).

The tests of each analysis are in test_mood.py, test_progress.py, test_avoidance.py,
test_balance.py and test_suggest.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import bactivate as ba


@pytest.fixture(scope="module")
def log8():
    return ba.synth.client(weeks=8, seed=3)


# --------------------------------------------------------------------------- edge cases

def _edge_logs(log8):
    one_day = log8[log8["start"].dt.normalize() == log8["start"].min().normalize()]
    no_ratings = log8.assign(mastery=np.nan, pleasure=np.nan, mood=np.nan)
    one_activity = log8[log8["activity"] == "Have a meal"]
    empty = log8.iloc[0:0]
    return {"one day": one_day, "no ratings": no_ratings, "one activity": one_activity, "empty": empty}


@pytest.mark.parametrize("case", ["one day", "no ratings", "one activity", "empty"])
def test_analyses_handle_edge_cases(log8, case):
    log = _edge_logs(log8)[case]
    for frame in (ba.balance(log), ba.balance(log, by="week"), ba.mood_by_activity(log), ba.progress(log),
                  ba.small_wins(log), ba.suggest_next(log), *ba.avoidance(log).values()):
        assert isinstance(frame, pd.DataFrame)
        for col in ("mastery_mean", "pleasure_mean", "mood_with", "mood"):
            if col in frame.columns:
                assert frame[col].dropna().between(0, 10).all()
    res = ba.mood_by_activity(log)
    assert pd.api.types.is_integer_dtype(res["n_with"]) and pd.api.types.is_float_dtype(res["diff"])


def test_analyses_reject_non_logs():
    with pytest.raises(TypeError, match="tidy log"):
        ba.balance([1, 2, 3])
    with pytest.raises(ValueError, match="read_log"):
        ba.mood_by_activity(pd.DataFrame({"x": [1]}))
