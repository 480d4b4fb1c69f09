"""Plots of a BA log and of the analyses' frames, seaborn style.

Every function takes ``data=`` (the tidy frame the matching analysis returns,
or, where it makes sense, the raw tidy log, in which case the analysis is run
for you), draws on ``ax=`` if given (else on a new figure of a sensible size)
and returns the matplotlib ``Axes``. :func:`progress` is figure-level (small
multiples) and returns the ``Figure``.

Conventions: colour-blind-safe palettes (seaborn ``"colorblind"``, ``cividis``,
``mako``, ``vlag``), redundant encodings (marker shape as well as colour where
colour carries meaning), axis labels with their scale ("Mood (0-10)", "%"),
a title that says what is shown with its n, and the CI level in a legend or
label (written "95% interval": titles and labels use no statistics shorthand
such as CI, q or pp). There are no empty figures: a frame with no rows, or
whose values are all missing (e.g. avoidance, mastery and pleasure, or mood
not recorded in the log, or no activity with enough days to test), raises a
``ValueError`` that names what is missing, and no title or label ever shows
"nan". Date axes run from the first logged day to the last.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import bactivate as ba
>>> log = ba.synth.client(weeks=8, seed=3)
>>> ax = ba.plot.balance(log)
>>> fig = ba.plot.progress(ba.progress(log))
>>> type(ax).__name__, type(fig).__name__
('Axes', 'Figure')
"""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.artist import Artist
from matplotlib.collections import PathCollection
from matplotlib.lines import Line2D
from matplotlib.text import Text
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, PercentFormatter
from matplotlib.transforms import IdentityTransform, offset_copy

from bactivate import escape
from bactivate._util import plural
from bactivate.avoidance import avoidance as _avoidance
from bactivate.balance import HIGH, high_label
from bactivate.balance import balance as _balance
from bactivate.balance import most_relevant as _most_relevant
from bactivate.cohort.trajectory import plot_trajectory
from bactivate.mood import mood_by_activity as _mood_by_activity
from bactivate.mood import phase_effect as _phase_effect
from bactivate.progress import progress as _progress
from bactivate.progress import small_wins as _small_wins

__all__ = ["avoidance", "balance", "balance_weeks", "mood_by_activity", "phase_effect", "progress",
           "skipped", "timeline"]

#: the kinds of small wins, in stacking order, with their marker and palette colour index
WIN_STYLE = {
    "planned and done": ("o", 0),
    "high mastery": ("^", 1),
    "high pleasure": ("s", 4),
    "first time": ("*", 2),
}

#: label, axis limits, display factor, unit of a change, and the words for up and down, of each measure
_MEASURES = {
    "activities": ("Activities done (count)", None, 1, "", ("more", "fewer")),
    "planned": ("Activities planned (count)", None, 1, "", ("more", "fewer")),
    "done": ("Planned and done (count)", None, 1, "", ("more", "fewer")),
    "completion": ("Completion (% of planned)", (0, 105), 100, "percentage points", ("higher", "lower")),
    "mastery": ("Mastery, mean (0-10)", (0, 10), 1, "points", ("higher", "lower")),
    "pleasure": ("Pleasure, mean (0-10)", (0, 10), 1, "points", ("higher", "lower")),
    "mood": ("Mood, mean (0-10)", (0, 10), 1, "points", ("higher", "lower")),
    "avoidance_share": ("Avoidance (% of activities)", (0, 100), 100, "percentage points", ("more", "less")),
}

_FAINT = "0.55"



# --------------------------------------------------------------------------- shared helpers


def _new_ax(ax, size):
    """*ax* if given, else the axes of a new constrained-layout figure of *size* inches."""
    if ax is not None:
        return ax
    _, ax = plt.subplots(figsize=size, layout="constrained")
    return ax


_ANALYSES = {"balance": _balance, "mood_by_activity": _mood_by_activity, "phase_effect": _phase_effect,
             "avoidance": _avoidance, "progress": _progress, "small_wins": _small_wins}


def _analysis(name: str):
    """The analysis function *name* (balance, mood_by_activity, ...)."""
    return _ANALYSES[name]


def _is_log(data) -> bool:
    """True when *data* looks like a tidy log rather than an analysis frame."""
    return isinstance(data, pd.DataFrame) and {"entry", "start", "activity"} <= set(data.columns)


def _frame(data, what: str, needs, compute=None, empty: str = "the frame has no rows",
           source: str | None = None) -> pd.DataFrame:
    """The frame to plot: *compute* (the analysis) applied to a raw log; columns and rows checked.

    *source* names the analysis whose frame is expected (default: same name as the plot).
    """
    if data is None:
        raise TypeError(f"plot.{what}() needs data=: the analysis frame or the tidy log")
    if compute is not None and _is_log(data):
        data = compute(data)
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"plot.{what}() takes a DataFrame, not {type(data).__name__}")
    missing = [c for c in needs if c not in data.columns]
    if missing:
        raise ValueError(f"plot.{what}() needs the columns {missing}; pass the frame that "
                         f"bactivate.{source or what}() returns, or the tidy log")
    if data.empty:
        raise ValueError(f"plot.{what}(): nothing to plot, {empty}")
    return data


#: seaborn "colorblind" reordered so that the first few colours differ most
_CB_ORDER = (0, 1, 2, 3, 4, 9, 5, 7, 8, 6)
_MARKERS = ("o", "s", "^", "D", "v", "p", "h", "X", "P", "*")


def _palette(n: int):
    """*n* colour-blind-safe colours, the most distinct first (husl beyond ten)."""
    if n > len(_CB_ORDER):
        return sns.color_palette("husl", n)
    base = sns.color_palette("colorblind")
    return [base[i] for i in _CB_ORDER[:max(n, 1)]]


def _ci_label(level) -> str:
    """"95% interval" for a level of 0.95 (no "CI": the plots speak plainly)."""
    return f"{float(level):.0%} interval"


def _date_span(first, last) -> str:
    """'2 Mar – 26 Apr 2026' (years shown once when they agree)."""
    first, last = pd.Timestamp(first), pd.Timestamp(last)
    if first.normalize() == last.normalize():
        return f"{first.day} {first:%b %Y}"
    left = f"{first.day} {first:%b}" + ("" if first.year == last.year else f" {first.year}")
    return f"{left} – {last.day} {last:%b %Y}"


def _legend_below(ax, handles, ncols: int, gap: float = 34, **kw):
    """A legend centred under the x-axis label (*gap* points below the axes)."""
    below = offset_copy(ax.transAxes, fig=ax.figure, y=-gap, units="points")
    return ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0), bbox_transform=below,
                     ncols=ncols, frameon=False, **{"fontsize": 8.5, **kw})


