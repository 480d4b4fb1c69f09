"""Next week's plan sheet (bactivate.plan, ``bactivate plan``): the goals placed, the sheet read back.

The round trip is the one the issue asks for: plan -> write -> fill the sheet in as a client
would (openpyxl or the csv module, not bactivate) -> read_log with no options -> progress
shows exactly the planned and done counts filled in.
"""

from __future__ import annotations

import csv
import hashlib
import warnings

import openpyxl
import pandas as pd
import pytest

import bactivate as ba
from bactivate.cli import main
from bactivate.outputs import OutputError
from bactivate.plan import HEADERS, INSTRUCTIONS, plan_html, plan_week, write_plan


@pytest.fixture(scope="module")
def log():
    return ba.synth.client(weeks=4, seed=3)


def _goal_rows(plan):
    return plan[plan["planned"].fillna(False).astype(bool)]


def _read(path, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ba.read_log(path, **kw)


# ----------------------------------------------------------------------------- plan_week


def test_week_starts_the_monday_after_the_last_day(log):
    last = log["start"].max()
    plan = plan_week(log, goals=["Play guitar"])
    start = plan.attrs["week_start"]
    assert start.weekday() == 0 and 1 <= (start - last.normalize()).days <= 7
    assert plan["date"].min() == start and plan["date"].max() == start + pd.Timedelta(days=6)
    assert plan_week(log, goals=[], week_start="2026-05-06").attrs["week_start"] == pd.Timestamp("2026-05-06")


def test_usual_hours_from_the_log(log):
    share = log["start"].dt.hour.value_counts(normalize=True)
    expected = sorted(f"{h:02d}:00" for h in share.index[share >= 0.05])
    plan = plan_week(log, goals=[])
    assert plan.attrs["hours"] == expected
    # every day has every usual hour, once
    assert (plan.groupby("date")["time"].apply(list) == pd.Series([expected] * 7).values).all()
    assert len(plan) == 7 * len(expected)


def test_hours_fall_back_for_a_log_without_times_of_day(log):
    dated = log.assign(start=log["start"].dt.normalize(), end=pd.NaT)
    plan = plan_week(dated, goals=[])
    assert plan.attrs["hours"] == [f"{h:02d}:00" for h in range(8, 22)]
    assert plan_week(log, goals=[], hours=[9, "13:30", "9:00"]).attrs["hours"] == ["09:00", "13:30"]
    with pytest.raises(ValueError, match="not an hour"):
        plan_week(log, goals=[], hours=["25:00"])


def test_goals_are_the_suggestions_with_their_reasons(log):
    plan = plan_week(log, n=3)
    sug = ba.suggest_next(log, n=3)
    goals = plan.attrs["goals"]
    assert goals["activity"].tolist() == sug["activity"].tolist()
    assert goals["reason"].tolist() == sug["reason"].tolist()
    rows = _goal_rows(plan)
    assert set(rows["activity"]) == set(sug["activity"])
    # a planned slot per goal and time: schedule more 2-3 slots, a graded first step one
    per = rows["activity"].value_counts()
    for g in goals.itertuples():
        assert per[g.activity] == g.times
        assert g.times == 1 if g.suggestion == "graded first step" else g.times in (2, 3)
    # the client's columns are empty
    assert rows["done"].isna().all() and rows[["mastery", "pleasure", "mood"]].isna().all().all()
    assert plan["note"].isna().all()


def test_goals_spread_over_the_week_not_all_on_monday(log):
    plan = plan_week(log, goals=["Play guitar", "Meditate", "Call a friend"], hours=[9, 13, 17])
    rows = _goal_rows(plan)
    assert rows["date"].dt.day_of_week.nunique() >= 4
    for _, days in rows.groupby("activity")["date"]:  # one goal's slots on different days
        assert days.nunique() == len(days)
    # six slots of three goals: six different days, and no goal on two days in a row
    goals = pd.DataFrame({"activity": ["Play guitar", "Meditate", "Call a friend"], "times": 2})
    rows = _goal_rows(plan_week(log, goals=goals, hours=[9, 13, 17]))
    assert len(rows) == 6 and rows["date"].nunique() == 6
    for _, days in rows.groupby("activity")["date"]:
        assert (days.diff().dropna() >= pd.Timedelta(days=2)).all()


def test_suggested_day_and_time_are_kept_and_a_taken_slot_moves_on(log):
    goals = pd.DataFrame({"activity": ["Play guitar", "Meditate"],
                          "suggestion": ["graded first step", "graded first step"],
                          "suggested_minutes": [10.0, float("nan")],
                          "suggested_time": ["15:00", "15:00"], "suggested_day": ["Saturday", "sat"]})
    plan = plan_week(log, goals=goals, hours=[9, 15, 19], week_start="2026-04-06")
    rows = _goal_rows(plan).set_index("activity")
    assert rows.loc["Play guitar", "date"] == pd.Timestamp("2026-04-11")  # Saturday
    assert rows.loc["Play guitar", "time"] == "15:00"
    assert rows.loc["Play guitar", "goal"] == "first step: about 10 minutes"
    # the same slot is taken: the next free one that day
    assert (rows.loc["Meditate", "date"], rows.loc["Meditate", "time"]) == (pd.Timestamp("2026-04-11"), "19:00")
    assert rows.loc["Meditate", "goal"] == "a small first step"
    # a time that is not one of the usual hours gets its own row that day only
    odd = plan_week(log, goals=goals.assign(suggested_time=["17:30", None]), hours=[9, 15],
                    week_start="2026-04-06")
    assert (odd["time"] == "17:30").sum() == 1 and len(odd) == 7 * 2 + 1


def test_missing_suggestion_fields_fall_back(log):
    # no category, suggestion, time or day: the log's life area, "schedule more", spread out
    plan = plan_week(log, goals=pd.DataFrame({"activity": ["play GUITAR "]}))
    rows = _goal_rows(plan)
    assert set(rows["activity"]) == {"Play guitar"}  # the name as the log writes it
    expected_cat = log.loc[log["activity"] == "Play guitar", "category"].mode().iloc[0]
    assert set(rows["category"]) == {expected_cat}
    assert rows["goal"].tolist() == [f"{i} of {len(rows)} this week" for i in range(1, len(rows) + 1)]


def test_include_and_exclude(log):
    sug = ba.suggest_next(log, n=5)["activity"].tolist()
    plan = plan_week(log, n=3, include=["Tidy kitchen"], exclude=[sug[0].upper()])
    names = plan.attrs["goals"]["activity"].tolist()
    assert names[0] == "Tidy kitchen" and len(names) == 3
    assert sug[0] not in names and names[1:] == [a for a in sug if a != sug[0]][:2]
    assert "Tidy kitchen" in set(_goal_rows(plan)["activity"])
    # a name the log does not know is planned as written, its life area unknown
    new = plan_week(log, goals=[], include="Swim")
    assert _goal_rows(new)["activity"].unique().tolist() == ["Swim"]
    assert _goal_rows(new)["category"].isna().all()


@pytest.mark.parametrize("sheets, by_day", [(["Monday", "Tuesday", "Wednesday"], True),
                                             (["Mon 2 Mar", "tues.", "Wed"], True),
                                             (["Monthly", "Friends", "Sundries"], False),
                                             (["Monday", "Week 2", "Wednesday"], False)])
def test_by_day_follows_the_source_sheets(tmp_path, log, sheets, by_day):
    assert plan_week(log, goals=[]).attrs["by_day"] is False
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for i, name in enumerate(sheets):
        ws = wb.create_sheet(name)
        ws.append(["Date", "Time", "Activity", "Mood (0-10)"])
        ws.append([pd.Timestamp(f"2026-03-0{2 + i}").to_pydatetime(), "10:00", "Walk", 6])
    wb.save(tmp_path / "days.xlsx")
    back = _read(tmp_path / "days.xlsx")
    assert len(back) == 3 and plan_week(back, goals=[]).attrs["by_day"] is by_day


# ----------------------------------------------------------------------------- the round trip


def _fill_xlsx(path):
    """Fill the sheet in as a client would; return what was filled, counted independently."""
    wb = openpyxl.load_workbook(path)
    counts = {"planned": 0, "done": 0, "skipped": 0, "extra": 0, "empty": 0, "ratings": []}
    for ws in wb.worksheets:
        head = [c.value for c in ws[3]]
        col = {h: i for i, h in enumerate(head)}
        for n, row in enumerate(ws.iter_rows(min_row=4), start=4):
            if row[col["Planned"]].value == "yes":
                counts["planned"] += 1
                k = counts["planned"]
                if k % 3 == 1:  # done, with ratings
                    row[col["Done"]].value = "yes"
                    for h, v in (("Mastery (0-10)", 6), ("Pleasure (0-10)", 7), ("Mood (0-10)", 5)):
                        row[col[h]].value = v
                    counts["done"] += 1
                    counts["ratings"].append((6.0, 7.0, 5.0))
                elif k % 3 == 2:  # skipped
                    row[col["Done"]].value = "no"
                    row[col["Notes"]].value = "too tired"
                    counts["skipped"] += 1
                # else: left as it was (done not filled in)
            elif n % 5 == 0:  # an activity that was not planned, in an empty slot
                row[col["Activity"]].value = "Watched TV"
                row[col["Pleasure (0-10)"]].value = 4
                counts["extra"] += 1
            else:
                counts["empty"] += 1
    wb.save(path)
    return counts


def _check_back(back, counts, plan):
    assert back["client"].unique().tolist() == [plan.attrs["client"]]
    rej = back.attrs["rejected"]
    assert set(rej["kind"]) <= {"not an entry"} and len(rej) == counts["empty"]
    assert back.attrs["scales"] == {"mastery": (0.0, 10.0), "pleasure": (0.0, 10.0), "mood": (0.0, 10.0)}
    prog = ba.progress(back)
    assert len(prog) == 1 and prog["start_day"].iloc[0] == plan.attrs["week_start"]
    assert prog["planned"].sum() == counts["planned"] and prog["done"].sum() == counts["done"]
    # what happened: every planned one not marked "no", and the extra ones
    assert prog["activities"].sum() == counts["planned"] - counts["skipped"] + counts["extra"]
    # the goals come back under the names the log uses, so the next report counts them together
    planned = back[back["planned"].fillna(False).astype(bool)]
    assert set(planned["activity"]) == set(_goal_rows(plan)["activity"])
    done = planned[planned["done"].fillna(False).astype(bool)]
    assert sorted(zip(done["mastery"], done["pleasure"], done["mood"], strict=True)) == sorted(counts["ratings"])
    # every goal row is back at its date and time
    want = _goal_rows(plan).apply(lambda r: r["date"] + pd.Timedelta(r["time"] + ":00"), axis=1)
    assert sorted(planned["start"]) == sorted(want)


@pytest.mark.parametrize("by_day", [False, True])
def test_round_trip_xlsx(tmp_path, log, by_day):
    plan = plan_week(log, n=3, by_day=by_day)
    path = write_plan(plan, tmp_path / "next-week.xlsx")
    # before the client fills it in: it reads with no options, nothing to fix
    blank = _read(path)
    assert set(blank.attrs["rejected"]["kind"]) == {"not an entry"}
    assert len(blank) == len(_goal_rows(plan))
    counts = _fill_xlsx(path)
    assert counts["planned"] >= 3 and counts["done"] >= 1 and counts["extra"] >= 1
    _check_back(_read(path), counts, plan)
    if by_day:
        assert len(openpyxl.load_workbook(path).sheetnames) == 7


def test_round_trip_csv(tmp_path, log):
    plan = plan_week(log, n=3)
    path = write_plan(plan, tmp_path / "next-week.csv")
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][0] == f"Client: {plan.attrs['client']}" and rows[1][0] == INSTRUCTIONS
    assert rows[2] == list(HEADERS.values())
    col = {h: i for i, h in enumerate(rows[2])}
    counts = {"planned": 0, "done": 0, "skipped": 0, "extra": 0, "empty": 0, "ratings": []}
    for n, row in enumerate(rows[3:], start=4):
        if row[col["Planned"]] == "yes":
            counts["planned"] += 1
            if counts["planned"] % 2:
                row[col["Done"]], row[col["Mastery (0-10)"]], row[col["Mood (0-10)"]] = "yes", "3", "8"
                row[col["Pleasure (0-10)"]] = "5"
                counts["done"] += 1
                counts["ratings"].append((3.0, 5.0, 8.0))
            else:
                row[col["Done"]] = "no"
                counts["skipped"] += 1
        elif n % 4 == 0:
            row[col["Activity"]], row[col["Mood (0-10)"]] = "Read a book", "6"
            counts["extra"] += 1
        else:
            counts["empty"] += 1
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    _check_back(_read(path), counts, plan)


