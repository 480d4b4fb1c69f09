"""Compliance in an experience-sampling study: prompts sent and answered, per person.

An experience-sampling (ESM) export that lists every prompt sent, answered or not
(m-Path's, ``read_log(path, format="mpath")``), gives its cohort an
``attrs["prompts"]`` table: one row per participant with the prompts ``sent`` and
``answered``. :func:`compliance` turns it into the table a paper reports (the
response rate per person, the study's total and range), and
:func:`exclude_low_compliance` drops the people below a threshold and says who.

>>> import warnings
>>> import bactivate as ba
>>> with warnings.catch_warnings():
...     warnings.simplefilter("ignore")
...     study = ba.read_cohort("data/sample/formats/mpath-export.csv")
>>> table = compliance(study, min_compliance=0.5)
>>> table[["client", "sent", "answered", "rate", "excluded"]].tail(3)
   client  sent  answered      rate  excluded
5  241185    42        19  0.452381      True
6  241222    42        19  0.452381      True
7  241259    42         7  0.166667      True
>>> table.attrs["description"]
'62.2% of 336 prompts answered; 17-95% per person; 3 people below 50% excluded'
"""

from __future__ import annotations

import pandas as pd

from bactivate._util import plural
from bactivate.schema import AttrsFrame

__all__ = ["compliance", "exclude_low_compliance"]

#: The columns of :func:`compliance`'s table.
COLUMNS = ("client", "sent", "answered", "rate", "days", "first_day", "last_day", "excluded")


def _prompts(cohort: pd.DataFrame) -> pd.DataFrame:
    """The cohort's ``attrs["prompts"]``, one row per client (a client split over files summed)."""
    table = cohort.attrs.get("prompts") if isinstance(cohort, pd.DataFrame) else None
    if table is None:
        raise ValueError(
            "compliance needs the prompts that were sent, answered or not: this log has no "
            "attrs['prompts']. Only an export that lists unanswered prompts gives them (m-Path's raw "
            "export: read_log(path, format='mpath') or read_cohort(path, format='mpath')); a log of "
            "answered entries alone cannot tell how many prompts were missed")
    missing = {"client", "sent", "answered"} - set(table.columns)
    if missing:
        raise ValueError(f"attrs['prompts'] lacks the columns {sorted(missing)}")
    per = pd.DataFrame(table).assign(client=lambda t: t["client"].astype("str"))
    for c in ("days", "first_day", "last_day"):
        if c not in per.columns:
            per[c] = pd.NA if c == "days" else pd.NaT
    return per.groupby("client", sort=True).agg(
        sent=("sent", "sum"), answered=("answered", "sum"), days=("days", "sum"),
        first_day=("first_day", "min"), last_day=("last_day", "max")).reset_index()


def _check(min_compliance) -> float | None:
    """*min_compliance* as a share in [0, 1], or None."""
    if min_compliance is None:
        return None
    try:
        value = float(min_compliance)
    except (TypeError, ValueError):
        raise ValueError(f"min_compliance must be a share between 0 and 1, not {min_compliance!r}") from None
    if not 0 <= value <= 1:
        hint = f" (for {value:g}% write {value / 100:g})" if 1 < value <= 100 else ""
        raise ValueError(f"min_compliance must be a share between 0 and 1, not {min_compliance!r}{hint}")
    return value


def _pct(x: float) -> str:
    """A share as a whole percentage, one decimal when it is not whole (62.5%)."""
    p = 100 * x
    return f"{p:.0f}%" if abs(p - round(p)) < 0.05 else f"{p:.1f}%"


