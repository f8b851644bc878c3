"""Draws a ``FlowDiagram`` (``resort_gui.present.flow_diagram``) with QPainter: for the PDF
report and on screen (``FlowDiagramWidget``), as the HTML report's SVG draws it."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from resort_gui.present.flow_diagram import MM_PER_PT, PAD_MM, FlowDiagram
from resort_gui.render.qt_app import figure_font

MM_PER_INCH = 25.4
MARGIN_MM = 1.0


def draw_flow(painter: QPainter, diagram: FlowDiagram, px_per_mm: float) -> None:
    """Boxes, their lines of text (the first bold), arrows with filled heads; (0, 0) is the
    diagram's top left."""
    painter.save()
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor("#000000"), 0.3 * px_per_mm))
        font_px = diagram.font_pt * MM_PER_PT * px_per_mm
        line = diagram.line_mm
        for box in diagram.boxes:
            painter.setBrush(QColor("#ffffff"))
            painter.drawRect(QRectF(box.x * px_per_mm, box.y * px_per_mm,
                                    box.width * px_per_mm, box.height * px_per_mm))
            for i, text in enumerate(box.lines):
                painter.setFont(figure_font(font_px, bold=i < box.title_lines))
                baseline = box.y + PAD_MM + i * line + line * 0.75
                painter.drawText(QPointF((box.x + PAD_MM) * px_per_mm, baseline * px_per_mm),
                                 text)
        painter.setBrush(QColor("#000000"))
        for arrow in diagram.arrows:
            painter.drawLine(QPointF(arrow.x1 * px_per_mm, arrow.y1 * px_per_mm),
                             QPointF(arrow.x2 * px_per_mm, arrow.y2 * px_per_mm))
            if arrow.head:
                painter.drawPolygon(QPolygonF([QPointF(x * px_per_mm, y * px_per_mm)
                                               for x, y in arrow.head_points(1.6)]))
    finally:
        painter.restore()


class FlowDiagramWidget(QWidget):
    """The flow diagram on screen, at its printed size."""

    def __init__(self, diagram: FlowDiagram, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.diagram = diagram
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setFixedSize(self.sizeHint())
        self.setToolTip("Flow of participants, as in the report.")

    def _px_per_mm(self) -> float:
        return self.logicalDpiX() / MM_PER_INCH

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        px = self._px_per_mm()
        return QSize(round((self.diagram.width + 2 * MARGIN_MM) * px),
                     round((self.diagram.height + 2 * MARGIN_MM) * px))

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        try:
            painter.fillRect(self.rect(), Qt.GlobalColor.white)
            px = self._px_per_mm()
            painter.translate(MARGIN_MM * px, MARGIN_MM * px)
            draw_flow(painter, self.diagram, px)
        finally:
            painter.end()
