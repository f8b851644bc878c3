"""Hostile and broken .xls, .xlsb, SPSS and Stata files, built here from bytes (or written by
pyreadstat and their header patched), are refused with the program's own message before
their reader allocates: ``size_guard`` itself, and ``read_table`` in a child process with
2 GB of address space (calamine aborts the whole process on the far cells; pyreadstat sets
aside gigabytes for the cases a header declares)."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest

from resort_gui.domain.errors import InputError
from resort_gui.io import read_table, size_guard
from tests.security.isolation import run_bounded

# --- xls: BIFF8 records in an OLE2 container ------------------------------------------------

END_OF_CHAIN, FREE, FAT_BLOCK = 0xFFFF_FFFE, 0xFFFF_FFFF, 0xFFFF_FFFD


def record(kind: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def label(row: int, column: int, text: str) -> bytes:
    return record(0x0204, struct.pack("<HHHHB", row, column, 0, len(text), 0) + text.encode())


def number(row: int, column: int, value: float) -> bytes:
    return record(0x0203, struct.pack("<HHHd", row, column, 0, value))


def dimensions(first_row: int, end_row: int, first_column: int, end_column: int) -> bytes:
    return record(0x0200, struct.pack("<IIHHH", first_row, end_row, first_column, end_column,
                                      0))


TABLE = [label(0, 0, "time"), label(0, 1, "status"), number(1, 0, 12.5), number(1, 1, 1),
         number(2, 0, 3.0), number(2, 1, 0)]


def biff(*sheets: list[bytes], globals_extra: bytes = b"", shift: int = 0) -> bytes:
    """A BIFF8 Workbook stream: globals (BOF, one BoundSheet8 per sheet, EOF) then each
    sheet's records between its BOF and EOF (``shift`` moves every sheet's listed start)."""
    def bof(kind: int) -> bytes:
        return record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0, 0, 0, 0))

    def bound(start: int, name: str) -> bytes:
        return record(0x0085, struct.pack("<IBBBB", start, 0, 0, len(name), 0) + name.encode())

    names = [f"Sheet{i + 1}" for i in range(len(sheets))]
    start = len(bof(5)) + len(globals_extra) + sum(len(bound(0, n)) for n in names) + 4
    bodies = []
    for records in sheets:
        bodies.append((start, bof(0x10) + b"".join(records) + record(0x000A)))
        start += len(bodies[-1][1])
    return (bof(5) + globals_extra + b"".join(bound(s + shift, n) for (s, _), n in
                                              zip(bodies, names, strict=True))
            + record(0x000A) + b"".join(body for _, body in bodies))


def ole(stream: bytes, *, fat: dict[int, int] | None = None, difat_start: int = END_OF_CHAIN,
        workbook_start: int = 0, workbook_length: int | None = None,
        tail: bytes = b"") -> bytes:
    """An OLE2 compound file: header, the Workbook stream in blocks 0..n-1 (4 kB at least,
    so not in the mini stream), the allocation table in block n, the directory in n+1;
    ``fat`` overrides entries of the table, ``tail`` adds blocks after the directory."""
    stream += b"\x00" * (max(4096, -(-len(stream) // 512) * 512) - len(stream))
    blocks = len(stream) // 512
    table = [*range(1, blocks), END_OF_CHAIN, FAT_BLOCK, END_OF_CHAIN]
    table += [FREE] * (128 - len(table))
    for at, value in (fat or {}).items():
        table[at] = value

    def entry(name: str, kind: int, start: int, length: int, child: int = FREE) -> bytes:
        raw = name.encode("utf-16-le") + b"\x00\x00"
        return (raw.ljust(64, b"\x00") + struct.pack("<HBBIII", len(raw), kind, 1, FREE, FREE,
                                                     child)
                + bytes(36) + struct.pack("<III", start, length, 0))

    directory = entry("Root Entry", 5, END_OF_CHAIN, 0, child=1) + entry(
        "Workbook", 2, workbook_start,
        len(stream) if workbook_length is None else workbook_length) + bytes(256)
    header = struct.pack("<8s16xHHHHH6xIIIIIIIII109I", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
                         0x3E, 3, 0xFFFE, 9, 6, 0, 1, blocks + 1, 0, 4096, END_OF_CHAIN, 0,
                         difat_start, 0, blocks, *[FREE] * 108)
    return header + stream + struct.pack("<128I", *table) + directory + tail


def xls_refusal(data: bytes, tmp_path: Path) -> InputError | None:
    path = tmp_path / "trial.xls"
    path.write_bytes(data)
    try:
        size_guard.check_legacy_workbook(path, data)
    except InputError as error:
        return error
    return None


def test_a_real_table_in_a_built_xls_is_read(tmp_path: Path) -> None:
    path = tmp_path / "trial.xls"
    path.write_bytes(ole(biff(TABLE)))
    raw = read_table(path)
    assert list(raw.frame.columns) == ["time", "status"]
    assert raw.frame["time"].tolist() == [12.5, 3.0]


@pytest.mark.parametrize(("cells", "says"), [
    ([number(65535, 65535, 1)], "a sheet reaches row 65,536 and column 65,536"),
    ([number(2000, 12499, 1)], "a sheet reaches row 2,001 and column 12,500"),
    # MulBlank: row 1,001, columns 65,001 to 65,003 (the last column closes the record)
    ([record(0x00BE, struct.pack("<HHHHHH", 1000, 65000, 0, 0, 0, 65002))],
     "row 1,001 and column 65,003"),
    ([dimensions(0, 0xFFFF_FFFF, 0, 0xFFFF)], "declares 4,294,967,295 rows and 65,535 col"),
    ([dimensions(10, 5, 0, 2)], "declares 4,294,967,291 rows"),  # ends before it starts
])
def test_xls_cells_beyond_the_bound_are_refused(tmp_path: Path, cells: list[bytes],
                                                says: str) -> None:
    error = xls_refusal(ole(biff(TABLE + cells)), tmp_path)
    assert error is not None and error.code == "workbook_too_large"
    assert says in str(error) and str(error).startswith("trial.xls: the workbook was not")


def test_xls_sheets_count_together_since_calamine_builds_all_at_open(tmp_path: Path) -> None:
    full = [*TABLE, number(65535, 255, 1)]  # the format's largest sheet: 16,777,216 cells
    assert xls_refusal(ole(biff(full, [dimensions(0, 65536, 0, 256)])), tmp_path) is None
    error = xls_refusal(ole(biff(full, full)), tmp_path)
    assert error is not None and "its sheets reach 33,554,432 cells in all" in str(error)


def test_xls_bound_is_exact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(size_guard, "MAX_CELLS", 3 * 2)  # TABLE: rows 1-3, columns A-B
    assert xls_refusal(ole(biff(TABLE)), tmp_path) is None
    monkeypatch.setattr(size_guard, "MAX_CELLS", 3 * 2 - 1)
    assert xls_refusal(ole(biff(TABLE)), tmp_path) is not None


BROKEN_CONTAINERS: dict[str, tuple[Callable[[], bytes], str]] = {
    # the stream's last block leads back to its first, and the stream claims 4 GB
    "stream_loop": (lambda: ole(biff(TABLE), fat={7: 0}, workbook_length=0xFFFF_FFF0), "loop"),
    "directory_loop": (lambda: ole(biff(TABLE), fat={9: 9}), "loop"),
    # the DIFAT goes on in block 10, whose last entry names block 10 again
    "difat_loop": (lambda: ole(biff(TABLE), difat_start=10,
                               tail=struct.pack("<128I", *[FREE] * 127, 10)), "loop"),
    "block_past_the_end": (lambda: ole(biff(TABLE), workbook_start=4_000_000),
                           "past its own end, to block 4,000,000 of 10"),
    "sheet_past_the_end": (lambda: ole(biff(TABLE, shift=1 << 20)),
                           "a sheet starts beyond the end"),
}


@pytest.mark.parametrize("name", list(BROKEN_CONTAINERS))
def test_xls_containers_that_would_exhaust_memory_are_refused(tmp_path: Path,
                                                              name: str) -> None:
    build, says = BROKEN_CONTAINERS[name]
    error = xls_refusal(build(), tmp_path)
    assert error is not None and error.code == "damaged_file" and says in str(error)


# --- xlsb: binary records in a zip ---------------------------------------------------------

def brecord(kind: int, data: bytes = b"") -> bytes:
    """A record as MS-XLSB writes it: type and size in 7-bit groups."""
    head = bytes([kind]) if kind < 0x80 else bytes([kind & 0x7F | 0x80, kind >> 7])
    size, rest = bytearray(), len(data)
    while True:
        size.append(rest & 0x7F | (0x80 if rest >> 7 else 0))
        rest >>= 7
        if not rest:
            return head + bytes(size) + data


def wide(text: str) -> bytes:
    return struct.pack("<I", len(text)) + text.encode("utf-16-le")


def binary_sheet(cells: list[tuple[int, int, float | str]]) -> bytes:
    """BrtBeginSheet, BrtWsDim, BrtBeginSheetData, a BrtRowHdr before each row's cells
    (BrtCellReal, BrtCellSt), BrtEndSheetData, BrtEndSheet."""
    out = bytearray(brecord(0x81) + brecord(0x94, bytes(16)) + brecord(0x91))
    row = None
    for at, column, value in cells:
        if at != row:
            out += brecord(0x00, struct.pack("<IIHHBBI", at, 0, 300, 0, 0, 0, 0))
            row = at
        out += brecord(0x06, struct.pack("<II", column, 0) + wide(value)) \
            if isinstance(value, str) else brecord(0x05, struct.pack("<IId", column, 0, value))
    return bytes(out + brecord(0x92) + brecord(0x82))


def xlsb(sheet: bytes, target: str = "worksheets/sheet1.bin",
         extra: dict[str, bytes] | None = None) -> bytes:
    book = (brecord(0x83) + brecord(0x8F)
            + brecord(0x9C, struct.pack("<II", 0, 1) + wide("rId1") + wide("data"))
            + brecord(0x90) + brecord(0x9D, bytes(16)) + brecord(0x84))
    relationships = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://'
                     'schemas.openxmlformats.org/package/2006/relationships"><Relationship '
                     'Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                     f'relationships/worksheet" Target="{target}"/></Relationships>')
    buffer = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        warnings.simplefilter("ignore", UserWarning)  # a name written twice, on purpose
        out.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://'
                     'schemas.openxmlformats.org/package/2006/content-types"/>')
        out.writestr("xl/workbook.bin", book)
        out.writestr("xl/_rels/workbook.bin.rels", relationships)
        out.writestr(f"xl/{target}", sheet)
        for name, data in (extra or {}).items():
            out.writestr(name, data)
    return buffer.getvalue()


HEADER_AND_ROWS: list[tuple[int, int, float | str]] = [
    (0, 0, "time"), (0, 1, "status"), (1, 0, 12.5), (1, 1, 1.0), (2, 0, 3.0), (2, 1, 0.0)]
LINKS = (b'<?xml version="1.0"?>\n\t\r<Relationships xmlns="x"><Relationship Id="rId1" '
         b'Target="../printerSettings/printerSettings1.bin"/></Relationships>')


def xlsb_refusal(data: bytes) -> str | None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        found = size_guard.check_binary_sheets(archive)
    return None if found is None else found.reason


def test_a_built_xlsb_is_read_and_only_its_sheets_are_walked(tmp_path: Path) -> None:
    """The sheet's own relationships part (XML, whose tabs and line breaks would read as
    cell records) lies under xl/worksheets/ too but is not a sheet."""
    data = xlsb(binary_sheet(HEADER_AND_ROWS),
                extra={"xl/worksheets/_rels/sheet1.bin.rels": LINKS})
    assert xlsb_refusal(data) is None
    path = tmp_path / "trial.xlsb"
    path.write_bytes(data)
    assert read_table(path).frame["time"].tolist() == [12.5, 3.0]


@pytest.mark.parametrize(("cell", "says"), [
    ((2, 0xFFFF_FFF0, 5.0), "row 3 and column 4,294,967,281"),
    ((1_048_576, 0, 5.0), "row 1,048,577 and column 2,"),
    ((2000, 100_000, 5.0), "row 2,001 and column 100,001"),
])
def test_xlsb_cells_beyond_the_bound_are_refused(cell: tuple[int, int, float],
                                                 says: str) -> None:
    reason = xlsb_refusal(xlsb(binary_sheet([*HEADER_AND_ROWS, cell])))
    assert reason is not None and says in reason


def test_xlsb_sheets_are_found_as_calamine_finds_them() -> None:
    far = binary_sheet([*HEADER_AND_ROWS, (2, 0xFFFF_FFF0, 5.0)])
    assert xlsb_refusal(xlsb(far, target="worksheets/sheet1.xml")) is not None
    twice = xlsb(binary_sheet(HEADER_AND_ROWS), extra={"xl/worksheets/sheet1.bin": far})
    assert xlsb_refusal(twice) is not None  # a second copy of the name


# --- SPSS and Stata -----------------------------------------------------------------------

FRAME = pd.DataFrame({"time": [12.5, 3.0, 7.25], "status": [1.0, 0.0, 1.0],
                      "arm": ["sorafenib", "observation", "sorafenib"]})


def sav(tmp_path: Path, cases: int | None = None, frame: pd.DataFrame = FRAME,
        name: str = "trial.sav", **options: object) -> Path:
    """A real .sav (pyreadstat), its header's number of cases (bytes 80-83) replaced."""
    path = tmp_path / name
    pyreadstat.write_sav(frame, str(path), **options)
    if cases is not None:
        data = bytearray(path.read_bytes())
        struct.pack_into("<i", data, 80, cases)
        path.write_bytes(bytes(data))
    return path


