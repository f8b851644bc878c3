"""Draws a ``FigureModel`` with pyqtgraph: the Kaplan-Meier plot and the number-at-risk
table under it, x axes linked so the counts stand under their ticks.

The same widget is shown in the window and rendered to files (``render.py``), so what the
user sees is what is exported. Every size is derived from the font size in points times
``px_per_pt``: 96/72 on screen and for vector files, dpi/72 for a raster file laid out at its
final pixel size (pyqtgraph draws legends and symbols in device pixels, so a raster cannot be
made by scaling a small scene up).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem

from resort_gui.domain import format as fmt
from resort_gui.present.figure import Curve, FigureModel, RiskBlock
from resort_gui.render.qt_app import figure_font

SCREEN_PX_PER_PT = 96 / 72
_DASH = {"solid": Qt.PenStyle.SolidLine, "dash": Qt.PenStyle.DashLine,
         "dot": Qt.PenStyle.DotLine, "dashdot": Qt.PenStyle.DashDotLine}
BLACK = QColor("#000000")


def step_vertices(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vertices of a right-continuous step function: y[i] holds on [x[i], x[i+1])."""
    xs = np.repeat(x, 2)[1:]
    ys = np.repeat(y, 2)[:-1]
    return xs, ys


@dataclass
class _Frame:
    """The figure's lasting items: the layout, the axes and the risk tables, built for one
    ``shape`` (title or not, number of risk blocks, pixel size of the font). A new figure of
    the same shape only replaces the ``content`` of its plots (curves, marks, counts)."""

    shape: tuple[bool, int, float]
    title: pg.LabelItem | None
    header: _Header
    plot: pg.PlotItem
    block_labels: list[pg.LabelItem]
    tables: list[pg.PlotItem]
    content: list[tuple[pg.PlotItem, QGraphicsItem]] = field(default_factory=list)


