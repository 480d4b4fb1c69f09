"""The client's values map: which of the client's values (life areas) each activity serves.

Behavioural activation plans from what matters to the client: relationships, work
or education, hobbies, health, spirituality, daily responsibilities, or values in
the client's own words. A values map is the small sheet the clinician fills in with
the client: an activity, the value it serves, and (optionally) how important that
value is, 0-10. :func:`values_map` reads one (``values=`` of
:func:`bactivate.read_log`, ``--values FILE`` on the command line) and checks it;
:func:`apply_values` gives a tidy log's activities their values.

A map is given as

* a DataFrame or a CSV, XLSX or ODS file with the columns ``activity``, ``value``
  and optionally ``importance``; headers are matched loosely ("Activity", "Value",
  "Life area", "Importance (0-10)"); a row with a value and no activity is a value
  with no activity yet (kept, so that the report can list it);
* a dict ``{"Walk in the park": "Health"}``, where an entry may also be a value with
  its importance and activities: ``{"Spirituality": {"importance": 7, "activities": []}}``;
* a TOML file of the same entries: ``"Walk in the park" = "Health"`` lines, and
  tables ``[Spirituality]`` with ``importance = 7`` and ``activities = [...]``
  (at the top, or under ``[values]``).

Activities are matched as ``activity_map=`` matches them: without regard to case,
spacing, Unicode form or trailing punctuation (:func:`bactivate._names.name_key`).
The user's file is only read, never written.

>>> import pandas as pd
>>> vm = values_map(pd.DataFrame({"Activity": ["Walk", "call mum", None],
...                               "Life area": ["Health", "Family", "Spirituality"],
...                               "Importance (0-10)": [8, 9, 6]}))
>>> vm
   activity         value  importance
0      Walk        Health         8.0
1  call mum        Family         9.0
2       NaN  Spirituality         6.0
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from bactivate._names import clean_name, name_key
from bactivate._util import listed_and, plural
from bactivate.errors import LogError
from bactivate.io.files import read_sheets
from bactivate.io.headers import header_key

__all__ = ["COLUMNS", "MAX_MAP_BYTES", "apply_values", "values_map", "values_table"]

#: The columns of a checked values map (:func:`values_map`).
COLUMNS = ("activity", "value", "importance")
#: A values map is a few dozen lines; a larger file is the wrong one.
MAX_MAP_BYTES = 10 * 2**20
#: How many rows from the top are searched for the header row.
_HEADER_ROWS = 20
#: Header keys (:func:`bactivate.io.headers.header_key`) of the value column.
_VALUE_KEYS = frozenset({"value", "values", "lifearea", "lifeareas", "area", "domain", "lifedomain",
                         "category", "valuelifearea", "valueorlifearea", "lifeareavalue", "myvalue",
                         "myvalues", "whatmatters", "whatmatterstome"})
_EXAMPLE = "e.g. a CSV with the header Activity,Value,Importance (0-10) and a line Walk in the park,Health,8"


def _field(key: str) -> str | None:
    """The map's column a header key names (importance, activity, value), or None."""
    if not key:
        return None
    if "import" in key or key in ("weight", "priority", "rank"):
        return "importance"
    if key.startswith("activit") or key in ("whatido", "whatidid", "task", "action"):
        return "activity"
    if key in _VALUE_KEYS or key.startswith(("value", "lifearea")):
        return "value"
    return None


def _where(given) -> str:
    """How messages name the map: ``values='values.csv'``, ``values= (a DataFrame)``, ``values= (a dict)``."""
    if isinstance(given, str | PathLike):
        return f"values={Path(given).name!r}"
    return f"values= (a {type(given).__name__})"


# --------------------------------------------------------------------------- reading


