"""Live teaching: a notebook's parameters as sliders, and charts with the planted truth marked.

:func:`live` turns the values of a notebook's parameters cell into sliders
(ipywidgets) and redraws what a draw function returns whenever one moves. The
parameters cell stays the source of truth: run headless (nbval, papermill, a
script) the cell draws once with those values, and without ipywidgets it says
so in one line and draws once.

:func:`demo_figures` is the teaching demo's draw function: a synthetic client
made from the demo's parameters and the charts that compare what the analysis
found with the truth built into the data (:func:`mark_truth`,
:func:`mark_effects`).

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from bactivate import teach
>>> figs = teach.demo_figures(weeks=8, baseline_weeks=3, seed=2)
>>> [type(f).__name__ for f in figs]
['Figure', 'Figure', 'Figure', 'Figure']
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Mapping, Sequence
from numbers import Integral, Real

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from bactivate.lazy import Lazy
from bactivate.mood import mood_by_activity
from bactivate.plot import mood_by_activity as plot_mood_by_activity
from bactivate.plot import progress as plot_progress
from bactivate.progress import progress, progress_trend
from bactivate.synth import client

__all__ = ["NO_WIDGETS", "Live", "demo_client", "demo_figures", "fill_in_plan", "live", "mark_effects",
           "mark_truth", "true_weeks"]

_xl = Lazy("openpyxl")  # imported on first use: only fill_in_plan needs it

#: the one line shown instead of sliders when ipywidgets is not installed
NO_WIDGETS = ("Sliders need ipywidgets (pip install 'bactivate[lab]'); "
              "showing the charts for the parameters above.")

#: colour of everything that shows the truth built into the synthetic data
TRUTH = "crimson"


def _has_widgets() -> bool:
    return importlib.util.find_spec("ipywidgets") is not None


def _in_kernel() -> bool:
    """True inside a Jupyter kernel (Lab, nbval, papermill), False in a plain interpreter."""
    if importlib.util.find_spec("IPython") is None:
        return False
    from IPython import get_ipython

    return getattr(get_ipython(), "kernel", None) is not None


def _show(item) -> None:
    """Display one result of a draw function; a matplotlib figure is displayed, then closed."""
    from IPython.display import display

    display(item)
    if isinstance(item, Figure):
        plt.close(item)  # else the inline backend shows it a second time at the end of the cell


def _as_list(result) -> list:
    if result is None:
        return []
    return list(result) if isinstance(result, list | tuple) else [result]


def _control(name: str, value, spec):
    """The widget for one parameter: a slider for a (low, high[, step]) range, else a text box."""
    import ipywidgets as w

    common = {"description": name, "continuous_update": False, "style": {"description_width": "initial"},
              "layout": {"width": "420px"}}
    if isinstance(spec, list):
        if value not in spec:
            raise ValueError(f"{name} = {value!r} is not one of its choices {spec}")
        return w.Dropdown(options=spec, value=value, description=name, style=common["style"])
    if spec is str:
        return w.Text(value=str(value), description=name, style=common["style"], layout={"width": "640px"},
                      continuous_update=False)
    low, high, *step = spec
    if not isinstance(value, Real) or isinstance(value, bool):
        raise ValueError(f"{name} = {value!r} is not a number; give it a text box (str) or a list of choices")
    low, high = min(low, value), max(high, value)  # the parameters cell wins over the range
    if all(isinstance(v, Integral) and not isinstance(v, bool) for v in (value, low, high, *step)):
        return w.IntSlider(value=value, min=low, max=high, step=step[0] if step else 1, **common)
    return w.FloatSlider(value=float(value), min=low, max=high, step=step[0] if step else (high - low) / 100,
                         readout_format=".2f", **common)


class Live:
    """Sliders for some of a notebook's parameters, and what *draw* returns, redrawn on every change.

    Parameters
    ----------
    draw : callable
        Called as ``draw(**values)``; returns what to show: a matplotlib Figure
        (displayed, then closed), anything IPython can display, or a list of them.
    values : mapping
        Every argument of *draw* with its value: the notebook's parameters.
    ranges : mapping
        The parameters to control, each with its control: ``(low, high)`` or
        ``(low, high, step)`` for a slider (an integer slider when the value and
        the bounds are integers), ``str`` for a text box, or a list of choices.
        A range is widened to take in its parameter's value: the parameters
        cell stays the source of truth, never clipped by a slider.

    Attributes
    ----------
    controls : dict
        Parameter name -> its ipywidgets control.
    output : ipywidgets.Output
        Where the results are drawn.
    box : ipywidgets.VBox
        The controls above the output; what the notebook shows.
    calls : int
        How many times *draw* was called.

    Examples
    --------
    >>> from bactivate.teach import Live
    >>> seen = []
    >>> panel = Live(lambda n, word: seen.append((n, word)), {"n": 3, "word": "walk"},
    ...              {"n": (1, 10), "word": str})
    >>> panel.controls["n"].max, panel.values
    (10, {'n': 3, 'word': 'walk'})
    >>> panel.controls["n"].value = 7          # what moving the slider does
    >>> seen
    [(7, 'walk')]
    """

    def __init__(self, draw: Callable, values: Mapping, ranges: Mapping):
        import ipywidgets as w

        unknown = sorted(set(ranges) - set(values))
        if unknown:
            raise ValueError(f"no value for {', '.join(unknown)}: every control needs its parameter's value")
        self.draw, self.fixed, self.calls = draw, dict(values), 0
        self.controls = {name: _control(name, values[name], spec) for name, spec in ranges.items()}
        self.output = w.Output()
        self.box = w.VBox([*self.controls.values(), self.output])
        for control in self.controls.values():
            control.observe(self._changed, names="value")

    @property
    def values(self) -> dict:
        """Every parameter with its value now: the controls' values over the fixed ones."""
        return {**self.fixed, **{name: c.value for name, c in self.controls.items()}}

    def _changed(self, change) -> None:
        self.redraw()

    def redraw(self) -> list:
        """Call *draw* with the current values and show what it returns in the output; returns it."""
        self.calls += 1
        if not _in_kernel():  # no front end to draw in: a test, a script
            return _as_list(self.draw(**self.values))
        with self.output:
            self.output.clear_output(wait=True)
            try:
                shown = _as_list(self.draw(**self.values))
            except ValueError as err:  # a combination the model refuses: say so, keep the sliders
                print(f"Cannot draw with these values: {err}")
                return []
            for item in shown:
                _show(item)
        return shown

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.box)


