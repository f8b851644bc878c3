"""The built-in demo trial: a synthetic RESORT-like workbook and its own analysis."""

from __future__ import annotations

from pathlib import Path

from resort_gui.domain.spec import (
    AnalysisSpec,
    Endpoint,
    EventSource,
    SafetySource,
    ScreeningSource,
)
from resort_gui.io.resources import resource_path

DEMO_SOURCE = "demo"
STRATA = ("interval_nephrectomy", "metastasis_site", "n_lesions")


def demo_path() -> Path:
    return resource_path("demo/resort_demo.xlsx")


def demo_spec() -> AnalysisSpec:
    """RFS by arm (observation as reference), stratified by the randomisation factors,
    landmarks at 12, 24 and 36 months. RFS = randomisation to the earliest of recurrence and
    death, censored at the last contact. Also: OS, subgroups by the randomisation factors,
    Table 1, adverse events (sheet ``adverse_events``) and the CONSORT flow (sheet
    ``screening``)."""
    rfs = Endpoint(
        name="RFS",
        start="date_randomisation",
        events=(EventSource("recurrence", ("yes",), "date_recurrence_or_last_contact"),
                EventSource("death", ("yes",), "date_death_or_last_contact")),
        last_contact="date_recurrence_or_last_contact",
    )
    return AnalysisSpec(
        source=DEMO_SOURCE, sheet="patients", patient_id="patient_id", endpoint=rfs,
        group="arm", reference="observation",
        strata=STRATA, landmarks=(12.0, 24.0, 36.0), time_unit="months",
        subgroups=STRATA, baseline_columns=("age", "sex", *STRATA),
        safety=SafetySource("adverse_events"), screening=ScreeningSource("screening"),
        secondary_endpoints=(os_endpoint(),),
    )


def os_endpoint() -> Endpoint:
    """OS: randomisation to death, censored at the last contact."""
    return Endpoint(name="OS", start="date_randomisation",
                    events=(EventSource("death", ("yes",), "date_death_or_last_contact"),),
                    last_contact="date_death_or_last_contact")


def source_path(source: str) -> Path:
    """The file a spec's ``source`` names (``"demo"`` is the built-in workbook)."""
    return demo_path() if source == DEMO_SOURCE else Path(source)
