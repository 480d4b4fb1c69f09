"""A smoke run of the benchmark suite, so that its code does not rot.

Not a timed test: it asserts that every workload runs, that each baseline computes the
same numbers as bactivate, and that each row has a ratio and a verdict; never a speed.
(W5, the report against a minimal notebook, is left out here: the notebook tests run
the report already.)
"""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_quick_benchmark_runs_and_baselines_agree(tmp_path):
    out = tmp_path / "results.json"
    run = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--only", "W1,W2,L,W3,W4,M",
         "--work", str(tmp_path / "work"), "--json", str(out), "--no-snapshot"],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    rows = {r["id"]: r for r in json.loads(out.read_text())["rows"]}
    expected = {"W1", "W2-csv", "W2-parquet", "W2-cohort", "L-growth", "W3", "W4-summary", "W4-progress",
                "W4-balance", "W4-mood", "W4-trajectory", "M-frame", "M-peak"}
    assert expected <= set(rows)
    for rid in expected:
        r = rows[rid]
        assert r["ratio"] is not None and r["ratio"] > 0, r
        assert r["met"] in (True, False), r
        assert r["same_numbers"] in (True, None), r  # None: a row with nothing to compare (memory, growth)
    checked = [rid for rid in expected if rows[rid]["same_numbers"] is not None]
    assert len(checked) >= 9  # the loaders and the analyses are all checked against their baselines
    assert "target" in run.stdout and "ratio" in run.stdout  # the table is printed
