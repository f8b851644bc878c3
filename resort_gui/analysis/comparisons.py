"""The comparison family of ``run_analysis``: every test, pairwise comparison, hazard ratio
and milestone difference between the groups of a cohort.

This module only orchestrates: the statistics are those of ``stats.compare`` (weighted
log-rank tests, trend, pairwise, log-rank hazard ratios), ``stats.cox`` and
``stats.milestones``, each checked against R. The rows are sorted by time once, so that the
many tests below re-sort already sorted data (linear time).

Names follow the ``analyze`` contract (``tests.csv``, ``pairwise.csv``,
``hazard_ratios.csv``, ``milestones.csv``); the names SAS, SPSS, Prism and Stata give the
same quantities are in :mod:`resort_gui.analysis.conventions`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from resort_gui.domain.cohort import Cohort
from resort_gui.domain.errors import InputError, Issue
from resort_gui.domain.results import (
    CoxModel,
    FloatArray,
    GroupResult,
    GroupTest,
    HazardRatio,
    IntArray,
    PairwiseComparison,
    RmstDifference,
    SurvivalDifference,
)
from resort_gui.domain.spec import AnalysisSpec
from resort_gui.stats.compare import (
    HazardRatios,
    TrendTest,
    adjust_p_values,
    hazard_ratio_logrank,
    hazard_ratio_mantel_haenszel,
    pairwise_tests,
    survdiff,
    trend_test,
    weighted_test,
)
from resort_gui.stats.cox import cox_ph, shared_risk_sets
from resort_gui.stats.distinct import is_sorted
from resort_gui.stats.milestones import rmst_difference, survival_difference

OTHER_WEIGHTS = ("gehan_breslow", "tarone_ware", "peto_peto", "modified_peto")
COX_TIES = ("efron", "breslow", "exact")

EXACT_MAX_PATIENTS = 5000
"""Exact-ties Cox is skipped above this many patients in the two groups: its recursion
visits every row of the risk sets once per iteration in Python (about 0.25 s for 5000 rows
with 160 tied deaths on the development machine, 16 s for 20000 rows)."""
EXACT_MAX_TIED_EVENTS = 100
"""... or when more events than this share one time: the exact likelihood sums over every
way of choosing them from the risk set (R's ``coxph`` itself returns NA beyond a few
hundred)."""


@dataclass(frozen=True)
class Comparisons:
    """Everything that compares groups, ready for ``AnalysisResult``."""

    tests: tuple[GroupTest, ...]
    trend: tuple[TrendTest, ...]
    pairwise: tuple[PairwiseComparison, ...]
    hazard_ratios: tuple[HazardRatio, ...]
    milestones: tuple[SurvivalDifference, ...]
    rmst_differences: tuple[RmstDifference, ...]
    issues: tuple[Issue, ...]

    @classmethod
    def none(cls) -> Comparisons:
        """No comparison (a single group)."""
        return cls((), (), (), (), (), (), ())


@dataclass(frozen=True)
class _Sorted:
    """The cohort's arrays sorted by time (the one shared sort)."""

    time: FloatArray
    event: NDArray[np.bool_]
    group: IntArray
    strata: IntArray | None
    k: int

    @classmethod
    def of(cls, cohort: Cohort) -> _Sorted:
        """The cohort's own arrays when they are in time order already (``run_analysis``
        sorts them), so that the tests share event tables with its other estimators."""
        k = len(cohort.group_labels)
        if is_sorted(cohort.time):
            return cls(cohort.time, cohort.event, cohort.group, cohort.strata, k)
        order = np.argsort(cohort.time, kind="stable")
        strata = None if cohort.strata is None else cohort.strata[order]
        return cls(cohort.time[order], cohort.event[order], cohort.group[order], strata, k)


def compare_groups(cohort: Cohort, spec: AnalysisSpec, groups: tuple[GroupResult, ...],
                   cox: CoxModel | None = None) -> Comparisons:
    """The comparison family for a cohort of two or more groups (``groups`` are the per-group
    results of ``run_analysis``, in group-code order, the reference first; ``cox`` its
    unstratified Cox model of the groups, if at hand: with two groups that is the pairwise
    model of its ties method, not fitted again).

    Raises ``InputError`` when the spec's group order or trend scores do not fit the groups.
    """
    data = _Sorted.of(cohort)
    order = group_order(cohort, spec)
    scores = trend_scores(cohort, spec, order)
    tests, trend = _tests(data, spec, scores)
    pairwise, raw_p = _pairwise(data, spec, cohort.group_labels, order)
    hazard_ratios, hr_notes = _hazard_ratios(data, spec, cohort.group_labels, raw_p, cox)
    milestones, rmst = _milestones(groups, spec)
    issues = (_test_issues(tests) + _pairwise_issues(pairwise) + hr_notes
              + _milestone_issues(milestones, rmst))
    return Comparisons(tests, trend, pairwise, hazard_ratios, milestones, rmst, tuple(issues))


