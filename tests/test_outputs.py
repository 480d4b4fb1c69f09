"""Outputs never overwrite inputs, output problems are reported as such (before any work),
a report that cannot run says why in one line, and the terminal shows client text inertly.

Issue 12, "Safe by construction II". Every input is built in ``tmp_path`` by code; the
report tests replace the kernel (or its start) with fakes, so no notebook runs here
(``tests/test_cli.py`` renders real reports).
"""

from __future__ import annotations

import errno
import os
import socket
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import write_csv

import bactivate as ba
import bactivate.report as report
from bactivate.cli import main
from bactivate.outputs import OutputError, check_output, replacing

LOG = "Date,Activity,M,P\n2026-03-02,Walk,7,8\n2026-03-03,Read,2,9\n"


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err: str) -> str:
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


@pytest.fixture
def no_kernel(monkeypatch):
    """Fails the test if a kernel is started: every check must come before any work."""

    def start(cwd):
        pytest.fail("a kernel was started")

    monkeypatch.setattr(report, "_start_kernel", start)


@pytest.fixture
def fake_run(monkeypatch):
    """The report's notebook 'runs' at once: a fake kernel, an empty notebook, fixed HTML."""
    import nbformat

    calls = []
    monkeypatch.setattr(report, "_kernel", lambda cwd: calls.append(cwd) or object())
    monkeypatch.setattr(report, "_stop_kernel", lambda km: None)
    monkeypatch.setattr(report, "_execute", lambda km, params, progress: nbformat.v4.new_notebook())
    monkeypatch.setattr(report, "notebook_html", lambda nb: "<html>the report</html>")
    return calls


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".part" in p.name)


# --------------------------------------------------------------------------- 1. never over an input


def _alias(tmp_path, monkeypatch, how: str) -> str:
    """The log x.csv, named as *how* says."""
    if how == "same":
        return str(tmp_path / "x.csv")
    if how == "dot":
        monkeypatch.chdir(tmp_path)
        return "./x.csv"
    if how == "dotdot":
        (tmp_path / "sub").mkdir()
        return str(tmp_path / "sub" / ".." / "x.csv")
    if how == "symlink":
        (tmp_path / "link.csv").symlink_to(tmp_path / "x.csv")
        return str(tmp_path / "link.csv")
    if how == "hardlink":
        os.link(tmp_path / "x.csv", tmp_path / "hard.csv")
        return str(tmp_path / "hard.csv")
    raise AssertionError(how)


HOWS = ["same", "dot", "dotdot", "symlink", "hardlink"]


@pytest.mark.parametrize("how", HOWS)
def test_report_never_writes_over_its_log(tmp_path, capsys, monkeypatch, no_kernel, how):
    path = write_csv(tmp_path, LOG, name="x.csv")
    before = path.read_bytes()
    out = _alias(tmp_path, monkeypatch, how)
    code, stdout, err = run(capsys, "report", path, "-o", out)
    assert code == 2 and stdout == ""
    one_line(err)
    assert err.startswith(f"bactivate: cannot write the report: {Path(out)} is the log it is made from")
    assert str(path.resolve()) in err and "such as x-report.html" in err
    assert path.read_bytes() == before and path.is_file() and not path.is_symlink()
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("how", ["same", "symlink", "hardlink"])
def test_kept_notebook_never_writes_over_the_log(tmp_path, capsys, no_kernel, how, monkeypatch):
    """``--keep-notebook`` writes REPORT.ipynb: a log called that is safe too."""
    path = write_csv(tmp_path, LOG, name="x.ipynb")
    if how != "same":
        path.rename(tmp_path / "real.ipynb")
        real = tmp_path / "real.ipynb"
        (tmp_path / "x.ipynb").symlink_to(real) if how == "symlink" else os.link(real, tmp_path / "x.ipynb")
        path = real
    before = path.read_bytes()
    code, _, err = run(capsys, "report", path, "-o", tmp_path / "x.html", "--keep-notebook")
    assert code == 2 and one_line(err).startswith("bactivate: cannot write the kept notebook: ")
    assert path.read_bytes() == before and not (tmp_path / "x.html").exists()


def test_report_named_like_the_kept_notebook_is_refused(tmp_path, capsys, no_kernel):
    path = write_csv(tmp_path, LOG, name="x.csv")
    code, _, err = run(capsys, "report", path, "-o", tmp_path / "r.ipynb", "--keep-notebook")
    assert code == 2 and "is where the kept notebook goes" in one_line(err)


