"""``resort-gui [FILE | --demo] [--screenshot PATH]``: open the window.

With ``--screenshot PATH`` the window is laid out at its default size, the file or demo is
opened and analysed, and a PNG of the whole window is saved before the program exits 0
(for the README's picture and for checking the look headless).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from resort_gui.domain.errors import InputError
from resort_gui.render.qt_app import ensure_app

SCREENSHOT_TIMEOUT_MS = 120_000
SETTLE_MS = 400  # time for the last layout and paint after the analysis finished


class _WindowParser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise InputError("usage", f"{message} (see 'resort-gui --help')")


def window_parser() -> argparse.ArgumentParser:
    p = _WindowParser(prog="resort-gui",
                      description="Open the resort-gui window (or run 'resort-gui analyze' "
                                  "for the headless analysis).")
    p.add_argument("file", nargs="?", help="a spreadsheet or a .resort project to open")
    p.add_argument("--demo", action="store_true", help="open the demo trial, analysed")
    p.add_argument("--screenshot", metavar="PATH",
                   help="save a PNG of the window once the analysis is shown, then exit")
    p.add_argument("--size", default="1400x900", help="window size for --screenshot, WxH")
    p.add_argument("--tab", choices=SCREENSHOT_TABS, default=None,
                   help="the tab in front for --screenshot (default: the one the window "
                        "shows after the analysis)")
    return p


SCREENSHOT_TABS = ("data", "patients", "survival", "trial")


def run_window(argv: list[str]) -> int:
    """Open the main window; returns the exit code."""
    args = window_parser().parse_args(argv)
    if args.file and args.demo:
        raise InputError("usage", "give either a FILE or --demo, not both.")
    app = ensure_app(["resort-gui"])
    from resort_gui.ui.main_window import MainWindow

    window = MainWindow()
    window.crash_reporter.install()
    if args.screenshot:
        return _screenshot(app, window, args)
    window.show()
    if not window.offer_restore():
        _open_requested(window, args)
    return app.exec()


def _open_requested(window: object, args: argparse.Namespace) -> None:
    if args.demo:
        window.open_demo()  # type: ignore[attr-defined]
    elif args.file:
        window.open_path(Path(args.file))  # type: ignore[attr-defined]


def _screenshot(app: QApplication, window: object, args: argparse.Namespace) -> int:
    """Lay out, open, wait for the analysis, grab the window, save the PNG."""
    from resort_gui.ui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    width, height = _size(args.size)
    window.resize(width, height)
    outcome: dict[str, object] = {"code": None}

    def grab() -> None:
        if args.tab is not None:
            window.tabs.setCurrentIndex(SCREENSHOT_TABS.index(args.tab))
            for _ in range(5):
                app.processEvents()
        path = Path(args.screenshot)
        path.parent.mkdir(parents=True, exist_ok=True)
        ok = window.grab().save(str(path), "PNG")
        if not ok:
            print(f"error: could not write {path}", file=sys.stderr)
        outcome["code"] = 0 if ok else 1
        app.quit()

    def failed(_code: str, message: str) -> None:
        print(f"error: {message}", file=sys.stderr)
        outcome["code"] = 2
        app.quit()

    session = window.session
    session.load_failed.disconnect()
    session.load_failed.connect(failed)
    session.result_changed.connect(lambda: QTimer.singleShot(SETTLE_MS, grab))
    if not (args.demo or args.file):
        QTimer.singleShot(SETTLE_MS, grab)
    QTimer.singleShot(SCREENSHOT_TIMEOUT_MS, lambda: failed("timeout", "timed out waiting "
                                                            "for the analysis."))
    window.show()
    _open_requested(window, args)
    app.exec()
    window.session.tasks.cancel()
    window.session.tasks.wait()
    return int(outcome["code"] or 0)


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise InputError("usage", f"--size takes WIDTHxHEIGHT, e.g. 1400x900; got {text!r}.") \
            from None
    return width, height
