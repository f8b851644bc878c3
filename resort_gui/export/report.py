"""The analysis report as a document: data source and its hash, patients and exclusions, a
methods paragraph written from the settings actually used, the results table and sentence,
the figure and the number-at-risk table.

``build_report`` makes a ``Report`` (plain data, no Qt); ``report_html`` writes it as one
self-contained, escaped HTML file; ``resort_gui.render.report_pdf`` sets the same blocks as a PDF.
The numbers are written by ``resort_gui.domain.format`` (through ``resort_gui.present.summary``).
"""

from __future__ import annotations

import base64
import html
import platform
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
import pandas as pd

from resort_gui import __version__
from resort_gui.analysis.baseline import baseline_display
from resort_gui.analysis.guardrails import CHECKED_ISSUES, GuardrailSettings, check_result
from resort_gui.analysis.safety import safety_by_grade_display, safety_display
from resort_gui.analysis.trial import PH_ALPHA
from resort_gui.domain import format as fmt
from resort_gui.domain.results import AnalysisResult
from resort_gui.domain.spec import UNIT_CHOSEN, UNIT_GIVEN, AnalysisSpec, EventSource
from resort_gui.io.demo import source_path
from resort_gui.io.roles import reads_as_censoring
from resort_gui.present.flow_diagram import FlowDiagram, flow_diagram, flow_svg
from resort_gui.present.forest import build_forest
from resort_gui.present.summary import (
    TextOptions,
    TextTable,
    comparison_table,
    differences_table,
    endpoint_name,
    followup_table,
    group_table,
    pairwise_table,
    results_sentence,
)

MAX_LISTED_ROWS = 60  # excluded rows named one by one; the CSV has them all
CONF_TYPE_NAMES = {"log-log": "log(\u2212log) (complementary log-log)", "log": "log",
                   "plain": "linear (plain)"}
OTHER_TEST_NAMES = {
    "gehan_breslow": "Gehan\u2013Breslow", "tarone_ware": "Tarone\u2013Ware",
    "peto_peto": "Peto\u2013Peto", "modified_peto": "modified Peto\u2013Peto",
    "fleming_harrington_1_0": "Fleming\u2013Harrington (\u03c1 = 1, \u03b3 = 0)",
    "fleming_harrington_1_1": "Fleming\u2013Harrington (\u03c1 = 1, \u03b3 = 1)",
    "trend": "the log-rank test for trend",
}
TIES_NAMES = {"efron": "Efron", "breslow": "Breslow", "exact": "exact"}


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str
    note: bool = False  # a footnote: set smaller


@dataclass(frozen=True)
class Table:
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class FigureBlock:
    """Where a figure goes; the renderer supplies the picture named ``key``: ``km`` (the
    Kaplan-Meier figure), ``km:<endpoint>`` (a secondary endpoint's), ``forest:<group>``,
    ``cif`` (the cumulative incidence of the competing-risks analysis)."""

    caption: str
    key: str = "km"


@dataclass(frozen=True)
class DiagramBlock:
    """The flow of participants, drawn from its layout by each renderer."""

    caption: str
    diagram: FlowDiagram


Block = Heading | Paragraph | Table | FigureBlock | DiagramBlock


@dataclass(frozen=True)
class Report:
    title: str
    subtitle: str
    blocks: tuple[Block, ...] = field(default_factory=tuple)

    def text(self) -> str:
        """Every word of the report, for search and tests."""
        parts = [self.title, self.subtitle]
        for block in self.blocks:
            if isinstance(block, Table):
                parts += [block.caption, *block.header, *(c for r in block.rows for c in r)]
            elif isinstance(block, DiagramBlock):
                parts += [block.caption, block.diagram.text()]
            else:
                parts.append(block.text if not isinstance(block, FigureBlock)
                             else block.caption)
        return "\n".join(parts)

    def figure_keys(self) -> tuple[str, ...]:
        return tuple(b.key for b in self.blocks if isinstance(b, FigureBlock))


