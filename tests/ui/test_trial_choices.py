"""The trial's other analyses chosen in the window, without a project file: Table 1 columns,
subgroups (forest plot), adjusted Cox covariates and the adverse-events/screening sheets."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QListWidget

from resort_gui.ui.main_window import TRIAL_TAB
from tests.ui.conftest import LUNG, TIMEOUT_MS, wait_for_result, wait_idle


def _tick(pick: QListWidget, column: str) -> None:
    pick.findItems(column, Qt.MatchFlag.MatchExactly)[0].setCheckState(Qt.CheckState.Checked)


def _items(pick: QListWidget) -> list[str]:
    return [pick.item(i).text() for i in range(pick.count())]


def _open_lung(qtbot, window) -> None:
    with qtbot.waitSignal(window.session.table_loaded, timeout=TIMEOUT_MS):
        window.open_path(LUNG)
    wait_idle(qtbot, window)
    boxes = {b.text(): b for b in window.import_panel.findChildren(QCheckBox)
             if b.text() == "2"}
    with qtbot.waitSignal(window.session.result_changed, timeout=TIMEOUT_MS):
        boxes["2"].click()  # status 2 = death
    wait_for_result(qtbot, window)


def test_table_1_and_subgroups_ticked_in_the_window_then_undone(qtbot, window) -> None:
    _open_lung(qtbot, window)
    other = window.analysis_settings.other
    lists = other.lists
    spec, levels = window.session.spec, window.session.levels
    roles = {spec.endpoint.time, "status", spec.group, spec.patient_id} - {None}
    columns = [str(c) for c in window.session.raw.frame.columns]
    assert _items(lists["baseline_columns"]) == [c for c in columns if c not in roles]
    assert _items(lists["subgroups"]) == [c for c in columns if c not in roles and levels[c]]
    assert not other.safety.isVisibleTo(window)  # a CSV has no other sheets
    _tick(lists["baseline_columns"], "age")
    _tick(lists["baseline_columns"], "ph.karno")
    _tick(lists["subgroups"], "ph.ecog")
    qtbot.waitUntil(lambda: window.session.result.spec.subgroups == ("ph.ecog",),
                    timeout=TIMEOUT_MS)
    result = wait_for_result(qtbot, window)
    assert result.spec.baseline_columns == ("age", "ph.karno")
    assert result.baseline is not None and result.subgroups is not None
    window.tabs.setCurrentIndex(TRIAL_TAB)
    captions = list(window.trial_panel.sections)
    assert any(c.startswith("Table 1") for c in captions)
    assert any(c.startswith("Subgroup hazard ratios") for c in captions)
    assert len(window.trial_panel.forests) == 1
    for _ in range(3):
        window.session.undo_stack.undo()
    qtbot.waitUntil(lambda: window.session.result is not None
                    and not window.session.result.spec.baseline_columns
                    and not window.session.result.spec.subgroups, timeout=TIMEOUT_MS)
    result = wait_for_result(qtbot, window)
    assert result.subgroups is None and result.baseline is None
    assert all(lists["baseline_columns"].item(i).checkState() == Qt.CheckState.Unchecked
               for i in range(lists["baseline_columns"].count()))


def test_covariates_give_the_adjusted_cox_model(qtbot, window) -> None:
    _open_lung(qtbot, window)
    _tick(window.analysis_settings.other.lists["covariates"], "age")
    qtbot.waitUntil(lambda: window.session.result.spec.covariates == ("age",),
                    timeout=TIMEOUT_MS)
    result = wait_for_result(qtbot, window)
    assert result.spec.covariates == ("age",) and result.cox_adjusted is not None


def test_demo_sheets_are_offered_and_can_be_switched_off(qtbot, window) -> None:
    with qtbot.waitSignal(window.session.result_changed, timeout=TIMEOUT_MS):
        window.open_demo()
    wait_for_result(qtbot, window)
    other = window.analysis_settings.other
    spec = window.session.spec
    assert other.safety.currentData() == spec.safety.sheet
    assert other.screening.currentData() == spec.screening.sheet
    other.safety.setCurrentIndex(other.safety.findData(None))
    other.safety.activated.emit(other.safety.currentIndex())
    assert window.session.spec.safety is None
    window.session.undo_stack.undo()
    assert window.session.spec.safety == spec.safety
    assert other.safety.currentData() == spec.safety.sheet
