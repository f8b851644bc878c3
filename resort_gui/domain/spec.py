"""The analysis spec: everything the user chose, as plain JSON-friendly data.

A spec plus the input table determines every number the program reports. Changes go through
``dataclasses.replace``; ``to_json``/``from_json`` round-trip it with a ``schema_version``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

SCHEMA_VERSION = 1
CONF_TYPES = ("log-log", "log", "plain")
TIES = ("efron", "breslow")
UNIT_CHOSEN = "chosen by the user"  # AnalysisSpec.time_unit_reason when nobody inferred it
UNIT_GIVEN = "given with --time-unit"
TIME_UNITS = {"days": 1.0, "weeks": 7.0, "months": 30.4375, "years": 365.25}  # in days
DATE_ORDERS = ("dmy", "mdy")  # how nn/nn/yyyy dates read: day first or month first
ADJUSTMENTS = ("holm", "bonferroni", "BH", "none")  # multiple-comparison adjustments
TREND_SCORES = ("order", "values")  # scores 1..k in the group order, or the labels as numbers
PAIRWISE = ("all", "reference")  # every pair of groups, or each group against the reference


@dataclass(frozen=True)
class EventSource:
    """One event flag of an endpoint: ``column`` holds it, ``values`` are the cell values that
    mean "the event happened" (empty: guess 0/1 -> 1, yes/no -> yes), ``date`` is the column
    with its date (event endpoints built from dates only)."""

    column: str
    values: tuple[str, ...] = ()
    date: str | None = None


@dataclass(frozen=True)
class Endpoint:
    """A time-to-event endpoint such as RFS or OS.

    Either ``time`` names a column of durations (in ``time_unit``), or ``start`` names the
    date the clock starts (randomisation) and each event source carries its own date; a
    composite endpoint (RFS = recurrence or death) lists several sources and the earliest
    event that happened counts. ``last_contact`` is the censoring date when none happened
    (with one source, its date column serves for both).
    """

    name: str = "Survival"
    time: str | None = None
    events: tuple[EventSource, ...] = ()
    start: str | None = None
    last_contact: str | None = None

    @property
    def from_dates(self) -> bool:
        return self.time is None


@dataclass(frozen=True)
class Exclusion:
    """A row excluded by hand; ``row`` is the spreadsheet's own row number."""

    row: int
    reason: str


@dataclass(frozen=True)
class Condition:
    """A subgroup condition: the cell of ``column`` equals ``value`` (or differs from it when
    ``equal`` is False), compared as text ignoring case; an empty cell satisfies neither."""

    column: str
    value: str
    equal: bool = True


@dataclass(frozen=True)
class SafetySource:
    """Adverse events in long format: one row per patient, term and (worst) CTCAE grade, in
    ``sheet`` of the same workbook."""

    sheet: str
    patient: str = "patient_id"
    term: str = "term"
    grade: str = "grade"


@dataclass(frozen=True)
class ScreeningSource:
    """The screening log for the CONSORT flow, in ``sheet`` of the same workbook: one row
    per screened patient, whether randomised (yes/no) and why not."""

    sheet: str
    patient: str = "patient_id"
    randomised: str = "randomised"
    reason: str = "reason_not_randomised"


