"""Progress week by week, its trend, and the small wins worth celebrating.

:func:`progress` gives one row per week (or day): activities logged, planned,
done, completion rate, mean mastery, pleasure and mood, avoidance share.
:func:`progress_trend` fits the change per week of each of those, with a CI.
:func:`small_wins` lists the moments for the client's timeline: planned
activities carried out, high-mastery and high-pleasure moments, first times.

>>> import bactivate as ba
>>> log = ba.synth.client(weeks=6, seed=1)
>>> weekly = ba.progress(log)
>>> weekly["week"].tolist()
[1, 2, 3, 4, 5, 6]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bactivate.common import happened, require, slope_ci, with_calendar
from bactivate.schema import AttrsFrame

MEASURES = ("activities", "planned", "done", "completion", "mastery", "pleasure", "mood", "avoidance_share")


def progress(log: pd.DataFrame, freq: str = "W") -> pd.DataFrame:
    """Week by week (``freq="W"``, weeks counted from the first logged day) or day by day (``"D"``).

    Returns one row per period: ``activities`` (entries that happened),
    ``planned``, ``done``, ``completion`` (done / planned), ``mastery``,
    ``pleasure``, ``mood`` (means), ``avoidance_share`` (of activities),
    ``days_logged``, and the period's first day. ``attrs["trend"]`` holds
    :func:`progress_trend` of the table.

    Examples
    --------
    >>> import bactivate as ba
    >>> weekly = ba.progress(ba.synth.client(weeks=6, seed=1))
    >>> bool(((weekly["completion"] >= 0) & (weekly["completion"] <= 1)).all())
    True
    """
    require(log, ("start", "mastery", "pleasure", "mood", "planned", "done", "avoidance"), "progress()")
    if freq not in ("W", "D"):
        raise ValueError(f"freq must be 'W' (weeks) or 'D' (days), not {freq!r}")
    df = with_calendar(log[log["start"].notna()])
    key = "week" if freq == "W" else "day"
    planned = df["planned"].fillna(False).astype(bool)
    did = happened(df)
    plans = df.assign(is_plan=planned, is_done=planned & df["done"].fillna(False).astype(bool))
    gp = plans.groupby(key, observed=True)
    gd = did.groupby(key, observed=True)
    out = pd.DataFrame({
        "start_day": gp["day"].min(),
        "days_logged": gp["day"].nunique(),
        "activities": gd["activity"].count().reindex(gp.size().index, fill_value=0),
        "planned": gp["is_plan"].sum(),
        "done": gp["is_done"].sum(),
    })
    out["completion"] = out["done"] / out["planned"].where(out["planned"] > 0)
    means = gd[["mastery", "pleasure", "mood"]].mean()
    out = out.join(means)
    avoid = did["avoidance"].fillna(False).astype("float64")
    out["avoidance_share"] = avoid.groupby(did[key], observed=True).mean()
    out = out.reset_index()
    if key == "week":
        out["week"] = out["week"].astype("int64")
    for c in ("days_logged", "activities", "planned", "done"):
        out[c] = out[c].astype("int64")
    out = out.sort_values(key, kind="stable").reset_index(drop=True)
    out.attrs = {"trend": AttrsFrame(progress_trend(out, per=key))}
    return out


def progress_trend(weekly: pd.DataFrame, per: str = "week", ci: float = 0.95) -> pd.DataFrame:
    """Change per week (or day) of each measure in a :func:`progress` table, OLS with CI.

    One row per measure: ``slope`` (units per week), ``slope_ci_low``,
    ``slope_ci_high``, ``slope_p``, ``n`` (periods), ``first`` and ``last``
    values, and ``direction`` in words ("rising", "falling", "no clear change")
    judged by whether the CI excludes 0.
    """
    x = weekly[per]
    if per == "day":
        x = (x - x.min()).dt.days / 7
    rows = []
    for m in MEASURES:
        if m not in weekly.columns:
            continue
        y = weekly[m].astype("float64")
        fit = slope_ci(x.to_numpy(dtype="float64"), y.to_numpy(), ci)
        ok = y.dropna()
        direction = ("rising" if fit["slope_ci_low"] > 0 else "falling" if fit["slope_ci_high"] < 0
                     else "no clear change")
        rows.append({"measure": m, **{k: v for k, v in fit.items() if k != "slope_n"}, "n": fit["slope_n"],
                     "first": ok.iloc[0] if len(ok) else np.nan,
                     "last": ok.iloc[-1] if len(ok) else np.nan, "direction": direction})
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    out = out.astype({"measure": "str", "direction": "str", "n": "int64"})
    out.attrs = {"description": f"OLS slope per week over {per}s, {ci:.0%} CI; few periods give wide CIs."}
    return out


def small_wins(log: pd.DataFrame, *, high: float = 7.0) -> pd.DataFrame:
    """The moments to celebrate, one row each, in time order.

    ``kind`` is ``"planned and done"`` (a planned activity carried out),
    ``"high mastery"`` or ``"high pleasure"`` (rated *high* or more),
    or ``"first time"`` (an activity done for the first time after the first
    week). Columns: ``start``, ``day``, ``activity``, ``category``, ``kind``,
    ``mastery``, ``pleasure``, ``mood``.

    Examples
    --------
    >>> import bactivate as ba
    >>> wins = ba.small_wins(ba.synth.client(weeks=6, seed=1))
    >>> set(wins["kind"]) <= {"planned and done", "high mastery", "high pleasure", "first time"}
    True
    """
    require(log, ("start", "activity", "mastery", "pleasure", "planned", "done", "avoidance"), "small_wins()")
    df = with_calendar(happened(log[log["start"].notna()]))
    df = df[~df["avoidance"].fillna(False).astype(bool)]
    kinds = {
        "planned and done": df["planned"].fillna(False).astype(bool) & df["done"].fillna(False).astype(bool),
        "high mastery": (df["mastery"] >= high).fillna(False),
        "high pleasure": (df["pleasure"] >= high).fillna(False),
    }
    first_seen = df[df["activity"].notna()].groupby("activity")["start"].transform("min")
    first = df["activity"].notna() & df["start"].eq(first_seen.reindex(df.index)) & (df["week"] > 1)
    kinds["first time"] = first.fillna(False).astype(bool)
    parts = [df.loc[mask.to_numpy(bool)].assign(kind=k) for k, mask in kinds.items()]
    cols = ["start", "day", "activity", "category", "kind", "mastery", "pleasure", "mood"]
    out = pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)
    out["kind"] = out["kind"].astype("str")
    return out.sort_values(["start", "kind"], kind="stable").reset_index(drop=True)
