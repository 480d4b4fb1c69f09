"""The per-client analyses on Dask: a cohort larger than memory, or spread over a cluster.

:func:`run` takes a Dask DataFrame (or a pandas one, split for Dask), puts each
client's rows in one partition (a shuffle on ``client``), calls the *same*
pandas function on every partition (:func:`bactivate.client_summary`,
:func:`bactivate.progress` with ``by="client"``, :func:`bactivate.mood_by_activity`
and :func:`bactivate.balance` with ``by=["client", ...]``) and puts the
per-partition tables together: clients in natural order, as the pandas call
orders them. Every one of these analyses computes each client from that
client's rows alone (``mood_by_activity``'s q-values are over each client's
activities), so the result is the pandas result, row for row.

Dask runs the partitions with its default scheduler: the local one, or the
``dask.distributed`` cluster of a ``Client`` the user has made (nothing here
requires ``distributed``). Dask is an optional dependency:
``pip install "bactivate[dask]"``.

>>> import bactivate as ba
>>> log, roster = ba.synth.cohort(n_clients=6, weeks=3, seed=1)
>>> on_dask = run("client_summary", log, npartitions=3, roster=roster)
>>> on_dask.equals(ba.client_summary(log, roster=roster))
True
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from bactivate._util import natural_codes
from bactivate.balance import balance
from bactivate.cohort.summary import client_summary
from bactivate.io.roster import roster_for
from bactivate.lazy import Lazy
from bactivate.mood import mood_by_activity
from bactivate.progress import progress
from bactivate.schema import TIDY_COLUMNS, AttrsFrame

dask = Lazy("dask")
dd = Lazy("dask.dataframe")
pads = Lazy("pyarrow.dataset")

__all__ = ["ANALYSES", "by_client", "read_clients", "run"]

#: Partitions whose tables are joined in one task, where they were computed.
GROUP = 32

#: The analyses :func:`run` takes, by name: the function and its per-client arguments.
ANALYSES = {
    "client_summary": (client_summary, {}),
    "progress": (progress, {"by": "client"}),
    "mood_by_activity": (mood_by_activity, {"by": ["client", "activity"]}),
    "balance": (balance, {"by": ["client", "activity"]}),
}


def run(analysis, data, *, npartitions: int | None = None, shuffle: bool = True,
        attrs: dict | None = None, scheduler=None, **kwargs) -> pd.DataFrame:
    """Run a per-client analysis of a cohort on Dask; the same table as the pandas call.

    Parameters
    ----------
    analysis : {"client_summary", "progress", "mood_by_activity", "balance"} or function
        The analysis (one of :data:`ANALYSES`, by name or as the function itself).
    data : dask.dataframe.DataFrame or pandas.DataFrame
        A tidy log of a cohort, e.g. ``dask.dataframe.read_parquet(folder)`` of a
        dataset written by ``write_log(log, folder, partition_by="client")``
        (``client`` as a category there is read as text). A pandas frame is
        split into *npartitions* for Dask first.
    npartitions : int, optional
        Partitions for a pandas *data* (default: the machine's cores), and the
        partitions after the shuffle (default: as many as *data* has). With
        ``shuffle=False``, fewer partitions than *data* has joins neighbouring
        ones: a dataset read with one partition per client file runs one
        pandas call per group of clients, not per client (far faster).
    shuffle : bool, default True
        Move each client's rows into one partition first. ``False`` when they
        are already (one partition per client file of a dataset, say); a client
        found in two partitions is then a ``ValueError``, never a wrong number.
    attrs : dict, optional
        The log's ``attrs`` each partition gets (``scales`` for
        ``scale="source"``, ``roster``); default: a pandas *data*'s own. A Dask
        DataFrame carries none: pass them (e.g. ``read_cohort`` of the dataset
        folder's ``attrs``) when the analysis reads them.
    scheduler : str, optional
        Passed to ``dask.compute`` (``"threads"``, ``"processes"``,
        ``"synchronous"``); None is Dask's default (a ``distributed.Client``'s
        cluster when one exists).
    **kwargs
        The analysis's own arguments (``roster=``, ``unit=``, ``min_days=`` ...).
        ``by`` must be per client (``"client"`` for progress,
        ``["client", ...]`` for mood_by_activity and balance); it defaults to that.

    Returns
    -------
    pandas.DataFrame
        The analysis's table, clients in natural order, with its ``attrs``
        (for ``progress``: ``trend`` put together the same way; for
        ``client_summary``: the partitions' ``notes``, each once).

    Raises
    ------
    ValueError
        For an analysis that is not per client, a *by* that pools clients, or
        (with ``shuffle=False``) a client in two partitions.

    Examples
    --------
    >>> import bactivate as ba
    >>> log, _ = ba.synth.cohort(n_clients=4, weeks=3, seed=2)
    >>> weekly = run("progress", log, npartitions=2)
    >>> weekly.equals(ba.progress(log, by="client"))
    True
    >>> run("balance", log, npartitions=2, by=["client", "category"]).equals(
    ...     ba.balance(log, by=["client", "category"]))
    True
    """
    func, name, kwargs = _analysis(analysis, kwargs)
    if isinstance(data, pd.DataFrame):
        attrs = dict(data.attrs) if attrs is None else attrs
        data, shuffle = by_client(data, npartitions or os.cpu_count() or 1), False
    attrs = dict(attrs or {})
    if name == "client_summary":
        holder = pd.DataFrame()
        holder.attrs = attrs
        kwargs["roster"] = roster_for(holder, kwargs.get("roster"))
    if shuffle:
        data = data.shuffle("client", npartitions=npartitions or data.npartitions)
    elif npartitions and npartitions < data.npartitions:  # neighbours joined: a client is never split
        data = data.repartition(npartitions=npartitions)
    tasks = [dask.delayed(_on_partition)(part, func, attrs, kwargs) for part in data.to_delayed()]
    # the tables of GROUP partitions joined where they were computed, as soon as they are: a
    # worker then never holds thousands of small tables (with their attrs) until the end
    groups = [dask.delayed(_group)(tasks[i:i + GROUP], name) for i in range(0, len(tasks), GROUP)]
    results = [r for r in dask.compute(*groups, scheduler=scheduler) if r is not None]
    if not results:
        return func(_plain(data._meta, attrs), **kwargs)
    _one_partition_each([c for _, clients in results for c in clients])
    out = _together([frame for frame, _ in results], name)
    if name == "client_summary" and kwargs["roster"] is not None:
        out = _with_roster_only(out, kwargs["roster"], data._meta, attrs, kwargs)
    return out


def by_client(log: pd.DataFrame, npartitions: int):
    """A pandas log as a Dask DataFrame of *npartitions*, each client's rows in one of them.

    The in-memory form of a shuffle on ``client`` (which Dask would do by hashing,
    far slower for data already in memory): clients are dealt to the partitions
    in turn, each partition keeps its rows in their order, and the index is the
    row's position in *log*.

    Parameters
    ----------
    log : pandas.DataFrame
        A cohort's tidy log.
    npartitions : int
        Partitions (at most the number of clients).

    Returns
    -------
    dask.dataframe.DataFrame

    Examples
    --------
    >>> import bactivate as ba
    >>> log, _ = ba.synth.cohort(n_clients=5, weeks=1, seed=1)
    >>> parts = by_client(log, 2).partitions
    >>> [sorted(parts[i].compute()["client"].unique()) for i in range(2)]
    [['C001', 'C003', 'C005'], ['C002', 'C004']]
    """
    codes, uniques = pd.factorize(log["client"], use_na_sentinel=True)
    n = max(1, min(npartitions, len(uniques)))
    bucket = np.where(codes >= 0, codes % n, 0)  # rows without a client: the analyses leave them out
    order = np.argsort(bucket, kind="stable")
    ends = np.cumsum(np.bincount(bucket, minlength=n))
    plain = pd.DataFrame(log).reset_index(drop=True)
    plain.attrs = {}
    frames = [plain.iloc[rows] for rows in np.split(order, ends[:-1])]
    # pure=False: the partitions get random names; Dask would otherwise hash every row to name them
    parts = [dask.delayed(_same_frame, pure=False)(f) for f in frames]
    return dd.from_delayed(parts, meta=plain.iloc[:0], verify_meta=False)


def read_clients(folder, *, files: int = 64):
    """A Parquet dataset by client as a Dask DataFrame, each partition *files* whole client files.

    For :func:`run` with ``shuffle=False``: a partition holds whole clients, read in one
    pyarrow dataset read per partition (not a Dask task per file), so a group of clients
    is read, analysed and reduced to its small table before the next group is read.
    ``dask.dataframe.read_parquet`` reads the same files one partition per file (one pandas
    call per client) or, with ``aggregate_files``, joins files by row groups and can split
    a client's file (pyarrow writes a file in more than one row group) over two partitions.

    Parameters
    ----------
    folder : str or Path
        A folder written by ``write_log(log, folder, partition_by="client")``.
    files : int, default 64
        Client files per partition: a partition's rows in memory are about *files* x a
        client's. A few partitions per worker at least; on a worker with a memory limit,
        small enough that a partition and its analysis fit beside the worker's imports.

    Returns
    -------
    dask.dataframe.DataFrame
        The log's columns as written, ``client`` (str) last; clients in natural order
        over the partitions, each client's rows in their order. No rows are read yet.

    Examples
    --------
    >>> import tempfile, bactivate as ba
    >>> from bactivate.io.write import write_log
    >>> log, _ = ba.synth.cohort(n_clients=5, weeks=1, seed=1)
    >>> data = read_clients(write_log(log, f"{tempfile.mkdtemp()}/study", partition_by="client"), files=2)
    >>> data.npartitions
    3
    >>> run("progress", data, shuffle=False).equals(ba.progress(log, by="client"))
    True
    """
    if files < 1:
        raise ValueError(f"files must be at least 1, not {files!r}")
    folder = Path(folder)
    paths = [f for f in pads.dataset(folder, format="parquet", partitioning="hive").files
             if Path(f).parent.name.startswith("client=")]
    clients = pd.Series([Path(f).parent.name.partition("=")[2] for f in paths], dtype="str")
    paths = [paths[i] for i in np.argsort(natural_codes(clients), kind="stable")]
    if not paths:
        raise ValueError(f"{folder} holds no client files (client=.../*.parquet)")
    groups = [paths[i:i + files] for i in range(0, len(paths), files)]
    meta = _read_files(paths[:1], str(folder)).iloc[:0]
    return dd.from_map(_read_files, groups, args=[str(folder)], meta=meta, enforce_metadata=False,
                       label="read-clients")


def _read_files(paths: list, folder: str) -> pd.DataFrame:
    """Some client files of a dataset, read at once: rows in file order, ``client`` as text."""
    part = pads.HivePartitioning.discover()
    table = pads.dataset(paths, format="parquet", partitioning=part, partition_base_dir=folder).to_table()
    frame = table.to_pandas()
    frame["client"] = frame["client"].astype("str")
    return frame


def _same_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """*frame* itself: one partition of :func:`by_client`."""
    return frame


def _analysis(analysis, kwargs: dict):
    """``(function, name, arguments)`` of *analysis*, with *by* per client."""
    names = {f: n for n, (f, _) in ANALYSES.items()}
    name = names.get(analysis, analysis)
    if name not in ANALYSES:
        raise ValueError(f"run() takes one of {', '.join(ANALYSES)} (analyses computed client by "
                         f"client), not {analysis!r}")
    func, per_client = ANALYSES[name]
    kwargs = {**per_client, **kwargs}
    by = kwargs.get("by")
    if name == "progress" and by != "client" or \
            name in ("mood_by_activity", "balance") and (isinstance(by, str) or list(by)[:1] != ["client"]):
        raise ValueError(f"{name} on Dask runs per client: by={per_client['by']!r} (or another "
                         f"per-client form), not by={by!r}")
    return func, name, kwargs


def _plain(part: pd.DataFrame, attrs: dict) -> pd.DataFrame:
    """A partition as the pandas analyses read a log: text columns as ``str`` (a category or
    Dask's ``string[pyarrow]`` too), tidy columns in their dtypes, in order, then the rest."""
    cast = {c: TIDY_COLUMNS.get(c, "str") for c in part.columns
            if (c in TIDY_COLUMNS and str(part[c].dtype) != TIDY_COLUMNS[c])
            or (c not in TIDY_COLUMNS and isinstance(part[c].dtype, pd.CategoricalDtype | pd.StringDtype)
                and str(part[c].dtype) != "str")}
    if cast:
        part = part.astype(cast)
    order = [c for c in TIDY_COLUMNS if c in part.columns]
    part = part[order + [c for c in part.columns if c not in TIDY_COLUMNS]]
    part = part.sort_index(kind="stable").reset_index(drop=True)  # the rows' order before the shuffle
    part.attrs = dict(attrs)
    return part


def _on_partition(part: pd.DataFrame, func, attrs: dict, kwargs: dict):
    """The analysis of one partition's clients (None for an empty partition)."""
    if not len(part):
        return None
    part = _plain(part, attrs)
    roster = kwargs.get("roster")
    if roster is not None:  # this partition's clients' rows; roster-only clients come once, at the end
        kwargs = {**kwargs, "roster": roster[roster["client"].isin(part["client"].unique())]}
    return func(part, **kwargs)


def _group(results: list, name: str):
    """``(table, clients)``: the tables of some partitions as one, and each partition's clients
    (an array each); None when every partition was empty."""
    results = [r for r in results if r is not None]
    if not results:
        return None
    return _together(results, name), [r["client"].unique() for r in results]


def _one_partition_each(clients: list) -> None:
    """Raise when one client's rows came from two partitions (their tables would be wrong)."""
    seen = pd.concat([pd.Series(c, dtype="str") for c in clients], ignore_index=True)
    twice = seen[seen.duplicated()]
    if len(twice):
        raise ValueError(f"client {twice.iloc[0]!r} has rows in more than one partition: run with "
                         "shuffle=True (the default), which puts each client's rows in one partition")


def _natural(frame: pd.DataFrame) -> pd.DataFrame:
    """*frame*'s rows with clients in natural order, each client's rows in their order."""
    order = np.argsort(natural_codes(frame["client"]), kind="stable")
    return frame.iloc[order].reset_index(drop=True)


def _together(results: list[pd.DataFrame], name: str) -> pd.DataFrame:
    """The partitions' tables as one, clients in natural order, with the analysis's attrs."""
    # a partition with no rows to show (no mood rated, say) has the columns typed on their own
    rows = [r for r in results if len(r)] or results[:1]
    out = _natural(pd.concat(rows, ignore_index=True))
    first = results[0].attrs
    attrs = dict(first)
    if name == "progress":
        attrs["trend"] = AttrsFrame(_natural(pd.concat([pd.DataFrame(r.attrs["trend"]) for r in results],
                                                       ignore_index=True)))
        attrs["not_recorded"] = [m for m in first["not_recorded"]
                                 if all(m in r.attrs["not_recorded"] for r in results)]
    if "notes" in first:
        attrs["notes"] = list(dict.fromkeys(n for r in results for n in r.attrs["notes"]))
    out.attrs = attrs
    return out


def _with_roster_only(out: pd.DataFrame, roster: pd.DataFrame, meta: pd.DataFrame, attrs: dict,
                      kwargs: dict) -> pd.DataFrame:
    """*out* with a row for each roster client with no log (client_summary keeps everyone)."""
    alone = roster[~roster["client"].isin(out["client"])]
    if not len(alone):
        return out
    rows = client_summary(_plain(meta, attrs), **{**kwargs, "roster": alone})
    both = _natural(pd.concat([out, rows], ignore_index=True))
    both.attrs = {**out.attrs, "notes": list(dict.fromkeys([*out.attrs.get("notes", []),
                                                              *rows.attrs.get("notes", [])]))}
    return both
