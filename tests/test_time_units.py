"""Time units for experience-sampling (ESM) studies: study days, prompts, the day boundary, and when a
random slope is fitted (issue 19, item 3).

The cohort is generated here, independently of ``bactivate.synth``: 30 people x 14 days x 6 prompts, each
person starting on a different date, the sixth prompt of each evening answered at 00:30 the next calendar
day. Every expected number is computed in the test with pandas, numpy, scipy or statsmodels.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from scipy import stats as st

from bactivate._log import day_start
from bactivate.cohort.summary import client_periods, client_summary
from bactivate.cohort.trajectory import TrajectoryWarning, _singular, trajectory
from bactivate.progress import progress
from bactivate.schema import conform

#: Prompt times as hours after the day's midnight; 24.5 is 00:30 the next calendar day.
HOURS = (9.0, 12.0, 15.0, 18.0, 21.0, 24.5)
DAYS = 14


def esm_study(n=30, days=DAYS, seed=0, slope_sd=0.06):
    """A tidy ESM log and its roster: mood = 5 + a_i + (0.05 + 0.1 [arm B] + b_i) * study_day + e."""
    rng = np.random.default_rng(seed)
    person = np.repeat(np.arange(n), days * len(HOURS))
    day = np.tile(np.repeat(np.arange(1, days + 1), len(HOURS)), n)
    hour = np.tile(np.array(HOURS), n * days)
    first = pd.Timestamp("2026-03-02") + pd.to_timedelta(rng.integers(0, 20, n), unit="D")
    start = first[person] + pd.to_timedelta(day - 1, unit="D") + pd.to_timedelta(hour * 60, unit="min")
    arm = np.where(np.arange(n) % 2 == 1, "B", "A")
    a, b = rng.normal(0, 1.0, n), rng.normal(0, slope_sd, n)
    mood = 5 + a[person] + (0.05 + 0.1 * (arm[person] == "B") + b[person]) * day + rng.normal(0, 1.0, len(day))
    client = np.char.add("P", np.char.zfill(person.astype(str), 2))
    log = conform(pd.DataFrame({
        "client": client, "start": start, "activity": rng.choice(["work", "rest", "friends"], len(day)),
        "mood": np.clip(mood, 0, 10), "source": "esm.csv",
    }))
    log["entry"] = log.groupby("client").cumcount().astype("int64") + 1
    # shuffle the rows: nothing may rely on the file's order
    log = log.sample(frac=1, random_state=seed).reset_index(drop=True)
    roster = pd.DataFrame({"client": pd.unique(client[np.argsort(person, kind="stable")]), "arm": arm})
    return log, roster


@pytest.fixture(scope="module")
def study():
    return esm_study()


def by_hand_days(log, boundary_hours=4):
    """Study day of each row, by pandas: days start at *boundary_hours*, counted from the person's first."""
    day = (log["start"] - pd.Timedelta(hours=boundary_hours)).dt.normalize()
    return (day - day.groupby(log["client"]).transform("min")).dt.days + 1


# =========================================================================== the day boundary and study days


def test_day_starts_reads_the_usual_ways_of_writing_a_time():
    assert [day_start(v) for v in ("04:00", "4:30", "4", 4, "3am", None, "0:00")] == [240, 270, 240, 240, 180, 0, 0]
    for bad in ("25:00", "4:75", "noon", -1, 24):
        with pytest.raises(ValueError, match="day_starts"):
            day_start(bad)


def test_study_days_start_at_one_per_person_and_the_boundary_moves_0030_to_the_evening_before(study):
    log, _ = study
    days = client_periods(log, "day", day_starts="04:00")
    assert (days.groupby("client")["study_day"].min() == 1).all()
    assert (days.groupby("client")["study_day"].max() == DAYS).all()
    # with a 04:00 boundary every study day holds its six prompts, the 00:30 one included
    assert (days["entries"] == len(HOURS)).all() and len(days) == 30 * DAYS
    # without it, 00:30 belongs to the next calendar day: day 1 has 5 prompts and a day 15 appears
    midnight = client_periods(log, "day")
    per_day = midnight.groupby("study_day")["entries"].unique().map(list).to_dict()
    assert per_day[1] == [5] and per_day[DAYS + 1] == [1] and all(per_day[d] == [6] for d in range(2, DAYS + 1))
    # the daily mean mood equals pandas' on the shifted day
    want = log.assign(study_day=by_hand_days(log)).groupby(["client", "study_day"])["mood"].mean()
    got = days.set_index(["client", "study_day"])["mood"]
    np.testing.assert_allclose(got.to_numpy(), want.reindex(got.index).to_numpy(), rtol=1e-12)
    # the day itself is the person's own: study day 1 is the person's first date
    first = log.groupby("client")["start"].min().dt.normalize()
    assert (days[days["study_day"] == 1].set_index("client")["date"] == first.reindex(
        days.loc[days["study_day"] == 1, "client"]).to_numpy()).all()


