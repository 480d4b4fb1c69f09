"""suggest_next: the helpful activities ranked first.

Moved from test_analyses.py (issue 13), unchanged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
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


# --------------------------------------------------------------------------- issue 18, item 1-3

def _library(**changes):
    """The synthetic activity library with some rows changed ({activity: {column: value}})."""
    lib = ba.synth.activities()
    for act, cols in changes.items():
        for col, val in cols.items():
            lib.loc[lib["activity"] == act, col] = val
    return lib


def test_planted_truth_over_seeds():
    """Never an activity planted as avoidance or as lowering mood; the planted mood-lifting activity
    that is done rarely is in the list in most seeds."""
    # 'Rest' (a routine activity, not marked avoidance) is planted to lower mood; 'Volunteer at food
    # bank' (weight 0.03: rare) to lift it
    lib = _library(**{"Rest": {"mood_effect": -1.5},
                      "Volunteer at food bank": {"mood_effect": 2.0, "mastery": 6.0, "pleasure": 7.0}})
    found = 0
    for seed in range(12):
        log = ba.synth.client(weeks=8, seed=seed, activities=lib)
        top = ba.suggest_next(log, n=5)
        truth = log.attrs["truth"]["activities"].set_index("activity")
        assert not truth.reindex(top["activity"])["avoidance"].fillna(False).any(), seed
        assert "Rest" not in set(top["activity"]), seed
        found += "Volunteer at food bank" in set(top["activity"])
    assert found >= 9, found


def test_avoidance_like_names_are_not_suggested_when_the_log_does_not_mark_avoidance():
    log = ba.synth.client(weeks=4, seed=2).assign(avoidance=pd.NA)
    squashed = log.copy()
    squashed["activity"] = squashed["activity"].str.replace(" ", "").str.lower()
    for lg in (log, squashed):
        got = set(ba.suggest_next(lg, n=50)["activity"].str.lower().str.replace(" ", ""))
        for name in ("stayinbed", "naponthesofa", "scrollingphoneinbed", "watchtvallafternoon", "cancelplans"):
            assert name not in got
        assert got  # others still suggested
    # the client's own judgement wins: marked as not avoidance, a nap may be suggested
    marked = ba.synth.client(weeks=4, seed=2, activity_effects={"Nap on the sofa": 1.0}).assign(
        avoidance=False)
    marked.loc[marked["activity"] == "Nap on the sofa", ["mastery", "pleasure"]] = [6.0, 8.0]
    assert "Nap on the sofa" in set(ba.suggest_next(marked, n=50)["activity"])


def _diary(rows):
    """A small tidy log from (day, 'HH:MM', minutes, activity, planned, done, mastery, pleasure, mood)."""
    t = pd.DataFrame(rows, columns=["day", "time", "minutes", "activity", "planned", "done", "mastery",
                                    "pleasure", "mood"])
    start = pd.to_datetime(t["day"]) + pd.to_timedelta(t["time"] + ":00")
    log = pd.DataFrame({
        "client": "T", "entry": range(len(t)), "start": start,
        "end": start + pd.to_timedelta(t["minutes"], unit="min"),
        "activity": t["activity"].astype("str"), "category": pd.Series(pd.NA, index=t.index, dtype="str"),
        "mastery": t["mastery"].astype("float64"), "pleasure": t["pleasure"].astype("float64"),
        "mood": t["mood"].astype("float64"), "effort": float("nan"),
        "planned": t["planned"].astype("boolean"), "done": t["done"].astype("boolean"),
        "avoidance": pd.array([False] * len(t), dtype="boolean"),
        "note": pd.Series(pd.NA, index=t.index, dtype="str"), "source": "t.csv:" + (t.index + 2).astype(str),
    })
    return log


def test_graded_steps_come_from_each_activitys_own_history():
    """Two activities planned and mostly skipped: each step is shorter than that activity's own usual
    length, placed where that activity was done before, and says so."""
    rows = []
    days = pd.date_range("2026-03-02", periods=21)
    for d in days:
        rows.append((d, "08:00", 30, "Breakfast", False, pd.NA, 4, 6, 5))
        rows.append((d, "20:00", 60, "TV", False, pd.NA, 2, 6, 5))
    # Run: 40 minutes, done twice on Saturday mornings, skipped 4 other times
    for d in days[[5, 12]]:
        rows.append((d, "09:00", 40, "Run", True, True, 8, 6, 6))
    for d in days[[1, 3, 8, 15]]:
        rows.append((d, "18:00", 40, "Run", True, False, None, None, None))
    # Clean the garage: 120 minutes, done once on a Tuesday evening, skipped 3 times
    rows.append((days[8], "19:00", 120, "Clean the garage", True, True, 7, 3, 5))
    for d in days[[2, 9, 16]]:
        rows.append((d, "10:00", 120, "Clean the garage", True, False, None, None, None))
    got = ba.suggest_next(_diary(rows), n=10).set_index("activity")
    steps = got[got["suggestion"] == "graded first step"]
    assert {"Run", "Clean the garage"} <= set(steps.index)
    run, garage = steps.loc["Run"], steps.loc["Clean the garage"]
    # half of Run's 40 minutes (done 2 of 6 times); a quarter of the garage's 120 (1 of 4), at most 30
    assert run["suggested_minutes"] == 20 and garage["suggested_minutes"] == 30
    assert (run["suggested_day"], run["suggested_time"]) == ("Saturday", "09:00")
    assert (garage["suggested_day"], garage["suggested_time"]) == ("Tuesday", "19:00")
    assert "twice on Saturday mornings" in run["reason"]
    assert "once on a Tuesday evening" in garage["reason"]
    assert "Planned 6 times and done twice" in run["reason"]


def test_one_suggestion_per_activity_however_written():
    log = ba.synth.client(weeks=6, seed=4).astype({"activity": "str"})  # takes a new name below
    shop = log["activity"] == "Grocery shopping"
    log.loc[shop & (log.index % 2 == 0), "activity"] = "grocery shop"
    got = ba.suggest_next(log, n=50)["activity"].str.lower().tolist()
    assert not ({"grocery shopping", "grocery shop"} <= set(got))


def test_early_logs_use_life_areas_and_values_not_thin_mood_numbers():
    log = ba.synth.client(weeks=1, seed=5)
    log = log[log["start"] < log["start"].min().normalize() + pd.Timedelta(days=4)]
    log.attrs["values"] = pd.DataFrame({"value": ["Spirituality", "Creativity"], "importance": [8.0, 6.0],
                                        "activities": [["Volunteer at food bank"], []]})
    log = log[log["category"] != "Spirituality"]
    got = ba.suggest_next(log, n=5)
    assert got.attrs["early"] and got.attrs["notes"][0].startswith("It is early (4 days logged)")
    assert got["mood_diff"].isna().all() and not got["reason"].str.contains("mood").any()
    value = got[got["suggestion"] == "try for a value"]
    assert value["activity"].tolist() == ["Volunteer at food bank"]
    assert "Spirituality matters to you (8 of 10)" in value["reason"].iloc[0]
    assert any("Creativity" in n for n in got.attrs["notes"])


def test_the_list_mixes_mastery_and_pleasure():
    lib = ba.synth.activities()
    lib.loc[lib["kind"] == "valued", "mastery"] = 2.0  # every valued activity a pleasure one ...
    lib.loc[lib["activity"] == "Pay bills", ["mastery", "pleasure"]] = [9.0, 3.0]  # ... but one
    log = ba.synth.client(weeks=6, seed=6, activities=lib)
    got = ba.suggest_next(log, n=4)
    assert "mastery" in set(got["kind"]) and "pleasure" in set(got["kind"])
    assert any("mastery" in n and "pleasure" in n for n in got.attrs["notes"])


def test_reasons_say_the_mood_numbers_of_the_mood_table():
    log = ba.synth.client(weeks=8, seed=7)
    got = ba.suggest_next(log, n=50).set_index("activity")
    mood = ba.mood_by_activity(log).set_index("activity")
    shown = got["mood_diff"].dropna()
    assert len(shown)
    assert np.allclose(shown, mood.loc[shown.index, "diff"])
    for act, r in got[got["mood_diff"].notna()].iterrows():
        clear = mood.at[act, "ci_low"] > 0
        assert ("points higher (95% CI" in r["reason"]) == clear, (act, r["reason"])
        assert ("perhaps" in r["reason"]) == (not clear and r["mood_diff"] >= 0.05)
