"""Weekly grids: the week from the sheet's name or a yearless title, the client from a title row."""

from __future__ import annotations

import datetime as dt
import warnings

import openpyxl
import pandas as pd
import pytest

import bactivate as ba
from bactivate.io.formats import grid
from bactivate.io.headers import client_in_title_row

DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _read(path, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ba.LogWarning)
        return ba.read_log(path, **kw)


def _book(tmp_path, sheets):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, title in sheets:
        ws = wb.create_sheet(name)
        ws.append([title])
        ws.append(["Time", *DAYS])
        ws.append(["8-9am", "Walk M6 P7", None, "Read M3 P8"])
        ws.append(["9-10am", None, "Cook M5 P5"])
    path = tmp_path / "grid.xlsx"
    wb.save(path)
    return path


@pytest.mark.parametrize("name,title,monday", [
    ("Week of 2026-03-02", "Activity diary", "2026-03-02"),
    ("Wk 1 (12-18 May)", "Activity schedule 2025", "2025-05-12"),
    ("Sheet1", "Week of 2 March 2026", "2026-03-02"),
    ("Sheet1", "Schedule 2026 - Week of 2 March", "2026-03-02"),
])
def test_week_from_sheet_name_or_title(tmp_path, name, title, monday):
    log = _read(_book(tmp_path, [(name, title)]))
    m = pd.Timestamp(monday)
    assert log["start"].min() == m + pd.Timedelta(hours=8)
    assert sorted(log["start"].dt.normalize().unique()) == [m, m + pd.Timedelta(days=1), m + pd.Timedelta(days=2)]


def test_week_without_a_year_anywhere_is_noted(tmp_path):
    log = _read(_book(tmp_path, [("Sheet1", "Week of 2 March")]))
    assert log["start"].dt.month.unique().tolist() == [3]
    assert any("no year written" in n for n in log.attrs["notes"])


def test_year_for_nearest_year():
    today = dt.date(2026, 1, 10)
    assert grid._year_for([], "2 March", today)[0] == 2026     # within two months ahead: this year
    assert grid._year_for([], "2 November", today)[0] == 2025  # months ahead: last year


def test_client_from_title_row(tmp_path):
    log = _read(_book(tmp_path, [("Week of 2026-03-02", "Jordan - Activity Diary")]))
    assert set(log["client"]) == {"Jordan"}


@pytest.mark.parametrize("text,name", [
    ("Jordan - Activity Diary", "Jordan"), ("Sam's activity schedule", "Sam"),
    ("Activity log: Robin Lee", "Robin Lee"), ("Weekly activity schedule", None),
    ("Activity Diary", None), ("Week 1 - Activity diary", None), ("Time", None),
])
def test_client_in_title_row(text, name):
    assert client_in_title_row(text) == name
