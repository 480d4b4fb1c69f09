"""One row of the results table, the printed table, and the JSON file."""

from __future__ import annotations

import json
import math
import statistics
from dataclasses import asdict, dataclass, field
from pathlib import Path


@dataclass
class Row:
    """A workload: bactivate's measurements, the baseline's, and the target for their ratio.

    ``unit`` is ``"s"`` (times: medians of the runs) or ``"MB"`` (memory: one
    measurement each). ``target`` is the largest acceptable ratio ours /
    baseline; ``None`` means the row is reported without a target.
    """

    id: str
    workload: str
    ours: list[float]
    base: list[float]
    target: float | None
    unit: str = "s"
    ours_label: str = "bactivate"
    base_label: str = "plain pandas"
    note: str = ""
    same_numbers: bool | None = None  # the baseline was checked to compute the same numbers
    stopped: dict = field(default_factory=dict)  # side -> why it had fewer runs ("budget", ...)
    extra: dict = field(default_factory=dict)

    @property
    def ours_median(self) -> float:
        return statistics.median(self.ours) if self.ours else math.nan

    @property
    def base_median(self) -> float:
        return statistics.median(self.base) if self.base else math.nan

    @property
    def ratio(self) -> float:
        b = self.base_median
        return self.ours_median / b if b and not math.isnan(b) else math.nan

    @property
    def met(self) -> bool | None:
        if self.target is None or math.isnan(self.ratio):
            return None
        return self.ratio <= self.target

    def as_dict(self) -> dict:
        d = asdict(self)
        d.update(ours_median=self.ours_median, base_median=self.base_median, ratio=self.ratio,
                 met=self.met, runs_ours=len(self.ours), runs_base=len(self.base))
        return _finite(d)


def _finite(obj):
    """JSON has no NaN: NaN and infinities become null."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_finite(v) for v in obj]
    return obj


def _num(x: float, unit: str) -> str:
    if x is None or math.isnan(x):
        return "-"
    if unit == "MB":
        return f"{x:,.0f} MB"
    if x >= 100:
        return f"{x:,.0f} s"
    if x >= 1:
        return f"{x:.2f} s"
    if x >= 0.01:
        return f"{x:.3f} s"
    return f"{x * 1000:.2f} ms"


def _ratio(r: float) -> str:
    if r is None or math.isnan(r):
        return "-"
    return f"{r:.2f}x" if r < 10 else f"{r:.1f}x" if r < 100 else f"{r:,.0f}x"


def cells(row: Row) -> list[str]:
    met = {True: "yes", False: "NO", None: "n/a"}[row.met]
    runs = f"{len(row.ours)}/{len(row.base)}" if row.unit == "s" else "1/1"
    if row.stopped.get("ours") == "far from target":
        runs += "*"
    target = "-" if row.target is None else f"<= {row.target:.2f}x" if row.target % 1 else f"<= {row.target:.1f}x"
    return [row.id, row.workload, _num(row.ours_median, row.unit), _num(row.base_median, row.unit),
            _ratio(row.ratio), target, met, runs]


HEADER = ["id", "workload", "ours (median)", "baseline (median)", "ratio", "target", "met", "runs"]


def table(rows: list[Row], markdown: bool = False) -> str:
    body = [cells(r) for r in rows]
    if markdown:
        lines = ["| " + " | ".join(HEADER) + " |", "|" + "|".join("---" for _ in HEADER) + "|"]
        lines += ["| " + " | ".join(c) + " |" for c in body]
        return "\n".join(lines)
    widths = [max(len(h), *(len(c[i]) for c in body)) if body else len(h) for i, h in enumerate(HEADER)]
    right = {2, 3, 4}

    def fmt(c):
        return "  ".join(s.rjust(w) if i in right else s.ljust(w) for i, (s, w) in
                         enumerate(zip(c, widths, strict=True)))

    lines = [fmt(HEADER), "  ".join("-" * w for w in widths)] + [fmt(c) for c in body]
    return "\n".join(lines)


def write_json(path: Path, rows: list[Row], meta: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"meta": _finite(meta), "rows": [r.as_dict() for r in rows]}
    path.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
    return path
