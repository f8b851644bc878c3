"""The window driven as a clinician would, offscreen: open the demo and a reference dataset
through the panels, check the numbers shown against the analysis layer and R, exclude a
patient and undo it, change settings, save and reopen a project."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QMessageBox

from resort_gui.app.pipeline import analyze_file
from resort_gui.io.demo import demo_spec
from resort_gui.ui.main_window import DATA_TAB, SURVIVAL_TAB
from tests.reference import REFERENCE_DIR
from tests.ui.conftest import LUNG, TIMEOUT_MS, wait_for_result, wait_idle


def table_cells(section) -> dict[str, list[str]]:
    """Rows of a results table by their first cell."""
    table = section.table
    return {table.item(r, 0).text(): [table.item(r, c).text()
                                      for c in range(1, table.columnCount())]
            for r in range(table.rowCount())}


def open_demo(qtbot, window):
    with qtbot.waitSignal(window.session.table_loaded, timeout=TIMEOUT_MS):
        window.open_demo()
    return wait_for_result(qtbot, window)


def save_lung_project(qtbot, window, dialogs, folder: Path) -> Path:
    """A copy of the lung data in ``folder``, opened and saved as ``lung.resort`` beside it;
    returns the copy's path."""
    data = folder / "lung.csv"
    data.write_bytes(LUNG.read_bytes())
    with qtbot.waitSignal(window.session.table_loaded, timeout=TIMEOUT_MS):
        window.open_path(data)
    wait_idle(qtbot, window)
    dialogs.save_path = str(folder / "lung.resort")
    window.save_action.trigger()
    return data


def test_empty_window_offers_open_demo_and_recent(window) -> None:
    assert window.stack.currentWidget() is window.welcome
    assert not window.save_action.isEnabled() and not window.export_action.isEnabled()
    assert window.open_action.shortcut().toString() == "Ctrl+O"
    assert window.export_action.shortcut().toString() == "Ctrl+E"


def test_demo_opens_analysed_and_shows_the_analysis_layers_numbers(qtbot, window) -> None:
    result = open_demo(qtbot, window)
    assert window.tabs.currentIndex() == SURVIVAL_TAB
    expected = analyze_file(demo_spec()).result
    shown = table_cells(window.results_panel.groups)
    groups = (*expected.groups, expected.overall)
    assert shown["Patients"] == [str(g.n) for g in groups] == ["36", "33", "69"]
    assert shown["Events"] == [str(g.events) for g in groups]
    for cell, g in zip(shown["Median, months"], groups, strict=True):
        median, lower, upper, _ = g.median
        limit = "NR" if np.isnan(upper) else f"{upper:.1f}"
        assert cell == f"{median:.1f} ({lower:.1f}\u2013{limit})"
    for cell, g in zip(shown["RFS at 24 months, %"], groups, strict=True):
        lm = g.landmarks
        assert cell == (f"{lm.survival[1] * 100:.1f} ({lm.ci_lower[1] * 100:.1f}\u2013"
                        f"{lm.ci_upper[1] * 100:.1f})")
    comparison = table_cells(window.results_panel.comparison)
    assert comparison["Log-rank test"][1] == f"p = {expected.test('logrank').p_value:.3f}"
    strat = expected.test("logrank_stratified")
    assert comparison["Stratified log-rank test"] == [f"\u03c7\u00b2 = {strat.chisq:.2f}, 1 df",
                                                      f"p = {strat.p_value:.3f}"]
    sentence = window.results_panel.sentence.text()
    assert sentence.startswith(f"Median RFS was {groups[0].median[0]:.1f} months")
    assert f"(stratified log-rank p = {strat.p_value:.3f})" in sentence
    model = window.plot_panel.model
    assert [c.legend for c in model.curves] == [
        "observation (n = 36, 18 events)", "sorafenib (n = 33, 21 events)"]
    assert result.spec == window.session.spec


