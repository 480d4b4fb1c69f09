"""Sharing a cohort safely: keyed pseudonyms, no free text, shifted dates, roster columns coarsened.

:func:`deidentify` returns a copy of a tidy log (or of a roster) in which

* client ids are replaced by **keyed pseudonyms**: ``"P-"`` and the first 12
  hex digits of HMAC-SHA256(key, id). The same key gives the same pseudonyms
  in every call (so a log and its roster, or two exports, still join); a
  different key gives unrelated ones; without the key nobody can recompute
  them from a list of likely ids, as they could with a plain hash. The key
  must be a real secret: a missing, short (under 16 characters) or
  placeholder key ("changeme", "placeholder-not-a-secret") is refused.
  :func:`key_from_env` reads one from an environment variable (never from a
  notebook or from git);
* free text is dropped: ``note`` becomes missing, ``source`` (file names often
  carry names) becomes ``"deidentified"``, and extra columns are kept only
  when numeric or boolean (see the rules below);
* dates are shifted **per client by a keyed whole number of weeks** (within
  ``shift_days``, never zero), so weekdays, hours, durations and the
  intervals between a client's entries are exactly preserved;
* every other column gets an explicit **policy** -- ``"keep"``, ``"drop"``,
  ``"band"`` (numbers in bands: ages as ``"40-49"``, ``"90+"``),
  ``"pseudonym"`` (each value a keyed code: ``"site-1f0c2a9b"``) or
  ``"shift"`` (dates) -- chosen by ``columns=`` or by the rules below, and
  ``attrs["deidentified"]["columns"]`` reports what was done to each column
  and why. A quasi-identifier (age, gender, ethnicity, occupation, ...) left
  in as it was without ``columns={name: "keep"}`` raises a
  :class:`PrivacyWarning`;
* ``attrs`` that hold identifying data are cleared: file names, loader notes,
  synthetic ground truth; the rejected-rows table keeps only its row
  numbers, columns and kinds (cell values and reasons quote the data).

>>> import bactivate as ba
>>> log, roster = ba.synth.cohort(n_clients=4, weeks=2, seed=1)
>>> safe = deidentify(log, key="8d0c2f6e-long-random-4b1a9e")
>>> bool(safe["client"].str.startswith("P-").all()), bool(safe["note"].notna().any())
(True, False)

Rules for columns (when ``columns=`` says nothing)
--------------------------------------------------
Tidy log: the tidy columns stay (``client`` pseudonymised, ``start``/``end``
shifted, ``note`` emptied, ``source`` neutral; ``activity`` and ``category``
are kept because the analyses need them -- they are the client's own words,
so look through ``log["activity"].unique()`` for names of people or places
before sharing). Extra columns: numeric and boolean ones are kept, datetime
ones shifted, text ones dropped.

Roster (a frame with a ``client`` column that is not a tidy log): a numeric
age column is put in 10-year bands (``"90+"`` above 89, as HIPAA's Safe
Harbor asks); a site, centre, clinic or therapist column is pseudonymised;
other numeric, boolean and datetime (shifted) columns are kept; a text column
is kept when it is a category shared by clients -- at most
``max(2, n_clients // 2)`` distinct values (arm, gender) -- and dropped when
it looks like free text or an identifier (names, e-mails, referral reasons).

In both: columns whose *name* says they identify someone (name, e-mail,
phone, address, postcode/zip, date of birth, NHS/MRN/SSN numbers, initials)
are dropped whatever they hold. ``columns={"gender": "keep", "site": "drop"}``
decides for named columns (you vouch for a ``"keep"``); ``keep=`` and
``drop=`` are short forms of ``"keep"`` and ``"drop"``.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
import re
import secrets
import warnings

import numpy as np
import pandas as pd

from bactivate import escape
from bactivate._names import clean_name
from bactivate.io.roster import id_text
from bactivate.schema import TIDY_COLUMNS, AttrsFrame, conform

__all__ = ["POLICIES", "Key", "PrivacyWarning", "deidentify", "key_from_env", "pseudonym"]

PREFIX = "P-"
_HEX = 12
MIN_KEY_LENGTH = 16
ENV_VARIABLE = "BACTIVATE_KEY"
POLICIES = ("keep", "drop", "band", "pseudonym", "shift")
_MAKE_KEY = "python -c \"import secrets; print(secrets.token_urlsafe(32))\""
_IDENTIFYING = re.compile(
    r"(^|_)(name|names|first_?name|last_?name|full_?name|surname|forename|initials|email|e_?mail|"
    r"phone|telephone|tel|mobile|cell|address|street|city|town|post_?code|zip|zip_?code|dob|"
    r"birth|birthday|birth_?date|date_?of_?birth|born|nhs|nhs_?number|mrn|ssn|social_?security|"
    r"passport|ip|ip_?address|url)($|_)"
)
# quasi-identifiers: harmless alone, identifying in combination (Sweeney 2002); a roster's
# age is banded and its site pseudonymised by default, the others are kept with a warning
_AGE = re.compile(r"(^|_)(age|ages|age_?years|age_?at_?\w+)($|_)")
_PLACE = re.compile(r"(^|_)(site|sites|centre|center|clinic|practice|service|hospital|ward|"
                    r"therapist|clinician|gp|region|area|location|county|state|district)($|_)")
_QUASI = re.compile(r"(^|_)(age|sex|gender|ethnicity|ethnic|race|religion|nationality|country|"
                    r"language|occupation|job|employment|profession|marital|education|height|"
                    r"weight|bmi|disability)($|_)")
# what a key someone never replaced looks like (any case, punctuation ignored)
_PLACEHOLDER = re.compile(r"placeholder|changeme|replaceme|notasecret|notsecret|yourkey|yoursecret|"
                          r"secretkey|insertkey|password|example|dummykey|qwerty")


class PrivacyWarning(UserWarning):
    """A de-identified frame still holds a quasi-identifier as it was (age, gender, ...)."""


class Key:
    """A de-identification key that never shows itself (in a notebook, a log or a traceback).

    ``repr`` and a notebook's display say where the key came from, never the
    secret; :func:`deidentify` and :func:`pseudonym` take it where they take a
    str. Made by :func:`key_from_env`.

    >>> Key("8d0c2f6e-long-random-4b1a9e", "a test")
    Key(from a test, 27 characters; not shown)
    """

    __slots__ = ("_secret", "source", "throwaway", "variable")

    def __init__(self, secret, source: str = "the caller", throwaway: bool = False,
                 variable: str = ENV_VARIABLE):
        self._secret = _key_bytes(secret)
        self.source = source
        self.throwaway = throwaway
        self.variable = variable

    def __bytes__(self) -> bytes:
        return self._secret

    def __repr__(self) -> str:
        return f"Key(from {self.source}, {len(self._secret)} characters; not shown)"

    def _repr_html_(self) -> str:
        if self.throwaway:
            text = (f"A throwaway random key was made for this run only ({self.source}): the "
                    "pseudonyms and date shifts change every time the notebook runs, so they can "
                    "be tried out here but not joined to a later export. To share the data, set "
                    f"{self.variable} to a long random secret kept apart from the data "
                    f"(e.g. from {_MAKE_KEY}) and restart the kernel.")
        else:
            text = f"Key read from {self.source} ({len(self._secret)} characters; not shown)."
        return f'<p class="tex2jax_ignore mathjax_ignore"><em>{escape.html(text)}</em></p>'


def key_from_env(name: str = ENV_VARIABLE, *, missing: str = "raise") -> Key:
    """The de-identification key held in an environment variable, as a :class:`Key`.

    A key kept in an environment variable stays out of notebooks, their
    outputs and version control: set it in the shell that starts Jupyter
    (``export BACTIVATE_KEY=...``), or in a file only you can read.

    Parameters
    ----------
    name : str, default "BACTIVATE_KEY"
        The environment variable.
    missing : {"raise", "throwaway"}, default "raise"
        When the variable is not set: ``"raise"`` stops with a message that
        says how to set it; ``"throwaway"`` makes a random key for this run
        only (pseudonyms and shifts that no one can recompute, and that change
        on every run: fine for a demonstration, no use for an export that
        must join a later one).

    Returns
    -------
    Key
        The key (its ``source`` names the variable; ``throwaway`` says
        whether it was made up).

    Raises
    ------
    ValueError
        The variable is not set (with ``missing="raise"``), or holds a
        short or placeholder key.

    Examples
    --------
    >>> import os
    >>> os.environ["BACTIVATE_DEMO_KEY"] = "8d0c2f6e-long-random-4b1a9e"
    >>> key_from_env("BACTIVATE_DEMO_KEY")
    Key(from the environment variable BACTIVATE_DEMO_KEY, 27 characters; not shown)
    >>> del os.environ["BACTIVATE_DEMO_KEY"]
    >>> key_from_env("BACTIVATE_UNSET_KEY", missing="throwaway").throwaway
    True
    >>> key_from_env("BACTIVATE_UNSET_KEY")
    Traceback (most recent call last):
    ValueError: no de-identification key: the environment variable BACTIVATE_UNSET_KEY is not set. ...
    """
    if missing not in ("raise", "throwaway"):
        raise ValueError(f"missing must be 'raise' or 'throwaway', not {missing!r}")
    source = f"the environment variable {name}"
    value = os.environ.get(name)
    if not value:
        if missing == "throwaway":
            return Key(secrets.token_urlsafe(32), f"{name} is not set", throwaway=True, variable=name)
        raise ValueError(f"no de-identification key: {source} is not set. Set it to a long random "
                         f"secret kept apart from the data, e.g. export {name}=$({_MAKE_KEY}), "
                         "and restart Python (or Jupyter) from that shell")
    try:
        return Key(value, source, variable=name)
    except ValueError as err:
        raise ValueError(f"{source}: {err}") from None


def _key_bytes(key) -> bytes:
    """The key as bytes; TypeError or ValueError when it is not a usable secret."""
    if isinstance(key, Key):
        return bytes(key)
    if key is None:
        raise ValueError(f"a key is needed: a long random secret kept apart from the data, e.g. "
                         f"key=ba.privacy.key_from_env() with {ENV_VARIABLE} set from {_MAKE_KEY}")
    if isinstance(key, str):
        key = key.encode("utf-8")
    if not isinstance(key, bytes | bytearray):
        raise TypeError(f"key must be a str or bytes secret, not {type(key).__name__}")
    if not key:
        raise ValueError("key must not be empty: use a long random secret kept apart from the data")
    if len(key) < MIN_KEY_LENGTH:
        raise ValueError(f"the key is too short ({len(key)} characters; at least {MIN_KEY_LENGTH}): "
                         f"a short key can be guessed, and with it every pseudonym; make one with "
                         f"{_MAKE_KEY}")
    plain = re.sub(rb"[^0-9a-z]+", b"", bytes(key).lower())
    if _PLACEHOLDER.search(plain.decode("ascii")) or len(set(bytes(key))) < 6:
        raise ValueError("the key looks like a placeholder, not a secret: use a long random one, "
                         f"e.g. from {_MAKE_KEY}, kept apart from the data")
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
    key : str, bytes or Key
        The secret (at least 16 characters, not a placeholder); :func:`deidentify` with the
        same key gives the same pseudonym.

    Returns
    -------
    str
        ``"P-"`` and 12 lower-case hex digits.

    Examples
    --------
    >>> key = "8d0c2f6e-long-random-4b1a9e"
    >>> pseudonym("C001", key=key), pseudonym(" C001 ", key=key)
    ('P-...', 'P-...')
    >>> pseudonym("C001", key=key) == pseudonym(" C001 ", key=key) != pseudonym("C001", key=key + "x")
    True
    """
    return PREFIX + _digest(_key_bytes(key), b"client", clean_name(str(client))).hex()[:_HEX]


