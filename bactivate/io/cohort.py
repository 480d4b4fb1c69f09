"""Reading a cohort: a folder (or list) of client logs, and its roster, into one tidy log.

:func:`read_cohort` reads each client's log with :func:`bactivate.read_log` (or,
for many files of one layout, :func:`bactivate.io.many.read_many` at once), keeps
the roster (arm, baseline measures; :mod:`bactivate.io.roster`) in
``attrs["roster"]``, and accounts for every file: read, skipped and why.

>>> import bactivate as ba
>>> cohort = ba.read_cohort("data/sample/cohort", roster="data/sample/cohort/roster.csv")
>>> cohort["client"].nunique()
40
"""

from __future__ import annotations

import re
import warnings
from os import PathLike
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from bactivate._names import merge_names, merge_notes
from bactivate._util import listed, natural_key, number, plural
from bactivate.errors import LogError, LogWarning
from bactivate.io.files import CSV_SUFFIXES, EXCEL_SUFFIXES, PARQUET_SUFFIXES, read_sheets
from bactivate.io.many import read_many
from bactivate.io.parquet import is_dataset, read_dataset
from bactivate.io.problems import (
    PROBLEM_KINDS,
    counts,
    file_rows,
    what_happened,
)
from bactivate.io.read import read_log, report_problems, summarise_rejected
from bactivate.io.roster import read_roster, roster_mismatch
from bactivate.io.scales import scale_text
from bactivate.schema import AttrsFrame, concat_logs, conform, empty_rejected

__all__ = ["read_cohort"]

#: File endings read_cohort reads from a folder (others, e.g. README.md, are skipped).
LOG_SUFFIXES = frozenset(CSV_SUFFIXES | EXCEL_SUFFIXES | PARQUET_SUFFIXES)
_PROGRESS_BAR_FROM = 20  # files


# =========================================================================== reading


