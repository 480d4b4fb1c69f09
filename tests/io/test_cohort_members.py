"""Folder members that cannot be read (bactivate.io.cohort; issue 12, "Safe by construction II").

Every member of a folder given to :func:`bactivate.read_cohort` ends in the cohort or in
``attrs["skipped"]`` (with its reason, in the notes and the one warning): one bad file costs
that file, not the cohort, unless ``errors="raise"``; the fast path (bactivate.io.many) falls
back to reading file by file. Every input is written here, in ``tmp_path``.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from conftest import read_cohort_warned, small_logs, write_small_log

import bactivate as ba

ENCRYPTED = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)  # what Excel writes for a password


class fifo:
    """A named pipe at *path*; a watchdog writes to it after a while, so that code that wrongly
    opens it ends (and fails its test) instead of hanging."""

    def __init__(self, path: Path, after: float = 20.0):
        self.path, self.after, self.done = Path(path), after, threading.Event()

    def __enter__(self) -> Path:
        os.mkfifo(self.path)
        threading.Thread(target=self._unblock, daemon=True).start()
        return self.path

    def _unblock(self):
        if self.done.wait(self.after):
            return
        while not self.done.is_set():
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:
                time.sleep(0.1)
                continue
            os.close(fd)
            return

    def __exit__(self, *exc):
        self.done.set()
        return False


def bad_folder(tmp_path: Path) -> Path:
    """Three good logs and every kind of member that is not one."""
    d = small_logs(tmp_path, "C001.csv", "C002.csv", "C003.xlsx.csv")
    (d / "C004.csv").write_bytes(b"")                               # empty
    (d / "C005.csv").write_bytes(bytes(range(256)) * 20)            # binary junk
    (d / "C006.xlsx").write_bytes(ENCRYPTED)                        # password-protected
    (d / "C007.xlsx").write_bytes(b"PK\x03\x04" + bytes(100))       # a cut-short workbook
    (d / "C008.parquet").write_bytes(b"PAR1" + bytes(100))          # a damaged Parquet file
    (d / "old").mkdir()                                             # a sub-folder
    write_small_log(d / "old", "C001.csv")
    (d / "README.md").write_text("notes\n")
    return d


UNREADABLE = {"C005.csv", "C006.xlsx", "C007.xlsx", "C008.parquet"}


# --------------------------------------------------------------------------- folder members


def test_one_unreadable_file_costs_that_file_not_the_cohort(tmp_path):
    d = bad_folder(tmp_path)
    cohort, caught = read_cohort_warned(d)
    assert sorted(cohort["client"].unique()) == ["C001", "C002", "C003.xlsx"]
    skipped = cohort.attrs["skipped"].set_index("file")
    assert UNREADABLE <= set(skipped.index)
    assert (skipped.loc[sorted(UNREADABLE), "kind"] == "unreadable").all()
    assert skipped.loc["C004.csv", "kind"] == "no log"
    assert skipped.loc["old/", "kind"] == "sub-folder"
    assert skipped.loc["README.md", "kind"] == "not a log"
    assert "password" in skipped.loc["C006.xlsx", "reason"] and "damaged" in skipped.loc["C007.xlsx", "reason"]
    # every member of the folder is read or listed
    members = {p.name + ("/" if p.is_dir() else "") for p in d.iterdir()}
    assert members == set(cohort.attrs["files"]["file"]) | set(skipped.index)
    # one warning, naming every file left out; the notes too
    assert len(caught) == 1 and all(f in caught[0] for f in UNREADABLE)
    note = next(n for n in cohort.attrs["notes"] if n.startswith("could not read 4 files"))
    assert all(f in note for f in UNREADABLE)


def test_with_errors_raise_an_unreadable_file_is_a_log_error_naming_it(tmp_path):
    d = small_logs(tmp_path)
    (d / "C005.csv").write_bytes(bytes(range(256)) * 20)
    with pytest.raises(ba.LogError, match=r"C005\.csv is not a text \(CSV\) file"):
        ba.read_cohort(d, errors="raise")


def test_with_errors_ignore_nothing_is_said_but_the_notes_list_it(tmp_path):
    d = small_logs(tmp_path)
    (d / "C006.xlsx").write_bytes(ENCRYPTED)
    cohort, caught = read_cohort_warned(d, errors="ignore")
    assert not caught
    assert cohort["client"].nunique() == 2
    assert any("C006.xlsx" in n and "password" in n for n in cohort.attrs["notes"])


def test_a_folder_of_nothing_readable_says_why_for_each_file(tmp_path):
    d = tmp_path / "logs"
    d.mkdir()
    (d / "A.csv").write_bytes(bytes(range(256)) * 20)
    (d / "B.xlsx").write_bytes(ENCRYPTED)
    with pytest.raises(ba.LogError, match=r"no activity log found in logs/.*A\.csv is not a text.*B\.xlsx is "
                                          r"password-protected"):
        read_cohort_warned(d)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_pipe_in_the_folder_is_listed_never_opened(tmp_path):
    d = small_logs(tmp_path)
    with fifo(d / "C009.csv"):
        cohort, caught = read_cohort_warned(d)
        assert cohort["client"].nunique() == 2
        skipped = cohort.attrs["skipped"].set_index("file")
        assert skipped.loc["C009.csv", "kind"] == "unreadable"
        assert "not a regular file" in skipped.loc["C009.csv", "reason"]
        assert len(caught) == 1 and "C009.csv" in caught[0]
        with pytest.raises(ba.LogError, match=r"C009\.csv is not a regular file"):
            ba.read_cohort(d, errors="raise")


def test_the_fast_path_falls_back_when_a_csv_is_empty_or_junk(tmp_path, monkeypatch):
    from bactivate.io import cohort as io_cohort
    from bactivate.io import many as folder

    d = small_logs(tmp_path, "C001.csv", "C002.csv", "C003.csv")
    (d / "C004.csv").write_bytes(b"")
    (d / "C005.csv").write_bytes(bytes(range(256)) * 20)
    got = []
    real = folder.read_many
    monkeypatch.setattr(io_cohort, "read_many", lambda *a, **k: got.append(real(*a, **k)) or got[-1])
    cohort, _ = read_cohort_warned(d)
    assert got == [None]
    assert cohort["client"].nunique() == 3


def test_a_bad_file_in_an_explicit_list_is_a_log_error_naming_it(tmp_path):
    d = small_logs(tmp_path)
    junk = d / "C005.csv"
    junk.write_bytes(bytes(range(256)) * 20)
    with pytest.raises(ba.LogError, match=r"C005\.csv"):
        read_cohort_warned([d / "C001.csv", junk])
