"""Scales (bactivate.io.scales): settle_scale and to_0_10, and read_log settling, mapping and asking
for a scale; mood words and mood_map.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from conftest import (
    assert_accounted,
    assert_rejected_schema,
    csv_data_lines,
    read,
    read_clean,
    rows_to_csv,
    write_csv,
    write_xlsx,
    xlsx_data_rows,
)

import bactivate as ba
from bactivate.errors import LogError
from bactivate.io.scales import KNOWN, settle_scale, to_0_10


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
    with pytest.raises(LogError, match="the two ends must differ"):  # (5, 1) is a reversed item
        settle_scale("mood", v, header=None, declared=(5, 5))


@pytest.mark.parametrize(("scale", "vals", "want"), [
    ((1, 5), [1, 2, 3, 4, 5], [0, 2.5, 5, 7.5, 10]), ((1, 7), [1, 4, 7], [0, 5, 10]),
    ((0, 100), [0, 35, 100], [0, 3.5, 10]), ((-3, 3), [-3, 0, 3], [0, 5, 10]), ((0, 10), [0.3, 7], [0.3, 7]),
])
def test_to_0_10(scale, vals, want):
    assert to_0_10(np.array(vals, dtype=float), scale).tolist() == pytest.approx(want)


def test_to_0_10_is_exact_on_0_10():
    v = np.array([0.1, 0.3, 1 / 3, 9.999999999999998])
    assert (to_0_10(v, (0, 10)) == v).all()


# --------------------------------------------------------------------------- ratings


@pytest.mark.parametrize(("header", "cells", "scale", "want"), [
    ("Mood (1-5)", [1, 3, 5], (1, 5), [0.0, 5.0, 10.0]),
    ("Mood 1-7", [1, 4, 7], (1, 7), [0.0, 5.0, 10.0]),
    ("Mood (0-100)", [0, 55, 100], (0, 100), [0.0, 5.5, 10.0]),
    ("Mood (-3 to 3)", [-3, 0, 3], (-3, 3), [0.0, 5.0, 10.0]),
    ("Mood (-3..3)", [-3, 0, 3], (-3, 3), [0.0, 5.0, 10.0]),
    ("Mood /10", [2, 3, 4], (0, 10), [2.0, 3.0, 4.0]),
    ("Mood", [10, 55, 100], (0, 100), [1.0, 5.5, 10.0]),    # mostly above 10: 0-100
    ("Mood", [0, 2, 4], (0, 10), [0.0, 2.0, 4.0]),          # a 0: 0-10
    ("Mood", [3, 5, 9], (0, 10), [3.0, 5.0, 9.0]),          # above 7: 0-10
])
def test_scales_are_settled_and_mapped(tmp_path, header, cells, scale, want):
    rows = [["Date", "Activity", header]] + [[f"2026-03-0{i + 2}", "Walk", c] for i, c in enumerate(cells)]
    log = clean_csv(tmp_path, rows_to_csv(rows))
    assert log["mood"].tolist() == pytest.approx(want)
    assert log.attrs["scales"]["mood"] == tuple(float(x) for x in scale)
    assert any(n.startswith("mood: read on a") for n in log.attrs["notes"])


def test_fractions_tell_the_scale(tmp_path):
    text = "Date,Activity,Mood\n2026-03-02,Walk,2/10\n2026-03-03,Read,4/10\n"
    log = clean_csv(tmp_path, text)
    assert log["mood"].tolist() == [2.0, 4.0]
    assert "x/10" in next(n for n in log.attrs["notes"] if n.startswith("mood"))


def test_mastery_and_pleasure_share_a_scale(tmp_path):
    # pleasure alone (1-4) could not be told; mastery's 9 settles both on 0-10
    text = "Date,Activity,M,P\n2026-03-02,Walk,9,1\n2026-03-03,Read,3,4\n"
    log = clean_csv(tmp_path, text)
    assert log.attrs["scales"] == {"mastery": (0.0, 10.0), "pleasure": (0.0, 10.0)}


@pytest.mark.parametrize(("header", "cells", "field"), [
    ("Mood", [1, 5, 3, 2], "mood"),
    ("Feeling", [2, 4], "mood"),
    ("Effort", [1, 3], "effort"),
    ("Mood", [-3, 3, 0], "mood"),
])
def test_ambiguous_scale_is_an_error_asking_to_declare_it(tmp_path, header, cells, field):
    rows = [["Date", "Activity", header]] + [[f"2026-03-0{i + 2}", "Walk", c] for i, c in enumerate(cells)]
    path = write_csv(tmp_path, rows_to_csv(rows))
    with pytest.raises(ba.LogError) as err:
        ba.read_log(path)
    msg = str(err.value)
    assert msg.startswith("log.csv: cannot tell the scale of")
    assert f"scales={{'{field}': (" in msg
    assert "write the scale in the header" in msg
    # and declaring it works
    lo, hi = (-3, 3) if min(cells) < 0 else (1, 5)
    log = clean_csv(tmp_path, rows_to_csv(rows), scales={field: (lo, hi)})
    assert log.attrs["scales"][field] == (lo, hi)
    assert log[field].between(0, 10).all()


def test_ambiguous_joint_scale_names_both_fields(tmp_path):
    path = write_csv(tmp_path, "Date,Activity,M,P\n2026-03-02,Walk,5,7\n2026-03-03,Read,6,6\n")
    with pytest.raises(ba.LogError, match=r"scales=\{'mastery': \(1, 7\), 'pleasure': \(1, 7\)\}"):
        ba.read_log(path)
    log = clean_csv(tmp_path, path.read_text(), scales={"mastery": (1, 7), "pleasure": (1, 7)})
    assert log["mastery"].tolist() == pytest.approx([40 / 6, 50 / 6])


def test_sheets_declaring_different_scales(tmp_path):
    w1 = [["Date", "Activity", "Mood (1-5)"], [dt.datetime(2026, 3, 2), "Walk", 3]]
    w2 = [["Date", "Activity", "Mood (0-10)"], [dt.datetime(2026, 3, 9), "Walk", 7]]
    path = write_xlsx(tmp_path, {"W1": w1, "W2": w2})
    with pytest.raises(ba.LogError, match=r"log\.xlsx: the sheets declare different scales for mood"):
        ba.read_log(path)
    log = read_clean(path, sheet="W2")
    assert_accounted(log, xlsx_data_rows(path, {"W2": 1}))
    assert log["mood"].tolist() == [7.0]


def test_mood_words_ask_for_mood_map(tmp_path):
    log, _ = csv_log(tmp_path, "Date,Activity,Mood\n2026-03-02,Walk,great\n2026-03-03,Read,9\n2026-03-04,TV,0\n")
    reason = problems(log)["reason"].iloc[0]
    assert reason.startswith("'great' is not a number") and "mood_map={'great': 9" in reason


def test_daylio_labels_and_mood_map(tmp_path):
    text = "Date,Activity,Mood\n2026-03-02,Walk,rad\n2026-03-03,Read,meh\n2026-03-04,TV,awful\n"
    log = clean_csv(tmp_path, text)
    assert log["mood"].tolist() == [10.0, 5.0, 0.0]
    text = "Date,Activity,Mood\n2026-03-02,Walk,great\n2026-03-03,Read,low\n"
    log = clean_csv(tmp_path, text, mood_map={"Great": 9, "low": 2})
    assert log["mood"].tolist() == [9.0, 2.0]
