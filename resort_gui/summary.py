"""The results as text for people: the tables of the results panel (copied as tab-separated
text into Word or Excel) and a results sentence in the style of a published abstract.

Every number comes from an ``AnalysisResult`` and is written by ``resort_gui.format``; this
module only arranges the pieces. No Qt here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from resort_gui import format as fmt
from resort_gui.domain.results import AnalysisResult, GroupResult, GroupTest, HazardRatio
from resort_gui.domain.trial_results import PH_ISSUE

UNIT_SINGULAR = {"days": "day", "weeks": "week", "months": "month", "years": "year"}
HR_LEVEL = 0.95  # the Cox model's intervals are 95% (coxph's default conf.int)
COX_MODELS = {"cox": "Cox", "cox_stratified": "stratified Cox"}


@dataclass(frozen=True)
class TextOptions:
    """How results are written: decimal mark, the groups' display names, and whether the
    stratified test and hazard ratio are quoted when strata are set (the primary analysis of
    a trial randomised with stratification)."""

    decimal: str = "."
    names: Mapping[str, str] = field(default_factory=dict)
    stratified: bool = True

    def name(self, label: str) -> str:
        return self.names.get(label, label) or label


@dataclass(frozen=True)
class TextTable:
    """A small table of text: what the results panel shows and what "Copy" puts on the
    clipboard."""

    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str = ""

    def tsv(self) -> str:
        rows = [list(self.header), *map(list, self.rows)]
        return fmt.tab_separated(rows + ([[self.note]] if self.note else []))


def endpoint_name(result: AnalysisResult) -> str:
    """The endpoint as it reads inside a sentence ("RFS", "OS", "survival")."""
    name = (result.spec.endpoint.name or "").strip()
    return "survival" if name.casefold() in ("", "survival") else name


def unit_of(result: AnalysisResult) -> str:
    return str(result.cohort.time_unit)


def group_table(result: AnalysisResult, options: TextOptions) -> TextTable:
    """One column per group (and all patients pooled), as a manuscript's table: patients,
    events, censored, median, landmark survival and RMST, each estimate with its CI."""
    unit, level, d = unit_of(result), _level(result.spec.conf_level), options.decimal
    td = fmt.time_digits(unit)
    groups = result.groups if len(result.groups) == 1 else (*result.groups, result.overall)
    rows: list[tuple[str, ...]] = [
        ("Patients", *(str(g.n) for g in groups)),
        ("Events", *(str(g.events) for g in groups)),
        ("Censored", *(str(g.censored) for g in groups)),
        (f"Median, {unit}",
         *(fmt.estimate_ci(g.median[0], g.median[1], g.median[2], td, d, fmt.NOT_REACHED)
           for g in groups)),
    ]
    for i, t in enumerate(result.groups[0].landmarks.time):
        rows.append((f"{_capitalised(endpoint_name(result))} at {fmt.number(t, _digits(t), d)} "
                     f"{unit}, %",
                     *(fmt.estimate_ci(g.landmarks.survival[i] * 100,
                                       g.landmarks.ci_lower[i] * 100,
                                       g.landmarks.ci_upper[i] * 100, 1, d) for g in groups)))
    rows.append((f"RMST to {fmt.number(result.tau, td, d)} {unit}, {unit} (SE)",
                 *(f"{fmt.number(g.rmst.rmst, td, d)} ({fmt.number(g.rmst.se, td, d)})"
                   for g in groups)))
    header = ("", *(options.name(g.label) for g in groups))
    note = (f"Estimates with {level} confidence intervals; NR: not reached. RMST: restricted "
            "mean survival time.")
    return TextTable("Survival by group", header, tuple(rows), note)


def comparison_table(result: AnalysisResult, options: TextOptions) -> TextTable:
    """The log-rank test (stratified too) and the Cox hazard ratios against the reference."""
    d = options.decimal
    rows: list[tuple[str, ...]] = []
    for name, label in (("logrank", "Log-rank test"),
                        ("logrank_stratified", "Stratified log-rank test")):
        test = result.test(name)
        if test is not None and not math.isfinite(test.chisq):
            rows.append((label, fmt.NOT_ESTIMABLE_TEXT, ""))
        elif test is not None:
            statistic = f"\u03c7\u00b2 = {fmt.number(test.chisq, 2, d)}, {test.df} df"
            rows.append((label, statistic, fmt.p_value(test.p_value, d)))
    for hr in result.hazard_ratios:
        if hr.model not in COX_MODELS:
            continue
        rows.append((f"HR {options.name(hr.group)} vs {options.name(hr.reference)}, "
                     f"{COX_MODELS[hr.model]}",
                     fmt.ratio_text(hr.hr, hr.ci_lower, hr.ci_upper, 2, d, HR_LEVEL),
                     fmt.p_value(hr.p_value, d) if math.isfinite(hr.p_value) else ""))
    note = "HR: hazard ratio; below 1 favours the group named first."
    why = cox_not_estimable(result)
    if why:
        note += f" The hazard ratio is not estimable: {why}"
    if result.spec.strata:
        note += f" Strata: {_and_list(result.spec.strata)}."
    return TextTable("Comparison of groups", ("", "Estimate", "p"), tuple(rows), note)


def followup_table(result: AnalysisResult, options: TextOptions) -> TextTable:
    f, d = result.followup, options.decimal
    level = result.spec.conf_level
    return TextTable("Follow-up", ("Measure", "Value"), (
        ("Median follow-up (reverse Kaplan-Meier), " + unit_of(result),
         fmt.median_text(f.median, f.ci_lower, f.ci_upper, fmt.time_digits(unit_of(result)), d,
                         level) if f.reached else
         "not estimable (too few patients censored)"),
        ("Patients analysed", str(result.cohort.n)),
        ("Rows excluded", str(len(result.cohort.excluded))),
    ))


def results_sentence(result: AnalysisResult, options: TextOptions) -> str:
    """The results as an abstract writes them, e.g. "Median RFS was 36.5 months (95% CI
    12.5–NR) with observation versus 21.1 months (95% CI 12.0–48.0) with sorafenib
    (log-rank p = 0.296)." followed by the hazard ratio, the landmarks and the follow-up."""
    parts = [_median_sentence(result, options), _hazard_sentence(result, options),
             _landmark_sentence(result, options), _followup_sentence(result, options)]
    return " ".join(p for p in parts if p)


