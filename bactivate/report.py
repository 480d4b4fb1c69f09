"""Rendering the client report: run the client notebook on a log, write one HTML file.

The notebook (``notebooks/client-report.ipynb``, shipped as
``bactivate.notebooks``) is executed with papermill on the given log and
turned into a single self-contained HTML file by nbconvert, without code
cells and without any link to outside resources, so it opens offline and
tells no third party that it was opened.

>>> from bactivate.report import render_report
>>> render_report("data/sample/client-alex.xlsx", "alex.html")   # doctest: +SKIP
"""

from __future__ import annotations

import ast
import copy
import os
import re
import tempfile
import threading
from importlib import resources
from pathlib import Path

from bactivate.display import TITLE, report_title
from bactivate.errors import LogError
from bactivate.io.files import file_kind
from bactivate.outputs import OutputError, check_output, replacing, same_file

NOTEBOOKS = ("client-report", "cohort-comparison", "teaching-demo")


def notebook_path(name: str = "client-report") -> Path:
    """Path of a template notebook shipped with bactivate.

    Parameters
    ----------
    name : {"client-report", "cohort-comparison", "teaching-demo"}, default "client-report"
        The template.

    Returns
    -------
    pathlib.Path
        The installed copy, or ``notebooks/<name>.ipynb`` in a source checkout.

    Examples
    --------
    >>> notebook_path().name
    'client-report.ipynb'
    """
    if name not in NOTEBOOKS:
        raise ValueError(f"no notebook {name!r}; the templates are {NOTEBOOKS}")
    try:
        return Path(str(resources.files("bactivate.notebooks") / f"{name}.ipynb"))
    except ModuleNotFoundError:  # running from a source checkout: the notebooks/ folder
        return Path(__file__).resolve().parents[1] / "notebooks" / f"{name}.ipynb"


def render_report(log, output, *, client=None, audience="clinician", parameters=None,
                  keep_notebook=False, progress=False) -> Path:
    """Execute the client notebook on *log* and write a self-contained HTML report.

    Parameters
    ----------
    log : str or os.PathLike
        Path of the activity log.
    output : str or os.PathLike
        Path of the HTML file to write (its folders are made if need be).
    client : str, optional
        The client's name or id, when the log does not say.
    audience : {"clinician", "client"}, default "clinician"
        Who the report is for: the clinician's full report, or the short one to hand to the
        client. The notebook's cells tagged ``clinician-only`` are left out of the client's
        report, those tagged ``client-only`` out of the clinician's, and those tagged
        ``notebook-only`` (the notebook's own title and how to use it) out of both.
    parameters : dict, optional
        Further notebook parameters (e.g. ``{"weeks": 6}``); a ``"values"`` path (the
        client's values map, as ``--values`` passes it) is never written over either.
    keep_notebook : bool, default False
        Also write the executed notebook beside the report (*output* with ``.ipynb``).
    progress : bool, default False
        Show a progress bar while the notebook runs.

    Returns
    -------
    pathlib.Path
        *output*, as a ``Path``.

    Before the notebook runs, the log is opened (and its kind told from its first
    bytes), the outputs are checked (neither is the log, also through a link; no
    folder in the way; a folder that can be written to) and the packages that run
    the notebook are looked for. The report (and the notebook) are written to a
    temporary file beside them and moved into place: whole, or not at all.

    The notebook's figures are inline images whatever ``MPLBACKEND`` says (the kernel is
    given matplotlib's inline backend), each with alt text that says what it shows
    (:func:`bactivate.display.setup`); the page's title names the client
    (:func:`bactivate.display.report_title`).

    Raises
    ------
    OSError : the log cannot be opened (missing, a folder, no permission).
    LogError : the log is not a kind of file bactivate reads, or the notebook
        could not read it (its loader's message).
    OutputError : an output cannot be written there (an ``OSError``; nothing written).
    SetupError : a package that runs the notebook is missing, or the Jupyter
        kernel did not start (a ``ReportError``).
    ReportError : the notebook stopped with any other error.

    Examples
    --------
    The example starts a Jupyter kernel and runs the whole notebook (several
    seconds), so it is not run as a doctest:

    >>> from bactivate.report import render_report
    >>> render_report("data/sample/client-alex.xlsx", "alex.html")  # doctest: +SKIP
    PosixPath('alex.html')
    """

    if audience not in AUDIENCES:
        raise ValueError(f"audience={audience!r}: the report is for one of {AUDIENCES}")
    source = Path(log)
    log = source.resolve()
    with open(log, "rb"):  # a missing or unreadable file stops here, before a kernel starts
        pass
    file_kind(log)  # an empty, encrypted or damaged file too (a LogError)
    output = Path(output)
    instead = source.with_name(source.stem + "-report.html").name
    check_output(output, "the report", inputs=[log], source="the log", example="report.html",
                 instead=instead, make_folders=True)
    # a reading option's file (the values map, as --values passes it) is an input too
    mapped = (parameters or {}).get("values")
    if isinstance(mapped, str | os.PathLike):
        check_output(output, "the report", inputs=[mapped], source="the values map", example="report.html",
                     instead=instead, make_folders=True)
    kept = output.with_suffix(".ipynb")
    if keep_notebook:
        if same_file(kept, output):
            raise OutputError("the report", f"{output} is where the kept notebook goes; give the report "
                                            "a name that ends in .html")
        check_output(kept, "the kept notebook", inputs=[log], source="the log", example="report.ipynb",
                     instead=Path(instead).with_suffix(".ipynb").name, make_folders=True)
    _require()
    params = {"log_path": str(log), "client": client, "audience": audience, **(parameters or {})}
    try:
        with tempfile.TemporaryDirectory(prefix="bactivate-") as tmp:
            # The kernel starts first and imports the report's packages while this process imports
            # papermill and nbconvert (a second or two each): on two or more cores the waits overlap.
            km = _kernel(tmp)
            try:
                nb = _execute(km, params, progress)
                title = _title(km, params["client"])
            finally:
                _stop_kernel(km)
        shown = for_audience(nb, params["audience"])
        shown["metadata"]["title"] = title  # the page's <title>, escaped by the template
        html = notebook_html(shown)
    except ModuleNotFoundError as exc:  # installed, but broken: one of its own packages is missing
        raise SetupError(_missing(exc.name or str(exc))) from None
    if keep_notebook:
        import nbformat

        with replacing(kept, "the kept notebook", make_folders=True) as tmp:
            nbformat.write(nb, str(tmp))
    with replacing(output, "the report", make_folders=True) as tmp:
        tmp.write_text(html, encoding="utf-8")
    return output


