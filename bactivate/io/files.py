"""Opening log files: every sheet of a workbook, or a CSV, as a grid of raw cells.

Each reader returns :class:`Sheet` objects whose ``cells`` frame has one row
per spreadsheet row (index 0 is row 1, as the user sees it) and one column per
spreadsheet column, holding the cells as read (text, numbers, Excel dates).
Nothing is interpreted here; files are opened read-only and never written.

>>> sheets = read_sheets("data/sample/client-alex.xlsx")   # doctest: +SKIP
>>> [s.name for s in sheets]                                # doctest: +SKIP
['Instructions', 'Week 1', ...]
"""

from __future__ import annotations

import csv
import html
import io
import os
import posixpath
import re
import stat
import warnings
import xml.etree.ElementTree as ET
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from bactivate.errors import LogError
from bactivate.io import headers

_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2: legacy .xls, or an encrypted .xlsx
_ZIP_MAGIC = b"PK\x03\x04"
_PARQUET_MAGIC = b"PAR1"

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
PARQUET_SUFFIXES = {".parquet", ".pq"}


@dataclass
class Sheet:
    """One grid of raw cells: a worksheet, or the whole of a CSV file."""

    file: str  # file name as shown to the user
    name: str | None  # sheet name, None for CSV and Parquet
    cells: pd.DataFrame  # object cells; index i is the user's row (or CSV line) i + 1
    typed_header: bool = False  # Parquet: the first row is the header, the cells are typed
    # what the user should know about the file that the cells cannot say (hidden sheets read,
    # formulas with no saved result); read_log puts them in attrs["notes"] and in its one warning
    notices: list[str] = field(default_factory=list)
    # a typed table (Parquet): its header, kept apart so that the typed columns below it stay
    # typed; ``cells`` then holds only the rows below the header (index i is row i + 1)
    head: list | None = None

    def grid(self) -> Sheet:
        """This sheet with the header as the first row of ``cells`` (object cells), as read from a file."""
        if self.head is None:
            return self
        cells = pd.concat([pd.DataFrame([self.head]),
                           pd.DataFrame(self.cells.astype(object).to_numpy())], ignore_index=True)
        return Sheet(self.file, self.name, cells, typed_header=True, notices=self.notices)

    def preview(self, rows: int = 50) -> pd.DataFrame:
        """The first *rows* rows of the grid (header included), for telling layouts apart."""
        if self.head is None:
            return self.cells
        return Sheet(self.file, self.name, self.cells.iloc[:rows], head=self.head).grid().cells


def file_kind(path: Path) -> str:
    """``"excel"``, ``"csv"`` or ``"parquet"``, from the file's first bytes and name."""
    if not path.exists():
        raise FileNotFoundError(f"no such file: {path}")
    mode = path.stat().st_mode
    if stat.S_ISDIR(mode):
        raise LogError(f"{path} is a folder; give one log file (or use read_cohort for a folder)")
    if not stat.S_ISREG(mode):
        # opening a pipe (FIFO) waits for a writer forever; a device never ends
        what = ("a pipe" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
                else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a file")
        raise LogError(f"{path.name} is not a regular file ({what}): give a log file saved on disk")
    with open(path, "rb") as fh:
        head = fh.read(8)
    suffix = path.suffix.lower()
    if not head:
        raise LogError(f"{path.name} is empty (0 bytes): export the log again")
    if head.startswith(_PARQUET_MAGIC):
        return "parquet"
    if head.startswith(_CFB_MAGIC):
        if suffix in {".xls"}:
            return "excel"
        raise LogError(
            f"{path.name} is password-protected (encrypted) or not a real {suffix or 'spreadsheet'} file; "
            "open it in Excel, remove the password (File > Info > Protect Workbook > Encrypt with "
            "password, clear it), save it as .xlsx and try again"
        )
    if head.startswith(_ZIP_MAGIC):
        return "excel"
    if suffix in EXCEL_SUFFIXES:
        raise LogError(
            f"{path.name} is not a readable {suffix} file (it may be damaged, or another kind of file "
            "renamed): open it in Excel or LibreOffice and save it again"
        )
    if suffix in PARQUET_SUFFIXES:
        raise LogError(f"{path.name} is not a valid Parquet file (it may be damaged)")
    return "csv"


def read_sheets(path, sheet=None) -> list[Sheet]:
    """Every sheet of *path* (or only *sheet*: a name, a position, or a list of them)."""
    path = Path(path)
    kind = file_kind(path)
    if kind == "excel":
        return _excel(path, sheet)
    if kind == "parquet":
        return [_parquet(path)]
    return [_csv(path)]


# --------------------------------------------------------------------------- workbooks and their limits

#: What bactivate reads from one workbook (XLSX/XLSM and ODS). Each limit is checked from the
#: file's own index -- the zip directory, the cell addresses in each sheet's XML, the repeat counts
#: of an ODS table -- before the cell reader sees the file: that reader allocates every cell of a
#: sheet's range (from A1 to its last cell) at once, so one stray cell at XFD1048576 in a 5 KB file
#: aborted the process, and a cell at A1048576 cost 6 s and 600 MB. A file beyond a limit is a
#: LogError that names the file, the sheet and the cell, and says what to do.
MAX_CELLS = 5_000_000  # rows x columns of one sheet, A1 to its last cell: ~6 s and ~0.5 GB to read
MAX_PART_BYTES = 200 * 2**20  # one part of a workbook, uncompressed (a sheet's XML, the shared text)
MAX_BOOK_BYTES = 500 * 2**20  # all the parts of a workbook together, uncompressed
MAX_PARTS = 10_000  # parts in one workbook package
MAX_CELL_CHARS = 32_767  # characters in one cell: Excel's own limit (it cannot write a longer one)
_LAST_ROW, _LAST_COL = 1_048_576, 16_384  # a spreadsheet's grid ends at XFD1048576

_DAMAGED = "open it in Excel or LibreOffice and save it again"


def _excel(path: Path, sheet) -> list[Sheet]:
    suffix = path.suffix.lower()
    copy, names, notices = None, None, []
    if zipfile.is_zipfile(path):
        try:
            zf = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise LogError(f"{path.name} is damaged (the file is cut short or corrupt: {exc}); "
                           "save it again from Excel") from None
        with zf:
            kind = _package_kind(zf)
            _check_package(zf, path)
            if suffix != ".ods":
                try:
                    bad = zf.testzip()
                except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError,
                        zlib.error) as exc:
                    raise LogError(f"{path.name} is damaged (the file is cut short or corrupt: {exc}); "
                                   "save it again from Excel") from None
                if bad is not None:
                    raise LogError(f"{path.name} is damaged (part {bad} is corrupt); save it again from Excel")
            # the cells' extent, long cells, hidden rows and columns, formulas: before any cell is read
            if kind == "xlsx":
                names, notices, copy = _scan_xlsx(zf, path.name, sheet)
            elif kind == "ods":
                names, notices = _scan_ods(zf, path.name, sheet)
    elif suffix not in {".xls", ".ods"}:
        raise LogError(f"{path.name} is damaged (not a complete workbook); save it again from Excel")
    if names is None:  # .xls, .xlsb: the reader's own list of sheets
        names = _calamine_sheets(path)
    chosen = _choose_sheets(names, sheet, path.name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # keep_default_na=False: a cell that says "NA", "None" or "nan" is text the client
            # typed (an activity, a note), not an empty cell; empty cells come back as ""
            book = pd.read_excel(copy or path, sheet_name=chosen, header=None, engine="calamine", dtype=object,
                                 keep_default_na=False, na_values=[]) if chosen else {}
    except Exception as exc:  # calamine reports damage in many ways
        raise LogError(f"{path.name} could not be read as a workbook ({type(exc).__name__}: {exc}); "
                       f"{_DAMAGED}") from None
    out = [Sheet(path.name, name, book[name].reset_index(drop=True)) for name in chosen]
    if out:
        out[0].notices.extend(notices)
    return out


def _calamine_sheets(path: Path) -> list[str]:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        try:
            return list(book.sheet_names)
        finally:
            book.close()
    except Exception as exc:  # calamine reports damage in many ways
        raise LogError(f"{path.name} could not be read as a workbook ({type(exc).__name__}: {exc}); "
                       f"{_DAMAGED}") from None


def _package_kind(zf: zipfile.ZipFile) -> str | None:
    """``"xlsx"`` (also .xlsm), ``"ods"``, or None (a binary .xlsb, or another kind of zip), from
    what the package holds rather than from the file's name."""
    parts = set(zf.namelist())
    if "xl/workbook.xml" in parts:
        return "xlsx"
    if "content.xml" in parts:
        return "ods"
    return None


def _mb(n: int) -> str:
    return f"{n / 2**20:,.0f} MB" if n >= 2**20 else f"{max(n // 1024, 1):,} KB"


def _check_package(zf: zipfile.ZipFile, path: Path) -> None:
    """The parts of a workbook from its zip directory: how many, and how large once unpacked."""
    infos = zf.infolist()
    if len(infos) > MAX_PARTS:
        raise LogError(f"{path.name} holds {len(infos):,} parts, more than the {MAX_PARTS:,} bactivate "
                       f"reads from a workbook (it is damaged, or not a workbook): {_DAMAGED}")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MAX_PART_BYTES:
            raise LogError(
                f"{path.name}: {_part_label(zf, info.filename)} is {_mb(info.file_size)} once unpacked "
                f"(the file itself is {_mb(path.stat().st_size)}), more than the {_mb(MAX_PART_BYTES)} "
                "bactivate reads from one part of a workbook. If the log really is that large, save it "
                f"as CSV; otherwise the file is damaged: {_DAMAGED}")
    if total > MAX_BOOK_BYTES:
        raise LogError(
            f"{path.name} is {_mb(total)} once unpacked (the file itself is {_mb(path.stat().st_size)}), "
            f"more than the {_mb(MAX_BOOK_BYTES)} bactivate reads from one workbook. If the log really "
            f"is that large, save it as CSV; otherwise the file is damaged: {_DAMAGED}")


def _part_label(zf: zipfile.ZipFile, part: str) -> str:
    """A part of a package as the user knows it: a sheet's name where it can be told."""
    if part == "content.xml":
        return "the sheets' content (content.xml)"
    if part.endswith("sharedStrings.xml"):
        return f"the text of the workbook's cells ({part})"
    try:
        for name, _state, p in _sheet_parts(zf) or ():
            if p == part:
                return f"sheet {name!r} ({part})"
    except LogError:
        pass
    return f"part {part}"


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# a cell holding a formula: <c r="E2" ...><f>D2+1</f><v>7</v></c> (any namespace prefix)
# (an empty cell may be self-closed, <c r="D2" s="1"/>: never run on into the next cell)
_FORMULA_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]+[0-9]+)"[^>]*(?<!/)>'
                           rb'((?:(?!</(?:\w+:)?c>|<(?:\w+:)?c\b).)*?<(?:\w+:)?f\b.*?)</(?:\w+:)?c>', re.S)
