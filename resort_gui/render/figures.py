"""Render the Kaplan-Meier figure to PNG, TIFF, SVG and PDF at a physical size.

The figure widget the window shows is laid out at the file's size and recorded once as paint
commands (a ``QPicture``); the recording is then painted onto the file's device, in any thread.
Raster formats are laid out at their final pixel size (pyqtgraph draws legends, ticks and
symbols in device pixels, so a small scene cannot be scaled up) and their DPI is written into
the image after painting. Vectors are laid out at 96 logical dpi, which is the resolution of
every device painted on: pyqtgraph caches its axes as ``QPicture``s, and playing those on a
device of another resolution rescales their text. SVG and PDF keep text as text with the
font embedded (PDF by Qt; SVG as a subset ``@font-face``), so they look the same elsewhere.
"""

from __future__ import annotations

import base64
import io
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

import shiboken6
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QImage,
    QImageWriter,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPicture,
)
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QApplication, QGraphicsView

from resort_gui import __version__
from resort_gui.domain.results import AnalysisResult
from resort_gui.export.figure_options import (
    DEFAULT_SIZE,
    MM_PER_INCH,
    RASTER_FORMATS,
    FigureSize,
    check_raster_size,
    figure_height_mm,
)
from resort_gui.export.safe_write import write_atomically
from resort_gui.io.resources import resource_path
from resort_gui.present.figure import FigureModel, FigureStyle, build_figure
from resort_gui.render.km_plot import KMFigureWidget, header_layout
from resort_gui.render.qt_app import ensure_app

LOGICAL_DPI = 96.0
SVG_FONTS = {"400": "DejaVuSans.ttf", "700": "DejaVuSans-Bold.ttf"}  # font-weight: file
SVG_NS = "{http://www.w3.org/2000/svg}"


@dataclass(frozen=True)
class RecordedFigure:
    """A figure laid out at its physical size and recorded as paint commands; painting it
    is thread-safe (QPainter on QImage, QPdfWriter and QSvgGenerator)."""

    picture: QPicture
    width_px: int
    height_px: int
    width_mm: float
    height_mm: float


FigureBuilder = Callable[[AnalysisResult, FigureStyle], FigureModel]


def figure_model(result: AnalysisResult, size: FigureSize = DEFAULT_SIZE,
                 style: FigureStyle | None = None,
                 build: FigureBuilder = build_figure) -> FigureModel:
    """The figure of ``result`` (``build``: the Kaplan-Meier figure, or
    ``figure.build_cif_figure``) with its text set at the size's font size."""
    return build(result, replace(style or FigureStyle(), font_size=size.font_pt))


def figure_height(model: FigureModel, size: FigureSize) -> float:
    """The figure's height in mm at ``size``: the legend and the risk table add lines."""
    ensure_app()  # the legend's rows depend on font metrics
    risk_lines = sum(len(b.rows) + 1 for b in model.risk_blocks)
    px = model.font_size * LOGICAL_DPI / 72
    content_width = size.width_mm / MM_PER_INCH * LOGICAL_DPI - px * 2.2  # layout margins
    header = header_layout(model, content_width, px)
    return figure_height_mm(size, header.lines + (1 if model.title else 0), risk_lines)


def record_figure(model: FigureModel, width_mm: float, height_mm: float,
                  device_dpi: float) -> RecordedFigure:
    """Lay the figure out at ``width_mm`` x ``height_mm`` in pixels of ``device_dpi`` and record
    it. GUI thread only (it builds a widget)."""
    return record_widget(KMFigureWidget(px_per_pt=device_dpi / 72),
                         lambda widget: widget.show_figure(model), width_mm, height_mm,
                         device_dpi)


def record_widget(widget: QGraphicsView, draw: Callable[[QGraphicsView], None],
                  width_mm: float, height_mm: float, device_dpi: float) -> RecordedFigure:
    """Size ``widget`` to the physical size in pixels of ``device_dpi``, ``draw`` into it, lay
    it out and record its scene as paint commands; the widget is deleted afterwards."""
    ensure_app()
    try:
        widget.resize(QSize(round(width_mm / MM_PER_INCH * device_dpi),
                            round(height_mm / MM_PER_INCH * device_dpi)))
        draw(widget)
        _settle(widget)
        picture = QPicture()
        painter = QPainter(picture)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            rect = QRectF(0, 0, widget.width(), widget.height())
            widget.scene().render(painter, rect, rect)
        finally:
            painter.end()
        return RecordedFigure(picture, widget.width(), widget.height(), width_mm, height_mm)
    finally:
        widget.close()
        # deleted now: a deleteLater left pending ran at a later test's event loop turn and
        # aborted Python ("pure virtual method called") in about one run in four
        shiboken6.delete(widget)


def _settle(widget: KMFigureWidget) -> None:
    """Let Qt lay the figure out at its size: pyqtgraph lays out only a shown widget, so it
    is shown without ever reaching the screen."""
    widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    widget.setUpdatesEnabled(False)  # laid out, never painted: no full-size backing store
    widget.show()
    for _ in range(3):
        QApplication.processEvents()


def record_for(model: FigureModel, size: FigureSize, fmt: str, dpi: int) -> RecordedFigure:
    """The recording a file of ``fmt`` is painted from: rasters at ``dpi``, vectors at 96."""
    height = figure_height(model, size)
    if fmt in RASTER_FORMATS:
        check_raster_size(size.width_mm, height, dpi)
        return record_figure(model, size.width_mm, height, dpi)
    return record_figure(model, size.width_mm, height, LOGICAL_DPI)


FileJob = tuple[Path, Callable[[], bytes]]
"""A file to write and the function that makes its bytes (thread-safe)."""


