"""Tests for bactivate.cohort.questionnaires.

Scores are checked against hand-worked examples written out in the tests and
against the published scoring keys (item numbers only):

* PHQ-9: Kroenke, Spitzer & Williams (2001) -- items 0-3, total 0-27, bands
  0-4 / 5-9 / 10-14 / 15-19 / 20-27; prorating as in the NHS Data Dictionary
  (at most two missing items, mean of the answered items).
* BADS: Kanter, Mulick, Busch, Berlin & Martell (2007) -- AC 3 4 5 7 11 12 23,
  AR 8 9 10 13 14 15 24 25, WS 1 2 6 21 22, SI 16-20; total reverses all
  non-AC items.
* BADS-SF: Manos, Kanter & Luo (2011) -- Activation 2 3 4 5 9, Avoidance
  1 6 7 8; total reverses Avoidance.
* Reliable change: Jacobson & Truax (1991) formulas, computed by hand here.
* PHQ-9 service conventions: NHS Talking Therapies (IAPT) manual.
"""

from __future__ import annotations

import doctest
import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import bactivate as ba
import bactivate.cohort.questionnaires as q

PHQ_EXAMPLE = [3, 2, 1, 0, 1, 2, 3, 0, 1]          # total 13


def phq_frame(rows, names=None, **ids):
    names = names or [f"phq9_{i}" for i in range(1, 10)]
    data = {k: v for k, v in ids.items()}
    for j, name in enumerate(names):
        data[name] = [r[j] for r in rows]
    return pd.DataFrame(data)


def bads_frame(rows, n=25, prefix="bads_"):
    return pd.DataFrame({f"{prefix}{i}": [r[i - 1] for r in rows] for i in range(1, n + 1)})


def items_summing_to(total, n=9, high=3):
    """An answer pattern with the given total (greedy, for boundary tests)."""
    out = []
    for _ in range(n):
        v = min(high, total)
        out.append(v)
        total -= v
    assert total == 0
    return out


def test_module_doctest():
    assert doctest.testmod(q).failed == 0


def test_lazy_names_on_the_package():
    assert ba.score_phq9 is q.score_phq9
    assert ba.score_bads is q.score_bads
    assert ba.score_bads_sf is q.score_bads_sf
    assert ba.reliable_change is q.reliable_change


# --------------------------------------------------------------------------- PHQ-9


def test_phq9_worked_example():
    out = q.score_phq9(phq_frame([PHQ_EXAMPLE], client=["A"], week=[1]))
    row = out.iloc[0]
    assert list(out.columns) == ["client", "week", "phq9_total", "phq9_severity", "phq9_item9_risk",
                                 "phq9_caseness", "phq9_items_answered", "phq9_prorated",
                                 "phq9_problems"]
    assert row["phq9_total"] == 3 + 2 + 1 + 0 + 1 + 2 + 3 + 0 + 1 == 13
    assert row["phq9_severity"] == "moderate"
    assert bool(row["phq9_item9_risk"])
    assert bool(row["phq9_caseness"])
    assert row["phq9_items_answered"] == 9
    assert not bool(row["phq9_prorated"])
    assert row["phq9_problems"] == ""
    assert out["phq9_total"].dtype == "Int64"
    assert out["phq9_item9_risk"].dtype == "boolean"
    assert out["phq9_severity"].cat.ordered


@pytest.mark.parametrize("total, band", [
    (0, "none-minimal"), (4, "none-minimal"), (5, "mild"), (9, "mild"), (10, "moderate"),
    (14, "moderate"), (15, "moderately severe"), (19, "moderately severe"), (20, "severe"),
    (27, "severe"),
])
def test_phq9_severity_bands_at_each_boundary(total, band):
    out = q.score_phq9(phq_frame([items_summing_to(total)]))
    assert out.loc[0, "phq9_total"] == total
    assert out.loc[0, "phq9_severity"] == band
    assert bool(out.loc[0, "phq9_caseness"]) == (total >= 10)


