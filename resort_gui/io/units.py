"""The unit of a column of follow-up times, told from the file or not at all.

A time column in days read as months makes "median survival 270 months" out of lung's
270 days, and nothing looks wrong. So the unit is taken from what the file says (the
column's name or label, an ADaM ``AVALU`` column) or from values that only one unit makes
plausible; otherwise nobody guesses: the window asks and ``analyze`` stops.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from resort_gui.domain.errors import InputError
from resort_gui.domain.spec import UNIT_CHOSEN, UNIT_GIVEN, AnalysisSpec
from resort_gui.io.roles import name_words
from resort_gui.io.table import RawTable

UNIT_WORDS = {
    "days": frozenset({"day", "days", "giorni", "giorno", "gg", "tage", "jours", "dias"}),
    "weeks": frozenset({"week", "weeks", "wk", "wks", "settimane", "wochen", "semaines"}),
    "months": frozenset({"month", "months", "mo", "mos", "mesi", "mese", "monate", "mois",
                         "meses"}),
    "years": frozenset({"year", "years", "yr", "yrs", "anni", "anno", "jahre", "ans"}),
}
UNIT_COLUMNS = ("AVALU", "AVALUNIT")  # CDISC ADaM: the unit of AVAL
LONGEST_FOLLOWUP_MONTHS = 240.0  # 20 years: beyond it a "month" column is in days
LONGEST_FOLLOWUP_YEARS = 20.0


@dataclass(frozen=True)
class UnitInference:
    """``unit`` is None when the file does not tell; ``reason`` says why, in plain words."""

    unit: str | None
    reason: str


def infer_time_unit(raw: RawTable, column: str) -> UnitInference:
    """The unit of ``column``: from its name or label ("rfs_months", "giorni"), from an ADaM
    ``AVALU`` column, or from its values when only one unit is plausible for a trial's
    follow-up (at most 20 years): whole numbers beyond 240 are days (240 months is 20
    years), numbers with decimals between 20 and 240 are months (days are whole numbers;
    more than 20 years is implausible). Anything else cannot be told: values up to 20 may be
    years or months, whole numbers up to 240 days, weeks or months."""
    by_name = _unit_in_words(name_words(column, raw.labels.get(column, "")))
    if by_name:
        return UnitInference(by_name, f"the column name {column!r} says {by_name}")
    by_adam = _parameter_unit(raw, column) or _unit_column(raw)
    if by_adam:
        return by_adam
    return _unit_from_values(column, pd.to_numeric(raw.frame[column], errors="coerce"))


def resolve_time_unit(raw: RawTable, spec: AnalysisSpec) -> AnalysisSpec:
    """``spec`` with its time unit known: kept when given, months for times computed from
    dates (the unit they are reported in), else inferred from the time column; a column that
    does not tell stops with ``time_unit_unknown``."""
    if spec.time_unit:
        return spec
    column = spec.endpoint.time
    if column is None:
        return replace(spec, time_unit="months",
                       time_unit_reason="times computed from dates, reported in months")
    if column not in raw.frame.columns:
        return spec  # build_cohort names the missing column
    inference = infer_time_unit(raw, column)
    if inference.unit is None:
        raise InputError("time_unit_unknown", f"{raw.name}: " + unit_question(
            column, inference, "with --time-unit days, weeks, months or years"))
    return replace(spec, time_unit=inference.unit, time_unit_reason=inference.reason)


def unit_question(column: str, inference: UnitInference,
                  how: str = "in the Time unit list") -> str:
    """What to tell the user when the unit cannot be told; ``how`` says where to say it."""
    return (f"Column {column!r} does not say its time unit, and {inference.reason}. Say "
            f"which {how}.")


def _unit_in_words(words: frozenset[str]) -> str | None:
    found = [unit for unit, names in UNIT_WORDS.items() if words & names]
    return found[0] if len(found) == 1 else None


def _parameter_unit(raw: RawTable, column: str) -> UnitInference | None:
    """The unit of one parameter of an ADTTE read as one row per subject: ``AVALU (OS)``
    beside ``AVAL (OS)``."""
    if not (column.startswith("AVAL (") and column.endswith(")")):
        return None
    unit = "AVALU" + column[4:]
    if unit not in raw.frame.columns:
        return None
    values = {str(v).strip().casefold() for v in raw.frame[unit].dropna().unique()}
    units = {u for v in values for u, names in UNIT_WORDS.items() if v in names}
    if len(units) == 1 and len(values) == 1:
        found = units.pop()
        return UnitInference(found, f"column {unit!r} says {found}")
    return None


def _unit_column(raw: RawTable) -> UnitInference | None:
    for name in raw.frame.columns:
        if str(name).upper() not in UNIT_COLUMNS:
            continue
        values = {str(v).strip().casefold() for v in raw.frame[name].dropna().unique()}
        units = {u for v in values for u, names in UNIT_WORDS.items() if v in names}
        if len(units) == 1 and len(values) == 1:
            unit = units.pop()
            return UnitInference(unit, f"column {name!r} says {unit}")
    return None


def _unit_from_values(column: str, values: pd.Series) -> UnitInference:
    finite = values[np.isfinite(values.to_numpy(dtype=float, na_value=np.nan))]
    if finite.empty:
        return UnitInference(None, "it holds no numbers")
    largest = float(finite.max())
    whole = bool((finite == np.round(finite)).all())
    shown = f"{largest:g}"
    if whole and largest > LONGEST_FOLLOWUP_MONTHS:
        return UnitInference("days", f"its whole numbers reach {shown}, more than 20 years "
                                     "if they were months, so they are days")
    if not whole and LONGEST_FOLLOWUP_YEARS < largest <= LONGEST_FOLLOWUP_MONTHS:
        return UnitInference("months", f"its values reach {shown} with decimals: more than 20 "
                                       "years if they were years, and days are whole numbers, "
                                       "so they are months")
    if largest <= LONGEST_FOLLOWUP_YEARS:
        return UnitInference(None, f"its values reach only {shown}, which could be years or "
                                   "months")
    if whole:
        return UnitInference(None, f"its whole numbers reach {shown}, which could be days, "
                                   "weeks or months")
    return UnitInference(None, f"its values reach {shown} with decimals, which could be days "
                               "or weeks")


__all__ = ["UNIT_CHOSEN", "UNIT_GIVEN", "UnitInference", "infer_time_unit", "resolve_time_unit",
           "unit_question"]
