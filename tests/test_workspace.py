"""Working in JupyterLab (issue 17): templates stay templates, one command into Lab, paths, first view.

The tests that need git run on a temporary clone of this repository (its committed state), so
the checkout the tests run from is never touched; the JupyterLab test starts a real server on
127.0.0.1 from ``make lab``'s command and stops it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bactivate.cli import main
from bactivate.workspace import (
    KERNEL,
    FileNotFound,
    WorkspaceError,
    copy_template,
    find_file,
    install_git_filter,
    install_kernel,
    set_parameters,
)

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data/sample/client-alex.xlsx"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _git(*args, cwd) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def _digest(paths) -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


@pytest.fixture
def clone(tmp_path):
    """A clone of this repository's committed state, with the output-stripping filter installed."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(ROOT), str(repo)], check=True)
    for key, value in (("user.name", "test"), ("user.email", "test@example.org")):
        _git("config", key, value, cwd=repo)
    install_git_filter(repo)
    return repo


def _with_outputs(path: Path) -> None:
    """Write *path* back with an output in every code cell, as Lab saves a notebook after Run All."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    for n, cell in enumerate(c for c in nb["cells"] if c["cell_type"] == "code"):
        cell["execution_count"] = n + 1
        cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["Alex, mood 3 on Monday\n"]}]
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")


# ------------------------------------------------------------------ copying a template


def test_the_copy_has_the_parameters_filled_in_and_asks_for_the_bactivate_kernel(tmp_path):
    copy = copy_template("client-report", tmp_path / "work", log=SAMPLE, client="Alex")
    assert copy == tmp_path / "work" / "client-report.ipynb"
    nb = json.loads(copy.read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"] == KERNEL
    params = next(c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", []))
    source = "".join(params["source"])
    assert f"log_path = {str(SAMPLE)!r}  # the activity log" in source
    assert "client = 'Alex'" in source
    assert all(c.get("outputs", []) == [] for c in nb["cells"])
    template = json.loads((ROOT / "notebooks/client-report.ipynb").read_text(encoding="utf-8"))
    assert len(nb["cells"]) == len(template["cells"])  # every other cell as it was
    assert [c["source"] for c in nb["cells"] if c is not params] == \
        [c["source"] for c in template["cells"] if "parameters" not in c["metadata"].get("tags", [])]


def test_an_existing_copy_is_kept_without_force(tmp_path):
    copy = copy_template("teaching-demo", tmp_path)
    copy.write_text(copy.read_text(encoding="utf-8").replace("Alex", "Sam"), encoding="utf-8")
    with pytest.raises(WorkspaceError, match="already there.*--force"):
        copy_template("teaching-demo", tmp_path)
    assert "Sam" in copy.read_text(encoding="utf-8")
    copy_template("teaching-demo", tmp_path, force=True)
    assert "Sam" not in copy.read_text(encoding="utf-8")


def test_a_template_without_a_log_refuses_one(tmp_path):
    with pytest.raises(WorkspaceError, match="teaching-demo takes no --log"):
        copy_template("teaching-demo", tmp_path, log=SAMPLE)


def test_set_parameters_changes_only_the_value():
    source = 'a = "x # y"  # a comment = "z"\nb = [1,\n     2]\nc = None\n'
    assert set_parameters(source, {"a": "é#", "c": 3}) == "a = 'é#'  # a comment = \"z\"\nb = [1,\n     2]\nc = 3\n"
    with pytest.raises(WorkspaceError, match="no d"):
        set_parameters(source, {"d": 1})


@pytest.mark.parametrize(("argv", "says"), [
    (["notebook", "client-reprot"], "there is no template 'client-reprot'; the templates are client-report"),
    (["notebook", "client-report", "--log", "no-such-log.xlsx"], "the log no-such-log.xlsx is not in "),
    (["notebook", "client-report", "-o", str(ROOT / "notebooks")], "git does not ignore it"),
    (["notebook", "client-report", "-o", str(ROOT / "bactivate")], "git does not ignore it"),
    (["notebook", "teaching-demo", "--client", "Alex"], "teaching-demo takes no --client"),
    (["notebook", "teaching-demo", "--", "--no-browser"], "add --lab"),
])
def test_a_bad_notebook_command_is_one_line_and_status_2(argv, says, capsys, tmp_path, monkeypatch):
    if "git does not ignore" in says and shutil.which("git") is None:
        pytest.skip("git is not installed")
    monkeypatch.chdir(tmp_path)
    before = _digest(NOTEBOOKS)
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert err.count("\n") == 1 and err.startswith("bactivate: ") and says in err, err
    assert "Traceback" not in err and out == ""
    assert _digest(NOTEBOOKS) == before
    assert not (tmp_path / "work").exists()


def test_the_command_says_where_the_copy_is_and_refuses_to_overwrite_it(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["notebook", "client-report", "--log", str(SAMPLE)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("work/client-report.ipynb: a working copy") and "--lab" in out
    assert main(["notebook", "client-report", "--log", str(SAMPLE)]) == 2
    assert "already there" in capsys.readouterr().err


# ------------------------------------------------------------------ paths


def test_a_relative_path_is_tried_from_the_notebook_folder_then_the_project(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT / "notebooks")  # where the kernel of a template runs
    assert find_file("data/sample/client-alex.xlsx") == ROOT / "data/sample/client-alex.xlsx"  # Copy Path
    assert find_file("../data/sample/client-alex.xlsx").resolve() == SAMPLE
    (tmp_path / "mine.csv").write_text("x\n")
    monkeypatch.chdir(tmp_path)
    assert find_file("mine.csv") == tmp_path / "mine.csv"


def test_a_missing_file_is_one_line_naming_the_folders_tried(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(FileNotFound) as err:
        find_file("data/client-sam.xlsx", "the activity log")
    message = str(err.value)
    assert message == (f"the activity log data/client-sam.xlsx is not in {tmp_path.resolve()} or {ROOT}; "
                       f"give its full path, or a path from one of those folders")
    assert isinstance(err.value, FileNotFoundError)
    assert err.value._render_traceback_() == [f"FileNotFound: {message}"]  # what IPython shows: no traceback


def test_a_notebook_on_a_missing_log_shows_one_line(tmp_path):
    """Executed as Lab runs it: the error output is the one line, not a traceback."""
    nbclient = pytest.importorskip("nbclient")
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        'from bactivate.workspace import find_file\nfind_file("data/client-sam.xlsx", "the activity log")')])
    with pytest.raises(nbclient.exceptions.CellExecutionError):
        nbclient.NotebookClient(nb, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    error = nb.cells[0].outputs[-1]
    assert error["traceback"] == [f"FileNotFound: the activity log data/client-sam.xlsx is not in "
                                  f"{tmp_path.resolve()} or {ROOT}; give its full path, or a path from "
                                  f"one of those folders"]


def test_a_kernel_without_bactivate_says_what_to_do(monkeypatch):
    """The client report's import cell, on a Python without bactivate (a Lab started elsewhere)."""
    nb = json.loads((ROOT / "notebooks/client-report.ipynb").read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    source = "".join(code[1]["source"])
    guarded = source[:source.index("import matplotlib")]  # the try/except around `import bactivate`
    assert guarded.startswith("try:\n    import bactivate as ba\n")
    monkeypatch.setitem(sys.modules, "bactivate", None)  # what `import bactivate` meets there
    with pytest.raises(ModuleNotFoundError, match=r'choose the kernel "Python \(bactivate\)".*make lab') as err:
        exec(compile(guarded, "cell", "exec"), {})
    assert err.value.__cause__ is None and err.value.__suppress_context__


def test_lab_missing_is_said_before_anything_is_copied(monkeypatch, tmp_path, capsys):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "jupyterlab" else real(name, *a))
    monkeypatch.chdir(tmp_path)
    assert main(["notebook", "teaching-demo", "--lab"]) == 2
    assert "pip install 'bactivate[lab]'" in capsys.readouterr().err
    assert not (tmp_path / "work").exists()


