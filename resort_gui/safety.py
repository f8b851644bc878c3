"""Adverse events by arm, from a long-format sheet (one row per patient, term and grade).

For each arm, the number and percentage of its patients with each term at any grade and at
CTCAE grade 3 or higher, counting each patient once per term at their worst grade; the first
row, ``Any adverse event``, counts the patients with at least one event. Percentages are of
the arm's patients in the analysis. Rows that cannot be used are left out and named in a
note: a missing patient, term or grade, a grade that is not a whole number from 1 to 5, a
patient who is not in the analysis.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from resort_gui import format as fmt
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


def _counts(worst: pd.DataFrame) -> dict[int, dict[str, tuple[int, int]]]:
    """{arm: {term: (patients with any grade, patients with grade >= 3)}}."""
    summary = worst.assign(severe=worst["grade"] >= SEVERE_GRADE).groupby(["arm", "term"]).agg(
        any_grade=("patient", "size"), severe=("severe", "sum"))
    result: dict[int, dict[str, tuple[int, int]]] = {}
    for (arm, term_name), row in summary.iterrows():
        result.setdefault(int(arm), {})[str(term_name)] = (int(row["any_grade"]),
                                                           int(row["severe"]))
    return result


def _terms_by_frequency(worst: pd.DataFrame) -> list[str]:
    """Terms by decreasing number of patients (all arms), then alphabetically."""
    counts = worst.groupby("term").size()
    return sorted(counts.index, key=lambda t: (-int(counts[t]), str(t).casefold()))


def _row(term: str, group: str, size: int, counts: tuple[int, int] | None) -> AdverseEventRow:
    any_grade, severe = counts or (0, 0)
    return AdverseEventRow(
        term=term, group=group, n_patients=size, any_grade=any_grade,
        any_grade_percent=100.0 * any_grade / size if size else float("nan"),
        grade_3_plus=severe,
        grade_3_plus_percent=100.0 * severe / size if size else float("nan"))


def safety_display(table: SafetyTable, digits: int = 0, decimal: str = ".") -> pd.DataFrame:
    """The adverse-event table as a journal prints it: one row per term, for each arm
    "Any grade" and "Grade >= 3" as "n (%)", arms headed "arm (n = 33)". Text only; for the
    report, the workbook and the window."""
    frame = table.to_frame()
    columns = ["Adverse event"]
    for group in table.groups:
        size = int(frame.loc[frame["group"] == group, "n_patients"].iloc[0]) if len(frame) else 0
        columns += [f"{group} (n = {size}): any grade", f"{group} (n = {size}): grade \u2265 3"]
    lines = []
    for term, rows in frame.groupby("term", sort=False):
        by = rows.set_index("group").loc[list(table.groups)]
        cells = [term]
        for r in by.itertuples():
            cells += [f"{r.any_grade} ({fmt.number(r.any_grade_percent, digits, decimal)}%)",
                      f"{r.grade_3_plus} ({fmt.number(r.grade_3_plus_percent, digits, decimal)}%)"]
        lines.append(cells)
    return pd.DataFrame(lines, columns=columns)
