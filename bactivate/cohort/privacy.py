"""Sharing a cohort safely: keyed pseudonyms, no free text, shifted dates.

:func:`deidentify` returns a copy of a tidy log (or of a roster) in which

* client ids are replaced by **keyed pseudonyms**: ``"P-"`` and the first 12
  hex digits of HMAC-SHA256(key, id). The same key gives the same pseudonyms
  in every call (so a log and its roster, or two exports, still join); a
  different key gives unrelated ones; without the key nobody can recompute
  them from a list of likely ids, as they could with a plain hash;
* free text is dropped: ``note`` becomes missing, ``source`` (file names often
  carry names) becomes ``"deidentified"``, and extra columns are kept only
  when numeric or boolean (see the rules below);
* dates are shifted **per client by a keyed whole number of weeks** (within
  ``shift_days``, never zero), so weekdays, hours, durations and the
  intervals between a client's entries are exactly preserved;
* ``attrs`` that hold identifying data are cleared: file names, loader notes,
  synthetic ground truth; the rejected-rows table keeps only its row
  numbers, columns and kinds (cell values and reasons quote the data).

>>> import bactivate as ba
>>> log, roster = ba.synth.cohort(n_clients=4, weeks=2, seed=1)
>>> safe = deidentify(log, key="a long secret kept apart from the data")
>>> bool(safe["client"].str.startswith("P-").all()), bool(safe["note"].notna().any())
(True, False)

Rules for columns
-----------------
Tidy log: the tidy columns stay (``client`` pseudonymised, ``start``/``end``
shifted, ``note`` emptied, ``source`` neutral; ``activity`` and ``category``
are kept because the analyses need them -- they are the client's own words,
so look through ``log["activity"].unique()`` for names of people or places
before sharing). Extra columns: numeric and boolean ones are kept, datetime
ones shifted, text ones dropped.

Roster (a frame with a ``client`` column that is not a tidy log): numeric,
boolean and datetime (shifted) columns are kept; a text column is kept when it
is a category shared by clients -- at most ``max(2, n_clients // 2)``
distinct values (arm, site, gender) -- and dropped when it looks like free
text or an identifier (names, e-mails, referral reasons).

In both: columns whose *name* says they identify someone (name, e-mail,
phone, address, postcode/zip, date of birth, NHS/MRN/SSN numbers, initials)
are dropped whatever they hold. ``keep=`` keeps named columns unchanged (you
vouch for them) and ``drop=`` drops more.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re

import numpy as np
import pandas as pd

from bactivate._names import clean_name
from bactivate.io.roster import id_text
from bactivate.schema import TIDY_COLUMNS, AttrsFrame

__all__ = ["deidentify", "pseudonym"]

PREFIX = "P-"
_HEX = 12
_IDENTIFYING = re.compile(
    r"(^|_)(name|names|first_?name|last_?name|full_?name|surname|forename|initials|email|e_?mail|"
    r"phone|telephone|tel|mobile|cell|address|street|city|town|post_?code|zip|zip_?code|dob|"
    r"birth|birthday|birth_?date|date_?of_?birth|born|nhs|nhs_?number|mrn|ssn|social_?security|"
    r"passport|ip|ip_?address|url)($|_)"
)


def _key_bytes(key) -> bytes:
    """The key as bytes; TypeError or ValueError when it is not a usable secret."""
    if isinstance(key, str):
        key = key.encode("utf-8")
    if not isinstance(key, bytes | bytearray):
        raise TypeError(f"key must be a str or bytes secret, not {type(key).__name__}")
    if not key:
        raise ValueError("key must not be empty: use a long random secret kept apart from the data")
    return bytes(key)


def _digest(key: bytes, purpose: bytes, ident: str) -> bytes:
    """HMAC-SHA256 of *ident* for one *purpose* (pseudonym or date shift)."""
    return hmac.new(key, purpose + b"\x00" + ident.encode("utf-8"), hashlib.sha256).digest()


def pseudonym(client, *, key) -> str:
    """The keyed pseudonym of one client id: ``"P-"`` + 12 hex digits of HMAC-SHA256.

    The id is taken in its one written form (:func:`bactivate._names.clean_name`), as
    :func:`bactivate.read_cohort` reads ids: "Zoé" typed on a Mac (NFD) or with a stray
    space has the pseudonym of "Zoé".

    Parameters
    ----------
    client : object
        The client id (read as text).
    key : str or bytes
        The secret (not empty); :func:`deidentify` with the same key gives the same pseudonym.

    Returns
    -------
    str
        ``"P-"`` and 12 lower-case hex digits.

    Examples
    --------
    >>> pseudonym("C001", key="a long secret"), pseudonym(" C001 ", key="a long secret")
    ('P-97d60680ba8f', 'P-97d60680ba8f')
    >>> pseudonym("C001", key="another secret")
    'P-bcf8c71d5429'
    """
    return PREFIX + _digest(_key_bytes(key), b"client", clean_name(str(client))).hex()[:_HEX]


def _shift_weeks(key: bytes, ident: str, lo_w: int, hi_w: int) -> int:
    """A keyed whole number of weeks in [lo_w, hi_w], never 0 (unless that is the only choice)."""
    choices = [w for w in range(lo_w, hi_w + 1) if w != 0] or [0]
    h = int.from_bytes(_digest(key, b"shift", ident)[:8], "big")
    return choices[h % len(choices)]


def deidentify(frame: pd.DataFrame, *, key, shift_days=(-180, 180), keep=(), drop=()) -> pd.DataFrame:
    """A copy of a cohort log (or roster) that can be shared: pseudonyms, no free text, shifted dates.

    Parameters
    ----------
    frame : DataFrame
        A tidy log of one or more clients (:func:`bactivate.read_cohort`), or a
        roster (one row per client with a ``client`` column). A log's
        ``attrs["roster"]`` is de-identified with it, with the same pseudonyms
        and shifts.
    key : str or bytes
        The secret. Keep it apart from the shared data (and out of notebooks
        and version control): with it, anyone can link pseudonyms back to
        candidate ids. The same key gives the same pseudonyms and date shifts
        in every call, so de-identify the log and the roster with one key.
    shift_days : (int, int) or None, default (-180, 180)
        Range of the per-client date shift in days; the shift is a whole
        number of weeks within it (never 0 when the range allows another),
        so weekdays and times of day are kept. ``None`` keeps the dates.
    keep : list of str, default ()
        Columns to keep unchanged even though the rules would drop them.
    drop : list of str, default ()
        More columns to drop.

    Returns
    -------
    DataFrame
        A new frame (the input is not modified), sorted by pseudonym and time
        (a log: ``client``, ``start``, ``entry``; a roster: ``client``) so
        that row order reveals nothing of the original ids. Its columns are
        the input's in their order, less the dropped ones: ``client`` (str,
        the pseudonym), a log's tidy columns with ``start``/``end`` shifted,
        ``note`` missing and ``source`` "deidentified"; the extra (or roster)
        columns the rules keep. ``attrs``: a log's ``scales``, ``rejected``
        (scrubbed) and ``roster`` (de-identified with the same key) when it
        has them; ``deidentified`` (``pseudonyms``, ``date_shift``,
        ``dropped_columns``, ``emptied``, ``source``: what was done, never
        the key).

    Examples
    --------
    >>> import bactivate as ba
    >>> log, roster = ba.synth.cohort(n_clients=4, weeks=2, seed=1)
    >>> safe = deidentify(roster, key="a long secret")
    >>> safe.columns.tolist(), safe.attrs["deidentified"]["dropped_columns"]
    (['client', 'arm', 'age', 'baseline_phq9', 'start'], ['gender', 'site'])
    >>> safe_log = deidentify(log, key="a long secret")
    >>> set(safe_log["client"]) == set(safe["client"]), safe_log["source"].unique().tolist()
    (True, ['deidentified'])
    >>> pseudonym("C001", key="a long secret") in set(safe["client"])
    True
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"deidentify takes a DataFrame (a tidy log or a roster), not {type(frame).__name__}")
    if "client" not in frame.columns:
        raise ValueError("deidentify needs a 'client' column (a tidy log, or a roster with one row per client)")
    k = _key_bytes(key)
    lo_w, hi_w = _week_range(shift_days)
    keep, drop = set(keep), set(drop)
    is_log = all(c in frame.columns for c in TIDY_COLUMNS)
    out, dropped = _deidentify(frame, k, lo_w, hi_w, keep, drop, is_log)
    attrs: dict = {}
    if is_log:
        if "scales" in frame.attrs:
            attrs["scales"] = dict(frame.attrs["scales"])
        rej = frame.attrs.get("rejected")
        if rej is not None:
            attrs["rejected"] = _scrub_rejected(rej)
        roster = frame.attrs.get("roster")
        if roster is not None:
            attrs["roster"] = AttrsFrame(deidentify(pd.DataFrame(roster), key=key, shift_days=shift_days,
                                                    keep=keep, drop=drop))
    attrs["deidentified"] = {
        "pseudonyms": f"{PREFIX} + first {_HEX} hex digits of HMAC-SHA256(key, client id)",
        "date_shift": "none" if shift_days is None else
        f"per client, a keyed whole number of weeks from {lo_w} to {hi_w} (not 0)",
        "dropped_columns": dropped,
        "emptied": ["note"] if is_log else [],
        "source": "replaced by 'deidentified'" if is_log else "n/a",
    }
    out.attrs = attrs
    return out


