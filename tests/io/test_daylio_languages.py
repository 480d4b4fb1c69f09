"""Daylio's five default moods in the languages added for issue 14 (French, Italian).

Each language's labels come from public evidence (see the comments in
``bactivate.io.scales.DAYLIO_MOODS_BY_LANGUAGE`` and tests/data/README.md); the exports
below are small invented ones in Daylio's 8-column layout, newest entry first.
"""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import csv_data_lines, read_clean, rows_to_csv, write_csv

from bactivate.io.formats.daylio import unknown_labels_message
from bactivate.io.scales import DAYLIO_MOODS_BY_LANGUAGE, mood_labels

HEADER = ["full_date", "date", "weekday", "time", "mood", "activities", "note_title", "note"]

# (moods rad..awful as Daylio writes them, date column, weekday column), Jan 24 back to Jan 20 2023
LANGUAGES = {
    "fr": (["super", "bien", "mouais", "mauvais", "horrible"],
           ["24 janvier", "23 janvier", "22 janvier", "21 janvier", "20 janvier"],
           ["mardi", "lundi", "dimanche", "samedi", "vendredi"]),
    "it": (["ottimo", "buono", "così così", "male", "terribile"],
           ["24 gennaio", "23 gennaio", "22 gennaio", "21 gennaio", "20 gennaio"],
           ["martedì", "lunedì", "domenica", "sabato", "venerdì"]),
}
ACTIVITIES = ["sport | famille", "lecture", "", "travail", "ménage"]


def export_text(lang: str) -> str:
    moods, dates, weekdays = LANGUAGES[lang]
    rows = [HEADER]
    for k, (mood, day, weekday, acts) in enumerate(zip(moods, dates, weekdays, ACTIVITIES, strict=True)):
        rows.append([f"2023-01-{24 - k}", day, weekday, f"{21 - k}:0{k}", mood, acts, "", ""])
    return rows_to_csv(rows)


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_default_moods_read_in_each_language(tmp_path, lang):
    path = write_csv(tmp_path, export_text(lang), "daylio_export.csv")
    log = read_clean(path)
    assert log.attrs["format"] == "daylio"
    rejected = log.attrs["rejected"]
    assert not rejected["kind"].isin(["row", "cell"]).any(), rejected.to_string()
    # every data line is kept, and nothing else
    kept = {int(s.rsplit(":", 1)[1]) for s in log["source"]}
    assert kept == {line for _, line in csv_data_lines(path, 1)} == {2, 3, 4, 5, 6}
    entries = log.drop_duplicates("entry").sort_values("start", ascending=False)
    assert entries["mood"].tolist() == [10.0, 7.5, 5.0, 2.5, 0.0]
    assert entries["start"].iloc[0] == pd.Timestamp("2023-01-24 21:00")
    assert log.attrs["scales"]["mood"] == (0.0, 10.0)


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_labels_match_without_case_or_outer_spaces(tmp_path, lang):
    moods, _, _ = LANGUAGES[lang]
    rows = [HEADER] + [[f"2023-01-{24 - k}", "", "", "20:00", f" {m.upper()} ", "", "", ""]
                       for k, m in enumerate(moods)]
    log = read_clean(write_csv(tmp_path, rows_to_csv(rows), "daylio_export.csv"))
    assert log.sort_values("start", ascending=False)["mood"].tolist() == [10.0, 7.5, 5.0, 2.5, 0.0]


def test_the_languages_tested_are_the_ones_known():
    for lang, (moods, _, _) in LANGUAGES.items():
        assert list(DAYLIO_MOODS_BY_LANGUAGE[lang]) == moods
    for lang, labels in DAYLIO_MOODS_BY_LANGUAGE.items():
        assert list(labels.values()) == [10.0, 7.5, 5.0, 2.5, 0.0], lang
        assert all(k == k.strip().lower() for k in labels), lang


def test_no_label_means_two_values_across_languages():
    seen: dict[str, float] = {}
    for labels in DAYLIO_MOODS_BY_LANGUAGE.values():
        for label, value in labels.items():
            assert seen.setdefault(label, value) == value, label
    known = mood_labels()
    assert known["super"] == 10.0 and known["mouais"] == 5.0 and known["così così"] == 5.0
    assert known["male"] == 2.5 and known["horrible"] == 0.0


def test_unknown_label_message_names_the_new_languages():
    msg = unknown_labels_message("d.csv", ["triste"], pd.Series({"triste": 2}))
    assert "fr: super, bien, mouais, mauvais, horrible" in msg
    assert "it: ottimo, buono, così così, male, terribile" in msg


def test_a_user_label_still_wins_over_a_translated_default(tmp_path):
    moods, _, _ = LANGUAGES["fr"]
    rows = [HEADER] + [[f"2023-01-{24 - k}", "", "", "20:00", m, "", "", ""] for k, m in enumerate(moods)]
    log = read_clean(write_csv(tmp_path, rows_to_csv(rows), "daylio_export.csv"), mood_map={"bien": 8})
    assert log.sort_values("start", ascending=False)["mood"].tolist() == [10.0, 8.0, 5.0, 2.5, 0.0]
