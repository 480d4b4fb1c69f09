"""iMoodJournal exports (bactivate.io.formats.imoodjournal): time to the minute, Level 1-10,
hashtag columns as activities, comments as notes."""

from __future__ import annotations

import warnings

import pandas as pd

import bactivate as ba
from bactivate.io.formats import FORMATS, imoodjournal

HEAD = '"Date","Day of week","Hour","Minute","Level","LevelText","Comment","coffee","run","work"'


def _read(path, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ba.LogWarning)
        return ba.read_log(path, **kw)


def _write(tmp_path, lines):
    path = tmp_path / "iMoodJournal.csv"
    path.write_bytes(("\ufeff" + "\n".join([HEAD, *lines]) + "\n").encode("utf-8"))
    return path


def test_registered():
    assert "imoodjournal" in FORMATS
    assert imoodjournal.is_header({"date", "day of week", "hour", "minute", "level", "leveltext"})


def test_entries_minutes_levels_hashtags(tmp_path):
    path = _write(tmp_path, [
        '"September 5, 2015","Sat","09","07","10","(10) Awesome","#coffee #run",1,1,0',
        '"September 5, 2015","Sat","21","45","1","(1) Couldn\'t be worse","Long day\nat #work",0,0,1',
        '"September 6, 2015","Sun","00","00","5","(5) Meh","",0,0,0',
    ])
    log = _read(path)
    assert log.attrs["format"] == "imoodjournal"
    assert tuple(log.attrs["scales"]["mood"]) == (1, 10)
    assert log["activity"].tolist() == ["coffee", "run", "work", None] or \
        log["activity"].astype("str").fillna("-").tolist() == ["coffee", "run", "work", "-"]
    assert log["start"].tolist() == [pd.Timestamp("2015-09-05 09:07")] * 2 + [
        pd.Timestamp("2015-09-05 21:45"), pd.Timestamp("2015-09-06 00:00")]
    assert log["mood"].round(6).tolist() == [10.0, 10.0, 0.0, round(40 / 9, 6)]
    assert log["entry"].tolist() == [1, 1, 2, 3]
    assert log.loc[2, "note"] == "Long day\nat #work"
    assert log.loc[0, "level_text"] == "(10) Awesome"
    assert log["source"].tolist() == ["iMoodJournal.csv:2"] * 2 + ["iMoodJournal.csv:3", "iMoodJournal.csv:5"]
    assert log.attrs["rejected"].empty


def test_format_option_equals_auto(tmp_path):
    path = _write(tmp_path, ['"March 2, 2026","Mon","07","30","3","(3) Bad","#run",0,1,0'])
    pd.testing.assert_frame_equal(_read(path), _read(path, format="imoodjournal"))


def test_sample_file():
    log = _read("data/sample/formats/imoodjournal-export.csv")
    assert log.attrs["format"] == "imoodjournal"
    assert log["activity"].notna().all() and (log["start"].dt.minute != 0).any()
