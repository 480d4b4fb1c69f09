"""The sample cohort (data/sample/cohort, questionnaires.csv): the planted effects are recovered.

The ground truth is not copied here: it is regenerated with the same call
data/sample/make_samples.py makes (its ``cohort_data`` and ``questionnaire_data``),
so the tests follow the script if the sample is ever remade with other settings.
Also the tests of :func:`bactivate.cohort.outcomes.pre_post`.
"""

from __future__ import annotations

import importlib.util
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import bactivate as ba
from bactivate.cohort.outcomes import pre_post

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "sample"
COHORT = SAMPLE / "cohort"
ROSTER = COHORT / "roster.csv"
QUESTIONNAIRES = SAMPLE / "questionnaires.csv"
PHQ9_ITEMS = [f"phq9_{i}" for i in range(1, 10)]
BADS_SF_ITEMS = [f"bads_sf_{i}" for i in range(1, 10)]


def _script():
    spec = importlib.util.spec_from_file_location("make_samples", SAMPLE / "make_samples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def script():
    return _script()


@pytest.fixture(scope="module")
def truth(script):
    """The synthetic trial and questionnaires behind the sample, regenerated."""
    log, roster = script.cohort_data()
    answers = script.questionnaire_data(log, roster)
    return {"log": log, "roster": roster, "cohort": log.attrs["truth"],
            "questionnaires": answers.attrs["truth"]}


@pytest.fixture(scope="module")
def cohort():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = ba.read_cohort(COHORT, roster=ROSTER)
    assert not [str(w.message) for w in caught if issubclass(w.category, ba.LogWarning)]
    return out


@pytest.fixture(scope="module")
def answers():
    return pd.read_csv(QUESTIONNAIRES, dtype={"client": "str"}, parse_dates=["date"])


# =========================================================================== the files


def test_sample_holds_40_clients_in_two_arms_from_the_synth_trial(cohort, truth, script):
    assert cohort["client"].nunique() == 40 == script.COHORT_ARGS["n_clients"]
    roster = cohort.attrs["roster"]
    assert roster["arm"].value_counts().to_dict() == {"BA": 20, "control": 20}
    expected = truth["roster"][["client", "arm", "age", "gender", "baseline_phq9", "site"]]
    pd.testing.assert_frame_equal(pd.DataFrame(roster), expected, check_dtype=False)
    # every synthetic entry is in the files, nothing set aside
    assert len(cohort) == len(truth["log"]) and len(cohort.attrs["rejected"]) == 0
    # the questionnaires are not in the cohort folder (read_cohort would take them for a log)
    assert not (COHORT / "questionnaires.csv").exists() and QUESTIONNAIRES.exists()
    size = sum(p.stat().st_size for p in SAMPLE.rglob("*") if p.is_file())
    assert size < 3_000_000, size


def test_readme_states_the_planted_effect_and_that_the_data_are_synthetic(truth):
    text = (SAMPLE / "README.md").read_text(encoding="utf-8")
    diff = truth["cohort"]["arm_slope_diff"]["BA"]
    assert f"`arm_slope_diff`: {diff:.2f} points per week" in text
    assert f"{diff:.4f} unrounded" in text
    assert "**Every file in this folder is synthetic.**" in text
    assert "questionnaires.csv" in text


def test_questionnaire_file_is_the_synthetic_one(answers, script, truth):
    again = script.questionnaire_data(truth["log"], truth["roster"])
    assert list(answers.columns) == list(again.columns)
    assert len(answers) == len(again) == 40 * 8
    assert answers["client"].tolist() == again["client"].tolist()
    assert (answers["date"] == again["date"]).all()
    for col in PHQ9_ITEMS + BADS_SF_ITEMS:
        np.testing.assert_array_equal(answers[col].to_numpy(dtype="float64"),
                                      again[col].to_numpy(dtype="float64", na_value=np.nan))


# =========================================================================== recovery


def test_trajectory_recovers_the_planted_arm_effect(cohort, truth):
    """week:arm[T.BA] over the treatment weeks covers truth["arm_slope_diff"]["BA"].

    The truth is defined over weeks 2-8 (week 1 is monitoring only), so the
    model is fitted to those weeks; the default fit over all weeks must agree
    on the sign.
    """
    planted = truth["cohort"]["arm_slope_diff"]["BA"]
    assert planted > 0
    fit = ba.trajectory(cohort, group="arm", value="mood", roster=ROSTER, reference="control",
                        weeks=range(2, 9))
    row = fit.set_index("term").loc["week:arm[T.BA]"]
    assert row["estimate"] > 0
    assert row["ci_low"] <= planted <= row["ci_high"], (row["ci_low"], planted, row["ci_high"])
    assert fit.attrs["n_clients"] == 40
    whole = ba.trajectory(cohort, group="arm", value="mood", roster=ROSTER)
    row = whole.set_index("term").loc["week:arm[T.control]"]  # reference BA (first in order)
    assert row["ci_high"] < 0


def test_ba_clients_improve_more_in_mood(cohort):
    summary = ba.client_summary(cohort)
    assert len(summary) == 40
    res = ba.compare_groups(summary, "arm", "mood_change").iloc[0]
    assert (res["group_a"], res["group_b"]) == ("BA", "control")
    assert res["diff"] > 0 and res["ci_low"] > 0
    assert res["n_a"] == res["n_b"] == 20


def test_questionnaires_score_without_problems_except_the_planted_blanks(answers, truth):
    blanks = truth["questionnaires"]["missing"]
    assert len(blanks) == int(answers[PHQ9_ITEMS + BADS_SF_ITEMS].isna().to_numpy().sum()) > 0
    phq = ba.score_phq9(answers)
    n_blank = answers[PHQ9_ITEMS].isna().sum(axis=1)
    planted = blanks[blanks["item"].str.startswith("phq9")]
    expected = {(c, w, f"item {i[5:]} missing") for c, w, i in planted.itertuples(index=False)}
    found = {(c, w, p) for c, w, text in zip(phq["client"], phq["week"], phq["phq9_problems"],
                                             strict=True)
             for p in (text.split("; ") if text else [])}
    assert found == expected
    assert phq["phq9_prorated"].fillna(False).sum() == n_blank.between(1, 2).sum() > 0
    assert phq["phq9_total"].isna().sum() == (n_blank > 2).sum()
    assert phq["phq9_total"].dropna().between(0, 27).all()
    bads = ba.score_bads_sf(answers)
    planted = blanks[blanks["item"].str.startswith("bads_sf")]
    expected = {(c, w, f"item {i[8:]} missing") for c, w, i in planted.itertuples(index=False)}
    found = {(c, w, p) for c, w, text in zip(bads["client"], bads["week"], bads["bads_sf_problems"],
                                             strict=True)
             for p in (text.split("; ") if text else [])}
    assert found == expected
    assert bads["bads_sf_total"].isna().sum() == answers[BADS_SF_ITEMS].isna().any(axis=1).sum()


def test_phq9_falls_more_in_the_ba_arm(answers):
    phq = ba.score_phq9(answers)
    change = pre_post(phq, "phq9_total", roster=ROSTER)
    assert len(change) == 40 and change["change"].notna().all()
    res = ba.compare_groups(change, "arm", "change").iloc[0]
    assert (res["group_a"], res["group_b"]) == ("BA", "control")
    assert res["mean_a"] < 0 and res["ci_high"] < 0  # BA falls more than control
    # the weekly model agrees: PHQ-9 falls faster in the BA arm
    fit = ba.trajectory(phq, group="arm", value="phq9_total", roster=ROSTER, reference="control")
    assert fit.set_index("term").loc["week:arm[T.BA]", "ci_high"] < 0
    # and the service outcomes run on the pairs
    outcomes = ba.phq9_outcomes(change["pre"], change["post"])
    assert outcomes["reliable_improvement"].notna().all()


def test_bads_sf_activation_rises_more_in_the_ba_arm(answers):
    change = pre_post(ba.score_bads_sf(answers), "bads_sf_activation", roster=ROSTER)
    res = ba.compare_groups(change, "arm", "change").iloc[0]
    assert res["diff"] > 0 and res["ci_low"] > 0


# =========================================================================== pre_post


def _scores():
    return pd.DataFrame({
        "client": ["B", "B", "B", "A", "A", "C", "D", "D"],
        "week": [3, 1, 2, 1, 4, 2, 1, 2],
        "phq9_total": pd.array([10, 20, None, 18, 9, 12, None, None], dtype="Int64"),
        "other": ["x"] * 8,
    })


def test_pre_post_pairs_the_first_and_last_scored_occasions():
    out = pre_post(_scores(), "phq9_total")
    assert out["client"].tolist() == ["A", "B", "C", "D"]
    a, b, c, d = (out.iloc[i] for i in range(4))
    assert (a["pre_week"], a["pre"], a["post_week"], a["post"], a["change"]) == (1, 18, 4, 9, -9)
    assert (b["pre_week"], b["pre"], b["post_week"], b["post"], b["change"]) == (1, 20, 3, 10, -10)
    assert b["n_scored"] == 2
    # one scored occasion is no pair; no score at all keeps its row
    assert c["pre"] == 12 and pd.isna(c["post"]) and pd.isna(c["change"]) and pd.isna(c["post_week"])
    assert pd.isna(d["pre"]) and d["n_scored"] == 0
    assert str(out["pre_week"].dtype) == "Int64" and str(out["pre"].dtype) == "float64"
    assert list(out.columns) == ["client", "pre_week", "pre", "post_week", "post", "change", "n_scored"]
    assert any("2 client(s) without both" in n for n in out.attrs["notes"])


def test_pre_post_at_given_occasions_and_with_a_roster(tmp_path):
    out = pre_post(_scores(), "phq9_total", pre=1, post=3).set_index("client")
    assert out.loc["B", "pre"] == 20 and out.loc["B", "post"] == 10
    assert pd.isna(out.loc["A", "post"])  # A has no week 3
    roster = tmp_path / "roster.csv"
    roster.write_text("client,arm,baseline_phq9\nA,BA,19\nB,control,21\nE,BA,15\n")
    out = pre_post(_scores(), "phq9_total", roster=roster)
    assert list(out.columns[:3]) == ["client", "arm", "baseline_phq9"]
    assert out["client"].tolist() == ["A", "B", "C", "D", "E"]
    assert out.set_index("client").loc["E", "n_scored"] == 0
    notes = " ".join(out.attrs["notes"])
    assert "1 roster client(s) have no scores" in notes and "not in the roster" in notes
    assert ba.compare_groups(out, "arm", "change")["n_a"].iloc[0] == 1


def test_pre_post_errors():
    with pytest.raises(ValueError, match="no column"):
        pre_post(_scores(), "bads_total")
    with pytest.raises(ValueError, match="not a numeric"):
        pre_post(_scores(), "other")
    twice = pd.concat([_scores(), _scores().iloc[:1]])
    with pytest.raises(ValueError, match="two rows"):
        pre_post(twice, "phq9_total")
    with pytest.raises(ValueError, match="no row has week == 9"):
        pre_post(_scores(), "phq9_total", pre=9)
    with pytest.raises(TypeError):
        pre_post("scores.csv", "phq9_total")
