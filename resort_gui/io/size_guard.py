"""Bounds on what a legacy workbook (.xls), a binary workbook (.xlsb) or an SPSS or Stata
data file may make its reader allocate, read from the file's own numbers before the reader
opens it (``zip_guard`` does the same for the XML of xlsx/xlsm/ods).

What the readers do with a hostile file (calamine 0.37 in python-calamine 0.9.1, pyreadstat
1.3.7; measured in a child process with a 3-4 GB address-space limit):

* xls: calamine reads every sheet when the workbook is opened and builds each as a dense
  grid (32 bytes a cell) from its first to its last cell, after reserving 40 bytes a cell
  for the extent the sheet's DIMENSIONS record declares. A 5 kB file with a cell at row
  65,536, column 65,536 asks for 137 GB; a DIMENSIONS record reaching row 2^32, or ending
  before it starts, for 343 GB: the allocation fails and the whole program aborts. The
  format's own largest sheet (65,536 x 256, 16.7 M cells) is survivable: 1.2 GB and 3-4 s
  through ``read_table``. In the OLE2 container calamine itself refuses a block beyond
  the file's end and reserves nothing for the sizes the header or directory declare
  (4-16 GB declared: no effect), but follows a chain of blocks that loops (the directory's,
  the DIFAT's, or a stream's whose declared length the loop never reaches) until memory
  runs out (2 GB, then the abort). The shared-string count is harmless.
* xlsb: calamine reads rows up to 1,048,576 but columns up to 2^32 (one cell at column
  4,294,967,280 aborts it); BrtWsDim reserves at most 100,000 cells.
* SPSS (.sav, .zsav) and Stata (.dta): pyreadstat sets aside one array per variable as long
  as the header's number of cases (observations), and fills it, before reading any case:
  a 592-byte .sav declaring 1,000,000,000 cases takes 7.9 GB before failing. A .sav that
  does not say how many cases it holds gets 100,000 per variable (a 126 kB file with 2,000
  variables takes 1.6 GB).

So, before the reader runs: an xls file's container is followed as calamine follows it
(no chain may loop or name a block beyond the file, nor the DIFAT list more blocks than the
file has), and the cells of all its sheets together (calamine holds them all at once) and
every DIMENSIONS record must fit in ``MAX_CELLS``; an xlsb file's sheets (the parts its
workbook lists) must keep their cells within ``MAX_ROWS`` rows and ``MAX_CELLS`` cells; an
SPSS or Stata file's cases times variables (when it does not say, the most cases its data
can hold, 100,000 at least) must fit in ``MAX_CELLS``, and its data must be at least as long
as its header says. Cells are counted as zip_guard counts them: from A1 to the furthest
cell record a reader may place (blank cells too), whatever order the records come in; a
very long SPSS text (over 255 characters) counts as one variable a 252 characters.
Walking the records costs 0.3 s a million cells (xls) and 0.5 s (xlsb).
"""

from __future__ import annotations

import os
import re
import struct
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np

from resort_gui.domain.errors import InputError
from resort_gui.io.zip_guard import MAX_CELLS, MAX_ROWS, TooLarge

_CHUNK = 1 << 20


class _Damaged(Exception):
    """The file contradicts itself where its reader would allocate without bound (or
    fail); the message says how, in words for the user."""


class _Refused(Exception):
    """The file asks for more than this program reads; the message says what, in words for
    the user."""


def _thousands(number: int) -> str:
    return f"{number:,}"


# --- xls: the OLE2 container ---------------------------------------------------------------

_HEADER = struct.Struct("<8s18xH2xHH6xIII8xIIII")  # up to the first DIFAT entry (76 bytes)
_SECTOR_SIZES = {9: 512, 12: 4096}
_END_OF_CHAIN = 0xFFFF_FFFE
_RESERVED = 0xFFFF_FFFA  # numbers from here on name no sector
_DIFSECT = 0xFFFF_FFFC
_MINI_SECTOR = 64
_MINI_CUTOFF = 4096  # smaller streams live in the mini stream


