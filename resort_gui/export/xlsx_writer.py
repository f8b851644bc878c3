"""An .xlsx workbook of tables (Office Open XML SpreadsheetML, ECMA-376) written straight from
DataFrames: one sheet per table, a bold header row frozen at the top, columns as wide as their
text.

openpyxl builds a Python object per cell (11 s for a 200,000-patient workbook). Here each
column becomes the XML of its cells in one pass over its values, and the rows stream into the
zip in chunks, so a 200,000-row sheet takes a fraction of a second.

Cells: numbers as numbers (``repr``, the shortest text that reads back as the same double:
full precision; integers as written), booleans as booleans, NaN, infinity, missing values and
empty text as no cell, everything else as text: neutralised (``neutralise_cell``), escaped for
XML and stored as an inline string, never as a formula. Characters XML 1.0 cannot carry (the
control characters other than tab and newline) are written as Excel's own escape ``_xHHHH_``,
which Excel and calamine decode (openpyxl shows it as written); a literal ``_xHHHH_`` in the
text is protected the same way, as ``_x005F_xHHHH_``. Carriage returns are ``&#13;`` so that XML
line-end handling keeps them.
"""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain, repeat
from typing import IO, Any

import numpy as np
import pandas as pd

from resort_gui.export.safe_write import may_start_a_formula, neutralise_cell

# Deflate level 1: a third of level 6's time for a file ~25% larger (the 200,000-patient
# workbook: ~0.1 s less, a few MB more); these files are written once and read rarely.
COMPRESS_LEVEL = 1
MAX_COLUMN_WIDTH = 60
CHUNK_ROWS = 20_000  # rows joined and compressed at a time: bounds the XML held in memory

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_ROOT_RELS = (f'{_DECLARATION}<Relationships xmlns="{_PACKAGE_RELS}"><Relationship Id="rId1" '
              f'Type="{_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
# style 0: the default cell; style 1: bold (the header row)
_STYLES = (f'{_DECLARATION}<styleSheet xmlns="{_MAIN}">'
           '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
           '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
           '<fills count="2"><fill><patternFill patternType="none"/></fill>'
           '<fill><patternFill patternType="gray125"/></fill></fills>'
           '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border>'
           '</borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" '
           'borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" '
           'fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" '
           'borderId="0" xfId="0" applyFont="1"/></cellXfs><cellStyles count="1">'
           '<cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')
_FROZEN_HEADER = ('<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                  '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>')

_BOOLEAN = {True: ' t="b"><v>1</v></c>', False: ' t="b"><v>0</v></c>'}
# white space at either end of a text, in texts joined as "\n" + "\n".join(texts) + "\n"
# (also found inside a text with several lines, which only costs xml:space="preserve")
_EDGE_SPACE = ("\n\n", *(f"{c}\n" for c in " \t\r"), *(f"\n{c}" for c in " \t\r"))
_NOT_XML_CHARACTERS = "\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff"
# a character XML cannot carry, or an underscore that a reader would take for the start of an
# escape once those characters are escaped: "_x" + 4 hex digits + "_" or such a character
_NOT_XML = re.compile(f"[{_NOT_XML_CHARACTERS}]|_(?=x[0-9A-Fa-f]{{4}}[_{_NOT_XML_CHARACTERS}])")
_SPECIAL = re.compile(f"[&<>\r{_NOT_XML_CHARACTERS}]")


def write_xlsx(handle: IO[bytes], sheets: Sequence[tuple[str, pd.DataFrame]]) -> None:
    """Write ``sheets`` (title, table), in order, as a workbook to the binary ``handle``.
    Titles must already be valid, unique sheet names."""
    with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED,
                         compresslevel=COMPRESS_LEVEL) as book:
        book.writestr("[Content_Types].xml", _content_types(len(sheets)))
        book.writestr("_rels/.rels", _ROOT_RELS)
        book.writestr("xl/workbook.xml", _workbook([title for title, _ in sheets]))
        book.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(sheets)))
        book.writestr("xl/styles.xml", _STYLES)
        for number, (_, frame) in enumerate(sheets, start=1):
            _write_sheet(book, f"xl/worksheets/sheet{number}.xml", frame, number == 1)


