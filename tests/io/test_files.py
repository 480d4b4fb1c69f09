"""Opening log files (bactivate.io.files, workbook, parquet) through read_log: CSV separators and
encodings, XLSX/ODS/Parquet and DataFrames, sheets, row numbers, damaged and unreadable files,
and the source file is never written.
"""

from __future__ import annotations

import datetime as dt
import os
import warnings

import openpyxl
import pandas as pd
import pytest
from conftest import (
    assert_accounted,
    assert_rejected_schema,
    csv_data_lines,
    frame_data_rows,
    read,
    read_clean,
    rows_to_csv,
    week,
    write_csv,
    write_xlsx,
    xlsx_data_rows,
)

import bactivate as ba


def csv_log(tmp_path, text, header_line=1, name="log.csv", **kw):
    """Write CSV text, read it, check the accounting; return (log, LogWarnings)."""
    path = write_csv(tmp_path, text, name)
    log, caught = read(path, **kw)
    assert_accounted(log, csv_data_lines(path, header_line))
    assert_rejected_schema(log)
    return log, caught


def problems(log):
    rej = log.attrs["rejected"]
    return rej[rej["kind"].isin(["cell", "row"])].reset_index(drop=True)


HEAD = ["Date", "Time", "Activity", "M", "P", "Done", "Mood"]

#: the only whole-file errors arbitrary cells may cause: the data cannot tell a scale or a date order
AMBIGUITY = ("cannot tell the scale of", "could be day/month or month/day", "mix day-first and month-first")


def _check_no_loss(path, expected, **kw):
    try:
        log, caught = read(path, **kw)
    except ba.LogError as exc:
        assert any(k in str(exc) for k in AMBIGUITY), str(exc)  # a clear message, never a crash
        return
    assert len(caught) <= 1
    assert_accounted(log, expected)
    assert_rejected_schema(log)
    for f in ("mastery", "pleasure", "mood"):
        assert log[f].dropna().between(0, 10).all()


# --------------------------------------------------------------------------- layout of the sheet


@pytest.mark.parametrize(("sep", "encoding"), [(",", "utf-8"), (";", "utf-8"), ("\t", "utf-8"),
                                               (",", "utf-8-sig"), (";", "cp1252"), (",", "utf-16")])
def test_csv_separators_and_encodings(tmp_path, sep, encoding):
    rows = [["Date", "Activity", "M", "P", "Notes"], ["2026-03-02", "Café", "7", "8", "très bien"],
            ["2026-03-03", "Read", "2", "9", ""]]
    path = write_csv(tmp_path, rows_to_csv(rows, sep), encoding=encoding)
    if encoding == "cp1252":  # the fallback encoding is said, once
        with pytest.warns(ba.LogWarning, match="read as Windows-1252"):
            log = ba.read_log(path)
    else:
        log = read_clean(path)
    assert log["activity"].tolist() == ["Café", "Read"]
    assert log["note"].tolist()[0] == "très bien"
    assert_accounted(log, {(None, 2), (None, 3)})


# --------------------------------------------------------------------------- XLSX, ODS, Parquet


def test_xlsx_row_numbers_count_title_rows_and_leading_blank_rows(tmp_path):
    rows = [[], [], [None, "Client: Bo"], [], [None, "Date", "Activity", "M", "P"],
            [None, dt.date(2026, 3, 1), "Walk", 5, "lots"], [],
            [None, dt.datetime(2026, 3, 2, 10, 0), "Run", 5, 9]]
    path = write_xlsx(tmp_path, {"Log": rows})
    log, caught = read(path)
    assert_accounted(log, xlsx_data_rows(path, {"Log": 5}))
    assert log["source"].tolist() == ["log.xlsx:Log:6", "log.xlsx:Log:8"]   # the bad cell's row stays
    assert log["start"].tolist() == [pd.Timestamp("2026-03-01"), pd.Timestamp("2026-03-02 10:00")]
    assert log["pleasure"].isna().tolist() == [True, False]
    p = problems(log)
    assert p["kind"].tolist() == ["cell"]
    assert p[["sheet", "row", "column", "value"]].values.tolist() == [["Log", 6, "P", "lots"]]
    assert len(caught) == 1