#: who a report is for: the first is the default
AUDIENCES = ("clinician", "client")
#: a cell with this tag is left out of the report for that audience
LEFT_OUT = {"client": "clinician-only", "clinician": "client-only"}
#: a cell with this tag is for whoever opens the notebook (its title and how to use it): in no report
NOTEBOOK_ONLY = "notebook-only"


def for_audience(nb, audience: str):
    """*nb* without the cells not meant for *audience* (a copy; *nb* is unchanged).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An (executed) notebook.
    audience : {"clinician", "client"}
        Who the report is for: cells tagged ``clinician-only`` are left out of the
        client's report, cells tagged ``client-only`` out of the clinician's; cells tagged
        ``notebook-only`` (how to use the notebook) are left out of both.

    Returns
    -------
    nbformat.NotebookNode
        A copy of *nb* with those cells removed.

    Examples
    --------
    >>> import nbformat
    >>> cell = nbformat.v4.new_markdown_cell
    >>> nb = nbformat.v4.new_notebook(cells=[cell("both"), cell("stats", metadata={"tags": ["clinician-only"]}),
    ...                                      cell("hello", metadata={"tags": ["client-only"]}),
    ...                                      cell("Run All", metadata={"tags": ["notebook-only"]})])
    >>> [c.source for c in for_audience(nb, "client").cells]
    ['both', 'hello']
    >>> [c.source for c in for_audience(nb, "clinician").cells]
    ['both', 'stats']
    """
    if audience not in LEFT_OUT:
        raise ValueError(f"audience={audience!r}: the report is for one of {AUDIENCES}")
    out = copy.copy(nb)
    out["metadata"] = copy.copy(nb.get("metadata", {}))
    out["cells"] = [c for c in nb.cells
                    if not {LEFT_OUT[audience], NOTEBOOK_ONLY} & set(c.get("metadata", {}).get("tags") or ())]
    return out


class ReportError(RuntimeError):
    """The client notebook stopped with an error other than an unreadable log."""


class SetupError(ReportError):
    """The report cannot run here: a package is missing, or the Jupyter kernel did not start."""


