"""The data generator of the validation study: AR(1) daily mood and four kinds of activity.

Written from scratch with NumPy, independent of :mod:`bactivate.synth` (whose
model the analyses were developed against), so that the study does not check
the code against its own assumptions.

The model
---------
Days ``d = 0 .. 7 * weeks - 1`` start on a Monday (so week ``w = d // 7 + 1``
is both the analyses' "7 days from the first day" and the calendar week).

**Mood.** ``latent[d] = mean + trend * d / 7 + effect * A_tested[d] + e[d]`` with
``e[d] = phi * e[d-1] + u[d]``, ``u[d] ~ N(0, sd^2 (1 - phi^2))`` and a
stationary start ``e[0] ~ N(0, sd^2)``: the marginal SD of ``e`` is *sd* (1.5
by default, on the 0-10 scale, around a mean of 5) whatever *phi*. The rating
is ``latent`` clipped to 0-10 (about 0.1% of days clip with the defaults), or,
with ``integer=True``, also rounded to a whole number as people rate.

**Activities** (``present[d, a]``, the activity happened on day *d*):

* ``independent``: Bernoulli(p) every day, p drawn uniform in 0.25-0.50 per activity;
* ``persistent``: a two-state Markov chain that keeps its state from one day
  to the next with probability *stay* (0.8), started from its stationary
  distribution (half the days): runs of days with and without it;
* ``weekday``: the same 2 or 3 weekdays every week (drawn per activity), e.g.
  a class on Tuesdays and Thursdays;
* ``rising``: Bernoulli with a probability rising linearly from 0.10 on the
  first day to 0.70 on the last, as activation grows over treatment, so that it
  is confounded with any trend in mood.

Every simulated client has the 11 null activities of :data:`NULL_MIX` (no
effect on mood) and one ``tested`` activity of a chosen kind whose presence
adds *effect* to that day's mood. Its true within-week difference (what
``mood_by_activity`` estimates) is *effect*: the AR(1) noise is independent of
every activity, and the trend is the same for days with and without it within
a week up to its within-week slope (zero for ``trend=0``, the default).

>>> import numpy as np
>>> c = simulate_client(np.random.default_rng(1), phi=0.3)
>>> c.mood.shape, c.present.shape, len(c.names)
((56,), (56, 12), 12)
>>> log = to_log(c)
>>> list(log.columns[:5])
['client', 'entry', 'start', 'end', 'activity']
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from bactivate.schema import TIDY_COLUMNS

#: The kinds of activity the generator makes.
KINDS: tuple[str, ...] = ("independent", "persistent", "weekday", "rising")

#: The null activities of every simulated client (11, of mixed kinds).
NULL_MIX: tuple[str, ...] = ("independent",) * 3 + ("persistent",) * 3 + ("weekday",) * 3 + ("rising",) * 2

#: The first day of every simulated log (a Monday).
START = pd.Timestamp("2026-01-05")

#: Name of the activity that carries the effect (when there is one).
TESTED = "tested"


@dataclass(frozen=True)
class Client:
    """One simulated client: daily mood, which activities happened, and the truth."""

    latent: np.ndarray  # (days,) continuous mood before clipping / rounding
    mood: np.ndarray  # (days,) the rating: latent clipped to 0-10 (rounded when integer)
    present: np.ndarray  # (days, activities) bool
    names: tuple[str, ...]  # activity names, the tested one last
    kinds: tuple[str, ...]  # kind of each activity
    truth: np.ndarray  # (activities,) true within-week difference with - without
    phi: float
    weeks: int
    integer: bool = False

    @property
    def n_days(self) -> int:
        """Days in the log."""
        return len(self.mood)

    def with_trend(self, per_week: float) -> Client:
        """The same client with a linear trend of *per_week* mood points a week added to mood."""
        latent = self.latent + per_week * np.arange(self.n_days) / 7.0
        return replace(self, latent=latent, mood=observe(latent, self.integer))


def observe(latent: np.ndarray, integer: bool = False) -> np.ndarray:
    """The rating of a latent mood: clipped to 0-10, rounded to whole numbers with *integer*."""
    out = np.clip(latent, 0.0, 10.0)
    return np.round(out) if integer else out


def ar1(rng: np.random.Generator, n: int, phi: float, sd: float = 1.5, size: int | None = None) -> np.ndarray:
    """Stationary AR(1) series of length *n* with marginal SD *sd* (shape ``(size, n)`` or ``(n,)``).

    >>> x = ar1(np.random.default_rng(0), 20000, 0.6)
    >>> round(float(np.corrcoef(x[:-1], x[1:])[0, 1]), 1), round(float(x.std()), 1)
    (0.6, 1.5)
    """
    if not -1 < phi < 1:
        raise ValueError(f"phi must be in (-1, 1), not {phi}")
    shape = (1 if size is None else size, n)
    z = rng.standard_normal(shape)
    e = np.empty(shape)
    e[:, 0] = sd * z[:, 0]
    scale = sd * np.sqrt(1.0 - phi * phi)
    for t in range(1, n):
        e[:, t] = phi * e[:, t - 1] + scale * z[:, t]
    return e[0] if size is None else e


def markov(rng: np.random.Generator, n: int, stay: float = 0.8, size: int | None = None) -> np.ndarray:
    """Two-state Markov chains (bool) that keep their state with probability *stay*, stationary start."""
    shape = (1 if size is None else size, n)
    switch = rng.random(shape) >= stay
    switch[:, 0] = rng.random(shape[0]) < 0.5  # stationary start: half the chains begin "on"
    out = (np.cumsum(switch, axis=1) % 2).astype(bool)
    return out[0] if size is None else out


def activity(rng: np.random.Generator, kind: str, n_days: int, *, stay: float = 0.8) -> np.ndarray:
    """One activity's days (bool, length *n_days*, day 0 a Monday) of the given *kind*."""
    if kind == "independent":
        return rng.random(n_days) < rng.uniform(0.25, 0.50)
    if kind == "persistent":
        return markov(rng, n_days, stay)
    if kind == "weekday":
        k = int(rng.integers(2, 4))
        days = rng.choice(7, size=k, replace=False)
        return np.isin(np.arange(n_days) % 7, days)
    if kind == "rising":
        return rng.random(n_days) < np.linspace(0.10, 0.70, n_days)
    raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")


