"""Synthetic behavioural-activation logs with known ground truth.

Every generator here is seeded (a :class:`numpy.random.Generator`), returns a
tidy log (``bactivate.schema``: the exact columns, order and dtypes that
``bactivate.read_log`` returns) and stores *what it put in* in
``df.attrs["truth"]``, so that an analysis can be checked against the answer.
Nothing here is real data: activities, notes and people are invented.

>>> import bactivate as ba
>>> log = ba.synth.client(weeks=4, seed=1)
>>> log.attrs["truth"]["planned_per_week"]
{1: 0, 2: 3, 3: 5, 4: 7}
>>> sorted(ba.synth.activities().columns)[:4]
['activity', 'avoidance', 'category', 'effort']

The generating model
--------------------
Time runs in days ``d = 0 .. 7*weeks-1`` from ``start`` (week ``w = d // 7 + 1``).
The first ``baseline_weeks`` weeks are *monitoring only*; in treatment week
``k = w - baseline_weeks`` (1, 2, ...) graded activation runs.

**What happens on a day.** Each client day has ``entries_per_day`` time slots
between 07:00 and 23:00 (slot ``j`` starts at ``07:00 + j * 16h / entries_per_day``
plus a jitter of whole quarter hours, lasts 15 minutes or more and ends before
the next slot). The slots are filled, in this priority, by

1. the *planned* activities scheduled for that day (treatment weeks only; the
   week's ``n_planned`` plans are spread over the 7 days as evenly as possible,
   the activity drawn with probability proportional to ``plan_weight``); each
   is carried out (``done``) with the week's completion probability ``p_done``;
2. *unplanned* activities: every non-routine activity ``a`` happens on a day
   independently with probability ``p[a, week]`` (``truth["p_unplanned"]``):
   ``weight[a] * valued_factor[week]`` for valued activities and
   ``weight[a] * avoidance_p[week]`` for avoidance activities, times
   ``min(1, entries_per_day / 8)``, capped at 0.95. When more happen than free
   slots, a random subset is kept (rare with the defaults);
3. *routine* activities (``kind == "routine"``, mood effect 0) fill the slots
   left, drawn with probability proportional to ``weight``.

The day's rows are then put in time order by each activity's typical ``hour``
plus N(0, 2.5 h) (routine activities: a uniform hour).

**Daily mood** (``truth["daily"]``, column ``mood``)::

    mood[d] = level + trend[d] + lapse[d] + activity_effect[d] + ar[d]
    trend[d]  = mood_slope * activation_effect * max(0, d - 7*baseline_weeks + 1) / 7
    lapse[d]  = -lapse_drop in the lapse week, else 0
    activity_effect[d] = sum of mood_effect[a] over the distinct activities a that
                         happened that day (unplanned, or planned and done; a
                         skipped plan does not count; an activity that happened but
                         whose entry is missing from the log still counts)
    ar[d] = phi * ar[d-1] + N(0, (0.8 * noise)^2), stationary start, phi = 0.5

**Entry mood** = ``mood[d] + time_of_day(start hour) + N(0, (0.5 * noise)^2)``,
clipped to 0-10 and rounded to a whole number. ``time_of_day`` interpolates
linearly between ``TIME_OF_DAY`` knots: -1 from 07:00 to 09:00, 0 at noon,
+0.3 at 17:00, 0 at 23:00 (its average over the default slots is about -0.2).

**Ratings.** A row that happened gets ``mastery``, ``pleasure`` and ``effort``
= the activity's typical value + N(0, noise^2), rounded to whole numbers and
clipped to 0-10. A skipped plan (``planned=True, done=False``) has NaN mastery,
pleasure and effort (it did not happen) but a mood (the client logged the hour).

**Flags.** ``planned`` is False for every unplanned row (including all baseline
rows, except the graded task's below); ``done`` is True/False for planned rows and ``<NA>`` for unplanned rows,
because ``done`` means "a planned activity was carried out"; ``avoidance`` is
the activity's avoidance flag (False for a skipped plan).

**Week schedule** (``truth["weeks"]``), for treatment week ``k`` and
``ramp = 1 - exp(-k/ramp_weeks)`` (``ramp_weeks`` = 2 by default: activation
takes most of its hold within three weeks):

* ``n_planned = round(activation_effect * planned_per_week[k-1])`` (default
  ``PLANNED_PER_WEEK`` = 3, 5, 7, 10, 12, 14, then 14 every week);
* ``p_done = 0.9 - 0.4 * exp(-(k-1)/2)`` (0.50, 0.66, 0.75, 0.81, ...);
* ``avoidance_p = avoidance_tendency * (1 - 0.7 * min(activation_effect, 1) * ramp)``
  (baseline weeks: ``avoidance_tendency``);
* ``valued_factor = 1 + 0.5 * activation_effect * ramp`` (baseline: 1);
* the lapse week: ``p_done = 0.3``, ``avoidance_p = 1.2 * avoidance_tendency``,
  ``valued_factor`` times 0.6, daily mood minus ``lapse_drop``; the following
  weeks return to the schedule (recovery).

**Graded task** (``graded_task=``, :func:`client` only; ``truth["graded_task"]``).
One task the client keeps putting off (e.g. "Tidy kitchen") and the smaller
steps it is broken into. Each week the week's item is planned ``per_week``
times (default 3), on distinct random days, over and above the week's
``n_planned``: in every baseline week the *whole task* (the client writes it
in the diary and rarely does it: done with probability 0.15); in treatment week
``j`` (1 .. number of steps) step ``j`` (done with probability 0.85); after the
last step the whole task again (done with probability 0.8). With
``activation_effect=0`` the whole task stays on the list at 0.15 every week.
The task and its steps are activities of kind ``"valued"`` with ``weight`` and
``plan_weight`` 0: they happen only as these plans (a task already in the
table, like the library's "Tidy kitchen", keeps its ratings and mood effect
but stops happening spontaneously). New names get the task's category
("Household/Chores" unless given) and typical ratings: whole task mastery 7,
pleasure 3, effort 7, mood effect +0.4; a step mastery 5, pleasure 3, effort 3,
mood effect +0.2; both at the task's hour (default 19:00).

**Missing entries.** Each day is missing entirely with probability
``0.4 * missing_rate``; each remaining slot is missing with the probability
that makes the expected share of missing unplanned entries ``missing_rate``.
Planned rows are never missing: the plan was written on the sheet in advance
and reviewed in session.

**Notes.** About ``note_rate`` of the rows carry a short invented note ("felt
tired", "nice chat with Sam") that fits the row (skipped plan, avoidance, a
mood-lifting activity, anything else).

What is recoverable
-------------------
Within a stationary stretch (e.g. ``activation_effect=0``: monitoring only,
every week alike), activities happen independently of each other and of the
mood noise, so the mean daily mood on days with activity ``a`` minus days
without estimates ``mood_effect[a]`` (plus the other activities' effects times
their small, negative, slot-competition correlation), and a least-squares
regression of daily mood on the presence of every activity recovers each
``mood_effect`` without that bias. Across treatment weeks, with/without
comparisons are confounded by the trend: mood-lifting activities are planned
more as mood rises anyway. Entries missing from the log (``missing_rate``) blur
the presence of activities; use ``missing_rate=0`` to check exact recovery.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from bactivate.schema import conform

__all__ = [
    "PLANNED_PER_WEEK",
    "TIME_OF_DAY",
    "Truth",
    "activities",
    "client",
    "cohort",
    "questionnaires",
    "time_of_day",
]

#: Planned activities per treatment week (week 1 of treatment first); the last
#: value repeats for longer treatments.
PLANNED_PER_WEEK: tuple[int, ...] = (3, 5, 7, 10, 12, 14)

#: Time-of-day mood profile: (hour, offset) knots, linearly interpolated,
#: constant outside.
TIME_OF_DAY: tuple[tuple[float, float], ...] = (
    (7.0, -1.0),
    (9.0, -1.0),
    (12.0, 0.0),
    (17.0, 0.3),
    (23.0, 0.0),
)

# Fixed model constants (documented in the module docstring and copied into truth).
_PHI = 0.5  # AR(1) coefficient of the daily mood noise
_SD_DAY = 0.8  # innovation SD of the daily AR(1) noise (times `noise`)
_SD_ENTRY = 0.5  # SD of the entry-level mood noise (times `noise`)
_SD_RATING = 1.0  # SD of mastery / pleasure / effort around the typical value
_HOUR_SD = 2.5  # SD (hours) of the preferred time of an activity
_AVOID_DROP = 0.7  # share of avoidance removed by full activation
_VALUED_GAIN = 0.5  # extra spontaneous valued activity at full activation
_DONE_MAX, _DONE_GAP = 0.9, 0.4  # p_done = 0.9 - 0.4 exp(-(k-1)/2)
_LAPSE_DONE = 0.3
_LAPSE_AVOID = 1.2
_LAPSE_VALUED = 0.6
_P_CAP = 0.95
_DAY_START, _DAY_MINUTES = 7 * 60, 16 * 60  # slots between 07:00 and 23:00
_MAX_ENTRIES_PER_DAY = 32

_ACTIVITY_COLUMNS = (
    "activity",
    "category",
    "mastery",
    "pleasure",
    "effort",
    "avoidance",
    "mood_effect",
    "kind",
    "weight",
    "plan_weight",
    "hour",
)

# activity, category, M, P, effort, avoidance, mood effect, kind, weight, plan weight, hour
_LIBRARY = [
    ("Walk in the park", "Physical health", 5, 7, 4, False, 1.0, "valued", 0.25, 3.0, 13.0),
    ("Call a friend", "Relationships", 4, 7, 5, False, 0.8, "valued", 0.15, 3.0, 18.0),
    ("Lunch with family", "Relationships", 4, 8, 4, False, 0.7, "valued", 0.10, 2.0, 12.5),
    ("Gym", "Physical health", 7, 5, 8, False, 0.8, "valued", 0.08, 2.0, 18.0),
    ("Cook a meal", "Self-care", 6, 6, 5, False, 0.5, "valued", 0.35, 2.0, 19.0),
    ("Shower and dress", "Self-care", 5, 4, 4, False, 0.4, "valued", 0.55, 2.0, 8.5),
    ("Tidy kitchen", "Household/Chores", 7, 3, 5, False, 0.3, "valued", 0.30, 2.0, 20.0),
    ("Pay bills", "Household/Chores", 8, 1, 6, False, 0.2, "valued", 0.05, 1.0, 11.0),
    ("Grocery shopping", "Household/Chores", 5, 3, 4, False, 0.1, "valued", 0.25, 1.0, 11.0),
    ("Answer work emails", "Work/Education", 6, 2, 6, False, 0.0, "valued", 0.35, 1.0, 10.0),
    ("Study for course", "Work/Education", 7, 3, 7, False, 0.2, "valued", 0.10, 1.0, 15.0),
    ("Read a novel", "Leisure", 3, 7, 3, False, 0.4, "valued", 0.20, 2.0, 21.5),
    ("Play guitar", "Leisure", 6, 8, 5, False, 0.6, "valued", 0.08, 2.0, 20.0),
    ("Meditate", "Spirituality", 4, 5, 3, False, 0.3, "valued", 0.10, 1.0, 7.5),
    ("Volunteer at food bank", "Spirituality", 7, 6, 6, False, 0.6, "valued", 0.03, 1.0, 14.0),
    ("Scrolling phone in bed", "Leisure", 1, 3, 1, True, -0.8, "avoidance", 1.0, 0.0, 22.5),
    ("Stay in bed", "Self-care", 0, 2, 0, True, -1.0, "avoidance", 0.8, 0.0, 8.0),
    ("Watch TV all afternoon", "Leisure", 1, 4, 1, True, -0.5, "avoidance", 0.9, 0.0, 15.0),
    ("Cancel plans", "Relationships", 0, 1, 2, True, -0.7, "avoidance", 0.4, 0.0, 17.0),
    ("Nap on the sofa", "Self-care", 1, 3, 1, True, -0.3, "avoidance", 0.6, 0.0, 15.5),
    ("Have a meal", "Self-care", 2, 5, 2, False, 0.0, "routine", 2.0, 0.0, 13.0),
    ("Commute", "Work/Education", 3, 2, 3, False, 0.0, "routine", 1.0, 0.0, 8.5),
    ("Work at desk", "Work/Education", 5, 3, 5, False, 0.0, "routine", 2.0, 0.0, 12.0),
    ("Rest", "Leisure", 1, 4, 1, False, 0.0, "routine", 1.0, 0.0, 16.0),
]

_NOTES = {
    "skipped": (
        "too tired",
        "didn't feel like it",
        "ran out of time",
        "raining, stayed in",
        "felt anxious about it",
        "forgot",
    ),
    "avoidance": (
        "couldn't get going",
        "felt heavy",
        "wasted the afternoon",
        "felt guilty after",
        "just wanted to hide",
    ),
    "lift": (
        "felt good after",
        "nice chat with Sam",
        "glad I did it",
        "sunny out",
        "a bit better",
        "Jo came along",
    ),
    "other": ("felt tired", "ok", "busy day", "headache", "nothing special", "slept badly"),
}


# --------------------------------------------------------------------------- truth


def _same(a, b) -> bool:
    """Equality that never raises (frames, arrays, nested containers)."""
    if a is b:
        return True
    if isinstance(a, pd.DataFrame | pd.Series) or isinstance(b, pd.DataFrame | pd.Series):
        return type(a) is type(b) and a.equals(b)
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        try:
            return bool(np.array_equal(a, b, equal_nan=True))
        except TypeError:
            return bool(np.array_equal(a, b))
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float | np.floating) and isinstance(b, float | np.floating):
        return bool(a == b or (np.isnan(a) and np.isnan(b)))
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


class Truth(dict):
    """The ground truth of a synthetic log: a plain ``dict``, treated as read-only.

    Kept in ``df.attrs["truth"]``. pandas deep-copies ``attrs`` on most
    operations and compares them when concatenating; a ``Truth`` is shared
    instead of copied (cheap, however big) and compares without raising, so
    slicing, grouping and ``pd.concat`` of a synthetic log keep working.
    """

    def __deepcopy__(self, memo):
        return self

    def __copy__(self):
        return self

    def __eq__(self, other):
        return _same(dict(self), dict(other)) if isinstance(other, Mapping) else False

    def __ne__(self, other):
        return not self.__eq__(other)

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self):
        return (Truth, (dict(self),))


# --------------------------------------------------------------------------- activities


def activities() -> pd.DataFrame:
    """The default activity library: one row per activity, with its ground truth.

    Columns: ``activity``, ``category`` (life area), typical ``mastery``,
    ``pleasure`` and ``effort`` (0-10), ``avoidance`` (bool), ``mood_effect``
    (points added to that day's mood on days the activity happens), ``kind``
    (``"valued"``: can be planned and happens spontaneously; ``"avoidance"``;
    ``"routine"``: neutral filler for free time), ``weight`` (daily propensity:
    probability per day for valued activities at baseline, relative weight for
    avoidance activities, sampling weight for routine ones), ``plan_weight``
    (relative chance of being chosen as a planned activity; 0 = never planned)
    and ``hour`` (typical hour of day; NaN = any time).

    Returns
    -------
    pandas.DataFrame
        A new copy of the library, one row per activity, with the columns above.

    Examples
    --------
    >>> tab = activities()
    >>> tab.shape
    (24, 11)
    >>> tab = activities()
    >>> tab.set_index("activity").loc["Walk in the park", ["mastery", "pleasure", "mood_effect"]].tolist()
    [5.0, 7.0, 1.0]
    """
    tab = pd.DataFrame(_LIBRARY, columns=list(_ACTIVITY_COLUMNS))
    for col in ("mastery", "pleasure", "effort", "mood_effect", "weight", "plan_weight", "hour"):
        tab[col] = tab[col].astype("float64")
    tab["avoidance"] = tab["avoidance"].astype(bool)
    for col in ("activity", "category", "kind"):
        tab[col] = tab[col].astype("str")
    return tab


def _activity_table(activities_arg, activity_effects) -> pd.DataFrame:
    default = activities()
    if activities_arg is None:
        tab = default
    elif isinstance(activities_arg, pd.DataFrame):
        tab = activities_arg.copy()
        for col in ("activity", "category", "mastery", "pleasure", "avoidance", "mood_effect"):
            if col not in tab.columns:
                raise ValueError(f"activities table needs a {col!r} column")
        tab["avoidance"] = tab["avoidance"].astype(bool)
        if "kind" not in tab.columns:
            tab["kind"] = np.where(tab["avoidance"], "avoidance", "valued")
        if "effort" not in tab.columns:
            tab["effort"] = 5.0
        if "weight" not in tab.columns:
            tab["weight"] = np.where(tab["kind"] == "routine", 1.0, 0.2)
        if "plan_weight" not in tab.columns:
            tab["plan_weight"] = np.where(tab["kind"] == "valued", 1.0, 0.0)
        if "hour" not in tab.columns:
            tab["hour"] = np.nan
        tab = tab[list(_ACTIVITY_COLUMNS)].reset_index(drop=True)
    elif isinstance(activities_arg, str | bytes) or not isinstance(activities_arg, Iterable):
        raise TypeError("activities= takes a DataFrame like synth.activities() or a list of names")
    else:
        names = [str(a) for a in activities_arg]
        unknown = sorted(set(names) - set(default["activity"]))
        if unknown:
            raise ValueError(
                f"unknown activities {unknown}; pass a DataFrame to define new ones "
                "(see bactivate.synth.activities())"
            )
        keep = default["activity"].isin(names) | (default["kind"] == "routine")
        tab = default[keep].reset_index(drop=True)
    tab = tab.copy()
    for col in ("mastery", "pleasure", "effort", "mood_effect", "weight", "plan_weight", "hour"):
        tab[col] = tab[col].astype("float64")
    for col in ("activity", "category", "kind"):
        tab[col] = tab[col].astype("str")
    bad_kind = sorted(set(tab["kind"]) - {"valued", "avoidance", "routine"})
    if bad_kind:
        raise ValueError(f"activity kind must be valued, avoidance or routine, not {bad_kind}")
    if tab["activity"].duplicated().any():
        raise ValueError("activity names must be unique")
    if activity_effects:
        unknown = sorted(set(activity_effects) - set(tab["activity"]))
        if unknown:
            raise ValueError(f"activity_effects names activities not in the table: {unknown}")
        eff = tab["activity"].map(dict(activity_effects))
        tab["mood_effect"] = eff.astype("float64").fillna(tab["mood_effect"])
    if not (tab["kind"] == "routine").any():
        raise ValueError(
            "the activity table needs at least one activity of kind 'routine' "
            "(neutral filler for free time slots)"
        )
    if not (tab["weight"] >= 0).all() or not (tab["plan_weight"] >= 0).all():
        raise ValueError("weight and plan_weight must be >= 0")
    return tab


# --------------------------------------------------------------------------- helpers


def time_of_day(hour) -> np.ndarray:
    """Mood offset at clock time *hour* (float hours), from :data:`TIME_OF_DAY`.

    Parameters
    ----------
    hour : float or array-like of float
        Clock times in hours (13.5 = 13:30).

    Returns
    -------
    numpy.ndarray
        The offset added to mood at each time, interpolated linearly between the knots.

    Examples
    --------
    >>> time_of_day([7, 13.5, 22]).round(2).tolist()
    [-1.0, 0.09, 0.05]
    """
    knots = np.array(TIME_OF_DAY)
    return np.interp(np.asarray(hour, dtype=float), knots[:, 0], knots[:, 1])


def _seed(seed) -> tuple[np.random.Generator, int | None]:
    if isinstance(seed, np.random.Generator):
        return seed, None
    if seed is None:
        seed = int(np.random.SeedSequence().entropy % (2**63))
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise TypeError(f"seed must be an int, None or a numpy Generator, not {seed!r}")
    return np.random.default_rng(int(seed)), int(seed)


def _monday(start) -> np.datetime64:
    ts = pd.Timestamp(start)
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    return np.datetime64(ts.normalize().date(), "D")


def _schedule(planned_per_week, n_treat: int) -> np.ndarray:
    sched = PLANNED_PER_WEEK if planned_per_week is None else tuple(planned_per_week)
    if len(sched) == 0:
        sched = (0,)
    if any(int(x) != x or x < 0 for x in sched):
        raise ValueError("planned_per_week must hold whole numbers >= 0")
    out = [int(sched[min(i, len(sched) - 1)]) for i in range(max(n_treat, 0))]
    return np.array(out, dtype=np.int64)


def _round_rating(x: np.ndarray) -> np.ndarray:
    return np.clip(np.round(x), 0.0, 10.0)


# --------------------------------------------------------------------------- engine


def _simulate(
    rng: np.random.Generator,
    *,
    names: Sequence[str],
    level: np.ndarray,
    slope: np.ndarray,
    act: np.ndarray,
    avoid: np.ndarray,
    lapse: np.ndarray,
    start_day: np.ndarray,
    weeks: int,
    entries_per_day: int,
    baseline_weeks: int,
    table: pd.DataFrame,
    planned_per_week,
    noise: float,
    missing_rate: float,
    note_rate: float,
    lapse_drop: float,
    avoidance_growth: float = 0.0,
    ramp_weeks: float = 2.0,
    graded: pd.DataFrame | None = None,
):
    """Vectorised core for n clients at once.

    level, slope (direct mood gain per treatment week), act (behavioural
    activation multiplier), avoid (baseline avoidance tendency): shape (n,);
    lapse: week number or 0 (none), shape (n,); start_day: datetime64[D], (n,).
    graded: the graded task's plans, one row per week (week, act = row of *table*,
    n_planned <= 7, p_done), the same for every client; None for none.
    Returns (log, weeks_table, daily_table, p_unplanned (n, W, A)).
    """
    n = len(names)
    W, S, B = weeks, entries_per_day, baseline_weeks
    D = 7 * W
    A = len(table)
    kind = table["kind"].to_numpy()
    is_valued = kind == "valued"
    is_avoid = kind == "avoidance"
    is_routine = kind == "routine"
    weight = table["weight"].to_numpy(float)
    plan_w = np.where(is_valued, table["plan_weight"].to_numpy(float), 0.0)
    eff = table["mood_effect"].to_numpy(float)
    hour = table["hour"].to_numpy(float)
    typ = {c: table[c].to_numpy(float) for c in ("mastery", "pleasure", "effort")}
    avoid_flag = table["avoidance"].to_numpy(bool)

    # ---- week schedule (n, W)
    week_no = np.arange(1, W + 1)
    k = week_no - B  # treatment week number, <= 0 during baseline
    treat = k > 0
    ramp = np.where(treat, 1.0 - np.exp(-np.maximum(k, 0) / ramp_weeks), 0.0)
    is_lapse = lapse[:, None] == week_no[None, :]
    sched = np.zeros(W, dtype=np.int64)
    sched[treat] = _schedule(planned_per_week, int(treat.sum()))
    n_planned = np.where(treat[None, :], np.round(act[:, None] * sched[None, :]), 0)
    n_planned = np.clip(n_planned, 0, 7 * S).astype(np.int64)
    p_done_k = np.where(treat, _DONE_MAX - _DONE_GAP * np.exp(-(k - 1) / 2.0), np.nan)
    p_done = np.broadcast_to(p_done_k, (n, W)).copy()
    p_done[is_lapse & treat[None, :]] = _LAPSE_DONE
    act1 = np.clip(act, 0.0, 1.0)[:, None]
    avoid_p = avoid[:, None] * (1.0 - _AVOID_DROP * act1 * ramp[None, :])
    avoid_p = np.where(is_lapse, _LAPSE_AVOID * avoid[:, None], avoid_p)
    valued_f = 1.0 + _VALUED_GAIN * act[:, None] * ramp[None, :]
    if avoidance_growth:
        # the avoidance cycle: while only monitoring, avoidance grows and valued activity shrinks
        # by this factor a week; activation starts from where the last baseline week left off
        grow = (1.0 + avoidance_growth) ** (np.minimum(week_no, B) - 1)
        avoid_p = np.clip(avoid_p * grow[None, :], 0.0, 1.0)
        valued_f = valued_f / grow[None, :]
    valued_f = np.where(is_lapse, _LAPSE_VALUED * valued_f, valued_f)
    scale = min(1.0, S / 8.0)
    p_unpl = np.zeros((n, W, A))
    p_unpl[:, :, is_valued] = weight[is_valued] * valued_f[:, :, None]
    p_unpl[:, :, is_avoid] = weight[is_avoid] * avoid_p[:, :, None]
    p_unpl = np.clip(p_unpl * scale, 0.0, _P_CAP)

    # ---- planned rows
    nd = n * D
    day_week = np.arange(D) // 7  # 0-based week of each day
    counts = n_planned.ravel()  # index i * W + w
    n_plan_rows = int(counts.sum())
    P = int(math.ceil(counts.max() / 7)) if n_plan_rows else 0
    plan_act = np.full((nd, max(P, 1)), -1, dtype=np.int64)
    plan_done = np.zeros((nd, max(P, 1)), dtype=bool)
    if n_plan_rows:
        if plan_w.sum() <= 0:
            raise ValueError("no activity can be planned (all plan_weight are 0)")
        group = np.repeat(np.arange(n * W), counts)
        first = np.cumsum(counts) - counts
        j = np.arange(n_plan_rows) - np.repeat(first, counts)
        perm = np.argsort(rng.random((n * W, 7)), axis=1)
        dow = perm[group, j % 7]
        rank = j // 7
        ci, cw = np.divmod(group, W)
        day_row = ci * D + cw * 7 + dow
        pa = rng.choice(A, size=n_plan_rows, p=plan_w / plan_w.sum())
        pdn = rng.random(n_plan_rows) < p_done.ravel()[group]
        plan_act[day_row, rank] = pa
        plan_done[day_row, rank] = pdn
    P = max(P, 1)
    if graded is not None and len(graded):
        # the graded task: one more plan column, at most one graded plan a day
        g_week = graded["week"].to_numpy(np.int64) - 1
        g_n = graded["n_planned"].to_numpy(np.int64)
        g_rows = int(g_n.sum()) * n
        g_act = np.full(nd, -1, dtype=np.int64)
        g_done = np.zeros(nd, dtype=bool)
        if g_rows:
            gi = np.repeat(np.arange(n), int(g_n.sum()))
            gk = np.tile(np.repeat(np.arange(len(graded)), g_n), n)
            gj = np.tile(np.concatenate([np.arange(c) for c in g_n]), n)
            g_perm = np.argsort(rng.random((n * len(graded), 7)), axis=1)
            g_day = gi * D + g_week[gk] * 7 + g_perm[gi * len(graded) + gk, gj]
            g_act[g_day] = graded["act"].to_numpy(np.int64)[gk]
            g_done[g_day] = rng.random(g_rows) < graded["p_done"].to_numpy(float)[gk]
        plan_act = np.concatenate([plan_act, g_act[:, None]], axis=1)
        plan_done = np.concatenate([plan_done, g_done[:, None]], axis=1)
        P += 1

    # ---- unplanned activities and routine fillers
    p_day = p_unpl[:, day_week, :].reshape(nd, A)
    happen = rng.random((nd, A)) < p_day
    routine_idx = np.flatnonzero(is_routine)
    rw = weight[routine_idx]
    rw = rw / rw.sum() if rw.sum() > 0 else np.full(len(routine_idx), 1 / len(routine_idx))
    filler = routine_idx[rng.choice(len(routine_idx), size=(nd, S), p=rw)]

    cand_act = np.concatenate([plan_act, np.broadcast_to(np.arange(A), (nd, A)), filler], axis=1)
    cand_planned = np.concatenate(
        [plan_act >= 0, np.zeros((nd, A), bool), np.zeros((nd, S), bool)], axis=1
    )
    cand_done = np.concatenate(
        [plan_done, np.zeros((nd, A), bool), np.zeros((nd, S), bool)], axis=1
    )
    prio = np.concatenate(
        [
            np.where(plan_act >= 0, -1.0, np.inf),
            np.where(happen, rng.random((nd, A)), np.inf),
            1.0 + rng.random((nd, S)),
        ],
        axis=1,
    )
    sel = np.argsort(prio, axis=1, kind="stable")[:, :S]
    s_act = np.take_along_axis(cand_act, sel, axis=1)
    s_planned = np.take_along_axis(cand_planned, sel, axis=1)
    s_done = np.take_along_axis(cand_done, sel, axis=1)
    pref = hour[s_act]
    pref = np.where(np.isnan(pref), rng.uniform(7.0, 23.0, size=(nd, S)), pref)
    pref = pref + rng.normal(0.0, _HOUR_SD, size=(nd, S))
    order = np.argsort(pref, axis=1, kind="stable")
    s_act = np.take_along_axis(s_act, order, axis=1)
    s_planned = np.take_along_axis(s_planned, order, axis=1)
    s_done = np.take_along_axis(s_done, order, axis=1)
    happened = ~s_planned | s_done

    present = np.zeros((nd, A), dtype=bool)
    rows = np.broadcast_to(np.arange(nd)[:, None], (nd, S))
    present[rows[happened], s_act[happened]] = True
    act_effect = (present @ eff).reshape(n, D)

    # ---- daily mood (n, D)
    d = np.arange(D)
    trend_unit = np.maximum(0, d - 7 * B + 1) / 7.0
    trend = slope[:, None] * trend_unit[None, :]
    lapse_d = -lapse_drop * is_lapse[:, day_week]
    innov = rng.normal(0.0, _SD_DAY * noise, size=(n, D))
    ar = np.empty((n, D))
    ar[:, 0] = innov[:, 0] / math.sqrt(1.0 - _PHI**2)
    for t in range(1, D):  # loop over days (<= a few hundred), vectorised over clients
        ar[:, t] = _PHI * ar[:, t - 1] + innov[:, t]
    mood_day = level[:, None] + trend + lapse_d + act_effect + ar

    # ---- slot times (minutes after midnight)
    width = _DAY_MINUTES / S
    wq = int(width // 15)  # quarters per slot
    base = (np.floor(np.arange(S) * width / 15) * 15).astype(np.int64)
    jmax = max(0, (wq - 1) // 2)
    jq = rng.integers(0, jmax + 1, size=(nd, S))
    room = wq - jq
    lo = np.minimum(2, room)
    durq = lo + np.floor(rng.random((nd, S)) * (room - lo + 1)).astype(np.int64)
    start_min = _DAY_START + base[None, :] + 15 * jq
    end_min = start_min + 15 * durq

    # ---- entry mood and ratings
    mood = mood_day.reshape(nd)[:, None] + time_of_day(start_min / 60.0)
    mood = _round_rating(mood + rng.normal(0.0, _SD_ENTRY * noise, size=(nd, S)))
    ratings = {}
    for col in ("mastery", "pleasure", "effort"):
        r = _round_rating(typ[col][s_act] + rng.normal(0.0, _SD_RATING * noise, size=(nd, S)))
        ratings[col] = np.where(happened, r, np.nan)

    # ---- missingness (planned rows are never missing)
    p_miss_day = 0.4 * missing_rate
    p_miss_slot = 1.0 - (1.0 - missing_rate) / (1.0 - p_miss_day) if missing_rate < 1 else 1.0
    day_missing = rng.random(nd) < p_miss_day
    slot_missing = rng.random((nd, S)) < p_miss_slot
    keep = s_planned | ~(day_missing[:, None] | slot_missing)

    # ---- notes
    has_note = rng.random((nd, S)) < note_rate
    note_kind = np.where(
        s_planned & ~s_done,
        0,
        np.where(avoid_flag[s_act], 1, np.where(eff[s_act] > 0, 2, 3)),
    )
    pools = [_NOTES["skipped"], _NOTES["avoidance"], _NOTES["lift"], _NOTES["other"]]
    pick = rng.integers(0, 1 << 30, size=(nd, S))
    offsets = np.cumsum([0] + [len(p) for p in pools])
    note_idx = offsets[note_kind] + pick % np.array([len(p) for p in pools])[note_kind]
    note_idx = np.where(has_note, note_idx, -1)
    note_cats = [x for p in pools for x in p]

    # ---- assemble the tidy log
    k_flat = keep.ravel()
    cl = np.repeat(np.arange(n), D * S)[k_flat]
    day_flat = np.repeat(np.tile(d, n), S)[k_flat]
    n_rows = int(k_flat.sum())
    per_client = np.bincount(cl, minlength=n)
    entry = np.arange(n_rows) - np.repeat(np.cumsum(per_client) - per_client, per_client) + 1
    day_ns = (start_day.astype("datetime64[D]").astype("datetime64[ns]").astype(np.int64))[cl]
    day_ns = day_ns + day_flat.astype(np.int64) * 86_400_000_000_000
    smin = start_min.ravel()[k_flat].astype(np.int64)
    emin = end_min.ravel()[k_flat].astype(np.int64)
    start_ts = (day_ns + smin * 60_000_000_000).view("datetime64[ns]")
    end_ts = (day_ns + emin * 60_000_000_000).view("datetime64[ns]")
    a_flat = s_act.ravel()[k_flat]
    planned_flat = s_planned.ravel()[k_flat]
    done_flat = s_done.ravel()[k_flat]

    client_s = pd.Series(pd.Categorical.from_codes(cl, list(names))).astype("str")
    act_names = table["activity"].tolist()
    cats = table["category"].tolist()
    note_codes = note_idx.ravel()[k_flat]
    done_s = pd.array(done_flat, dtype="boolean")
    done_s[~planned_flat] = pd.NA
    entry_s = pd.Series(entry, dtype="int64")
    log = pd.DataFrame(
        {
            "client": client_s,
            "entry": entry_s,
            "start": start_ts,
            "end": end_ts,
            "activity": pd.Series(pd.Categorical.from_codes(a_flat, act_names)).astype("str"),
            "category": pd.Series(np.asarray(cats, dtype=object)[a_flat]).astype("str"),
            "mastery": ratings["mastery"].ravel()[k_flat],
            "pleasure": ratings["pleasure"].ravel()[k_flat],
            "mood": mood.ravel()[k_flat],
            "effort": ratings["effort"].ravel()[k_flat],
            "planned": pd.array(planned_flat, dtype="boolean"),
            "done": done_s,
            "avoidance": pd.array(
                avoid_flag[a_flat] & ~(planned_flat & ~done_flat), dtype="boolean"
            ),
            "note": pd.Series(pd.Categorical.from_codes(note_codes, note_cats)).astype("str"),
        }
    )
    log["source"] = "synth:" + log["client"] + ":" + entry_s.astype("str")
    log = conform(log)

    # ---- truth tables
    day_logged = ~day_missing.reshape(n, D)
    weeks_tab = pd.DataFrame(
        {
            "client": np.repeat(np.asarray(names, dtype=object), W),
            "week": np.tile(week_no, n),
            "phase": np.tile(np.where(treat, "activation", "baseline"), n),
            "lapse": is_lapse.ravel(),
            "n_planned": n_planned.ravel(),
            "p_done": p_done.ravel(),
            "avoidance_p": avoid_p.ravel(),
            "valued_factor": valued_f.ravel(),
            "trend": (trend.reshape(n, W, 7).mean(axis=2)).ravel(),
            "lapse_effect": lapse_d.reshape(n, W, 7).mean(axis=2).ravel(),
            "activity_effect": act_effect.reshape(n, W, 7).mean(axis=2).ravel(),
        }
    )
    weeks_tab.loc[weeks_tab["lapse"], "phase"] = "lapse"
    weeks_tab["mood"] = (
        np.repeat(level, W)
        + weeks_tab["trend"]
        + weeks_tab["lapse_effect"]
        + weeks_tab["activity_effect"]
    )
    weeks_tab = weeks_tab.astype({"client": "str", "phase": "str"})
    dates = (start_day.astype("datetime64[D]")[:, None] + d[None, :]).astype("datetime64[ns]")
    daily = pd.DataFrame(
        {
            "client": np.repeat(np.asarray(names, dtype=object), D),
            "date": dates.ravel(),
            "week": np.tile(day_week + 1, n),
            "level": np.repeat(level, D),
            "trend": trend.ravel(),
            "lapse": lapse_d.ravel(),
            "activity_effect": act_effect.ravel(),
            "noise": ar.ravel(),
            "mood": mood_day.ravel(),
            "logged": day_logged.ravel(),
        }
    ).astype({"client": "str"})
    return log, weeks_tab, daily, p_unpl


def _check_common(weeks, entries_per_day, baseline_weeks, missing_rate, noise):
    if int(weeks) != weeks or weeks < 1:
        raise ValueError(f"weeks must be a whole number >= 1, not {weeks!r}")
    if int(entries_per_day) != entries_per_day or not 1 <= entries_per_day <= _MAX_ENTRIES_PER_DAY:
        raise ValueError(f"entries_per_day must be a whole number in 1..{_MAX_ENTRIES_PER_DAY}")
    if int(baseline_weeks) != baseline_weeks or not 0 <= baseline_weeks <= weeks:
        raise ValueError("baseline_weeks must be a whole number in 0..weeks")
    if not 0.0 <= missing_rate < 1.0:
        raise ValueError("missing_rate must be in [0, 1)")
    if noise < 0:
        raise ValueError("noise must be >= 0")


#: The recorded arguments (``truth["params"]``) that client() and cohort() hand to _simulate alike.
_SIMULATE_ARGS = ("weeks", "entries_per_day", "baseline_weeks", "planned_per_week", "noise", "missing_rate",
                  "note_rate", "lapse_drop", "avoidance_growth", "ramp_weeks")


def _simulate_args(params: dict) -> dict:
    """The model settings in *params* (as recorded in the truth) as keyword arguments of _simulate."""
    return {k: params[k] for k in _SIMULATE_ARGS if k in params}


def _mood_model(params: dict, activation_effect):
    # activation_effect is None for a cohort: it varies by client (truth['clients'])
    noise, baseline_weeks = params["noise"], params["baseline_weeks"]
    return {
        "level": params["mood_level"],
        "mood_slope": params["mood_slope"],
        "activation_effect": activation_effect,
        "baseline_weeks": baseline_weeks,
        "phi": _PHI,
        "sd_day": _SD_DAY * noise,
        "sd_day_marginal": _SD_DAY * noise / math.sqrt(1 - _PHI**2),
        "sd_entry": _SD_ENTRY * noise,
        "sd_rating": _SD_RATING * noise,
        "lapse_drop": params["lapse_drop"],
        "time_of_day": [tuple(x) for x in TIME_OF_DAY],
        "formula": (
            "mood[d] = level + mood_slope*activation_effect*max(0, d - 7*baseline_weeks + 1)/7"
            " - lapse_drop*[lapse week] + sum(mood_effect of activities done on day d)"
            " + ar[d];  ar[d] = phi*ar[d-1] + N(0, sd_day^2);"
            "  entry mood = round(clip(mood[d] + time_of_day(hour) + N(0, sd_entry^2), 0, 10))"
        ),
    }


_GRADED_DONE = {"before": 0.15, "step": 0.85, "after": 0.8}  # p_done of the graded task's plans
_GRADED_TASK = {"mastery": 7.0, "pleasure": 3.0, "effort": 7.0, "mood_effect": 0.4}
_GRADED_STEP = {"mastery": 5.0, "pleasure": 3.0, "effort": 3.0, "mood_effect": 0.2}


def _graded_task(table: pd.DataFrame, spec, weeks: int, baseline_weeks: int,
                 activation_effect: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The activity table with the graded task and its steps, and one plan row per week."""
    if not isinstance(spec, Mapping):
        raise TypeError('graded_task takes a dict like {"task": "Tidy kitchen", "steps": ["Clear the sink"]}')
    unknown = sorted(set(spec) - {"task", "steps", "per_week", "category", "hour"})
    if unknown:
        raise ValueError(f"graded_task has unknown keys {unknown}; it takes task, steps, per_week, "
                         "category and hour")
    task = str(spec.get("task", "")).strip()
    steps = spec.get("steps")
    if not task or isinstance(steps, str | bytes) or not isinstance(steps, Iterable):
        raise ValueError('graded_task needs a "task" name and a list of "steps"')
    steps = [str(x).strip() for x in steps]
    if not steps or not all(steps) or len({task, *steps}) != len(steps) + 1:
        raise ValueError("graded_task needs at least one step, with distinct names (not the task's)")
    per_week = spec.get("per_week", 3)
    if isinstance(per_week, bool) or int(per_week) != per_week or not 1 <= per_week <= 7:
        raise ValueError(f"graded_task per_week must be a whole number in 1..7, not {per_week!r}")
    known = table.set_index("activity")
    category = spec.get("category", known.at[task, "category"] if task in known.index else "Household/Chores")
    hour = spec.get("hour", known.at[task, "hour"] if task in known.index else 19.0)
    new = []
    for name, typical in ((task, _GRADED_TASK), *((st, _GRADED_STEP) for st in steps)):
        if name not in known.index:
            new.append({"activity": name, "category": str(category), **typical, "avoidance": False,
                        "kind": "valued", "weight": 0.0, "plan_weight": 0.0, "hour": float(hour)})
    tab = pd.concat([table, pd.DataFrame(new, columns=table.columns)], ignore_index=True) if new else table.copy()
    tab = tab.astype(table.dtypes.to_dict())
    mine = tab["activity"].isin([task, *steps])
    if tab.loc[mine, "avoidance"].any():
        raise ValueError("the graded task and its steps cannot be avoidance activities")
    tab.loc[mine, ["weight", "plan_weight"]] = 0.0
    tab.loc[mine, "kind"] = "valued"
    where = dict(zip(tab["activity"], range(len(tab)), strict=True))
    rows = []
    for week in range(1, weeks + 1):
        k = week - baseline_weeks
        if k <= 0 or activation_effect <= 0:
            name, step, p, phase = task, 0, _GRADED_DONE["before"], "before"
        elif k <= len(steps):
            name, step, p, phase = steps[k - 1], k, _GRADED_DONE["step"], "step"
        else:
            name, step, p, phase = task, 0, _GRADED_DONE["after"], "after"
        rows.append({"week": week, "stage": phase, "step": step, "activity": name,
                     "n_planned": int(per_week), "p_done": p, "act": where[name]})
    graded = pd.DataFrame(rows).astype({"stage": "str", "activity": "str"})
    return tab, graded


