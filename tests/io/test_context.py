"""bactivate.io.context: ReadOptions (read_log's checks), Context.merge, Entries' row keys."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pandas as pd
import pytest

from bactivate.errors import LogError
from bactivate.io.context import Context, Entries, ReadOptions
from bactivate.io.formats import FORMATS


@pytest.mark.parametrize(("kw", "message"), [
    ({"errors": "loud"}, "errors must be 'warn', 'raise' or 'ignore', not 'loud'"),
    ({"format": "excel"}, "format must be one of ['auto', 'long', 'tidy', 'daylio', 'bearable', 'imoodjournal', 'grid', 'batd', 'mpath']"),
    ({"scales": {"sleep": (1, 5)}}, "scales= names ['sleep']; scales apply to"),
    ({"scales": {"mood": 5}}, "give the scale as (low, high)"),
    ({"scales": {"mood": (5, 5)}}, "the two ends must differ"),  # (5, 1): a reversed item
    ({"columns": {"How I feel": "feeling"}}, "columns= maps to unknown fields {'How I feel': 'feeling'}"),
])
def test_checked_refuses_what_read_log_refuses(kw, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        ReadOptions.checked(layouts=FORMATS, **kw)


def test_checked_options_are_frozen_and_default_to_a_frame():
    opts = ReadOptions.checked(layouts=FORMATS, format="grid", scales=None, columns={"Vibe": None})
    assert (opts.file, opts.stem, opts.format, opts.scales, opts.columns) == (
        "<DataFrame>", "client", "grid", {}, {"Vibe": None})
    with pytest.raises(dataclasses.FrozenInstanceError):
        opts.file = "x.csv"
    assert dataclasses.replace(opts, file="x.csv").file == "x.csv"


def test_merge_first_header_and_client_win_notes_and_extras_join():
    a = Context(notes=["a"], headers={"mood": "Mood"}, sheet_headers={"mood": {"W1": "Mood"}},
                client="", extras=["X", "Y"], tidy_header=False, duration_unit="min")
    b = Context(notes=["b"], headers={"mood": "Feeling", "date": "Day"}, sheet_headers={"mood": {"W2": "Feeling"}},
                client="Sam", extras=["Y", "Z"], tidy_header=None, duration_unit=None)
    m = Context.merge([a, b], "log.xlsx")
    assert m.notes == ["a", "b"]
    assert m.headers == {"mood": "Mood", "date": "Day"}
    assert m.sheet_headers == {"mood": {"W1": "Mood", "W2": "Feeling"}}
    assert m.client == ""  # the first title naming a client, even with an empty name
    assert m.extras == ["X", "Y", "Z"]
    assert m.tidy_header is False and m.duration_unit == "min"


def test_merge_tidy_header_counts_only_sheets_with_a_header():
    assert Context.merge([Context(tidy_header=True), Context()], "f").tidy_header is True
    assert Context.merge([Context(tidy_header=True), Context(tidy_header=False)], "f").tidy_header is False
    assert Context.merge([Context()], "f").tidy_header is None


def test_merge_raises_on_two_scales_for_one_rating_and_keeps_one_scale():
    same = Context.merge([Context(hints={"mood": (1.0, 5.0)}), Context(hints={"mood": (1.0, 5.0)})], "f")
    assert same.hints == {"mood": (1.0, 5.0)}
    with pytest.raises(LogError, match=r"^log.xlsx: the sheets declare different scales for mood"):
        Context.merge([Context(hints={"mood": (1.0, 5.0)}), Context(hints={"mood": (0.0, 10.0)})], "log.xlsx")


def test_entries_keys_for_one_file_and_many():
    cells = pd.DataFrame({"_sheet": ["W1", None, "W1"], "_file": [1, 0, 1]})
    one = Entries(cells, Context())
    assert one.row_files("log.csv") == "log.csv"
    assert [k.tolist() for k in one.sheet_key()] == [["W1", "", "W1"]]
    assert one.file_codes().tolist() == [0, 0, 0]
    many = Entries(cells, Context(), files=("a.csv", "b.csv"), stems=("a", "b"))
    assert many.row_files("x").astype(str).tolist() == ["b.csv", "a.csv", "b.csv"]
    assert [k.tolist() for k in many.sheet_key()] == [[1, 0, 1], ["W1", "", "W1"]]
    assert np.array_equal(many.file_codes(), [1, 0, 1])
