"""Next micro-goals: a short ranked list of activities to schedule next week, each with its reason.

Graded task assignment starts from what already works for the client. Each
candidate gets a score from five parts, all on 0-1, with fixed, documented weights:

====================  ======  ==========================================================
part                  weight  from
====================  ======  ==========================================================
mood                  0.35    ``mood_by_activity`` difference (tested ones only), halved
                              unless q < 0.2; clipped to +-2 points (0.25 when untested)
reward                0.25    mean mastery + mean pleasure, over 20
low effort            0.15    1 - mean effort / 10 (0.5 when effort is not logged)
room to grow          0.10    1 - times per week / 7
neglected life area   0.15    1 - the life area's share of entries / the largest share;
                              with a values map, averaged with the value's importance / 10
====================  ======  ==========================================================

Rules a clinician would sign, applied before the score:

* never suggested: an activity marked as avoidance (at least half the times it
  was done), one whose name reads as avoidance (:data:`AVOIDANCE_LIKE`: "Stay in
  bed", "Nap on the sofa", "Scrolling", the tag "stayinbed") unless the log marks it as not
  avoidance, one rated under :data:`LOW` for both mastery and pleasure, and one
  whose days had lower mood (a negative difference from
  :func:`bactivate.mood_by_activity`);
* one suggestion per activity: names that look like one activity ("Food shop",
  "food shopping", :func:`bactivate._names.look_alike`) give one suggestion, under
  the more frequent name;
* with less than :data:`EARLY_DAYS` days logged it is early: mood differences are
  not used (too few days to compare), and the list draws on the client's life
  areas and values, the ones not yet served first;
* the list mixes activities for a sense of achievement (mastery) and for
  enjoyment (pleasure), and holds one from a neglected life area (or an
  important value with few entries) when there is one; ``attrs["notes"]`` says so.

Planned activities that keep being skipped (at least half of at least two plans)
get a *graded first step* drawn from the client's own record of that activity:
half its usual length (a quarter when it was done at most a quarter of the times
planned), at most :data:`STEP_MINUTES`, or one part of it when its length is unknown; at
the weekday and time of day the client did it before, else when the client most
often gets planned things done, else at their better-mood hour; the reason says
which. This is a transparent heuristic to start a conversation, not a
prescription; the clinician and client decide.

>>> import bactivate as ba
>>> ba.suggest_next(ba.synth.client(weeks=6, seed=1), n=3)["rank"].tolist()
[1, 2, 3]
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from bactivate._clients import one_client
from bactivate._log import recorded, require, with_calendar
from bactivate._names import look_alike
from bactivate.avoidance import avoidance as _avoidance
from bactivate.balance import balance
from bactivate.mood import TESTED, mood_by_activity

WEIGHTS = {"mood": 0.35, "reward": 0.25, "low_effort": 0.15, "room": 0.10, "neglected": 0.15}
#: Mastery and pleasure both under this (0-10): the low corner, never suggested.
LOW = 3.0
#: Fewer days logged than this: early, suggestions come from life areas and values, not mood.
EARLY_DAYS = 7
#: A life area (or value) with less than this share of the entries is neglected.
NEGLECTED_SHARE = 0.10
#: Names that read as avoidance: never suggested unless the log marks the activity as not avoidance.
AVOIDANCE_LIKE = re.compile(
    r"(?i)\b(?:(?:stay(?:ed|ing|s)?|lying|lay|lie|lied|laying) (?:in|on) (?:the |my )?(?:bed|sofa|couch)"
    r"|in bed|lie[- ]?in|lay[- ]?in|naps?|napping|scroll\w*|doom\w*|social media|cancel\w*"
    r"|skip(?:ped|ping)?|avoid\w*|procrastinat\w*|binge\w*|snooz\w*|sle(?:ep|pt)(?:ing)? in"
    r"|all (?:day|afternoon|evening|morning|night))\b")
#: The same, for names written without spaces (app tags: "stayinbed", "naponthesofa").
AVOIDANCE_LIKE_TAG = re.compile(r"(?i)^(?:naps?\b|napping)|inbed|on(?:the|my)?(?:sofa|couch)|lie-?in|lay-?in|scroll"
                                r"|doom|socialmedia|procrastinat|snooz|sle(?:ep|pt)(?:ing)?in|cancel|avoid|binge")
#: The longest graded first step (minutes): small enough to be hard to fail.
STEP_MINUTES = 30
#: Parts of the day a graded step is placed in (hour from which each starts).
PARTS = {"morning": 5, "afternoon": 12, "evening": 17}
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

COLUMNS = ["rank", "activity", "category", "suggestion", "reason", "score", "mood_diff", "mood_ci_low",
           "mood_ci_high", "mastery", "pleasure", "effort", "per_week", "kind", "suggested_minutes",
           "suggested_day", "suggested_time"]
GRADED, MORE, VALUE = "graded first step", "schedule more", "try for a value"
#: "(95% CI 0.2 to 2.3)" in a reason: kept for the clinician, left out for the client.
CI_IN_TEXT = r"\s*\(95% CI [^)]*\)"


def without_intervals(reasons: pd.Series) -> pd.Series:
    """The reasons without their intervals, for the client ("... 1.2 points higher (95% CI ...)" ->
    "... 1.2 points higher").

    >>> without_intervals(pd.Series(["Mood 1.2 points higher (95% CI 0.3 to 2.1), and more."])).tolist()
    ['Mood 1.2 points higher, and more.']
    """
    return reasons.astype("str").str.replace(CI_IN_TEXT, "", regex=True)


def suggest_next(log: pd.DataFrame, n: int = 5, *, min_days: int = 3, skip_share: float = 0.5,
                 seed: int | None = 0, early_days: int = EARLY_DAYS) -> pd.DataFrame:
    """Rank activities to schedule next, each with one plain sentence of reasons from the numbers.

    The rules, the score and its weights are in the module docstring
    (:data:`WEIGHTS`). The mood numbers in the reasons are those of
    :func:`bactivate.mood_by_activity` with the same *min_days*, so they match the
    report's mood table.

    Parameters
    ----------
    log : pandas.DataFrame
        The tidy log of one client (several clients are a ``ValueError``: call it
        on each client's rows). A values map read with ``read_log(...,
        values=...)`` (``attrs["values"]``) adds its values' importance and the
        activities it names for values the log does not serve yet.
    n : int, default 5
        How many suggestions.
    min_days : int, default 3
        Passed to :func:`bactivate.mood_by_activity`.
    skip_share : float, default 0.5
        Planned activities skipped at least this often (of at least two plans)
        get a graded first step.
    seed : int or None, default 0
        Passed to :func:`bactivate.mood_by_activity` (kept for compatibility:
        its intervals come from one model, with no resampling).
    early_days : int, default 7
        With fewer days logged, it is early: no mood differences are used.

    Returns
    -------
    pandas.DataFrame
        One row per suggestion, best first (empty, with these columns, for a
        log with no dated activities):

        * ``rank`` (int64): 1, 2, ...;
        * ``activity``, ``category`` (str): the activity and its life area (value);
        * ``suggestion`` (str): ``"schedule more"``, ``"graded first step"`` or
          ``"try for a value"`` (an activity the values map names for a value
          the log does not serve yet);
        * ``reason`` (str): one sentence drawn from the numbers below;
        * ``score``: 0-1 (+0.1 for a graded first step);
        * ``mood_diff``, ``mood_ci_low``, ``mood_ci_high``: mood on days with it
          minus days without, with its interval (tested activities only, else NaN);
        * ``mastery``, ``pleasure``, ``effort``: mean ratings (0-10);
        * ``per_week``: times done per week so far (0 when only planned);
        * ``kind`` (str): ``"mastery"``, ``"pleasure"`` (one rated at least a
          point above the other) or ``"both"``; missing without ratings;
        * ``suggested_minutes``: for a graded step, half its usual length (a
          quarter when hardly ever done), at most :data:`STEP_MINUTES`, in 5
          minutes (NaN otherwise, or when its length is unknown);
        * ``suggested_day`` (str), ``suggested_time`` (str, "10:00"): for a
          graded step where to put it; for others when the client usually does
          it; missing when the log does not tell.

        ``attrs["notes"]`` holds plain sentences about the list as a whole (it
        is early; it mixes mastery and pleasure; a neglected life area; values
        with no activity named); ``attrs["early"]`` is True when it is early.

    Examples
    --------
    >>> import bactivate as ba
    >>> top = ba.suggest_next(ba.synth.client(weeks=6, seed=1), n=3)
    >>> top[["rank", "activity", "suggestion", "kind"]]
       rank           activity         suggestion      kind
    0     1  Lunch with family  graded first step  pleasure
    1     2           Meditate      schedule more      both
    2     3   Walk in the park      schedule more  pleasure
    >>> top["reason"].iloc[1]
    'You rated it 5.5 for mastery and 6.0 for pleasure, it takes little effort, you did it twice in 6 weeks, and Spirituality is only 1% of your entries.'
    """
    require(log, ("start", "end", "activity", "category", "mastery", "pleasure", "effort", "mood",
                  "planned", "done", "avoidance"), "suggest_next()")
    one_client(log, "suggest_next()", "call it on each client's rows (ideas come from one person's "
               "record): {c: ba.suggest_next(rows) for c, rows in log.groupby('client')}")
    df = log[log["start"].notna() & log["activity"].notna()]
    if df.empty:
        return _typed(pd.DataFrame(columns=COLUMNS))
    # one client's names as text (counts of a category column would list every name of a cohort)
    df = df.assign(activity=df["activity"].astype("str"), category=df["category"].astype("str"))
    cal = with_calendar(df)
    skipped = (cal["planned"].fillna(False).astype(bool) & (cal["done"] == False)).fillna(False)  # noqa: E712
    did = ~skipped.to_numpy(dtype=bool)
    days_logged = int(cal["day"].nunique())
    early = days_logged < early_days
    values = _values_map(log)
    t = _activity_table(df, cal, did)
    share = cal.loc[did, "category"].value_counts(normalize=True)
    mood = _mood(df, min_days, seed) if not early and recorded(df).get("mood") else None
    t = _with_mood(t, mood)
    t["importance"] = t["category"].map(values.set_index("value")["importance"]) if len(values) else np.nan
    t = t[_allowed(t)]
    t = pd.concat([t, _value_candidates(values, t, share)]) if len(values) else t
    t = _scored(t, share)
    _graded_steps(t, cal, did, skip_share)
    t = t[(t["suggestion"] != MORE) | (t["times"] > 0)]  # "more" of what was never done: not a reason
    picked, notes = _pick(t, n, share, values)
    picked["reason"] = _reasons(picked, share)
    picked = picked.reset_index(names="activity")
    picked["rank"] = np.arange(1, len(picked) + 1)
    out = _typed(picked[COLUMNS])
    if early:
        notes.insert(0, f"It is early ({days_logged} {'day' if days_logged == 1 else 'days'} logged): "
                        "these ideas come from your ratings, life areas and values, not yet from how "
                        "your mood went (that needs about a week).")
    out.attrs["notes"] = notes
    out.attrs["early"] = early
    return out


def _typed(t: pd.DataFrame) -> pd.DataFrame:
    """*t* with the dtypes of the suggestion table."""
    floats = ["score", "mood_diff", "mood_ci_low", "mood_ci_high", "mastery", "pleasure", "effort",
              "per_week", "suggested_minutes"]
    text = ["activity", "category", "suggestion", "reason", "kind", "suggested_day", "suggested_time"]
    return t.astype({"rank": "int64", **dict.fromkeys(floats, "float64"), **dict.fromkeys(text, "str")})


def _values_map(log: pd.DataFrame) -> pd.DataFrame:
    """The values map of ``attrs["values"]`` as ``value, importance, activities`` (lists), or empty."""
    vm = log.attrs.get("values")
    if not isinstance(vm, pd.DataFrame) or vm.empty or "value" not in vm.columns:
        return pd.DataFrame({"value": pd.Series(dtype="str"), "importance": pd.Series(dtype="float64"),
                             "activities": pd.Series(dtype="object")})
    acts = vm["activities"] if "activities" in vm.columns else pd.Series([[]] * len(vm), index=vm.index)
    acts = acts.map(lambda a: [x.strip() for x in a.split(";") if x.strip()] if isinstance(a, str)
                    else [] if a is None or (np.ndim(a) == 0 and pd.isna(a)) else list(a))
    imp = vm["importance"] if "importance" in vm.columns else np.nan
    return pd.DataFrame({"value": vm["value"].astype("str"), "importance": pd.to_numeric(imp),
                         "activities": acts}).reset_index(drop=True)


def _activity_table(df: pd.DataFrame, cal: pd.DataFrame, did: np.ndarray) -> pd.DataFrame:
    """One row per activity: life area, ratings, times done, plans and how they went."""
    act = cal["activity"]
    done_rows = cal[did]
    bal = balance(df, by="activity").set_index("activity")
    pairs = cal[["activity", "category"]].dropna().value_counts()  # most common life area first
    cat = pairs.reset_index().drop_duplicates("activity").set_index("activity")["category"]
    planned = cal["planned"].fillna(False).astype(bool)
    t = pd.DataFrame(index=pd.Index(act.unique(), name=None))
    t["category"] = cat.reindex(t.index)
    t["mastery"] = bal["mastery_mean"].reindex(t.index)
    t["pleasure"] = bal["pleasure_mean"].reindex(t.index)
    t["effort"] = done_rows.groupby("activity")["effort"].mean().reindex(t.index)
    t["times"] = done_rows.groupby("activity").size().reindex(t.index).fillna(0).astype("int64")
    t["per_week"] = bal["entries_per_week"].reindex(t.index).fillna(0.0)
    t["planned_n"] = planned.groupby(act).sum().reindex(t.index).astype("int64")
    t["planned_done"] = (planned & (cal["done"] == True).fillna(False)).groupby(act).sum() \
        .reindex(t.index).astype("int64")  # noqa: E712
    t["skipped_n"] = (planned & ~pd.Series(did, index=cal.index)).groupby(act).sum().reindex(t.index)
    t["avoid_share"] = done_rows["avoidance"].fillna(False).astype("float64").groupby(
        done_rows["activity"]).mean().reindex(t.index)
    t["avoid_marked"] = cal["avoidance"].notna().groupby(act).any().reindex(t.index)
    t["weeks"] = t["times"] / t["per_week"].where(t["per_week"] > 0)
    return t


def _mood(df: pd.DataFrame, min_days: int, seed) -> pd.DataFrame:
    """:func:`bactivate.mood_by_activity` of the tested activities, indexed by activity."""
    mba = mood_by_activity(df, min_days=min_days, seed=seed)
    return mba[mba["status"] == TESTED].set_index("activity")


def _with_mood(t: pd.DataFrame, mood: pd.DataFrame | None) -> pd.DataFrame:
    """*t* with the mood difference, its interval and q (NaN for untested activities)."""
    for col, src in (("mood_diff", "diff"), ("mood_ci_low", "ci_low"), ("mood_ci_high", "ci_high"),
                     ("mood_q", "q")):
        t[col] = mood[src].reindex(t.index).astype("float64") if mood is not None and len(mood) else np.nan
    return t


def _allowed(t: pd.DataFrame) -> np.ndarray:
    """Which activities may be suggested: not avoidance, not in the low corner, not lower mood."""
    marked = (t["avoid_share"] >= 0.5).fillna(False)
    # a name that reads as avoidance, unless the log marks that activity (as not avoidance)
    written = t.index.to_series()
    names = written.str.contains(AVOIDANCE_LIKE).fillna(False) | (
        ~written.str.contains(r"\s", regex=True) & written.str.contains(AVOIDANCE_LIKE_TAG)).fillna(False)
    like = names & ~t["avoid_marked"].fillna(False).astype(bool)
    low_corner = ((t["mastery"] < LOW) & (t["pleasure"] < LOW)).fillna(False)
    lower_mood = (t["mood_diff"] < 0).fillna(False)
    return ~(marked | like | low_corner | lower_mood).to_numpy(dtype=bool)


def _value_candidates(values: pd.DataFrame, t: pd.DataFrame, share: pd.Series) -> pd.DataFrame:
    """Activities the values map names for values the log does not serve yet ('try for a value')."""
    served = set(share.index)
    rows = []
    for v in values.itertuples():  # the client's few values
        if v.value in served:
            continue
        for a in v.activities:
            if a not in t.index and not AVOIDANCE_LIKE.search(a):
                rows.append({"activity": a, "category": v.value, "importance": v.importance, "times": 0,
                             "per_week": 0.0, "planned_n": 0, "planned_done": 0, "skipped_n": 0})
                break  # one activity per value
    if not rows:
        return t.iloc[:0]
    out = pd.DataFrame(rows).set_index("activity")
    out["from_values"] = True
    return out


def _scored(t: pd.DataFrame, share: pd.Series) -> pd.DataFrame:
    """*t* with ``score`` (module docstring) and ``suggestion`` ("schedule more" or "try for a value")."""
    t = t.copy()
    q = t["mood_q"]
    mood_part = (t["mood_diff"].clip(-2, 2) / 4 + 0.5) * np.where(q < 0.2, 1.0, 0.5)
    neglected = 1 - t["category"].map(share).astype("float64").fillna(0.0) / share.max() \
        if len(share) else pd.Series(0.5, index=t.index)
    neglected = neglected.where(t["category"].notna(), 0.5)
    with_importance = (neglected + t["importance"] / 10) / 2
    neglected = with_importance.where(t["importance"].notna(), neglected)
    rated = t["mastery"].notna() | t["pleasure"].notna()
    parts = pd.DataFrame({
        "mood": mood_part.where(t["mood_diff"].notna(), 0.25),
        "reward": ((t["mastery"].fillna(0) + t["pleasure"].fillna(0)) / 20).clip(0, 1).where(rated, 0.5),
        "low_effort": (1 - t["effort"] / 10).fillna(0.5).clip(0, 1),
        "room": (1 - t["per_week"] / 7).clip(0, 1),
        "neglected": neglected.clip(0, 1),
    }, index=t.index)
    t["score"] = sum(WEIGHTS[k] * parts[k] for k in WEIGHTS)
    from_values = t["from_values"].fillna(False).astype(bool) if "from_values" in t.columns \
        else pd.Series(False, index=t.index)
    t["suggestion"] = np.where(from_values, VALUE, MORE)
    both = t["mastery"].notna() & t["pleasure"].notna()
    gap = t["mastery"] - t["pleasure"]
    t["kind"] = pd.Series(np.select([gap >= 1, gap <= -1], ["mastery", "pleasure"], "both"),
                          index=t.index).where(both)
    return t


def _graded_steps(t: pd.DataFrame, cal: pd.DataFrame, did: np.ndarray, skip_share: float) -> None:
    """Fill ``suggestion``, ``suggested_*`` and ``step_why`` of *t* in place (graded steps and usual times)."""
    # (an activity done more often without a plan than it was planned is not a hard task)
    unplanned = t["times"] - t["planned_done"]
    graded = (t["planned_n"] >= 2) & (t["skipped_n"] >= skip_share * t["planned_n"]) \
        & (unplanned < t["planned_n"])
    t.loc[graded, "suggestion"] = GRADED
    t["score"] = t["score"] + np.where(graded, 0.1, 0.0)
    t["suggested_minutes"] = np.nan
    t["suggested_day"] = pd.Series(pd.NA, index=t.index, dtype="str")
    t["suggested_time"] = pd.Series(pd.NA, index=t.index, dtype="str")
    t["step_why"] = pd.Series(pd.NA, index=t.index, dtype="str")
    t["usual_minutes"] = np.nan
    timed = cal[cal["hour"].notna()]
    timed_did = did[cal["hour"].notna().to_numpy(dtype=bool)]
    minutes = (cal["end"] - cal["start"]).dt.total_seconds() / 60
    fallback = _when_things_get_done(timed, timed_did)
    for act in t.index:  # a handful of candidate activities, not rows of the log
        mine = (timed["activity"] == act).to_numpy(dtype=bool)
        slot = _usual_slot(timed[mine & timed_did])
        if t.at[act, "suggestion"] != GRADED:
            if slot is not None:
                t.at[act, "suggested_day"], t.at[act, "suggested_time"] = slot[0], slot[1]
            continue
        own = cal["activity"] == act
        usual = minutes[own & pd.Series(did, index=cal.index)].median()
        if pd.isna(usual):
            usual = minutes[own].median()  # the length it was planned for
        t.at[act, "usual_minutes"] = usual
        if pd.notna(usual) and usual >= 10:
            # half its usual length, a quarter when it was hardly ever done, at most STEP_MINUTES
            part = 0.25 if t.at[act, "planned_done"] <= 0.25 * t.at[act, "planned_n"] else 0.5
            t.at[act, "suggested_minutes"] = max(5.0, min(5 * round(usual * part / 5), usual - 5, STEP_MINUTES))
        where = slot or fallback
        if where is not None:
            t.at[act, "suggested_day"], t.at[act, "suggested_time"], t.at[act, "step_why"] = where
    return None


def _part(hour) -> str:
    """The part of the day an hour is in."""
    return "morning" if PARTS["morning"] <= hour < PARTS["afternoon"] else \
        "afternoon" if PARTS["afternoon"] <= hour < PARTS["evening"] else "evening"


def _usual_slot(rows: pd.DataFrame) -> tuple[str, str, str] | None:
    """The weekday and time of day most of *rows* (one activity, done) fall on: (day, "HH:00", why)."""
    if rows.empty:
        return None
    day = rows["start"].dt.day_of_week.to_numpy()
    hours = rows["hour"].astype("int64").to_numpy()
    part = np.array([_part(h) for h in range(24)])[hours]
    slots = pd.DataFrame({"day": day, "part": part, "hour": hours, "mood": rows["mood"].to_numpy()})
    g = slots.groupby(["day", "part"]).agg(n=("hour", "size"), hour=("hour", "median"),
                                          mood=("mood", "mean"))
    best = g.sort_values(["n", "mood"], ascending=False, kind="stable").index[0]
    n = int(g.loc[best, "n"])
    name = _WEEKDAYS[best[0]]
    why = f"you did it {_times(n)} on a {name} {best[1]}" if n == 1 else \
        f"you did it {_times(n)} on {name} {best[1]}s"
    return name, f"{int(round(g.loc[best, 'hour'])):02d}:00", why


def _when_things_get_done(timed: pd.DataFrame, timed_did: np.ndarray) -> tuple[str, str, str] | None:
    """Where planned things most often get done (weekday and part of day, at least 2 plans), else
    the client's better-mood hour on their busiest weekday."""
    plans = timed["planned"].fillna(False).to_numpy(dtype=bool)
    if plans.sum() >= 2:
        p = timed[plans]
        part = np.array([_part(h) for h in range(24)])[p["hour"].astype("int64").to_numpy()]
        g = pd.DataFrame({"day": p["start"].dt.day_of_week.to_numpy(), "part": part,
                          "hour": p["hour"].astype("int64").to_numpy(), "done": timed_did[plans]})
        g = g.groupby(["day", "part"]).agg(n=("done", "size"), done=("done", "sum"), hour=("hour", "median"))
        g = g[(g["n"] >= 2) & (g["done"] >= 1)]
        if len(g):
            g["rate"] = g["done"] / g["n"]
            best = g.sort_values(["rate", "done"], ascending=False, kind="stable").index[0]
            r = g.loc[best]
            name = _WEEKDAYS[best[0]]
            return (name, f"{int(round(r['hour'])):02d}:00",
                    f"your plans for {name} {best[1]}s happened {int(r['done'])} of {int(r['n'])} times")
    hour = _better_hour(_avoidance(timed)["mood_by_time"]) if len(timed) else None
    if hour is None:
        return None
    busiest = int(timed["start"].dt.day_of_week.value_counts().index[0])
    return _WEEKDAYS[busiest], f"{hour:02d}:00", "when your mood is usually better"


