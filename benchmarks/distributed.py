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

Not here yet: a row on a cohort about three times the memory limit of a
``dask.distributed`` worker. Tried (a 3.1 GB cohort of 7,000 clients, one worker limited
to 1 GB): the worker passed 95% of its limit and was restarted again and again, the run
never finished; see ``docs/scale.md``.

Dask is optional (``pip install "bactivate[dask]"``); without it the rows are skipped
with a message.
"""

from __future__ import annotations

import shutil

import pandas as pd

from benchmarks.context import Context, quiet
from benchmarks.loading import loaded_cohort
from benchmarks.results import Row

T = 1.5  # the Dask path within 1.5x of pandas on a cohort that fits in memory
ANALYSES = ("client_summary", "progress", "balance", "mood_by_activity")
PARTS = 8  # D-dataset: partitions (groups of client files); one per client file is one call per client


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
        lambda: {n: on_dask(n, dd.read_parquet(folder), shuffle=False, npartitions=PARTS)
                 for n in ANALYSES},
        lambda: (lambda c: {n: f(c) for n, f in plain.items()})(quiet(ba.read_cohort)(folder)),
        keep_results=True)
    ctx.add(Row("D-dataset", "dataset by client: read + 4 analyses on Dask", ours.times, base.times, None,
                base_label="read_cohort(dataset) + the 4 pandas calls",
                same_numbers=_equal(ours.result, base.result),
                note=f"dask.dataframe.read_parquet(folder), run(..., shuffle=False, npartitions={PARTS}) "
                     "(one file per client, neighbours joined); no target"), ours, base)
