"""deidentify: the key must be a real secret; each roster column gets an explicit, reported policy."""

from __future__ import annotations

import hashlib
import hmac
import warnings

import pandas as pd
import pytest

import bactivate as ba
from bactivate.cohort.privacy import Key, PrivacyWarning, key_from_env, pseudonym

KEY = "correct horse battery staple, kept apart from the data"


def roster() -> pd.DataFrame:
    return pd.DataFrame({
        "client": ["C1", "C2", "C3", "C4", "C5", "C6"],
        "arm": ["BA", "control"] * 3,
        "age": [19, 34, 40, 49, 91, None],
        "gender": ["f", "m", "f", "f", "m", "f"],
        "site": ["Leeds", "York", "Leeds", None, "York", "Hull"],
        "phq9": [12, 15, 20, 9, 14, 18],
        "enrolled": pd.to_datetime(["2026-01-05"] * 6),
    })


def quiet(func, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PrivacyWarning)
        return func(*args, **kwargs)


# --------------------------------------------------------------------------- the key


@pytest.mark.parametrize(("key", "match"), [
    (None, "a key is needed"),
    ("", "empty"),
    ("k", "too short"),
    ("a long secret", "too short"),  # 13 characters
    (b"0123456789abcde", "too short"),
    ("placeholder-not-a-secret", "placeholder"),
    ("CHANGE ME, change me, change me", "placeholder"),
    ("your-key-here-please-replace", "placeholder"),
    ("password1234567890", "placeholder"),
    ("aaaaaaaaaaaaaaaaaaaaaaaa", "placeholder"),
    ("abababababababababab", "placeholder"),
])
def test_a_missing_short_or_placeholder_key_is_refused(key, match):
    log = ba.synth.client(weeks=1, seed=1)
    with pytest.raises(ValueError, match=match):
        ba.deidentify(log, key=key)
    with pytest.raises(ValueError, match=match):
        pseudonym("C001", key=key)


def test_the_key_argument_is_required_with_a_message():
    with pytest.raises(ValueError, match="BACTIVATE_KEY"):
        ba.deidentify(roster())


def test_a_random_key_of_16_characters_or_more_is_accepted():
    for key in ("0f3a9c1e7b2d4a68", "d6f1c0a9e47b2c55a1f3e8b0", b"\x8f\x01\xaa\x10\x99\x02\x77\x33" * 2):
        safe = quiet(ba.deidentify, roster(), key=key)
        assert safe["client"].str.fullmatch(r"P-[0-9a-f]{12}").all()


def test_key_from_env(monkeypatch):
    monkeypatch.setenv("BACTIVATE_KEY", KEY)
    key = key_from_env()
    assert KEY not in repr(key) and KEY not in key._repr_html_()
    assert "BACTIVATE_KEY" in repr(key) and not key.throwaway
    # the Key gives the pseudonyms of the secret it holds
    assert pseudonym("C1", key=key) == pseudonym("C1", key=KEY)
    safe = quiet(ba.deidentify, roster(), key=key)
    assert set(safe["client"]) == {pseudonym(c, key=KEY) for c in roster()["client"]}

    monkeypatch.setenv("BACTIVATE_KEY", "changeme")
    with pytest.raises(ValueError, match="BACTIVATE_KEY.*too short"):
        key_from_env()
    monkeypatch.delenv("BACTIVATE_KEY")
    with pytest.raises(ValueError, match="BACTIVATE_KEY is not set.*secrets.token_urlsafe"):
        key_from_env()
    a, b = key_from_env(missing="throwaway"), key_from_env(missing="throwaway")
    assert a.throwaway and bytes(a) != bytes(b) and len(bytes(a)) >= 32
    assert "throwaway" in a._repr_html_() and "set BACTIVATE_KEY to a long random" in a._repr_html_()
    with pytest.raises(ValueError, match="missing"):
        key_from_env(missing="ignore")
    with pytest.raises(ValueError, match="too short"):
        Key("short")


# --------------------------------------------------------------------------- roster columns


def test_default_policies_band_age_code_site_and_warn_for_gender():
    with pytest.warns(PrivacyWarning, match=r"quasi-identifier\(s\) as they were: gender"):
        safe = ba.deidentify(roster(), key=KEY)
    assert list(safe.columns) == ["client", "arm", "age", "gender", "site", "phq9", "enrolled"]
    report = safe.attrs["deidentified"]["columns"].set_index("column")
    assert report["action"].to_dict() == {
        "client": "pseudonymised", "arm": "kept", "age": "banded", "gender": "kept",
        "site": "pseudonymised", "phq9": "kept", "enrolled": "shifted"}
    assert report["quasi_identifier"].to_dict() == {
        "client": False, "arm": False, "age": True, "gender": True, "site": True, "phq9": False,
        "enrolled": False}
    assert report["why"].str.len().gt(0).all()
    # the rows are in pseudonym order: read them back by client
    back = safe.set_index("client")
    by = {c: back.loc[pseudonym(c, key=KEY)] for c in roster()["client"]}
    assert [str(by[c]["age"]) for c in ["C1", "C2", "C3", "C4", "C5"]] == [
        "10-19", "30-39", "40-49", "40-49", "90+"]
    assert pd.isna(by["C6"]["age"])
    assert list(safe["age"].cat.categories) == ["10-19", "30-39", "40-49", "90+"]


