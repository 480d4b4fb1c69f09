"""m-Path's raw export (format="mpath"): every sent prompt accounted for, items read as fields.

The sample ``data/sample/formats/mpath-export.csv`` is made by ``make_formats.py`` with the
layout of the m-Path example export in the ``mpathr`` R package (tests/data/README.md); the
expected numbers are computed here from the raw file with plain pandas.
"""

from __future__ import annotations

import importlib.util
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import bactivate as ba
from bactivate.errors import LogError
from bactivate.io.formats import FORMATS, mpath

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "data" / "sample" / "formats" / "mpath-export.csv"


def raw_export(path=SAMPLE) -> pd.DataFrame:
    """The export as plain pandas reads it, with each line's number in the file."""
    raw = pd.read_csv(path, sep=";", dtype=str, encoding="utf-8-sig", keep_default_na=False,
                      na_values=[""])
    return raw.assign(line=np.arange(len(raw)) + 2)


def quiet_read(path=SAMPLE, **kw) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ba.read_log(path, **kw)


@pytest.fixture(scope="module")
def raw():
    return raw_export()


@pytest.fixture(scope="module")
def log():
    return quiet_read()


def line_numbers(source: pd.Series) -> pd.Series:
    return source.str.rsplit(":", n=1).str[-1].astype(int)


def test_mpath_is_a_format_and_detected(log):
    assert "mpath" in FORMATS
    assert log.attrs["format"] == "mpath"
    assert "chosen automatically" in log.attrs["notes"][0]


def test_every_line_is_an_entry_or_rejected_never_both(log, raw):
    kept = set(line_numbers(log["source"]))
    rejected = log.attrs["rejected"]
    set_aside = set(rejected["row"].astype(int))
    assert kept.isdisjoint(set_aside)
    assert kept | set_aside == set(raw["line"])
    answered = raw["timeStampStart"].notna()
    prompt = raw["scheduledBeepId"] != "-1"
    assert kept == set(raw.loc[answered & prompt, "line"])
    unanswered = rejected[rejected["reason"] == mpath.NOT_ANSWERED]
    assert set(unanswered["row"].astype(int)) == set(raw.loc[~answered & prompt, "line"])
    assert (unanswered["kind"] == "not an entry").all()
    # the intake questionnaire (no prompt, no mood or activity) is not an entry either
    intake = set(raw.loc[~prompt, "line"])
    assert intake <= set_aside
    assert (rejected.loc[rejected["row"].isin(intake), "kind"] == "not an entry").all()


def test_prompts_per_participant_equal_plain_pandas(log, raw):
    prompts = log.attrs["prompts"]
    assert list(prompts.columns) == list(mpath.PROMPT_COLUMNS)
    sent = raw[raw["scheduledBeepId"] != "-1"]
    day = pd.to_datetime(sent["timeStampSent"].astype(int), unit="s").dt.normalize()
    want = pd.DataFrame({
        "client": sent["connectionId"],
        "answered": sent["timeStampStart"].notna(),
        "day": day,
    }).groupby("client").agg(sent=("answered", "size"), answered=("answered", "sum"),
                             days=("day", "nunique"), first_day=("day", "min"),
                             last_day=("day", "max")).reset_index()
    got = prompts.set_index("client").loc[want["client"]].reset_index()
    pd.testing.assert_frame_equal(got[want.columns.tolist()], want, check_dtype=False)
    assert prompts["sent"].sum() == len(sent) == 8 * 7 * 6
    assert prompts["answered"].sum() == sent["timeStampStart"].notna().sum()


def test_one_client_per_participant(log, raw):
    answered = raw[raw["timeStampStart"].notna() & (raw["scheduledBeepId"] != "-1")]
    assert sorted(log["client"].unique()) == sorted(answered["connectionId"].unique())
    per_client = log.drop_duplicates(["client", "entry"]).groupby("client").size()
    assert per_client.to_dict() == answered.groupby("connectionId").size().to_dict()


def test_multi_select_answers_one_row_per_activity_sharing_the_entry(log, raw):
    lines = line_numbers(log["source"])
    answers = raw.set_index("line")["context_activity_multipleChoice_string"]
    want = answers.loc[lines.unique()].str.strip('"').str.split('","')
    assert log.groupby(lines.to_numpy()).size().to_dict() == want.str.len().to_dict()
    assert (want.str.len() > 1).sum() > 20  # the sample has many multi-select answers
    got = log.groupby(lines.to_numpy())["activity"].agg(list)
    assert got.to_dict() == want.to_dict()
    # the rows of one line share the entry id, the time and the ratings
    shared = log.groupby(lines.to_numpy())[["entry", "start", "mood", "pleasure"]].nunique(dropna=False)
    assert (shared == 1).all().all()


