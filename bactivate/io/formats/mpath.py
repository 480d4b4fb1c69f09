"""m-Path's raw data export (KU Leuven's experience-sampling platform): one line per sent prompt.

The export is a semicolon-separated file (UTF-8 with a byte-order mark), one line per
questionnaire sent to a participant (a "beep"), whether it was answered or not::

    connectionId;legacyCode;code;alias;initials;accountCode;scheduledBeepId;sentBeepId;
    reminderForOriginalSentBeepId;questionListName;questionListLabel;fromProtocolName;
    timeStampScheduled;timeStampSent;timeStampStart;timeStampStop;originalTimeStampSent;
    timeZoneOffset;deltaUTC;<item>_<type>[_<detail>];...

(the layout of the m-Path example export shipped with the ``mpathr`` R package,
``inst/extdata/example_basic.csv``). What bactivate makes of it:

* **The participant** is ``connectionId`` (one id per participant of a study); one file
  holds the whole study, so each participant is one client. ``alias`` (the name the
  researcher gave the participant) is kept as an extra column; ``legacyCode``, ``code``,
  ``initials`` and ``accountCode`` are not kept (identifiers, not data).
  ``columns={"alias": "client"}`` takes another column as the client.
* **Times** are m-Path's: seconds since 1970 on the participant's local clock
  (``mpathr::timestamps_to_datetime``), read as local, naive times; ISO texts
  (``2024-04-19 10:23:22``) are read too. An entry starts when the participant
  opened the prompt (``timeStampStart``); the time it was sent is kept as ``sent``.
* **Every sent prompt is accounted for.** A prompt never opened (no
  ``timeStampStart``, its answers empty) is not an entry: it is listed in
  ``attrs["rejected"]`` (kind "not an entry", reason "prompt not answered") and
  counted in ``attrs["prompts"]``: one row per participant with ``client``, ``sent``,
  ``answered``, ``days`` (days on which prompts were sent), ``first_day`` and
  ``last_day``. A reminder (``reminderForOriginalSentBeepId``) counts with the prompt
  it reminds of (answered on the reminder's line, the original line says so). A prompt on
  two lines is one prompt (the notes name it). A questionnaire the participant filled in without a prompt
  (``scheduledBeepId`` -1, e.g. the intake questionnaire) is no prompt; without a mood
  or activity answer it is not an entry either.
* **Items.** Question columns are named ``<item>_<type>_<detail>``: a slider
  (``slider_happy_sliderNeutralPos``, 0-100), a multiple choice in three columns
  (``_index``, ``_string``, ``_likert``; the ``_string`` one holds the answer text, and a
  multi-select answer is a list ``"Walking","Eating"``), ``_yesno``, ``_open`` ...
  The mood is the slider whose item names mood (else happiness: ``happy``,
  ``cheerful``), on 0-100 mapped onto 0-10; pleasure and mastery the sliders naming
  enjoyment and accomplishment; the activity the multiple choice naming an activity or
  what one is doing. A multi-select activity answer is one tidy row per activity,
  sharing the entry's id, time and ratings (as Daylio's). ``columns={"slider_sad": "mood"}``
  (the item's name or the full column) chooses another item; ``scales={"mood": (100, 0)}``
  reads a reversed slider. Every other answered item is kept as an extra column named
  after its item (``context_company``); an item's ``_index`` and ``_likert`` columns and
  the ``basic`` (text screen) items are not kept.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from bactivate._names import clean_names
from bactivate._util import plural
from bactivate.errors import LogError
from bactivate.io import cells
from bactivate.io.context import Context, Entries, ReadOptions
from bactivate.io.formats._common import (
    body_rows,
    columns_by_name,
    each_sheet,
    entry_rows,
    find_row,
)
from bactivate.io.headers import FIELDS, extra_name, plain_key
from bactivate.schema import AttrsFrame

NAME = "mpath"
LABEL = "an m-Path export"
#: m-Path's sliders run from 0 to 100.
SLIDER_SCALE = (0.0, 100.0)
#: The reason an unanswered prompt is listed in ``attrs["rejected"]``.
NOT_ANSWERED = "prompt not answered"
#: The columns of ``attrs["prompts"]``.
PROMPT_COLUMNS = ("client", "sent", "answered", "days", "first_day", "last_day")
_META = ("connectionid", "legacycode", "code", "alias", "initials", "accountcode", "scheduledbeepid",
         "sentbeepid", "reminderfororiginalsentbeepid", "questionlistname", "questionlistlabel",
         "fromprotocolname", "timestampscheduled", "timestampsent", "timestampstart", "timestampstop",
         "originaltimestampsent", "timezoneoffset", "deltautc")
_TYPES = (r"multiplechoice|slider\w*|yesno|open|basic|numeric|number|steps|date|time|text|image"
          r"|photo|audio|video|stopwatch|counter")
_ITEM = re.compile(rf"^(?P<item>.+)_(?P<type>{_TYPES})(?:_(?P<detail>index|string|likert))?$", re.IGNORECASE)
#: Words in an item's name that say which field it is (first match wins, in this order).
_WORDS = {
    "mood": (r"mood", r"happ|cheerful|feel_?good|wellbeing|well_being"),
    "pleasure": (r"enjoy|pleasure|pleasant|fun",),
    "mastery": (r"mastery|accomplish|achiev",),
    "activity": (r"activit|doing|what_?now",),
}


def is_header(keys: set[str]) -> bool:
    """An m-Path header: the sent and start stamps, and the participant or the beep ids.

    Examples
    --------
    >>> is_header({"connectionid", "sentbeepid", "timestampsent", "timestampstart"})
    True
    >>> is_header({"date", "time", "mood"})
    False
    """
    return {"timestampsent", "timestampstart"} <= keys and bool({"connectionid", "sentbeepid"} & keys)


def sign(raw: pd.DataFrame) -> str | None:
    """What shows an m-Path export in *raw* (its header row), or None.

    Examples
    --------
    >>> sign(pd.DataFrame([["connectionId", "sentBeepId", "timeStampSent", "timeStampStart"]]))
    'the header in row 1 names connectionid, sentbeepid, timestampsent, timestampstart'
    """
    pos = find_row(raw, is_header, n=5)
    if pos is None:
        return None
    keys = [k for k in columns_by_name(raw, pos) if k in _META]
    return f"the header in row {pos + 1} names " + ", ".join(keys[:6])


def items(headers) -> pd.DataFrame:
    """The question columns of an m-Path header: one row per column, its item, type and detail.

    Parameters
    ----------
    headers : sequence of str
        The header cells as written.

    Returns
    -------
    DataFrame
        ``column`` (as written), ``item``, ``type`` (lower case), ``detail`` (``index``,
        ``string``, ``likert`` or missing); the meta columns and headers not in
        m-Path's form are left out.

    Examples
    --------
    >>> items(["connectionId", "slider_happy_sliderNeutralPos",
    ...        "context_activity_multipleChoice_string"])[["item", "type", "detail"]]
                   item              type  detail
    0      slider_happy  sliderneutralpos     NaN
    1  context_activity    multiplechoice  string
    """
    rows = []
    for h in headers:  # a loop over the header's columns
        text = str(h).replace("\ufeff", "").strip()
        m = _ITEM.match(text) if plain_key(text) not in _META else None
        if m:
            rows.append({"column": text, "item": m["item"], "type": m["type"].lower(),
                         "detail": m["detail"].lower() if m["detail"] else None})
    return pd.DataFrame(rows, columns=["column", "item", "type", "detail"])


def read(sheets, opts: ReadOptions) -> Entries:
    """The raw entries of an m-Path export: one row per activity of each answered prompt.

    Unanswered prompts stay as rows marked "not an entry" (``_skip``), so that every line
    is accounted for; :func:`finish` counts them in ``attrs["prompts"]``.

    Parameters
    ----------
    sheets : list of Sheet
    opts : ReadOptions
        ``file``, ``columns`` (an item or column -> a field) and ``client`` are used.

    Returns
    -------
    Entries
        Its context holds the sliders' 0-100 scale for the ratings taken from sliders.

    Raises
    ------
    LogError
        With no m-Path header, or without a participant column.

    Examples
    --------
    >>> from bactivate.io.files import read_sheets
    >>> sheets = [sh.grid() for sh in read_sheets("data/sample/formats/mpath-export.csv")]
    >>> entries = read(sheets, ReadOptions(file="mpath-export.csv"))
    >>> entries.context.hints["mood"], entries.context.headers["mood"]
    ((0.0, 100.0), 'slider_happy_sliderNeutralPos')
    """
    out, ctx = each_sheet(sheets, opts, is_header, _sheet, "m-Path",
                          "connectionId;legacyCode;code;alias;...;timeStampSent;timeStampStart;...")
    return Entries(out, ctx, NAME)


def _mapped(opts: ReadOptions, item_table: pd.DataFrame) -> dict[str, str]:
    """Field -> column, from ``columns=`` naming an item or a whole column."""
    given = {plain_key(k): v for k, v in (opts.columns or {}).items() if v is not None}
    out = {}
    for _, r in item_table.iterrows():  # a loop over the header's columns
        for key in (plain_key(r["column"]), plain_key(r["item"])):
            fld = given.get(key)
            if fld is not None and fld not in out and (r["detail"] in (None, "string") or pd.isna(r["detail"])):
                out[fld] = r["column"]
    return out


def _chosen(item_table: pd.DataFrame, body: pd.DataFrame, col: dict, opts: ReadOptions,
            ctx: Context) -> dict[str, str]:
    """Field -> the column it is read from: ``columns=`` first, then the items' names."""
    chosen = _mapped(opts, item_table)
    sliders = item_table[item_table["type"].str.startswith("slider")]
    choices = item_table[(item_table["type"] == "multiplechoice") & (item_table["detail"] == "string")]
    for fld, words in _WORDS.items():
        if fld in chosen:
            continue
        pool = choices if fld == "activity" else sliders
        pool = pool[~pool["column"].isin(chosen.values())]
        for pattern in words:  # a loop over a field's few words, best first
            hit = pool[pool["item"].str.lower().str.contains(pattern, regex=True)]
            if hit.empty:
                continue
            answered = [int((~cells.blank(body.iloc[:, col[plain_key(c)]])).sum()) for c in hit["column"]]
            best = hit["column"].iloc[int(np.argmax(answered))]
            chosen[fld] = best
            if len(hit) > 1:
                ctx.notes.append(f"m-Path: {fld} read from {best!r}, the most answered of "
                                 + ", ".join(repr(c) for c in hit["column"])
                                 + f"; pass columns={{'<item>': {fld!r}}} to choose another")
            break
    return chosen


