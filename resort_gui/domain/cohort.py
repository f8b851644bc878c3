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

    def group_counts(self) -> dict[str, int]:
        counts = np.bincount(self.group, minlength=len(self.group_labels))
        return dict(zip(self.group_labels, counts.tolist(), strict=True))
