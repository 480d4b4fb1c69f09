"""Adversarial input corpus for ``read_log`` (docs/robustness.md lists every case and its outcome).

Every input is built in code in ``tmp_path`` (no binary fixtures). Each case ends in one of two
ways: a tidy log whose rows are all accounted for (kept + distinct rejected source rows == the
non-blank data rows written, checked with the independent helpers in conftest.py), or one
``bactivate.LogError`` that names the file and says what to fix. Never a raw pandas/openpyxl
exception (``KeyError``, ``ParserError``, ``BadZipFile`` ...), never a hang: the slow cases are
timed, and the 200,000-row case is also measured for peak memory in a subprocess.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from conftest import (
    assert_accounted,
    assert_rejected_schema,
    csv_data_lines,
    read,
    rows_to_csv,
    write_csv,
    write_xlsx,
    xlsx_data_rows,
)

import bactivate as ba

# the scale is in the header so that these tests are about the input, not about scale guessing
H = ["Date", "Time", "Activity", "Mastery (0-10)", "Pleasure (0-10)"]
DAY = dt.datetime(2026, 3, 2)


def log_error(path, match: str | None = None, **kw) -> str:
    """``read_log`` must stop with one LogError (not a pandas/openpyxl error) naming the file."""
    with pytest.raises(Exception) as info:
        read(path, **kw)
    assert type(info.value) is ba.LogError, f"{type(info.value).__name__}: {info.value}"
    msg = str(info.value)
    assert Path(path).name in msg, msg
    if match:
        assert match in msg, msg
    return msg


def csv_case(tmp_path, rows, name="log.csv", **kw):
    path = write_csv(tmp_path, rows_to_csv(rows), name)
    log, caught = read(path, **kw)
    assert_rejected_schema(log)
    assert_accounted(log, csv_data_lines(path, 1))
    return log, caught


# --------------------------------------------------------------------------- files that cannot be read


def test_empty_file(tmp_path):
    log_error(write_csv(tmp_path, "", "empty.csv"), "is empty (0 bytes)")


def test_whitespace_only_file(tmp_path):
    log_error(write_csv(tmp_path, "\n \n\t\n", "blank.csv"), "holds no")


def test_header_only(tmp_path):
    log_error(write_csv(tmp_path, rows_to_csv([H]), "header.csv"), "no entries")


def test_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        ba.read_log(tmp_path / "nope.csv")


def test_binary_junk_named_xlsx(tmp_path):
    path = tmp_path / "junk.xlsx"
    path.write_bytes(np.random.default_rng(1).integers(0, 256, 4096, dtype=np.uint8).tobytes())
    log_error(path, "save it again")


def test_binary_junk_named_csv(tmp_path):
    path = tmp_path / "junk.csv"
    path.write_bytes(bytes(range(256)) * 16)
    log_error(path, "binary data")


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9, 0.99])
def test_truncated_xlsx(tmp_path, keep):
    good = write_xlsx(tmp_path, {"Log": [H] + [[DAY, "09:00", f"A{i}", 5, 6] for i in range(50)]}, "good.xlsx")
    data = good.read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(data[: int(len(data) * keep)])
    log_error(path, "damaged")


def test_password_protected_xlsx(tmp_path):
    # an encrypted workbook is an OLE2 compound file, whatever its name says
    path = tmp_path / "locked.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4088))
    log_error(path, "password-protected")


def test_daylio_export_cut_mid_quoted_field(tmp_path):
    text = ("full_date,date,weekday,time,mood,activities,note_title,note\n"
            '2026-03-03,March 3,Tuesday,20:15,good,walk | friends,,"fine"\n'
            '2026-03-02,March 2,Monday,09:00,meh,reading,,"a long note that was cu')
    msg = log_error(write_csv(tmp_path, text, "daylio_export.csv"))
    assert "line 3 opens a quote" in msg and "never closed" in msg and "export it again" in msg


# --------------------------------------------------------------------------- encodings and separators


ACCENTS = [H, ["2026-03-02", "09:00", "Café au lait", 5, 6], ["2026-03-03", "10:00", "Crème brûlée", 7, 8]]


@pytest.mark.parametrize("encoding, bom", [("latin-1", b""), ("cp1252", b""), ("utf-16", b""),
                                           ("utf-16-le", b""), ("utf-8", b"\xef\xbb\xbf")])
def test_encodings(tmp_path, encoding, bom):
    path = tmp_path / "enc.csv"
    path.write_bytes(bom + rows_to_csv(ACCENTS).encode(encoding))
    log, caught = read(path)
    # a file that says its encoding (UTF-8, a BOM) reads silently; a fallback encoding is said once
    told = {"latin-1": "read as Windows-1252", "cp1252": "read as Windows-1252",
            "utf-16-le": "read as UTF-16 (little-endian"}.get(encoding)
    assert [str(w.message) for w in caught if told is None or told not in str(w.message)] == []
    assert (told is None) == (not caught)
    assert log["activity"].tolist() == ["Café au lait", "Crème brûlée"]
    assert log["mastery"].tolist() == [5, 7]
    assert len(log) + log.attrs["rejected"]["source"].nunique() == 2


@pytest.mark.parametrize("sep", [";", "\t"])
def test_decimal_commas(tmp_path, sep):
    rows = [H, ["02.03.2026", "09:00", "Walk", "5,5", "6,5"], ["03.03.2026", "10:00", "Read", "7,25", "8"]]
    text = sep.join(H) + "\n" + "".join(sep.join(r) + "\n" for r in rows[1:])
    path = write_csv(tmp_path, text, "eu.csv")
    log, caught = read(path, dayfirst=True)
    assert not caught
    assert log["mastery"].tolist() == [5.5, 7.25]
    assert log["pleasure"].tolist() == [6.5, 8.0]
    assert log["start"].tolist() == [pd.Timestamp("2026-03-02 09:00"), pd.Timestamp("2026-03-03 10:00")]
    assert_accounted(log, csv_data_lines(path, 1, sep=sep))


def test_ambiguous_dotted_dates_ask_for_dayfirst(tmp_path):
    text = "Date;Activity;Mastery (0-10)\n02.03.2026;Walk;5,5\n03.05.2026;Read;7\n"
    log_error(write_csv(tmp_path, text, "eu.csv"), "dayfirst=True")


# --------------------------------------------------------------------------- size


def test_thousand_columns(tmp_path):
    extra = [f"Extra {i}" for i in range(995)]
    rows = [H + extra] + [["2026-03-02", f"{9 + i}:00", f"A{i}", 5, 6] + list(range(995)) for i in range(3)]
    t0 = time.perf_counter()
    log, caught = csv_case(tmp_path, rows, "wide.csv")
    assert time.perf_counter() - t0 < 30
    assert len(log) == 3 and log.shape[1] == 15 + 995
    assert log["Extra 994"].tolist() == [994] * 3


BIG = 200_000


def _write_big(folder: Path) -> Path:
    rng = np.random.default_rng(0)
    start = pd.Timestamp("2020-01-01 08:00") + pd.to_timedelta(np.arange(BIG) * 37, unit="min")
    frame = pd.DataFrame({
        "Date": start.strftime("%Y-%m-%d"), "Time": start.strftime("%H:%M"),
        "Activity": np.array(["Walk", "Read", "Call mum", "Cook", "Gym"])[rng.integers(0, 5, BIG)],
        "Mastery (0-10)": rng.integers(0, 11, BIG), "Pleasure (0-10)": rng.integers(0, 11, BIG)})
    frame.loc[::10_000, "Mastery (0-10)"] = 42  # 20 bad cells, blanked (their rows stay)
    path = folder / "big.csv"
    frame.to_csv(path, index=False, lineterminator="\n")
    return path


def test_200k_rows_time_and_accounting(tmp_path):
    path = _write_big(tmp_path)
    t0 = time.perf_counter()
    log, caught = read(path)
    elapsed = time.perf_counter() - t0
    assert elapsed < 30, elapsed
    assert len(log) == BIG  # a bad cell costs one cell: every row is kept
    rej = log.attrs["rejected"]
    assert set(rej["row"]) == {2 + i for i in range(0, BIG, 10_000)}
    assert (rej["kind"] == "cell").all() and (rej["column"] == "Mastery (0-10)").all()
    assert int(log["mastery"].isna().sum()) == 20
    assert len(caught) == 1  # one summary warning, not one per row
    assert ba.accounting(log)["rows_read"].sum() == BIG
    assert ba.accounting(log)["with_blanked_cells"].sum() == 20


_MEASURE = """
import json, resource, sys, warnings
import bactivate as ba
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    log = ba.read_log(sys.argv[1])
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"rows": len(log), "before_kib": before, "after_kib": after}))
"""

MEMORY_FACTOR = 20  # documented in docs/robustness.md


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in KiB on Linux")
def test_200k_rows_peak_memory_is_bounded(tmp_path):
    """Peak RSS added by reading (after imports) stays under 20x the CSV's size on disk."""
    path = _write_big(tmp_path)
    out = subprocess.run([sys.executable, "-c", _MEASURE, str(path)], capture_output=True, text=True,
                         timeout=120, check=True)
    m = json.loads(out.stdout.strip().splitlines()[-1])
    assert m["rows"] == BIG
    grown = (m["after_kib"] - m["before_kib"]) * 1024
    size = path.stat().st_size
    assert grown < MEMORY_FACTOR * size, f"peak grew by {grown / 2**20:.0f} MiB for a {size / 2**20:.1f} MiB file"


