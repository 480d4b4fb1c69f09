"""The benchmark workloads: synthetic logs from :mod:`bactivate.synth`, written once per size and seed.

Files go under ``benchmarks/_work/`` (ignored by git), in a folder named by the
layout version, sizes and seed, so a second run reuses them and a change of
size or seed builds new ones. Each file is written to a temporary name and
renamed when complete, so an interrupted run never leaves a half-written file
that a later run would trust.

The files hold the *plain long layout* most clinicians keep: headers
``Date, Time, Activity, Category, Mastery, Pleasure, Mood, Planned, Done,
Avoidance, Note`` (and ``Client`` first in the one-file cohort), dates as
``YYYY-MM-DD``, times as ``HH:MM``, ratings as whole numbers 0-10, the three
flags as True/False (blank where a flag does not apply: ``Done`` of an
unplanned activity). The XLSX of W1 holds real date and time cells, one sheet
per week, as a workbook typed in Excel would.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from benchmarks import LAYOUT_VERSION

WORK = Path(__file__).resolve().parent / "_work"

HEADERS = ["Date", "Time", "Activity", "Category", "Mastery", "Pleasure", "Mood", "Planned", "Done",
           "Avoidance", "Note"]


@dataclass(frozen=True)
class Sizes:
    """How big each workload is."""

    n_clients: int = 1000  # W2, W3, W4
    weeks: int = 12
    entries_per_day: int = 12
    client_weeks: int = 12  # W1
    scale_divisor: int = 10  # L: the small file holds n_clients / scale_divisor clients
    seed: int = 20260301

    def key(self, what: str) -> str:
        return (f"v{LAYOUT_VERSION}-{what}-n{self.n_clients}-w{self.weeks}-e{self.entries_per_day}"
                f"-s{self.seed}")


FULL = Sizes()
#: The smoke run: 20 clients x 4 weeks (~6k rows), so that the whole suite takes well under a minute
#: (its fixed cost is W5's two notebook runs, ~20 s).
QUICK = Sizes(n_clients=20, weeks=4, client_weeks=12)


def plain_layout(log: pd.DataFrame, *, client: bool, typed_cells: bool = False) -> pd.DataFrame:
    """A tidy synth log as the plain long table a clinician keeps (see the module docstring)."""
    start = log["start"]
    cols: dict[str, object] = {}
    if client:
        cols["Client"] = log["client"].astype("str")
    if typed_cells:  # Excel: a date cell and a time cell
        cols["Date"] = [d.date() for d in start.dt.normalize()]
        cols["Time"] = [dt.time(h, m) for h, m in zip(start.dt.hour, start.dt.minute, strict=True)]
    else:
        cols["Date"] = start.dt.strftime("%Y-%m-%d")
        cols["Time"] = start.dt.strftime("%H:%M")
    cols["Activity"] = log["activity"]
    cols["Category"] = log["category"]
    for name, src in (("Mastery", "mastery"), ("Pleasure", "pleasure"), ("Mood", "mood")):
        cols[name] = log[src].round().astype("Int64")
    cols["Planned"] = log["planned"]
    cols["Done"] = log["done"]
    cols["Avoidance"] = log["avoidance"]
    cols["Note"] = log["note"]
    return pd.DataFrame(cols).reset_index(drop=True)


def _atomic(path: Path, write) -> Path:
    """Write *path* through a temporary name, so that it exists only when complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            if tmp.is_dir():
                for f in tmp.iterdir():
                    f.unlink()
                tmp.rmdir()
            else:
                tmp.unlink()
    return path


