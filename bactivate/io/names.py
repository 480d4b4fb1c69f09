"""One activity, one name: the client's synonyms merged with ``activity_map=``, and the pairs of
names that look like one activity but were not merged.

Names that differ only in case, spacing, Unicode form or trailing punctuation are one
activity already (:func:`bactivate._names.merge_names`, in :func:`bactivate.io.tidy.tidy_log`).
Synonyms the client wrote differently (``walk the dog``, ``dog walk``) are merged only when
the user says so: :func:`activity_map` checks ``activity_map=`` (a dict, or a CSV/TOML file),
:func:`map_activities` applies it to a tidy log. :func:`likely_synonyms` lists the pairs that
look alike, for ``bactivate validate`` to show.

>>> import pandas as pd
>>> log = pd.DataFrame({"activity": ["Walk dog", "walk the dog", "Gym", "gym session"]})
>>> names, notes = map_activities(log, {"Walk the dog": "Walk dog"})
>>> names.tolist()
['Walk dog', 'Walk dog', 'Gym', 'gym session']
>>> likely_synonyms(log)[["activity", "other", "why"]].to_numpy().tolist()
[['Walk dog', 'walk the dog', "the same words without 'the'"], ['Gym', 'gym session', "'gym session' starts with 'Gym'"]]
"""

from __future__ import annotations

import csv
import itertools
import tomllib
from collections.abc import Mapping
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from bactivate._names import clean_name, look_alike, merge_names, merge_notes, name_key

#: An activity map file is a few hundred lines; a larger file is the wrong one.
MAX_MAP_BYTES = 10 * 2**20
#: :func:`likely_synonyms` compares the most frequent names only (pairs grow as the square).
MAX_COMPARED = 400


def read_map_file(path, where: str) -> dict[str, str]:
    """An activity map file as ``{"as written": "activity"}``, or ValueError saying what to fix.

    A ``.toml`` file holds ``"written" = "activity"`` lines (at its top, or under
    ``[activity_map]``; returned as written, to be checked as a dict); any other
    file is a CSV of two columns, the name as written and the activity it means,
    whose first row is skipped when it reads ``written,activity``. Blank lines are
    skipped. *where* starts each message (``"--activity-map names.csv"``).
    """
    path = Path(path)
    try:
        if path.is_dir():
            raise ValueError(f"{where}: is a folder; give the map file (a CSV: written,activity)")
        if path.stat().st_size > MAX_MAP_BYTES:
            raise ValueError(f"{where}: is over 10 MB; an activity map is a CSV of two columns, "
                             "written,activity")
        data = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"{where}: cannot be read ({exc.strerror or exc}); give the map file "
                         "(a CSV: written,activity)") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if path.suffix.lower() == ".toml":
        try:
            table = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f'{where}: is not valid TOML ({exc}); write "written" = "activity" lines') from None
        if set(table) == {"activity_map"} and isinstance(table["activity_map"], dict):
            table = table["activity_map"]
        return table
    return _csv_map(text, where)


def _csv_map(text: str, where: str) -> dict[str, str]:
    """The lines ``written,activity`` of an activity map's CSV text, checked (see read_map_file)."""
    out: dict[str, str] = {}
    lines: dict[str, tuple[int, str]] = {}
    try:
        rows = list(csv.reader(text.splitlines()))
    except csv.Error as exc:
        raise ValueError(f"{where}: is not a CSV file ({exc}); write one line per name: "
                         "written,activity") from None
    for number, row in enumerate(rows, start=1):  # a loop over the map's lines
        cells = [c.strip() for c in row]
        while cells and not cells[-1]:
            cells.pop()
        if not cells or (number == 1 and [c.lower() for c in cells] == ["written", "activity"]):
            continue
        if len(cells) != 2 or not all(cells):
            raise ValueError(f"{where} line {number}: give two names, as written and the activity it "
                             f"means, e.g. food shopping,Food shop (the line holds {len(cells)} "
                             f"{'cell' if len(cells) == 1 else 'cells'}{'' if all(cells) else ', some blank'})")
        key = cells[0].casefold()
        if key in lines and out[lines[key][1]] != cells[1]:
            first, name = lines[key]
            raise ValueError(f"{where} line {number}: {cells[0]!r} is mapped to {out[name]!r} (line {first}) "
                             f"and to {cells[1]!r}; keep one")
        lines[key] = (number, cells[0])
        out[cells[0]] = cells[1]
    if not out:
        raise ValueError(f"{where}: holds no names; write one line per name: written,activity "
                         "(e.g. food shopping,Food shop)")
    return out


