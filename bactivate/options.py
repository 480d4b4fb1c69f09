"""How to read a log, in shell form: the command line's reading options and ``--options FILE.toml``.

Every ``bactivate`` command takes what :func:`bactivate.read_log` takes. This
module turns the shell forms into read_log's keywords (plain values: strings,
numbers, dicts, lists, so that they also pass to the report notebook as
papermill parameters) and says what is wrong with a bad one in one line that
names the flag (or the file and key) and the fix.

Each option, on the command line / in an options file / as read_log's keyword:

* ``--format daylio`` / ``format = "daylio"`` / ``format="daylio"``
* ``--client C-07`` / ``client = "C-07"`` / ``client="C-07"``
* ``--sheet "Week 1"`` (repeatable) / ``sheet = "Week 1"`` or ``sheet = ["Week 1", "#3"]`` /
  ``sheet="Week 1"``; ``'#2'`` is the second sheet, ``sheet=1``
* ``--dayfirst`` or ``--monthfirst`` / ``dayfirst = true`` or ``false`` / ``dayfirst=True`` or ``False``
* ``--week-start 2026-03-02`` / ``week_start = 2026-03-02`` / ``week_start="2026-03-02"``
* ``--mood ecstatic=10`` (repeatable) / ``[mood]`` ``ecstatic = 10`` / ``mood_map={"ecstatic": 10}``
* ``--scale mood=1-5`` (repeatable) / ``[scales]`` ``mood = [1, 5]`` / ``scales={"mood": (1, 5)}``
* ``--column "How I feel=mood"`` (repeatable) / ``[columns]`` ``"How I feel" = "mood"`` /
  ``columns={"How I feel": "mood"}``
* ``--activity-map map.csv`` / ``activity_map = "map.csv"`` or an ``[activity_map]`` table /
  ``activity_map={"food shopping": "Food shop"}``
* ``--values values.csv`` / ``values = "values.csv"`` or a ``[values]`` table /
  ``values="values.csv"`` or ``values={"Walk in the park": "Health"}``

Grammar:

* ``--mood LABEL=VALUE``: a mood label (a word, any case) and its value on
  0-10, 10 = best; once per label. Daylio's defaults (rad, good, meh, bad,
  awful) stay known; a label given here adds to them or replaces its value.
* ``--scale COLUMN=LOW-HIGH``: a rating column (mastery, pleasure, mood,
  effort) and its scale's two ends, separated by ``-``, ``..``, ``to`` or an
  en dash: ``mood=1-5``, ``mood=0-100``, ``mood=-3..3``, ``mood=-3-3``,
  ``"mood=-3 to 3"``. A reversed item (higher = worse on the source) is
  written high end first: ``mood=10-0``, ``mood=7-1``; it is mapped so that
  10 = best.
* ``--na CODE`` (repeatable) / ``na = [-99, "NA"]`` / ``na_values=[-99, "NA"]``: a
  code the file writes for a missing answer; a code that reads as a number
  (``-99``) matches the cell however it is written (``-99``, ``-99.0``), any
  other matches its text (any case). Each such cell is blank, its row kept.
* ``--column "HEADER=FIELD"``: a header as written in the log (split at its
  last ``=``) and the tidy field it holds; ``FIELD`` ``none`` keeps the column
  as an extra column instead of reading it as a field.
* ``--sheet NAME``: a sheet's name; ``'#N'`` the N-th sheet (from 1);
  repeat for several.
* ``--activity-map FILE``: a CSV of two columns, the name as the client wrote
  it and the activity it means (a first row ``written,activity`` is a header),
  or a TOML file of ``"written" = "activity"`` lines.
* ``--values FILE``: the client's values map, a CSV, XLSX or TOML file with
  the columns activity, value and optionally importance (0-10)
  (:func:`bactivate.io.values_map.values_map`); checked here, and passed on as
  its full path (the report's notebook reads it).
* ``--options FILE.toml``: any of the above under the keys in the table; keys
  other than these are an error. A relative ``activity_map`` or ``values`` path
  is read from the options file's folder. The command line wins over the file: a
  single value replaces the file's, and ``--mood``, ``--scale``, ``--column``
  add to (or replace entries of) the file's tables.

>>> parse_scale("mood=-3..3")
('mood', [-3, 3])
>>> parse_mood("Ecstatic=10"), parse_column("How I feel=mood"), parse_sheet("#2")
(('Ecstatic', 10), ('How I feel', 'mood'), 1)
"""

