"""Adverse events by arm: patients (not events) counted once per term at their worst grade,
any grade and grade >= 3, overall row first; unusable rows named."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from resort_gui.analysis.safety import ANY_EVENT, safety_table

PATIENTS = ("P1", "P2", "P3", "P4")
GROUP = np.array([0, 0, 1, 1])
EVENTS = pd.DataFrame({
    "patient_id": ["P1", "P1", "P1", "P3", "P3", "P4", "P9", "P2", None, "P2"],
    "term": ["Fatigue", "Fatigue", "Rash", "Fatigue", "Diarrhoea", "Diarrhoea", "Rash",
             "Rash", "Rash", "Nausea"],
    "grade": [1, 3, 2, 2, 4, 1, 1, "2.5", 2, None],
})


@pytest.fixture
def result():
    return safety_table(EVENTS, list(range(2, 12)), patient="patient_id", term="term",
                        grade="grade", patients=PATIENTS, group=GROUP,
                        group_labels=("observation", "sorafenib"), sheet="ae")


def counts(table, term, group):
    row = next(r for r in table.rows if r.term == term and r.group == group)
    return row.any_grade, row.grade_3_plus, row.any_grade_percent


def test_patients_are_counted_once_per_term_at_their_worst_grade(result) -> None:
    table, _ = result
    assert counts(table, "Fatigue", "observation") == (1, 1, 50.0)  # P1 grades 1 and 3
    assert counts(table, "Fatigue", "sorafenib") == (1, 0, 50.0)
    assert counts(table, "Diarrhoea", "sorafenib") == (2, 1, 100.0)
    assert counts(table, "Rash", "sorafenib") == (0, 0, 0.0)


def test_each_grade_counts_the_patients_whose_worst_grade_it_is(result) -> None:
    table, _ = result
    row = {(r.term, r.group): r.by_grade() for r in table.rows}
    assert row["Fatigue", "observation"] == (0, 0, 1, 0, 0)  # P1 grades 1 and 3: worst 3
    assert row["Diarrhoea", "sorafenib"] == (1, 0, 0, 1, 0)  # P4 grade 1, P3 grade 4
    assert row[ANY_EVENT, "sorafenib"] == (1, 0, 0, 1, 0)  # P4's worst is 1, P3's is 4
    assert row[ANY_EVENT, "observation"] == (0, 0, 1, 0, 0)
    assert all(sum(g) == r.any_grade and sum(g[2:]) == r.grade_3_plus
               for r in table.rows for g in [r.by_grade()])


def test_any_event_row_comes_first_and_terms_by_frequency(result) -> None:
    table, _ = result
    assert [r.term for r in table.rows[::2]] == [ANY_EVENT, "Diarrhoea", "Fatigue", "Rash"]
    assert counts(table, ANY_EVENT, "observation") == (1, 1, 50.0)
    assert counts(table, ANY_EVENT, "sorafenib") == (2, 1, 100.0)
    assert {r.n_patients for r in table.rows} == {2}


def test_unusable_rows_are_left_out_with_their_row_numbers(result) -> None:
    _, issues = result
    text = " ".join(i.message for i in issues)
    assert "rows 10, 11" in text  # no patient, no grade
    assert "rows 9" in text and "whole number from 1 to 5" in text  # grade 2.5
    assert "not in the analysis (e.g. 'P9'): rows 8" in text
    assert all("Sheet 'ae'" in i.message for i in issues)


def test_no_usable_events_gives_zero_rows_of_counts() -> None:
    empty = EVENTS.iloc[:0]
    table, issues = safety_table(empty, [], patient="patient_id", term="term", grade="grade",
                                 patients=PATIENTS, group=GROUP, group_labels=("a", "b"))
    assert [(r.term, r.any_grade) for r in table.rows] == [(ANY_EVENT, 0), (ANY_EVENT, 0)]
    assert not issues


def test_display_is_n_and_percent_per_arm(result) -> None:
    from resort_gui.analysis.safety import safety_display

    table, _ = result
    shown = safety_display(table).set_index("Adverse event")
    assert list(shown.columns) == ["observation (n = 2): any grade",
                                   "observation (n = 2): grade \u2265 3",
                                   "sorafenib (n = 2): any grade",
                                   "sorafenib (n = 2): grade \u2265 3"]
    assert shown.loc["Diarrhoea", "sorafenib (n = 2): grade \u2265 3"] == "1 (50%)"
    assert list(shown.index)[0] == ANY_EVENT


def test_display_by_grade_has_a_line_per_term_and_arm_with_grades_1_to_5(result) -> None:
    from resort_gui.analysis.safety import safety_by_grade_display

    table, _ = result
    shown = safety_by_grade_display(table, decimal=",", digits=1, names={"sorafenib": "Sor"})
    assert list(shown.columns) == ["Adverse event", "Arm", *(f"Grade {g}" for g in range(1, 6))]
    diarrhoea = shown.index[shown["Adverse event"] == "Diarrhoea"][0]
    lines = shown.iloc[diarrhoea:diarrhoea + 2]
    assert list(lines["Adverse event"]) == ["Diarrhoea", ""]
    assert list(lines["Arm"]) == ["observation (n = 2)", "Sor (n = 2)"]
    assert list(lines.iloc[1, 2:]) == ["1 (50,0%)", "0 (0,0%)", "0 (0,0%)", "1 (50,0%)",
                                       "0 (0,0%)"]