# --------------------------------------------------------------------------- group order


def group_order(cohort: Cohort, spec: AnalysisSpec) -> tuple[str, ...]:
    """The groups in the order the user set (``spec.group_order``), else the cohort's order
    (reference first); an order that names other groups or leaves one out is an error."""
    labels = cohort.group_labels
    if not spec.group_order:
        return labels
    where = f"{cohort.source}, column {spec.group!r}"
    unknown = [g for g in spec.group_order if g not in labels]
    if unknown:
        raise InputError("group_order_unknown",
                         f"{where}: the group order names {', '.join(map(repr, unknown))}, "
                         f"which is not a group; groups found: {', '.join(map(repr, labels))}.")
    missing = [g for g in labels if g not in spec.group_order]
    if missing:
        raise InputError("group_order_incomplete",
                         f"{where}: the group order leaves out "
                         f"{', '.join(map(repr, missing))}; list every group once, "
                         f"e.g. {','.join(labels)}.")
    return tuple(spec.group_order)


def trend_scores(cohort: Cohort, spec: AnalysisSpec, order: tuple[str, ...]) -> FloatArray:
    """Score of each group code for the trend test: 1..k in ``order``, or the group labels
    read as numbers (``spec.trend_scores == "values"``, e.g. doses 0, 10, 20)."""
    labels = cohort.group_labels
    if spec.trend_scores == "order":
        return np.array([order.index(g) + 1.0 for g in labels])
    numbers = [_as_number(g) for g in labels]
    bad = [g for g, x in zip(labels, numbers, strict=True) if x is None]
    if bad:
        raise InputError("trend_scores_not_numeric",
                         f"{cohort.source}, column {spec.group!r}: trend scores from the group "
                         f"values need numbers, but {', '.join(map(repr, bad))} is not one. "
                         "Use the group order instead (scores 1, 2, 3, ...).")
    return np.array(numbers, dtype=np.float64)


def _as_number(text: str) -> float | None:
    """``text`` as a number ("0,5" read as 0.5), None when it is not one."""
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        value = float(text)
    except ValueError:
        return None
    return value if np.isfinite(value) else None


# --------------------------------------------------------------------------- tests


def _tests(data: _Sorted, spec: AnalysisSpec,
           scores: FloatArray) -> tuple[tuple[GroupTest, ...], tuple[TrendTest, ...]]:
    """``tests.csv`` rows: the weighted family and the trend, then the same stratified."""
    tests, trends = _test_family(data, spec, scores, None)
    if data.strata is not None:
        stratified, stratified_trends = _test_family(data, spec, scores, data.strata)
        tests += tuple(replace(t, name=f"{t.name}_stratified") for t in stratified)
        trends += stratified_trends
    return tests, trends


def _test_family(data: _Sorted, spec: AnalysisSpec, scores: FloatArray,
                 strata: IntArray | None) -> tuple[tuple[GroupTest, ...], tuple[TrendTest, ...]]:
    t, e, g, k = data.time, data.event, data.group, data.k
    logrank = replace(survdiff(t, e, g, strata=strata, n_groups=k), name="logrank")
    tests = [logrank] + [weighted_test(t, e, g, weight=w, strata=strata, n_groups=k)
                         for w in OTHER_WEIGHTS]
    if strata is None:  # survdiff(rho = 1): the long-standing row of tests.csv
        tests.append(replace(survdiff(t, e, g, rho=1.0, n_groups=k),
                             name="fleming_harrington_1_0"))
    p, q = spec.fh
    chosen = weighted_test(t, e, g, weight="fleming_harrington", p=p, q=q, strata=strata,
                           n_groups=k)
    if chosen.name not in {test.name for test in tests}:
        tests.append(chosen)
    if k < 3:  # with two groups the trend test is the log-rank test
        return tuple(tests), ()
    trend = trend_test(t, e, g, scores=scores, strata=strata, n_groups=k)
    tests.append(GroupTest(name="trend", chisq=trend.chisq, df=1, p_value=trend.p_value,
                           observed=logrank.observed, expected=logrank.expected,
                           note=trend.note))
    return tuple(tests), (trend,)


