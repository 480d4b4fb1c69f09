"""Trajectories over weeks by arm: client-week means, a mixed model, and its figure.

The unit of analysis is the **client-week**: :func:`weekly` turns a cohort's
tidy log into one row per client and week (weeks counted from each client's
first logged day), and :func:`trajectory` fits a linear mixed model to those
rows with a random intercept and a random slope of week per client::

    value ~ week * group (+ covariates),  groups = client,  re_formula = "~week"

so that the ``week:group[T.x]`` term is the difference between arms in the
change per week, with clients (not entries) as the independent units.
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
from bactivate._util import natural_codes
from bactivate.cohort.summary import client_weeks
from bactivate.io.roster import roster_for
from bactivate.schema import RATINGS, AttrsFrame

__all__ = ["ConvergenceError", "OPTIMIZERS", "plot_trajectory", "trajectory", "weekly"]

#: Optimisers tried in turn until one converges: statsmodels' default first.
OPTIMIZERS: tuple[str, ...] = ("bfgs", "lbfgs", "powell", "nm", "cg")
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
    """The mixed model did not converge with any optimiser; ``attempts`` says how each failed."""

    def __init__(self, message: str, attempts=None):
        super().__init__(message)
        self.attempts = attempts


# =========================================================================== client-weeks


def weekly(cohort: pd.DataFrame, value="mood", *, roster=None) -> pd.DataFrame:
    """Client x week values: the unit of analysis for trajectories.

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

    Returns
    -------
    DataFrame
        One row per client and week, clients in natural order: ``client``
        (str), the roster's columns (one that clashes is renamed
        ``{name}_roster``), ``week`` (int64, 1 = the client's first 7 days),
        ``week_start`` (datetime64[ns]), ``days`` (days of the client's span
        in the week), ``n_entries`` (entries logged that week, unscaled),
        then the value column(s) (float64). Every week of each client's span
        is a row; a week without entries has a missing mean. ``attrs``:
        ``unit``, ``value`` (the value columns).

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
    wk = client_weeks(cohort, extra=extra)
    out = wk[["client", "week", "week_start", "days"]].copy()
    out["n_entries"] = wk["entries"]
    for v in values:
        out[v] = wk[v] * 7.0 / wk["days"] if v in _COUNTS else wk[v]
    r = roster_for(cohort, roster)
    if r is not None:
        clash = [c for c in r.columns[1:] if c in out.columns]
        r = r.rename(columns={c: f"{c}_roster" for c in clash})
        out = r.merge(out, on="client", how="right", sort=False)
        out = out.iloc[np.lexsort((out["week"].to_numpy(), natural_codes(out["client"])))]
    out = out.reset_index(drop=True)
    out.attrs = {"unit": "client-week; weeks count from each client's first logged day",
                 "value": values}
    return out


# =========================================================================== the mixed model


def trajectory(cohort: pd.DataFrame, group: str = "arm", value: str = "mood", *, roster=None,
               covariates=None, ci: float = 0.95, weeks=None, reference=None,
               re_formula: str = "~week", optimizers=OPTIMIZERS, reml: bool = True,
               return_result: bool = False):
    """Weekly trajectories by arm: a linear mixed model of client-week means.

    The model (statsmodels ``MixedLM``, REML)::

        value ~ week * group [+ covariate_within + covariate_between ...]
        random intercept and slope of week per client (re_formula="~week")

    Parameters
    ----------
    cohort : DataFrame
        A cohort's tidy log, or a frame from :func:`weekly` (one row per
        client and week, with the *group* and *value* columns).
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
        Level of the (Wald) intervals.
    weeks : iterable of int, optional
        Only these weeks, e.g. ``range(2, 9)`` to model treatment weeks after
        a monitoring-only week 1.
    reference : optional
        The reference arm (default: the first category, or the first in
        sorted order); the ``week:group[T.x]`` term is arm ``x`` minus the
        reference.
    re_formula : str, default "~week"
        Random effects; ``"~week"`` (intercept and slope) or ``"1"``.
    optimizers : sequence of str, default OPTIMIZERS
        Tried in turn until a fit converges (see Notes).
    reml : bool, default True
        REML (default) or ML.
    return_result : bool, default False
        Also return the statsmodels result: ``(table, result)``.

    Returns
    -------
    DataFrame or (DataFrame, MixedLMResults)
        One row per fixed effect: ``term`` (str; ``week:{group}[T.x]`` is
        arm ``x`` minus the reference in change per week), ``estimate``,
        ``se``, ``ci_low``, ``ci_high``, ``p`` (float64), ``converged``
        (bool, True), ``optimizer`` (str). ``attrs``: ``formula``,
        ``re_formula``, ``groups`` ("client"), ``optimizer``, ``converged``,
        ``attempts`` (each optimiser tried: ``optimizer``, ``converged``,
        ``problem``), ``warnings``, ``random_effects`` (covariance of the
        random effects), ``residual_variance``, ``n_clients``, ``n_obs``,
        ``weeks``, ``reference``, ``loglike``, ``method``, ``ci_level``,
        ``description``. With *return_result*, also the statsmodels result.

    Raises
    ------
    ConvergenceError
        When no optimiser gives a converged fit with finite standard errors.

    Notes
    -----
    A fit counts as converged when statsmodels reports convergence, raised
    no "optimization failed" warning, and every fixed effect has a finite
    estimate and standard error. Otherwise the next optimiser is tried (the
    attempts are listed in ``attrs["attempts"]``). A random-effect variance
    estimated at (or near) zero -- statsmodels' "MLE may be on the boundary"
    warning -- is a legitimate answer, not a failure; such warnings are kept
    in ``attrs["warnings"]``.

    Examples
    --------
    >>> import bactivate as ba
    >>> log, roster = ba.synth.cohort(n_clients=20, weeks=5, seed=1, entries_per_day=3)
    >>> fit = trajectory(log, roster=roster, reference="control")
    >>> fit["term"].tolist(), bool(fit["converged"].all())
    (['Intercept', 'arm[T.BA]', 'week', 'week:arm[T.BA]'], True)
    >>> fit.attrs["formula"], fit.attrs["n_clients"], fit.attrs["n_obs"], fit.attrs["weeks"]
    ('mood ~ week * arm', 20, 100, [1, 2, 3, 4, 5])
    """
    if not 0 < ci < 1:
        raise ValueError(f"ci must be between 0 and 1, not {ci!r}")
    covariates = [covariates] if isinstance(covariates, str) else list(covariates or [])
    data, varying = _model_data(cohort, group, value, roster, covariates, weeks)
    levels = _levels(data[group], reference)
    data, formula = _design(data, group, value, levels, covariates, varying)
    result, used, attempts, kept_warnings = _fit(data, formula, re_formula, optimizers, reml)
    table = _fixed_effects(result, ci)
    table["converged"] = True
    table["optimizer"] = used
    table = table.astype({"term": "str", "optimizer": "str"})
    table.attrs = {
        "formula": formula,
        "re_formula": re_formula,
        "groups": "client",
        "optimizer": used,
        "converged": True,
        "attempts": AttrsFrame(pd.DataFrame(attempts)),
        "warnings": kept_warnings,
        "random_effects": AttrsFrame(pd.DataFrame(result.cov_re)),
        "residual_variance": float(result.scale),
        "n_clients": int(data["client"].nunique()),
        "n_obs": int(len(data)),
        "weeks": sorted(int(w) for w in data["week"].unique()),
        "reference": str(levels[0]),
        "loglike": float(result.llf),
        "method": "REML" if reml else "ML",
        "ci_level": ci,
        "description": "linear mixed model of client-week means (statsmodels MixedLM); "
                       "week:group terms are differences in change per week against the reference; "
                       "Wald intervals and p-values",
    }
    return (table, result) if return_result else table


def _design(data: pd.DataFrame, group: str, value: str, levels: list, covariates: list, varying: set):
    """The model's rows (group as a categorical of *levels*, sorted by client and week, week as
    float; a varying covariate split into its within and between parts) and its formula."""
    data[group] = pd.Categorical(data[group].astype("str"), categories=levels)
    data = data.sort_values(["client", "week"], kind="stable").reset_index(drop=True)
    data["week"] = data["week"].astype("float64")
    terms = [f"week * {_q(group)}"]
    for c in covariates:
        if c in varying:
            mean = data.groupby("client", sort=False)[c].transform("mean")
            data[f"{c}_between"] = mean
            data[f"{c}_within"] = data[c] - mean
            terms += [_q(f"{c}_within"), _q(f"{c}_between")]
        else:
            terms.append(_q(c))
    return data, f"{_q(value)} ~ " + " + ".join(terms)


def _fit(data: pd.DataFrame, formula: str, re_formula: str, optimizers, reml: bool):
    """The first converged fit over *optimizers*: the result, the optimiser used, every attempt
    (``optimizer``, ``converged``, ``problem``) and the fit's warnings; ConvergenceError if none."""
    import statsmodels.formula.api as smf
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = smf.mixedlm(formula, data=data, groups=data["client"], re_formula=re_formula)
    attempts, start = [], None
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
        attempts.append({"optimizer": opt, "converged": problem is None, "problem": problem or ""})
        if problem is None:
            return res, opt, attempts, list(dict.fromkeys(msgs))
        # the next optimiser starts where this one stopped (as statsmodels does), if that is finite
        packed = getattr(res, "params_object", None)
        start = packed if packed is not None and np.isfinite(
            np.asarray(packed.get_packed(use_sqrt=False, has_fe=True), dtype="float64")).all() else None
    listing = "\n".join(f"  {a['optimizer']}: {a['problem']}" for a in attempts)
    raise ConvergenceError(
        f"the mixed model {formula} (random effects {re_formula} per client; "
        f"{data['client'].nunique()} clients, {len(data)} client-weeks) did not converge with any "
        f"optimiser:\n{listing}\nTry a simpler model (re_formula='1': random intercepts only), "
        "fewer covariates, or check the data (enough weeks per client? values that vary?).",
        attempts=AttrsFrame(pd.DataFrame(attempts)),
    )


def _fixed_effects(result, ci: float) -> pd.DataFrame:
    """One row per fixed effect: term, estimate, se, Wald interval, p."""
    fe = result.fe_params
    conf = result.conf_int(alpha=1 - ci).loc[fe.index]
    return pd.DataFrame({
        "term": fe.index.astype("str"),
        "estimate": fe.to_numpy(dtype="float64"),
        "se": result.bse_fe.loc[fe.index].to_numpy(dtype="float64"),
        "ci_low": conf.iloc[:, 0].to_numpy(dtype="float64"),
        "ci_high": conf.iloc[:, 1].to_numpy(dtype="float64"),
        "p": result.pvalues.loc[fe.index].to_numpy(dtype="float64"),
    })


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
    if not (np.isfinite(se).all() and (se > 0).all()):
        return "standard errors are not finite (the Hessian is not positive definite)"
    return None


def _model_data(cohort, group, value, roster, covariates, weeks):
    """Client-week rows with the value, group and covariates; which covariates vary within clients."""
    if not isinstance(cohort, pd.DataFrame):
        raise TypeError(f"trajectory takes a cohort (tidy log) or a weekly frame, not {type(cohort).__name__}")
    is_log = {"entry", "start", "source"} <= set(cohort.columns)
    if is_log:
        r = roster_for(cohort, roster)
        roster_cols = set(r.columns) if r is not None else set()
        measures = [value] + [c for c in covariates if c not in roster_cols]
        data = weekly(cohort, measures, roster=r)
        if group not in data.columns:
            per_client = _per_client_column(cohort, group)
            data[group] = data["client"].map(per_client)
    else:
        data = cohort.copy()
        data.attrs = {}
        if roster is not None:
            r = roster_for(cohort, roster)
            data = data.merge(r[[c for c in r.columns if c not in data.columns or c == "client"]],
                              on="client", how="left")
    missing = [c for c in ["client", "week", group, value, *covariates] if c not in data.columns]
    if missing:
        raise ValueError(f"trajectory: no column(s) {missing}; pass a roster with the group column "
                         f"(roster=...), or a weekly frame that has them")
    if weeks is not None:
        wanted = {int(w) for w in weeks}
        data = data[data["week"].isin(wanted)]
    cols = ["client", "week", group, value, *covariates]
    data = data[list(dict.fromkeys(cols))].dropna().reset_index(drop=True)
    data["client"] = data["client"].astype("str")
    if data.empty:
        raise ValueError("trajectory: no client-week has the value, the group and the covariates")
    if data[value].nunique() < 2:
        raise ValueError(f"trajectory: {value!r} takes a single value in every client-week; there is "
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
                    roster=None, ci: float = 0.95, clients: bool = True, title: str | None = None):
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

    data = weekly_or_cohort
    if {"entry", "start", "source"} <= set(data.columns):
        data = weekly(data, value, roster=roster)
        if group not in data.columns and group in weekly_or_cohort.columns:
            data[group] = data["client"].map(_per_client_column(weekly_or_cohort, group))
    missing = [c for c in ("client", "week", group, value) if c not in data.columns]
    if missing:
        raise ValueError(f"plot_trajectory: no column(s) {missing}; pass roster= with the group column")
    data = data[["client", "week", group, value]].dropna()
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
    ax.set_xlabel("Week")
    ax.set_ylabel(label)
    if value in RATINGS:
        ax.set_ylim(0, 10)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.autoscale_view(scalex=True, scaley=value not in RATINGS)
    ax.set_title(title or f"{label.split(' (')[0]} by {group} over weeks\n"
                 f"(mean with {ci:.0%} CI; thin lines: individual clients)", fontsize=11)
    ax.legend(title=escape.label(group), frameon=False)
    ax.grid(alpha=0.3)
    return ax