from __future__ import annotations

import ast
import difflib
import math
import re
import tomllib
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from bactivate.io.formats import FORMATS
from bactivate.io.headers import FIELDS
from bactivate.io.names import read_map_file
from bactivate.io.values_map import values_map
from bactivate.schema import RATINGS

__all__ = ["FIELDS", "FILE_KEYS", "FORMAT_CHOICES", "OptionError", "command_line_forms", "command_line_hint",
           "parse_column", "parse_mood",
           "parse_na", "parse_range", "parse_scale", "parse_sheet", "read_activity_map", "read_options_file",
           "read_values_option", "reading_options"]

#: ``--format``'s choices, as read_log takes them.
FORMAT_CHOICES: tuple[str, ...] = ("auto", "long", "tidy", *FORMATS)
#: The keys an options file may hold, and what each holds (for the unknown-key message).
FILE_KEYS = {"format": "a layout", "client": "a name", "sheet": "a sheet name or a list of them",
             "dayfirst": "true or false", "week_start": "a date, 2026-03-02", "mood": "a table",
             "scales": "a table", "columns": "a table", "activity_map": "a file name or a table",
             "values": "a file name or a table", "na": "a list of missing-value codes"}
#: read_log's names and other spellings of the keys, for "did you mean"
_ALIASES = {"mood_map": "mood", "moods": "mood", "scale": "scales", "column": "columns",
            "sheets": "sheet", "monthfirst": "dayfirst", "layout": "format", "activities": "activity_map",
            "values_map": "values", "value": "values", "life_areas": "values", "na_values": "na",
            "missing": "na"}
_NONE_FIELD = ("none", "")  # --column "Value=none": not a field, kept as an extra column
_NUMBER = r"[-+−]?\d+(?:\.\d+)?"
_RANGE = re.compile(rf"^\s*({_NUMBER})\s*(?:\.\.|–|—|\bto\b|-)\s*({_NUMBER})\s*$", re.IGNORECASE)
_MAX_MAP_BYTES = 10 * 2**20  # an activity map is a few hundred lines; more is the wrong file


class OptionError(ValueError):
    """A reading option that cannot be used; its message is one line naming the option and the fix."""


# --------------------------------------------------------------------------- one option, one value


def _number(text: str) -> int | float | None:
    """*text* as a number (an int when whole), or None."""
    text = str(text).strip().replace("−", "-")
    try:
        value = float(text)
    except ValueError:
        return None
    if not math.isfinite(value):
        return None
    return int(value) if value.is_integer() and "." not in text and "e" not in text.lower() else value


def _split(text: str, flag: str, form: str, example: str, *, last: bool = False) -> tuple[str, str]:
    """``NAME=VALUE`` split at its first (or *last*) ``=``, both sides trimmed."""
    if "=" not in text:
        raise OptionError(f"{flag} {text!r}: write it as {form}, e.g. {flag} {example}")
    name, _, value = text.rpartition("=") if last else text.partition("=")
    return name.strip(), value.strip()


def parse_mood(text: str, flag: str = "--mood") -> tuple[str, int | float]:
    """``LABEL=VALUE`` as ``(label, value)``; the value on 0-10, 10 = best.

    Examples
    --------
    >>> parse_mood("down = 2")
    ('down', 2)
    >>> parse_mood("down=12")
    Traceback (most recent call last):
    ...
    bactivate.options.OptionError: --mood 'down=12': the value is 12; give it on 0-10 (0 = worst, 10 = best), as in --mood down=VALUE
    """
    label, value = _split(text, flag, "LABEL=VALUE (the value on 0-10, 10 = best)", "'great=9'", last=True)
    _check_mood(label, value, f"{flag} {text!r}", lambda lab, v: f"{flag} {lab}={v}")
    return label, _number(value)


