"""Hostile or odd files end in a frame or a LogError, quickly and in bounded memory (issue 12).

docs/robustness.md ("Limits, encodings and hidden cells") lists each case, its outcome and its
limit. Every input is built here in ``tmp_path``. The cases that used to abort the process (a
stray cell at XFD1048576 made the cell reader allocate 17 billion cells) or to take minutes and
gigabytes are read in a subprocess with a memory cap and a timeout, so that a regression fails
the test instead of killing or stalling the test run; the others run under a 20 s alarm.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from conftest import (
    assert_accounted,
    csv_data_lines,
    kept_rows,
    read,
    rejected_rows,
    rows_to_csv,
    write_csv,
    write_xlsx,
    xlsx_data_rows,
)

import bactivate as ba
from bactivate.io import cells as values
from bactivate.io import files as sources
from bactivate.io import headers, parquet, workbook

H = ["Date", "Time", "Activity", "Mastery (0-10)", "Pleasure (0-10)"]
DAY = dt.datetime(2026, 3, 2)


def week_rows(n: int = 39) -> list[list]:
    return [H] + [[DAY + dt.timedelta(days=i), "09:00", f"Walk {i}", 5, 6] for i in range(n)]


@contextlib.contextmanager
def within(seconds: int = 20):
    """Fail (not hang) when the block takes longer than *seconds*: a generous guard, not a benchmark."""
    def fail(*_):
        raise TimeoutError(f"took longer than {seconds} s")

    old = signal.signal(signal.SIGALRM, fail)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


_CHILD = """
import json, resource, sys, warnings
resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))
import bactivate as ba
out = {}
try:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        log = ba.read_cohort(sys.argv[1]) if sys.argv[2] == "cohort" else ba.read_log(sys.argv[1])
    out = {"rows": len(log), "notes": list(log.attrs.get("notes", [])),
           "warnings": [str(w.message) for w in caught if issubclass(w.category, ba.LogWarning)],
           "clients": sorted(map(str, log["client"].unique()))}
except Exception as exc:
    out = {"error": type(exc).__name__, "message": str(exc)}
print(json.dumps(out))
"""


def read_apart(path, how: str = "log", timeout: int = 60) -> dict:
    """read_log (or read_cohort) in a child process with 3 GB of address space and a timeout."""
    try:
        done = subprocess.run([sys.executable, "-c", _CHILD, str(path), how], capture_output=True,
                              text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"reading {Path(path).name} took longer than {timeout} s")
    assert done.returncode == 0, f"the reader died (exit {done.returncode}): {done.stderr[-600:]}"
    return json.loads(done.stdout.strip().splitlines()[-1])


def patched(src: Path, dst: Path, part: str, edit) -> Path:
    """A copy of the package *src* with *part* replaced by ``edit(part bytes)``."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == part:
                data = edit(data)
            zout.writestr(item, data)
    return dst


SHEET1 = "xl/worksheets/sheet1.xml"


def with_cells(tmp_path, cells: bytes, name: str = "log.xlsx", rows: list | None = None) -> Path:
    """A one-sheet workbook ('Week 1', the log in A1:E40) with raw *cells* XML added at its end."""
    base = write_xlsx(tmp_path, {"Week 1": rows or week_rows()}, f"base-{name}")
    return patched(base, tmp_path / name, SHEET1,
                   lambda d: d.replace(b"</sheetData>", cells + b"</sheetData>"))


def stray(ref: str, cell: bytes | None = None) -> bytes:
    row = re.sub("[A-Z]", "", ref)
    return b'<row r="%s">%s</row>' % (row.encode(), cell or b'<c r="%s" t="inlineStr"><is><t>x</t></is></c>'
                                       % ref.encode())


# --------------------------------------------------------------------------- 1. workbook limits


def test_stray_cell_at_xfd1048576_is_a_logerror_not_a_crash(tmp_path):
    # a 6 KB workbook: the cell reader used to allocate A1:XFD1048576 and abort the process
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Week 1"
    for row in week_rows():
        ws.append(row)
    ws["XFD1048576"] = "x"
    path = tmp_path / "log.xlsx"
    wb.save(path)
    assert path.stat().st_size < 10_000
    got = read_apart(path)
    assert got.get("error") == "LogError", got
    msg = got["message"]
    assert msg.startswith("log.xlsx: sheet 'Week 1' has a cell at XFD1048576"), msg
    assert "used range A1:E40 otherwise" in msg and f"{workbook.MAX_CELLS:,}" in msg
    assert "delete the stray cell" in msg


