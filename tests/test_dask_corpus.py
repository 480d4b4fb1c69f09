"""The Dask path on the whole fixture corpus (issue 20): every look-alike of a real export or
hand-typed diary (tests/realworld.py) and every sample file, read as one cohort of clients,
gives through ``bactivate.cohort.distributed.run`` and through ``engine="dask"`` exactly the pandas
tables (or the same error).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest
import realworld as rw

import bactivate as ba

pytest.importorskip("dask.dataframe")
from bactivate.cohort.distributed import run  # after the skip: Dask is optional

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
SAMPLE_FILES = [SAMPLE / "client-alex.xlsx", SAMPLE / "client-alex-tidy.csv",
                *sorted((SAMPLE / "formats").glob("*.csv")), *sorted((SAMPLE / "formats").glob("*.xlsx"))]


def _read(path, **kw) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ba.read_log(path, **kw)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> pd.DataFrame:
    """Every fixture file read on its own, each its own client(s), put together as one cohort."""
    folder = tmp_path_factory.mktemp("corpus")
    logs = []
    for make in rw.ALL:
        truth = make(folder)
        logs.append(_read(truth.path, **truth.read_kw))
    logs += [_read(p) for p in SAMPLE_FILES]
    logs.append(_read(SAMPLE / "esm" / "study.csv", na_values=[-99]))
    parts = []
    for i, log in enumerate(logs):
        # one name per file (files that hold several people keep them apart within the file)
        client = f"F{i:02d}-" + log["client"].astype("str").fillna("client")
        parts.append(log.assign(client=client.astype("str")))
    cohort = pd.concat(parts, ignore_index=True)
    cohort.attrs = {}
    assert cohort["client"].nunique() >= len(logs)
    return cohort


def _same(analysis, cohort, npartitions, **kw):
    func = {"client_summary": ba.client_summary, "progress": ba.progress,
            "mood_by_activity": ba.mood_by_activity, "balance": ba.balance}[analysis]
    per_client = {"progress": {"by": "client"}, "mood_by_activity": {"by": ["client", "activity"]},
                  "balance": {"by": ["client", "activity"]}}.get(analysis, {})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            want = func(cohort, **{**per_client, **kw})
        except ValueError as exc:   # the same refusal on Dask
            with pytest.raises(type(exc)):
                run(analysis, cohort, npartitions=npartitions, scheduler="synchronous", **kw)
            return None
        got = run(analysis, cohort, npartitions=npartitions, scheduler="synchronous", **kw)
        by_keyword = func(cohort, **{**per_client, **kw}, engine="dask")
    pd.testing.assert_frame_equal(got, want)
    pd.testing.assert_frame_equal(by_keyword, want)
    return want


@pytest.mark.parametrize("npartitions", [1, 4, 9])
@pytest.mark.parametrize("analysis", ["client_summary", "progress", "mood_by_activity", "balance"])
def test_dask_equals_pandas_on_the_whole_corpus(corpus, analysis, npartitions):
    want = _same(analysis, corpus, npartitions)
    assert want is not None and len(want)
    if "client" in want:  # every client of the corpus is in the table, none twice over
        assert set(want["client"].astype("str")) <= set(corpus["client"].astype("str"))


def test_dask_day_unit_and_other_arguments_on_the_corpus(corpus):
    _same("progress", corpus, 3, unit="day")
    _same("mood_by_activity", corpus, 3, unit="entry")
    _same("balance", corpus, 3, by=["client", "category"])
