"""The shared header helpers in bactivate.io.headers: plain_key, header_keys, client_in_title.

Each is checked against the copy it replaces, written out here as it was at the move:
formats._common ``key``, io.read ``_cell_key`` (per distinct cell), and the two ways io.read and
formats.grid read ``TITLE_CLIENT``.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bactivate.io import cells
from bactivate.io.headers import TITLE_CLIENT, client_in_title, header_key, header_keys, plain_key


def _key_copy(cell) -> str:
    if cell is None or (isinstance(cell, float) and np.isnan(cell)):
        return ""
    return re.sub(r"\s+", " ", str(cell).replace("\ufeff", "").strip().lower())


def _cell_key_copy(u: pd.Series) -> pd.Series:
    return u.astype("str").str.lower().str.replace(r"[^0-9a-z]+", "", regex=True)


CELLS = st.one_of(st.none(), st.floats(allow_nan=True), st.integers(-10, 10**6),
                  st.text(alphabet=st.sampled_from("aZ09 _-()/\ufeff\t\nÄé٣:"), max_size=12))


@given(CELLS)
def test_plain_key_is_the_formats_copy(cell):
    assert plain_key(cell) == _key_copy(cell)


@given(st.lists(CELLS, max_size=12))
def test_header_keys_is_the_reader_copy(items):
    col = pd.Series(items, dtype=object)
    got = header_keys(col)
    want = cells.distinct(col, lambda u: _cell_key_copy(u).where(u.notna(), ""), missing="")
    assert got.tolist() == want.tolist()
    assert got.index.equals(col.index)
    # per distinct cell: cells that compare equal (0 and 0.0) share the first one's key
    codes, firsts = pd.factorize(col)
    assert header_keys(col, drop_hints=True).tolist() == [header_key(firsts[c]) if c >= 0 else "" for c in codes]


def test_header_keys_on_coded_and_repeated_header_rows():
    col = pd.Series(["Mood (0-10)", "7", None, "Mood (0-10)", "Activity"], dtype="category")
    assert header_keys(col).tolist() == ["mood010", "7", "", "mood010", "activity"]
    assert (header_keys(col) == "mood010").tolist() == [True, False, False, True, False]
    assert header_keys(col, drop_hints=True).tolist() == ["mood", "7", "", "mood", "activity"]


def _read_copy(title):
    m = TITLE_CLIENT.search(title)
    return m.group(1).strip(" -–—:") if m else None


def _grid_copy(title):
    m = TITLE_CLIENT.search(title)
    if not m:
        return None
    return re.split(r"\s+[-–—]\s+|\s+week\b", m.group(1), flags=re.IGNORECASE)[0].strip(" -–—:")


TITLES = ["Client: Sam", "Activity log\nClient: Sam - Week starting 2 March 2026", "Name = Jo Week 2",
          "Participant ID: P07 (pilot)", "client:   ", "no client here", "", "CLIENT NAME: Ana — week 3",
          "Client: Sam, week 1", "Weekly schedule\nTime (M/P)"]


@pytest.mark.parametrize("title", TITLES)
def test_client_in_title_is_the_reader_and_grid_copies(title):
    assert client_in_title(title) == _read_copy(title)
    assert client_in_title(title, cut_week=True) == _grid_copy(title)


@given(st.text(alphabet=st.sampled_from("Client:=Nameparticipant id -–—week\nSam,;|()"), max_size=40))
def test_client_in_title_on_any_text(title):
    assert client_in_title(title) == _read_copy(title)
    assert client_in_title(title, cut_week=True) == _grid_copy(title)


def test_extra_column_headed_with_an_underscore_reads(tmp_path):
    """A header starting with ``_`` (the reader's bookkeeping prefix) is kept without it; the
    loop that named it used to add `` (2)``, `` (3)``... for ever (read_log never returned)."""
    import bactivate as ba

    path = tmp_path / "log.csv"
    path.write_text("date,activity,_x,__\n2026-03-02,Walk,1,2\n", encoding="utf-8")
    log = ba.read_log(path)
    assert log.columns[-2:].tolist() == ["x", "column"]
    assert log["x"].tolist() == [1] and log["column"].tolist() == [2]