def test_stray_cell_at_a1048576_is_a_logerror_at_once(tmp_path):
    # read in 6 s and 600 MB before, a million empty rows under the log
    path = with_cells(tmp_path, stray("A1048576"))
    t0 = time.perf_counter()
    with within(20), pytest.raises(ba.LogError) as info:
        ba.read_log(path)
    assert time.perf_counter() - t0 < 5
    msg = str(info.value)
    assert "log.xlsx: sheet 'Week 1' has a cell at A1048576" in msg and "A1:E40" in msg, msg


def test_a_folder_with_one_stray_cell_workbook_is_read_without_it(tmp_path):
    folder = tmp_path / "trial"
    folder.mkdir()
    write_csv(folder, rows_to_csv([H, ["2026-03-02", "09:00", "Walk", 5, 6]]), "ann.csv")
    with_cells(tmp_path, stray("XFD1048576"), "bob.xlsx")
    (tmp_path / "bob.xlsx").rename(folder / "bob.xlsx")
    got = read_apart(folder, "cohort")
    assert "error" not in got, got
    assert got["clients"] == ["ann"]
    assert any("bob.xlsx" in n and "XFD1048576" in n for n in got["notes"]), got["notes"]


@pytest.mark.parametrize("cell", [
    b'<c r="XFD1048576" t="inlineStr"><is><t></t></is></c>',  # an empty text: the reader aborted
    b'<c r="XFD1048576" t="str"><v></v></c>',  # a formula's empty text result: aborted too
])
def test_empty_stray_cell_is_left_out_with_a_notice(tmp_path, cell):
    path = with_cells(tmp_path, stray("XFD1048576", cell))
    got = read_apart(path)
    assert got.get("rows") == 39, got
    note = next(n for n in got["notes"] if "XFD1048576" in n)
    assert "sheet 'Week 1' has an empty cell at XFD1048576" in note and "left out" in note
    assert any("XFD1048576" in w for w in got["warnings"])
    # the file itself is untouched: the cell is still there
    with zipfile.ZipFile(path) as zf:
        assert b'r="XFD1048576"' in zf.read(SHEET1)


def test_formatting_only_stray_cell_reads_with_a_notice(tmp_path):
    path = with_cells(tmp_path, stray("XFD1048576", b'<c r="XFD1048576" s="0"/>'))
    with within(20):
        log, caught = read(path)
    assert len(log) == 39
    assert_accounted(log, xlsx_data_rows(path, {"Week 1": 1}))
    note = next(n for n in log.attrs["notes"] if "XFD1048576" in n)
    assert "only carry formatting" in note and "passed over" in note
    assert len(caught) == 1


def test_cells_without_addresses_are_placed_as_the_reader_places_them(tmp_path):
    # cells may leave out r="..." (each follows the one before): a full stray row of them
    far = b'<row r="1048576">' + b"<c><v>1</v></c>" * 5 + b"</row>"
    path = with_cells(tmp_path, far)
    with within(20), pytest.raises(ba.LogError, match="A1048576, B1048576, C1048576, D1048576 and E1048576"):
        ba.read_log(path)
    # without a stray row, address-less cells read as usual
    base = write_xlsx(tmp_path, {"Week 1": week_rows(3)}, "plain.xlsx")
    path = patched(base, tmp_path / "bare.xlsx", SHEET1, lambda d: re.sub(rb'(<c) r="[A-Z]+[0-9]+"', rb"\1", d))
    with zipfile.ZipFile(path) as zf:
        assert b' r="A2"' not in zf.read(SHEET1)
    log, caught = read(path)
    assert log["activity"].tolist() == ["Walk 0", "Walk 1", "Walk 2"] and not caught


def test_a_sheet_larger_than_the_limit_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr(workbook, "MAX_CELLS", 100)
    path = write_xlsx(tmp_path, {"Week 1": week_rows(39)}, "log.xlsx")  # 40 x 5 = 200 cells
    with pytest.raises(ba.LogError) as info:
        ba.read_log(path)
    msg = str(info.value)
    assert "sheet 'Week 1' reaches from A1 to E40" in msg and "200 cells" in msg and "CSV" in msg