def _test_issues(tests: tuple[GroupTest, ...]) -> list[Issue]:
    """One issue per distinct note, naming every test it applies to."""
    by_note: dict[str, list[str]] = {}
    for test in tests:
        if test.note:
            by_note.setdefault(test.note, []).append(test.name)
    return [Issue(f"{names[0]}_not_computed", f"{', '.join(names)}: {note}")
            for note, names in by_note.items()]


# --------------------------------------------------------------------------- pairwise


def _pairwise(data: _Sorted, spec: AnalysisSpec, labels: tuple[str, ...],
              order: tuple[str, ...],
              ) -> tuple[tuple[PairwiseComparison, ...], dict[frozenset[str], float]]:
    """Pairwise log-rank tests (stratified too), listed in the group order; and the raw
    unstratified p-value of every pair, for the log-rank hazard ratios."""
    position = np.array([order.index(g) for g in labels], dtype=np.int64)
    group = data.group if order == labels else position[data.group]  # same: shared tables
    rows: list[PairwiseComparison] = []
    raw_p: dict[frozenset[str], float] = {}
    for name, strata in (("logrank", None), ("logrank_stratified", data.strata)):
        if name == "logrank_stratified" and strata is None:
            continue
        result = pairwise_tests(data.time, data.event, group, adjust="none", strata=strata,
                                n_groups=data.k)
        pairs = [(order[i], order[j]) for i, j in zip(result.group1, result.group2,
                                                      strict=True)]
        if strata is None:
            raw_p = {frozenset(pair): float(p) for pair, p in zip(pairs, result.p_value,
                                                                   strict=True)}
        keep = [i for i, pair in enumerate(pairs)
                if spec.pairwise == "all" or labels[0] in pair]
        adjusted = adjust_p_values(result.p_value[keep], spec.adjust)
        rows += [PairwiseComparison(
            group1=pairs[i][0], group2=pairs[i][1], test=name, chisq=float(result.chisq[i]),
            df=int(result.df[i]), p_value=float(result.p_value[i]),
            p_adjusted=float(p_adj), method=spec.adjust, note=result.notes[i])
            for i, p_adj in zip(keep, adjusted, strict=True)]
    return tuple(rows), raw_p


def _pairwise_issues(pairwise: tuple[PairwiseComparison, ...]) -> list[Issue]:
    return [Issue("pairwise_not_computed",
                  f"{p.group1} vs {p.group2} ({p.test}): {p.note}") for p in pairwise if p.note]


# --------------------------------------------------------------------------- hazard ratios


def _hazard_ratios(data: _Sorted, spec: AnalysisSpec, labels: tuple[str, ...],
                   raw_p: dict[frozenset[str], float], cox: CoxModel | None,
                   ) -> tuple[tuple[HazardRatio, ...], list[Issue]]:
    """Each group against the reference on those two groups' patients: Cox with each ties
    method, the log-rank O/E ratio and the Mantel-Haenszel estimate."""
    fits = {}
    for code in range(1, data.k):
        pair = _Pair.of(data, code)  # once for the three ties methods
        with shared_risk_sets():  # the pair's cells, dropped after its three fits
            for ties in COX_TIES:
                fitted = cox if data.k == 2 and cox is not None and cox.ties == ties \
                    and not cox.stratified else None  # two groups: the pair is every patient
                fits[ties, code] = _cox_pair(pair, code, ties, labels, spec.conf_level,
                                             fitted)
    rows: list[HazardRatio] = []
    issues: list[Issue] = []
    for ties in COX_TIES:
        for code in range(1, data.k):
            row, note = fits[ties, code]
            rows.append(row)
            if note:
                issues.append(Issue(f"{row.model}_not_computed",
                                    f"Hazard ratio {row.group} vs {row.reference} "
                                    f"({row.model}): {note}"))
    for estimate in (hazard_ratio_logrank, hazard_ratio_mantel_haenszel):
        ratios = estimate(data.time, data.event, data.group, conf_level=spec.conf_level,
                          n_groups=data.k)
        rows += _logrank_rows(ratios, labels, raw_p)
        issues += [Issue(f"{ratios.method}_note",
                         f"Hazard ratio {labels[code]} vs {labels[0]} ({ratios.method}): {note}")
                   for code, note in zip(ratios.group, ratios.notes, strict=True) if note]
    return tuple(rows), issues


