"""The Beck weekly activity schedule: hours down the side, days across the top.

::

    Weekly activity schedule - Client: Sam - Week starting 2 March 2026 (M/P)
    Time     | Monday          | Tuesday            | ...
    7-8am    | Walk M6 P7      | walked dog (M5, P8)|
    8-9am    |                 | TV P3 M1           |
    12-1     | Lunch with Sam 4/7                   |

Each non-empty cell of a day column below the row of days is one entry: the
activity and its ratings as people write them (``Walk M6 P7``, ``walked dog
(M5, P8)``, ``TV P3 M1``, ``M: 6``, ``Mastery 6``; two bare numbers such as
``4/7`` only when the sheet says their order, e.g. "M/P" or "(P/M)" in the
title or the corner cell). Empty cells are skipped. The row accounting is per
non-empty cell: each is kept or set aside with its sheet, row and column
letter, and ``source`` names the cell (``log.xlsx:Week 1:C7``).

The days' dates come from the column headers when they are dates; else from
"Week starting 2 March 2026" (or "Week of ...", "Week beginning ...") above
the grid; else from the sheet's name ("Week of 2026-03-02", "Wk 1 (12-18
May)"); else from ``read_log(..., week_start=...)`` (sheet "Week 3" is two
weeks after it; other sheets follow in order). Weekday names then place each
column in that week. A week written without its year ("Week of 2 March")
takes the year written elsewhere in the file (a title, a sheet name), else
the year that puts it nearest to today without being months ahead; a note
says so.

The client is the one a title names ("Client: Sam"), or the name that starts
a title row ("Jordan - Activity Diary", "Sam's activity schedule").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from bactivate._util import plural
from bactivate.errors import LogError
from bactivate.io import cells
from bactivate.io.context import Context, Entries, ReadOptions
from bactivate.io.files import column_letter
from bactivate.io.headers import client_in_title, client_in_title_row
from bactivate.io.when import dayfirst_note

NAME = "grid"
LABEL = "a weekly activity schedule (grid)"

_WEEKDAY = re.compile(r"^\s*(mon|tue|wed|thu|fri|sat|sun)(?:day|s|sday|nesday|r|rs|rsday|urday)?\.?"
                      r"(?![A-Za-z])\s*,?\s*(.*?)\s*$", re.IGNORECASE)
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_N = re.compile(r"^\s*day\s*(\d{1,2})\s*$", re.IGNORECASE)
_WEEK_OF = re.compile(r"\bweek\s*(?:starting|beginning|commencing|of|from|start)\b\s*(?:on\s*)?[:=\-–]?\s*(.*)",
                      re.IGNORECASE | re.DOTALL)
_A_DATE = re.compile(
    r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}"
    r"|\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]{3,}\.?,?\s+\d{4}|[A-Za-z]{3,}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}")
_WEEK_N = re.compile(r"\b(?:week|wk)\.?\s*(\d{1,3})\b", re.IGNORECASE)
_MONTH = (r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?")
#: A date without its year: "2 March", "2nd Mar", "March 2".
_NO_YEAR = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH})(?![a-z])|\b({_MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?\b",
                      re.IGNORECASE)
#: A range of days in a week's name: "Wk 1 (12-18 May)", "28 Apr - 4 May".
_RANGE = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s*(?:({_MONTH})\s*)?(?:-|–|—|to)\s*\d{{1,2}}(?:st|nd|rd|th)?\s+({_MONTH})",
                    re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_ORDER = re.compile(r"(?<![A-Za-z])(m|p|mastery|pleasure)\s*/\s*(m|p|mastery|pleasure)(?![A-Za-z])",
                    re.IGNORECASE)
_NUM = r"(\d{1,3}(?:[.,]\d+)?)"
_TAG_M = re.compile(rf"(?<![A-Za-z])(?:mastery|m)\s*[:=]?\s*{_NUM}(?![\d.,]*[A-Za-z])", re.IGNORECASE)
_TAG_P = re.compile(rf"(?<![A-Za-z])(?:pleasure|p)\s*[:=]?\s*{_NUM}(?![\d.,]*[A-Za-z])", re.IGNORECASE)
_PAIR = re.compile(rf"[\s(\[,;-]*\(?\s*{_NUM}\s*(?:/|,|;|\s)\s*{_NUM}\s*\)?\s*$")
_SCALE = re.compile(r"(?:m\s*/\s*p|p\s*/\s*m|m\s*(?:and|&)\s*p|mastery|pleasure|ratings?|rate|scale)"
                    r"[^()\d]{0,20}\(?\s*(\d+)\s*(?:-|–|to)\s*(\d+)\s*\)?", re.IGNORECASE)
_NOT_HOURS = re.compile(r"^\s*(?:daily\s+|day\s+|overall\s+)?(?:mood|notes?|comments?|total|totals|sum|"
                        r"average|mean|summary|m\s*/\s*p|reflection)\b", re.IGNORECASE)
_DASH = re.compile(r"^\s*[-–—_.x/]*\s*$", re.IGNORECASE)


@dataclass
class Grid:
    header: int  # position of the row of days
    label: int  # position of the column of hours
    days: list[int]  # positions of the day columns
    heads: list  # the day header cells


def _day_cell(cell):
    """``("weekday", 0..6, rest)``, ``("date", cell, "")``, ``("dayn", n, "")`` or None."""
    if isinstance(cell, pd.Timestamp | np.datetime64 | dt.date):
        stamp = pd.Timestamp(cell)
        # a day's column header is a date at midnight (a date-time is an entry's time, as in a tidy file)
        return ("date", cell, "") if stamp is not pd.NaT and stamp == stamp.normalize() else None
    if not isinstance(cell, str) or not cell.strip():
        return None
    m = _WEEKDAY.match(cell)
    if m:
        rest = _A_DATE.search(m.group(2))
        if rest:  # "Mon 2 Mar 2026": the date says it all
            return ("date", rest.group(0), "")
        if m.group(2) and not re.search(r"\d", m.group(2)):
            return None  # "Friday night drinks" is an activity, "Fri 6/3" a day
        return ("weekday", _DAYS.index(m.group(1).lower()), m.group(2))
    m = _DAY_N.match(cell)
    if m:
        return ("dayn", int(m.group(1)), "")
    if _A_DATE.fullmatch(cell.strip()):
        return ("date", cell.strip(), "")
    return None


def find(raw: pd.DataFrame) -> Grid | None:
    """The row of days (three or more day names or dates) over a column of hours."""
    top = raw.iloc[:15]
    for pos in range(len(top)):
        row = top.iloc[pos].tolist()
        kinds = [_day_cell(c) for c in row]
        days = [j for j, k in enumerate(kinds) if k is not None]
        if len(days) < 3:
            continue
        below = raw.iloc[pos + 1: pos + 40]
        for label in range(days[0] - 1, -1, -1):  # the hours: a column left of the first day
            col = below.iloc[:, label]
            col = col[~cells.blank(col)]
            if len(col) < 2:
                continue
            t, _, reasons = cells.parse_time(col)
            if (t.notna() & reasons.isna()).sum() >= 2:
                return Grid(pos, label, days, [row[j] for j in days])
    return None


def sign(raw: pd.DataFrame) -> str | None:
    g = find(raw)
    if g is None:
        return None
    first, last = g.heads[0], g.heads[-1]
    return (f"row {g.header + 1} holds {len(g.days)} days ({_show(first)} ... {_show(last)}) "
            f"over a column of hours ({column_letter(g.label)})")


def _show(cell) -> str:
    return f"{cell:%Y-%m-%d}" if hasattr(cell, "strftime") else str(cell).strip()


# --------------------------------------------------------------------------- reading


def read(sheets, opts: ReadOptions) -> Entries:
    """The raw entries of weekly grids: one entry per non-empty cell of a day column.

    Parameters
    ----------
    sheets : list of Sheet
    opts : ReadOptions
        ``file``, ``dayfirst`` and ``week_start`` (the first sheet's week, when the
        grid names only weekdays) are used.

    Returns
    -------
    Entries
        Each cell's date, hour, activity and M/P as written; a title's scale and
        client, and day/month order when the dates settled it, in its context.

    Raises
    ------
    LogError
        With no grid, dates that cannot be read, or a week that is not said.

    Examples
    --------
    >>> from bactivate.io.files import read_sheets
    >>> sheets = [sh.grid() for sh in read_sheets("data/sample/formats/weekly-schedule.xlsx")]
    >>> entries = read(sheets, ReadOptions(file="weekly-schedule.xlsx"))
    >>> len(entries.cells), entries.context.hints["mastery"], entries.context.client
    (92, (0.0, 10.0), 'Robin')
    """
    grids, ctx = [], Context()
    for sh in sheets:  # a loop over sheets
        g = find(sh.cells)
        if g is None:
            if sh.name is not None:
                ctx.notes.append(f"skipped sheet {sh.name!r}: it holds no weekly grid (no row of days "
                                 "over a column of hours)")
            continue
        grids.append((sh, g))
    if not grids:
        raise LogError(f"{opts.file}: no weekly grid found: a weekly activity schedule has a row of days "
                       "(Monday ... Sunday, or dates) over a column of hours (7am, 8-9, 13:00 ...)")
    dates = _dates(grids, opts, ctx)
    parts = []
    for (sh, g), days in zip(grids, dates, strict=True):
        title = _title(sh.cells, g)
        if ctx.client is None:  # "Client: Sam - Week starting ...": the name only
            ctx.client = client_in_title(title, cut_week=True) or client_in_title_row(title)
        parts.append(_melt(sh, g, days, title, ctx))
    out = pd.concat(parts, ignore_index=True, sort=False)
    if out.empty:
        raise LogError(f"{opts.file}: the weekly grid is empty: write each activity in its hour and day")
    ctx.headers.update({"time": "hour", "date": "day", "activity": "cell", "mastery": "M", "pleasure": "P"})
    ctx.notes.append(f"weekly grid: read {plural(len(out), 'non-empty cell')} of "
                     f"{plural(len(grids), 'sheet')}, one entry per cell (rows read are cells)")
    return Entries(out, ctx, NAME)


def _title(raw: pd.DataFrame, g: Grid) -> str:
    """Text above the row of days, and the corner cell (e.g. "Time (M/P)")."""
    above = raw.iloc[: g.header].to_numpy(dtype=object).ravel().tolist()
    corner = raw.iat[g.header, g.label]
    return "\n".join(str(c) for c in [*above, corner] if isinstance(c, str) and c.strip())


def _week_in_text(text: str) -> tuple[str | None, bool]:
    """``(date text, has_year)`` of the week a text names ("Week of 2 March 2026", "Wk 1 (12-18 May)").

    Examples
    --------
    >>> _week_in_text("Week of 2026-03-02"), _week_in_text("Wk 1 (12-18 May)")
    (('2026-03-02', True), ('12 May', False))
    >>> _week_in_text("Week of 2 March"), _week_in_text("Week 3")
    (('2 March', False), (None, False))
    """
    m = _WEEK_OF.search(text)
    rest = m.group(1) if m else text
    d = _A_DATE.search(rest)
    if d and (m or _WEEK_N.search(text)):
        return d.group(0), True
    r = _RANGE.search(rest)
    if r and (m or _WEEK_N.search(text)):
        return f"{r.group(1)} {r.group(2) or r.group(3)}", False
    n = _NO_YEAR.search(rest)
    if n and (m or _WEEK_N.search(text)):
        return n.group(0), False
    return None, False


def _week_start_in(raw: pd.DataFrame, g: Grid):
    """``(text, has_year)``: 'Week starting 2 March 2026' (in one cell, or the date in the next cell), else None."""
    grid = raw.iloc[: g.header].to_numpy(dtype=object)
    for i in range(grid.shape[0]):
        for j in range(grid.shape[1]):
            cell = grid[i, j]
            if not isinstance(cell, str):
                continue
            m = _WEEK_OF.search(cell)
            if not m:
                continue
            text, has_year = _week_in_text(cell)
            if text is not None:
                return text, has_year
            right = [c for c in grid[i, j + 1:] if not cells.blank_cell(c)]
            if right:
                return right[0], True
    return None


def _year_for(grids, text: str, today: dt.date | None = None) -> tuple[int, str]:
    """The year of a week written without one: from the titles and sheet names, else the year that
    puts *text* nearest to today (not more than two months ahead); and how it was chosen."""
    written = " ".join([str(sh.name or "") for sh, _ in grids]
                       + [_title(sh.cells, g) for sh, g in grids])
    years = _YEAR.findall(written)
    if years:
        return int(years[0]), f"the year {years[0]} written in the file"
    today = today or dt.date.today()
    this = pd.to_datetime(f"{text} {today.year}", errors="coerce", dayfirst=True)
    year = today.year - 1 if this is not pd.NaT and this.date() > today + dt.timedelta(days=61) else today.year
    return year, f"no year written: {year}, the year that puts it nearest to today"


def _date_texts(grids) -> tuple[list, list, list, list]:
    """The dates written in each sheet: the day headers' kinds, the date texts, each week's start
    (above the grid, else in the sheet name) and how it is known."""
    texts, kinds, starts, hows = [], [], [], []
    for sh, g in grids:
        ks = [_day_cell(c) for c in g.heads]
        kinds.append(ks)
        texts.extend(k[1] for k in ks if k[0] == "date")
        start, how = None, None
        if not all(k[0] == "date" for k in ks):
            start, how = _week_start_in(sh.cells, g), "'week starting' above the grid"
            if start is None and sh.name is not None:
                text, has_year = _week_in_text(str(sh.name))
                start, how = ((text, has_year), f"the sheet name {sh.name!r}") if text else (None, None)
        if start is not None and not start[1]:
            year, why = _year_for(grids, start[0])
            start, how = (f"{start[0]} {year}", True), f"{how} ({why})"
        starts.append(start[0] if start is not None else None)
        hows.append(how)
    return texts, kinds, starts, hows


def _parse_dates(pool: pd.Series, opts: ReadOptions, ctx: Context) -> pd.Series:
    """The dates of *pool*, read together; day/month order, when they settle it, into *ctx*."""
    try:
        parsed, reasons, info = cells.parse_date(pool, opts.dayfirst)
    except ValueError as exc:
        raise LogError(f"{opts.file}: the weekly grid's dates: {exc}") from None
    if info.get("dayfirst") is not None:
        ctx.dayfirst = info
        ctx.notes.append(dayfirst_note(info))
    if reasons.notna().any():
        raise LogError(f"{opts.file}: the weekly grid's dates: {reasons.dropna().iloc[0]}")
    return parsed


def _week_of(sh, g: Grid, explicit: list, start, given, order: int, n_grids: int, file: str,
             start_how: str | None = None):
    """``(start, how)``: the first day of a sheet's week and how it is known (else a LogError)."""
    if all(e is not None for e in explicit):
        return start, "the dates in the header"
    if start is not None:
        return start, start_how or "'week starting' above the grid"
    if given is not None:
        n = _WEEK_N.search(str(sh.name or ""))
        offset = int(n.group(1)) - 1 if n else order
        how = "week_start=" + (f" and the sheet name {sh.name!r}" if n else
                               (f" (sheet {order + 1} of the grids)" if n_grids > 1 else ""))
        return given + pd.Timedelta(days=7 * offset), how
    where = f"sheet {sh.name!r}" if sh.name is not None else file
    raise LogError(
        f"{file}: the weekly grid in {where} names its days ({_show(g.heads[0])} ...) but "
        "not the week: write 'Week starting 2 March 2026' above the grid, put the dates in the "
        "header, or pass read_log(..., week_start='2026-03-02')")


