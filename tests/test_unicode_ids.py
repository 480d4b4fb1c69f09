"""Names in one written form: activities, categories and client ids (issue 12, "Safe by construction II").

"Café" typed on a phone (NFC), pasted from a Mac (NFD), with a zero-width space from a web
form, a non-breaking space from Word, doubled spaces or another case is one activity; a
client file named "Zoé" by macOS (NFD) is the roster's "Zoé" (NFC). What was merged is in
``attrs["notes"]``. Every input is written here, in ``tmp_path``.
"""

from __future__ import annotations

import unicodedata
import warnings

import pandas as pd
import pytest

import bactivate as ba
from bactivate import _names as common
from bactivate.cohort.privacy import pseudonym
from bactivate.io import cohort as io_cohort
from bactivate.io import many as folder

NFC = "Caf\u00e9"
NFD = unicodedata.normalize("NFD", NFC)
ZOE = "Zo\u00e9"
ZOE_NFD = unicodedata.normalize("NFD", ZOE)
HEAD = "date,time,activity,category,mastery (0-10),pleasure (0-10),mood (0-10)\n"


def write(folder_path, name, activities, category="Leisure", client=None, head=HEAD):
    """A CSV log with one row per activity (a day each), ratings on 0-10."""
    folder_path.mkdir(parents=True, exist_ok=True)
    lines = []
    for i, a in enumerate(activities):
        cells = [f"2026-03-{i % 28 + 1:02d}", "09:00", a, category, "5", "6", "7"]
        if client is not None:
            cells.insert(0, client[i] if isinstance(client, list) else client)
        lines.append(",".join(cells))
    path = folder_path / name
    path.write_text(head + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def quiet(func, *a, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return func(*a, **kw)


# --------------------------------------------------------------------------- the helper


@pytest.mark.parametrize("written", [
    NFD, NFC + "\u200b", "\u200b" + NFC, "Ca\u200cf\u00e9", "Ca\u200df\u00e9", NFC + "\u2060",
    "\ufeff" + NFC, " " + NFC + "\u00a0", "\t" + NFC + "\n",
])
def test_clean_name_gives_one_written_form(written):
    assert common.clean_name(written) == NFC


def test_clean_name_collapses_inner_spaces_of_every_kind_and_keeps_case():
    assert common.clean_name("Read\u00a0 a\u2009\u2009book\u3000now") == "Read a book now"
    assert common.clean_name("Read  A  Book") == "Read A Book"


def test_names_are_cleaned_once_per_distinct_value_not_per_row(monkeypatch):
    calls = []
    real = common.clean_name
    monkeypatch.setattr(common, "clean_name", lambda t: calls.append(t) or real(t))
    s = pd.Series([NFC, NFD, "walk", "Walk "] * 5_000, dtype="str")
    names, merged = common.merge_names(s)
    assert len(calls) == 4
    assert set(names) == {NFC, "walk"}
    assert len(merged) == 2


# --------------------------------------------------------------------------- one log


def test_every_way_of_writing_cafe_is_one_activity_and_the_notes_say_so(tmp_path):
    forms = [NFC, NFC, NFC, NFD, NFC + "\u200b", "Caf\u00e9\u00a0au lait", "Caf\u00e9  au lait",
             "caf\u00e9", "CAF\u00c9", "Caf\u00e9 au lait"]
    log = quiet(ba.read_log, write(tmp_path, "log.csv", forms))
    assert log["activity"].value_counts().to_dict() == {NFC: 7, "Caf\u00e9 au lait": 3}
    assert len(log) == len(forms)  # nothing lost
    notes = [n for n in log.attrs["notes"] if n.startswith("activity:")]
    assert len(notes) == 2
    cafe = next(n for n in notes if n.endswith(f"read as one activity '{NFC}'"))
    assert "another Unicode form" in cafe and "zero-width" in cafe and "another case" in cafe
    assert "\\u200b" in cafe  # the invisible character spelled out
    au_lait = next(n for n in notes if "au lait'" in n.split(" read as ")[0])
    assert "non-breaking space" in au_lait and "extra spaces" in au_lait


def test_the_shown_name_is_the_most_frequent_form_ties_go_to_the_first_seen(tmp_path):
    log = quiet(ba.read_log, write(tmp_path, "a.csv", ["walk", "Walk", "Walk", "walk ", "WALK", "Walk"]))
    assert set(log["activity"]) == {"Walk"}
    log = quiet(ba.read_log, write(tmp_path, "b.csv", ["read  a book", "Read a book", "Read a book",
                                                       "read a book"]))
    assert set(log["activity"]) == {"read a book"}  # 2 rows each: the form seen first


def test_categories_are_merged_the_same_way(tmp_path):
    path = tmp_path / "log.csv"
    rows = [("Walk", "Self-care"), ("Read", "self-care"), ("Cook", "Self-care\u200b"), ("Nap", "Self-care")]
    path.write_text(HEAD + "".join(f"2026-03-0{i + 1},09:00,{a},{c},5,6,7\n" for i, (a, c) in
                                   enumerate(rows)), encoding="utf-8")
    log = quiet(ba.read_log, path)
    assert set(log["category"]) == {"Self-care"}
    assert any(n.startswith("category:") and "read as one category 'Self-care'" in n
               for n in log.attrs["notes"])


def test_names_written_one_way_leave_no_note(tmp_path):
    log = quiet(ba.read_log, write(tmp_path, "log.csv", ["Walk", "Read", "Walk"]))
    assert not [n for n in log.attrs["notes"] if n.startswith(("activity:", "category:", "client:"))]


def test_a_tidy_file_reads_back_the_same(tmp_path):
    log = quiet(ba.read_log, write(tmp_path, "log.csv", [NFC, NFD, "walk", "Walk", "Walk"]))
    back = quiet(ba.read_log, ba.write_log(log, tmp_path / "tidy.csv"))
    pd.testing.assert_series_equal(back["activity"], log["activity"])


def test_a_client_column_in_two_unicode_forms_is_one_client(tmp_path):
    head = "client," + HEAD
    path = write(tmp_path, "log.csv", ["Walk", "Read", "Cook"], client=[ZOE, ZOE_NFD, ZOE + "\u00a0"],
                 head=head)
    log = quiet(ba.read_log, path)
    assert log["client"].unique().tolist() == [ZOE]
    assert log["entry"].tolist() == [1, 2, 3]
    assert any(n.startswith("client:") and f"read as one client '{ZOE}'" in n for n in log.attrs["notes"])


def test_a_file_named_in_nfd_is_the_client_in_nfc(tmp_path):
    log = quiet(ba.read_log, write(tmp_path, ZOE_NFD + ".csv", ["Walk"]))
    assert log["client"].iloc[0] == ZOE
    log = quiet(ba.read_log, write(tmp_path, "x.csv", ["Walk"]), client=" Zo\u200be" + "\u0301 ")
    assert log["client"].iloc[0] == ZOE


# --------------------------------------------------------------------------- cohorts and rosters


def test_an_nfd_file_name_matches_the_nfc_roster(tmp_path):
    d = tmp_path / "logs"
    write(d, ZOE_NFD + ".csv", ["Walk", "Read"])   # as macOS names files
    write(d, "Ana\u00a0Li.csv", ["Cook"])          # a non-breaking space in a file name
    roster = tmp_path / "roster.csv"
    roster.write_text(f"client,arm\n{ZOE},BA\nAna Li\u200b,control\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error", ba.LogWarning)  # no mismatch to warn about
        cohort = ba.read_cohort(d, roster=roster)
    assert sorted(cohort["client"].unique()) == ["Ana Li", ZOE]
    assert sorted(cohort.attrs["roster"]["client"]) == ["Ana Li", ZOE]
    assert not [n for n in cohort.attrs["notes"] if "roster" in n]
    summary = ba.client_summary(cohort).set_index("client")
    assert summary.loc[ZOE, "arm"] == "BA" and summary.loc["Ana Li", "arm"] == "control"


def test_a_roster_frame_with_nfd_ids_joins_in_client_summary(tmp_path):
    d = tmp_path / "logs"
    write(d, ZOE + ".csv", ["Walk", "Read"])
    write(d, "Bo.csv", ["Cook"])
    cohort = quiet(ba.read_cohort, d)
    roster = pd.DataFrame({"Participant": [ZOE_NFD, " Bo "], "arm": ["BA", "control"]})
    summary = ba.client_summary(cohort, roster=roster).set_index("client")
    assert summary["arm"].to_dict() == {"Bo": "control", ZOE: "BA"}


def test_ids_that_differ_only_in_case_are_not_joined_but_the_notes_point_to_them(tmp_path):
    d = tmp_path / "logs"
    write(d, "c001.csv", ["Walk"])
    write(d, "C002.csv", ["Walk"])
    roster = pd.DataFrame({"client": ["C001", "C002"], "arm": ["BA", "control"]})
    cohort = quiet(ba.read_cohort, d, roster=roster)
    assert any("differ only in case" in n and "'c001'" in n and "'C001'" in n for n in cohort.attrs["notes"])


def both(monkeypatch, src, **kw):
    """(fast, one by one) read_cohort of *src*; the first must have taken the fast path."""
    took = []
    real = folder.read_many

    def spy(*a, **k):
        got = real(*a, **k)
        took.append(got is not None)
        return got

    monkeypatch.setattr(io_cohort, "read_many", spy)
    fast = quiet(ba.read_cohort, src, **kw)
    monkeypatch.setattr(io_cohort, "read_many", lambda *a, **k: None)
    slow = quiet(ba.read_cohort, src, **kw)
    assert took == [True]
    return fast, slow


def test_the_fast_folder_path_and_file_by_file_give_the_same_names_and_notes(tmp_path, monkeypatch):
    d = tmp_path / "logs"
    write(d, ZOE_NFD + ".csv", [NFC, NFD, NFD, "walk", "Walk"], category="Self-care")
    write(d, "Bo.csv", ["Walk", "Walk", "walk\u00a0", NFC], category="self-care")
    write(d, "Cy.csv", ["Gym", "Gym"], category="Health")
    fast, slow = both(monkeypatch, d)
    pd.testing.assert_frame_equal(fast, slow)
    assert sorted(fast["client"].unique()) == ["Bo", "Cy", ZOE]
    mine = fast[fast["client"] == ZOE]
    assert set(mine["activity"]) == {NFC, "Walk"}  # 'walk' and 'Walk' tie in Zoé's file; then across files
    assert set(fast["category"]) == {"Self-care", "Health"}
    merged = [n for n in fast.attrs["notes"] if "read as one" in n]
    assert merged == [n for n in slow.attrs["notes"] if "read as one" in n]
    # within a file the note names the file; across files it says so
    assert any(n.startswith(f"{ZOE_NFD}.csv: activity:") for n in merged)
    assert any(n.startswith("Bo.csv: activity:") for n in merged)
    assert any(n.startswith("across files: category:") for n in merged)


def test_names_across_clients_are_one_activity_in_a_cohort(tmp_path):
    d = tmp_path / "logs"
    write(d, "A.csv", ["Gym", "Gym", "Gym"])
    write(d, "B.csv", ["gym", "GYM\u200b"])
    cohort = quiet(ba.read_cohort, [d / "A.csv", d / "B.csv"])
    assert set(cohort["activity"]) == {"Gym"}
    note = next(n for n in cohort.attrs["notes"] if n.startswith("across files: activity:"))
    assert note.endswith("read as one activity 'Gym'")


def test_two_files_that_are_one_client_in_two_unicode_forms_are_caught(tmp_path):
    d = tmp_path / "logs"
    write(d, ZOE + ".csv", ["Walk"])
    write(d, ZOE_NFD + ".csv", ["Read"])
    if len(list(d.iterdir())) < 2:
        pytest.skip("this file system stores one form of a file name (e.g. macOS)")
    with pytest.raises(ba.LogError, match="more than one file"):
        quiet(ba.read_cohort, d)
    pooled = quiet(ba.read_cohort, d, duplicate_clients="combine")
    assert pooled["client"].unique().tolist() == [ZOE]


# --------------------------------------------------------------------------- privacy


def test_pseudonyms_do_not_depend_on_how_an_id_is_written():
    key = "a long secret kept apart from the data"
    assert pseudonym(ZOE_NFD, key=key) == pseudonym(ZOE, key=key) == pseudonym(f" {ZOE}\u200b",
                                                                                        key=key)
    log, _ = ba.synth.cohort(n_clients=2, weeks=1, seed=1)
    first = log["client"].iloc[0]
    log = log.assign(client=log["client"].astype("str").replace({first: ZOE_NFD}))
    roster = pd.DataFrame({"client": [ZOE, log["client"].iloc[-1]], "arm": ["BA", "control"]})
    safe_log = ba.deidentify(log, key=key)
    safe_roster = ba.deidentify(roster, key=key)
    assert set(safe_roster["client"]) == set(safe_log["client"])
    assert pseudonym(ZOE, key=key) in set(safe_log["client"])


def test_questionnaire_ids_join_the_roster_in_any_unicode_form():
    nfd = unicodedata.normalize("NFD", "Zoé")
    scores = pd.DataFrame({"client": [nfd, nfd + " "], "week": [1, 8], "phq9_total": [15.0, 8.0]})
    roster = pd.DataFrame({"client": ["Zoé"], "arm": ["BA"]})
    out = ba.pre_post(scores, "phq9_total", roster=roster)
    assert out["client"].tolist() == ["Zoé"]  # one client, not three
    assert out["arm"].tolist() == ["BA"] and out["change"].tolist() == [-7.0]


def test_a_joiner_inside_an_emoji_is_kept_a_lone_one_dropped():
    family = "\U0001F468\u200d\U0001F469\u200d\U0001F467"  # one picture, three people
    assert common.clean_name(f"Dinner {family}") == f"Dinner {family}"
    assert common.clean_name("Caf\u200de") == "Cafe"
    assert common.clean_name("\u200d Walk \u200d") == "Walk"