def _median_phrase(group: GroupResult, unit: str, options: TextOptions, level: float) -> str:
    median, lower, upper, reached = group.median
    td = fmt.time_digits(unit)
    ci = fmt.interval(lower, upper, td, options.decimal, fmt.NOT_REACHED, level)
    if not reached:
        return f"not reached ({ci})" if math.isfinite(lower) else "not reached"
    return f"{fmt.time_value(median, td, options.decimal)} {unit} ({ci})"


def _median_sentence(result: AnalysisResult, options: TextOptions) -> str:
    unit, level = unit_of(result), result.spec.conf_level
    phrases = [f"{_median_phrase(g, unit, options, level)} with {options.name(g.label)}"
               for g in result.groups]
    lead = f"Median {endpoint_name(result)} was "
    if len(result.groups) == 1:
        g = result.groups[0]
        return f"{lead}{_median_phrase(g, unit, options, level)} in {g.n} patients."
    joined = " versus ".join(phrases) if len(phrases) == 2 else _and_list(phrases)
    test = quoted_test(result, options)
    p_text = ""
    if test is not None and math.isfinite(test.p_value):
        label = "stratified log-rank" if test.name == "logrank_stratified" else "log-rank"
        p_text = f" ({label} {fmt.p_value(test.p_value, options.decimal)})"
    return f"{lead}{joined}{p_text}."


def quoted_test(result: AnalysisResult, options: TextOptions) -> GroupTest | None:
    """The log-rank test the sentence quotes: stratified when strata are set and asked for."""
    stratified = result.test("logrank_stratified")
    if options.stratified and stratified is not None:
        return stratified
    return result.test("logrank")


