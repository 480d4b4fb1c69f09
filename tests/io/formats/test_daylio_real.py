"""Daylio exports as they really come (issue 14, part 5): translated default moods and months,
trimmed or reordered columns, no header line, and the unknown-label message."""

from __future__ import annotations

import re
import warnings

import pandas as pd
import pytest

import bactivate as ba
from bactivate.io.formats import daylio
from bactivate.io.formats._common import english_months
from bactivate.io.scales import DAYLIO_MOODS, mood_labels


def _read(path, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ba.LogWarning)
        return ba.read_log(path, **kw)


def _write(tmp_path, text, name="daylio_export.csv", bom=False):
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def test_mood_map_adds_to_the_defaults_in_every_language():
    known = mood_labels({"Sad ": 2, "rad": 9})
    assert known["sad"] == 2.0 and known["rad"] == 9.0   # given labels win
    assert known["meh"] == 5.0 and known["lausig"] == 0.0 and known["źle"] == 2.5
    assert mood_labels() == {**mood_labels(), **{k: v for k, v in DAYLIO_MOODS.items()}}


def test_unknown_labels_message_suggests_no_values(tmp_path):
    path = _write(tmp_path, "full_date,date,weekday,time,mood,activities,note\n"
                            "2021-09-22,22 September,Wednesday,20:00,depressed,,\n"
                            "2021-09-21,21 September,Tuesday,20:00,depressed,,\n"
                            "2021-09-20,20 September,Monday,20:00,ecstatic,,\n"
                            "2021-09-19,19 September,Sunday,20:00,meh,,\n")
    with pytest.raises(ba.LogError) as info:
        _read(path)
    msg = str(info.value)
    assert "'depressed' (2 entries)" in msg and "'ecstatic'" in msg
    assert "rad=10" in msg and "awful=0" in msg   # the defaults with their values
    for label in ("depressed", "ecstatic"):
        assert not re.search(rf"{label}['\"]?\s*[:=]\s*\d", msg), msg
    assert "mood_map={'depressed': ..., 'ecstatic': ...}" in msg
    assert '--mood "depressed=VALUE"' in msg and "10 = best" in msg
    log = _read(path, mood_map={"depressed": 1, "ecstatic": 10})
    assert sorted(log["mood"].tolist()) == [1.0, 1.0, 5.0, 10.0]


def test_polish_old_layout_genitive_months_and_default_moods(tmp_path):
    path = _write(tmp_path, "year,date,weekday,time,mood,activities,note\n"
                            '2018,7 września,piątek,21:00,wspaniale,"praca",""\n'
                            '2018,31 sierpnia,piątek,09:05,tak sobie,"",""\n'
                            '2018,30 sierpnia,czwartek,09:05,okropnie,""\n', bom=True)
    log = _read(path)
    assert log.attrs["format"] == "daylio"
    assert log["start"].tolist() == [pd.Timestamp("2018-08-30 09:05"), pd.Timestamp("2018-08-31 09:05"),
                                     pd.Timestamp("2018-09-07 21:00")]
    assert log["mood"].tolist() == [0.0, 5.0, 10.0]
    assert any("września" in n for n in log.attrs["notes"])
    assert log.attrs["rejected"].empty


def test_german_trimmed_without_time(tmp_path):
    path = _write(tmp_path, "full_date,weekday,mood,activities,note\n"
                            "2020-09-02,Mittwoch,Gut,Wäsche | Lesen,\n"
                            "2020-09-01,Dienstag,Lausig,,\n")
    log = _read(path)
    assert log.attrs["format"] == "daylio"
    assert log["start"].tolist() == [pd.Timestamp("2020-09-01")] + [pd.Timestamp("2020-09-02")] * 2
    assert log["mood"].tolist() == [0.0, 7.5, 7.5]
    assert any("no time column" in n for n in log.attrs["notes"])


@pytest.mark.parametrize("header", ["full_date,weekday,time,mood", "mood,time,full_date,weekday",
                                    "full_date,time,mood,note"])
def test_trimmed_or_reordered_columns_are_still_daylio(tmp_path, header):
    names = header.split(",")
    values = {"full_date": "2022-03-02", "weekday": "Wednesday", "time": "08:15", "mood": "rad", "note": "x"}
    path = _write(tmp_path, header + "\n" + ",".join(values[n] for n in names) + "\n", name="d.csv")
    for fmt in ("auto", "daylio"):
        log = _read(path, format=fmt)
        assert log.attrs["format"] == "daylio"
        assert log["start"].tolist() == [pd.Timestamp("2022-03-02 08:15")]
        assert log["mood"].tolist() == [10.0]


def test_not_enough_daylio_columns_is_not_daylio():
    assert not daylio.is_header({"full_date", "mood"})
    assert not daylio.is_header({"date", "time", "mood", "activities"})   # a long log
    assert daylio.is_header({"year", "date", "weekday", "time", "mood"})


def test_no_header_line_read_by_position(tmp_path):
    path = _write(tmp_path, "2021-10-16,16 de octubre,sábado,9:03,mal,trabajo | leer,\n"
                            "2021-10-15,15 de octubre,viernes,21:40,Motivado,,\n", bom=True)
    for fmt in ("auto", "daylio"):
        log = _read(path, format=fmt, mood_map={"mal": 2.5, "Motivado": 8})
        assert log.attrs["format"] == "daylio"
        assert log["source"].str.endswith(":1").sum() == 2   # line 1 is an entry (two activities)
        assert log.drop_duplicates("entry")["start"].tolist() == [pd.Timestamp("2021-10-15 21:40"),
                                                                  pd.Timestamp("2021-10-16 09:03")]
        assert any("no header line" in n for n in log.attrs["notes"])


def test_month_names_in_daylio_languages():
    out, n = english_months(pd.Series(["7 września", "16 de octubre", "3 mars", "1. März", "5 мая",
                                       "12 Ağustos", "2 září", "9 maart", "11 ottobre", "4 de maio",
                                       "September 7", None]))
    assert out.tolist()[:11] == ["7 September", "16 October", "3 March", "1 March", "5 May", "12 August",
                                 "2 September", "9 March", "11 October", "4 May", "September 7"]
    assert pd.isna(out.iloc[11]) and n == 10


def test_format_daylio_reads_date_and_mood_alone(tmp_path):
    path = _write(tmp_path, "full_date,mood\n2022-03-02,rad\n", name="d.csv")
    with pytest.raises(ba.LogError, match="format='daylio'"):
        _read(path)   # auto: only part of a Daylio export, so it asks
    log = _read(path, format="daylio")
    assert log["start"].tolist() == [pd.Timestamp("2022-03-02")] and log["mood"].tolist() == [10.0]