def _stamps(col: pd.Series) -> pd.Series:
    """m-Path time stamps (seconds since 1970 on the local clock, or ISO text) as naive datetimes.

    ``0`` and blanks are missing (m-Path writes 0 for "never scheduled").

    Examples
    --------
    >>> _stamps(pd.Series(["1713514602", "0", None, "2024-04-19 10:23:22"])).tolist()
    [Timestamp('2024-04-19 08:16:42'), NaT, NaT, Timestamp('2024-04-19 10:23:22')]
    """
    blank = cells.blank(col)
    num = pd.to_numeric(col.where(~blank), errors="coerce")
    unix = pd.to_datetime(num.where(num > 0), unit="s")
    text = col.astype("str").where(~blank & num.isna())
    if not text.notna().any():
        return unix
    iso = pd.to_datetime(text, errors="coerce", format="ISO8601", utc=False)
    if getattr(iso.dt, "tz", None) is not None:  # a stamp with its offset: the local clock it names
        iso = iso.dt.tz_localize(None)
    return unix.where(num.notna(), iso.astype(unix.dtype))


def answer_text(col: pd.Series) -> pd.Series:
    """m-Path's quoted answers (``"Work"``, ``"A","B"``, ``"\\/"``) as plain text; lists joined by `` | ``.

    Examples
    --------
    >>> answer_text(pd.Series(['"Work"', '"Worked or studied","Travelled"', None, '"a \\\\/ b"'])).tolist()
    ['Work', 'Worked or studied | Travelled', nan, 'a / b']
    """
    def one(u: pd.Series) -> pd.Series:
        text = u.astype("str").str.strip().str.replace(r'^"|"$', "", regex=True)
        text = text.str.replace(r'"\s*,\s*"', " | ", regex=True)
        return text.str.replace("\\/", "/", regex=False).str.replace('\\"', '"', regex=False).str.strip()

    # a study's answers are a few dozen options: each distinct text is read once
    return cells.distinct(col.where(~cells.blank(col)), one)


