"""avoidance: low-mood hours, the avoidance share over the weeks, skipped plans.

Moved from test_analyses.py (issue 13), unchanged.
"""

from __future__ import annotations

import numpy as np
import pytest

import bactivate as ba


@pytest.fixture(scope="module")
def log8():
    return ba.synth.client(weeks=8, seed=3)


def test_avoidance_finds_low_mood_hours(log8):
    low = ba.avoidance(log8)["low_mood"]
    hours = low[low["by"] == "hour"].sort_values("mood_mean")
    planted = [h for h, eff in log8.attrs["truth"]["mood_model"]["time_of_day"] if eff < 0]
    worst = hours["level"].iloc[0]
    assert int(worst[:2]) <= max(planted) + 1
    assert hours.iloc[0]["below_average"]


def test_avoidance_share_falls_with_activation():
    log = ba.synth.client(weeks=8, seed=11, avoidance_tendency=0.6, lapse_week=None)
    by_week = ba.avoidance(log)["by_week"].set_index("week")
    assert by_week.loc[1, "avoidance_share"] > by_week.loc[8, "avoidance_share"]
    # share equals a direct count
    wk = (log["start"].dt.normalize() - log["start"].min().normalize()).dt.days // 7 + 1
    happened = ~(log["planned"].fillna(False).astype(bool) & (log["done"] == False).fillna(False))  # noqa: E712
    direct = log["avoidance"].fillna(False)[happened].astype(float).groupby(wk[happened]).mean()
    assert np.allclose(by_week["avoidance_share"], direct)


def test_avoidance_skipped_plans(log8):
    sk = ba.avoidance(log8)["skipped"]
    plans = log8[log8["planned"].fillna(False).astype(bool)]
    by_act = sk[sk["by"] == "activity"].set_index("level")
    direct = (plans["done"] == False).groupby(plans["activity"]).sum()  # noqa: E712
    assert by_act["skipped"].sort_index().tolist() == direct.sort_index().astype(int).tolist()
    assert set(sk["by"]) == {"activity", "time of day"}
