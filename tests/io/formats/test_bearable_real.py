"""Bearable's other categories become columns of the entry logged at the same date and time."""

from __future__ import annotations

import csv
import io
import warnings

import bactivate as ba

HEAD = ["date", "weekday", "time of day", "category", "rating/amount", "detail", "notes"]


def _read(path, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ba.LogWarning)
        return ba.read_log(path, **kw)


def _write(tmp_path, rows):
    buf = io.StringIO()
    csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows([HEAD, *rows])
    path = tmp_path / "Bearable.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def test_readings_join_their_entry(tmp_path):
    path = _write(tmp_path, [
        ["22nd Sep 2020", "Tuesday", "am", "Mood", "6", "Good", ""],
        ["22nd Sep 2020", "Tuesday", "am", "Energy", "4", "Good", ""],
        ["22nd Sep 2020", "Tuesday", "am", "Symptom", "2", "Headache (Mild)", ""],
        ["22nd Sep 2020", "Tuesday", "am", "Symptom", "1", "Nausea (Mild)", ""],
        ["22nd Sep 2020", "Tuesday", "pm", "Energy", "2", "Low", ""],
        ["22nd Sep 2020", "Tuesday", "", "Sleep", "7:45", "Asleep 23:30 - 07:15", ". "],
    ])
    log = _read(path)
    assert len(log) == 1
    row = log.iloc[0]
    assert float(row["energy"]) == 4.0 and row["energy detail"] == "Good"
    assert row["symptom"] == "2 | 1" and row["symptom detail"] == "Headache (Mild) | Nausea (Mild)"
    rej = log.attrs["rejected"].set_index("row")
    assert sorted(rej.index) == [3, 4, 5, 6, 7]
    assert "kept as the column 'energy'" in rej.loc[3, "reason"]
    assert "no entry at its date and time" in rej.loc[6, "reason"]   # pm energy: no pm entry
    assert "no entry at its date and time" in rej.loc[7, "reason"]   # sleep: no time of day
    assert any("extra columns of the entry" in n for n in log.attrs["notes"])


def test_no_other_categories_no_extra_columns(tmp_path):
    path = _write(tmp_path, [["22nd Sep 2020", "Tuesday", "am", "Mood", "6", "", ""]])
    log = _read(path)
    assert "energy" not in log.columns and len(log) == 1