def dta(tmp_path: Path, version: int, observations: int | None = None) -> Path:
    """A real .dta (pyreadstat; 15: release 119, 8: release 113), its number of
    observations replaced."""
    path = tmp_path / f"trial{version}.dta"
    pyreadstat.write_dta(FRAME, str(path), version=version)
    if observations is not None:
        data = bytearray(path.read_bytes())
        if data.startswith(b"<stata_dta>"):
            struct.pack_into("<Q", data, data.index(b"<N>") + 3, observations)
        else:
            struct.pack_into("<I", data, 6, observations)
        path.write_bytes(bytes(data))
    return path


def stats_refusal(path: Path) -> InputError | None:
    try:
        size_guard.check_stats_file(path)
    except InputError as error:
        return error
    return None


@pytest.mark.parametrize("build", [
    lambda p: sav(p), lambda p: sav(p, compress=True, name="trial.zsav"),
    lambda p: sav(p, row_compress=True), lambda p: sav(p, cases=-1),
    lambda p: sav(p, frame=FRAME.assign(note=["x" * 600] * 3),
                  variable_value_labels={"status": {0: "censored", 1: "relapse"}},
                  column_labels={"time": "Months"}, note="a document record"),
    lambda p: dta(p, 15), lambda p: dta(p, 8),
])
def test_real_data_files_pass_and_are_read(tmp_path: Path, build: Callable[[Path], Path]
                                           ) -> None:
    path = build(tmp_path)
    assert stats_refusal(path) is None
    assert read_table(path).frame["time"].tolist() == [12.5, 3.0, 7.25]


