"""Writing a tidy log to CSV, XLSX or Parquet, and the apostrophe rule reading shares with it.

Text that a spreadsheet would run as a formula gets a leading apostrophe when
written (:func:`defuse`); reading a tidy file takes exactly one off again
(:func:`undefuse`), so that ``read_log(write_log(log, path))`` gives back ``log``.

>>> import pandas as pd
>>> s = pd.Series(["=1+1", "'=x", "walk"])
>>> defuse(s).tolist(), undefuse(defuse(s)).tolist()
(["'=1+1", "''=x", 'walk'], ['=1+1', "'=x", 'walk'])
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd

from bactivate.outputs import check_output, replacing
from bactivate.schema import TIDY_COLUMNS, conform

# text a spreadsheet would run as a formula, also behind apostrophes: "'=x" must come back as
# "'=x", so it is written "''=x" and exactly one apostrophe is taken off on reading
_FORMULA = re.compile(r"^'*[=+\-@\t\r]")
_DEFUSED = re.compile(r"^'(?='*[=+\-@\t\r])")
_ILLEGAL_XLSX = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"


def defuse(s: pd.Series) -> pd.Series:
    """Text that a spreadsheet would run as a formula, with a leading apostrophe.

    Text that already starts with apostrophes before such a character gets one
    more, so that :func:`undefuse` (which removes exactly one) gives it back.

    Parameters
    ----------
    s : Series of str

    Returns
    -------
    Series of str

    Examples
    --------
    >>> defuse(pd.Series(["+44 20", "-", "x"])).tolist()
    ["'+44 20", "'-", 'x']
    """
    risky = s.str.match(_FORMULA).fillna(False).astype(bool)
    return s.where(~risky, "'" + s)


def undefuse(s: pd.Series) -> pd.Series:
    """The text :func:`defuse` was given: one leading apostrophe before a formula character removed.

    Parameters
    ----------
    s : Series of str

    Returns
    -------
    Series of str

    Examples
    --------
    >>> undefuse(pd.Series(["'=x", "''=x", "'x"])).tolist()
    ['=x', "'=x", "'x"]
    """
    return s.str.replace(_DEFUSED, "", regex=True)


def write_log(log: pd.DataFrame, path, *, partition_by: str | None = None) -> Path:
    """Write a tidy log to CSV, XLSX or Parquet (by the file's suffix); return the path.

    ``read_log(write_log(log, path))`` gives back the same frame. Text that a
    spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``,
    ``@``) is written with a leading apostrophe, which :func:`~bactivate.read_log`
    removes again. The source file a log came from is never touched: a *path*
    that is that file (also through a symlink or a hard link; the log knows it
    from ``attrs["paths"]``) raises :class:`~bactivate.outputs.OutputError`
    before anything is written, and the file is written whole or not at all
    (to a temporary file beside it, then moved into place).

    Parameters
    ----------
    log : DataFrame
        A tidy log (every column of :data:`bactivate.schema.TIDY_COLUMNS`).
    path : str or Path
        Ends in ``.csv`` (or ``.txt``), ``.xlsx`` (``.xlsm``) or ``.parquet`` (``.pq``);
        with *partition_by*, a folder (new or empty).
    partition_by : {None, "client"}, default None
        ``"client"`` writes a Parquet *dataset*: the folder *path* holds one
        sub-folder per client (``client=C001/part-0.parquet``, pyarrow's
        "hive" layout), plus ``_bactivate.json`` (the ``scales`` and the
        ``roster``, with its types). :func:`~bactivate.read_cohort` reads
        the folder back (clients in natural order, each client's rows in their
        order), and Dask reads it with ``dask.dataframe.read_parquet(path)``
        (see ``docs/scale.md``).

    Returns
    -------
    Path
        *path*.

    Raises
    ------
    ValueError
        For a frame that is not a tidy log, another suffix, or text Excel cannot store.
    bactivate.outputs.OutputError
        When *path* is the file the log was read from.

    Examples
    --------
    >>> import tempfile, bactivate as ba
    >>> log = ba.read_log("data/sample/client-alex.xlsx", errors="ignore")
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     back = ba.read_log(write_log(log, f"{tmp}/alex-tidy.csv"))
    >>> back.equals(log), back.attrs["format"]
    (True, 'tidy')
    """
    path = Path(path)
    missing = [c for c in TIDY_COLUMNS if c not in log.columns]
    if missing:
        raise ValueError(f"not a tidy log: missing columns {missing}; load it with read_log()")
    if partition_by is not None:
        return write_dataset(log, path, partition_by)
    suffix = path.suffix.lower()
    if suffix not in {".parquet", ".pq", ".csv", ".txt", ".xlsx", ".xlsm"}:
        raise ValueError(f"write_log writes .csv, .xlsx or .parquet, not {suffix!r}")
    sources = log.attrs.get("paths") or []
    check_output(path, "the log", inputs=sources, source="the file the log was read from",
                 example=f"log{suffix}",
                 instead=f"{Path(sources[0]).stem}-tidy{suffix}" if sources else None)
    out = conform(log)
    out.attrs = {}
    if suffix in {".parquet", ".pq"}:
        with replacing(path, "the log") as tmp:
            out.to_parquet(tmp, index=False)
        return path
    # names stored as category are written as their text (the file reads back to the same dtypes)
    out = out.astype({c: "str" for c in out.columns if isinstance(out[c].dtype, pd.CategoricalDtype)
                      and pd.api.types.is_string_dtype(out[c].cat.categories.dtype)})
    text_cols = [c for c in out.columns if pd.api.types.is_string_dtype(out[c].dtype)]
    # a lone carriage return is a line break (read_log reads it as one); pandas would not
    # quote it in a CSV, which would split the row
    out = out.assign(**{c: defuse(out[c].str.replace(r"\r\n?", "\n", regex=True))
                        for c in text_cols})
    if suffix in {".csv", ".txt"}:
        times = [c for c in out.columns if pd.api.types.is_datetime64_any_dtype(out[c].dtype)]
        fine = any((out[c].dt.microsecond.fillna(0) != 0).any() for c in times)  # NaT is not fine
        with replacing(path, "the log") as tmp:
            out.to_csv(tmp, index=False,
                       date_format="%Y-%m-%d %H:%M:%S.%f" if fine else "%Y-%m-%d %H:%M:%S")
    elif suffix in {".xlsx", ".xlsm"}:
        _check_xlsx_text(out, text_cols)
        with replacing(path, "the log") as tmp:
            out.to_excel(tmp, index=False, engine="openpyxl", sheet_name="log")
    return path


#: The file in a dataset folder that keeps the log's scales (a name pyarrow's reader passes over).
DATASET_ATTRS = "_bactivate.json"


def write_dataset(log: pd.DataFrame, folder, partition_by: str = "client") -> Path:
    """Write a tidy log as a Parquet dataset, one sub-folder per client; see :func:`write_log`.

    Parameters
    ----------
    log : DataFrame
        A tidy log with a ``client`` in every row.
    folder : str or Path
        A folder that does not exist yet, or an empty one.
    partition_by : {"client"}
        The column of the sub-folders.

    Returns
    -------
    Path
        *folder*.

    Examples
    --------
    >>> import tempfile, bactivate as ba
    >>> log, _ = ba.synth.cohort(n_clients=3, weeks=1, seed=1)
    >>> folder = write_dataset(log, f"{tempfile.mkdtemp()}/study")
    >>> sorted(p.name for p in folder.iterdir())
    ['_bactivate.json', 'client=C001', 'client=C002', 'client=C003']
    """
    import pyarrow as pa
    import pyarrow.dataset as ds

    if partition_by != "client":
        raise ValueError(f"partition_by must be 'client', not {partition_by!r}")
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ValueError(f"{folder} exists and is not an empty folder: write a dataset to a new folder")
    out = conform(log)
    if out["client"].isna().any():
        raise ValueError("every row needs a client to be written by client")
    out.attrs = {}  # a new or empty folder: no file the log was read from can be written over
    # names as plain text in the files (Parquet dictionary-encodes them anyway): Dask's reader
    # refuses a dataset whose pandas metadata says category; read_cohort gives the categories back
    out = out.astype({c: "str" for c in out.columns if isinstance(out[c].dtype, pd.CategoricalDtype)
                      and pd.api.types.is_string_dtype(out[c].cat.categories.dtype)})
    table = pa.Table.from_pandas(out, preserve_index=False)
    # the folder names' type (string, as readers such as Dask's take them), not pandas' large_string
    at = table.schema.get_field_index("client")
    table = table.set_column(at, "client", table.column(at).cast(pa.string()))
    folder.mkdir(parents=True, exist_ok=True)
    ds.write_dataset(table, folder, format="parquet", partitioning=["client"],
                     partitioning_flavor="hive", existing_data_behavior="overwrite_or_ignore")
    scales = {k: list(v) if isinstance(v, tuple) else v for k, v in (log.attrs.get("scales") or {}).items()}
    roster = log.attrs.get("roster")
    kept = {"scales": scales, "columns": list(out.columns),
            # as JSON with its types: a Parquet file beside the clients' would be read as one of them
            "roster": pd.DataFrame(roster).to_json(orient="table", index=False)
            if isinstance(roster, pd.DataFrame) else None}
    (folder / DATASET_ATTRS).write_text(json.dumps(kept, default=str), encoding="utf-8")
    return folder


def _check_xlsx_text(out: pd.DataFrame, text_cols: list[str]) -> None:
    """Excel cannot store control characters: say so instead of crashing."""
    for c in text_cols:
        bad = out[c].str.contains(_ILLEGAL_XLSX, regex=True).fillna(False).astype(bool)
        if bad.any():
            raise ValueError(
                f"column {c!r} holds control characters that Excel cannot store "
                f"(first in row {int(np.flatnonzero(bad.to_numpy())[0]) + 2} of the sheet); "
                "remove them, or write the log as .csv or .parquet")
