"""Competing risks in a three-arm trial (pbc, edema 0 / 0.5 / 1; death the event of interest,
transplant competing) as the figure, the report and the methods show them (issue 20.4)."""

from __future__ import annotations

import numpy as np
import pytest

from resort_gui.app.pipeline import analyze_file
from resort_gui.domain.spec import AnalysisSpec, Endpoint, EventSource
from resort_gui.export.report import build_report, methods_paragraph
from resort_gui.present.figure import build_cif_figure
from tests.reference_extra import EXTRA_DIR, close, extra_csv


@pytest.fixture(scope="module")
def result():
    spec = AnalysisSpec(
        source=str(EXTRA_DIR / "pbc3__data.csv"),
        endpoint=Endpoint(name="Death", time="time", events=(EventSource("status", ("2",)),)),
        group="edema", time_unit="days", landmarks=(365.0, 1000.0, 2000.0, 3000.0),
        competing_values=("1",))
    return analyze_file(spec).result


def test_the_figure_rises_from_0_with_bands_and_the_numbers_at_risk(result) -> None:
    model = build_cif_figure(result)
    assert model.y_label == "Cumulative incidence"
    assert len(model.curves) == 6  # 3 groups x (event, competing event)
    interest = [c for c in model.curves if c.dash == "solid"]
    assert [c.label for c in interest] == ["0", "0.5", "1"]
    for curve in model.curves:
        assert curve.step_y[0] == 0.0 and np.all(np.diff(curve.step_y) >= 0)
    for curve in interest:
        assert curve.band_x.size == curve.step_x.size
        assert np.all(curve.band_lower <= curve.step_y + 1e-12)
        assert np.all(curve.band_upper >= curve.step_y - 1e-12)
    assert not any(c.band_x.size for c in model.curves if c.dash != "solid")
    assert [b.title for b in model.risk_blocks] == ["Number at risk"]
    assert model.risk_blocks[0].rows[0].counts[0] == 263
    assert model.annotation == "Gray's test p < 0.001"


def test_the_band_at_a_landmark_is_rs_interval(result) -> None:
    want = extra_csv("cif_ci").query("case == 'pbc3_edema' and group_cause == '0 2'")
    curve = result.competing.curve("0", "2")
    at = curve.is_landmark & np.isin(curve.time, want["time"])
    close(curve.ci_lower[at], want["ci_lower"])
    close(curve.ci_upper[at], want["ci_upper"])


def test_the_report_has_the_table_with_intervals_and_the_figure(result) -> None:
    report = build_report(result)
    assert "cif" in report.figure_keys()
    text = report.text()
    assert "Cumulative incidence by cause, % (95% CI), at each landmark (time in days)" in text
    assert "10.7 (7.3\u201314.8)" in text  # edema 0, death by 1000 days
    assert "Cumulative incidence (Aalen\u2013Johansen) of status = 2 by edema" in text


def test_the_methods_name_grays_test_not_a_weighted_log_rank_test(result) -> None:
    methods = methods_paragraph(result)
    assert "Gray's test (Gray 1988)" in methods
    assert "gray cause" not in methods.lower()
    assert "Aalen\u2013Johansen" in methods
