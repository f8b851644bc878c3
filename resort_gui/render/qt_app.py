"""One QApplication for the window and for headless figure rendering."""

from __future__ import annotations

import os
import sys

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from resort_gui.io.resources import resource_path
from resort_gui.render.qt_libraries import headless_platform_needed

FONT_FAMILY = "DejaVu Sans"


def ensure_app(argv: list[str] | None = None) -> QApplication:
    """The running QApplication, or a new one (offscreen when there is no display)."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY")
                                                  or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    elif headless_platform_needed():  # drawing files needs no X11; the window checked first
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    app = QApplication(argv or ["resort-gui"])
    app.setApplicationName("resort-gui")
    app.setOrganizationName("resort-gui")
    _load_fonts(app)
    return app


def _load_fonts(app: QApplication) -> None:
    """Register the bundled font so figures look the same on every machine."""
    for path in sorted(resource_path("fonts").glob("*.ttf")):
        QFontDatabase.addApplicationFont(str(path))
    if FONT_FAMILY in QFontDatabase.families():
        app.setFont(QFont(FONT_FAMILY, 9))


def figure_font(pixel_size: float, bold: bool = False) -> QFont:
    font = QFont(FONT_FAMILY)
    font.setPixelSize(max(1, round(pixel_size)))
    font.setBold(bold)
    return font
