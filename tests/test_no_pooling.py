"""Issue 19, items 1 and 8: no single-client analysis pools a cohort's clients; the entry unit per client.

Every single-client analysis given a log of several clients either raises a
``ValueError`` that counts the clients and names the per-client way, or (asked
per client) returns a ``client`` column first whose rows for each client equal
the call on that client's rows alone. The entry unit of ``mood_by_activity`` is
checked against statsmodels' day-clustered OLS fitted by hand on entries built
here with plain pandas.
"""

from __future__ import annotations

import pandas as pd
import pytest
import statsmodels.formula.api as smf

import bactivate as ba
from bactivate._clients import client_names, one_client, per_client
from bactivate.avoidance import avoidance
from bactivate.balance import balance
from bactivate.lapse import lapses
from bactivate.mood import mood_by_activity, phase_effect
from bactivate.suggest import suggest_next
from bactivate.summary import plain_summary
from bactivate.values import values_summary


@pytest.fixture(scope="module")
def cohort():
    log, _ = ba.synth.cohort(n_clients=5, weeks=3, seed=19, entries_per_day=5)
    return log


def _one(cohort):
    return cohort[cohort["client"] == client_names(cohort)[1]]


# ------------------------------------------------------------------------------- refused


REFUSED = {
    "balance": (lambda log: balance(log), r'by=\["client", "activity"\]'),
    "balance by week": (lambda log: balance(log, by="week"), r'by=\["client", "week"\]'),
    "mood_by_activity": (lambda log: mood_by_activity(log), r'by=\["client", "activity"\]'),
    "mood_by_activity entry": (lambda log: mood_by_activity(log, "entry", by="category"),
                               r'by=\["client", "category"\]'),
    "phase_effect": (lambda log: phase_effect(log, baseline=1), 'by="client"'),
    "avoidance": (lambda log: avoidance(log), r"groupby\('client'\)"),
    "suggest_next": (lambda log: suggest_next(log), r"groupby\('client'\)"),
    "lapses": (lambda log: lapses(log), r"progress\(log, by='client'\)\['lapse'\]"),
    "values_summary": (lambda log: values_summary(log), r"groupby\('client'\)"),
    "plain_summary": (lambda log: plain_summary(log), r"groupby\('client'\)"),
}


@pytest.mark.parametrize("name", list(REFUSED))
def test_a_cohort_is_refused_with_the_count_and_the_per_client_way(cohort, name):
    call, per_client_way = REFUSED[name]
    with pytest.raises(ValueError, match="this log holds 5 clients") as err:
        call(cohort)
    assert "C001" in str(err.value) and "pooled" in str(err.value)
    with pytest.raises(ValueError, match=per_client_way):
        call(cohort)


@pytest.mark.parametrize("name", list(REFUSED))
def test_one_client_of_the_cohort_is_analysed_as_before(cohort, name):
    """One client (and rows with no client id besides) is one log: no error."""
    call, _ = REFUSED[name]
    one = _one(cohort)
    call(one)
    call(one.assign(client=pd.Series(pd.NA, index=one.index, dtype="str")))


def test_one_client_counts_distinct_ids_and_lists_the_first_few():
    log = pd.DataFrame({"client": [f"P{i}" for i in range(12, 0, -1)] + [None]})
    with pytest.raises(ValueError) as err:
        one_client(log, "f()", "do g")
    text = str(err.value)
    assert "holds 12 clients (P1, P2, P3, P4, P5, ... (7 more))" in text and text.endswith("do g.")
    one_client(pd.DataFrame({"client": ["a", "a", None]}), "f()", "do g")
    one_client(pd.DataFrame({"start": [1, 2]}), "f()", "do g")


# ------------------------------------------------------------------------------- per client


def _each_client_equals_its_own_call(allc, cohort, call):
    assert allc.columns[0] == "client"
    assert list(allc["client"].drop_duplicates()) == client_names(cohort)
    for client, rows in cohort.groupby("client"):
        mine = allc[allc["client"] == client].drop(columns="client").reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, call(rows), check_exact=False, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("by", ["activity", "category", "week", "day"])
def test_balance_per_client_equals_one_call_per_client(cohort, by):
    allc = balance(cohort, by=["client", by])
    _each_client_equals_its_own_call(allc, cohort, lambda rows: balance(rows, by=by))
    assert allc.attrs["per_client"] and allc.attrs["by"] == by
    # each client's own weeks: every client starts at week 1, whatever the calendar
    if by == "week":
        assert allc.groupby("client")["week"].min().eq(1).all()
    # entries per week is each client's, not the cohort's span
    if by == "activity":
        mine = allc.groupby("client")["entries"].sum()
        did = ba.balance(_one(cohort))["entries"].sum()
        assert mine[client_names(cohort)[1]] == did


@pytest.mark.parametrize("kw", [{}, {"unit": "entry"}, {"unit": "entry", "adjust": None},
                                {"unit": "entry", "by": "category", "min_days": 2}])
def test_mood_by_activity_per_client_equals_one_call_per_client(cohort, kw):
    kw = dict(kw)
    what = kw.pop("by", "activity")
    allc = mood_by_activity(cohort, by=["client", what], **kw)
    assert (allc["status"] == "tested").sum() > 10
    _each_client_equals_its_own_call(allc, cohort, lambda rows: mood_by_activity(rows, by=what, **kw))


