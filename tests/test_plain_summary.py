"""bactivate.summary.plain_summary: sentences drawn from the numbers, nothing about what is not recorded."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

import bactivate as ba
from bactivate._log import with_calendar
from bactivate.summary import RATING_STEP, plain_summary

STATS = re.compile(r"\b(?:q|p|CI|OLS|pp)\b|interval|bootstrap|significan|regression|95%", re.I)


def _log(weeks=4, seed=1):
    return ba.synth.client(weeks=weeks, seed=seed, client="Alex")


def test_changes_are_first_and_last_week_means_computed_by_hand():
    log = _log()
    got = plain_summary(log)
    cal = with_calendar(log)
    first_week, last_week = cal["week"].min(), cal["week"].max()
    for field, words in (("mood", "Your mood ratings"), ("mastery", "Your sense of accomplishment")):
        # weekly means of the rows that took place (progress leaves skipped plans out)
        done = ~(log["planned"].fillna(False) & (log["done"] == False)).fillna(False).astype(bool)  # noqa: E712
        by_week = cal[done.to_numpy()].groupby("week")[field].mean()
        a, b = by_week[first_week], by_week[last_week]
        line = next(s for s in got if s.startswith(words))
        trend = ba.progress(log).attrs["trend"].set_index("measure")
        clear = trend.loc[field, "direction"] in ("rising", "falling")  # as the weekly trend table says
        if abs(b - a) < RATING_STEP and not clear:
            assert "stayed about the same" in line and f"{b:.1f}" in line
        else:
            assert f"from about {a:.1f} in the first week to {b:.1f} in the last" in line
            assert ("went up" in line) == (b > a)
    assert got[0] == f"Over {cal['week'].nunique()} weeks of notes:"


def test_what_helped_names_only_activities_whose_interval_is_above_zero():
    log = _log(weeks=6, seed=3)
    mood = ba.mood_by_activity(log)
    clear = mood.loc[mood["ci_low"] > 0].sort_values("diff", ascending=False)["activity"].head(3).tolist()
    text = " ".join(plain_summary(log))
    for name in mood["activity"]:
        named = re.search(re.escape(name) + r" \(about [0-9.]+ points higher\)", text) is not None
        assert named == (name in clear), name


def test_not_recorded_is_left_out_not_zero():
    log = _log()
    no_avoid = log.assign(avoidance=pd.array([pd.NA] * len(log), dtype="boolean"),
                          planned=pd.array([pd.NA] * len(log), dtype="boolean"),
                          done=pd.array([pd.NA] * len(log), dtype="boolean"))
    text = " ".join(plain_summary(no_avoid))
    assert "avoidance" not in text and "planned" not in text and "0%" not in text
    mood_only = log.assign(activity=pd.array([pd.NA] * len(log), dtype="str"), mastery=np.nan, pleasure=np.nan)
    text = " ".join(plain_summary(mood_only))
    assert "accomplishment" not in text and "enjoyment" not in text and "idea" not in text
    assert "Your mood ratings" in text


def test_a_one_week_log_says_it_is_too_early():
    got = plain_summary(_log(weeks=1))
    assert got[0].startswith("This log covers about one week, so it is too early")


def test_no_statistics_words_on_many_logs():
    for seed in range(5):
        text = " ".join(plain_summary(_log(weeks=3 + seed % 3, seed=seed)))
        assert not STATS.search(text), STATS.search(text)
