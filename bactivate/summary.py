"""A plain summary of one client's log, in sentences a client can read.

:func:`plain_summary` turns the numbers of the analyses into a few short
sentences: what went up (or down) from the first week to the last, which
activities went with clearly better mood, the small wins, and what to try next.
It uses no statistics words; where the log does not record something (no mood
ratings, no plans) it says nothing about it rather than guessing.

>>> import bactivate as ba
>>> from bactivate.summary import plain_summary
>>> len(plain_summary(ba.synth.client(weeks=4, seed=1))) >= 3
True
"""

from __future__ import annotations

import pandas as pd

from bactivate._clients import one_client
from bactivate._log import recorded, require
from bactivate._util import plural
from bactivate.mood import mood_by_activity
from bactivate.progress import progress, small_wins
from bactivate.suggest import suggest_next

#: Smallest change from the first to the last week worth a sentence, unless the weekly trend is
#: clear: rating points (0-10) and shares. The same as the weekly trend table's words
#: (:func:`bactivate.progress_trend`), so that the report never says "went down" in one place and
#: "about the same" in another.
RATING_STEP = 1.0
SHARE_STEP = 0.10

_RATINGS = (("mood", "your mood ratings"), ("mastery", "your sense of accomplishment (mastery)"),
            ("pleasure", "your enjoyment (pleasure)"))


def _rating_change(first: float, last: float, what: str, clear: bool = False) -> str | None:
    """'Your mood ratings went up from about 3.6 in your first week to 4.9 in your last.'

    *clear*: the weekly trend itself is clear (its interval excludes 0), whatever the step.
    """
    if pd.isna(first) or pd.isna(last):
        return None
    if abs(last - first) < RATING_STEP and not clear:
        return (f"{what.capitalize()} stayed about the same ({first:.1f} in the first week, {last:.1f} "
                "in the last, out of 10).")
    way = "went up" if last > first else "went down"
    return f"{what.capitalize()} {way} from about {first:.1f} in the first week to {last:.1f} in the last (out of 10)."


def _share_change(first: float, last: float, what: str, good_if_down: bool, clear: bool = False) -> str | None:
    """'Avoidance went down from 32% of your entries in the first week to 3% in the last.'"""
    if pd.isna(first) or pd.isna(last):
        return None
    if abs(last - first) < SHARE_STEP and not clear:
        return None
    way = "went down" if last < first else "went up"
    cheer = " Well done." if (last < first) == good_if_down else ""
    return f"{what} {way} from {first:.0%} in the first week to {last:.0%} in the last.{cheer}"


def _changes(log: pd.DataFrame, has: dict) -> list[str]:
    """Sentences on what changed from the first week with entries to the last."""
    weekly = progress(log)
    weekly = weekly[weekly["days_logged"].fillna(0) > 0]
    if len(weekly) < 2:
        return ["This log covers about one week, so it is too early to say what is changing; "
                "the picture gets clearer with each week of notes."]
    first, last = weekly.iloc[0], weekly.iloc[-1]
    out = [f"Over {plural(len(weekly), 'week')} of notes:"]
    if has.get("activity"):
        total = int(weekly["activities"].sum())
        days = int(weekly["days_logged"].sum())
        line = f"You logged {plural(total, 'activity', 'activities')} on {plural(days, 'day')}"
        a, b = first["activities"], last["activities"]
        if pd.notna(a) and pd.notna(b) and b != a and abs(b - a) >= max(2, 0.25 * a):
            line += f", {'more' if b > a else 'fewer'} in the last week ({b:g}) than in the first ({a:g})"
        out.append(line + ".")
    trend = weekly.attrs.get("trend")
    clear = (dict(zip(trend["measure"], trend["direction"].isin(["rising", "falling"]), strict=True))
             if trend is not None and len(trend) else {})
    for field, what in _RATINGS:
        if has.get(field):
            out.append(_rating_change(first[field], last[field], what, clear.get(field, False)))
    if has.get("avoidance"):
        out.append(_share_change(first["avoidance_share"], last["avoidance_share"],
                                 "The share of entries marked as avoidance", good_if_down=True,
                                 clear=clear.get("avoidance_share", False)))
    if has.get("planned") and has.get("done"):
        out.append(_share_change(first["completion"], last["completion"],
                                 "The share of planned activities you carried out", good_if_down=False,
                                 clear=clear.get("completion", False)))
    return [s for s in out if s]


