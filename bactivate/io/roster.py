"""A cohort's roster: one row per client (arm, baseline measures), read and matched to the logs.

:func:`read_roster` reads a roster frame or file (CSV, XLSX, ODS, Parquet, opened
like a log by :func:`bactivate.io.files.read_sheets`); :func:`id_text` is the one
written form of client ids; :func:`roster_mismatch` and :func:`roster_for` match a
cohort to its roster.
"""

from __future__ import annotations

import warnings
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from bactivate._names import clean_names
from bactivate._util import listed, plural
from bactivate.errors import LogError, LogWarning
from bactivate.io.files import read_sheets
from bactivate.io.headers import header_key
from bactivate.schema import AttrsFrame

#: Roster headers taken as the client id (lower case, letters and digits only).
_ROSTER_ID = ("client", "clientid", "clientname", "participant", "participantid", "pid", "subject",
              "subjectid", "patient", "patientid", "id", "recordid", "studyid")


def id_text(s: pd.Series, strip: bool = True) -> pd.Series:
    """Client ids as text, in one written form.

    Text ids are taken as :func:`bactivate._names.clean_name` writes them (Unicode NFC, spaces
    trimmed and collapsed, zero-width characters dropped); a float column's whole numbers are
    written without '.0'.

    Parameters
    ----------
    s : Series
        The ids, of any dtype.
    strip : bool, default True
        Blanks (and the text 'nan') become missing; without it
        (:func:`bactivate.cohort.privacy.deidentify`, which keeps every id it is given) only
        missing cells are missing, and a blank id is "".

    Returns
    -------
    Series
        The ids as text (object or str dtype), missing where described, same index.

    Examples
    --------
    >>> id_text(pd.Series([7.0, float("nan"), 12.0])).tolist()
    ['7', nan, '12']
    >>> id_text(pd.Series([" C 01 ", None, "nan"])).tolist()
    ['C 01', nan, nan]
    >>> id_text(pd.Series(["C1", None, "  "]), strip=False).tolist()
    ['C1', nan, '']
    """
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


