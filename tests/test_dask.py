"""The Parquet dataset by client (write and read back) and the per-client analyses on Dask.

The Dask path must give exactly the pandas tables (``assert_frame_equal``, dtypes and order
included) for every analysis, on a synthetic cohort split into several partitions and on a
dataset written by ``write_log(..., partition_by="client")`` and read by Dask.
"""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
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
    log = ba.schema.conform(log)  # an extra text column in the tidy dtype (category)
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


# ----------------------------------------------------------------------------- engine= on the analyses

ENGINE_CALLS = {
    "client_summary": lambda log, **kw: ba.client_summary(log, **kw),
    "progress": lambda log, **kw: ba.progress(log, by="client", **kw),
    "mood_by_activity": lambda log, **kw: ba.mood_by_activity(log, by=["client", "activity"], **kw),
    "balance": lambda log, **kw: ba.balance(log, by=["client", "activity"], **kw),
}
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def _check_engine(name: str, log: pd.DataFrame, **kw) -> None:
    """engine="dask" on the pandas log, and a Dask DataFrame of it with the default engine, give
    the pandas table (and progress's trend)."""
    expected = ENGINE_CALLS[name](log, **kw)
    got = ENGINE_CALLS[name](log, engine="dask", **kw)
    _same(got, expected)
    assert got.attrs.keys() == expected.attrs.keys()
    ddf = dd.from_pandas(log.reset_index(drop=True), npartitions=3, sort=False)
    kw = {"roster": log.attrs.get("roster"), **kw} if name == "client_summary" else kw
    on_ddf = ENGINE_CALLS[name](ddf, **kw)  # engine left "pandas": the frame decides
    _same(on_ddf, expected)
    if name == "progress":
        for table in (got, on_ddf):
            _same(pd.DataFrame(table.attrs["trend"]), pd.DataFrame(expected.attrs["trend"]))


@pytest.mark.parametrize("name", list(ENGINE_CALLS))
def test_engine_dask_on_a_synth_cohort(cohort, name):
    log, roster = cohort
    _check_engine(name, log, **({"roster": roster} if name == "client_summary" else {}))


@pytest.fixture(scope="module")
def sample_cohort():
    """Sample files as one cohort: a workbook of week sheets, a tidy CSV, an app export and the
    experience-sampling study (several people, missing ratings as -99)."""
    logs = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i, (path, kw) in enumerate([(SAMPLE / "client-alex.xlsx", {}),
                                        (SAMPLE / "client-alex-tidy.csv", {}),
                                        (SAMPLE / "formats" / "daylio-export.csv", {}),
                                        (SAMPLE / "esm" / "study.csv", {"na_values": [-99]})]):
            log = ba.read_log(path, **kw)
            logs.append(log.assign(client=(f"F{i}-" + log["client"].astype("str").fillna("x"))
                                   .astype("str")))
    cohort = pd.concat(logs, ignore_index=True)
    cohort.attrs = {}
    assert cohort["client"].nunique() >= 5
    return cohort


@pytest.mark.parametrize("name", list(ENGINE_CALLS))
def test_engine_dask_on_sample_files(sample_cohort, name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _check_engine(name, sample_cohort)


def test_engine_dask_with_other_arguments(cohort):
    log, _ = cohort
    _same(ba.progress(log, by="client", unit="day", engine="dask"),
          ba.progress(log, by="client", unit="day"))
    _same(ba.balance(log, by=["client", "week"], engine="dask"), ba.balance(log, by=["client", "week"]))
    _same(ba.mood_by_activity(log, "entry", by=["client", "category"], engine="dask"),
          ba.mood_by_activity(log, "entry", by=["client", "category"]))
    _same(ba.client_summary(log, unit="day", engine="dask"), ba.client_summary(log, unit="day"))


def test_engine_refuses_pooled_by_and_unknown_engines(cohort):
    log, _ = cohort
    with pytest.raises(ValueError, match="by='client'"):
        ba.progress(log, engine="dask")  # by=None pools the clients
    with pytest.raises(ValueError, match=r"by=\['client', 'activity'\]"):
        ba.balance(dd.from_pandas(log, npartitions=2), by="activity")
    with pytest.raises(ValueError, match=r"by=\['client', 'activity'\]"):
        ba.mood_by_activity(log, engine="dask")
    with pytest.raises(ValueError, match="engine must be one of"):
        ba.client_summary(log, engine="spark")


def test_no_dask_import_for_the_pandas_engine():
    """Importing bactivate, and the pandas engine, import neither Dask nor the distributed module."""
    code = ("import sys, bactivate as ba\n"
            "log, _ = ba.synth.cohort(n_clients=2, weeks=1, seed=1)\n"
            "ba.progress(log, by='client'); ba.balance(log, by=['client', 'activity'])\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'dask'"
            " or m == 'bactivate.cohort.distributed'))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# ----------------------------------------------------------------------------- read_clients


def test_read_clients_groups_whole_client_files(tmp_path):
    log = _tidy_cohort()
    folder = write_log(log, tmp_path / "study", partition_by="client")
    (folder / "_size.txt").write_text("not a data file")
    data = distributed_mod.read_clients(folder, files=5)
    assert data.npartitions == 3  # 12 client files, 5 a partition
    parts = [data.partitions[i].compute() for i in range(3)]
    assert [p["client"].nunique() for p in parts] == [5, 5, 2]
    # clients in natural order over the partitions, each client's rows as written
    seen = pd.concat(parts, ignore_index=True)
    pd.testing.assert_frame_equal(seen[log.columns].astype({c: log[c].dtype for c in log.columns}),
                                  log.reset_index(drop=True))
    back = read_cohort(folder)
    for name in PANDAS:
        kw = {"roster": back.attrs["roster"]} if name == "client_summary" else {}
        _same(run(name, data, shuffle=False, attrs=back.attrs, **kw), PANDAS[name](log, **kw))
    with pytest.raises(ValueError, match="at least 1"):
        distributed_mod.read_clients(folder, files=0)


def test_read_clients_keeps_a_client_file_of_two_row_groups_whole(tmp_path):
    """A client file written in two row groups stays in one partition (dd.read_parquet with
    aggregate_files may split it between two)."""
    log = _tidy_cohort()
    folder = write_log(log, tmp_path / "study", partition_by="client")
    one = next((folder / "client=C001").glob("*.parquet"))
    table = pq.read_table(one)
    pq.write_table(table, one, row_group_size=max(1, table.num_rows // 3))
    assert pq.ParquetFile(one).metadata.num_row_groups > 1
    _same(run("progress", distributed_mod.read_clients(folder, files=2), shuffle=False),
          ba.progress(log, by="client"))
