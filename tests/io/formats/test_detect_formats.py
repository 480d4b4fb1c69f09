"""Telling the layouts apart with format="auto" (bactivate.io.detect), format names, and the sample
files of every layout (detected, read cleanly, reproducible, reported).

Every read is checked with ``accounted``: each source row (or, for a grid, each non-empty cell) is
either kept or set aside, never both, never lost -- counted independently of bactivate.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import openpyxl.utils
import pandas as pd
import pytest
from conftest import (
    assert_rejected_schema,
    csv_data_lines,
    read,
    read_clean,
    write_csv,
    write_xlsx,
    xlsx_data_rows,
)

import bactivate as ba
from bactivate.schema import TIDY_COLUMNS

SAMPLES = Path(__file__).resolve().parents[3] / "data" / "sample" / "formats"


def _key(source: str):
    parts = source.split(":")
    last = parts[-1]
    return (parts[1] if len(parts) == 3 else None, int(last) if last.isdigit() else last)


def accounted(log: pd.DataFrame, expected: set) -> None:
    """Every expected source row/cell is kept or set aside, never both, never invented;
    ``ba.accounting`` agrees; tidy rows that share a source share its entry id."""
    kept = {_key(s) for s in log["source"].unique()}
    rej = {_key(s) for s in log.attrs["rejected"]["source"].unique()}
    assert not kept & rej, f"both kept and rejected: {sorted(kept & rej, key=str)}"
    assert kept | rej == expected, (f"lost: {sorted(expected - kept - rej, key=str)}; "
                                    f"invented: {sorted((kept | rej) - expected, key=str)}")
    table = ba.accounting(log)
    assert (table["rows_read"] == table["kept"] + table["set_aside"] + table["not_log_rows"]).all()
    assert table["rows_read"].sum() == len(expected)
    assert table["kept"].sum() == len(kept)
    assert (log.groupby("source")["entry"].nunique() == 1).all()
    assert list(log.columns[: len(TIDY_COLUMNS)]) == list(TIDY_COLUMNS)
    assert {c: str(log[c].dtype) for c in TIDY_COLUMNS} == TIDY_COLUMNS
    assert_rejected_schema(log)


def csv_rows(path, header_line=1) -> set:
    return set(csv_data_lines(path, header_line))


def csv_read(tmp_path, text, name="export.csv", header_line=1, clean=True, **kw):
    path = write_csv(tmp_path, text, name)
    log = read_clean(path, **kw) if clean else read(path, **kw)[0]
    accounted(log, csv_rows(path, header_line))
    return log


BATD_HEAD = ["Time", "Activity", "Enjoyment (0-10)", "Importance (0-10)"]

DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def grid_cells(path, sheets: dict[str, tuple[int, str]]) -> set:
    """``{(sheet, "B5")}`` for every non-empty cell of the day columns below the row of days,
    read with openpyxl. *sheets* maps a sheet to (row of days, letters of the day columns)."""
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    out = set()
    for name, (head, letters) in sheets.items():
        ws = wb[name]
        for i, row in enumerate(ws.iter_rows(values_only=True), start=1):
            for j, cell in enumerate(row):
                letter = openpyxl.utils.get_column_letter(j + 1)
                if i > head and letter in letters and cell is not None and str(cell).strip():
                    out.add((name, f"{letter}{i}"))
    wb.close()
    return out


WEEK1 = [
    ["Weekly activity schedule - Client: Sam - Week starting 2 March 2026"],
    ["Time", *DAYS],
    ["7-8am", "Walk M6 P7", None, "walked dog (M5, P8)"],
    ["8-9", "TV P3 M1", "  ", None, "Mastery 4, Pleasure 9 ironing"],
    ["11-12", None, "Read", None, None, "M: 2 P: 8 cinema"],
    ["12-1", None, None, None, None, None, None, "Lunch m=3 p=6"],
    ["1-2", None, "swim (m 7 / p 9)"],
]

SAMPLE_FORMATS = {
    "daylio-export.csv": "daylio",
    "bearable-export.csv": "bearable",
    "weekly-schedule.xlsx": "grid",
    "batd-forms.xlsx": "batd",
}


def _sample_rows(path: Path) -> set:
    if path.name == "weekly-schedule.xlsx":
        return grid_cells(path, {"Week 1": (2, "BCDEFGH"), "Week 2": (2, "BCDEFGH")})
    if path.name == "batd-forms.xlsx":
        names = openpyxl.load_workbook(path, read_only=True).sheetnames
        return xlsx_data_rows(path, dict.fromkeys(names, 2))
    return csv_rows(path)


# --------------------------------------------------------------------------- auto-detection


def test_auto_long_and_tidy_logs_are_not_taken_for_a_format(tmp_path):
    log = csv_read(tmp_path, "Date,Time,Activity,Mood (0-10),Notes\n2026-03-02,09:00,Walk,7,ok\n")
    assert log.attrs["format"] == "long"
    assert not any(n.startswith("read as") for n in log.attrs["notes"])
    tidy = read_clean(ba.write_log(log, tmp_path / "t.csv"))
    assert tidy.attrs["format"] == "tidy"


def test_auto_hand_made_log_with_mood_and_activities_columns_stays_long(tmp_path):
    # Mood and Activities headers but none of Daylio's date columns: a hand-made log
    log = csv_read(tmp_path, "Date,Time,Activities,Mood (0-10)\n2026-03-02,09:00,Walk | Talk,7\n")
    assert log.attrs["format"] == "long"
    # issue 19: multi-select answers in a long file are one row per activity, one entry
    assert log["activity"].tolist() == ["Walk", "Talk"] and log["entry"].tolist() == [1, 1]


def test_auto_unsure_partial_daylio_asks_for_format(tmp_path):
    # issue 14: full_date, mood and two more of Daylio's columns are a (trimmed) Daylio export;
    # full_date and mood with only one more are still only part of one
    path = write_csv(tmp_path, "full_date,mood,activities\n2026-03-02,rad,walk\n")
    with pytest.raises(ba.LogError) as err:
        ba.read_log(path)
    msg = str(err.value)
    assert "cannot tell which layout" in msg and "format='daylio'" in msg
    assert "bactivate saw" in msg and "'full_date', 'mood', 'activities'" in msg


def test_auto_nothing_recognised_lists_what_it_saw(tmp_path):
    path = write_csv(tmp_path, "name,age\nbob,3\n")
    with pytest.raises(ba.LogError) as err:
        ba.read_log(path)
    msg = str(err.value)
    assert msg.startswith("no log found") and "pass format=" in msg and "'name', 'age'" in msg


def test_unknown_format_name():
    with pytest.raises(ValueError, match="daylio"):
        ba.read_log("x.csv", format="excel")


def test_auto_daylio_from_a_dataframe():
    frame = pd.DataFrame({"full_date": ["2026-03-02"], "date": ["March 2"], "weekday": ["Monday"],
                          "time": ["9:00 am"], "mood": ["good"], "activities": ["a | b"], "note": [""]})
    log = ba.read_log(frame)
    accounted(log, {(None, 2)})
    assert log.attrs["format"] == "daylio" and log["activity"].tolist() == ["a", "b"]
    assert log["entry"].tolist() == [1, 1]


# --------------------------------------------------------------------------- BATD-R


def test_auto_importance_without_enjoyment_asks_for_format(tmp_path):
    path = write_csv(tmp_path, "Date,Time,Activity,Importance\n2026-03-02,9:00,Walk,5\n")
    with pytest.raises(ba.LogError, match="cannot tell which layout.*BATD-R"):
        ba.read_log(path)


# --------------------------------------------------------------------------- Bearable


def test_auto_rating_amount_without_bearable_columns_asks_for_format(tmp_path):
    path = write_csv(tmp_path, "date,category,rating/amount\n2020-09-22,Mood,5\n")
    with pytest.raises(ba.LogError, match="cannot tell which layout.*Bearable"):
        ba.read_log(path)


# --------------------------------------------------------------------------- the sample files


@pytest.mark.parametrize(("name", "fmt"), list(SAMPLE_FORMATS.items()))
def test_sample_files_are_detected_and_read_cleanly(name, fmt):
    path = SAMPLES / name
    log = read_clean(path)
    assert log.attrs["format"] == fmt, log.attrs["notes"][0]
    accounted(log, _sample_rows(path))
    assert len(log) > 30 and log["activity"].notna().sum() > 30
    pd.testing.assert_frame_equal(log, read_clean(path, format=fmt))
    for other in set(SAMPLE_FORMATS.values()) - {fmt}:  # no other reader takes it for its own
        with pytest.raises(ba.LogError):
            ba.read_log(path, format=other)


@pytest.mark.parametrize("path", [SAMPLES.parent / "client-alex.xlsx", SAMPLES.parent / "client-alex-tidy.csv",
                                  SAMPLES.parent / "cohort" / "C001.csv",
                                  SAMPLES.parent / "questionnaires.csv"], ids=lambda p: p.name)
def test_the_other_samples_are_not_taken_for_a_format(path):
    from bactivate.io.detect import detect
    from bactivate.io.files import read_sheets

    assert detect(read_sheets(path), path.name) == ("long", None)


def test_sample_files_are_reproducible(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_formats", SAMPLES / "make_formats.py")
    make = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make)
    for name, write in (("daylio-export.csv", make.write_daylio), ("bearable-export.csv", make.write_bearable),
                        ("weekly-schedule.xlsx", make.write_grid), ("batd-forms.xlsx", make.write_batd)):
        write(tmp_path / name)
        assert (tmp_path / name).read_bytes() == (SAMPLES / name).read_bytes(), name


# the report on every sample format, section by section: tests/test_report_sections.py


def test_auto_two_layouts_in_one_workbook_asks_for_format(tmp_path):
    path = write_xlsx(tmp_path, {"Form": [["Date: 2 March 2026"], BATD_HEAD, ["9:00", "Walk", 7, 2]],
                                 "Week 1": WEEK1})
    with pytest.raises(ba.LogError) as err:
        ba.read_log(path)
    msg = str(err.value)
    assert "BATD-R" in msg and "weekly activity schedule" in msg and "format='batd'" in msg
    assert "bactivate saw sheet 'Form': row 1 holds 'Date: 2 March 2026'" in msg
    log = read_clean(path, format="grid")  # asked for: the other sheet is skipped and named
    accounted(log, grid_cells(path, {"Week 1": (2, "BCDEFGH")}))
    assert any("skipped sheet 'Form'" in n for n in log.attrs["notes"])
