"""The client's values map (``read_log(values=)``, ``--values``) and ``values_summary``.

The map's effect on the log is checked against the map itself (each named activity's
rows take its value, the others keep the log's own), and ``values_summary``'s numbers
against a plain pandas groupby computed here, with the last week found from the dates
without bactivate's calendar.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

import bactivate as ba
from bactivate.cli import main
from bactivate.io.values_map import values_map
from bactivate.outputs import OutputError
from bactivate.report import render_report
from bactivate.values import values_summary

ROOT = Path(__file__).resolve().parents[1]
ALEX = ROOT / "data" / "sample" / "client-alex.xlsx"
ALEX_VALUES = ROOT / "data" / "sample" / "values-alex.csv"

#: One map, as the clinician would fill it in (activity, value, importance; one value with no activity).
ROWS = [("Walk in the park", "Health", 8), ("Gym", "Health", None), ("Call a friend", "Connection", 9),
        ("Lunch with family", "Connection", None), ("Study for course", "Learning", 6),
        (None, "Spirituality", 7)]
EXPECTED = {"walk in the park": "Health", "gym": "Health", "call a friend": "Connection",
            "lunch with family": "Connection", "study for course": "Learning"}
IMPORTANCE = {"Health": 8.0, "Connection": 9.0, "Learning": 6.0, "Spirituality": 7.0}


def _synth(weeks=3, seed=5, **kw) -> pd.DataFrame:
    return ba.synth.client(weeks=weeks, seed=seed, **kw)


def _read(log, **kw) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ba.read_log(log, errors="ignore", **kw)


def _write_csv(path: Path, header=("Activity", "Value", "Importance (0-10)"), rows=ROWS) -> Path:
    lines = [",".join(header)] + [",".join("" if c is None else str(c) for c in r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _write_xlsx(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Values"
    sheet.append(["My values map (filled in with the client)"])  # a title row above the header
    sheet.append([])
    sheet.append(["Activity", "Life area", "Importance (0-10)"])
    for row in ROWS:
        sheet.append(list(row))
    book.save(path)
    return path


def _write_toml(path: Path) -> Path:
    path.write_text(
        '"Walk in the park" = "Health"\n"Gym" = "Health"\n"Lunch with family" = "Connection"\n'
        '"Study for course" = "Learning"\n'
        '[Health]\nimportance = 8\n'
        '[Connection]\nimportance = 9\nactivities = ["Call a friend"]\n'
        '[Learning]\nimportance = 6\n'
        '[Spirituality]\nimportance = 7\nactivities = []\n', encoding="utf-8")
    return path


def _as_given(kind: str, tmp_path: Path):
    """The map of ROWS in each form read_log takes."""
    if kind == "frame":
        return pd.DataFrame(ROWS, columns=["Activity", "Value", "Importance"])
    if kind == "dict":
        out = {a: v for a, v, _ in ROWS if a}
        out.update({v: {"importance": i} for _, v, i in ROWS if i is not None and v not in ("Learning",)})
        return {**out, "Learning": {"importance": 6, "activities": ["Study for course"]},
                "Spirituality": {"importance": 7}}
    if kind == "csv":
        return _write_csv(tmp_path / "values.csv")
    if kind == "xlsx":
        return _write_xlsx(tmp_path / "values.xlsx")
    return _write_toml(tmp_path / "values.toml")


# --------------------------------------------------------------------------- reading the map


@pytest.mark.parametrize("kind", ["frame", "dict", "csv", "xlsx", "toml"])
def test_each_form_gives_the_same_map(kind, tmp_path):
    vm = values_map(_as_given(kind, tmp_path))
    named = vm.dropna(subset=["activity"])
    assert dict(zip(named["activity"].str.lower(), named["value"], strict=True)) == EXPECTED
    assert vm.groupby("value")["importance"].first().to_dict() == IMPORTANCE
    # the value with no activity yet is kept, as a row with no activity
    bare = vm[vm["activity"].isna()]
    assert bare["value"].tolist() == ["Spirituality"]


@pytest.mark.parametrize("kind", ["frame", "dict", "csv", "xlsx", "toml"])
def test_read_log_sets_category_from_each_form(kind, tmp_path):
    raw = _synth()
    log = _read(raw, values=_as_given(kind, tmp_path))
    key = raw["activity"].str.lower()
    mapped = key.map(EXPECTED)
    expected = mapped.where(mapped.notna(), raw["category"])
    assert log["category"].tolist() == expected.tolist()
    table = log.attrs["values"]
    assert list(table.columns) == ["value", "importance", "activities"]
    assert table.set_index("value")["importance"].to_dict() == IMPORTANCE
    assert table["importance"].tolist() == sorted(IMPORTANCE.values(), reverse=True)  # most important first
    acts = table.set_index("value")["activities"]
    assert acts["Spirituality"] == ""
    assert sorted(acts["Health"].split("; ")) == ["Gym", "Walk in the park"]


def test_matching_ignores_case_spacing_unicode_and_trailing_punctuation():
    raw = _synth()
    log = _read(raw, values={"  WALK   in the PARK. ": "Health", "gym!": "Health",
                             "Cafe\u0301 visit": "Connection"})
    walk = raw["activity"].isin(["Walk in the park", "Gym"]).to_numpy()
    assert (log.loc[walk, "category"] == "Health").all()
    assert (log.loc[~walk, "category"] == raw.loc[~walk, "category"]).all()
    # a log that writes an accent in another Unicode form matches too
    cafe = raw.assign(activity=raw["activity"].astype("str").where(~walk, "Café visit"))
    assert (_read(cafe, values={"Cafe\u0301 visit": "Connection"}).loc[walk, "category"] == "Connection").all()


def test_map_wins_over_the_log_and_notes_count_each_change():
    raw = _synth()
    vmap = {"Walk in the park": "Health", "Meditate": "Calm", "Choir": "Community",
            "Spirituality": {"importance": 5}}
    log = _read(raw, values=vmap)
    named = raw["activity"].isin(["Walk in the park", "Meditate"])
    changed = int((named & raw["category"].ne(raw["activity"].map({"Walk in the park": "Health",
                                                                    "Meditate": "Calm"}))).sum())
    others = raw.loc[~named, "activity"].nunique()
    note = [n for n in log.attrs["notes"] if n.startswith("values map:")]
    assert len(note) == 1
    assert note[0].startswith(f"values map: 2 activities given a value ({changed} rows whose life area changed); "
                              f"{others} activities of the log not in the map keep their own life area (")
    assert "1 map activity not in this log (Choir)" in note[0]
    assert note[0].endswith("1 value with no activity yet (Spirituality)")


def test_activity_map_applies_to_the_values_map_too():
    raw = _synth()
    raw["activity"] = raw["activity"].astype("str").replace({"Grocery shopping": "food shopping"})
    log = _read(raw, activity_map={"food shopping": "Food shop"}, values={"Food shopping": "Home"})
    rows = (raw["activity"] == "food shopping").to_numpy()
    assert rows.any()
    assert (log.loc[rows, "activity"] == "Food shop").all() and (log.loc[rows, "category"] == "Home").all()
    assert log.attrs["values"]["activities"].tolist() == ["Food shop"]


def test_without_values_no_attrs_and_category_untouched():
    raw = _synth()
    log = _read(raw)
    assert "values" not in log.attrs
    assert log["category"].tolist() == raw["category"].tolist()
    assert not any(n.startswith("values map") for n in log.attrs["notes"])


# --------------------------------------------------------------------------- errors that say what to fix


@pytest.mark.parametrize(("rows", "header", "says"), [
    ([("Walk", "Health", 12)], None, "values='values.csv' row 2: the importance 12 (of the value 'Health') "
                                     "is not on 0-10; give how important"),
    ([("Walk", "Health", -1)], None, "row 2: the importance -1 "),
    ([("Gym", "Health", 8), ("Walk", "Health", "very")], None, "row 3: the importance 'very' (of the value "
                                                                "'Health') is not a number"),
    ([("Walk", "Health", 8), ("Gym", "Health", 3)], None, "row 3: the value 'Health' is given the importance 3, "
                                                          "and 8 at values='values.csv' row 2; give each value "
                                                          "one importance"),
    ([("Walk", "Health", None), ("Gym", "Fun", None), ("walk.", "Family", None)], None,
     "row 4: 'walk.' is given the value 'Family', and 'Health' at values='values.csv' row 2; give each "
     "activity one value"),
    ([("Walk", None, None)], None, "row 2: 'Walk' has no value; write the value it serves"),
    ([("Walk", "Health")], ("Activity", "Thing"), "values='values.csv': no value column (the first row reads "
                                                   "'Activity', 'Thing'); name the columns Activity, Value"),
    ([("Health", 8)], ("Value", "Importance"), "values='values.csv' row 1: no activity column (the header "
                                               "reads 'Value', 'Importance'); add a column Activity"),
    ([], None, "the map holds no values"),
])
def test_map_errors_name_the_file_row_and_fix(tmp_path, rows, header, says):
    path = _write_csv(tmp_path / "values.csv", header or ("Activity", "Value", "Importance (0-10)"), rows)
    with pytest.raises(ValueError) as exc:
        _read(_synth(weeks=1), values=path)
    assert says in str(exc.value)


@pytest.mark.parametrize("header", [("Activities", "Life area", "How important (0-10)"),
                                    ("activity", "VALUES", "importance"), ("Activity", "Domain", "Importance")])
def test_loose_headers_below_a_title_row(tmp_path, header):
    path = tmp_path / "values.csv"
    path.write_text("Values map for Alex (the title mentions values)\n\n"
                    + _write_csv(tmp_path / "body.csv", header).read_text(encoding="utf-8"), encoding="utf-8")
    vm = values_map(path)
    named = vm.dropna(subset=["activity"])
    assert dict(zip(named["activity"].str.lower(), named["value"], strict=True)) == EXPECTED
    assert vm.groupby("value")["importance"].first().to_dict() == IMPORTANCE
    with pytest.raises(ValueError, match=r"values='values.csv' row 4: the importance 11"):
        values_map(_write_csv(path, header, rows=[*ROWS[:2], ("Run", "Fun", 11)]))


def test_same_activity_twice_with_one_value_is_fine():
    vm = values_map({"Walk": "Health", "walk ": "health", "WALK.": "Health"})
    assert vm["activity"].tolist() == ["Walk"] and vm["value"].tolist() == ["Health"]


def test_frame_errors_name_the_column_and_row():
    with pytest.raises(ValueError, match=r"values= \(a DataFrame\): no activity column \(the columns are "
                                         r"'Value'\)"):
        values_map(pd.DataFrame({"Value": ["Health"]}))
    with pytest.raises(ValueError, match=r"values= \(a DataFrame\) index 1: the importance 11 \(of the value 'Health'\) is not on 0-10"):
        values_map(pd.DataFrame({"activity": ["Walk", "Gym"], "value": ["Fun", "Health"],
                                 "importance": [5, 11]}))


def test_unreadable_files(tmp_path):
    with pytest.raises(ValueError, match="values='nope.csv': the file cannot be read"):
        values_map(tmp_path / "nope.csv")
    with pytest.raises(ValueError, match="is a folder"):
        values_map(tmp_path)
    bad = tmp_path / "values.toml"
    bad.write_text("Walk = = Health", encoding="utf-8")
    with pytest.raises(ValueError, match="values='values.toml': not valid TOML"):
        values_map(bad)
    broken = tmp_path / "values.xlsx"
    broken.write_bytes(b"PK\x03\x04 not a workbook")
    with pytest.raises(ValueError, match="values='values.xlsx': the file cannot be read as a table"):
        values_map(broken)
    with pytest.raises(ValueError, match="values= takes a DataFrame"):
        values_map(["Walk", "Health"])


def test_the_map_file_is_never_modified(tmp_path, capsys):
    path = _write_csv(tmp_path / "values.csv")
    before, mtime = path.read_bytes(), os.stat(path).st_mtime_ns
    _read(_synth(), values=path)
    assert main(["validate", str(ALEX), "--values", str(path)]) in (0, 1)
    assert path.read_bytes() == before and os.stat(path).st_mtime_ns == mtime
    # and the report never writes over it (checked before any notebook runs)
    with pytest.raises(OutputError, match="is the values map it is made from"):
        render_report(ALEX, path, parameters={"values": str(path)})
    assert path.read_bytes() == before


# --------------------------------------------------------------------------- the command line


def test_cli_validate_with_values(capsys):
    code = main(["validate", str(ALEX), "--values", str(ALEX_VALUES)])
    out = capsys.readouterr().out
    assert code == 1  # the sample's two mood cells left blank, as without --values
    assert "values map: 16 activities given a value" in out
    assert "1 value with no activity yet (Spirituality)" in out


def test_cli_bad_map_is_one_line_exit_2(tmp_path, capsys):
    path = _write_csv(tmp_path / "values.csv", rows=[("Walk", "Health", 15)])
    assert main(["validate", str(ALEX), "--values", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert err.startswith(f"bactivate: --values {path} row 2: the importance 15 ")


def test_cli_values_from_options_file_relative_to_it(tmp_path, capsys, monkeypatch):
    folder = tmp_path / "client"
    folder.mkdir()
    _write_csv(folder / "values.csv")
    (folder / "alex.toml").write_text('values = "values.csv"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # the map is found beside the options file, not here
    code = main(["validate", str(ALEX), "--options", str(folder / "alex.toml")])
    out = capsys.readouterr().out
    assert code == 1
    assert "values map: 5 activities given a value" in out and "(Spirituality)" in out


def test_options_file_values_table_and_errors(tmp_path):
    from bactivate.options import OptionError, read_options_file, reading_options

    path = tmp_path / "alex.toml"
    path.write_text('[values]\n"Walk in the park" = "Health"\n', encoding="utf-8")
    assert read_options_file(path) == {"values": {"Walk in the park": "Health"}}
    path.write_text('values = "missing.csv"\n', encoding="utf-8")
    with pytest.raises(OptionError, match=r"alex.toml: values = .*missing.csv: the file cannot be read"):
        read_options_file(path)
    given = reading_options(values=str(ALEX_VALUES))
    assert given == {"values": str(ALEX_VALUES.resolve())}  # a plain value: a notebook parameter


# --------------------------------------------------------------------------- values_summary


def _last_week_rows(start: pd.Series) -> pd.Series:
    """Rows in the calendar week (Monday to Sunday) of the last logged day, found from the dates."""
    last = start.max().normalize()
    monday = last - pd.Timedelta(days=last.weekday())
    return (start >= monday) & (start < monday + pd.Timedelta(days=7))


def test_values_summary_matches_a_plain_groupby():
    raw = _synth(weeks=4, seed=11)
    vmap = {"Walk in the park": "Health", "Gym": "Health", "Call a friend": "Connection",
            "Meditate": "Spirituality", "Study for course": "Learning",
            "Health": {"importance": 8}, "Connection": {"importance": 9}, "Creativity": {"importance": 6}}
    log = _read(raw, values=vmap)
    got = values_summary(log).set_index("value", drop=False)
    took_place = ~(log["planned"].fillna(False) & log["done"].eq(False).fillna(False))
    rows = log[took_place.to_numpy()].assign(
        hours=lambda d: (d["end"] - d["start"]).dt.total_seconds() / 3600,
        last=lambda d: _last_week_rows(d["start"]))
    # with a map, the client's values are the map's: other life areas of the log count as no value
    in_map = {"Health", "Connection", "Spirituality", "Learning", "Creativity"}
    rows = rows.assign(category=rows["category"].where(rows["category"].isin(in_map)))
    expected = rows.groupby("category").agg(entries=("activity", "size"), hours=("hours", "sum"),
                                            mastery=("mastery", "mean"), pleasure=("pleasure", "mean"),
                                            mood=("mood", "mean"), last=("last", "sum"))
    assert set(got["value"].dropna()) == set(expected.index) | {"Creativity"}
    for value, exp in expected.iterrows():
        row = got.loc[value]
        assert row["entries"] == exp["entries"]
        assert row["entries_last_week"] == exp["last"]
        assert bool(row["served_last_week"]) == (exp["last"] > 0)
        for col in ("hours", "mastery", "pleasure", "mood"):
            assert row[col] == pytest.approx(exp[col], rel=1e-12), (value, col)
        assert row["share"] == pytest.approx(exp["entries"] / len(rows))
        acts = rows.loc[rows["category"] == value, "activity"].astype("str").value_counts()
        assert set(row["activities"].split("; ")) == set(acts.index)
        assert row["activities"].split("; ")[0] in acts[acts == acts.max()].index
    assert got.loc["Health", "importance"] == 8 and got.loc["Connection", "importance"] == 9
    assert np.isnan(got.loc["Learning", "importance"])
    # the value with no activity: entries 0 (a count), ratings unknown, not served
    creativity = got.loc["Creativity"]
    assert creativity["entries"] == 0 and creativity["entries_last_week"] == 0
    assert creativity["activities"] == "" and creativity["share"] == 0
    assert not creativity["served_last_week"]
    assert creativity[["mastery", "pleasure", "mood"]].isna().all()
    assert creativity["hours"] == 0  # this log records end times: no entries took no time
    # sorted by importance (given first), then entries
    imp = got["importance"].to_numpy()
    given = ~np.isnan(imp)
    assert given.tolist() == sorted(given.tolist(), reverse=True)
    assert imp[given].tolist() == sorted(imp[given].tolist(), reverse=True)
    rest = got.loc[~given & got["value"].notna().to_numpy(), "entries"].tolist()
    assert rest == sorted(rest, reverse=True)
    assert pd.isna(got["value"].iloc[-1])  # the no-value row last
    assert got["entries"].iloc[-1] == rows["category"].isna().sum()
    assert got.attrs["from_map"] and got.attrs["week"] == 4


def test_values_summary_without_a_map_uses_the_logs_life_areas():
    raw = _synth(weeks=2, seed=3)
    got = values_summary(raw)
    took = raw[~(raw["planned"].fillna(False) & raw["done"].eq(False).fillna(False)).to_numpy()]
    assert got.set_index("value")["entries"].to_dict() == took["category"].value_counts().to_dict()
    assert got["importance"].isna().all() and not got.attrs["from_map"]
    assert got["entries"].tolist() == sorted(got["entries"].tolist(), reverse=True)


def test_missing_is_not_zero():
    raw = _synth(weeks=2, seed=3)
    got = values_summary(raw.assign(mastery=np.nan, end=pd.NaT))
    assert got["mastery"].isna().all() and got["hours"].isna().all()
    assert got["pleasure"].notna().all()
    log = _read(raw.assign(end=pd.NaT), values={"Gym": "Health", "Art": {"importance": 4}})
    art = values_summary(log).set_index("value").loc["Art"]
    assert art["entries"] == 0 and np.isnan(art["hours"])  # no end times at all: not 0 hours


def test_activities_with_no_value_are_one_last_row():
    raw = _synth(weeks=2, seed=3)
    raw["category"] = raw["category"].where(raw["activity"] != "Rest")
    got = values_summary(raw)
    last = got.iloc[-1]
    assert pd.isna(last["value"]) and last["activities"] == "Rest"
    took = raw[~(raw["planned"].fillna(False) & raw["done"].eq(False).fillna(False)).to_numpy()]
    assert last["entries"] == (took["activity"] == "Rest").sum()
    assert got["share"].sum() == pytest.approx(1)


def cal_week(raw: pd.DataFrame) -> pd.Series:
    """Calendar weeks (Monday first) counted from the first logged day's week, from the dates alone."""
    first = raw["start"].min().normalize()
    monday = first - pd.Timedelta(days=first.weekday())
    return (raw["start"] - monday).dt.days // 7 + 1