# --------------------------------------------------------------------------- headers


def test_duplicated_rating_header_keeps_one_and_says_which(tmp_path):
    rows = [H + ["Mastery"], ["2026-03-02", "09:00", "Walk", 5, 6, 7]]
    log, caught = csv_case(tmp_path, rows, "dup.csv")
    assert log["mastery"].tolist() == [5]
    assert log["Mastery"].tolist() == [7]  # the other one is kept as an extra column
    assert any("Mastery" in n for n in log.attrs["notes"]), log.attrs["notes"]


@pytest.mark.parametrize("extra", [["Note", "Note"], ["Mastery (0-10)"]])
def test_duplicated_identical_text_headers(tmp_path, extra):
    rows = [H + extra, ["2026-03-02", "09:00", "Walk", 5, 6] + ["a", "b"][: len(extra)]]
    log, caught = csv_case(tmp_path, rows, "dup.csv")
    assert len(log) == 1
    # the first column is read, the second kept as an extra column, and the notes say so
    assert any("all name" in n and "rename one" in n for n in log.attrs["notes"]), log.attrs["notes"]


def test_two_header_rows_units_row_is_set_aside_with_reason(tmp_path):
    rows = [H, ["", "", "", "0-10", "0-10"], ["2026-03-02", "09:00", "Walk", 5, 6]]
    log, caught = csv_case(tmp_path, rows, "two.csv")
    assert len(log) == 1
    rej = log.attrs["rejected"]
    assert set(rej["row"]) == {2} and rej["kind"].tolist() == ["row"]   # no date: it cannot be placed in time
    assert rej["reason"].str.startswith("no date").all()
    assert len(caught) == 1 and "two.csv" in str(caught[0].message)