def read_cohort(paths_or_folder, *, roster=None, errors: str = "warn", client_column: str | None = None,
                duplicate_clients: str = "raise", **read_log_kwargs) -> pd.DataFrame:
    """Read many clients' logs (and their roster) into one tidy log.

    Parameters
    ----------
    paths_or_folder : str, Path, DataFrame, or a list of them
        A folder of logs (one client per file: every ``.csv``, ``.tsv``,
        ``.txt``, ``.xlsx``, ``.xlsm``, ``.xls``, ``.xlsb``, ``.ods``,
        ``.parquet``, ``.pq`` in it, not its sub-folders; other files such as
        ``README.md`` are skipped), a Parquet dataset folder written by
        ``write_log(log, folder, partition_by="client")`` (read back as written:
        its scales and roster too), a list of log files, or one long file (or
        frame) holding every client with a client column. Each file is read
        with :func:`bactivate.read_log`: the client comes from the log's
        client column or "Client: ..." title if it has one, else from the file
        name (``C001.csv`` -> ``"C001"``). Client ids, activities and
        categories are read in one written form (Unicode NFC, spaces
        collapsed, zero-width characters dropped; see ``docs/data-format.md``),
        and names that then differ only in case are one activity (category)
        across the files; each merge is in the notes.
    roster : str, Path or DataFrame, optional
        One row per client: a client id column (``client``, ``participant``,
        ``id``, ...), the arm or group, and any baseline columns. CSV, XLSX,
        ODS or Parquet. Kept as ``attrs["roster"]`` (ids as text) and joined by
        :func:`bactivate.client_summary`. Clients with a log but no roster
        row, and roster rows with no log, are listed in ``attrs["notes"]`` and
        in the warning; nobody is dropped. A roster file inside the folder is
        not read as a log.
    errors : {"warn", "raise", "ignore"}, default "warn"
        Rows that cannot be read are set aside (``attrs["rejected"]``, with a
        ``file`` column) and summarised in *one* :class:`~bactivate.LogWarning`
        for the whole cohort; ``"raise"`` raises one
        :class:`~bactivate.LogError` listing every problem in every file;
        ``"ignore"`` stays quiet (``attrs["notes"]`` still says everything).
        A file in a folder that cannot be opened at all (empty, binary junk,
        damaged, password-protected, not a regular file) is left out and
        listed (notes, warning, ``attrs["skipped"]``) so that the other
        clients load; with ``"raise"`` it is a :class:`~bactivate.LogError`
        naming it.
    client_column : str, optional
        The header of the client id column in a long file (and in the roster)
        when bactivate does not recognise it, e.g. ``"Study ID"``.
    duplicate_clients : {"raise", "combine"}, default "raise"
        Two files that hold the same client are an error (usually a copied or
        misnamed file). Pass ``"combine"`` when a client's log is deliberately
        split over files (e.g. one file per month): the rows are pooled and
        that client's entry ids renumbered in time order.
    **read_log_kwargs
        Passed to :func:`bactivate.read_log` for every file: ``columns=``,
        ``scales=``, ``mood_map=``, ``dayfirst=``, ``sheet=``, ``format=``,
        ``na_values=`` (not ``client=``: each file's client comes from the file).
        A rating's scale is decided from all the files together (:func:`one_scale`):
        a file whose values alone suggested another scale, or none, is read on the
        widest scale the files show; files whose values do not fit it are an error.

    Returns
    -------
    DataFrame
        The tidy log of every client: ``client`` (str), ``entry`` (int64,
        numbered per client), ``start``, ``end`` (datetime64[ns]),
        ``activity``, ``category`` (str), ``mastery``, ``pleasure``, ``mood``,
        ``effort`` (float64, 0-10), ``planned``, ``done``, ``avoidance``
        (boolean), ``note``, ``source`` (str), then any extra columns.
        ``attrs``, in this order:

        * ``rejected``: every file's set-aside rows, one table (``source``,
          ``file``, ``sheet``, ``row``, ``column``, ``value``, ``reason``,
          ``kind``);
        * ``files``: one row per file read: ``file``, ``clients`` (its client
          ids, comma-separated), ``n_clients``, ``rows_read``, ``kept``,
          ``with_blanked_cells`` (rows kept with cells left blank),
          ``set_aside`` (rows set aside whole), ``not_log_rows``;
        * ``roster``: the roster (an :class:`~bactivate.schema.AttrsFrame`,
          ``client`` first), or ``None``;
        * ``scales``: column -> the scale read (a list of scales when the
          files differ);
        * ``notes``: what was read, merged, skipped or does not match, each
          once;
        * ``file``: a label: the folder's name and "/", the file name, "N
          files" or "<DataFrame>";
        * ``skipped``: one row per member of a folder not read: ``file``,
          ``kind`` (``unreadable``, ``no log``, ``sub-folder``, ``not a
          log``) and ``reason``;
        * ``paths``: every file read (the roster too) as a full path, so that
          :func:`bactivate.write_log` never writes over one.

    Raises
    ------
    LogError
        When no file holds a log, a file cannot be read (see *errors*), the
        files' ratings do not fit one scale per column (the message lists the
        files and what to pass with ``scales=``), two
        files hold one client (see *duplicate_clients*), or the roster cannot
        be read or has no client id column.

    Examples
    --------
    >>> cohort = read_cohort("data/sample/cohort", roster="data/sample/cohort/roster.csv")
    >>> cohort["client"].nunique(), cohort.attrs["roster"].shape
    (40, (40, 6))
    >>> cohort.attrs["files"].iloc[0].to_dict()  # doctest: +NORMALIZE_WHITESPACE
    {'file': 'C001.csv', 'clients': 'C001', 'n_clients': 1, 'rows_read': 217, 'kept': 217,
     'with_blanked_cells': 0, 'set_aside': 0, 'not_log_rows': 0}
    >>> list(cohort.attrs)
    ['rejected', 'files', 'roster', 'scales', 'notes', 'file', 'skipped', 'paths']
    """
    if isinstance(paths_or_folder, str | PathLike) and is_dataset(paths_or_folder):
        return read_dataset(paths_or_folder)  # written by write_log(..., partition_by="client")
    return _read_files(paths_or_folder, roster, errors, client_column, duplicate_clients, read_log_kwargs)


