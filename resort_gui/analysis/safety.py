"""Adverse events by arm, from a long-format sheet (one row per patient, term and grade).

For each arm, the number and percentage of its patients with each term at any grade, at
CTCAE grade 3 or higher and at each grade 1 to 5, counting each patient once per term at their
worst grade (as CTCAE tables in trial reports do); the first
row, ``Any adverse event``, counts the patients with at least one event. Percentages are of
the arm's patients in the analysis. Rows that cannot be used are left out and named in a
note: a missing patient, term or grade, a grade that is not a whole number from 1 to 5, a
patient who is not in the analysis.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from resort_gui.domain import format as fmt
from resort_gui.domain.errors import Issue
from resort_gui.domain.trial_results import AdverseEventRow, SafetyTable
from resort_gui.io.cells import cell_text

ANY_EVENT = "Any adverse event"
SEVERE_GRADE = 3
GRADES = (1, 2, 3, 4, 5)


def safety_table(events: pd.DataFrame, rows: Sequence[int], *, patient: str, term: str,
                 grade: str, patients: Sequence[str], group: np.ndarray,
                 group_labels: Sequence[str], sheet: str = "adverse_events",
                 ) -> tuple[SafetyTable, list[Issue]]:
    """The adverse-event table of ``events`` (columns ``patient``, ``term``, ``grade``;
    ``rows`` the spreadsheet row numbers) for the analysed ``patients`` of each group."""
    issues: list[Issue] = []
    usable = _usable_events(events, rows, patient, term, grade, set(patients), sheet, issues)
    arm_of = dict(zip(patients, np.asarray(group, dtype=np.int64).tolist(), strict=True))
    usable["arm"] = usable["patient"].map(arm_of)
    worst = usable.groupby(["patient", "term"], as_index=False).agg(
        grade=("grade", "max"), arm=("arm", "first"))
    overall = worst.groupby("patient", as_index=False).agg(grade=("grade", "max"),
                                                           arm=("arm", "first"))
    overall["term"] = ANY_EVENT
    sizes = np.bincount(np.asarray(group, dtype=np.int64), minlength=len(group_labels))
    order = [ANY_EVENT, *_terms_by_frequency(worst)]
    counts = _counts(pd.concat([overall, worst], ignore_index=True))
    table_rows = [_row(name, label, int(sizes[code]), counts.get(code, {}).get(name))
                  for name in order for code, label in enumerate(group_labels)]
    return SafetyTable(rows=tuple(table_rows), groups=tuple(group_labels), sheet=sheet), issues


def _usable_events(events: pd.DataFrame, rows: Sequence[int], patient: str, term: str,
                   grade: str, analysed: set[str], sheet: str,
                   issues: list[Issue]) -> pd.DataFrame:
    frame = pd.DataFrame({"patient": cell_text(events[patient]).to_numpy(),
                          "term": cell_text(events[term]).to_numpy(),
                          "grade": pd.to_numeric(events[grade], errors="coerce").to_numpy(),
                          "row": np.asarray(rows)})
    no_grade = pd.isna(cell_text(events[grade]).to_numpy())
    missing = (frame["patient"].isna() | frame["term"].isna()).to_numpy() | no_grade
    bad_grade = ~missing & ~frame["grade"].isin(GRADES).to_numpy()
    _note(issues, sheet, frame["row"][missing],
          f"no patient ({patient}), term ({term}) or grade ({grade})")
    _note(issues, sheet, frame["row"][bad_grade],
          f"a grade ({grade}) that is not a whole number from 1 to 5")
    bad = missing | bad_grade
    unknown = ~bad & ~frame["patient"].isin(analysed)
    _note(issues, sheet, frame["row"][unknown], "a patient who is not in the analysis",
          example=frame["patient"][unknown])
    return frame[~bad & ~unknown].astype({"grade": np.int64})


def _note(issues: list[Issue], sheet: str, rows: pd.Series, reason: str,
          example: pd.Series | None = None) -> None:
    if rows.empty:
        return
    shown = ", ".join(str(r) for r in rows.iloc[:5]) + (", ..." if len(rows) > 5 else "")
    sample = f" (e.g. {example.iloc[0]!r})" if example is not None else ""
    issues.append(Issue("adverse_events_rows_left_out",
                        f"Sheet {sheet!r}: {len(rows)} row(s) left out of the adverse-event "
                        f"table because they have {reason}{sample}: rows {shown}."))


def _counts(worst: pd.DataFrame) -> dict[int, dict[str, tuple[int, ...]]]:
    """{arm: {term: (patients at worst grade 1, 2, 3, 4, 5)}}."""
    summary = pd.crosstab([worst["arm"], worst["term"]], worst["grade"]).reindex(
        columns=list(GRADES), fill_value=0)
    result: dict[int, dict[str, tuple[int, ...]]] = {}
    for (arm, term_name), row in summary.iterrows():
        result.setdefault(int(arm), {})[str(term_name)] = tuple(int(n) for n in row)
    return result


def _terms_by_frequency(worst: pd.DataFrame) -> list[str]:
    """Terms by decreasing number of patients (all arms), then alphabetically."""
    counts = worst.groupby("term").size()
    return sorted(counts.index, key=lambda t: (-int(counts[t]), str(t).casefold()))


def _row(term: str, group: str, size: int,
         by_grade: tuple[int, ...] | None) -> AdverseEventRow:
    by_grade = by_grade or (0,) * len(GRADES)
    any_grade, severe = sum(by_grade), sum(by_grade[SEVERE_GRADE - 1:])
    return AdverseEventRow(
        term=term, group=group, n_patients=size, any_grade=any_grade,
        any_grade_percent=_percent(any_grade, size), grade_3_plus=severe,
        grade_3_plus_percent=_percent(severe, size),
        **{f"grade_{g}": n for g, n in zip(GRADES, by_grade, strict=True)})


def _percent(count: int, size: int) -> float:
    return 100.0 * count / size if size else float("nan")


def safety_display(table: SafetyTable, digits: int = 0, decimal: str = ".",
                   names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The adverse-event table as a journal prints it: one row per term, for each arm
    "Any grade" and "Grade >= 3" as "n (%)", arms headed "arm (n = 33)". Text only; for the
    report, the workbook and the window. ``names`` are the arms' display names."""
    names = names or {}
    columns = ["Adverse event"] + [f"{_arm(group, size, names)}: {heading}"
                                   for group, size in _sizes(table).items()
                                   for heading in ("any grade", "grade \u2265 3")]
    lines = [[term] + [_n_percent(n, row.n_patients, digits, decimal)
                       for row in of_group.values()
                       for n in (row.any_grade, row.grade_3_plus)]
             for term, of_group in _by_term(table).items()]
    return pd.DataFrame(lines, columns=columns)


