"""Within-person activity effects in experience-sampling (ESM) cohorts, and the ICC of mood.

:func:`activity_effects` asks, for each activity, the two questions an ESM paper
answers: *at the prompts when people do this, is their mood higher than their own
usual mood* (the **within-person** effect), and *do people who do this more often
have a higher mood in general* (the **between-person** effect). It fits one linear
mixed model per activity (statsmodels ``MixedLM``, REML) on one row per prompt, with
the activity's 0/1 indicator split by person-mean centring, a random intercept per
person (and a random slope when asked and estimable), optional time-of-day and lagged
mood terms, and Benjamini-Hochberg q-values over the activities. :func:`icc` is the
intraclass correlation of the random-intercept null model: the share of the variance
of mood that lies between people. :func:`esm_study` makes a study with known effects.

>>> study = esm_study(n_people=30, days=7, prompts=5, seed=3)
>>> fit = activity_effects(study)
>>> fit["activity"].tolist(), int(fit["n_people"].iloc[0]), int(fit["n_prompts"].iloc[0])
(['Exercise', 'Screens', 'Socialising', 'Something else'], 30, 1050)
>>> fit.set_index("activity")[["within", "between"]].loc["Exercise"].round(2).tolist()
[0.75, 1.41]
>>> round(float(icc(study)["icc"].iloc[0]), 2)
0.31

statsmodels and scipy's statistics are imported on first use (``bactivate.lazy.Lazy``).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from bactivate.lazy import Lazy
from bactivate.schema import TIDY_COLUMNS, conform, source_scale, to_source
from bactivate.stats import bh

__all__ = ["activity_effects", "esm_study", "icc"]

_st = Lazy("scipy.stats")
_mlm = Lazy("statsmodels.regression.mixed_linear_model")
_sm_exceptions = Lazy("statsmodels.tools.sm_exceptions")

#: A random slope of the within part is tried only when at least this many people both did
#: and did not do the activity (a variance is not estimable from a handful of people).
SLOPE_MIN_PEOPLE = 10
#: Optimisers tried in turn (statsmodels' default sequence first, then two without gradients).
_METHODS: tuple = (None, "nm", "powell")
#: The output's columns, in order.
_COLUMNS = ["activity", "within", "within_ci_low", "within_ci_high", "within_se", "within_p",
            "within_q", "between", "between_ci_low", "between_ci_high", "between_se", "between_p",
            "between_q", "n_people", "n_prompts", "n_people_with", "n_people_varying",
            "n_prompts_with", "random_slope", "note"]


# =========================================================================== the prompts


def _prompts(cohort: pd.DataFrame, value: str, by: str):
    """One row per prompt (client, entry): ``client``, ``start``, the entry's *value* (mean over
    its rows), ``recorded`` (some *by* value was given); and the 0/1 indicator matrix (prompts x
    levels of *by*, rows of planned-and-skipped activities left out) with the levels."""
    for col in ("client", "entry", "start", value, by):
        if col not in cohort.columns:
            raise ValueError(f"the cohort has no {col!r} column; pass a cohort as "
                             "bactivate.read_cohort returns it (columns in DESIGN.md section 1)")
    if not pd.api.types.is_numeric_dtype(cohort[value]):
        raise ValueError(f"value={value!r} is not a numeric column (dtype {cohort[value].dtype})")
    people = cohort["client"].dropna().unique()
    if len(people) < 2:
        who = f"one client, {str(people[0])!r}" if len(people) else "no client"
        raise ValueError(
            f"a within-person model needs several people; this frame holds {who}. For one person, "
            "use ba.mood_by_activity(log) (days or entries with and without each activity); for a "
            "cohort, pass the frame from ba.read_cohort with a 'client' column naming each person.")
    keys = cohort[["client", "entry"]]
    group = keys.groupby(["client", "entry"], sort=True, observed=True)
    code = group.ngroup().to_numpy()
    first = cohort.groupby(code, sort=True)
    prompts = pd.DataFrame({
        "client": first["client"].first().astype("str"),
        "entry": first["entry"].first().astype("int64"),
        "start": first["start"].min(),
        value: first[value].mean().astype("float64"),
    }).reset_index(drop=True)
    levels = pd.Categorical(cohort[by].astype("str").where(cohort[by].notna()))
    by_code = np.asarray(levels.codes)
    named = by_code >= 0
    recorded = np.zeros(len(prompts), dtype=bool)
    recorded[code[named]] = True
    prompts["recorded"] = recorded
    skipped = cohort["done"].eq(False).to_numpy(dtype=bool, na_value=False) if "done" in cohort else (
        np.zeros(len(cohort), dtype=bool))
    did = named & ~skipped
    x = np.zeros((len(prompts), len(levels.categories)), dtype="float64")
    x[code[did], by_code[did]] = 1.0
    return prompts, x, [str(c) for c in levels.categories]


def _model_rows(prompts: pd.DataFrame, value: str, time_of_day: bool, lagged: bool):
    """Which prompts enter the model (a boolean mask), the extra columns (time-of-day, lag), and
    what was left out, in counts."""
    prompts = prompts.sort_values(["client", "start", "entry"], kind="stable")
    order = prompts.index.to_numpy()
    has_value = prompts[value].notna().to_numpy()
    extra = {}
    if time_of_day:
        t = prompts["start"]
        hours = (t - t.dt.normalize()) / pd.Timedelta(hours=1)
        extra["tod_sin"] = np.sin(2 * np.pi * hours.to_numpy(dtype="float64") / 24)
        extra["tod_cos"] = np.cos(2 * np.pi * hours.to_numpy(dtype="float64") / 24)
    keep = has_value & prompts["recorded"].to_numpy()
    counts = {"prompts": int(len(prompts)), "no_value": int((~has_value).sum()),
              "no_activity": int((has_value & ~prompts["recorded"].to_numpy()).sum())}
    if lagged:
        # the previous answered prompt of the same person on the same calendar day
        answered = prompts[prompts[value].notna()]
        day = answered["start"].dt.normalize()
        prev = answered[value].groupby([answered["client"], day], sort=False).shift(1)
        lag = prev.reindex(prompts.index).to_numpy(dtype="float64", na_value=np.nan)
        counts["no_lag"] = int((keep & np.isnan(lag)).sum())
        keep &= ~np.isnan(lag)
        extra["lag"] = lag
    return order, keep, extra, counts


# =========================================================================== the model


def _centre(x: np.ndarray, person: np.ndarray, n_people: int):
    """Person-mean centring: (within part, between part grand-mean centred, person means)."""
    sums = np.bincount(person, weights=x, minlength=n_people)
    counts = np.bincount(person, minlength=n_people)
    means = sums / counts
    return x - means[person], means[person] - means.mean(), means


def _problem(res, msgs: list[str]) -> str | None:
    """Why a fit is not usable (did not converge, a Hessian that is not positive definite,
    standard errors that are not finite), or None."""
    if not bool(getattr(res, "converged", False)):
        return "did not converge"
    failed = [m for m in msgs if "failed" in m.lower() or "retrying" in m.lower()]
    if failed:
        return failed[-1]
    cov = np.asarray(res.cov_params(), dtype="float64")
    if not np.isfinite(cov).all():
        return "the covariance of the estimates is not finite"
    eig = np.linalg.eigvalsh(cov)
    if eig.min() <= 1e-12 * np.abs(eig).max():
        return "the Hessian is not positive definite (the optimum is not a proper maximum)"
    se = np.asarray(res.bse_fe, dtype="float64")
    if not (np.isfinite(se).all() and (se > 0).all()):
        return "standard errors are not finite"
    return None


def _fit(y, exog: pd.DataFrame, groups, exog_re):
    """The first usable REML fit over the optimisers, or (None, why)."""
    why = "no optimiser gave a usable fit"
    for method in _METHODS:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                model = _mlm.MixedLM(y, exog, groups, exog_re=exog_re)
                res = model.fit(reml=True) if method is None else model.fit(reml=True, method=method)
            except (np.linalg.LinAlgError, ValueError, FloatingPointError, ZeroDivisionError) as exc:
                why = f"{type(exc).__name__}: {exc}"
                continue
        msgs = [str(w.message) for w in caught
                if issubclass(w.category, _sm_exceptions.ConvergenceWarning)]
        problem = _problem(res, msgs)
        if problem is None:
            return res, ""
        why = problem
    return None, why


def _one(y, x, person, n_people, extra, random_slopes, alpha):
    """Estimates for one activity: a dict of the output's columns (without the q-values)."""
    within, between, means = _centre(x, person, n_people)
    varying = int(((means > 0) & (means < 1)).sum())
    terms = {"const": np.ones_like(y), "within": within}
    if np.ptp(means) > 0:
        terms["between"] = between
    terms.update(extra)
    exog = pd.DataFrame(terms)
    notes, slope = [], False
    res = None
    if random_slopes:
        if varying < SLOPE_MIN_PEOPLE:
            notes.append(f"random slope dropped: {varying} people both did and did not do it "
                         f"(at least {SLOPE_MIN_PEOPLE} needed)")
        else:
            res, why = _fit(y, exog, person, np.column_stack([np.ones_like(y), within]))
            if res is None:
                notes.append(f"random slope dropped: {why}; random intercept only")
            slope = res is not None
    if res is None:
        res, why = _fit(y, exog, person, np.ones((len(y), 1)))
        if res is None:
            notes.append(f"not fitted: {why}")
    out = {"random_slope": slope}
    n_within = 1 + len(extra)
    df_within = (varying - 1) if slope else (len(y) - n_people - n_within)
    df_between = n_people - 2
    for term, df in (("within", df_within), ("between", df_between)):
        est = se = p = lo = hi = np.nan
        if res is not None and term in exog.columns and df > 0:
            est = float(res.fe_params[term])
            se = float(res.bse_fe[term])
            half = float(_st.t.ppf(1 - alpha / 2, df)) * se
            lo, hi = est - half, est + half
            p = float(2 * _st.t.sf(abs(est / se), df))
        out.update({term: est, f"{term}_ci_low": lo, f"{term}_ci_high": hi, f"{term}_se": se,
                    f"{term}_p": p, f"{term}_df": float(df)})
    if res is not None and "between" not in exog.columns:
        notes.append("between not estimable: every person did it equally often")
    out["n_people_varying"] = varying
    out["note"] = "; ".join(notes)
    return out