class Workloads:
    """Lazily built, cached workload files for one :class:`Sizes`."""

    def __init__(self, sizes: Sizes, root: Path = WORK, log=print):
        self.sizes = sizes
        self.root = root
        self.say = log

    # ------------------------------------------------------------------ the synthetic data
    @cached_property
    def _cohort(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        import bactivate as ba

        s = self.sizes
        self.say(f"  synth.cohort(n_clients={s.n_clients}, weeks={s.weeks}, "
                 f"entries_per_day={s.entries_per_day}, seed={s.seed})")
        log, roster = ba.synth.cohort(n_clients=s.n_clients, weeks=s.weeks, seed=s.seed,
                                      entries_per_day=s.entries_per_day)
        log.attrs = {}
        roster.attrs = {}
        return log, roster

    @cached_property
    def _cohort_plain(self) -> pd.DataFrame:
        return plain_layout(self._cohort[0], client=True)

    @property
    def folder(self) -> Path:
        return self.root / self.sizes.key("cohort")

    # ------------------------------------------------------------------ W1
    def client_xlsx(self) -> Path:
        """W1: one client, ``client_weeks`` weeks, one sheet per week ("Week 1", ...)."""
        s = self.sizes
        path = self.root / f"v{LAYOUT_VERSION}-client-w{s.client_weeks}-e{s.entries_per_day}-s{s.seed}.xlsx"
        if path.exists():
            return path
        import bactivate as ba

        self.say(f"  building {path.name}")
        log = ba.synth.client(weeks=s.client_weeks, entries_per_day=s.entries_per_day, seed=s.seed,
                              client="Client W1")
        plain = plain_layout(log, client=False, typed_cells=True)
        week = ((log["start"].dt.normalize() - log["start"].dt.normalize().min()).dt.days // 7 + 1)

        def write(tmp: Path):
            with pd.ExcelWriter(tmp, engine="openpyxl") as xw:
                for w in range(1, s.client_weeks + 1):
                    part = plain[week.to_numpy() == w]
                    part.to_excel(xw, sheet_name=f"Week {w}", index=False)
                    ws = xw.sheets[f"Week {w}"]
                    for cell in ws["A"][1:]:
                        cell.number_format = "yyyy-mm-dd"
                    for cell in ws["B"][1:]:
                        cell.number_format = "hh:mm"

        return _atomic(path, write)

    # ------------------------------------------------------------------ W2
    def cohort_csv(self) -> Path:
        """W2: every client in one CSV, ``Client`` first."""
        path = self.folder / "cohort.csv"
        if not path.exists():
            self.say(f"  building {path.relative_to(self.root)}")
            _atomic(path, lambda tmp: self._cohort_plain.to_csv(tmp, index=False))
        return path

    def cohort_parquet(self) -> Path:
        """W2: the same table as Parquet (the same columns: text dates, integer ratings, booleans)."""
        path = self.folder / "cohort.parquet"
        if not path.exists():
            self.say(f"  building {path.relative_to(self.root)}")
            _atomic(path, lambda tmp: self._cohort_plain.to_parquet(tmp, index=False))
        return path

    def roster(self) -> pd.DataFrame:
        """The cohort's roster (client, arm, age, ...), kept as Parquet next to the logs."""
        path = self.folder / "roster.parquet"
        if not path.exists():
            _atomic(path, lambda tmp: self._cohort[1].to_parquet(tmp, index=False))
        return pd.read_parquet(path)

    def n_rows(self) -> int:
        path = self.folder / "rows.txt"
        if not path.exists():
            _atomic(path, lambda tmp: tmp.write_text(str(len(self._cohort[0]))))
        return int(path.read_text())

    # ------------------------------------------------------------------ W3
    def cohort_folder(self) -> Path:
        """W3: the same cohort as one CSV per client (``C0001.csv`` ...), no client column."""
        path = self.folder / "clients"
        if path.is_dir():
            return path
        self.say(f"  building {path.relative_to(self.root)}/ ({self.sizes.n_clients} files)")
        plain = self._cohort_plain

        def write(tmp: Path):
            tmp.mkdir()
            for client, part in plain.groupby("Client", sort=False):
                part.drop(columns="Client").to_csv(tmp / f"{client}.csv", index=False)

        return _atomic(path, write)

    # ------------------------------------------------------------------ L
    def scale_csv(self) -> tuple[Path, int]:
        """The first ``n_clients / scale_divisor`` clients of W2's CSV, and its row count."""
        k = max(1, self.sizes.n_clients // self.sizes.scale_divisor)
        path = self.folder / f"cohort-first{k}.csv"
        rows = self.folder / f"cohort-first{k}.rows"
        if not (path.exists() and rows.exists()):
            self.say(f"  building {path.relative_to(self.root)}")
            plain = self._cohort_plain
            keep = plain["Client"].isin(pd.unique(plain["Client"])[:k])
            part = plain[keep.to_numpy(dtype=bool)]
            _atomic(path, lambda tmp: part.to_csv(tmp, index=False))
            _atomic(rows, lambda tmp: tmp.write_text(str(len(part))))
        return path, int(rows.read_text())

    def describe(self) -> dict:
        s = self.sizes
        return {"n_clients": s.n_clients, "weeks": s.weeks, "entries_per_day": s.entries_per_day,
                "client_weeks": s.client_weeks, "seed": s.seed, "layout_version": LAYOUT_VERSION}


def file_mb(path: Path) -> float:
    if path.is_dir():
        return sum(f.stat().st_size for f in path.iterdir()) / 1e6
    return path.stat().st_size / 1e6


__all__ = ["FULL", "HEADERS", "QUICK", "Sizes", "WORK", "Workloads", "file_mb", "plain_layout"]
