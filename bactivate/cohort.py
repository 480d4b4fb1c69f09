"""Cohorts: many clients' logs, a roster, one row per client, and arms compared.

:func:`read_cohort` reads a folder (or a list) of client logs, or one long file
with a client column, into one tidy log, with the roster (arm, baseline
measures) kept in ``attrs["roster"]``. :func:`client_summary` turns it into one
row per client -- the unit of analysis for between-client questions -- and
:func:`compare_groups` compares arms on any column of that summary.

>>> import bactivate as ba
>>> cohort = ba.read_cohort("data/sample/cohort", roster="data/sample/cohort/roster.csv")
>>> summary = ba.client_summary(cohort)
>>> len(summary), summary["arm"].value_counts().sort_index().to_dict()
(40, {'BA': 20, 'control': 20})
>>> ba.compare_groups(summary, "arm", "mood_change")[["group_a", "group_b", "n_a", "n_b"]]
  group_a  group_b  n_a  n_b
0      BA  control   20   20

Weeks are counted per client from the client's first logged day (week 1 = the
first 7 days), because a BA week starts when monitoring starts. See
``docs/cohorts.md`` for the unit-of-analysis rules.
"""

from __future__ import annotations

import re
import warnings
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from bactivate.common import (
    clean_names,
    day_numbers,
    days_to_datetime,
    flags,
    group_mean,
    grouped_slopes,
    merge_names,
    merge_notes,
    require,
)
from bactivate.errors import LogError, LogWarning
from bactivate.lazy import Lazy
from bactivate.schema import AttrsFrame, conform
from bactivate.sources import read_sheets

_st = Lazy("scipy.stats")  # imported on first use (see bactivate.lazy)

__all__ = ["client_summary", "compare_groups", "read_cohort"]

#: File endings read_cohort reads from a folder (others, e.g. README.md, are skipped).
LOG_SUFFIXES = frozenset({".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".xlsb", ".ods",
                          ".parquet", ".pq"})
#: Roster headers taken as the client id (lower case, letters and digits only).
_ROSTER_ID = ("client", "clientid", "clientname", "participant", "participantid", "pid", "subject",
              "subjectid", "patient", "patientid", "id", "recordid", "studyid")
_PROGRESS_BAR_FROM = 20  # files


# =========================================================================== reading


def read_cohort(paths_or_folder, *, roster=None, errors="warn", client_column=None,
                duplicate_clients="raise", **read_log_kwargs) -> pd.DataFrame:
    """Read many clients' logs (and their roster) into one tidy log.

    Parameters
    ----------
    paths_or_folder : str, Path, DataFrame, or a list of them
        A folder of logs (one client per file: every ``.csv``, ``.tsv``,
        ``.txt``, ``.xlsx``, ``.xls``, ``.ods``, ``.parquet`` in it, not its
        sub-folders; other files such as ``README.md`` are skipped), a list of
        log files, or one long file (or frame) holding every client with a
        client column. Each file is read with :func:`bactivate.read_log`: the
        client comes from the log's client column or "Client: ..." title if
        it has one, else from the file name (``C001.csv`` -> ``"C001"``).
        Client ids, activities and categories are read in one written form
        (Unicode NFC, spaces collapsed, zero-width characters dropped; see
        ``docs/data-format.md``), and names that then differ only in case are
        one activity (category) across the files; each merge is in the notes.
    roster : str, Path or DataFrame, optional
        One row per client: a client id column (``client``, ``participant``,
        ``id``, ...), the arm or group, and any baseline columns. CSV, XLSX,
        ODS or Parquet. Kept as ``attrs["roster"]`` (ids as text) and joined by
        :func:`client_summary`. Clients with a log but no roster row, and
        roster rows with no log, are listed in ``attrs["notes"]`` and in the
        warning; nobody is dropped.
    errors : {"warn", "raise", "ignore"}
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
    duplicate_clients : {"raise", "combine"}
        Two files that hold the same client are an error (usually a copied or
        misnamed file). Pass ``"combine"`` when a client's log is deliberately
        split over files (e.g. one file per month): the rows are pooled and
        that client's entry ids renumbered in time order.
    **read_log_kwargs
        Passed to :func:`bactivate.read_log` for every file: ``columns=``,
        ``scales=``, ``mood_map=``, ``dayfirst=``, ``sheet=``, ``format=``.

    Returns
    -------
    DataFrame
        The tidy log of every client (the tidy columns, then any extra
        columns). ``attrs``: ``rejected`` (every file's set-aside rows, one
        table), ``files`` (one row per file: clients, rows read, kept, set
        aside), ``roster`` (an :class:`~bactivate.schema.AttrsFrame`, or
        ``None``), ``scales``, ``notes``, ``file``, ``skipped`` (one row per
        member of a folder not read: ``file``, ``kind`` -- ``unreadable``,
        ``no log``, ``sub-folder``, ``not a log`` -- and ``reason``).

    Examples
    --------
    >>> cohort = read_cohort("data/sample/cohort", roster="data/sample/cohort/roster.csv")
    >>> cohort["client"].nunique(), cohort.attrs["roster"].shape
    (40, (40, 6))
    """
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
    roster_path = Path(roster).resolve() if isinstance(roster, str | PathLike) else None
    sources, label, notes, left = _sources(paths_or_folder, roster_path)
    from_folder = label.endswith("/")
    # the roster first: a roster that cannot be read fails before the logs are read
    roster_notes: list[str] = []
    roster_frame = _read_roster(roster, client_column, roster_notes) if roster is not None else None
    unreadable = [(s["file"], s["reason"]) for s in left if s["kind"] == "unreadable"]
    if unreadable and errors == "raise":
        raise LogError(f"{label}: {_plural(len(unreadable), 'file')} could not be read: "
                       + "; ".join(why for _, why in unreadable)
                       + ". Move or fix them, or read with errors='warn' to read the other files")

    from bactivate.io import read_log  # io is heavy; cohort is imported lazily anyway

    parts: list[pd.DataFrame] = []
    file_rows: list[dict] = []
    skipped: list[str] = []
    # files of one CSV layout are read as one table (the same result, far faster); else one by one
    from bactivate.folder import read_many

    bar = len(sources) > _PROGRESS_BAR_FROM
    fast = read_many(sources, label, progress=bar, **read_log_kwargs) if len(sources) > 1 else None
    iterator = sources if fast is None else ()
    if bar and fast is None:
        from tqdm import tqdm  # plain text bar; quiet when stderr is not a terminal

        iterator = tqdm(sources, desc="reading logs", unit="file", disable=None)
    for src in iterator:
        name = "<DataFrame>" if isinstance(src, pd.DataFrame) else Path(src).name
        try:
            log = read_log(src, errors="ignore", **read_log_kwargs)
        except (LogError, OSError) as exc:
            why = _not_a_log(exc) if isinstance(exc, LogError) else None
            if from_folder and why:
                skipped.append(f"{name} ({why})")
                left.append({"file": name, "kind": "no log", "reason": why})
                continue
            text = str(exc) if isinstance(exc, LogError) else f"{name} could not be opened ({exc.strerror or exc})"
            text = text if name in text else f"{name}: {text}"
            # a file that cannot be opened costs that file, not the cohort (unless errors="raise")
            if from_folder and errors != "raise" and _unreadable(src, read_log_kwargs.get("sheet")):
                unreadable.append((name, text))
                left.append({"file": name, "kind": "unreadable", "reason": text})
                continue
            if isinstance(exc, OSError) or text != str(exc):
                raise LogError(text, problems=getattr(exc, "problems", None)) from None
            raise
        parts.append(log)
        file_rows.append(_file_row(name, log))
    if skipped:
        notes.append(f"skipped {_plural(len(skipped), 'file')} in the folder that "
                     f"{'holds' if len(skipped) == 1 else 'hold'} no activity log: " + "; ".join(skipped))
    if unreadable:
        notes.append(f"could not read {_plural(len(unreadable), 'file')} in the folder (left out; the "
                     "other files were read): " + "; ".join(why for _, why in unreadable))
    if not parts and fast is None:
        found = [*(f"skipped: {s}" for s in skipped), *(why for _, why in unreadable)]
        raise LogError(f"no activity log found in {label}" + (f" ({'; '.join(found)})" if found else ""))

    if fast is not None:
        cohort, file_rows = fast
        rejected, scales = cohort.attrs["rejected"], cohort.attrs["scales"]
        file_notes = [f"every file: {n}" for n in cohort.attrs["notes"]] + _grouped_notes(
            [(n, f) for f, ns in cohort.attrs.get("file_notes", {}).items() for n in ns], len(file_rows))
    else:
        cohort = _combine(parts, file_rows, duplicate_clients, notes)
        rejected = _concat_rejected([p.attrs.get("rejected") for p in parts])
        scales = _scales([p.attrs.get("scales", {}) for p in parts], notes)
        file_notes = _file_notes(parts)
    if len(file_rows) > 1:  # each file's names are one already; now one name across the files
        for field in ("activity", "category"):
            names, merged = merge_names(cohort[field])
            if merged:
                cohort[field] = names
                notes.extend(f"across files: {field}: {n}" for n in merge_notes(merged, field))
    mismatch = _roster_mismatch(cohort, roster_frame) if roster_frame is not None else []
    notes.extend(roster_notes)
    notes.extend(mismatch)
    notes.extend(file_notes)
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
    _report(cohort, label, errors, roster_notes + mismatch, skipped, unreadable)
    return cohort


