"""Autosave: the analysis (never the data) is written every minute and on every change to a
project file in the user's application-data folder, and removed when the window closes
normally. A file still there at the next start means the program did not close normally
(a crash, a dead battery): the window offers to restore it.

Each window has its own file, held by a lock file (``QLockFile``: the program's process id)
while it lives: two programs open at once neither overwrite nor delete each other's work,
and only the file of a program that is no longer running is offered back.

The autosave is an ordinary ``.resort`` project (``save_project``: JSON, atomic write): the
data file's path and SHA-256, the roles, settings, exclusions (row numbers and reasons) and
the figure's style. No cell of the data is in it.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, QStandardPaths, QTimer

from resort_gui.export.project import PROJECT_SUFFIX, save_project
from resort_gui.ui.controller import SessionController

INTERVAL_MS = 60_000
FILE_PATTERN = f"autosave*{PROJECT_SUFFIX}"  # autosave-<id>.resort (autosave.resort before)


def autosave_folder() -> Path:
    """``QStandardPaths.AppDataLocation``/autosave (e.g. ~/.local/share/<org>/<app>)."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or Path.home() / ".resort-gui") / "autosave"


class Autosave(QObject):
    """Keeps this window's autosave file equal to the session's analysis."""

    def __init__(self, session: SessionController, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.path = autosave_folder() / f"autosave-{uuid.uuid4().hex[:12]}{PROJECT_SUFFIX}"
        self.lock = _lock_of(self.path)
        self.failure = ""  # why the last autosave could not be written, if it failed
        self.timer = QTimer(self, interval=INTERVAL_MS)
        self.timer.timeout.connect(self.save_now)
        session.table_loaded.connect(self.save_now)
        session.undo_stack.indexChanged.connect(self.save_now)
        self.timer.start()

    def pending(self) -> Path | None:
        """The newest autosave left by a program that did not close normally and is no
        longer running, if any."""
        found = sorted(autosave_folder().glob(FILE_PATTERN), reverse=True,
                       key=lambda p: p.stat().st_mtime if p.exists() else 0.0)
        return next((p for p in found if p != self.path and _orphaned(p)), None)

    def save_now(self) -> None:
        """Write the current analysis (nothing when no table is open)."""
        session = self.session
        if session.project is None or session.raw is None:
            return
        project = replace(session.project, data_sha256=session.raw.sha256)
        try:
            self._hold()
            save_project(project, self.path)
            self.failure = ""
        except OSError as error:  # a full or read-only disk must not stop the analysis
            self.failure = f"{self.path}: {os.strerror(error.errno or 0)}"

    def adopt(self, path: Path) -> Path:
        """Take over ``pending()``'s file as this window's own (to restore it); returns this
        window's file."""
        self._hold()
        os.replace(path, self.path)
        return self.path

    def forget(self, path: Path) -> None:
        """Delete ``pending()``'s file: its analysis was deliberately dropped."""
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)

    def discard(self) -> None:
        """The session ended normally (or its work was deliberately dropped); if the file
        cannot be removed, the next start merely offers it back."""
        self.forget(self.path)
        self.lock.unlock()

    def _hold(self) -> None:
        """Lock this window's file before it is first written."""
        if not self.lock.isLocked():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if not self.lock.tryLock(0):
                raise OSError(self.lock.error().value, "the autosave's lock file")


def _lock_of(path: Path) -> QLockFile:
    lock = QLockFile(str(path) + ".lock")
    lock.setStaleLockTime(0)  # stale only when its program is gone, however old
    return lock


def _orphaned(path: Path) -> bool:
    """Whether no running program holds ``path`` (its lock file is missing or stale)."""
    lock = _lock_of(path)
    if not lock.tryLock(0):
        return False
    lock.unlock()
    return True
