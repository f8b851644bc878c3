"""The patients: every row of the sheet with its derived time and event and whether it is
analysed. Sortable, searchable, filterable by the values of a column; a patient can be
excluded by hand with a reason (undoable). A header line counts the patients per group.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from resort_gui.domain import format as fmt
from resort_gui.domain.spec import Condition
from resort_gui.io.subgroups import describe
from resort_gui.ui.controller import SessionController
from resort_gui.ui.table_model import (
    SYNC_ROWS,
    ExtraColumn,
    FrameTableModel,
    ViewRequest,
    view_order,
)

ALL_VALUES = "\u2014 all \u2014"
INCLUDED, TIME, EVENT, REASON = range(4)


def _yes_no(value: object) -> str:
    return "yes" if value else "no"


def _event_text(value: object) -> str:
    return {1: "event", 0: "censored"}.get(int(value), "")  # type: ignore[call-overload]


class CohortPanel(QWidget):
    """A table of every row with its fate in the analysis."""

    def __init__(self, session: SessionController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._fitted_to_result = False  # columns fitted to the first result of this table
        self.model = FrameTableModel(self)
        self.model.view_requested.connect(self._compute_view)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)
        self.view.horizontalHeader().setSortIndicatorShown(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setAlternatingRowColors(True)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._on_context_menu)
        self.view.setToolTip("One row per spreadsheet row. Grey rows are not analysed; the "
                             "column \u201cWhy\u201d says why. Right-click to exclude a "
                             "patient.")
        self.view.verticalHeader().setDefaultSectionSize(
            self.view.fontMetrics().height() + 8)
        self.counts = QLabel(objectName="counts", wordWrap=True)
        self.search = QLineEdit(placeholderText="Search patients (any column)")
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip("Show only rows where a cell contains this text or equals "
                               "this number (also the spreadsheet row number).")
        self.filter_column = QComboBox()
        self.filter_column.setToolTip("Show only the rows with one value of this column "
                                      "(a subgroup).")
        self.filter_value = QComboBox()
        self.filter_value.setToolTip("The value to show.")
        self.exclude_button = QPushButton("Exclude\u2026")
        self.exclude_button.setToolTip("Leave the selected patients out of the analysis, "
                                       "with a reason (Edit \u203a Undo takes it back).")
        self.include_button = QPushButton("Include again")
        self.include_button.setToolTip("Take back the hand exclusion of the selected rows.")
        self.subgroup_button = QPushButton("Analyse only these")
        self.subgroup_button.setToolTip("Analyse only the patients with this value (a "
                                        "subgroup); every number and the figure follow.")
        self.all_button = QPushButton("Analyse all patients")
        self.all_button.setToolTip("Stop the subgroup analysis and analyse every patient.")
        self.shown = QLabel(objectName="shown")
        self._search_timer = QTimer(self, singleShot=True, interval=250)
        self._build()
        self._search_timer.timeout.connect(self.apply_view)
        self.search.textChanged.connect(lambda _: self._search_timer.start())
        self.filter_column.activated.connect(self._on_filter_column_chosen)
        self.filter_value.activated.connect(self._on_filter_value_chosen)
        self.subgroup_button.clicked.connect(self.analyse_subgroup)
        self.all_button.clicked.connect(self.analyse_everyone)
        self.exclude_button.clicked.connect(self.exclude_selected)
        self.include_button.clicked.connect(self.include_selected)
        session.table_loaded.connect(self._on_table_loaded)
        session.result_changed.connect(self._on_result_changed)
        session.presentation_changed.connect(self._show_counts)
        session.spec_changed.connect(self._show_subgroup_buttons)
        self._show_subgroup_buttons()
        session.style_changed.connect(self._show_counts)

    def _build(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(self.search, 2)
        bar.addWidget(QLabel("Show rows where"))
        bar.addWidget(self.filter_column, 1)
        bar.addWidget(QLabel("is"))
        bar.addWidget(self.filter_value, 1)
        bar.addWidget(self.subgroup_button)
        bar.addWidget(self.all_button)
        bar.addStretch(0)
        bar.addWidget(self.exclude_button)
        bar.addWidget(self.include_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.counts)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.shown)

    # -- content ---------------------------------------------------------------------------
    def _on_table_loaded(self) -> None:
        raw = self.session.raw
        assert raw is not None
        self.model.set_frame(raw.frame, np.asarray(raw.row_numbers()))
        self._fitted_to_result = False
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.search.clear()
        self._on_result_changed()
        self._fill_filter_columns()
        self._fit_columns()
        self._show_subgroup_buttons()

    def _fit_columns(self) -> None:
        """Columns as wide as their first rows need (within reason)."""
        header = self.view.horizontalHeader()
        header.setResizeContentsPrecision(100)
        self.view.resizeColumnsToContents()
        for column in range(self.model.columnCount()):
            header.resizeSection(column, min(max(header.sectionSize(column), 60), 280))

    def _on_result_changed(self) -> None:
        rows = self.session.rows
        raw = self.session.raw
        if raw is None:
            return
        if rows is None:
            from resort_gui.ui.controller import RowStates

            rows = RowStates.unknown(len(raw.frame))
        unit = self.session.spec.time_unit if self.session.project else ""
        self.model.set_extra([
            ExtraColumn("Analysed", rows.included, _yes_no,
                        "Whether the row enters the analysis."),
            ExtraColumn(f"Time ({unit})", rows.time, lambda v: fmt.number(v, 2, missing=""),
                        "The follow-up time used in the analysis."),
            ExtraColumn("Event", rows.event, _event_text,
                        "Event or censored, as used in the analysis."),
            ExtraColumn("Why", rows.reason, str,
                        "How the time and event came about, or why the row is left out."),
        ], dimmed=~rows.included if self.session.result is not None else None)
        self._show_counts()
        self._update_shown()
        if self.session.result is not None and not self._fitted_to_result:
            self._fit_columns()  # once per table: measuring every row's text takes ~30 ms
            self._fitted_to_result = True

    def _show_counts(self) -> None:
        result = self.session.result
        raw = self.session.raw
        if raw is None:
            self.counts.setText("")
            return
        if result is None:
            self.counts.setText(f"<b>{len(raw.frame)} rows</b> in {raw.name}; no analysis yet "
                                "(complete the roles on the \u201cData and roles\u201d tab).")
            return
        options = self.session.text_options()
        c = result.cohort
        groups = " \u00b7 ".join(f"{options.name(g)}: <b>{n}</b>"
                                 for g, n in c.group_counts().items())
        by_hand = len(result.spec.exclusions)
        excluded = len(c.excluded) + len(raw.dropped)
        text = f"<b>{c.n} patients analysed</b> \u2014 {groups} \u2014 excluded: <b>{excluded}" \
               "</b>"
        if by_hand:
            text += f" ({by_hand} by hand)"
        if result.spec.where:
            text += f" \u2014 subgroup: <b>{describe(result.spec.where)}</b>"
        self.counts.setText(text)

    def _fill_filter_columns(self) -> None:
        self.filter_column.clear()
        self.filter_column.addItem("(any column)", None)
        titles = self.model.column_titles()
        levels = self.session.levels
        for index, title in enumerate(titles):
            if index in (INCLUDED, EVENT) or levels.get(title):
                self.filter_column.addItem(title, index)
        self.filter_value.clear()
        self.filter_value.setEnabled(False)

    def _on_filter_column_chosen(self) -> None:
        column = self.filter_column.currentData()
        self.filter_value.clear()
        if column is None:
            self.filter_value.setEnabled(False)
        else:
            title = self.model.column_titles()[column]
            values = {INCLUDED: ("yes", "no"), EVENT: ("event", "censored")}.get(
                column, self.session.levels.get(title) or ())
            self.filter_value.addItem(ALL_VALUES, None)
            for value in values:
                self.filter_value.addItem(value, value)
            self.filter_value.setEnabled(True)
        self.apply_view()
        self._show_subgroup_buttons()

    def _on_filter_value_chosen(self, _index: int) -> None:
        self.apply_view()
        self._show_subgroup_buttons()

    def _show_subgroup_buttons(self) -> None:
        column = self.filter_column.currentData()
        value = self.filter_value.currentData()
        raw_column = column is not None and column >= len(self.model.extra)
        self.subgroup_button.setVisible(raw_column and value is not None)
        where = self.session.spec.where if self.session.project is not None else ()
        self.all_button.setVisible(bool(where))

    def analyse_subgroup(self) -> None:
        """Analyse only the rows whose filter column holds the filter value."""
        column = self.model.column_titles()[self.filter_column.currentData()]
        value = self.filter_value.currentData()
        spec = self.session.spec
        self.session.set_spec(replace(spec, where=(Condition(column, str(value)),)),
                              f"Analyse the subgroup {column} = {value}")

    def analyse_everyone(self) -> None:
        self.session.set_spec(replace(self.session.spec, where=()), "Analyse all patients")

    # -- view: sort, search, filter --------------------------------------------------------
    def current_request(self) -> ViewRequest:
        header = self.view.horizontalHeader()
        column = header.sortIndicatorSection()
        sort_column = column if 0 <= column < self.model.columnCount() else None
        value = self.filter_value.currentData()
        filter_column = self.filter_column.currentData() if value is not None else None
        if filter_column in (INCLUDED, EVENT):  # derived columns: filter on what is shown
            value = {"yes": "True", "no": "False", "event": "1", "censored": "0"}[value]
        return ViewRequest(sort_column,
                           header.sortIndicatorOrder() == Qt.SortOrder.AscendingOrder,
                           self.search.text(), filter_column,
                           frozenset({value}) if value is not None else frozenset())

    def apply_view(self) -> None:
        request = self.current_request()
        if len(self.model.frame) <= SYNC_ROWS:
            self.model.set_order(view_order(self.model, request), request)
            self._update_shown()
        else:
            self._compute_view()

    def _compute_view(self, _request: ViewRequest | None = None) -> None:
        """Sort and filter a large table on a pool thread (the header's sort indicator and
        the search and filter boxes say how)."""
        request = self.current_request()
        model = self.model
        self.session.tasks.start("view", "Sorting and filtering the rows",
                                 lambda progress: view_order(model, request),
                                 lambda order: self._on_view_computed(order, request),
                                 lambda exc: None)

    def _on_view_computed(self, order: np.ndarray, request: ViewRequest) -> None:
        self.model.set_order(order, request)
        self._update_shown()

    def _update_shown(self) -> None:
        total = len(self.model.frame)
        shown = self.model.rowCount()
        self.shown.setText(f"Showing {shown} of {total} rows" if shown != total
                           else f"{total} rows")

    # -- exclusions ------------------------------------------------------------------------
    def selected_rows(self) -> list[int]:
        """Spreadsheet row numbers of the selected rows."""
        selection = self.view.selectionModel()
        rows = sorted({i.row() for i in selection.selectedRows()}) if selection else []
        return [self.model.spreadsheet_row(r) for r in rows]

    def select_spreadsheet_row(self, row: int) -> bool:
        """Select the view row showing spreadsheet row ``row`` (False if not shown)."""
        positions = np.flatnonzero(self.model.row_numbers[self.model.order] == row)
        if positions.size == 0:
            return False
        index = self.model.index(int(positions[0]), 0)
        self.view.selectionModel().select(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.view.scrollTo(index)
        return True

    def exclude_selected(self) -> None:
        rows = self.selected_rows()
        if not rows or self.session.project is None:
            return
        what = f"row {rows[0]}" if len(rows) == 1 else f"{len(rows)} rows"
        reason, ok = QInputDialog.getText(
            self, "Exclude patients", f"Why is {what} left out of the analysis?\n"
            "(e.g. \u201cwithdrew consent\u201d, \u201cineligible: no metastasectomy\u201d)")
        if ok and reason.strip():
            self.session.exclude(rows, reason.strip())

    def include_selected(self) -> None:
        rows = self.selected_rows()
        if rows and self.session.project is not None:
            self.session.include(rows)

    def _on_context_menu(self, position: object) -> None:
        menu = QMenu(self)
        menu.addAction("Exclude from the analysis\u2026", self.exclude_selected)
        menu.addAction("Include again", self.include_selected)
        menu.exec(self.view.viewport().mapToGlobal(position))
