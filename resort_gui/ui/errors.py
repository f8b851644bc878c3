"""Bugs become a plain dialog, never a traceback: the details go to the log file and can be
copied for the developers. User errors (``InputError``) are shown by the window itself."""

from __future__ import annotations

import sys
import threading
import traceback
from types import TracebackType

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from resort_gui.app.crash_log import write_crash_log

BUG_TEXT = ("Something went wrong inside resort-gui. Your data file was not changed. "
            "The details were written to {log}; please send that file to the developers.")


class CrashReporter(QObject):
    """Receives tracebacks from any thread and shows them in the GUI thread."""

    reported = Signal(str)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.window = parent
        self.reported.connect(self.show_dialog)  # queued when emitted from another thread
        self.shown = 0

    def report(self, details: str) -> None:
        self.reported.emit(details)

    def show_dialog(self, details: str) -> None:
        """Log ``details`` and tell the user in plain words, with "Copy details"."""
        log = write_crash_log(details)
        self.shown += 1
        box = QMessageBox(QMessageBox.Icon.Critical, "resort-gui: internal error",
                          BUG_TEXT.format(log=log), parent=self.window)
        box.setDetailedText(details)
        copy = box.addButton("Copy details", QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Close)
        copy.clicked.disconnect()  # keep the box open after copying
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(
            f"{BUG_TEXT.format(log=log)}\n\n{details}"))
        box.exec()

    def install(self) -> None:
        """Route uncaught exceptions of the GUI thread and of other threads here."""

        def on_exception(kind: type[BaseException], value: BaseException,
                         tb: TracebackType | None) -> None:
            if issubclass(kind, KeyboardInterrupt):
                sys.__excepthook__(kind, value, tb)
                return
            self.report("".join(traceback.format_exception(kind, value, tb)))

        def on_thread_exception(args: threading.ExceptHookArgs) -> None:
            if args.exc_type is SystemExit:
                return
            self.report("".join(traceback.format_exception(
                args.exc_type, args.exc_value, args.exc_traceback)))

        sys.excepthook = on_exception
        threading.excepthook = on_thread_exception
