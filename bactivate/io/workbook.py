"""Workbooks measured before their cells are read: the limits on what bactivate opens.

The cell reader (calamine) allocates every cell of a sheet's range, from A1 to
its last cell, at once: one stray cell at XFD1048576 in a 5 KB file aborted
the process. So each XLSX (or XLSM) and ODS package is measured from its own
index first -- the zip directory, the cell addresses in each sheet's XML, the
repeat counts of an ODS table -- and a file beyond a limit is a
:class:`~bactivate.LogError` naming the file, the sheet and the cell, and
saying what to do. The same scan finds what the user should know about the
cells that they cannot say themselves: hidden sheets, rows and columns read
like the others, formulas with no saved result, stray empty cells left out.
:func:`scan_workbook` is the entry point; :mod:`bactivate.io.files` reads the
cells afterwards.

The limits are this module's constants (``MAX_CELLS``, ``MAX_PART_BYTES``,
``MAX_BOOK_BYTES``, ``MAX_PARTS``, ``MAX_CELL_CHARS``); change them here, not
on :mod:`bactivate.io.files`, which shows the same values.

>>> from pathlib import Path
>>> names, notices, copy = scan_workbook(Path("data/sample/client-alex.xlsx"), None)
>>> names[:2], copy is None
(['Instructions', 'Week 1'], True)
"""

from __future__ import annotations

import html
import io
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
import zlib
from array import array
from pathlib import Path

import numpy as np

from bactivate._util import listed_and, plural_word
from bactivate.errors import LogError

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

#: What to do with a workbook that is damaged (the end of several messages).
DAMAGED = "open it in Excel or LibreOffice and save it again"


def scan_workbook(path: Path, sheet) -> tuple[list[str] | None, list[str], io.BytesIO | None]:
    """Measure a workbook against the limits before any of its cells is read.

    Parameters
    ----------
    path : pathlib.Path
        A file :func:`bactivate.io.files.file_kind` calls ``"excel"``.
    sheet : str, int, list of them, or None
        The sheets to be read (``sheet=``); only those are scanned.

    Returns
    -------
    tuple
        ``(names, notices, copy)``: the workbook's sheet names (None when the
        package does not list them: a legacy .xls or a binary .xlsb, whose
        sheets the cell reader lists), what the user should know about the
        cells (hidden sheets, rows and columns; formulas with no saved result;
        stray empty cells left out), and a copy of the package made in memory
        to read instead of the file when stray empty cells were left out of it
        (else None). The file itself is never written.

    Raises
    ------
    bactivate.LogError
        For a damaged package, or one beyond a limit (``MAX_PARTS``,
        ``MAX_PART_BYTES``, ``MAX_BOOK_BYTES``, ``MAX_CELLS``, ``MAX_CELL_CHARS``).

    Examples
    --------
    >>> from pathlib import Path
    >>> names, notices, copy = scan_workbook(Path("data/sample/client-alex.xlsx"), "Week 1")
    >>> len(names), notices, copy
    (7, [], None)
    """
    if not zipfile.is_zipfile(path):
        if path.suffix.lower() not in {".xls", ".ods"}:
            raise LogError(f"{path.name} is damaged (not a complete workbook); save it again from Excel")
        return None, [], None
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise LogError(f"{path.name} is damaged (the file is cut short or corrupt: {exc}); "
                       "save it again from Excel") from None
    with zf:
        kind = _package_kind(zf)
        _check_package(zf, path)
        if path.suffix.lower() != ".ods":
            _test_zip(zf, path)
        # the cells' extent, long cells, hidden rows and columns, formulas: before any cell is read
        if kind == "xlsx":
            return _scan_xlsx(zf, path.name, sheet)
        if kind == "ods":
            return (*_scan_ods(zf, path.name, sheet), None)
    return None, [], None


def _test_zip(zf: zipfile.ZipFile, path: Path) -> None:
    """A LogError when a part of the package is cut short or corrupt (its checksum is read)."""
    try:
        bad = zf.testzip()
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError,
            zlib.error) as exc:
        raise LogError(f"{path.name} is damaged (the file is cut short or corrupt: {exc}); "
                       "save it again from Excel") from None
    if bad is not None:
        raise LogError(f"{path.name} is damaged (part {bad} is corrupt); save it again from Excel")


