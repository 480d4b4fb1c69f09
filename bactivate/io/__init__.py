"""Reading logs: files in, the tidy log out (see ``docs/architecture.md``).

The stages, one module each: :mod:`~bactivate.io.files` opens CSV, XLSX, ODS
and Parquet into sheets of raw cells; :mod:`~bactivate.io.detect` tells the
layout; :mod:`~bactivate.io.headers` finds and names the header;
:mod:`~bactivate.io.cells` parses what people type; :mod:`~bactivate.io.scales`
maps ratings onto 0-10; :mod:`~bactivate.io.read` turns raw entries into the
tidy log; :mod:`~bactivate.io.formats` holds one module per app or paper
layout; :mod:`~bactivate.io.many` reads many files of one layout at once;
:mod:`~bactivate.io.cohort` and :mod:`~bactivate.io.roster` read cohorts.

This package exports :func:`read_log`, :func:`write_log` and :func:`read_cohort`;
everything else is reached through its module.
"""

from __future__ import annotations

from bactivate.io.cohort import read_cohort
from bactivate.io.read import read_log, write_log

__all__ = ["read_cohort", "read_log", "write_log"]
