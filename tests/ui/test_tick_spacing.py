"""Time-axis labels never run together: at a journal's single-column width the figure keeps
every k-th tick (and number at risk) for the smallest k whose labels stand apart."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QFontMetricsF

from resort_gui.analysis.run import run_analysis
from resort_gui.domain.spec import AnalysisSpec, Endpoint, EventSource
from resort_gui.io import build_cohort, read_table
from resort_gui.present.figure import build_figure
from resort_gui.render.km_plot import ticks_that_fit
from resort_gui.render.qt_app import figure_font
from tests.reference import REFERENCE_DIR

PX = 8 * 96 / 72  # 8 pt at 96 dpi


@pytest.fixture(scope="module")
def veteran_figure(qapp):
    spec = AnalysisSpec(source=str(REFERENCE_DIR / "veteran__data.csv"),
                        endpoint=Endpoint(time="time", events=(EventSource("status", ("1",)),)),
                        group="celltype", time_unit="days")
    cohort, issues = build_cohort(read_table(spec.source), spec)
    return build_figure(run_analysis(cohort, spec, issues))


@pytest.mark.parametrize("plot_width", [120.0, 200.0, 260.0, 400.0, 900.0])
def test_kept_labels_stand_apart_and_the_stride_is_the_smallest(veteran_figure,
                                                                plot_width: float) -> None:
    model = veteran_figure
    assert np.allclose(np.diff(model.x_ticks), 100.0) and model.x_ticks.size == 11
    shown = ticks_that_fit(model, PX, plot_width)
    stride = int(round((shown.x_ticks[1] - shown.x_ticks[0]) / 100.0))
    assert np.array_equal(shown.x_ticks, model.x_ticks[::stride])
    for block, kept in zip(model.risk_blocks, shown.risk_blocks, strict=True):
        assert [r.counts for r in kept.rows] == [r.counts[::stride] for r in block.rows]
    metrics = QFontMetricsF(figure_font(PX))
    widest = max(metrics.horizontalAdvance(str(int(t))) for t in model.x_ticks)
    gap = plot_width / (model.x_max * 1.04) * 100.0  # pixels between two ticks of 100 days
    assert stride * gap >= widest
    assert stride == 1 or (stride - 1) * gap < widest + metrics.horizontalAdvance("  ")