def test_sheet_layout(tmp_path, log):
    plan = plan_week(log, n=3)
    ws = openpyxl.load_workbook(write_plan(plan, tmp_path / "p.xlsx")).active
    assert ws["A1"].value == f"Client: {plan.attrs['client']}"
    assert ws["C1"].value.startswith("Week of Monday")
    assert ws["A2"].value == INSTRUCTIONS
    assert [c.value for c in ws[3]] == list(HEADERS.values())
    assert all(c.font.bold for c in ws[3])
    assert ws.freeze_panes == "C4"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.print_title_rows == "$3:$3"
    assert ws["A4"].is_date and ws["A4"].value.date() == plan.attrs["week_start"].date()
    goal_rows = [r for r in ws.iter_rows(min_row=4) if r[4].value == "yes"]
    plain_rows = [r for r in ws.iter_rows(min_row=4) if r[4].value is None]
    assert len(goal_rows) == len(_goal_rows(plan))
    assert {r[0].fill.fgColor.rgb for r in goal_rows} != {r[0].fill.fgColor.rgb for r in plain_rows}


def test_text_is_never_a_formula(tmp_path, log):
    plan = plan_week(log, goals=["=HYPERLINK(\"http://x\")"], week_start="2026-04-06")
    path = write_plan(plan, tmp_path / "p.xlsx")
    cells = [c for r in openpyxl.load_workbook(path).active.iter_rows() for c in r
             if isinstance(c.value, str) and c.value.startswith("=")]
    assert cells and all(c.data_type == "s" for c in cells)
    back = _read(path)
    assert set(back["activity"]) == {"=HYPERLINK(\"http://x\")"}


