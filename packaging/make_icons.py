"""Draw the app icon (two Kaplan-Meier step curves on a rounded tile) with Qt and write
``icons/resort-gui.png`` (256 px, Linux), ``.ico`` (Windows) and ``.icns`` (macOS).

The icons are committed; rerun this only to change them::

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/make_icons.py

ICO and ICNS hold PNG images (Windows Vista and macOS 10.7 onwards read them), so the two
containers are written here in a few lines, with no imaging library.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPainterPath, QPen

ICONS = Path(__file__).resolve().parent / "icons"
NAME = "resort-gui"
TILE = QColor("#1f4e79")
CURVES = ((QColor("#f2a541"), ((0, 1.0), (0.12, 0.74), (0.3, 0.52), (0.5, 0.34), (0.7, 0.22),
                                (1.0, 0.22))),
          (QColor("#ffffff"), ((0, 1.0), (0.2, 0.88), (0.42, 0.76), (0.64, 0.66), (0.84, 0.6),
                                (1.0, 0.6))))
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_TYPES = ((b"icp4", 16), (b"icp5", 32), (b"icp6", 64), (b"ic07", 128), (b"ic08", 256),
              (b"ic09", 512), (b"ic10", 1024))


def draw(size: int) -> QImage:
    """The icon at ``size`` pixels: strokes scale with the size, never thinner than 1.5 px."""
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        inset = size * 0.04
        tile = QRectF(inset, inset, size - 2 * inset, size - 2 * inset)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(TILE)
        painter.drawRoundedRect(tile, size * 0.18, size * 0.18)
        plot = tile.adjusted(size * 0.16, size * 0.18, -size * 0.12, -size * 0.2)
        _draw_axes(painter, plot, size)
        for color, steps in CURVES:
            _draw_steps(painter, plot, steps, color, size)
    finally:
        painter.end()
    return image


def _draw_axes(painter: QPainter, plot: QRectF, size: int) -> None:
    pen = QPen(QColor(255, 255, 255, 150), max(1.0, size * 0.025))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    painter.drawLine(plot.bottomLeft() + QPointF(-size * 0.04, 0), plot.bottomRight())
    painter.drawLine(plot.bottomLeft() + QPointF(-size * 0.04, 0),
                     plot.topLeft() + QPointF(-size * 0.04, 0))


def _draw_steps(painter: QPainter, plot: QRectF, steps: tuple[tuple[float, float], ...],
                color: QColor, size: int) -> None:
    """A right-continuous step function through ``steps`` (x, survival) in plot units."""
    def point(x: float, y: float) -> QPointF:
        return QPointF(plot.left() + x * plot.width(), plot.bottom() - y * plot.height())

    path = QPainterPath(point(*steps[0]))
    for (_, y_before), (x, y) in zip(steps, steps[1:], strict=False):
        path.lineTo(point(x, y_before))
        path.lineTo(point(x, y))
    pen = QPen(color, max(1.5, size * 0.045))
    pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(path)


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def ico(images: dict[int, bytes]) -> bytes:
    """ICONDIR + one ICONDIRENTRY per PNG (width/height 0 means 256)."""
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries, blobs = b"", b""
    for size, png in images.items():
        side = 0 if size >= 256 else size
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        blobs += png
        offset += len(png)
    return header + entries + blobs


def icns(images: dict[bytes, bytes]) -> bytes:
    """'icns' + total length, then (type, length incl. 8-byte header, PNG) per image."""
    body = b"".join(kind + struct.pack(">I", len(png) + 8) + png for kind, png in images.items())
    return b"icns" + struct.pack(">I", len(body) + 8) + body


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841
    ICONS.mkdir(exist_ok=True)
    (ICONS / f"{NAME}.png").write_bytes(png_bytes(draw(256)))
    (ICONS / f"{NAME}.ico").write_bytes(ico({s: png_bytes(draw(s)) for s in ICO_SIZES}))
    (ICONS / f"{NAME}.icns").write_bytes(icns({k: png_bytes(draw(s)) for k, s in ICNS_TYPES}))
    for path in sorted(ICONS.iterdir()):
        print(f"{path.name}: {path.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
