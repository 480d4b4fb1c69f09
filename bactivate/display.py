"""What a report's figures say in words: alt text for every figure a notebook shows.

A figure in an HTML page is a picture; a screen reader, a text-only view or a
picture that did not load needs words instead. :func:`setup` makes every
matplotlib figure that an IPython kernel displays carry its description (the
figure's title, its axes' titles and axis labels, from :func:`describe_figure`)
in the output's metadata, as ``metadata["image/png"]["alt"]``; the report's
nbconvert template (``bactivate_report``) writes it, HTML-escaped, as the
image's ``alt`` attribute. :func:`report_title` names the report's page after
its client.

``bactivate report`` calls :func:`setup` in its kernel before the notebook
runs; in a notebook of your own, call it once in the first code cell:

>>> import bactivate.display
>>> bactivate.display.setup()   # outside IPython: does nothing, returns False
False
"""

from __future__ import annotations

__all__ = ["describe_figure", "report_title", "setup"]

#: the image types an alt text is added to
IMAGE_TYPES = ("image/png", "image/jpeg", "image/svg+xml")

#: what the page title starts with
TITLE = "Activity log report"


def _shown(text) -> str:
    """The text a matplotlib ``Text`` shows: ``\\$`` as ``$``, mathtext markers dropped, one line."""
    raw = text.get_text() if hasattr(text, "get_text") else str(text)
    if not raw:
        return ""
    try:
        shown, ismath = text._preprocess_math(raw)
    except Exception:  # not a Text, or a matplotlib without this helper
        shown, ismath = raw.replace(r"\$", "$"), False
    if ismath:  # a formula written by the plot's own code: show it without its markers
        shown = shown.replace("$", "")
    return " ".join(str(shown).split())


def _axes_text(ax) -> str:
    """One axes in words: its title, then what its horizontal and vertical axes show."""
    if not ax.get_visible():
        return ""
    colorbar = getattr(ax, "_colorbar", None)
    if colorbar is not None:  # a colour scale beside a heat map
        label = _shown(ax.yaxis.label if colorbar.orientation == "vertical" else ax.xaxis.label)
        return f"Colour scale: {label}" if label else ""
    title = " ".join(t for t in (_shown(ax.title), _shown(ax._left_title), _shown(ax._right_title)) if t)
    axes = []
    if ax.axison:
        for name, label in (("horizontal axis", ax.xaxis.label), ("vertical axis", ax.yaxis.label)):
            label = _shown(label)
            if label:
                axes.append(f"{name}: {label}")
    legend = ax.get_legend()
    if legend is not None and _shown(legend.get_title()):
        axes.append(f"legend: {_shown(legend.get_title())}")
    words = "; ".join(axes)
    words = words[:1].upper() + words[1:]
    if title and words:
        return f"{title.rstrip('.')}. {words}"
    return title or words


def describe_figure(fig, limit: int = 400) -> str:
    """A figure in words, for its alt text: its title, each plot's title and axis labels.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    limit : int, default 400
        The most characters to return (a longer description is cut at a word, with "...").

    Returns
    -------
    str
        ``"Figure: TITLE. PLOT TITLE. Horizontal axis: X; vertical axis: Y. ..."``, or
        ``"Figure"`` for a figure with no titles or labels. Plain text: escape it where it
        is written into HTML (the report's template does).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> ax.set(title="Mood by week", xlabel="Week", ylabel="Mood (0-10)")  # doctest: +ELLIPSIS
    [...]
    >>> describe_figure(fig)
    'Figure: Mood by week. Horizontal axis: Week; vertical axis: Mood (0-10).'
    >>> plt.close(fig)
    """
    parts = []
    for text in (getattr(fig, "_suptitle", None), getattr(fig, "_supxlabel", None),
                 getattr(fig, "_supylabel", None)):
        if text is not None and _shown(text):
            parts.append(_shown(text))
    for ax in fig.axes:
        words = _axes_text(ax)
        if words and words not in parts:
            parts.append(words)
    if not parts:
        return "Figure"
    text = "Figure: " + ". ".join(p.rstrip(".") for p in parts) + "."
    if len(text) > limit:
        text = text[: limit - 3].rsplit(" ", 1)[0].rstrip(" .,;:(") + "..."
    return text


def report_title(log=None, client=None) -> str:
    """The report page's title, naming its client: ``"Activity log report – Alex"``.

    Parameters
    ----------
    log : DataFrame, optional
        The log the report shows: its ``client`` column names the client(s).
    client : str, optional
        The client's name, when the log has none.

    Returns
    -------
    str
        Plain text (escape it where it is written into HTML; nbconvert's template does);
        just ``"Activity log report"`` when no client is known. Several clients are
        listed, the first three by name.

    Examples
    --------
    >>> import pandas as pd
    >>> report_title(pd.DataFrame({"client": ["Alex", "Alex"]}))
    'Activity log report – Alex'
    >>> report_title(client="<Sam>")
    'Activity log report – <Sam>'
    >>> report_title()
    'Activity log report'
    """
    names: list[str] = []
    if log is not None and "client" in getattr(log, "columns", ()):
        names = [" ".join(str(n).split()) for n in log["client"].dropna().unique()]
        names = list(dict.fromkeys(n for n in names if n))  # "Alex" and " Alex ": one client
    if not names and client is not None and str(client).strip():
        names = [" ".join(str(client).split())]
    if not names:
        return TITLE
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return f"{TITLE} – {shown}"


def setup(shell=None) -> bool:
    """Give every figure the kernel displays its alt text (once per kernel; again does nothing).

    The kernel's display formatter is wrapped: when it formats a matplotlib
    figure as an image, :func:`describe_figure` is added to the image's metadata
    (``metadata["image/png"]["alt"]``). This holds however the figure is shown (the
    inline backend at the end of a cell, ``display(fig)``, a figure as a cell's
    last value) and whatever ``set_matplotlib_formats`` registers afterwards.

    Parameters
    ----------
    shell : IPython.core.interactiveshell.InteractiveShell, optional
        The shell; by default the running one.

    Returns
    -------
    bool
        True when the shell's figures now carry alt text; False outside IPython.

    Examples
    --------
    >>> setup()   # not in a kernel: nothing to set up
    False
    """
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return False
        shell = get_ipython()
    if shell is None:
        return False
    formatter = shell.display_formatter
    if getattr(formatter.format, "_bactivate_alt", False):
        return True
    original = formatter.format

    def _format(obj, include=None, exclude=None):
        """The shell's formatter, then the figure's alt text in each image's metadata."""
        data, metadata = original(obj, include=include, exclude=exclude)
        try:
            from matplotlib.figure import Figure
        except ImportError:  # pragma: no cover - a kernel without matplotlib shows no figures
            return data, metadata
        if isinstance(obj, Figure) and any(kind in data for kind in IMAGE_TYPES):
            alt = describe_figure(obj)
            metadata = dict(metadata or {})
            for kind in IMAGE_TYPES:
                if kind in data:
                    metadata[kind] = {**(metadata.get(kind) or {}), "alt": alt}
        return data, metadata

    _format._bactivate_alt = True
    formatter.format = _format
    return True