def test_lung_through_the_import_panel_matches_r(qtbot, window, dialogs) -> None:
    with qtbot.waitSignal(window.session.table_loaded, timeout=TIMEOUT_MS):
        window.open_path(LUNG)
    wait_idle(qtbot, window)
    panel = window.import_panel
    assert window.tabs.currentIndex() == DATA_TAB
    assert panel.time.currentData() == "time" and panel.unit.currentData() == "days"
    assert panel.group.currentData() == "sex"
    assert window.session.result is None
    assert "status" in panel.status.text() and "Tick" in panel.status.text()
    boxes = {b.text(): b for b in panel.findChildren(QCheckBox) if b.text() in ("1", "2")}
    assert set(boxes) == {"1", "2"} and not any(b.isChecked() for b in boxes.values())
    with qtbot.waitSignal(window.session.result_changed, timeout=TIMEOUT_MS):
        boxes["2"].click()
    result = wait_for_result(qtbot, window)
    assert result.spec.endpoint.events[0].values == ("2",)
    assert "228 patients" in panel.status.text()
    r_quantiles = pd.read_csv(REFERENCE_DIR / "lung__quantiles.csv")
    r_tests = pd.read_csv(REFERENCE_DIR / "lung__tests.csv")
    shown = table_cells(window.results_panel.groups)
    header = [window.results_panel.groups.table.horizontalHeaderItem(c).text()
              for c in range(1, 4)]
    assert header == ["Female", "Male", "All patients"]
    for column, sex in enumerate(("Female", "Male")):
        r_median = r_quantiles[(r_quantiles.conf_type == "log-log")
                               & (r_quantiles.group == sex) & (r_quantiles.prob == 0.5)]
        assert shown["Median, days"][column].startswith(f"{r_median.time.iloc[0]:.0f} (")
    logrank = r_tests.set_index("test").loc["survdiff_rho0"]
    comparison = table_cells(window.results_panel.comparison)
    assert comparison["Log-rank test"] == [f"\u03c7\u00b2 = {logrank.chisq:.2f}, 1 df",
                                           f"p = {logrank.p:.3f}"]
    assert not [k for k in dialogs.kinds() if k in ("warning", "critical", "exec")]


def test_exclude_a_patient_then_undo_and_redo(qtbot, window, dialogs) -> None:
    result = open_demo(qtbot, window)
    window.tabs.setCurrentWidget(window.cohort_panel)
    panel = window.cohort_panel
    row = int(result.cohort.row[result.cohort.group == 0][0])  # an observation patient
    assert panel.select_spreadsheet_row(row)
    dialogs.text = ("withdrew consent", True)
    n_before = result.groups[0].n
    curve_before = window.plot_panel.model.curves[0]
    with qtbot.waitSignal(window.session.result_changed, timeout=TIMEOUT_MS):
        panel.exclude_button.click()
    after = wait_for_result(qtbot, window)
    assert after.groups[0].n == n_before - 1
    assert after.groups[1].n == result.groups[1].n
    assert (row, "excluded by hand: withdrew consent") in {
        (e.row, e.reason) for e in after.cohort.excluded}
    assert window.results_panel.groups.table.item(0, 1).text() == str(n_before - 1)
    curve_after = window.plot_panel.model.curves[0]
    assert curve_after.legend.startswith(f"observation (n = {n_before - 1},")
    assert not np.array_equal(curve_before.step_y, curve_after.step_y) or \
        curve_before.step_x.size != curve_after.step_x.size
    assert "1 by hand" in panel.counts.text()
    assert window.import_panel.excluded.rowCount() == 1
    assert window.isWindowModified()
    with qtbot.waitSignal(window.session.result_changed, timeout=TIMEOUT_MS):
        window.undo_action.trigger()
    assert wait_for_result(qtbot, window).groups[0].n == n_before
    assert window.plot_panel.model.curves[0].legend == curve_before.legend
    with qtbot.waitSignal(window.session.result_changed, timeout=TIMEOUT_MS):
        window.redo_action.trigger()
    assert wait_for_result(qtbot, window).groups[0].n == n_before - 1
    with qtbot.waitSignal(window.session.result_changed, timeout=TIMEOUT_MS):
        assert panel.select_spreadsheet_row(row)
        panel.include_button.click()
    assert wait_for_result(qtbot, window).groups[0].n == n_before