def test_header_repeated_is_not_a_log_row(tmp_path):
    log, caught = csv_case(tmp_path, [H, H, ["2026-03-02", "09:00", "Walk", 5, 6]], "rep.csv")
    assert len(log) == 1 and not caught
    assert log.attrs["rejected"]["kind"].tolist() == ["not an entry"]


def test_merged_two_row_header_cells(tmp_path):
    # "Ratings" merged over D1:E1, with Mastery / Pleasure below it in row 2
    path = write_xlsx(tmp_path, {"Log": [["Date", "Time", "Activity", "Ratings", None],
                                         [None, None, None, "Mastery (0-10)", "Pleasure (0-10)"],
                                         [DAY, "09:00", "Walk", 5, 6]]},
                      "merged.xlsx", merges={"Log": ["D1:E1", "A1:A2", "B1:B2", "C1:C2"]})
    log, caught = read(path)
    # both header rows are the header: nothing set aside, the ratings read under their own names
    assert_accounted(log, xlsx_data_rows(path, {"Log": 2}))
    assert log["activity"].tolist() == ["Walk"]
    assert log[["mastery", "pleasure"]].iloc[0].tolist() == [5.0, 6.0]
    assert log.attrs["rejected"].empty and not caught
    assert any("rows 1 and 2 as one header" in n and "'Ratings' above 'Mastery (0-10)'" in n
               for n in log.attrs["notes"])


def test_a_data_row_under_the_header_is_not_taken_for_a_second_header_row(tmp_path):
    # the row below names no fields: it is data, and the header stays one row
    log, caught = csv_case(tmp_path, [H, ["2026-03-02", "09:00", "Walk", 5, 6]], "one.csv")
    assert len(log) == 1 and not any("one header" in n for n in log.attrs["notes"])


