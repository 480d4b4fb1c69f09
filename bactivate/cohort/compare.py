"""Arms compared on any column of the client summary, the client as the unit."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bactivate._util import plural
from bactivate.lazy import Lazy
from bactivate.schema import AttrsFrame
from bactivate.stats import bh, hedges_g

_st = Lazy("scipy.stats")  # imported on first use (see bactivate.lazy)


def compare_groups(summary: pd.DataFrame, group: str = "arm", value="mood", *, ci: float = 0.95,
                   correction: str = "holm", order=None) -> pd.DataFrame:
    """Compare groups (arms) on a per-client column, the client being the unit of analysis.

    Parameters
    ----------
    summary : DataFrame
        One row per client, e.g. :func:`bactivate.client_summary`.
    group : str, default "arm"
        The column that holds the group (arm).
    value : str or list of str, default "mood"
        The column(s) to compare, e.g. ``"mood"``, ``"mood_change"``,
        ``"adherence"``, ``"baseline_phq9"``.
    ci : float, default 0.95
        Confidence level of the intervals.
    correction : {"holm", "bh", "none"}, default "holm"
        Correction of the pairwise Welch p-values over the comparisons of one
        value when there are more than two groups: Holm (family-wise error,
        the default) or Benjamini-Hochberg (false discovery rate).
    order : list, optional
        The groups in the order to compare them (default: the column's
        categories if categorical, else sorted). Pairs are ``(a, b)`` with
        ``a`` before ``b`` in this order.

    Returns
    -------
    DataFrame
        One row per pair of groups (and value): ``value``, ``group_a``,
        ``group_b`` (str), ``n_a``, ``n_b`` (int64), then float64:
        ``mean_a``, ``mean_b``, ``sd_a``, ``sd_b``, ``diff`` (``mean_a -
        mean_b``), ``ci_low``, ``ci_high`` (Welch interval of the
        difference), ``hedges_g`` (a minus b, pooled SD, small-sample
        corrected) with ``g_ci_low``, ``g_ci_high``, ``t`` and ``df``
        (Welch), ``p_welch``, ``p_mannwhitney`` (two-sided), ``p_adjusted``
        (the Welch p corrected over the pairs; equal to ``p_welch`` with two
        groups). ``attrs``: ``omnibus`` (one row per value: ``value``, ``k``
        groups with data, ``n`` clients, Welch's one-way ANOVA ``welch_F``,
        ``welch_df1``, ``welch_df2``, ``p_welch_anova`` and Kruskal-Wallis
        ``kruskal_H``, ``p_kruskal``), ``correction`` (its name),
        ``groups``, ``ci_level``, ``notes`` (clients left out),
        ``description``.

    Raises
    ------
    ValueError
        When a column is missing or not numeric, clients repeat, there are
        fewer than two groups, or *order* names a group not in the data.

    Notes
    -----
    Clients with a missing group or value are left out (counted in
    ``attrs["notes"]``). Welch's test does not assume equal variances; with
    few clients per arm prefer the interval over the p-value, and read the
    Mann-Whitney p as a check that a few extreme clients do not drive the
    result.

    Examples
    --------
    >>> import bactivate as ba
    >>> log, roster = ba.synth.cohort(n_clients=20, weeks=4, seed=2)
    >>> res = compare_groups(ba.client_summary(log, roster=roster), "arm", ["mood", "adherence"])
    >>> res[["value", "group_a", "group_b", "n_a", "n_b"]]
           value group_a  group_b  n_a  n_b
    0       mood      BA  control   10   10
    1  adherence      BA  control   10   10
    >>> res.attrs["correction"], res.attrs["omnibus"]["k"].tolist()
    ('none (two groups)', [2, 2])
    """
    values, groups = _checked(summary, group, value, correction, ci, order)
    rows, omni, notes = [], [], []
    for v in values:
        pair_rows, omnibus, note = _one_value(summary, group, v, groups, ci, correction)
        rows.extend(pair_rows)
        omni.append(omnibus)
        notes.extend(note)
    out = pd.DataFrame(rows)
    out = out.astype({"value": "str", "group_a": "str", "group_b": "str", "n_a": "int64", "n_b": "int64"})
    out.attrs = {
        "omnibus": AttrsFrame(pd.DataFrame(omni)),
        "correction": "none (two groups)" if len(groups) == 2 else
        {"holm": "Holm", "bh": "Benjamini-Hochberg", "none": "none"}[correction],
        "groups": [str(x) for x in groups],
        "ci_level": ci,
        "notes": notes,
        "description": "client = unit of analysis; diff = mean_a - mean_b with a Welch interval; "
                       "Hedges' g (a minus b); p_welch: Welch t test; p_mannwhitney: two-sided "
                       "Mann-Whitney U; p_adjusted: p_welch corrected over the pairs",
    }
    return out


def _checked(summary, group: str, value, correction: str, ci: float, order) -> tuple[list, list]:
    """The arguments checked: the value columns, and the groups in order."""
    if not isinstance(summary, pd.DataFrame):
        raise TypeError(f"compare_groups takes a per-client DataFrame, not {type(summary).__name__}")
    if correction not in ("holm", "bh", "none"):
        raise ValueError(f"correction must be 'holm', 'bh' or 'none', not {correction!r}")
    if not 0 < ci < 1:
        raise ValueError(f"ci must be between 0 and 1, not {ci!r}")
    values = [value] if isinstance(value, str) else list(value)
    missing = [c for c in [group, *values] if c not in summary.columns]
    if missing:
        raise ValueError(f"compare_groups: no column(s) {missing} in the summary; its columns are "
                         f"{list(summary.columns)}")
    if "client" in summary.columns and summary["client"].duplicated().any():
        raise ValueError("compare_groups needs one row per client (the unit of analysis); the frame has "
                         "repeated clients: summarise it first with client_summary()")
    groups = _group_order(summary[group], order)
    if len(groups) < 2:
        raise ValueError(f"compare_groups needs at least two groups in {group!r}; found {groups}")
    return values, groups


def _one_value(summary, group: str, v: str, groups: list, ci: float, correction: str):
    """Every pair of groups compared on column *v* (p adjusted over the pairs), the omnibus
    row, and a note on the clients left out (empty when none)."""
    if not (pd.api.types.is_numeric_dtype(summary[v].dtype) or pd.api.types.is_bool_dtype(summary[v].dtype)):
        raise ValueError(f"compare_groups: column {v!r} is not numeric")
    y = pd.Series(summary[v].astype("Float64").to_numpy(dtype="float64", na_value=np.nan),
                  index=summary.index)
    ok = y.notna() & summary[group].notna()
    notes = []
    if (~ok).any():
        notes.append(f"{v}: {plural(int((~ok).sum()), 'client')} left out (no {group} or no {v})")
    samples = {gname: y[ok & (summary[group] == gname)].to_numpy() for gname in groups}
    pair_rows = [_pair(v, a, b, samples[a], samples[b], ci)
                 for i, a in enumerate(groups) for b in groups[i + 1:]]
    p = np.array([r["p_welch"] for r in pair_rows], dtype="float64")
    if len(pair_rows) == 1 or correction == "none":
        adj = p
    elif correction == "holm":
        adj = _holm(p)
    else:
        adj = np.asarray(bh(p), dtype="float64")
    for r_, q in zip(pair_rows, adj, strict=True):
        r_["p_adjusted"] = float(q)
    return pair_rows, {"value": v, **_omnibus([samples[gname] for gname in groups])}, notes


def _group_order(col: pd.Series, order) -> list:
    """The groups present, in *order*, else in category order, else sorted."""
    present = pd.unique(col.dropna())
    if order is not None:
        unknown = [g for g in order if g not in set(present)]
        if unknown:
            raise ValueError(f"order names groups not in the data: {unknown}; groups are {list(present)}")
        return list(order)
    if isinstance(col.dtype, pd.CategoricalDtype):
        return [c for c in col.cat.categories if c in set(present)]
    try:
        return sorted(present)
    except TypeError:
        return sorted(present, key=str)


def _pair(v, a, b, xa: np.ndarray, xb: np.ndarray, ci: float) -> dict:
    """Groups *a* and *b* compared on *v*: means, SDs, Welch interval and test, Hedges' g, Mann-Whitney."""
    na, nb = len(xa), len(xb)
    ma = float(np.mean(xa)) if na else np.nan
    mb = float(np.mean(xb)) if nb else np.nan
    sa = float(np.std(xa, ddof=1)) if na > 1 else np.nan
    sb = float(np.std(xb, ddof=1)) if nb > 1 else np.nan
    diff = ma - mb
    t = df = low = high = p = p_mw = np.nan
    if na > 1 and nb > 1:
        va, vb = sa**2 / na, sb**2 / nb
        se = np.sqrt(va + vb)
        if se > 0:
            df = (va + vb) ** 2 / (va**2 / (na - 1) + vb**2 / (nb - 1))
            half = _st.t.ppf(0.5 + ci / 2, df) * se
            low, high = diff - half, diff + half
            t = diff / se
            p = float(2 * _st.t.sf(abs(t), df))
    if na and nb:
        p_mw = float(_st.mannwhitneyu(xa, xb, alternative="two-sided").pvalue)
    if na and nb:  # hedges_g(b=group a): positive g means a is higher, like diff
        g = hedges_g(xb, xa, ci=ci).iloc[0]
    else:
        g = {"estimate": np.nan, "ci_low": np.nan, "ci_high": np.nan}
    return {"value": v, "group_a": str(a), "group_b": str(b), "n_a": na, "n_b": nb,
            "mean_a": ma, "mean_b": mb, "sd_a": sa, "sd_b": sb, "diff": diff,
            "ci_low": low, "ci_high": high, "hedges_g": float(g["estimate"]),
            "g_ci_low": float(g["ci_low"]), "g_ci_high": float(g["ci_high"]),
            "t": t, "df": df, "p_welch": p, "p_mannwhitney": p_mw}