class KMFigureWidget(pg.GraphicsLayoutWidget):
    """The Kaplan-Meier figure: curves, CI bands, censor marks, legend, annotation and
    risk table.

    Building pyqtgraph's plots and axes is most of the cost of a figure, so they are kept
    while the figure's shape stays the same and only the content is drawn again: a
    settings change at 10,000 patients reaches the screen within 100 ms."""

    def __init__(self, parent=None, px_per_pt: float = SCREEN_PX_PER_PT, *,
                 on_screen: bool = False) -> None:
        super().__init__(parent)
        self.px_per_pt = px_per_pt
        self.on_screen = on_screen  # symbols from a pixmap cache; files keep them as paths
        self.setBackground("w")
        self.model: FigureModel | None = None
        self.km_plot: pg.PlotItem | None = None
        self._frame: _Frame | None = None

    def show_figure(self, model: FigureModel) -> None:
        self.model = model
        px = model.font_size * self.px_per_pt
        shape = (bool(model.title), len(model.risk_blocks), px)
        if self._frame is None or self._frame.shape != shape:
            self._frame = self._build_frame(model, px, shape)
            self.km_plot = self._frame.plot
        self._fill(self._frame, model, px)

    # -- the lasting items -----------------------------------------------------------------
    def _build_frame(self, model: FigureModel, px: float,
                     shape: tuple[bool, int, float]) -> _Frame:
        self.ci.clear()
        self.ci.layout.setContentsMargins(px * 0.6, px * 0.6, px * 1.6, px * 0.4)
        self.ci.layout.setVerticalSpacing(px * 0.3)
        row = 0
        title = None
        if model.title:
            title = self.ci.addLabel("", row=row, col=0)
            row += 1
        header = _Header()
        self.ci.addItem(header, row=row, col=0)
        plot = _styled_km_plot(px)
        self.ci.addItem(plot, row=row + 1, col=0)
        labels, tables = [], []
        for i in range(len(model.risk_blocks)):
            labels.append(self.ci.addLabel("", row=row + 2 + 2 * i, col=0))
            labels[-1].setMaximumHeight(px * 1.6)
            tables.append(_styled_risk_table(px))
            self.ci.addItem(tables[-1], row=row + 3 + 2 * i, col=0)
            tables[-1].setXLink(plot)
        return _Frame(shape, title, header, plot, labels, tables)

    # -- what changes with the data ----------------------------------------------------------
    def _fill(self, frame: _Frame, model: FigureModel, px: float) -> None:
        for owner, item in frame.content:
            owner.removeItem(item)
        frame.content.clear()
        content_width = self.width() - px * 2.2  # less the layout's left and right margins
        axis_width = left_axis_width(model, px, content_width)
        model = ticks_that_fit(model, px, content_width - axis_width - px * 1.6)
        if frame.title is not None:
            frame.title.setText(model.title, size=f"{px * 1.2:.0f}px", bold=True)
        frame.header.show_model(model, px, content_width)
        self._fill_km_plot(frame, model, px)
        for block, label, table in zip(model.risk_blocks, frame.block_labels, frame.tables,
                                       strict=True):
            label.setText(block.title, size=f"{px:.0f}px", bold=True, justify="left",
                          color="#000000")
            self._fill_risk_table(frame, table, block, model, px,
                                  label_room(content_width, px))
        for plot in [frame.plot, *frame.tables]:
            plot.getAxis("left").setWidth(axis_width)

    def _add(self, frame: _Frame, owner: pg.PlotItem, item: QGraphicsItem,
             ignore_bounds: bool = False) -> None:
        owner.addItem(item, ignoreBounds=ignore_bounds)
        frame.content.append((owner, item))

    def _fill_km_plot(self, frame: _Frame, model: FigureModel, px: float) -> None:
        plot = frame.plot
        plot.setLabel("bottom", model.x_label, color="#000000")
        plot.setLabel("left", model.y_label, color="#000000")
        top = model.y_scale
        y_ticks = [(v * top, _y_tick_text(v * top, top, model.decimal))
                   for v in np.linspace(0, 1, 6)]
        left = plot.getAxis("left")
        left.setTicks([y_ticks])
        widest = max(QFontMetricsF(figure_font(px)).horizontalAdvance(t) for _, t in y_ticks)
        left.title_offset = widest + px * 0.8
        plot.getAxis("bottom").setTicks([[(t, _tick_text(t, model.decimal))
                                          for t in model.x_ticks]])
        for name in ("left", "bottom"):
            plot.getAxis(name).resizeEvent()  # centres a changed title (pyqtgraph does on resize)
        plot.setXRange(0, model.x_max, padding=0.02)
        plot.setYRange(0, top, padding=0.02)
        for curve in model.curves:
            self._draw_curve(frame, curve, model, px)
        for t in model.landmarks:
            self._add(frame, plot, pg.InfiniteLine(
                t, angle=90, pen=pg.mkPen("#888888", width=max(1.0, px * 0.08),
                                          style=Qt.PenStyle.DotLine)))

    def _draw_curve(self, frame: _Frame, curve: Curve, model: FigureModel,
                    px: float) -> None:
        plot = frame.plot
        colour = QColor(curve.colour)
        if curve.band_x.size and (band := _band(curve, colour, len(model.curves))) is not None:
            self._add(frame, plot, band, ignore_bounds=True)
        self._add(frame, plot, pg.PlotCurveItem(*step_vertices(curve.step_x, curve.step_y),
                                                pen=_curve_pen(curve, px)))
        if curve.censor_x.size:
            self._add(frame, plot, pg.ScatterPlotItem(
                curve.censor_x, curve.censor_y, symbol="|", size=px * 0.9,
                pen=pg.mkPen(None), brush=colour, useCache=self.on_screen))
        if np.isfinite(curve.median):
            half = 0.5 * model.y_scale
            dotted = pg.mkPen(colour, width=max(1.0, px * 0.08), style=Qt.PenStyle.DotLine)
            self._add(frame, plot, pg.PlotCurveItem([0, curve.median, curve.median],
                                                    [half, half, 0], pen=dotted))

    def _fill_risk_table(self, frame: _Frame, table: pg.PlotItem, block: RiskBlock,
                         model: FigureModel, px: float, room: float) -> None:
        n = len(block.rows)
        table.getAxis("left").setTicks([[(n - 1 - i, elided(r.label, px, room))
                                         for i, r in enumerate(block.rows)]])
        for i, row in enumerate(block.rows):
            for t, count in zip(model.x_ticks, row.counts, strict=False):
                text = pg.TextItem(str(count), color=QColor(row.colour), anchor=(0.5, 0.5))
                text.setFont(figure_font(px))
                text.setPos(t, n - 1 - i)
                self._add(frame, table, text)
        table.setYRange(-0.5, n - 0.5, padding=0)
        table.setFixedHeight(px * 1.5 * n + px * 0.4)


def _styled_km_plot(px: float) -> pg.PlotItem:
    """The Kaplan-Meier plot's axes in the figure's font, pens and tick lengths."""
    plot = pg.PlotItem(axisItems={"left": _LeftAxis("left")}, enableMenu=False)
    plot.hideButtons()
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen(BLACK, width=max(1.0, px * 0.08)))
        axis.setTextPen(pg.mkPen(BLACK))
        # labels may run past the axis ends by up to the figure's right margin
        axis.setStyle(tickFont=figure_font(px), tickLength=-round(px * 0.5),
                      tickTextOffset=round(px * 0.3), hideOverlappingLabels=int(px * 1.5))
        axis.label.setFont(figure_font(px))
    plot.getAxis("bottom").setHeight(int(px * 3.1))
    plot.setMouseEnabled(x=False, y=False)
    return plot


