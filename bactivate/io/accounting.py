"""Row accounting: how many rows of each sheet were read, kept (some with cells left blank), set aside, and why.

>>> import warnings, bactivate as ba
>>> with warnings.catch_warnings():
...     warnings.simplefilter("ignore")   # the sample log's problems are shown on purpose
...     log = ba.read_log("data/sample/client-alex.xlsx")
>>> ba.accounting(log)[["rows_read", "kept", "with_blanked_cells", "set_aside", "not_log_rows"]].sum().tolist()
[235, 234, 2, 0, 1]
"""

from __future__ import annotations

import pandas as pd

from bactivate._util import natural_key, plural_word
from bactivate.escape import terminal
from bactivate.io.problems import CELL, NOT_AN_ENTRY, ROW


def _part(source: pd.Series) -> pd.Series:
    """'file:sheet' (or 'file') from a 'file:sheet:row' source."""
    return source.str.rsplit(":", n=1).str[0]


def accounting(log: pd.DataFrame) -> pd.DataFrame:
    """One row per file/sheet: rows read, kept, kept with cells left blank, set aside, not entries.

    ``rows_read == kept + set_aside + not_log_rows`` on every row;
    ``with_blanked_cells`` counts the rows among ``kept`` that have one or more
    cells left blank because they could not be read (``kind="cell"`` in
    ``attrs["rejected"]``). ``set_aside`` counts rows set aside whole
    (``kind="row"``: they cannot be placed in time or hold nothing to analyse),
    ``not_log_rows`` rows that are not entries (``kind="not an entry"``: titles,
    totals, repeated headers, empty slots, weekly reflections). Rows are the
    source's rows (or, for a weekly grid, its non-empty cells): a Daylio line
    with three activities is one row read and kept, and three rows of the log.

    Parameters
    ----------
    log : DataFrame
        A log as :func:`bactivate.read_log` (or ``read_cohort``) returns it:
        its ``source`` column and ``attrs["rejected"]`` are counted.

    Returns
    -------
    DataFrame
        Columns ``part`` (``"file:sheet"``, or ``"file"`` for a CSV or Parquet
        file; in natural order, "Week 2" before "Week 10", upper case before
        lower), ``rows_read``, ``kept``, ``with_blanked_cells``, ``set_aside``
        and ``not_log_rows`` (int64).

    Examples
    --------
    >>> import warnings, bactivate as ba
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     log = ba.read_log("data/sample/client-alex.xlsx")
    >>> ba.accounting(log).iloc[3:5].values.tolist()
    [['client-alex.xlsx:Week 4', 38, 37, 0, 0, 1], ['client-alex.xlsx:Week 5', 41, 41, 2, 0, 0]]
    """
    rej = log.attrs.get("rejected")
    # source rows kept: the tidy rows of one source entry (a Daylio entry's activities) share it
    kept = _part(log["source"].drop_duplicates()).value_counts(sort=False).rename("kept")
    if rej is None or rej.empty:
        out = kept.to_frame()
        out["with_blanked_cells"] = 0
        out["set_aside"] = 0
        out["not_log_rows"] = 0
    else:
        rows = rej.drop_duplicates(["source", "kind"])  # a row with two problems counts once
        part = _part(rows["source"])
        blanked = part[rows["kind"] == CELL].value_counts(sort=False).rename("with_blanked_cells")
        problem = part[rows["kind"] == ROW].value_counts(sort=False).rename("set_aside")
        skipped = part[rows["kind"] == NOT_AN_ENTRY].value_counts(sort=False).rename("not_log_rows")
        out = pd.concat([kept, blanked, problem, skipped], axis=1).fillna(0).astype("int64")
    out.index.name = "part"
    out.insert(0, "rows_read", out[["kept", "set_aside", "not_log_rows"]].sum(axis=1))
    out = out.reset_index()
    order = pd.unique(pd.concat([_part(log["source"]), _part(rej["source"]) if rej is not None
                                 else pd.Series(dtype="str")]))
    out["part"] = pd.Categorical(out["part"], categories=sorted(order, key=lambda t: natural_key(t, fold_case=False)))
    return out.sort_values("part").astype({"part": "str"}).reset_index(drop=True)