def safety_by_grade_display(table: SafetyTable, digits: int = 0, decimal: str = ".",
                            names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Each term's patients by worst CTCAE grade: one line per term and arm ("arm (n = 33)",
    the term written on its first line only), "Grade 1" ... "Grade 5" as "n (%)"."""
    names = names or {}
    sizes = _sizes(table)
    lines = []
    for term, of_group in _by_term(table).items():
        for i, (group, row) in enumerate(of_group.items()):
            lines.append([term if i == 0 else "", _arm(group, sizes[group], names)]
                         + [_n_percent(n, row.n_patients, digits, decimal)
                            for n in row.by_grade()])
    return pd.DataFrame(lines, columns=["Adverse event", "Arm",
                                        *(f"Grade {g}" for g in GRADES)])


def _sizes(table: SafetyTable) -> dict[str, int]:
    sizes = {r.group: r.n_patients for r in table.rows}
    return {group: sizes.get(group, 0) for group in table.groups}


def _by_term(table: SafetyTable) -> dict[str, dict[str, AdverseEventRow]]:
    """{term: {group: row}}, terms in the table's order, groups in ``table.groups``'."""
    rows: dict[str, dict[str, AdverseEventRow]] = {}
    for row in table.rows:
        rows.setdefault(row.term, {})[row.group] = row
    return {term: {g: of_group[g] for g in table.groups} for term, of_group in rows.items()}


def _arm(group: str, size: int, names: Mapping[str, str]) -> str:
    return f"{names.get(group) or group} (n = {size})"


def _n_percent(count: int, size: int, digits: int, decimal: str) -> str:
    return f"{count} ({fmt.number(_percent(count, size), digits, decimal)}%)"