def test_site_pseudonyms_are_keyed_consistent_and_keep_missing():
    safe = quiet(ba.deidentify, roster(), key=KEY)
    back = safe.set_index("client")["site"]
    site = {c: back[pseudonym(c, key=KEY)] for c in roster()["client"]}
    assert site["C1"] == site["C3"] != site["C2"] == site["C5"]
    assert pd.isna(site["C4"])
    assert all(str(v).startswith("site-") for v in safe["site"].dropna())
    assert not {"Leeds", "York", "Hull"} & set(safe["site"].dropna())
    expected = "site-" + hmac.new(KEY.encode(), b"value:site\x00Leeds", hashlib.sha256).hexdigest()[:8]
    assert site["C1"] == expected
    other = quiet(ba.deidentify, roster(), key=KEY + " but another")
    assert set(other["site"].dropna()).isdisjoint(set(safe["site"].dropna()))


@pytest.mark.parametrize(("policy", "check"), [
    ("keep", lambda s, r: sorted(s["age"].dropna()) == sorted(r["age"].dropna())),
    ("drop", lambda s, r: "age" not in s.columns),
    ("band", lambda s, r: set(s["age"].dropna()) == {"10-19", "30-39", "40-49", "90+"}),
    ("band:5", lambda s, r: set(s["age"].dropna()) == {"15-19", "30-34", "40-44", "45-49", "90+"}),
    ("pseudonym", lambda s, r: s["age"].dropna().str.fullmatch(r"age-[0-9a-f]{8}").all()),
])
def test_each_policy_for_age(policy, check):
    with warnings.catch_warnings():
        warnings.simplefilter("error", PrivacyWarning)  # an explicit policy is not warned about
        safe = ba.deidentify(roster(), key=KEY, columns={"age": policy, "gender": "keep"})
    assert check(safe, roster())
    report = safe.attrs["deidentified"]["columns"].set_index("column")
    assert report.loc["age", "why"] == "as requested (columns=)"
    assert report.loc["age", "action"] == {"keep": "kept", "drop": "dropped", "band": "banded",
                                           "band:5": "banded", "pseudonym": "pseudonymised"}[policy]


def test_explicit_policies_for_site_gender_and_dates():
    safe = ba.deidentify(roster(), key=KEY, columns={"site": "keep", "gender": "drop",
                                                     "phq9": "band:5", "enrolled": "drop"})
    assert list(safe.columns) == ["client", "arm", "age", "site", "phq9"]
    assert set(safe["site"].dropna()) == {"Leeds", "York", "Hull"}
    assert set(safe["phq9"]) == {"5-9", "10-14", "15-19", "20-24"}  # not an age: no "90+"
    assert safe.attrs["deidentified"]["dropped_columns"] == ["gender", "enrolled"]
    # a date kept as text can be shifted when asked
    r = roster().assign(enrolled=["2026-01-05"] * 6)
    shifted = quiet(ba.deidentify, r, key=KEY, columns={"enrolled": "shift"})
    assert pd.api.types.is_datetime64_any_dtype(shifted["enrolled"])
    assert (shifted["enrolled"] != pd.Timestamp("2026-01-05")).all()


def test_policy_errors():
    with pytest.raises(ValueError, match="not in the frame"):
        ba.deidentify(roster(), key=KEY, columns={"sex": "drop"})
    with pytest.raises(ValueError, match="a policy is one of"):
        ba.deidentify(roster(), key=KEY, columns={"age": "round"})
    with pytest.raises(ValueError, match="'band' needs numbers"):
        ba.deidentify(roster(), key=KEY, columns={"gender": "band"})


def test_a_logs_roster_gets_the_same_policies():
    log, ros = ba.synth.cohort(n_clients=6, weeks=1, seed=3)
    log = log.copy()
    log.attrs["roster"] = ros
    with warnings.catch_warnings():
        warnings.simplefilter("error", PrivacyWarning)
        safe = ba.deidentify(log, key=KEY, columns={"gender": "keep", "age": "band:20"})
    shared = safe.attrs["roster"]
    assert shared["age"].astype(str).str.fullmatch(r"\d+-\d+|90\+").all()
    assert shared["site"].str.startswith("site-").all()
    assert set(shared["client"]) == set(safe["client"])
    report = safe.attrs["deidentified"]["columns"].set_index("column")["action"]
    assert report[["client", "start", "end", "note", "source", "activity"]].tolist() == [
        "pseudonymised", "shifted", "shifted", "emptied", "replaced", "kept"]
    roster_report = safe.attrs["deidentified"]["roster_columns"].set_index("column")["action"]
    assert roster_report[["age", "gender", "site"]].tolist() == ["banded", "kept", "pseudonymised"]
    assert shared.attrs["deidentified"]["columns"].equals(safe.attrs["deidentified"]["roster_columns"])
    with pytest.warns(PrivacyWarning, match="in the roster: .*gender") as record:
        ba.deidentify(log, key=KEY)
    assert record[0].filename == __file__  # the warning points at the caller's line
    # the report never holds the key
    assert KEY not in repr(safe.attrs) and KEY not in repr(shared.attrs)
