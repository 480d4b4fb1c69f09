"""The tidy log's names as ``category`` (issue 20, memory): dtypes after every way a log is made,
the same values as the plain ``str`` form, concatenation and round trips back to the tidy dtypes.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

import bactivate as ba
from bactivate.cohort.privacy import deidentify
from bactivate.schema import (
    CATEGORICAL_TEXT,
    NAME_COLUMNS,
    TIDY_COLUMNS,
    as_names,
    check_log,
    conform,
    empty_log,
    is_names,
)

pytestmark = pytest.mark.skipif(not CATEGORICAL_TEXT, reason="names stored as str (switch off)")


def _names_are_categories(log: pd.DataFrame) -> None:
    for c in NAME_COLUMNS:
        assert isinstance(log[c].dtype, pd.CategoricalDtype), c
        cats = log[c].cat.categories
        assert str(cats.dtype) == "str" and not log[c].cat.ordered, c
        # categories: exactly the names in the column, sorted (no unused ones)
        assert cats.tolist() == sorted(set(log[c].dropna().astype("str"))), c
    assert str(log["note"].dtype) == "str" and str(log["source"].dtype) == "str"


def _plain(log: pd.DataFrame) -> pd.DataFrame:
    """The log with its category columns as str: the old form."""
    return log.astype({c: "str" for c in log.columns if isinstance(log[c].dtype, pd.CategoricalDtype)})


def _read(path, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ba.read_log(path, **kw)


def test_dtype_table_and_empty_log():
    assert {c: TIDY_COLUMNS[c] for c in NAME_COLUMNS} == {c: "category" for c in NAME_COLUMNS}
    assert TIDY_COLUMNS["note"] == TIDY_COLUMNS["source"] == "str"
    empty = empty_log()
    check_log(empty)
    _names_are_categories(empty)
    assert {c: str(t) for c, t in empty.dtypes.items()} == TIDY_COLUMNS


def test_read_log_names_are_categories_with_the_values_of_the_text(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("Client,Date,Activity,Life area,Mood (0-10),Notes,With\n"
                    "Ana,2026-03-02 09:00,Walk,Health,6,sunny,Sam\n"
                    "Ana,2026-03-02 10:00,Read,,5,,\n"
                    "Ben,2026-03-03 09:00,Walk,Health,7,x,Sam\n")
    log = _read(path)
    _names_are_categories(log)
    assert str(log["With"].dtype) == "category"  # an extra text column
    # the values are the file's text, as plain pandas reads it
    raw = pd.read_csv(path, dtype="str")
    assert log["client"].tolist() == raw["Client"].tolist()
    assert log["activity"].tolist() == raw["Activity"].tolist()
    assert log["category"].astype("str").tolist() == raw["Life area"].tolist()
    assert log["With"].astype("str").tolist() == raw["With"].tolist()
    assert log["note"].tolist() == raw["Notes"].tolist()
    # comparisons and isin work as on text
    assert (log["activity"] == "Walk").tolist() == [True, False, True]
    assert log["client"].isin(["Ben"]).tolist() == [False, False, True]


def test_conform_gives_the_same_frame_from_str_and_from_category():
    log = ba.synth.client(weeks=2, seed=3)
    as_str = _plain(log)
    assert str(as_str["activity"].dtype) == "str"
    from_str, from_cat = conform(as_str), conform(log)
    assert_frame_equal(from_str, from_cat, check_exact=True)
    assert_frame_equal(from_cat, log, check_exact=True)
    _names_are_categories(from_str)
    # the values compare equal to the old str form
    for c in NAME_COLUMNS:
        assert from_str[c].astype("str").equals(as_str[c])
    # categories of another kind (object, ordered, unsorted) give the same result too
    odd = log.assign(activity=pd.Categorical(as_str["activity"].astype(object),
                                             categories=sorted(log["activity"].cat.categories, reverse=True),
                                             ordered=True))
    assert_frame_equal(conform(odd), log, check_exact=True)


def test_as_names_keeps_missing_missing_and_sorts_categories():
    s = as_names(pd.Series(["b", None, "a", "b", np.nan], dtype="str"))
    assert s.cat.categories.tolist() == ["a", "b"]
    assert s.isna().tolist() == [False, True, False, False, True]
    assert s.cat.codes.tolist() == [1, -1, 0, 1, -1]
    allna = as_names(pd.Series([np.nan, np.nan], dtype="str"))
    assert allna.isna().all() and str(allna.cat.categories.dtype) == "str"
    # numbers held in a category (e.g. client ids read as numbers by another tool) become text
    nums = as_names(pd.Series([7, 12, 7]).astype("category"))
    assert nums.tolist() == ["7", "12", "7"] and nums.cat.categories.tolist() == ["12", "7"]


def test_concat_of_logs_with_different_names_is_str_until_conformed():
    a = ba.synth.client(weeks=1, seed=1).assign(client="A")
    b = ba.synth.client(weeks=1, seed=2).assign(client="B")
    a, b = conform(a), conform(b)
    joined = pd.concat([a, b], ignore_index=True)
    assert str(joined["client"].dtype) == "str"  # pandas: categories differ -> str
    log = conform(joined)
    _names_are_categories(log)
    assert log["client"].cat.categories.tolist() == ["A", "B"]
    assert _plain(log).equals(_plain(joined))


def test_check_log_accepts_category_and_str_names_and_rejects_others():
    log = ba.synth.client(weeks=1, seed=1)
    check_log(log)
    check_log(_plain(log))  # a log built by hand with text names
    assert is_names(log["activity"]) and is_names(_plain(log)["activity"])
    bad = log.assign(client=pd.Series(1, index=log.index).astype("category"))
    with pytest.raises(ValueError, match="column 'client' has dtype category"):
        check_log(bad)
    with pytest.raises(ValueError, match="column 'activity' has dtype object"):
        check_log(log.assign(activity=log["activity"].astype(object)))


@pytest.mark.parametrize("suffix", ["csv", "xlsx", "parquet"])
def test_write_read_round_trip_keeps_dtypes_and_values(tmp_path, suffix):
    log = ba.synth.client(weeks=2, seed=5).assign(With=lambda d: np.where(d.index % 3 == 0, "Sam", None))
    log = conform(log)
    assert str(log["With"].dtype) == "category"
    back = _read(ba.write_log(log, tmp_path / f"t.{suffix}"))
    assert dict(back.dtypes) == dict(log.dtypes)
    _names_are_categories(back)
    assert_frame_equal(_plain(back), _plain(log), check_exact=suffix != "xlsx")


def test_parquet_dataset_by_client_reads_back_with_tidy_dtypes(tmp_path):
    log, _ = ba.synth.cohort(n_clients=3, weeks=1, seed=2)
    folder = ba.write_log(log, tmp_path / "ds.parquet", partition_by="client")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        back = ba.read_cohort(folder)
    _names_are_categories(back)
    key = ["client", "start", "entry", "activity"]
    got = _plain(back)[list(TIDY_COLUMNS)].sort_values(key).reset_index(drop=True)
    want = _plain(log)[list(TIDY_COLUMNS)].sort_values(key).reset_index(drop=True)
    assert_frame_equal(got.drop(columns="source"), want.drop(columns="source"), check_exact=True)


def test_synth_and_deidentify_give_tidy_dtypes():
    log, roster = ba.synth.cohort(n_clients=4, weeks=1, seed=3)
    _names_are_categories(log)
    check_log(log)
    safe = deidentify(log, key="q7Vx2mLp9RtZ4wKj8NbY3cHf6GdS1aE0")
    _names_are_categories(safe)
    assert safe["client"].str.startswith("P-").all()


def test_names_take_less_memory_than_text():
    log, _ = ba.synth.cohort(n_clients=20, weeks=4, seed=1)
    names = list(NAME_COLUMNS)
    as_cat = log[names].memory_usage(deep=True).sum()
    as_str = _plain(log[names]).memory_usage(deep=True).sum()
    assert as_cat < as_str / 4


def test_a_slice_keeps_the_logs_categories_until_conformed():
    log, _ = ba.synth.cohort(n_clients=3, weeks=1, seed=4)
    one = log[log["client"] == "C002"]
    assert one["client"].cat.categories.tolist() == ["C001", "C002", "C003"]  # pandas keeps them
    mine = conform(one)
    assert mine["client"].cat.categories.tolist() == ["C002"]
    assert mine["activity"].cat.categories.tolist() == sorted(set(one["activity"].dropna()))
    assert _plain(mine).equals(_plain(one))


def test_analysis_tables_hold_names_as_text():
    log, _ = ba.synth.cohort(n_clients=3, weeks=2, seed=6)
    one = conform(log[log["client"] == "C001"])
    tables = {
        "balance": ba.balance(one), "balance by category": ba.balance(one, by="category"),
        "balance per client": ba.balance(log, by=["client", "activity"]),
        "small_wins": ba.small_wins(one), "client_summary": ba.client_summary(log),
        "progress": ba.progress(log, by="client"), "mood_by_activity": ba.mood_by_activity(one),
        "suggest_next": ba.suggest_next(one), "values_summary": ba.values_summary(one),
    }
    for name, table in tables.items():
        names = [c for c in ("client", "activity", "category") if c in table.columns]
        assert {c: str(table[c].dtype) for c in names} == dict.fromkeys(names, "str"), name
    # the same counts as on the plain text: rows that happened (not planned and skipped), per name
    got = ba.balance(one, min_entries=1).set_index("activity")["entries"].sort_index()
    plain = _plain(one)
    skipped = plain["planned"].eq(True) & plain["done"].eq(False)
    want = plain.loc[~skipped.to_numpy(bool), "activity"].dropna().value_counts().sort_index()
    assert got.to_dict() == want.to_dict()