def _file(path: Path, where: str) -> tuple[pd.DataFrame, list[str]]:
    """A values map file as raw rows (activity, value, importance) and the label of each row."""
    try:
        if path.is_dir():
            raise ValueError(f"{where}: is a folder; give the values map file ({_EXAMPLE})")
        if path.stat().st_size > MAX_MAP_BYTES:
            raise ValueError(f"{where}: the file is over 10 MB; a values map is a short table of "
                             f"activity, value and importance ({_EXAMPLE})")
        if path.suffix.lower() == ".toml":
            return _toml(path.read_bytes(), where)
        sheets = read_sheets(path)
    except OSError as exc:
        raise ValueError(f"{where}: the file cannot be read ({exc.strerror or exc}); give the values map "
                         f"file ({_EXAMPLE})") from None
    except LogError as exc:
        raise ValueError(f"{where}: the file cannot be read as a table ({exc}); save the map as a CSV "
                         f"or XLSX file ({_EXAMPLE})") from None
    missing = None
    for sheet in sheets:  # a loop over a workbook's sheets: the first that holds a map
        found = _header(sheet.cells)
        if found is None:
            continue
        row, fields = found
        label = f"{where}" + (f" sheet {sheet.name!r}" if sheet.name is not None and len(sheets) > 1 else "")
        if "activity" not in fields.values():
            missing = (label, row, sheet.cells.iloc[row], "activity")
            continue
        body = sheet.cells.iloc[row + 1:]
        raw = pd.DataFrame({f: body.iloc[:, c] for c, f in fields.items()})
        return raw, [f"{label} row {i + 1}" for i in body.index]
    if missing is not None:
        label, row, cells, what = missing
        raise ValueError(f"{label} row {row + 1}: no {what} column (the header reads "
                         f"{_header_text(cells)}); add a column Activity naming the activities that "
                         f"serve each value ({_EXAMPLE})")
    first = sheets[0].cells.iloc[0] if sheets and len(sheets[0].cells) else pd.Series([], dtype=object)
    raise ValueError(f"{where}: no value column (the first row reads {_header_text(first)}); name the "
                     f"columns Activity, Value (or Life area) and, if you like, Importance (0-10) "
                     f"({_EXAMPLE})")


def _header_text(cells: pd.Series) -> str:
    """A header row's non-empty cells, quoted, for a message."""
    shown = [repr(str(c).strip()) for c in cells if not _blank(c)]
    return ", ".join(shown[:8]) if shown else "nothing"


def _blank(cell) -> bool:
    """Whether a cell is empty (missing, or only spaces)."""
    return cell is None or (isinstance(cell, float) and math.isnan(cell)) or cell is pd.NA \
        or (isinstance(cell, str) and not cell.strip())


def _header(cells: pd.DataFrame) -> tuple[int, dict[int, str]] | None:
    """``(row, {column position: field})`` of the header: the first row naming an activity and a value
    column, else the first naming a value column (a map with no activity column), else None."""
    found = None
    for i in range(min(_HEADER_ROWS, len(cells))):  # a loop over the first rows of a small sheet
        fields: dict[int, str] = {}
        for c, cell in enumerate(cells.iloc[i]):
            field = _field(header_key(cell)) if isinstance(cell, str) else None
            if field is not None and field not in fields.values():
                fields[c] = field
        if {"activity", "value"} <= set(fields.values()):
            return i, fields
        if found is None and "value" in fields.values():
            found = i, fields
    return found


def _frame(df: pd.DataFrame, where: str) -> tuple[pd.DataFrame, list[str]]:
    """A values map given as a DataFrame: its columns found by their names."""
    fields: dict[str, str] = {}
    for col in df.columns:
        field = _field(header_key(col))
        if field is not None and field not in fields.values():
            fields[col] = field
    for need in ("value", "activity"):
        if need not in fields.values():
            raise ValueError(f"{where}: no {need} column (the columns are "
                             f"{', '.join(repr(str(c)) for c in df.columns[:8]) or 'none'}); name the "
                             "columns activity, value and, if you like, importance (0-10)")
    raw = pd.DataFrame({f: df[c].astype(object).to_numpy() for c, f in fields.items()})
    return raw, [f"{where} index {i!r}" for i in df.index]


