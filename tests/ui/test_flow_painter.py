"""The flow diagram's text fits its boxes as Qt sets it (DejaVu Sans, the report's font),
for the demo trial and for long, wide and unbroken names; the widget draws it."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFontMetricsF

from resort_gui.app.pipeline import analyze_file
from resort_gui.domain.trial_results import FlowCount, ParticipantFlow
from resort_gui.present.flow_diagram import MM_PER_PT, PAD_MM, flow_diagram
from resort_gui.render.flow_painter import FlowDiagramWidget
from resort_gui.render.qt_app import figure_font

WIDE_ARM = "WWWWMMMM WIDE ARM NAME IN CAPITALS"
UNBROKEN = "x" * 120


def _hostile_flow() -> ParticipantFlow:
    arms = ("observation", WIDE_ARM, UNBROKEN)
    counts = [FlowCount("screened", "", "", 90),
              FlowCount("not_randomised", "", "MMMM WWWW " * 8, 3),
              FlowCount("not_randomised", "", UNBROKEN, 2)]
    for arm in arms:
        counts += [FlowCount("randomised", arm, "", 20),
                   FlowCount("excluded", arm, "missing date of randomisation", 2),
                   FlowCount("analysed", arm, "", 18)]
    return ParticipantFlow(tuple(counts), arms, 90)


def _demo_flow() -> ParticipantFlow:
    from resort_gui.io.demo import demo_spec

    return analyze_file(demo_spec()).result.flow


@pytest.mark.parametrize("make", [_demo_flow, _hostile_flow])
@pytest.mark.parametrize("font_pt", [8.0, 10.0])
def test_every_line_fits_its_box(qapp, make, font_pt: float) -> None:
    diagram = flow_diagram(make(), 170.0, font_pt)
    px_per_mm = 96 / 25.4
    font_px = font_pt * MM_PER_PT * px_per_mm
    for box in diagram.boxes:
        room = (box.width - 2 * PAD_MM) * px_per_mm
        for i, line in enumerate(box.lines):
            metrics = QFontMetricsF(figure_font(font_px, bold=i < box.title_lines))
            assert metrics.horizontalAdvance(line) <= room, line
    text = "".join(diagram.text().split())
    assert "".join(WIDE_ARM.split()) in text or make is _demo_flow


def test_widget_draws_the_diagram_at_its_size(qtbot) -> None:
    diagram = flow_diagram(_hostile_flow())
    widget = FlowDiagramWidget(diagram)
    qtbot.addWidget(widget)
    widget.show()
    image = widget.grab().toImage()
    assert image.width() == pytest.approx((diagram.width + 2) * 96 / 25.4, abs=2)
    dark = sum(image.pixelColor(x, y).lightness() < 100
               for x in range(0, image.width(), 3) for y in range(0, image.height(), 3))
    assert dark > 500  # boxes, arrows and text are drawn
