"""``import bactivate`` against ``import pandas, scipy.stats``, each in a fresh interpreter.

The import is timed inside the child (``perf_counter`` around the import
statement), so interpreter start-up is not counted; the median of the runs is
reported. There is no target: the row is for watching.
"""

from __future__ import annotations

import subprocess

from benchmarks.context import Context, child_cwd, python
from benchmarks.results import Row
from benchmarks.timing import Elapsed

_CODE = "import time; t = time.perf_counter(); {stmt}; print(time.perf_counter() - t)"


def _child(stmt: str) -> Elapsed:
    res = subprocess.run([python(), "-c", _CODE.format(stmt=stmt)], cwd=child_cwd(), capture_output=True,
                         text=True, check=True)
    return Elapsed(float(res.stdout.strip().splitlines()[-1]))


def imports(ctx: Context) -> None:
    ctx.say("I   import time, fresh interpreters")
    repeat = ctx.repeat
    ours, base = ctx.time(lambda: _child("import bactivate"), lambda: _child("import pandas, scipy.stats"),
                          repeat=repeat, budget=60.0, warmup_below=0.0 if ctx.quick else 10.0)
    ctx.add(Row("I-import", "import bactivate", ours.times, base.times, None,
                base_label="import pandas, scipy.stats", note="no target; first run of each dropped (not with --quick)"), ours, base)
