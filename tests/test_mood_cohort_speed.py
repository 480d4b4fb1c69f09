"""mood_by_activity at cohort scale (issue 20, item 3): the closed-form REML gives the same numbers.

The AR(1) rho of each client used to be found by :func:`bactivate.stats.ar1_rho` on
padded blocks of clients (dense week-dummy matrices, one LU per client and grid
point); ``mood._reml_rho`` now does the same grid search with the tridiagonal
closed form on the flat days. These tests check, on cohorts with gaps, short
clients and one-week clients, that

* each client's ``mood_autocorr`` equals ``stats.ar1_rho`` on that client's daily
  series, built here from the log with plain pandas;
* the whole table equals the one computed with the previous engine (``stats.ar1_rho``
  on padded blocks, patched in) to 1e-10, for both ``adjust`` settings.

No timing here: the benchmark row W4-mood measures the speed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import bactivate as ba
from bactivate import mood, stats


def _gappy_cohort(seed: int) -> pd.DataFrame:
    """A synth cohort with whole days and weeks left out, a 3-day client and a one-week client."""
    log, _ = ba.synth.cohort(n_clients=12, weeks=7, seed=seed, entries_per_day=3)
    rng = np.random.default_rng(seed)
    day = log["start"].dt.normalize()
    days = day.drop_duplicates()
    drop = set(days[rng.random(len(days)) < 0.2])  # single days missing: gaps of 2+ days
    keep = ~day.isin(drop)
    client = log["client"].astype("str")
    names = sorted(client.unique())
    first = day.groupby(client).transform("min")
    since = (day - first).dt.days
    keep &= ~((client == names[1]) & (since >= 3))  # three days only: too few for the model (rho 0)
    keep &= ~((client == names[2]) & (since >= 7))  # one calendar week or two, a short log
    keep &= ~((client == names[3]) & since.between(14, 27))  # two weeks with no entries
    return log[keep.to_numpy()].reset_index(drop=True)


@pytest.fixture(scope="module", params=[4, 11])
def cohort(request):
    return _gappy_cohort(request.param)


def _daily_series(log: pd.DataFrame, adjust) -> dict:
    """Per client: daily mean mood, day numbers and week dummies (plain pandas, written out here)."""
    df = log[log["start"].notna()].assign(client=lambda d: d["client"].astype("str"))
    df = df.assign(day=df["start"].dt.normalize())
    daily = df.groupby(["client", "day"])["mood"].mean().dropna().reset_index()
    out = {}
    for client, g in daily.groupby("client"):
        g = g.sort_values("day")
        day = ((g["day"] - g["day"].min()).dt.days).to_numpy()
        if adjust == "week":
            week = g["day"].dt.to_period("W-SUN").astype("str")
            codes = pd.factorize(week)[0]
        else:
            codes = np.zeros(len(g), dtype=int)
        X = np.eye(codes.max() + 1)[codes]
        out[client] = (g["mood"].to_numpy(float), X, day)
    return out


@pytest.mark.parametrize("adjust", ["week", None])
def test_each_clients_rho_is_stats_ar1_rho_on_its_own_days(cohort, adjust):
    res = ba.mood_by_activity(cohort, by=["client", "activity"], adjust=adjust)
    got = res.groupby("client")["mood_autocorr"].first()
    series = _daily_series(cohort, adjust)
    assert set(got.index) == set(series)
    want = {c: stats.ar1_rho(y[None], X[None], day[None], np.ones((1, len(y)), bool))[0]
            for c, (y, X, day) in series.items()}
    want = pd.Series(want).reindex(got.index)
    np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), rtol=0, atol=1e-12)
    names = sorted(series)
    assert got[names[1]] == 0.0  # 3 days: too few for the model
    assert (got != 0).sum() >= len(got) - 2  # the others were estimated
    if adjust == "week":
        y, X, day = series[names[3]]
        assert np.diff(day).max() >= 14  # the client with two empty weeks kept its gap


def _dense_rho(days, weeks):
    """The previous engine: stats.ar1_rho on padded blocks of clients with dense week dummies."""
    out = np.zeros(len(days.cstart))
    for s in range(0, len(out), 5):  # small blocks: padding differs between blocks
        rows = np.arange(s, min(s + 5, len(out)))
        Y, day, valid, D, *_ = mood._padded(days, weeks, rows)
        out[rows] = stats.ar1_rho(Y, D, day, valid)
    return out


@pytest.mark.parametrize("kw", [{}, {"adjust": None}, {"by": "category"}, {"ci": 0.9, "min_days": 2}])
def test_whole_table_equals_the_previous_engine(cohort, kw, monkeypatch):
    kw = dict(kw)
    by = ["client", kw.pop("by", "activity")]
    new = ba.mood_by_activity(cohort, by=by, **kw)
    monkeypatch.setattr(mood, "_reml_rho", _dense_rho)
    old = ba.mood_by_activity(cohort, by=by, **kw)
    assert len(new) > 60 and (new["status"] == "tested").sum() > 30
    pd.testing.assert_frame_equal(new, old, check_exact=False, rtol=0, atol=1e-10)
    assert new.attrs == old.attrs


def test_single_client_equals_the_previous_engine(monkeypatch):
    log = ba.synth.client(weeks=8, seed=5)
    new = ba.mood_by_activity(log)
    monkeypatch.setattr(mood, "_reml_rho", _dense_rho)
    old = ba.mood_by_activity(log)
    pd.testing.assert_frame_equal(new, old, check_exact=False, rtol=0, atol=1e-10)
    assert new.attrs["method"] == old.attrs["method"]
