"""Bearable's CSV export: one line per logged item, in long format.

Columns (read by name)::

    date, [date formatted,] weekday, time of day, category, rating/amount, detail, notes

Dates are written like "22nd Sep 2020" (newer exports add an ISO "date
formatted" column, preferred when present). "time of day" is a clock time or
one of Bearable's slots, kept in the extra column ``time_slot`` and placed at
a representative hour: pre 06:00, am 09:00, mid 13:00, pm 19:00, all day 12:00.

* **Mood** lines give the mood. Bearable rates mood from 1 to 10 (its help
  page "What are all the different scales used in Bearable?"), mapped onto
  0-10; ``scales={"mood": (low, high)}`` overrides it. Their detail is kept in
  the extra column ``detail``.
* **Factors** (and other activity-like categories: Activities, Activity,
  Exercise, Hobbies) give activities: the detail is pipe-joined, one tidy row
  per activity, sharing the line's entry id.
* Every other category (Energy, Sleep quality, Symptom, Meds/Supplements,
  Nutrition, Health measurements, custom ratings ...) belongs to the entry
  logged at the same date and time of day: its reading becomes an extra column
  of that entry, named after the category in lower case (``energy``; the
  rating/amount, or the detail when there is no amount; where a line has both,
  the detail goes in ``<category> detail``; several lines of one category at
  one time are joined with `` | ``). The line itself is listed in
  ``attrs["rejected"]`` as "not an entry" (it is part of another entry).
  Lines with no entry at their date and time (Sleep, which has no time of
  day; a Symptom logged at a time with no mood or factors) are not used: they
  are set aside as "not an entry" too, and ``attrs["notes"]`` counts both kinds.
"""

from __future__ import annotations

import pandas as pd

from bactivate._util import plural
from bactivate.io import cells
from bactivate.io.context import Context, Entries, ReadOptions
from bactivate.io.formats._common import (
    body_rows,
    clock_text,
    columns_by_name,
    each_sheet,
    entry_rows,
)
from bactivate.io.headers import FIELDS, extra_name

NAME = "bearable"
LABEL = "a Bearable export"
#: Bearable's time-of-day slots and the hour each is placed at.
SLOTS = {"pre": "06:00", "am": "09:00", "mid": "13:00", "pm": "19:00", "all day": "12:00"}
#: Bearable's mood scale (bearable.app: Mood and Energy use a 1 to 10 scale).
MOOD_SCALE = (1.0, 10.0)
ACTIVITY_CATEGORIES = ("factors", "other factors", "activities", "activity", "exercise", "hobbies")
_COLUMNS = {"date", "date formatted", "weekday", "time of day", "category", "rating/amount", "detail", "notes"}


def is_header(keys: set[str]) -> bool:
    """A Bearable header: category, rating/amount, time of day, and a date."""
    return {"category", "rating/amount"} <= keys and "time of day" in keys and bool(
        {"date", "date formatted"} & keys)


def looks_partly(keys: set[str]) -> bool:
    """Some of Bearable's own column names, but not a whole Bearable header."""
    return not is_header(keys) and ("rating/amount" in keys or {"time of day", "category", "detail"} <= keys)


def read(sheets, opts: ReadOptions) -> Entries:
    """The raw entries of a Bearable export: mood lines, and one row per activity of a factors line.

    Parameters
    ----------
    sheets : list of Sheet
    opts : ReadOptions
        ``file`` is used.

    Returns
    -------
    Entries
        Its context holds Bearable's 1-10 mood scale (unless a header names another).

    Raises
    ------
    LogError
        With no Bearable header.

    Examples
    --------
    >>> from bactivate.io.files import read_sheets
    >>> sheets = [sh.grid() for sh in read_sheets("data/sample/formats/bearable-export.csv")]
    >>> entries = read(sheets, ReadOptions(file="bearable-export.csv"))
    >>> entries.context.hints["mood"], entries.context.headers["mood"]
    ((1.0, 10.0), 'rating/amount')
    """
    out, ctx = each_sheet(sheets, opts, is_header, _sheet, "Bearable",
                          "date,weekday,time of day,category,rating/amount,detail,notes")
    if "mood" not in ctx.hints:
        ctx.hints["mood"] = MOOD_SCALE
        ctx.scale_how["mood"] = ("Bearable rates mood from 1 to 10; pass scales={'mood': (low, high)} "
                                 "if your export uses another scale")
    return Entries(out, ctx, NAME)


def _skips(category: pd.Series, is_mood, is_act, amount, detail, notes,
           attached) -> tuple[pd.Series, str | None]:
    """Why each line is not an entry (part of another entry, not used, or nothing logged), and the note."""
    skip = pd.Series(pd.NA, index=category.index, dtype="str")
    unused = ~is_mood & ~is_act & ~attached
    skip[unused] = ("a Bearable '" + category[unused].fillna("(no category)")
                    + "' line: not an activity or mood, and no entry at its date and time; not used")
    skip[attached] = ("a Bearable '" + category[attached] + "' line: kept as the column '"
                      + category[attached].str.lower() + "' of the entry at the same date and time")
    empty = (is_act & cells.blank(detail)) | (is_mood & cells.blank(amount) & cells.blank(detail)
                                             & cells.blank(notes))
    skip[empty] = "a Bearable '" + category[empty] + "' line with nothing logged"
    parts = []
    if attached.any():
        counts = category[attached].value_counts()
        parts.append("Bearable: lines kept as extra columns of the entry at the same date and time "
                     "(named after their category; the lines stay in attrs['rejected'] as not an entry): "
                     + ", ".join(f"{n} {c}" for c, n in counts.items()))
    if unused.any():
        counts = category[unused].fillna("(no category)").value_counts()
        parts.append("Bearable: lines not used (neither mood nor activities, and no entry at their date "
                      "and time; they stay in attrs['rejected']): "
                      + ", ".join(f"{n} {c}" for c, n in counts.items()))
    return skip, ("; ".join(parts) if parts else None)