def _day_axis(ax, first, last) -> None:
    """Readable day ticks ('2 Mar'): Mondays over long spans, days over short ones, as many as fit."""
    span = (pd.Timestamp(last) - pd.Timestamp(first)).days + 1
    fits = max(2, int(ax.get_position().width * ax.figure.get_figwidth() / 0.75))  # ~0.75 in a label
    if span <= 10:
        locator = mdates.DayLocator(interval=-(-span // fits))
    else:
        locator = mdates.WeekdayLocator(byweekday=mdates.MO, interval=-(-(span // 7 + 1) // fits))
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{mdates.num2date(v):%d %b}".lstrip("0")))


def _place_labels(texts, points, obstacles=()) -> None:
    """Place *texts* (annotations of *points*, most important first) so that no two overlap.

    The work is done when the figure is drawn, once its layout has settled and just before
    the labels themselves are drawn, so it costs no extra draw of the figure. *obstacles* are
    other artists (e.g. a collection of dots, corner notes) that labels keep clear of when they can.
    """
    if texts:
        texts[0].axes.add_artist(_LabelPlacer(texts, points, obstacles))


class _LabelPlacer(Artist):
    """An invisible artist, drawn just before its labels, that places them and their leader lines.

    Each label in turn takes the first free spot among candidates around its point (right,
    left, then further up and down, then further out), free meaning: inside the axes, clear of
    the labels already placed and, if possible, of the dots and other obstacles. A label far
    from its point gets a thin leader line. Nothing ever overlaps: when no candidate is free
    the label goes just above the highest label placed.
    """

    def __init__(self, texts, points, obstacles):
        """Place *texts* next to *points* (data coordinates, one per text) away from *obstacles*."""
        super().__init__()
        self._texts, self._points, self._obstacles = list(texts), np.asarray(points, float), list(obstacles)
        ax = self._texts[0].axes
        self._leaders = [Line2D([], [], lw=0.5, color=_FAINT, transform=IdentityTransform(), zorder=3.9)
                         for _ in self._texts]
        for line in self._leaders:
            ax.add_line(line)
            line.set_in_layout(False)
        self.set_zorder(min(t.get_zorder() for t in texts) - 0.02)
        self.set_in_layout(False)

    def _obstacle_boxes(self, renderer) -> np.ndarray:
        """Boxes (x0, y0, x1, y1, display pixels) of the dots and other obstacles."""
        boxes = []
        for art in self._obstacles:
            if isinstance(art, PathCollection):
                xy = art.get_offset_transform().transform(art.get_offsets())
                sizes = np.resize(art.get_sizes(), len(xy)) if len(art.get_sizes()) else np.full(len(xy), 36)
                r = np.sqrt(sizes) / 2 * self.figure.dpi / 72
                boxes.append(np.column_stack([xy[:, 0] - r, xy[:, 1] - r, xy[:, 0] + r, xy[:, 1] + r]))
            else:
                b = art.get_window_extent(renderer)
                boxes.append(np.array([[b.x0, b.y0, b.x1, b.y1]]))
        return np.vstack(boxes) if boxes else np.empty((0, 4))

    def draw(self, renderer) -> None:
        """Place the labels and set their leader lines (drawing nothing itself)."""
        if not self.get_visible() or not self._texts:
            return
        ax, px = self.axes, self.figure.dpi / 72  # pixels per point
        frame = ax.get_window_extent(renderer)
        pts = ax.transData.transform(self._points)
        dots = self._obstacle_boxes(renderer)
        placed = np.empty((0, 4))
        gap = 6 * px
        for text, (x, y), line in zip(self._texts, pts, self._leaders, strict=True):
            text.set(ha="left", va="center")
            text.xyann = (0, 0)
            box = Text.get_window_extent(text, renderer)
            w, h = box.width, box.height
            cand = self._candidates(x, y, w, h, gap)
            inside = ((cand[:, 0] >= frame.x0) & (cand[:, 2] <= frame.x1)
                      & (cand[:, 1] >= frame.y0) & (cand[:, 3] <= frame.y1))
            free = ~_any_overlap(cand, placed)
            clear = ~_any_overlap(cand, dots, pad=1)
            for ok in (free & inside & clear, free & inside, free):
                if ok.any():
                    best = cand[np.argmax(ok)]
                    break
            else:  # unreachable in practice: stack above everything placed
                top = max(placed[:, 3].max() if len(placed) else y, y) + 2
                best = np.array([x + gap, top, x + gap + w, top + h])
            placed = np.vstack([placed, best + [-1, -1, 1, 1]])
            text.xyann = ((best[0] - x) / px, ((best[1] + best[3]) / 2 - y) / px)
            # a leader line from the nearest point of the label's box to 3 pt short of the dot
            nx, ny = np.clip(x, best[0], best[2]), np.clip(y, best[1], best[3])
            dist = np.hypot(nx - x, ny - y)
            if dist > gap * 1.6:
                k = 1 - 3 * px / dist
                line.set_data([nx, x + (nx - x) * (1 - k)], [ny, y + (ny - y) * (1 - k)])
            else:
                line.set_data([], [])

    @staticmethod
    def _candidates(x, y, w, h, gap) -> np.ndarray:
        """Boxes (x0, y0, x1, y1) a label of *w* x *h* could take around (*x*, *y*), nearest first."""
        steps = np.arange(-13, 14) * (h + 1)  # rows up and down, a label's height apart
        out, cost = [], []
        for far in (0, 3, 8, 14):  # further out to the sides
            dx = gap * (1 + far)
            for left, penalty in ((x + dx, 0.0), (x - dx - w, 0.5)):  # right of the dot first, then left
                out.append(np.column_stack([np.full(len(steps), left), y - h / 2 + steps,
                                            np.full(len(steps), left + w), y + h / 2 + steps]))
                cost.append(np.abs(steps) + far * gap + penalty)
        for sgn in (1, -1):  # centred above, then below the dot
            b = y + sgn * (gap + np.arange(6) * (h + 1)) - (0 if sgn > 0 else h)
            out.append(np.column_stack([np.full(6, x - w / 2), b, np.full(6, x + w / 2), b + h]))
            cost.append(np.arange(6) * (h + 1) + gap + 0.25)
        return np.vstack(out)[np.argsort(np.concatenate(cost), kind="stable")]


def _any_overlap(cand: np.ndarray, boxes: np.ndarray, pad: float = 0.0) -> np.ndarray:
    """For each candidate box, whether it overlaps any of *boxes* (all x0, y0, x1, y1)."""
    if not len(boxes):
        return np.zeros(len(cand), dtype=bool)
    c, b = cand[:, None, :], boxes[None, :, :]
    return ((c[..., 0] < b[..., 2] + pad) & (c[..., 2] > b[..., 0] - pad)
            & (c[..., 1] < b[..., 3] + pad) & (c[..., 3] > b[..., 1] - pad)).any(axis=1)


# --------------------------------------------------------------------------- balance


def balance(data=None, *, ax=None, by: str = "activity", high: float | None = None, label_top: int = 12,
            mood=None, ci: bool = False):
    """Mastery (x) versus pleasure (y) per activity: the BA "balance map".

    Point area is the number of entries. The four quadrants are labelled
    "both", "mastery only", "pleasure only" and "neither", split by dashed
    lines at *high*, which the plot states ("high = 6 or more of 10").

    The dots named are the most relevant ones, in the order of
    :func:`bactivate.balance.most_relevant`: those in the "both" corner, then
    those with a clear mood difference (given *mood*), then one for each life
    area not yet named, then the most frequent. Labels never overlap (a label
    moved away from its dot gets a thin leader line), and when some are left
    unnamed the plot says "and k more activities not labelled".

    Parameters
    ----------
    data : pandas.DataFrame
        The frame of ``ba.balance(log, by="activity")`` (or ``by="category"``),
        or the tidy log (the balance is computed). A ``category`` column, when
        present, colours the points (and gives marker shapes).
    ax : matplotlib.axes.Axes, optional
        Where to draw; by default a new figure.
    by : {"activity", "category"}, default "activity"
        The groups, when *data* is the log.
    high : float, optional
        The threshold for "high" (0-10): where the guide lines are drawn. By
        default the balance frame's (``attrs["high"]``), else 6, the default
        of ``ba.balance`` and ``ba.plot.timeline``.
    label_top : int, default 12
        Name at most this many dots.
    mood : pandas.DataFrame, optional
        The frame of ``ba.mood_by_activity(log)``: activities with a clear
        mood difference are named after those in the "both" corner.
    ci : bool, default False
        Also draw each point's 95% interval of mean mastery and pleasure as thin crosshairs.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        When the log has no activities, or no activity has both mastery and pleasure ratings.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import bactivate as ba
    >>> log = ba.synth.client(weeks=8, seed=3)
    >>> ax = ba.plot.balance(log, mood=ba.mood_by_activity(log))
    >>> ax.get_title()
    'Mastery and pleasure by activity (n = 419 entries, 24 activities)'
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('Mastery, mean (0-10)', 'Pleasure, mean (0-10)')
    >>> print(ax.texts[-1].get_text())
    dashed lines: high = 6 or more of 10; and 12 more activities not labelled
    """
    if by not in ("activity", "category"):
        raise ValueError("plot.balance() maps activities or categories: by='activity' or 'category'")
    if high is None:
        high = data.attrs.get("high", HIGH) if isinstance(data, pd.DataFrame) and not _is_log(data) else HIGH
    if _is_log(data) and by in data.columns and not data[by].notna().any():
        raise ValueError(f"plot.balance(): nothing to plot, {by} names are not recorded in this log")
    df = _frame(data, "balance", ("mastery_mean", "pleasure_mean", "entries"),
                lambda log: _analysis("balance")(log, by=by, high=high), f"the log has no {by} names")
    name = df.columns[0]
    if name not in ("activity", "category"):
        raise ValueError(f"plot.balance() maps activities or categories; for a balance by {name} "
                         "use plot.balance_weeks()")
    rated = df["mastery_mean"].notna() & df["pleasure_mean"].notna()
    if not rated.any():
        raise ValueError("plot.balance(): nothing to plot, mastery and pleasure are not recorded in this log "
                         f"(no {name} has both ratings)")
    unrated = int((~rated).sum())
    df = df[rated]
    ax = _new_ax(ax, (9.5, 6.5))
    # seaborn names the legend after the columns and writes the categories as they are: it is
    # given a copy whose columns have the legend's names and whose categories are escaped labels
    shown = pd.DataFrame({"mastery_mean": df["mastery_mean"], "pleasure_mean": df["pleasure_mean"],
                          "Entries (point size)": df["entries"]})
    hue = "Category" if "category" in df.columns and df["category"].notna().any() else None
    order = None
    if hue:
        shown[hue] = df["category"].map(escape.label, na_action="ignore")
        order = [escape.label(c) for c in sorted(df["category"].dropna().unique())]
    styles = {"hue": hue, "hue_order": order, "palette": _palette(len(order)), "style": hue,
              "style_order": order, "markers": list(_MARKERS[:len(order)]) if len(order) <= 10 else True} \
        if hue else {"color": _palette(1)[0]}  # colour and marker shape both tell categories apart
    before = set(ax.collections)
    sns.scatterplot(data=shown, x="mastery_mean", y="pleasure_mean", size="Entries (point size)",
                    sizes=(30, 420), alpha=0.75, edgecolor="white", linewidth=0.6, ax=ax, zorder=3,
                    **styles)
    dots = [c for c in ax.collections if c not in before]
    if ci and {"mastery_ci_low", "pleasure_ci_low"} <= set(df.columns):
        m, p = df["mastery_mean"], df["pleasure_mean"]
        lo_m, hi_m = df["mastery_ci_low"].clip(0, 10), df["mastery_ci_high"].clip(0, 10)
        lo_p, hi_p = df["pleasure_ci_low"].clip(0, 10), df["pleasure_ci_high"].clip(0, 10)
        ax.errorbar(m, p, xerr=[m - lo_m, hi_m - m], yerr=[p - lo_p, hi_p - p], fmt="none",
                    ecolor=_FAINT, elinewidth=0.7, zorder=2)
    corners = _quadrants(ax, high)
    top = _most_relevant(df, mood, n=label_top, high=high) if label_top else df.iloc[:0].assign(why_listed="")
    texts = [ax.annotate(escape.label(n), (x, y), xytext=(7, 0), textcoords="offset points", fontsize=8.5,
                         va="center", zorder=4, annotation_clip=False)
             for n, x, y in zip(top[name], top["mastery_mean"], top["pleasure_mean"], strict=True)]
    more = len(df) - len(top)
    plural_name = "activities" if name == "activity" else "categories"
    foot = f"dashed lines: {high_label(high)}"
    if more:
        foot += f"; and {more} more {plural_name if more > 1 else name} not labelled"
    if unrated:
        foot += f"; {unrated} {plural_name if unrated > 1 else name} without both ratings not shown"
    ax.set(xlim=(-0.5, 10.5), ylim=(-0.5, 10.5), xticks=range(11), yticks=range(11),
           xlabel="Mastery, mean (0-10)", ylabel="Pleasure, mean (0-10)")
    n_entries = plural(df["entries"].sum(), "entry", "entries")
    ax.set_title(f"Mastery and pleasure by {name} (n = {n_entries}, {plural(len(df), name, plural_name)})"
                 + (f"\nlines: {_ci_label(df.attrs.get('ci', 0.95))} of each mean" if ci else ""))
    if ax.get_legend() is not None:
        sns.move_legend(ax, "upper left", bbox_to_anchor=(1.01, 1), frameon=False, fontsize=8.5)
    _place_labels(texts, top[["mastery_mean", "pleasure_mean"]].to_numpy(), [*dots, *corners])
    below = offset_copy(ax.transAxes, fig=ax.figure, y=-34, units="points")
    ax.text(0, 0, foot, transform=below, ha="left", va="top", fontsize=8.5, color="0.35")
    return ax


def _quadrants(ax, high: float) -> list:
    """The guide lines at *high* and the four quadrant labels of the balance map (returned)."""
    ax.axvline(high, color=_FAINT, lw=0.8, ls="--", zorder=1)
    ax.axhline(high, color=_FAINT, lw=0.8, ls="--", zorder=1)
    style = {"color": _FAINT, "fontsize": 9, "style": "italic", "zorder": 1}
    return [ax.text(10.3, 10.3, "both", ha="right", va="top", **style),
            ax.text(-0.3, 10.3, "pleasure only", ha="left", va="top", **style),
            ax.text(10.3, -0.3, "mastery only", ha="right", va="bottom", **style),
            ax.text(-0.3, -0.3, "neither", ha="left", va="bottom", **style)]


def balance_weeks(data=None, *, ax=None, high_line: bool = False):
    """Mean mastery and pleasure week by week, each with its 95% interval band.

    The chosen view: two lines (mastery: circles, solid; pleasure: squares,
    dashed) of the weekly mean rating with a shaded t-interval (level from
    ``data.attrs["ci"]``), on the 0-10 scale. It shows whether the client's
    weeks are gaining accomplishment and enjoyment, and how sure we are. The
    entries behind each week are shown under the week number.

    Parameters
    ----------
    data : pandas.DataFrame
        The frame of ``ba.balance(log, by="week")`` (or ``by="day"``), or the tidy log.
    ax : matplotlib.axes.Axes, optional
        Where to draw; by default a new figure.
    high_line : bool, default False
        Also draw the balance's ``high`` threshold as a faint line.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import bactivate as ba
    >>> log = ba.synth.client(weeks=8, seed=3)
    >>> ax = ba.plot.balance_weeks(log)
    >>> ax.get_title()
    'Mastery and pleasure week by week (n = 419 entries)'
    """
    df = _frame(data, "balance_weeks", ("mastery_mean", "pleasure_mean", "entries"),
                lambda log: _analysis("balance")(log, by="week"), source="balance")
    key = "week" if "week" in df.columns else "day" if "day" in df.columns else None
    if key is None:
        raise ValueError("plot.balance_weeks() needs the frame of ba.balance(log, by='week') or by='day'")
    if not (df["mastery_mean"].notna() | df["pleasure_mean"].notna()).any():
        raise ValueError("plot.balance_weeks(): nothing to plot, mastery and pleasure are not recorded in this log")
    ax = _new_ax(ax, (8, 4.8))
    x = df[key]
    colours = _palette(2)
    level = df.attrs.get("ci", 0.95)
    for i, (what, marker, ls) in enumerate((("mastery", "o", "-"), ("pleasure", "s", "--"))):
        lo, hi = f"{what}_ci_low", f"{what}_ci_high"
        if {lo, hi} <= set(df.columns):
            ax.fill_between(x, df[lo].clip(0, 10), df[hi].clip(0, 10), color=colours[i], alpha=0.18,
                            lw=0, label=f"{what.capitalize()}, {_ci_label(level)}")
        ax.plot(x, df[f"{what}_mean"], marker=marker, ls=ls, color=colours[i],
                label=f"{what.capitalize()}, mean")
    if high_line and "high" in df.attrs:
        ax.axhline(df.attrs["high"], color=_FAINT, lw=0.8, ls=":", label=high_label(df.attrs["high"]))
    ax.set_ylim(0, 10)
    ax.set_ylabel("Rating, mean (0-10)")
    if key == "week":
        ax.set_xticks(x, [f"{w}\n({n})" for w, n in zip(x, df["entries"], strict=True)])
        ax.set_xlabel("Week of the log (entries that week)")
    else:
        ax.set_xlabel("Day")
        _day_axis(ax, x.min(), x.max())
    ax.set_title(f"Mastery and pleasure {key} by {key} "
                 f"(n = {plural(df['entries'].sum(), 'entry', 'entries')})")
    ax.legend(loc="upper left", ncols=2, fontsize=8.5, frameon=False)
    return ax


# --------------------------------------------------------------------------- mood and activity


def mood_by_activity(data=None, *, ax=None, show_untested: bool = False, audience: str = "clinician"):
    """Forest plot: mood on days with versus without each activity, with its interval.

    One row per tested activity, largest difference on top; the dot is
    ``diff`` and the bar ``ci_low``-``ci_high`` (level from
    ``data.attrs["ci"]``); a zero line marks "no difference". A clear
    difference (the interval shown excludes 0, the ``verdict`` of
    ``ba.mood_by_activity``) is drawn filled and dark with a bold name; one
    that could be chance is drawn open and light. The days with / without each
    activity are listed at the right. With *show_untested*, activities with
    too few days are listed faintly underneath (no estimate); otherwise they
    are left out and counted in the title.

    For ``audience="client"`` the legend and axis say the same without
    statistics words: the bar is "the range of differences that fit these
    days", a clear difference one whose "whole bar is on one side of 0".

    Parameters
    ----------
    data : pandas.DataFrame
        The frame of ``ba.mood_by_activity(log)`` or the tidy log.
    ax : matplotlib.axes.Axes, optional
        Where to draw; by default a new figure.
    show_untested : bool, default False
        List the activities not tested under the others.
    audience : {"clinician", "client"}, default "clinician"
        ``"clinician"`` names the interval with its level ("95% interval");
        ``"client"`` describes the bar in plain words instead.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        When mood is not recorded, or no activity has enough days with and without it to compare.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import bactivate as ba
    >>> log = ba.synth.client(weeks=8, seed=3)
    >>> ax = ba.plot.mood_by_activity(log)
    >>> ax.get_title()
    'Mood on days with vs without each activity (n = 56 days; 1 not tested: too few days)'
    >>> ax.get_legend_handles_labels()[1]
    ['clear difference: the 95% interval excludes 0', 'could be chance: the 95% interval includes 0']
    """
    if audience not in ("clinician", "client"):
        raise ValueError(f"audience must be 'clinician' or 'client', not {audience!r}")
    if _is_log(data) and "mood" in data.columns and not data["mood"].notna().any():
        raise ValueError("plot.mood_by_activity(): nothing to plot, mood is not recorded in this log")
    df = _frame(data, "mood_by_activity", ("diff", "ci_low", "ci_high", "n_with", "n_without"),
                _analysis("mood_by_activity"), "the log has no activities with a mood rating on their day")
    name = "activity" if "activity" in df.columns else df.columns[0]
    status = df["status"] if "status" in df.columns else pd.Series(
        np.where(df["diff"].notna(), "tested", "not enough data"), index=df.index)
    tested = df[status.eq("tested") & df["diff"].notna()].sort_values("diff")
    unit = str(df["unit"].iloc[0]) if "unit" in df.columns else "days"
    if tested.empty:
        least = df.attrs.get("min_days", 3)
        raise ValueError(f"plot.mood_by_activity(): nothing to plot, no {name} has enough {unit} with and "
                         f"without it to compare (at least {least} of each)")
    untested = df.drop(tested.index) if show_untested else df.iloc[:0]
    n_rows = len(tested) + len(untested)
    ax = _new_ax(ax, (8.5, 1.6 + 0.32 * max(n_rows, 2)))
    level = df.attrs.get("ci", 0.95)
    y = np.arange(len(untested), n_rows)
    clear = ((tested["ci_low"] > 0) | (tested["ci_high"] < 0)).to_numpy(dtype=bool)
    dark, light = sns.color_palette("colorblind")[0], sns.color_palette("colorblind")[7]
    if audience == "client":
        says = ("clear difference: the whole bar is on one side of 0", "could be chance: the bar crosses 0")
        bar = "bar = the range of differences that fit these days"
    else:
        says = (f"clear difference: the {_ci_label(level)} excludes 0",
                f"could be chance: the {_ci_label(level)} includes 0")
        bar = f"dot = difference, bar = {_ci_label(level)}"
    for mask, colour, face, label in ((clear, dark, dark, says[0]), (~clear, light, "white", says[1])):
        if mask.any():
            t = tested[mask]
            ax.errorbar(t["diff"], y[mask], xerr=[t["diff"] - t["ci_low"], t["ci_high"] - t["diff"]],
                        fmt="o", color=colour, mfc=face, mec=colour, ms=6, capsize=2.5, lw=1.4, label=label)
    ax.axvline(0, color="0.3", lw=0.9, zorder=0)
    labels = [escape.label(n) for n in [*untested[name].astype(str), *tested[name].astype(str)]]
    ax.set_yticks(np.arange(n_rows), labels)
    for tick, bold in zip(ax.get_yticklabels()[len(untested):], clear, strict=True):
        tick.set_fontweight("bold" if bold else "normal")
    for tick in ax.get_yticklabels()[:len(untested)]:
        tick.set_color(_FAINT)
    _n_column(ax, untested, tested, unit)
    if len(untested):
        ax.axhline(len(untested) - 0.5, color="0.85", lw=0.8)
    ax.set_ylim(-0.7, n_rows - 0.3)
    what = "entries after vs not after" if unit == "entries" else "days with vs without"
    ax.set_xlabel(f"Mood difference, {what} (0-10 scale); {bar}")
    ax.set_ylabel(name.capitalize())
    left_out = len(df) - len(tested) - len(untested)
    total = int(df["n_with"].iloc[0] + df["n_without"].iloc[0])
    ax.set_title(f"Mood {'after' if unit == 'entries' else 'on days with'} vs without each {name} "
                 f"(n = {plural(total, 'entry' if unit == 'entries' else 'day', unit)}"
                 + (f"; {left_out} not tested: too few {unit})" if left_out else ")"),
                 pad=30)
    # above the bars, under the title: "best" put it over the top bar (a client's best activity)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, fontsize=8, frameon=False,
              borderaxespad=0.2)
    return ax


def _n_column(ax, untested, tested, unit) -> None:
    """'with / without' counts in a column just right of the axes."""
    tr = ax.get_yaxis_transform()
    kw = {"transform": tr, "fontsize": 8, "va": "center", "ha": "left", "clip_on": False}
    n = len(untested) + len(tested)
    if n == 0:
        return
    ax.text(1.02, n - 0.3, f"{unit} with / without", color="0.3", **{**kw, "va": "bottom"})
    rows = pd.concat([untested, tested])
    for i, (w, wo) in enumerate(zip(rows["n_with"], rows["n_without"], strict=True)):
        ax.text(1.02, i, f"{w} / {wo}", color=_FAINT if i < len(untested) else "0.2", **kw)
    for i in range(len(untested)):
        ax.text(0.01, i, "not enough data", transform=ax.get_yaxis_transform(), fontsize=8, va="center",
                color=_FAINT, style="italic")


_EFFECT_SCALE = {  # reference (no effect), possible range, axis note
    "NAP": (0.5, (0, 1), "0 to 1, none = 0.5"),
    "Tau": (0.0, (-1, 1), "-1 to 1"),
    "Tau-U": (0.0, None, "0 = none, can pass ±1"),  # its range depends on n_a, n_b: _effect_scale
    "Cliff's delta": (0.0, (-1, 1), "-1 to 1"),
    "Hedges' g": (0.0, None, "SD units"),
    "Tau-BC": (0.0, (-1, 1), "-1 to 1, baseline trend removed"),
    # phase_effect's test: a change of level in the measure's own points (the only row with a p)
    "level change (piecewise AR(1) regression)": (0.0, None, "points (0-10); the test"),
}


def phase_effect(data=None, *, ax=None, baseline=1, treatment=None, measure: str = "mood",
                 ci: float = 0.95):
    """Baseline (A) versus activation (B): each effect size as a dot with its interval.

    NAP, Tau, Tau-U, Tau-BC, Hedges' g and the level change live on different scales, so each
    row carries its own reference: a short dark tick at "no effect" (0.5 for
    NAP, 0 for the others) and a faint band over the values the index can
    take (0-1 for NAP, -1 to 1 for Tau and Tau-BC; Tau-U, whose denominator is n_a n_b, can pass
    ±1 and its band is ±(1 + (n_a - 1) / (2 n_b)); Hedges' g and the level change, in the
    measure's points, are unbounded). The indices are descriptive; the level change (a piecewise
    regression with a baseline trend and AR(1) errors) is the test.
    The x axis is shared only for compactness; compare each dot with its own
    tick, not across rows. Each row's estimate and interval are printed at the right.

    Parameters
    ----------
    data : pandas.DataFrame
        The frame of ``ba.phase_effect(log, ...)`` or the tidy log (then
        *baseline*, *treatment*, *measure* and *ci* are passed on).
    ax : matplotlib.axes.Axes, optional
        Where to draw; by default a new figure.
    baseline, treatment, measure
        As in :func:`bactivate.phase_effect`, when *data* is the log.
    ci : float, default 0.95
        The interval's level, when *data* does not record it in ``attrs["ci"]``.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import bactivate as ba
    >>> log = ba.synth.client(weeks=8, seed=3)
    >>> ax = ba.plot.phase_effect(log, baseline=1)
    >>> ax.get_title()
    'Daily mood: baseline (A, n = 7 days, mean 5.1) vs activation (B, n = 49 days, mean 4.8)'
    """
    if _is_log(data) and measure in data.columns and not data[measure].notna().any():
        raise ValueError(f"plot.phase_effect(): nothing to plot, {measure} is not recorded in this log")
    df = _frame(data, "phase_effect", ("effect", "estimate", "ci_low", "ci_high"),
                lambda log: _analysis("phase_effect")(log, baseline=baseline, treatment=treatment,
                                                         measure=measure, ci=ci))
    if not df["estimate"].notna().any():
        raise ValueError("plot.phase_effect(): nothing to plot, no effect could be estimated "
                         "(too few days in a phase)")
    ax = _new_ax(ax, (8.5, 1.4 + 0.65 * len(df)))
    df = df.iloc[::-1].reset_index(drop=True)  # first effect on top
    y = np.arange(len(df))
    scales = [_effect_scale(row) for _, row in df.iterrows()]
    for i, (ref, rng, _) in enumerate(scales):
        if rng:
            ax.plot(rng, [i, i], color="0.9", lw=9, solid_capstyle="butt", zorder=0)
        ax.plot([ref, ref], [i - 0.3, i + 0.3], color="0.25", lw=1.4, zorder=1)
    colour = sns.color_palette("colorblind")[0]
    level = df.attrs.get("ci", ci)
    ax.errorbar(df["estimate"], y, xerr=[df["estimate"] - df["ci_low"], df["ci_high"] - df["estimate"]],
                fmt="o", color=colour, capsize=3, ms=7, lw=1.5, zorder=3,
                label=f"Estimate, bar = {_ci_label(level)}")
    ax.set_yticks(y, [f"{e}\n({note})" if note else str(e) for e, (_, _, note) in zip(df["effect"], scales,
                                                                                       strict=True)])
    for i, (est, lo, hi) in enumerate(zip(df["estimate"], df["ci_low"], df["ci_high"], strict=True)):
        shown = (f"{est:.2f}" if np.isfinite(est) else "not estimable") + (
            f" [{lo:.2f}, {hi:.2f}]" if np.isfinite(lo) and np.isfinite(hi) else "")
        ax.text(1.02, i, shown, transform=ax.get_yaxis_transform(),
                fontsize=8.5, va="center", clip_on=False)
    ax.set_ylim(-0.6, len(df) - 0.4)
    ax.set_xlabel("Effect size, each on its own scale; positive = higher in activation")
    _legend_below(ax, [*ax.get_legend_handles_labels()[0],
                       Line2D([], [], color="0.25", lw=1.4, label="no effect"),
                       Line2D([], [], color="0.9", lw=6, label="possible range")], ncols=3)
    ax.set_title(_phase_title(df))
    return ax


def _effect_scale(row: pd.Series):
    """(no-effect value, possible range or None, axis note) of one row of ``ba.phase_effect``.

    Tau-U divides by n_a n_b (Parker et al.), so it can pass ±1: it reaches
    ±(1 + (n_a - 1) / (2 n_b)) (``bactivate.stats.tau_u``), the band drawn when n_a and n_b are known.
    """
    ref, rng, note = _EFFECT_SCALE.get(str(row["effect"]), (0.0, None, ""))
    if str(row["effect"]) == "Tau-U" and {"n_a", "n_b"} <= set(row.index):
        n_a, n_b = pd.to_numeric(pd.Series([row["n_a"], row["n_b"]]), errors="coerce")
        if n_a >= 1 and n_b >= 1:
            reach = 1 + (n_a - 1) / (2 * n_b)
            rng, note = (-reach, reach), f"-{reach:.2f} to {reach:.2f}"
    return ref, rng, note


def _phase_title(df: pd.DataFrame) -> str:
    """The title of the phase plot: the measure, and each phase's days and mean."""
    what = str(df["measure"].iloc[0]) if "measure" in df.columns else "measure"
    if not {"n_a", "n_b"} <= set(df.columns):
        return f"Daily {what}: baseline (A) vs activation (B)"
    a, b = (f"{p}, n = {plural(df[f'n_{p.lower()}'].iloc[0], 'day')}" for p in "AB")
    if {"mean_a", "mean_b"} <= set(df.columns):
        a, b = f"{a}, mean {df['mean_a'].iloc[0]:.2g}", f"{b}, mean {df['mean_b'].iloc[0]:.2g}"
    return f"Daily {what}: baseline ({a}) vs activation ({b})"


# --------------------------------------------------------------------------- avoidance


def avoidance(data=None, *, ax=None, value: str = "avoidance_share", annot: bool | None = None,
              vmax: float | None = None):
    """Weekday x hour heat map of avoidance share (%) or mean mood (0-10).

    Weekdays Mon..Sun are the rows (always all seven); the columns are the
    hours that have any entry; cells without entries stay blank.

    Parameters
    ----------
    data : pandas.DataFrame or dict
        ``ba.avoidance(log)["by_hour"]``, the dict ``ba.avoidance(log)``, or the tidy log.
    ax : matplotlib.axes.Axes, optional
        Where to draw; by default a new figure.
    value : {"avoidance_share", "mood_mean"}, default "avoidance_share"
        ``"avoidance_share"`` (share of entries that were avoidance, %,
        sequential ``mako_r``: darker = more avoidance) or ``"mood_mean"``
        (mean mood 0-10, diverging ``vlag_r`` centred on the client's own mean
        mood: red below it, blue above).
    annot : bool, optional
        Write the value in each cell (default: when there are at most 16 hour columns).
    vmax : float, optional
        Top of the avoidance colour scale in % (default: the largest share,
        rounded up to 10; give 100 to compare clients on one scale).

    Returns
    -------
    matplotlib.axes.Axes
        The heat map's axes (its colour bar is another axes of the figure).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import bactivate as ba
    >>> log = ba.synth.client(weeks=8, seed=3)
    >>> ax = ba.plot.avoidance(log)
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('Hour of day (entry start)', 'Weekday')
    """
    if value not in ("avoidance_share", "mood_mean"):
        raise ValueError("value must be 'avoidance_share' or 'mood_mean'")
    if isinstance(data, dict):
        data = data.get("by_hour")
    df = _frame(data, "avoidance", ("weekday", "hour", value, "entries"),
                lambda log: _analysis("avoidance")(log)["by_hour"], "the log has no dated entries")
    if value == "avoidance_share" and not df[value].notna().any():
        raise ValueError("plot.avoidance(): nothing to plot, avoidance is not recorded in this log")
    weekdays = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    hours = np.sort(df["hour"].dropna().unique().astype(int))
    grid = df.pivot_table(index=df["weekday"].astype(str), columns="hour", values=value, aggfunc="mean",
                          observed=True).reindex(index=list(weekdays), columns=hours)
    ax = _new_ax(ax, (max(6.0, 0.55 * len(hours) + 2.5), 4.4))
    annot = len(hours) <= 16 if annot is None else annot
    if value == "avoidance_share":
        grid = grid * 100
        top = vmax if vmax is not None else float(np.clip(np.ceil(np.nanmax(grid.to_numpy()) / 10) * 10,
                                                          10, 100))
        kw = {"cmap": "mako_r", "vmin": 0, "vmax": top, "fmt": ".0f", "label": "Avoidance (% of entries)"}
        n_text = f"n = {plural(df['entries'].sum(), 'entry', 'entries')}"
        title = "Avoidance by weekday and hour (% of entries that were avoidance)"
    else:
        n = df["mood_n"] if "mood_n" in df.columns else df["entries"]
        if not (df[value].notna() & (n > 0)).any():
            raise ValueError("plot.avoidance(): nothing to plot, mood is not recorded in this log")
        centre = float(np.average(df[value].dropna(), weights=n[df[value].notna()]))
        reach = max(float(np.nanmax(np.abs(grid.to_numpy() - centre))), 0.5)
        # symmetric limits centre the diverging map (seaborn's center= uses a deprecated mpl call)
        kw = {"cmap": "vlag_r", "vmin": centre - reach, "vmax": centre + reach, "fmt": ".1f",
              "label": f"Mood, mean (0-10); white = client's mean {centre:.1f}"}
        title = "Mood by weekday and hour (mean, 0-10)"
        n_text = f"n = {plural(n.sum(), 'mood rating')}"
    _heatmap(ax, grid.to_numpy(dtype="float64"), annot=annot, **kw)
    ax.set_yticks(np.arange(len(weekdays)) + 0.5, weekdays, va="center")
    ax.set_xticks(np.arange(len(hours)) + 0.5, [f"{h:02d}:00" for h in hours],
                  rotation=0 if len(hours) <= 12 else 90)
    ax.set_xlabel("Hour of day (entry start)")
    ax.set_ylabel("Weekday")
    ax.set_title(f"{title}\n{n_text}; blank = no entries", fontsize=10.5)
    return ax


def _heatmap(ax, values, *, cmap, vmin, vmax, fmt: str, label: str, annot: bool) -> None:
    """A heat map drawn as seaborn's ``heatmap`` draws it (first row on top, white cell borders,
    colour bar, values written in dark or white by the cell's luminance, blank where NaN).

    Drawn directly: ``sns.heatmap`` draws the whole figure once more to check whether its tick
    labels overlap, which here costs more than the rest of the plot and whose answer is not needed.
    """
    values = np.ma.masked_invalid(values)
    rows, cols = values.shape
    for spine in ax.spines.values():
        spine.set_visible(False)
    mesh = ax.pcolormesh(values, cmap=cmap, vmin=vmin, vmax=vmax, linewidth=0.5, edgecolor="white")
    ax.set(xlim=(0, cols), ylim=(0, rows))
    ax.invert_yaxis()
    bar = ax.figure.colorbar(mesh, ax=ax, label=label)
    bar.outline.set_linewidth(0)
    if not annot:
        return
    mesh.update_scalarmappable()
    rgb = mesh.get_facecolors()[:, :3]
    rgb = np.where(rgb <= 0.03928, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)  # relative luminance
    dark = rgb @ np.array([0.2126, 0.7152, 0.0722]) > 0.408
    for (i, j), value, on_light in zip(np.ndindex(rows, cols), values.filled(np.nan).flat, dark,
                                       strict=True):
        if np.isfinite(value):
            ax.text(j + 0.5, i + 0.5, format(value, fmt), ha="center", va="center", fontsize=8,
                    color="0.15" if on_light else "white")


def skipped(data=None, *, ax=None, by: str = "activity"):
    """Bars: share of planned activities that were skipped, per activity or time of day.

    Each bar is annotated "skipped of planned" ("2 of 5"); plans never
    skipped show as an empty bar with "0 of n", which is good news.

    Parameters
    ----------
    data : pandas.DataFrame or dict
        ``ba.avoidance(log)["skipped"]``, the dict ``ba.avoidance(log)``, or the tidy log.
    ax : matplotlib.axes.Axes, optional
        Where to draw; by default a new figure.
    by : {"activity", "time of day"}, default "activity"
        Per activity, or per part of the day (morning, afternoon, evening, night).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import bactivate as ba
    >>> log = ba.synth.client(weeks=8, seed=3)
    >>> ax = ba.plot.skipped(log)
    >>> ax.get_title()
    'Planned activities skipped, by activity (n = 65 plans, 16 skipped)'
    """
    if isinstance(data, dict):
        data = data.get("skipped")
    df = _frame(data, "skipped", ("level", "planned", "skipped", "skipped_share"),
                lambda log: _analysis("avoidance")(log)["skipped"],
                "planned activities are not recorded in this log")
    if not df["skipped_share"].notna().any():
        raise ValueError("plot.skipped(): nothing to plot, whether planned activities were done is not "
                         "recorded in this log")
    if "by" in df.columns:
        if by not in set(df["by"]):
            raise ValueError(f"by must be one of {sorted(set(df['by']))}, not {by!r}")
        df = df[df["by"] == by]
    df = df.sort_values(["skipped_share", "planned"], ascending=[True, True], kind="stable")
    if by == "time of day":
        parts = ["night", "evening", "afternoon", "morning"]  # bottom to top
        df = df.set_index("level").reindex([p for p in parts if p in set(df["level"])]).reset_index()
    ax = _new_ax(ax, (8, 1.4 + 0.33 * max(len(df), 2)))
    colour = sns.color_palette("colorblind")[3]
    share = df["skipped_share"].to_numpy() * 100
    y = np.arange(len(df))
    ax.barh(y, share, color=colour, height=0.65, label="skipped")
    for i, (s, k, n) in enumerate(zip(share, df["skipped"], df["planned"], strict=True)):
        ax.text(s + 1.5, i, f"{k} of {n}", va="center", fontsize=8.5, color="0.2")
    ax.set_yticks(y, [escape.label(n) for n in df["level"].astype(str)])
    ax.set_xlim(0, 118)
    ax.set_xticks(range(0, 101, 20))
    ax.xaxis.set_major_formatter(PercentFormatter(100, decimals=0))
    ax.set_ylim(-0.6, len(df) - 0.4)
    ax.set_xlabel("Skipped (% of planned)")
    ax.set_ylabel("Activity" if by == "activity" else "Time of day")
    ax.set_title(f"Planned activities skipped, by {by} "
                 f"(n = {plural(df['planned'].sum(), 'plan')}, {int(df['skipped'].sum())} skipped)")
    return ax


# --------------------------------------------------------------------------- progress and wins


def progress(data=None, *, measures=("activities", "completion", "mastery", "pleasure", "mood",
                                     "avoidance_share"), ncols: int = 3, height: float = 2.8):
    """Small multiples over weeks, one panel per measure, with the fitted trend.

    Figure-level: returns the ``Figure`` (its axes are ``fig.axes``), not an
    ``Axes`` like the other plots, and takes no ``ax=``.

    Each panel shows the weekly (or daily) value as dots joined by a line and,
    when ``data.attrs["trend"]`` (from ``ba.progress``) holds the measure's
    slope, the fitted straight line (through the mean of the points) as a
    dashed line. The panel title says the trend in plain words and in the
    panel's units: "Avoidance: about 4 percentage points less a week" when its
    interval is all on one side of 0, "Mood: no steady trend (5.2 to 6.3)"
    when it is not, "too few weeks to judge a trend" when it cannot be told.
    Shares (completion, avoidance) are shown in %. A measure the log does not
    record (all missing) gets no panel; the figure says which were left out.

    Parameters
    ----------
    data : pandas.DataFrame
        The frame of ``ba.progress(log)`` (weekly or daily) or the tidy log.
    measures : sequence of str
        Columns to show, any of ``bactivate.progress.MEASURES``.
    ncols : int, default 3
        Panels per row.
    height : float, default 2.8
        Height of each row of panels, in inches.

    Returns
    -------
    matplotlib.figure.Figure
        The figure; one axes per measure shown in ``fig.axes``.

    Raises
    ------
    ValueError
        When none of *measures* is recorded in the log.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import bactivate as ba
    >>> log = ba.synth.client(weeks=8, seed=3)
    >>> fig = ba.plot.progress(ba.progress(log))
    >>> type(fig).__name__, len(fig.axes)
    ('Figure', 6)
    >>> fig.axes[0].get_ylabel()
    'Activities done (count)'
    >>> fig.axes[1].get_title()
    'Completion: no steady trend (0% to 93%)'
    """
    df = _frame(data, "progress", list(measures), _analysis("progress"), "the log has no dated entries")
    recorded = [m for m in measures if df[m].notna().any()]
    missing = [m for m in measures if m not in recorded]
    if not recorded:
        raise ValueError(f"plot.progress(): nothing to plot, {_names(missing)} "
                         f"{'is' if len(missing) == 1 else 'are'} not recorded in this log")
    measures = recorded
    if "prompt" in df.columns:
        raise ValueError("plot.progress(): a table of prompts (progress(..., unit='prompt')) has one "
                         "point per entry; plot it by day or week: progress(log, unit='day')")
    key = "week" if "week" in df.columns else "day"
    trend = df.attrs.get("trend")
    trend = trend.set_index("measure") if isinstance(trend, pd.DataFrame) and len(trend) else None
    nrows = -(-len(measures) // ncols)
    fig, axes = plt.subplots(nrows, min(ncols, len(measures)), squeeze=False, sharex=True,
                             figsize=(4.2 * min(ncols, len(measures)), height * nrows), layout="constrained")
    colours = _palette(2)
    x = df[key]
    xw = (x - x.min()).dt.days / 7 if key == "day" else x.astype(float)
    fitted = False
    for ax, m in zip(axes.flat, measures, strict=False):
        label, lim, factor, _, _ = _MEASURES.get(m, (m, None, 1, "", ("higher", "lower")))
        y = df[m].astype("float64") * factor
        ax.plot(x, y, marker="o", color=colours[0], lw=1.4, ms=4.5)
        ax.set_ylabel(label)
        ax.set_ylim(*(lim if lim else (0, max(1.0, float(np.nanmax(y.to_numpy(), initial=0))) * 1.15)))
        ax.set_title(_panel_title(m, trend, y, key), fontsize=9.5)
        slope = _slope(trend, m)
        if np.isfinite(slope[0]):
            ok = y.notna().to_numpy()
            fit = y[ok].mean() + slope[0] * (xw[ok] - xw[ok].mean())
            ax.plot(x[ok], fit, ls="--", color=colours[1], lw=1.3)
            fitted = True
    for ax in axes.flat[len(measures):]:
        ax.remove()
    for ax in axes.flat[max(0, len(measures) - ncols):len(measures)]:  # the lowest panel of each column
        ax.tick_params(labelbottom=True)
        ax.set_xlabel("Week of the log" if key == "week" else "Day")
    first = axes.flat[0]  # shared x: setting the first panel sets them all
    if key == "week":
        first.xaxis.set_major_locator(FixedLocator(x) if len(x) <= 16 else MaxNLocator(integer=True))
        first.set_xlim(x.min() - 0.5, x.max() + 0.5)
    else:
        _day_axis(first, x.min(), x.max())
    span = ""
    if "start_day" in df.columns:  # the data's own first and last day, never a week's end past it
        last = df["end_day"].max() if "end_day" in df.columns else (
            df["start_day"].max() if key == "day" else None)
        span = _date_span(df["start_day"].min(), last) if last is not None else ""
    handles = [Line2D([], [], color=colours[0], marker="o", ms=4.5, label=f"{key.capitalize()}ly value"
                      if key == "week" else "Daily value")]
    if fitted:
        handles.append(Line2D([], [], color=colours[1], ls="--", label="Straight-line trend"))
    fig.legend(handles=handles, loc="outside lower center", ncols=2, frameon=False, fontsize=9)
    if missing:
        fig.text(0.01, 0.005, f"Not recorded in this log: {_names(missing)}.", fontsize=8.5, color="0.35",
                 ha="left", va="bottom")
    fig.suptitle(f"Progress {key} by {key}{', ' + span if span else ''} (n = {plural(len(df), key)})")
    return fig


def _names(measures) -> str:
    """'mood, avoidance and completion': the measures in words."""
    words = [m.replace("_share", "").replace("_", " ") for m in measures]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _slope(trend, m) -> tuple[float, float, float]:
    """The measure's slope and interval per week in the units shown (% for shares), NaN when unknown."""
    if trend is None or m not in trend.index:
        return np.nan, np.nan, np.nan
    row = trend.loc[m]
    factor = _MEASURES.get(m, (None, None, 1))[2]
    if "percentage points" in str(row.get("unit", "")):  # the trend table already gives points
        factor = 1
    return tuple(float(row[c]) * factor for c in ("slope", "slope_ci_low", "slope_ci_high"))


def _about(v: float) -> str:
    """A rounded magnitude: '12', '4.1', '0.28'."""
    v = abs(v)
    return f"{v:.0f}" if v >= 10 else f"{v:.1f}" if v >= 1 else f"{v:.2g}"


def _panel_title(m, trend, y, key) -> str:
    """A progress panel's title: the measure and its trend in plain words, in the panel's units."""
    name = m.replace("_share", "").replace("_", " ").capitalize()
    s, lo, hi = _slope(trend, m)
    if trend is None or m not in trend.index:
        return name
    if not (np.isfinite(s) and np.isfinite(lo) and np.isfinite(hi)):
        return f"{name}: too few {key}s to judge a trend"
    _, _, factor, unit, (up, down) = _MEASURES.get(m, (m, None, 1, "", ("higher", "lower")))
    if lo > 0 or hi < 0:
        return f"{name}: about {_about(s)} {unit + ' ' if unit else ''}{up if s > 0 else down} a week"
    seen = y.dropna()
    if len(seen) < 2:
        return f"{name}: no steady trend"
    pct = "%" if factor == 100 else ""
    digits = 0 if factor == 100 or m in ("activities", "planned", "done") else 1
    return f"{name}: no steady trend ({seen.iloc[0]:.{digits}f}{pct} to {seen.iloc[-1]:.{digits}f}{pct})"


def timeline(data=None, *, ax=None, wins=None, high: float = HIGH):
    """The small-wins timeline: daily mood as a line, and a marker for every small win.

    Days run along the bottom, from the first logged day to the last. The
    left axis is daily mean mood (0-10), drawn as a dark line (gaps where
    nothing was logged). The wins of ``ba.small_wins(log, high=high)`` (or
    *wins*) are stacked up from the bottom of each day, one marker each, on a
    right-hand count axis: planned and done (circle), high mastery (triangle),
    high pleasure (square) and first time (star), each in its own colour. The
    legend states the threshold ("high = 6 or more of 10").

    Parameters
    ----------
    data : pandas.DataFrame
        The tidy log.
    ax : matplotlib.axes.Axes, optional
        Where to draw; by default a new figure.
    wins : pandas.DataFrame, optional
        The frame of ``ba.small_wins`` to show instead of computing it.
    high : float, default 6
        Rating (0-10) from which mastery or pleasure counts as high: the same
        threshold, with the same default, as ``ba.balance`` and ``ba.plot.balance``.

    Returns
    -------
    matplotlib.axes.Axes
        The mood axes; the wins live on its twin (``ax.figure.axes``).

    Raises
    ------
    ValueError
        When the log has no dated entries, or neither mood nor any small win.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import bactivate as ba
    >>> log = ba.synth.client(weeks=8, seed=3)
    >>> ax = ba.plot.timeline(log)
    >>> ax.get_ylabel(), len(ax.figure.axes)
    ('Mood, daily mean (0-10)', 2)
    >>> ax.get_legend().get_title().get_text()
    'Small wins (high = 6 or more of 10)'
    """
    if not _is_log(data):
        raise TypeError("plot.timeline() takes the tidy log as data= (a DataFrame from bactivate.read_log)")
    log = data[data["start"].notna()]
    if log.empty:
        raise ValueError("plot.timeline(): nothing to plot, the log has no dated entries")
    wins = _analysis("small_wins")(log, high=high) if wins is None else wins
    days = log["start"].dt.normalize()
    calendar = pd.date_range(days.min(), days.max(), freq="D")
    mood = log["mood"].groupby(days).mean().reindex(calendar)
    stack = _stack_wins(wins)
    has_mood = bool(mood.notna().any())
    if not has_mood and stack.empty:
        raise ValueError("plot.timeline(): nothing to plot, mood is not recorded in this log and there are "
                         "no small wins (no planned activity done, no high mastery or pleasure)")
    ax = _new_ax(ax, (max(7.0, min(14.0, 4 + 0.16 * len(calendar))), 4.8))
    twin = ax.twinx()
    ax.set_zorder(twin.get_zorder() + 1)  # mood line above the win markers
    ax.patch.set_visible(False)
    if has_mood:
        ax.plot(calendar, mood.to_numpy(), color="0.15", lw=1.8, marker="o", ms=3.5, label="Mood, daily mean")
    colours = sns.color_palette("colorblind")
    for kind, (marker, c) in WIN_STYLE.items():
        part = stack[stack["kind"] == kind]
        twin.scatter(part["day"], part["level"], marker=marker, s=70 if marker == "*" else 30,
                     color=colours[c], edgecolor="0.2", linewidth=0.4, alpha=0.85,
                     label=f"{kind} ({len(part)})")
    top = int(stack["level"].max()) if len(stack) else 1
    twin.set_ylim(0, max(top, 1) * 1.9 + 0.5)  # stacks keep to the lower half
    twin.yaxis.set_major_locator(MaxNLocator(integer=True))
    twin.set_ylabel("Small wins that day (one marker each)", color="0.35")
    twin.tick_params(axis="y", colors="0.35")
    ax.set_ylim(0, 10.5)
    ax.set_ylabel("Mood, daily mean (0-10)" if has_mood else "Mood: not recorded in this log")
    if not has_mood:
        ax.set_yticks([])
    pad = pd.Timedelta(hours=18)  # less than a day: the axis ends on the last logged day
    ax.set_xlim(calendar[0] - pad, calendar[-1] + pad)
    _day_axis(ax, calendar[0], calendar[-1])
    ax.set_xlabel("Day")
    ax.set_title(f"Small wins and mood, {_date_span(calendar[0], calendar[-1])} "
                 f"(n = {plural(len(stack), 'win')}, {plural(mood.notna().sum(), 'day')} with mood)")
    handles = ax.get_legend_handles_labels()[0] + twin.get_legend_handles_labels()[0]
    _legend_below(ax, handles, ncols=len(handles) if ax.bbox.width / ax.figure.dpi > 8 else 3,
                  title=f"Small wins ({high_label(high)})", title_fontsize=8.5)
    return ax


def _stack_wins(wins: pd.DataFrame) -> pd.DataFrame:
    """Wins with ``day`` and ``level`` (1, 2, ... within the day, in WIN_STYLE order)."""
    if wins is None or len(wins) == 0:
        return pd.DataFrame({"day": pd.Series(dtype="datetime64[ns]"), "kind": pd.Series(dtype="str"),
                             "level": pd.Series(dtype="int64")})
    day = wins["day"] if "day" in wins.columns else pd.to_datetime(wins["start"]).dt.normalize()
    order = wins["kind"].map({k: i for i, k in enumerate(WIN_STYLE)}).fillna(len(WIN_STYLE))
    out = pd.DataFrame({"day": day, "kind": wins["kind"].astype(str), "order": order})
    out = out.sort_values(["day", "order"], kind="stable")
    out["level"] = out.groupby("day").cumcount() + 1
    return out


def trajectory(data=None, *, group: str = "arm", value: str = "mood", ax=None, **kwargs):
    """Mean trajectories by arm with CI bands and faint client lines.

    See :func:`bactivate.cohort.trajectory.plot_trajectory`, which draws it.

    Parameters
    ----------
    data : pandas.DataFrame
        A cohort's tidy log (with ``roster=``) or its weekly means.
    group : str, default "arm"
        The arm column (of the roster, or of the weekly frame).
    value : str, default "mood"
        The weekly measure to draw.
    ax : matplotlib.axes.Axes, optional
        Where to draw; by default a new figure.
    **kwargs
        Passed on (``roster``, ``ci``, ``clients``, ``title``).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import bactivate as ba
    >>> log, roster = ba.synth.cohort(n_clients=6, weeks=4, seed=1)
    >>> ax = ba.plot.trajectory(log, roster=roster)
    >>> ax.get_ylabel()
    'Mood (0-10)'
    """
    return plot_trajectory(data, group=group, value=value, ax=ax, **kwargs)
