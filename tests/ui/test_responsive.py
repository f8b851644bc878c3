"""The window never freezes: a large file is read and analysed on pool threads while the
GUI thread keeps serving events, with a progress bar and a working Cancel."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import QElapsedTimer, QTimer

from tests.ui.conftest import TIMEOUT_MS, wait_for_result

ROWS = 200_000
MAX_GAP_MS = 600  # the longest the GUI thread may stay away from its event loop


@pytest.fixture(scope="module")
def large_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    rng = np.random.default_rng(20240601)
    path = tmp_path_factory.mktemp("large") / "registry.csv"
    pd.DataFrame({
        "patient_id": [f"P{i:07d}" for i in range(ROWS)],
        "arm": rng.choice(["control", "drug"], ROWS),
        "months": np.round(rng.exponential(20, ROWS), 2),
        "status": rng.choice(["0", "1"], ROWS),
        "site": rng.choice(["lung", "liver", "bone"], ROWS),
        "age": rng.integers(30, 90, ROWS),
    }).to_csv(path, index=False)
    return path


class EventLoopWatch:
    """Records how long the GUI thread's event loop went without serving a 10 ms timer."""

    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.clock.start()
        self.last = 0
        self.gaps: list[int] = []
        self.timer = QTimer(interval=10)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now = self.clock.elapsed()
        self.gaps.append(now - self.last)
        self.last = now

    def stop(self) -> int:
        self.timer.stop()
        return max(self.gaps, default=0)


def test_loading_and_analysing_a_large_file_never_blocks(qtbot, window,
                                                        large_csv: Path) -> None:
    busy: list[str] = []
    window.session.busy_changed.connect(busy.append)
    watch = EventLoopWatch()
    window.open_path(large_csv)
    qtbot.waitUntil(lambda: window.session.raw is not None, timeout=TIMEOUT_MS * 2)
    result = wait_for_result(qtbot, window)
    qtbot.wait(100)
    longest = watch.stop()
    assert result.cohort.n == ROWS
    assert any(busy) and busy[-1] == ""  # the progress bar was shown, then hidden
    assert longest < MAX_GAP_MS, f"the GUI thread was blocked for {longest} ms"
    assert len(watch.gaps) > watch.last / 20  # ticking all along (at least every 20 ms)
    assert window.cohort_panel.model.rowCount() == ROWS


def test_cancel_stops_waiting_for_a_large_file(qtbot, window, large_csv: Path) -> None:
    window.open_path(large_csv)
    qtbot.waitUntil(lambda: window.cancel_button.isVisible(), timeout=TIMEOUT_MS)
    window.cancel_button.click()
    assert not window.cancel_button.isVisible() and not window.progress.isVisible()
    window.session.tasks.wait()
    qtbot.wait(200)
    assert window.session.raw is None
    assert window.stack.currentWidget() is window.welcome
