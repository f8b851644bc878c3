"""Draws a ``FigureModel`` with pyqtgraph: the Kaplan-Meier plot and the number-at-risk
table under it, x axes linked so the counts stand under their ticks.

The same widget is shown in the window and rendered to files (``render.py``), so what the
user sees is what is exported. Every size is derived from the font size in points times
``px_per_pt``: 96/72 on screen and for vector files, dpi/72 for a raster file laid out at its
final pixel size (pyqtgraph draws legends and symbols in device pixels, so a raster cannot be
made by scaling a small scene up).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem

from resort_gui.figure import Curve, FigureModel, RiskBlock
from resort_gui.ui.qt_app import figure_font

SCREEN_PX_PER_PT = 96 / 72
_DASH = {"solid": Qt.PenStyle.SolidLine, "dash": Qt.PenStyle.DashLine,
         "dot": Qt.PenStyle.DotLine, "dashdot": Qt.PenStyle.DashDotLine}
BLACK = QColor("#000000")


def step_vertices(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vertices of a right-continuous step function: y[i] holds on [x[i], x[i+1])."""
    xs = np.repeat(x, 2)[1:]
    ys = np.repeat(y, 2)[:-1]
    return xs, ys


class KMFigureWidget(pg.GraphicsLayoutWidget):
    """The Kaplan-Meier figure: curves, CI bands, censor marks, legend, annotation and
    risk table."""

    def __init__(self, parent=None, px_per_pt: float = SCREEN_PX_PER_PT) -> None:
        super().__init__(parent)
        self.px_per_pt = px_per_pt
        self.setBackground("w")
        self.model: FigureModel | None = None
        self.km_plot: pg.PlotItem | None = None

    def show_figure(self, model: FigureModel) -> None:
        self.model = model
        self.ci.clear()
        px = model.font_size * self.px_per_pt
        self.ci.layout.setContentsMargins(px * 0.6, px * 0.6, px * 1.6, px * 0.4)
        self.ci.layout.setVerticalSpacing(px * 0.3)
        content_width = self.width() - px * 2.2  # less the layout's left and right margins
        axis_width = left_axis_width(model, px, content_width)
        row = 0
        if model.title:
            self.ci.addLabel(model.title, row=row, col=0, size=f"{px * 1.2:.0f}px", bold=True)
            row += 1
        self.ci.addItem(_Header(model, px, content_width), row=row, col=0)
        row += 1
        self.km_plot = self._km_plot(model, px)
        self.ci.addItem(self.km_plot, row=row, col=0)
        tables = []
        for block in model.risk_blocks:
            row += 1
            label = self.ci.addLabel(block.title, row=row, col=0, size=f"{px:.0f}px",
                                     bold=True, justify="left", color="#000000")
            label.setMaximumHeight(px * 1.6)
            row += 1
            table = self._risk_table(block, model, px, label_room(content_width, px))
            self.ci.addItem(table, row=row, col=0)
            tables.append(table)
        for plot in [self.km_plot, *tables]:
            plot.getAxis("left").setWidth(axis_width)

    # -- the Kaplan-Meier plot -------------------------------------------------------------
    def _km_plot(self, model: FigureModel, px: float) -> pg.PlotItem:
        plot = pg.PlotItem(axisItems={"left": _LeftAxis("left")})
        plot.setMenuEnabled(False)
        plot.hideButtons()
        for name in ("left", "bottom"):
            axis = plot.getAxis(name)
            axis.setPen(pg.mkPen(BLACK, width=max(1.0, px * 0.08)))
            axis.setTextPen(pg.mkPen(BLACK))
            # labels may run past the axis ends by up to the figure's right margin
            axis.setStyle(tickFont=figure_font(px), tickLength=-round(px * 0.5),
                          tickTextOffset=round(px * 0.3), hideOverlappingLabels=int(px * 1.5))
            axis.label.setFont(figure_font(px))
        plot.setLabel("bottom", model.x_label, color="#000000")
        plot.getAxis("bottom").setHeight(int(px * 3.1))
        plot.setLabel("left", model.y_label, color="#000000")
        top = model.y_scale
        y_ticks = [(v * top, _y_tick_text(v * top, top)) for v in np.linspace(0, 1, 6)]
        left = plot.getAxis("left")
        left.setTicks([y_ticks])
        widest = max(QFontMetricsF(figure_font(px)).horizontalAdvance(t) for _, t in y_ticks)
        left.title_offset = widest + px * 0.8
        plot.getAxis("bottom").setTicks([[(t, _tick_text(t)) for t in model.x_ticks]])
        plot.setXRange(0, model.x_max, padding=0.02)
        plot.setYRange(0, top, padding=0.02)
        plot.setMouseEnabled(x=False, y=False)
        for curve in model.curves:
            self._draw_curve(plot, curve, model, px)
        for t in model.landmarks:
            plot.addItem(pg.InfiniteLine(t, angle=90,
                                         pen=pg.mkPen("#888888", width=max(1.0, px * 0.08),
                                                      style=Qt.PenStyle.DotLine)))
        return plot

    def _draw_curve(self, plot: pg.PlotItem, curve: Curve, model: FigureModel,
                    px: float) -> None:
        colour = QColor(curve.colour)
        if curve.band_x.size:
            self._draw_band(plot, curve, colour)
        plot.plot(*step_vertices(curve.step_x, curve.step_y), pen=_curve_pen(curve, px))
        if curve.censor_x.size:
            # useCache=False: symbols drawn as paths, so SVG and PDF keep them as vectors
            plot.addItem(pg.ScatterPlotItem(curve.censor_x, curve.censor_y, symbol="|",
                                            size=px * 0.9, pen=pg.mkPen(None), brush=colour,
                                            useCache=False))
        if np.isfinite(curve.median):
            half = 0.5 * model.y_scale
            dotted = pg.mkPen(colour, width=max(1.0, px * 0.08), style=Qt.PenStyle.DotLine)
            plot.plot([0, curve.median, curve.median], [half, half, 0], pen=dotted)

    @staticmethod
    def _draw_band(plot: pg.PlotItem, curve: Curve, colour: QColor) -> None:
        finite = np.isfinite(curve.band_lower) & np.isfinite(curve.band_upper)
        end = int(np.argmin(finite)) if not finite.all() else finite.size
        if end < 2:
            return
        # one closed polygon, upper limit forward and lower limit back, built from arrays:
        # FillBetweenItem takes ~0.3 s per 10,000 vertices and would freeze the window
        x_upper, y_upper = step_vertices(curve.band_x[:end], curve.band_upper[:end])
        x_lower, y_lower = step_vertices(curve.band_x[:end], curve.band_lower[:end])
        path = pg.arrayToQPath(np.concatenate((x_upper, x_lower[::-1])),
                               np.concatenate((y_upper, y_lower[::-1])), connect="all")
        path.closeSubpath()
        fill = QColor(colour)
        fill.setAlpha(45)
        band = QGraphicsPathItem(path)
        band.setBrush(fill)
        band.setPen(QPen(Qt.PenStyle.NoPen))
        plot.addItem(band, ignoreBounds=True)

    # -- the risk table ----------------------------------------------------------------------
    def _risk_table(self, block: RiskBlock, model: FigureModel, px: float,
                    room: float) -> pg.PlotItem:
        table = pg.PlotItem()
        table.setMenuEnabled(False)
        table.hideButtons()
        table.hideAxis("bottom")
        n = len(block.rows)
        axis = table.getAxis("left")
        axis.setPen(pg.mkPen(None))
        axis.setTickPen(pg.mkPen(None))  # a zero-length tick is still a dot in a PDF
        axis.setTextPen(pg.mkPen(BLACK))
        axis.setStyle(tickFont=figure_font(px), tickLength=0, tickTextOffset=round(px * 2.5))
        axis.setTicks([[(n - 1 - i, elided(r.label, px, room))
                        for i, r in enumerate(block.rows)]])
        for i, row in enumerate(block.rows):
            for t, count in zip(model.x_ticks, row.counts, strict=False):
                text = pg.TextItem(str(count), color=QColor(row.colour), anchor=(0.5, 0.5))
                text.setFont(figure_font(px))
                text.setPos(t, n - 1 - i)
                table.addItem(text)
        # the counts at the first and last ticks may stand out of the plot area a little
        table.vb.setFlag(QGraphicsItem.GraphicsItemFlag.ItemClipsChildrenToShape, False)
        table.setYRange(-0.5, n - 0.5, padding=0)
        table.setMouseEnabled(x=False, y=False)
        height = px * 1.5 * n + px * 0.4
        table.setFixedHeight(height)
        table.setXLink(self.km_plot)
        return table


