"""Simulated clients through the public API, and the rates the study reports.

The study is a grid of *cells*. A ``mood`` cell is (phi, kind of the tested
activity, effect): every rep simulates one client (:func:`validation.simulate.simulate_client`),
turns it into a tidy log and calls ``ba.mood_by_activity(log)`` with its
defaults, as a user would; one record per activity keeps ``diff``, ``ci_low``,
``ci_high``, ``p`` and ``q``. A ``phase`` cell is (phi, trend): the client's log
(no effect) goes through ``ba.phase_effect(log, baseline=[1, 2],
treatment=[3, ..., weeks])`` and one record per effect row keeps its ``p``
(whatever rows the function returns: a new test shows up as a new row).

Seeds: rep *r* of cell *c* uses ``numpy.random.default_rng([seed, c, r])``, so
a rep's data do not depend on how the reps are split over processes, and a
cell's data do not depend on the other cells.

Monte Carlo SEs: a rate is a share of tests; when one rep holds several tests
of a kind (3 null independent activities per client, say) they share the mood
series and are not independent, so the SE treats reps as clusters:
``se = sqrt(R / (R - 1) * sum_r (s_r - rate * n_r)^2) / sum_r n_r`` (``s_r``
successes among the ``n_r`` tests of rep *r*). With one test per rep it is the
binomial ``sqrt(rate (1 - rate) / R)`` (times ``sqrt(R / (R - 1))``).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from validation.simulate import KINDS, NULL_MIX, simulate_client, to_log, to_logs

#: The lag-1 autocorrelations of the study.
PHIS: tuple[float, ...] = (0.0, 0.3, 0.6)
#: Effect of the tested activity in the effect cells (mood points; marginal SD of mood is 1.5).
EFFECT = 0.5
#: Baseline trend of the phase cells with a trend (mood points per week).
PHASE_TREND = 0.125
#: The significance level of every test.
ALPHA = 0.05


@dataclass(frozen=True)
class Cell:
    """One cell of the grid."""

    index: int  # position in the grid (part of every rep's seed)
    function: str  # "mood_by_activity" or "phase_effect"
    phi: float
    kind: str = "independent"  # kind of the tested activity (mood cells)
    effect: float = 0.0  # effect of the tested activity (mood cells)
    trend: float = 0.0  # mood points per week


def grid(phis=PHIS, kinds=KINDS, effect: float = EFFECT, phase_trend: float = PHASE_TREND,
         phase: bool = True) -> list[Cell]:
    """The study's cells.

    ``mood_by_activity``: phi x tested kind x {0, *effect*} with no trend, then
    one all-null cell per phi with mood rising *phase_trend* points a week (the
    tested activity rising too: activity and mood both grow over the weeks).
    ``phase_effect`` (with *phase*): phi x {no trend, *phase_trend*}, no effect.
    """
    cells = []
    for phi in phis:
        for kind in kinds:
            for eff in (0.0, effect):
                cells.append(Cell(len(cells), "mood_by_activity", phi, kind, eff))
    if phase_trend:
        for phi in phis:
            cells.append(Cell(len(cells), "mood_by_activity", phi, "rising", 0.0, phase_trend))
    if phase:
        for phi in phis:
            for trend in (0.0, phase_trend):
                cells.append(Cell(len(cells), "phase_effect", phi, trend=trend))
    return cells


def run_cell(cell: Cell, reps: range, *, seed: int = 2026, weeks: int = 8, integer: bool = False,
             baseline_weeks: int = 2, per_client: bool = False) -> pd.DataFrame:
    """Records of reps *reps* of *cell*: one row per test (activity, or effect index).

    ``mood_by_activity`` is called once for all the reps' clients together
    (``by=["client", "activity"]``, whose rows its docstring promises equal a
    call on each client's log alone; ``tests/test_validation.py`` checks that
    they do), or, with *per_client*, once per client's log.
    """
    import bactivate as ba

    rows = []
    clients = {}
    for r in reps:
        rng = np.random.default_rng([seed, cell.index, r])
        client = simulate_client(rng, weeks=weeks, phi=cell.phi, tested=cell.kind, effect=cell.effect,
                                 integer=integer)
        if cell.function == "mood_by_activity":
            client = client.with_trend(cell.trend) if cell.trend else client
            clients[r] = client
        else:
            log = to_log(client.with_trend(cell.trend) if cell.trend else client)
            res = ba.phase_effect(log, baseline=list(range(1, baseline_weeks + 1)),
                                  treatment=list(range(baseline_weeks + 1, weeks + 1)))
            rows.append(_phase_records(res, r))
    if clients and per_client:
        res = pd.concat([ba.mood_by_activity(to_log(c)).assign(rep=r) for r, c in clients.items()],
                        ignore_index=True)
        rows = [_mood_records(res, clients)]
    elif clients:
        logs = to_logs(list(clients.values()), [f"rep {r}" for r in clients])
        res = ba.mood_by_activity(logs, by=["client", "activity"])
        res["rep"] = res["client"].astype(object).str.slice(4).astype("int64")
        rows = [_mood_records(res, clients)]
    out = pd.concat(rows, ignore_index=True)
    for k, v in (("cell", cell.index), ("function", cell.function), ("phi", cell.phi),
                 ("tested_kind", cell.kind), ("effect", cell.effect), ("trend", cell.trend)):
        out[k] = v
    return out


def _mood_records(res: pd.DataFrame, clients: dict) -> pd.DataFrame:
    """One row per simulated activity of each rep: its kind, role, truth, and what mood_by_activity said.

    *res* holds mood_by_activity's rows with a ``rep`` column; *clients* maps rep -> Client.
    An activity missing from *res* keeps NaN results.
    """
    n_null = len(NULL_MIX)
    base = pd.DataFrame({
        "rep": np.repeat(np.fromiter(clients, dtype="int64"), n_null + 1),
        "activity": [a for c in clients.values() for a in c.names],
        "kind": [k for c in clients.values() for k in c.kinds],
        "role": (["null"] * n_null + ["tested"]) * len(clients),
        "truth": np.concatenate([c.truth for c in clients.values()]),
    })
    cols = [c for c in ("diff", "ci_low", "ci_high", "p", "q") if c in res.columns]
    got = pd.DataFrame({"rep": res["rep"].to_numpy("int64"), "activity": res["activity"].astype(object).to_numpy(),
                        **{c: res[c].to_numpy("float64", na_value=np.nan) for c in cols}})
    out = base.merge(got, on=["rep", "activity"], how="left")
    for c in ("diff", "ci_low", "ci_high", "p", "q"):
        if c not in out.columns:
            out[c] = np.nan
    return out


def _phase_records(res: pd.DataFrame, rep: int) -> pd.DataFrame:
    """One row per effect row of phase_effect (its name and p; NaN when no p is offered)."""
    p = res["p"].astype("float64") if "p" in res.columns else pd.Series(np.nan, index=res.index)
    return pd.DataFrame({"rep": rep, "activity": res["effect"].astype(object).to_numpy(),
                         "kind": res["effect"].astype(object).to_numpy(), "role": "null", "truth": 0.0,
                         "diff": res["estimate"].astype("float64").to_numpy() if "estimate" in res else np.nan,
                         "ci_low": np.nan, "ci_high": np.nan, "p": p.to_numpy(), "q": np.nan})


# --------------------------------------------------------------------------- running


def _work(args):
    """Pool worker: one chunk of one cell (BLAS kept to one thread: the pool is the parallelism)."""
    cell, start, stop, kw = args
    return run_cell(cell, range(start, stop), **kw)


def simulate(cells: list[Cell], reps: int, *, seed: int = 2026, weeks: int = 8, integer: bool = False,
             workers: int = 1, chunk: int = 50, per_client: bool = False, progress=None) -> pd.DataFrame:
    """Records of *reps* reps of every cell, over *workers* processes (1: in this process)."""
    kw = {"seed": seed, "weeks": weeks, "integer": integer, "per_client": per_client}
    jobs = [(c, s, min(s + chunk, reps), kw) for c in cells for s in range(0, reps, chunk)]
    parts = []
    if workers <= 1:
        for j in jobs:
            parts.append(_work(j))
            if progress:
                progress(len(parts), len(jobs))
    else:
        import multiprocessing as mp

        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ.setdefault(var, "1")
        with mp.get_context("spawn").Pool(workers) as pool:
            for part in pool.imap_unordered(_work, jobs):
                parts.append(part)
                if progress:
                    progress(len(parts), len(jobs))
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(["cell", "rep", "activity"], kind="stable").reset_index(drop=True)


def time_calls(n: int = 20, seed: int = 1, weeks: int = 8) -> dict[str, float]:
    """Seconds per call of each step (generate + tidy log, mood_by_activity, phase_effect), median of *n*.

    ``mood_by_activity_batched`` is the time per client of one call on *n* clients together.
    """
    import bactivate as ba

    rng = np.random.default_rng(seed)
    out = {"simulate_and_log": [], "mood_by_activity": [], "phase_effect": []}
    logs = []
    for _ in range(n):
        t0 = time.perf_counter()
        log = to_log(simulate_client(rng, weeks=weeks, phi=0.3))
        t1 = time.perf_counter()
        ba.mood_by_activity(log)
        t2 = time.perf_counter()
        ba.phase_effect(log, baseline=[1, 2], treatment=list(range(3, weeks + 1)))
        t3 = time.perf_counter()
        out["simulate_and_log"].append(t1 - t0)
        out["mood_by_activity"].append(t2 - t1)
        out["phase_effect"].append(t3 - t2)
        logs.append(log.assign(client=f"c{len(logs)}"))
    res = {k: float(np.median(v)) for k, v in out.items()}
    big = pd.concat(logs, ignore_index=True)
    t0 = time.perf_counter()
    ba.mood_by_activity(big, by=["client", "activity"])
    res["mood_by_activity_batched"] = (time.perf_counter() - t0) / n
    return res


# --------------------------------------------------------------------------- rates


def rate(records: pd.DataFrame, hit: pd.Series) -> tuple[float, float, int, int]:
    """``(rate, mc_se, reps, tests)`` of the boolean *hit* over *records* (NaN hits left out), reps as clusters."""
    ok = hit.notna().to_numpy(bool)
    if not ok.any():
        return np.nan, np.nan, 0, 0
    key = records.loc[ok, ["cell", "rep"]]
    h = hit[ok].astype(bool).to_numpy()
    g = pd.DataFrame({"cell": key["cell"].to_numpy(), "rep": key["rep"].to_numpy(), "s": h, "n": 1})
    per = g.groupby(["cell", "rep"])[["s", "n"]].sum()
    s, n = per["s"].to_numpy(float), per["n"].to_numpy(float)
    R = len(per)
    r = s.sum() / n.sum()
    se = np.sqrt(R / max(R - 1, 1) * np.sum((s - r * n) ** 2)) / n.sum() if R > 1 else np.nan
    return float(r), float(se), int(R), int(n.sum())


def _hits(rec: pd.DataFrame) -> dict[str, pd.Series]:
    """Per record: p < .05, interval covers the truth, interval and p disagree about 0 (NaN if missing)."""
    p, lo, hi, truth = rec["p"], rec["ci_low"], rec["ci_high"], rec["truth"]
    sig = (p < ALPHA).astype(object).where(p.notna())
    cover = ((lo <= truth) & (truth <= hi)).astype(object).where(lo.notna() & hi.notna())
    excl = (lo > 0) | (hi < 0)
    disagree = (excl != (p < ALPHA)).astype(object).where(p.notna() & lo.notna() & hi.notna())
    return {"sig": sig, "cover": cover, "disagree": disagree}


def _target_null(kind: str) -> str:
    return "0.05 +/- 2 SE" if kind in ("independent", "persistent") else ""


def _met(target: str, r: float, se: float) -> object:
    """Whether *r* meets *target* (None when there is no target)."""
    if not target or not np.isfinite(r):
        return None
    if target == "0.05 +/- 2 SE":
        return bool(abs(r - 0.05) <= 2 * se)
    if target.startswith(">="):
        return bool(r >= float(target[2:]))
    if target.startswith("<="):
        return bool(r <= float(target[2:]))
    if target == "0":
        return bool(r == 0)
    return None


def rates(records: pd.DataFrame) -> pd.DataFrame:
    """The results table: measure, function, kind, phi, reps, rate, mc_se, target, met, tests, effect."""
    rows = []

    def add(measure, function, kind, phi, sub, hit, target="", effect=0.0):
        r, se, R, n = rate(sub, hit)
        rows.append({"measure": measure, "function": function, "kind": kind, "phi": phi, "reps": R,
                     "rate": r, "mc_se": se, "target": target, "met": _met(target, r, se), "tests": n,
                     "effect": effect})

    mood = records[(records["function"] == "mood_by_activity") & (records["trend"] == 0)]
    for phi, m in mood.groupby("phi", sort=True):
        h = _hits(m)
        null = (m["truth"] == 0).to_numpy()
        for kind in KINDS:
            sel = null & (m["kind"] == kind).to_numpy()
            add("null p < .05", "mood_by_activity", kind, phi, m[sel], h["sig"][sel], _target_null(kind))
        for kind in KINDS:
            sel = null & (m["kind"] == kind).to_numpy()
            add("95% CI covers 0 (null)", "mood_by_activity", kind, phi, m[sel], h["cover"][sel], ">=0.93")
        eff = (m["role"] == "tested").to_numpy() & (m["truth"] != 0).to_numpy()
        for kind in KINDS:
            sel = eff & (m["tested_kind"] == kind).to_numpy()
            d = float(m.loc[sel, "truth"].iloc[0]) if sel.any() else np.nan
            add("95% CI covers the effect", "mood_by_activity", kind, phi, m[sel], h["cover"][sel], ">=0.93", d)
        for kind in KINDS:
            sel = eff & (m["tested_kind"] == kind).to_numpy()
            d = float(m.loc[sel, "truth"].iloc[0]) if sel.any() else np.nan
            add("power: p < .05 with the effect", "mood_by_activity", kind, phi, m[sel], h["sig"][sel], "", d)
        # any BH q < .05 among the 11 null activities of the all-null cells (one hit per rep)
        nullcell = m[m["effect"] == 0]
        fam = nullcell[nullcell["role"] == "null"]
        any_q = fam.assign(h=fam["q"] < ALPHA).groupby(["cell", "rep"], as_index=False)["h"].any()
        add(f"any BH q < .05 among {len(NULL_MIX)} null activities", "mood_by_activity", "mixed", phi,
            any_q, any_q["h"].astype(object), "<=0.05")
        add("CI and p disagree about 0", "mood_by_activity", "all", phi, m, h["disagree"], "0")
    trended = records[(records["function"] == "mood_by_activity") & (records["trend"] != 0)]
    for (trend, phi), m in trended.groupby(["trend", "phi"], sort=True):
        h = _hits(m)
        for kind in KINDS:
            sel = (m["kind"] == kind).to_numpy()
            add(f"null p < .05, mood trend {trend:g}/week", "mood_by_activity", kind, phi, m[sel],
                h["sig"][sel])
    phase = records[records["function"] == "phase_effect"]
    for (trend, phi), m in phase.groupby(["trend", "phi"], sort=True):
        h = _hits(m)
        for kind in pd.unique(m["kind"]):
            sel = (m["kind"] == kind).to_numpy()
            if trend:
                measure, target = f"null p < .05, baseline trend {trend:g}/week", ""
            else:
                measure = "null p < .05"
                target = {0.0: "", 0.3: "<=0.08", 0.6: "<=0.10"}.get(round(float(phi), 2), "")
            add(measure, "phase_effect", kind, phi, m[sel], h["sig"][sel], target)
    out = pd.DataFrame(rows)
    out["met"] = out["met"].astype("boolean")
    return out