def _sources(paths_or_folder, roster_path):
    """The logs to read, a label for messages (a folder's ends with '/'), notes, and the members
    of a folder that are not read (one dict each: ``file``, ``kind``, ``reason``)."""
    notes: list[str] = []
    left: list[dict] = []
    if isinstance(paths_or_folder, pd.DataFrame):
        return [paths_or_folder], "<DataFrame>", notes, left
    if isinstance(paths_or_folder, str | PathLike):
        path = Path(paths_or_folder)
        if not path.exists():
            raise FileNotFoundError(f"no such file or folder: {path}")
        if path.is_file():
            return [path], path.name, notes, left
        files, other, folders = [], [], []
        for f in sorted(path.iterdir(), key=lambda p: _natural(p.name)):
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
        if other:
            notes.append("skipped files that are not logs: " + ", ".join(f.name for f in other))
            left.extend({"file": f.name, "kind": "not a log", "reason": "not a log file type (looked for "
                         + ", ".join(sorted(LOG_SUFFIXES)) + ")"} for f in other)
        if folders:
            notes.append("skipped sub-folders (only the folder's own files are read): "
                         + ", ".join(f"{d}/" for d in folders))
        if not files and not any(s["kind"] == "unreadable" for s in left):
            raise LogError(f"no log files in the folder {path} (looked for "
                           f"{', '.join(sorted(LOG_SUFFIXES))})")
        return files, f"{path.name}/", notes, left
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
    return items, _plural(len(items), "file"), notes, left


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
        where = "every file" if len(files) == n_files > 1 else _listed(files, 5)
        out.append(f"{where}: {n}")
    return out


def _file_row(name: str, log: pd.DataFrame) -> dict:
    rej = log.attrs.get("rejected")
    rows = rej.drop_duplicates("source") if rej is not None and len(rej) else None
    kind = rows["kind"] if rows is not None and "kind" in rows.columns else pd.Series(dtype="str")
    set_aside = int((kind == "problem").sum())
    not_log = int((kind != "problem").sum()) if rows is not None else 0
    clients = log["client"].dropna().unique().tolist()
    return {"file": name, "clients": ", ".join(map(str, clients)), "n_clients": len(clients),
            "rows_read": len(log) + set_aside + not_log, "kept": len(log),
            "set_aside": set_aside, "not_log_rows": not_log}


