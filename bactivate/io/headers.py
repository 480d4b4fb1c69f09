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

from bactivate.io.cells import distinct
from bactivate.schema import TIDY_COLUMNS

# tidy field (or helper field) -> accepted header keys (lower case, letters and digits only)
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "client": ("client", "clientid", "clientname", "participant", "participantid", "pid",
               "subject", "subjectid", "patient", "patientid", "id", "ppn", "ppnr", "pp", "ppid",
               "participantnumber", "participantno", "participantcode", "subjectnumber", "subjectno",
               "subjectcode", "respondent", "respondentid", "person", "personid", "userid", "user",
               "username", "participantidentifier", "clientcode", "patientcode", "caseid"),
    "entry": ("entry", "entryid"),
    "date": ("date", "day", "datum", "dateofentry", "entrydate", "dateday"),
    "time": ("time", "hour", "timeofday", "slot", "timeslot", "clock", "hourslot", "starttimeofday"),
    "start": ("start", "starttime", "timestamp", "datetime", "dateandtime", "datetimestart",
              "begin", "began", "from", "when", "started", "startdatetime", "sent", "senttime",
              "sentat", "timesent", "prompttime", "beeptime", "signaltime", "responsetime",
              "completedat", "submitted", "submittedat", "answeredat", "recordedat",
              "startedat"),
    "end": ("end", "endtime", "to", "until", "finish", "finished", "stop", "ended", "enddatetime"),
    "duration": ("duration", "minutes", "mins", "length", "howlong", "timespent"),
    "activity": ("activity", "activities", "whatidid", "whatdidyoudo", "whatwereyoudoing", "doing",
                 "task", "event", "behaviour", "behavior", "action", "what", "activitydescription",
                 "activityname", "whatareyoudoing", "whatareyoudoingnow", "whatareyoudoingrightnow",
                 "whatwereyoudoingnow", "whatwereyoudoingjustnow", "whatwereyoudoingrightbefore",
                 "whatwereyoudoingbeforethebeep", "whatdidyoudojustnow", "currentactivity",
                 "activitynow", "activityrightnow", "mainactivity", "whatdoing"),
    "category": ("category", "lifearea", "area", "domain", "lifedomain", "value", "values",
                 "valuearea", "valuedomain", "valuesarea", "lifeareavalue", "lifeareas",
                 "activitytype", "typeofactivity", "activitycategory", "activityarea"),
    "mastery": ("m", "mastery", "achievement", "accomplishment", "senseofaccomplishment",
                "senseofmastery", "masteryrating", "masterym", "mmastery", "achievementmastery"),
    "pleasure": ("p", "pleasure", "enjoyment", "enjoy", "pleasurerating", "fun", "pleasurep",
                 "ppleasure", "enjoymentpleasure"),
    "mood": ("mood", "feeling", "feelings", "moodrating", "howifelt", "howdidyoufeel", "mymood",
             "howifeel", "howifeelnow", "howamifeeling", "feelingrating", "moodscore", "moodlevel",
             "howdoyoufeel", "howdoyoufeelnow", "howdoyoufeelrightnow", "howareyoufeeling",
             "howareyoufeelingnow", "howareyoufeelingrightnow", "moodnow", "moodrightnow",
             "currentmood", "momentarymood", "ifeelgood", "ifeelgoodrightnow", "rightnowifeelgood",
             "atthemomentifeelgood", "howisyourmood", "howisyourmoodnow", "whatisyourmood",
             "whatisyourmoodnow", "whatsyourmood", "whatsyourmoodrightnow"),
    "effort": ("effort", "difficulty", "difficult", "hard", "howhard", "effortrating"),
    "planned": ("planned", "scheduled", "plan", "wasitplanned", "scheduledactivity", "plannedactivity"),
    "done": ("done", "completed", "complete", "didit", "carriedout", "donecompleted", "didyoudoit"),
    "avoidance": ("avoid", "avoidance", "avoided", "avoidant", "avoidancebehaviour",
                  "avoidancebehavior", "wasitavoidance"),
    "note": ("note", "notes", "comment", "comments", "remarks", "remark", "thoughts", "notesthoughts"),
    "source": ("source",),
}
#: Item wordings of experience-sampling studies kept as named extra columns (not tidy fields):
#: header key -> the extra column's name. "Who are you with?" is ``company``, "Where are you?"
#: ``place`` (docs/data-format.md, "Experience-sampling study exports").
EXTRA_NAMES: dict[str, str] = {
    **dict.fromkeys(("whoareyouwith", "whoareyouwithnow", "whoareyouwithrightnow", "whowereyouwith",
                     "whowereyouwithnow", "withwhom", "withwhomareyou", "withwhomareyounow",
                     "company", "socialcontext", "incompanyof"), "company"),
    **dict.fromkeys(("whereareyou", "whereareyounow", "whereareyourightnow", "wherewereyou",
                     "wherewereyounow", "place", "location", "currentlocation", "whereami"), "place"),
}
#: Every field a header can name: the tidy columns plus date, time, duration.
FIELDS = frozenset(_SYNONYMS)
#: Headers that may name a field or not, by their cells (issue 14): header key -> the field
#: they are read as when their cells fit it (:func:`ambiguous_field`, :func:`cells_fit`).
#: ``Value`` and ``Values`` were always read as the life area; ``Rating``, ``Score``,
#: ``Level`` and ``Type`` never were: :func:`field_for` still says so, so that they do not
#: make a header row (a questionnaire's ``Date, Score`` is no log).
AMBIGUOUS = {"value": "category", "values": "category", "type": "category", "rating": "mood",
             "score": "mood", "level": "mood"}
