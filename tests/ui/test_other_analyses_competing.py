"""Competing risks chosen in the window's "Other analyses" box: the event of interest and the
competing values come from the event column, the result is cmprsk's (R) cumulative incidence
and Gray's test, each choice is one undoable step, and "none" goes back to ordinary KM."""

from __future__ import annotations

import pandas as pd
from PySide6.QtWidgets import QCheckBox

from resort_gui.ui.main_window import TRIAL_TAB
from resort_gui.ui.other_analyses import NO_CAUSE
from tests.reference import REFERENCE_DIR, csv
from tests.reference_extra import close
from tests.ui.conftest import LUNG, TIMEOUT_MS, wait_for_result, wait_idle

PBC = REFERENCE_DIR / "pbc_cr__data.csv"  # status 0 censored, 1 transplant, 2 death


def _open(qtbot, window, path, ticked: tuple[str, ...]) -> None:
    """Open ``path`` and tick the event values ``ticked`` in the Data tab."""
    with qtbot.waitSignal(window.session.table_loaded, timeout=TIMEOUT_MS):
        window.open_path(path)
    wait_idle(qtbot, window)
    for value in ticked:  # each tick rebuilds the tick boxes
        box = next(b for b in window.import_panel.findChildren(QCheckBox)
                   if b.text() == value and b.isVisible())
        box.click()
        wait_idle(qtbot, window)
    wait_for_result(qtbot, window)


def _choose_cause(qtbot, window, value: str | None) -> None:
    cause = window.analysis_settings.other.competing.cause
    cause.setCurrentIndex(cause.findData(value))
    cause.activated.emit(cause.currentIndex())
    wait_idle(qtbot, window)


def _landmarks(qtbot, window, text: str) -> None:
    field = window.analysis_settings.landmarks
    field.setText(text)
    field.editingFinished.emit()
    wait_idle(qtbot, window)


def test_cause_and_competing_values_give_rs_cumulative_incidence_and_undo(qtbot,
                                                                           window) -> None:
    _open(qtbot, window, PBC, ("1", "2"))
    session, other = window.session, window.analysis_settings.other
    _landmarks(qtbot, window, "1000, 2000, 3000, 4000")
    cause = other.competing.cause
    assert other.form.isRowVisible(cause) and not other.form.isRowVisible(other.competing.values)
    assert [cause.itemData(i) for i in range(cause.count())] == [None, "0", "1", "2"]
    assert cause.currentText() == NO_CAUSE
    assert wait_for_result(qtbot, window).competing is None

    _choose_cause(qtbot, window, "1")
    spec = session.spec
    assert (spec.cause_value, spec.competing_values) == ("1", ("2",))  # the other ticked one
    assert spec.endpoint.events[0].values == ("1",)  # the KM is cause-specific
    assert spec.validate() == []
    assert list(other.competing.boxes) == ["0", "2"]  # the cause cannot also compete
    assert other.competing.boxes["2"].isChecked() and not other.competing.boxes["0"].isChecked()
    assert "status = 0 means censored" in other.competing.note.text()
    result = wait_for_result(qtbot, window)
    data = pd.read_csv(PBC)
    assert sum(g.km.n_event.sum() for g in result.groups) == (data["status"] == 1).sum()
    want = csv("pbc_cr", "cif")
    assert len(want) == 16
    for _, row in want.iterrows():
        group, kind = row["group_cause"].split()
        curve = result.competing.curve(group, kind)
        at = (curve.time == row["time"]) & curve.is_landmark
        close(curve.cif[at], [row["cif"]])
        close(curve.variance[at], [row["var"]])
    gray = {t.cause: t for t in result.competing.tests if not t.stratified}
    for _, row in csv("pbc_cr", "gray").iterrows():
        test = gray[str(int(row["cause"]))]
        close([test.chisq, test.p_value], [row["stat"], row["p"]])

    window.tabs.setCurrentIndex(TRIAL_TAB)
    panel = window.trial_panel
    assert any(c.startswith("Cumulative incidence by cause") for c in panel.sections)
    assert any(c.startswith("Gray's test") for c in panel.sections)
    figure = panel.cif_figure  # the exported figure, drawn by the Kaplan-Meier renderer
    assert figure is not None and figure.model.y_label == "Cumulative incidence"
    assert len(figure.model.curves) == 4 and figure.model.risk_blocks

    session.undo_stack.undo()
    assert session.spec.cause_value is None and session.spec.competing_values == ()
    assert session.spec.endpoint.events[0].values == ("1", "2")
    assert cause.currentText() == NO_CAUSE
    assert wait_for_result(qtbot, window).competing is None
    assert panel.cif_figure is None


