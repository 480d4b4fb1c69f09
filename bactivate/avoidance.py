"""Avoidance patterns: how much of the week is avoidance, when, and what comes before it.

In BA, avoidance (staying in bed, scrolling, cancelling plans) brings short
relief and keeps mood low. :func:`avoidance` collects what a clinician looks
for in one client's log, as a dict of tidy frames:

* ``"by_week"``: share of entries and of logged hours that were avoidance;
* ``"by_hour"``: avoidance share and mean mood by weekday x hour of day;
* ``"skipped"``: planned activities not done, by activity and by time of day;
* ``"mood_by_time"``: mean mood by hour of day and by weekday, with CIs
  (t-intervals of the mean, clipped to the 0-10 scale), against the client's
  own average;
* ``"low_mood"``: of those, the hours and weekdays when mood is reliably
  below that average (the whole interval below it), lowest first;
* ``"before"``: what the client was doing in the entry just before avoidance
  entries, compared with how common that activity is overall.

>>> import bactivate as ba
>>> log = ba.synth.client(weeks=6, seed=1)
>>> sorted(ba.avoidance(log))
['before', 'by_hour', 'by_week', 'low_mood', 'mood_by_time', 'skipped']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bactivate._clients import one_client
from bactivate._grouped import grouped_mean_ci
from bactivate._log import WEEKDAYS, happened, recorded, require, with_calendar

#: Parts of the day used for skipped plans: (name, start hour, inclusive), from midnight. Each
#: part lasts until the next one starts; the last runs to midnight.
DAYPARTS = (("night", 0), ("morning", 5), ("afternoon", 12), ("evening", 17), ("night", 22))

#: the parts in the day's order, morning first (the categories of :func:`daypart`)
_DAYPART_ORDER = list(dict.fromkeys(name for name, _ in DAYPARTS[1:] + DAYPARTS[:1]))


def daypart(hour: pd.Series) -> pd.Series:
    """The part of the day of each hour, from :data:`DAYPARTS`.

    Morning (5-12h), afternoon (12-17h), evening (17-22h) or night (22-5h).

    Parameters
    ----------
    hour : pandas.Series
        Hours of the day (0-23); missing hours stay missing.

    Returns
    -------
    pandas.Series
        An ordered categorical (morning, afternoon, evening, night) with the index of *hour*.

    Examples
    --------
    >>> import pandas as pd
    >>> daypart(pd.Series([4, 5, 12, 21, 22, None])).astype(object).tolist()
    ['night', 'morning', 'afternoon', 'evening', 'night', nan]
    """
    h = hour.astype("float64")
    names = [name for name, _ in DAYPARTS]
    out = np.select([h < start for _, start in DAYPARTS[1:]], names[:-1], default=names[-1])
    out = pd.Series(out, index=hour.index).where(h.notna())
    return pd.Series(pd.Categorical(out, categories=_DAYPART_ORDER, ordered=True), index=hour.index)


def avoidance(log: pd.DataFrame, *, ci: float = 0.95, min_ratings: int = 3, min_entries: int | None = None,
              week_start=None, weeks_from: str = "auto") -> dict[str, pd.DataFrame]:
    """Avoidance share, skipped plans, low-mood hours and what precedes avoidance.

    Avoidance is the ``avoidance`` column; entries with it missing count as
    not avoidance, but a log that records no avoidance at all (every value
    missing, see :func:`bactivate.recorded`) has every avoidance count and
    share ``<NA>``: missing is not zero. Skipped plans (planned, not done)
    did not happen: they are counted only in ``"skipped"``. Weeks are the
    client's (:func:`bactivate._log.with_calendar`): the week sheets'
    numbers, else calendar weeks from *week_start* (default Monday).

    Parameters
    ----------
    log : pandas.DataFrame
        The tidy log of one client. A log with several clients is an error
        (``ValueError``): one person's hours and averages are never pooled
        with another's; call it on each client's rows.
    ci : float, default 0.95
        Confidence level for the mood intervals.
    min_ratings : int, default 3
        Hours and weekdays with fewer mood ratings (entries with a mood) are
        left out of ``"mood_by_time"`` and ``"low_mood"``.
    min_entries : int, optional
        The former name of *min_ratings*; when given, it is used instead.
    week_start : str, int, date-like or None, default None
        The day calendar weeks start on ("Mon", "Sunday", a date); None is Monday.
    weeks_from : {"auto", "sheet", "calendar", "first day"}, default "auto"
        How weeks are numbered (see ``with_calendar``).

    Returns
    -------
    dict of str to pandas.DataFrame
        * ``"by_week"``, one row per week: ``week`` (int64), ``week_label``
          (str, "Week 2, 9-15 Mar"), ``start_day``, ``end_day`` (the week's
          first and last day, cut to the logged days), ``entries``,
          ``avoidance_entries`` (int64; Int64 ``<NA>`` when avoidance is not
          recorded), ``hours``, ``avoidance_hours`` (summed where start and
          end are known), ``avoidance_share`` (of entries),
          ``avoidance_hours_share`` (of hours);
        * ``"by_hour"``, one row per weekday and hour with entries (rows whose
          time is unknown left out): ``weekday`` (ordered categorical, Mon
          first), ``hour`` (int64), ``entries``, ``avoidance_share``,
          ``mood_mean``, ``mood_n`` (rows with a mood);
        * ``"skipped"``, planned activities by ``activity`` and by ``time of day``
          (:data:`DAYPARTS`): ``by``, ``level``, ``planned``, ``skipped`` (int64),
          ``skipped_share``; most often skipped first;
        * ``"mood_by_time"``, by ``hour`` ("09:00", rows whose time is unknown
          left out) and by ``weekday``, each with at least *min_ratings*
          ratings (one per entry: the rows of an entry share its mood):
          ``by``, ``level``, ``mood_n``, ``mood_mean``, ``mood_ci_low``,
          ``mood_ci_high`` (the *ci* t-interval of the mean, clipped to
          0-10), ``vs_average`` (mean minus the client's average mood over
          all entries), ``below_average`` (the interval's upper end is below
          that average); hours in clock order, then weekdays Mon to Sun;
        * ``"low_mood"``, the rows of ``"mood_by_time"`` that are reliably
          below the average (``below_average``), lowest mean mood first;
          ``attrs``: ``min_ratings``, ``ci``, ``interval`` (how the interval
          is computed) and ``average`` (the client's average mood);
        * ``"before"``, the activity of the entry just before each avoidance
          entry on the same day: ``activity_before``, ``followed_by_avoidance``,
          ``times`` (int64), ``share_followed_by_avoidance``, ``vs_average``
          (that share minus the avoidance share of all entries that follow
          another on the same day); activities never followed by avoidance left out.

        Every frame's ``attrs["not_recorded"]`` lists the fields it needs that
        the log does not record (of "avoidance", "planned", "done", "mood",
        "time_of_day").

    Examples
    --------
    >>> import bactivate as ba
    >>> log = ba.synth.client(weeks=6, seed=1)
    >>> res = ba.avoidance(log)
    >>> {name: frame.shape for name, frame in res.items()}
    {'by_week': (6, 10), 'by_hour': (56, 6), 'skipped': (16, 5), 'mood_by_time': (15, 8), \
'low_mood': (2, 8), 'before': (15, 5)}
    >>> res["by_week"][["week", "week_label", "entries", "avoidance_share"]].head(3).round(2)
       week         week_label  entries  avoidance_share
    0     1    Week 1, 2-8 Mar       46             0.17
    1     2   Week 2, 9-15 Mar       52             0.12
    2     3  Week 3, 16-22 Mar       53             0.00
    >>> res["low_mood"][["by", "level", "mood_n", "mood_mean", "mood_ci_high"]].round(2)
         by  level  mood_n  mood_mean  mood_ci_high
    0  hour  07:00      39       3.69          4.34
    1  hour  09:00      40       3.90          4.52
    >>> round(res["low_mood"].attrs["average"], 2), res["low_mood"].attrs["min_ratings"]
    (4.55, 3)
    >>> diary = ba.avoidance(log.assign(avoidance=pd.NA))
    >>> bool(diary["by_week"]["avoidance_share"].isna().all()), diary["by_week"].attrs["not_recorded"]
    (True, ['avoidance'])
    """
    require(log, ("start", "end", "activity", "mood", "avoidance", "planned", "done"), "avoidance()")
    one_client(log, "avoidance()", "call it on each client's rows (the hours, weekdays and averages are "
               "one person's): {c: ba.avoidance(rows) for c, rows in log.groupby('client')}")
    min_ratings = int(min_entries if min_entries is not None else min_ratings)
    rec = recorded(log)
    missing = [f for f in ("avoidance", "planned", "done", "mood", "time_of_day") if not rec[f]]
    df = with_calendar(log[log["start"].notna()], week_start, weeks_from=weeks_from)
    did = happened(df)
    avoid = did["avoidance"].fillna(False).astype(bool)
    hours = ((did["end"] - did["start"]).dt.total_seconds() / 3600).where(lambda h: h >= 0)
    work = did.assign(avoid=avoid, hours=hours, avoid_hours=hours.where(avoid, 0.0).where(hours.notna()))

    g = work.groupby("week", observed=True)
    by_week = pd.DataFrame({
        "week_label": g["week_label"].first(),
        "start_day": g["week_first_day"].min(),
        "end_day": g["week_last_day"].max(),
        "entries": g.size(),
        "avoidance_entries": g["avoid"].sum(),
        "hours": g["hours"].sum(min_count=1),
        "avoidance_hours": g["avoid_hours"].sum(min_count=1),
    })
    by_week["avoidance_share"] = by_week["avoidance_entries"] / by_week["entries"]
    by_week["avoidance_hours_share"] = by_week["avoidance_hours"] / by_week["hours"]
    by_week = by_week.reset_index().astype({"week": "int64", "week_label": "str", "entries": "int64",
                                            "avoidance_entries": "int64"})

    by_hour = work.groupby(["weekday", "hour"], observed=True).agg(
        entries=("avoid", "size"), avoidance_share=("avoid", "mean"), mood_mean=("mood", "mean"),
        mood_n=("mood", "count")).reset_index()
    by_hour["hour"] = by_hour["hour"].astype("int64")
    # missing is not zero, judged on the rows these shares count (dated, happened): a log whose only
    # avoidance mark is on an undated row records no avoidance for any week
    if not did["avoidance"].notna().any():
        by_week["avoidance_entries"] = pd.array([pd.NA] * len(by_week), dtype="Int64")
        by_week[["avoidance_hours", "avoidance_share", "avoidance_hours_share"]] = np.nan
        by_hour["avoidance_share"] = np.nan

    skipped = _skipped(df)
    by_time = _mood_by_time(df, ci, min_ratings)
    low = by_time[by_time["below_average"]].sort_values(["mood_mean", "mood_n"], ascending=[True, False],
                                                        kind="stable").reset_index(drop=True)
    low.attrs = dict(by_time.attrs)
    before = _before(work)
    out = {"by_week": by_week, "by_hour": by_hour, "skipped": skipped, "mood_by_time": by_time,
           "low_mood": low, "before": before}
    needs = {"by_week": ("avoidance",), "by_hour": ("avoidance", "mood", "time_of_day"),
             "skipped": ("planned", "done", "time_of_day"), "mood_by_time": ("mood", "time_of_day"),
             "low_mood": ("mood", "time_of_day"), "before": ("avoidance",)}
    for name, frame in out.items():
        frame.attrs["not_recorded"] = [f for f in needs[name] if f in missing]
    return out


def _skipped(df: pd.DataFrame) -> pd.DataFrame:
    """Planned activities and how often they were skipped, by activity and by part of the day."""
    plans = df[df["planned"].fillna(False).astype(bool)]
    plans = plans.assign(skipped=(plans["done"] == False).fillna(False).astype(bool),  # noqa: E712
                         part=daypart(plans["hour"]))
    rows = []
    for kind, key in (("activity", "activity"), ("time of day", "part")):
        g = plans[plans[key].notna()].groupby(key, observed=True)
        t = pd.DataFrame({"planned": g.size(), "skipped": g["skipped"].sum()})
        t["skipped_share"] = t["skipped"] / t["planned"]
        t = t.reset_index().rename(columns={key: "level"})
        t.insert(0, "by", kind)
        t["level"] = t["level"].astype("str")
        rows.append(t)
    out = pd.concat(rows, ignore_index=True)
    out = out.astype({"by": "str", "level": "str", "planned": "int64", "skipped": "int64",
                      "skipped_share": "float64"})
    return out.sort_values(["by", "skipped_share", "planned"], ascending=[True, False, False],
                           kind="stable").reset_index(drop=True)


def _mood_by_time(df: pd.DataFrame, ci: float, min_ratings: int) -> pd.DataFrame:
    """Mean mood by hour and by weekday (one rating per entry), with CIs, against the client's average."""
    rated = df[df["mood"].notna()]
    if "entry" in rated.columns:  # the rows of one entry share its mood: one rating
        keys = ["client", "entry"] if "client" in rated.columns else ["entry"]
        rated = rated[~(rated.duplicated(keys) & rated["entry"].notna()).to_numpy(bool)]
    overall = float(rated["mood"].mean()) if len(rated) else np.nan
    parts = []
    for kind, key in (("hour", "hour"), ("weekday", "weekday")):
        t = grouped_mean_ci(rated, key, "mood", ci).sort_index().reset_index().rename(columns={key: "level"})
        # a mean of 0-10 ratings lies in 0-10, and so does its interval (few, spread ratings
        # give a raw t-interval past 0 or 10)
        t[["mood_ci_low", "mood_ci_high"]] = t[["mood_ci_low", "mood_ci_high"]].clip(0.0, 10.0)
        t = t[t["mood_n"] >= min_ratings]
        t["level"] = t["level"].astype("str")
        if kind == "hour":
            t["level"] = t["level"].str.zfill(2) + ":00"
        t.insert(0, "by", kind)
        parts.append(t)
    out = pd.concat(parts, ignore_index=True)
    out["vs_average"] = out["mood_mean"] - overall
    out["below_average"] = (out["mood_ci_high"] < overall).fillna(False).astype(bool)
    out = out.astype({"by": "str", "level": "str", "mood_n": "int64", "below_average": "bool"})
    out.attrs = {"min_ratings": min_ratings, "ci": ci, "average": overall,
                 "interval": f"{ci:.0%} t-interval of the mean mood (one rating per entry), clipped to 0-10"}
    return out


def _before(work: pd.DataFrame) -> pd.DataFrame:
    """What was done in the entry just before each avoidance entry (same day)."""
    w = work.sort_values(["client", "start"], kind="stable")
    same_day = w["client"].eq(w["client"].shift()) & w["day"].eq(w["day"].shift())
    prev = w["activity"].shift().where(same_day)
    prev_avoid = w["avoid"].shift().where(same_day)
    pairs = pd.DataFrame({"before": prev, "before_avoidance": prev_avoid, "avoid": w["avoid"]})
    pairs = pairs[pairs["before"].notna()]
    g = pairs.groupby("before")
    out = pd.DataFrame({"followed_by_avoidance": g["avoid"].sum().astype("int64"),
                        "times": g.size().astype("int64")})
    out["share_followed_by_avoidance"] = out["followed_by_avoidance"] / out["times"]
    base = pairs["avoid"].mean() if len(pairs) else np.nan
    out["vs_average"] = out["share_followed_by_avoidance"] - base
    out = out.reset_index().rename(columns={"before": "activity_before"})
    out["activity_before"] = out["activity_before"].astype("str")
    out = out[out["followed_by_avoidance"] > 0]
    return out.sort_values(["followed_by_avoidance", "share_followed_by_avoidance"], ascending=False,
                           kind="stable").reset_index(drop=True)


__all__ = ["avoidance", "daypart", "WEEKDAYS"]
