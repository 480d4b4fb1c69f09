"""Tests of bactivate.plot: every plot renders without warnings, labels its scales and draws
the right number of things; empty frames raise a clear ValueError; a one-day log renders."""

from __future__ import annotations

import re
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


def _without(log, *columns):
    """The log with *columns* not recorded (all missing, their dtype kept)."""
    out = log.copy()
    for c in columns:
        out[c] = pd.array([pd.NA] * len(out), dtype=out[c].dtype) if str(out[c].dtype) in ("boolean", "str") \
            else np.nan
    return out


def all_text(fig) -> list[str]:
    """Every piece of text drawn in *fig*: titles, labels, ticks, legends, annotations, figure texts."""
    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text()]


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
    assert "95% interval" in ax.get_title()
    assert "high = 5 or more of 10" in ax.texts[-1].get_text()


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
    assert "95% interval" in legend_text(ax)
    assert ax.get_ylim() == (0, 10)
    out = render(ba.plot.balance_weeks, weeks, ax=(ax2 := given_ax()))
    assert out is ax2


# --------------------------------------------------------------------------- mood and activity


def test_mood_forest_one_errorbar_per_tested_activity(log):
    res = ba.mood_by_activity(log)
    ax = render(ba.plot.mood_by_activity, res)
    assert isinstance(ax, plt.Axes)
    assert ax.get_xlabel() == ("Mood difference, days with vs without (0-10 scale); dot = difference, "
                               "bar = 95% interval")
    assert ax.get_title()
    tested = res[res["status"] == "tested"]
    assert errorbar_count(ax) == len(tested)
    assert len(ax.get_yticklabels()) == len(tested)  # untested left out by default
    assert "95% interval" in legend_text(ax)
    assert any(line.get_xdata()[0] == 0 for line in ax.lines)  # the zero line
    # ordered by diff, largest on top
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[-1] == tested.sort_values("diff")["activity"].iloc[-1]
    # n_with / n_without annotated
    first = tested.iloc[0]
    assert f"{first['n_with']} / {first['n_without']}" in {t.get_text() for t in ax.texts}


def test_mood_forest_clear_differences_follow_the_interval_not_q(log):
    res = ba.mood_by_activity(log)
    res.loc[res.index[:2], "q"] = 0.9  # q says nothing: the interval shown decides
    res.attrs["ci"] = 0.9
    ax = render(ba.plot.mood_by_activity, res, ax=given_ax(), show_untested=True)
    assert len(ax.get_yticklabels()) == len(res)
    bold = [t.get_text() for t in ax.get_yticklabels() if t.get_fontweight() == "bold"]
    clear = res[(res["ci_low"] > 0) | (res["ci_high"] < 0)]
    assert len(clear) >= 2 and sorted(bold) == sorted(clear["activity"])
    assert sorted(bold) == sorted(res.loc[res["verdict"] == "clear difference", "activity"])
    assert "90% interval" in legend_text(ax)
    assert "q" not in legend_text(ax).split() and "CI" not in legend_text(ax)
    n_untested = int((res["status"] != "tested").sum())
    assert sum(t.get_text() == "not enough data" for t in ax.texts) == n_untested


def test_mood_forest_nothing_tested_raises(one_day):
    with pytest.raises(ValueError, match="no activity has enough days with and without it"):
        ba.plot.mood_by_activity(one_day)


def test_phase_effect(log):
    res = ba.phase_effect(log, baseline=[1, 2])
    ax = render(ba.plot.phase_effect, res)
    assert errorbar_count(ax) == len(res) == 6  # NAP, Tau, Tau-U, Tau-BC, g, level change (issue 16)
    labels = " ".join(t.get_text() for t in ax.get_yticklabels())
    for effect in res["effect"]:
        assert effect in labels
    assert "own scale" in ax.get_xlabel()
    assert "n = 14 days" in ax.get_title()
    assert "95% interval" in legend_text(ax)
    # each row its own no-effect reference: 0.5 for NAP, 0 for the others
    refs = sorted(line.get_xdata()[0] for line in ax.lines
                  if len(line.get_xdata()) == 2 and line.get_xdata()[0] == line.get_xdata()[1])
    assert refs == [0.0, 0.0, 0.0, 0.0, 0.0, 0.5]
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
    for ax in axes:
        assert ax.get_ylabel() and ax.get_title()
        assert len(ax.lines) == 2  # values and trend
        assert len(ax.lines[0].get_xdata()) == len(weekly)
    assert "(0-10)" in axes[4].get_ylabel() and "%" in axes[1].get_ylabel()
    assert "n = 8 weeks" in fig.get_suptitle()
    assert any("Straight-line trend" in t.get_text() for leg in fig.legends for t in leg.get_texts())