def test_competing_values_are_ticked_and_none_returns_to_ordinary_km(qtbot, window) -> None:
    _open(qtbot, window, PBC, ("2",))
    session, choice = window.session, window.analysis_settings.other.competing
    # one event value ticked is already the event of interest: declared once, in the Data
    # tab; choosing it again changes nothing, and the competing events can be ticked
    assert choice.cause.currentData() == "2"
    assert window.analysis_settings.other.form.isRowVisible(choice.values)
    _choose_cause(qtbot, window, "2")
    assert not session.undo_stack.canUndo() or session.undo_stack.undoText() != \
        "Competing risks: status = 2 is the event of interest"
    assert (session.spec.cause_value, session.spec.competing_values) == (None, ())
    assert wait_for_result(qtbot, window).competing is None

    choice.boxes["1"].click()
    wait_idle(qtbot, window)
    assert session.spec.competing_values == ("1",)
    result = wait_for_result(qtbot, window)
    assert result.competing.curve("1", "1") is not None
    assert session.undo_stack.undoText() == "Change the competing events"

    _choose_cause(qtbot, window, "1")  # the roles swap
    assert (session.spec.cause_value, session.spec.competing_values) == ("1", ("2",))
    assert list(choice.boxes) == ["0", "2"]

    _choose_cause(qtbot, window, None)
    spec = session.spec
    assert (spec.cause_value, spec.competing_values) == (None, ())
    assert spec.endpoint.events[0].values == ("1", "2")  # every kind of event counts
    assert not window.analysis_settings.other.form.isRowVisible(choice.values)
    result = wait_for_result(qtbot, window)
    assert result.competing is None
    data = pd.read_csv(PBC)
    assert sum(g.km.n_event.sum() for g in result.groups) == (data["status"] > 0).sum()
    for _ in range(3):
        session.undo_stack.undo()
    assert session.spec.cause_value is None and session.spec.competing_values == ()
    assert session.spec.endpoint.events[0].values == ("2",)


def test_not_offered_for_an_event_column_with_two_values(qtbot, window) -> None:
    _open(qtbot, window, LUNG, ("2",))  # status 1 = censored, 2 = death
    other = window.analysis_settings.other
    assert not other.form.isRowVisible(other.competing.cause)
    assert not other.form.isRowVisible(other.competing.values)


def test_showing_another_endpoint_leaves_the_competing_risks_with_their_endpoint(
        qtbot, window) -> None:
    """The cause and the competing values are codes of the shown endpoint's event column: the
    next endpoint is analysed without them, and the one left counts all its causes again."""
    from resort_gui.domain.spec import Endpoint, EventSource

    _open(qtbot, window, PBC, ("1", "2"))
    session = window.session
    _choose_cause(qtbot, window, "1")
    assert session.spec.endpoint.events[0].values == ("1",)
    death = Endpoint(name="Death", time="time", events=(EventSource("status", ("2",)),))

    session.add_endpoint(death)
    spec = session.spec
    assert (spec.endpoint, spec.cause_value, spec.competing_values) == (death, None, ())
    assert spec.validate() == []
    assert wait_for_result(qtbot, window).competing is None
    left = session.project.endpoints[0]
    assert left.events[0].values == ("1", "2")  # transplant or death, as before the choice

    session.switch_endpoint(0)
    assert (session.spec.endpoint, session.spec.cause_value) == (left, None)
    session.switch_endpoint(1)
    session.remove_endpoint(1)  # the endpoint shown: the first one is shown again
    assert session.spec.endpoint == left and session.project.endpoints == (left,)

    for _ in range(3):  # remove, show, show
        session.undo_stack.undo()
    assert session.spec.endpoint == death
    session.undo_stack.undo()  # the endpoint added: competing risks as they were
    spec = session.spec
    assert (spec.cause_value, spec.competing_values) == ("1", ("2",))
    assert spec.endpoint.events[0].values == ("1",)
    assert wait_for_result(qtbot, window).competing is not None