def test_progress_by_day_and_prompt(study):
    log, _ = study
    daily = progress(log, unit="day", by="client", day_starts="04:00")
    assert (daily.groupby("client")["study_day"].agg(["min", "max"]) == [1, DAYS]).all().all()
    one = log[log["client"] == "P03"]
    pd.testing.assert_frame_equal(progress(one, "D"), progress(one, unit="day"))  # freq is the old name
    mine = daily[daily["client"] == "P03"].drop(columns="client").reset_index(drop=True)
    pd.testing.assert_frame_equal(mine, progress(one, unit="day", day_starts="04:00"))
    want = one.assign(d=by_hand_days(one)).groupby("d")["mood"].mean()
    np.testing.assert_allclose(mine["mood"], want.to_numpy(), rtol=1e-12)
    prompts = progress(one, unit="prompt")
    assert prompts["prompt"].tolist() == list(range(1, DAYS * len(HOURS) + 1))
    ordered = one.sort_values("start")
    np.testing.assert_allclose(prompts["mood"], ordered["mood"], rtol=1e-12)
    assert (prompts["start"].to_numpy() == ordered["start"].to_numpy()).all()
    with pytest.raises(ValueError, match="disagree"):
        progress(one, "W", unit="day")
    with pytest.raises(ValueError, match="unit"):
        progress(one, unit="month")


def test_progress_refuses_to_pool_a_cohort(study):
    log, _ = study
    with pytest.raises(ValueError, match='by="client"') as err:
        progress(log)
    assert "30 clients" in str(err.value)


def test_prompts_are_numbered_in_time_order_within_person(study):
    log, _ = study
    prompts = client_periods(log, "prompt")
    want = log.sort_values(["client", "start"]).groupby("client").cumcount() + 1
    ranked = log.assign(prompt=want).sort_values(["client", "prompt"])
    assert prompts["prompt"].tolist() == ranked["prompt"].tolist()
    np.testing.assert_allclose(prompts["mood"], ranked["mood"], rtol=1e-12)


# =========================================================================== per-person slopes on days


def test_per_person_day_slopes_equal_ols_by_hand(study):
    log, roster = study
    s = client_summary(log, roster=roster, unit="day", day_starts="04:00").set_index("client")
    daily = log.assign(d=by_hand_days(log)).groupby(["client", "d"])["mood"].mean().reset_index()
    for client, g in daily.groupby("client"):
        fit = st.linregress(g["d"], g["mood"])
        half = st.t.ppf(0.975, len(g) - 2) * fit.stderr
        row = s.loc[client]
        assert row["mood_slope"] == pytest.approx(fit.slope, rel=1e-10, abs=1e-12)
        assert row["mood_slope_ci_low"] == pytest.approx(fit.slope - half, rel=1e-10)
        assert row["mood_slope_ci_high"] == pytest.approx(fit.slope + half, rel=1e-10)
        # mood change: the last two days' mean moods minus day 1's
        m = g.set_index("d")["mood"]
        assert row["mood_change"] == pytest.approx((m[DAYS] + m[DAYS - 1]) / 2 - m[1], rel=1e-10)
        assert row["mood_first_day"] == pytest.approx(m[1])
    assert s.attrs["unit"] == "day" and "study day" in s.attrs["columns"]["mood_slope"]
    # on weeks the same 14-day study has two points per person: no slope anywhere (the issue)
    weekly = client_summary(log, roster=roster, day_starts="04:00")
    assert weekly["mood_slope"].isna().all() and weekly["weeks"].eq(2).all()
    # without the boundary the last 00:30 prompt is a day 15, i.e. a one-prompt week 3
    assert client_summary(log, roster=roster)["weeks"].eq(3).all()


