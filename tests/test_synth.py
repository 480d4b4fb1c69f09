"""Tests for bactivate.synth: schema conformance, determinism and recoverable ground truth."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bactivate import synth
from bactivate.schema import RATINGS, TIDY_COLUMNS, check_log


@pytest.fixture(scope="module")
def log():
    return synth.client(seed=11)


@pytest.fixture(scope="module")
def trial():
    return synth.cohort(n_clients=200, weeks=8, seed=5)


def _week(df: pd.DataFrame, first_day) -> pd.Series:
    return (df["start"].dt.normalize() - pd.Timestamp(first_day)).dt.days // 7 + 1


def _assert_tidy(df: pd.DataFrame) -> None:
    assert list(df.columns) == list(TIDY_COLUMNS)
    assert {c: str(t) for c, t in df.dtypes.items()} == TIDY_COLUMNS
    check_log(df)
    for col in RATINGS:
        s = df[col].dropna()
        assert ((s >= 0) & (s <= 10)).all()
        assert (s == s.round()).all(), f"{col} should be whole numbers"
    assert df["mood"].notna().all()
    assert df["effort"].notna().sum() > 0
    # entry numbers 1..n per client, in time order, and unique
    for _, g in df.groupby("client", sort=False):
        assert g["entry"].tolist() == list(range(1, len(g) + 1))
        assert g["start"].is_monotonic_increasing
        assert g["start"].is_unique
    assert (df["end"] > df["start"]).all()
    hours = df["start"].dt.hour + df["start"].dt.minute / 60
    assert hours.between(7, 23).all() and (df["end"].dt.hour + df["end"].dt.minute / 60 <= 23).all()
    assert (df["end"].dt.normalize() == df["start"].dt.normalize()).all()
    expected_source = "synth:" + df["client"].astype("str") + ":" + df["entry"].astype("str")
    assert (df["source"] == expected_source).all()
    # done is meaningful only for planned rows
    assert df.loc[~df["planned"], "done"].isna().all()
    assert df.loc[df["planned"], "done"].notna().all()
    skipped = df["planned"] & ~df["done"].fillna(True)
    assert df.loc[skipped, ["mastery", "pleasure", "effort"]].isna().all().all()
    assert df.loc[~skipped, ["mastery", "pleasure", "effort"]].notna().all().all()
    assert df["activity"].notna().all() and df["category"].notna().all()
    assert df["planned"].notna().all() and df["avoidance"].notna().all()


# ----------------------------------------------------------------------------- schema


def test_client_conforms_to_tidy_log(log):
    _assert_tidy(log)
    assert (log["client"] == "C01").all()
    assert log["start"].min() >= pd.Timestamp("2026-03-02 07:00")
    assert log["start"].max() < pd.Timestamp("2026-03-02") + pd.Timedelta(days=56)
    # notes are occasional and come from the invented pools
    share = log["note"].notna().mean()
    assert 0.03 < share < 0.15
    pools = {x for p in synth._NOTES.values() for x in p}
    assert set(log["note"].dropna()) <= pools


def test_rows_per_day_and_missing_rate():
    df = synth.client(weeks=20, seed=3, missing_rate=0.0, entries_per_day=10)
    assert df.groupby(df["start"].dt.date).size().eq(10).all()
    assert len(df) == 20 * 7 * 10
    df = synth.client(weeks=20, seed=3, missing_rate=0.2, entries_per_day=10)
    unplanned = (~df["planned"]).sum()
    planned = df["planned"].sum()
    expected_unplanned = 20 * 7 * 10 - planned
    # each of the 1400 slots is missing with p = 0.2 (whole days: clustered), so
    # the observed share has SD about 0.03; allow 0.1
    assert abs(1 - unplanned / expected_unplanned - 0.2) < 0.1
    # some whole days are missing in the truth and absent from the log
    daily = df.attrs["truth"]["daily"]
    assert (~daily["logged"]).sum() > 0


def test_activity_library():
    tab = synth.activities()
    assert len(tab) >= 20
    for col in ("activity", "category", "mastery", "pleasure", "avoidance", "mood_effect"):
        assert col in tab.columns
    walk = tab.set_index("activity").loc["Walk in the park"]
    assert (walk["mastery"], walk["pleasure"], walk["mood_effect"]) == (5, 7, 1.0)
    assert not walk["avoidance"]
    avoid = tab[tab["avoidance"]]
    assert {
        "Scrolling phone in bed",
        "Stay in bed",
        "Watch TV all afternoon",
        "Cancel plans",
    } <= set(avoid["activity"])
    assert (avoid["mood_effect"] < 0).all()
    assert {
        "Relationships",
        "Self-care",
        "Work/Education",
        "Leisure",
        "Physical health",
        "Household/Chores",
        "Spirituality",
    } <= set(tab["category"])
    # a fresh copy each time
    tab.loc[0, "mood_effect"] = 99
    assert synth.activities().loc[0, "mood_effect"] != 99


def test_truth_contents(log):
    truth = log.attrs["truth"]
    for key in (
        "seed",
        "params",
        "activities",
        "mood_model",
        "weeks",
        "planned_per_week",
        "avoidance_p",
        "p_done",
        "lapse_week",
        "p_unplanned",
        "daily",
    ):
        assert key in truth, key
    assert truth["seed"] == 11
    pd.testing.assert_frame_equal(truth["activities"], synth.activities())
    mm = truth["mood_model"]
    assert mm["phi"] == 0.5 and mm["level"] == 3.5 and mm["activation_effect"] == 1.0
    assert truth["lapse_week"] == 5  # auto: 1 + max(2, round(0.6 * 7))
    assert truth["planned_per_week"] == {1: 0, 2: 3, 3: 5, 4: 7, 5: 10, 6: 12, 7: 14, 8: 14}
    assert len(truth["daily"]) == 56 and len(truth["weeks"]) == 8
    assert truth["weeks"].loc[truth["weeks"]["week"] == 5, "phase"].item() == "lapse"
    # observed activities all come from the table, with the table's category
    cat = truth["activities"].set_index("activity")["category"]
    assert (log["category"] == log["activity"].map(cat)).all()
    av = truth["activities"].set_index("activity")["avoidance"]
    happened = ~(log["planned"] & ~log["done"].fillna(True))
    assert (log.loc[happened, "avoidance"] == log.loc[happened, "activity"].map(av)).all()


def test_truth_survives_pandas_operations(log):
    halves = pd.concat([log.iloc[:100], log.iloc[100:]])
    assert halves.attrs["truth"] is log.attrs["truth"]
    assert log[log["avoidance"]].attrs["truth"] is log.attrs["truth"]
    other = synth.client(weeks=2, seed=12)
    both = pd.concat([log, other])  # different truths: pandas drops attrs, never raises
    assert len(both) == len(log) + len(other)
    assert synth.client(weeks=2, seed=12).attrs["truth"] == other.attrs["truth"]
    assert other.attrs["truth"] != log.attrs["truth"]


# ----------------------------------------------------------------------------- determinism


def test_deterministic_per_seed():
    a = synth.client(weeks=3, seed=42)
    b = synth.client(weeks=3, seed=42)
    pd.testing.assert_frame_equal(a, b)
    c = synth.client(weeks=3, seed=43)
    assert not a.equals(c)
    ca, ra = synth.cohort(n_clients=6, weeks=3, seed=1)
    cb, rb = synth.cohort(n_clients=6, weeks=3, seed=1)
    pd.testing.assert_frame_equal(ca, cb)
    pd.testing.assert_frame_equal(ra, rb)
    cc, _ = synth.cohort(n_clients=6, weeks=3, seed=2)
    assert not ca.equals(cc)


def test_seed_none_is_recorded_and_reproducible():
    a = synth.client(weeks=2)
    seed = a.attrs["truth"]["seed"]
    assert isinstance(seed, int)
    pd.testing.assert_frame_equal(a, synth.client(weeks=2, seed=seed))


# ----------------------------------------------------------------------------- therapy course


def test_baseline_is_monitoring_only(log):
    week = _week(log, "2026-03-02")
    assert not log.loc[week == 1, "planned"].any()
    assert log.loc[week > 1, "planned"].any()


def test_planned_counts_match_truth():
    for seed in (1, 2):
        df = synth.client(weeks=10, seed=seed, missing_rate=0.3, planned_per_week=[2, 4, 8])
        truth = df.attrs["truth"]
        counts = df[df["planned"]].groupby(_week(df, "2026-03-02")).size()
        counts = counts.reindex(range(1, 11), fill_value=0)
        assert counts.to_dict() == truth["planned_per_week"]
        assert truth["planned_per_week"] == {1: 0, 2: 2, 3: 4, **{w: 8 for w in range(4, 11)}}


def test_avoidance_falls_after_baseline():
    """Two baseline weeks vs the last two weeks of a high-avoidance client.

    Expected avoidance share: about 0.37 at baseline (daily probabilities 0.8 x
    weights summing to 3.7, capped at 0.95, over 8 slots) and about 0.12 in weeks
    9-10; with 112 rows per pair of weeks the SE of the difference is about 0.055,
    so a required drop of 0.08 leaves 3 SE of room.
    """
    df = synth.client(weeks=10, baseline_weeks=2, seed=4, avoidance_tendency=0.8, lapse_week=None)
    week = _week(df, "2026-03-02")
    base = df.loc[week <= 2, "avoidance"].mean()
    end = df.loc[week >= 9, "avoidance"].mean()
    assert base > 0.2
    assert base - end > 0.08
    avoid_p = df.attrs["truth"]["avoidance_p"]
    assert avoid_p[1] == avoid_p[2] == pytest.approx(0.8)
    assert avoid_p[10] < 0.3
    assert all(avoid_p[w + 1] < avoid_p[w] for w in range(2, 10))


def test_completion_improves_and_lapse_dips():
    df = synth.client(weeks=12, seed=8, lapse_week=8, planned_per_week=[21])
    truth = df.attrs["truth"]
    week = _week(df, "2026-03-02")
    plans = df[df["planned"]]
    pw = week[plans.index]
    done = plans.groupby(pw)["done"].mean()
    # 42 plans at p about 0.58 vs 63 at about 0.89: SE of the difference about 0.09
    assert done[[2, 3]].mean() + 0.1 < done[[10, 11, 12]].mean()
    # 21 plans at 0.3 vs 42 at 0.87: gap 0.57, SE about 0.11
    assert done[8] < done[[7, 9]].mean() - 0.2
    assert truth["p_done"][8] == 0.3
    p_done = pw.map(truth["p_done"]).astype(float)
    observed, expected = plans["done"].sum(), p_done.sum()
    assert abs(observed - expected) < 3 * np.sqrt((p_done * (1 - p_done)).sum())
    # the lapse week's mood dips (lapse_drop 1.5 plus fewer valued, more avoidant days;
    # weekly means carry AR(1) noise with SD about 0.5)
    mood = df.groupby(week)["mood"].mean()
    assert mood[8] < min(mood[7], mood[9]) - 0.5
    expected_mood = truth["weeks"].set_index("week")["mood"]
    assert expected_mood[8] < min(expected_mood[7], expected_mood[9]) - 1.5


def test_daily_truth_matches_entries():
    df = synth.client(weeks=12, seed=21, missing_rate=0.0)
    daily = df.attrs["truth"]["daily"].set_index("date")
    parts = daily[["level", "trend", "lapse", "activity_effect", "noise"]].sum(axis=1)
    np.testing.assert_allclose(parts, daily["mood"])
    tod = synth.time_of_day(df["start"].dt.hour + df["start"].dt.minute / 60)
    obs = (df["mood"] - tod).groupby(df["start"].dt.normalize()).mean()
    diff = obs - daily["mood"].reindex(obs.index)
    # entry noise SD 0.5 averaged over 8 entries plus rounding: SD about 0.2; clipping
    # at 0 and 10 only moves extreme days
    assert abs(diff.median()) < 0.15
    assert diff.abs().quantile(0.9) < 0.6


def test_planted_mood_effects_are_recovered():
    """Days with an activity vs days without, in a stationary two-year log.

    With activation_effect=0 every week is alike and activities happen
    independently of each other and of the noise. Daily mean mood has SD about
    1.2 (AR(1) marginal SD 0.92, other activities about 0.7, entry noise and
    rounding about 0.2); a walk happens on about 25 % of 728 days, so the
    with-minus-without difference has SE about 1.2 * sqrt(1/180 + 1/550) = 0.10
    (slot competition adds a bias of a few hundredths): a 0.4 tolerance is 4 SE.
    """
    effects = {"Read a novel": 1.5, "Gym": 0.0}
    df = synth.client(
        weeks=104,
        seed=7,
        activation_effect=0.0,
        missing_rate=0.0,
        lapse_week=None,
        activity_effects=effects,
    )
    truth = df.attrs["truth"]["activities"].set_index("activity")
    assert truth.loc["Read a novel", "mood_effect"] == 1.5 and truth.loc["Gym", "mood_effect"] == 0
    assert not df["planned"].any()
    day = df["start"].dt.normalize()
    daily = df.groupby(day)["mood"].mean()
    with_walk = daily.index.isin(day[df["activity"] == "Walk in the park"])
    diff = daily[with_walk].mean() - daily[~with_walk].mean()
    assert diff == pytest.approx(1.0, abs=0.4)

    # least squares on the presence of every non-routine activity recovers each effect
    non_routine = truth.index[truth["kind"] != "routine"]
    present = (
        pd.crosstab(day, df["activity"])
        .clip(upper=1)
        .reindex(index=daily.index, columns=non_routine, fill_value=0)
    )
    X = np.column_stack([np.ones(len(present)), present.to_numpy(float)])
    beta, *_ = np.linalg.lstsq(X, daily.to_numpy(), rcond=None)
    resid = daily.to_numpy() - X @ beta
    sigma2 = resid @ resid / (len(resid) - X.shape[1])
    se = np.sqrt(np.diag(sigma2 * np.linalg.inv(X.T @ X)))[1:]
    est = pd.Series(beta[1:], index=non_routine)
    err = (est - truth.loc[non_routine, "mood_effect"]).abs()
    # 4 SE of sampling error plus 0.1 for rounding and clipping at 0-10
    assert (err < 4 * se + 0.1).all(), pd.DataFrame({"est": est, "se": se, "err": err})
    assert est["Read a novel"] == pytest.approx(1.5, abs=0.35)
    assert est["Walk in the park"] == pytest.approx(1.0, abs=0.35)
    assert est["Stay in bed"] == pytest.approx(-1.0, abs=0.35)


def test_typical_ratings_are_recovered():
    df = synth.client(weeks=30, seed=9, noise=1.0)
    tab = df.attrs["truth"]["activities"].set_index("activity")
    med = df.dropna(subset=["mastery"]).groupby("activity")[["mastery", "pleasure"]].median()
    n = df.dropna(subset=["mastery"]).groupby("activity").size()
    med = med[n >= 30]
    assert len(med) >= 10
    assert (med["mastery"] - tab.loc[med.index, "mastery"]).abs().max() <= 1
    assert (med["pleasure"] - tab.loc[med.index, "pleasure"]).abs().max() <= 1


def test_noise_free_log():
    df = synth.client(weeks=3, seed=2, noise=0.0)
    tab = df.attrs["truth"]["activities"].set_index("activity")
    done = df.dropna(subset=["mastery"])
    assert (done["mastery"] == tab.loc[done["activity"], "mastery"].to_numpy()).all()
    assert (df.attrs["truth"]["daily"]["noise"] == 0).all()


def test_custom_activity_list_and_errors():
    df = synth.client(weeks=3, seed=1, activities=["Walk in the park", "Stay in bed", "Gym"])
    kinds = df.attrs["truth"]["activities"]["kind"]
    assert set(df["activity"]) <= set(df.attrs["truth"]["activities"]["activity"])
    assert (kinds == "valued").sum() == 2
    with pytest.raises(ValueError, match="unknown activities"):
        synth.client(activities=["Skydiving"])
    with pytest.raises(ValueError, match="activity_effects"):
        synth.client(activity_effects={"Skydiving": 1.0})
    with pytest.raises(ValueError, match="entries_per_day"):
        synth.client(entries_per_day=0)
    with pytest.raises(ValueError, match="lapse_week"):
        synth.client(weeks=4, lapse_week=9)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    weeks=st.integers(1, 4),
    entries=st.integers(1, 20),
    baseline=st.integers(0, 2),
    missing=st.floats(0, 0.6),
    avoid=st.floats(0, 1),
    activation=st.floats(0, 2),
    seed=st.integers(0, 2**32),
)
def test_any_parameters_give_a_tidy_log(weeks, entries, baseline, missing, avoid, activation, seed):
    baseline = min(baseline, weeks)
    df = synth.client(
        weeks=weeks,
        entries_per_day=entries,
        baseline_weeks=baseline,
        seed=seed,
        missing_rate=missing,
        avoidance_tendency=avoid,
        activation_effect=activation,
    )
    _assert_tidy(df)
    assert df.groupby(df["start"].dt.date).size().max() <= entries
    counts = df[df["planned"]].groupby(_week(df, "2026-03-02")).size()
    truth = df.attrs["truth"]["planned_per_week"]
    assert counts.reindex(list(truth), fill_value=0).to_dict() == truth


# ----------------------------------------------------------------------------- cohort


def test_cohort_log_and_roster(trial):
    df, roster = trial
    _assert_tidy(df)
    assert list(roster.columns[:6]) == ["client", "arm", "age", "gender", "baseline_phq9", "site"]
    assert roster["client"].is_unique and len(roster) == 200
    assert set(df["client"]) == set(roster["client"])
    assert roster["arm"].value_counts().to_dict() == {"BA": 100, "control": 100}
    assert roster["age"].between(18, 70).all() and roster["baseline_phq9"].between(0, 27).all()
    assert str(roster["age"].dtype) == "int64" and str(roster["start"].dtype) == "datetime64[ns]"
    truth = df.attrs["truth"]
    assert roster.attrs["truth"] is truth
    assert truth["arm_effect"] == {"BA": pytest.approx(0.15), "control": 0.0}
    # control clients only monitor; BA clients plan from week 2
    arm = df["client"].map(roster.set_index("client")["arm"])
    assert not df.loc[arm == "control", "planned"].any()
    assert df.loc[arm == "BA", "planned"].any()
    # lower mood, higher PHQ-9
    level = truth["clients"].set_index("client")["level"]
    assert np.corrcoef(level[roster["client"]], roster["baseline_phq9"])[0, 1] < -0.5


def test_cohort_arm_slope_is_recovered(trial):
    """Per-client OLS slope of weekly mean mood over the treatment weeks, BA minus control.

    Each client's weekly means carry AR(1) noise (SD about 0.5 per week), so a
    7-week slope has SE about 0.1 and the difference of two arm means of 100
    clients about 0.015; 0.08 allows for that plus rounding/clipping bias.
    """
    df, roster = trial
    truth = df.attrs["truth"]
    start = df["client"].map(roster.set_index("client")["start"])
    week = (df["start"].dt.normalize() - start).dt.days // 7 + 1
    weekly = df.groupby([df["client"], week])["mood"].mean().unstack()
    y = weekly.loc[:, 2:8]
    x = np.arange(2, 9) - 5.0
    slope = (y.sub(y.mean(axis=1), axis=0) @ x) / (x @ x)
    arm = roster.set_index("client")["arm"].reindex(slope.index)
    est = slope[arm == "BA"].mean() - slope[arm == "control"].mean()
    assert est == pytest.approx(truth["arm_slope_diff"]["BA"], abs=0.08)
    # the total effect includes the planted direct effect and a behavioural pathway
    assert truth["arm_slope_diff"]["BA"] > truth["arm_effect"]["BA"]
    assert abs(slope[arm == "control"].mean()) < 0.08


def test_cohort_of_a_million_rows_is_fast():
    t0 = time.perf_counter()
    df, roster = synth.cohort(n_clients=1000, weeks=12, entries_per_day=12, seed=3)
    elapsed = time.perf_counter() - t0
    assert len(df) > 900_000 and len(roster) == 1000
    assert elapsed < 20, elapsed


# ----------------------------------------------------------------------------- sample data


def test_sample_workbook_matches_its_readme():
    """data/sample/client-alex.xlsx holds the typos data/sample/README.md lists, cell by cell."""
    openpyxl = pytest.importorskip("openpyxl")
    root = __import__("pathlib").Path(__file__).resolve().parents[1] / "data" / "sample"
    book, readme = root / "client-alex.xlsx", root / "README.md"
    if not book.exists() or not readme.exists():
        pytest.skip("sample data not generated")
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["Instructions"] + [f"Week {i}" for i in range(1, 7)]
    rows = [
        line.split(" | ")
        for line in readme.read_text(encoding="utf-8").splitlines()
        if line.startswith("| Week ")
    ]
    assert len(rows) == 10
    for sheet, row, cell, column, written, *_ in rows:
        sheet, written = sheet.lstrip("| "), written.strip("`").replace("␠", " ")
        ws = wb[sheet]
        if column == "(whole row)":
            assert all(c.value is None for c in ws[int(row)])
        elif written.startswith("Total"):
            assert ws[cell].value == "Total"
        else:
            assert str(ws[cell].value) == written, (sheet, cell)
    for ws in wb.worksheets[1:]:
        assert ws["A1"].value == "Activity log — client: Alex (synthetic example)"
        assert [c.value for c in ws[4]][:3] == ["Date", "Time", "Activity"]


def test_avoidance_growth_makes_the_avoidance_cycle():
    """With avoidance_growth and no activation, avoidance rises and mood falls week by week."""
    log = synth.client(weeks=6, baseline_weeks=6, seed=4, avoidance_growth=0.3, avoidance_tendency=0.3,
                       lapse_week=None)
    truth = log.attrs["truth"]["avoidance_p"]
    assert truth[6] == pytest.approx(min(1.0, truth[1] * 1.3**5))
    assert truth[3] == pytest.approx(truth[1] * 1.3**2)
    week = (log["start"] - log["start"].min()).dt.days // 7 + 1
    avoid = log["avoidance"].fillna(False).astype(float).groupby(week).mean()
    mood = log["mood"].groupby(week).mean()
    assert avoid[[5, 6]].mean() > avoid[[1, 2]].mean()
    assert mood[[5, 6]].mean() < mood[[1, 2]].mean()
    flat = synth.client(weeks=6, baseline_weeks=6, seed=4, avoidance_tendency=0.3, lapse_week=None)
    assert flat.attrs["truth"]["avoidance_p"][6] == pytest.approx(flat.attrs["truth"]["avoidance_p"][1])



def test_ramp_weeks_spreads_activation_over_more_weeks():
    """ramp_weeks=2 is the old model exactly; a larger value makes avoidance fall more steadily."""
    kw = dict(weeks=10, baseline_weeks=2, seed=3, lapse_week=None)
    assert synth.client(**kw).equals(synth.client(**kw, ramp_weeks=2.0))
    fast = synth.client(**kw).attrs["truth"]["weeks"].set_index("week")
    slow = synth.client(**kw, ramp_weeks=5).attrs["truth"]["weeks"].set_index("week")
    tend = 0.35
    for week in (3, 6, 10):
        k = week - 2
        assert slow.at[week, "avoidance_p"] == pytest.approx(tend * (1 - 0.7 * (1 - np.exp(-k / 5))))
        assert fast.at[week, "avoidance_p"] == pytest.approx(tend * (1 - 0.7 * (1 - np.exp(-k / 2))))
        assert slow.at[week, "avoidance_p"] > fast.at[week, "avoidance_p"]
        assert slow.at[week, "valued_factor"] < fast.at[week, "valued_factor"]
    assert slow["avoidance_p"].loc[3:].is_monotonic_decreasing
    assert synth.client(**kw, ramp_weeks=5).attrs["truth"]["params"]["ramp_weeks"] == 5.0
    with pytest.raises(ValueError, match="ramp_weeks"):
        synth.client(weeks=2, ramp_weeks=0)


STEPS = ["Clear the sink", "Wipe one counter", "Put the dishes away"]


def test_graded_task_is_skipped_then_broken_into_steps_then_done_whole():
    log = synth.client(weeks=10, baseline_weeks=3, seed=2, lapse_week=None,
                       graded_task={"task": "Tidy kitchen", "steps": STEPS})
    _assert_tidy(log)
    truth = log.attrs["truth"]
    plan = truth["graded_task"]
    assert plan["activity"].tolist() == ["Tidy kitchen"] * 3 + STEPS + ["Tidy kitchen"] * 4
    assert plan["stage"].tolist() == ["before"] * 3 + ["step"] * 3 + ["after"] * 4
    assert plan["step"].tolist() == [0, 0, 0, 1, 2, 3, 0, 0, 0, 0]
    assert (plan["n_planned"] == 3).all()
    # the task and its steps happen only as these plans: per_week times a week, on distinct days
    mine = log[log["activity"].isin(["Tidy kitchen", *STEPS])]
    assert mine["planned"].all()
    week = _week(mine, "2026-03-02")
    planned = mine.groupby([week, mine["activity"]]).size()
    assert planned.to_dict() == {(int(w), a): 3 for w, a in zip(plan["week"], plan["activity"], strict=True)}
    assert not mine.assign(week=week, day=mine["start"].dt.normalize()).duplicated(["activity", "day"]).any()
    # mostly skipped at baseline, mostly done as steps and as the whole task afterwards
    done = mine["done"].astype(bool).groupby(week.map(dict(zip(plan["week"], plan["stage"], strict=True)))).mean()
    assert done["before"] < 0.5 < done["step"] and done["after"] > 0.5
    # new steps join the task's life area; the task keeps its library ratings and effect
    acts = truth["activities"].set_index("activity")
    assert (acts.loc[STEPS, "category"] == "Household/Chores").all()
    assert (acts.loc[["Tidy kitchen", *STEPS], ["weight", "plan_weight"]] == 0).all().all()
    assert acts.at["Tidy kitchen", "mood_effect"] == synth.activities().set_index("activity").at["Tidy kitchen",
                                                                                                  "mood_effect"]
    # the other plans follow the usual schedule
    other = log[log["planned"] & ~log["activity"].isin(["Tidy kitchen", *STEPS])]
    assert other.groupby(_week(other, "2026-03-02")).size().to_dict() == {
        w: n for w, n in truth["planned_per_week"].items() if n}
    assert synth.client(weeks=10, baseline_weeks=3, seed=2, lapse_week=None,
                        graded_task={"task": "Tidy kitchen", "steps": STEPS}).equals(log)


def test_graded_task_options_and_errors():
    log = synth.client(weeks=4, baseline_weeks=1, seed=5, activation_effect=0,
                       graded_task={"task": "Sort the post", "steps": ("Open one letter",), "per_week": 2,
                                    "category": "Admin", "hour": 10})
    plan = log.attrs["truth"]["graded_task"]
    assert plan["activity"].tolist() == ["Sort the post"] * 4  # no activation: never broken down
    acts = log.attrs["truth"]["activities"].set_index("activity")
    assert acts.at["Open one letter", "category"] == "Admin" and acts.at["Sort the post", "hour"] == 10
    assert (log["activity"] == "Sort the post").sum() == 8
    for bad, match in [({"task": "Tidy kitchen"}, "steps"), ({"task": "", "steps": ["a"]}, "task"),
                       ({"task": "T", "steps": []}, "at least one step"),
                       ({"task": "T", "steps": ["T"]}, "distinct"),
                       ({"task": "T", "steps": ["a"], "per_week": 8}, "per_week"),
                       ({"task": "T", "steps": ["a"], "when": 1}, "unknown keys"),
                       ({"task": "Stay in bed", "steps": ["a"]}, "avoidance")]:
        with pytest.raises(ValueError, match=match):
            synth.client(weeks=3, seed=1, graded_task=bad)
    with pytest.raises(TypeError):
        synth.client(weeks=3, seed=1, graded_task=["Tidy kitchen"])


# ----------------------------------------------------------------------------- questionnaires

PHQ9_ITEMS = [f"phq9_{i}" for i in range(1, 10)]
BADS_SF_ITEMS = [f"bads_sf_{i}" for i in range(1, 10)]


@pytest.fixture(scope="module")
def answers(trial):
    log, roster = trial
    return synth.questionnaires(log, roster, seed=12)


def test_questionnaires_shape_names_and_ranges(trial, answers):
    log, roster = trial
    q = answers
    assert list(q.columns) == ["client", "week", "date", *PHQ9_ITEMS, *BADS_SF_ITEMS]
    assert str(q["client"].dtype) == "str" and str(q["week"].dtype) == "int64"
    assert str(q["date"].dtype) == "datetime64[ns]"
    assert all(str(q[c].dtype) == "Int64" for c in PHQ9_ITEMS + BADS_SF_ITEMS)
    assert len(q) == 200 * 8 and not q.duplicated(["client", "week"]).any()
    assert q.groupby("client")["week"].apply(list).map(lambda w: w == list(range(1, 9))).all()
    # filled in on the last day of each week of the client's log
    start = q["client"].map(roster.set_index("client")["start"])
    assert (q["date"] == start + pd.to_timedelta(7 * q["week"] - 1, unit="D")).all()
    assert q[PHQ9_ITEMS].stack().between(0, 3).all()
    assert q[BADS_SF_ITEMS].stack().between(0, 6).all()
    # about 1 % of answers blank (28,800 answers: expected 288, SD 17), exactly those in the truth
    blank = q[PHQ9_ITEMS + BADS_SF_ITEMS].isna()
    assert 200 < blank.to_numpy().sum() < 380
    missing = q.attrs["truth"]["missing"]
    assert len(missing) == blank.to_numpy().sum()
    cells = blank.stack()
    cells = cells[cells]
    listed = set(zip(q.loc[cells.index.get_level_values(0), "client"],
                     q.loc[cells.index.get_level_values(0), "week"],
                     cells.index.get_level_values(1), strict=True))
    assert listed == set(zip(missing["client"], missing["week"], missing["item"], strict=True))
    assert q.attrs["truth"]["weeks"][["client", "week"]].equals(q[["client", "week"]])


def test_questionnaires_score_with_the_package(answers):
    """Every problem the scorers report is a planted blank; PHQ-9 prorates one or two blanks."""
    from bactivate.cohort.questionnaires import BADS_SF_SUBSCALES, score_bads_sf, score_phq9

    q = answers
    phq = score_phq9(q)
    n_blank = q[PHQ9_ITEMS].isna().sum(axis=1)
    problems = phq["phq9_problems"]
    assert (problems[n_blank == 0] == "").all()
    assert problems[n_blank > 0].str.fullmatch(r"item \d missing(; item \d missing)*").all()
    assert phq["phq9_total"].notna().sum() == (n_blank <= 2).sum()
    assert phq["phq9_prorated"].fillna(False).sum() == n_blank.between(1, 2).sum() > 0
    assert phq["phq9_total"].dropna().between(0, 27).all()
    bads = score_bads_sf(q)
    for name, items in BADS_SF_SUBSCALES.items():
        any_blank = q[[f"bads_sf_{i}" for i in items]].isna().any(axis=1)
        assert (bads[name].isna() == any_blank).all(), name
    assert bads["bads_sf_total"].isna().sum() == q[BADS_SF_ITEMS].isna().any(axis=1).sum() > 0
    assert bads["bads_sf_problems"][q[BADS_SF_ITEMS].notna().all(axis=1)].eq("").all()


def test_phq9_goes_down_as_mood_goes_up(answers):
    """PHQ-9 totals against the week's true mood and the truth's expected totals.

    The binomial item noise gives a total an SD of about 2.3; over 1,600
    questionnaires the mean of (observed - expected) has an SE of about 0.06.
    """
    from bactivate.cohort.questionnaires import score_phq9

    truth = answers.attrs["truth"]["weeks"]
    total = score_phq9(answers)["phq9_total"].astype("float64")
    ok = total.notna()
    assert np.corrcoef(total[ok], truth.loc[ok, "mood"])[0, 1] < -0.8
    assert np.corrcoef(total[ok], truth.loc[ok, "phq9_expected"])[0, 1] > 0.85
    complete = answers[PHQ9_ITEMS].notna().all(axis=1)
    resid = total[complete] - truth.loc[complete, "phq9_expected"]
    assert abs(resid.mean()) < 0.3
    assert 1.5 < resid.std() < 3.0
    # the relation in the docstring: severity from mood, expected total near 27 * severity
    sev = np.clip((30 - 3.2 * truth["mood"]) / 27, 0.02, 0.98)
    np.testing.assert_allclose(truth["phq9_severity"], sev)
    assert (truth["phq9_expected"] - 27 * sev).abs().median() < 2.5


def test_bads_sf_activation_rises_and_avoidance_falls_in_the_ba_arm(trial, answers):
    """Arm means of the scored subscales, week 1 against weeks 7-8 (100 clients an arm).

    A client's Activation score has an SD of about 4 (items plus item profile), so an arm's
    mean over 100 clients and two weeks has an SE of about 0.3-0.4.
    """
    from bactivate.cohort.questionnaires import score_bads_sf

    log, roster = trial
    bads = score_bads_sf(answers)
    arm = bads["client"].map(roster.set_index("client")["arm"])
    early, late = bads["week"] == 1, bads["week"] >= 7
    means = bads.groupby([arm, early.map({True: "early", False: "mid"}).where(~late, "late")])[
        ["bads_sf_activation", "bads_sf_avoidance", "bads_sf_total"]].mean()
    ba, ctl = means.loc["BA"], means.loc["control"]
    assert ba.loc["late", "bads_sf_activation"] - ba.loc["early", "bads_sf_activation"] > 6
    assert abs(ctl.loc["late", "bads_sf_activation"] - ctl.loc["early", "bads_sf_activation"]) < 2
    assert ba.loc["late", "bads_sf_avoidance"] - ba.loc["early", "bads_sf_avoidance"] < -3
    assert abs(ctl.loc["late", "bads_sf_avoidance"] - ctl.loc["early", "bads_sf_avoidance"]) < 2
    assert ba.loc["late", "bads_sf_total"] > ctl.loc["late", "bads_sf_total"] + 8
    # both arms start alike (week 1 is monitoring only)
    assert abs(ba.loc["early", "bads_sf_activation"] - ctl.loc["early", "bads_sf_activation"]) < 2
    # the items follow the BADS-SF key: in late BA weeks Activation items (2-5, 9) are high,
    # Avoidance items (1, 6-8) low
    q = answers[(arm == "BA") & late]
    act = q[[f"bads_sf_{i}" for i in (2, 3, 4, 5, 9)]].stack().mean()
    avo = q[[f"bads_sf_{i}" for i in (1, 6, 7, 8)]].stack().mean()
    assert act > 3 > avo
    # the scored subscales match the truth's expected scores
    truth = answers.attrs["truth"]["weeks"]
    for col in ("bads_sf_activation", "bads_sf_avoidance"):
        ok = bads[col].notna()
        resid = bads.loc[ok, col].astype("float64") - truth.loc[ok, f"{col}_expected"]
        assert abs(resid.mean()) < 0.3, col


def test_questionnaires_are_deterministic_per_seed(trial):
    log, roster = trial
    sub = log[log["client"].isin(["C001", "C002", "C003"])]
    a = synth.questionnaires(sub, seed=3)
    b = synth.questionnaires(sub, seed=3)
    pd.testing.assert_frame_equal(a, b)
    assert a.attrs["truth"]["seed"] == 3 and a.attrs["truth"] == b.attrs["truth"]
    c = synth.questionnaires(sub, seed=4)
    assert not a[PHQ9_ITEMS + BADS_SF_ITEMS].equals(c[PHQ9_ITEMS + BADS_SF_ITEMS])
    assert a["client"].unique().tolist() == ["C001", "C002", "C003"]
    # the same client's truth whether made alone or with the whole cohort
    whole = synth.questionnaires(log, seed=3).attrs["truth"]["weeks"]
    mine = whole[whole["client"].isin(["C001", "C002", "C003"])].reset_index(drop=True)
    pd.testing.assert_series_equal(mine["mood"], a.attrs["truth"]["weeks"]["mood"])


def test_questionnaires_for_one_client_every_other_week_and_errors():
    log = synth.client(weeks=6, seed=5)
    q = synth.questionnaires(log, seed=1, every_weeks=2, missing_items=0)
    assert q["week"].tolist() == [1, 3, 5] and (q["client"] == "C01").all()
    assert q["date"].dt.strftime("%Y-%m-%d").tolist() == ["2026-03-08", "2026-03-22", "2026-04-05"]
    assert q[PHQ9_ITEMS + BADS_SF_ITEMS].notna().all().all()
    truth = q.attrs["truth"]["weeks"]
    daily = log.attrs["truth"]["daily"]
    expected_mood = daily.groupby("week")["mood"].mean().loc[[1, 3, 5]].to_numpy()
    np.testing.assert_allclose(truth["mood"], expected_mood)
    with pytest.raises(ValueError, match="attrs"):
        synth.questionnaires(pd.DataFrame(log.to_dict("list")))  # read back: no truth
    with pytest.raises(ValueError, match="every_weeks"):
        synth.questionnaires(log, every_weeks=0)
    with pytest.raises(ValueError, match="missing_items"):
        synth.questionnaires(log, missing_items=1.0)
    with pytest.raises(TypeError):
        synth.questionnaires("log.csv")


def test_questionnaires_are_vectorised():
    log, roster = synth.cohort(n_clients=1000, weeks=12, entries_per_day=1, seed=2)
    t0 = time.perf_counter()
    q = synth.questionnaires(log, roster, seed=1)
    assert len(q) == 12_000
    assert time.perf_counter() - t0 < 3
