"""The Qt binding itself: PySide6 6.12.0 on Python 3.11 dropped one reference to None on
every void Qt call, and Python aborted ("none_dealloc") after a few figures. pyproject.toml
keeps that release out; this test fails if a release with the same fault comes back."""

import sys

from PySide6.QtGui import QColor, QImage, QPainter, QPen

from resort_gui.render.qt_app import ensure_app


def test_void_qt_calls_keep_none_alive() -> None:
    ensure_app()
    image = QImage(8, 8, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    try:
        before = sys.getrefcount(None)
        for _ in range(500):
            painter.setPen(QPen())
            painter.drawLine(0, 0, 1, 1)
        after = sys.getrefcount(None)
    finally:
        painter.end()
    assert after - before > -100