def _with_trend(weekly, measure, slope, lo, hi, unit=None):
    """*weekly* with its trend row for *measure* replaced (the others dropped)."""
    out = weekly.copy()
    row = {"measure": measure, "slope": slope, "slope_ci_low": lo, "slope_ci_high": hi}
    if unit:
        row["unit"] = unit
    out.attrs = {**weekly.attrs, "trend": pd.DataFrame([row])}
    return out


@pytest.mark.parametrize("measure, slope, lo, hi, unit, title", [
    # a share's slope as a fraction per week, shown in the table's (and the panel's) percent
    ("avoidance_share", -0.04, -0.06, -0.02, None, "Avoidance: about 4.0 percentage points less a week"),
    # the same slope when the trend table already gives percentage points
    ("avoidance_share", -4.0, -6.0, -2.0, "percentage points per week",
     "Avoidance: about 4.0 percentage points less a week"),
    ("mood", 0.28, 0.1, 0.5, None, "Mood: about 0.28 points higher a week"),
    ("activities", 2.1, 1.7, 2.4, None, "Activities: about 2.1 more a week"),
    ("completion", 0.12, 0.05, 0.2, None, "Completion: about 12 percentage points higher a week"),
    ("mood", 0.28, np.nan, np.nan, None, "Mood: too few weeks to judge a trend"),
])
def test_progress_titles_say_the_trend_in_plain_words(log, measure, slope, lo, hi, unit, title):
    weekly = _with_trend(ba.progress(log), measure, slope, lo, hi, unit)
    fig = render(ba.plot.progress, weekly, measures=(measure,))
    assert fig.axes[0].get_title() == title


def test_progress_unclear_trend_gives_first_and_last_value(log):
    weekly = _with_trend(ba.progress(log), "avoidance_share", -0.01, -0.03, 0.01)
    fig = render(ba.plot.progress, weekly, measures=("avoidance_share",))
    shown = (weekly["avoidance_share"].dropna() * 100).round()
    assert fig.axes[0].get_title() == (f"Avoidance: no steady trend ({shown.iloc[0]:.0f}% to "
                                       f"{shown.iloc[-1]:.0f}%)")


def test_progress_leaves_out_what_is_not_recorded(log):
    weekly = ba.progress(_without(log, "avoidance"))
    assert weekly["avoidance_share"].isna().all()
    fig = render(ba.plot.progress, weekly)
    assert len(fig.axes) == 5 and all("Avoidance" not in a.get_title() for a in fig.axes)
    assert "Not recorded in this log: avoidance." in [t.get_text() for t in fig.texts]
    with pytest.raises(ValueError, match="avoidance is not recorded in this log"):
        ba.plot.progress(weekly, measures=("avoidance_share",))


def test_plot_dates_end_on_the_last_logged_day(log):
    cut = log[log["start"] < "2026-04-23"]  # ends on a Wednesday, mid-week
    last = cut["start"].max().normalize()
    assert last == pd.Timestamp("2026-04-22")
    fig = render(ba.plot.progress, ba.progress(cut))
    assert "2 Mar – 22 Apr 2026" in fig.get_suptitle()
    ax = render(ba.plot.timeline, cut)
    assert "2 Mar – 22 Apr 2026" in ax.get_title()
    import matplotlib.dates as mdates

    right = mdates.num2date(ax.get_xlim()[1]).replace(tzinfo=None)
    assert last < right < last + pd.Timedelta(days=1)


def test_progress_from_log_subset_of_measures(log):
    fig = render(ba.plot.progress, log, measures=("mood", "completion"))
    assert len([a for a in fig.axes if a.get_visible()]) == 2


def test_timeline_one_marker_per_win(log):
    wins = ba.small_wins(log, high=6)  # the timeline's default: the balance's "high"
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
    assert ax.get_legend().get_title().get_text() == "Small wins (high = 6 or more of 10)"


