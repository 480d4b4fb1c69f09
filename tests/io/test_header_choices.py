"""Issue 14, part 4: ambiguous headers are a field only when their cells fit it, every choice in
the notes; more header synonyms."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import bactivate as ba
from bactivate.io import headers


def read(frame, **kw) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ba.LogWarning)
        return ba.read_log(frame, **kw)


def log_of(**cols) -> pd.DataFrame:
    n = len(next(iter(cols.values())))
    return pd.DataFrame({"Date": ["2026-03-02"] * n, "Activity": ["Walk"] * n, **cols})


@pytest.mark.parametrize(("text", "field"), [
    ("How I feel", "mood"), ("Feeling (1-10)", "mood"), ("Feelings", "mood"), ("Mood rating", "mood"),
    ("Mood score", "mood"), ("Effort", "effort"), ("Difficulty", "effort"), ("Enjoyment", "pleasure"),
    ("Achievement", "mastery"), ("Accomplishment", "mastery"), ("What I did", "activity"),
    ("Life area", "category"), ("Value area", "category"), ("Domain", "category"),
    ("Activity Type", "category"), ("Energy", None), ("Rating", None), ("Score", None),
])
def test_synonyms(text, field):
    assert headers.field_for(text) == field


def test_energy_is_an_extra_column():
    log = read(log_of(Energy=[3, 5], Mood=[2, 9]))
    assert log["Energy"].tolist() == [3, 5] and log["effort"].isna().all()


def test_value_of_grades_beside_activity_type():
    log = read(log_of(**{"Activity Type": ["Exercise", "Social"], "Value": ["High", "Low"]}))
    assert log["category"].tolist() == ["Exercise", "Social"]
    assert log["Value"].tolist() == ["High", "Low"]
    assert ("<DataFrame>: 'Value' → category? its cells are High/Low: kept as an extra column "
            "(to read it as category: columns={'Value': 'category'})") in log.attrs["notes"]


def test_value_of_grades_alone_is_not_the_category():
    log = read(log_of(Value=["High", "Medium", "low"]))
    assert log["category"].isna().all() and log["Value"].tolist() == ["High", "Medium", "low"]


def test_value_naming_life_areas_is_the_category_and_says_so():
    log = read(log_of(Value=["Health", "Work"]))
    assert log["category"].tolist() == ["Health", "Work"]
    assert any("'Value' → category? its cells are Health/Work: read as category" in n
               for n in log.attrs["notes"])


def test_value_before_a_better_header_is_demoted():
    log = read(log_of(Value=["Health", "Work"], **{"Life area": ["Body", "Job"]}))
    assert log["category"].tolist() == ["Body", "Job"] and log["Value"].tolist() == ["Health", "Work"]
    assert any("'Life area' is the category: kept as an extra column" in n for n in log.attrs["notes"])


def test_value_of_numbers_is_not_the_category():
    log = read(log_of(Value=[3, 8]))
    assert log["category"].isna().all() and "Value" in log.columns


def test_columns_wins_over_the_cells():
    log = read(log_of(Value=["High", "Low"]), columns={"Value": "category"})
    assert log["category"].tolist() == ["High", "Low"]
    assert not any("Value' →" in n for n in log.attrs["notes"])


def test_rating_of_numbers_is_the_mood_when_nothing_else_is():
    log = read(log_of(Rating=[2, 9, 7]))
    assert log["mood"].tolist() == [2.0, 9.0, 7.0]
    assert any("'Rating' → mood? its cells are numbers 2 to 9: read as mood" in n for n in log.attrs["notes"])


def test_rating_beside_a_mood_column_is_an_extra():
    log = read(log_of(Mood=[2, 9], Score=[40, 80]))
    assert log["mood"].tolist() == [2.0, 9.0] and log["Score"].tolist() == [40, 80]
    assert any("'Score' → mood?" in n and "'Mood' is the mood" in n for n in log.attrs["notes"])


def test_rating_on_a_scale_that_cannot_be_told_is_kept_and_never_stops_the_read():
    log = read(log_of(Level=[1, 3, 4]))
    assert log["mood"].isna().all() and log["Level"].tolist() == [1, 3, 4]
    assert any("'Level' → mood?" in n and "cannot be told" in n for n in log.attrs["notes"])
    log = read(log_of(Level=[1, 3, 4]), scales={"mood": (1, 5)})
    assert log["mood"].tolist() == [0.0, 5.0, 7.5]


def test_type_of_words_is_the_category_and_of_yes_no_is_not():
    assert read(log_of(Type=["Social", "Chores"]))["category"].tolist() == ["Social", "Chores"]
    assert read(log_of(Type=["yes", "no"]))["category"].isna().all()


def test_a_questionnaire_sheet_is_still_no_log():
    assert headers.find_header(pd.DataFrame([["Date", "Score"], ["2026-03-02", "12"]])) is None


def test_how_i_feel_with_a_scale():
    log = read(log_of(**{"Feeling (1-10)": [1, 10]}))
    assert log["mood"].tolist() == [0.0, 10.0]


@pytest.mark.parametrize(("cells", "fits"), [
    (["High", "Medium", "Low"], False), (["H", "M", "L"], False), (["Yes", "no"], False),
    (["Health", "Work"], True), ([1, 2], False), ([None, " "], False),
])
def test_cells_fit_category(cells, fits):
    assert headers.cells_fit("category", pd.Series(cells, dtype=object))[0] is fits