_CACHED = re.compile(rb"<(?:\w+:)?v>[^<]+</(?:\w+:)?v>")
# the extent of a sheet from its cells' addresses, <c r="XFD1048576" ...>, as Excel, LibreOffice and
# openpyxl write them (the address first); a cell tag without one gives b"" (then _cells places it)
_REF_ROW = re.compile(rb'<c(?: r="[A-Z]+([0-9]+)")?[\s/>]')
_REF_COL = re.compile(rb'<c r="([A-Z]+)[0-9]')
# every row and cell tag in order, for sheets whose cells do not all say where they are
_TAG = re.compile(rb"<(?:\w+:)?(row|c)(?=[\s/>])([^>]*)>")
_R_ATTR = re.compile(rb"""\sr\s*=\s*["']([A-Za-z]*)([0-9]*)["']""")
_CELL_END = re.compile(rb"</(?:\w+:)?c\s*>")
_HAS_VALUE = re.compile(rb"<(?:\w+:)?[vt](?:\s[^>]*)?>\s*[^<\s]")
# a run of text as long as the longest cell, right after a tag (linear: runs start after ">")
_LONG_TEXT = re.compile(rb">[^<]{%d}" % MAX_CELL_CHARS)
_TEXT_TAG = re.compile(rb"<(?:\w+:)?[tvf](?:\s[^>]*)?>$")
_RICH_INLINE = re.compile(rb"<(?:\w+:)?is>\s*<(?:\w+:)?r>")
_INLINE = re.compile(rb"<(?:\w+:)?is>(.*?)</(?:\w+:)?is>", re.S)
_T_TEXT = re.compile(rb"<(?:\w+:)?t(?:\s[^>]*)?>([^<]*)</(?:\w+:)?t>")
_HIDDEN_ROW = re.compile(rb"""<(?:\w+:)?row\s[^>]*?\bhidden\s*=\s*["'](?:1|true)["'][^>]*>""")
_HIDDEN_COL = re.compile(rb"""<(?:\w+:)?col\s[^>]*?\bhidden\s*=\s*["'](?:1|true)["'][^>]*>""")
_ROW_END = re.compile(rb"</(?:\w+:)?row\s*>")
_MIN_MAX = re.compile(rb"""\b(min|max)\s*=\s*["']([0-9]+)["']""")
_PRESENT_COL = re.compile(rb' r="([A-Z]+)[0-9]+"[^>]*(?<!/)>')


def _sheet_parts(zf: zipfile.ZipFile) -> list[tuple[str, str, str]] | None:
    """``(name, state, part)`` of each sheet, in the workbook's order; None if the package does
    not say (then the cell reader is left to find them)."""
    try:
        book = ET.fromstring(_read_small(zf, "xl/workbook.xml"))
        rels = ET.fromstring(_read_small(zf, "xl/_rels/workbook.xml.rels"))
    except (KeyError, ET.ParseError):
        return None
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_PKG}Relationship")}
    out = []
    for s in book.iter(f"{_MAIN}sheet"):
        target = targets.get(s.get(f"{_REL}id"), "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        out.append((s.get("name"), s.get("state", "visible"), part))
    return out


def _read_small(zf: zipfile.ZipFile, part: str) -> bytes:
    if zf.getinfo(part).file_size > MAX_PART_BYTES:  # (the directory was checked; a safeguard)
        raise KeyError(part)
    return zf.read(part)


def _shared_strings_part(zf: zipfile.ZipFile, parts: set[str]) -> str | None:
    try:
        rels = ET.fromstring(_read_small(zf, "xl/_rels/workbook.xml.rels"))
        for r in rels.iter(f"{_PKG}Relationship"):
            if r.get("Type", "").endswith("/sharedStrings"):
                target = r.get("Target", "")
                part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                    posixpath.join("xl", target))
                if part in parts:
                    return part
    except (KeyError, ET.ParseError):
        pass
    return "xl/sharedStrings.xml" if "xl/sharedStrings.xml" in parts else None


