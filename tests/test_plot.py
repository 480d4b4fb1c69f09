"""Tests of bactivate.plot: every plot renders without warnings, labels its scales and draws
the right number of things; empty frames raise a clear ValueError; a one-day log renders."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection, QuadMesh
from matplotlib.container import ErrorbarContainer
from matplotlib.text import Annotation, Text

import bactivate as ba


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def log():
    return ba.synth.client(weeks=8, seed=3)


@pytest.fixture(scope="module")
def one_day(log):
    """A single day from the activation phase (it has plans, done and skipped)."""
    day = log[log["start"].dt.normalize() == pd.Timestamp("2026-04-20")].reset_index(drop=True)
    assert day["planned"].any() and len(day) > 3
    return day


def render(fn, *args, **kwargs):
    """Call a plot function and draw its figure with every warning turned into an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = fn(*args, **kwargs)
        fig = out if isinstance(out, plt.Figure) else out.figure
        fig.canvas.draw()
    return out


def given_ax():
    _, ax = plt.subplots()
    return ax


def assert_labelled(ax, x_scale=None, y_scale=None):
    assert ax.get_title().strip(), "no title"
    assert ax.get_xlabel().strip() and ax.get_ylabel().strip(), "unlabelled axis"
    if x_scale:
        assert x_scale in ax.get_xlabel(), ax.get_xlabel()
    if y_scale:
        assert y_scale in ax.get_ylabel(), ax.get_ylabel()


def errorbar_count(ax) -> int:
    """Number of error bars drawn (segments of the errorbar containers' bar lines)."""
    return sum(len(c.lines[2][0].get_segments()) for c in ax.containers
               if isinstance(c, ErrorbarContainer) and c.lines[2])


def legend_text(ax) -> str:
    leg = ax.get_legend()
    return " ".join(t.get_text() for t in leg.get_texts()) if leg else ""


# --------------------------------------------------------------------------- balance


def test_balance_map_from_log(log):
    ax = render(ba.plot.balance, log)
    assert isinstance(ax, plt.Axes)
    assert_labelled(ax, "Mastery, mean (0-10)", "Pleasure, mean (0-10)")
    n = len(ba.balance(log))
    points = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert [len(c.get_offsets()) for c in points] == [n]  # one point per activity
    texts = {t.get_text() for t in ax.texts}
    assert {"both", "mastery only", "pleasure only", "neither"} <= texts
    assert len([t for t in ax.texts if isinstance(t, Annotation)]) == 12
    assert "Category" in legend_text(ax) and "Entries" in legend_text(ax)
    assert ax.get_xlim() == (-0.5, 10.5) and ax.get_ylim() == (-0.5, 10.5)
    assert f"n = {int(ba.balance(log)['entries'].sum())} entries" in ax.get_title()


def test_balance_labels_do_not_overlap(log):
    ax = render(ba.plot.balance, log, label_top=12)
    boxes = [Text.get_window_extent(t) for t in ax.texts
             if isinstance(t, Annotation)]
    overlaps = [(i, j) for i in range(len(boxes)) for j in range(i) if boxes[i].overlaps(boxes[j])]
    assert not overlaps


def test_balance_on_given_ax_from_frame(log):
    ax = given_ax()
    frame = ba.balance(log)
    out = render(ba.plot.balance, frame, ax=ax, label_top=3, ci=True, high=5)
    assert out is ax
    assert len([t for t in ax.texts if isinstance(t, Annotation)]) == 3
    assert any(list(line.get_xdata()) == [5, 5] for line in ax.lines)  # guide at high
    assert "95% CI" in ax.get_title()


def test_balance_by_category(log):
    ax = render(ba.plot.balance, log, by="category")
    n = len(ba.balance(log, by="category"))
    assert sum(len(c.get_offsets()) for c in ax.collections if isinstance(c, PathCollection)) == n
    assert "by category" in ax.get_title()


