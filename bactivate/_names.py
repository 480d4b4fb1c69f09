"""One name however it is written: Unicode form, invisible characters, spaces, case and
trailing punctuation.

>>> from bactivate._names import clean_name, name_key
>>> clean_name("Caf\u0065\u0301  visit\u200b")
'Café visit'
>>> name_key("Walk dog.") == name_key(" walk  DOG!") == "walk dog"
True
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

#: Characters that show as nothing and only split names: zero-width space, non-joiner and
#: joiner, word joiner, and a byte-order mark inside the text. (A joiner between two emoji
#: is kept: it makes them one picture, as in a family emoji.)
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"


_DROP = dict.fromkeys(map(ord, INVISIBLE.replace("\u200d", "")))


# a joiner not between two symbols (emoji are symbols, So; a variation selector may follow one)
_LONE_JOINER = re.compile(r"(?<![\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F])\u200d"
                          r"|\u200d(?![\U0001F000-\U0001FAFF\u2600-\u27BF])")


def clean_name(text: str) -> str:
    """*text* in one written form: the name as it reads, whatever keyboard or app typed it.

    Unicode NFC (``"e\\u0301"`` is ``"é"``); zero-width characters (U+200B-U+200D,
    U+2060, U+FEFF) dropped, but for a joiner between two emoji; every run of whitespace (tabs, line breaks, non-breaking
    and other Unicode spaces) one space; no space at either end. Case is kept.

    >>> clean_name(" Cafe\\u0301\\u00a0 with\\u200b Zoe ") == "Café with Zoe"
    True
    """
    if not text.isascii():
        text = unicodedata.normalize("NFC", _LONE_JOINER.sub("", text.translate(_DROP)))
    return " ".join(text.split())


#: Punctuation that ends a name without changing it ("Walk dog." is "Walk dog"): full stops,
#: exclamation and question marks, commas, colons, semicolons, ellipses (and their full-width forms).
TRAILING = ".!?,;:\u2026\u3002\uff01\uff1f\uff0c\uff1b\uff1a"


def bare_name(clean: str) -> str:
    """A clean name (:func:`clean_name`) without the punctuation that ends it (:data:`TRAILING`);
    the name itself when it is nothing but punctuation.

    >>> bare_name("Walk dog!!"), bare_name("Gym ."), bare_name("?")
    ('Walk dog', 'Gym', '?')
    """
    return clean.rstrip(TRAILING).rstrip() or clean


def name_key(text: str) -> str:
    """What decides that two written names are one activity: :func:`clean_name`, trailing
    punctuation dropped (:func:`bare_name`), case folded, Unicode NFC.

    >>> name_key("Café.") == name_key("CAFE\u0301") == "café"
    True
    """
    return unicodedata.normalize("NFC", bare_name(clean_name(text)).casefold())


def _distinct_text(s: pd.Series) -> list[str]:
    """The distinct values of *s* as text, in order of first sight (missing left out)."""
    return [str(u) for u in pd.unique(s) if not pd.isna(u)]


def _factorized(s: pd.Series):
    """Codes of *s* (-1 where missing) and its distinct values as text, in order of first sight."""
    codes, uniq = pd.factorize(s)
    return np.asarray(codes), [str(u) for u in uniq]


def _spread_text(names: list, codes: np.ndarray, s: pd.Series) -> pd.Series:
    """*names* (one per code, -1 for missing) over the rows of *s*, as text (a name '' is missing)."""
    import pyarrow as pa

    table = pa.array([x if x else None for x in names] + [None], type=pa.large_string())
    taken = table.take(pa.array(np.where(codes < 0, len(names), codes)))
    return pd.Series(pd.array(taken, dtype="str"), index=s.index, name=s.name)


def clean_names(s: pd.Series) -> pd.Series:
    """:func:`clean_name` on each distinct value of *s* (text; a name that was only
    spaces or invisible characters is missing). *s* itself when nothing changes."""
    text = clean = None
    if s.dtype == "str":
        text = _distinct_text(s)
        clean = [clean_name(t) for t in text]
        if all(text) and clean == text:
            return s  # the usual column: nothing to clean, and no copy
    codes, uniq = _factorized(s)
    if uniq != text:
        clean = [clean_name(t) for t in uniq]
    return _spread_text(clean, codes, s)


def merge_names(s: pd.Series, *, fold_case: bool = True, within=None) -> tuple[pd.Series, list[dict]]:
    """Names that differ only in case, spacing, Unicode form or trailing punctuation read as one name.

    Each name is cleaned (:func:`clean_name`); names whose clean forms differ only in
    case and in the punctuation that ends them (``Walk dog.``, ``walk dog!``; with
    *fold_case*: :func:`name_key`) are one, shown in their most frequent spelling (by
    rows) without that punctuation, ties going to the form seen first; a name written
    one way only keeps its clean form. Without *fold_case* (client ids) only spaces and
    Unicode form are ignored. With *within* (a group code per row, e.g. the file of each
    row) names are merged within each group only. Works on the distinct values of *s*.

    Returns the names (dtype ``str``) and one dict per name written in more than one
    way: ``{"name": shown, "forms": [each form as written, first seen first],
    "group": its *within* code or None}``.

    >>> import pandas as pd
    >>> names, merged = merge_names(pd.Series(["Walk", "walk ", "walk", "Cafe\\u0301", "Café"]))
    >>> names.tolist() == ["walk", "walk", "walk", "Café", "Café"], len(merged)
    (True, 2)
    >>> merge_names(pd.Series(["Walk dog.", "walk dog!", "Walk dog", "Gym?"]))[0].tolist()
    ['Walk dog', 'Walk dog', 'Walk dog', 'Gym?']
    """
    def bare(clean):
        """The clean names as they are shown when merged (trailing punctuation dropped when asked)."""
        return [bare_name(c) for c in clean] if fold_case else clean

    def keys(clean):
        """The keys that decide which cleaned names are one (case folded when asked)."""
        return [unicodedata.normalize("NFC", c.casefold()) for c in bare(clean)] if fold_case else clean

    text = clean = None
    if s.dtype == "str":
        text = _distinct_text(s)
        clean = [clean_name(t) for t in text]
        if clean == text and all(clean) and len(set(keys(clean))) == len(clean):
            return s, []  # the usual column: every name written one way, nothing to clean
    codes, uniq = _factorized(s)
    if uniq != text:  # (the same distinct values in the same order, unless s is not text)
        text, clean = uniq, [clean_name(t) for t in uniq]
    n = len(text)
    key = keys(clean)
    ok = codes >= 0
    group = np.zeros(len(s), dtype="int64") if within is None else np.asarray(within, dtype="int64")
    # each distinct (group, written form), in order of first sight, with its rows
    pair_codes, pairs = pd.factorize(group[ok] * max(n, 1) + codes[ok])
    rows = np.bincount(pair_codes, minlength=len(pairs))
    pg, pc = pairs // max(n, 1), pairs % max(n, 1)
    key_code = pd.factorize(np.asarray(key, dtype=object))[0][pc]
    # each spelling as shown (bare: without trailing punctuation) and as cleaned
    clean_code = pd.factorize(np.asarray(bare(clean) + clean, dtype=object))
    tab = pd.DataFrame({"g": pg, "k": key_code, "c": clean_code[0][pc], "clean": clean_code[0][n + pc],
                        "n": rows, "form": pc})
    per_clean = tab.groupby(["g", "k", "c"], sort=False)["n"].sum()
    best = pd.DataFrame(per_clean.groupby(level=["g", "k"], sort=False).idxmax().tolist(),
                        columns=["g", "k", "win"])
    tab = tab.merge(best, on=["g", "k"], how="left", sort=False)
    # a name written one way only (one clean form) keeps it, trailing punctuation and all
    one_way = (tab.groupby(["g", "k"], sort=False)["clean"].transform("nunique") == 1).to_numpy()
    tab.loc[one_way, "win"] = tab.loc[one_way, "clean"]
    clean_uniq = list(clean_code[1])
    shown = [clean_uniq[w] for w in tab["win"].to_numpy()]  # per (group, written form)
    row_codes = np.full(len(s), len(shown), dtype="int64")
    row_codes[ok] = pair_codes
    out = _spread_text(shown, row_codes, s)
    merged = []
    multi = tab[tab.duplicated(["g", "k"], keep=False).to_numpy()]  # names written in several ways
    several = multi.groupby(["g", "k"], sort=False).agg(forms=("form", list), win=("win", "first"))
    for (g, _), forms, win in zip(several.index, several["forms"], several["win"], strict=True):
        if clean_uniq[win]:  # a loop over the names written in more than one way only
            merged.append({"name": clean_uniq[win], "forms": [text[f] for f in forms],
                           "group": None if within is None else int(g)})
    return out, merged


def _shown(form: str) -> str:
    """A written form with its invisible characters and unusual spaces spelled out."""
    return "".join(c.encode("unicode_escape").decode() if c in INVISIBLE or (c.isspace() and c != " ")
                   else c for c in form)


def _how_written(form: str, name: str) -> str:
    """How *form* differs from the *name* it was read as (for the notes)."""
    how = []
    if any(c in INVISIBLE for c in form):
        how.append("a zero-width character")
    if "\u00a0" in form or "\u202f" in form:
        how.append("a non-breaking space")
    elif any(c.isspace() and c != " " for c in form):
        how.append("a tab, line break or other space")
    plain = "".join(" " if c.isspace() else c for c in form.translate(_DROP))
    if plain != plain.strip() or "  " in plain:
        how.append("extra spaces")
    if unicodedata.normalize("NFC", plain) != plain:
        how.append("another Unicode form")
    clean = clean_name(form)
    if clean != name:
        bare = bare_name(clean) if bare_name(name) == name else clean
        if bare != clean:
            how.append("trailing punctuation")
        if bare != name:
            how.append("another case")
    return ", ".join(how)


def merge_notes(merged: list[dict], what: str, limit: int = 10) -> list[str]:
    """Notes that say which written forms were read as one *what* (e.g. ``"activity"``).

    >>> merge_notes([{"name": "Café", "forms": ["Café", "cafe\\u0301"], "group": None}], "activity")
    ["'Café' and 'cafe\\u0301' (another Unicode form, another case) read as one activity 'Café'"]
    """
    out = []
    for m in merged[:limit]:
        forms = [f"'{_shown(f)}'" + (f" ({h})" if (h := _how_written(f, m["name"])) else "")
                 for f in m["forms"]]
        listed = ", ".join(forms[:-1]) + " and " + forms[-1]
        out.append(f"{listed} read as one {what} '{m['name']}'")
    if len(merged) > limit:
        out.append(f"... and {len(merged) - limit} more names written in more than one way, each read "
                   f"as one {what} (in its most frequent form)")
    return out


#: Words left out when two names are compared by :func:`look_alike` ("walk the dog" is
#: "walk dog").
STOP_WORDS = frozenset({"the", "a", "an", "my", "our", "some"})


#: Word endings dropped to compare the forms of a word ("shopping", "shops", "shopped": "shop").
_ENDINGS = re.compile(r"(?:ing|ed|es|s)$")


def _stem(word: str) -> str:
    """*word* without a common English ending, and a doubled last consonant made single."""
    if len(word) < 5 or not word.isalpha():
        return word
    stem = _ENDINGS.sub("", word)
    if len(stem) < 3:
        return word
    if len(stem) >= 4 and stem[-1] == stem[-2] and stem[-1] not in "aeiousl":
        stem = stem[:-1]
    return stem


def name_words(name: str) -> tuple[str, ...]:
    """A name's words for comparing: case folded, punctuation at the ends of words dropped, stop words left out."""
    words = [w.strip(".,;:!?()[]'\"-") for w in name_key(name).split()]
    kept = tuple(w for w in words if w and w not in STOP_WORDS)
    return kept or tuple(w for w in words if w)


