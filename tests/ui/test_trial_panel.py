"""The trial's tables beyond the curve in the window: Table 1, adverse events, subgroups with
the forest plot and the flow diagram for the demo trial; the proportional-hazards warning as a
point to check with its log-log plot; the cumulative incidence curves of competing risks."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import numpy as np
from PySide6.QtWidgets import QLabel, QPushButton, QScrollArea

from resort_gui.domain.spec import Endpoint, EventSource
from resort_gui.render.flow_painter import FlowDiagramWidget
from resort_gui.stats.zph import log_minus_log
from resort_gui.ui.curve_dialogs import LogLogDialog
from resort_gui.ui.main_window import SURVIVAL_TAB, TRIAL_TAB
from tests.ui.conftest import wait_for_result

EXTRA_DIR = Path(__file__).parents[1] / "reference_extra"
SHOTS = os.environ.get("RESORT_SCREENSHOTS")  # a folder: save what the tests show


def _shot(widget, name: str) -> None:
    if SHOTS:
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))


def _section(panel, caption_start: str):
    return next(s for caption, s in panel.sections.items() if caption.startswith(caption_start))


def test_demo_trial_tab_shows_flow_table_1_safety_and_subgroups(qtbot, window) -> None:
    with qtbot.waitSignal(window.session.result_changed, timeout=30_000):
        window.open_demo()
    result = wait_for_result(qtbot, window)
    panel = window.trial_panel
    assert panel.stale and not panel.sections  # built only when shown
    window.tabs.setCurrentIndex(TRIAL_TAB)
    assert not panel.stale
    table_1 = _section(panel, "Table 1").table.table
    assert table_1.header[1:] == ("observation (n = 36)", "sorafenib (n = 33)",
                                  "All patients (n = 69)")
    assert table_1.rows[0][0] == "age, median (IQR)"
    safety = _section(panel, "Adverse events").table.table
    terms = [row[0] for row in safety.rows]
    assert terms[0] == "Any adverse event" and "Hand-foot skin reaction" in terms
    hand_foot = safety.rows[terms.index("Hand-foot skin reaction")]
    assert hand_foot[3:] == ("26 (79%)", "12 (36%)")  # sorafenib: any grade, grade >= 3
    assert "Hand-foot skin reaction\t" in _section(panel, "Adverse events").table.table.tsv()
    flows = panel.findChildren(FlowDiagramWidget)
    assert len(flows) == 1 and "Screened (n\u00a0=\u00a076)" in flows[0].diagram.text()
    assert flows[0].height() > 200  # drawn at its printed size
    assert len(panel.forests) == 1 and panel.forests[0].model.rows[0].label == "All patients"
    subgroups = _section(panel, "Subgroup hazard ratios").table.table
    assert subgroups.rows[0][:2] == ("All patients", f"{result.cohort.n} (39)")
    assert any(caption.startswith("Survival by group") for caption in panel.sections)  # OS
    _shot(window, "trial_tab")


def test_ph_warning_is_a_point_to_check_that_opens_the_log_log_plot(qtbot, window) -> None:
    """veteran: the Karnofsky score's effect fades over time (cox.zph p < 0.001)."""
    session = window.session
    with qtbot.waitSignal(session.table_loaded, timeout=30_000):
        session.open_file(EXTRA_DIR / "veteran2__data.csv")
    spec = replace(session.spec, endpoint=Endpoint(
        name="OS", time="time", events=(EventSource("status", ("1",)),)), group="trt",
        strata=(), covariates=("celltype", "karno"), time_unit="days")
    session.set_spec(spec, "Set roles")
    qtbot.waitUntil(lambda: session.result is not None and session.result.spec == spec
                    and not session.tasks.is_busy(), timeout=30_000)
    panel = window.results_panel
    button = next(b for b in panel.findChildren(QPushButton)
                  if b.text() == "Show the log-log plot")
    texts = [label.text() for label in button.parentWidget().findChildren(QLabel)]
    assert any("The test of proportional hazards gives p < 0.001" in t
               and "log-log plot" in t for t in texts)
    assert "may not be proportional" not in panel.notes.text()  # once, as a point to check
    window.tabs.setCurrentIndex(SURVIVAL_TAB)
    panel.findChild(QScrollArea).ensureWidgetVisible(button)
    _shot(window, "ph_check")
    button.click()
    dialog = panel.dialog
    assert isinstance(dialog, LogLogDialog) and dialog.isVisible()
    assert len(dialog.curves) == 2
    for curve, group in zip(dialog.curves, session.result.groups, strict=True):
        x, y = log_minus_log(group.km)
        drawn_x, drawn_y = curve.getData()  # steps, as R draws them: no diagonal
        np.testing.assert_allclose(drawn_x[::2], x)
        np.testing.assert_allclose(drawn_y[::2], y)
        np.testing.assert_allclose(drawn_x[1::2], x[1:])
        np.testing.assert_allclose(drawn_y[1::2], y[:-1])
    _shot(dialog, "loglog")
    dialog.close()
    window.tabs.setCurrentIndex(TRIAL_TAB)
    assert window.trial_panel.loglog_button.isEnabled()
    assert _section(window.trial_panel, "Cox model adjusted for celltype and karno")


def test_trial_tables_follow_the_presentation_while_shown(qtbot, window) -> None:
    with qtbot.waitSignal(window.session.result_changed, timeout=30_000):
        window.open_demo()
    wait_for_result(qtbot, window)
    window.tabs.setCurrentIndex(TRIAL_TAB)
    session = window.session
    session.set_presentation(replace(session.project.presentation, decimal=","),
                             "Use decimal comma")
    table_1 = _section(window.trial_panel, "Table 1").table.table
    assert table_1.rows[0][1] == "61,0 (57,8\u201366,2)"
