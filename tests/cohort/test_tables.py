"""Research tables: p-values as a reader expects, rounding, key columns first, escaping, and a
cohort notebook whose every table fits a laptop screen."""

from __future__ import annotations

import json
import os
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import bactivate as ba
from bactivate.cohort.tables import MAX_COLUMNS, notes, p_value, show

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "sample" / "cohort"
NOTEBOOK = ROOT / "notebooks" / "cohort-comparison.ipynb"
# a number with more than 4 decimals, or in scientific notation, is not for reading
TOO_PRECISE = re.compile(r"\d\.\d{5,}|\d(\.\d+)?e[-+]\d")


@pytest.fixture(scope="module")
def cohort():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ba.read_cohort(SAMPLE, roster=SAMPLE / "roster.csv")


@pytest.fixture(scope="module")
def summary(cohort):
    return ba.client_summary(cohort)


@pytest.mark.parametrize(("p", "text"), [
    (5.246269e-07, "<0.001"), (0.0009999, "<0.001"), (0.001, "0.001"), (0.0012, "0.001"),
    (0.00523, "0.005"), (0.04999, "0.050"), (0.05, "0.050"), (0.2345, "0.234"), (0.5, "0.500"),
    (0.99999, "1.000"), (1.0, "1.000"), (float("nan"), "–"), (None, "–"), (pd.NA, "–"),
])
def test_p_values(p, text):
    assert p_value(p) == text


def test_compare_groups_key_columns_rounded(summary):
    comparison = ba.compare_groups(summary, "arm", ["mood_change", "mood_slope", "adherence"])
    table = show(comparison)
    assert table.kind == "compare"
    assert table.data.columns.tolist() == ["Measure", "Mean BA", "Mean control", "Difference [95% CI]",
                                           "Hedges' g [95% CI]", "p", "n"]
    row = table.data.set_index("Measure").loc["mood change"]
    c = comparison.set_index("value").loc["mood_change"]
    assert row["Mean BA"] == f"{c['mean_a']:.1f}" and row["Mean control"] == f"{c['mean_b']:.1f}"
    assert row["Difference [95% CI]"] == f"{c['diff']:.2f} [{c['ci_low']:.2f}, {c['ci_high']:.2f}]"
    assert row["Hedges' g [95% CI]"] == f"{c['hedges_g']:.2f} [{c['g_ci_low']:.2f}, {c['g_ci_high']:.2f}]"
    assert row["p"] == "<0.001" and row["n"] == "20 / 20"
    # a share is shown in percent, and says so
    assert table.data["Measure"].tolist()[-1] == "adherence (%)"
    adh = comparison.set_index("value").loc["adherence"]
    assert table.data.iloc[-1]["Mean BA"] == f"{adh['mean_a'] * 100:.1f}"
    # the rest is named, and shown on request
    assert set(table.hidden) == {"sd_a", "sd_b", "t", "df", "p_mannwhitney", "p_adjusted"}
    assert "mood_change" not in " ".join(table.hidden)
    assert show(comparison, all=True).data.shape[1] == 7 + 6
    # the description is a note, shown as a list item
    assert table.notes and "<li>client = unit of analysis" in table.to_html()


def test_compare_groups_with_three_arms_names_the_pair(summary):
    three = summary.assign(arm=np.where(np.arange(len(summary)) % 3 == 0, "waitlist", summary["arm"]))
    table = show(ba.compare_groups(three, "arm", "mood_change"))
    assert "Arms (n)" in table.data.columns and "Mean a" in table.data.columns
    assert table.data["Arms (n)"].str.fullmatch(r".+ vs .+ \(\d+ / \d+\)").all()
    assert "p (adjusted)" in table.data.columns
    assert len(table.data.columns) <= MAX_COLUMNS


def test_client_summary_key_columns_the_rest_on_request(summary):
    table = show(summary)
    assert table.kind == "summary"
    assert table.data.columns.tolist()[:2] == ["Client", "Arm"]
    assert len(table.data.columns) <= MAX_COLUMNS
    assert len(table.data) == len(summary) == 40
    assert {"age", "gender", "site", "mastery", "pleasure", "avoidance_share"} <= set(table.hidden)
    assert "Also in the frame: age" in table.to_html()
    assert table.data["Adherence"].str.fullmatch(r"\d+%").all()
    assert show(summary, rows=3).data.shape[0] == 3
    wide = show(summary, all=True)
    assert wide.hidden == [] and wide.data.shape[1] > 20


def test_trajectory_terms_in_words(cohort):
    model = ba.trajectory(cohort, group="arm", value="mood", reference="control", weeks=range(2, 9))
    table = show(model)
    assert table.data.columns.tolist() == ["Term", "Estimate [95% CI]", "SE", "df", "p"]
    assert table.data["Term"].tolist() == ["Intercept", "arm BA", "week", "week × arm BA"]
    assert table.data.iloc[3]["p"] == "<0.001"
    assert any("formula mood ~ week * arm" in n for n in table.notes)


def test_questionnaire_scores_without_items():
    answers = pd.read_csv(ROOT / "data/sample/questionnaires.csv", dtype={"client": "str"}, parse_dates=["date"])
    phq = show(ba.score_phq9(answers))
    assert phq.kind == "scores"
    assert phq.data.columns.tolist()[:3] == ["Client", "Week", "PHQ-9 total"]
    assert not any(re.search(r"\d$", c) for c in phq.data.columns)
    assert len(phq.data.columns) <= MAX_COLUMNS
    assert "bads_sf_1" in phq.hidden and "phq9_items_answered" in phq.hidden
    bads = show(ba.score_bads_sf(answers))
    assert "BADS-SF activation" in bads.data.columns


