"""Recognising the header row of a hand-made log and what each column holds.

People write headers in any case, spacing and punctuation, with synonyms and
scale hints: ``"M (0-10)"``, ``"What I did"``, ``"Life area"``, ``"Done?"``.
:func:`field_for` maps one header to a tidy field (or ``None``);
:func:`scale_hint` reads a declared scale such as ``(1-5)`` or ``/10``;
:func:`find_header` picks the header row among the first rows of a sheet.

>>> field_for("M (0-10)"), field_for("What I did"), field_for("Life area")
('mastery', 'activity', 'category')
>>> scale_hint("Mood (1-5)")
(1.0, 5.0)
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

# tidy field (or helper field) -> accepted header keys (lower case, letters and digits only)
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "client": ("client", "clientid", "clientname", "participant", "participantid", "pid",
               "subject", "subjectid", "patient", "patientid"),
    "entry": ("entry", "entryid"),
    "date": ("date", "day", "datum", "dateofentry", "entrydate", "dateday"),
    "time": ("time", "hour", "timeofday", "slot", "timeslot", "clock", "hourslot", "starttimeofday"),
    "start": ("start", "starttime", "timestamp", "datetime", "dateandtime", "datetimestart",
              "begin", "began", "from", "when", "started", "startdatetime"),
    "end": ("end", "endtime", "to", "until", "finish", "finished", "stop", "ended", "enddatetime"),
    "duration": ("duration", "minutes", "mins", "length", "howlong", "timespent"),
    "activity": ("activity", "activities", "whatidid", "whatdidyoudo", "whatwereyoudoing", "doing",
                 "task", "event", "behaviour", "behavior", "action", "what", "activitydescription"),
    "category": ("category", "lifearea", "area", "domain", "lifedomain", "value", "values",
                 "valuearea", "valuedomain", "valuesarea", "lifeareavalue", "lifeareas"),
    "mastery": ("m", "mastery", "achievement", "accomplishment", "senseofaccomplishment",
                "senseofmastery", "masteryrating", "masterym", "mmastery", "achievementmastery"),
    "pleasure": ("p", "pleasure", "enjoyment", "enjoy", "pleasurerating", "fun", "pleasurep",
                 "ppleasure", "enjoymentpleasure"),
    "mood": ("mood", "feeling", "feelings", "moodrating", "howifelt", "howdidyoufeel", "mymood"),
    "effort": ("effort", "difficulty", "difficult", "hard", "howhard", "effortrating"),
    "planned": ("planned", "scheduled", "plan", "wasitplanned", "scheduledactivity", "plannedactivity"),
    "done": ("done", "completed", "complete", "didit", "carriedout", "donecompleted", "didyoudoit"),
    "avoidance": ("avoid", "avoidance", "avoided", "avoidant", "avoidancebehaviour",
                  "avoidancebehavior", "wasitavoidance"),
    "note": ("note", "notes", "comment", "comments", "remarks", "remark", "thoughts", "notesthoughts"),
    "source": ("source",),
}
#: Every field a header can name: the tidy columns plus date, time, duration.
FIELDS = frozenset(_SYNONYMS)
_LOOKUP: dict[str, str] = {key: field for field, keys in _SYNONYMS.items() for key in keys}
#: Fields that count towards recognising a header row (helpers like "source" do not).
_LOG_FIELDS = frozenset(_SYNONYMS) - {"source", "entry"}
#: A log header names at least one of these: what was done, or how it went. Date and client
#: alone (a questionnaire sheet, a roster) do not make a log.
_CONTENT_FIELDS = frozenset({"activity", "category", "mastery", "pleasure", "mood", "effort",
                             "planned", "done", "avoidance", "note"})

# "(1-5)", "1–7", "(-3 to +3)", "(−3..3)" with a typographic minus sign. Linear in the length of
# the text: a number starts only where a run of digits starts (the look-behind), and its digits
# and the spaces after it are taken whole (possessive), so a cell of 40,000 digits or spaces is
# scanned once, not once per starting digit (that took minutes). An opening bracket is not part
# of the match: header_key drops it with the other punctuation.
_RANGE = re.compile(r"([-−]?(?<!\d)\d++(?:\.\d++)?)\s*+(?:-|–|—|to|\.\.)\s*+\+?([-−]?\d++(?:\.\d++)?)\s*+\)?")
_OUT_OF = re.compile(r"(?:/|out of)\s*+(10|100)\b")
#: A header is a few words. Only this many characters of a cell are looked at when it is
#: matched as a header (a pasted paragraph or a 40,000-digit cell is not a header, and is not
#: scanned whole each time the header row is looked for).
MAX_HEADER_CHARS = 500
_UNIT = re.compile(r"\((?:in\s+)?(min|mins|minutes|h|hr|hrs|hours)\)|\b(min|mins|minutes|hrs|hours)\b")


def header_key(text) -> str:
    """Normalise a header: lower case, scale hints and punctuation removed."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return ""
    s = str(text)
    if len(s) > MAX_HEADER_CHARS:
        # not a header: a key no header has (it ends in "~"), from the cell's first characters
        return re.sub(r"[^0-9a-z]+", "", s[:MAX_HEADER_CHARS].lower()) + "~"
    s = s.strip().lower()
    s = _RANGE.sub(" ", s)
    s = _OUT_OF.sub(" ", s)
    return re.sub(r"[^0-9a-z]+", "", s)