def activity_map(given) -> dict[str, str] | None:
    """``activity_map=`` checked: written name -> activity, from a dict or a file.

    Parameters
    ----------
    given : dict, str, PathLike or None
        A dict ``{"as written": "activity"}``, or the path of a CSV file of two
        columns (a first row ``written,activity`` is a header) or a TOML file of
        ``"written" = "activity"`` lines (at its top or under ``[activity_map]``).

    Returns
    -------
    dict or None
        The names as written (cleaned: :func:`bactivate._names.clean_name`) -> the
        activity; None when *given* is None.

    Raises
    ------
    ValueError
        For a map that is not names to names, a file that cannot be read, or one
        name mapped to two activities.

    Examples
    --------
    >>> activity_map({" walk the dog ": "Walk dog"})
    {'walk the dog': 'Walk dog'}
    >>> activity_map({"walk": "Walk dog", "WALK.": "Dog walk"})
    Traceback (most recent call last):
    ...
    ValueError: activity_map= maps 'walk' to 'Walk dog' and 'WALK.' to 'Dog walk': names that differ only in case, spacing or trailing punctuation are one name; keep one
    """
    if given is None:
        return None
    if isinstance(given, str | PathLike):
        given = read_map_file(given, f"activity_map={str(given)!r}")
    if not isinstance(given, Mapping):
        raise ValueError("activity_map= takes a dict {'as written': 'activity'} or the path of a CSV "
                         f"(written,activity) or TOML file, not {type(given).__name__}")
    out: dict[str, str] = {}
    seen: dict[str, str] = {}  # key -> the written name that holds it
    for written, meant in given.items():  # a loop over the map's entries
        if not isinstance(written, str) or not isinstance(meant, str) or not clean_name(written) \
                or not clean_name(meant):
            raise ValueError(f"activity_map= maps {written!r} to {meant!r}: map a name to an activity "
                             "name, e.g. {'food shopping': 'Food shop'}")
        key, meant = name_key(written), clean_name(meant)
        if key in seen and out[seen[key]] != meant:
            raise ValueError(f"activity_map= maps {seen[key]!r} to {out[seen[key]]!r} and {written!r} to "
                             f"{meant!r}: names that differ only in case, spacing or trailing punctuation "
                             "are one name; keep one")
        seen.setdefault(key, clean_name(written))
        out[seen[key]] = meant
    return out


def map_activities(log: pd.DataFrame, mapping: Mapping[str, str], *, within=None) -> tuple[pd.Series, list[str]]:
    """The activities of a tidy log with *mapping* applied, and notes counting each merge.

    A name is looked up as :func:`bactivate._names.name_key` writes it (case, spacing,
    Unicode form and trailing punctuation ignored). The names are then merged once more
    (:func:`bactivate._names.merge_names`), so that ``walk the dog`` mapped to ``Walk dog``
    is one activity with ``walk dog``; a name the map gives is shown as the map writes it.
    Names in the map that the log does not hold are noted, not an error. Works on the
    distinct names.

    Parameters
    ----------
    log : DataFrame
        A tidy log (its ``activity`` column).
    mapping : dict
        Written name -> activity (:func:`activity_map`).
    within : array-like, optional
        A group code per row (each row's file): names merged within each group only.

    Returns
    -------
    tuple
        ``(activities, notes)``: a Series of ``str`` on the log's index, and the notes.

    Examples
    --------
    >>> import pandas as pd
    >>> log = pd.DataFrame({"activity": ["walk the dog", "Walk dog", "dog walk.", "Gym"]})
    >>> names, notes = map_activities(log, {"Walk the dog": "walk dog", "Dog walk": "walk dog",
    ...                                     "food shopping": "Food shop"})
    >>> names.tolist()
    ['walk dog', 'walk dog', 'walk dog', 'Gym']
    >>> for n in notes: print(n)
    activity: 'walk the dog' read as 'walk dog' (activity_map=, 1 row)
    activity: 'dog walk.' read as 'walk dog' (activity_map=, 1 row)
    activity: 'walk dog' and 'Walk dog' (another case) read as one activity 'walk dog'
    activity_map= names 1 activity this log does not hold: 'food shopping'
    """
    s = log["activity"]
    codes, uniq = pd.factorize(s)
    codes = np.asarray(codes)
    text = [str(u) for u in uniq]
    keyed = {name_key(w): m for w, m in mapping.items()}
    keys = [name_key(t) for t in text]
    target = [keyed.get(k) for k in keys]
    counts = np.bincount(codes[codes >= 0], minlength=len(text))
    notes = [f"activity: {t!r} read as {m!r} (activity_map=, {n} {'row' if n == 1 else 'rows'})"
             for t, m, n in zip(text, target, counts, strict=True) if m is not None and m != t]
    held = set(keys)
    unknown = [w for w in mapping if name_key(w) not in held]
    if unknown:
        unknown = [f"activity_map= names {len(unknown)} {'activity' if len(unknown) == 1 else 'activities'} "
                   "this log does not hold: " + ", ".join(repr(w) for w in unknown[:20])
                   + (", ..." if len(unknown) > 20 else "")]
    if not notes:
        return s, unknown
    names, merged = merge_names(_spread([m if m is not None else t for t, m in zip(text, target, strict=True)],
                                        codes, s), within=within)
    # a name the map gives is shown as the map writes it
    given = {name_key(m): m for m in mapping.values()}
    n_codes, n_uniq = pd.factorize(names)
    out = _spread([given.get(name_key(str(u)), str(u)) for u in n_uniq], np.asarray(n_codes), s)
    merged = [{**m, "name": given.get(name_key(m["name"]), m["name"])} for m in merged]
    return out, notes + [f"activity: {n}" for n in merge_notes(merged, "activity")] + unknown