def column_letter(index: int) -> str:
    """Excel's name of the 0-based column ``index``: A..Z, AA..ZZ, AAA.."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(frozen=True)
class _Column:
    """A column's cells: cell i is ``<c r="{letter}{row}"`` + ``opening`` + ``values[i]`` +
    ``closing``, or, with ``gaps``, no cell where ``values[i]`` is None; ``width`` is the
    length of its longest value as text."""

    opening: str
    values: list[str | None]
    closing: str
    width: int
    gaps: bool


_NUMBER = ("><v>", "</v></c>")
_TEXT_CLOSING = "</t></is></c>"


def _text_opening(preserve: bool) -> str:
    """Inline text; ``xml:space="preserve"`` keeps leading and trailing spaces (only where a
    column has some: it is 21 bytes a cell)."""
    space = ' xml:space="preserve"' if preserve else ""
    return f' t="inlineStr"><is><t{space}>'


def _write_sheet(book: zipfile.ZipFile, name: str, frame: pd.DataFrame, selected: bool) -> None:
    """One worksheet: the header row in bold, frozen, then the rows, ``CHUNK_ROWS`` at a
    time."""
    header = [neutralise_cell(str(label)) for label in frame.columns]
    columns = [_column(frame.iloc[:, j]) for j in range(frame.shape[1])]
    letters = [column_letter(j) for j in range(len(columns))]
    widths = [min(MAX_COLUMN_WIDTH, max(len(label), column.width) + 2)
              for label, column in zip(header, columns, strict=True)]
    with book.open(name, "w", force_zip64=_may_exceed_zip32(len(frame), columns)) as part:
        part.write(_sheet_head(len(frame), letters, widths, selected).encode())
        part.write(_header_row(header, letters).encode())
        for start in range(0, len(frame), CHUNK_ROWS):
            stop = min(start + CHUNK_ROWS, len(frame))
            part.write(_rows(columns, letters, start, stop).encode())
        part.write(b"</sheetData></worksheet>")


def _sheet_head(n_rows: int, letters: list[str], widths: list[int], selected: bool) -> str:
    last = f"{letters[-1]}{n_rows + 1}" if letters else "A1"
    cols = "".join(f'<col min="{j}" max="{j}" width="{w}" customWidth="1"/>'
                   for j, w in enumerate(widths, start=1))
    tab = ' tabSelected="1"' if selected else ""
    return (f'{_DECLARATION}<worksheet xmlns="{_MAIN}" xmlns:r="{_RELS}">'
            f'<dimension ref="A1:{last}"/><sheetViews><sheetView{tab} workbookViewId="0">'
            f'{_FROZEN_HEADER}</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
            f'{f"<cols>{cols}</cols>" if cols else ""}<sheetData>')


def _header_row(header: list[str], letters: list[str]) -> str:
    opening = _text_opening(preserve=True)
    cells = "".join(f'<c r="{letter}1" s="1"{opening}{text}{_TEXT_CLOSING}'
                    for letter, text in zip(letters, _escape(header), strict=True) if text)
    return f'<row r="1">{cells}</row>'


def _rows(columns: list[_Column], letters: list[str], start: int, stop: int) -> str:
    """The ``<row>`` elements of rows ``start``..``stop`` (0-based, below the header), joined
    from pieces: constants, row numbers and values, without a string per cell (except in
    columns with gaps)."""
    numbers = list(map(str, range(start + 2, stop + 2)))
    pieces: list[Iterable[str]] = [repeat('<row r="'), numbers]
    before = '">'  # the text between the previous value and this cell's reference
    for column, letter in zip(columns, letters, strict=True):
        values = column.values[start:stop]
        if column.gaps:
            head, opening = f'<c r="{letter}', f'"{column.opening}'
            pieces += [repeat(before), ["" if value is None else
                                        f"{head}{n}{opening}{value}{column.closing}"
                                        for n, value in zip(numbers, values, strict=True)]]
            before = ""
        else:
            pieces += [repeat(f'{before}<c r="{letter}'), numbers,
                       repeat(f'"{column.opening}'), values]
            before = column.closing
    pieces.append(repeat(f"{before}</row>"))
    return "".join(chain.from_iterable(zip(*pieces, strict=False)))  # repeat() is endless


def _column(series: pd.Series) -> _Column:
    """``series`` as cells: text, numbers, or (mixed, booleans) value by value."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
        if pd.api.types.infer_dtype(series, skipna=True) == "string":  # missing: no cell
            return _text_column((series.fillna("") if series.hasnans else series).tolist())
        return _mixed_column(series.tolist())
    if pd.api.types.is_integer_dtype(dtype) and not series.hasnans:
        return _number_column(series.tolist())
    finite = np.isfinite(series.to_numpy(dtype=np.float64, na_value=np.nan))
    if finite.all():
        return _number_column(series.tolist())
    return _number_column(series[finite].tolist(), finite)


