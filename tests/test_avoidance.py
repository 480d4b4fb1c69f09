"""avoidance: low-mood hours, the avoidance share over the weeks, skipped plans.

Moved from test_analyses.py (issue 13). Issue 15: missing is not zero; "low_mood" lists only the
hours and days reliably below the client's average, with enough ratings, lowest first (checked
against t-intervals computed here with pandas and scipy); weeks are calendar weeks.
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
    # share equals a direct count, over calendar weeks from Monday
    day = log["start"].dt.normalize()
    wk = (day - (day.min() - pd.Timedelta(days=day.min().day_of_week))).dt.days // 7 + 1
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


def expected_mood_by_time(log: pd.DataFrame, key: str, min_ratings: int = 3) -> pd.DataFrame:
    """Mean mood and 95% t-interval per hour (or weekday), one rating per entry, by hand."""
    rated = log[log["start"].notna() & log["mood"].notna()].drop_duplicates(["client", "entry"])
    if "time_unknown" in rated.columns and key == "hour":
        rated = rated[~rated["time_unknown"]]
    average = log[log["start"].notna() & log["mood"].notna()].drop_duplicates(["client", "entry"])["mood"].mean()
    level = rated["start"].dt.hour if key == "hour" else rated["start"].dt.day_name().str[:3]
    g = rated.groupby(level)["mood"].agg(["count", "mean", "std"])
    half = st.t.ppf(0.975, g["count"] - 1) * g["std"] / np.sqrt(g["count"])
    g["high"] = (g["mean"] + half).clip(0, 10)
    g = g[g["count"] >= min_ratings]
    if key == "hour":
        g.index = [f"{h:02d}:00" for h in g.index]
    else:  # Monday first
        g = g.reindex([d for d in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun") if d in g.index])
    return g, average


@pytest.mark.parametrize("seed", [3, 4, 9])
def test_low_mood_is_reliably_below_average(seed):
    log = ba.synth.client(weeks=6, seed=seed, entries_per_day=6)
    res = ba.avoidance(log)
    low = res["low_mood"]
    want = []
    for key in ("hour", "weekday"):
        g, average = expected_mood_by_time(log, key)
        below = g[g["high"] < average]
        want += [(key, lvl, m) for lvl, m in zip(below.index, below["mean"], strict=True)]
        got = res["mood_by_time"][res["mood_by_time"]["by"] == key].set_index("level")
        assert got.index.tolist() == g.index.tolist()
        assert np.allclose(got["mood_mean"], g["mean"]) and np.allclose(got["mood_ci_high"], g["high"])
        assert got["mood_n"].tolist() == g["count"].tolist()
    want.sort(key=lambda t: t[2])
    assert [(b, lv) for b, lv, _ in want] == list(zip(low["by"], low["level"], strict=True))
    assert low["mood_mean"].is_monotonic_increasing
    assert (low["mood_ci_high"] < low.attrs["average"]).all() and (low["vs_average"] < 0).all()
    assert low.attrs["min_ratings"] == 3 and "t-interval" in low.attrs["interval"]
    assert low.attrs["average"] == pytest.approx(average)


def test_low_mood_needs_enough_ratings():
    """An hour with three very low ratings is listed only when min_ratings allows three."""
    log = ba.synth.client(weeks=4, seed=2)
    extra = log.iloc[:3].assign(start=pd.to_datetime(["2026-03-03 05:10", "2026-03-10 05:20", "2026-03-17 05:05"]),
                                end=pd.NaT, mood=[0.5, 1.0, 0.8], entry=[9001, 9002, 9003])
    log = pd.concat([log, extra], ignore_index=True)
    assert "05:00" in ba.avoidance(log)["low_mood"]["level"].tolist()
    assert "05:00" not in ba.avoidance(log, min_ratings=4)["low_mood"]["level"].tolist()
    many = ba.avoidance(log, min_ratings=40)
    assert (many["mood_by_time"]["mood_n"] >= 40).all() and many["low_mood"].attrs["min_ratings"] == 40
    assert ba.avoidance(log, min_entries=4)["low_mood"].attrs["min_ratings"] == 4  # the former name


def test_unknown_times_never_count_toward_hours():
    log = ba.synth.client(weeks=4, seed=5)
    unknown = np.arange(len(log)) % 3 == 0
    log = log.assign(start=log["start"].where(~unknown, log["start"].dt.normalize()), time_unknown=unknown)
    res = ba.avoidance(log)
    hours = res["mood_by_time"][res["mood_by_time"]["by"] == "hour"]
    assert "00:00" not in hours["level"].tolist()
    assert hours["mood_n"].sum() == int((log["mood"].notna() & ~log["time_unknown"]).sum())
    days = res["mood_by_time"][res["mood_by_time"]["by"] == "weekday"]
    assert days["mood_n"].sum() == int(log["mood"].notna().sum())  # their day is known
    assert res["by_hour"]["entries"].sum() < res["by_week"]["entries"].sum()
    # a log of dates only has no hours at all, and says so
    dates = ba.avoidance(log.assign(time_unknown=True))
    assert dates["by_hour"].empty and (dates["mood_by_time"]["by"] == "weekday").all()
    assert dates["low_mood"].attrs["not_recorded"] == ["time_of_day"]


def test_missing_avoidance_is_not_zero():
    log = ba.synth.client(weeks=5, seed=6)
    full = ba.avoidance(log)
    diary = ba.avoidance(log.assign(avoidance=pd.array([pd.NA] * len(log), dtype="boolean")))
    w = diary["by_week"]
    assert w["avoidance_entries"].dtype == "Int64" and w["avoidance_entries"].isna().all()
    assert w[["avoidance_hours", "avoidance_share", "avoidance_hours_share"]].isna().all().all()
    assert w["entries"].tolist() == full["by_week"]["entries"].tolist()
    assert diary["by_hour"]["avoidance_share"].isna().all()
    assert diary["by_hour"]["mood_mean"].notna().all()
    assert diary["before"].empty
    assert w.attrs["not_recorded"] == ["avoidance"] and full["by_week"].attrs["not_recorded"] == []
    # recorded as never avoidance: true zeros
    none = ba.avoidance(log.assign(avoidance=pd.array([False] * len(log), dtype="boolean")))
    assert (none["by_week"]["avoidance_share"] == 0).all() and none["by_week"]["avoidance_entries"].dtype == "int64"


def test_by_week_has_the_client_weeks(log8):
    w = ba.avoidance(log8)["by_week"]
    weekly = ba.progress(log8)
    assert w.columns[:4].tolist() == ["week", "week_label", "start_day", "end_day"]
    for c in ("week", "week_label", "start_day", "end_day"):
        assert w[c].tolist() == weekly[c].tolist(), c
