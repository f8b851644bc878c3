"""The Kaplan-Meier figure as the journal prints it, with a read-out of S(t) under the mouse.

The widget is ``KMFigureWidget`` drawing ``figure.build_figure(result, style)``: the very
figure that is exported. The read-out (a line under the mouse and a text under the figure)
lives only on screen.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, Qt, QTimer
from PySide6.QtWidgets import QFrame, QLabel, QStackedLayout, QVBoxLayout, QWidget

from resort_gui.domain import format as fmt
from resort_gui.present.figure import FigureModel, build_figure, readout_at
from resort_gui.render.km_plot import SCREEN_PX_PER_PT, KMFigureWidget
from resort_gui.ui.controller import SessionController

FULL_WIDTH_PX = 175 / 25.4 * 96  # a full-width journal figure at the screen's 96 dpi
HINT = "Move the mouse over the curves to read the survival and the number at risk."


class PlotPanel(QWidget):
    """The figure, or a plain message saying what is missing for it."""

    def __init__(self, session: SessionController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.model: FigureModel | None = None
        self.figure = KMFigureWidget(on_screen=True)
        self.figure.setToolTip("The Kaplan-Meier figure exactly as it will be exported "
                               "(File \u203a Export).")
        self.figure.scene().sigMouseMoved.connect(self._on_figure_mouse_moved)
        self.cursor: pg.InfiniteLine | None = None
        self._drawn_width = 0
        self._relayout_timer = QTimer(self, singleShot=True, interval=150)
        self._relayout_timer.timeout.connect(self._draw)
        self.figure.installEventFilter(self)
        self.message = QLabel(alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
        self.message.setObjectName("placeholder")
        self.message.setMargin(40)
        self.readout = QLabel(HINT, wordWrap=True)
        self.readout.setObjectName("readout")
        self.readout.setTextFormat(Qt.TextFormat.RichText)
        self.readout.setMinimumHeight(self.readout.fontMetrics().height() * 2 + 8)
        self.readout.setToolTip("Kaplan-Meier survival at the time under the mouse, with its "
                                "confidence interval and the patients still at risk then.")

        frame = QFrame(objectName="figureFrame")
        frame_layout = QVBoxLayout(frame)
        frame_layout.setContentsMargins(12, 12, 12, 6)
        frame_layout.addWidget(self.figure, 1)
        frame_layout.addWidget(self.readout)
        self.stack = QStackedLayout()
        self.stack.addWidget(self.message)
        self.stack.addWidget(frame)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.stack)
        session.result_changed.connect(self.refresh)
        session.style_changed.connect(self.refresh)
        session.presentation_changed.connect(self.refresh)  # the decimal mark
        session.table_loaded.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        result = self.session.result
        if result is None:
            self.model = None
            self.stack.setCurrentIndex(0)
            self.message.setText(self._why_no_figure())
            return
        self.model = build_figure(result, self.session.style)
        self.stack.setCurrentIndex(1)
        self._draw()

    def _draw(self) -> None:
        """Lay the figure out at the widget's current size."""
        if self.model is None:
            return
        # the figure's proportions as exported at full journal width (175 mm), drawn larger
        self.figure.px_per_pt = SCREEN_PX_PER_PT * min(1.6, max(
            1.0, self.figure.width() / FULL_WIDTH_PX))
        self.figure.show_figure(self.model)
        # rebuilding the layout of a shown view shrinks it to its content: fill the view again
        self.figure.setRange(self.figure.range, padding=0, disableAutoPixel=False)
        self._drawn_width = self.figure.width()
        self._add_cursor()
        self.readout.setText(HINT)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """Lay the figure out again when its width changed (the legend's columns and the
        tick labels depend on it)."""
        if watched is self.figure and event.type() == QEvent.Type.Resize \
                and abs(self.figure.width() - self._drawn_width) > 2:
            self._relayout_timer.start()
        return False

    def _why_no_figure(self) -> str:
        if self.session.raw is None:
            return "Open a spreadsheet to see the Kaplan-Meier curves."
        if self.session.problems:
            items = "".join(f"<li>{_escape(p)}</li>" for p in self.session.problems)
            return ("<p><b>The curves appear as soon as these are settled.</b></p>"
                    f"<ul>{items}</ul><p>Columns and events are set on the \u201cData and "
                    "roles\u201d tab; the other analyses' sheets and columns under Analysis "
                    "settings.</p>")
        return "Analysing\u2026"

    def _add_cursor(self) -> None:
        plot = self.figure.km_plot
        if plot is None or (self.cursor is not None and self.cursor in plot.items):
            return  # the figure kept its plot (and the cursor in it)
        self.cursor = pg.InfiniteLine(angle=90, pen=pg.mkPen("#6b6b6b", width=1,
                                                             style=Qt.PenStyle.DashLine))
        self.cursor.setVisible(False)
        plot.addItem(self.cursor, ignoreBounds=True)

    def _on_figure_mouse_moved(self, position: QPointF) -> None:
        plot, model = self.figure.km_plot, self.model
        result = self.session.result
        if plot is None or model is None or result is None or self.cursor is None:
            return
        inside = plot.vb.sceneBoundingRect().contains(position)
        t = float(plot.vb.mapSceneToView(position).x())
        if not inside or t < 0 or t > model.x_max:
            self.cursor.setVisible(False)
            self.readout.setText(HINT)
            return
        self.cursor.setPos(t)
        self.cursor.setVisible(True)
        self.readout.setText(self.readout_text(t))

    def readout_text(self, t: float) -> str:
        """What the read-out says at time ``t`` (rich text), from the result's curves."""
        result = self.session.result
        assert result is not None
        options = self.session.text_options()
        unit = result.cohort.time_unit
        level = result.spec.conf_level
        parts = []
        for r in readout_at(result, t, self.session.style):
            survival = fmt.survival_text(r.survival, r.ci_lower, r.ci_upper, 1, options.decimal,
                                         level)
            parts.append(f"<span style='color:{r.colour}'>\u25a0</span> <b>{_escape(r.label)}"
                         f"</b> {survival}, {r.n_risk} at risk")
        if not parts:
            return f"At {fmt.number(t, 1, options.decimal)} {unit}: beyond the follow-up."
        return (f"At <b>{fmt.number(t, 1, options.decimal)} {unit}</b>: "
                + " &nbsp;\u00b7&nbsp; ".join(parts))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