def _check_mood(label, value, where: str, form) -> None:
    """A mood label (a word) and its value, a number from 0 to 10."""
    if not re.search(r"[^\W\d_]", label):
        raise OptionError(f"{where}: a mood label is a word as the log writes it, e.g. {form('great', 9)}")
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int | float):
        number = value if math.isfinite(value) else None
    else:
        number = _number(value)
    if number is None:
        raise OptionError(f"{where}: the value must be a number on 0-10 (0 = worst, 10 = best), "
                          f"as in {form(label, 'VALUE')}")
    if not 0 <= number <= 10:
        raise OptionError(f"{where}: the value is {number:g}; give it on 0-10 (0 = worst, 10 = best), "
                          f"as in {form(label, 'VALUE')}")


def parse_range(text: str) -> list[int | float] | None:
    """``LOW-HIGH`` (also ``LOW..HIGH``, ``LOW to HIGH``, ``LOW–HIGH``) as ``[low, high]``, or None.

    Examples
    --------
    >>> parse_range("1-5"), parse_range("-3-3"), parse_range("-3 to 3"), parse_range("0..100")
    ([1, 5], [-3, 3], [-3, 3], [0, 100])
    >>> parse_range("five") is None
    True
    """
    m = _RANGE.match(str(text))
    return None if m is None else [_number(m.group(1)), _number(m.group(2))]


def _rating(column: str, where: str, form) -> str:
    """*column* as a rating field (any case), or the error naming the ratings."""
    field = column.strip().lower()
    if field not in RATINGS:
        raise OptionError(f"{where}: {column!r} is not a rating; scales apply to "
                          f"{', '.join(RATINGS)}, e.g. {form('mood', '1-5')}")
    return field


def parse_scale(text: str, flag: str = "--scale") -> tuple[str, list[int | float]]:
    """``COLUMN=LOW-HIGH`` as ``(column, [low, high])``.

    Examples
    --------
    >>> parse_scale("Mood=1 to 7")
    ('mood', [1, 7])
    >>> parse_scale("mood=10-0")  # a reversed item: higher = worse on the source
    ('mood', [10, 0])
    >>> parse_scale("mood=5-5")
    Traceback (most recent call last):
    ...
    bactivate.options.OptionError: --scale 'mood=5-5': the two ends are the same; give e.g. --scale mood=1-5
    """
    column, value = _split(text, flag, "COLUMN=LOW-HIGH", "mood=1-5")
    where = f"{flag} {text!r}"
    field = _rating(column, where, lambda c, r: f"{flag} {c}={r}")
    pair = parse_range(value)
    if pair is None:
        raise OptionError(f"{where}: give the scale's two ends as LOW-HIGH, e.g. {flag} {field}=1-5 "
                          f"(or {field}=-3..3)")
    return field, _ordered(pair, where, lambda lo, hi: f"{flag} {field}={lo:g}-{hi:g}")


def _ordered(pair, where: str, form) -> list:
    """*pair* if its two ends differ (high first: a reversed item), else the error."""
    lo, hi = pair
    if hi == lo:
        raise OptionError(f"{where}: the two ends are the same; give e.g. {form(1, 5)}")
    return [lo, hi]


def _field(value: str, where: str, form) -> str | None:
    """A tidy field named by *value* (any case); ``none`` (or nothing) for "not a field"."""
    field = str(value).strip().lower()
    if field in _NONE_FIELD:
        return None
    if field not in FIELDS:
        raise OptionError(f"{where}: {value!r} is not a field; the fields are {', '.join(sorted(FIELDS))} "
                          f"(or none: keep it as an extra column), e.g. {form('I like doing this', 'pleasure')}")
    return field


def parse_column(text: str, flag: str = "--column") -> tuple[str, str | None]:
    """``HEADER=FIELD`` as ``(header, field)``, split at the last ``=``; field ``none`` is None.

    Examples
    --------
    >>> parse_column("Mood (1=bad, 10=great)=mood"), parse_column("Value=none")
    (('Mood (1=bad, 10=great)', 'mood'), ('Value', None))
    """
    header, value = _split(text, flag, '"HEADER=FIELD"', '"How I feel=mood"', last=True)
    where = f"{flag} {text!r}"
    if not header:
        raise OptionError(f'{where}: name the header as the log writes it, e.g. {flag} "How I feel=mood"')
    return header, _field(value, where, lambda h, f: f'{flag} "{h}={f}"')


