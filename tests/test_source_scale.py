"""Results on the scale a study used (issue 19, item 6): scale="source" puts client_summary's and
trajectory's numbers back on the item's own scale (0-100, a reversed 1-7), checked against the raw
file with plain pandas."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import bactivate as ba

ESM = Path(__file__).resolve().parents[1] / "data" / "sample" / "esm"


def quiet(fn, *a, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*a, **kw)


@pytest.fixture(scope="module")
def esm():
    return quiet(ba.read_cohort, ESM / "study.csv", roster=ESM / "participants.csv", na_values=[-99])


def test_client_means_on_the_slider_equal_the_raw_file(esm):
    raw = pd.read_csv(ESM / "study.csv")
    raw = raw[raw["Mood (0-100)"] != -99]
    expected = raw.groupby("participant")["Mood (0-100)"].mean()
    got = quiet(ba.client_summary, esm, unit="day", scale="source").set_index("client")["mood"]
    assert np.allclose(got.reindex(expected.index), expected, rtol=0, atol=1e-9)
    plain = quiet(ba.client_summary, esm, unit="day").set_index("client")
    source = quiet(ba.client_summary, esm, unit="day", scale="source").set_index("client")
    assert np.allclose(source["mood_slope"], 10 * plain["mood_slope"], equal_nan=True)
    assert source.attrs["scales"]["mood"] == (0.0, 100.0)


def test_a_reversed_item_comes_back_as_written(tmp_path):
    """Mood on 1-7 with 7 = worst: the source-scale means equal the raw means, and a change that
    is an improvement on 0-10 is a fall on the source scale."""
    rng = np.random.default_rng(3)
    rows = []
    for c in ("A", "B", "C", "D"):
        for d in range(14):
            for h in (9, 14, 20):
                rows.append((c, f"2026-03-{d + 2:02d} {h:02d}:00", "Walk", int(rng.integers(1, 8))))
    raw = pd.DataFrame(rows, columns=["participant", "timestamp", "activity", "low mood (1-7)"])
    path = tmp_path / "study.csv"
    raw.to_csv(path, index=False)
    cohort = quiet(ba.read_cohort, path, columns={"low mood (1-7)": "mood"}, scales={"mood": (7, 1)})
    plain = quiet(ba.client_summary, cohort, unit="day").set_index("client")
    source = quiet(ba.client_summary, cohort, unit="day", scale="source").set_index("client")
    expected = raw.groupby("participant")["low mood (1-7)"].mean()
    assert np.allclose(source["mood"].reindex(expected.index), expected)
    assert np.allclose(source["mood_change"], -0.6 * plain["mood_change"])
    assert (source["mood_slope_ci_low"] <= source["mood_slope_ci_high"]).all()


def test_trajectory_on_the_source_scale(esm):
    plain = quiet(ba.trajectory, esm, group="group", reference="comparison", unit="day")
    source = quiet(ba.trajectory, esm, group="group", reference="comparison", unit="day", scale="source")
    slope = plain["term"] != "Intercept"
    assert np.allclose(source.loc[slope, "estimate"], 10 * plain.loc[slope, "estimate"])
    assert np.allclose(source.loc[~slope, "estimate"], 10 * plain.loc[~slope, "estimate"])  # 0-100: low 0
    assert np.allclose(source["se"], 10 * plain["se"])
    assert source.attrs["scale"] == (0.0, 100.0) and plain.attrs["scale"] == "0-10"
    with pytest.raises(ValueError, match="scale"):
        ba.trajectory(esm, group="group", unit="day", scale="raw")
