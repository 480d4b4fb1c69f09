"""When each raw entry happened: start and end from Date, Time, Start, End or Duration columns.

:func:`start_end` reads the date (blank date cells take the date above, within a
sheet), the start as a date-time or a time beside the date (hours written
without am/pm that come after a later hour of the day are afternoon hours), and
the end from an End column (crossing midnight) or a Duration. It returns a
:class:`When`: the two columns, the problems of their cells, notes, and the
day/month order when the data settled it.

>>> import pandas as pd
>>> from bactivate.io.context import Context, Entries, ReadOptions
>>> cells = pd.DataFrame({"date": ["2026-03-02", None], "time": ["11-12", "1-2"],
...                       "_sheet": [None, None]})
>>> got = start_end(Entries(cells, Context()), ReadOptions(file="log.csv"))
>>> got.start.dt.strftime("%d %H:%M").tolist(), got.end.dt.strftime("%H:%M").tolist()
(['02 11:00', '02 13:00'], ['12:00', '14:00'])
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from bactivate._util import plural
from bactivate.errors import LogError
from bactivate.io import cells as cl
from bactivate.io.context import Entries, ReadOptions
from bactivate.io.problems import problem_rows

#: Why many files read as one must be read one by one when their dates settled day/month order.
FILE_BY_FILE = "day/month order is settled file by file"


@dataclass
class When:
    """Start and end of each raw entry, and what reading them found.

    ``problems`` are frames of :func:`bactivate.io.problems.problem_rows`;
    ``dayfirst`` is ``{"dayfirst": bool, "dayfirst_how": str}`` when the dates
    settled day/month order; ``one_by_one`` says why many files read as one
    must be read one by one (then the rest is not read). ``time_word`` holds,
    on the rows whose time was a word read as a representative hour
    (:data:`bactivate.io.cells.TIME_WORDS`: ``lunch`` 13:00), that word as written
    (None when no row has one); the reader keeps it as the ``time_word`` column.
    ``time_unknown`` is True on rows placed on their day whose time was blank or
    could not be read (None when there are none): the ``time_unknown`` column.
    """

    start: pd.Series
    end: pd.Series
    problems: list[pd.DataFrame] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    dayfirst: dict = field(default_factory=dict)
    one_by_one: str | None = None
    date: pd.Series | None = None
    time_word: pd.Series | None = None
    time_unknown: pd.Series | None = None

    def report(self, reasons: pd.Series, fld: str, entries: Entries) -> None:
        """Add the problems of one column."""
        got = problem_rows(reasons, fld, entries.cells, entries.context.headers, entries.context.sheet_headers)
        if got is not None:
            self.problems.append(got)


def dayfirst_note(info: dict) -> str:
    """The note saying how dates were read, from :func:`bactivate.io.cells.parse_date`'s info.

    Parameters
    ----------
    info : dict
        ``{"dayfirst": bool, "dayfirst_how": str}``.

    Returns
    -------
    str

    Examples
    --------
    >>> dayfirst_note({"dayfirst": True, "dayfirst_how": "a day above 12 comes first (13/04/2026)"})
    'dates read as day/month: a day above 12 comes first (13/04/2026)'
    """
    return f"dates read as {'day/month' if info['dayfirst'] else 'month/day'}: " + info["dayfirst_how"]


def _settled(got: When, info: dict, entries: Entries) -> bool:
    """Record day/month order settled by the data; True when many files must then be read one by one."""
    if info.get("dayfirst") is None:
        return False
    if entries.files is not None:
        got.one_by_one = FILE_BY_FILE
        return True
    got.dayfirst = info
    got.notes.append(dayfirst_note(info))
    return False


def _parse_date(col: pd.Series, dayfirst, file: str):
    """:func:`bactivate.io.cells.parse_date`, its ValueError as a LogError naming the file."""
    try:
        return cl.parse_date(col, dayfirst)
    except ValueError as exc:
        raise LogError(f"{file}: {exc}") from None


def _date_column(got: When, entries: Entries, opts: ReadOptions) -> bool:
    """The Date column; blank date cells take the date above, within a sheet. True: stop (one by one)."""
    cells = entries.cells
    d, reasons, info = _parse_date(cells["date"], opts.dayfirst, opts.file)
    if _settled(got, info, entries):
        return True
    got.report(reasons, "date", entries)
    # blank (or merged) date cells take the date above, within a sheet
    blank = cl.blank(cells["date"])
    carried = d.groupby(entries.sheet_key(), sort=False).ffill() if blank.any() else d
    filled = blank & carried.notna()
    if filled.any():
        got.notes.append(f"{plural(int(filled.sum()), 'row')} left the date blank and took the date "
                         "from the row above (as with merged date cells)")
    got.date = d.where(~blank, carried)
    got.start = got.date.copy()
    return False


def _time_words(got: When, entries: Entries, fld: str, t: pd.Series) -> None:
    """Times read from words: counted in the notes, the approximate ones kept row by row."""
    word, approx = cl.time_words(entries.cells[fld])
    read = word.notna() & t.notna()
    if not read.any():
        return
    shown = pd.DataFrame({"w": word[read], "t": cl.hhmm(t[read])}).drop_duplicates("w")
    eg = ", ".join(f"{w} → {h}" for w, h in zip(shown["w"][:6], shown["t"][:6], strict=True))
    n_approx = int((read & approx).sum())
    got.notes.append(
        f"{entries.context.headers.get(fld, fld)}: read {plural(int(read.sum()), 'time')} from words ({eg})"
        + (f"; {n_approx} of them {'is an approximation' if n_approx == 1 else 'are approximations'}, "
           "kept as written in the time_word column" if n_approx else ""))
    if n_approx:
        got.time_word = word.where(read & approx)


def _afternoon(got: When, entries: Entries, fld: str, t, t_end, day):
    """Hours written without am/pm that come after a later hour of the same day are pm.

    In hour slots ``..., 11-12, 12-1, 1-2, 2-3`` the ``1-2`` follows ``12-1`` in
    the day's rows, so it is 13:00-14:00. A bare hour is moved on by 12 hours only
    when it is earlier than an hour above it on the same day (same sheet) and the
    move does not put it before that hour.
    """
    # not cells.afternoon: there "noon" and "midnight" also mark a cell, here only am/pm does
    cells = entries.cells
    bare = cl.bare_hours(cells[fld])
    if not bare.any():
        return t, t_end
    hours = t.dt.total_seconds() / 3600
    marked = cl.distinct(cells[fld], lambda u: u.astype("str").str.contains(
        r"[ap]\.?m\b", case=False, regex=True).fillna(False).astype(bool), missing=False)
    if (hours.ge(13) & ~marked).any():
        return t, t_end  # the column uses the 24-hour clock: 9:00 is nine in the morning
    key = [*entries.sheet_key(), day]
    above = hours.groupby(key, dropna=False).cummax().groupby(key, dropna=False).shift()
    pm = bare & hours.notna() & above.notna() & (hours < above) & (hours + 12 >= above)
    if pm.any():
        half = pd.Timedelta(hours=12)
        t = t.where(~pm, t + half)
        t_end = t_end.where(~pm, t_end + half)
        example = cells.loc[pm, fld].astype("str").iloc[0]
        got.notes.append(
            f"read {plural(int(pm.sum()), 'time')} written without am/pm as afternoon "
            f"(e.g. {example!r}): they come after a later hour of the same day; write "
            "13:00 or 1pm to be explicit")
    return t, t_end


def _start_column(got: When, entries: Entries, opts: ReadOptions) -> bool:
    """The Start column: date-times, or times of day beside a Date column. True: stop (one by one)."""
    cells = entries.cells
    col = cells["start"]
    s, s_reasons, info = _parse_date(col, opts.dayfirst, opts.file)
    if _settled(got, info, entries):
        return True
    # a Start column holding only times of day, beside a Date column
    t, t_end, t_reasons = cl.parse_time(col.where(s.isna()))
    timed = s.isna() & t.notna()
    _time_words(got, entries, "start", t.where(timed))
    if "date" in cells.columns:
        date = got.date
        day = date.dt.normalize()
        t, t_end = _afternoon(got, entries, "start", t, t_end, day)
        s = s.where(~timed, day + t)
        # beside a Date column, Start holds times: say what is wrong with the time
        s_reasons = s_reasons.where(~timed).where(
            s_reasons.isna() | s_reasons.str.contains("plausible", regex=False), t_reasons)
        if "end" not in cells.columns:
            got.end = got.end.where(~(timed & t_end.notna()), day + t_end)
        # a blank Start beside a date: the date's own time (an Excel date-time), else ask
        blank_s = cl.blank(col)
        own_time = date.notna() & (date != day)
        s = s.where(~(blank_s & own_time), date)
        miss = blank_s & date.notna() & ~own_time
        s_reasons = s_reasons.where(~miss, "no start time: kept on its day with the time "
                                    "unknown; write the time the activity started (e.g. 14:00 or 2pm)")
    else:
        s_reasons = s_reasons.copy()
        s_reasons[timed] = ("'" + col[timed].astype("str") + "' is a time of day "
                            "with no date: add a Date column or write the date too")
    got.report(s_reasons, "start", entries)
    got.start = s
    return False


def _stamped_time(got: When, entries: Entries, opts: ReadOptions) -> bool | None:
    """A Time column with no Date column whose cells hold dates too (``2026-03-02 08:15``): read
    as the start. None when no cell holds a date; True: stop (many files, read one by one)."""
    col = entries.cells["time"]
    s, reasons, info = _parse_date(col, opts.dayfirst, opts.file)
    if not s.notna().any():
        return None
    if _settled(got, info, entries):
        return True
    t, _, _ = cl.parse_time(col.where(s.isna()))
    header = entries.context.headers.get("time", "time")
    reasons = reasons.where(~(s.isna() & t.notna()),
                            "'" + col.astype("str") + "' is a time of day with no date, in a column "
                            "of dates and times: write the date too")
    got.report(reasons, "time", entries)
    got.start = s
    got.notes.append(f"{header!r} holds dates and times: read as each entry's date and time")
    return False


def _time_column(got: When, entries: Entries, opts: ReadOptions) -> bool:
    """The Time column, beside a Date column (a LogError without one, unless it holds dates and
    times). True: stop (many files, read one by one)."""
    cells = entries.cells
    if "date" not in cells.columns:
        stamped = _stamped_time(got, entries, opts)
        if stamped is not None:
            return stamped
    t, t_end, reasons = cl.parse_time(cells["time"])
    got.report(reasons, "time", entries)
    _time_words(got, entries, "time", t)
    blank_t = cl.blank(cells["time"])
    if "date" not in cells.columns:
        raise LogError(f"{opts.file}: there is a time column "
                       f"({entries.context.headers.get('time')!r}) but no date column: "
                       "add a Date column so that each entry has its day")
    # a Date cell may hold a whole timestamp (an Excel date-time): its day counts, and
    # its time only when the Time cell is blank
    date = got.date
    day = date.dt.normalize()
    t, t_end = _afternoon(got, entries, "time", t, t_end, day)
    own_time = date.notna() & (date != day)
    got.start = (day + t).where(~blank_t, date.where(own_time))
    t_end = t_end.where(~blank_t)
    date = day
    miss = blank_t & date.notna() & ~own_time
    if miss.any():
        r = pd.Series(pd.NA, index=cells.index, dtype="str")
        r[miss] = ("no time: kept on its day with the time unknown; write the time the activity "
                   "started (e.g. 14:00 or 2pm)")
        got.report(r, "time", entries)
    got.end = date + t_end
    return False


def _end_column(got: When, entries: Entries, opts: ReadOptions) -> None:
    """The End column: a date-time, or a time on the start's day."""
    col = entries.cells["end"]
    e, _, _ = cl.parse_date(col, got.dayfirst.get("dayfirst", opts.dayfirst))
    t, _, t_reasons = cl.parse_time(col.where(e.isna()))
    e = e.where(~(e.isna() & t.notna()), got.start.dt.normalize() + t)
    # an End cell is mostly a time: when it is neither, say it is not a time of day
    got.report(t_reasons.where(e.isna() & ~cl.blank(col)), "end", entries)
    got.end = e


