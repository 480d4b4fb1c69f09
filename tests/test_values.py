"""The cell parsers (bactivate.io.cells), header recognition (bactivate.io.headers) and scales."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bactivate.errors import LogError
from bactivate.io import cells as values
from bactivate.io import headers
from bactivate.io.scales import KNOWN, settle_scale, to_0_10


def S(*cells):
    return pd.Series(list(cells), dtype=object)


# --------------------------------------------------------------------------- numbers


def test_parse_number_forms():
    got, why, den = values.parse_number(S("7", "7.5", "7,5", "7/10", "7.5 / 10", "7 out of 10", "seven",
                                          "TEN", 3, 4.5, None, "", "  ", "N/A", "-", "??", "7?", "inf"))
    assert got.tolist()[:10] == [7.0, 7.5, 7.5, 7.0, 7.5, 7.0, 7.0, 10.0, 3.0, 4.5]
    assert got.iloc[10:].isna().all()
    assert why.iloc[:15].isna().all()           # fine, blank or "not given"
    assert why.iloc[15:].tolist() == ["'??' is not a number: write a number such as 7 or 7.5", "'7?' is not a number: write a number such as 7 or 7.5",
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


@pytest.mark.parametrize("cell", ["late", "25:00", "13pm", "12:75", "evening", "14.3", "0pm", "-3", True])
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


# --------------------------------------------------------------------------- headers


@pytest.mark.parametrize(("text", "field"), [
    ("M", "mastery"), ("m (0-10)", "mastery"), ("Mastery /10", "mastery"), ("ACHIEVEMENT", "mastery"),
    ("Accomplishment", "mastery"), ("P", "pleasure"), ("Enjoyment", "pleasure"), ("Pleasure?", "pleasure"),
    ("Mood", "mood"), ("Feeling", "mood"), ("Mood (1-5)", "mood"), ("Date", "date"), ("Day", "date"),
    ("Time", "time"), ("Hour", "time"), ("Start", "start"), ("Timestamp", "start"), ("End", "end"),
    ("Duration (min)", "duration"), ("Duration in hours", "duration"), ("Activity", "activity"),
    ("What I did", "activity"), ("Planned", "planned"), ("Scheduled", "planned"), ("Done", "done"),
    ("Completed", "done"), ("Avoid", "avoidance"), ("Avoidance", "avoidance"), ("Life area", "category"),
    ("Domain", "category"), ("Value", "category"), ("Category", "category"), ("Effort", "effort"),
    ("Difficulty", "effort"), ("Notes", "note"), ("Client", "client"), ("Weather", None), ("", None),
    (None, None), (float("nan"), None), (7, None),
])
def test_field_for(text, field):
    assert headers.field_for(text) == field


def test_field_for_user_columns_win():
    assert headers.field_for("I like doing this", {"I like doing this": "pleasure"}) == "pleasure"
    assert headers.field_for("  i like DOING this ", {"I like doing this": "pleasure"}) == "pleasure"
    assert headers.field_for("Mood", {"Mood": None}) is None


@pytest.mark.parametrize(("text", "scale"), [
    ("Mood (1-5)", (1.0, 5.0)), ("M (0-10)", (0.0, 10.0)), ("Mood 1–7", (1.0, 7.0)), ("Mood /10", (0.0, 10.0)),
    ("Mood out of 100", (0.0, 100.0)), ("Mood (-3 to 3)", (-3.0, 3.0)), ("Mood (-3..3)", (-3.0, 3.0)),
    ("Mood", None), ("Mood (5-1)", None),
])
def test_scale_hint(text, scale):
    assert headers.scale_hint(text) == scale


def test_find_header_skips_titles_and_instructions():
    raw = pd.DataFrame([["Diary of Jo", None, None], ["Rate Mastery and Pleasure", None, None],
                        [None, None, None], ["Date", "Activity", "M"], ["2026-03-02", "Walk", "7"]])
    assert headers.find_header(raw) == 3
    assert headers.find_header(pd.DataFrame([["hello", "world"], ["1", "2"]])) is None
    assert headers.find_header(pd.DataFrame([["Mood"], ["3"]])) is None  # one known name is not a header
    # date and client alone (a questionnaire sheet, a roster) are not a log header
    assert headers.find_header(pd.DataFrame([["Client", "Date", "PHQ9_1"], ["A", "2026-03-02", "3"]])) is None
    assert headers.find_header(pd.DataFrame([["Date", "Mood"], ["2026-03-02", "3"]])) == 0


# --------------------------------------------------------------------------- scales


@pytest.mark.parametrize(("vals", "scale"), [
    ([0, 3, 9], (0.0, 10.0)), ([2, 8], (0.0, 10.0)), ([0, 1, 2], (0.0, 10.0)), ([2.3, 4.1], (0.0, 10.0)),
    ([20, 55, 90], (0.0, 100.0)), ([1, 2, 3, 50], (0.0, 10.0)), ([], (0.0, 10.0)),
])
def test_settle_scale_from_data(vals, scale):
    got, how = settle_scale("mood", np.array(vals, dtype=float), header=None, declared=None)
    assert got == scale and how


@pytest.mark.parametrize("vals", [[1, 2, 5], [3, 3], [1, 7], [-3, 0, 3], [-1]])
def test_settle_scale_refuses_to_guess(vals):
    with pytest.raises(LogError) as err:
        settle_scale("mood", np.array(vals, dtype=float), header=None, declared=None)
    msg = str(err.value)
    assert "cannot tell the scale of 'mood'" in msg and "scales={'mood': (" in msg
    fits = [f"{int(a)}-{int(b)}" for a, b in KNOWN if a >= 0 and a <= min(vals) and max(vals) <= b]
    for f in fits:
        assert f in msg


def test_settle_scale_declared_header_fractions():
    v = np.array([1.0, 2.0])
    assert settle_scale("mood", v, header=None, declared=(1, 5))[0] == (1.0, 5.0)
    assert settle_scale("mood", v, header=(1.0, 7.0), declared=None)[0] == (1.0, 7.0)
    assert settle_scale("mood", v, header=None, declared=None, fractions=np.array([10.0, np.nan]))[0] == (0, 10)
    with pytest.raises(LogError, match="high end must be above"):
        settle_scale("mood", v, header=None, declared=(5, 1))


@pytest.mark.parametrize(("scale", "vals", "want"), [
    ((1, 5), [1, 2, 3, 4, 5], [0, 2.5, 5, 7.5, 10]), ((1, 7), [1, 4, 7], [0, 5, 10]),
    ((0, 100), [0, 35, 100], [0, 3.5, 10]), ((-3, 3), [-3, 0, 3], [0, 5, 10]), ((0, 10), [0.3, 7], [0.3, 7]),
])
def test_to_0_10(scale, vals, want):
    assert to_0_10(np.array(vals, dtype=float), scale).tolist() == pytest.approx(want)


def test_to_0_10_is_exact_on_0_10():
    v = np.array([0.1, 0.3, 1 / 3, 9.999999999999998])
    assert (to_0_10(v, (0, 10)) == v).all()


# --------------------------------------------------------------------------- no parser crashes

ANY_CELL = st.one_of(
    st.none(), st.text(max_size=15), st.integers(-10**20, 10**20), st.floats(), st.booleans(),
    st.datetimes(), st.dates(), st.times(),
    st.sampled_from(["nan", "NaN", "N/A", "inf", "-inf", "1e309", "7/0", "0/0", "12/03/2026", "31/31/2026",
                     "2pm", "13pm", "00:00", "24:00", "99:99", "1h 99m", "١٢", "½", "Ⅶ"]),
)


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