def _better_hour(mood_by_time: pd.DataFrame) -> int | None:
    """The earliest of the client's three best-mood hours (of ``avoidance(...)["mood_by_time"]``)."""
    hours = mood_by_time[mood_by_time["by"] == "hour"]
    if hours.empty:
        return None
    top = hours.nlargest(3, "mood_mean")["level"].str.slice(0, 2).astype(int)
    return int(top.min())


def _pick(t: pd.DataFrame, n: int, share: pd.Series, values: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The *n* suggestions: best scores first, one per activity however written, at most two per
    life area while others wait, mastery and pleasure mixed, a neglected life area in; and notes."""
    order = t.sort_values(["score", "pleasure"], ascending=False, kind="stable")
    chosen: list[str] = []
    waiting: list[str] = []
    for act in order.index:  # candidate activities, best first
        if any(look_alike(act, c) for c in chosen + waiting):
            continue
        cat = order.at[act, "category"]
        if pd.notna(cat) and sum(order.loc[c, "category"] == cat for c in chosen) >= 2:
            waiting.append(act)
            continue
        chosen.append(act)
    chosen = (chosen + waiting)[:n]
    rest = [a for a in order.index if a not in chosen and not any(look_alike(a, c) for c in chosen)]
    notes = []
    kinds = order["kind"]
    if n >= 3 and len(chosen) >= 3:
        for want in ("mastery", "pleasure"):
            if not kinds.reindex(chosen).isin([want, "both"]).any():
                swap = [a for a in rest if kinds.get(a) in (want, "both")]
                if swap:
                    _swap_in(chosen, swap[0], order)
                    rest.remove(swap[0])
        if kinds.reindex(chosen).notna().any():
            notes.append("The list mixes activities that give a sense of achievement (mastery) with "
                         "ones you enjoy (pleasure): both lift mood.")
        neglected = set(share.index[share < NEGLECTED_SHARE]) | set(
            values.loc[values["importance"] >= 7, "value"]) - set(share.index[share >= NEGLECTED_SHARE])
        in_list = [a for a in chosen if order.at[a, "category"] in neglected]
        if neglected and not in_list:
            swap = [a for a in rest if order.at[a, "category"] in neglected]
            if swap:
                _swap_in(chosen, swap[0], order)
                in_list = [swap[0]]
        if in_list:
            areas = sorted({order.at[a, "category"] for a in in_list})
            notes.append(f"It includes {_and(areas)}, {'a life area' if len(areas) == 1 else 'life areas'} "
                         "with few entries so far.")
    unserved = [v.value for v in values.itertuples() if v.value not in share.index and not any(
        order.at[a, "category"] == v.value for a in chosen if a in order.index)]
    if unserved:
        notes.append(f"No activity is named yet for {_and(unserved)}: choose one together.")
    picked = order.loc[chosen].sort_values(["score", "pleasure"], ascending=False, kind="stable")
    return picked, notes


def _swap_in(chosen: list[str], new: str, order: pd.DataFrame) -> None:
    """Put *new* in place of the lowest-scored chosen activity that is not a graded step (in place)."""
    plain = [a for a in chosen if order.at[a, "suggestion"] != GRADED] or chosen
    chosen[chosen.index(min(plain, key=lambda a: order.at[a, "score"]))] = new


def _and(words: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    words = [str(w) for w in words]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _times(k: int) -> str:
    """'once', 'twice', '3 times'."""
    return {1: "once", 2: "twice"}.get(int(k), f"{int(k)} times")


def _how_often(r) -> str | None:
    """How often the activity was done, in words ('about twice a week', 'once in 3 weeks')."""
    if r["times"] == 0:
        return None
    if r["per_week"] >= 0.75:
        k = int(round(r["per_week"]))
        return f"you did it about {'once' if k == 1 else 'twice' if k == 2 else f'{k} times'} a week"
    weeks = int(round(r["weeks"])) if pd.notna(r["weeks"]) else None
    return f"you did it {_times(r['times'])}" + (f" in {weeks} weeks" if weeks and weeks > 1 else "")


def _reasons(t: pd.DataFrame, share: pd.Series) -> pd.Series:
    """The one-sentence reason of each suggestion in *t*."""
    def fmt(x):
        return f"{x:.1f}"

    out = []
    for _, r in t.iterrows():  # the few suggestions, not rows of the log
        bits = []
        if r["suggestion"] == VALUE:
            imp = f" ({r['importance']:.0f} of 10)" if pd.notna(r["importance"]) else ""
            bits.append(f"you said {r['category']} matters to you{imp} and it has no activity in your log yet")
        if r["suggestion"] == GRADED:
            done = int(r["planned_done"])
            step = f"planned {_times(r['planned_n'])} and done {'never' if done == 0 else _times(done)}"
            other = int(r["times"]) - done
            if other > 0:
                step += f" (and {_times(other)} without planning it)"
            usual = 5 * round(r["usual_minutes"] / 5) if pd.notna(r["usual_minutes"]) else None
            size = f"about {r['suggested_minutes']:.0f} minutes rather than the usual {usual:.0f}" \
                if pd.notna(r["suggested_minutes"]) else "just the first part of it"
            step += f": try a smaller first step, {size}"
            if pd.notna(r["suggested_day"]):
                step += f", on {r['suggested_day']} at {r['suggested_time']} ({r['step_why']})"
            bits.append(step)
        if pd.notna(r["mood_diff"]):
            ci = f" (95% CI {fmt(r['mood_ci_low'])} to {fmt(r['mood_ci_high'])})"
            if r["mood_ci_low"] > 0:  # as the report's mood table says it: a clear difference
                bits.append(f"on days with it your mood was {fmt(r['mood_diff'])} points higher{ci}")
            elif r["mood_diff"] >= 0.05:
                bits.append(f"on days with it your mood was perhaps a little higher, by "
                            f"{fmt(r['mood_diff'])} points{ci}")
            else:
                bits.append(f"your mood was about the same on days with it{ci}")
        rated = [f"{fmt(r[m])} for {m}" for m in ("mastery", "pleasure") if pd.notna(r.get(m))]
        if rated:
            bits.append("you rated it " + " and ".join(rated))
        if pd.notna(r.get("effort")) and r["effort"] <= 4:
            bits.append("it takes little effort")
        if r["suggestion"] != GRADED:
            often = _how_often(r)
            if often:
                bits.append(often)
        cat = r["category"]
        if r["suggestion"] == MORE and isinstance(cat, str) and cat in share.index:
            if pd.notna(r.get("importance")) and r["importance"] >= 7:
                bits.append(f"{cat} matters to you ({r['importance']:.0f} of 10) and is "
                            f"{share[cat]:.0%} of your entries")
            elif share[cat] < NEGLECTED_SHARE:
                bits.append(f"{cat} is only {share[cat]:.0%} of your entries")
        text = bits[0] if len(bits) == 1 else ", ".join(bits[:-1]) + ", and " + bits[-1]
        out.append(text[:1].upper() + text[1:] + ".")
    return pd.Series(out, index=t.index, dtype="str")
