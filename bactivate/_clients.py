"""One client or many: how the single-client analyses refuse to pool a cohort's clients.

A cohort's tidy log holds several clients in its ``client`` column. An analysis
of one client's log run on it would mix days of different people (49 calendar
days where there were 184 person-days) and report a pooled answer as if it were
one person's. Every single-client analysis therefore either runs per client
when asked (``by="client"``, or ``by=["client", ...]`` where *by* already names
a grouping), returning a ``client`` column first, or raises the error of
:func:`one_client`, which counts the clients and names the per-client way.

>>> import pandas as pd
>>> log = pd.DataFrame({"client": ["C2", "C10", "C1", None]})
>>> client_names(log)
['C1', 'C2', 'C10']
>>> client_names(pd.DataFrame({"start": [1]}))
[]
"""

from __future__ import annotations

import pandas as pd

from bactivate._util import listed, natural_key
from bactivate.schema import as_text


def client_names(log: pd.DataFrame) -> list[str]:
    """The distinct (non-missing) clients of *log*, in natural order; [] without a client column.

    Parameters
    ----------
    log : pandas.DataFrame
        A tidy log (one client's or a cohort's).

    Returns
    -------
    list of str

    Examples
    --------
    >>> import pandas as pd
    >>> client_names(pd.DataFrame({"client": ["b", "a", "b"]}))
    ['a', 'b']
    """
    if "client" not in log.columns:
        return []
    names = pd.unique(log["client"].dropna().astype("str"))
    return sorted(names.tolist(), key=natural_key)


def one_client(log: pd.DataFrame, what: str, instead: str) -> None:
    """Raise a ``ValueError`` when *log* holds more than one client.

    Parameters
    ----------
    log : pandas.DataFrame
        The tidy log given to the analysis.
    what : str
        The analysis, as the user called it (``"balance()"``).
    instead : str
        The per-client way, in words (``'pass by=["client", "activity"]'``).

    Raises
    ------
    ValueError
        Naming how many clients the log holds (the first few of them) and *instead*.

    Examples
    --------
    >>> import pandas as pd
    >>> one_client(pd.DataFrame({"client": ["C1", "C1"]}), "f()", "pass by='client'")
    >>> one_client(pd.DataFrame({"client": ["C1", "C2"]}), "f()", "pass by='client'")
    Traceback (most recent call last):
    ...
    ValueError: f() analyses one client's log, and this log holds 2 clients (C1, C2): their rows would be pooled as if they were one person's. For a cohort, pass by='client'.
    """
    names = client_names(log)
    if len(names) > 1:
        raise ValueError(f"{what} analyses one client's log, and this log holds {len(names):,} clients "
                         f"({listed(names, 5)}): their rows would be pooled as if they were one "
                         f"person's. For a cohort, {instead}.")


def per_client(log: pd.DataFrame, analysis, /, *args, **kwargs) -> pd.DataFrame:
    """*analysis* run on each client's rows, the tables stacked with a ``client`` column first.

    For analyses whose work is a model per client (one fit each), where a
    vectorised form would not pay; clients in natural order, each client's
    rows exactly those of ``analysis(rows_of_that_client, ...)``.

    Parameters
    ----------
    log : pandas.DataFrame
        A cohort's tidy log (rows with no client are left out).
    analysis : callable
        Takes one client's log and returns a DataFrame.
    *args, **kwargs
        Passed to *analysis*.

    Returns
    -------
    pandas.DataFrame
        ``client`` (str) then *analysis*' columns; ``attrs`` those of the first
        client's table, with ``clients`` (how many).

    Examples
    --------
    >>> import pandas as pd
    >>> log = pd.DataFrame({"client": ["b", "a", "b"], "x": [1, 2, 3]})
    >>> per_client(log, lambda g: pd.DataFrame({"n": [len(g)]}))
      client  n
    0      a  1
    1      b  2
    """
    names = client_names(log)
    key = as_text(log["client"])
    parts = []
    for name, rows in log.groupby(key, sort=False):  # a loop over clients, each one model
        part = analysis(rows, *args, **kwargs)
        part = part.reset_index(drop=True)
        part.insert(0, "client", pd.array([name] * len(part), dtype="str"))
        parts.append((name, part))
    order = {n: i for i, n in enumerate(names)}
    parts.sort(key=lambda p: order[p[0]])
    if not parts:
        raise ValueError("the log has no rows with a client")
    out = pd.concat([p for _, p in parts], ignore_index=True)
    out.attrs = {**parts[0][1].attrs, "clients": len(parts)}
    return out
