"""A damaged or hostile file gets the same plain message in the window as in analyze, never
the internal-error dialog (issue 15.4)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tests.ui.conftest import wait_idle


def test_a_cut_short_workbook_gets_a_plain_message(qtbot, window, dialogs, tmp_path: Path):
    whole = tmp_path / "whole.xlsx"
    pd.DataFrame({"time": [1, 2, 3], "status": [1, 0, 1]}).to_excel(whole, index=False)
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(whole.read_bytes()[:700])
    window.open_path(damaged)
    qtbot.waitUntil(lambda: bool(dialogs.messages), timeout=30_000)
    wait_idle(qtbot, window)
    kind, _title, text = dialogs.messages[-1]
    assert kind == "warning" and "damaged.xlsx" in text
    assert window.crash_reporter.shown == 0


def test_a_csv_with_one_huge_field_opens(qtbot, window, dialogs, tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    path.write_text("id,time,status\nP1,3,1\nP2,4," + "9" * 300_000 + "\nP3,5,0\n",
                    encoding="utf-8")
    with qtbot.waitSignal(window.session.table_loaded, timeout=30_000):
        window.open_path(path)
    wait_idle(qtbot, window)
    assert window.crash_reporter.shown == 0
    assert not [m for m in dialogs.messages if m[0] in ("critical", "exec")]
