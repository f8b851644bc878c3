"""results.xlsx as written by ``xlsx_writer``: every value reads back as it was written in
openpyxl, in calamine (raw and through pandas), and as well-formed XML; the header is bold and
frozen, the columns as wide as their text.

Two facts of the format, not of the writer: a number cell is a double (calamine and Excel read
2**53 + 1 as 2**53; openpyxl keeps the integer as written), and Excel's ``_xHHHH_`` escape for
characters XML cannot carry is decoded by Excel and calamine but shown as written by openpyxl
(``excel_text`` decodes it as Excel does); calamine decodes it for the control characters but
not for the non-characters U+FFFE and U+FFFF, which XML cannot carry either.
"""

from __future__ import annotations

import csv
import math
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from resort_gui.export.safe_write import neutralise_cell
from resort_gui.export.xlsx import ANALYSIS_SHEET, write_workbook
from resort_gui.export.xlsx_writer import column_letter

CONTROL = "".join(chr(c) for c in range(32) if chr(c) not in "\t\n\r")
HOSTILE_TEXT = ["=1+1", "+A1", "-A1", "@SUM(A1)", "\tTAB", "\rCR", "-1.5", "plain",
                "<b>&amp;</b> \"quoted\" 'single'", "Ünïcødé 中文 🙂 \u200b", "  spaces  ",
                "two\nlines", "cr\rinside", "ctrl" + CONTROL + "end", "_x0041_ literal",
                "_x005F_x0041_", "_xABCD\x01", "x" * 30_000, "", "'=quoted already"]
FLOATS = [1e-300, -0.0, 0.1, 1 / 3, 1.7976931348623157e308, 5e-324, -2.5e-7, 1e16,
          123456789.123456789, 2.0, float("nan"), float("inf"), float("-inf")]
TEXT = st.characters(exclude_characters="\ufffe\uffff")  # see the module's docstring
INTS = [0, -5, 2**53 + 1, -(2**62), 2**63 - 1, 7, 11, 1_000_000, 3, 4, 5, 6, 8]


