"""The analyses beyond the Kaplan-Meier comparison, chosen in Analysis settings: Table 1
columns, subgroups, adjusted Cox covariates, competing risks, and the adverse-event and
screening sheets with their columns. Each change is an undoable step."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from resort_gui.domain.errors import InputError
from resort_gui.domain.spec import AnalysisSpec, Endpoint, SafetySource, ScreeningSource
from resort_gui.io import RawTable
from resort_gui.io.sheets import guess_source, sheet_columns
from resort_gui.ui.controller import SessionController

LIST_HEIGHT = 110  # px: about 7 columns of the table show in each list of the other analyses
LIST_MIN_ROWS = 4  # fewer rows shown would be cramped: the settings scroll instead


class OtherAnalysesBox(QGroupBox):
    """The trial's tables beyond the curve: competing risks, Table 1, subgroups (forest plot),
    the adjusted Cox model, and the adverse-events and screening sheets with their columns;
    each change is an undoable step."""

    LISTS = (
        ("baseline_columns", "Table 1 (patient characteristics)",
         "Tick the characteristics to describe by group in Table 1 (e.g. age, sex, "
         "performance status): median (IQR) for numbers, counts (%) for categories."),
        ("subgroups", "Subgroups (forest plot)",
         "Tick the characteristics whose categories get their own hazard ratio in the "
         "forest plot (e.g. sex, ECOG status), to see whether the effect is consistent."),
        ("covariates", "Adjusted Cox model",
         "Tick the prognostic factors to adjust the hazard ratio for (e.g. age, stage): "
         "numbers enter as numbers, text as categories."),
    )

    def __init__(self, session: SessionController, parent: QWidget | None = None) -> None:
        super().__init__("Other analyses", parent)
        self.session = session
        self.setToolTip("Choose what the \u201c4 Trial tables\u201d tab shows.")
        self.lists: dict[str, QListWidget] = {}
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.form = QFormLayout(self)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.competing = CompetingRisksChoice(self.form)
        self.competing.cause.activated.connect(lambda _: self._on_cause_chosen())
        for key, label, tip in self.LISTS:
            pick = QListWidget()
            pick.setToolTip(tip)
            pick.setMaximumHeight(LIST_HEIGHT)
            pick.itemChanged.connect(lambda _item, k=key, t=label: self._on_ticked(k, t))
            self.lists[key] = pick
            self.form.addRow(label, pick)
        self.sheets = {key: SheetChoice(self.form, role) for key, role in SHEETS.items()}
        self.safety = self.sheets["safety"].sheet
        self.screening = self.sheets["screening"].sheet
        self.sheet_columns: dict[str, tuple[str, ...]] = {}  # read once per table and sheet
        self._reading: set[str] = set()
        self._waiting: dict[str, str] = {}  # spec field -> sheet chosen, its columns not read
        self.problem = QLabel(objectName="problem", wordWrap=True)
        self.form.addRow(self.problem)
        self._show_problem("")
        for key, choice in self.sheets.items():
            choice.sheet.activated.connect(lambda _, k=key: self._on_sheet_chosen(k))
            for name, combo in choice.columns.items():
                combo.activated.connect(lambda _, k=key, n=name: self._on_column_chosen(k, n))
        session.table_loaded.connect(self._on_table_loaded)
        session.spec_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        raw = self.session.raw
        if self.session.project is None or raw is None:
            return
        spec = self.session.spec
        self.competing.show_spec(spec, cause_choices(spec, self.session.levels),
                                 self._on_competing_ticked)
        columns = [str(c) for c in raw.frame.columns]
        roles = _role_columns(spec, self.session.project.endpoints)
        for key, pick in self.lists.items():
            ticked = getattr(spec, key)
            offered = [c for c in columns if c in ticked or (
                c not in roles and (key != "subgroups" or self.session.levels.get(c)))]
            _fill_checklist(pick, offered, ticked)
        sheets = [s for s in raw.sheets if s != raw.sheet]
        for key, choice in self.sheets.items():
            source = getattr(spec, key)
            chosen = self._waiting.get(key, source.sheet if source else None)
            choice.show_source(sheets, chosen, source if source and source.sheet == chosen
                               else None, self._columns_of(chosen) if chosen else None)

    # -- competing risks -------------------------------------------------------------------
    def _on_cause_chosen(self) -> None:
        spec = self.session.spec
        cause = self.competing.cause.currentData()
        if cause == event_of_interest(spec) and (cause is not None or not spec.competing_values):
            return
        event = spec.endpoint.events[0]
        kinds = event_kinds(spec, cause_choices(spec, self.session.levels))
        if cause is None:
            values, text = kinds, "Back to an ordinary Kaplan\u2013Meier analysis"
            competing: tuple[str, ...] = ()
        else:  # the endpoint's one event value is the event of interest: declared once
            values = (cause,)
            text = f"Competing risks: {event.column} = {cause} is the event of interest"
            competing = tuple(k for k in kinds if k != cause)
        endpoint = replace(spec.endpoint, events=(replace(event, values=values),))
        self._change(text, endpoint=endpoint, competing_values=competing)

    def _on_competing_ticked(self) -> None:
        self._change("Change the competing events", competing_values=self.competing.ticked())

    # -- lists -----------------------------------------------------------------------------
    def _on_ticked(self, key: str, label: str) -> None:
        pick = self.lists[key]
        ticked = tuple(pick.item(i).text() for i in range(pick.count())
                       if pick.item(i).checkState() == Qt.CheckState.Checked)
        self._change(f"Change {label.split(' (')[0]}", **{key: ticked})

    # -- sheets ----------------------------------------------------------------------------
    def _on_table_loaded(self) -> None:
        self.sheet_columns, self._reading, self._waiting = {}, set(), {}
        self._show_problem("")
        self.refresh()

    def _on_sheet_chosen(self, key: str) -> None:
        """A sheet takes its columns by name; they are read first when not known yet."""
        sheet = self.sheets[key].sheet.currentData()
        self._show_problem("")
        self._waiting.pop(key, None)
        if self.sheet_columns.get(sheet) == ():
            del self.sheet_columns[sheet]  # it could not be read: try again
        source = getattr(self.session.spec, key)
        if sheet is None:
            self._change(f"Change the {SHEETS[key].label.lower()}", **{key: None})
        elif source is None or source.sheet != sheet:
            self._waiting[key] = sheet
            columns = self._columns_of(sheet)
            if columns is not None:
                self._take_sheet(key, sheet, columns)
        self.refresh()

    def _take_sheet(self, key: str, sheet: str, columns: tuple[str, ...]) -> None:
        del self._waiting[key]
        self._change(f"Change the {SHEETS[key].label.lower()}",
                     **{key: guess_source(SHEETS[key].kind, sheet, columns)})

    def _on_column_chosen(self, key: str, name: str) -> None:
        source = getattr(self.session.spec, key)
        column = self.sheets[key].columns[name].currentData()
        if source is not None and column is not None:
            label = SHEETS[key].column_label(name)
            self._change(f"Change the {label[0].lower()}{label[1:]} of sheet {source.sheet}",
                         **{key: replace(source, **{name: column})})

    def _columns_of(self, sheet: str) -> tuple[str, ...] | None:
        """The sheet's column names, or None while they are read off the GUI thread (the
        whole sheet is parsed: half a second for a large one)."""
        if sheet in self.sheet_columns:
            return self.sheet_columns[sheet]
        raw = self.session.raw
        if sheet not in self._reading and raw is not None:
            self._reading.add(sheet)
            self.session.tasks.start(
                f"columns of sheet {sheet}", f"Reading the columns of sheet {sheet}",
                lambda _progress: sheet_columns(raw.path, sheet),
                lambda columns: self._on_columns_read(raw, sheet, columns),
                lambda error: self._on_columns_failed(raw, sheet, error))
        return None

    def _on_columns_read(self, raw: RawTable, sheet: str, columns: tuple[str, ...]) -> None:
        self._reading.discard(sheet)
        if raw is not self.session.raw:
            return  # another table was opened meanwhile
        self.sheet_columns[sheet] = columns
        for key in [k for k, waiting in self._waiting.items() if waiting == sheet]:
            self._take_sheet(key, sheet, columns)
        self.refresh()

    def _on_columns_failed(self, raw: RawTable, sheet: str, error: InputError) -> None:
        self._reading.discard(sheet)
        if raw is not self.session.raw:
            return
        self.sheet_columns[sheet] = ()
        self._waiting = {k: s for k, s in self._waiting.items() if s != sheet}
        self._show_problem(str(error))
        self.refresh()

    def _show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.form.setRowVisible(self.problem, bool(text))

    def _change(self, text: str, **changes: object) -> None:
        if self.session.project is None:
            return
        spec = self.session.spec
        new = replace(spec, **changes)
        if new != spec:
            self.session.set_spec(new, text)


# -- competing risks -----------------------------------------------------------------------

NO_CAUSE = "none: ordinary Kaplan\u2013Meier"
CAUSE_TIP = (
    "For an event column with several kinds of event, e.g. 0 = censored, 1 = recurrence, "
    "2 = death without recurrence: choose the kind the analysis is about (here 1). Its "
    "cumulative incidence is then estimated with the competing kinds taken into account "
    "(Aalen\u2013Johansen curves and Gray's test, in the \u201c4 Trial tables\u201d tab), "
    "and the Kaplan\u2013Meier curves, log-rank test and hazard ratio count only this kind "
    "as the event (cause-specific). \u201cnone\u201d goes back to an ordinary "
    "Kaplan\u2013Meier analysis in which every kind of event counts.")
BOXES_PER_ROW = 6
COMPETING_TIP = (
    "Tick the kinds of event that make the event of interest impossible (e.g. death without "
    "recurrence when the event of interest is recurrence). Values left unticked (e.g. 0) "
    "mean censored: the patient was free of any event at the last contact.")


def cause_choices(spec: AnalysisSpec, levels: dict[str, tuple[str, ...] | None]
                  ) -> tuple[str, ...]:
    """The values of the endpoint's event column that can be the event of interest: () when
    competing risks do not apply (dates, several event columns, fewer than three values);
    the spec's own causes are always offered, so that they can be taken back."""
    endpoint = spec.endpoint
    values: tuple[str, ...] = ()
    if endpoint.time is not None and len(endpoint.events) == 1:
        values = levels.get(endpoint.events[0].column) or ()
    if len(values) < 3:
        values = ()
    if spec.cause_value is not None:
        values = tuple(dict.fromkeys([*values, spec.cause_value, *spec.competing_values]))
    return values