@dataclass(frozen=True)
class AnalysisSpec:
    """What to analyse and how. ``source`` is a file path or ``"demo"``."""

    source: str = ""
    sheet: str | None = None
    header_row: int | None = None  # spreadsheet row of the column names (None: found)
    date_format: str | None = None  # one of DATE_ORDERS, for nn/nn/yyyy dates
    cutoff: str | None = None  # data cut-off date, YYYY-MM-DD
    where: tuple[Condition, ...] = ()  # subgroup: every condition must hold
    patient_id: str | None = None
    endpoint: Endpoint = field(default_factory=Endpoint)
    group: str | None = None
    reference: str | None = None
    strata: tuple[str, ...] = ()
    conf_type: str = "log-log"
    conf_level: float = 0.95
    landmarks: tuple[float, ...] = ()
    tau: float | None = None
    ties: str = "efron"
    time_unit: str = "months"  # "" until told: the file's own words or the user say it
    time_unit_reason: str = ""  # why this unit, in plain words (methods, analysis.json)
    exclusions: tuple[Exclusion, ...] = ()
    group_order: tuple[str, ...] = ()  # display, trend and pairwise order (R's levels)
    adjust: str = "holm"
    fh: tuple[float, float] = (1.0, 1.0)  # Fleming-Harrington exponents (p, q)
    trend_scores: str = "order"
    pairwise: str = "all"
    covariates: tuple[str, ...] = ()  # adjusted Cox: numbers as numbers, text as categories
    # competing risks: the values of the event column that compete with the endpoint's
    # event; the event of interest is the endpoint's own event value, declared once there
    competing_values: tuple[str, ...] = ()
    subgroups: tuple[str, ...] = ()  # forest plot: HR per level of these columns
    baseline_columns: tuple[str, ...] = ()  # Table 1
    safety: SafetySource | None = None  # adverse events (long format)
    screening: ScreeningSource | None = None  # screening log (CONSORT flow)
    secondary_endpoints: tuple[Endpoint, ...] = ()  # e.g. OS: KM, tests and Cox as well

    def validate(self) -> list[str]:
        """Plain-language problems with the settings themselves (not with the data)."""
        problems = []
        if self.conf_type not in CONF_TYPES:
            problems.append(f"Confidence-interval type must be one of {', '.join(CONF_TYPES)}, "
                            f"not {self.conf_type!r}.")
        if not 0.5 <= self.conf_level < 1:
            problems.append(f"Confidence level must be between 0.5 and 1 (e.g. 0.95), "
                            f"not {self.conf_level}.")
        if self.ties not in TIES:
            problems.append(f"Ties method must be one of {', '.join(TIES)}, not {self.ties!r}.")
        if self.time_unit and self.time_unit not in TIME_UNITS:
            problems.append(f"Time unit must be one of {', '.join(TIME_UNITS)}, "
                            f"not {self.time_unit!r}.")
        if any(t < 0 for t in self.landmarks):
            problems.append("Landmark times must not be negative.")
        if self.tau is not None and self.tau <= 0:
            problems.append("The RMST horizon (tau) must be positive.")
        if self.endpoint.time is None and self.endpoint.start is None:
            problems.append("Choose a time column, or a start-date column with event dates.")
        if not self.endpoint.events:
            problems.append("Choose the event column.")
        if (self.endpoint.from_dates and len(self.endpoint.events) > 1
                and self.endpoint.last_contact is None):
            problems.append("A composite endpoint needs the date of last contact.")
        if self.endpoint.from_dates and any(e.date is None for e in self.endpoint.events):
            problems.append("With a start date, every event column needs its date column.")
        problems += self._import_problems()
        return problems + self._comparison_problems() + self._competing_problems()

    @property
    def cause_value(self) -> str | None:
        """The event value of interest of a competing-risks analysis: the endpoint's one
        event value, when competing values are declared (None otherwise). Not stored: the
        endpoint's event value is the one declaration of it."""
        events = self.endpoint.events
        if (not self.competing_values or self.endpoint.time is None or len(events) != 1
                or len(events[0].values) != 1):
            return None
        return events[0].values[0]

    def _competing_problems(self) -> list[str]:
        """Problems with the competing-risks settings."""
        if not self.competing_values:
            return []
        if self.endpoint.time is None or len(self.endpoint.events) != 1:
            return ["Competing risks need a time column and one event column that holds a "
                    "code per cause (e.g. 0 censored, 1 recurrence, 2 death)."]
        values = self.endpoint.events[0].values
        both = [v for v in values
                if v.strip().casefold() in {c.strip().casefold() for c in self.competing_values}]
        if both:
            return [f"{', '.join(map(repr, both))} cannot be both the event of interest and a "
                    "competing event."]
        if len(values) != 1:
            return ["Competing risks need one event value of interest (--event-value or "
                    "--cause-value), the competing events besides it."]
        return []

    def _comparison_problems(self) -> list[str]:
        """Problems with the settings of the comparisons between groups."""
        problems = []
        if self.adjust not in ADJUSTMENTS:
            problems.append(f"Multiple-comparison adjustment must be one of "
                            f"{', '.join(ADJUSTMENTS)}, not {self.adjust!r}.")
        if len(self.fh) != 2 or not all(0 <= x < float("inf") for x in self.fh):
            problems.append("The Fleming-Harrington exponents must be two numbers >= 0, "
                            f"e.g. 1,1; got {','.join(map(str, self.fh))}.")
        if self.trend_scores not in TREND_SCORES:
            problems.append(f"Trend scores must be one of {', '.join(TREND_SCORES)}, "
                            f"not {self.trend_scores!r}.")
        if self.pairwise not in PAIRWISE:
            problems.append(f"Pairwise comparisons must be one of {', '.join(PAIRWISE)}, "
                            f"not {self.pairwise!r}.")
        repeated = sorted({g for g in self.group_order if self.group_order.count(g) > 1})
        if repeated:
            problems.append(f"The group order names {', '.join(map(repr, repeated))} "
                            "more than once.")
        return problems

    def _import_problems(self) -> list[str]:
        """Problems with how the table is read: header row, dates, cut-off, subgroup."""
        problems = []
        if self.header_row is not None and self.header_row < 1:
            problems.append(f"The header row is a row number (1 or more), not {self.header_row}.")
        if self.date_format is not None and self.date_format not in DATE_ORDERS:
            problems.append(f"Date format must be dd/mm/yyyy or mm/dd/yyyy, "
                            f"not {self.date_format!r}.")
        if self.endpoint.time is not None and self.endpoint.start is not None:
            problems.append("Choose either a time column or a start date, not both.")
        if self.endpoint.time is not None and len(self.endpoint.events) > 1:
            problems.append("With a time column, choose one event column (an endpoint made "
                            "of several events needs their dates).")
        if self.cutoff is not None:
            problems += _cutoff_problems(self.cutoff, self.endpoint)
        if any(not c.column for c in self.where):
            problems.append("Every subgroup condition needs a column.")
        return problems

    def to_json(self) -> str:
        return json.dumps({"schema_version": SCHEMA_VERSION, **asdict(self)}, indent=2)

    @classmethod
    def from_json(cls, text: str) -> AnalysisSpec:
        return spec_from_dict(json.loads(text))


