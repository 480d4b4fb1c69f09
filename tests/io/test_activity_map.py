"""Issue 14, part 3: one activity, one name (trailing punctuation, activity_map=, likely synonyms)."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import bactivate as ba
from bactivate._names import merge_names, merge_notes, name_key
from bactivate.io import names
from bactivate.io.context import ReadOptions


def read(frame_or_path, **kw) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ba.LogWarning)
        return ba.read_log(frame_or_path, scales={"mood": (0, 10)}, **kw)


def diary(acts) -> pd.DataFrame:
    return pd.DataFrame({"Date": ["2026-03-02"] * len(acts), "Activity": acts, "Mood": range(len(acts))})


# --------------------------------------------------------------------------- trailing punctuation


def test_trailing_punctuation_case_and_spaces_are_one_activity():
    log = read(diary(["Walk dog.", "walk dog!", "Walk dog", "Walk dog", "Gym ", "gym", "Gym?"]))
    assert log["activity"].tolist() == ["Walk dog"] * 4 + ["Gym"] * 3
    notes = " ".join(log.attrs["notes"])
    assert "'Walk dog.' (trailing punctuation)" in notes
    assert "'walk dog!' (trailing punctuation, another case)" in notes
    assert "read as one activity 'Walk dog'" in notes


def test_a_name_written_one_way_keeps_its_punctuation():
    log = read(diary(["Gym.", "Gym.", "Walk", "walk"]))
    assert log["activity"].tolist() == ["Gym.", "Gym.", "Walk", "Walk"]


def test_punctuation_only_names_and_inner_punctuation_stay():
    got, merged = merge_names(pd.Series(["?", "?", "Dr. Lee visit", "dr. lee visit", "C++"]))
    assert got.tolist() == ["?", "?", "Dr. Lee visit", "Dr. Lee visit", "C++"]
    assert len(merged) == 1


def test_client_ids_keep_their_punctuation():
    got, merged = merge_names(pd.Series(["P1.", "P1", "p1"]), fold_case=False)
    assert got.tolist() == ["P1.", "P1", "p1"] and merged == []


def test_name_key():
    assert name_key(" Walk  DOG!! ") == name_key("walk dog.") == "walk dog"
    assert name_key("Cafe\u0301…") == "café"


def test_merge_note_says_trailing_punctuation():
    _, merged = merge_names(pd.Series(["Walk", "walk."]))
    assert merge_notes(merged, "activity") == [
        "'Walk' and 'walk.' (trailing punctuation, another case) read as one activity 'Walk'"]


# --------------------------------------------------------------------------- activity_map=


def test_activity_map_dict_merges_synonyms_case_insensitively():
    log = read(diary(["Walk dog", "walk the dog", "Walk the dog.", "Dog walk", "Gym"]),
               activity_map={"WALK THE DOG": "Walk dog", "dog walk": "Walk dog"})
    assert log["activity"].tolist() == ["Walk dog"] * 4 + ["Gym"]
    notes = log.attrs["notes"]
    assert "activity: 'walk the dog' read as 'Walk dog' (activity_map=, 2 rows)" in notes
    assert "activity: 'Dog walk' read as 'Walk dog' (activity_map=, 1 row)" in notes
    assert len(log) == 5 and log["entry"].nunique() == 5  # nothing lost, entries unchanged


def test_activity_map_spelling_wins_and_merges_with_spellings():
    log = read(diary(["walk dog", "walk dog", "walk dog", "walk the dog"]),
               activity_map={"walk the dog": "Walk dog"})
    assert set(log["activity"]) == {"Walk dog"}
    assert any("read as one activity 'Walk dog'" in n for n in log.attrs["notes"])


def test_activity_map_unknown_names_are_noted_not_an_error():
    log = read(diary(["Walk", "Gym"]), activity_map={"food shopping": "Food shop", "swim": "Swim"})
    assert log["activity"].tolist() == ["Walk", "Gym"]
    assert "activity_map= names 2 activities this log does not hold: 'food shopping', 'swim'" \
        in log.attrs["notes"]


def test_activity_map_from_csv_and_toml(tmp_path):
    csv_path = tmp_path / "map.csv"
    csv_path.write_text("written,activity\nwalk the dog,Walk dog\n\ngroceries , Food shop\n", encoding="utf-8")
    toml_path = tmp_path / "map.toml"
    toml_path.write_text('[activity_map]\n"walk the dog" = "Walk dog"\ngroceries = "Food shop"\n',
                         encoding="utf-8")
    for path in (csv_path, str(toml_path)):
        log = read(diary(["walk the dog", "Groceries", "Gym"]), activity_map=path)
        assert log["activity"].tolist() == ["Walk dog", "Food shop", "Gym"]


def test_activity_map_file_with_a_bad_line(tmp_path):
    path = tmp_path / "map.csv"
    path.write_text("walk the dog,Walk dog\njust one\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 2: give two names"):
        read(diary(["Walk"]), activity_map=path)


@pytest.mark.parametrize(("given", "message"), [
    (["walk"], "takes a dict"),
    ({"walk": 3}, "map a name to an activity name"),
    ({"walk": "  "}, "map a name to an activity name"),
    ({"walk": "Walk dog", "Walk!": "Dog walk"}, "keep one"),
])
def test_activity_map_checked(given, message):
    with pytest.raises(ValueError, match=message):
        ReadOptions.checked(layouts=(), activity_map=given)


def test_activity_map_missing_file(tmp_path):
    with pytest.raises(ValueError, match="cannot be read"):
        ReadOptions.checked(layouts=(), activity_map=tmp_path / "nope.csv")


def test_read_log_takes_activity_map_so_the_command_line_does():
    from bactivate import cli

    assert cli.TAKES_ACTIVITY_MAP


def test_activity_map_on_an_app_export():
    before = read("data/sample/formats/daylio-export.csv", format="daylio")
    log = read("data/sample/formats/daylio-export.csv", format="daylio", activity_map={"meditate": "Mindfulness"})
    n = int((before["activity"] == "Meditate").sum())
    assert n and "Meditate" not in set(log["activity"].dropna())
    assert int((log["activity"] == "Mindfulness").sum()) == n and len(log) == len(before)
    assert f"activity: 'Meditate' read as 'Mindfulness' (activity_map=, {n} rows)" in log.attrs["notes"]


def test_read_cohort_passes_activity_map(tmp_path):
    for name, acts in (("A", ["walk the dog", "Gym"]), ("B", ["Walk dog", "gym"])):
        diary(acts).to_csv(tmp_path / f"{name}.csv", index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ba.LogWarning)
        cohort = ba.read_cohort(tmp_path, scales={"mood": (0, 10)}, activity_map={"walk the dog": "Walk dog"})
    assert set(cohort["activity"]) == {"Walk dog", "Gym"}


# --------------------------------------------------------------------------- likely synonyms


def test_likely_synonyms():
    log = pd.DataFrame({"activity": ["Walk dog"] * 3 + ["walk the dog", "dog walk", "Gym", "Gym session",
                                                        "Studying", "Studyng", "Week 1 task", "Week 2 task",
                                                        "Lunch", "Lunch with Max", "TV"]})
    got = names.likely_synonyms(log)
    pairs = {frozenset((a, b)): why for a, b, why in got[["activity", "other", "why"]].to_numpy()}
    assert pairs[frozenset(("Walk dog", "walk the dog"))] == "the same words without 'the'"
    assert pairs[frozenset(("Walk dog", "dog walk"))] == "the same words in another order"
    assert pairs[frozenset(("Gym", "Gym session"))] == "'Gym session' starts with 'Gym'"
    assert pairs[frozenset(("Studying", "Studyng"))].startswith("spelled alike")
    assert frozenset(("Week 1 task", "Week 2 task")) not in pairs  # other numbers: other things
    assert frozenset(("Lunch", "Lunch with Max")) not in pairs
    assert not any("TV" in p for p in pairs)
    first = got.iloc[0]
    assert first["activity"] == "Walk dog" and first["n_activity"] == 3
    assert list(got.columns) == ["activity", "other", "n_activity", "n_other", "why"]


def test_likely_synonyms_none_and_lines():
    empty = names.likely_synonyms(pd.DataFrame({"activity": pd.Series(["Walk", None, "Read"], dtype="str")}))
    assert empty.empty and names.synonym_lines(empty) == []
    lines = names.synonym_lines(names.likely_synonyms(pd.DataFrame({"activity": ["Walk dog", "walk the dog"]})))
    assert lines[-1] == "  walk the dog,Walk dog"