def _scan_xlsx(zf: zipfile.ZipFile, file: str, sheet) -> tuple[list[str] | None, list[str], io.BytesIO | None]:
    """``(sheet names, notices, copy)`` for an XLSX package, before any cell is read (*copy*: the
    package to read instead of the file, when stray empty cells were left out of it).

    Each chosen sheet's XML is scanned for how far its cells reach (a stray cell far from the
    log), cells longer than a cell can be, hidden rows and columns, and formulas whose result was
    never saved. A stray far cell that holds nothing is left out of a copy of the file made in
    memory (with a notice); one that holds something is a LogError. Names sheets and cells in
    what it says, never contents.
    """
    parts = set(zf.namelist())
    listing = _sheet_parts(zf)
    if listing is None:  # not a standard package: check every worksheet the reader could open
        names, todo = None, [(None, "visible", p) for p in sorted(parts)
                             if p.startswith("xl/worksheets/") and p.endswith(".xml")]
    else:
        names = [n for n, _, _ in listing]
        chosen = set(_choose_sheets(names, sheet, file))
        todo = [item for item in listing if item[0] in chosen]
    shared = _shared_strings_part(zf, parts)
    long_shared = _long_shared_strings(zf.read(shared)) if shared else {}
    hidden, notices, formulas, replaced = [], [], {}, {}
    for name, state, part in todo:
        if state != "visible":
            hidden.append(name)
        if part not in parts:
            continue
        data = zf.read(part)
        label = f"sheet {name!r}" if name is not None else f"the sheet in {part}"
        new, said = _check_sheet_xml(data, file, label, long_shared)
        notices.extend(said)
        if new is not None:
            replaced[part] = data = new
        if b"<f" in data or b":f" in data:
            empty = [m.group(1).decode() for m in _FORMULA_CELL.finditer(data)
                     if not _CACHED.search(m.group(2))]
            if empty:
                formulas[label] = empty
    out = []
    if hidden and sheet is None:
        out.append(
            f"{file}: {_plural_sheets(hidden)} hidden in the workbook and read like the others; "
            f"to leave {'it' if len(hidden) == 1 else 'them'} out, choose the sheets to read with "
            f"sheet=[...]")
    out.extend(notices)
    for label, cells in formulas.items():
        shown = ", ".join(cells[:10]) + (f" and {len(cells) - 10} more" if len(cells) > 10 else "")
        out.append(
            f"{file}: {label} has formulas with no saved result in {shown} (the file was "
            "written by a program that does not calculate formulas); they are read as empty cells. "
            "Open the file in Excel or LibreOffice and save it again so that the results are stored")
    return names, out, _repacked(zf, replaced) if replaced else None


