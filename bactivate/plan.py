"""Next week's plan: a monitoring sheet with the chosen micro-goals filled in, to close the BA loop.

Behavioural activation runs in a weekly loop: the client monitors, the
clinician and client review, they plan a few small steps that are hard to fail,
and the client monitors again. :func:`plan_week` builds that plan from a tidy
log: every day of next week at the client's usual hours, the micro-goals of
:func:`bactivate.suggest_next` (or the clinician's own) filled in as planned
activities. :func:`write_plan` writes it as the sheet the client fills in
(``.xlsx`` or ``.csv``, in the long layout :func:`bactivate.read_log` reads with
no options) or as a printable page (``.html``, :func:`plan_html`).

The sheet round-trips: the activity names are written exactly as the log
names them (a graded step's size goes in the ``Goal`` column, not into the
name), so the next report counts "planned" and "done" for the same activities.

>>> import bactivate as ba
>>> plan = plan_week(ba.synth.client(weeks=4, seed=3), goals=["Play guitar", "Call a friend"])
>>> plan.attrs["client"], str(plan.attrs["week_start"].date()), plan.attrs["hours"][:3]
('C01', '2026-03-30', ['07:00', '09:00', '11:00'])
>>> plan.loc[plan["planned"].fillna(False).astype(bool), "activity"].value_counts().to_dict()
{'Call a friend': 3, 'Play guitar': 2}
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from bactivate._names import name_key
from bactivate.escape import html as _esc
from bactivate.io.write import defuse
from bactivate.lazy import Lazy
from bactivate.outputs import OutputError, check_output, replacing
from bactivate.suggest import suggest_next, without_intervals

__all__ = ["HEADERS", "INSTRUCTIONS", "plan_html", "plan_week", "write_plan"]

#: The plan's columns and the sheet's headers for them (the ``(0-10)`` headers name the
#: scale, so reading the filled-in sheet never asks for one).
HEADERS = {"date": "Date", "time": "Time", "activity": "Activity", "category": "Life area",
           "planned": "Planned", "goal": "Goal", "done": "Done", "mastery": "Mastery (0-10)",
           "pleasure": "Pleasure (0-10)", "mood": "Mood (0-10)", "note": "Notes"}
#: The instructions row, under the title.
INSTRUCTIONS = ("Fill in what you did, mastery and pleasure 0-10, mood 0-10, "
                "and done yes/no for the planned ones")
#: An hour is one of the client's usual hours when it holds at least this share of entries.
USUAL_SHARE = 0.05
#: Without enough usual hours in the log: every hour from 08:00 to 21:00.
FALLBACK_HOURS = tuple(range(8, 22))
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# "Monday", "Tue 3 Mar", "thurs." (not "Monthly" or "Friends")
_DAY_SHEET = re.compile(r"^\s*(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)"
                        r"\b", re.IGNORECASE)
_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_xl = Lazy("openpyxl")  # imported on first use (see bactivate.lazy): only the .xlsx sheet needs it
_xl_styles = Lazy("openpyxl.styles")
_xl_validation = Lazy("openpyxl.worksheet.datavalidation")


def plan_week(log: pd.DataFrame, n: int = 3, *, include=None, exclude=None, week_start=None,
              goals=None, hours=None, by_day=None) -> pd.DataFrame:
    """Next week's monitoring sheet as a frame: one row per time slot, the micro-goals filled in.

    Parameters
    ----------
    log : pandas.DataFrame
        The tidy log of one client (as :func:`bactivate.read_log` returns it).
    n : int, default 3
        How many micro-goals (activities; one may take several slots in the week).
    include : str or list of str, optional
        Activities to plan whatever the suggestions say; they count towards *n*.
        A name the log knows is written as the log writes it, with its life area.
    exclude : str or list of str, optional
        Activities never to plan (matched however they are written: case, spaces).
    week_start : date-like, optional
        The plan's first day; by default the Monday after the log's last day.
    goals : list of str or pandas.DataFrame, optional
        The micro-goals themselves, instead of :func:`bactivate.suggest_next`'s: names,
        or a frame with ``activity`` and any of ``category``, ``suggestion``,
        ``reason``, ``suggested_minutes``, ``suggested_time``, ``suggested_day``,
        ``times`` (slots in the week).
    hours : list of int or "HH:MM", optional
        The slots of each day; by default the hours that hold at least
        :data:`USUAL_SHARE` of the log's entries (:data:`FALLBACK_HOURS` when fewer
        than three do, or the log has no times of day).
    by_day : bool, optional
        Write one sheet per day; by default when the log's own sheets are named
        for days ("Monday", "Tue 3 Mar").

    Returns
    -------
    pandas.DataFrame
        One row per slot, by date and time:

        * ``date`` (datetime64): the day; ``time`` (str): ``"HH:MM"``;
        * ``activity``, ``category`` (str): the micro-goal and its life area, or missing;
        * ``planned`` (boolean): True for a micro-goal, else missing (for the client);
        * ``goal`` (str): what the goal asks, e.g. ``"first step: about 10 minutes"``
          or ``"1 of 2 this week"``;
        * ``done`` (boolean), ``mastery``, ``pleasure``, ``mood`` (float64), ``note``
          (str): empty, for the client.

        ``attrs``: ``client``, ``week_start`` (Timestamp), ``hours`` (the slots),
        ``by_day``, ``paths`` (the log's files, never written over), and ``goals``: one row
        per micro-goal with ``activity``, ``category``, ``suggestion``, ``reason``,
        ``minutes``, ``times`` and ``when`` (its slots, e.g. ``"Tue 31 Mar 15:00"``).

    Notes
    -----
    A "schedule more" goal gets 2 slots in the week (3 when it is already done at
    least twice a week), a "graded first step" one slot, spread over the week: the
    suggested day and time first, else each goal on its own days at one of the
    hours when the client's mood was best. A slot another goal holds moves the
    goal to the next free slot. The plan is a starting point for the session:
    the clinician and client decide.

    Raises
    ------
    ValueError
        For a log of several clients, an hour that cannot be read, or more goal slots
        than the week has.

    See Also
    --------
    bactivate.suggest_next : the suggestions and their reasons.
    write_plan : the sheet (``.xlsx``, ``.csv``) or the printable page (``.html``).

    Examples
    --------
    >>> import bactivate as ba
    >>> log = ba.synth.client(weeks=4, seed=3)
    >>> step = pd.DataFrame({"activity": ["call a friend"], "suggestion": ["graded first step"],
    ...                      "suggested_minutes": [15.0], "suggested_day": ["Saturday"],
    ...                      "suggested_time": ["17:30"]})
    >>> plan = plan_week(log, goals=step, include="Lunch with family", hours=[9, 15])
    >>> plan[plan["planned"].fillna(False).astype(bool)][["date", "time", "activity", "goal"]]
             date   time           activity                          goal
    1  2026-03-30  15:00  Lunch with family              1 of 2 this week
    7  2026-04-02  15:00  Lunch with family              2 of 2 this week
    12 2026-04-04  17:30      Call a friend  first step: about 15 minutes
    >>> len(plan), plan.attrs["goals"]["when"].tolist()
    (15, ['Mon 30 Mar 15:00; Thu 2 Apr 15:00', 'Sat 4 Apr 17:30'])
    """
    client = _client(log)
    start = _week_start(log, week_start)
    slots = _hours(log, hours)
    table = _goals(log, n, include, exclude, goals)
    when = _place(table, start, slots, _ranked_hours(log, slots))
    days = pd.date_range(start, periods=7, freq="D")
    grid = pd.DataFrame({"date": np.repeat(days.values, len(slots)), "time": np.tile(slots, 7)})
    # a goal at a time that is not one of the usual hours gets a row of its own that day
    plan = (pd.concat([grid, when[["date", "time"]]]).drop_duplicates()
            .merge(when, on=["date", "time"], how="left").sort_values(["date", "time"], kind="stable")
            .reset_index(drop=True))
    out = pd.DataFrame({
        "date": plan["date"].astype("datetime64[ns]"),
        "time": plan["time"].astype("str"),
        "activity": plan["activity"].astype("str"),
        "category": plan["category"].astype("str"),
        "planned": pd.array(np.where(plan["activity"].notna(), True, pd.NA), dtype="boolean"),
        "goal": plan["goal"].astype("str"),
        "done": pd.array([pd.NA] * len(plan), dtype="boolean"),
        "mastery": np.nan, "pleasure": np.nan, "mood": np.nan,
        "note": pd.Series(pd.NA, index=plan.index, dtype="str"),
    })
    shown = when.assign(slot=when["date"].dt.strftime("%a %d %b ").str.replace(" 0", " ") + when["time"])
    table["when"] = table["activity"].map(shown.groupby("activity")["slot"].agg("; ".join)).fillna("")
    out.attrs = {"client": client, "week_start": start, "hours": list(slots),
                 "by_day": _by_day(log) if by_day is None else bool(by_day),
                 "paths": list(log.attrs.get("paths") or []),
                 "goals": table.drop(columns=["hour", "day"]).reset_index(drop=True)}
    return out


def _client(log: pd.DataFrame) -> str | None:
    """The client the log belongs to (its most common name), or None."""
    names = log["client"].dropna() if "client" in log else pd.Series(dtype="str")
    if names.nunique() > 1:
        raise ValueError(f"plan_week plans one client's week, and this log holds {names.nunique()}: "
                         "select one first, e.g. log[log['client'] == 'C01']")
    return str(names.iloc[0]) if len(names) else None


def _week_start(log: pd.DataFrame, week_start) -> pd.Timestamp:
    """The plan's first day: *week_start*, else the Monday after the log's last day."""
    if week_start is not None:
        return pd.Timestamp(week_start).normalize()
    last = log["start"].max() if "start" in log else pd.NaT
    if pd.isna(last):  # nothing dated: the coming Monday
        last = pd.Timestamp.today()
    last = pd.Timestamp(last).normalize()
    return last + pd.Timedelta(days=7 - last.weekday())


def _hours(log: pd.DataFrame, hours) -> list[str]:
    """The day's slots as sorted ``"HH:MM"`` text."""
    if hours is not None:
        out = sorted({_hhmm(h) for h in hours})
        if not out:
            raise ValueError("hours= is empty: give at least one hour, e.g. hours=[9, 13, 18]")
        return out
    start = log["start"].dropna() if "start" in log else pd.Series(dtype="datetime64[ns]")
    timed = start[start != start.dt.normalize()]  # entries with a time of day, not a bare date
    share = timed.dt.hour.value_counts(normalize=True)
    usual = sorted(share.index[share >= USUAL_SHARE])
    return [f"{h:02d}:00" for h in (usual if len(usual) >= 3 else FALLBACK_HOURS)]


def _hhmm(value) -> str:
    """An hour (9), a ``"9:30"`` or a time as ``"HH:MM"``; ValueError for anything else."""
    if isinstance(value, (int, np.integer)) and 0 <= value <= 23:
        return f"{int(value):02d}:00"
    match = re.fullmatch(r"\s*(\d{1,2})(?::(\d{2}))?\s*", str(value))
    if match and int(match[1]) <= 23 and int(match[2] or 0) <= 59:
        return f"{int(match[1]):02d}:{int(match[2] or 0):02d}"
    if hasattr(value, "hour") and hasattr(value, "minute"):
        return f"{value.hour:02d}:{value.minute:02d}"
    raise ValueError(f"{value!r} is not an hour: give 9, '09:00' or '9:30'")


def _ranked_hours(log: pd.DataFrame, slots: list[str]) -> list[str]:
    """The slots, best first: by the log's mean mood in that hour, then by how often it is used."""
    start = log["start"] if "start" in log else pd.Series(dtype="datetime64[ns]")
    hour = start.dt.strftime("%H:00")
    mood = log["mood"] if "mood" in log else pd.Series(np.nan, index=log.index)
    stats = pd.DataFrame({"hour": hour, "mood": mood}).groupby("hour")["mood"].agg(["mean", "size"])
    stats = stats.reindex(slots)
    # an hour with a single rating is not evidence: ranked by use only
    stats.loc[stats["size"].fillna(0) < 3, "mean"] = np.nan
    order = stats.assign(slot=slots).sort_values(["mean", "size", "slot"], ascending=[False, False, True],
                                                 na_position="last")
    return order["slot"].tolist()


def _names(names) -> list[str]:
    """*names* (one str, or several) as a list."""
    if names is None:
        return []
    return [names] if isinstance(names, str) else [str(x) for x in names]


def _known(log: pd.DataFrame) -> pd.DataFrame:
    """Per activity key: the name as the log most often writes it, its life area and times a week."""
    acts = log[log["activity"].notna()] if "activity" in log else pd.DataFrame(columns=["activity"])
    if acts.empty:
        return pd.DataFrame(columns=["activity", "category", "per_week"])
    # names as text: the goals table fills in names the log does not hold
    acts = acts.assign(**{c: acts[c].astype("str") for c in ("activity", "category") if c in acts})
    key = acts["activity"].map(name_key)
    name = acts.groupby(key)["activity"].agg(lambda s: s.value_counts().index[0])
    cat = acts.groupby(key)["category"].agg(lambda s: s.value_counts().index[0] if s.notna().any() else pd.NA)
    weeks = max((acts["start"].max() - acts["start"].min()).days + 1, 7) / 7 if acts["start"].notna().any() else 1
    return pd.DataFrame({"activity": name, "category": cat, "per_week": key.value_counts() / weeks})


def _goals(log: pd.DataFrame, n: int, include, exclude, goals) -> pd.DataFrame:
    """The micro-goals, one row each: what :func:`plan_week` writes and ``attrs["goals"]`` lists."""
    include, exclude = _names(include), {name_key(x) for x in _names(exclude)}
    known = _known(log)
    if goals is None:
        table = suggest_next(log, n=n + len(include) + len(exclude))
    elif isinstance(goals, pd.DataFrame):
        table = goals.copy()
    else:
        table = pd.DataFrame({"activity": _names(goals)})
    if "activity" not in table:
        raise ValueError("goals= needs an 'activity' column")
    forced = pd.DataFrame({"activity": include, "suggestion": "schedule more",
                           "reason": "Chosen for this week by you and your clinician."})
    table = pd.concat([forced, table], ignore_index=True)
    table["key"] = table["activity"].astype("str").map(name_key)
    table = table[~table["key"].isin(exclude)].drop_duplicates("key")
    if goals is None:
        table = table.head(max(n, len(include)))
    for col in ("category", "suggestion", "reason", "suggested_minutes", "suggested_time",
                "suggested_day", "times"):
        if col not in table:
            table[col] = np.nan
    # the name and life area as the log writes them, so the next report counts the same activity
    table["activity"] = table["key"].map(known["activity"]).fillna(table["activity"]).astype("str")
    # object first: a column added above as all-NaN is float, which a text fill would not suit
    table["category"] = (table["category"].astype("object").fillna(table["key"].map(known["category"]))
                         .astype("str"))
    table["suggestion"] = table["suggestion"].fillna("schedule more").astype("str")
    table["reason"] = table["reason"].fillna("").astype("str")
    graded = table["suggestion"].eq("graded first step")
    # how often it is done so far: the suggestion's own count where it has one
    per_week = table["key"].map(known["per_week"]).astype("float64")
    if "per_week" in table:
        per_week = pd.to_numeric(table["per_week"], errors="coerce").astype("float64").fillna(per_week)
    default = np.where(graded, 1, np.where(per_week >= 2, 3, 2))
    table["times"] = pd.to_numeric(table["times"], errors="coerce").fillna(pd.Series(default, index=table.index))
    table["times"] = table["times"].clip(1, 7).astype("int64")
    table["minutes"] = pd.to_numeric(table["suggested_minutes"], errors="coerce").astype("float64")
    table["hour"] = table["suggested_time"].map(_time_or_na)
    table["day"] = table["suggested_day"].map(_day_or_na)
    return table[["activity", "category", "suggestion", "reason", "minutes", "times", "hour", "day"]] \
        .reset_index(drop=True)


def _time_or_na(value):
    """``"HH:MM"`` for a suggested time, NA when there is none (or it cannot be read)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return pd.NA
    try:
        return _hhmm(value)
    except ValueError:
        return pd.NA


def _day_or_na(value):
    """0 (Monday) to 6 for a suggested weekday ("Saturday", "sat"), NA when there is none."""
    if not isinstance(value, str):
        return pd.NA
    match = [i for i, day in enumerate(DAYS) if day.startswith(value.strip().lower()[:3])]
    return match[0] if value.strip() and match else pd.NA


def _place(table: pd.DataFrame, start: pd.Timestamp, slots: list[str], ranked: list[str]) -> pd.DataFrame:
    """One row per goal slot: ``date``, ``time``, ``activity``, ``category``, ``goal``."""
    taken, rows, load = set(), [], np.zeros(7, dtype="int64")
    # goals with a suggested day first; the others then go to the days with the fewest goals
    for g in sorted(table.index, key=lambda i: pd.isna(table.at[i, "day"])):  # a handful of goals
        goal = table.loc[g]
        default = (g * 7 // len(table) + g) % 7
        first = int(goal["day"]) if pd.notna(goal["day"]) else min(
            range(7), key=lambda f: (load[f], (f - default) % 7))
        hour = goal["hour"] if pd.notna(goal["hour"]) else ranked[g % len(ranked)]
        for day in _days(first, int(goal["times"]), load):
            date, time = _free(taken, start, day, hour, slots)
            taken.add((date, time))
            load[(date - start).days] += 1
            rows.append({"date": date, "time": time, "activity": goal["activity"],
                         "category": goal["category"], "order": g})
    cols = ["date", "time", "activity", "category", "goal"]
    if not rows:
        return pd.DataFrame(columns=cols).astype({"date": "datetime64[ns]", "time": "str"})
    out = pd.DataFrame(rows).sort_values(["order", "date", "time"], kind="stable")
    # what each slot asks, in the order of the week: "1 of 2 this week", or the first step's size
    nth = out.groupby("order").cumcount() + 1
    k = out.groupby("order")["date"].transform("size")
    minutes = out["order"].map(table["minutes"])
    graded = out["order"].map(table["suggestion"]).eq("graded first step")
    out["goal"] = np.where(
        graded, np.where(minutes.notna(), "first step: about " + minutes.fillna(0).astype(int).astype(str)
                         + " minutes", "a small first step"),
        nth.astype(str) + " of " + k.astype(str) + " this week")
    return out[cols].reset_index(drop=True).astype({"date": "datetime64[ns]", "time": "str"})


def _days(first: int, k: int, load: np.ndarray) -> list[int]:
    """*k* weekdays (0 = Monday) for one goal, from *first*: each next one at least two days from
    the goal's others where it can be, then on the day with the fewest goals so far."""
    chosen = [first]
    for _ in range(k - 1):
        apart = {d: min(min(abs(d - c), 7 - abs(d - c)) for c in chosen) for d in range(7) if d not in chosen}
        chosen.append(max(apart, key=lambda d: (min(apart[d], 2), -load[d], apart[d], -d)))
    return sorted(chosen, key=lambda d: (d - first) % 7)


def _free(taken: set, start: pd.Timestamp, day: int, hour: str, slots: list[str]):
    """The first free (date, time) from *day* at *hour*: later slots that day, then the next days."""
    for d in range(7):
        date = start + pd.Timedelta(days=(day + d) % 7)
        later = [hour] + [s for s in slots if s > hour] if d == 0 else slots
        for time in later:
            if (date, time) not in taken:
                return date, time
    raise ValueError("more micro-goals than slots in the week: give fewer goals or more hours")


def _by_day(log: pd.DataFrame) -> bool:
    """Whether the log's sheets are named for days ("Monday", "Tue 3 Mar"): two or more, all of them."""
    if "source" not in log or log["source"].isna().all():
        return False
    parts = log["source"].dropna().str.rsplit(":", n=2, expand=True)
    if parts.shape[1] < 3:
        return False
    sheets = parts[1].dropna().unique()
    return len(sheets) >= 2 and all(_DAY_SHEET.match(str(s)) for s in sheets)


# ----------------------------------------------------------------------------- writing


def _title(plan: pd.DataFrame) -> tuple[str, str]:
    """The title row's two cells: ``"Client: Sam"`` and ``"Week of Monday 30 March 2026"``."""
    client = plan.attrs.get("client")
    start = pd.Timestamp(plan.attrs.get("week_start", plan["date"].min()))
    week = f"Week of {start:%A} {start.day} {start:%B %Y}"
    return (f"Client: {client}" if client else "Client:"), week


def _cells(plan: pd.DataFrame) -> pd.DataFrame:
    """The plan as the sheet's cells: headers, ``yes``/``no`` for planned and done, text times."""
    out = plan[list(HEADERS)].copy()
    out.attrs = {}  # the goals frame in attrs would be compared cell by cell on every step
    for col in ("planned", "done"):
        out[col] = out[col].map({True: "yes", False: "no"}).astype("object")
    out = out.astype({c: "object" for c in out.columns if c != "date"})
    return out.rename(columns=HEADERS)


def write_plan(plan: pd.DataFrame, path, *, force: bool = False, by_day: bool | None = None):
    """Write a plan as the client's sheet (``.xlsx``, ``.csv``) or as a printable page (``.html``).

    The sheet: row 1 the client (``Client: Sam``) and the week, row 2 the
    instructions, row 3 the headers of :data:`HEADERS`, then one row per slot
    with real dates. :func:`bactivate.read_log` reads it back with no options
    once the client has filled it in; the empty slots are listed as "not an
    entry" (nothing to fix). In ``.xlsx`` the header is bold and frozen, the
    micro-goals are shaded, Done takes yes/no and the ratings 0-10, and it prints
    landscape, one page wide, the header on every page.

    Parameters
    ----------
    plan : pandas.DataFrame
        As :func:`plan_week` returns it.
    path : str or Path
        Ends in ``.xlsx``, ``.csv`` or ``.html``.
    force : bool, default False
        Replace a file already there (never the log the plan was made from).
    by_day : bool, optional
        ``.xlsx`` only: one sheet per day; by default ``plan.attrs["by_day"]``.

    Returns
    -------
    pathlib.Path
        Where the plan was written.

    Raises
    ------
    ValueError
        For another suffix.
    bactivate.outputs.OutputError
        When *path* is the log itself, a file already there (without *force*), or
        cannot be written; nothing is written.

    Examples
    --------
    >>> import tempfile, warnings, bactivate as ba
    >>> plan = plan_week(ba.synth.client(weeks=4, seed=3), goals=["Play guitar"])
    >>> with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     back = ba.read_log(write_plan(plan, f"{tmp}/next-week.xlsx"))
    >>> back[["client", "start", "activity", "planned", "done"]]
      client               start     activity  planned  done
    0    C01 2026-03-30 17:00:00  Play guitar     True  <NA>
    1    C01 2026-04-02 17:00:00  Play guitar     True  <NA>
    """
    suffix = str(path).lower().rsplit(".", 1)[-1] if "." in str(path) else ""
    if suffix not in ("xlsx", "csv", "html", "htm"):
        raise ValueError(f"write_plan writes .xlsx, .csv or .html, not {path!r}")
    target = check_output(path, "the plan", inputs=plan.attrs.get("paths") or (), source="the log",
                          example="next-week.xlsx", instead="next-week.xlsx")
    if target.exists() and not force:
        raise OutputError("the plan", f"{path} is already there; give another name, or force=True (--force) to replace it")
    with replacing(target, "the plan") as tmp:
        if suffix == "xlsx":
            _write_xlsx(plan, tmp, plan.attrs.get("by_day", False) if by_day is None else by_day)
        elif suffix == "csv":
            _write_csv(plan, tmp)
        else:
            tmp.write_text(plan_html(plan), encoding="utf-8")
    return target


def _write_csv(plan: pd.DataFrame, path) -> None:
    """The sheet as CSV (UTF-8 with a byte-order mark, which Excel needs to show accents)."""
    cells = _cells(plan)
    cells["Date"] = plan["date"].dt.strftime("%Y-%m-%d")
    text = cells.columns[cells.dtypes == "object"]
    cells[text] = cells[text].apply(lambda s: defuse(s.astype("str")).astype("object").where(s.notna()))
    client, week = _title(plan)
    top = pd.DataFrame([[client, "", week] + [""] * (len(HEADERS) - 3),
                        [INSTRUCTIONS] + [""] * (len(HEADERS) - 1)], columns=cells.columns)
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        top.to_csv(fh, index=False, header=False)
        cells.to_csv(fh, index=False)


#: Column widths of the sheet, in characters.
WIDTHS = {"Date": 15, "Time": 7, "Activity": 26, "Life area": 16, "Planned": 9, "Goal": 27, "Done": 7,
          "Mastery (0-10)": 9, "Pleasure (0-10)": 9, "Mood (0-10)": 9, "Notes": 34}


def _write_xlsx(plan: pd.DataFrame, path, by_day: bool) -> None:
    """The sheet as a workbook: one sheet, or one per day."""
    wb = _xl.Workbook()
    wb.remove(wb.active)
    if by_day:
        for day, part in plan.groupby(plan["date"].dt.normalize(), sort=True):
            _sheet(wb, f"{day:%a} {day.day} {day:%b}", part)
    else:
        _sheet(wb, "Plan", plan)
    wb.save(path)


def _text(value):
    """A cell's value: text with the characters Excel cannot store removed; anything else as is."""
    return _ILLEGAL_XLSX.sub("", value) if isinstance(value, str) else value


def _sheet(wb, title: str, plan: pd.DataFrame) -> None:
    """One sheet of the plan: title, instructions, bold frozen header, the goals shaded, print setup."""
    styles = _xl_styles
    ws = wb.create_sheet(title)
    client, week = _title(plan)
    ws.append([_text(client), None, week])
    ws.append([INSTRUCTIONS])
    ws.append(list(HEADERS.values()))
    cells = _cells(plan)
    for row in cells.itertuples(index=False):  # one row per slot of one week: about a hundred
        ws.append([_text(v) if not (v is None or (not isinstance(v, str) and pd.isna(v))) else None
                   for v in row])
    for row in ws.iter_rows(min_row=1):
        for cell in row:
            if cell.data_type == "f":  # text the client or the log wrote, never a formula
                cell.data_type = "s"
    ws["A1"].font = styles.Font(bold=True, size=13)
    ws["C1"].font = styles.Font(bold=True, size=13)
    ws["A2"].font = styles.Font(italic=True, color="444444")
    for cell in ws[3]:
        cell.font = styles.Font(bold=True)
        cell.fill = styles.PatternFill("solid", fgColor="D9E2F3")
        cell.alignment = styles.Alignment(wrap_text=True, vertical="center")
        cell.border = styles.Border(bottom=styles.Side(style="thin"))
    shade = styles.PatternFill("solid", fgColor="FFF2CC")
    new_day = styles.Border(top=styles.Side(style="thin", color="808080"))
    goals = plan["planned"].fillna(False).to_numpy(dtype=bool)
    first = (plan["date"] != plan["date"].shift()).to_numpy()
    for i, row in enumerate(ws.iter_rows(min_row=4, max_row=3 + len(plan))):
        row[0].number_format = "ddd d mmm yyyy"
        for cell in row:
            if goals[i]:
                cell.fill = shade
            if first[i] and i:
                cell.border = new_day
        if goals[i]:
            row[2].font = styles.Font(bold=True)
    for col, width in zip("ABCDEFGHIJK", WIDTHS.values(), strict=True):
        ws.column_dimensions[col].width = width
    last = 3 + len(plan)
    yes_no = _xl_validation.DataValidation(type="list", formula1='"yes,no"', allow_blank=True)
    rating = _xl_validation.DataValidation(type="decimal", operator="between", formula1="0", formula2="10",
                                           allow_blank=True, error="A rating from 0 to 10",
                                           errorTitle="0-10")
    ws.add_data_validation(yes_no)
    ws.add_data_validation(rating)
    yes_no.add(f"E4:E{last}")
    yes_no.add(f"G4:G{last}")
    rating.add(f"H4:J{last}")
    ws.freeze_panes = "C4"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = True
    ws.page_margins.left = ws.page_margins.right = 0.4


# ----------------------------------------------------------------------------- printable


_CSS = """
@page { size: A4 landscape; margin: 9mm; }
* { box-sizing: border-box; }
body { font-family: "Segoe UI", Helvetica, Arial, sans-serif; color: #1d1d1f; margin: 0; font-size: 10.5pt; }
header { display: flex; justify-content: space-between; align-items: baseline;
         border-bottom: 2px solid #2f5597; padding-bottom: 3px; }
h1 { font-size: 15pt; margin: 0; }
.week { font-size: 12pt; font-weight: 600; color: #2f5597; }
.how { margin: 4px 0 6px; color: #444; font-size: 9.5pt; }
.goals { margin: 0 0 6px; padding: 0; list-style: none; font-size: 9.5pt; }
.goals li { margin: 1px 0; }
.goals b { color: #7f6000; }
.goals .why { color: #666; font-size: 8.5pt; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
th, td { border: 1px solid #9aa7bd; vertical-align: top; padding: 2px 4px; }
thead th { background: #d9e2f3; font-size: 10pt; }
th.time { width: 4.2em; background: #eef2f9; font-weight: 600; font-size: 9.5pt; }
td.goal { background: #fff2cc; }
.act { font-weight: 700; font-size: 9.5pt; line-height: 1.1; }
.step { font-size: 8pt; color: #5c4a00; line-height: 1.15; }
tr { break-inside: avoid; }
.rate { font-size: 7.5pt; color: #8a93a3; white-space: nowrap; overflow: hidden; margin-top: 1px; }
td.empty { vertical-align: bottom; }
footer { margin-top: 4px; font-size: 8pt; color: #666; }
@media screen { body { margin: 14px; } }
@media print { .rate { color: #777; } }
"""


def plan_html(plan: pd.DataFrame) -> str:
    """The plan as one printable page: the week as a table, hours down and days across.

    Each micro-goal is shaded with its step; every slot has room for what was
    done and the ratings. The goals and their reasons are listed above the
    table. Everything taken from the log (client, activities, reasons) is
    HTML-escaped; the page has no scripts and loads nothing.

    Parameters
    ----------
    plan : pandas.DataFrame
        As :func:`plan_week` returns it.

    Returns
    -------
    str
        A complete HTML document (A4 or Letter, landscape).

    Examples
    --------
    >>> import bactivate as ba
    >>> page = plan_html(plan_week(ba.synth.client(weeks=4, seed=3), goals=["Call a friend"]))
    >>> page.startswith("<!DOCTYPE html>"), page.count("Call a friend")  # 3 slots, 1 in the list
    (True, 4)
    """
    client, week = _title(plan)
    days = pd.DatetimeIndex(sorted(plan["date"].dt.normalize().unique()))
    times = sorted(plan["time"].dropna().unique())
    keyed = plan.assign(day=plan["date"].dt.normalize()).set_index(["day", "time"])
    head = "".join(f"<th>{d:%a} {d.day} {d:%b}</th>" for d in days)
    body = []
    for time in times:  # a dozen hours by seven days
        cells = []
        for day in days:
            row = keyed.loc[(day, time)] if (day, time) in keyed.index else None
            if row is not None and isinstance(row, pd.DataFrame):
                row = row.iloc[0]
            if row is not None and pd.notna(row["activity"]):
                cells.append(f'<td class="goal"><div class="act">{_esc(row["activity"])}</div>'
                             f'<div class="step">{_esc(row["goal"]) if pd.notna(row["goal"]) else ""}'
                             '</div><div class="rate">&#9744; done &nbsp;M __ P __ mood __</div></td>')
            else:
                cells.append('<td class="empty"><div class="rate">M __ P __ mood __</div></td>')
        body.append(f'<tr><th class="time">{_esc(time)}</th>{"".join(cells)}</tr>')
    goals = plan.attrs.get("goals")
    items = ""
    if goals is not None and len(goals):
        items = "".join(
            f'<li><b>{_esc(g.activity)}</b> ({_esc(g.when) if g.when else "not placed"})'
            + (f' <span class="why">- {_esc(without_intervals(pd.Series([g.reason])).iloc[0])}</span>' if g.reason else "") + "</li>"
            for g in goals.itertuples())
        items = f'<ul class="goals">{items}</ul>'
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>{_esc(client)} - {_esc(week)}</title><style>{_CSS}"
        # the rows share the page's height (about 135 mm under the goals), so there is room to write
        f"td {{ height: {min(22.0, max(7.5, 120 / max(len(times), 1))):.1f}mm; }}</style></head><body>"
        f"<header><h1>{_esc(client)}</h1><span class=\"week\">{_esc(week)}</span></header>"
        f'<p class="how">{_esc(INSTRUCTIONS)}. The shaded slots are this week\'s goals: '
        "small steps, meant to be easy. Write what you did in any slot.</p>"
        f"{items}<table><thead><tr><th class=\"time\">Time</th>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
        "<footer>M = mastery (a sense of achievement), P = pleasure, both 0-10; mood 0-10, "
        "10 = best.</footer></body></html>\n")