def _styled_risk_table(px: float) -> pg.PlotItem:
    """A risk table: group names as the left axis's ticks, counts placed at the x ticks."""
    table = pg.PlotItem(enableMenu=False)
    table.hideButtons()
    table.hideAxis("bottom")
    axis = table.getAxis("left")
    axis.setPen(pg.mkPen(None))
    axis.setTickPen(pg.mkPen(None))
    axis.setTextPen(pg.mkPen(BLACK))
    # a zero-length tick is still a grey dot in a PDF, even drawn with no pen: transparent
    axis.setStyle(tickFont=figure_font(px), tickLength=0, tickTextOffset=round(px * 2.5),
                  tickAlpha=0)
    # the counts at the first and last ticks may stand out of the plot area a little
    table.vb.setFlag(QGraphicsItem.GraphicsItemFlag.ItemClipsChildrenToShape, False)
    table.setMouseEnabled(x=False, y=False)
    return table


def _band(curve: Curve, colour: QColor, curves: int) -> QGraphicsPathItem | None:
    """The confidence band as one closed polygon, upper limit forward and lower limit back,
    built from arrays (FillBetweenItem takes ~0.3 s per 10,000 vertices and would freeze the
    window); None when fewer than two limits are finite. The fill is lighter when more than
    two bands overlap (four at 45/255 made a muddy grey of veteran's cell types)."""
    finite = np.isfinite(curve.band_lower) & np.isfinite(curve.band_upper)
    end = int(np.argmin(finite)) if not finite.all() else finite.size
    if end < 2:
        return None
    x_upper, y_upper = step_vertices(curve.band_x[:end], curve.band_upper[:end])
    x_lower, y_lower = step_vertices(curve.band_x[:end], curve.band_lower[:end])
    path = pg.arrayToQPath(np.concatenate((x_upper, x_lower[::-1])),
                           np.concatenate((y_upper, y_lower[::-1])), connect="all")
    path.closeSubpath()
    fill = QColor(colour)
    fill.setAlpha(45 if curves <= 2 else max(20, 90 // curves))
    band = QGraphicsPathItem(path)
    band.setBrush(fill)
    band.setPen(QPen(Qt.PenStyle.NoPen))
    return band


def ticks_that_fit(model: FigureModel, px: float, plot_width: float) -> FigureModel:
    """``model`` with every k-th time tick (and number at risk) for the smallest k whose
    labels stand at least a space apart on a plot ``plot_width`` pixels wide: ten ticks of
    100 days run together at a journal's single-column width (85 mm)."""
    ticks = model.x_ticks
    if ticks.size < 3 or plot_width <= 0:
        return model
    metrics = QFontMetricsF(figure_font(px))
    texts = [_tick_text(t, model.decimal) for t in ticks] + [
        str(c) for block in model.risk_blocks for row in block.rows for c in row.counts]
    needed = max(metrics.horizontalAdvance(t) for t in texts) + metrics.horizontalAdvance("  ")
    px_per_unit = plot_width / (model.x_max * 1.04)  # the x range is padded by 2% each side
    step = float(ticks[1] - ticks[0])
    stride = next((k for k in range(1, ticks.size) if k * step * px_per_unit >= needed),
                  ticks.size - 1)
    if stride == 1:
        return model
    return replace(model, x_ticks=ticks[::stride], risk_blocks=tuple(
        replace(block, rows=tuple(replace(row, counts=row.counts[::stride])
                                  for row in block.rows))
        for block in model.risk_blocks))


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
    labels = [_y_tick_text(v * model.y_scale, model.y_scale, model.decimal)
              for v in np.linspace(0, 1, 6)]
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

    def show_model(self, model: FigureModel, px: float, content_width: float) -> None:
        self.model, self.px = model, px
        self.layout_ = header_layout(model, content_width, px)
        self.setFixedHeight(self.layout_.lines * self.layout_.line_height)
        self.update()

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


def _y_tick_text(value: float, top: float, decimal: str = ".") -> str:
    """0.0, 0.2, ... 1.0 for probabilities (one decimal throughout), 0, 20, ... 100 for %."""
    return fmt.number(value, 1, decimal) if top == 1 else _tick_text(value, decimal)


def _tick_text(value: float, decimal: str = ".") -> str:
    whole = abs(value - round(value)) <= 1e-9
    return str(int(round(value))) if whole else f"{value:g}".replace(".", decimal)