def _shift_weeks(key: bytes, ident: str, lo_w: int, hi_w: int) -> int:
    """A keyed whole number of weeks in [lo_w, hi_w], never 0 (unless that is the only choice)."""
    choices = [w for w in range(lo_w, hi_w + 1) if w != 0] or [0]
    h = int.from_bytes(_digest(key, b"shift", ident)[:8], "big")
    return choices[h % len(choices)]


def deidentify(frame: pd.DataFrame, *, key=None, shift_days=(-180, 180), columns=None, keep=(),
               drop=()) -> pd.DataFrame:
    """A copy of a cohort log (or roster) that can be shared: pseudonyms, no free text, shifted dates.

    Parameters
    ----------
    frame : DataFrame
        A tidy log of one or more clients (:func:`bactivate.read_cohort`), or a
        roster (one row per client with a ``client`` column). A log's
        ``attrs["roster"]`` is de-identified with it, with the same pseudonyms,
        shifts and column policies.
    key : str, bytes or Key
        The secret: at least 16 characters, not a placeholder (a missing,
        short or placeholder key is refused with ValueError). Keep it apart
        from the shared data (and out of notebooks and version control, e.g.
        :func:`key_from_env`): with it, anyone can link pseudonyms back to
        candidate ids. The same key gives the same pseudonyms and date shifts
        in every call, so de-identify the log and the roster with one key.
    shift_days : (int, int) or None, default (-180, 180)
        Range of the per-client date shift in days; the shift is a whole
        number of weeks within it (never 0 when the range allows another),
        so weekdays and times of day are kept. ``None`` keeps the dates.
    columns : dict, optional
        A policy for named columns (of the frame or of its roster), one of
        :data:`POLICIES`: ``"keep"`` (unchanged: you vouch for it), ``"drop"``,
        ``"band"`` (numbers in 10-year bands, ``"band:5"`` for 5; an age
        column's 90 and over as ``"90+"``), ``"pseudonym"`` (each value a
        keyed code ``"<column>-<8 hex digits>"``, missing stays missing) or
        ``"shift"`` (a date column moved with the client). Columns not named
        follow the rules in the module's notes.
    keep, drop : list of str, default ()
        Short forms of ``columns={c: "keep"}`` and ``{c: "drop"}``.

    Returns
    -------
    DataFrame
        A new frame (the input is not modified), sorted by pseudonym and time
        (a log: ``client``, ``start``, ``entry``; a roster: ``client``) so
        that row order reveals nothing of the original ids. Its columns are
        the input's in their order, less the dropped ones: ``client`` (str,
        the pseudonym), a log's tidy columns with ``start``/``end`` shifted,
        ``note`` missing and ``source`` "deidentified"; the extra (or roster)
        columns as their policy made them. ``attrs``: a log's ``scales``,
        ``rejected`` (scrubbed) and ``roster`` (de-identified with the same
        key) when it has them; ``deidentified``: what was done, never the
        key -- ``pseudonyms``, ``date_shift``, ``dropped_columns``,
        ``emptied``, ``source``, and ``columns``, a frame with one row per
        input column: ``column``, ``action`` (kept, dropped, banded,
        pseudonymised, shifted, emptied, replaced), ``why`` and
        ``quasi_identifier`` (bool); a log with a roster has the roster's as
        ``roster_columns`` (and in the roster's own ``attrs``).

    Warns
    -----
    PrivacyWarning
        A quasi-identifier (age, gender, ethnicity, occupation, ...) is left
        in unchanged without ``columns={name: "keep"}``.

    Examples
    --------
    >>> import bactivate as ba
    >>> key = "8d0c2f6e-long-random-4b1a9e"
    >>> log, roster = ba.synth.cohort(n_clients=4, weeks=2, seed=1)
    >>> safe = deidentify(roster, key=key, columns={"gender": "drop"})
    >>> safe.columns.tolist()
    ['client', 'arm', 'age', 'baseline_phq9', 'site', 'start']
    >>> safe["age"].tolist(), bool(safe["site"].str.startswith("site-").all())
    (['50-59', '30-39', '20-29', '10-19'], True)
    >>> safe.attrs["deidentified"]["columns"][["column", "action"]].to_string(index=False)
    '       column        action\\n       client pseudonymised\\n          arm          kept\\n          age        banded\\n       gender       dropped\\nbaseline_phq9          kept\\n         site pseudonymised\\n        start       shifted'
    >>> safe_log = deidentify(log, key=key)
    >>> set(safe_log["client"]) == set(safe["client"]), safe_log["source"].unique().tolist()
    (True, ['deidentified'])
    >>> deidentify(roster, key="placeholder-not-a-secret")
    Traceback (most recent call last):
    ValueError: the key looks like a placeholder, not a secret: ...
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"deidentify takes a DataFrame (a tidy log or a roster), not {type(frame).__name__}")
    if "client" not in frame.columns:
        raise ValueError("deidentify needs a 'client' column (a tidy log, or a roster with one row per client)")
    k = _key_bytes(key)
    lo_w, hi_w = _week_range(shift_days)
    named = {**{c: "keep" for c in keep}, **{c: "drop" for c in drop}, **dict(columns or {})}
    policies = _policies(named)
    is_log = all(c in frame.columns for c in TIDY_COLUMNS)
    roster = frame.attrs.get("roster") if is_log else None
    known = set(frame.columns) | (set(roster.columns) if roster is not None else set())
    unknown = sorted(set(policies) - known, key=str)
    if unknown:
        raise ValueError(f"columns= names {unknown}, not in the frame{' or its roster' if is_log else ''}; "
                         f"its columns: {sorted(map(str, known))}")
    out, report = _deidentify(frame, k, lo_w, hi_w, policies, is_log)
    _warn_quasi(report)
    attrs: dict = {}
    if is_log:
        if "scales" in frame.attrs:
            attrs["scales"] = dict(frame.attrs["scales"])
        rej = frame.attrs.get("rejected")
        if rej is not None:
            attrs["rejected"] = _scrub_rejected(rej)
        if roster is not None:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", PrivacyWarning)
                shared = deidentify(pd.DataFrame(roster), key=k, shift_days=shift_days,
                                    columns={c: p for c, p in named.items() if c in roster.columns})
            for w in caught:  # said again from the caller's line, as the roster's
                warnings.warn(f"in the roster: {w.message}", w.category, stacklevel=2)
            attrs["roster"] = AttrsFrame(shared)
            attrs["roster"].attrs = shared.attrs
    attrs["deidentified"] = {
        "pseudonyms": f"{PREFIX} + first {_HEX} hex digits of HMAC-SHA256(key, client id)",
        "date_shift": "none" if shift_days is None else
        f"per client, a keyed whole number of weeks from {lo_w} to {hi_w} (not 0)",
        "dropped_columns": report.loc[report["action"] == "dropped", "column"].tolist(),
        "emptied": ["note"] if is_log else [],
        "source": "replaced by 'deidentified'" if is_log else "n/a",
        "columns": report,
    }
    if "roster" in attrs:
        attrs["deidentified"]["roster_columns"] = attrs["roster"].attrs["deidentified"]["columns"]
    out.attrs = attrs
    return out


def _policies(named: dict) -> dict:
    """One policy per named column, checked: ``(policy, band width or None)``."""
    out = {}
    for c, p in named.items():
        m = re.fullmatch(r"band(?::(\d+))?", p) if isinstance(p, str) else None
        if m:
            width = int(m.group(1) or 10)
            if width < 1:
                raise ValueError(f"columns[{c!r}]={p!r}: a band is at least 1 wide")
            out[c] = ("band", width)
        elif p in POLICIES:
            out[c] = (p, None)
        else:
            raise ValueError(f"columns[{c!r}]={p!r}: a policy is one of {list(POLICIES)} "
                             "(or 'band:N' for bands N wide)")
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


def _name_key(c) -> str:
    return re.sub(r"[^0-9a-z]+", "_", str(c).lower()).strip("_")


def _deidentify(frame, k, lo_w, hi_w, policies, is_log):
    """The de-identified copy of *frame* (without attrs) and the report, one row per column."""
    df = frame.copy(deep=True)
    df.attrs = {}
    # every id kept (each distinct one its pseudonym), in its one written form as pseudonym() takes it
    ids = id_text(df["client"], strip=False)
    uniq = pd.unique(ids.dropna())
    names = {c: PREFIX + _digest(k, b"client", c).hex()[:_HEX] for c in uniq}
    if len(set(names.values())) != len(names):  # 48 bits: astronomically unlikely, but never silent
        raise RuntimeError("two client ids got the same pseudonym; use another key")
    weeks = {c: _shift_weeks(k, c, lo_w, hi_w) for c in uniq}
    shift = pd.to_timedelta(ids.map(weeks).fillna(0).astype("int64") * 7, unit="D").to_numpy()

    rows = [("client", "pseudonymised", "keyed pseudonym (HMAC-SHA256)", False)]
    dropped = []
    for c in [c for c in df.columns if c != "client"]:
        quasi = bool(_QUASI.search(_name_key(c)) or _PLACE.search(_name_key(c)))
        policy, arg, why = _policy(df[c], c, policies, is_log, len(uniq))
        if policy == "drop":
            dropped.append(c)
            rows.append((c, "dropped", why, quasi))
            continue
        df[c], action = _apply(df[c], c, policy, arg, k, shift)
        rows.append((c, action, why, quasi))
    df = df.drop(columns=dropped)
    df["client"] = ids.map(names).astype("str")
    if is_log:
        df["note"] = pd.Series(np.nan, index=df.index, dtype="str")
        df["source"] = pd.Series("deidentified", index=df.index, dtype="str")
        order = ["client", "start", "entry"]
    else:
        order = ["client"]
    df = df.sort_values(order, kind="stable").reset_index(drop=True)
    if is_log:  # the pseudonyms (and any text column rewritten) back to the tidy dtypes
        df = conform(df)
    report = AttrsFrame(rows, columns=["column", "action", "why", "quasi_identifier"])
    report["quasi_identifier"] = report["quasi_identifier"].astype("bool")
    return df, report


def _policy(s: pd.Series, c, policies, is_log, n_clients):
    """(policy, argument, why) for one column that is not ``client``."""
    if c in policies:
        policy, arg = policies[c]
        return policy, arg, "as requested (columns=)"
    name = _name_key(c)
    tidy = is_log and c in TIDY_COLUMNS
    is_date = pd.api.types.is_datetime64_any_dtype(s.dtype)
    is_number = pd.api.types.is_bool_dtype(s.dtype) or (
        pd.api.types.is_numeric_dtype(s.dtype) and not isinstance(s.dtype, pd.CategoricalDtype))
    if tidy:
        return _tidy_policy(c, is_date)
    if _IDENTIFYING.search(name):
        return "drop", None, "its name says it identifies someone"
    if is_date:
        return "shift", None, "a date: moved with the client"
    if not is_log and _AGE.search(name) and pd.api.types.is_numeric_dtype(s.dtype) \
            and not pd.api.types.is_bool_dtype(s.dtype):
        return "band", 10, "an age: 10-year bands (quasi-identifier)"
    if not is_log and _PLACE.search(name):
        return "pseudonym", None, "a place or person of care: keyed codes (quasi-identifier)"
    if is_number:
        return "keep", None, "numeric" if not pd.api.types.is_bool_dtype(s.dtype) else "yes/no"
    if not is_log and _categorical_text(s, n_clients):
        return "keep", None, "a category shared by clients"
    return "drop", None, "free text or an identifier" if not is_log else "text beside the log"


def _tidy_policy(c, is_date):
    """The fixed treatment of a tidy log's own columns."""
    if c == "note":
        return "empty", None, "free text"
    if c == "source":
        return "replace", None, "file and sheet names often carry names"
    if is_date:
        return "shift", None, "a date: moved with the client"
    if c in ("activity", "category"):
        return "keep", None, "the client's own words, needed by the analyses: check for names"
    return "keep", None, "a tidy column"