def read_roster(roster, client_column: str | None = None, notes: list | None = None) -> AttrsFrame:
    """The roster as a frame with a text ``client`` column first; ids unique.

    A file is opened as logs are (:func:`bactivate.io.files.read_sheets`), so that an empty,
    damaged, encrypted or binary file, or one whose rows do not fit its header, is a
    :class:`LogError` that names it and says what to fix. The header row is the first of the
    first 20 filled rows that names a client id column (a title line above it is fine); the
    first sheet with one is used.

    Parameters
    ----------
    roster : str, Path or DataFrame
        A CSV, XLSX, ODS or Parquet file, or a frame, with one row per client.
    client_column : str, optional
        The id column's header, when it is not one of those recognised (in any case, spacing
        or punctuation): client, client id, client name, participant, participant id, pid,
        subject, subject id, patient, patient id, id, record id, study id.
    notes : list, optional
        Rows left out (no client id) are noted here when given, else in a
        :class:`~bactivate.LogWarning`.

    Returns
    -------
    AttrsFrame
        ``client`` (str, in one written form: :func:`id_text`), then the other columns in
        order: a text file's cells as text, columns of whole numbers as int64, of other
        numbers as float64, of ISO dates as datetime64[ns]; text columns as str.

    Raises
    ------
    LogError
        When the file cannot be read as a table, has no client id column or no rows under
        its header, a text line has more cells than the header, or an id appears twice.

    Examples
    --------
    >>> r = read_roster("data/sample/cohort/roster.csv")
    >>> r.shape, r.columns.tolist()
    ((40, 6), ['client', 'arm', 'age', 'gender', 'baseline_phq9', 'site'])
    >>> notes = []
    >>> read_roster(pd.DataFrame({"Participant ID": ["007", None], "Arm": ["BA", "BA"]}), notes=notes)
      client Arm
    0    007  BA
    >>> notes
    ['the roster: 1 roster row without a client id left out']
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
    ids = id_text(r[idcol])
    r = r.drop(columns=idcol)
    r.insert(0, "client", ids.astype("str"))
    missing = r["client"].isna()
    if missing.any():
        msg = f"{name}: {plural(int(missing.sum()), 'roster row')} without a client id left out"
        if notes is None:
            warnings.warn(msg, LogWarning, stacklevel=3)
        else:
            notes.append(msg)
        r = r[~missing]
    dup = r["client"][r["client"].duplicated()].unique()
    if len(dup):
        raise LogError(f"{name}: client ids appear more than once in the roster: {listed(dup)}; "
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
    keys = {header_key(c): c for c in cols}
    for k in _ROSTER_ID:
        if k in keys:
            return keys[k]
    return None


def _roster_id_column(r: pd.DataFrame, client_column, name: str) -> str:
    """The header of *r* that holds the client id; LogError naming *name* when none does."""
    cols = [str(c) for c in r.columns]
    found = _id_header(cols, client_column)
    if found is not None:
        return found
    raise LogError(f"{name}: no client id column in the roster (its columns are {cols}); name it "
                   "'client' or pass client_column='your header'")


def roster_mismatch(cohort: pd.DataFrame, roster: pd.DataFrame) -> list[str]:
    """What does not match between a cohort's clients and its roster, as notes (nobody is dropped).

    Parameters
    ----------
    cohort : DataFrame
        A tidy log with a ``client`` column.
    roster : DataFrame
        A roster with a text ``client`` column (:func:`read_roster`).

    Returns
    -------
    list of str
        One note for clients with a log but no roster row, one for ids that differ only in case
        from a roster id, one for roster clients with no log; empty when all match.

    Examples
    --------
    >>> log = pd.DataFrame({"client": ["C1", "C2", "c3"]})
    >>> for note in roster_mismatch(log, pd.DataFrame({"client": ["C1", "C3", "C4"]})):
    ...     print(note)
    2 clients with a log are not in the roster (kept, with no arm): C2, c3
    ids that differ only in case (ids must match exactly, so these do not join; fix the file name or the roster): log 'c3' / roster 'C3'
    2 clients in the roster have no log (kept in client_summary with 0 entries): C3, C4
    """
    logged = set(cohort["client"].dropna().unique())
    rostered = set(roster["client"])
    out = []
    if logged - rostered:
        n = len(logged - rostered)
        out.append(f"{plural(n, 'client')} with a log {'is' if n == 1 else 'are'} not in the roster "
                   f"(kept, with no arm): {listed(logged - rostered)}")
        # ids are codes: "c001" is not "C001"; but say so, as it is the likely slip
        folded = {str(c).casefold(): c for c in rostered - logged}
        near = {c: folded[str(c).casefold()] for c in logged - rostered if str(c).casefold() in folded}
        if near:
            out.append("ids that differ only in case (ids must match exactly, so these do not join; fix "
                       "the file name or the roster): "
                       + ", ".join(f"log {a!r} / roster {b!r}" for a, b in list(near.items())[:10]))
    if rostered - logged:
        n = len(rostered - logged)
        out.append(f"{plural(n, 'client')} in the roster {'has' if n == 1 else 'have'} no log "
                   f"(kept in client_summary with 0 entries): {listed(rostered - logged)}")
    return out


def roster_for(cohort: pd.DataFrame, roster) -> pd.DataFrame | None:
    """The roster to use: *roster* (path or frame) if given, else ``cohort.attrs["roster"]``.

    Parameters
    ----------
    cohort : DataFrame
        A tidy log (:func:`bactivate.read_cohort`).
    roster : str, Path, DataFrame or None
        Read with :func:`read_roster` when given.

    Returns
    -------
    DataFrame or None
        A plain frame (``client`` first, as :func:`read_roster` returns it), or None when
        there is no roster.

    Examples
    --------
    >>> log = pd.DataFrame({"client": ["C1"]})
    >>> roster_for(log, None) is None
    True
    >>> roster_for(log, pd.DataFrame({"id": [1, 2], "arm": ["BA", "control"]}))
      client      arm
    0      1       BA
    1      2  control
    """
    if roster is None:
        r = cohort.attrs.get("roster")
        return None if r is None else pd.DataFrame(r)
    return pd.DataFrame(read_roster(roster))
