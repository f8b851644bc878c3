"""What a forest plot of subgroup hazard ratios shows, as pure data for the window and the
exports (drawn by ``resort_gui.render.forest_plot``).

``build_forest(result)`` turns ``result.subgroups`` into rows: all patients first, then per
column a header line carrying the interaction p and one line per level with its patients,
events, hazard ratio and 95% CI. The hazard-ratio axis is logarithmic, with the usual ticks
(0.1, 0.2, 0.5, 1, 2, 5, 10) that cover the intervals; an interval running past the axis is
cut there and flagged, so the drawing can end it with an arrow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from resort_gui.domain import format as fmt
from resort_gui.domain.results import AnalysisResult
from resort_gui.domain.trial_results import SubgroupAnalysis, SubgroupEffect

TICKS = (0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0)
X_LIMITS = (0.05, 20.0)


@dataclass(frozen=True)
class ForestRow:
    """One line: a header (column name, interaction p) or an estimate (level or all
    patients). Estimates are NaN where not estimable; texts are ready to print."""

    label: str
    is_header: bool
    n: int | None
    events: int | None
    hr: float
    ci_lower: float
    ci_upper: float
    p_interaction: float
    counts_text: str  # "36 (17)": patients (events)
    estimate_text: str  # "1.40 (0.74-2.63)"
    p_text: str  # "0.147" on header lines
    clipped_low: bool
    clipped_high: bool


@dataclass(frozen=True)
class ForestModel:
    title: str
    comparison: str  # "sorafenib vs observation"
    rows: tuple[ForestRow, ...]
    x_ticks: tuple[float, ...]
    x_min: float
    x_max: float
    x_label: str
    favours_left: str  # under the axis left of 1: the group's hazard is lower
    favours_right: str
    column_titles: tuple[str, str, str, str]  # subgroup, n (events), HR (CI), p
    interaction_test: str
    font_size: float = 8.0


def build_forest(result: AnalysisResult, group: str | None = None, *, title: str = "",
                 font_size: float = 8.0, decimal: str = ".") -> ForestModel | None:
    """The forest plot of ``result.subgroups`` for ``group`` against the reference (default:
    the first group after the reference); None without subgroups."""
    analysis = result.subgroups
    if analysis is None or not analysis.effects:
        return None
    group = group or analysis.effects[0].group
    effects = [e for e in analysis.effects if e.group == group]
    reference = effects[0].reference
    x_min, x_max = _axis_range(effects)
    return ForestModel(
        title=title, comparison=f"{group} vs {reference}",
        rows=tuple(_rows(analysis, effects, x_min, x_max, decimal)),
        x_ticks=tuple(t for t in TICKS if x_min <= t <= x_max), x_min=x_min, x_max=x_max,
        x_label=f"Hazard ratio, {group} vs {reference} (95% CI, log scale)",
        favours_left=f"Favours {group}", favours_right=f"Favours {reference}",
        column_titles=("Subgroup", "n (events)", "HR (95% CI)", "p interaction"),
        interaction_test=analysis.interaction_test, font_size=font_size,
    )


def _rows(analysis: SubgroupAnalysis, effects: list[SubgroupEffect], x_min: float,
          x_max: float, decimal: str) -> list[ForestRow]:
    rows: list[ForestRow] = []
    column = None
    for effect in effects:
        if effect.level and effect.column != column:
            column = effect.column
            rows.append(_header(effect, decimal))
        label = f"    {effect.level}" if effect.level else effect.column
        rows.append(_estimate(label, effect, x_min, x_max, decimal))
    return rows


def _header(effect: SubgroupEffect, decimal: str) -> ForestRow:
    p = effect.p_interaction
    p_text = fmt.p_value(p, decimal).removeprefix("p ").removeprefix("= ")
    nan = math.nan
    return ForestRow(label=effect.column, is_header=True, n=None, events=None, hr=nan,
                     ci_lower=nan, ci_upper=nan, p_interaction=p, counts_text="",
                     estimate_text="", p_text=p_text, clipped_low=False, clipped_high=False)


def _estimate(label: str, effect: SubgroupEffect, x_min: float, x_max: float,
              decimal: str) -> ForestRow:
    interval = f"{fmt.number(effect.ci_lower, 2, decimal)}\u2013" \
               f"{fmt.number(effect.ci_upper, 2, decimal)}"
    estimate = (f"{fmt.number(effect.hr, 2, decimal)} ({interval})"
                if math.isfinite(effect.hr) else fmt.NOT_ESTIMABLE)
    return ForestRow(
        label=label, is_header=False, n=effect.n, events=effect.events, hr=effect.hr,
        ci_lower=effect.ci_lower, ci_upper=effect.ci_upper, p_interaction=effect.p_interaction,
        counts_text=f"{effect.n} ({effect.events})", estimate_text=estimate, p_text="",
        clipped_low=math.isfinite(effect.hr) and not effect.ci_lower >= x_min,
        clipped_high=math.isfinite(effect.hr) and not effect.ci_upper <= x_max)


def _axis_range(effects: list[SubgroupEffect]) -> tuple[float, float]:
    """The smallest of the usual tick ranges that holds every finite interval and 1, within
    0.05 to 20."""
    finite = [v for e in effects if math.isfinite(e.hr)
              for v in (e.ci_lower, e.ci_upper) if math.isfinite(v) and v > 0]
    low = min([1.0, *finite])
    high = max([1.0, *finite])
    lower = max([t for t in TICKS if t <= max(low, X_LIMITS[0])] or [X_LIMITS[0]])
    upper = min([t for t in TICKS if t >= min(high, X_LIMITS[1])] or [X_LIMITS[1]])
    return min(lower, 0.5), max(upper, 2.0)
