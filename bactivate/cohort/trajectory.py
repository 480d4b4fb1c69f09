"""Trajectories over weeks by arm: client-week means, a mixed model, and its figure.

The unit of analysis is the **client-week**: :func:`weekly` turns a cohort's
tidy log into one row per client and week (weeks counted from each client's
first logged day), and :func:`trajectory` fits a linear mixed model to those
rows with a random intercept and a random slope of week per client::

    value ~ week * group (+ covariates),  groups = client,  re_formula = "~week"

so that the ``week:group[T.x]`` term is the difference between arms in the
change per week, with clients (not entries) as the independent units. With
``unit="day"`` (or ``"prompt"``) the rows are client-days (client-prompts) and
the time is ``study_day`` (``prompt``), the units of a 7- or 14-day
experience-sampling study. A random slope is fitted only when the data can
carry it (enough time points per person, enough people, a fit that is not
singular), and a fit is used only when its Hessian is positive definite; random slopes that cannot
be fitted give way to random intercepts, and a model that cannot be fitted at
all gives missing estimates with ``converged`` False, each with a
:class:`TrajectoryWarning`. Tests are t tests on between-within degrees of
freedom (``df``, ``df_method``), not statsmodels' z tests.
:func:`plot_trajectory` draws the arm means with their confidence bands over
faint client lines.

>>> import bactivate as ba
>>> log, roster = ba.synth.cohort(n_clients=20, weeks=5, seed=1, entries_per_day=3)
>>> fit = ba.trajectory(log, roster=roster, reference="control")
>>> fit["term"].tolist()
['Intercept', 'arm[T.BA]', 'week', 'week:arm[T.BA]']

statsmodels is imported inside :func:`trajectory`, matplotlib inside
:func:`plot_trajectory`, so that ``import bactivate`` stays fast.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from bactivate import escape
from bactivate._grouped import grouped_mean_ci
from bactivate._log import TIME_UNITS, time_unit
from bactivate._util import natural_codes
from bactivate.cohort.summary import client_periods
from bactivate.errors import LogWarning
from bactivate.io.roster import roster_for
from bactivate.lazy import Lazy
from bactivate.schema import RATINGS, AttrsFrame, source_scale, to_source

__all__ = ["ConvergenceError", "OPTIMIZERS", "TrajectoryWarning", "plot_trajectory", "trajectory", "weekly"]

_st = Lazy("scipy.stats")

#: Optimisers tried in turn until one gives a usable fit: statsmodels' first choice first.
OPTIMIZERS: tuple[str, ...] = ("bfgs", "lbfgs", "powell", "nm", "cg")
#: Columns of ``attrs["attempts"]``.
_ATTEMPT_COLUMNS = ["re_formula", "optimizer", "converged", "problem"]
#: A random slope is fitted only when at least this many people have at least
#: :data:`SLOPE_MIN_POINTS` time points, and they are at least half of the people.
SLOPE_MIN_PEOPLE = 4
#: Time points a person needs to inform a slope variance apart from the residual (with 2, intercept,
#: slope, their covariance and the residual are four variances from a 2 x 2 covariance).
SLOPE_MIN_POINTS = 3
#: A random-effects fit is singular when a diagonal element of the Cholesky factor of its
#: covariance, relative to the residual SD, is below this (lme4's ``isSingular`` tolerance).
SINGULAR_TOL = 1e-4
#: Weekly counts: a short last week is scaled to 7 days.
_COUNTS = ("activities", "planned", "done", "entries", "days_logged")
_LABELS = {
    "mood": "Mood (0-10)", "mastery": "Mastery (0-10)", "pleasure": "Pleasure (0-10)",
    "effort": "Effort (0-10)", "activities": "Activities per week", "planned": "Planned activities per week",
    "done": "Planned activities done per week", "completion": "Completion (done / planned)",
    "avoidance_share": "Avoidance share of activities", "entries": "Entries per week",
    "days_logged": "Days logged per week",
}


class ConvergenceError(RuntimeError):
    """No usable fit (``trajectory(..., errors="raise")``); ``attempts`` says how each try failed."""

    def __init__(self, message: str, attempts=None):
        super().__init__(message)
        self.attempts = attempts


class TrajectoryWarning(LogWarning):
    """The mixed model was simplified, or could not be fitted; the message says what to do.

    A :class:`bactivate.LogWarning`, so that one filter catches every warning of bactivate.
    """


# =========================================================================== client-weeks


def weekly(cohort: pd.DataFrame, value="mood", *, roster=None, unit: str = "week",
           day_starts=None) -> pd.DataFrame:
    """Client x week values (or client x study day, client x prompt): the unit of analysis for trajectories.

    Parameters
    ----------
    cohort : DataFrame
        A tidy log of one or more clients (:func:`bactivate.read_cohort`).
    value : str or list of str, default "mood"
        Weekly measure(s): ``"mood"`` (mean over entries), ``"mastery"``,
        ``"pleasure"``, ``"effort"`` (means over activities that happened),
        ``"activities"``, ``"planned"``, ``"done"``, ``"entries"``,
        ``"days_logged"`` (counts per week; a client's short last week is
        scaled to 7 days), ``"completion"``, ``"avoidance_share"``, or any
        numeric column of the log (its weekly mean).
    roster : str, Path or DataFrame, optional
        Its columns (arm, baseline measures) are joined on client; by default
        ``cohort.attrs["roster"]``.
    unit : {"week", "day", "prompt"}, default "week"
        One row per client and week, per client and study day (``study_day``
        1 = the client's first logged day, every day of the span), or per
        client and prompt (``prompt`` 1 = the first entry); see
        :func:`bactivate.cohort.summary.client_periods`. Counts are per day
        or per prompt as logged (only weeks are scaled).
    day_starts : str, int, datetime.time or None, default None
        When a study day starts ("04:00"): entries after midnight and before
        it count for the day before. None is midnight.

    Returns
    -------
    DataFrame
        One row per client and week, clients in natural order: ``client``
        (str), the roster's columns (one that clashes is renamed
        ``{name}_roster``), ``week`` (int64, 1 = the client's first 7 days),
        ``week_start`` (datetime64[ns]), ``days`` (days of the client's span
        in the week), ``n_entries`` (entries logged that week, unscaled),
        then the value column(s) (float64). Every week of each client's span
        is a row; a week without entries has a missing mean. With
        ``unit="day"``: ``study_day``, ``date``, ``week`` (the study week
        the day is in) instead of ``week``, ``week_start``, ``days``; with
        ``"prompt"``: ``prompt``, ``start``, ``study_day``, ``week``.
        ``attrs``: ``unit`` (in words), ``time_unit`` ("week", "day",
        "prompt"), ``value`` (the value columns).

    Examples
    --------
    >>> import bactivate as ba
    >>> log, roster = ba.synth.cohort(n_clients=20, weeks=5, seed=1, entries_per_day=3)
    >>> weeks = weekly(log, ["mood", "done"], roster=roster)
    >>> weeks.shape
    (100, 13)
    >>> weeks[["client", "arm", "week", "days", "n_entries", "mood", "done"]].head(3).round(2)
      client      arm  week  days  n_entries  mood  done
    0   C001  control     1     7         21  3.57   0.0
    1   C001  control     2     7         19  3.53   0.0
    2   C001  control     3     7         21  2.05   0.0
    """
    values = [value] if isinstance(value, str) else list(dict.fromkeys(value))
    extra = [v for v in values if v not in _LABELS]
    wk = client_periods(cohort, time_unit(unit), extra=extra, day_starts=day_starts)
    out = wk[["client", *_PERIOD_COLUMNS[unit]]].copy()
    out["n_entries"] = wk["entries"]
    for v in values:
        out[v] = wk[v] * 7.0 / wk["days"] if v in _COUNTS and unit == "week" else wk[v]
    r = roster_for(cohort, roster)
    if r is not None:
        clash = [c for c in r.columns[1:] if c in out.columns]
        r = r.rename(columns={c: f"{c}_roster" for c in clash})
        out = r.merge(out, on="client", how="right", sort=False)
        out = out.iloc[np.lexsort((out[TIME_UNITS[unit]].to_numpy(), natural_codes(out["client"])))]
    out = out.reset_index(drop=True)
    out.attrs = {"unit": _UNIT_WORDS[unit], "time_unit": unit, "value": values}
    return out


#: The period columns of :func:`weekly` in each unit.
_PERIOD_COLUMNS = {"week": ["week", "week_start", "days"], "day": ["study_day", "date", "week"],
                   "prompt": ["prompt", "start", "study_day", "week"]}
_UNIT_WORDS = {"week": "client-week; weeks count from each client's first logged day",
               "day": "client-day; study days count from each client's first logged day (day 1)",
               "prompt": "client-prompt; prompts are each client's entries in time order (prompt 1)"}
#: The time axis of each unit, in words.
_AXIS = {"week": "Week", "day": "Study day", "prompt": "Prompt"}


# =========================================================================== the mixed model


def trajectory(cohort: pd.DataFrame, group: str = "arm", value: str = "mood", *, roster=None,
               covariates=None, ci: float = 0.95, weeks=None, reference=None,
               re_formula: str | None = None, optimizers=OPTIMIZERS, reml: bool = True,
               errors: str = "warn", return_result: bool = False, unit: str = "week",
               day_starts=None, scale=None):
    """Trajectories by arm over weeks, study days or prompts: a linear mixed model of client-period means.

    The model (statsmodels ``MixedLM``, REML)::

        value ~ week * group [+ covariate_within + covariate_between ...]
        random intercept and slope of week per client (re_formula="~week")

    With ``unit="day"`` the time is ``study_day`` (1 = each client's first
    logged day; ``value ~ study_day * group``, slope per day), with
    ``unit="prompt"`` it is ``prompt`` (each client's entries in time order):
    the units of a 7- or 14-day experience-sampling study, where weeks give
    one or two time points per person.

    Parameters
    ----------
    cohort : DataFrame
        A cohort's tidy log, or a frame from :func:`weekly` (one row per
        client and period, with the *group* and *value* columns and the
        unit's time column).
    group : str, default "arm"
        The arm column (from the roster, or a per-client column of *cohort*).
    value : str, default "mood"
        The weekly measure to model (see :func:`weekly`).
    roster : str, Path or DataFrame, optional
        Joined on client; default ``cohort.attrs["roster"]``.
    covariates : list of str, optional
        Time-varying weekly measures (e.g. ``["activities"]``) are centred
        within person: each enters as ``{c}_between`` (the client's mean over
        the weeks used) and ``{c}_within`` (the week's deviation from it), so
        the within term is the week-to-week association inside a client and
        the between term the association across clients. Columns constant
        within each client (roster baseline measures such as
        ``baseline_phq9``) enter as they are.
    ci : float, default 0.95
        Level of the intervals (t with the row's ``df``).
    weeks : iterable of int, optional
        Only these weeks, e.g. ``range(2, 9)`` to model treatment weeks after
        a monitoring-only week 1 (with ``unit="day"`` or ``"prompt"``: the
        days or prompts in these study weeks).
    reference : optional
        The reference arm (default: the first category, or the first in
        sorted order); the ``week:group[T.x]`` term is arm ``x`` minus the
        reference.
    re_formula : str, optional
        Random effects; default a random intercept and slope of the time
        (``"~week"``, ``"~study_day"``, ``"~prompt"``), or ``"1"`` (random
        intercepts only). A random slope is fitted only when the data can
        carry it; otherwise random intercepts only are fitted instead, with
        the reason in ``attrs["re_reason"]`` and ``attrs["notes"]``, with a
        :class:`TrajectoryWarning` unless the fit was singular (see Notes).
    optimizers : sequence of str, default OPTIMIZERS
        Tried in turn until one gives a usable fit (see Notes).
    reml : bool, default True
        REML (default) or ML.
    errors : {"warn", "raise"}, default "warn"
        When no fit is usable: ``"warn"`` returns the table with missing
        estimates, ``converged`` False and a :class:`TrajectoryWarning`
        saying what to do; ``"raise"`` raises :class:`ConvergenceError`.
    return_result : bool, default False
        Also return the statsmodels result: ``(table, result)``; when no fit
        is usable, the last rejected result (or None).
    unit : {"week", "day", "prompt"}, default "week"
        The time unit (see :func:`weekly`).
    day_starts : str, int, datetime.time or None, default None
        When a study day starts ("04:00"): entries after midnight and before
        it count for the day before (late-evening prompts). None is midnight.
    scale : {None, "source"}, default None
        None: estimates on the tidy 0-10 scale. ``"source"``: on the scale *value*
        was read from (``cohort.attrs["scales"]``, e.g. 0-100 or 1-7, for a paper):
        the intercept as a level, every other term as a difference (a reversed
        item flips their signs); ``attrs["scale"]`` says which.

    Returns
    -------
    DataFrame or (DataFrame, MixedLMResults)
        One row per fixed effect: ``term`` (str; ``week:{group}[T.x]`` is
        arm ``x`` minus the reference in change per week), ``estimate``,
        ``se``, ``ci_low``, ``ci_high``, ``p`` (float64; t with ``df``),
        ``df`` (float64, between-within degrees of freedom), ``df_method``
        (str: which count gave ``df``, or why there is none), ``converged``
        (bool), ``optimizer`` (str, "" when none). ``attrs``: ``formula``,
        ``re_formula`` (the random effects fitted), ``re_formula_requested``,
        ``re_reason`` (why the random slope was dropped; "" when it was not),
        ``unit``, ``time`` (the time column),
        ``groups`` ("client"), ``optimizer``, ``converged``, ``attempts``
        (each model and optimiser tried: ``re_formula``, ``optimizer``,
        ``converged`` (the fit was usable), ``problem``), ``warnings``
        (statsmodels' warnings for the fit used), ``notes`` (what was changed
        or left out, in words), ``random_effects`` (covariance of the random
        effects), ``residual_variance``, ``n_clients``, ``n_obs``, ``weeks``,
        ``reference``, ``loglike``, ``method``, ``df_method``, ``ci_level``,
        ``description``. With *return_result*, also the statsmodels result.

    Raises
    ------
    ConvergenceError
        With ``errors="raise"``, when no fit is usable.

    Warns
    -----
    TrajectoryWarning
        When random slopes were replaced by random intercepts, and when no
        fit is usable (``errors="warn"``).

    Notes
    -----
    **When a random slope is fitted.** Only when the data can carry it:
    at least :data:`SLOPE_MIN_PEOPLE` (4) people with at least
    :data:`SLOPE_MIN_POINTS` (3) time points, and these at least half of
    the people (with two time points per person the slope variance is not
    identified: a 14-day study has 14 study days but 2 weeks per person),
    and the fit with the slope converges to a proper maximum and is not
    singular (a diagonal element of the relative Cholesky factor of the
    random-effects covariance below :data:`SINGULAR_TOL`, as lme4's
    ``isSingular``: a slope variance of about zero or a correlation of
    about +-1). Otherwise random intercepts only, and the reason is said in
    ``attrs["re_reason"]`` and ``attrs["notes"]``; a warning too when the
    slope could not be fitted or tried (a singular fit is an answer of the
    data, the random-intercept model, and gets a note only, as lme4 gives a
    message rather than a warning).

    **Which fit is used.** The optimisers are tried in the order given
    (default ``OPTIMIZERS``: bfgs, lbfgs, powell, nm, cg). A fit is usable
    when statsmodels reports convergence without an "optimization failed"
    warning, the covariance matrix of all the estimates (the inverse of the
    negative Hessian of the log-likelihood at the optimum, fixed effects and
    variance parameters) is finite and positive definite, and every fixed
    effect has a finite estimate and a finite, positive standard error. A
    Hessian that is not positive definite means the optimum is not a proper
    maximum (typically a random-effects correlation of about +-1), so its
    standard errors mean nothing. After a fit that did not converge, the next
    optimiser starts where it stopped; after one that converged to such a
    point, it starts afresh. If no optimiser gives a usable fit with random
    slopes, the model is refitted with random intercepts only
    (``re_formula="1"``) and this is said in ``attrs["notes"]`` and a
    warning. If that fails too, the estimates are NaN (a number from an
    unusable fit would look like an answer) and ``converged`` is False.
    A random intercept variance estimated at about zero (statsmodels' "MLE
    may be on the boundary") is a legitimate answer when the Hessian is
    positive definite; such warnings are kept in ``attrs["warnings"]``. A
    random *slope* on its boundary makes the fit singular (above): random
    intercepts only are then fitted, the model the data support.

    **Degrees of freedom** (statsmodels gives z tests). Each fixed effect is
    tested with t on between-within degrees of freedom (Schluchter and
    Elashoff, 1990; SAS PROC MIXED ``DDFM=BETWITHIN``, with the containment
    rule for terms in a random slope): a term constant within clients (arm,
    baseline measures, ``_between`` parts) gets the number of clients minus
    the number of such between-client terms; a term within a random slope
    (``week``, ``week:arm``) gets the clients that have a slope minus the
    number of such terms; any other within-client term gets the client-weeks
    minus the random effects of every client minus the number of
    within-client terms. In a balanced design these are the exact
    split-plot t tests (for ``week:arm`` with a random slope: the two-sample
    t test of the clients' least-squares slopes). Satterthwaite and
    Kenward-Roger need derivatives of the covariance of the estimates with
    respect to the variance parameters, which statsmodels does not provide
    and which are unstable in exactly the small cohorts where they matter.

    Examples
    --------
    >>> import bactivate as ba
    >>> log, roster = ba.synth.cohort(n_clients=20, weeks=5, seed=1, entries_per_day=3)
    >>> fit = trajectory(log, roster=roster, reference="control")
    >>> fit["term"].tolist(), bool(fit["converged"].all())
    (['Intercept', 'arm[T.BA]', 'week', 'week:arm[T.BA]'], True)
    >>> fit.attrs["formula"], fit.attrs["n_clients"], fit.attrs["n_obs"], fit.attrs["weeks"]
    ('mood ~ week * arm', 20, 100, [1, 2, 3, 4, 5])
    >>> fit["df"].tolist()
    [18.0, 18.0, 18.0, 18.0]
    """
    if not 0 < ci < 1:
        raise ValueError(f"ci must be between 0 and 1, not {ci!r}")
    if errors not in ("warn", "raise"):
        raise ValueError(f"errors must be 'warn' or 'raise', not {errors!r}")
    time = TIME_UNITS[time_unit(unit)]
    re_formula = f"~{time}" if re_formula is None else re_formula
    covariates = [covariates] if isinstance(covariates, str) else list(covariates or [])
    data, varying = _model_data(cohort, group, value, roster, covariates, weeks, unit, day_starts)
    levels = _levels(data[group], reference)
    data, formula = _design(data, group, value, levels, covariates, varying, time)
    fit = _fit(data, formula, re_formula, optimizers, reml, time)
    notes = _report_fit(fit, data, formula, re_formula, errors, unit)
    result = fit["result"]
    table = _fixed_effects(fit["model"], result, ci, unit)
    table["converged"] = result is not None
    table["optimizer"] = fit["optimizer"]
    table = table.astype({"term": "str", "df_method": "str", "optimizer": "str"})
    table.attrs = {
        "formula": formula,
        "re_formula": fit["re_formula"],
        "re_formula_requested": re_formula,
        "re_reason": fit["re_reason"],
        "unit": unit,
        "time": time,
        "groups": "client",
        "optimizer": fit["optimizer"] or None,
        "converged": result is not None,
        "attempts": AttrsFrame(pd.DataFrame(fit["attempts"], columns=_ATTEMPT_COLUMNS)),
        "warnings": fit["warnings"],
        "notes": notes,
        "random_effects": AttrsFrame(pd.DataFrame(result.cov_re if result is not None else [])),
        "residual_variance": float(result.scale) if result is not None else np.nan,
        "n_clients": int(data["client"].nunique()),
        "n_obs": int(len(data)),
        "weeks": sorted(int(w) for w in data["week"].unique()) if "week" in data.columns else [],
        "times": sorted(int(w) for w in data[time].unique()),
        "reference": str(levels[0]),
        "loglike": float(result.llf) if result is not None else np.nan,
        "method": "REML" if reml else "ML",
        "df_method": "between-within",
        "ci_level": ci,
        "description": f"linear mixed model of client-{unit} means (statsmodels MixedLM); "
                       f"{time}:group terms are differences in change per {unit} against the reference; "
                       "t intervals and p-values on between-within degrees of freedom",
    }
    if scale is not None:
        table = _on_source_scale(table, cohort, value, scale)
    table.attrs["scale"] = "0-10" if scale is None else table.attrs["scale"]
    return (table, result if result is not None else fit["last"]) if return_result else table


def _on_source_scale(table: pd.DataFrame, cohort: pd.DataFrame, value: str, scale) -> pd.DataFrame:
    """The fixed effects on *value*'s source scale: the intercept a level, the other terms differences."""
    if scale != "source":
        raise ValueError(f"scale must be None (0-10) or 'source', not {scale!r}")
    src = source_scale(cohort.attrs.get("scales"), value)
    out = table.copy()
    level = (out["term"] == "Intercept").to_numpy()
    for col in ("estimate", "ci_low", "ci_high"):
        out[col] = np.where(level, to_source(out[col], src), to_source(out[col], src, difference=True))
    out["se"] = out["se"] * abs(to_source(1.0, src, difference=True))
    lo, hi = np.fmin(out["ci_low"], out["ci_high"]), np.fmax(out["ci_low"], out["ci_high"])
    out["ci_low"], out["ci_high"] = lo, hi  # a reversed item: the ends swap
    out.attrs = {**table.attrs, "scale": src}
    return out


def _design(data: pd.DataFrame, group: str, value: str, levels: list, covariates: list, varying: set,
            time: str = "week"):
    """The model's rows (group as a categorical of *levels*, sorted by client and time, the time as
    float; a varying covariate split into its within and between parts) and its formula."""
    data[group] = pd.Categorical(data[group].astype("str"), categories=levels)
    data = data.sort_values(["client", time], kind="stable").reset_index(drop=True)
    data[time] = data[time].astype("float64")
    terms = [f"{time} * {_q(group)}"]
    for c in covariates:
        if c in varying:
            mean = data.groupby("client", sort=False)[c].transform("mean")
            data[f"{c}_between"] = mean
            data[f"{c}_within"] = data[c] - mean
            terms += [_q(f"{c}_within"), _q(f"{c}_between")]
        else:
            terms.append(_q(c))
    return data, f"{_q(value)} ~ " + " + ".join(terms)


def _fit(data: pd.DataFrame, formula: str, re_formula: str, optimizers, reml: bool,
         time: str = "week") -> dict:
    """The first usable fit: with *re_formula* when the data can carry its random slope and the fit
    is not singular, else with random intercepts only. A dict: ``result`` (None when no fit is
    usable), ``model``, ``optimizer``, ``re_formula`` (fitted), ``re_reason`` (why the slope was
    dropped before or after fitting; "" otherwise), ``attempts``, ``warnings``, ``last`` (the last
    result tried)."""
    candidates = [re_formula] if _intercept_only(re_formula) else [re_formula, "1"]
    attempts, first_model, last, reason = [], None, None, ""
    if not _intercept_only(re_formula):
        reason = _slope_unsupported(data, time)
        if reason:  # not estimable: not fitted at all
            attempts.append({"re_formula": re_formula, "optimizer": "", "converged": False,
                             "problem": "not fitted: " + reason})
            candidates = ["1"]
    for re in candidates:
        model = _mixedlm(data, formula, re)
        first_model = first_model or model
        result, used, tried, msgs, last_try = _first_usable(model, optimizers, reml)
        attempts += [{"re_formula": re, **a} for a in tried]
        last = last_try if last_try is not None else last
        if result is not None and not _intercept_only(re):
            singular = _singular(result)
            if singular:  # a boundary fit: the random-intercept model is the honest one
                attempts[-1] = {**attempts[-1], "converged": False, "problem": singular}
                reason, result = singular, None
                continue
        if result is not None:
            return {"result": result, "model": model, "optimizer": used, "re_formula": re,
                    "re_reason": reason, "singular": reason.startswith(_SINGULAR),
                    "attempts": attempts, "warnings": msgs, "last": result}
    return {"result": None, "model": first_model, "optimizer": "", "re_formula": re_formula,
            "re_reason": reason, "singular": False, "attempts": attempts, "warnings": [], "last": last}


def _slope_unsupported(data: pd.DataFrame, time: str) -> str:
    """Why the data cannot carry a random slope of *time* ("" when they can)."""
    points = data.groupby("client")[time].nunique()
    enough = int((points >= SLOPE_MIN_POINTS).sum())
    if enough >= SLOPE_MIN_PEOPLE and 2 * enough >= len(points):
        return ""
    what = {"week": "weeks", "study_day": "study days", "prompt": "prompts"}.get(time, time)
    return (f"a random slope needs at least {SLOPE_MIN_POINTS} {what} in at least {SLOPE_MIN_PEOPLE} "
            f"people and in at least half of them, and {enough} of {len(points)} people have "
            f"{SLOPE_MIN_POINTS} or more ({what} per person: median {points.median():g}, at most "
            f"{points.max()})")


_SINGULAR = "the fit with a random slope is singular"


def _singular(result) -> str:
    """Why a random-slope fit is singular, as lme4's ``isSingular`` says ("" when it is not)."""
    cov = np.asarray(result.cov_re, dtype="float64")
    scale = float(result.scale)
    try:
        low = np.abs(np.diag(np.linalg.cholesky(cov / scale)))
    except np.linalg.LinAlgError:
        low = np.zeros(1)
    if np.isfinite(low).all() and low.min() >= SINGULAR_TOL:
        return ""
    sd = np.sqrt(np.clip(np.diag(cov), 0, None))
    with np.errstate(invalid="ignore", divide="ignore"):
        r = cov[0, 1] / (sd[0] * sd[1]) if cov.shape == (2, 2) else np.nan
    corr = f", correlation {r:.2f}" if np.isfinite(r) else ""
    return (f"{_SINGULAR} (random-effect SDs "
            f"{', '.join(f'{v:.3g}' for v in sd)}{corr}; residual SD {np.sqrt(scale):.3g}): the data "
            "do not tell the people's slopes apart, so the slope variance is on its boundary")


def _mixedlm(data: pd.DataFrame, formula: str, re_formula: str):
    """The statsmodels MixedLM of *formula* with random effects *re_formula* per client."""
    import statsmodels.formula.api as smf

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return smf.mixedlm(formula, data=data, groups=data["client"], re_formula=re_formula)


def _first_usable(model, optimizers, reml: bool):
    """The first usable fit over *optimizers*: (result or None, optimiser, attempts, the fit's
    warnings, the last result tried)."""
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    attempts, start, last = [], None, None
    for opt in optimizers:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                res = model.fit(method=opt, reml=reml, start_params=start)
            except (np.linalg.LinAlgError, ValueError, FloatingPointError, ZeroDivisionError) as exc:
                attempts.append({"optimizer": opt, "converged": False,
                                 "problem": f"{type(exc).__name__}: {exc}"})
                continue
            msgs = [str(w.message) for w in caught if issubclass(w.category, ConvergenceWarning)]
            problem = _fit_problem(res, msgs)
        last = res
        attempts.append({"optimizer": opt, "converged": problem is None, "problem": problem or ""})
        if problem is None:
            return res, opt, attempts, list(dict.fromkeys(msgs)), res
        # after a fit that stopped early, the next optimiser starts where it stopped (as statsmodels
        # does); after one that converged to a point that is not a maximum, it starts afresh
        packed = getattr(res, "params_object", None)
        start = packed if packed is not None and not bool(res.converged) and np.isfinite(
            np.asarray(packed.get_packed(use_sqrt=False, has_fe=True), dtype="float64")).all() else None
    return None, "", attempts, [], last


def _intercept_only(re_formula: str) -> bool:
    """Whether *re_formula* is random intercepts only."""
    return re_formula.replace(" ", "").lstrip("~") in ("1", "")


def _report_fit(fit: dict, data: pd.DataFrame, formula: str, re_formula: str, errors: str,
                unit: str = "week") -> list[str]:
    """Notes on the fit in words; a TrajectoryWarning (or ConvergenceError) when the random effects
    were simplified or no fit is usable. Sets ``fit["re_reason"]`` when the slope was dropped."""
    where = f"{data['client'].nunique()} clients, {len(data)} client-{unit}s"
    more = {"week": "log more weeks per client (3 or more for a random slope, 2 or more for random "
                    "intercepts), model study days instead of weeks (unit='day')",
            "day": "log more days per client (3 or more for a random slope, 2 or more for random "
                   "intercepts)",
            "prompt": "log more prompts per client (3 or more for a random slope, 2 or more for random "
                      "intercepts)"}[unit]
    att = fit["attempts"]
    listing = "\n".join(f"  {a['re_formula']} {a['optimizer']}: {a['problem']}" for a in att)
    if fit["result"] is None:
        tried = " and then random intercepts only" if not _intercept_only(re_formula) else ""
        message = (
            f"the mixed model {formula} (random effects {re_formula} per client{tried}; {where}) "
            "could not be fitted: no optimiser gave a converged fit with a positive definite "
            f"Hessian and finite standard errors:\n{listing}\nThe estimates are left missing (NaN) and "
            f"converged is False. What to do: {more}, add clients, or drop covariates; or compare the "
            "arms on one number per client (ba.compare_groups on ba.client_summary).")
        if errors == "raise":
            raise ConvergenceError(message.replace("The estimates are left missing (NaN) and converged "
                                                   "is False. ", ""),
                                   attempts=AttrsFrame(pd.DataFrame(att, columns=_ATTEMPT_COLUMNS)))
        warnings.warn(message, TrajectoryWarning, stacklevel=3)
        return [f"No usable fit ({where}); estimates left missing. See attrs['attempts']."]
    if fit["re_formula"] == re_formula:
        return []
    assumes = (f"It assumes that clients differ in level but not in their change per {unit} beyond the "
               f"fixed effects, so the standard errors of the {TIME_UNITS[unit]} terms are too small if "
               "clients' slopes really differ.")
    if fit["re_reason"]:
        hint = (" With unit='day' each client's study days are the time points."
                if unit == "week" and "not fitted" in att[0]["problem"] else "")
        note = (f"The random effects {re_formula} per client were not used ({where}): "
                f"{fit['re_reason']}. The model was fitted with random intercepts only (re_formula='1'). "
                f"{assumes}{hint}")
    else:
        problems = [a["problem"] for a in att if a["re_formula"] == re_formula]
        why = next((p for p in problems if "Hessian" in p), problems[-1])
        fit["re_reason"] = f"no optimiser gave a usable fit with the random slope ({why})"
        note = (f"The random effects {re_formula} per client could not be fitted ({where}; for example: "
                f"{why}); the model was refitted with random intercepts only (re_formula='1'). {assumes}")
    if fit["singular"]:  # the data put the slope variance at 0: a note, as lme4 gives a message
        return [f"The random effects {re_formula} per client were not used ({where}): {fit['re_reason']}. "
                "The model was fitted with random intercepts only (re_formula='1'), which is what the "
                "data support."]
    warnings.warn(note, TrajectoryWarning, stacklevel=3)
    return [note]


def _fixed_effects(model, result, ci: float, unit: str = "week") -> pd.DataFrame:
    """One row per fixed effect: term, estimate, se, t interval and p on between-within df, df,
    df_method (all missing when *result* is None)."""
    names = list(model.exog_names)
    df, method = _between_within_df(model, result, unit)
    if result is None:
        est = se = np.full(len(names), np.nan)
    else:
        est = np.asarray(result.fe_params, dtype="float64")
        se = np.asarray(result.bse_fe, dtype="float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        half = _st.t.ppf(0.5 + ci / 2, df) * se
        p = 2 * _st.t.sf(np.abs(est / se), df)
    return pd.DataFrame({
        "term": pd.Index(names).astype("str"), "estimate": est, "se": se,
        "ci_low": est - half, "ci_high": est + half, "p": p, "df": df, "df_method": method,
    })


def _between_within_df(model, result, unit: str = "week") -> tuple[np.ndarray, list[str]]:
    """Per fixed effect: its between-within degrees of freedom (NaN when none) and how they were
    counted (see :func:`trajectory`, Notes)."""
    x = np.asarray(model.exog, dtype="float64")
    if result is None:
        return np.full(x.shape[1], np.nan), ["none: the model could not be fitted"] * x.shape[1]
    z = np.asarray(model.exog_re, dtype="float64")
    rows = [np.asarray(model.row_indices[g]) for g in model.group_labels]
    tol = 1e-9 * max(1.0, float(np.abs(x).max()))
    resid, z_rank, full_rank, between = np.empty_like(x), 0, 0, np.ones(x.shape[1], dtype=bool)
    for r in rows:
        coef = np.linalg.lstsq(z[r], x[r], rcond=None)[0]
        resid[r] = x[r] - z[r] @ coef
        rank = int(np.linalg.matrix_rank(z[r]))
        z_rank, full_rank = z_rank + rank, full_rank + (rank == z.shape[1])
        between &= np.ptp(x[r], axis=0) <= tol
    slope = ~between & (np.abs(resid) <= tol).all(axis=0)
    within = ~between & ~slope
    firsts = x[[r[0] for r in rows]][:, between]
    counts = {
        "between": (len(rows) - _rank(firsts), "between-within: clients - between-client terms"),
        "slope": (full_rank - int(slope.sum()), "containment: clients with a slope - random-slope terms"),
        "within": (len(x) - z_rank - _rank(resid[:, within]),
                   f"between-within: client-{unit}s - random effects - within-client terms"),
    }
    kinds = np.where(between, "between", np.where(slope, "slope", "within"))
    df = np.array([counts[k][0] for k in kinds], dtype="float64")
    method = [counts[k][1] if counts[k][0] > 0 else counts[k][1] + ": none left" for k in kinds]
    return np.where(df > 0, df, np.nan), method


def _rank(m: np.ndarray) -> int:
    """The rank of a matrix (0 when it has no columns)."""
    return int(np.linalg.matrix_rank(m)) if m.size else 0


def _q(name: str) -> str:
    """A column name as a formula term (quoted with Q() unless it is an identifier)."""
    return name if name.isidentifier() else f"Q({name!r})"


def _fit_problem(res, msgs: list[str]) -> str | None:
    """Why a fit is not usable, or None."""
    failed = [m for m in msgs if "failed" in m.lower() or "retrying" in m.lower()]
    if not bool(getattr(res, "converged", False)):
        return "did not converge" + (f" ({failed[-1]})" if failed else "")
    if failed:
        return failed[-1]
    fe = np.asarray(res.fe_params, dtype="float64")
    se = np.asarray(res.bse_fe, dtype="float64")
    if not np.isfinite(fe).all():
        return "fixed effects are not finite"
    cov = np.asarray(res.cov_params(), dtype="float64")
    eig = np.linalg.eigvalsh(cov) if np.isfinite(cov).all() else np.array([np.nan])
    if not (np.isfinite(eig).all() and eig.min() > 1e-12 * np.abs(eig).max()):
        return (f"the Hessian is not positive definite (the estimates' covariance has eigenvalues from "
                f"{eig.min():.3g} to {eig.max():.3g}): the optimum is not a proper maximum")
    if not (np.isfinite(se).all() and (se > 0).all()):
        return "standard errors are not finite"
    return None


def _model_data(cohort, group, value, roster, covariates, weeks, unit="week", day_starts=None):
    """Client-period rows with the value, group and covariates; which covariates vary within clients."""
    time = TIME_UNITS[unit]
    if not isinstance(cohort, pd.DataFrame):
        raise TypeError(f"trajectory takes a cohort (tidy log) or a weekly frame, not {type(cohort).__name__}")
    is_log = {"entry", "start", "source"} <= set(cohort.columns)
    if is_log:
        r = roster_for(cohort, roster)
        roster_cols = set(r.columns) if r is not None else set()
        measures = [value] + [c for c in covariates if c not in roster_cols]
        data = weekly(cohort, measures, roster=r, unit=unit, day_starts=day_starts)
        if group not in data.columns:
            per_client = _per_client_column(cohort, group)
            data[group] = data["client"].map(per_client)
    else:
        made = cohort.attrs.get("time_unit")
        if made is not None and made != unit:
            raise ValueError(f"trajectory: this frame has one row per client and {made} (weekly(..., "
                             f"unit={made!r})); pass unit={made!r}")
        data = cohort.copy()
        data.attrs = {}
        if roster is not None:
            r = roster_for(cohort, roster)
            data = data.merge(r[[c for c in r.columns if c not in data.columns or c == "client"]],
                              on="client", how="left")
    missing = [c for c in ["client", time, group, value, *covariates] if c not in data.columns]
    if missing:
        raise ValueError(f"trajectory: no column(s) {missing}; pass a roster with the group column "
                         f"(roster=...), or a frame from weekly(..., unit={unit!r}) that has them")
    if weeks is not None:
        if "week" not in data.columns:
            raise ValueError("trajectory: weeks= needs a week column (weekly() gives one in every unit)")
        wanted = {int(w) for w in weeks}
        data = data[data["week"].isin(wanted)]
    cols = ["client", time, group, value, *covariates]
    data = data[list(dict.fromkeys(cols))].dropna().reset_index(drop=True)
    if data.duplicated(["client", time]).any():
        raise ValueError(f"trajectory: several rows for one client and {time}; the frame must have one row "
                         f"per client and {unit} (a frame of study days or prompts needs unit='day' or "
                         "unit='prompt')")
    data["client"] = data["client"].astype("str")
    if data.empty:
        raise ValueError(f"trajectory: no client-{unit} has the value, the group and the covariates")
    if data[time].nunique() < 2:
        hint = (" (a study of 7 days or less is one week per person: model its study days with "
                "unit='day', or its prompts with unit='prompt')" if unit == "week" else "")
        raise ValueError(f"trajectory: every client-{unit} used is the same {unit}; a trajectory needs at "
                         f"least two different {unit}s{hint}")
    if data[value].nunique() < 2:
        raise ValueError(f"trajectory: {value!r} takes a single value in every client-{unit}; there is "
                         "no trajectory to model")
    varying = set()
    for c in covariates:
        if not pd.api.types.is_numeric_dtype(data[c].dtype):
            raise ValueError(f"covariate {c!r} is not numeric")
        if (data.groupby("client")[c].nunique() > 1).any():
            varying.add(c)
    if (data.groupby("client")[group].nunique() > 1).any():
        raise ValueError(f"{group!r} changes within a client; the group must be one value per client")
    return data, varying


def _per_client_column(cohort: pd.DataFrame, group: str) -> pd.Series:
    """The one value of *group* per client (NaN when none); ValueError when it changes."""
    if group not in cohort.columns:
        raise ValueError(f"trajectory: no {group!r} column; pass the roster (roster=...) that holds it")
    per = cohort.groupby("client")[group].agg(lambda s: s.dropna().unique())
    if (per.map(len) > 1).any():
        raise ValueError(f"{group!r} changes within a client; the group must be one value per client")
    return per.map(lambda a: a[0] if len(a) else np.nan)


def _levels(col: pd.Series, reference) -> list:
    """The groups as text, the reference first (default: the first category, or sorted)."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        levels = [str(c) for c in col.cat.categories if (col == c).any()]
    else:
        levels = sorted(col.astype("str").unique())
    if len(levels) < 2:
        raise ValueError(f"trajectory needs at least two groups; found {levels}")
    if reference is not None:
        if str(reference) not in levels:
            raise ValueError(f"reference={reference!r} is not a group; groups are {levels}")
        levels.remove(str(reference))
        levels.insert(0, str(reference))
    return levels


# =========================================================================== the figure


def plot_trajectory(weekly_or_cohort: pd.DataFrame, group: str = "arm", value: str = "mood", ax=None, *,
                    roster=None, ci: float = 0.95, clients: bool = True, title: str | None = None,
                    unit: str = "week", day_starts=None):
    """Mean trajectories by arm with confidence bands, client lines faintly behind.

    Parameters
    ----------
    weekly_or_cohort : DataFrame
        A cohort's tidy log (made weekly with :func:`weekly`) or a
        :func:`weekly` frame.
    group, value : str, default "arm", "mood"
        The arm column and the weekly measure.
    ax : matplotlib Axes, optional
        Where to draw; a new figure otherwise.
    roster : optional
        As in :func:`weekly`.
    ci : float, default 0.95
        Level of the bands (t-interval of the client means in each week).
    clients : bool, default True
        Draw each client's weekly values as a thin line.
    title : str, optional
        Default: the measure by group over weeks, and what the band shows.
    unit : {"week", "day", "prompt"}, default "week"
        The time axis: weeks, study days or prompts (see :func:`weekly`).
    day_starts : str, int, datetime.time or None, default None
        When a study day starts ("04:00"), for a tidy log (see :func:`weekly`).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import bactivate as ba
    >>> log, roster = ba.synth.cohort(n_clients=6, weeks=4, seed=1)
    >>> ax = plot_trajectory(log, roster=roster)
    >>> ax.get_xlabel(), ax.get_ylabel(), [t.get_text() for t in ax.get_legend().get_texts()]
    ('Week', 'Mood (0-10)', ['BA (n=3)', 'control (n=3)'])
    >>> plt.close("all")
    """
    import matplotlib.pyplot as plt
    import seaborn as sns
    from matplotlib.collections import LineCollection
    from matplotlib.ticker import MaxNLocator

    time = TIME_UNITS[time_unit(unit)]
    data = weekly_or_cohort
    if {"entry", "start", "source"} <= set(data.columns):
        data = weekly(data, value, roster=roster, unit=unit, day_starts=day_starts)
        if group not in data.columns and group in weekly_or_cohort.columns:
            data[group] = data["client"].map(_per_client_column(weekly_or_cohort, group))
    missing = [c for c in ("client", time, group, value) if c not in data.columns]
    if missing:
        raise ValueError(f"plot_trajectory: no column(s) {missing}; pass roster= with the group column "
                         f"(and unit= matching the frame)")
    data = data[["client", time, group, value]].rename(columns={time: "week"}).dropna()
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4.5))
    levels = _levels(data[group], None) if data[group].nunique() > 1 else [str(data[group].iloc[0])]
    data = data.assign(**{group: data[group].astype("str")})
    colours = dict(zip(levels, sns.color_palette("colorblind", len(levels)), strict=True))
    if clients:
        for lev in levels:
            sub = data[data[group] == lev].sort_values(["client", "week"])
            segs = [g[["week", value]].to_numpy(dtype="float64") for _, g in sub.groupby("client", sort=False)]
            ax.add_collection(LineCollection(segs, colors=[colours[lev]], alpha=0.15, linewidths=0.8,
                                             zorder=1))
    means = grouped_mean_ci(data, [group, "week"], value, ci=ci, prefix="m").reset_index()
    for lev in levels:
        m = means[means[group] == lev].sort_values("week")
        n = data.loc[data[group] == lev, "client"].nunique()
        ax.fill_between(m["week"], m["m_ci_low"], m["m_ci_high"], color=colours[lev], alpha=0.25,
                        linewidth=0, zorder=2)
        ax.plot(m["week"], m["m_mean"], color=colours[lev], marker="o", lw=2.2, zorder=3,
                label=f"{escape.label(lev)} (n={n})")
    label = _LABELS.get(value, value.replace("_", " ").capitalize())
    ax.set_xlabel(_AXIS[unit])
    ax.set_ylabel(label)
    if value in RATINGS:
        ax.set_ylim(0, 10)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.autoscale_view(scalex=True, scaley=value not in RATINGS)
    ax.set_title(title or f"{label.split(' (')[0]} by {group} over {_AXIS[unit].lower()}s\n"
                 f"(mean with {ci:.0%} CI; thin lines: individual clients)", fontsize=11)
    ax.legend(title=escape.label(group), frameon=False)
    ax.grid(alpha=0.3)
    return ax