# --------------------------------------------------------------------------- public


def client(
    weeks: int = 8,
    entries_per_day: int = 8,
    baseline_weeks: int = 1,
    seed=None,
    client: str = "C01",
    activities=None,
    avoidance_tendency: float = 0.35,
    activation_effect: float = 1.0,
    activity_effects: Mapping[str, float] | None = None,
    missing_rate: float = 0.05,
    lapse_week="auto",
    start="2026-03-02",
    noise: float = 1.0,
    *,
    mood_level: float = 3.5,
    mood_slope: float = 0.15,
    lapse_drop: float = 1.5,
    planned_per_week: Sequence[int] | None = None,
    note_rate: float = 0.08,
    avoidance_growth: float = 0.0,
    ramp_weeks: float = 2.0,
    graded_task: Mapping | None = None,
) -> pd.DataFrame:
    """One client's synthetic BA log, with its ground truth in ``attrs["truth"]``.

    The model is described in the module docstring (``help(bactivate.synth)``).

    Parameters
    ----------
    weeks : int
        Length of the log in weeks (7 days each, from ``start``).
    entries_per_day : int
        Time slots per day between 07:00 and 23:00 (1-32).
    baseline_weeks : int
        Monitoring-only weeks at the start: no planned activities, baseline
        avoidance, flat mood trend.
    seed : int, numpy Generator or None
        Random seed; the same seed (and arguments) gives the same log. With
        None a seed is drawn and recorded in ``truth["seed"]`` (with a
        Generator, ``truth["seed"]`` is None).
    client : str
        The client's name in the ``client`` column and in ``source``.
    activities : DataFrame or list of str, optional
        The activity library: a table like :func:`activities` (columns
        activity, category, mastery, pleasure, avoidance, mood_effect required;
        kind, effort, weight, plan_weight, hour optional), or names from the
        default library to keep (its routine activities are always kept).
    avoidance_tendency : float
        Baseline daily probability of an avoidance activity of weight 1 (e.g.
        "Scrolling phone in bed"); others scale with their ``weight``.
    activation_effect : float
        Strength of the treatment: multiplies the mood trend (``mood_slope``
        per treatment week), the planned counts, the fall in avoidance and the
        rise in spontaneous valued activity. 0 = monitoring only throughout
        (a stationary log); 1 = the default programme.
    activity_effects : dict, optional
        ``{activity: mood_effect}`` overriding the table's mood effects.
    missing_rate : float
        Expected share of unplanned entries missing from the log (40 % of it
        as whole missing days); planned rows are never missing.
    lapse_week : "auto", int or None
        Week of a lapse (completion 0.3, avoidance 1.2 x baseline, fewer valued
        activities, mood minus ``lapse_drop``), recovery afterwards. "auto":
        week ``baseline_weeks + max(2, round(0.6 * treatment_weeks))`` when
        there are at least 3 treatment weeks and ``activation_effect > 0``,
        else no lapse. None: no lapse.
    start : date-like
        First day of the log (default Monday 2 March 2026).
    noise : float
        Multiplies every noise SD (daily AR(1) 0.8, entry 0.5, ratings 1.0);
        0 gives noise-free moods and typical ratings (the activities are still random).
    mood_level : float
        Baseline daily mood (before activity effects), 0-10.
    mood_slope : float
        Direct mood gain per treatment week at ``activation_effect=1``.
    lapse_drop : float
        Daily mood drop during the lapse week.
    planned_per_week : sequence of int, optional
        Planned activities per treatment week before scaling by
        ``activation_effect`` (default :data:`PLANNED_PER_WEEK`; last value repeats).
    note_rate : float
        Share of rows with a short invented note.
    avoidance_growth : float
        The avoidance cycle, for teaching: during the monitoring-only weeks
        the avoidance probability grows by this factor each week
        (``avoidance_p * (1 + g) ** (week - 1)``, capped at 1) and valued
        activities become rarer by the same factor, so mood drifts down;
        activation then starts from the last baseline week's level. 0 (the
        default) keeps the baseline flat.
    ramp_weeks : float
        How fast activation takes hold: in treatment week ``k`` the fall in
        avoidance and the rise in spontaneous valued activity have reached
        ``1 - exp(-k / ramp_weeks)`` of their full size. 2 (the default) gets
        most of the change into the first three weeks; a larger value spreads
        it over more weeks (a steadier trend, as in the teaching demo).
    graded_task : dict, optional
        Graded task assignment, for teaching: ``{"task": name, "steps":
        [step, ...]}`` with optional ``"per_week"`` (plans a week, 1-7,
        default 3), ``"category"`` and ``"hour"``. The whole task is planned and
        mostly skipped at baseline, broken into one step per treatment week,
        then planned whole again (module docstring, "Graded task");
        ``truth["graded_task"]`` lists the plans week by week. Other plans and
        activities are drawn as without it, but the random numbers differ.

    Returns
    -------
    DataFrame
        A tidy log (``bactivate.schema.TIDY_COLUMNS``), one row per entry
        (``entry`` 1..n in time order), ``source`` like ``"synth:C01:17"``.
        ``attrs["truth"]`` is a :class:`Truth` (a read-only dict) with:

        ``seed``, ``params`` (every argument), ``activities`` (the activity
        table with ``mood_effect``), ``mood_model`` (level, mood_slope,
        activation_effect, phi, SDs, time-of-day knots, lapse_drop, formula),
        ``weeks`` (one row per week: phase, lapse, n_planned, p_done,
        avoidance_p, valued_factor, mean trend / lapse / activity effect and the
        noise-free mean daily ``mood``), ``planned_per_week`` ``{week: n}``,
        ``avoidance_p`` ``{week: p}``, ``p_done`` ``{week: p}``, ``lapse_week``,
        ``p_unplanned`` (week x activity daily probabilities) and ``daily``
        (one row per day: level, trend, lapse, activity_effect, AR noise, the
        daily mood, and whether the day was logged at all).

    Examples
    --------
    >>> log = client(weeks=2, seed=1)
    >>> log.shape, log["source"].iloc[0]
    ((110, 15), 'synth:C01:1')
    >>> client(weeks=2, seed=1).equals(log)  # the same seed gives the same log
    True

    A task broken into steps (graded task assignment):

    >>> steps = ["Clear the sink", "Wipe one counter"]
    >>> log = client(weeks=5, baseline_weeks=2, seed=1,
    ...              graded_task={"task": "Tidy kitchen", "steps": steps})
    >>> log.attrs["truth"]["graded_task"][["week", "activity", "n_planned", "p_done"]]
       week          activity  n_planned  p_done
    0     1      Tidy kitchen          3    0.15
    1     2      Tidy kitchen          3    0.15
    2     3    Clear the sink          3    0.85
    3     4  Wipe one counter          3    0.85
    4     5      Tidy kitchen          3    0.80
    """
    _check_common(weeks, entries_per_day, baseline_weeks, missing_rate, noise)
    weeks, entries_per_day, baseline_weeks = int(weeks), int(entries_per_day), int(baseline_weeks)
    if activation_effect < 0:
        raise ValueError("activation_effect must be >= 0")
    if not 0 <= avoidance_tendency <= 1:
        raise ValueError("avoidance_tendency must be in [0, 1]")
    if not 0 <= avoidance_growth <= 2:
        raise ValueError("avoidance_growth must be in [0, 2] (a weekly growth factor)")
    if not ramp_weeks > 0:
        raise ValueError(f"ramp_weeks must be > 0 (weeks), not {ramp_weeks!r}")
    n_treat = weeks - baseline_weeks
    if isinstance(lapse_week, str):
        if lapse_week != "auto":
            raise ValueError('lapse_week must be "auto", a week number or None')
        lapse = (
            baseline_weeks + max(2, round(0.6 * n_treat))
            if n_treat >= 3 and activation_effect > 0
            else None
        )
    elif lapse_week is None:
        lapse = None
    else:
        if int(lapse_week) != lapse_week or not 1 <= lapse_week <= weeks:
            raise ValueError(f"lapse_week must be in 1..{weeks}, 'auto' or None")
        lapse = int(lapse_week)
    rng, used_seed = _seed(seed)
    table = _activity_table(activities, activity_effects)
    graded = None
    if graded_task is not None:
        table, graded = _graded_task(table, graded_task, weeks, baseline_weeks, activation_effect)
    params = {
        "weeks": weeks,
        "entries_per_day": entries_per_day,
        "baseline_weeks": baseline_weeks,
        "client": str(client),
        "avoidance_tendency": float(avoidance_tendency),
        "activation_effect": float(activation_effect),
        "activity_effects": dict(activity_effects or {}),
        "missing_rate": float(missing_rate),
        "lapse_week": lapse_week,
        "start": str(pd.Timestamp(start).date()),
        "noise": float(noise),
        "mood_level": float(mood_level),
        "mood_slope": float(mood_slope),
        "lapse_drop": float(lapse_drop),
        "planned_per_week": None if planned_per_week is None else list(planned_per_week),
        "note_rate": float(note_rate),
        "avoidance_growth": float(avoidance_growth),
        "ramp_weeks": float(ramp_weeks),
    }
    if graded_task is not None:
        params["graded_task"] = {k: (list(v) if k == "steps" else v) for k, v in graded_task.items()}
    log, weeks_tab, daily, p_unpl = _simulate(
        rng,
        names=[str(client)],
        level=np.array([float(mood_level)]),
        slope=np.array([float(mood_slope) * float(activation_effect)]),
        act=np.array([float(activation_effect)]),
        avoid=np.array([float(avoidance_tendency)]),
        lapse=np.array([lapse or 0]),
        start_day=np.array([_monday(start)]),
        table=table,
        graded=graded,
        **_simulate_args(params),
    )
    weeks_tab = weeks_tab.drop(columns="client")
    daily = daily.drop(columns="client")
    p_tab = pd.DataFrame(
        p_unpl[0],
        index=pd.Index(weeks_tab["week"].to_numpy(), name="week"),
        columns=table["activity"].tolist(),
    )
    truth = Truth(
        seed=used_seed,
        params=params,
        activities=table,
        mood_model=_mood_model(params, float(activation_effect)),
        weeks=weeks_tab,
        planned_per_week={
            int(w): int(x) for w, x in zip(weeks_tab["week"], weeks_tab["n_planned"], strict=True)
        },
        avoidance_p={
            int(w): float(x)
            for w, x in zip(weeks_tab["week"], weeks_tab["avoidance_p"], strict=True)
        },
        p_done={
            int(w): float(x) for w, x in zip(weeks_tab["week"], weeks_tab["p_done"], strict=True)
        },
        lapse_week=lapse,
        p_unplanned=p_tab,
        daily=daily,
    )
    if graded is not None:
        truth["graded_task"] = graded.drop(columns="act").reset_index(drop=True)
    log.attrs["truth"] = truth
    return log