def _entries(table: Mapping, where: str) -> tuple[pd.DataFrame, list[str]]:
    """A values map given as entries: ``activity = value``, or ``value = {importance, activities}``."""
    rows, labels = [], []
    for key, item in table.items():  # a loop over the map's entries
        if isinstance(item, str):
            rows.append((key, item, None))
            labels.append(f"{where} entry {key!r}")
        elif isinstance(item, Mapping):
            unknown = set(item) - {"importance", "activities"}
            acts = item.get("activities", [])
            acts = [acts] if isinstance(acts, str) else acts
            if unknown or not isinstance(acts, list) or not all(isinstance(a, str) for a in acts):
                raise ValueError(f"{where} value {key!r}: give its importance and activities, e.g. "
                                 f"{{'importance': 8, 'activities': ['Walk in the park', 'Gym']}} "
                                 f"(in TOML: [{key}] then importance = 8 and activities = [...])")
            for act in acts or [None]:
                rows.append((act, key, item.get("importance")))
                labels.append(f"{where} value {key!r}")
        else:
            raise ValueError(f"{where} entry {key!r} = {item!r}: map an activity to its value, e.g. "
                             "{'Walk in the park': 'Health'}, or give a value with its importance and "
                             "activities, e.g. {'Health': {'importance': 8, 'activities': ['Gym']}}")
    return pd.DataFrame(rows, columns=list(COLUMNS), dtype=object), labels


def _toml(data: bytes, where: str) -> tuple[pd.DataFrame, list[str]]:
    """A TOML values map (entries at the top or under ``[values]``)."""
    try:
        table = tomllib.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{where}: not valid TOML ({exc}); write \"activity\" = \"value\" lines, "
                         "e.g. \"Walk in the park\" = \"Health\"") from None
    if set(table) == {"values"} and isinstance(table["values"], dict):
        table = table["values"]
    return _entries(table, where)


# --------------------------------------------------------------------------- checking


def _text(cells: pd.Series) -> pd.Series:
    """Cells as clean names (:func:`bactivate._names.clean_name`); empty cells missing."""
    out = [None if _blank(c) else clean_name(str(c)) or None for c in cells]
    return pd.Series(pd.array(out, dtype="str"), index=cells.index)


def _importance(cells: pd.Series, value: pd.Series, labels: list[str]) -> np.ndarray:
    """Importance as numbers on 0-10 (NaN when blank), or the error naming the row."""
    raw = cells.map(lambda c: None if _blank(c) else str(c).strip() if isinstance(c, str) else c)
    bad_type = raw.map(lambda c: isinstance(c, bool))
    number = pd.to_numeric(raw.mask(bad_type), errors="coerce").astype("float64")
    wrong = (raw.notna() & number.isna()) | (number.notna() & ~number.between(0, 10))
    if wrong.any():
        i = int(np.flatnonzero(wrong.to_numpy())[0])
        what = "is not a number" if np.isnan(number.iloc[i]) else "is not on 0-10"
        shown = repr(str(raw.iloc[i])) if np.isnan(number.iloc[i]) else f"{number.iloc[i]:g}"
        raise ValueError(f"{labels[i]}: the importance {shown} (of the value {value.iloc[i]!r}) {what}; "
                         "give how important the value is to the client from 0 (not at all) to 10 (most), "
                         "or leave it blank")
    return number.to_numpy()