def _sheet(sh, h: int, opts: ReadOptions) -> tuple[pd.DataFrame | None, Context]:
    """One sheet's prompts as raw entries (or None when it has none), and its context."""
    ctx = Context()
    raw = sh.cells
    col = columns_by_name(raw, h)
    body = body_rows(raw, h)
    if body.empty:
        ctx.notes.append(f"{opts.file}: an m-Path header but no prompts below it")
        return None, ctx

    def get(name):
        return body.iloc[:, col[name]] if name in col else pd.Series(np.nan, index=body.index, dtype=object)

    item_table = items(raw.iloc[h].tolist())
    chosen = _chosen(item_table, body, col, opts, ctx)
    who = chosen.pop("client", None) or next(
        (str(raw.iat[h, col[plain_key(k)]]).replace("\ufeff", "").strip() for k, v in (opts.columns or {}).items()
         if v == "client" and plain_key(k) in col), None)  # e.g. columns={"alias": "client"}
    if who is None and "connectionid" not in col and opts.client is None:
        raise LogError(f"{opts.file}: an m-Path export without its connectionId column (the participant); "
                       "pass columns={'<participant column>': 'client'}")
    frame = pd.DataFrame(index=body.index)
    frame["client"] = get(plain_key(who)) if who else get("connectionid")
    ctx.headers.setdefault("client", who or "connectionId")
    start, sent = _stamps(get("timestampstart")), _stamps(get("timestampsent"))
    frame["start"] = start.dt.strftime("%Y-%m-%d %H:%M:%S").where(start.notna(), get("timestampstart"))
    ctx.headers.setdefault("start", "timeStampStart")
    frame, used = _fields(frame, body, col, chosen, ctx)
    prompt, answered, is_prompt = _prompt_ids(get, start)
    acts = answer_text(body.iloc[:, col[plain_key(chosen["activity"])]]) if "activity" in chosen else (
        pd.Series(np.nan, index=body.index, dtype=object))
    acts = acts.where(answered)
    frame["_skip"] = _skips(frame, acts, answered, is_prompt, prompt, get("reminderfororiginalsentbeepid"))
    frame, kept = _extras(frame, body.loc[frame["_skip"].isna()], col, item_table, used)
    frame["questionnaire"] = answer_text(get("questionlistname"))
    frame["sent"] = sent
    if "alias" in col and plain_key(who or "") != "alias":
        frame["alias"] = answer_text(get("alias"))
    frame["_prompt"], frame["_answered"], frame["_sent"] = prompt, answered, sent
    frame["_reminder"] = prompt.notna() & (prompt != get("sentbeepid").astype("str").str.strip())
    ctx.notes.append(_what_read(chosen, kept))
    out = entry_rows(frame, sh.name, acts, ctx, header=chosen.get("activity", "activity"),
                     note=lambda n: (f"m-Path: {plural(n, 'answer')} naming several activities became one "
                                     "row per activity, sharing the entry's id, time and ratings"))
    return out, ctx


