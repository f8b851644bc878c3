"""Checks on the user's own result, in plain words, shown beside the numbers.

Each check reads an ``AnalysisResult`` and says when a number or a picture can mislead a
reader: a median that was not reached or rests on a few patients, a curve drawn where few
patients remain, a landmark
beyond the median follow-up, an unstratified test in a stratified trial, curves that cross.
No Qt here; the window shows what ``check_result`` returns.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from resort_gui.domain import format as fmt
from resort_gui.domain.results import (
    FEW_EVENTS,
    SMALL_GROUP,
    AnalysisResult,
    GroupResult,
    KaplanMeier,
)
from resort_gui.domain.trial_results import PH_ISSUE

DEFAULT_MIN_AT_RISK = 10
CROSSING_MARGIN = 0.05  # curves must be this far apart on both sides to "cross" ...
SUSTAINED = 0.10  # ... for at least this fraction of the time range on each side


@dataclass(frozen=True)
class Guardrail:
    """One point a clinician should check. ``cut_at`` is the suggested end of the time axis
    for "few at risk" (None otherwise)."""

    code: str
    title: str
    message: str
    severity: str = "warning"  # "info" | "warning"
    cut_at: float | None = None


@dataclass(frozen=True)
class GuardrailSettings:
    """What the checks need besides the result: the smallest number at risk worth drawing,
    the end of the drawn time axis (None: the whole follow-up), whether the stratified test
    is the one quoted, and the groups' display names."""

    min_at_risk: int = DEFAULT_MIN_AT_RISK
    x_max: float | None = None
    quotes_stratified: bool = True
    names: Mapping[str, str] = field(default_factory=dict)
    decimal: str = "."

    def name(self, label: str) -> str:
        return self.names.get(label, label) or label


def check_result(result: AnalysisResult,
                 settings: GuardrailSettings | None = None) -> tuple[Guardrail, ...]:
    """Every check that applies to ``result``, most important first."""
    settings = settings or GuardrailSettings()
    found: list[Guardrail] = []
    found += no_events(result)
    found += few_events(result)
    found += small_groups(result, settings)
    found += data_checks(result)
    found += proportional_hazards(result, settings)
    found += crossing_curves(result, settings)
    found += unstratified_test(result, settings)
    found += few_at_risk(result, settings)
    found += short_followup(result)
    found += median_not_reached(result, settings)
    found += median_from_few(result, settings)
    return tuple(found)


DATA_CHECKS = {  # notes from reading the rows that a clinician must see beside the numbers
    "duplicate_patients": "Patients on more than one row",
    "implausible_age": "Ages outside 0-120",
    "start_before_surgery": "Start before surgery",
}


CHECKED_ISSUES = frozenset({"median_not_reached", "no_events", PH_ISSUE, *DATA_CHECKS})
"""Notes whose content a point to check presents: shown there, not again among the notes."""


def data_checks(result: AnalysisResult) -> list[Guardrail]:
    """The rows that look wrong (duplicates, impossible ages, a start before surgery): kept
    or excluded when the cohort was built, and listed here so that nobody misses them."""
    return [Guardrail(i.code, DATA_CHECKS[i.code], i.message) for i in result.issues
            if i.code in DATA_CHECKS]


def no_events(result: AnalysisResult) -> list[Guardrail]:
    """No patient had the event: flat curves, nothing to compare. Real for an early data cut
    or a small subgroup, but also what a wrongly chosen event column or value looks like."""
    if result.cohort.event.any():
        return []
    said = [i.message for i in result.issues if i.code == "no_events"][:1]
    return [Guardrail("no_events", "No event in these data", " ".join(said or [
        "No patient had the event, so every curve stays at 100%, no median is reached and no "
        "test or hazard ratio can be computed."]) + " Check that the event column and the "
        "values that mean the event are the right ones; an early data cut may truly have "
        "none.")]


def proportional_hazards(result: AnalysisResult,
                         settings: GuardrailSettings) -> list[Guardrail]:
    """The proportional-hazards test of the Cox model said p < 0.05: one HR can mislead."""
    if result.ph_test is None or not any(i.code == PH_ISSUE for i in result.issues):
        return []
    p = fmt.p_value(result.ph_test.global_p, settings.decimal)
    return [Guardrail(PH_ISSUE, "The hazards may not be proportional", (
        f"The test of proportional hazards gives {p}: the hazard ratio may change over "
        "follow-up, so a single hazard ratio can mislead. Look at the log-log plot: lines "
        "that are not parallel confirm it."))]


def few_events(result: AnalysisResult) -> list[Guardrail]:
    """A handful of events among many patients: immature data, whatever the curves show."""
    events, n = int(result.cohort.event.sum()), result.cohort.n
    if events == 0 or events >= FEW_EVENTS:
        return []
    return [Guardrail("few_events", "Few events: immature data",
                      f"Only {events} event{'s' if events > 1 else ''} among {n} patients. "
                      "The curves say little yet: medians are not reached or rest on a few "
                      "patients, and the tests and hazard ratios have little power. A later "
                      "data cut will say more.")]