def event_of_interest(spec: AnalysisSpec) -> str | None:
    """The endpoint's one event value (a time column and one event column), which is the
    event of interest once competing events are ticked; None when there are several."""
    endpoint = spec.endpoint
    if endpoint.time is None or len(endpoint.events) != 1 or len(endpoint.events[0].values) != 1:
        return None
    return endpoint.events[0].values[0]


def event_kinds(spec: AnalysisSpec, choices: tuple[str, ...]) -> tuple[str, ...]:
    """The values that count as some event: ticked as events, the event of interest and
    the competing ones, in the order of ``choices``."""
    kinds = {*spec.endpoint.events[0].values, *spec.competing_values}
    kinds |= {spec.cause_value} if spec.cause_value is not None else set()
    return tuple(v for v in choices if v in kinds) + tuple(sorted(kinds - set(choices)))


class CompetingRisksChoice:
    """Two rows of the box: the event of interest (or none) and the competing events, one
    tick box per value of the event column; shown only when competing risks apply."""

    def __init__(self, form: QFormLayout) -> None:
        self.form = form
        self.cause = QComboBox()
        self.cause.setToolTip(CAUSE_TIP)
        self.values = QWidget()
        self.values.setToolTip(COMPETING_TIP)
        self.grid = QGridLayout()
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setColumnStretch(BOXES_PER_ROW, 1)  # the tick boxes sit side by side
        self.note = QLabel(objectName="notes", wordWrap=True)
        column = QVBoxLayout(self.values)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(self.grid)
        column.addWidget(self.note)
        self.boxes: dict[str, QCheckBox] = {}
        self._shown: tuple[object, ...] = ()
        form.addRow("Competing risks", self.cause)
        form.addRow("Competing events", self.values)

    def show_spec(self, spec: AnalysisSpec, choices: tuple[str, ...],
                  on_ticked: Callable[[], None]) -> None:
        column = spec.endpoint.events[0].column if spec.endpoint.events else ""
        self.form.setRowVisible(self.cause, bool(choices))
        interest = event_of_interest(spec) if choices else None
        self.form.setRowVisible(self.values, interest is not None)
        self.cause.blockSignals(True)
        self.cause.clear()
        self.cause.addItem(NO_CAUSE, None)
        for value in choices:
            self.cause.addItem(f"{column} = {value} is the event of interest", value)
        self.cause.setCurrentIndex(max(0, self.cause.findData(interest)))
        self.cause.blockSignals(False)
        others = tuple(v for v in choices if v != interest)
        if (others, column) != self._shown:  # rebuilt only for new values: a tick's own
            self._shown = (others, column)  # handler leads here, and must not be deleted
            self._rebuild(others, column, on_ticked)
        for value, box in self.boxes.items():
            box.blockSignals(True)
            box.setChecked(value in spec.competing_values)
            box.blockSignals(False)
        censored = [v for v in others if v not in spec.competing_values]
        self.note.setText(
            (f"{column} = {' or '.join(censored)} means censored. " if censored else
             f"No value of {column} means censored. ")
            + "The cumulative incidence curves and Gray's test are in the \u201c4 Trial "
              "tables\u201d tab.")

    def ticked(self) -> tuple[str, ...]:
        return tuple(value for value, box in self.boxes.items() if box.isChecked())

    def _rebuild(self, values: tuple[str, ...], column: str,
                 on_ticked: Callable[[], None]) -> None:
        for box in self.boxes.values():
            self.grid.removeWidget(box)
            box.hide()
            box.deleteLater()
        self.boxes = {}
        for i, value in enumerate(values):
            box = QCheckBox(value)
            box.setToolTip(f"{column} = {value} is a competing event. " + COMPETING_TIP)
            box.clicked.connect(lambda _=False: on_ticked())
            self.grid.addWidget(box, i // BOXES_PER_ROW, i % BOXES_PER_ROW)
            self.boxes[value] = box


# -- the adverse-events and screening sheets -----------------------------------------------

@dataclass(frozen=True)
class SheetRole:
    """One of the trial's other sheets: how the box names it, what it holds, the spec's
    source type, and (field, label, tooltip) of each column the analysis reads."""

    label: str
    tip: str
    kind: type[SafetySource] | type[ScreeningSource]
    columns: tuple[tuple[str, str, str], ...]

    def column_label(self, field: str) -> str:
        return next(label for name, label, _ in self.columns if name == field)


SHEETS = {
    "safety": SheetRole(
        "Adverse events sheet",
        "The sheet of this workbook with the adverse events, one row per patient and event: "
        "the patient's ID, the event's name and its CTCAE grade.", SafetySource,
        (("patient", "Patient ID column", "The column with the patient's ID, as in the "
          "patients' sheet, to find each patient's arm."),
         ("term", "Event name column", "The column with the adverse event's name (e.g. "
          "fatigue, hand-foot skin reaction)."),
         ("grade", "Grade column", "The column with the CTCAE grade, a whole number from 1 "
          "to 5 (the worst grade per patient and event is counted)."))),
    "screening": SheetRole(
        "Screening log sheet",
        "The sheet of this workbook with the screening log for the CONSORT flow diagram: one "
        "row per screened patient, whether randomised and why not.", ScreeningSource,
        (("patient", "Patient ID column", "The column with the screened patient's ID."),
         ("randomised", "Randomised column", "The column that says whether the patient was "
          "randomised (yes/no)."),
         ("reason", "Reason column", "The column with the reason a patient was not "
          "randomised (e.g. did not meet the criteria)."))),
}
ADJUST_TO_MINIMUM = QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon


class SheetChoice:
    """Rows of the box for one of the trial's other sheets: the sheet, then the column of
    each of its fields (shown once a sheet is chosen)."""

    def __init__(self, form: QFormLayout, role: SheetRole) -> None:
        self.form = form
        self.sheet = QComboBox()
        self.sheet.setToolTip(role.tip)
        form.addRow(role.label, self.sheet)
        self.columns: dict[str, QComboBox] = {}
        for name, label, tip in role.columns:
            combo = QComboBox()
            combo.setToolTip(tip)
            combo.setSizeAdjustPolicy(ADJUST_TO_MINIMUM)  # a long name must not widen the tab
            combo.setMinimumContentsLength(12)
            form.addRow(f"    {label}", combo)
            self.columns[name] = combo

    def show_source(self, sheets: list[str], chosen: str | None,
                    source: SafetySource | ScreeningSource | None,
                    columns: tuple[str, ...] | None) -> None:
        """``source`` is the spec's (None while a new sheet's columns are read); ``columns``
        the sheet's (None while read)."""
        _fill_sheets(self.sheet, sheets, chosen)
        self.form.setRowVisible(self.sheet, bool(sheets) or chosen is not None)
        for name, combo in self.columns.items():
            current = getattr(source, name, None)
            combo.blockSignals(True)
            combo.clear()
            if columns is None:
                combo.addItem(current or "reading the sheet\u2026", current)
            for column in columns or ():
                combo.addItem(column, column)
            if current is not None and columns is not None and current not in columns:
                combo.addItem(f"{current} (not in the sheet)", current)
            combo.setCurrentIndex(max(0, combo.findData(current)))
            combo.setEnabled(bool(columns) and source is not None)
            combo.blockSignals(False)
            self.form.setRowVisible(combo, chosen is not None)


def _role_columns(spec: AnalysisSpec, endpoints: tuple[Endpoint, ...]) -> set[str]:
    """Columns that already have a role (patient id, group, the endpoints' times, dates and
    events): not offered as patient characteristics, subgroups or covariates unless chosen."""
    roles = {spec.patient_id, spec.group}
    for endpoint in (spec.endpoint, *endpoints):
        roles |= {endpoint.time, endpoint.start, endpoint.last_contact}
        roles |= {c for e in endpoint.events for c in (e.column, e.date)}
    return {c for c in roles if c}


def _fill_checklist(pick: QListWidget, columns: list[str], ticked: tuple[str, ...]) -> None:
    """Tick the chosen columns; the items are rebuilt only for new columns (a tick's own
    change handler leads here, and deleting the item being changed would crash Qt)."""
    pick.blockSignals(True)
    if [pick.item(i).text() for i in range(pick.count())] != columns:
        pick.clear()
        for column in columns:
            item = QListWidgetItem(column, pick)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        row, frame = pick.sizeHintForRow(0), 2 * pick.frameWidth() + 4
        pick.setMaximumHeight(min(LIST_HEIGHT, row * max(1, pick.count()) + frame))
        pick.setMinimumHeight(row * min(LIST_MIN_ROWS, max(1, pick.count())) + frame)
    for i in range(pick.count()):
        item = pick.item(i)
        item.setCheckState(Qt.CheckState.Checked if item.text() in ticked
                           else Qt.CheckState.Unchecked)
    pick.blockSignals(False)


def _fill_sheets(combo: QComboBox, sheets: list[str], chosen: str | None) -> None:
    combo.blockSignals(True)
    combo.clear()
    combo.addItem("none", None)
    for sheet in [*sheets, *([chosen] if chosen and chosen not in sheets else [])]:
        combo.addItem(sheet, sheet)
    combo.setCurrentIndex(max(0, combo.findData(chosen)) if chosen else 0)
    combo.blockSignals(False)