def _read_files(paths_or_folder, roster, errors: str, client_column, duplicate_clients: str,
                read_log_kwargs: dict) -> pd.DataFrame:
    """:func:`read_cohort` of files, a folder of files or frames (not a Parquet dataset)."""
    read_log_kwargs = _arguments(errors, duplicate_clients, client_column, read_log_kwargs)
    roster_path = Path(roster).resolve() if isinstance(roster, str | PathLike) else None
    sources, label, notes, left = _sources(paths_or_folder, roster_path)
    # the roster first: a roster that cannot be read fails before the logs are read
    roster_notes: list[str] = []
    roster_frame = read_roster(roster, client_column, roster_notes) if roster is not None else None
    unreadable = _left_of_kind(left, "unreadable")
    if unreadable and errors == "raise":
        raise LogError(f"{label}: {plural(len(unreadable), 'file')} could not be read: "
                       + "; ".join(why for _, why in unreadable)
                       + ". Move or fix them, or read with errors='warn' to read the other files")
    # files of one CSV layout are read as one table (the same result, far faster); else one by one
    bar = len(sources) > _PROGRESS_BAR_FROM
    fast = read_many(sources, label, progress=bar, **read_log_kwargs) if len(sources) > 1 else None
    parts: list[pd.DataFrame] = []
    if fast is None:
        read = _one_by_one(sources, read_log_kwargs, from_folder=label.endswith("/"), errors=errors, bar=bar)
        parts, file_rows, more_left = one_scale(read, read_log_kwargs, notes)
        left.extend(more_left)
    skipped = [f"{f} ({why})" for f, why in _left_of_kind(left, "no log")]
    unreadable = _left_of_kind(left, "unreadable")
    notes.extend(_left_notes(skipped, unreadable))
    if not parts and fast is None:
        found = [*(f"skipped: {s}" for s in skipped), *(why for _, why in unreadable)]
        raise LogError(f"no activity log found in {label}" + (f" ({'; '.join(found)})" if found else ""))
    if fast is not None:
        cohort, file_rows = fast
        rejected, scales = cohort.attrs["rejected"], cohort.attrs["scales"]
        file_notes = _table_notes(cohort.attrs, len(file_rows))
    else:
        cohort = _combine(parts, file_rows, duplicate_clients, notes)
        rejected = _concat_rejected([p.attrs.get("rejected") for p in parts])
        scales = _cohort_scales([p.attrs.get("scales", {}) for p in parts], notes)
        file_notes = _file_notes(parts)
    if len(file_rows) > 1:  # each file's names are one already; now one name across the files
        notes.extend(_across_files(cohort))
    mismatch = roster_mismatch(cohort, roster_frame) if roster_frame is not None else []
    notes.extend([*roster_notes, *mismatch, *file_notes])
    cohort.attrs = {
        "rejected": rejected,
        "files": AttrsFrame(pd.DataFrame(file_rows)),
        "roster": roster_frame,
        "scales": scales,
        "notes": list(dict.fromkeys(notes)),
        "file": label,
        "skipped": AttrsFrame(pd.DataFrame(left, columns=["file", "kind", "reason"]).astype("str")),
        # every file read, as a full path: write_log refuses to write over any of them
        "paths": [str(Path(s).resolve()) for s in sources if not isinstance(s, pd.DataFrame)]
        + ([str(roster_path)] if roster_path is not None else []),
    }
    prompts = [p.attrs["prompts"] for p in parts if "prompts" in p.attrs]
    if prompts:  # experience-sampling exports (m-Path): prompts sent and answered, for compliance
        cohort.attrs["prompts"] = AttrsFrame(pd.concat(prompts, ignore_index=True))
    _report(cohort, label, errors, roster_notes + mismatch, skipped, unreadable)
    return cohort


def _arguments(errors, duplicate_clients, client_column, read_log_kwargs: dict) -> dict:
    """The options checked; read_log's keyword arguments, with *client_column* in ``columns=``."""
    if errors not in ("warn", "raise", "ignore"):
        raise ValueError(f"errors must be 'warn', 'raise' or 'ignore', not {errors!r}")
    if duplicate_clients not in ("raise", "combine"):
        raise ValueError(f"duplicate_clients must be 'raise' or 'combine', not {duplicate_clients!r}")
    if "client" in read_log_kwargs:
        raise TypeError("read_cohort takes no client=: each file's client comes from its client column, "
                        "title or file name; for one client's file use bactivate.read_log(path, client=...)")
    if client_column is not None:
        cols = dict(read_log_kwargs.pop("columns", None) or {})
        cols[client_column] = "client"
        read_log_kwargs["columns"] = cols
    return read_log_kwargs


def _left_of_kind(left: list[dict], kind: str) -> list[tuple[str, str]]:
    """``(file, reason)`` of the folder members left out as *kind*, in folder order."""
    return [(s["file"], s["reason"]) for s in left if s["kind"] == kind]


def _left_notes(skipped: list[str], unreadable: list[tuple[str, str]]) -> list[str]:
    """The notes on folder members that hold no log (*skipped*) or could not be opened."""
    notes = []
    if skipped:
        notes.append(f"skipped {plural(len(skipped), 'file')} in the folder that "
                     f"{'holds' if len(skipped) == 1 else 'hold'} no activity log: " + "; ".join(skipped))
    if unreadable:
        notes.append(f"could not read {plural(len(unreadable), 'file')} in the folder (left out; the "
                     "other files were read): " + "; ".join(why for _, why in unreadable))
    return notes


