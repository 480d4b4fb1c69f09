"""Where each row came from and what is wrong with it: blanked cells, rows set aside, the one warning.

Every data row of a log ends up either in the tidy log or in ``attrs["rejected"]``
(one row per problem: source, file, sheet, row, column, value, reason, kind).
``kind`` is :data:`CELL` for a cell that could not be read (it is blank in the
frame; its row is kept with everything else the client wrote), :data:`ROW` for a
row set aside whole (it cannot be placed in time, or holds nothing to analyse
once its unreadable cells are blank), and :data:`NOT_AN_ENTRY` for a row that is
not an entry (a title, a totals row, a repeated header, an empty slot, a weekly
reflection). :func:`report_problems` turns them into at most one
:class:`~bactivate.LogWarning`, or a :class:`~bactivate.LogError`.

>>> import bactivate as ba
>>> log = ba.read_log("data/sample/client-alex.xlsx", errors="ignore")
>>> summarise_rejected(log.attrs["rejected"][log.attrs["rejected"]["kind"] == CELL])
"1 × Mood (0-10) 11 is outside this column's 0-10 scale: write a rating from 0 to 10 (if the column uses another scale, pass scales={'mood': (low, high)}); 1 × Mood (0-10) is not a number: write a number such as 7 or 7.5"
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from bactivate._util import plural
from bactivate.errors import LogError, LogWarning
from bactivate.schema import AttrsFrame

#: A cell that could not be read: blank in the frame, its row kept.
CELL = "cell"
#: A row set aside whole: it cannot be placed in time, or holds nothing to analyse.
ROW = "row"
#: A row that is not an entry (title, totals, repeated header, empty slot, weekly reflection).
NOT_AN_ENTRY = "not an entry"
#: The kinds that are problems to fix (a row that is not an entry needs no fixing).
PROBLEM_KINDS = (CELL, ROW)
#: Old names (before issue 14 the kinds were "problem" and "not a log row").
NOT_A_LOG_ROW = NOT_AN_ENTRY
PROBLEM = ROW

#: The columns of a frame of problems before it becomes ``attrs["rejected"]``.
PROBLEM_COLUMNS = ["_i", "column", "value", "reason", "kind", "_field"]


def counts(rej: pd.DataFrame | None) -> dict:
    """How many cells were blanked, rows kept with them, rows set aside, and rows not entries.

    Parameters
    ----------
    rej : DataFrame or None
        ``attrs["rejected"]``.

    Returns
    -------
    dict
        ``cells``, ``rows_with_cells``, ``set_aside``, ``not_entries`` (int).

    Examples
    --------
    >>> rej = pd.DataFrame({"source": ["f:2", "f:2", "f:3", "f:4"], "column": ["M", "P", "Date", None],
    ...                     "kind": [CELL, CELL, ROW, NOT_AN_ENTRY]})
    >>> counts(rej)
    {'cells': 2, 'rows_with_cells': 1, 'set_aside': 1, 'not_entries': 1}
    """
    if rej is None or rej.empty:
        return {"cells": 0, "rows_with_cells": 0, "set_aside": 0, "not_entries": 0}
    kind = rej["kind"]
    cells = rej[kind == CELL]
    return {"cells": len(cells.drop_duplicates(["source", "column"])),
            "rows_with_cells": int(cells["source"].nunique()),
            "set_aside": int(rej.loc[kind == ROW, "source"].nunique()),
            "not_entries": int(rej.loc[kind == NOT_AN_ENTRY, "source"].nunique())}


def report_problems(log: pd.DataFrame, file: str, errors: str, notices=(), stacklevel: int = 3) -> None:
    """Warn about, or raise for, the rows set aside in ``log.attrs["rejected"]``.

    With ``errors="warn"`` exactly one :class:`~bactivate.LogWarning` is emitted,
    summarising the rows set aside with problems and any *notices* about the file
    (hidden sheets, unsaved formulas); none when there is neither.

    Parameters
    ----------
    log : DataFrame
        A tidy log with ``attrs["rejected"]``.
    file : str
        The name in the message.
    errors : {"warn", "raise", "ignore"}
        As :func:`bactivate.read_log` takes it.
    notices : sequence of str
        What the file itself hides, said after the problems.
    stacklevel : int
        Passed to :func:`warnings.warn`.

    Returns
    -------
    None

    Raises
    ------
    LogError
        With ``errors="raise"`` when a row has a problem; it lists every problem.

    Examples
    --------
    >>> import warnings, bactivate as ba
    >>> log = ba.read_log("data/sample/client-alex.xlsx", errors="ignore")
    >>> with warnings.catch_warnings(record=True) as got:
    ...     warnings.simplefilter("always")
    ...     report_problems(log, "client-alex.xlsx", "warn")
    >>> str(got[0].message)[:60]
    'client-alex.xlsx: kept 234 of 235 rows; 2 cells left blank ('
    """
    if errors == "ignore":
        return
    rej = log.attrs.get("rejected")
    problems = rej[rej["kind"].isin(PROBLEM_KINDS)] if rej is not None and len(rej) else None
    if problems is None or problems.empty:
        # only rows that are not entries (totals, empty slots, repeated headers): nothing to fix,
        # and attrs["notes"] says how many there were
        if notices:
            warnings.warn(" ".join(f"{n}." if not n.endswith(".") else n for n in notices),
                          LogWarning, stacklevel=stacklevel)
        return
    n = counts(rej)
    if errors == "raise":
        lines = ("  " + _where(problems) + ": " + problems["reason"].astype("str")
                 + np.where(problems["kind"] == ROW, " (the row is set aside)", "")).tolist()
        raise LogError(
            f"{file}: {what_happened(n)}. Fix these cells in the file, or read with errors='warn' to "
            "leave the cells blank and set those rows aside:\n" + "\n".join(lines),
            problems=problems,
        )
    summary = summarise_rejected(problems)
    msg = (f"{file}: kept {log['source'].nunique()} of {plural(_rows_read(log), 'row')}; {what_happened(n)}: "
           f"{summary}. See log.attrs['rejected'] for each cell, or run `bactivate validate {file}`.")
    if notices:
        msg += " Also: " + " ".join(f"{n}." if not n.endswith(".") else n for n in notices)
    warnings.warn(msg, LogWarning, stacklevel=stacklevel)


def what_happened(n: dict) -> str:
    """What the problems cost, from :func:`counts`.

    Parameters
    ----------
    n : dict
        As :func:`counts` returns it.

    Returns
    -------
    str

    Examples
    --------
    >>> what_happened({"cells": 2, "rows_with_cells": 2, "set_aside": 1, "not_entries": 1})
    '2 cells left blank (in 2 rows kept), 1 row set aside, 1 row not an entry (nothing to fix)'
    """
    parts = []
    if n["cells"]:
        parts.append(f"{plural(n['cells'], 'cell')} left blank (in {plural(n['rows_with_cells'], 'row')} kept)")
    if n["set_aside"]:
        parts.append(f"{plural(n['set_aside'], 'row')} set aside")
    if n["not_entries"]:
        parts.append(f"{plural(n['not_entries'], 'row')} "
                     f"{'not an entry' if n['not_entries'] == 1 else 'not entries'} (nothing to fix)")
    return ", ".join(parts)


def _where(rej: pd.DataFrame) -> pd.Series:
    """'file: sheet 'Week 2', row 14, column 'M'' for each rejected row (whole columns at once)."""
    sheet = rej["sheet"].astype("str")
    sheet = ("sheet '" + sheet + "', ").where(rej["sheet"].notna() & (sheet != ""), "")
    col = rej["column"].astype("str")
    col = (", column '" + col + "'").where(rej["column"].notna() & (col != ""), "")
    return rej["file"].astype("str") + ": " + sheet + "row " + rej["row"].astype("str") + col


def _rows_read(log: pd.DataFrame) -> int:
    """How many rows the log was read from: kept and set aside."""
    rej = log.attrs.get("rejected")
    if rej is None or rej.empty:
        return log["source"].nunique()
    # a row kept with a blank cell is in both
    return len(pd.Index(log["source"].unique()).union(pd.Index(rej["source"].unique())))


def summarise_rejected(rej: pd.DataFrame) -> str:
    """One line: how many cells (or rows) have each kind of problem (no cell values).

    Parameters
    ----------
    rej : DataFrame
        Rows of ``attrs["rejected"]``.

    Returns
    -------
    str
        ``"n × reason; ..."``, or ``"nothing"``.

    Examples
    --------
    >>> summarise_rejected(pd.DataFrame(columns=["source", "column", "reason"]))
    'nothing'
    """
    if rej.empty:
        return "nothing"
    what = rej["reason"].str.replace(r"^'.*?' ", "", regex=True)
    what = (rej["column"].fillna("").astype(str) + " " + what).str.strip()
    # each cell once (a row set aside for two cells counts twice, once per reason)
    n = pd.DataFrame({"source": rej["source"].to_numpy(), "what": what.to_numpy()}).drop_duplicates()
    return "; ".join(f"{k} × {w}" for w, k in n["what"].value_counts().items())


def locations(file, sheet: pd.Series, place: pd.Series) -> pd.Series:
    """``file:sheet:row`` (or ``file:row`` where there is no sheet) for every row, built in Arrow.

    Parameters
    ----------
    file : str or Series
        One name, or a (categorical) Series with each row's file.
    sheet : Series
        Each row's sheet (missing for a CSV).
    place : Series
        Each row's row number, or its cell ("C7").

    Returns
    -------
    Series of str
        On the index of *sheet*.

    Examples
    --------
    >>> locations("log.xlsx", pd.Series(["Week 1", None]), pd.Series([5, 6])).tolist()
    ['log.xlsx:Week 1:5', 'log.xlsx:6']
    >>> locations("log.csv", pd.Series([None, None]), pd.Series(["C7", "D2"])).tolist()
    ['log.csv:C7', 'log.csv:D2']
    """
    # speed: benchmark row W2-csv, docs/performance.md (a million sources joined in Arrow)
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
    if sheet.isna().all() and isinstance(file, str):  # one file: its name put before each row number
        joined = pc.utf8_replace_slice(tail, 0, 0, f"{file}:")  # (W2-csv: 3x binary_join's speed)
    elif sheet.isna().all():
        joined = pc.binary_join_element_wise(file, tail, ":")
    else:
        sheets = pa.array(sheet.astype(object).where(sheet.notna(), None).to_numpy(dtype=object),
                          type=pa.string())
        with_sheet = pc.binary_join_element_wise(file, sheets, tail, ":")
        joined = pc.if_else(pc.is_null(sheets), pc.binary_join_element_wise(file, tail, ":"), with_sheet)
    return pd.Series(pd.array(joined, dtype="str"), index=sheet.index)


def problem_rows(reasons: pd.Series, field: str, cells: pd.DataFrame, headers: dict,
                 sheet_headers: dict) -> pd.DataFrame | None:
    """The problems of one column as rows (``_i``, column, value, reason, kind, _field), or None.

    Each is a :data:`CELL` problem; the reader makes it a :data:`ROW` problem when
    the row is set aside whole. ``_field`` is the column of *cells* it is about.

    The column is named as written in each row's own sheet (*sheet_headers*), else
    as in *headers*, else by the field; a layout's ``_column`` overrides it.

    Parameters
    ----------
    reasons : Series of str
        What is wrong with each cell (missing where nothing is).
    field : str
        The column of *cells* the reasons are about.
    cells : DataFrame
        The raw entries.
    headers, sheet_headers : dict
        :attr:`bactivate.io.context.Context.headers` and ``sheet_headers``.

    Returns
    -------
    DataFrame or None
        None when no cell has a problem.

    Examples
    --------
    >>> cells = pd.DataFrame({"mood": ["x", "5"], "_sheet": [None, None]})
    >>> problem_rows(pd.Series(["'x' is not a number", None]), "mood", cells, {"mood": "Mood"}, {})
       _i column value               reason  kind _field
    0   0   Mood     x  'x' is not a number  cell   mood
    """
    bad = reasons.notna()
    if not bad.any():
        return None
    names = cells.loc[bad, "_sheet"].fillna("").astype("str").map(
        sheet_headers.get(field, {})).astype(object).fillna(headers.get(field, field))
    if "_column" in cells.columns:
        names = cells.loc[bad, "_column"].fillna(names)
    return pd.DataFrame({
        "_i": reasons.index[bad], "column": names.to_numpy(),
        "value": cells.loc[bad, field].astype("str").str.strip() if field in cells else pd.NA,
        "reason": reasons[bad].astype("str"), "kind": CELL, "_field": field,
    })


def rejected_table(prob: pd.DataFrame, cells: pd.DataFrame, where: pd.Series, files) -> AttrsFrame:
    """``attrs["rejected"]``: one row per problem, in file order, each problem of an entry once.

    Parameters
    ----------
    prob : DataFrame
        Problems as :func:`problem_rows` gives them (``_i`` the row of *cells*).
    cells : DataFrame
        The raw entries (``_sheet``, ``_row``).
    where : Series
        Each row's source (:func:`locations`).
    files : str or Series
        The file, or each row's file (:meth:`bactivate.io.context.Entries.row_files`).

    Returns
    -------
    AttrsFrame
        Columns source, file, sheet, row, column, value, reason, kind.

    Examples
    --------
    >>> cells = pd.DataFrame({"_sheet": [None, None], "_row": [2, 3]})
    >>> prob = pd.DataFrame({"_i": [1], "column": ["Mood"], "value": ["x"], "reason": ["bad"],
    ...                      "kind": [CELL]})
    >>> rejected_table(prob, cells, pd.Series(["f:2", "f:3"]), "f")[["source", "row", "reason"]]
      source  row reason
    0    f:3    3    bad
    """
    i = prob["_i"].to_numpy()
    rej = AttrsFrame({
        "source": where.loc[i].to_numpy(),
        "file": files.loc[i].to_numpy() if isinstance(files, pd.Series) else files,
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
    return rej.iloc[order].drop_duplicates(["source", "column", "value", "reason"]).reset_index(drop=True)


def file_rows(names: list[str], kept_codes: np.ndarray, rejected: pd.DataFrame, rejected_codes: np.ndarray,
              clients: list[list[str]]) -> list[dict]:
    """One row of ``attrs["files"]`` per file: its clients and rows read, kept and set aside.

    *kept_codes* gives each kept row's file (an index into *names*), *rejected_codes* each
    row of *rejected* (``attrs["rejected"]``); *clients* the clients of each file. A blanked
    cell's row is kept; a row is counted once however many problems it has.
    """
    n = len(names)
    rejected_codes = np.asarray(rejected_codes, dtype="int64")
    kept = np.bincount(np.asarray(kept_codes, dtype="int64"), minlength=n)
    is_cell = (rejected["kind"] == CELL).to_numpy(dtype=bool) if len(rejected) else np.zeros(0, dtype=bool)
    src = rejected["source"].to_numpy() if len(rejected) else np.zeros(0, dtype=object)

    def once(mask):
        """The codes of *mask*'s rows, one per source."""
        first = ~pd.Series(src[mask]).duplicated().to_numpy()
        return rejected_codes[mask][first], rejected["kind"].to_numpy()[mask][first]

    cell_codes, _ = once(is_cell)
    row_codes, kinds = once(~is_cell)
    blanked = np.bincount(cell_codes, minlength=n)
    set_aside = np.bincount(row_codes[kinds == ROW], minlength=n)
    not_log = np.bincount(row_codes[kinds == NOT_AN_ENTRY], minlength=n)
    return [{"file": name, "clients": ", ".join(clients[k]), "n_clients": len(clients[k]),
             "rows_read": int(kept[k] + set_aside[k] + not_log[k]), "kept": int(kept[k]),
             "with_blanked_cells": int(blanked[k]), "set_aside": int(set_aside[k]),
             "not_log_rows": int(not_log[k])}
            for k, name in enumerate(names)]  # a loop over files, to list them