def _repacked(zf: zipfile.ZipFile, replaced: dict[str, bytes]) -> io.BytesIO:
    """A copy of the package in memory with some parts replaced (the file itself is never written)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        for info in zf.infolist():
            out.writestr(info.filename, replaced[info.filename] if info.filename in replaced
                         else zf.read(info))
    buf.seek(0)
    return buf


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _ref(row: int, col: int) -> str:
    return f"{column_letter(col - 1)}{row}"


def _check_sheet_xml(data: bytes, file: str, label: str, long_shared: dict) -> tuple[bytes | None, list[str]]:
    """Check one sheet's XML against the limits: ``(data, notices)``, *data* with stray empty
    cells left out (None when nothing was left out); a LogError for what cannot be read."""
    _check_long_inline(data, file, label)
    if long_shared:
        _check_long_shared_refs(data, file, label, long_shared)
    notices = []
    rows = _REF_ROW.findall(data)
    new = None
    if b"" not in rows and b":c" not in data:  # every cell says where it is: the extent from them
        max_row = max(map(int, rows), default=0)
        max_col = max((_col_number(c) for c in set(_REF_COL.findall(data))), default=0)
        fits = max_row * max_col <= MAX_CELLS and max_row <= _LAST_ROW and max_col <= _LAST_COL
    else:
        fits = False
    if not fits:
        new, notices = _settle_extent(data, file, label)
    hidden = _hidden_note(data if new is None else new, file, label)
    if hidden:
        notices.append(hidden)
    return new, notices


def _cells(data: bytes):
    """Every cell of a sheet's XML, placed as the cell reader places them (a cell without an
    address follows the one before it): arrays of row, column (1-based), self-closed (holds
    nothing, only a style), and where its element starts and ends in *data*."""
    from array import array

    rows, cols, closed, starts, ends = array("q"), array("q"), array("b"), array("q"), array("q")
    row, col = 0, 0
    for m in _TAG.finditer(data):
        kind, attrs = m.group(1), m.group(2)
        r = _R_ATTR.search(attrs)
        if kind == b"row":
            row = int(r.group(2)) if r and r.group(2) else row + 1
            col = 0
            continue
        if r and r.group(1) and r.group(2):
            col, at = _col_number(r.group(1)), int(r.group(2))
        else:
            col, at = col + 1, row
        shut = attrs.endswith(b"/")
        if shut:
            end = m.end()
        else:
            e = _CELL_END.search(data, m.end())
            end = e.end() if e else len(data)
        rows.append(at)
        cols.append(col)
        closed.append(shut)
        starts.append(m.start())
        ends.append(end)
    return (np.frombuffer(rows, dtype=np.int64), np.frombuffer(cols, dtype=np.int64),
            np.frombuffer(closed, dtype=np.int8).astype(bool), np.frombuffer(starts, dtype=np.int64),
            np.frombuffer(ends, dtype=np.int64))


def _settle_extent(data: bytes, file: str, label: str) -> tuple[bytes | None, list[str]]:
    """A sheet whose cells reach beyond MAX_CELLS (or lack addresses): find which cells do.

    Cells that hold nothing (only a style, or an empty value) are left out; a cell that holds
    something far from the rest is a LogError naming it, and so is a sheet that is simply larger
    than the limit.
    """
    rows, cols, closed, starts, ends = _cells(data)
    present = ~closed  # self-closed cells (a style only) are passed over by the cell reader
    out_of_grid = present & ((rows > _LAST_ROW) | (cols > _LAST_COL) | (rows < 1))
    if out_of_grid.any():
        i = int(np.flatnonzero(out_of_grid)[0])
        where = _ref(int(rows[i]), int(cols[i])) if rows[i] >= 1 else "row 0"
        raise LogError(f"{file}: {label} has a cell at {where}, outside a spreadsheet's grid "
                       f"(A1:XFD1048576): the file is damaged; {_DAMAGED}")
    notices = []
    pr, pc = rows[present], cols[present]
    if len(rows) and int(rows.max()) * int(cols.max()) > MAX_CELLS and (
            not len(pr) or int(pr.max()) * int(pc.max()) <= MAX_CELLS):
        notices.append(f"{file}: {label} has empty cells that only carry formatting as far as "
                       f"{_ref(int(rows.max()), int(cols.max()))}, far beyond the log "
                       f"({_box(pr, pc, np.zeros(len(pr), dtype=bool))}); they hold nothing and were "
                       "passed over (Ctrl+End in Excel goes there: delete those rows and columns to "
                       "tidy the file)")
    if not len(pr) or int(pr.max()) * int(pc.max()) <= MAX_CELLS:
        return None, notices
    idx = np.flatnonzero(present)
    far = _far_cells(pr, pc, np.zeros(len(pr), dtype=bool))
    if not _stray(far, pr, pc, np.ones(len(pr), dtype=np.int64)):  # no few cells to blame: it is that large
        n_rows, n_cols = int(pr.max()), int(pc.max())
        raise LogError(
            f"{file}: {label} reaches from A1 to {_ref(n_rows, n_cols)}: {n_rows:,} rows x "
            f"{n_cols:,} columns = {n_rows * n_cols:,} cells, more than the {MAX_CELLS:,} bactivate "
            "reads from one sheet. Save the log as CSV, or split it over several sheets or files")
    far_idx = idx[far]
    valued = [i for i in far_idx if _HAS_VALUE.search(data, int(starts[i]), int(ends[i]))]
    rest = _box(pr, pc, far)
    if valued:
        refs = [_ref(int(rows[i]), int(cols[i])) for i in valued]
        shown = _listed(refs)
        n_rows, n_cols = int(pr.max()), int(pc.max())
        raise LogError(
            f"{file}: {label} has {'a cell' if len(refs) == 1 else 'cells'} at {shown}, far beyond the "
            f"rest of the log ({rest}); reading {'it' if len(refs) == 1 else 'them'} would mean "
            f"{n_rows * n_cols:,} cells (A1:{_ref(n_rows, n_cols)}), and the limit is {MAX_CELLS:,} "
            f"cells: delete the stray {'cell' if len(refs) == 1 else 'cells'} (Ctrl+End in Excel goes "
            "there) and save again")
    # only empty cells are far: a copy without them (the file itself is not touched)
    keep, pos = [], 0
    for i in sorted(far_idx, key=lambda i: starts[i]):
        keep.append(data[pos:int(starts[i])])
        pos = int(ends[i])
    keep.append(data[pos:])
    refs = [_ref(int(rows[i]), int(cols[i])) for i in far_idx]
    notices.append(f"{file}: {label} has {'an empty cell' if len(refs) == 1 else 'empty cells'} at "
                   f"{_listed(refs)}, far beyond the log ({rest}); {'it holds' if len(refs) == 1 else 'they hold'} "
                   "nothing and {} left out (Ctrl+End in Excel goes there: delete {} to tidy the file)".format(
                       "was" if len(refs) == 1 else "were", "it" if len(refs) == 1 else "them"))
    return b"".join(keep), notices


def _far_cells(rows: np.ndarray, cols: np.ndarray, gone: np.ndarray, steps: int = 12) -> np.ndarray | None:
    """The cells (a mask) whose removal brings the rest within MAX_CELLS: the last row or the
    last column, whichever leaves the smaller range, a step at a time. None when it takes more
    than *steps* rows and columns: then the sheet is simply that large."""
    keep = ~gone
    far = np.zeros(len(rows), dtype=bool)
    for _ in range(steps):
        if not keep.any() or int(rows[keep].max()) * int(cols[keep].max()) <= MAX_CELLS:
            return far
        r, c = int(rows[keep].max()), int(cols[keep].max())
        options = []
        for cut in (keep & (rows == r), keep & (cols == c)):
            rest = keep & ~cut
            area = int(rows[rest].max()) * int(cols[rest].max()) if rest.any() else 0
            options.append((area, cut))
        cut = min(options, key=lambda o: o[0])[1]
        far |= cut
        keep &= ~cut
    return far if not keep.any() or int(rows[keep].max()) * int(cols[keep].max()) <= MAX_CELLS else None


def _stray(far: np.ndarray | None, rows: np.ndarray, cols: np.ndarray, size: np.ndarray) -> bool:
    """True when the *far* cells are strays: they hold at most 1% of the range their removal clears
    (one cell at XFD1048576 clears 17 billion), not the last rows or columns of a large sheet."""
    if far is None or not far.any():
        return False
    rest = ~far
    left = int(rows[rest].max()) * int(cols[rest].max()) if rest.any() else 0
    return int(size[far].sum()) * 100 <= int(rows.max()) * int(cols.max()) - left


def _box(rows: np.ndarray, cols: np.ndarray, far: np.ndarray) -> str:
    rest = ~far
    if not rest.any():
        return "no other cells"
    return f"used range A1:{_ref(int(rows[rest].max()), int(cols[rest].max()))} otherwise"


def _listed(items: list[str], n: int = 5) -> str:
    if len(items) <= n:
        return ", ".join(items[:-1]) + (" and " if len(items) > 1 else "") + items[-1]
    return ", ".join(items[:n]) + f" and {len(items) - n:,} more"


def _text_length(raw: bytes) -> int:
    return len(html.unescape(raw.decode("utf-8", "replace")))


def _check_long_inline(data: bytes, file: str, label: str) -> None:
    """A LogError for a cell whose text (an inline string or a formula's text result) is longer
    than a cell can be; found from runs of text, in one pass."""
    pos = 0
    while m := _LONG_TEXT.search(data, pos):
        start = m.start() + 1
        end = data.find(b"<", start)
        end = len(data) if end < 0 else end
        opening = data[data.rfind(b"<", 0, start):start]
        if not _TEXT_TAG.match(opening):  # not a cell's text (spaces between tags, another part)
            pos = end
            continue
        n = _text_length(data[start:end]) if end - start <= 12 * MAX_CELL_CHARS else None
        if n is None or n > MAX_CELL_CHARS:
            raise _long_cell(file, label, _cell_before(data, start), n, end - start)
        pos = end
    if (b"<r>" in data or b":r>" in data) and _RICH_INLINE.search(data):  # text in runs: add them up
        for m in _INLINE.finditer(data):
            if m.end() - m.start() > MAX_CELL_CHARS:
                n = sum(_text_length(t) for t in _T_TEXT.findall(m.group(1)))
                if n > MAX_CELL_CHARS:
                    raise _long_cell(file, label, _cell_before(data, m.start()), n, m.end() - m.start())


def _cell_before(data: bytes, pos: int) -> str | None:
    """The address of the cell an offset in a sheet's XML lies in (None if it does not say)."""
    window = data[max(0, pos - 4096):pos]
    last = None
    for m in _TAG.finditer(window):
        if m.group(1) == b"c":
            last = m
    if last is None:
        return None
    r = _R_ATTR.search(last.group(2))
    return (r.group(1) + r.group(2)).decode() if r and r.group(1) and r.group(2) else None


def _long_cell(file: str, label: str, ref: str | None, n: int | None, size: int) -> LogError:
    where = f"{label}, cell {ref}," if ref else f"{label} has a cell that"
    held = f"{n:,} characters" if n is not None else f"more than {MAX_CELL_CHARS:,} characters ({_mb(size)})"
    return LogError(
        f"{file}: {where} holds {held}, more than a cell can hold ({MAX_CELL_CHARS:,}, Excel's own "
        "limit): the file was not written by Excel, or is damaged. Shorten or delete that cell "
        "(or save the log as CSV) and try again")


def _long_shared_strings(data: bytes) -> dict[int, tuple[int | None, int]]:
    """``{index: (characters, bytes)}`` of the workbook's shared texts longer than a cell can be
    (characters None when far longer: not counted); found by the span of each ``<si>``."""
    if len(data) <= MAX_CELL_CHARS:
        return {}
    starts = [m.start() for m in re.finditer(rb"<(?:\w+:)?si[\s>/]", data)]
    if not starts:
        return {}
    spans = np.diff(np.array(starts + [len(data)], dtype=np.int64))
    out = {}
    for i in np.flatnonzero(spans > MAX_CELL_CHARS):
        start, size = starts[i], int(spans[i])
        if size > 12 * MAX_CELL_CHARS:
            out[int(i)] = (None, size)
            continue
        n = sum(_text_length(t) for t in _T_TEXT.findall(data, start, start + size))
        if n > MAX_CELL_CHARS:
            out[int(i)] = (n, size)
    return out


def _check_long_shared_refs(data: bytes, file: str, label: str, long_shared: dict) -> None:
    """A LogError when a cell of this sheet shows one of the over-long shared texts."""
    for i, (n, size) in long_shared.items():
        for m in re.finditer(rb"<(?:\w+:)?v>\s*%d\s*</" % i, data):
            start = max(data.rfind(b"<c ", 0, m.start()), data.rfind(b":c ", 0, m.start()))
            tag = data[start:m.start()]
            if re.search(rb"""\st\s*=\s*["']s["']""", tag):
                raise _long_cell(file, label, _cell_before(data, m.start()), n, size)


def _hidden_note(data: bytes, file: str, label: str) -> str | None:
    """One sentence naming the rows and columns that are hidden in a sheet and hold cells."""
    if b"hidden" not in data:
        return None
    rows = []
    for m in _HIDDEN_ROW.finditer(data):
        if m.group(0).endswith(b"/>"):
            continue  # a row with no cells
        r = _R_ATTR.search(m.group(0))
        end = _ROW_END.search(data, m.end())
        if r and r.group(2) and _HAS_VALUE.search(data, m.end(), end.start() if end else len(data)):
            rows.append((int(r.group(2)), int(r.group(2))))
    cols = []
    if _HIDDEN_COL.search(data):
        used = sorted({_col_number(c) for c in _PRESENT_COL.findall(data)})
        for m in _HIDDEN_COL.finditer(data):
            bounds = dict(_MIN_MAX.findall(m.group(0)))
            if b"min" in bounds:
                lo, hi = int(bounds[b"min"]), int(bounds.get(b"max", bounds[b"min"]))
                cols.extend((c, c) for c in used if lo <= c <= hi)
    return _hidden_sentence(file, label, rows, cols)


def _hidden_sentence(file: str, label: str, rows: list[tuple[int, int]], cols: list[tuple[int, int]]
                     ) -> str | None:
    """"sheet 'Week 2': rows 14-16 and column F are hidden ..." from (first, last) ranges."""
    rows, cols = _merged(rows), _merged(cols)
    if not rows and not cols:
        return None
    parts = []
    if rows:
        one = len(rows) == 1 and rows[0][0] == rows[0][1]
        parts.append(("row " if one else "rows ") + _spans(rows, str))
    if cols:
        one = len(cols) == 1 and cols[0][0] == cols[0][1]
        parts.append(("column " if one else "columns ") + _spans(cols, lambda c: column_letter(c - 1)))
    many = len(parts) > 1 or not one
    return (f"{file}: {label}: {' and '.join(parts)} {'are' if many else 'is'} hidden in the workbook "
            f"and {'were' if many else 'was'} read like the others")


def _merged(ranges: list[tuple[int, int]]) -> list[list[int]]:
    out: list[list[int]] = []
    for a, b in sorted(ranges):
        if out and a <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return out


def _spans(runs: list[list[int]], show, n: int = 8) -> str:
    """``14-16, 20`` for the runs [[14, 16], [20, 20]] (at most *n*, then how many more)."""
    return _listed([show(a) if a == b else f"{show(a)}-{show(b)}" for a, b in runs], n)


# --------------------------------------------------------------------------- ODS

_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_ODS_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


def _scan_ods(zf: zipfile.ZipFile, file: str, sheet) -> tuple[list[str] | None, list[str]]:
    """``(sheet names, notices)`` of an ODS package, from its content.xml read as a stream.

    Repeated rows and cells (``table:number-rows-repeated``, ``number-columns-repeated``) are
    counted, not expanded: the trailing empty ones LibreOffice writes cost nothing, and cells
    that hold something are checked against MAX_CELLS like an XLSX sheet's.
    """
    tables = []  # (name, runs of cells that hold something, hidden rows, hidden columns)
    try:
        with zf.open("content.xml") as fh:
            tables = _ods_tables(fh, file)
    except KeyError:
        return None, []
    except (ET.ParseError, zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
        raise LogError(f"{file} is damaged (its content.xml cannot be read: {exc}); {_DAMAGED}") from None
    names = [t[0] for t in tables]
    chosen = set(_choose_sheets(names, sheet, file))
    notices = []
    for name, runs, hidden_rows, hidden_cols in tables:
        if name not in chosen:
            continue
        label = f"sheet {name!r}"
        r0, r1, c0, c1 = (np.frombuffer(a, dtype=np.int64) for a in runs)
        if len(r1) and int(r1.max()) * int(c1.max()) > MAX_CELLS:
            _ods_too_far(file, label, r0, r1, c0, c1)
        note = _hidden_sentence(file, label, _overlaps(hidden_rows, r0, r1), _overlaps(hidden_cols, c0, c1))
        if note:
            notices.append(note)
    return names, notices


def _ods_tables(fh, file: str):
    from array import array

    T = _ODS_TABLE
    tables = []
    stack = []
    name = runs = hidden_rows = hidden_cols = None
    row0 = row1 = col = next_row = next_col_def = depth = 0
    for event, elem in ET.iterparse(fh, events=("start", "end")):
        tag = elem.tag
        if event == "start":
            stack.append(elem)
            if tag == f"{T}table":
                depth += 1
                if depth > 1:
                    continue  # a table inside a cell: its cells are that cell's
                name = elem.get(f"{T}name", f"Sheet{len(tables) + 1}")
                runs = (array("q"), array("q"), array("q"), array("q"))
                hidden_rows, hidden_cols = [], []
                next_row, next_col_def = 0, 0
            elif name is None or depth > 1:
                continue
            elif tag == f"{T}table-row":
                n = _repeat(elem.get(f"{T}number-rows-repeated"))
                row0, row1 = next_row + 1, next_row + n
                next_row = row1
                col = 0
                if elem.get(f"{T}visibility", "visible") != "visible":
                    hidden_rows.append((row0, row1))
            elif tag == f"{T}table-column":
                n = _repeat(elem.get(f"{T}number-columns-repeated"))
                if elem.get(f"{T}visibility", "visible") != "visible":
                    hidden_cols.append((next_col_def + 1, next_col_def + n))
                next_col_def += n
            continue
        stack.pop()
        if tag == f"{T}table":
            depth -= 1
            if depth == 0 and name is not None:
                tables.append((name, runs, hidden_rows, hidden_cols))
                name = None
                if stack:
                    stack[-1].remove(elem)
            continue
        if name is None or depth > 1:
            continue
        if tag in (f"{T}table-cell", f"{T}covered-table-cell"):
            n = _repeat(elem.get(f"{T}number-columns-repeated"))
            c0, c1 = col + 1, col + n
            col = c1
            if elem.get(f"{_ODS_OFFICE}value-type") is not None or len(elem) or (elem.text or "").strip():
                text = sum(len(t) for t in elem.itertext()) + sum(
                    _repeat(s.get(f"{_ODS_TEXT}c")) for s in elem.iter(f"{_ODS_TEXT}s"))
                chars = max(text, len(elem.get(f"{_ODS_OFFICE}string-value") or ""))
                if chars > MAX_CELL_CHARS:
                    raise _long_cell(file, f"sheet {name!r}", _ref(row0, c0), chars, chars)
                for a, v in zip(runs, (row0, row1, c0, c1), strict=True):
                    a.append(v)
            if stack:
                stack[-1].remove(elem)
        elif tag == f"{T}table-row":
            if stack:
                stack[-1].remove(elem)
    return tables


def _overlaps(hidden: list[tuple[int, int]], lo: np.ndarray, hi: np.ndarray) -> list[tuple[int, int]]:
    """The parts of the *hidden* ranges that runs of cells (from *lo* to *hi*) fall in."""
    out = []
    for a, b in hidden:
        hit = (lo <= b) & (hi >= a)
        out.extend(zip(np.maximum(lo[hit], a).tolist(), np.minimum(hi[hit], b).tolist(), strict=True))
    return out


def _repeat(value) -> int:
    try:
        return max(int(value), 1) if value is not None else 1
    except ValueError:
        return 1


def _ods_too_far(file, label, r0, r1, c0, c1):
    """The LogError for an ODS sheet whose cells that hold something reach beyond MAX_CELLS."""
    n_rows, n_cols = int(r1.max()), int(c1.max())
    total = f"{n_rows * n_cols:,} cells (A1:{_ref(n_rows, n_cols)})"
    size = (r1 - r0 + 1) * (c1 - c0 + 1)
    # as for an XLSX sheet: a few far cells, else one cell repeated over rows or columns, else
    # a sheet that is simply that large
    far = _far_cells(r1, c1, np.zeros(len(r1), dtype=bool))
    if not _stray(far, r1, c1, size):
        big = int(np.argmax(size))
        if size[big] > 1000:
            a, b, c, d = int(r0[big]), int(r1[big]), int(c0[big]), int(c1[big])
            if c == d:
                what = (f"repeats row {a:,} {b - a + 1:,} times (rows {a:,} to {b:,}: the file's "
                        "table:number-rows-repeated)")
            elif a == b:
                what = (f"repeats cell {_ref(a, c)} {d - c + 1:,} times (to {_ref(a, d)}: the file's "
                        "table:number-columns-repeated)")
            else:
                what = (f"repeats cell {_ref(a, c)} {int(size[big]):,} times over {_ref(a, c)}:{_ref(b, d)} "
                        "(the file's table:number-rows-repeated and number-columns-repeated)")
            raise LogError(
                f"{file}: {label} {what}, which makes {total}, more than the {MAX_CELLS:,} cells "
                "bactivate reads from one sheet: delete those rows or columns and save again (or save "
                "the log as CSV)")
        raise LogError(f"{file}: {label} reaches {total}, more than the {MAX_CELLS:,} cells bactivate "
                       "reads from one sheet. Save the log as CSV, or split it over several sheets or files")
    refs = [_ref(int(a), int(b)) if (a, b) == (c, d) else f"{_ref(int(a), int(b))}:{_ref(int(c), int(d))}"
            for a, b, c, d in zip(r0[far], c0[far], r1[far], c1[far], strict=True)]
    raise LogError(
        f"{file}: {label} has {'a cell' if len(refs) == 1 else 'cells'} at {_listed(refs)}, far beyond "
        f"the rest of the log ({_box(r1, c1, far)}); reading {'it' if len(refs) == 1 else 'them'} would "
        f"mean {total}, and the limit is {MAX_CELLS:,} cells: delete the stray "
        f"{'cell' if len(refs) == 1 else 'cells'} (Ctrl+End goes there) and save again")


def _plural_sheets(names: list[str]) -> str:
    quoted = ", ".join(repr(n) for n in names)
    return f"sheet {quoted} is" if len(names) == 1 else f"sheets {quoted} are"


def _choose_sheets(names: list[str], sheet, file: str) -> list[str]:
    if sheet is None:
        return names
    wanted = sheet if isinstance(sheet, list | tuple) else [sheet]
    out = []
    for w in wanted:
        if isinstance(w, int | np.integer):
            if not 0 <= w < len(names):
                raise LogError(f"{file} has {len(names)} sheets; sheet={w} does not exist")
            out.append(names[w])
        elif w in names:
            out.append(w)
        else:
            raise LogError(f"{file} has no sheet {w!r}; its sheets are {names}")
    return out


#: Cells (rows x columns) of one Parquet table: a few KB of Parquet can declare a billion rows of
#: one repeated value, all of which pandas would allocate. ~100 times a large log; CSV-sized.
MAX_TABLE_CELLS = 100_000_000


def _parquet(path: Path) -> Sheet:
    """A Parquet table as a typed sheet. Every schema ends in a sheet or a LogError: columns of
    nested types (lists, records, maps) and binary columns are turned into text first (see
    :func:`_plain_column`), each with a notice; a column that bactivate reads (an activity, a
    rating) holding lists is a LogError unless each list holds at most one value."""
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
        meta = pf.metadata
    except Exception as exc:
        raise LogError(f"{path.name} could not be read as Parquet ({exc})") from None
    n_cells = meta.num_rows * max(meta.num_columns, 1)
    if n_cells > MAX_TABLE_CELLS:
        raise LogError(
            f"{path.name} holds {meta.num_rows:,} rows x {meta.num_columns:,} columns = {n_cells:,} "
            f"cells (the file itself is {_mb(path.stat().st_size)}), more than the {MAX_TABLE_CELLS:,} "
            "bactivate reads from one table: split it into smaller files (e.g. one per client)")
    notices: list[str] = []
    try:
        schema = pf.schema_arrow
        if any(_awkward(f.type) for f in schema):
            table = pf.read()
            for i, f in enumerate(table.schema):
                if _awkward(f.type):
                    col, said = _plain_column(table.column(i), f.name, path.name)
                    table = table.set_column(i, f.name, col)
                    notices.extend(said)
            df = _arrow_frame(table, path.name, notices)
        else:
            df = pd.read_parquet(path)
    except LogError:
        raise
    except Exception as exc:
        raise LogError(f"{path.name} could not be read as Parquet ({exc})") from None
    cells = pd.DataFrame({j: _coded(df[c]) for j, c in enumerate(df.columns)})
    cells.index = pd.RangeIndex(1, len(df) + 1)
    return Sheet(path.name, None, cells, typed_header=True, head=[str(c) for c in df.columns],
                 notices=notices)


def _awkward(t) -> bool:
    """True for Arrow types pandas cannot hold as cells bactivate reads: nested and binary ones."""
    import pyarrow as pa

    if pa.types.is_dictionary(t):
        return _awkward(t.value_type)
    return (pa.types.is_nested(t) or pa.types.is_binary(t) or pa.types.is_large_binary(t)
            or pa.types.is_fixed_size_binary(t) or getattr(pa.types, "is_binary_view", lambda _: False)(t))


def _plain_column(col, name: str, file: str):
    """``(column, notices)``: a nested or binary Parquet column as text.

    Binary cells that are UTF-8 text become that text; other binary cells a placeholder such as
    ``<4 bytes, not text>``. Lists, records (struct) and maps become their JSON text, e.g.
    ``["Walk", "Run"]``; except that in a column bactivate reads (its header names a field: the
    activity, a rating, a date) lists of at most one value are unwrapped, and longer lists, records
    and maps are a LogError (one value per row: a multi-select is written one row per value).
    """
    import json

    import pyarrow as pa

    t = col.type.value_type if pa.types.is_dictionary(col.type) else col.type
    values = col.to_pylist()
    rows = lambda idx: _listed([str(i + 2) for i in idx], 8)  # noqa: E731  (row 1 is the header)
    field = headers.field_for(name)
    if pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t) or \
            not pa.types.is_nested(t):
        out, bad = [], []
        for i, v in enumerate(values):
            if v is None:
                out.append(None)
                continue
            try:
                out.append(bytes(v).decode("utf-8"))
            except UnicodeDecodeError:
                out.append(f"<{len(v)} byte{'' if len(v) == 1 else 's'}, not text>")
                bad.append(i)
        said = [] if not bad else [  # binary cells that are all UTF-8 text are that text
            f"{file}: column {name!r} holds binary data that is not text in {_plural_rows(bad)} "
            f"({rows(bad)}), shown there as <N bytes, not text>; its other cells are read as UTF-8 text"]
        return pa.array(out, type=pa.string()), said
    kind = ("lists (several values in one cell)" if pa.types.is_list(t) or pa.types.is_large_list(t)
            or pa.types.is_fixed_size_list(t) or "list_view" in str(t)
            else "key-value maps" if pa.types.is_map(t) else "records (Parquet structs)"
            if pa.types.is_struct(t) else f"values of type {t}")
    is_list = kind.startswith("lists")
    if field is not None and field != "source":
        if is_list and all(v is None or len(v) <= 1 for v in values):
            out = [None if not v else v[0] for v in values]
            plain = pa.array(out)
            if _awkward(plain.type):
                plain, _ = _plain_column(plain, name, file)
            return plain, [f"{file}: column {name!r} holds lists of one value each; read as that value"]
        several = [i for i, v in enumerate(values) if v is not None and (not is_list or len(v) > 1)]
        hint = (f"write one row per value (in pandas: df.explode({name!r})) and save the file again"
                if is_list else f"write the {field} as plain text or a number in that column")
        raise LogError(
            f"{file}: column {name!r} holds {kind} in {_plural_rows(several)} ({rows(several)}), and "
            f"bactivate reads one {field} per row: {hint}")

    def plain(v):
        if isinstance(v, list) and v and all(isinstance(p, tuple) and len(p) == 2 for p in v) and \
                pa.types.is_map(t):
            v = {str(k): x for k, x in v}
        return v

    out = [None if v is None else json.dumps(plain(v), ensure_ascii=False, default=str) for v in values]
    return pa.array(out, type=pa.string()), [
        f"{file}: column {name!r} holds {kind}; kept as their JSON text (json.loads reads it back)"]


def _plural_rows(idx) -> str:
    return f"{len(idx)} row" + ("" if len(idx) == 1 else "s")


def _arrow_frame(table, file: str, notices: list[str]) -> pd.DataFrame:
    """The table as pandas reads it; a column pandas cannot hold becomes text, with a notice."""
    try:
        return table.to_pandas()
    except Exception:
        pass
    import pyarrow as pa

    for i, f in enumerate(table.schema):
        try:
            table.column(i).to_pandas()
        except Exception:
            text = pa.array([None if v is None else str(v) for v in table.column(i).to_pylist()], type=pa.string())
            table = table.set_column(i, f.name, text)
            notices.append(f"{file}: column {f.name!r} (of type {f.type}) is kept as text")
    return table.to_pandas()


def _coded(s: pd.Series) -> pd.Series:
    """A typed column as the loader reads it: text and yes/no as codes into their distinct cells.

    Numbers and dates stay as they are (their parsers are vectorised already); text and
    booleans become ``category``, so that each distinct cell is parsed once. A column of
    mixed Python objects stays as it is: ``1``, ``1.0`` and ``True`` would share a code.
    """
    if pd.api.types.is_string_dtype(s.dtype) and s.dtype != object:
        return s.astype("category")
    if pd.api.types.is_bool_dtype(s.dtype):
        return s.astype("category")
    if s.dtype == object and pd.api.types.infer_dtype(s, skipna=True) == "string":
        return s.astype("category")
    return s


_CONTROL = np.array([b not in (9, 10, 13) and b < 32 for b in range(256)])  # not tab, LF, CR


def decode(data: bytes, name: str) -> str:
    """Text of a CSV file: UTF-8 (with or without BOM), UTF-16, else Windows-1252/Latin-1."""
    return _decode(data, name)[0]


_NOT_UTF8 = re.compile("[\udc80-\udcff]+")  # bytes that are not UTF-8, as surrogateescape keeps them


def _decode(data: bytes, name: str) -> tuple[str, list[str]]:
    """``(text, notices)`` of a CSV file, its encoding told per file.

    UTF-8 (with or without a BOM) and UTF-16 with a BOM are read as they say. A file that is
    UTF-8 but for a few bytes stays UTF-8: those bytes become U+FFFD and a notice names their
    lines (reading the whole file as Windows-1252 garbled every accent: ``CafÃ©``). A file with
    more bytes that are not UTF-8 than UTF-8 characters beyond ASCII is read as Windows-1252
    (else Latin-1); that, and UTF-16 without a BOM, is said in a notice naming the encoding.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return _utf8_replaced(data[3:], name)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError:
            return data.decode("utf-16", errors="replace"), [
                f"{name}: some bytes are not UTF-16 (the encoding its first bytes name) and were "
                "replaced by \ufffd"]
    head = np.frombuffer(data[:4096], dtype=np.uint8)
    if np.count_nonzero(head == 0) > len(head) // 10:
        # UTF-16 without a BOM (every other byte of plain text is 0), or binary junk
        for enc, label in (("utf-16-le", "little-endian"), ("utf-16-be", "big-endian")):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                continue
            if text[:200].isprintable() or "\n" in text[:2000]:
                return text, [f"{name} was read as UTF-16 ({label}, without the byte-order mark that "
                              "says so); if its text looks wrong, save it as CSV UTF-8 and read it again"]
        raise _binary(name)
    if len(head) >= 64 and np.count_nonzero(_CONTROL[head]) > len(head) // 10:
        raise _binary(name)  # text people type has next to no control characters
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="surrogateescape")
    high = np.count_nonzero(np.frombuffer(data, dtype=np.uint8) >= 0x80)
    bad = sum(len(m) for m in _NOT_UTF8.findall(text))
    utf8_chars = len(text) - (len(data) - high) - bad  # characters beyond ASCII written in UTF-8
    if utf8_chars >= bad:
        return _utf8_replaced(data, name, text)
    try:
        return data.decode("cp1252"), [
            f"{name} is not UTF-8: it was read as Windows-1252 (the encoding Excel on Windows saves "
            "CSV in); if accents look wrong, save it as CSV UTF-8 and read it again"]
    except UnicodeDecodeError:
        return data.decode("latin-1"), [
            f"{name} is not UTF-8: it was read as Latin-1 (ISO-8859-1); if accents look wrong, save "
            "it as CSV UTF-8 and read it again"]


def _utf8_replaced(data: bytes, name: str, text: str | None = None) -> tuple[str, list[str]]:
    """UTF-8 text with the bytes that are not UTF-8 replaced by U+FFFD, and a notice naming the
    lines they are on (lines of the file, as an editor numbers them)."""
    if text is None:
        try:
            return data.decode("utf-8"), []
        except UnicodeDecodeError:
            text = data.decode("utf-8", errors="surrogateescape")
    lines, line, prev = [], 1, 0
    for m in _NOT_UTF8.finditer(text):
        line += text.count("\n", prev, m.start())
        prev = m.start()
        if not lines or lines[-1] != line:
            lines.append(line)
    text = _NOT_UTF8.sub(lambda m: "\ufffd" * len(m.group()), text)
    where = ("line " if len(lines) == 1 else "lines ") + _listed([str(n) for n in lines], 10)
    return text, [f"{name}: {where}: bytes that are not UTF-8 were replaced by \ufffd (the rest of the "
                  "file is UTF-8); retype the characters there if they matter"]


def _binary(name: str) -> LogError:
    return LogError(f"{name} is not a text (CSV) file: it holds binary data. "
                    "Give a CSV, XLSX, ODS or Parquet file")


def sniff_delimiter(text: str) -> str:
    """The separator of a CSV: comma, semicolon, tab or pipe, from its first rows.

    Each candidate splits the first rows the way a CSV reader would (quotes
    respected); the separator that gives the most cells in rows of one same
    width (of at least two cells) wins, so that a note holding ``;`` or ``"``,
    a decimal comma in a semicolon file, or tabs typed into a comma file's
    cells do not mislead it. Comma when nothing splits.
    """
    sample = text[:65536]
    best, best_score = ",", (0, 0, 0)
    for sep in (",", ";", "\t", "|"):
        if sep not in sample:
            continue
        try:
            reader = csv.reader(io.StringIO(sample, newline=""), delimiter=sep)
            widths = [len(row) for _, row in zip(range(50), reader, strict=False)
                      if row and row != [""]]
        except csv.Error:
            continue
        wide = [w for w in widths if w > 1]
        if not wide:
            continue
        mode = max(set(wide), key=lambda w: (wide.count(w), w))
        score = (wide.count(mode) * mode, wide.count(mode), mode)  # cells in rows of one width
        if score > best_score:
            best, best_score = sep, score
    return best


def _csv(path: Path) -> Sheet:
    data = path.read_bytes()
    cells = read_csv_fast(data)
    notices: list[str] = []
    if cells is None:
        cells = _csv_text(data, path.name, notices)
    return Sheet(path.name, None, cells, notices=notices)


def read_csv_fast(data: bytes) -> pd.DataFrame | None:
    """The cells of a plain UTF-8 CSV, read by pyarrow, each column coded into its distinct cells.

    This is the fast path for the common file: UTF-8, every line one record of the same
    width, no line break inside a quoted cell (so that record *i* is line *i + 1*). Each
    column comes back as a ``category`` Series whose categories are the column's distinct
    cells as text, which the parsers in :mod:`bactivate.io.cells` read once each. Any other
    file returns None and is read by :func:`_csv_text`, which handles every case.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    head = data[:65536]
    if not head or b"\x00" in head or head.isspace() or (b'"' in data and data.count(b'"') % 2):
        return None  # (an odd number of quotes: one is never closed, which the text reader explains)
    try:
        sample = head.decode("utf-8")
    except UnicodeDecodeError:  # maybe a multi-byte character cut at the end of the sample
        sample = head.decode("utf-8", errors="ignore")
        if len(sample.encode()) < len(head) - 4:
            return None
    head_codes = np.frombuffer(head[:4096], dtype=np.uint8)
    if len(head_codes) >= 64 and np.count_nonzero(_CONTROL[head_codes]) > len(head_codes) // 10:
        return None
    sep = sniff_delimiter(sample)
    try:
        first = next(csv.reader(io.StringIO(sample, newline=""), delimiter=sep))
    except (StopIteration, csv.Error):
        return None
    width = len(first)
    if width < 2:
        return None
    import pyarrow as pa
    from pyarrow import csv as pacsv

    names = [f"c{j}" for j in range(width)]
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(column_names=names),
            parse_options=pacsv.ParseOptions(delimiter=sep, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()),
                                                 null_values=[], strings_can_be_null=False,
                                                 quoted_strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError):
        return None
    if table.num_rows == 0:
        return None
    # one record per line: no quoted line breaks (a file without quotes has none), no lone CRs
    if b'"' in data:
        lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
        if table.num_rows != lines:
            return None
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
        return None
    # each column as codes into its distinct cells (one pass over the column, in Arrow)
    import pyarrow.compute as pc

    table = pa.table([pc.dictionary_encode(c.combine_chunks()) for c in table.columns], names=names)
    cells = table.to_pandas()
    cells.columns = range(width)
    return cells


