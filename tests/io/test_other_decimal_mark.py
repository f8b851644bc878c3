"""'12,5' among whole numbers is a number, whatever mark the rest of the file uses."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from resort_gui.io import read_table

HEADER = "id;months;relapse;weight\n"


def rows(last_months: str, weight: str = "70.5") -> str:
    body = "".join(f"P{i};{i + 3};{i % 2};{weight}\n" for i in range(1, 30))
    return HEADER + body + f"P30;{last_months};1;{weight}\n"


def test_a_decimal_comma_among_whole_numbers_in_a_point_file(tmp_path: Path) -> None:
    path = tmp_path / "trial.csv"
    path.write_text(rows("12,5"), encoding="utf-8")
    raw = read_table(path)
    assert raw.frame["months"].dtype.kind == "f" and raw.frame["months"].iloc[-1] == 12.5
    assert raw.frame["weight"].iloc[0] == 70.5
    [note] = [i for i in raw.issues if i.code == "other_decimal_mark"]
    assert "'months'" in note.message and "'12,5'" in note.message


def test_a_decimal_point_among_whole_numbers_in_a_comma_file(tmp_path: Path) -> None:
    path = tmp_path / "trial.csv"
    path.write_text(rows("12.5", weight="70,5"), encoding="utf-8")
    raw = read_table(path)
    assert raw.frame["months"].iloc[-1] == 12.5 and raw.frame["weight"].iloc[0] == 70.5


def test_a_column_mixing_both_marks_is_left_as_text(tmp_path: Path) -> None:
    path = tmp_path / "trial.csv"
    path.write_text(rows("12,5").replace("P29;32;", "P29;1.234;"), encoding="utf-8")
    raw = read_table(path)
    assert raw.frame["months"].dtype.kind != "f"
    assert not [i for i in raw.issues if i.code == "other_decimal_mark"]


@pytest.mark.parametrize("typed", ["12,5", "12.5"])
def test_a_number_typed_as_text_in_a_workbook(tmp_path: Path, typed: str) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "months", "relapse"])
    for i in range(1, 20):
        sheet.append([f"P{i}", i + 3, i % 2])
    sheet.append(["P20", typed, 1])
    path = tmp_path / "trial.xlsx"
    book.save(path)
    raw = read_table(path)
    assert raw.frame["months"].dtype.kind == "f" and raw.frame["months"].iloc[-1] == 12.5