def build_report(result: AnalysisResult, created: datetime | None = None,
                 options: TextOptions | None = None) -> Report:
    """The report of ``result`` as analysed at ``created`` (now by default)."""
    options = options or TextOptions()
    created = created or datetime.now().astimezone()
    spec: AnalysisSpec = result.spec
    what = endpoint_name(result)
    by = f" by {spec.group}" if spec.group and len(result.groups) > 1 else ""
    blocks: list[Block] = [
        Heading("Data source"), _source_table(result, created),
        Heading("Patients"), *_patient_blocks(result, options),
        *trial_blocks_before(result, options),
        Heading("Methods"), Paragraph(methods_paragraph(result)),
        Heading("Results"), *_endpoint_blocks(result, options, "km"),
        *trial_blocks_after(result, options),
    ]
    notes = [i.message for i in result.issues if i.code not in CHECKED_ISSUES]
    if notes:
        blocks += [Heading("Notes"), *(Paragraph(n, note=True) for n in notes)]
    checks = points_to_check(result, options)
    if checks:
        blocks += [Heading("Points to check"), *(Paragraph(c, note=True) for c in checks)]
    return Report(title=f"{what[:1].upper()}{what[1:]}{by}: survival analysis",
                  subtitle=f"resort-gui {__version__}, {created:%Y-%m-%d %H:%M %Z}".strip(),
                  blocks=tuple(blocks))


def points_to_check(result: AnalysisResult, options: TextOptions) -> list[str]:
    """The window's "Points to check" (``guardrails.check_result``) of the primary endpoint
    and of each secondary one, as sentences."""
    settings = GuardrailSettings(names=options.names, quotes_stratified=options.stratified,
                                 decimal=options.decimal)
    return [f"{prefix}{g.title}. {g.message}"
            for prefix, checked in [("", result), *((f"{r.spec.endpoint.name}: ", r)
                                                   for r in result.secondary)]
            for g in check_result(checked, settings)]


# -- data source -------------------------------------------------------------------------------
def analysis_description(result: AnalysisResult,
                         created: datetime | None = None) -> list[tuple[str, str]]:
    """(field, value) rows: where the data came from, the settings, the program and the date;
    the report's "Data source" and the workbook's "Analysis" sheet."""
    created = created or datetime.now().astimezone()
    spec: AnalysisSpec = result.spec
    source = source_path(spec.source)
    endpoint = spec.endpoint
    rows = [
        ("Program", f"resort-gui {__version__}"),
        ("Analysed on", created.isoformat(timespec="seconds")),
        ("Data file", source.name),
        ("Location", str(source.parent)),
        ("Sheet", spec.sheet or "(first)"),
        ("SHA-256 of the data file", str(result.cohort.sha256)),
        ("Endpoint", endpoint.name),
        ("Time", endpoint.time or f"from {endpoint.start} (dates)"),
        *((f"Event {i + 1}", _event_text(e)) for i, e in enumerate(endpoint.events)),
        ("Censored at", endpoint.last_contact or "the time of the last observation"),
        ("Time unit", spec.time_unit),
        ("Groups", spec.group or "(none: one group)"),
        ("Reference group", result.groups[0].label if len(result.groups) > 1 else "-"),
        ("Strata", ", ".join(spec.strata) or "(none)"),
        ("Confidence interval", f"{_level(spec.conf_level)}, "
                                f"{CONF_TYPE_NAMES.get(spec.conf_type, spec.conf_type)}"),
        ("Ties (Cox)", TIES_NAMES.get(spec.ties, spec.ties)),
        ("Landmarks", ", ".join(f"{t:g}" for t in spec.landmarks) or "(none)"),
        ("RMST horizon (tau)", f"{result.tau:g} {spec.time_unit}"
                               + ("" if spec.tau is not None else " (default)")),
        ("Patient id column", spec.patient_id or "(none)"),
        ("Rows excluded by hand", str(len(spec.exclusions))),
        ("Python", platform.python_version()),
        ("NumPy / SciPy", _library_versions()),
    ]
    return rows


def _event_text(event) -> str:
    values = ", ".join(event.values) if event.values else "guessed (1, yes, ...)"
    dated = f", dated by {event.date}" if event.date else ""
    return f"{event.column} = {values}{dated}"


def _source_table(result: AnalysisResult, created: datetime) -> Table:
    keep = {"Data file", "Location", "Sheet", "SHA-256 of the data file", "Analysed on",
            "Program"}
    rows = tuple((k, v) for k, v in analysis_description(result, created) if k in keep)
    return Table("", ("", ""), rows)


