"""W5: ``bactivate report`` on the sample client against a minimal seaborn notebook.

Both run in a fresh interpreter, executed by papermill on the same ``python3``
kernel and written to one HTML file by nbconvert (code cells hidden, images
embedded): ``python -m bactivate.cli report data/sample/client-alex.xlsx -o ...``
against ``python -m benchmarks.nbrun minimal.ipynb ...``. The minimal notebook
imports pandas and seaborn, reads the same client's tidy CSV and draws one
figure (daily mean mood); it is written under ``benchmarks/_work/``. The
times are wall-clock times of the whole command, so both include starting
Python, the kernel, and writing the HTML.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from benchmarks.context import ROOT, Context, child_cwd, python
from benchmarks.results import Row

SAMPLE = ROOT / "data" / "sample" / "client-alex.xlsx"
SAMPLE_TIDY = ROOT / "data" / "sample" / "client-alex-tidy.csv"

_CELLS = [
    ("log_path = 'client-alex-tidy.csv'", ["parameters"]),
    ("import pandas as pd\nimport seaborn as sns", []),
    ("log = pd.read_csv(log_path, parse_dates=['start'])\n"
     "daily = log.groupby(log['start'].dt.normalize())['mood'].mean().rename_axis('day').reset_index()\n"
     "ax = sns.lineplot(data=daily, x='day', y='mood', marker='o')\n"
     "ax.set(title='Daily mean mood', ylim=(0, 10));", []),
]


def minimal_notebook(folder: Path) -> Path:
    import nbformat

    path = folder / "minimal-seaborn.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for src, tags in _CELLS:
        cell = nbformat.v4.new_code_cell(src)
        if tags:
            cell.metadata["tags"] = tags
        nb.cells.append(cell)
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


#: Exit statuses of ``bactivate report`` that mean the report was written: 1 is "written, with
#: cells to fix" (the sample client's log has two, on purpose; DESIGN.md section 3).
REPORT_OK = (0, 1)


def _run(cmd: list[str], ok: tuple[int, ...] = (0,)) -> None:
    res = subprocess.run(cmd, cwd=child_cwd(), capture_output=True, text=True)
    if res.returncode not in ok:
        raise RuntimeError(f"{' '.join(cmd)} failed ({res.returncode}):\n{res.stderr[-3000:]}")


def w5(ctx: Context) -> None:
    nb = minimal_notebook(ctx.workloads.root)
    ctx.say(f"W5  bactivate report {SAMPLE.relative_to(ROOT)} vs {nb.name} (papermill + nbconvert)")
    with tempfile.TemporaryDirectory(prefix="bactivate-bench-w5-") as tmp:
        ours_html, base_html = Path(tmp) / "report.html", Path(tmp) / "minimal.html"
        ours_cmd = [python(), "-m", "bactivate.cli", "report", str(SAMPLE), "-o", str(ours_html)]
        base_cmd = [python(), "-m", "benchmarks.nbrun", str(nb), str(base_html),
                    f"log_path={SAMPLE_TIDY}"]
        if not ctx.quick:  # warm the kernel, matplotlib's font cache and the file cache, untimed
            _run(base_cmd)
        # near its target and noisy (two notebook kernels): at least 3 runs a side in a full run
        ours, base = ctx.time(lambda: _run(ours_cmd, REPORT_OK), lambda: _run(base_cmd), warmup_below=0.0,
                              target=2.0, min_runs=1 if ctx.quick else min(3, ctx.repeat))
        sizes = {"report_html_kb": ours_html.stat().st_size / 1e3,
                 "minimal_html_kb": base_html.stat().st_size / 1e3}
    ctx.add(Row("W5", "bactivate report, sample client (XLSX)", ours.times, base.times, 2.0,
                base_label="papermill + nbconvert of a pandas + seaborn notebook, one figure",
                note="wall time of each command in a fresh interpreter", extra=sizes), ours, base)