def live(draw: Callable, values: Mapping, ranges: Mapping):
    """Sliders bound to *draw* in a live notebook; one drawing with *values* anywhere else.

    Parameters
    ----------
    draw : callable
        Called as ``draw(**values)``; returns a matplotlib Figure, anything
        IPython can display, or a list of them.
    values : mapping
        Every argument of *draw* with its value (the notebook's parameters cell
        is the source of truth: the controls start there).
    ranges : mapping
        The parameters to control and their controls, as for :class:`Live`.

    Returns
    -------
    Live or list
        In a Jupyter kernel with ipywidgets: the :class:`Live` panel, drawn
        once and shown as the cell's result (under nbval the drawing lands in
        the cell's output; under papermill, in the output widget). Without
        ipywidgets: prints :data:`NO_WIDGETS`, shows one drawing and returns
        an empty list. Outside a kernel (a script, a test): the list *draw*
        returned, its figures left open.

    Examples
    --------
    >>> from bactivate.teach import live
    >>> live(lambda n: [n * 2], {"n": 3}, {"n": (1, 10)})   # no kernel here: draws once
    [6]
    """
    kernel = _in_kernel()
    if kernel and _has_widgets():
        panel = Live(draw, values, ranges)
        panel.redraw()
        return panel
    shown = _as_list(draw(**values))
    if not kernel:
        return shown
    print(NO_WIDGETS)
    for item in shown:
        _show(item)
    return []


