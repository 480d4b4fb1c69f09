"""deidentify: keyed pseudonyms, no free text anywhere, dates shifted by whole weeks, input untouched."""

from __future__ import annotations

import copy
import hashlib
import hmac
import shutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

import bactivate as ba
from bactivate.cohort.privacy import pseudonym

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample" / "cohort"
KEY = "correct horse battery staple, kept apart from the data"
# the synthetic rosters keep gender by the default rules, which warns (test_privacy_policies.py)
pytestmark = pytest.mark.filterwarnings("ignore::bactivate.cohort.privacy.PrivacyWarning")


@pytest.fixture(scope="module")
def trial():
    return ba.synth.cohort(n_clients=12, weeks=3, seed=7, entries_per_day=4, note_rate=0.5)


def _strings(frame: pd.DataFrame) -> set[str]:
    """Every string cell of the frame, its column names, and the text of its attrs."""
    cells = set()
    for c in frame.columns:
        cells.add(str(c))
        s = frame[c]
        if not pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_datetime64_any_dtype(s.dtype):
            cells.update(str(v) for v in s.dropna().unique())
    cells.add(repr(frame.attrs))
    for v in frame.attrs.values():
        if isinstance(v, pd.DataFrame):
            cells |= _strings(v)
    return cells


def test_pseudonyms_are_keyed_hmac_stable_and_key_specific(trial):
    log, _ = trial
    a = ba.deidentify(log, key=KEY)
    b = ba.deidentify(log, key=KEY)
    c = ba.deidentify(log, key="another key, just as long and random")
    pd.testing.assert_frame_equal(a, b)
    assert set(a["client"]).isdisjoint(set(c["client"]))
    # HMAC-SHA256 of the id under the key, written out here
    expected = {cid: "P-" + hmac.new(KEY.encode(), b"client\x00" + cid.encode(), hashlib.sha256).hexdigest()[:12]
                for cid in log["client"].unique()}
    assert set(a["client"]) == set(expected.values())
    assert pseudonym("C001", key=KEY) == expected["C001"]
    # not a plain (unkeyed) hash of the id
    assert all(hashlib.sha256(cid.encode()).hexdigest()[:12] not in p for cid, p in expected.items())
    assert a["client"].nunique() == log["client"].nunique()


def test_no_id_or_note_text_survives_anywhere(trial):
    log, roster = trial
    log = log.copy()
    log.attrs["roster"] = roster
    notes = set(log["note"].dropna().unique())
    assert len(notes) >= 3
    safe = ba.deidentify(log, key=KEY)
    text = _strings(safe)
    blob = "\n".join(text)
    for cid in log["client"].unique():
        assert cid not in blob
    for note in notes:
        assert note not in text
    assert safe["note"].isna().all()
    assert (safe["source"] == "deidentified").all()
    assert "truth" not in safe.attrs  # the synthetic ground truth lists the real ids
    assert "synth" not in blob  # the original sources ("synth:C001:3")


def test_weekdays_hours_and_intervals_are_kept(trial):
    log, _ = trial
    safe = ba.deidentify(log, key=KEY)
    ids = {pseudonym(c, key=KEY): c for c in log["client"].unique()}
    for p, orig in ids.items():
        a = log[log["client"] == orig].sort_values(["start", "entry"])
        b = safe[safe["client"] == p].sort_values(["start", "entry"])
        shift = b["start"].to_numpy() - a["start"].to_numpy()
        assert len(set(shift)) == 1  # one shift per client
        days = pd.Timedelta(shift[0]).days
        assert days % 7 == 0 and days != 0 and -180 <= days <= 180
        assert (a["start"].dt.day_of_week.to_numpy() == b["start"].dt.day_of_week.to_numpy()).all()
        assert (a["start"].dt.time.to_numpy() == b["start"].dt.time.to_numpy()).all()
        np.testing.assert_array_equal(np.diff(a["start"].to_numpy()), np.diff(b["start"].to_numpy()))
        ends = (b["end"] - b["start"]).to_numpy()
        np.testing.assert_array_equal(ends, (a["end"] - a["start"]).to_numpy())
    shifts = {pd.Timedelta(safe.loc[safe["client"] == p, "start"].min()
                           - log.loc[log["client"] == o, "start"].min()).days for p, o in ids.items()}
    assert len(shifts) > 1  # clients are shifted differently


def test_roster_gets_the_same_pseudonyms_and_shifts(trial):
    log, roster = trial
    safe_log = ba.deidentify(log, key=KEY)
    safe_roster = ba.deidentify(roster, key=KEY)
    assert set(safe_roster["client"]) == set(safe_log["client"])
    assert list(safe_roster.columns) == ["client", "arm", "age", "gender", "baseline_phq9", "site", "start"]
    # the enrolment date moves with the client's log
    first = safe_log.groupby("client")["start"].min().dt.normalize()
    orig_first = log.groupby("client")["start"].min().dt.normalize()
    orig = roster.set_index("client")["start"]
    for _, row in safe_roster.iterrows():
        o = {pseudonym(c, key=KEY): c for c in roster["client"]}[row["client"]]
        assert row["start"] - orig[o] == first[row["client"]] - orig_first[o]
    # joined after de-identification, arms line up with the right clients
    s = ba.client_summary(safe_log, roster=safe_roster)
    truth = roster.set_index("client")["arm"].rename(index=lambda c: pseudonym(c, key=KEY))
    assert s.set_index("client")["arm"].to_dict() == truth.to_dict()