# -- patients ----------------------------------------------------------------------------------
def _patient_blocks(result: AnalysisResult, options: TextOptions) -> list[Block]:
    cohort = result.cohort
    excluded = cohort.excluded
    read = cohort.n + len(excluded)
    text = (f"{read} rows were read; {cohort.n} patients were analysed and {len(excluded)} "
            f"{'row was' if len(excluded) == 1 else 'rows were'} excluded.")
    missing = _missing_strata(result)
    if missing:
        text += (f" {missing} {'patient' if missing == 1 else 'patients'} with a missing "
                 f"stratification value {'was' if missing == 1 else 'were'} left out of the "
                 "stratified analyses only.")
    blocks: list[Block] = [Paragraph(text), Table("Patients by group", (
        "Group", "Patients", "Events", "Censored"), tuple(
            (options.name(g.label), str(g.n), str(g.events), str(g.censored))
            for g in result.groups))]
    if excluded:
        by_reason = Counter(e.reason for e in excluded)
        rows = tuple((reason, str(count), _row_list(e.row for e in excluded
                                                    if e.reason == reason))
                     for reason, count in by_reason.most_common())
        blocks.append(Table("Rows excluded, by reason", ("Reason", "Rows", "Spreadsheet rows"),
                            rows))
    return blocks


def _missing_strata(result: AnalysisResult) -> int:
    strata = result.cohort.strata
    return 0 if strata is None else int(np.sum(np.asarray(strata) < 0))


def _row_list(rows: Iterable[int]) -> str:
    rows = sorted(rows)
    listed = ", ".join(str(r) for r in rows[:MAX_LISTED_ROWS])
    more = len(rows) - MAX_LISTED_ROWS
    return listed + (f" and {more} more (see excluded_rows.csv)" if more > 0 else "")


# -- methods -----------------------------------------------------------------------------------
def methods_paragraph(result: AnalysisResult) -> str:
    """How every number was computed, from the settings actually used."""
    spec: AnalysisSpec = result.spec
    level = _level(spec.conf_level)
    unit = spec.time_unit
    sentences = [
        _endpoint_sentence(spec),
        "Survival was estimated with the Kaplan\u2013Meier method, with pointwise "
        f"{level} confidence intervals computed on the "
        f"{CONF_TYPE_NAMES.get(spec.conf_type, spec.conf_type)} scale from Greenwood's "
        "variance.",
        f"Median survival times and their {level} confidence intervals were read from the "
        "curve and its confidence band (Brookmeyer\u2013Crowley, as R's quantile.survfit)"
        + (f"; survival at {_join([f'{t:g}' for t in spec.landmarks])} {unit} was read from "
           "the curve" if spec.landmarks else "")
        + f". Restricted mean survival time was computed up to {result.tau:.4g} {unit}"
        + (" (the shortest of the groups' longest follow-up times)." if spec.tau is None
           else "."),
    ]
    if len(result.groups) > 1:
        sentences += _comparison_sentences(result)
    if result.competing is not None:
        sentences += _competing_sentences(result)
    sentences.append("Median follow-up was estimated with the reverse Kaplan\u2013Meier method "
                     "(censoring taken as the event).")
    sentences.append(f"Analyses were done with resort-gui {__version__} (Python "
                     f"{platform.python_version()}, {_library_versions()}), whose estimates "
                     "are tested against R's survival package.")
    return " ".join(sentences)


def _endpoint_sentence(spec: AnalysisSpec) -> str:
    e = spec.endpoint
    events = _join([_event_condition(s) for s in e.events])
    if e.time is not None:
        return (f"{e.name} time was taken from the column {e.time} in {spec.time_unit} "
                f"({_unit_reason(spec)}); an event was recorded when {events}, other "
                "patients were censored.")
    days = "" if spec.time_unit == "days" else \
        f" and converted to {spec.time_unit} ({_unit_days(spec.time_unit)} days each)"
    censor = f" at {e.last_contact}" if e.last_contact else " at their last date"
    either = " or ".join(_event_condition(s) for s in e.events)
    return (f"{e.name} was measured from {e.start} to the earliest event ({either}), "
            f"each at its date; patients without an event were censored{censor}. Times were "
            f"computed in days{days}.")


