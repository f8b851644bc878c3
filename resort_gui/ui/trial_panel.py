"""The trial's tables beyond the curve, as the report sets them: the flow of participants,
Table 1, secondary endpoints, subgroups (forest plot and table), the adjusted Cox model, the
proportional-hazards test (with its log-log plot), competing risks (with the cumulative
incidence curves) and adverse events. Every table copies as text for Word or Excel.

The content is the report's (``resort_gui.export.report``), so window and report never
disagree.
"""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from resort_gui.domain.results import AnalysisResult
from resort_gui.export.report import (
    Block,
    DiagramBlock,
    FigureBlock,
    Heading,
    Paragraph,
    Table,
    trial_blocks_after,
    trial_blocks_before,
)
from resort_gui.present.figure import build_cif_figure
from resort_gui.present.forest import build_forest
from resort_gui.present.summary import TextOptions, TextTable
from resort_gui.render.flow_painter import FlowDiagramWidget
from resort_gui.render.forest_plot import LINE_HEIGHT, ForestFigureWidget
from resort_gui.render.km_plot import SCREEN_PX_PER_PT, KMFigureWidget
from resort_gui.ui.controller import SessionController
from resort_gui.ui.curve_dialogs import open_loglog
from resort_gui.ui.results_panel import TableSection

FOREST_WIDTH_PX = 760
CIF_WIDTH_PX, CIF_HEIGHT_PX = 760, 520  # the plot and legend; the risk table adds rows
EMPTY = ("Table 1, adverse events, subgroups, secondary endpoints and the flow of "
         "participants appear here when the analysis asks for them (the demo trial does: "
         "File \u203a Open demo trial).")


class TrialPanel(QWidget):
    """Everything of the trial besides the primary curve, without typing code."""

    def __init__(self, session: SessionController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.sections: dict[str, TableSection] = {}
        self.forests: list[ForestFigureWidget] = []
        self.cif_figure: KMFigureWidget | None = None
        self.dialog: QDialog | None = None
        self.loglog_button = QPushButton("Log-log plot\u2026")
        self.loglog_button.setToolTip("Check that the hazards are proportional: parallel "
                                      "lines of log(\u2212log S) against log time.")
        self.loglog_button.clicked.connect(self._on_loglog_clicked)
        self.content = QVBoxLayout()
        self.content.setSpacing(8)
        buttons = QHBoxLayout()
        buttons.addWidget(self.loglog_button)
        buttons.addStretch(1)
        inner = QWidget(objectName="resultsContent")
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(14, 10, 14, 14)
        layout.addLayout(buttons)
        layout.addLayout(self.content)
        layout.addStretch(1)
        scroll = QScrollArea(widgetResizable=True, frameShape=QFrame.Shape.NoFrame)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self.stale = True
        session.result_changed.connect(self._on_session_changed)
        session.presentation_changed.connect(self._on_session_changed)
        session.style_changed.connect(self._on_session_changed)

    def _on_session_changed(self) -> None:
        """Rebuilt now when shown, else when next shown (building the tables and the forest
        plot takes a few hundred milliseconds, wasted while another tab is in front)."""
        self.stale = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self.stale:
            self.refresh()

    def refresh(self) -> None:
        self.stale = False
        while self.content.count():
            item = self.content.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        self.sections, self.forests = {}, []
        self.cif_figure: KMFigureWidget | None = None
        result = self.session.result
        self.loglog_button.setEnabled(result is not None and len(result.groups) > 1)
        if result is None:
            return
        options = self.session.text_options()
        blocks = [*trial_blocks_before(result, options), *trial_blocks_after(result, options)]
        if not blocks:
            self.content.addWidget(QLabel(EMPTY, objectName="placeholder", wordWrap=True))
        for block in blocks:
            widget = self._widget(block, result, options)
            if widget is not None:
                self.content.addWidget(widget)

    def _widget(self, block: Block, result: AnalysisResult,
                options: TextOptions) -> QWidget | None:
        if isinstance(block, Heading):
            return QLabel(block.text, objectName="heading", wordWrap=True)
        if isinstance(block, Paragraph):
            return QLabel(block.text, wordWrap=True)
        if isinstance(block, Table):
            section = TableSection(block.caption, "Copy puts this table on the clipboard as "
                                                  "text that Word and Excel paste as a table.")
            section.show_table(TextTable(block.caption, block.header, block.rows))
            self.sections[block.caption] = section
            return section
        if isinstance(block, DiagramBlock):
            return FlowDiagramWidget(block.diagram)
        if isinstance(block, FigureBlock) and block.key.startswith("forest:"):
            return self._forest(result, block.key.partition(":")[2], options)
        if isinstance(block, FigureBlock) and block.key == "cif":
            return self._cif_figure(result)
        if isinstance(block, FigureBlock):  # a secondary endpoint's Kaplan-Meier figure
            name = block.key.partition(":")[2]
            return QLabel(f"The {name} curves: choose {name} in the Endpoint list of the "
                          "toolbar.", objectName="note", wordWrap=True)
        return None

    def _forest(self, result: AnalysisResult, group: str,
                options: TextOptions) -> QWidget | None:
        model = build_forest(result, group, decimal=options.decimal)
        if model is None:
            return None
        widget = ForestFigureWidget()
        px = model.font_size * SCREEN_PX_PER_PT
        height = round((len(model.rows) + 5) * px * LINE_HEIGHT)
        widget.setFixedSize(FOREST_WIDTH_PX, height)
        widget.show_forest(model)
        widget.setToolTip("The forest plot as exported (forest.png, forest.pdf) and in the "
                          "report.")
        self.forests.append(widget)
        return widget

    def _cif_figure(self, result: AnalysisResult) -> QWidget:
        """The cumulative-incidence figure as exported (cif.png, cif.pdf) and in the report:
        the Kaplan-Meier figure's widget drawing ``build_cif_figure``."""
        model = build_cif_figure(result, self.session.style)
        widget = KMFigureWidget(on_screen=True)
        widget.setFixedSize(CIF_WIDTH_PX, CIF_HEIGHT_PX + round(
            sum(len(b.rows) + 1 for b in model.risk_blocks) * model.font_size
            * SCREEN_PX_PER_PT * 1.6))
        widget.show_figure(model)
        widget.setToolTip("The cumulative incidence figure as exported (cif.png, cif.svg, "
                          "cif.pdf) and in the report.")
        self.cif_figure = widget
        return widget

    def _on_loglog_clicked(self) -> None:
        if self.session.result is not None:
            self.dialog = open_loglog(self, self.session.result, self.session.text_options())
