"""The cohort: the patients that enter the analysis, with the rows left out and why."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True)
class ExcludedRow:
    """A spreadsheet row left out of the analysis; ``row`` is the spreadsheet's own number."""

    row: int
    patient: str
    reason: str


@dataclass(frozen=True)
class Cohort:
    """Validated arrays, one entry per included patient.

    ``group`` holds codes into ``group_labels`` with code 0 the reference group.
    ``strata`` holds codes into ``strata_labels`` (the strata columns combined), -1 where a
    strata value is missing: such patients are left out of stratified analyses only, as R does.
    ``time`` is in ``time_unit``. ``reason`` says how each patient's time and event came about.
    ``patient`` holds the identifier column's cells, () when the table has none: the
    spreadsheet row number then names the patient (``patient_ids``), and a million of them
    are not kept as text.
    """

    time: NDArray[np.float64]
    event: NDArray[np.bool_]
    group: NDArray[np.int64]
    group_labels: tuple[str, ...]
    strata: NDArray[np.int64] | None
    strata_labels: tuple[str, ...]
    row: NDArray[np.int64]
    patient: tuple[str, ...]
    reason: tuple[str, ...]
    excluded: tuple[ExcludedRow, ...]
    time_unit: str
    source: str
    sha256: str

    @property
    def n(self) -> int:
        return int(self.time.size)

    def patient_ids(self) -> tuple[str, ...]:
        """Each patient's identifier: the identifier cell, else the row number as text."""
        return self.patient if self.patient or not self.n else tuple(
            str(r) for r in self.row.tolist())

    def group_counts(self) -> dict[str, int]:
        counts = np.bincount(self.group, minlength=len(self.group_labels))
        return dict(zip(self.group_labels, counts.tolist(), strict=True))
