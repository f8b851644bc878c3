"""Draws a ``ForestModel`` with pyqtgraph and renders it to PNG/TIFF/SVG/PDF.

Three columns share the rows: the subgroup labels with patients (events) on the left, the
hazard ratios with their 95% CI on a logarithmic axis in the middle (a square per estimate,
a line per interval, a dashed line at 1, "favours" under the axis), and the estimates and
interaction p as text on the right. Sizes derive from the font size in points times
``px_per_pt``, as in ``km_plot``; files are recorded and encoded with ``render``'s helpers.
"""

from __future__ import annotations

import math
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFontMetricsF

from resort_gui.domain.results import AnalysisResult
from resort_gui.export.figure_options import (
    DEFAULT_SIZE,
    MM_PER_INCH,
    RASTER_FORMATS,
    FigureSize,
    check_raster_size,
)
from resort_gui.present.forest import ForestModel, ForestRow, build_forest
from resort_gui.render.figures import (
    LOGICAL_DPI,
    RecordedFigure,
    encode_figure,
    record_widget,
    run_jobs,
)
from resort_gui.render.km_plot import SCREEN_PX_PER_PT
from resort_gui.render.qt_app import figure_font

BLACK = QColor("#000000")
GREY = QColor("#666666")
ESTIMATE = QColor("#0072B2")
LINE_HEIGHT = 1.7  # rows, in font sizes