def test_phq9_item9_risk_is_item9_above_zero():
    zero9 = [3, 3, 3, 3, 3, 3, 3, 3, 0]
    one9 = [0, 0, 0, 0, 0, 0, 0, 0, 1]
    out = q.score_phq9(phq_frame([zero9, one9]))
    assert out["phq9_item9_risk"].tolist() == [False, True]
    assert out["phq9_total"].tolist() == [24, 1]     # a low total still flags item 9


def test_phq9_text_labels():
    labels = ["Not at all", "Several days", "More than half the days", "Nearly every day"]
    row = [labels[v] for v in PHQ_EXAMPLE]
    row[0] = "  NEARLY   every day "             # case and spacing do not matter
    row[1] = "2 - More than half the days"        # number with its matching label
    row[2] = "1"                                  # number as text
    out = q.score_phq9(phq_frame([row]))
    assert out.loc[0, "phq9_total"] == 13
    assert out.loc[0, "phq9_problems"] == ""


def test_phq9_number_with_wrong_label_is_not_accepted():
    row = list(PHQ_EXAMPLE)
    row[0] = "3 - Several days"
    out = q.score_phq9(phq_frame([row]))
    assert out.loc[0, "phq9_problems"] == "item 1 not a valid answer ('3 - Several days')"


def test_phq9_prorating_one_and_two_missing():
    one = list(PHQ_EXAMPLE)
    one[3] = None                                 # item 4 (was 0): 13 over 8 items
    two = list(PHQ_EXAMPLE)
    two[3] = two[7] = np.nan                      # items 4 and 8: 13 over 7 items
    three = list(PHQ_EXAMPLE)
    three[3] = three[7] = three[0] = ""           # 3 missing: not scored
    out = q.score_phq9(phq_frame([one, two, three]))
    # 13 * 9 / 8 = 14.625 -> 15 ; 13 * 9 / 7 = 16.71 -> 17
    assert out["phq9_total"].tolist()[:2] == [15, 17]
    assert pd.isna(out.loc[2, "phq9_total"])
    assert out["phq9_severity"].tolist()[:2] == ["moderately severe", "moderately severe"]
    assert pd.isna(out.loc[2, "phq9_severity"])
    assert out["phq9_prorated"].tolist()[:2] == [True, True]
    assert out["phq9_items_answered"].tolist() == [8, 7, 6]
    assert out["phq9_problems"].tolist() == [
        "item 4 missing", "item 4 missing; item 8 missing",
        "item 1 missing; item 4 missing; item 8 missing"]
    assert pd.isna(out.loc[2, "phq9_caseness"])


def test_phq9_prorating_rounds_half_up_and_never_prorates_item9():
    row = [1, 1, 1, 1, 0, 0, 0, 0, None]          # 4 * 9 / 8 = 4.5 -> 5
    out = q.score_phq9(phq_frame([row]))
    assert out.loc[0, "phq9_total"] == 5
    assert out.loc[0, "phq9_severity"] == "mild"
    assert pd.isna(out.loc[0, "phq9_item9_risk"])  # unknown, not guessed


def test_phq9_max_missing_and_prorate_switches():
    two = list(PHQ_EXAMPLE)
    two[3] = two[7] = None
    one = list(PHQ_EXAMPLE)
    one[3] = None
    frame = phq_frame([one, two])
    assert q.score_phq9(frame, max_missing=1)["phq9_total"].tolist()[0] == 15
    assert pd.isna(q.score_phq9(frame, max_missing=1)["phq9_total"].iloc[1])
    none = q.score_phq9(frame, prorate=False)
    assert none["phq9_total"].isna().all()
    assert none["phq9_prorated"].isna().all()
    with pytest.raises(ValueError, match="max_missing"):
        q.score_phq9(frame, max_missing=9)


