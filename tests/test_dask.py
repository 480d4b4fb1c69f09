"""The Parquet dataset by client (write and read back) and the per-client analyses on Dask.

The Dask path must give exactly the pandas tables (``assert_frame_equal``, dtypes and order
included) for every analysis, on a synthetic cohort split into several partitions and on a
dataset written by ``write_log(..., partition_by="client")`` and read by Dask.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import bactivate as ba
from bactivate.io.cohort import read_cohort
from bactivate.io.parquet import is_dataset
from bactivate.io.write import write_log
from bactivate.schema import TIDY_COLUMNS

dd = pytest.importorskip("dask.dataframe")
distributed_mod = pytest.importorskip("bactivate.cohort.distributed")
run = distributed_mod.run

PANDAS = {
    "client_summary": lambda log, **kw: ba.client_summary(log, **kw),
    "progress": lambda log, **kw: ba.progress(log, by="client", **kw),
    "mood_by_activity": lambda log, **kw: ba.mood_by_activity(log, by=["client", "activity"], **kw),
    "balance": lambda log, **kw: ba.balance(log, by=["client", "activity"], **kw),
}


@pytest.fixture(scope="module")
def cohort():
    """Eleven clients (C2 before C10 checks the natural order), one who records no plans and
    one with no mood ratings: their tables differ in kind from the others'."""
    log, roster = ba.synth.cohort(n_clients=11, weeks=5, seed=4)
    log = log.copy()
    no_plans = log["client"] == "C003"
    log.loc[no_plans, ["planned", "done"]] = pd.NA
    log.loc[log["client"] == "C007", "mood"] = np.nan
    # rows not grouped by client: the shuffle must gather each client's rows
    log = log.sample(frac=1.0, random_state=1).sort_values("start", kind="stable").reset_index(drop=True)
    return log, roster


def _same(dask_result: pd.DataFrame, pandas_result: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(dask_result, pandas_result)
    assert list(dask_result["client"].drop_duplicates()) == list(pandas_result["client"].drop_duplicates())


@pytest.mark.parametrize("name", list(PANDAS))
@pytest.mark.parametrize("npartitions", [1, 3, 7])
def test_dask_gives_the_pandas_table(cohort, name, npartitions):
    log, _ = cohort
    expected = PANDAS[name](log)
    got = run(name, log, npartitions=npartitions, scheduler="synchronous")
    _same(got, expected)
    assert got["client"].nunique() >= 10
    if name == "progress":
        _same(pd.DataFrame(got.attrs["trend"]), pd.DataFrame(expected.attrs["trend"]))
        assert got.attrs["not_recorded"] == expected.attrs["not_recorded"]
        assert str(got["planned"].dtype) == "Int64"  # C003 records no plans: <NA>, not 0
    elif name != "client_summary":
        assert got.attrs == expected.attrs


def test_mood_q_values_are_per_client(cohort):
    """BH q over each client's activities: a client's rows equal a call on that client alone."""
    log, _ = cohort
    got = run("mood_by_activity", log, npartitions=4, scheduler="synchronous")
    one = log[log["client"] == "C005"].reset_index(drop=True)
    alone = ba.mood_by_activity(one)
    mine = got[got["client"] == "C005"].drop(columns="client").reset_index(drop=True)
    pd.testing.assert_frame_equal(mine[alone.columns.drop("mood_autocorr")],
                                  alone.drop(columns="mood_autocorr"))
    assert (got["status"] == "tested").sum() > 10


def test_other_arguments_and_groupings(cohort):
    log, _ = cohort
    _same(run("progress", log, npartitions=3, unit="day"), ba.progress(log, by="client", unit="day"))
    _same(run(ba.balance, log, npartitions=3, by=["client", "week"]),
          ba.balance(log, by=["client", "week"]))
    _same(run("mood_by_activity", log, npartitions=3, by=["client", "category"], unit="entry"),
          ba.mood_by_activity(log, by=["client", "category"], unit="entry"))
    _same(run("client_summary", log, npartitions=3, unit="day"), ba.client_summary(log, unit="day"))


def test_client_summary_roster(cohort):
    """Roster columns joined, a roster client with no log kept (once), a logged client with no
    roster row kept."""
    log, roster = cohort
    roster = pd.concat([roster[roster["client"] != "C004"],
                        pd.DataFrame({"client": ["C099"], "arm": ["BA"]})], ignore_index=True)
    expected = ba.client_summary(log, roster=roster)
    got = run("client_summary", log, npartitions=4, roster=roster, scheduler="synchronous")
    _same(got, expected)
    assert got["client"].tolist().count("C099") == 1
    assert got.loc[got["client"] == "C099", "entries"].item() == 0
    assert pd.isna(got.loc[got["client"] == "C004", "arm"].item())
    # the roster kept in the log's attrs is used as in pandas
    with_attrs = log.copy()
    with_attrs.attrs = {"roster": roster}
    _same(run("client_summary", with_attrs, npartitions=4), ba.client_summary(with_attrs))


def test_a_dask_dataframe_and_the_local_threads(cohort):
    log, _ = cohort
    ddf = dd.from_pandas(log, npartitions=5, sort=False)
    for name in PANDAS:
        _same(run(name, ddf), PANDAS[name](log))


def test_not_per_client_is_refused(cohort):
    log, _ = cohort
    with pytest.raises(ValueError, match="per client"):
        run("balance", log, by="activity")
    with pytest.raises(ValueError, match="per client"):
        run("progress", log, by=None)
    with pytest.raises(ValueError, match="one of"):
        run("trajectory", log)


def test_without_shuffle_a_split_client_is_an_error(cohort):
    log, _ = cohort  # rows in time order: every client is in every partition
    with pytest.raises(ValueError, match="more than one partition"):
        run("client_summary", dd.from_pandas(log, npartitions=3, sort=False), shuffle=False)


# ----------------------------------------------------------------------------- the dataset


def _tidy_cohort():
    log, roster = ba.synth.cohort(n_clients=12, weeks=3, seed=7)
    log = log.copy()
    log["mood_note"] = log["note"]  # an extra column survives
    log.attrs = {"scales": {"mood": (1.0, 5.0), "mastery": (0.0, 10.0)}, "roster": roster}
    return log


def test_dataset_round_trip(tmp_path):
    log = _tidy_cohort()
    folder = write_log(log, tmp_path / "study", partition_by="client")
    assert is_dataset(folder)
    parts = sorted(p.name for p in folder.iterdir() if p.is_dir())
    assert parts == [f"client={c}" for c in sorted(log["client"].unique())]
    back = read_cohort(folder)
    pd.testing.assert_frame_equal(back, log)  # C10 after C9: natural order as written
    assert {c: str(back[c].dtype) for c in TIDY_COLUMNS} == TIDY_COLUMNS
    assert back.attrs["scales"] == log.attrs["scales"]
    pd.testing.assert_frame_equal(pd.DataFrame(back.attrs["roster"]), log.attrs["roster"])
    assert back.attrs["files"]["rows_read"].sum() == len(log)
    assert len(back.attrs["rejected"]) == 0 and back.attrs["file"] == "study/"


def test_dataset_refuses_a_used_folder_and_rows_without_client(tmp_path):
    log = _tidy_cohort()
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "x.csv").write_text("a\n1\n")
    with pytest.raises(ValueError, match="not an empty folder"):
        write_log(log, tmp_path / "used", partition_by="client")
    bad = log.copy()
    bad.loc[0, "client"] = pd.NA
    with pytest.raises(ValueError, match="needs a client"):
        write_log(bad, tmp_path / "new", partition_by="client")
    with pytest.raises(ValueError, match="partition_by"):
        write_log(log, tmp_path / "new2", partition_by="activity")


