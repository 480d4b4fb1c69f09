"""read_cohort (bactivate.io.cohort): row accounting against per-file reads, the one warning, rosters
joined both ways, duplicate clients, one long file, lists of files, the progress bar.

Numbers are checked against the sample cohort and against reads written out here.
"""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import bactivate as ba
from bactivate.schema import TIDY_COLUMNS, AttrsFrame

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample" / "cohort"
ROSTER = SAMPLE / "roster.csv"
HEADER = "date,time,activity,category,mastery (0-10),pleasure (0-10),mood (0-10),planned,done,avoidance,note\n"


def read(*args, **kw):
    """read_cohort recording the LogWarnings it emits."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = ba.read_cohort(*args, **kw)
    return out, [w for w in caught if issubclass(w.category, ba.LogWarning)]


@pytest.fixture(scope="module")
def sample():
    cohort, caught = read(SAMPLE, roster=ROSTER)
    return cohort, caught


def _copy_sample(tmp_path, names):
    for n in names:
        shutil.copy(SAMPLE / n, tmp_path / n)
    return tmp_path


def _bad_file(folder, name, bad_mood):
    rows = [
        "2026-03-02,09:00,Walk,Health,6,7,5,no,,no,",
        f"2026-03-02,12:00,Lunch,Self-care,3,6,{bad_mood},no,,no,",
        "2026-03-03,09:00,Walk,Health,6,7,6,no,,no,",
        "2026-03-04,09:00,Call a friend,Relationships,5,8,9,no,,no,",
    ]
    (folder / name).write_text(HEADER + "\n".join(rows) + "\n")


# =========================================================================== read_cohort


def test_sample_folder_reads_40_clients_with_arms(sample):
    cohort, caught = sample
    assert not caught, [str(w.message) for w in caught]  # roster.csv is the roster, not a skipped log
    assert list(cohort.columns[: len(TIDY_COLUMNS)]) == list(TIDY_COLUMNS)
    assert cohort["client"].nunique() == 40
    assert sorted(cohort["client"].unique()) == [f"C{i:03d}" for i in range(1, 41)]
    roster = cohort.attrs["roster"]
    assert isinstance(roster, AttrsFrame)
    assert isinstance(cohort.attrs["rejected"], AttrsFrame)
    assert roster["client"].dtype == "str"
    summary = ba.client_summary(cohort)
    assert len(summary) == 40
    expected = pd.read_csv(ROSTER, dtype={"client": str}).set_index("client")["arm"]
    assert summary.set_index("client")["arm"].to_dict() == expected.to_dict()
    assert summary["arm"].value_counts().to_dict() == {"BA": 20, "control": 20}
    assert {"age", "baseline_phq9", "site", "gender"} <= set(summary.columns)


def test_accounting_equals_the_sum_of_per_file_reads(sample):
    cohort, _ = sample
    logs = [ba.read_log(f, errors="ignore") for f in sorted(SAMPLE.glob("C*.csv"))]
    assert len(cohort) == sum(len(x) for x in logs)
    assert len(cohort.attrs["rejected"]) == sum(len(x.attrs["rejected"]) for x in logs)
    per_file = pd.concat([ba.accounting(x) for x in logs], ignore_index=True)
    whole = ba.accounting(cohort)
    cols = ["rows_read", "kept", "set_aside", "not_log_rows"]
    assert whole[cols].sum().to_dict() == per_file[cols].sum().to_dict()
    files = cohort.attrs["files"]
    assert files["kept"].tolist() == [len(x) for x in logs]
    assert (files["rows_read"] == files["kept"] + files["set_aside"] + files["not_log_rows"]).all()
    # each client's rows are exactly its file's rows
    for x in logs:
        c = x["client"].iloc[0]
        mine = ba.schema.conform(cohort[cohort["client"] == c]).reset_index(drop=True)  # its own names
        pd.testing.assert_frame_equal(mine, x.reset_index(drop=True), check_dtype=True)


def test_folder_without_roster_skips_the_roster_file_and_says_so():
    cohort, caught = read(SAMPLE)
    assert cohort["client"].nunique() == 40
    assert cohort.attrs["roster"] is None
    assert len(caught) == 1
    assert "roster.csv" in str(caught[0].message)
    assert any("roster.csv" in n for n in cohort.attrs["notes"])


def test_roster_mismatch_both_ways_is_reported_not_dropped(tmp_path):
    folder = _copy_sample(tmp_path, ["C001.csv", "C002.csv", "C003.csv"])
    roster = pd.read_csv(ROSTER, dtype={"client": str})
    roster = roster[roster["client"].isin(["C001", "C002"])]  # C003 has a log but no roster row
    roster = pd.concat([roster, pd.DataFrame({"client": ["C099"], "arm": ["BA"], "age": [40],
                                              "gender": ["male"], "baseline_phq9": [12],
                                              "site": ["Site A"]})])
    (tmp_path / "README.md").write_text("not a log")
    cohort, caught = read(folder, roster=roster)
    assert len(caught) == 1  # one warning for the cohort
    msg = str(caught[0].message)
    assert "C003" in msg and "C099" in msg
    notes = " ".join(cohort.attrs["notes"])
    assert "C003" in notes and "C099" in notes
    assert "README.md" in notes  # skipped, and said so
    summary = ba.client_summary(cohort)
    s = summary.set_index("client")
    assert set(s.index) == {"C001", "C002", "C003", "C099"}
    assert pd.isna(s.loc["C003", "arm"]) and s.loc["C003", "entries"] > 0
    assert s.loc["C099", "arm"] == "BA" and s.loc["C099", "entries"] == 0
    assert np.isnan(s.loc["C099", "mood"])
    assert any("C099" in n for n in summary.attrs["notes"])



def test_one_warning_for_the_whole_cohort_and_raise_lists_every_file(tmp_path):
    for i in range(3):
        _bad_file(tmp_path, f"P{i}.csv", "abc")
    cohort, caught = read(tmp_path)
    assert len(caught) == 1
    msg = str(caught[0].message)
    assert "kept 12 of 12 rows from 3 files" in msg
    assert "3 cells left blank (in 3 rows kept)" in msg and "set aside 3 rows" not in msg
    rej = cohort.attrs["rejected"]
    assert rej["kind"].tolist() == ["cell", "cell", "cell"]
    assert isinstance(rej, AttrsFrame)
    assert sorted(rej["file"].unique()) == ["P0.csv", "P1.csv", "P2.csv"]
    assert len(cohort) == 12  # a bad mood cell is blanked; its row stays
    assert cohort["mood"].isna().sum() == 3
    assert cohort.attrs["files"]["set_aside"].tolist() == [0, 0, 0]
    assert cohort.attrs["files"]["with_blanked_cells"].tolist() == [1, 1, 1]
    with pytest.raises(ba.LogError) as err:
        ba.read_cohort(tmp_path, errors="raise")
    for i in range(3):
        assert f"P{i}.csv" in str(err.value)
    _, quiet = read(tmp_path, errors="ignore")
    assert not quiet


def test_two_files_with_the_same_client_is_an_error_unless_combined(tmp_path):
    a = "client," + HEADER + "Sam,2026-03-09,09:00,Walk,Health,6,7,5,no,,no,\n" \
        "Sam,2026-03-10,09:00,Walk,Health,6,7,6,no,,no,\n"
    b = "client," + HEADER + "Sam,2026-03-02,10:00,Read,Leisure,4,8,4,no,,no,\n"
    (tmp_path / "march-2.csv").write_text(a)
    (tmp_path / "march-1.csv").write_text(b)
    with pytest.raises(ba.LogError, match="more than one file") as err:
        ba.read_cohort(tmp_path)
    assert "march-1.csv" in str(err.value) and "march-2.csv" in str(err.value)
    cohort, caught = read(tmp_path, duplicate_clients="combine")
    assert not caught
    assert cohort["client"].unique().tolist() == ["Sam"]
    # entries renumbered in time order across the two files
    assert cohort["entry"].tolist() == [1, 2, 3]
    assert cohort["start"].is_monotonic_increasing
    assert any("split over files" in n for n in cohort.attrs["notes"])


def test_one_long_file_with_a_client_column(tmp_path):
    lines = ["Study ID," + HEADER.strip()]
    for c in ("A1", "B2", "C3"):
        for d in range(2, 6):
            lines.append(f"{c},2026-03-0{d},09:00,Walk,Health,5,6,{d},no,,no,")
    path = tmp_path / "trial.csv"
    path.write_text("\n".join(lines) + "\n")
    roster = pd.DataFrame({"Study ID": ["A1", "B2", "C3"], "group": ["x", "y", "x"]})
    cohort, caught = read(path, roster=roster, client_column="Study ID")
    assert not caught
    assert sorted(cohort["client"].unique()) == ["A1", "B2", "C3"]
    assert cohort.attrs["roster"].columns.tolist() == ["client", "group"]
    summary = ba.client_summary(cohort)
    assert summary["group"].tolist() == ["x", "y", "x"]
    assert (summary["entries"] == 4).all()


def test_roster_files_keep_leading_zeros_and_read_xlsx(tmp_path):
    for c in ("007", "010"):
        _bad_file(tmp_path, f"{c}.csv", "5")
    roster = pd.DataFrame({"Participant": ["007", "010"], "arm": ["BA", "control"], "phq9": [20, 14],
                           "enrolled": ["2026-03-02", "2026-03-09"]})
    roster.to_csv(tmp_path / "ids.txt", index=False)  # a .txt roster in the folder is excluded by path
    cohort, caught = read(tmp_path, roster=tmp_path / "ids.txt")
    assert not caught, [str(w.message) for w in caught]
    assert cohort.attrs["roster"]["client"].tolist() == ["007", "010"]
    assert cohort.attrs["roster"]["phq9"].dtype == "int64"
    assert cohort.attrs["roster"]["enrolled"].dtype == "datetime64[ns]"
    xlsx = tmp_path.parent / "roster.xlsx"
    roster.to_excel(xlsx, index=False)
    from_xlsx, caught = read(tmp_path, roster=xlsx)  # (ids.txt in the folder is now a skipped non-log)
    assert from_xlsx.attrs["roster"]["client"].tolist() == ["007", "010"]
    assert len(caught) == 1 and "ids.txt" in str(caught[0].message)
    roster.assign(Participant=[7, 10]).to_excel(xlsx, index=False)
    with pytest.warns(ba.LogWarning, match="not in the roster"):
        ba.read_cohort(tmp_path, roster=xlsx)  # 7 is not "007": reported, not guessed


def test_files_in_a_list_and_bad_arguments(tmp_path):
    files = sorted(SAMPLE.glob("C00[1-3].csv"))
    cohort, caught = read(files)
    assert not caught and cohort["client"].nunique() == 3
    with pytest.raises(TypeError, match="client="):
        ba.read_cohort(files, client="x")
    with pytest.raises(ValueError, match="errors"):
        ba.read_cohort(files, errors="loud")
    with pytest.raises(ba.LogError, match="no log files"):
        ba.read_cohort(tmp_path)
    (tmp_path / "roster.csv").write_text("client,arm\nA,BA\nA,control\n")
    with pytest.raises(ba.LogError, match="more than once"):
        ba.read_cohort(files, roster=tmp_path / "roster.csv")


def test_progress_bar_only_for_many_files(tmp_path, monkeypatch):
    import tqdm

    calls = []

    class Recorder(tqdm.tqdm):
        def __init__(self, *a, **kw):
            calls.append(kw)
            super().__init__(*a, **kw)

    monkeypatch.setattr(tqdm, "tqdm", Recorder)
    for i in range(21):
        _bad_file(tmp_path, f"c{i:02d}.csv", "5")
    cohort, _ = read(tmp_path)
    assert cohort["client"].nunique() == 21
    assert len(calls) == 1 and calls[0]["disable"] is None
    calls.clear()
    read(sorted(tmp_path.glob("*.csv"))[:5])
    assert not calls
