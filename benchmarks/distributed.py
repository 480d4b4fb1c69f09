"""D: the per-client analyses on Dask (:mod:`bactivate.cohort.distributed`) against the pandas calls.

* ``D-dask`` -- W4's cohort in memory: ``client_summary``, ``progress(by="client")``,
  ``balance`` and ``mood_by_activity`` (``by=["client", "activity"]``) run on Dask
  (``run(name, log)``: the log dealt to partitions by client, Dask's local threaded
  scheduler) against the same four pandas calls. Target 1.5x. Same numbers: every
  table equal (``assert_frame_equal``).
* ``D-dataset`` -- no target: the same cohort written once with
  ``write_log(log, folder, partition_by="client")``; Dask reads it
  (``dask.dataframe.read_parquet``) and runs the four analyses without a shuffle,
  against ``read_cohort(folder)`` and the four pandas calls.
* ``D-beyond`` -- no target (full run only, with ``dask.distributed`` installed): a
  cohort whose frame is about three times the memory limit of a local cluster's one
  worker, written as a dataset in batches, and ``client_summary`` and ``progress``
  run on the cluster; the driver (which has the memory) checks the tables against
  pandas on the whole cohort, and the ratio is to that pandas time.

Dask is optional (``pip install "bactivate[dask]"``); without it the rows are skipped
with a message.
"""

from __future__ import annotations

import shutil
import time

import pandas as pd

from benchmarks.context import Context, quiet
from benchmarks.loading import loaded_cohort
from benchmarks.results import Row

T = 1.5  # the Dask path within 1.5x of pandas on a cohort that fits in memory
ANALYSES = ("client_summary", "progress", "balance", "mood_by_activity")
WORKER_LIMIT_MB = 600  # D-beyond: the worker's memory limit
BEYOND_FACTOR = 3  # D-beyond: the cohort's frame over the worker's limit


def _pandas(names=ANALYSES):
    import bactivate as ba

    calls = {"client_summary": lambda log: ba.client_summary(log),
             "progress": lambda log: ba.progress(log, by="client"),
             "balance": lambda log: ba.balance(log, by=["client", "activity"]),
             "mood_by_activity": lambda log: ba.mood_by_activity(log, by=["client", "activity"])}
    return {n: quiet(calls[n]) for n in names}


def _equal(a: dict, b: dict) -> bool:
    try:
        for name in b:
            pd.testing.assert_frame_equal(a[name], b[name])
    except AssertionError:
        return False
    return True


def distributed(ctx: Context) -> None:
    try:
        import dask.dataframe as dd
    except ImportError:
        ctx.say("D   skipped: dask is not installed (pip install 'bactivate[dask]')")
        return
    import bactivate as ba
    from bactivate.cohort.distributed import run
    from bactivate.io.write import write_log

    log = loaded_cohort(ctx)
    ctx.say(f"D   the per-client analyses on Dask ({len(log):,} rows, "
            f"{log['client'].nunique():,} clients, {log.memory_usage(deep=True).sum() / 1e6:.0f} MB)")
    plain = _pandas()
    on_dask = quiet(run)
    ours, base = ctx.time(lambda: {n: on_dask(n, log) for n in ANALYSES},
                          lambda: {n: f(log) for n, f in plain.items()}, keep_results=True, target=T)
    ctx.add(Row("D-dask", "4 per-client analyses on Dask, in memory (local threads)", ours.times,
                base.times, T, base_label="the same 4 pandas calls", same_numbers=_equal(ours.result, base.result),
                note="client_summary, progress(by='client'), balance and mood_by_activity "
                     "(by=['client', 'activity']); every table compared whole"), ours, base)

    folder = ctx.workloads.folder / "dataset"
    if not folder.is_dir():
        tmp = folder.with_name(".tmp-dataset")
        shutil.rmtree(tmp, ignore_errors=True)
        write_log(log, tmp, partition_by="client")
        tmp.rename(folder)
    ours, base = ctx.time(
        lambda: {n: on_dask(n, dd.read_parquet(folder), shuffle=False) for n in ANALYSES},
        lambda: (lambda c: {n: f(c) for n, f in plain.items()})(quiet(ba.read_cohort)(folder)),
        keep_results=True)
    ctx.add(Row("D-dataset", "dataset by client: read + 4 analyses on Dask", ours.times, base.times, None,
                base_label="read_cohort(dataset) + the 4 pandas calls",
                same_numbers=_equal(ours.result, base.result),
                note="dask.dataframe.read_parquet(folder), run(..., shuffle=False) (one file per "
                     "client); no target"), ours, base)
    if ctx.quick:
        ctx.say("  D-beyond skipped in a quick run (it builds a cohort of ~2 GB)")
        return
    beyond(ctx)


