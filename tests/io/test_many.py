"""read_cohort's fast path (bactivate.io.many): files of one CSV layout read as one table.

Every test reads the same files twice, through the fast path and one by one (the fast
path switched off), and requires the same cohort: rows, dtypes, set-aside rows with their
file and line, the per-file table and the scales.
"""

import warnings

import pandas as pd
import pytest

import bactivate as ba
from bactivate.errors import LogError
from bactivate.io import cohort as io_cohort
from bactivate.io import many as folder

HEAD = "date,time,activity,category,mastery,pleasure,mood,planned,done,avoidance,note\n"


def both(monkeypatch, src, **kw):
    """(fast, one by one) read_cohort of *src*; the first must have taken the fast path."""
    calls = []
    real = folder.read_many

    def spy(*a, **k):
        got = real(*a, **k)
        calls.append(got is not None)
        return got

    monkeypatch.setattr(io_cohort, "read_many", spy)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fast = ba.read_cohort(src, **kw)
        monkeypatch.setattr(io_cohort, "read_many", lambda *a, **k: None)
        slow = ba.read_cohort(src, **kw)
    return fast, slow, calls[0]


def same(fast, slow):
    pd.testing.assert_frame_equal(fast, slow)
    for key in ("rejected", "files"):
        pd.testing.assert_frame_equal(pd.DataFrame(fast.attrs[key]), pd.DataFrame(slow.attrs[key]))
    assert fast.attrs["scales"] == slow.attrs["scales"]


def write(folder_path, name, rows, head=HEAD):
    folder_path.mkdir(exist_ok=True)
    (folder_path / name).write_text(head + "".join(r + "\n" for r in rows), encoding="utf-8")


def test_sample_cohort_folder_is_read_fast_and_the_same(monkeypatch):
    fast, slow, took = both(monkeypatch, "data/sample/cohort", roster="data/sample/cohort/roster.csv")
    assert took
    same(fast, slow)
    assert fast["client"].nunique() == 40


def test_messy_cells_are_set_aside_with_their_own_file_and_line(tmp_path, monkeypatch):
    d = tmp_path / "logs"
    write(d, "A.csv", ["2026-03-02,09:00,Walk,Health,7,8,6,yes,yes,no,",
                       ",10:00,Read,Leisure,3,7/10,6,no,,no,fine",      # date carried down
                       "2026-03-03,11:00,Scroll,Leisure,1,2,11,no,,yes,"])  # mood out of range
    write(d, "B.csv", ["2026-03-02,09:00,Walk,Health,seven,8,6,yes,no,no,",  # a number word
                       "2026-03-02,9.5pm,Cook,Self-care,x,5,5,no,,no,",       # bad time and rating
                       "Total,,,,,,,,,,",                                     # a totals row
                       "2026-03-04,08:00,Call mum,Relationships,5,6,7,maybe,,no,"])  # bad flag
    fast, slow, took = both(monkeypatch, d, scales={"mood": (0, 10), "mastery": (0, 10), "pleasure": (0, 10)})
    assert took
    same(fast, slow)
    rej = fast.attrs["rejected"]
    assert set(rej["file"]) == {"A.csv", "B.csv"}
    assert ("A.csv", 4) in set(zip(rej["file"], rej["row"], strict=True))
    files = fast.attrs["files"].set_index("file")
    assert files.loc["B.csv", "not_log_rows"] == 1
    assert fast.loc[fast["client"] == "A", "start"].dt.date.astype(str).tolist().count("2026-03-02") == 2


def test_files_on_different_scales_fall_back_and_match(tmp_path, monkeypatch):
    d = tmp_path / "logs"
    write(d, "A.csv", [f"2026-03-0{i},09:00,Walk,Health,{i},{i + 2},{i + 3},no,,no," for i in range(1, 8)])
    write(d, "B.csv", [f"2026-03-0{i},09:00,Walk,Health,{i * 10},{i * 12},{i * 11},no,,no,"
                       for i in range(1, 8)])  # 0-100
    fast, slow, took = both(monkeypatch, d)
    assert not took  # each file's own scale: read one by one
    same(fast, slow)


def test_a_client_in_two_files_gets_the_same_error(tmp_path, monkeypatch):
    d = tmp_path / "logs"
    head = "client," + HEAD
    write(d, "A.csv", ["C1,2026-03-02,09:00,Walk,Health,7,8,6,no,,no,"], head)
    write(d, "B.csv", ["C1,2026-03-03,09:00,Walk,Health,7,8,6,no,,no,"], head)
    sc = {"mood": (0, 10), "mastery": (0, 10), "pleasure": (0, 10)}
    with pytest.raises(LogError, match="more than one file"):
        ba.read_cohort(d, scales=sc)
    fast, slow, took = both(monkeypatch, d, duplicate_clients="combine", scales=sc)
    assert not took
    same(fast, slow)


def test_other_headers_or_dmy_dates_fall_back(tmp_path, monkeypatch):
    d = tmp_path / "logs"
    write(d, "A.csv", ["2026-03-02,09:00,Walk,Health,7,8,6,no,,no,"])
    write(d, "B.csv", ["2026-03-02,09:00,Walk,Health,7,8,6,no,,no"], head=HEAD.replace(",note", ""))
    fast, slow, took = both(monkeypatch, d, scales={"mood": (0, 10), "mastery": (0, 10), "pleasure": (0, 10)})
    assert not took
    same(fast, slow)
    e = tmp_path / "dmy"
    write(e, "A.csv", [f"{day:02d}/03/2026,09:00,Walk,Health,7,8,6,no,,no," for day in range(10, 16)])
    write(e, "B.csv", [f"03/{day:02d}/2026,09:00,Walk,Health,7,8,6,no,,no," for day in range(14, 18)])
    fast, slow, took = both(monkeypatch, e, scales={"mood": (0, 10), "mastery": (0, 10), "pleasure": (0, 10)})
    assert not took  # day/month order is settled file by file
    same(fast, slow)


def test_synth_cohort_folder_matches(tmp_path, monkeypatch):
    cohort, _roster = ba.synth.cohort(n_clients=12, weeks=3, seed=4)
    d = tmp_path / "synth"
    d.mkdir()
    for client, g in cohort.groupby("client"):
        out = g.assign(date=g["start"].dt.strftime("%Y-%m-%d"), time=g["start"].dt.strftime("%H:%M"))
        out[["date", "time", "activity", "category", "mastery", "pleasure", "mood", "planned",
             "done", "avoidance"]].to_csv(d / f"{client}.csv", index=False)
    fast, slow, took = both(monkeypatch, d)
    assert took
    same(fast, slow)
    assert len(fast) == len(cohort)