def _event_condition(source: EventSource) -> str:
    """ "dead = yes", "status = 1 or 2", "CNSR = 0"; the coding read from the column when
    no value was given ("relapse = yes or 1", "CNSR = 0", a censoring flag)."""
    values = source.values or (("0",) if reads_as_censoring(source.column) else ("yes", "1"))
    flag = " (a censoring flag: 0 = event, 1 or more = censored)" \
        if reads_as_censoring(source.column) and values == ("0",) else ""
    return f"{source.column} = {' or '.join(values)}{flag}"


def _unit_reason(spec: AnalysisSpec) -> str:
    """Why the times are in this unit: the file's own words, or the analyst's."""
    if spec.time_unit_reason in ("", UNIT_CHOSEN, UNIT_GIVEN):
        return "the unit stated by the analyst"
    return spec.time_unit_reason


def _comparison_sentences(result: AnalysisResult) -> list[str]:
    spec: AnalysisSpec = result.spec
    labels = [g.label for g in result.groups]
    strata = _join(list(spec.strata))
    names = [t.name for t in result.tests]
    tests = ["the log-rank test"] if "logrank" in names else []
    if "logrank_stratified" in names:
        tests.append(f"the log-rank test stratified by {strata}")
    out = [f"Groups defined by {spec.group} ({_join(labels)}; reference {labels[0]}) were "
           f"compared with {_join(tests)}." if tests else ""]
    others = [n for n in names if n not in ("logrank", "logrank_stratified")
              and not n.endswith("_stratified") and not n.startswith("gray_cause_")]
    if others:
        also = " (also stratified)" if any(n.endswith("_stratified") and n != "logrank_stratified"
                                           for n in names) else ""
        named = [OTHER_TEST_NAMES.get(n, n.replace('_', ' ')) + (
            _trend_scores_text(result) if n == "trend" else "") for n in others]
        out.append(f"Further tests{also}, as sensitivity analyses, are listed in tests.csv and "
                   f"the workbook: {_join(named)}.")
    if result.cox is not None:
        ties = TIES_NAMES.get(spec.ties, spec.ties)
        stratified = (f", without and with stratification by {strata}"
                      if result.cox_stratified is not None else "")
        out.append(f"Hazard ratios against {labels[0]} with 95% Wald confidence intervals "
                   f"were estimated with Cox proportional-hazards models ({ties} method for "
                   f"tied event times){stratified}.")
    return [s for s in out if s]


def _competing_sentences(result: AnalysisResult) -> list[str]:
    """Competing risks: what was estimated, and Gray's test named as such (it compares
    cumulative incidence, not hazards: it is not a weighted log-rank test)."""
    competing = result.competing
    assert competing is not None
    spec: AnalysisSpec = result.spec
    column = spec.endpoint.events[0].column
    others = _join([f"{column} = {v}" for v in competing.competing]) or "none"
    out = [f"With competing risks ({column} = {competing.cause} the event of interest; "
           f"competing events: {others}), the cumulative incidence of each kind of event was "
           "estimated with the Aalen\u2013Johansen estimator, with Gray's variance and "
           f"pointwise {_level(spec.conf_level)} confidence intervals on the log(\u2212log) "
           "scale (estimate and variance as R's cmprsk::cuminc)."]
    if competing.tests:
        strata = _join(list(spec.strata))
        stratified = (f", also stratified by {strata}"
                      if any(t.stratified for t in competing.tests) else "")
        out.append("Cumulative incidence was compared between groups with Gray's test "
                   f"(Gray 1988){stratified}.")
    return out


def _trend_scores_text(result: AnalysisResult) -> str:
    """The trend test's scores, so that a reader sees which order was tested (the groups'
    natural order unless the user set one: meaningless for groups with no order)."""
    if result.spec.trend_scores == "values":
        return " (scores: the groups' values)"
    order = result.spec.group_order or tuple(g.label for g in result.groups)
    return f" (scores 1 to {len(order)} in the order {', '.join(order)})"


def _unit_days(unit: str) -> str:
    from resort_gui.domain.spec import TIME_UNITS

    return f"{TIME_UNITS[unit]:g}"