def parse_sheet(text: str, flag: str = "--sheet") -> str | int:
    """A sheet's name, or ``#N`` for the N-th sheet (from 1) as read_log's position (from 0).

    Examples
    --------
    >>> parse_sheet("Week 2"), parse_sheet("#1")
    ('Week 2', 0)
    """
    text = str(text)
    m = re.fullmatch(r"\s*#\s*(\d+)\s*", text)
    if m:
        n = int(m.group(1))
        if n < 1:
            raise OptionError(f"{flag} {text!r}: sheets count from #1 (the first), e.g. {flag} '#1'")
        return n - 1
    if not text.strip():
        raise OptionError(f"{flag} {text!r}: give a sheet's name, e.g. {flag} 'Week 1', or '#1' for the first")
    return text


def parse_day(text, where: str) -> str:
    """A date (``2026-03-02``, or a TOML date) as ISO text."""
    if isinstance(text, date):
        return date(text.year, text.month, text.day).isoformat()
    try:
        return date.fromisoformat(str(text).strip()).isoformat()
    except ValueError:
        raise OptionError(f"{where}: {text!r} is not a date; give it as YYYY-MM-DD, e.g. 2026-03-02") from None


# --------------------------------------------------------------------------- activity maps


def read_activity_map(path, where: str = "--activity-map") -> dict[str, str]:
    """An activity map file as ``{"as written": "activity"}`` (:func:`bactivate.io.names.read_map_file`).

    A ``.toml`` file holds ``"written" = "activity"`` lines (at its top, or
    under ``[activity_map]``); any other file is a CSV of two columns, the
    name as written and the activity it means, whose first row is skipped
    when it reads ``written,activity``. Blank lines are skipped.

    Raises
    ------
    OptionError
        For a missing or unreadable file, a line that is not two names, or a
        name mapped to two different activities.
    """
    path = Path(path)
    where = f"{where} {path}"
    try:
        table = read_map_file(path, where)
    except ValueError as exc:
        raise OptionError(str(exc)) from None
    return table_activity_map(table, where) if path.suffix.lower() == ".toml" else table


def _add_synonym(out: dict, lines: dict, written: str, activity: str, number, where: str) -> None:
    """Add ``written -> activity``; the same name mapped to two activities is an error."""
    key = written.casefold()
    if key in lines and out[lines[key][1]] != activity:
        first, name = lines[key]
        raise OptionError(f"{where} line {number}: {written!r} is mapped to {out[name]!r} (line {first}) "
                          f"and to {activity!r}; keep one")
    lines[key] = (number, written)
    out[written] = activity


def table_activity_map(table, where: str) -> dict[str, str]:
    """A TOML table (or dict) ``{"written": "activity"}``, checked."""
    if not isinstance(table, dict) or not table:
        raise OptionError(f'{where}: give the activity map as a table of "written" = "activity" lines, '
                          'e.g. "food shopping" = "Food shop"')
    out: dict[str, str] = {}
    lines: dict[str, int] = {}
    for n, (written, activity) in enumerate(table.items(), start=1):
        if not isinstance(activity, str) or not activity.strip() or not str(written).strip():
            raise OptionError(f'{where}: {written!r} = {activity!r}: map a name to an activity name, '
                              'e.g. "food shopping" = "Food shop"')
        _add_synonym(out, lines, str(written).strip(), activity.strip(), f"entry {n}", where)
    return out


