"""Rosters (bactivate.io.roster) that cannot be read (issue 12, "Safe by construction II").

Every roster ends in a frame or a :class:`bactivate.LogError` that names the roster file and
says what to fix (never ``csv.Error``, ``pandas.errors.ParserError`` or a calamine error).
Every input is written here, in ``tmp_path``.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from conftest import read_cohort_warned, small_logs

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


# --------------------------------------------------------------------------- rosters


@pytest.mark.parametrize(("name", "content", "says"), [
    ("roster.csv", b"", r"roster\.csv is empty: the roster needs a header row with a client column \(e\.g\. client,arm\)"),
    ("roster.csv", b"\n\n  \n", r"roster\.csv is empty: .*client,arm"),
    ("roster.csv", b",,,\n,,,\n", r"roster\.csv is empty: .*client,arm"),
    ("roster.xlsx", b"", r"roster\.xlsx is empty"),
    ("roster.csv", bytes(range(256)) * 8, r"roster\.csv is not a text \(CSV\) file"),
    ("roster.xlsx", b"this is not a spreadsheet at all\n" * 20, r"roster\.xlsx is not a readable \.xlsx file"),
    ("roster.xlsx", b"PK\x03\x04" + bytes(200), r"roster\.xlsx is damaged"),
    ("roster.xlsx", ENCRYPTED, r"roster\.xlsx is password-protected"),
    ("roster.parquet", b"PAR1 not really", r"roster\.parquet"),
])
def test_a_roster_that_is_not_a_table_is_a_log_error_naming_it(tmp_path, name, content, says):
    d = small_logs(tmp_path)
    roster = tmp_path / name
    roster.write_bytes(content)
    with pytest.raises(ba.LogError, match=says) as info:
        read_cohort_warned(d, roster=roster)
    assert "the log" not in str(info.value)  # said of the roster


def test_a_ragged_roster_names_the_line_and_says_what_to_fix(tmp_path):
    d = small_logs(tmp_path)
    roster = tmp_path / "roster.csv"
    roster.write_text("client,arm\nC001,BA\nC002,control,Smith, J\nC003,BA\n", encoding="utf-8")
    with pytest.raises(ba.LogError, match=r"roster\.csv: line 3 has more cells than the header \(4 in line 3, 2 in the header\)") as info:
        read_cohort_warned(d, roster=roster)
    assert "quotes" in str(info.value)


def test_trailing_empty_cells_are_not_ragged(tmp_path):
    d = small_logs(tmp_path)
    roster = tmp_path / "roster.csv"
    roster.write_text("client,arm\nC001,BA,,\nC002,control\n", encoding="utf-8")
    cohort, caught = read_cohort_warned(d, roster=roster)
    assert cohort.attrs["roster"][["client", "arm"]].to_dict("list") == {"client": ["C001", "C002"],
                                                                        "arm": ["BA", "control"]}
    assert not caught


def test_a_roster_with_a_header_and_no_rows_says_so(tmp_path):
    d = small_logs(tmp_path)
    roster = tmp_path / "roster.csv"
    roster.write_text("client,arm\n", encoding="utf-8")
    with pytest.raises(ba.LogError, match=r"roster\.csv has a header row but no clients below it"):
        read_cohort_warned(d, roster=roster)


def test_a_roster_without_an_id_column_says_what_to_name_it(tmp_path):
    d = small_logs(tmp_path)
    roster = tmp_path / "roster.csv"
    roster.write_text("name,arm\nC001,BA\n", encoding="utf-8")
    with pytest.raises(ba.LogError, match=r"roster\.csv: no client id column.*client_column="):
        read_cohort_warned(d, roster=roster)


def test_a_folder_or_a_pipe_given_as_the_roster_is_a_log_error(tmp_path):
    d = small_logs(tmp_path)
    (tmp_path / "roster").mkdir()
    with pytest.raises(ba.LogError, match="roster is a folder"):
        read_cohort_warned(d, roster=tmp_path / "roster")
    if hasattr(os, "mkfifo"):
        with fifo(tmp_path / "pipe.csv") as pipe, pytest.raises(ba.LogError, match="not a regular file"):
            read_cohort_warned(d, roster=pipe)
    with pytest.raises(FileNotFoundError, match="no such roster file"):
        read_cohort_warned(d, roster=tmp_path / "nowhere.csv")


def test_a_title_line_above_the_roster_header_is_fine(tmp_path):
    d = small_logs(tmp_path)
    roster = tmp_path / "roster.csv"
    roster.write_text("Study roster 2026\n\nclient,arm,baseline_phq9\nC001,BA,20\nC002,control,14\n",
                      encoding="utf-8")
    cohort, caught = read_cohort_warned(d, roster=roster)
    r = cohort.attrs["roster"]
    assert r["client"].tolist() == ["C001", "C002"] and r["baseline_phq9"].dtype == "int64"
    assert not caught


def test_every_roster_format_reads_to_the_same_frame(tmp_path):
    d = small_logs(tmp_path)
    frame = pd.DataFrame({"Participant": ["C001", "C002"], "arm": ["BA", "control"], "phq9": [20, 14]})
    frame.to_csv(tmp_path / "r.csv", index=False)
    frame.to_csv(tmp_path / "r.tsv", index=False, sep="\t")
    frame.to_excel(tmp_path / "r.xlsx", index=False)
    frame.to_parquet(tmp_path / "r.parquet", index=False)
    got = [pd.DataFrame(read_cohort_warned(d, roster=tmp_path / f"r.{ext}")[0].attrs["roster"])
           for ext in ("csv", "tsv", "xlsx", "parquet")]
    for g in got[1:]:
        pd.testing.assert_frame_equal(g, got[0])
    assert got[0].columns.tolist() == ["client", "arm", "phq9"]


def test_roster_mismatches_and_rows_without_an_id_are_in_the_notes_and_the_one_warning(tmp_path):
    d = small_logs(tmp_path, "C001.csv", "C002.csv")
    roster = tmp_path / "roster.csv"
    roster.write_text("client,arm\nC001,BA\nC099,control\n,BA\n", encoding="utf-8")
    cohort, caught = read_cohort_warned(d, roster=roster)
    notes = cohort.attrs["notes"]
    assert any("not in the roster" in n and "C002" in n for n in notes)
    assert any("in the roster" in n and "no log" in n and "C099" in n for n in notes)
    assert any("1 roster row without a client id left out" in n for n in notes)
    assert len(caught) == 1 and "C002" in caught[0] and "C099" in caught[0] and "without a client id" in caught[0]
    summary = ba.client_summary(cohort)
    assert sorted(summary["client"]) == ["C001", "C002", "C099"]  # nobody dropped
