"""Autosave: the analysis (never the data) is written every minute and on every change to a
project file in the user's application-data folder, and removed when the window closes
normally. A file still there at the next start means the program did not close normally
(a crash, a dead battery): the window offers to restore it.

The autosave is an ordinary ``.resort`` project (``save_project``: JSON, atomic write): the
data file's path and SHA-256, the roles, settings, exclusions (row numbers and reasons) and
the figure's style. No cell of the data is in it.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, QTimer

from resort_gui.project import PROJECT_SUFFIX, save_project
from resort_gui.ui.controller import SessionController

INTERVAL_MS = 60_000
FILE_NAME = f"autosave{PROJECT_SUFFIX}"


def autosave_folder() -> Path:
    """``QStandardPaths.AppDataLocation``/autosave (e.g. ~/.local/share/<org>/<app>)."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or Path.home() / ".resort-gui") / "autosave"


class Autosave(QObject):
    """Keeps ``autosave_folder()/autosave.resort`` equal to the session's analysis."""

    def __init__(self, session: SessionController, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.path = autosave_folder() / FILE_NAME
        self.failure = ""  # why the last autosave could not be written, if it failed
        self.timer = QTimer(self, interval=INTERVAL_MS)
        self.timer.timeout.connect(self.save_now)
        session.table_loaded.connect(self.save_now)
        session.undo_stack.indexChanged.connect(self.save_now)
        self.timer.start()

    def pending(self) -> Path | None:
        """The autosave left by a session that did not close normally, if any."""
        return self.path if self.path.is_file() else None

    def save_now(self) -> None:
        """Write the current analysis (nothing when no table is open)."""
        session = self.session
        if session.project is None or session.raw is None:
            return
        project = replace(session.project, data_sha256=session.raw.sha256)
        try:
            save_project(project, self.path)
            self.failure = ""
        except OSError as error:  # a full or read-only disk must not stop the analysis
            self.failure = f"{self.path}: {os.strerror(error.errno or 0)}"

    def discard(self) -> None:
        """The session ended normally (or its work was deliberately dropped); if the file
        cannot be removed, the next start merely offers it back."""
        with contextlib.suppress(OSError):
            self.path.unlink(missing_ok=True)