class OneByOne(NamedTuple):
    """The files read one by one: the logs, one row per log (:func:`_file_row`), the members of a
    folder left out (``file``, ``kind``: "no log" or "unreadable", ``reason``), the source of each
    log, and the files whose rating scale could not be told alone (``(source, LogError)``)."""

    parts: list
    file_rows: list
    left: list
    sources: list
    untold: list
    order: list  # every source, in the order read


def _one_by_one(sources, read_log_kwargs: dict, *, from_folder: bool, errors: str, bar: bool) -> OneByOne:
    """Each source read with read_log (:class:`OneByOne`); a file whose scale cannot be told alone
    waits for the scale the other files settle (:func:`one_scale`)."""
    iterator = sources
    if bar:
        from tqdm import tqdm  # plain text bar; quiet when stderr is not a terminal

        iterator = tqdm(sources, desc="reading logs", unit="file", disable=None)
    got = OneByOne([], [], [], [], [], list(sources))
    several = len(sources) > 1
    for src in iterator:
        name = "<DataFrame>" if isinstance(src, pd.DataFrame) else Path(src).name
        try:
            log = read_log(src, errors="ignore", **read_log_kwargs)
        except (LogError, OSError) as exc:
            if several and isinstance(exc, LogError) and _UNTOLD.search(str(exc)):
                got.untold.append((src, exc))
                continue
            member = _left_out(exc, src, name, read_log_kwargs.get("sheet"), from_folder, errors)
            if member is None:
                raise
            got.left.append(member)
            continue
        got.parts.append(log)
        got.sources.append(src)
        got.file_rows.append(_file_row(name, log))
    return got


# =========================================================================== one scale per column

#: A file whose scale the data cannot tell alone: "cannot tell the scale of 'mood'".
_UNTOLD = re.compile(r"cannot tell the scale of '([a-z ]+)'")
#: How a scale read from the values alone is described (bactivate.io.scales.settle_scale): only such
#: a scale gives way to the cohort's; one declared, in the header or in x/10 cells is the file's own.
_FROM_VALUES = ("so 0-10", "so 0-100", "is out of range", "0-10 assumed")
#: The rating columns whose scale is settled together within a file.
_GROUPS = (("mastery", "pleasure"), ("mood",), ("effort",))


def _scale_note(log: pd.DataFrame, field: str) -> str:
    """How *field*'s scale was settled in one file, from its notes ("" when not said)."""
    return next((n for n in log.attrs.get("notes", []) if n.startswith(f"{field}: read on a ")), "")


def _raw_range(log: pd.DataFrame, field: str, scale) -> tuple[float, float] | None:
    """The lowest and highest value *field* holds on the source, kept or set aside as off its scale."""
    lo, hi = (float(x) for x in scale)
    vals = list(lo + log[field].dropna().to_numpy(dtype=float) * (hi - lo) / 10) if field in log else []
    rej = log.attrs.get("rejected")
    if rej is not None and len(rej):
        off = rej["reason"].astype("str").str.contains(f"pass scales={{'{field}'", regex=False)
        vals += pd.to_numeric(rej.loc[off, "value"], errors="coerce").dropna().tolist()
    return (min(vals), max(vals)) if vals else None


def _off_scale(log: pd.DataFrame, field: str) -> tuple[float, float] | None:
    """The lowest and highest value of *field* a file holds on the source, when some are off its
    scale (set aside as such); else None."""
    rej = log.attrs.get("rejected")
    if rej is None or not len(rej):
        return None
    off = rej["reason"].astype("str").str.contains(f"pass scales={{'{field}'", regex=False)
    if not off.any():
        return None
    scale = log.attrs["scales"][field]
    kept = min(scale) + log[field].dropna().to_numpy(dtype=float) * abs(scale[1] - scale[0]) / 10
    vals = [*kept.tolist(), *pd.to_numeric(rej.loc[off, "value"], errors="coerce").dropna().tolist()]
    return min(vals), max(vals)


def _name(src) -> str:
    return "<DataFrame>" if isinstance(src, pd.DataFrame) else Path(src).name


