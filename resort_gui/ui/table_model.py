"""A table model over a pandas frame: no copy into items, so a million rows scroll.

The view shows rows in ``order`` (positions into the frame). Sorting and filtering compute a
new order with ``view_order`` (a pure function, run on a pool thread for large tables) and
install it with ``set_order``. Extra columns (the derived time, event, inclusion) come from
arrays of the same length as the frame.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from resort_gui.domain import format as fmt
from resort_gui.io.cells import cell_text

Index = QModelIndex | QPersistentModelIndex
SYNC_ROWS = 20_000  # below this many rows sorting and filtering run at once


@dataclass(frozen=True)
class ExtraColumn:
    """A column shown before the frame's own: ``values`` per frame row, ``text`` turns one
    value into what is shown."""

    title: str
    values: np.ndarray
    text: Callable[[object], str] = fmt.cell
    tooltip: str = ""


@dataclass(frozen=True)
class ViewRequest:
    """How the rows are to be shown: sorted by ``sort_column`` (None: file order), kept
    where every cell of ``search`` matches and ``filter_column`` holds one of
    ``filter_values``."""

    sort_column: int | None = None
    ascending: bool = True
    search: str = ""
    filter_column: int | None = None
    filter_values: frozenset[str] = field(default_factory=frozenset)


class FrameTableModel(QAbstractTableModel):
    """Rows of a frame with extra columns in front, greyed where ``dimmed`` is True."""

    view_requested = Signal(object)  # ViewRequest: the owner computes and installs the order

    def __init__(self, parent: object = None) -> None:
        super().__init__(parent)
        self.frame = pd.DataFrame()
        self.row_numbers = np.empty(0, dtype=np.int64)
        self.extra: list[ExtraColumn] = []
        self.dimmed: np.ndarray | None = None
        self.order = np.empty(0, dtype=np.int64)
        self.request = ViewRequest()
        self._cache: dict[int, np.ndarray] = {}

    # -- content ---------------------------------------------------------------------------
    def set_frame(self, frame: pd.DataFrame, row_numbers: np.ndarray) -> None:
        self.beginResetModel()
        self.frame = frame
        self.row_numbers = np.asarray(row_numbers, dtype=np.int64)
        self.extra, self.dimmed = [], None
        self.order = np.arange(len(frame), dtype=np.int64)
        self.request = ViewRequest()
        self._cache.clear()
        self.endResetModel()

    def set_extra(self, extra: list[ExtraColumn], dimmed: np.ndarray | None) -> None:
        """Replace the extra columns (same titles: only their values change)."""
        same = [c.title for c in extra] == [c.title for c in self.extra]
        if not same:
            self.beginResetModel()
        self.extra, self.dimmed = extra, dimmed
        self._cache.clear()
        if same:
            self._changed_all()
        else:
            self.endResetModel()

    def set_order(self, order: np.ndarray, request: ViewRequest) -> None:
        """Show the frame positions ``order`` (the result of ``view_order``)."""
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        old_positions = [int(self.order[i.row()]) for i in old]
        self.order, self.request = np.asarray(order, dtype=np.int64), request
        where = {int(p): r for r, p in enumerate(self.order)} if old else {}
        self.changePersistentIndexList(old, [
            self.index(where[p], i.column()) if p in where else QModelIndex()
            for i, p in zip(old, old_positions, strict=True)])
        self.layoutChanged.emit()

    def position(self, view_row: int) -> int:
        """The frame position shown at ``view_row``."""
        return int(self.order[view_row])

    def spreadsheet_row(self, view_row: int) -> int:
        return int(self.row_numbers[self.position(view_row)])

    def column_titles(self) -> list[str]:
        return [c.title for c in self.extra] + [str(c) for c in self.frame.columns]

    def column_values(self, column: int) -> np.ndarray:
        """All values of a view column, in frame order."""
        if column < len(self.extra):
            return self.extra[column].values
        if column not in self._cache:
            series = self.frame.iloc[:, column - len(self.extra)]
            if series.dtype.kind == "M":  # numpy datetime64 would print with nanoseconds
                series = series.astype(object)
            self._cache[column] = series.to_numpy()
        return self._cache[column]

    # -- Qt model --------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else int(self.order.size)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.extra) + self.frame.shape[1]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            value = self.column_values(index.column())[self.order[index.row()]]
            if index.column() < len(self.extra):
                return self.extra[index.column()].text(value)
            return fmt.cell(value)
        if role == Qt.ItemDataRole.ForegroundRole and self.dimmed is not None \
                and self.dimmed[self.order[index.row()]]:
            return QColor("#9a9a9a")
        if role == Qt.ItemDataRole.TextAlignmentRole:
            values = self.column_values(index.column())
            numeric = values.dtype.kind in "iuf"
            return int((Qt.AlignmentFlag.AlignRight if numeric else Qt.AlignmentFlag.AlignLeft)
                       | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal:
            if role == Qt.ItemDataRole.DisplayRole and 0 <= section < self.columnCount():
                return self.column_titles()[section]
            if role == Qt.ItemDataRole.ToolTipRole and 0 <= section < len(self.extra):
                return self.extra[section].tooltip or None
            return None
        if role == Qt.ItemDataRole.DisplayRole and 0 <= section < self.rowCount():
            return str(self.spreadsheet_row(section))
        if role == Qt.ItemDataRole.ToolTipRole:
            return "Row number in the spreadsheet"
        return None

    def sort(self, column: int | None, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Ask for a new order sorted by ``column``; the owner computes it (off the GUI
        thread for large tables) and installs it with ``set_order``."""
        ascending = order == Qt.SortOrder.AscendingOrder
        if not 0 <= column < self.columnCount():
            column = None  # the file's own order
        request = ViewRequest(column, ascending, self.request.search,
                              self.request.filter_column, self.request.filter_values)
        if len(self.frame) <= SYNC_ROWS:
            self.set_order(view_order(self, request), request)
        else:
            self.view_requested.emit(request)

    def _changed_all(self) -> None:
        if self.rowCount() and self.columnCount():
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(self.rowCount() - 1, self.columnCount() - 1))