def _column_days(ks: list, explicit: list, start) -> list:
    """The date of each day column: its own date, else its weekday (or day number, or place) in the week."""
    start = pd.Timestamp(start) if start is not None else None
    days = []
    for pos, (k, e) in enumerate(zip(ks, explicit, strict=True)):
        if e is not None:
            days.append(pd.Timestamp(e).normalize())
        elif k[0] == "weekday":
            days.append(start.normalize() + pd.Timedelta(days=(k[1] - start.weekday()) % 7))
        elif k[0] == "dayn":
            days.append(start.normalize() + pd.Timedelta(days=k[1] - 1))
        else:
            days.append(start.normalize() + pd.Timedelta(days=pos))
    return days


def _dates(grids, opts: ReadOptions, ctx: Context) -> list[list]:
    """The date of each day column of each sheet; the notes say how they are known."""
    texts, kinds, starts, start_hows = _date_texts(grids)
    pool = pd.Series([*texts, *[s for s in starts if s is not None]], dtype=object)
    parsed = _parse_dates(pool, opts, ctx)
    header_dates = iter(parsed.iloc[: len(texts)].tolist())
    title_dates = iter(parsed.iloc[len(texts):].tolist())
    given = pd.Timestamp(opts.week_start).normalize() if opts.week_start is not None else None
    out, hows = [], []
    for order, ((sh, g), ks, st, st_how) in enumerate(zip(grids, kinds, starts, start_hows, strict=True)):
        explicit = [next(header_dates) if k[0] == "date" else None for k in ks]
        start = next(title_dates) if st is not None else None
        start, how = _week_of(sh, g, explicit, start, given, order, len(grids), opts.file, st_how)
        out.append(_column_days(ks, explicit, start))
        hows.append(how)
    counts = pd.Series(hows).value_counts()
    ctx.notes.append("weekly grid: the days' dates from " + "; ".join(
        f"{how}" + (f" ({plural(int(n), 'sheet')})" if len(grids) > 1 else "") for how, n in counts.items()))
    return out