def _holm(p: np.ndarray) -> np.ndarray:
    """Holm's step-down adjusted p-values (NaN passed through, not counted)."""
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    m = int(ok.sum())
    if m:
        pv = p[ok]
        order = np.argsort(pv, kind="stable")
        adj = np.minimum(1.0, np.maximum.accumulate(pv[order] * (m - np.arange(m))))
        res = np.empty(m)
        res[order] = adj
        out[ok] = res
    return out


def _omnibus(samples: list[np.ndarray]) -> dict:
    """Welch's one-way ANOVA and Kruskal-Wallis over the groups with data."""
    used = [s for s in samples if len(s)]
    k = len(used)
    n = np.array([len(s) for s in used], dtype="float64")
    res = {"k": k, "n": int(n.sum()), "welch_F": np.nan, "welch_df1": np.nan, "welch_df2": np.nan,
           "p_welch_anova": np.nan, "kruskal_H": np.nan, "p_kruskal": np.nan}
    if k >= 2 and (n >= 2).all():
        m = np.array([s.mean() for s in used])
        v = np.array([s.var(ddof=1) for s in used])
        if (v > 0).all():
            w = n / v
            wsum = w.sum()
            mw = (w * m).sum() / wsum
            a = (w * (m - mw) ** 2).sum() / (k - 1)
            tmp = ((1 - w / wsum) ** 2 / (n - 1)).sum()
            b = 1 + 2 * (k - 2) / (k**2 - 1) * tmp
            f = a / b
            df2 = (k**2 - 1) / (3 * tmp)
            res.update(welch_F=float(f), welch_df1=float(k - 1), welch_df2=float(df2),
                       p_welch_anova=float(_st.f.sf(f, k - 1, df2)))
    if k >= 2:
        try:
            kw = _st.kruskal(*used)
            res.update(kruskal_H=float(kw.statistic), p_kruskal=float(kw.pvalue))
        except ValueError:  # all values identical
            pass
    return res
