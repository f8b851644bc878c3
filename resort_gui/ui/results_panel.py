"""The numbers a manuscript quotes: per-group table, tests and hazard ratios, follow-up, a
results sentence ready to paste, and the points to check before quoting them.

Every number comes from the session's ``AnalysisResult`` through ``resort_gui.present.summary`` and
``resort_gui.domain.format``; nothing is computed here. Tables copy as tab-separated text, which
Word and Excel paste as tables.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from resort_gui.analysis.guardrails import CHECKED_ISSUES, PH_ISSUE, Guardrail
from resort_gui.domain import format as fmt
from resort_gui.io.subgroups import describe
from resort_gui.present.summary import (
    TextTable,
    comparison_table,
    differences_table,
    endpoint_name,
    followup_table,
    group_table,
    pairwise_table,
    results_sentence,
)
from resort_gui.ui.controller import SessionController
from resort_gui.ui.curve_dialogs import open_loglog
from resort_gui.ui.wrap_layout import WrapLayout

CELL_PADDING_PX = 16  # a cell's margins around its text
FIRST_COLUMN_MIN_PX = 160  # a first column with a longer word wraps it rather than widen


class TextTableWidget(QTableWidget):
    """A read-only table showing a ``TextTable``, as tall as its rows (no inner scrolling)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table: TextTable | None = None
        self._first_column_stretches = False
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.verticalHeader().hide()
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def show_table(self, table: TextTable, first_column_stretches: bool = False) -> None:
        self.table = table
        self.clear()
        self.setColumnCount(len(table.header))
        self.setRowCount(len(table.rows))
        self.setHorizontalHeaderLabels(list(table.header))
        for r, row in enumerate(table.rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                align = Qt.AlignmentFlag.AlignLeft if c == 0 else Qt.AlignmentFlag.AlignCenter
                item.setTextAlignment(align | Qt.AlignmentFlag.AlignVCenter)
                self.setItem(r, c, item)
        header = self.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setMinimumSectionSize(1)
        self._first_column_stretches = first_column_stretches
        self.updateGeometry()
        self._fit_columns()

    def _natural_widths(self) -> list[int]:
        """Each column's width on one line: its widest cell or heading."""
        header = self.horizontalHeader()
        return [max(self.sizeHintForColumn(c), header.sectionSizeHint(c))
                for c in range(self.columnCount())]

    def _minimum_widths(self) -> list[int]:
        """Each column wrapped down to its widest word (heading included), never further:
        no label or number is cut mid-word; the first column's labels wrap further when a
        word is longer than ``FIRST_COLUMN_MIN_PX``."""
        if self.table is None:
            return []
        metrics = self.fontMetrics()
        header_metrics = self.horizontalHeader().fontMetrics()
        minimum = []
        for c, heading in enumerate(self.table.header):
            words = [(metrics, w) for row in self.table.rows for w in row[c].split()]
            words += [(header_metrics, w) for w in heading.split()]
            widest = max((m.horizontalAdvance(w) for m, w in words), default=0)
            minimum.append(widest + CELL_PADDING_PX)
        if minimum:
            minimum[0] = min(minimum[0], FIRST_COLUMN_MIN_PX)
        return minimum

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        """Wide enough for every column wrapped to its widest word: narrower, the table
        would scroll sideways."""
        hint = super().minimumSizeHint()
        minimum = self._minimum_widths()
        if not minimum:
            return hint
        return QSize(sum(minimum) + 2 * self.frameWidth(), hint.height())

    def _fit_columns(self) -> None:
        """Share the width: with room to spare, the first column (or, for a table of
        numbers, the others) takes the rest; without, the first column wraps, then the
        others alike, each down to its widest word."""
        widths = self._natural_widths()
        if not widths:
            return
        spare = self.viewport().width() - sum(widths)
        if spare < 0:
            widths = _shrink(widths, self._minimum_widths(), -spare)
        elif self._first_column_stretches or len(widths) == 1:
            widths[0] += spare
        else:
            share, rest = divmod(spare, len(widths) - 1)
            widths[1:] = [w + share + (i < rest) for i, w in enumerate(widths[1:])]
        header = self.horizontalHeader()
        for c, width in enumerate(widths):
            header.resizeSection(c, width)
        self.resizeRowsToContents()
        self._fit_height()

    def resizeEvent(self, event: object) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._fit_columns()

    def _fit_height(self) -> None:
        height = self.horizontalHeader().height() + 2 * self.frameWidth()
        height += sum(self.rowHeight(r) for r in range(self.rowCount()))
        if self.horizontalScrollBar().isVisible():
            height += self.horizontalScrollBar().height()
        self.setFixedHeight(height + 2)


def _shrink(widths: list[int], minimum: list[int], deficit: int) -> list[int]:
    """``widths`` made ``deficit`` narrower in all, the first column first, then the others
    in proportion to what each can give, none below its ``minimum``."""
    widths = list(widths)
    cut = min(deficit, max(0, widths[0] - minimum[0]))
    widths[0] -= cut
    deficit -= cut
    slack = [max(0, w - m) for w, m in zip(widths[1:], minimum[1:], strict=True)]
    if deficit > 0 and sum(slack):
        share = min(1.0, deficit / sum(slack))
        widths[1:] = [w - int(round(s * share)) for w, s in zip(widths[1:], slack, strict=True)]
    return widths


class TableSection(QWidget):
    """A titled table with its "Copy" button and its footnote."""

    def __init__(self, title: str, tip: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = TextTableWidget()
        self.table.setToolTip(tip)
        self.note = QLabel(objectName="note", wordWrap=True)
        copy = _button("Copy", "Copy this table as text for Word or Excel (paste it as a "
                       "table).", lambda: _copy(self.table.table.tsv() if self.table.table
                                                else ""))
        top = QHBoxLayout()
        top.addWidget(QLabel(title, objectName="section"))
        top.addStretch(1)
        top.addWidget(copy)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.table)
        layout.addWidget(self.note)

    def show_table(self, table: TextTable) -> None:
        self.table.show_table(table, first_column_stretches=True)
        self.note.setText(table.note)
        self.note.setVisible(bool(table.note))


class ResultsPanel(QWidget):
    """The results of the session's analysis, ready to copy into a manuscript."""

    def __init__(self, session: SessionController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.dialog: QWidget | None = None  # the log-log plot, once opened
        self.heading = QLabel(objectName="heading", wordWrap=True)
        self.subheading = QLabel(objectName="subheading", wordWrap=True)
        self.sentence = QLabel(objectName="sentence", wordWrap=True)
        self.sentence.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.sentence.setToolTip("The main results written as in a published abstract. "
                                 "Copy it and paste it into your manuscript.")
        self.copy_sentence = _button("Copy sentence", "Copy the results sentence.",
                                     self._on_copy_sentence)
        self.decimal_comma = QCheckBox("Decimal comma (0,95)")
        self.decimal_comma.setToolTip("Write numbers with a decimal comma, as many European "
                                      "journals do.")
        self.decimal_comma.toggled.connect(self._on_decimal_toggled)
        self.quote_stratified = QCheckBox("Quote the stratified analysis")
        self.quote_stratified.setToolTip(
            "When strata are set (the randomisation's stratification factors), quote the "
            "stratified log-rank test and the stratified hazard ratio, the usual primary "
            "analysis of a stratified trial.")
        self.quote_stratified.toggled.connect(self._on_quote_stratified_toggled)
        self.groups = TableSection(
            "Survival by group", "Per group: patients, events, median and landmark survival "
            "with confidence intervals, restricted mean survival time.")
        self.comparison = TableSection(
            "Comparison of groups", "Log-rank tests and Cox hazard ratios against the "
            "reference group.")
        self.differences = TableSection(
            "Differences from the reference", "Survival at each landmark and restricted "
            "mean survival time, each group minus the reference, with confidence intervals: "
            "they hold whether or not the hazards are proportional.")
        self.pairwise = TableSection(
            "Pairs of groups", "With three or more groups: the log-rank test of each pair, "
            "adjusted for the number of pairs, and the test for trend.")
        self.followup = TableSection(
            "Follow-up", "Median follow-up by the reverse Kaplan-Meier method (censoring "
            "treated as the event).")
        self.checks = QVBoxLayout()
        self.checks.setSpacing(6)
        self.min_at_risk = QSpinBox(minimum=1, maximum=1000)
        self.min_at_risk.setToolTip("Below this many patients at risk, the end of a curve is "
                                    "considered unreliable (checked under \u201cPoints to "
                                    "check\u201d).")
        self.min_at_risk.editingFinished.connect(self._on_min_at_risk_changed)
        self.notes = QLabel(objectName="notes", wordWrap=True)
        self._build()
        session.result_changed.connect(self.refresh)
        session.presentation_changed.connect(self.refresh)
        session.style_changed.connect(self.refresh)
        self.refresh()

    def _build(self) -> None:
        content = QWidget(objectName="resultsContent")
        layout = QVBoxLayout(content)
        layout.setContentsMargins(14, 10, 14, 14)
        layout.setSpacing(8)
        layout.addWidget(self.heading)
        layout.addWidget(self.subheading)
        sentence_box = QFrame(objectName="sentenceBox")
        box = QVBoxLayout(sentence_box)
        box.addWidget(self.sentence)
        row = WrapLayout()  # on two lines when the side panel is narrow
        for widget in (self.decimal_comma, self.quote_stratified, self.copy_sentence):
            row.addWidget(widget)
        box.addLayout(row)
        layout.addWidget(sentence_box)
        for section in (self.groups, self.comparison, self.differences, self.pairwise,
                        self.followup):
            layout.addWidget(section)
        checks_title = QHBoxLayout()
        checks_title.addWidget(QLabel("Points to check", objectName="section"))
        checks_title.addStretch(1)
        checks_title.addWidget(QLabel("fewest at risk worth drawing"))
        checks_title.addWidget(self.min_at_risk)
        layout.addLayout(checks_title)
        layout.addLayout(self.checks)
        layout.addWidget(self.notes)
        layout.addStretch(1)
        scroll = QScrollArea(widgetResizable=True, frameShape=QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        self.scroll = scroll
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def needed_width(self) -> int:
        """The width at which the panel shows its tables and buttons without scrolling
        sideways (its content's minimum, the vertical scroll bar and a margin)."""
        scroll_bar = self.scroll.verticalScrollBar().sizeHint().width()
        return self.scroll.widget().minimumSizeHint().width() + scroll_bar + 8

    # -- showing ---------------------------------------------------------------------------
    def refresh(self) -> None:
        result = self.session.result
        self.setEnabled(result is not None)
        if result is None:
            self.heading.setText("Results")
            self.subheading.setText("The results appear here once the data and roles are "
                                    "complete.")
            self.sentence.setText("")
            for table in (self.groups, self.comparison, self.followup):
                table.show_table(TextTable("", ("",), ()))
            self._show_checks(())
            self.notes.setText("")
            return
        options = self.session.text_options()
        presentation = self.session.project.presentation
        for box, value in ((self.decimal_comma, options.decimal == ","),
                           (self.quote_stratified, presentation.quote_stratified)):
            box.blockSignals(True)
            box.setChecked(value)
            box.blockSignals(False)
        self.quote_stratified.setEnabled(bool(result.spec.strata))
        self.min_at_risk.setValue(presentation.min_at_risk)
        names = [options.name(g.label) for g in result.groups]
        self.heading.setText(f"{endpoint_name(result)[:1].upper()}{endpoint_name(result)[1:]}"
                             + (f": {' vs '.join(names)}" if len(names) > 1 else ""))
        checks = self.session.guardrails
        flag = (f" <span style='color:#a35a00'>\u26a0 {len(checks)} point"
                f"{'s' if len(checks) > 1 else ''} to check below.</span>" if checks else "")
        self.subheading.setText(_escape(self._subheading(result)) + flag)
        self.sentence.setText(results_sentence(result, options))
        self.groups.show_table(group_table(result, options))
        self.comparison.show_table(comparison_table(result, options))
        for section, table in ((self.differences, differences_table(result, options)),
                               (self.pairwise, pairwise_table(result, options))):
            section.setVisible(bool(table.rows))
            section.show_table(table)
        self.followup.show_table(followup_table(result, options))
        self._show_checks(self.session.guardrails)
        notes = [i.message for i in result.issues
                 if i.code not in CHECKED_ISSUES]
        self.notes.setText("<b>Notes</b><br>" + "<br>".join(_escape(n) for n in notes)
                           if notes else "")

    def _subheading(self, result: object) -> str:
        cohort = result.cohort  # type: ignore[attr-defined]
        events = int(cohort.event.sum())
        excluded = len(cohort.excluded)
        d = self.session.text_options().decimal
        f = result.followup  # type: ignore[attr-defined]
        text = f"{cohort.n} patients analysed, {events} events"
        if excluded:
            text += f"; {excluded} rows excluded"
        if f.reached:
            digits = fmt.time_digits(cohort.time_unit)
            text += (f"; median follow-up {fmt.time_value(f.median, digits, d)} "
                     f"{cohort.time_unit}")
        where = result.spec.where  # type: ignore[attr-defined]
        if where:
            text += f". Subgroup: {describe(where)}"
        return text + "."

    def _show_checks(self, checks: tuple[Guardrail, ...]) -> None:
        while self.checks.count():
            item = self.checks.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        if not checks and self.session.result is not None:
            self.checks.addWidget(QLabel("Nothing to flag on these data.", objectName="ok"))
        for check in checks:
            self.checks.addWidget(self._check_box(check))

    def _check_box(self, check: Guardrail) -> QFrame:
        box = QFrame(objectName="warning" if check.severity == "warning" else "info")
        layout = QVBoxLayout(box)
        layout.setContentsMargins(10, 6, 10, 6)
        title = QLabel(f"<b>{_escape(check.title)}</b>", wordWrap=True)
        text = QLabel(check.message, wordWrap=True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(title)
        layout.addWidget(text)
        if check.code == PH_ISSUE:
            layout.addLayout(_left(_button(
                "Show the log-log plot", "Parallel lines mean proportional hazards.",
                self._on_loglog_clicked)))
        if check.cut_at is not None:
            d = self.session.text_options().decimal
            unit = self.session.result.cohort.time_unit if self.session.result else ""
            cut = check.cut_at
            button = _button(f"End the plot at {fmt.number(cut, 1, d)} {unit}",
                             "Shorten the time axis of the figure (the numbers do not change).",
                             lambda: self._on_cut_clicked(cut))
            row = QHBoxLayout()
            row.addWidget(button)
            row.addStretch(1)
            layout.addLayout(row)
        return box

    # -- user actions ----------------------------------------------------------------------
    def copy_all_text(self) -> str:
        """The sentence and every table, as pasted into a document."""
        parts = [self.sentence.text()]
        for table in (self.groups.table.table, self.comparison.table.table,
                      self.followup.table.table):
            if table is not None and table.rows:
                parts.append(f"{table.title}\n{table.tsv()}")
        return "\n".join(parts)

    def _on_copy_sentence(self) -> None:
        _copy(self.sentence.text())

    def _on_decimal_toggled(self, checked: bool) -> None:
        p = self.session.project.presentation
        self.session.set_presentation(replace(p, decimal="," if checked else "."),
                                      "Use decimal comma" if checked else "Use decimal point")

    def _on_quote_stratified_toggled(self, checked: bool) -> None:
        p = self.session.project.presentation
        self.session.set_presentation(replace(p, quote_stratified=checked),
                                      "Quote stratified analysis" if checked
                                      else "Quote unstratified analysis")

    def _on_min_at_risk_changed(self) -> None:
        if self.session.project is None:
            return
        p = self.session.project.presentation
        if self.min_at_risk.value() != p.min_at_risk:
            self.session.set_presentation(replace(p, min_at_risk=self.min_at_risk.value()),
                                          "Change fewest patients at risk")

    def _on_loglog_clicked(self) -> None:
        if self.session.result is not None:
            self.dialog = open_loglog(self, self.session.result, self.session.text_options())

    def _on_cut_clicked(self, cut: float) -> None:
        self.session.set_style(replace(self.session.style, x_max=cut),
                               "End the plot where few remain at risk")


def _left(widget: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(widget)
    row.addStretch(1)
    return row


def _button(text: str, tip: str, slot: object) -> QPushButton:
    button = QPushButton(text)
    button.setToolTip(tip)
    button.clicked.connect(slot)
    return button


def _copy(text: str) -> None:
    QGuiApplication.clipboard().setText(text)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