def test_part_too_large_once_unpacked(tmp_path, monkeypatch):
    monkeypatch.setattr(workbook, "MAX_PART_BYTES", 200_000)
    path = write_xlsx(tmp_path, {"Week 1": week_rows(3000)}, "log.xlsx")
    with zipfile.ZipFile(path) as zf:
        size = zf.getinfo(SHEET1).file_size
    assert size > 200_000 > path.stat().st_size
    with pytest.raises(ba.LogError) as info:
        ba.read_log(path)
    msg = str(info.value)
    assert msg.startswith("log.xlsx: sheet 'Week 1' (xl/worksheets/sheet1.xml) is ") and "once unpacked" in msg


def test_whole_package_too_large_once_unpacked(tmp_path, monkeypatch):
    monkeypatch.setattr(workbook, "MAX_BOOK_BYTES", 100_000)
    path = write_xlsx(tmp_path, {f"Week {i}": week_rows(300) for i in range(1, 4)}, "log.xlsx")
    with pytest.raises(ba.LogError, match=r"log.xlsx is .* once unpacked .* more than"):
        ba.read_log(path)


def test_one_long_string_in_a_zip(tmp_path):
    # 5 MB of one letter compresses to a few KB; a 100 MB one took 28-60 s to read
    long = b"y" * 5_000_000
    path = with_cells(tmp_path, b'<row r="41"><c r="C41" t="inlineStr"><is><t>' + long + b"</t></is></c></row>")
    assert path.stat().st_size < 100_000
    with within(20), pytest.raises(ba.LogError) as info:
        ba.read_log(path)
    msg = str(info.value)
    assert "log.xlsx: sheet 'Week 1', cell C41, holds" in msg and "32,767" in msg, msg


def test_long_shared_string_names_its_cell(tmp_path):
    # the text of most cells sits in xl/sharedStrings.xml; the cell holds its number
    long = "z" * 40_000
    path = with_cells(tmp_path, b'<row r="41"><c r="C41" t="s"><v>1</v></c></row>')
    with zipfile.ZipFile(path) as zin:
        parts = {i.filename: zin.read(i) for i in zin.infolist()}
    parts["xl/sharedStrings.xml"] = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2">'
        f"<si><t>short</t></si><si><r><t>{long[:20000]}</t></r><r><t>{long[20000:]}</t></r></si></sst>").encode()
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    out = tmp_path / "shared.xlsx"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in parts.items():
            zout.writestr(name, data)
    with within(20), pytest.raises(ba.LogError) as info:
        ba.read_log(out)
    msg = str(info.value)
    assert "shared.xlsx: sheet 'Week 1', cell C41, holds 40,000 characters" in msg, msg


def test_cells_up_to_the_limit_read(tmp_path):
    note = "n" * workbook.MAX_CELL_CHARS
    rows = [H + ["Note"], [DAY, "09:00", "Walk", 5, 6, note]]
    path = write_xlsx(tmp_path, {"Week 1": rows}, "log.xlsx")
    log, caught = read(path)
    assert log["note"].str.len().tolist() == [workbook.MAX_CELL_CHARS] and not caught


# ODS: content.xml written the way LibreOffice writes it (trailing repeated empty cells and rows)

_ODS_HEAD = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
             'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
             'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
             'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
             '<office:body><office:spreadsheet><table:table table:name="Week 1">'
             '<table:table-column table:number-columns-repeated="5"/>'
             '<table:table-column table:number-columns-repeated="16379"/>')
_ODS_TAIL = "</table:table></office:spreadsheet></office:body></office:document-content>"


def _ods_cell(v) -> str:
    if isinstance(v, int | float):
        return f'<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>'
    return f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'


def write_ods(folder: Path, body: str, name: str = "log.ods") -> Path:
    """An ODS package holding *body* (table rows) in a sheet 'Week 1'."""
    path = Path(folder) / name
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
                'opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry '
                'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>")
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", _ODS_HEAD + body + _ODS_TAIL, zipfile.ZIP_DEFLATED)
    return path


