"""Working in JupyterLab: templates copied to a working folder, the ``bactivate`` kernel, paths.

The template notebooks in ``notebooks/`` stay templates. ``bactivate notebook NAME``
(:func:`copy_template`) copies one into a working folder that git ignores (``work/`` by
default), with its parameters filled in, and ``--lab`` opens JupyterLab on the copy
(:func:`lab_command`), with the Jupyter kernel named ``bactivate`` (:data:`KERNEL`,
installed by :func:`install_kernel`) that the templates ask for. The repository's
git filter (:func:`install_git_filter`) strips outputs from every notebook that is
committed, so even a template saved with a client's outputs commits clean.

A notebook's relative paths are found with :func:`find_file`: from the notebook's
folder (where its kernel runs), then from the project's folder (where JupyterLab's
"Copy Path" starts); a file in neither is one line that names the folders tried.

>>> KERNEL["name"], KERNEL["display_name"]
('bactivate', 'Python (bactivate)')
"""

from __future__ import annotations

import ast
import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

from bactivate.outputs import check_output, replacing
from bactivate.report import NOTEBOOKS, notebook_path

__all__ = ["KERNEL", "FileNotFound", "WorkspaceError", "check_lab", "copy_template", "find_file",
           "install_git_filter", "install_kernel", "lab_command", "open_lab", "project_root",
           "set_parameters", "set_up"]

#: the Jupyter kernel the templates ask for (their ``metadata.kernelspec``): the Python of
#: the environment bactivate is installed in
KERNEL = {"name": "bactivate", "display_name": "Python (bactivate)", "language": "python"}
#: the folder, in the current folder, where ``bactivate notebook`` puts its copies (git ignores it)
WORK = "work"
#: for each template, its parameters for ``--log`` and ``--client`` (None: it takes none)
TAKES = {"client-report": ("log_path", "client"), "cohort-comparison": ("cohort_path", None),
         "teaching-demo": (None, None)}


class WorkspaceError(Exception):
    """A template cannot be copied or opened as asked (the message says why and what to do)."""


class FileNotFound(FileNotFoundError):
    """A file is in none of the folders tried; the message names them (a ``FileNotFoundError``).

    In a notebook it shows as its one-line message, without a traceback.
    """

    def __str__(self) -> str:
        return self.args[0]

    def _render_traceback_(self) -> list[str]:  # IPython shows these lines instead of a traceback
        return [f"FileNotFound: {self.args[0]}"]


def project_root() -> Path | None:
    """The folder of the bactivate checkout this package runs from, if it runs from one.

    Returns
    -------
    pathlib.Path or None
        The folder that holds ``pyproject.toml`` and ``notebooks/`` next to the package
        (an editable install or a source checkout); None for an installed wheel.

    Examples
    --------
    >>> root = project_root()
    >>> root is None or (root / "notebooks").is_dir()
    True
    """
    root = Path(__file__).resolve().parents[1]
    if (root / "pyproject.toml").is_file() and (root / "notebooks" / "client-report.ipynb").is_file():
        return root
    return None


def find_file(path, what: str = "the file", *, folders=None) -> Path:
    """*path* as a file that exists: a relative path is tried from each of *folders* in turn.

    Parameters
    ----------
    path : str or os.PathLike
        The path as written, e.g. ``"data/sample/client-alex.xlsx"`` (JupyterLab's
        "Copy Path", from the project's folder) or ``"../data/sample/client-alex.xlsx"``
        (from the notebook's folder); ``~`` is the home folder.
    what : str, default "the file"
        What the file is, for the message (``"the activity log"``).
    folders : list of path, optional
        Where to look for a relative path; by default the current folder (in a notebook,
        the notebook's folder) and then the project's folder (:func:`project_root`).

    Returns
    -------
    pathlib.Path
        The absolute path of the file (or folder) found.

    Raises
    ------
    FileNotFound
        (a ``FileNotFoundError``) when it is in none of them: one line naming the folders
        tried; a notebook shows that line and no traceback.

    Examples
    --------
    >>> find_file("data/sample/client-alex.xlsx", "the log").name
    'client-alex.xlsx'
    >>> find_file("nowhere.xlsx", "the activity log", folders=["/tmp"])
    Traceback (most recent call last):
    bactivate.workspace.FileNotFound: the activity log nowhere.xlsx is not in /tmp; give its full path, or a path from that folder
    """
    given = os.fspath(path)
    wanted = Path(given).expanduser()
    if wanted.is_absolute():
        if wanted.exists():
            return wanted
        raise FileNotFound(f"{what} {given} does not exist; check the path (JupyterLab's "
                           f"right-click > Copy Path gives one that works)")
    if folders is None:
        folders = [Path.cwd(), *([project_root()] if project_root() else [])]
    tried = []
    for folder in folders:
        folder = Path(folder).resolve()
        if folder in tried:
            continue
        tried.append(folder)
        if (folder / wanted).exists():
            return folder / wanted
    where = " or ".join(str(f) for f in tried)
    raise FileNotFound(f"{what} {given} is not in {where}; give its full path, or a path from "
                       f"{'one of those folders' if len(tried) > 1 else 'that folder'}")


