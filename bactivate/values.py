"""The client's values: time, mastery, pleasure and mood per value, and the values not served lately.

Behavioural activation plans from what matters to the client (relationships, work or
education, hobbies, health, spirituality, daily responsibilities, or values in the
client's own words). The log's ``category`` column holds each activity's value: set by
the values map the clinician filled in (``values=`` of :func:`bactivate.read_log`,
which also keeps the map in ``attrs["values"]``, with the values that have no activity
yet), or, without one, the log's own life-area column. :func:`values_summary` gives
one row per value.

>>> import bactivate as ba
>>> log = ba.read_log("data/sample/client-alex.xlsx", values="data/sample/values-alex.csv",
...                   errors="ignore")
>>> values_summary(log)[["value", "importance", "entries", "served_last_week"]].head(3)
                          value  importance  entries  served_last_week
0                    Connection         9.0        6              True
1                        Health         8.0       67              True
2  Learning and a career I like         7.0       28              True
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bactivate._clients import one_client
from bactivate._log import bare, happened, require, with_calendar
from bactivate._names import name_key

__all__ = ["values_summary"]

#: The columns of :func:`values_summary`, in order.
COLUMNS = ("value", "importance", "activities", "entries", "hours", "mastery", "pleasure", "mood", "share",
           "entries_last_week", "served_last_week")
#: The group of activities with no value while grouping (a name no value has); missing in the result.
_NO_VALUE = "\0no value"


def _map_values(log: pd.DataFrame) -> pd.DataFrame:
    """The values map of ``attrs["values"]`` (value, importance), or an empty one."""
    table = log.attrs.get("values")
    if not isinstance(table, pd.DataFrame) or "value" not in table:
        return pd.DataFrame({"value": pd.Series([], dtype="str"), "importance": pd.Series([], dtype="float64")})
    importance = table["importance"] if "importance" in table else np.nan
    return pd.DataFrame({"value": table["value"].astype("str"), "importance": importance}).astype(
        {"importance": "float64"})


def _activities(rows: pd.DataFrame) -> pd.Series:
    """Each value's activities, most frequent first (ties by name), joined by ``"; "``."""
    counts = rows.groupby(["value", "activity"], observed=True).size().rename("n").reset_index()
    counts = counts.sort_values(["value", "n", "activity"], ascending=[True, False, True], kind="stable")
    return counts.groupby("value", sort=False)["activity"].agg("; ".join)


def _week(cal: pd.DataFrame, week) -> tuple[int | None, str | None]:
    """The week under review (*week*, or the log's last) and its label; None when no row is dated."""
    weeks = cal["week"].dropna()
    if weeks.empty:
        if week is not None:
            raise ValueError(f"week={week!r}: no row of the log has a date, so it has no weeks")
        return None, None
    chosen = int(weeks.max()) if week is None else int(week)
    labels = cal.loc[cal["week"] == chosen, "week_label"]
    if not labels.empty:
        return chosen, str(labels.iloc[0])
    if weeks.min() <= chosen <= weeks.max():  # a week with no entries inside the log: nothing served
        return chosen, f"Week {chosen}"
    raise ValueError(f"week={week!r}: the log runs from week {int(weeks.min())} to week {int(weeks.max())}")


