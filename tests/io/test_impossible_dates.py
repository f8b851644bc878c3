"""Dates that cannot be are excluded with the reason (an event after death, a recurrence
after the last contact, a date in the future); values that are only implausible (an age
outside 0-120, randomisation before the surgery) are kept with a point to check."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from resort_gui.analysis.guardrails import check_result
from resort_gui.app.cli import main
from resort_gui.domain.spec import AnalysisSpec, Endpoint, EventSource
from resort_gui.io import RawTable, build_cohort

D = dt.datetime
ARGS = ["--start", "date_randomisation", "--event", "recurrence", "--stop", "date_recurrence",
        "--event", "death", "--stop", "date_death", "--last-contact", "date_last_contact",
        "--group", "arm", "--patient-id", "patient"]


def sheet() -> pd.DataFrame:
    """Six RESORT-like patients; rows 3-5 cannot be, rows 6-7 are only odd."""
    return pd.DataFrame({
        "patient": ["R01", "R02", "R03", "R04", "R05", "R06"],
        "arm": ["sorafenib", "observation"] * 3,
        "age": [61, 58, 70, 66, 49, 150],
        "date_nephrectomy": [D(2010, 1, 5), D(2010, 2, 1), D(2010, 3, 1), D(2010, 1, 20),
                             D(2011, 6, 1), D(2010, 4, 2)],
        "date_randomisation": [D(2011, 1, 10), D(2011, 2, 1), D(2011, 3, 1), D(2011, 1, 20),
                               D(2011, 2, 14), D(2011, 4, 2)],
        "recurrence": ["yes", "yes", "yes", "no", "no", "no"],
        "date_recurrence": [D(2012, 5, 1), D(2013, 6, 1), D(2014, 9, 1), None, None, None],
        "death": ["no", "yes", "no", "yes", "no", "no"],
        "date_death": [None, D(2013, 1, 2), None, D(2099, 1, 1), None, None],
        "date_last_contact": [D(2015, 1, 1), D(2013, 1, 2), D(2014, 1, 1), D(2015, 1, 1),
                              D(2015, 3, 1), D(2015, 2, 1)],
    })


def spec() -> AnalysisSpec:
    endpoint = Endpoint(start="date_randomisation", events=(
        EventSource("recurrence", ("yes",), "date_recurrence"),
        EventSource("death", ("yes",), "date_death")), last_contact="date_last_contact")
    return AnalysisSpec(endpoint=endpoint, group="arm", patient_id="patient", time_unit="months")


EXPECTED = {
    3: "the date of recurrence (date_recurrence) is after the date of death (date_death); "
       "the date of recurrence (date_recurrence) is after the date of last contact "
       "(date_last_contact)",
    4: "the date of recurrence (date_recurrence) is after the date of last contact "
       "(date_last_contact)",
    5: "date '2099-01-01' in date_death is in the future",
}


def test_impossible_dates_exclude_the_row_with_the_reason() -> None:
    raw = RawTable(frame=sheet(), path=Path("trial.xlsx"), sheet=None, sheets=(),
                   first_data_row=2, sha256="0" * 64)
    cohort, issues = build_cohort(raw, spec())
    assert {e.row: e.reason for e in cohort.excluded} == EXPECTED
    codes = {i.code: i.message for i in issues}
    assert codes["implausible_age"] == ("Column 'age' has ages outside 0-120 in row 7. Check "
                                        "them; the patients are analysed.")
    assert codes["start_before_surgery"].startswith(
        "In row 6 the start date (date_randomisation) is before the date in "
        "'date_nephrectomy'")
    assert cohort.patient_ids() == ("R01", "R05", "R06")  # the odd ones stay


def test_analyze_gives_the_same_decisions_and_points_to_check(
        tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    data = tmp_path / "trial.xlsx"
    sheet().to_excel(data, index=False)
    out = tmp_path / "out"
    assert main(["analyze", str(data), *ARGS, "--formats", "none", "--out", str(out)]) == 0
    excluded = pd.read_csv(out / "excluded_rows.csv")
    assert dict(zip(excluded["row"], excluded["reason"], strict=True)) == EXPECTED
    err = capsys.readouterr().err
    assert "check: Ages outside 0-120. Column 'age' has ages outside 0-120 in row 7." in err
    assert "check: Start before surgery. In row 6 the start date (date_randomisation) is " \
           "before the date in " \
           "'date_nephrectomy'" in err


def test_the_odd_values_are_points_to_check() -> None:
    from resort_gui.analysis.run import run_analysis

    raw = RawTable(frame=sheet(), path=Path("trial.xlsx"), sheet=None, sheets=(),
                   first_data_row=2, sha256="0" * 64)
    cohort, issues = build_cohort(raw, spec())
    result = run_analysis(cohort, spec(), issues)
    codes = [g.code for g in check_result(result)]
    assert "implausible_age" in codes and "start_before_surgery" in codes