def test_not_rated_words_are_blank_and_said_so(tmp_path):
    rows = [H] + [["2026-03-02", f"{8 + i}:00", f"A{i}", v, 5] for i, v in enumerate(["N/A", "n/a", "-", "7"])]
    log, caught = csv_case(tmp_path, rows, "na.csv")
    assert len(log) == 4 and log["mastery"].isna().sum() == 3 and not caught
    note = next(n for n in log.attrs["notes"] if "not rated" in n)
    assert "3 cells" in note and "'N/A'" in note and "Mastery (0-10)" in note


def test_large_files_show_their_reading_stages(tmp_path, monkeypatch, capsys):
    from bactivate.io import read as bio

    monkeypatch.setattr(bio, "LARGE_FILE", 10)
    monkeypatch.setattr(bio, "_PROGRESS_DISABLE", False)
    log, _ = csv_case(tmp_path, [H, ["2026-03-02", "09:00", "Walk", 5, 6]], "big.csv")
    err = capsys.readouterr().err
    assert len(log) == 1
    assert "reading big.csv" in err and "checking every cell" in err and "done" in err


def test_merged_title_above_header(tmp_path):
    path = write_xlsx(tmp_path, {"Log": [["Activity diary"], H, [DAY, "09:00", "Walk", 5, 6]]},
                      "title.xlsx", merges={"Log": ["A1:E1"]})
    log, caught = read(path)
    assert not caught and log["activity"].tolist() == ["Walk"]
    assert_accounted(log, xlsx_data_rows(path, {"Log": 2}))


# --------------------------------------------------------------------------- dates


def test_three_date_formats_in_one_column(tmp_path):
    rows = [H, ["2026-03-02", "09:00", "A", 5, 6], ["03/03/2026", "09:00", "B", 5, 6],
            ["4 March 2026", "09:00", "C", 5, 6]]
    log, caught = csv_case(tmp_path, rows, "dates.csv")
    assert not caught
    assert log["start"].dt.day.tolist() == [2, 3, 4]


def test_future_dates_kept_and_dates_before_1900_set_aside(tmp_path):
    rows = [H, ["2099-03-02", "09:00", "A", 5, 6], ["1850-03-03", "09:00", "B", 5, 6],
            ["1899-12-31", "09:00", "C", 5, 6]]
    log, caught = csv_case(tmp_path, rows, "dates.csv")
    assert log["start"].tolist() == [pd.Timestamp("2099-03-02 09:00")]
    rej = log.attrs["rejected"]
    assert set(rej["row"]) == {3, 4}
    assert rej["reason"].str.contains("between 1900 and 2199").all()
    assert rej["column"].eq("Date").all()


def test_dst_nights_are_kept_as_written_local_times(tmp_path):
    # 2026-03-29 02:30 does not exist in Europe (clocks jump 02:00 -> 03:00); 2026-10-25 02:30
    # happens twice. The tidy log holds naive local wall-clock times: kept as written.
    rows = [H, ["2026-03-29", "01:30", "Sleep", 5, 6], ["2026-03-29", "02:30", "Wake", 5, 6],
            ["2026-10-25", "02:30", "First", 5, 6], ["2026-10-25", "02:30", "Second", 5, 6]]
    log, caught = csv_case(tmp_path, rows, "dst.csv")
    assert not caught
    assert log["start"].dt.tz is None
    assert log["start"].dt.strftime("%Y-%m-%d %H:%M").tolist() == [
        "2026-03-29 01:30", "2026-03-29 02:30", "2026-10-25 02:30", "2026-10-25 02:30"]
    assert log["entry"].is_unique


# --------------------------------------------------------------------------- ratings


