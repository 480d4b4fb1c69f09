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
    """
    import nbformat
    import papermill as pm

    log = Path(log).resolve()
    output = Path(output)
    params = {"log_path": str(log), "client": client, **(parameters or {})}
    with tempfile.TemporaryDirectory(prefix="bactivate-") as tmp:
        executed = Path(tmp) / "client-report.ipynb"
        pm.execute_notebook(
            str(notebook_path("client-report")), str(executed), parameters=params,
            kernel_name="python3", progress_bar=progress, cwd=tmp, log_output=False,
            # the kernel warns that its loopback connection is not encrypted: nothing leaves the machine
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
        )
        nb = nbformat.read(executed, as_version=4)
        html = notebook_html(nb)
        if keep_notebook:
            nbformat.write(nb, output.with_suffix(".ipynb"))
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(html, encoding="utf-8")
    return output


_COMMENTS = re.compile(r"/\*.*?\*/|<!--.*?-->", re.DOTALL)


def notebook_html(nb) -> str:
    """HTML of an executed notebook: outputs only, images inline, no external resources."""
    from nbconvert import HTMLExporter

    templates = Path(__file__).parent / "templates"
    exporter = HTMLExporter(template_name="bactivate_report", extra_template_basedirs=[str(templates)])
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.embed_images = True
    html, _ = exporter.from_notebook_node(nb)
    # comments in the inlined theme CSS cite web pages; a report carries no addresses at all
    return _COMMENTS.sub("", html)
