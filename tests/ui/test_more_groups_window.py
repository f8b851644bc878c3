"""A trial of four groups shows what the engine computes for it (issue 20): the pairwise
log-rank tests with their adjustment and the trend test, the differences from the
reference at each landmark and in RMST, each matching analyze's CSV files (R-checked)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd

from resort_gui.app.cli import main
from tests.reference import REFERENCE_DIR
from tests.ui.conftest import TIMEOUT_MS, wait_for_result, wait_idle

VETERAN = REFERENCE_DIR / "veteran__data.csv"


def cells(section) -> dict[str, list[str]]:
    table = section.table
    return {table.item(r, 0).text(): [table.item(r, c).text()
                                      for c in range(1, table.columnCount())]
            for r in range(table.rowCount())}


def test_four_groups_show_pairs_trend_and_differences(qtbot, window, tmp_path: Path) -> None:
    with qtbot.waitSignal(window.session.table_loaded, timeout=TIMEOUT_MS):
        window.open_path(VETERAN)
    wait_idle(qtbot, window)
    session = window.session
    spec = replace(session.spec, group="celltype", reference="squamous", time_unit="days",
                   landmarks=(90.0, 180.0), endpoint=replace(
                       session.spec.endpoint, events=(replace(
                           session.spec.endpoint.events[0], values=("1",)),)))
    with qtbot.waitSignal(session.result_changed, timeout=TIMEOUT_MS):
        session.set_spec(spec, "four groups")
    wait_for_result(qtbot, window)
    panel = window.results_panel
    assert panel.pairwise.isVisibleTo(panel) and panel.differences.isVisibleTo(panel)
    pairs = cells(panel.pairwise)
    assert len(pairs) == 7 and any(k.startswith("Test for trend (squamous = 1") for k in pairs)
    assert "Holm for 6 comparisons" in panel.pairwise.note.text()

    assert main(["analyze", str(VETERAN), "--time", "time", "--event", "status",
                 "--event-value", "1", "--group", "celltype", "--reference", "squamous",
                 "--time-unit", "days", "--landmarks", "90,180", "--formats", "none",
                 "--out", str(tmp_path)]) == 0
    pairwise = pd.read_csv(tmp_path / "pairwise.csv")
    row = pairwise[(pairwise.group1 == "squamous") & (pairwise.group2 == "smallcell")
                   & (pairwise.test == "logrank")].iloc[0]
    assert pairs["squamous vs smallcell"][0] == f"\u03c7\u00b2 = {row.chisq:.2f}, 1 df"
    milestones = pd.read_csv(tmp_path / "milestones.csv")
    m = milestones[(milestones.group == "adeno") & (milestones.time == 90)].iloc[0]
    shown = cells(panel.differences)["Survival at 90 days, adeno \u2212 squamous"][0]
    assert shown.startswith(f"{m.difference * 100:.1f} points".replace("-", "\u2212"))
    rmst = pd.read_csv(tmp_path / "rmst_difference.csv")
    r = rmst[rmst.group == "large"].iloc[0]
    key = next(k for k in cells(panel.differences) if k.startswith("RMST") and "large" in k)
    assert cells(panel.differences)[key][0].startswith(
        f"{r.difference:.0f} days".replace("-", "\u2212"))


def test_four_groups_fit_the_results_side_at_1024_by_700(qtbot, window) -> None:
    """Five columns of numbers wrap rather than push the panel wider (issue 20.8)."""
    window.resize(1024, 700)
    with qtbot.waitSignal(window.session.table_loaded, timeout=TIMEOUT_MS):
        window.open_path(VETERAN)
    wait_idle(qtbot, window)
    session = window.session
    spec = replace(session.spec, group="celltype", time_unit="days", landmarks=(90.0, 180.0))
    with qtbot.waitSignal(session.result_changed, timeout=TIMEOUT_MS):
        session.set_spec(spec, "four groups")
    wait_for_result(qtbot, window)
    window.tabs.setCurrentIndex(2)
    scroll = window.results_panel.scroll
    qtbot.waitUntil(lambda: scroll.widget().minimumSizeHint().width()
                    <= scroll.viewport().width())
    qtbot.waitUntil(lambda: window.survival_splitter.sizes()[0] >= 440)
