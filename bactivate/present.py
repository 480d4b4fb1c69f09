"""Tables for people: the analyses' frames with plain column names and sensible rounding.

The analyses return tidy frames with precise, code-friendly names. For a
report shown to a client, :func:`table` picks the columns that matter, names
them in words and formats numbers (one decimal, percentages, CIs in
brackets), returning a pandas ``Styler`` without the index.

>>> import bactivate as ba
>>> log = ba.synth.client(weeks=4, seed=1)
>>> ba.present.table(ba.progress(log), "progress").data.columns.tolist()
['Week', 'Activities', 'Planned', 'Done', 'Completion', 'Mastery', 'Pleasure', 'Mood', 'Avoidance']
"""

from __future__ import annotations

import pandas as pd

from bactivate import escape
from bactivate.io.problems import CELL, PROBLEM_KINDS, ROW
from bactivate.options import command_line_hint
from bactivate.suggest import without_intervals
from bactivate.summary import plain_summary


def _ci(est: pd.Series, lo: pd.Series, hi: pd.Series, digits: int = 1, signed: bool = False) -> pd.Series:
    """Estimates with their intervals as text ("4.1 [3.2, 5.0]"), the estimate alone without one."""
    sign = "+" if signed else ""
    text = (est.map(lambda v: f"{v:{sign}.{digits}f}" if pd.notna(v) else "")
            + " [" + lo.map(lambda v: f"{v:.{digits}f}" if pd.notna(v) else "") + ", "
            + hi.map(lambda v: f"{v:.{digits}f}" if pd.notna(v) else "") + "]")
    return text.where(lo.notna() & hi.notna(), est.map(lambda v: f"{v:{sign}.{digits}f}" if pd.notna(v) else "–"))


def _pct(s: pd.Series) -> pd.Series:
    """Shares as whole percentages ("33%"), missing as a dash."""
    return s.map(lambda v: f"{v:.0%}" if pd.notna(v) else "–")


def _when(d: pd.DataFrame) -> pd.Series:
    """A suggestion's day and time ("Saturday 09:00"), with a graded step's length; blank when not known."""
    day = d["suggested_day"].astype("str").fillna("") if "suggested_day" in d.columns else ""
    when = (day + " " + d["suggested_time"].astype("str").fillna("")).str.strip()
    minutes = d["suggested_minutes"].map(lambda v: f", {v:.0f} minutes" if pd.notna(v) else "")
    return (when + minutes.where(when != "", "")).astype("str")


def _first_three(names: str) -> str:
    """The first three of "a; b; c; d" names, and how many more."""
    parts = [p for p in names.split("; ") if p]
    return ", ".join(parts[:3]) + (f" and {len(parts) - 3} more" if len(parts) > 3 else "")


def _plan(d: pd.DataFrame) -> pd.DataFrame:
    """Next week's micro-goals (``plan_week(...).attrs["goals"]``): what, when, and a step's size."""
    out = pd.DataFrame({"Activity": d["activity"], "Life area": d["category"].fillna(""),
                        "When": d["when"].fillna("").str.replace("; ", ", "),
                        "First step": d["minutes"].map(lambda v: f"about {v:.0f} minutes" if pd.notna(v) else "")})
    return out if out["First step"].ne("").any() else out.drop(columns="First step")


def _plan_for_client(d: pd.DataFrame) -> pd.DataFrame:
    """Next week's micro-goals for the client: what, when, a first step's size, and why in plain words."""
    out = _plan(d).drop(columns="Life area").rename(columns={"When": "When next week"})
    return out.assign(Why=without_intervals(d["reason"]).to_numpy())


def _problems(rej: pd.DataFrame) -> pd.DataFrame:
    """The cells left blank and the rows set aside, each with what happened, where, and why."""
    p = rej[rej["kind"].isin(PROBLEM_KINDS)]
    return pd.DataFrame({
        "What happened": p["kind"].map({CELL: "Cell left blank (to fix)", ROW: "Row set aside (to fix)"}),
        "Sheet": p["sheet"], "Row": p["row"], "Column": p["column"], "Value": p["value"],
        # a reason that names a read_log keyword says the command-line option too (the report is
        # made with `bactivate report`, not from Python)
        "Reason": p["reason"].astype("str") + p["reason"].astype("str").map(command_line_hint),
    }).fillna("")


