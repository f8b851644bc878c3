"""The window keeps patient data on the machine and never touches its input: an offscreen
session (open a spreadsheet, exclude a row, export tables, figure and report, save the
project, reopen it) runs with the network refused, leaves the data folder unchanged, and its
log and autosave hold no patient rows."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from resort_gui.app.crash_log import log_dir
from resort_gui.io import read_table
from resort_gui.io.demo import demo_path
from resort_gui.ui.export_dialog import ExportDialog
from resort_gui.ui.main_window import MainWindow
from tests.security.corpus_session import folder_state
from tests.security.isolation import no_network
from tests.ui.conftest import Dialogs, wait_for_result


def test_window_session_is_private_and_leaves_the_input(qtbot, window: MainWindow,
                                                        dialogs: Dialogs,
                                                        tmp_path: Path) -> None:
    data_folder = tmp_path / "from_email"
    data_folder.mkdir()
    data = Path(shutil.copy(demo_path(), data_folder / "trial.xlsx"))
    before = folder_state(data_folder)
    with no_network() as attempts:
        window.open_path(data)
        result = wait_for_result(qtbot, window)
        window.session.exclude([int(result.cohort.row[0])], "withdrew consent")
        result = wait_for_result(qtbot, window)
        exports = tmp_path / "chosen_exports"
        dialog = ExportDialog(result, folder=exports)
        qtbot.addWidget(dialog)
        for fmt, box in dialog.format_boxes.items():
            box.setChecked(fmt == "png")
        dialog.tables_box.setChecked(True)
        dialog.report_box.setChecked(True)
        with qtbot.waitSignal(dialog.exported, timeout=60_000):
            dialog.export_button.click()
        project = tmp_path / "chosen_projects" / "trial.resort"
        window.session.save(project)
        window.session.open_project(project)
        reopened = wait_for_result(qtbot, window)
        window.crash_reporter.show_dialog("Traceback (most recent call last):\nValueError")
    assert attempts == []
    assert "PySide6.QtNetwork" not in sys.modules
    assert reopened.cohort.row.tolist() == result.cohort.row.tolist()
    assert (exports / "report.pdf").is_file() and (exports / "km.png").is_file()
    assert folder_state(data_folder) == before  # the input and nothing new beside it
    patients = read_table(data, sheet="patients").frame["patient_id"].astype(str)
    for private in (window.autosave.path, log_dir() / "resort-gui.log", project):
        text = private.read_text(encoding="utf-8")
        assert not [p for p in patients if p in text], private
    assert dialogs.kinds()[-1] == "exec"  # the crash dialog was shown; the window lives on
    assert window.isVisible()
