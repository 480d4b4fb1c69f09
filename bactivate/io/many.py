"""Many CSV logs of one layout read as one table: the fast path of :func:`bactivate.read_cohort`.

A trial's folder holds hundreds of client files that share one header line. Reading
them one by one costs a few hundred small pandas operations per file; here their
rows are put together under the one header, read in one go, and checked once, with
each row keeping its own file and line number. The result is the same as reading
each file with :func:`bactivate.read_log` and putting the logs together (a test
checks this): each file's rating scales are settled from its own cells, clients
without a client column are named after their file, and every set-aside row names
its file and line.

When the files do not fit (another header, a workbook, a quoted line break, scales
or date orders that differ between files, a client in two files), :func:`read_many`
returns ``None`` and the files are read one by one.
"""

from __future__ import annotations

import dataclasses
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from bactivate._names import clean_name
from bactivate.errors import LogError
from bactivate.io import detect, headers, long, tidy
from bactivate.io.context import ReadOptions, na_codes
from bactivate.io.files import Sheet, file_kind, read_csv_fast
from bactivate.io.problems import file_rows

_BOM = b"\xef\xbb\xbf"


def read_many(paths, label: str, *, progress: bool = False, format="auto", columns=None, scales=None,
              mood_map=None, dayfirst=None, na_values=None,
              **other) -> tuple[pd.DataFrame, list[dict]] | None:
    """``(log, file_rows)`` for CSV files that share their header line, else None.

    Parameters
    ----------
    paths : list of str or Path
        The files (two or more).
    label : str
        The name of the whole in messages (the folder's).
    progress : bool
        Show a progress bar over the files (on a terminal).
    format, columns, scales, mood_map, dayfirst, na_values
        As :func:`bactivate.read_log` takes them; any other keyword means None.

    Returns
    -------
    tuple or None
        *log* is the tidy log of every file (``attrs``: ``rejected`` with a
        ``file`` column, ``scales``, ``notes``, ``file``, ``file_notes``);
        *file_rows* one dict per file as :func:`bactivate.read_cohort` lists them
        in ``attrs["files"]``. None when the files must be read one by one:
        another header, a workbook, a quoted line break, scales or date orders
        that differ between files, a client in two files, or a file that cannot
        be read as it is (reading it alone then says why).

    Examples
    --------
    >>> from pathlib import Path
    >>> paths = sorted(Path("data/sample/cohort").glob("C00*.csv"))
    >>> log, rows = read_many(paths, "cohort", scales={"mood": (0, 10)})
    >>> log["client"].nunique(), rows[0]["file"], bool(rows[0]["kept"] == (log["client"] == "C001").sum())
    (9, 'C001.csv', True)
    """
    if other or format not in ("auto", "long", "tidy") or len(paths) < 2:
        return None
    if not all(isinstance(p, str | PathLike) for p in paths):
        return None
    paths = [Path(p) for p in paths]
    stems = [p.stem for p in paths]
    if len({clean_name(s) for s in stems}) < len(stems):  # two files, one client (say, Zoé in NFC and NFD)
        return None
    try:
        if not all(file_kind(p) == "csv" for p in paths):
            return None
    except (LogError, OSError):  # an empty, junk or unopenable file: read file by file, which says so
        return None
    joined = _joined(paths, progress)
    if joined is None:
        return None
    cells, lines = joined
    if not _one_long_layout(cells, label, format, columns):
        return None
    opts = ReadOptions(file=label, stem=stems[0], format=format, columns=columns, scales=scales or {},
                       mood_map=mood_map, dayfirst=dayfirst, na_values=na_codes(na_values))
    # the one place a LogError is caught: a file that cannot be read as it is gets read alone,
    # and read_log's message then names that file
    try:
        tidied = _tidied(Sheet(label, None, cells), lines, [p.name for p in paths], stems, opts)
    except LogError:
        return None
    if tidied is None or tidied.one_by_one:
        return None
    log = tidied.log
    files_of_rows = log.pop("_file").to_numpy()
    clients = pd.DataFrame({"client": log["client"].to_numpy(), "file": files_of_rows}).drop_duplicates()
    if clients["client"].duplicated().any():
        return None  # a client in two files: read_cohort says so, or pools them when asked
    # notes about one file (names written in more than one way), as read_log would give that file
    log.attrs["file_notes"] = tidied.file_notes
    return log, _file_rows(log, [p.name for p in paths], files_of_rows, clients)


