"""The PDF report's page breaks: a heading never ends a page with what it heads on the next,
a table that fits on one page is not split, and a table's header never ends a page without
its first row. Each report below is filled with a growing number of lines, so that every
block in turn meets the foot of a page."""

from __future__ import annotations

from io import BytesIO

import pytest
from pypdf import PdfReader

from resort_gui.export.report import Heading, Paragraph, Report, Table
from resort_gui.ui.qt_app import ensure_app
from resort_gui.ui.report_pdf import report_pdf

FILLERS = range(30, 80)  # one-line paragraphs: more than a page of positions
BODY_FLOOR_PT = 18 / 25.4 * 72 + 7.5 * 1.2 * 2.5  # page margin and footer


def pages(report: Report) -> list[str]:
    """The text shown on each page. Qt draws the block that crosses a page's foot on both
    pages, clipped, so the text of a PDF page also holds invisible lines: only the text
    above the foot of the page's body (the margin and the footer, ``BODY_FLOOR_PT``) is
    kept."""
    ensure_app()  # the report's fonts
    texts = []
    for page in PdfReader(BytesIO(report_pdf(report, {}))).pages:
        shown: list[str] = []

        def visit(text: str, cm: list[float], tm: list[float], *_: object,
                  shown: list[str] = shown) -> None:
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]  # PDF points up from the bottom
            if y > BODY_FLOOR_PT:
                shown.append(text)

        page.extract_text(visitor_text=visit)
        texts.append(" ".join("".join(shown).split()))
    return texts


def page_of(texts: list[str], words: str) -> int:
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
