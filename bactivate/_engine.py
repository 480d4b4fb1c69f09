"""Where a per-client analysis runs: pandas, or Dask through :mod:`bactivate.cohort.distributed`.

``client_summary``, ``progress``, ``mood_by_activity`` and ``balance`` take
``engine="pandas"`` (the default) or ``engine="dask"``; a Dask DataFrame given as
the log runs on Dask whatever *engine* says. Each of them starts with two lines::

    if on_dask(log, engine):
        return dispatch("progress", locals())

:func:`dispatch` hands the call's own arguments to
:func:`bactivate.cohort.distributed.run`, which runs the *same* pandas function on
each partition of clients and returns exactly the pandas table. That module
imports the analyses, so it is named here and imported on first use
(:class:`bactivate.lazy.Lazy`): no import cycle, and Dask is not imported until a
call asks for it.

>>> import bactivate as ba
>>> log, _ = ba.synth.cohort(n_clients=4, weeks=2, seed=1)
>>> on_dask(log, "pandas"), on_dask(log, "dask")
(False, True)
>>> ba.progress(log, by="client", engine="dask").equals(ba.progress(log, by="client"))
True
"""

from __future__ import annotations

from bactivate.lazy import Lazy

__all__ = ["ENGINES", "dispatch", "is_dask", "on_dask"]

#: The engines an analysis takes.
ENGINES = ("pandas", "dask")

# imported on first use: it imports the four analyses, which import this module
_distributed = Lazy("bactivate.cohort.distributed")

# the name of each analysis's first parameter, the log (``log`` where not listed)
_DATA = {"client_summary": "cohort"}


def is_dask(data) -> bool:
    """True for a Dask collection (a ``dask.dataframe.DataFrame``), without importing Dask.

    Examples
    --------
    >>> import pandas as pd
    >>> is_dask(pd.DataFrame())
    False
    """
    return type(data).__module__.split(".")[0] in ("dask", "dask_expr")


def on_dask(log, engine: str = "pandas") -> bool:
    """Whether an analysis of *log* runs on Dask: ``engine="dask"``, or *log* is a Dask DataFrame.

    Parameters
    ----------
    log : pandas.DataFrame or dask.dataframe.DataFrame
        The log given to the analysis.
    engine : {"pandas", "dask"}
        The analysis's *engine* argument.

    Returns
    -------
    bool

    Raises
    ------
    ValueError
        For an *engine* that is neither.

    Examples
    --------
    >>> import pandas as pd
    >>> on_dask(pd.DataFrame(), "dask")
    True
    """
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(map(repr, ENGINES))}, not {engine!r}")
    return engine == "dask" or is_dask(log)


def dispatch(name: str, args: dict):
    """Run analysis *name* on Dask with the arguments of its call (``locals()`` at its top).

    Parameters
    ----------
    name : {"client_summary", "progress", "mood_by_activity", "balance"}
        The analysis.
    args : dict
        Its parameters and their values: the log (``cohort`` for ``client_summary``),
        ``engine`` (dropped) and the analysis's own arguments, passed on to
        :func:`bactivate.cohort.distributed.run` (``by`` must be per client).

    Returns
    -------
    pandas.DataFrame
        The table the pandas call returns.

    Examples
    --------
    >>> import bactivate as ba
    >>> log, _ = ba.synth.cohort(n_clients=3, weeks=2, seed=1)
    >>> dispatch("balance", {"log": log, "by": ["client", "activity"], "engine": "dask"}).equals(
    ...     ba.balance(log, by=["client", "activity"]))
    True
    """
    args = dict(args)
    args.pop("engine", None)
    data = args.pop(_DATA.get(name, "log"))
    return _distributed.run(name, data, **args)
