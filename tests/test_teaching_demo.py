"""The teaching demo's claims hold on the data its default parameters make, for several seeds.

``notebooks/teaching-demo.ipynb`` tells a trainee what to see: the avoidance cycle (avoidance up,
mood low and sinking while Alex only monitors) turning round under activation (scheduled
activities done go up, avoidance share down, mood up), one task broken into steps, a behavioural
experiment that starts from a written prediction, and life areas. These tests run the notebook's
own parameters cell and the cells that make and tabulate the data (so they follow any change of
its defaults), for the default seed and the seeds 1-10, and check each claim with
``ba.progress`` and plain pandas.

A claim about a random client can fail for an unlucky seed: each test says how often its claim
held over seeds 1-100 when the defaults were chosen (all of seeds 1-10 pass, except where a test
allows a miss because the rate is lower).
"""

from __future__ import annotations

import contextlib
import io
import json
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # before the notebook cells import pyplot
import numpy as np
import pandas as pd
import pytest

import bactivate as ba

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "teaching-demo.ipynb"
CELLS = [c for c in json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]]
CODE = ["".join(c["source"]) for c in CELLS if c["cell_type"] == "code"]
PARAMETERS = CODE[0]
LIFE_AREAS = {"Relationships", "Physical health", "Self-care", "Household/Chores", "Leisure", "Work/Education"}


def _cell(marker: str) -> str:
    """The notebook's (first) code cell that contains *marker*."""
    found = [c for c in CODE if marker in c]
    assert found, f"the teaching demo has no code cell with {marker!r}"
    return found[0]


def _defaults() -> dict:
    ns: dict = {}
    exec(PARAMETERS, ns)
    return ns


DEFAULT_SEED = _defaults()["seed"]
SEEDS = sorted({DEFAULT_SEED, *range(1, 11)})


def run_demo(seed: int | None = None, cells=("ba.synth.client(",), **overrides) -> dict:
    """Run the parameters cell (then *overrides*) and the cells marked by *cells*; their namespace."""
    ns: dict = {"ba": ba, "pd": pd}
    exec(PARAMETERS, ns)
    if seed is not None:
        ns["seed"] = seed
    ns.update(overrides)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for marker in cells:
            exec(_cell(marker), ns)
    ns["_stdout"] = out.getvalue()
    return ns


@pytest.fixture(scope="module")
def demos() -> dict[int, dict]:
    return {seed: run_demo(seed, cells=("ba.synth.client(", "pd.crosstab(kitchen")) for seed in SEEDS}


def _slope(y: pd.Series) -> float:
    return float(np.polyfit(y.index.to_numpy(dtype=float), y.to_numpy(dtype=float), 1)[0])


def _weekly_from_log(ns: dict) -> pd.DataFrame:
    """Mood and avoidance share per week with plain pandas (rows that happened), not ba.progress."""
    alex, week = ns["alex"], ns["week"]
    happened = ~(alex["planned"] & ~alex["done"].fillna(True).astype(bool))
    rows = alex[happened]
    return pd.DataFrame({"mood": rows.groupby(week[rows.index])["mood"].mean(),
                         "avoidance_share": rows.groupby(week[rows.index])["avoidance"].mean().astype(float)})


def test_the_demo_is_set_up_as_described():
    p = _defaults()
    assert p["baseline_weeks"] >= 3 and p["weeks"] - p["baseline_weeks"] >= 8
    assert isinstance(p["prediction"], str) and p["prediction"].strip()
    assert isinstance(p["predicted_difference"], int | float)
    assert isinstance(p["graded_task"], str) and len(p["graded_steps"]) >= 2
    assert p["lapse_week"] is None, "the default story has no lapse (an exercise adds one)"
    code = "\n".join(CODE)
    for call in ("ba.progress(", "ba.progress_trend(", "ba.plot.progress(", "ba.mood_by_activity(",
                 "ba.plot.mood_by_activity(", 'ba.balance(alex, by="category")', "graded_task="):
        assert call in code, call
    # the prediction is written down before the data are looked at
    order = [i for i, c in enumerate(CODE) if "prediction" in c and "print" in c]
    assert order and order[0] < CODE.index(_cell("ba.mood_by_activity(")), "the prediction comes first"


