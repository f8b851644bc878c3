"""Settings that change the numbers (confidence intervals, landmarks, RMST horizon, ties) and
settings that change only the figure's look. Each change is an undoable step; the analysis
re-runs at once (off the GUI thread)."""

from __future__ import annotations

from dataclasses import replace

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
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from resort_gui.domain import format as fmt
from resort_gui.present.figure import PALETTE, FigureStyle
from resort_gui.ui.controller import SessionController
from resort_gui.ui.other_analyses import OtherAnalysesBox

CONF_TYPE_LABELS = {
    "log-log": "log-log (as SAS and Stata; recommended)",
    "log": "log (R's default)",
    "plain": "plain (linear; can go below 0 or above 1)",
}
LEVELS = (0.90, 0.95, 0.99)


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
