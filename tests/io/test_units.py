"""The time unit is what the file says, or what only one unit makes plausible; otherwise
the window asks and ``analyze`` stops, naming the column (never an assumed "months")."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from resort_gui.app.cli import main
from resort_gui.domain.errors import InputError
from resort_gui.domain.spec import AnalysisSpec, Endpoint, EventSource
from resort_gui.io import RawTable
from resort_gui.io.units import infer_time_unit, resolve_time_unit
from tests.reference import REFERENCE_DIR


def raw(**columns: list[object]) -> RawTable:
    return RawTable(frame=pd.DataFrame(columns), path=Path("trial.csv"), sheet=None, sheets=(),
                    first_data_row=2, sha256="0" * 64)


@pytest.mark.parametrize(("column", "unit"), [
    ("os_days", "days"), ("OS (giorni)", "days"), ("rfs_months", "months"),
    ("Sopravvivenza mesi", "months"), ("fu_weeks", "weeks"), ("followup_years", "years"),
    ("tempo_anni", "years")])
def test_the_column_name_says_the_unit(column: str, unit: str) -> None:
    inference = infer_time_unit(raw(**{column: [1, 2, 3]}), column)
    assert inference.unit == unit and repr(column) in inference.reason


def test_an_adam_avalu_column_says_the_unit() -> None:
    table = raw(AVAL=[10, 200, 31], AVALU=["DAYS", "DAYS", "DAYS"])
    assert infer_time_unit(table, "AVAL").unit == "days"
    table = raw(AVAL=[1.5, 20.0, 3.25], AVALU=["MONTHS"] * 3)
    assert infer_time_unit(table, "AVAL").unit == "months"


@pytest.mark.parametrize(("values", "unit"), [
    ([5, 306, 1022], "days"),               # lung: more than 20 years if months
    ([0.5, 12.25, 80.4], "months"),         # decimals beyond 20: not years, not days
    ([9, 13, 161], None),                   # aml (weeks): days, weeks or months
    ([0.4, 2.5, 7.9], None),                # years or months
    ([1, 3, 12], None),
    ([10.5, 300.25], None),                 # days or weeks with decimals
    (["x", None, "y"], None),
])
def test_the_values_say_the_unit_only_when_one_is_plausible(values: list[object],
                                                            unit: str | None) -> None:
    inference = infer_time_unit(raw(time=values), "time")
    assert inference.unit == unit and inference.reason


def test_a_column_that_does_not_tell_stops_analyze_naming_it(
        tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["analyze", str(REFERENCE_DIR / "aml__data.csv"), "--time", "time",
                 "--event", "status", "--group", "x", "--formats", "none",
                 "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: aml__data.csv: Column 'time' does not say its time unit")
    assert "161" in err and "--time-unit" in err
    assert not (tmp_path / "summary.csv").exists()


def test_lung_in_days_is_read_as_days_and_says_why(tmp_path: Path) -> None:
    assert main(["analyze", str(REFERENCE_DIR / "lung__data.csv"), "--time", "time",
                 "--event", "status", "--event-value", "2", "--formats", "none", "--report",
                 "--out", str(tmp_path)]) == 0
    spec = pd.read_json(tmp_path / "analysis.json", typ="series")["spec"]
    assert spec["time_unit"] == "days" and "1022" in spec["time_unit_reason"]
    report = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "in days (its whole numbers reach 1022, more than 20 years" in report
    assert "an event was recorded when status = 2, other patients were censored" in report


def test_a_unit_given_is_kept_and_dates_report_in_months() -> None:
    table = raw(time=[9, 13, 161], status=[1, 0, 1])
    given = AnalysisSpec(endpoint=Endpoint(time="time", events=(EventSource("status"),)),
                         time_unit="weeks")
    assert resolve_time_unit(table, given) is given
    dates = AnalysisSpec(endpoint=Endpoint(start="rand", events=(EventSource("status", (),
                                                                             "date"),)),
                         time_unit="")
    assert resolve_time_unit(table, dates).time_unit == "months"
    with pytest.raises(InputError) as error:
        resolve_time_unit(table, replace(given, time_unit=""))
    assert error.value.code == "time_unit_unknown"
