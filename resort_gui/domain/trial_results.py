"""Results beyond the primary Kaplan-Meier analysis: the proportional-hazards test, competing
risks, subgroup effects, baseline characteristics (Table 1), adverse events and the flow of
participants.

Like ``results.py``: frozen dataclasses of numpy arrays, NaN (with a note) where a value is
not estimable, no formatted strings; ``to_frame()`` gives the exported table's columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from resort_gui.domain.arrays import FloatArray, Frameable, IntArray

ObjectArray = np.ndarray  # of str


PH_ISSUE = "proportional_hazards"  # the Issue code when cox.zph gives p < 0.05

@dataclass(frozen=True)
class ProportionalHazardsTest(Frameable):
    """Schoenfeld-residual test of proportional hazards, one row per coefficient and a last
    row ``GLOBAL``, as ``cox.zph(fit, transform="km", terms=FALSE)$table``."""

    term: ObjectArray
    chisq: FloatArray
    df: IntArray
    p_value: FloatArray
    transform: str = "km"
    note: str = ""

    @property
    def global_p(self) -> float:
        return float(self.p_value[-1]) if self.p_value.size else float("nan")


@dataclass(frozen=True)
class CumulativeIncidence(Frameable):
    """Aalen-Johansen cumulative incidence of one cause in one group with cmprsk's variance.

    Rows: time 0, every time an event of this cause happens in the group, and the requested
    landmark times (``is_landmark``; NaN beyond the group's last follow-up time, as cmprsk's
    ``timepoints``). ``last_time`` is the group's largest follow-up time (the curve is flat
    from its last jump to there). ``ci_lower``/``ci_upper`` are the pointwise limits at
    ``conf_level`` on the log(-log) scale (``stats.competing.cif_confidence``), NaN where
    the incidence is 0 or 1 or its variance is 0.
    """

    group: str
    cause: str
    time: FloatArray
    cif: FloatArray
    variance: FloatArray
    is_landmark: np.ndarray
    last_time: float
    ci_lower: FloatArray
    ci_upper: FloatArray
    conf_level: float = 0.95
    n: int = 0  # patients of the group
    events: int = 0  # events of this cause in the group

    def steps(self) -> tuple[FloatArray, FloatArray]:
        """Vertices for drawing the curve as a right-continuous step function: x from 0
        through every jump to the last follow-up time, y the incidence from each x on."""
        finite = np.isfinite(self.cif)
        time, cif = self.time[finite], self.cif[finite]
        jumps = np.r_[True, np.diff(cif) != 0]
        x, y = time[jumps], cif[jumps]
        return np.r_[x, self.last_time], np.r_[y, y[-1]]

    def band(self) -> tuple[FloatArray, FloatArray]:
        """The confidence limits at the vertices of ``steps``, for drawing: where no
        interval exists (the incidence still 0) the band is the curve itself."""
        finite = np.isfinite(self.cif)
        cif = self.cif[finite]
        lower, upper = self.ci_lower[finite], self.ci_upper[finite]
        jumps = np.r_[True, np.diff(cif) != 0]
        lower = np.where(np.isfinite(lower), lower, cif)[jumps]
        upper = np.where(np.isfinite(upper), upper, cif)[jumps]
        return np.r_[lower, lower[-1]], np.r_[upper, upper[-1]]


@dataclass(frozen=True)
class GrayTest:
    """Gray's k-sample test that the cumulative incidence of ``cause`` is equal across groups
    (``cmprsk::cuminc(...)$Tests``); stratified when strata are given."""

    cause: str
    chisq: float
    df: int
    p_value: float
    note: str = ""
    stratified: bool = False

    @property
    def name(self) -> str:
        """The test's row in ``tests.csv``: ``gray_cause_V`` [``_stratified``]."""
        return f"gray_cause_{self.cause}" + ("_stratified" if self.stratified else "")


@dataclass(frozen=True)
class CompetingRisks:
    """Cumulative incidence of every cause per group, and Gray's test per cause."""

    cause: str
    competing: tuple[str, ...]
    curves: tuple[CumulativeIncidence, ...]
    tests: tuple[GrayTest, ...]

    def curve(self, group: str, cause: str) -> CumulativeIncidence | None:
        return next((c for c in self.curves if c.group == group and c.cause == cause), None)


