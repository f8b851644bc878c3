"""Render the Kaplan-Meier figure to PNG, TIFF, SVG and PDF at a physical size.

The figure widget is laid out at the physical size in logical pixels (96 per inch), then its
scene is painted onto the file's device: raster formats scaled to the DPI (which is written
into the file), vectors with text kept as text.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, QSize, QSizeF
from PySide6.QtGui import QColor, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter
from PySide6.QtSvg import QSvgGenerator

from resort_gui.domain.results import AnalysisResult
from resort_gui.export.safe_write import write_atomically
from resort_gui.figure import FigureModel, FigureStyle, build_figure
from resort_gui.ui.km_plot import KMFigureWidget
from resort_gui.ui.qt_app import ensure_app

LOGICAL_DPI = 96.0
MM_PER_INCH = 25.4


def render_km_figure(result: AnalysisResult, stem: Path, formats: tuple[str, ...], *,
                     width_mm: float = 175.0, height_mm: float | None = None,
                     dpi: int = 300, style: FigureStyle | None = None,
                     protect: tuple[Path, ...] = ()) -> list[Path]:
    """Write ``stem.<fmt>`` for each format; returns the paths written."""
    ensure_app()
    model = build_figure(result, style)
    rows = sum(len(b.rows) for b in model.risk_blocks)
    height_mm = height_mm or width_mm * 0.62 + rows * 4.5 + len(model.risk_blocks) * 5
    written = []
    for fmt in formats:
        device_dpi = dpi if fmt in RASTER_FORMATS else LOGICAL_DPI
        widget = _laid_out(model, width_mm, height_mm, device_dpi)
        try:
            data = _RENDERERS[fmt](widget, width_mm, height_mm, dpi)
        finally:
            widget.close()
            widget.deleteLater()
        path = stem.with_suffix(f".{fmt}")
        write_atomically(path, lambda h, d=data: h.write(d), binary=True, protect=protect)
        written.append(path)
    return written


def _laid_out(model: FigureModel, width_mm: float, height_mm: float,
              device_dpi: float) -> KMFigureWidget:
    """The figure laid out at its physical size in pixels of ``device_dpi``."""
    widget = KMFigureWidget(px_per_pt=device_dpi / 72)
    widget.resize(QSize(round(width_mm / MM_PER_INCH * device_dpi),
                        round(height_mm / MM_PER_INCH * device_dpi)))
    widget.show_figure(model)
    _settle(widget)
    return widget


RASTER_FORMATS = ("png", "tiff")


def _settle(widget: KMFigureWidget) -> None:
    """Let Qt lay the figure out at its size before it is painted: pyqtgraph lays out only
    a shown widget, so it is shown without ever reaching the screen."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    widget.show()
    for _ in range(3):
        QApplication.processEvents()


def _paint(widget: KMFigureWidget, painter: QPainter, target: QRectF) -> None:
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    widget.scene().render(painter, target, QRectF(0, 0, widget.width(), widget.height()))


def _raster(fmt: str):
    def render(widget: KMFigureWidget, width_mm: float, height_mm: float, dpi: int) -> bytes:
        image = QImage(widget.size(), QImage.Format.Format_ARGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)  # one scene pixel to one image pixel
        try:
            _paint(widget, painter, QRectF(image.rect()))
        finally:
            painter.end()
        dots_per_metre = round(dpi / 0.0254)  # written into the file only after painting:
        image.setDotsPerMeterX(dots_per_metre)  # painting at another device DPI re-lays out
        image.setDotsPerMeterY(dots_per_metre)  # the text of pyqtgraph's axes
        return _encode(image, fmt)

    return render


def _encode(image: QImage, fmt: str) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, fmt.upper()):
        raise RuntimeError(f"Qt could not encode the figure as {fmt}")
    buffer.close()
    return bytes(data.data())


def _svg(widget: KMFigureWidget, width_mm: float, height_mm: float, dpi: int) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(QSize(widget.width(), widget.height()))
    generator.setViewBox(QRectF(0, 0, widget.width(), widget.height()))
    generator.setResolution(round(LOGICAL_DPI))
    generator.setTitle("Kaplan-Meier curves")
    generator.setDescription("resort-gui")
    painter = QPainter(generator)
    try:
        _paint(widget, painter, QRectF(0, 0, widget.width(), widget.height()))
    finally:
        painter.end()
    buffer.close()
    return bytes(data.data())


def _pdf(widget: KMFigureWidget, width_mm: float, height_mm: float, dpi: int) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(round(LOGICAL_DPI))  # vectors: the scene's own units, no re-layout
    writer.setPageLayout(QPageLayout(QPageSize(QSizeF(width_mm, height_mm),
                                               QPageSize.Unit.Millimeter),
                                     QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0)))
    writer.setCreator("resort-gui")
    painter = QPainter(writer)
    try:
        target = QRectF(0, 0, writer.width(), writer.height())
        _paint(widget, painter, target)
    finally:
        painter.end()
    buffer.close()
    return bytes(data.data())


_RENDERERS = {"png": _raster("png"), "tiff": _raster("tiff"), "svg": _svg, "pdf": _pdf}
