"""Result dataclasses of the statistics engine.

Arrays are numpy; field names follow R's ``survival`` package. A value that is not estimable
or "not reached" is NaN, with a flag or a ``note`` saying why, never a made-up number.
``to_frame()`` returns a pandas DataFrame (imported lazily) with the same columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from resort_gui.domain.arrays import BoolArray, FloatArray, Frameable, IntArray
from resort_gui.domain.trial_results import (
    BaselineTable,
    CompetingRisks,
    ParticipantFlow,
    ProportionalHazardsTest,
    SafetyTable,
    SubgroupAnalysis,
)


@dataclass(frozen=True)
class KaplanMeier(Frameable):
    """Kaplan-Meier estimate at every distinct time (event or censoring), as
    ``summary(survfit(Surv(time, event) ~ 1, conf.type=...), censored=TRUE)``.

    ``std_err`` is Greenwood's standard error on the survival scale. Confidence limits are
    NaN where R gives NA (e.g. after S reaches 0 for log and log-log transforms).
    """

    time: FloatArray
    n_risk: IntArray
    n_event: IntArray
    n_censor: IntArray
    survival: FloatArray
    std_err: FloatArray
    ci_lower: FloatArray
    ci_upper: FloatArray
    conf_type: str
    conf_level: float
    n: int


@dataclass(frozen=True)
class Quantiles(Frameable):
    """Survival-time quantiles (``prob`` 0.5 is the median) with CI by R's rule,
    ``quantile(survfit(...), probs, conf.int=TRUE)``. NaN time = not reached (``reached``
    False); NaN limit = not estimable."""

    prob: FloatArray
    time: FloatArray
    ci_lower: FloatArray
    ci_upper: FloatArray
    reached: BoolArray


@dataclass(frozen=True)
class Landmarks(Frameable):
    """Survival at fixed times, as ``summary(survfit(...), times=..., extend=TRUE)``."""

    time: FloatArray
    n_risk: IntArray
    survival: FloatArray
    std_err: FloatArray
    ci_lower: FloatArray
    ci_upper: FloatArray


@dataclass(frozen=True)
class RiskTable(Frameable):
    """Number at risk at each time (still under observation at t, i.e. time >= t), and the
    cumulative events and censorings up to and including t: the table under a KM plot."""

    time: FloatArray
    n_risk: IntArray
    n_event_cum: IntArray
    n_censor_cum: IntArray


@dataclass(frozen=True)
class RestrictedMean:
    """Restricted mean survival time up to ``tau`` and its SE,
    ``summary(survfit(...), rmean=tau)$table[, c("rmean", "se(rmean)")]``."""

    tau: float
    rmst: float
    se: float


@dataclass(frozen=True)
class FollowUp:
    """Median follow-up by reverse Kaplan-Meier (censoring as the event) with CI,
    ``quantile(survfit(Surv(time, 1 - event) ~ 1), 0.5, conf.int=TRUE)``."""

    median: float
    ci_lower: float
    ci_upper: float
    reached: bool


@dataclass(frozen=True)
class GroupTest:
    """A k-group comparison of survival: chi-square on ``df`` degrees of freedom.

    ``observed``/``expected`` are per group (weighted for weighted tests), in group-code order.
    ``chisq``/``p_value`` are NaN when the test is not possible; ``note`` says why.
    """

    name: str
    chisq: float
    df: int
    p_value: float
    observed: FloatArray
    expected: FloatArray
    note: str = ""


@dataclass(frozen=True)
class CoxModel:
    """Cox proportional-hazards fit, as ``coxph(Surv(time, event) ~ X [+ strata(s)], ties=)``.

    Per-term arrays follow the columns of the design matrix. ``loglik`` is (initial, final).
    Wald p per term from z = coef/se; ``lr_chisq``/``score_chisq`` are the global tests on
    ``df`` degrees of freedom. NaN everywhere with a ``note`` when the model cannot be fitted
    (no events, a coefficient that diverges because every event is in one group, ...).
    """

    terms: tuple[str, ...]
    coef: FloatArray
    se: FloatArray
    hr: FloatArray
    ci_lower: FloatArray
    ci_upper: FloatArray
    wald_p: FloatArray
    loglik: tuple[float, float]
    lr_chisq: float
    score_chisq: float
    df: int
    n: int
    events: int
    ties: str
    stratified: bool
    converged: bool
    note: str = ""


SMALL_GROUP = 5  # fewer patients cannot carry a curve's end, a default horizon or an HR
FEW_EVENTS = 10  # fewer events in all say little: immature data, tests without power


@dataclass(frozen=True)
class GroupResult:
    """Everything estimated within one group (or all patients pooled)."""

    label: str
    n: int
    events: int
    censored: int
    km: KaplanMeier
    quantiles: Quantiles
    landmarks: Landmarks
    rmst: RestrictedMean
    at_risk: RiskTable

    @property
    def median(self) -> tuple[float, float, float, bool]:
        """(median, ci_lower, ci_upper, reached)."""
        i = int(np.flatnonzero(self.quantiles.prob == 0.5)[0])
        q = self.quantiles
        return float(q.time[i]), float(q.ci_lower[i]), float(q.ci_upper[i]), bool(q.reached[i])


@dataclass(frozen=True)
class HazardRatio:
    """One group against the reference, from the model named in ``model``."""

    group: str
    reference: str
    hr: float
    ci_lower: float
    ci_upper: float
    p_value: float
    model: str


@dataclass(frozen=True)
class PairwiseComparison:
    """One pair of groups compared on those two groups' patients only; ``p_adjusted``
    corrects ``p_value`` for the number of pairs by ``method`` (R's ``p.adjust``)."""

    group1: str
    group2: str
    test: str
    chisq: float
    df: int
    p_value: float
    p_adjusted: float
    method: str
    note: str = ""


@dataclass(frozen=True)
class SurvivalDifference(Frameable):
    """Difference in Kaplan-Meier survival of ``group`` minus ``reference`` at fixed times,
    with Greenwood standard error, normal confidence interval and two-sided p-value.
    NaN where not estimable; ``notes`` holds one note per time ("" when none)."""

    time: FloatArray
    difference: FloatArray
    std_err: FloatArray
    ci_lower: FloatArray
    ci_upper: FloatArray
    p_value: FloatArray
    notes: tuple[str, ...]
    group: str = ""
    reference: str = ""


@dataclass(frozen=True)
class RmstDifference:
    """Difference in restricted mean survival time up to ``tau``, ``group`` minus
    ``reference``, with its standard error, normal confidence interval and p-value."""

    tau: float
    difference: float
    std_err: float
    ci_lower: float
    ci_upper: float
    p_value: float
    note: str = ""
    group: str = ""
    reference: str = ""


@dataclass(frozen=True)
class AnalysisResult:
    """The one result of ``run_analysis``: what the window shows and what is exported."""

    spec: Any  # AnalysisSpec (typed loosely to keep this module free of import cycles)
    cohort: Any  # Cohort
    groups: tuple[GroupResult, ...]
    overall: GroupResult
    tests: tuple[GroupTest, ...]
    cox: CoxModel | None
    cox_stratified: CoxModel | None
    hazard_ratios: tuple[HazardRatio, ...]
    followup: FollowUp
    tau: float
    ticks: FloatArray
    issues: tuple[Any, ...]  # Issue
    pairwise: tuple[PairwiseComparison, ...] = ()
    trend: tuple[Any, ...] = ()  # stats.compare.TrendTest: z keeps the trend's direction
    milestones: tuple[SurvivalDifference, ...] = ()  # one per group other than the reference
    rmst_differences: tuple[RmstDifference, ...] = ()  # one per group other than the reference
    conventions: tuple[Any, ...] = ()  # conventions.ConventionRow
    cox_adjusted: CoxModel | None = None  # the group with the covariates (--covariate)
    ph_test: ProportionalHazardsTest | None = None  # of cox_adjusted, else of cox
    competing: CompetingRisks | None = None
    subgroups: SubgroupAnalysis | None = None
    baseline: BaselineTable | None = None
    safety: SafetyTable | None = None
    flow: ParticipantFlow | None = None
    secondary: tuple[AnalysisResult, ...] = ()  # one per spec.secondary_endpoints (e.g. OS)

    def test(self, name: str) -> GroupTest | None:
        return next((t for t in self.tests if t.name == name), None)
