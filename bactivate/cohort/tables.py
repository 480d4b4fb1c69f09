"""Research tables for reading: the cohort analyses' frames rounded, key columns first, notes as lists.

The analyses (:func:`~bactivate.cohort.summary.client_summary`,
:func:`~bactivate.cohort.compare.compare_groups`,
:func:`~bactivate.cohort.trajectory.trajectory`, the questionnaire scorers,
:func:`~bactivate.cohort.outcomes.pre_post`, the de-identification report)
return tidy frames with every number at full precision, for code. :func:`show`
is the view for a reader, as pingouin prints a test: the columns a reader
needs first (for a comparison: measure, each arm's mean, difference [95% CI],
Hedges' g [95% CI], p, n), effects to 2 decimals and means on 0-10 to 1,
shares as percentages, p-values as ``<0.001`` or 3 decimals, the frame's
other columns named under the table (``all=True`` shows them) and its
``attrs`` notes as a bulleted list. :func:`notes` shows a list of notes
(``cohort.attrs["notes"]``) the same way. Client, arm and activity text is
HTML-escaped. The frame itself is never changed: keep computing with it.

>>> import bactivate as ba
>>> cohort = ba.read_cohort("data/sample/cohort", roster="data/sample/cohort/roster.csv")
>>> comparison = ba.compare_groups(ba.client_summary(cohort), "arm", "mood_change")
>>> table = show(comparison)
>>> table.data.columns.tolist()
['Measure', 'Mean BA', 'Mean control', 'Difference [95% CI]', "Hedges' g [95% CI]", 'p', 'n']
>>> table.data.iloc[0].tolist()
['mood change', '1.9', '-0.2', '2.11 [1.40, 2.81]', '1.88 [1.15, 2.62]', '<0.001', '20 / 20']
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from bactivate import escape

__all__ = ["KINDS", "Table", "notes", "p_value", "show"]

MAX_COLUMNS = 8  # what a laptop screen shows without scrolling sideways (about 1,300 px)
DASH = "–"
# measures that are shares of clients or of days: shown as percentages
_SHARE = re.compile(r"share|rate|adherence|completion|proportion|reliable|recovery|deterioration|"
                    r"improvement|caseness|crossed")
_SCORE = re.compile(r"^(phq9|bads_sf|bads)_(?!\d+$)(?!sf_\d+$)")  # the scores, not the items
_P = re.compile(r"^(p|q)$|^p_|_p$")
_GROUPS = ("arm", "group", "condition")


def p_value(p) -> str:
    """A p-value as a reader expects it: ``"<0.001"``, or 3 decimals; missing as a dash.

    Parameters
    ----------
    p : float
        The p-value (NaN or None when there is none).

    Returns
    -------
    str

    Examples
    --------
    >>> [p_value(v) for v in (5.246269e-07, 0.00099, 0.001, 0.00523, 0.0496, 0.5, 1.0, float("nan"))]
    ['<0.001', '<0.001', '0.001', '0.005', '0.050', '0.500', '1.000', '–']
    """
    if p is None or pd.isna(p):
        return DASH
    p = float(p)
    if p < 0.001:
        return "<0.001"
    return f"{p:.3f}"


def _num(v, digits: int, signed: bool = False) -> str:
    """One number at *digits* decimals ("-0.0" as "0.0"); missing as a dash."""
    if v is None or pd.isna(v):
        return DASH
    text = f"{float(v):{'+' if signed else ''}.{digits}f}"
    return re.sub(r"^[+-](0\.?0*)$", r"\1", text)


def _ci(est, lo, hi, digits: int, signed: bool = False) -> str:
    """"2.11 [1.40, 2.81]"; the estimate alone when there is no interval."""
    if pd.isna(lo) or pd.isna(hi):
        return _num(est, digits, signed)
    return f"{_num(est, digits, signed)} [{_num(lo, digits)}, {_num(hi, digits)}]"


def _digits(values, base: int) -> int:
    """*base* decimals for numbers of 1 or more; one more below 1, two more below 0.1 (at most 3)."""
    arr = pd.to_numeric(pd.Series(list(values), dtype="float64"), errors="coerce").abs().dropna()
    arr = arr[arr > 0]
    if arr.empty:
        return base
    top = float(arr.max())
    return min(3, base + (top < 1) + (top < 0.1))


def _column(s: pd.Series, name=None) -> pd.Series:
    """A column as text: p-values, shares, counts, ratings, yes/no, dates, escaped text."""
    name = str(name if name is not None else s.name)
    if pd.api.types.is_bool_dtype(s.dtype):
        return s.map(lambda v: DASH if pd.isna(v) else ("yes" if v else "no")).astype(object)
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        dated = (s.dropna() == s.dropna().dt.normalize()).all()  # midnights: dates without times
        fmt = "%Y-%m-%d" if dated else "%Y-%m-%d %H:%M"
        return s.map(lambda v: DASH if pd.isna(v) else v.strftime(fmt)).astype(object)
    if isinstance(s.dtype, pd.CategoricalDtype) or not pd.api.types.is_numeric_dtype(s.dtype):
        return s.map(lambda v: DASH if v is None or (not isinstance(v, str) and pd.isna(v))
                     else str(v)).astype(object)
    if _P.search(name):
        return s.map(p_value).astype(object)
    if pd.api.types.is_integer_dtype(s.dtype):
        return s.map(lambda v: DASH if pd.isna(v) else str(int(v))).astype(object)
    vals = s.astype("float64")
    if _SHARE.search(name) and vals.dropna().between(0, 1).all():
        return vals.map(lambda v: DASH if pd.isna(v) else f"{v:.0%}").astype(object)
    if vals.dropna().apply(float.is_integer).all():
        return vals.map(lambda v: _num(v, 0)).astype(object)
    digits = _digits(vals, 1)
    return vals.map(lambda v: _num(v, digits)).astype(object)


def _label(name) -> str:
    """A column name in words: ``mood_change`` -> ``mood change``."""
    return str(name).replace("_", " ")


# ----------------------------------------------------------------------------- the views


def _compare(d: pd.DataFrame):
    """compare_groups: measure, arm means, difference [CI], Hedges' g [CI], p, n."""
    pairs = d[["group_a", "group_b"]].astype(str).drop_duplicates()
    one_pair = len(pairs) == 1
    rows = []
    for _, r in d.iterrows():
        share = bool(_SHARE.search(str(r["value"]))) and 0 <= r["mean_a"] <= 1 and 0 <= r["mean_b"] <= 1
        k = 100.0 if share else 1.0
        means = _digits([r["mean_a"], r["mean_b"]], 1) if not share else 1
        eff = _digits([r["diff"], r["ci_low"], r["ci_high"]], 2) if not share else 1
        row = {"Measure": _label(r["value"]) + (" (%)" if share else "")}
        if not one_pair:  # the pair's n beside its names: one column fewer
            row["Arms (n)"] = f"{r['group_a']} vs {r['group_b']} ({r['n_a']} / {r['n_b']})"
        a = f"Mean {r['group_a']}" if one_pair else "Mean a"
        b = f"Mean {r['group_b']}" if one_pair else "Mean b"
        row[a] = _num(r["mean_a"] * k, means)
        row[b] = _num(r["mean_b"] * k, means)
        row["Difference [95% CI]"] = _ci(r["diff"] * k, r["ci_low"] * k, r["ci_high"] * k, eff)
        row["Hedges' g [95% CI]"] = _ci(r["hedges_g"], r["g_ci_low"], r["g_ci_high"], 2)
        row["p"] = p_value(r["p_welch"])
        if "p_adjusted" in d and not np.allclose(d["p_welch"], d["p_adjusted"], equal_nan=True):
            row["p (adjusted)"] = p_value(r["p_adjusted"])
        if one_pair:
            row["n"] = f"{r['n_a']} / {r['n_b']}"
        rows.append(row)
    used = ["value", "group_a", "group_b", "mean_a", "mean_b", "diff", "ci_low", "ci_high", "hedges_g",
            "g_ci_low", "g_ci_high", "p_welch", "n_a", "n_b"]
    if rows and "p (adjusted)" in rows[0]:
        used.append("p_adjusted")
    return pd.DataFrame(rows), used