def ods_rows(n: int = 3, trailing: int = 16379) -> str:
    """The log's rows, each ending as LibreOffice ends them: the rest of the row, repeated empty."""
    rows = [["Date", "Time", "Activity", "Mastery (0-10)", "Pleasure (0-10)"]] + [
        [f"2026-03-{2 + i:02d}", "09:00", f"Walk {i}", 5, 6] for i in range(n)]
    empty = f'<table:table-cell table:number-columns-repeated="{trailing}"/>' if trailing else ""
    return "".join("<table:table-row>" + "".join(_ods_cell(v) for v in r) + empty + "</table:table-row>"
                   for r in rows)


def test_libreoffice_style_trailing_repeats_read_fast(tmp_path):
    body = ods_rows(3) + ('<table:table-row table:number-rows-repeated="1048572">'
                          '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>')
    path = write_ods(tmp_path, body)
    t0 = time.perf_counter()
    with within(20):
        log, caught = read(path)
    assert time.perf_counter() - t0 < 10
    assert log["activity"].tolist() == ["Walk 0", "Walk 1", "Walk 2"] and not caught


def test_pandas_written_ods_reads(tmp_path):
    frame = pd.DataFrame({"Date": ["2026-03-02", "2026-03-03"], "Time": ["09:00", "10:00"],
                          "Activity": ["Walk", "Read"], "Mastery (0-10)": [5, 6], "Pleasure (0-10)": [6, 7]})
    path = tmp_path / "log.ods"
    frame.to_excel(path, engine="odf", index=False)
    log, caught = read(path)
    assert log["activity"].tolist() == ["Walk", "Read"] and not caught


@pytest.mark.parametrize("body, words", [
    # one 1 KB file: a value repeated over a million rows and every column (32 s and 2.5 GB before)
    ('<table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated='
     '"16384" office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>',
     "repeats cell A5 16,384,000,000 times over A5:XFD1000004"),
    # a whole row of the log repeated a million times: 5,000,020 cells
    ('<table:table-row table:number-rows-repeated="1000000">' + "".join(_ods_cell(1) for _ in range(5))
     + "</table:table-row>", "repeats row 5 1,000,000 times (rows 5 to 1,000,004"),
    # one stray cell far away, after empty repeats
    ('<table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="5"/>'
     '</table:table-row><table:table-row><table:table-cell table:number-columns-repeated="16383"/>'
     + _ods_cell("x") + "</table:table-row>",
     "has a cell at XFD1048575, far beyond the rest of the log (used range A1:E4 otherwise)"),
])
def test_ods_repeats_beyond_the_limit(tmp_path, body, words):
    path = write_ods(tmp_path, ods_rows(3, 0) + body)
    assert path.stat().st_size < 3000
    got = read_apart(path)
    assert got.get("error") == "LogError", got
    assert got["message"].startswith("log.ods: sheet 'Week 1' ") and words in got["message"], got["message"]


def test_ods_repeated_spaces_in_a_cell(tmp_path):
    body = ods_rows(3, 0).replace("<text:p>Walk 0</text:p>", '<text:p>Walk<text:s text:c="100000000"/>0</text:p>')
    got = read_apart(write_ods(tmp_path, body))
    assert got.get("error") == "LogError", got
    assert "sheet 'Week 1', cell C2, holds 100,000,005 characters" in got["message"]


# --------------------------------------------------------------------------- 2. long cells, pipes


def test_csv_with_a_40000_digit_cell_reads_quickly(tmp_path):
    # took over 60 s: a header pattern backtracked over the digits (headers._RANGE)
    rows = [H, ["2026-03-01", "09:00", "Walk", "1" * 40_000, 6]] + [
        [f"2026-03-{2 + i:02d}", "09:00", "Walk", 5, 6] for i in range(20)]
    path = write_csv(tmp_path, rows_to_csv(rows), "digits.csv")
    assert 40_000 < path.stat().st_size < 45_000
    t0 = time.perf_counter()
    with within(20):
        log, caught = read(path)
    assert time.perf_counter() - t0 < 10
    assert_accounted(log, csv_data_lines(path, 1))
    rej = log.attrs["rejected"]
    assert rej["row"].tolist() == [2] and rej["column"].tolist() == ["Mastery (0-10)"]
    reason = rej["reason"].iloc[0]
    assert "is not a number" in reason and "(40000 characters)" in reason and len(reason) < 200
    assert len(caught) == 1 and len(str(caught[0].message)) < 1000