def check_legacy_workbook(path: Path, data: bytes) -> None:
    """Raise ``InputError`` when calamine, opening the OLE2 workbook ``data`` (the bytes of
    ``path``), would allocate more than the file can back or build more than ``MAX_CELLS``
    cells; silent when the file is not one calamine can open (it says so itself)."""
    try:
        stream = _workbook_stream(memoryview(data))
        if stream is not None:
            _check_biff(stream)
    except _Damaged as damaged:
        raise InputError("damaged_file",
                         f"{path.name}: the workbook is damaged ({damaged}). Open it in Excel "
                         "or LibreOffice and save a copy as .xlsx.") from None
    except _Refused as refused:
        raise InputError("workbook_too_large",
                         f"{path.name}: the workbook was not opened because {refused}. Copy "
                         "the table into a new workbook (or save it as .csv) and open that."
                         ) from None


@dataclass(frozen=True)
class _Sectors:
    """Blocks of ``size`` bytes of ``data``, read as calamine reads them: block n at
    ``n * size``, the last one possibly short."""

    data: memoryview
    size: int

    @property
    def count(self) -> int:
        return -(-len(self.data) // self.size)

    def get(self, number: int) -> memoryview:
        if number >= self.count:  # calamine would grow its buffer up to the block
            raise _Damaged(f"it points past its own end, to block {_thousands(number)} of "
                           f"{_thousands(self.count)}")
        return self.data[number * self.size:(number + 1) * self.size]

    def chain(self, start: int, table: np.ndarray, length: int) -> bytes:
        """The blocks from ``start`` on, each followed by ``table``, up to ``length``
        bytes (0: to the chain's end). calamine follows a loop until its memory runs
        out."""
        pieces, seen, number, collected = [], set(), start, 0
        while number != _END_OF_CHAIN and not 0 < length <= collected:
            if number in seen:
                raise _Damaged("its table of contents goes round in a loop")
            seen.add(number)
            pieces.append(self.get(number))
            collected += len(pieces[-1])
            if number >= len(table):
                raise _Damaged("its table of contents is cut short")
            number = int(table[number])
        joined = b"".join(pieces)
        return joined[:length] if length else joined


def _table(data: bytes | memoryview) -> np.ndarray:
    """Little-endian 32-bit numbers (a trailing part of one is dropped)."""
    return np.frombuffer(data, dtype="<u4", count=len(data) // 4)


@dataclass(frozen=True)
class _Header:
    version: int
    sector_size: int
    directory_sectors: int
    directory_start: int
    mini_fat_start: int
    mini_fat_sectors: int
    difat_start: int


def _header(data: memoryview) -> _Header | None:
    if len(data) < 512:
        return None
    (magic, version, shift, mini_shift, directory_sectors, _, directory_start,
     mini_fat_start, mini_fat_sectors, difat_start, _) = _HEADER.unpack_from(data)
    size = _SECTOR_SIZES.get(shift)
    if magic != b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or size is None or mini_shift != 6 \
            or len(data) < size:
        return None  # calamine refuses the file itself
    return _Header(version, size, directory_sectors, directory_start, mini_fat_start,
                   mini_fat_sectors, difat_start)


def _workbook_stream(data: memoryview) -> bytes | None:
    """The Workbook (or Book) stream as calamine's reader of the container assembles it;
    None when calamine cannot open the container (it says so itself)."""
    header = _header(data)
    if header is None:
        return None
    size = header.sector_size
    sectors = _Sectors(data[size:], size)
    fat = _fat(sectors, data, header)
    entries = _directory(sectors.chain(header.directory_start, fat,
                                       header.directory_sectors * size), size)
    if not entries or (header.version != 3 and entries[0][1] == _END_OF_CHAIN):
        return None
    mini = _mini_sectors(sectors, fat, header, entries[0])
    found = next((e for name in ("Workbook", "Book") for e in entries if e[0] == name), None)
    if found is None:
        return None
    _, start, length = found
    if length < _MINI_CUTOFF:
        return mini[0].chain(start, mini[1], length)
    return sectors.chain(start, fat, length)


def _fat(sectors: _Sectors, data: memoryview, header: _Header) -> np.ndarray:
    """The file allocation table: the blocks the DIFAT names (109 in the header, the rest
    in a chain of blocks whose last entry names the next)."""
    difat = list(_table(data[76:512]))
    number, seen = header.difat_start, set()
    while number < _RESERVED:
        if number in seen:
            raise _Damaged("its table of contents goes round in a loop")
        seen.add(number)
        difat.extend(_table(sectors.get(number)))
        number = int(difat.pop())
    fat_blocks = [int(n) for n in difat if n < _DIFSECT]
    if len(fat_blocks) > sectors.count:
        raise _Damaged(f"its table of contents takes {_thousands(len(fat_blocks))} blocks of "
                       f"a file of {_thousands(sectors.count)}")
    return _table(b"".join(sectors.get(n) for n in fat_blocks))


def _directory(data: bytes, sector_size: int) -> list[tuple[str, int, int]]:
    """(name, first block, length) of each 128-byte directory entry."""
    if len(data) % 128:
        raise _Damaged("its directory is cut short")
    entries = []
    for at in range(0, len(data), 128):
        name = data[at:at + 64].decode("utf-16-le", errors="replace").split("\x00")[0]
        start, length = struct.unpack_from("<II" if sector_size == 512 else "<IQ",
                                           data, at + 116)
        entries.append((name, start, length))
    return entries


def _mini_sectors(sectors: _Sectors, fat: np.ndarray, header: _Header,
                  root: tuple[str, int, int]) -> tuple[_Sectors, np.ndarray]:
    """The mini stream (64-byte blocks, held by the root entry) and its table."""
    if header.mini_fat_sectors == 0:
        return _Sectors(memoryview(b""), _MINI_SECTOR), _table(b"")
    stream = sectors.chain(root[1], fat, root[2])
    table = sectors.chain(header.mini_fat_start, fat,
                          header.mini_fat_sectors * header.sector_size)
    return _Sectors(memoryview(stream), _MINI_SECTOR), _table(table)


# --- xls: the cells (BIFF records) --------------------------------------------------------

_BOUND_SHEET, _FILE_PASS, _END, _CONTINUE, _DIMENSIONS = 0x0085, 0x002F, 0x000A, 0x003C, 0x0200
_SINGLE_CELLS = frozenset({0x0006, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x00D6,
                           0x0406})  # formula, blank, number, label, bool, RK, shared string
_MULTIPLE_CELLS = {0x00BD: 6, 0x00BE: 2}  # MulRk, MulBlank: bytes a cell


@dataclass
class _Extent:
    """The last row and column holding a cell, counted from 1."""

    rows: int = 0
    columns: int = 0

    @property
    def cells(self) -> int:
        return self.rows * self.columns

    def check(self) -> None:
        if self.rows > MAX_ROWS or self.cells > MAX_CELLS:
            raise _Refused(f"a sheet reaches row {_thousands(self.rows)} and column "
                           f"{_thousands(self.columns)}, more than this program reads (at "
                           f"most {_thousands(MAX_ROWS)} rows and {_thousands(MAX_CELLS)} "
                           "cells)")


def _biff_records(stream: bytes, start: int) -> Iterator[tuple[int, int, int]]:
    """(type, where its data starts, its size) of each record from ``start``, as calamine
    reads them: a CONTINUE record belongs to the record before it; a record cut short ends
    the stream (calamine stops there with an error)."""
    end, at = len(stream), start
    while at + 4 <= end:
        kind, size = struct.unpack_from("<HH", stream, at)
        data = at + 4
        at = data + size
        if at > end:
            return
        while at + 4 < end and stream[at] == _CONTINUE and stream[at + 1] == 0:
            at += 4 + struct.unpack_from("<H", stream, at + 2)[0]
            if at > end:
                return
        yield kind, data, size


def _check_biff(stream: bytes) -> None:
    """Raise ``_Refused`` when calamine would build too many cells from the BIFF
    ``stream``. Every sheet is built when the workbook opens, so the sheets count
    together (a sheet listed twice, twice)."""
    extents: dict[int, _Extent] = {}
    total = 0
    for start in _sheet_starts(stream):
        if start > len(stream):
            raise _Damaged("a sheet starts beyond the end of the workbook's data")
        if start not in extents:
            extents[start] = _sheet_extent(stream, start)
            extents[start].check()
        total += extents[start].cells
        if total > MAX_CELLS:
            raise _Refused(f"its sheets reach {_thousands(total)} cells in all (every sheet "
                           f"of an .xls file is read at once), more than this program reads "
                           f"(at most {_thousands(MAX_CELLS)} cells)")


def _sheet_starts(stream: bytes) -> list[int]:
    """Where each sheet's records start (BoundSheet8 records before the first EOF); none
    when the workbook is encrypted (calamine refuses it)."""
    starts = []
    for kind, at, size in _biff_records(stream, 0):
        if kind == _END:
            break
        if kind == _FILE_PASS and size >= 2 and struct.unpack_from("<H", stream, at)[0]:
            return []
        if kind == _BOUND_SHEET and size >= 6:
            starts.append(struct.unpack_from("<I", stream, at)[0])
    return starts


def _sheet_extent(stream: bytes, start: int) -> _Extent:
    """The extent of the cells of the sheet whose records start at ``start`` (a cell
    record starts with its row and column, a MulRk or MulBlank ends with its last column);
    raises ``_Refused`` when a DIMENSIONS record declares too many cells."""
    rows = columns = 0
    for kind, at, size in _biff_records(stream, start):
        if kind in _SINGLE_CELLS and size >= 4:
            row, column = struct.unpack_from("<HH", stream, at)
        elif kind in _MULTIPLE_CELLS and size >= 6:
            row, first = struct.unpack_from("<HH", stream, at)
            last = struct.unpack_from("<H", stream, at + size - 2)[0]
            column = max(last, first + (size - 6) // _MULTIPLE_CELLS[kind] - 1)
        elif kind == _DIMENSIONS:
            _check_dimensions(stream[at:at + size])
            continue
        elif kind == _END:
            break
        else:
            continue
        if row >= rows:  # comparisons, not max(): 0.2 s less a million cells
            rows = row + 1
        if column >= columns:
            columns = column + 1
    return _Extent(rows, columns)


def _check_dimensions(data: bytes) -> None:
    """calamine reserves room for the cells a DIMENSIONS record declares, in 32-bit
    arithmetic (a range that ends before it starts wraps round to billions)."""
    if len(data) == 10:
        first_row, end_row, first_column, end_column = struct.unpack_from("<HHHH", data)
    elif len(data) == 14:
        first_row, end_row, first_column, end_column = struct.unpack_from("<IIHH", data)
    else:
        return  # calamine refuses the record
    rows = columns = 1
    if end_row >= 1 and end_column >= 1:
        rows = (end_row - 1 - first_row + 1) % (1 << 32)
        columns = (end_column - 1 - first_column + 1) % (1 << 32)
    if rows * columns > MAX_CELLS:
        raise _Refused(f"a sheet declares {_thousands(rows)} rows and {_thousands(columns)} "
                       f"columns, more than this program reads (at most "
                       f"{_thousands(MAX_CELLS)} cells)")


# --- xlsb -----------------------------------------------------------------------------------

_BUNDLE_SHEET, _END_BUNDLE_SHEETS, _ROW_HEADER = 0x009C, 0x0090, 0x0000
_CELL_KEEP = {_ROW_HEADER: 4, **dict.fromkeys((*range(0x01, 0x0C), 0x3E), 4)}  # the row;
# a cell's column (blank, RK, error, bool, real, text, shared text, formulas, rich text)
_BOOK_KEEP = {_BUNDLE_SHEET: -1, _END_BUNDLE_SHEETS: 0}
_RELATIONSHIP = re.compile(rb"<Relationship[\s/>][^>]*>")
_ATTRIBUTE = re.compile(rb"([^\s=/>\"']+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")


def check_binary_sheets(archive: zipfile.ZipFile) -> TooLarge | None:
    """None unless the cells of a sheet of the xlsb ``archive`` (the parts its workbook
    lists, found as calamine finds them) reach beyond ``MAX_ROWS`` rows or ``MAX_CELLS``
    cells; None for a zip without ``xl/workbook.bin``. A name the zip holds twice is
    checked in every copy, whichever one a reader takes."""
    try:
        for part in _binary_sheet_parts(archive):
            with archive.open(part) as stream:
                _binary_sheet_extent(stream).check()
    except _Refused as refused:
        return TooLarge(str(refused))
    return None


def _copies(archive: zipfile.ZipFile, name: str) -> list[zipfile.ZipInfo]:
    return [info for info in archive.infolist() if info.filename == name]


def _binary_sheet_parts(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """``xl/<target>`` of each sheet xl/workbook.bin lists, the target found by its
    relationship id in xl/_rels/workbook.bin.rels (every target given an id, should
    readers disagree on which one counts)."""
    targets: dict[str, set[str]] = {}
    for rels in _copies(archive, "xl/_rels/workbook.bin.rels"):
        for key, found in _relationship_targets(archive.read(rels)).items():
            targets.setdefault(key, set()).update(found)
    ids = []
    for book in _copies(archive, "xl/workbook.bin"):
        with archive.open(book) as stream:
            for kind, data in _binary_records(stream, _BOOK_KEEP):
                if kind == _END_BUNDLE_SHEETS:
                    break
                ids.append(_relationship_id(data))
    sheets = {f"xl/{target}" for found in ids for target in targets.get(found, ())}
    return [info for info in archive.infolist() if info.filename in sheets]


def _relationship_targets(rels: bytes) -> dict[str, set[str]]:
    """Target of each relationship Id, as written (calamine does not unescape them)."""
    targets: dict[str, set[str]] = {}
    for tag in _RELATIONSHIP.findall(rels):
        values = {key: double or single for key, double, single in _ATTRIBUTE.findall(tag)}
        if b"Id" in values and b"Target" in values:
            targets.setdefault(values[b"Id"].decode("utf-8", errors="replace"), set()).add(
                values[b"Target"].decode("utf-8", errors="replace"))
    return targets


def _relationship_id(bundle: bytes) -> str:
    """The relationship id of a BrtBundleSh record (after its state and tab id)."""
    if len(bundle) < 12:
        return ""
    length = struct.unpack_from("<I", bundle, 8)[0]
    return bundle[12:12 + 2 * length].decode("utf-16-le", errors="replace") \
        if length != 0xFFFF_FFFF else ""


def _binary_sheet_extent(part: IO[bytes]) -> _Extent:
    """The cells of a binary sheet: a row header (BrtRowHdr) sets the row of the cells
    after it; a cell record starts with its column."""
    rows = columns = row = 0
    for kind, data in _binary_records(part, _CELL_KEEP):
        if len(data) < 4:
            continue  # calamine stops on such a record
        number = struct.unpack_from("<I", data)[0]
        if kind == _ROW_HEADER:
            row = number
            continue
        if row >= rows:  # comparisons, not max(): 0.2 s less a million cells
            rows = row + 1
        if number >= columns:
            columns = number + 1
    return _Extent(rows, columns)


def _binary_records(stream: IO[bytes], keep: dict[int, int]) -> Iterator[tuple[int, bytes]]:
    """(type, data) of each record of ``stream`` whose type ``keep`` lists, with as many
    bytes of its data as ``keep`` says (-1: all), read as calamine reads records: a type
    of one or two bytes and a size of one to four, seven bits each. A record cut short
    ends the stream (calamine stops there with an error)."""
    buffer, at = b"", 0
    while True:
        if len(buffer) - at < 6:  # a record's type and size take at most 6 bytes
            buffer, at = buffer[at:] + stream.read(_CHUNK), 0
        if at + 2 > len(buffer):
            return
        kind, size = buffer[at], buffer[at + 1]
        if (kind | size) & 0x80:  # not the usual one byte each
            header = _binary_header(buffer, at)
            if header is None:
                return
            kind, size, at = header
        else:
            at += 2
        wanted = keep.get(kind)
        if wanted is not None:
            end = at + (size if wanted < 0 else min(size, wanted))
            while len(buffer) < end:
                more = stream.read(max(_CHUNK, end - len(buffer)))
                if not more:
                    return
                buffer += more
            yield kind, buffer[at:end]
        at += size
        if at > len(buffer):
            if not _skip(stream, at - len(buffer)):
                return
            buffer, at = b"", 0


def _binary_header(buffer: bytes, at: int) -> tuple[int, int, int] | None:
    """(type, size, where the data starts) of the record at ``at``; None when cut short."""
    end = len(buffer)
    kind = buffer[at]
    at += 1
    if kind & 0x80:
        kind = (kind & 0x7F) | (buffer[at] & 0x7F) << 7
        at += 1
    size = 0
    for shift in (0, 7, 14, 21):
        if at >= end:
            return None
        byte = buffer[at]
        at += 1
        size |= (byte & 0x7F) << shift
        if not byte & 0x80:
            break
    return kind, size, at


def _skip(stream: IO[bytes], count: int) -> bool:
    """Read past ``count`` bytes of ``stream``; False when it ends first."""
    while count > 0:
        piece = stream.read(min(count, _CHUNK))
        if not piece:
            return False
        count -= len(piece)
    return True


# --- SPSS and Stata -------------------------------------------------------------------------

UNKNOWN_CASES = 100_000  # what pyreadstat sets aside per variable when the count is unknown


class _Stop(Exception):
    """The file is not laid out as expected: its reader refuses it on its own."""


class _Cursor:
    """Reads a file forwards; ``_Stop`` at its end."""

    def __init__(self, handle: IO[bytes], size: int) -> None:
        self._handle = handle
        self.size = size

    @property
    def at(self) -> int:
        return self._handle.tell()

    def read(self, count: int) -> bytes:
        data = self._handle.read(count)
        if count < 0 or len(data) < count:
            raise _Stop
        return data

    def unpack(self, layout: str) -> tuple[int, ...]:
        return struct.unpack(layout, self.read(struct.calcsize(layout)))

    def skip(self, count: int) -> None:
        if count < 0:
            raise _Stop
        self.seek(self.at + count)

    def seek(self, position: int) -> None:
        if not 0 <= position <= self.size:
            raise _Stop
        self._handle.seek(position)


@dataclass(frozen=True)
class _Layout:
    """What a data file says it holds."""

    cases: int | None  # as declared; None: not said
    variables: int
    case_bytes: int  # the fewest bytes of data one case takes (0: not known)
    data_bytes: int  # the bytes of data the file holds (at most)
    noun: str  # "cases" (SPSS) or "observations" (Stata)

    @property
    def room(self) -> int:
        """Cases the reader sets aside room for: the declared ones, or else the most the
        data can hold (100,000 at least)."""
        if self.cases is not None:
            return self.cases
        return max(UNKNOWN_CASES, self.data_bytes // self.case_bytes if self.case_bytes else 0)


def check_stats_file(path: Path) -> None:
    """Raise ``InputError`` when the SPSS or Stata file at ``path`` asks for room for more
    than ``MAX_CELLS`` values (pyreadstat sets it aside before reading any case) or holds
    less data than its header says; silent for a file its reader refuses on its own."""
    with path.open("rb") as handle:
        cursor = _Cursor(handle, os.fstat(handle.fileno()).st_size)
        try:
            layout = _dta_layout(cursor) if path.suffix.lower() == ".dta" \
                else _sav_layout(cursor)
        except (_Stop, struct.error):
            return
    cells = layout.room * layout.variables
    if cells > MAX_CELLS:
        raise InputError("file_too_large", _too_many_values(path, layout, cells))
    needed = (layout.cases or 0) * layout.case_bytes
    if needed > layout.data_bytes:
        raise InputError("damaged_file",
                         f"{path.name}: the file says it holds {_thousands(layout.room)} "
                         f"{layout.noun} (at least {_thousands(needed)} bytes of data) but "
                         f"holds only {_thousands(layout.data_bytes)}: it was cut short, e.g. "
                         "by an interrupted copy or download. Copy or export it again.")


def _too_many_values(path: Path, layout: _Layout, cells: int) -> str:
    if layout.cases is None:
        return (f"{path.name}: the file does not say how many {layout.noun} it holds, and "
                f"reading its {_thousands(layout.variables)} variables needs room for "
                f"{_thousands(cells)} values, more than this program reads "
                f"({_thousands(MAX_CELLS)}). Save it again from SPSS, or save the variables "
                "you need as .csv, and open that.")
    return (f"{path.name}: the file says it holds {_thousands(layout.cases)} {layout.noun} "
            f"of {_thousands(layout.variables)} variables ({_thousands(cells)} values), more "
            f"than this program reads ({_thousands(MAX_CELLS)} values); it may be damaged. "
            "Check that this is the right file, or save the variables you need as .csv and "
            "open that.")


def _sav_layout(cursor: _Cursor) -> _Layout:
    """The header (176 bytes) and dictionary of an SPSS system file; the data follows
    uncompressed (8 bytes a value), as bytecode (one code byte a value at least) or as
    zlib blocks of bytecode (.zsav)."""
    header = cursor.read(176)
    if header[:4] not in (b"$FL2", b"$FL3"):
        raise _Stop
    order = "<" if struct.unpack_from("<i", header, 64)[0] in (2, 3) else ">"
    cases = struct.unpack_from(order + "i", header, 80)[0]
    compression = {struct.unpack_from(o + "i", header, 72)[0] for o in "<>"}
    variables, slots = _sav_dictionary(cursor, order)
    if variables == 0:
        raise _Stop
    if 1 in compression:
        case_bytes, data_bytes = slots, cursor.size - cursor.at
    elif 2 in compression:
        case_bytes, data_bytes = slots, _zsav_data_bytes(cursor, order)
    else:
        case_bytes, data_bytes = 8 * slots, cursor.size - cursor.at
    return _Layout(cases if cases >= 0 else None, variables, case_bytes, data_bytes, "cases")


def _sav_dictionary(cursor: _Cursor, order: str) -> tuple[int, int]:
    """(variables, 8-byte slots a case takes) from the dictionary records, read as
    readstat reads them; the cursor is left where the data starts."""
    variables = slots = 0
    while True:
        (kind,) = cursor.unpack(order + "i")
        if kind == 2:  # a variable, or the continuation (width -1) of a long text
            width, labelled, missing = cursor.unpack(order + "iii")
            cursor.skip(16)
            slots += 1
            variables += width >= 0
            if labelled:
                cursor.skip((cursor.unpack(order + "i")[0] + 3) // 4 * 4)
            cursor.skip(abs(missing) * 8)
        elif kind == 3:  # value labels, then the variables they apply to
            for _ in range(cursor.unpack(order + "i")[0]):
                cursor.skip((cursor.read(9)[8] + 8) // 8 * 8 - 1)
            if cursor.unpack(order + "i")[0] != 4:
                raise _Stop
            cursor.skip(4 * cursor.unpack(order + "i")[0])
        elif kind == 6:  # documents, 80 bytes a line
            cursor.skip(80 * cursor.unpack(order + "i")[0])
        elif kind == 7:  # extension: subtype, size and count of its items
            _, size, count = cursor.unpack(order + "iII")
            cursor.skip(size * count)
        elif kind == 999:
            cursor.skip(4)
            return variables, slots
        else:
            raise _Stop


def _zsav_data_bytes(cursor: _Cursor, order: str) -> int:
    """The bytecode the zlib blocks of a .zsav file unpack to, as its trailer lists them
    (readstat unpacks each block to exactly that); 0 when the header or trailer of the
    blocks is missing or contradicts itself."""
    start = cursor.at
    try:
        header_at, trailer_at, trailer_length = cursor.unpack(order + "QQQ")
        if header_at != start or trailer_at < cursor.at or trailer_length < 24:
            return 0
        cursor.seek(trailer_at)
        blocks = cursor.unpack(order + "qqii")[3]
        if blocks != (trailer_length - 24) // 24 or blocks < 0:
            return 0
        sizes = [cursor.unpack(order + "qqii")[2] for _ in range(blocks)]
    except _Stop:
        return 0
    return sum(sizes) if min(sizes, default=0) >= 0 else 0


_DTA_XML = re.compile(rb"<stata_dta><header><release>(11[789])</release><byteorder>"
                      rb"(MSF|LSF)</byteorder><K>")
_DTA_XML_SIZES = {b"117": ("H", "I", "B"), b"118": ("H", "Q", "H"), b"119": ("I", "Q", "H")}


def _dta_layout(cursor: _Cursor) -> _Layout:
    """The numbers of observations and variables of a Stata file, and the width of an
    observation from its variable types (0 where they cannot be read)."""
    head = cursor.read(min(cursor.size, 1 << 12))
    xml = _DTA_XML.match(head)
    if xml:
        variables, cases, types = _dta_xml_header(head, xml)
    elif len(head) >= 10 and 102 <= head[0] <= 115 and head[1] in (1, 2):
        order = ">" if head[1] == 1 else "<"
        variables, cases = struct.unpack_from(order + "HI", head, 4)
        start = 10 + (81 if head[0] >= 108 else 32) + (18 if head[0] >= 105 else 0)
        types = _DtaTypes(start, order + "B", _dta_byte_width) if head[0] >= 113 else None
    else:
        raise _Stop
    width = 0
    if types is not None and 0 < cases * variables <= MAX_CELLS:
        try:
            width = _dta_width(cursor, variables, types)
        except _Stop:
            width = 0
    return _Layout(cases, variables, width, cursor.size - cursor.at, "observations")


@dataclass(frozen=True)
class _DtaTypes:
    """Where a Stata file's variable types are, how each is written and its width."""

    start: int
    code: str  # struct code with byte order
    width: Callable[[int], int]  # 0: a type this check does not know


def _dta_xml_width(code: int) -> int:  # releases 117-119
    return code if 1 <= code <= 2045 else {32768: 8, 65526: 8, 65527: 4, 65528: 4,
                                             65529: 2, 65530: 1}.get(code, 0)


def _dta_byte_width(code: int) -> int:  # releases 113-115
    return code if 1 <= code <= 244 else {251: 1, 252: 2, 253: 4, 254: 4, 255: 8}.get(code, 0)


def _dta_xml_header(head: bytes, xml: re.Match[bytes]) -> tuple[int, int, _DtaTypes | None]:
    """(variables, observations, the variable types) of a release 117-119 file, its
    header laid out as <K>k</K><N>n</N><label>length text</label><timestamp>length
    text</timestamp></header><map>14 offsets</map><variable_types> (types: None when the
    header is not laid out so)."""
    order = ">" if xml[2] == b"MSF" else "<"
    count, number, label = _DTA_XML_SIZES[xml[1]]
    numbers = f"{order}{count}7x{number}"  # K, "</K><N>", N
    variables, cases = struct.unpack_from(numbers, head, xml.end())
    at = xml.end() + struct.calcsize(numbers) + len(b"</N><label>")
    if at + struct.calcsize(label) > len(head):
        return variables, cases, None
    at += struct.calcsize(label) + struct.unpack_from(order + label, head, at)[0]
    for tag in (b"</label><timestamp>", b"</timestamp></header><map>"):
        if head[at:at + len(tag)] != tag or at + len(tag) >= len(head):
            return variables, cases, None
        at += len(tag)
        if tag.endswith(b"<timestamp>"):
            at += 1 + head[at]  # the timestamp's length and text
    at += 14 * 8  # the offsets of the sections
    if head[at:at + 22] != b"</map><variable_types>":
        return variables, cases, None
    return variables, cases, _DtaTypes(at + 22, order + "H", _dta_xml_width)


def _dta_width(cursor: _Cursor, variables: int, types: _DtaTypes) -> int:
    """Bytes of one observation (0: a type this check does not know)."""
    cursor.seek(types.start)
    size = struct.calcsize(types.code)
    codes = struct.unpack(types.code[0] + types.code[1] * variables,
                          cursor.read(variables * size))
    widths = [types.width(code) for code in codes]
    return sum(widths) if all(widths) else 0


def check_sas_file(path: Path) -> None:
    """Raise ``InputError`` when the SAS file at ``path`` holds more than ``MAX_CELLS``
    values: a SAS7BDAT file says how many observations it holds (pyreadstat sets aside that
    many per variable before reading), a transport file does not (its observations are
    counted from its size: uncompressed, each as wide as its variables together). Silent
    for a file whose header the reader refuses on its own."""
    import pyreadstat

    xport = path.suffix.lower() == ".xpt"
    reader = pyreadstat.read_xport if xport else pyreadstat.read_sas7bdat
    try:
        _, meta = reader(str(path), metadataonly=True)
    except Exception:  # noqa: BLE001 - the reader names a damaged file itself
        return
    variables = max(int(meta.number_columns or 0), 1)
    rows = meta.number_rows
    if rows is None or rows < 0:
        width = sum(int(w or 8) for w in (meta.variable_storage_width or {}).values()) or 8
        rows = os.path.getsize(path) // width
    cells = int(rows) * variables
    if cells > MAX_CELLS:
        says = "says it holds" if meta.number_rows is not None else "can hold up to"
        raise InputError("file_too_large",
                         f"{path.name}: the file {says} {_thousands(int(rows))} observations "
                         f"of {_thousands(variables)} variables ({_thousands(cells)} values), "
                         f"more than this program reads ({_thousands(MAX_CELLS)} values); it "
                         "may be damaged. Check that this is the right file, or keep the "
                         "variables you need (KEEP=) and export it again.")