@pytest.mark.parametrize("how", HOWS)
@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_write_log_never_writes_over_its_source(tmp_path, monkeypatch, how, suffix):
    source = tmp_path / f"x{suffix}"
    if suffix == ".csv":
        write_csv(tmp_path, LOG, name="x.csv")
    else:  # a log read from a workbook or a Parquet file: the same rule
        ba.write_log(ba.read_log(write_csv(tmp_path, LOG, name="first.csv")), source)
    log = ba.read_log(source)
    assert log.attrs["paths"] == [str(source.resolve())]
    before = source.read_bytes()
    target = {"same": source, "dot": Path(".") / source.name,
              "dotdot": tmp_path / "sub" / ".." / source.name,
              "symlink": tmp_path / f"link{suffix}", "hardlink": tmp_path / f"hard{suffix}"}[how]
    if how == "dot":
        monkeypatch.chdir(tmp_path)
    elif how == "dotdot":
        (tmp_path / "sub").mkdir()
    elif how == "symlink":
        target.symlink_to(source)
    elif how == "hardlink":
        os.link(source, target)
    with pytest.raises(OutputError, match="is the file the log was read from") as exc:
        ba.write_log(log, target)
    assert f"x-tidy{suffix}" in str(exc.value) and isinstance(exc.value, OSError)
    # a filtered log is still that file's log
    with pytest.raises(OutputError):
        ba.write_log(log[log["mastery"] > 5], target)
    assert source.read_bytes() == before
    assert leftovers(tmp_path) == []


def test_write_log_elsewhere_round_trips(tmp_path):
    log = ba.read_log(write_csv(tmp_path, LOG, name="x.csv"))
    out = ba.write_log(log, tmp_path / "x-tidy.csv")
    back = ba.read_log(out)
    pd.testing.assert_frame_equal(back.drop(columns="source"), log.drop(columns="source"))
    assert back.attrs["paths"] == [str(out.resolve())]
    # a frame from nowhere (no source path) is written as before
    ba.write_log(ba.synth.client(weeks=1, seed=1), tmp_path / "synth.parquet")


def test_write_log_through_a_symlink_replaces_its_target(tmp_path):
    log = ba.read_log(write_csv(tmp_path, LOG, name="x.csv"))
    (tmp_path / "out").mkdir()
    real = tmp_path / "out" / "tidy.csv"
    real.write_text("old")
    (tmp_path / "link.csv").symlink_to(real)
    ba.write_log(log, tmp_path / "link.csv")
    assert (tmp_path / "link.csv").is_symlink() and real.read_text().startswith("client,entry,start")


# --------------------------------------------------------------------------- whole, or not at all


def test_a_failed_write_leaves_the_old_file(tmp_path, monkeypatch):
    log = ba.read_log(write_csv(tmp_path, LOG, name="x.csv"))
    out = tmp_path / "tidy.csv"
    out.write_text("the previous version")

    def half(self, path, **kw):
        Path(path).write_text("client,entry,st")  # half a file, then the disk is full
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", half)
    with pytest.raises(OutputError, match="cannot write the log: No space left on device"):
        ba.write_log(log, out)
    assert out.read_text() == "the previous version"
    assert leftovers(tmp_path) == []


def test_replacing_keeps_the_old_file_on_any_error(tmp_path):
    out = tmp_path / "r.html"
    out.write_text("old")
    with pytest.raises(KeyboardInterrupt), replacing(out) as tmp:
        tmp.write_text("half")
        raise KeyboardInterrupt
    assert out.read_text() == "old" and leftovers(tmp_path) == []


def test_replacing_keeps_an_existing_files_permissions(tmp_path):
    old = os.umask(0o022)
    os.umask(old)
    out = tmp_path / "kept.csv"
    out.write_text("old")
    out.chmod(0o640)
    with replacing(out) as tmp:
        tmp.write_text("new")
    assert out.read_text() == "new" and (out.stat().st_mode & 0o777) == 0o640
    with replacing(tmp_path / "new.csv") as tmp:  # a new file: as open() would make it
        tmp.write_text("new")
    assert ((tmp_path / "new.csv").stat().st_mode & 0o777) == 0o666 & ~old