@pytest.mark.parametrize("name", list(PANDAS))
def test_dask_on_the_dataset(tmp_path, name):
    log = _tidy_cohort()
    folder = write_log(log, tmp_path / "study", partition_by="client")
    ddf = dd.read_parquet(folder)
    assert ddf.npartitions > 1
    back = read_cohort(folder)
    kw = {"roster": back.attrs["roster"]} if name == "client_summary" else {}
    expected = PANDAS[name](log, **kw)
    _same(run(name, ddf, attrs=back.attrs, **kw), expected)
    # one file per client: no shuffle needed
    _same(run(name, ddf, shuffle=False, attrs=back.attrs, **kw), expected)


def test_fewer_partitions_without_shuffle_join_whole_clients(tmp_path):
    log = _tidy_cohort()
    ddf = dd.read_parquet(write_log(log, tmp_path / "study", partition_by="client"))
    assert ddf.npartitions == log["client"].nunique()  # one per client file
    _same(run("progress", ddf, shuffle=False, npartitions=3), ba.progress(log, by="client"))


def test_tables_joined_in_groups(cohort, monkeypatch):
    """Partitions' tables are joined a group at a time; the result and the split-client check
    are the same across groups."""
    monkeypatch.setattr(distributed_mod, "GROUP", 2)
    log, _ = cohort
    for name in ("progress", "client_summary", "mood_by_activity"):
        got = run(name, log, npartitions=7, scheduler="synchronous")
        _same(got, PANDAS[name](log))
    _same(pd.DataFrame(run("progress", log, npartitions=7).attrs["trend"]),
          pd.DataFrame(ba.progress(log, by="client").attrs["trend"]))
    with pytest.raises(ValueError, match="more than one partition"):
        run("client_summary", dd.from_pandas(log, npartitions=5, sort=False), shuffle=False)
