"""A group of one patient and a handful of events say little: points to check for each, and
the default RMST horizon is not dragged to the lone patient's time."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from resort_gui.analysis.guardrails import check_result
from resort_gui.app.cli import main
from resort_gui.domain.spec import AnalysisSpec, Endpoint, EventSource
from resort_gui.io import RawTable, build_cohort


def trial(n: int, events: int, lone: bool) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    arm = np.where(np.arange(n) % 2 == 0, "sorafenib", "observation").astype(object)
    months = np.round(rng.uniform(6, 60, n), 1)
    if lone:
        arm[-1], months[-1] = "sunitinib", 9.5
    relapse = np.zeros(n, dtype=int)
    relapse[:events] = 1
    return pd.DataFrame({"patient": [f"R{i:03d}" for i in range(n)], "rfs_months": months,
                         "relapse": relapse, "arm": arm})


SPEC = AnalysisSpec(endpoint=Endpoint(time="rfs_months", events=(EventSource("relapse"),)),
                    group="arm", reference="observation", patient_id="patient")


def analysed(frame: pd.DataFrame):
    from resort_gui.analysis.run import run_analysis

    raw = RawTable(frame=frame, path=Path("trial.csv"), sheet=None, sheets=(),
                   first_data_row=2, sha256="0" * 64)
    cohort, issues = build_cohort(raw, SPEC)
    return run_analysis(cohort, SPEC, issues)


def test_a_lone_patient_is_a_point_to_check_and_does_not_set_the_horizon() -> None:
    frame = trial(60, 25, lone=True)
    result = analysed(frame)
    checks = {g.code: g for g in check_result(result)}
    assert "sunitinib" in checks["small_group"].title
    big = frame[frame["arm"] != "sunitinib"].groupby("arm")["rfs_months"].max().min()
    assert result.tau == pytest.approx(big) and result.tau > 9.5
    [note] = [i for i in result.issues if i.code == "tau_small_groups"]
    assert "sunitinib (1 patient)" in note.message


def test_two_events_in_80_patients_say_the_data_are_immature() -> None:
    checks = {g.code: g for g in check_result(analysed(trial(80, 2, lone=False)))}
    assert checks["few_events"].message.startswith("Only 2 events among 80 patients")
    assert "small_group" not in checks


def test_enough_patients_and_events_flag_nothing_of_the_kind() -> None:
    codes = {g.code for g in check_result(analysed(trial(80, 30, lone=False)))}
    assert not codes & {"few_events", "small_group"}


def test_analyze_says_the_same(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    data = tmp_path / "trial.csv"
    trial(60, 25, lone=True).to_csv(data, index=False)
    assert main(["analyze", str(data), "--time", "rfs_months", "--event", "relapse",
                 "--group", "arm", "--reference", "observation", "--formats", "none",
                 "--out", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err
    assert "note: The RMST horizon (" in err and "sunitinib (1 patient)" in err
    summary = pd.read_csv(tmp_path / "out" / "summary.csv")
    assert (summary["tau"] > 9.5).all()
