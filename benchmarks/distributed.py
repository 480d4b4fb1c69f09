"""D: the per-client analyses on Dask (:mod:`bactivate.cohort.distributed`) against the pandas calls.

* ``D-dask`` -- W4's cohort in memory: ``client_summary``, ``progress(by="client")``,
  ``balance`` and ``mood_by_activity`` (``by=["client", "activity"]``) run on Dask
  (``run(name, log)``: the log dealt to partitions by client, Dask's local threaded
  scheduler) against the same four pandas calls. Target 1.5x. Same numbers: every
  table equal (``assert_frame_equal``).
* ``D-dataset`` -- no target: the same cohort written once with
  ``write_log(log, folder, partition_by="client")``; Dask reads it in PARTS partitions of
  whole client files (``read_clients``; until 2026-12-07 ``dask.dataframe.read_parquet``
  with ``npartitions=PARTS``, 7.4-8.6x) and runs the four analyses without a shuffle,
  against ``read_cohort(folder)`` and the four pandas calls.
* ``D-beyond`` -- no target; full runs only, with ``dask.distributed``: a cohort whose
  log is about three times the memory limit of each worker of a ``LocalCluster``
  (BEYOND_WORKERS processes of one thread, BEYOND_LIMIT_MB each), written once as a
  dataset by client in batches of clients (:func:`build_beyond`, kept under
  ``benchmarks/_work``), read with ``read_clients(folder, files=BEYOND_FILES)``
  (partitions = groups of whole client files, one pyarrow read each) and the four
  analyses run with ``shuffle=False``. Recorded: the log's size in memory (as
  ``read_cohort`` reads it, and summed over the Dask partitions), the workers' limit
  and peak (``VmHWM``, and RSS sampled every 0.25 s), whether a worker was
  restarted, and the pandas path (``read_cohort`` + the four calls in the driver, which
  has the memory): its time, its peak above its start, and every table compared.

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
PARTS = 8  # D-dataset: partitions (groups of whole client files)


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
        import dask.dataframe  # noqa: F401  (the Dask path needs it)
    except ImportError:
        ctx.say("D   skipped: dask is not installed (pip install 'bactivate[dask]')")
        return
    import bactivate as ba
    from bactivate.cohort.distributed import read_clients, run
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
    files = -(-log["client"].nunique() // PARTS)  # client files per partition
    ours, base = ctx.time(
        lambda: {n: on_dask(n, read_clients(folder, files=files), shuffle=False) for n in ANALYSES},
        lambda: (lambda c: {n: f(c) for n, f in plain.items()})(quiet(ba.read_cohort)(folder)),
        keep_results=True)
    ctx.add(Row("D-dataset", "dataset by client: read + 4 analyses on Dask", ours.times, base.times, None,
                base_label="read_cohort(dataset) + the 4 pandas calls",
                same_numbers=_equal(ours.result, base.result),
                note=f"read_clients(folder, files={files}) ({PARTS} partitions of whole client files, one "
                     "pyarrow read each), run(..., shuffle=False); no target"), ours, base)
    if ctx.quick:
        ctx.say("  D-beyond skipped in a quick run (it builds a 3 GB cohort)")
        return
    beyond(ctx)


# --------------------------------------------------------------------------- D-beyond

BEYOND_WORKERS = 2  # D-beyond: a LocalCluster of this many worker processes, one thread each
BEYOND_LIMIT_MB = 850  # ... each limited to this much memory: read_cohort's frame of the cohort is ~3.1x
BEYOND_BUILD_MB = 3000  # the cohort built: synth's frames of its batches, summed (read_cohort's: 2,640 MB)
BEYOND_BATCH = 500  # clients per synth batch (26 weeks, 12 entries a day: ~116 MB in memory)
BEYOND_FILES = 64  # client files per partition (read_clients): ~15 MB of log in memory
# the pandas side of D-beyond (read_cohort + the 4 calls on the whole cohort) peaked at 15.9 GB of
# resident memory on the 4 GB cohort (balance's step; 19:35 UTC 2026-12-07): run only with this free
BEYOND_PANDAS_NEEDS_MB = 18_000


def build_beyond(root, target_mb: float = BEYOND_BUILD_MB, say=print):
    """A dataset by client whose log is at least *target_mb* in memory; (folder, MB).

    Written in batches of BEYOND_BATCH clients (``synth.cohort`` with 26 weeks and 12 entries
    a day, clients ``B00-C001`` ...), each batch's ``client=...`` folders moved into one dataset,
    as ``docs/scale.md`` tells a user whose exports do not fit in memory. The MB are the sum of
    the batches' ``memory_usage(deep=True)`` as synth made them; the folder is kept (keyed by
    the target size) and only its ``_size_mb.txt`` says it is complete.
    """
    import bactivate as ba
    from bactivate.io.write import write_log

    folder = root / f"v1-beyond-{target_mb:.0f}mb-w26-e12-b{BEYOND_BATCH}"
    done = folder / "_size_mb.txt"  # "_": not a data file to Dask or pyarrow
    if done.exists():
        return folder, float(done.read_text())
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    total, batch = 0.0, 0
    while total < target_mb:
        log, _ = ba.synth.cohort(n_clients=BEYOND_BATCH, weeks=26, seed=1000 + batch, entries_per_day=12)
        log["client"] = f"B{batch:02d}-" + log["client"].astype("str")
        log.attrs = {}
        total += log.memory_usage(deep=True).sum() / 1e6
        part = write_log(log, folder / f".batch{batch}", partition_by="client")
        for d in part.iterdir():
            if d.is_dir():
                d.rename(folder / d.name)
        meta = part / "_bactivate.json"
        if not (folder / "_bactivate.json").exists():
            meta.rename(folder / "_bactivate.json")
        shutil.rmtree(part)
        batch += 1
        say(f"  D-beyond: {batch} batches, {total:,.0f} MB in memory written")
        del log
    done.write_text(f"{total:.1f}")
    return folder, total


class _Peak:
    """The largest resident memory of some processes, sampled every *every* seconds in a thread."""

    def __init__(self, sample, every: float = 0.25):
        import threading

        self.peak: dict = {}
        self._sample, self._every, self._stop = sample, every, threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                for k, v in self._sample().items():
                    self.peak[k] = max(self.peak.get(k, 0), v)
            except Exception:  # a worker restarting: its next sample counts
                pass
            self._stop.wait(self._every)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def _rss() -> int:
    import psutil

    return psutil.Process().memory_info().rss


def _max_rss() -> int:
    """The process's peak resident memory since it started (Linux: VmHWM of /proc/self/status).

    Not ``ru_maxrss``: a worker is forked from its nanny, forked from the driver, and Linux
    keeps the parent's high-water mark in ``ru_maxrss`` across fork and exec (it read 1,297 MB
    on a worker whose sampled RSS never passed 616 MB, in a driver holding W4's cohort).
    """
    from pathlib import Path

    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def _warm() -> int:
    import bactivate.cohort.distributed  # noqa: F401  (the imports a worker needs, before measuring)

    return 0


def _frame_mb(part: pd.DataFrame) -> pd.Series:
    return pd.Series([part.memory_usage(deep=True).sum() / 1e6])


def beyond(ctx: Context) -> None:
    """D-beyond: the four analyses of a cohort ~3x a Dask worker's memory limit, on a LocalCluster."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        ctx.say("  D-beyond skipped: dask.distributed is not installed")
        return
    import os
    import time

    import bactivate as ba
    from bactivate.cohort.distributed import read_clients, run

    folder, built_mb = build_beyond(ctx.workloads.root, say=ctx.say)
    on_dask = quiet(run)
    with LocalCluster(n_workers=BEYOND_WORKERS, threads_per_worker=1, processes=True,
                      memory_limit=f"{BEYOND_LIMIT_MB}MB", dashboard_address=None) as cluster, \
            Client(cluster) as client:
        client.run(_warm)
        pids = client.run(os.getpid)
        imports_mb = max(client.run(_rss).values()) / 1e6
        data = read_clients(folder, files=BEYOND_FILES)
        parts_mb = data.map_partitions(_frame_mb, meta=(None, "float64")).compute()
        with _Peak(lambda: client.run(_rss)) as sampled:
            t = time.perf_counter()
            ours = {n: on_dask(n, read_clients(folder, files=BEYOND_FILES), shuffle=False) for n in ANALYSES}
            t_ours = time.perf_counter() - t
        peak_mb = max(client.run(_max_rss).values()) / 1e6  # since the worker started, the reading above too
        sampled_mb = max(sampled.peak.values()) / 1e6
        restarted = client.run(os.getpid) != pids
    cohort_mb = float(parts_mb.sum())
    import psutil

    free_mb = psutil.virtual_memory().available / 1e6
    if free_mb < BEYOND_PANDAS_NEEDS_MB:  # the pandas side would take most of the machine
        ctx.say(f"  D-beyond: the pandas path needs ~{BEYOND_PANDAS_NEEDS_MB:,} MB, {free_mb:,.0f} MB "
                "available: not run (no ratio, tables not compared)")
        ctx.add(Row("D-beyond", f"4 analyses of a {cohort_mb:,.0f} MB cohort on {BEYOND_WORKERS} Dask "
                                f"workers of {BEYOND_LIMIT_MB} MB", [t_ours], [], None,
                    note=f"pandas path not run ({free_mb:,.0f} MB available); worker peak {peak_mb:,.0f} MB, "
                         f"restarted: {restarted}",
                    extra={"partitions_mb": cohort_mb, "worker_limit_mb": BEYOND_LIMIT_MB,
                           "worker_peak_mb": peak_mb, "worker_sampled_peak_mb": sampled_mb,
                           "worker_imports_mb": imports_mb, "restarted": restarted}))
        return
    with _Peak(lambda: {0: _rss()}) as driver:
        before = _rss()
        t = time.perf_counter()
        log = quiet(ba.read_cohort)(folder)
        base = {n: f(log) for n, f in _pandas().items()}
        t_base = time.perf_counter() - t
    log_mb = log.memory_usage(deep=True).sum() / 1e6
    rows, clients = len(log), log["client"].nunique()
    del log
    pandas_mb = (driver.peak[0] - before) / 1e6
    ctx.add(Row("D-beyond", f"4 analyses of a {log_mb:,.0f} MB cohort on {BEYOND_WORKERS} Dask workers of "
                            f"{BEYOND_LIMIT_MB} MB", [t_ours], [t_base], None,
                base_label="read_cohort + the 4 pandas calls (in the driver's memory)",
                same_numbers=_equal(ours, base),
                note=f"{rows:,} rows, {clients:,} clients, a dataset by client read with "
                     f"read_clients(files={BEYOND_FILES}), run(..., shuffle=False) on a LocalCluster of "
                     f"{BEYOND_WORKERS} workers x 1 thread, memory_limit={BEYOND_LIMIT_MB} MB each; the log "
                     f"in memory {log_mb:,.0f} MB as read_cohort reads it ({log_mb / BEYOND_LIMIT_MB:.1f}x a "
                     f"worker's limit), {cohort_mb:,.0f} MB summed over the Dask partitions; worker peak "
                     f"{peak_mb:,.0f} MB (imports {imports_mb:,.0f} MB), restarted: {restarted}; the pandas "
                     f"path's peak {pandas_mb:,.0f} MB above its start; no target",
                extra={"log_mb": log_mb, "partitions_mb": cohort_mb, "built_mb": built_mb,
                       "worker_limit_mb": BEYOND_LIMIT_MB, "workers": BEYOND_WORKERS,
                       "worker_peak_mb": peak_mb, "worker_sampled_peak_mb": sampled_mb,
                       "worker_imports_mb": imports_mb, "restarted": restarted,
                       "pandas_peak_mb": pandas_mb, "rows": rows, "clients": clients}))
