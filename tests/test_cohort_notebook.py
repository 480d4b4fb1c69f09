"""The cohort-comparison notebook runs on any study (issue 19, item 7): the BA sample (under nbval,
with its defaults), a generated experience-sampling study read from one long export, and an
m-Path export with its prompts sent and answered."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "cohort-comparison.ipynb"
ESM = ROOT / "data" / "sample" / "esm"
MPATH = ROOT / "data" / "sample" / "formats" / "mpath-export.csv"


def run(tmp_path, **parameters) -> str:
    """The notebook executed with *parameters*; the text of every output, in order."""
    papermill = pytest.importorskip("papermill")
    out = tmp_path / "run.ipynb"
    papermill.execute_notebook(str(NOTEBOOK), str(out), parameters=parameters, cwd=str(ROOT),
                               progress_bar=False, kernel_name="python3")
    nb = json.loads(out.read_text(encoding="utf-8"))
    texts = []
    for cell in nb["cells"]:
        for o in cell.get("outputs", []):
            assert o.get("output_type") != "error", o
            data = o.get("data", {})
            text = (o.get("text") or data.get("text/html") or data.get("text/markdown")
                    or data.get("text/plain") or "")
            texts.append("".join(text) if isinstance(text, list) else text)
    return re.sub(r"<[^>]+>", " ", "\n".join(texts))


def test_on_an_experience_sampling_study(tmp_path):
    text = run(tmp_path, cohort_path=str(ESM / "study.csv"), roster_path=str(ESM / "participants.csv"),
               questionnaires_path=None, group="group", reference="comparison", unit="day",
               na_values=[-99], treatment_weeks=None)
    assert "Within [95% CI]" in text and "Between [95% CI]" in text  # the within- and between-person table
    for activity in ("Exercise", "Screens", "Socialising"):
        assert activity in text
    assert "section 6 is skipped" in text
    assert "compliance (prompts sent against answered) cannot be counted" in text
    assert "-99 read as missing" in text  # the loader's note, listed in section 1


def test_on_an_m_path_export_with_compliance(tmp_path):
    text = run(tmp_path, cohort_path=str(MPATH), roster_path=None, questionnaires_path=None,
               log_format="mpath", group=None, unit="day", min_compliance=0.5, treatment_weeks=None)
    assert "prompts answered" in text and "below 50%" in text
    assert "No group column" in text