def compliance(cohort: pd.DataFrame, *, min_compliance: float | None = None) -> pd.DataFrame:
    """One row per person: prompts sent and answered, the response rate, the days, and who is excluded.

    Parameters
    ----------
    cohort : DataFrame
        A log or cohort read from an export that lists every prompt sent
        (``read_log(path, format="mpath")``, ``read_cohort(...)``): it carries
        ``attrs["prompts"]``. The people are those of ``attrs["prompts"]``: everyone the
        export sent prompts to, also those who answered none (they have no rows) and
        also after the frame's rows were filtered (pandas keeps ``attrs``).
    min_compliance : float, optional
        The lowest response rate kept, as a share (0.5 for 50%): people below it are
        marked ``excluded``. Studies often exclude below 33% or 50%; say which in the paper.

    Returns
    -------
    DataFrame
        One row per person, in id order:

        * ``client`` (str): the person;
        * ``sent`` (int64): prompts sent to them (a reminder counts with its prompt);
        * ``answered`` (int64): prompts they opened and answered;
        * ``rate`` (float64): ``answered / sent`` (NaN when none was sent);
        * ``days`` (int64): days on which they were sent prompts;
        * ``first_day``, ``last_day`` (datetime64): their first and last such day;
        * ``excluded`` (bool): ``rate`` below *min_compliance* (all False without it).

        ``attrs``: ``sent``, ``answered`` and ``rate`` over everyone (prompts, not
        people, so the rate is the share of all prompts answered), ``min_compliance``,
        ``excluded`` (the ids), and ``description``, a sentence such as "62.5% of
        3,600 prompts answered; 8-92% per person; 3 people below 50% excluded".

    Raises
    ------
    ValueError
        When *cohort* has no ``attrs["prompts"]`` (a log of answered entries alone
        cannot give compliance), or *min_compliance* is not a share in [0, 1].

    See Also
    --------
    exclude_low_compliance : the cohort without the people below a threshold.

    Notes
    -----
    The rate per person is answered / sent over their whole participation. The
    study's rate is total answered / total sent, which weights people by their
    prompts; with a fixed schedule it equals the mean of the per-person rates.
    ``mpathr::response_rate`` (the m-Path team's R package) computes the same
    per-person rate.

    Examples
    --------
    >>> import pandas as pd
    >>> log = pd.DataFrame({"client": ["a"]})
    >>> log.attrs["prompts"] = pd.DataFrame({"client": ["a", "b"], "sent": [40, 40],
    ...                                      "answered": [30, 10], "days": [7, 7]})
    >>> table = compliance(log, min_compliance=0.5)
    >>> table[["client", "rate", "excluded"]]
      client  rate  excluded
    0      a  0.75     False
    1      b  0.25      True
    >>> table.attrs["description"]
    '50% of 80 prompts answered; 25-75% per person; 1 person below 50% excluded'
    >>> compliance(pd.DataFrame({"client": ["a"]}))
    Traceback (most recent call last):
    ...
    ValueError: compliance needs the prompts that were sent, answered or not: this log has no attrs['prompts']. Only an export that lists unanswered prompts gives them (m-Path's raw export: read_log(path, format='mpath') or read_cohort(path, format='mpath')); a log of answered entries alone cannot tell how many prompts were missed
    """
    threshold = _check(min_compliance)
    per = _prompts(cohort)
    per["sent"] = per["sent"].astype("int64")
    per["answered"] = per["answered"].astype("int64")
    per["rate"] = (per["answered"] / per["sent"].where(per["sent"] > 0)).astype("float64")
    per["days"] = pd.to_numeric(per["days"], errors="coerce").astype("Int64")
    if per["days"].notna().all():
        per["days"] = per["days"].astype("int64")
    per["excluded"] = (per["rate"] < threshold).fillna(False).astype(bool) if threshold is not None else False
    out = per[list(COLUMNS)].copy()
    sent, answered = int(out["sent"].sum()), int(out["answered"].sum())
    rate = answered / sent if sent else float("nan")
    excluded = out.loc[out["excluded"], "client"].tolist()
    out.attrs = {"sent": sent, "answered": answered, "rate": rate, "min_compliance": threshold,
                 "excluded": excluded, "description": _sentence(out, sent, rate, threshold, excluded)}
    return out


def _sentence(out: pd.DataFrame, sent: int, rate: float, threshold, excluded: list) -> str:
    """'62.5% of 3,600 prompts answered; 8-92% per person; 3 people below 50% excluded'."""
    if not sent:
        return "no prompts were sent"
    rates = out["rate"].dropna()
    text = f"{_pct(rate)} of {sent:,} {'prompt' if sent == 1 else 'prompts'} answered"
    if len(rates) > 1:
        text += f"; {100 * rates.min():.0f}-{100 * rates.max():.0f}% per person"
    if threshold is not None:
        n = len(excluded)
        text += f"; {n} {'person' if n == 1 else 'people'} below {_pct(threshold)} excluded"
    return text


def exclude_low_compliance(cohort: pd.DataFrame, min_compliance: float) -> pd.DataFrame:
    """The cohort without the people whose response rate is below *min_compliance*, and who they were.

    Parameters
    ----------
    cohort : DataFrame
        A log or cohort with ``attrs["prompts"]`` (see :func:`compliance`).
    min_compliance : float
        The lowest response rate kept, as a share (0.5 for 50%).

    Returns
    -------
    DataFrame
        The rows of the people kept (a copy). ``attrs`` as *cohort*'s, plus
        ``compliance`` (:func:`compliance`'s table, everyone, with ``excluded``),
        ``excluded`` (the ids left out) and a note in ``attrs["notes"]`` that names
        them with their rates. ``attrs["prompts"]`` still lists everyone, so the
        study's compliance can be reported before exclusion.

    Raises
    ------
    ValueError
        As :func:`compliance`.

    Examples
    --------
    >>> import pandas as pd
    >>> log = pd.DataFrame({"client": ["a", "a", "b"], "mood": [5.0, 6.0, 3.0]})
    >>> log.attrs["prompts"] = pd.DataFrame({"client": ["a", "b", "c"], "sent": [40, 40, 40],
    ...                                      "answered": [30, 10, 0]})
    >>> kept = exclude_low_compliance(log, 0.5)
    >>> kept["client"].unique().tolist(), kept.attrs["excluded"]
    (['a'], ['b', 'c'])
    >>> kept.attrs["notes"][-1]
    'excluded 2 people who answered fewer than 50% of their prompts: b (25%), c (0%)'
    """
    table = compliance(cohort, min_compliance=min_compliance)
    gone = table.loc[table["excluded"]]
    out = cohort[~cohort["client"].astype("str").isin(gone["client"])].copy()
    out.attrs = dict(cohort.attrs)
    out.attrs["compliance"] = AttrsFrame(table)
    out.attrs["excluded"] = gone["client"].tolist()
    who = ", ".join(f"{c} ({_pct(r)})" for c, r in zip(gone["client"], gone["rate"], strict=True))
    note = (f"excluded {plural(len(gone), 'person', 'people')} who answered fewer than "
            f"{_pct(table.attrs['min_compliance'])} of their prompts" + (f": {who}" if who else ""))
    out.attrs["notes"] = [*cohort.attrs.get("notes", []), note]
    return out
