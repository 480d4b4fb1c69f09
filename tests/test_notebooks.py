"""Notebooks: committed without outputs, thin, and the client report renders offline HTML.

nbval runs every notebook itself (pytest collects notebooks/ with --nbval-lax).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bactivate.cli import main

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SAMPLES = [ROOT / "data/sample/client-alex.xlsx", ROOT / "data/sample/client-alex-tidy.csv"]


def test_the_three_template_notebooks_exist():
    assert {p.stem for p in NOTEBOOKS} >= {"client-report", "cohort-comparison", "teaching-demo"}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_has_no_outputs(path):
    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"{path.name} carries outputs: client data must never reach git"
            assert cell.get("execution_count") is None
    # and nbstripout, the tool the pre-commit hook uses, agrees
    res = subprocess.run([sys.executable, "-m", "nbstripout", "--verify", str(path)], capture_output=True)
    assert res.returncode == 0, res.stdout + res.stderr


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_thin(path):
    nb = json.loads(path.read_text())
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    assert not re.search(r"^\s*(def|class)\s", code, re.MULTILINE), "notebooks call the package; no definitions"
    assert "lambda" not in code
    tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    first_code = next(c for c in nb["cells"] if c["cell_type"] == "code")
    # the first code cell holds the parameters (a title and how to use it may come before it)
    assert len(tagged) == 1 and tagged[0] is first_code, "the first code cell holds the parameters"


SECTIONS = ["Your activity log", "How the log was read", "Mastery and pleasure", "Mood and activities",
            "Avoidance", "Week by week", "Small wins", "Ideas for next week"]


@pytest.fixture(scope="module", params=SAMPLES, ids=lambda p: p.name)
def report_html(request, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "report.html"
    assert main(["report", str(request.param), "-o", str(out)]) in (0, 1)  # 1: written, cells to fix
    return out.read_text(encoding="utf-8")


def test_report_has_every_section_and_figure(report_html):
    for title in SECTIONS:
        assert title in report_html, title
    # figures: balance map, balance by week, mood forest, two heat maps, skipped plans, progress, timeline
    assert len(re.findall(r"<img[^>]+src=\"data:image/png;base64,", report_html)) >= 8
    assert "Traceback" not in report_html and "Error" not in re.sub(r"<style.*?</style>", "", report_html,
                                                                     flags=re.DOTALL)


def test_report_has_no_code_cells(report_html):
    code_cells = re.findall(r'class="jp-Cell jp-CodeCell[^"]*"', report_html)
    assert code_cells and all("jp-mod-noInput" in c for c in code_cells)
    body = re.sub(r"<style.*?</style>", "", report_html, flags=re.DOTALL)
    assert "jp-InputPrompt" not in body and '<div class="highlight' not in body
    assert "import bactivate" not in report_html and "ba.read_log" not in report_html


def test_report_is_self_contained(report_html):
    # no external scripts, fonts, styles or trackers: it opens offline and tells no one
    assert not re.search(r"https?://", report_html)
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=[\"'](?!data:|#)", report_html)


def test_report_on_an_unreadable_log_is_a_clear_message(tmp_path, capsys):
    bad = tmp_path / "log.xlsx"
    bad.write_bytes(b"not a workbook at all")
    assert main(["report", str(bad), "-o", str(tmp_path / "r.html")]) == 2
    err = capsys.readouterr().err
    assert "cannot read the log" in err and "Traceback" not in err
    assert not (tmp_path / "r.html").exists()