def test_phq9_out_of_range_and_invalid_reported_per_row():
    rows = [list(PHQ_EXAMPLE) for _ in range(4)]
    rows[0][2] = 4
    rows[1][4] = -1
    rows[2][6] = "x"
    rows[2][0] = 2.5
    out = q.score_phq9(phq_frame(rows))
    assert out["phq9_problems"].tolist() == [
        "item 3 out of range 0-3 (4)",
        "item 5 out of range 0-3 (-1)",
        "item 1 not a valid answer (2.5); item 7 not a valid answer ('x')",
        "",
    ]
    # a bad answer is left out and the rest prorated (1 or 2 unusable items)
    # rows 0, 1: 12 * 9 / 8 = 13.5 -> 14 ; row 2: 7 * 9 / 7 = 9 ; row 3: complete, 13
    assert out["phq9_total"].tolist() == [14, 14, 9, 13]
    assert out["phq9_items_answered"].tolist() == [8, 8, 7, 9]


def test_phq9_numeric_columns_with_out_of_range_codes():
    frame = phq_frame([PHQ_EXAMPLE, PHQ_EXAMPLE])
    frame["phq9_2"] = pd.array([99, pd.NA], dtype="Int64")
    out = q.score_phq9(frame)
    assert out["phq9_problems"].tolist() == ["item 2 out of range 0-3 (99)", "item 2 missing"]


@pytest.mark.parametrize("names", [
    [f"phq9_{i}" for i in range(1, 10)],
    [f"PHQ9_{i}" for i in range(1, 10)],
    [f"phq{i}" for i in range(1, 10)],
    [f"PHQ-9 item {i}" for i in range(1, 10)],
    [f"phq9_q{i:02d}" for i in range(1, 10)],
    [f"PHQ_{i}" for i in range(1, 10)],
])
def test_phq9_item_names_recognised(names):
    shuffled = list(reversed(names))
    frame = phq_frame([PHQ_EXAMPLE], names=names)[shuffled]   # column order does not matter
    frame.insert(0, "date", ["2024-01-08"])
    out = q.score_phq9(frame)
    assert out.loc[0, "phq9_total"] == 13
    assert out.loc[0, "phq9_item9_risk"]
    assert list(out.columns[:1]) == ["date"]


def test_phq9_q_columns_only_when_items_says_so():
    frame = phq_frame([PHQ_EXAMPLE], names=[f"q{i}" for i in range(1, 10)])
    with pytest.raises(ValueError, match="no PHQ-9 item columns"):
        q.score_phq9(frame)
    assert q.score_phq9(frame, items="q").loc[0, "phq9_total"] == 13


def test_phq9_explicit_items_list_gives_the_order():
    names = list("abcdefghi")
    frame = phq_frame([PHQ_EXAMPLE], names=names)
    out = q.score_phq9(frame, items=list(reversed(names)))   # 'i' is item 1, 'a' item 9
    assert out.loc[0, "phq9_total"] == 13
    assert out.loc[0, "phq9_item9_risk"]                    # item 9 = column 'a' = 3
    with pytest.raises(ValueError, match="9 PHQ-9 item columns"):
        q.score_phq9(frame, items=names[:8])
    with pytest.raises(ValueError, match="does not have"):
        q.score_phq9(frame, items=[*names[:8], "zz"])


def test_phq9_missing_item_column_and_ambiguous_names_raise():
    frame = phq_frame([PHQ_EXAMPLE]).drop(columns="phq9_7")
    with pytest.raises(ValueError, match=r"item\(s\) \[7\]"):
        q.score_phq9(frame)
    frame = phq_frame([PHQ_EXAMPLE])
    frame["PHQ9_01"] = 1
    with pytest.raises(ValueError, match="several columns look like PHQ-9 item 1"):
        q.score_phq9(frame)


def test_phq9_keeps_index_and_id_columns_and_refuses_clashes():
    frame = phq_frame([PHQ_EXAMPLE, PHQ_EXAMPLE], client=["A", "A"], week=[1, 2])
    frame.index = [10, 10]                       # duplicated labels: positions must be used
    out = q.score_phq9(frame)
    assert out.index.tolist() == [10, 10]
    assert out["client"].tolist() == ["A", "A"] and out["week"].tolist() == [1, 2]
    frame["phq9_total"] = 0
    with pytest.raises(ValueError, match="already has"):
        q.score_phq9(frame)
    with pytest.raises(TypeError):
        q.score_phq9(PHQ_EXAMPLE)