def read_values_option(given, where: str = "--values") -> str | dict:
    """A values map option checked (:func:`bactivate.io.values_map.values_map`), as a plain value.

    Parameters
    ----------
    given : str, os.PathLike or dict
        A file (CSV, XLSX, ODS, TOML), or a table of ``"activity" = "value"`` entries
        (an options file's ``[values]``).
    where : str
        How the message names the option (``--values``, or the options file and key).

    Returns
    -------
    str or dict
        The file's full path (links resolved), or the table as given: read_log's
        ``values=``, and a notebook parameter.

    Raises
    ------
    OptionError
        For a file that cannot be read or a map that is wrong: one line naming the
        option, the file and row, and what to fix.

    Examples
    --------
    >>> read_values_option({"Walk in the park": "Health"})
    {'Walk in the park': 'Health'}
    >>> read_values_option("no-such-values.csv")
    Traceback (most recent call last):
    ...
    bactivate.options.OptionError: --values no-such-values.csv: the file cannot be read (No such file or directory); give the values map file (e.g. a CSV with the header Activity,Value,Importance (0-10) and a line Walk in the park,Health,8)
    """
    if isinstance(given, dict):
        label = where
    else:
        given = Path(given).expanduser()
        label = f"{where} {given}"
    try:
        values_map(given, where=label)
    except ValueError as exc:
        raise OptionError(str(exc)) from None
    return given if isinstance(given, dict) else str(given.resolve())


# --------------------------------------------------------------------------- the options file