def cohort(
    n_clients: int = 40,
    arms: Sequence[str] = ("BA", "control"),
    weeks: int = 8,
    seed=None,
    *,
    entries_per_day: int = 8,
    baseline_weeks: int = 1,
    arm_activation: Mapping[str, float] | None = None,
    mood_level: float = 3.5,
    level_sd: float = 1.0,
    mood_slope: float = 0.15,
    slope_sd: float = 0.05,
    avoidance_tendency: float = 0.35,
    avoidance_sd: float = 0.1,
    engagement_sd: float = 0.25,
    lapse_prob: float = 0.4,
    lapse_drop: float = 1.5,
    missing_rate: float = 0.05,
    noise: float = 1.0,
    note_rate: float = 0.08,
    activities=None,
    activity_effects: Mapping[str, float] | None = None,
    planned_per_week: Sequence[int] | None = None,
    start="2026-03-02",
    enrol_weeks: int = 26,
    sites: Sequence[str] = ("Site A", "Site B", "Site C"),
    prefix: str = "C",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A synthetic trial: many clients' BA logs plus a roster, with ground truth.

    Every client follows the single-client model (module docstring) with
    their own parameters, all generated at once (vectorised over clients):

    * arms: clients are allocated in equal numbers (as near as possible) at
      random; each arm has an activation strength ``arm_activation[arm]``
      (default: first arm 1.0, last arm 0.0 = monitoring only, arms between 0.5);
    * ``level_i ~ N(mood_level, level_sd^2)`` (random intercept);
    * ``slope_i = arm_activation[arm] * mood_slope + N(0, slope_sd^2)``: the
      direct mood gain per treatment week (random slope);
    * behavioural activation ``act_i = arm_activation[arm] * engagement_i``,
      ``engagement_i ~ N(1, engagement_sd^2)`` clipped to 0.3-1.7: scales the
      planned counts, the fall in avoidance and the rise in valued activity
      (with 0, a client only monitors: no plans, constant avoidance);
    * ``avoidance_tendency_i ~ N(avoidance_tendency, avoidance_sd^2)`` clipped to 0.02-0.95;
    * with probability ``lapse_prob`` a lapse in a random week from
      ``baseline_weeks + 2`` to ``weeks`` (any arm: a bad week);
    * start: ``start`` plus a random whole number of weeks in
      ``0 .. enrol_weeks - 1`` (staggered enrolment);
    * roster: ``age`` uniform 18-70, ``gender`` (female 0.6, male 0.37,
      non-binary 0.03), ``site`` uniform over ``sites``; none of them has any
      effect (useful as null checks); ``baseline_phq9 = round(clip(30 - 3.2 *
      level_i + N(0, 2.5^2), 0, 27))`` (lower mood, higher PHQ-9).

    Parameters
    ----------
    n_clients : int, default 40
        How many clients (at least 1).
    arms : sequence of str, default ("BA", "control")
        The arms' names, distinct; the last is the reference arm.
    weeks : int, default 8
        Length of each client's log in weeks.
    seed : int, numpy Generator or None
        As in :func:`client`: the same seed (and arguments) gives the same trial.
    entries_per_day, baseline_weeks, missing_rate, noise, note_rate, activities, activity_effects, planned_per_week : see client
        As in :func:`client`, for every client.
    arm_activation : mapping of str to float, optional
        Activation strength of each arm (>= 0); default: first arm 1.0, last
        arm 0.0, arms between 0.5.
    mood_level, level_sd : float, default 3.5 and 1.0
        Mean and SD of the clients' mood levels (random intercept).
    mood_slope, slope_sd : float, default 0.15 and 0.05
        Direct mood gain per treatment week at activation 1, and its SD between clients.
    avoidance_tendency, avoidance_sd : float, default 0.35 and 0.1
        Mean and SD of the clients' baseline avoidance tendency.
    engagement_sd : float, default 0.25
        SD of the clients' engagement (mean 1), which scales their activation.
    lapse_prob : float, default 0.4
        Chance that a client has a lapse week.
    lapse_drop : float, default 1.5
        Daily mood drop during a lapse week.
    start : date-like, default "2026-03-02"
        The first day of enrolment.
    enrol_weeks : int, default 26
        Clients start in a random one of the first *enrol_weeks* weeks.
    sites : sequence of str, default ("Site A", "Site B", "Site C")
        The roster's sites (no effect on the logs).
    prefix : str, default "C"
        Client ids are *prefix* + a zero-padded number ("C001").

    Returns
    -------
    (log, roster)
        ``log``: the tidy log of all clients (client ids ``prefix`` + zero-padded
        number, e.g. ``"C001"``), sorted by client then time. ``roster``: one row
        per client with ``client, arm, age, gender, baseline_phq9, site, start``.
        ``log.attrs["truth"]`` (also ``roster.attrs["truth"]``) is a :class:`Truth` with
        ``seed``, ``params``, ``activities``, ``mood_model``, ``arm_activation``,
        ``reference_arm`` (the last arm), ``clients`` (per-client level, slope,
        activation, engagement, avoidance_tendency, lapse_week, start),
        ``weeks`` (per client-week schedule and noise-free mean daily mood),
        ``daily`` (per client-day mood components), and the arm effects, each
        a ``{arm: value}`` dict against the reference arm:

        ``arm_effect``: the planted difference in the *direct* mood slope per
        treatment week, ``(arm_activation[arm] - arm_activation[ref]) * mood_slope``;

        ``arm_slope_diff``: the difference, in this sample, between arms in the
        mean per-client least-squares slope of the noise-free weekly mood
        (``truth["weeks"]["mood"]``) over the treatment weeks. It adds the
        behavioural pathway (more valued activities, less avoidance) to the
        direct one, and is what a regression of weekly client mean mood on week,
        over treatment weeks, should recover (up to time-of-day, rounding and
        clipping of entry moods, and noise).

    Examples
    --------
    >>> log, roster = cohort(n_clients=4, weeks=3, seed=1)
    >>> log["client"].unique().tolist()
    ['C001', 'C002', 'C003', 'C004']
    >>> list(roster.columns), roster["arm"].value_counts().sort_index().to_dict()
    (['client', 'arm', 'age', 'gender', 'baseline_phq9', 'site', 'start'], {'BA': 2, 'control': 2})
    """
    _check_common(weeks, entries_per_day, baseline_weeks, missing_rate, noise)
    weeks, entries_per_day, baseline_weeks = int(weeks), int(entries_per_day), int(baseline_weeks)
    if int(n_clients) != n_clients or n_clients < 1:
        raise ValueError("n_clients must be a whole number >= 1")
    n = int(n_clients)
    arms = [str(a) for a in arms]
    if not arms or len(set(arms)) != len(arms):
        raise ValueError("arms must be distinct names")
    if arm_activation is None:
        m = len(arms)
        arm_activation = (
            {a: (1.0 if i == 0 else 0.0 if i == m - 1 else 0.5) for i, a in enumerate(arms)}
            if m > 1
            else {arms[0]: 1.0}
        )
    else:
        missing = [a for a in arms if a not in arm_activation]
        if missing:
            raise ValueError(f"arm_activation has no value for arms {missing}")
        arm_activation = {a: float(arm_activation[a]) for a in arms}
    if any(v < 0 for v in arm_activation.values()):
        raise ValueError("arm_activation values must be >= 0")
    rng, used_seed = _seed(seed)
    table = _activity_table(activities, activity_effects)

    width = max(3, len(str(n)))
    names = [f"{prefix}{i + 1:0{width}d}" for i in range(n)]
    arm_idx = rng.permutation(np.resize(np.arange(len(arms)), n))
    arm_act = np.array([arm_activation[a] for a in arms])[arm_idx]
    level = rng.normal(mood_level, level_sd, n)
    slope = arm_act * mood_slope + rng.normal(0.0, slope_sd, n)
    engagement = np.clip(rng.normal(1.0, engagement_sd, n), 0.3, 1.7)
    act = arm_act * engagement
    avoid = np.clip(rng.normal(avoidance_tendency, avoidance_sd, n), 0.02, 0.95)
    first_lapse = baseline_weeks + 2
    if first_lapse <= weeks:
        has_lapse = rng.random(n) < lapse_prob
        lapse = np.where(has_lapse, rng.integers(first_lapse, weeks + 1, n), 0)
    else:
        lapse = np.zeros(n, dtype=np.int64)
    start_day = _monday(start) + 7 * rng.integers(0, max(1, int(enrol_weeks)), n).astype(
        "timedelta64[D]"
    )
    age = rng.integers(18, 71, n)
    gender = rng.choice(
        np.array(["female", "male", "non-binary"], dtype=object), n, p=[0.6, 0.37, 0.03]
    )
    site = rng.choice(np.asarray(list(sites), dtype=object), n)
    phq9 = np.clip(np.round(30 - 3.2 * level + rng.normal(0, 2.5, n)), 0, 27).astype(np.int64)

    params = {
        "n_clients": n,
        "arms": list(arms),
        "weeks": weeks,
        "entries_per_day": entries_per_day,
        "baseline_weeks": baseline_weeks,
        "arm_activation": dict(arm_activation),
        "mood_level": float(mood_level),
        "level_sd": float(level_sd),
        "mood_slope": float(mood_slope),
        "slope_sd": float(slope_sd),
        "avoidance_tendency": float(avoidance_tendency),
        "avoidance_sd": float(avoidance_sd),
        "engagement_sd": float(engagement_sd),
        "lapse_prob": float(lapse_prob),
        "lapse_drop": float(lapse_drop),
        "missing_rate": float(missing_rate),
        "noise": float(noise),
        "note_rate": float(note_rate),
        "activity_effects": dict(activity_effects or {}),
        "planned_per_week": None if planned_per_week is None else list(planned_per_week),
        "start": str(pd.Timestamp(start).date()),
        "enrol_weeks": int(enrol_weeks),
        "sites": list(sites),
        "prefix": prefix,
    }
    log, weeks_tab, daily, _ = _simulate(
        rng,
        names=names,
        level=level,
        slope=slope,
        act=act,
        avoid=avoid,
        lapse=lapse,
        start_day=start_day,
        table=table,
        **_simulate_args(params),
    )
    arm_names = np.asarray(arms, dtype=object)[arm_idx]
    roster = pd.DataFrame(
        {
            "client": names,
            "arm": arm_names,
            "age": age.astype(np.int64),
            "gender": gender,
            "baseline_phq9": phq9,
            "site": site,
            "start": start_day.astype("datetime64[ns]"),
        }
    ).astype({"client": "str", "arm": "str", "gender": "str", "site": "str"})
    clients_tab = pd.DataFrame(
        {
            "client": names,
            "arm": arm_names,
            "activation": act,
            "engagement": engagement,
            "level": level,
            "slope": slope,
            "avoidance_tendency": avoid,
            "lapse_week": pd.array(np.where(lapse > 0, lapse, 0), dtype="Int64"),
            "start": start_day.astype("datetime64[ns]"),
        }
    ).astype({"client": "str", "arm": "str"})
    clients_tab.loc[lapse == 0, "lapse_week"] = pd.NA
    weeks_tab.insert(1, "arm", np.repeat(arm_names, weeks))
    weeks_tab = weeks_tab.astype({"arm": "str"})

    # noise-free per-client slope over treatment weeks, averaged per arm
    treat_weeks = np.arange(baseline_weeks + 1, weeks + 1)
    mood_w = weeks_tab["mood"].to_numpy().reshape(n, weeks)
    if len(treat_weeks) >= 2:
        x = treat_weeks - treat_weeks.mean()
        y = mood_w[:, baseline_weeks:]
        client_slope = (y - y.mean(axis=1, keepdims=True)) @ x / (x @ x)
    else:
        client_slope = np.full(n, np.nan)
    ref = arms[-1]
    mean_slope = {
        a: float(np.mean(client_slope[arm_idx == i])) if (arm_idx == i).any() else np.nan
        for i, a in enumerate(arms)
    }
    arm_effect = {a: (arm_activation[a] - arm_activation[ref]) * mood_slope for a in arms}
    arm_slope_diff = {a: mean_slope[a] - mean_slope[ref] for a in arms}
    clients_tab["weekly_slope"] = client_slope

    truth = Truth(
        seed=used_seed,
        params=params,
        activities=table,
        mood_model=_mood_model(params, None)
        | {
            "level_sd": float(level_sd),
            "slope_sd": float(slope_sd),
            "phq9": "round(clip(30 - 3.2*level + N(0, 2.5^2), 0, 27))",
        },
        arm_activation=dict(arm_activation),
        reference_arm=ref,
        arm_effect=arm_effect,
        arm_slope_diff=arm_slope_diff,
        arm_mean_slope=mean_slope,
        clients=clients_tab,
        weeks=weeks_tab,
        daily=daily,
    )
    log.attrs["truth"] = truth
    roster.attrs["truth"] = truth
    return log, roster


# --------------------------------------------------------------------------- questionnaires

#: PHQ-9 target total from the week's mood: ``30 - 3.2 * mood`` (as the roster's
#: ``baseline_phq9`` of :func:`cohort`), as a share of 27, kept within these bounds.
_PHQ9_INTERCEPT, _PHQ9_PER_MOOD = 30.0, 3.2
_SEVERITY_BOUNDS = (0.02, 0.98)
#: Item shifts on the logit scale, items 1..9 (some items are endorsed more
#: often than others; item 9 much less often, as in clinical samples).
_PHQ9_ITEM_SHIFT = (0.2, 0.1, 0.5, 0.6, 0.1, 0.0, -0.1, -0.4, -2.0)
_BADS_SF_ITEM_SHIFT = (0.0, 0.2, 0.0, -0.2, 0.1, 0.2, -0.2, 0.1, -0.1)
#: SD (logit scale) of each client's own item profile: a client-specific shift per item.
_ITEM_PROFILE_SD = 0.35
#: BADS-SF Activation (items 2, 3, 4, 5, 9) and Avoidance (items 1, 6, 7, 8) linear
#: predictors (logit scale); see :func:`questionnaires`.
_BADS_ACTIVATION = {"intercept": -1.0, "valued_factor": 2.0, "plans_done": 0.06, "mood": 0.2}
_BADS_AVOIDANCE = {"intercept": -0.4, "avoidance_p": 5.0, "mood": -0.2}
_BADS_SF_ACTIVATION_ITEMS = (2, 3, 4, 5, 9)
_BADS_SF_AVOIDANCE_ITEMS = (1, 6, 7, 8)


def _expit(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _client_weeks_truth(truth, clients: list[str] | None):
    """Per-client (n, W) arrays from a synthetic log's truth: realised and noise-free weekly
    mood, avoidance_p, valued_factor and expected planned activities done; the names and the
    start day of each client."""
    weeks_tab = truth["weeks"]
    daily = truth["daily"]
    params = truth["params"]
    W = int(params["weeks"])
    if "client" in weeks_tab.columns:  # a cohort
        names = truth["clients"]["client"].astype("str").tolist()
        starts = truth["clients"]["start"].to_numpy().astype("datetime64[D]")
    else:  # one client
        names = [str(params["client"])]
        starts = np.array([_monday(params["start"])])
    n_all = len(names)
    pos = {c: i for i, c in enumerate(names)}
    if clients is None:
        idx = np.arange(n_all)
    else:
        unknown = [c for c in clients if c not in pos]
        if unknown:
            raise ValueError(f"clients not in the synthetic truth: {unknown[:10]}")
        idx = np.array(sorted(pos[c] for c in clients), dtype=np.int64)

    def grid(col: str, frame=weeks_tab, per=1) -> np.ndarray:
        return frame[col].to_numpy(dtype="float64").reshape(n_all, W, per)[idx]

    mood = grid("mood", daily, 7).mean(axis=2)  # realised: AR noise included
    mood_expected = grid("mood")[:, :, 0]
    plans_done = (grid("n_planned") * np.nan_to_num(grid("p_done")))[:, :, 0]
    return {
        "names": [names[i] for i in idx],
        "start": starts[idx],
        "mood": mood,
        "mood_expected": mood_expected,
        "avoidance_p": grid("avoidance_p")[:, :, 0],
        "valued_factor": grid("valued_factor")[:, :, 0],
        "plans_done": plans_done,
    }


def questionnaires(log, roster=None, *, seed=None, every_weeks: int = 1,
                   missing_items: float = 0.01) -> pd.DataFrame:
    """Weekly PHQ-9 and BADS-SF answers for the clients of a synthetic log, with ground truth.

    Each client fills in both questionnaires at the end of every
    *every_weeks*-th week of their log (weeks 1, 1 + every_weeks, ...),
    answering from the same weeks the log describes (``log.attrs["truth"]``).
    Item numbers and scoring follow :mod:`bactivate.cohort.questionnaires`
    (``score_phq9``, ``score_bads_sf``); no item wording is involved.

    The generating model, for client ``i`` in week ``w`` (vectorised over
    clients, weeks and items):

    * ``mood[i, w]``: the client's mean *daily* mood that week
      (``truth["daily"]["mood"]``, AR noise included, so the questionnaire and
      the log describe the same good and bad weeks);
    * **PHQ-9** (items 1-9, answers 0-3): severity
      ``s = clip((30 - 3.2 * mood) / 27, 0.02, 0.98)`` -- the relation the
      cohort roster's ``baseline_phq9`` uses, so lower mood gives higher
      PHQ-9 -- and item ``j`` is ``Binomial(3, p)`` with
      ``p = expit(logit(s) + shift_j + u[i, j])``;
    * **BADS-SF Activation** (items 2, 3, 4, 5, 9, answers 0-6):
      ``Binomial(6, expit(eta_act + shift_j + u[i, j]))`` with
      ``eta_act = -1.0 + 2.0 * (valued_factor - 1) + 0.06 * plans_done
      + 0.2 * (mood - mood_level)``: more spontaneous valued activity
      (``truth["weeks"]["valued_factor"]``), more planned activities carried
      out (``n_planned * p_done``) and better mood give higher Activation;
    * **BADS-SF Avoidance** (items 1, 6, 7, 8):
      ``eta_avoid = -0.4 + 5.0 * (avoidance_p - avoidance_tendency)
      - 0.2 * (mood - mood_level)``: more avoidance
      (``truth["weeks"]["avoidance_p"]``) and lower mood give higher Avoidance;
    * ``shift_j``: fixed item shifts (:data:`_PHQ9_ITEM_SHIFT`,
      :data:`_BADS_SF_ITEM_SHIFT`; PHQ-9 item 9 is endorsed much less often);
      ``u[i, j] ~ N(0, 0.35^2)``: each client's own item profile;
    * ``mood_level`` and ``avoidance_tendency`` are the generator's
      parameters (``truth["params"]``), so a control arm stays near
      Activation 8-9 of 30 and Avoidance 9-10 of 24 while a BA client's Activation rises
      and Avoidance falls as activation takes hold.

    The item-level noise is the binomial draw (item SD up to 0.87 on the
    PHQ-9, so a total's SD is about 2-2.5 points). Then each answer is left
    blank with probability *missing_items*, independently, so that scoring
    meets some missing items: a PHQ-9 with one or two blanks is prorated, a
    BADS-SF subscale with a blank has no score.

    Parameters
    ----------
    log : DataFrame
        A log from :func:`client` or :func:`cohort` (with ``attrs["truth"]``);
        questionnaires are made for the clients in it.
    roster : DataFrame, optional
        A roster with ``client`` and ``start`` columns (as :func:`cohort`
        returns): weeks and dates count from its ``start``; only clients in
        both the log and the roster get questionnaires. By default the start
        dates are the truth's (the same for a roster from :func:`cohort`).
    seed : int, numpy Generator or None
        The same seed (and log) gives the same answers.
    every_weeks : int
        Weeks between questionnaires (1 = weekly).
    missing_items : float
        Probability that any one answer is blank (0 for none).

    Returns
    -------
    DataFrame
        One row per client and questionnaire week: ``client``, ``week`` (1 =
        the first week of the client's log), ``date`` (the last day of that
        week), ``phq9_1`` .. ``phq9_9`` (0-3), ``bads_sf_1`` .. ``bads_sf_9``
        (0-6); answers are ``Int64`` with ``<NA>`` for a blank. ``attrs["truth"]``
        is a :class:`Truth` with ``seed``, ``params``, ``model`` (the
        formulas and coefficients above), ``items`` (each item's instrument,
        subscale and shift), ``profile`` (each client's ``u[i, j]``, one row
        per client), ``missing`` (one row per blank answer: client, week,
        item) and ``weeks``: one row per client-week with ``mood``,
        ``mood_expected`` (noise-free, ``truth["weeks"]["mood"]`` of the log),
        ``avoidance_p``, ``valued_factor``, ``plans_done``, ``phq9_severity``
        (``s``) and the exact expected scores before blanks:
        ``phq9_expected`` (total, 0-27), ``bads_sf_activation_expected``
        (0-30), ``bads_sf_avoidance_expected`` (0-24) and
        ``bads_sf_total_expected`` (0-54, Avoidance reversed).

    Examples
    --------
    >>> import bactivate as ba
    >>> log, roster = ba.synth.cohort(n_clients=4, weeks=3, seed=1, entries_per_day=2)
    >>> q = ba.synth.questionnaires(log, roster, seed=2)
    >>> q.shape, list(q.columns[:4])
    ((12, 21), ['client', 'week', 'date', 'phq9_1'])
    >>> ba.score_phq9(q)["phq9_total"].between(0, 27).all()
    np.True_
    """
    if not isinstance(log, pd.DataFrame):
        raise TypeError(f"questionnaires takes a synthetic log (a DataFrame), not {type(log).__name__}")
    truth = log.attrs.get("truth")
    if truth is None and roster is not None:
        truth = getattr(roster, "attrs", {}).get("truth")
    if truth is None or "daily" not in truth or "weeks" not in truth:
        raise ValueError("questionnaires needs a log from bactivate.synth.client or synth.cohort "
                         "(with its ground truth in attrs['truth'])")
    if isinstance(every_weeks, bool) or int(every_weeks) != every_weeks or every_weeks < 1:
        raise ValueError(f"every_weeks must be a whole number >= 1, not {every_weeks!r}")
    every_weeks = int(every_weeks)
    if not 0.0 <= float(missing_items) < 1.0:
        raise ValueError(f"missing_items must be in [0, 1), not {missing_items!r}")
    missing_items = float(missing_items)

    clients = pd.unique(log["client"].dropna().astype("str")).tolist() if "client" in log else None
    start_override = None
    if roster is not None:
        if not isinstance(roster, pd.DataFrame) or "client" not in roster.columns:
            raise ValueError("roster must be a DataFrame with a 'client' column")
        listed = roster["client"].astype("str")
        clients = [c for c in (clients if clients is not None else listed.tolist())
                   if c in set(listed)]
        if "start" in roster.columns:
            start_override = dict(zip(listed, pd.to_datetime(roster["start"]), strict=True))
    wk = _client_weeks_truth(truth, clients)
    names = wk["names"]
    if not names:
        raise ValueError("no clients to make questionnaires for (none in both the log and the roster)")
    if start_override is not None:
        wk["start"] = np.array([_monday(start_override[c]) for c in names])
    rng, used_seed = _seed(seed)
    params_log = truth["params"]
    mood_level = float(params_log["mood_level"])
    avoid_level = float(params_log["avoidance_tendency"])
    W = int(params_log["weeks"])
    week_no = np.arange(1, W + 1, every_weeks)
    cols = week_no - 1
    n, K = len(names), len(week_no)

    mood = wk["mood"][:, cols]
    avoid_p = wk["avoidance_p"][:, cols]
    valued = wk["valued_factor"][:, cols]
    plans = wk["plans_done"][:, cols]

    # latent predictors (n, K)
    lo, hi = _SEVERITY_BOUNDS
    sev = np.clip((_PHQ9_INTERCEPT - _PHQ9_PER_MOOD * mood) / 27.0, lo, hi)
    eta_phq = np.log(sev / (1.0 - sev))
    a, v = _BADS_ACTIVATION, _BADS_AVOIDANCE
    eta_act = (a["intercept"] + a["valued_factor"] * (valued - 1.0) + a["plans_done"] * plans
               + a["mood"] * (mood - mood_level))
    eta_avoid = (v["intercept"] + v["avoidance_p"] * (avoid_p - avoid_level)
                 + v["mood"] * (mood - mood_level))

    # item probabilities (n, K, 9) and answers
    u_phq = rng.normal(0.0, _ITEM_PROFILE_SD, size=(n, 9))
    u_bads = rng.normal(0.0, _ITEM_PROFILE_SD, size=(n, 9))
    p_phq = _expit(eta_phq[:, :, None] + np.asarray(_PHQ9_ITEM_SHIFT)[None, None, :]
                   + u_phq[:, None, :])
    is_act = np.isin(np.arange(1, 10), _BADS_SF_ACTIVATION_ITEMS)
    eta_bads = np.where(is_act[None, None, :], eta_act[:, :, None], eta_avoid[:, :, None])
    p_bads = _expit(eta_bads + np.asarray(_BADS_SF_ITEM_SHIFT)[None, None, :] + u_bads[:, None, :])
    phq = rng.binomial(3, p_phq)
    bads = rng.binomial(6, p_bads)
    blank_phq = rng.random(phq.shape) < missing_items
    blank_bads = rng.random(bads.shape) < missing_items

    rows = n * K
    client_col = np.repeat(np.asarray(names, dtype=object), K)
    week_col = np.tile(week_no, n).astype(np.int64)
    date = (wk["start"].astype("datetime64[D]")[:, None] + (7 * week_no - 1)[None, :])
    out = pd.DataFrame({
        "client": pd.Series(client_col, dtype="str"),
        "week": week_col,
        "date": date.ravel().astype("datetime64[ns]"),
    })
    items = {}
    for j in range(9):  # nine items per instrument
        items[f"phq9_{j + 1}"] = pd.arrays.IntegerArray(
            phq[:, :, j].reshape(rows).astype("int64"), blank_phq[:, :, j].reshape(rows))
    for j in range(9):
        items[f"bads_sf_{j + 1}"] = pd.arrays.IntegerArray(
            bads[:, :, j].reshape(rows).astype("int64"), blank_bads[:, :, j].reshape(rows))
    out = pd.concat([out, pd.DataFrame(items)], axis=1)

    # ---- truth
    act_idx = [i - 1 for i in _BADS_SF_ACTIVATION_ITEMS]
    avo_idx = [i - 1 for i in _BADS_SF_AVOIDANCE_ITEMS]
    exp_act = 6.0 * p_bads[:, :, act_idx].sum(axis=2)
    exp_avo = 6.0 * p_bads[:, :, avo_idx].sum(axis=2)
    weeks_truth = pd.DataFrame({
        "client": pd.Series(client_col, dtype="str"),
        "week": week_col,
        "date": out["date"].to_numpy(),
        "mood": mood.ravel(),
        "mood_expected": wk["mood_expected"][:, cols].ravel(),
        "avoidance_p": avoid_p.ravel(),
        "valued_factor": valued.ravel(),
        "plans_done": plans.ravel(),
        "phq9_severity": sev.ravel(),
        "phq9_expected": 3.0 * p_phq.sum(axis=2).ravel(),
        "bads_sf_activation_expected": exp_act.ravel(),
        "bads_sf_avoidance_expected": exp_avo.ravel(),
        "bads_sf_total_expected": (exp_act + (6.0 * len(avo_idx) - exp_avo)).ravel(),
    })
    item_names = [f"phq9_{j}" for j in range(1, 10)] + [f"bads_sf_{j}" for j in range(1, 10)]
    items_tab = pd.DataFrame({
        "item": item_names,
        "instrument": ["PHQ-9"] * 9 + ["BADS-SF"] * 9,
        "subscale": ["total"] * 9 + ["activation" if x else "avoidance" for x in is_act],
        "answers": ["0-3"] * 9 + ["0-6"] * 9,
        "shift": list(_PHQ9_ITEM_SHIFT) + list(_BADS_SF_ITEM_SHIFT),
    }).astype({"item": "str", "instrument": "str", "subscale": "str", "answers": "str"})
    profile = pd.DataFrame(np.hstack([u_phq, u_bads]), columns=item_names)
    profile.insert(0, "client", pd.Series(names, dtype="str"))
    blank = np.concatenate([blank_phq, blank_bads], axis=2).reshape(rows, 18)
    r_idx, c_idx = np.nonzero(blank)
    missing = pd.DataFrame({
        "client": pd.Series(client_col[r_idx], dtype="str"),
        "week": week_col[r_idx],
        "item": pd.Series(np.asarray(item_names, dtype=object)[c_idx], dtype="str"),
    })
    out.attrs["truth"] = Truth(
        seed=used_seed,
        params={"every_weeks": every_weeks, "missing_items": missing_items,
                "weeks": [int(w) for w in week_no], "log_seed": truth.get("seed")},
        model={
            "mood": "mean daily mood of the week (log truth['daily']['mood'], AR noise included)",
            "phq9": "s = clip((30 - 3.2*mood)/27, 0.02, 0.98); item_j ~ Binomial(3, "
                    "expit(logit(s) + shift_j + u_ij))",
            "bads_sf_activation": "items 2,3,4,5,9 ~ Binomial(6, expit(-1.0 + 2.0*(valued_factor-1)"
                                  " + 0.06*plans_done + 0.2*(mood - mood_level) + shift_j + u_ij))",
            "bads_sf_avoidance": "items 1,6,7,8 ~ Binomial(6, expit(-0.4 + 5.0*(avoidance_p - "
                                 "avoidance_tendency) - 0.2*(mood - mood_level) + shift_j + u_ij))",
            "profile_sd": _ITEM_PROFILE_SD,
            "mood_level": mood_level,
            "avoidance_tendency": avoid_level,
            "phq9_intercept": _PHQ9_INTERCEPT,
            "phq9_per_mood": _PHQ9_PER_MOOD,
            "severity_bounds": _SEVERITY_BOUNDS,
            "bads_sf_activation_coef": dict(_BADS_ACTIVATION),
            "bads_sf_avoidance_coef": dict(_BADS_AVOIDANCE),
            "missing": f"each answer blank with probability {missing_items}, independently",
            "date": "the last day of the questionnaire week (start + 7*week - 1 days)",
        },
        items=items_tab,
        profile=profile,
        missing=missing,
        weeks=weeks_truth,
    )
    return out
