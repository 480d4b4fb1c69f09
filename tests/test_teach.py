"""bactivate.teach: sliders built from a notebook's parameters, redrawing on change, and the truth marks.

The widgets are ipywidgets objects used directly, without a front end: setting a control's
``value`` is what moving the slider in JupyterLab does.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest

import bactivate as ba
from bactivate import teach

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "teaching-demo.ipynb"
CELLS = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
CODE = ["".join(c["source"]) for c in CELLS if c["cell_type"] == "code"]

ipywidgets = pytest.importorskip("ipywidgets")


class Recorder:
    """A draw callback that records the values it is called with."""

    def __init__(self):
        self.calls = []

    def __call__(self, **values):
        self.calls.append(values)
        return [f"drawn {len(self.calls)}"]


VALUES = {"weeks": 14, "starting_mood": 4.5, "walk_effect": 1.5, "seed": 5, "task": "Tidy kitchen",
          "steps": ["a", "b"], "lapse_week": None, "mode": "clinician"}
RANGES = {"weeks": (8, 26), "starting_mood": (1.0, 8.0, 0.5), "walk_effect": (-1.0, 3.0), "seed": (1, 100),
          "task": str, "mode": ["clinician", "client"]}


def test_controls_take_their_kind_range_and_start_from_the_parameters():
    panel = teach.Live(Recorder(), VALUES, RANGES)
    c = panel.controls
    assert set(c) == set(RANGES)  # only the named parameters get a control
    assert isinstance(c["weeks"], ipywidgets.IntSlider) and (c["weeks"].min, c["weeks"].max) == (8, 26)
    assert c["weeks"].value == 14 and c["weeks"].step == 1
    assert isinstance(c["starting_mood"], ipywidgets.FloatSlider)
    assert (c["starting_mood"].min, c["starting_mood"].max, c["starting_mood"].step) == (1.0, 8.0, 0.5)
    assert c["walk_effect"].step == pytest.approx(0.04)  # a hundred steps when none is given
    assert isinstance(c["seed"], ipywidgets.IntSlider) and c["seed"].value == 5
    assert isinstance(c["task"], ipywidgets.Text) and c["task"].value == "Tidy kitchen"
    assert isinstance(c["mode"], ipywidgets.Dropdown) and c["mode"].options == ("clinician", "client")
    for name, control in c.items():
        assert control.description == name
        assert not getattr(control, "continuous_update", False), "redraw on release, not on every pixel"
    assert panel.values == VALUES
    assert list(panel.box.children) == [*c.values(), panel.output]


def test_a_value_outside_the_range_widens_it_instead_of_being_clipped():
    panel = teach.Live(Recorder(), {**VALUES, "weeks": 40, "walk_effect": -2.0}, RANGES)
    assert (panel.controls["weeks"].min, panel.controls["weeks"].max, panel.controls["weeks"].value) == (8, 40, 40)
    assert panel.controls["walk_effect"].min == -2.0 and panel.controls["walk_effect"].value == -2.0


def test_a_change_calls_draw_with_the_new_values_and_the_fixed_ones():
    draw = Recorder()
    panel = teach.Live(draw, VALUES, RANGES)
    assert draw.calls == []  # building draws nothing: live() draws once
    panel.controls["walk_effect"].value = 0.0
    assert draw.calls == [{**VALUES, "walk_effect": 0.0}]
    panel.controls["seed"].value = 9
    panel.controls["task"].value = "Pay bills"
    assert draw.calls[-1] == {**VALUES, "walk_effect": 0.0, "seed": 9, "task": "Pay bills"}
    assert draw.calls[-1]["steps"] == ["a", "b"] and panel.calls == 3
    panel.controls["seed"].value = 9  # the same value again is no change
    assert len(draw.calls) == 3


def test_bad_controls_are_refused_with_their_name():
    with pytest.raises(ValueError, match="no value for nope"):
        teach.Live(Recorder(), VALUES, {"nope": (0, 1)})
    with pytest.raises(ValueError, match="task = 'Tidy kitchen' is not a number"):
        teach.Live(Recorder(), VALUES, {"task": (0, 1)})
    with pytest.raises(ValueError, match="not one of its choices"):
        teach.Live(Recorder(), VALUES, {"mode": ["client"]})


def test_outside_a_kernel_live_draws_once_with_the_parameters():
    draw = Recorder()
    assert teach.live(draw, VALUES, RANGES) == ["drawn 1"]
    assert draw.calls == [VALUES]


def test_without_ipywidgets_live_says_so_in_one_line_and_draws_once(monkeypatch, capsys):
    shown = []
    monkeypatch.setattr(teach, "_in_kernel", lambda: True)
    monkeypatch.setattr(teach, "_show", shown.append)
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # as if not installed
    assert not teach._has_widgets()
    draw = Recorder()
    assert teach.live(draw, VALUES, RANGES) == []
    assert capsys.readouterr().out == teach.NO_WIDGETS + "\n"
    assert draw.calls == [VALUES] and shown == ["drawn 1"]


def test_in_a_kernel_live_returns_the_panel_drawn_once(monkeypatch):
    shown = []
    monkeypatch.setattr(teach, "_in_kernel", lambda: True)
    monkeypatch.setattr(teach, "_show", shown.append)
    draw = Recorder()
    panel = teach.live(draw, VALUES, RANGES)
    assert isinstance(panel, teach.Live) and draw.calls == [VALUES] and shown == ["drawn 1"]
    panel.controls["weeks"].value = 20
    assert draw.calls[-1]["weeks"] == 20 and shown == ["drawn 1", "drawn 2"]


def test_a_refused_combination_is_one_line_in_the_output_not_an_error(monkeypatch, capsys):
    monkeypatch.setattr(teach, "_in_kernel", lambda: True)
    panel = teach.Live(teach.demo_figures, {"weeks": 8, "baseline_weeks": 4}, {"baseline_weeks": (1, 12)})
    panel.controls["baseline_weeks"].value = 9  # more monitoring weeks than weeks: synth refuses
    assert panel.redraw() == []
    out = capsys.readouterr().out  # (outside a front end, clearing the output shows as escape codes)
    assert out.count("Cannot draw with these values: baseline_weeks") == 2  # the change, and redraw()


# ----------------------------------------------------------------------------- the demo's charts


def _defaults() -> dict:
    ns: dict = {}
    exec(CODE[0], ns)
    return {k: v for k, v in ns.items() if not k.startswith("__")}


def test_demo_client_is_the_notebooks_alex():
    ns: dict = {}
    for cell in CODE[:3]:  # parameters, imports, the synthetic client
        exec(cell, ns)
    assert teach.demo_client(**_defaults()).equals(ns["alex"])


def test_the_live_cell_passes_every_parameter_the_charts_use():
    live = [c for c in CODE if "teach.live(" in c]
    assert len(live) == 1
    params = set(_defaults()) - {"prediction", "loop_week"}  # (loop_week: section 8, not a live chart)
    for name in params:
        assert f"{name}={name}" in live[0], name


def test_true_weeks_matches_what_happened_on_average():
    truth, done = [], []
    for seed in range(1, 7):
        log = teach.demo_client(seed=seed)
        truth.append(teach.true_weeks(log).set_index("week")["done"])
        done.append(ba.progress(log).set_index("week")["done"])
    truth, done = np.mean(truth, axis=0), np.mean(done, axis=0)
    assert truth[:4].sum() == pytest.approx(4 * 3 * 0.15, abs=1e-9)  # the whole task, mostly skipped
    assert abs(done.sum() - truth.sum()) < 0.05 * truth.sum()


def test_every_chart_comparing_estimates_with_the_truth_marks_it():
    figs = teach.demo_figures(seed=3, walk_effect=0.75)
    try:
        labels = [[t.get_text() for t in ax.get_legend().get_texts()] if ax.get_legend() else []
                  for ax in (figs[0].axes[1], figs[1].axes[0], figs[1].axes[2], figs[2].axes[0], figs[3].axes[0])]
        assert "true mood (no day-to-day noise)" in labels[0] and "true mood (no day-to-day noise)" in labels[2]
        assert "true expected count" in labels[1]
        assert "true effect (set in the parameters)" in labels[3] and "Alex's prediction" in labels[3]
        assert "true effect (built into the data)" in labels[4]
        walk_line = [line for line in figs[2].axes[0].get_lines() if line.get_label().startswith("true effect")]
        assert walk_line[0].get_xdata()[0] == 0.75
    finally:
        plt.close("all")


def test_the_notebook_marks_the_truth_on_each_chart_that_compares():
    code = "\n".join(CODE)
    assert code.count("teach.mark_truth(") == 2 and "teach.mark_effects(" in code
    assert 'label="true effect (set in the parameters)"' in code


def test_in_a_real_kernel_moving_a_slider_redraws_the_charts_into_the_output_widget():
    """Act as JupyterLab does: run the notebook's live cell in a kernel, send the comm message a
    released slider sends, and check the kernel answers as a widget front end needs: the output
    widget takes the change's message id, is cleared, and gets the four redrawn charts."""
    from jupyter_client.manager import start_new_kernel

    live = [c for c in CODE if "teach.live(" in c][0]
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(ROOT))
    try:
        for cell in CODE[:2]:  # the parameters and the imports
            assert kc.execute_interactive(cell, timeout=120)["content"]["status"] == "ok"
        models, first = {}, []

        def hook(msg):
            if msg["msg_type"] == "comm_open":
                models[msg["content"]["comm_id"]] = msg["content"]["data"]["state"]
            elif msg["msg_type"] in ("display_data", "stream", "error"):
                first.append(msg)

        assert kc.execute_interactive(live, timeout=120, output_hook=hook)["content"]["status"] == "ok"
        assert [m["msg_type"] for m in first] == ["display_data"] * 5  # four charts, then the panel
        assert "application/vnd.jupyter.widget-view+json" in first[-1]["content"]["data"]
        seed = next(cid for cid, s in models.items() if s.get("description") == "seed")
        output = next(cid for cid, s in models.items() if s.get("_model_name") == "OutputModel")
        msg = kc.session.msg("comm_msg", {"comm_id": seed, "data": {
            "method": "update", "state": {"value": 12}, "buffer_paths": []}})
        kc.shell_channel.send(msg)
        seen = []
        while not seen or seen[-1] != "idle":
            reply = kc.get_iopub_msg(timeout=120)
            if reply["parent_header"].get("msg_id") != msg["header"]["msg_id"]:
                continue
            kind, content = reply["msg_type"], reply["content"]
            if kind == "status":
                seen.append(content["execution_state"])
            elif kind == "comm_msg" and content["comm_id"] == output:
                seen.append(f"output msg_id {'set' if content['data']['state']['msg_id'] else 'reset'}")
            elif kind == "display_data":
                seen.append("png" if "image/png" in content["data"] else kind)
            elif kind != "comm_msg":
                seen.append(kind)
        assert seen == ["busy", "output msg_id set", "clear_output", "png", "png", "png", "png",
                        "output msg_id reset", "idle"], seen
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