def test_role_change_is_undoable(qtbot, window) -> None:
    open_demo(qtbot, window)
    panel = window.import_panel
    with qtbot.waitSignal(window.session.result_changed, timeout=TIMEOUT_MS):
        panel.group.setCurrentIndex(0)  # "(none: one curve for all patients)"
        panel.group.activated.emit(0)
    assert len(wait_for_result(qtbot, window).groups) == 1
    assert window.plot_panel.model.curves[0].label == "All patients"
    with qtbot.waitSignal(window.session.result_changed, timeout=TIMEOUT_MS):
        window.undo_action.trigger()
    assert [g.label for g in wait_for_result(qtbot, window).groups] == ["observation",
                                                                       "sorafenib"]
    assert panel.group.currentData() == "arm"


def test_settings_rerun_the_analysis_at_once(qtbot, window) -> None:
    open_demo(qtbot, window)
    settings = window.analysis_settings
    index = settings.conf_level.findData(0.9)
    with qtbot.waitSignal(window.session.result_changed, timeout=TIMEOUT_MS):
        settings.conf_level.setCurrentIndex(index)
        settings.conf_level.activated.emit(index)
    result = wait_for_result(qtbot, window)
    assert result.spec.conf_level == 0.9 and result.groups[0].km.conf_level == 0.9
    assert "90% confidence" in window.results_panel.groups.note.text()
    with qtbot.waitSignal(window.session.result_changed, timeout=TIMEOUT_MS):
        settings.landmarks.setText("6, 18")
        settings.landmarks.editingFinished.emit()
    result = wait_for_result(qtbot, window)
    assert tuple(result.groups[0].landmarks.time) == (6.0, 18.0)
    assert "RFS at 18 months, %" in table_cells(window.results_panel.groups)
    settings.landmarks.setText("twelve")
    settings.landmarks.editingFinished.emit()
    assert "numbers" in settings.problem.text()
    assert window.session.spec.landmarks == (6.0, 18.0)


def test_switching_endpoint_everywhere(qtbot, window) -> None:
    open_demo(qtbot, window)
    assert [window.endpoint.itemText(i) for i in range(window.endpoint.count())] == ["RFS",
                                                                                    "OS"]
    with qtbot.waitSignal(window.session.result_changed, timeout=TIMEOUT_MS):
        window.endpoint.setCurrentIndex(1)
        window.endpoint.activated.emit(1)
    result = wait_for_result(qtbot, window)
    assert result.spec.endpoint.name == "OS"
    assert window.results_panel.heading.text().startswith("OS")
    assert window.import_panel.endpoint.currentText() == "OS"
    assert window.plot_panel.model.y_label == "OS probability"


def test_figure_options_group_names_and_cut(qtbot, window) -> None:
    result = open_demo(qtbot, window)
    options = window.figure_options
    edit = options.groups_grid.itemAtPosition(1, 1).widget()
    edit.setText("Sorafenib")
    edit.editingFinished.emit()
    assert window.plot_panel.model.curves[1].label == "Sorafenib"
    assert "with Sorafenib" in window.results_panel.sentence.text()
    cut = next(g for g in window.session.guardrails if g.code == "few_at_risk")
    window.results_panel._on_cut_clicked(cut.cut_at)
    assert window.plot_panel.model.x_max == cut.cut_at
    assert "few_at_risk" not in {g.code for g in window.session.guardrails}
    assert window.session.result is result  # the figure's look changes no number


def test_hover_readout_quotes_the_curves(qtbot, window) -> None:
    result = open_demo(qtbot, window)
    text = window.plot_panel.readout_text(24.0)
    for g in result.groups:
        lm = g.landmarks
        assert (f"{lm.survival[1] * 100:.1f}% (95% CI {lm.ci_lower[1] * 100:.1f}\u2013"
                f"{lm.ci_upper[1] * 100:.1f}), {lm.n_risk[1]} at risk") in text