def simulate_client(rng: np.random.Generator, *, weeks: int = 8, phi: float = 0.3, tested: str = "independent",
                    effect: float = 0.0, trend: float = 0.0, integer: bool = False, mean: float = 5.0,
                    sd: float = 1.5, stay: float = 0.8) -> Client:
    """One client: the 11 null activities of :data:`NULL_MIX`, the *tested* one, and AR(1) mood.

    Parameters
    ----------
    rng : numpy.random.Generator
    weeks : int, default 8
        Length of the log (4, 8 and 12 are the study's options).
    phi : float, default 0.3
        Lag-1 autocorrelation of the mood noise.
    tested : str, default "independent"
        Kind of the tested activity (one of :data:`KINDS`).
    effect : float, default 0.0
        Mood points added on days with the tested activity (0: null).
    trend : float, default 0.0
        Mood points added per week (a linear trend over the whole log).
    integer : bool, default False
        Round ratings to whole numbers.
    mean, sd : float
        Mean and marginal SD of the mood noise.
    stay : float, default 0.8
        Stay probability of persistent activities.
    """
    n = 7 * weeks
    kinds = (*NULL_MIX, tested)
    present = np.column_stack([activity(rng, k, n, stay=stay) for k in kinds])
    names = tuple(f"{k} {i + 1}" for i, k in enumerate(NULL_MIX)) + (TESTED,)
    truth = np.zeros(len(kinds))
    truth[-1] = effect
    latent = mean + ar1(rng, n, phi, sd) + effect * present[:, -1] + trend * np.arange(n) / 7.0
    return Client(latent=latent, mood=observe(latent, integer), present=present, names=names, kinds=kinds,
                  truth=truth, phi=phi, weeks=weeks, integer=integer)


def to_log(client: Client, name: str = "sim") -> pd.DataFrame:
    """The client as a tidy log (``bactivate.schema`` columns and dtypes), one entry per day.

    Each day is one entry at 20:00 holding one row per activity that happened
    (unplanned, so it counts as done), or one row with no activity on a day
    without any, so that every day carries its mood. Every row of a day has the
    day's mood. ``category`` holds the activity's kind.
    """
    return to_logs([client], [name])


def to_logs(clients: list[Client], names: list[str]) -> pd.DataFrame:
    """Several clients as one tidy log (a cohort's), client *names[i]* from *clients[i]*: see :func:`to_log`."""
    parts = [_log_arrays(c, n) for c, n in zip(clients, names, strict=True)]
    cols = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    n = len(cols["entry"])
    cols["source"] = np.array([f"simulated:{c}:{i + 1}" for c, i in zip(cols["client"], cols.pop("row"),
                                                                         strict=True)], dtype=object)
    nan, na = np.full(n, np.nan), pd.array(np.full(n, pd.NA), dtype="boolean")
    frame = {"client": cols["client"], "entry": cols["entry"], "start": cols["start"],
             "end": np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]"), "activity": cols["activity"],
             "category": cols["category"], "mastery": nan, "pleasure": nan, "mood": cols["mood"], "effort": nan,
             "planned": na, "done": na, "avoidance": na, "note": np.full(n, None, dtype=object),
             "source": cols["source"]}
    return pd.DataFrame({c: pd.Series(frame[c], dtype=TIDY_COLUMNS[c], copy=False) for c in TIDY_COLUMNS})


def _log_arrays(client: Client, name: str) -> dict[str, np.ndarray]:
    """The rows of one client's log as arrays (day order; activities in the client's order within a day)."""
    day, act = np.nonzero(client.present)
    empty = np.flatnonzero(~client.present.any(axis=1))
    day = np.r_[day, empty]
    act = np.r_[act, np.full(len(empty), -1)]
    order = np.lexsort((act, day))
    day, act = day[order], act[order]
    names = np.array([*client.names, None], dtype=object)
    kinds = np.array([*client.kinds, None], dtype=object)
    return {"client": np.full(len(day), name, dtype=object), "entry": (day + 1).astype("int64"),
            "start": (START.to_datetime64() + (day * 24 + 20).astype("timedelta64[h]")).astype("datetime64[ns]"),
            "activity": names[act], "category": kinds[act], "mood": client.mood[day],
            "row": np.arange(len(day))}