def demo_client(*, weeks: int = 14, baseline_weeks: int = 4, starting_mood: float = 4.5,
                avoidance_tendency: float = 0.5, avoidance_growth: float = 0.3, activation_effect: float = 1.0,
                ramp_weeks: float = 6, lapse_week=None, graded_task: str = "Tidy kitchen",
                graded_steps: Sequence[str] = ("Clear the sink", "Wipe one counter", "Put the dishes away"),
                walk_effect: float = 1.5, seed=5, **_unused) -> pd.DataFrame:
    """Alex, the teaching demo's synthetic client, made from the demo's parameters.

    Parameters
    ----------
    weeks, baseline_weeks, starting_mood, avoidance_tendency, avoidance_growth, activation_effect, \
ramp_weeks, lapse_week, graded_task, graded_steps, walk_effect, seed
        The parameters of ``notebooks/teaching-demo.ipynb`` (its first code cell says what each
        means); passed on to :func:`bactivate.synth.client`.
    **_unused
        Other parameters of the notebook (the written prediction), ignored here.

    Returns
    -------
    DataFrame
        The tidy log, with the truth in ``attrs["truth"]``.

    Examples
    --------
    >>> from bactivate.teach import demo_client
    >>> alex = demo_client(weeks=6, baseline_weeks=2, seed=1)
    >>> alex["client"].iloc[0], alex.attrs["truth"]["params"]["activity_effects"]
    ('Alex', {'Walk in the park': 1.5})
    """
    return client(weeks=weeks, baseline_weeks=baseline_weeks, seed=seed, client="Alex",
                  mood_level=starting_mood, avoidance_tendency=avoidance_tendency,
                  avoidance_growth=avoidance_growth, activation_effect=activation_effect,
                  lapse_week=lapse_week, ramp_weeks=ramp_weeks,
                  activity_effects={"Walk in the park": walk_effect},
                  graded_task={"task": graded_task, "steps": list(graded_steps)})


def true_weeks(log: pd.DataFrame) -> pd.DataFrame:
    """The truth built into a synthetic log, week by week, in the units of ``ba.progress``.

    Parameters
    ----------
    log : DataFrame
        A log made by :func:`bactivate.synth.client` (its ``attrs["truth"]``).

    Returns
    -------
    DataFrame
        One row per week: ``week``; ``mood``, the mean daily mood without the
        day-to-day noise; ``done``, the expected number of planned activities
        carried out (plans times their chance of being done, graded-task steps
        included).

    Examples
    --------
    >>> import bactivate as ba
    >>> from bactivate.teach import true_weeks
    >>> truth = true_weeks(ba.synth.client(weeks=4, baseline_weeks=2, seed=1))
    >>> truth.columns.tolist(), float(truth["done"].iloc[0])
    (['week', 'mood', 'done'], 0.0)
    """
    truth = log.attrs["truth"]
    weeks = truth["weeks"]
    done = (weeks["n_planned"] * weeks["p_done"].fillna(0)).to_numpy()
    if "graded_task" in truth:
        graded = truth["graded_task"]
        extra = (graded["n_planned"] * graded["p_done"]).groupby(graded["week"]).sum()
        done = done + extra.reindex(weeks["week"], fill_value=0).to_numpy()
    return pd.DataFrame({"week": weeks["week"].to_numpy(), "mood": weeks["mood"].to_numpy(),
                         "done": done})


_TRUTH_LABELS = {"mood": "true mood (no day-to-day noise)", "done": "true expected count"}