def copy_template(name: str, folder=WORK, *, log=None, client=None, force: bool = False) -> Path:
    """Copy the template notebook *name* into *folder*, its parameters filled in.

    Parameters
    ----------
    name : {"client-report", "cohort-comparison", "teaching-demo"}
        The template.
    folder : str or os.PathLike, default "work"
        The working folder (made if need be). Inside a git repository it must be one
        that git ignores (``work/`` is): client data there can never be committed.
    log : str or os.PathLike, optional
        The activity log (``client-report``) or the cohort's folder
        (``cohort-comparison``), found as :func:`find_file` finds it; written into the
        copy as a full path.
    client : str, optional
        The client's name or id (``client-report``), when the log does not say.
    force : bool, default False
        Replace a working copy that is already there (else that is an error).

    Returns
    -------
    pathlib.Path
        The copy: ``folder/name.ipynb``, without outputs, asking for the ``bactivate`` kernel.

    Raises
    ------
    WorkspaceError
        An unknown *name*, a template that takes no *log* or *client*, a folder git does not
        ignore, or a copy that is already there.
    FileNotFound
        *log* is not there.

    Examples
    --------
    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> copy = copy_template("client-report", folder, log="data/sample/client-alex.xlsx")
    >>> copy.name
    'client-report.ipynb'
    >>> copy_template("client-report", folder)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    bactivate.workspace.WorkspaceError: .../client-report.ipynb is already there (your working copy): open it, or add --force to start again from the template
    """
    import nbformat

    if name not in NOTEBOOKS:
        raise WorkspaceError(f"there is no template {name!r}; the templates are {', '.join(NOTEBOOKS)}")
    log_name, client_name = TAKES[name]
    values = {}
    for given, param, option in ((log, log_name, "--log"), (client, client_name, "--client")):
        if given is None:
            continue
        if param is None:
            raise WorkspaceError(f"{name} takes no {option}; leave it out")
        values[param] = str(find_file(given, "the log")) if option == "--log" else str(given)
    template = notebook_path(name)
    target = Path(folder) / f"{name}.ipynb"
    _check_ignored(target)
    if target.exists() and not force:
        raise WorkspaceError(f"{target} is already there (your working copy): open it, or add "
                             f"--force to start again from the template")
    inputs = [template, *([values[log_name]] if log_name in values else [])]
    check_output(target, "the working copy", inputs=inputs, source="the template or the log",
                 example=f"{name}.ipynb", make_folders=True)
    nb = nbformat.read(str(template), as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        if "parameters" in cell.metadata.get("tags", ()):
            cell.source = set_parameters(cell.source, values)
    nb.metadata["kernelspec"] = dict(KERNEL)
    with replacing(target, "the working copy", make_folders=True) as tmp:
        nbformat.write(nb, str(tmp))
    return target


def set_parameters(source: str, values: dict) -> str:
    """*source* (a parameters cell) with the values of the names in *values* replaced.

    Parameters
    ----------
    source : str
        Python code assigning each parameter once, ``name = value  # comment``.
    values : dict
        The new values (written with ``repr``); a name the cell does not assign is an error.

    Returns
    -------
    str
        The cell with only those values changed (comments and the other lines as they were).

    Examples
    --------
    >>> print(set_parameters('log = "a.csv"  # the log\\nweeks = None', {"log": "b #1.csv"}))
    log = 'b #1.csv'  # the log
    weeks = None
    """
    lines = source.splitlines(keepends=True)
    spans = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            spans[node.targets[0].id] = node.value
    missing = set(values) - set(spans)
    if missing:
        raise WorkspaceError(f"the template's parameters cell has no {', '.join(sorted(missing))}")
    for key in sorted(values, key=lambda k: (spans[k].lineno, spans[k].col_offset), reverse=True):
        v = spans[key]
        if v.lineno != v.end_lineno:
            raise WorkspaceError(f"the template's parameter {key} spans several lines; set it by hand")
        line = lines[v.lineno - 1].encode()  # ast's offsets count UTF-8 bytes
        lines[v.lineno - 1] = (line[:v.col_offset] + repr(values[key]).encode()
                               + line[v.end_col_offset:]).decode()
    return "".join(lines)


def _git(*args, cwd) -> subprocess.CompletedProcess | None:
    """``git *args`` run in *cwd*; None when git is not installed."""
    if shutil.which("git") is None:
        return None
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)