def test_balance_weeks(log):
    ax = render(ba.plot.balance_weeks, log)
    assert_labelled(ax, y_scale="(0-10)")
    weeks = ba.balance(log, by="week")
    assert [len(line.get_xdata()) for line in ax.lines] == [len(weeks)] * 2  # mastery, pleasure
    bands = [c for c in ax.collections if not isinstance(c, PathCollection)]
    assert len(bands) == 2
    assert "95% CI" in legend_text(ax)
    assert ax.get_ylim() == (0, 10)
    out = render(ba.plot.balance_weeks, weeks, ax=(ax2 := given_ax()))
    assert out is ax2


# --------------------------------------------------------------------------- mood and activity


def test_mood_forest_one_errorbar_per_tested_activity(log):
    res = ba.mood_by_activity(log)
    ax = render(ba.plot.mood_by_activity, res)
    assert isinstance(ax, plt.Axes)
    assert ax.get_xlabel() == "Mood difference, days with vs without (0-10 scale)"
    assert ax.get_title()
    tested = res[res["status"] == "tested"]
    assert errorbar_count(ax) == len(tested)
    assert len(ax.get_yticklabels()) == len(tested)  # untested left out by default
    assert "95% CI" in legend_text(ax)
    assert any(line.get_xdata()[0] == 0 for line in ax.lines)  # the zero line
    # ordered by diff, largest on top
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[-1] == tested.sort_values("diff")["activity"].iloc[-1]
    # n_with / n_without annotated
    first = tested.iloc[0]
    assert f"{first['n_with']} / {first['n_without']}" in {t.get_text() for t in ax.texts}


def test_mood_forest_untested_and_significance(log):
    res = ba.mood_by_activity(log)
    res.loc[res.index[:2], "q"] = 0.01  # two activities "significant"
    res.attrs["ci"] = 0.9
    ax = render(ba.plot.mood_by_activity, res, ax=given_ax(), show_untested=True)
    assert len(ax.get_yticklabels()) == len(res)
    bold = [t.get_text() for t in ax.get_yticklabels() if t.get_fontweight() == "bold"]
    assert sorted(bold) == sorted(res["activity"].iloc[:2])
    assert "90% CI" in legend_text(ax)
    assert "q < 0.05" in legend_text(ax)
    n_untested = int((res["status"] != "tested").sum())
    assert sum(t.get_text() == "not enough data" for t in ax.texts) == n_untested


def test_mood_forest_nothing_tested_is_a_labelled_note(one_day):
    ax = render(ba.plot.mood_by_activity, one_day)
    assert errorbar_count(ax) == 0
    assert any("enough" in t.get_text() for t in ax.texts)
    assert_labelled(ax, "(0-10 scale)")


def test_phase_effect(log):
    res = ba.phase_effect(log, baseline=[1, 2])
    ax = render(ba.plot.phase_effect, res)
    assert errorbar_count(ax) == len(res) == 4
    labels = " ".join(t.get_text() for t in ax.get_yticklabels())
    for effect in res["effect"]:
        assert effect in labels
    assert "own scale" in ax.get_xlabel()
    assert "n = 14 days" in ax.get_title()
    assert "95% CI" in legend_text(ax)
    # each row its own no-effect reference: 0.5 for NAP, 0 for the others
    refs = sorted(line.get_xdata()[0] for line in ax.lines
                  if len(line.get_xdata()) == 2 and line.get_xdata()[0] == line.get_xdata()[1])
    assert refs == [0.0, 0.0, 0.0, 0.5]
    ax2 = given_ax()
    assert render(ba.plot.phase_effect, log, ax=ax2, measure="pleasure") is ax2
    assert "pleasure" in ax2.get_title()


