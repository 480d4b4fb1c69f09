"""Modules imported on first use.

``import bactivate`` binds every analysis function, but SciPy's statistics (about
0.6 s to import, more than pandas) are needed only when a test or an interval is
computed: ``bactivate report``, ``bactivate validate`` and a notebook that only
reads a log do not pay for them.

>>> from bactivate.lazy import Lazy
>>> st = Lazy("scipy.stats")
>>> float(st.norm.cdf(0))
0.5
"""

from __future__ import annotations

import importlib


class Lazy:
    """Stands for the module *name*; imports it when one of its attributes is first used."""

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attr: str):
        return getattr(importlib.import_module(self._name), attr)

    def __repr__(self) -> str:
        return f"<module {self._name!r}, imported on first use>"