# -- results -----------------------------------------------------------------------------------
def _endpoint_blocks(result: AnalysisResult, options: TextOptions, key: str) -> list[Block]:
    """The sentence, tables, Kaplan-Meier figure and numbers at risk of one endpoint."""
    return [
        Paragraph(results_sentence(result, options)),
        *(block for t in (group_table(result, options), comparison_table(result, options),
                          differences_table(result, options), pairwise_table(result, options),
                          followup_table(result, options)) if t.rows
          for block in _table_with_note(t)),
        FigureBlock(figure_caption(result), key),
        risk_table(result, options),
    ]


def figure_caption(result: AnalysisResult) -> str:
    spec: AnalysisSpec = result.spec
    by = f" by {spec.group}" if spec.group and len(result.groups) > 1 else ""
    return (f"Kaplan\u2013Meier estimates of {endpoint_name(result)}{by}, with pointwise "
            f"{_level(spec.conf_level)} confidence bands; tick marks show censored patients. "
            "Numbers at risk under the plot.")


def risk_table(result: AnalysisResult, options: TextOptions) -> Table:
    unit = result.cohort.time_unit
    header = ("Group", *(f"{fmt.number(t, 0 if float(t).is_integer() else 1)}"
                         for t in result.ticks))
    rows = tuple((options.name(g.label), *(str(int(n)) for n in g.at_risk.n_risk))
                 for g in result.groups)
    return Table(f"Number at risk (time in {unit})", header, rows)


def _table_with_note(table: TextTable) -> list[Block]:
    """The table and its footnote (what the brackets, NR, RMST and HR < 1 mean), as the
    results panel shows them."""
    return [Table(table.title, tuple(table.header), tuple(tuple(r) for r in table.rows)),
            *([Paragraph(table.note, note=True)] if table.note else [])]


def _level(level: float) -> str:
    return f"{round(level * 100):g}%"


def _join(items: list[str]) -> str:
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _library_versions() -> str:
    import numpy
    import scipy

    return f"NumPy {numpy.__version__}, SciPy {scipy.__version__}"


# -- beyond the curve (issue 9) ----------------------------------------------------------------
FLOW_WIDTH_MM = 170.0


def trial_blocks_before(result: AnalysisResult, options: TextOptions) -> list[Block]:
    """Before the methods: the flow of participants and Table 1, those that exist."""
    blocks: list[Block] = []
    if result.flow is not None:
        names = {g: options.name(g) for g in result.flow.groups}
        caption = ("Flow of participants (CONSORT): screened, randomised, excluded from the "
                   "analysis with reasons, and analysed, per arm."
                   if result.flow.screened is not None else
                   "Flow of participants: the patients in the data, excluded from the analysis "
                   "with reasons, and analysed, per group.")
        blocks += [Heading("Flow of participants"), DiagramBlock(
            caption, flow_diagram(result.flow, FLOW_WIDTH_MM, names=names))]
    if result.baseline is not None:
        blocks.append(baseline_block(result, options))
    return blocks


def baseline_block(result: AnalysisResult, options: TextOptions) -> Table:
    """Table 1 as printed, the arms under their display names."""
    table = result.baseline
    assert table is not None
    return _display_table(
        "Table 1. Baseline characteristics by arm: median (IQR) and mean (SD), or n (%)",
        baseline_display(table, decimal=options.decimal),
        [f"{options.name(g)} (n = {n})" for g, n in
         zip(table.groups, table.group_sizes, strict=True)])


def printed_tables(result: AnalysisResult,
                   options: TextOptions | None = None) -> dict[str, pd.DataFrame]:
    """Table 1 and the adverse-event table as the report prints them (text cells), by sheet
    name, for the workbook; those that exist."""
    options = options or TextOptions()
    tables = {}
    if result.baseline is not None:
        tables["table_1_printed"] = baseline_block(result, options)
    if result.safety is not None:
        tables["adverse_events_printed"] = safety_block(result, options)
        tables["adverse_events_by_grade_printed"] = safety_by_grade_block(result, options)
    return {name: pd.DataFrame(list(t.rows), columns=list(t.header))
            for name, t in tables.items()}


