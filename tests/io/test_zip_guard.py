"""The zip guard measures a sheet's extent the way calamine (quick-xml) places cells, however
the XML is written: the usual form (``<c r="B7" ...>``) through the fast search, every other
form by the tag-by-tag walk, with the same result wherever the 1 MB pieces are cut. The
end-to-end proof that calamine is never reached with such a file is in
``tests/security/test_hostile_files.py``."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from resort_gui.io import zip_guard

FAR = "XFD1048576"
REFUSED_FAR = "row 1,048,576 and column 16,384"


def archive(sheet: str | bytes, name: str = "xl/worksheets/sheet1.xml",
            others: dict[str, bytes] | None = None) -> zipfile.ZipFile:
    data = sheet.encode() if isinstance(sheet, str) else sheet
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("xl/workbook.xml", b"<workbook/>")
        out.writestr(name, data)
        for other, content in (others or {}).items():
            out.writestr(other, content)
    return zipfile.ZipFile(io.BytesIO(buffer.getvalue()))


def worksheet(rows: str, prolog: str = "") -> str:
    return (f'{prolog}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
            f'main"><dimension ref="A1:B2"/><sheetData>{rows}</sheetData></worksheet>')


HEADER = '<row r="1"><c r="A1" t="inlineStr"><is><t>time</t></is></c><c r="B1"><v>1</v></c></row>'


def far_row(cell_tag: str) -> str:
    return f'<row r="2">{cell_tag}<v>1</v></c></row>'


# every way calamine reads a cell at XFD1048576 (each aborted the program before)
FAR_CELLS = {
    "usual": f'<c r="{FAR}">',
    "lower case": f'<c r="{FAR.lower()}">',
    "single quotes": f"<c r='{FAR}'>",
    "spaces around =": f'<c r = "{FAR}">',
    "r not first": f'<c t="n" r="{FAR}">',
    "a second r": f'<c r="A2" r="{FAR}">',
    "no space before r": f'<c t="n"r="{FAR}">',
    "tab and newline": f'<c\tt="n"\nr="{FAR}">',
    "prefixed": f'<x:c xmlns:x="u" r="{FAR}">',
    "'>' in an attribute": f'<c x="a>b" r="{FAR}">',
    "'<' in an attribute": f'<c x="a<b" r="{FAR}">',
}


@pytest.mark.parametrize("tag", list(FAR_CELLS.values()), ids=list(FAR_CELLS))
def test_a_far_cell_is_refused_however_written(tag: str) -> None:
    found = zip_guard.check_workbook_archive(archive(worksheet(HEADER + far_row(tag))))
    assert found is not None and REFUSED_FAR in found.reason


def test_cells_without_r_follow_the_one_before() -> None:
    cells = '<c t="n"><v>1</v></c>' * 16_384
    sheet = worksheet(f'<row r="1048576">{cells}</row>')
    found = zip_guard.check_workbook_archive(archive(sheet))
    assert found is not None and REFUSED_FAR in found.reason


@pytest.mark.parametrize("name", ["XL/WORKSHEETS/SHEET1.XML", "xl/worksheets/sheet1.dat",
                                  "xl/chartsheets/sheet1.xml"])
def test_every_part_a_sheet_can_be_read_from_is_checked(name: str) -> None:
    """calamine finds the sheet named by the workbook's relations in any letter case and
    with any extension."""
    sheet = worksheet(HEADER + far_row(FAR_CELLS["usual"]))
    found = zip_guard.check_workbook_archive(archive(sheet, name))
    assert found is not None and REFUSED_FAR in found.reason


def test_a_zip_bomb_outside_the_sheets_is_refused() -> None:
    """The shared strings are read whole too."""
    strings = b"<sst><si><t>" + b" " * (64 << 20) + b"</t></si></sst>"
    found = zip_guard.check_workbook_archive(
        archive(worksheet(HEADER), others={"xl/sharedStrings.xml": strings}))
    assert found is not None and "zip bomb" in found.reason


def test_a_document_type_declaration_among_unusual_cells_is_refused() -> None:
    rows = '<!DOCTYPE x [<!ENTITY y "a>b">]><row r="2"><c t="n"><v>1</v></c></row>'
    found = zip_guard.check_workbook_archive(archive(worksheet(HEADER + rows)))
    assert found is not None and "document type declaration" in found.reason


HIDDEN = {  # what calamine does not read as a cell, so neither does the guard
    "comment": f"<!-- <c r='{FAR}'> --><!-- <c x=\" -->",
    "CDATA": f"<row r='2'><c t='inlineStr'><is><t><![CDATA[<c r='{FAR}'>]]></t></is></c></row>",
    "processing instruction": f"<?pi <c r='{FAR}'> ?>",
    "two prefixes": f'<row r="2"><a:b:c r="{FAR}"><v>1</v></a:b:c></row>',
    "upper-case C": f'<row r="2"><C r="{FAR}"><v>1</v></C></row>',
    "prefixed r": f'<row r="2"><c x:r="{FAR}" r="B2"><v>1</v></c></row>',
    "inside an end tag": f'<row r="2"></row x="<c r=\'{FAR}\'>">',
}


@pytest.mark.parametrize("rows", list(HIDDEN.values()), ids=list(HIDDEN))
def test_what_calamine_does_not_read_as_a_cell_is_not_counted(rows: str) -> None:
    assert zip_guard.check_workbook_archive(archive(worksheet(HEADER + rows))) is None


def table(form: str, n_rows: int, n_columns: int) -> str:
    """A table written in one of the forms writers use."""
    rows = []
    for row in range(1, n_rows + 1):
        cells = []
        for column in range(1, n_columns + 1):
            reference = f"{zip_guard._column_letters(column).decode()}{row}"
            cells.append({
                "usual": f'<c r="{reference}" t="n"><v>{row}</v></c>',
                "prefixed": f'<x:c r="{reference}" t="n"><x:v>{row}</x:v></x:c>',
                "without r": f'<c t="n"><v>{row}</v></c>',
                "r last": f"<c t='n' r='{reference}'><v>{row}</v></c>",
            }[form])
        row_tag = "x:row" if form == "prefixed" else "row"
        rows.append(f'<{row_tag} r="{row}">{"".join(cells)}</{row_tag}>')
    return worksheet("".join(rows)).replace("<sheetData>", '<sheetData xmlns:x="u">')


FORMS = ["usual", "prefixed", "without r", "r last"]


@pytest.mark.parametrize("chunk", [7, 64, 1 << 20])
@pytest.mark.parametrize("form", FORMS)
def test_the_extent_is_the_table_whatever_the_form_and_the_pieces(
        monkeypatch: pytest.MonkeyPatch, form: str, chunk: int) -> None:
    """With the limit just below the table, the refusal names its last row and column."""
    monkeypatch.setattr(zip_guard, "_CHUNK", chunk)
    monkeypatch.setattr(zip_guard, "MAX_CELLS", 120 * 7 - 1)
    found = zip_guard.check_workbook_archive(archive(table(form, 120, 7)))
    assert found is not None and "row 120 and column 7," in found.reason
    monkeypatch.setattr(zip_guard, "MAX_CELLS", 120 * 7)
    assert zip_guard.check_workbook_archive(archive(table(form, 120, 7))) is None


@pytest.mark.parametrize("form", ["usual", "prefixed"])
def test_usual_sheets_are_not_walked_tag_by_tag(monkeypatch: pytest.MonkeyPatch,
                                               form: str) -> None:
    """The fast search proves them (the walk is ten times slower)."""
    monkeypatch.setattr(zip_guard, "_CHUNK", 4096)

    def no_walk(self: object, data: bytes, final: bool) -> int:
        raise AssertionError("walked")

    monkeypatch.setattr(zip_guard._CellWalk, "feed", no_walk)
    assert zip_guard.check_workbook_archive(archive(table(form, 2000, 5))) is None


def test_a_table_wider_further_down_is_measured(monkeypatch: pytest.MonkeyPatch) -> None:
    """A piece whose cells go beyond the extent so far widens it."""
    monkeypatch.setattr(zip_guard, "_CHUNK", 512)
    monkeypatch.setattr(zip_guard, "MAX_CELLS", 300 * 12 - 1)
    sheet = table("usual", 300, 5).replace(
        "</row></sheetData>", '<c r="L300"><v>1</v></c></row></sheetData>')
    found = zip_guard.check_workbook_archive(archive(sheet))
    assert found is not None and "row 300 and column 12," in found.reason


@pytest.mark.parametrize("low, high", [(b"0", b"9"), (b"A", b"Z")])
def test_at_most_matches_exactly_the_smaller_numbers(low: bytes, high: bytes) -> None:
    def text(n: int) -> bytes:
        return str(n).encode() if low == b"0" else zip_guard._column_letters(n)

    for limit in (1, 9, 10, 26, 27, 99, 100, 702, 703, 4321, 16_384):
        pattern = re.compile(zip_guard._at_most(text(limit), low, high) + rb"\Z")
        assert all((pattern.match(text(n)) is not None) == (n <= limit)
                   for n in range(1, 2 * limit + 30)), limit


def ods(rows: str) -> zipfile.ZipFile:
    content = ('<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:'
               'office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
               f'<office:spreadsheet><table:table table:name="S">{rows}</table:table>'
               '</office:spreadsheet></office:body></office:document-content>')
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        out.writestr("content.xml", content)
    return zipfile.ZipFile(io.BytesIO(buffer.getvalue()))


def repeated(cell_attributes: str, rows: str = 'table:number-rows-repeated="200000"') -> str:
    return (f'<table:table-row {rows}><table:table-cell table:number-columns-repeated="200" '
            f'{cell_attributes}><text:p>3</text:p></table:table-cell></table:table-row>')


# every way calamine fills 200,000 x 200 cells from one repeated ODS row
FILLED_ODS = {
    "typed": 'office:value-type="float" office:value="3"',
    "value without type": 'office:value="3"',
    "text value": 'office:string-value="x"',
    "formula": 'table:formula="of:=1"',
    "single quotes": "office:value-type='float' office:value='3'",
}


@pytest.mark.parametrize("cell", list(FILLED_ODS.values()), ids=list(FILLED_ODS))
def test_repeated_filled_ods_rows_are_refused(cell: str) -> None:
    found = zip_guard.check_workbook_archive(ods(repeated(cell)))
    assert found is not None and "row 200,000 and column 200," in found.reason


def test_spaced_repeat_counts_are_read() -> None:
    cell = 'table:number-columns-repeated = "200" office:value="3"'
    row = (f'<table:table-row table:number-rows-repeated = "200000"><table:table-cell {cell}>'
           '</table:table-cell></table:table-row>')
    found = zip_guard.check_workbook_archive(ods(row))
    assert found is not None and "row 200,000 and column 200," in found.reason


def test_empty_repeats_and_later_sheets_do_not_count(monkeypatch: pytest.MonkeyPatch) -> None:
    """LibreOffice repeats empty cells and rows to the sheet's end; each sheet starts at
    row 1."""
    monkeypatch.setattr(zip_guard, "MAX_CELLS", 3 * 2)
    filled = '<table:table-cell office:value-type="float" office:value="1"/>'
    sheet = (f'<table:table-row>{filled}{filled}</table:table-row>' * 3
             + '<table:table-row table:number-rows-repeated="1048000"><table:table-cell '
               'table:number-columns-repeated="16384"/></table:table-row>')
    rows = sheet + f'</table:table><table:table table:name="T">{sheet}'
    assert zip_guard.check_workbook_archive(ods(rows)) is None
    monkeypatch.setattr(zip_guard, "MAX_CELLS", 3 * 2 - 1)
    found = zip_guard.check_workbook_archive(ods(rows))
    assert found is not None and "row 3 and column 2," in found.reason