def _duration_column(got: When, entries: Entries, opts: ReadOptions) -> None:
    """The end from a Duration column (its unit from the header or the cells)."""
    ctx = entries.context
    minutes, reasons, needs_unit = cl.parse_duration(entries.cells["duration"], ctx.duration_unit)
    if needs_unit:
        raise LogError(
            f"{opts.file}: the duration column {ctx.headers.get('duration')!r} holds bare "
            "numbers; say which unit in its header, e.g. 'Duration (min)' or 'Duration (h)', "
            "or write the unit in the cells (30 min, 1.5 h)"
        )
    got.report(reasons, "duration", entries)
    got.end = got.start + pd.to_timedelta(minutes, unit="min")


def _on_its_day(got: When, entries: Entries) -> None:
    """Rows with a date but no readable time stay, placed on their day with the time unknown.

    One time cell (blank, ``?``, ``after work``) costs the time, not the entry: the
    row's start is its day at 00:00, its end unknown, and ``time_unknown`` marks it
    so that hour-of-day analyses leave it out. The time cell's problem stays listed.
    """
    cells = entries.cells
    if got.date is None or not ({"start", "time"} & set(cells.columns)):
        return
    unknown = got.start.isna() & got.date.notna()
    if not unknown.any():
        return
    got.start = got.start.where(~unknown, got.date.dt.normalize())
    got.end = got.end.where(~unknown)
    got.time_unknown = unknown


