"""Builders of hostile files: each is small on disk and built to hurt a reader (memory, time,
entity expansion, links to the outside, macros, encryption)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

HEADER_AND_TWO_ROWS = pd.DataFrame({"time": [1, 2], "status": [1, 0]})
BILLION_LAUGHS = '<!ENTITY lol "lol">' + "".join(
    f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
    for i in range(1, 10))


def _base_xlsx() -> bytes:
    buffer = io.BytesIO()
    HEADER_AND_TWO_ROWS.to_excel(buffer, index=False)
    return buffer.getvalue()


def _rewrite(path: Path, source: bytes, replace: dict[str, bytes],
             add: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(io.BytesIO(source)) as src, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info.filename, replace.get(info.filename, src.read(info.filename)))
        for name, data in (add or {}).items():
            out.writestr(name, data)
    return path


def _sheet(extra_rows: str = "", prolog: str = "", padding: int = 0) -> tuple[bytes, bytes]:
    """(workbook bytes, sheet xml) with ``extra_rows`` appended inside sheetData."""
    source = _base_xlsx()
    with zipfile.ZipFile(io.BytesIO(source)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    sheet = prolog + sheet.replace("</sheetData>", extra_rows + " " * padding + "</sheetData>")
    return source, sheet.encode()


def _with_sheet(path: Path, **kwargs: object) -> Path:
    source, sheet = _sheet(**kwargs)  # type: ignore[arg-type]
    return _rewrite(path, source, {"xl/worksheets/sheet1.xml": sheet})


def zip_bomb(path: Path) -> Path:
    """A sheet of 64 MB of blanks, 64 kB on disk (compressed 1000 to 1)."""
    return _with_sheet(path, padding=64 << 20)


def far_corner(path: Path) -> Path:
    """One cell at XFD1048576: calamine would allocate 512 GB for the grid."""
    return _with_sheet(path, extra_rows='<row r="1048576"><c r="XFD1048576" t="inlineStr">'
                                        '<is><t>x</t></is></c></row>')


def padded_tag(path: Path) -> Path:
    """The far cell again, its reference pushed 2 MB into the tag so that a scanner reading
    in pieces would see it cut in two."""
    return _with_sheet(path, extra_rows='<row r="4"><c' + " " * (2 << 20) +
                       ' r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>')


def far_corner_lower_case(path: Path) -> Path:
    """The far cell with its reference in lower case (calamine reads it the same)."""
    return _with_sheet(path, extra_rows='<row r="1048576"><c r="xfd1048576" t="inlineStr">'
                                        '<is><t>x</t></is></c></row>')


def far_corner_second_r(path: Path) -> Path:
    """A cell tag with two r attributes: calamine takes the second, XFD1048576."""
    return _with_sheet(path, extra_rows='<row r="4"><c r="A4" r="XFD1048576" t="inlineStr">'
                                        '<is><t>x</t></is></c></row>')


def far_corner_prefixed(path: Path) -> Path:
    """The far cell in a prefixed tag, ``<x:c>``, as .NET programs write cells."""
    return _with_sheet(path, extra_rows='<row r="4"><x:c xmlns:x="http://schemas.openxmlformats'
                                        '.org/spreadsheetml/2006/main" r="XFD1048576" '
                                        't="inlineStr"><x:is><x:t>x</x:t></x:is></x:c></row>')


def far_corner_in_capitals(path: Path) -> Path:
    """The far cell's sheet stored as XL/WORKSHEETS/SHEET1.XML (calamine finds a part in
    any letter case)."""
    source, sheet = _sheet(extra_rows='<row r="1048576"><c r="XFD1048576" t="inlineStr">'
                                      '<is><t>x</t></is></c></row>')
    with zipfile.ZipFile(io.BytesIO(source)) as src, \
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                out.writestr("XL/WORKSHEETS/SHEET1.XML", sheet)
            else:
                out.writestr(info.filename, src.read(info.filename))
    return path


def shared_strings_bomb(path: Path) -> Path:
    """64 MB of blanks in the shared strings, which calamine reads whole."""
    strings = b"<sst><si><t>" + b" " * (64 << 20) + b"</t></si></sst>"
    return _rewrite(path, _base_xlsx(), {}, {"xl/sharedStrings.xml": strings})


def ten_million_rows(path: Path) -> Path:
    """A cell on row 10,000,000 (beyond any spreadsheet program's sheet)."""
    return _with_sheet(path, extra_rows='<row r="10000000"><c r="A10000000" t="inlineStr">'
                                        '<is><t>x</t></is></c></row>')


def million_empty_rows(path: Path) -> Path:
    """A million ``<row/>`` elements without cells under the table."""
    rows = "".join(f'<row r="{i}"/>' for i in range(4, 1_000_004))
    return _with_sheet(path, extra_rows=rows)


def entity_expansion(path: Path) -> Path:
    """'Billion laughs': nine nested entities expanding to 10^9 'lol's."""
    return _with_sheet(path, prolog=f'<?xml version="1.0"?><!DOCTYPE worksheet '
                                    f'[{BILLION_LAUGHS}]>',
                       extra_rows='<row r="4"><c r="A4" t="inlineStr"><is><t>&lol9;</t></is>'
                                  '</c></row>')


def external_entity(path: Path) -> Path:
    """XXE: an entity that names a local file."""
    return _with_sheet(path, prolog='<?xml version="1.0"?><!DOCTYPE worksheet '
                                    '[<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
                       extra_rows='<row r="4"><c r="A4" t="inlineStr"><is><t>&xxe;</t></is>'
                                  '</c></row>')


EXTERNAL_URL = "http://198.51.100.7/steal.xlsx"


def external_link(path: Path) -> Path:
    """A formula that reads a cell of a workbook on a web server (cached value 7), and the
    external-link part that names the server."""
    source, sheet = _sheet(extra_rows='<row r="4"><c r="A4"><f>[1]Sheet1!A1</f><v>7</v></c>'
                                      '<c r="B4"><f>HYPERLINK("' + EXTERNAL_URL + '","x")</f>'
                                      '<v>0</v></c></row>')
    link = (b'<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b'<externalBook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'relationships" r:id="rId1"/></externalLink>')
    rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/externalLinkPath" Target="' + EXTERNAL_URL +
            '" TargetMode="External"/></Relationships>').encode()
    return _rewrite(path, source, {"xl/worksheets/sheet1.xml": sheet},
                    {"xl/externalLinks/externalLink1.xml": link,
                     "xl/externalLinks/_rels/externalLink1.xml.rels": rels})