@dataclass(frozen=True)
class _Pair:
    """The patients of the reference and one other group, that group's indicator as ``x``."""

    time: FloatArray
    event: NDArray[np.bool_]
    x: FloatArray

    @classmethod
    def of(cls, data: _Sorted, code: int) -> _Pair:
        if data.k == 2:  # the two groups are every patient
            return cls(data.time, data.event, (data.group == code).astype(np.float64))
        rows = (data.group == 0) | (data.group == code)
        return cls(data.time[rows], data.event[rows],
                   (data.group[rows] == code).astype(np.float64))


def _cox_pair(pair: _Pair, code: int, ties: str, labels: tuple[str, ...],
              conf_level: float, fitted: CoxModel | None) -> tuple[HazardRatio, str]:
    """Cox model of group ``code`` against the reference on those two groups' patients
    (``fitted``: that very model, already fitted)."""
    model_name = f"cox_{ties}"
    too_costly = ties == "exact" and _exact_too_costly(pair.time, pair.event)
    if too_costly:
        nan = np.nan
        return (HazardRatio(labels[code], labels[0], nan, nan, nan, nan, model_name),
                too_costly)
    model = fitted if fitted is not None else cox_ph(
        pair.time, pair.event, pair.x, ties=ties, terms=(labels[code],), conf_level=conf_level)
    return (HazardRatio(labels[code], labels[0], float(model.hr[0]), float(model.ci_lower[0]),
                        float(model.ci_upper[0]), float(model.wald_p[0]), model_name),
            model.note)


def _exact_too_costly(time: FloatArray, event: NDArray[np.bool_]) -> str:
    """Why the exact-ties Cox model is skipped for these patients ("" when it is not)."""
    if time.size > EXACT_MAX_PATIENTS:
        return (f"not computed: the exact-ties likelihood is too slow for {time.size} "
                f"patients (limit {EXACT_MAX_PATIENTS}); Efron's approximation is close to it.")
    _, tied = np.unique(time[event], return_counts=True)
    largest = int(tied.max(initial=0))
    if largest > EXACT_MAX_TIED_EVENTS:
        return (f"not computed: {largest} events share one time (limit "
                f"{EXACT_MAX_TIED_EVENTS}), too many for the exact-ties likelihood; "
                "Efron's approximation is close to it.")
    return ""


def _logrank_rows(ratios: HazardRatios, labels: tuple[str, ...],
                  raw_p: dict[frozenset[str], float]) -> list[HazardRatio]:
    """The log-rank based ratios, with the two groups' log-rank p-value (the test these
    estimates come from)."""
    return [HazardRatio(labels[code], labels[0], float(hr), float(lower), float(upper),
                        raw_p.get(frozenset((labels[code], labels[0])), np.nan), ratios.method)
            for code, hr, lower, upper in zip(ratios.group, ratios.hr, ratios.ci_lower,
                                              ratios.ci_upper, strict=True)]


# --------------------------------------------------------------------------- milestones


def _milestones(groups: tuple[GroupResult, ...], spec: AnalysisSpec,
                ) -> tuple[tuple[SurvivalDifference, ...], tuple[RmstDifference, ...]]:
    reference = groups[0]
    survival = tuple(
        replace(survival_difference(g.km, reference.km, spec.landmarks,
                                    conf_level=spec.conf_level),
                group=g.label, reference=reference.label)
        for g in groups[1:])
    rmst = tuple(
        replace(rmst_difference(g.rmst, reference.rmst, conf_level=spec.conf_level),
                group=g.label, reference=reference.label)
        for g in groups[1:])
    return survival, rmst


def _milestone_issues(milestones: tuple[SurvivalDifference, ...],
                      rmst: tuple[RmstDifference, ...]) -> list[Issue]:
    issues = [Issue("milestone_note", f"Survival difference {m.group} vs {m.reference} at "
                                      f"{t:g}: {note}", "info")
              for m in milestones for t, note in zip(m.time, m.notes, strict=True) if note]
    issues += [Issue("rmst_difference_note", f"RMST difference {r.group} vs {r.reference}: "
                                             f"{r.note}", "info") for r in rmst if r.note]
    return issues
