"""Scoring the questionnaires used alongside BA: PHQ-9, BADS, BADS-SF, and reliable change.

Every scorer takes a *wide* frame (one row per completed questionnaire, one
column per item, any other columns such as client, week or date) and returns
the non-item columns unchanged, in the same order and with the same index,
plus self-explaining score columns. Item columns are found by their usual
names (``phq9_1``, ``PHQ-9 item 1``, ``phq1``, ``bads_12``, ``BADS-SF 3`` ...)
or given explicitly with ``items=``. Answers may be numbers or the printed
response labels. Missing, out-of-range and unreadable answers are listed per
row in a ``*_problems`` column and never scored.

Scoring keys (item numbers only; the item wording is not reproduced here):

* PHQ-9 (Kroenke, Spitzer & Williams, 2001): 9 items 0-3, total 0-27.
* BADS (Kanter, Mulick, Busch, Berlin & Martell, 2007): 25 items 0-6.
* BADS-SF (Manos, Kanter & Luo, 2011): 9 items 0-6.

:func:`reliable_change` is Jacobson & Truax (1991); :func:`phq9_outcomes` is the
NHS Talking Therapies (formerly IAPT) convention for the PHQ-9. The keys, the
missing-data rules and the sources are set out in ``docs/questionnaires.md``.

>>> import pandas as pd
>>> scored = score_phq9(pd.DataFrame({"client": ["A"], **{f"phq9_{i}": [v] for i, v in
...     enumerate([3, 2, 1, 0, 1, 2, 3, 0, 1], start=1)}}))
>>> print(scored[["client", "phq9_total", "phq9_severity", "phq9_item9_risk"]].to_string(index=False))
client  phq9_total phq9_severity  phq9_item9_risk
     A          13      moderate             True
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "BADS_SF_SUBSCALES",
    "BADS_SUBSCALES",
    "PHQ9_SEVERITY",
    "phq9_outcomes",
    "reliable_change",
    "score_bads",
    "score_bads_sf",
    "score_phq9",
]

# --------------------------------------------------------------------------- scoring keys

#: PHQ-9 severity bands (Kroenke, Spitzer & Williams, 2001): label -> (lowest, highest) total.
PHQ9_SEVERITY: dict[str, tuple[int, int]] = {
    "none-minimal": (0, 4),
    "mild": (5, 9),
    "moderate": (10, 14),
    "moderately severe": (15, 19),
    "severe": (20, 27),
}

#: BADS subscales (Kanter et al., 2007): output column -> item numbers (1-25).
#: Subscales are plain sums (no reversal): higher = more of what the name says.
#: AC, AR and the reversed set were checked against public scoring scripts; the WS/SI split
#: of the other ten items follows the published key and the item content (see docs).
BADS_SUBSCALES: dict[str, tuple[int, ...]] = {
    "bads_activation": (3, 4, 5, 7, 11, 12, 23),
    "bads_avoidance_rumination": (8, 9, 10, 13, 14, 15, 24, 25),
    "bads_work_school": (1, 2, 6, 21, 22),
    "bads_social": (16, 17, 18, 19, 20),
}
#: For the BADS total every item outside Activation is reversed (6 - x): higher = more activated.
BADS_REVERSED: tuple[int, ...] = tuple(sorted(
    i for name, its in BADS_SUBSCALES.items() if name != "bads_activation" for i in its))

#: BADS-SF subscales (Manos, Kanter & Luo, 2011): output column -> item numbers (1-9).
BADS_SF_SUBSCALES: dict[str, tuple[int, ...]] = {
    "bads_sf_activation": (2, 3, 4, 5, 9),
    "bads_sf_avoidance": (1, 6, 7, 8),
}
#: For the BADS-SF total the Avoidance items are reversed (6 - x): higher = more activated.
BADS_SF_REVERSED: tuple[int, ...] = BADS_SF_SUBSCALES["bads_sf_avoidance"]

# answer status codes
_OK, _MISSING, _OUT_OF_RANGE, _INVALID = 0, 1, 2, 3

# text that means "no answer" in hand-made sheets (after lower-casing and trimming)
_MISSING_TEXT = frozenset({"", "na", "n/a", "n.a.", "nan", "none", "null", "missing", "-", "--",
                           ".", "?", "blank", "not answered", "no answer"})

_SEP = r"[\s_\-.:#]*"          # separators allowed inside an item column name
_WORD = r"(?:item|itm|q|question)?"


@dataclass(frozen=True)
class _Instrument:
    name: str                      # for messages, e.g. "PHQ-9"
    prefix: str                    # output column prefix, e.g. "phq9"
    n_items: int
    high: int                      # answers run 0..high
    labels: dict[str, int]         # printed response labels -> value
    patterns: tuple[str, ...]      # regexes with {n} for the item number, tried in order


_PHQ9 = _Instrument(
    name="PHQ-9", prefix="phq9", n_items=9, high=3,
    labels={"not at all": 0, "several days": 1, "more than half the days": 2,
            "more than half of the days": 2, "nearly every day": 3, "nearly everyday": 3},
    patterns=(
        rf"phq{_SEP}9{_SEP}{_WORD}{_SEP}0?{{n}}",     # phq9_1, PHQ9_1, PHQ-9 item 1, phq9q01
        rf"phq{_SEP}{_WORD}{_SEP}0?{{n}}",            # phq1 .. phq9, phq_q3, PHQ item 3
    ),
)
_BADS = _Instrument(
    name="BADS", prefix="bads", n_items=25, high=6,
    labels={"not at all": 0, "a little": 2, "a lot": 4, "completely": 6},
    patterns=(rf"bads{_SEP}{_WORD}{_SEP}0?{{n}}",),    # bads_1, BADS 12, bads_item_07
)
_BADS_SF = _Instrument(
    name="BADS-SF", prefix="bads_sf", n_items=9, high=6,
    labels=_BADS.labels,
    patterns=(
        rf"bads{_SEP}sf{_SEP}{_WORD}{_SEP}0?{{n}}",   # bads_sf_1, BADS-SF item 1, badssf1
        rf"bads{_SEP}{_WORD}{_SEP}0?{{n}}",           # bads_1 .. bads_9, only if no bads_10+
    ),
)


# --------------------------------------------------------------------------- public scorers


def score_phq9(frame: pd.DataFrame, *, items=None, prorate: bool = True,
               max_missing: int = 2) -> pd.DataFrame:
    """Score the PHQ-9: total, severity band, item-9 risk flag, caseness, problems per row.

    Parameters
    ----------
    frame : DataFrame
        One row per completed PHQ-9, one column per item, any other columns
        (client, week, date ...) which are kept as they are.
    items : str or list, optional
        ``None`` to find the item columns by name (``phq9_1``, ``PHQ9_1``,
        ``PHQ-9 item 1``, ``phq9_q1`` ... or ``phq1`` .. ``phq9``); a text
        prefix such as ``"q"`` for columns ``q1`` .. ``q9``; or a list of the
        9 column names in item order.
    prorate : bool, default True
    max_missing : int, default 2
        With ``prorate=True`` a total is given when at most *max_missing*
        items (default 2) are missing or unusable: the sum of the answered
        items x 9 / number answered, rounded half up to a whole number. This is
        the NHS Data Dictionary rule (one or two missing items may be replaced
        by the mean of the answered items; more than two: disregard). With
        ``prorate=False`` (or ``max_missing=0``) any missing item leaves the
        total missing. Item 9's risk flag is never prorated.

    Returns
    -------
    DataFrame
        The non-item columns plus ``phq9_total`` (Int64, 0-27),
        ``phq9_severity`` (ordered categorical: none-minimal 0-4, mild 5-9,
        moderate 10-14, moderately severe 15-19, severe 20-27),
        ``phq9_item9_risk`` (boolean: item 9 answered above 0; missing when
        item 9 is), ``phq9_caseness`` (total >= 10), ``phq9_items_answered``,
        ``phq9_prorated`` (the total was prorated) and ``phq9_problems`` (text
        listing the missing, out-of-range or unreadable items; empty when none).
        The flags are nullable booleans; ``phq9_items_answered`` is int64.

    Raises
    ------
    ValueError
        When *max_missing* is not 0-8, or the item columns cannot be found.

    Examples
    --------
    >>> answers = pd.DataFrame({"client": ["A", "B", "C"], **{
    ...     f"phq9_{i}": v for i, v in enumerate(zip([3, 2, 2, 1, 2, 3, 1, 2, 1],
    ...                                              [0, "several days", 1, 0, 1, 0, 0, 1, 0],
    ...                                              [2, 2, 2, 2, 2, 2, 1, None, None]), start=1)}})
    >>> scored = score_phq9(answers)
    >>> scored.columns.tolist()  # doctest: +NORMALIZE_WHITESPACE
    ['client', 'phq9_total', 'phq9_severity', 'phq9_item9_risk', 'phq9_caseness',
     'phq9_items_answered', 'phq9_prorated', 'phq9_problems']
    >>> scored[["client", "phq9_total", "phq9_severity", "phq9_item9_risk", "phq9_prorated"]]
      client  phq9_total      phq9_severity  phq9_item9_risk  phq9_prorated
    0      A          17  moderately severe             True          False
    1      B           4       none-minimal            False          False
    2      C          17  moderately severe             <NA>           True
    >>> scored.loc[2, "phq9_problems"]
    'item 8 missing; item 9 missing'
    """
    if isinstance(max_missing, bool) or not isinstance(max_missing, (int, np.integer)) \
            or not 0 <= max_missing < 9:
        raise ValueError(f"max_missing must be a whole number from 0 to 8, not {max_missing!r}")
    cols = _find_items(frame, _PHQ9, items)
    values, status, problems = _read_items(frame, cols, _PHQ9)
    answered = (status == _OK).sum(axis=1)
    raw_sum = np.nansum(values, axis=1)
    n = _PHQ9.n_items
    allowed = max_missing if prorate else 0
    scorable = (n - answered) <= allowed
    with np.errstate(invalid="ignore", divide="ignore"):
        prorated = np.floor(raw_sum * n / answered + 0.5)
    total = np.where(answered == n, raw_sum, np.where(scorable, prorated, np.nan))
    total_arr = _int_array(total)

    bands = list(PHQ9_SEVERITY)
    edges = np.array([lo for lo, _ in PHQ9_SEVERITY.values()][1:])
    codes = np.where(np.isnan(total), -1, np.searchsorted(edges, np.nan_to_num(total), side="right"))
    severity = pd.Categorical.from_codes(codes, categories=bands, ordered=True)

    item9 = values[:, 8]
    risk = _bool_array(item9 > 0, np.isnan(item9))
    caseness = _bool_array(total >= 10, np.isnan(total))
    was_prorated = _bool_array(scorable & (answered < n) & (answered > 0), np.isnan(total))
    return _assemble(frame, cols, {
        "phq9_total": total_arr,
        "phq9_severity": severity,
        "phq9_item9_risk": risk,
        "phq9_caseness": caseness,
        "phq9_items_answered": answered.astype("int64"),
        "phq9_prorated": was_prorated,
        "phq9_problems": pd.array(problems, dtype="str"),
    })


def score_bads(frame: pd.DataFrame, *, items=None) -> pd.DataFrame:
    """Score the 25-item BADS: four subscales and the total (Kanter et al., 2007).

    Items are answered 0-6. Subscales are plain sums, higher = more of what the
    name says: ``bads_activation`` (items 3, 4, 5, 7, 11, 12, 23; 0-42),
    ``bads_avoidance_rumination`` (8, 9, 10, 13, 14, 15, 24, 25; 0-48),
    ``bads_work_school`` (work/school impairment: 1, 2, 6, 21, 22; 0-30) and
    ``bads_social`` (social impairment: 16-20; 0-30). ``bads_total`` (0-150)
    sums all 25 items after reversing (6 - x) every item outside Activation,
    so a **higher total means more activation** (less avoidance and impairment).

    No prorating rule is published, so a subscale is missing when any of its
    items is, and the total when any item is; the row's ``bads_problems`` says
    which.

    Parameters
    ----------
    frame : DataFrame
        One row per completed BADS, one column per item (numbers 0-6 or the
        printed labels), any other columns, which are kept as they are.
    items : str or list, optional
        ``None`` to find the items by name (``bads_1`` .. ``bads_25``,
        ``BADS item 7`` ...), a text prefix, or the 25 column names in item
        order.

    Returns
    -------
    DataFrame
        The non-item columns (same order and index), then ``bads_activation``,
        ``bads_avoidance_rumination``, ``bads_work_school``, ``bads_social``,
        ``bads_total`` (Int64), ``bads_items_answered`` (int64) and
        ``bads_problems`` (str; empty when none).

    Examples
    --------
    >>> answers = pd.DataFrame({"client": ["A", "B"],
    ...                         **{f"bads_{i}": [i % 7, 3] for i in range(1, 26)}})
    >>> score_bads(answers).drop(columns="bads_problems").set_index("client").T
    client                      A   B
    bads_activation            23  21
    bads_avoidance_rumination  20  24
    bads_work_school           10  15
    bads_social                20  15
    bads_total                 81  75
    bads_items_answered        25  25
    """
    return _score_bads_form(frame, _BADS, BADS_SUBSCALES, BADS_REVERSED, items)


def score_bads_sf(frame: pd.DataFrame, *, items=None) -> pd.DataFrame:
    """Score the 9-item BADS-SF: Activation, Avoidance and the total (Manos, Kanter & Luo, 2011).

    Items are answered 0-6. ``bads_sf_activation`` = items 2, 3, 4, 5, 9 (0-30),
    ``bads_sf_avoidance`` = items 1, 6, 7, 8 (0-24), both plain sums.
    ``bads_sf_total`` (0-54) sums all 9 items after reversing (6 - x) the
    Avoidance items, so a **higher total means more activation**.

    No prorating: a score is missing when any of its items is, with the row's
    ``bads_sf_problems`` saying which.

    Parameters
    ----------
    frame : DataFrame
        One row per completed BADS-SF, one column per item (numbers 0-6 or
        the printed labels), any other columns, which are kept as they are.
    items : str or list, optional
        ``None`` to find the items by name (``bads_sf_1`` .. ``bads_sf_9``,
        ``BADS-SF item 3`` ...; plain ``bads_1`` .. ``bads_9`` are accepted
        only when the frame has no ``bads_10`` or above), a text prefix, or
        the 9 column names in item order.

    Returns
    -------
    DataFrame
        The non-item columns (same order and index), then
        ``bads_sf_activation``, ``bads_sf_avoidance``, ``bads_sf_total``
        (Int64), ``bads_sf_items_answered`` (int64) and ``bads_sf_problems``
        (str; empty when none).

    Examples
    --------
    >>> answers = pd.DataFrame({"client": ["A", "B"], **{
    ...     f"bads_sf_{i}": [i % 7, None if i == 3 else 3] for i in range(1, 10)}})
    >>> scored = score_bads_sf(answers)
    >>> scored.drop(columns="bads_sf_problems").set_index("client").T
    client                   A     B
    bads_sf_activation      16  <NA>
    bads_sf_avoidance        8    12
    bads_sf_total           32  <NA>
    bads_sf_items_answered   9     8
    >>> scored["bads_sf_problems"].tolist()
    ['', 'item 3 missing']
    """
    return _score_bads_form(frame, _BADS_SF, BADS_SF_SUBSCALES, BADS_SF_REVERSED, items)


def _score_bads_form(frame: pd.DataFrame, inst: _Instrument, subscales: dict[str, tuple[int, ...]],
                     reversed_items: Sequence[int], items) -> pd.DataFrame:
    """Score the BADS or the BADS-SF: plain subscale sums (*subscales*), the total with
    *reversed_items* keyed ``high - x``, then ``{prefix}_items_answered`` and ``{prefix}_problems``.
    """
    cols = _find_items(frame, inst, items)
    values, status, problems = _read_items(frame, cols, inst)
    scores = _sum_scores(values, subscales)
    return _assemble(frame, cols, {
        **{k: _int_array(v) for k, v in scores.items()},
        f"{inst.prefix}_total": _int_array(_reversed_total(values, reversed_items, inst.high)),
        f"{inst.prefix}_items_answered": (status == _OK).sum(axis=1).astype("int64"),
        f"{inst.prefix}_problems": pd.array(problems, dtype="str"),
    })


# --------------------------------------------------------------------------- change


_NORM_KEYS = ("dys_mean", "dys_sd", "func_mean", "func_sd")
CATEGORIES = ("deteriorated", "unchanged", "improved", "recovered")


def reliable_change(pre, post, sd: float, reliability: float, *, higher_is_better: bool = False,
                    norms: dict | None = None, cutoff=None, critical: float = 1.96) -> pd.DataFrame:
    """Jacobson & Truax (1991) reliable change index and clinical significance.

    SE_m = sd * sqrt(1 - reliability); S_diff = sqrt(2 * SE_m**2);
    RCI = (post - pre) / S_diff. The change is reliable when |RCI| > *critical*
    (1.96, a two-sided 5 % criterion). It is an improvement when it goes the
    good way: down when ``higher_is_better=False`` (PHQ-9, avoidance), up
    otherwise (BADS total, activation).

    Parameters
    ----------
    pre, post : scalar, array or Series
        Scores before and after (broadcast against each other; two Series
        must share their index). Missing values give missing results for that
        row.
    sd, reliability : float
        SD of the pre-treatment (or normative) scores and the measure's
        reliability (test-retest or Cronbach's alpha), 0 <= reliability < 1.
    norms : dict, optional
        ``dict(dys_mean=, dys_sd=, func_mean=, func_sd=)``: mean and SD of a
        dysfunctional (clinical) and a functional (non-clinical) population.
        Cut-off a = dys_mean -/+ 2 dys_sd (2 SD beyond the clinical mean, in
        the good direction); b = func_mean +/- 2 func_sd (within 2 SD of the
        functional mean); c = (func_sd*dys_mean + dys_sd*func_mean) /
        (func_sd + dys_sd), the point between the two means weighted by their
        SDs. Any of a, b, c whose norms are not given is NaN.
    cutoff : {"a", "b", "c"} or float, optional
        Which cut-off decides "crossed": ``"a"``, ``"b"``, ``"c"`` or a number
        (e.g. 10 for PHQ-9 caseness). By default c when both populations are
        given (Jacobson & Truax's recommendation), else a (or b) when only one
        is, else none.
    higher_is_better : bool, default False
        Whether a rise is an improvement (BADS) or a fall is (PHQ-9).
    critical : float, default 1.96
        |RCI| above this is reliable.

    Returns
    -------
    DataFrame
        ``pre, post, change, rci, reliable_improvement, reliable_deterioration,
        crossed_cutoff, category``; category is "recovered" (reliable
        improvement and crossed the cut-off), "improved" (reliable improvement
        only), "unchanged" or "deteriorated" (reliable change the bad way).
        ``crossed_cutoff`` means pre on the dysfunctional side of the cut-off
        (at or beyond it) and post on the functional side (strictly); without a
        cut-off it is missing and "recovered" is not used. ``attrs`` holds
        ``se_m``, ``s_diff``, ``critical``, ``reliable_change_points``
        (critical * S_diff), the cut-offs ``a``, ``b``, ``c``, the ``cutoff``
        used, its rule and ``higher_is_better``. The index is that of the
        Series given (else 0..n-1); ``pre``, ``post``, ``change``, ``rci``
        are float64, the flags nullable booleans, ``category`` an ordered
        categorical.

    Examples
    --------
    >>> rc = reliable_change([18, 14, 12], [7, 12, 19], sd=5.0, reliability=0.84, cutoff=10)
    >>> rc[["pre", "post", "rci", "crossed_cutoff", "category"]].round(2)
        pre  post   rci  crossed_cutoff      category
    0  18.0   7.0 -3.89            True     recovered
    1  14.0  12.0 -0.71           False     unchanged
    2  12.0  19.0  2.47           False  deteriorated
    >>> round(rc.attrs["reliable_change_points"], 2)
    5.54
    """
    sd, reliability = float(sd), float(reliability)
    if not (math.isfinite(sd) and sd > 0):
        raise ValueError(f"sd must be a positive number, not {sd!r}")
    if not 0 <= reliability < 1:
        raise ValueError(f"reliability must be from 0 to below 1 (1 would make every change "
                         f"reliable), not {reliability!r}")
    pre_s, post_s = _pair(pre, post)
    se_m = sd * math.sqrt(1 - reliability)
    s_diff = math.sqrt(2 * se_m**2)
    change = post_s - pre_s
    rci = change / s_diff
    missing = rci.isna().to_numpy()
    r = rci.to_numpy(dtype="float64", na_value=np.nan)
    sign = 1.0 if higher_is_better else -1.0
    with np.errstate(invalid="ignore"):
        better = sign * r > critical
        worse = sign * r < -critical

    a, b, c = _cutoffs(norms, higher_is_better)
    value, rule = _choose_cutoff(cutoff, a, b, c)
    pre_v = pre_s.to_numpy(dtype="float64", na_value=np.nan)
    post_v = post_s.to_numpy(dtype="float64", na_value=np.nan)
    if value is None:
        crossed = pd.array([pd.NA] * len(r), dtype="boolean")
    else:
        with np.errstate(invalid="ignore"):
            if higher_is_better:
                crossed_raw = (pre_v <= value) & (post_v > value)
            else:
                crossed_raw = (pre_v >= value) & (post_v < value)
        crossed = _bool_array(crossed_raw, np.isnan(pre_v) | np.isnan(post_v))

    crossed_filled = np.asarray(crossed.fillna(False), dtype=bool)
    labels = np.where(worse, "deteriorated",
                      np.where(better & crossed_filled, "recovered",
                               np.where(better, "improved", "unchanged")))
    codes = np.array([CATEGORIES.index(x) for x in labels], dtype="int64")
    codes[missing] = -1
    out = pd.DataFrame({
        "pre": pre_s.astype("float64"),
        "post": post_s.astype("float64"),
        "change": change.astype("float64"),
        "rci": rci.astype("float64"),
        "reliable_improvement": _bool_array(better, missing),
        "reliable_deterioration": _bool_array(worse, missing),
        "crossed_cutoff": crossed,
        "category": pd.Categorical.from_codes(codes, categories=list(CATEGORIES), ordered=True),
    }, index=pre_s.index)
    out.attrs = {
        "method": "Jacobson & Truax (1991) reliable change index",
        "se_m": se_m, "s_diff": s_diff, "critical": critical,
        "reliable_change_points": critical * s_diff,
        "a": a, "b": b, "c": c,
        "cutoff": np.nan if value is None else value, "cutoff_rule": rule,
        "higher_is_better": bool(higher_is_better),
    }
    return out


def phq9_outcomes(pre, post, *, caseness: float = 10, reliable_points: float = 6) -> pd.DataFrame:
    """PHQ-9 outcomes by the NHS Talking Therapies (IAPT) convention, depression measure only.

    * ``caseness_pre`` / ``caseness_post``: PHQ-9 total >= 10 (*caseness*).
    * ``reliable_improvement``: the total fell by 6 points or more
      (*reliable_points*); ``reliable_deterioration``: it rose by 6 or more.
    * ``recovery``: a case at pre and not a case at post.
    * ``reliable_recovery``: recovery and reliable improvement.

    Recovery is only defined for people who were a case at the start: for the
    others ``recovery`` and ``reliable_recovery`` are missing (``<NA>``), so
    that ``.mean()`` gives the service's recovery rate. The service manual
    applies recovery to PHQ-9 *and* the anxiety measure together (caseness on
    either at the start, on neither at the end); this function covers the
    PHQ-9 side only. Totals must lie in 0-27; missing totals give missing rows.

    Parameters
    ----------
    pre, post : scalar, array or Series
        PHQ-9 totals before and after (broadcast as in :func:`reliable_change`).
    caseness : float, default 10
        A total at or above this is a case.
    reliable_points : float, default 6
        A change of at least this many points is reliable.

    Returns
    -------
    DataFrame
        ``pre``, ``post``, ``change`` (float64), then nullable booleans:
        ``caseness_pre``, ``caseness_post``, ``reliable_improvement``,
        ``reliable_deterioration``, ``recovery``, ``reliable_recovery``.

    Raises
    ------
    ValueError
        When a total lies outside 0-27.

    Examples
    --------
    >>> out = phq9_outcomes([18, 14, 8], [7, 12, 15])
    >>> out[["change", "caseness_pre", "reliable_improvement", "recovery", "reliable_recovery"]]
       change  caseness_pre  reliable_improvement  recovery  reliable_recovery
    0   -11.0          True                  True      True               True
    1    -2.0          True                 False     False              False
    2     7.0         False                 False      <NA>               <NA>
    """
    pre_s, post_s = _pair(pre, post)
    for name, s in (("pre", pre_s), ("post", post_s)):
        bad = s.notna() & ((s < 0) | (s > 27))
        if bad.any():
            raise ValueError(f"PHQ-9 totals run from 0 to 27; {name} has "
                             f"{s[bad].tolist()[:5]} (score items with score_phq9 first)")
    pre_v = pre_s.to_numpy(dtype="float64", na_value=np.nan)
    post_v = post_s.to_numpy(dtype="float64", na_value=np.nan)
    change = post_v - pre_v
    either = np.isnan(change)
    with np.errstate(invalid="ignore"):
        case_pre, case_post = pre_v >= caseness, post_v >= caseness
        improved, worse = change <= -reliable_points, change >= reliable_points
    recovery = case_pre & ~case_post
    not_applicable = either | ~case_pre
    return pd.DataFrame({
        "pre": pre_v, "post": post_v, "change": change,
        "caseness_pre": _bool_array(case_pre, np.isnan(pre_v)),
        "caseness_post": _bool_array(case_post, np.isnan(post_v)),
        "reliable_improvement": _bool_array(improved, either),
        "reliable_deterioration": _bool_array(worse, either),
        "recovery": _bool_array(recovery, not_applicable),
        "reliable_recovery": _bool_array(recovery & improved, not_applicable),
    }, index=pre_s.index)


# --------------------------------------------------------------------------- finding items


def _find_items(frame: pd.DataFrame, inst: _Instrument, items) -> list:
    """The item columns of *frame*, in item order (1..n)."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"score the {inst.name} from a DataFrame with one column per item, "
                        f"not {type(frame).__name__}")
    if frame.columns.has_duplicates:
        dup = frame.columns[frame.columns.duplicated()].unique().tolist()
        raise ValueError(f"the frame has duplicated column names {dup}; rename them first")
    n = inst.n_items
    if items is not None and not isinstance(items, str):
        cols = list(items)
        if len(cols) != n:
            raise ValueError(f"items= must list the {n} {inst.name} item columns in order; "
                             f"got {len(cols)}")
        absent = [c for c in cols if c not in frame.columns]
        if absent:
            raise ValueError(f"items= names columns the frame does not have: {absent}")
        if len(set(cols)) != n:
            raise ValueError(f"items= lists a column twice: {cols}")
        return cols
    if isinstance(items, str):
        if not items.strip():
            raise ValueError("items= prefix is empty")
        patterns = (re.escape(items.strip()) + _SEP + "0?{n}",)
    else:
        patterns = inst.patterns
    for k, pattern in enumerate(patterns):
        found = _match_columns(frame.columns, pattern, n, inst)
        if not found:
            continue
        if inst is _BADS_SF and items is None and k == 1:
            extra = _match_columns(frame.columns, pattern, 25, inst)
            if any(i > 9 for i in extra):
                raise ValueError(
                    "these look like full-BADS item columns (bads_10 or above are present), whose "
                    "numbers differ from the BADS-SF's; use score_bads, or pass the 9 BADS-SF "
                    "columns with items=[...]")
        missing = [i for i in range(1, n + 1) if i not in found]
        if missing:
            raise ValueError(
                f"found {inst.name} item columns {[found[i] for i in sorted(found)]} but none for "
                f"item(s) {missing}; add them (empty if unanswered) or pass items=[...] "
                f"with all {n} columns in order")
        return [found[i] for i in range(1, n + 1)]
    hint = {"PHQ-9": "phq9_1 .. phq9_9 or phq1 .. phq9", "BADS": "bads_1 .. bads_25",
            "BADS-SF": "bads_sf_1 .. bads_sf_9"}[inst.name]
    raise ValueError(
        f"no {inst.name} item columns found (looked for names like {hint}"
        + (f" with prefix {items!r}" if isinstance(items, str) else "")
        + f"); pass items= a prefix such as 'q' or the {n} column names in order. "
        f"Columns: {list(frame.columns)[:20]}")


def _match_columns(columns, pattern: str, n: int, inst: _Instrument) -> dict[int, object]:
    found: dict[int, object] = {}
    for i in range(1, n + 1):
        rx = re.compile(pattern.format(n=i), re.IGNORECASE)
        hits = [c for c in columns if isinstance(c, str) and rx.fullmatch(c.strip())]
        if len(hits) > 1:
            raise ValueError(f"several columns look like {inst.name} item {i}: {hits}; "
                             "pass items=[...] to say which")
        if hits:
            found[i] = hits[0]
    return found


# --------------------------------------------------------------------------- reading answers


def _read_items(frame: pd.DataFrame, cols: list, inst: _Instrument):
    """Answers as floats (NaN unless usable), a status code per answer, and problem text per row."""
    n_rows = len(frame)
    values = np.full((n_rows, len(cols)), np.nan)
    status = np.full((n_rows, len(cols)), _MISSING, dtype="int8")
    shown: list[list] = []
    for j, col in enumerate(cols):
        series = frame[col]
        if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
            v = series.to_numpy(dtype="float64", na_value=np.nan)
            st = np.where(np.isnan(v), _MISSING, _number_status(v, inst.high)).astype("int8")
            values[:, j] = np.where(st == _OK, v, np.nan)
            status[:, j] = st
            shown.append(v.tolist())
        else:
            cache: dict = {}
            raw = series.tolist()
            for i, x in enumerate(raw):
                key = (type(x), x) if _hashable(x) else None
                if key is not None and key in cache:
                    val, st = cache[key]
                else:
                    val, st = _parse_answer(x, inst)
                    if key is not None:
                        cache[key] = (val, st)
                values[i, j], status[i, j] = val, st
            shown.append(raw)
    bad_rows = np.flatnonzero((status != _OK).any(axis=1))
    problems = [""] * n_rows
    for i in bad_rows:
        parts = []
        for j in np.flatnonzero(status[i] != _OK):
            item = j + 1
            st = status[i, j]
            if st == _MISSING:
                parts.append(f"item {item} missing")
            elif st == _OUT_OF_RANGE:
                parts.append(f"item {item} out of range 0-{inst.high} ({_show(shown[j][i])})")
            else:
                parts.append(f"item {item} not a valid answer ({_show(shown[j][i])})")
        problems[i] = "; ".join(parts)
    return values, status, problems


def _number_status(v: np.ndarray, high: int) -> np.ndarray:
    with np.errstate(invalid="ignore"):
        whole = np.isfinite(v) & (np.floor(v) == v)
        in_range = (v >= 0) & (v <= high)
    out_of_range = np.isinf(v) | (np.isfinite(v) & ~in_range)
    return np.where(whole & in_range, _OK, np.where(out_of_range, _OUT_OF_RANGE, _INVALID))


_NUM_LABEL = re.compile(r"([+-]?\d+(?:\.\d+)?)\s*(?:[-=:.)]\s*|\(\s*)?(.*?)\)?")


def _parse_answer(x, inst: _Instrument) -> tuple[float, int]:
    if x is None or x is pd.NA or x is pd.NaT:
        return np.nan, _MISSING
    if isinstance(x, (bool, np.bool_)):
        return np.nan, _INVALID
    if isinstance(x, (int, np.integer, float, np.floating)):
        v = float(x)
        if math.isnan(v):
            return np.nan, _MISSING
        return _one_number(v, inst.high)
    if not isinstance(x, str):
        return np.nan, _INVALID
    text = " ".join(x.split()).lower()
    if text in _MISSING_TEXT:
        return np.nan, _MISSING
    try:
        return _one_number(float(text), inst.high)
    except ValueError:
        pass
    label = text.strip(" .!")
    if label in inst.labels:
        return float(inst.labels[label]), _OK
    m = _NUM_LABEL.fullmatch(text)
    if m:
        v = float(m.group(1))
        rest = m.group(2).strip(" .!()")
        if rest == "" or inst.labels.get(rest) == v:
            return _one_number(v, inst.high)
    return np.nan, _INVALID


def _one_number(v: float, high: int) -> tuple[float, int]:
    st = int(_number_status(np.array([v]), high)[0])
    return (v if st == _OK else np.nan), st


def _hashable(x) -> bool:
    try:
        hash(x)
    except TypeError:
        return False
    return not (isinstance(x, float) and math.isnan(x))


def _show(x) -> str:
    if isinstance(x, str):
        return repr(x)
    if isinstance(x, (float, np.floating)) and math.isfinite(x) and float(x).is_integer():
        return str(int(x))
    return str(x)


# --------------------------------------------------------------------------- sums and output


def _sum_scores(values: np.ndarray, subscales: dict[str, tuple[int, ...]]) -> dict[str, np.ndarray]:
    """Plain subscale sums (NaN when any item of the subscale is NaN)."""
    return {name: values[:, [i - 1 for i in its]].sum(axis=1) for name, its in subscales.items()}


def _reversed_total(values: np.ndarray, reversed_items: Sequence[int], high: int) -> np.ndarray:
    keyed = values.copy()
    idx = [i - 1 for i in reversed_items]
    keyed[:, idx] = high - keyed[:, idx]
    return keyed.sum(axis=1)            # NaN when any item is missing


def _int_array(x: np.ndarray):
    x = np.asarray(x, dtype="float64")
    mask = np.isnan(x)
    return pd.arrays.IntegerArray(np.where(mask, 0, x).astype("int64"), mask)


def _bool_array(x, mask):
    x = np.asarray(x, dtype=bool)
    mask = np.asarray(mask, dtype=bool)
    return pd.arrays.BooleanArray(x & ~mask, mask)


def _assemble(frame: pd.DataFrame, item_cols: list, scores: dict) -> pd.DataFrame:
    kept = frame.drop(columns=item_cols)
    clash = [c for c in scores if c in kept.columns]
    if clash:
        raise ValueError(f"the frame already has column(s) {clash}; drop or rename them before scoring")
    out = kept.assign(**scores)
    out.attrs = {}
    return out


def _pair(pre, post) -> tuple[pd.Series, pd.Series]:
    """pre and post as float Series sharing one index (scalars broadcast against the other)."""
    if isinstance(pre, pd.Series) and isinstance(post, pd.Series) and not pre.index.equals(post.index):
        raise ValueError("pre and post are Series with different indexes; align them first")
    ref = pre if isinstance(pre, pd.Series) else post if isinstance(post, pd.Series) else None

    def as_series(x):
        if isinstance(x, pd.Series):
            return pd.to_numeric(x, errors="raise").astype("float64")
        arr = np.asarray(x, dtype="float64")
        if arr.ndim == 0:
            return None                   # a scalar: broadcast below
        if arr.ndim > 1:
            raise ValueError("pre and post must be scalars or one-dimensional")
        index = ref.index if ref is not None and len(ref) == len(arr) else None
        return pd.Series(arr, index=index)

    pre_s, post_s = as_series(pre), as_series(post)
    if pre_s is None and post_s is None:
        pre_s, post_s = pd.Series([float(pre)]), pd.Series([float(post)])
    elif pre_s is None:
        pre_s = pd.Series(float(pre), index=post_s.index)
    elif post_s is None:
        post_s = pd.Series(float(post), index=pre_s.index)
    if len(pre_s) != len(post_s):
        raise ValueError(f"pre has {len(pre_s)} values and post {len(post_s)}")
    if not pre_s.index.equals(post_s.index):
        post_s = post_s.set_axis(pre_s.index)
    return pre_s, post_s


def _cutoffs(norms, higher_is_better: bool) -> tuple[float, float, float]:
    if norms is None:
        return np.nan, np.nan, np.nan
    unknown = set(norms) - set(_NORM_KEYS)
    if unknown:
        raise ValueError(f"norms takes {list(_NORM_KEYS)}; unknown: {sorted(unknown)}")
    g = {k: float(norms[k]) if norms.get(k) is not None else np.nan for k in _NORM_KEYS}
    for k in ("dys_sd", "func_sd"):
        if not np.isnan(g[k]) and g[k] <= 0:
            raise ValueError(f"norms[{k!r}] must be positive")
    s = 1.0 if higher_is_better else -1.0          # the good direction
    a = g["dys_mean"] + s * 2 * g["dys_sd"]
    b = g["func_mean"] - s * 2 * g["func_sd"]
    c = (g["func_sd"] * g["dys_mean"] + g["dys_sd"] * g["func_mean"]) / (g["func_sd"] + g["dys_sd"])
    return float(a), float(b), float(c)


def _choose_cutoff(cutoff, a, b, c):
    named = {"a": a, "b": b, "c": c}
    if cutoff is None:
        for key in ("c", "a", "b"):
            if not np.isnan(named[key]):
                return named[key], key
        return None, "none"
    if isinstance(cutoff, str):
        key = cutoff.strip().lower()
        if key not in named:
            raise ValueError(f"cutoff must be 'a', 'b', 'c' or a number, not {cutoff!r}")
        if np.isnan(named[key]):
            need = {"a": "dys_mean and dys_sd", "b": "func_mean and func_sd",
                    "c": "all four of dys_mean, dys_sd, func_mean, func_sd"}[key]
            raise ValueError(f"cut-off {key} needs norms with {need}")
        return named[key], key
    value = float(cutoff)
    if not math.isfinite(value):
        raise ValueError(f"cutoff must be finite, not {cutoff!r}")
    return value, "given"