def _csv_text(data: bytes, name: str, notices: list[str] | None = None) -> pd.DataFrame:
    text, said = _decode(data, name)
    if notices is not None:
        notices.extend(said)
    if not text.strip():
        raise LogError(f"{name} holds no text: export the log again")
    sep = sniff_delimiter(text)
    kw = dict(sep=sep, header=None, dtype=str, keep_default_na=False, na_values=[],
              skip_blank_lines=False, engine="c")
    try:
        try:
            cells = pd.read_csv(io.StringIO(text), **kw)
        except pd.errors.ParserError:
            # ragged rows (e.g. a title line above the header): give every line the widest width
            width = max(line.count(sep) for line in text.splitlines()) + 1
            cells = pd.read_csv(io.StringIO(text), names=range(width), **kw)
    except (pd.errors.ParserError, ValueError) as exc:
        line = _open_quote_line(text, sep)
        if line is not None:
            raise LogError(
                f"{name} could not be read as a CSV file: line {line} opens a quote (\") that is "
                "never closed (the file may have been cut short while exporting); export it again, "
                f"or close the quote on line {line}") from None
        raise LogError(
            f"{name} could not be read as a CSV file ({exc}); look for a quote (\") that is "
            "opened and never closed, or save the file again as CSV from your spreadsheet"
        ) from None
    cells.columns = range(cells.shape[1])
    cells.index = _line_numbers(cells) - 1
    return cells


