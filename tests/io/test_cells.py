"""The cell parsers (bactivate.io.cells): numbers, yes/no, text, dates, times, durations, on their own
and as read_log reads them from every kind of file.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
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
    write_csv,
    write_xlsx,
    xlsx_data_rows,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from bactivate.io import cells as values
from bactivate.schema import TIDY_COLUMNS


def S(*cells):
    return pd.Series(list(cells), dtype=object)


ANY_CELL = st.one_of(
    st.none(), st.text(max_size=15), st.integers(-10**20, 10**20), st.floats(), st.booleans(),
    st.datetimes(), st.dates(), st.times(),
    st.sampled_from(["nan", "NaN", "N/A", "inf", "-inf", "1e309", "7/0", "0/0", "12/03/2026", "31/31/2026",
                     "2pm", "13pm", "00:00", "24:00", "99:99", "1h 99m", "١٢", "½", "Ⅶ"]),
)


def csv_log(tmp_path, text, header_line=1, name="log.csv", **kw):
    """Write CSV text, read it, check the accounting; return (log, LogWarnings)."""
    path = write_csv(tmp_path, text, name)
    log, caught = read(path, **kw)
    assert_accounted(log, csv_data_lines(path, header_line))
    assert_rejected_schema(log)
    return log, caught


def clean_csv(tmp_path, text, header_line=1, **kw):
    log, caught = csv_log(tmp_path, text, header_line, **kw)
    assert not caught, [str(w.message) for w in caught]
    assert (log.attrs["rejected"]["kind"] == "not an entry").all(), log.attrs["rejected"].to_string()
    return log


def problems(log):
    rej = log.attrs["rejected"]
    return rej[rej["kind"].isin(["cell", "row"])].reset_index(drop=True)


TRUE_CELLS = ["yes", "Yes", "YES", "y", "Y", "x", "X", "✓", "✔", "1", "true", "TRUE", "True"]
FALSE_CELLS = ["no", "No", "n", "N", "0", "false", "FALSE", "False"]


# --------------------------------------------------------------------------- numbers


def test_parse_number_forms():
    got, why, den = values.parse_number(S("7", "7.5", "7,5", "7/10", "7.5 / 10", "7 out of 10", "seven",
                                          "TEN", 3, 4.5, None, "", "  ", "N/A", "-", "??", "7?", "inf"))
    assert got.tolist()[:10] == [7.0, 7.5, 7.5, 7.0, 7.5, 7.0, 7.0, 10.0, 3.0, 4.5]
    assert got.iloc[10:16].isna().all() and np.isnan(got.iloc[17])
    assert got.iloc[16] == 7.0                  # "7?" is read as 7 (a hedged number, noted by the loader)
    assert why.iloc[:15].isna().all()           # fine, blank or "not given"
    assert pd.isna(why.iloc[16])
    assert why.iloc[[15, 17]].tolist() == ["'??' is not a number: write a number such as 7 or 7.5",
                                           "'inf' is not a finite number"]
    assert den.tolist()[3:5] == [10.0, 10.0] and np.isnan(den.iloc[0])


def test_parse_number_excel_booleans_are_not_ratings():
    got, why, _ = values.parse_number(S(True, False, 1))
    assert got.isna().tolist() == [True, True, False]
    assert why.iloc[0] == "'True' is not a number: write a number such as 7 or 7.5"


def test_parse_number_distinct_values_once(monkeypatch):
    """Text is parsed per distinct value, so a long column costs what its distinct cells cost."""
    seen = []
    real = values._number_text
    monkeypatch.setattr(values, "_number_text", lambda raw: seen.append(len(raw)) or real(raw))
    s = pd.Series(["7,5", "seven", "12/10"] * 50_000, dtype=object)
    got, why, den = values.parse_number(s)
    assert seen == [3]
    assert got.iloc[:3].tolist() == [7.5, 7.0, 12.0] and den.iloc[2] == 10.0
    assert why.isna().all()


# --------------------------------------------------------------------------- yes / no


@pytest.mark.parametrize("cell", ["yes", "Y", "x", "X", "✓", "✔", "✅", "1", 1, 1.0, True, "true", "TRUE", "done"])
def test_flag_true(cell):
    got, why = values.parse_flag(S(cell))
    assert got.tolist() == [True] and why.isna().all()


@pytest.mark.parametrize("cell", ["no", "N", "0", 0, 0.0, False, "false", "skipped", "-"])
def test_flag_false(cell):
    got, why = values.parse_flag(S(cell))
    assert got.tolist() == [False] and why.isna().all()


def test_flag_blank_and_bad():
    got, why = values.parse_flag(S(None, "", " ", "n/a", "maybe", 2))
    assert got.isna().all()
    assert why.iloc[:4].isna().all()
    fix = ": write yes or no (y/n, x, ✓, 1/0), or leave it blank"
    assert why.iloc[4:].tolist() == ["'maybe' is not yes or no" + fix, "'2' is not yes or no" + fix]
    assert str(got.dtype) == "boolean"


# --------------------------------------------------------------------------- text


def test_parse_text_trims_and_normalises_line_breaks():
    got = values.parse_text(S("  Walk ", "", None, "a\r\nb", "c\rd", 7))
    assert got.tolist()[:1] == ["Walk"]
    assert got.isna().tolist() == [False, True, True, False, False, False]
    assert got.tolist()[3:] == ["a\nb", "c\nd", "7"]


# --------------------------------------------------------------------------- dates


def test_parse_date_objects_serials_and_text():
    cells = S(dt.datetime(2026, 3, 2, 9, 30), dt.date(2026, 3, 3), pd.Timestamp("2026-03-04"),
              46086, "46086", "2026-03-05", "2026-03-05T10:15", "5 March 2026", None, "")
    got, why, info = values.parse_date(cells)
    assert got.tolist()[:8] == [pd.Timestamp(t) for t in (
        "2026-03-02 09:30", "2026-03-03", "2026-03-04", "2026-03-05", "2026-03-05", "2026-03-05",
        "2026-03-05 10:15", "2026-03-05")]
    assert got.iloc[8:].isna().all() and why.isna().all()
    assert str(got.dtype) == "datetime64[ns]"


def test_parse_date_reasons():
    got, why, _ = values.parse_date(S("someday", "45", "0001-01-01", dt.date(1, 1, 1), "14:00",
                                      dt.datetime(1899, 12, 30, 14, 0), True))
    assert got.isna().all()
    assert why.tolist() == [
        "'someday' is not a date I can read: write it as 2026-03-12 (or 12/03/2026)",
        "'45' is a number, not a date: write the date, e.g. 2026-03-12",
        "'0001-01-01' is not a plausible date: write a date between 1900 and 2199, e.g. 2026-03-12",
        "'0001-01-01' is not a plausible date: write a date between 1900 and 2199, e.g. 2026-03-12",
        "'14:00' is not a date I can read: write it as 2026-03-12 (or 12/03/2026)",
        "'1899-12-30 14:00:00' is not a plausible date: write a date between 1900 and 2199, e.g. 2026-03-12",
        "'True' is not a date I can read: write it as 2026-03-12 (or 12/03/2026)",
    ]


@pytest.mark.parametrize(("cells", "dayfirst", "how"), [
    (["13/03/2026", "14/03/2026"], True, "first number above 12"),
    (["03/13/2026", "03/14/2026"], False, "second number above 12"),
    (["01/03/2026", "02/03/2026", "03/03/2026", "04/03/2026"], True, "follow one another"),
    (["03/01/2026", "03/02/2026", "03/03/2026", "03/04/2026"], False, "follow one another"),
    (["05/05/2026", "06/06/2026"], True, "same either way"),
])
def test_dayfirst_from_the_data(cells, dayfirst, how):
    got, why, info = values.parse_date(S(*cells))
    assert info["dayfirst"] is dayfirst and how in info["dayfirst_how"]
    assert why.isna().all() and got.notna().all()


def test_dayfirst_ambiguous_raises_with_the_fix():
    with pytest.raises(ValueError, match=r"'05/03/2026'.*dayfirst=True.*dayfirst=False.*2026-03-12"):
        values.parse_date(S("05/03/2026", "07/03/2026"))
    got, _, _ = values.parse_date(S("05/03/2026"), dayfirst=True)
    assert got.tolist() == [pd.Timestamp("2026-03-05")]
    got, _, _ = values.parse_date(S("05/03/26"), dayfirst=False)
    assert got.tolist() == [pd.Timestamp("2026-05-03")]


def test_impossible_day_month_is_a_reason_not_a_crash():
    got, why, _ = values.parse_date(S("31/02/2026", "13/03/2026"))
    assert got.isna().tolist() == [True, False]
    assert "is not a date I can read" in why.iloc[0]


# --------------------------------------------------------------------------- times


@pytest.mark.parametrize(("cell", "start", "end"), [
    ("14:00", "14:00", None), ("2pm", "14:00", None), ("2 PM", "14:00", None), ("2:30 PM", "14:30", None),
    ("2.30pm", "14:30", None), ("12am", "00:00", None), ("12pm", "12:00", None), ("14.30", "14:30", None),
    ("14h30", "14:30", None), ("9", "09:00", None), (9, "09:00", None), (0.5, "12:00", None),
    (dt.time(7, 45), "07:45", None), (dt.datetime(1899, 12, 30, 7, 45), "07:45", None),
    ("7-8am", "07:00", "08:00"), ("11-12pm", "11:00", "12:00"), ("7 - 8 pm", "19:00", "20:00"),
    ("07:00–08:30", "07:00", "08:30"), ("9am to 10am", "09:00", "10:00"), ("24:00", "00:00", None),
])
def test_parse_time_forms(cell, start, end):
    got, got_end, why = values.parse_time(S(cell))
    assert why.isna().all()
    assert (pd.Timestamp("2026-01-01") + got.iloc[0]).strftime("%H:%M") == start or (
        start == "00:00" and got.iloc[0] == pd.Timedelta(hours=24))
    if end is None:
        assert pd.isna(got_end.iloc[0])
    else:
        assert (pd.Timestamp("2026-01-01") + got_end.iloc[0]).strftime("%H:%M") == end


def test_parse_time_reads_evening_as_19():
    got, got_end, why = values.parse_time(S("evening"))   # a time word is read (the loader notes it)
    assert got.tolist() == [pd.Timedelta(hours=19)]
    assert pd.isna(got_end.iloc[0]) and why.isna().all()


@pytest.mark.parametrize("cell", ["late", "25:00", "13pm", "12:75", "14.3", "0pm", "-3", True])
def test_parse_time_reasons(cell):
    got, _, why = values.parse_time(S(cell))
    assert got.isna().all()
    assert why.iloc[0] == f"'{str(cell).strip()}' is not a time of day: write it as 14:00, 2pm or 2:30 PM"


def test_bare_hours():
    got = values.bare_hours(S("1-2", "2", 3, "12-1", "1pm", "13:00", "01:00", "9:30", None, "x", 12))
    assert got.tolist() == [True, True, True, False, False, False, False, True, False, False, False]


@pytest.mark.parametrize(("cell", "start", "end"), [("noon", 12, None), ("12 noon", 12, None),
                                                    ("midnight", 0, None), ("11-noon", 11, 12),
                                                    ("12-1", 12, 13), ("11-1", 11, 13), ("23-1", 23, 1)])
def test_noon_midnight_and_slots_over_noon(cell, start, end):
    got, got_end, why = values.parse_time(S(cell))
    assert why.isna().all()
    assert got.iloc[0] == pd.Timedelta(hours=start)
    assert (pd.isna(got_end.iloc[0]) if end is None else got_end.iloc[0] == pd.Timedelta(hours=end))


# --------------------------------------------------------------------------- durations


def test_parse_duration():
    mins, why, needs = values.parse_duration(S("30 min", "1h", "1.5 h", "1,5 hours", "1h 30m", "1:15",
                                               "90 minutes", None), None)
    assert mins.tolist()[:7] == [30, 60, 90, 90, 90, 75, 90] and np.isnan(mins.iloc[7])
    assert why.isna().all() and not needs
    mins, why, needs = values.parse_duration(S("30", 45, "a while", "-5"), "min")
    assert mins.tolist()[:2] == [30, 45] and not needs
    assert "'a while' is not a duration" in why.iloc[2] and "cannot be negative" in why.iloc[3]
    mins, _, _ = values.parse_duration(S("1,5", 2), "h")
    assert mins.tolist() == [90, 120]
    _, _, needs = values.parse_duration(S("30"), None)
    assert needs


# --------------------------------------------------------------------------- no parser crashes


@settings(max_examples=120, deadline=None)
@given(cells=st.lists(ANY_CELL, max_size=12), dayfirst=st.sampled_from([None, True, False]))
def test_parsers_never_crash(cells, dayfirst):
    s = pd.Series(cells, dtype=object)
    for parse in (values.parse_number, values.parse_flag, values.parse_text,
                  lambda x: values.parse_time(x), lambda x: values.parse_duration(x, "min")):
        out = parse(s)
        first = out[0] if isinstance(out, tuple) else out
        assert len(first) == len(s)
    try:
        got, why, _ = values.parse_date(s, dayfirst)
    except ValueError as exc:  # only the day/month ambiguity may stop a whole column
        assert dayfirst is None and "day" in str(exc)
        return
    # every cell is a date, blank, or has a reason
    assert (got.notna() | values.blank(s) | why.notna()).all()
    assert str(got.dtype) == "datetime64[ns]"
    ok = got.dropna()
    assert ((ok >= pd.Timestamp("1900-01-01")) & (ok < pd.Timestamp("2200-01-01"))).all()


@settings(max_examples=120, deadline=None)
@given(cells=st.lists(ANY_CELL, max_size=12))
def test_number_and_flag_reasons_cover_every_unread_cell(cells):
    s = pd.Series(cells, dtype=object)
    num, why, _ = values.parse_number(s)
    assert np.isfinite(num.dropna()).all()
    said_none = s.astype("str").str.strip().str.lower().isin(values.NOT_RATED)
    assert (num.notna() | values.blank(s) | said_none | why.notna()).all()
    flag, why = values.parse_flag(s)
    assert (flag.notna() | values.blank(s) | s.astype("str").str.strip().str.lower().isin(values.NOT_GIVEN)
            | why.notna()).all()


# --------------------------------------------------------------------------- ratings


@pytest.mark.parametrize(("cell", "want"), [("7", 7.0), ("7.5", 7.5), ("7,5", 7.5), ("7/10", 7.0),
                                            ("7 / 10", 7.0), ("7 out of 10", 7.0), ("seven", 7.0),
                                            ("Seven", 7.0), (" 8 ", 8.0), ("0", 0.0), ("ten", 10.0),
                                            ("N/A", np.nan), ("-", np.nan), ("", np.nan)])
def test_rating_cells(tmp_path, cell, want):
    log = clean_csv(tmp_path, rows_to_csv([["Date", "Activity", "M (0-10)"], ["2026-03-02", "Walk", cell]]))
    assert log["mastery"].tolist() == pytest.approx([want], nan_ok=True)


# --------------------------------------------------------------------------- yes / no


@pytest.mark.parametrize(("cell", "want"), [(c, True) for c in TRUE_CELLS] + [(c, False) for c in FALSE_CELLS]
                         + [("", None), ("  ", None), ("N/A", None)])
def test_flag_cells(tmp_path, cell, want):
    text = rows_to_csv([["Date", "Activity", "M", "Planned", "Done", "Avoid"],
                        ["2026-03-02", "Walk", "8", cell, cell, cell]])
    log = clean_csv(tmp_path, text)
    for f in ("planned", "done", "avoidance"):
        got = log[f].iloc[0]
        assert (got is pd.NA) if want is None else (bool(got) is want)


def test_flags_from_excel_booleans_and_numbers(tmp_path):
    rows = [["Date", "Activity", "M", "Planned", "Done"], [dt.datetime(2026, 3, 2), "Walk", 8, True, 1],
            [dt.datetime(2026, 3, 3), "Read", 8, False, 0]]
    path = write_xlsx(tmp_path, {"S": rows})
    log = read_clean(path)
    assert_accounted(log, xlsx_data_rows(path, {"S": 1}))
    assert log["planned"].tolist() == [True, False]
    assert log["done"].tolist() == [True, False]


# --------------------------------------------------------------------------- dates and times


@pytest.mark.parametrize(("dates", "kw", "want"), [
    (["2026-03-12", "2026-03-13"], {}, ["2026-03-12", "2026-03-13"]),
    (["12/03/2026", "13/03/2026"], {}, ["2026-03-12", "2026-03-13"]),          # 13 > 12: day first
    (["03/12/2026", "03/13/2026"], {}, ["2026-03-12", "2026-03-13"]),          # 13 > 12: month first
    (["01/03/2026", "02/03/2026", "03/03/2026"], {}, ["2026-03-01", "2026-03-02", "2026-03-03"]),
    (["03/01/2026", "03/02/2026", "03/03/2026"], {}, ["2026-03-01", "2026-03-02", "2026-03-03"]),
    (["05/03/2026", "07/03/2026"], {"dayfirst": True}, ["2026-03-05", "2026-03-07"]),
    (["05/03/2026", "07/03/2026"], {"dayfirst": False}, ["2026-05-03", "2026-07-03"]),
    (["12.03.2026", "13.03.26"], {}, ["2026-03-12", "2026-03-13"]),
    (["3 Mar 2026", "March 4, 2026"], {}, ["2026-03-03", "2026-03-04"]),
])
def test_date_text(tmp_path, dates, kw, want):
    rows = [["Date", "Activity", "M"]] + [[d, "Walk", "8"] for d in dates]
    log = clean_csv(tmp_path, rows_to_csv(rows), **kw)
    assert log["start"].tolist() == pd.to_datetime(want).tolist()


@pytest.mark.parametrize(("cell", "want"), [("14:00", "14:00"), ("2pm", "14:00"), ("2 pm", "14:00"),
                                            ("2:30 PM", "14:30"), ("2:30pm", "14:30"), ("9am", "09:00"),
                                            ("12am", "00:00"), ("12pm", "12:00"), ("14.30", "14:30"),
                                            ("9", "09:00"), ("07:05:09", "07:05"), ("14h30", "14:30")])
def test_time_text(tmp_path, cell, want):
    log = clean_csv(tmp_path, rows_to_csv([["Date", "Time", "Activity", "M"], ["2026-03-02", cell, "Walk", "8"]]))
    assert log["start"].dt.strftime("%H:%M").tolist() == [want]


def test_typographic_minus_and_full_width_digits(tmp_path):
    text = "Date,Activity,Mood (−3 to +3)\n2026-03-02,Walk,−3\n2026-03-03,Read,+3\n2026-03-04,Cook,０\n"
    log = clean_csv(tmp_path, text)
    assert log["mood"].tolist() == [0.0, 10.0, 5.0]
    assert log.attrs["scales"]["mood"] == (-3.0, 3.0)


@pytest.mark.parametrize(("cells", "want"), [
    (["12/03/2026 14:00", "13/03/2026 09:30"], ["2026-03-12 14:00", "2026-03-13 09:30"]),
    (["3/12/2026 14:05:33", "3/13/2026 8:00:00"], ["2026-03-12 14:05:33", "2026-03-13 08:00:00"]),
    (["2026-03-29T09:00+01:00", "2026-03-30T09:00+02:00"], ["2026-03-29 09:00", "2026-03-30 09:00"]),
    (["2026-03-29T09:00:00Z", "2026-03-30 10:00"], ["2026-03-29 09:00", "2026-03-30 10:00"]),
])
def test_timestamps_with_times_and_time_zones(tmp_path, cells, want):
    """A date-time typed as dd/mm/yyyy hh:mm is settled day-first/month-first like a date;
    a UTC offset is dropped, keeping the wall-clock time the client wrote."""
    rows = [["Timestamp", "Activity", "M"]] + [[c, "Walk", "8"] for c in cells]
    log = clean_csv(tmp_path, rows_to_csv(rows))
    assert log["start"].tolist() == pd.to_datetime(want).tolist()


def test_parquet_time_zone_aware_timestamps(tmp_path):
    frame = pd.DataFrame({"Start": pd.to_datetime(["2026-03-28 09:00", "2026-03-30 09:00"]).tz_localize(
        "Europe/London"), "Activity": ["Walk", "Read"], "M": [9, 1]})
    path = tmp_path / "log.parquet"
    frame.to_parquet(path)
    log = read_clean(path)
    assert_accounted(log, frame_data_rows(2))
    assert log["start"].tolist() == pd.to_datetime(["2026-03-28 09:00", "2026-03-30 09:00"]).tolist()


# --------------------------------------------------------------------------- XLSX, ODS, Parquet


def test_xlsx_real_date_and_time_cells(tmp_path):
    rows = [["Date", "Time", "Activity", "M"],
            [dt.datetime(2026, 3, 2), dt.time(14, 30), "Walk", 7],
            [dt.date(2026, 3, 3), dt.datetime(2026, 3, 3, 9, 15), "Read", 2],
            [dt.datetime(2026, 3, 4), "2:30 PM", "Swim", 8]]
    path = write_xlsx(tmp_path, {"Sheet1": rows})
    log = read_clean(path)
    assert_accounted(log, xlsx_data_rows(path, {"Sheet1": 1}))
    assert log["start"].tolist() == pd.to_datetime(
        ["2026-03-02 14:30", "2026-03-03 09:15", "2026-03-04 14:30"]).tolist()


# --------------------------------------------------------------------------- dates and times


def test_implausible_years_are_set_aside(tmp_path):
    log, _ = csv_log(tmp_path, "Date,Activity,M\n2026-03-02,Walk,9\n0026-03-02,Read,0\n20266-03-02,Run,3\n")
    p = problems(log)
    assert p["row"].tolist() == [3, 4]
    assert "'0026-03-02' is not a plausible date" in p["reason"].iloc[0]
    assert "between 1900 and 2199" in p["reason"].iloc[0]


def test_extra_columns_keep_their_type(tmp_path):
    frame = pd.DataFrame({"Date": ["2026-03-02", "2026-03-03"], "Activity": ["Walk", "Read"], "M": [9, 1],
                          "Outdoors": [True, False], "Since": pd.to_datetime(["2026-01-01", None]),
                          "Steps": [4000, 120], "With": ["Sam", None]})
    path = tmp_path / "log.parquet"
    frame.to_parquet(path)
    log = read_clean(path)
    assert_accounted(log, frame_data_rows(2))
    extras = log.iloc[:, len(TIDY_COLUMNS):]
    assert {c: str(t) for c, t in extras.dtypes.items()} == {
        "Outdoors": "boolean", "Since": "datetime64[ns]", "Steps": "float64", "With": "category"}
    assert extras["Outdoors"].tolist() == [True, False]
    assert extras["With"].astype("str").tolist() == ["Sam", np.nan]  # extra text: category of str
