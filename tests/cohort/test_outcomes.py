"""pre_post (bactivate.cohort.outcomes): the first and last scored occasions of each client, given
occasions, a roster, and its errors.
"""

from __future__ import annotations

import pandas as pd
import pytest

import bactivate as ba
from bactivate.cohort.outcomes import pre_post


def _scores():
    return pd.DataFrame({
        "client": ["B", "B", "B", "A", "A", "C", "D", "D"],
        "week": [3, 1, 2, 1, 4, 2, 1, 2],
        "phq9_total": pd.array([10, 20, None, 18, 9, 12, None, None], dtype="Int64"),
        "other": ["x"] * 8,
    })


# =========================================================================== pre_post


def test_pre_post_pairs_the_first_and_last_scored_occasions():
    out = pre_post(_scores(), "phq9_total")
    assert out["client"].tolist() == ["A", "B", "C", "D"]
    a, b, c, d = (out.iloc[i] for i in range(4))
    assert (a["pre_week"], a["pre"], a["post_week"], a["post"], a["change"]) == (1, 18, 4, 9, -9)
    assert (b["pre_week"], b["pre"], b["post_week"], b["post"], b["change"]) == (1, 20, 3, 10, -10)
    assert b["n_scored"] == 2
    # one scored occasion is no pair; no score at all keeps its row
    assert c["pre"] == 12 and pd.isna(c["post"]) and pd.isna(c["change"]) and pd.isna(c["post_week"])
    assert pd.isna(d["pre"]) and d["n_scored"] == 0
    assert str(out["pre_week"].dtype) == "Int64" and str(out["pre"].dtype) == "float64"
    assert list(out.columns) == ["client", "pre_week", "pre", "post_week", "post", "change", "n_scored"]
    assert any("2 client(s) without both" in n for n in out.attrs["notes"])


def test_pre_post_at_given_occasions_and_with_a_roster(tmp_path):
    out = pre_post(_scores(), "phq9_total", pre=1, post=3).set_index("client")
    assert out.loc["B", "pre"] == 20 and out.loc["B", "post"] == 10
    assert pd.isna(out.loc["A", "post"])  # A has no week 3
    roster = tmp_path / "roster.csv"
    roster.write_text("client,arm,baseline_phq9\nA,BA,19\nB,control,21\nE,BA,15\n")
    out = pre_post(_scores(), "phq9_total", roster=roster)
    assert list(out.columns[:3]) == ["client", "arm", "baseline_phq9"]
    assert out["client"].tolist() == ["A", "B", "C", "D", "E"]
    assert out.set_index("client").loc["E", "n_scored"] == 0
    notes = " ".join(out.attrs["notes"])
    assert "1 roster client(s) have no scores" in notes and "not in the roster" in notes
    assert ba.compare_groups(out, "arm", "change")["n_a"].iloc[0] == 1


def test_pre_post_errors():
    with pytest.raises(ValueError, match="no column"):
        pre_post(_scores(), "bads_total")
    with pytest.raises(ValueError, match="not a numeric"):
        pre_post(_scores(), "other")
    twice = pd.concat([_scores(), _scores().iloc[:1]])
    with pytest.raises(ValueError, match="two rows"):
        pre_post(twice, "phq9_total")
    with pytest.raises(ValueError, match="no row has week == 9"):
        pre_post(_scores(), "phq9_total", pre=9)
    with pytest.raises(TypeError):
        pre_post("scores.csv", "phq9_total")