#: the packages that run and render the notebook (all in bactivate's base install)
_PACKAGES = ("jupyter_client", "jupyter_core", "ipykernel", "papermill", "nbclient", "nbconvert", "nbformat")


def _require() -> None:
    """Raise SetupError, before any work, when a package that runs the notebook is missing."""
    import importlib.util

    for name in _PACKAGES:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):  # a module set to None, or a broken one
            found = False
        if not found:
            raise SetupError(_missing(name))


def _missing(name: str) -> str:
    """The message for a missing package *name*."""
    return (f"the report needs the Python package {name!r}, which is missing from this installation; "
            f"`pip install bactivate` installs it with the others (reinstall: "
            f"pip install --force-reinstall bactivate)")


def _kernel(cwd: str):
    """A started kernel, or SetupError saying why it could not start (never a kernel traceback)."""
    _loopback()
    try:
        return _start_kernel(cwd)
    except ModuleNotFoundError:
        raise
    except Exception as exc:  # NoSuchKernel, RuntimeError, TimeoutError, OSError, zmq errors, ...
        raise SetupError(_no_kernel(exc)) from None


def _no_kernel(exc: BaseException) -> str:
    """The message for a kernel that did not start or stopped answering."""
    why = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return (f"the Jupyter kernel that runs the report notebook could not start or stopped answering "
            f"({why}); check that `python -m ipykernel --version` works and that the loopback "
            f"network (127.0.0.1) is up, then try again")


def _loopback() -> None:
    """The kernel talks to this process over 127.0.0.1: check that it answers, in milliseconds,
    instead of waiting a minute for a kernel that cannot be reached."""
    import socket

    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
            server.bind(("127.0.0.1", 0))
            server.listen(1)
            with socket.create_connection(server.getsockname(), timeout=5):
                pass
    except OSError as exc:
        raise SetupError(
            f"the report runs its notebook in a local Jupyter kernel, which needs the loopback "
            f"network (127.0.0.1), and a connection to it failed ({exc.strerror or exc}); bring the "
            f"loopback interface up (e.g. `ip link set lo up`) and try again") from None


#: what the kernel imports while it starts; the notebook imports them again (then at no cost).
#: bactivate.display.setup() gives every figure the kernel shows its alt text.
_WARM = "import matplotlib.pyplot, bactivate, bactivate.plot, bactivate.display; bactivate.display.setup()"
#: matplotlib's inline backend: figures are images in the notebook, whatever MPLBACKEND the
#: user's shell sets (ipykernel keeps a backend set there, e.g. Agg, and then shows no figures)
INLINE = "module://matplotlib_inline.backend_inline"


def _start_kernel(cwd: str):
    """A kernel manager with its kernel started in *cwd*."""
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    class Manager(AsyncKernelManager):
        """Remembers the clients it hands out: papermill does not close them for a kernel it
        did not start, so they are closed with the kernel."""

        def client(self, **kwargs):
            """A kernel client, remembered to be closed with the kernel."""
            kc = super().client(**kwargs)
            self.clients.append(kc)
            return kc

    km = Manager(kernel_name="python3")
    km.clients = []
    env = {**os.environ, "MPLBACKEND": INLINE}
    run_sync(km.start_kernel)(cwd=cwd, env=env, extra_arguments=[
        # the kernel warns that its loopback connection is not encrypted: nothing leaves the machine
        "--IPKernelApp.log_level=ERROR",
        f"--IPKernelApp.exec_lines={[_WARM]!r}",
        "--HistoryManager.enabled=False",  # a report's cells need no IPython history database
    ])
    return km


def _stop_kernel(km) -> None:
    """Close the kernel's clients and shut it down at once."""
    from jupyter_core.utils import run_sync

    for kc in km.clients:
        kc.stop_channels()
    if km.has_kernel:
        run_sync(km.shutdown_kernel)(now=True)  # every output is in: no need to wait for a clean exit