def _checked(raw: pd.DataFrame, labels: list[str], where: str) -> pd.DataFrame:
    """Raw rows as the checked map: one row per activity, one per value with no activity."""
    raw = raw.reset_index(drop=True)
    activity = _text(raw["activity"]) if "activity" in raw else pd.Series(pd.NA, index=raw.index, dtype="str")
    value = _text(raw["value"])
    keep = (activity.notna() | value.notna()).to_numpy()
    no_value = activity.notna() & value.isna()
    if no_value.any():
        i = int(np.flatnonzero(no_value.to_numpy())[0])
        raise ValueError(f"{labels[i]}: {activity.iloc[i]!r} has no value; write the value it serves "
                         "(e.g. Health, Relationships, or the client's own words), or leave the activity "
                         "out")
    importance = (_importance(raw["importance"], value, labels) if "importance" in raw
                  else np.full(len(raw), np.nan))
    labels = [lab for lab, k in zip(labels, keep, strict=True) if k]
    tab = pd.DataFrame({"activity": activity[keep], "value": value[keep],
                        "importance": importance[keep]}).reset_index(drop=True)
    if tab.empty:
        raise ValueError(f"{where}: the map holds no values; give one row per activity with the value it "
                         f"serves ({_EXAMPLE})")
    tab["akey"] = [name_key(a) if isinstance(a, str) else None for a in tab["activity"]]
    tab["vkey"] = [name_key(v) for v in tab["value"]]
    tab["label"] = labels
    # a value written in several ways ("health", "Health") is one, shown as first written
    tab["value"] = tab.groupby("vkey", sort=False)["value"].transform("first")
    _one_value_each(tab)
    _one_importance_each(tab)
    tab["importance"] = tab.groupby("vkey", sort=False)["importance"].transform("max")
    has_activity = tab["akey"].notna()
    acts = tab[has_activity].drop_duplicates("akey")
    bare = tab[~has_activity & ~tab["vkey"].isin(acts["vkey"])].drop_duplicates("vkey")
    out = pd.concat([acts, bare]).sort_index()[list(COLUMNS)].reset_index(drop=True)
    return out.astype({"activity": "str", "value": "str", "importance": "float64"})


def _one_value_each(tab: pd.DataFrame) -> None:
    """An activity given two different values is an error naming both rows."""
    acts = tab[tab["akey"].notna()]
    two = acts.groupby("akey", sort=False)["vkey"].transform("nunique") > 1
    if two.any():
        rows = acts[two.to_numpy()]
        first = rows.iloc[0]
        other = rows[(rows["akey"] == first["akey"]) & (rows["vkey"] != first["vkey"])].iloc[0]
        raise ValueError(f"{other['label']}: {other['activity']!r} is given the value {other['value']!r}, "
                         f"and {first['value']!r} at {first['label']}; give each activity one value "
                         "(the one it serves most)")


def _one_importance_each(tab: pd.DataFrame) -> None:
    """A value given two different importances is an error naming both rows."""
    rated = tab[tab["importance"].notna()]
    two = rated.groupby("vkey", sort=False)["importance"].transform("nunique") > 1
    if two.any():
        rows = rated[two.to_numpy()]
        first = rows.iloc[0]
        other = rows[(rows["vkey"] == first["vkey"]) & (rows["importance"] != first["importance"])].iloc[0]
        raise ValueError(f"{other['label']}: the value {other['value']!r} is given the importance "
                         f"{other['importance']:g}, and {first['importance']:g} at {first['label']}; give "
                         "each value one importance (or write it once and leave the other rows blank)")