def trial_blocks_after(result: AnalysisResult, options: TextOptions) -> list[Block]:
    """After the primary results: secondary endpoints, subgroups, the adjusted Cox model, the
    proportional-hazards test, competing risks and adverse events, those that exist."""
    blocks: list[Block] = []
    for secondary in result.secondary:
        name = secondary.spec.endpoint.name
        blocks += [Heading(f"Secondary endpoint: {name}"),
                   Paragraph(_endpoint_sentence(secondary.spec)),
                   *_endpoint_blocks(secondary, options, f"km:{name}")]
    blocks += subgroup_blocks(result, options)
    if result.cox_adjusted is not None:
        blocks += [Heading("Adjusted Cox model"), cox_adjusted_table(result, options)]
    if result.ph_test is not None:
        blocks += [Heading("Proportional hazards"), Paragraph(ph_sentence(result, options)),
                   ph_table(result, options)]
    if result.competing is not None:
        blocks += [Heading("Competing risks"), *competing_tables(result, options),
                   FigureBlock(cif_caption(result), "cif")]
    if result.safety is not None:
        blocks += [Heading("Adverse events"), safety_block(result, options),
                   safety_by_grade_block(result, options)]
    return blocks


def _display_table(caption: str, frame: pd.DataFrame, header: list[str]) -> Table:
    """A display frame (text cells) with its first column's title kept and the group
    columns retitled ``header``."""
    return Table(caption, (str(frame.columns[0]), *header),
                 tuple(tuple(str(c) for c in row) for row in frame.itertuples(index=False)))


def subgroup_blocks(result: AnalysisResult, options: TextOptions) -> list[Block]:
    """Per comparison: the forest plot and its table."""
    if result.subgroups is None:
        return []
    blocks: list[Block] = [Heading("Subgroups")]
    unstratified = ("; Cox models without strata, so the all-patients ratio is not the "
                    "stratified one of the results" if result.cox_stratified is not None else "")
    for group in dict.fromkeys(e.group for e in result.subgroups.effects):
        model = build_forest(result, group, decimal=options.decimal)
        if model is None:
            continue
        vs = f"{options.name(group)} vs {options.name(result.subgroups.effects[0].reference)}"
        blocks += [
            FigureBlock(f"Hazard ratio of {endpoint_name(result)}, {vs}, by subgroup (95% CI, "
                        f"log scale{unstratified}); interaction p by {model.interaction_test}.",
                        f"forest:{group}"),
            Table(f"Subgroup hazard ratios, {vs}", model.column_titles,
                  tuple((r.label, r.counts_text, r.estimate_text, r.p_text)
                        for r in model.rows))]
    return blocks


def cox_adjusted_table(result: AnalysisResult, options: TextOptions) -> Table:
    model = result.cox_adjusted
    assert model is not None
    d, level = options.decimal, result.spec.conf_level
    rows = tuple((term_name(result, term, options), fmt.ratio_text(hr, lo, hi, 2, d, level),
                  fmt.p_value(p, d))
                 for term, hr, lo, hi, p in zip(model.terms, model.hr, model.ci_lower,
                                                model.ci_upper, model.wald_p, strict=True))
    return Table(f"Cox model adjusted for {_join(list(result.spec.covariates))} "
                 f"({model.n} patients, {model.events} events)",
                 ("Term", "Hazard ratio (CI)", "p"), rows)


def term_name(result: AnalysisResult, term: str, options: TextOptions) -> str:
    """A Cox term as a reader reads it: a group's coefficient is "group vs reference"."""
    labels = [g.label for g in result.groups]
    if term in labels[1:]:
        return f"{options.name(term)} vs {options.name(labels[0])}"
    return term


def ph_sentence(result: AnalysisResult, options: TextOptions) -> str:
    test = result.ph_test
    assert test is not None
    p = fmt.p_value(test.global_p, options.decimal)
    if test.note:
        return f"The proportional-hazards test could not be done: {test.note}"
    model = "the adjusted Cox model" if result.cox_adjusted is not None else (
        "the Cox model of the groups" + (" without strata" if result.cox_stratified is not None
                                         else ""))
    if test.global_p < PH_ALPHA:
        return (f"The hazards of {model} may not be proportional ({p}, Schoenfeld residuals "
                "against the Kaplan–Meier transform of time): a single hazard ratio may "
                "mislead; the log-log plot shows whether the curves are parallel.")
    return (f"The test of proportional hazards of {model} (Schoenfeld residuals against the "
            f"Kaplan–Meier transform of time, as R's cox.zph) found no evidence against "
            f"them ({p}).")


