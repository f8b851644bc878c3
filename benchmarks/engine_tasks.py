"""The engine's work, task by task, on a cohort built by the program's own import code."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from resort_gui.analysis.run import run_analysis
from resort_gui.domain.cohort import Cohort
from resort_gui.domain.spec import AnalysisSpec, Endpoint, EventSource
from resort_gui.io import build_cohort
from resort_gui.io.table import RawTable
from resort_gui.stats.compare import survdiff
from resort_gui.stats.cox import cox_ph, group_design
from resort_gui.stats.km import kaplan_meier

LANDMARK_DAYS = (365.0, 730.0, 1095.0)


def benchmark_spec(source: str = "") -> AnalysisSpec:
    """Survival in days by arm (observation the reference), stratified by risk."""
    return AnalysisSpec(
        source=source, endpoint=Endpoint(name="Survival", time="time_days",
                                         events=(EventSource("event"),)),
        group="arm", reference="observation", strata=("risk",), landmarks=LANDMARK_DAYS,
        time_unit="days")


def cohort_of(frame: pd.DataFrame) -> Cohort:
    raw = RawTable(frame=frame, path=Path("synthetic.csv"), sheet=None, sheets=(),
                   first_data_row=2, sha256="")
    cohort, _ = build_cohort(raw, benchmark_spec())
    return cohort


def km_per_group(cohort: Cohort) -> object:
    return [kaplan_meier(cohort.time[cohort.group == g], cohort.event[cohort.group == g])
            for g in range(len(cohort.group_labels))]


def logrank(cohort: Cohort) -> object:
    return survdiff(cohort.time, cohort.event, cohort.group)


def logrank_stratified(cohort: Cohort) -> object:
    return survdiff(cohort.time, cohort.event, cohort.group, strata=cohort.strata)


def cox_stratified(cohort: Cohort) -> object:
    design = group_design(cohort.group, len(cohort.group_labels))
    return cox_ph(cohort.time, cohort.event, design, strata=cohort.strata, ties="efron")


def km_and_logrank(cohort: Cohort) -> object:
    return km_per_group(cohort), logrank(cohort)


def whole_analysis(cohort: Cohort) -> object:
    return run_analysis(cohort, benchmark_spec())


def sort_floor(cohort: Cohort) -> object:
    return np.argsort(cohort.time)


TASKS: dict[str, Callable[[Cohort], object]] = {
    "km_per_group": km_per_group,
    "logrank": logrank,
    "logrank_stratified": logrank_stratified,
    "cox_stratified": cox_stratified,
    "analysis": whole_analysis,
}