#: Cells that grade something (High/Medium/Low, yes/no) rather than name a life area.
_GRADES = frozenset({"high", "medium", "med", "mid", "low", "very high", "very low", "none", "h", "m",
                     "l", "yes", "no", "y", "n", "true", "false", "x", "hi", "lo", "moderate", "top",
                     "+", "-", "++", "--", "1", "0"})
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
    """Normalise a header: lower case, scale hints and punctuation removed.

    Parameters
    ----------
    text : object
        A header cell as read; None and NaN give "".

    Returns
    -------
    str
        Letters and digits only; a cell longer than ``MAX_HEADER_CHARS`` gives
        a key no header has (it ends in "~").

    Examples
    --------
    >>> header_key("Mood (0-10)"), header_key(" What I did? "), header_key("M /10")
    ('mood', 'whatidid', 'm')
    """
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

    Parameters
    ----------
    text : object
        A header cell.
    columns : dict, optional
        The user's ``columns=`` mapping.

    Returns
    -------
    str or None

    Examples
    --------
    >>> field_for("Enjoyment"), field_for("Duration (min)"), field_for("Weather")
    ('pleasure', 'duration', None)
    >>> field_for("Weather", {"weather": "note"})
    'note'

    Experience-sampling items: the participant column, the prompt's time stamp, the
    activity and mood items as studies word them:

    >>> field_for("ID"), field_for("ppn"), field_for("What are you doing right now?")
    ('client', 'client', 'activity')
    >>> field_for("How do you feel right now? (0-100)"), field_for("Current activity (select all)")
    ('mood', 'activity')
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
    # an item's wording with a hint after it: "What are you doing right now? (select all)"
    bare = _bare_key(text)
    if bare and bare != key and bare in _LOOKUP:
        return _LOOKUP[bare]
    return None


_HINT = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")


def _bare_key(text) -> str:
    """:func:`header_key` of *text* without what it holds in brackets ("(select all that apply)")."""
    if not isinstance(text, str) or len(text) > MAX_HEADER_CHARS:
        return ""
    return header_key(_HINT.sub(" ", text))