# ------------------------------------------------------------------ first view


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_first_view_title_how_to_then_parameters_and_the_bactivate_kernel(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    first, second = nb["cells"][:2]
    text = "".join(first["source"])
    assert first["cell_type"] == "markdown" and text.startswith("# "), "a title first"
    assert "**How to use:**" in text and "Run All" in text
    assert len([line for line in text.splitlines()[1:] if line.strip()]) == 2, "a two-line how to use"
    if path.stem == "client-report":  # rendered as a report: the how-to is left out of it
        assert "notebook-only" in first["metadata"].get("tags", []), "left out of any report"
    assert second["cell_type"] == "code" and "parameters" in second["metadata"].get("tags", [])
    assert "".join(second["source"]).splitlines()[0].lower() == "# change these, then run all"
    assert nb["metadata"]["kernelspec"] == KERNEL


# ------------------------------------------------------------------ git


@needs_git
def test_a_notebook_with_outputs_cannot_be_committed(clone):
    template = clone / "notebooks" / "client-report.ipynb"
    committed = template.read_bytes()
    _with_outputs(template)  # Run All, then Lab saves the template itself
    assert _git("diff", cwd=clone) == ""  # through the filter, the template is as committed
    _git("add", "-u", cwd=clone)  # (git status may list it until then: its size changed)
    assert _git("status", "--porcelain", cwd=clone) == ""  # nothing to commit
    new = clone / "notebooks" / "mine.ipynb"
    shutil.copy(template, new)
    _git("add", "notebooks/mine.ipynb", cwd=clone)
    _git("commit", "-q", "-m", "a notebook run with a client's data", cwd=clone)
    stored = json.loads(_git("show", "HEAD:notebooks/mine.ipynb", cwd=clone))
    code = [c for c in stored["cells"] if c["cell_type"] == "code"]
    assert code and all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    assert "Alex, mood 3" not in _git("show", "HEAD:notebooks/mine.ipynb", cwd=clone)
    assert _git("show", "HEAD:notebooks/client-report.ipynb", cwd=clone).encode() == committed
    assert "Alex, mood 3" in new.read_text(encoding="utf-8")  # the working file keeps its outputs


@needs_git
def test_the_filter_is_required(clone):
    """A filter that cannot run stops the commit instead of letting outputs through."""
    _git("config", "filter.nbstripout.clean", "no-such-nbstripout-command", cwd=clone)
    new = clone / "mine.ipynb"
    shutil.copy(clone / "notebooks" / "teaching-demo.ipynb", new)
    _with_outputs(new)
    done = subprocess.run(["git", "add", "mine.ipynb"], cwd=clone, capture_output=True, text=True)
    assert done.returncode != 0 and "nbstripout" in done.stderr
    assert _git("ls-files", "--cached", "mine.ipynb", cwd=clone) == ""  # not staged


@needs_git
def test_a_copied_template_runs_and_leaves_the_templates_and_git_status_clean(clone, tmp_path, monkeypatch):
    papermill = pytest.importorskip("papermill")
    # the bactivate kernel, installed in a folder of its own for this test (make installs it in .venv)
    kernels = tmp_path / "jupyter"
    install_kernel(prefix=kernels)
    monkeypatch.setenv("JUPYTER_PATH", str(kernels / "share" / "jupyter"))
    templates = sorted((clone / "notebooks").glob("*.ipynb"))
    before, here = _digest(templates), _digest(NOTEBOOKS)
    done = subprocess.run([sys.executable, "-m", "bactivate", "notebook", "client-report",
                           "--log", "data/sample/client-alex.xlsx", "--client", "Alex"],
                          cwd=clone, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    copy = clone / "work" / "client-report.ipynb"
    assert copy.is_file()
    papermill.execute_notebook(str(copy), str(copy), cwd=str(copy.parent), progress_bar=False)
    nb = json.loads(copy.read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"]["name"] == "bactivate"
    shown = json.dumps([c.get("outputs") for c in nb["cells"]])
    assert "Alex" in shown and "Traceback" not in shown
    assert _digest(templates) == before and _digest(NOTEBOOKS) == here
    assert _git("status", "--porcelain", "--ignored=no", cwd=clone) == ""
    assert _git("check-ignore", "work/client-report.ipynb", cwd=clone).strip() == "work/client-report.ipynb"


# ------------------------------------------------------------------ JupyterLab


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _lab_command(clone: Path, options: str) -> list[str]:
    """The command ``make lab`` runs (its set-up taken as done), as make prints it."""
    venv = Path(sys.prefix)
    printed = subprocess.run(["make", "-s", "-n", "-o", f"{venv}/.installed-lab", "lab", f"VENV={venv}",
                              "NOTEBOOK=teaching-demo", f"LAB_OPTIONS={options}"],
                             cwd=clone, check=True, capture_output=True, text=True).stdout
    lines = [line for line in printed.splitlines() if line.strip()]
    assert len(lines) == 1 and " notebook teaching-demo " in lines[0] and " --lab " in lines[0], printed
    return shlex.split(lines[0])


@needs_git
def test_make_lab_serves_the_bactivate_kernel_on_the_loopback_address(clone, tmp_path):
    pytest.importorskip("jupyterlab", reason="JupyterLab is not installed (pip install '.[test]' installs it)")
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    port, token = _free_port(), "bactivate-test-token"
    root = " --allow-root" if hasattr(os, "geteuid") and os.geteuid() == 0 else ""  # e.g. in a container
    command = _lab_command(clone, f"--no-browser --port={port} --ServerApp.port_retries=0 "
                                  f"--IdentityProvider.token={token}{root}")
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
           "JUPYTER_CONFIG_DIR": str(tmp_path / "config")}
    log = open(tmp_path / "lab.log", "w+b")  # closed below
    lab = subprocess.Popen(command, cwd=clone, env=env, stdout=log, stderr=subprocess.STDOUT,
                           start_new_session=True)
    try:
        specs, deadline = None, time.monotonic() + 90
        while specs is None and time.monotonic() < deadline and lab.poll() is None:
            try:
                request = urllib.request.Request(f"http://127.0.0.1:{port}/api/kernelspecs",
                                                 headers={"Authorization": f"token {token}"})
                with urllib.request.urlopen(request, timeout=5) as answer:
                    specs = json.load(answer)
            except OSError:
                time.sleep(0.5)
        log.seek(0)
        assert specs is not None, log.read().decode(errors="replace")[-3000:]
        assert "bactivate" in specs["kernelspecs"], sorted(specs["kernelspecs"])
        assert specs["kernelspecs"]["bactivate"]["spec"]["display_name"] == KERNEL["display_name"]
        assert (clone / "work" / "teaching-demo.ipynb").is_file()
        with socket.socket() as s:  # on the loopback address only
            s.settimeout(2)
            host = socket.gethostbyname(socket.gethostname())
            if host != "127.0.0.1" and not host.startswith("127."):
                assert s.connect_ex((host, port)) != 0
    finally:
        lab.send_signal(signal.SIGTERM)
        try:
            lab.wait(timeout=30)
        except subprocess.TimeoutExpired:
            lab.kill()
            lab.wait()
        log.close()
    assert _git("status", "--porcelain", cwd=clone) == ""