def test_phase_effect_tau_u_band_reaches_past_one():
    """Tau-U divides by n_a n_b, so it can pass 1 (notes/plot-bugs.md #1): its band and label say
    how far, ±(1 + (n_a - 1) / (2 n_b)), and a dot at 1.5 sits inside the band, not past it."""
    log = ba.synth.client(weeks=2, entries_per_day=1, seed=0)
    day = (log["start"].dt.normalize() - log["start"].dt.normalize().min()).dt.days
    log["mood"] = np.where(day < 7, 6 - day * 0.5, 9.0)
    res = ba.phase_effect(log)
    row = res.set_index("effect").loc["Tau-U"]
    reach = 1 + (row["n_a"] - 1) / (2 * row["n_b"])
    assert row["estimate"] > 1  # the case of the bug
    ax = render(ba.plot.phase_effect, res)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert f"Tau-U\n(-{reach:.2f} to {reach:.2f})" in labels
    assert "Tau\n(-1 to 1)" in labels
    bands = [tuple(line.get_xdata()) for line in ax.lines if line.get_linewidth() == 9]
    assert (-reach, reach) in bands and (-1, 1) in bands and (0, 1) in bands
    assert row["estimate"] <= reach


# --------------------------------------------------------------------------- avoidance


def test_avoidance_heatmap_has_seven_weekday_rows(log):
    res = ba.avoidance(log)
    ax = render(ba.plot.avoidance, res)  # the dict
    mesh = next(c for c in ax.collections if isinstance(c, QuadMesh))
    hours = res["by_hour"]["hour"].nunique()
    assert mesh.get_array().shape == (7, hours)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    assert_labelled(ax, "Hour", "Weekday")
    cbar = ax.figure.axes[-1]
    assert "%" in cbar.get_ylabel()


def test_avoidance_empty_cells_blank_and_mood(log):
    by_hour = ba.avoidance(log)["by_hour"]
    by_hour = by_hour[~((by_hour["weekday"] == "Mon") & (by_hour["hour"] == 9))]
    ax = given_ax()
    out = render(ba.plot.avoidance, by_hour, ax=ax, value="mood_mean")
    assert out is ax
    arr = next(c for c in ax.collections if isinstance(c, QuadMesh)).get_array()
    assert np.ma.count_masked(arr) == 1
    cbar = ax.figure.axes[-1]
    assert "(0-10)" in cbar.get_ylabel()
    assert "0-10" in ax.get_title()


def test_skipped_bars_with_counts(log):
    sk = ba.avoidance(log)["skipped"]
    ax = render(ba.plot.skipped, log)
    acts = sk[sk["by"] == "activity"]
    assert len(ax.patches) == len(acts)
    texts = {t.get_text() for t in ax.texts}
    assert {f"{k} of {n}" for k, n in zip(acts["skipped"], acts["planned"], strict=True)} == texts
    assert_labelled(ax, "(% of planned)")
    ax2 = given_ax()
    assert render(ba.plot.skipped, sk, ax=ax2, by="time of day") is ax2
    assert [t.get_text() for t in ax2.get_yticklabels()][::-1] == ["morning", "afternoon", "evening"]


# --------------------------------------------------------------------------- progress and wins


def test_progress_small_multiples(log):
    weekly = ba.progress(log)
    fig = render(ba.plot.progress, weekly)
    assert isinstance(fig, plt.Figure)
    axes = [a for a in fig.axes if a.get_visible()]
    assert len(axes) == 6
    trend = weekly.attrs["trend"].set_index("measure")
    for ax, m in zip(axes, ("activities", "completion", "mastery", "pleasure", "mood", "avoidance_share"),
                     strict=True):
        assert ax.get_ylabel() and ax.get_title()
        assert "per week" in ax.get_title()
        assert len(ax.lines) == 2  # values and trend
        assert len(ax.lines[0].get_xdata()) == len(weekly)
        pct = m in ("completion", "avoidance_share")
        slope = trend.at[m, "slope"] * (100 if pct else 1)
        expected = f"{slope:+.1f} pp per week" if pct else f"{slope:+.2f} per week"
        assert expected in ax.get_title()
    assert "(0-10)" in axes[4].get_ylabel() and "%" in axes[1].get_ylabel()
    assert "n = 8 weeks" in fig.get_suptitle()
    assert any("95% CI" in t.get_text() for leg in fig.legends for t in leg.get_texts())