@pytest.mark.parametrize("word", ["NA", "N/A", "None", "nan", "null", "NULL", "n/a"])
def test_xlsx_cells_that_look_like_missing_values_are_kept(tmp_path, word):
    """pandas would read these words as empty cells; they are what the client typed."""
    rows = [["Date", "Activity", "M", "Notes"], [dt.datetime(2026, 3, 2), word, 9, "x"],
            [dt.datetime(2026, 3, 3), "Walk", 0, word], [None, None, None, word]]
    path = write_xlsx(tmp_path, {"S": rows})
    log, _ = read(path)
    assert_accounted(log, xlsx_data_rows(path, {"S": 1}))
    assert log["activity"].tolist()[:2] == [word, "Walk"]
    assert log["note"].tolist() == ["x", word, word]


def test_xlsx_error_cells_read_as_empty(tmp_path):
    """Known limit (python-calamine reads Excel error cells as empty): a #DIV/0! rating is
    not rated; the row is kept."""
    rows = [["Date", "Activity", "M", "P"], [dt.datetime(2026, 3, 2), "Walk", "#DIV/0!", 9],
            [dt.datetime(2026, 3, 3), "Read", 0, "#N/A"]]
    path = write_xlsx(tmp_path, {"S": rows})
    ws = openpyxl.load_workbook(path)["S"]
    assert ws["C2"].data_type == "e"  # a real error cell
    log = read_clean(path)
    assert_accounted(log, xlsx_data_rows(path, {"S": 1}))
    assert log["mastery"].isna().tolist() == [True, False]


@pytest.mark.parametrize(("sheet", "want"), [("Week 2", ["Week 2"]), (1, ["Week 2"]),
                                             (["Week 1", "Week 2"], ["Week 1", "Week 2"]), (None, ["Week 1", "Week 2"])])
def test_xlsx_sheet_argument(tmp_path, sheet, want):
    path = write_xlsx(tmp_path, {"Week 1": week(1), "Week 2": week(2), "Notes": [["free text"]]})
    log = read_clean(path, sheet=sheet)
    assert sorted(log["source"].str.split(":").str[1].unique()) == want
    assert_accounted(log, xlsx_data_rows(path, {w: 3 for w in want}))


@pytest.mark.parametrize(("sheet", "match"), [("Week 9", r"no sheet 'Week 9'.*\['Week 1'"),
                                              (5, r"has 1 sheets; sheet=5")])
def test_xlsx_missing_sheet(tmp_path, week_rows, sheet, match):
    path = write_xlsx(tmp_path, {"Week 1": week_rows})
    with pytest.raises(ba.LogError, match=match):
        ba.read_log(path, sheet=sheet)


def test_ods(tmp_path):
    frame = pd.DataFrame({"Date": ["2026-03-02", "2026-03-03", "2026-03-04"],
                          "Time": ["09:00", "2pm", "18:30"], "What I did": ["Walk", "Read", "Cook"],
                          "Achievement": [7, 2, 5], "Enjoyment": [8, 9, 4], "Done": ["y", "n", "✓"]})
    path = tmp_path / "log.ods"
    frame.to_excel(path, engine="odf", index=False, sheet_name="Week 1")
    log = read_clean(path)
    assert_accounted(log, frame_data_rows(3, "Week 1"))
    assert log["activity"].tolist() == ["Walk", "Read", "Cook"]
    assert log["done"].tolist() == [True, False, True]
    assert log["start"].tolist() == pd.to_datetime(
        ["2026-03-02 09:00", "2026-03-03 14:00", "2026-03-04 18:30"]).tolist()


def test_ods_several_sheets_and_a_title(tmp_path):
    path = tmp_path / "log.ods"
    with pd.ExcelWriter(path, engine="odf") as writer:
        pd.DataFrame({"A": ["Read me first"]}).to_excel(writer, sheet_name="About", index=False, header=False)
        for w in (1, 2):
            rows = pd.DataFrame([[f"Week {w}", None, None], ["Date", "Activity", "Mood (1-5)"],
                                 [f"2026-03-0{w}", "Walk", 5], [f"2026-03-0{w}", "Total", 5]])
            rows.to_excel(writer, sheet_name=f"Week {w}", index=False, header=False)
    log = read_clean(path)
    assert_accounted(log, {("Week 1", 3), ("Week 1", 4), ("Week 2", 3), ("Week 2", 4)})
    assert log["source"].tolist() == ["log.ods:Week 1:3", "log.ods:Week 2:3"]
    assert log["mood"].tolist() == [10.0, 10.0]
    assert any("skipped sheet 'About'" in n for n in log.attrs["notes"])


