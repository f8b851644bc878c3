"""The one entry point from a spec and a cohort to every number the program reports.

The window and ``resort-gui analyze`` both call ``run_analysis``; neither computes statistics
itself. Degenerate data gives NaN with an ``Issue`` saying why, never an exception.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from resort_gui.analysis.comparisons import Comparisons, compare_groups
from resort_gui.analysis.conventions import conventions_table
from resort_gui.analysis.risk_table import risk_table_times
from resort_gui.analysis.trial import trial_analyses
from resort_gui.domain.cohort import Cohort
from resort_gui.domain.errors import Issue
from resort_gui.domain.results import (
    SMALL_GROUP,
    AnalysisResult,
    CoxModel,
    GroupResult,
    HazardRatio,
    KaplanMeier,
)
from resort_gui.domain.spec import AnalysisSpec, Endpoint
from resort_gui.io.cohort import ALL_PATIENTS, build_cohort
from resort_gui.io.sheets import TrialSheets
from resort_gui.stats.compare import shared_event_tables
from resort_gui.stats.cox import cox_ph, group_design, shared_risk_sets
from resort_gui.stats.km import (
    kaplan_meier,
    kaplan_meier_by_group,
    median_followup,
    restricted_mean,
    risk_table_of,
    survival_at,
    survival_quantiles,
)

QUANTILE_PROBS = (0.25, 0.5, 0.75)


def run_analysis(cohort: Cohort, spec: AnalysisSpec,
                 issues: list[Issue] | tuple[Issue, ...] = (), *,
                 sheets: TrialSheets | None = None) -> AnalysisResult:
    """Kaplan-Meier per group and pooled, quantiles, landmarks, RMST, follow-up, the log-rank
    family and Cox hazard ratios for ``cohort`` under the settings of ``spec``; with
    ``sheets`` (``io.sheets.read_trial_sheets``) also what ``trial_analyses`` computes from
    the other columns and sheets (adjusted Cox, competing risks, subgroups, Table 1, adverse
    events, flow). The proportional-hazards test needs no sheets."""
    notes = list(issues)
    tau = spec.tau
    if tau is None:
        tau, tau_note = default_tau(cohort)
        notes += [tau_note] if tau_note else []
    ticks = risk_table_times(float(cohort.time.max(initial=0.0)), cohort.time_unit)
    by_time = _sorted_by_time(cohort)
    curves = kaplan_meier_by_group(by_time.time, by_time.event, by_time.group,
                                   len(cohort.group_labels), conf_type=spec.conf_type,
                                   conf_level=spec.conf_level)
    groups = tuple(_group_result(label, km, spec, tau, ticks)
                   for label, km in zip(cohort.group_labels, curves, strict=True))
    overall = groups[0] if len(groups) == 1 else _group_result(
        ALL_PATIENTS, kaplan_meier(by_time.time, by_time.event, conf_type=spec.conf_type,
                                   conf_level=spec.conf_level), spec, tau, ticks)
    notes += _median_notes(groups)
    with shared_risk_sets():  # the Cox fits and cox.zph of the same patients share cells
        cox, cox_strat, comparisons, group_notes = _comparisons(by_time, spec, groups)
        trial = trial_analyses(cohort, spec, cox, sheets, by_time)
    notes += group_notes + trial.issues
    followup = median_followup(by_time.time, by_time.event, conf_type=spec.conf_type,
                               conf_level=spec.conf_level)
    result = AnalysisResult(
        spec=spec, cohort=cohort, groups=groups, overall=overall, tests=comparisons.tests,
        cox=cox, cox_stratified=cox_strat,
        hazard_ratios=_hazard_ratios(cohort, cox, "cox") + _hazard_ratios(cohort, cox_strat,
                                                                          "cox_stratified")
        + comparisons.hazard_ratios,
        followup=followup, tau=tau, ticks=ticks, issues=tuple(notes),
        pairwise=comparisons.pairwise, trend=comparisons.trend,
        milestones=comparisons.milestones, rmst_differences=comparisons.rmst_differences,
        **trial.fields,
    )
    if sheets is not None and spec.secondary_endpoints:
        result = replace(result, secondary=secondary_analyses(spec, sheets))
    result = replace(result, tests=result.tests + tuple(trial.tests))
    return replace(result, conventions=conventions_table(result))


def _comparisons(by_time: Cohort, spec: AnalysisSpec, groups: tuple[GroupResult, ...],
                 ) -> tuple[CoxModel | None, CoxModel | None, Comparisons, list[Issue]]:
    """The Cox models (unstratified, stratified), the comparison family and their notes."""
    if len(groups) < 2:
        return None, None, Comparisons.none(), [
            Issue("one_group", "Only one group: no comparison between groups.")]
    design = group_design(by_time.group, len(by_time.group_labels))
    cox = _cox(by_time, design, spec, stratified=False)
    cox_strat = _cox(by_time, design, spec, stratified=True) if by_time.strata is not None \
        else None
    with shared_event_tables():  # the ~15 tests share their two event tables
        comparisons = compare_groups(by_time, spec, groups, cox)
    notes = list(comparisons.issues) + [Issue("cox_not_computed", f"Cox model: {m.note}")
                                        for m in (cox, cox_strat) if m is not None and m.note]
    return cox, cox_strat, comparisons, notes


def _sorted_by_time(cohort: Cohort) -> Cohort:
    """The cohort's arrays in time order, for the estimators only: sorted once here, the
    estimators count distinct times instead of each sorting a million rows again
    (``stats.distinct``). Row numbers, patient identifiers and reasons are left out: no
    estimator reads them, and the result keeps the cohort as given."""
    order = np.argsort(cohort.time)
    return replace(cohort, time=cohort.time[order], event=cohort.event[order],
                   group=cohort.group[order],
                   strata=None if cohort.strata is None else cohort.strata[order],
                   row=np.empty(0, dtype=np.int64), patient=(), reason=())


def default_tau(cohort: Cohort) -> tuple[float, Issue | None]:
    """The RMST horizon: the smallest of the groups' largest follow-up times (where every
    curve is defined), among groups of at least ``SMALL_GROUP`` patients: one patient would
    otherwise drag it to that patient's time. Returns a note naming the groups left out."""
    k = len(cohort.group_labels)
    largest = np.full(k, -np.inf)
    np.maximum.at(largest, cohort.group, cohort.time)
    sizes = np.bincount(cohort.group, minlength=k)
    big = sizes >= SMALL_GROUP
    if not big.any() or big[sizes > 0].all():
        return float(largest[sizes > 0].min()), None
    tau = float(largest[big].min())
    small = [f"{cohort.group_labels[g]} ({sizes[g]} patient{'s' if sizes[g] > 1 else ''})"
             for g in np.flatnonzero(~big & (sizes > 0))]
    return tau, Issue("tau_small_groups",
                      f"The RMST horizon ({tau:g} {cohort.time_unit}) is the shortest of the "
                      f"largest follow-up times of the groups of at least {SMALL_GROUP} "
                      f"patients; left out of that choice as too small: {', '.join(small)}.",
                      severity="info")


