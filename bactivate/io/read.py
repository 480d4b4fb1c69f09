"""Reading activity logs into the tidy log: :func:`read_log` runs the loader's stages.

:func:`read_log` turns the long table most clinicians keep (one row per entry,
in CSV, XLSX, ODS or Parquet; one sheet or one sheet per week), an app export
or a paper form into the tidy log of ``shared/DESIGN.md``. Every data row ends
up either in the frame or in ``df.attrs["rejected"]`` with its file, sheet,
row, column, value and the reason, so that nothing is lost and the user can
find and fix each cell. The stages: :func:`bactivate.io.files.read_sheets`,
:func:`bactivate.io.detect.detect`, :func:`bactivate.io.long.read_long` or
:func:`bactivate.io.formats.read`, :func:`bactivate.io.tidy.tidy_log`, and
:func:`bactivate.io.problems.report_problems` for the one warning.

>>> import bactivate as ba
>>> log = ba.read_log("data/sample/client-alex.xlsx", errors="ignore")
>>> log.attrs["rejected"][["sheet", "row", "column", "kind"]].head(2)
    sheet  row       column          kind
0  Week 4   42          NaN  not an entry
1  Week 5   21  Mood (0-10)          cell
"""

from __future__ import annotations

import dataclasses
from os import PathLike
from pathlib import Path

import pandas as pd

from bactivate.errors import LogError
from bactivate.io import detect, formats, long, names, tidy, values_map
from bactivate.io.context import ReadOptions
from bactivate.io.files import frame_sheet, read_sheets

# names other modules import from here (io.accounting, io.cohort, bactivate, io/__init__)
from bactivate.io.problems import NOT_A_LOG_ROW, PROBLEM, report_problems, summarise_rejected
from bactivate.io.write import write_log
from bactivate.schema import AttrsFrame

__all__ = ["LARGE_FILE", "NOT_A_LOG_ROW", "PROBLEM", "read_log", "report_problems", "summarise_rejected",
           "write_log"]