def _hours(labels: pd.Series, sheet) -> tuple[pd.Series, str | None]:
    """The hour labels as unambiguous ``HH:MM`` / ``HH:MM-HH:MM`` text, and the note on afternoon hours.

    Hours written without am/pm that come after a later hour in the column
    (``11-12``, ``12-1``, ``1-2``) are afternoon hours; other labels stay as
    written, so that the reader reports them.
    """
    t, e, reasons = cells.parse_time(labels)
    ok = t.notna() & reasons.isna()
    t, e, pm = cells.afternoon(t, e, labels, ok=ok)
    note = None
    if pm.any():
        note = (f"weekly grid{'' if sheet is None else f' {sheet!r}'}: read "
                f"{plural(int(pm.sum()), 'hour')} written without am/pm as afternoon "
                f"(e.g. {labels[pm].astype('str').iloc[0]!r}): they come after a later hour")
    text = (cells.hhmm(t) + ("-" + cells.hhmm(e)).where(e.notna(), "")).where(ok, labels.where(~cells.blank(labels)))
    return text, note


def _skips(labels: pd.Series, row, text: pd.Series, index) -> pd.Series:
    """Cells that are not entries: in a row that is not an hour (Mood, Notes, Total), or only a dash."""
    row_label = labels.reindex(row).astype("str").str.strip()
    not_hour = row_label.str.match(_NOT_HOURS).fillna(False).to_numpy(bool)
    skip = pd.Series(pd.NA, index=index, dtype="str")
    skip[not_hour] = ("a '" + row_label[not_hour].to_numpy()
                      + "' row, not an hour of the day: bactivate reads the hour rows")
    dashes = text.str.match(_DASH).fillna(False).to_numpy(bool)
    skip[dashes] = "a dash, nothing logged in this cell"
    return skip


