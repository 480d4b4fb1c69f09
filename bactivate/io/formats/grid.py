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
the grid; else from ``read_log(..., week_start=...)`` (sheet "Week 3" is two
weeks after it; other sheets follow in order). Weekday names then place each
column in that week.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from bactivate.errors import LogError
from bactivate.io import cells as values
from bactivate.io.files import column_letter
from bactivate.io.formats._common import plural
from bactivate.io.headers import TITLE_CLIENT

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
_WEEK_N = re.compile(r"\bweek\s*(\d{1,3})\b", re.IGNORECASE)
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
            col = col[~values.blank(col)]
            if len(col) < 2:
                continue
            t, _, reasons = values.parse_time(col)
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


def looks_partly(keys) -> bool:
    return False


# --------------------------------------------------------------------------- reading


def cells(sheets, reader, *, week_start=None, **_) -> pd.DataFrame:
    grids = []
    for sh in sheets:  # a loop over sheets
        g = find(sh.cells)
        if g is None:
            if sh.name is not None:
                reader.notes.append(f"skipped sheet {sh.name!r}: it holds no weekly grid (no row of days "
                                    "over a column of hours)")
            continue
        grids.append((sh, g))
    if not grids:
        raise LogError(f"{reader.file}: no weekly grid found: a weekly activity schedule has a row of days "
                       "(Monday ... Sunday, or dates) over a column of hours (7am, 8-9, 13:00 ...)")
    dates = _dates(grids, reader, week_start)
    parts = []
    for (sh, g), days in zip(grids, dates, strict=True):
        title = _title(sh.cells, g)
        m = TITLE_CLIENT.search(title)
        if m and reader.title_client is None:  # "Client: Sam - Week starting ...": the name only
            reader.title_client = re.split(r"\s+[-–—]\s+|\s+week\b", m.group(1), flags=re.IGNORECASE)[0].strip(
                " -–—:")
        parts.append(_melt(sh, g, days, title, reader))
    out = pd.concat(parts, ignore_index=True, sort=False)
    if out.empty:
        raise LogError(f"{reader.file}: the weekly grid is empty: write each activity in its hour and day")
    reader.header_text.update({"time": "hour", "date": "day", "activity": "cell", "mastery": "M",
                               "pleasure": "P"})
    reader.notes.append(f"weekly grid: read {plural(len(out), 'non-empty cell')} of "
                        f"{plural(len(grids), 'sheet')}, one entry per cell (rows read are cells)")
    return out


def _title(raw: pd.DataFrame, g: Grid) -> str:
    """Text above the row of days, and the corner cell (e.g. "Time (M/P)")."""
    above = raw.iloc[: g.header].to_numpy(dtype=object).ravel().tolist()
    corner = raw.iat[g.header, g.label]
    return "\n".join(str(c) for c in [*above, corner] if isinstance(c, str) and c.strip())


def _week_start_in(raw: pd.DataFrame, g: Grid):
    """'Week starting 2 March 2026' (in one cell, or the date in the next cell), else None."""
    grid = raw.iloc[: g.header].to_numpy(dtype=object)
    for i in range(grid.shape[0]):
        for j in range(grid.shape[1]):
            cell = grid[i, j]
            if not isinstance(cell, str):
                continue
            m = _WEEK_OF.search(cell)
            if not m:
                continue
            d = _A_DATE.search(m.group(1))
            if d:
                return d.group(0)
            right = [c for c in grid[i, j + 1:] if not (c is None or (isinstance(c, float) and np.isnan(c))
                                                         or (isinstance(c, str) and not c.strip()))]
            if right:
                return right[0]
    return None


def _dates(grids, reader, week_start) -> list[list]:
    """The date of each day column of each sheet."""
    texts, kinds, starts = [], [], []
    for sh, g in grids:
        ks = [_day_cell(c) for c in g.heads]
        kinds.append(ks)
        texts.extend(k[1] for k in ks if k[0] == "date")
        starts.append(None if all(k[0] == "date" for k in ks) else _week_start_in(sh.cells, g))
    pool = pd.Series([*texts, *[s for s in starts if s is not None]], dtype=object)
    try:
        parsed, reasons, info = values.parse_date(pool, reader.dayfirst)
    except ValueError as exc:
        raise LogError(f"{reader.file}: the weekly grid's dates: {exc}") from None
    if info.get("dayfirst") is not None:
        reader._note_dayfirst(info)
    if reasons.notna().any():
        raise LogError(f"{reader.file}: the weekly grid's dates: {reasons.dropna().iloc[0]}")
    header_dates = iter(parsed.iloc[: len(texts)].tolist())
    title_dates = iter(parsed.iloc[len(texts):].tolist())
    given = None
    if week_start is not None:
        given = pd.Timestamp(week_start).normalize()
    out, hows = [], []
    order = 0
    for (sh, g), ks, st in zip(grids, kinds, starts, strict=True):
        explicit = [next(header_dates) if k[0] == "date" else None for k in ks]
        start = next(title_dates) if st is not None else None
        how = "the dates in the header" if all(e is not None for e in explicit) else None
        if how is None and start is not None:
            how = "'week starting' above the grid"
        if how is None and given is not None:
            n = _WEEK_N.search(str(sh.name or ""))
            offset = int(n.group(1)) - 1 if n else order
            start = given + pd.Timedelta(days=7 * offset)
            how = "week_start=" + (f" and the sheet name {sh.name!r}" if n else
                                   (f" (sheet {order + 1} of the grids)" if len(grids) > 1 else ""))
        if how is None:
            where = f"sheet {sh.name!r}" if sh.name is not None else reader.file
            raise LogError(
                f"{reader.file}: the weekly grid in {where} names its days ({_show(g.heads[0])} ...) but "
                "not the week: write 'Week starting 2 March 2026' above the grid, put the dates in the "
                "header, or pass read_log(..., week_start='2026-03-02')")
        order += 1
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
        out.append(days)
        hows.append(how)
    counts = pd.Series(hows).value_counts()
    reader.notes.append("weekly grid: the days' dates from " + "; ".join(
        f"{how}" + (f" ({plural(int(n), 'sheet')})" if len(grids) > 1 else "") for how, n in counts.items()))
    return out


