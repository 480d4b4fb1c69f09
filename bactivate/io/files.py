"""Opening log files: every sheet of a workbook, or a CSV, as a grid of raw cells.

Each reader returns :class:`Sheet` objects whose ``cells`` frame has one row
per spreadsheet row (index 0 is row 1, as the user sees it) and one column per
spreadsheet column, holding the cells as read (text, numbers, Excel dates).
Nothing is interpreted here; files are opened read-only and never written.
Workbooks are measured against the limits first (:mod:`bactivate.io.workbook`);
Parquet tables are read by :mod:`bactivate.io.parquet`; CSV files here.

>>> sheets = read_sheets("data/sample/client-alex.xlsx")
>>> [s.name for s in sheets][:3]
['Instructions', 'Week 1', 'Week 2']
"""

from __future__ import annotations

import csv
import io
import re
import stat
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from bactivate._util import listed_and, plural_word
from bactivate.errors import LogError
from bactivate.io import parquet, workbook
from bactivate.io.workbook import column_letter as column_letter  # re-exported: files.column_letter

_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2: legacy .xls, or an encrypted .xlsx
_ZIP_MAGIC = b"PK\x03\x04"
_PARQUET_MAGIC = b"PAR1"

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
PARQUET_SUFFIXES = {".parquet", ".pq"}
# The limits on what bactivate reads live where they are checked: bactivate.io.workbook
# (MAX_CELLS, MAX_PART_BYTES, MAX_BOOK_BYTES, MAX_PARTS, MAX_CELL_CHARS) and bactivate.io.parquet
# (MAX_TABLE_CELLS); docs/robustness.md lists them.


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
        """This sheet with the header as the first row of ``cells`` (object cells), as read from a file.

        Returns
        -------
        Sheet
            *self* when the header is already the first row of ``cells``.

        Examples
        --------
        >>> import pandas as pd
        >>> frame_sheet(pd.DataFrame({"Activity": ["Walk"], "Mood": [7]})).grid().cells.values.tolist()
        [['Activity', 'Mood'], ['Walk', 7]]
        """
        if self.head is None:
            return self
        cells = pd.concat([pd.DataFrame([self.head]),
                           pd.DataFrame(self.cells.astype(object).to_numpy())], ignore_index=True)
        return Sheet(self.file, self.name, cells, typed_header=True, notices=self.notices)

    @property
    def label(self) -> str:
        """The sheet as messages name it: ``"sheet 'Week 1'"``, or the file's name for a sheetless file.

        Examples
        --------
        >>> import pandas as pd
        >>> Sheet("log.xlsx", "Week 1", pd.DataFrame()).label, Sheet("log.csv", None, pd.DataFrame()).label
        ("sheet 'Week 1'", 'log.csv')
        """
        return f"sheet {self.name!r}" if self.name is not None else self.file

    def preview(self, rows: int = 50) -> pd.DataFrame:
        """The first *rows* rows of the grid (header included), for telling layouts apart.

        Parameters
        ----------
        rows : int, default 50
            Rows below the header, for a typed table (a sheet read from a
            workbook or CSV is returned whole: its cells are already raw).

        Returns
        -------
        DataFrame

        Examples
        --------
        >>> import pandas as pd
        >>> frame_sheet(pd.DataFrame({"Activity": ["Walk", "Read"]})).preview(rows=1).shape
        (2, 1)
        """
        if self.head is None:
            return self.cells
        return Sheet(self.file, self.name, self.cells.iloc[:rows], head=self.head).grid().cells


