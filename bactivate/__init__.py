"""bactivate: behavioral activation logs into tidy frames, honest analyses and clear plots.

>>> import bactivate as ba
>>> log = ba.synth.client(weeks=4, seed=1)          # doctest: +SKIP
>>> ba.balance(log, by="activity").head()           # doctest: +SKIP

Submodules and heavy dependencies are imported lazily, on first use, so that
``import bactivate`` stays fast.
"""

from __future__ import annotations

import importlib

from bactivate.errors import LogError, LogWarning

__version__ = "0.1.0"

# public name -> module that defines it
_LAZY = {
    "read_log": "bactivate.io",
    "write_log": "bactivate.io",
    "accounting": "bactivate.accounting",
    "read_cohort": "bactivate.cohort",
    "client_summary": "bactivate.cohort",
    "compare_groups": "bactivate.cohort",
    "trajectory": "bactivate.trajectory",
    "deidentify": "bactivate.privacy",
    "balance": "bactivate.balance",
    "mood_by_activity": "bactivate.mood",
    "phase_effect": "bactivate.mood",
    "avoidance": "bactivate.avoidance",
    "progress": "bactivate.progress",
    "small_wins": "bactivate.progress",
    "progress_trend": "bactivate.progress",
    "suggest_next": "bactivate.suggest",
    "filter_weeks": "bactivate.common",
    "describe": "bactivate.common",
    "score_phq9": "bactivate.questionnaires",
    "score_bads": "bactivate.questionnaires",
    "score_bads_sf": "bactivate.questionnaires",
    "reliable_change": "bactivate.questionnaires",
    "phq9_outcomes": "bactivate.questionnaires",
}
_SUBMODULES = {"stats", "plot", "synth", "schema", "io", "errors", "questionnaires", "cohort", "present",
               "report"}

__all__ = ["LogError", "LogWarning", "__version__", *_LAZY, *sorted(_SUBMODULES)]


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f"bactivate.{name}")
    else:
        raise AttributeError(f"module 'bactivate' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