def mark_truth(fig: Figure, truth: pd.DataFrame, measures: Sequence[str], *, loc: str = "best") -> Figure:
    """Mark the true weekly values on the panels of a ``ba.plot.progress`` figure that have one.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        What ``ba.plot.progress(data=..., measures=measures)`` returned.
    truth : DataFrame
        :func:`true_weeks`, cut to the weeks the figure shows.
    measures : sequence of str
        The figure's measures, in order. Panels whose measure has no true
        weekly value (avoidance share, pleasure: the model sets chances a day,
        not shares) are left as they are.
    loc : str
        Where the legend goes on each marked panel.

    Returns
    -------
    matplotlib.figure.Figure
        *fig*, with a red line of crosses and a legend on the mood and done panels.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import bactivate as ba
    >>> from bactivate.teach import mark_truth, true_weeks
    >>> log = ba.synth.client(weeks=6, baseline_weeks=2, seed=1)
    >>> fig = ba.plot.progress(data=ba.progress(log), measures=("done", "mood"))
    >>> fig = mark_truth(fig, true_weeks(log), ("done", "mood"))
    >>> "true mood (no day-to-day noise)" in [t.get_text() for t in fig.axes[1].get_legend().get_texts()]
    True
    """
    for ax, measure in zip(fig.axes, measures, strict=False):
        if measure in _TRUTH_LABELS:
            ax.plot(truth["week"], truth[measure], color=TRUTH, lw=1, marker="x", label=_TRUTH_LABELS[measure])
            ax.legend(fontsize=8, loc=loc)
    return fig


def mark_effects(ax, log: pd.DataFrame, *, below: float = -0.06):
    """Mark each activity's true mood effect on a ``ba.plot.mood_by_activity`` chart.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        What ``ba.plot.mood_by_activity`` returned (one row per activity, names on the y axis).
    log : DataFrame
        The synthetic log the chart was made from (its ``attrs["truth"]``).
    below : float
        Where the legend goes, in axes fractions below the chart.

    Returns
    -------
    matplotlib.axes.Axes
        *ax*, with a red cross at each shown activity's true effect.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import bactivate as ba
    >>> from bactivate.teach import mark_effects
    >>> log = ba.synth.client(weeks=6, seed=1)
    >>> ax = mark_effects(ba.plot.mood_by_activity(data=ba.mood_by_activity(log)), log)
    >>> "true effect (built into the data)" in [t.get_text() for t in ax.get_legend().get_texts()]
    True
    """
    true_effect = log.attrs["truth"]["activities"].set_index("activity")["mood_effect"]
    rows = {tick.get_text(): tick.get_position()[1] for tick in ax.get_yticklabels()}
    shown = [name for name in rows if name in true_effect.index]
    ax.scatter(true_effect[shown], [rows[name] for name in shown], marker="x", s=40, color=TRUTH, zorder=5,
               label="true effect (built into the data)")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, below), ncol=2)
    return ax


def demo_figures(**params) -> list[Figure]:
    """The teaching demo's charts for one set of its parameters, each with the truth marked.

    Parameters
    ----------
    **params
        The parameters of ``notebooks/teaching-demo.ipynb`` (as for
        :func:`demo_client`, plus ``predicted_difference``, the written
        prediction in mood points); missing ones take the notebook's defaults.

    Returns
    -------
    list of matplotlib.figure.Figure
        The avoidance cycle (monitoring weeks), activation, the behavioural
        experiment (estimate, prediction and true effect of a walk) and every
        activity's estimate against its true effect.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from bactivate.teach import demo_figures
    >>> figs = demo_figures(weeks=8, baseline_weeks=3, walk_effect=0.0, seed=2)
    >>> "true effect (set in the parameters)" in [t.get_text() for t in figs[2].axes[0].get_legend().get_texts()]
    True
    """
    alex = demo_client(**params)
    b = alex.attrs["truth"]["params"]["baseline_weeks"]
    weekly, truth = progress(alex), true_weeks(alex)
    baseline, activation = weekly[weekly["week"] <= b].copy(), weekly[weekly["week"] > b].copy()
    for phase in (baseline, activation):  # a trend for each phase on its own, not the whole log's
        phase.attrs["trend"] = progress_trend(phase)
    cycle = ("avoidance_share", "mood", "pleasure")
    first = mark_truth(plot_progress(data=baseline, measures=cycle), truth[truth["week"] <= b], cycle,
                       loc="lower left")
    first.suptitle("1. The avoidance cycle: the monitoring weeks", fontsize=11)
    turn = ("done", "avoidance_share", "mood")
    second = mark_truth(plot_progress(data=activation, measures=turn), truth[truth["week"] > b], turn,
                        loc="lower right")
    second.suptitle("3. Activation", fontsize=11)
    experiment = mood_by_activity(alex)
    ax = plot_mood_by_activity(data=experiment[experiment["activity"] == "Walk in the park"])
    ax.axvline(params.get("predicted_difference", 0.0), color="tab:orange", ls=":", lw=2,
               label="Alex's prediction")
    ax.axvline(params.get("walk_effect", 1.5), color=TRUTH, ls="--", lw=1.5,
               label="true effect (set in the parameters)")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.45), ncol=3)
    every = mark_effects(plot_mood_by_activity(data=experiment), alex)
    return [first, second, ax.figure, every.figure]