def test_decimal_comma_everywhere(qtbot, window) -> None:
    open_demo(qtbot, window)
    window.results_panel.decimal_comma.click()
    sentence = window.results_panel.sentence.text()
    assert "36,5 months" in sentence and "36.5" not in sentence
    assert table_cells(window.results_panel.groups)["Median, months"][0].startswith("36,5")
    model = window.plot_panel.model  # the figure too: its axis and its annotation
    assert model.decimal == "," and "p = 0,296" in model.annotation
    left = window.plot_panel.figure.km_plot.getAxis("left")
    assert "0,2" in [text for _, text in left._tickLevels[0]]


def test_save_and_reopen_a_project(qtbot, window, dialogs, tmp_path: Path) -> None:
    from resort_gui.ui.main_window import MainWindow

    result = open_demo(qtbot, window)
    row = int(result.cohort.row[0])
    with qtbot.waitSignal(window.session.result_changed, timeout=TIMEOUT_MS):
        window.session.exclude([row], "ineligible")
    wait_for_result(qtbot, window)
    window.session.set_style(window.session.style.__class__(title="RESORT"), "Title")
    dialogs.save_path = str(tmp_path / "trial")
    window.save_action.trigger()
    saved = tmp_path / "trial.resort"
    assert saved.is_file() and not window.isWindowModified()
    assert json.loads(saved.read_text())["spec"]["exclusions"] == [
        {"row": row, "reason": "ineligible"}]
    other = MainWindow()
    qtbot.addWidget(other)
    other.resize(1400, 900)
    other.show()
    with qtbot.waitSignal(other.session.table_loaded, timeout=TIMEOUT_MS):
        other.open_path(saved)
    reopened = wait_for_result(qtbot, other)
    assert reopened.spec == window.session.spec
    assert other.session.style.title == "RESORT"
    assert reopened.groups[0].n + reopened.groups[1].n == result.cohort.n - 1
    assert other.tabs.currentIndex() == SURVIVAL_TAB
    assert not other.isWindowModified()
    other.session.tasks.wait()


def test_reopening_a_project_whose_data_changed_warns(qtbot, window, dialogs,
                                                      tmp_path: Path) -> None:
    data = save_lung_project(qtbot, window, dialogs, tmp_path)
    data.write_bytes(LUNG.read_bytes() + b'3,100,2,60,"Male",1,90,90,1000,5\n')
    with qtbot.waitSignal(window.session.table_loaded, timeout=TIMEOUT_MS):
        window.open_path(tmp_path / "lung.resort")
    qtbot.waitUntil(lambda: "information" in dialogs.kinds(), timeout=TIMEOUT_MS)
    assert "has changed since the project was saved" in dialogs.messages[-1][2]


def test_unsaved_changes_prompt_on_close(qtbot, window, dialogs) -> None:
    result = open_demo(qtbot, window)
    with qtbot.waitSignal(window.session.result_changed, timeout=TIMEOUT_MS):
        window.session.exclude([int(result.cohort.row[0])], "test")
    dialogs.answer = QMessageBox.StandardButton.Cancel
    assert not window.close()
    assert window.isVisible() and dialogs.kinds()[-1] == "question"
    dialogs.answer = QMessageBox.StandardButton.Discard
    assert window.close()


def test_a_bad_file_is_a_plain_message(qtbot, window, dialogs, tmp_path: Path) -> None:
    bad = tmp_path / "notes.csv"
    bad.write_text("", encoding="utf-8")
    with qtbot.waitSignal(window.session.load_failed, timeout=TIMEOUT_MS):
        window.open_path(bad)
    kind, title, text = dialogs.messages[-1]
    assert kind == "warning" and "notes.csv" in text and "Traceback" not in text
    assert window.stack.currentWidget() is window.welcome


def test_a_bug_becomes_a_dialog_and_a_log(qtbot, window, dialogs, tmp_path: Path) -> None:
    window.crash_reporter.show_dialog("Traceback (most recent call last):\nValueError: boom")
    kind, title, text = dialogs.messages[-1]
    assert kind == "exec" and "internal error" in title and "Traceback" not in text
    log = tmp_path / "cache" / "resort-gui" / "resort-gui.log"
    assert "ValueError: boom" in log.read_text(encoding="utf-8")