def excel_text(value: Any) -> Any:
    """Text as Excel shows it: ``_xHHHH_`` decoded (openpyxl leaves it as written)."""
    if not isinstance(value, str):
        return value
    return re.sub("_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), value)


def expected_cell(value: Any) -> Any:
    """What a cell holds: None for missing, not finite or empty text; numbers and booleans
    as they are; anything else as neutralised text."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, bool | int | float):
        return value
    return neutralise_cell(str(value)) or None


def expected_grid(frame: pd.DataFrame) -> list[list[Any]]:
    header = [neutralise_cell(str(c)) for c in frame.columns]
    body = [[expected_cell(v) for v in row] for row in frame.itertuples(index=False)]
    return trimmed([header, *body], len(header))


def trimmed(rows: list[list[Any]], width: int) -> list[list[Any]]:
    """Rows padded to ``width`` with None, trailing empty rows dropped (readers stop at the
    last cell)."""
    rows = [list(row) + [None] * (width - len(row)) for row in rows]
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    return rows


def read_openpyxl(path: Path) -> dict[str, list[list[Any]]]:
    book = load_workbook(path)
    return {sheet.title: [[excel_text(v) for v in row] for row in sheet.iter_rows(
        values_only=True)] for sheet in book.worksheets}


def read_calamine(path: Path) -> dict[str, list[list[Any]]]:
    book = CalamineWorkbook.from_path(str(path))
    return {name: [[None if v == "" else v for v in row]
                   for row in book.get_sheet_by_name(name).to_python()]
            for name in book.sheet_names}


def read_pandas(path: Path) -> dict[str, list[list[Any]]]:
    frames = pd.read_excel(path, sheet_name=None, header=None, engine="calamine")
    return {name: [[None if isinstance(v, float) and math.isnan(v) else v for v in row]
                   for row in frame.itertuples(index=False)] for name, frame in frames.items()}


def same(got: Any, want: Any, exact_int: bool) -> bool:
    """Equal values of equal kinds: booleans as booleans, numbers to the bit (integers beyond
    2**53 as the nearest double unless ``exact_int``), text character for character."""
    if isinstance(want, bool) or isinstance(got, bool):
        return got is want
    if want is None or isinstance(want, str):
        return got == want and type(got) is type(want)
    if isinstance(want, int) and exact_int:
        return type(got) is int and got == want
    return (isinstance(got, int | float) and float(got) == float(want)
            and math.copysign(1.0, got) == math.copysign(1.0, want))


def assert_reads_back(path: Path, tables: dict[str, pd.DataFrame]) -> None:
    """Every sheet, in every reader, equals the table it was written from."""
    readers = {"openpyxl": (read_openpyxl(path), True),
               "calamine": (read_calamine(path), False),
               "pandas": (read_pandas(path), False)}
    for reader, (sheets, exact_int) in readers.items():
        assert list(sheets) == [ANALYSIS_SHEET, *tables], reader
        for name, frame in tables.items():
            want = expected_grid(frame)
            got = trimmed(sheets[name], frame.shape[1])
            assert len(got) == len(want), (reader, name)
            for r, (got_row, want_row) in enumerate(zip(got, want, strict=True)):
                for c, (g, w) in enumerate(zip(got_row, want_row, strict=True)):
                    if reader == "pandas" and isinstance(w, float) and w == 0:
                        exact = g == 0  # pandas turns a whole float into an int (-0.0 -> 0)
                    else:
                        exact = same(g, w, exact_int)
                    assert exact, (reader, name, r, c, g, w)


def hostile_tables() -> dict[str, pd.DataFrame]:
    n = len(FLOATS)
    text = (HOSTILE_TEXT * 2)[:n]
    return {
        "values": pd.DataFrame({
            "text": pd.Series(text, dtype="str"),
            "float": FLOATS,
            "int": np.array(INTS, dtype=np.int64),
            "big_uint": np.full(n, 2**64 - 1, dtype=np.uint64),
            "bool": [i % 2 == 0 for i in range(n)],
            "nullable_int": pd.array([None if i % 3 == 0 else i for i in range(n)],
                                     dtype="Int64"),
            "nullable_bool": pd.array([None if i % 4 == 0 else i % 2 == 1 for i in range(n)],
                                      dtype="boolean"),
            "mixed": [1, "=x", 2.5, None, True, np.nan, "y", np.int64(3), np.float64(0.5),
                      pd.NA, "", float("inf"), datetime(2020, 1, 2)],
            "date": pd.date_range("2020-01-01", periods=n, freq="D"),
            "=formula header": ["a"] * n,
        }),
        "all_text": pd.DataFrame({"hostile": HOSTILE_TEXT}),
        "no_rows": pd.DataFrame({"row": pd.Series([], dtype=object),
                                 "reason": pd.Series([], dtype=object)}),
        "no_columns": pd.DataFrame(),
        "gaps": pd.DataFrame({"x": [np.nan, 1.5, np.nan], "t": [None, "b", ""]}),
    }


def test_every_kind_of_value_reads_back_in_openpyxl_and_calamine(tmp_path: Path) -> None:
    tables = hostile_tables()
    path = tmp_path / "results.xlsx"
    write_workbook(path, tables, [("Program", "resort-gui"), ("Note", "<&>")])
    assert_reads_back(path, tables)
    assert read_calamine(path)[ANALYSIS_SHEET][2] == ["Note", "<&>"]


def test_text_is_never_a_formula_and_control_characters_use_excels_escape(
        tmp_path: Path) -> None:
    path = tmp_path / "results.xlsx"
    write_workbook(path, {"t": pd.DataFrame({"t": HOSTILE_TEXT})}, [])
    with zipfile.ZipFile(path) as book:
        sheet = book.read("xl/worksheets/sheet2.xml").decode()
    assert "<f>" not in sheet and 't="s"' not in sheet and 't="str"' not in sheet
    assert "'=1+1" in sheet and "&lt;b&gt;&amp;amp;&lt;/b&gt;" in sheet
    assert "ctrl_x0000__x0001_" in sheet and "_x005F_x0041_ literal" in sheet
    assert "cr&#13;inside" in sheet


def test_every_part_is_well_formed_xml(tmp_path: Path) -> None:
    path = tmp_path / "results.xlsx"
    write_workbook(path, hostile_tables(), [("Program", "resort-gui")])
    with zipfile.ZipFile(path) as book:
        assert book.testzip() is None
        for name in book.namelist():
            ET.fromstring(book.read(name))  # raises on a character XML 1.0 forbids


def test_bold_frozen_header_and_widths(tmp_path: Path) -> None:
    path = tmp_path / "results.xlsx"
    frame = pd.DataFrame({"group": ["observation", "sorafenib"], "n": [36, 33],
                          "note": ["y" * 100, None], "survival": [0.123456789012345, 1.0]})
    write_workbook(path, {"summary": frame}, [("Program", "resort-gui")])
    book = load_workbook(path)
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.bold for cell in sheet[1])
        assert not any(cell.font.bold for cell in sheet[2])
    widths = {letter: d.width for letter, d in book["summary"].column_dimensions.items()}
    assert widths == {"A": len("observation") + 2, "B": len("36") + 2, "C": 60,
                      "D": len("0.123456789012345") + 2}
    assert book.active.title == ANALYSIS_SHEET


def test_sheet_names_with_markup_characters(tmp_path: Path) -> None:
    path = tmp_path / "results.xlsx"
    tables = {"a&b <c> \"d\" 'e": pd.DataFrame({"x": [1]}), "ü 中": pd.DataFrame({"x": [2]})}
    write_workbook(path, tables, [])
    assert load_workbook(path).sheetnames == [ANALYSIS_SHEET, *tables]
    assert CalamineWorkbook.from_path(str(path)).sheet_names == [ANALYSIS_SHEET, *tables]


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 51, 52, 701, 702, 16383)] == \
        ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA", "XFD"]


def test_a_long_table_streams_in_chunks(tmp_path: Path) -> None:
    n = 45_001  # more than two chunks
    rng = np.random.default_rng(7)
    frame = pd.DataFrame({"row": np.arange(n), "patient": [f"P{i}" for i in range(n)],
                          "time": rng.exponential(500, n),
                          "reason": np.where(np.arange(n) % 5 == 0, "", "event")})
    frame.loc[10, "time"] = np.nan
    path = tmp_path / "results.xlsx"
    write_workbook(path, {"derived": frame}, [])
    got = pd.read_excel(path, sheet_name="derived", engine="calamine")
    assert got["row"].tolist() == frame["row"].tolist()
    assert got["patient"].tolist() == frame["patient"].tolist()
    np.testing.assert_array_equal(got["time"].to_numpy(), frame["time"].to_numpy())
    assert got["reason"].fillna("").tolist() == frame["reason"].tolist()


@settings(derandomize=True, max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(st.text(TEXT, max_size=12), st.floats(),
                               st.integers(-2**63, 2**63 - 1), st.booleans()),
                     min_size=1, max_size=8))
def test_round_trip_property(tmp_path: Path, rows: list[tuple[str, float, int, bool]]) -> None:
    frame = pd.DataFrame(rows, columns=["text", "number", "integer", "flag"])
    frame["text"] = frame["text"].astype("str")
    path = tmp_path / "results.xlsx"
    write_workbook(path, {"t": frame}, [])
    assert_reads_back(path, {"t": frame})


@pytest.mark.parametrize("text", ["\x00", "\x1f", "a_x0001_b", "_X00ff_", "&#13;", "_x00_x0041_"])
def test_escapes_are_decoded_by_calamine(tmp_path: Path, text: str) -> None:
    path = tmp_path / "results.xlsx"
    write_workbook(path, {"t": pd.DataFrame({"t": [text]})}, [])
    assert read_calamine(path)["t"][1] == [text]


def test_non_characters_are_written_as_excels_escape(tmp_path: Path) -> None:
    path = tmp_path / "results.xlsx"
    write_workbook(path, {"t": pd.DataFrame({"t": ["a\ufffe\uffffb"]})}, [])
    assert read_openpyxl(path)["t"][1] == ["a\ufffe\uffffb"]  # as Excel decodes it


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_reads_every_sheet(tmp_path: Path) -> None:
    """A third reader, the nearest to Excel: LibreOffice turns every sheet into a CSV (its
    numbers to 15 significant digits, as it shows them)."""
    tables = hostile_tables()
    path = tmp_path / "results.xlsx"
    write_workbook(path, tables, [("Program", "resort-gui")])
    every_sheet = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                    "--headless", "--convert-to", every_sheet, "--outdir", str(tmp_path),
                    str(path)], check=True, capture_output=True, timeout=300)
    for name, frame in tables.items():
        with (tmp_path / f"results-{name}.csv").open(encoding="utf-8", newline="") as handle:
            got = trimmed([[v or None for v in row] for row in csv.reader(handle)],
                          frame.shape[1])
        want = expected_grid(frame)
        assert len(got) == len(want), name
        for got_row, want_row in zip(got, want, strict=True):
            for g, w in zip(got_row, want_row, strict=True):
                if isinstance(w, bool):
                    assert g == str(w).upper(), (name, g, w)
                elif isinstance(w, int | float):
                    assert math.isclose(float(g), w, rel_tol=1e-14), (name, g, w)
                else:
                    assert g == w, (name, g, w)


def test_a_sheet_beyond_the_zip32_limit_gets_a_zip64_entry(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """zipfile refuses to close an entry larger than ZIP64_LIMIT unless it was opened as ZIP64:
    with the limit lowered to a few kB, a long text makes the writer ask for it."""
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 20_000)
    tables = {"long": pd.DataFrame({"text": ["x" * 1_000] * 30, "n": range(30)})}
    path = tmp_path / "results.xlsx"
    write_workbook(path, tables, [])
    monkeypatch.undo()
    assert_reads_back(path, tables)
