"""Real-world layouts besides the long table: app exports and paper forms.

``read_log(path, format=...)`` routes here for

* ``"daylio"`` -- Daylio's CSV export (:mod:`bactivate.io.formats.daylio`);
* ``"bearable"`` -- Bearable's CSV export (:mod:`bactivate.io.formats.bearable`);
* ``"grid"`` -- a Beck weekly activity schedule, hours by days (:mod:`bactivate.io.formats.grid`);
* ``"batd"`` -- the BATD-R daily monitoring form (:mod:`bactivate.io.formats.batd`).

Each reader turns its sheets into the canonical frame of raw cells (field
columns plus ``_row``/``_sheet`` bookkeeping) and hands it to
:meth:`bactivate.io._LongReader._normalise`, so that dates, times, ratings,
scales, notes and the row accounting (``attrs["rejected"]``) work exactly as
for a long table. :func:`detect` picks the layout for ``format="auto"``.
"""

from __future__ import annotations

import pandas as pd

from bactivate.io.formats import batd, bearable, daylio, grid

_MODULES = {"daylio": daylio, "bearable": bearable, "grid": grid, "batd": batd}
#: The layouts this package reads (``format=`` values besides "auto", "long" and "tidy").
FORMATS: tuple[str, ...] = tuple(_MODULES)
#: How each layout is named in notes and messages.
LABELS = {name: mod.LABEL for name, mod in _MODULES.items()}

__all__ = ["FORMATS", "LABELS", "read"]


def read(name: str, sheets, reader, *, week_start=None, why: str | None = None) -> pd.DataFrame:
    """Read *sheets* in layout *name* into the tidy log, with *reader* (a ``_LongReader``)."""
    cells = _MODULES[name].cells(sheets, reader, week_start=week_start)
    log = reader._normalise(cells)
    log.attrs["format"] = name
    how = f"chosen automatically: {why}" if why else "as asked with format="
    log.attrs["notes"].insert(0, f"read as {LABELS[name]} (format={name!r}, {how})")
    return log