def accounting_text(log: pd.DataFrame, limit: int | None = 50) -> str:
    """A readable account of a read: totals, each sheet, each blank cell and row set aside, and notes.

    Text from the log (file and sheet names, cell values, reasons quoting them)
    is shown with control characters escaped (:func:`bactivate.escape.terminal`),
    so the account can be printed on a terminal whatever the cells hold.

    Parameters
    ----------
    log : DataFrame
        A log as :func:`bactivate.read_log` returns it.
    limit : int or None, default 50
        How many blank cells, and how many rows set aside, to list (the rest
        are counted); None for all.

    Returns
    -------
    str
        Lines: the totals, the table of :func:`accounting`, the cells left
        blank and the rows set aside (sheet, row, column, value, and the
        reason, which says how to fix it), the rows that are not entries (one
        line per reason), and the read's notes.

    Examples
    --------
    >>> import warnings, bactivate as ba
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     log = ba.read_log("data/sample/client-alex.xlsx")
    >>> print(accounting_text(log, limit=1).split("\\n\\n")[0])
    client-alex.xlsx: 235 rows read, 234 kept (2 with cells left blank), 0 set aside, 1 not an entry
    >>> print(accounting_text(log, limit=1).split("\\n\\n")[3])
    Rows that are not entries (nothing to fix):
      1 × a totals or summary row, not an entry (row Week 4:42)
    """
    table = accounting(log)
    rej = log.attrs.get("rejected")
    tot = table[["rows_read", "kept", "with_blanked_cells", "set_aside", "not_log_rows"]].sum()
    lines = [
        f"{log.attrs.get('file', 'log')}: {tot.rows_read} rows read, {tot.kept} kept "
        f"({tot.with_blanked_cells} with cells left blank), {tot.set_aside} set aside, "
        f"{tot.not_log_rows} {plural_word(tot.not_log_rows, 'not an entry', 'not entries')}",
        "",
        _table(table.rename(columns={"part": "file:sheet", "rows_read": "rows read",
                                     "with_blanked_cells": "kept with blank cells",
                                     "set_aside": "set aside", "not_log_rows": "not entries"})),
    ]
    if rej is not None and len(rej):
        for kind, title in ((CELL, "Cells left blank (the rows are kept; fix these cells and read the "
                                   "log again to use them):"),
                            (ROW, "Rows set aside (they cannot be placed in time or hold nothing else "
                                  "to analyse; fix these cells and read the log again):")):
            lines += _listed(rej[rej["kind"] == kind], title, limit)
        skipped = rej[rej["kind"] == NOT_AN_ENTRY].drop_duplicates("source")
        if len(skipped):
            lines += ["", "Rows that are not entries (nothing to fix):"]
            has_sheet = ~_blank_text(skipped["sheet"])
            where = skipped["row"].astype("str").where(
                ~has_sheet, skipped["sheet"].astype("str") + ":" + skipped["row"].astype("str"))
            groups = where.groupby(skipped["reason"], sort=False)
            for why, rows in groups:  # one line per reason, not per row
                listed = ", ".join(rows.head(10)) + (", ..." if len(rows) > 10 else "")
                lines.append(f"  {len(rows)} × {why} ({plural_word(len(rows), 'row')} {listed})")
    notes = log.attrs.get("notes") or []
    if notes:
        lines += ["", "Notes:"] + [f"  - {terminal(n)}" for n in notes]
    # every line once more (tables are escaped cell by cell, to stay aligned): nothing gets through
    return "\n".join(terminal(line) for text in lines for line in text.split("\n"))


def _listed(problems: pd.DataFrame, title: str, limit: int | None) -> list[str]:
    """The lines listing *problems* (sheet, row, column, value, reason) under *title*; none if empty."""
    if problems.empty:
        return []
    shown = problems if limit is None else problems.head(limit)
    cols = ["sheet", "row", "column", "value", "reason"]
    if _blank_text(shown["sheet"]).all():  # a CSV or Parquet file has no sheets
        cols.remove("sheet")
    lines = ["", title, _table(shown[cols])]
    if limit is not None and len(problems) > limit:
        lines.append(f"... and {len(problems) - limit} more (use --all to list them)")
    return lines


def _blank_text(s: pd.Series) -> pd.Series:
    """True where a text cell shows as empty ("", "nan", "None", "<NA>", or missing)."""
    return s.isna() | s.astype("str").str.strip().isin(["", "nan", "None", "<NA>"])


def _table(frame: pd.DataFrame) -> str:
    """A plain text table with left-aligned columns (long reasons read better that way)."""
    cols = {}
    for c in frame.columns:  # a loop over columns, not rows
        text = frame[c].astype("str").where(~_blank_text(frame[c]), "")
        text = text.str.replace(r"\s+", " ", regex=True).map(terminal).astype("str")
        width = max(len(terminal(c)), int(text.str.len().max()) if len(text) else 0)
        cols[c] = (terminal(c).ljust(width), text.str.ljust(width))
    head = "  ".join(h for h, _ in cols.values()).rstrip()
    if frame.empty:
        return head
    body = pd.concat([t for _, t in cols.values()], axis=1).agg("  ".join, axis=1).str.rstrip()
    return "\n".join([head, *body.tolist()])