def test_phq9_empty_frame():
    out = q.score_phq9(phq_frame([]))
    assert len(out) == 0 and "phq9_total" in out.columns


# --------------------------------------------------------------------------- BADS

BADS_EXAMPLE = [2, 5, 4, 6, 3, 1, 5, 0, 2, 4, 6, 3, 1, 5, 2, 0, 3, 4, 1, 2, 6, 5, 4, 3, 0]


def test_bads_key_partitions_the_25_items():
    all_items = sorted(i for its in q.BADS_SUBSCALES.values() for i in its)
    assert all_items == list(range(1, 26))
    assert q.BADS_REVERSED == (1, 2, 6, 8, 9, 10, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 24, 25)


def test_bads_worked_example():
    # items 1..25 = 2 5 4 6 3 1 5 0 2 4 6 3 1 5 2 0 3 4 1 2 6 5 4 3 0
    # Activation 3,4,5,7,11,12,23:          4+6+3+5+6+3+4   = 31
    # Avoidance/Rumination 8,9,10,13,14,15,24,25: 0+2+4+1+5+2+3+0 = 17
    # Work/School 1,2,6,21,22:              2+5+1+6+5       = 19
    # Social 16,17,18,19,20:                0+3+4+1+2       = 10
    # Total = 31 + (48-17) + (30-19) + (30-10) = 31 + 31 + 11 + 20 = 93
    frame = bads_frame([BADS_EXAMPLE])
    frame.insert(0, "client", ["A"])
    out = q.score_bads(frame)
    row = out.iloc[0]
    assert (row["bads_activation"], row["bads_avoidance_rumination"], row["bads_work_school"],
            row["bads_social"], row["bads_total"]) == (31, 17, 19, 10, 93)
    assert row["bads_items_answered"] == 25 and row["bads_problems"] == ""
    assert list(out.columns) == ["client", "bads_activation", "bads_avoidance_rumination",
                                 "bads_work_school", "bads_social", "bads_total",
                                 "bads_items_answered", "bads_problems"]


def test_bads_range_ends():
    zeros, sixes = [0] * 25, [6] * 25
    most = [6 if i in q.BADS_SUBSCALES["bads_activation"] else 0 for i in range(1, 26)]
    least = [6 - v for v in most]
    out = q.score_bads(bads_frame([zeros, sixes, most, least]))
    assert out["bads_activation"].tolist() == [0, 42, 42, 0]
    assert out["bads_avoidance_rumination"].tolist() == [0, 48, 0, 48]
    assert out["bads_work_school"].tolist() == [0, 30, 0, 30]
    assert out["bads_social"].tolist() == [0, 30, 0, 30]
    # all 0: the 18 reversed items count 6 each = 108; all 6: the 7 AC items = 42
    assert out["bads_total"].tolist() == [108, 42, 150, 0]


def test_bads_missing_item_blanks_its_subscale_and_the_total_only():
    row = list(BADS_EXAMPLE)
    row[9] = None                                  # item 10 (Avoidance/Rumination)
    bad = list(BADS_EXAMPLE)
    bad[0] = 7                                     # item 1 out of range (Work/School)
    out = q.score_bads(bads_frame([row, bad]))
    assert pd.isna(out.loc[0, "bads_avoidance_rumination"]) and pd.isna(out.loc[0, "bads_total"])
    assert (out.loc[0, "bads_activation"], out.loc[0, "bads_work_school"],
            out.loc[0, "bads_social"]) == (31, 19, 10)
    assert out.loc[0, "bads_problems"] == "item 10 missing"
    assert pd.isna(out.loc[1, "bads_work_school"])
    assert out.loc[1, "bads_problems"] == "item 1 out of range 0-6 (7)"
    assert out["bads_items_answered"].tolist() == [24, 24]


def test_bads_labels_and_names():
    frame = pd.DataFrame({f"BADS item {i:02d}": ["A lot", "0 (Not at all)", "completely"]
                          for i in range(1, 26)})
    out = q.score_bads(frame)
    assert out["bads_activation"].tolist() == [28, 0, 42]
    assert out["bads_total"].tolist() == [28 + 18 * 2, 108, 42]