def _client_and_group(d: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The table's first columns: the client, and its group (arm) when the frame has one."""
    group = next((g for g in _GROUPS if g in d.columns), None)
    out = pd.DataFrame({"Client": _column(d["client"])})
    used = ["client"]
    if group:
        out[_label(group).capitalize()] = _column(d[group])
        used.append(group)
    return out, used


def _summary(d: pd.DataFrame):
    """client_summary: client, arm, weeks, adherence, completion, mood, mood change, mood slope."""
    out, used = _client_and_group(d)
    for col, label in (("weeks", "Weeks"), ("adherence", "Adherence"), ("completion", "Completion"),
                       ("mood", "Mood (0-10)"), ("mood_change", "Mood change")):
        if col in d.columns:
            out[label] = _column(d[col])
            used.append(col)
    if "mood_change" in d.columns:
        out["Mood change"] = d["mood_change"].map(lambda v: _num(v, 1, signed=True))
    if "mood_slope" in d.columns:
        lo, hi = d.get("mood_slope_ci_low"), d.get("mood_slope_ci_high")
        out[f"Mood per {d.attrs.get('unit', 'week')} [95% CI]"] = [  # client_summary(unit=...)
            _ci(v, lo.iloc[i] if lo is not None else np.nan, hi.iloc[i] if hi is not None else np.nan,
                2, signed=True) for i, v in enumerate(d["mood_slope"])]
        used += [c for c in ("mood_slope", "mood_slope_ci_low", "mood_slope_ci_high") if c in d.columns]
    return out, used


def _term(term: str) -> str:
    """A statsmodels term in words: ``week:arm[T.BA]`` -> ``week × arm BA``."""
    text = re.sub(r"(\w+)\[T\.([^\]]*)\]", r"\1 \2", str(term))
    return text.replace(":", " × ")


def _trajectory(d: pd.DataFrame):
    """trajectory: term, estimate [CI], SE, df, p."""
    digits = _digits(pd.concat([d["estimate"], d["ci_low"], d["ci_high"]]).abs().tolist(), 2)
    out = pd.DataFrame({
        "Term": d["term"].map(_term),
        "Estimate [95% CI]": [_ci(e, lo, hi, digits) for e, lo, hi in zip(d["estimate"], d["ci_low"],
                                                                          d["ci_high"], strict=True)],
        "SE": d["se"].map(lambda v: _num(v, digits)),
    })
    used = ["term", "estimate", "ci_low", "ci_high", "se"]
    if "df" in d.columns:
        out["df"] = d["df"].map(lambda v: _num(v, 0 if pd.isna(v) or float(v).is_integer() else 1))
        used.append("df")
    out["p"] = d["p"].map(p_value)
    used.append("p")
    return out, used


def _scores(d: pd.DataFrame):
    """Questionnaire scores: client, week, the scores and flags (not the items)."""
    keys = [c for c in ("client", "week") if c in d.columns]
    scores = [c for c in d.columns if _SCORE.search(str(c)) and not str(c).endswith("_items_answered")]
    used = keys + scores
    out = pd.DataFrame({_label(c).capitalize(): _column(d[c]) for c in used})
    out.columns = [_score_label(c) for c in used]
    return out, used


def _score_label(c) -> str:
    """``phq9_total`` -> ``PHQ-9 total``; ``bads_sf_avoidance`` -> ``BADS-SF avoidance``."""
    text = re.sub(r"^bads_sf_", "BADS-SF ", str(c))
    text = re.sub(r"^bads_", "BADS ", text)
    text = re.sub(r"^phq9_", "PHQ-9 ", text)
    return _label(text).capitalize() if text == str(c) else text.replace("_", " ")


def _pre_post(d: pd.DataFrame):
    """pre_post: client, arm, pre (week), post (week), change."""
    out, used = _client_and_group(d)
    digits = _digits(pd.concat([d["pre"], d["post"]]).tolist(), 1)
    for col in ("pre", "post"):
        wk = d.get(f"{col}_week")
        out[f"{col.capitalize()} (week)"] = [
            _num(v, 0 if pd.isna(v) or float(v).is_integer() else digits)
            + ("" if wk is None or pd.isna(wk.iloc[i]) else f" ({wk.iloc[i]})")
            for i, v in enumerate(d[col])]
        used += [col] + ([f"{col}_week"] if wk is not None else [])
    out["Change"] = d["change"].map(lambda v: _num(v, 0 if pd.isna(v) or float(v).is_integer() else digits,
                                                   signed=True))
    used.append("change")
    return out, used


def _deidentified(d: pd.DataFrame):
    """The de-identification report: column, what was done, why, quasi-identifier."""
    out = pd.DataFrame({"Column": _column(d["column"]), "Done": _column(d["action"]),
                        "Why": _column(d["why"]),
                        "Quasi-identifier": _column(d["quasi_identifier"])})
    return out, ["column", "action", "why", "quasi_identifier"]


def _generic(d: pd.DataFrame):
    """Any frame: client and arm first, then the columns in order, each formatted."""
    first = [c for c in ("client", *_GROUPS) if c in d.columns]
    used = (first + [c for c in d.columns if c not in first])[:MAX_COLUMNS]
    out = pd.DataFrame({_label(c): _column(d[c]) for c in used})
    return out, used


def _effects(d: pd.DataFrame):
    """activity_effects: the activity, within and between effects [CI] with q, people and prompts."""
    name = d.columns[0]
    out = pd.DataFrame({_label(name).capitalize(): _column(d[name])})
    for part in ("within", "between"):
        digits = _digits(d[[part, f"{part}_ci_low", f"{part}_ci_high"]].to_numpy().ravel(), 2)
        out[f"{part.capitalize()} [95% CI]"] = [
            _ci(e, lo, hi, digits) for e, lo, hi in
            zip(d[part], d[f"{part}_ci_low"], d[f"{part}_ci_high"], strict=True)]
        out[f"q ({part})"] = d[f"{part}_q"].map(p_value)
    out["People (with it)"] = [f"{n} ({w})" for n, w in zip(d["n_people"], d["n_people_with"], strict=True)]
    out["Prompts"] = _column(d["n_prompts"])
    used = [name, "within", "within_ci_low", "within_ci_high", "within_q", "between", "between_ci_low",
            "between_ci_high", "between_q", "n_people", "n_people_with", "n_prompts"]
    return out, used


KINDS = {
    "effects": ({"within", "within_ci_low", "between", "between_ci_low", "n_people", "n_prompts"}, _effects),
    "compare": ({"value", "group_a", "group_b", "mean_a", "mean_b", "diff", "hedges_g", "p_welch"}, _compare),
    "trajectory": ({"term", "estimate", "se", "ci_low", "ci_high", "p"}, _trajectory),
    "summary": ({"client", "adherence", "mood_change"}, _summary),
    "pre_post": ({"client", "pre", "post", "change", "pre_week", "post_week"}, _pre_post),
    "deidentified": ({"column", "action", "why", "quasi_identifier"}, _deidentified),
    "scores": (set(), _scores),
    "table": (set(), _generic),
}


def _kind(frame: pd.DataFrame) -> str:
    """The analysis a frame came from, told by its columns."""
    cols = set(frame.columns)
    for kind, (needed, _) in KINDS.items():
        if needed and needed <= cols:
            return kind
    if any(_SCORE.search(str(c)) for c in frame.columns):
        return "scores"
    return "table"


class Table:
    """A research table for reading: ``data`` (text cells), the columns not shown, and notes.

    Shown in a notebook as an HTML table (no index, client text escaped),
    then a line naming the frame's other columns and the notes as a list.
    Made by :func:`show`.

    Attributes
    ----------
    data : DataFrame
        The cells as shown, as text (escaped when the table is written as HTML).
    hidden : list of str
        The frame's columns not shown (``show(..., all=True)`` shows them).
    notes : list of str
        The frame's description and notes (``attrs``), as plain text.
    kind : str
        The view used (a key of :data:`KINDS`).
    """

    def __init__(self, data: pd.DataFrame, hidden: list, notes: list, kind: str):
        self.data, self.hidden, self.notes, self.kind = data, hidden, notes, kind

    def to_html(self) -> str:
        """The table, the hidden columns' line and the notes, as one HTML fragment."""
        # Styler writes cells and headers as they are: client and arm text is escaped here, once
        style = (self.data.style.hide(axis="index").format(escape.html).format_index(escape.html, axis=1)
                 .set_table_attributes('class="research-table tex2jax_ignore mathjax_ignore"'))
        html = style.to_html()
        if self.hidden:
            names = ", ".join(escape.html(c) for c in self.hidden)
            html += (f'<p class="research-table-hidden tex2jax_ignore mathjax_ignore"><small>Also in '
                     f"the frame: {names} (<code>all=True</code> shows them).</small></p>")
        if self.notes:
            html += _bullets(self.notes)
        return html

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        text = self.data.to_string(index=False)
        if self.hidden:
            text += "\nAlso in the frame: " + ", ".join(map(str, self.hidden))
        return text + "".join(f"\n- {n}" for n in self.notes)


def _bullets(items) -> str:
    """Notes as an HTML list, each escaped."""
    body = "".join(f"<li>{escape.html(n)}</li>" for n in items)
    return f'<ul class="research-notes tex2jax_ignore mathjax_ignore">{body}</ul>'


def _frame_notes(frame: pd.DataFrame, kind: str) -> list[str]:
    """The description and notes a frame carries in ``attrs``, as sentences."""
    attrs = frame.attrs
    out = []
    if isinstance(attrs.get("description"), str):
        text = attrs["description"]
        if kind == "trajectory" and isinstance(attrs.get("formula"), str):
            text += f"; formula {attrs['formula']}"
            if attrs.get("re_formula"):
                text += f", random effects {attrs['re_formula']} by {attrs.get('groups', 'client')}"
        out.append(text)
    for key in ("notes", "warnings"):
        val = attrs.get(key)
        if isinstance(val, str):
            val = [val]
        if isinstance(val, list | tuple):
            out += [str(v) for v in val]
    return out


def show(frame: pd.DataFrame, kind: str | None = None, *, all: bool = False,
         rows: int | None = None) -> Table:
    """A cohort analysis's frame as a table for reading: key columns first, rounded, notes listed.

    Parameters
    ----------
    frame : DataFrame
        A frame from :func:`bactivate.client_summary`, :func:`bactivate.compare_groups`,
        :func:`bactivate.trajectory`, :func:`bactivate.score_phq9` /
        :func:`~bactivate.score_bads` / :func:`~bactivate.score_bads_sf`,
        :func:`bactivate.pre_post`, ``attrs["deidentified"]["columns"]`` of
        :func:`bactivate.deidentify`, or any other frame.
    kind : str, optional
        The view (a key of :data:`KINDS`): ``"effects"`` (activity_effects), ``"compare"``, ``"trajectory"``,
        ``"summary"``, ``"pre_post"``, ``"deidentified"``, ``"scores"``, or
        ``"table"`` (any frame: client and arm first, at most 8 columns).
        Told from the columns when not given.
    all : bool, default False
        Add every other column of the frame after the key ones, formatted
        the same way (wide: scroll sideways).
    rows : int, optional
        Show the first *rows* rows only.

    Returns
    -------
    Table
        ``data`` (the cells as text), ``hidden`` (the columns not shown),
        ``notes`` (the frame's ``attrs`` description and notes); shown in a
        notebook as an HTML table with the notes as a list.

    Notes
    -----
    Rounding: effects (differences, slopes, Hedges' g, model estimates) to 2
    decimals, means and ratings on 0-10 to 1, one decimal more below 1 and
    two more below 0.1 (never more than 3); shares (adherence, completion,
    reliable improvement) as percentages; p-values as ``<0.001`` or 3
    decimals (APA style); whole numbers without decimals.

    Examples
    --------
    >>> import bactivate as ba
    >>> cohort = ba.read_cohort("data/sample/cohort", roster="data/sample/cohort/roster.csv")
    >>> summary = ba.client_summary(cohort)
    >>> table = show(summary, rows=2)
    >>> print(table.data.to_string(index=False))
    Client     Arm Weeks Adherence Completion Mood (0-10) Mood change Mood per week [95% CI]
      C001 control     8      100%          –         3.4        -2.8  -0.25 [-0.66, 0.16]
      C002      BA     8      100%        75%         4.9        +3.6   +0.55 [0.29, 0.80]
    >>> len(summary.columns), len(table.data.columns), table.hidden[:4]
    (30, 8, ['age', 'gender', 'baseline_phq9', 'site'])
    >>> show(summary, rows=2, all=True).data.shape
    (2, 28)
    >>> model = ba.trajectory(cohort, group="arm", value="mood", reference="control", weeks=range(2, 9))
    >>> show(model).data.iloc[3].tolist()
    ['week × arm BA', '0.31 [0.21, 0.41]', '0.05', '238', '<0.001']
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"show takes a DataFrame from a cohort analysis, not {type(frame).__name__}")
    kind = kind or _kind(frame)
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {sorted(KINDS)}, not {kind!r}")
    needed = KINDS[kind][0] - ({"pre_week", "post_week"} if kind == "pre_post" else set())
    missing = sorted(needed - set(frame.columns))
    if missing:
        raise ValueError(f"a {kind!r} table needs the columns {missing}; this frame has "
                         f"{list(map(str, frame.columns))}")
    data = frame.head(rows) if rows else frame
    data = data.reset_index(drop=True)
    out, used = KINDS[kind][1](data)
    rest = [c for c in frame.columns if c not in used]
    if all and rest:
        extra = pd.DataFrame({_label(c): _column(data[c], c) for c in rest})
        out = pd.concat([out.reset_index(drop=True), extra], axis=1)
        rest = []
    return Table(out.reset_index(drop=True), [str(c) for c in rest], _frame_notes(frame, kind), kind)


def notes(items, *, empty: str = "No notes.") -> object:
    """Notes (``cohort.attrs["notes"]``, a frame's ``attrs``) as a bulleted list for a notebook.

    Parameters
    ----------
    items : list of str, str or DataFrame
        The notes; a DataFrame's ``attrs`` description and notes.
    empty : str, default "No notes."
        What to show when there are none.

    Returns
    -------
    IPython.display.HTML
        A list, each note escaped (notes quote file names and cells).

    Examples
    --------
    >>> notes(["every file: mood read on 0-10", "C003.csv: <2 rows> set aside"]).data
    '<ul class="research-notes tex2jax_ignore mathjax_ignore"><li>every file: mood read on 0-10</li><li>C003.csv: &lt;2 rows&gt; set aside</li></ul>'
    >>> notes([]).data
    '<p class="tex2jax_ignore mathjax_ignore">No notes.</p>'
    """
    from IPython.display import HTML

    if isinstance(items, pd.DataFrame):
        items = _frame_notes(items, _kind(items))
    elif isinstance(items, str):
        items = [items]
    items = [str(i) for i in (items or []) if not (isinstance(i, float) and math.isnan(i))]
    if not items:
        return HTML(f'<p class="tex2jax_ignore mathjax_ignore">{escape.html(empty)}</p>')
    return HTML(_bullets(items))
