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

import re
import tempfile
import threading
from importlib import resources
from pathlib import Path

NOTEBOOKS = ("client-report", "cohort-comparison", "teaching-demo")


def notebook_path(name: str = "client-report") -> Path:
    """Path of a template notebook shipped with bactivate."""
    if name not in NOTEBOOKS:
        raise ValueError(f"no notebook {name!r}; the templates are {NOTEBOOKS}")
    try:
        return Path(str(resources.files("bactivate.notebooks") / f"{name}.ipynb"))
    except ModuleNotFoundError:  # running from a source checkout: the notebooks/ folder
        return Path(__file__).resolve().parents[1] / "notebooks" / f"{name}.ipynb"


def render_report(log, output, *, client=None, parameters=None, keep_notebook=False,
                  progress=False) -> Path:
    """Execute the client notebook on *log* and write a self-contained HTML report.

    Parameters
    ----------
    log : path of the activity log.
    output : path of the HTML file to write.
    client : the client's name or id, when the log does not say.
    parameters : further notebook parameters (e.g. ``{"weeks": 6}``).
    keep_notebook : also write the executed notebook beside the report.
    progress : show a progress bar while the notebook runs.

    Raises
    ------
    OSError : the log cannot be opened (missing, a folder, no permission).
    LogError : the notebook could not read the log (its loader's message).
    ReportError : the notebook stopped with any other error.
    """
    log = Path(log).resolve()
    with open(log, "rb"):  # a missing or unreadable file stops here, before a kernel starts
        pass
    output = Path(output)
    params = {"log_path": str(log), "client": client, **(parameters or {})}
    with tempfile.TemporaryDirectory(prefix="bactivate-") as tmp:
        # The kernel starts first and imports the report's packages while this process imports
        # papermill and nbconvert (a second or two each): on two or more cores the waits overlap.
        km = _start_kernel(tmp)
        try:
            nb = _execute(km, params, progress)
        finally:
            _stop_kernel(km)
    html = notebook_html(nb)
    if keep_notebook:
        import nbformat

        nbformat.write(nb, output.with_suffix(".ipynb"))
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(html, encoding="utf-8")
    return output


#: what the kernel imports while it starts; the notebook imports them again (then at no cost)
_WARM = "import matplotlib.pyplot, bactivate, bactivate.plot"


def _start_kernel(cwd: str):
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    class Manager(AsyncKernelManager):
        """Remembers the clients it hands out: papermill does not close them for a kernel it
        did not start, so they are closed with the kernel."""

        def client(self, **kwargs):
            kc = super().client(**kwargs)
            self.clients.append(kc)
            return kc

    km = Manager(kernel_name="python3")
    km.clients = []
    run_sync(km.start_kernel)(cwd=cwd, extra_arguments=[
        # the kernel warns that its loopback connection is not encrypted: nothing leaves the machine
        "--IPKernelApp.log_level=ERROR",
        f"--IPKernelApp.exec_lines={[_WARM]!r}",
        "--HistoryManager.enabled=False",  # a report's cells need no IPython history database
    ])
    return km


def _stop_kernel(km) -> None:
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
    threading.Thread(target=_exporter, daemon=True, name="bactivate-html").start()
    try:
        # no output path: papermill keeps the executed notebook in memory instead of
        # rewriting the whole file (every figure so far) before and after each cell
        return pm.execute_notebook(str(notebook_path("client-report")), None, parameters=params,
                                   kernel_name="python3", progress_bar=progress, log_output=False, km=km)
    except PapermillExecutionError as exc:
        raise _stopped(exc) from None


class ReportError(RuntimeError):
    """The client notebook stopped with an error other than an unreadable log."""


def _stopped(exc) -> Exception:
    """The error to raise when the notebook stopped: a LogError for a log it could not read."""
    from bactivate.errors import LogError

    if exc.ename == "LogError":
        return LogError(exc.evalue)
    return ReportError(f"the report notebook stopped at cell {exc.exec_count}: {exc.ename}: {exc.evalue}")


_COMMENTS = re.compile(r"/\*.*?\*/|<!--.*?-->", re.DOTALL)


def notebook_html(nb) -> str:
    """HTML of an executed notebook: outputs only, images inline, no external resources."""
    exporter = _exporter()
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
