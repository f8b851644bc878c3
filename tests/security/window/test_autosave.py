"""Crash safety: the analysis (never the data) is autosaved on every change and every
minute, the file is a project (atomic JSON), it is offered back after a crash and restored
as unsaved work, and it is removed when the window closes normally."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from resort_gui.io import read_table
from resort_gui.io.demo import demo_path
from resort_gui.ui.autosave import INTERVAL_MS, autosave_folder
from resort_gui.ui.main_window import MainWindow
from tests.ui.conftest import Dialogs, wait_for_result


def _autosaved(window: MainWindow) -> dict:
    return json.loads(window.autosave.path.read_text(encoding="utf-8"))


def test_autosave_lives_in_the_app_data_folder(window: MainWindow, tmp_path: Path) -> None:
    assert window.autosave.path.parent == autosave_folder()
    assert autosave_folder().is_relative_to(tmp_path / "data")  # XDG_DATA_HOME in the tests
    assert window.autosave.timer.isActive() and window.autosave.timer.interval() == INTERVAL_MS
    assert window.autosave.pending() is None and not window.autosave.path.exists()


def test_every_change_is_autosaved_without_patient_rows(qtbot, window: MainWindow) -> None:
    window.open_demo()
    result = wait_for_result(qtbot, window)
    assert _autosaved(window)["spec"]["exclusions"] == []
    row = int(result.cohort.row[3])
    window.session.exclude([row], "withdrew consent")
    assert _autosaved(window)["spec"]["exclusions"] == [{"row": row,
                                                        "reason": "withdrew consent"}]
    window.session.undo_stack.undo()
    assert _autosaved(window)["spec"]["exclusions"] == []
    text = window.autosave.path.read_text(encoding="utf-8")
    frame = read_table(demo_path(), sheet="patients").frame
    for column in ("patient_id", "age", "date_randomisation"):
        cells = {str(v) for v in frame[column].dropna()} | {
            str(v.date()) for v in frame[column].dropna() if hasattr(v, "date")}
        leaked = [c for c in cells if f'"{c}"' in text or f" {c}," in text]
        assert leaked == [], (column, leaked[:5])
    assert len(text) < 20_000


def test_the_minute_timer_writes_too(qtbot, window: MainWindow) -> None:
    window.open_demo()
    wait_for_result(qtbot, window)
    window.autosave.path.unlink()
    window.autosave.timer.timeout.emit()
    assert window.autosave.path.is_file()


def test_a_crashed_session_is_offered_back_and_restored(qtbot, window: MainWindow,
                                                         dialogs: Dialogs) -> None:
    window.open_demo()
    result = wait_for_result(qtbot, window)
    row = int(result.cohort.row[0])
    window.session.exclude([row], "ineligible")
    wait_for_result(qtbot, window)
    before = window.session.project
    # the process dies here: no closeEvent, the autosave stays (its lock goes with the
    # process); the next start finds it
    window.autosave.lock.unlock()
    dialogs.answer = QMessageBox.StandardButton.Yes
    restarted = MainWindow()
    qtbot.addWidget(restarted)
    assert restarted.offer_restore()
    assert dialogs.kinds()[-1] == "question" and "did not close normally" in \
        dialogs.messages[-1][2]
    restored = wait_for_result(qtbot, restarted)
    assert restarted.session.project == before
    assert [e.row for e in restored.spec.exclusions] == [row]
    assert restarted.session.is_dirty and restarted.session.project_path is None
    restarted.session.undo_stack.setClean()
    restarted.close()
    assert restarted.autosave.pending() is None  # a normal close leaves nothing behind


def test_declining_the_restore_forgets_it(qtbot, window: MainWindow,
                                          dialogs: Dialogs) -> None:
    window.open_demo()
    wait_for_result(qtbot, window)
    window.autosave.lock.unlock()  # the process dies
    dialogs.answer = QMessageBox.StandardButton.No
    restarted = MainWindow()
    qtbot.addWidget(restarted)
    assert not restarted.offer_restore()
    assert restarted.autosave.pending() is None and restarted.session.project is None


def test_no_autosave_means_no_question(qtbot, dialogs: Dialogs) -> None:
    fresh = MainWindow()
    qtbot.addWidget(fresh)
    assert not fresh.offer_restore()
    assert dialogs.messages == []


def test_an_unwritable_folder_does_not_stop_the_analysis(qtbot, window: MainWindow,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the folder should be")
    monkeypatch.setattr(window.autosave, "path", blocker / "autosave.resort")
    window.open_demo()
    assert wait_for_result(qtbot, window) is not None
    assert str(blocker) in window.autosave.failure


def test_two_programs_open_at_once_keep_their_own_autosaves(qtbot, window: MainWindow,
                                                             dialogs: Dialogs) -> None:
    """A second program started while the first runs is not offered the first one's work,
    and neither overwrites nor deletes the other's file."""
    window.open_demo()
    wait_for_result(qtbot, window)
    second = MainWindow()
    qtbot.addWidget(second)
    assert not second.offer_restore() and dialogs.messages == []
    second.open_demo()
    wait_for_result(qtbot, second)
    assert second.autosave.path != window.autosave.path
    assert window.autosave.path.is_file() and second.autosave.path.is_file()
    second.session.undo_stack.setClean()
    second.close()
    assert window.autosave.path.is_file() and not second.autosave.path.exists()
    window.autosave.lock.unlock()  # the first program dies: its work is offered back
    third = MainWindow()
    qtbot.addWidget(third)
    assert third.autosave.pending() == window.autosave.path
