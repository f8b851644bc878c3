"""A patient ID on two rows is one patient: identical copies (a row pasted twice) count
once, rows that disagree are all excluded with the reason, and a warning lists them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from resort_gui.app.cli import main
from resort_gui.domain.spec import AnalysisSpec, Endpoint, EventSource
from resort_gui.io import RawTable, build_cohort


def sheet() -> pd.DataFrame:
    return pd.DataFrame({
        "patient": ["R01", "R02", "R03", "R02", "R04", "R05", "R05", "R06"],
        "rfs_months": [14.2, 30.1, 8.7, 30.1, 22.0, 5.5, 9.5, 40.0],
        "recurrence": ["yes", "no", "yes", "no", "no", "yes", "yes", "no"],
        "arm": ["sorafenib", "observation", "sorafenib", "observation", "observation",
                "sorafenib", "sorafenib", "observation"],
    })


SPEC = AnalysisSpec(endpoint=Endpoint(time="rfs_months", events=(EventSource("recurrence"),)),
                    group="arm", patient_id="patient")


def test_identical_copies_count_once_and_disagreeing_rows_are_excluded() -> None:
    raw = RawTable(frame=sheet(), path=Path("trial.xlsx"), sheet=None, sheets=(),
                   first_data_row=2, sha256="0" * 64)
    cohort, issues = build_cohort(raw, SPEC)
    assert cohort.patient_ids() == ("R01", "R02", "R03", "R04", "R06")
    excluded = {e.row: e.reason for e in cohort.excluded}
    assert excluded == {
        5: "an identical copy of row 3 (patient R02), counted once",
        7: "patient R05 is on rows 7 and 8 with different values: none of them is analysed",
        8: "patient R05 is on rows 7 and 8 with different values: none of them is analysed",
    }
    [warning] = [i for i in issues if i.code == "duplicate_patients"]
    assert "R02 (rows 3 and 5)" in warning.message and "R05 (rows 7 and 8)" in warning.message


def test_analyze_lists_them(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    data = tmp_path / "trial.csv"
    sheet().to_csv(data, index=False)
    assert main(["analyze", str(data), "--time", "rfs_months", "--event", "recurrence",
                 "--group", "arm", "--patient-id", "patient", "--formats", "none",
                 "--out", str(tmp_path / "out")]) == 0
    assert "check: Patients on more than one row. Patient IDs in column 'patient' appear " \
           "more than once" in \
        capsys.readouterr().err
    excluded = pd.read_csv(tmp_path / "out" / "excluded_rows.csv")
    assert excluded["row"].tolist() == [5, 7, 8]
    assert pd.read_csv(tmp_path / "out" / "summary.csv")["n"].iloc[-1] == 5
