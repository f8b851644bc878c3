"""read_table: one case per way a real export looks, with the spreadsheet's own row numbers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from resort_gui.domain.errors import InputError
from resort_gui.io import read_table
from resort_gui.io.table import preview, sheet_names


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"])
def test_encodings(tmp_path: Path, encoding: str) -> None:
    path = write(tmp_path / "t.csv", "paziente;età;esito\r\nRossi;61;sì\r\nMüller;70;no\r\n",
                 encoding)
    raw = read_table(path)
    assert list(raw.frame.columns) == ["paziente", "età", "esito"]
    assert raw.frame["paziente"].tolist() == ["Rossi", "Müller"]
    assert raw.frame["esito"].tolist() == ["sì", "no"]


def test_cp1252_only_characters_use_windows_1252(tmp_path: Path) -> None:
    raw = read_table(write(tmp_path / "t.csv", "note,x\n“quoted” – €5,1\n", "cp1252"))
    assert raw.frame["note"].iloc[0] == "“quoted” – €5"
    assert "Windows-1252" in raw.dialect


@pytest.mark.parametrize(("delimiter", "name"), [(",", "comma"), (";", "semicolon"),
                                                 ("\t", "tab"), ("|", "bar")])
def test_delimiters(tmp_path: Path, delimiter: str, name: str) -> None:
    lines = ["id", "time", "status"], ["a", "1.5", "1"], ["b", "2", "0"]
    raw = read_table(write(tmp_path / "t.txt", "\n".join(delimiter.join(r) for r in lines)))
    assert raw.frame["time"].tolist() == [1.5, 2.0]
    assert raw.dialect.startswith(name)


def test_decimal_comma_is_sniffed_across_the_whole_file(tmp_path: Path) -> None:
    rows = ["id;months;status"] + [f"p{i};{i};1" for i in range(300)] + ["late;12,75;0"]
    raw = read_table(write(tmp_path / "t.csv", "\n".join(rows)))
    assert raw.frame["months"].iloc[-1] == 12.75
    assert "decimal comma" in raw.dialect


def test_decimal_point_with_semicolons(tmp_path: Path) -> None:
    raw = read_table(write(tmp_path / "t.csv", "id;months\na;1.5\nb;2.25\n"))
    assert raw.frame["months"].tolist() == [1.5, 2.25]


def test_excel_sep_line(tmp_path: Path) -> None:
    raw = read_table(write(tmp_path / "t.csv", "sep=;\nid;months\na;1,5\n"))
    assert raw.frame["months"].tolist() == [1.5]
    assert raw.row_numbers().tolist() == [2]  # Excel hides the sep= line


def test_title_rows_blank_rows_and_footer_keep_row_numbers(tmp_path: Path) -> None:
    text = ("RESORT data export;;\nexported 2019-03-01;;\n\nid;months;status\n"
            "P1;1;1\n\nP2;2;0\nP3;3;1\nEnd of data;;\n")
    raw = read_table(write(tmp_path / "t.csv", text))
    assert raw.header_row == 4
    assert raw.frame["id"].tolist() == ["P1", "P2", "P3"]
    assert raw.row_numbers().tolist() == [5, 7, 8]
    assert [(e.row, e.reason) for e in raw.dropped] == [(9, "not a patient row ('End of data')")]
    assert any(i.code == "header_found" for i in raw.issues)


@pytest.mark.parametrize("footer", ["Total;120;", "Totale;120;", "N = 3;;", "Summe;3;",
                                    ";;Source: hospital registry, extracted by the CRO"])
def test_footers_are_not_patients(tmp_path: Path, footer: str) -> None:
    raw = read_table(write(tmp_path / "t.csv", f"id;months;status\nP1;1;1\nP2;2;0\n{footer}\n"))
    assert raw.frame["id"].tolist() == ["P1", "P2"]
    assert [e.row for e in raw.dropped] == [4]


def test_a_patient_with_only_an_id_is_not_a_footer(tmp_path: Path) -> None:
    raw = read_table(write(tmp_path / "t.csv", "id;months;status\nP1;1;1\nP2;;\n"))
    assert raw.frame["id"].tolist() == ["P1", "P2"] and not raw.dropped


def test_blank_and_duplicate_names_are_made_unique_and_reported(tmp_path: Path) -> None:
    raw = read_table(write(tmp_path / "t.csv", "date,,date,date,\n2015-01-01,x,2016-01-01,y,\n"))
    assert list(raw.frame.columns) == ["date", "column_B", "date_2", "date_3"]
    notes = [i.message for i in raw.issues if i.code == "column_renamed"]
    assert len(notes) == 3 and "Column B has no name" in notes[0]
    assert "Column C" in notes[1] and "'date_2'" in notes[1]


def test_rows_longer_than_the_header_widen_the_table(tmp_path: Path) -> None:
    rows = ["id,months"] + [f"p{i},{i}" for i in range(250)] + ["late,3,extra"]
    raw = read_table(write(tmp_path / "t.csv", "\n".join(rows)))
    assert list(raw.frame.columns) == ["id", "months", "column_C"]
    assert raw.frame["column_C"].iloc[-1] == "extra"


def test_truncated_last_line_is_read_as_is(tmp_path: Path) -> None:
    raw = read_table(write(tmp_path / "t.csv", "id,months,status\nP1,1,1\nP2,2"))
    assert raw.frame["status"].isna().tolist() == [False, True]


def test_header_row_override(tmp_path: Path) -> None:
    text = "id;months\nversion 2;\ncode;durata\nP1;3\n"
    raw = read_table(write(tmp_path / "t.csv", text), header_row=3)
    assert list(raw.frame.columns) == ["code", "durata"]
    assert raw.row_numbers().tolist() == [4]
    with pytest.raises(InputError) as error:
        read_table(tmp_path / "t.csv", header_row=40)
    assert error.value.code == "header_row_out_of_range"


def workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_workbook_chooses_the_sheet_with_the_table(tmp_path: Path) -> None:
    path = workbook(tmp_path / "t.xlsx", {
        "README": [["This workbook holds the RESORT data."], ["Version 3"]],
        "patients": [["RESORT"], [], ["id", "randomised", "months"],
                     ["P1", dt.date(2015, 3, 2), 4.5], ["P2", dt.date(2016, 1, 31), 7]],
        "codes": [["code", "meaning"], [1, "yes"]],
    })
    raw = read_table(path)
    assert raw.sheet == "patients" and raw.sheets == ("README", "patients", "codes")
    assert raw.frame["randomised"].dtype.kind == "M"
    assert raw.frame["months"].tolist() == [4.5, 7.0]
    assert raw.row_numbers().tolist() == [4, 5]
    assert any(i.code == "sheet_chosen" for i in raw.issues)
    assert read_table(path, sheet="codes").frame["meaning"].tolist() == ["yes"]
    assert sheet_names(path) == ("README", "patients", "codes")


def test_unknown_sheet_lists_the_sheets(tmp_path: Path) -> None:
    path = workbook(tmp_path / "t.xlsx", {"a": [["x", "y"], [1, 2]], "b": [["x", "y"], [1, 2]]})
    with pytest.raises(InputError) as error:
        read_table(path, sheet="data")
    assert error.value.code == "sheet_not_found" and "'a', 'b'" in str(error.value)


def test_mixed_cells_stay_as_the_user_typed_them(tmp_path: Path) -> None:
    path = workbook(tmp_path / "t.xlsx", {"s": [["id", "months", "relapse"],
                                               ["P1", 3.5, True], ["P2", "unknown", False],
                                               ["P3", 7, "yes"]]})
    frame = read_table(path).frame
    assert frame["months"].tolist() == [3.5, "unknown", 7.0]
    assert frame["relapse"].tolist() == [True, False, "yes"]


def test_ods_and_xls(tmp_path: Path) -> None:
    frame = pd.DataFrame({"id": ["a", "b"], "months": [1.5, 2.0]})
    frame.to_excel(tmp_path / "t.ods", index=False, engine="odf")
    assert read_table(tmp_path / "t.ods").frame["months"].tolist() == [1.5, 2.0]
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook()
    sheet = book.add_sheet("data")
    for r, row in enumerate([["id", "months"], ["a", 1.5], ["b", 2.0]]):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.save(str(tmp_path / "t.xls"))
    assert read_table(tmp_path / "t.xls").frame["months"].tolist() == [1.5, 2.0]


def test_xlsx_named_xls_is_read_by_content(tmp_path: Path) -> None:
    path = workbook(tmp_path / "t.xlsx", {"s": [["id", "months"], ["a", 1]]})
    renamed = path.rename(tmp_path / "t.xls")
    assert read_table(renamed).frame["months"].tolist() == [1.0]


def test_sav_value_labels_and_variable_labels(tmp_path: Path) -> None:
    pyreadstat = pytest.importorskip("pyreadstat")
    frame = pd.DataFrame({"id": ["a", "b", "c"], "arm": [2.0, 1.0, 2.0], "months": [1.0, 2, 3],
                          "status": [1.0, 0.0, 999.0], "rand": [dt.date(2015, 1, 2)] * 3})
    path = tmp_path / "t.sav"
    pyreadstat.write_sav(frame, str(path),
                         column_labels={"months": "Time to relapse (months)"},
                         variable_value_labels={"arm": {1: "observation", 2: "sorafenib"},
                                                "status": {999: "not known"}})
    raw = read_table(path)
    arm = raw.frame["arm"]
    assert isinstance(arm.dtype, pd.CategoricalDtype)
    assert list(arm.cat.categories) == ["observation", "sorafenib"]
    assert arm.tolist() == ["sorafenib", "observation", "sorafenib"]
    assert raw.frame["status"].tolist() == [1.0, 0.0, "not known"]  # partly labelled
    assert raw.labels["months"] == "Time to relapse (months)"
    assert raw.frame["rand"].dtype.kind == "M"
    assert raw.row_numbers().tolist() == [1, 2, 3]


def test_dta_reads_like_sav(tmp_path: Path) -> None:
    pyreadstat = pytest.importorskip("pyreadstat")
    frame = pd.DataFrame({"arm": [1, 2], "months": [1.5, 2.5]})
    pyreadstat.write_dta(frame, str(tmp_path / "t.dta"),
                         variable_value_labels={"arm": {1: "A", 2: "B"}})
    raw = read_table(tmp_path / "t.dta")
    assert raw.frame["arm"].tolist() == ["A", "B"]


def test_preview_shows_title_rows_and_the_header_found(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", "My trial;;\n\nid;months;status\nP1;1,5;1\nP2;2;0\n")
    shown = preview(path, n=1)
    assert shown.header_row == 3
    assert shown.columns == ("id", "months", "status")
    assert shown.top[0] == (1, ("My trial", "", ""))
    assert shown.top[3] == (4, ("P1", "1,5", "1"))
    assert "semicolon" in shown.dialect


def test_input_file_is_not_modified(tmp_path: Path) -> None:
    path = workbook(tmp_path / "t.xlsx", {"s": [["id", "months"], ["a", 1]]})
    before = path.read_bytes(), path.stat().st_mtime_ns
    read_table(path)
    preview(path)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_folder_and_missing_file(tmp_path: Path) -> None:
    for path in (tmp_path, tmp_path / "nothing.csv"):
        with pytest.raises(InputError) as error:
            read_table(path)
        assert error.value.code == "file_not_found"


def test_row_numbers_are_integers(tmp_path: Path) -> None:
    raw = read_table(write(tmp_path / "t.csv", "a,b\n1,2\n"))
    assert raw.row_numbers().dtype == np.int64