def test_phase_effect_per_client_is_one_case_per_client(cohort):
    allc = phase_effect(cohort, baseline=1, treatment=[2, 3], by="client")
    _each_client_equals_its_own_call(allc, cohort, lambda rows: phase_effect(rows, baseline=1, treatment=[2, 3]))
    assert allc.groupby("client").size().eq(6).all()
    assert "each client one case" in allc.attrs["description"]


def test_phase_effect_per_client_names_the_client_that_cannot_be_compared(cohort):
    c3 = cohort["client"] == "C003"
    first = cohort.loc[c3, "start"].min().normalize()
    short = cohort[~(c3 & (cohort["start"] >= first + pd.Timedelta(days=14)))]  # C003 stops in week 2
    with pytest.raises(ValueError, match=r"client C003: the baseline has \d+ days and the treatment 0 days"):
        phase_effect(short, baseline=1, treatment=[3], by="client")
    with pytest.raises(ValueError, match="by must be"):
        phase_effect(cohort, by="arm")


def test_per_client_helper_orders_clients_naturally():
    log = pd.DataFrame({"client": ["C10", "C2", "C2", None], "x": [1, 2, 3, 4]})
    out = per_client(log, lambda rows: pd.DataFrame({"total": [rows["x"].sum()]}))
    assert out["client"].tolist() == ["C2", "C10"] and out["total"].tolist() == [5, 1]


# ------------------------------------------------------------------------------- entry unit, by hand


def _entries_by_hand(log: pd.DataFrame, by: str = "activity") -> pd.DataFrame:
    """Per entry with a mood that follows another entry of the same day: mood, day, the activities before."""
    log = log.sort_values(["start", "entry"], kind="stable")
    ent = log.groupby("entry", sort=False).agg(mood=("mood", "first"), start=("start", "first"))
    ent = ent.sort_values("start", kind="stable").reset_index()
    ent["day"] = ent["start"].dt.normalize()
    same = ent["day"].eq(ent["day"].shift())
    ent["prev"] = ent["entry"].shift().where(same)
    skipped = log["planned"].fillna(False).astype(bool) & log["done"].eq(False).fillna(False)
    did = log[~skipped & log[by].notna()]
    acts = did.groupby("entry")[by].agg(lambda s: set(s.astype(str)))
    ent["before"] = ent["prev"].map(acts)
    ent.attrs["r1"] = ent["mood"].corr(ent["mood"].shift().where(same))
    return ent[ent["prev"].notna() & ent["mood"].notna()]


@pytest.mark.parametrize("adjust", ["week", None])
def test_entry_unit_is_the_day_clustered_regression(cohort, adjust):
    """diff, CI and p: OLS of mood on the activity (plus one intercept per day when adjusted), CR1 by day."""
    res = mood_by_activity(cohort, "entry", by=["client", "activity"], adjust=adjust)
    checked = 0
    for client in client_names(cohort)[:2]:
        rows = cohort[cohort["client"] == client]
        ent = _entries_by_hand(rows)
        mine = res[res["client"] == client].set_index("activity")
        assert mine["mood_autocorr"].iloc[0] == pytest.approx(ent.attrs["r1"], abs=1e-12)
        for name, row in mine.iterrows():
            x = ent["before"].map(lambda s, n=name: isinstance(s, set) and n in s).astype(float)
            assert row["n_with"] == int(x.sum()) and row["n_without"] == int((x == 0).sum())
            assert row["mood_with"] == pytest.approx(ent["mood"][x == 1].mean(), abs=1e-12)
            if row["status"] != "tested":
                continue
            data = pd.DataFrame({"mood": ent["mood"].to_numpy(), "x": x.to_numpy(),
                                 "day": ent["day"].dt.strftime("%Y%m%d").to_numpy()})
            formula = "mood ~ x + C(day)" if adjust else "mood ~ x"
            fit = smf.ols(formula, data).fit(cov_type="cluster", cov_kwds={"groups": pd.factorize(data["day"])[0]},
                                             use_t=True)
            lo, hi = fit.conf_int().loc["x"]
            assert row["diff"] == pytest.approx(fit.params["x"], abs=1e-10)
            assert row["ci_low"] == pytest.approx(lo, abs=1e-10) and row["ci_high"] == pytest.approx(hi, abs=1e-10)
            assert row["p"] == pytest.approx(fit.pvalues["x"], abs=1e-10)
            delta = ba.stats.cliffs_delta(data["mood"][data["x"] == 0], data["mood"][data["x"] == 1])["estimate"].iloc[0]
            assert row["cliffs_delta"] == pytest.approx(delta, abs=1e-12)
            checked += 1
    assert checked >= 10


def test_entry_unit_of_a_log_without_client_ids_is_that_log(cohort):
    """A log whose client column is empty is one log (the day unit already read it so; entries gave no rows)."""
    one = _one(cohort)
    named = mood_by_activity(one, "entry")
    anon = mood_by_activity(one.assign(client=pd.Series(pd.NA, index=one.index, dtype="str")), "entry")
    assert (named["status"] == "tested").sum() > 3
    pd.testing.assert_frame_equal(anon, named)


def test_small_wins_and_the_progress_plot_refuse_what_they_cannot_show():
    """small_wins of a cohort would mix clients' firsts; a progress table of prompts is not a chart of
    weeks (issue 19): both say what to do instead."""
    log, _ = ba.synth.cohort(n_clients=3, weeks=2, seed=1)
    with pytest.raises(ValueError, match="groupby"):
        ba.small_wins(log)
    one = log[log["client"] == log["client"].iloc[0]]
    assert len(ba.small_wins(one))
    with pytest.raises(ValueError, match="unit='day'"):
        ba.plot.progress(data=ba.progress(one, unit="prompt"))