def label_room(content_width: float, px: float) -> float:
    """The widest a risk-table group label may be: long names are elided there (the legend
    has room for them), so that the plot keeps more than half of the width."""
    return max(px * 6.0, content_width * 0.25)


def elided(text: str, px: float, room: float) -> str:
    metrics = QFontMetricsF(figure_font(px))
    return metrics.elidedText(text, Qt.TextElideMode.ElideRight, room)


def left_axis_width(model: FigureModel, px: float, content_width: float) -> int:
    """One width for every left axis (KM plot and risk tables), so their x positions line up:
    room for the widest tick or (elided) group label, the tick offset and the axis title."""
    labels = [_y_tick_text(v * model.y_scale, model.y_scale) for v in np.linspace(0, 1, 6)]
    room = label_room(content_width, px)
    labels += [elided(r.label, px, room) for b in model.risk_blocks for r in b.rows]
    metrics = QFontMetricsF(figure_font(px))
    widest = max((metrics.horizontalAdvance(s) for s in labels), default=px * 2)
    return int(np.ceil(widest + px * 4.0))


@dataclass(frozen=True)
class HeaderLayout:
    """Where the legend and the annotation stand above the plot (in pixels): legend entries
    in ``columns`` from ``left``; the annotation right-aligned beside them when both fit,
    else under them."""

    left: float
    columns: int
    legend_rows: int
    entry_width: float
    side_by_side: bool
    lines: int
    line_height: float