def test_week_chooses_the_week_under_review():
    raw = _synth(weeks=3, seed=7)
    first = raw["start"] < raw["start"].min().normalize() + pd.Timedelta(days=7 - raw["start"].min().weekday())
    got = values_summary(raw, week=1).set_index("value")
    took = ~(raw["planned"].fillna(False) & raw["done"].eq(False).fillna(False))
    expected = raw[(first & took).to_numpy()]["category"].value_counts()
    assert got["entries_last_week"].to_dict() == {v: expected.get(v, 0) for v in got.index}
    assert got.attrs["week"] == 1 and got.attrs["week_label"].startswith("Week 1, ")
    with pytest.raises(ValueError, match="week=9: the log runs from week 1 to week 3"):
        values_summary(raw, week=9)
    # a week inside the log with no entries: every value unserved, none dropped
    gap = raw[~(cal_week(raw) == 2).to_numpy()]
    got = values_summary(gap, week=2)
    assert (got["entries_last_week"] == 0).all() and not got["served_last_week"].any()
    assert got.attrs["week_label"] == "Week 2"


def test_sample_map_reads_and_summarises():
    log = _read(ALEX, values=ALEX_VALUES)
    got = values_summary(log)
    spirit = got.set_index("value").loc["Spirituality"]
    assert spirit["entries"] == 0 and spirit["importance"] == 6 and not spirit["served_last_week"]
    # the activities the map leaves out (their own life areas Self-care, Leisure, ...) are the last
    # row, no value: with a map, the client's values are the map's
    assert not {"Self-care", "Leisure", "Work/Education", "Relationships"} & set(got["value"].dropna())
    last = got.iloc[-1]
    assert pd.isna(last["value"]) and "Stay in bed" in last["activities"] and last["entries"] > 0
    assert got["share"].sum() == pytest.approx(1.0)


def test_logs_read_with_a_values_map_concatenate():
    """attrs['values'] is a frame: pandas compares attrs when it concatenates logs (a plain frame there
    raised 'truth value of a DataFrame is ambiguous' in the report)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        log = ba.read_log(ALEX, values=ALEX_VALUES)
    both = pd.concat([log, log])
    assert len(both) == 2 * len(log)
    assert both.attrs["values"].equals(log.attrs["values"])
