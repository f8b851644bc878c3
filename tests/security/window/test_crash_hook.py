"""The global exception hooks: an uncaught exception in the GUI thread or in another thread
becomes the plain dialog, its traceback goes to the log (without the data), and the window
goes on working."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest

from resort_gui.app.crash_log import log_dir
from resort_gui.ui.main_window import MainWindow
from tests.ui.conftest import Dialogs, wait_for_result


def test_uncaught_exceptions_become_a_dialog_and_the_window_lives_on(
        qtbot, window: MainWindow, dialogs: Dialogs, monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    window.crash_reporter.install()
    try:
        raise ZeroDivisionError("in the GUI thread")
    except ZeroDivisionError:
        sys.excepthook(*sys.exc_info())
    worker = threading.Thread(target=lambda: 1 / 0, name="worker")
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: window.crash_reporter.shown == 2, timeout=10_000)
    assert [kind for kind, _, _ in dialogs.messages] == ["exec", "exec"]
    assert all("Traceback" not in text for _, _, text in dialogs.messages)
    log = (log_dir() / "resort-gui.log").read_text(encoding="utf-8")
    assert "in the GUI thread" in log and log.count("ZeroDivisionError") >= 2
    assert log_dir().is_relative_to(tmp_path)
    window.open_demo()  # the window is still usable
    assert wait_for_result(qtbot, window) is not None