def test_patients_table_search_and_filter(qtbot, window) -> None:
    open_demo(qtbot, window)
    panel = window.cohort_panel
    panel.search.setText("RES-007")
    panel.apply_view()
    assert panel.model.rowCount() == 1
    panel.search.clear()
    index = panel.filter_column.findText("arm")
    panel.filter_column.setCurrentIndex(index)
    panel.filter_column.activated.emit(index)
    panel.filter_value.setCurrentIndex(panel.filter_value.findText("sorafenib"))
    panel.filter_value.activated.emit(panel.filter_value.currentIndex())
    assert panel.model.rowCount() == 33
    assert "Showing 33 of 69" in panel.shown.text()
    panel.view.sortByColumn(1, Qt.SortOrder.DescendingOrder)  # time, longest first
    times = [panel.model.data(panel.model.index(r, 1)) for r in range(3)]
    assert [float(t) for t in times] == sorted((float(t) for t in times), reverse=True)


@pytest.mark.parametrize("what", ["demo", "lung"])
def test_screenshot_command(tmp_path: Path, what: str) -> None:
    import subprocess
    import sys

    from PySide6.QtGui import QImage

    target = tmp_path / "shot.png"
    args = ["--demo"] if what == "demo" else [str(LUNG)]
    done = subprocess.run([sys.executable, "-m", "resort_gui", *args, "--screenshot",
                           str(target)], capture_output=True, text=True, timeout=120,
                          env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen",
                               "XDG_CACHE_HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    image = QImage(str(target))
    assert (image.width(), image.height()) == (1400, 900)


def test_a_subgroup_from_the_patients_filter(qtbot, window) -> None:
    result = open_demo(qtbot, window)
    panel = window.cohort_panel
    window.tabs.setCurrentWidget(panel)
    assert not panel.all_button.isVisible()
    index = panel.filter_column.findText("sex")
    panel.filter_column.setCurrentIndex(index)
    panel.filter_column.activated.emit(index)
    assert not panel.subgroup_button.isVisible()
    value = panel.filter_value.findText("F")
    panel.filter_value.setCurrentIndex(value)
    panel.filter_value.activated.emit(value)
    shown = panel.model.rowCount()
    assert panel.subgroup_button.isVisible()
    with qtbot.waitSignal(window.session.result_changed, timeout=TIMEOUT_MS):
        panel.subgroup_button.click()
    subgroup = wait_for_result(qtbot, window)
    assert subgroup.cohort.n == shown < result.cohort.n
    assert "Subgroup: sex = F" in window.results_panel.subheading.text()
    assert "subgroup: <b>sex = F" in panel.counts.text()
    with qtbot.waitSignal(window.session.result_changed, timeout=TIMEOUT_MS):
        panel.all_button.click()
    assert wait_for_result(qtbot, window).cohort.n == result.cohort.n


def test_dropping_a_file_opens_it(qtbot, window) -> None:
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent

    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(LUNG))])
    event = QDropEvent(QPointF(100, 100), Qt.DropAction.CopyAction, data,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.session.table_loaded, timeout=TIMEOUT_MS):
        window.dropEvent(event)
    assert window.session.raw.name == "lung__data.csv"
    wait_idle(qtbot, window)


def test_points_to_check_are_flagged_beside_the_results(qtbot, window) -> None:
    open_demo(qtbot, window)
    warnings = [g for g in window.session.guardrails if g.severity == "warning"]
    assert warnings
    assert f"{len(warnings)} point" in window.results_panel.subheading.text()


def test_a_project_whose_data_moved_asks_for_it(qtbot, window, dialogs,
                                                tmp_path: Path) -> None:
    data = save_lung_project(qtbot, window, dialogs, tmp_path)
    moved = tmp_path / "elsewhere.csv"
    data.rename(moved)
    dialogs.answer = QMessageBox.StandardButton.Yes
    dialogs.open_path = str(moved)
    with qtbot.waitSignal(window.session.table_loaded, timeout=TIMEOUT_MS):
        window.open_path(tmp_path / "lung.resort")
    assert dialogs.kinds()[-1] == "question" and "lung.csv" in dialogs.messages[-1][2]
    assert window.session.raw.path == moved
    wait_idle(qtbot, window)