def values_map(given, *, where: str | None = None) -> pd.DataFrame | None:
    """``values=`` checked: one row per activity with its value and the value's importance.

    Parameters
    ----------
    given : DataFrame, dict, str, PathLike or None
        A frame with columns activity, value and optionally importance (headers
        matched loosely: "Activity", "Life area", "Importance (0-10)"); a dict
        ``{"activity": "value"}`` (an entry may be a value with its importance and
        activities: ``{"Spirituality": {"importance": 7, "activities": []}}``); or the
        path of a CSV, XLSX, ODS or TOML file of them.
    where : str, optional
        How messages name the map (default ``values='file.csv'``, or ``values= (a
        dict)``); the command line names its option (``--values file.csv``).

    Returns
    -------
    DataFrame or None
        None when *given* is None; else one row per activity: ``activity`` (str,
        cleaned: :func:`bactivate._names.clean_name`; missing on a row of a value with
        no activity yet), ``value`` (str; values written in several cases are one,
        spelled as first written), ``importance`` (float64 on 0-10, NaN when not given;
        the same on every row of a value). An activity listed twice with the same value
        is one row.

    Raises
    ------
    ValueError
        Naming the file (or frame) and row, and what to fix: a file that cannot be
        read, no activity or value column, an activity with no value, an importance
        that is not a number on 0-10, one activity given two values, or one value
        two importances.

    Examples
    --------
    >>> values_map({"Walk in the park": "Health", "gym.": "health",
    ...             "Spirituality": {"importance": 7, "activities": []}})
               activity         value  importance
    0  Walk in the park        Health         NaN
    1              gym.        Health         NaN
    2               NaN  Spirituality         7.0
    >>> values_map({"Walk": "Health", "walk ": "Family"})
    Traceback (most recent call last):
    ...
    ValueError: values= (a dict) entry 'walk ': 'walk' is given the value 'Family', and 'Health' at values= (a dict) entry 'Walk'; give each activity one value (the one it serves most)
    """
    if given is None:
        return None
    where = where or _where(given)
    if isinstance(given, str | PathLike):
        raw, labels = _file(Path(given).expanduser(), where)
    elif isinstance(given, pd.DataFrame):
        raw, labels = _frame(given, where)
    elif isinstance(given, Mapping):
        raw, labels = _entries(given, where)
    else:
        raise ValueError(f"values= takes a DataFrame (activity, value, importance), a dict "
                         f"{{'activity': 'value'}} or the path of a CSV, XLSX or TOML file, not "
                         f"{type(given).__name__}")
    return _checked(raw, labels, where)


# --------------------------------------------------------------------------- applying


def values_table(vmap: pd.DataFrame, shown: Mapping[str, str] | None = None) -> pd.DataFrame:
    """A checked map as one row per value: ``value``, ``importance``, ``activities``.

    Parameters
    ----------
    vmap : DataFrame
        From :func:`values_map`.
    shown : dict, optional
        Activity key (:func:`bactivate._names.name_key`) -> the name as the log writes it.

    Returns
    -------
    DataFrame
        ``value`` (str), ``importance`` (float64, NaN when not given), ``activities``
        (str: the value's activities joined by ``"; "``, as the log writes them where it
        holds them; ``""`` for a value with no activity yet); the most important values
        first, then in the map's order.

    Examples
    --------
    >>> values_table(values_map({"Walk": "Health", "Gym": "Health",
    ...                          "Spirituality": {"importance": 7}}))  # doctest: +NORMALIZE_WHITESPACE
              value  importance activities
    0  Spirituality         7.0
    1        Health         NaN  Walk; Gym
    """
    shown = shown or {}
    acts = vmap["activity"].map(lambda a: shown.get(name_key(a), a), na_action="ignore")
    joined = acts.groupby(vmap["value"], sort=False).agg(lambda s: "; ".join(s.dropna()))
    importance = vmap.groupby("value", sort=False)["importance"].first()
    out = pd.DataFrame({"value": joined.index.astype("str"), "importance": importance.to_numpy(),
                        "activities": pd.array(joined.to_numpy(), dtype="str")})
    order = np.argsort(-out["importance"].fillna(-1).to_numpy(), kind="stable")
    return out.iloc[order].reset_index(drop=True)


