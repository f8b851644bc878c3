"""nn/nn/yyyy dates are read one way for the whole sheet: a column whose own dates never
pass 12 follows the column that shows the order (31/01 can only be day first), and a note
says what was decided."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from resort_gui.app.cli import main
from resort_gui.domain.errors import InputError
from resort_gui.domain.spec import AnalysisSpec, Endpoint, EventSource
from resort_gui.io import RawTable, build_cohort


def sheet(randomised: list[str]) -> pd.DataFrame:
    return pd.DataFrame({
        "patient": ["R01", "R02", "R03", "R04"],
        "date_randomisation": randomised,
        "recurrence": ["yes", "no", "yes", "no"],
        "date_recurrence_or_last_contact": ["03/04/2012", "05/06/2013", "01/02/2012",
                                            "11/12/2013"],
    })


SPEC = AnalysisSpec(endpoint=Endpoint(start="date_randomisation", events=(
    EventSource("recurrence", ("yes",), "date_recurrence_or_last_contact"),)),
    patient_id="patient", time_unit="days")


def cohort_of(frame: pd.DataFrame):
    raw = RawTable(frame=frame, path=Path("trial.csv"), sheet=None, sheets=(),
                   first_data_row=2, sha256="0" * 64)
    return build_cohort(raw, SPEC)


def test_a_column_that_cannot_tell_follows_its_sheet() -> None:
    cohort, issues = cohort_of(sheet(["15/06/2011", "20/07/2011", "01/09/2011", "30/01/2012"]))
    # 03/04/2012 is 3 April 2012: 293 days after 15 June 2011
    assert cohort.time.tolist() == [293.0, 686.0, 153.0, 681.0]
    [note] = [i for i in issues if i.code == "date_order"]
    assert note.message == ("Dates written as nn/nn/yyyy are read as dd/mm/yyyy throughout the "
                            "sheet, as column 'date_randomisation' shows ('15/06/2011'); give "
                            "--date-format to say otherwise.")


def test_a_sheet_that_never_tells_still_asks() -> None:
    with pytest.raises(InputError) as error:
        cohort_of(sheet(["01/06/2011", "02/07/2011", "01/09/2011", "03/01/2012"]))
    assert error.value.code == "date_format_ambiguous"


def test_analyze_decides_the_same(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    data = tmp_path / "trial.csv"
    sheet(["15/06/2011", "20/07/2011", "01/09/2011", "30/01/2012"]).to_csv(data, index=False)
    assert main(["analyze", str(data), "--start", "date_randomisation", "--event",
                 "recurrence", "--stop", "date_recurrence_or_last_contact", "--time-unit",
                 "days", "--formats", "none", "--out", str(tmp_path / "out")]) == 0
    assert "note: Dates written as nn/nn/yyyy are read as dd/mm/yyyy" in capsys.readouterr().err
    derived = pd.read_csv(tmp_path / "out" / "derived.csv")
    assert derived["time"].tolist() == [293.0, 686.0, 153.0, 681.0]