def _build_big(ctx: Context, folder, limit_mb: float) -> float:
    """Write a cohort of about BEYOND_FACTOR x *limit_mb* (in memory) as one dataset; its MB."""
    import json

    import bactivate as ba
    from bactivate.io.write import write_log

    done = folder / "size_mb.txt"
    if done.exists():
        return float(done.read_text())
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    total, batch = 0.0, 0
    while total < BEYOND_FACTOR * limit_mb:
        log, _ = ba.synth.cohort(n_clients=500, weeks=26, seed=1000 + batch, entries_per_day=12)
        log["client"] = f"B{batch:03d}-" + log["client"].astype("str")
        log.attrs = {}
        total += log.memory_usage(deep=True).sum() / 1e6
        part = write_log(log, folder / f".batch{batch}", partition_by="client")
        for d in part.iterdir():
            if d.is_dir():
                d.rename(folder / d.name)
        (folder / "_bactivate.json").write_text(json.dumps({"scales": {}, "columns": list(log.columns),
                                                            "roster": None}))
        shutil.rmtree(part)
        batch += 1
        ctx.say(f"  D-beyond: {total:,.0f} MB written")
    done.write_text(f"{total:.1f}")
    return total


def beyond(ctx: Context) -> None:
    """D-beyond: a cohort ~3x a Dask worker's memory limit, on a local cluster."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        ctx.say("  D-beyond skipped: dask.distributed is not installed")
        return
    import dask.dataframe as dd

    import bactivate as ba
    from bactivate.cohort.distributed import run

    folder = ctx.workloads.root / f"beyond-{WORKER_LIMIT_MB}mb-x{BEYOND_FACTOR}"
    size = _build_big(ctx, folder, WORKER_LIMIT_MB)
    names = ("client_summary", "progress")
    with LocalCluster(n_workers=1, threads_per_worker=1, memory_limit=f"{WORKER_LIMIT_MB}MB",
                      processes=True, dashboard_address=None) as cluster, Client(cluster):
        t = time.perf_counter()
        ours = {n: quiet(run)(n, dd.read_parquet(folder), shuffle=False) for n in names}
        t_ours = time.perf_counter() - t
        peak = max(w.get("memory", 0) for w in cluster.scheduler_info["workers"].values()) / 1e6 \
            if cluster.scheduler_info.get("workers") else float("nan")
    t = time.perf_counter()
    cohort = quiet(ba.read_cohort)(folder)
    plain = _pandas(names)
    base = {n: f(cohort) for n, f in plain.items()}
    t_base = time.perf_counter() - t
    ctx.add(Row("D-beyond", f"cohort of {size:,.0f} MB on 1 worker limited to {WORKER_LIMIT_MB} MB",
                [t_ours], [t_base], None, base_label="read_cohort + the 2 pandas calls (driver, in memory)",
                same_numbers=_equal(ours, base),
                note=f"{len(cohort):,} rows, {cohort['client'].nunique():,} clients; client_summary and "
                     f"progress(by='client') on a dask.distributed LocalCluster (1 worker, 1 thread, "
                     f"memory_limit={WORKER_LIMIT_MB} MB; worker memory at the end {peak:.0f} MB); no target",
                extra={"cohort_mb": size, "worker_limit_mb": WORKER_LIMIT_MB}))
