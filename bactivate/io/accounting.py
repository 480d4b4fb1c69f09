"""Row accounting: how many rows of each sheet were read, kept and set aside, and why.

>>> import warnings, bactivate as ba
>>> with warnings.catch_warnings():
...     warnings.simplefilter("ignore")   # the sample log's problems are shown on purpose
...     log = ba.read_log("data/sample/client-alex.xlsx")
>>> ba.accounting(log)[["rows_read", "kept", "set_aside", "not_log_rows"]].sum().tolist()
[235, 232, 2, 1]
"""

from __future__ import annotations

import pandas as pd

from bactivate._util import natural_key, plural_word
from bactivate.escape import terminal
from bactivate.io.read import NOT_A_LOG_ROW, PROBLEM


def _part(source: pd.Series) -> pd.Series:
    """'file:sheet' (or 'file') from a 'file:sheet:row' source."""
    return source.str.rsplit(":", n=1).str[0]


def accounting(log: pd.DataFrame) -> pd.DataFrame:
    """One row per file/sheet: rows read, kept, set aside with problems, not log rows.

    ``rows_read == kept + set_aside + not_log_rows`` on every row. Rows are the
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
        lower), ``rows_read``, ``kept``, ``set_aside`` and ``not_log_rows``
        (int64).

    Examples
    --------
    >>> import warnings, bactivate as ba
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     log = ba.read_log("data/sample/client-alex.xlsx")
    >>> ba.accounting(log).iloc[3:5].values.tolist()
    [['client-alex.xlsx:Week 4', 38, 37, 0, 1], ['client-alex.xlsx:Week 5', 41, 39, 2, 0]]
    """
    rej = log.attrs.get("rejected")
    # source rows kept: the tidy rows of one source entry (a Daylio entry's activities) share it
    kept = _part(log["source"].drop_duplicates()).value_counts(sort=False).rename("kept")
    if rej is None or rej.empty:
        out = kept.to_frame()
        out["set_aside"] = 0
        out["not_log_rows"] = 0
    else:
        rows = rej.drop_duplicates("source")  # a row with two problems counts once
        part = _part(rows["source"])
        problem = part[rows["kind"] == PROBLEM].value_counts(sort=False).rename("set_aside")
        skipped = part[rows["kind"] == NOT_A_LOG_ROW].value_counts(sort=False).rename("not_log_rows")
        out = pd.concat([kept, problem, skipped], axis=1).fillna(0).astype("int64")
    out.index.name = "part"
    out.insert(0, "rows_read", out.sum(axis=1))
    out = out.reset_index()
    order = pd.unique(pd.concat([_part(log["source"]), _part(rej["source"]) if rej is not None
                                 else pd.Series(dtype="str")]))
    out["part"] = pd.Categorical(out["part"], categories=sorted(order, key=lambda t: natural_key(t, fold_case=False)))
    return out.sort_values("part").astype({"part": "str"}).reset_index(drop=True)


def accounting_text(log: pd.DataFrame, limit: int | None = 50) -> str:
    """A readable account of a read: totals, each sheet, each row set aside, and notes.

    Text from the log (file and sheet names, cell values, reasons quoting them)
    is shown with control characters escaped (:func:`bactivate.escape.terminal`),
    so the account can be printed on a terminal whatever the cells hold.

    Parameters
    ----------
    log : DataFrame
        A log as :func:`bactivate.read_log` returns it.
    limit : int or None, default 50
        How many rows set aside to list (the rest are counted); None for all.

    Returns
    -------
    str
        Lines: the totals, the table of :func:`accounting`, the rows set aside
        (sheet, row, column, value, reason), the rows that are not entries
        (one line per reason), and the read's notes.

    Examples
    --------
    >>> import warnings, bactivate as ba
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     log = ba.read_log("data/sample/client-alex.xlsx")
    >>> print(accounting_text(log, limit=1).split("\\n\\n")[0])
    client-alex.xlsx: 235 rows read, 232 kept, 2 set aside with problems, 1 not log entries
    >>> print(accounting_text(log, limit=1).split("\\n\\n")[3])
    Rows that are not entries (nothing to fix):
      1 × a totals or summary row, not an entry (row Week 4:42)
    """
    table = accounting(log)
    rej = log.attrs.get("rejected")
    tot = table[["rows_read", "kept", "set_aside", "not_log_rows"]].sum()
    lines = [
        f"{log.attrs.get('file', 'log')}: {tot.rows_read} rows read, {tot.kept} kept, "
        f"{tot.set_aside} set aside with problems, {tot.not_log_rows} not log entries",
        "",
        _table(table.rename(columns={"part": "file:sheet", "rows_read": "rows read",
                                     "set_aside": "set aside", "not_log_rows": "not entries"})),
    ]
    if rej is not None and len(rej):
        problems = rej[rej["kind"] == PROBLEM]
        if len(problems):
            lines += ["", "Rows set aside (fix these cells and read the log again):"]
            shown = problems if limit is None else problems.head(limit)
            cols = ["sheet", "row", "column", "value", "reason"]
            if _blank_text(shown["sheet"]).all():  # a CSV or Parquet file has no sheets
                cols.remove("sheet")
            lines.append(_table(shown[cols]))
            if limit is not None and len(problems) > limit:
                lines.append(f"... and {len(problems) - limit} more (use --all to list them)")
        skipped = rej[rej["kind"] == NOT_A_LOG_ROW].drop_duplicates("source")
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