def _execute(km, params: dict, progress: bool):
    """The executed client notebook (papermill on the started kernel, *params* injected)."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    # this process waits while the kernel works: meanwhile, another thread readies the HTML export
    threading.Thread(target=_ready_exporter, daemon=True, name="bactivate-html").start()
    try:
        # no output path: papermill keeps the executed notebook in memory instead of
        # rewriting the whole file (every figure so far) before and after each cell
        return pm.execute_notebook(str(notebook_path("client-report")), None, parameters=params,
                                   kernel_name="python3", progress_bar=progress, log_output=False, km=km)
    except PapermillExecutionError as exc:
        raise _stopped(exc) from None
    except (RuntimeError, TimeoutError, ConnectionError) as exc:
        # the kernel did not answer ("Kernel didn't respond in 60 seconds"), or died (DeadKernelError)
        raise SetupError(_no_kernel(exc)) from None
    except Exception as exc:
        if type(exc).__module__.startswith("zmq"):  # a socket between here and the kernel failed
            raise SetupError(_no_kernel(exc)) from None
        raise


#: what the kernel is asked, once the notebook has run: the page title, from the notebook's log
_TITLE = "__import__('bactivate.display').display.report_title(log, {client!r})"


def _title(km, client) -> str:
    """The page title, naming the client of the log the notebook read (asked of the kernel);
    from *client* alone if the kernel cannot say."""
    try:
        from jupyter_core.utils import run_sync

        kc = km.client()
        kc.start_channels()
        msg_id = kc.execute("", silent=True, store_history=False,
                            user_expressions={"title": _TITLE.format(client=client)})
        for _ in range(100):  # other replies (none are expected) are skipped
            reply = run_sync(kc.get_shell_msg)(timeout=30)
            if reply["parent_header"].get("msg_id") == msg_id:
                answer = reply["content"]["user_expressions"]["title"]
                if answer.get("status") == "ok":
                    title = ast.literal_eval(answer["data"]["text/plain"])
                    if isinstance(title, str):
                        return title
                break
    except Exception:  # no `log` in the notebook, a kernel that stopped answering: the given name
        pass
    return report_title(client=client)


def _ready_exporter() -> None:
    """_exporter in the background: a failure shows when the report is exported, not as a thread's traceback."""
    try:
        _exporter()
    except Exception:  # raised again, in the main thread, by notebook_html
        pass


def _stopped(exc) -> Exception:
    """The error to raise when the notebook stopped: a LogError for a log it could not read."""

    if exc.ename == "LogError":
        return LogError(exc.evalue)
    return ReportError(f"the report notebook stopped at cell {exc.exec_count}: {exc.ename}: {exc.evalue}")


_COMMENTS = re.compile(r"/\*.*?\*/|<!--.*?-->", re.DOTALL)


def notebook_html(nb, title=None) -> str:
    """HTML of an executed notebook: outputs only, images inline, no external resources.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The executed notebook.
    title : str, optional
        The page's title (plain text; it is escaped); by default the notebook's
        ``metadata.title``, else "Activity log report".

    Returns
    -------
    str
        One self-contained HTML page (no code cells, no prompts, no comments or addresses).

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Alex")])
    >>> html = notebook_html(nb)
    >>> html.startswith("<!DOCTYPE html>"), "Alex" in html, "http" in html
    (True, True, False)
    >>> "<title>Report – &lt;Sam&gt;</title>" in notebook_html(nb, title="Report – <Sam>")
    True
    """
    exporter = _exporter()
    nb = copy.copy(nb)
    nb["metadata"] = copy.copy(nb.get("metadata", {}))
    nb["metadata"]["title"] = title or nb["metadata"].get("title") or TITLE
    with _EXPORTING:  # the exporter keeps state while it works: one export at a time
        html, _ = exporter.from_notebook_node(nb)
    # comments in the inlined theme CSS cite web pages; a report carries no addresses at all
    return _COMMENTS.sub("", html)


_EXPORTING, _MAKING = threading.Lock(), threading.Lock()
_EXPORTERS: list = []


def _exporter():
    """The HTML exporter, made once, its templates compiled (by converting an empty notebook)."""
    with _MAKING:
        if not _EXPORTERS:
            import nbformat
            from nbconvert import HTMLExporter

            templates = Path(__file__).parent / "templates"
            exporter = HTMLExporter(template_name="bactivate_report",
                                    extra_template_basedirs=[str(templates)])
            exporter.exclude_input = True
            exporter.exclude_input_prompt = True
            exporter.exclude_output_prompt = True
            exporter.embed_images = True
            with _EXPORTING:
                exporter.from_notebook_node(nbformat.v4.new_notebook())
            _EXPORTERS.append(exporter)
        return _EXPORTERS[0]
