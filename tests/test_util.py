"""bactivate._util: the shared text helpers (plurals, natural order, lists, numbers).

Two kinds of test:

* hand-written expected values, which stay;
* equivalence with the copies the helpers replace (``_plural``, ``_natural``, ``_listed``,
  ``_natural_codes``, ``_n``, ...). These are transitional: each looks its old copy up where it
  is now (or was before the move to ``bactivate/io/`` and ``bactivate/cohort/``) and is skipped
  once the copy is gone.
"""

from __future__ import annotations

import ast
import importlib
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bactivate._util import (
    listed,
    listed_and,
    natural_codes,
    natural_key,
    number,
    plural,
    plural_word,
)

ROOT = Path(__file__).resolve().parents[1]

# --------------------------------------------------------------------------- hand-written values


@pytest.mark.parametrize(("n", "word", "many", "expected"), [
    (0, "row", None, "0 rows"),
    (1, "row", None, "1 row"),
    (2, "row", None, "2 rows"),
    (1234, "row", None, "1234 rows"),  # no thousands separator
    (3, "entry", None, "3 entries"),
    (1, "entry", None, "1 entry"),
    (2, "roster entry", None, "2 roster entries"),
    (2, "day", None, "2 days"),
    (2, "key", None, "2 keys"),
    (2, "boy", None, "2 boys"),
    (2, "guy", None, "2 guys"),
    (2, "activity", None, "2 activities"),
    (2, "DAY", None, "2 DAYs"),  # only a lower-case "y" changes
    (2, "y", None, "2 ys"),
    (2, "entry", "entries", "2 entries"),
    (2, "category", "kinds", "2 kinds"),
    (1, "category", "kinds", "1 category"),
    (2, "box", None, "2 boxs"),  # no "es" rule
    (np.int64(2), "day", None, "2 days"),
    (np.float64(3.0), "day", None, "3 days"),
    (2.0, "day", None, "2 days"),
    (1.0, "day", None, "1 day"),
    (True, "day", None, "1 day"),
])
def test_plural(n, word, many, expected):
    assert plural(n, word, many) == expected
    assert plural_word(n, word, many) == expected.split(" ", 1)[1]


@pytest.mark.parametrize("n", [0, 1, 2, 3, 10])
def test_plural_word_agrees_a_verb_as_the_inline_patterns_do(n):
    assert plural_word(n, "is", "are") == ("is" if n == 1 else "are")
    assert plural_word(n, "has", "have") == ("has" if n == 1 else "have")
    assert plural_word(n, "holds", "hold") == ("holds" if n == 1 else "hold")
    assert plural_word(n, "appears", "appear") == f"appear{'s' if n == 1 else ''}"
    assert plural_word(n, "it", "them") == ("it" if n == 1 else "them")
    assert plural_word(n, "byte") == f"byte{'' if n == 1 else 's'}"


def test_natural_key():
    assert natural_key("C10") == ["c", 10, ""]
    assert natural_key("C10", fold_case=False) == ["C", 10, ""]
    assert natural_key("10") == ["", 10, ""]
    assert natural_key("") == [""]
    assert natural_key(None) == ["none"]
    assert natural_key(7) == ["", 7, ""]
    assert natural_key(2.5) == ["", 2, ".", 5, ""]
    assert natural_key("Ä1b22") == ["ä", 1, "b", 22, ""]
    assert natural_key("x٣") == ["x", 3, ""]  # any Unicode decimal digit is a digit
    assert natural_key("m²") == ["m²"]
    assert natural_key("1²") == ["", 1, "²"]  # a superscript is text (the old copies raised)


def test_natural_order():
    assert sorted(["C10", "c2", "C1", None], key=natural_key) == ["C1", "c2", "C10", None]
    assert sorted(["C10", "c2", "C1"], key=lambda t: natural_key(t, fold_case=False)) == \
        ["C1", "C10", "c2"]
    assert sorted(["a10", "a9", "a09b", "a", "b1", "a1"], key=natural_key) == \
        ["a", "a1", "a9", "a09b", "a10", "b1"]
    assert sorted(["part 2 sheet 10", "part 2 sheet 9", "part 10", "Part 1"], key=natural_key) == \
        ["Part 1", "part 2 sheet 9", "part 2 sheet 10", "part 10"]
    # equal keys keep their order (sorted is stable)
    assert sorted(["c2", "C2", "C02"], key=natural_key) == ["c2", "C2", "C02"]
    assert sorted(["C02", "c2", "C2"], key=natural_key) == ["C02", "c2", "C2"]