def extra_for(text) -> str | None:
    """The name an experience-sampling item that is no tidy field is kept under, or None.

    "Who are you with?" is kept as the extra column ``company``, "Where are you?" as
    ``place`` (:data:`EXTRA_NAMES`).

    Parameters
    ----------
    text : object
        A header cell.

    Returns
    -------
    str or None

    Examples
    --------
    >>> extra_for("Who are you with?"), extra_for("Where are you right now? (one answer)"), extra_for("Weather")
    ('company', 'place', None)
    """
    key = header_key(text)
    if key in EXTRA_NAMES:
        return EXTRA_NAMES[key]
    return EXTRA_NAMES.get(_bare_key(text))


def scale_hint(text) -> tuple[float, float] | None:
    """The rating scale a header declares, e.g. ``"M (0-10)"`` -> ``(0, 10)``.

    Parameters
    ----------
    text : object
        A header cell (only its first ``MAX_HEADER_CHARS`` characters are read).

    Returns
    -------
    tuple of float or None
        ``(low, high)``; None when the header names no scale (or a range whose
        high end is not above its low end).

    Examples
    --------
    >>> scale_hint("Mood (1-5)"), scale_hint("Mood (−3 to +3)"), scale_hint("P out of 100"), scale_hint("Mood")
    ((1.0, 5.0), (-3.0, 3.0), (0.0, 100.0), None)
    """
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
    """``"min"`` or ``"h"`` when a duration header names its unit.

    Parameters
    ----------
    text : object
        A duration header.

    Returns
    -------
    str or None

    Examples
    --------
    >>> duration_unit("Duration (min)"), duration_unit("Hours spent"), duration_unit("Duration")
    ('min', 'h', None)
    """
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

    Parameters
    ----------
    raw : DataFrame
        A sheet's raw cells (:attr:`bactivate.io.files.Sheet.cells`).
    columns : dict, optional
        The user's ``columns=`` mapping.
    max_rows : int, default 30
        How many rows from the top are looked at.

    Returns
    -------
    int or None
        The header's position (from 0).

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.DataFrame([["Activity log", None, None], [None, None, None],
    ...                     ["Date", "Activity", "Mood (0-10)"], ["2026-03-02", "Walk", 7]])
    >>> find_header(raw)
    2
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


def client_in_title(text: str, *, cut_week: bool = False) -> str | None:
    """The client a title names (``"Client: Sam"``, ``"Participant ID = P07"``), or None.

    Parameters
    ----------
    text : str
        The text above a header (several cells joined by line breaks).
    cut_week : bool, default False
        Keep only the name when more follows it after a dash or the word
        "week" (``"Client: Sam - Week starting 2 March"`` -> ``"Sam"``), as
        a weekly grid's title reads.

    Returns
    -------
    str or None
        The name, with dashes, colons and spaces around it removed (it may then
        be ""); None when no title names a client.

    Examples
    --------
    >>> client_in_title("Activity log\\nClient: Sam")
    'Sam'
    >>> client_in_title("Client: Sam - Week starting 2 March", cut_week=True)
    'Sam'
    >>> client_in_title("Client: Sam - Week starting 2 March")
    'Sam - Week starting 2 March'
    >>> client_in_title("Week 1") is None
    True
    """
    m = TITLE_CLIENT.search(text)
    if m is None:
        return None
    name = m.group(1)
    if cut_week:
        name = re.split(r"\s+[-–—]\s+|\s+week\b", name, flags=re.IGNORECASE)[0]
    return name.strip(" -–—:")



#: A title row that names the client before the sheet's kind: ``Jordan - Activity Diary``,
#: ``Sam's activity schedule``, ``Activity log: Robin``.
_TITLE_KINDS = r"(?:weekly\s+)?(?:activity|activities|mood|behaviou?ral\s+activation)?\s*(?:diary|schedule|log|record|monitoring(?:\s+form)?|tracker|plan)"
_TITLE_NAME = r"([^\W\d_][\w.'’\- ]{0,40}?)"
_UNLABELLED_CLIENT = (
    re.compile(rf"^\s*{_TITLE_NAME}\s*[-–—:|]\s*{_TITLE_KINDS}\b", re.IGNORECASE),
    re.compile(rf"^\s*{_TITLE_NAME}['’]s\s+{_TITLE_KINDS}\b", re.IGNORECASE),
    re.compile(rf"^\s*{_TITLE_KINDS}\s*[-–—:|]\s*(?:for\s+)?{_TITLE_NAME}\s*$", re.IGNORECASE),
    re.compile(rf"^\s*{_TITLE_KINDS}\s+for\s+{_TITLE_NAME}\s*$", re.IGNORECASE),
)
_NOT_A_TITLE_NAME = re.compile(r"^(?:(?:my|the|weekly|daily|week|wk|client|name|activity|activities|mood|"
                         r"time|date)\b.*|\d.*)$", re.IGNORECASE)