@pytest.mark.parametrize("column", range(6))
@pytest.mark.parametrize("cell", ["1" * 40_000, "1" + " " * 40_000 + "x", "a" + " " * 40_000 + "b",
                                  "1 " * 20_000, "( " * 20_000, "1-" * 20_000])
def test_long_odd_cells_anywhere_read_quickly(tmp_path, column, cell):
    head = H + ["Note"]
    rows = [head] + [[f"2026-03-{2 + i:02d}", "09:00", "Walk", 5, 6, "ok"] for i in range(5)]
    rows[1][column] = cell
    path = write_csv(tmp_path, rows_to_csv(rows), "odd.csv")
    with within(20):
        log, caught = read(path)
    assert_accounted(log, csv_data_lines(path, 1))


@pytest.mark.parametrize("column", range(6))
@pytest.mark.parametrize("sep", ["|", ","])
def test_a_separator_after_a_long_run_of_spaces_reads_quickly(tmp_path, column, sep):
    # multi-select answers: splitting on \s*[|;]\s* took 20 s on this activity cell
    head = H + ["Note"]
    rows = [head] + [[f"2026-03-{2 + i:02d}", "09:00", "Walk", 5, 6, "ok"] for i in range(5)]
    rows[1][column] = "a" + " " * 40_000 + "b" + sep + "c"
    path = write_csv(tmp_path, rows_to_csv(rows), "odd.csv")
    with within(20):
        log, caught = read(path)
    # every line kept or set aside; a cell split into answers is rows of one entry
    assert kept_rows(log) | rejected_rows(log, whole=True) == csv_data_lines(path, 1)
    assert (log.groupby("source")["entry"].nunique() == 1).all()
    if column == 2 and sep == "|":
        # two answers (a name's inner run of spaces is one space, as for any name)
        assert sorted(log.loc[log["source"] == "odd.csv:2", "activity"].astype("str")) == ["a b", "c"]


def _ratio(func, make, small: int = 10_000, big: int = 40_000) -> float:
    def best(n):
        text = make(n)
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            func(text)
            times.append(time.perf_counter() - t0)
        return min(times)
    return best(big) / max(best(small), 1e-5)