def test_natural_codes():
    codes = natural_codes(pd.Series(["C10", "c2", "C1", "c2"], dtype="str"))
    assert isinstance(codes, np.ndarray) and codes.dtype.kind == "i"
    assert codes.tolist() == [2, 1, 0, 1]
    assert natural_codes(["C10", "c2", "C1"]).tolist() == [2, 1, 0]
    assert natural_codes(("b", "a")).tolist() == [1, 0]
    assert natural_codes(np.array(["x10", "x9"])).tolist() == [1, 0]
    assert natural_codes(pd.Index(["x10", "x9", "x10"])).tolist() == [1, 0, 1]
    assert natural_codes(pd.Series([10, 2, 1])).tolist() == [2, 1, 0]
    assert natural_codes(pd.Series([10.5, 2.0])).tolist() == [1, 0]
    assert natural_codes(pd.Series(["b", "a"], dtype="category")).tolist() == [1, 0]
    assert natural_codes(pd.Series([], dtype="str")).tolist() == []
    assert natural_codes([]).tolist() == []
    # values with equal keys: one code each, in order of first appearance
    assert natural_codes(["C2", "c2", "C1", "C2"]).tolist() == [1, 2, 0, 1]
    # many values: a wider int dtype, codes still in order
    many = [f"C{i}" for i in range(300, 0, -1)]
    assert natural_codes(many).tolist() == list(range(299, -1, -1))


@pytest.mark.parametrize("na", [None, np.nan, pd.NA, pd.NaT])
def test_natural_codes_refuses_missing_values(na):
    with pytest.raises(ValueError, match="null"):
        natural_codes(pd.Series(["C10", "c2", "C1", na], dtype=object))
    with pytest.raises(ValueError, match="null"):
        natural_codes(["C1", na])


def test_natural_codes_refuses_missing_text():
    with pytest.raises(ValueError, match="null"):
        natural_codes(pd.Series(["C1", None], dtype="str"))


def test_listed():
    assert listed([]) == ""
    assert listed(["C1"]) == "C1"
    assert listed(["C10", "c2", "C1"]) == "C1, c2, C10"
    assert listed({"C10", "C9"}) == "C9, C10"
    assert listed([3, 1, 20]) == "1, 3, 20"
    ids = [f"C{i}" for i in range(12, 0, -1)]
    assert listed(ids) == "C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, ... (2 more)"
    assert listed(ids, 12) == ", ".join(f"C{i}" for i in range(1, 13))
    assert listed(ids, 3) == "C1, C2, C3, ... (9 more)"
    assert listed([f"C{i}" for i in range(1, 1300)], 1) == "C1, ... (1298 more)"  # no separator


def test_listed_and():
    assert listed_and([]) == ""
    assert listed_and(["A1"]) == "A1"
    assert listed_and(["B2", "A1"]) == "B2 and A1"  # the order given
    assert listed_and(["A1", "B2", "C3"]) == "A1, B2 and C3"
    assert listed_and(list("abcde")) == "a, b, c, d and e"
    assert listed_and(list("abcdef")) == "a, b, c, d, e and 1 more"
    assert listed_and(list("abcdef"), 6) == "a, b, c, d, e and f"
    assert listed_and([str(i) for i in range(1300)]) == "0, 1, 2, 3, 4 and 1,295 more"
    assert listed_and(range(3)) == "0, 1 and 2"


@pytest.mark.parametrize(("x", "expected"), [
    (7, "7"), (7.0, "7"), (-3, "-3"), (-3.0, "-3"), (0, "0"), (0.0, "0"), (-0.0, "0"),
    (0.5, "0.5"), (-0.5, "-0.5"), (2.5e-7, "2.5e-07"), (1234567.5, "1.23457e+06"),
    (999_999_999_999_999.0, "999999999999999"), (1e15, "1e+15"), (1e20, "1e+20"),
    (-1e20, "-1e+20"), (10**20, "1e+20"), (float("nan"), "nan"), (float("inf"), "inf"),
    (float("-inf"), "-inf"), (np.float32(0.1), "0.1"), (np.int64(12), "12"), (True, "1"),
    ("5", "5"), ("0.25", "0.25"),
])
def test_number(x, expected):
    assert number(x) == expected


@pytest.mark.parametrize("x", [None, pd.NA, "five"])
def test_number_refuses_what_is_not_a_number(x):
    with pytest.raises((TypeError, ValueError)):
        number(x)