def column_letter(j: int) -> str:
    """The spreadsheet letter of a column.

    Parameters
    ----------
    j : int
        The column's position, from 0.

    Returns
    -------
    str

    Examples
    --------
    >>> column_letter(0), column_letter(25), column_letter(26), column_letter(16_383)
    ('A', 'Z', 'AA', 'XFD')
    """
    s = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        s = chr(65 + r) + s
    return s


def _package_kind(zf: zipfile.ZipFile) -> str | None:
    """``"xlsx"`` (also .xlsm), ``"ods"``, or None (a binary .xlsb, or another kind of zip), from
    what the package holds rather than from the file's name."""
    parts = set(zf.namelist())
    if "xl/workbook.xml" in parts:
        return "xlsx"
    if "content.xml" in parts:
        return "ods"
    return None


def size_text(n: int) -> str:
    """A size in bytes as a message shows it.

    Parameters
    ----------
    n : int
        Bytes.

    Returns
    -------
    str
        Whole megabytes from 1 MB on, else whole kilobytes (at least 1 KB).

    Examples
    --------
    >>> size_text(5 * 2**20), size_text(300), size_text(150_000)
    ('5 MB', '1 KB', '146 KB')
    """
    return f"{n / 2**20:,.0f} MB" if n >= 2**20 else f"{max(n // 1024, 1):,} KB"


def _check_package(zf: zipfile.ZipFile, path: Path) -> None:
    """The parts of a workbook from its zip directory: how many, and how large once unpacked."""
    infos = zf.infolist()
    if len(infos) > MAX_PARTS:
        raise LogError(f"{path.name} holds {len(infos):,} parts, more than the {MAX_PARTS:,} bactivate "
                       f"reads from a workbook (it is damaged, or not a workbook): {DAMAGED}")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MAX_PART_BYTES:
            raise LogError(
                f"{path.name}: {_part_label(zf, info.filename)} is {size_text(info.file_size)} once unpacked "
                f"(the file itself is {size_text(path.stat().st_size)}), more than the {size_text(MAX_PART_BYTES)} "
                "bactivate reads from one part of a workbook. If the log really is that large, save it "
                f"as CSV; otherwise the file is damaged: {DAMAGED}")
    if total > MAX_BOOK_BYTES:
        raise LogError(
            f"{path.name} is {size_text(total)} once unpacked (the file itself is {size_text(path.stat().st_size)}), "
            f"more than the {size_text(MAX_BOOK_BYTES)} bactivate reads from one workbook. If the log really "
            f"is that large, save it as CSV; otherwise the file is damaged: {DAMAGED}")


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
FORMULA_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]+[0-9]+)"[^>]*(?<!/)>'
                           rb'((?:(?!</(?:\w+:)?c>|<(?:\w+:)?c\b).)*?<(?:\w+:)?f\b.*?)</(?:\w+:)?c>', re.S)
CACHED = re.compile(rb"<(?:\w+:)?v>[^<]+</(?:\w+:)?v>")
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
    names, todo = _sheets_to_scan(zf, parts, file, sheet)
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
        empty = _unsaved_formulas(data)
        if empty:
            formulas[label] = empty
    out = []
    if hidden and sheet is None:
        out.append(
            f"{file}: {_plural_sheets(hidden)} hidden in the workbook and read like the others; "
            f"to leave {plural_word(len(hidden), 'it', 'them')} out, choose the sheets to read with "
            f"sheet=[...]")
    out.extend(notices)
    out.extend(_formulas_note(file, label, cells) for label, cells in formulas.items())
    return names, out, _repacked(zf, replaced) if replaced else None


def _sheets_to_scan(zf: zipfile.ZipFile, parts: set[str], file: str, sheet):
    """``(names, todo)``: the workbook's sheet names (None if it does not list them) and the
    ``(name, state, part)`` of each sheet to scan."""
    listing = _sheet_parts(zf)
    if listing is None:  # not a standard package: check every worksheet the reader could open
        return None, [(None, "visible", p) for p in sorted(parts)
                      if p.startswith("xl/worksheets/") and p.endswith(".xml")]
    names = [n for n, _, _ in listing]
    chosen = set(choose_sheets(names, sheet, file))
    return names, [item for item in listing if item[0] in chosen]