def _melt(sh, g: Grid, days: list, title: str, ctx: Context) -> pd.DataFrame:
    """One row per non-empty cell of a sheet's day columns; the title's scale and notes into *ctx*."""
    raw = sh.cells
    body = raw.iloc[g.header + 1:]
    labels = body.iloc[:, g.label]
    hour, note = _hours(labels, sh.name)
    if note:
        ctx.notes.append(note)
    grid = body.iloc[:, g.days]
    grid.columns = range(len(g.days))
    long = grid.stack(future_stack=True)  # row by row, as the sheet is read; index: (row, day position)
    long = long[~cells.blank(long)]
    row = long.index.get_level_values(0).to_numpy()
    pos = long.index.get_level_values(1).to_numpy()
    letters = np.array([column_letter(g.days[p]) for p in range(len(g.days))])[pos]
    text = long.astype("str").str.strip()
    order = _order(title)
    parsed = cells.distinct(text.reset_index(drop=True), lambda u: _parse(u, order))
    frame = pd.DataFrame({
        "date": np.array(days, dtype="datetime64[ns]")[pos] if len(pos) else pd.Series(dtype="datetime64[ns]"),
        "time": hour.reindex(row).to_numpy(),
        "activity": parsed["activity"].to_numpy(),
        "mastery": parsed["m"].to_numpy(),
        "pleasure": parsed["p"].to_numpy(),
    })
    frame["_row"] = (row + 1).astype("int64")
    frame["_sheet"] = sh.name
    frame["_repeat"] = False
    frame["_cell"] = letters + frame["_row"].astype("str")
    frame["_column"] = letters
    frame["_value"] = text.to_numpy()
    frame["_problem"] = parsed["problem"].to_numpy()
    # rows that are not hours (a Mood, Notes or Total row under the grid) and dash-only cells
    frame["_skip"] = _skips(labels, row, text, frame.index)
    scale = _SCALE.search(title)
    if scale:
        lo, hi = float(scale.group(1)), float(scale.group(2))
        if hi > lo:
            for f in ("mastery", "pleasure"):
                ctx.hints.setdefault(f, (lo, hi))
                ctx.scale_how.setdefault(f, f"the grid's title says {scale.group(0).strip()!r}")
    if order:
        ctx.notes.append(f"weekly grid{'' if sh.name is None else f' {sh.name!r}'}: two bare numbers in "
                         f"a cell read as {order[0][0].upper()} then {order[1][0].upper()}, as the "
                         "title says")
    return frame


