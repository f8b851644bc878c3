"""Bounds on what a workbook may make the reader allocate, checked before calamine opens it.

calamine builds every sheet as a dense grid from A1 to the last filled cell, so a 5 kB xlsx
with one cell at XFD1048576 asks for 512 GB and aborts the whole program (a Rust
allocation failure is not an exception), and an ODS row of filled cells repeated 200,000
times does the same. A zip bomb (gigabytes of XML squeezed into kilobytes) is read whole.
So the sheets' XML is streamed once from the zip, without extracting anything to disk:
its real uncompressed size is capped, and the extent of the filled cells (row and column
numbers of ``<c r="...">`` in xlsx; repeated rows and columns in ODS) must fit in
``MAX_CELLS``. Nothing in the XML is interpreted beyond those numbers.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

MAX_ROWS = 1_048_576  # Excel's and LibreOffice's own limit
MAX_CELLS = 25_000_000  # rows x columns of one sheet's grid (about 1 GB once read)
MAX_SHEET_BYTES = 1 << 30  # uncompressed XML of one sheet
MAX_RATIO = 200  # uncompressed / compressed; real sheets are 5-15, zip bombs 1000
RATIO_FROM_BYTES = 16 << 20  # small members may compress better (empty styles)
_CHUNK = 1 << 20
MAX_TAG = 1 << 20  # a cell's tag with its attributes; real ones are under 200 bytes

_XLSX_TAG = re.compile(rb"<(row|c)\b([^>]*)>")
_REFERENCE = re.compile(rb'\br="([A-Z]*)(\d*)"')
_CELL = re.compile(rb"<c[\s/>]")
_CELL_ROW = re.compile(rb'<c\b[^>]*?\br="[A-Z]+(\d+)"')
_CELL_COLUMN = re.compile(rb'<c\b[^>]*?\br="([A-Z]+)\d')
_ODS_TAG = re.compile(rb"<table:(table-row|table-cell|covered-table-cell|table)\b([^>]*)>")
_ROWS_REPEATED = re.compile(rb'table:number-rows-repeated="(\d+)"')
_COLUMNS_REPEATED = re.compile(rb'table:number-columns-repeated="(\d+)"')
_VALUE = re.compile(rb"office:value-type=")


@dataclass(frozen=True)
class TooLarge:
    """Why a workbook is refused, in words for the user."""

    reason: str


def check_workbook_archive(archive: zipfile.ZipFile) -> TooLarge | None:
    """None when every sheet of ``archive`` (an xlsx/xlsm or ODS zip) is within bounds."""
    for info in archive.infolist():
        name = info.filename
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            found = _check_member(archive, info, _XlsxExtent)
        elif name == "content.xml":
            found = _check_member(archive, info, _OdsExtent)
        else:
            continue
        if found is not None:
            return found
    return None


def _check_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo,
                  extent: type[_Extent]) -> TooLarge | None:
    try:
        return _scan_member(archive, info, extent())
    except _TagTooLong:
        return TooLarge(f"a sheet holds an XML tag longer than {MAX_TAG >> 20} MB")


def _scan_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo,
                 counter: _Extent) -> TooLarge | None:
    size = 0
    for chunk in _tags(archive, info):
        size += len(chunk)
        if size > MAX_SHEET_BYTES:
            return TooLarge(f"a sheet holds more than {MAX_SHEET_BYTES >> 20} MB of data")
        if size > RATIO_FROM_BYTES and size > MAX_RATIO * max(info.compress_size, 1):
            return TooLarge("a sheet is compressed more than any real spreadsheet is (the "
                            "file looks built to exhaust memory, a 'zip bomb')")
        counter.feed(chunk)
        if counter.rows > MAX_ROWS or counter.rows * counter.columns > MAX_CELLS:
            return TooLarge(f"a sheet reaches row {counter.rows:,} and column "
                            f"{counter.columns:,}, more than this program reads (at most "
                            f"{MAX_ROWS:,} rows and {MAX_CELLS:,} cells)")
    return None


def _tags(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The member's bytes in pieces that never end inside a tag (a tag left open at the end
    of a piece is carried to the next); a tag longer than ``MAX_TAG`` is refused."""
    rest = b""
    with archive.open(info) as stream:
        while chunk := stream.read(_CHUNK):
            data = rest + chunk
            cut = data.rfind(b"<")
            if cut < 0 or data.find(b">", cut) >= 0:  # the last tag is complete
                cut = len(data)
            if len(data) - cut > MAX_TAG:
                raise _TagTooLong
            rest = data[cut:]
            yield data[:cut]
    if rest:
        yield rest


class _TagTooLong(Exception):
    """A tag (its attributes) longer than any real sheet writes."""


class _Extent:
    """The last row and column holding a cell, fed the XML piece by piece."""

    def __init__(self) -> None:
        self.rows = 0
        self.columns = 0

    def feed(self, data: bytes) -> None:
        raise NotImplementedError


class _XlsxExtent(_Extent):
    """Cells ``<c r="XFD12">`` (rows without cells do not count); a row or cell without
    ``r`` follows the one before it."""

    def __init__(self) -> None:
        super().__init__()
        self._row = 0
        self._column = 0

    def feed(self, data: bytes) -> None:
        rows = _CELL_ROW.findall(data)
        if len(rows) == len(_CELL.findall(data)):  # every cell says where it is: fast path
            columns = set(_CELL_COLUMN.findall(data))
            self.rows = max(self.rows, *map(int, set(rows)), 0)
            self.columns = max(self.columns, *map(_column_number, columns), 0)
            self._row = int(rows[-1]) if rows else self._row
            return
        self._walk(data)

    def _walk(self, data: bytes) -> None:
        for match in _XLSX_TAG.finditer(data):
            tag, attributes = match.groups()
            reference = _REFERENCE.search(attributes)
            letters, digits = reference.groups() if reference else (b"", b"")
            if tag == b"row":
                self._row = int(digits) if digits else self._row + 1
                self._column = 0
                continue
            self._column = _column_number(letters) if letters else self._column + 1
            self._row = int(digits) if digits else self._row
            self.rows = max(self.rows, self._row)
            self.columns = max(self.columns, self._column)


class _OdsExtent(_Extent):
    """Rows and cells with ``number-rows-repeated``/``number-columns-repeated``: only the
    repeats of filled cells count (LibreOffice repeats empty ones to the sheet's end)."""

    def __init__(self) -> None:
        super().__init__()
        self._row_start = 0
        self._row_repeat = 1
        self._column = 0

    def feed(self, data: bytes) -> None:
        for match in _ODS_TAG.finditer(data):
            tag, attributes = match.groups()
            if tag == b"table":
                self._row_start, self._row_repeat = 0, 1
            elif tag == b"table-row":
                self._row_start += self._row_repeat
                self._row_repeat = _repeat(_ROWS_REPEATED, attributes)
                self._column = 0
            else:
                self._column += _repeat(_COLUMNS_REPEATED, attributes)
                if _VALUE.search(attributes):
                    self.rows = max(self.rows, self._row_start + self._row_repeat)
                    self.columns = max(self.columns, self._column)


def _repeat(pattern: re.Pattern[bytes], attributes: bytes) -> int:
    found = pattern.search(attributes)
    return int(found.group(1)) if found else 1


def _column_number(letters: bytes) -> int:
    """A=1, Z=26, AA=27, XFD=16384."""
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number
