"""The conventions panel: the analysis's own numbers under each convention that makes R,
SAS, SPSS, Prism and Stata disagree, so a user can find a colleague's number and say why
it differs.

The rows come from ``AnalysisResult.conventions`` (``resort_gui.analysis.conventions``, computed
with the analysis off the GUI thread); numbers are written by ``resort_gui.domain.format``.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFont, QFontMetrics, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from resort_gui.analysis.conventions import (
    SOFTWARE,
    TOPIC_AT_RISK,
    TOPIC_CI,
    TOPIC_HR,
    ConventionRow,
    defaults_of,
)
from resort_gui.domain import format as fmt

CELL_PADDING_PX = 16  # a cell's margins around its text
HEADER = ("Topic", "Convention", "Quantity", "Result", "p", "Default in")
# the topic and the quantity head blocks of rows instead of filling columns, so that the
# numbers stand beside the convention in a narrow side panel
SHOWN = ("Convention", "Result", "p", "Default in")
SHRINK_ORDER = (0, 3, 1, 2)  # the columns that wrap in a narrow panel, first to last
ALL = "every convention"
INTRO = ("The same data give different numbers in different programs because each program "
         "has its own defaults. Each row below is these data under one convention; pick a "
         "program to see what its output shows by default. A tick marks the convention of "
         "the results in this window.")


def row_cells(row: ConventionRow, decimal: str = ".", level: float = 0.95) -> tuple[str, ...]:
    """The cells of one row as the table shows them."""
    convention = ("\u2713 " if row.used else "") + row.convention
    p = fmt.p_value(row.p_value, decimal) if row.p_value == row.p_value else ""
    return (row.topic, convention, row.quantity, _result_text(row, decimal, level), p,
            ", ".join(row.default_in) or "\u2014")


def _result_text(row: ConventionRow, decimal: str, level: float) -> str:
    if row.topic == TOPIC_CI and row.quantity.startswith("S("):
        return fmt.survival_text(row.estimate, row.ci_lower, row.ci_upper, 1, decimal, level)
    if row.topic == TOPIC_CI:
        return fmt.median_text(row.estimate, row.ci_lower, row.ci_upper, 1, decimal, level)
    if row.topic == TOPIC_HR:
        return fmt.ratio_text(row.estimate, row.ci_lower, row.ci_upper, 3, decimal, level)
    if row.topic == TOPIC_AT_RISK:
        return fmt.number(row.estimate, 0, decimal)
    return "\u03c7\u00b2 = " + fmt.number(row.estimate, 2, decimal)


class ConventionsPanel(QWidget):
    """One table of results under each convention, filtered by program on request."""

    def __init__(self, session: QObject, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.rows: tuple[ConventionRow, ...] = ()
        self.row_at: list[ConventionRow | None] = []  # per table row; None for a heading
        self.software = QComboBox()
        self.software.addItems([ALL, *SOFTWARE])
        self.software.setToolTip("Show only what this program prints unless told otherwise.")
        self.software.currentTextChanged.connect(self.refresh)
        self.table = QTableWidget(0, len(SHOWN))
        self.how = QLabel(objectName="note", wordWrap=True)
        self.how.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._build()
        session.result_changed.connect(self.refresh)  # type: ignore[attr-defined]
        session.presentation_changed.connect(self.refresh)  # type: ignore[attr-defined]
        self.refresh()

    def _build(self) -> None:
        self.table.setHorizontalHeaderLabels(list(SHOWN))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.setWordWrap(True)  # "Default in" wraps: the panel never scrolls sideways
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setMinimumSectionSize(1)  # the widths below keep every heading whole
        self.table.viewport().installEventFilter(self)  # its resizes re-wrap the rows
        self.table.currentCellChanged.connect(self._on_table_current_changed)
        copy = QPushButton("Copy")
        copy.setToolTip("Copy the rows shown as text for Word or Excel (paste as a table).")
        copy.clicked.connect(self._on_copy_clicked)
        top = QHBoxLayout()
        top.addWidget(QLabel("Show the defaults of"))
        top.addWidget(self.software)
        top.addStretch(1)
        top.addWidget(copy)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 14)
        layout.addWidget(QLabel("Why programs give different numbers", objectName="heading",
                                wordWrap=True))
        layout.addWidget(QLabel(INTRO, objectName="subheading", wordWrap=True))
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.how)

    def refresh(self) -> None:
        result = getattr(self.session, "result", None)
        self.setEnabled(result is not None)
        rows = () if result is None else tuple(result.conventions)
        choice = self.software.currentText()
        self.rows = rows if choice == ALL else defaults_of(rows, choice)
        decimal, level = self._decimal(), result.spec.conf_level if result is not None else 0.95
        headings: dict[int, tuple[str, bool]] = {}  # table row: (text, is a topic)
        self.row_at = []
        previous: ConventionRow | None = None
        for row in self.rows:
            if previous is None or previous.topic != row.topic:
                headings[len(self.row_at)] = (row.topic, True)
                self.row_at.append(None)
            if previous is None or (previous.topic, previous.quantity) != (row.topic,
                                                                           row.quantity):
                headings[len(self.row_at)] = (row.quantity, False)
                self.row_at.append(None)
            self.row_at.append(row)
            previous = row
        self.table.clearSpans()
        self.table.setRowCount(len(self.row_at))
        for r, row in enumerate(self.row_at):
            if row is None:
                self._set_heading_row(r, *headings[r])
                continue
            _topic, convention, _quantity, *numbers = row_cells(row, decimal, level)
            for c, text in enumerate((convention, *numbers)):
                self.table.setItem(r, c, _item(text, row.how, bold=row.used))
        self.how.setText("Select a row to see how each program names or asks for it."
                         if self.rows else "The table appears once the analysis has run.")
        # never narrower than every column wrapped to its widest word (the side keeps it)
        self.table.setMinimumWidth(sum(self._widest_words()) + 2 * self.table.frameWidth()
                                   + self.table.verticalScrollBar().sizeHint().width())
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Every column as wide as its widest cell (headings span the row and are left
        out), "Default in" taking the room to spare; without room, the convention, then
        "Default in", the result and p wrap, each down to its widest word, so that the table
        never scrolls sideways. Rows as tall as their wrapped text."""
        widths, words = self._widest_cells(), self._widest_words()
        deficit = sum(widths) - self.table.viewport().width()
        for c in SHRINK_ORDER:
            cut = max(0, min(deficit, widths[c] - words[c]))
            widths[c] -= cut
            deficit -= cut
        widths[-1] += max(0, -deficit)  # "Default in" takes the room to spare
        header = self.table.horizontalHeader()
        for c, width in enumerate(widths):
            header.resizeSection(c, width)
        self.table.resizeRowsToContents()

    def _widest_cells(self) -> list[int]:
        """Per column, the widest text of its heading and of the rows that are not
        headings, with the padding."""
        return [max([self._header_width(c), *(QFontMetrics(item.font()).horizontalAdvance(
                     item.text()) + CELL_PADDING_PX for item in self._column_items(c))])
                for c in range(len(SHOWN))]

    def _widest_words(self) -> list[int]:
        return [max([self._header_width(c), *(QFontMetrics(item.font()).horizontalAdvance(
                     word) + CELL_PADDING_PX for item in self._column_items(c)
                     for word in item.text().split())])
                for c in range(len(SHOWN))]

    def _header_width(self, column: int) -> int:
        metrics = QFontMetrics(self.table.horizontalHeader().font())
        return metrics.horizontalAdvance(SHOWN[column]) + 2 * CELL_PADDING_PX

    def _column_items(self, column: int) -> list[QTableWidgetItem]:
        items = (self.table.item(r, column) for r, row in enumerate(self.row_at)
                 if row is not None)
        return [item for item in items if item is not None]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_columns()
        return False

    def _set_heading_row(self, r: int, text: str, topic: bool) -> None:
        """A topic (bold, shaded) or the quantity its rows estimate (italic)."""
        self.table.setSpan(r, 0, 1, len(SHOWN))
        item = _item(text, "", bold=topic)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        if topic:
            item.setBackground(self.palette().midlight())
        else:
            font = QFont(item.font())
            font.setItalic(True)
            item.setFont(font)
        self.table.setItem(r, 0, item)

    def shown_text(self) -> str:
        """The rows shown, tab-separated with a header, as pasted into a document."""
        return fmt.tab_separated([HEADER, *(row_cells(r, self._decimal()) for r in self.rows)])

    def _decimal(self) -> str:
        """The decimal mark the user chose (there are no options before a project opens)."""
        if getattr(self.session, "result", None) is None:
            return "."
        return self.session.text_options().decimal  # type: ignore[attr-defined]

    def _on_copy_clicked(self) -> None:
        QGuiApplication.clipboard().setText(self.shown_text())

    def _on_table_current_changed(self, r: int, *_: int) -> None:
        row = self.row_at[r] if 0 <= r < len(self.row_at) else None
        if row is not None:
            self.how.setText(f"<b>{row.convention}</b>: {row.how}")


def _item(text: str, tip: str, *, bold: bool) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setToolTip(tip)
    if bold:
        font = QFont(item.font())
        font.setBold(True)
        item.setFont(font)
    return item
