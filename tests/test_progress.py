"""progress, progress_trend and small_wins: the activation trend, counts, the cohort shortcut, linregress.

Moved from test_analyses.py (issue 13). Issue 15: missing is not zero, the client's weeks
(calendar weeks from Monday, or the week sheets), trends in the table's units with a plain
summary whose direction agrees with the interval.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as st

import bactivate as ba


@pytest.fixture(scope="module")
def log8():
    return ba.synth.client(weeks=8, seed=3)


@pytest.fixture(scope="module")
def synth_cohort():
    log, _ = ba.synth.cohort(n_clients=9, weeks=5, seed=21, entries_per_day=3)
    return log


def test_progress_finds_the_activation_trend():
    log = ba.synth.client(weeks=10, seed=5, lapse_week=None)
    weekly = ba.progress(log)
    trend = weekly.attrs["trend"].set_index("measure")
    planned = log.attrs["truth"]["planned_per_week"]
    assert weekly["planned"].tolist() == [planned[w] for w in weekly["week"]]
    assert trend.loc["planned", "direction"] == "rising"
    assert trend.loc["mood", "slope"] > 0
    # slope equals an independent least-squares fit
    fit = np.polyfit(weekly["week"], weekly["mood"], 1)[0]
    assert trend.loc["mood", "slope"] == pytest.approx(fit)


def test_progress_counts(log8):
    weekly = ba.progress(log8)
    week = (log8["start"].dt.normalize() - log8["start"].min().normalize()).dt.days // 7 + 1
    planned = log8["planned"].fillna(False).astype(bool)
    done = planned & log8["done"].fillna(False).astype(bool)
    assert weekly["planned"].tolist() == planned.groupby(week).sum().tolist()
    assert weekly["done"].tolist() == done.groupby(week).sum().tolist()
    assert np.allclose(weekly["completion"].dropna(),
                       (done.groupby(week).sum() / planned.groupby(week).sum()).dropna())


@pytest.mark.parametrize("freq", ["W", "D"])
def test_progress_by_client_equals_one_call_per_client(synth_cohort, freq):
    allc = ba.progress(synth_cohort, freq=freq, by="client")
    assert allc.columns[0] == "client" and allc["client"].is_monotonic_increasing
    trend = allc.attrs["trend"]
    assert trend.columns[0] == "client"
    for client, g in synth_cohort.groupby("client"):
        one = ba.progress(g, freq=freq)
        mine = allc[allc["client"] == client].drop(columns="client").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, one, check_exact=False, rtol=1e-12, atol=1e-12)
        t = trend[trend["client"] == client].drop(columns="client").reset_index(drop=True)
        pd.testing.assert_frame_equal(t, one.attrs["trend"], check_exact=False, rtol=1e-12, atol=1e-12)


def test_progress_trend_matches_linregress(synth_cohort):
    g = synth_cohort[synth_cohort["client"] == synth_cohort["client"].iloc[0]]
    weekly = ba.progress(g)
    trend = weekly.attrs["trend"].set_index("measure")
    for m in ("mood", "mastery", "activities", "avoidance_share"):
        # shares are shown as percentages: their trend is in percentage points per week
        factor = 100 if m == "avoidance_share" else 1
        fit = st.linregress(weekly["week"], weekly[m] * factor)
        half = st.t.ppf(0.975, len(weekly) - 2) * fit.stderr
        row = trend.loc[m]
        assert row["slope"] == pytest.approx(fit.slope, rel=1e-10, abs=1e-12)
        assert row["slope_ci_low"] == pytest.approx(fit.slope - half, rel=1e-10, abs=1e-12)
        assert row["slope_p"] == pytest.approx(fit.pvalue, rel=1e-8, abs=1e-12)
        assert row["n"] == len(weekly)
    # the two-client path counts weeks from each client's own first day
    assert ba.progress(synth_cohort, by="client").groupby("client")["week"].min().eq(1).all()
    with pytest.raises(ValueError, match="by must be"):
        ba.progress(g, by="activity")


def test_small_wins(log8):
    wins = ba.small_wins(log8)
    done = wins[wins["kind"] == "planned and done"]
    direct = (log8["planned"].fillna(False) & log8["done"].fillna(False) & ~log8["avoidance"].fillna(False))
    assert len(done) == int(direct.sum())
    assert wins["start"].is_monotonic_increasing