def _cutoff_problems(cutoff: str, endpoint: Endpoint) -> list[str]:
    problems = []
    try:
        date.fromisoformat(cutoff)
    except ValueError:
        problems.append(f"The data cut-off is a date written YYYY-MM-DD, not {cutoff!r}.")
    if not endpoint.from_dates:
        problems.append("A data cut-off needs dates (a start date and event dates), not a "
                        "column of durations.")
    return problems


def _endpoint_from_dict(data: dict[str, Any]) -> Endpoint:
    endpoint = dict(data)
    endpoint["events"] = tuple(
        EventSource(column=e["column"], values=tuple(str(v) for v in e.get("values", ())),
                    date=e.get("date"))
        for e in endpoint.get("events", ())
    )
    return Endpoint(**endpoint)


def _migrated_cause(cause: Any, endpoint: Endpoint) -> Endpoint:
    """Files written before the event of interest was declared once: their ``cause_value``
    (the event of interest, stored beside the endpoint's event values) becomes the
    endpoint's one event value, so their Kaplan-Meier side is cause-specific as the note
    of competing risks says."""
    if cause is None or len(endpoint.events) != 1:
        return endpoint
    return replace(endpoint, events=(replace(endpoint.events[0], values=(str(cause),)),))


def spec_from_dict(data: dict[str, Any]) -> AnalysisSpec:
    """Rebuild a spec from ``to_json`` output; unknown keys are an error, not ignored."""
    data = dict(data)
    version = data.pop("schema_version", SCHEMA_VERSION)
    if version != SCHEMA_VERSION:
        raise ValueError(f"analysis file schema_version {version} is not supported "
                         f"(this program reads version {SCHEMA_VERSION})")
    data["endpoint"] = _endpoint_from_dict(data.pop("endpoint", {}))
    data["endpoint"] = _migrated_cause(data.pop("cause_value", None), data["endpoint"])
    data["secondary_endpoints"] = tuple(_endpoint_from_dict(e)
                                        for e in data.get("secondary_endpoints", ()))
    data["strata"] = tuple(data.get("strata", ()))
    data["landmarks"] = tuple(float(t) for t in data.get("landmarks", ()))
    data["exclusions"] = tuple(Exclusion(**e) for e in data.get("exclusions", ()))
    data["where"] = tuple(Condition(**c) for c in data.get("where", ()))
    data["group_order"] = tuple(str(g) for g in data.get("group_order", ()))
    data["fh"] = tuple(float(x) for x in data.get("fh", (1.0, 1.0)))
    for key in ("covariates", "competing_values", "subgroups", "baseline_columns"):
        data[key] = tuple(str(v) for v in data.get(key, ()))
    data["safety"] = SafetySource(**data["safety"]) if data.get("safety") else None
    data["screening"] = ScreeningSource(**data["screening"]) if data.get("screening") else None
    return AnalysisSpec(**data)


__all__ = ["AnalysisSpec", "Condition", "SafetySource", "ScreeningSource", "Endpoint",
           "EventSource", "Exclusion", "replace",
           "spec_from_dict", "DATE_ORDERS",
           "SCHEMA_VERSION", "CONF_TYPES", "TIES", "TIME_UNITS", "ADJUSTMENTS", "TREND_SCORES",
           "PAIRWISE"]
