"""Parquet tables read whole or refused: every schema ends in a frame or a LogError.

A Parquet file is a typed table. Its footer says how many rows and columns it
holds, so a few KB that declare a billion rows are refused before pandas
allocates them (``MAX_TABLE_CELLS``; change it here, not on
:mod:`bactivate.io.files`, which shows the same value). Columns pandas cannot
hold as cells bactivate reads -- lists, records, maps, binary data -- are turned
into text first, each with a notice; a column that names a field bactivate
reads (an activity, a rating) holding several values per row is a LogError.
:func:`read_table` is the entry point; :mod:`bactivate.io.files` makes the
table a :class:`~bactivate.io.files.Sheet`.

>>> import pandas as pd, tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "log.parquet"
>>> pd.DataFrame({"activity": [["Walk"], ["Read"]], "mood": [7, 4]}).to_parquet(path)
>>> frame, notices = read_table(path)
>>> frame["activity"].tolist(), notices
(['Walk', 'Read'], ["log.parquet: column 'activity' holds lists of one value each; read as that value"])
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd

from bactivate._util import listed_and, natural_codes, plural, plural_word
from bactivate.errors import LogError
from bactivate.io.headers import field_for
from bactivate.io.workbook import size_text
from bactivate.io.write import DATASET_ATTRS
from bactivate.schema import AttrsFrame, conform, empty_rejected

#: Cells (rows x columns) of one Parquet table: a few KB of Parquet can declare a billion rows of
#: one repeated value, all of which pandas would allocate. ~100 times a large log; CSV-sized.
MAX_TABLE_CELLS = 100_000_000


def read_table(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """A Parquet file as a frame of cells pandas can hold, and what was changed to get there.

    Parameters
    ----------
    path : pathlib.Path
        A file :func:`bactivate.io.files.file_kind` calls ``"parquet"``.

    Returns
    -------
    tuple
        ``(frame, notices)``: the table as pandas reads it, nested and binary
        columns as text (see :func:`plain_column`), and one notice per column
        changed.

    Raises
    ------
    bactivate.LogError
        When the file is not Parquet, declares more than ``MAX_TABLE_CELLS``
        cells, or holds several values per row in a column bactivate reads.

    Examples
    --------
    >>> import pandas as pd, tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "log.parquet"
    >>> pd.DataFrame({"activity": ["Walk"], "mood": [7]}).to_parquet(path)
    >>> frame, notices = read_table(path)
    >>> frame.shape, notices
    ((1, 2), [])
    """
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(path)
        meta = pf.metadata
    except Exception as exc:
        raise LogError(f"{path.name} could not be read as Parquet ({exc})") from None
    n_cells = meta.num_rows * max(meta.num_columns, 1)
    if n_cells > MAX_TABLE_CELLS:
        raise LogError(
            f"{path.name} holds {meta.num_rows:,} rows x {meta.num_columns:,} columns = {n_cells:,} "
            f"cells (the file itself is {size_text(path.stat().st_size)}), more than the "
            f"{MAX_TABLE_CELLS:,} bactivate reads from one table: split it into smaller files (e.g. one "
            "per client)")
    notices: list[str] = []
    try:
        if not any(_awkward(f.type) for f in pf.schema_arrow):
            return pd.read_parquet(path), notices
        table = pf.read()
        for i, f in enumerate(table.schema):
            if _awkward(f.type):
                col, said = plain_column(table.column(i), f.name, path.name)
                table = table.set_column(i, f.name, col)
                notices.extend(said)
        return _arrow_frame(table, path.name, notices), notices
    except LogError:
        raise
    except Exception as exc:
        raise LogError(f"{path.name} could not be read as Parquet ({exc})") from None


def _awkward(t) -> bool:
    """True for Arrow types pandas cannot hold as cells bactivate reads: nested and binary ones."""
    import pyarrow as pa

    if pa.types.is_dictionary(t):
        return _awkward(t.value_type)
    return (pa.types.is_nested(t) or pa.types.is_binary(t) or pa.types.is_large_binary(t)
            or pa.types.is_fixed_size_binary(t) or getattr(pa.types, "is_binary_view", lambda _: False)(t))


def plain_column(col, name: str, file: str):
    """A nested or binary Parquet column as text.

    Binary cells that are UTF-8 text become that text; other binary cells a
    placeholder such as ``<4 bytes, not text>``. Lists, records (struct) and
    maps become their JSON text, e.g. ``["Walk", "Run"]``; except that in a
    column bactivate reads (its header names a field: the activity, a rating,
    a date) lists of at most one value are unwrapped, and longer lists, records
    and maps are a LogError (one value per row: a multi-select is written one
    row per value).

    Parameters
    ----------
    col : pyarrow.Array or pyarrow.ChunkedArray
        The column.
    name : str
        Its header.
    file : str
        The file's name, for notices and messages.

    Returns
    -------
    tuple
        ``(column, notices)``: a pyarrow array, and what was done, in words.

    Raises
    ------
    bactivate.LogError
        For several values in one row of a column bactivate reads.

    Examples
    --------
    >>> import pyarrow as pa
    >>> col, said = plain_column(pa.array([["Walk", "Run"], None]), "tags", "log.parquet")
    >>> col.to_pylist(), said
    (['["Walk", "Run"]', None], ["log.parquet: column 'tags' holds lists (several values in one cell); kept as their JSON text (json.loads reads it back)"])
    """
    import pyarrow as pa

    t = col.type.value_type if pa.types.is_dictionary(col.type) else col.type
    values = col.to_pylist()
    if pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t) or \
            not pa.types.is_nested(t):
        return _binary_as_text(values, name, file)
    kind = _kind(t)
    field = field_for(name)
    if field is not None and field != "source":
        return _one_value_each(values, kind, field, name, file)

    def plain(v):
        if isinstance(v, list) and v and all(isinstance(p, tuple) and len(p) == 2 for p in v) and \
                pa.types.is_map(t):
            v = {str(k): x for k, x in v}
        return v

    out = [None if v is None else json.dumps(plain(v), ensure_ascii=False, default=str) for v in values]
    return pa.array(out, type=pa.string()), [
        f"{file}: column {name!r} holds {kind}; kept as their JSON text (json.loads reads it back)"]


def _rows(idx) -> str:
    """The rows of cells *idx* as the user numbers them (row 1 is the header)."""
    return listed_and([str(i + 2) for i in idx], 8)


def _binary_as_text(values: list, name: str, file: str):
    """``(column, notices)``: binary cells as UTF-8 text, or ``<N bytes, not text>``."""
    import pyarrow as pa

    out, bad = [], []
    for i, v in enumerate(values):
        if v is None:
            out.append(None)
            continue
        try:
            out.append(bytes(v).decode("utf-8"))
        except UnicodeDecodeError:
            out.append(f"<{len(v)} {plural_word(len(v), 'byte')}, not text>")
            bad.append(i)
    said = [] if not bad else [  # binary cells that are all UTF-8 text are that text
        f"{file}: column {name!r} holds binary data that is not text in {plural(len(bad), 'row')} "
        f"({_rows(bad)}), shown there as <N bytes, not text>; its other cells are read as UTF-8 text"]
    return pa.array(out, type=pa.string()), said


def _kind(t) -> str:
    """What a nested Arrow type holds, in words."""
    import pyarrow as pa

    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t) or "list_view" in str(t):
        return "lists (several values in one cell)"
    if pa.types.is_map(t):
        return "key-value maps"
    if pa.types.is_struct(t):
        return "records (Parquet structs)"
    return f"values of type {t}"


def _one_value_each(values: list, kind: str, field: str, name: str, file: str):
    """``(column, notices)`` for a nested column bactivate reads: lists of at most one value each
    as that value; anything else a LogError."""
    import pyarrow as pa

    is_list = kind.startswith("lists")
    if is_list and all(v is None or len(v) <= 1 for v in values):
        plain = pa.array([None if not v else v[0] for v in values])
        if _awkward(plain.type):
            plain, _ = plain_column(plain, name, file)
        return plain, [f"{file}: column {name!r} holds lists of one value each; read as that value"]
    several = [i for i, v in enumerate(values) if v is not None and (not is_list or len(v) > 1)]
    hint = (f"write one row per value (in pandas: df.explode({name!r})) and save the file again"
            if is_list else f"write the {field} as plain text or a number in that column")
    raise LogError(
        f"{file}: column {name!r} holds {kind} in {plural(len(several), 'row')} ({_rows(several)}), and "
        f"bactivate reads one {field} per row: {hint}")


def _arrow_frame(table, file: str, notices: list[str]) -> pd.DataFrame:
    """The table as pandas reads it; a column pandas cannot hold becomes text, with a notice."""
    try:
        return table.to_pandas()
    except Exception:
        pass
    import pyarrow as pa

    for i, f in enumerate(table.schema):
        try:
            table.column(i).to_pandas()
        except Exception:
            text = pa.array([None if v is None else str(v) for v in table.column(i).to_pylist()], type=pa.string())
            table = table.set_column(i, f.name, text)
            notices.append(f"{file}: column {f.name!r} (of type {f.type}) is kept as text")
    return table.to_pandas()


def is_dataset(path) -> bool:
    """True for a folder written as a Parquet dataset by client: ``client=.../`` sub-folders.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> is_dataset(folder), (folder / "client=C001").mkdir(), is_dataset(folder)
    (False, None, True)
    """
    path = Path(path)
    return path.is_dir() and any(p.is_dir() and p.name.startswith("client=") for p in path.iterdir())


def read_dataset(folder) -> pd.DataFrame:
    """A Parquet dataset by client (:func:`bactivate.write_log` with ``partition_by="client"``) as
    one tidy log.

    Clients come in natural order (C2 before C10), each client's rows in the
    order written. ``attrs``: ``scales`` and ``roster`` as written
    (``_bactivate.json``), ``files`` (one row per
    client folder: ``file``, ``clients``, ``rows_read``), ``rejected``
    (empty: a written tidy log holds no unread cells), ``notes``, ``file``
    (the folder's name and "/"), ``skipped`` and ``paths``.

    Parameters
    ----------
    folder : str or Path
        The dataset's folder.

    Returns
    -------
    DataFrame
        The tidy log (the dtypes of ``DESIGN`` section 1, extra columns after them).

    Examples
    --------
    >>> import tempfile, bactivate as ba
    >>> from bactivate.io.write import write_log
    >>> log, _ = ba.synth.cohort(n_clients=3, weeks=1, seed=1)
    >>> back = read_dataset(write_log(log, f"{tempfile.mkdtemp()}/study", partition_by="client"))
    >>> back.equals(log)
    True
    """
    import pyarrow.dataset as ds

    folder = Path(folder)
    try:
        data = ds.dataset(folder, format="parquet", partitioning="hive")
        table = data.to_table()
    except Exception as exc:
        raise LogError(f"{folder.name}/ could not be read as a Parquet dataset ({exc})") from None
    frame = table.to_pandas()
    kept = _kept(folder)
    frame["client"] = frame["client"].astype("str")
    order = np.argsort(natural_codes(frame["client"]), kind="stable")
    columns = kept.get("columns") or [c for c in frame.columns]
    frame = conform(frame.iloc[order].reset_index(drop=True)[
        [c for c in columns if c in frame.columns] + [c for c in frame.columns if c not in columns]])
    rows = frame.groupby("client", sort=False).size()
    frame.attrs = {
        "rejected": empty_rejected(),
        "files": AttrsFrame(pd.DataFrame({"file": [f"client={c}" for c in rows.index],
                                          "clients": rows.index.astype("str"),
                                          "rows_read": rows.to_numpy(dtype="int64")})),
        **dataset_attrs(folder),
        "notes": [f"read a Parquet dataset of {plural(len(rows), 'client')}"],
        "file": f"{folder.name}/",
        "skipped": AttrsFrame(pd.DataFrame(columns=["file", "kind", "reason"]).astype("str")),
        "paths": [str(Path(p).resolve()) for p in data.files],
    }
    return frame


def _kept(folder: Path) -> dict:
    """What ``_bactivate.json`` in a dataset folder holds (nothing when it is missing)."""
    path = folder / DATASET_ATTRS
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def dataset_attrs(folder) -> dict:
    """A dataset's ``roster`` and ``scales``, without reading its log: for the analyses on Dask.

    Parameters
    ----------
    folder : str or Path
        A folder written by ``write_log(log, folder, partition_by="client")``.

    Returns
    -------
    dict
        ``roster`` (a frame, or None) and ``scales`` (column -> scale), as written.

    Examples
    --------
    >>> import tempfile, bactivate as ba
    >>> from bactivate.io.write import write_log
    >>> log, roster = ba.synth.cohort(n_clients=2, weeks=1, seed=1)
    >>> log.attrs = {"roster": roster, "scales": {"mood": (1.0, 7.0)}}
    >>> kept = dataset_attrs(write_log(log, f"{tempfile.mkdtemp()}/study", partition_by="client"))
    >>> kept["scales"], kept["roster"]["client"].tolist()
    ({'mood': (1.0, 7.0)}, ['C001', 'C002'])
    """
    kept = _kept(Path(folder))
    roster = kept.get("roster")
    return {"roster": None if roster is None else AttrsFrame(pd.read_json(io.StringIO(roster), orient="table")),
            "scales": {k: tuple(v) if isinstance(v, list) else v for k, v in kept.get("scales", {}).items()}}
