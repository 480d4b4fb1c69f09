"""Fixtures and helpers for the loader tests (tests/io/, tests/io/formats/, test_cli.py).

Every fixture file is built in code, in ``tmp_path``: CSV text, openpyxl
workbooks (real datetime cells, merged cells, several sheets), ODS written by
pandas' odf engine, Parquet. No binary fixtures are committed.

The accounting helpers compute, *independently of bactivate*, which rows of a
fixture are data rows (non-blank rows below the header) -- with the csv module
for CSV files and openpyxl for workbooks -- so that a test can check that
every one of them is either in the log or in ``attrs["rejected"]``.
"""

from __future__ import annotations

import csv
import io
import os
import warnings
from collections.abc import Iterable
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import settings

import bactivate as ba
from bactivate.schema import TIDY_COLUMNS

# CI runs the same hypothesis examples every time (a red CI must mean a real change);
# locally, examples are random so that new cases keep being tried.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

# --------------------------------------------------------------------------- building fixtures


def write_csv(folder: Path, text: str, name: str = "log.csv", encoding: str = "utf-8") -> Path:
    """Write CSV *text* exactly as given (no newline translation) and return the path."""
    path = Path(folder) / name
    path.write_bytes(text.encode(encoding))
    return path


def rows_to_csv(rows: Iterable[Iterable], sep: str = ",") -> str:
    """CSV text for *rows* (cells as given; None is an empty cell), quoted where needed."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=sep, lineterminator="\n")
    for row in rows:
        writer.writerow(["" if c is None else c for c in row])
    return buf.getvalue()


def write_xlsx(folder: Path, sheets: dict, name: str = "log.xlsx", merges: dict | None = None) -> Path:
    """A workbook with one worksheet per item of *sheets* (name -> list of rows).

    Cells are written as given: datetimes become real Excel dates, numbers
    numbers, None an empty cell. *merges* maps a sheet name to ranges such as
    ``"A4:A6"`` to merge (only the top-left cell keeps its value).
    """
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sheet_name, rows in sheets.items():
        ws = wb.create_sheet(sheet_name)
        for i, row in enumerate(rows, start=1):
            for j, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(row=i, column=j, value=value)
        for rng in (merges or {}).get(sheet_name, []):
            ws.merge_cells(rng)
    path = Path(folder) / name
    wb.save(path)
    return path


# --------------------------------------------------------------------------- reading


def read(path, **kw) -> tuple[pd.DataFrame, list[warnings.WarningMessage]]:
    """``read_log`` recording the warnings it emits; returns ``(log, warnings)``."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        log = ba.read_log(path, **kw)
    return log, [w for w in caught if issubclass(w.category, ba.LogWarning)]


def read_clean(path, **kw) -> pd.DataFrame:
    """``read_log`` on a log that must read without problems (no warning, no problem rows)."""
    log, caught = read(path, **kw)
    assert not caught, [str(w.message) for w in caught]
    rej = log.attrs["rejected"]
    assert (rej["kind"] == "not an entry").all(), rej.to_string()
    return log


# --------------------------------------------------------------------------- independent row accounting


def _blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip()) or (
        isinstance(cell, float) and cell != cell)


def csv_data_lines(path: Path, header_line: int, sep: str | None = None,
                   encoding: str = "utf-8") -> set[tuple[None, int]]:
    """``{(None, line)}`` for every non-blank CSV record below *header_line* (1-based).

    A record's line is the physical line it starts on (a quoted cell may span lines).
    """
    text = Path(path).read_bytes().decode(encoding)
    if text.startswith("\ufeff"):
        text = text[1:]
    if sep is None:
        try:
            sep = csv.Sniffer().sniff("\n".join(text.splitlines()[:50]), delimiters=",;\t|").delimiter
        except csv.Error:
            sep = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    out = set()
    start = 1
    for record in reader:
        if start > header_line and any(not _blank(c) for c in record):
            out.add((None, start))
        start = reader.line_num + 1
    return out


def xlsx_data_rows(path: Path, headers: dict[str, int]) -> set[tuple[str, int]]:
    """``{(sheet, row)}`` for every non-blank row below the header row of each sheet in *headers*.

    Read with openpyxl, not with bactivate. Sheets not in *headers* hold no log.
    """
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    out = set()
    for sheet, header_row in headers.items():
        ws = wb[sheet]
        for i, row in enumerate(ws.iter_rows(values_only=True), start=1):
            if i > header_row and any(not _blank(c) for c in row):
                out.add((sheet, i))
    wb.close()
    return out