def _fields(frame, body, col, chosen: dict, ctx: Context):
    """The rating and note fields read from their chosen columns; the columns used."""
    used = set()
    for fld, column in chosen.items():
        used.add(column)
        if fld == "activity":
            ctx.headers.setdefault("activity", column)
            continue
        values = body.iloc[:, col[plain_key(column)]]
        frame[fld] = answer_text(values) if fld not in ("mood", "pleasure", "mastery", "effort") else values
        ctx.headers.setdefault(fld, column)
        if _ITEM.match(column) and _ITEM.match(column)["type"].lower().startswith("slider"):
            ctx.hints.setdefault(fld, SLIDER_SCALE)
            ctx.scale_how.setdefault(fld, "m-Path sliders run from 0 to 100; pass "
                                          f"scales={{{fld!r}: (low, high)}} if yours differ")
    return frame, used


def _extras(frame, body, col, item_table: pd.DataFrame, used: set):
    """Every other item answered in an entry (the lines of *body*) as an extra column named after
    its item; the names kept."""
    others = item_table[~item_table["column"].isin(used) & (item_table["type"] != "basic")
                        & ~item_table["detail"].isin(["index", "likert"])]
    kept = []
    for _, r in others.iterrows():  # a loop over the header's item columns
        if cells.blank(body.iloc[:, col[plain_key(r["column"])]]).all():
            continue
        values = frame.join(body.iloc[:, [col[plain_key(r["column"])]]].set_axis(["_v"], axis=1))["_v"]
        values = values.astype(object)  # the sheet's cells are categorical: typed as extras are
        name = extra_name(r["item"], [*frame.columns, *FIELDS])
        frame[name] = answer_text(values) if r["type"] in ("multiplechoice", "open", "text") else values
        kept.append(name)
    return frame, kept


