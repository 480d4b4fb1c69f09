"""bactivate.io.scales after its split: settle_scale's steps, scale_text, DAYLIO_MOODS."""

from __future__ import annotations

import numpy as np
import pytest

from bactivate.errors import LogError
from bactivate.io.scales import DAYLIO_MOODS, KNOWN, scale_text, settle_scale


def test_daylio_moods_are_daylios_defaults():
    assert DAYLIO_MOODS == {"rad": 10.0, "good": 7.5, "meh": 5.0, "bad": 2.5, "awful": 0.0}
    assert list(DAYLIO_MOODS) == ["rad", "good", "meh", "bad", "awful"]


@pytest.mark.parametrize(("scale", "text"), [((0.0, 10.0), "0-10"), ((1, 5), "1-5"), ((-3.0, 3.0), "-3 to 3"),
                                             ((-5, 5), "-5 to 5"), ((0, 7.5), "0-7.5"), ((0.0, 100.0), "0-100")])
def test_scale_text(scale, text):
    assert scale_text(scale) == text


def test_every_known_scale_reads_back_from_its_text():
    for lo, hi in KNOWN:
        text = scale_text((lo, hi))
        a, b = text.split(" to ") if " to " in text else text.split("-")
        assert (float(a), float(b)) == (lo, hi)


@pytest.mark.parametrize(("kw", "want"), [
    ({"declared": (1, 5), "header": (0.0, 10.0)}, ((1.0, 5.0), "declared with scales=")),
    ({"declared": None, "header": (1.0, 7.0)}, ((1.0, 7.0), "named in the header")),
    ({"declared": None, "header": None, "fractions": np.array([10.0, np.nan])}, ((0.0, 10.0), "cells written as x/10")),
    ({"declared": None, "header": None, "fractions": np.array([100.0])}, ((0.0, 100.0), "cells written as x/100")),
])
def test_settle_scale_in_order_given_header_fractions(kw, want):
    assert settle_scale("mood", np.array([2.0, 4.0]), **kw) == want


def test_settle_scale_from_values():
    v = np.array
    assert settle_scale("mood", v([np.nan]), header=None, declared=None) == ((0.0, 10.0), "no values; 0-10 assumed")
    scale, how = settle_scale("mastery and pleasure", v([1.0, 9.0]), header=None, declared=None)
    assert scale == (0.0, 10.0) and how == (
        "the values (1 to 9) go above 7, so 0-10; if the sheet uses 1-10, declare it with "
        "scales={'mastery': (1, 10), 'pleasure': (1, 10)}")
    assert settle_scale("mood", v([1.25, 3.0]), header=None, declared=None)[1].startswith(
        "the values (1.25 to 3) include fine decimals")
    assert settle_scale("mood", v([5.0, 6.0, 12.0]), header=None, declared=None) == (
        (0.0, 10.0), "most values fit 0-10; 12 is out of range")


def test_settle_scale_cannot_tell():
    with pytest.raises(LogError) as err:
        settle_scale("mastery and pleasure", np.array([-2.0, 2.0]), header=None, declared=None)
    assert str(err.value) == (
        "cannot tell the scale of 'mastery and pleasure': the values (-2 to 2) could be on -3 to 3 or "
        "-5 to 5. Declare it, e.g. read_log(..., scales={'mastery': (-3, 3), 'pleasure': (-3, 3)}), or "
        "write the scale in the header, e.g. 'Mastery (-3 to 3)' and 'Pleasure (-3 to 3)'.")
    with pytest.raises(LogError, match="could be on several scales"):
        settle_scale("mood", np.array([-20.0, 2.0]), header=None, declared=None)
    with pytest.raises(LogError, match="the two ends must differ"):  # (5, 1) is a reversed item
        settle_scale("mood", np.array([1.0]), header=None, declared=(5, 5))