@pytest.mark.parametrize(("build", "says"), [
    (lambda p: sav(p, cases=1_000_000_000), "holds 1,000,000,000 cases of 3 variables"),
    (lambda p: sav(p, cases=50_000_000, compress=True, name="trial.zsav"), "50,000,000 cases"),
    (lambda p: dta(p, 15, 1_000_000_000), "1,000,000,000 observations"),
    (lambda p: dta(p, 15, 1 << 33), "8,589,934,592 observations"),  # pyreadstat reads it as 0
    (lambda p: dta(p, 8, 4_000_000_000), "4,000,000,000 observations"),
    (lambda p: sav(p, cases=-1, frame=pd.DataFrame({f"v{i}": [1.0] for i in range(251)})),
     "does not say how many cases it holds, and reading its 251 variables needs room for "
     "25,100,000 values"),
])
def test_declared_sizes_beyond_the_bound_are_refused(tmp_path: Path,
                                                     build: Callable[[Path], Path],
                                                     says: str) -> None:
    error = stats_refusal(build(tmp_path))
    assert error is not None and error.code == "file_too_large" and says in str(error)
    assert str(error).startswith("trial")


def test_250_variables_of_unknown_length_pass(tmp_path: Path) -> None:
    frame = pd.DataFrame({f"v{i}": [1.0] for i in range(250)})
    assert stats_refusal(sav(tmp_path, cases=-1, frame=frame)) is None