def name_distance(a: str, b: str, limit: int = 2) -> int:
    """Levenshtein distance between *a* and *b*, or ``limit + 1`` once it is over *limit*."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):  # a loop over the characters of a short name
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]


def look_alike(a: str, b: str) -> str | None:
    """Why the names *a* and *b* look like one activity, or None.

    The same words once case folded and without :data:`STOP_WORDS`, the same words in
    another order, the same words in another form (``Food shop``, ``food shopping``),
    one name the other with one more word at the end (``Gym``, ``Gym session``), or at
    most two letters apart (names of five letters or more, with the same digits).

    >>> look_alike("Food shop", "food shopping")
    "the same words in another form ('shop', 'shopping')"
    >>> look_alike("Walk dog", "Read") is None
    True
    """
    wa, wb = name_words(a), name_words(b)
    if wa == wb:
        dropped = sorted({w for w in name_key(a).split() + name_key(b).split() if w in STOP_WORDS})
        return "the same words without " + " and ".join(repr(w) for w in dropped)
    if sorted(wa) == sorted(wb):
        return "the same words in another order"
    sa, sb = tuple(map(_stem, wa)), tuple(map(_stem, wb))
    if sorted(sa) == sorted(sb):
        forms = [(x, y) for x, y in zip(wa, wb, strict=True) if x != y] if sa == sb else []
        shown = f" ({forms[0][0]!r}, {forms[0][1]!r})" if len(forms) == 1 else ""
        return f"the same words in another form{shown}"
    short, long_ = (wa, wb) if len(wa) < len(wb) else (wb, wa)
    if short and long_[:len(short)] == short and len(long_) - len(short) == 1:
        s, lg = (a, b) if short == wa else (b, a)
        return f"{lg!r} starts with {s!r}"
    ka, kb = " ".join(wa), " ".join(wb)
    if min(len(ka), len(kb)) >= 5 and [c for c in ka if c.isdigit()] == [c for c in kb if c.isdigit()]:
        d = name_distance(ka, kb)
        if d <= 2:
            return f"spelled alike ({d} {'letter' if d == 1 else 'letters'} apart)"
    return None