class ForestFigureWidget(pg.GraphicsLayoutWidget):
    """The forest plot: labels, log-scale hazard ratios, estimates."""

    def __init__(self, parent=None, px_per_pt: float = SCREEN_PX_PER_PT) -> None:
        super().__init__(parent)
        self.px_per_pt = px_per_pt
        self.setBackground("w")
        self.model: ForestModel | None = None

    def show_forest(self, model: ForestModel) -> None:
        self.model = model
        self.ci.clear()
        px = model.font_size * self.px_per_pt
        self.ci.layout.setContentsMargins(px * 0.8, px * 0.6, px * 1.2, px * 0.4)
        self.ci.layout.setHorizontalSpacing(px * 0.8)
        row = 0
        if model.title:
            self.ci.addLabel(model.title, row=0, col=0, colspan=3, size=f"{px * 1.2:.0f}px",
                             bold=True, color="#000000")
            row = 1
        # rows at y = 0 (column titles), -1, -2, ...; the "favours" line below the last
        y_range = (-len(model.rows) - 1.5, 0.5)
        axis_height = int(px * LINE_HEIGHT * 2.2)
        compact = _columns_width(model, px, compact=False) > COLUMNS_SHARE * self.width()
        forest_width = self.width() - _columns_width(model, px, compact) - px * 4.0
        plot = self._forest(model, px, y_range, axis_height, forest_width)
        self.ci.addItem(self._text_column(left_texts(model, compact), px, y_range,
                                          axis_height, plot), row=row, col=0)
        self.ci.addItem(plot, row=row, col=1)
        self.ci.addItem(self._text_column(right_texts(model, compact), px, y_range,
                                          axis_height, plot), row=row, col=2)

    @staticmethod
    def _bare_plot(px: float, y_range: tuple[float, float], axis_height: int) -> pg.PlotItem:
        plot = pg.PlotItem()
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.setMouseEnabled(x=False, y=False)
        plot.hideAxis("left")
        plot.getAxis("bottom").setHeight(axis_height)
        plot.setYRange(*y_range, padding=0)
        return plot

    def _text_column(self, texts: list[Text], px: float, y_range: tuple[float, float],
                     axis_height: int, forest: pg.PlotItem) -> pg.PlotItem:
        """A column of texts on the forest's rows; as wide as its widest texts."""
        column = self._bare_plot(px, y_range, axis_height)
        column.hideAxis("bottom")
        column.layout.setContentsMargins(0, 0, 0, axis_height)  # level with the forest
        column.setXRange(0, 1, padding=0)
        column.setYLink(forest)
        for text, x, y, bold in texts:
            item = pg.TextItem(text, color=BLACK, anchor=(x, 0.5))
            item.setFont(figure_font(px, bold=bold))
            item.setPos(x, y)
            column.addItem(item)
        column.setFixedWidth(_column_width(texts, px))
        return column

    def _forest(self, model: ForestModel, px: float, y_range: tuple[float, float],
                axis_height: int, width: float) -> pg.PlotItem:
        plot = self._bare_plot(px, y_range, axis_height)
        axis = plot.getAxis("bottom")
        axis.setPen(pg.mkPen(BLACK, width=max(1.0, px * 0.08)))
        axis.setTextPen(pg.mkPen(BLACK))
        axis.setStyle(tickFont=figure_font(px), tickLength=-round(px * 0.5),
                      tickTextOffset=round(px * 0.3), hideOverlappingLabels=int(px * 1.5))
        x_low, x_high = math.log10(model.x_min), math.log10(model.x_max)
        ticks = _spaced_ticks(model.x_ticks, (x_high - x_low) / max(width, 1.0), px)
        axis.setTicks([[(math.log10(t), f"{t:g}") for t in ticks]])
        axis.label.setFont(figure_font(px))
        favours = [f"\u2190 {model.favours_left}", f"{model.favours_right} \u2192"]
        metrics = QFontMetricsF(figure_font(px * 0.9))
        room = max(metrics.horizontalAdvance(t) for t in favours) * 2 + px < width
        plot.setLabel("bottom", model.x_label if room else
                      f"{model.x_label}<br>{favours[0]} | {favours[1]}", color="#000000")
        plot.setXRange(x_low, x_high, padding=0.02)
        plot.addItem(pg.InfiniteLine(0.0, angle=90, pen=pg.mkPen(
            GREY, width=max(1.0, px * 0.08), style=Qt.PenStyle.DashLine)))
        for i, row in enumerate(model.rows, start=1):
            if not row.is_header and math.isfinite(row.hr):
                self._draw_estimate(plot, row, -float(i), px, x_low, x_high)
        favours_y = -len(model.rows) - 1.0
        gap = 0.02 * (x_high - x_low)
        for text, x, anchor in ((favours[0], -gap, (1.0, 0.5)), (favours[1], gap, (0.0, 0.5))):
            if not room:
                break
            item = pg.TextItem(text, color=GREY, anchor=anchor)
            item.setFont(figure_font(px * 0.9))
            item.setPos(x, favours_y)
            plot.addItem(item)
        return plot

    @staticmethod
    def _draw_estimate(plot: pg.PlotItem, row: ForestRow, y: float, px: float,
                       x_low: float, x_high: float) -> None:
        pen = pg.mkPen(BLACK, width=max(1.0, px * 0.12))
        low = max(math.log10(row.ci_lower), x_low) if row.ci_lower > 0 else x_low
        high = min(math.log10(row.ci_upper), x_high) if math.isfinite(row.ci_upper) else x_high
        plot.plot([low, high], [y, y], pen=pen)
        for clipped, end, angle in ((row.clipped_low, low, 0), (row.clipped_high, high, 180)):
            if clipped:
                plot.addItem(pg.ArrowItem(pos=(end, y), angle=angle, headLen=px * 0.7,
                                          headWidth=px * 0.5, tailLen=0, pen=pen,
                                          brush=BLACK))
        colour = ESTIMATE if row.label.startswith(" ") else BLACK
        # useCache=False: the square is drawn as a path, so SVG and PDF keep it as a vector
        plot.addItem(pg.ScatterPlotItem([math.log10(row.hr)], [y], symbol="s", size=px * 0.9,
                                        pen=pg.mkPen(None), brush=colour, useCache=False))


Text = tuple[str, float, float, bool]
"""(text, x: 0 = left-aligned at the left edge / 1 = right-aligned at the right, y, bold)."""


def _spaced_ticks(ticks: tuple[float, ...], units_per_px: float, px: float) -> list[float]:
    """The ticks whose labels do not crowd: 1 first, then outwards, each at least 2.2 font
    sizes from the ones kept."""
    kept = [1.0]
    for t in sorted(ticks, key=lambda v: abs(math.log10(v))):
        if all(abs(math.log10(t) - math.log10(k)) / units_per_px >= px * 2.2 for k in kept):
            kept.append(t)
    return sorted(kept)


COLUMNS_SHARE = 0.6  # text columns wider than this share of the figure: compact layout