def _helped(log: pd.DataFrame, min_days: int) -> list[str]:
    """Activities that went with clearly better mood (their interval above zero)."""
    mood = mood_by_activity(log, min_days=min_days)
    if mood.empty or "ci_low" not in mood.columns:
        return []
    clear = mood[(mood["ci_low"] > 0)].sort_values("diff", ascending=False).head(3)
    if clear.empty:
        return ["No single activity stood out clearly for mood yet; a few more weeks of notes, "
                "with the activity on some days and not others, will show more."]
    names = [f"{a} (about {d:.1f} points higher)" for a, d in zip(clear["activity"], clear["diff"], strict=True)]
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return [f"Your mood tended to be better on days with {joined}. This shows what goes together, "
            "not what causes what: trying it on some days and not others is the best test."]


def _wins(log: pd.DataFrame, has: dict, high: float) -> list[str]:
    """The small wins, counted by kind."""
    if not ({"mastery", "pleasure", "planned", "activity"} & {k for k, v in has.items() if v}):
        return []
    wins = small_wins(log, high=high)
    if wins.empty:
        return []
    counts = wins["kind"].value_counts()
    parts = []
    if counts.get("planned and done", 0):
        parts.append(f"{plural(int(counts['planned and done']), 'plan')} carried out")
    high_rated = int(wins.loc[wins["kind"].isin(["high mastery", "high pleasure"]), "start"].nunique())
    if high_rated:
        parts.append(f"{plural(high_rated, 'activity', 'activities')} rated {high:g} or more "
                     "for accomplishment or enjoyment")
    if counts.get("first time", 0):
        parts.append(f"{plural(int(counts['first time']), 'new activity', 'new activities')} tried")
    if not parts:
        return []
    return ["Small wins: " + (parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]) + "."]


def plain_summary(log: pd.DataFrame, *, high: float = 6, min_days: int = 3) -> list[str]:
    """A few plain sentences about one client's log: what changed, what helped, wins, what next.

    Parameters
    ----------
    log : pandas.DataFrame
        The tidy log of one client (:func:`bactivate.read_log`); several clients
        are a ``ValueError`` (call it on each client's rows).
    high : float, default 6
        A mastery or pleasure rating of at least this (0-10) counts as a win.
    min_days : int, default 3
        Fewest days with, and without, an activity before its mood is compared.

    Returns
    -------
    list of str
        Sentences, in the order: how long the log is and what changed, which
        activities went with clearly better mood (an interval above zero), the
        small wins, and the first idea for next week. Things the log does not
        record are left out, never reported as zero.

    Examples
    --------
    >>> import bactivate as ba
    >>> log = ba.synth.client(weeks=4, seed=1)
    >>> plain_summary(log)[0]
    'Over 4 weeks of notes:'
    """
    require(log, ("start", "activity"), "plain_summary()")
    one_client(log, "plain_summary()", "call it on each client's rows (the sentences speak to one "
               "person): {c: plain_summary(rows) for c, rows in log.groupby('client')}")
    dated = log[log["start"].notna()]
    if dated.empty:
        return ["This log has no dated entries yet, so there is nothing to summarise."]
    has = recorded(dated)
    out = _changes(dated, has)
    if has.get("mood") and has.get("activity"):
        out += _helped(dated, min_days)
    out += _wins(dated, has, high)
    if has.get("activity"):
        ideas = suggest_next(dated, n=1, min_days=min_days)
        if len(ideas):
            first = ideas.iloc[0]
            if str(first["suggestion"]).startswith("graded"):
                minutes = first.get("suggested_minutes")
                size = f" (about {minutes:.0f} minutes)" if pd.notna(minutes) else ""
                idea = f"a small first step towards {first['activity']}{size}"
            elif first["suggestion"] == "try for a value":
                idea = f"trying {first['activity']}, for {first['category']}"
            else:
                idea = f"doing {first['activity']} a little more often"
            out.append(f"One idea to talk over for next week: {idea}.")
    return out