@pytest.mark.parametrize("make", [lambda n: "1" * n, lambda n: " " * n + "x", lambda n: "1" + " " * n + "x",
                                  lambda n: "1." * (n // 2), lambda n: "−1" * (n // 2)])
def test_header_patterns_are_linear(make):
    """4x the text costs about 4x the time (it cost 16x: quadratic), with a margin for noise
    (a loaded machine gave 8.3 once for a linear pattern: 10 still tells 4x from 16x)."""
    for func in (headers._RANGE.search, lambda t: headers._RANGE.sub(" ", t), headers._OUT_OF.search):
        assert _ratio(func, make) < 10
    text = make(1_000_000)
    t0 = time.perf_counter()
    headers.header_key(text), headers.field_for(text), headers.scale_hint(text), headers.duration_unit(text)
    assert time.perf_counter() - t0 < 1


def test_header_matcher_looks_at_a_few_hundred_characters():
    assert headers.MAX_HEADER_CHARS <= 1000
    long = "Mastery (0-10) " + "x" * 10_000
    assert headers.field_for(long) is None  # a paragraph is not a header
    assert headers.header_key(long).endswith("~")
    assert headers.field_for("Mastery (0-10)") == "mastery" and headers.scale_hint("M (0-10)") == (0, 10)
    assert headers.scale_hint("Mood (−3..3)") == (-3, 3) and headers.scale_hint("Mood (-3 to +3)") == (-3, 3)


@pytest.mark.parametrize("text", ["1" + " " * 4000 + "x", "12" + " " * 4000 + "pm x", "7" + " " * 4000 + "-8"])
def test_time_and_duration_cells_are_capped(text):
    s = pd.Series([text, "14:00"], dtype=object)
    with within(20):
        start, _, why = values.parse_time(s)
        minutes, why_d, _ = values.parse_duration(s, "min")
    assert start.isna().tolist() == [True, False] and "characters)" in why.iloc[0]
    assert pd.isna(minutes.iloc[0]) and len(why_d.iloc[0]) < 200
    assert _ratio(values._TIME.match, lambda n: "1" + " " * n + "x") < 8


def test_fifo_named_csv_is_refused(tmp_path):
    path = tmp_path / "log.csv"
    os.mkfifo(path)
    with within(20), pytest.raises(ba.LogError, match=r"log.csv is not a regular file \(a pipe\)"):
        ba.read_log(path)
    with pytest.raises(ba.LogError, match="not a regular file"):
        sources.file_kind(path)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_device_is_refused():
    # apart: reading a device that never ends filled the memory
    got = read_apart("/dev/zero", timeout=30)
    assert got.get("error") == "LogError" and "zero is not a regular file (a device)" in got["message"], got


# --------------------------------------------------------------------------- 3. Parquet schemas


def _parquet(tmp_path, extra: dict, name: str = "log.parquet", n: int = 2) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = {"Date": pa.array([f"2026-03-{2 + i:02d}" for i in range(n)]), "Time": pa.array(["09:00"] * n),
               "Activity": pa.array(["Walk", "Read"][:n]), "Mastery (0-10)": pa.array([5, 6][:n]),
               "Pleasure (0-10)": pa.array([6, 7][:n])}
    columns.update(extra)
    path = tmp_path / name
    pq.write_table(pa.table(columns), path)
    return path


def _pa():
    import pyarrow as pa

    return pa


@pytest.mark.parametrize("kind, make, expected", [
    ("list", lambda pa: pa.array([[1, 2], None]), ["[1, 2]", None]),
    ("list of text", lambda pa: pa.array([["a", "é"], []]), ['["a", "é"]', "[]"]),
    ("large list", lambda pa: pa.array([[1], [2, 3]], type=pa.large_list(pa.int64())), ["[1]", "[2, 3]"]),
    ("struct", lambda pa: pa.array([{"x": 1, "y": "a"}, None]), ['{"x": 1, "y": "a"}', None]),
    ("map", lambda pa: pa.array([[("k", 1)], [("j", 2)]], type=pa.map_(pa.string(), pa.int64())),
     ['{"k": 1}', '{"j": 2}']),
    ("list of structs", lambda pa: pa.array([[{"a": 1}], None]), ['[{"a": 1}]', None]),
])
def test_parquet_nested_extra_columns_are_kept_as_json_text(tmp_path, kind, make, expected):
    path = _parquet(tmp_path, {"Tags": make(_pa())})
    log, caught = read(path)
    assert len(log) == 2 and log.attrs["rejected"].empty
    got = [None if pd.isna(v) else v for v in log["Tags"].tolist()]
    assert got == expected
    note = next(n for n in log.attrs["notes"] if "'Tags'" in n)
    assert "kept as their JSON text" in note and len(caught) == 1


@pytest.mark.parametrize("typ", ["binary", "large_binary", "fixed"])
def test_parquet_binary_columns_are_text_where_they_are_text(tmp_path, typ):
    pa = _pa()
    t = {"binary": pa.binary(), "large_binary": pa.large_binary(), "fixed": pa.binary(4)}[typ]
    path = _parquet(tmp_path, {"Blob": pa.array([b"Walk", b"\xff\xfe\x00\x01"], type=t)})
    log, caught = read(path)
    assert log["Blob"].tolist() == ["Walk", "<4 bytes, not text>"]
    note = next(n for n in log.attrs["notes"] if "'Blob'" in n)
    assert "1 row (3)" in note and "<N bytes, not text>" in note


def test_parquet_binary_text_column_reads_without_a_note(tmp_path):
    pa = _pa()
    path = _parquet(tmp_path, {"Activity": pa.array([b"Caf\xc3\xa9", b"Read"])})
    log, caught = read(path)
    assert log["activity"].tolist() == ["Café", "Read"] and not caught


def test_parquet_binary_activity_that_is_not_text(tmp_path):
    pa = _pa()
    path = _parquet(tmp_path, {"Activity": pa.array([b"Walk", b"\xffRead"])})
    log, caught = read(path)
    assert log["activity"].tolist() == ["Walk", "<5 bytes, not text>"]
    assert any("'Activity'" in n and "1 row (3)" in n for n in log.attrs["notes"])


def test_parquet_multi_select_activity_is_a_logerror(tmp_path):
    pa = _pa()
    path = _parquet(tmp_path, {"Activity": pa.array([["Walk", "Run"], ["Read"]])})
    with pytest.raises(ba.LogError) as info:
        ba.read_log(path)
    msg = str(info.value)
    assert msg.startswith("log.parquet: column 'Activity' holds lists") and "1 row (2)" in msg
    assert "one activity per row" in msg and "df.explode('Activity')" in msg


def test_parquet_lists_of_one_value_in_a_read_column_are_unwrapped(tmp_path):
    pa = _pa()
    path = _parquet(tmp_path, {"Activity": pa.array([["Walk"], ["Read"]]), "Mastery (0-10)": pa.array([[5], None])})
    log, caught = read(path)
    assert log["activity"].tolist() == ["Walk", "Read"]
    assert log["mastery"].tolist()[0] == 5 and pd.isna(log["mastery"].tolist()[1])
    assert sum("lists of one value each" in n for n in log.attrs["notes"]) == 2


def test_parquet_record_in_a_read_column_is_a_logerror(tmp_path):
    pa = _pa()
    path = _parquet(tmp_path, {"Mastery (0-10)": pa.array([{"v": 5}, {"v": 6}])})
    with pytest.raises(ba.LogError, match=r"column 'Mastery \(0-10\)' holds records \(Parquet structs\) in 2 rows"):
        ba.read_log(path)


def test_parquet_declaring_too_many_cells(tmp_path, monkeypatch):
    monkeypatch.setattr(parquet, "MAX_TABLE_CELLS", 9)
    path = _parquet(tmp_path, {})
    with pytest.raises(ba.LogError, match=r"log.parquet holds 2 rows x 5 columns = 10 cells"):
        ba.read_log(path)


# --------------------------------------------------------------------------- 4. encodings


def _cafe_csv(folder: Path, name: str = "log.csv") -> bytes:
    rows = [H + ["Note"]] + [[f"2026-03-{2 + i:02d}", "09:00", f"Café {i}", 5, 6, "très bien"] for i in range(20)]
    return rows_to_csv(rows).encode("utf-8")


def test_one_stray_byte_keeps_the_file_utf8_and_names_its_line(tmp_path):
    data = _cafe_csv(tmp_path).split(b"\n")
    data[4] = data[4].replace(b"tr\xc3\xa8s bien", b"tr\xe8s bien")  # line 5: one Windows-1252 byte
    path = tmp_path / "log.csv"
    path.write_bytes(b"\n".join(data))
    log, caught = read(path)
    assert log["activity"].tolist() == [f"Café {i}" for i in range(20)]  # not CafÃ©
    notes = log["note"].tolist()
    assert notes[3] == "tr\ufffds bien" and notes[:3] + notes[4:] == ["très bien"] * 19
    note = next(n for n in log.attrs["notes"] if "UTF-8" in n)
    assert note.startswith("log.csv: line 5: bytes that are not UTF-8 were replaced by \ufffd")
    assert len(caught) == 1 and "line 5" in str(caught[0].message)
    assert_accounted(log, {(None, i) for i in range(2, 22)})


def test_stray_bytes_on_several_lines_with_a_bom(tmp_path):
    data = _cafe_csv(tmp_path).split(b"\n")
    for i in (2, 9, 14):
        data[i] = data[i] + b"\x92"
    path = tmp_path / "log.csv"
    path.write_bytes(b"\xef\xbb\xbf" + b"\n".join(data))
    log, caught = read(path)
    assert log["activity"].str.startswith("Café").all()
    assert any(n.startswith("log.csv: lines 3, 10 and 15: bytes that are not UTF-8") for n in log.attrs["notes"])


def test_a_windows_1252_file_reads_with_a_note(tmp_path):
    rows = [H + ["Note"]] + [[f"2026-03-{2 + i:02d}", "09:00", f"Café {i}", 5, 6, "it’s fine"] for i in range(5)]
    path = tmp_path / "log.csv"
    path.write_bytes(rows_to_csv(rows).encode("cp1252"))
    log, caught = read(path)
    assert log["activity"].tolist() == [f"Café {i}" for i in range(5)]
    assert log["note"].tolist() == ["it’s fine"] * 5
    assert any("read as Windows-1252" in n for n in log.attrs["notes"])
    assert len(caught) == 1 and "Windows-1252" in str(caught[0].message)


def test_latin1_bytes_windows_1252_lacks_read_as_latin1(tmp_path):
    text = rows_to_csv([H, ["2026-03-02", "09:00", "Café\x81", 5, 6]])
    path = tmp_path / "log.csv"
    path.write_bytes(text.encode("latin-1"))
    log, caught = read(path)
    assert log["activity"].tolist() == ["Café\x81"]
    assert any("read as Latin-1" in n for n in log.attrs["notes"])


def test_utf16_without_a_bom_is_named(tmp_path):
    path = tmp_path / "log.csv"
    path.write_bytes(rows_to_csv([H, ["2026-03-02", "09:00", "Café", 5, 6]]).encode("utf-16-le"))
    log, caught = read(path)
    assert log["activity"].tolist() == ["Café"]
    assert any("read as UTF-16 (little-endian" in n for n in log.attrs["notes"])


@pytest.mark.parametrize("encoding, bom", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-16", b"")])
def test_files_that_say_their_encoding_read_without_a_note(tmp_path, encoding, bom):
    path = tmp_path / "log.csv"
    path.write_bytes(bom + rows_to_csv([H, ["2026-03-02", "09:00", "Café", 5, 6]]).encode(encoding))
    log, caught = read(path)
    assert log["activity"].tolist() == ["Café"] and not caught


# --------------------------------------------------------------------------- 5. hidden rows and columns


def test_hidden_rows_and_columns_are_named(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Week 2"
    ws.append(H + ["Note"])
    for i in range(20):
        ws.append([DAY + dt.timedelta(days=i), "09:00", f"Walk {i}", 5, 6, "ok"])
    for r in (14, 15, 16, 30):  # row 30 holds nothing: not named
        ws.row_dimensions[r].hidden = True
    ws.column_dimensions["F"].hidden = True
    ws.column_dimensions["K"].hidden = True  # holds nothing: not named
    path = tmp_path / "log.xlsx"
    wb.save(path)
    log, caught = read(path)
    assert len(log) == 20
    assert_accounted(log, xlsx_data_rows(path, {"Week 2": 1}))
    note = "log.xlsx: sheet 'Week 2': rows 14-16 and column F are hidden in the workbook and were read like the others"
    assert note in log.attrs["notes"]
    assert len(caught) == 1 and note in str(caught[0].message)


def test_one_hidden_row_is_named(tmp_path):
    path = write_xlsx(tmp_path, {"Log": week_rows(5)}, "log.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["Log"].row_dimensions[3].hidden = True
    wb.save(path)
    log, caught = read(path)
    assert "log.xlsx: sheet 'Log': row 3 is hidden in the workbook and was read like the others" in log.attrs["notes"]


def test_hidden_rows_in_ods_are_named(tmp_path):
    body = ods_rows(4, 0).replace("<table:table-row>", '<table:table-row table:visibility="collapse">', 3)
    body = body.replace('<table:table-row table:visibility="collapse">', "<table:table-row>", 1)  # not the header
    path = write_ods(tmp_path, body)
    log, caught = read(path)
    assert len(log) == 4
    assert "log.ods: sheet 'Week 1': rows 2-3 are hidden in the workbook and were read like the others" in log.attrs["notes"]


def test_no_hidden_note_for_plain_workbooks(tmp_path):
    log, caught = read(write_xlsx(tmp_path, {"Log": week_rows(5)}, "log.xlsx"))
    assert not caught and not any("hidden" in n for n in log.attrs["notes"])


def test_a_daylio_activity_cell_with_a_long_run_of_spaces_reads_quickly(tmp_path):
    # Daylio's "a | b" activities: splitting on \s*\|\s* took tens of seconds on this cell
    text = ("full_date,date,weekday,time,mood,activities,note_title,note\n"
            f"2026-03-02,March 2,Monday,09:00,good,a{' ' * 40_000}b | c,,\n"
            "2026-03-03,March 3,Tuesday,09:00,meh,walk,,\n")
    path = write_csv(tmp_path, text, "daylio.csv")
    with within(20):
        log, caught = read(path)
    assert log["activity"].astype("str").tolist() == ["a b", "c", "walk"]
    assert log["entry"].tolist() == [1, 1, 2]
