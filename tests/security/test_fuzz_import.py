"""Fuzzing the importers: random bytes under every file name, real workbooks with random
bytes changed, random CSV text (delimiters, quotes, encodings, huge, tiny and non-finite
numbers, empty cells, very long lines) and random cell values in real XLSX and ODS files.
The only outcomes allowed are a table or the program's own ``InputError``; numbers written
into a workbook come back as the same numbers."""

from __future__ import annotations

import datetime as dt
import io
import math
import time
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from resort_gui.domain.errors import InputError
from resort_gui.io import RawTable, read_table
from tests.security.fuzzing import fuzz_settings

SECONDS_PER_FILE = 10
MAGICS = [b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"$FL2", b"<stata_dta>",
          b"\xef\xbb\xbf", b"\xff\xfe", b"sep=;\n", b"%PDF"]
SUFFIXES = [".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".sav", ".dta"]


def read_or_refuse(path: Path) -> RawTable | None:
    """The table, or None when the program refused the file with its own error."""
    started = time.perf_counter()
    try:
        return read_table(path)
    except InputError as error:
        assert error.code and str(error).strip(), error
        return None
    finally:
        assert time.perf_counter() - started < SECONDS_PER_FILE, path


@fuzz_settings(150)
@given(magic=st.sampled_from(MAGICS), body=st.binary(max_size=3000),
       suffix=st.sampled_from(SUFFIXES))
def test_random_bytes(tmp_path_factory, magic: bytes, body: bytes, suffix: str) -> None:
    path = tmp_path_factory.mktemp("bytes") / f"file{suffix}"
    path.write_bytes(magic + body)
    read_or_refuse(path)


def _workbook_bytes(engine: str) -> bytes:
    buffer = io.BytesIO()
    frame = pd.DataFrame({"patient": ["P1", "P2", "P3"], "months": [1.5, 20.25, 7.0],
                          "relapse": ["yes", "no", "yes"], "arm": ["A", "B", "A"]})
    frame.to_excel(buffer, index=False, engine=engine)
    return buffer.getvalue()


XLSX, ODS = _workbook_bytes("openpyxl"), _workbook_bytes("odf")


@fuzz_settings(80)
@given(kind=st.sampled_from([("xlsx", XLSX), ("ods", ODS)]), data=st.data())
def test_real_workbook_with_bytes_changed(tmp_path_factory, kind: tuple[str, bytes],
                                          data: st.DataObject) -> None:
    """Changed bytes inside the zip (its directory, compressed streams, CRCs) and changed
    bytes inside the sheet's XML recompressed into a valid zip."""
    suffix, original = kind
    path = tmp_path_factory.mktemp("mutated") / f"file.{suffix}"
    if data.draw(st.booleans(), label="inside the xml"):
        path.write_bytes(_mutate_member(original, data))
    else:
        raw = bytearray(original)
        for _ in range(data.draw(st.integers(1, 20), label="changes")):
            raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
        path.write_bytes(bytes(raw))
    read_or_refuse(path)


def _mutate_member(original: bytes, data: st.DataObject) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original)) as src, zipfile.ZipFile(out, "w") as dst:
        names = src.namelist()
        target = data.draw(st.sampled_from(names), label="member")
        for name in names:
            content = src.read(name)
            if name == target and content:
                content = bytearray(content)
                for _ in range(data.draw(st.integers(1, 10), label="xml changes")):
                    at = data.draw(st.integers(0, len(content) - 1))
                    content[at:at + 1] = data.draw(st.binary(max_size=8))
                    if not content:
                        break
                content = bytes(content)
            dst.writestr(name, content)
    return out.getvalue()


NUMBERS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e308, -1e308, 5e-324, 1e-300, 0.0, -0.0, 2**63, -2**63 - 1,
                     10**30, 123456789012345678901234567890]),
    st.integers(-10**6, 10**6))
CELL_TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", " ", "NA", "nan", "NaN", "inf", "-inf", "1,5", "1.5e400", "=1+1",
                     "=cmd|' /c calc'!A0", "@SUM(A1)", "\"", "\"\"", "'", ";", ",", "\t",
                     "sì", "日本", "\u202e", "\x00", "1/2/2020", "31.12.2019", "2019-02-30"]),
    st.text(alphabet="0123456789.,;-+eE \"'\t", max_size=12),
    st.text(alphabet="abc,;\t\"\n\r", min_size=2000, max_size=5000))
