"""Trajectories: weekly client means, the mixed model (recovery, null calibration, convergence), the plot.

Recovery is checked against ``truth["arm_slope_diff"]`` of ``bactivate.synth.cohort``:
the difference between arms in the per-client least-squares slope of the
noise-free weekly mood over the treatment weeks (weeks 2.. after one
monitoring-only week), which is what ``week:arm`` over those weeks estimates.
"""

from __future__ import annotations

import subprocess
import sys

import matplotlib
import numpy as np
import pandas as pd
import pytest
from scipy import stats as st

import bactivate as ba
from bactivate._log import happened
from bactivate.cohort.trajectory import (
    OPTIMIZERS,
    ConvergenceError,
    plot_trajectory,
    trajectory,
    weekly,
)

matplotlib.use("Agg")

TERM = "week:arm[T.BA]"


def _cohort(seed, n=60, weeks=6, entries=3, **kw):
    return ba.synth.cohort(n_clients=n, weeks=weeks, seed=seed, entries_per_day=entries, **kw)


@pytest.fixture(scope="module")
def trial():
    return _cohort(1)


@pytest.fixture(scope="module")
def small():
    """A quick cohort for the mechanics (layout, inputs, convergence handling)."""
    return _cohort(1, n=20, weeks=4, entries=2)


# =========================================================================== weekly


def test_weekly_is_one_row_per_client_week(trial):
    log, roster = trial
    w = weekly(log, ["mood", "activities"], roster=roster)
    assert not w.duplicated(["client", "week"]).any()
    assert w["client"].nunique() == 60 and set(w["week"]) == set(range(1, 7))
    assert {"arm", "age", "baseline_phq9"} <= set(w.columns)
    # one client's week 3 mood, written out: the mean over entries in days 15-21 of its log
    c = "C007"
    mine = log[log["client"] == c]
    day0 = mine["start"].min().normalize()
    days = (mine["start"].dt.normalize() - day0).dt.days
    in_week = mine[(days >= 14) & (days < 21)].drop_duplicates("entry")
    row = w[(w["client"] == c) & (w["week"] == 3)].iloc[0]
    assert row["mood"] == pytest.approx(in_week["mood"].mean())
    assert row["n_entries"] == len(in_week)


def test_weekly_scales_a_short_last_week():
    log = ba.synth.client(weeks=2, seed=4)
    cut = log[log["start"] < log["start"].min().normalize() + pd.Timedelta(days=10)]
    w = weekly(cut, "activities")
    last = w.iloc[-1]
    assert last["days"] == 3
    did = happened(cut)
    n_last = (did["start"] >= did["start"].min().normalize() + pd.Timedelta(days=7)).sum()
    assert last["activities"] == pytest.approx(n_last * 7 / 3)


# =========================================================================== the mixed model


def test_recovers_the_planted_arm_difference_in_slope():
    """week:arm over the treatment weeks: right sign for every seed, CI covers the truth in >= 4 of 5."""
    covered, rows = 0, []
    for seed in range(5):
        log, roster = _cohort(seed)
        fit = trajectory(log, "arm", "mood", roster=roster, reference="control", weeks=range(2, 7))
        r = fit.set_index("term").loc[TERM]
        truth = log.attrs["truth"]["arm_slope_diff"]["BA"]
        rows.append((seed, truth, r["estimate"], r["ci_low"], r["ci_high"]))
        assert r["estimate"] > 0 and truth > 0
        covered += r["ci_low"] <= truth <= r["ci_high"]
        assert fit.attrs["converged"] and fit["converged"].all()
        assert fit.attrs["optimizer"] in OPTIMIZERS
    assert covered >= 4, rows


