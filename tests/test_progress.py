"""progress, progress_trend and small_wins: the activation trend, counts, the cohort shortcut, linregress.

Moved from test_analyses.py (issue 13). Issue 15: missing is not zero, the client's weeks
(calendar weeks from Monday, or the week sheets), trends in the table's units with a plain
summary whose direction agrees with the interval.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats as st

import bactivate as ba
from bactivate.schema import conform


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
    week = calendar_week(log8["start"])
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


# --------------------------------------------------------------------------- issue 15

STATS_WORDS = re.compile(r"\bCI\b|\bp\b|\bOLS\b|\bpp\b|confidence|significan|regression|slope|\bnan\b",
                         re.IGNORECASE)


def calendar_week(start: pd.Series) -> pd.Series:
    """Calendar weeks from Monday by hand: week 1 holds the first logged day."""
    day = start.dt.normalize()
    monday = day.min() - pd.Timedelta(days=day.min().day_of_week)
    return (day - monday).dt.days // 7 + 1


def did_named(log: pd.DataFrame) -> pd.Series:
    """Rows that happened (not planned-and-skipped) with an activity name."""
    skipped = log["planned"].fillna(False).astype(bool) & (log["done"] == False).fillna(False)  # noqa: E712
    return log["activity"].notna() & ~skipped


def weekly_log(shares, per_week: int = 100, start: str = "2026-03-02") -> pd.DataFrame:
    """A hand-made log: *per_week* activities a week, the first share x per_week of them avoidance."""
    rows = []
    for w, share in enumerate(shares):
        k = round(share * per_week)
        for i in range(per_week):
            t = pd.Timestamp(start) + pd.Timedelta(days=7 * w + i % 7, hours=8 + i // 7)
            rows.append({"client": "A", "entry": len(rows) + 1, "start": t, "activity": f"act {i % 5}",
                         "mood": 5.0, "avoidance": i < k, "planned": False, "source": f"a.csv:{len(rows) + 2}"})
    return conform(pd.DataFrame(rows))


def test_progress_weeks_are_calendar_weeks():
    log = ba.synth.client(weeks=5, seed=7)
    log = log[(log["start"] >= "2026-03-04") & (log["start"] < "2026-04-02")]  # Wednesday to Wednesday
    weekly = ba.progress(log)
    week = calendar_week(log["start"])
    assert weekly["week"].tolist() == sorted(week.unique())
    assert weekly["activities"].tolist() == did_named(log).groupby(week).sum().tolist()
    assert weekly.columns[:4].tolist() == ["week", "week_label", "start_day", "end_day"]
    assert weekly["week_label"].tolist() == ["Week 1, 4-8 Mar", "Week 2, 9-15 Mar", "Week 3, 16-22 Mar",
                                             "Week 4, 23-29 Mar", "Week 5, 30 Mar-1 Apr"]
    # the dates reported are the data's: first and last logged day
    assert weekly["start_day"].min() == log["start"].min().normalize()
    assert weekly["end_day"].max() == log["start"].max().normalize()
    assert (weekly["start_day"].iloc[1:].dt.day_of_week == 0).all()
    assert (weekly["end_day"].iloc[:-1].dt.day_of_week == 6).all()
    # a Sunday start, and the old numbering on request
    sun = ba.progress(log, week_start="Sun")
    assert (sun["start_day"].iloc[1:].dt.day_of_week == 6).all()
    old = ba.progress(log, weeks_from="first day")
    day = log["start"].dt.normalize()
    assert old["week"].tolist() == sorted(((day - day.min()).dt.days // 7 + 1).unique())


def test_progress_week_sheets():
    log = ba.synth.client(weeks=3, seed=4)
    day = log["start"].dt.normalize()
    sheet = (day - pd.Timestamp("2026-02-26")).dt.days // 7 + 1  # sheets run Thursday to Wednesday
    log = log.assign(source="plan.xlsx:Week " + sheet.astype(str) + ":" + pd.Series(range(len(log)),
                                                                                    index=log.index).astype(str))
    weekly = ba.progress(log)
    assert weekly["week"].tolist() == sorted(sheet.unique())
    span = day.groupby(sheet).agg(["min", "max"])
    assert weekly["start_day"].tolist() == span["min"].tolist()
    assert weekly["end_day"].tolist() == span["max"].tolist()
    assert weekly["activities"].tolist() == did_named(log).groupby(sheet).sum().tolist()


def test_missing_is_not_zero_in_progress():
    log = ba.synth.client(weeks=5, seed=3)
    diary = conform(log.assign(avoidance=pd.NA, planned=pd.NA, done=pd.NA, mastery=np.nan))
    full, weekly = ba.progress(log), ba.progress(diary)
    for c in ("planned", "done"):
        assert weekly[c].dtype == "Int64" and weekly[c].isna().all(), c
    for c in ("completion", "mastery", "avoidance_share"):
        assert weekly[c].isna().all(), c
    # what the diary records is unchanged (the skipped plans are now ordinary entries, so compare mood
    # with a hand count over every row)
    mood = diary["mood"].groupby(calendar_week(diary["start"])).mean()
    assert np.allclose(weekly["mood"], mood)
    assert weekly["pleasure"].notna().all() and full["planned"].dtype == "int64"
    gone = ["planned", "done", "completion", "mastery", "avoidance_share"]
    assert weekly.attrs["not_recorded"] == gone
    trend = weekly.attrs["trend"].set_index("measure")
    assert (trend.loc[gone, "direction"] == "not recorded in this log").all()
    assert (trend.loc[gone, "summary"] == "not recorded in this log").all()
    assert trend.loc[gone, ["slope", "slope_ci_low", "slope_ci_high", "first", "last"]].isna().all().all()
    assert (trend.loc[gone, "n"] == 0).all()
    assert trend.loc["mood", "direction"] != "not recorded in this log"
    # progress_trend of the table reads the same from its attrs
    again = ba.progress_trend(weekly).set_index("measure")
    assert (again.loc[gone, "direction"] == "not recorded in this log").all()
    # a log whose flags are all False records them: zeros are zeros
    none = ba.progress(log.assign(avoidance=pd.array([False] * len(log), dtype="boolean")))
    assert (none["avoidance_share"] == 0).all()


def test_missing_is_not_zero_per_client():
    log, _ = ba.synth.cohort(n_clients=3, weeks=4, seed=2)
    first = log["client"] == sorted(log["client"].unique())[0]
    log = log.assign(avoidance=log["avoidance"].mask(first))
    allc = ba.progress(log, by="client")
    assert allc.loc[allc["client"] == log.loc[first, "client"].iloc[0], "avoidance_share"].isna().all()
    assert allc.loc[allc["client"] != log.loc[first, "client"].iloc[0], "avoidance_share"].notna().all()
    trend = allc.attrs["trend"]
    avoid = trend[trend["measure"] == "avoidance_share"]
    assert (avoid["direction"] == "not recorded in this log").tolist() == [True, False, False]
    assert allc.attrs["not_recorded"] == []  # two clients record it
    for client, g in log.groupby("client"):
        one = ba.progress(g)
        mine = allc[allc["client"] == client].drop(columns="client").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, one, check_exact=False, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("seed", [1, 3, 5, 8, 13])
def test_trend_units_direction_and_summary(seed):
    weekly = ba.progress(ba.synth.client(weeks=6, seed=seed))
    trend = weekly.attrs["trend"]
    units = dict(zip(trend["measure"], trend["unit"], strict=True))
    assert units == {"activities": "per week", "planned": "per week", "done": "per week",
                     "completion": "percentage points per week", "mastery": "points (0-10) per week",
                     "pleasure": "points (0-10) per week", "mood": "points (0-10) per week",
                     "avoidance_share": "percentage points per week"}
    # the direction agrees with the interval in its own row
    rising = trend["slope_ci_low"] > 0
    falling = trend["slope_ci_high"] < 0
    assert (trend["direction"] == "rising").tolist() == rising.tolist()
    assert (trend["direction"] == "falling").tolist() == falling.tolist()
    # shares: first and last are the table's values in percent
    t = trend.set_index("measure")
    shares = weekly["avoidance_share"].dropna()
    assert t.loc["avoidance_share", "first"] == pytest.approx(100 * shares.iloc[0])
    assert t.loc["avoidance_share", "last"] == pytest.approx(100 * shares.iloc[-1])
    for text in trend["summary"]:
        assert text and not STATS_WORDS.search(text), text


def test_a_big_fall_the_interval_cannot_confirm_is_still_told():
    shares = [0.32, 0.45, 0.05, 0.40, 0.03]
    weekly = ba.progress(weekly_log(shares))
    assert np.allclose(weekly["avoidance_share"], shares)
    row = weekly.attrs["trend"].set_index("measure").loc["avoidance_share"]
    fit = st.linregress(weekly["week"], 100 * np.array(shares))
    half = st.t.ppf(0.975, len(shares) - 2) * fit.stderr
    assert fit.slope - half < 0 < fit.slope + half  # the interval holds 0 ...
    assert row["slope"] == pytest.approx(fit.slope) and row["slope_ci_low"] == pytest.approx(fit.slope - half)
    assert row["direction"] == "no clear change"  # ... so no trend is claimed,
    assert row["summary"] == "fell from 32% to 3% (too few weeks to be sure it is a trend)"  # but the fall is told
    # a clear fall says so, in percentage points
    steady = ba.progress(weekly_log([0.40, 0.32, 0.25, 0.16, 0.08]))
    row = steady.attrs["trend"].set_index("measure").loc["avoidance_share"]
    assert row["direction"] == "falling"
    assert row["slope"] == pytest.approx(st.linregress([1, 2, 3, 4, 5], [40, 32, 25, 16, 8]).slope)
    assert row["summary"] == "went down by about 8.0 percentage points a week (40% at the start, 8% at the end)"
    # small changes are "about the same"
    flat = ba.progress(weekly_log([0.20, 0.30, 0.10, 0.25, 0.22]))
    row = flat.attrs["trend"].set_index("measure").loc["avoidance_share"]
    assert row["summary"] == "about the same (20% at the start, 22% at the end)"