def ph_table(result: AnalysisResult, options: TextOptions) -> Table:
    test = result.ph_test
    assert test is not None
    rows = tuple((term_name(result, str(t), options), fmt.number(c, 2, options.decimal),
                  str(int(df)),
                  fmt.p_value(p, options.decimal))
                 for t, c, df, p in zip(test.term, test.chisq, test.df, test.p_value,
                                        strict=True))
    return Table("Test of proportional hazards (cox.zph)", ("Term", "Chi-square", "df", "p"),
                 rows)


def competing_tables(result: AnalysisResult, options: TextOptions) -> list[Table]:
    """Cumulative incidence at the landmarks per group and cause, in percent with its
    pointwise confidence interval, and Gray's tests."""
    competing = result.competing
    assert competing is not None
    d = options.decimal
    tables = []
    times = sorted({float(t) for c in competing.curves for t in c.time[c.is_landmark]})
    if times:
        rows = tuple((options.name(c.group), _cause_name(c.cause, competing.cause),
                      *(_cif_cell(c, t, d) for t in times)) for c in competing.curves)
        level = _level(result.spec.conf_level)
        tables.append(Table(f"Cumulative incidence by cause, % ({level} CI), at each "
                            f"landmark (time in {result.spec.time_unit})",
                            ("Group", "Cause", *(fmt.number(t, 0 if t.is_integer() else 1, d)
                                                 for t in times)), rows))
    if competing.tests:
        tables.append(Table("Gray's test of equal cumulative incidence", (
            "Cause", "Chi-square", "df", "p"), tuple(
                (_cause_name(t.cause, competing.cause)
                 + (", stratified" if t.stratified else ""),
                 fmt.number(t.chisq, 2, d), str(t.df), fmt.p_value(t.p_value, d))
                for t in competing.tests)))
    return tables


def cif_caption(result: AnalysisResult) -> str:
    competing = result.competing
    assert competing is not None
    spec: AnalysisSpec = result.spec
    by = f" by {spec.group}" if spec.group and len(result.groups) > 1 else ""
    column = spec.endpoint.events[0].column
    others = _join([f"{column} = {v}" for v in competing.competing])
    return (f"Cumulative incidence (Aalen\u2013Johansen) of {column} = {competing.cause}{by}"
            f", with pointwise {_level(spec.conf_level)} confidence bands (log(\u2212log) "
            "scale, from cmprsk's variance)"
            + (f"; dashed: the competing events ({others})" if others else "")
            + ". Numbers at risk under the plot.")


def _cif_cell(curve, t: float, decimal: str) -> str:
    """"12.3 (8.1–17.0)"; the incidence alone where no interval exists (still 0); NE
    beyond the group's follow-up."""
    at = np.flatnonzero(curve.is_landmark & (curve.time == t))
    if not at.size or not np.isfinite(curve.cif[at[0]]):
        return fmt.NOT_ESTIMABLE
    i = int(at[0])
    if not (np.isfinite(curve.ci_lower[i]) and np.isfinite(curve.ci_upper[i])):
        return fmt.number(curve.cif[i] * 100, 1, decimal)
    return fmt.estimate_ci(curve.cif[i] * 100, curve.ci_lower[i] * 100,
                           curve.ci_upper[i] * 100, 1, decimal)


def _cause_name(cause: str, of_interest: str) -> str:
    return f"{cause} ({'event' if cause == of_interest else 'competing event'})"


def safety_block(result: AnalysisResult, options: TextOptions) -> Table:
    """The adverse-event table: any grade and grade >= 3 per arm."""
    table = result.safety
    assert table is not None
    frame = safety_display(table, decimal=options.decimal, names=options.names)
    # "arm (n = 36)" over "any grade" / "grade >= 3": two lines, as a two-level header
    header = [str(c).replace("): ", ")\n", 1) for c in frame.columns[1:]]
    return _display_table("Adverse events by arm: patients with each event at any grade and "
                          "at grade \u2265 3 (worst grade per patient), n (%)", frame, header)