# --------------------------------------------------------------------------- BADS-SF

SF_EXAMPLE = [5, 2, 3, 1, 4, 6, 0, 2, 5]


def test_bads_sf_worked_example():
    # Activation 2,3,4,5,9: 2+3+1+4+5 = 15 ; Avoidance 1,6,7,8: 5+6+0+2 = 13
    # Total = 15 + (24 - 13) = 26
    frame = pd.DataFrame({f"bads_sf_{i}": [v] for i, v in enumerate(SF_EXAMPLE, start=1)})
    out = q.score_bads_sf(frame)
    assert (out.loc[0, "bads_sf_activation"], out.loc[0, "bads_sf_avoidance"],
            out.loc[0, "bads_sf_total"]) == (15, 13, 26)
    assert sorted(q.BADS_SF_SUBSCALES["bads_sf_activation"]
                  + q.BADS_SF_SUBSCALES["bads_sf_avoidance"]) == list(range(1, 10))


def test_bads_sf_range_ends_and_missing():
    most = [0, 6, 6, 6, 6, 0, 0, 0, 6]
    least = [6 - v for v in most]
    gap = list(SF_EXAMPLE)
    gap[6] = "n/a"                                 # item 7 (Avoidance)
    frame = pd.DataFrame({f"BADS-SF item {i}": [r[i - 1] for r in ([0] * 9, [6] * 9, most, least, gap)]
                          for i in range(1, 10)})
    out = q.score_bads_sf(frame)
    assert out["bads_sf_activation"].tolist()[:4] == [0, 30, 30, 0]
    assert out["bads_sf_avoidance"].tolist()[:4] == [0, 24, 0, 24]
    assert out["bads_sf_total"].tolist()[:4] == [24, 30, 54, 0]
    assert out.loc[4, "bads_sf_activation"] == 15
    assert pd.isna(out.loc[4, "bads_sf_avoidance"]) and pd.isna(out.loc[4, "bads_sf_total"])
    assert out.loc[4, "bads_sf_problems"] == "item 7 missing"


def test_bads_sf_accepts_plain_bads_1_to_9_but_not_full_bads_columns():
    nine = bads_frame([SF_EXAMPLE], n=9)
    assert q.score_bads_sf(nine).loc[0, "bads_sf_total"] == 26
    with pytest.raises(ValueError, match="full-BADS"):
        q.score_bads_sf(bads_frame([BADS_EXAMPLE]))


# --------------------------------------------------------------------------- reliable change

# sd = 5.5, r = 0.84:  SE_m = 5.5 * sqrt(0.16) = 5.5 * 0.4 = 2.2
#                      S_diff = sqrt(2 * 2.2**2) = sqrt(9.68) = 3.1112698...
#                      1.96 * S_diff = 6.098 points (hence "6 points" for the PHQ-9)
SE_M = 2.2
S_DIFF = math.sqrt(9.68)


def test_rci_formulas_by_hand():
    out = q.reliable_change(18, 10, sd=5.5, reliability=0.84)
    assert out.attrs["se_m"] == pytest.approx(SE_M)
    assert out.attrs["s_diff"] == pytest.approx(3.1112698372)
    assert out.attrs["reliable_change_points"] == pytest.approx(6.0980888)
    assert out.loc[0, "change"] == -8
    assert out.loc[0, "rci"] == pytest.approx(-8 / S_DIFF) == pytest.approx(-2.571297)
    assert bool(out.loc[0, "reliable_improvement"]) and not bool(out.loc[0, "reliable_deterioration"])
    assert out.loc[0, "category"] == "improved"      # no norms: no cut-off, never "recovered"
    assert pd.isna(out.loc[0, "crossed_cutoff"])
    assert list(out.columns) == ["pre", "post", "change", "rci", "reliable_improvement",
                                 "reliable_deterioration", "crossed_cutoff", "category"]


