"""The report: the PDF and HTML say where the data came from, how every number was computed
(from the settings actually used) and what the numbers are, with the figure."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pypdf import PdfReader

from resort_gui import __version__
from resort_gui.analysis.run import run_analysis
from resort_gui.domain import format as fmt
from resort_gui.domain.spec import AnalysisSpec, Endpoint, EventSource
from resort_gui.export.report import (
    FigureBlock,
    Table,
    build_report,
    methods_paragraph,
    report_html,
)
from resort_gui.io import build_cohort, read_table
from tests.export.pdf_text import embedded_fonts, pdf_text, raster_images

A4_PT = (595.3, 841.9)


def expected_numbers(result) -> list[str]:
    """Numbers the report must quote, written as the results panel writes them."""
    numbers = [fmt.time_value(g.median[0]) for g in result.groups]
    numbers.append(fmt.p_value(result.test("logrank_stratified").p_value))
    stratified = next(h for h in result.hazard_ratios if h.model == "cox_stratified")
    numbers.append(fmt.number(stratified.hr, 2))
    numbers += [str(g.n) for g in result.groups]
    return numbers


def test_pdf_report_has_source_methods_results_and_figure(demo_out: Path, demo_result) -> None:
    path = demo_out / "report.pdf"
    text = pdf_text(path)
    assert demo_result.cohort.sha256 in text.replace(" ", "")
    for phrase in ("resort_demo.xlsx", "Kaplan–Meier method", "log(−log)", "95%",
                   "Greenwood", "stratified by interval_nephrectomy, metastasis_site and "
                   "n_lesions", "Efron method", "reverse Kaplan–Meier",
                   f"resort-gui {__version__}", "Number at risk", "69 patients were analysed",
                   "95% confidence intervals; NR: not reached",  # the tables' footnotes
                   "below 1 favours the group named first"):
        assert phrase in text, phrase
    for number in expected_numbers(demo_result):
        assert number in text, number
    assert embedded_fonts(path) >= {"DejaVuSans", "DejaVuSans-Bold"}
    assert not raster_images(path), "the figure is drawn as vectors"
    page = PdfReader(path).pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == \
        pytest.approx(A4_PT, abs=1)


class _Document(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data) -> None:
        self.text.append(data)


def parse_html(path: Path) -> _Document:
    document = _Document()
    document.feed(path.read_text(encoding="utf-8"))
    return document


def test_html_report_is_self_contained_with_the_same_content(demo_out: Path,
                                                             demo_result) -> None:
    document = parse_html(demo_out / "report.html")
    text = " ".join(" ".join(document.text).split())
    for number in expected_numbers(demo_result):
        assert number in text, number
    assert "Kaplan–Meier method" in text and demo_result.cohort.sha256 in text
    tags = [t for t, _ in document.tags]
    assert "script" not in tags and "link" not in tags
    images = [a for t, a in document.tags if t == "img"]
    # RFS and OS Kaplan-Meier figures and the forest plot; the flow diagram is inline SVG
    assert [a["alt"] for a in images] == ["Kaplan-Meier figure"] * 2 + ["Forest plot"]
    assert all(a["src"].startswith("data:image/svg+xml;base64,") for a in images)
    assert all(a.get("src", "data:").split(":")[0] not in ("http", "https", "file")
               for _, a in document.tags)


def _result(spec: AnalysisSpec):
    raw = read_table(Path(spec.source))
    cohort, issues = build_cohort(raw, spec)
    return run_analysis(cohort, spec, issues)


@pytest.fixture()
def small_trial(tmp_path: Path) -> Path:
    rows = ["months,event,arm,site"]
    for i in range(30):
        rows.append(f"{2 + (i * 5) % 37},{int(i % 4 != 0)},{'AB'[i % 2]},{'xy'[i % 3 == 0]}")
    rows += ["unknown,1,A,x", "-3,0,B,y"]  # spreadsheet rows 32 and 33: excluded
    path = tmp_path / "small.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def small_spec(path: Path, **changes) -> AnalysisSpec:
    spec = AnalysisSpec(source=str(path), endpoint=Endpoint(
        name="OS", time="months", events=(EventSource("event", ("1",)),)), group="arm")
    return replace(spec, **changes)


def test_methods_follow_the_settings(small_trial: Path) -> None:
    plain = methods_paragraph(_result(small_spec(small_trial, conf_type="plain",
                                                 conf_level=0.9, ties="breslow")))
    assert "90% confidence intervals" in plain and "linear (plain)" in plain
    assert "Breslow method" in plain and "stratif" not in plain
    assert "log-rank test" in plain and "reference A" in plain
    strata = methods_paragraph(_result(small_spec(small_trial, strata=("site",))))
    assert "log-rank test stratified by site" in strata
    assert "log(−log)" in strata and "Efron method" in strata


def test_one_group_has_no_comparison(small_trial: Path) -> None:
    result = _result(small_spec(small_trial, group=None))
    text = methods_paragraph(result)
    assert "log-rank" not in text and "Cox" not in text
    report = build_report(result)
    assert any(isinstance(b, FigureBlock) for b in report.blocks)


def test_exclusions_are_counted_with_reasons_and_rows(small_trial: Path) -> None:
    result = _result(small_spec(small_trial))
    report = build_report(result, created=datetime(2026, 1, 2, tzinfo=UTC))
    assert "32 rows were read; 30 patients were analysed and 2 rows were excluded" in \
        report.text()
    excluded = next(b for b in report.blocks
                    if isinstance(b, Table) and b.caption.startswith("Rows excluded"))
    listed = " ".join(r[2] for r in excluded.rows)
    assert "32" in listed and "33" in listed
    assert all(r[0] for r in excluded.rows)  # every exclusion has its reason
    assert "2026-01-02" in report.subtitle


def test_html_escapes_every_user_string(small_trial: Path) -> None:
    result = _result(small_spec(small_trial))
    report = build_report(result)
    hostile = replace(report, title="<script>alert(1)</script>")
    page = report_html(hostile)
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_the_methods_name_the_order_the_trend_test_scored() -> None:
    """Cell types have no order: the reader must see which one the trend test assumed."""
    from tests.reference import REFERENCE_DIR

    spec = AnalysisSpec(source=str(REFERENCE_DIR / "veteran__data.csv"),
                        endpoint=Endpoint(time="time", events=(EventSource("status", ("1",)),)),
                        group="celltype", time_unit="days")
    cohort, issues = build_cohort(read_table(Path(spec.source)), spec)
    text = build_report(run_analysis(cohort, spec, issues)).text()
    assert ("the log-rank test for trend (scores 1 to 4 in the order adeno, large, smallcell, "
            "squamous)") in text


def test_the_points_to_check_close_the_report(demo_result) -> None:
    """The window's checks, of each endpoint: here a median of OS resting on 2 patients."""
    text = build_report(demo_result).text()
    assert "Points to check" in text
    assert "OS: Median from few patients: sorafenib. In sorafenib the curve reaches 50% at " \
           "72.5 months, when only 2 patients remained at risk" in text
