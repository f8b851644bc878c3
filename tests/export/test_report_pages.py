"""The PDF report's page breaks: a heading never ends a page with what it heads on the next,
a table that fits on one page is not split, a table's header never ends a page without
its first row, and no line is on two pages. Each report below is filled with a growing
number of lines, so that every block in turn meets the foot of a page."""

from __future__ import annotations

from io import BytesIO

import pytest
from pypdf import PdfReader

from resort_gui.export.report import Heading, Paragraph, Report, Table
from resort_gui.render.qt_app import ensure_app
from resort_gui.render.report_pdf import report_pdf

FILLERS = range(30, 80)  # one-line paragraphs: more than a page of positions


def pages(report: Report) -> list[str]:
    """The text of each page, as a reader copies or searches it."""
    ensure_app()  # the report's fonts
    reader = PdfReader(BytesIO(report_pdf(report, {})))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def page_of(texts: list[str], words: str) -> int:
    """The first page that holds ``words``."""
    found = [i for i, text in enumerate(texts) if words in text]
    assert found, f"{words!r} is on no page"
    return found[0]


def filled(lines: int, *blocks: object) -> Report:
    return Report("Page breaks", "test", tuple(
        [Paragraph(f"Filler line {i}.") for i in range(lines)] + list(blocks)))


@pytest.mark.parametrize("lines", FILLERS)
def test_a_heading_stays_with_the_first_line_it_heads(lines: int) -> None:
    texts = pages(filled(lines, Heading("Secondary endpoint OS"),
                         Paragraph("First words under the heading, then more. " * 6)))
    assert page_of(texts, "Secondary endpoint OS") == page_of(texts, "First words under")
    # Qt draws every line that touches a page's clip: a line starting the next page was
    # drawn on this one too, invisible but there for a reader's copy and search
    whole = " ".join(texts)
    for line in ["Secondary endpoint OS", *(f"Filler line {i}." for i in range(lines))]:
        assert whole.count(line) == 1, line


@pytest.mark.parametrize("lines", FILLERS[::3])  # tables take longer to set
def test_a_short_table_is_not_split_and_a_long_one_starts_with_a_row(lines: int) -> None:
    short = Table("Survival by group", ("", "arm A", "arm B"),
                  tuple((f"row {i}", "1", "2") for i in range(8)))
    long = Table("Adverse events", ("Event", "any grade"),
                 tuple((f"event {i}", "3") for i in range(60)))  # > 1 page
    texts = pages(filled(lines, short, Heading("Safety"), long))
    assert page_of(texts, "Survival by group") == page_of(texts, "row 7 1 2")
    assert page_of(texts, "Safety") == page_of(texts, "Adverse events") \
        == page_of(texts, "event 0 3")