def file_kind(path: Path) -> str:
    """``"excel"``, ``"csv"`` or ``"parquet"``, from the file's first bytes and name.

    Parameters
    ----------
    path : pathlib.Path
        A file on disk.

    Returns
    -------
    str

    Raises
    ------
    FileNotFoundError
        When there is no such file.
    bactivate.LogError
        For a folder, a pipe or device, an empty file, an encrypted workbook, or
        a file whose name says workbook or Parquet and whose bytes do not.

    Examples
    --------
    >>> from pathlib import Path
    >>> file_kind(Path("data/sample/client-alex.xlsx"))
    'excel'
    """
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
    """Every sheet of *path* (or only *sheet*: a name, a position, or a list of them).

    Parameters
    ----------
    path : str or pathlib.Path
        A CSV (or TSV, TXT), XLSX, XLSM, XLS, XLSB, ODS or Parquet file.
    sheet : str, int, list of them, or None
        The sheets of a workbook to read (names or positions from 0); None for all.

    Returns
    -------
    list of Sheet
        One per sheet read (one for a CSV or Parquet file). What the cells
        cannot say (hidden sheets read, formulas with no saved result, the
        encoding a CSV was read in) is in the first sheet's ``notices``.

    Raises
    ------
    bactivate.LogError
        For a file that cannot be read, or one beyond a limit (see
        :mod:`bactivate.io.workbook` and :mod:`bactivate.io.parquet`).

    Examples
    --------
    >>> [s.name for s in read_sheets("data/sample/client-alex.xlsx", sheet=[1, "Week 2"])]
    ['Week 1', 'Week 2']
    """
    path = Path(path)
    kind = file_kind(path)
    if kind == "excel":
        return _excel(path, sheet)
    if kind == "parquet":
        return [_parquet(path)]
    return [_csv(path)]