def _combine(parts, file_rows, duplicate_clients, notes) -> pd.DataFrame:
    owners: dict[str, list[int]] = {}
    for i, p in enumerate(parts):
        for c in p["client"].dropna().unique():
            owners.setdefault(str(c), []).append(i)
    dup = {c: idx for c, idx in owners.items() if len(idx) > 1}
    if dup and duplicate_clients == "raise":
        lines = [f"  {c!r}: {', '.join(file_rows[i]['file'] for i in idx)}" for c, idx in
                 list(dup.items())[:20]]
        raise LogError(
            f"{_plural(len(dup), 'client')} appear{'s' if len(dup) == 1 else ''} in more than one file:\n"
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
    cohort = pd.concat(frames, ignore_index=True, sort=False)
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
    tables = [t for t in tables if t is not None]
    if not tables:
        from bactivate.schema import empty_rejected

        return empty_rejected()
    nonempty = [pd.DataFrame(t) for t in tables if len(t)]
    if not nonempty:
        return AttrsFrame(pd.DataFrame(tables[0]).iloc[:0])
    out = pd.concat(nonempty, ignore_index=True, sort=False)
    out["row"] = out["row"].astype("int64")
    return AttrsFrame(out)


def _scales(per_file: list[dict], notes: list[str]) -> dict:
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
    problems = rej[rej["kind"] == "problem"] if "kind" in rej.columns else rej
    if errors == "raise" and len(problems):
        from bactivate.io import report_problems

        report_problems(cohort, label, "raise")
    parts = []
    if len(problems):
        from bactivate.io import summarise_rejected

        files = cohort.attrs["files"]
        n_bad = problems["source"].nunique()
        bad_files = problems["file"].nunique() if "file" in problems.columns else "?"
        parts.append(f"kept {len(cohort)} of {int(files['rows_read'].sum())} rows from "
                     f"{_plural(len(files), 'file')}; set aside {_plural(n_bad, 'row')} with problems "
                     f"in {_plural(bad_files, 'file') if isinstance(bad_files, int) else bad_files}: "
                     f"{summarise_rejected(problems)} (see cohort.attrs['rejected'] for each cell, "
                     "and its 'file' column)")
    parts.extend(mismatch)
    if skipped:
        parts.append(f"skipped {_plural(len(skipped), 'file')} with no log: {'; '.join(skipped)}")
    if unreadable:
        parts.append(f"could not read {_plural(len(unreadable), 'file')} (left out, see "
                     f"cohort.attrs['skipped']): {'; '.join(why for _, why in unreadable)}")
    if parts:
        warnings.warn(f"{label}: " + "; ".join(parts) + ".", LogWarning, stacklevel=3)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _natural(text: str):
    return [int(t) if t.isdigit() else t.lower() for t in re.split(r"(\d+)", str(text))]


def _listed(ids, limit: int = 10) -> str:
    ids = sorted(map(str, ids), key=_natural)
    return ", ".join(ids[:limit]) + (f", ... ({len(ids) - limit} more)" if len(ids) > limit else "")


# --------------------------------------------------------------------------- roster


def _id_text(s: pd.Series, strip: bool = True) -> pd.Series:
    """Client ids as text, in one written form (:func:`bactivate.common.clean_name`: Unicode
    NFC, spaces trimmed and collapsed, zero-width characters dropped), whole numbers without
    '.0'. With *strip*, blanks (and the text 'nan') are missing; without it (privacy.deidentify,
    which keeps every id it is given) only missing cells are."""
    if pd.api.types.is_float_dtype(s.dtype):
        whole = s.notna() & (s % 1 == 0)
        text = s.astype("str")
        text[whole] = s[whole].astype("int64").astype("str")
        return text.where(s.notna())
    text = s.astype("str").where(s.notna())
    out = clean_names(text)
    if not strip:
        return out.where(out.notna() | s.isna(), "")
    return out.where(out.notna() & (out.str.lower() != "nan"))


def _read_roster(roster, client_column=None, notes=None) -> AttrsFrame:
    """The roster as a frame with a text ``client`` column first; ids unique.

    A file is opened as logs are (:func:`bactivate.sources.read_sheets`), so that an empty,
    damaged, encrypted or binary file, or one whose rows do not fit its header, is a
    :class:`LogError` that names it and says what to fix. What was left out goes to *notes*
    when given, else into a warning.
    """
    if isinstance(roster, pd.DataFrame):
        r = roster.copy()
        r.attrs = {}
        name = "the roster"
    elif isinstance(roster, str | PathLike):
        path = Path(roster)
        name = path.name
        r = _roster_file(path, client_column)
    else:
        raise TypeError(f"roster must be a file path or a DataFrame, not {type(roster).__name__}")
    r.columns = [str(c).strip() for c in r.columns]
    idcol = _roster_id_column(r, client_column, name)
    ids = _id_text(r[idcol])
    r = r.drop(columns=idcol)
    r.insert(0, "client", ids.astype("str"))
    missing = r["client"].isna()
    if missing.any():
        msg = f"{name}: {_plural(int(missing.sum()), 'roster row')} without a client id left out"
        if notes is None:
            warnings.warn(msg, LogWarning, stacklevel=3)
        else:
            notes.append(msg)
        r = r[~missing]
    dup = r["client"][r["client"].duplicated()].unique()
    if len(dup):
        raise LogError(f"{name}: client ids appear more than once in the roster: {_listed(dup)}; "
                       "the roster needs one row per client (ids that differ only in spaces or "
                       "Unicode form are one id)")
    for c in r.columns[1:]:  # text columns as str dtype, like the tidy log
        if r[c].dtype == object:
            types = {type(v) for v in r[c].dropna()}
            if types <= {str}:
                r[c] = r[c].astype("str")
    return AttrsFrame(r.reset_index(drop=True))


_ROSTER_EXAMPLE = "a header row with a client column (e.g. client,arm) and one row per client"


def _roster_file(path: Path, client_column) -> pd.DataFrame:
    """A roster file's table: its header row (the first row naming a client id column) and the
    rows below it, every cell of a text file read as text (so that "007" keeps its zeros)."""
    name = path.name
    if not path.exists():
        raise FileNotFoundError(f"no such roster file: {path}")
    if path.is_dir():
        raise LogError(f"{name} is a folder, not a roster file: pass the roster file itself "
                       "(CSV, XLSX, ODS or Parquet) as roster=")
    if not path.is_file():
        raise LogError(f"the roster {name} is not a regular file (a pipe, socket or device?): save "
                       "the roster as a CSV, XLSX, ODS or Parquet file and pass that as roster=")
    try:
        sheets = read_sheets(path)
    except LogError as exc:  # the messages of the log opener, said of a roster
        text = str(exc)
        if "is empty" in text or "holds no text" in text:
            raise LogError(f"{name} is empty: the roster needs {_ROSTER_EXAMPLE}") from None
        text = text.replace("the log", "the roster").replace("one log file", "one roster file")
        raise LogError(f"the roster file {text}" if text.startswith(name) else f"the roster {name}: {text}"
                       ) from None
    first_cols = None
    for sh in sheets:  # the first sheet with a client id column (a workbook's first, usually)
        if sh.head is not None:  # a typed table (Parquet): its header, and typed columns below it
            body = pd.DataFrame({str(h).strip(): _typed(sh.cells[j]) for j, h in enumerate(sh.head)})
            return body.reset_index(drop=True)
        grid = sh.cells.astype(object).to_numpy()  # a roster is small: its cells one by one
        grid[_blank_cell(grid).astype(bool)] = None
        filled = np.flatnonzero((grid != None).any(axis=1))  # noqa: E711 (elementwise)
        head_at = None
        for i in filled[:20]:  # a title line or two above the header is fine
            cols = [str(v).strip() for v in grid[i] if v is not None]
            first_cols = first_cols or cols
            if _id_header(cols, client_column) is not None:
                head_at = i
                break
        if head_at is None:
            continue
        return _below_header(grid, sh.cells.index.to_numpy() + 1, head_at, name, text=sh.name is None,
                             client_column=client_column)
    if first_cols is None:
        raise LogError(f"{name} is empty: the roster needs {_ROSTER_EXAMPLE}")
    raise LogError(f"{name}: no client id column in the roster (its first row is {first_cols}); it needs "
                   f"{_ROSTER_EXAMPLE}, or pass client_column='your header'")


def _typed(s: pd.Series) -> pd.Series:
    """A typed column as it was (the opener codes text and yes/no columns into categories)."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        return pd.Series(np.asarray(s, dtype=object)).infer_objects()
    return s.reset_index(drop=True)


_blank_cell = np.frompyfunc(lambda v: v is None or v != v or (isinstance(v, str) and not v.strip()), 1, 1)


def _below_header(grid: np.ndarray, lines: np.ndarray, head_at: int, name: str, text: bool,
                  client_column) -> pd.DataFrame:
    """The rows under the header row *head_at* of *grid* (object cells, None blank), as a
    frame named by that row; *lines* are the rows' numbers in the file."""
    head = grid[head_at]
    body = grid[head_at + 1:]
    full = body != None  # noqa: E711 (elementwise)
    rows = full.any(axis=1)
    body, full, lines = body[rows], full[rows], lines[head_at + 1:][rows]
    if not len(body):
        raise LogError(f"{name} has a header row but no clients below it: the roster needs "
                       f"{_ROSTER_EXAMPLE}")
    named = head != None  # noqa: E711 (elementwise)
    width = int(np.flatnonzero(named).max()) + 1
    beyond = full[:, width:].any(axis=1)
    if text and beyond.any():  # a ragged text file: a row with more cells than the header
        at = lines[beyond].tolist()
        cells = int(np.flatnonzero(full[beyond][0]).max()) + 1
        which = (f"line {at[0]} has" if len(at) == 1 else
                 f"lines {', '.join(map(str, at[:10]))}{', ...' if len(at) > 10 else ''} have")
        raise LogError(
            f"{name}: {which} more cells than the header ({cells} in line {at[0]}, {width} in the "
            "header): a separator inside a name or note? Put such a cell in quotes, or give the extra "
            "column a header")
    keep = np.flatnonzero(named | full.any(axis=0))
    cols, seen = [], {}
    for j in keep:  # headers as pandas names them: blank -> "Unnamed: j", repeats -> "x.1"
        h = str(head[j]).strip() if named[j] else f"Unnamed: {j}"
        k = seen.get(h, 0)
        seen[h] = k + 1
        cols.append(h if k == 0 else f"{h}.{k}")
    idcol = _roster_id_column(pd.DataFrame(columns=cols), client_column, name)
    kind = "str" if text else object  # a text file's cells are text; a workbook's are typed
    return pd.DataFrame({c: (lambda s: s if c == idcol else _numeric_if_all(s))(pd.Series(body[:, j], dtype=kind))
                         for c, j in zip(cols, keep, strict=True)})


_ISO_DATE = r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"


def _numeric_if_all(s: pd.Series) -> pd.Series:
    """A column as numbers (or ISO dates) when every non-blank cell is one, else as it was."""
    if pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_datetime64_any_dtype(s.dtype):
        return s
    text = s.dropna().astype("str").str.strip()
    if len(text) and text.str.match(_ISO_DATE).all():
        return pd.to_datetime(s, format="ISO8601").astype("datetime64[ns]")
    nums = pd.to_numeric(s, errors="coerce")
    if nums.notna().sum() == s.notna().sum() and s.notna().any():
        if (nums.dropna() % 1 == 0).all() and not nums.isna().any():
            return nums.astype("int64")
        return nums.astype("float64")
    return s


def _id_header(cols: list[str], client_column) -> str | None:
    """The header among *cols* that holds the client id, or None."""
    if client_column is not None and client_column in cols:
        return client_column
    keys = {re.sub(r"[^0-9a-z]+", "", c.lower()): c for c in cols}
    for k in _ROSTER_ID:
        if k in keys:
            return keys[k]
    return None


def _roster_id_column(r: pd.DataFrame, client_column, name: str) -> str:
    cols = [str(c) for c in r.columns]
    found = _id_header(cols, client_column)
    if found is not None:
        return found
    raise LogError(f"{name}: no client id column in the roster (its columns are {cols}); name it "
                   "'client' or pass client_column='your header'")


def _roster_mismatch(cohort: pd.DataFrame, roster: pd.DataFrame) -> list[str]:
    logged = set(cohort["client"].dropna().unique())
    listed = set(roster["client"])
    out = []
    if logged - listed:
        n = len(logged - listed)
        out.append(f"{_plural(n, 'client')} with a log {'is' if n == 1 else 'are'} not in the roster "
                   f"(kept, with no arm): {_listed(logged - listed)}")
        # ids are codes: "c001" is not "C001"; but say so, as it is the likely slip
        folded = {str(c).casefold(): c for c in listed - logged}
        near = {c: folded[str(c).casefold()] for c in logged - listed if str(c).casefold() in folded}
        if near:
            out.append("ids that differ only in case (ids must match exactly, so these do not join; fix "
                       "the file name or the roster): "
                       + ", ".join(f"log {a!r} / roster {b!r}" for a, b in list(near.items())[:10]))
    if listed - logged:
        n = len(listed - logged)
        out.append(f"{_plural(n, 'client')} in the roster {'has' if n == 1 else 'have'} no log "
                   f"(kept in client_summary with 0 entries): {_listed(listed - logged)}")
    return out


def _roster_for(cohort: pd.DataFrame, roster) -> pd.DataFrame | None:
    """The roster to use: *roster* (path or frame) if given, else ``cohort.attrs["roster"]``."""
    if roster is None:
        r = cohort.attrs.get("roster")
        return None if r is None else pd.DataFrame(r)
    return pd.DataFrame(_read_roster(roster))


# =========================================================================== client-weeks


def client_weeks(log: pd.DataFrame, extra=()) -> pd.DataFrame:
    """One row per client and week, every week of each client's span (weeks with no entries too).

    Weeks count from each client's first logged day (week 1 = days 1-7).
    Columns: ``client``, ``week``, ``week_start`` (its first day), ``days``
    (days of the client's span in that week: 7, or fewer in the last week),
    ``days_logged``, ``entries``, ``activities`` (rows that happened with an
    activity name: skipped plans and mood-only rows left out), ``planned``,
    ``done`` (planned and carried out),
    ``completion`` (done / planned), ``mastery``, ``pleasure``, ``effort``
    (means over activities that happened), ``mood`` (mean over entries: one
    mood per entry), ``avoidance_share`` (of those activities), then
    the means of any numeric columns named in *extra*. Counts are as logged;
    :func:`client_summary` and ``bactivate.trajectory.weekly`` scale a short last week
    to 7 days.
    """
    require(log, ("client", "entry", "start", "mood", "planned", "done", "avoidance"), "client_weeks()")
    return _client_weeks(_Prepared(log), extra)


class _Prepared:
    """The dated rows of known clients, as the arrays every per-client aggregate needs.

    Computed once and shared by :func:`client_summary` and :func:`client_weeks`:
    client codes (``names`` in order of first appearance), day numbers, each
    client's first day, week numbers, the plan flags, and the first row of each
    entry (one mood per entry).
    """

    def __init__(self, log: pd.DataFrame):
        keep = (log["start"].notna() & log["client"].notna()).to_numpy()
        df = log if keep.all() else log[keep]
        self.df = df
        self.codes, names = pd.factorize(df["client"].astype("str"))
        self.names = np.asarray(names, dtype=object)
        self.n = len(self.names)
        self.day = day_numbers(df["start"])
        first = np.full(self.n, np.iinfo("int64").max)
        last = np.full(self.n, np.iinfo("int64").min)
        if len(df):
            first = pd.Series(self.day).groupby(self.codes).min().to_numpy()
            last = pd.Series(self.day).groupby(self.codes).max().to_numpy()
        self.first, self.last = first, last
        self.rel = self.day - first[self.codes] if len(df) else self.day  # days since the client's first
        self.week = self.rel // 7 + 1
        self.planned, self.done, self.happened = flags(df)
        # activities: rows that happened with an activity name (not skipped plans, not mood-only rows)
        self.named = self.happened & (df["activity"].notna().to_numpy(dtype=bool) if "activity" in df.columns
                                      else True)
        entry = df["entry"]
        if pd.api.types.is_integer_dtype(entry.dtype) and not entry.hasnans and len(df):
            e = entry.to_numpy(dtype="int64")
            e = e - e.min()
            self.first_row = ~pd.Series(self.codes * (int(e.max()) + 1) + e).duplicated().to_numpy()
        else:
            self.first_row = ~pd.DataFrame({"c": self.codes, "e": entry.to_numpy()}).duplicated().to_numpy()
        span = int((self.rel.max() + 1) if len(df) else 1)
        self.first_of_day = ~pd.Series(self.codes * span + self.rel).duplicated().to_numpy()
        self.order = np.argsort(_natural_codes(pd.Series(self.names, dtype="str")), kind="stable")


def _client_weeks(p: _Prepared, extra=()) -> pd.DataFrame:
    df = p.df
    n_days = p.last - p.first + 1
    n_weeks = (n_days - 1) // 7 + 1 if p.n else np.zeros(0, "int64")
    wmax = int(n_weeks.max()) if p.n else 1
    key = p.codes * wmax + (p.week - 1)
    size = p.n * wmax
    # every week of each client's span, clients in natural order
    reps = n_weeks[p.order]
    client_rep = np.repeat(p.order, reps)
    week = (np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps) + 1).astype("int64")
    gkey = client_rep * wmax + week - 1
    p.grid_codes = client_rep
    start = days_to_datetime(p.first[client_rep] + 7 * (week - 1), df["start"])
    days = np.minimum(7, n_days[client_rep] - 7 * (week - 1)).astype("int64")

    def count(mask):
        return np.bincount(key, weights=mask, minlength=size)[gkey].astype("int64")

    def mean(col, where=None):
        return group_mean(key, df[col].to_numpy(dtype="float64", na_value=np.nan), size, where)[gkey]

    planned = count(p.planned)
    done = count(p.done)
    avoid = df["avoidance"].fillna(False).to_numpy(dtype=bool)
    out = pd.DataFrame({
        "client": pd.array(p.names[client_rep], dtype="str"),
        "week": week, "week_start": start, "days": days,
        "days_logged": count(p.first_of_day),
        "entries": count(p.first_row),
        "activities": count(p.named),
        "planned": planned, "done": done,
    })
    with np.errstate(invalid="ignore", divide="ignore"):
        out["completion"] = np.where(planned > 0, done / np.where(planned > 0, planned, 1), np.nan)
    out["mastery"] = mean("mastery", p.happened)
    out["pleasure"] = mean("pleasure", p.happened)
    out["effort"] = mean("effort", p.happened)
    out["mood"] = mean("mood", p.first_row)
    out["avoidance_share"] = group_mean(key, avoid.astype("float64"), size, p.named)[gkey]
    for c in extra:
        if c in out.columns:
            continue
        if c not in df.columns:
            raise ValueError(f"the log has no column {c!r}")
        if not pd.api.types.is_numeric_dtype(df[c].dtype):
            raise ValueError(f"column {c!r} is not numeric, so it has no weekly mean")
        out[c] = mean(c)
    return out