def _toml(text: str, where: str) -> dict:
    """*text* parsed as TOML, or the one-line error."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise OptionError(f"{where}: not valid TOML ({exc}); write key = value lines, "
                          'e.g. format = "daylio"') from None


def _beside(options_file: Path, value: str) -> Path:
    """A file named in an options file: as given when absolute, else beside the options file."""
    file = Path(value).expanduser()
    return file if file.is_absolute() else options_file.parent / file


def read_options_file(path, flag: str = "--options") -> dict:
    """An options file (TOML) as read_log's keywords (only those it sets).

    Parameters
    ----------
    path : str or os.PathLike
        The file: keys ``format``, ``client``, ``sheet``, ``dayfirst``,
        ``week_start``, ``activity_map``, ``values`` and the tables ``[mood]``,
        ``[scales]``, ``[columns]``.

    Returns
    -------
    dict
        read_log's keywords: ``format``, ``client``, ``sheet``, ``dayfirst``,
        ``week_start``, ``mood_map``, ``scales``, ``columns``, ``activity_map``,
        ``values`` (a file's full path, or the table).

    Raises
    ------
    OptionError
        For a missing or unreadable file, a key other than these (the message
        names it and the valid keys), or a value of the wrong kind.
    """
    path = Path(path)
    try:
        if path.is_dir():
            raise OptionError(f"{flag} {path}: is a folder; give the options file, e.g. client.toml")
        if path.stat().st_size > _MAX_MAP_BYTES:
            raise OptionError(f"{flag} {path}: is over 10 MB; an options file is a few lines of TOML")
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise OptionError(f"{flag} {path}: cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise OptionError(f"{flag} {path}: is not UTF-8 text; save it as UTF-8 (TOML files are)") from None
    table = _toml(text, f"{flag} {path}")
    where = f"{path}"
    unknown = [k for k in table if k not in FILE_KEYS]
    if unknown:
        key = unknown[0]
        near = _ALIASES.get(key) or next(iter(difflib.get_close_matches(key.replace("-", "_"), FILE_KEYS, n=1)),
                                         None)
        hint = f"did you mean {near!r}? " if near else ""
        raise OptionError(f"{where}: unknown key {key!r}; {hint}the keys are {', '.join(FILE_KEYS)}")
    out: dict = {}
    for key, value in table.items():
        at = f"{where}: {key}"
        if key == "format":
            out["format"] = _format(value, at, lambda v: f'format = "{v}"')
        elif key == "client":
            if not isinstance(value, str | int) or isinstance(value, bool) or not str(value).strip():
                raise OptionError(f'{at}: give the client\'s name or id as text, e.g. client = "C-07"')
            out["client"] = str(value).strip()
        elif key == "sheet":
            items = value if isinstance(value, list) else [value]
            if not items or not all(isinstance(s, str) for s in items):
                raise OptionError(f'{at}: give sheet names as text, e.g. sheet = "Week 1" or '
                                  'sheet = ["Week 1", "Week 2"] ("#1" for the first sheet)')
            sheets = [parse_sheet(s, f"{where}: sheet =") for s in items]
            out["sheet"] = sheets if isinstance(value, list) else sheets[0]
        elif key == "dayfirst":
            if not isinstance(value, bool):
                raise OptionError(f"{at}: write dayfirst = true (03/04/2026 is 3 April) or "
                                  "dayfirst = false (March 4), without quotes")
            out["dayfirst"] = value
        elif key == "week_start":
            out["week_start"] = parse_day(value, f"{at} =")
        elif key in ("mood", "scales", "columns"):
            if not isinstance(value, dict):
                example = {"mood": "[mood] then great = 9", "scales": "[scales] then mood = [1, 5]",
                           "columns": '[columns] then "How I feel" = "mood"'}[key]
                raise OptionError(f"{at}: give it as a table, e.g. {example}")
            if key == "mood":
                out["mood_map"] = _mood_table(value, where)
            elif key == "scales":
                out["scales"] = _scales_table(value, where)
            else:
                out["columns"] = _columns_table(value, where)
        elif key == "na":
            out["na_values"] = [parse_na(str(v), f"{at} =") if isinstance(v, str) else _na_number(v, at)
                                for v in (value if isinstance(value, list) else [value])]
        elif key == "values":
            if isinstance(value, str):
                out["values"] = read_values_option(_beside(path, value), f"{where}: values =")
            else:
                out["values"] = read_values_option(value, f"{where}: [values]")
        else:  # activity_map
            if isinstance(value, str):
                out["activity_map"] = read_activity_map(_beside(path, value), f"{where}: activity_map =")
            else:
                out["activity_map"] = table_activity_map(value, f"{where}: [activity_map]")
    return out


def parse_na(text: str, flag: str = "--na"):
    """``--na CODE``: a missing-value code, a number when it reads as one (``-99``), else the text.

    Examples
    --------
    >>> parse_na("-99"), parse_na("999"), parse_na("NA"), parse_na("."), parse_na("-9.5")
    (-99, 999, 'NA', '.', -9.5)
    >>> parse_na(" ")
    Traceback (most recent call last):
    ...
    bactivate.options.OptionError: --na ' ': give the code the file writes for a missing answer, e.g. --na -99 or --na NA
    """
    code = str(text).strip()
    if not code:
        raise OptionError(f"{flag} {text!r}: give the code the file writes for a missing answer, "
                          "e.g. --na -99 or --na NA")
    num = _number(code.replace("−", "-")) if re.fullmatch(_NUMBER, code) else None
    return num if num is not None else code


def _na_number(value, where: str):
    """A number in ``na = [...]`` of an options file."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise OptionError(f"{where}: give the missing-value codes as numbers or text, e.g. na = [-99, \"NA\"]")
    return value


def _format(value, where: str, form) -> str:
    """A layout read_log knows."""
    if value not in FORMAT_CHOICES:
        raise OptionError(f"{where}: {value!r} is not a layout; the layouts are {', '.join(FORMAT_CHOICES)}, "
                          f"e.g. {form('daylio')}")
    return value


def _mood_table(table: dict, where: str) -> dict:
    """``[mood]`` as mood_map."""
    out: dict = {}
    for label, value in table.items():
        _check_mood(str(label), value, f"{where}: [mood] {label} = {value!r}",
                    lambda lab, v: f"[mood] {lab} = {v}")
        _no_twice(out, str(label).strip(), f"{where}: [mood]")
        out[str(label).strip()] = value if isinstance(value, int | float) else _number(value)
    return out


def _scales_table(table: dict, where: str) -> dict:
    """``[scales]`` as scales (each ``[low, high]``, or a ``"1-5"`` string)."""
    out: dict = {}
    for column, value in table.items():
        at = f"{where}: [scales] {column} = {value!r}"
        field = _rating(str(column), at, lambda c, r: f"[scales] {c} = [{r.replace('-', ', ')}]")
        if isinstance(value, str):
            pair = parse_range(value)
        elif (isinstance(value, list) and len(value) == 2
              and all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v) for v in value)):
            pair = list(value)
        else:
            pair = None
        if pair is None:
            raise OptionError(f"{at}: give the scale's two ends, e.g. [scales] {field} = [1, 5]")
        _no_twice(out, field, f"{where}: [scales]")
        out[field] = _ordered(pair, at, lambda lo, hi, f=field: f"[scales] {f} = [{lo:g}, {hi:g}]")
    return out


