"""The sample cohort (data/sample/cohort, questionnaires.csv): the planted effects are recovered.

The ground truth is not copied here: it is regenerated with the same call
data/sample/make_samples.py makes (its ``cohort_data`` and ``questionnaire_data``),
so the tests follow the script if the sample is ever remade with other settings.
The tests of :func:`bactivate.cohort.outcomes.pre_post` itself are in tests/cohort/test_outcomes.py.
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

ROOT = Path(__file__).resolve().parents[2]
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