def _views() -> dict:
    """Each view's function from an analysis frame to its readable frame."""
    return {
        "accounting": lambda d: d.rename(columns={"part": "File and sheet", "rows_read": "Rows read",
                                                  "kept": "Used",
                                                  "with_blanked_cells": "Used, with cells left blank (to fix)",
                                                  "set_aside": "Set aside (to fix)",
                                                  "not_log_rows": "Not entries (totals, blank slots, notes)"}),
        "problems": _problems,
        "balance": lambda d: pd.DataFrame({
            d.columns[0].capitalize(): d.iloc[:, 0],
            "Times": d["entries"],
            "Mastery (0-10)": _ci(d["mastery_mean"], d["mastery_ci_low"], d["mastery_ci_high"]),
            "Pleasure (0-10)": _ci(d["pleasure_mean"], d["pleasure_ci_low"], d["pleasure_ci_high"]),
            "High in both": _pct(d["share_both"]),
        }),
        "mood": lambda d: pd.DataFrame({
            d.columns[0].capitalize(): d.iloc[:, 0],
            "Days with": d["n_with"], "Days without": d["n_without"],
            # adjusted for the week, so that with minus without is the difference shown
            "Mood with": d["mood_with_adjusted"].round(1), "Mood without": d["mood_without_adjusted"].round(1),
            "Difference [95% CI]": _ci(d["diff"], d["ci_low"], d["ci_high"], signed=True),
            "q": d["q"].map(lambda v: f"{v:.2f}" if pd.notna(v) else ""),
            # the verdict is read from the interval shown (q is for the whole list of activities)
            "Note": d["verdict"].fillna("too few days to compare"),
        }),
        "low_mood": lambda d: pd.DataFrame({
            "When": d["by"].str.capitalize() + " " + d["level"],
            "Mood (0-10) [95% CI]": _ci(d["mood_mean"], d["mood_ci_low"], d["mood_ci_high"]),
            "Ratings": d["mood_n"],
            "Compared with your average": d["vs_average"].map(lambda v: f"{v:+.1f}"),
        }),
        "skipped": lambda d: pd.DataFrame({
            "Planned": d["level"], "Times planned": d["planned"], "Times skipped": d["skipped"],
            "Skipped": _pct(d["skipped_share"]),
        }),
        "progress": lambda d: pd.DataFrame({
            # "Week 2, 9-15 Mar": the client's weeks with their dates (a day's date for freq="D")
            "Week": d["week_label"] if "week_label" in d.columns
            else pd.to_datetime(d["start_day"]).dt.strftime("%a %d %b"),  # (object when empty)
            "Activities": d["activities"], "Planned": d["planned"], "Done": d["done"],
            "Completion": _pct(d["completion"]),
            "Mastery": d["mastery"].round(1), "Pleasure": d["pleasure"].round(1), "Mood": d["mood"].round(1),
            "Avoidance": _pct(d["avoidance_share"]),
        }),
        "trend": lambda d: pd.DataFrame({
            "Measure": d["measure"].replace({"avoidance_share": "avoidance", "completion": "plans carried out"})
            .str.replace("_", " ").str.capitalize(),
            "Change per week [95% CI]": _ci(d["slope"], d["slope_ci_low"], d["slope_ci_high"], 1, True),
            # the direction ("rising" only when the interval excludes 0) is said in words
            "Unit": d["unit"], "Weeks": d["n"], "In words": d["summary"],
        }),
        "suggest": lambda d: pd.DataFrame({
            "#": d["rank"], "Activity": d["activity"], "Idea": d["suggestion"].str.capitalize(),
            "When": _when(d), "Why": d["reason"],
        }),
        "ideas": lambda d: pd.DataFrame({  # the client's version: no statistics in the reasons
            "#": d["rank"], "Activity": d["activity"], "Idea": d["suggestion"].str.capitalize(),
            "When": _when(d), "Why": without_intervals(d["reason"]),
        }),
        "plan": _plan,
        "plan_for_client": _plan_for_client,
        "your_values": lambda d: pd.DataFrame({  # the client's version: what they did for each value
            "Value": d["value"].fillna("(not in the values map)" if d.attrs.get("from_map") else "(no life area)"),
            "What you did": d["activities"].fillna("").map(_first_three),
            "Times": d["entries"], "In the last week": d["entries_last_week"],
        }),
        "values": lambda d: pd.DataFrame({
            "Value": d["value"].fillna("(not in the values map)" if d.attrs.get("from_map") else "(no life area)"),
            "Importance (0-10)": d["importance"].map(lambda v: f"{v:g}" if pd.notna(v) else "–"),
            "Activities": d["activities"].fillna("").map(_first_three),
            "Times": d["entries"],
            "Share": d["share"].map(lambda v: "–" if pd.isna(v) else "under 1%" if 0 < v < 0.005 else f"{v:.0%}"),
            "Mastery": d["mastery"].round(1), "Pleasure": d["pleasure"].round(1), "Mood": d["mood"].round(1),
            "Last week": d["entries_last_week"],
        }),
        "phase": lambda d: pd.DataFrame({
            # the indices describe; the last row, the level change in points, is the test
            "Effect": d["effect"].replace({"level change (piecewise AR(1) regression)":
                                           "Level change at activation (points; the test)"}),
            "Estimate [95% CI]": _ci(d["estimate"], d["ci_low"], d["ci_high"], 2),
            "p": d["p"].map(lambda v: f"{v:.3f}" if pd.notna(v) else ""),
            "Days (A / B)": d["n_a"].astype(str) + " / " + d["n_b"].astype(str),
        }),
    }