def client_in_title_row(text: str) -> str | None:
    """The client named in a title row that has no ``Client:`` label:
    ``Jordan - Activity Diary``, ``Sam's activity schedule``, ``Activity log - Robin``.

    For the labelled forms (``Client: Sam``) see :func:`client_in_title`;
    this one is tried after it. Each line of *text* is tried in turn.

    Parameters
    ----------
    text : str
        The text above a header (cells joined by line breaks).

    Returns
    -------
    str or None

    Examples
    --------
    >>> client_in_title_row("Jordan - Activity Diary")
    'Jordan'
    >>> client_in_title_row("Sam's activity schedule\\nWeek 1")
    'Sam'
    >>> client_in_title_row("Activity log: Robin Lee")
    'Robin Lee'
    >>> client_in_title_row("Weekly activity schedule") is None, client_in_title_row("My diary") is None
    (True, True)
    """
    for line in str(text).splitlines():
        for pattern in _UNLABELLED_CLIENT:
            m = pattern.match(line)
            if m:
                name = m.group(1).strip(" -–—:'’")
                if name and not _NOT_A_TITLE_NAME.match(name):
                    return name
    return None


def plain_key(cell) -> str:
    """A header cell as the layout readers match it: lower case, byte-order mark and outer
    spaces removed, inner runs of spaces as one space, punctuation kept.

    Parameters
    ----------
    cell : object
        One cell as read; None and NaN give "".

    Returns
    -------
    str

    Examples
    --------
    >>> plain_key("\\ufeff Full_Date"), plain_key("Rating / Amount"), plain_key(None)
    ('full_date', 'rating / amount', '')
    """
    if cell is None or (isinstance(cell, float) and np.isnan(cell)):
        return ""
    return re.sub(r"\s+", " ", str(cell).replace("\ufeff", "").strip().lower())


def _letters_digits(u: pd.Series) -> pd.Series:
    """Distinct cells in lower case, letters and digits only ("Mood (0-10)" -> "mood010"); "" for missing."""
    return u.astype("str").str.lower().str.replace(r"[^0-9a-z]+", "", regex=True).where(u.notna(), "")


def header_keys(cells: pd.Series, *, drop_hints: bool = False) -> pd.Series:
    """Every cell of a column as a header key, computed once per distinct cell.

    Parameters
    ----------
    cells : Series
        Cells as read (object, text, numbers, or a coded ``category`` column).
    drop_hints : bool, default False
        Apply :func:`header_key` to each cell (scale hints and units dropped,
        long cells cut). By default the key keeps them: lower case, letters
        and digits only, so ``"Mood (0-10)"`` is ``"mood010"``; this is how
        rows that repeat the header are found.

    Returns
    -------
    Series of str
        One key per cell, on the index of *cells*; "" for missing cells. Cells
        that compare equal (``0`` and ``0.0``) are one distinct cell and share
        the key of the first.

    Examples
    --------
    >>> import pandas as pd
    >>> cells = pd.Series(["Mood (0-10)", "Activity", None, "Mood (0-10)"])
    >>> header_keys(cells).tolist()
    ['mood010', 'activity', '', 'mood010']
    >>> header_keys(cells, drop_hints=True).tolist()
    ['mood', 'activity', '', 'mood']
    """
    if drop_hints:
        return distinct(cells, lambda u: pd.Series([header_key(c) for c in u], index=u.index, dtype=object),
                        missing="")
    return distinct(cells, _letters_digits, missing="")