def small_groups(result: AnalysisResult, settings: GuardrailSettings) -> list[Guardrail]:
    """A group of a few patients: its curve, median and hazard ratio rest on them alone (one
    patient gave a Mantel-Haenszel HR of 782, 95% CI 3.4-178,672)."""
    if len(result.groups) < 2:
        return []
    out = []
    for g in result.groups:
        if g.n >= SMALL_GROUP:
            continue
        who = "1 patient" if g.n == 1 else f"{g.n} patients"
        out.append(Guardrail("small_group", f"{settings.name(g.label)}: {who} only",
                             f"Group {settings.name(g.label)} has {who}: its curve, median, "
                             "hazard ratio and tests rest on them alone and can be far off. "
                             "Consider merging it with another group or leaving it out."))
    return out


def median_from_few(result: AnalysisResult, settings: GuardrailSettings) -> list[Guardrail]:
    """A median reached when fewer than ``min_at_risk`` patients were still at risk: one
    event more or less among them would move it far (the demo's OS: 72.5 months, from one
    death among 2 patients)."""
    unit = result.cohort.time_unit
    out = []
    for g in result.groups:
        median, reached = float(g.median[0]), bool(g.median[3])
        if not reached or g.km.time.size == 0:
            continue
        at = min(int(np.searchsorted(g.km.time, median, side="left")), g.km.time.size - 1)
        at_risk = int(g.km.n_risk[at])
        if at_risk >= settings.min_at_risk:
            continue
        name = settings.name(g.label)
        out.append(Guardrail(
            "median_from_few", f"Median from few patients: {name}",
            f"In {name} the curve reaches 50% at {fmt.number(median, 1)} {unit}, when only "
            f"{at_risk} patient{'s' if at_risk != 1 else ''} remained at risk: one event more "
            "or less among them would move the median far. Quote it with its confidence "
            "interval, or quote the survival at a landmark time."))
    return out


def median_not_reached(result: AnalysisResult,
                       settings: GuardrailSettings) -> list[Guardrail]:
    """A group whose curve never falls to 50%: its median is "NR", not a number."""
    unit = result.cohort.time_unit
    out = []
    for g in result.groups:
        if g.median[3]:
            continue
        last = float(g.km.time[-1]) if g.km.time.size else 0.0
        out.append(Guardrail(
            "median_not_reached", f"Median not reached: {settings.name(g.label)}",
            f"In {settings.name(g.label)} the curve stays above 50% up to the last follow-up "
            f"({fmt.number(last, 1)} {unit}), so the median survival cannot be estimated and "
            "is reported as NR (not reached). Quote the survival at a landmark time instead.",
            "info"))
    return out


def cut_time(result: AnalysisResult, min_at_risk: int) -> float | None:
    """The time after which fewer than ``min_at_risk`` patients remain at risk in every
    group (None when some group never falls below it within its follow-up)."""
    times = [_first_time_below(g.km, min_at_risk) for g in result.groups]
    if any(t is None for t in times):
        return None
    return max(t for t in times if t is not None)


def _first_time_below(km: KaplanMeier, min_at_risk: int) -> float | None:
    """The first time at which fewer than ``min_at_risk`` are at risk (None if never)."""
    below = np.flatnonzero(km.n_risk < min_at_risk)
    return float(km.time[below[0]]) if below.size else None


def few_at_risk(result: AnalysisResult, settings: GuardrailSettings) -> list[Guardrail]:
    """The curves are drawn beyond the point where fewer than ``min_at_risk`` remain in
    every group: the tail rests on a handful of patients and its steps look dramatic."""
    cut = cut_time(result, settings.min_at_risk)
    if cut is None:
        return []
    drawn_to = min(settings.x_max if settings.x_max is not None else np.inf,
                   max(float(g.km.time[-1]) for g in result.groups))
    if drawn_to <= cut + 1e-9:
        return []
    unit = result.cohort.time_unit
    when = f"{fmt.number(cut, 1)} {unit}"
    return [Guardrail(
        "few_at_risk", "Few patients left at risk at the end of the curves",
        f"After {when} fewer than {settings.min_at_risk} patients remain at risk in each "
        "group. The right end of a Kaplan-Meier curve rests on these few patients: its steps "
        f"are large and uncertain. Consider ending the plot at {when}.",
        "warning", cut_at=cut)]


def short_followup(result: AnalysisResult) -> list[Guardrail]:
    """A landmark beyond the median follow-up is estimated from few patients."""
    f = result.followup
    landmarks = result.groups[0].landmarks.time
    if not f.reached or landmarks.size == 0:
        return []
    beyond = [float(t) for t in landmarks if t > f.median]
    if not beyond:
        return []
    unit = result.cohort.time_unit
    times = ", ".join(fmt.number(t, 0 if t.is_integer() else 1) for t in beyond)
    return [Guardrail(
        "followup_shorter_than_landmark", "Follow-up shorter than a landmark",
        f"The median follow-up is {fmt.number(f.median, 1)} {unit}, shorter than the "
        f"landmark(s) at {times} {unit}. Survival at those times is estimated from the "
        "minority of patients followed that long; say so when you quote it.", "warning")]