def values_summary(log: pd.DataFrame, *, week=None) -> pd.DataFrame:
    """One row per value: its activities, how often and how long, mastery, pleasure, mood, last week.

    The values are the log's ``category`` values (each activity's value, from the
    values map of :func:`bactivate.read_log`'s ``values=``, or the log's own
    life-area column), and the values of the map (``attrs["values"]``) that no row
    holds: a value the client named with no activity yet is a row with 0 entries.
    Only activities that took place count (planned and skipped rows are left out:
    :func:`bactivate._log.happened`). Activities with no value are one last row,
    ``value`` missing ("no value given"), so that the shares add up to 1; rows
    with neither an activity nor a value (a mood-only entry) are left out.

    Parameters
    ----------
    log : DataFrame
        A tidy log (:func:`bactivate.read_log`; with ``values=``, its map's
        importance and values with no activity are used).
    week : int, optional
        The week under review for ``entries_last_week`` and ``served_last_week``,
        numbered as :func:`bactivate.progress` numbers weeks
        (:func:`bactivate._log.with_calendar`); default the log's last week.

    Returns
    -------
    DataFrame
        One row per value:

        * ``value`` (str; missing on the row of activities with no value);
        * ``importance`` (float64, 0-10 from the values map; NaN when not given);
        * ``activities`` (str): the value's activities, most frequent first, joined
          by ``"; "`` (``""`` when none took place);
        * ``entries`` (int64): rows that took place (an entry with three
          activities is three rows);
        * ``hours`` (float64): the sum of the known durations (``end - start``);
          NaN when none of the value's rows has an end time, never 0 for unknown
          (0 only for a value with no entries in a log that records end times);
        * ``mastery``, ``pleasure``, ``mood`` (float64): means over the value's
          rows that took place; NaN when none is rated (missing is not zero);
        * ``share`` (float64): ``entries`` over all rows that took place;
        * ``entries_last_week`` (Int64): entries in the week under review (missing
          when no row is dated);
        * ``served_last_week`` (boolean): at least one entry that week.

        Sorted by importance (most important first, not given last), then
        entries; the no-value row last. ``attrs``: ``week`` and ``week_label``
        (the week under review, None when no row is dated), ``from_map``
        (whether the values came with a values map).

    Raises
    ------
    ValueError
        When *log* lacks the tidy columns used, holds several clients (values are
        one person's: call it on each client's rows), or *week* is outside the log's weeks.

    See Also
    --------
    bactivate.balance : mastery and pleasure per activity or per category, with CIs.

    Notes
    -----
    The means are descriptive: a value served by few entries has an uncertain
    mean, and values are not compared with each other by a test. Mood is the
    mood of the entry, so an entry with activities of two values counts for both.

    Examples
    --------
    >>> import pandas as pd
    >>> log = pd.DataFrame({
    ...     "start": pd.to_datetime(["2026-03-02 09:00", "2026-03-03 18:00", "2026-03-10 09:00"]),
    ...     "end": pd.to_datetime(["2026-03-02 10:30", pd.NaT, "2026-03-10 10:00"]),
    ...     "activity": ["Walk", "Call mum", "Walk"], "category": ["Health", "Family", "Health"],
    ...     "mastery": [6.0, 7.0, 8.0], "pleasure": [5.0, 9.0, 7.0], "mood": [5.0, 7.0, 6.0],
    ...     "source": ["log.csv:2", "log.csv:3", "log.csv:4"]})
    >>> values_summary(log)[["value", "entries", "hours", "mastery", "entries_last_week"]]
        value  entries  hours  mastery  entries_last_week
    0  Health        2    2.5      7.0                  1
    1  Family        1    NaN      7.0                  0
    """
    require(log, ("start", "activity", "category"), "values_summary()")
    one_client(log, "values_summary()", "call it on each client's rows (values are one person's): "
               "{c: ba.values_summary(rows) for c, rows in log.groupby('client')}")
    chosen = _map_values(log)
    plain = bare(log)
    if "source" not in plain:
        plain = plain.assign(source=pd.Series(pd.NA, index=plain.index, dtype="str"))
    cal = with_calendar(plain)
    chosen_week, label = _week(cal, week)
    rows = happened(cal)
    rows = rows[(rows["activity"].notna() | rows["category"].notna()).to_numpy()]  # not mood-only entries
    # a value the map spells one way and an activity's own life area another ("health") are one
    spelled = {name_key(v): v for v in chosen["value"]}
    value = rows["category"].astype("str")
    value = value.map(lambda v: spelled.get(name_key(v), v), na_action="ignore")
    if "values" in log.attrs:  # with a map, the client's values are the map's: other life areas are not
        value = value.where(value.isin(set(chosen["value"])))
    end = rows["end"] if "end" in rows else pd.Series(pd.NaT, index=rows.index)
    hours = (end - rows["start"]).dt.total_seconds() / 3600
    this_week = (rows["week"] == chosen_week).fillna(False).astype(bool) if chosen_week is not None else False
    frame = pd.DataFrame({"value": value.fillna(_NO_VALUE), "activity": rows["activity"].astype("str"),
                          "hours": hours.where(hours >= 0), "this_week": this_week,
                          **{r: rows[r] if r in rows else np.nan for r in ("mastery", "pleasure", "mood")}})
    g = frame.groupby("value", sort=False)
    out = pd.DataFrame({"entries": g.size(), "hours": g["hours"].sum(min_count=1),
                        "mastery": g["mastery"].mean(), "pleasure": g["pleasure"].mean(),
                        "mood": g["mood"].mean(), "entries_last_week": g["this_week"].sum()})
    out["activities"] = _activities(frame.dropna(subset=["activity"]))
    out = out.reset_index()
    missing = chosen[~chosen["value"].isin(out["value"])]
    if len(missing):
        # a value of the map that no activity served: 0 entries is a count; no ratings are NaN
        timed = bool(frame["hours"].notna().any())
        out = pd.concat([out, pd.DataFrame({"value": missing["value"].to_numpy(), "entries": 0,
                                            "hours": 0.0 if timed else np.nan, "entries_last_week": 0})],
                        ignore_index=True)
    out = out.merge(chosen.drop_duplicates("value"), on="value", how="left")
    total = len(frame)
    out["share"] = out["entries"] / total if total else np.nan
    out["activities"] = out["activities"].fillna("")
    no_value = (out["value"] == _NO_VALUE).to_numpy()
    order = np.lexsort((-out["entries"].to_numpy(), -out["importance"].fillna(-1).to_numpy(), no_value))
    out = out.iloc[order].reset_index(drop=True)
    out["value"] = out["value"].where(out["value"] != _NO_VALUE)
    out["entries_last_week"] = pd.array(out["entries_last_week"], dtype="Int64")
    if chosen_week is None:
        out["entries_last_week"] = pd.NA
    out["served_last_week"] = (out["entries_last_week"] > 0).astype("boolean")
    out = out.astype({"value": "str", "importance": "float64", "activities": "str", "entries": "int64",
                      "hours": "float64", "mastery": "float64", "pleasure": "float64", "mood": "float64",
                      "share": "float64"})
    out = out[list(COLUMNS)]
    out.attrs = {"week": chosen_week, "week_label": label, "from_map": "values" in log.attrs}
    return out