def _check_ignored(target: Path) -> None:
    """WorkspaceError when *target* is inside a git repository that does not ignore it."""
    near = Path(os.path.abspath(target)).parent
    while not near.is_dir():
        near = near.parent
    top = _git("rev-parse", "--show-toplevel", cwd=near)
    if top is None or top.returncode != 0:  # no git, or not in a repository: nothing to commit to
        return
    ignored = _git("check-ignore", "-q", "--no-index", os.path.abspath(target), cwd=near)
    if ignored.returncode != 0:
        raise WorkspaceError(
            f"{target.parent} is inside the git repository {top.stdout.strip()} and git does not "
            f"ignore it, so a client's data there could be committed; use the folder work/ (git "
            f"ignores it) or a folder outside the repository")


def install_kernel(*, user: bool = False, prefix=None) -> Path:
    """Install the ``bactivate`` Jupyter kernel: this Python, the one bactivate is installed in.

    Parameters
    ----------
    user : bool, default False
        Install it for this user (every JupyterLab the user starts finds it), instead of
        into this environment.
    prefix : str or os.PathLike, optional
        Install it under this prefix instead (default: this environment, ``sys.prefix``).

    Returns
    -------
    pathlib.Path
        The kernel's folder (holding ``kernel.json``).

    Examples
    --------
    >>> import tempfile
    >>> (install_kernel(prefix=tempfile.mkdtemp()) / "kernel.json").is_file()
    True
    """
    from ipykernel.kernelspec import install

    where = None if user else os.fspath(prefix) if prefix is not None else sys.prefix
    return Path(install(user=user, prefix=where, kernel_name=KERNEL["name"],
                        display_name=KERNEL["display_name"]))


def _kernel_installed() -> bool:
    """Whether a Jupyter started from this Python finds the ``bactivate`` kernel."""
    from jupyter_client.kernelspec import KernelSpecManager

    return KERNEL["name"] in KernelSpecManager().find_kernel_specs()


def install_git_filter(repo=".") -> None:
    """Install, in the git repository *repo*, the filter that strips outputs from notebooks.

    Every ``*.ipynb`` is committed through nbstripout (this Python's): outputs and
    execution counts never reach git, whatever the working copy holds. The filter is
    required, so if it cannot run the commit stops instead of going through unstripped.
    ``.gitattributes`` names the filter; a repository without that line gets it in
    ``.git/info/attributes``.

    Parameters
    ----------
    repo : str or os.PathLike, default "."
        A folder inside the repository.

    Returns
    -------
    None

    Examples
    --------
    >>> import subprocess, tempfile
    >>> repo = tempfile.mkdtemp()
    >>> _ = subprocess.run(["git", "init", "-q", repo], check=True)
    >>> install_git_filter(repo)
    >>> subprocess.run(["git", "check-attr", "filter", "--", "x.ipynb"], cwd=repo,
    ...                capture_output=True, text=True).stdout
    'x.ipynb: filter: nbstripout\\n'
    """
    if importlib.util.find_spec("nbstripout") is None:
        raise WorkspaceError("the git filter needs nbstripout: pip install nbstripout")
    python = sys.executable.replace("\\", "/")
    for key, value in (("filter.nbstripout.clean", f'"{python}" -m nbstripout'),
                       ("filter.nbstripout.smudge", "cat"),
                       ("filter.nbstripout.required", "true"),
                       ("diff.ipynb.textconv", f'"{python}" -m nbstripout -t')):
        done = _git("config", "--local", key, value, cwd=repo)
        if done is None or done.returncode != 0:
            raise WorkspaceError(f"cannot set git's {key} in {repo}: "
                                 f"{done.stderr.strip() if done else 'git is not installed'}")
    attr = _git("check-attr", "filter", "--", "x.ipynb", cwd=repo)
    if not attr.stdout.strip().endswith("nbstripout"):
        info = Path(repo, _git("rev-parse", "--git-path", "info/attributes", cwd=repo).stdout.strip())
        info.parent.mkdir(parents=True, exist_ok=True)
        with open(info, "a", encoding="utf-8") as fh:
            fh.write("*.ipynb filter=nbstripout diff=ipynb\n")


