"""Bounds on what a workbook may make the reader allocate, checked before calamine opens it.

calamine builds every sheet as a dense grid from A1 to the last filled cell, so a 5 kB xlsx
with one cell at XFD1048576 asks for 512 GB and aborts the whole program (a Rust
allocation failure is not an exception), and an ODS row of filled cells repeated 200,000
times does the same. A zip bomb (gigabytes of XML squeezed into kilobytes) is read whole.
So every XML part calamine may read is streamed once from the zip, without extracting
anything to disk: its real uncompressed size is capped, and in the sheets the extent of the
cells (row and column numbers of ``<c r="...">`` in xlsx; repeated rows and columns in ODS)
must fit in ``MAX_CELLS``. Nothing in the XML is interpreted beyond those numbers.

An xlsx sheet is read as calamine (quick-xml) reads it: a sheet is any part under
``xl/worksheets/`` (or chart or dialog sheets), whatever its name says and in any letter
case; a cell is an element whose local name is ``c`` (any prefix), placed by its ``r``
attribute (single or double quotes, spaces around ``=``, lower-case letters, the last of
several) or else after the cell before it. Sheets written the usual way (every cell's tag
``<c r="B7" ...>``, or ``<x:c r="B7" ...>`` throughout) are checked with one
regular-expression search per megabyte (50 ms for 25 MB of XML); any other sheet is walked
tag by tag (a second per 25 MB), as is an ODS file's content. The cells of binary (xlsb)
sheets are not measured: only their size is capped.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

MAX_ROWS = 1_048_576  # Excel's and LibreOffice's own limit
MAX_CELLS = 25_000_000  # rows x columns of one sheet's grid (about 1 GB once read)
MAX_SHEET_BYTES = 1 << 30  # uncompressed XML of one part
MAX_RATIO = 200  # uncompressed / compressed; real sheets are 5-15, zip bombs 1000
RATIO_FROM_BYTES = 16 << 20  # small members may compress better (empty styles)
_CHUNK = 1 << 20
MAX_TAG = 1 << 20  # a cell's tag with its attributes; real ones are under 200 bytes

_SHEET_FOLDERS = ("xl/worksheets/", "xl/chartsheets/", "xl/dialogsheets/")
_READ_PARTS = frozenset({  # the other parts calamine (and readers.py) read whole
    "[content_types].xml", "xl/workbook.xml", "xl/workbook.bin", "xl/sharedstrings.xml",
    "xl/sharedstrings.bin", "xl/styles.xml", "xl/styles.bin", "meta-inf/manifest.xml"})
_SPACE = rb" \t\r\n"  # quick-xml's whitespace

# the usual cell tag: r first, double quotes, single spaces, no second r
_USUAL_TAIL = rb'(?: (?!r=)[^' + _SPACE + rb'=/>"\']++="[^"]*+")*+/?>'
_PLAIN_CELL = re.compile(rb"<c[" + _SPACE + rb"/>]")
_PREFIXED_CELL = re.compile(rb":c[" + _SPACE + rb"/>]")
_NAME_END = re.compile(rb"[" + _SPACE + rb"/>:]")  # a prefix ends at its first ":"

# the constructs as quick-xml delimits them (quotes hide ">" inside a tag): text and other
# tags are passed over up to a comment, CDATA or processing instruction (skipped), a tag
# ``wanted`` names (or a "<!" or "<?" one not closed yet), a construct left open ("<"), or
# the end
_ATTRIBUTES = rb"(?:[^>\"']++|\"[^\"]*+\"|'[^']*+')*+"
_ATTRIBUTE = re.compile(rb"([^" + _SPACE + rb"=/>\"']+)[" + _SPACE + rb"]*=[" + _SPACE
                        + rb"]*(?:\"([^\"]*)\"|'([^']*)')")


def _tokens(wanted: bytes) -> re.Pattern[bytes]:
    return re.compile(
        rb"(?:[^<]++|<(?![!?]|" + wanted + rb")" + _ATTRIBUTES + rb">)*+"
        rb"(?:(?P<skip><!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>)"
        rb"|<(?P<closing>/?)(?P<name>[^" + _SPACE + rb"/>]*)(?P<attributes>" + _ATTRIBUTES
        + rb")>|(?P<open><)|\Z)", re.DOTALL)


_REFERENCE = re.compile(rb"([A-Za-z]*)([0-9]+)")


@dataclass(frozen=True)
class TooLarge:
    """Why a workbook is refused, in words for the user."""

    reason: str


def check_workbook_archive(archive: zipfile.ZipFile) -> TooLarge | None:
    """None when every part of ``archive`` (an xlsx/xlsm/xlsb or ODS zip) that is read
    when a sheet is opened is within bounds (pivot caches, media and macros are never
    read)."""
    names = {info.filename.lower() for info in archive.infolist()}
    binary_sheets = "xl/workbook.bin" in names and "xl/workbook.xml" not in names  # xlsb
    for info in archive.infolist():
        name = info.filename.lower()
        if name.startswith(_SHEET_FOLDERS) and not (binary_sheets and name.endswith(".bin")):
            found = _check_xlsx_sheet(archive, info)
        elif name == "content.xml":
            found = _check_member(archive, info, _OdsExtent())
        elif name in _READ_PARTS or name.endswith(".rels") or name.startswith(_SHEET_FOLDERS):
            found = _check_member(archive, info, None)
        else:
            continue
        if found is not None:
            return found
    return None


def _check_xlsx_sheet(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> TooLarge | None:
    try:
        return _check_member(archive, info, _UsualCells())
    except _Unproven:
        return _check_member(archive, info, _CellWalk())


class _Refused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = TooLarge(reason)


class _Unproven(Exception):
    """The sheet is not written the usual way: walk it tag by tag."""


def _check_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo,
                  extent: _Extent | None) -> TooLarge | None:
    """Stream the member (size and compression capped), feeding ``extent`` (None: size and
    compression only) the XML up to where its last construct is complete."""
    try:
        rest = b""
        for piece in _pieces(archive, info):
            if extent is None:
                continue
            data = rest + piece
            rest = data[extent.feed(data, final=False):]
            if len(rest) > MAX_TAG:
                raise _Refused(f"a sheet holds an XML tag longer than {MAX_TAG >> 20} MB")
            extent.check()
        if extent is not None and rest:
            extent.feed(rest, final=True)
            extent.check()
    except _Refused as refused:
        return refused.reason
    return None


def _pieces(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    size = 0
    with archive.open(info) as stream:
        while piece := stream.read(_CHUNK):
            size += len(piece)
            if size > MAX_SHEET_BYTES:
                raise _Refused(f"a part of it holds more than {MAX_SHEET_BYTES >> 20} MB of data")
            if size > RATIO_FROM_BYTES and size > MAX_RATIO * max(info.compress_size, 1):
                raise _Refused("a part of it is compressed more than any real spreadsheet is "
                               "(the file looks built to exhaust memory, a 'zip bomb')")
            yield piece


def _complete(data: bytes) -> int:
    """Length of the part of ``data`` that does not end inside a tag (a tag left open at
    the end is carried to the next piece)."""
    cut = data.rfind(b"<")
    return len(data) if cut < 0 or data.find(b">", cut) >= 0 else cut


class _Extent:
    """The last row and column holding a cell, fed the XML piece by piece."""

    def __init__(self) -> None:
        self.rows = 0
        self.columns = 0

    def feed(self, data: bytes, final: bool) -> int:
        """Read the complete constructs at the start of ``data`` (all of it when
        ``final``); returns how many bytes were read."""
        raise NotImplementedError

    def check(self) -> None:
        if self.rows > MAX_ROWS or self.rows * self.columns > MAX_CELLS:
            raise _Refused(f"a sheet reaches row {self.rows:,} and column {self.columns:,}, "
                           f"more than this program reads (at most {MAX_ROWS:,} rows and "
                           f"{MAX_CELLS:,} cells)")


class _UsualCells(_Extent):
    """Cells written ``<c r="B7" ...>`` (r first, double quotes, no second r), as Excel,
    LibreOffice and the Python writers write them, or all with the same prefix
    (``<x:c r="B7">``, as .NET programs write them). Each piece is searched once for a cell
    tag written otherwise or lying beyond the extent so far, taken to the last cell of the
    piece (rows come in order); only when one is found are the piece's references read to
    widen the extent, and if a cell still lies beyond it the sheet is not of the usual
    kind (``_Unproven``)."""

    def __init__(self) -> None:
        super().__init__()
        self._opening = b""  # b"<c" or b"<x:c", as the sheet's first cell tag opens

    def feed(self, data: bytes, final: bool) -> int:
        end = len(data) if final else _complete(data)
        self._opening = self._opening or _first_cell_opening(data, end)
        if not self._opening:
            return end
        usual = _usual_reference(self._opening)
        last = usual.match(data, max(data.rfind(self._opening + b' r="', 0, end), 0), end)
        if last:
            self._widen([last.groups()])
        if not self._all_within(data, end):
            self._widen(usual.findall(data, 0, end))
            if not self._all_within(data, end):
                raise _Unproven
        return end

    def _widen(self, references: list[tuple[bytes, bytes]]) -> None:
        """Take the extent to (letters, digits) ``references``."""
        rows = {digits for _, digits in references}
        columns = {letters for letters, _ in references}
        self.rows = max(self.rows, max(map(int, rows), default=0))
        self.columns = max(self.columns, max(map(_column_number, columns), default=0))

    def _all_within(self, data: bytes, end: int) -> bool:
        beyond = _unusual_or_beyond(self._opening, self.rows, self.columns)
        return beyond.search(data, 0, end) is None and not _other_cell(data, end,
                                                                         self._opening)


def _first_cell_opening(data: bytes, end: int) -> bytes:
    """How the first cell tag in ``data[:end]`` opens, b"<c" or b"<x:c" (b"": none)."""
    plain = _PLAIN_CELL.search(data, 0, end)
    prefixed = next(_prefixed_cells(data, end, _PREFIXED_CELL), None)
    if prefixed is not None and (plain is None or prefixed < plain.start()):
        return data[prefixed:data.index(b":c", prefixed) + 2]
    return b"<c" if plain else b""


def _other_cell(data: bytes, end: int, opening: bytes) -> bool:
    """A cell tag in ``data[:end]`` that does not open with ``opening``."""
    if opening == b"<c":
        return next(_prefixed_cells(data, end, _PREFIXED_CELL), None) is not None
    return _PLAIN_CELL.search(data, 0, end) is not None or next(
        _prefixed_cells(data, end, _other_prefix(opening)), None) is not None


def _prefixed_cells(data: bytes, end: int, pattern: re.Pattern[bytes]) -> Iterator[int]:
    """Where the tags named ``<x:c ...>`` start, among the hits of ``pattern`` (a ":c"
    that is not in a tag's name is passed over)."""
    for found in pattern.finditer(data, 0, end):
        opening = data.rfind(b"<", 0, found.start())
        if opening >= 0 and not _NAME_END.search(data, opening + 1, found.start()):
            yield opening


@lru_cache(maxsize=8)
def _other_prefix(opening: bytes) -> re.Pattern[bytes]:
    """A ":c" that is not in ``opening`` or the end tag it asks for."""
    end_tag = b"</" + opening[1:]
    return re.compile(rb":c(?<!" + re.escape(opening) + rb")(?<!" + re.escape(end_tag) + rb")["
                      + _SPACE + rb"/>]")


@lru_cache(maxsize=8)
def _usual_reference(opening: bytes) -> re.Pattern[bytes]:
    return re.compile(re.escape(opening) + rb' r="([A-Z]{1,3})([1-9][0-9]{0,6})"')


@lru_cache(maxsize=64)
def _unusual_or_beyond(opening: bytes, rows: int, columns: int) -> re.Pattern[bytes]:
    """A cell tag opening with ``opening`` not followed by `` r="B7"`` (a reference
    within ``rows`` and ``columns``) and other attributes than r."""
    within = _at_most(_column_letters(columns), b"A", b"Z") + _at_most(
        str(rows).encode(), b"0", b"9") if rows and columns else rb"(?!)"
    return re.compile(re.escape(opening) + rb"(?=[" + _SPACE + rb"/>])(?! r=\"" + within
                      + rb'"' + _USUAL_TAIL + rb")")


def _at_most(limit: bytes, low: bytes, high: bytes) -> bytes:
    """A regular expression for the strings over ``low``-``high`` (no leading ``low`` when
    ``low`` is "0") that sort no later than ``limit`` (shorter first, then in order)."""
    first = bytes([low[0] + 1]) if low == b"0" else low
    shorter = [b"[%s-%s][%s-%s]{0,%d}+" % (first, high, low, high, len(limit) - 2)] \
        if len(limit) > 1 else []
    same = [limit]
    for i, digit in enumerate(limit):
        smallest = first[0] if i == 0 else low[0]
        if digit > smallest:
            same.append(limit[:i] + b"[%s-%s]" % (bytes([smallest]), bytes([digit - 1]))
                        + b"[%s-%s]{%d}" % (low, high, len(limit) - i - 1))
    return b"(?:" + b"|".join(shorter + same) + b")"


class _TagWalk(_Extent):
    """Every tag ``TOKENS`` wants, in order, as quick-xml reads them; comments, CDATA and
    processing instructions are skipped, and a document type declaration (which could hide
    tags in ways readers disagree on) is refused."""

    TOKENS: re.Pattern[bytes]

    def feed(self, data: bytes, final: bool) -> int:
        for token in self.TOKENS.finditer(data):
            name = token["name"]
            if name is None:
                if token["open"] is not None and not final:
                    return token.start("open")
            elif name[:1] not in (b"!", b"?"):
                self._tag(name, token["closing"] == b"/", token["attributes"])
            elif name.startswith((b"!--", b"![CDATA[", b"?")):  # not closed in this piece
                return len(data) if final else token.start("closing") - 1
            else:
                raise _Refused("a sheet holds XML that spreadsheet programs never write (a "
                               "document type declaration)")
        return len(data)

    def _tag(self, name: bytes, closing: bool, attributes: bytes) -> None:
        raise NotImplementedError


class _CellWalk(_TagWalk):
    """xlsx rows and cells as calamine places them: a row's ``r`` sets the row, its end
    moves to the next row and back to column A; a cell is placed by its ``r`` or, without
    one, after the cell before it. A name's prefix ends at its first ":" (``<a:b:c>`` is
    not a cell). Where a cell has several ``r``, the furthest is taken."""

    TOKENS = _tokens(rb"(?:[^" + _SPACE + rb"/>:]*+:)?c[" + _SPACE + rb"/>]"
                     rb"|/?(?:[^" + _SPACE + rb"/>:]*+:)?row[" + _SPACE + rb"/>]")

    def __init__(self) -> None:
        super().__init__()
        self._row = 1  # where a cell without r goes
        self._next_column = 1

    def _tag(self, name: bytes, closing: bool, attributes: bytes) -> None:
        if name.endswith(b"c"):
            if not closing:
                self._cell(attributes)
            return
        if not closing:
            self._row = max((row for row, _ in _references(attributes)), default=self._row)
        if closing or attributes.endswith(b"/"):
            self._row += 1
            self._next_column = 1

    def _cell(self, attributes: bytes) -> None:
        placed = [(row, column) for row, column in _references(attributes) if column]
        if placed:
            row, column = max(r for r, _ in placed), max(c for _, c in placed)
        else:
            row, column = self._row, self._next_column
        if row > self.rows:
            self.rows = row
        if column > self.columns:
            self.columns = column
        self._next_column = column + 1


def _references(attributes: bytes) -> list[tuple[int, int]]:
    """(row, column) of every ``r`` attribute calamine can read (column 0: none given)."""
    found = []
    for value in _values(attributes, b"r"):
        reference = _REFERENCE.fullmatch(value)
        if reference and int(reference[2]) > 0:
            found.append((int(reference[2]), _column_number(reference[1].upper())))
    return found


def _values(attributes: bytes, key: bytes) -> list[bytes]:
    """The values of every attribute named ``key``."""
    return [double or single for name, double, single in _ATTRIBUTE.findall(attributes)
            if name == key]


class _OdsExtent(_TagWalk):
    """ODS rows and cells as calamine counts them: repeated rows
    (``table:number-rows-repeated``) and cells (``table:number-columns-repeated``) up to
    the last filled cell (one with a value, a value type or a formula: calamine reads
    ``office:value``, ``office:string-value``... and ``table:formula``; LibreOffice repeats
    empty cells to the sheet's end), each sheet from its first row."""

    TOKENS = _tokens(rb"table:(?:table-row|table-cell|covered-table-cell|table)[" + _SPACE
                     + rb"/>]|/table:table[" + _SPACE + rb">]")

    def __init__(self) -> None:
        super().__init__()
        self._depth = 0  # of tables (one inside a cell counts with the sheet around it)
        self._row_end = 0  # the last row of the current row's repeats
        self._column = 0

    def _tag(self, name: bytes, closing: bool, attributes: bytes) -> None:
        if name == b"table:table":
            if not closing and self._depth == 0:
                self._row_end = 0
            self._depth += -1 if closing else 0 if attributes.endswith(b"/") else 1
        elif name == b"table:table-row":
            self._row_end += _repeat(attributes, b"table:number-rows-repeated")
            self._column = 0
        else:  # a cell; filled if it may have a value (an office: attribute) or a formula
            self._column += _repeat(attributes, b"table:number-columns-repeated")
            if b"office:" in attributes or b"table:formula" in attributes:
                self.rows = max(self.rows, self._row_end)
                self.columns = max(self.columns, self._column)


def _repeat(attributes: bytes, key: bytes) -> int:
    """The largest repeat count given as ``key`` (1: none a reader can read)."""
    if key not in attributes:
        return 1
    return max((int(value) for value in _values(attributes, key) if value.isdigit()),
               default=1)


def _column_number(letters: bytes) -> int:
    """A=1, Z=26, AA=27, XFD=16384."""
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _column_letters(number: int) -> bytes:
    """1=A, 26=Z, 27=AA."""
    letters = b""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = bytes([65 + rest]) + letters
    return letters