def _cohort_scale(read: OneByOne, group: tuple, declared: dict):
    """The one scale of *group* across the files: ``(scale, files read on another scale from their
    values alone, files that contradict it)``; None when the files leave nothing to decide."""
    own, fixed = {}, {}
    for k, log in enumerate(read.parts):  # a loop over files
        field = next((f for f in group if f in log.attrs.get("scales", {})), None)
        if field is None or any(f in declared for f in group):
            continue
        scale = tuple(float(x) for x in log.attrs["scales"][field])
        (own if any(w in _scale_note(log, field) for w in _FROM_VALUES) else fixed)[k] = scale
    untold = [src for src, exc in read.untold if _UNTOLD.search(str(exc)).group(1).split(" and ")[0] in group]
    # the scales the files show: read from their values, or named in their headers
    seen = set(own.values()) | {sc for k, sc in fixed.items()
                                if "named in the header" in _scale_note(read.parts[k], group[0])
                                or "named in the header" in _scale_note(read.parts[k], group[-1])}
    if not seen or (len(seen) == 1 and not untold):
        return None
    scale = max(seen, key=lambda sc: (sc[1] - sc[0], sc[1]))
    redo, against = [], []
    for k, sc in own.items():  # a loop over files
        if sc == scale:
            continue
        span = _raw_range(read.parts[k], next(f for f in group if f in read.parts[k]), sc)
        if span is not None and (span[0] < min(scale) or span[1] > max(scale)):
            against.append((read.sources[k], span))
        else:
            redo.append(read.sources[k])
    return scale, redo + untold, against


def one_scale(read: OneByOne, read_log_kwargs: dict, notes: list[str]):
    """Each rating column on one scale across the files read one by one, decided from them all.

    A scale a file's values alone suggested gives way to the cohort's: the widest scale the files
    show (a 0-100 slider read as 0-10 in a file whose values stay under 10 is 0-100 like the
    others), and a file whose scale its values could not tell takes it too; those files are read
    again with it declared. Scales declared with ``scales=``, named in a header or written in the
    cells stay each file's own.

    Parameters
    ----------
    read : OneByOne
        The files read one by one.
    read_log_kwargs : dict
        What each file was read with.
    notes : list of str
        Appended to: the scale chosen for each column, and the files read again.

    Returns
    -------
    tuple
        ``(parts, file_rows, left)`` as :func:`_one_by_one` gives them, with the files read again.

    Raises
    ------
    LogError
        When a file's values do not fit the cohort's scale (listing each such file, its values and
        what to pass with ``scales=``), or when no file settles the scale that others cannot tell.
    """
    declared = dict(read_log_kwargs.get("scales") or {})
    chosen, redo = _decide(read, declared, notes)
    still = [(src, exc) for src, exc in read.untold if id(src) not in redo]
    if still:
        src, exc = still[0]
        raise LogError(f"{_name(src)}: {exc}" if _name(src) not in str(exc) else str(exc))
    if not redo:
        return read.parts, read.file_rows, read.left
    fresh = _read_again(redo, chosen, {**read_log_kwargs, "scales": {**declared, **chosen}})
    parts, rows = [], []
    order = [src for src in read.order if id(src) in fresh or any(src is s for s in read.sources)]
    old = dict(zip(map(id, read.sources), zip(read.parts, read.file_rows, strict=True), strict=True))
    for src in order:  # a loop over files, in the order read
        if id(src) in fresh:
            parts.append(fresh[id(src)])
            rows.append(_file_row(_name(src), fresh[id(src)]))
        else:
            parts.append(old[id(src)][0])
            rows.append(old[id(src)][1])
    return parts, rows, read.left


def _off_message(lines: list[str]) -> LogError:
    """The LogError for files whose ratings do not fit the cohort's scale, one line each."""
    return LogError("the files' ratings do not fit one scale per column (scales read from the values):\n"
                    + "\n".join(lines)
                    + "\nIf the files use different scales, read them apart, or declare each "
                    "column's scale, e.g. read_cohort(..., scales={'mood': (0, 100)}); cells off "
                    "the declared scale are then left blank and listed")


def _decide(read: OneByOne, declared: dict, notes: list[str]) -> tuple[dict, dict]:
    """Each rating's scale for the cohort (field -> scale), and the files to read again on it
    (``id(source)`` -> source); a note per column. Raises when files contradict the scale."""
    chosen: dict[str, tuple] = {}
    redo: dict[int, object] = {}
    problems = []
    for group in _GROUPS:  # a loop over the rating columns
        got = _cohort_scale(read, group, declared)
        if got is None:
            continue
        scale, again, against = got
        problems += [f"  {_name(src)}: {group[0]} from {number(lo)} to {number(hi)}, off {scale_text(scale)}"
                     for src, (lo, hi) in against]
        if against:
            continue
        chosen.update(dict.fromkeys(group, scale))
        redo.update({id(src): src for src in again})
        if again:
            notes.append(f"{' and '.join(group)}: one scale for the cohort, {scale_text(scale)} (the widest "
                         f"the files' values show); read again on it: {listed([_name(s) for s in again], 8)} "
                         "(alone, their values suggested another scale or none); declare it with "
                         f"scales={{{group[0]!r}: (low, high)}} to choose")
    if problems:
        raise _off_message(problems)
    return chosen, redo


