"""Every example in bactivate's docstrings runs, and every public function documents itself.

The examples are the documentation a user copies first, so they run here as doctests (from the
repository root, so that ``data/sample/...`` paths resolve), module by module. Public functions
(``ba.*``, ``bactivate.stats``, ``bactivate.plot``, ``bactivate.synth``) carry numpydoc sections:
Parameters, Returns and Examples.
"""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil
import warnings
from pathlib import Path

import matplotlib
import pytest

import bactivate as ba

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
MODULES = sorted(m.name for m in pkgutil.walk_packages(ba.__path__, "bactivate.")
                 if m.name not in {"bactivate.__main__"})
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


@pytest.mark.parametrize("name", ["bactivate", *MODULES])
def test_docstring_examples_run(name, monkeypatch):
    monkeypatch.chdir(ROOT)
    module = importlib.import_module(name)
    # the finder keeps the objects defined in this module (not those it imports)
    tests = [t for t in doctest.DocTestFinder(exclude_empty=True).find(module, name) if t.examples]
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # examples on the sample log show its problems on purpose
        for t in tests:
            runner.run(t)
    matplotlib.pyplot.close("all")
    failed, attempted = runner.summarize(verbose=False)
    assert failed == 0, f"{failed} of {attempted} examples in {name} failed (run: python -m pytest --doctest-modules {module.__file__})"


def _public_functions():
    seen = {}
    for space, names in (("bactivate", ba.__all__), ("bactivate.stats", ba.stats.__all__),
                         ("bactivate.plot", ba.plot.__all__), ("bactivate.synth", ba.synth.__all__)):
        module = importlib.import_module(space)
        for n in names:
            obj = getattr(module, n)
            if inspect.isfunction(obj):
                seen.setdefault(f"{obj.__module__}.{obj.__qualname__}", obj)
    return sorted(seen.items())


@pytest.mark.parametrize(("name", "func"), _public_functions(), ids=lambda v: v if isinstance(v, str) else "")
def test_public_functions_have_numpydoc_sections(name, func):
    doc = inspect.getdoc(func) or ""
    missing = [s for s in ("Parameters", "Returns", "Examples")
               if f"\n{s}\n{'-' * len(s)}" not in f"\n{doc}"]
    if not inspect.signature(func).parameters and "Parameters" in missing:
        missing.remove("Parameters")
    assert not missing, f"{name}: docstring lacks numpydoc section(s) {missing}"