def test_parquet(tmp_path):
    frame = pd.DataFrame({"Start": pd.to_datetime(["2026-03-02 09:00", "2026-03-03 14:00"]),
                          "Activity": ["Walk", "Read"], "M": [7.0, 2.0], "P": [8, 9],
                          "Planned": [True, False], "Mood (1-5)": [5, 1]})
    path = tmp_path / "log.parquet"
    frame.to_parquet(path)
    log = read_clean(path)
    assert_accounted(log, frame_data_rows(2))
    assert log["start"].tolist() == frame["Start"].tolist()
    assert log["planned"].tolist() == [True, False]
    assert log["mood"].tolist() == [10.0, 0.0]
    assert log["source"].tolist() == ["log.parquet:2", "log.parquet:3"]


def test_dataframe_in_memory():
    frame = pd.DataFrame({"Date": ["2026-03-02"], "Activity": ["Walk"], "M": [9]})
    log, caught = read(frame)
    assert not caught
    assert_accounted(log, frame_data_rows(1))
    assert log["mastery"].tolist() == [9.0]
    assert log["source"].tolist() == ["<DataFrame>:2"]


# --------------------------------------------------------------------------- row numbers


def test_csv_line_numbers_with_multiline_cells_and_blank_lines(tmp_path):
    text = ('Log of Jo\n\nDate,Activity,M,Notes\n'
            '2026-03-02,Walk,9,"felt\ngood\nafter"\n'       # lines 4-6
            '\n'                                           # line 7
            '2026-03-03,Read,x,\n'                         # line 8
            '2026-03-04,"Cook\r\ndinner",5,\n'             # lines 9-10
            '2026-03-05,Swim,??,\n')                       # line 11
    log, _ = csv_log(tmp_path, text, header_line=3)
    assert log["source"].tolist() == ["log.csv:4", "log.csv:8", "log.csv:9", "log.csv:11"]  # rows with a bad cell stay
    assert log["mastery"].isna().tolist() == [False, True, False, True]
    assert problems(log)["row"].tolist() == [8, 11]
    assert problems(log)["kind"].tolist() == ["cell", "cell"]
    assert log["note"].iloc[0] == "felt\ngood\nafter"


def test_xlsx_row_numbers_in_errors(tmp_path, week_rows):
    bad = [r[:] for r in week_rows]
    bad[5][2] = None
    bad[5][3] = "?"
    path = write_xlsx(tmp_path, {"Week 1": bad})
    log, _ = read(path)
    assert_accounted(log, xlsx_data_rows(path, {"Week 1": 3}))
    assert problems(log)[["sheet", "row", "column"]].values.tolist() == [["Week 1", 6, "Mastery"]]
    assert problems(log)["source"].tolist() == ["log.xlsx:Week 1:6"]


# --------------------------------------------------------------------------- files that cannot be read


def test_encrypted_xlsx(tmp_path):
    path = tmp_path / "locked.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024))
    with pytest.raises(ba.LogError, match=r"locked\.xlsx is password-protected.*remove the password"):
        ba.read_log(path)