def apply_values(log: pd.DataFrame, vmap: pd.DataFrame, activity_map: Mapping[str, str] | None = None
                 ) -> tuple[pd.Series, pd.DataFrame, list[str]]:
    """The log's ``category`` with the values map applied, the values table, and the notes.

    The map is the clinician's deliberate choice: an activity it names takes its value,
    over the log's own life-area column. Activities the map does not name keep the
    log's own life area. A map activity that ``activity_map=`` merges into another name
    is looked up under that name. Works on the distinct activities.

    Parameters
    ----------
    log : DataFrame
        A tidy log (its ``activity`` and ``category`` columns).
    vmap : DataFrame
        From :func:`values_map`.
    activity_map : dict, optional
        read_log's checked ``activity_map=`` (written name -> activity).

    Returns
    -------
    tuple
        ``(category, values, notes)``: the new category column (str, on the log's
        index), :func:`values_table` (activities as the log writes them), and one note
        counting what the map did.

    Examples
    --------
    >>> import pandas as pd
    >>> log = pd.DataFrame({"activity": ["walk", "Walk", "TV", "Gym"],
    ...                     "category": ["Exercise", "Exercise", "Leisure", pd.NA]}, dtype="str")
    >>> vmap = values_map({"Walk": "Health", "Choir": "Community",
    ...                    "Spirituality": {"importance": 7}})
    >>> category, table, notes = apply_values(log, vmap)
    >>> category.tolist()
    ['Health', 'Health', 'Leisure', nan]
    >>> print(notes[0])
    values map: 1 activity given a value (2 rows whose life area changed); 2 activities of the log not in the map keep their own life area (TV) or have none (Gym); 1 map activity not in this log (Choir); 1 value with no activity yet (Spirituality)
    """
    vmap = vmap.copy()
    if activity_map:
        keyed = {name_key(w): m for w, m in activity_map.items()}
        vmap["activity"] = vmap["activity"].map(lambda a: keyed.get(name_key(a), a), na_action="ignore")
    codes, uniq = pd.factorize(log["activity"])
    codes = np.asarray(codes)
    text = [str(u) for u in uniq]
    keys = [name_key(t) for t in text]
    named = vmap[vmap["activity"].notna()]
    target = dict(zip([name_key(a) for a in named["activity"]], named["value"], strict=True))
    per_name = [target.get(k) for k in keys]  # the value of each distinct activity, None if unmapped
    spread = np.array([*per_name, None], dtype=object)[np.where(codes < 0, len(text), codes)]
    value = pd.Series(pd.array(spread, dtype="str"), index=log.index)
    own = (log["category"].astype("str") if "category" in log
           else pd.Series(pd.NA, index=log.index, dtype="str"))
    category = value.where(value.notna(), own).rename("category")
    changed = int((category.fillna("\0") != own.fillna("\0")).sum())
    # which distinct activities have a life area of their own on some row
    ok = (codes >= 0) & own.notna().to_numpy()
    has_own = np.bincount(codes[ok], minlength=len(text)) > 0
    held = set(keys)
    not_held = [a for a in named["activity"] if name_key(a) not in held]
    with_own = [t for t, v, h in zip(text, per_name, has_own, strict=True) if v is None and h]
    without = [t for t, v, h in zip(text, per_name, has_own, strict=True) if v is None and not h]
    unmapped = len(with_own) + len(without)
    table = values_table(vmap, dict(zip(keys, text, strict=True)))
    empty = table.loc[table["activities"] == "", "value"].tolist()
    mapped = len({k for k, v in zip(keys, per_name, strict=True) if v is not None})
    note = (f"values map: {plural(mapped, 'activity')} given a value ({plural(changed, 'row')} whose "
            "life area changed)")
    if unmapped:
        parts = []
        if with_own:
            parts.append(f"keep their own life area ({listed_and(with_own)})" if unmapped > 1
                         else f"keeps its own life area ({listed_and(with_own)})")
        if without:
            parts.append(f"have none ({listed_and(without)})" if unmapped > 1
                         else f"has none ({listed_and(without)})")
        note += f"; {plural(unmapped, 'activity')} of the log not in the map " + " or ".join(parts)
    if not_held:
        note += f"; {plural(len(not_held), 'map activity', 'map activities')} not in this log " \
                f"({listed_and(not_held)})"
    if empty:
        note += f"; {plural(len(empty), 'value')} with no activity yet ({listed_and(empty)})"
    return category, table, [note]
