"""The results as text for people: the tables of the results panel (copied as tab-separated
text into Word or Excel) and a results sentence in the style of a published abstract.

Every number comes from an ``AnalysisResult`` and is written by ``resort_gui.domain.format``; this
module only arranges the pieces. No Qt here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from resort_gui.domain import format as fmt
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
    if len(result.groups) > 2:
        note += (" With more than two groups each hazard ratio comes from one Cox model of "
                 "all groups; a model of each pair on its own patients (hazard_ratios.csv, "
                 "cox_efron) can differ.")
    if result.spec.strata:
        note += f" Strata: {_and_list(result.spec.strata)}."
    return TextTable("Comparison of groups", ("", "Estimate", "p"), tuple(rows), note)


ADJUSTMENT_NAMES = {"holm": "Holm", "bonferroni": "Bonferroni", "BH": "Benjamini-Hochberg",
                    "none": "no"}


def differences_table(result: AnalysisResult, options: TextOptions) -> TextTable:
    """Each group minus the reference: Kaplan-Meier survival at each landmark and the
    restricted mean survival time, with CI and p. Neither assumes proportional hazards."""
    d, level = options.decimal, result.spec.conf_level
    unit = unit_of(result)
    rows: list[tuple[str, ...]] = []
    what = endpoint_name(result)
    what = what[:1].upper() + what[1:]
    for m in result.milestones:
        pair = f"{options.name(m.group)} \u2212 {options.name(m.reference)}"
        for i, t in enumerate(m.time.tolist()):
            rows.append((f"{what} at {fmt.number(t, _digits(t), d)} {unit}, "
                         f"{pair}",
                         _difference(m.difference[i] * 100, m.ci_lower[i] * 100,
                                     m.ci_upper[i] * 100, " points", d, level),
                         _p(m.p_value[i], d)))
    td = fmt.time_digits(unit)
    for r in result.rmst_differences:
        rows.append((f"RMST to {fmt.number(r.tau, td, d)} {unit}, {options.name(r.group)} "
                     f"\u2212 {options.name(r.reference)}",
                     _difference(r.difference, r.ci_lower, r.ci_upper, f" {unit}", d, level,
                                 td), _p(r.p_value, d)))
    note = ("Group minus reference: survival in percentage points (Kaplan-Meier, Greenwood "
            "standard errors) and restricted mean survival time; neither assumes "
            "proportional hazards.")
    return TextTable("Differences from the reference", ("", "Difference", "p"), tuple(rows),
                     note)


def pairwise_table(result: AnalysisResult, options: TextOptions) -> TextTable:
    """Three or more groups: the log-rank test of each pair on its own patients, with the
    multiple-comparison adjustment, and the test for trend with its scores."""
    d = options.decimal
    rows: list[tuple[str, ...]] = []
    quoted = quoted_test(result, options)
    wanted = "logrank_stratified" if quoted is not None and quoted.name.endswith(
        "_stratified") else "logrank"
    pairs = [c for c in result.pairwise if c.test == wanted]
    for c in pairs:
        rows.append((f"{options.name(c.group1)} vs {options.name(c.group2)}",
                     _statistic(c.chisq, c.df, d), _p(c.p_value, d), _p(c.p_adjusted, d)))
    for trend in result.trend:
        if trend.name.endswith("_stratified") != wanted.endswith("_stratified"):
            continue
        order = ", ".join(f"{options.name(g.label)} = {fmt.number(s, _digits(s), d)}"
                          for g, s in zip(result.groups, trend.scores.tolist(), strict=True))
        rows.append((f"Test for trend ({order})", _statistic(trend.chisq, trend.df, d),
                     _p(trend.p_value, d), ""))
    if not pairs:
        return TextTable("Pairs of groups", ("", "Log-rank", "p", "p adjusted"), (), "")
    method = ADJUSTMENT_NAMES.get(pairs[0].method, pairs[0].method)
    kind = "stratified log-rank" if wanted.endswith("_stratified") else "log-rank"
    note = (f"Each pair compared by the {kind} test on its own patients; p adjusted by "
            f"{method} for {len(pairs)} comparisons. The test for trend scores the groups "
            "in the order shown; it means something only when that order does.")
    return TextTable("Pairs of groups", ("", "Log-rank", "p", "p adjusted"), tuple(rows),
                     note)


def _statistic(chisq: float, df: int, d: str) -> str:
    if not math.isfinite(chisq):
        return fmt.NOT_ESTIMABLE_TEXT
    return f"\u03c7\u00b2 = {fmt.number(chisq, 2, d)}, {df} df"


def _p(p: float, d: str) -> str:
    return fmt.p_value(p, d) if math.isfinite(p) else ""


def _digits(value: float) -> int:
    return 0 if float(value).is_integer() else 1


def _difference(value: float, lower: float, upper: float, suffix: str, d: str, level: float,
                digits: int = 1) -> str:
    """"−9.4 points (95% CI −32.7 to 13.9)": "to", since a dash reads as a minus."""
    if not math.isfinite(value):
        return fmt.NOT_ESTIMABLE_TEXT
    ci = f" ({round(level * 100):g}% CI {_signed(lower, digits, d)} to " \
         f"{_signed(upper, digits, d)})" if math.isfinite(lower) else ""
    return f"{_signed(value, digits, d)}{suffix}{ci}"


def _signed(value: float, digits: int, d: str) -> str:
    return fmt.number(value, digits, d).replace("-", "\u2212")


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
    text = (f" The hazards may not be proportional (test of proportional hazards {p}), so "
            "this single hazard ratio averages an effect that changes over follow-up.")
    rmst = [r for r in result.rmst_differences if math.isfinite(r.difference)]
    if len(rmst) == 1:
        r, unit, d = rmst[0], unit_of(result), options.decimal
        td = fmt.time_digits(unit)
        value = _signed(r.difference, td, d)
        units = UNIT_SINGULAR.get(unit, unit) if value.lstrip("\u2212") == "1" else unit
        level = f"{round(result.spec.conf_level * 100):g}% CI"
        text += (f" The restricted mean {endpoint_name(result)} time to "
                 f"{fmt.number(r.tau, td, d)} {unit}, which does not assume proportional "
                 f"hazards, differed by {value} {units} ({options.name(r.group)} minus "
                 f"{options.name(r.reference)}; {level} {_signed(r.ci_lower, td, d)} to "
                 f"{_signed(r.ci_upper, td, d)}; {fmt.p_value(r.p_value, d)}).")
    return text


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