def test_activation_turns_the_cycle_round_for_every_seed(demos):
    """Over the activation weeks: planned activities done rise, avoidance share falls, mood rises.

    ba.progress_trend calls each 'rising'/'falling' only when its 95% interval excludes 0, the
    notebook's "clear". Over seeds 1-100 all three were clear for 97 clients, and the plain-pandas
    checks below held for 97.
    """
    for seed, ns in demos.items():
        trend = ns["activation"].attrs["trend"].set_index("measure")["direction"]
        assert trend["done"] == "rising", seed
        assert trend["avoidance_share"] == "falling", seed
        assert trend["mood"] == "rising", seed
        # the same from the log with plain pandas: a clear fall and rise, not a wobble
        weekly = _weekly_from_log(ns).loc[ns["baseline_weeks"] + 1:]
        assert _slope(weekly["mood"]) > 0.2, seed  # mood points a week
        assert _slope(weekly["avoidance_share"]) < -0.01, seed  # share a week
        assert weekly["mood"].iloc[-3:].mean() > weekly["mood"].iloc[:3].mean() + 1.5, seed
        assert weekly["avoidance_share"].iloc[-3:].mean() < weekly["avoidance_share"].iloc[:3].mean() - 0.1, seed


def test_baseline_avoidance_is_high_and_mood_low_and_sinking(demos):
    """While Alex only monitors, avoidance grows and mood sinks.

    Four weekly points are too few for a 'clear' trend (the notebook says so); the direction is
    checked instead. Over seeds 1-100 the baseline avoidance slope was positive 100 % and the
    baseline mood slope negative 93 % of the time, so one miss in the seeds here is allowed (none
    for the default seed); the true (noise-free) mood fell by more than half a point for 99.
    """
    mood_falls = []
    for seed, ns in demos.items():
        b = ns["baseline_weeks"]
        weekly = _weekly_from_log(ns)
        base, end = weekly.loc[:b], weekly.iloc[-3:]
        assert _slope(base["avoidance_share"]) > 0, seed
        # high by the end of the monitoring weeks: well above where activation leaves it
        assert base["avoidance_share"].iloc[-2:].mean() > end["avoidance_share"].mean() + 0.05, seed
        assert base["mood"].mean() < end["mood"].mean() - 1.5, seed  # low
        assert base["mood"].mean() < ns["starting_mood"], seed
        truth = ns["alex"].attrs["truth"]["weeks"].set_index("week")["mood"]
        assert truth[b] < truth[1] - 0.5, seed
        mood_falls.append(_slope(base["mood"]) < 0)
        # ba.progress agrees with the plain-pandas weekly table
        progress = ns["baseline"].set_index("week")
        assert np.allclose(progress["mood"], base["mood"]) and np.allclose(progress["avoidance_share"],
                                                                            base["avoidance_share"])
    assert mood_falls[SEEDS.index(DEFAULT_SEED)], "the default client's mood sinks at baseline"
    assert sum(mood_falls) >= len(SEEDS) - 1, mood_falls