def test_rci_six_points_is_not_reliable_seven_is():
    out = q.reliable_change([16, 16, 10, 10], [10, 9, 16, 17], sd=5.5, reliability=0.84)
    assert out["reliable_improvement"].tolist() == [False, True, False, False]
    assert out["reliable_deterioration"].tolist() == [False, False, False, True]
    assert out["category"].tolist() == ["unchanged", "improved", "unchanged", "deteriorated"]


def test_cutoffs_by_hand_lower_is_better():
    norms = dict(dys_mean=17, dys_sd=5, func_mean=4, func_sd=3.5)
    out = q.reliable_change([18, 18, 12, 20, 10, np.nan], [9, 10, 11, 28, 9, 5], sd=5.5,
                            reliability=0.84, norms=norms)
    # a = 17 - 2*5 = 7 ; b = 4 + 2*3.5 = 11 ; c = (3.5*17 + 5*4) / (3.5 + 5) = 79.5 / 8.5
    assert out.attrs["a"] == pytest.approx(7)
    assert out.attrs["b"] == pytest.approx(11)
    assert out.attrs["c"] == pytest.approx(79.5 / 8.5) == pytest.approx(9.3529412)
    assert out.attrs["cutoff_rule"] == "c" and out.attrs["cutoff"] == pytest.approx(9.3529412)
    assert out["crossed_cutoff"].tolist()[:5] == [True, False, False, False, True]
    assert out["category"].tolist()[:5] == ["recovered", "improved", "unchanged", "deteriorated",
                                            "unchanged"]          # 10 -> 9 crosses but is not reliable
    assert out["category"].isna().tolist() == [False] * 5 + [True]
    assert pd.isna(out.loc[5, "reliable_improvement"]) and pd.isna(out.loc[5, "crossed_cutoff"])


def test_cutoff_choices():
    norms = dict(dys_mean=17, dys_sd=5, func_mean=4, func_sd=3.5)
    a = q.reliable_change(18, 6, 5.5, 0.84, norms=norms, cutoff="a")
    assert a.attrs["cutoff"] == 7 and a.loc[0, "category"] == "recovered"
    a2 = q.reliable_change(18, 8, 5.5, 0.84, norms=norms, cutoff="a")
    assert a2.loc[0, "category"] == "improved"
    given = q.reliable_change([18, 18], [10, 9], 5.5, 0.84, cutoff=10)   # PHQ-9 caseness
    assert given.attrs["cutoff_rule"] == "given"
    assert given["crossed_cutoff"].tolist() == [False, True]           # post must be below 10
    only_dys = q.reliable_change(18, 6, 5.5, 0.84, norms=dict(dys_mean=17, dys_sd=5))
    assert only_dys.attrs["cutoff_rule"] == "a" and math.isnan(only_dys.attrs["c"])
    with pytest.raises(ValueError, match="cut-off c needs"):
        q.reliable_change(18, 6, 5.5, 0.84, norms=dict(dys_mean=17, dys_sd=5), cutoff="c")
    with pytest.raises(ValueError, match="unknown"):
        q.reliable_change(18, 6, 5.5, 0.84, norms=dict(mean=3))
    with pytest.raises(ValueError, match="cutoff must be"):
        q.reliable_change(18, 6, 5.5, 0.84, cutoff="d")


def test_cutoffs_by_hand_higher_is_better():
    norms = dict(dys_mean=70, dys_sd=20, func_mean=110, func_sd=15)
    out = q.reliable_change([60, 60, 100], [100, 90, 60], sd=20, reliability=0.84,
                            higher_is_better=True, norms=norms)
    # a = 70 + 2*20 = 110 ; b = 110 - 2*15 = 80 ; c = (15*70 + 20*110) / 35 = 3250 / 35
    assert (out.attrs["a"], out.attrs["b"]) == (pytest.approx(110), pytest.approx(80))
    assert out.attrs["c"] == pytest.approx(3250 / 35)
    # S_diff = sqrt(2) * 20 * 0.4 = 11.3137 ; +40 -> RCI 3.54 ; +30 -> 2.65 ; -40 -> -3.54
    assert out["rci"].tolist() == pytest.approx([40 / (math.sqrt(2) * 8), 30 / (math.sqrt(2) * 8),
                                                 -40 / (math.sqrt(2) * 8)])
    assert out["category"].tolist() == ["recovered", "improved", "deteriorated"]


