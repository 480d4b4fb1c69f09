"""Real-world layouts besides the long table: app exports and paper forms.

``read_log(path, format=...)`` routes here for

* ``"daylio"`` -- Daylio's CSV export (:mod:`bactivate.io.formats.daylio`);
* ``"bearable"`` -- Bearable's CSV export (:mod:`bactivate.io.formats.bearable`);
* ``"imoodjournal"`` -- iMoodJournal's CSV export (:mod:`bactivate.io.formats.imoodjournal`);
* ``"grid"`` -- a Beck weekly activity schedule, hours by days (:mod:`bactivate.io.formats.grid`);
* ``"batd"`` -- the BATD-R daily monitoring form (:mod:`bactivate.io.formats.batd`);
* ``"mpath"`` -- m-Path's raw experience-sampling export, one line per sent prompt
  (:mod:`bactivate.io.formats.mpath`).

Each module has ``NAME``, ``LABEL``, ``sign(raw)`` (what in a sheet shows the
layout, for :func:`bactivate.io.detect.detect`) and ``read(sheets, opts)``,
which turns its sheets into :class:`~bactivate.io.context.Entries`: the
canonical raw cells (field columns plus ``_row``/``_sheet`` bookkeeping) and a
:class:`~bactivate.io.context.Context`. :func:`bactivate.io.tidy.tidy_log`
then reads them exactly as it reads a long table (dates, times, ratings,
scales, notes and the row accounting of ``attrs["rejected"]``). Adding a
layout is one module and its entry in :data:`READERS`. A module may also have
``finish(log, entries, opts)``, which adds what only the layout knows to the tidy
log's ``attrs`` (m-Path: ``attrs["prompts"]``, the prompts sent and answered); see
:func:`finish`.
"""

from __future__ import annotations

import pandas as pd

from bactivate.io.context import Entries, ReadOptions
from bactivate.io.formats import batd, bearable, daylio, grid, imoodjournal, mpath

#: Layout name -> its module.
READERS = {m.NAME: m for m in (daylio, bearable, imoodjournal, grid, batd, mpath)}
#: The layouts this package reads (``format=`` values besides "auto", "long" and "tidy").
FORMATS: tuple[str, ...] = tuple(READERS)
#: How each layout is named in notes and messages.
LABELS = {name: mod.LABEL for name, mod in READERS.items()}

__all__ = ["FORMATS", "LABELS", "READERS", "finish", "read"]


def read(name: str, sheets, opts: ReadOptions) -> Entries:
    """The raw entries of *sheets* in layout *name*.

    Parameters
    ----------
    name : str
        One of :data:`FORMATS`.
    sheets : list of Sheet
        The file's sheets as grids of cells (:meth:`bactivate.io.files.Sheet.grid`).
    opts : ReadOptions
        ``file``, ``mood_map``, ``dayfirst`` and ``week_start`` are used.

    Returns
    -------
    Entries
        ``layout`` is *name*; :func:`bactivate.io.tidy.tidy_log` reads them.

    Raises
    ------
    LogError
        When the sheets do not hold the layout, or it cannot be read (see each module).

    Examples
    --------
    >>> from bactivate.io.files import read_sheets
    >>> sheets = [sh.grid() for sh in read_sheets("data/sample/formats/weekly-schedule.xlsx")]
    >>> entries = read("grid", sheets, ReadOptions(file="weekly-schedule.xlsx"))
    >>> entries.layout, len(entries.cells), entries.context.headers["activity"]
    ('grid', 92, 'cell')
    """
    return READERS[name].read(sheets, opts)


def finish(name: str, log: pd.DataFrame, entries: Entries, opts: ReadOptions) -> None:
    """Add to *log*'s ``attrs`` what layout *name* knows besides its rows (in place).

    Only layouts with a ``finish`` function add anything: an m-Path export adds
    ``attrs["prompts"]``, one row per participant with the prompts sent and answered
    (:func:`bactivate.io.formats.mpath.prompts`), which compliance needs.

    Parameters
    ----------
    name : str
        One of :data:`FORMATS`.
    log : DataFrame
        The tidy log of *entries* (:func:`bactivate.io.tidy.tidy_log`).
    entries : Entries
        The layout's raw entries.
    opts : ReadOptions

    Examples
    --------
    >>> from bactivate.io.files import read_sheets
    >>> from bactivate.io.tidy import tidy_log
    >>> opts = ReadOptions(file="mpath-export.csv", stem="mpath-export")
    >>> sheets = [sh.grid() for sh in read_sheets("data/sample/formats/mpath-export.csv")]
    >>> entries = read("mpath", sheets, opts)
    >>> log = tidy_log(entries, opts).log
    >>> finish("mpath", log, entries, opts)
    >>> list(log.attrs["prompts"].columns)
    ['client', 'sent', 'answered', 'days', 'first_day', 'last_day']
    """
    hook = getattr(READERS[name], "finish", None)
    if hook is not None:
        hook(log, entries, opts)
