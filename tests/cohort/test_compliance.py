"""Compliance (prompts sent vs answered) against plain pandas on the raw m-Path export."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import bactivate as ba
from bactivate.cohort.compliance import COLUMNS, compliance, exclude_low_compliance

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample" / "formats" / "mpath-export.csv"


@pytest.fixture(scope="module")
def study():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ba.read_cohort(SAMPLE)


@pytest.fixture(scope="module")
def expected():
    """Per participant, from the raw file: prompts (scheduled lines), answered (a start stamp)."""
    raw = pd.read_csv(SAMPLE, sep=";", dtype=str, encoding="utf-8-sig")
    prompts = raw[raw["scheduledBeepId"] != "-1"]
    out = prompts.groupby("connectionId").agg(
        sent=("sentBeepId", "size"), answered=("timeStampStart", "count"),
        days=("timeStampSent", lambda s: pd.to_datetime(s.astype(int), unit="s").dt.normalize().nunique()))
    out["rate"] = out["answered"] / out["sent"]
    return out


def test_table_equals_plain_pandas(study, expected):
    table = compliance(study)
    assert list(table.columns) == list(COLUMNS)
    got = table.set_index("client")
    assert list(got.index) == sorted(expected.index)
    for c in ("sent", "answered", "days"):
        assert got[c].to_dict() == expected[c].to_dict()
    np.testing.assert_allclose(got["rate"].to_numpy(), expected.loc[got.index, "rate"].to_numpy(),
                               rtol=0, atol=1e-15)
    assert not table["excluded"].any()
    assert table.attrs["sent"] == expected["sent"].sum()
    assert table.attrs["answered"] == expected["answered"].sum()
    assert table.attrs["rate"] == pytest.approx(expected["answered"].sum() / expected["sent"].sum(), abs=1e-15)


def test_min_compliance_marks_who_is_below_and_says_so(study, expected):
    table = compliance(study, min_compliance=0.5)
    below = sorted(expected.index[expected["rate"] < 0.5])
    assert sorted(table.loc[table["excluded"], "client"]) == below == table.attrs["excluded"]
    assert len(below) == 3
    rate = expected["answered"].sum() / expected["sent"].sum()
    lo, hi = expected["rate"].min(), expected["rate"].max()
    assert table.attrs["description"] == (
        f"{100 * rate:.1f}% of {expected['sent'].sum():,} prompts answered; "
        f"{100 * lo:.0f}-{100 * hi:.0f}% per person; 3 people below 50% excluded")


def test_threshold_is_a_share():
    log = pd.DataFrame({"client": ["a"]})
    log.attrs["prompts"] = pd.DataFrame({"client": ["a"], "sent": [10], "answered": [5]})
    with pytest.raises(ValueError, match="write 0.5"):
        compliance(log, min_compliance=50)
    # a rate equal to the threshold is kept
    assert not compliance(log, min_compliance=0.5)["excluded"].item()


def test_without_the_sent_prompts_it_is_a_clear_error():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        daylio = ba.read_log(ROOT / "data" / "sample" / "formats" / "daylio-export.csv")
    with pytest.raises(ValueError, match="compliance needs the prompts that were sent"):
        compliance(daylio)


def test_exclude_low_compliance_drops_them_and_reports_who(study, expected):
    kept = exclude_low_compliance(study, 0.5)
    below = set(expected.index[expected["rate"] < 0.5])
    assert set(kept["client"]) == set(study["client"]) - below
    pd.testing.assert_frame_equal(kept.reset_index(drop=True),
                                  study[~study["client"].isin(below)].reset_index(drop=True),
                                  check_like=False)
    assert set(kept.attrs["excluded"]) == below
    note = kept.attrs["notes"][-1]
    assert note.startswith("excluded 3 people who answered fewer than 50% of their prompts: ")
    for c in below:
        pct = 100 * expected.loc[c, "rate"]
        shown = f"{pct:.0f}%" if abs(pct - round(pct)) < 0.05 else f"{pct:.1f}%"
        assert f"{c} ({shown})" in note
    # the study's compliance before exclusion stays reportable
    assert len(kept.attrs["prompts"]) == len(expected)
    assert kept.attrs["compliance"]["excluded"].sum() == 3
    # the input is not changed
    assert "compliance" not in study.attrs


def test_a_client_split_over_two_prompt_rows_is_summed():
    log = pd.DataFrame({"client": ["a"]})
    log.attrs["prompts"] = pd.DataFrame({"client": ["a", "a", "b"], "sent": [10, 30, 20],
                                         "answered": [10, 10, 0], "days": [2, 5, 4]})
    table = compliance(log)
    assert table[["client", "sent", "answered", "days"]].to_numpy().tolist() == [
        ["a", 40, 20, 7], ["b", 20, 0, 4]]
    assert table["rate"].tolist() == [0.5, 0.0]