def test_progress_from_log_subset_of_measures(log):
    fig = render(ba.plot.progress, log, measures=("mood", "completion"))
    assert len([a for a in fig.axes if a.get_visible()]) == 2


def test_timeline_one_marker_per_win(log):
    wins = ba.small_wins(log)
    ax = render(ba.plot.timeline, log)
    assert isinstance(ax, plt.Axes)
    twin = next(a for a in ax.figure.axes if a is not ax)
    markers = [c for c in twin.collections if isinstance(c, PathCollection)]
    assert sum(len(c.get_offsets()) for c in markers) == len(wins)
    assert len({tuple(c.get_facecolor()[0]) for c in markers if len(c.get_offsets())}) == 4  # 4 kinds
    assert ax.get_title().startswith("Small wins and mood, 2 Mar – 26 Apr 2026")
    assert_labelled(ax, y_scale="(0-10)")
    assert len(ax.lines[0].get_xdata()) == 56  # one mood point per calendar day
    labels = legend_text(ax)
    for kind in ("planned and done", "high mastery", "high pleasure", "first time"):
        assert f"{kind} ({(wins['kind'] == kind).sum()})" in labels


def test_timeline_with_given_wins_on_given_ax(log):
    wins = ba.small_wins(log).iloc[:10]
    ax = given_ax()
    assert render(ba.plot.timeline, log, ax=ax, wins=wins) is ax
    twin = next(a for a in ax.figure.axes if a is not ax)
    assert sum(len(c.get_offsets()) for c in twin.collections) == 10


# --------------------------------------------------------------------------- edge cases


@pytest.mark.parametrize("name", ["balance", "balance_weeks", "mood_by_activity", "avoidance", "skipped",
                                  "progress", "timeline"])
def test_one_day_log_renders(one_day, name):
    out = render(getattr(ba.plot, name), one_day)
    ax = out.axes[0] if isinstance(out, plt.Figure) else out
    assert ax.get_title() or out.get_suptitle()


def test_one_day_phase_effect_needs_two_phases(one_day):
    with pytest.raises(ValueError, match="each phase needs"):
        ba.plot.phase_effect(one_day)


@pytest.mark.parametrize("name, make", [
    ("balance", lambda log: ba.balance(log).iloc[:0]),
    ("balance_weeks", lambda log: ba.balance(log, by="week").iloc[:0]),
    ("mood_by_activity", lambda log: ba.mood_by_activity(log).iloc[:0]),
    ("phase_effect", lambda log: ba.phase_effect(log).iloc[:0]),
    ("avoidance", lambda log: ba.avoidance(log)["by_hour"].iloc[:0]),
    ("skipped", lambda log: ba.avoidance(log[log["start"] < "2026-03-09"])["skipped"]),  # no plans yet
    ("progress", lambda log: ba.progress(log).iloc[:0]),
    ("timeline", lambda log: log.iloc[:0]),
])
def test_empty_frames_raise_clear_error(log, name, make):
    with pytest.raises(ValueError, match="nothing to plot"):
        getattr(ba.plot, name)(make(log))


def test_wrong_input_is_explained(log):
    with pytest.raises(ValueError, match="needs the columns"):
        ba.plot.mood_by_activity(ba.balance(log))
    with pytest.raises(TypeError, match="data="):
        ba.plot.balance()
    with pytest.raises(TypeError, match="tidy log"):
        ba.plot.timeline(ba.progress(log))
    with pytest.raises(ValueError, match="value must be"):
        ba.plot.avoidance(log, value="mood")


def test_given_ax_leaves_other_figures_alone(log):
    fig, axes = plt.subplots(1, 2)
    before = len(plt.get_fignums())
    render(ba.plot.skipped, log, ax=axes[0])
    render(ba.plot.balance_weeks, log, ax=axes[1])
    assert len(plt.get_fignums()) == before
    assert axes[0].get_title() and axes[1].get_title()
