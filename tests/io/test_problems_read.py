"""The rows set aside and the one warning (bactivate.io.problems): errors='warn', 'raise', 'ignore'.
"""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from conftest import (
    assert_accounted,
    assert_rejected_schema,
    csv_data_lines,
    read,
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


# --------------------------------------------------------------------------- rows set aside


def test_warn_emits_exactly_one_warning_summarising(tmp_path):
    text = "Date,Activity,M,P\n2026-03-02,Walk,7,8\n2026-03-03,Read,x,8\n2026-03-04,Run,12,8\n,Total,19,16\n"
    log, caught = csv_log(tmp_path, text)
    assert len(caught) == 1
    msg = str(caught[0].message)
    assert msg.startswith("log.csv: kept 3 of 4 rows; 2 cells left blank (in 2 rows kept), "
                          "1 row not an entry (nothing to fix): ")
    assert log["activity"].tolist() == ["Walk", "Read", "Run"]       # rows with a bad cell stay
    assert log["mastery"].isna().tolist() == [False, True, True]
    assert problems(log)["kind"].tolist() == ["cell", "cell"]
    assert "is not a number" in msg and "outside" in msg
    assert "attrs['rejected']" in msg and "bactivate validate log.csv" in msg
    assert "'x'" not in msg  # the summary groups reasons, without cell values


def test_one_warning_also_for_hidden_sheets_and_unsaved_formulas(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Week 1"
    for row in [["Date", "Activity", "M", "P"], [dt.datetime(2026, 3, 2), "Walk", 9, "=C2-1"],
                [dt.datetime(2026, 3, 3), "Read", "lots", 0]]:
        ws.append(row)
    old = wb.create_sheet("Old")
    old.append(["Date", "Activity", "M", "P"])
    old.append([dt.datetime(2026, 2, 23), "Swim", 10, 0])
    old.sheet_state = "hidden"
    path = tmp_path / "log.xlsx"
    wb.save(path)
    log, caught = read(path)
    assert_accounted(log, xlsx_data_rows(path, {"Week 1": 1, "Old": 1}))
    assert len(caught) == 1
    msg = str(caught[0].message)
    assert msg.startswith("log.xlsx: kept 3 of 3 rows; 1 cell left blank (in 1 row kept): ")
    assert problems(log)["kind"].tolist() == ["cell"]
    assert "'Old' is hidden" in msg and "formulas with no saved result in D2" in msg
    assert any("hidden" in n for n in log.attrs["notes"])
    _, caught = read(path, errors="ignore")
    assert not caught
    _, caught = read(path, sheet="Old")
    assert not caught  # chosen on purpose: nothing to say


def test_only_non_entries_do_not_warn(tmp_path):
    log, caught = csv_log(tmp_path, "Date,Activity,M,P\n2026-03-02,Walk,7,8\n,Total,7,8\n")
    assert not caught
    assert len(log.attrs["rejected"]) == 1


def test_errors_raise_lists_every_problem_with_where(tmp_path, week_rows):
    bad = week(2)
    bad[4][3] = "lots"     # Week 2 row 5, Mastery
    bad[5][4] = 15         # Week 2 row 6, Pleasure
    path = write_xlsx(tmp_path, {"Week 1": week_rows, "Week 2": bad})
    with pytest.raises(ba.LogError) as err:
        ba.read_log(path, errors="raise")
    msg = str(err.value)
    assert msg.startswith("log.xlsx: 2 cells left blank (in 2 rows kept), 2 rows not entries (nothing to fix). "
                          "Fix these cells")
    assert "log.xlsx: sheet 'Week 2', row 5, column 'Mastery': 'lots' is not a number" in msg
    assert "log.xlsx: sheet 'Week 2', row 6, column 'Pleasure': 15 is outside" in msg
    assert isinstance(err.value, ValueError)
    assert err.value.problems["row"].tolist() == [5, 6]
    # a clean file does not raise
    ba.read_log(write_xlsx(tmp_path, {"Week 1": week_rows}, name="ok.xlsx"), errors="raise")


def test_errors_ignore_is_quiet(tmp_path):
    log, caught = csv_log(tmp_path, "Date,Activity,M\n2026-03-02,Walk,x\n2026-03-03,Run,8\n", errors="ignore")
    assert not caught and len(problems(log)) == 1