def _read_again(redo: dict, chosen: dict, kwargs: dict) -> dict:
    """The files *redo* read again on the cohort's scales (``id(source)`` -> log); raises when their
    values fall off them."""
    fresh = {id(src): read_log(src, errors="ignore", **kwargs) for src in redo.values()}
    off = [(src, f, lo, hi) for src in redo.values() for f in dict.fromkeys(chosen)
           if (span := _off_scale(fresh[id(src)], f)) is not None for lo, hi in [span]]
    if off:
        raise _off_message([f"  {_name(src)}: {f} from {number(lo)} to {number(hi)}, off "
                            f"{scale_text(chosen[f])}" for src, f, lo, hi in off])
    for log in fresh.values():  # a loop over files: the scale was the cohort's, not the user's
        log.attrs["notes"] = [n.replace("(declared with scales=)", "(the cohort's scale, from all the files)")
                              if n.split(":")[0] in chosen else n for n in log.attrs.get("notes", [])]
    return fresh


def _left_out(exc: LogError | OSError, src, name: str, sheet, from_folder: bool, errors: str) -> dict | None:
    """The folder member that *exc* leaves out (a file with no log, or one that cannot be opened:
    it costs that file, not the cohort, unless errors="raise"); else raise a LogError naming the
    file, or return None to raise *exc* as it is."""
    why = _not_a_log(exc) if isinstance(exc, LogError) else None
    if from_folder and why:
        return {"file": name, "kind": "no log", "reason": why}
    text = str(exc) if isinstance(exc, LogError) else f"{name} could not be opened ({exc.strerror or exc})"
    text = text if name in text else f"{name}: {text}"
    if from_folder and errors != "raise" and _unreadable(src, sheet):
        return {"file": name, "kind": "unreadable", "reason": text}
    if isinstance(exc, OSError) or text != str(exc):
        raise LogError(text, problems=getattr(exc, "problems", None)) from None
    return None


def _table_notes(attrs: dict, n_files: int) -> list[str]:
    """The notes of a folder read as one table (:func:`bactivate.io.many.read_many`): its own
    notes hold for every file; each file's notes with the files they concern in front."""
    return [f"every file: {n}" for n in attrs["notes"]] + _grouped_notes(
        [(n, f) for f, ns in attrs.get("file_notes", {}).items() for n in ns], n_files)


def _across_files(cohort: pd.DataFrame) -> list[str]:
    """Activity and category names that differ only in case (or form) across files made one,
    in place; a note for each merge."""
    notes = []
    for field in ("activity", "category"):
        names, merged = merge_names(cohort[field])
        if merged:
            cohort[field] = names
            notes.extend(f"across files: {field}: {n}" for n in merge_notes(merged, field))
    return notes


def _sources(paths_or_folder, roster_path):
    """The logs to read, a label for messages (a folder's ends with '/'), notes, and the members
    of a folder that are not read (one dict each: ``file``, ``kind``, ``reason``)."""
    if isinstance(paths_or_folder, pd.DataFrame):
        return [paths_or_folder], "<DataFrame>", [], []
    if isinstance(paths_or_folder, str | PathLike):
        path = Path(paths_or_folder)
        if not path.exists():
            raise FileNotFoundError(f"no such file or folder: {path}")
        if path.is_file():
            return [path], path.name, [], []
        files, notes, left = _folder_members(path, roster_path)
        return files, f"{path.name}/", notes, left
    items = _listed_sources(paths_or_folder)
    return items, plural(len(items), "file"), [], []


