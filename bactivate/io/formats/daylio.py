"""Daylio's CSV export: one line per entry, its activities joined with `` | ``.

Headers vary with the app's version and are read by name, never by position::

    year,date,weekday,time,mood,activities,note                      (old)
    full_date,date,weekday,time,mood,activities,note
    full_date,date,weekday,time,mood,activities,note_title,note
    full_date,date,weekday,time,mood,activities,note_title,note,scales   (newest)

``full_date`` is the date (``date`` is display text such as "September 7" and
``weekday`` is not trusted); in the old layout the date is ``date`` + ``year``.
Each activity becomes one tidy row; the rows of one entry share its entry id,
time, mood and note. Moods are labels: Daylio's five defaults are known, any
other label needs ``mood_map=``. ``scales`` ("Sleep Quality: 8/10 points |
Sleep Time: 8:00") become extra columns.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from bactivate.errors import LogError
from bactivate.io import cells as values
from bactivate.io.formats._common import (
    body_rows,
    clock_text,
    columns_by_name,
    entry_rows,
    find_row,
    plural,
    shown,
)

LABEL = "a Daylio export"
#: Daylio's five default mood labels on 0-10 (also bactivate.io.DAYLIO_MOODS).
MOODS = {"rad": 10.0, "good": 7.5, "meh": 5.0, "bad": 2.5, "awful": 0.0}
_USED = ("full_date", "year", "date", "weekday", "time", "mood", "activities", "note", "note_title",
         "scales")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_POINTS = re.compile(r"^\s*(-?\d+(?:[.,]\d+)?)\s*(?:/\s*(\d+(?:[.,]\d+)?))?\s*(?:points?|pts?)?\s*$",
                     re.IGNORECASE)


def is_header(keys: set[str]) -> bool:
    """A Daylio header: mood, activities and time, and full_date (or year and date)."""
    return {"mood", "activities", "time"} <= keys and ("full_date" in keys or {"year", "date"} <= keys)


def looks_partly(keys: set[str]) -> bool:
    """Some of Daylio's own column names, but not a whole Daylio header."""
    return not is_header(keys) and ("full_date" in keys or {"weekday", "time", "mood", "activities"} <= keys)


def cells(sheets, reader, **_) -> pd.DataFrame:
    parts = []
    for sh in sheets:
        part = _sheet(sh, reader)
        if part is not None:
            parts.append(part)
    if not parts:
        raise LogError(f"{reader.file}: no Daylio header found: a Daylio export starts with a line such as "
                       "'full_date,date,weekday,time,mood,activities,note'")
    out = pd.concat(parts, ignore_index=True, sort=False)
    _moods(out, reader)
    return out


def _sheet(sh, reader) -> pd.DataFrame | None:
    raw = sh.cells
    h = find_row(raw, is_header, n=5)
    if h is None:
        if sh.name is not None:
            reader.notes.append(f"skipped sheet {sh.name!r}: no Daylio header")
        return None
    col = columns_by_name(raw, h)
    body = body_rows(raw, h)
    if body.empty:
        reader.notes.append(f"{reader.file}: a Daylio header but no entries")
        return None

    def get(name):
        return body.iloc[:, col[name]] if name in col else None

    frame = pd.DataFrame(index=body.index)
    if "full_date" in col:
        frame["date"] = get("full_date")
        reader.header_text.setdefault("date", "full_date")
        unused = [c for c in ("date", "weekday", "year") if c in col]
        if unused:
            reader.notes.append("Daylio: each entry's date is its full_date; the "
                                + " and ".join(unused) + f" column{'s' if len(unused) > 1 else ''} "
                                "(display text) were not used")
        if "weekday" in col:
            _check_weekdays(frame["date"], get("weekday"), reader)
    else:
        # the old layout: "September 7" or "18 May" in date, the year beside it
        year = get("year").astype("str").str.strip().str.replace(r"\.0$", "", regex=True)
        day = get("date").astype("str").str.strip()
        both = ~values.blank(get("year")) & ~values.blank(get("date"))
        frame["date"] = (day + " " + year).where(both, get("date").where(~values.blank(get("date"))))
        reader.header_text.setdefault("date", "date and year")
        reader.notes.append("Daylio: each entry's date is its date and year columns (an older export); "
                            "the weekday column was not used")
    frame["time"] = clock_text(get("time"))
    reader.header_text.setdefault("time", "time")
    frame["mood"] = get("mood")
    reader.header_text.setdefault("mood", "mood")
    if "note" in col:
        frame["note"] = get("note")
        reader.header_text.setdefault("note", "note")
    if "note_title" in col:
        frame["note_title"] = get("note_title")
    if "scales" in col:
        frame = frame.join(_scales(get("scales"), reader))
    others = [name for name in col if name not in _USED]
    for name in others:
        frame[reader._extra_name(str(raw.iat[h, col[name]]).replace("\ufeff", "").strip(), frame)] = (
            get(name))
    if others:
        reader.notes.append(f"Daylio: kept columns bactivate does not know as extra columns: {shown(others)}")
    return entry_rows(
        frame, sh.name, get("activities"), reader, header="activities",
        note=lambda n: (f"Daylio: {plural(n, 'entry')} with several activities became one row per "
                        "activity, sharing the entry's id, time, mood and note"))