def test_table_layout_and_attrs(small):
    log, roster = small
    fit = trajectory(log, roster=roster, reference="control")
    assert list(fit.columns) == ["term", "estimate", "se", "ci_low", "ci_high", "p", "df", "df_method",
                                 "converged", "optimizer"]
    assert fit["df"].tolist() == [18.0] * 4  # 20 clients - 2 between-client terms, 20 - 2 slope terms
    assert fit.attrs["re_formula_requested"] == "~week" and fit.attrs["notes"] == []
    assert fit["term"].tolist() == ["Intercept", "arm[T.BA]", "week", TERM]
    assert fit.attrs["reference"] == "control" and fit.attrs["n_clients"] == 20
    assert fit.attrs["formula"] == "mood ~ week * arm" and fit.attrs["re_formula"] == "~week"
    assert fit.attrs["random_effects"].shape == (2, 2)
    assert (fit["ci_low"] < fit["estimate"]).all() and (fit["estimate"] < fit["ci_high"]).all()
    # the default reference is the first arm in sorted order: the term flips sign
    other = trajectory(log, roster=roster).set_index("term")
    assert other.loc["week:arm[T.control]", "estimate"] == pytest.approx(
        -fit.set_index("term").loc[TERM, "estimate"], rel=0.05)


def test_no_arm_effect_is_flagged_no_more_often_than_alpha():
    """30 cohorts with no arm effect: week:arm has p < 0.05 in at most 5 (the binomial 99% bound at 5%).

    Measured: 1 of 30 (2 of 40 over seeds 1000-1039), 40 clients, treatment weeks 2-4.
    """
    flagged = []
    for seed in range(30):
        log, roster = _cohort(1000 + seed, n=40, weeks=4, entries=2, arm_activation={"BA": 0, "control": 0})
        fit = trajectory(log, roster=roster, reference="control", weeks=range(2, 5))
        flagged.append(fit.set_index("term").loc[TERM, "p"] < 0.05)
    assert sum(flagged) <= st.binom.ppf(0.99, 30, 0.05), sum(flagged)


def test_covariates_are_centred_within_person(trial):
    log, roster = trial
    fit = trajectory(log, roster=roster, reference="control", covariates=["activities", "baseline_phq9"])
    terms = fit["term"].tolist()
    assert {"activities_within", "activities_between", "baseline_phq9"} <= set(terms)
    assert "activities" not in terms
    # what the model saw: the within part averages zero within every client
    w = weekly(log, ["mood", "activities"], roster=roster).dropna(subset=["mood"])
    within = w["activities"] - w.groupby("client")["activities"].transform("mean")
    assert within.groupby(w["client"]).mean().abs().max() < 1e-9


def test_accepts_a_weekly_frame(small):
    log, roster = small
    w = weekly(log, "mood", roster=roster)
    a = trajectory(w, reference="control")
    b = trajectory(log, roster=roster, reference="control")
    pd.testing.assert_frame_equal(a, b)


def test_clear_errors(small):
    log, roster = small
    with pytest.raises(ValueError, match="roster"):
        trajectory(log)  # no arm anywhere
    with pytest.raises(ValueError, match="reference"):
        trajectory(log, roster=roster, reference="placebo")
    with pytest.raises(ValueError, match="two groups"):
        trajectory(log, roster=roster.assign(arm="BA"))


# --------------------------------------------------------------------------- convergence


def _failing_fit(monkeypatch, fail):
    """MixedLM.fit that reports non-convergence for the optimisers in *fail*; records every call."""
    from statsmodels.regression.mixed_linear_model import MixedLM
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    original = MixedLM.fit
    calls = []

    def fit(self, *args, method=None, **kw):
        calls.append(method)
        res = original(self, *args, method=method, **kw)
        if method in fail:
            import warnings

            warnings.warn("Gradient optimization failed, |grad| = 1.0", ConvergenceWarning, stacklevel=2)
            res.converged = False
        return res

    monkeypatch.setattr(MixedLM, "fit", fit)
    return calls


def test_tries_other_optimisers_when_the_default_does_not_converge(small, monkeypatch):
    log, roster = small
    calls = _failing_fit(monkeypatch, {"bfgs", "lbfgs"})
    fit = trajectory(log, roster=roster, reference="control")
    assert calls[:3] == ["bfgs", "lbfgs", "powell"]
    assert fit.attrs["optimizer"] == "powell" and (fit["optimizer"] == "powell").all()
    att = fit.attrs["attempts"]
    assert att["optimizer"].tolist() == ["bfgs", "lbfgs", "powell"]
    assert att["converged"].tolist() == [False, False, True]
    assert "failed" in att["problem"].iloc[0]