def field_for(text, columns: dict | None = None) -> str | None:
    """The tidy field a header names, or ``None`` when it is not one we know.

    *columns* (the user's ``columns=`` mapping, header -> field) wins over the
    built-in synonyms; its headers are matched exactly or by :func:`header_key`.
    """
    if columns:
        if text in columns:
            return columns[text]
        key = header_key(text)
        for k, v in columns.items():
            if header_key(k) == key and key:
                return v
    key = header_key(text)
    if key in _LOOKUP:
        return _LOOKUP[key]
    # "Duration (min)", "Duration in hours": anything that starts with duration
    if key.startswith("duration"):
        return "duration"
    return None


def scale_hint(text) -> tuple[float, float] | None:
    """The rating scale a header declares, e.g. ``"M (0-10)"`` -> ``(0, 10)``."""
    if text is None:
        return None
    s = str(text)[:MAX_HEADER_CHARS].lower()
    m = _RANGE.search(s)
    if m:
        lo, hi = (float(g.replace("−", "-")) for g in m.groups())
        if hi > lo:
            return lo, hi
    m = _OUT_OF.search(s)
    if m:
        return 0.0, float(m.group(1))
    return None


def duration_unit(text) -> str | None:
    """``"min"`` or ``"h"`` when a duration header names its unit."""
    m = _UNIT.search(str(text)[:MAX_HEADER_CHARS].lower())
    if not m:
        return None
    unit = m.group(1) or m.group(2)
    return "min" if unit.startswith("min") else "h"


def find_header(raw: pd.DataFrame, columns: dict | None = None, max_rows: int = 30) -> int | None:
    """Position of the header row among the first *max_rows* rows of *raw*.

    The header is the first row that names the most known fields (at least
    two, one of them what was done or how it went: an activity, a rating, a
    yes/no or a note). Title rows, instructions and blank rows above it are
    passed over.
    Returns ``None`` when no row looks like a log header.
    """
    best, best_score = None, 1
    top = raw.iloc[:max_rows]
    for pos in range(len(top)):
        cells = top.iloc[pos].tolist()
        fields = {field_for(c, columns) for c in cells if isinstance(c, str) and c.strip()}
        score = len(fields & _LOG_FIELDS) if fields & _CONTENT_FIELDS else 0
        if score > best_score:
            best, best_score = pos, score
    return best


#: "Client: Sam", "Name = Sam", "Participant ID: P07" in a title row: the client it names.
TITLE_CLIENT = re.compile(r"\b(?:client|name|participant)\s*(?:name|id)?\s*[:=][ \t]*([^()\n,;|]+)",
                          re.IGNORECASE)