def _check_weekdays(dates: pd.Series, weekday: pd.Series, reader) -> None:
    d, _, _ = values.parse_date(dates)
    said = weekday.astype("str").str.strip().str.lower().str[:3]
    true = d.dt.day_name().str.lower().str[:3]
    known = said.isin([w[:3] for w in _WEEKDAYS]) & d.notna()
    wrong = known & (said != true)
    if wrong.any():
        i = wrong[wrong].index[0]
        reader.notes.append(
            f"Daylio: the weekday column disagrees with full_date on {plural(int(wrong.sum()), 'line')} "
            f"(e.g. line {i + 1}: {str(weekday[i]).strip()!r} for {d[i]:%Y-%m-%d}, a {d[i]:%A}); "
            "full_date was used")


def _scales(col: pd.Series, reader) -> pd.DataFrame:
    """``"Sleep Quality: 8/10 points | Sleep Time: 8:00"`` -> one extra column per scale."""
    text = col.astype("str").where(~values.blank(col))
    pieces = text.dropna().str.split(r"\s*\|\s*", regex=True).explode().str.strip()
    pieces = pieces[pieces != ""]
    parts = pieces.str.extract(r"^(?P<name>[^:]+?)\s*:\s*(?P<value>.*?)\s*$")
    out = pd.DataFrame(index=col.index)
    if parts["name"].isna().any():  # not "name: value": keep the column as it was
        out["scales"] = col
        reader.notes.append("Daylio: some scales cells are not 'name: value' pairs; the scales column "
                            "was kept as it is")
        return out
    points = parts["value"].str.extract(_POINTS)
    parts["number"] = points[0].str.replace(",", ".", regex=False)
    parts["of"] = points[1]
    described = []
    for name, grp in parts.groupby("name", sort=False):  # a loop over the few scales
        numeric = grp["number"].notna().all()
        vals = grp["number"] if numeric else grp["value"]
        vals = vals[~vals.index.duplicated()]
        column = reader._extra_name(str(name), out)
        out[column] = vals.reindex(col.index)
        tops = grp["of"].dropna().unique()
        described.append(f"{column!r}" + (f" (points out of {tops[0]})" if numeric and len(tops) == 1 else ""))
    if described:
        reader.notes.append("Daylio: scales kept as extra columns: " + ", ".join(described))
    return out


def _moods(frame: pd.DataFrame, reader) -> None:
    """Check every mood label is known before reading; set the label map on *reader*."""
    known = {k: float(v) for k, v in MOODS.items()}
    if reader.mood_map:
        known.update({str(k).strip().lower(): float(v) for k, v in reader.mood_map.items()})
    mood = frame["mood"]
    entries = ~frame["_entry"].duplicated()
    text = mood[entries & ~values.blank(mood)].astype("str").str.strip()
    labels = text[text.str.contains(r"[^\W\d_]", regex=True)]
    counts = labels.str.lower().value_counts()
    unknown = [lab for lab in counts.index if lab not in known]
    if unknown:
        found = ", ".join(f"{lab!r} ({plural(int(n), 'entry')})" for lab, n in counts.items())
        example = ", ".join(f"{lab!r}: {v:g}" for lab, v in zip(
            unknown, np.linspace(10, 0, max(len(unknown), 2)).round(1), strict=False))
        raise LogError(
            f"{reader.file}: Daylio mood label{'s' if len(unknown) > 1 else ''} {shown(unknown)} "
            f"{'are' if len(unknown) > 1 else 'is'} not known. The moods in this file are: {found}. "
            "Daylio's five default moods are read as rad=10, good=7.5, meh=5, bad=2.5, awful=0; give each "
            f"of your own labels its value on 0-10 (10 = best), e.g. mood_map={{{example}}}")
    reader.mood_map = known
    reader.hints["mood"] = (0.0, 10.0)
    reader.scale_how["mood"] = ("Daylio mood labels: " + ", ".join(
        f"{lab} = {known[lab]:g}" for lab in (list(counts.index) or list(MOODS))))
