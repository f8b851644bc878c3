"""results.xlsx: reopened, it holds the CSVs' values sheet by sheet, after an Analysis sheet
that names the file, its SHA-256, the settings, the version and the date."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from resort_gui import __version__
from resort_gui.export.tables import result_tables
from resort_gui.export.xlsx import ANALYSIS_SHEET, sheet_name, write_workbook


def test_one_sheet_per_table_after_the_analysis_sheet(demo_out: Path, demo_result) -> None:
    book = load_workbook(demo_out / "results.xlsx")
    assert book.sheetnames == [ANALYSIS_SHEET, *result_tables(demo_result), "table_1_printed",
                               "adverse_events_printed", "adverse_events_by_grade_printed"]


def test_table_1_and_adverse_events_as_printed(demo_out: Path) -> None:
    book = load_workbook(demo_out / "results.xlsx")
    table_1 = list(book["table_1_printed"].iter_rows(values_only=True))
    assert table_1[0] == ("Characteristic", "observation (n = 36)", "sorafenib (n = 33)",
                          "All patients (n = 69)")
    assert table_1[1][0] == "age, median (IQR)"
    safety = {row[0]: row[1:] for row in book["adverse_events_printed"].iter_rows(
        values_only=True)}
    assert safety["Hand-foot skin reaction"][2:] == ("26 (79%)", "12 (36%)")
    by_grade = list(book["adverse_events_by_grade_printed"].iter_rows(values_only=True))
    assert by_grade[0] == ("Adverse event", "Arm", *(f"Grade {g}" for g in range(1, 6)))
    first = next(i for i, row in enumerate(by_grade) if row[0] == "Hand-foot skin reaction")
    hfsr = by_grade[first + 1]
    assert hfsr[:2] == (None, "sorafenib (n = 33)")
    assert sum(int(cell.split()[0]) for cell in hfsr[2:]) == 26  # every grade of 26 patients
    assert sum(int(cell.split()[0]) for cell in hfsr[4:]) == 12  # grade 3 to 5


def test_every_sheet_equals_its_csv(demo_out: Path, demo_result) -> None:
    book = load_workbook(demo_out / "results.xlsx")
    for name in result_tables(demo_result):
        with (demo_out / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
            expected = list(csv.reader(handle))
        rows = list(book[name].iter_rows(values_only=True))
        assert len(rows) == len(expected), name
        for got_row, want_row in zip(rows, expected, strict=True):
            assert len(got_row) == len(want_row), name
            for got, want in zip(got_row, want_row, strict=True):
                _same_cell(got, want, name)


def _same_cell(got: object, want: str, sheet: str) -> None:
    if got is None:
        assert want == "", (sheet, want)
    elif isinstance(got, bool):
        assert want == str(got), (sheet, got, want)
    elif isinstance(got, int | float):
        assert float(want) == got, (sheet, got, want)  # full precision: the same double
    else:
        assert got == want, (sheet, got, want)


def test_analysis_sheet_names_source_hash_settings_version_and_date(demo_out: Path) -> None:
    sheet = load_workbook(demo_out / "results.xlsx")[ANALYSIS_SHEET]
    fields = dict(sheet.iter_rows(min_row=2, values_only=True))
    recorded = json.loads((demo_out / "analysis.json").read_text())
    assert fields["SHA-256 of the data file"] == recorded["input_sha256"]
    assert fields["Data file"] == "resort_demo.xlsx"
    assert fields["Program"] == f"resort-gui {__version__}"
    assert fields["Analysed on"][:4].isdigit()
    spec = recorded["spec"]
    assert fields["Strata"] == ", ".join(spec["strata"])
    assert fields["Ties (Cox)"].lower() == spec["ties"]
    assert spec["conf_type"] in fields["Confidence interval"] or "log(" in \
        fields["Confidence interval"]
    assert fields["Landmarks"] == "12, 24, 36"


def test_a_new_table_gets_its_own_sheet(tmp_path: Path) -> None:
    tables = {"summary": pd.DataFrame({"group": ["a"], "n": [3]}),
              "a_table_added_by_someone_else_later": pd.DataFrame({"x": [np.nan, 1.5]})}
    path = tmp_path / "results.xlsx"
    write_workbook(path, tables, [("Program", "resort-gui")])
    book = load_workbook(path)
    assert book.sheetnames == [ANALYSIS_SHEET, "summary", "a_table_added_by_someone_else_l"]
    assert [r for r in book.worksheets[2].iter_rows(values_only=True)] == [("x",), (None,),
                                                                        (1.5,)]


def test_sheet_names_are_valid_and_unique() -> None:
    used = {"analysis"}
    assert sheet_name("Analysis", used) == "Analysis (2)"
    assert sheet_name("a/b:c*d?[e]", used) == "a_b_c_d__e_"
    long = "x" * 40
    assert sheet_name(long, used) == "x" * 31
    assert sheet_name(long, used) == "x" * 27 + " (2)"
    assert all(len(n) <= 31 for n in used)


def test_the_input_file_is_never_overwritten(tmp_path: Path) -> None:
    data = tmp_path / "results.xlsx"
    data.write_bytes(b"the user's data")
    with pytest.raises(PermissionError):
        write_workbook(data, {}, [], protect=(data,))
    assert data.read_bytes() == b"the user's data"