def header_layout(model: FigureModel, content_width: float, px: float) -> HeaderLayout:
    """The arrangement with the fewest lines, then with no name cut short; the legend starts
    over the plot's left edge when that costs nothing, else at the figure's."""
    metrics = QFontMetricsF(figure_font(px))
    n = len(model.curves)
    entry = min(content_width, px * 2.7 + max(
        (metrics.horizontalAdvance(c.legend) for c in model.curves), default=0.0))
    gap = px * 1.5
    notes = model.annotation.splitlines()
    note_width = max((metrics.horizontalAdvance(t) for t in notes), default=0.0)
    options = []
    for left in (float(left_axis_width(model, px, content_width)), 0.0):
        room = content_width - left
        for columns in range(1, max(1, n) + 1):
            legend_width = columns * (entry + gap) - gap
            if columns > 1 and legend_width > room:
                break
            rows = -(-n // columns)
            side = not notes or legend_width + 2 * gap + note_width <= room
            lines = max(rows, len(notes)) if side else rows + len(notes)
            options.append((lines, entry > room, left == 0.0, -columns,
                            HeaderLayout(left, columns, rows, entry, side, lines, px * 1.35)))
    return min(options, key=lambda o: o[:4])[4]


def _curve_pen(curve: Curve, px: float) -> QPen:
    pen = QPen(QColor(curve.colour))
    pen.setWidthF(max(1.0, px * 0.15))
    pen.setStyle(_DASH[curve.dash])
    pen.setCosmetic(True)
    return pen


class _Header(pg.GraphicsWidget):
    """The legend (a line sample and a label per curve) and the annotation (tests, hazard
    ratio), above the plot so that they never hide a curve."""

    def __init__(self, model: FigureModel, px: float, content_width: float) -> None:
        super().__init__()
        self.model, self.px = model, px
        self.layout_ = header_layout(model, content_width, px)
        self.setFixedHeight(self.layout_.lines * self.layout_.line_height)

    def boundingRect(self) -> QRectF:
        return QRectF(0, 0, self.width(), self.height())

    def paint(self, painter: QPainter, *args: object) -> None:
        px, lay = self.px, self.layout_
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(figure_font(px))
        flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        for i, curve in enumerate(self.model.curves):
            row, col = divmod(i, lay.columns)
            x = lay.left + col * (lay.entry_width + px * 1.5)
            middle = (row + 0.5) * lay.line_height
            painter.setPen(_curve_pen(curve, px))
            painter.drawLine(QPointF(x, middle), QPointF(x + px * 2.2, middle))
            painter.setPen(BLACK)
            room = self.width() - x - px * 2.7
            painter.drawText(QRectF(x + px * 2.7, row * lay.line_height, room,
                                    lay.line_height), flags, elided(curve.legend, px, room))
        first = 0 if lay.side_by_side else lay.legend_rows
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for j, line in enumerate(self.model.annotation.splitlines()):
            painter.drawText(QRectF(0, (first + j) * lay.line_height, self.width(),
                                    lay.line_height), right, line)


class _LeftAxis(pg.AxisItem):
    """A left axis whose title stands beside its tick labels rather than at the far left of
    an axis made wide for the risk table's group names; ``title_offset`` is the distance
    from the axis line to the title's right edge."""

    title_offset = 0.0

    def resizeEvent(self, ev: object = None) -> None:
        super().resizeEvent(ev)
        if self.label is None or not self.label.isVisible() or not self.title_offset:
            return
        x = self.width() - self.title_offset - self.label.boundingRect().height()
        self.label.setPos(max(0.0, x), self.label.pos().y())


def _y_tick_text(value: float, top: float) -> str:
    """0.0, 0.2, ... 1.0 for probabilities (one decimal throughout), 0, 20, ... 100 for %."""
    return f"{value:.1f}" if top == 1 else _tick_text(value)


def _tick_text(value: float) -> str:
    return f"{value:g}" if abs(value - round(value)) > 1e-9 else str(int(round(value)))