def test_truncated_xlsx(tmp_path, week_rows):
    good = write_xlsx(tmp_path, {"Week 1": week_rows}).read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(good[: len(good) // 2])
    with pytest.raises(ba.LogError, match=r"cut\.xlsx is damaged.*save it again"):
        ba.read_log(path)


def test_corrupt_part_in_xlsx(tmp_path, week_rows):
    import zipfile

    good = write_xlsx(tmp_path, {"Week 1": week_rows})
    path = tmp_path / "corrupt.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.endswith("sheet1.xml"):
                data = data[: len(data) // 3]
            dst.writestr(item, data)
    with pytest.raises(ba.LogError, match=r"corrupt\.xlsx.*(save it again|LibreOffice)"):
        ba.read_log(path)


@pytest.mark.parametrize(("name", "data", "match"), [
    ("empty.xlsx", b"", r"empty\.xlsx is empty \(0 bytes\)"),
    ("empty.csv", b"", r"empty\.csv is empty \(0 bytes\)"),
    ("blank.csv", b"\n \n\t\n", r"blank\.csv holds no text"),
    ("junk.csv", bytes(range(256)) * 8, r"junk\.csv is not a text \(CSV\) file"),
    ("renamed.xlsx", b"Date,Activity\n2026-01-01,x\n", r"renamed\.xlsx is not a readable \.xlsx file"),
    ("bad.parquet", b"PAR1" + bytes(100), r"bad\.parquet could not be read as Parquet"),
    ("odd.parquet", b"not parquet at all", r"odd\.parquet is not a valid Parquet file"),
    ("quote.csv", b'Date,Activity,M\n2026-03-02,"Walk,7\n', r"quote\.csv could not be read as a CSV.*quote"),
    ("nolog.csv", b"name,age\nbob,3\n", r"no log found in nolog\.csv.*header row.*columns="),
    ("header.csv", b"Date,Activity,M,P\n\n", r"header\.csv: header\.csv has a header row but no entries"),
])
def test_unreadable_files(tmp_path, name, data, match):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ba.LogError, match=match):
        ba.read_log(path)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        ba.read_log(tmp_path / "nope.csv")
    with pytest.raises(ba.LogError, match="is a folder"):
        ba.read_log(tmp_path)


@pytest.mark.parametrize("maker", ["csv", "xlsx", "ods", "parquet"])
def test_source_file_is_never_modified(tmp_path, week_rows, maker):
    if maker == "csv":
        path = write_csv(tmp_path, "Date,Activity,M\n2026-03-02,Walk,x\n2026-03-03,Run,8\n")
    elif maker == "xlsx":
        path = write_xlsx(tmp_path, {"Week 1": week_rows})
    elif maker == "ods":
        path = tmp_path / "log.ods"
        pd.DataFrame({"Date": ["2026-03-02"], "Activity": ["Walk"], "M": [8]}).to_excel(path, engine="odf", index=False)
    else:
        path = tmp_path / "log.parquet"
        pd.DataFrame({"Date": ["2026-03-02"], "Activity": ["Walk"], "M": [8]}).to_parquet(path)
    old = 1_600_000_000
    os.utime(path, (old, old))
    before = path.read_bytes(), path.stat().st_mtime_ns
    expected = {"csv": lambda: csv_data_lines(path, 1), "xlsx": lambda: xlsx_data_rows(path, {"Week 1": 3}),
                "ods": lambda: frame_data_rows(1, "Sheet1"), "parquet": lambda: frame_data_rows(1)}[maker]()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_accounted(ba.read_log(path), expected)
        ba.read_log(path, errors="ignore")
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # no lock or temp files left


# --------------------------------------------------------------------------- property-based


def test_tabs_typed_into_a_comma_files_cells_do_not_make_it_a_tab_file(tmp_path):
    # found by the property test: under tab, the lines of empty slots ("...,\t") split in two and
    # outnumbered the comma rows; the separator now wins by cells in rows of one width
    rows = [HEAD, ["2026-03-02", "10:00", "Walk", "9", "0", "y", "8"], [""] * 7, [""] * 6 + ["\t"],
            [""] * 6 + ["\t"], [""] * 4 + ["\t", "\r", "\t"], [""] * 4 + ["\t", "\r", "\t"]]
    path = write_csv(tmp_path, rows_to_csv(rows))
    _check_no_loss(path, csv_data_lines(path, 1))
    log, _ = read(path)
    assert log["activity"].tolist() == ["Walk"]


# --------------------------------------------------------------------------- durations


@pytest.mark.parametrize(("text", "sep"), [
    ("Date,Activity,M\n2026-03-02,Walk,7\n", ","),
    ("Date;Activity;M\n2026-03-02;Walk;7,5\n2026-03-03;Read;8\n", ";"),   # decimal commas
    ("Title of my log\nDate,Activity,M\n2026-03-02,Walk,7\n", ","),          # a title line
    ("Date\tActivity\n2026-03-02\tWalk\n", "\t"),
    ("Date|Activity|M\n2026-03-02|Walk|7\n", "|"),
    ('a,b,c\n";""",1,";"""\n', ","),                                       # ; and " inside quotes
    ('Date,Activity,Notes\n2026-03-02,Walk,"a;b;c;d;e"\n', ","),
    ("just one line\n", ","),
])
def test_sniff_delimiter(text, sep):
    from bactivate.io.files import sniff_delimiter

    assert sniff_delimiter(text) == sep