# =========================================================================== the random slope


def _daily(log, roster):
    d = log.assign(study_day=by_hand_days(log)).groupby(["client", "study_day"])["mood"].mean().reset_index()
    d = d.merge(roster, on="client")
    d["arm"] = pd.Categorical(d["arm"], ["A", "B"])
    d["study_day"] = d["study_day"].astype("float64")
    return d


def _direct(d, re_formula):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = smf.mixedlm("mood ~ study_day * arm", data=d, groups=d["client"], re_formula=re_formula)
        return model.fit(reml=True, method=["bfgs", "lbfgs"])


def test_trajectory_on_14_study_days_keeps_the_random_slope(study):
    log, roster = study
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit, result = trajectory(log, roster=roster, unit="day", day_starts="04:00", return_result=True)
    assert not [w for w in caught if issubclass(w.category, TrajectoryWarning)]
    assert fit.attrs["re_formula"] == "~study_day" and fit.attrs["re_reason"] == ""
    assert fit.attrs["formula"] == "mood ~ study_day * arm" and fit.attrs["times"] == list(range(1, DAYS + 1))
    assert fit["term"].tolist() == ["Intercept", "arm[T.B]", "study_day", "study_day:arm[T.B]"]
    direct = _direct(_daily(log, roster), "~study_day")
    np.testing.assert_allclose(fit["estimate"], direct.fe_params, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(fit["se"], direct.bse_fe, rtol=1e-4)
    # the random slope is a proper one: relative Cholesky factor away from 0 (not singular)
    low = np.diag(np.linalg.cholesky(np.asarray(result.cov_re) / result.scale))
    assert low.min() > 1e-4
    # containment df for the slope terms: people with a slope - 2
    assert fit.set_index("term").loc["study_day:arm[T.B]", "df"] == 30 - 2


def test_trajectory_drops_the_slope_with_two_time_points_and_says_why(study):
    log, roster = study
    two = log[by_hand_days(log).isin([1, DAYS])]
    with pytest.warns(TrajectoryWarning, match="were not used") as caught:
        fit = trajectory(two, roster=roster, unit="day", day_starts="04:00")
    assert fit.attrs["re_formula"] == "1" and fit["converged"].all()
    assert "0 of 30 people have 3 or more" in fit.attrs["re_reason"]
    assert fit.attrs["re_reason"] in fit.attrs["notes"][0] and fit.attrs["re_reason"] in str(caught[0].message)
    d = _daily(two, roster)
    direct = _direct(d, "1")
    np.testing.assert_allclose(fit["estimate"], direct.fe_params, rtol=1e-5, atol=1e-7)
    # weeks of the 14-day study: two weeks per person (and a third for the 00:30 prompt without the
    # boundary): the slope is dropped, and the warning points to study days
    with pytest.warns(TrajectoryWarning, match="unit='day'"):
        weekly = trajectory(log, roster=roster, day_starts="04:00")
    assert weekly.attrs["re_formula"] == "1" and "weeks per person: median 2" in weekly.attrs["re_reason"]
    # a 7-day study is one week per person: the error names unit='day'
    with pytest.raises(ValueError, match="unit='day'"):
        trajectory(log[by_hand_days(log) <= 7], roster=roster, day_starts="04:00")


def test_a_singular_random_slope_gives_way_to_random_intercepts():
    """No slope differences between people: when REML puts the slope variance (or the correlation) on its
    boundary, the fit is singular as lme4 counts it, and random intercepts are fitted instead."""
    for seed in range(14, 60):  # seeds 0-13 keep the slope or fail to fit it for other reasons
        log, roster = esm_study(n=12, days=5, seed=seed, slope_sd=0.0)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fit = trajectory(log, roster=roster, unit="day", day_starts="04:00")
        if "singular" in fit.attrs["re_reason"]:
            break
    else:
        pytest.fail("no singular case among the seeds")
    assert fit.attrs["re_formula"] == "1" and fit["converged"].all()
    # said in the notes, not warned: the random-intercept model is the data's answer (as lme4's message)
    assert not [w for w in caught if issubclass(w.category, TrajectoryWarning)]
    assert fit.attrs["notes"] == [n for n in fit.attrs["notes"] if fit.attrs["re_reason"] in n] != []
    att = fit.attrs["attempts"]
    assert att["re_formula"].iloc[-1] == "1" and att["converged"].iloc[-1]
    # independently: the best REML fit with a random slope that statsmodels' optimisers find is on the
    # boundary (relative Cholesky factor of the random-effects covariance about 0)
    d = _daily(log, roster)
    fits = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = smf.mixedlm("mood ~ study_day * arm", data=d, groups=d["client"], re_formula="~study_day")
        for method in ("bfgs", "lbfgs", "powell", "nm"):
            fits.append(model.fit(reml=True, method=method))
    best = max(fits, key=lambda r: r.llf)
    cov = np.asarray(best.cov_re) / best.scale
    corr = cov[0, 1] / np.sqrt(cov[0, 0] * cov[1, 1])
    assert cov[1, 1] < 1e-6 or abs(corr) > 0.999
    assert _singular(best) != ""
    np.testing.assert_allclose(fit["estimate"], _direct(d, "1").fe_params, rtol=1e-5)


def test_trajectory_on_prompts():
    log, roster = esm_study(n=12, days=4, seed=5)
    fit = trajectory(log, roster=roster, unit="prompt")
    assert fit.attrs["formula"] == "mood ~ prompt * arm" and fit.attrs["n_obs"] == len(log)
    assert fit.attrs["times"] == list(range(1, 4 * len(HOURS) + 1))
    d = log.sort_values(["client", "start"]).assign(
        prompt=lambda x: x.groupby("client").cumcount().astype("float64") + 1).merge(roster, on="client")
    d["arm"] = pd.Categorical(d["arm"], ["A", "B"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        direct = smf.mixedlm("mood ~ prompt * arm", data=d, groups=d["client"],
                             re_formula=fit.attrs["re_formula"]).fit(reml=True, method=["bfgs", "lbfgs"])
    np.testing.assert_allclose(fit["estimate"], direct.fe_params, rtol=1e-4, atol=1e-6)


def test_prompt_trend_and_the_day_axis_of_the_plot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from bactivate.cohort.trajectory import plot_trajectory
    from bactivate.progress import progress_trend

    log, roster = esm_study(n=6, days=5, seed=2)
    one = log[log["client"] == "P01"]
    prompts = progress(one, unit="prompt")
    pd.testing.assert_frame_equal(progress_trend(prompts, per="prompt"), pd.DataFrame(prompts.attrs["trend"]),
                                  check_frame_type=False)
    # the mood trend is per week of elapsed time: linregress on hours since the first prompt / 168
    ordered = one.sort_values("start")
    weeks = (ordered["start"] - ordered["start"].min()).dt.total_seconds() / (7 * 86400)
    fit = st.linregress(weeks, ordered["mood"])
    mood = prompts.attrs["trend"].set_index("measure").loc["mood"]
    assert mood["slope"] == pytest.approx(fit.slope, rel=1e-10)
    ax = plot_trajectory(log, roster=roster, unit="day", day_starts="04:00")
    assert ax.get_xlabel() == "Study day" and "study days" in ax.get_title()
    x = sorted({float(v) for line in ax.get_lines() for v in line.get_xdata()})
    assert x == [1.0, 2.0, 3.0, 4.0, 5.0]
    plt.close("all")


def test_a_frame_of_days_is_not_modelled_as_weeks():
    from bactivate.cohort.trajectory import weekly

    log, roster = esm_study(n=8, days=10, seed=4)
    days = weekly(log, roster=roster, unit="day", day_starts="04:00")
    with pytest.raises(ValueError, match="unit='day'"):
        trajectory(days)
    days.attrs = {}  # attrs lost on the way: the repeated client-weeks still tell
    with pytest.raises(ValueError, match="one row per client and week"):
        trajectory(days)
    fit = trajectory(days, unit="day")
    assert fit.attrs["n_obs"] == 8 * 10 and fit.attrs["formula"] == "mood ~ study_day * arm"