def _week_range(shift_days) -> tuple[int, int]:
    """The whole weeks within *shift_days* (0, 0 for None); ValueError when there are none."""
    if shift_days is None:
        return 0, 0
    try:
        lo, hi = (float(x) for x in shift_days)
    except (TypeError, ValueError):
        raise ValueError(f"shift_days must be (low, high) in days, e.g. (-180, 180), not {shift_days!r}") from None
    if hi < lo:
        raise ValueError(f"shift_days={shift_days!r}: the high end is below the low end")
    lo_w, hi_w = math.ceil(lo / 7), math.floor(hi / 7)
    if lo_w > hi_w:
        raise ValueError(f"shift_days={shift_days!r} holds no whole number of weeks; widen it (e.g. (-7, 7))")
    return lo_w, hi_w


def _deidentify(frame, k, lo_w, hi_w, keep, drop, is_log):
    """The de-identified copy of *frame* (without attrs) and the columns dropped."""
    df = frame.copy(deep=True)
    df.attrs = {}
    # every id kept (each distinct one its pseudonym), in its one written form as pseudonym() takes it
    ids = id_text(df["client"], strip=False)
    uniq = pd.unique(ids.dropna())
    names = {c: PREFIX + _digest(k, b"client", c).hex()[:_HEX] for c in uniq}
    if len(set(names.values())) != len(names):  # 48 bits: astronomically unlikely, but never silent
        raise RuntimeError("two client ids got the same pseudonym; use another key")
    weeks = {c: _shift_weeks(k, c, lo_w, hi_w) for c in uniq}
    shift = pd.to_timedelta(ids.map(weeks).fillna(0).astype("int64") * 7, unit="D")

    n_clients = len(uniq)
    dropped = []
    for c in list(df.columns):
        if c == "client":
            continue
        s = df[c]
        if c in keep:
            continue
        tidy = is_log and c in TIDY_COLUMNS
        name_key = re.sub(r"[^0-9a-z]+", "_", str(c).lower()).strip("_")
        if c in drop or (not tidy and _IDENTIFYING.search(name_key)):
            dropped.append(c)
            continue
        if pd.api.types.is_datetime64_any_dtype(s.dtype):
            df[c] = s + shift.to_numpy()
        elif tidy:
            continue
        elif pd.api.types.is_bool_dtype(s.dtype) or (
                pd.api.types.is_numeric_dtype(s.dtype) and not isinstance(s.dtype, pd.CategoricalDtype)):
            continue
        elif not is_log and _categorical_text(s, n_clients):
            continue
        else:
            dropped.append(c)
    df = df.drop(columns=dropped)
    df["client"] = ids.map(names).astype("str")
    if is_log:
        df["note"] = pd.Series(np.nan, index=df.index, dtype="str")
        df["source"] = pd.Series("deidentified", index=df.index, dtype="str")
        order = ["client", "start", "entry"]
    else:
        order = ["client"]
    df = df.sort_values(order, kind="stable").reset_index(drop=True)
    return df, dropped


def _categorical_text(s: pd.Series, n_clients: int) -> bool:
    """A text column that is a shared category (arm, site), not free text or an identifier."""
    vals = s.dropna()
    if vals.empty:
        return True
    if not all(isinstance(v, str) for v in vals.head(1000)) and not isinstance(s.dtype, pd.CategoricalDtype):
        return False
    return vals.astype("str").nunique() <= max(2, n_clients // 2)


def _scrub_rejected(rej: pd.DataFrame) -> AttrsFrame:
    """The rejected-rows table without file names, sheet names, cell values or reasons."""
    out = pd.DataFrame(rej).copy()
    out.attrs = {}
    for c in ("source", "file"):
        if c in out.columns:
            out[c] = pd.Series("deidentified", index=out.index, dtype="str")
    for c in ("sheet", "value", "reason"):
        if c in out.columns:
            out[c] = pd.Series(np.nan, index=out.index, dtype="str")
    return AttrsFrame(out)