def test_graded_task_is_one_task_broken_into_steps(demos):
    """The whole task is planned and mostly skipped at baseline, each step gets done in its own
    week, then the whole task gets done. Over seeds 1-100: baseline done <= 1/3 of the times 97 %,
    steps done >= 2/3 98 %, the whole task afterwards >= 60 % 100 %."""
    for seed, ns in demos.items():
        task, steps, b = ns["graded_task"], ns["graded_steps"], ns["baseline_weeks"]
        planned, done = ns["planned"], ns["done"]
        assert planned.index.tolist() == [task, *steps]
        per_week = int(planned.to_numpy().max())
        # the plan: whole task at baseline, step j in activation week j, then the whole task again
        for j, step in enumerate(steps, start=1):
            assert planned.loc[step][planned.loc[step] > 0].to_dict() == {b + j: per_week}, (seed, step)
        whole = planned.loc[task]
        assert (whole.loc[:b] == per_week).all() and (whole.loc[b + len(steps) + 1:] == per_week).all()
        assert (whole.loc[b + 1:b + len(steps)] == 0).all()
        # what happened
        before = done.loc[task, :b].sum() / whole.loc[:b].sum()
        stepped = done.loc[steps].to_numpy().sum() / planned.loc[steps].to_numpy().sum()
        after = done.loc[task, b + len(steps) + 1:].sum() / whole.loc[b + len(steps) + 1:].sum()
        assert before <= 1 / 3, (seed, before)
        assert stepped >= 2 / 3, (seed, stepped)
        assert after >= 0.6, (seed, after)
    # the table the notebook shows: "done of planned", blank where the item was not planned
    ns = run_demo(cells=("ba.synth.client(",))
    exec(_cell("pd.crosstab(kitchen").replace("(done.astype(str)", "shown = (done.astype(str)"), ns)
    shown = ns["shown"]
    b, step1 = ns["baseline_weeks"], ns["graded_steps"][0]
    assert shown.loc[step1, b + 1].endswith(" of 3") and shown.loc[step1, 1] == ""


def test_experiment_verdict_follows_the_interval_in_plain_words(demos):
    """The written prediction (no difference) does not hold: walking days are clearly better.
    Over seeds 1-100 the interval excluded the prediction 97 % of the time and contained the
    true effect 87 % of the time (two misses allowed here)."""
    verdict = _cell('print("The prediction did not hold')
    contains = []
    for seed, ns in demos.items():
        experiment = ba.mood_by_activity(ns["alex"])
        ns["walk"] = experiment.set_index("activity").loc["Walk in the park"]
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(verdict, ns)
        text = out.getvalue()
        assert "The prediction did not hold: days with a walk were clearly better" in text, (seed, text)
        assert ns["walk"]["ci_low"] > ns["predicted_difference"]
        for word in ("q-value", "Benjamini", "bootstrap", "p =", "CI"):
            assert word not in text
        contains.append("the interval contains it" in text)
    assert sum(contains) >= len(SEEDS) - 2, contains


@pytest.mark.parametrize(("walk_effect", "predicted", "expected"), [
    (1.5, 3.0, "did not hold: days with a walk were clearly worse"),
    (1.5, 1.5, "held up"),
    (0.0, 0.0, "held up"),
])
def test_experiment_verdict_for_other_predictions(walk_effect, predicted, expected):
    ns = run_demo(cells=("ba.synth.client(", "ba.mood_by_activity(", 'print("The prediction did not hold'),
                  walk_effect=walk_effect, predicted_difference=predicted)
    assert expected in ns["_stdout"], ns["_stdout"]


def test_life_areas_appear_and_activation_spreads_across_them(demos):
    """Over seeds 1-100 the scheduled activities done reached at least 6 life areas every time, and
    2 more a week in the last weeks than in the first activation week 96 times."""
    for seed, ns in demos.items():
        alex, week, b = ns["alex"], ns["week"], ns["baseline_weeks"]
        assert LIFE_AREAS <= set(alex["category"].unique())
        done = alex[alex["planned"] & alex["done"].fillna(False).astype(bool)]
        areas = done.groupby(week[done.index])["category"].nunique()
        assert areas.iloc[-3:].mean() > areas.get(b + 1, 0) + 2, (seed, areas.to_dict())
        assert done.loc[week[done.index] > b, "category"].nunique() >= 6, seed
    by_area = ba.balance(demos[DEFAULT_SEED]["alex"], by="category")
    assert LIFE_AREAS <= set(by_area["category"])


def test_notebook_code_runs_without_warnings_or_stderr():
    """Every code cell, in order, with warnings as errors: the demo's outputs carry no warning."""
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ns: dict = {}
    err = io.StringIO()
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        warnings.simplefilter("error")
        for cell in CODE:
            exec(cell, ns)
            plt.close("all")
    assert err.getvalue() == ""
