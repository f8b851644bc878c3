"""The report beyond the curve (issue 9): the demo trial's report shows the flow of
participants, Table 1, OS, the subgroups with their forest plot, the proportional-hazards test
and the adverse events, in the PDF and the HTML; the flow diagram is inline SVG whose text is
escaped, also when an arm's name is markup."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from resort_gui.export.report import (
    DiagramBlock,
    FigureBlock,
    Heading,
    Table,
    build_report,
    report_html,
)
from resort_gui.present.flow_diagram import flow_diagram, flow_svg
from tests.export.conftest import HOSTILE_GROUPS
from tests.export.pdf_text import pdf_text
from tests.export.test_report import parse_html

SVG = "{http://www.w3.org/2000/svg}"


def test_demo_report_pdf_has_every_section(demo_out: Path) -> None:
    text = pdf_text(demo_out / "report.pdf")
    for phrase in ("Flow of participants", "Screened (n = 76)", "Not randomised (n = 7)",
                   "withdrew consent (n = 2)", "Randomised (n = 69)",
                   "Allocated to sorafenib (n = 33)", "Analysed (n = 36)",
                   "Table 1. Baseline characteristics by arm", "observation (n = 36)",
                   "age, median (IQR)", "Secondary endpoint: OS", "Median OS",
                   "Kaplan–Meier estimates of OS by arm", "Subgroups",
                   "Subgroup hazard ratios, sorafenib vs observation", "p interaction",
                   "Proportional hazards", "cox.zph", "Adverse events",
                   "Hand-foot skin reaction", "grade ≥ 3"):
        assert phrase in text, phrase
    # the forest plot is drawn (its axis title and "favours" are only in the figure)
    assert "Favours sorafenib" in text
    assert "Hazard ratio, sorafenib vs observation (95% CI, log scale)" in text


def test_demo_report_blocks_in_journal_order(demo_result) -> None:
    report = build_report(demo_result)
    headings = [b.text for b in report.blocks if isinstance(b, Heading)]
    assert headings.index("Flow of participants") < headings.index("Methods") \
        < headings.index("Results") < headings.index("Secondary endpoint: OS") \
        < headings.index("Subgroups") < headings.index("Adverse events")
    assert report.figure_keys() == ("km", "km:OS", "forest:sorafenib")
    assert sum(isinstance(b, DiagramBlock) for b in report.blocks) == 1
    safety = next(b for b in report.blocks
                  if isinstance(b, Table) and b.caption.startswith("Adverse events by arm"))
    assert safety.header == ("Adverse event", "observation (n = 36)\nany grade",
                             "observation (n = 36)\ngrade \u2265 3",
                             "sorafenib (n = 33)\nany grade", "sorafenib (n = 33)\ngrade \u2265 3")
    assert safety.rows[0][0] == "Any adverse event"
    assert any(isinstance(b, FigureBlock) and b.key == "forest:sorafenib"
               for b in report.blocks)


def test_html_flow_diagram_is_inline_svg_with_the_counts(demo_out: Path) -> None:
    page = (demo_out / "report.html").read_text(encoding="utf-8")
    start = page.index("<svg")
    svg = ET.fromstring(page[start:page.index("</svg>", start) + len("</svg>")])
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "Screened (n\u00a0=\u00a076)" in texts and "Randomised (n\u00a0=\u00a069)" in texts
    assert len(list(svg.iter(f"{SVG}rect"))) == 9  # screened, not randomised, randomised, 3x2
    document = parse_html(demo_out / "report.html")
    assert [a.get("aria-label") for t, a in document.tags if t == "svg"] == \
        ["Flow of participants"]


def test_boxes_hold_their_text_and_never_overlap(demo_result) -> None:
    diagram = flow_diagram(demo_result.flow)
    boxes = diagram.boxes
    for i, a in enumerate(boxes):
        assert 0 <= a.x and a.x + a.width <= diagram.width + 1e-9
        assert a.height >= len(a.lines) * diagram.line_mm
        for b in boxes[i + 1:]:
            apart = (a.x + a.width <= b.x or b.x + b.width <= a.x or a.bottom <= b.y
                     or b.bottom <= a.y)
            assert apart, (a.lines[0], b.lines[0])


def test_hostile_arm_names_stay_text_in_the_flow_svg(hostile_out: Path) -> None:
    page = (hostile_out / "report.html").read_text(encoding="utf-8")
    assert "<script>" not in page
    start = page.index("<svg")
    svg = ET.fromstring(page[start:page.index("</svg>", start) + len("</svg>")])
    text = "".join("".join(t.text or "" for t in svg.iter(f"{SVG}text")).split())
    for name in HOSTILE_GROUPS:  # wrapped over lines, but there as text
        assert "".join(name.split()) in text, name
    assert [e.tag for e in svg.iter()
            if e.tag.removeprefix(SVG) not in ("svg", "rect", "text", "line", "polygon")] == []


def test_flow_svg_escapes_reasons(demo_result) -> None:
    from dataclasses import replace

    from resort_gui.domain.trial_results import FlowCount

    flow = demo_result.flow
    hostile = replace(flow, counts=(*flow.counts, FlowCount(
        "excluded", flow.groups[0], "<img src=x onerror=alert(1)> & \"q\"", 1)))
    svg = flow_svg(flow_diagram(hostile))
    assert "<img" not in svg and "&lt;img" in svg and "&amp;" in svg
    ET.fromstring(svg)  # well-formed
    html = report_html(build_report(replace(demo_result, flow=hostile)))
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_ph_warning_and_adjusted_cox_in_plain_words() -> None:
    """veteran: Karnofsky's effect fades (cox.zph global p < 0.001): said in its section,
    among the points to check (as the window lists it) and beside the sentence's HR."""
    from resort_gui.app.pipeline import analyze_file
    from resort_gui.domain.spec import AnalysisSpec, Endpoint, EventSource

    extra = Path(__file__).parents[1] / "reference_extra"
    result = analyze_file(AnalysisSpec(
        source=str(extra / "veteran2__data.csv"), endpoint=Endpoint(
            name="OS", time="time", events=(EventSource("status", ("1",)),)),
        group="trt", covariates=("celltype", "karno"), time_unit="days")).result
    report = build_report(result)
    text = report.text()
    assert text.count("may not be proportional") == 3
    assert "(test of proportional hazards p < 0.001), so this single hazard ratio" in text
    assert "The hazards may not be proportional. The test of proportional hazards gives " \
           "p < 0.001" in text
    assert "The hazards of the adjusted Cox model may not be proportional (p < 0.001" in text
    cox = next(b for b in report.blocks
               if isinstance(b, Table) and b.caption.startswith("Cox model adjusted for"))
    assert cox.caption == "Cox model adjusted for celltype and karno (137 patients, 128 events)"
    assert [r[0] for r in cox.rows] == ["2 vs 1", "celltype: large vs adeno",
                                        "celltype: smallcell vs adeno",
                                        "celltype: squamous vs adeno", "karno"]
    assert cox.rows[-1][1:] == ("0.97 (95% CI 0.96\u20130.98)", "p < 0.001")
