"""``bactivate validate LOG``: the row accounting, and its exit codes (0 clean, 1 rows set aside,
2 unreadable file with a one-line message)."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pandas as pd
import pytest
from conftest import week, write_csv, write_xlsx

from bactivate.cli import main

ROOT = Path(__file__).resolve().parents[1]


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_clean_log(tmp_path, capsys):
    path = write_csv(tmp_path, "Date,Activity,M,P\n2026-03-02,Walk,7,8\n2026-03-03,Read,2,9\n")
    code, out, err = run(capsys, "validate", str(path))
    assert code == 0 and err == ""
    assert out.startswith("log.csv: 2 rows read, 2 kept, 0 set aside with problems, 0 not log entries")
    lines = out.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("file:sheet"))
    assert lines[head].split() == ["file:sheet", "rows", "read", "kept", "set", "aside", "not", "entries"]
    assert lines[head + 1].split() == ["log.csv", "2", "2", "0", "0"]
    assert "Rows set aside" not in out
    assert "mastery: read on a 0-10 scale" in out


def test_validate_workbook_with_totals_rows_is_clean(tmp_path, capsys):
    path = write_xlsx(tmp_path, {"Instructions": [["Fill in one row per activity"]],
                                 "Week 1": week(1), "Week 2": week(2)})
    code, out, err = run(capsys, "validate", str(path))
    assert code == 0 and err == ""
    assert "8 rows read, 6 kept, 0 set aside with problems, 2 not log entries" in out
    assert "log.xlsx:Week 1  4          3     0          1" in out
    assert "log.xlsx:Week 2  4          3     0          1" in out
    assert "2 × a totals or summary row, not an entry (rows Week 1:8, Week 2:8)" in out
    assert "skipped sheet 'Instructions'" in out


def test_validate_rows_set_aside(tmp_path, capsys):
    path = write_csv(tmp_path, "Title\nDate,Activity,M,P\n2026-03-02,Walk,7,8\n2026-03-03,Read,lots,9\n"
                               "2026-03-04,Swim,7,11\n,Total,14,28\n")
    code, out, err = run(capsys, "validate", str(path))
    assert code == 1 and err == ""
    assert "4 rows read, 1 kept, 2 set aside with problems, 1 not log entries" in out
    section = out.split("Rows set aside (fix these cells and read the log again):\n")[1]
    rows = section.splitlines()
    assert rows[0].split() == ["row", "column", "value", "reason"]   # no sheet column for a CSV
    assert rows[1].split()[:3] == ["4", "M", "lots"] and "'lots' is not a number" in rows[1]
    assert rows[2].split()[:3] == ["5", "P", "11"] and "outside this column's 0-10 scale" in rows[2]
    assert "1 × a totals or summary row, not an entry (row 6)" in out


def test_validate_lists_50_rows_unless_all(tmp_path, capsys):
    body = "".join(f"2026-03-02,Walk {i},x,8\n" for i in range(60))
    path = write_csv(tmp_path, "Date,Activity,M,P\n2026-03-01,Start,9,0\n" + body)
    code, out, _ = run(capsys, "validate", str(path))
    assert code == 1
    assert "... and 10 more (use --all to list them)" in out
    code, out, _ = run(capsys, "validate", "--all", str(path))
    assert "more (use --all" not in out
    assert out.count("'x' is not a number") == 60


def test_validate_client_option(tmp_path, capsys):
    path = write_csv(tmp_path, "Date,Activity,M,P\n2026-03-02,Walk,7,8\n")
    code, out, _ = run(capsys, "validate", "--client", "C-01", str(path))
    assert code == 0


@pytest.mark.parametrize(("name", "data", "says"), [
    ("locked.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "password-protected"),
    ("empty.csv", b"", "is empty (0 bytes)"),
    ("cut.xlsx", None, "is damaged"),
    ("nolog.csv", b"name,age\nbob,3\n", "no log found"),
    ("moods.csv", b"Date,Activity,Mood\n2026-03-02,Walk,1\n2026-03-03,Read,5\n", "scales={'mood': (1, 5)}"),
    ("dates.csv", b"Date,Activity,M\n05/03/2026,Walk,9\n07/03/2026,Read,0\n", "dayfirst=True"),
])
def test_validate_unreadable_file_exit_2_one_line(tmp_path, capsys, name, data, says):
    path = tmp_path / name
    if data is None:
        good = write_xlsx(tmp_path, {"Week 1": week(1)}).read_bytes()
        data = good[: len(good) // 2]
    path.write_bytes(data)
    code, out, err = run(capsys, "validate", str(path))
    assert code == 2
    assert out == ""
    assert err.startswith("bactivate: cannot read the log: ") and says in err
    assert err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize("target", ["missing.csv", "."])
def test_validate_missing_file_or_folder(tmp_path, capsys, target):
    code, out, err = run(capsys, "validate", str(tmp_path / target))
    assert code == 2 and out == ""
    assert err.startswith("bactivate: cannot read the log:") and err.count("\n") == 1


def test_validate_unreadable_permissions(tmp_path, capsys):
    import os

    path = write_csv(tmp_path, "Date,Activity,M\n2026-03-02,Walk,8\n")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):  # running as root: permissions do not apply
            pytest.skip("file stays readable (root)")
        code, _, err = run(capsys, "validate", str(path))
        assert code == 2 and "Permission denied" in err and err.count("\n") == 1
    finally:
        path.chmod(0o644)


def test_validate_does_not_touch_the_file(tmp_path, capsys):
    path = write_xlsx(tmp_path, {"Week 1": week(1)})
    before = path.read_bytes(), path.stat().st_mtime_ns
    run(capsys, "validate", str(path))
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_no_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main([])
    assert exc.value.code == 2


# --------------------------------------------------------------------------- how to read the log


AMBIGUOUS = "Date,Activity,M\n05/03/2026,Walk,9\n07/03/2026,Read,0\n"  # 5 March or May 3?


@pytest.fixture
def read_log_calls(monkeypatch):
    """The keywords ``validate`` passes to read_log (the real loader still reads the file)."""
    import bactivate.cli

    calls, real = [], bactivate.cli.read_log

    def spy(path, **kw):
        calls.append(kw)
        return real(path, **kw)

    monkeypatch.setattr(bactivate.cli, "read_log", spy)
    return calls


def test_validate_passes_the_reading_options(tmp_path, capsys, read_log_calls):
    path = write_csv(tmp_path, AMBIGUOUS)
    code, _, err = run(capsys, "validate", "--format", "long", "--week-start", "2026-03-02", "--dayfirst",
                       "--client", "C-01", str(path))
    assert code == 0 and err == ""
    assert read_log_calls[-1] == {"format": "long", "week_start": "2026-03-02", "dayfirst": True,
                                  "client": "C-01", "errors": "warn"}
    run(capsys, "validate", "--monthfirst", str(path))
    assert read_log_calls[-1]["dayfirst"] is False and read_log_calls[-1]["format"] == "auto"
    run(capsys, "validate", str(path))
    assert read_log_calls[-1]["dayfirst"] is None and read_log_calls[-1]["week_start"] is None


def test_validate_dayfirst_reads_ambiguous_dates(tmp_path, capsys):
    path = write_csv(tmp_path, AMBIGUOUS)
    code, _, err = run(capsys, "validate", str(path))
    assert code == 2 and "dayfirst=True" in err and "(on the command line: --dayfirst or --monthfirst)" in err
    for flag in ("--dayfirst", "--monthfirst"):
        code, out, err = run(capsys, "validate", flag, str(path))
        assert code == 0 and err == "" and "2 rows read, 2 kept" in out


def test_validate_format_names_the_layout(tmp_path, capsys):
    path = write_csv(tmp_path, "Date,Activity,M,P\n2026-03-02,Walk,7,8\n")
    code, out, err = run(capsys, "validate", "--format", "daylio", str(path))  # not a Daylio export
    assert code == 2 and out == "" and err.startswith("bactivate: cannot read the log: ")


@pytest.mark.parametrize("argv", [["--format", "word"], ["--week-start", "2 March"],
                                  ["--dayfirst", "--monthfirst"]])
@pytest.mark.parametrize("command", ["validate", "report"])
def test_bad_reading_options_are_usage_errors(tmp_path, capsys, command, argv):
    path = write_csv(tmp_path, "Date,Activity,M,P\n2026-03-02,Walk,7,8\n")
    with pytest.raises(SystemExit) as exc:
        main([command, *argv, str(path)])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "usage:" in err and "Traceback" not in err


def test_report_passes_the_reading_options_to_the_notebook(tmp_path, capsys, monkeypatch):
    import bactivate.cli

    seen = {}

    def fake(log, output, **kw):
        seen.update(kw, log=log, output=output)
        return output

    monkeypatch.setattr(bactivate.cli, "render_report", fake)
    path = write_csv(tmp_path, AMBIGUOUS)
    code, out, _ = run(capsys, "report", str(path), "--format", "grid", "--week-start", "2026-03-02",
                       "--dayfirst", "--client", "Sam")
    assert code == 0 and out.startswith("report written to ")
    assert seen["client"] == "Sam" and seen["output"] == tmp_path / "log-report.html"
    assert seen["parameters"] == {"log_format": "grid", "week_start": "2026-03-02", "dayfirst": True}
    run(capsys, "report", str(path))
    assert seen["parameters"] == {"log_format": "auto", "week_start": None, "dayfirst": None}
    assert seen["client"] is None


def test_the_notebook_takes_every_parameter_the_command_passes():
    from bactivate.report import notebook_path

    nb = json.loads(notebook_path("client-report").read_text())
    names = {t.id for node in ast.parse("".join(nb["cells"][0]["source"])).body
             if isinstance(node, ast.Assign) for t in node.targets}
    assert {"log_path", "client", "log_format", "week_start", "dayfirst"} <= names


# --------------------------------------------------------------------------- report (runs the notebook)


def test_report_stops_with_the_loader_message(tmp_path, capsys):
    """The notebook reads the log (once); its LogError is the command's one-line exit-2 message."""
    path = write_csv(tmp_path, AMBIGUOUS)
    out = tmp_path / "r.html"
    code, _, err = run(capsys, "report", str(path), "-o", str(out))
    last = err.splitlines()[-1]  # after the progress bar
    assert code == 2 and last.startswith("bactivate: cannot read the log: ") and "dayfirst=True" in last
    assert "Traceback" not in err and not out.exists()