def test_a_model_that_never_converges_warns_or_raises(small, monkeypatch):
    """Every optimiser, with random slopes and then random intercepts only: NaN and a warning, or raise."""
    log, roster = small
    calls = _failing_fit(monkeypatch, {"bfgs", "lbfgs", "powell", "nm", "cg"})
    with pytest.warns(ba.LogWarning, match="could not be fitted") as caught:
        fit = trajectory(log, roster=roster)
    assert calls == list(OPTIMIZERS) * 2
    assert not fit["converged"].any() and not fit.attrs["converged"]
    assert fit[["estimate", "se", "ci_low", "ci_high", "p", "df"]].isna().all().all()
    assert "What to do: log more weeks per client" in str(caught[0].message)
    att = fit.attrs["attempts"]
    assert att["re_formula"].tolist() == ["~week"] * 5 + ["1"] * 5 and not att["converged"].any()
    calls.clear()
    with pytest.raises(ConvergenceError, match="could not be fitted") as err:
        trajectory(log, roster=roster, errors="raise")
    assert err.value.attempts["optimizer"].tolist() == calls == list(OPTIMIZERS) * 2
    assert "more weeks per client" in str(err.value)


def test_a_degenerate_dataset_gives_no_silent_answer():
    log, roster = _cohort(2, n=12, weeks=4, entries=2)
    w = weekly(log, "mood", roster=roster)
    w["mood"] = 5.0 + 0.3 * w["week"]  # no residual variance at all
    with pytest.raises(ConvergenceError):
        trajectory(w, errors="raise")
    with pytest.warns(ba.LogWarning, match="could not be fitted"):
        fit = trajectory(w)
    assert not fit["converged"].any() and fit["estimate"].isna().all()
    with pytest.raises(ValueError, match="single value"):
        trajectory(w.assign(mood=5.0))
    with pytest.raises(ValueError, match="two different weeks"):
        trajectory(w[w["week"] == 2])


# =========================================================================== the plot


def test_plot_trajectory(trial):
    import matplotlib.pyplot as plt
    import seaborn as sns
    from matplotlib.collections import LineCollection, PolyCollection

    log, roster = trial
    ax = plot_trajectory(log, group="arm", value="mood", roster=roster)
    assert ax.get_xlabel() == "Week" and ax.get_ylabel() == "Mood (0-10)"
    assert "Mood by arm" in ax.get_title()
    assert ax.get_ylim() == (0.0, 10.0)
    lines = [ln for ln in ax.get_lines()]
    assert len(lines) == 2  # one mean line per arm
    palette = sns.color_palette("colorblind", 2)
    assert [tuple(ln.get_color()) for ln in lines] == [tuple(c) for c in palette]
    assert sum(isinstance(c, PolyCollection) for c in ax.collections) == 2  # CI bands
    spaghetti = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert sum(len(c.get_segments()) for c in spaghetti) == 60
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["BA (n=30)", "control (n=30)"]
    # the mean line is the mean of the client-week means
    w = weekly(log, "mood", roster=roster)
    expected = w[w["arm"] == "BA"].groupby("week")["mood"].mean().to_numpy()
    np.testing.assert_allclose(lines[0].get_ydata(), expected)
    fig, ax2 = plt.subplots()
    assert plot_trajectory(w, ax=ax2, value="mood") is ax2
    plt.close("all")


# =========================================================================== the public name


def test_public_functions_survive_importing_their_modules_and_import_stays_light():
    # several functions share their module's name: importing the module must not replace them
    code = (
        "import sys, types\n"
        "import bactivate as ba\n"
        "assert 'statsmodels' not in sys.modules and 'matplotlib' not in sys.modules\n"
        "import bactivate.cohort.trajectory, bactivate.progress, bactivate.balance, bactivate.avoidance\n"
        "assert 'statsmodels' not in sys.modules and 'matplotlib' not in sys.modules\n"
        "for f in (ba.trajectory, ba.progress, ba.balance, ba.avoidance):\n"
        "    assert isinstance(f, types.FunctionType), f\n"
        "log, roster = ba.synth.cohort(n_clients=12, weeks=4, seed=3, entries_per_day=2)\n"
        "fit = ba.trajectory(log, roster=roster)\n"
        "assert fit.attrs['converged']\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