def macros(path: Path) -> Path:
    """An .xlsm with a VBA project (an auto-open macro's source in it) and a DDE formula."""
    source, sheet = _sheet(extra_rows='<row r="4"><c r="A4"><f>cmd|\'/c calc\'!A0</f>'
                                      '<v>3</v></c><c r="B4"><v>1</v></c></row>')
    vba = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"Sub Auto_Open()\r\nShell \"calc\"\r\nEnd Sub"
    return _rewrite(path, source, {"xl/worksheets/sheet1.xml": sheet},
                    {"xl/vbaProject.bin": vba})


def repeated_ods_rows(path: Path) -> Path:
    """An ODS row of 200 filled cells repeated 200,000 times (40 million cells)."""
    return _ods_with_row(path, 'office:value-type="float" office:value="3"')


def repeated_untyped_ods_rows(path: Path) -> Path:
    """The same, its cells given a value but no value type (calamine fills them all)."""
    return _ods_with_row(path, 'office:value="3"')


def _ods_with_row(path: Path, cell_attributes: str) -> Path:
    buffer = io.BytesIO()
    HEADER_AND_TWO_ROWS.to_excel(buffer, index=False, engine="odf")
    with zipfile.ZipFile(buffer) as archive:
        content = archive.read("content.xml").decode()
    end = content.rfind("</table:table-row>") + len("</table:table-row>")
    row = ('<table:table-row table:number-rows-repeated="200000"><table:table-cell '
           f'table:number-columns-repeated="200" {cell_attributes}>'
           '<text:p>3</text:p></table:table-cell></table:table-row>')
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src, \
            zipfile.ZipFile(path, "w") as out:
        for info in src.infolist():
            data = src.read(info.filename)
            out.writestr(info, (content[:end] + row + content[end:]).encode()
                         if info.filename == "content.xml" else data)
    return path


def empty_lines_csv(path: Path) -> Path:
    """A header, two patients and 10 million empty lines (10 MB)."""
    path.write_bytes(b"time,status\n1,1\n2,0\n" + b"\n" * 10_000_000)
    return path


def password_protected(path: Path) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    with path.open("wb") as out:
        OOXMLFile(io.BytesIO(_base_xlsx())).encrypt("secret", out)
    return path


HOSTILE: dict[str, tuple[Callable[[Path], Path], str]] = {
    "zip_bomb.xlsx": (zip_bomb, "workbook_too_large"),
    "far_corner.xlsx": (far_corner, "workbook_too_large"),
    "ten_million_rows.xlsx": (ten_million_rows, "workbook_too_large"),
    "padded_tag.xlsx": (padded_tag, "workbook_too_large"),
    "far_corner_lower_case.xlsx": (far_corner_lower_case, "workbook_too_large"),
    "far_corner_second_r.xlsx": (far_corner_second_r, "workbook_too_large"),
    "far_corner_prefixed.xlsx": (far_corner_prefixed, "workbook_too_large"),
    "far_corner_in_capitals.xlsx": (far_corner_in_capitals, "workbook_too_large"),
    "shared_strings_bomb.xlsx": (shared_strings_bomb, "workbook_too_large"),
    "repeated_rows.ods": (repeated_ods_rows, "workbook_too_large"),
    "repeated_untyped_rows.ods": (repeated_untyped_ods_rows, "workbook_too_large"),
    "entities.xlsx": (entity_expansion, "damaged_file"),
    "external_entity.xlsx": (external_entity, "damaged_file"),
    "password.xlsx": (password_protected, "password_protected"),
    "million_empty_rows.xlsx": (million_empty_rows, "read"),
    "empty_lines.csv": (empty_lines_csv, "read"),
    "external_link.xlsx": (external_link, "read"),
    "macros.xlsm": (macros, "read"),
}
