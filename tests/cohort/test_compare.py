"""compare_groups (bactivate.cohort.compare): against scipy, recovering the planted arm difference,
three arms with an omnibus test and corrected pairs, and its rules.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as st

import bactivate as ba


@pytest.fixture(scope="module")
def trial():
    log, roster = ba.synth.cohort(n_clients=60, weeks=6, seed=11, entries_per_day=3)
    return log, roster, ba.client_summary(log, roster=roster)


# =========================================================================== compare_groups


def test_compare_groups_matches_scipy(trial):
    _, _, summary = trial
    res = ba.compare_groups(summary, "arm", "mood_change")
    assert len(res) == 1
    r = res.iloc[0]
    a = summary.loc[summary["arm"] == "BA", "mood_change"].dropna().to_numpy()
    b = summary.loc[summary["arm"] == "control", "mood_change"].dropna().to_numpy()
    assert (r["group_a"], r["group_b"], r["n_a"], r["n_b"]) == ("BA", "control", len(a), len(b))
    assert r["mean_a"] == pytest.approx(a.mean()) and r["sd_b"] == pytest.approx(b.std(ddof=1))
    welch = st.ttest_ind(a, b, equal_var=False)
    assert r["t"] == pytest.approx(welch.statistic)
    assert r["p_welch"] == pytest.approx(welch.pvalue)
    assert r["p_adjusted"] == pytest.approx(welch.pvalue)  # one comparison: nothing to correct
    assert r["p_mannwhitney"] == pytest.approx(st.mannwhitneyu(a, b, alternative="two-sided").pvalue)
    low, high = welch.confidence_interval(0.95)
    assert (r["ci_low"], r["ci_high"]) == (pytest.approx(low), pytest.approx(high))
    g = ba.stats.hedges_g(b, a).iloc[0]
    assert r["hedges_g"] == pytest.approx(g["estimate"]) and r["g_ci_low"] == pytest.approx(g["ci_low"])
    omni = res.attrs["omnibus"].iloc[0]
    assert omni["p_welch_anova"] == pytest.approx(welch.pvalue)
    assert omni["p_kruskal"] == pytest.approx(st.kruskal(a, b).pvalue)


def test_compare_groups_recovers_the_arm_difference_in_mood_change(trial):
    log, _, summary = trial
    truth = log.attrs["truth"]["arm_slope_diff"]["BA"]
    assert truth > 0
    r = ba.compare_groups(summary, "arm", ["mood_change", "mood_slope", "activation_slope"]).set_index("value")
    assert r.loc["mood_change", "diff"] > 0 and r.loc["mood_change", "ci_low"] > 0
    assert r.loc["mood_slope", "diff"] > 0
    # the per-client mood slope averages to the planted arm difference in slope
    assert r.loc["mood_slope", "ci_low"] < truth < r.loc["mood_slope", "ci_high"] or \
        abs(r.loc["mood_slope", "diff"] - truth) < 0.1
    assert r.loc["activation_slope", "diff"] > 0  # only the BA arm schedules activities


def test_three_arms_omnibus_and_corrected_pairs():
    log, roster = ba.synth.cohort(n_clients=45, arms=("BA", "brief", "control"), weeks=5, seed=5,
                                  entries_per_day=2,
                                  arm_activation={"BA": 1.0, "brief": 0.5, "control": 0.15})
    summary = ba.client_summary(log, roster=roster)
    res = ba.compare_groups(summary, "arm", "mood_change")
    assert res[["group_a", "group_b"]].values.tolist() == [["BA", "brief"], ["BA", "control"],
                                                           ["brief", "control"]]
    samples = {g: summary.loc[summary["arm"] == g, "mood_change"].dropna().to_numpy()
               for g in ("BA", "brief", "control")}
    p = np.array([st.ttest_ind(samples[a], samples[b], equal_var=False).pvalue
                  for a, b in res[["group_a", "group_b"]].values])
    assert res["p_welch"].to_numpy() == pytest.approx(p)
    # Holm, written out
    order = np.argsort(p)
    holm = np.empty(3)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (3 - rank) * p[i]))
        holm[i] = running
    assert res["p_adjusted"].to_numpy() == pytest.approx(holm)
    assert res.attrs["correction"] == "Holm"
    bh = ba.compare_groups(summary, "arm", "mood_change", correction="bh")
    assert bh["p_adjusted"].to_numpy() == pytest.approx(ba.stats.bh(p))
    assert bh.attrs["correction"] == "Benjamini-Hochberg"
    omni = res.attrs["omnibus"].iloc[0]
    assert omni["k"] == 3
    assert omni["p_kruskal"] == pytest.approx(st.kruskal(*samples.values()).pvalue)
    if "equal_var" in st.f_oneway.__doc__:
        welch = st.f_oneway(*samples.values(), equal_var=False)
        assert omni["welch_F"] == pytest.approx(welch.statistic)
        assert omni["p_welch_anova"] == pytest.approx(welch.pvalue)
    # the arms differ in activation (BA 1.0, brief 0.5, control 0.15): the omnibus tests see it
    act = ba.compare_groups(summary, "arm", "activation_slope")
    assert act.attrs["omnibus"].iloc[0]["p_welch_anova"] < 0.001
    assert act.attrs["omnibus"].iloc[0]["p_kruskal"] < 0.001
    assert (act["diff"] > 0).all()  # BA > brief > control


def test_compare_groups_rules():
    summary = pd.DataFrame({"client": list("abcdef"), "arm": ["x", "x", "x", "y", "y", None],
                            "v": [1.0, 2.0, 3.0, 5.0, np.nan, 4.0]})
    res = ba.compare_groups(summary, "arm", "v")
    assert res.loc[0, ["n_a", "n_b"]].tolist() == [3, 1]
    assert np.isnan(res.loc[0, "p_welch"])  # one client in y: no variance, no test
    assert any("left out" in n for n in res.attrs["notes"])
    with pytest.raises(ValueError, match="one row per client"):
        ba.compare_groups(pd.concat([summary, summary]), "arm", "v")
    with pytest.raises(ValueError, match="no column"):
        ba.compare_groups(summary, "arm", "nope")
    with pytest.raises(ValueError, match="two groups"):
        ba.compare_groups(summary.assign(arm="x"), "arm", "v")
    # a group with no values at all (e.g. completion in an arm that plans nothing): NaN, no error
    empty = ba.compare_groups(summary.assign(v=[1.0, 2.0, 3.0, np.nan, np.nan, 4.0]), "arm", "v")
    assert empty.loc[0, "n_b"] == 0 and np.isnan(empty.loc[0, "hedges_g"])
    flipped = ba.compare_groups(summary, "arm", "v", order=["y", "x"])
    assert flipped.loc[0, "group_a"] == "y" and flipped.loc[0, "diff"] == -res.loc[0, "diff"]
