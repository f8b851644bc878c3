"""The window opens a trial without any event yet (an early data cut): a result with flat
curves and the point to check, not a refusal."""

from __future__ import annotations

from pathlib import Path

from tests.test_no_events import early_cut
from tests.ui.conftest import TIMEOUT_MS, wait_for_result, wait_idle


def test_an_early_cut_without_events_is_analysed_with_a_point_to_check(
        qtbot, window, dialogs, tmp_path: Path) -> None:
    with qtbot.waitSignal(window.session.table_loaded, timeout=TIMEOUT_MS):
        window.open_path(early_cut(tmp_path / "early_cut.csv"))
    wait_idle(qtbot, window)
    result = wait_for_result(qtbot, window)
    assert result.spec.endpoint.events[0].column == "recurrence"
    assert result.cohort.n == 30 and not result.cohort.event.any()
    assert [g.code for g in window.session.guardrails][:1] == ["no_events"]
    assert "points to check" in window.results_panel.subheading.text()
    assert not [k for k in dialogs.kinds() if k in ("warning", "critical", "exec")]