def test_sliders_0_100_mapped_onto_0_10_and_times_are_local_clock(log, raw):
    assert log.attrs["scales"]["mood"] == (0.0, 100.0)
    assert log.attrs["scales"]["pleasure"] == (0.0, 100.0)
    by_line = raw.set_index("line")
    lines = line_numbers(log["source"])
    happy = by_line.loc[lines, "slider_happy_sliderNeutralPos"].astype(float).to_numpy()
    np.testing.assert_allclose(log["mood"].to_numpy(), happy / 10, rtol=0, atol=1e-12)
    enjoy = by_line.loc[lines, "enjoy_activity_sliderNegPos"].astype(float).to_numpy()
    np.testing.assert_allclose(log["pleasure"].to_numpy(), enjoy / 10, rtol=0, atol=1e-12)
    start = pd.to_datetime(by_line.loc[lines, "timeStampStart"].astype(int), unit="s")
    assert (log["start"].to_numpy() == start.to_numpy()).all()
    sent = pd.to_datetime(by_line.loc[lines, "timeStampSent"].astype(int), unit="s")
    assert (log["sent"].to_numpy() == sent.to_numpy()).all()
    assert (log["start"] >= log["sent"]).all()


def test_other_items_kept_by_item_name_and_identifiers_not(log):
    assert {"slider_sad", "context_company", "questionnaire", "alias"} <= set(log.columns)
    assert log["context_company"].isin(
        ["Alone", "With one person I know", "With multiple people I know", "With strangers"]).all()
    for gone in ("legacyCode", "code", "initials", "accountCode", "age", "consent_yesno",
                 "context_activity_multipleChoice"):
        assert gone not in log.columns


def test_iso_time_stamps_read_as_unix_ones(tmp_path, raw, log):
    iso = raw.drop(columns="line").copy()
    for c in ("timeStampScheduled", "timeStampSent", "timeStampStart", "timeStampStop"):
        t = pd.to_datetime(pd.to_numeric(iso[c]), unit="s")
        iso[c] = t.dt.strftime("%Y-%m-%dT%H:%M:%S").where(t.notna() & (pd.to_numeric(iso[c]) > 0), iso[c])
    path = tmp_path / "iso.csv"
    iso.to_csv(path, sep=";", index=False)
    got = quiet_read(path, format="mpath")
    assert got["start"].tolist() == log["start"].tolist()
    pd.testing.assert_frame_equal(got.attrs["prompts"], log.attrs["prompts"])


def test_columns_chooses_another_item_as_mood(raw):
    got = quiet_read(columns={"slider_sad": "mood"})
    by_line = raw.set_index("line")
    sad = by_line.loc[line_numbers(got["source"]), "slider_sad_sliderNegPos"].astype(float).to_numpy()
    np.testing.assert_allclose(got["mood"].to_numpy(), sad / 10, atol=1e-12)
    assert "slider_happy" in got.columns  # the happiness slider is now an extra column


def test_client_option_gives_one_client_and_one_prompt_row():
    got = quiet_read(client="study")
    assert got["client"].unique().tolist() == ["study"]
    assert got.attrs["prompts"]["client"].tolist() == ["study"]
    assert got.attrs["prompts"]["sent"].item() == 8 * 7 * 6


def test_read_cohort_keeps_one_client_per_participant_and_the_prompts(log):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cohort = ba.read_cohort(SAMPLE)
    assert cohort["client"].nunique() == 8
    pd.testing.assert_frame_equal(pd.DataFrame(cohort.attrs["prompts"]),
                                  pd.DataFrame(log.attrs["prompts"]))
    assert cohort.attrs["files"]["not_log_rows"].item() == len(log.attrs["rejected"])


def test_participant_who_never_answered_is_still_counted(tmp_path, raw):
    quiet = raw.drop(columns="line").copy()
    who = quiet["connectionId"].iloc[-1]
    mine = (quiet["connectionId"] == who) & (quiet["scheduledBeepId"] != "-1")
    answer_cols = [c for c in quiet.columns if c.endswith(("Pos", "_index", "_string", "_likert", "_basic"))]
    quiet.loc[mine, ["timeStampStart", "timeStampStop", *answer_cols]] = np.nan
    path = tmp_path / "never.csv"
    quiet.to_csv(path, sep=";", index=False)
    got = quiet_read(path)
    assert who not in set(got["client"])
    row = got.attrs["prompts"].set_index("client").loc[who]
    assert (row["sent"], row["answered"]) == (42, 0)