def test_report_is_written_whole_beside_a_kept_notebook(tmp_path, capsys, fake_run):
    path = write_csv(tmp_path, LOG, name="x.csv")
    out = tmp_path / "new" / "folder" / "x.html"  # folders on the way are made, as before
    code, stdout, err = run(capsys, "report", path, "-o", out, "--keep-notebook")
    assert code == 0 and err == "" and stdout.startswith(f"report written to {out}\n")
    assert out.read_text() == "<html>the report</html>" and out.with_suffix(".ipynb").is_file()
    assert leftovers(out.parent) == [] and len(fake_run) == 1
    code, _, _ = run(capsys, "report", path, "-o", out)  # an earlier report is replaced
    assert code == 0


def test_report_that_fails_to_write_keeps_the_last_one(tmp_path, capsys, fake_run, monkeypatch):
    import bactivate.outputs

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    path = write_csv(tmp_path, LOG, name="x.csv")
    out = tmp_path / "x.html"
    out.write_text("last week's report")
    monkeypatch.setattr(bactivate.outputs.os, "fsync", full)  # the disk fills up as it is written
    code, _, err = run(capsys, "report", path, "-o", out)
    assert code == 2 and one_line(err) == (
        f"bactivate: cannot write the report: No space left on device: {out}\n")
    assert out.read_text() == "last week's report" and leftovers(tmp_path) == []


# --------------------------------------------------------------------------- 2. output problems


def test_report_into_a_folder(tmp_path, capsys, no_kernel):
    path = write_csv(tmp_path, LOG, name="x.csv")
    (tmp_path / "reports").mkdir()
    code, out, err = run(capsys, "report", path, "-o", tmp_path / "reports")
    assert code == 2 and out == ""
    assert one_line(err) == (f"bactivate: cannot write the report: {tmp_path / 'reports'} is a folder; "
                             f"give a file name such as {tmp_path / 'reports' / 'report.html'}\n")


def test_report_under_a_file(tmp_path, capsys, no_kernel):
    path = write_csv(tmp_path, LOG, name="x.csv")
    (tmp_path / "notes.txt").write_text("a file")
    for out in (tmp_path / "notes.txt" / "r.html", tmp_path / "notes.txt" / "deeper" / "r.html"):
        code, stdout, err = run(capsys, "report", path, "-o", out)
        assert code == 2 and stdout == ""
        assert one_line(err).startswith(f"bactivate: cannot write the report: {tmp_path / 'notes.txt'} "
                                        "is a file, not a folder")
    assert (tmp_path / "notes.txt").read_text() == "a file"


def test_report_into_a_read_only_folder(tmp_path, capsys, no_kernel, monkeypatch):
    import bactivate.outputs

    path = write_csv(tmp_path, LOG, name="x.csv")
    locked = tmp_path / "locked"
    locked.mkdir()
    real = os.access
    # as root, chmod does not stop writing: the permission check itself is what is tested
    monkeypatch.setattr(bactivate.outputs.os, "access",
                        lambda p, mode: False if Path(p) == locked else real(p, mode))
    code, _, err = run(capsys, "report", path, "-o", locked / "r.html")
    assert code == 2 and one_line(err).startswith(
        f"bactivate: cannot write the report: the folder {locked} is read-only")
    assert not (locked / "r.html").exists()


def test_report_into_a_read_only_folder_for_real(tmp_path, capsys, no_kernel):
    path = write_csv(tmp_path, LOG, name="x.csv")
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as root: the folder stays writable")
        code, _, err = run(capsys, "report", path, "-o", locked / "r.html")
        assert code == 2 and "is read-only" in one_line(err)
    finally:
        locked.chmod(0o755)


def test_write_log_output_problems(tmp_path):
    log = ba.synth.client(weeks=1, seed=1)
    (tmp_path / "dir.csv").mkdir()
    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError, match="dir.csv is a folder; give a file name such as"):
        ba.write_log(log, tmp_path / "dir.csv")
    with pytest.raises(OutputError, match="is a file, not a folder"):
        ba.write_log(log, tmp_path / "file" / "log.csv")
    with pytest.raises(OutputError, match="does not exist; make it first"):
        ba.write_log(log, tmp_path / "nowhere" / "log.csv")