def read_log(path, *, format="auto", client=None, sheet=None, columns=None, scales=None,
             mood_map=None, dayfirst=None, errors="warn", week_start=None, activity_map=None,
             values=None, na_values=None) -> pd.DataFrame:
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
        Rating scales the data cannot tell, e.g. ``{"mood": (1, 5)}``. A reversed
        item (higher = worse on the source, e.g. "I feel down" 0-10) is given high
        end first, ``{"mood": (10, 0)}`` or ``(7, 1)``: it is mapped so that 10 =
        best, kept as given in ``attrs["scales"]`` and said in the notes.
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
    activity_map : dict, str or PathLike, optional
        Synonyms the client wrote differently, merged into one activity:
        ``{"walk the dog": "Walk dog"}``, or the path of a CSV file of two
        columns (``written,activity``) or a TOML file of ``"written" =
        "activity"`` lines. Written names are matched without regard to case,
        spacing, Unicode form or trailing punctuation; each merge is counted in
        ``attrs["notes"]``, and a name the log does not hold is noted, not an
        error. (Names that differ only in those ways are one activity without
        a map.)
    values : DataFrame, dict, str or PathLike, optional
        The client's values map: which value (life area) each activity serves,
        as the clinician filled it in with the client. A frame or the path of a
        CSV, XLSX or TOML file with the columns activity, value and optionally
        importance (0-10; headers matched loosely: "Activity", "Life area",
        "Importance (0-10)"; a row with a value and no activity is a value with no
        activity yet), or a dict ``{"Walk in the park": "Health"}``
        (:func:`bactivate.io.values_map.values_map`; ``docs/values.md``).
        Activities are matched as with *activity_map* (after it is applied); the
        map sets the ``category`` of the activities it names, over the log's own
        life-area column, and activities it does not name keep the log's own
        (the note in ``attrs["notes"]`` counts both, and the map's activities
        this log does not hold). The file is only read.

    na_values : scalar or sequence, optional
        Missing-value codes the source writes for "no answer", e.g. ``-99`` or
        ``[-99, 999, "NA", "."]``: a cell holding one (as text or number: -99,
        "-99", -99.0) is blank, its row kept with everything else; each code
        found is counted in ``attrs["notes"]`` ("-99 read as missing in 312
        cells"). Applies to one-row-per-entry files (not the app exports).

    Returns
    -------
    DataFrame
        The tidy log. ``attrs["rejected"]`` lists the rows set aside, one row
        per problem; ``attrs["scales"]`` the scale each rating came on;
        ``attrs["notes"]`` what the loader did that the user should know;
        ``attrs["paths"]`` the file read, as a full path with links resolved.
        With *values*, ``attrs["values"]`` is the map as one row per value:
        ``value``, ``importance`` (NaN when not given) and ``activities`` (the
        value's activities joined by ``"; "``, as the log writes them; ``""`` for
        a value with no activity yet), the most important first. Without it,
        ``attrs["values"]`` is not set: the log's own ``category`` column is then
        the client's life areas.

    Raises
    ------
    ValueError
        For an unknown *errors* or *format*, or malformed *scales*, *columns* or *activity_map*;
        or a values map that cannot be read or is wrong (the message names its file and
        row, and what to fix).
    TypeError
        When *path* is neither a path nor a DataFrame.
    LogError
        When no log is found, a scale cannot be settled, or (``errors="raise"``)
        a row cannot be read.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as got:
    ...     warnings.simplefilter("always")
    ...     log = read_log("data/sample/client-alex.xlsx")
    >>> log.shape, log.attrs["format"], len(got)
    ((234, 15), 'long', 1)
    >>> log[["activity", "mastery", "pleasure", "mood"]].head(3)
               activity  mastery  pleasure  mood
    0  Shower and dress      5.0       3.0   2.0
    1         Pay bills      7.0       0.0   3.0
    2  Grocery shopping      4.0       3.0   3.0
    >>> log.attrs["rejected"][["sheet", "row", "column"]]
        sheet  row       column
    0  Week 4   42          NaN
    1  Week 5   21  Mood (0-10)
    2  Week 5   38  Mood (0-10)

    With the client's values map:

    >>> log = read_log("data/sample/client-alex.xlsx", values="data/sample/values-alex.csv",
    ...                errors="ignore")
    >>> log.attrs["values"][["value", "importance"]].head(3)
                              value  importance
    0                    Connection         9.0
    1                        Health         8.0
    2  Learning and a career I like         7.0
    """
    opts = ReadOptions.checked(layouts=formats.FORMATS, format=format, client=client, sheet=sheet,
                               columns=columns, scales=scales, mood_map=mood_map, dayfirst=dayfirst,
                               errors=errors, week_start=week_start, activity_map=activity_map,
                               values=values, na_values=na_values)
    if isinstance(path, pd.DataFrame):
        return _read([frame_sheet(path)], opts)
    if not isinstance(path, str | PathLike):
        raise TypeError(f"path must be a file path or a DataFrame, not {type(path).__name__}")
    file = Path(path).name
    opts = dataclasses.replace(opts, file=file, stem=Path(file).stem)
    with _Stages(path, file) as stages:
        sheets = read_sheets(path, sheet)
        stages.next("checking every cell")
        log = _read(sheets, opts)
    # the file read, in full (the source column names the file only): write_log never writes over it
    log.attrs["paths"] = [str(Path(path).resolve())]
    return log


#: Files larger than this (bytes) show their reading stages on a progress bar (on a terminal).
LARGE_FILE = 50 * 1024 * 1024
_PROGRESS_DISABLE = None  # tqdm's: None shows the bar on a terminal only


class _Stages:
    """A progress bar over the stages of reading a large file, so that it does not seem to hang."""

    def __init__(self, path, file: str):
        """Show the bar when the file at *path* is larger than LARGE_FILE."""
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
        """The next stage, *what*."""
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


def _map_activities(log: pd.DataFrame, mapping) -> None:
    """The client's synonyms merged (``activity_map=``), in place, each merge in the notes."""
    activities, notes = names.map_activities(log, mapping)
    if notes:
        log["activity"] = activities
        log.attrs["notes"] = [*log.attrs.get("notes", []), *notes]


def _apply_values(log: pd.DataFrame, opts: ReadOptions) -> None:
    """The values map (``values=``) applied, in place: each activity it names takes its value as its
    ``category``; the map as ``attrs["values"]``, and what it changed in the notes."""
    category, table, notes = values_map.apply_values(log, opts.values, opts.activity_map)
    log["category"] = category
    log.attrs["values"] = AttrsFrame(table)  # (a plain frame in attrs breaks pd.concat of logs)
    log.attrs["notes"] = [*log.attrs.get("notes", []), *notes]


def _read(sheets, opts: ReadOptions) -> pd.DataFrame:
    """The stages after opening the file: the layout, raw entries, the tidy log, notes, the one warning."""
    chosen, why = detect.detect(sheets, opts.file) if opts.format == "auto" else (opts.format, None)
    if chosen in formats.FORMATS:  # the app exports and paper forms read grids of cells
        entries = formats.read(chosen, [sh.grid() for sh in sheets], opts)
        log = tidy.tidy_log(entries, opts).log
        formats.finish(chosen, log, entries, opts)  # what only the layout knows (m-Path's prompts)
        log.attrs["format"] = chosen
        how = f"chosen automatically: {why}" if why else "as asked with format="
        log.attrs["notes"].insert(0, f"read as {formats.LABELS[chosen]} (format={chosen!r}, {how})")
    else:
        try:
            entries = long.read_long(sheets, opts)
        except LogError as exc:
            if opts.format == "auto" and str(exc).startswith("no log found"):
                raise LogError(f"{exc} (bactivate also looked for a Daylio or Bearable export, a weekly "
                               f"grid and a BATD-R form: pass format= if it is one. {detect.saw(sheets)})"
                               ) from None
            raise
        tidied = tidy.tidy_log(entries, opts)  # one file: never read "one by one", so a log
        log = tidied.log
        log.attrs["format"] = "tidy" if tidied.tidy_mode else "long"
    if opts.activity_map:
        _map_activities(log, opts.activity_map)
    if opts.values is not None:
        _apply_values(log, opts)
    # what the file itself hides (hidden sheets read, formulas with no saved result): in the notes,
    # and in the one warning below
    notices = list(dict.fromkeys(n for sh in sheets for n in getattr(sh, "notices", ())))
    if notices:
        log.attrs["notes"] = notices + [n for n in log.attrs.get("notes", []) if n not in notices]
    report_problems(log, opts.file, opts.errors, notices, stacklevel=4)  # warn at read_log's caller
    return log
