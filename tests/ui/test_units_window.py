"""A time column that does not say its unit: the window asks (a 'to do' line naming the
column), and the analysis runs once the user chooses, with the 1-2-3-year landmarks."""

from __future__ import annotations

from resort_gui.domain.spec import UNIT_CHOSEN
from tests.reference import REFERENCE_DIR
from tests.ui.conftest import TIMEOUT_MS, wait_for_result, wait_idle


def test_the_window_asks_for_the_unit_then_analyses(qtbot, window, dialogs) -> None:
    with qtbot.waitSignal(window.session.table_loaded, timeout=TIMEOUT_MS):
        window.open_path(REFERENCE_DIR / "aml__data.csv")
    wait_idle(qtbot, window)
    panel = window.import_panel
    assert window.session.result is None
    assert panel.unit.currentData() == ""
    todo = " ".join(window.session.problems)
    assert "Column 'time' does not say its time unit" in todo and "161" in todo
    assert "does not say its time unit" in panel.status.text()
    panel.unit.setCurrentIndex(panel.unit.findData("weeks"))
    with qtbot.waitSignal(window.session.result_changed, timeout=TIMEOUT_MS):
        panel.unit.activated.emit(panel.unit.currentIndex())
    result = wait_for_result(qtbot, window)
    assert result.cohort.time_unit == "weeks"
    assert result.spec.time_unit_reason == UNIT_CHOSEN
    assert result.spec.landmarks == (52.0, 104.0, 156.0)
    assert not [k for k in dialogs.kinds() if k in ("warning", "critical", "exec")]