def _hours(labels: pd.Series, reader, sheet) -> pd.Series:
    """The hour labels as unambiguous ``HH:MM`` / ``HH:MM-HH:MM`` text.

    Hours written without am/pm that come after a later hour in the column
    (``11-12``, ``12-1``, ``1-2``) are afternoon hours; other labels stay as
    written, so that the reader reports them.
    """
    t, e, reasons = values.parse_time(labels)
    ok = t.notna() & reasons.isna()
    hours = t.dt.total_seconds() / 3600
    marked = labels.astype("str").str.contains(r"[ap]\.?m\b|noon|midnight", case=False, regex=True)
    twenty_four = (hours.ge(13) & ~marked.fillna(False).astype(bool)).any()
    bare = values.bare_hours(labels) & ~twenty_four
    above = hours.cummax().shift()
    pm = bare & ok & above.notna() & (hours < above) & (hours + 12 >= above)
    half = pd.Timedelta(hours=12)
    t = t.where(~pm, t + half)
    e = e.where(~pm, e + half)
    if pm.any():
        reader.notes.append(f"weekly grid{'' if sheet is None else f' {sheet!r}'}: read "
                            f"{plural(int(pm.sum()), 'hour')} written without am/pm as afternoon "
                            f"(e.g. {labels[pm].astype('str').iloc[0]!r}): they come after a later hour")
    return (_hhmm(t) + ("-" + _hhmm(e)).where(e.notna(), "")).where(ok, labels.where(~values.blank(labels)))


def _hhmm(t: pd.Series) -> pd.Series:
    secs = t.dt.total_seconds()
    hh = (secs // 3600).astype("Int64").astype("str").str.zfill(2)
    mm = ((secs % 3600) // 60).astype("Int64").astype("str").str.zfill(2)
    return hh + ":" + mm


def _melt(sh, g: Grid, days: list, title: str, reader) -> pd.DataFrame:
    raw = sh.cells
    body = raw.iloc[g.header + 1:]
    labels = body.iloc[:, g.label]
    hour = _hours(labels, reader, sh.name)
    grid = body.iloc[:, g.days]
    grid.columns = range(len(g.days))
    long = grid.stack(future_stack=True)  # row by row, as the sheet is read; index: (row, day position)
    long = long[~values.blank(long)]
    row = long.index.get_level_values(0).to_numpy()
    pos = long.index.get_level_values(1).to_numpy()
    letters = np.array([column_letter(g.days[p]) for p in range(len(g.days))])[pos]
    text = long.astype("str").str.strip()
    order = _order(title)
    parsed = values.distinct(text.reset_index(drop=True), lambda u: _parse(u, order))
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
    row_label = labels.reindex(row).astype("str").str.strip()
    not_hour = row_label.str.match(_NOT_HOURS).fillna(False).to_numpy(bool)
    skip = pd.Series(pd.NA, index=frame.index, dtype="str")
    skip[not_hour] = ("a '" + row_label[not_hour].to_numpy()
                      + "' row, not an hour of the day: bactivate reads the hour rows")
    dashes = text.str.match(_DASH).fillna(False).to_numpy(bool)
    skip[dashes] = "a dash, nothing logged in this cell"
    frame["_skip"] = skip
    scale = _SCALE.search(title)
    if scale:
        lo, hi = float(scale.group(1)), float(scale.group(2))
        if hi > lo:
            for f in ("mastery", "pleasure"):
                reader.hints.setdefault(f, (lo, hi))
                reader.scale_how.setdefault(f, f"the grid's title says {scale.group(0).strip()!r}")
    if order:
        reader.notes.append(f"weekly grid{'' if sh.name is None else f' {sh.name!r}'}: two bare numbers in "
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
