"""Where a slow workload spends its time, line by line in ``bactivate/``.

    python -m benchmarks.profile W2-csv [--top 25] [--quick] [--cprofile] [--memory] [--at HEAD]

Runs one workload's bactivate call once to warm up, then once under a small
sampling profiler: a thread looks at the main thread's stack about every
millisecond and credits the time since its last look (so that time spent in
C code holding the GIL, when it cannot look, is not lost) to

* **inclusive**: every line of ``bactivate/`` on the stack (a call and all it
  calls), and
* **self**: the innermost ``bactivate/`` line only (time in pandas, NumPy or
  the interpreter on behalf of that line),

as a share of the sampled time. With ``--memory`` it also reads the process's
resident memory (``/proc/self/statm``) at each look and reports the lines
during which it grew most, and the stack at the peak. ``--cprofile`` prints cProfile's function table
as well (``pyinstrument``, if installed, can be used the same way; it is not a
dependency of bactivate). Workloads (the files of the full run; build them
with ``python -m benchmarks`` first, or pass ``--quick``):

  W1            read_log on W1's XLSX
  W2-csv        read_log on the first 10% of W2's clients (CSV, ~100k rows)
  W2-csv-full   read_log on W2's whole CSV (~1M rows; with --memory: where the peak comes from)
  W2-parquet    read_log on W2's Parquet
  W3            read_cohort on the first 50 files of W3's folder
  W4-summary    client_summary on W2's cohort
  W4-progress   progress(cohort, by="client") on W2's cohort
  W4-progress-1 progress on each of the first 100 clients (one call each)
  W4-mood       mood_by_activity(cohort, by=["client", "activity"]) on W2's cohort
  W4-mood-1     mood_by_activity on each of the first 20 clients (one call each)
  report        the client-report notebook's code on the sample, in-process
"""

from __future__ import annotations

import argparse
import cProfile
import linecache
import pstats
import sys
import threading
import time
import warnings
from collections import Counter
from pathlib import Path

PKG = str(Path(__file__).resolve().parents[1] / "bactivate")


class LineSampler:
    """Samples the main thread's stack every *interval* seconds (lines in ``bactivate/``)."""

    def __init__(self, interval: float = 0.001, memory: bool = False):
        self.interval = interval
        self.memory = memory
        self.inclusive: Counter = Counter()
        self.self_: Counter = Counter()
        self.growth: Counter = Counter()  # MB of resident memory gained while the line ran
        self.rss_start = self.rss_peak = _rss_mb() if memory else 0.0
        self.peak_stack: list = []
        self.samples = 0
        self._stop = threading.Event()
        self._main = threading.main_thread().ident

    def _loop(self):
        last = time.perf_counter()
        rss_last = self.rss_start
        while not self._stop.is_set():
            frame = sys._current_frames().get(self._main)
            now = time.perf_counter()
            # weight each sample by the time since the last one: while the main thread holds the
            # GIL in C code no sample can be taken, and that time belongs to where it then is
            w, last = now - last, now
            if frame is not None:
                self.samples += w
                seen = set()
                innermost = None
                f = frame
                while f is not None:
                    name = f.f_code.co_filename
                    if name.startswith(PKG):
                        key = (name, f.f_lineno, f.f_code.co_name)
                        if innermost is None:
                            innermost = key
                        if key not in seen:
                            seen.add(key)
                            self.inclusive[key] += w
                    f = f.f_back
                if innermost is not None:
                    self.self_[innermost] += w
                if self.memory:
                    rss = _rss_mb()
                    if innermost is not None and rss > rss_last:
                        self.growth[innermost] += rss - rss_last
                    if rss > self.rss_peak:
                        self.rss_peak = rss
                        self.peak_stack = [k for k in self.inclusive if k in seen]
                    rss_last = rss
            time.sleep(self.interval)

    def __enter__(self):
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def report(self, top: int = 25) -> str:
        lines = [f"{self.samples:.2f} s sampled"]
        for title, counter in (("inclusive (the line and everything it calls)", self.inclusive),
                               ("self (innermost bactivate line)", self.self_)):
            lines.append(f"\n-- {title}")
            for (file, line, func), n in counter.most_common(top):
                src = linecache.getline(file, line).strip()
                rel = Path(file).relative_to(Path(PKG).parent)
                lines.append(f"{100 * n / (self.samples or 1):5.1f}%  {rel}:{line} {func}()  | {src[:90]}")
        if self.memory:
            lines.append(f"\n-- resident memory: {self.rss_start:.0f} MB before, peak {self.rss_peak:.0f} MB "
                         f"(+{self.rss_peak - self.rss_start:.0f} MB); growth while each line ran:")
            for (file, line, func), mb in self.growth.most_common(top):
                src = linecache.getline(file, line).strip()
                rel = Path(file).relative_to(Path(PKG).parent)
                lines.append(f"{mb:7.0f} MB  {rel}:{line} {func}()  | {src[:90]}")
            lines.append("-- the stack at the peak (outermost first):")
            for file, line, func in self.peak_stack:
                rel = Path(file).relative_to(Path(PKG).parent)
                lines.append(f"           {rel}:{line} {func}()  | {linecache.getline(file, line).strip()[:90]}")
        return "\n".join(lines)