def test_pre_post_and_generic_frames(summary):
    answers = pd.read_csv(ROOT / "data/sample/questionnaires.csv", dtype={"client": "str"}, parse_dates=["date"])
    change = ba.pre_post(ba.score_phq9(answers), "phq9_total", roster=SAMPLE / "roster.csv")
    table = show(change)
    assert table.data.columns.tolist() == ["Client", "Arm", "Pre (week)", "Post (week)", "Change"]
    assert re.fullmatch(r"\d+ \(\d+\)", table.data.iloc[0]["Pre (week)"])
    assert table.data["Change"].str.fullmatch(r"[+-]?\d+").all()
    wide = pd.DataFrame({f"col{i}": np.linspace(0, 1, 3) / 7 for i in range(12)})
    generic = show(wide)
    assert generic.kind == "table" and generic.data.shape[1] == MAX_COLUMNS
    assert len(generic.hidden) == 12 - MAX_COLUMNS
    assert not generic.data.map(lambda v: bool(TOO_PRECISE.search(v))).any().any()


def test_client_and_arm_text_is_escaped(summary):
    s = summary.head(4).copy()
    s["client"] = ["<script>alert(1)</script>", "C2", "C3", "C4"]
    s["arm"] = ["<b>BA</b>", "control", "<b>BA</b>", "control"]
    html = show(s).to_html() + show(ba.compare_groups(s, "arm", "mood_change")).to_html()
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "Mean &lt;b&gt;BA&lt;/b&gt;" in html


def test_notes_are_a_bulleted_list(cohort):
    html = notes(cohort.attrs["notes"]).data
    assert html.startswith("<ul") and html.count("<li>") == len(cohort.attrs["notes"])
    assert "['" not in html
    assert "No notes." in notes([]).data
    assert notes("<one>").data.count("<li>") == 1 and "&lt;one&gt;" in notes("<one>").data


def test_arguments(summary):
    with pytest.raises(ValueError, match="kind must be one of"):
        show(summary, kind="forest")
    with pytest.raises(ValueError, match="needs the columns"):
        show(summary, kind="compare")
    with pytest.raises(TypeError):
        show([1, 2, 3])


# --------------------------------------------------------------------------- the notebook


def _tables(html: str) -> list[str]:
    return re.findall(r"<table.*?</table>", html, flags=re.DOTALL)


def _header_columns(table: str) -> int:
    """The columns a reader sees: header cells of the first header row, less a blank index corner."""
    head = re.search(r"<thead>\s*<tr[^>]*>(.*?)</tr>", table, flags=re.DOTALL)
    cells = re.findall(r"<th[^>]*>(.*?)</th>", head.group(1), flags=re.DOTALL) if head else []
    return len([c for c in cells if c.strip()])


def _cells(table: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", table, flags=re.DOTALL)]


@pytest.fixture(scope="module")
def executed():
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    env_key = os.environ.pop("BACTIVATE_KEY", None)  # the headless run makes a throwaway key
    try:
        nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    finally:
        if env_key is not None:
            os.environ["BACTIVATE_KEY"] = env_key
    return nb


def _outputs(nb, kind: str) -> list[str]:
    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            data = o.get("data", {})
            if kind in data:
                out.append(data[kind])
            if o.get("output_type") == "stream" and kind == "stream":
                out.append(o.get("name", "") + ":" + o.get("text", ""))
    return out


def test_cohort_notebook_tables_fit_a_laptop_screen(executed):
    tables = [t for html in _outputs(executed, "text/html") for t in _tables(html)]
    assert len(tables) >= 20
    for t in tables:
        assert _header_columns(t) <= MAX_COLUMNS, t[:400]
        for cell in _cells(t):
            assert not TOO_PRECISE.search(cell), cell


def test_cohort_notebook_runs_clean_and_shows_the_deidentification(executed):
    assert not [s for s in _outputs(executed, "stream") if s.startswith("stderr")]
    html = "\n".join(_outputs(executed, "text/html"))
    assert "throwaway random key" in html  # BACTIVATE_KEY unset: said, not hidden
    assert "pseudonymised" in html and "banded" in html  # the per-column report
    assert "site-" in html and "Site A" not in html
    assert "<li>" in html  # notes as lists
    text = "\n".join(_outputs(executed, "text/plain"))
    assert "['every file" not in text  # notes are not a printed Python list


def test_cohort_notebook_template_has_no_key_in_it():
    nb = json.loads(NOTEBOOK.read_text())
    params = "".join(nb["cells"][1]["source"])
    assert "parameters" in nb["cells"][1]["metadata"]["tags"]
    assert nb["cells"][0]["cell_type"] == "markdown" and nb["cells"][0]["source"][0].startswith("# ")
    assert params.startswith("# Change these, then Run All")
    assert 'key_variable = "BACTIVATE_KEY"' in params and "placeholder" not in params
    assert nb["metadata"]["kernelspec"]["name"] == "bactivate"


def test_activity_effects_read_as_within_and_between_with_their_intervals():
    from bactivate.cohort.within import esm_study

    effects = ba.activity_effects(esm_study(n_people=12, days=5, prompts=5, seed=2))
    table = show(effects)
    assert list(table.data.columns) == ["Activity", "Within [95% CI]", "q (within)", "Between [95% CI]",
                                        "q (between)", "People (with it)", "Prompts"]
    first = effects.iloc[0]
    assert table.data["Within [95% CI]"].iloc[0].startswith(f"{first['within']:.2f} [")
    assert "within_p" in table.hidden