def _source_factor(cohort: pd.DataFrame, value: str, scale) -> float:
    """The factor that turns a difference on 0-10 into one on *value*'s source scale."""
    if scale is None:
        return 1.0
    if scale != "source":
        raise ValueError(f"scale must be None (0-10) or 'source', not {scale!r}")
    return float(to_source(1.0, source_scale(cohort.attrs.get("scales"), value), difference=True))


# =========================================================================== public


def activity_effects(cohort: pd.DataFrame, value: str = "mood", by: str = "activity", *,
                     min_people: int = 5, min_prompts: int = 10, random_slopes: bool = False,
                     time_of_day: bool = False, lagged: bool = False, ci: float = 0.95,
                     scale=None) -> pd.DataFrame:
    """Within- and between-person effects of each activity on mood: one mixed model per activity.

    The unit is the prompt (the entry). A tidy log holds an entry with three activities as
    three rows sharing ``client``, ``entry``, ``start`` and ``mood``; they are collapsed to one
    row per prompt with a 0/1 indicator per activity. For each activity, the indicator ``x`` is
    split into

    * **within** = ``x`` minus the person's own share of prompts with the activity
      (person-mean centring). Its coefficient answers: *at the prompts when a person does
      this, how much higher (or lower) is their mood than at their other prompts?* It compares
      each person with themselves, so stable differences between people (personality, diagnosis,
      how they use the scale) cannot explain it.
    * **between** = the person's share of prompts with the activity, minus the average of those
      shares over people (grand-mean centring). Its coefficient answers: *do people who do this
      more often have a higher mood overall?* (per unit of share: someone who does it at every
      prompt against someone who never does). It compares people, so anything that differs
      between people can explain it.

    and the model (statsmodels ``MixedLM``, REML) is::

        value ~ within + between [+ tod_sin + tod_cos] [+ lag]
        random intercept per person [+ random slope of within]

    Parameters
    ----------
    cohort : DataFrame
        A cohort's tidy log, as :func:`bactivate.read_cohort` returns it (several clients).
    value : str, default "mood"
        The rating to model, one per entry (the mean over the entry's rows; for mood they are
        equal). Prompts without it are left out (counted in ``attrs["excluded"]``).
    by : str, default "activity"
        The column whose values become indicators: ``"activity"`` or ``"category"``.
        Planned activities that were skipped (``done`` False) do not count as done. Prompts
        with no *by* value at all are left out (the activity is unknown, not absent).
    min_people : int, default 5
        An activity is modelled only when at least this many people did it at some but not all
        of their prompts (only they carry a within-person contrast).
    min_prompts : int, default 10
        ... and it was done at least this many times (prompts) in the model's rows.
    random_slopes : bool, default False
        Also a random slope of ``within`` per person (people differ in how much the activity
        goes with their mood). Fitted only when at least ``SLOPE_MIN_PEOPLE`` (10) people vary
        in the activity and the fit is usable (converged, positive definite Hessian); otherwise
        random intercepts only, with the reason in ``note``.
    time_of_day : bool, default False
        Adds a daily cycle: ``tod_sin``, ``tod_cos`` = sin and cos of 2 pi hour / 24 of the
        prompt (one smooth cycle a day, two terms), so that activities tied to a time of day
        are not credited with the time of day's mood.
    lagged : bool, default False
        Adds ``lag``: the value at the person's previous answered prompt on the same calendar
        day, centred on the person's mean of it (its within part). The first prompt of each day
        has no lag and is left out of every model (counted in ``attrs["excluded"]``).
    ci : float, default 0.95
        Level of the intervals.
    scale : {None, "source"}, default None
        None: estimates on the tidy 0-10 scale. ``"source"``: on the scale the value was read
        from (``cohort.attrs["scales"][value]``, e.g. 1-7; a reversed scale flips signs).

    Returns
    -------
    DataFrame
        One row per level of *by* (sorted by name):

        * ``activity`` (str): the activity (the column is named after *by*: ``category`` with
          ``by="category"``).
        * ``within``, ``within_ci_low``, ``within_ci_high``, ``within_se``, ``within_p``: the
          within-person effect (difference in mood at prompts with the activity against the
          person's prompts without it), its interval, standard error and two-sided p (t test).
        * ``within_q``: Benjamini-Hochberg q over the activities modelled.
        * ``between``, ``between_ci_low``, ``between_ci_high``, ``between_se``, ``between_p``,
          ``between_q``: the same for the between-person effect.
        * ``n_people``, ``n_prompts`` (int): people and prompts in the model.
        * ``n_people_with`` (int): people who did it at least once; ``n_people_varying``: people
          who did it at some but not all prompts; ``n_prompts_with``: prompts with it.
        * ``random_slope`` (bool): the fit used has a random slope of ``within``.
        * ``note`` (str): why an activity was not modelled, why a random slope was dropped,
          or "" when nothing is to be said.

        ``attrs``: ``method`` (the method in words, for a paper), ``formula``, ``value``,
        ``by``, ``ci_level``, ``scale`` ("0-10" or the source scale), ``excluded`` (counts of
        the prompts left out, and why), ``n_people``, ``n_prompts``, ``df`` (per row: the
        degrees of freedom of the two t tests, as a frame).

    Raises
    ------
    ValueError
        On a frame with one client (use :func:`bactivate.mood_by_activity`), a missing or
        non-numeric *value* column, a bad *ci* or *scale*.

    See Also
    --------
    icc : the share of the variance of mood that lies between people.
    bactivate.mood_by_activity : one person's days with and without each activity.

    Notes
    -----
    Each activity is modelled on its own: its estimates are not adjusted for the other
    activities (an activity usually done with another carries some of the other's effect).
    Tests are t tests: the between term on n_people - 2 degrees of freedom, the within term
    on n_prompts - n_people - (within terms) (with a random slope: the people who vary in the
    activity minus 1), the between-within rule of SAS PROC MIXED (Schluchter & Elashoff, 1990).
    Person-mean centring follows Enders & Tofighi (2007) and Curran & Bauer (2011); the model
    ignores autocorrelation of prompts beyond the optional lag. q-values: Benjamini & Hochberg
    (1995) over the activities modelled, separately for within and between.

    Examples
    --------
    >>> study = esm_study(n_people=30, days=7, prompts=5, seed=1)
    >>> study.attrs["truth"]["activities"]["Exercise"]
    {'within': 1.0, 'between': 2.0}
    >>> fit = activity_effects(study)
    >>> row = fit.set_index("activity").loc["Exercise"]
    >>> row[["within", "within_ci_low", "within_ci_high"]].astype(float).round(2).tolist()
    [0.98, 0.79, 1.18]
    >>> row[["between", "between_ci_low", "between_ci_high"]].astype(float).round(2).tolist()
    [0.73, -1.41, 2.87]
    >>> fit.attrs["formula"]
    'mood ~ within + between, random intercept per client (REML)'
    """
    if not 0 < ci < 1:
        raise ValueError(f"ci must be between 0 and 1, not {ci!r}")
    factor = _source_factor(cohort, value, scale)
    prompts, x_all, levels = _prompts(cohort, value, by)
    order, keep, extra, excluded = _model_rows(prompts, value, time_of_day, lagged)
    rows = order[keep]
    data = prompts.loc[rows].reset_index(drop=True)
    x_all = x_all[rows]
    person_codes, people = pd.factorize(data["client"], sort=True)
    n_people = len(people)
    y = data[value].to_numpy(dtype="float64")
    extras = {k: v[keep] for k, v in extra.items()}
    if "lag" in extras:
        extras["lag"] = _centre(extras["lag"], person_codes, n_people)[0]
    results = []
    for j, name in enumerate(levels):
        x = x_all[:, j]
        counts = np.bincount(person_codes, weights=x, minlength=n_people)
        sizes = np.bincount(person_codes, minlength=n_people)
        row = {"activity": name, "n_people": n_people, "n_prompts": len(y),
               "n_people_with": int((counts > 0).sum()),
               "n_people_varying": int(((counts > 0) & (counts < sizes)).sum()),
               "n_prompts_with": int(x.sum()), "random_slope": False}
        if row["n_people_varying"] < min_people or row["n_prompts_with"] < min_prompts:
            row["note"] = (f"not modelled: {row['n_people_varying']} people did it at some but not "
                           f"all prompts (min_people={min_people}), {row['n_prompts_with']} prompts "
                           f"with it (min_prompts={min_prompts})")
        elif n_people < 3:
            row["note"] = "not modelled: fewer than 3 people"
        else:
            row.update(_one(y, x, person_codes, n_people, extras, random_slopes, 1 - ci))
        results.append(row)
    table = pd.DataFrame(results)
    for col in _COLUMNS + ["within_df", "between_df"]:
        if col not in table.columns:
            table[col] = np.nan
    table["note"] = table["note"].fillna("").astype("str")
    for term in ("within", "between"):
        table[f"{term}_q"] = bh(table[f"{term}_p"].astype("float64"))
        cols = [term, f"{term}_ci_low", f"{term}_ci_high", f"{term}_se"]
        table[cols] = table[cols].astype("float64") * factor
        if factor < 0:  # a reversed scale: the interval's ends swap
            table[[f"{term}_ci_low", f"{term}_ci_high"]] = table[[f"{term}_ci_high",
                                                                  f"{term}_ci_low"]].to_numpy()
        table[f"{term}_se"] = table[f"{term}_se"].abs()
    dfs = table[["activity", "within_df", "between_df"]].copy()
    table = table[_COLUMNS].astype({
        "activity": "str", "n_people": "int64", "n_prompts": "int64", "n_people_with": "int64",
        "n_people_varying": "int64", "n_prompts_with": "int64", "random_slope": "bool"})
    table = table.sort_values("activity", kind="stable").reset_index(drop=True).rename(
        columns={"activity": by})
    terms = ["within", "between"] + (["tod_sin", "tod_cos"] if time_of_day else []) + (
        ["lag"] if lagged else [])
    slopes = " and a random slope of within (where estimable)" if random_slopes else ""
    formula = f"{value} ~ {' + '.join(terms)}, random intercept{slopes} per client (REML)"
    table.attrs = {
        "formula": formula, "value": value, "by": by, "ci_level": ci,
        "scale": "0-10" if scale is None else tuple(cohort.attrs["scales"][value]),
        "excluded": excluded, "n_people": n_people, "n_prompts": int(len(y)),
        "df": dfs.sort_values("activity").reset_index(drop=True).rename(columns={"activity": by}),
        "method": _method_text(value, by, formula, time_of_day, lagged, random_slopes, excluded,
                               n_people, len(y), ci),
    }
    return table


