"""Run the validation study: ``python -m validation.run --reps 1000 --out validation/results.csv``.

Simulates every cell of :func:`validation.measure.grid`, calls the *current*
``bactivate`` (whatever is importable: run it from the repository with the
project's venv), writes the tidy results CSV (and ``<out>.json`` with the run's
metadata: date, reps, seed, runtime, the bactivate commit measured), and with
``--doc docs/validation.md`` rewrites the table between the markers
``<!-- results:start -->`` and ``<!-- results:end -->`` of that page.

``--table-only`` rebuilds the page's table from an existing CSV without simulating;
``--before OLD.csv`` adds an earlier run's table below (before/after a model change).
``--raw FILE.parquet`` keeps one row per test, for a closer look.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from validation.measure import PHASE_TREND, PHIS, grid, rates, simulate, time_calls
from validation.simulate import KINDS

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- results:start -->", "<!-- results:end -->"


def git_commit() -> str:
    """The repository's HEAD commit, with "+ uncommitted changes to bactivate/" when there are some."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "bactivate"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" + uncommitted changes to bactivate/" if dirty else "")


def _commit_of(module) -> str:
    """:func:`git_commit` when *module* is this repository's, else where it was imported from."""
    where = Path(module.__file__).resolve().parent
    if where.parent == ROOT:
        return git_commit()
    return f"unknown (bactivate imported from {where}; pass --commit)"


def _fmt(r: float, se: float, met) -> str:
    if not np.isfinite(r):
        return "n/a"
    s = f"{r:.3f} ± {se:.3f}" if not se < 0.001 else f"{r:.3f} ± {se:.4f}"
    return f"**{s}**" if met is False else s