def quoted_hazard_ratios(result: AnalysisResult, options: TextOptions) -> list[HazardRatio]:
    model = "cox_stratified" if options.stratified and result.cox_stratified is not None \
        else "cox"
    return [h for h in result.hazard_ratios if h.model == model]


def cox_not_estimable(result: AnalysisResult) -> str:
    """Why the groups' Cox model gave no hazard ratio ("" when it gave them)."""
    notes = [m.note for m in (result.cox, result.cox_stratified) if m is not None and m.note
             and not np.isfinite(m.coef).any()]
    return notes[0] if notes else ""


def _hazard_sentence(result: AnalysisResult, options: TextOptions) -> str:
    hrs = quoted_hazard_ratios(result, options)
    if not hrs:
        return ""
    if not any(math.isfinite(h.hr) for h in hrs):
        why = cox_not_estimable(result) or "the Cox model could not be fitted."
        return f"The hazard ratio could not be estimated: {why[:1].lower()}{why[1:]}"
    return _hazard_values(result, hrs, options) + _ph_caveat(result, options)


def _ph_caveat(result: AnalysisResult, options: TextOptions) -> str:
    """The hazards may not be proportional: a single HR is quoted with that said."""
    if result.ph_test is None or not any(i.code == PH_ISSUE for i in result.issues):
        return ""
    p = fmt.p_value(result.ph_test.global_p, options.decimal)
    return (f" The hazards may not be proportional (test of proportional hazards {p}), so "
            "this single hazard ratio averages an effect that changes over follow-up.")


def _hazard_values(result: AnalysisResult, hrs: list[HazardRatio],
                   options: TextOptions) -> str:
    d = options.decimal
    texts = [f"{fmt.ratio_text(h.hr, h.ci_lower, h.ci_upper, 2, d, HR_LEVEL)} for "
             f"{options.name(h.group)}" for h in hrs]
    reference = options.name(hrs[0].reference)
    stratified = hrs[0].model == "cox_stratified"
    by = f", stratified by {_and_list(result.spec.strata)}" if stratified else ""
    if len(hrs) == 1:
        h = hrs[0]
        return (f"The hazard ratio for {options.name(h.group)} versus {reference} was "
                f"{fmt.ratio_text(h.hr, h.ci_lower, h.ci_upper, 2, d, HR_LEVEL)}{by}.")
    return f"Hazard ratios versus {reference} were {'; '.join(texts)}{by}."


def _landmark_sentence(result: AnalysisResult, options: TextOptions) -> str:
    landmarks = result.groups[0].landmarks.time
    if landmarks.size == 0:
        return ""
    t = float(landmarks[-1] if landmarks.size < 2 else landmarks[1])  # 24 of 12, 24, 36
    index = int(list(landmarks).index(t))
    unit = UNIT_SINGULAR.get(unit_of(result), unit_of(result))
    d = options.decimal
    values = [f"{fmt.percent(g.landmarks.survival[index], 1, d)} with {options.name(g.label)}"
              for g in result.groups]
    if len(values) == 1:
        values = [fmt.percent(result.groups[0].landmarks.survival[index], 1, d)]
    joined = _and_list(values)
    return f"The {fmt.number(t, _digits(t), d)}-{unit} {endpoint_name(result)} rate was {joined}."


def _followup_sentence(result: AnalysisResult, options: TextOptions) -> str:
    f = result.followup
    if not f.reached:
        return ""
    unit = unit_of(result)
    median = fmt.time_value(f.median, fmt.time_digits(unit), options.decimal)
    return f"Median follow-up was {median} {unit}."


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _level(level: float) -> str:
    return f"{round(level * 100):g}%"


def _digits(value: float) -> int:
    return 0 if float(value).is_integer() else 1


def _and_list(items: list[str] | tuple[str, ...]) -> str:
    """"a", "a and b", "a, b and c"."""
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
