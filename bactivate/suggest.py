"""Next micro-goals: a short ranked list of activities to schedule next week, each with its reason.

Graded task assignment starts from what already works for the client. Each
candidate (any activity that is not avoidance) gets a score from five parts,
all on 0-1, with fixed, documented weights:

====================  ======  ==========================================================
part                  weight  from
====================  ======  ==========================================================
mood                  0.35    ``mood_by_activity`` difference (tested ones only), halved
                              unless q < 0.2; clipped to +-2 points
reward                0.25    mean mastery + mean pleasure, over 20
low effort            0.15    1 - mean effort / 10 (0.5 when effort is not logged)
room to grow          0.10    1 - times per week / 7
neglected life area   0.15    1 - the category's share of entries / the largest share
====================  ======  ==========================================================

Planned activities that keep being skipped (at least half of at least two
plans) are suggested as a *graded first step*: about half their usual length,
at the client's better-mood hour. This is a transparent heuristic to start a
conversation, not a prescription; the clinician and client decide.

>>> import bactivate as ba
>>> ba.suggest_next(ba.synth.client(weeks=6, seed=1), n=3)["rank"].tolist()
[1, 2, 3]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bactivate._log import happened, require, with_calendar
from bactivate.avoidance import avoidance as _avoidance
from bactivate.balance import balance
from bactivate.mood import TESTED, mood_by_activity

WEIGHTS = {"mood": 0.35, "reward": 0.25, "low_effort": 0.15, "room": 0.10, "neglected": 0.15}
#: Mastery and pleasure both under this (0-10): the low corner, never suggested.
LOW = 3.0


def suggest_next(log: pd.DataFrame, n: int = 5, *, min_days: int = 3, skip_share: float = 0.5,
                 seed: int | None = 0) -> pd.DataFrame:
    """Rank activities to schedule next, with a one-line reason drawn from the numbers.

    The score and its weights are described in the module docstring
    (:data:`WEIGHTS`). Never suggested: activities that were avoidance at least
    half the time, activities whose days had lower mood (a negative difference
    from :func:`bactivate.mood_by_activity`), and activities rated under
    :data:`LOW` for both mastery and pleasure.

    Parameters
    ----------
    log : pandas.DataFrame
        The tidy log of one client.
    n : int, default 5
        How many suggestions.
    min_days : int, default 3
        Passed to :func:`bactivate.mood_by_activity`.
    skip_share : float, default 0.5
        Planned activities skipped at least this often (of at least two plans)
        get a graded first step.
    seed : int or None, default 0
        Passed to :func:`bactivate.mood_by_activity` (kept for compatibility: its intervals come from one model, with no resampling).

    Returns
    -------
    pandas.DataFrame
        One row per suggestion, best first (empty, with these columns, for a
        log with no dated activities):

        * ``rank`` (int64): 1, 2, ...;
        * ``activity``, ``category`` (str);
        * ``suggestion`` (str): ``"schedule more"`` or ``"graded first step"``;
        * ``reason`` (str): one line drawn from the numbers below;
        * ``score``: 0-1 (+0.1 for a graded first step);
        * ``mood_diff``, ``mood_ci_low``, ``mood_ci_high``: mood on days with it
          minus days without, with its interval (tested activities only, else NaN);
        * ``mastery``, ``pleasure``, ``effort``: mean ratings (0-10);
        * ``per_week``: times per week so far;
        * ``suggested_minutes``: for a graded step, about half its usual
          length, in 5 minutes (NaN otherwise);
        * ``suggested_time`` (str): for a graded step, the client's
          better-mood hour ("15:00"), else missing.

    Examples
    --------
    >>> import bactivate as ba
    >>> top = ba.suggest_next(ba.synth.client(weeks=6, seed=1), n=3)
    >>> top[["rank", "activity", "suggestion", "score"]].round(2)
       rank           activity         suggestion  score
    0     1  Lunch with family  graded first step   0.65
    1     2           Meditate      schedule more   0.58
    2     3       Tidy kitchen  graded first step   0.58
    >>> top["reason"].iloc[1]
    'Mastery 5.5, pleasure 6.0 of 10; low effort; done 0.3× a week so far; Spirituality is only 1% of your entries.'
    """
    require(log, ("start", "end", "activity", "category", "mastery", "pleasure", "effort", "mood",
                  "planned", "done", "avoidance"), "suggest_next()")
    cols = ["rank", "activity", "category", "suggestion", "reason", "score", "mood_diff", "mood_ci_low",
            "mood_ci_high", "mastery", "pleasure", "effort", "per_week", "suggested_minutes",
            "suggested_time"]
    df = log[log["start"].notna() & log["activity"].notna()]
    if df.empty:
        return _typed(pd.DataFrame(columns=cols))
    did = with_calendar(happened(df))
    avoid_share = did["avoidance"].fillna(False).astype("float64").groupby(did["activity"]).mean()
    bal = balance(df, by="activity").set_index("activity")
    effort = did.groupby("activity")["effort"].mean()
    minutes = ((did["end"] - did["start"]).dt.total_seconds() / 60).groupby(did["activity"]).median()
    pairs = did[["activity", "category"]].dropna().value_counts()  # most common category first
    cat = pairs.reset_index().drop_duplicates("activity").set_index("activity")["category"]
    mba = mood_by_activity(df, min_days=min_days, seed=seed).set_index("activity") \
        if df["mood"].notna().any() else pd.DataFrame(columns=["diff", "status", "q", "ci_low", "ci_high"])
    share = did["category"].value_counts(normalize=True)

    acts = bal.index[~bal.index.isin(avoid_share[avoid_share >= 0.5].index)]
    t = pd.DataFrame(index=acts)
    t["category"] = cat.reindex(acts)
    t["mastery"] = bal["mastery_mean"].reindex(acts)
    t["pleasure"] = bal["pleasure_mean"].reindex(acts)
    t["effort"] = effort.reindex(acts)
    t["per_week"] = bal["entries_per_week"].reindex(acts)
    tested = mba[mba["status"] == TESTED] if len(mba) else mba
    t["mood_diff"] = tested["diff"].reindex(acts).astype("float64") if len(tested) else np.nan
    t["mood_ci_low"] = tested["ci_low"].reindex(acts).astype("float64") if len(tested) else np.nan
    t["mood_ci_high"] = tested["ci_high"].reindex(acts).astype("float64") if len(tested) else np.nan
    q = tested["q"].reindex(acts).astype("float64") if len(tested) else pd.Series(np.nan, index=acts)
    mood_part = (t["mood_diff"].clip(-2, 2) / 4 + 0.5) * np.where(q < 0.2, 1.0, 0.5)
    mood_part = mood_part.where(t["mood_diff"].notna(), 0.25)
    parts = pd.DataFrame({
        "mood": mood_part,
        "reward": ((t["mastery"].fillna(0) + t["pleasure"].fillna(0)) / 20).clip(0, 1),
        "low_effort": (1 - t["effort"] / 10).fillna(0.5).clip(0, 1),
        "room": (1 - t["per_week"] / 7).clip(0, 1),
        "neglected": (1 - t["category"].map(share).astype("float64") / share.max()).fillna(0.5)
        if len(share) else 0.5,
    }, index=acts)
    t["score"] = sum(WEIGHTS[k] * parts[k] for k in WEIGHTS)
    # never suggested: an activity that went with lower mood, or one in the low-mastery and
    # low-pleasure corner (both rated under LOW of 10): more of it is not activation
    lower_mood = (t["mood_diff"] < 0).fillna(False).astype(bool)
    low_corner = ((t["mastery"] < LOW) & (t["pleasure"] < LOW)).fillna(False).astype(bool)
    t = t[~(lower_mood | low_corner)]

    # graded first steps for plans that keep being skipped
    av = _avoidance(df)
    sk = av["skipped"]
    sk = sk[(sk["by"] == "activity") & (sk["planned"] >= 2) & (sk["skipped_share"] >= skip_share)]
    sk = sk.set_index("level")
    best_hour = _better_hour(av["mood_by_time"])
    t["suggestion"] = "schedule more"
    graded = t.index.isin(sk.index)
    t.loc[graded, "suggestion"] = "graded first step"
    t["suggested_minutes"] = np.nan
    t.loc[graded, "suggested_minutes"] = (minutes.reindex(t.index[graded]).fillna(30) / 2 / 5).round().clip(
        lower=1) * 5
    t["suggested_time"] = pd.Series(pd.NA, index=t.index, dtype="str")
    if best_hour is not None:
        t.loc[graded, "suggested_time"] = f"{best_hour:02d}:00"
    t["score"] = t["score"] + np.where(graded, 0.1, 0.0)
    t["reason"] = _reasons(t, sk, share, best_hour)
    t = t.sort_values(["score", "pleasure"], ascending=False, kind="stable").head(n)
    t = t.reset_index(names="activity")
    t["rank"] = np.arange(1, len(t) + 1)
    return _typed(t[cols])


def _typed(t: pd.DataFrame) -> pd.DataFrame:
    """*t* with the dtypes of the suggestion table."""
    return t.astype({"rank": "int64", "activity": "str", "category": "str", "suggestion": "str",
                     "reason": "str", "score": "float64", "mood_diff": "float64", "mood_ci_low": "float64",
                     "mood_ci_high": "float64", "mastery": "float64", "pleasure": "float64",
                     "effort": "float64", "per_week": "float64", "suggested_minutes": "float64",
                     "suggested_time": "str"})


def _better_hour(mood_by_time: pd.DataFrame) -> int | None:
    """The earliest of the client's three best-mood hours (of ``avoidance(...)["mood_by_time"]``)."""
    hours = mood_by_time[mood_by_time["by"] == "hour"]
    if hours.empty:
        return None
    top = hours.nlargest(3, "mood_mean")["level"].str.slice(0, 2).astype(int)
    return int(top.min())