def test_bad_ratings(tmp_path):
    values = ["-1", "11", "1e9", "NaN", "N/A", "", "5", "inf"]
    rows = [H] + [["2026-03-02", f"{8 + i}:00", f"A{i}", v, 5] for i, v in enumerate(values)]
    log, caught = csv_case(tmp_path, rows, "ratings.csv")
    rej = log.attrs["rejected"]
    # out of scale: set aside, the reason names the value and the scale, the column is the cell's
    out = rej.set_index("value")
    assert {"-1", "11", "1e9"} <= set(out.index)
    assert rej["column"].eq("Mastery (0-10)").all()
    assert rej["reason"].str.contains("0-10|number", regex=True).all()
    # blank-like cells are missing ratings, the row is kept
    kept = log.set_index("activity")["mastery"]
    assert kept["A6"] == 5
    assert kept[["A3", "A4", "A5"]].isna().all()
    assert len(caught) == 1
    msg = str(caught[0].message)
    assert "ratings.csv" in msg and "Mastery (0-10)" in msg


def test_formula_cells_without_cached_values(tmp_path):
    # openpyxl writes formulas without the value Excel would have computed and stored
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Log"
    ws.append(H)
    ws.append([DAY, "09:00", "Walk", 5, "=D2+1"])
    ws.append([DAY + dt.timedelta(days=1), "09:00", "Read", "=A1+1", 3])
    path = tmp_path / "formulas.xlsx"
    wb.save(path)
    with pytest.warns(ba.LogWarning) as caught:
        log = ba.read_log(path)
    assert_accounted(log, {("Log", 2), ("Log", 3)})
    assert log["activity"].tolist() == ["Walk", "Read"]
    assert log["pleasure"].isna().tolist() == [True, False]
    msgs = [str(w.message) for w in caught]
    formula = [m for m in msgs if "formula" in m]
    assert len(formula) == 1, msgs
    assert "formulas.xlsx" in formula[0] and "Log" in formula[0]
    assert "E2" in formula[0] and "D3" in formula[0]
    assert "=A1+1" not in formula[0] and "Walk" not in formula[0]  # names cells, not contents


def test_formula_cells_with_cached_values_read_the_value(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Log"
    ws.append(H)
    ws.append([DAY, "09:00", "Walk", 5, 7])
    path = tmp_path / "cached.xlsx"
    wb.save(path)
    # put the formula in by hand, with the value Excel would have cached
    import zipfile

    src = zipfile.ZipFile(path)
    out_path = tmp_path / "cached2.xlsx"
    with zipfile.ZipFile(out_path, "w") as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<c r="E2" t="n"><v>7</v></c>', b'<c r="E2"><f>D2+2</f><v>7</v></c>')
                assert b"<f>D2+2</f>" in data
            out.writestr(item, data)
    log, caught = read(out_path)
    assert not caught
    assert log["pleasure"].tolist() == [7]


# --------------------------------------------------------------------------- sheets


def test_hidden_sheet_is_read_and_named(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Week 1"
    ws.append(H)
    ws.append([DAY, "09:00", "Walk", 5, 6])
    old = wb.create_sheet("Old")
    old.append(H)
    old.append([DAY - dt.timedelta(days=7), "09:00", "Hidden entry", 5, 6])
    old.sheet_state = "hidden"
    path = tmp_path / "hidden.xlsx"
    wb.save(path)
    with pytest.warns(ba.LogWarning, match="hidden") as caught:
        log = ba.read_log(path)
    assert_accounted(log, xlsx_data_rows(path, {"Week 1": 1, "Old": 1}))
    assert set(log["source"]) == {"hidden.xlsx:Old:2", "hidden.xlsx:Week 1:2"}
    msg = next(str(w.message) for w in caught if "hidden" in str(w.message))
    assert "'Old'" in msg and "sheet=" in msg and "Week 1" not in msg
    # choosing the sheets leaves the hidden one out, without the warning
    log, caught = read(path, sheet="Week 1")
    assert not caught and log["activity"].tolist() == ["Walk"]


def test_formula_scan_does_not_run_into_the_next_cell():
    from bactivate.io.workbook import CACHED as _CACHED
    from bactivate.io.workbook import FORMULA_CELL as _FORMULA_CELL

    xml = (b'<row><c r="A2" s="1"/><c r="B2"><v>3</v></c><c r="C2"><f>A1</f><v/></c>'
           b'<c r="D2"><f>A1</f><v>4</v></c><x:c r="E2" s="2"><x:f t="shared" si="0"/><x:v></x:v></x:c></row>')
    found = [(m.group(1), bool(_CACHED.search(m.group(2)))) for m in _FORMULA_CELL.finditer(xml)]
    assert found == [(b"C2", False), (b"D2", True), (b"E2", False)]