def markdown_table(res: pd.DataFrame) -> str:
    """The results as one Markdown table: a row per measure and kind, a column per phi.

    A rate that misses its target is in bold.
    """
    phis = sorted(res["phi"].unique())
    head = ["measure", "function", "kind", *(f"phi {p:g}" for p in phis), "target"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    keys = res[["measure", "function", "kind"]].drop_duplicates()
    for _, k in keys.iterrows():
        sub = res[(res["measure"] == k["measure"]) & (res["function"] == k["function"])
                  & (res["kind"] == k["kind"])].set_index("phi")
        cells = []
        for p in phis:
            if p in sub.index:
                row = sub.loc[p]
                cells.append(_fmt(row["rate"], row["mc_se"], None if pd.isna(row["met"]) else bool(row["met"])))
            else:
                cells.append("")
        targets = [t for t in sub["target"].fillna("").astype(str).unique() if t]
        target = _target_text(k["measure"], k["function"], sub)
        if not target:
            target = ", ".join(targets)
        measure = k["measure"]
        if "effect" in sub.columns and k["measure"].startswith(("95% CI covers the effect", "power")):
            measure = f"{measure} ({sub['effect'].iloc[0]:g})"
        lines.append("| " + " | ".join([measure, f"`{k['function']}`", k["kind"], *cells, target]) + " |")
    return "\n".join(lines)


def _target_text(measure: str, function: str, sub: pd.DataFrame) -> str:
    """The target in words for the table's last column."""
    t = set(sub["target"].fillna("").astype(str)) - {""}
    if not t:
        return "(no target)"
    if t == {"0.05 +/- 2 SE"}:
        return "0.05 within 2 MC SE"
    if t == {">=0.93"}:
        return "≥ 0.93"
    if t == {"0"}:
        return "0"
    if t == {"<=0.05"}:
        return "≤ 0.05 (BH's promise; not in Done means)"
    if function == "phase_effect":
        return "≤ 0.08 (phi 0.3), ≤ 0.10 (phi 0.6)"
    return ", ".join(sorted(t))


def results_block(res: pd.DataFrame, meta: dict, before: tuple[pd.DataFrame, dict] | None = None) -> str:
    """The page's generated part: what was run, then the table (and, with *before*, an earlier run's)."""
    lines = [START, "", *_run_section(res, meta)]
    if before is not None:
        lines += ["", f"### For comparison: the run of {before[1]['date']} (`{before[1]['commit']}`)", "",
                  *_run_section(*before)]
    lines += ["", END]
    return "\n".join(lines)


def _run_section(res: pd.DataFrame, meta: dict) -> list[str]:
    """One run: what was run, then its table."""
    t = meta.get("seconds_per_call", {})
    lines = [
        f"Run {meta['date']} against bactivate {meta['version']} at commit `{meta['commit']}`: "
        f"{meta['reps']} reps per cell, seed {meta['seed']}, {meta['weeks']} weeks, "
        f"{'integer' if meta['integer'] else 'continuous'} ratings, {meta['workers']} worker(s), "
        f"{meta['runtime_s'] / 60:.1f} minutes "
        f"(`python -m validation.run --reps {meta['reps']} --seed {meta['seed']} --workers {meta['workers']}`).",
    ]
    if t:
        lines.append(f"Per call: simulate and build the log {1000 * t['simulate_and_log']:.0f} ms, "
                     f"`mood_by_activity` {1000 * t['mood_by_activity']:.0f} ms, "
                     f"`phase_effect` {1000 * t['phase_effect']:.0f} ms (median, on the machine of the run); "
                     f"`mood_by_activity` on many clients at once (`by=['client', 'activity']`, "
                     f"{'not ' if meta.get('per_client') else ''}used by this run) "
                     f"{1000 * t.get('mood_by_activity_batched', np.nan):.1f} ms per client.")
    lines += ["", "Each entry is the rate ± its Monte Carlo SE; **bold** misses its target.", "",
              markdown_table(res)]
    return lines


DOC_SKELETON = f"""# Validation study

(Generated skeleton: describe the study here; `python -m validation.run --doc` rewrites only the part
between the markers.)

{START}
{END}
"""


def read_results(csv: Path) -> tuple[pd.DataFrame, dict]:
    """A results CSV and its metadata (the ``.json`` beside it)."""
    res = pd.read_csv(csv, keep_default_na=False, na_values=[""])
    res["met"] = res["met"].map({"True": True, "False": False, True: True, False: False}).astype("boolean")
    return res, json.loads(csv.with_suffix(".json").read_text())


def write_doc(path: Path, res: pd.DataFrame, meta: dict, before: tuple[pd.DataFrame, dict] | None = None) -> None:
    """Replace the generated part of *path* (created from a skeleton when missing)."""
    text = path.read_text() if path.exists() else DOC_SKELETON
    if START not in text or END not in text:
        text = text.rstrip() + "\n\n" + START + "\n" + END + "\n"
    pre, rest = text.split(START, 1)
    _, post = rest.split(END, 1)
    path.write_text(pre + results_block(res, meta, before) + post)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m validation.run", description=__doc__.split("\n\n")[0],
                                 allow_abbrev=False)
    ap.add_argument("--reps", type=int, default=200, help="simulated clients per cell (default 200)")
    ap.add_argument("--out", type=Path, default=ROOT / "validation" / "results.csv", help="results CSV")
    ap.add_argument("--doc", type=Path, default=None, help="Markdown page whose table to rewrite")
    ap.add_argument("--raw", type=Path, default=None, help="also write one row per test (Parquet)")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--weeks", type=int, default=8, choices=(4, 8, 12))
    ap.add_argument("--integer", action="store_true", help="whole-number mood ratings")
    ap.add_argument("--phis", type=float, nargs="+", default=list(PHIS))
    ap.add_argument("--kinds", nargs="+", default=list(KINDS), choices=KINDS,
                    help="kinds of the tested activity (mood_by_activity cells)")
    ap.add_argument("--effect", type=float, default=0.5, help="effect of the tested activity (default 0.5)")
    ap.add_argument("--phase-trend", type=float, default=PHASE_TREND,
                    help=f"baseline trend of the phase cells with a trend, points/week (default {PHASE_TREND})")
    ap.add_argument("--no-phase", action="store_true", help="leave out the phase_effect cells")
    ap.add_argument("--workers", type=int, default=1, help="processes (default 1)")
    ap.add_argument("--chunk", type=int, default=50, help="reps per job (default 50)")
    ap.add_argument("--per-client", action="store_true",
                    help="call mood_by_activity on each client's log (default: one call per job, "
                         "by=['client', 'activity'])")
    ap.add_argument("--table-only", action="store_true", help="rebuild --doc's table from --out, no simulation")
    ap.add_argument("--before", type=Path, default=None,
                    help="an earlier results CSV (e.g. validation/results-before-issue16.csv) whose table "
                         "--doc shows after this run's")
    ap.add_argument("--commit", default=None,
                    help="the commit of the bactivate measured, when it is not this repository's working tree "
                         "(e.g. a `git archive` of a commit on PYTHONPATH)")
    a = ap.parse_args(argv)

    before = read_results(a.before) if a.before else None
    if a.table_only:
        if a.doc is None:
            ap.error("--table-only needs --doc")
        write_doc(a.doc, *read_results(a.out), before)
        return 0

    import bactivate as ba

    cells = grid(a.phis, a.kinds, a.effect, a.phase_trend, phase=not a.no_phase)
    per_call = time_calls(10, weeks=a.weeks)
    mba = per_call["mood_by_activity" if a.per_client else "mood_by_activity_batched"]
    cost = {"mood_by_activity": mba, "phase_effect": per_call["phase_effect"]}
    est = a.reps * sum(per_call["simulate_and_log"] + cost[c.function] for c in cells) / max(a.workers, 1)
    print(f"{len(cells)} cells x {a.reps} reps; about {est / 60:.1f} min at "
          f"{1000 * per_call['mood_by_activity']:.0f} ms per mood_by_activity call "
          f"and {1000 * per_call['phase_effect']:.0f} ms per phase_effect call", file=sys.stderr)
    t0 = time.perf_counter()

    def progress(done, total):
        print(f"\r{done}/{total} jobs, {time.perf_counter() - t0:.0f} s", end="", file=sys.stderr, flush=True)

    records = simulate(cells, a.reps, seed=a.seed, weeks=a.weeks, integer=a.integer, workers=a.workers,
                       chunk=a.chunk, per_client=a.per_client, progress=progress)
    runtime = time.perf_counter() - t0
    print(file=sys.stderr)
    res = rates(records)
    meta = {"date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"), "reps": a.reps, "seed": a.seed,
            "weeks": a.weeks, "integer": a.integer, "workers": a.workers, "runtime_s": round(runtime, 1),
            "cells": len(cells), "effect": a.effect, "phase_trend": a.phase_trend,
            "commit": a.commit or _commit_of(ba), "version": ba.__version__,
            "bactivate_path": str(Path(ba.__file__).parent), "python": platform.python_version(),
            "numpy": np.__version__, "pandas": pd.__version__, "seconds_per_call": per_call,
            "per_client": a.per_client,
            "seconds_per_rep": runtime * max(a.workers, 1) / (a.reps * len(cells))}
    a.out.parent.mkdir(parents=True, exist_ok=True)
    res.to_csv(a.out, index=False, float_format="%.5g")
    a.out.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n")
    if a.raw:
        records.to_parquet(a.raw, index=False)
    if a.doc:
        write_doc(a.doc, res, meta, before)
    with pd.option_context("display.width", 200, "display.max_rows", 200):
        print(res[["measure", "function", "kind", "phi", "reps", "rate", "mc_se", "target", "met"]]
              .to_string(index=False))
    print(f"{runtime:.0f} s for {a.reps} reps x {len(cells)} cells ({meta['commit']})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