def _apply(s: pd.Series, c, policy, arg, k, shift):
    """The column under its policy, and the action's name for the report."""
    if policy in ("keep", "empty", "replace"):  # the tidy note and source are set after sorting
        return s, {"keep": "kept", "empty": "emptied", "replace": "replaced"}[policy]
    if policy == "shift":
        if not pd.api.types.is_datetime64_any_dtype(s.dtype):
            s = pd.to_datetime(s, errors="raise")
        return s + shift, "shifted"
    if policy == "band":
        return _bands(s, c, arg), "banded"
    return _value_pseudonyms(s, c, k), "pseudonymised"


def _bands(s: pd.Series, c, width: int) -> pd.Series:
    """Numbers as bands ``"40-49"`` (ordered categories); an age's 90 and over as ``"90+"``."""
    v = pd.to_numeric(s, errors="coerce")
    if v.notna().sum() < s.notna().sum():
        raise ValueError(f"column {c!r}: 'band' needs numbers, and some cells are not")
    lo = (np.floor(v / width) * width)
    top = 90 if _AGE.search(_name_key(c)) else None

    def label(x):
        if pd.isna(x):
            return None
        if top is not None and x >= top:
            return f"{top}+"
        a = int(x)
        return f"{a}-{a + width - 1}" if width > 1 else f"{a}"

    text = lo.map(label)
    order = sorted({x for x in lo.dropna()}, key=float)
    cats = list(dict.fromkeys(label(x) for x in order))
    return pd.Series(pd.Categorical(text, categories=cats, ordered=True), index=s.index, name=s.name)


