"""A raw table's columns are read as text once, kept while the table lives, and read as
``cell_text`` reads them."""

from __future__ import annotations

import gc
import weakref
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from resort_gui.io.cells import cell_text
from resort_gui.io.columns import column_codes, memoised, row_positions
from resort_gui.io.table import RawTable


def raw(frame: pd.DataFrame) -> RawTable:
    return RawTable(frame=frame, path=Path("trial.csv"), sheet=None, sheets=(),
                    first_data_row=2, sha256="")


@pytest.mark.parametrize("values", [
    [" Yes", "no", None, "Yes ", "", "  ", "no"],
    [1.0, 2.0, np.nan, 1.0, 10.5],
    [1, "1", " 1 ", None, 2.0],
    [pd.Timestamp("2016-03-12"), pd.NaT, pd.Timestamp("2016-03-12 10:30")],
])
def test_codes_read_the_cells_as_cell_text_does(values: list[object]) -> None:
    for column in (pd.Series(values, dtype=object), pd.Series(values)):
        codes = column_codes(raw(pd.DataFrame({"c": column})), "c")
        expected = cell_text(column)
        assert list(pd.unique(expected.dropna())) == codes.texts.tolist()  # distinct, in order
        assert codes.missing.tolist() == expected.isna().tolist()
        assert codes.texts[codes.codes[~codes.missing]].tolist() == expected.dropna().tolist()


def test_a_text_column_with_blank_and_padded_cells() -> None:
    column = pd.Series(["b", " a", "", None, "a", "b "], dtype="str")
    codes = column_codes(raw(pd.DataFrame({"c": column})), "c")
    assert codes.texts.tolist() == ["b", "a"]
    assert codes.codes.tolist() == [0, 1, -1, -1, 1, 0]


def test_a_column_is_read_once_per_table_and_the_arrays_are_read_only() -> None:
    table = raw(pd.DataFrame({"c": ["x", "y"] * 5}))
    first = column_codes(table, "c")
    assert column_codes(table, "c") is first
    assert column_codes(raw(table.frame), "c") is not first  # another table: read again
    with pytest.raises(ValueError, match="read-only"):
        first.codes[0] = 1


def test_the_memo_goes_with_the_table() -> None:
    table = raw(pd.DataFrame({"c": ["x", "y"]}))
    codes = weakref.ref(column_codes(table, "c"))
    del table
    gc.collect()
    assert codes() is None


def test_threads_asking_at_once_get_one_value() -> None:
    table = raw(pd.DataFrame({"c": ["x"]}))
    calls: list[int] = []

    def compute() -> object:
        calls.append(1)
        return object()

    with ThreadPoolExecutor(4) as pool:
        values = list(pool.map(lambda _: memoised(table, "key", compute), range(16)))
    assert all(v is values[0] for v in values) and calls


def test_texts_of_rows_with_empty_cells_and_of_an_empty_column() -> None:
    table = raw(pd.DataFrame({"c": ["a", None, "b", " "], "empty": [None] * 4}))
    assert column_codes(table, "c").texts_of(np.array([0, 1, 2, 3]), "").tolist() == [
        "a", "", "b", ""]
    assert column_codes(table, "empty").texts_of(np.array([True, False, True, True]),
                                                 "-").tolist() == ["-", "-", "-"]


@pytest.mark.parametrize("numbers", [[2, 3, 4, 5], [2, 3, 7, 9], [9, 2, 7, 3]])
def test_row_positions_find_spreadsheet_rows_and_miss_the_others(numbers: list[int]) -> None:
    table = RawTable(frame=pd.DataFrame({"c": range(4)}), path=Path("t.csv"), sheet=None,
                     sheets=(), first_data_row=2, sha256="", rows=np.array(numbers))
    wanted = np.array([numbers[2], numbers[0], 1, 100, numbers[3]])
    assert row_positions(table, wanted).tolist() == [2, 0, -1, -1, 3]


def test_the_trial_sheets_are_read_once_per_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """The adverse-events sheet and the screening log of the demo workbook are parsed at the
    first analysis of a table, not again after each settings change."""
    from resort_gui.io import read_table, sheets
    from resort_gui.io.demo import demo_path, demo_spec

    patients = read_table(demo_path(), sheet="patients")
    read: list[str | None] = []

    def counted(path: Path, sheet: str | None = None) -> RawTable:
        read.append(sheet)
        return read_table(path, sheet=sheet)

    monkeypatch.setattr(sheets, "read_table", counted)
    first = sheets.read_trial_sheets(patients, demo_spec())
    again = sheets.read_trial_sheets(patients, demo_spec())
    assert sorted(read) == ["adverse_events", "screening"]
    assert again.adverse_events is first.adverse_events
