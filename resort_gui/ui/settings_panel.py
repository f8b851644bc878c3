"""Settings that change the numbers (confidence intervals, landmarks, RMST horizon, ties) and
settings that change only the figure's look. Each change is an undoable step; the analysis
re-runs at once (off the GUI thread)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from resort_gui import format as fmt
from resort_gui.domain.errors import InputError
from resort_gui.domain.spec import AnalysisSpec, Endpoint, SafetySource, ScreeningSource
from resort_gui.figure import PALETTE, FigureStyle
from resort_gui.io import RawTable
from resort_gui.io.sheets import guess_source, sheet_columns
from resort_gui.ui.controller import SessionController

CONF_TYPE_LABELS = {
    "log-log": "log-log (as SAS and Stata; recommended)",
    "log": "log (R's default)",
    "plain": "plain (linear; can go below 0 or above 1)",
}
LEVELS = (0.90, 0.95, 0.99)
LIST_HEIGHT = 110  # px: about 7 columns of the table show in each list of the other analyses
LIST_MIN_ROWS = 4  # fewer rows shown would be cramped: the settings scroll instead


def parse_times(text: str) -> tuple[float, ...] | None:
    """"12, 24, 36" (or "12; 24; 36") -> (12.0, 24.0, 36.0); None when not numbers."""
    parts = text.replace(";", " ").replace(",", " ").split()
    try:
        times = tuple(sorted({float(p) for p in parts if p}))
    except ValueError:
        return None
    return times if all(t >= 0 for t in times) else None


class AnalysisSettingsPanel(QWidget):
    """Confidence intervals, landmarks, RMST horizon and ties for the Cox model."""

    def __init__(self, session: SessionController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.conf_type = QComboBox()
        for key, label in CONF_TYPE_LABELS.items():
            self.conf_type.addItem(label, key)
        self.conf_type.setToolTip("How the confidence interval of a survival probability is "
                                  "computed. Log-log keeps it between 0 and 1 and is the usual "
                                  "choice in trial reports.")
        self.conf_level = QComboBox()
        for level in LEVELS:
            self.conf_level.addItem(f"{level * 100:g}%", level)
        self.conf_level.setToolTip("Confidence level of every interval of the survival curves "
                                   "and medians (hazard ratios are always 95%).")
        self.landmarks = QLineEdit()
        self.landmarks.setPlaceholderText("e.g. 12, 24, 36")
        self.landmarks.setToolTip("Times at which survival is reported with its confidence "
                                  "interval (e.g. 12, 24 and 36 months), separated by commas.")
        self.tau = QDoubleSpinBox(minimum=0.0, maximum=1e6, decimals=1)
        self.tau.setSpecialValueText("automatic")
        self.tau.setToolTip("Horizon of the restricted mean survival time (RMST): the mean "
                            "time without the event up to this time. Automatic: the shortest "
                            "of the groups' longest follow-up.")
        self.ties = QComboBox()
        self.ties.addItem("Efron (as R; recommended)", "efron")
        self.ties.addItem("Breslow (as older SAS and Stata)", "breslow")
        self.ties.setToolTip("How the Cox model treats patients with an event on the same "
                             "day. Efron is more accurate; Breslow matches older software.")
        self.problem = QLabel(objectName="problem", wordWrap=True)
        self.other = OtherAnalysesBox(session)
        inner = QWidget()
        form = QFormLayout(inner)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Confidence interval", self.conf_type)
        form.addRow("Confidence level", self.conf_level)
        form.addRow("Landmark times", self.landmarks)
        form.addRow("RMST up to", self.tau)
        form.addRow("Tied event times (Cox)", self.ties)
        form.addRow(self.other)
        form.addRow(self.problem)
        hint = QLabel("Each change re-runs the analysis at once; Edit \u203a Undo (Ctrl+Z) "
                      "takes it back.", objectName="note", wordWrap=True)
        scroll = QScrollArea(widgetResizable=True, frameShape=QFrame.Shape.NoFrame)
        scroll.setWidget(inner)  # the other analyses' rows outgrow a laptop's screen
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        outer.addWidget(hint)
        self.conf_type.activated.connect(lambda _: self._change(
            conf_type=self.conf_type.currentData()))
        self.conf_level.activated.connect(lambda _: self._change(
            conf_level=self.conf_level.currentData()))
        self.ties.activated.connect(lambda _: self._change(ties=self.ties.currentData()))
        self.landmarks.editingFinished.connect(self._on_landmarks_edited)
        self.tau.editingFinished.connect(lambda: self._change(
            tau=self.tau.value() or None))
        session.table_loaded.connect(self.refresh)
        session.spec_changed.connect(self.refresh)
        session.result_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        self.setEnabled(self.session.project is not None)
        result = self.session.result
        self.tau.setSpecialValueText(
            "automatic" if result is None else
            f"automatic ({fmt.number(result.tau, fmt.time_digits(result.cohort.time_unit))} "
            f"{result.cohort.time_unit})")
        if self.session.project is None:
            return
        spec = self.session.spec
        for widget in (self.conf_type, self.conf_level, self.ties, self.tau, self.landmarks):
            widget.blockSignals(True)
        self.conf_type.setCurrentIndex(max(0, self.conf_type.findData(spec.conf_type)))
        self.conf_level.setCurrentIndex(max(0, self.conf_level.findData(spec.conf_level)))
        self.ties.setCurrentIndex(max(0, self.ties.findData(spec.ties)))
        self.tau.setValue(spec.tau or 0.0)
        self.tau.setSuffix(f" {spec.time_unit}")
        self.landmarks.setText(", ".join(fmt.cell(t) for t in spec.landmarks))
        for widget in (self.conf_type, self.conf_level, self.ties, self.tau, self.landmarks):
            widget.blockSignals(False)
        self.problem.setText("")

    def _on_landmarks_edited(self) -> None:
        times = parse_times(self.landmarks.text())
        if times is None:
            self.problem.setText("Landmark times must be numbers of 0 or more, separated by "
                                 "commas, e.g. 12, 24, 36.")
            return
        self.problem.setText("")
        self._change(landmarks=times)

    def _change(self, **changes: object) -> None:
        if self.session.project is None:
            return
        spec = self.session.spec
        new = replace(spec, **changes)
        if new != spec:
            name = ", ".join(k.replace("_", " ") for k in changes)
            self.session.set_spec(new, f"Change {name}")


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
        if cause == spec.cause_value:
            return
        event = spec.endpoint.events[0]
        kinds = event_kinds(spec, cause_choices(spec, self.session.levels))
        if cause is None:
            values, text = kinds, "Back to an ordinary Kaplan\u2013Meier analysis"
            changes: dict[str, object] = {"cause_value": None, "competing_values": ()}
        else:
            values = (cause,)
            text = f"Competing risks: {event.column} = {cause} is the event of interest"
            changes = {"cause_value": cause,
                       "competing_values": tuple(k for k in kinds if k != cause)}
        endpoint = replace(spec.endpoint, events=(replace(event, values=values),))
        self._change(text, endpoint=endpoint, **changes)

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
        self.form.setRowVisible(self.values, spec.cause_value is not None)
        self.cause.blockSignals(True)
        self.cause.clear()
        self.cause.addItem(NO_CAUSE, None)
        for value in choices:
            self.cause.addItem(f"{column} = {value} is the event of interest", value)
        self.cause.setCurrentIndex(max(0, self.cause.findData(spec.cause_value)))
        self.cause.blockSignals(False)
        others = tuple(v for v in choices if v != spec.cause_value)
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


class FigureOptionsPanel(QWidget):
    """Title, axis labels, font size, axis range, what is drawn, group names and colours."""

    def __init__(self, session: SessionController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.title = _line("Figure title (optional)", "A title above the figure. Journals "
                           "usually put it in the legend text instead.")
        self.x_label = _line("Time (months)", "Label of the time axis; empty: from the unit.")
        self.y_label = _line("RFS probability", "Label of the survival axis; empty: from the "
                             "endpoint.")
        self.font_size = QDoubleSpinBox(minimum=5.0, maximum=16.0, decimals=1, singleStep=0.5,
                                        suffix=" pt")
        self.font_size.setToolTip("Font size at the figure's printed size (8 pt suits a "
                                  "one-column journal figure).")
        self.x_max = QDoubleSpinBox(minimum=0.0, maximum=1e6, decimals=1)
        self.x_max.setSpecialValueText("whole follow-up")
        self.x_max.setToolTip("Where the time axis ends. End it where few patients remain "
                              "at risk to avoid over-reading the tail of the curves.")
        self.scale = QComboBox()
        self.scale.addItem("Probability (0 to 1)", False)
        self.scale.addItem("Percent (0 to 100%)", True)
        self.scale.setToolTip("Show survival as a probability or as a percentage.")
        self.switches: dict[str, QCheckBox] = {}
        self.groups_box = QGroupBox("Groups")
        self.groups_grid = QGridLayout(self.groups_box)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Title", self.title)
        form.addRow("Time axis label", self.x_label)
        form.addRow("Survival axis label", self.y_label)
        form.addRow("Survival axis", self.scale)
        form.addRow("Time axis ends at", self.x_max)
        form.addRow("Font size", self.font_size)
        drawn = QGroupBox("Show")
        drawn_layout = QGridLayout(drawn)
        for i, (key, label, tip) in enumerate(SWITCHES):
            box = QCheckBox(label)
            box.setToolTip(tip)
            box.toggled.connect(lambda checked, k=key, t=label: self._change(
                f"{'Show' if checked else 'Hide'} {t.lower()}", **{k: checked}))
            self.switches[key] = box
            drawn_layout.addWidget(box, i // 2, i % 2)
        reset = QPushButton("Journal defaults")
        reset.setToolTip("Put every figure setting back to its default (survminer/KMunicate "
                         "style).")
        reset.clicked.connect(lambda: self.session.set_style(FigureStyle(), "Reset the figure"))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(drawn)
        layout.addWidget(self.groups_box)
        layout.addWidget(reset, alignment=Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        self.title.editingFinished.connect(lambda: self._change(
            "Change the title", title=self.title.text().strip()))
        self.x_label.editingFinished.connect(lambda: self._change(
            "Change the time axis label", x_label=self.x_label.text().strip()))
        self.y_label.editingFinished.connect(lambda: self._change(
            "Change the survival axis label", y_label=self.y_label.text().strip()))
        self.font_size.editingFinished.connect(lambda: self._change(
            "Change the font size", font_size=self.font_size.value()))
        self.x_max.editingFinished.connect(lambda: self._change(
            "Change the end of the time axis", x_max=self.x_max.value() or None))
        self.scale.activated.connect(lambda _: self._change(
            "Change the survival axis", percent=bool(self.scale.currentData())))
        session.style_changed.connect(self.refresh)
        session.result_changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        self.setEnabled(self.session.project is not None)
        if self.session.project is None:
            return
        style = self.session.style
        widgets = [self.title, self.x_label, self.y_label, self.font_size, self.x_max,
                   self.scale, *self.switches.values()]
        for w in widgets:
            w.blockSignals(True)
        self.title.setText(style.title)
        self.x_label.setText(style.x_label)
        self.y_label.setText(style.y_label)
        self.font_size.setValue(style.font_size)
        self.x_max.setValue(style.x_max or 0.0)
        self.x_max.setSuffix(f" {self.session.spec.time_unit}")
        self.scale.setCurrentIndex(1 if style.percent else 0)
        for key, box in self.switches.items():
            box.setChecked(bool(getattr(style, key)))
        for w in widgets:
            w.blockSignals(False)
        self._show_groups()

    def _show_groups(self) -> None:
        while self.groups_grid.count():
            item = self.groups_grid.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        result = self.session.result
        labels = result.cohort.group_labels if result is not None else ()
        style = self.session.style
        for i, label in enumerate(labels):
            name = QLineEdit(style.group_names.get(label, label))
            name.setToolTip(f"Name shown for the group \u201c{label}\u201d in the figure, the "
                            "tables and the results sentence.")
            name.editingFinished.connect(lambda lab=label, edit=name: self._rename(
                lab, edit.text()))
            colour = style.colours.get(label, PALETTE[i % len(PALETTE)])
            button = QPushButton()
            button.setFixedWidth(44)
            button.setStyleSheet(f"background: {colour}; border: 1px solid #777;")
            button.setToolTip(f"Colour of \u201c{label}\u201d. The default palette (Okabe-Ito) "
                              "is safe for colour-blind readers.")
            button.clicked.connect(lambda _=False, lab=label, c=colour: self._recolour(lab, c))
            self.groups_grid.addWidget(QLabel(label), i, 0)
            self.groups_grid.addWidget(name, i, 1)
            self.groups_grid.addWidget(button, i, 2)
        self.groups_box.setVisible(bool(labels))

    def _rename(self, label: str, text: str) -> None:
        names = dict(self.session.style.group_names)
        text = text.strip()
        if text and text != label:
            names[label] = text
        else:
            names.pop(label, None)
        self._change(f"Rename group {label}", group_names=names)

    def _recolour(self, label: str, current: str) -> None:
        chosen = QColorDialog.getColor(QColor(current), self, f"Colour of {label}")
        if chosen.isValid():
            colours = dict(self.session.style.colours)
            colours[label] = chosen.name()
            self._change(f"Change the colour of {label}", colours=colours)

    def _change(self, text: str, **changes: object) -> None:
        if self.session.project is None:
            return
        self.session.set_style(replace(self.session.style, **changes), text)


SWITCHES = (
    ("show_ci", "Confidence bands", "Shade the confidence interval around each curve."),
    ("show_censor_marks", "Censoring marks", "Tick marks where patients were censored."),
    ("show_risk_table", "Number at risk", "The table of patients at risk under the time axis."),
    ("kmunicate", "Events and censored rows", "Add cumulative events and censored rows to the "
     "risk table, as recommended by the KMunicate study (Morris et al., BMJ Open 2019)."),
    ("show_median_lines", "Median lines", "Dotted lines from 50% to each median survival."),
    ("show_landmark_lines", "Landmark lines", "Vertical lines at the landmark times."),
    ("show_annotation", "Log-rank p and HR", "Print the log-rank p-value and the hazard ratio "
     "in the plot."),
)


def _line(placeholder: str, tip: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    edit.setToolTip(tip)
    edit.setClearButtonEnabled(True)
    return edit
