"""Reading activity logs into the tidy log, and writing them back.

:func:`read_log` turns the long table most clinicians keep (one row per entry,
in CSV, XLSX, ODS or Parquet; one sheet or one sheet per week) into the tidy
log of ``shared/DESIGN.md``. Every data row ends up either in the frame or in
``df.attrs["rejected"]`` with its file, sheet, row, column, value and the
reason, so that nothing is lost and the user can find and fix each cell.

>>> import bactivate as ba
>>> log = ba.read_log("data/sample/client-alex.xlsx")            # doctest: +SKIP
>>> log.attrs["rejected"][["sheet", "row", "column", "reason"]]  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from bactivate._names import merge_names, merge_notes
from bactivate.errors import LogError, LogWarning
from bactivate.io import cells as values
from bactivate.io import detect, formats, headers
from bactivate.io.files import Sheet, column_letter, frame_sheet, read_sheets
from bactivate.io.scales import settle_scale, to_0_10
from bactivate.outputs import check_output, replacing
from bactivate.schema import FLAGS, RATINGS, TIDY_COLUMNS, AttrsFrame, conform

#: Daylio's five default mood labels, mapped onto 0-10.
DAYLIO_MOODS = {"rad": 10.0, "good": 7.5, "meh": 5.0, "bad": 2.5, "awful": 0.0}

_TIME_FIELDS = ("date", "time", "start", "end", "duration")
_CONTENT = ("activity", "category", *RATINGS, *FLAGS, "note")
_SUMMARY_WORD = r"(?:weekly\s+|daily\s+|week\s+|grand\s+)?(?:total|totals|sum|average|averages|mean|avg|overall)"
# in a date or time cell, any text that starts with a summary word marks a totals row
_TOTALS = re.compile(rf"^\s*{_SUMMARY_WORD}\b", re.IGNORECASE)
# in a text cell (activity, category, note) the whole cell must be a summary label, so that an
# activity such as "Total body workout" or "Sum up the week" stays an entry
_TOTALS_LABEL = re.compile(
    rf"^\s*{_SUMMARY_WORD}\b\s*(?:[:=(].*|\d[\d\s.,:/]*|(?:for|of|this|per|across)\b.*"
    r"|(?:week|day|month|mood|moods|rating|ratings|score|scores|m|p|mastery|pleasure|m/p|hours?)\b\W*"
    r"(?:\d.*|\(.*)?)?$",
    re.IGNORECASE,
)
NOT_A_LOG_ROW = "not a log row"
PROBLEM = "problem"


def read_log(path, *, format="auto", client=None, sheet=None, columns=None, scales=None,
             mood_map=None, dayfirst=None, errors="warn", week_start=None) -> pd.DataFrame:
    """Read one client's activity log into the tidy log.

    Parameters
    ----------
    path : str, Path or DataFrame
        A CSV (any separator, UTF-8/UTF-16/Latin-1), XLSX, ODS or Parquet file,
        or a DataFrame already in memory. Every sheet of a workbook is read
        (one sheet per week is common) and sheets that hold no log are skipped.
    format : {"auto", "long", "tidy", "daylio", "bearable", "grid", "batd"}
        The layout. ``"long"`` is one row per entry; ``"tidy"`` a file written
        by :func:`write_log`; ``"daylio"`` and ``"bearable"`` those apps' CSV
        exports; ``"grid"`` a Beck weekly activity schedule (hours by days);
        ``"batd"`` the BATD-R daily monitoring form. ``"auto"`` (default) tells
        them apart from the headers and cells, records its choice in
        ``attrs["format"]``, and asks for ``format=`` when it cannot tell.
    client : str, optional
        The client's name or id; else a client column, a "Client: ..." title
        row, or the file name.
    sheet : str, int or list, optional
        Only these sheets of a workbook.
    columns : dict, optional
        Headers the loader does not know, mapped to tidy fields, e.g.
        ``{"I like doing this": "pleasure"}``.
    scales : dict, optional
        Rating scales the data cannot tell, e.g. ``{"mood": (1, 5)}``.
    mood_map : dict, optional
        Mood labels to 0-10 values, e.g. ``{"great": 9, "ok": 5, "low": 2}``.
        Daylio's five default labels are known.
    dayfirst : bool, optional
        How to read dates like 03/04/2026 when the data do not tell.
    errors : {"warn", "raise", "ignore"}
        What to do with rows that cannot be read: set aside with one
        :class:`~bactivate.LogWarning` (default), raise
        :class:`~bactivate.LogError` listing every problem, or set aside quietly.
    week_start : date-like, optional
        For a weekly grid (``format="grid"``) whose columns name only weekdays
        and whose sheet does not say the week: the first day of the first
        sheet's week (later sheets follow week by week).

    Returns
    -------
    DataFrame
        The tidy log. ``attrs["rejected"]`` lists the rows set aside, one row
        per problem; ``attrs["scales"]`` the scale each rating came on;
        ``attrs["notes"]`` what the loader did that the user should know;
        ``attrs["paths"]`` the file read, as a full path with links resolved.

    Examples
    --------
    >>> log = read_log("data/sample/client-alex.xlsx")        # doctest: +SKIP
    >>> log[["start", "activity", "mastery", "pleasure", "mood"]].head()  # doctest: +SKIP
    """
    if errors not in ("warn", "raise", "ignore"):
        raise ValueError(f"errors must be 'warn', 'raise' or 'ignore', not {errors!r}")

    if format not in ("auto", "long", "tidy", *formats.FORMATS):
        raise ValueError(f"format must be one of {['auto', 'long', 'tidy', *formats.FORMATS]}, "
                         f"not {format!r}")
    if scales:
        unknown = set(scales) - set(RATINGS)
        if unknown:
            raise ValueError(f"scales= names {sorted(unknown)}; scales apply to {list(RATINGS)}")
        for k, v in scales.items():
            try:
                lo, hi = (float(x) for x in v)
            except (TypeError, ValueError):
                raise ValueError(f"scales={{{k!r}: {v!r}}}: give the scale as (low, high), "
                                 f"e.g. scales={{{k!r}: (1, 5)}}") from None
            if not hi > lo:
                raise ValueError(f"scales={{{k!r}: {v!r}}}: the high end must be above the low end")
    if columns:
        bad = {k: v for k, v in columns.items() if v is not None and v not in headers.FIELDS}
        if bad:
            raise ValueError(f"columns= maps to unknown fields {bad}; fields are {sorted(headers.FIELDS)}")
    if isinstance(path, pd.DataFrame):
        sheets = [frame_sheet(path)]
        file = "<DataFrame>"
    else:
        if not isinstance(path, str | PathLike):
            raise TypeError(f"path must be a file path or a DataFrame, not {type(path).__name__}")
        file = Path(path).name
        with _Stages(path, file) as stages:
            sheets = read_sheets(path, sheet)
            stages.next("checking every cell")
            log = _read(sheets, file, format=format, client=client, columns=columns, scales=scales,
                        mood_map=mood_map, dayfirst=dayfirst, errors=errors, week_start=week_start)
        # the file read, in full (the source column names the file only): write_log never writes over it
        log.attrs["paths"] = [str(Path(path).resolve())]
        return log
    return _read(sheets, file, format=format, client=client, columns=columns, scales=scales,
                 mood_map=mood_map, dayfirst=dayfirst, errors=errors, week_start=week_start)


#: Files larger than this (bytes) show their reading stages on a progress bar (on a terminal).
LARGE_FILE = 50 * 1024 * 1024
_PROGRESS_DISABLE = None  # tqdm's: None shows the bar on a terminal only


class _Stages:
    """A progress bar over the stages of reading a large file, so that it does not seem to hang."""

    def __init__(self, path, file: str):
        try:
            big = Path(path).stat().st_size > LARGE_FILE
        except OSError:
            big = False
        self.bar = None
        if big:
            from tqdm import tqdm

            self.bar = tqdm(total=2, desc=f"reading {file}", unit="step", disable=_PROGRESS_DISABLE,
                            bar_format="{desc}: {n}/{total} {postfix}")
            self.bar.set_postfix_str("opening the file")

    def next(self, what: str):
        if self.bar is not None:
            self.bar.update()
            self.bar.set_postfix_str(what)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.bar is not None:
            if exc[0] is None:
                self.bar.update()
                self.bar.set_postfix_str("done")
            self.bar.close()
        return False


def _read(sheets, file, *, format, client, columns, scales, mood_map, dayfirst, errors, week_start):

    chosen, why = detect.detect(sheets, file) if format == "auto" else (format, None)
    if chosen in formats.FORMATS:  # the app exports and paper forms read grids of cells
        sheets = [sh.grid() for sh in sheets]
    reader = _LongReader(file, columns=columns, client=client, scales=scales or {},
                         mood_map=mood_map, dayfirst=dayfirst,
                         format=format if chosen in ("long", "tidy") else chosen,
                         stem=Path(file).stem if file != "<DataFrame>" else "client")
    if chosen in formats.FORMATS:
        log = formats.read(chosen, sheets, reader, week_start=week_start, why=why)
    else:
        try:
            log = reader.read(sheets)
        except LogError as exc:
            if format == "auto" and str(exc).startswith("no log found"):
                raise LogError(f"{exc} (bactivate also looked for a Daylio or Bearable export, a weekly "
                               f"grid and a BATD-R form: pass format= if it is one. {detect.saw(sheets)})"
                               ) from None
            raise
        log.attrs["format"] = "tidy" if reader.tidy_mode else "long"
    # what the file itself hides (hidden sheets read, formulas with no saved result): in the notes,
    # and in the one warning below
    notices = list(dict.fromkeys(n for sh in sheets for n in getattr(sh, "notices", ())))
    if notices:
        log.attrs["notes"] = notices + [n for n in log.attrs.get("notes", []) if n not in notices]
    report_problems(log, file, errors, notices, stacklevel=4)  # warn at read_log's caller
    return log


def report_problems(log: pd.DataFrame, file: str, errors: str, notices=(), stacklevel: int = 3) -> None:
    """Warn about, or raise for, the rows set aside in ``log.attrs["rejected"]``.

    With ``errors="warn"`` exactly one :class:`LogWarning` is emitted, summarising the rows set
    aside with problems and any *notices* about the file (hidden sheets, unsaved formulas);
    none when there is neither.
    """
    if errors == "ignore":
        return
    rej = log.attrs.get("rejected")
    problems = rej[rej["kind"] == PROBLEM] if rej is not None and len(rej) else None
    if problems is None or problems.empty:
        # only rows that are not entries (totals, empty slots, repeated headers): nothing to fix,
        # and attrs["notes"] says how many there were
        if notices:
            warnings.warn(" ".join(f"{n}." if not n.endswith(".") else n for n in notices),
                          LogWarning, stacklevel=stacklevel)
        return
    n_bad = problems["source"].nunique()
    if errors == "raise":
        lines = ("  " + _where(problems) + ": " + problems["reason"].astype("str")).tolist()
        raise LogError(
            f"{file}: {_plural(n_bad, 'row')} could not be read ({_plural(len(problems), 'problem')}). "
            "Fix these cells in the file, or read with errors='warn' to set them aside:\n"
            + "\n".join(lines),
            problems=problems,
        )
    n_rows = _rows_read(log)
    summary = summarise_rejected(problems)
    msg = (f"{file}: kept {log['source'].nunique()} of {_plural(n_rows, 'row')}; set aside "
           f"{n_bad} with problems: {summary}. See log.attrs['rejected'] for each cell, "
           f"or run `bactivate validate {file}`.")
    if notices:
        msg += " Also: " + " ".join(f"{n}." if not n.endswith(".") else n for n in notices)
    warnings.warn(msg, LogWarning, stacklevel=stacklevel)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _where(rej: pd.DataFrame) -> pd.Series:
    """'file: sheet 'Week 2', row 14, column 'M'' for each rejected row (whole columns at once)."""
    sheet = rej["sheet"].astype("str")
    sheet = ("sheet '" + sheet + "', ").where(rej["sheet"].notna() & (sheet != ""), "")
    col = rej["column"].astype("str")
    col = (", column '" + col + "'").where(rej["column"].notna() & (col != ""), "")
    return rej["file"].astype("str") + ": " + sheet + "row " + rej["row"].astype("str") + col


def _rows_read(log: pd.DataFrame) -> int:
    rej = log.attrs.get("rejected")
    return log["source"].nunique() + (0 if rej is None else rej["source"].nunique())


def summarise_rejected(rej: pd.DataFrame) -> str:
    """One line: how many rows were set aside for each kind of reason (no cell values)."""
    if rej.empty:
        return "nothing"
    what = rej["reason"].str.replace(r"^'.*?' ", "", regex=True)
    what = (rej["column"].fillna("").astype(str) + " " + what).str.strip()
    counts = what.groupby(rej["source"]).first().value_counts()
    return "; ".join(f"{n} × {w}" for w, n in counts.items())




class FilesDiffer(Exception):
    """Many files read as one need reading one by one (their scales or dates differ)."""


class _LongReader:
    """Reads long-layout sheets (one row per entry) into the tidy log."""

    def __init__(self, file, *, columns, client, scales, mood_map, dayfirst, format, stem):
        self.file = file
        self.columns = columns
        self.client = client
        self.scales = scales
        self.mood_map = mood_map
        self.dayfirst = dayfirst
        self.format = format
        self.stem = stem
        self.notes: list[str] = []
        self.header_text: dict[str, str] = {}  # field -> header as the user wrote it (first sheet)
        self.sheet_header: dict[str, dict[str, str]] = {}  # field -> {sheet: header in that sheet}
        self.header_sheet: dict[str, str] = {}  # field -> the first sheet that names it
        self.hints: dict[str, tuple] = {}
        self.unit: str | None = None
        self.title_client: str | None = None
        self.unknown: list[str] = []
        self.header_only: list[str] = []  # sheets with a header row and nothing below it
        self.tidy_headers: list[bool] = []  # per sheet read: does its header match write_log's?
        self.tidy_mode = False
        # field -> how its scale was known, when a format reader sets self.hints (e.g. Bearable)
        self.scale_how: dict[str, str] = {}
        # many files read as one (bactivate.io.many): each row's file is files[_file]; the client
        # of a row with no client column is stems[_file]
        self.files: list[str] | None = None
        self.stems: list[str] | None = None
        # many files read as one: notes that concern one file (names written in more than one way)
        self.file_notes: dict[str, list[str]] = {}

    # ----------------------------------------------------------------- sheets -> cells
    def read(self, sheets: list[Sheet]) -> pd.DataFrame:
        # Parquet (and in-memory frames) are typed: write_log puts no apostrophes in them
        self.typed = bool(sheets) and all(sh.typed_header for sh in sheets)
        parts = []
        for sh in sheets:
            part = self._sheet(sh)
            if part is not None:
                parts.append(part)
        return self.finish(parts, sheets)

    def finish(self, parts: list[pd.DataFrame], sheets=()) -> pd.DataFrame:
        """The tidy log of the rows of every sheet read (see :meth:`_sheet`)."""
        if not parts and self.header_only:
            raise LogError(
                f"{self.file}: {', '.join(self.header_only)} "
                f"{'has' if len(self.header_only) == 1 else 'have'} a header row but no entries "
                "below it: fill in at least one row (date, activity, ratings) and read it again"
            )
        if not parts:
            where = f"{self.file}" + (f" (sheets {[s.name for s in sheets]})" if sheets and sheets[0].name else "")
            raise LogError(
                f"no log found in {where}: no row names the columns of an activity log. "
                "Put a header row above the entries with names such as Date, Time, Activity, "
                "Mastery (or M), Pleasure (or P), Mood; or map your headers with columns={...}."
            )
        cells = pd.concat(parts, ignore_index=True, sort=False)
        if self.unknown:
            self.notes.append(
                "kept columns bactivate does not know as extra columns: "
                + ", ".join(repr(u) for u in dict.fromkeys(self.unknown))
                + " (map one to a tidy field with columns={'header': 'field'} if it is one)"
            )
        return self._normalise(cells)

    def _sheet(self, sh: Sheet) -> pd.DataFrame | None:
        raw = sh.cells
        label = f"sheet {sh.name!r}" if sh.name is not None else self.file
        if raw.empty or raw.shape[1] == 0:
            self.notes.append(f"skipped {label}: it is empty")
            return None
        h = 0 if sh.typed_header else headers.find_header(raw, self.columns)
        if h is None:
            self.notes.append(f"skipped {label}: it holds no log (no header row naming log columns)")
            return None
        head = raw.iloc[h].tolist() if sh.head is None else list(sh.head)
        two_rows = sh.head is None and h + 1 < len(raw) and (
            merged := _second_header_row(head, raw.iloc[h + 1].tolist(), self.columns)) is not None
        if two_rows:
            self.notes.append(
                f"{label}: read rows {h + 1} and {h + 2} as one header (a header over two rows, such as "
                + ", ".join(f"{head[j]!r} above {merged[j]!r}" for j in range(len(head))
                            if merged[j] is not head[j] and isinstance(head[j], str) and head[j].strip())[:200]
                + ")")
            head = merged
        texts = [str(c).strip() if isinstance(c, str) else "" for c in head]
        self.tidy_headers.append(texts[: len(TIDY_COLUMNS)] == list(TIDY_COLUMNS))
        if h:
            title = "\n".join(str(c) for c in raw.iloc[:h].to_numpy().ravel() if isinstance(c, str))
            m = headers.TITLE_CLIENT.search(title)
            if m and self.title_client is None:
                self.title_client = m.group(1).strip(" -–—:")
        body = raw.iloc[h + 1 + two_rows:] if sh.head is None else raw
        coded = [j for j in range(body.shape[1]) if values.coded(body.iloc[:, j])]
        if body.shape[1] >= _WIDE and body.size <= _WIDE_CELLS:
            body = body.astype(object)  # a wide sheet of few rows: its cells are tested all at once
        elif coded:  # the distinct cells of the rows below the header (not the header's, say)
            body = body.copy()
            for j in coded:
                body.isetitem(j, values.drop_unused(body.iloc[:, j]))
        blank = _blank_frame(body)
        out: dict[str, pd.Series] = {}
        taken: dict[str, tuple[int, int]] = {}
        claims: dict[str, list[str]] = {}  # field -> every header in this sheet that names it
        for j, name in enumerate(head):
            text = "" if name is None or (isinstance(name, float) and np.isnan(name)) else str(name).strip()
            col = body.iloc[:, j]
            if not text:
                if blank.iloc[:, j].all():
                    continue
                text = f"column {column_letter(j)}"
            field = headers.field_for(text, self.columns) if not text.startswith("column ") else None
            if field is not None:
                claims.setdefault(field, []).append(text)
                rank = 0 if headers.header_key(text) == field else 1
                sheet_key = sh.name or ""
                if field not in taken or rank < taken[field][0]:
                    if field in taken:  # a better match for this field: demote the earlier one
                        old = self.sheet_header[field][sheet_key]
                        out[self._extra_name(old, out)] = out.pop(field)
                    taken[field] = (rank, j)
                    out[field] = col
                    self.sheet_header.setdefault(field, {})[sheet_key] = text
                    if self.header_sheet.setdefault(field, sheet_key) == sheet_key:
                        self.header_text[field] = text  # as written in the first sheet
                    hint = headers.scale_hint(text)
                    if hint and field in RATINGS:
                        prev = self.hints.get(field)
                        if prev and prev != hint:
                            raise LogError(f"{self.file}: the sheets declare different scales for "
                                           f"{field}: {prev} and {hint}; use one scale throughout")
                        self.hints[field] = hint
                    if field == "duration":
                        self.unit = headers.duration_unit(text) or self.unit
                    continue
            name_out = self._extra_name(text, out)
            out[name_out] = col
            if field is None and name_out not in self.unknown:
                self.unknown.append(name_out)

        self._several(claims, sh.name or "", label)
        frame = pd.DataFrame(out, index=body.index)
        keep = ~blank.all(axis=1)
        frame = frame[keep]
        frame["_row"] = (frame.index + 1).astype("int64")
        frame["_sheet"] = sh.name
        frame["_repeat"] = _repeats_header(body[keep], head)
        frame.attrs = {}
        if frame.empty:
            self.header_only.append(label)
            self.notes.append(f"skipped {label}: a header but no entries")
            return None
        return frame

    def _several(self, claims: dict[str, list[str]], sheet_key: str, label: str):
        """Note the fields that more than one column of a sheet names, and which one was read."""
        for field, names in claims.items():
            if len(names) < 2:
                continue
            winner = self.sheet_header[field][sheet_key]
            others = list(names)
            others.remove(winner)
            how = (f"to choose another, pass e.g. columns={{{others[0]!r}: '{field}', {winner!r}: None}}"
                   if others[0] != winner else "the headers are the same: rename one in the file to choose")
            self.notes.append(
                f"{label}: {', '.join(repr(n) for n in names)} all name {field}; {winner!r} was "
                f"read as {field}, the other{'s' if len(others) > 1 else ''} kept as extra columns "
                f"({how})")

    def _extra_name(self, text: str, taken) -> str:
        name = text
        k = 2
        while name in taken or name in TIDY_COLUMNS or name in _TIME_FIELDS or name.startswith("_"):
            name = f"{text} ({k})"
            k += 1
        return name

    # ----------------------------------------------------------------- cells -> tidy
    def _normalise(self, cells: pd.DataFrame) -> pd.DataFrame:
        n = len(cells)
        idx = cells.index
        problems: list[pd.DataFrame] = []
        # a tidy file (written by write_log) starts with exactly the tidy columns, in order; a
        # hand-made log that happens to have Client, Entry and Source columns is still read
        # as a hand-made log, with its scales settled from the data
        tidy_mode = self.format == "tidy" or (self.format == "auto" and all(self.tidy_headers))
        self.tidy_mode = tidy_mode
        # Bookkeeping columns a format reader (bactivate.io.formats) may add besides _row and _sheet:
        # _cell (the cell, e.g. "B5", in source instead of the row), _column (the column named
        # in rejected rows), _entry (rows with one key share one entry id), _skip (a reason the
        # row is not an entry) and _problem (a reason the row is set aside; _value its cell).
        if not tidy_mode:
            # in a hand-made log, Entry and Source columns are the user's own: keep them as extras
            # (the tidy entry and source are bactivate's numbering and the row's location)
            own = {f: self._extra_name(self.header_text.get(f, f), cells.columns)
                   for f in ("entry", "source") if f in cells.columns}
            if own:
                cells = cells.rename(columns=own)

        def report(reasons: pd.Series, field: str):
            bad = reasons.notna()
            if bad.any():
                # the header as written in each row's own sheet
                names = cells.loc[bad, "_sheet"].fillna("").astype("str").map(
                    self.sheet_header.get(field, {})).astype(object).fillna(self.header_text.get(field, field))
                if "_column" in cells.columns:
                    names = cells.loc[bad, "_column"].fillna(names)
                problems.append(pd.DataFrame({
                    "_i": reasons.index[bad], "column": names.to_numpy(),
                    "value": cells.loc[bad, field].astype("str").str.strip() if field in cells else pd.NA,
                    "reason": reasons[bad].astype("str"), "kind": PROBLEM,
                }))

        def get(field):
            return cells[field] if field in cells.columns else None

        out = pd.DataFrame(index=idx)
        # --- kinds of rows that are not entries
        told = [f for f in (*_CONTENT, *[c for c in cells.columns if c not in headers.FIELDS
                                         and not c.startswith("_")]) if f in cells.columns]
        content = ~_blank_frame(cells[told]).all(axis=1) if told else pd.Series(False, index=idx)
        totals = pd.Series(False, index=idx)
        for f, pattern in (("date", _TOTALS), ("start", _TOTALS), ("time", _TOTALS),
                           ("activity", _TOTALS_LABEL), ("category", _TOTALS_LABEL),
                           ("note", _TOTALS_LABEL)):
            if f in cells.columns:
                hit = values.distinct(cells[f], lambda u, p=pattern: u.astype("str").str.match(p).fillna(
                    False).astype(bool) & u.notna(), missing=False)
                totals |= hit
        repeat = cells["_repeat"].astype(bool)

        # --- dates and times
        start, end, when_reasons = self._when(cells, problems, report)
        no_entry_reason = pd.Series(pd.NA, index=idx, dtype="str")
        if not tidy_mode:  # in a tidy file every row is an entry, even one with only its time
            no_entry_reason[~content] = "nothing logged in this row (a date or time slot left empty)"
        no_entry_reason[totals] = "a totals or summary row, not an entry"
        no_entry_reason[repeat] = "the header repeated, not an entry"
        if "_skip" in cells.columns:
            no_entry_reason = cells["_skip"].astype("str").fillna(no_entry_reason)
        not_entry = no_entry_reason.notna()

        # --- ratings
        for field in RATINGS:
            out[field] = np.nan
        rating_fields = [f for f in RATINGS if f in cells.columns]
        parsed = {}
        for field in rating_fields:
            parsed[field] = self._number(cells[field], field, report)
        for group in (("mastery", "pleasure"), ("mood",), ("effort",)):
            present = [f for f in group if f in parsed]
            if not present:
                continue
            joint = [f for f in present if f not in self.scales and f not in self.hints]
            joint_scale = None
            for f in present:
                vals, den, labelled = parsed[f]
                usable = ~not_entry & vals.notna() & ~labelled
                if tidy_mode:
                    scale, how = (0.0, 10.0), "a tidy bactivate log"
                elif f in joint and len(joint) > 1:
                    if joint_scale is None:  # settled once for the group
                        masks = [(~not_entry & parsed[g][0].notna() & ~parsed[g][2]).to_numpy() for g in joint]
                        pool = np.concatenate([parsed[g][0].to_numpy()[m] for g, m in zip(joint, masks, strict=True)])
                        dens = np.concatenate([parsed[g][1].to_numpy() for g in joint])
                        many = self.files is not None
                        joint_scale = self._settle(
                            " and ".join(joint), pool, header=None, declared=None, fractions=dens,
                            files=np.concatenate([self._file_codes(cells)[m] for m in masks]) if many else None,
                            fraction_files=np.tile(self._file_codes(cells), len(joint)) if many else None)
                    scale, how = joint_scale
                    how = "mastery and pleasure settled together, as one scale: " + how
                else:
                    many = self.files is not None
                    scale, how = self._settle(f, vals[usable].to_numpy(), header=self.hints.get(f),
                                              declared=self.scales.get(f), fractions=den.to_numpy(),
                                              files=self._file_codes(cells)[usable.to_numpy()] if many else None,
                                              fraction_files=self._file_codes(cells) if many else None)
                    if f in self.scale_how and f not in self.scales:
                        how = self.scale_how[f]
                self._scales[f] = scale
                self.notes.append(f"{f}: read on a {_fmt_scale(scale)} scale"
                                  + ("" if scale == (0.0, 10.0) else ", mapped onto 0-10")
                                  + f" ({how})")
                lo, hi = scale
                reasons = pd.Series(pd.NA, index=idx, dtype="str")
                wrong_den = den.notna() & (den != hi)
                if wrong_den.any():
                    reasons[wrong_den] = ("'" + cells.loc[wrong_den, f].astype("str").str.strip()
                                          + f"' is not on this column's {_fmt_scale(scale)} scale: "
                                          + f"write the rating as a number from {_n(lo)} to {_n(hi)}")
                out_of = ~labelled & vals.notna() & ((vals < lo) | (vals > hi)) & ~wrong_den
                if out_of.any():
                    reasons[out_of] = (vals[out_of].map(_n).astype("str")
                                       + f" is outside this column's {_fmt_scale(scale)} scale: write a "
                                       + f"rating from {_n(lo)} to {_n(hi)} (if the column uses another "
                                       + f"scale, pass scales={{'{f}': (low, high)}})")
                if wrong_den.any() or out_of.any():
                    report(reasons, f)
                mapped = pd.Series(to_0_10(vals.to_numpy(), scale), index=idx)
                out[f] = mapped.where(~labelled, vals)
        # --- yes/no
        for field in FLAGS:
            if field in cells.columns:
                vals, reasons = values.parse_flag(cells[field])
                report(reasons, field)
                out[field] = vals
            else:
                out[field] = pd.Series(pd.NA, index=idx, dtype="boolean")
        # --- text
        for field in ("activity", "category", "note"):
            out[field] = values.parse_text(cells[field]) if field in cells.columns else pd.Series(
                np.nan, index=idx, dtype="str")
        out["start"], out["end"] = start, end

        # --- client
        if self.client is not None:
            out["client"] = str(self.client)
        else:
            fallback = self.title_client or self.stem
            if self.files is not None:
                fallback = pd.Series(pd.Categorical.from_codes(cells["_file"].to_numpy(), self.stems),
                                     index=idx).astype("str")
                if "client" not in cells.columns:
                    out["client"] = fallback
            if "client" in cells.columns:
                cl = values.parse_text(cells["client"])
                out["client"] = cl.fillna(fallback)
            else:
                out["client"] = fallback
        # one client id however it is written (Unicode form, spaces); case is kept: ids are codes
        out["client"] = self._one_name(out["client"].astype("str"), "client", cells, fold_case=False)

        # --- source
        where = _locations(self._row_files(cells), cells["_sheet"],
                           cells["_cell"] if "_cell" in cells.columns else cells["_row"])
        if "_problem" in cells.columns:  # the cell as written is in _value, its column in _column
            report(cells["_problem"].astype("str"), "_value" if "_value" in cells.columns else "_problem")
        if tidy_mode and "source" in cells.columns:
            out["source"] = values.parse_text(cells["source"]).fillna(where)
        else:
            out["source"] = where

        # --- extras: numeric when every cell is a number, else text
        extras = [c for c in cells.columns if c not in headers.FIELDS and not c.startswith("_")]
        if extras:  # all at once: a sheet may have a thousand of them
            out = pd.concat([out, _extras(cells[extras])], axis=1)
        if tidy_mode and not self.typed:  # undo write_log's apostrophe (see _defuse)
            for c in ("activity", "category", "note", "client", "source", *extras):
                if pd.api.types.is_string_dtype(out[c].dtype):
                    out[c] = out[c].str.replace(_DEFUSED, "", regex=True)

        # --- rows: entries, rows with problems, rows that are not entries
        prob = pd.concat(problems, ignore_index=True) if problems else pd.DataFrame(
            columns=["_i", "column", "value", "reason", "kind"])
        prob = prob[~prob["_i"].isin(idx[not_entry])]
        missing_start = start.isna() & ~not_entry & ~idx.isin(prob["_i"])
        if missing_start.any():
            what = "date" if "date" in cells.columns or "start" in cells.columns else "date column"
            col = self.header_text.get("date", self.header_text.get("start", "Date"))
            prob = pd.concat([prob, pd.DataFrame({
                "_i": idx[missing_start], "column": col, "value": pd.NA,
                "reason": f"no {what}: every entry needs the day it happened (and a date above to "
                          "carry down, if the date cells are left blank)", "kind": PROBLEM})],
                ignore_index=True)
        skipped = pd.DataFrame({"_i": idx[not_entry], "column": pd.NA, "value": pd.NA,
                                "reason": no_entry_reason[not_entry].astype("str"), "kind": NOT_A_LOG_ROW})
        if not_entry.any():
            counts = no_entry_reason[not_entry].value_counts()
            self.notes.append(
                f"set aside {_plural(int(not_entry.sum()), 'row')} that "
                + ("is not an entry" if not_entry.sum() == 1 else "are not entries")
                + " (nothing to fix): "
                + "; ".join(f"{n} × {why}" for why, n in counts.items()))
        prob = pd.concat([p for p in (prob, skipped) if len(p)], ignore_index=True) if (
            len(prob) or len(skipped)) else prob
        bad_rows = idx.isin(prob["_i"]) if len(prob) else np.zeros(n, bool)
        if "_entry" in cells.columns:
            out["_entry"] = cells["_entry"]
        if self.files is not None:
            out["_file"] = cells["_file"]
        kept = out[~bad_rows]
        # names that differ only in case, spacing or Unicode form are one activity (one category)
        kept = kept.assign(**{f: self._one_name(kept[f], f, kept) for f in ("activity", "category")})

        # entry ids: order of time within client, file order for ties
        if tidy_mode and "entry" in cells.columns:
            # a tidy file keeps its own order and entry ids, so that read_log(write_log(log)) == log
            entry, reasons, _ = values.parse_number(cells["entry"])
            kept = kept.assign(entry=entry[~bad_rows].fillna(-1).astype("int64"))
        else:
            kept = kept.assign(_order=np.arange(len(kept)))
            kept = kept.sort_values(["client", "start", "_order"], kind="stable").drop(columns="_order")
            if "_entry" in kept.columns:  # rows of one source entry (a Daylio entry's activities)
                first = ~kept.duplicated(["client", "_entry"])
                number = first.astype("int64").groupby(kept["client"], sort=False).cumsum()
                kept["entry"] = number.groupby([kept["client"], kept["_entry"]], sort=False).transform(
                    "first").astype("int64")
                kept = kept.drop(columns="_entry")
            else:
                kept["entry"] = kept.groupby("client", sort=False).cumcount().astype("int64") + 1
        kept = conform(kept.reset_index(drop=True))
        kept.attrs = {
            "rejected": self._rejected(prob, cells, where),
            "scales": dict(self._scales),
            "notes": list(dict.fromkeys(self.notes)),
            "file": self.file,
        }
        if self.dayfirst_info:
            kept.attrs["dayfirst"] = self.dayfirst_info
        return kept

    _scales: dict
    dayfirst_info: dict

    def _one_name(self, s: pd.Series, what: str, rows: pd.DataFrame, fold_case: bool = True) -> pd.Series:
        """*s* with names that differ only in case, spacing or Unicode form as one (see
        :func:`bactivate._names.merge_names`), within each file; the merges in the notes.
        A tidy file (write_log's) is read back as written, so that read_log(write_log(log)) == log."""
        if self.tidy_mode:
            return s
        many = self.files is not None
        names, merged = merge_names(s, fold_case=fold_case, within=rows["_file"].to_numpy() if many else None)
        if merged and not many:
            self.notes.extend(f"{what}: {n}" for n in merge_notes(merged, what))
        by_file: dict[int, list[dict]] = {}
        for m in merged if many else ():
            by_file.setdefault(m["group"], []).append(m)
        for g, mine in by_file.items():
            self.file_notes.setdefault(self.files[g], []).extend(f"{what}: {n}" for n in merge_notes(mine, what))
        return names

    def _rejected(self, prob: pd.DataFrame, cells: pd.DataFrame, where: pd.Series) -> pd.DataFrame:
        i = prob["_i"].to_numpy()
        rej = AttrsFrame({
            "source": where.loc[i].to_numpy(),
            "file": self._row_files(cells).loc[i].to_numpy() if self.files is not None else self.file,
            "sheet": cells["_sheet"].loc[i].to_numpy(),
            "row": cells["_row"].loc[i].to_numpy().astype("int64"),
            "column": prob["column"].to_numpy(),
            "value": prob["value"].to_numpy(),
            "reason": prob["reason"].to_numpy(),
            "kind": prob["kind"].to_numpy(),
        })
        for c in ("source", "file", "sheet", "column", "value", "reason", "kind"):
            rej[c] = rej[c].astype("str")
        rej["row"] = rej["row"].astype("int64")
        # in file order: by sheet and row (cells are in that order already)
        order = np.argsort(i, kind="stable")
        # rows of one source entry (a Daylio entry's activities) share its problems: list them once
        return rej.iloc[order].drop_duplicates(["source", "column", "value", "reason"]).reset_index(
            drop=True)

    def _settle(self, column, vals, *, files=None, fraction_files=None, **kw):
        try:
            if self.files is None or kw.get("declared") is not None:
                return settle_scale(column, vals, **kw)
            # many files read as one: each file's scale is settled from its own cells, as if
            # it were read alone; they must agree (else the files are read one by one)
            fractions = kw.pop("fractions")
            got = set()
            first = None
            for k in range(len(self.files)):  # a loop over files, each on its own cells
                mine = fractions[fraction_files == k] if fractions is not None else None
                one = settle_scale(column, vals[files == k], fractions=mine, **kw)
                got.add(one[0])
                first = first or one
            if len(got) > 1:
                raise FilesDiffer(f"{column}: the files are on different scales")
            return first
        except LogError as exc:
            if self.files is not None:
                raise FilesDiffer(str(exc)) from None
            raise LogError(f"{self.file}: {exc}") from None

    def _row_files(self, cells):
        """The file of each row: the file name, or a Series of them when many files are read as one."""
        if self.files is None:
            return self.file
        return pd.Series(pd.Categorical.from_codes(cells["_file"].to_numpy(), self.files), index=cells.index)

    def _sheet_key(self, cells) -> list:
        """Group keys for 'the same sheet' (and the same file, when many are read as one)."""
        key = [cells["_sheet"].fillna("").astype("str")]
        return key if self.files is None else [cells["_file"], *key]

    def _file_codes(self, cells) -> np.ndarray:
        return cells["_file"].to_numpy() if self.files is not None else np.zeros(len(cells), dtype=np.intp)

    def _number(self, col: pd.Series, field: str, report):
        """Parse a rating column; mood labels (Daylio or mood_map) become 0-10 values."""
        vals, reasons, den, labelled = values.per_value(self._rating_cells)(col, field)
        report(reasons, field)
        said = values.distinct(col, lambda u: u.astype("str").str.strip().str.lower().isin(values.NOT_RATED)
                               .fillna(False).astype(bool) & u.notna(), missing=False)
        if said.any():
            words = col[said].astype("str").str.strip().value_counts()
            self.notes.append(
                f"{self.header_text.get(field, field)}: read {_plural(int(said.sum()), 'cell')} written as "
                + ", ".join(repr(w) for w in words.index[:5])
                + " as not rated (blank); the rows are kept")
        return vals, den, labelled

    def _rating_cells(self, col: pd.Series, field: str):
        """(values, reasons, denominators, labelled) of the cells of a rating column."""
        labelled = pd.Series(False, index=col.index)
        label_vals = pd.Series(np.nan, index=col.index)
        if field == "mood":
            known = {str(k).strip().lower(): float(v) for k, v in (self.mood_map or DAYLIO_MOODS).items()}
            text = col.where(~values.blank(col)).astype("str").str.strip().str.lower()
            label_vals = text.map(known).astype("float64")
            labelled = label_vals.notna()
        vals, reasons, den = values.parse_number(col.where(~labelled))
        if labelled.any():
            vals = vals.where(~labelled, label_vals)
            reasons = reasons.where(~labelled)
        if field == "mood" and self.mood_map is None:
            words = reasons.notna() & col.astype("str").str.contains(r"[^\W\d_]", regex=True).fillna(False)
            if words.any():
                reasons = reasons.where(~words, reasons + "; for mood words, give each word's value "
                                        "with mood_map={'great': 9, 'ok': 5, 'low': 2}")
        return vals, reasons, den, labelled

    def _when(self, cells, problems, report):
        """Start and end datetimes from Date/Time, Start/End, Duration or hour slots."""
        idx = cells.index
        self._scales = {}
        self.dayfirst_info = {}
        date = pd.Series(pd.NaT, index=idx, dtype="datetime64[ns]")
        start = pd.Series(pd.NaT, index=idx, dtype="datetime64[ns]")
        end = pd.Series(pd.NaT, index=idx, dtype="datetime64[ns]")
        if "date" in cells.columns:
            try:
                d, reasons, info = values.parse_date(cells["date"], self.dayfirst)
            except ValueError as exc:
                raise LogError(f"{self.file}: {exc}") from None
            self._note_dayfirst(info)
            report(reasons, "date")
            # blank (or merged) date cells take the date above, within a sheet
            blank = values.blank(cells["date"])
            carried = d.groupby(self._sheet_key(cells), sort=False).ffill() if blank.any() else d
            filled = blank & carried.notna()
            if filled.any():
                self.notes.append(f"{_plural(int(filled.sum()), 'row')} left the date blank and took the date "
                                  "from the row above (as with merged date cells)")
            date = d.where(~blank, carried)
            start = date.copy()
        if "start" in cells.columns:
            col = cells["start"]
            try:
                s, s_reasons, info = values.parse_date(col, self.dayfirst)
            except ValueError as exc:
                raise LogError(f"{self.file}: {exc}") from None
            self._note_dayfirst(info)
            # a Start column holding only times of day, beside a Date column
            t, t_end, t_reasons = values.parse_time(col.where(s.isna()))
            timed = s.isna() & t.notna()
            if "date" in cells.columns:
                day = date.dt.normalize()
                t, t_end = self._afternoon(cells, "start", t, t_end, day)
                s = s.where(~timed, day + t)
                # beside a Date column, Start holds times: say what is wrong with the time
                s_reasons = s_reasons.where(~timed).where(
                    s_reasons.isna() | s_reasons.str.contains("plausible", regex=False), t_reasons)
                if "end" not in cells.columns:
                    end = end.where(~(timed & t_end.notna()), day + t_end)
                # a blank Start beside a date: the date's own time (an Excel date-time), else ask
                blank_s = values.blank(col)
                own_time = date.notna() & (date != day)
                s = s.where(~(blank_s & own_time), date)
                miss = blank_s & date.notna() & ~own_time
                s_reasons = s_reasons.where(~miss, "no start time: write the time the activity "
                                            "started (e.g. 14:00 or 2pm)")
            else:
                s_reasons = s_reasons.copy()
                s_reasons[timed] = ("'" + col[timed].astype("str") + "' is a time of day "
                                    "with no date: add a Date column or write the date too")
            report(s_reasons, "start")
            start = s
        elif "time" in cells.columns:
            t, t_end, reasons = values.parse_time(cells["time"])
            report(reasons, "time")
            blank_t = values.blank(cells["time"])
            if "date" not in cells.columns:
                raise LogError(f"{self.file}: there is a time column "
                               f"({self.header_text.get('time')!r}) but no date column: "
                               "add a Date column so that each entry has its day")
            # a Date cell may hold a whole timestamp (an Excel date-time): its day counts, and
            # its time only when the Time cell is blank
            day = date.dt.normalize()
            t, t_end = self._afternoon(cells, "time", t, t_end, day)
            own_time = date.notna() & (date != day)
            start = (day + t).where(~blank_t, date.where(own_time))
            t_end = t_end.where(~blank_t)
            date = day
            miss = blank_t & date.notna() & ~own_time
            if miss.any():
                r = pd.Series(pd.NA, index=idx, dtype="str")
                r[miss] = "no time: write the time the activity started (e.g. 14:00 or 2pm)"
                report(r, "time")
            end = date + t_end
        if "end" in cells.columns:
            col = cells["end"]
            e, e_reasons, _ = values.parse_date(col, self.dayfirst_info.get("dayfirst", self.dayfirst))
            t, _, t_reasons = values.parse_time(col.where(e.isna()))
            e = e.where(~(e.isna() & t.notna()), start.dt.normalize() + t)
            # an End cell is mostly a time: when it is neither, say it is not a time of day
            e_reasons = t_reasons.where(e.isna() & ~values.blank(col))
            report(e_reasons, "end")
            end = e
        elif "duration" in cells.columns:
            minutes, reasons, needs_unit = values.parse_duration(cells["duration"], self.unit)
            if needs_unit:
                raise LogError(
                    f"{self.file}: the duration column {self.header_text.get('duration')!r} holds bare "
                    "numbers; say which unit in its header, e.g. 'Duration (min)' or 'Duration (h)', "
                    "or write the unit in the cells (30 min, 1.5 h)"
                )
            report(reasons, "duration")
            end = start + pd.to_timedelta(minutes, unit="min")
        end = end.astype("datetime64[ns]")
        # an end earlier than the start crossed midnight
        over = end.notna() & start.notna() & (end < start) & (end.dt.normalize() == start.dt.normalize())
        end = end.where(~over, end + pd.Timedelta(days=1))
        return start.astype("datetime64[ns]"), end, None

    def _afternoon(self, cells, field, t, t_end, day):
        """Hours written without am/pm that come after a later hour of the same day are pm.

        In hour slots ``..., 11-12, 12-1, 1-2, 2-3`` the ``1-2`` follows ``12-1`` in
        the day's rows, so it is 13:00-14:00. A bare hour is moved on by 12 hours only
        when it is earlier than an hour above it on the same day (same sheet) and the
        move does not put it before that hour.
        """
        bare = values.bare_hours(cells[field])
        if not bare.any():
            return t, t_end
        hours = t.dt.total_seconds() / 3600
        marked = values.distinct(cells[field], lambda u: u.astype("str").str.contains(
            r"[ap]\.?m\b", case=False, regex=True).fillna(False).astype(bool), missing=False)
        if (hours.ge(13) & ~marked).any():
            return t, t_end  # the column uses the 24-hour clock: 9:00 is nine in the morning
        key = [*self._sheet_key(cells), day]
        above = hours.groupby(key, dropna=False).cummax().groupby(key, dropna=False).shift()
        pm = bare & hours.notna() & above.notna() & (hours < above) & (hours + 12 >= above)
        if pm.any():
            half = pd.Timedelta(hours=12)
            t = t.where(~pm, t + half)
            t_end = t_end.where(~pm, t_end + half)
            example = cells.loc[pm, field].astype("str").iloc[0]
            self.notes.append(
                f"read {_plural(int(pm.sum()), 'time')} written without am/pm as afternoon "
                f"(e.g. {example!r}): they come after a later hour of the same day; write "
                "13:00 or 1pm to be explicit")
        return t, t_end

    def _note_dayfirst(self, info: dict):
        if info.get("dayfirst") is not None and self.files is not None:
            raise FilesDiffer("day/month order is settled file by file")
        if info.get("dayfirst") is not None:
            self.dayfirst_info = info
            self.notes.append(f"dates read as {'day/month' if info['dayfirst'] else 'month/day'}: "
                              + info["dayfirst_how"])


def _locations(file, sheet: pd.Series, place: pd.Series) -> pd.Series:
    """``file:sheet:row`` (or ``file:row`` where there is no sheet) for every row, built in Arrow.

    *file* is one name, or a (categorical) Series with each row's file.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(file, pd.Series):
        cat = pd.Categorical(file)
        file = pc.cast(pa.DictionaryArray.from_arrays(pa.array(cat.codes.astype("int32")),
                                                      pa.array(cat.categories.astype(str).tolist(),
                                                               type=pa.string())), pa.string())
    if pd.api.types.is_integer_dtype(place.dtype):
        tail = pa.array(place.to_numpy()).cast(pa.string())
    else:
        tail = pa.array(place.astype("str").to_numpy(dtype=object), type=pa.string())
    if sheet.isna().all():
        joined = pc.binary_join_element_wise(file, tail, ":")
    else:
        sheets = pa.array(sheet.astype(object).where(sheet.notna(), None).to_numpy(dtype=object),
                          type=pa.string())
        with_sheet = pc.binary_join_element_wise(file, sheets, tail, ":")
        joined = pc.if_else(pc.is_null(sheets), pc.binary_join_element_wise(file, tail, ":"), with_sheet)
    return pd.Series(pd.array(joined, dtype="str"), index=sheet.index)


def _repeats_header(body: pd.DataFrame, head: list) -> np.ndarray:
    """Rows that repeat the header (copied with each week's block, say)."""
    keys = np.array([headers.header_key(h) for h in head], dtype=object)
    named = keys != ""
    if not named.any() or body.empty:
        return np.zeros(len(body), dtype=bool)
    cells = _cells_at_once(body)
    if cells is not None:  # a worksheet's cells, or a wide sheet's: all of them at once
        norm = _per_cell(cells, lambda u: _cell_key(u).where(u.notna(), ""), missing="")
        hits = ((norm == keys[None, :]) & named[None, :]).sum(axis=1)
        return hits >= 2
    hits = np.zeros(len(body), dtype=int)
    for j, key in enumerate(keys):
        if key:
            hits += _same_key(body.iloc[:, j], key)
    return hits >= 2


def _same_key(col: pd.Series, key: str) -> np.ndarray:
    hit = values.distinct(col, lambda u: (_cell_key(u) == key).fillna(False).astype(bool), missing=False)
    return hit.to_numpy(dtype=int)


def _cell_key(u: pd.Series) -> pd.Series:
    """Distinct cells as header keys: lower case, letters and digits only ("Mood (0-10)" -> "mood010")."""
    return u.astype("str").str.lower().str.replace(r"[^0-9a-z]+", "", regex=True)


def _second_header_row(head: list, below: list, columns) -> list | None:
    """The header of a sheet whose header spans two rows, or None.

    A group label merged over several columns ("Ratings" over D1:E1) with the fields
    named in the row below ("Mastery", "Pleasure"): the row below counts when every cell
    in it is blank or names a field, and at least one of those stands under a blank cell
    or a cell that names no field. Each column then takes the name below it, if any.
    """
    names = {}
    for j, c in enumerate(below):  # a loop over the header's cells
        if c is None or (isinstance(c, float) and np.isnan(c)) or (isinstance(c, str) and not c.strip()):
            continue
        field = headers.field_for(c, columns) if isinstance(c, str) else None
        if field is None:
            return None
        names[j] = c
    under_label = [j for j in names if j >= len(head) or not isinstance(head[j], str) or not head[j].strip()
                   or headers.field_for(head[j], columns) is None]
    if not names or not under_label:
        return None
    return [names.get(j, head[j] if j < len(head) else None) for j in range(max(len(head), len(below)))]


def _all_objects(frame: pd.DataFrame) -> bool:
    return bool(frame.shape[1]) and all(dt == np.dtype(object) for dt in frame.dtypes)


#: A sheet this wide (and no bigger than _WIDE_CELLS cells) has its cells tested all at once.
_WIDE, _WIDE_CELLS = 20, 2_000_000


def _cells_at_once(frame: pd.DataFrame) -> pd.DataFrame | None:
    """*frame* as object cells when its cells are best tested all at once (a worksheet, or a
    wide sheet of few rows), else None (each column is tested on its own distinct cells)."""
    if _all_objects(frame):
        return frame
    if frame.shape[1] >= _WIDE and frame.size <= _WIDE_CELLS:
        return frame.astype(object)
    return None


def _per_cell(frame: pd.DataFrame, func, missing) -> np.ndarray:
    """*func* on the distinct cells of a whole frame of object cells, as a 2-D array of its shape."""
    flat = pd.Series(frame.to_numpy(dtype=object).ravel(), dtype=object)
    return values.distinct(flat, func, missing=missing).to_numpy().reshape(frame.shape)


def _blank_frame(frame: pd.DataFrame) -> pd.DataFrame:
    cells = _cells_at_once(frame) if len(frame) else None
    if cells is not None:
        got = _per_cell(cells, values.blank, missing=True)
        return pd.DataFrame(got.astype(bool), index=frame.index, columns=frame.columns)
    return pd.DataFrame({c: values.blank(frame[c]) for c in frame.columns}, index=frame.index)


def _extras(frame: pd.DataFrame) -> pd.DataFrame:
    """The extra columns as :func:`_extra` types them; a wide sheet's cells parsed all at once."""
    cells = _cells_at_once(frame) if frame.shape[1] >= _WIDE else None
    if cells is None:
        return pd.DataFrame({c: _extra(frame[c]) for c in frame.columns}, index=frame.index)
    flat = pd.Series(cells.to_numpy(dtype=object).ravel(), dtype=object)
    shape = cells.shape
    empty = values.blank(flat)
    blank = empty.to_numpy().reshape(shape)
    special = values.is_type(flat, (bool, np.bool_, dt.date, pd.Timestamp)).to_numpy().reshape(shape).any(axis=0)
    nums = values.numeric(flat.where(~empty)).to_numpy().reshape(shape)
    numeric = ((~np.isnan(nums)) | blank).all(axis=0) & (~np.isnan(nums)).any(axis=0)
    text = values.parse_text(flat).to_numpy(dtype=object).reshape(shape)
    out = {}
    for j, c in enumerate(frame.columns):  # a loop over columns, each already parsed
        if special[j]:
            out[c] = _extra(frame[c])
        elif numeric[j]:
            out[c] = pd.Series(nums[:, j], index=frame.index, dtype="float64")
        else:
            out[c] = pd.Series(text[:, j], index=frame.index, dtype="str")
    return pd.DataFrame(out, index=frame.index)


@values.per_value
def _extra(col: pd.Series) -> pd.Series:
    """An extra column as the source typed it: true/false cells, dates, numbers, else text."""
    blank = values.blank(col)
    for types, dtype in (((bool, np.bool_), "boolean"), ((dt.date, pd.Timestamp), "datetime64[ns]")):
        is_type = values.is_type(col, types) if col.dtype == object else pd.Series(
            pd.api.types.is_bool_dtype(col.dtype) if dtype == "boolean"
            else pd.api.types.is_datetime64_any_dtype(col.dtype), index=col.index)
        if is_type.any() and (is_type | blank).all():
            if dtype == "boolean":
                return col.where(~blank).astype("boolean")
            return values.parse_date(col)[0]
    nums = values.numeric(col.where(~blank))
    if (nums.notna() | blank).all() and nums.notna().any():
        return nums.astype("float64")
    return values.parse_text(col)


def _fmt_scale(scale) -> str:
    lo, hi = scale
    return f"{_n(lo)} to {_n(hi)}" if lo < 0 else f"{_n(lo)}-{_n(hi)}"


def _n(x) -> str:
    x = float(x)
    return str(int(x)) if x.is_integer() and abs(x) < 1e15 else f"{x:g}"


# --------------------------------------------------------------------------- writing

# text a spreadsheet would run as a formula, also behind apostrophes: "'=x" must come back as
# "'=x", so it is written "''=x" and exactly one apostrophe is taken off on reading
_FORMULA = re.compile(r"^'*[=+\-@\t\r]")
_DEFUSED = re.compile(r"^'(?='*[=+\-@\t\r])")
_ILLEGAL_XLSX = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"


def _defuse(s: pd.Series) -> pd.Series:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe.

    Text that already starts with apostrophes before such a character gets one
    more, so that :func:`read_log` (which removes exactly one) gives it back as it was.
    """
    risky = s.str.match(_FORMULA).fillna(False).astype(bool)
    return s.where(~risky, "'" + s)


def write_log(log: pd.DataFrame, path) -> Path:
    """Write a tidy log to CSV, XLSX or Parquet (by the file's suffix); return the path.

    ``read_log(write_log(log, path))`` gives back the same frame. Text that a
    spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``,
    ``@``) is written with a leading apostrophe, which :func:`read_log`
    removes again. The source file a log came from is never touched: a *path*
    that is that file (also through a symlink or a hard link; the log knows it
    from ``attrs["paths"]``) raises :class:`~bactivate.outputs.OutputError`
    before anything is written, and the file is written whole or not at all
    (to a temporary file beside it, then moved into place).

    >>> write_log(log, "alex-tidy.csv")     # doctest: +SKIP
    """

    path = Path(path)
    missing = [c for c in TIDY_COLUMNS if c not in log.columns]
    if missing:
        raise ValueError(f"not a tidy log: missing columns {missing}; load it with read_log()")
    suffix = path.suffix.lower()
    if suffix not in {".parquet", ".pq", ".csv", ".txt", ".xlsx", ".xlsm"}:
        raise ValueError(f"write_log writes .csv, .xlsx or .parquet, not {suffix!r}")
    sources = log.attrs.get("paths") or []
    check_output(path, "the log", inputs=sources, source="the file the log was read from",
                 example=f"log{suffix}",
                 instead=f"{Path(sources[0]).stem}-tidy{suffix}" if sources else None)
    out = conform(log)
    out.attrs = {}
    if suffix in {".parquet", ".pq"}:
        with replacing(path, "the log") as tmp:
            out.to_parquet(tmp, index=False)
        return path
    text_cols = [c for c in out.columns if pd.api.types.is_string_dtype(out[c].dtype)]
    # a lone carriage return is a line break (read_log reads it as one); pandas would not
    # quote it in a CSV, which would split the row
    out = out.assign(**{c: _defuse(out[c].str.replace(r"\r\n?", "\n", regex=True))
                        for c in text_cols})
    if suffix in {".csv", ".txt"}:
        times = [c for c in out.columns if pd.api.types.is_datetime64_any_dtype(out[c].dtype)]
        fine = any((out[c].dt.microsecond.fillna(0) != 0).any() for c in times)  # NaT is not fine
        with replacing(path, "the log") as tmp:
            out.to_csv(tmp, index=False,
                       date_format="%Y-%m-%d %H:%M:%S.%f" if fine else "%Y-%m-%d %H:%M:%S")
    elif suffix in {".xlsx", ".xlsm"}:
        for c in text_cols:  # Excel cannot store control characters; say so instead of crashing
            bad = out[c].str.contains(_ILLEGAL_XLSX, regex=True).fillna(False).astype(bool)
            if bad.any():
                raise ValueError(
                    f"column {c!r} holds control characters that Excel cannot store "
                    f"(first in row {int(np.flatnonzero(bad.to_numpy())[0]) + 2} of the sheet); "
                    "remove them, or write the log as .csv or .parquet")
        with replacing(path, "the log") as tmp:
            out.to_excel(tmp, index=False, engine="openpyxl", sheet_name="log")
    return path