def _one_long_layout(cells: pd.DataFrame, label: str, format, columns) -> bool:
    """The joined files are one long log with its header on the first line, and no ``ID`` column
    (a participant or a row id: told from each file's own rows, so they are read one by one)."""
    if headers.find_header(cells.iloc[:50], columns) != 0:
        return False
    if any(headers.header_key(c) in long.WEAK_CLIENT for c in cells.iloc[0] if isinstance(c, str)):
        return False
    return format != "auto" or detect.detect([Sheet(label, None, cells.iloc[:50])], label)[0] == "long"


def _joined(paths: list[Path], progress: bool) -> tuple[pd.DataFrame, np.ndarray] | None:
    """The files' rows under their one header line, read in one go, and each file's line count; else None."""
    # speed: benchmark row W3, docs/performance.md (one read of all the bytes, not one per file)
    head_line, blobs = None, []
    files = paths
    if progress:
        from tqdm import tqdm  # plain text bar; quiet when stderr is not a terminal

        files = tqdm(paths, desc="reading logs", unit="file", disable=None)
    for p in files:  # a loop over files: their bytes, each header line checked against the first
        try:
            data = p.read_bytes()
        except OSError:
            return None
        if data.startswith(_BOM):
            data = data[len(_BOM):]
        nl = data.find(b"\n")
        if nl < 0:
            return None
        if head_line is None:
            head_line = data[:nl + 1]
        elif data[:nl + 1] != head_line:
            return None
        body = data[nl + 1:]
        if not body or body.isspace():
            return None  # a header and no entries: said file by file
        blobs.append(body if body.endswith(b"\n") else body + b"\n")
    lines = np.array([b.count(b"\n") for b in blobs])
    cells = read_csv_fast(head_line + b"".join(blobs))
    if cells is None or len(cells) != lines.sum() + 1:
        return None
    return cells, lines


def _tidied(sheet: Sheet, lines: np.ndarray, files: list[str], stems: list[str],
            opts: ReadOptions) -> tidy.Tidied | None:
    """The joined sheet read as one log, each row knowing its file and line; None when it holds no entries."""
    part, ctx = long.sheet_entries(sheet, opts)
    if part is None:
        return None
    # record r of the whole (r >= 1) is line row_of[r - 1] of file file_of[r - 1]
    file_of = np.repeat(np.arange(len(files)), lines)
    starts = np.concatenate([[0], np.cumsum(lines)[:-1]])
    row_of = np.arange(int(lines.sum())) - np.repeat(starts, lines) + 2
    pos = part.index.to_numpy() - 1
    part["_row"] = row_of[pos]
    part["_file"] = file_of[pos]
    entries = long.finish([part], [ctx], opts, typed=False)
    entries = dataclasses.replace(entries, files=tuple(files), stems=tuple(stems))
    return tidy.tidy_log(entries, opts)


def _file_rows(log: pd.DataFrame, names: list[str], files_of_rows: np.ndarray, clients: pd.DataFrame):
    """One dict per file: its clients and how many of its rows were kept or set aside."""
    rej = log.attrs["rejected"]
    by_file = clients.groupby("file", sort=True)["client"].agg(list)
    return file_rows(names, files_of_rows, rej, pd.Categorical(rej["file"], categories=names).codes,
                     [[str(c) for c in by_file.get(k, [])] for k in range(len(names))])
