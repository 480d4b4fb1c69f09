"""Cohorts: read_cohort row accounting and roster checks, client_summary, compare_groups.

Numbers are checked against computations written out here (scipy directly, or
by hand on tiny logs) and against the ground truth bactivate.synth planted.
"""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats as st

import bactivate as ba
from bactivate.schema import TIDY_COLUMNS, AttrsFrame, conform

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample" / "cohort"
ROSTER = SAMPLE / "roster.csv"
HEADER = "date,time,activity,category,mastery (0-10),pleasure (0-10),mood (0-10),planned,done,avoidance,note\n"


def read(*args, **kw):
    """read_cohort recording the LogWarnings it emits."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = ba.read_cohort(*args, **kw)
    return out, [w for w in caught if issubclass(w.category, ba.LogWarning)]


@pytest.fixture(scope="module")
def sample():
    cohort, caught = read(SAMPLE, roster=ROSTER)
    return cohort, caught


def _copy_sample(tmp_path, names):
    for n in names:
        shutil.copy(SAMPLE / n, tmp_path / n)
    return tmp_path


# =========================================================================== read_cohort


def test_sample_folder_reads_40_clients_with_arms(sample):
    cohort, caught = sample
    assert not caught, [str(w.message) for w in caught]  # roster.csv is the roster, not a skipped log
    assert list(cohort.columns[: len(TIDY_COLUMNS)]) == list(TIDY_COLUMNS)
    assert cohort["client"].nunique() == 40
    assert sorted(cohort["client"].unique()) == [f"C{i:03d}" for i in range(1, 41)]
    roster = cohort.attrs["roster"]
    assert isinstance(roster, AttrsFrame)
    assert isinstance(cohort.attrs["rejected"], AttrsFrame)
    assert roster["client"].dtype == "str"
    summary = ba.client_summary(cohort)
    assert len(summary) == 40
    expected = pd.read_csv(ROSTER, dtype={"client": str}).set_index("client")["arm"]
    assert summary.set_index("client")["arm"].to_dict() == expected.to_dict()
    assert summary["arm"].value_counts().to_dict() == {"BA": 20, "control": 20}
    assert {"age", "baseline_phq9", "site", "gender"} <= set(summary.columns)


def test_accounting_equals_the_sum_of_per_file_reads(sample):
    cohort, _ = sample
    logs = [ba.read_log(f, errors="ignore") for f in sorted(SAMPLE.glob("C*.csv"))]
    assert len(cohort) == sum(len(x) for x in logs)
    assert len(cohort.attrs["rejected"]) == sum(len(x.attrs["rejected"]) for x in logs)
    per_file = pd.concat([ba.accounting(x) for x in logs], ignore_index=True)
    whole = ba.accounting(cohort)
    cols = ["rows_read", "kept", "set_aside", "not_log_rows"]
    assert whole[cols].sum().to_dict() == per_file[cols].sum().to_dict()
    files = cohort.attrs["files"]
    assert files["kept"].tolist() == [len(x) for x in logs]
    assert (files["rows_read"] == files["kept"] + files["set_aside"] + files["not_log_rows"]).all()
    # each client's rows are exactly its file's rows
    for x in logs:
        c = x["client"].iloc[0]
        mine = cohort[cohort["client"] == c].reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, x.reset_index(drop=True), check_dtype=True)


def test_folder_without_roster_skips_the_roster_file_and_says_so():
    cohort, caught = read(SAMPLE)
    assert cohort["client"].nunique() == 40
    assert cohort.attrs["roster"] is None
    assert len(caught) == 1
    assert "roster.csv" in str(caught[0].message)
    assert any("roster.csv" in n for n in cohort.attrs["notes"])


def test_roster_mismatch_both_ways_is_reported_not_dropped(tmp_path):
    folder = _copy_sample(tmp_path, ["C001.csv", "C002.csv", "C003.csv"])
    roster = pd.read_csv(ROSTER, dtype={"client": str})
    roster = roster[roster["client"].isin(["C001", "C002"])]  # C003 has a log but no roster row
    roster = pd.concat([roster, pd.DataFrame({"client": ["C099"], "arm": ["BA"], "age": [40],
                                              "gender": ["male"], "baseline_phq9": [12],
                                              "site": ["Site A"]})])
    (tmp_path / "README.md").write_text("not a log")
    cohort, caught = read(folder, roster=roster)
    assert len(caught) == 1  # one warning for the cohort
    msg = str(caught[0].message)
    assert "C003" in msg and "C099" in msg
    notes = " ".join(cohort.attrs["notes"])
    assert "C003" in notes and "C099" in notes
    assert "README.md" in notes  # skipped, and said so
    summary = ba.client_summary(cohort)
    s = summary.set_index("client")
    assert set(s.index) == {"C001", "C002", "C003", "C099"}
    assert pd.isna(s.loc["C003", "arm"]) and s.loc["C003", "entries"] > 0
    assert s.loc["C099", "arm"] == "BA" and s.loc["C099", "entries"] == 0
    assert np.isnan(s.loc["C099", "mood"])
    assert any("C099" in n for n in summary.attrs["notes"])


def _bad_file(folder, name, bad_mood):
    rows = [
        "2026-03-02,09:00,Walk,Health,6,7,5,no,,no,",
        f"2026-03-02,12:00,Lunch,Self-care,3,6,{bad_mood},no,,no,",
        "2026-03-03,09:00,Walk,Health,6,7,6,no,,no,",
        "2026-03-04,09:00,Call a friend,Relationships,5,8,9,no,,no,",
    ]
    (folder / name).write_text(HEADER + "\n".join(rows) + "\n")


def test_one_warning_for_the_whole_cohort_and_raise_lists_every_file(tmp_path):
    for i in range(3):
        _bad_file(tmp_path, f"P{i}.csv", "abc")
    cohort, caught = read(tmp_path)
    assert len(caught) == 1
    assert "3 rows with problems in 3 files" in str(caught[0].message)
    rej = cohort.attrs["rejected"]
    assert isinstance(rej, AttrsFrame)
    assert sorted(rej["file"].unique()) == ["P0.csv", "P1.csv", "P2.csv"]
    assert len(cohort) == 9
    assert cohort.attrs["files"]["set_aside"].tolist() == [1, 1, 1]
    with pytest.raises(ba.LogError) as err:
        ba.read_cohort(tmp_path, errors="raise")
    for i in range(3):
        assert f"P{i}.csv" in str(err.value)
    _, quiet = read(tmp_path, errors="ignore")
    assert not quiet


def test_two_files_with_the_same_client_is_an_error_unless_combined(tmp_path):
    a = "client," + HEADER + "Sam,2026-03-09,09:00,Walk,Health,6,7,5,no,,no,\n" \
        "Sam,2026-03-10,09:00,Walk,Health,6,7,6,no,,no,\n"
    b = "client," + HEADER + "Sam,2026-03-02,10:00,Read,Leisure,4,8,4,no,,no,\n"
    (tmp_path / "march-2.csv").write_text(a)
    (tmp_path / "march-1.csv").write_text(b)
    with pytest.raises(ba.LogError, match="more than one file") as err:
        ba.read_cohort(tmp_path)
    assert "march-1.csv" in str(err.value) and "march-2.csv" in str(err.value)
    cohort, caught = read(tmp_path, duplicate_clients="combine")
    assert not caught
    assert cohort["client"].unique().tolist() == ["Sam"]
    # entries renumbered in time order across the two files
    assert cohort["entry"].tolist() == [1, 2, 3]
    assert cohort["start"].is_monotonic_increasing
    assert any("split over files" in n for n in cohort.attrs["notes"])


def test_one_long_file_with_a_client_column(tmp_path):
    lines = ["Study ID," + HEADER.strip()]
    for c in ("A1", "B2", "C3"):
        for d in range(2, 6):
            lines.append(f"{c},2026-03-0{d},09:00,Walk,Health,5,6,{d},no,,no,")
    path = tmp_path / "trial.csv"
    path.write_text("\n".join(lines) + "\n")
    roster = pd.DataFrame({"Study ID": ["A1", "B2", "C3"], "group": ["x", "y", "x"]})
    cohort, caught = read(path, roster=roster, client_column="Study ID")
    assert not caught
    assert sorted(cohort["client"].unique()) == ["A1", "B2", "C3"]
    assert cohort.attrs["roster"].columns.tolist() == ["client", "group"]
    summary = ba.client_summary(cohort)
    assert summary["group"].tolist() == ["x", "y", "x"]
    assert (summary["entries"] == 4).all()


def test_roster_files_keep_leading_zeros_and_read_xlsx(tmp_path):
    for c in ("007", "010"):
        _bad_file(tmp_path, f"{c}.csv", "5")
    roster = pd.DataFrame({"Participant": ["007", "010"], "arm": ["BA", "control"], "phq9": [20, 14],
                           "enrolled": ["2026-03-02", "2026-03-09"]})
    roster.to_csv(tmp_path / "ids.txt", index=False)  # a .txt roster in the folder is excluded by path
    cohort, caught = read(tmp_path, roster=tmp_path / "ids.txt")
    assert not caught, [str(w.message) for w in caught]
    assert cohort.attrs["roster"]["client"].tolist() == ["007", "010"]
    assert cohort.attrs["roster"]["phq9"].dtype == "int64"
    assert cohort.attrs["roster"]["enrolled"].dtype == "datetime64[ns]"
    xlsx = tmp_path.parent / "roster.xlsx"
    roster.to_excel(xlsx, index=False)
    from_xlsx, caught = read(tmp_path, roster=xlsx)  # (ids.txt in the folder is now a skipped non-log)
    assert from_xlsx.attrs["roster"]["client"].tolist() == ["007", "010"]
    assert len(caught) == 1 and "ids.txt" in str(caught[0].message)
    roster.assign(Participant=[7, 10]).to_excel(xlsx, index=False)
    with pytest.warns(ba.LogWarning, match="not in the roster"):
        ba.read_cohort(tmp_path, roster=xlsx)  # 7 is not "007": reported, not guessed


def test_files_in_a_list_and_bad_arguments(tmp_path):
    files = sorted(SAMPLE.glob("C00[1-3].csv"))
    cohort, caught = read(files)
    assert not caught and cohort["client"].nunique() == 3
    with pytest.raises(TypeError, match="client="):
        ba.read_cohort(files, client="x")
    with pytest.raises(ValueError, match="errors"):
        ba.read_cohort(files, errors="loud")
    with pytest.raises(ba.LogError, match="no log files"):
        ba.read_cohort(tmp_path)
    (tmp_path / "roster.csv").write_text("client,arm\nA,BA\nA,control\n")
    with pytest.raises(ba.LogError, match="more than once"):
        ba.read_cohort(files, roster=tmp_path / "roster.csv")


def test_progress_bar_only_for_many_files(tmp_path, monkeypatch):
    import tqdm

    calls = []

    class Recorder(tqdm.tqdm):
        def __init__(self, *a, **kw):
            calls.append(kw)
            super().__init__(*a, **kw)

    monkeypatch.setattr(tqdm, "tqdm", Recorder)
    for i in range(21):
        _bad_file(tmp_path, f"c{i:02d}.csv", "5")
    cohort, _ = read(tmp_path)
    assert cohort["client"].nunique() == 21
    assert len(calls) == 1 and calls[0]["disable"] is None
    calls.clear()
    read(sorted(tmp_path.glob("*.csv"))[:5])
    assert not calls


# =========================================================================== client_summary


def _tiny():
    """Client A over 15 days (3 weeks) with plans and moods chosen by hand; client B one week."""
    rows = []

    def add(client, day, hour, mood, planned=False, done=pd.NA, avoid=False, m=5.0, p=5.0):
        rows.append({"client": client, "start": pd.Timestamp("2026-03-02") + pd.Timedelta(days=day, hours=hour),
                     "activity": "x", "mood": mood, "planned": planned, "done": done, "avoidance": avoid,
                     "mastery": m if done is not False else np.nan, "pleasure": p if done is not False else np.nan})

    # week 1 (days 0-6): moods 2, 4; one plan done
    add("A", 0, 9, 2.0, planned=True, done=True, m=8.0)
    add("A", 3, 9, 4.0, avoid=True)
    # week 2 (days 7-13): moods 5, 5; two plans, one skipped
    add("A", 7, 9, 5.0, planned=True, done=True)
    add("A", 8, 9, 5.0, planned=True, done=False)
    # week 3 (day 14 only): mood 8; three plans done
    for h in (8, 9, 10):
        add("A", 14, h, 8.0, planned=True, done=True)
    add("B", 0, 9, 6.0)
    add("B", 2, 9, 7.0)
    df = conform(pd.DataFrame(rows))
    df["entry"] = df.groupby("client").cumcount().astype("int64") + 1
    return df


def test_client_summary_by_hand():
    s = ba.client_summary(_tiny()).set_index("client")
    a = s.loc["A"]
    assert a["span_days"] == 15 and a["weeks"] == 3 and a["days_logged"] == 5
    assert a["adherence"] == pytest.approx(5 / 15)
    assert a["entries"] == 7 and a["activities"] == 6  # the skipped plan did not happen
    assert a["planned"] == 6 and a["done"] == 5 and a["completion"] == pytest.approx(5 / 6)
    assert a["mood"] == pytest.approx(np.mean([2, 4, 5, 5, 8, 8, 8]))
    assert a["mastery"] == pytest.approx(np.mean([8, 5, 5, 5, 5, 5]))
    assert a["avoidance_share"] == pytest.approx(1 / 6)
    # mood change: mean of weeks 2 and 3 weekly means minus week 1
    assert a["mood_first_week"] == pytest.approx(3.0)
    assert a["mood_last_weeks"] == pytest.approx((5.0 + 8.0) / 2)
    assert a["mood_change"] == pytest.approx(3.5)
    # mood slope: OLS of weekly means (3, 5, 8) on weeks (1, 2, 3)
    fit = st.linregress([1, 2, 3], [3, 5, 8])
    assert a["mood_slope"] == pytest.approx(fit.slope)
    half = st.t.ppf(0.975, 1) * fit.stderr
    assert a["mood_slope_ci_low"] == pytest.approx(fit.slope - half)
    # activation: plans done per week 1, 1, 3 (week 3 is one day long: scaled to 7 days -> 21)
    fit = st.linregress([1, 2, 3], [1, 1, 21])
    assert a["activation_slope"] == pytest.approx(fit.slope)
    b = s.loc["B"]
    assert b["weeks"] == 1 and np.isnan(b["mood_change"]) and np.isnan(b["mood_slope"])
    assert np.isnan(b["completion"])


def test_client_summary_and_weeks_match_plain_groupby():
    """Every column against pandas groupby written out here, on a cohort with messy rows."""
    log, roster = ba.synth.cohort(n_clients=8, weeks=5, seed=3, entries_per_day=3)
    log = log.copy()
    log.loc[log.index[::97], "start"] = pd.NaT  # undated rows are left out
    log.loc[log.index[5::101], "client"] = pd.NA  # so are rows of no client
    log.loc[log.index[7::89], "activity"] = pd.NA  # mood-only rows: not activities
    s = ba.client_summary(log, roster=roster).set_index("client")
    wk = ba.cohort.client_weeks(log)
    df = log[log["start"].notna() & log["client"].notna()].copy()
    df["day"] = df["start"].dt.normalize()
    df["week"] = (df["day"] - df.groupby("client")["day"].transform("min")).dt.days // 7 + 1
    skipped = df["planned"].fillna(False).astype(bool) & (df["done"] == False).fillna(False)  # noqa: E712
    did = df[~skipped]
    named = did[did["activity"].notna()]
    entries = df.drop_duplicates(["client", "entry"])
    g = df.groupby("client")
    assert (s["days_logged"] == g["day"].nunique()).all()
    assert (s["entries"] == entries.groupby("client").size()).all()
    assert (s["activities"] == named.groupby("client").size()).all()
    assert np.allclose(s["mastery"], did.groupby("client")["mastery"].mean().reindex(s.index), equal_nan=True)
    assert np.allclose(s["mood"], entries.groupby("client")["mood"].mean().reindex(s.index))
    avoid = named["avoidance"].fillna(False).astype(float).groupby(named["client"]).mean()
    assert np.allclose(s["avoidance_share"], avoid.reindex(s.index))
    weekly = entries.groupby(["client", "week"])["mood"].mean()
    got = wk.set_index(["client", "week"])["mood"].dropna()
    assert np.allclose(got, weekly.reindex(got.index)) and len(got) == weekly.notna().sum()
    counts = wk.set_index(["client", "week"])
    plans = df["planned"].fillna(False).astype(bool).groupby([df["client"], df["week"]]).sum()
    assert (counts["planned"].reindex(plans.index) == plans).all()
    # one slope, written out with scipy
    c = s.index[0]
    mine = wk[wk["client"] == c].dropna(subset=["mood"])
    fit = st.linregress(mine["week"], mine["mood"])
    assert s.loc[c, "mood_slope"] == pytest.approx(fit.slope, rel=1e-10)
    half = st.t.ppf(0.975, len(mine) - 2) * fit.stderr
    assert s.loc[c, "mood_slope_ci_high"] == pytest.approx(fit.slope + half, rel=1e-10)


def test_client_summary_needs_a_log():
    with pytest.raises(TypeError):
        ba.client_summary([1, 2])
    with pytest.raises(ValueError, match="columns"):
        ba.client_summary(pd.DataFrame({"client": ["a"]}))


# =========================================================================== compare_groups


@pytest.fixture(scope="module")
def trial():
    log, roster = ba.synth.cohort(n_clients=60, weeks=6, seed=11, entries_per_day=3)
    return log, roster, ba.client_summary(log, roster=roster)


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
