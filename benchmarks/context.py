"""What every workload needs: the workload files, the run's settings, shared results."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.results import Row
from benchmarks.timing import Side, compare
from benchmarks.workloads import Workloads

ROOT = Path(__file__).resolve().parents[1]
_SNAPSHOT: Path | None = None


def snapshot_sources(rev: str | None = None) -> Path:
    """Copy ``bactivate/``, ``notebooks/`` and ``benchmarks/`` to a temporary folder and import from it.

    The whole run -- this process and every child (memory, report, import
    timings, the report's kernel) -- then measures the package as it was when
    the run started, even while someone edits the working tree. With *rev*
    (a git revision, e.g. ``HEAD``) ``bactivate/`` and ``notebooks/`` come from
    that commit instead of the working tree. Must be called before anything
    imports bactivate.
    """
    global _SNAPSHOT
    if "bactivate" in sys.modules:
        raise RuntimeError("bactivate was imported before the source snapshot was taken")
    dest = Path(tempfile.mkdtemp(prefix="bactivate-bench-src-"))
    skip = shutil.ignore_patterns("__pycache__", "_work", "*.pyc", ".ipynb_checkpoints")
    shutil.copytree(ROOT / "benchmarks", dest / "benchmarks", ignore=skip)
    if rev is not None:
        import io
        import subprocess
        import tarfile

        data = subprocess.run(["git", "archive", "--format=tar", rev, "bactivate", "notebooks"], cwd=ROOT,
                              capture_output=True, check=True).stdout
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            tar.extractall(dest, filter="data")
    else:
        shutil.copytree(ROOT / "bactivate", dest / "bactivate", ignore=skip)
        if (ROOT / "notebooks").is_dir():
            shutil.copytree(ROOT / "notebooks", dest / "notebooks", ignore=skip)
    if (dest / "notebooks").is_dir():  # shipped as bactivate.notebooks (see pyproject.toml)
        shutil.copytree(dest / "notebooks", dest / "bactivate" / "notebooks")
    _SNAPSHOT = dest
    sys.path.insert(0, str(dest))
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(dest), os.environ.get("PYTHONPATH")) if p)
    return dest


def drop_snapshot() -> None:
    if _SNAPSHOT is not None:
        shutil.rmtree(_SNAPSHOT, ignore_errors=True)


def child_cwd() -> Path:
    """Where child processes run (``python -m benchmarks.x`` must find the same code)."""
    return _SNAPSHOT or ROOT


@dataclass
class Context:
    workloads: Workloads
    repeat: int
    budget: float  # seconds per side and workload
    quick: bool
    rows: list[Row] = field(default_factory=list)
    shared: dict = field(default_factory=dict)

    def say(self, msg: str) -> None:
        print(msg, flush=True)

    def time(self, ours, base, *, keep_results: bool = False, repeat: int | None = None,
             budget: float | None = None, warmup_below: float | None = None,
             target: float | None = None, min_runs: int = 1) -> tuple[Side, Side | None]:
        budget = budget or self.budget
        if warmup_below is None:
            warmup_below = min(2.0, budget / 10)
        return compare(ours, base, repeat=repeat or self.repeat, budget=budget,
                       warmup_below=warmup_below, keep_results=keep_results, target=target,
                       min_runs=min_runs)

    def add(self, row: Row, ours: Side | None = None, base: Side | None = None) -> Row:
        """Record *row*; *ours* and *base* are the timed sides, for why one stopped early."""
        row.stopped = {k: s.stopped for k, s in (("ours", ours), ("base", base)) if s is not None and s.stopped}
        self.rows.append(row)
        ratio = "-" if row.ratio != row.ratio else f"{row.ratio:.2f}x"
        verdict = {True: "met", False: "NOT met", None: "no target"}[row.met]
        unit = row.unit
        self.say(f"  {row.id:<14} ours {row.ours_median:10.3f} {unit}  baseline {row.base_median:10.3f} {unit}"
                 f"  ratio {ratio:>8}  ({verdict}; runs {len(row.ours)}/{len(row.base)})"
                 + (f"  same numbers: {row.same_numbers}" if row.same_numbers is not None else ""))
        return row


def quiet(fn):
    """*fn* with warnings silenced (a loader's LogWarning must not flood the output)."""

    def wrapper(*a, **k):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(*a, **k)

    return wrapper


def python() -> str:
    return sys.executable