#: Activities a simulated client writes in empty slots of a plan sheet (with mastery, pleasure).
_EVERYDAY = (("Have a meal", 2, 5), ("Work at desk", 5, 3), ("Rest", 1, 4), ("Watch TV all afternoon", 1, 4))


def fill_in_plan(path, *, done_share: float = 0.7, extra_share: float = 0.25, seed=None) -> dict:
    """Fill in a plan sheet (:func:`bactivate.write_plan`, ``.xlsx``) as a client would, for teaching.

    Each planned activity is done with probability *done_share* ("yes", with
    mastery, pleasure and mood ratings) or skipped ("no", with a note); a share
    *extra_share* of the empty slots gets an everyday activity with its
    ratings; the rest stay empty. The file is changed in place: use it on a
    copy written for the purpose, never on a client's sheet.

    Parameters
    ----------
    path : str or Path
        The ``.xlsx`` plan sheet.
    done_share, extra_share : float
        Probability that a planned activity is done; share of empty slots filled in.
    seed : int or None
        Random seed.

    Returns
    -------
    dict
        What was written, counted: ``planned``, ``done``, ``skipped``, ``extra``.

    Examples
    --------
    >>> import tempfile, warnings, bactivate as ba
    >>> from bactivate import teach
    >>> plan = ba.plan_week(ba.synth.client(weeks=3, seed=1), n=3)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     sheet = ba.write_plan(plan, f"{folder}/next-week.xlsx")
    ...     wrote = teach.fill_in_plan(sheet, seed=1)
    ...     with warnings.catch_warnings():
    ...         warnings.simplefilter("ignore")
    ...         week = ba.progress(ba.read_log(sheet))
    >>> (int(week["planned"].sum()), int(week["done"].sum())) == (wrote["planned"], wrote["done"])
    True
    """
    rng = np.random.default_rng(seed)
    wb = _xl.load_workbook(path)
    counts = {"planned": 0, "done": 0, "skipped": 0, "extra": 0}
    for ws in wb.worksheets:  # one sheet, or one per day
        head = {c.value: c.column - 1 for c in ws[3] if c.value}
        for row in ws.iter_rows(min_row=4):  # the sheet's few dozen slots, as a client fills them
            if row[head["Planned"]].value == "yes":
                counts["planned"] += 1
                if rng.random() < done_share:
                    counts["done"] += 1
                    row[head["Done"]].value = "yes"
                    for col, mean in (("Mastery (0-10)", 6), ("Pleasure (0-10)", 6.5), ("Mood (0-10)", 5.5)):
                        row[head[col]].value = int(np.clip(round(rng.normal(mean, 1.5)), 0, 10))
                else:
                    counts["skipped"] += 1
                    row[head["Done"]].value = "no"
                    row[head["Notes"]].value = "too tired"
            elif row[head["Activity"]].value in (None, "") and rng.random() < extra_share:
                counts["extra"] += 1
                name, m, p = _EVERYDAY[rng.integers(len(_EVERYDAY))]
                row[head["Activity"]].value = name
                row[head["Mastery (0-10)"]].value = m
                row[head["Pleasure (0-10)"]].value = p
                row[head["Mood (0-10)"]].value = int(np.clip(round(rng.normal(4.5, 1.5)), 0, 10))
    wb.save(path)
    return counts