def _method_text(value, by, formula, time_of_day, lagged, random_slopes, excluded, n_people,
                 n_prompts, ci) -> str:
    """The method paragraph of :func:`activity_effects`, for a paper."""
    left = [f"{excluded['no_value']} without {value}", f"{excluded['no_activity']} without any {by}"]
    if lagged:
        left.append(f"{excluded['no_lag']} first prompts of a day (no lag)")
    parts = [
        f"Unit: the prompt ({n_prompts} prompts of {n_people} people; left out: "
        f"{', '.join(left)}). For each {by}, its 0/1 indicator was split by person-mean centring "
        "into a within-person part (the indicator minus the person's proportion of prompts with "
        f"it) and a between-person part (that proportion, grand-mean centred); {value} was "
        f"modelled as {formula} with statsmodels MixedLM, each {by} in its own model.",
    ]
    if time_of_day:
        parts.append("Time of day entered as sin and cos of 2 pi hour / 24.")
    if lagged:
        parts.append(f"The lag is the person's previous answered {value} on the same calendar day, "
                     "person-mean centred.")
    if random_slopes:
        parts.append(f"A random slope of the within part was fitted when at least {SLOPE_MIN_PEOPLE} "
                     "people varied in the activity and the fit converged with a positive definite "
                     "Hessian; otherwise random intercepts only (see note).")
    parts.append(f"{round(ci * 100)}% intervals and p-values are t-based (between: people - 2 "
                 "degrees of freedom; within: prompts - people - within terms, or with a random "
                 "slope people varying - 1); q-values are Benjamini-Hochberg over the "
                 f"{by} values modelled.")
    return " ".join(parts)