def _prompt_ids(get, start: pd.Series):
    """Each line's prompt (a reminder's is the prompt it reminds of), whether it was answered, and
    whether it was a prompt at all (not a questionnaire the participant started unprompted)."""
    sent_id = get("sentbeepid").astype("str").str.strip()
    reminder = get("reminderfororiginalsentbeepid").astype("str").str.strip()
    is_reminder = ~cells.blank(get("reminderfororiginalsentbeepid")) & ~reminder.isin(["0", "0.0", "-1"])
    scheduled = get("scheduledbeepid").astype("str").str.strip()
    is_prompt = ~scheduled.isin(["-1", "-1.0"]) & ~cells.blank(get("scheduledbeepid"))
    prompt = reminder.where(is_reminder, sent_id.where(is_prompt))
    return prompt, start.notna(), is_prompt


def _skips(frame, acts: pd.Series, answered, is_prompt, prompt, reminder_col) -> pd.Series:
    """Why a line is not an entry: a prompt not answered (or answered on its reminder's line), a
    reminder not answered, an unprompted questionnaire without mood or activity; missing for entries."""
    skip = pd.Series(pd.NA, index=frame.index, dtype="str")
    reminder = ~cells.blank(reminder_col) & ~reminder_col.astype("str").str.strip().isin(["0", "0.0", "-1"])
    data = [c for c in ("mood", "pleasure", "mastery") if c in frame.columns]
    has = ~cells.blank(acts)
    for c in data:
        has |= ~cells.blank(frame[c])
    skip[~answered & is_prompt & ~reminder] = NOT_ANSWERED
    later = answered.groupby(prompt, dropna=True).transform("any").reindex(frame.index)
    skip[~answered & is_prompt & ~reminder & later.fillna(False).astype(bool)] = (
        "prompt answered after a reminder (the reminder's line is the entry)")
    skip[~answered & reminder] = "reminder of a prompt, not answered (counted with its prompt)"
    skip[~answered & ~is_prompt] = "questionnaire sent outside the prompt schedule, not answered"
    skip[answered & ~is_prompt & ~has] = (
        "questionnaire answered outside the prompt schedule (e.g. intake), without mood or activity")
    return skip


def _what_read(chosen: dict, kept: list[str]) -> str:
    """The note on which items became which fields, and what else was kept."""
    fields = ", ".join(f"{f} from {c!r}" for f, c in chosen.items()) or "no mood or activity item"
    more = f"; other answered items kept as extra columns: {', '.join(kept)}" if kept else ""
    return (f"m-Path: one line per sent prompt, its time when the participant opened it; {fields}{more}; "
            "the questionnaire and the time each prompt was sent kept as 'questionnaire' and 'sent'")