def _value_pseudonyms(s: pd.Series, c, k: bytes) -> pd.Series:
    """Each distinct value a keyed code ``"<column>-<8 hex digits>"``; missing stays missing."""
    prefix = re.sub(r"[^0-9a-z]+", "-", str(c).lower()).strip("-") or "value"
    purpose = b"value:" + str(c).encode("utf-8")
    codes = {v: f"{prefix}-{_digest(k, purpose, clean_name(str(v))).hex()[:8]}" for v in pd.unique(s.dropna())}
    if len(set(codes.values())) != len(codes):
        raise RuntimeError(f"two values of {c!r} got the same code; use another key")
    return s.map(codes).astype("str").where(s.notna())


def _warn_quasi(report: pd.DataFrame) -> None:
    """One PrivacyWarning naming the quasi-identifiers kept as they were, not by request."""
    left = report[report["quasi_identifier"] & (report["action"] == "kept")
                  & (report["why"] != "as requested (columns=)")]
    if len(left):
        cols = ", ".join(map(str, left["column"]))
        warnings.warn(
            f"deidentify kept quasi-identifier(s) as they were: {cols}. With other columns they can "
            f"single a client out in a small cohort; decide for each, e.g. columns={{{left['column'].iloc[0]!r}: "
            "'keep'} (you vouch for it), 'drop', 'band' or 'pseudonym'", PrivacyWarning, stacklevel=3)


def _categorical_text(s: pd.Series, n_clients: int) -> bool:
    """A text column that is a shared category (arm, gender), not free text or an identifier."""
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