def view_order(model: FrameTableModel, request: ViewRequest) -> np.ndarray:
    """Frame positions to show for ``request``: filtered, then sorted (stable, missing
    values last). Pure numpy/pandas over the model's arrays; safe on a pool thread."""
    n = len(model.frame)
    keep = np.ones(n, dtype=bool)
    if request.search.strip():
        keep &= _matches(model, request.search.strip())
    if request.filter_column is not None and request.filter_values:
        text = cell_text(pd.Series(model.column_values(request.filter_column)))
        keep &= text.isin(request.filter_values).to_numpy()
    positions = np.flatnonzero(keep)
    if request.sort_column is None:
        return positions
    key = sort_key(model.column_values(request.sort_column)[positions])
    ranked = np.argsort(key, kind="stable")  # NaN (missing) last
    if not request.ascending:
        missing = np.isnan(key[ranked])
        ranked = np.concatenate((ranked[~missing][::-1], ranked[missing]))
    return positions[ranked]


def sort_key(values: np.ndarray) -> np.ndarray:
    """Floats that sort like the values: numbers numerically, dates in time, text
    alphabetically (case-insensitive); NaN where missing."""
    series = pd.Series(values)
    if series.dtype.kind in "iufb":
        return series.to_numpy(dtype=float, na_value=np.nan)
    if series.dtype.kind == "M":
        key = series.to_numpy(dtype="datetime64[ns]").astype(np.int64).astype(float)
        key[series.isna().to_numpy()] = np.nan
        return key
    numbers = pd.to_numeric(series, errors="coerce")
    if numbers.notna().sum() == series.notna().sum():
        return numbers.to_numpy(dtype=float, na_value=np.nan)
    codes, _ = pd.factorize(cell_text(series).str.casefold(), sort=True)
    key = codes.astype(float)
    key[codes < 0] = np.nan
    return key


def _matches(model: FrameTableModel, query: str) -> np.ndarray:
    """Rows where some cell contains ``query`` (text, case-insensitive), equals it (numbers)
    or whose spreadsheet row number is it."""
    found = np.zeros(len(model.frame), dtype=bool)
    number = _as_number(query)
    if number is not None:
        found |= model.row_numbers == number
    for column in range(len(model.extra) + model.frame.shape[1]):
        values = model.column_values(column)
        if values.dtype.kind in "iuf":
            if number is not None:
                found |= values == number
        elif values.dtype.kind in "OUST":
            text = pd.Series(values, dtype=object)
            found |= text.astype(str).str.contains(query, case=False, regex=False).to_numpy() \
                & text.notna().to_numpy()
    return found


def _as_number(text: str) -> float | None:
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return None