def test_check_output_read_only_file(tmp_path, monkeypatch):
    import bactivate.outputs

    out = tmp_path / "r.html"
    out.write_text("x")
    real = os.access
    monkeypatch.setattr(bactivate.outputs.os, "access",
                        lambda p, mode: False if Path(p) == out else real(p, mode))
    with pytest.raises(OutputError, match="exists and is read-only"):
        check_output(out, "the report")


# --------------------------------------------------------------------------- 3. the kernel and its packages


@pytest.mark.parametrize("error", [RuntimeError("Kernel didn't respond in 60 seconds"),
                                   TimeoutError(), OSError(errno.EADDRNOTAVAIL, "Cannot assign address")])
def test_kernel_that_does_not_start_is_one_line(tmp_path, capsys, monkeypatch, error):
    def start(cwd):
        raise error

    monkeypatch.setattr(report, "_start_kernel", start)
    path = write_csv(tmp_path, LOG, name="x.csv")
    code, out, err = run(capsys, "report", path, "-o", tmp_path / "r.html")
    assert code == 2 and out == ""
    assert one_line(err).startswith("bactivate: no report written: the Jupyter kernel that runs the report")
    assert type(error).__name__ in err and not (tmp_path / "r.html").exists()


def test_kernel_that_stops_answering_is_one_line(tmp_path, capsys, monkeypatch):
    """papermill waits for the kernel (up to a minute) and raises a RuntimeError: one line too."""
    import papermill

    class Km:
        clients, has_kernel = [], False

    def execute(*a, **k):
        raise RuntimeError("Kernel died before replying to kernel_info")

    monkeypatch.setattr(report, "_start_kernel", lambda cwd: Km())
    monkeypatch.setattr(papermill, "execute_notebook", execute)
    path = write_csv(tmp_path, LOG, name="x.csv")
    code, _, err = run(capsys, "report", path, "-o", tmp_path / "r.html")
    assert code == 2 and "Kernel died before replying" in one_line(err)


def test_loopback_down_is_said_before_the_kernel_starts(tmp_path, capsys, monkeypatch, no_kernel):
    def unreachable(*a, **k):
        raise OSError(errno.ENETUNREACH, "Network is unreachable")

    monkeypatch.setattr(socket, "create_connection", unreachable)
    path = write_csv(tmp_path, LOG, name="x.csv")
    code, _, err = run(capsys, "report", path, "-o", tmp_path / "r.html")
    assert code == 2
    assert "loopback network (127.0.0.1)" in one_line(err) and "Network is unreachable" in err


@pytest.mark.parametrize("package", ["jupyter_client", "papermill", "nbconvert"])
def test_missing_report_package(tmp_path, capsys, monkeypatch, no_kernel, package):
    monkeypatch.setitem(sys.modules, package, None)  # `import package` raises ModuleNotFoundError
    path = write_csv(tmp_path, LOG, name="x.csv")
    code, out, err = run(capsys, "report", path, "-o", tmp_path / "r.html")
    assert code == 2 and out == ""
    assert f"needs the Python package '{package}'" in one_line(err) and "pip install bactivate" in err


def test_broken_report_package_is_one_line(tmp_path, capsys, monkeypatch):
    """A package present but missing one of its own dependencies fails on import: the same line."""

    def start(cwd):
        raise ModuleNotFoundError("No module named 'tornado'", name="tornado")

    monkeypatch.setattr(report, "_start_kernel", start)
    path = write_csv(tmp_path, LOG, name="x.csv")
    code, _, err = run(capsys, "report", path, "-o", tmp_path / "r.html")
    assert code == 2 and "needs the Python package 'tornado'" in one_line(err)


@pytest.mark.parametrize(("name", "data", "says"), [
    ("missing.csv", None, "No such file or directory"),
    ("empty.csv", b"", "is empty (0 bytes)"),
    ("cut.xlsx", b"not a workbook", "is not a readable .xlsx file"),
])
def test_unreadable_log_needs_no_jupyter(tmp_path, capsys, monkeypatch, no_kernel, name, data, says):
    for package in ("jupyter_client", "jupyter_core", "ipykernel", "papermill", "nbclient", "nbconvert", "nbformat"):
        monkeypatch.setitem(sys.modules, package, None)
    path = tmp_path / name
    if data is not None:
        path.write_bytes(data)
    code, _, err = run(capsys, "report", path, "-o", tmp_path / "r.html")
    assert code == 2 and one_line(err).startswith("bactivate: cannot read the log: ") and says in err


