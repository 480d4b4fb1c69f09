"""bactivate: behavioral activation logs into tidy frames, honest analyses and clear plots.

>>> import bactivate as ba
>>> log = ba.synth.client(weeks=4, seed=1)
>>> ba.balance(log, by="category").shape[0] > 0
True

The analysis functions are bound here when the package is imported (they need
only pandas; SciPy's statistics are imported when first used, see
:mod:`bactivate.lazy`). Several share their module's name (``ba.balance`` is
the function; its module is ``bactivate.balance``), so they are bound eagerly:
a lazy binding would be overwritten by the module as soon as anything imports
it. Heavy, optional parts load on first use: plotting (matplotlib, seaborn),
mixed models (statsmodels) and report rendering (papermill, nbconvert).
"""

from __future__ import annotations

import importlib

from bactivate._log import describe, filter_weeks, recorded
from bactivate.avoidance import avoidance
from bactivate.balance import balance
from bactivate.cohort.compare import compare_groups
from bactivate.cohort.compliance import compliance, exclude_low_compliance
from bactivate.cohort.outcomes import pre_post
from bactivate.cohort.privacy import deidentify
from bactivate.cohort.questionnaires import (
    phq9_outcomes,
    reliable_change,
    score_bads,
    score_bads_sf,
    score_phq9,
)
from bactivate.cohort.summary import client_summary
from bactivate.cohort.trajectory import trajectory
from bactivate.cohort.within import activity_effects, icc
from bactivate.errors import LogError, LogWarning
from bactivate.io.accounting import accounting
from bactivate.io.cohort import read_cohort
from bactivate.io.read import read_log, write_log
from bactivate.lapse import lapse_text, lapses
from bactivate.mood import mood_by_activity, phase_effect
from bactivate.plan import plan_html, plan_week, write_plan
from bactivate.progress import progress, progress_trend, small_wins
from bactivate.suggest import suggest_next
from bactivate.values import values_summary

__version__ = "0.1.0"

# submodules loaded on first use: ba.plot, ba.synth, ...
_SUBMODULES = {"stats": "bactivate.stats", "plot": "bactivate.plot", "synth": "bactivate.synth",
               "schema": "bactivate.schema", "present": "bactivate.present", "report": "bactivate.report",
               "io": "bactivate.io", "cohort": "bactivate.cohort",
               "questionnaires": "bactivate.cohort.questionnaires", "privacy": "bactivate.cohort.privacy"}

__all__ = [
    "LogError", "LogWarning", "__version__",
    "read_log", "write_log", "accounting", "describe", "filter_weeks", "recorded",
    "balance", "mood_by_activity", "phase_effect", "avoidance", "progress", "progress_trend",
    "small_wins", "suggest_next", "lapses", "lapse_text", "values_summary", "plan_week", "write_plan", "plan_html",
    "read_cohort", "client_summary", "compliance", "exclude_low_compliance", "activity_effects", "icc", "compare_groups", "trajectory", "deidentify",
    "score_phq9", "score_bads", "score_bads_sf", "reliable_change", "phq9_outcomes", "pre_post",
    "stats", "plot", "synth", "present",
]


def __getattr__(name: str):
    if name in _SUBMODULES:
        module = importlib.import_module(_SUBMODULES[name])
        globals()[name] = module
        return module
    raise AttributeError(f"module 'bactivate' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