VIEWS = tuple(_views())


def table(frame: pd.DataFrame, view: str, *, rows: int | None = None):
    """A readable table of an analysis frame, as a Styler without the index.

    Text cells (activity names, file names, a rejected cell's value) are
    HTML-escaped once and never read as markup; numbers are shown with one
    decimal, shares as percentages, intervals as "4.1 [3.2, 5.0]".

    Parameters
    ----------
    frame : pandas.DataFrame
        The frame an analysis returned.
    view : str
        Which analysis it came from: one of :data:`VIEWS` (``"accounting"``,
        ``"problems"``, ``"balance"``, ``"mood"``, ``"low_mood"``,
        ``"skipped"``, ``"progress"``, ``"trend"``, ``"suggest"``, ``"ideas"`` (the
        suggestions without statistics, for the client), ``"values"`` (of
        :func:`bactivate.values_summary`), ``"your_values"`` (the same for the client), ``"plan"`` (next week's goals,
        ``plan_week(...).attrs["goals"]``), ``"plan_for_client"`` (the same with the reasons), ``"phase"``).
    rows : int, optional
        Show only the first *rows* rows.

    Returns
    -------
    pandas.io.formats.style.Styler
        The readable table (``.data`` holds it as a frame), without the index.

    Examples
    --------
    >>> import bactivate as ba
    >>> weekly = ba.progress(ba.synth.client(weeks=4, seed=1))
    >>> shown = ba.present.table(weekly, "progress")
    >>> shown.data.iloc[1].astype(str).tolist()
    ['Week 2, 9-15 Mar', '51', '3', '1', '33%', '4.1', '4.7', '4.9', '18%']
    >>> ba.present.table(ba.balance(ba.synth.client(weeks=4, seed=1)), "balance", rows=3).data.shape
    (3, 5)
    """
    views = _views()
    if view not in views:
        raise ValueError(f"view must be one of {sorted(views)}, not {view!r}")
    frame = frame.head(rows) if rows else frame
    if frame.empty:  # text is built by adding columns: an empty number column cannot take text
        frame = frame.astype(object)
    out = views[view](frame)
    out = out.reset_index(drop=True)
    text = [c for c in out.columns if not pd.api.types.is_numeric_dtype(out[c])]
    # Styler.to_html writes cells and headers as they are: client text (activities, categories,
    # file and sheet names, a rejected cell's raw value) is escaped once here, and is never markup
    style = (out.style.hide(axis="index")
             .format({c: _text for c in text}, precision=1, na_rep="–")
             .format_index(escape.html, axis=1)
             # a notebook's MathJax leaves "$40 ... $30" as typed (the report itself has no MathJax)
             .set_table_attributes('class="tex2jax_ignore mathjax_ignore"'))
    if text:
        style = style.set_properties(subset=text, **{"text-align": "left"})
        style = style.set_table_styles([{"selector": f"th.col{out.columns.get_loc(c)}",
                                         "props": "text-align: left;"} for c in text], overwrite=False)
    return style


def _text(value) -> str:
    """A cell of a text column as HTML: strings escaped, numbers at one decimal as elsewhere."""
    if isinstance(value, float):
        return f"{value:.1f}"
    return escape.html(value)