def _spread(shown: list, codes: np.ndarray, s: pd.Series) -> pd.Series:
    """One name per code (-1: missing) over the rows of *s*, as a Series of ``str``."""
    picked = np.asarray([*shown, None], dtype=object)[np.where(codes < 0, len(shown), codes)]
    return pd.Series(pd.array(picked, dtype="str"), index=s.index, name=s.name)


def likely_synonyms(log: pd.DataFrame) -> pd.DataFrame:
    """Pairs of activities that were not merged but look like one activity.

    Two names look alike by :func:`bactivate._names.look_alike`: case folded and without
    the words ``the``, ``a``, ``an``, ``my``, ``our``, ``some``, they are the same words,
    the same words in another order or another form (``Food shop``, ``food shopping``),
    one is the other with one more word at the end (``Gym``, ``Gym session``), or they
    are at most two letters apart (names of five letters or more, with the same digits).
    Only the :data:`MAX_COMPARED` most frequent names are compared. ``bactivate validate``
    lists them, so that the user can merge
    them with ``activity_map=`` (``--activity-map FILE``).

    Parameters
    ----------
    log : DataFrame
        A tidy log.

    Returns
    -------
    DataFrame
        One row per pair: ``activity`` (the more frequent name), ``other``,
        ``n_activity`` and ``n_other`` (rows of each), ``why``; the pairs with the
        most rows first.

    Examples
    --------
    >>> import pandas as pd
    >>> log = pd.DataFrame({"activity": ["Walk dog", "Walk dog", "dog walk", "Studying", "Studyng", "TV"]})
    >>> likely_synonyms(log)
       activity     other  n_activity  n_other                              why
    0  Walk dog  dog walk           2        1  the same words in another order
    1  Studying   Studyng           1        1   spelled alike (1 letter apart)
    """
    counts = log["activity"].dropna().astype("str").value_counts(sort=True).head(MAX_COMPARED)
    names, n = counts.index.tolist(), counts.to_numpy()
    rows = []
    for i, j in itertools.combinations(range(len(names)), 2):  # a loop over pairs of distinct names
        why = look_alike(names[i], names[j])
        if why is not None:
            rows.append((names[i], names[j], int(n[i]), int(n[j]), why))
    out = pd.DataFrame(rows, columns=["activity", "other", "n_activity", "n_other", "why"])
    out = out.astype({"activity": "str", "other": "str", "why": "str"})
    order = np.argsort(-(out["n_activity"] + out["n_other"]).to_numpy(), kind="stable")
    return out.iloc[order].reset_index(drop=True)


def synonym_lines(pairs: pd.DataFrame, limit: int = 20) -> list[str]:
    """The pairs of :func:`likely_synonyms` as lines for ``bactivate validate``, with how to merge them.

    Parameters
    ----------
    pairs : DataFrame
        From :func:`likely_synonyms`.
    limit : int, default 20
        At most this many pairs are listed.

    Returns
    -------
    list of str
        Empty when there are no pairs.

    Examples
    --------
    >>> import pandas as pd
    >>> for line in synonym_lines(likely_synonyms(pd.DataFrame({"activity": ["Walk dog", "walk the dog"]}))):
    ...     print(line)
    Activities that may be one (not merged):
      'walk the dog' (1 row) and 'Walk dog' (1 row): the same words without 'the'
    To merge them, list each as written and the activity it is, in a CSV file (written,activity), and pass it with --activity-map FILE (activity_map= in Python), e.g.:
      walk the dog,Walk dog
    """
    if pairs.empty:
        return []

    def rows(k):
        return f"{k} {'row' if k == 1 else 'rows'}"

    lines = ["Activities that may be one (not merged):"]
    for a, b, na, nb, why in pairs.head(limit).itertuples(index=False):  # a loop over a few pairs
        lines.append(f"  {b!r} ({rows(nb)}) and {a!r} ({rows(na)}): {why}")
    if len(pairs) > limit:
        lines.append(f"  ... and {len(pairs) - limit} more pairs")
    first = pairs.iloc[0]
    lines.append("To merge them, list each as written and the activity it is, in a CSV file "
                 "(written,activity), and pass it with --activity-map FILE (activity_map= in Python), e.g.:")
    lines.append(f"  {first['other']},{first['activity']}")
    return lines