def _folder_members(path: Path, roster_path) -> tuple[list[Path], list[str], list[dict]]:
    """A folder's log files in natural order, notes on the rest, and one dict per member not read
    (``file``, ``kind``, ``reason``); hidden files, Office lock files and the roster are passed over."""
    files, other, folders, left = [], [], [], []
    for f in sorted(path.iterdir(), key=lambda p: natural_key(p.name)):
        if f.name.startswith((".", "~$")):
            continue
        if roster_path is not None and f.resolve() == roster_path:
            continue
        if f.is_dir():
            folders.append(f.name)
            left.append({"file": f.name + "/", "kind": "sub-folder",
                         "reason": "a sub-folder: read_cohort reads the files of the folder itself"})
        elif not f.is_file():  # a pipe, socket or device, or a link to nothing: never opened
            what = "a link to a file that does not exist" if not f.exists() else "not a regular file"
            if f.suffix.lower() in LOG_SUFFIXES:
                left.append({"file": f.name, "kind": "unreadable",
                             "reason": f"{f.name} is {what} (a pipe, socket or device?): save the log "
                                       "as an ordinary file"})
            else:
                other.append(f)
        else:
            (files if f.suffix.lower() in LOG_SUFFIXES else other).append(f)
    looked_for = ", ".join(sorted(LOG_SUFFIXES))
    notes = []
    if other:
        notes.append("skipped files that are not logs: " + ", ".join(f.name for f in other))
        left.extend({"file": f.name, "kind": "not a log",
                     "reason": f"not a log file type (looked for {looked_for})"} for f in other)
    if folders:
        notes.append("skipped sub-folders (only the folder's own files are read): "
                     + ", ".join(f"{d}/" for d in folders))
    if not files and not any(s["kind"] == "unreadable" for s in left):
        raise LogError(f"no log files in the folder {path} (looked for {looked_for})")
    return files, notes, left


def _listed_sources(paths_or_folder) -> list:
    """The items of a list of log files (paths or frames), checked."""
    try:
        items = list(paths_or_folder)
    except TypeError:
        raise TypeError("read_cohort takes a folder, a file, a DataFrame, or a list of files, not "
                        f"{type(paths_or_folder).__name__}") from None
    if not items:
        raise ValueError("read_cohort got an empty list of files")
    for it in items:
        if not isinstance(it, str | PathLike | pd.DataFrame):
            raise TypeError(f"read_cohort: {it!r} is not a file path or a DataFrame")
        if not isinstance(it, pd.DataFrame) and Path(it).is_dir():
            raise LogError(f"{it} is a folder; pass the folder itself, not inside a list")
    return items


def _unreadable(src, sheet) -> bool:
    """True when *src* cannot be opened as a file of cells at all (junk, damaged, encrypted,
    not a regular file), as against a log bactivate cannot read as it is (which is reported)."""
    if isinstance(src, pd.DataFrame):
        return False
    try:
        read_sheets(Path(src), sheet)
    except (LogError, OSError):
        return True
    return False


def _not_a_log(exc: LogError) -> str | None:
    """Why a file in a folder holds no log (so that it is skipped), or None for a real problem."""
    text = str(exc)
    if "no log found" in text:
        return "no activity log in it; if it is the roster, pass it as roster="
    if "header row but no entries" in text:
        return "a header but no entries"
    if "is empty" in text or "holds no text" in text:
        return "empty file"
    return None


def _file_notes(parts) -> list[str]:
    """Each file's own notes, once per distinct note, with the files it concerns in front."""
    return _grouped_notes([(n, str(p.attrs.get("file", ""))) for p in parts for n in p.attrs.get("notes", [])],
                          len(parts))


def _grouped_notes(pairs, n_files: int) -> list[str]:
    """``(note, file)`` pairs as one note each, with the files it concerns in front."""
    seen: dict[str, list[str]] = {}
    for n, f in pairs:
        seen.setdefault(n, []).append(f)
    out = []
    for n, files in seen.items():
        where = "every file" if len(files) == n_files > 1 else listed(files, 5)
        out.append(f"{where}: {n}")
    return out


def _file_row(name: str, log: pd.DataFrame) -> dict:
    """One row of ``attrs["files"]``: the file's clients and rows read, kept and set aside."""
    rej = log.attrs.get("rejected")
    rej = rej if rej is not None else pd.DataFrame({"source": [], "kind": []})
    clients = [str(c) for c in log["client"].dropna().unique()]
    return file_rows([name], np.zeros(len(log), dtype="int64"), rej, np.zeros(len(rej), dtype="int64"),
                     [clients])[0]