def icc(cohort: pd.DataFrame, value: str = "mood", *, ci: float = 0.95) -> pd.DataFrame:
    """The intraclass correlation of *value*: the share of its variance that lies between people.

    From the random-intercept null model ``value ~ 1 + (1 | client)`` (statsmodels MixedLM,
    REML) fitted to one row per prompt (every entry with a *value*):
    ``icc = var_between / (var_between + var_within)``. An ICC of 0.4 means 40% of the
    variance of mood is stable differences between people, 60% is fluctuation within a person
    from prompt to prompt (what activities can explain within people).

    Parameters
    ----------
    cohort : DataFrame
        A cohort's tidy log (several clients), or any frame with ``client``, ``entry`` and
        *value* columns.
    value : str, default "mood"
    ci : float, default 0.95
        Level of the interval.

    Returns
    -------
    DataFrame
        One row: ``icc``, ``ci_low``, ``ci_high``, ``var_between`` (variance of the person
        intercepts), ``var_within`` (residual variance), ``mean`` (the fixed intercept), ``n_people``,
        ``n_prompts``. ``attrs["method"]`` says how the interval was made.

    Notes
    -----
    The interval is the F-based interval of the one-way random-effects ICC(1) (Searle, 1971;
    McGraw & Wong, 1996), from ``F = MSB / MSW`` of the one-way ANOVA of prompts on people::

        F_L = F / F_{1-a/2}(k-1, N-k),  F_U = F * F_{1-a/2}(N-k, k-1)
        ci = ((F_L - 1) / (F_L + n0 - 1), (F_U - 1) / (F_U + n0 - 1)), cut to [0, 1]

    with ``n0 = (N - sum n_i^2 / N) / (k - 1)``. It is exact for balanced data (every person
    answered equally many prompts), where the REML estimate equals the ANOVA estimate
    ``(F - 1) / (F + n0 - 1)`` when that is positive; with unequal numbers of prompts it is an
    approximation (coverage measured in ``docs/within-person.md``). The estimate is the REML
    one, so for unbalanced data it need not be the centre of the interval.

    Examples
    --------
    >>> study = esm_study(n_people=30, days=7, prompts=5, seed=3, activities={})
    >>> out = icc(study)
    >>> list(out.columns)
    ['icc', 'ci_low', 'ci_high', 'var_between', 'var_within', 'mean', 'n_people', 'n_prompts']
    >>> truth = study.attrs["truth"]
    >>> round(truth["var_between"] / (truth["var_between"] + truth["var_within"]), 3)
    0.308
    >>> out[["icc", "ci_low", "ci_high"]].iloc[0].round(3).tolist()
    [0.297, 0.203, 0.441]
    """
    if not 0 < ci < 1:
        raise ValueError(f"ci must be between 0 and 1, not {ci!r}")
    if "activity" not in cohort.columns:
        cohort = cohort.assign(activity=pd.Series(pd.NA, index=cohort.index, dtype="str"))
    if "start" not in cohort.columns:
        cohort = cohort.assign(start=pd.NaT)
    prompts, _, _ = _prompts(cohort, value, "activity")
    data = prompts[prompts[value].notna()].sort_values(["client", "start", "entry"], kind="stable")
    person, people = pd.factorize(data["client"], sort=True)
    y = data[value].to_numpy(dtype="float64")
    k, n = len(people), len(y)
    if k < 2 or n <= k:
        raise ValueError(f"icc needs several people with several prompts each ({k} people, "
                         f"{n} prompts with {value})")
    res, why = _fit(y, pd.DataFrame({"const": np.ones(n)}), person, np.ones((n, 1)))
    if res is None:
        raise ValueError(f"the null model of {value} could not be fitted: {why}")
    var_b = float(np.asarray(res.cov_re)[0, 0])
    var_w = float(res.scale)
    sizes = np.bincount(person, minlength=k).astype("float64")
    means = np.bincount(person, weights=y, minlength=k) / sizes
    msb = float((sizes * (means - y.mean()) ** 2).sum() / (k - 1))
    msw = float(((y - means[person]) ** 2).sum() / (n - k))
    n0 = (n - (sizes ** 2).sum() / n) / (k - 1)
    alpha = 1 - ci
    f = msb / msw
    f_low = f / _st.f.ppf(1 - alpha / 2, k - 1, n - k)
    f_high = f * _st.f.ppf(1 - alpha / 2, n - k, k - 1)
    low = float(np.clip((f_low - 1) / (f_low + n0 - 1), 0, 1))
    high = float(np.clip((f_high - 1) / (f_high + n0 - 1), 0, 1))
    out = pd.DataFrame({
        "icc": [var_b / (var_b + var_w)], "ci_low": [low], "ci_high": [high],
        "var_between": [var_b], "var_within": [var_w], "mean": [float(res.fe_params.iloc[0])],
        "n_people": [k], "n_prompts": [n],
    })
    out.attrs = {
        "value": value, "ci_level": ci,
        "method": (f"Random-intercept null model {value} ~ 1 + (1 | client), statsmodels MixedLM "
                   f"(REML), one row per prompt ({n} prompts of {k} people); ICC = var_between / "
                   f"(var_between + var_within). {round(ci * 100)}% interval: F-based interval of "
                   "the one-way random-effects ICC(1) (Searle 1971; McGraw & Wong 1996), exact for "
                   "equal prompts per person, approximate (with n0) otherwise."),
    }
    return out