def unstratified_test(result: AnalysisResult, settings: GuardrailSettings) -> list[Guardrail]:
    """Strata are declared but the quoted test ignores them (or could not use them)."""
    if not result.spec.strata or len(result.groups) < 2:
        return []
    strata = ", ".join(result.spec.strata)
    stratified = result.test("logrank_stratified")
    if stratified is None or not np.isfinite(stratified.p_value):
        why = stratified.note if stratified is not None and stratified.note else \
            "there are too few patients within the strata"
        return [Guardrail(
            "stratified_test_not_computed", "Stratified test not possible",
            f"Strata are declared ({strata}) but the stratified log-rank test could not be "
            f"computed: {why}. Only the unstratified test is available; say so when you "
            "report it.", "warning")]
    if settings.quotes_stratified:
        return []
    return [Guardrail(
        "unstratified_test", "Unstratified test in a stratified analysis",
        f"Strata are declared ({strata}) but the results quote the unstratified log-rank "
        "test. A trial randomised with stratification is usually analysed with the "
        f"stratified test ({fmt.p_value(stratified.p_value)}).", "warning")]


def crossing_curves(result: AnalysisResult, settings: GuardrailSettings) -> list[Guardrail]:
    """A group's curve is clearly above the reference's at one time and clearly below at
    another (by ``CROSSING_MARGIN``, where at least ``min_at_risk`` remain in both)."""
    if len(result.groups) < 2:
        return []
    reference = result.groups[0]
    out = []
    for g in result.groups[1:]:
        when = crossing_time(reference, g, settings.min_at_risk)
        if when is None:
            continue
        unit = result.cohort.time_unit
        out.append(Guardrail(
            "curves_cross",
            f"Curves cross: {settings.name(reference.label)} and {settings.name(g.label)}",
            f"The curves of {settings.name(reference.label)} and {settings.name(g.label)} "
            f"cross (at about {fmt.number(when, 1)} {unit}). The hazards are then not "
            "proportional: the log-rank test can miss a real difference and a single hazard "
            "ratio averages opposite effects. Compare the restricted mean survival time "
            "(RMST) or the survival at a landmark time as well.", "warning"))
    return out


def crossing_time(a: GroupResult, b: GroupResult, min_at_risk: int) -> float | None:
    """Where the curve of ``b`` crosses that of ``a``: the difference S_b - S_a stays beyond
    +/-``CROSSING_MARGIN`` on one side for at least ``SUSTAINED`` of the time range with
    ``min_at_risk`` patients left in both groups, and later as long on the other side.
    Returns the time of the sign change before the second stretch, or None."""
    end = min(_last_time_at_least(a.km, min_at_risk), _last_time_at_least(b.km, min_at_risk))
    grid = np.union1d(a.km.time, b.km.time)
    grid = grid[grid <= end]
    if grid.size < 2:
        return None
    diff = _survival_on(b.km, grid) - _survival_on(a.km, grid)
    side = np.where(diff > CROSSING_MARGIN, 1, np.where(diff < -CROSSING_MARGIN, 0, -1))
    stretches = [(first, last, s) for first, last, s in _runs(side, grid, end)
                 if s >= 0 and grid[last] - grid[first] >= SUSTAINED * end]
    opposite = [r for r in stretches if r[2] != stretches[0][2]] if stretches else []
    if not opposite:
        return None
    first_side = 1.0 if stretches[0][2] == 1 else -1.0
    before = np.arange(opposite[0][0] + 1)
    on_first_side = before[np.sign(diff[before]) == first_side]
    return float(grid[on_first_side[-1] + 1])


def _runs(side: np.ndarray, grid: np.ndarray,
          end: float) -> list[tuple[int, int, int]]:
    """Maximal stretches of equal ``side``: (first index, index where it ends, side); a
    stretch ends at the next grid time (or at ``end`` for the last one)."""
    breaks = np.flatnonzero(np.diff(side)) + 1
    starts = np.concatenate(([0], breaks))
    stops = np.concatenate((breaks, [side.size]))
    return [(int(i), int(min(j, side.size - 1)), int(side[i]))
            for i, j in zip(starts, stops, strict=True)]


def _last_time_at_least(km: KaplanMeier, min_at_risk: int) -> float:
    enough = np.flatnonzero(km.n_risk >= min_at_risk)
    return float(km.time[enough[-1]]) if enough.size else 0.0


def _survival_on(km: KaplanMeier, grid: np.ndarray) -> np.ndarray:
    """S(t) of the step function at each grid time (1 before the first time)."""
    index = np.searchsorted(km.time, grid, side="right") - 1
    values = np.concatenate(([1.0], km.survival))
    return values[index + 1]
