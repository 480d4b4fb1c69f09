"""The tidy log's rows as the analyses read them: checks, the calendar, flags, a one-line description.

>>> import bactivate as ba
>>> from bactivate._log import happened
>>> log = ba.synth.client(weeks=2, seed=1)
>>> len(happened(log)) <= len(log)
True
"""

from __future__ import annotations

import re

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


#: The fields :func:`recorded` reports on, in its order.
FIELDS = ("activity", "category", "mastery", "pleasure", "mood", "effort", "planned", "done", "avoidance",
          "time_of_day", "dates")

#: The words a week can start on (``week_start="Sun"``), lower case, to the weekday (Monday = 0).
_WEEKDAY_WORDS = {w: i for i, names in enumerate(
    (("mon", "monday"), ("tue", "tues", "tuesday"), ("wed", "weds", "wednesday"),
     ("thu", "thur", "thurs", "thursday"), ("fri", "friday"), ("sat", "saturday"), ("sun", "sunday")))
    for w in names}

#: A sheet named like a numbered week: "Week 1", "Wk 2", "week 3 (12-18 May)", "Wk. 4"
#: (not "Week of 2026-03-02", not "Weekly notes").
WEEK_SHEET = r"(?i)^\s*(?:week|wk)\.?\s*(\d{1,3})(?![\d/.:-])"

#: The sheet in a source "file:sheet:row".
_SHEET = re.compile(r"^.*:([^:]*):[^:]*$")

#: How :func:`with_calendar` numbers weeks (its *weeks_from*).
WEEKS_FROM = ("auto", "sheet", "calendar", "first day")

_MONTHS = np.array(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
                   dtype=object)


def recorded(log: pd.DataFrame) -> dict[str, bool]:
    """Which things a log records: a field is recorded when at least one row has a value.

    Missing is not zero: an analysis of a field the log does not record
    reports it as unknown (``NA``), and the report says "not recorded in this
    log" instead of showing 0% or an empty plot. This is the one place that
    decides what "recorded" means.

    Parameters
    ----------
    log : pandas.DataFrame
        A tidy log (one client's or a cohort's; a column it lacks is not recorded).

    Returns
    -------
    dict of str to bool
        One key per field of :data:`FIELDS`:

        * ``"activity"``, ``"category"``, ``"mastery"``, ``"pleasure"``,
          ``"mood"``, ``"effort"``: at least one row has a value;
        * ``"planned"``, ``"done"``, ``"avoidance"``: the column has at least
          one value that is not ``<NA>`` (``False`` is a value: "not avoidance");
        * ``"time_of_day"``: at least one dated row has a known time, i.e. its
          ``time_unknown`` column (when the log has one) is not True and its
          start is not exactly midnight; False for a log of dates only (a
          Daylio export without times, where every start is 00:00);
        * ``"dates"``: at least one row has a start.

    Examples
    --------
    >>> import bactivate as ba
    >>> log = ba.synth.client(weeks=2, seed=1)
    >>> ba.recorded(log)["avoidance"], ba.recorded(log)["time_of_day"]
    (True, True)
    >>> diary = log.assign(avoidance=pd.NA, start=log["start"].dt.normalize())
    >>> {k: v for k, v in ba.recorded(diary).items() if not v}
    {'avoidance': False, 'time_of_day': False}
    """
    require(log, (), "recorded()")
    out = {}
    for field in FIELDS[:-2]:
        out[field] = bool(field in log.columns and log[field].notna().any())
    if "start" not in log.columns:
        return {**out, "time_of_day": False, "dates": False}
    start = log["start"]
    known = start.notna()
    if "time_unknown" in log.columns:
        known &= ~log["time_unknown"].fillna(False).astype(bool)
    out["time_of_day"] = bool((known & start.ne(start.dt.normalize())).any())
    out["dates"] = bool(start.notna().any())
    return out


