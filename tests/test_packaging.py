"""What users install: the package list is discovered, the metadata is current.

The full check (build the sdist and the wheel, install the wheel into a fresh virtual
environment, run the command line, the report and a notebook from it) is
``scripts/check-install``, which ``make test`` runs; these are its cheap parts.
"""

from __future__ import annotations

import ast
import os
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _setup_packages() -> tuple[list[str], dict]:
    """The packages and package_dir that setup.py hands setuptools (its own call, evaluated)."""
    import setuptools

    seen = {}
    real = setuptools.setup
    setuptools.setup = lambda **kw: seen.update(kw)
    try:
        code = compile((ROOT / "setup.py").read_text(), "setup.py", "exec")
        cwd = Path.cwd()
        os.chdir(ROOT)
        try:
            exec(code, {"__name__": "__main__"})
        finally:
            os.chdir(cwd)
    finally:
        setuptools.setup = real
    return seen["packages"], seen.get("package_dir", {})


def test_every_folder_of_modules_is_a_package_of_the_wheel():
    packages, package_dir = _setup_packages()
    folders = {str(p.parent.relative_to(ROOT)).replace("/", ".")
               for p in (ROOT / "bactivate").rglob("*.py") if "__pycache__" not in p.parts}
    assert folders <= set(packages), f"left out of the wheel: {sorted(folders - set(packages))}"
    assert package_dir.get("bactivate.notebooks") == "notebooks"
    assert "bactivate.notebooks" in packages


def test_data_files_are_package_data():
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text())
    data = conf["tool"]["setuptools"]["package-data"]
    assert "*.ipynb" in data["bactivate.notebooks"]
    for f in (ROOT / "bactivate" / "templates").rglob("*"):
        if f.is_file():
            pkg = str(f.parent.relative_to(ROOT)).replace("/", ".")
            assert any(f.match(g) for g in data.get(pkg, [])), f"{f.relative_to(ROOT)} is not package data"


def test_metadata_is_current():
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text())
    project = conf["project"]
    assert project["license"] == "MIT"  # an SPDX expression, not the deprecated table
    assert (ROOT / "LICENSE").exists() and project["license-files"] == ["LICENSE"]
    assert project["dynamic"] == ["version"]
    init = ast.parse((ROOT / "bactivate" / "__init__.py").read_text())
    versions = [n.value.value for n in init.body if isinstance(n, ast.Assign)
                and any(getattr(t, "id", None) == "__version__" for t in n.targets)]
    assert len(versions) == 1 and versions[0] in (ROOT / "CHANGELOG.md").read_text()


def test_the_report_needs_no_extra():
    """``bactivate report`` is the main job: what it runs is in the base install."""
    deps = " ".join(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"])
    for name in ("papermill", "nbconvert", "nbformat", "ipykernel"):
        assert name in deps, f"{name} is not in the base install"
    assert "jupyterlab" not in deps
