"""Draws a ``FigureModel`` with pyqtgraph: the Kaplan-Meier plot and the number-at-risk
table under it, x axes linked so the counts stand under their ticks.

The same widget is shown in the window and rendered to files (``render.py``), so what the
user sees is what is exported. Every size is derived from the font size in points times
``px_per_pt``: 96/72 on screen and for vector files, dpi/72 for a raster file laid out at its
final pixel size (pyqtgraph draws legends and symbols in device pixels, so a raster cannot be
made by scaling a small scene up).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPen

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
        row = 0
        if model.title:
            self.ci.addLabel(model.title, row=row, col=0, size=f"{px * 1.2:.0f}px", bold=True)
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
            table = self._risk_table(block, model, px)
            self.ci.addItem(table, row=row, col=0)
            tables.append(table)
        labels = [_tick_text(v * model.y_scale) for v in np.linspace(0, 1, 6)]
        labels += [r.label for b in model.risk_blocks for r in b.rows]
        self._align_left_axes([self.km_plot, *tables], labels, px)

    # -- the Kaplan-Meier plot -------------------------------------------------------------
    def _km_plot(self, model: FigureModel, px: float) -> pg.PlotItem:
        plot = pg.PlotItem()
        plot.setMenuEnabled(False)
        plot.hideButtons()
        for name in ("left", "bottom"):
            axis = plot.getAxis(name)
            axis.setPen(pg.mkPen(BLACK, width=max(1.0, px * 0.08)))
            axis.setTextPen(pg.mkPen(BLACK))
            axis.setStyle(tickFont=figure_font(px), tickLength=-round(px * 0.5),
                          tickTextOffset=round(px * 0.3), hideOverlappingLabels=False)
            axis.label.setFont(figure_font(px))
        plot.setLabel("bottom", model.x_label, color="#000000")
        plot.getAxis("bottom").setHeight(int(px * 3.4))
        plot.setLabel("left", model.y_label, color="#000000")
        top = model.y_scale
        y_ticks = [(v * top, _tick_text(v * top)) for v in np.linspace(0, 1, 6)]
        plot.getAxis("left").setTicks([y_ticks])
        plot.getAxis("bottom").setTicks([[(t, _tick_text(t)) for t in model.x_ticks]])
        plot.setXRange(0, model.x_max, padding=0.02)
        plot.setYRange(0, top, padding=0.02)
        plot.setMouseEnabled(x=False, y=False)
        legend = pg.LegendItem(offset=(px, -px), labelTextSize=f"{px:.0f}px",
                               labelTextColor=BLACK, verSpacing=-round(px * 0.2))
        legend.setParentItem(plot.vb)
        for curve in model.curves:
            self._draw_curve(plot, curve, model, px, legend)
        for t in model.landmarks:
            plot.addItem(pg.InfiniteLine(t, angle=90,
                                         pen=pg.mkPen("#888888", width=max(1.0, px * 0.08),
                                                      style=Qt.PenStyle.DotLine)))
        if model.annotation:
            text = pg.TextItem(model.annotation, color=BLACK, anchor=(1, 0))
            text.setFont(figure_font(px))
            text.setParentItem(plot.vb)
            plot.vb.sigResized.connect(lambda vb: text.setPos(vb.width() - px * 0.5, px * 0.3))
            text.setPos(plot.vb.width() - px * 0.5, px * 0.3)
        return plot

    def _draw_curve(self, plot: pg.PlotItem, curve: Curve, model: FigureModel, px: float,
                    legend: pg.LegendItem) -> None:
        colour = QColor(curve.colour)
        if curve.band_x.size:
            self._draw_band(plot, curve, colour)
        pen = QPen(colour)
        pen.setWidthF(max(1.0, px * 0.15))
        pen.setStyle(_DASH[curve.dash])
        pen.setCosmetic(True)
        xs, ys = step_vertices(curve.step_x, curve.step_y)
        line = plot.plot(xs, ys, pen=pen)
        legend.addItem(line, curve.legend)
        if curve.censor_x.size:
            plot.addItem(pg.ScatterPlotItem(curve.censor_x, curve.censor_y, symbol="|",
                                            size=px * 0.9, pen=pg.mkPen(None), brush=colour))
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
        lower = pg.PlotDataItem(*step_vertices(curve.band_x[:end], curve.band_lower[:end]))
        upper = pg.PlotDataItem(*step_vertices(curve.band_x[:end], curve.band_upper[:end]))
        fill = QColor(colour)
        fill.setAlpha(45)
        plot.addItem(pg.FillBetweenItem(lower, upper, brush=fill, pen=pg.mkPen(None)))

    # -- the risk table ----------------------------------------------------------------------
    def _risk_table(self, block: RiskBlock, model: FigureModel, px: float) -> pg.PlotItem:
        table = pg.PlotItem()
        table.setMenuEnabled(False)
        table.hideButtons()
        table.hideAxis("bottom")
        n = len(block.rows)
        axis = table.getAxis("left")
        axis.setPen(pg.mkPen(None))
        axis.setTextPen(pg.mkPen(BLACK))
        axis.setStyle(tickFont=figure_font(px), tickLength=0, tickTextOffset=round(px * 2.5))
        axis.setTicks([[(n - 1 - i, r.label) for i, r in enumerate(block.rows)]])
        for i, row in enumerate(block.rows):
            for t, count in zip(model.x_ticks, row.counts, strict=False):
                text = pg.TextItem(str(count), color=QColor(row.colour), anchor=(0.5, 0.5))
                text.setFont(figure_font(px))
                text.setPos(t, n - 1 - i)
                table.addItem(text)
        table.setYRange(-0.5, n - 0.5, padding=0)
        table.setMouseEnabled(x=False, y=False)
        height = px * 1.5 * n + px * 0.4
        table.setFixedHeight(height)
        table.setXLink(self.km_plot)
        return table

    @staticmethod
    def _align_left_axes(plots: list[pg.PlotItem], labels: list[str], px: float) -> None:
        """Give every left axis the same width, so the x positions line up."""
        metrics = QFontMetricsF(figure_font(px))
        widest = max((metrics.horizontalAdvance(s) for s in labels), default=px * 2)
        width = widest + px * 4.0  # tick text offset plus room for the rotated axis title
        for plot in plots:
            plot.getAxis("left").setWidth(int(np.ceil(width)))


def _tick_text(value: float) -> str:
    return f"{value:g}" if abs(value - round(value)) > 1e-9 else str(int(round(value)))