def _excel(path: Path, sheet) -> list[Sheet]:
    """The chosen sheets of a workbook, measured first (:func:`bactivate.io.workbook.scan_workbook`)."""
    names, notices, copy = workbook.scan_workbook(path, sheet)
    if names is None:  # .xls, .xlsb: the reader's own list of sheets
        names = _calamine_sheets(path)
    chosen = workbook.choose_sheets(names, sheet, path.name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # keep_default_na=False: a cell that says "NA", "None" or "nan" is text the client
            # typed (an activity, a note), not an empty cell; empty cells come back as ""
            book = pd.read_excel(copy or path, sheet_name=chosen, header=None, engine="calamine", dtype=object,
                                 keep_default_na=False, na_values=[]) if chosen else {}
    except Exception as exc:  # calamine reports damage in many ways
        raise LogError(f"{path.name} could not be read as a workbook ({type(exc).__name__}: {exc}); "
                       f"{workbook.DAMAGED}") from None
    out = [Sheet(path.name, name, book[name].reset_index(drop=True)) for name in chosen]
    if out:
        out[0].notices.extend(notices)
    return out


def _calamine_sheets(path: Path) -> list[str]:
    """The sheet names of a workbook whose package does not list them, as the cell reader finds them."""
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        try:
            return list(book.sheet_names)
        finally:
            book.close()
    except Exception as exc:  # calamine reports damage in many ways
        raise LogError(f"{path.name} could not be read as a workbook ({type(exc).__name__}: {exc}); "
                       f"{workbook.DAMAGED}") from None


def _parquet(path: Path) -> Sheet:
    """A Parquet table (:func:`bactivate.io.parquet.read_table`) as a typed sheet."""
    df, notices = parquet.read_table(path)
    cells = pd.DataFrame({j: _coded(df[c]) for j, c in enumerate(df.columns)})
    cells.index = pd.RangeIndex(1, len(df) + 1)
    return Sheet(path.name, None, cells, typed_header=True, head=[str(c) for c in df.columns],
                 notices=notices)


# speed: benchmark row W2-parquet, docs/performance.md
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
    """Text of a CSV file: UTF-8 (with or without BOM), UTF-16, else Windows-1252/Latin-1.

    Parameters
    ----------
    data : bytes
        The file's bytes.
    name : str
        Its name, for messages.

    Returns
    -------
    str

    Raises
    ------
    bactivate.LogError
        For binary data that is not text.

    Examples
    --------
    >>> decode("Café".encode("utf-8"), "a.csv"), decode("Café".encode("cp1252"), "a.csv")
    ('Café', 'Café')
    """
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
    where = f"{plural_word(len(lines), 'line')} " + listed_and([str(n) for n in lines], 10)
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

    Parameters
    ----------
    text : str
        The file's text (its first 64 KB are read).

    Returns
    -------
    str

    Examples
    --------
    >>> sniff_delimiter("Date;Mood;Note\\n2026-03-02;7,5;ok, fine\\n")
    ';'
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


# speed: benchmark rows W2-csv, W3, L-growth, docs/performance.md
def read_csv_fast(data: bytes) -> pd.DataFrame | None:
    """The cells of a plain UTF-8 CSV, read by pyarrow, each column coded into its distinct cells.

    This is the fast path for the common file: UTF-8, every line one record of the same
    width, no line break inside a quoted cell (so that record *i* is line *i + 1*). Each
    column comes back as a ``category`` Series whose categories are the column's distinct
    cells as text, which the parsers in :mod:`bactivate.io.cells` read once each. Any other
    file returns None and is read by :func:`_csv_text`, which handles every case.

    Parameters
    ----------
    data : bytes
        The file's bytes.

    Returns
    -------
    DataFrame or None
        Columns 0, 1, ...; one row per line, the header line included.

    Examples
    --------
    >>> cells = read_csv_fast(b"Date,Mood\\n2026-03-02,7\\n2026-03-03,7\\n")
    >>> cells.shape, list(cells[1].cat.categories)
    ((3, 2), ['Mood', '7'])
    >>> read_csv_fast(b'Note\\n"one line\\nand another"\\n') is None
    True
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    head = data[:65536]
    if not head or b"\x00" in head or head.isspace() or (b'"' in data and _quotes(data) % 2):
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

    coded_text = pa.dictionary(pa.int32(), pa.string())
    names = [f"c{j}" for j in range(width)]
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(column_names=names),
            parse_options=pacsv.ParseOptions(delimiter=sep, ignore_empty_lines=False),
            # each column read straight into codes into its distinct cells (no second pass to code it)
            convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, coded_text),
                                                 null_values=[], strings_can_be_null=False,
                                                 quoted_strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError):
        return None
    if table.num_rows == 0:
        return None
    # one record per line (no lone CRs, which pyarrow reads as line ends)
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
        return None
    cells = table.to_pandas()  # the blocks' dictionaries joined, in order of first sight
    cells.columns = range(width)
    # and no quoted line break (a file without quotes has none): record i is line i + 1
    if b'"' in data and any(cells[j].cat.categories.str.contains("[\r\n]", regex=True).any()
                            for j in range(width)):
        return None
    return cells


# speed: benchmark row W2-csv (bytes.count of one byte reads ~1 byte per cycle; NumPy a MB at a
# time, in cache, is several times faster)
def _quotes(data: bytes, step: int = 1 << 20) -> int:
    """The number of double quotes in *data*.

    Examples
    --------
    >>> _quotes(b'"Walk","a ""long"" one"', step=4)
    8
    """
    buf = np.frombuffer(data, dtype=np.uint8)
    return sum(int(np.count_nonzero(buf[i:i + step] == 34)) for i in range(0, len(buf), step))


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


def frame_sheet(df: pd.DataFrame) -> Sheet:
    """A DataFrame given to read_log as one sheet of typed cells, its column names the header.

    Parameters
    ----------
    df : DataFrame
        A log as a frame (its columns named as headers are).

    Returns
    -------
    Sheet
        Named ``"<DataFrame>"``, its header in ``head``, its cells typed
        (text and yes/no columns coded into their distinct cells).

    Examples
    --------
    >>> import pandas as pd
    >>> sh = frame_sheet(pd.DataFrame({"Activity": ["Walk", "Walk"], "Mood": [7, 8]}))
    >>> sh.head, sh.cells.index.tolist(), str(sh.cells[0].dtype)
    (['Activity', 'Mood'], [1, 2], 'category')
    """
    cells = pd.DataFrame({j: _coded(df.iloc[:, j]) for j in range(df.shape[1])})
    cells.index = pd.RangeIndex(1, len(df) + 1)
    return Sheet("<DataFrame>", None, cells, typed_header=True, head=list(map(str, df.columns)))

