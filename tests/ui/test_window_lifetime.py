"""Windows opened, analysed, exported and closed in a loop: no Qt object is freed on a pool
thread (issue 21.1: a segmentation fault in about one full test run in two)."""

from __future__ import annotations

import gc
import threading
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QThreadPool

from resort_gui.ui.export_dialog import ExportDialog
from resort_gui.ui.main_window import MainWindow
from resort_gui.ui.workers import Progress, TaskRunner
from tests.ui.conftest import TIMEOUT_MS, wait_for_result

ROUNDS = 4


def test_cyclic_garbage_is_collected_on_the_gui_thread_only(qtbot) -> None:
    runner = TaskRunner()
    collected_on: set[str] = set()

    class Cycle:
        def __init__(self) -> None:
            self.me = self

        def __del__(self) -> None:
            collected_on.add(threading.current_thread().name)

    def make_garbage(_progress: Progress) -> int:
        for _ in range(20_000):  # far over generation 0's threshold: would trigger a collection
            Cycle()
        return 0

    runner.start("work", "garbage", make_garbage, lambda _: None, lambda _: None)
    qtbot.waitUntil(lambda: not runner.is_busy(), timeout=TIMEOUT_MS)
    assert not gc.isenabled()
    qtbot.waitUntil(lambda: bool(collected_on), timeout=TIMEOUT_MS)
    gc.collect()
    assert collected_on == {threading.main_thread().name}


def test_windows_opened_analysed_exported_and_closed_in_a_loop(qtbot, dialogs, tmp_path: Path):
    for round_ in range(ROUNDS):
        window = MainWindow()
        window.resize(1280, 720)
        window.show()
        with qtbot.waitSignal(window.session.table_loaded, timeout=TIMEOUT_MS):
            window.open_demo()
        result = wait_for_result(qtbot, window)
        dialog = ExportDialog(result, parent=window, folder=tmp_path / str(round_))
        for fmt, box in dialog.format_boxes.items():
            box.setChecked(fmt in ("png", "svg"))
        dialog.report_box.setChecked(round_ == 0)
        dialog.update_preview()
        with qtbot.waitSignal(dialog.exported, timeout=60_000) as blocker:
            dialog.export_button.click()
        assert all(p.is_file() for p in blocker.args[0])
        dialog.close()
        window.session.tasks.cancel()
        window.session.tasks.wait()
        window.session.undo_stack.setClean()
        window.close()
        window.deleteLater()
        QThreadPool.globalInstance().waitForDone(TIMEOUT_MS)
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        qtbot.wait(300)  # the collector's timer runs