def test_timeline_high_is_the_balance_high(log):
    import inspect

    from bactivate.balance import HIGH

    assert inspect.signature(ba.plot.timeline).parameters["high"].default == HIGH
    assert inspect.signature(ba.balance).parameters["high"].default == HIGH
    ax = render(ba.plot.timeline, log, high=8)
    twin = next(a for a in ax.figure.axes if a is not ax)
    assert sum(len(c.get_offsets()) for c in twin.collections) == len(ba.small_wins(log, high=8))
    assert "high = 8 or more of 10" in ax.get_legend().get_title().get_text()


def test_timeline_with_given_wins_on_given_ax(log):
    wins = ba.small_wins(log).iloc[:10]
    ax = given_ax()
    assert render(ba.plot.timeline, log, ax=ax, wins=wins) is ax
    twin = next(a for a in ax.figure.axes if a is not ax)
    assert sum(len(c.get_offsets()) for c in twin.collections) == 10


# --------------------------------------------------------------------------- edge cases


@pytest.mark.parametrize("name", ["balance", "balance_weeks", "avoidance", "skipped", "progress", "timeline"])
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


# --------------------------------------------------------------------------- missing is not zero (issue 15)


@pytest.mark.parametrize("name, columns, kwargs, message", [
    ("avoidance", ("avoidance",), {}, "avoidance is not recorded in this log"),
    ("avoidance", ("mood",), {"value": "mood_mean"}, "mood is not recorded in this log"),
    ("balance", ("mastery", "pleasure"), {}, "mastery and pleasure are not recorded in this log"),
    ("balance", ("activity",), {}, "activity names are not recorded in this log"),
    ("balance", ("category",), {"by": "category"}, "category names are not recorded in this log"),
    ("balance_weeks", ("mastery", "pleasure"), {}, "mastery and pleasure are not recorded in this log"),
    ("mood_by_activity", ("mood",), {}, "mood is not recorded in this log"),
    ("phase_effect", ("mood",), {}, "mood is not recorded in this log"),
    ("phase_effect", ("avoidance",), {"measure": "avoidance"}, "avoidance is not recorded in this log"),
    ("skipped", ("planned", "done"), {}, "planned activities are not recorded in this log"),
    ("progress", ("mastery", "pleasure", "mood", "avoidance", "planned", "done", "activity"),
     {"measures": ("completion", "mastery", "pleasure", "mood", "avoidance_share")}, "not recorded in this log"),
    ("timeline", ("mood", "mastery", "pleasure", "planned", "done", "activity"), {},
     "mood is not recorded in this log"),
])
def test_nothing_recorded_raises_and_names_what_is_missing(log, name, columns, kwargs, message):
    with pytest.raises(ValueError, match=message):
        getattr(ba.plot, name)(_without(log, *columns), **kwargs)


def test_all_missing_frames_raise(log):
    bal = ba.balance(_without(log, "mastery", "pleasure"))
    assert len(bal) and bal["mastery_mean"].isna().all()
    with pytest.raises(ValueError, match="mastery and pleasure are not recorded"):
        ba.plot.balance(bal)
    by_hour = ba.avoidance(_without(log, "avoidance"))["by_hour"]
    assert len(by_hour) and by_hour["avoidance_share"].isna().all()
    with pytest.raises(ValueError, match="avoidance is not recorded"):
        ba.plot.avoidance(by_hour)
    render(ba.plot.avoidance, by_hour, value="mood_mean")  # mood still is: that map draws
    untested = ba.mood_by_activity(log, min_days=60)
    assert (untested["status"] != "tested").all()
    with pytest.raises(ValueError, match="enough days"):
        ba.plot.mood_by_activity(untested)


def test_timeline_without_mood_shows_the_wins_and_says_so(log):
    ax = render(ba.plot.timeline, _without(log, "mood"))
    assert not ax.lines and ax.get_ylabel() == "Mood: not recorded in this log"
    twin = next(a for a in ax.figure.axes if a is not ax)
    assert sum(len(c.get_offsets()) for c in twin.collections) == len(ba.small_wins(log, high=6))


JARGON = re.compile(r"\b(pp|q|OLS|CI|BH|p)\b|nan|Benjamini|Hochberg", re.IGNORECASE)