def _combine(parts, file_rows, duplicate_clients, notes) -> pd.DataFrame:
    """The logs as one (a client in two files raises, or is pooled with its entries renumbered)."""
    owners: dict[str, list[int]] = {}
    for i, p in enumerate(parts):
        for c in p["client"].dropna().unique():
            owners.setdefault(str(c), []).append(i)
    dup = {c: idx for c, idx in owners.items() if len(idx) > 1}
    if dup and duplicate_clients == "raise":
        lines = [f"  {c!r}: {', '.join(file_rows[i]['file'] for i in idx)}" for c, idx in
                 list(dup.items())[:20]]
        raise LogError(
            f"{plural(len(dup), 'client')} appear{'s' if len(dup) == 1 else ''} in more than one file:\n"
            + "\n".join(lines)
            + "\nEach client's log should be in one file (a copied or misnamed file?). If a client's "
            "log is split over files on purpose, pass duplicate_clients='combine'."
        )
    if len(parts) == 1:  # one long file: its log as it is (no copy)
        cohort = pd.DataFrame(parts[0])
        cohort.attrs = {}
        return conform(cohort)
    frames = []
    for i, p in enumerate(parts):
        q = p.copy()
        q.attrs = {}
        q["_file"] = i
        frames.append(q)
    cohort = concat_logs(frames, ignore_index=True, sort=False)  # names stay category
    if "time_unknown" in cohort.columns:  # a file without the column knew every time
        cohort["time_unknown"] = cohort["time_unknown"].astype("boolean").fillna(False)
    if dup:
        notes.append("pooled clients whose log is split over files (entry ids renumbered in time "
                     "order): " + ", ".join(f"{c} ({', '.join(file_rows[i]['file'] for i in idx)})"
                                            for c, idx in dup.items()))
        split = cohort["client"].isin(list(dup))
        sub = cohort.loc[split, ["client", "_file", "entry", "start"]]
        first = sub.groupby(["client", "_file", "entry"], sort=False)["start"].transform("min")
        keys = sub.assign(_first=first).drop_duplicates(["client", "_file", "entry"])
        keys = keys.sort_values(["client", "_first", "_file", "entry"], kind="stable", na_position="last")
        keys["_new"] = keys.groupby("client", sort=False).cumcount().astype("int64") + 1
        new = sub.merge(keys[["client", "_file", "entry", "_new"]], on=["client", "_file", "entry"],
                        how="left")["_new"].to_numpy()
        cohort.loc[split, "entry"] = new
        # a pooled client's rows in entry order, each client where it first appeared
        order = np.lexsort((np.arange(len(cohort)), cohort["entry"].to_numpy(),
                            pd.factorize(cohort["client"])[0]))
        cohort = cohort.iloc[order]
    cohort = cohort.drop(columns="_file")
    return conform(cohort.reset_index(drop=True))


def _concat_rejected(tables) -> AttrsFrame:
    """The files' rejected-rows tables as one."""
    tables = [t for t in tables if t is not None]
    if not tables:
        return empty_rejected()
    nonempty = [pd.DataFrame(t) for t in tables if len(t)]
    if not nonempty:
        return AttrsFrame(pd.DataFrame(tables[0]).iloc[:0])
    out = pd.concat(nonempty, ignore_index=True, sort=False)
    out["row"] = out["row"].astype("int64")
    return AttrsFrame(out)


def _cohort_scales(per_file: list[dict], notes: list[str]) -> dict:
    """Each column's scale, or the list of scales when the files differ (with a note)."""
    out: dict = {}
    for col in dict.fromkeys(k for d in per_file for k in d):
        seen = list(dict.fromkeys(tuple(d[col]) for d in per_file if col in d))
        out[col] = seen[0] if len(seen) == 1 else seen
        if len(seen) > 1:
            notes.append(f"{col}: the files use different scales ({', '.join(map(str, seen))}); "
                         "each was mapped onto 0-10")
    return out


def _report(cohort, label, errors, mismatch, skipped, unreadable=()) -> None:
    """One LogWarning (or LogError) for the whole cohort."""
    if errors == "ignore":
        return
    rej = cohort.attrs["rejected"]
    problems = rej[rej["kind"].isin(PROBLEM_KINDS)] if "kind" in rej.columns else rej
    if errors == "raise" and len(problems):
        report_problems(cohort, label, "raise")
    parts = []
    if len(problems):
        files = cohort.attrs["files"]
        bad_files = problems["file"].nunique() if "file" in problems.columns else "?"
        parts.append(f"kept {len(cohort)} of {int(files['rows_read'].sum())} rows from "
                     f"{plural(len(files), 'file')}; {what_happened(counts(rej))} "
                     f"in {plural(bad_files, 'file') if isinstance(bad_files, int) else bad_files}: "
                     f"{summarise_rejected(problems)} (see cohort.attrs['rejected'] for each cell, "
                     "and its 'file' column)")
    parts.extend(mismatch)
    if skipped:
        parts.append(f"skipped {plural(len(skipped), 'file')} with no log: {'; '.join(skipped)}")
    if unreadable:
        parts.append(f"could not read {plural(len(unreadable), 'file')} (left out, see "
                     f"cohort.attrs['skipped']): {'; '.join(why for _, why in unreadable)}")
    if parts:
        warnings.warn(f"{label}: " + "; ".join(parts) + ".", LogWarning, stacklevel=3)