def _readings(frame: pd.DataFrame, category: pd.Series, is_entry: pd.Series, amount: pd.Series,
              detail: pd.Series) -> tuple[pd.DataFrame, pd.Series]:
    """The other categories' readings as columns of the entry lines at the same date and time.

    Returns the columns (indexed like *frame*, values on entry lines only) and which lines
    were so attached.
    """
    has_time = frame["time"].notna() & frame["date"].notna()
    key = frame["date"].astype("str") + "\x00" + frame["time"].astype("str")
    entry_keys = set(key[is_entry & has_time])
    other = ~is_entry & category.notna() & has_time & key.isin(entry_keys)
    other &= ~(cells.blank(amount) & cells.blank(detail))
    out = pd.DataFrame(index=frame.index)
    if not other.any():
        return out, other
    amount, detail = amount.astype(object), detail.astype(object)
    value = amount.where(~cells.blank(amount), detail).astype("str").str.strip()
    extra = detail.where(~cells.blank(amount) & ~cells.blank(detail)).astype("str").str.strip()
    lines = pd.DataFrame({"key": key[other], "cat": category[other].str.lower(),
                          "value": value[other], "detail": extra[other].where(extra[other] != "nan")})
    taken = set(frame.columns)
    for cat, grp in lines.groupby("cat", sort=False):  # a loop over the few categories
        name = cat if cat not in taken and cat not in FIELDS else extra_name(f"bearable {cat}", frame)
        taken.add(name)
        joined = grp.groupby("key", sort=False)["value"].agg(" | ".join)
        out[name] = key.map(joined).where(is_entry)
        details = grp.dropna(subset=["detail"])
        if len(details):
            out[f"{name} detail"] = key.map(details.groupby("key", sort=False)["detail"].agg(" | ".join)
                                            ).where(is_entry)
    return out, other


def _sheet(sh, h, opts: ReadOptions) -> tuple[pd.DataFrame | None, Context]:
    """One sheet's lines as raw entries (or None when it has none), and its context."""
    ctx = Context()
    raw = sh.cells
    col = columns_by_name(raw, h)
    body = body_rows(raw, h)
    if body.empty:
        ctx.notes.append(f"{opts.file}: a Bearable header but no lines below it")
        return None, ctx

    def get(name):
        return body.iloc[:, col[name]] if name in col else pd.Series(pd.NA, index=body.index, dtype=object)

    frame = pd.DataFrame(index=body.index)
    if "date formatted" in col:
        d = get("date formatted")
        frame["date"] = d.where(~cells.blank(d), get("date"))
        ctx.headers.setdefault("date", "date formatted")
    else:
        frame["date"] = get("date")
        ctx.headers.setdefault("date", "date")
    when = get("time of day")
    key = when.astype("str").str.strip().str.lower().where(~cells.blank(when))
    slot = key.isin(list(SLOTS))
    frame["time"] = clock_text(when).where(~slot, key.map(SLOTS))
    ctx.headers.setdefault("time", "time of day")
    category = get("category").astype("str").str.strip().where(~cells.blank(get("category")))
    cat = category.str.lower()
    is_mood = (cat == "mood").fillna(False).astype(bool)
    is_act = cat.isin(ACTIVITY_CATEGORIES).fillna(False).astype(bool)
    amount = get("rating/amount")
    detail = get("detail")
    frame["mood"] = amount.where(is_mood)
    ctx.headers.setdefault("mood", "rating/amount")
    frame["note"] = get("notes")
    ctx.headers.setdefault("note", "notes")
    frame["detail"] = detail.where(is_mood)
    frame["time_slot"] = key.where(slot)
    frame["bearable_category"] = category
    for name in (c for c in col if c not in _COLUMNS):
        frame[extra_name(str(raw.iat[h, col[name]]).strip(), frame)] = get(name)
    readings, attached = _readings(frame, category, is_mood | is_act, amount, detail)
    frame = frame.join(readings)
    frame["_skip"], note = _skips(category, is_mood, is_act, amount, detail, get("notes"), attached)
    if note:
        ctx.notes.append(note)
    if slot.any():
        ctx.notes.append("Bearable: times of day given as slots placed at " + ", ".join(
            f"{k} {v}" for k, v in SLOTS.items()) + "; the slot is kept in the column 'time_slot'")
    out = entry_rows(
        frame, sh.name, detail.where(is_act), ctx, header="detail",
        note=lambda n: (f"Bearable: {plural(n, 'line')} with several factors became one row per activity, "
                        "sharing the line's entry id"))
    return out, ctx
