"""write_log (bactivate.io.write): round trips through CSV, XLSX and Parquet, formula text defused
and read back exactly, the source file kept, and a property-based round trip.
"""

from __future__ import annotations

import datetime as dt
import os
import warnings

import numpy as np
import openpyxl
import pandas as pd
import pytest
from conftest import (
    assert_accounted,
    assert_counted,
    csv_data_lines,
    read,
    read_clean,
    rows_to_csv,
    tidy_data_rows,
    write_csv,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

import bactivate as ba


def read_tidy(path):
    """Read a file written by write_log, checking that every one of its data rows is accounted for."""
    log, caught = read(path)
    assert_counted(log, tidy_data_rows(path))
    return log, caught


FORMULA_TEXT = ["=SUM(A1:A3)", "+44 20 7946 0000", "-walk", "@home", "'=already quoted", "''=x", "'plain",
                "=", "-", "'"]


def sample_log(tmp_path) -> pd.DataFrame:
    text = rows_to_csv([
        ["Date", "Time", "End", "Activity", "Life area", "M", "P", "Mood (0-10)", "Effort", "Planned", "Done",
         "Avoid", "Notes", "Steps"],
        ["2026-03-02", "09:00", "09:45", "Walk", "Health", "7", "8", "6", "3", "y", "y", "", "sunny\nand warm", "4000"],
        ["2026-03-02", "10:30:15", "", "=SUM(A1:A3)", "@work", "2.5", "0.3", "4", "9", "n", "", "x", "+1 call", ""],
        ["2026-03-03", "2pm", "3pm", "-walk", "'=q", "10", "0", "7", "1", "", "n", "n", "'plain", "12"],
    ])
    path = write_csv(tmp_path, text, "source.csv")
    log = read_clean(path, client="Ana")
    assert_accounted(log, csv_data_lines(path, 1))
    return log


#: text people type: any character but control characters (tab and line breaks come from SPECIAL)
TYPED = st.characters(blacklist_categories=("Cs", "Cc"))

N = int(os.environ.get("BACTIVATE_HYPOTHESIS_EXAMPLES", "1"))  # raise to search longer

# tidy text as read_log leaves it: trimmed, not empty, line breaks as \n
TEXT = st.text(alphabet=st.one_of(TYPED, st.sampled_from("\n\t")), min_size=1, max_size=15).map(
    str.strip).filter(bool)
TIDY_ROW = st.fixed_dictionaries({
    "start": st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2099, 1, 1)).map(
        lambda d: d.replace(microsecond=0)),
    "minutes": st.one_of(st.none(), st.integers(0, 600)),
    "activity": st.one_of(st.none(), TEXT, st.sampled_from(FORMULA_TEXT)),
    "category": st.one_of(st.none(), TEXT),
    "mastery": st.one_of(st.none(), st.floats(0, 10)),
    "pleasure": st.one_of(st.none(), st.floats(0, 10)),
    "mood": st.one_of(st.none(), st.integers(0, 10).map(float)),
    "effort": st.one_of(st.none(), st.floats(0, 10)),
    "planned": st.one_of(st.none(), st.booleans()),
    "done": st.one_of(st.none(), st.booleans()),
    "avoidance": st.one_of(st.none(), st.booleans()),
    "note": st.one_of(st.none(), TEXT, st.sampled_from(FORMULA_TEXT)),
})


def _tidy(rows, client) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    start = pd.to_datetime(frame["start"]).astype("datetime64[ns]")
    end = start + pd.to_timedelta(frame["minutes"].astype("float64"), unit="min")
    log = pd.DataFrame({
        "client": client, "entry": np.arange(1, len(frame) + 1), "start": start, "end": end,
        **{c: frame[c] for c in ("activity", "category")},
        **{c: frame[c].astype("float64") for c in ("mastery", "pleasure", "mood", "effort")},
        **{c: frame[c].astype("boolean") for c in ("planned", "done", "avoidance")},
        "note": frame["note"], "source": [f"x.csv:{i + 2}" for i in range(len(frame))],
    })
    return ba.schema.conform(log)


# --------------------------------------------------------------------------- write_log round trip


@pytest.mark.parametrize("suffix", ["csv", "xlsx", "parquet"])
def test_write_log_round_trip(tmp_path, suffix):
    log = sample_log(tmp_path)
    out = ba.write_log(log, tmp_path / f"tidy.{suffix}")
    assert out == tmp_path / f"tidy.{suffix}"
    back, caught = read_tidy(out)
    assert not caught
    assert_frame_equal(back, log, check_exact=True)
    assert {c: str(back[c].dtype) for c in ba.schema.TIDY_COLUMNS} == ba.schema.TIDY_COLUMNS
    assert back.attrs["scales"] == {f: (0.0, 10.0) for f in ("mastery", "pleasure", "mood", "effort")}
    assert len(back.attrs["rejected"]) == 0


