"""The frame-backed table model: Qt's model contract, sorting, searching, filtering."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import Qt

from resort_gui.ui.table_model import ExtraColumn, FrameTableModel, ViewRequest, view_order


@pytest.fixture
def model(qapp) -> FrameTableModel:
    frame = pd.DataFrame({
        "id": ["P3", "P1", "p2", None, "P10"],
        "months": [12.5, np.nan, 3.0, 7.25, 30.0],
        "arm": ["drug", "control", "drug", "control", "drug"],
        "date": pd.to_datetime(["2020-01-05", "2019-03-01", None, "2021-07-09", "2018-02-02"]),
    })
    model = FrameTableModel()
    model.set_frame(frame, np.arange(2, 7))
    included = np.array([True, False, True, True, True])
    model.set_extra([ExtraColumn("Included", included, lambda v: "yes" if v else "no")],
                    dimmed=~included)
    return model


def column(model: FrameTableModel, title: str) -> list[str]:
    c = model.column_titles().index(title)
    return [model.data(model.index(r, c)) for r in range(model.rowCount())]


def test_model_contract(qtmodeltester, model: FrameTableModel) -> None:
    qtmodeltester.check(model, force_py=True)
    model.sort(2, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model, force_py=True)


def test_cells_are_shown_as_a_user_reads_them(model: FrameTableModel) -> None:
    assert model.column_titles() == ["Included", "id", "months", "arm", "date"]
    assert column(model, "months") == ["12.5", "", "3", "7.25", "30"]
    assert column(model, "date")[:3] == ["2020-01-05", "2019-03-01", ""]
    assert column(model, "Included") == ["yes", "no", "yes", "yes", "yes"]
    assert model.headerData(0, Qt.Orientation.Vertical) == "2"
    assert model.data(model.index(1, 1), Qt.ItemDataRole.ForegroundRole) is not None
    assert model.data(model.index(0, 1), Qt.ItemDataRole.ForegroundRole) is None


def test_sorting_numbers_dates_text_with_missing_last(model: FrameTableModel) -> None:
    model.sort(2, Qt.SortOrder.AscendingOrder)
    assert column(model, "months") == ["3", "7.25", "12.5", "30", ""]
    model.sort(2, Qt.SortOrder.DescendingOrder)
    assert column(model, "months") == ["30", "12.5", "7.25", "3", ""]
    model.sort(1, Qt.SortOrder.AscendingOrder)
    assert column(model, "id") == ["P1", "P10", "p2", "P3", ""]
    model.sort(4, Qt.SortOrder.AscendingOrder)
    assert column(model, "date") == ["2018-02-02", "2019-03-01", "2020-01-05", "2021-07-09", ""]
    assert model.spreadsheet_row(0) == 6


def test_search_and_value_filter(model: FrameTableModel) -> None:
    assert list(view_order(model, ViewRequest(search="p1"))) == [1, 4]
    assert list(view_order(model, ViewRequest(search="7.25"))) == [3]
    assert list(view_order(model, ViewRequest(search="4"))) == [2]  # spreadsheet row 4
    request = ViewRequest(filter_column=3, filter_values=frozenset({"control"}))
    assert list(view_order(model, request)) == [1, 3]
    request = ViewRequest(sort_column=2, ascending=False, filter_column=3,
                          filter_values=frozenset({"drug"}))
    model.set_order(view_order(model, request), request)
    assert column(model, "months") == ["30", "12.5", "3"]


def test_a_million_rows_are_not_copied(qapp) -> None:
    n = 1_000_000
    frame = pd.DataFrame({"time": np.arange(n, dtype=float), "arm": np.where(
        np.arange(n) % 2, "a", "b")})
    model = FrameTableModel()
    model.set_frame(frame, np.arange(2, n + 2))
    assert model.rowCount() == n
    assert model.data(model.index(n - 1, 0)) == str(n - 1)
    assert model.frame is frame
