"""Mastery/pleasure balance: which activities bring accomplishment, which enjoyment.

BA asks whether a client's days hold both mastery (M, accomplishment) and
pleasure (P, enjoyment). :func:`balance` gives, per activity, category, week
or day: how often and how long, mean M and P with confidence intervals, the
share of entries high in both, mastery only, pleasure only or neither, and
the obtained reward (frequency x pleasure, after the Pleasant Events
Schedule).

The four "high/low" shares are this toolkit's own description, not a
published index: an entry is *high* in mastery when ``mastery >= high`` (6 of
10 by default, :data:`HIGH`), and likewise for pleasure. Change ``high`` to
suit the client; the plots (``plot.balance``, ``plot.timeline``) take the same
``high=`` with the same default and state it (:func:`high_label`).

:func:`most_relevant` picks the activities to name in a plot or a short list,
most relevant first: high in both, a clear mood difference, one for each life
area not yet named, then the most frequent; each with its reason in words.

>>> import bactivate as ba
>>> log = ba.synth.client(weeks=4, seed=1)
>>> ba.balance(log, by="category").columns[:4].tolist()
['category', 'entries', 'hours', 'entries_per_week']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bactivate._clients import one_client
from bactivate._engine import dispatch, on_dask
from bactivate._grouped import group_mean_ci
from bactivate._log import bare, happened, require, week_days
from bactivate._util import natural_codes
from bactivate.schema import factorize_text

_BY = ("activity", "category", "week", "day")

#: the default rating (0-10) from which mastery or pleasure counts as high, everywhere
HIGH = 6.0


def high_label(high: float = HIGH) -> str:
    """The threshold for "high" in words, as plots and reports state it.

    Parameters
    ----------
    high : float, default 6.0
        The rating (0-10) from which mastery or pleasure counts as high.

    Returns
    -------
    str
        E.g. ``"high = 6 or more of 10"``.

    Examples
    --------
    >>> from bactivate.balance import high_label
    >>> high_label(6), high_label(7.5)
    ('high = 6 or more of 10', 'high = 7.5 or more of 10')
    """
    return f"high = {float(high):g} or more of 10"


def balance(log: pd.DataFrame, by="activity", *, high: float = HIGH, ci: float = 0.95,
            min_entries: int = 1, engine: str = "pandas") -> pd.DataFrame:
    """Mastery and pleasure per activity, category, week or day.

    Parameters
    ----------
    log : pandas.DataFrame
        The tidy log (from :func:`bactivate.read_log`), or a cohort's with *by* per client.
    by : {"activity", "category", "week", "day"} or list, default "activity"
        The groups: ``"week"`` counts from the log's first day (1 = its first 7 days).
        ``["client", "activity"]`` (or ``"category"``, ``"week"``, ``"day"``)
        analyses every client of a cohort in one call, each client's rows equal
        to a call on that client's log alone (weeks and entries per week are
        each client's own). A log with several clients needs this form: its
        clients are never pooled (a ``ValueError`` says so).
    high : float, default 6.0
        An entry rated at least *high* (0-10) counts as high in mastery or pleasure.
    ci : float, default 0.95
        Level of the confidence intervals (t-based, over entries).
    min_entries : int, default 1
        Leave out groups with fewer entries.
    engine : {"pandas", "dask"}, default "pandas"
        ``"dask"`` (or a Dask DataFrame as *log*, whatever *engine* says) runs the same
        code on Dask, a partition of clients at a time, and returns this same table
        (:func:`bactivate.cohort.distributed.run`; ``docs/scale.md``); *by* per client
        only (``["client", "activity"]``).

    Returns
    -------
    pandas.DataFrame
        One row per group, most frequent first (weeks and days in order; per
        client: clients in natural order, each client's groups in that order).
        Skipped plans (planned, not done) are not counted: they did not happen.

        * ``client`` (str; only per client);
        * *by* (the group: activity or category as str, week as int64, day as datetime);
        * ``entries`` (int64): entries in the group;
        * ``hours``: hours summed where start and end are known (NaN if none);
        * ``entries_per_week``: entries over the weeks the log spans (at least
          one); for ``by="week"`` the week's entries, for ``by="day"`` the
          day's entries x 7;
        * ``mastery_mean``, ``mastery_ci_low``, ``mastery_ci_high``: mean mastery
          and its t-interval over entries, clipped to the 0-10 rating scale
          (with few, spread ratings the raw interval can pass 0 or 10, where no
          mean can lie);
        * ``pleasure_mean``, ``pleasure_ci_low``, ``pleasure_ci_high``: the same for pleasure;
        * ``share_both``, ``share_mastery_only``, ``share_pleasure_only``,
          ``share_neither``: shares of the entries rated on both that are high
          in both, in mastery only, in pleasure only, in neither (NaN when none is rated);
        * ``obtained_reward``: entries per week x mean pleasure;
        * ``rated`` (int64): entries with both ratings;
        * ``category`` (str; only for ``by="activity"``): the activity's most
          frequent category (life area; the client's own, per client), NA when it has none.

        ``attrs``: ``by`` (the group, without ``"client"``), ``high``, ``high_label``
        (``"high = 6 or more of 10"``), ``ci``, ``per_client`` and a ``description`` in words.

    Raises
    ------
    ValueError
        When *log* holds several clients and *by* is not per client.

    Examples
    --------
    >>> import bactivate as ba
    >>> log = ba.synth.client(weeks=2, seed=1)
    >>> res = ba.balance(log, by="category")
    >>> res[["category", "entries", "mastery_mean", "pleasure_mean"]].head(3).round(1)
             category  entries  mastery_mean  pleasure_mean
    0       Self-care       38           2.7            4.5
    1         Leisure       27           1.5            4.5
    2  Work/Education       24           4.7            2.5
    >>> top = ba.balance(log).head(3)
    >>> bool((top["share_both"] + top["share_mastery_only"] + top["share_pleasure_only"]
    ...       + top["share_neither"]).round(6).isin([1.0]).all())
    True
    >>> cohort, _ = ba.synth.cohort(n_clients=3, weeks=2, seed=1)
    >>> ba.balance(cohort, by=["client", "week"])[["client", "week", "entries"]].head(3)
      client  week  entries
    0   C001     1       54
    1   C001     2       53
    2   C002     1       54
    """
    if on_dask(log, engine):  # the same table, computed on Dask
        return dispatch("balance", locals())
    per, by = _per_client(by)
    require(log, ("start", "end", "activity", "category", "mastery", "pleasure", "done", "planned",
                  *(("client",) if per else ())), "balance()")
    if not per:
        one_client(log, "balance()", f'pass by=["client", "{by}"] for one table per client')
    if not 0 <= high <= 10:
        raise ValueError("high is a rating from 0 to 10")
    # only the columns used: the row filters then copy no notes or sources
    used = ("client", "start", "end", "activity", "category", "mastery", "pleasure", "planned", "done",
            *(("source",) if by == "week" else ()))
    df = happened(bare(log)[[c for c in log.columns if c in used]])
    if per and df["client"].isna().any():
        df = df[df["client"].notna()]
    grouping = _groups(df, by, per)
    groups, n, rows = grouping["groups"], grouping["n"], grouping["rows"]

    def count(flags=None):  # rows per group (those flagged), as int64
        return np.bincount(groups, weights=flags, minlength=n).astype("int64")

    start = df["start"].to_numpy()[rows]
    m = df["mastery"].to_numpy(dtype="float64", na_value=np.nan)[rows]
    p = df["pleasure"].to_numpy(dtype="float64", na_value=np.nan)[rows]
    rated, hi_m, hi_p = ~np.isnan(m) & ~np.isnan(p), m >= high, p >= high
    hours = (df["end"].to_numpy()[rows] - start) / np.timedelta64(1, "s") / 3600
    timed = hours >= 0
    out = {"entries": count(), "rated": count(rated),
           "hours": np.where(count(timed) > 0, np.bincount(groups, weights=np.where(timed, hours, 0.0),
                                                            minlength=n), np.nan)}
    if by == "week":
        out["entries_per_week"] = out["entries"] / 1.0
    elif by == "day":
        out["entries_per_week"] = out["entries"] / (1 / 7)
    else:
        out["entries_per_week"] = out["entries"] / _weeks_spanned(start, grouping)
    for v, values in (("mastery", m), ("pleasure", p)):
        r = group_mean_ci(groups, values, n, ci)
        # a mean of 0-10 ratings lies in 0-10: so does its interval
        out |= {f"{v}_mean": r["mean"], f"{v}_ci_low": np.clip(r["ci_low"], 0.0, 10.0),
                f"{v}_ci_high": np.clip(r["ci_high"], 0.0, 10.0)}
    denom = np.where(out["rated"] > 0, out["rated"], np.nan)
    for k, flags in (("both", hi_m & hi_p), ("mastery_only", hi_m & ~hi_p),
                     ("pleasure_only", ~hi_m & hi_p), ("neither", ~hi_m & ~hi_p)):
        out[f"share_{k}"] = count(rated & flags) / denom
    out["obtained_reward"] = out["entries_per_week"] * out["pleasure_mean"]
    order = _order(grouping, by, per, out["entries"])
    order = order[out["entries"][order] >= min_entries]
    g_client, g_by, labels = grouping["client"][order], grouping["by"][order], grouping["labels"]
    table = {"client": grouping["clients"].take(g_client).array} if per else {}
    if by in ("activity", "category"):
        table[by] = labels.take(g_by).array
    else:  # weeks as numbers, days as the log's timestamps (midnight)
        table[by] = labels[g_by].astype("int64" if by == "week" else df["start"].dtype)
    cols = ["entries", "hours", "entries_per_week",
            "mastery_mean", "mastery_ci_low", "mastery_ci_high",
            "pleasure_mean", "pleasure_ci_low", "pleasure_ci_high",
            "share_both", "share_mastery_only", "share_pleasure_only", "share_neither",
            "obtained_reward", "rated"]
    out = pd.DataFrame(table | {c: out[c][order] for c in cols})
    if by == "activity":  # the activity's most frequent category, as names
        out["category"] = _main_category(df["category"], grouping).take(order).array
    whose = " of each client" if per else ""
    out.attrs = {"by": by, "high": high, "high_label": high_label(high), "ci": ci, "per_client": per,
                 "description": f"Mastery and pleasure per {by}{whose}; 'high' means rated {high:g} or more "
                                f"of 10; CIs are {ci:.0%} t-intervals over entries, clipped to 0-10."}
    return out


def _per_client(by) -> tuple[bool, str]:
    """*by* as (per client?, the group): ``"week"`` or ``["client", "week"]``."""
    if isinstance(by, str):
        per, what = False, by
    else:
        items = list(by) if isinstance(by, list | tuple) else [by]
        per = len(items) == 2 and items[0] == "client"
        what = items[1] if per else items
    if what not in _BY:
        raise ValueError(f"by must be one of {_BY}, or ['client', group] for every client of a cohort, "
                         f"not {by!r}")
    return per, what


def _groups(df: pd.DataFrame, by: str, per_client: bool) -> dict:
    """The groups of *df* as integer codes: ``rows`` (those in a group: with a name, or dated for
    weeks and days), ``groups`` (each such row's group, ``0..n-1``), ``n``; per group its
    ``client`` and ``by`` (codes into ``clients`` and ``labels``, the distinct names, weeks or days).

    Grouping on codes, not on the names (W4-balance: a cohort's 1,000 clients x 24 activities).
    """
    if by in ("activity", "category"):
        by_codes, labels = factorize_text(df[by])
    elif by == "week":  # the calendar of with_calendar(), each client's weeks its own
        by_codes, labels = pd.factorize(week_days(df, by_client=per_client)["week"])
    else:
        by_codes, labels = pd.factorize(df["start"].to_numpy().astype("datetime64[D]"))
    if per_client:
        client_codes, clients = factorize_text(df["client"])
    else:
        client_codes, clients = np.zeros(len(df), dtype=np.intp), None
    rows = np.flatnonzero(by_codes >= 0)
    width = max(len(labels), 1)
    groups, key = pd.factorize(client_codes[rows].astype("int64") * width + by_codes[rows])
    return {"rows": rows, "groups": groups, "n": len(key), "client": key // width, "by": key % width,
            "labels": labels, "clients": clients, "client_codes": client_codes[rows]}


def _weeks_spanned(start: np.ndarray, grouping: dict) -> np.ndarray:
    """Per group: the weeks its client's log spans (first to last dated row, at least one)."""
    days = start.astype("datetime64[D]").astype("int64").astype("float64")
    dated = ~np.isnat(start)
    clients = grouping["client_codes"]
    n = int(clients.max()) + 1 if len(clients) else 0
    first, last = np.full(n, np.inf), np.full(n, -np.inf)
    np.minimum.at(first, clients[dated], days[dated])
    np.maximum.at(last, clients[dated], days[dated])
    with np.errstate(invalid="ignore"):
        weeks = np.where(np.isfinite(first), np.maximum((last - first + 1) / 7, 1.0), 1.0)
    return weeks[grouping["client"]]


def _order(grouping: dict, by: str, per_client: bool, entries: np.ndarray) -> np.ndarray:
    """The groups in the table's order: weeks and days in order, names most frequent first (ties
    alphabetical); per client, clients in natural order and each client's groups in that order."""
    g_by = grouping["by"]
    if by in ("week", "day"):
        keys = [grouping["labels"][g_by]]
    else:
        keys = [_alphabetical(grouping["labels"])[g_by], -entries]
    if per_client and grouping["n"]:
        keys.append(natural_codes(grouping["clients"])[grouping["client"]])
    return np.lexsort(keys)


def _alphabetical(names: pd.Index) -> np.ndarray:
    """Each name's place in alphabetical order."""
    rank = np.empty(len(names), dtype="int64")
    rank[names.argsort()] = np.arange(len(names))
    return rank


def _main_category(category: pd.Series, grouping: dict) -> pd.Index:
    """Each group's most frequent category (ties: the first in alphabetical order; NA when none)."""
    codes, names = factorize_text(category)
    codes = codes[grouping["rows"]]
    has = codes >= 0
    width = max(len(names), 1)
    pairs, key = pd.factorize(grouping["groups"][has].astype("int64") * width + codes[has])
    group, cat, count = key // width, key % width, np.bincount(pairs, minlength=len(key))
    order = np.lexsort([_alphabetical(names)[cat], -count, group])
    first = order[np.r_[True, group[order][1:] != group[order][:-1]]] if len(order) else order
    main = np.full(grouping["n"], -1, dtype=np.intp)
    main[group[first]] = cat[first]
    return names.take(main, allow_fill=True, fill_value=np.nan)


#: why an activity is listed, most relevant first (``listed_for`` of :func:`most_relevant`)
LISTED_FOR = ("high in both", "mood", "life area", "frequency")


def most_relevant(balance_frame: pd.DataFrame, mood: pd.DataFrame | None = None, n: int = 12, *,
                  high: float | None = None) -> pd.DataFrame:
    """The activities to name in a balance map or a short list, most relevant first.

    The order, each group in turn until *n* are chosen:

    1. high in both: mean mastery and mean pleasure both at least *high* (the
       "both" corner of the balance map), most frequent first;
    2. a clear mood difference (``verdict == "clear difference"`` in *mood*,
       i.e. its interval excludes 0), largest difference first;
    3. the client's life areas: for each category not yet named, its most
       frequent activity (most frequent category first);
    4. the rest, most frequent first.

    Parameters
    ----------
    balance_frame : pandas.DataFrame
        The frame of ``ba.balance(log, by="activity")`` (or ``by="category"``,
        which has no life-area step).
    mood : pandas.DataFrame, optional
        The frame of ``ba.mood_by_activity(log)`` (same *by*), matched on the name.
    n : int, default 12
        How many to return (all when ``None``).
    high : float, optional
        The threshold for "high"; by default the balance's (``attrs["high"]``), else 6.

    Returns
    -------
    pandas.DataFrame
        The chosen rows of *balance_frame*, in order, with two columns added:

        * ``listed_for`` (str): ``"high in both"``, ``"mood"``, ``"life area"`` or ``"frequency"``;
        * ``why_listed`` (str): the reason in plain words, e.g. "high in both
          mastery and pleasure", "mood clearly better on days with it", "most
          logged activity in Relationships", "logged 22 times".

        ``attrs``: those of *balance_frame*, with ``more`` (how many rows were
        left out, for "and k more") and ``high``.

    Examples
    --------
    >>> import bactivate as ba
    >>> from bactivate.balance import most_relevant
    >>> log = ba.synth.client(weeks=8, seed=3)
    >>> top = most_relevant(ba.balance(log), ba.mood_by_activity(log), n=8)
    >>> top[["activity", "why_listed"]]
                     activity                                why_listed
    0  Volunteer at food bank         high in both mastery and pleasure
    1  Watch TV all afternoon                lower mood on days with it
    2        Walk in the park               better mood on days with it
    3             Have a meal         most logged activity in Self-care
    4            Work at desk    most logged activity in Work/Education
    5           Call a friend     most logged activity in Relationships
    6        Grocery shopping  most logged activity in Household/Chores
    7        Shower and dress                           logged 45 times
    >>> top.attrs["more"]
    16
    """
    if not isinstance(balance_frame, pd.DataFrame) or not {"mastery_mean", "pleasure_mean",
                                                            "entries"} <= set(balance_frame.columns):
        raise ValueError("most_relevant() takes the frame of ba.balance(log, by='activity')")
    name = balance_frame.attrs.get("by", balance_frame.columns[0])
    if name not in balance_frame.columns:
        name = balance_frame.columns[0]
    high = float(balance_frame.attrs.get("high", HIGH) if high is None else high)
    df = balance_frame.reset_index(drop=True)
    entries = df["entries"].astype("float64")
    both = (df["mastery_mean"] >= high) & (df["pleasure_mean"] >= high)
    both = both.fillna(False).astype(bool)
    diff, clear = _clear_mood(df[name], mood, name)
    rank = pd.Series(3, index=df.index).mask(clear, 1).mask(both, 0)
    if "category" in df.columns and name != "category":
        cat = df["category"].astype("str")
        named = set(cat[rank < 2].dropna())
        # each remaining category's most frequent activity (categories by their most frequent activity)
        open_ = (rank == 3) & cat.notna() & ~cat.isin(named)
        first = df[open_].assign(_e=entries[open_]).sort_values(["_e", name], ascending=[False, True],
                                                                  kind="stable").drop_duplicates("category")
        rank[first.index] = 2
    # within a group: high in both and the rest by frequency, mood by the size of the difference
    key = entries.where(rank != 1, diff.abs())
    order = pd.DataFrame({"rank": rank, "key": -key, "name": df[name].astype("str")}).sort_values(
        ["rank", "key", "name"], kind="stable").index
    chosen = order if n is None else order[:max(int(n), 0)]
    out = df.loc[chosen].copy()
    r = rank[chosen]
    out["listed_for"] = pd.array(r.map(dict(enumerate(LISTED_FOR))).to_numpy(dtype=object), dtype="str")
    unit = "days with it" if mood is None or str(mood.attrs.get("unit", "day")) == "day" else "entries after it"
    mood_words = pd.Series(pd.NA, index=chosen, dtype="object")
    sign = diff[chosen]
    mood_words[clear[chosen] & (sign > 0)] = f"better mood on {unit}"
    mood_words[clear[chosen] & (sign < 0)] = f"lower mood on {unit}"
    why = pd.Series("", index=chosen, dtype="object")
    why[r == 0] = "high in both mastery and pleasure"
    why[r == 1] = mood_words[r == 1]
    if "category" in out.columns:
        why[r == 2] = "most logged activity in " + out.loc[r == 2, "category"].astype("str")
    why[r == 3] = "logged " + entries[chosen][r == 3].astype("int64").astype("str") + " times"
    extra = (r == 0) & mood_words.notna()  # high in both and a clear mood difference: say both
    why[extra] = why[extra] + "; " + mood_words[extra]
    out["why_listed"] = pd.array(why.to_numpy(dtype=object), dtype="str")
    out = out.reset_index(drop=True)
    out.attrs = {**balance_frame.attrs, "high": high, "more": int(len(df) - len(out))}
    return out


def _clear_mood(names: pd.Series, mood: pd.DataFrame | None, name: str) -> tuple[pd.Series, pd.Series]:
    """Each name's mood difference and whether it is clear (interval excludes 0), from *mood*."""
    nan = pd.Series(float("nan"), index=names.index)
    if mood is None or name not in getattr(mood, "columns", ()) or "diff" not in mood.columns:
        return nan, pd.Series(False, index=names.index)
    m = mood.drop_duplicates(name).set_index(name)
    if "verdict" in m.columns:
        clear = m["verdict"].eq("clear difference")
    else:
        clear = (m["ci_low"] > 0) | (m["ci_high"] < 0)
    diff = names.map(m["diff"]).astype("float64")
    clear = names.map(clear.fillna(False).astype(bool)).fillna(False).astype(bool) & diff.notna()
    return diff, clear
