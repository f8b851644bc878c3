"""Data and roles: which sheet, which row holds the column names, and which column is what
(patient, time or dates, event and its values, group and reference, strata). The roles are
pre-filled by the guesser and confirmed here; the rows left out are listed live with their
reasons. Several endpoints (RFS, OS, ...) can be defined on one sheet.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from resort_gui.domain.spec import TIME_UNITS, AnalysisSpec, Endpoint, EventSource
from resort_gui.export.project import proposed_landmarks
from resort_gui.io.roles import proposed_event_values
from resort_gui.io.units import UNIT_CHOSEN, infer_time_unit, unit_question
from resort_gui.ui.controller import SessionController
from resort_gui.ui.table_model import FrameTableModel

PREVIEW_ROWS = 200
NONE = ""  # combo data of "(none)"


class ImportPanel(QWidget):
    """The roles of the columns, a preview of the sheet and the rows left out."""

    def __init__(self, session: SessionController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._refreshing = False
        self.file_label = QLabel(objectName="fileName", wordWrap=True)
        self.sheet = QComboBox()
        self.sheet.setToolTip("The worksheet with one row per patient.")
        self.header_row = QSpinBox(minimum=0, maximum=10000)
        self.header_row.setSpecialValueText("found automatically")
        self.header_row.setToolTip("The spreadsheet row that holds the column names (title "
                                   "rows above it are skipped).")
        self.endpoint = QComboBox()
        self.endpoint.setToolTip("The endpoint shown everywhere. Define several on one sheet "
                                 "(e.g. RFS and OS), each a time and an event.")
        self.endpoint_name = QLineEdit()
        self.endpoint_name.setToolTip("Name of the endpoint as written in the figure and the "
                                      "results sentence, e.g. RFS or OS.")
        self.by_time = QRadioButton("a column of follow-up times")
        self.by_time.setToolTip("Each patient's time from the start (e.g. randomisation) to the "
                                "event or to the last contact.")
        self.by_dates = QRadioButton("dates: from a start date to the event")
        self.by_dates.setToolTip("The time is counted from a start date (e.g. randomisation) "
                                 "to the date of the event, or to the last contact.")
        self.mode = QButtonGroup(self)
        self.mode.addButton(self.by_time)
        self.mode.addButton(self.by_dates)
        self.time = _combo("The column with each patient's follow-up time.")
        self.unit = QComboBox()
        self.unit.addItem("(choose the unit)", "")
        for unit in TIME_UNITS:
            self.unit.addItem(unit, unit)
        self.unit.setToolTip("The unit of the time column (or of the results when times come "
                             "from dates).")
        self.start = _combo("The date the clock starts, usually randomisation.")
        self.last_contact = _combo("The date of last contact, where patients without the "
                                   "event are censored. \u201cThe event's own date\u201d when "
                                   "the event-date column holds the last contact for them.")
        self.events_box = QVBoxLayout()
        self.add_event = QPushButton("Add an event (composite endpoint)")
        self.add_event.setToolTip("RFS counts recurrence or death, whichever came first: add "
                                  "each event with its date.")
        self.group = _combo("The column with the arms or groups to compare; none: one curve "
                            "for all patients.")
        self.reference = QComboBox()
        self.reference.setToolTip("The group the others are compared with (hazard ratio 1), "
                                  "usually the control or observation arm.")
        self.strata = QListWidget()
        self.strata.setToolTip("Stratification factors of the randomisation: tick them for the "
                               "stratified log-rank test and Cox model.")
        self.strata.setMaximumHeight(120)
        self.patient_id = _combo("The column identifying each patient (used in the list of "
                                 "excluded rows); none: the row number.")
        self.status = QLabel(objectName="status", wordWrap=True)
        self.preview = FrameTableModel(self)
        self.preview_view = QTableView()
        self.preview_view.setModel(self.preview)
        self.preview_view.setToolTip("The first rows of the sheet as read.")
        self.preview_view.setAlternatingRowColors(True)
        self.preview_view.verticalHeader().setDefaultSectionSize(
            self.preview_view.fontMetrics().height() + 8)
        self.preview_view.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.Interactive)
        self.preview_title = QLabel(objectName="section")
        self.excluded = QTableWidget(0, 3)
        self.excluded.setHorizontalHeaderLabels(["Row", "Patient", "Why it is left out"])
        self.excluded.horizontalHeader().setStretchLastSection(True)
        self.excluded.verticalHeader().hide()
        self.excluded.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.excluded.setToolTip("Rows that do not enter the analysis, with the reason. Fix "
                                 "the cells in your file, or exclude patients by hand on the "
                                 "Patients tab.")
        self.excluded_title = QLabel(objectName="section")
        self._build()
        self._connect()
        session.table_loaded.connect(self._on_table_loaded)
        session.spec_changed.connect(self.refresh)
        session.result_changed.connect(self._show_outcome)
        self.refresh()

    # -- layout ----------------------------------------------------------------------------
    def _build(self) -> None:
        file_box = QGroupBox("1  File")
        form = _form(file_box)
        self.file_form = form
        form.addRow(self.file_label)
        form.addRow("Sheet", self.sheet)
        form.addRow("Column names in row", self.header_row)

        endpoint_box = QGroupBox("2  Endpoint")
        form = _form(endpoint_box)
        row = QHBoxLayout()
        row.addWidget(self.endpoint, 1)
        new = QPushButton("New")
        new.setToolTip("Define another endpoint on this sheet (e.g. OS beside RFS).")
        new.clicked.connect(self._on_new_endpoint)
        remove = QPushButton("Remove")
        remove.setToolTip("Remove the endpoint shown (at least one stays).")
        remove.clicked.connect(lambda: self.session.remove_endpoint(
            self.session.project.active_endpoint))
        self.remove_endpoint = remove
        row.addWidget(new)
        row.addWidget(remove)
        form.addRow("Endpoint", row)
        form.addRow("Name", self.endpoint_name)
        modes = QVBoxLayout()
        modes.addWidget(self.by_time)
        modes.addWidget(self.by_dates)
        form.addRow("Time from", modes)
        form.addRow("Time column", self.time)
        form.addRow("Start date", self.start)
        form.addRow("Last contact", self.last_contact)
        form.addRow("Time unit", self.unit)
        events = QWidget()
        events.setLayout(self.events_box)
        self.events_box.setContentsMargins(0, 0, 0, 0)
        form.addRow(events)
        form.addRow(self.add_event)
        self.endpoint_form = form

        groups_box = QGroupBox("3  Groups")
        form = _form(groups_box)
        form.addRow("Compare", self.group)
        form.addRow("Reference group", self.reference)
        form.addRow("Strata", self.strata)
        form.addRow("Patient ID", self.patient_id)

        roles = QWidget()
        roles_layout = QVBoxLayout(roles)
        roles_layout.addWidget(file_box)
        roles_layout.addWidget(endpoint_box)
        roles_layout.addWidget(groups_box)
        roles_layout.addStretch(1)
        scroll = QScrollArea(widgetResizable=True, frameShape=QFrame.Shape.NoFrame)
        scroll.setWidget(roles)
        scroll.setMinimumWidth(430)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(self.status)
        right_layout.addWidget(self.preview_title)
        right_layout.addWidget(self.preview_view, 3)
        right_layout.addWidget(self.excluded_title)
        right_layout.addWidget(self.excluded, 2)
        splitter = QSplitter()
        splitter.addWidget(scroll)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([460, 900])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    def _connect(self) -> None:
        self.sheet.activated.connect(lambda _: self.session.reread(
            self.sheet.currentText(), None))
        self.header_row.editingFinished.connect(self._on_header_row_changed)
        self.endpoint.activated.connect(self.session.switch_endpoint)
        self.endpoint_name.editingFinished.connect(self._on_endpoint_renamed)
        self.by_time.toggled.connect(self._on_mode_toggled)
        self.time.activated.connect(self._on_time_column_chosen)
        self.start.activated.connect(lambda _: self._set_endpoint(
            "Set the start date", start=self.start.currentData() or None))
        self.last_contact.activated.connect(lambda _: self._set_endpoint(
            "Set the last-contact date", last_contact=self.last_contact.currentData() or None))
        self.unit.activated.connect(self._on_unit_chosen)
        self.add_event.clicked.connect(self._on_add_event)
        self.group.activated.connect(lambda _: self._set_spec(
            "Set the group column", group=self.group.currentData() or None, reference=None))
        self.reference.activated.connect(lambda _: self._set_spec(
            "Set the reference group", reference=self.reference.currentData() or None))
        self.strata.itemChanged.connect(self._on_strata_changed)
        self.patient_id.activated.connect(lambda _: self._set_spec(
            "Set the patient ID", patient_id=self.patient_id.currentData() or None))

    # -- showing the session ---------------------------------------------------------------
    def _on_table_loaded(self) -> None:
        raw = self.session.raw
        if raw is None:
            return
        head = raw.frame.head(PREVIEW_ROWS)
        self.preview.set_frame(head, np.asarray(raw.row_numbers()[: len(head)]))
        self.preview_view.resizeColumnsToContents()
        self.preview_title.setText(f"First rows of {raw.name}" + (
            f", sheet \u201c{raw.sheet}\u201d" if raw.sheet else "") +
            f" ({len(raw.frame)} rows, {raw.frame.shape[1]} columns)")
        self.refresh()

    def refresh(self) -> None:
        """Show the session's spec in the widgets (without emitting changes)."""
        raw, project = self.session.raw, self.session.project
        self.setEnabled(raw is not None and project is not None)
        if raw is None or project is None:
            return
        self._refreshing = True
        try:
            spec = self.session.spec
            self._show_file(spec)
            self._show_endpoint(spec)
            self._show_groups(spec)
        finally:
            self._refreshing = False
        self._show_outcome()

    def _show_file(self, spec: AnalysisSpec) -> None:
        raw = self.session.raw
        assert raw is not None
        self.file_label.setText(f"<b>{raw.name}</b><br><span style='color:#666'>"
                                f"{raw.path.parent}</span>")
        self.sheet.clear()
        self.sheet.addItems(list(raw.sheets))
        self.sheet.setCurrentText(raw.sheet or "")
        self.file_form.setRowVisible(self.sheet, len(raw.sheets) > 1)
        self.header_row.setValue(spec.header_row or 0)

    def _show_endpoint(self, spec: AnalysisSpec) -> None:
        project = self.session.project
        assert project is not None
        columns = self._columns()
        self.endpoint.clear()
        for e in project.endpoints:
            self.endpoint.addItem(e.name, e.name)
        self.endpoint.setCurrentIndex(project.active_endpoint)
        self.remove_endpoint.setEnabled(len(project.endpoints) > 1)
        endpoint = spec.endpoint
        self.endpoint_name.setText(endpoint.name)
        dates = endpoint.from_dates and endpoint.start is not None or \
            (endpoint.from_dates and endpoint.time is None and bool(endpoint.events)
             and endpoint.events[0].date is not None)
        self.by_dates.setChecked(dates)
        self.by_time.setChecked(not dates)
        _fill(self.time, columns, endpoint.time, "(choose the time column)")
        _fill(self.start, columns, endpoint.start, "(choose the start date)")
        _fill(self.last_contact, columns, endpoint.last_contact, "(the event's own date)")
        self.unit.setCurrentIndex(max(0, self.unit.findData(spec.time_unit)))
        for widget, in_dates in ((self.time, False), (self.start, True),
                                 (self.last_contact, True)):
            self.endpoint_form.setRowVisible(widget, in_dates == dates)
        self._show_events(endpoint, dates)
        self.add_event.setVisible(dates)

    def _show_events(self, endpoint: Endpoint, dates: bool) -> None:
        while self.events_box.count():
            item = self.events_box.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        sources = endpoint.events or (EventSource(""),)
        for index, source in enumerate(sources):
            self.events_box.addWidget(EventEditor(self, index, source, dates,
                                                  removable=len(sources) > 1))

    def _show_groups(self, spec: AnalysisSpec) -> None:
        columns = self._columns()
        levels = self.session.levels
        groupable = [c for c in columns if levels.get(c)]
        _fill(self.group, groupable, spec.group, "(none: one curve for all patients)")
        self.reference.clear()
        for value in (levels.get(spec.group) or ()) if spec.group else ():
            self.reference.addItem(value, value)
        if spec.group:
            found = self.reference.findData(spec.reference) if spec.reference else 0
            self.reference.setCurrentIndex(max(0, found))
        self.reference.setEnabled(bool(spec.group))
        self.strata.clear()
        endpoint = spec.endpoint
        roles = {spec.group, spec.patient_id, endpoint.time, *(e.column for e in endpoint.events)}
        for column in groupable:
            if column in roles and column not in spec.strata:
                continue
            item = QListWidgetItem(column)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if column in spec.strata
                               else Qt.CheckState.Unchecked)
            item.setToolTip(", ".join(levels.get(column) or ()))
            self.strata.addItem(item)
        _fill(self.patient_id, columns, spec.patient_id, "(none: the row number)")

    def _show_outcome(self) -> None:
        """The status line and the excluded rows, from the session's latest analysis."""
        session = self.session
        raw = session.raw
        if raw is None:
            return
        result = session.result
        if session.problems:
            items = "".join(f"<li>{p}</li>" for p in session.problems)
            self.status.setText(f"<b>To do before the analysis can run:</b><ul>{items}</ul>")
            self.status.setProperty("state", "todo")
        elif result is not None:
            c = result.cohort
            groups = ", ".join(f"{session.text_options().name(g)} {n}"
                               for g, n in c.group_counts().items())
            self.status.setText(f"\u2714 <b>{c.n} patients</b> enter the analysis "
                                f"({groups}); {int(c.event.sum())} events. "
                                "See the curves on the \u201cSurvival\u201d tab.")
            self.status.setProperty("state", "ok")
        else:
            self.status.setText("Analysing\u2026")
            self.status.setProperty("state", "")
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)
        excluded = list(raw.dropped) + (list(result.cohort.excluded) if result else [])
        self.excluded_title.setText(f"Rows left out ({len(excluded)})")
        self.excluded.setRowCount(len(excluded))
        for r, row in enumerate(excluded):
            for c, text in enumerate((str(row.row), row.patient, row.reason)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.excluded.setItem(r, c, item)
        self.excluded.resizeColumnToContents(0)
        self.excluded.resizeColumnToContents(1)

    def _columns(self) -> list[str]:
        raw = self.session.raw
        return [] if raw is None else [str(c) for c in raw.frame.columns]

    # -- user changes ----------------------------------------------------------------------
    def _on_time_column_chosen(self) -> None:
        """A new time column brings its own unit, unless the user chose the unit."""
        if self._refreshing or self.session.project is None or self.session.raw is None:
            return
        spec = self.session.spec
        endpoint = replace(spec.endpoint, time=self.time.currentData() or None)
        changes: dict[str, object] = {"endpoint": endpoint}
        if endpoint.time and spec.time_unit_reason != UNIT_CHOSEN:
            inference = infer_time_unit(self.session.raw, endpoint.time)
            changes.update(time_unit=inference.unit or "", time_unit_reason=inference.reason
                           if inference.unit else unit_question(endpoint.time, inference))
        self._set_spec("Set the time column", **changes)

    def _on_unit_chosen(self) -> None:
        """The user's unit; the landmarks at 1, 2 and 3 years if there were none yet."""
        if self._refreshing or self.session.project is None or self.session.raw is None:
            return
        unit = self.unit.currentData()
        spec = replace(self.session.spec, time_unit=unit, time_unit_reason=UNIT_CHOSEN)
        if unit and not spec.landmarks:
            spec = replace(spec, landmarks=proposed_landmarks(self.session.raw, spec))
        self._set_spec("Set the time unit", time_unit=spec.time_unit,
                       time_unit_reason=spec.time_unit_reason, landmarks=spec.landmarks)

    def _set_spec(self, text: str, **changes: object) -> None:
        if self._refreshing or self.session.project is None:
            return
        spec = self.session.spec
        new = replace(spec, **changes)
        if new != spec:
            self.session.set_spec(new, text)

    def _set_endpoint(self, text: str, **changes: object) -> None:
        if self._refreshing or self.session.project is None:
            return
        self._set_spec(text, endpoint=replace(self.session.spec.endpoint, **changes))

    def set_event(self, index: int, source: EventSource, text: str) -> None:
        """Replace the ``index``-th event source of the endpoint shown."""
        events = list(self.session.spec.endpoint.events) or [source]
        if index < len(events):
            events[index] = source
        else:
            events.append(source)
        self._set_endpoint(text, events=tuple(events))

    def remove_event(self, index: int) -> None:
        events = list(self.session.spec.endpoint.events)
        removed = events.pop(index)
        self._set_endpoint(f"Remove event {removed.column}", events=tuple(events))

    def proposed_source(self, column: str, date: str | None) -> EventSource:
        """An event source for ``column`` with the values that mean "event" ticked when the
        coding is yes/no or 1/0 (0 for a censoring flag such as CNSR)."""
        found = list(self.session.levels.get(column) or ())
        return EventSource(column, proposed_event_values(column, found) or (), date)

    def _on_mode_toggled(self, by_time: bool) -> None:
        if self._refreshing:
            return
        endpoint = self.session.spec.endpoint
        source = endpoint.events[0] if endpoint.events else EventSource("")
        if by_time:
            new = Endpoint(name=endpoint.name, time=self._first_numeric_column(),
                           events=(replace(source, date=None),))
            self._set_spec("Take the time from a column", endpoint=new)
        else:
            dates = self._date_columns()
            new = Endpoint(name=endpoint.name, start=dates[0] if dates else None,
                           events=(replace(source, date=dates[-1] if dates else None),))
            self._set_spec("Take the time from dates", endpoint=new)

    def _on_add_event(self) -> None:
        used = {e.column for e in self.session.spec.endpoint.events}
        candidates = [c for c, v in self.session.levels.items()
                      if v and c not in used and proposed_event_values(c, list(v))]
        column = candidates[0] if candidates else ""
        dates = self._date_columns()
        self.set_event(len(self.session.spec.endpoint.events),
                       self.proposed_source(column, dates[-1] if dates else None),
                       "Add an event")

    def _on_header_row_changed(self) -> None:
        if self._refreshing or self.session.raw is None:
            return
        value = self.header_row.value() or None
        if value != self.session.spec.header_row:
            self.session.reread(self.session.raw.sheet, value)

    def _on_endpoint_renamed(self) -> None:
        name = self.endpoint_name.text().strip()
        if name and not self._refreshing:
            self._set_endpoint(f"Rename the endpoint {name}", name=name)

    def _on_new_endpoint(self) -> None:
        name, ok = QInputDialog.getText(self, "New endpoint",
                                        "Name of the new endpoint (e.g. OS):")
        if ok and name.strip():
            self.session.add_endpoint(replace(self.session.spec.endpoint, name=name.strip()))

    def _on_strata_changed(self, _item: QListWidgetItem) -> None:
        checked = tuple(self.strata.item(i).text() for i in range(self.strata.count())
                        if self.strata.item(i).checkState() == Qt.CheckState.Checked)
        self._set_spec("Set the strata", strata=checked)

    def _date_columns(self) -> list[str]:
        raw = self.session.raw
        assert raw is not None
        return [str(c) for c in raw.frame.columns if raw.frame[c].dtype.kind == "M"]

    def _first_numeric_column(self) -> str | None:
        raw = self.session.raw
        assert raw is not None
        return next((str(c) for c in raw.frame.columns if raw.frame[c].dtype.kind in "iuf"),
                    None)


class EventEditor(QFrame):
    """One event of the endpoint: its column, the values that mean "event happened" (as
    check boxes over the values found) and, with dates, the column with its date."""

    def __init__(self, panel: ImportPanel, index: int, source: EventSource, dates: bool,
                 removable: bool) -> None:
        super().__init__(objectName="eventEditor")
        self.panel, self.index, self.source = panel, index, source
        columns = panel._columns()
        levels = panel.session.levels
        coded = [c for c in columns if levels.get(c)]
        self.column = _combo("The column that says whether the event happened (e.g. "
                             "status, death, relapse).")
        _fill(self.column, coded, source.column or None, "(choose the event column)")
        self.date = _combo("The column with the date of this event (for patients without it, "
                           "the last contact).")
        _fill(self.date, columns, source.date, "(choose its date column)")
        form = _form(self)
        title = "Event" if not removable else f"Event {index + 1}"
        row = QHBoxLayout()
        row.addWidget(self.column, 1)
        if removable:
            remove = QPushButton("\u2715")
            remove.setFixedWidth(30)
            remove.setToolTip("Remove this event from the endpoint.")
            remove.clicked.connect(lambda: panel.remove_event(index))
            row.addWidget(remove)
        form.addRow(title, row)
        if dates:
            form.addRow("Its date", self.date)
        self.values: list[QCheckBox] = []
        values = QHBoxLayout()
        values.setSpacing(10)
        for value in levels.get(source.column) or () if source.column else ():
            box = QCheckBox(value)
            box.setChecked(value.casefold() in {v.casefold() for v in source.values})
            box.setToolTip(f"Tick if \u201c{value}\u201d in column {source.column} means the "
                           "event happened; the other values count as censored.")
            box.toggled.connect(self._on_values_toggled)
            self.values.append(box)
            values.addWidget(box)
        values.addStretch(1)
        if self.values:
            form.addRow("Event when", values)
        elif source.column:
            form.addRow(QLabel(f"Column {source.column} has too many different values to be an "
                               "event code.", wordWrap=True, objectName="problem"))
        self.column.activated.connect(self._on_column_chosen)
        self.date.activated.connect(self._on_date_chosen)

    def _on_date_chosen(self) -> None:
        self.panel.set_event(self.index, replace(self.source, date=self.date.currentData() or None),
                             "Set the event date")

    def _on_column_chosen(self) -> None:
        column = self.column.currentData() or ""
        self.panel.set_event(self.index, self.panel.proposed_source(column, self.source.date),
                             f"Set the event column {column}")

    def _on_values_toggled(self) -> None:
        values = tuple(b.text() for b in self.values if b.isChecked())
        self.panel.set_event(self.index, replace(self.source, values=values),
                             "Set the event values")


def _combo(tip: str) -> QComboBox:
    combo = QComboBox()
    combo.setToolTip(tip)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(14)
    return combo


def _fill(combo: QComboBox, columns: list[str], current: str | None, none_text: str) -> None:
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(none_text, NONE)
    for column in columns:
        combo.addItem(column, column)
    combo.setCurrentIndex(max(0, combo.findData(current)) if current else 0)
    combo.blockSignals(False)


def _form(parent: QWidget) -> QFormLayout:
    form = QFormLayout(parent)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
    return form