def test_rci_inputs_scalars_arrays_series():
    s_pre = pd.Series([18.0, 12.0], index=["A", "B"])
    out = q.reliable_change(s_pre, np.array([10, 11]), 5.5, 0.84)
    assert out.index.tolist() == ["A", "B"]
    out = q.reliable_change(s_pre, 10, 5.5, 0.84)
    assert out["post"].tolist() == [10, 10]
    with pytest.raises(ValueError, match="different indexes"):
        q.reliable_change(s_pre, pd.Series([1.0, 2.0]), 5.5, 0.84)
    with pytest.raises(ValueError, match="reliability"):
        q.reliable_change(18, 10, 5.5, 1.0)
    with pytest.raises(ValueError, match="sd"):
        q.reliable_change(18, 10, 0, 0.8)
    with pytest.raises(ValueError, match="values"):
        q.reliable_change([1, 2], [1, 2, 3], 5.5, 0.8)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 27), st.integers(0, 27)), min_size=1, max_size=20),
       st.floats(1, 10), st.floats(0, 0.95))
def test_rci_direction_is_sign_symmetric(pairs, sd, r):
    pre, post = np.array(pairs, dtype=float).T
    low = q.reliable_change(pre, post, sd, r)
    high = q.reliable_change(-pre, -post, sd, r, higher_is_better=True)
    assert low["reliable_improvement"].tolist() == high["reliable_improvement"].tolist()
    assert low["reliable_deterioration"].tolist() == high["reliable_deterioration"].tolist()
    assert not (low["reliable_improvement"] & low["reliable_deterioration"]).any()
    assert len(low) == len(pairs)


# --------------------------------------------------------------------------- PHQ-9 conventions


def test_phq9_outcomes_at_the_boundaries():
    pre = [10, 16, 9, 12, 12, 10, 15, np.nan]
    post = [4, 10, 3, 9, 18, 10, 9, 5]
    out = q.phq9_outcomes(pre, post)
    assert out["change"].tolist()[:7] == [-6, -6, -6, -3, 6, 0, -6]
    assert out["caseness_pre"].tolist()[:7] == [True, True, False, True, True, True, True]
    assert out["caseness_post"].tolist() == [False, True, False, False, True, True, False, False]
    assert out["reliable_improvement"].tolist()[:7] == [True, True, True, False, False, False, True]
    assert out["reliable_deterioration"].tolist()[:7] == [False, False, False, False, True, False,
                                                          False]
    # recovery only for cases at pre: row 2 (pre 9) and the missing row are <NA>
    rec = out["recovery"]
    assert rec.isna().tolist() == [False, False, True, False, False, False, False, True]
    # rows 0 (10->4), 3 (12->9) and 6 (15->9) recover; row 3 without reliable improvement
    assert rec.dropna().tolist() == [True, False, True, False, False, True]
    assert out["reliable_recovery"].dropna().tolist() == [True, False, False, False, False, True]
    assert rec.mean() == pytest.approx(3 / 6)                  # the service recovery rate
    assert pd.isna(out.loc[7, "reliable_improvement"])


def test_phq9_outcomes_five_points_is_not_reliable_and_range_checked():
    out = q.phq9_outcomes([15, 10], [10, 15])
    assert out["reliable_improvement"].tolist() == [False, False]
    assert out["reliable_deterioration"].tolist() == [False, False]
    with pytest.raises(ValueError, match="0 to 27"):
        q.phq9_outcomes([28], [3])
    assert q.phq9_outcomes(pd.Series([14], index=["x"]), 7).index.tolist() == ["x"]


def test_phq9_outcomes_chain_from_score_phq9():
    frame = phq_frame([PHQ_EXAMPLE, [0, 1, 0, 0, 1, 0, 0, 1, 0]], client=["A", "A"], week=[1, 8])
    scored = q.score_phq9(frame)
    out = q.phq9_outcomes(scored["phq9_total"].iloc[0], scored["phq9_total"].iloc[1])
    assert out.loc[0, "change"] == -10
    assert bool(out.loc[0, "reliable_recovery"])