def _week_anchor(week_start) -> tuple[int, pd.Timestamp | None]:
    """``(weekday, date)`` of *week_start*: a weekday name or number (date None), or a date.

    None is Monday.
    """
    if week_start is None:
        return 0, None
    if isinstance(week_start, (int, np.integer)) and not isinstance(week_start, bool):
        if 0 <= int(week_start) <= 6:
            return int(week_start), None
    elif isinstance(week_start, str) and week_start.strip().lower() in _WEEKDAY_WORDS:
        return _WEEKDAY_WORDS[week_start.strip().lower()], None
    try:
        day = pd.Timestamp(week_start)
    except (TypeError, ValueError):
        day = pd.NaT
    if pd.isna(day):
        raise ValueError(f"week_start={week_start!r} is neither a weekday (e.g. 'Mon', 'Sunday', 0 = Monday) "
                         "nor a date (e.g. '2026-03-02')")
    return int(day.day_of_week), day.normalize()


def sheet_weeks(source: pd.Series) -> pd.Series:
    """The week number of each row's sheet, when the sheet is named like a week.

    The sheet is the middle part of ``source`` ("file:sheet:row"); a source
    with no sheet ("file:row") or a sheet with another name gives ``<NA>``.

    Parameters
    ----------
    source : pandas.Series
        The tidy log's ``source`` column.

    Returns
    -------
    pandas.Series
        Int64 week numbers (see :data:`WEEK_SHEET`), with the index of *source*.

    Examples
    --------
    >>> import pandas as pd
    >>> src = pd.Series(["log.xlsx:Week 1:5", "log.xlsx:Wk 2:C7", "a.xlsx:week 3 (12-18 May):9",
    ...                  "log.xlsx:Notes:3", "diary.csv:14", None])
    >>> sheet_weeks(src).tolist()
    [1, 2, 3, <NA>, <NA>, <NA>]
    """
    sheet = source.astype("str").str.extract(_SHEET.pattern, expand=False)
    number = sheet.str.extract(WEEK_SHEET, expand=False)
    return pd.to_numeric(number).astype("Int64")