def _unsaved_formulas(data: bytes) -> list[str]:
    """The addresses of a sheet's formula cells that hold no saved result."""
    if b"<f" not in data and b":f" not in data:
        return []
    return [m.group(1).decode() for m in FORMULA_CELL.finditer(data) if not CACHED.search(m.group(2))]


def _formulas_note(file: str, label: str, cells: list[str]) -> str:
    """The notice for formulas with no saved result in *cells* of one sheet."""
    shown = ", ".join(cells[:10]) + (f" and {len(cells) - 10} more" if len(cells) > 10 else "")
    return (f"{file}: {label} has formulas with no saved result in {shown} (the file was "
            "written by a program that does not calculate formulas); they are read as empty cells. "
            "Open the file in Excel or LibreOffice and save it again so that the results are stored")


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
                       f"(A1:XFD1048576): the file is damaged; {DAMAGED}")
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
        raise _far_error(file, label, refs, rest, int(pr.max()), int(pc.max()), "Ctrl+End in Excel goes there")
    # only empty cells are far: a copy without them (the file itself is not touched)
    refs = [_ref(int(rows[i]), int(cols[i])) for i in far_idx]
    n = len(refs)
    notices.append(f"{file}: {label} has {'an empty cell' if n == 1 else 'empty cells'} at "
                   f"{listed_and(refs)}, far beyond the log ({rest}); {plural_word(n, 'it holds', 'they hold')} "
                   f"nothing and {plural_word(n, 'was', 'were')} left out (Ctrl+End in Excel goes there: "
                   f"delete {plural_word(n, 'it', 'them')} to tidy the file)")
    return _without(data, starts[far_idx], ends[far_idx]), notices


def _without(data: bytes, starts: np.ndarray, ends: np.ndarray) -> bytes:
    """*data* without the spans from *starts* to *ends* (cells' elements, which do not overlap)."""
    keep, pos = [], 0
    for i in np.argsort(starts, kind="stable"):
        keep.append(data[pos:int(starts[i])])
        pos = int(ends[i])
    keep.append(data[pos:])
    return b"".join(keep)


def _far_error(file: str, label: str, refs: list[str], rest: str, n_rows: int, n_cols: int,
               go: str) -> LogError:
    """The LogError for cells that hold something far beyond the rest of a sheet (at *refs*)."""
    n = len(refs)
    return LogError(
        f"{file}: {label} has {plural_word(n, 'a cell', 'cells')} at {listed_and(refs)}, far beyond the "
        f"rest of the log ({rest}); reading {plural_word(n, 'it', 'them')} would mean "
        f"{n_rows * n_cols:,} cells (A1:{_ref(n_rows, n_cols)}), and the limit is {MAX_CELLS:,} "
        f"cells: delete the stray {plural_word(n, 'cell')} ({go}) and save again")


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
    held = f"{n:,} characters" if n is not None else f"more than {MAX_CELL_CHARS:,} characters ({size_text(size)})"
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
    return listed_and([show(a) if a == b else f"{show(a)}-{show(b)}" for a, b in runs], n)


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
        raise LogError(f"{file} is damaged (its content.xml cannot be read: {exc}); {DAMAGED}") from None
    names = [t[0] for t in tables]
    chosen = set(choose_sheets(names, sheet, file))
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
    """``[(name, runs, hidden rows, hidden columns)]`` of each table of an ODS content.xml stream:
    *runs* four arrays (first row, last row, first column, last column) of the runs of cells that
    hold something. Elements are dropped from the tree once read, so memory stays small."""
    scan = _OdsScan(file)
    stack = []
    for event, elem in ET.iterparse(fh, events=("start", "end")):
        if event == "start":
            stack.append(elem)
            scan.start(elem)
            continue
        stack.pop()
        if scan.end(elem) and stack:
            stack[-1].remove(elem)
    return scan.tables