def figure_jobs(result: AnalysisResult, stem: Path, formats: tuple[str, ...], *,
                size: FigureSize = DEFAULT_SIZE, dpi: int = 300,
                style: FigureStyle | None = None,
                build: FigureBuilder = build_figure) -> list[FileJob]:
    """Lay the figure out and record it (GUI thread; fast), returning one job per format
    whose encoding (the slow part) may run in a worker."""
    model = figure_model(result, size, style, build)
    recordings: dict[bool, RecordedFigure] = {}
    jobs: list[FileJob] = []
    for fmt in formats:
        raster = fmt in RASTER_FORMATS
        if raster not in recordings:
            recordings[raster] = record_for(model, size, fmt, dpi)
        jobs.append((stem.with_suffix(f".{fmt}"),
                     partial(encode_figure, recordings[raster], fmt, dpi)))
    return jobs


def run_jobs(jobs: list[FileJob], protect: tuple[Path, ...] = ()) -> list[Path]:
    """Make each job's bytes and write them atomically; returns the paths written."""
    for path, make in jobs:
        data = make()
        write_atomically(path, lambda h, d=data: h.write(d), binary=True, protect=protect)
    return [path for path, _ in jobs]


def render_figure(result: AnalysisResult, stem: Path, formats: tuple[str, ...], *,
                  size: FigureSize = DEFAULT_SIZE, dpi: int = 300,
                  style: FigureStyle | None = None,
                  protect: tuple[Path, ...] = (),
                  build: FigureBuilder = build_figure) -> list[Path]:
    """Write ``stem.<fmt>`` for each format; returns the paths written."""
    return run_jobs(figure_jobs(result, stem, formats, size=size, dpi=dpi, style=style,
                                build=build), protect)


def encode_figure(figure: RecordedFigure, fmt: str, dpi: int) -> bytes:
    """The file's bytes; thread-safe."""
    if fmt in RASTER_FORMATS:
        return _encode_raster(raster_image(figure, dpi), fmt)
    return {"svg": _svg, "pdf": _pdf}[fmt](figure)


def raster_image(figure: RecordedFigure, dpi: int) -> QImage:
    """The recording painted pixel for pixel on a white image that says it is ``dpi``."""
    image = QImage(figure.width_px, figure.height_px, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    try:
        figure.picture.play(painter)
    finally:
        painter.end()
    dots_per_metre = round(dpi / 0.0254)  # only after painting: the image must paint at
    image.setDotsPerMeterX(dots_per_metre)  # 96 dpi like the recording
    image.setDotsPerMeterY(dots_per_metre)
    return image


def _encode_raster(image: QImage, fmt: str) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(buffer, fmt.encode())
    if fmt == "tiff":
        writer.setCompression(1)  # LZW: lossless, and what journals' systems accept
    if not writer.write(image):
        raise RuntimeError(f"Qt could not encode the figure as {fmt}: {writer.errorString()}")
    buffer.close()
    return bytes(data.data())


def _svg(figure: RecordedFigure) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(QSize(figure.width_px, figure.height_px))
    generator.setViewBox(QRectF(0, 0, figure.width_px, figure.height_px))
    generator.setResolution(round(LOGICAL_DPI))
    generator.setTitle("Kaplan-Meier curves")
    generator.setDescription(f"resort-gui {__version__}")
    painter = QPainter(generator)
    try:
        figure.picture.play(painter)
    finally:
        painter.end()
    buffer.close()
    return embed_svg_fonts(bytes(data.data()))


def embed_svg_fonts(svg: bytes) -> bytes:
    """Add an ``@font-face`` with the subset of DejaVu Sans the text uses, so the SVG looks
    the same on a machine without the font while its text stays text."""
    from fontTools import subset

    root = ET.fromstring(svg)
    used: dict[str, set[str]] = {}
    for group in root.iter(f"{SVG_NS}g"):
        for text in group.findall(f"{SVG_NS}text"):
            weight = text.get("font-weight") or group.get("font-weight") or "400"
            used.setdefault(weight, set()).update(text.text or "")
    rules = []
    for weight, chars in sorted(used.items()):
        options = subset.Options()
        options.flavor = "woff"
        options.drop_tables += ["FFTM"]  # FontForge's timestamp: nothing to subset
        path = resource_path("fonts") / SVG_FONTS.get(weight, SVG_FONTS["400"])
        font = subset.load_font(io.BytesIO(path.read_bytes()), options)  # no file left open
        subsetter = subset.Subsetter(options)
        subsetter.populate(text="".join(sorted(chars)) + " 0123456789")
        subsetter.subset(font)
        out = io.BytesIO()
        subset.save_font(font, out, options)
        encoded = base64.b64encode(out.getvalue()).decode("ascii")
        rules.append(f'@font-face {{ font-family: "DejaVu Sans"; font-weight: {weight}; '
                     f'src: url(data:font/woff;base64,{encoded}) format("woff"); }}')
    style = f'<style type="text/css"><![CDATA[\n{chr(10).join(rules)}\n]]></style>'
    return svg.replace(b"<defs>", b"<defs>\n" + style.encode("ascii"), 1)


def _pdf(figure: RecordedFigure) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(round(LOGICAL_DPI))
    writer.setPageLayout(QPageLayout(
        QPageSize(QSizeF(figure.width_mm, figure.height_mm), QPageSize.Unit.Millimeter),
        QPageLayout.Orientation.Portrait, QMarginsF(0, 0, 0, 0)))
    writer.setCreator(f"resort-gui {__version__}")
    writer.setTitle("Kaplan-Meier curves")
    painter = QPainter(writer)
    try:
        figure.picture.play(painter)
    finally:
        painter.end()
    buffer.close()
    return bytes(data.data())