def _all_from_week_sheets(log: pd.DataFrame, groups: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(sheet week of each row as float, NaN if none; whether every row of each group has one).

    Only groups whose first row comes from a week sheet are parsed in full
    (a tidy CSV's sources are never parsed row by row).
    """
    weeks = np.full(len(log), np.nan)
    if "source" not in log.columns or not len(log):
        return weeks, np.zeros(n, bool)
    first_rows = np.unique(groups, return_index=True)[1]
    # one source per client: plain re is cheaper than pandas' string methods here
    probe = np.array([isinstance(src, str) and _SHEET.match(src) is not None
                      and re.match(WEEK_SHEET, _SHEET.match(src).group(1)) is not None
                      for src in log["source"].iloc[first_rows].tolist()], dtype=bool)
    maybe = np.zeros(n, bool)
    maybe[groups[first_rows[probe]]] = True
    rows = maybe[groups]
    if rows.any():
        weeks[rows] = sheet_weeks(log["source"][rows]).to_numpy(dtype="float64", na_value=np.nan)
    missing = np.bincount(groups, weights=np.isnan(weeks), minlength=n)
    return weeks, maybe & (missing == 0)


def week_days(log: pd.DataFrame, week_start=None, *, weeks_from: str = "auto",
              by_client: bool = False, day_starts=None) -> dict[str, np.ndarray]:
    """The week of each row and that week's first and last day, as arrays (see :func:`with_calendar`).

    Returns ``week`` (float, NaN for undated rows), ``first`` and ``last``
    (day numbers since 1970-01-01 as float, NaN for undated rows) and
    ``how`` ("sheet", "calendar" or "first day" for each row's client, as a
    str array). With *by_client* each client of a cohort is numbered on its own; with
    *day_starts* (:func:`day_start`) entries before that time count for the day before.
    """
    if weeks_from not in WEEKS_FROM:
        raise ValueError(f"weeks_from must be one of {', '.join(map(repr, WEEKS_FROM))}, not {weeks_from!r}")
    weekday, anchor = _week_anchor(week_start)
    start = log["start"]
    dated = start.notna().to_numpy()
    day = np.where(dated, day_numbers(start, day_starts), 0).astype("float64")
    day[~dated] = np.nan
    if by_client and "client" in log.columns:
        groups, _ = pd.factorize(log["client"], use_na_sentinel=False)
        n = int(groups.max()) + 1 if len(groups) else 0
    else:
        groups, n = np.zeros(len(log), dtype="int64"), 1
    groups = np.asarray(groups, dtype="int64")
    # each group's first and last logged day
    lo, hi = np.full(n, np.inf), np.full(n, -np.inf)
    np.minimum.at(lo, groups[dated], day[dated])
    np.maximum.at(hi, groups[dated], day[dated])
    first_day, last_day = lo[groups], hi[groups]

    sheet, all_sheets = _all_from_week_sheets(log, groups, n)
    if weeks_from == "sheet" and not all_sheets[np.unique(groups)].all() and len(log):
        raise ValueError("weeks_from='sheet' needs every row to come from a sheet named like a week "
                         "('Week 1', 'Wk 2'); use weeks_from='calendar' for this log")
    use_sheet = all_sheets[groups] if weeks_from in ("auto", "sheet") else np.zeros(len(log), bool)

    if weeks_from == "first day":
        origin = np.full(len(log), _day_number(anchor) if anchor is not None else np.nan)
        origin = np.where(np.isnan(origin), first_day, origin)
    elif anchor is not None:  # a date: week 1 starts on it
        origin = np.full(len(log), _day_number(anchor))
    else:  # 1970-01-01 was a Thursday (weekday 3): back to the week's first day
        origin = first_day - np.mod(first_day + 3 - weekday, 7)
    with np.errstate(invalid="ignore"):
        week = np.floor((day - origin) / 7) + 1
        week_first = np.maximum(origin + (week - 1) * 7, first_day)
        week_last = np.minimum(origin + (week - 1) * 7 + 6, last_day)
    if use_sheet.any():  # a sheet's week runs from its first to its last logged day
        rows = use_sheet & dated
        key = pd.MultiIndex.from_arrays([groups[rows], sheet[rows]])
        frame = pd.DataFrame({"day": day[rows]}, index=key)
        span = frame.groupby(level=[0, 1])["day"].agg(["min", "max"]).reindex(key)
        week[rows] = sheet[rows]
        week_first[rows] = span["min"].to_numpy()
        week_last[rows] = span["max"].to_numpy()
    week[~dated], week_first[~dated], week_last[~dated] = np.nan, np.nan, np.nan
    how = np.where(use_sheet, "sheet", "first day" if weeks_from == "first day" else "calendar")
    return {"week": week, "first": week_first, "last": week_last, "how": how}


def week_labels(week, first, last) -> np.ndarray:
    """"Week 2, 10-16 Mar" from week numbers and the days (datetime64) the weeks run over.

    Across months "Week 3, 30 Mar-5 Apr"; a one-day week "Week 1, 8 Mar". Missing weeks give None.

    Examples
    --------
    >>> import pandas as pd
    >>> week_labels([2, 3, 1], pd.to_datetime(["2025-03-10", "2026-03-30", "2026-03-08"]),
    ...             pd.to_datetime(["2025-03-16", "2026-04-05", "2026-03-08"])).tolist()
    ['Week 2, 10-16 Mar', 'Week 3, 30 Mar-5 Apr', 'Week 1, 8 Mar']
    """
    w = np.asarray(week, dtype="float64")
    f = pd.DatetimeIndex(pd.to_datetime(np.asarray(first)))
    la = pd.DatetimeIndex(pd.to_datetime(np.asarray(last)))
    ok = ~np.isnan(w) & ~f.isna() & ~la.isna()
    out = np.full(len(w), None, dtype=object)
    if not ok.any():
        return out
    w, f, la = w[ok], f[ok], la[ok]
    fd = np.char.mod("%d", f.day.to_numpy()).astype(object)
    ld = np.char.mod("%d", la.day.to_numpy()).astype(object)
    fm, lm = _MONTHS[f.month.to_numpy() - 1], _MONTHS[la.month.to_numpy() - 1]
    same_month = (f.month == la.month) & (f.year == la.year)
    span = np.where(f == la, fd + " " + fm,
                    np.where(same_month, fd + "-" + ld + " " + lm, fd + " " + fm + "-" + ld + " " + lm))
    out[ok] = "Week " + np.char.mod("%d", w.astype("int64")).astype(object) + ", " + span
    return out


def _day_number(day: pd.Timestamp) -> float:
    """Days since 1970-01-01 of *day*."""
    return float(np.datetime64(day.date(), "D").astype("int64"))


def with_calendar(log: pd.DataFrame, week_start=None, *, weeks_from: str = "auto") -> pd.DataFrame:
    """The log with ``day``, ``week``, ``week_label``, ``week_first_day``, ``week_last_day``, ``hour``, ``weekday``.

    Weeks are the client's:

    * when every row comes from a workbook sheet named like a week ("Week 1",
      "Wk 2", "week 3 (12-18 May)": :data:`WEEK_SHEET`, the middle part of
      ``source``), the week is the sheet's number, and it runs from the
      sheet's first to its last logged day;
    * otherwise calendar weeks starting on *week_start* (default Monday):
      week 1 is the calendar week that holds the first logged day, and a
      week with no entries still counts (week 3 may follow week 1). The first
      and last weeks are cut to the logged days, so the dates reported are
      the data's (a log ending on a Wednesday ends on that Wednesday).

    ``week_label`` names the week with its dates: "Week 2, 10-16 Mar", "Week
    3, 30 Mar-5 Apr". ``hour`` is missing on rows whose time is unknown (the
    ``time_unknown`` column), and on every row of a log that records no time
    of day (every start at 00:00, see :func:`recorded`).

    Parameters
    ----------
    log : pandas.DataFrame
        The tidy log of one client (a cohort is numbered as one log).
    week_start : str, int, date-like or None, default None
        The day weeks start on: a weekday ("Mon", "Sunday", 0 = Monday) or a
        date. With a date, week 1 starts on that date (rows before it get
        week 0, -1, ...). None is Monday.
    weeks_from : {"auto", "sheet", "calendar", "first day"}, default "auto"
        "auto" uses the week sheets when every row has one, else calendar
        weeks; "sheet" insists on sheets (ValueError when a row has none);
        "calendar" ignores sheets; "first day" is the numbering of
        bactivate 0.1 (week 1 = the 7 days from the first logged day, or
        from *week_start* when it is a date).

    Returns
    -------
    pandas.DataFrame
        *log* with ``day`` (datetime64), ``week`` (Int64), ``week_label``
        (str), ``week_first_day``, ``week_last_day`` (datetime64), ``hour``
        (Int64) and ``weekday`` (ordered categorical, Mon first); undated
        rows have them missing.

    Examples
    --------
    >>> import pandas as pd
    >>> log = pd.DataFrame({"start": pd.to_datetime(["2026-03-03 09:00", "2026-03-09 10:00",
    ...                                              "2026-03-31 08:00", "2026-04-01 08:00"]),
    ...                     "source": ["diary.csv:2", "diary.csv:3", "diary.csv:4", "diary.csv:5"]})
    >>> cal = with_calendar(log)
    >>> cal["week"].tolist(), cal["week_label"].unique().tolist()
    ([1, 2, 5, 5], ['Week 1, 3-8 Mar', 'Week 2, 9-15 Mar', 'Week 5, 30 Mar-1 Apr'])
    >>> with_calendar(log, week_start="Sun")["week"].tolist()
    [1, 2, 5, 5]
    >>> with_calendar(log.assign(source=["log.xlsx:Week 1:4", "log.xlsx:Week 1:5",
    ...                                  "log.xlsx:Week 2:4", "log.xlsx:Week 2:5"]))["week_label"].tolist()
    ['Week 1, 3-9 Mar', 'Week 1, 3-9 Mar', 'Week 2, 31 Mar-1 Apr', 'Week 2, 31 Mar-1 Apr']
    """
    start = log["start"]
    day = start.dt.normalize()
    weeks = week_days(log, week_start, weeks_from=weeks_from)
    week = pd.array(weeks["week"], dtype="Float64").astype("Int64")
    first = days_to_datetime(np.nan_to_num(weeks["first"]).astype("int64"), start)
    last = days_to_datetime(np.nan_to_num(weeks["last"]).astype("int64"), start)
    first = pd.Series(first, index=log.index).where(start.notna().to_numpy())
    last = pd.Series(last, index=log.index).where(start.notna().to_numpy())
    codes = start.dt.day_of_week.fillna(-1).astype("int64").to_numpy()
    weekday = pd.Categorical.from_codes(codes, categories=list(WEEKDAYS), ordered=True)
    hour = start.dt.hour.astype("Int64")
    if "time_unknown" in log.columns:  # placed on its day, the time not known: no hour
        hour = hour.mask(log["time_unknown"].fillna(False).astype(bool))
    if len(log) and not recorded(log)["time_of_day"]:  # dates only: no hour at all
        hour = hour.mask(pd.Series(True, index=log.index))
    return log.assign(day=day, week=week, week_label=pd.array(_labels_by_week(weeks), dtype="str"),
                      week_first_day=first, week_last_day=last, hour=hour, weekday=weekday)


def _labels_by_week(weeks: dict) -> np.ndarray:
    """The label of each row's week, computed once per distinct (week, first, last)."""
    key = pd.DataFrame({"w": weeks["week"], "f": weeks["first"], "l": weeks["last"]})
    if key.empty:
        return np.full(0, None, dtype=object)
    codes = key.groupby(["w", "f", "l"], dropna=False, sort=False).ngroup().to_numpy()
    u = key.drop_duplicates()  # in order of first appearance, as ngroup(sort=False) numbers them
    return week_labels(u["w"], _as_days(u["f"]), _as_days(u["l"]))[codes]


def _as_days(days) -> np.ndarray:
    """Day numbers since 1970-01-01 (float, NaN missing) as datetime64[ns] (NaT missing)."""
    d = np.asarray(days, dtype="float64")
    out = np.where(np.isnan(d), 0, d).astype("int64").astype("datetime64[D]").astype("datetime64[ns]")
    out[np.isnan(d)] = np.datetime64("NaT")
    return out


def filter_weeks(log: pd.DataFrame, weeks=None, *, week_start=None) -> pd.DataFrame:
    """Only the entries in *weeks*, numbered as the analyses number them; ``None`` keeps all.

    Weeks are those of :func:`with_calendar` (and of :func:`bactivate.progress`):
    the week sheets' numbers when every row comes from one ("Week 2"),
    otherwise calendar weeks from *week_start* (default Monday), week 1 being
    the one that holds the first logged day.

    Parameters
    ----------
    log : pandas.DataFrame
        The tidy log of one client.
    weeks : int, list of int, range or None, default None
        The weeks to keep.
    week_start : str, int, date-like or None, default None
        The day weeks start on, as in :func:`with_calendar` (None is Monday).

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
    week = pd.Series(week_days(log, week_start)["week"], index=log.index)
    out = log[week.isin(wanted).to_numpy(bool)]
    if out.empty and len(log):
        raise ValueError(f"no entries in weeks {wanted}; the log covers weeks {int(week.min())} "
                         f"to {int(week.max())}")
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


def day_numbers(start: pd.Series, day_starts=None) -> np.ndarray:
    """Whole days since 1970-01-01 of each (non-missing) timestamp, as int64.

    With *day_starts* (see :func:`day_start`) a day runs from that time to the same time the
    next day: an entry at 00:30 with ``day_starts="04:00"`` counts for the day before.
    """
    values = start.to_numpy()
    shift = day_start(day_starts)
    if shift:
        values = values - np.timedelta64(shift, "m")
    return values.astype("datetime64[D]").astype("int64")


#: The time units of the per-period analyses (``unit=``), and the column that numbers each.
TIME_UNITS = {"week": "week", "day": "study_day", "prompt": "prompt"}


def time_unit(unit: str, what: str = "unit") -> str:
    """*unit* checked against :data:`TIME_UNITS` ("week", "day" or "prompt")."""
    if unit not in TIME_UNITS:
        raise ValueError(f"{what} must be 'week', 'day' (study days 1, 2, ... from each person's first "
                         f"day) or 'prompt' (entries 1, 2, ... within person), not {unit!r}")
    return unit


def day_start(day_starts) -> int:
    """Minutes after midnight at which a study day starts (0 = midnight) from *day_starts*.

    Experience-sampling studies often prompt late in the evening: with
    ``day_starts="04:00"`` an answer at 00:30 belongs to the evening before.

    Parameters
    ----------
    day_starts : str, int, float, datetime.time, Timedelta or None
        "04:00", "4:30", "4am", 4 (hours), ``datetime.time(4)``,
        ``pd.Timedelta(hours=4)``; None or 0 is midnight. Must be under 24 hours.

    Returns
    -------
    int
        Minutes after midnight.

    Examples
    --------
    >>> day_start("04:00"), day_start("4:30"), day_start(5), day_start(None), day_start("3am")
    (240, 270, 300, 0, 180)
    """
    if day_starts is None or (isinstance(day_starts, str) and not day_starts.strip()):
        return 0
    minutes = None
    if isinstance(day_starts, bool):
        minutes = None
    elif isinstance(day_starts, (int, float, np.integer, np.floating)):
        minutes = float(day_starts) * 60
    elif isinstance(day_starts, pd.Timedelta) or isinstance(day_starts, np.timedelta64):
        minutes = pd.Timedelta(day_starts).total_seconds() / 60
    elif hasattr(day_starts, "hour") and hasattr(day_starts, "minute"):  # datetime.time
        minutes = day_starts.hour * 60 + day_starts.minute
    elif isinstance(day_starts, str):
        m = re.fullmatch(r"\s*(\d{1,2})(?:[:.h](\d{2}))?\s*(am|pm)?\s*", day_starts.lower())
        if m and int(m.group(2) or 0) < 60 and (not m.group(3) or 1 <= int(m.group(1)) <= 12):
            hour = int(m.group(1)) % 12 + (12 if m.group(3) == "pm" else 0) if m.group(3) else int(m.group(1))
            minutes = hour * 60 + int(m.group(2) or 0)
    if minutes is None or not 0 <= minutes < 24 * 60 or minutes != int(minutes):
        raise ValueError(f"day_starts={day_starts!r} is not a time of day in whole minutes before 24:00 "
                         "(e.g. '04:00' or 4): entries after midnight and before it count for the "
                         "day before")
    return int(minutes)


def prompt_numbers(codes: np.ndarray, start: pd.Series, entry: pd.Series) -> np.ndarray:
    """Each row's entry number within its group (1 = the group's earliest entry), as int64.

    Rows of one entry (same group and ``entry``) share its number; entries are
    ordered by their first start, then by entry id.
    """
    n = len(codes)
    if not n:
        return np.zeros(0, "int64")
    ekey = pd.DataFrame({"c": codes, "e": entry.to_numpy()})
    ecode = ekey.groupby(["c", "e"], sort=False, dropna=False).ngroup().to_numpy()
    t = start.to_numpy().astype("datetime64[ns]").astype("int64")
    n_e = int(ecode.max()) + 1
    first_t = np.full(n_e, np.iinfo("int64").max)
    np.minimum.at(first_t, ecode, t)
    e_client = np.zeros(n_e, "int64")
    e_client[ecode] = codes
    order = np.lexsort((np.arange(n_e), first_t, e_client))
    sorted_client = e_client[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_client)) + 1]
    lengths = np.diff(np.r_[starts, n_e])
    rank = np.empty(n_e, "int64")
    rank[order] = np.arange(n_e) - np.repeat(starts, lengths) + 1
    return rank[ecode]


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


def recorded_by_client(df: pd.DataFrame, codes: np.ndarray, n: int, fields) -> dict[str, np.ndarray]:
    """For each of *fields*, whether each client (code 0..n-1 of *codes*) has a value in a row.

    Missing is not zero: a client whose rows hold no value of a field does not record it, and
    what is computed from it is unknown (NA), never 0. ``done`` counts as recorded for a client
    without plans (nothing was planned, so nothing was left undone or done: its 0 is true).
    """
    out = {f: np.bincount(codes, weights=df[f].notna().to_numpy(dtype=bool), minlength=n) > 0
           for f in fields}
    if "done" in out:
        plans = np.bincount(codes, weights=df["planned"].fillna(False).to_numpy(dtype=bool), minlength=n) > 0
        out["done"] = out["done"] | ~plans
    return out