def _columns_table(table: dict, where: str) -> dict:
    """``[columns]`` as columns (``"none"`` for a header kept as an extra column)."""
    out: dict = {}
    for header, value in table.items():
        at = f"{where}: [columns] {header!r} = {value!r}"
        if not isinstance(value, str):
            raise OptionError(f'{at}: give the field as text, e.g. [columns] "How I feel" = "mood"')
        out[str(header)] = _field(value, at, lambda h, f: f'[columns] "{h}" = "{f}"')
    return out


def _no_twice(out: dict, key: str, where: str) -> None:
    """The same label (in another case) given twice."""
    for k in out:
        if k.casefold() == key.casefold():
            raise OptionError(f"{where}: {k!r} and {key!r} are the same; give it once")


# --------------------------------------------------------------------------- all of them


def reading_options(*, options=None, format=None, client=None, sheet: Iterable[str] = (), dayfirst=None,
                    week_start=None, mood: Iterable[str] = (), scale: Iterable[str] = (),
                    column: Iterable[str] = (), activity_map=None, values=None,
                    na: Iterable[str] = ()) -> dict:
    """read_log's keywords from an options file and the command line (which wins).

    Parameters
    ----------
    options : str or os.PathLike, optional
        ``--options``: a TOML file (:func:`read_options_file`).
    format, client, dayfirst, week_start : optional
        ``--format``, ``--client``, ``--dayfirst``/``--monthfirst``, ``--week-start``
        (None: not given).
    sheet, mood, scale, column : iterable of str
        Each ``--sheet``, ``--mood``, ``--scale`` and ``--column`` given, in order.
    activity_map : str or os.PathLike, optional
        ``--activity-map``: a file (:func:`read_activity_map`).
    values : str or os.PathLike, optional
        ``--values``: the client's values map, a file (:func:`read_values_option`).
    na : iterable of str
        Each ``--na CODE`` given (:func:`parse_na`): added to the file's ``na = [...]``.

    Returns
    -------
    dict
        The keywords set by either: ``format``, ``client``, ``sheet``,
        ``dayfirst``, ``week_start``, ``mood_map``, ``scales``, ``columns``,
        ``activity_map``, ``values`` (a file's full path, or a table). A single value on the command line replaces the
        file's; ``--mood``, ``--scale`` and ``--column`` add to the file's
        tables (replacing an entry of the same label, column or header).

    Raises
    ------
    OptionError
        One line naming the flag (or file and key) and the fix.

    Examples
    --------
    >>> reading_options(mood=["ecstatic=10", "down=2"], scale=["effort=1-5"], sheet=["Week 1"])
    {'sheet': 'Week 1', 'mood_map': {'ecstatic': 10, 'down': 2}, 'scales': {'effort': [1, 5]}}
    """
    out = read_options_file(options) if options is not None else {}
    if format is not None:
        out["format"] = _format(format, f"--format {format!r}", lambda v: f"--format {v}")
    if client is not None:
        if not str(client).strip():
            raise OptionError("--client '': give the client's name or id, e.g. --client C-07")
        out["client"] = client
    sheets = [parse_sheet(s) for s in sheet]
    if sheets:
        out["sheet"] = sheets if len(sheets) > 1 else sheets[0]
    if dayfirst is not None:
        out["dayfirst"] = dayfirst
    if week_start is not None:
        out["week_start"] = parse_day(week_start, f"--week-start {week_start!r}")
    for key, flag, parse, items in (("mood_map", "--mood", parse_mood, mood),
                                    ("scales", "--scale", parse_scale, scale),
                                    ("columns", "--column", parse_column, column)):
        given: dict = {}
        for text in items:
            name, value = parse(text)
            same = [k for k in given if k.casefold() == name.casefold()]
            if same and given[same[0]] != value:
                raise OptionError(f"{flag} given twice for {name!r} ({_shown(given[same[0]])} and "
                                  f"{_shown(value)}); give it once")
            given[name] = value
        if given:
            merged = {k: v for k, v in out.get(key, {}).items()
                      if not any(k.casefold() == g.casefold() for g in given)}
            out[key] = {**merged, **given}
    codes = [parse_na(t) for t in na]
    if codes:
        out["na_values"] = list(dict.fromkeys([*out.get("na_values", []), *codes]))
    if activity_map is not None:
        out["activity_map"] = read_activity_map(activity_map)
    if values is not None:
        out["values"] = read_values_option(values)
    return out


