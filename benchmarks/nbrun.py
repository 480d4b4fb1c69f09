"""Run a notebook the way ``bactivate report`` does: papermill, then nbconvert to one HTML file.

    python -m benchmarks.nbrun NOTEBOOK.ipynb OUT.html [name=value ...]

Used by W5 for the baseline notebook, in a fresh interpreter like the
``bactivate report`` command it is compared with: papermill executes it on the
``python3`` kernel (parameters injected, no progress bar, no output logging,
in a temporary folder) and nbconvert's HTMLExporter writes it without code
cells and with images embedded.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path


def main(argv: list[str]) -> int:
    import nbformat
    import papermill as pm
    from nbconvert import HTMLExporter

    notebook, output, *pairs = argv
    params = dict(p.split("=", 1) for p in pairs)
    with tempfile.TemporaryDirectory(prefix="bactivate-bench-") as tmp:
        executed = Path(tmp) / "executed.ipynb"
        pm.execute_notebook(notebook, str(executed), parameters=params, kernel_name="python3",
                            progress_bar=False, cwd=tmp, log_output=False)
        nb = nbformat.read(executed, as_version=4)
    exporter = HTMLExporter()
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.embed_images = True
    html, _ = exporter.from_notebook_node(nb)
    Path(output).write_text(html, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