def test_write_plan_never_over_the_log_or_an_existing_file(tmp_path, log):
    src = ba.write_log(log, tmp_path / "log.csv")
    before = hashlib.sha256(src.read_bytes()).hexdigest()
    plan = plan_week(_read(src), n=2)
    with pytest.raises(OutputError, match="the log"):
        write_plan(plan, src.with_suffix(".csv"), force=True)
    assert hashlib.sha256(src.read_bytes()).hexdigest() == before
    out = write_plan(plan, tmp_path / "plan.xlsx")
    with pytest.raises(OutputError, match="already there"):
        write_plan(plan, out)
    assert write_plan(plan, out, force=True) == out
    with pytest.raises(ValueError, match="writes .xlsx, .csv or .html"):
        write_plan(plan, tmp_path / "plan.pdf")


# ----------------------------------------------------------------------------- printable


def test_html_is_one_week_table_and_escapes_client_text(log):
    bad = log.assign(client="<script>alert('c')</script>")
    plan = plan_week(bad, goals=["<script>alert(1)</script>", "Tea & cake"], hours=[9, 17])
    page = plan_html(plan)
    assert "<script>" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;script&gt;alert(&#x27;c&#x27;)&lt;/script&gt;" in page
    assert "Tea &amp; cake" in page
    assert page.count("<th>") == 7 and page.count('<th class="time">') == 1 + 2
    # one shaded cell per goal slot
    assert page.count('class="goal"') == len(_goal_rows(plan))
    assert "@page { size: A4 landscape" in page


# ----------------------------------------------------------------------------- the command


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_plan_xlsx_html_and_overwrite(tmp_path, capsys, monkeypatch, log):
    src = ba.write_log(log, tmp_path / "sam.csv")
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, "plan", str(src), "--goals", "2", "--plan-start", "2026-04-06")
    default = tmp_path / "sam-next-week.xlsx"
    assert code == 0, err
    assert default.exists() and str(default) in out and "week of 2026-04-06" in out
    back = _read(default)
    assert back["planned"].all() and back["start"].min() >= pd.Timestamp("2026-04-06")
    assert back["activity"].nunique() == 2
    before = default.read_bytes()
    code, out, err = run(capsys, "plan", str(src))
    assert code == 2 and "already there" in err and "--force" in err and err.count("\n") == 1
    assert default.read_bytes() == before
    assert run(capsys, "plan", str(src), "--force", "--exclude", back["activity"].iloc[0])[0] == 0
    assert back["activity"].iloc[0] not in set(_read(default)["activity"])
    code, out, err = run(capsys, "plan", str(src), "-o", "week.html", "--include", "Swim")
    assert code == 0 and "Swim" in (tmp_path / "week.html").read_text(encoding="utf-8")
    assert (tmp_path / "week.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_cli_plan_refuses_the_log_and_unreadable_logs(tmp_path, capsys, log):
    src = ba.write_log(log, tmp_path / "sam.csv")
    before = src.read_bytes()
    code, out, err = run(capsys, "plan", str(src), "-o", str(src), "--force")
    assert code == 2 and src.read_bytes() == before and err.count("\n") == 1
    code, out, err = run(capsys, "plan", str(src), "-o", str(tmp_path / "x.pdf"))
    assert code == 2 and ".xlsx, .csv or .html" in err
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a workbook")
    code, out, err = run(capsys, "plan", str(junk), "-o", str(tmp_path / "p.xlsx"))
    assert code == 2 and err.startswith("bactivate: cannot read the log") and err.count("\n") == 1
    assert "Traceback" not in err and not (tmp_path / "p.xlsx").exists()


def test_cli_validate_on_the_unfilled_sheet_exits_0(tmp_path, capsys, log):
    path = write_plan(plan_week(log, n=3), tmp_path / "next.xlsx")
    code, out, err = run(capsys, "validate", str(path))
    assert code == 0 and "not entries" in out


@pytest.mark.parametrize("name", ["Zoë O'Neil", "C-07", "Sam: week 3"])
@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_the_client_is_read_back_from_the_title(tmp_path, log, name, suffix):
    plan = plan_week(log.assign(client=name), goals=["Meditate"])
    back = _read(write_plan(plan, tmp_path / f"week.{suffix}"))
    assert back["client"].unique().tolist() == [name] and len(back) == len(_goal_rows(plan))


def test_one_client_at_a_time(log):
    two = pd.concat([log, log.assign(client="C02")], ignore_index=True)
    with pytest.raises(ValueError, match="one client's week"):
        plan_week(two)


def test_cli_plan_of_two_clients_exit_2(tmp_path, capsys, log):
    src = ba.write_log(pd.concat([log, log.assign(client="C02")], ignore_index=True), tmp_path / "two.csv")
    code, out, err = run(capsys, "plan", str(src), "-o", str(tmp_path / "p.xlsx"))
    assert code == 2 and "one client's week" in err and err.count("\n") == 1
    assert not (tmp_path / "p.xlsx").exists()