def _reasons(t: pd.DataFrame, sk: pd.DataFrame, share: pd.Series, best_hour) -> pd.Series:
    """The one-line reason of each candidate in *t*."""
    def fmt(x, d=1):
        """*x* with *d* decimals."""
        return f"{x:.{d}f}"

    out = []
    for act, r in t.iterrows():  # a handful of candidate activities, not rows of the log
        bits = []
        if r["suggestion"] == "graded first step":
            s = sk.loc[act]
            step = f"Planned {int(s['planned'])} times, done {int(s['planned'] - s['skipped'])}: try a smaller " \
                   f"first step, about {int(r['suggested_minutes'])} minutes"
            if best_hour is not None:
                step += f" at {best_hour:02d}:00, when your mood is usually better"
            bits.append(step)
        if pd.notna(r["mood_diff"]):
            bits.append(f"mood {'+' if r['mood_diff'] >= 0 else ''}{fmt(r['mood_diff'])} on days with it "
                        f"(95% CI {fmt(r['mood_ci_low'])} to {fmt(r['mood_ci_high'])})")
        if pd.notna(r["mastery"]) and pd.notna(r["pleasure"]):
            bits.append(f"mastery {fmt(r['mastery'])}, pleasure {fmt(r['pleasure'])} of 10")
        if pd.notna(r["effort"]) and r["effort"] <= 4:
            bits.append("low effort")
        if pd.notna(r["per_week"]):
            bits.append(f"done {fmt(r['per_week'])}× a week so far")
        if isinstance(r["category"], str) and r["category"] in share.index and share[r["category"]] < 0.1:
            bits.append(f"{r['category']} is only {share[r['category']]:.0%} of your entries")
        text = "; ".join(bits)
        out.append(text[:1].upper() + text[1:] + ("." if text else ""))
    return pd.Series(out, index=t.index, dtype="str")
