"""From repeated scores to one pre/post pair per client.

Questionnaires such as the PHQ-9 are often filled in every week (or every
session). Outcome rules -- :func:`bactivate.phq9_outcomes` (NHS Talking
Therapies), :func:`bactivate.reliable_change` (Jacobson & Truax) -- and
comparisons between arms (:func:`bactivate.compare_groups`) need one row per
client: a score before and a score after. :func:`pre_post` makes that row from
the long, one-row-per-occasion frame the scorers return.

>>> import pandas as pd
>>> scores = pd.DataFrame({"client": ["A", "A", "A", "B"], "week": [1, 2, 3, 1],
...                        "phq9_total": [18, None, 11, 15]})
>>> pre_post(scores, "phq9_total")[["client", "pre_week", "pre", "post_week", "post", "change"]]
  client  pre_week   pre  post_week  post  change
0      A         1  18.0          3  11.0    -7.0
1      B         1  15.0       <NA>   NaN     NaN
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bactivate._names import clean_names
from bactivate._util import natural_codes
from bactivate.io.roster import read_roster
from bactivate.schema import AttrsFrame

__all__ = ["pre_post"]


def pre_post(scores: pd.DataFrame, value: str, by: str = "client", time: str = "week", *,
             roster=None, pre=None, post=None) -> pd.DataFrame:
    """One row per client: the score at the first and at the last occasion, and the change.

    Parameters
    ----------
    scores : DataFrame
        One row per client and occasion, e.g. ``ba.score_phq9(answers)``: a
        *by* column (the client), a *time* column (week, session number or
        date) and the *value* column.
    value : str
        The score, e.g. ``"phq9_total"`` or ``"bads_sf_activation"``.
    by, time : str, default "client", "week"
        The client and occasion columns.
    roster : str, Path or DataFrame, optional
        One row per client (as for :func:`bactivate.read_cohort`); its columns
        (arm, baseline measures) are joined on *by* and come right after it.
    pre, post : scalar, optional
        By default ``pre`` is the client's **first** occasion with a score and
        ``post`` the **last** one, as NHS Talking Therapies pair scores (first
        and last available). Give an occasion (e.g. ``pre=1, post=8``) to use
        that one only; a client with no score then has a missing value.

    Returns
    -------
    DataFrame
        One row per client, in natural order: ``by`` (str, ids in the one
        written form the roster uses), the roster's columns (one that clashes
        is renamed ``{name}_roster``), ``pre_{time}`` (the occasion; Int64
        when *time* is an integer column), ``pre`` (float64),
        ``post_{time}``, ``post``, ``change`` (post - pre; lower is better
        for the PHQ-9) and ``n_scored`` (int64, occasions with a score). Pre
        and post are two different occasions: a client with a single scored
        occasion has no pair, and ``post`` and ``change`` are missing.
        Clients with no score at all, and roster clients with no scores, keep
        a row with missing values: nobody is dropped. ``attrs``: ``value``,
        ``pre``, ``post`` (how each was chosen), ``notes`` (clients with no
        pair, roster mismatches), ``description``, ``columns`` (each column's
        meaning).

    Raises
    ------
    ValueError
        When a column is missing, *value* is not numeric, or a client has two
        rows for the same occasion.

    Examples
    --------
    >>> scores = pd.DataFrame({"client": ["A", "A", "A", "B", "C"], "week": [1, 2, 3, 1, 4],
    ...                        "phq9_total": [18, None, 11, 15, 9]})
    >>> roster = pd.DataFrame({"client": ["A", "B", "D"], "arm": ["BA", "control", "BA"]})
    >>> pairs = pre_post(scores, "phq9_total", roster=roster)
    >>> pairs
      client      arm  pre_week   pre  post_week  post  change  n_scored
    0      A       BA         1  18.0          3  11.0    -7.0         2
    1      B  control         1  15.0       <NA>   NaN     NaN         1
    2      C      NaN         4   9.0       <NA>   NaN     NaN         1
    3      D       BA      <NA>   NaN       <NA>   NaN     NaN         0
    >>> pairs.attrs["notes"][-1]
    '3 client(s) without both a pre and a post phq9_total: change missing'
    >>> pre_post(scores, "phq9_total", pre=1, post=3)[["client", "pre", "post", "change"]]
      client   pre  post  change
    0      A  18.0  11.0    -7.0
    1      B  15.0   NaN     NaN
    2      C   NaN   NaN     NaN
    """
    if not isinstance(scores, pd.DataFrame):
        raise TypeError(f"pre_post takes a DataFrame of scores, not {type(scores).__name__}")
    missing = [c for c in (by, time, value) if c not in scores.columns]
    if missing:
        raise ValueError(f"pre_post: no column(s) {missing}; the columns are {list(scores.columns)}")
    v = scores[value]
    if not (pd.api.types.is_numeric_dtype(v.dtype) and not pd.api.types.is_bool_dtype(v.dtype)):
        raise ValueError(f"pre_post: {value!r} is not a numeric score")
    df = pd.DataFrame({
        # ids in the written form the roster and the logs use (NFC, spacing): see common.clean_name
        by: clean_names(scores[by].astype("str")).where(scores[by].notna()),
        time: scores[time],
        "_value": v.astype("Float64").to_numpy(dtype="float64", na_value=np.nan),
    }).dropna(subset=[by])
    dup = df.duplicated([by, time])
    if dup.any():
        shown = df.loc[dup, [by, time]].head(5).to_records(index=False).tolist()
        raise ValueError(f"pre_post: some clients have two rows for one {time} (e.g. {shown}); "
                         "keep one row per client and occasion")

    ids = pd.Index(pd.unique(df[by]), name=by)
    scored = df[df["_value"].notna()].sort_values([by, time], kind="stable")
    g = scored.groupby(by, sort=False)
    n_scored = g.size().reindex(ids, fill_value=0)
    pre_row = _at(df, scored, g, by, time, pre, first=True).reindex(ids)
    post_row = _at(df, scored, g, by, time, post, first=False).reindex(ids)
    same = (pre_row[time] == post_row[time]).fillna(False).astype(bool)
    post_row.loc[same, :] = np.nan  # one occasion is no pair
    out = pd.DataFrame({
        f"pre_{time}": pre_row[time],
        "pre": pre_row["_value"].astype("float64"),
        f"post_{time}": post_row[time],
        "post": post_row["_value"].astype("float64"),
    }, index=ids)
    for col in (f"pre_{time}", f"post_{time}"):
        if pd.api.types.is_integer_dtype(scores[time].dtype):
            out[col] = out[col].astype("Int64")
    out["change"] = out["post"] - out["pre"]
    out["n_scored"] = n_scored.astype("int64")
    out = out.reset_index()

    notes = []
    if roster is not None:
        r = pd.DataFrame(read_roster(roster)).rename(columns={"client": by})
        clash = [c for c in r.columns[1:] if c in out.columns]
        r = r.rename(columns={c: f"{c}_roster" for c in clash})
        only_roster = sorted(set(r[by]) - set(out[by]))
        only_scores = sorted(set(out[by]) - set(r[by]))
        if only_roster:
            notes.append(f"{len(only_roster)} roster client(s) have no scores (kept, with missing "
                         f"values): {', '.join(only_roster[:10])}")
        if only_scores:
            notes.append(f"{len(only_scores)} client(s) with scores are not in the roster (kept): "
                         f"{', '.join(only_scores[:10])}")
        out = r.merge(out, on=by, how="outer", sort=False)
        out["n_scored"] = out["n_scored"].fillna(0).astype("int64")
    out[by] = out[by].astype("str")
    out = out.iloc[np.argsort(natural_codes(out[by]), kind="stable")].reset_index(drop=True)
    no_pair = int(out["change"].isna().sum())
    if no_pair:
        notes.append(f"{no_pair} client(s) without both a pre and a post {value}: change missing")
    out.attrs = {
        "value": value,
        "pre": "first scored occasion" if pre is None else f"{time} {pre}",
        "post": "last scored occasion (a client with one score has no pair)" if post is None
        else f"{time} {post}",
        "notes": notes,
        "description": f"one row per {by}: {value} at pre and post, change = post - pre",
        "columns": AttrsFrame(pd.DataFrame({
            "column": [f"pre_{time}", "pre", f"post_{time}", "post", "change", "n_scored"],
            "meaning": [f"the {time} of the pre score", f"{value} at pre",
                        f"the {time} of the post score", f"{value} at post", "post - pre",
                        f"occasions with a {value}"],
        })),
    }
    return out


def _at(df, scored, g, by, time, when, *, first: bool) -> pd.DataFrame:
    """Per client: the (time, value) of the first/last scored occasion, or at occasion *when*."""
    if when is None:
        rows = g.head(1) if first else g.tail(1)
        return rows.set_index(by)[[time, "_value"]]
    at = df[df[time] == when]
    if at.empty:
        raise ValueError(f"pre_post: no row has {time} == {when!r}")
    return at.set_index(by)[[time, "_value"]]