def test_input_is_not_modified(trial):
    log, roster = trial
    log = log.copy()
    log.attrs["roster"] = roster.copy()
    before = log.copy(deep=True)
    attrs_before = copy.deepcopy({k: v for k, v in log.attrs.items() if k != "truth"})
    ba.deidentify(log, key=KEY)
    pd.testing.assert_frame_equal(log, before)
    pd.testing.assert_frame_equal(log.attrs["roster"], attrs_before["roster"])
    assert "truth" in log.attrs


def test_extra_columns_rules():
    roster = pd.DataFrame({
        "client": [f"id{i}" for i in range(8)],
        "arm": ["BA", "control"] * 4,
        "name": [f"Person {i}" for i in range(8)],
        "email": [f"p{i}@example.org" for i in range(8)],
        "phone": [5550100 + i for i in range(8)],
        "referral": [f"referred by Dr Who on visit {i}" for i in range(8)],
        "site": ["North", "South", "North", "South", "East", "East", "North", "South"],
        "phq9": [12, 15, 20, 9, 14, 18, 22, 11],
        "date_of_birth": pd.to_datetime(["1980-01-01"] * 8),
    })
    safe = ba.deidentify(roster, key=KEY)
    assert list(safe.columns) == ["client", "arm", "site", "phq9"]
    assert set(safe.attrs["deidentified"]["dropped_columns"]) == {"name", "email", "phone", "referral",
                                                                  "date_of_birth"}
    kept = ba.deidentify(roster, key=KEY, keep=["referral"], drop=["site"])
    assert "referral" in kept.columns and "site" not in kept.columns

    log = ba.synth.client(weeks=1, seed=2)
    log["therapist"] = "Dr Jane Smith"
    log["steps"] = np.arange(len(log), dtype="float64")
    safe_log = ba.deidentify(log, key=KEY)
    assert "therapist" not in safe_log.columns and "steps" in safe_log.columns
    assert "Jane" not in "\n".join(_strings(safe_log))


def test_rejected_rows_and_notes_lose_their_values(tmp_path):
    shutil.copy(SAMPLE / "C001.csv", tmp_path / "Jane Smith.csv")
    text = (tmp_path / "Jane Smith.csv").read_text().splitlines()
    parts = text[3].split(",")
    parts[6] = "ask Bob"  # a mood cell holding a name
    text[3] = ",".join(parts)
    (tmp_path / "Jane Smith.csv").write_text("\n".join(text) + "\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cohort = ba.read_cohort(tmp_path)
    assert "Jane Smith" in cohort["client"].unique()
    assert (cohort.attrs["rejected"]["value"] == "ask Bob").any()
    safe = ba.deidentify(cohort, key=KEY)
    blob = "\n".join(_strings(safe))
    for word in ("Jane", "Smith", "Bob"):
        assert word not in blob
    assert len(safe.attrs["rejected"]) == len(cohort.attrs["rejected"])  # the count survives
    assert "notes" not in safe.attrs and "file" not in safe.attrs


def test_arguments():
    log = ba.synth.client(weeks=1, seed=1)
    with pytest.raises(ValueError, match="empty"):
        ba.deidentify(log, key="")
    with pytest.raises(TypeError):
        ba.deidentify(log, key=123)
    with pytest.raises(ValueError, match="whole number of weeks"):
        ba.deidentify(log, key=KEY, shift_days=(1, 5))
    same = ba.deidentify(log, key=KEY, shift_days=None)
    assert (same["start"].sort_values().to_numpy() == log["start"].sort_values().to_numpy()).all()
    with pytest.raises(ValueError, match="client"):
        ba.deidentify(pd.DataFrame({"x": [1]}), key=KEY)


@settings(max_examples=50, deadline=None)
@given(ids=hs.lists(hs.text(min_size=1, max_size=20), min_size=1, max_size=15, unique=True),
       key=hs.binary(min_size=16, max_size=64).filter(lambda k: len(set(k)) >= 6))
def test_pseudonyms_for_any_ids_and_keys(ids, key):
    roster = pd.DataFrame({"client": ids, "score": np.arange(len(ids), dtype="int64")})
    safe = ba.deidentify(roster, key=key)
    assert safe["client"].str.fullmatch(r"P-[0-9a-f]{12}").all()
    assert safe["client"].nunique() == len(ids)
    again = ba.deidentify(roster, key=key)
    pd.testing.assert_frame_equal(safe, again)
    # each row keeps its own values
    back = dict(zip(safe["client"], safe["score"], strict=True))
    for cid, score in zip(ids, range(len(ids)), strict=True):
        assert back[pseudonym(cid, key=key)] == score