def left_texts(model: ForestModel, compact: bool = False) -> list[Text]:
    """Subgroup labels (levels indented) and, unless ``compact``, n (events)."""
    title, counts, _, _ = model.column_titles
    texts: list[Text] = [(title, 0.0, 0.0, True)]
    if not compact:
        texts.append((counts, 1.0, 0.0, True))
    for i, row in enumerate(model.rows, start=1):
        label = "\u2003" + row.label.strip() if row.label.startswith(" ") else row.label
        texts.append((label, 0.0, -float(i), row.is_header))
        if row.counts_text and not compact:
            texts.append((row.counts_text, 1.0, -float(i), False))
    return texts


def right_texts(model: ForestModel, compact: bool = False) -> list[Text]:
    """HR (95% CI) on the estimate lines and the interaction p on the column lines (in the
    same column as "interaction p = ..." when ``compact``)."""
    _, _, estimate, p = model.column_titles
    texts: list[Text] = [(estimate, 0.0, 0.0, True)]
    if not compact:
        texts.append((p, 1.0, 0.0, True))
    for i, row in enumerate(model.rows, start=1):
        if row.estimate_text:
            texts.append((row.estimate_text, 0.0, -float(i), False))
        if row.p_text:
            texts.append((f"interaction p = {row.p_text}".replace("= <", "<") if compact
                          else row.p_text,
                          0.0 if compact else 1.0, -float(i), False))
    return texts


def _column_width(texts: list[Text], px: float) -> float:
    """Widest left-aligned text plus widest right-aligned text plus a gap."""
    widths = {0.0: 0.0, 1.0: 0.0}
    for text, x, _, bold in texts:
        widths[x] = max(widths[x], QFontMetricsF(figure_font(px, bold=bold))
                        .horizontalAdvance(text))
    return widths[0.0] + widths[1.0] + px * (2.5 if widths[1.0] else 1.0)


def _columns_width(model: ForestModel, px: float, compact: bool) -> float:
    return (_column_width(left_texts(model, compact), px)
            + _column_width(right_texts(model, compact), px))


# ------------------------------------------------------------------------------- files

def forest_height_mm(model: ForestModel, size: FigureSize) -> float:
    """Tall enough for every line and the axis: rows at 1.7 font sizes, plus margins."""
    if size.height_mm is not None:
        return size.height_mm
    line_mm = model.font_size * LINE_HEIGHT / 72 * MM_PER_INCH
    title = 2 if model.title else 0
    return (len(model.rows) + 2 + title + 3.0) * line_mm


def record_forest(model: ForestModel, width_mm: float, height_mm: float,
                  device_dpi: float) -> RecordedFigure:
    """Lay the forest out at its physical size in pixels of ``device_dpi`` and record it."""
    return record_widget(ForestFigureWidget(px_per_pt=device_dpi / 72),
                         lambda widget: widget.show_forest(model), width_mm, height_mm,
                         device_dpi)


def render_forest(result: AnalysisResult, stem: Path, formats: tuple[str, ...], *,
                  size: FigureSize = DEFAULT_SIZE, dpi: int = 300,
                  protect: tuple[Path, ...] = ()) -> list[Path]:
    """Write ``stem.<fmt>`` of the forest plot of ``result.subgroups`` for each format (one
    per comparison with more than two groups: ``stem_<group>.<fmt>``); nothing without
    subgroups. Returns the paths written."""
    if result.subgroups is None:
        return []
    groups = list(dict.fromkeys(e.group for e in result.subgroups.effects))
    written = []
    for group in groups:
        model = build_forest(result, group, font_size=size.font_pt)
        assert model is not None
        target = stem if len(groups) == 1 else stem.with_name(f"{stem.name}_{group}")
        height = forest_height_mm(model, size)
        recordings: dict[bool, RecordedFigure] = {}
        jobs = []
        for fmt in formats:
            raster = fmt in RASTER_FORMATS
            if raster and raster not in recordings:
                check_raster_size(size.width_mm, height, dpi)
            if raster not in recordings:
                recordings[raster] = record_forest(model, size.width_mm, height,
                                                   dpi if raster else LOGICAL_DPI)
            jobs.append((target.with_suffix(f".{fmt}"),
                         lambda r=recordings[raster], f=fmt: encode_figure(r, f, dpi)))
        written += run_jobs(jobs, protect)
    return written

