"""Memory of loading W2: peak RSS in a fresh process, and the loaded frame's deep size.

Each measurement runs in its own interpreter (``python -m benchmarks.memory
MODE PATH [ENGINE]``), which prints its peak resident memory after its work,
and the frame's ``memory_usage(deep=True).sum()``:

* ``ours``       ``import bactivate``, then ``read_log(PATH)``
* ``ours-idle``  ``import bactivate`` only
* ``plain``      ``import pandas`` (+ pyarrow for that engine), ``read_csv(PATH)`` + ``to_datetime``
* ``plain-idle`` the same imports only

The peak of loading is the peak with the load minus the peak of the same
imports without it. The deep size counts the frame only (not ``attrs``).

The peak is ``VmHWM`` from ``/proc/self/status`` (the high-water mark of this
process's memory), not ``getrusage(RUSAGE_SELF).ru_maxrss``: on Linux
``ru_maxrss`` survives ``fork`` + ``exec``, so a child started by a parent that
holds a 1.4 GB cohort reports at least 1.4 GB whatever it does itself.
``ru_maxrss`` is the fallback where ``/proc`` is missing.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import warnings
from pathlib import Path

from benchmarks.context import Context, child_cwd, python
from benchmarks.results import Row


def _peak_mb() -> float:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def child(mode: str, path: str, engine: str = "c") -> dict:
    frame = None
    if mode.startswith("ours"):
        import bactivate as ba

        if mode == "ours":
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                frame = ba.read_log(path)
    else:
        import pandas as pd

        if engine == "pyarrow":
            import pyarrow  # noqa: F401
        if mode == "plain":
            from benchmarks.loading import plain_csv

            frame = plain_csv(Path(path), engine)
        del pd
    out = {"mode": mode, "peak_mb": _peak_mb()}
    if frame is not None:
        out["rows"] = len(frame)
        out["deep_mb"] = float(frame.memory_usage(deep=True).sum()) / 1e6
        out["columns"] = len(frame.columns)
    return out


def _measure(mode: str, path: Path, engine: str) -> dict:
    res = subprocess.run([python(), "-m", "benchmarks.memory", mode, str(path), engine], cwd=child_cwd(),
                         capture_output=True, text=True)
    if res.returncode != 0:
        raise RuntimeError(f"memory child {mode} failed:\n{res.stderr[-3000:]}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def memory(ctx: Context) -> None:
    from benchmarks.loading import fastest_csv_engine

    path = ctx.workloads.cohort_csv()
    engine, _ = fastest_csv_engine(ctx, path)
    ctx.say(f"M   memory of loading {path.name} ({ctx.workloads.n_rows():,} rows), fresh processes; "
            f"plain read_csv engine={engine}")
    m = {mode: _measure(mode, path, engine) for mode in ("ours-idle", "ours", "plain-idle", "plain")}
    ours_peak = m["ours"]["peak_mb"] - m["ours-idle"]["peak_mb"]
    base_peak = m["plain"]["peak_mb"] - m["plain-idle"]["peak_mb"]
    extra = {"processes": m, "engine": engine}
    frame_note = (f"bactivate: {m['ours']['columns']} columns (the tidy log); plain read_csv "
                  f"(engine={engine}): {m['plain']['columns']} columns")
    peak_note = (f"idle interpreters: bactivate {m['ours-idle']['peak_mb']:.0f} MB, "
                 f"pandas {m['plain-idle']['peak_mb']:.0f} MB")
    if not ctx.quick:  # the other engine too, for context (the C engine: NumPy dtypes, text dates)
        other = "c" if engine == "pyarrow" else "pyarrow"
        m[f"plain-idle-{other}"] = _measure("plain-idle", path, other)
        m[f"plain-{other}"] = _measure("plain", path, other)
        other_peak = m[f"plain-{other}"]["peak_mb"] - m[f"plain-idle-{other}"]["peak_mb"]
        extra.update(other_engine=other, other_engine_deep_mb=m[f"plain-{other}"]["deep_mb"],
                     other_engine_peak_mb=other_peak)
        frame_note += f"; with engine={other}: {m[f'plain-{other}']['deep_mb']:.0f} MB"
        peak_note += f"; plain with engine={other}: {other_peak:.0f} MB"
    ctx.add(Row("M-frame", "loaded W2 frame, memory_usage(deep=True)", [m["ours"]["deep_mb"]],
                [m["plain"]["deep_mb"]], 1.0, unit="MB", note=frame_note, extra=extra))
    ctx.add(Row("M-peak", "peak RSS of loading W2 (minus imports)", [ours_peak], [base_peak], 1.0,
                unit="MB", note=peak_note, extra=extra))


if __name__ == "__main__":
    print(json.dumps(child(*sys.argv[1:])))
