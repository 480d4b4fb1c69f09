"""client_summary (bactivate.cohort.summary): by hand on tiny logs, against plain pandas groupby on a
messy synthetic cohort, and its refusal of what is not a log.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as st

import bactivate as ba
from bactivate.schema import conform


def _tiny():
    """Client A over 15 days (3 weeks) with plans and moods chosen by hand; client B one week."""
    rows = []

    def add(client, day, hour, mood, planned=False, done=pd.NA, avoid=False, m=5.0, p=5.0):
        rows.append({"client": client, "start": pd.Timestamp("2026-03-02") + pd.Timedelta(days=day, hours=hour),
                     "activity": "x", "mood": mood, "planned": planned, "done": done, "avoidance": avoid,
                     "mastery": m if done is not False else np.nan, "pleasure": p if done is not False else np.nan})

    # week 1 (days 0-6): moods 2, 4; one plan done
    add("A", 0, 9, 2.0, planned=True, done=True, m=8.0)
    add("A", 3, 9, 4.0, avoid=True)
    # week 2 (days 7-13): moods 5, 5; two plans, one skipped
    add("A", 7, 9, 5.0, planned=True, done=True)
    add("A", 8, 9, 5.0, planned=True, done=False)
    # week 3 (day 14 only): mood 8; three plans done
    for h in (8, 9, 10):
        add("A", 14, h, 8.0, planned=True, done=True)
    add("B", 0, 9, 6.0)
    add("B", 2, 9, 7.0)
    df = conform(pd.DataFrame(rows))
    df["entry"] = df.groupby("client").cumcount().astype("int64") + 1
    return df


# =========================================================================== client_summary


def test_client_summary_by_hand():
    s = ba.client_summary(_tiny()).set_index("client")
    a = s.loc["A"]
    assert a["span_days"] == 15 and a["weeks"] == 3 and a["days_logged"] == 5
    assert a["adherence"] == pytest.approx(5 / 15)
    assert a["entries"] == 7 and a["activities"] == 6  # the skipped plan did not happen
    assert a["planned"] == 6 and a["done"] == 5 and a["completion"] == pytest.approx(5 / 6)
    assert a["mood"] == pytest.approx(np.mean([2, 4, 5, 5, 8, 8, 8]))
    assert a["mastery"] == pytest.approx(np.mean([8, 5, 5, 5, 5, 5]))
    assert a["avoidance_share"] == pytest.approx(1 / 6)
    # mood change: mean of weeks 2 and 3 weekly means minus week 1
    assert a["mood_first_week"] == pytest.approx(3.0)
    assert a["mood_last_weeks"] == pytest.approx((5.0 + 8.0) / 2)
    assert a["mood_change"] == pytest.approx(3.5)
    # mood slope: OLS of weekly means (3, 5, 8) on weeks (1, 2, 3)
    fit = st.linregress([1, 2, 3], [3, 5, 8])
    assert a["mood_slope"] == pytest.approx(fit.slope)
    half = st.t.ppf(0.975, 1) * fit.stderr
    assert a["mood_slope_ci_low"] == pytest.approx(fit.slope - half)
    # activation: plans done per week 1, 1, 3 (week 3 is one day long: scaled to 7 days -> 21)
    fit = st.linregress([1, 2, 3], [1, 1, 21])
    assert a["activation_slope"] == pytest.approx(fit.slope)
    b = s.loc["B"]
    assert b["weeks"] == 1 and np.isnan(b["mood_change"]) and np.isnan(b["mood_slope"])
    assert np.isnan(b["completion"])


def test_client_summary_and_weeks_match_plain_groupby():
    """Every column against pandas groupby written out here, on a cohort with messy rows."""
    log, roster = ba.synth.cohort(n_clients=8, weeks=5, seed=3, entries_per_day=3)
    log = log.copy()
    log.loc[log.index[::97], "start"] = pd.NaT  # undated rows are left out
    log.loc[log.index[5::101], "client"] = pd.NA  # so are rows of no client
    log.loc[log.index[7::89], "activity"] = pd.NA  # mood-only rows: not activities
    s = ba.client_summary(log, roster=roster).set_index("client")
    wk = ba.cohort.client_weeks(log)
    df = log[log["start"].notna() & log["client"].notna()].copy()
    df["day"] = df["start"].dt.normalize()
    df["week"] = (df["day"] - df.groupby("client")["day"].transform("min")).dt.days // 7 + 1
    skipped = df["planned"].fillna(False).astype(bool) & (df["done"] == False).fillna(False)  # noqa: E712
    did = df[~skipped]
    named = did[did["activity"].notna()]
    entries = df.drop_duplicates(["client", "entry"])
    g = df.groupby("client")
    assert (s["days_logged"] == g["day"].nunique()).all()
    assert (s["entries"] == entries.groupby("client").size()).all()
    assert (s["activities"] == named.groupby("client").size()).all()
    assert np.allclose(s["mastery"], did.groupby("client")["mastery"].mean().reindex(s.index), equal_nan=True)
    assert np.allclose(s["mood"], entries.groupby("client")["mood"].mean().reindex(s.index))
    avoid = named["avoidance"].fillna(False).astype(float).groupby(named["client"]).mean()
    assert np.allclose(s["avoidance_share"], avoid.reindex(s.index))
    weekly = entries.groupby(["client", "week"])["mood"].mean()
    got = wk.set_index(["client", "week"])["mood"].dropna()
    assert np.allclose(got, weekly.reindex(got.index)) and len(got) == weekly.notna().sum()
    counts = wk.set_index(["client", "week"])
    plans = df["planned"].fillna(False).astype(bool).groupby([df["client"], df["week"]]).sum()
    assert (counts["planned"].reindex(plans.index) == plans).all()
    # one slope, written out with scipy
    c = s.index[0]
    mine = wk[wk["client"] == c].dropna(subset=["mood"])
    fit = st.linregress(mine["week"], mine["mood"])
    assert s.loc[c, "mood_slope"] == pytest.approx(fit.slope, rel=1e-10)
    half = st.t.ppf(0.975, len(mine) - 2) * fit.stderr
    assert s.loc[c, "mood_slope_ci_high"] == pytest.approx(fit.slope + half, rel=1e-10)


def test_client_summary_needs_a_log():
    with pytest.raises(TypeError):
        ba.client_summary([1, 2])
    with pytest.raises(ValueError, match="columns"):
        ba.client_summary(pd.DataFrame({"client": ["a"]}))