def frame_data_rows(n: int, sheet: str | None = None) -> set[tuple[str | None, int]]:
    """Rows 2..n+1 below a one-row header (a DataFrame written to ODS or Parquet)."""
    return {(sheet, i) for i in range(2, n + 2)}


def kept_rows(log: pd.DataFrame) -> set[tuple[str | None, int]]:
    """``{(sheet, row)}`` of the rows kept in *log*, from its ``source`` column."""
    parts = log["source"].str.split(":")
    out = set()
    for p in parts.tolist():
        out.add((p[1] if len(p) == 3 else None, int(p[-1])))
    return out


def rejected_rows(log: pd.DataFrame, whole: bool = False) -> set[tuple[str | None, int]]:
    """``{(sheet, row)}`` listed in ``attrs["rejected"]``; with *whole*, only rows not in the frame
    (kind "row" or "not an entry": a "cell" line is a blank cell of a row that is kept)."""
    rej = log.attrs["rejected"]
    if whole:
        rej = rej[rej["kind"] != "cell"]
    sheets = rej["sheet"].astype(object).where(rej["sheet"].notna(), None).tolist()
    return {(s if isinstance(s, str) and s not in ("", "nan") else None, int(r))
            for s, r in zip(sheets, rej["row"].tolist(), strict=True)}


def assert_accounted(log: pd.DataFrame, expected: set[tuple[str | None, int]]) -> None:
    """Nothing lost: every expected data row is kept or set aside, never both, never invented.

    One bad cell costs one cell (issue 14): a kind "cell" line is on a kept row; a row
    set aside (kind "row") or not an entry is not in the frame.
    """
    kept = kept_rows(log)
    rejected = rejected_rows(log, whole=True)
    cells = rejected_rows(log) - rejected
    assert len(kept) == len(log), "two kept rows claim the same source row"
    assert not kept & rejected, f"rows both kept and set aside: {sorted(kept & rejected, key=str)}"
    assert cells <= kept, f"blank cells on rows not kept: {sorted(cells - kept, key=str)}"
    assert kept | rejected == expected, (
        f"lost: {sorted(expected - kept - rejected, key=str)}; "
        f"invented: {sorted((kept | rejected) - expected, key=str)}")
    rej = log.attrs["rejected"]
    assert len(log) + rej.loc[rej["kind"] != "cell", "source"].nunique() == len(expected)
    # the per-sheet accounting agrees
    table = ba.accounting(log)
    assert (table["rows_read"] == table["kept"] + table["set_aside"] + table["not_log_rows"]).all()
    assert table["rows_read"].sum() == len(expected)


def tidy_data_rows(path: Path) -> int:
    """How many data rows a file written by ``write_log`` holds, counted without bactivate."""
    path = Path(path)
    if path.suffix == ".parquet":
        import pyarrow.parquet as pq

        return pq.read_metadata(path).num_rows
    if path.suffix == ".xlsx":
        return len(xlsx_data_rows(path, {"log": 1}))
    return len(csv_data_lines(path, 1, sep=","))


def assert_counted(log: pd.DataFrame, n_rows: int) -> None:
    """Nothing lost, for a tidy file whose ``source`` column names the original rows, not the
    file's own: the rows kept plus the distinct rows rejected are the file's data rows."""
    rej = log.attrs["rejected"]
    assert len(log) + rej.loc[rej["kind"] != "cell", "source"].nunique() == n_rows
    assert ba.accounting(log)["rows_read"].sum() == n_rows


def assert_rejected_schema(log: pd.DataFrame) -> None:
    rej = log.attrs["rejected"]
    assert list(rej.columns) == ["source", "file", "sheet", "row", "column", "value", "reason", "kind"]
    assert rej["row"].dtype == "int64"
    assert set(rej["kind"]) <= {"cell", "row", "not an entry"}
    assert rej["reason"].notna().all()


# --------------------------------------------------------------------------- shared fixtures


