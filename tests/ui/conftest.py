"""Qt fixtures for the window tests: an isolated settings store and crash log, dialogs that
never block (their calls are recorded), and a shown main window."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QSettings, QThreadPool
from PySide6.QtWidgets import QMessageBox

from tests.reference import REFERENCE_DIR

LUNG = REFERENCE_DIR / "lung__data.csv"
TIMEOUT_MS = 30_000


@dataclass
class Dialogs:
    """What the window asked or told the user; ``answer`` is what a question returns."""

    messages: list[tuple[str, str, str]] = field(default_factory=list)
    answer: QMessageBox.StandardButton = QMessageBox.StandardButton.Discard
    save_path: str = ""
    open_path: str = ""
    text: tuple[str, bool] = ("", False)

    def kinds(self) -> list[str]:
        return [kind for kind, _, _ in self.messages]


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qapp: object) -> Iterator[None]:
    """Settings and the crash log in the test's own folder; after the test, no worker still
    running and no deferred deletion left over for the next test (a worker finishing into a
    widget that the next test's event loop deletes crashed Python in teardown)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # the autosave
    monkeypatch.delenv("LOCALAPPDATA", raising=False)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(tmp_path / "settings"))
    QCoreApplication.setOrganizationName("resort-gui-tests")
    yield
    QThreadPool.globalInstance().waitForDone(TIMEOUT_MS)
    QCoreApplication.processEvents()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch) -> Dialogs:
    """Replace every modal dialog the window uses by a recorder."""
    from PySide6.QtWidgets import QFileDialog, QInputDialog

    record = Dialogs()

    def message(kind: str):
        def show(_parent: object, title: str, text: str, *args: object, **kwargs: object):
            record.messages.append((kind, title, text))
            return record.answer if kind == "question" else QMessageBox.StandardButton.Ok
        return show

    for kind in ("warning", "information", "critical", "question"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(message(kind)))
    monkeypatch.setattr(QMessageBox, "exec", lambda self: record.messages.append(
        ("exec", self.windowTitle(), self.text())) or 0)
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (record.save_path, "")))
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (record.open_path, "")))
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: record.text))
    return record


@pytest.fixture
def window(qtbot, dialogs: Dialogs) -> Iterator[object]:
    from resort_gui.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.session.tasks.cancel()
    window.session.tasks.wait()
    window.session.undo_stack.setClean()  # no unsaved-changes prompt when the test ends


def wait_for_result(qtbot, window: object) -> object:
    """Wait until the session has a result and no work is running; return the result."""
    session = window.session  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: session.result is not None and not session.tasks.is_busy()
                    and not session._analysis_timer.isActive(), timeout=TIMEOUT_MS)
    return session.result


def wait_idle(qtbot, window: object) -> None:
    session = window.session  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: not session.tasks.is_busy()
                    and not session._analysis_timer.isActive(), timeout=TIMEOUT_MS)
