"""What a Kaplan-Meier figure shows, as pure data shared by the window and the exports.

``build_figure(result, style)`` turns an ``AnalysisResult`` into a ``FigureModel``: step
vertices, censoring marks, CI bands, the number-at-risk rows at the axis ticks, labels and
the annotation. Drawing it (pyqtgraph on screen, PNG/TIFF/SVG/PDF on disk) happens in
``resort_gui.ui``; both draw this same model, so what is seen is what is exported.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from resort_gui.domain import format as fmt
from resort_gui.domain.results import AnalysisResult, GroupResult
from resort_gui.domain.trial_results import CumulativeIncidence

# Okabe-Ito: distinguishable with every common colour-vision deficiency.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
           "#F0E442")
# Distinct line styles so that curves stay apart in grey-scale print.
DASHES = ("solid", "dash", "dot", "dashdot")

@dataclass(frozen=True)
class FigureStyle:
    """What the user can change about the figure (none of it changes a number)."""

    title: str = ""
    x_label: str = ""  # empty: "Time (months)" from the unit
    y_label: str = ""  # empty: "<endpoint> probability" or "... (%)"
    percent: bool = False
    show_ci: bool = True
    show_censor_marks: bool = True
    show_risk_table: bool = True
    kmunicate: bool = False  # at risk, events and censored rows under the axis
    show_median_lines: bool = False
    show_landmark_lines: bool = False
    show_annotation: bool = True
    font_size: float = 8.0  # points, at the figure's physical size
    x_max: float | None = None
    group_names: dict[str, str] = field(default_factory=dict)
    colours: dict[str, str] = field(default_factory=dict)
    decimal: str = "."  # the window sets it from its Presentation, analyze from --decimal


@dataclass(frozen=True)
class Curve:
    label: str  # the group's name as shown (renamed by the user, or as in the data)
    legend: str  # "Observation (n = 36, 17 events)"
    colour: str
    dash: str
    step_x: np.ndarray  # right-continuous step vertices: S holds y[i] on [x[i], x[i+1])
    step_y: np.ndarray
    censor_x: np.ndarray
    censor_y: np.ndarray
    band_x: np.ndarray
    band_lower: np.ndarray
    band_upper: np.ndarray
    median: float  # NaN when not reached


@dataclass(frozen=True)
class RiskRow:
    label: str
    colour: str
    counts: tuple[int, ...]  # at the x ticks


@dataclass(frozen=True)
class RiskBlock:
    title: str  # "Number at risk", "Cumulative events", "Cumulative censored"
    rows: tuple[RiskRow, ...]


@dataclass(frozen=True)
class FigureModel:
    title: str
    x_label: str
    y_label: str
    y_scale: float  # 1 for probability, 100 for percent
    x_ticks: np.ndarray
    x_max: float
    curves: tuple[Curve, ...]
    risk_blocks: tuple[RiskBlock, ...]
    annotation: str
    landmarks: tuple[float, ...]
    font_size: float
    decimal: str = "."  # of the axis labels and the annotation


def build_figure(result: AnalysisResult, style: FigureStyle | None = None) -> FigureModel:
    """The Kaplan-Meier figure of ``result`` under ``style``."""
    style = style or FigureStyle()
    unit = result.cohort.time_unit
    x_max = style.x_max or (float(result.ticks[-1]) if result.ticks[-1] > 0 else 1.0)
    ticks = result.ticks[result.ticks <= x_max + 1e-9]
    scale = 100.0 if style.percent else 1.0
    curves = tuple(_curve(g, i, style, scale) for i, g in enumerate(result.groups))
    endpoint = result.spec.endpoint.name or "Survival"
    return FigureModel(
        title=style.title,
        x_label=style.x_label or f"Time ({unit})",
        y_label=style.y_label or (f"{endpoint} (%)" if style.percent
                                  else f"{endpoint} probability"),
        y_scale=scale,
        x_ticks=ticks,
        x_max=x_max,
        curves=curves,
        risk_blocks=_risk_blocks(result, curves, style) if style.show_risk_table else (),
        annotation=annotation(result, style.decimal) if style.show_annotation else "",
        landmarks=tuple(result.spec.landmarks) if style.show_landmark_lines else (),
        font_size=style.font_size,
        decimal=style.decimal,
    )


def build_cif_figure(result: AnalysisResult, style: FigureStyle | None = None) -> FigureModel:
    """The cumulative-incidence figure of the competing-risks analysis under ``style``: one
    curve per group rising from 0 for the event of interest (solid, with its pointwise
    log(-log) band), the competing events in the group's colour dashed without a band; the
    same axis ticks and number-at-risk table as the Kaplan-Meier figure; Gray's p of the
    event of interest as the annotation. Drawn by the same widget as the KM figure."""
    style = style or FigureStyle()
    competing = result.competing
    assert competing is not None
    unit = result.cohort.time_unit
    x_max = style.x_max or (float(result.ticks[-1]) if result.ticks[-1] > 0 else 1.0)
    scale = 100.0 if style.percent else 1.0
    colours = {g.label: style.colours.get(g.label, PALETTE[i % len(PALETTE)])
               for i, g in enumerate(result.groups)}
    causes = [competing.cause, *competing.competing]
    curves = tuple(
        _cif_curve(c, style, scale, colours.get(c.group, PALETTE[0]),
                   of_interest=c.cause == competing.cause,
                   dash=DASHES[min(causes.index(c.cause), len(DASHES) - 1)]
                   if c.cause in causes else DASHES[-1])
        for g in result.groups for cause in causes for c in competing.curves
        if c.cause == cause and c.group == g.label)
    km_curves = tuple(_curve(g, i, style, scale) for i, g in enumerate(result.groups))
    return FigureModel(
        title=style.title,
        x_label=style.x_label or f"Time ({unit})",
        y_label="Cumulative incidence (%)" if style.percent else "Cumulative incidence",
        y_scale=scale,
        x_ticks=result.ticks[result.ticks <= x_max + 1e-9],
        x_max=x_max,
        curves=curves,
        risk_blocks=_risk_blocks(result, km_curves, replace(style, kmunicate=False))
        if style.show_risk_table else (),
        annotation=_gray_annotation(result, style.decimal) if style.show_annotation else "",
        landmarks=tuple(result.spec.landmarks) if style.show_landmark_lines else (),
        font_size=style.font_size,
        decimal=style.decimal,
    )


def _cif_curve(cif: CumulativeIncidence, style: FigureStyle, scale: float, colour: str, *,
               of_interest: bool, dash: str) -> Curve:
    label = style.group_names.get(cif.group, cif.group)
    kind = "event" if of_interest else "competing event"
    x, y = cif.steps()
    band = of_interest and style.show_ci
    lower, upper = (cif.band() if band else (np.empty(0), np.empty(0)))
    return Curve(
        label=label,
        legend=f"{label}: {kind} {cif.cause} (n = {cif.n}, {cif.events} events)",
        colour=colour, dash=dash if not of_interest else "solid",
        step_x=x, step_y=y * scale,
        censor_x=np.empty(0), censor_y=np.empty(0),
        band_x=x if band else np.empty(0),
        band_lower=lower * scale, band_upper=upper * scale,
        median=float("nan"),
    )


def _gray_annotation(result: AnalysisResult, decimal: str = ".") -> str:
    """"Gray's test p = 0.012" for the event of interest (and stratified), when computed."""
    competing = result.competing
    assert competing is not None
    lines = []
    for test in competing.tests:
        if test.cause == competing.cause and math.isfinite(test.p_value):
            name = "Stratified Gray's test" if test.stratified else "Gray's test"
            lines.append(f"{name} {fmt.p_value(test.p_value, decimal)}")
    return "\n".join(lines)


def annotation(result: AnalysisResult, decimal: str = ".") -> str:
    """"Log-rank p = 0.404" and, for two groups, "HR 1.31 (95% CI 0.70-2.45)" ("Stratified
    HR" when the groups' Cox model has strata: the log-rank line above it may not). What
    could not be computed is left out: the results say why."""
    lines = []
    stratified = result.test("logrank_stratified")
    logrank = result.test("logrank")
    if logrank is not None and math.isfinite(logrank.p_value):
        lines.append(f"Log-rank {fmt.p_value(logrank.p_value, decimal)}")
    if stratified is not None and math.isfinite(stratified.p_value):
        lines.append(f"Stratified log-rank {fmt.p_value(stratified.p_value, decimal)}")
    model = "cox_stratified" if result.cox_stratified is not None else "cox"
    hrs = [h for h in result.hazard_ratios if h.model == model]
    if len(hrs) == 1 and math.isfinite(hrs[0].hr):
        h = hrs[0]
        name = "Stratified HR" if model == "cox_stratified" else "HR"
        lines.append(f"{name} {fmt.number(h.hr, 2, decimal)} "
                     f"({fmt.interval(h.ci_lower, h.ci_upper, 2, decimal)})")
    return "\n".join(lines)


def _curve(group: GroupResult, index: int, style: FigureStyle, scale: float) -> Curve:
    km = group.km
    label = style.group_names.get(group.label, group.label)
    step_x = np.concatenate(([0.0], km.time))
    step_y = np.concatenate(([1.0], km.survival)) * scale
    censored = km.n_censor > 0
    band_lower = np.concatenate(([1.0], _band_limit(km.ci_lower, km.survival))) * scale
    band_upper = np.concatenate(([1.0], _band_limit(km.ci_upper, km.survival))) * scale
    return Curve(
        label=label,
        legend=f"{label} (n = {group.n}, {group.events} events)",
        colour=style.colours.get(group.label, PALETTE[index % len(PALETTE)]),
        dash=DASHES[index % len(DASHES)],
        step_x=step_x,
        step_y=step_y,
        censor_x=km.time[censored] if style.show_censor_marks else np.empty(0),
        censor_y=km.survival[censored] * scale if style.show_censor_marks else np.empty(0),
        band_x=step_x if style.show_ci else np.empty(0),
        band_lower=band_lower if style.show_ci else np.empty(0),
        band_upper=band_upper if style.show_ci else np.empty(0),
        median=group.median[0] if style.show_median_lines else float("nan"),
    )


def _band_limit(limit: np.ndarray, survival: np.ndarray) -> np.ndarray:
    """A confidence limit for drawing: where S is exactly 1 or 0, R's log-log and log limits
    are NA (the interval is degenerate), and the band is drawn as the curve itself."""
    degenerate = np.isnan(limit) & ((survival == 1.0) | (survival == 0.0))
    return np.where(degenerate, survival, limit)


def _risk_blocks(result: AnalysisResult, curves: tuple[Curve, ...],
                 style: FigureStyle) -> tuple[RiskBlock, ...]:
    n_ticks = int(np.sum(result.ticks <= (style.x_max or np.inf) + 1e-9))
    fields = [("Number at risk", "n_risk")]
    if style.kmunicate:
        fields += [("Cumulative events", "n_event_cum"), ("Cumulative censored", "n_censor_cum")]
    return tuple(
        RiskBlock(title, tuple(
            RiskRow(c.label, c.colour, tuple(int(v) for v in getattr(g.at_risk, attr)[:n_ticks]))
            for g, c in zip(result.groups, curves, strict=True)))
        for title, attr in fields
    )


@dataclass(frozen=True)
class Readout:
    """One curve at one time, for the hover read-out: S(t) with its CI and the number of
    patients still at risk at t (time >= t)."""

    label: str
    colour: str
    survival: float
    ci_lower: float
    ci_upper: float
    n_risk: int


def readout_at(result: AnalysisResult, t: float,
               style: FigureStyle | None = None) -> tuple[Readout, ...]:
    """Each curve's value at time ``t`` as the figure draws it (a curve ends at its last
    time: nothing is read beyond it)."""
    style = style or FigureStyle()
    readouts = []
    for index, group in enumerate(result.groups):
        km = group.km
        if t < 0 or km.time.size == 0 or t > km.time[-1]:
            continue
        i = int(np.searchsorted(km.time, t, side="right")) - 1
        at = int(np.searchsorted(km.time, t, side="left"))
        survival, lower, upper = (1.0, 1.0, 1.0) if i < 0 else (
            float(km.survival[i]), float(km.ci_lower[i]), float(km.ci_upper[i]))
        readouts.append(Readout(
            label=style.group_names.get(group.label, group.label),
            colour=style.colours.get(group.label, PALETTE[index % len(PALETTE)]),
            survival=survival, ci_lower=lower, ci_upper=upper,
            n_risk=int(km.n_risk[at]) if at < km.time.size else 0))
    return tuple(readouts)