# =========================================================================== a study with known effects


def esm_study(n_people: int = 40, days: int = 14, prompts: int = 6, *, activities=None,
              person_sd: float = 1.0, noise_sd: float = 1.5, slope_sd: float = 0.0,
              tod_amplitude: float = 0.0, answered: float = 1.0, seed=0) -> pd.DataFrame:
    """An experience-sampling study with known within- and between-person effects, as a tidy log.

    Each person has, per activity, a propensity (logistic of a normal around the activity's
    share); at each prompt each activity is done or not (independently), and::

        mood = 5 + u_i + sum_a [b_within_a (x_a - m_ia) + b_between_a (m_ia - mean_i m_ia)]
               + tod_amplitude sin(2 pi hour / 24) + e

    with ``m_ia`` the person's observed share of answered prompts with activity a,
    ``u_i ~ N(0, person_sd^2)``, ``e ~ N(0, noise_sd^2)``, and with ``slope_sd`` > 0 a
    person-specific within effect ``b_within_a + N(0, slope_sd^2)``. A prompt with none of the
    activities is logged as "Something else" (no effect of its own). Moods are not cut to
    0-10, so that the truth holds exactly.

    Parameters
    ----------
    n_people, days, prompts : int
        People, days, prompts a day (from 08:00 to 22:00, a random time in each slot).
    activities : dict, optional
        name -> (b_within, b_between, share); default Exercise (1.0, 2.0, 0.3), Screens
        (-0.5, 0.0, 0.4), Socialising (0.0, 1.0, 0.25). ``{}`` gives mood only.
    person_sd, noise_sd, slope_sd, tod_amplitude : float
    answered : float, default 1.0
        The probability that a prompt is answered (unanswered prompts are not in the log).
    seed : int or numpy Generator

    Returns
    -------
    DataFrame
        A tidy log (DESIGN.md section 1), one row per activity done at a prompt;
        ``attrs["truth"]``: ``activities`` (name -> {"within", "between"}), ``var_between``,
        ``var_within``; ``attrs["scales"]``: mood on 0-10.

    Examples
    --------
    >>> log = esm_study(n_people=3, days=2, prompts=4, seed=1)
    >>> log["client"].unique().tolist(), int(log.groupby("client")["entry"].nunique().iloc[0])
    (['P01', 'P02', 'P03'], 8)
    """
    rng = np.random.default_rng(seed)
    if activities is None:
        activities = {"Exercise": (1.0, 2.0, 0.3), "Screens": (-0.5, 0.0, 0.4),
                      "Socialising": (0.0, 1.0, 0.25)}
    n_prompts = days * prompts
    person = np.repeat(np.arange(n_people), n_prompts)
    day = np.tile(np.repeat(np.arange(days), prompts), n_people)
    slot = np.tile(np.arange(prompts), n_people * days)
    width = 14.0 / prompts
    hours = 8 + slot * width + rng.uniform(0, width, len(person))
    keep = rng.uniform(size=len(person)) < answered
    person, day, hours = person[keep], day[keep], hours[keep]
    size = np.bincount(person, minlength=n_people)
    mood = 5 + rng.normal(0, person_sd, n_people)[person] + rng.normal(0, noise_sd, len(person))
    mood += tod_amplitude * np.sin(2 * np.pi * hours / 24)
    done = np.zeros((len(person), len(activities)), dtype=bool)
    for j, (b_within, b_between, share) in enumerate(activities.values()):
        logit = np.log(share / (1 - share)) + rng.normal(0, 0.8, n_people)
        x = rng.uniform(size=len(person)) < (1 / (1 + np.exp(-logit)))[person]
        m = np.bincount(person, weights=x, minlength=n_people) / np.maximum(size, 1)
        slope = b_within + rng.normal(0, slope_sd, n_people) if slope_sd > 0 else np.full(
            n_people, b_within)
        mood += slope[person] * (x - m[person]) + b_between * (m - m[size > 0].mean())[person]
        done[:, j] = x
    names = np.array(list(activities) + ["Something else"], dtype=object)
    done = np.column_stack([done, ~done.any(axis=1)]) if len(activities) else np.zeros(
        (len(person), 0), dtype=bool)
    entry = np.concatenate([np.arange(1, c + 1) for c in size]) if len(person) else np.array([], int)
    start = (pd.Timestamp("2026-03-02") + pd.to_timedelta(day, unit="D")
             + pd.to_timedelta(np.round(hours * 60), unit="min"))
    if done.shape[1]:
        row, col = np.nonzero(done)
        activity = names[col]
    else:
        row, activity = np.arange(len(person)), np.full(len(person), None, dtype=object)
    log = pd.DataFrame({
        "client": pd.Series([f"P{i + 1:02d}" for i in person[row]], dtype="str"),
        "entry": entry[row].astype("int64"),
        "start": pd.DatetimeIndex(start[row]).astype("datetime64[ns]"),
        "activity": pd.Series(activity, dtype="str"),
        "mood": mood[row],
        "source": pd.Series([f"esm_study:{i + 1}" for i in row], dtype="str"),
    })
    log = conform(log)[list(TIDY_COLUMNS)]
    log.attrs = {
        "scales": {"mood": (0.0, 10.0)},
        "truth": {"activities": {k: {"within": float(v[0]), "between": float(v[1])}
                                 for k, v in activities.items()},
                  "var_between": float(person_sd ** 2), "var_within": float(noise_sd ** 2)},
    }
    return log
