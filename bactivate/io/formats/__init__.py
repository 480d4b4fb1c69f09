"""Real-world layouts besides the long table: app exports and paper forms.

``read_log(path, format=...)`` routes here for

* ``"daylio"`` -- Daylio's CSV export (:mod:`bactivate.io.formats.daylio`);
* ``"bearable"`` -- Bearable's CSV export (:mod:`bactivate.io.formats.bearable`);
* ``"imoodjournal"`` -- iMoodJournal's CSV export (:mod:`bactivate.io.formats.imoodjournal`);
* ``"grid"`` -- a Beck weekly activity schedule, hours by days (:mod:`bactivate.io.formats.grid`);
* ``"batd"`` -- the BATD-R daily monitoring form (:mod:`bactivate.io.formats.batd`).

Each module has ``NAME``, ``LABEL``, ``sign(raw)`` (what in a sheet shows the
layout, for :func:`bactivate.io.detect.detect`) and ``read(sheets, opts)``,
which turns its sheets into :class:`~bactivate.io.context.Entries`: the
canonical raw cells (field columns plus ``_row``/``_sheet`` bookkeeping) and a
:class:`~bactivate.io.context.Context`. :func:`bactivate.io.tidy.tidy_log`
then reads them exactly as it reads a long table (dates, times, ratings,
scales, notes and the row accounting of ``attrs["rejected"]``). Adding a
layout is one module and its entry in :data:`READERS`.
"""

from __future__ import annotations

from bactivate.io.context import Entries, ReadOptions
from bactivate.io.formats import batd, bearable, daylio, grid, imoodjournal

#: Layout name -> its module.
READERS = {m.NAME: m for m in (daylio, bearable, imoodjournal, grid, batd)}
#: The layouts this package reads (``format=`` values besides "auto", "long" and "tidy").
FORMATS: tuple[str, ...] = tuple(READERS)
#: How each layout is named in notes and messages.
LABELS = {name: mod.LABEL for name, mod in READERS.items()}

__all__ = ["FORMATS", "LABELS", "READERS", "read"]


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