def _open_quote_line(text: str, sep: str) -> int | None:
    """The line on which the record with a never-closed quote starts (only called on failure)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    start = 1
    try:
        for _ in reader:
            start = reader.line_num + 1
    except csv.Error:
        return start
    return None


def _line_numbers(cells: pd.DataFrame) -> np.ndarray:
    """The line of the file each CSV record starts on (1-based).

    A quoted cell can hold line breaks (a note over two lines), so record *i*
    is not always line *i + 1*: count the breaks inside each record's cells.
    """
    n = len(cells)
    if n == 0:
        return np.zeros(0, dtype="int64")
    breaks = np.zeros(n, dtype="int64")
    for c in cells.columns:  # a loop over columns, not rows
        col = cells[c]
        if col.dtype == object or pd.api.types.is_string_dtype(col.dtype):
            breaks += col.str.count(r"\r\n|\r|\n").fillna(0).to_numpy(dtype="int64")
    extra = np.concatenate([[0], np.cumsum(breaks)[:-1]])
    return np.arange(1, n + 1, dtype="int64") + extra


def display_name(path) -> str:
    return os.path.basename(os.fspath(path))


def column_letter(j: int) -> str:
    """The spreadsheet letter of the 0-based column *j*: 0 -> A, 25 -> Z, 26 -> AA."""
    s = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        s = chr(65 + r) + s
    return s


def frame_sheet(df: pd.DataFrame) -> Sheet:
    """A DataFrame given to read_log as one sheet of typed cells, its column names the header."""
    cells = pd.DataFrame({j: _coded(df.iloc[:, j]) for j in range(df.shape[1])})
    cells.index = pd.RangeIndex(1, len(df) + 1)
    return Sheet("<DataFrame>", None, cells, typed_header=True, head=list(map(str, df.columns)))
