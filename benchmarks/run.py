"""The command line: ``python -m benchmarks [--quick] [--only W1,W2] [--repeat N]``."""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import importlib
import os
import platform
import subprocess
import sys
import time
import traceback
from pathlib import Path

from benchmarks.context import ROOT, Context, drop_snapshot, snapshot_sources
from benchmarks.results import table, write_json
from benchmarks.workloads import FULL, QUICK, WORK, Workloads

# id -> (module, function); run in this order (L reuses W2's times, W4 its loaded cohort)
STEPS = {
    "W1": ("benchmarks.loading", "w1"),
    "W2": ("benchmarks.loading", "w2"),
    "L": ("benchmarks.loading", "scaling"),
    "W3": ("benchmarks.loading", "w3"),
    "W4": ("benchmarks.analyses", "w4"),
    "D": ("benchmarks.distributed", "distributed"),  # the per-client analyses on Dask
    "M": ("benchmarks.memory", "memory"),
    "W5": ("benchmarks.notebook", "w5"),
    "I": ("benchmarks.imports", "imports"),
}


def _versions() -> dict:
    import numpy
    import pandas
    import pyarrow
    import scipy
    import statsmodels

    import bactivate

    return {"python": platform.python_version(), "pandas": pandas.__version__,
            "numpy": numpy.__version__, "pyarrow": pyarrow.__version__, "scipy": scipy.__version__,
            "statsmodels": statsmodels.__version__, "bactivate": bactivate.__version__,
            "bactivate_imported_from": str(Path(bactivate.__file__).parent)}


def _git() -> dict:
    def run(*args):
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                                  timeout=10).stdout
        except (OSError, subprocess.SubprocessError):
            return ""

    dirty = [line[3:] for line in run("status", "--porcelain", "--", "bactivate").splitlines() if line]
    return {"head": run("rev-parse", "--short", "HEAD").strip(), "bactivate_uncommitted": dirty}


def _git_rev(rev: str) -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", rev], cwd=ROOT, capture_output=True,
                              text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def source_hash(root: Path = ROOT) -> str:
    """A hash of bactivate's source files, to tell whether the package changed during a run."""
    h = hashlib.sha1()
    for f in sorted((root / "bactivate").rglob("*.py")):
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:12]


def _machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"cpu": cpu, "cores_usable": usable, "cpu_count": os.cpu_count(),
            "platform": platform.platform(), "loadavg_start": os.getloadavg()}


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks",
                                description="bactivate's speed and memory against plain pandas, as ratios.")
    p.add_argument("--quick", action="store_true",
                   help=f"smoke run: {QUICK.n_clients} clients x {QUICK.weeks} weeks, one run each")
    p.add_argument("--only", default="", help=f"comma-separated workloads: {','.join(STEPS)}")
    p.add_argument("--repeat", type=int, default=None,
                   help="timed runs per side and workload (default 5; 1 with --quick)")
    p.add_argument("--budget", type=float, default=None,
                   help="seconds per side and workload after which no further run starts "
                        "(default 40; 4 with --quick)")
    p.add_argument("--work", type=Path, default=WORK, help="where workload files are cached")
    p.add_argument("--json", type=Path, default=None, help="results file (default WORK/results.json)")
    p.add_argument("--strict", action="store_true", help="exit with status 1 when a target is not met")
    p.add_argument("--at", metavar="REV", default=None,
                   help="benchmark bactivate/ and notebooks/ as committed at this git revision "
                        "(e.g. HEAD), not the working tree")
    p.add_argument("--no-snapshot", action="store_true",
                   help="import bactivate from the working tree throughout, instead of from a copy "
                        "taken at the start (edits made during the run then leak into it)")
    args = p.parse_args(argv)
    only = [s.strip().upper() for s in args.only.split(",") if s.strip()]
    unknown = [s for s in only if s not in STEPS]
    if unknown:
        p.error(f"unknown workload(s) {unknown}; choose from {','.join(STEPS)}")
    args.only = only or list(STEPS)
    if args.repeat is None:
        args.repeat = 1 if args.quick else 5
    if args.repeat < 1:
        p.error("--repeat must be at least 1")
    if args.budget is None:
        args.budget = 4.0 if args.quick else 40.0
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    t0 = time.perf_counter()
    if args.at and args.no_snapshot:
        raise SystemExit("--at and --no-snapshot exclude each other")
    snap = None if args.no_snapshot else snapshot_sources(args.at)
    try:
        return _run(args, snap, t0)
    finally:
        drop_snapshot()


def _run(args: argparse.Namespace, snap: Path | None, t0: float) -> int:
    sizes = QUICK if args.quick else FULL
    ctx = Context(Workloads(sizes, root=args.work), repeat=args.repeat, budget=args.budget,
                  quick=args.quick)
    meta = {"date": dt.datetime.now().isoformat(timespec="seconds"), "quick": args.quick,
            "repeat": args.repeat, "budget_s": args.budget, "only": args.only,
            "sizes": ctx.workloads.describe(), "machine": _machine(), "versions": _versions(),
            "git": _git(), "bactivate_source_hash": source_hash(snap or ROOT),
            "snapshot": snap is not None, "at": args.at,
            "at_commit": _git_rev(args.at) if args.at else None}
    where = (f"bactivate at {args.at} ({meta['at_commit']})" if args.at else
             "bactivate from a copy of the working tree" if snap else "bactivate from the working tree")
    ctx.say(f"bactivate benchmarks ({'quick' if args.quick else 'full'}), {where}: {', '.join(args.only)}; "
            f"up to {args.repeat} runs per side, {args.budget:g} s budget per side; "
            f"pandas {meta['versions']['pandas']}, {meta['machine']['cores_usable']} cores")
    # the heavy modules both sides use are imported before any timing
    import pyarrow.parquet  # noqa: F401
    import python_calamine  # noqa: F401
    import statsmodels.formula.api  # noqa: F401

    failed = {}
    for step in [s for s in STEPS if s in args.only]:
        module, func = STEPS[step]
        t = time.perf_counter()
        try:
            getattr(importlib.import_module(module), func)(ctx)
        except Exception as exc:  # one failing workload must not lose the others' results
            failed[step] = f"{type(exc).__name__}: {exc}"
            ctx.say(f"  {step} FAILED: {failed[step]}")
            traceback.print_exc()
        ctx.say(f"  ({step} took {time.perf_counter() - t:.0f} s)")
    meta["failed"] = failed
    meta["bactivate_source_hash_end"] = source_hash()
    if not args.at and meta["bactivate_source_hash_end"] != meta["bactivate_source_hash"]:
        ctx.say("NOTE: bactivate/ in the working tree changed during this run; " + (
            "the results are for the copy taken at the start (bactivate_source_hash)" if snap else
            "the results mix versions (modules imported later, and child processes, saw the edits)"))
    meta["machine"]["loadavg_end"] = os.getloadavg()
    meta["total_s"] = time.perf_counter() - t0
    out = write_json(args.json or args.work / "results.json", ctx.rows, meta)
    print()
    print(table(ctx.rows))
    met = [r.met for r in ctx.rows if r.met is not None]
    print(f"\n{sum(met)} of {len(met)} targets met; runs = timed runs of bactivate/baseline "
          f"(a slow side stops after {args.budget:g} s); total {meta['total_s']:.0f} s; results in {out}")
    if failed:
        print(f"FAILED workloads: {', '.join(failed)}", file=sys.stderr)
        return 2
    if args.strict and not all(met):
        return 1
    return 0