@pytest.mark.parametrize("build", [
    lambda p: sav(p, cases=1_000_000), lambda p: sav(p, cases=10),
    lambda p: dta(p, 15, 1_000_000), lambda p: dta(p, 8, 1_000_000),
])
def test_data_shorter_than_the_header_says_is_refused(tmp_path: Path,
                                                      build: Callable[[Path], Path]) -> None:
    error = stats_refusal(build(tmp_path))
    assert error is not None and error.code == "damaged_file" and "cut short" in str(error)


def test_a_cut_zsav_is_refused(tmp_path: Path) -> None:
    path = sav(tmp_path, compress=True, name="trial.zsav")
    path.write_bytes(path.read_bytes()[:-30])  # into the block table at the end
    error = stats_refusal(path)
    assert error is not None and error.code == "damaged_file"


# --- end to end, with the readers' own limits ------------------------------------------------

HOSTILE: dict[str, tuple[Callable[[Path], bytes | Path], str]] = {
    "far_cell.xls": (lambda p: ole(biff([*TABLE, number(65535, 65535, 1)])),
                     "workbook_too_large"),
    "far_dimensions.xls": (lambda p: ole(biff([*TABLE, dimensions(10, 5, 0, 2)])),
                           "workbook_too_large"),
    "stream_loop.xls": (lambda p: BROKEN_CONTAINERS["stream_loop"][0](), "damaged_file"),
    "difat_loop.xls": (lambda p: BROKEN_CONTAINERS["difat_loop"][0](), "damaged_file"),
    # a defined name (Lbl) record of 2 bytes: calamine panics (pyo3's PanicException)
    "short_name.xls": (lambda p: ole(biff(TABLE, globals_extra=record(0x0018, b"\x00\x00"))),
                       "damaged_file"),
    "far_column.xlsb": (lambda p: xlsb(binary_sheet([*HEADER_AND_ROWS, (2, 0xFFFF_FFF0, 5)])),
                        "workbook_too_large"),
    "billion_cases.sav": (lambda p: sav(p, 1_000_000_000), "file_too_large"),
    "billion_observations.dta": (lambda p: dta(p, 15, 1_000_000_000), "file_too_large"),
}