# --------------------------------------------------------------------------- 4. the terminal

ESC = "\x1b[2J\x1b[31m"


def test_validate_shows_escape_sequences_inertly(tmp_path, capsys):
    path = write_csv(tmp_path, f"Date,Activity,M,P\n2026-03-02,{ESC},7,{ESC}\n2026-03-03,Read,2,9\n"
                               f"2026-03-04,Walk\u202e,3,4\n")
    code, out, err = run(capsys, "validate", path)
    assert code == 1
    assert "\x1b" not in out + err and "\u202e" not in out + err
    assert "\\x1b[2J\\x1b[31m" in out
    rows = out.split("Cells left blank (the rows are kept; fix these cells and read the log again to use them):\n"
                     )[1].splitlines()
    assert rows[1].split()[:3] == ["2", "P", "\\x1b[2J\\x1b[31m"]  # the table stays aligned
    assert rows[0].index("reason") == rows[1].index("'\\x1b")


def test_file_names_are_shown_inertly(tmp_path, capsys):
    good = write_csv(tmp_path, LOG, name=f"log{ESC}.csv")
    code, out, err = run(capsys, "validate", good)
    assert code == 0 and "\x1b" not in out and out.startswith("log\\x1b[2J\\x1b[31m.csv: 2 rows read")
    bad = write_csv(tmp_path, "", name=f"empty{ESC}.csv")
    code, out, err = run(capsys, "validate", bad)
    assert code == 2 and "\x1b" not in err and "empty\\x1b[2J" in one_line(err)
    with pytest.raises(SystemExit):
        main(["validate", str(good), f"extra{ESC}"])
    assert "\x1b" not in capsys.readouterr().err


def test_report_messages_are_shown_inertly(tmp_path, capsys, no_kernel):
    path = write_csv(tmp_path, LOG, name=f"x{ESC}.csv")
    code, _, err = run(capsys, "report", path, "-o", path)
    assert code == 2 and "\x1b" not in err and "x\\x1b[2J" in one_line(err)


def test_report_error_from_the_notebook_is_shown_inertly(tmp_path, capsys, monkeypatch, fake_run):
    def stopped(km, params, progress):
        raise report.ReportError(f"the report notebook stopped at cell 3: ValueError: {ESC}\nsecond")

    monkeypatch.setattr(report, "_execute", stopped)
    code, _, err = run(capsys, "report", write_csv(tmp_path, LOG), "-o", tmp_path / "r.html")
    assert code == 1 and "\x1b" not in one_line(err) and "\\x1b[2J" in err


# --------------------------------------------------------------------------- 5. --version, python -m


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out == f"bactivate {ba.__version__}\n" == "bactivate 0.1.0\n"


def test_python_dash_m(tmp_path):
    path = write_csv(tmp_path, LOG)
    done = subprocess.run([sys.executable, "-m", "bactivate", "--version"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0 and done.stdout == f"bactivate {ba.__version__}\n"
    done = subprocess.run([sys.executable, "-m", "bactivate", "validate", str(path)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.startswith("log.csv: 2 rows read, 2 kept")
    done = subprocess.run([sys.executable, "-m", "bactivate", "validate", str(tmp_path / "no.csv")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stderr.startswith("bactivate: cannot read the log:")


def test_write_log_never_writes_over_a_cohort_file_or_its_roster(tmp_path):
    folder = tmp_path / "cohort"
    folder.mkdir()
    for name in ("C1.csv", "C2.csv"):
        write_csv(folder, LOG, name=name)
    roster = folder / "roster.csv"
    roster.write_text("client,arm\nC1,BA\nC2,control\n")
    cohort = ba.read_cohort(folder, roster=roster)
    assert sorted(Path(p).name for p in cohort.attrs["paths"]) == ["C1.csv", "C2.csv", "roster.csv"]
    before = {p: p.read_bytes() for p in folder.iterdir()}
    for target in (folder / "C2.csv", roster):
        with pytest.raises(OutputError, match="is the file the log was read from"):
            ba.write_log(cohort, target)
    assert {p: p.read_bytes() for p in folder.iterdir()} == before
    ba.write_log(cohort, tmp_path / "cohort-tidy.csv")  # anywhere else is fine