@pytest.mark.parametrize("suffix", ["csv", "xlsx", "parquet"])
def test_write_log_formula_text_round_trips(tmp_path, suffix):
    """Every risky text, in each text column, in one log: read back exactly as it was."""
    base = sample_log(tmp_path)
    n = len(FORMULA_TEXT)
    log = pd.concat([base] * (n // len(base) + 1), ignore_index=True).iloc[:n].copy()
    log["entry"] = np.arange(1, n + 1)
    log["source"] = [f"source.csv:{i + 2}" for i in range(n)]
    log["activity"] = FORMULA_TEXT
    log["note"] = FORMULA_TEXT[3:] + FORMULA_TEXT[:3]
    log["category"] = FORMULA_TEXT[6:] + FORMULA_TEXT[:6]
    log["client"] = FORMULA_TEXT[1]
    log = ba.schema.conform(log)
    back, _ = read_tidy(ba.write_log(log, tmp_path / f"tidy.{suffix}"))
    assert_frame_equal(back, log, check_exact=True)


@pytest.mark.parametrize("text", [';"', "a;b;c;d;e;f", '"quoted"', "a|b|c", "tab\there", "x,y;z"])
def test_write_log_csv_separator_not_fooled_by_text(tmp_path, text):
    log = sample_log(tmp_path)
    log["client"] = text
    log["note"] = text
    log = ba.schema.conform(log)  # the client column back to the tidy dtype
    back, _ = read_tidy(ba.write_log(log, tmp_path / "tidy.csv"))
    assert_frame_equal(back, log, check_exact=True)


def test_write_log_defuses_formulas_in_xlsx_and_csv(tmp_path):
    log = sample_log(tmp_path)
    path = ba.write_log(log, tmp_path / "tidy.xlsx")
    ws = openpyxl.load_workbook(path).active
    cells = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert all(c.data_type != "f" for c in cells)
    assert all(not c.value.startswith(("=", "+", "-", "@")) for c in cells)
    assert "'=SUM(A1:A3)" in [c.value for c in cells]
    text = ba.write_log(log, tmp_path / "tidy.csv").read_text()
    assert "'=SUM(A1:A3)" in text and "'-walk" in text and "'@work" in text and "'+1 call" in text
    assert "\n=" not in text and ",=" not in text


def test_write_log_keeps_the_source_file(tmp_path):
    log = sample_log(tmp_path)
    before = (tmp_path / "source.csv").read_bytes()
    ba.write_log(log, tmp_path / "tidy.csv")
    assert (tmp_path / "source.csv").read_bytes() == before


def test_write_log_errors(tmp_path):
    log = sample_log(tmp_path)
    with pytest.raises(ValueError, match=r"\.csv, \.xlsx or \.parquet"):
        ba.write_log(log, tmp_path / "tidy.json")
    with pytest.raises(ValueError, match="not a tidy log: missing columns"):
        ba.write_log(log.drop(columns="mood"), tmp_path / "tidy.csv")


def test_tidy_file_keeps_its_order_and_entries(tmp_path):
    log = sample_log(tmp_path).iloc[[2, 0, 1]].reset_index(drop=True)
    log["entry"] = [5, 5, 9]
    back, _ = read_tidy(ba.write_log(log, tmp_path / "tidy.csv"))
    assert_frame_equal(back, log, check_exact=True)


# --------------------------------------------------------------------------- property-based


@settings(max_examples=30 * N, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(TIDY_ROW, min_size=1, max_size=6), client=TEXT,
       suffix=st.sampled_from(["csv", "xlsx", "parquet"]))
def test_property_write_read_round_trip(tmp_path, rows, client, suffix):
    log = _tidy(rows, client)
    back, caught = read_tidy(ba.write_log(log, tmp_path / f"tidy.{suffix}"))
    assert not caught
    if suffix == "xlsx":  # Excel keeps 15-16 significant digits of a number, as Excel itself does
        assert_frame_equal(back, log, check_exact=False, rtol=1e-14, atol=1e-300)
    else:
        assert_frame_equal(back, log, check_exact=True)


@pytest.mark.parametrize("suffix", ["csv", "xlsx", "parquet"])
def test_activity_names_with_separators_round_trip(tmp_path, suffix):
    """A tidy file is one row per activity already: "Walk | Talk" and ";" are names as written, never
    split as a study's multi-select answers (hypothesis found ";" split into nothing, issue 19)."""
    log = ba.synth.client(weeks=1, seed=1).head(3).copy()
    log["activity"] = pd.array(["Walk | Talk", ";", "Tea; biscuits"], dtype="str")
    path = ba.write_log(log, tmp_path / f"t.{suffix}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        back = ba.read_log(path)
    assert back["activity"].tolist() == ["Walk | Talk", ";", "Tea; biscuits"]
    assert list(back.columns) == list(log.columns)