CELLS = st.one_of(CELL_TEXT, NUMBERS.map(repr), st.just(""))


@fuzz_settings(120)
@given(rows=st.lists(st.lists(CELLS, min_size=0, max_size=6), min_size=0, max_size=12),
       delimiter=st.sampled_from([",", ";", "\t", "|", " "]),
       quote=st.booleans(), newline=st.sampled_from(["\n", "\r\n", "\r"]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"]),
       header=st.booleans(), suffix=st.sampled_from([".csv", ".txt", ".tsv"]))
def test_random_csv_text(tmp_path_factory, rows: list[list[str]], delimiter: str, quote: bool,
                         newline: str, encoding: str, header: bool, suffix: str) -> None:
    if header:
        rows = [["patient", "months", "relapse", "arm"], *rows]
    lines = [delimiter.join(f'"{c}"' if quote else c for c in row) for row in rows]
    text = newline.join(lines)
    path = tmp_path_factory.mktemp("csv") / f"table{suffix}"
    path.write_bytes(text.encode(encoding, errors="replace"))
    read_or_refuse(path)


VALUES = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(-2**53, 2**53),
    st.booleans(),
    st.dates(dt.date(1900, 3, 1), dt.date(2100, 1, 1)),
    st.text(max_size=40).filter(lambda s: not openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE.search(s)
                                and not s.startswith("=")),
    st.none())


@fuzz_settings(60)
@given(cells=st.lists(st.lists(VALUES, min_size=3, max_size=3), min_size=1, max_size=15),
       title_rows=st.integers(0, 2), engine=st.sampled_from(["openpyxl", "odf"]))
def test_random_cells_in_real_workbooks(tmp_path_factory, cells: list[list[object]],
                                        title_rows: int, engine: str) -> None:
    """Written by openpyxl or odfpy under a header (and title rows); every finite number
    in the first column that was read comes back as the number written."""
    frame = pd.DataFrame(cells, columns=["months", "relapse", "arm"], dtype=object)
    suffix = ".xlsx" if engine == "openpyxl" else ".ods"
    path = tmp_path_factory.mktemp("cells") / f"cells{suffix}"
    with pd.ExcelWriter(path, engine=engine) as writer:
        frame.to_excel(writer, index=False, startrow=title_rows)
    raw = read_or_refuse(path)
    if raw is None or "months" not in raw.frame.columns:
        return
    read = dict(zip(raw.row_numbers(), raw.frame["months"], strict=True))
    for i, value in enumerate(frame["months"]):
        row = title_rows + 2 + i
        if row in read and isinstance(value, float | int) and not isinstance(value, bool):
            got, written = read[row], _as_written(value, engine)
            assert isinstance(got, float | int) and (got == written or math.isclose(
                got, written, rel_tol=1e-15, abs_tol=0)), (value, written, got)


def _as_written(value: float, engine: str) -> float:
    """openpyxl writes 16 significant digits (1.7976931348623157e308 becomes a number
    beyond the largest double, read as inf), odfpy the shortest exact repr."""
    return float(f"{value:.16g}") if engine == "openpyxl" else float(value)


def test_damaged_zip_headers_found_by_the_long_run(tmp_path: Path) -> None:
    """Two damaged workbooks the long fuzz run found, which raised zipfile's own
    UnicodeDecodeError (a member name that is not UTF-8) and NotImplementedError (an
    unknown zip version) instead of the program's error."""
    directory = XLSX.rindex(b"PK\x01\x02")  # the last central-directory entry
    unknown_version = bytearray(XLSX)
    unknown_version[directory + 6] = 64  # "version needed to extract": 6.4
    local = XLSX.index(b"xl/worksheets/sheet1.xml") - 30  # the sheet's local header
    bad_name = bytearray(XLSX)
    bad_name[local + 7] |= 0x08  # flags: the name is UTF-8 ...
    bad_name[local + 30] = 0xAD  # ... but its first byte is not
    for name, content in (("version.xlsx", unknown_version), ("name.xlsx", bad_name)):
        path = tmp_path / name
        path.write_bytes(bytes(content))
        with pytest.raises(InputError) as error:
            read_table(path)
        assert error.value.code == "damaged_file"
