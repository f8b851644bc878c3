"""The adverse-events and screening sheets of the "Other analyses" box with the user's own
column names: the columns are read off the GUI thread, guessed by name, chosen in combo boxes
(undoably), and a wrong or missing column is named in plain words."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtWidgets import QComboBox

from resort_gui.domain.spec import SafetySource, ScreeningSource
from resort_gui.io.sheets import guess_source, sheet_columns
from resort_gui.ui import other_analyses
from resort_gui.ui.main_window import TRIAL_TAB
from tests.ui.conftest import TIMEOUT_MS, wait_for_result, wait_idle

PATIENTS = [("P1", "A", 5, 1), ("P2", "A", 8, 0), ("P3", "A", 12, 1), ("P7", "A", 7, 1),
            ("P4", "B", 3, 1), ("P5", "B", 9, 0), ("P6", "B", 15, 0), ("P8", "B", 11, 0)]
ADVERSE_EVENTS = [("P1", "Fatigue", 2), ("P1", "Fatigue", 3), ("P2", "Rash", 1),
                  ("P4", "Fatigue", 1), ("P5", "Rash", 4), ("P5", "Diarrhoea", 2),
                  ("P9", "Rash", 2)]  # P9 is not in the analysis
# (term, arm) -> (patients with any grade, with grade >= 3), each patient at their worst grade
EXPECTED = {("Any adverse event", "A"): (2, 1), ("Any adverse event", "B"): (2, 1),
            ("Fatigue", "A"): (1, 1), ("Fatigue", "B"): (1, 0),
            ("Rash", "A"): (1, 0), ("Rash", "B"): (1, 1),
            ("Diarrhoea", "A"): (0, 0), ("Diarrhoea", "B"): (1, 0)}
OWN_NAMES = SafetySource("Toxicity", patient="Subject", term="AE term", grade="CTCAE grade")


def _workbook(path: Path) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    sheets = {
        "patients": [("id", "arm", "months", "status"), *PATIENTS],
        "Toxicity": [("Subject", "AE term", "CTCAE grade"), *ADVERSE_EVENTS],
        "Log": [("Screening no.", "Randomized?", "Why not"),
                *((p[0], "yes", None) for p in PATIENTS),
                ("S1", "no", "declined"), ("S2", "no", "ineligible"), ("S3", "no", "declined")],
        "Empty": [],
    }
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    book.save(path)
    return path


@pytest.fixture
def opened(qtbot, window, tmp_path: Path):
    """The window with the workbook open (status 1, the event, is recognised as such)."""
    with qtbot.waitSignal(window.session.table_loaded, timeout=TIMEOUT_MS):
        window.open_path(_workbook(tmp_path / "trial.xlsx"))
    wait_for_result(qtbot, window)
    return window


def _choose(qtbot, window, combo: QComboBox, data: str | None) -> None:
    combo.setCurrentIndex(combo.findData(data))
    combo.activated.emit(combo.currentIndex())
    wait_idle(qtbot, window)


def _items(combo: QComboBox) -> list[str]:
    return [combo.itemText(i) for i in range(combo.count())]


def test_columns_are_guessed_by_name() -> None:
    assert guess_source(SafetySource, "AE", ["Subject", "AE term", "CTCAE grade"]) == \
        SafetySource("AE", "Subject", "AE term", "CTCAE grade")
    assert guess_source(SafetySource, "AE", ["CTCAE grade", "AE", "Subject ID"]) == \
        SafetySource("AE", "Subject ID", "AE", "CTCAE grade")  # "ctcae" is no term
    assert guess_source(SafetySource, "AE", ["grade", "patient_id", "x", "y"]) == \
        SafetySource("AE", "patient_id", "x", "grade")  # usual names first, then what is left
    assert guess_source(ScreeningSource, "S", ["No.", "Why not randomised", "Randomized?"]) == \
        ScreeningSource("S", "No.", "Randomized?", "Why not randomised")


def test_own_column_names_give_the_adverse_event_table_and_the_flow(qtbot, opened,
                                                                   monkeypatch) -> None:
    window, session = opened, opened.session
    other = window.analysis_settings.other
    read_on: list[str] = []

    def recording(path: Path, sheet: str) -> tuple[str, ...]:
        read_on.append(threading.current_thread().name)
        return sheet_columns(path, sheet)

    monkeypatch.setattr(other_analyses, "sheet_columns", recording)
    assert _items(other.safety) == ["none", "Toxicity", "Log", "Empty"]
    grade = other.sheets["safety"].columns["grade"]
    assert not other.form.isRowVisible(grade)
    other.safety.setCurrentIndex(other.safety.findData("Toxicity"))
    other.safety.activated.emit(other.safety.currentIndex())
    assert session.spec.safety is None  # not before its columns are known
    assert grade.currentText() == "reading the sheet\u2026" and not grade.isEnabled()
    wait_idle(qtbot, window)
    assert read_on and threading.main_thread().name not in read_on  # off the GUI thread
    assert session.spec.safety == OWN_NAMES
    assert session.undo_stack.undoText() == "Change the adverse events sheet"
    columns = other.sheets["safety"].columns
    assert other.form.isRowVisible(columns["grade"]) and columns["grade"].isEnabled()
    assert columns["grade"].currentText() == "CTCAE grade"
    assert _items(columns["term"]) == ["Subject", "AE term", "CTCAE grade"]
    result = wait_for_result(qtbot, window)
    counts = {(r.term, r.group): (r.any_grade, r.grade_3_plus) for r in result.safety.rows}
    assert counts == EXPECTED
    assert any("'P9'" in i.message and "'Toxicity'" in i.message for i in result.issues)

    _choose(qtbot, window, other.screening, "Log")
    assert session.spec.screening == ScreeningSource("Log", "Screening no.", "Randomized?",
                                                     "Why not")
    flow = wait_for_result(qtbot, window).flow
    assert flow.screened == 11
    assert {c.reason: c.n for c in flow.counts if c.stage == "not_randomised"} == {
        "declined": 2, "ineligible": 1}
    window.tabs.setCurrentIndex(TRIAL_TAB)
    assert any(c.startswith("Adverse events by arm") for c in window.trial_panel.sections)

    session.undo_stack.undo()
    session.undo_stack.undo()
    assert session.spec.safety is None and session.spec.screening is None
    assert not other.form.isRowVisible(columns["grade"])
    reads = len(read_on)
    _choose(qtbot, window, other.safety, "Toxicity")  # known now: not read again
    assert len(read_on) == reads and session.spec.safety == OWN_NAMES


def test_a_wrong_or_missing_column_is_named_in_plain_words(qtbot, opened) -> None:
    window, session = opened, opened.session
    other = window.analysis_settings.other
    _choose(qtbot, window, other.safety, "Toxicity")
    grade = other.sheets["safety"].columns["grade"]
    _choose(qtbot, window, grade, "AE term")  # names, not grades
    assert session.spec.safety == replace(OWN_NAMES, grade="AE term")
    assert session.undo_stack.undoText() == "Change the grade column of sheet Toxicity"
    result = wait_for_result(qtbot, window)
    assert any("Sheet 'Toxicity'" in i.message and "a grade (AE term) that is not" in i.message
               for i in result.issues)
    assert all(r.any_grade == 0 for r in result.safety.rows)
    session.undo_stack.undo()
    assert session.spec.safety == OWN_NAMES and grade.currentText() == "CTCAE grade"

    session.set_spec(replace(session.spec, safety=SafetySource("Toxicity")), "Usual names")
    wait_idle(qtbot, window)  # e.g. a project file written for another workbook
    assert session.result is None
    assert any("sheet 'Toxicity': there is no column 'patient_id'" in p
               for p in session.problems)
    assert grade.currentText() == "grade (not in the sheet)"
    _choose(qtbot, window, grade, "CTCAE grade")
    assert session.spec.safety.grade == "CTCAE grade"


def test_a_sheet_that_cannot_be_read_is_named(qtbot, opened) -> None:
    window, session = opened, opened.session
    other = window.analysis_settings.other
    _choose(qtbot, window, other.safety, "Empty")
    assert session.spec.safety is None
    assert other.problem.text().startswith("trial.xlsx, sheet 'Empty'")
    assert other.safety.currentData() is None
    _choose(qtbot, window, other.safety, "Toxicity")
    assert session.spec.safety == OWN_NAMES and not other.problem.text()
