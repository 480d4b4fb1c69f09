"""Experience-sampling study exports as researchers get them (issue 19, item 2).

Every file here is made by code in the layout seen in public ESM studies: one row per
answered prompt, a participant column called ``ID`` (or ``participant``, ``ppn`` ...),
a ``time`` column of full time stamps, items worded as questions ("What are you doing
right now?"), missing-value codes (-99), multi-select answers (``A | B``) and reversed
items. Each test checks the tidy log against what the generating code knows.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from bactivate.errors import LogError
from bactivate.io.headers import extra_for, field_for
from bactivate.io.read import read_log
from bactivate.options import parse_scale, read_options_file, reading_options

ACTIVITIES = ["Work", "Eating", "Resting", "Talking"]


def _study(n_people=12, prompts=15, seed=0, id_header="ID", time_header="time", mood_header=None,
           missing=None, multi=None):
    """A generated ESM long export: one row per answered prompt, *prompts* per person."""
    rng = np.random.default_rng(seed)
    people = np.repeat(np.arange(101, 101 + n_people), prompts)
    k = np.tile(np.arange(prompts), n_people)
    start = (pd.Timestamp("2026-04-06 09:00") + pd.to_timedelta(k // 5, unit="D")
             + pd.to_timedelta((k % 5) * 3, unit="h") + pd.to_timedelta(rng.integers(0, 50, len(k)), unit="m"))
    mood = rng.integers(0, 101, len(k)).astype(float)
    act = rng.choice(ACTIVITIES, len(k))
    frame = pd.DataFrame({id_header: people, time_header: start.strftime("%Y-%m-%d %H:%M:%S"),
                          "What are you doing right now?": act,
                          mood_header or "How do you feel right now? (0-100)": mood,
                          "Who are you with?": rng.choice(["alone", "partner", "friends"], len(k)),
                          "Where are you?": rng.choice(["home", "work"], len(k))})
    return frame, start, mood


def _read(path, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read_log(path, **kw)


@pytest.mark.parametrize("header", ["ID", "participant", "participant_id", "subject", "pid", "ppn",
                                    "Subject ID", "respondent"])
def test_participant_column_is_the_client_one_client_per_person(tmp_path, header):
    frame, start, mood = _study(id_header=header)
    path = tmp_path / "esm.csv"
    frame.to_csv(path, index=False)
    log = _read(path)
    assert log["client"].nunique() == 12  # 12 people, never one client
    # each person's entries: as many as prompts, numbered 1.. within the person
    assert log.groupby("client")["entry"].max().tolist() == [15] * 12
    got = log.sort_values(["client", "start"])
    want = frame.assign(start=start).sort_values([header, "start"])
    assert got["client"].tolist() == want[header].astype(str).tolist()
    assert (got["start"].to_numpy() == want["start"].to_numpy()).all()


def test_an_id_column_of_row_numbers_is_not_the_client(tmp_path):
    frame = pd.DataFrame({"ID": range(1, 11), "Date": "2026-03-02", "Time": [f"{h}:00" for h in range(8, 18)],
                          "Activity": "Walk", "Mood": [3, 5, 8, 2, 6, 7, 9, 1, 4, 5]})
    path = tmp_path / "sam.csv"
    frame.to_csv(path, index=False)
    log = _read(path)
    assert log["client"].unique().tolist() == ["sam"]  # the file's client; ID was a row id
    assert log["ID"].tolist() == list(range(1, 11))
    assert any("'ID' holds a different value on every row" in n for n in log.attrs["notes"])


@pytest.mark.parametrize("header", ["time", "timestamp", "datetime", "date_time", "start", "sent",
                                    "completed"])
def test_a_time_column_of_full_stamps_is_date_and_time(tmp_path, header):
    frame, start, _ = _study(time_header=header, n_people=3)
    path = tmp_path / "esm.csv"
    frame.to_csv(path, index=False)
    log = _read(path)
    assert len(log) == len(frame)
    got = log.sort_values(["client", "start"])["start"].to_numpy()
    want = frame.assign(s=start).sort_values(["ID", "s"])["s"].to_numpy()
    assert (got == want).all()
    assert log.attrs["rejected"].empty


def test_a_time_column_of_stamps_with_some_bare_times_keeps_the_stamps(tmp_path):
    # fewer than 8 in 10 cells are stamps: read in when.py, the bare times listed, never "add a Date column"
    path = tmp_path / "esm.csv"
    path.write_text("participant,time,activity,mood (0-10)\n1,2026-03-02 08:15,Walk,7\n1,09:30,Read,6\n"
                    "2,2026-03-02 10:00,Work,5\n2,11:00,Rest,4\n")
    log = _read(path)
    assert log["start"].dropna().tolist() == [pd.Timestamp("2026-03-02 08:15"), pd.Timestamp("2026-03-02 10:00")]
    rej = log.attrs["rejected"]
    assert set(rej["row"]) == {3, 5} and rej["reason"].str.contains("no date").all()


def test_na_values_blank_the_cell_only_and_are_counted(tmp_path):
    frame, _, mood = _study()
    rng = np.random.default_rng(5)
    miss = rng.random(len(frame)) < 0.2
    frame.loc[miss, "How do you feel right now? (0-100)"] = -99
    frame.loc[3, "What are you doing right now?"] = "."
    path = tmp_path / "esm.csv"
    frame.to_csv(path, index=False)
    log = _read(path, na_values=[-99, "."])
    assert len(log) == len(frame)  # no row lost
    got = log.sort_values(["client", "start"])["mood"].to_numpy()
    want = np.where(miss, np.nan, mood / 10)[np.lexsort((frame["time"], frame["ID"]))]
    np.testing.assert_allclose(got, want, equal_nan=True)
    assert f"-99 read as missing in {int(miss.sum())} cells (na_values=)" in log.attrs["notes"]
    assert "'.' read as missing in 1 cell (na_values=)" in log.attrs["notes"]
    assert log["activity"].isna().sum() == 1
    assert log.attrs["rejected"].empty  # -99 is no out-of-scale cell once declared missing


def test_without_na_values_the_code_is_a_problem_cell(tmp_path):
    frame, _, _ = _study(n_people=2)
    frame.loc[0, "How do you feel right now? (0-100)"] = -99
    path = tmp_path / "esm.csv"
    frame.to_csv(path, index=False)
    log = _read(path)
    assert len(log) == len(frame)
    assert (log.attrs["rejected"]["value"].astype(str).str.startswith("-99")).sum() == 1


def test_na_values_check():
    with pytest.raises(ValueError, match="not a missing-value code"):
        read_log(pd.DataFrame({"a": [1]}), na_values=[None])


@pytest.mark.parametrize(("scale", "best"), [((10, 0), 0), ((7, 1), 1)])
def test_reversed_scale_maps_so_that_10_is_best(scale, best):
    hi_worse = pd.DataFrame({"participant": [1] * 4, "time": pd.date_range("2026-03-02 09:00", periods=4, freq="3h"),
                             "activity": "Walk", "I feel down": [scale[0], best, scale[0], best]})
    log = _read(hi_worse, columns={"I feel down": "mood"}, scales={"mood": scale})
    assert log["mood"].tolist() == [0.0, 10.0, 0.0, 10.0]
    assert log.attrs["scales"]["mood"] == tuple(float(x) for x in scale)
    assert any("reversed" in n and "10 = best" in n for n in log.attrs["notes"])


def test_reversed_scale_middle_and_off_scale_cells():
    frame = pd.DataFrame({"participant": [1] * 3, "time": pd.date_range("2026-03-02", periods=3, freq="h"),
                          "activity": "Walk", "mood": [4, 12, 1]})
    log = _read(frame, scales={"mood": (7, 1)})
    assert log["mood"].iloc[0] == pytest.approx(5.0)
    assert np.isnan(log["mood"].iloc[1]) and log["mood"].iloc[2] == 10.0
    assert log.attrs["rejected"]["value"].astype(str).tolist() == ["12"]


def test_reversed_scale_in_shell_and_toml_forms(tmp_path):
    assert parse_scale("mood=10-0") == ("mood", [10, 0])
    toml = tmp_path / "o.toml"
    toml.write_text('na = [-99, "NA"]\n[scales]\nmood = [7, 1]\n')
    opts = read_options_file(toml)
    assert opts["scales"] == {"mood": [7, 1]} and opts["na_values"] == [-99, "NA"]
    both = reading_options(options=str(toml), na=["999"])
    assert both["na_values"] == [-99, "NA", 999]


def test_multi_select_is_one_row_per_activity_sharing_the_entry(tmp_path):
    frame, _, mood = _study(n_people=3)
    rng = np.random.default_rng(3)
    picks = [list(rng.choice(ACTIVITIES, rng.integers(1, 4), replace=False)) for _ in range(len(frame))]
    sep = rng.choice([" | ", "; ", ","], len(frame))
    frame["What are you doing right now?"] = [s.join(p) for s, p in zip(sep, picks, strict=True)]
    path = tmp_path / "esm.csv"
    frame.to_csv(path, index=False)
    log = _read(path)
    assert len(log) == sum(map(len, picks))
    # each prompt is one entry: its activities share time and mood
    per_entry = log.groupby(["client", "entry"]).agg(n=("activity", "size"), t=("start", "nunique"),
                                                       m=("mood", "nunique"), acts=("activity", frozenset))
    assert (per_entry["t"] == 1).all() and (per_entry["m"] <= 1).all()
    order = np.lexsort((frame["time"], frame["ID"]))
    assert per_entry["acts"].tolist() == [frozenset(picks[i]) for i in order]
    assert any("several activities" in n for n in log.attrs["notes"])


def test_commas_split_only_known_options():
    frame = pd.DataFrame({"pid": [1] * 4, "time": pd.date_range("2026-03-02", periods=4, freq="h"),
                          "Current activity": ["Work", "Rest", "Work,Rest", "Tea, biscuits and a chat"],
                          "mood": [7, 3, 8, 9]})
    log = _read(frame)
    assert log["activity"].tolist() == ["Work", "Rest", "Work", "Rest", "Tea, biscuits and a chat"]
    assert log["entry"].tolist() == [1, 2, 3, 3, 4]


@pytest.mark.parametrize(("header", "field"), [
    ("What are you doing now?", "activity"), ("What are you doing right now?", "activity"),
    ("What were you doing?", "activity"), ("Current activity", "activity"),
    ("How do you feel right now?", "mood"), ("Mood right now", "mood"), ("I feel good", "mood"),
    ("How do you feel right now? (0-100)", "mood"), ("What are you doing? (select all that apply)", "activity"),
])
def test_item_wordings(header, field):
    assert field_for(header) == field


def test_company_and_place_are_named_extras(tmp_path):
    frame, _, _ = _study(n_people=2)
    path = tmp_path / "esm.csv"
    frame.to_csv(path, index=False)
    log = _read(path)
    assert extra_for("Who are you with?") == "company" and extra_for("Where are you?") == "place"
    got = log.sort_values(["client", "start"])
    want = frame.iloc[np.lexsort((frame["time"], frame["ID"]))]
    assert got["company"].tolist() == want["Who are you with?"].tolist()
    assert got["place"].tolist() == want["Where are you?"].tolist()
    assert list(log.columns[-2:]) == ["company", "place"]


def test_time_header_of_times_without_date_still_asks_for_a_date(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("time,activity,mood\n08:00,Walk,7\n09:00,Read,8\n")
    with pytest.raises(LogError, match="add a Date column"):
        read_log(path)


def test_validate_command_takes_na_and_a_reversed_scale(tmp_path, capsys):
    from bactivate.cli import main

    path = tmp_path / "v.csv"
    path.write_text("participant,time,activity,mood\n1,2026-03-02 08:15,Walk,10\n1,2026-03-02 09:30,Read,-99\n"
                    "2,2026-03-02 10:00,Work | Rest,0\n")
    code = main(["validate", str(path), "--na", "-99", "--na", "NA", "--scale", "mood=10-0"])
    out = capsys.readouterr().out
    assert code == 0
    assert "-99 read as missing in 1 cell (na_values=)" in out and "read on a 10-0 scale" in out
    assert "2 rows sharing their entry" in out