def _rss_mb() -> float:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * _PAGE / 1e6
    except OSError:
        return 0.0


_PAGE = 4096
try:
    import os as _os

    _PAGE = _os.sysconf("SC_PAGE_SIZE")
except (ValueError, OSError, AttributeError):
    pass


def _target(name: str, quick: bool):
    import pandas as pd

    import bactivate as ba
    from benchmarks.workloads import FULL, QUICK, Workloads

    wl = Workloads(QUICK if quick else FULL)
    if name == "W1":
        path = wl.client_xlsx()
        return lambda: ba.read_log(path)
    if name == "W2-csv":
        path, _ = wl.scale_csv()
        return lambda: ba.read_log(path)
    if name == "W2-csv-full":
        path = wl.cohort_csv()
        return lambda: ba.read_log(path)
    if name == "W2-parquet":
        path = wl.cohort_parquet()
        return lambda: ba.read_log(path)
    if name == "W3":
        files = sorted(wl.cohort_folder().glob("*.csv"))[:50]
        scales = {"mastery": (0, 10), "pleasure": (0, 10), "mood": (0, 10)}
        return lambda: ba.read_cohort(files, scales=scales)
    if name == "report":
        import nbformat

        from bactivate.report import notebook_path

        nb = nbformat.read(notebook_path("client-report"), as_version=4)
        sample = Path(__file__).resolve().parents[1] / "data" / "sample" / "client-alex.xlsx"
        code = "\n".join(c.source for c in nb.cells if c.cell_type == "code"
                         and not c.source.lstrip().startswith(("%", "!")))
        code = code.replace("log_path = ", f"log_path = {str(sample)!r}  # ", 1)

        def run():
            import matplotlib

            matplotlib.use("Agg")
            exec(compile(code, "client-report.ipynb", "exec"), {"display": lambda *a, **k: None})

        return run
    cohort = ba.read_cohort(wl.cohort_csv())
    roster = wl.roster()
    if name == "W4-summary":
        return lambda: ba.client_summary(cohort, roster=roster)
    if name == "W4-progress":
        return lambda: ba.progress(cohort, by="client")
    if name == "W4-progress-1":
        parts = [g for _, g in cohort.groupby("client", sort=False)][:100]
        return lambda: [ba.progress(g) for g in parts]
    if name == "W4-mood":
        return lambda: ba.mood_by_activity(cohort, by=["client", "activity"])
    if name == "W4-mood-1":
        parts = [g for _, g in cohort.groupby("client", sort=False)][:20]
        return lambda: [ba.mood_by_activity(g) for g in parts]
    del pd
    raise SystemExit(f"unknown workload {name!r}")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.profile", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("workload")
    p.add_argument("--top", type=int, default=25)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--cprofile", action="store_true")
    p.add_argument("--memory", action="store_true", help="also follow resident memory (first run, no warm-up)")
    p.add_argument("--at", metavar="REV", help="profile bactivate as committed at this git revision")
    args = p.parse_args(argv)
    if args.at:
        global PKG
        import atexit

        from benchmarks.context import drop_snapshot, snapshot_sources

        PKG = str(snapshot_sources(args.at) / "bactivate")
        atexit.register(drop_snapshot)
    warnings.simplefilter("ignore")
    fn = _target(args.workload, args.quick)
    if not args.memory:
        fn()  # warm up (not for memory: the first run is the one a user's process makes)
    t = time.perf_counter()
    with LineSampler(memory=args.memory) as s:
        fn()
    print(f"{args.workload}: {time.perf_counter() - t:.2f} s under the sampler")
    print(s.report(args.top))
    if args.cprofile:
        pr = cProfile.Profile()
        pr.enable()
        fn()
        pr.disable()
        pstats.Stats(pr).sort_stats("cumulative").print_stats(40)
    return 0


if __name__ == "__main__":
    sys.exit(main())
