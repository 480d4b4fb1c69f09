"""bactivate.io.files after its split into files, workbook and parquet: the names other modules
and tests use are where they were, Sheet.label, and each new entry point on its own."""

from __future__ import annotations

import zipfile

import pandas as pd
import pytest

from bactivate.errors import LogError
from bactivate.io import files, parquet, workbook
from bactivate.io.files import Sheet, read_sheets

SAMPLE = "data/sample/client-alex.xlsx"


def test_names_kept_on_files():
    for name in ("read_sheets", "Sheet", "file_kind", "read_csv_fast", "frame_sheet", "column_letter",
                 "decode", "sniff_delimiter", "EXCEL_SUFFIXES", "CSV_SUFFIXES", "PARQUET_SUFFIXES"):
        assert hasattr(files, name), name
    assert files.column_letter is workbook.column_letter
    # each limit has one home, where it is checked (setting a copy elsewhere would do nothing)
    for name in ("MAX_CELLS", "MAX_PART_BYTES", "MAX_BOOK_BYTES", "MAX_PARTS", "MAX_CELL_CHARS"):
        assert hasattr(workbook, name) and not hasattr(files, name), name
    assert hasattr(parquet, "MAX_TABLE_CELLS") and not hasattr(files, "MAX_TABLE_CELLS")


def test_sheet_label():
    assert Sheet("log.xlsx", "Week 1", pd.DataFrame()).label == "sheet 'Week 1'"
    assert Sheet("log.csv", None, pd.DataFrame()).label == "log.csv"
    assert Sheet("log.xlsx", "it's", pd.DataFrame()).label == 'sheet "it\'s"'
    assert [s.label for s in read_sheets(SAMPLE)][:2] == ["sheet 'Instructions'", "sheet 'Week 1'"]


def test_scan_workbook_on_the_sample(tmp_path):
    from pathlib import Path

    names, notices, copy = workbook.scan_workbook(Path(SAMPLE), None)
    assert names[0] == "Instructions" and len(names) == 7 and copy is None
    bad = tmp_path / "cut.xlsx"
    bad.write_bytes(Path(SAMPLE).read_bytes()[:2000])
    with pytest.raises(LogError, match="cut.xlsx is damaged"):
        workbook.scan_workbook(bad, None)


def test_choose_sheets_messages():
    with pytest.raises(LogError, match=r"log.xlsx has 2 sheets; sheet=5 does not exist"):
        workbook.choose_sheets(["A", "B"], 5, "log.xlsx")
    with pytest.raises(LogError, match=r"log.xlsx has no sheet 'C'; its sheets are \['A', 'B'\]"):
        workbook.choose_sheets(["A", "B"], ["A", "C"], "log.xlsx")


def test_limits_are_read_where_they_are_checked(tmp_path, monkeypatch):
    path = tmp_path / "small.xlsx"
    with zipfile.ZipFile(SAMPLE) as src, zipfile.ZipFile(path, "w") as out:
        for info in src.infolist():
            out.writestr(info, src.read(info))
    monkeypatch.setattr(workbook, "MAX_PARTS", 3)
    with pytest.raises(LogError, match="more than the 3 bactivate reads from a workbook"):
        read_sheets(path)


def test_size_text():
    assert workbook.size_text(0) == "1 KB" and workbook.size_text(2**20) == "1 MB"
    assert workbook.size_text(3 * 2**30) == "3,072 MB"


def test_parquet_read_table_and_plain_column(tmp_path):
    import pyarrow as pa

    path = tmp_path / "t.parquet"
    pd.DataFrame({"Activity": [["Walk"], None], "tags": [["a", "b"], []], "blob": [b"ok", b"\xff"]}).to_parquet(path)
    frame, notices = parquet.read_table(path)
    assert frame["Activity"].tolist()[0] == "Walk" and frame["tags"].tolist() == ['["a", "b"]', "[]"]
    assert frame["blob"].tolist() == ["ok", "<1 byte, not text>"]
    assert len(notices) == 3 and "1 row (3)" in notices[2]
    with pytest.raises(LogError, match=r"holds lists \(several values in one cell\) in 1 row \(2\)"):
        parquet.plain_column(pa.array([["Walk", "Run"]]), "Activity", "t.parquet")
    sheet = read_sheets(path)[0]
    assert sheet.head == ["Activity", "tags", "blob"] and sheet.notices == notices