_TIME_FIELDS = ("date", "time", "start", "end", "duration")


def extra_name(text: str, taken) -> str:
    """*text* as the name of an extra column: ``"text (2)"`` ... when it is taken or a tidy name.

    Parameters
    ----------
    text : str
        The header as written.
    taken : container of str
        Names already used.

    Returns
    -------
    str

    Examples
    --------
    >>> extra_name("Weather", {"Weather"}), extra_name("client", ()), extra_name("_x", ())
    ('Weather (2)', 'client (2)', 'x')

    Names starting with ``_`` are the reader's own bookkeeping, so a header ``_x`` is kept
    as ``x`` (the loop that added `` (2)`` to it never ended: the name still began with ``_``).
    """
    text = text.lstrip("_") or "column"
    name = text
    k = 2
    while name in taken or name in TIDY_COLUMNS or name in _TIME_FIELDS:
        name = f"{text} ({k})"
        k += 1
    return name


def ambiguous_field(text, columns: dict | None = None) -> str | None:
    """The field an ambiguous header (``Value``, ``Rating``, ``Score``, ``Level``, ``Type``)
    names when its cells fit it, or None for any other header (and for one the user mapped
    with *columns*).

    Parameters
    ----------
    text : object
        A header cell.
    columns : dict, optional
        The user's ``columns=`` mapping; a header it names is not ambiguous.

    Returns
    -------
    str or None

    Examples
    --------
    >>> ambiguous_field("Value"), ambiguous_field("Rating (1-10)"), ambiguous_field("Mood")
    ('category', 'mood', None)
    >>> ambiguous_field("Value", {"Value": None}) is None
    True
    """
    key = header_key(text)
    if key not in AMBIGUOUS:
        return None
    if columns and (text in columns or any(header_key(k) == key for k in columns)):
        return None
    return AMBIGUOUS[key]


def _listed(values: list, limit: int = 4) -> str:
    """A few distinct cells, as the notes show them: ``High/Medium/Low`` or ``Health, Work, ...``."""
    shown = [str(v) for v in values[:limit]]
    if len(values) <= 3 and all(len(v) <= 12 for v in shown):
        return "/".join(shown)
    return ", ".join(shown) + (", ..." if len(values) > limit else "")


def cells_fit(field: str, col: pd.Series) -> tuple[bool, str]:
    """Whether the cells of an ambiguous column fit *field*, and what they are, in words.

    A life area (``category``) is text that names things: not numbers, and not grades
    (High/Medium/Low, yes/no). A rating is numbers. Works on the distinct cells.

    Parameters
    ----------
    field : str
        ``"category"`` or a rating (``"mood"``).
    col : Series
        The column's cells below the header.

    Returns
    -------
    tuple
        ``(fits, what)``: *what* describes the cells for the notes
        (``"High/Medium/Low"``, ``"numbers 1 to 10"``, ``"empty"``).

    Examples
    --------
    >>> import pandas as pd
    >>> cells_fit("category", pd.Series(["High", "low", "Medium", None, "High"]))
    (False, 'High/low/Medium')
    >>> cells_fit("category", pd.Series(["Health", "Work", "Family"]))
    (True, 'Health/Work/Family')
    >>> cells_fit("mood", pd.Series(["7", 3, "8", None]))
    (True, 'numbers 3 to 8')
    """
    text = col.astype(object).where(col.notna(), None)
    uniq = [u for u in pd.unique(text) if u is not None and str(u).strip()]
    if not uniq:
        return False, "empty"
    nums = pd.to_numeric(pd.Series([str(u).strip() for u in uniq], dtype=object), errors="coerce")
    numeric_share = float(nums.notna().mean())
    if field == "category":
        if numeric_share > 0.5:
            return False, f"numbers ({_listed(uniq)})"
        words = {" ".join(str(u).split()).casefold() for u in uniq}
        return not words <= _GRADES, _listed(uniq)
    if numeric_share < 0.8:
        return False, _listed(uniq)
    return True, f"numbers {nums.min():g} to {nums.max():g}"
