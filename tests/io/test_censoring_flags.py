"""A column named like a censoring flag counts the other way round: ADaM's CNSR is 0 for
the event and 1 (or another positive code) for censored, and so are "censored", "censura",
"alive". Read so unless the user says otherwise, and the guess is said."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from resort_gui.app.cli import main
from resort_gui.domain.spec import AnalysisSpec, Endpoint, EventSource
from resort_gui.io import RawTable, build_cohort, guess_roles

TIMES = [3.5, 12.0, 7.25, 30.5, 18.0, 2.0]


def adtte(cnsr: list[object], column: str = "CNSR") -> pd.DataFrame:
    return pd.DataFrame({"USUBJID": [f"S-{i}" for i in range(6)], "AVAL": TIMES,
                         column: cnsr, "TRT01P": ["Drug", "Placebo"] * 3})


def raw(frame: pd.DataFrame) -> RawTable:
    return RawTable(frame=frame, path=Path("adtte.csv"), sheet=None, sheets=(),
                    first_data_row=2, sha256="0" * 64)


@pytest.mark.parametrize(("column", "values"), [
    ("CNSR", [0, 1, 0, 1, 2, 0]), ("censored", [0, 1, 0, 1, 1, 0]),
    ("censura", ["no", "si", "no", "si", "si", "no"]), ("alive", [0, 1, 0, 1, 1, 0])])
def test_zero_is_the_event_and_the_guess_is_said(column: str, values: list[object]) -> None:
    spec = AnalysisSpec(endpoint=Endpoint(time="AVAL", events=(EventSource(column),)),
                        group="TRT01P", patient_id="USUBJID")
    cohort, issues = build_cohort(raw(adtte(values, column)), spec)
    np.testing.assert_array_equal(cohort.event, [True, False, True, False, False, True])
    [note] = [i for i in issues if i.code == "censoring_flag"]
    assert repr(column) in note.message and "censoring flag" in note.message


def test_the_user_can_say_otherwise() -> None:
    spec = AnalysisSpec(endpoint=Endpoint(time="AVAL", events=(EventSource("CNSR", ("1",)),)),
                        group="TRT01P")
    cohort, issues = build_cohort(raw(adtte([0, 1, 0, 1, 1, 0])), spec)
    np.testing.assert_array_equal(cohort.event, [False, True, False, True, True, False])
    assert not [i for i in issues if i.code == "censoring_flag"]


def test_the_window_s_guess_ticks_0_for_cnsr() -> None:
    guess = guess_roles(adtte([0, 1, 0, 1, 2, 0]))
    [event] = guess.events
    assert event.column == "CNSR" and event.values == ("0",)


def test_analyze_counts_events_not_censorings(tmp_path: Path,
                                              capsys: pytest.CaptureFixture) -> None:
    data = tmp_path / "adtte.csv"
    adtte([0, 1, 0, 1, 2, 0]).to_csv(data, index=False)
    assert main(["analyze", str(data), "--time", "AVAL", "--event", "CNSR", "--group",
                 "TRT01P", "--time-unit", "months", "--formats", "none",
                 "--out", str(tmp_path / "out")]) == 0
    assert "note: Column 'CNSR' is read as a censoring flag" in capsys.readouterr().err
    summary = pd.read_csv(tmp_path / "out" / "summary.csv").set_index("group")
    assert summary.loc["All patients", "events"] == 3