def safety_by_grade_block(result: AnalysisResult, options: TextOptions) -> Table:
    """The adverse-event table by worst CTCAE grade, 1 to 5, one line per term and arm."""
    table = result.safety
    assert table is not None
    frame = safety_by_grade_display(table, decimal=options.decimal, names=options.names)
    return _display_table("Adverse events by worst CTCAE grade: patients with each event, "
                          "counted once at their worst grade, n (%)", frame,
                          [str(c) for c in frame.columns[1:]])


# -- HTML ------------------------------------------------------------------------------------
_CSS = """
body { font-family: "DejaVu Sans", Verdana, sans-serif; font-size: 10pt; color: #000;
       max-width: 180mm; margin: 2em auto; line-height: 1.4; }
h1 { font-size: 15pt; margin-bottom: 0.1em; } h2 { font-size: 12pt; margin-top: 1.4em; }
.subtitle { color: #444; margin-top: 0; }
table { border-collapse: collapse; margin: 0.4em 0 1em; }
caption { text-align: left; font-weight: bold; padding-bottom: 0.3em; }
th, td { border-bottom: 1px solid #bbb; padding: 0.15em 0.6em; text-align: left;
         vertical-align: top; }
th { border-bottom: 1.5px solid #000; }
td.num { text-align: right; }
.note { font-size: 8.5pt; color: #333; }
figure { margin: 1em 0; } figure img { width: 100%; height: auto; }
figure.flow svg { max-width: 100%; height: auto; }
figcaption { font-size: 9pt; }
h2 { break-after: avoid; } figure { break-inside: avoid; }  /* printed: as the PDF's pages */
thead { display: table-header-group; } tr { break-inside: avoid; }
"""


def report_html(report: Report, figures: Mapping[str, bytes] | None = None) -> str:
    """The report as one HTML file, self-contained (each figure as an SVG data URI, which a
    browser draws as an image and never runs; the flow diagram as inline SVG) and with every
    text escaped. ``figures`` maps a ``FigureBlock.key`` to its SVG."""
    e = _escape
    figures = figures or {}
    body = [f"<h1>{e(report.title)}</h1>", f'<p class="subtitle">{e(report.subtitle)}</p>']
    for block in report.blocks:
        body.append(_block_html(block, figures))
    policy = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:"
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n'
            f"<title>{e(report.title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")


def _block_html(block: Block, figures: Mapping[str, bytes]) -> str:
    e = _escape
    if isinstance(block, Heading):
        return f"<h2>{e(block.text)}</h2>"
    if isinstance(block, Paragraph):
        return f'<p class="note">{e(block.text)}</p>' if block.note else f"<p>{e(block.text)}</p>"
    if isinstance(block, Table):
        caption = f"<caption>{e(block.caption)}</caption>" if block.caption else ""
        head = "".join(f"<th>{e(h)}</th>" for h in block.header) if any(block.header) else ""
        rows = "".join("<tr>" + "".join(_cell_html(c) for c in row) + "</tr>"
                       for row in block.rows)
        thead = f"<thead><tr>{head}</tr></thead>" if head else ""
        return f"<table>{caption}{thead}<tbody>{rows}</tbody></table>"
    if isinstance(block, DiagramBlock):
        return (f'<figure class="flow">{flow_svg(block.diagram)}'
                f"<figcaption>{e(block.caption)}</figcaption></figure>")
    svg = figures.get(block.key)
    if svg is None:
        return f"<p>{e(block.caption)}</p>"
    data = base64.b64encode(svg).decode("ascii")
    alt = "Forest plot" if block.key.startswith("forest:") else "Kaplan-Meier figure"
    return (f'<figure><img alt="{alt}" src="data:image/svg+xml;base64,{data}">'
            f"<figcaption>{e(block.caption)}</figcaption></figure>")


def _cell_html(text: str) -> str:
    numeric = text.replace(".", "", 1).replace("-", "", 1).isdigit()
    return f'<td class="num">{_escape(text)}</td>' if numeric else f"<td>{_escape(text)}</td>"


def _escape(text: object) -> str:
    return html.escape(str(text), quote=True)