def _number_column(values: list[Any], present: np.ndarray | None = None) -> _Column:
    """Numbers written with ``repr`` (the shortest text of the same double; integers as
    they are); with ``present``, ``values`` fill the rows where it is True, in order."""
    texts = list(map(repr, values))
    width = max(map(len, texts), default=0)
    if present is not None:
        spread = np.full(len(present), None, dtype=object)
        spread[present] = texts
        texts = spread.tolist()
    return _Column(_NUMBER[0], texts, _NUMBER[1], width, gaps=present is not None)


def _text_column(values: list[str]) -> _Column:
    """Text, neutralised and escaped; the whole column is searched once for each rare
    case (a formula's first character, a character to escape, spaces at either end), so
    most columns need no work value by value."""
    joined = "\n" + "\n".join(values) + "\n"
    texts = list(map(neutralise_cell, values)) if may_start_a_formula(values) else values
    width = max(map(len, texts), default=0)
    escaped = list(map(_escape_one, texts)) if _needs_escape(joined) else texts
    gaps = "" in escaped
    if gaps:
        escaped = [text or None for text in escaped]
    preserve = any(edge in joined for edge in _EDGE_SPACE)
    return _Column(_text_opening(preserve), escaped, _TEXT_CLOSING, width, gaps)


def _mixed_column(values: list[Any]) -> _Column:
    """A column of mixed values (objects, booleans, numbers with gaps), value by value: each
    value is the rest of its cell."""
    bodies: list[str | None] = []
    width = 0
    for value in map(_plain, values):
        if isinstance(value, str):
            value = neutralise_cell(value) or None
        if value is None:
            bodies.append(None)
            continue
        if isinstance(value, bool):
            bodies.append(_BOOLEAN[value])
        elif isinstance(value, int | float):
            bodies.append(f"{_NUMBER[0]}{value!r}{_NUMBER[1]}")
        else:
            bodies.append(f"{_text_opening(True)}{_escape_one(value)}{_TEXT_CLOSING}")
        width = max(width, len(str(value)))
    return _Column("", bodies, "", width, gaps=True)


def _plain(value: Any) -> Any:
    """``value`` as a Python scalar (text other than str as str); None when missing or not
    finite."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value if isinstance(value, bool | int | float | str) else str(value)


def _escape(texts: list[str]) -> list[str]:
    """``texts`` escaped for XML element content (one search over them all first)."""
    return list(map(_escape_one, texts)) if _needs_escape("".join(texts)) else texts


def _needs_escape(text: str) -> bool:
    return _SPECIAL.search(text) is not None or ("_x" in text and
                                                 _NOT_XML.search(text) is not None)


def _escape_one(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _NOT_XML.sub(_ooxml_escape, text.replace("\r", "&#13;"))


def _ooxml_escape(match: re.Match[str]) -> str:
    return f"_x{ord(match.group()):04X}_"  # "_" itself becomes _x005F_


def _may_exceed_zip32(n_rows: int, columns: list[_Column]) -> bool:
    """Whether the sheet's XML could pass 4 GiB, which needs a ZIP64 entry: a bound from the
    longest value of each column (escaping makes a character at most 7 long, and a cell's
    markup is under 80 characters)."""
    per_row = 30 + sum(80 + 7 * column.width for column in columns)
    return n_rows * per_row > zipfile.ZIP64_LIMIT


def _content_types(n_sheets: int) -> str:
    sheets = "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                     f'ContentType="{_CONTENT}.worksheet+xml"/>'
                     for i in range(1, n_sheets + 1))
    return (f'{_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
            'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
            f'ContentType="{_CONTENT}.sheet.main+xml"/><Override PartName="/xl/styles.xml" '
            f'ContentType="{_CONTENT}.styles+xml"/>{sheets}</Types>')


def _workbook(titles: list[str]) -> str:
    sheets = "".join(f'<sheet name="{_attribute(title)}" sheetId="{i}" r:id="rId{i}"/>'
                     for i, title in enumerate(titles, start=1))
    return (f'{_DECLARATION}<workbook xmlns="{_MAIN}" xmlns:r="{_RELS}"><bookViews>'
            f'<workbookView activeTab="0"/></bookViews><sheets>{sheets}</sheets></workbook>')


def _workbook_rels(n_sheets: int) -> str:
    sheets = "".join(f'<Relationship Id="rId{i}" Type="{_RELS}/worksheet" '
                     f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, n_sheets + 1))
    return (f'{_DECLARATION}<Relationships xmlns="{_PACKAGE_RELS}">{sheets}'
            f'<Relationship Id="rId{n_sheets + 1}" Type="{_RELS}/styles" '
            f'Target="styles.xml"/></Relationships>')


def _attribute(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))
