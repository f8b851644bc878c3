"""The points to check are one set everywhere: the window's count, the window's list, the
report's section and the terminal's ``check:`` lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFrame

from resort_gui.app.cli import main
from resort_gui.export.report import points_to_check
from tests.ui.conftest import TIMEOUT_MS, wait_for_result


def test_window_report_and_terminal_list_the_same_points(
        qtbot, window, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    with qtbot.waitSignal(window.session.table_loaded, timeout=TIMEOUT_MS):
        window.open_demo()
    result = wait_for_result(qtbot, window)
    shown = [f"{g.title}. {g.message}" for g in window.session.guardrails]
    assert shown
    count = f"{len(shown)} point{'s' if len(shown) > 1 else ''} to check"
    assert count in window.results_panel.subheading.text()
    boxes = [window.results_panel.checks.itemAt(i).widget()
             for i in range(window.results_panel.checks.count())]
    assert len([b for b in boxes if isinstance(b, QFrame)]) == len(shown)
    secondary = tuple(f"{r.spec.endpoint.name}: " for r in result.secondary)
    report = [p for p in points_to_check(result, window.session.text_options())
              if not p.startswith(secondary)]
    assert report == shown
    capsys.readouterr()
    assert main(["analyze", "--demo", "--formats", "none", "--out", str(tmp_path)]) == 0
    terminal = [line.removeprefix("check: ") for line in capsys.readouterr().err.splitlines()
                if line.startswith("check: ") and not line[7:].startswith(secondary)]
    assert terminal == shown