def set_up(repo=None) -> list[str]:
    """The set-up of a checkout (``make``): the ``bactivate`` kernel, and the git filter.

    Parameters
    ----------
    repo : str or os.PathLike, optional
        The checkout (default: :func:`project_root`). Its git filter is installed when it
        is a git repository and nbstripout is installed.

    Returns
    -------
    list of str
        One line for each thing done, or not done and why.

    Examples
    --------
    >>> set_up()  # doctest: +SKIP
    ['the Jupyter kernel bactivate: .venv/share/jupyter/kernels/bactivate', ...]
    """
    done = [f"the Jupyter kernel {KERNEL['name']} ({KERNEL['display_name']}): {install_kernel()}"]
    repo = repo if repo is not None else project_root()
    inside = repo is not None and _git("rev-parse", "--git-dir", cwd=repo)
    if not inside or inside.returncode != 0:
        done.append("no git filter: not a git checkout")
    elif importlib.util.find_spec("nbstripout") is None:
        done.append("no git filter: nbstripout is not installed (pip install nbstripout)")
    else:
        install_git_filter(repo)
        done.append(f"the git filter that strips notebook outputs before a commit: {repo}")
    return done


def lab_command(notebook, *, python=None, options=()) -> tuple[list[str], Path]:
    """The command that starts JupyterLab on *notebook*, and the folder to start it in.

    Parameters
    ----------
    notebook : str or os.PathLike
        The notebook to open.
    python : str, optional
        The Python that runs JupyterLab (default: this one).
    options : sequence of str
        More options for JupyterLab (``--no-browser``, ``--port=0``, ...).

    Returns
    -------
    (list of str, pathlib.Path)
        The command, and its folder: the project's folder when the notebook is in it (so
        "Copy Path" gives paths :func:`find_file` finds), else the notebook's folder.
        Lab listens on the loopback address (127.0.0.1) only.

    Examples
    --------
    >>> command, folder = lab_command("work/client-report.ipynb", python="python")
    >>> command[:4], command[-1]
    (['python', '-m', 'jupyterlab', '--ServerApp.ip=127.0.0.1'], '--ServerApp.default_url=/lab/tree/work/client-report.ipynb')
    """
    path = Path(os.path.abspath(notebook))
    root = project_root()
    folder = root if root is not None and path.is_relative_to(root) else path.parent
    return ([python or sys.executable, "-m", "jupyterlab", "--ServerApp.ip=127.0.0.1", *options,
             f"--ServerApp.default_url=/lab/tree/{path.relative_to(folder).as_posix()}"], folder)


def check_lab() -> None:
    """Raise WorkspaceError, saying what to install, when JupyterLab is not installed here.

    Returns
    -------
    None

    Examples
    --------
    >>> check_lab()  # doctest: +SKIP
    """
    if importlib.util.find_spec("jupyterlab") is None:
        raise WorkspaceError("JupyterLab is not installed with bactivate here: "
                             "pip install 'bactivate[lab]' (in the project: make lab)")


def open_lab(notebook, *, options=()) -> None:
    """Start JupyterLab on *notebook* in place of this process (it returns only on an error).

    The ``bactivate`` kernel is installed into this environment first if Jupyter does
    not find it.

    Parameters
    ----------
    notebook : str or os.PathLike
        The notebook to open.
    options : sequence of str
        More options for JupyterLab.

    Returns
    -------
    None

    Examples
    --------
    >>> open_lab("work/client-report.ipynb", options=["--no-browser"])  # doctest: +SKIP
    """
    check_lab()
    if not _kernel_installed():
        try:
            install_kernel()
        except OSError:  # this environment cannot be written to: for this user instead
            install_kernel(user=True)
    command, folder = lab_command(notebook, options=options)
    sys.stdout.flush()
    sys.stderr.flush()
    os.chdir(folder)
    if os.name == "posix":
        os.execv(command[0], command)  # Lab gets this process: Ctrl-C and signals reach it
    sys.exit(subprocess.call(command))
