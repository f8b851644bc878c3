"""The tables the secondary analyses read besides the endpoint: the patients' own sheet
(covariates, subgroups, Table 1, arms of excluded rows), the adverse-events sheet and the
screening log, both from the same workbook."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TypeVar

import pandas as pd

from resort_gui.domain.cohort import Cohort
from resort_gui.domain.errors import InputError
from resort_gui.domain.spec import AnalysisSpec, SafetySource, ScreeningSource
from resort_gui.io.columns import memoised
from resort_gui.io.subgroups import select_subgroup
from resort_gui.io.table import RawTable, preview, read_table

Source = TypeVar("Source", SafetySource, ScreeningSource)

# words a column's name may contain, by the field it probably holds, the likeliest first
COLUMN_HINTS = {
    "patient": ("patient", "subject", "id"),
    "term": ("term", "event", "ae"),
    "grade": ("grade", "ctcae", "severity", "toxicity"),
    "randomised": ("random", "enrol", "included"),
    "reason": ("reason", "why"),
}


@dataclass(frozen=True, eq=False)
class TrialSheets:
    """``patients`` is the analysed sheet as the cohort was built from it (subgroup
    conditions applied); ``adverse_events`` and ``screening`` are None when not asked for."""

    patients: RawTable
    adverse_events: RawTable | None = None
    screening: RawTable | None = None

    def patient_rows(self, cohort: Cohort) -> pd.DataFrame:
        """The patients' sheet rows of the cohort, in the cohort's order."""
        frame = self.patients.frame.set_axis(self.patients.row_numbers())
        return frame.loc[cohort.row].reset_index(drop=True)


def read_trial_sheets(raw: RawTable, spec: AnalysisSpec) -> TrialSheets:
    """The sheets ``spec`` needs beyond ``raw`` (the analysed sheet, as read); checks that
    every column the spec names exists, with a message naming the sheet."""
    patients = select_subgroup(raw, spec.where, [])
    _require(patients, [*spec.covariates, *spec.subgroups, *spec.baseline_columns])
    adverse = screening = None
    if spec.safety is not None:
        adverse = _sheet(raw, spec.safety.sheet)
        _require(adverse, [spec.safety.patient, spec.safety.term, spec.safety.grade])
    if spec.screening is not None:
        screening = _sheet(raw, spec.screening.sheet)
        _require(screening, [spec.screening.patient, spec.screening.randomised,
                             spec.screening.reason])
    return TrialSheets(patients=patients, adverse_events=adverse, screening=screening)


def _sheet(raw: RawTable, name: str) -> RawTable:
    if raw.sheets and name not in raw.sheets:
        raise InputError("sheet_not_found",
                         f"{raw.name}: there is no sheet {name!r}; sheets: "
                         f"{', '.join(raw.sheets)}.")
    if not raw.sheets:
        raise InputError("sheet_not_found",
                         f"{raw.name} is not a workbook, so it has no sheet {name!r}; "
                         "put the table in a sheet of the same workbook.")
    # read once while ``raw`` lives, as ``raw`` itself: the window analyses again after every
    # settings change, and a workbook's sheet is parsed whole each time (0.6 s at 100,000 rows)
    return memoised(raw, ("sheet", name), lambda: read_table(raw.path, sheet=name))


def _require(table: RawTable, columns: list[str]) -> None:
    missing = [c for c in dict.fromkeys(columns) if c not in table.frame.columns]
    if missing:
        where = f"{table.name}, sheet {table.sheet!r}" if table.sheet else table.name
        raise InputError("column_not_found",
                         *(f"{where}: there is no column {c!r}. Columns found: "
                           f"{', '.join(map(repr, table.frame.columns))}." for c in missing))


def sheet_columns(path: str | Path, sheet: str) -> tuple[str, ...]:
    """The column names of ``sheet``, its header row found as ``read_table`` finds it, from
    the top rows only (the whole sheet is still parsed: about 0.6 s at 100,000 rows)."""
    return preview(path, sheet, n=0).columns


def guess_source(kind: type[Source], sheet: str, columns: Sequence[str]) -> Source:
    """``kind`` reading ``sheet``: each field takes the column of its usual name when the
    sheet has one, else the shortest name that contains one of its ``COLUMN_HINTS``
    (ignoring case; every field's first hint is tried before any field's second, so "CTCAE
    grade" is the grade, not the term "AE"), else the first column left; no column serves
    two fields."""
    usual = {f.name: str(f.default) for f in fields(kind) if f.name != "sheet"}
    chosen = {name: column for name, column in usual.items() if column in columns}
    for rank in range(max(len(hints) for hints in COLUMN_HINTS.values())):
        for name, hints in COLUMN_HINTS.items():
            found = [c for c in columns if rank < len(hints) and hints[rank] in c.casefold()
                     and c not in chosen.values()]
            if name in usual and name not in chosen and found:
                chosen[name] = min(found, key=len)
    for name in usual:
        left = [c for c in columns if c not in chosen.values()]
        if name not in chosen and left:
            chosen[name] = left[0]
    return kind(sheet, **chosen)
