"""The within-person activity-mood model and the ICC (``bactivate.cohort.within``, issue 19 item 5).

Checked against independent computation: the prompts are collapsed here with a pandas
crosstab, centred with ``groupby().transform``, and fitted with statsmodels' formula
interface (``smf.mixedlm``); the estimates must equal ``activity_effects``'s to 1e-8.
Recovery: CI coverage of the planted within and between effects of
``esm_study`` across seeds. ICC: lme4's published fit of the sleepstudy null model
(see ``test_icc_equals_lme4_on_sleepstudy``) and F-interval coverage across seeds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from scipy import stats as st
from statsmodels.stats.multitest import multipletests

import bactivate as ba
from bactivate.cohort.within import SLOPE_MIN_PEOPLE, activity_effects, esm_study, icc

# --------------------------------------------------------------------------- independent computation


def _hand_prompts(log: pd.DataFrame) -> pd.DataFrame:
    """One row per (client, entry): mood, start and a 0/1 column per activity (crosstab)."""
    base = log.groupby(["client", "entry"]).agg(start=("start", "min"), mood=("mood", "mean"))
    done = log[log["activity"].notna() & ~log["done"].eq(False).fillna(False)]
    ind = pd.crosstab([done["client"], done["entry"]], done["activity"]).clip(upper=1)
    out = base.join(ind).fillna({c: 0 for c in ind.columns}).reset_index()
    recorded = log[log["activity"].notna()].groupby(["client", "entry"]).size()
    out = out[out.set_index(["client", "entry"]).index.isin(recorded.index)]
    return out[out["mood"].notna()].sort_values(["client", "start", "entry"]).reset_index(drop=True)


def _hand_fit(data: pd.DataFrame, activity: str, extra: str = "", re_formula=None):
    """statsmodels' formula MixedLM of mood on the activity's within and between parts."""
    d = data.copy()
    pm = d.groupby("client")[activity].transform("mean")
    d["within"] = d[activity] - pm
    d["between"] = pm - d.groupby("client")[activity].mean().mean()
    model = smf.mixedlm("mood ~ within + between" + extra, d, groups=d["client"],
                        re_formula=re_formula)
    return model.fit(reml=True), d


def _t(res, term, df, level=0.95):
    est, se = res.fe_params[term], res.bse_fe[term]
    half = st.t.ppf(0.5 + level / 2, df) * se
    return est, se, est - half, est + half, 2 * st.t.sf(abs(est / se), df)


@pytest.fixture(scope="module")
def study():
    return esm_study(n_people=24, days=7, prompts=6, seed=11)


@pytest.fixture(scope="module")
def effects(study):
    return activity_effects(study)


# --------------------------------------------------------------------------- equal to a fit by hand


def test_estimates_equal_a_hand_built_statsmodels_fit(study, effects):
    data = _hand_prompts(study)
    people = data["client"].nunique()
    assert effects["n_prompts"].unique().tolist() == [len(data)]
    assert effects["n_people"].unique().tolist() == [people]
    for _, row in effects.iterrows():
        res, d = _hand_fit(data, row["activity"])
        within = _t(res, "within", len(d) - people - 1)
        between = _t(res, "between", people - 2)
        got_w = row[["within", "within_se", "within_ci_low", "within_ci_high", "within_p"]]
        got_b = row[["between", "between_se", "between_ci_low", "between_ci_high", "between_p"]]
        np.testing.assert_allclose(got_w.to_numpy(float), within, rtol=1e-8, atol=1e-10)
        np.testing.assert_allclose(got_b.to_numpy(float), between, rtol=1e-8, atol=1e-10)
        x = d[row["activity"]]
        assert row["n_prompts_with"] == x.sum()
        assert row["n_people_with"] == d.loc[x == 1, "client"].nunique()
        share = x.groupby(d["client"]).mean()
        assert row["n_people_varying"] == ((share > 0) & (share < 1)).sum()
        assert not row["random_slope"] and row["note"] == ""


def test_q_values_are_benjamini_hochberg_over_activities(effects):
    for term in ("within", "between"):
        expected = multipletests(effects[f"{term}_p"], method="fdr_bh")[1]
        np.testing.assert_allclose(effects[f"{term}_q"], expected, rtol=1e-12)


def test_time_of_day_and_lag_equal_a_hand_fit():
    log = esm_study(n_people=20, days=6, prompts=5, seed=4, tod_amplitude=1.0, answered=0.8)
    got = activity_effects(log, time_of_day=True, lagged=True).set_index("activity")
    data = _hand_prompts(log)
    hours = (data["start"] - data["start"].dt.normalize()).dt.total_seconds() / 3600
    data["tod_sin"] = np.sin(2 * np.pi * hours / 24)
    data["tod_cos"] = np.cos(2 * np.pi * hours / 24)
    data["lag"] = data.groupby(["client", data["start"].dt.date])["mood"].shift(1)
    first = data["lag"].isna()
    data = data[~first].reset_index(drop=True)
    data["lag"] -= data.groupby("client")["lag"].transform("mean")
    people = data["client"].nunique()
    assert got.attrs["excluded"]["no_lag"] == int(first.sum())
    assert got["n_prompts"].iloc[0] == len(data)
    for activity in ("Exercise", "Screens"):
        res, d = _hand_fit(data, activity, " + tod_sin + tod_cos + lag")
        np.testing.assert_allclose(got.loc[activity, ["within", "within_se", "within_p"]].to_numpy(float),
                                   np.array(_t(res, "within", len(d) - people - 4))[[0, 1, 4]],
                                   rtol=1e-8)
        np.testing.assert_allclose(got.loc[activity, ["between", "between_se"]].to_numpy(float),
                                   [res.fe_params["between"], res.bse_fe["between"]], rtol=1e-8)
    assert "tod_sin + tod_cos + lag" in got.attrs["formula"]


def test_random_slope_equals_a_hand_fit_and_is_dropped_when_not_estimable():
    log = esm_study(n_people=30, days=7, prompts=6, seed=5, slope_sd=0.6,
                    activities={"Exercise": (1.0, 1.0, 0.3)})
    got = activity_effects(log, random_slopes=True).set_index("activity")
    assert bool(got.loc["Exercise", "random_slope"])
    data = _hand_prompts(log)
    res, d = _hand_fit(data, "Exercise", re_formula="~within")
    varying = got.loc["Exercise", "n_people_varying"]
    expected = _t(res, "within", varying - 1)
    np.testing.assert_allclose(
        got.loc["Exercise", ["within", "within_se", "within_ci_low", "within_ci_high",
                             "within_p"]].to_numpy(float), expected, rtol=1e-6)
    # only a few people ever do "Rare": a slope variance cannot be estimated from them
    rare = log.astype({"activity": "str"})  # a name not in the log: category columns take no new labels
    few = rare["client"].isin(rare["client"].unique()[: SLOPE_MIN_PEOPLE - 3]) & rare["activity"].eq(
        "Something else")
    rare.loc[few, "activity"] = "Rare"
    out = activity_effects(rare, random_slopes=True).set_index("activity")
    assert not bool(out.loc["Rare", "random_slope"])
    assert "random slope dropped" in out.loc["Rare", "note"]
    assert f"at least {SLOPE_MIN_PEOPLE} needed" in out.loc["Rare", "note"]
    assert np.isfinite(out.loc["Rare", "within"])


# --------------------------------------------------------------------------- recovery across seeds


def test_ci_coverage_of_known_effects_across_seeds():
    """95% intervals cover the planted effects in about 95% of 100 generated studies
    (Monte Carlo SE of a 95% rate over 100: 0.022)."""
    acts = {"Exercise": (0.8, 1.5, 0.35)}
    cover_w = cover_b = 0
    within, between = [], []
    seeds = range(100)
    for seed in seeds:
        log = esm_study(n_people=20, days=4, prompts=5, seed=1000 + seed, activities=acts)
        row = activity_effects(log, min_prompts=1).set_index("activity").loc["Exercise"]
        cover_w += row["within_ci_low"] < 0.8 < row["within_ci_high"]
        cover_b += row["between_ci_low"] < 1.5 < row["between_ci_high"]
        within.append(row["within"])
        between.append(row["between"])
    assert 0.89 <= cover_w / len(seeds) <= 0.99
    assert 0.89 <= cover_b / len(seeds) <= 0.99
    assert abs(np.mean(within) - 0.8) < 0.03  # SE of the mean about 0.01
    assert abs(np.mean(between) - 1.5) < 0.3  # SE of the mean about 0.1


# --------------------------------------------------------------------------- the prompt as the unit


def _hand_log(rows):
    frame = pd.DataFrame(rows, columns=["client", "entry", "start", "activity", "mood", "done"])
    frame["start"] = pd.to_datetime(frame["start"])
    frame["done"] = frame["done"].astype("boolean")
    return ba.schema.conform(frame)


def test_entry_with_three_activities_is_one_prompt_and_skips_missing_mood():
    rows = []
    for c, person in enumerate(["A", "B", "C"]):
        for e in range(1, 11):
            t = f"2026-03-0{1 + e % 3} {8 + e}:00"
            mood = None if e == 10 else 5 + c + (e % 2)
            acts = ["Walk", "Tea", "Read"] if e % 2 else ["Work"]
            rows += [[person, e, t, a, mood, pd.NA] for a in acts]
    rows.append(["C", 11, "2026-03-04 20:00", None, 6.0, pd.NA])   # no activity recorded
    rows.append(["C", 12, "2026-03-04 21:00", "Walk", 6.0, False])  # planned, skipped
    rows.append(["C", 12, "2026-03-04 21:00", "Work", 6.0, pd.NA])
    out = activity_effects(_hand_log(rows), min_people=1, min_prompts=1).set_index("activity")
    assert out.attrs["excluded"] == {"prompts": 3 * 10 + 2, "no_value": 3, "no_activity": 1}
    assert out["n_prompts"].unique().tolist() == [3 * 9 + 1]
    assert out.loc["Walk", "n_prompts_with"] == 3 * 5  # the skipped plan does not count
    assert out.loc["Work", "n_prompts_with"] == 3 * 4 + 1
    assert out.loc["Tea", "n_people_with"] == 3
    # by category: a prompt with two activities of one category counts once
    log = _hand_log(rows)
    log["category"] = log["activity"].map({"Walk": "Health", "Read": "Leisure", "Tea": "Leisure",
                                           "Work": "Work"}).astype("str")
    cats = activity_effects(log, by="category", min_people=1, min_prompts=1)
    assert cats.columns[0] == "category" and cats["category"].tolist() == ["Health", "Leisure", "Work"]
    assert cats.set_index("category").loc["Leisure", "n_prompts_with"] == 3 * 5


def test_activity_done_by_too_few_people_is_listed_not_modelled(study):
    log = study.astype({"activity": "str"})  # a new name: category columns take no new labels
    log.loc[log["client"].eq("P01") & log["activity"].eq("Screens"), "activity"] = "Piano"
    out = activity_effects(log).set_index("activity")
    assert np.isnan(out.loc["Piano", "within"]) and np.isnan(out.loc["Piano", "within_q"])
    assert "not modelled: 1 people" in out.loc["Piano", "note"]
    modelled = out["within_p"].notna()
    np.testing.assert_allclose(out.loc[modelled, "within_q"],
                               multipletests(out.loc[modelled, "within_p"], method="fdr_bh")[1])


def test_one_client_is_refused_with_what_to_do(study):
    one = study[study["client"].eq("P01")]
    with pytest.raises(ValueError, match=r"one client, 'P01'.*ba.mood_by_activity"):
        activity_effects(one)
    with pytest.raises(ValueError, match="several people"):
        icc(one)
    with pytest.raises(ValueError, match="no 'energy' column"):
        activity_effects(study, value="energy")


def test_works_on_a_cohort_read_with_read_cohort(tmp_path, study):
    log = study.copy()
    log["mood"] = log["mood"].clip(0, 10)  # a tidy file holds 0-10
    for client, rows in log.groupby("client"):
        ba.write_log(rows, tmp_path / f"{client}.csv")
    cohort = ba.read_cohort(tmp_path, errors="raise")
    assert cohort["client"].nunique() == 24
    got, expected = activity_effects(cohort), activity_effects(log)
    cols = ["within", "within_ci_low", "within_ci_high", "between", "between_se", "n_prompts",
            "n_prompts_with"]
    np.testing.assert_allclose(got[cols].to_numpy(float), expected[cols].to_numpy(float), rtol=1e-9)
    assert got["activity"].tolist() == expected["activity"].tolist()


def test_source_scale_from_a_long_export_on_1_to_7(tmp_path, study):
    # one activity per prompt (a long file reads one entry per row), mood on a 1-7 slider
    log = study.drop_duplicates(["client", "entry"]).copy()
    log["mood"] = log["mood"].clip(0, 10).round(3)
    export = log.assign(mood=1 + log["mood"] * 0.6)
    for client, rows in export.groupby("client"):
        rows[["client", "start", "activity", "mood"]].to_csv(tmp_path / f"{client}.csv", index=False)
    cohort = ba.read_cohort(tmp_path, scales={"mood": (1, 7)}, errors="raise")
    got = activity_effects(cohort)
    expected = activity_effects(log)
    cols = ["within", "within_ci_low", "within_ci_high", "between", "between_se"]
    np.testing.assert_allclose(got[cols].to_numpy(float), expected[cols].to_numpy(float), rtol=1e-6)
    on_source = activity_effects(cohort, scale="source")
    assert on_source.attrs["scale"] == (1.0, 7.0)
    np.testing.assert_allclose(on_source[cols].to_numpy(float), 0.6 * got[cols].to_numpy(float),
                               rtol=1e-9)
    np.testing.assert_allclose(on_source["within_p"], got["within_p"])


def test_reversed_source_scale_flips_signs_and_interval_ends(effects, study):
    reversed_ = study.copy()
    reversed_.attrs = {"scales": {"mood": (7.0, 1.0)}}  # higher = more depressed in the source
    out = activity_effects(reversed_, scale="source")
    np.testing.assert_allclose(out["within"], -0.6 * effects["within"], rtol=1e-9)
    np.testing.assert_allclose(out["within_ci_low"], -0.6 * effects["within_ci_high"], rtol=1e-9)
    np.testing.assert_allclose(out["within_se"], 0.6 * effects["within_se"], rtol=1e-9)
    with pytest.raises(ValueError, match="attrs\\['scales'\\]"):
        activity_effects(study.assign(mastery=1.0), value="mastery", scale="source")


def test_method_text_and_columns(effects):
    assert list(effects.columns[:8]) == ["activity", "within", "within_ci_low", "within_ci_high",
                                         "within_se", "within_p", "within_q", "between"]
    method = effects.attrs["method"]
    for words in ("person-mean centring", "grand-mean centred", "REML", "Benjamini-Hochberg"):
        assert words in method


# --------------------------------------------------------------------------- the ICC


# lme4's sleepstudy (Belenky et al., 2003; 18 subjects x 10 days, balanced): the published
# output of lm(Reaction ~ Subject) gives each subject's mean (intercept 342.134 = subject
# 308, then the differences) and the residual SD 44.26 on 162 df; lmer(Reaction ~ 1 +
# (1 | Subject), REML) prints Subject (Intercept) variance 1278 (SD 35.75), Residual
# 1959 (SD 44.26), (Intercept) 298.51 (SE 9.05). In a balanced one-way layout the REML fit
# depends on the data only through the subject means and the pooled within SS, so data with
# the same means and within SS has the same fit. Sources: tests/data/README.md.
SLEEPSTUDY_LM = [0, -126.901, -111.133, -38.912, -32.698, -34.832, -25.976, -46.832, -92.064,
                 33.587, -66.299, -28.531, -52.036, -4.712, -36.099, -50.432, -47.150, -24.248]


def _sleepstudy_like() -> pd.DataFrame:
    means = 342.134 + np.array(SLEEPSTUDY_LM)
    pattern = np.array([-9.0, -7, -5, -3, -1, 1, 3, 5, 7, 9])  # sums to 0 within each subject
    dev = np.concatenate([np.roll(pattern, k) for k in range(18)])
    dev *= np.sqrt(162 * 44.26 ** 2 / (dev ** 2).sum())
    return pd.DataFrame({"client": np.repeat([f"S{k:02d}" for k in range(18)], 10),
                         "entry": np.tile(np.arange(1, 11), 18),
                         "start": pd.Timestamp("2003-01-01") + pd.to_timedelta(np.tile(np.arange(10), 18), "D"),
                         "mood": np.repeat(means, 10) + dev})


def test_icc_equals_lme4_on_sleepstudy():
    out = icc(_sleepstudy_like()).iloc[0]
    assert round(out["var_between"]) == 1278 and round(np.sqrt(out["var_between"]), 2) == 35.75
    assert round(out["var_within"]) == 1959 and round(np.sqrt(out["var_within"]), 2) == 44.26
    assert round(out["mean"], 2) == 298.51
    assert out["n_people"] == 18 and out["n_prompts"] == 180
    assert out["icc"] == pytest.approx(1278 / (1278 + 1959), abs=3e-4)
    # the interval from the published F (lm: 7.526 on 17 and 162 df), by hand
    f = 7.526
    f_low, f_high = f / st.f.ppf(0.975, 17, 162), f * st.f.ppf(0.975, 162, 17)
    assert out["ci_low"] == pytest.approx((f_low - 1) / (f_low + 9), abs=1e-4)
    assert out["ci_high"] == pytest.approx((f_high - 1) / (f_high + 9), abs=1e-4)


@pytest.mark.parametrize("answered", [1.0, 0.6])
def test_icc_interval_coverage_across_seeds(answered):
    """Balanced (every prompt answered: the F interval is exact) and unbalanced (60% answered);
    100 studies each (Monte Carlo SE of a 95% rate: 0.022)."""
    truth = 1.0 / (1.0 + 1.5 ** 2)
    hits, estimates = 0, []
    seeds = range(100)
    for seed in seeds:
        log = esm_study(n_people=20, days=4, prompts=5, seed=5000 + seed, activities={},
                        answered=answered)
        out = icc(log).iloc[0]
        hits += out["ci_low"] < truth < out["ci_high"]
        estimates.append(out["icc"])
    assert 0.89 <= hits / len(seeds) <= 0.99
    assert abs(np.mean(estimates) - truth) < 0.03