def test_util_is_the_base_layer():
    """_util imports no other bactivate module, and holds nothing but constants and functions."""
    tree = ast.parse((ROOT / "bactivate" / "_util.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            assert not any(a.name.split(".")[0] == "bactivate" for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0 and (node.module or "").split(".")[0] != "bactivate"
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            assert all(isinstance(t, ast.Name) and t.id.lstrip("_").isupper() for t in targets)
        else:
            assert isinstance(node, ast.Expr | ast.Import | ast.ImportFrom | ast.FunctionDef)


# --------------------------------------------------------------------------- the old copies
#
# Transitional: each helper against the copies it replaces. Each copy is looked up where it is
# now and where it was; a test is skipped when its copy is gone.

OLD_PLACES = {
    "io._plural": ("_plural", "bactivate.io.read", "bactivate.io"),
    "cohort._plural": ("_plural", "bactivate.io.roster", "bactivate.cohort"),
    "formats.plural": ("plural", "bactivate.io.formats._common", "bactivate.formats.common"),
    "common._n_of": ("_n_of", "bactivate._log", "bactivate.common"),
    "plot._count": ("_count", "bactivate.plot"),
    "sources._plural_rows": ("_plural_rows", "bactivate.io.files", "bactivate.sources"),
    "sources._plural_sheets": ("_plural_sheets", "bactivate.io.files", "bactivate.sources"),
    "accounting._natural": ("_natural", "bactivate.io.accounting", "bactivate.accounting"),
    "cohort._natural": ("_natural", "bactivate.io.roster", "bactivate.cohort"),
    "cohort._natural_codes": ("_natural_codes", "bactivate.cohort.summary", "bactivate.cohort"),
    "cohort._listed": ("_listed", "bactivate.io.roster", "bactivate.cohort"),
    "sources._listed": ("_listed", "bactivate.io.files", "bactivate.sources"),
    "io._n": ("_n", "bactivate.io.read", "bactivate.io"),
    "scales._fmt": ("_fmt", "bactivate.io.scales", "bactivate.scales"),
}


def old(which: str):
    """The old copy *which* (a key of OLD_PLACES), or skip the test when it no longer exists."""
    name, *modules = OLD_PLACES[which]
    for module in modules:
        try:
            mod = importlib.import_module(module)
        except ImportError:
            continue
        if callable(getattr(mod, name, None)):
            return getattr(mod, name)
    pytest.skip(f"the old copy {which} is gone (looked in {', '.join(modules)})")


COUNTS = [*range(0, 25), 99, 100, 101, 999, 1000, 1001, 1234, 10**6, 10**9 + 1]
# words the copies are called with today, and more
WORDS = ["row", "problem", "cell", "time", "roster row", "client", "file", "line", "entry", "sheet",
         "non-empty cell", "hour", "form", "day", "mood rating", "plan", "win", "week", "activity",
         "category", "mood label", "column", "byte", "key", "boy", "guy", "y", "DAY", "Entry",
         "box", "s", "", "survey", "baby", "city", "x"]
CONSONANT_Y = {w for w in WORDS if w.endswith("y") and w[-2:-1] not in "aeiou"}


@pytest.mark.parametrize("which", ["io._plural", "cohort._plural"])
def test_plural_matches_the_plain_s_copies(which):
    f = old(which)
    for n in COUNTS:
        for word in WORDS:
            if word in CONSONANT_Y and n != 1:
                # these copies write "2 entrys"; none of their calls passes such a word
                assert f(n, word) == f"{n} {word}s" != plural(n, word)
            else:
                assert f(n, word) == plural(n, word), (n, word)


def test_plural_matches_the_formats_copy():
    f = old("formats.plural")
    for n in COUNTS:
        for word in WORDS:
            assert f(n, word) == plural(n, word), (n, word)


def test_plural_matches_n_of():
    f = old("common._n_of")
    for n in COUNTS:
        for one, many in [("entry", "entries"), ("day", "days"), ("mouse", "mice"), ("is", "are")]:
            assert f(n, one, many) == plural(n, one, many)


def test_plural_matches_plots_count():
    f = old("plot._count")
    counts = [*COUNTS, *map(np.int64, COUNTS), *map(np.float64, COUNTS), *map(float, COUNTS)]
    for n in counts:
        for word in WORDS:
            if word not in CONSONANT_Y:  # _count has no "ies" rule; its calls pass no such word
                assert f(n, word) == plural(n, word), (n, word)
        for word, many in [("entry", "entries"), ("activity", "activities"),
                           ("category", "categories"), ("day", "days")]:
            assert f(n, word, many) == plural(n, word, many)


def test_plural_matches_sources_rows_and_sheets():
    rows, sheets = old("sources._plural_rows"), old("sources._plural_sheets")
    for n in COUNTS[:30]:
        idx = list(range(n))
        assert rows(idx) == plural(len(idx), "row")
        names = [f"Sheet{i}" for i in range(n)]
        quoted = ", ".join(repr(s) for s in names)
        assert sheets(names) == \
            f"{plural_word(len(names), 'sheet')} {quoted} {plural_word(len(names), 'is', 'are')}"


IDS = st.text(alphabet=st.sampled_from("Cc0129 -_.xÄé٣"), max_size=8)


def test_natural_key_matches_both_copies():
    kept, folded = old("accounting._natural"), old("cohort._natural")

    @given(st.one_of(st.text(max_size=12), IDS, st.integers(), st.floats(allow_nan=True)))
    def check(text):
        try:
            expected = kept(text), folded(text)
        except ValueError:  # the copies raise on a part of digits \d does not match ("1²")
            assert any(p.isdigit() for p in natural_key(text)[0::2])
            return
        assert natural_key(text, fold_case=False) == expected[0]
        assert natural_key(text) == expected[1]

    check()
    for text in ["C10", "c2", "C1", None, "", "Week 12", "a09b", "x٣"]:
        assert natural_key(text) == folded(text)
        assert natural_key(text, fold_case=False) == kept(text)


def _as_all(values: list) -> list:
    """*values* in the containers the callers pass: Series (str and object), Index, array."""
    return [pd.Series(values, dtype="str"), pd.Series(values, dtype=object), pd.Index(values),
            np.array(values, dtype=object), pd.Series(values, dtype="category")]


def test_natural_codes_matches_the_cohort_copy():
    f = old("cohort._natural_codes")

    @given(st.lists(IDS, max_size=30))
    def check(ids):
        for values in _as_all(ids):
            got, expected = natural_codes(values), f(values)
            assert got.dtype == expected.dtype and got.tolist() == expected.tolist()

    check()
    for values in [pd.Series([10, 2, 1]), pd.Series([10.5, 2.0, 2.0]),
                   pd.Series([f"C{i}" for i in range(300, 0, -1)], dtype="str")]:
        got, expected = natural_codes(values), f(values)
        assert got.dtype == expected.dtype and got.tolist() == expected.tolist()
    for na in (None, np.nan, pd.NA):
        values = pd.Series(["C10", "c2", "C1", na], dtype=object)
        with pytest.raises(ValueError) as new_error:
            natural_codes(values)
        with pytest.raises(ValueError) as old_error:
            f(values)
        assert str(new_error.value) == str(old_error.value)


def test_listed_matches_the_cohort_copy():
    f = old("cohort._listed")

    @given(st.one_of(st.lists(IDS, max_size=25), st.sets(IDS, max_size=25),
                     st.lists(st.integers(0, 5000), max_size=25)),
           st.integers(0, 14))
    def check(ids, limit):
        assert listed(ids, limit) == f(ids, limit)
        assert listed(ids) == f(ids)

    check()
    ids = [f"C{i}" for i in range(1500)]
    assert listed(ids) == f(ids)


def test_listed_and_matches_the_sources_copy():
    f = old("sources._listed")

    @given(st.lists(IDS, min_size=1, max_size=25), st.integers(1, 14))
    def check(items, limit):
        assert listed_and(items, limit) == f(items, limit)
        assert listed_and(items) == f(items)

    check()
    items = [str(i) for i in range(1, 2000)]
    assert listed_and(items) == f(items)
    assert listed_and(items, 10) == f(items, 10)
    with pytest.raises(IndexError):  # the copy fails on no items; the helper says ""
        f([])


NUMBERS = [0, 0.0, -0.0, 1, -1, 7, 7.0, -3, -3.0, 0.5, -0.5, 0.1, 1 / 3, 2.5e-7, 1e-20, 10.25,
           1234567.5, 123456789.0, 999_999_999_999_999.0, 1e15, 1e16, 1e20, -1e20, 10**20,
           10**16 + 1, math.nan, math.inf, -math.inf, np.float32(0.1), np.float64(4.0),
           np.int64(12), True, False]


def test_number_matches_io():
    f = old("io._n")
    for x in NUMBERS:
        assert number(x) == f(x), x

    @given(st.one_of(st.floats(), st.integers(-(10**20), 10**20)))
    def check(x):
        assert number(x) == f(x)

    check()


def test_number_matches_scales_below_1e15():
    f = old("scales._fmt")
    for x in NUMBERS:
        if abs(float(x)) < 1e15 or not float(x).is_integer():
            assert number(x) == f(x), x
        else:  # scales writes every digit: "100000000000000000000" for 1e20
            assert f(x) == str(int(x)) and number(x) == f"{float(x):g}"

    @given(st.floats(min_value=-1e15, max_value=1e15, exclude_min=True, exclude_max=True))
    def check(x):
        assert number(x) == f(x)

    check()
