"""balance: mastery and pleasure against a direct computation, and every grouping.

Moved from test_analyses.py (issue 13), unchanged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats as st

import bactivate as ba


@pytest.fixture(scope="module")
def log8():
    return ba.synth.client(weeks=8, seed=3)


def _did(log):
    """Rows that happened: planned-and-skipped rows left out (written out here, independently)."""
    skipped = log["planned"].fillna(False).astype(bool) & (log["done"] == False).fillna(False)  # noqa: E712
    return log[~skipped]


def test_balance_matches_direct_computation(log8):
    bal = ba.balance(log8, by="activity", high=6).set_index("activity")
    did = _did(log8)
    walk = did[did["activity"] == "Walk in the park"]
    row = bal.loc["Walk in the park"]
    assert row["entries"] == len(walk)
    assert row["mastery_mean"] == pytest.approx(walk["mastery"].mean())
    lo, hi = st.t.interval(0.95, len(walk["pleasure"].dropna()) - 1, loc=walk["pleasure"].mean(),
                           scale=st.sem(walk["pleasure"].dropna()))
    assert (row["pleasure_ci_low"], row["pleasure_ci_high"]) == pytest.approx((lo, hi))
    rated = walk.dropna(subset=["mastery", "pleasure"])
    both = ((rated["mastery"] >= 6) & (rated["pleasure"] >= 6)).mean()
    assert row["share_both"] == pytest.approx(both)
    shares = bal[["share_both", "share_mastery_only", "share_pleasure_only", "share_neither"]].sum(axis=1)
    assert np.allclose(shares.dropna(), 1.0)


@pytest.mark.parametrize("by", ["activity", "category", "week", "day"])
def test_balance_by(log8, by):
    bal = ba.balance(log8, by=by)
    assert bal.columns[0] == by and len(bal) > 0
    assert bal["mastery_mean"].between(0, 10).all()


# --------------------------------------------------------------------------- one "high", most relevant (issue 15)

from bactivate.balance import HIGH, high_label, most_relevant  # noqa: E402


def test_high_is_stated(log8):
    import inspect

    res = ba.balance(log8, high=7)
    assert res.attrs["high"] == 7 and res.attrs["high_label"] == "high = 7 or more of 10"
    assert ba.balance(log8).attrs["high_label"] == high_label(HIGH) == "high = 6 or more of 10"
    assert inspect.signature(ba.balance).parameters["high"].default == HIGH


def test_balance_by_activity_carries_its_most_frequent_category(log8):
    res = ba.balance(log8).set_index("activity")
    pairs = _did(log8).dropna(subset=["activity", "category"])
    counts = pairs.groupby(["activity", "category"]).size().unstack(fill_value=0)
    expect = counts.idxmax(axis=1)  # ties: the first category in alphabetical order, as documented
    assert res["category"].reindex(expect.index).tolist() == expect.tolist()


@pytest.fixture(scope="module")
def relevant(log8):
    bal = ba.balance(log8)
    mood = ba.mood_by_activity(log8)
    return bal, mood, most_relevant(bal, mood, n=None)


def test_most_relevant_order(relevant):
    bal, mood, res = relevant
    assert len(res) == len(bal) and res.attrs["more"] == 0 and sorted(res["activity"]) == sorted(bal["activity"])
    rank = res["listed_for"].map({"high in both": 0, "mood": 1, "life area": 2, "frequency": 3})
    assert rank.is_monotonic_increasing
    # 1. the "both" corner, computed here from the means
    both = bal.loc[(bal["mastery_mean"] >= 6) & (bal["pleasure_mean"] >= 6), "activity"]
    assert set(res.loc[rank == 0, "activity"]) == set(both) and len(both) > 0
    assert res.loc[rank == 0, "entries"].is_monotonic_decreasing
    # 2. a clear mood difference: the interval excludes 0 (not already in the corner), largest first
    m = mood.set_index("activity")
    clear = set(m.index[(m["ci_low"] > 0) | (m["ci_high"] < 0)]) - set(both)
    assert set(res.loc[rank == 1, "activity"]) == clear and len(clear) > 0
    assert res.loc[rank == 1, "activity"].map(m["diff"].abs()).is_monotonic_decreasing
    # 3. one activity for each life area not yet named, its most frequent
    named = set(res.loc[rank < 2, "category"])
    areas = res[rank == 2]
    assert set(areas["category"]) == set(bal["category"].dropna()) - named
    assert areas["category"].is_unique
    top_of_area = bal[~bal["category"].isin(named)].sort_values("entries", ascending=False,
                                                                 kind="stable").drop_duplicates("category")
    assert set(areas["activity"]) == set(top_of_area["activity"])
    # 4. the rest by frequency
    assert res.loc[rank == 3, "entries"].is_monotonic_decreasing


def test_most_relevant_says_why_in_plain_words_and_counts_the_rest(relevant, log8):
    bal, mood, _ = relevant
    res = most_relevant(bal, mood, n=5)
    assert len(res) == 5 and res.attrs["more"] == len(bal) - 5 and res.attrs["high"] == 6
    why = dict(zip(res["activity"], res["why_listed"], strict=True))
    for _, row in res.iterrows():
        if row["listed_for"] == "high in both":
            assert why[row["activity"]].startswith("high in both mastery and pleasure")
        elif row["listed_for"] == "mood":
            diff = mood.set_index("activity").loc[row["activity"], "diff"]
            assert why[row["activity"]] == ("better" if diff > 0 else "lower") + " mood on days with it"
    full = most_relevant(bal, mood, n=None)
    freq = full[full["listed_for"] == "frequency"].iloc[0]
    assert freq["why_listed"] == f"logged {freq['entries']} times"
    area = full[full["listed_for"] == "life area"].iloc[0]
    assert area["why_listed"] == f"most logged activity in {area['category']}"
    for word in ("q ", "CI", "p-value", "significant"):
        assert not full["why_listed"].str.contains(word, regex=False).any()


def test_most_relevant_without_mood_and_with_another_high(log8):
    bal = ba.balance(log8, high=5)
    res = most_relevant(bal, n=None)
    assert "mood" not in set(res["listed_for"])
    both = bal.loc[(bal["mastery_mean"] >= 5) & (bal["pleasure_mean"] >= 5), "activity"]
    assert set(res.loc[res["listed_for"] == "high in both", "activity"]) == set(both)
    assert res.attrs["high"] == 5  # from the frame
    by_cat = most_relevant(ba.balance(log8, by="category"), n=2)
    assert by_cat.attrs["more"] == len(ba.balance(log8, by="category")) - 2
    with pytest.raises(ValueError, match="balance"):
        most_relevant(ba.mood_by_activity(log8))


# --------------------------------------------------------------------------- groups as codes (issue 20)

from bactivate._grouped import group_mean_ci  # noqa: E402


@pytest.fixture(scope="module")
def holey():
    """A small cohort with gaps: no client, no activity or category, undated, unrated, end before start."""
    log, _ = ba.synth.cohort(n_clients=5, weeks=3, seed=2)
    rng = np.random.default_rng(0)
    log = log.copy()
    n = len(log)
    for col, frac in (("activity", .1), ("category", .2), ("start", .05), ("end", .2), ("mastery", .2),
                      ("pleasure", .2), ("client", .03)):
        log.loc[rng.random(n) < frac, col] = None
    back = rng.random(n) < .05
    log.loc[back, "end"] = log.loc[back, "start"] - pd.Timedelta("1h")
    return log


def _mean_ci(values):
    x = values.dropna()
    if len(x) < 2:
        return x.mean() if len(x) else np.nan, np.nan, np.nan
    if x.nunique() == 1:  # no spread: a zero-width interval (scipy gives NaN for scale 0)
        return x.mean(), x.mean(), x.mean()
    lo, hi = st.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=st.sem(x))
    return x.mean(), max(lo, 0.0), min(hi, 10.0)


def test_balance_per_client_with_gaps_matches_a_loop_over_groups(holey):
    res = ba.balance(holey, by=["client", "activity"], high=6)
    did = _did(holey)
    did = did[did["client"].notna() & did["activity"].notna()]
    assert len(res) == len(did.groupby(["client", "activity"], observed=True))
    assert res["client"].dtype == "str" and res["activity"].dtype == "str" and res["category"].dtype == "str"
    for (client, activity), rows in did.groupby(["client", "activity"], observed=True):
        row = res[(res["client"] == client) & (res["activity"] == activity)].iloc[0]
        assert row["entries"] == len(rows)
        hours = (rows["end"] - rows["start"]).dt.total_seconds() / 3600
        hours = hours[hours >= 0]
        assert row["hours"] == pytest.approx(hours.sum()) if len(hours) else np.isnan(row["hours"])
        days = did.loc[did["client"] == client, "start"].dropna().dt.normalize()
        weeks = max(((days.max() - days.min()).days + 1) / 7, 1.0) if len(days) else 1.0
        assert row["entries_per_week"] == pytest.approx(len(rows) / weeks)
        for v in ("mastery", "pleasure"):
            expect = _mean_ci(rows[v])
            got = (row[f"{v}_mean"], row[f"{v}_ci_low"], row[f"{v}_ci_high"])
            assert got == pytest.approx(expect, nan_ok=True)
        rated = rows.dropna(subset=["mastery", "pleasure"])
        assert row["rated"] == len(rated)
        hm, hp = rated["mastery"] >= 6, rated["pleasure"] >= 6
        for k, flags in (("both", hm & hp), ("mastery_only", hm & ~hp), ("pleasure_only", ~hm & hp),
                         ("neither", ~hm & ~hp)):
            assert row[f"share_{k}"] == pytest.approx(flags.mean() if len(rated) else np.nan, nan_ok=True)
        cats = rows["category"].dropna().astype("str").value_counts()
        if len(cats):  # most frequent, ties alphabetical
            assert row["category"] == sorted(cats.index[cats == cats.max()])[0]
        else:
            assert pd.isna(row["category"])


@pytest.mark.parametrize("by", ["activity", "category", "week", "day"])
def test_balance_names_as_category_or_text_give_one_table(holey, by):
    text = holey.copy()
    for col in ("client", "activity", "category"):
        text[col] = text[col].astype("str")
    assert isinstance(holey["activity"].dtype, pd.CategoricalDtype)
    pd.testing.assert_frame_equal(ba.balance(holey, by=["client", by]), ba.balance(text, by=["client", by]))


def test_balance_main_category_ties_go_to_the_first_alphabetically():
    log = ba.synth.client(weeks=1, seed=1).iloc[:4].copy()
    log["activity"] = "Walk"
    log["category"] = ["Self-care", "Physical health", "Self-care", "Physical health"]
    log["planned"] = False
    assert ba.balance(log)["category"].tolist() == ["Physical health"]
    log.loc[log.index[1], "category"] = None
    assert ba.balance(log)["category"].tolist() == ["Self-care"]


def test_group_mean_ci_matches_pandas_and_scipy():
    rng = np.random.default_rng(5)
    codes = rng.integers(0, 40, 2000)
    values = rng.uniform(0, 10, 2000)
    values[rng.random(2000) < 0.3] = np.nan
    codes[:3] = 40  # a group of 3, all missing
    values[:3] = np.nan
    codes[3] = 41  # a group of one value
    got = group_mean_ci(codes, values, 43, ci=0.9)
    s = pd.Series(values).groupby(codes)
    assert got["n"][:42].tolist() == s.count().tolist() and got["n"][42] == 0
    assert np.allclose(got["mean"][:42], s.mean(), rtol=1e-12, equal_nan=True)
    for g in range(40):
        x = values[(codes == g) & ~np.isnan(values)]
        lo, hi = st.t.interval(0.9, len(x) - 1, loc=x.mean(), scale=st.sem(x))
        assert (got["ci_low"][g], got["ci_high"][g]) == pytest.approx((lo, hi), rel=1e-10)
    assert np.isnan(got["mean"][[40, 42]]).all() and np.isnan(got["ci_low"][40:]).all()
    assert got["mean"][41] == values[3]
