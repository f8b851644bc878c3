"""The figure model: what the plot and every exported figure show."""

import numpy as np

from resort_gui.analysis.risk_table import risk_table_times
from resort_gui.app.pipeline import analyze_file
from resort_gui.io.demo import demo_spec
from resort_gui.present.figure import FigureStyle, build_figure


def demo_result():
    return analyze_file(demo_spec()).result


def test_every_curve_has_a_confidence_band_from_time_zero() -> None:
    model = build_figure(demo_result())
    for curve in model.curves:
        finite = np.isfinite(curve.band_lower) & np.isfinite(curve.band_upper)
        assert finite[: max(2, finite.size // 2)].all(), curve.label
        assert np.all(curve.band_lower <= curve.step_y + 1e-12)
        assert np.all(curve.step_y <= curve.band_upper + 1e-12)


def test_risk_table_counts_come_from_the_result() -> None:
    result = demo_result()
    model = build_figure(result, FigureStyle(kmunicate=True))
    assert [b.title for b in model.risk_blocks] == ["Number at risk", "Cumulative events",
                                                    "Cumulative censored"]
    for row, group in zip(model.risk_blocks[0].rows, result.groups, strict=True):
        assert row.counts == tuple(group.at_risk.n_risk.tolist())
        assert row.counts[0] == group.n


def test_annotation_names_the_tests_and_hazard_ratio() -> None:
    text = build_figure(demo_result()).annotation
    assert "Log-rank p = " in text and "Stratified log-rank p = " in text
    assert "\nStratified HR 1.17 (95% CI 0.58" in text  # the demo's model has strata


def test_percent_scale() -> None:
    model = build_figure(demo_result(), FigureStyle(percent=True))
    assert model.y_scale == 100 and model.curves[0].step_y[0] == 100


def test_month_ticks_are_every_6_or_12_months() -> None:
    np.testing.assert_array_equal(risk_table_times(74.3, "months"), np.arange(0, 85, 12))
    np.testing.assert_array_equal(risk_table_times(40, "months"), np.arange(0, 43, 6))
    np.testing.assert_array_equal(risk_table_times(1022, "days"), np.arange(0, 1081, 180))