@pytest.mark.parametrize("target", ["missing.csv", "."])
def test_report_missing_file_or_folder(tmp_path, capsys, target):
    code, out, err = run(capsys, "report", str(tmp_path / target), "-o", str(tmp_path / "r.html"))
    assert code == 2 and out == "" and err.startswith("bactivate: cannot read the log:")
    assert err.count("\n") == 1


def test_report_dayfirst_reaches_the_notebook(tmp_path, capsys):
    """Three weeks of the sample client, every date written dd/mm/yyyy with days up to 12."""
    tidy = pd.read_csv(ROOT / "data/sample/client-alex-tidy.csv", parse_dates=["start"])
    tidy = tidy[tidy["start"].dt.day <= 12]
    columns = ("activity", "category", "mastery", "pleasure", "mood", "planned", "done", "avoidance")
    log = pd.DataFrame({"Date": tidy["start"].dt.strftime("%d/%m/%Y"),
                        "Time": tidy["start"].dt.strftime("%H:%M"),
                        **{c.capitalize(): tidy[c] for c in columns}})
    path = tmp_path / "alex.csv"
    log.to_csv(path, index=False)
    out = tmp_path / "alex.html"
    code, _, err = run(capsys, "report", str(path), "--dayfirst", "-o", str(out))
    assert code == 0, err
    html = out.read_text(encoding="utf-8")
    assert "3 Mar 2026 to 12 Apr 2026" in html  # the log read as March and April, not the other way round