def prompts(raw: pd.DataFrame, client: str | None = None) -> pd.DataFrame:
    """One row per participant: prompts sent and answered, days with prompts, first and last day.

    Parameters
    ----------
    raw : DataFrame
        The reader's raw entries (``client``, ``_prompt``, ``_answered``, ``_sent``; the
        rows of one line share ``_entry``).
    client : str, optional
        One client for every line (``read_log(..., client=...)``).

    Returns
    -------
    DataFrame
        ``client`` (str), ``sent``, ``answered``, ``days`` (int64), ``first_day``,
        ``last_day`` (datetime64, midnight), sorted by client.

    Examples
    --------
    >>> raw = pd.DataFrame({"client": ["7", "7", "7", "8"], "_prompt": ["1", "2", "2", "3"],
    ...                     "_answered": [True, False, True, False], "_entry": ["a", "b", "c", "d"],
    ...                     "_sent": pd.to_datetime(["2024-05-01 9:00", "2024-05-02 9:00",
    ...                                              "2024-05-02 10:00", "2024-05-01 9:00"])})
    >>> prompts(raw)[["client", "sent", "answered", "days"]]
      client  sent  answered  days
    0      7     2         2     2
    1      8     1         0     1
    """
    lines = raw[~raw["_entry"].duplicated()] if "_entry" in raw.columns else raw
    lines = lines[lines["_prompt"].notna()]
    who = pd.Series(client, index=lines.index, dtype="str") if client is not None else clean_names(
        cells.parse_text(lines["client"]))
    per = pd.DataFrame({"client": who.astype("str"), "prompt": lines["_prompt"].astype("str"),
                        "answered": lines["_answered"].astype(bool), "sent": lines["_sent"]})
    per = per.groupby(["client", "prompt"], sort=False).agg(answered=("answered", "any"),
                                                            sent=("sent", "min")).reset_index()
    per["day"] = per["sent"].dt.normalize()
    out = per.groupby("client", sort=True).agg(sent=("prompt", "size"), answered=("answered", "sum"),
                                               days=("day", "nunique"), first_day=("day", "min"),
                                               last_day=("day", "max")).reset_index()
    for c in ("sent", "answered", "days"):
        out[c] = out[c].astype("int64")
    out["client"] = out["client"].astype("str")
    return out[list(PROMPT_COLUMNS)]


def finish(log: pd.DataFrame, entries: Entries, opts: ReadOptions) -> None:
    """Add ``attrs["prompts"]`` (:func:`prompts`) to the tidy log of an m-Path export, in place."""
    table = prompts(entries.cells, opts.client)
    log.attrs["prompts"] = AttrsFrame(table)
    n, k = int(table["sent"].sum()), int(table["answered"].sum())
    rate = f" ({k / n:.1%})" if n else ""
    notes = log.attrs.setdefault("notes", [])
    notes.append(
        f"m-Path: {plural(n, 'prompt')} sent to {plural(len(table), 'participant')}, {k} answered{rate}; "
        "unanswered prompts are in attrs['rejected'] (not an entry) and every participant's count in "
        "attrs['prompts'] (bactivate.cohort.compliance.compliance)")
    twice = _repeated(entries.cells)
    if twice:
        notes.append(f"m-Path: {plural(len(twice), 'prompt')} (sentBeepId {', '.join(twice[:5])}"
                     f"{' ...' if len(twice) > 5 else ''}) on more than one line: each answered line is "
                     "an entry, the prompt is counted once in attrs['prompts']")


def _repeated(raw: pd.DataFrame) -> list[str]:
    """The prompts (not reminders) that are on more than one line of the export."""
    lines = raw[~raw["_entry"].duplicated()] if "_entry" in raw.columns else raw
    lines = lines[lines["_prompt"].notna() & ~lines["_reminder"].astype(bool)]
    dup = lines["_prompt"].astype("str")
    return sorted(dup[dup.duplicated()].unique().tolist())