# --------------------------------------------------------------------------- properties

PHQ_LABELS = ["Not at all", "Several days", "More than half the days", "Nearly every day"]
ANSWER = st.one_of(
    st.integers(-2, 5),
    st.none(),
    st.sampled_from(PHQ_LABELS),
    st.sampled_from(["", "x", "n/a", "2.5", "3"]),
    st.floats(-1, 4),
    st.just(float("nan")),
)


def expected_value(v):
    """An independent reading of one answer: its value 0-3 or None."""
    if isinstance(v, str):
        if v in PHQ_LABELS:
            return PHQ_LABELS.index(v)
        return int(v) if v in {"0", "1", "2", "3"} else None
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return int(v) if float(v).is_integer() and 0 <= v <= 3 else None


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(ANSWER, min_size=9, max_size=9), min_size=0, max_size=12),
       st.integers(0, 3))
def test_phq9_property_totals_in_range_and_no_rows_lost(rows, max_missing):
    frame = phq_frame(rows, client=[f"c{i}" for i in range(len(rows))])
    frame.index = pd.Index(range(100, 100 + len(rows)))
    out = q.score_phq9(frame, max_missing=max_missing)
    assert len(out) == len(rows)
    assert out.index.equals(frame.index)
    assert out["client"].tolist() == frame["client"].tolist()
    for i, row in enumerate(rows):
        vals = [expected_value(v) for v in row]
        answered = [v for v in vals if v is not None]
        got = out["phq9_total"].iloc[i]
        assert out["phq9_items_answered"].iloc[i] == len(answered)
        assert (out["phq9_problems"].iloc[i] == "") == (len(answered) == 9)
        if 9 - len(answered) > max_missing:
            assert pd.isna(got)
        else:
            exact = Fraction(sum(answered) * 9, len(answered))
            assert got == math.floor(exact + Fraction(1, 2))
            assert 0 <= got <= 27
            lo, hi = next(b for b in q.PHQ9_SEVERITY.values() if b[0] <= got <= b[1])
            assert q.PHQ9_SEVERITY[out["phq9_severity"].iloc[i]] == (lo, hi)
        risk = out["phq9_item9_risk"].iloc[i]
        if vals[8] is None:
            assert pd.isna(risk)
        else:
            assert bool(risk) == (vals[8] > 0)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.one_of(st.integers(0, 6), st.none()), min_size=25, max_size=25),
                min_size=1, max_size=10))
def test_bads_property_ranges_and_identity(rows):
    out = q.score_bads(bads_frame(rows))
    assert len(out) == len(rows)
    for col, (hi) in [("bads_activation", 42), ("bads_avoidance_rumination", 48),
                      ("bads_work_school", 30), ("bads_social", 30), ("bads_total", 150)]:
        s = out[col].dropna()
        assert ((s >= 0) & (s <= hi)).all()
    full = out.dropna(subset=["bads_total"])
    identity = (full["bads_activation"] + (48 - full["bads_avoidance_rumination"])
                + (30 - full["bads_work_school"]) + (30 - full["bads_social"]))
    assert (identity == full["bads_total"]).all()
    assert (out["bads_total"].isna() == [any(v is None for v in r) for r in rows]).all()


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.one_of(st.integers(0, 6), st.none()), min_size=9, max_size=9),
                min_size=1, max_size=10))
def test_bads_sf_property_ranges_and_identity(rows):
    out = q.score_bads_sf(pd.DataFrame({f"bads_sf_{i}": [r[i - 1] for r in rows]
                                        for i in range(1, 10)}))
    assert len(out) == len(rows)
    s = out["bads_sf_total"].dropna()
    assert ((s >= 0) & (s <= 54)).all()
    full = out.dropna(subset=["bads_sf_total"])
    assert (full["bads_sf_activation"] + 24 - full["bads_sf_avoidance"]
            == full["bads_sf_total"]).all()