#: The coded Date + Time path (:func:`_coded_date_time`); off, every log takes the row-wise
#: reading. tests/io/test_fast_path.py reads the fixture corpus both ways.
FAST_PATH = True

_DAY_NS = 86_400 * 10**9


def _no_afternoon(tu: pd.Series, t: pd.Series, tcodes) -> bool:
    """True when :func:`_afternoon` moves no hour of a coded Time column (*tu* its distinct cells,
    all in use, *t* their times): no bare hour, or a column on the 24-hour clock."""
    if not cl.bare_hours(tu).any():
        return True
    marked = tu.astype("str").str.contains(r"[ap]\.?m\b", case=False, regex=True).fillna(False).to_numpy(bool)
    late = (t.dt.total_seconds() / 3600).ge(13).to_numpy() & ~marked
    # the row-wise reading looks at the rows: each distinct cell must be on one
    return bool(late.any()) and bool(np.bincount(tcodes, minlength=len(tu)).all())


def _coded_date_time(got: When, entries: Entries, opts: ReadOptions) -> bool | None:
    """Start and end from a coded Date and a coded Time column whose distinct cells all read
    cleanly: each date a plain day, each time a time of day (no blank, problem, time word or
    bare hour), combined by codes. None (nothing set) for any other log; True: stop (one by one).
    """
    # speed: benchmark rows W2-csv, W2-cohort (docs/performance.md): a 12-week log has ~84
    # distinct dates and ~100 distinct times; they are parsed once, and the rows only add them
    cells = entries.cells
    if not (FAST_PATH and {"date", "time"} <= set(cells.columns)
            and not {"start", "end", "duration"} & set(cells.columns)
            and cl.coded(cells["date"]) and cl.coded(cells["time"])):
        return None
    dcodes, tcodes = cells["date"].cat.codes.to_numpy(), cells["time"].cat.codes.to_numpy()
    if (dcodes < 0).any() or (tcodes < 0).any():
        return None
    du, tu = pd.Series(cells["date"].cat.categories), pd.Series(cells["time"].cat.categories)
    if cl.blank(du).any() or cl.blank(tu).any():
        return None
    d, d_reasons, info = _parse_date(du, opts.dayfirst, opts.file)
    t, t_end, t_reasons = cl.parse_time(tu)
    if (d.isna().any() or d_reasons.notna().any() or t.isna().any() or t_reasons.notna().any()
            or cl.time_words(tu)[0].notna().any() or not _no_afternoon(tu, t, tcodes)):
        return None
    dv = d.astype("datetime64[ns]").to_numpy().view("i8")
    if (dv % _DAY_NS != 0).any():  # a date cell with its own time (an Excel date-time)
        return None
    if _settled(got, info, entries):
        return True
    day = dv[dcodes]
    start = day + t.astype("timedelta64[ns]").to_numpy().view("i8")[tcodes]
    ev = t_end.astype("timedelta64[ns]").to_numpy()
    end = np.full(len(start), np.iinfo("i8").min)  # NaT
    if not np.isnat(ev).all():  # hour slots (7-8am) give an end
        has_end = ~np.isnat(ev)[tcodes]
        end[has_end] = day[has_end] + ev.view("i8")[tcodes][has_end]
        # an end earlier than the start crossed midnight
        over = has_end & (end < start) & (end // _DAY_NS == start // _DAY_NS)
        end[over] += _DAY_NS
    idx = cells.index
    got.date = pd.Series(day.view("datetime64[ns]"), index=idx)
    got.start = pd.Series(start.view("datetime64[ns]"), index=idx)
    got.end = pd.Series(end.view("datetime64[ns]"), index=idx)
    return False


def start_end(entries: Entries, opts: ReadOptions) -> When:
    """Start and end datetimes of each raw entry from Date/Time, Start/End, Duration or hour slots.

    Parameters
    ----------
    entries : Entries
        The raw entries; ``context.headers`` names columns in messages,
        ``context.duration_unit`` is a Duration header's unit.
    opts : ReadOptions
        ``file`` and ``dayfirst`` are used.

    Returns
    -------
    When
        With ``one_by_one`` set (and nothing else read) when many files are read
        as one and their dates settled day/month order.

    Raises
    ------
    LogError
        For dates that cannot be read at all, a Time column of times of day
        without a Date column (a Time column of dates and times is the start),
        or a Duration column of bare numbers with no unit.

    Examples
    --------
    >>> import pandas as pd
    >>> from bactivate.io.context import Context
    >>> cells = pd.DataFrame({"start": ["2026-03-02 23:00"], "end": ["01:00"], "_sheet": [None]})
    >>> start_end(Entries(cells, Context()), ReadOptions(file="log.csv")).end.tolist()
    [Timestamp('2026-03-03 01:00:00')]
    """
    cells = entries.cells
    nat = pd.Series(pd.NaT, index=cells.index, dtype="datetime64[ns]")
    got = When(start=nat, end=nat.copy(), date=nat.copy())
    fast = _coded_date_time(got, entries, opts)
    if fast is not None:
        return got
    if "date" in cells.columns and _date_column(got, entries, opts):
        return got
    if "start" in cells.columns:
        if _start_column(got, entries, opts):
            return got
    elif "time" in cells.columns:
        if _time_column(got, entries, opts):
            return got
    if "end" in cells.columns:
        _end_column(got, entries, opts)
    elif "duration" in cells.columns:
        _duration_column(got, entries, opts)
    _on_its_day(got, entries)
    start, end = got.start, got.end.astype("datetime64[ns]")
    # an end earlier than the start crossed midnight
    over = end.notna() & start.notna() & (end < start) & (end.dt.normalize() == start.dt.normalize())
    got.end = end.where(~over, end + pd.Timedelta(days=1))
    got.start = start.astype("datetime64[ns]")
    return got