def _group_result(label: str, km: KaplanMeier, spec: AnalysisSpec, tau: float,
                  ticks: np.ndarray) -> GroupResult:
    events = int(km.n_event.sum())
    return GroupResult(
        label=label, n=km.n, events=events, censored=km.n - events, km=km,
        quantiles=survival_quantiles(km, QUANTILE_PROBS),
        landmarks=survival_at(km, np.asarray(spec.landmarks, dtype=np.float64)),
        rmst=restricted_mean(km, tau),
        at_risk=risk_table_of(km, ticks),
    )


def _median_notes(groups: tuple[GroupResult, ...]) -> list[Issue]:
    return [Issue("median_not_reached",
                  f"{g.label}: the median was not reached (more than half of the patients "
                  "had no event by the end of follow-up).", "info")
            for g in groups if not g.median[3]]


def _cox(cohort: Cohort, design: np.ndarray, spec: AnalysisSpec, *,
         stratified: bool) -> CoxModel:
    """Cox model of the groups (``design``: ``group_design`` of the cohort's groups)."""
    return cox_ph(cohort.time, cohort.event, design,
                  strata=cohort.strata if stratified else None, ties=spec.ties,
                  terms=cohort.group_labels[1:], conf_level=spec.conf_level)


def _hazard_ratios(cohort: Cohort, cox: CoxModel | None, model: str) -> tuple[HazardRatio, ...]:
    if cox is None:
        return ()
    reference = cohort.group_labels[0]
    return tuple(
        HazardRatio(group=term, reference=reference, hr=float(cox.hr[i]),
                    ci_lower=float(cox.ci_lower[i]), ci_upper=float(cox.ci_upper[i]),
                    p_value=float(cox.wald_p[i]), model=model)
        for i, term in enumerate(cox.terms)
    )


def secondary_spec(spec: AnalysisSpec, endpoint: Endpoint) -> AnalysisSpec:
    """The analysis of a secondary endpoint: the same groups, strata and settings; the
    tables of the whole trial (subgroups, Table 1, safety, flow, competing risks) are the
    primary analysis's only."""
    return replace(spec, endpoint=endpoint, secondary_endpoints=(), subgroups=(),
                   baseline_columns=(), safety=None, screening=None, competing_values=())


def secondary_analyses(spec: AnalysisSpec, sheets: TrialSheets) -> tuple[AnalysisResult, ...]:
    """``run_analysis`` of each secondary endpoint (e.g. OS) on the same patients' sheet;
    rows are excluded by that endpoint's own rules."""
    results = []
    for endpoint in spec.secondary_endpoints:
        secondary = secondary_spec(spec, endpoint)
        cohort, issues = build_cohort(sheets.patients, secondary)
        results.append(run_analysis(cohort, secondary, issues,
                                    sheets=replace(sheets, adverse_events=None,
                                                   screening=None)))
    return tuple(results)