@pytest.mark.parametrize("variant", ["full", "no avoidance", "short"])
def test_no_nan_and_no_statistics_shorthand_anywhere(log, variant):
    data = {"full": log, "no avoidance": _without(log, "avoidance"),
            "short": log[log["start"] < "2026-03-12"]}[variant]  # a week and a half: trends unknowable
    figures = [ba.plot.balance(data, mood=ba.mood_by_activity(data), ci=True).figure,
               ba.plot.balance_weeks(data, high_line=True).figure, ba.plot.progress(data),
               ba.plot.timeline(data).figure, ba.plot.phase_effect(data).figure,
               ba.plot.avoidance(data, value="mood_mean").figure, ba.plot.skipped(data).figure]
    if variant != "short":
        figures.append(ba.plot.mood_by_activity(data).figure)
    if variant != "no avoidance":
        figures.append(ba.plot.avoidance(data).figure)
    for fig in figures:
        fig.canvas.draw()
        for text in all_text(fig):
            assert not JARGON.search(text), text


# --------------------------------------------------------------------------- name what matters (issue 15)


def _label_boxes(ax):
    """Window extents of the balance map's labels (the text alone), after a draw."""
    renderer = ax.figure.canvas.get_renderer()
    return [Text.get_window_extent(t, renderer) for t in ax.texts if isinstance(t, Annotation)]


def test_balance_labels_follow_relevance_and_say_how_many_more(log):
    from bactivate.balance import most_relevant

    mood = ba.mood_by_activity(log)
    ax = render(ba.plot.balance, log, mood=mood, label_top=8)
    expect = most_relevant(ba.balance(log), mood, n=8)
    labels = [t.get_text() for t in ax.texts if isinstance(t, Annotation)]
    assert labels == expect["activity"].tolist()
    assert "high in both" in set(expect["listed_for"]) and "mood" in set(expect["listed_for"])
    foot = ax.texts[-1].get_text()
    assert f"and {len(ba.balance(log)) - 8} more activities not labelled" in foot
    assert "high = 6 or more of 10" in foot
    # the labels name their own dots: each annotation points at its activity's means
    bal = ba.balance(log).set_index("activity")
    for t in ax.texts:
        if isinstance(t, Annotation):
            assert t.xy == pytest.approx((bal.at[t.get_text(), "mastery_mean"], bal.at[t.get_text(),
                                                                                       "pleasure_mean"]))
    everything = render(ba.plot.balance, log, label_top=100)
    assert "not labelled" not in everything.texts[-1].get_text()


@pytest.mark.parametrize("crowd", [False, True])
def test_balance_labels_never_overlap(log, crowd):
    frame = ba.balance(log)
    if crowd:  # 30 activities within half a point of each other, with long names
        rng = np.random.default_rng(1)
        frame = frame.sample(30, replace=True, random_state=1).reset_index(drop=True)
        frame["activity"] = [f"Activity with a long name {i}" for i in range(30)]
        frame["mastery_mean"] = 6.5 + rng.uniform(-0.25, 0.25, 30)
        frame["pleasure_mean"] = 6.5 + rng.uniform(-0.25, 0.25, 30)
    ax = render(ba.plot.balance, frame, label_top=30)
    boxes = _label_boxes(ax)
    assert len(boxes) == min(30, len(frame))
    overlaps = [(i, j) for i in range(len(boxes)) for j in range(i) if boxes[i].overlaps(boxes[j])]
    assert not overlaps
    fig_box = ax.figure.bbox
    assert all(b.x0 >= fig_box.x0 and b.x1 <= fig_box.x1 and b.y0 >= fig_box.y0 and b.y1 <= fig_box.y1
               for b in boxes)
    # saved at another resolution the labels are placed again, still apart
    ax.figure.set_dpi(150)
    ax.figure.canvas.draw()
    boxes = _label_boxes(ax)
    assert not [(i, j) for i in range(len(boxes)) for j in range(i) if boxes[i].overlaps(boxes[j])]


def test_mood_forest_for_the_client_has_no_statistics_words(log):
    words = re.compile(r"\b(q|p|CI|pp|OLS)\b|95%|interval|significan|confidence", re.IGNORECASE)
    ax = render(ba.plot.mood_by_activity, log, audience="client")
    texts = all_text(ax.figure)
    assert not [t for t in texts if words.search(t)]
    assert "clear difference: the whole bar is on one side of 0" in legend_text(ax)
    assert "range of differences that fit these days" in ax.get_xlabel()
    # the same dots are filled as for the clinician
    clinician = render(ba.plot.mood_by_activity, log)
    bold = [[t.get_text() for t in a.get_yticklabels() if t.get_fontweight() == "bold"] for a in (ax, clinician)]
    assert bold[0] == bold[1] and bold[0]
    with pytest.raises(ValueError, match="audience"):
        ba.plot.mood_by_activity(log, audience="patient")