def note(text: str):
    """A paragraph of explanation (e.g. an analysis's ``attrs["method"]``) shown as prose.

    Shown as HTML, with *text* (which may name arms, activities or files) escaped: it is
    shown as typed and is never markup. (As Markdown it was not: Markdown lets raw HTML
    through, turns an address into a link and a ``*`` into emphasis.)

    Parameters
    ----------
    text : str
        The explanation, as plain text.

    Returns
    -------
    IPython.display.HTML
        One italic paragraph, for a notebook cell's output.

    Examples
    --------
    >>> import bactivate as ba
    >>> ba.present.note("Days with <walks> & without").data
    '<p class="tex2jax_ignore mathjax_ignore"><em>Days with &lt;walks&gt; &amp; without</em></p>'
    """
    from IPython.display import HTML

    return HTML(f'<p class="tex2jax_ignore mathjax_ignore"><em>{escape.html(text)}</em></p>')


def _html(markup: str):
    """*markup* (already escaped where it holds client text) as a notebook cell's output."""
    from IPython.display import HTML

    return HTML(markup)


def not_recorded(what: str):
    """One line saying a section has nothing to show because the log does not record it.

    Missing is not zero: a section whose data the log does not hold shows this
    line instead of an empty figure or a table of zeros.

    Parameters
    ----------
    what : str
        What is not recorded, e.g. ``"avoidance"`` or ``"mood ratings"``.

    Returns
    -------
    IPython.display.HTML

    Examples
    --------
    >>> import bactivate as ba
    >>> ba.present.not_recorded("avoidance").data
    '<p class="not-recorded tex2jax_ignore mathjax_ignore">Not recorded in this log: avoidance.</p>'
    """
    return _html(f'<p class="not-recorded tex2jax_ignore mathjax_ignore">Not recorded in this log: '
                 f"{escape.html(what)}.</p>")


def summary(log: pd.DataFrame, *, high: float = 6, min_days: int = 3):
    """The plain summary of a client's log (:func:`bactivate.summary.plain_summary`) as HTML.

    Parameters
    ----------
    log : pandas.DataFrame
        The tidy log of one client.
    high : float, default 6
        A mastery or pleasure rating of at least this counts as a win.
    min_days : int, default 3
        Fewest days with, and without, an activity before its mood is compared.

    Returns
    -------
    IPython.display.HTML
        The sentences as a list, each escaped (they name the client's activities).

    Examples
    --------
    >>> import bactivate as ba
    >>> ba.present.summary(ba.synth.client(weeks=4, seed=1)).data[:40]
    '<div class="summary tex2jax_ignore mathj'
    """
    sentences = plain_summary(log, high=high, min_days=min_days)
    intro = sentences[0] if sentences and sentences[0].endswith(":") else None
    items = sentences[1:] if intro else sentences
    body = "".join(f"<li>{escape.html(s)}</li>" for s in items)
    head = f"<p>{escape.html(intro)}</p>" if intro else ""
    return _html(f'<div class="summary tex2jax_ignore mathjax_ignore">{head}<ul>{body}</ul></div>')


def scales_note(log: pd.DataFrame):
    """A line saying which ratings were written on another scale and are shown on 0-10, or None.

    Parameters
    ----------
    log : pandas.DataFrame
        A tidy log (its ``attrs["scales"]``).

    Returns
    -------
    IPython.display.HTML or None
        None when every rating was written on 0-10 (or no scale is recorded).

    Examples
    --------
    >>> import pandas as pd, bactivate as ba
    >>> log = pd.DataFrame(); log.attrs["scales"] = {"mood": (1.0, 5.0), "mastery": (0.0, 10.0)}
    >>> ba.present.scales_note(log).data
    '<p class="tex2jax_ignore mathjax_ignore">Mood was written on a 1-5 scale and is shown here on 0-10 (1 is 0, 5 is 10, and the steps between are spread evenly).</p>'
    """
    scales = log.attrs.get("scales") or {}
    other = {k: v for k, v in scales.items()
             if isinstance(v, tuple) and len(v) == 2 and tuple(map(float, v)) != (0.0, 10.0)}
    if not other:
        return None
    parts = []
    for field, (lo, hi) in other.items():
        parts.append(f"{field.capitalize()} was written on a {lo:g}-{hi:g} scale and is shown here on 0-10 "
                     f"({lo:g} is 0, {hi:g} is 10, and the steps between are spread evenly).")
    return _html(f'<p class="tex2jax_ignore mathjax_ignore">{escape.html(" ".join(parts))}</p>')
