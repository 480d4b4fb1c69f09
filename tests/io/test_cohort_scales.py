"""One scale per rating column across a cohort (issue 19, item 2).

Seen in a real study: a 0-100 mood slider read as 0-100 in 12 files and as 0-10 in 8
(those files' values stayed under 10, or mostly did: the values above 10 were set aside
and the rest kept ten times too high). :func:`bactivate.io.cohort.read_cohort` now decides
each column's scale from all the files: the widest the files show, files whose values
alone could not tell take it too, and files whose values do not fit it are an error that
lists them. Each file here is generated, with the mood it was given known.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from bactivate.errors import LogError
from bactivate.io.cohort import read_cohort


def _file(folder, name, mood, header="mood", first="2026-03-02 09:00", extra_col=False):
    """One person's ESM file: a prompt every 4 hours, one activity, the given *mood* values."""
    frame = pd.DataFrame({"time": pd.date_range(first, periods=len(mood), freq="4h").strftime("%Y-%m-%d %H:%M"),
                          "activity": "Walk", header: mood})
    if extra_col:  # another header line: the files cannot be read as one table
        frame["note"] = ""
    frame.to_csv(folder / f"{name}.csv", index=False)


def _read(folder, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return read_cohort(folder, **kw)


def _slider_study(folder, rng, n_wide=12, n_low=8, extra_col=False):
    """A 0-100 slider: most people use its range, some stay under 10 (one just above it)."""
    given = {}
    for k in range(n_wide):
        given[f"P{k:02d}"] = rng.integers(5, 101, 20).astype(float)
    for k in range(n_low):
        low = rng.integers(0, 10, 20).astype(float)
        if k == 0:
            low[:2] = [14, 22]  # read alone: 0-10 with these two set aside
        given[f"Q{k:02d}"] = low
    for name, mood in given.items():
        _file(folder, name, mood, extra_col=extra_col and name.startswith("Q"))
    return given


@pytest.mark.parametrize("extra_col", [False, True])
def test_slider_is_0_100_in_every_file(tmp_path, extra_col):
    given = _slider_study(tmp_path, np.random.default_rng(0), extra_col=extra_col)
    cohort = _read(tmp_path)
    assert cohort.attrs["scales"]["mood"] == (0.0, 100.0)  # one scale, not a list
    for name, mood in given.items():  # every value kept, each at a tenth of the slider
        got = cohort.loc[cohort["client"] == name].sort_values("start")["mood"].to_numpy()
        np.testing.assert_allclose(got, mood / 10)
    assert cohort.attrs["rejected"].empty
    note = next(n for n in cohort.attrs["notes"] if "one scale for the cohort" in n)
    assert "0-100" in note and all(f"Q{k:02d}.csv" in note for k in range(8))


def test_alone_each_low_file_would_read_0_10(tmp_path):
    # the situation the cohort decision fixes: one such file read alone is on 0-10
    _slider_study(tmp_path, np.random.default_rng(0), n_wide=1, n_low=1)
    low = _read(tmp_path / "Q00.csv")
    assert low.attrs["scales"]["mood"] == (0.0, 10.0) and len(low.attrs["rejected"]) == 2


def test_a_file_whose_values_cannot_tell_takes_the_cohort_scale(tmp_path):
    rng = np.random.default_rng(1)
    given = {f"P{k}": rng.integers(0, 11, 15).astype(float) for k in range(4)}
    given["P9"] = np.array([2.0, 3, 4, 3, 2, 4])  # alone: 1-5? 0-10? cannot tell
    for name, mood in given.items():
        _file(tmp_path, name, mood)
    with pytest.raises(LogError, match="cannot tell the scale"):
        _read(tmp_path / "P9.csv")
    cohort = _read(tmp_path)
    assert cohort.attrs["scales"]["mood"] == (0.0, 10.0)
    got = cohort.loc[cohort["client"] == "P9"].sort_values("start")["mood"].to_numpy()
    np.testing.assert_allclose(got, given["P9"])


def test_files_that_contradict_the_scale_are_an_error_listing_them(tmp_path):
    rng = np.random.default_rng(2)
    for k in range(3):
        _file(tmp_path, f"P{k}", rng.integers(5, 101, 15).astype(float))
    _file(tmp_path, "N1", np.array([-3.0, -1, 0, 2, 3, 1]))  # a -3..3 item: off 0-100
    _file(tmp_path, "N2", np.array([-2.0, 0, 1, 3, -1, 2]))
    with pytest.raises(LogError) as err:
        _read(tmp_path)
    text = str(err.value)
    assert "N1.csv: mood from -3 to 3, off 0-100" in text and "N2.csv: mood from -2 to 3" in text
    assert "P0.csv" not in text and "scales={'mood'" in text


def test_declared_scale_is_not_second_guessed(tmp_path):
    given = _slider_study(tmp_path, np.random.default_rng(3), n_wide=2, n_low=2)
    cohort = _read(tmp_path, scales={"mood": (0, 10)})
    assert cohort.attrs["scales"]["mood"] == (0.0, 10.0)
    assert not any("one scale for the cohort" in n for n in cohort.attrs["notes"])
    # the declared 0-10: the wide files' values above 10 are set aside, cell by cell
    above = sum(int((m > 10).sum()) for m in given.values())
    assert len(cohort.attrs["rejected"]) == above


def test_a_header_scale_stays_the_files_own(tmp_path):
    rng = np.random.default_rng(4)
    _file(tmp_path, "A", rng.integers(1, 8, 10).astype(float), header="Mood (1-7)")
    _file(tmp_path, "B", rng.integers(0, 11, 10).astype(float))
    _file(tmp_path, "C", np.array([0.0, 9, 4, 10]))
    cohort = _read(tmp_path)
    assert sorted(cohort.attrs["scales"]["mood"]) == [(0.0, 10.0), (1.0, 7.0)]


def test_reversed_scale_across_a_cohort(tmp_path):
    rng = np.random.default_rng(5)
    given = {f"P{k}": rng.integers(1, 8, 12).astype(float) for k in range(3)}
    for name, mood in given.items():
        _file(tmp_path, name, mood, header="I feel down")
    cohort = _read(tmp_path, columns={"I feel down": "mood"}, scales={"mood": (7, 1)})
    assert cohort.attrs["scales"]["mood"] == (7.0, 1.0)
    for name, mood in given.items():
        got = cohort.loc[cohort["client"] == name].sort_values("start")["mood"].to_numpy()
        np.testing.assert_allclose(got, (7 - mood) * 10 / 6)


def test_na_values_across_a_cohort(tmp_path):
    rng = np.random.default_rng(6)
    n_missing = 0
    for k in range(3):
        mood = rng.integers(0, 11, 12).astype(float)
        mood[k] = -99
        n_missing += 1
        _file(tmp_path, f"P{k}", mood)
    cohort = _read(tmp_path, na_values=[-99])
    assert cohort["mood"].isna().sum() == n_missing and len(cohort) == 36
    assert cohort.attrs["rejected"].empty