READ_ALL = '''
import json, sys
from pathlib import Path
from resort_gui.domain.errors import InputError
from resort_gui.io import read_table
codes = {}
for name in sys.argv[1:]:
    try:
        read_table(Path(name))
        codes[Path(name).name] = "read"
    except InputError as error:
        codes[Path(name).name] = error.code
print(json.dumps(codes))
'''


def hostile_files(folder: Path) -> list[Path]:
    paths = []
    for name, (build, _) in HOSTILE.items():
        built = build(folder)
        path = folder / name
        if isinstance(built, Path):
            built.rename(path)
        else:
            path.write_bytes(built)
        paths.append(path)
    return paths


def test_read_table_refuses_every_hostile_file_without_dying(tmp_path: Path) -> None:
    codes = run_bounded(READ_ALL, *map(str, hostile_files(tmp_path)))
    assert codes == {name: code for name, (_, code) in HOSTILE.items()}


OPEN_WITH_CALAMINE = '''
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
from python_calamine import CalamineWorkbook
book = CalamineWorkbook.from_path(sys.argv[1])
for name in book.sheet_names:
    book.get_sheet_by_name(name).to_python()
'''


@pytest.mark.parametrize("name", ["far_cell.xls", "far_dimensions.xls", "far_column.xlsb"])
def test_without_the_guard_calamine_aborts_the_process(tmp_path: Path, name: str) -> None:
    """What the guard prevents (if a calamine release stops aborting, the guard may be
    relaxed): the allocation of the far grid fails and Rust aborts (SIGABRT)."""
    path = tmp_path / name
    path.write_bytes(HOSTILE[name][0](tmp_path))  # type: ignore[arg-type]
    done = subprocess.run([sys.executable, "-c", OPEN_WITH_CALAMINE, str(path)],
                          capture_output=True, timeout=60, check=False)
    assert done.returncode == -6, done.stderr[-500:]
    assert b"memory allocation of" in done.stderr


def test_without_the_guard_pyreadstat_sets_aside_the_declared_cases(tmp_path: Path) -> None:
    """1,000,000,000 declared cases of a 592-byte file: 7.45 GB for the first variable."""
    path = sav(tmp_path, 1_000_000_000)
    code = ("import resource, sys, pyreadstat\n"
            "resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))\n"
            "try:\n    pyreadstat.read_sav(sys.argv[1])\n"
            "except MemoryError as error:\n    print(str(error))\n")
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                          text=True, timeout=60, check=False)
    assert "Unable to allocate 7.45 GiB" in done.stdout, done.stderr[-500:]