def _natural_codes(s: pd.Series) -> np.ndarray:
    uniq = sorted(pd.unique(s), key=_natural)
    return pd.Categorical(s, categories=uniq).codes


def _grouped_slope(df: pd.DataFrame, by: str, x: str, y: str, ci: float) -> pd.DataFrame:
    """OLS slope of *y* on *x* within each group, with its t-interval (vectorised over groups).

    NaN where a group has fewer than 3 points or no spread in *x*.
    """
    codes, names = pd.factorize(df[by])
    fit = grouped_slopes(codes, df[x], df[y], len(names), ci)
    out = pd.DataFrame({k: fit[k] for k in ("slope", "ci_low", "ci_high", "n")}, index=names)
    out.index.name = by
    return out[out["n"] > 0]


# =========================================================================== one row per client

_SUMMARY_DOC = {
    "first_day": "first logged day",
    "last_day": "last logged day",
    "span_days": "days from the first to the last logged day, both counted",
    "weeks": "weeks spanned (week 1 = the client's first 7 days)",
    "days_logged": "days with at least one entry",
    "adherence": "days_logged / span_days",
    "entries": "logged entries (an entry can list several activities)",
    "activities": "activities that happened (rows with an activity name; planned-and-skipped rows left out)",
    "planned": "planned activities", "done": "planned activities carried out",
    "completion": "done / planned (NaN with no plans)",
    "mastery": "mean mastery of activities that happened (0-10)",
    "pleasure": "mean pleasure of activities that happened (0-10)",
    "mood": "mean mood over entries (0-10)",
    "avoidance_share": "share of those activities flagged as avoidance",
    "activation_slope": "change per week in planned activities carried out per week (OLS over the "
                        "client's weeks, a short last week scaled to 7 days), with its t-interval",
    "mood_slope": "change per week in the weekly mean mood (OLS over the client's weeks), with its "
                  "t-interval",
    "mood_first_week": "mean mood in week 1",
    "mood_last_weeks": "mean of the weekly mean moods of the last two weeks (weeks 2 and later)",
    "mood_change": "mood_last_weeks - mood_first_week",
}