class _OdsScan:
    """The state of one pass over an ODS content.xml: the table, row and column being read."""

    T = _ODS_TABLE

    def __init__(self, file: str):
        self.file = file
        self.tables = []
        self.name = self.runs = self.hidden_rows = self.hidden_cols = None
        self.row0 = self.row1 = self.col = self.next_row = self.next_col_def = self.depth = 0

    def start(self, elem) -> None:
        """An element opens: a table, a row (repeated *n* times), or a column definition."""
        T, tag = self.T, elem.tag
        if tag == f"{T}table":
            self.depth += 1
            if self.depth > 1:
                return  # a table inside a cell: its cells are that cell's
            self.name = elem.get(f"{T}name", f"Sheet{len(self.tables) + 1}")
            self.runs = (array("q"), array("q"), array("q"), array("q"))
            self.hidden_rows, self.hidden_cols = [], []
            self.next_row, self.next_col_def = 0, 0
        elif self.name is None or self.depth > 1:
            return
        elif tag == f"{T}table-row":
            n = _repeat(elem.get(f"{T}number-rows-repeated"))
            self.row0, self.row1 = self.next_row + 1, self.next_row + n
            self.next_row = self.row1
            self.col = 0
            if elem.get(f"{T}visibility", "visible") != "visible":
                self.hidden_rows.append((self.row0, self.row1))
        elif tag == f"{T}table-column":
            n = _repeat(elem.get(f"{T}number-columns-repeated"))
            if elem.get(f"{T}visibility", "visible") != "visible":
                self.hidden_cols.append((self.next_col_def + 1, self.next_col_def + n))
            self.next_col_def += n

    def end(self, elem) -> bool:
        """An element closes; True when it may be dropped from its parent (it was read)."""
        T, tag = self.T, elem.tag
        if tag == f"{T}table":
            self.depth -= 1
            if self.depth == 0 and self.name is not None:
                self.tables.append((self.name, self.runs, self.hidden_rows, self.hidden_cols))
                self.name = None
                return True
            return False
        if self.name is None or self.depth > 1:
            return False
        if tag in (f"{T}table-cell", f"{T}covered-table-cell"):
            self._cell(elem)
            return True
        return tag == f"{T}table-row"

    def _cell(self, elem) -> None:
        """A cell (repeated *n* times): its run is kept when it holds something; a LogError when
        its text is longer than a cell can be."""
        n = _repeat(elem.get(f"{self.T}number-columns-repeated"))
        c0, c1 = self.col + 1, self.col + n
        self.col = c1
        if elem.get(f"{_ODS_OFFICE}value-type") is None and not len(elem) and not (elem.text or "").strip():
            return
        text = sum(len(t) for t in elem.itertext()) + sum(
            _repeat(s.get(f"{_ODS_TEXT}c")) for s in elem.iter(f"{_ODS_TEXT}s"))
        chars = max(text, len(elem.get(f"{_ODS_OFFICE}string-value") or ""))
        if chars > MAX_CELL_CHARS:
            raise _long_cell(self.file, f"sheet {self.name!r}", _ref(self.row0, c0), chars, chars)
        for a, v in zip(self.runs, (self.row0, self.row1, c0, c1), strict=True):
            a.append(v)


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
    raise _far_error(file, label, refs, _box(r1, c1, far), n_rows, n_cols, "Ctrl+End goes there")


def _plural_sheets(names: list[str]) -> str:
    """"sheet 'A' is" or "sheets 'A', 'B' are"."""
    quoted = ", ".join(repr(n) for n in names)
    return f"{plural_word(len(names), 'sheet')} {quoted} {plural_word(len(names), 'is', 'are')}"


def choose_sheets(names: list[str], sheet, file: str) -> list[str]:
    """The sheets asked for with ``sheet=``, in the order asked.

    Parameters
    ----------
    names : list of str
        The workbook's sheets, in order.
    sheet : str, int, list of them, or None
        As given to ``read_log``: names or positions (from 0); None for all.
    file : str
        The file's name, for messages.

    Returns
    -------
    list of str

    Raises
    ------
    bactivate.LogError
        For a position or name the workbook does not have.

    Examples
    --------
    >>> choose_sheets(["Notes", "Week 1", "Week 2"], [2, "Week 1"], "log.xlsx")
    ['Week 2', 'Week 1']
    >>> choose_sheets(["Notes"], None, "log.xlsx")
    ['Notes']
    """
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