def _shown(value) -> str:
    """A value as the command line writes it."""
    if isinstance(value, list):
        return f"{value[0]:g}-{value[1]:g}"
    return "none" if value is None else f"{value:g}" if isinstance(value, int | float) else str(value)


#: read_log's keywords that a loader message may name, and this command's options for them
_OPTIONS = {"dayfirst=": "--dayfirst or --monthfirst", "format=": "--format FORMAT",
            "week_start=": "--week-start YYYY-MM-DD", "sheet=": "--sheet NAME (or '#N', the N-th sheet)",
            "mood_map=": "--mood LABEL=VALUE for each label, VALUE on 0-10 with 10 the best",
            "scales=": "--scale COLUMN=LOW-HIGH", "columns=": '--column "HEADER=FIELD"',
            "activity_map=": "--activity-map FILE", "values=": "--values FILE", "na_values=": "--na CODE"}
_LITERAL = re.compile(r"""\b(dayfirst|format|scales|columns)=(True|False|'[^']*'|"[^"]*"|\{[^{}]*\})""")


def command_line_hint(msg: str) -> str:
    """The command-line options for the read_log keywords that *msg* names, if any.

    Where the message gives a value (``scales={'mood': (1, 5)}``, ``dayfirst=True``),
    the option is written with it (``--scale mood=1-5``, ``--dayfirst``).

    Parameters
    ----------
    msg : str
        A loader message (an error, a reason in ``attrs["rejected"]``, a note).

    Returns
    -------
    str
        ``" (on the command line: ...)"``, or ``""`` when *msg* names no keyword.

    Examples
    --------
    >>> command_line_hint("cannot tell the scale of 'mood'; declare it, e.g. scales={'mood': (1, 5)}")
    ' (on the command line: --scale mood=1-5)'
    """
    named = [form for _, form in command_line_forms(msg)]
    return f" (on the command line: {'; '.join(named)})" if named else ""


def command_line_forms(msg: str) -> list[tuple[str, str]]:
    """``(keyword, option)`` for each read_log keyword *msg* names, with its value where it gives one.

    Parameters
    ----------
    msg : str
        A loader message.

    Returns
    -------
    list of tuple
        ``("scales=", "--scale mood=1-5")`` and so on, in the order of :data:`_OPTIONS`.

    Examples
    --------
    >>> command_line_forms("pass dayfirst=True, or read with sheet='Week 1'")
    [('dayfirst=', '--dayfirst'), ('sheet=', "--sheet NAME (or '#N', the N-th sheet)")]
    """
    out = []
    for key, opt in _OPTIONS.items():
        # a message that already writes the option (the Daylio mood message does) needs no hint
        if key not in msg or opt.split()[0] in msg:
            continue
        forms = [_form(m.group(1), m.group(2)) for m in _LITERAL.finditer(msg) if m.group(1) + "=" == key]
        forms = [f for f in forms if f]
        out.append((key, " or ".join(dict.fromkeys(forms)) if forms else opt))
    return out


def _form(key: str, value: str) -> str | None:
    """The command-line form of ``key=value`` as a loader message writes it, or None."""
    try:
        value = ast.literal_eval(value)
    except (ValueError, SyntaxError):
        return None
    if key == "dayfirst":
        return "--dayfirst" if value else "--monthfirst"
    if key == "format":
        return f"--format {value}" if value in FORMAT_CHOICES else None
    if not isinstance(value, dict) or not value:
        return None
    parts = []
    for k, v in value.items():
        if key == "scales" and isinstance(v, tuple | list) and len(v) == 2:
            parts.append(f"--scale {k}={v[0]:g}-{v[1]:g}")
        elif key == "columns" and isinstance(k, str) and (v is None or v in FIELDS):
            parts.append(f'--column "{k}={v or "none"}"')
        else:
            return None
    return " ".join(parts)
