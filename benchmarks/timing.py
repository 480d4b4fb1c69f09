"""Timing two callables against each other: interleaved runs, medians, a time budget.

:func:`compare` runs bactivate's side ("ours") and the plain-pandas baseline
alternately (baseline, ours, baseline, ours, ...) so that a change in the
machine's load during the run touches both sides alike, and reports the median
of each side's runs.

* **Warm-up.** Each side's first run is a warm-up and is dropped when it is
  short (under ``warmup_below`` seconds): it pays for first imports and cold
  caches. A long first run is kept as a sample -- the one-off costs are small
  beside it, and repeating it would cost minutes.
* **Budget.** Each side gets up to ``repeat`` timed runs, but stops early once
  another run would take its total over ``budget`` seconds (at least
  ``min_runs`` runs always happen, default 1).
* **Clear verdicts.** When a *target* is given, bactivate's side also stops
  once its median is more than ``far`` (3) times the target ratio over the
  baseline's median and a run takes more than a tenth of the budget: more
  runs of a 20x workload cannot change a verdict against a 1.5x target, and
  would cost minutes. Cheap workloads always get their runs; the baseline
  always gets its runs.

The table and the JSON say how many runs each side got and why a side
stopped early (``stopped``).

A callable may return :class:`Elapsed` to report a time it measured itself
(e.g. an import timed inside a fresh interpreter) instead of the wall time of
the call.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Elapsed:
    """A time measured by the callable itself (seconds), used instead of the wall time."""

    seconds: float
    result: object = None


@dataclass
class Side:
    times: list[float] = field(default_factory=list)
    warmup: float | None = None
    result: object = None
    stopped: str = ""  # why the side stopped before `repeat` runs: "budget" or "far from target"

    @property
    def median(self) -> float:
        return statistics.median(self.times) if self.times else float("nan")


def _run(fn: Callable) -> tuple[float, object]:
    gc.collect()
    t0 = time.perf_counter()
    out = fn()
    t1 = time.perf_counter()
    if isinstance(out, Elapsed):
        return out.seconds, out.result
    return t1 - t0, out


def compare(ours: Callable, base: Callable | None, *, repeat: int, budget: float,
            warmup_below: float = 2.0, keep_results: bool = False, target: float | None = None,
            far: float = 3.0, min_runs: int = 1) -> tuple[Side, Side | None]:
    """Time *ours* and *base* alternately; see the module docstring."""
    sides = {"base": Side() if base is not None else None, "ours": Side()}
    fns = {"base": base, "ours": ours}

    def step(name: str) -> bool:
        side, fn = sides[name], fns[name]
        if side is None or len(side.times) >= repeat or side.stopped:
            return False
        if len(side.times) >= max(1, min_runs) and sum(side.times) + side.median > budget:
            side.stopped = "budget"
            return False
        other = sides["base"]
        if (name == "ours" and target is not None and side.times and other is not None and other.times
                and side.median > far * target * other.median and side.median > budget / 10):
            side.stopped = "far from target"
            return False
        first = side.warmup is None and not side.times
        t, out = _run(fn)
        if first and t < warmup_below:
            side.warmup = t  # a warm-up: dropped
        else:
            side.times.append(t)
        side.result = out if keep_results else None
        del out
        return True

    while True:
        ran_base = step("base")
        ran_ours = step("ours")
        if not (ran_base or ran_ours):
            break
    return sides["ours"], sides["base"]
