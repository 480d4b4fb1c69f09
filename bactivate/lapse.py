"""Lapse weeks: where activation dropped against the client's own recent level, said kindly.

In behavioural activation a lapse is part of recovery. :func:`lapses` compares
each week with the client's own recent weeks (activities a day, plans carried
out, avoidance), says how clear the drop is, and names the activities that
went with better mood in the other weeks; :func:`lapse_text` gives one kind
sentence per lapse week for the client.

>>> import bactivate as ba
>>> from bactivate.lapse import lapses
>>> weeks = lapses(ba.synth.client(weeks=8, lapse_week=5, seed=1))
>>> weeks.loc[weeks["lapse"].fillna(False), "week"].tolist()
[5]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bactivate._clients import one_client
from bactivate._log import happened, require, with_calendar
from bactivate._util import listed_and
from bactivate.mood import mood_by_activity
from bactivate.progress import (
    LAPSE_ALPHA,
    LAPSE_MEASURES,
    LAPSE_MIN_DAYS,
    LAPSE_MIN_EARLIER,
    lapse_tests,
    progress,
)

#: A measure "moved" (is named in ``signs`` and in the client's sentence) when it changed the
#: worse way with a one-sided p below this; the week's flag itself uses the combined p.
MOVED_P = 0.2

#: How many activities the client's sentence names as having helped before.
HELPED = 2

#: The measures in words, for ``signs``: (worse, the value's unit).
_WORDS = {"activities_per_day": "fewer activities a day",
          "completion": "fewer plans carried out",
          "avoidance_share": "more avoidance"}

METHOD = (
    "Each week with at least {days} logged days is compared with the client's own recent level: "
    "the pooled counts of the {recent} weeks before it (those with at least {days} logged days; "
    "at least {earlier} of them needed). Activities per logged day: exact conditional test of two "
    "Poisson rates, the counts divided by the earlier weeks' dispersion when they varied more than "
    "by chance; plans carried out: one-sided Fisher exact test against the pooled plans; "
    "avoidance share: one-sided Fisher exact test. A lapse is flagged when the one-sided p-values "
    "of the measures recorded, combined by Fisher's method, are below {alpha:g} and at least two "
    "of them changed the worse way (one, when only one is recorded). The tests treat entries as "
    "independent: real logs have more week-to-week ups and downs than that, so read a flag as "
    "'worth a conversation', not as proof."
)


def lapses(log: pd.DataFrame, *, recent: int = 3, alpha: float = LAPSE_ALPHA,
           week_start=None) -> pd.DataFrame:
    """Each week against the client's own recent level, with the weeks where activation dropped.

    A week is compared when it has at least 3 logged days (fewer: "not enough
    entries", never a lapse) and at least 2 of the *recent* weeks before it
    have too (so, with weekly logging, from week 3 on; the recent level is
    then the pooled weeks 1-2, from week 4 the three weeks before). Three
    measures are compared, each one-sided in the direction of a lapse, and
    only those the log records (missing is not zero):

    * activities per logged day (fewer): this week's count given the pooled
      count of this week and the recent weeks is binomial with this week's
      share of the logged days (the exact conditional test of two Poisson
      rates). When the recent weeks' counts varied more than chance allows
      (Pearson chi-square / df = phi > 1), both counts are divided by phi
      first (a quasi-Poisson correction; the binomial's cdf continued to
      non-whole counts by the regularised beta function);
    * plans carried out (fewer): done of planned this week against the recent
      weeks' plans, Fisher's exact test (tested when both have plans);
    * avoidance share (more): avoidance entries of this week's activities
      against the recent weeks', Fisher's exact test.

    The week is a **lapse** when the p-values combined by Fisher's method are
    below *alpha* and at least two measures changed the worse way (when only
    one measure is tested, that one). ``p`` says how clear the drop is.

    Measured on synthetic logs (``tests/test_lapse.py``, ``docs/statistics.md``):

    * **false flags**: with no lapse planted, about 1% of clients have any week
      flagged over 8 weeks (200 single clients, ``bactivate.synth.client(weeks=8,
      lapse_week=None)``: 1.0%; 400-client cohorts, treated and monitoring-only:
      under 2%), about 0.2% of the weeks compared. Synthetic weeks vary only by
      chance; real weeks vary more (a holiday, an illness), so expect more
      flags on real logs and read one as worth a conversation, not as proof.
      When the amount a client logs swings from week to week (each week's
      unplanned entries kept at random between 80% and 100%, 60-100%,
      40-100%), 3%, 7% and 14% of clients get a flag over 8 weeks (400
      clients): fewer activities *logged* can be less logging, not less doing,
      and ``signs`` says which measures moved so that the clinician can tell;
    * **power**: a planted lapse week (``lapse_week=5``, default strengths) is
      flagged in about 75% of clients (200 seeds), and its neighbours
      (weeks 4 and 6) almost never (0 of 200). Synthetic lapses are found
      through skipped plans and more avoidance: the synthetic client keeps
      logging about as many activities a day in a lapse week (routine ones fill
      the day), so "fewer activities" rarely shows there.

    Parameters
    ----------
    log : pandas.DataFrame
        One client's tidy log (a cohort: ``bactivate.progress(log, by="client")["lapse"]``).
    recent : int, default 3
        How many weeks before a week make its recent level.
    alpha : float, default 0.05
        Level of the combined one-sided test (lower: fewer flags, fewer lapses found).
    week_start : str, int, date-like or None, default None
        The day calendar weeks start on, as in :func:`bactivate.progress`.

    Returns
    -------
    pandas.DataFrame
        One row per week with entries (the weeks of :func:`bactivate.progress`):

        * ``week`` (int64), ``week_label`` (str), ``days_logged`` (int64);
        * for *m* in ``activities_per_day``, ``completion`` (0-1),
          ``avoidance_share`` (0-1): ``m`` (this week), ``m_recent`` (the
          recent level: the earlier weeks pooled), ``m_change`` (this week
          minus recent) and ``m_p`` (one-sided p of a change at least this
          bad if the week were like the earlier ones); NaN when not tested
          (not recorded, no plans this week or before, week not compared);
        * ``earlier_weeks`` (int64): weeks with enough entries among the *recent* before it;
        * ``tested`` (int64): measures tested; ``worse`` (int64): measures
          that changed the worse way;
        * ``p``: the measures' p-values combined (Fisher's method);
        * ``lapse`` (boolean): activation clearly dropped; ``<NA>`` when the
          week is not compared;
        * ``status`` (str): "compared", "not enough entries" (fewer than 3
          logged days), "too few earlier weeks" or "not recorded in this log";
        * ``signs`` (str): the measures that moved the worse way (one-sided p
          under :data:`MOVED_P`), in plain words with both values ("fewer
          plans carried out (30% against 72%)"); "" when none; ``<NA>`` when
          not compared;
        * ``note`` (str): for the clinician, the week in one sentence with how
          clear the drop is;
        * ``summary`` (str): for a lapse week, one kind sentence for the client
          without statistics words (see :func:`lapse_text`); ``<NA>`` otherwise.

        ``attrs["helped_before"]``: the activities (list of str, at most
        :data:`HELPED`) that went with better mood in the weeks not flagged
        (:func:`bactivate.mood_by_activity` on those weeks: a difference above
        0 with its interval above 0 first, then the largest positive
        differences; activities ever marked avoidance left out); empty when no
        week is flagged or nothing went with better mood.
        ``attrs["method"]``: the rule in words.

    See Also
    --------
    bactivate.progress : its ``lapse`` column is this one (also per client).
    lapse_text : the client's sentences.

    Examples
    --------
    >>> import bactivate as ba
    >>> weeks = lapses(ba.synth.client(weeks=8, lapse_week=5, seed=1))
    >>> weeks[["week", "completion", "completion_recent", "avoidance_share", "p", "lapse"]].round(3)
       week  completion  completion_recent  avoidance_share      p  lapse
    0     1         NaN                NaN              NaN    NaN   <NA>
    1     2         NaN                NaN              NaN    NaN   <NA>
    2     3       1.000              0.333            0.057  0.973  False
    3     4       0.429              0.750            0.118  0.431  False
    4     5       0.300              0.600            0.214  0.010   True
    5     6       0.833              0.500            0.058  0.991  False
    6     7       0.786              0.552            0.077  0.986  False
    7     8       0.857              0.667            0.040  0.979  False
    >>> weeks.loc[4, "signs"]  # doctest: +NORMALIZE_WHITESPACE
    'more avoidance (21% against 7%), fewer activities a day (6.0 against 7.5) and fewer plans
     carried out (30% against 60%)'
    >>> weeks.attrs["helped_before"]
    ['Have a meal', 'Walk in the park']
    """
    require(log, ("start", "activity", "mood", "planned", "done", "avoidance"), "lapses()")
    one_client(log, "lapses()", "use bactivate.progress(log, by='client')['lapse'] (each client's own weeks)")
    weekly = progress(log, week_start=week_start)
    tests = lapse_tests(weekly, recent=recent, alpha=alpha)
    out = pd.concat([weekly[["week", "week_label", "days_logged"]], tests], axis=1)
    cols = [c for m in LAPSE_MEASURES for c in (m, f"{m}_recent", f"{m}_change", f"{m}_p")]
    out = out[["week", "week_label", "days_logged", *cols, "earlier_weeks", "tested", "worse", "p",
               "lapse", "status"]].copy()
    compared = out["status"].eq("compared").to_numpy(bool)
    out["signs"] = pd.array(np.where(compared, _signs(out), None), dtype="str")
    out["note"] = pd.array(_notes(out, alpha), dtype="str")
    flagged = out["lapse"].fillna(False).to_numpy(bool)
    helped = _helped_before(log, out["week"].to_numpy()[flagged], week_start) if flagged.any() else []
    texts = [_sentence(row, weekly.loc[i], helped) if flag else None
             for (i, row), flag in zip(out.iterrows(), flagged, strict=True)]  # a loop over weeks
    out["summary"] = pd.array(texts, dtype="str")
    out.attrs = {"helped_before": helped, "recent": recent, "alpha": alpha,
                 "method": METHOD.format(days=LAPSE_MIN_DAYS, recent=recent, earlier=LAPSE_MIN_EARLIER,
                                         alpha=alpha)}
    return out.reset_index(drop=True)


def lapse_text(lapses_frame: pd.DataFrame) -> list[str]:
    """The client's sentences: one kind sentence per lapse week of a :func:`lapses` frame.

    Parameters
    ----------
    lapses_frame : pandas.DataFrame
        What :func:`lapses` returned.

    Returns
    -------
    list of str
        One sentence per flagged week, in week order, without statistics
        words: what was harder (the numbers against the weeks before), that
        setbacks are part of recovery, and what went with better mood in the
        other weeks. Empty when no week is flagged.

    Examples
    --------
    >>> import bactivate as ba
    >>> lapse_text(lapses(ba.synth.client(weeks=8, lapse_week=5, seed=1)))  # doctest: +NORMALIZE_WHITESPACE
    ['Week 5 was harder: 6.0 activities a day against about 7.5 in the weeks before, 3 of 10
      planned activities done against about 6 in 10 and more time on avoidance. Setbacks like
      this are part of recovery. In your other weeks, Have a meal and Walk in the park went with
      better mood.']
    """
    require(lapses_frame, ("lapse", "summary"), "lapse_text()")
    flagged = lapses_frame["lapse"].fillna(False).to_numpy(bool)
    return [str(s) for s in lapses_frame.loc[flagged, "summary"]]


def _moved(row: pd.Series) -> list[str]:
    """The measures of *row* that moved the worse way (p under :data:`MOVED_P`), clearest first."""
    moved = [(row[f"{m}_p"], m) for m in LAPSE_MEASURES
             if pd.notna(row[f"{m}_p"]) and row[f"{m}_p"] < MOVED_P
             and LAPSE_MEASURES[m] * row[f"{m}_change"] > 0]
    return [m for _, m in sorted(moved)]


def _value(m: str, v: float) -> str:
    """A measure's value as the report shows it: "5.2" a day, shares as "30%"."""
    return f"{v:.1f}" if m == "activities_per_day" else f"{v:.0%}"


def _signs(out: pd.DataFrame) -> list[str]:
    """The ``signs`` of every week: the measures that moved the worse way, with both values."""
    signs = []
    for _, row in out.iterrows():  # a loop over weeks
        parts = [f"{_WORDS[m]} ({_value(m, row[m])} against {_value(m, row[f'{m}_recent'])})"
                 for m in _moved(row)]
        signs.append(listed_and(parts))
    return signs


def _clarity(p: float) -> str:
    """How clear a drop with combined one-sided p-value *p* is, in a few words with p itself."""
    rare = f"a week like the earlier ones would show a drop this large less than 1 time in {_one_in(p)}"
    return f"p = {p:.2g}; {rare}" if p < 0.05 else f"p = {p:.2g}"


def _one_in(p: float) -> str:
    """1/p rounded down to a round number (20, 100, 1000, ...), as text."""
    for n in (10000, 1000, 100, 50, 20):
        if p < 1 / n:
            return f"{n:,}"
    return "20"


def _notes(out: pd.DataFrame, alpha: float) -> list[str]:
    """The clinician's sentence for each week: what moved, and how clear the drop is."""
    notes = []
    for _, row in out.iterrows():  # a loop over weeks
        week = str(row["week_label"])
        if row["status"] != "compared":
            notes.append(f"{week}: not compared ({row['status']}).")
        elif bool(row["lapse"]):
            notes.append(f"{week}: a lapse: {row['signs']} (combined {_clarity(row['p'])}).")
        elif row["signs"]:
            notes.append(f"{week}: no clear drop: {row['signs']} (combined {_clarity(row['p'])}, "
                         f"not below {alpha:g}).")
        else:
            notes.append(f"{week}: no sign of a drop against the weeks before.")
    return notes


def _sentence(row: pd.Series, week: pd.Series, helped: list[str]) -> str:
    """The client's kind sentence for one lapse week (no statistics words)."""
    moved = set(_moved(row))
    parts = []  # in a fixed order: activities, plans, avoidance
    if "activities_per_day" in moved:
        parts.append(f"{row['activities_per_day']:.1f} activities a day against about "
                     f"{_about(row['activities_per_day_recent'])}")
    if "completion" in moved:
        parts.append(f"{int(week['done'])} of {int(week['planned'])} planned activities done against "
                     f"about {round(10 * row['completion_recent'])} in 10")
    if parts:
        parts[0] += " in the weeks before"
    if "avoidance_share" in moved:
        parts.append("more time on avoidance")
    text = f"Week {int(row['week'])} was harder"
    text += (": " + listed_and(parts) + ". ") if parts else ". "
    text += "Setbacks like this are part of recovery."
    if helped:
        text += f" In your other weeks, {listed_and(helped)} went with better mood."
    return text


def _about(v: float) -> str:
    """A recent level as a round figure for the client: "5" or "4.5"."""
    return f"{v:.0f}" if abs(v - round(v)) < 0.25 else f"{v:.1f}"


def _helped_before(log: pd.DataFrame, lapse_weeks: np.ndarray, week_start) -> list[str]:
    """The activities that went with better mood in the weeks not flagged (at most :data:`HELPED`)."""
    rows = with_calendar(log[log["start"].notna()], week_start)
    other = rows[~rows["week"].isin(lapse_weeks).to_numpy(bool)]
    avoided = set(other.loc[other["avoidance"].fillna(False).astype(bool), "activity"].dropna().astype(str))
    if not len(happened(other)) or other["mood"].notna().sum() == 0:
        return []
    res = mood_by_activity(other.drop(columns=[c for c in rows.columns if c not in log.columns]))
    res = res[res["status"].eq("tested").to_numpy(bool) & (res["diff"] > 0).to_numpy(bool)
              & ~res["activity"].isin(avoided).to_numpy(bool)]
    clear = (res["ci_low"] > 0).to_numpy(bool)
    order = np.lexsort((-res["diff"].to_numpy(dtype="float64"), ~clear))
    return [str(a) for a in res["activity"].to_numpy()[order][:HELPED]]