def client_summary(cohort: pd.DataFrame, *, roster=None, ci: float = 0.95) -> pd.DataFrame:
    """One row per client: engagement, ratings, slopes and mood change, with the roster's columns.

    Parameters
    ----------
    cohort : DataFrame
        A tidy log of one or more clients (:func:`read_cohort`).
    roster : str, Path or DataFrame, optional
        The roster to join; by default ``cohort.attrs["roster"]``.
    ci : float
        Level of the slope intervals.

    Returns
    -------
    DataFrame
        ``client``, the roster's columns (arm, baseline measures), then
        ``first_day``, ``last_day``, ``span_days``, ``weeks``,
        ``days_logged``, ``adherence``, ``entries``, ``activities``,
        ``planned``, ``done``, ``completion``, ``mastery``, ``pleasure``,
        ``mood``, ``avoidance_share``, ``activation_slope`` (+
        ``_ci_low``/``_ci_high``), ``mood_slope`` (+ CI), ``mood_first_week``,
        ``mood_last_weeks``, ``mood_change``. ``attrs["columns"]`` defines
        each column; ``attrs["notes"]`` lists roster mismatches.

    Notes
    -----
    Weeks count from each client's first logged day. **Mood change** is the
    mean of the weekly mean moods of the last two weeks of the client's span
    minus the mean mood of week 1 (two weeks at the end smooth a single bad
    week; with a two-week log, only week 2; NaN with one week). Roster clients
    with no log get a row with 0 entries and missing measures; clients with
    a log but no roster row get missing roster columns -- nobody is dropped.

    Examples
    --------
    >>> import bactivate as ba
    >>> log, roster = ba.synth.cohort(n_clients=6, weeks=4, seed=1)
    >>> s = client_summary(log, roster=roster)
    >>> s[["client", "arm", "entries"]].shape
    (6, 3)
    """
    require(cohort, ("client", "entry", "start", "mastery", "pleasure", "mood", "planned", "done",
                     "avoidance"), "client_summary()")
    if not 0 < ci < 1:
        raise ValueError(f"ci must be between 0 and 1, not {ci!r}")
    r = _roster_for(cohort, roster)
    p = _Prepared(cohort)
    weeks = _client_weeks(p)
    n, codes, df = p.n, p.codes, p.df

    def count(mask):
        return np.bincount(codes, weights=mask, minlength=n).astype("int64")

    def mean(col, where):
        return group_mean(codes, df[col].to_numpy(dtype="float64", na_value=np.nan), n, where)

    span = (p.last - p.first + 1).astype("int64")
    days_logged = count(p.first_of_day)
    planned, done = count(p.planned), count(p.done)
    avoid = df["avoidance"].fillna(False).to_numpy(dtype=bool).astype("float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        out = pd.DataFrame({
            "first_day": days_to_datetime(p.first, df["start"]),
            "last_day": days_to_datetime(p.last, df["start"]),
            "span_days": span,
            "weeks": (span - 1) // 7 + 1,
            "days_logged": days_logged,
            "adherence": days_logged / span,
            "entries": count(p.first_row),
            "activities": count(p.named),
            "planned": planned,
            "done": done,
            "completion": np.where(planned > 0, done / np.where(planned > 0, planned, 1), np.nan),
            "mastery": mean("mastery", p.happened),
            "pleasure": mean("pleasure", p.happened),
            "mood": mean("mood", p.first_row),
            "avoidance_share": group_mean(codes, avoid, n, p.named),
        }, index=pd.Index(p.names, name="client"))

    # weeks are in natural client order; map them to the codes of p.names
    wcode = p.grid_codes
    wk = weeks["week"].to_numpy(dtype="float64")
    activation = weeks["done"].to_numpy(dtype="float64") * 7.0 / weeks["days"].to_numpy(dtype="float64")
    wmood = weeks["mood"].to_numpy(dtype="float64")
    for name, y in (("activation_slope", activation), ("mood_slope", wmood)):
        fit = grouped_slopes(wcode, wk, y, n, ci)
        out[name] = fit["slope"]
        out[f"{name}_ci_low"] = fit["ci_low"]
        out[f"{name}_ci_high"] = fit["ci_high"]
    last_week = ((span - 1) // 7 + 1)[wcode]
    first = np.full(n, np.nan)
    w1 = weeks["week"].to_numpy() == 1
    first[wcode[w1]] = wmood[w1]
    tail = (wk >= last_week - 1) & (wk >= 2)
    out["mood_first_week"] = first
    out["mood_last_weeks"] = group_mean(wcode, wmood, n, tail)
    out["mood_change"] = out["mood_last_weeks"] - out["mood_first_week"]
    out = out.reset_index()

    notes = []
    if r is not None:
        notes = _roster_mismatch(cohort, r)
        clash = [c for c in r.columns[1:] if c in out.columns]
        if clash:
            r = r.rename(columns={c: f"{c}_roster" for c in clash})
            notes.append("roster columns renamed to avoid clashing with summary columns: "
                         + ", ".join(f"{c} -> {c}_roster" for c in clash))
        out = r.merge(out, on="client", how="outer", sort=False)
        for c in ("days_logged", "entries", "activities", "planned", "done"):
            out[c] = out[c].fillna(0).astype("int64")
    out["client"] = out["client"].astype("str")
    out = out.iloc[np.argsort(_natural_codes(out["client"]), kind="stable")].reset_index(drop=True)
    out.attrs = {"columns": dict(_SUMMARY_DOC), "notes": notes, "ci_level": ci,
                 "description": "one row per client; weeks count from each client's first logged day; "
                                "mood_change = mean of the last two weeks' mean moods minus week 1"}
    return out


# =========================================================================== arms compared


def compare_groups(summary: pd.DataFrame, group: str = "arm", value="mood", *, ci: float = 0.95,
                   correction: str = "holm", order=None) -> pd.DataFrame:
    """Compare groups (arms) on a per-client column, the client being the unit of analysis.

    Parameters
    ----------
    summary : DataFrame
        One row per client, e.g. :func:`client_summary`.
    group : str
        The column that holds the group (arm).
    value : str or list of str
        The column(s) to compare, e.g. ``"mood"``, ``"mood_change"``,
        ``"adherence"``, ``"baseline_phq9"``.
    ci : float
        Confidence level of the intervals.
    correction : {"holm", "bh", "none"}
        Correction of the pairwise Welch p-values over the comparisons of one
        value when there are more than two groups: Holm (family-wise error,
        the default) or Benjamini-Hochberg (false discovery rate).
    order : list, optional
        The groups in the order to compare them (default: the column's
        categories if categorical, else sorted). Pairs are ``(a, b)`` with
        ``a`` before ``b`` in this order.

    Returns
    -------
    DataFrame
        One row per pair of groups (and value): ``value``, ``group_a``,
        ``group_b``, ``n_a``, ``n_b``, ``mean_a``, ``mean_b``, ``sd_a``,
        ``sd_b``, ``diff`` (``mean_a - mean_b``), ``ci_low``, ``ci_high``
        (Welch interval of the difference), ``hedges_g`` (a minus b, pooled
        SD, small-sample corrected) with ``g_ci_low``, ``g_ci_high``,
        ``t`` and ``df`` (Welch), ``p_welch``, ``p_mannwhitney`` (two-sided),
        ``p_adjusted`` (the Welch p corrected over the pairs; equal to
        ``p_welch`` with two groups). ``attrs["omnibus"]``: one row per value
        with Welch's one-way ANOVA (``welch_F``, ``welch_df1``, ``welch_df2``,
        ``p_welch_anova``) and Kruskal-Wallis (``kruskal_H``,
        ``p_kruskal``); ``attrs["correction"]`` names the correction.

    Notes
    -----
    Clients with a missing group or value are left out (counted in
    ``attrs["notes"]``). Welch's test does not assume equal variances; with
    few clients per arm prefer the interval over the p-value, and read the
    Mann-Whitney p as a check that a few extreme clients do not drive the
    result.

    Examples
    --------
    >>> import bactivate as ba
    >>> log, roster = ba.synth.cohort(n_clients=20, weeks=4, seed=2)
    >>> res = compare_groups(client_summary(log, roster=roster), "arm", "mood")
    >>> res[["group_a", "group_b", "n_a", "n_b"]].to_dict("records")
    [{'group_a': 'BA', 'group_b': 'control', 'n_a': 10, 'n_b': 10}]
    """
    from bactivate.stats import bh, hedges_g

    if not isinstance(summary, pd.DataFrame):
        raise TypeError(f"compare_groups takes a per-client DataFrame, not {type(summary).__name__}")
    if correction not in ("holm", "bh", "none"):
        raise ValueError(f"correction must be 'holm', 'bh' or 'none', not {correction!r}")
    if not 0 < ci < 1:
        raise ValueError(f"ci must be between 0 and 1, not {ci!r}")
    values = [value] if isinstance(value, str) else list(value)
    missing = [c for c in [group, *values] if c not in summary.columns]
    if missing:
        raise ValueError(f"compare_groups: no column(s) {missing} in the summary; its columns are "
                         f"{list(summary.columns)}")
    if "client" in summary.columns and summary["client"].duplicated().any():
        raise ValueError("compare_groups needs one row per client (the unit of analysis); the frame has "
                         "repeated clients: summarise it first with client_summary()")
    groups = _group_order(summary[group], order)
    if len(groups) < 2:
        raise ValueError(f"compare_groups needs at least two groups in {group!r}; found {groups}")
    rows, omni, notes = [], [], []
    for v in values:
        if not (pd.api.types.is_numeric_dtype(summary[v].dtype) or pd.api.types.is_bool_dtype(summary[v].dtype)):
            raise ValueError(f"compare_groups: column {v!r} is not numeric")
        y = pd.Series(summary[v].astype("Float64").to_numpy(dtype="float64", na_value=np.nan),
                      index=summary.index)
        ok = y.notna() & summary[group].notna()
        if (~ok).any():
            notes.append(f"{v}: {_plural(int((~ok).sum()), 'client')} left out (no {group} or no {v})")
        samples = {gname: y[ok & (summary[group] == gname)].to_numpy() for gname in groups}
        pair_rows = []
        for i, a in enumerate(groups):
            for b in groups[i + 1:]:
                pair_rows.append(_pair(v, a, b, samples[a], samples[b], ci, hedges_g))
        p = np.array([r["p_welch"] for r in pair_rows], dtype="float64")
        if len(pair_rows) == 1 or correction == "none":
            adj = p
        elif correction == "holm":
            adj = _holm(p)
        else:
            adj = np.asarray(bh(p), dtype="float64")
        for r_, q in zip(pair_rows, adj, strict=True):
            r_["p_adjusted"] = float(q)
        rows.extend(pair_rows)
        omni.append({"value": v, **_omnibus([samples[gname] for gname in groups])})
    out = pd.DataFrame(rows)
    out = out.astype({"value": "str", "group_a": "str", "group_b": "str", "n_a": "int64", "n_b": "int64"})
    out.attrs = {
        "omnibus": AttrsFrame(pd.DataFrame(omni)),
        "correction": "none (two groups)" if len(groups) == 2 else
        {"holm": "Holm", "bh": "Benjamini-Hochberg", "none": "none"}[correction],
        "groups": [str(x) for x in groups],
        "ci_level": ci,
        "notes": notes,
        "description": "client = unit of analysis; diff = mean_a - mean_b with a Welch interval; "
                       "Hedges' g (a minus b); p_welch: Welch t test; p_mannwhitney: two-sided "
                       "Mann-Whitney U; p_adjusted: p_welch corrected over the pairs",
    }
    return out


def _group_order(col: pd.Series, order) -> list:
    present = pd.unique(col.dropna())
    if order is not None:
        unknown = [g for g in order if g not in set(present)]
        if unknown:
            raise ValueError(f"order names groups not in the data: {unknown}; groups are {list(present)}")
        return list(order)
    if isinstance(col.dtype, pd.CategoricalDtype):
        return [c for c in col.cat.categories if c in set(present)]
    try:
        return sorted(present)
    except TypeError:
        return sorted(present, key=str)


def _pair(v, a, b, xa: np.ndarray, xb: np.ndarray, ci: float, hedges_g) -> dict:
    na, nb = len(xa), len(xb)
    ma = float(np.mean(xa)) if na else np.nan
    mb = float(np.mean(xb)) if nb else np.nan
    sa = float(np.std(xa, ddof=1)) if na > 1 else np.nan
    sb = float(np.std(xb, ddof=1)) if nb > 1 else np.nan
    diff = ma - mb
    t = df = low = high = p = p_mw = np.nan
    if na > 1 and nb > 1:
        va, vb = sa**2 / na, sb**2 / nb
        se = np.sqrt(va + vb)
        if se > 0:
            df = (va + vb) ** 2 / (va**2 / (na - 1) + vb**2 / (nb - 1))
            half = _st.t.ppf(0.5 + ci / 2, df) * se
            low, high = diff - half, diff + half
            t = diff / se
            p = float(2 * _st.t.sf(abs(t), df))
    if na and nb:
        p_mw = float(_st.mannwhitneyu(xa, xb, alternative="two-sided").pvalue)
    if na and nb:  # hedges_g(b=group a): positive g means a is higher, like diff
        g = hedges_g(xb, xa, ci=ci).iloc[0]
    else:
        g = {"estimate": np.nan, "ci_low": np.nan, "ci_high": np.nan}
    return {"value": v, "group_a": str(a), "group_b": str(b), "n_a": na, "n_b": nb,
            "mean_a": ma, "mean_b": mb, "sd_a": sa, "sd_b": sb, "diff": diff,
            "ci_low": low, "ci_high": high, "hedges_g": float(g["estimate"]),
            "g_ci_low": float(g["ci_low"]), "g_ci_high": float(g["ci_high"]),
            "t": t, "df": df, "p_welch": p, "p_mannwhitney": p_mw}


def _holm(p: np.ndarray) -> np.ndarray:
    """Holm's step-down adjusted p-values (NaN passed through, not counted)."""
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    m = int(ok.sum())
    if m:
        pv = p[ok]
        order = np.argsort(pv, kind="stable")
        adj = np.minimum(1.0, np.maximum.accumulate(pv[order] * (m - np.arange(m))))
        res = np.empty(m)
        res[order] = adj
        out[ok] = res
    return out


def _omnibus(samples: list[np.ndarray]) -> dict:
    """Welch's one-way ANOVA and Kruskal-Wallis over the groups with data."""
    used = [s for s in samples if len(s)]
    k = len(used)
    n = np.array([len(s) for s in used], dtype="float64")
    res = {"k": k, "n": int(n.sum()), "welch_F": np.nan, "welch_df1": np.nan, "welch_df2": np.nan,
           "p_welch_anova": np.nan, "kruskal_H": np.nan, "p_kruskal": np.nan}
    if k >= 2 and (n >= 2).all():
        m = np.array([s.mean() for s in used])
        v = np.array([s.var(ddof=1) for s in used])
        if (v > 0).all():
            w = n / v
            wsum = w.sum()
            mw = (w * m).sum() / wsum
            a = (w * (m - mw) ** 2).sum() / (k - 1)
            tmp = ((1 - w / wsum) ** 2 / (n - 1)).sum()
            b = 1 + 2 * (k - 2) / (k**2 - 1) * tmp
            f = a / b
            df2 = (k**2 - 1) / (3 * tmp)
            res.update(welch_F=float(f), welch_df1=float(k - 1), welch_df2=float(df2),
                       p_welch_anova=float(_st.f.sf(f, k - 1, df2)))
    if k >= 2:
        try:
            kw = _st.kruskal(*used)
            res.update(kruskal_H=float(kw.statistic), p_kruskal=float(kw.pvalue))
        except ValueError:  # all values identical
            pass
    return res