def week(n: int = 1) -> list[list]:
    """Week *n* of a diary: a title, a blank row, the header (row 3), three entries (rows 4-6,
    the date only in row 4 as with a merged date cell), a blank row and a totals row (row 8)."""
    import datetime as dt

    day = dt.datetime(2026, 3, 2) + dt.timedelta(days=7 * (n - 1))
    return [
        ["Activity diary - Client: Sam"],
        [],
        ["Date", "Time", "Activity", "Mastery", "Pleasure", "Mood (1-5)", "Life area"],
        [day, dt.time(9, 0), "Walk", 7, 8, 3, "Health"],
        [None, dt.time(10, 30), "Call mum ", 5, 9, 4, "Relationships"],
        [None, "2pm", "Lunch", 2, 3, 5, "Self-care"],
        [],
        ["Total", None, None, 14, 20, None, None],
    ]


@pytest.fixture
def week_rows():
    return week(1)


# ----------------------------------------------------------------- app exports and paper forms
# (shared by tests/io/formats/test_*.py)

def source_key(source: str):
    """A tidy ``source`` ("file:sheet:row" or "file:row") as (sheet or None, row)."""
    parts = source.split(":")
    last = parts[-1]
    return (parts[1] if len(parts) == 3 else None, int(last) if last.isdigit() else last)


def accounted(log: pd.DataFrame, expected: set) -> None:
    """Every expected source row/cell is kept or set aside, never both, never invented;
    ``ba.accounting`` agrees; tidy rows that share a source share its entry id."""
    kept = {source_key(s) for s in log["source"].unique()}
    rejected = log.attrs["rejected"]
    blanked = {source_key(s) for s in rejected.loc[rejected["kind"] == "cell", "source"].unique()}
    assert blanked <= kept, f"blanked cells whose row is not kept: {sorted(blanked - kept, key=str)}"
    rej = {source_key(s) for s in rejected.loc[rejected["kind"] != "cell", "source"].unique()}
    assert not kept & rej, f"both kept and set aside: {sorted(kept & rej, key=str)}"
    assert kept | rej == expected, (f"lost: {sorted(expected - kept - rej, key=str)}; "
                                    f"invented: {sorted((kept | rej) - expected, key=str)}")
    table = ba.accounting(log)
    assert (table["rows_read"] == table["kept"] + table["set_aside"] + table["not_log_rows"]).all()
    assert table["rows_read"].sum() == len(expected)
    assert table["kept"].sum() == len(kept)
    assert table["with_blanked_cells"].sum() == len(blanked)
    assert (log.groupby("source")["entry"].nunique() == 1).all()
    assert list(log.columns[: len(TIDY_COLUMNS)]) == list(TIDY_COLUMNS)
    assert {c: str(log[c].dtype) for c in TIDY_COLUMNS} == TIDY_COLUMNS
    assert_rejected_schema(log)


def csv_rows(path, header_line=1) -> set:
    """The data lines of a CSV file, as (None, line) (see csv_data_lines)."""
    return set(csv_data_lines(path, header_line))


def problems(log):
    """The rows of attrs["rejected"] that are problems to fix (cells blanked, rows set aside)."""
    rej = log.attrs["rejected"]
    return rej[rej["kind"].isin(["cell", "row"])].reset_index(drop=True)


def csv_read(tmp_path, text, name="export.csv", header_line=1, clean=True, **kw):
    """*text* written as a CSV file and read, every data line accounted for (:func:`accounted`)."""
    path = write_csv(tmp_path, text, name)
    log = read_clean(path, **kw) if clean else read(path, **kw)[0]
    accounted(log, csv_rows(path, header_line))
    return log


# ----------------------------------------------------------------- cohorts of small logs
# (shared by tests/io/test_roster.py and tests/io/test_cohort_members.py)

COHORT_HEAD = "date,time,activity,category,mastery (0-10),pleasure (0-10),mood (0-10)\n"


def write_small_log(folder: Path, name: str, n: int = 3) -> Path:
    """A small, clean long log of *n* days at *folder*/*name* (the folder made if needed)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(COHORT_HEAD + "".join(f"2026-03-0{i + 1},09:00,Walk,Health,5,6,7\n" for i in range(n)),
                    encoding="utf-8")
    return path


def small_logs(tmp_path: Path, *names: str) -> Path:
    """A folder ``logs`` of small logs named *names* (default C001.csv and C002.csv)."""
    d = tmp_path / "logs"
    for name in names or ("C001.csv", "C002.csv"):
        write_small_log(d, name)
    return d


def read_cohort_warned(*a, **kw):
    """read_cohort recording its LogWarnings: ``(cohort, [messages])``."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cohort = ba.read_cohort(*a, **kw)
    return cohort, [str(w.message) for w in caught if issubclass(w.category, ba.LogWarning)]