def test_a_line_on_twice_is_one_prompt_two_entries(tmp_path, raw, log):
    twice = raw.drop(columns="line")
    answered = twice.index[twice["timeStampStart"].notna() & (twice["scheduledBeepId"] != "-1")][0]
    twice = pd.concat([twice.iloc[:answered + 1], twice.iloc[[answered]], twice.iloc[answered + 1:]])
    path = tmp_path / "twice.csv"
    twice.to_csv(path, sep=";", index=False)
    got = quiet_read(path)
    assert got.drop_duplicates(["client", "entry"]).shape[0] == log.drop_duplicates(
        ["client", "entry"]).shape[0] + 1
    pd.testing.assert_frame_equal(got.attrs["prompts"], log.attrs["prompts"])
    assert any("on more than one line" in n for n in got.attrs["notes"])


def test_no_participant_column_is_an_error(tmp_path, raw):
    path = tmp_path / "anon.csv"
    raw.drop(columns=["line", "connectionId"]).to_csv(path, sep=";", index=False)
    with pytest.raises(LogError, match="connectionId"):
        quiet_read(path, format="mpath")


def test_answer_text_unquotes_lists_and_json_escapes():
    got = mpath.answer_text(pd.Series(['"Work"', '"A","B","C"', '"\\/"', None, '"Friend\'s place "']))
    assert got.tolist()[:3] == ["Work", "A | B | C", "/"]
    assert pd.isna(got.iloc[3])
    assert got.iloc[4] == "Friend's place"


def test_sample_is_what_make_formats_writes(tmp_path):
    spec = importlib.util.spec_from_file_location("make_formats", SAMPLE.parent / "make_formats.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.write_mpath(tmp_path / "m.csv")
    assert (tmp_path / "m.csv").read_bytes() == SAMPLE.read_bytes()


def test_alias_as_the_client_with_columns(log, raw):
    got = quiet_read(columns={"alias": "client"})
    alias_of = raw.drop_duplicates("connectionId").set_index("connectionId")["alias"]
    assert got["client"].tolist() == log["client"].map(alias_of).tolist()
    assert got.attrs["prompts"]["client"].tolist() == sorted(alias_of)
    assert got.attrs["prompts"]["sent"].tolist() == log.attrs["prompts"]["sent"].tolist()


def test_a_reversed_slider_is_declared_with_scales(log):
    got = quiet_read(scales={"mood": (100, 0)})
    np.testing.assert_allclose(got["mood"].to_numpy(), 10 - log["mood"].to_numpy(), atol=1e-9)


def test_a_reminder_counts_with_its_prompt(tmp_path, raw, log):
    lines = raw.drop(columns="line").reset_index(drop=True)
    unanswered = lines.index[lines["timeStampStart"].isna() & (lines["scheduledBeepId"] != "-1")]
    answered = lines.index[lines["timeStampStart"].notna() & (lines["scheduledBeepId"] != "-1")]
    first, second = unanswered[0], unanswered[1]
    # a reminder of the first unanswered prompt, answered (its answers copied from an answered line),
    # and a reminder of the second, not answered either
    late = lines.loc[answered[0]].copy()
    late[["connectionId", "scheduledBeepId"]] = lines.loc[first, ["connectionId", "scheduledBeepId"]]
    late["sentBeepId"], late["reminderForOriginalSentBeepId"] = "99000001", lines.loc[first, "sentBeepId"]
    again = lines.loc[second].copy()
    again["sentBeepId"], again["reminderForOriginalSentBeepId"] = "99000002", lines.loc[second, "sentBeepId"]
    path = tmp_path / "reminders.csv"
    pd.concat([lines, late.to_frame().T, again.to_frame().T]).to_csv(path, sep=";", index=False)
    got = quiet_read(path)
    before = log.attrs["prompts"].set_index("client")
    after = got.attrs["prompts"].set_index("client")
    assert (after["sent"] == before["sent"]).all()  # a reminder is no new prompt
    who = lines.loc[first, "connectionId"]
    assert after.loc[who, "answered"] == before.loc[who, "answered"] + 1
    assert after["answered"].drop(who).equals(before["answered"].drop(who))
    reasons = got.attrs["rejected"].set_index("row")["reason"]
    n = len(lines) + 1  # the last line number of the original lines
    assert reasons[first + 2] == "prompt answered after a reminder (the reminder's line is the entry)"
    assert reasons[second + 2] == mpath.NOT_ANSWERED
    assert reasons[n + 2].startswith("reminder of a prompt, not answered")
    assert line_numbers(got["source"]).max() == n + 1  # the answered reminder is an entry
