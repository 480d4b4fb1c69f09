"""The tidy log's rows as the analyses read them: checks, the calendar, flags, a one-line description.

>>> import bactivate as ba
>>> from bactivate._log import happened
>>> log = ba.synth.client(weeks=2, seed=1)
>>> len(happened(log)) <= len(log)
True
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bactivate._util import plural

#: Weekday names, Monday first, for ordered categories.
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def require(log: pd.DataFrame, columns=("start",), what: str = "this analysis") -> None:
    """Raise a clear ``ValueError`` unless *log* is a DataFrame with *columns*."""
    if not isinstance(log, pd.DataFrame):
        raise TypeError(f"{what} takes a tidy log (a DataFrame from bactivate.read_log), "
                        f"not {type(log).__name__}")
    missing = [c for c in columns if c not in log.columns]
    if missing:
        raise ValueError(f"{what} needs the tidy log's columns {missing}; "
                         "load the log with bactivate.read_log()")


def happened(log: pd.DataFrame) -> pd.DataFrame:
    """Rows of activities that took place: planned-and-skipped rows (done == False) left out."""
    if "done" not in log.columns:
        return log
    skipped = log["planned"].fillna(False).astype(bool) & (log["done"] == False)  # noqa: E712
    return log[~skipped.fillna(False).to_numpy(bool)]


def with_calendar(log: pd.DataFrame, week_start=None) -> pd.DataFrame:
    """The log with ``day``, ``week`` (1 = the first 7 days of the log), ``hour``, ``weekday``.

    ``hour`` is missing on rows whose time is unknown (the ``time_unknown`` column).

    Weeks count from the first logged day (or *week_start*), because a BA week
    starts when monitoring starts, not on a calendar Monday.
    """
    start = log["start"]
    day = start.dt.normalize()
    first = pd.Timestamp(week_start) if week_start is not None else day.min()
    week = ((day - first).dt.days // 7 + 1).astype("Int64")
    codes = start.dt.day_of_week.fillna(-1).astype("int64").to_numpy()
    weekday = pd.Categorical.from_codes(codes, categories=list(WEEKDAYS), ordered=True)
    hour = start.dt.hour.astype("Int64")
    if "time_unknown" in log.columns:  # placed on its day, the time not known: no hour
        hour = hour.mask(log["time_unknown"].fillna(False).astype(bool))
    return log.assign(day=day, week=week, hour=hour, weekday=weekday)


def filter_weeks(log: pd.DataFrame, weeks=None) -> pd.DataFrame:
    """Only the entries in *weeks* (1 = the log's first 7 days); ``None`` keeps all.

    Weeks count from the log's first logged day, as in the analyses.

    Parameters
    ----------
    log : pandas.DataFrame
        The tidy log of one client.
    weeks : int, list of int, range or None, default None
        The weeks to keep.

    Returns
    -------
    pandas.DataFrame
        The rows of *log* in those weeks (its columns and attrs unchanged).

    Raises
    ------
    ValueError
        When no entry is in those weeks, or no row of the log has a date.

    Examples
    --------
    >>> import bactivate as ba
    >>> log = ba.synth.client(weeks=4, seed=1)
    >>> len(log), len(ba.filter_weeks(log, [3, 4]))
    (212, 106)
    >>> sorted(ba.filter_weeks(log, [3, 4])["start"].dt.isocalendar().week.unique().tolist())
    [12, 13]
    """
    if weeks is None:
        return log
    if isinstance(weeks, int):
        weeks = [weeks]
    wanted = [int(w) for w in weeks]
    if len(log) and log["start"].isna().all():
        raise ValueError(f"no dated entries: weeks {wanted} cannot be chosen from a log whose rows "
                         "have no date")
    week = with_calendar(log)["week"]
    out = log[week.isin(wanted).fillna(False).to_numpy(bool)]
    if out.empty and len(log):
        raise ValueError(f"no entries in weeks {wanted}; the log covers weeks 1 to {int(week.max())}")
    return out


def describe(log: pd.DataFrame) -> str:
    """One line about a log: who, from when to when, how many days and entries.

    Parameters
    ----------
    log : pandas.DataFrame
        A tidy log (one client's or a cohort's; up to five clients are named).

    Returns
    -------
    str
        "<client>: <first day> to <last day> (<n> days, <n> with entries,
        <n> entries)", with ", <n> rows" when entries span several rows (a
        Daylio entry with three activities).

    Examples
    --------
    >>> import bactivate as ba
    >>> ba.describe(ba.synth.client(weeks=2, seed=1, client="Alex"))
    'Alex: 2 Mar 2026 to 15 Mar 2026 (14 days, 14 with entries, 110 entries)'
    """
    require(log, ("client", "start"), "describe()")
    if log.empty:
        return "an empty log: no entries"
    who = ", ".join(log["client"].dropna().unique()[:5]) or "unknown client"
    if log["start"].isna().all():
        return f"{who}: {plural(len(log), 'entry')}, none dated"
    first, last = log["start"].min(), log["start"].max()
    days = log["start"].dt.normalize().nunique()
    span = (last.normalize() - first.normalize()).days + 1
    # rows of one entry (a Daylio entry with three activities) share its entry id
    entries = len(log.drop_duplicates(["client", "entry"])) if "entry" in log.columns else len(log)
    rows = "" if entries == len(log) else f", {len(log)} rows"
    return (f"{who}: {first.day} {first:%b %Y} to {last.day} {last:%b %Y} "
            f"({span} days, {days} with entries, {entries} entries{rows})")


# --------------------------------------------------------------------------- vectorised helpers
# The cohort analyses (client_summary, client_weeks, progress(by="client"),
# mood_by_activity(by=["client", ...])) work on NumPy arrays of group codes:
# one pass of ``np.bincount`` per sum instead of one pandas groupby per column.


def day_numbers(start: pd.Series) -> np.ndarray:
    """Whole days since 1970-01-01 of each (non-missing) timestamp, as int64."""
    return start.to_numpy().astype("datetime64[D]").astype("int64")


def days_to_datetime(days: np.ndarray, like: pd.Series) -> np.ndarray:
    """Day numbers back to midnight timestamps with the dtype of *like* (a datetime column)."""
    out = np.asarray(days, dtype="int64").astype("datetime64[D]")
    dtype = like.dtype if isinstance(like.dtype, np.dtype) else np.dtype("datetime64[ns]")
    return out.astype(dtype)


def flags(log: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``planned``, ``done`` (planned and carried out) and ``happened`` as boolean arrays.

    ``happened`` is :func:`happened` as a mask: every row except planned rows with
    ``done == False``.
    """
    planned = log["planned"].fillna(False).to_numpy(dtype=bool)
    if "done" not in log.columns:
        return planned, np.zeros(len(log), bool), np.ones(len(log), bool)
    done_col = log["done"]
    done = planned & done_col.fillna(False).to_numpy(dtype=bool)
    skipped = planned & (done_col == False).fillna(False).to_numpy(dtype=bool)  # noqa: E712
    return planned, done, ~skipped


def bare(log: pd.DataFrame) -> pd.DataFrame:
    """*log* without its ``attrs`` (no copy of the data).

    pandas deep-copies ``attrs`` into every column and slice taken from a frame;
    a cohort's attrs (rejected rows, files, roster) make that the largest cost
    of a small analysis. The analyses work on this view and set their own attrs.
    """
    return pd.DataFrame(log)
