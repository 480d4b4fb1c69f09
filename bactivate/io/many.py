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

from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from bactivate._names import clean_name
from bactivate.errors import LogError
from bactivate.io import detect, headers
from bactivate.io.files import Sheet, file_kind, read_csv_fast
from bactivate.io.read import FilesDiffer, _LongReader

_BOM = b"\xef\xbb\xbf"


def read_many(paths, label: str, *, progress: bool = False, format="auto", columns=None, scales=None,
              mood_map=None, dayfirst=None, **other) -> tuple[pd.DataFrame, list[dict]] | None:
    """``(log, file_rows)`` for CSV files that share their header line, else None.

    *log* is the tidy log of every file (``attrs``: ``rejected`` with a ``file``
    column, ``scales``, ``notes``); *file_rows* one dict per file as
    :func:`bactivate.cohort.read_cohort` lists them in ``attrs["files"]``.
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
    if headers.find_header(cells.iloc[:50], columns) != 0:
        return None
    sheet = Sheet(label, None, cells)
    if format == "auto" and detect.detect([Sheet(label, None, cells.iloc[:50])], label)[0] != "long":
        return None

    reader = _LongReader(label, columns=columns, client=None, scales=scales or {}, mood_map=mood_map,
                         dayfirst=dayfirst, format=format, stem=stems[0])
    reader.files = [p.name for p in paths]
    reader.stems = stems
    reader.typed = False
    # record r of the whole (r >= 1) is line row_of[r - 1] of file file_of[r - 1]
    file_of = np.repeat(np.arange(len(paths)), lines)
    starts = np.concatenate([[0], np.cumsum(lines)[:-1]])
    row_of = np.arange(int(lines.sum())) - np.repeat(starts, lines) + 2
    try:
        part = reader._sheet(sheet)
        if part is None:
            return None
        pos = part.index.to_numpy() - 1
        part["_row"] = row_of[pos]
        part["_file"] = file_of[pos]
        log = reader.finish([part])
    except (FilesDiffer, LogError):
        return None
    files_of_rows = log.pop("_file").to_numpy()
    clients = pd.DataFrame({"client": log["client"].to_numpy(), "file": files_of_rows}).drop_duplicates()
    if clients["client"].duplicated().any():
        return None  # a client in two files: read_cohort says so, or pools them when asked
    # notes about one file (names written in more than one way), as read_log would give that file
    log.attrs["file_notes"] = reader.file_notes
    return log, _file_rows(log, reader.files, files_of_rows, clients)


def _file_rows(log: pd.DataFrame, names: list[str], files_of_rows: np.ndarray, clients: pd.DataFrame):
    """One dict per file: its clients and how many of its rows were kept or set aside."""
    n = len(names)
    kept = np.bincount(files_of_rows, minlength=n)
    rej = log.attrs["rejected"].drop_duplicates("source")
    code = pd.Categorical(rej["file"], categories=names).codes
    problem = (rej["kind"] == "problem").to_numpy()
    set_aside = np.bincount(code[problem], minlength=n)
    not_log = np.bincount(code[~problem], minlength=n)
    by_file = clients.groupby("file", sort=True)["client"].agg(list)
    out = []
    for k, name in enumerate(names):  # a loop over files, to list them
        cl = [str(c) for c in by_file.get(k, [])]
        out.append({"file": name, "clients": ", ".join(cl), "n_clients": len(cl),
                    "rows_read": int(kept[k] + set_aside[k] + not_log[k]), "kept": int(kept[k]),
                    "set_aside": int(set_aside[k]), "not_log_rows": int(not_log[k])})
    return out