def _order(title: str) -> tuple[str, str] | None:
    m = _ORDER.search(title)
    if not m:
        return None
    a, b = ("mastery" if x.lower().startswith("m") else "pleasure" for x in m.groups())
    return (a, b) if a != b else None


def _parse(u: pd.Series, order) -> pd.DataFrame:
    """Activity, M and P of distinct cell texts."""
    text = u.astype("str")
    m = text.str.extract(_TAG_M)[0]
    p = text.str.extract(_TAG_P)[0]
    rest = text.str.replace(_TAG_M, " ", regex=True).str.replace(_TAG_P, " ", regex=True)
    tagged = m.notna() | p.notna()
    pair = rest.str.extract(_PAIR)
    has_pair = ~tagged & pair[0].notna() & pair[1].notna()
    problem = pd.Series(pd.NA, index=u.index, dtype="str")
    if has_pair.any():
        if order:
            first, second = (pair[0], pair[1]) if order[0] == "mastery" else (pair[1], pair[0])
            m = m.where(~has_pair, first)
            p = p.where(~has_pair, second)
            rest = rest.where(~has_pair, rest.str.replace(_PAIR, "", regex=True))
        else:
            problem[has_pair] = ("'" + text[has_pair] + "' has two numbers without M or P: write e.g. "
                                 "'Walk M4 P7', or say their order in the sheet's title, e.g. '(M/P)'")
    activity = (rest.str.replace(r"\(\s*[,;/\s]*\s*\)|\[\s*[,;/\s]*\s*\]", " ", regex=True)
                .str.replace(r"\s+", " ", regex=True).str.strip(" \t,;:-–—/(")
                .str.replace(r"\s*\(\s*$", "", regex=True))
    activity = activity.where(activity != "")
    none = activity.isna() & problem.isna() & ~text.str.match(_DASH).fillna(False)
    problem[none] = ("'" + text[none] + "' names no activity: write what was done, e.g. 'Walk M6 P7'")
    return pd.DataFrame({"activity": activity, "m": m.str.replace(",", ".", regex=False),
                         "p": p.str.replace(",", ".", regex=False), "problem": problem})