@dataclass(frozen=True)
class SubgroupEffect:
    """Hazard ratio of ``group`` against ``reference`` among the patients whose ``column``
    equals ``level`` (``column`` is ``ALL_PATIENTS`` and ``level`` empty for everyone), and
    the interaction p of that column (the same on every level of a column)."""

    column: str
    level: str
    group: str
    reference: str
    n: int
    events: int
    hr: float
    ci_lower: float
    ci_upper: float
    p_interaction: float
    note: str = ""


@dataclass(frozen=True)
class SubgroupAnalysis:
    """Subgroup effects, overall first; ``interaction_test`` names how p_interaction is
    computed."""

    effects: tuple[SubgroupEffect, ...]
    interaction_test: str
    conf_level: float = 0.95

    def to_frame(self) -> Any:
        import pandas as pd

        columns = ["column", "level", "n", "events", "hr", "ci_lower", "ci_upper",
                   "p_interaction", "group", "reference"]
        return pd.DataFrame([{c: getattr(e, c) for c in columns} for e in self.effects],
                            columns=columns)


@dataclass(frozen=True)
class BaselineRow:
    """One line of Table 1 for one group. Continuous variables fill ``n`` (known values),
    median, quartiles (R's ``quantile`` type 7), mean and SD, and ``missing``; each level of
    a categorical variable fills ``n`` and ``percent`` (of the group's patients), and a last
    level ``(missing)`` counts the empty cells."""

    variable: str
    kind: str  # "continuous" | "categorical"
    level: str
    group: str
    n: int
    percent: float
    median: float
    q1: float
    q3: float
    mean: float
    sd: float
    missing: int


@dataclass(frozen=True)
class BaselineTable:
    """Baseline characteristics by group and for all patients (``ALL_PATIENTS``)."""

    rows: tuple[BaselineRow, ...]
    groups: tuple[str, ...]  # the groups, then all patients
    group_sizes: tuple[int, ...]

    def to_frame(self) -> Any:
        import pandas as pd

        columns = list(BaselineRow.__dataclass_fields__)
        return pd.DataFrame([vars(r) for r in self.rows], columns=columns)


@dataclass(frozen=True)
class AdverseEventRow:
    """Patients of ``group`` with ``term`` (``ANY_EVENT`` for any term) at any grade and at
    grade >= 3 (worst grade per patient and term), as counts and percentages of ``n_patients``;
    ``grade_1`` ... ``grade_5`` count the patients whose worst grade is exactly that one."""

    term: str
    group: str
    n_patients: int
    any_grade: int
    any_grade_percent: float
    grade_3_plus: int
    grade_3_plus_percent: float
    grade_1: int
    grade_2: int
    grade_3: int
    grade_4: int
    grade_5: int

    def by_grade(self) -> tuple[int, int, int, int, int]:
        """Patients by worst CTCAE grade, 1 to 5."""
        return self.grade_1, self.grade_2, self.grade_3, self.grade_4, self.grade_5


@dataclass(frozen=True)
class SafetyTable:
    """Adverse events by arm: the overall row first, then terms by decreasing frequency."""

    rows: tuple[AdverseEventRow, ...]
    groups: tuple[str, ...]
    sheet: str

    def to_frame(self) -> Any:
        import pandas as pd

        columns = list(AdverseEventRow.__dataclass_fields__)
        return pd.DataFrame([vars(r) for r in self.rows], columns=columns)


@dataclass(frozen=True)
class FlowCount:
    """One box or line of the CONSORT diagram: ``stage`` is ``screened``,
    ``not_randomised``, ``randomised``, ``excluded`` or ``analysed``; ``group`` is empty
    before randomisation; ``reason`` is set for the not-randomised and excluded lines."""

    stage: str
    group: str
    reason: str
    n: int


@dataclass(frozen=True)
class ParticipantFlow:
    """CONSORT-style counts. ``screened`` is None without a screening sheet."""

    counts: tuple[FlowCount, ...]
    groups: tuple[str, ...]
    screened: int | None

    def total(self, stage: str, group: str | None = None) -> int:
        return sum(c.n for c in self.counts
                   if c.stage == stage and (group is None or c.group == group))

    def reasons(self, stage: str, group: str = "") -> tuple[tuple[str, int], ...]:
        return tuple((c.reason, c.n) for c in self.counts
                     if c.stage == stage and c.group == group and c.reason)

    def to_frame(self) -> Any:
        import pandas as pd

        return pd.DataFrame([vars(c) for c in self.counts],
                            columns=["stage", "group", "reason", "n"])
