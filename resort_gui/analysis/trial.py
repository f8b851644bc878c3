"""The analyses a trial report needs beyond the Kaplan-Meier comparison (issue 9): the
adjusted Cox model, the proportional-hazards test, competing risks, subgroup effects,
baseline characteristics, adverse events and the flow of participants.

``run_analysis`` calls ``trial_analyses`` and stores what it returns in the
``AnalysisResult``; the statistics are those of ``stats.cox``, ``stats.zph``,
``stats.competing`` and ``stats.subgroups`` (each checked against R), the tables those of
``baseline``, ``safety`` and ``flow``. This module only picks the data and names things.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from resort_gui.analysis.baseline import baseline_table
from resort_gui.analysis.flow import participant_flow
from resort_gui.analysis.safety import safety_table
from resort_gui.domain import format as fmt
from resort_gui.domain.cohort import Cohort
from resort_gui.domain.errors import Issue
from resort_gui.domain.results import CoxModel, GroupTest
from resort_gui.domain.spec import AnalysisSpec
from resort_gui.domain.trial_results import (
    PH_ISSUE,
    CompetingRisks,
    GrayTest,
    ProportionalHazardsTest,
)
from resort_gui.io.cells import cell_text, natural_key
from resort_gui.io.design import Design, covariate_design
from resort_gui.io.sheets import TrialSheets
from resort_gui.stats.competing import COMPETING, OF_INTEREST, cumulative_incidence, gray_test
from resort_gui.stats.cox import cox_ph, group_design
from resort_gui.stats.subgroups import Factor, subgroup_analysis
from resort_gui.stats.zph import cox_zph

PH_ALPHA = 0.05
MAX_SUBGROUP_LEVELS = 12


@dataclass
class TrialAnalyses:
    """``fields`` go into the ``AnalysisResult`` as they are; ``tests`` are added to its
    tests (Gray's); ``issues`` to its notes."""

    fields: dict[str, Any] = field(default_factory=dict)
    tests: list[GroupTest] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


def trial_analyses(cohort: Cohort, spec: AnalysisSpec, cox: CoxModel | None,
                   sheets: TrialSheets | None, by_time: Cohort | None = None) -> TrialAnalyses:
    """Everything of this module that ``spec`` asks for and the data allow. ``by_time`` is
    ``cohort`` sorted by time, if at hand (``run_analysis``'s): the test of proportional
    hazards of the groups' model then reads it, and need not sort a million rows again."""
    out = TrialAnalyses()
    patients = sheets.patient_rows(cohort) if sheets is not None and _reads_patient_rows(
        spec) else None
    design = model_design(cohort, spec, patients) if patients is not None else None
    adjusted = _adjusted_cox(cohort, spec, design, out) if design is not None and \
        design.terms != _group_terms(cohort) else None
    out.fields["cox_adjusted"] = adjusted
    if adjusted is not None and design is not None:
        out.fields["ph_test"] = _ph_test(cohort, adjusted, design.matrix, out)
    else:
        rows = by_time if by_time is not None else cohort
        out.fields["ph_test"] = _ph_test(rows, cox, group_design(rows.group,
                                                                 len(rows.group_labels)), out)
    if sheets is None:
        return out
    if patients is not None:
        _patient_analyses(cohort, spec, patients, out)
    if spec.safety is not None and sheets.adverse_events is not None:
        out.fields["safety"] = _safety(cohort, spec, sheets, out)
    if spec.group is not None:
        out.fields["flow"] = _flow(cohort, spec, sheets, out)
    return out


def _reads_patient_rows(spec: AnalysisSpec) -> bool:
    """Whether ``spec`` asks for an analysis of the patients' other columns (covariates,
    competing risks, subgroups, Table 1): only then are their rows gathered."""
    return bool(spec.covariates or spec.cause_value is not None or spec.subgroups
                or spec.baseline_columns)


def _patient_analyses(cohort: Cohort, spec: AnalysisSpec, patients: pd.DataFrame,
                      out: TrialAnalyses) -> None:
    """Competing risks, subgroups and Table 1 (``patients``: the cohort's rows)."""
    if spec.cause_value is not None:
        out.fields["competing"] = _competing(cohort, spec, patients, out)
    if spec.subgroups and len(cohort.group_labels) >= 2:
        out.fields["subgroups"] = subgroup_analysis(
            cohort.time, cohort.event, cohort.group, cohort.group_labels,
            [_factor(patients[c], c, out) for c in spec.subgroups], ties=spec.ties,
            conf_level=spec.conf_level)
    if spec.baseline_columns:
        out.fields["baseline"] = baseline_table(patients, spec.baseline_columns, cohort.group,
                                                cohort.group_labels)


# ------------------------------------------------------------------------ Cox and PH test

def model_design(cohort: Cohort, spec: AnalysisSpec, patients: pd.DataFrame | None) -> Design:
    """The adjusted model's design: the group (vs the reference), then the covariates."""
    group = Design(group_design(cohort.group, len(cohort.group_labels)), _group_terms(cohort),
                   {})
    if patients is None or not spec.covariates:
        return group
    return group + covariate_design(patients, spec.covariates)


def _group_terms(cohort: Cohort) -> tuple[str, ...]:
    return tuple(cohort.group_labels[1:])


def _adjusted_cox(cohort: Cohort, spec: AnalysisSpec, design: Design,
                  out: TrialAnalyses) -> CoxModel:
    model = cox_ph(cohort.time, cohort.event, design.matrix, ties=spec.ties, terms=design.terms,
                   conf_level=spec.conf_level)
    if model.note:
        out.issues.append(Issue("cox_adjusted_note", f"Adjusted Cox model: {model.note}"))
    return model


def _ph_test(cohort: Cohort, model: CoxModel | None, X: np.ndarray,
             out: TrialAnalyses) -> ProportionalHazardsTest | None:
    """cox.zph of ``model`` (fitted to ``X``); a plain-words warning when p < 0.05."""
    if model is None or not np.isfinite(model.coef).any():
        return None
    test = cox_zph(cohort.time, cohort.event, X, model)
    if test.global_p < PH_ALPHA:
        out.issues.append(Issue(
            PH_ISSUE,
            f"The hazards may not be proportional (global test {fmt.p_value(test.global_p)}): the "
            "hazard ratio may change over follow-up, so a single hazard ratio can mislead. "
            "Look at the log-log plot: curves that are not parallel confirm it."))
    return test


# ------------------------------------------------------------------------ competing risks

def _competing(cohort: Cohort, spec: AnalysisSpec, patients: pd.DataFrame,
               out: TrialAnalyses) -> CompetingRisks:
    """CIF of the cause and of each competing value per group, and Gray's tests. The event
    column's cells are compared as text ignoring case; any value that is neither the cause
    nor a competing value is censored."""
    assert spec.cause_value is not None
    causes = (spec.cause_value, *spec.competing_values)
    text = cell_text(patients[spec.endpoint.events[0].column]).str.casefold().to_numpy()
    folded = [c.strip().casefold() for c in causes]
    any_cause = np.isin(text, folded)
    curves, tests = [], []
    for cause, key in zip(causes, folded, strict=True):
        codes = np.where(text == key, OF_INTEREST, np.where(any_cause, COMPETING, 0))
        curves += [cumulative_incidence(cohort.time[m], codes[m], group=label,
                                        cause_label=cause, landmarks=spec.landmarks,
                                        conf_level=spec.conf_level)
                   for label, m in _group_masks(cohort)]
        if len(cohort.group_labels) >= 2:
            tests += _gray_tests(cohort, codes, cause)
    out.tests += [GroupTest(name=t.name, chisq=t.chisq, df=t.df, p_value=t.p_value,
                            observed=np.empty(0), expected=np.empty(0), note=t.note)
                  for t in tests]
    out.issues += [Issue("gray_not_computed", f"Gray's test ({t.name}): {t.note}")
                   for t in tests if t.note]
    out.issues.append(_competing_note(spec))
    return CompetingRisks(cause=spec.cause_value, competing=tuple(spec.competing_values),
                          curves=tuple(curves), tests=tuple(tests))


def _competing_note(spec: AnalysisSpec) -> Issue:
    """What the Kaplan-Meier side counts under competing risks: the event of interest only
    (the endpoint's one event value; a competing value cannot be both)."""
    competing = ", ".join(map(repr, spec.competing_values))
    return Issue("competing_risks",
                 f"Competing risks: the Kaplan-Meier curves, log-rank tests and Cox hazard "
                 f"ratios are for {spec.cause_value!r} with {competing} counted as censored "
                 "(cause-specific); the cumulative incidence and Gray's test account for the "
                 "competing events.", "info")


def _gray_tests(cohort: Cohort, codes: np.ndarray, cause: str) -> list[GrayTest]:
    """Gray's test of ``cause`` across the groups; also stratified when there are strata
    (patients with a missing stratum left out of that one)."""
    tests = [replace(gray_test(cohort.time, codes, cohort.group), cause=cause)]
    if cohort.strata is not None:
        keep = cohort.strata >= 0
        tests.append(replace(gray_test(cohort.time[keep], codes[keep], cohort.group[keep],
                                       strata=cohort.strata[keep]),
                             cause=cause, stratified=True))
    return tests


def _group_masks(cohort: Cohort) -> list[tuple[str, np.ndarray]]:
    return [(label, cohort.group == code) for code, label in enumerate(cohort.group_labels)]


# ------------------------------------------------------------------------ tables

def _factor(column: pd.Series, name: str, out: TrialAnalyses) -> Factor:
    text = cell_text(column)
    levels = tuple(sorted(text.dropna().unique(), key=natural_key))
    if len(levels) > MAX_SUBGROUP_LEVELS:
        out.issues.append(Issue("too_many_subgroups",
                                f"Subgroups: column {name!r} has {len(levels)} different values; "
                                f"only columns with at most {MAX_SUBGROUP_LEVELS} are split."))
        levels = ()
    codes = text.map({v: i for i, v in enumerate(levels)}).fillna(-1).to_numpy(dtype=np.int64)
    return Factor(name, codes, levels)


def _safety(cohort: Cohort, spec: AnalysisSpec, sheets: TrialSheets, out: TrialAnalyses):
    assert spec.safety is not None and sheets.adverse_events is not None
    if spec.patient_id is None:
        out.issues.append(Issue("safety_needs_patient_id",
                                "The adverse-event table needs the patient-id column, to find "
                                "each patient's arm."))
        return None
    events = sheets.adverse_events
    table, issues = safety_table(
        events.frame, events.row_numbers().tolist(), patient=spec.safety.patient,
        term=spec.safety.term, grade=spec.safety.grade, patients=cohort.patient_ids(),
        group=cohort.group, group_labels=cohort.group_labels, sheet=spec.safety.sheet)
    out.issues += issues
    return table


def _flow(cohort: Cohort, spec: AnalysisSpec, sheets: TrialSheets, out: TrialAnalyses):
    assert spec.group is not None
    screening = sheets.screening.frame if sheets.screening is not None else None
    source = spec.screening
    flow, issues = participant_flow(
        cohort, sheets.patients, spec.group, screening,
        **({} if source is None else {"patient": source.patient,
                                      "randomised": source.randomised,
                                      "reason": source.reason, "sheet": source.sheet}))
    out.issues += issues
    return flow
