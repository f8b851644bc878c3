"""A table longer than an Excel sheet is left out of the workbook with a note, not cut."""

from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import load_workbook

from resort_gui.export.xlsx import EXCEL_MAX_ROWS, write_workbook


def test_a_table_longer_than_a_sheet_points_to_its_csv(tmp_path: Path) -> None:
    path = tmp_path / "results.xlsx"
    tables = {"summary": pd.DataFrame({"group": ["=A1", "B"], "n": [3, 4]}),
              "derived": pd.DataFrame({"time": np.zeros(EXCEL_MAX_ROWS)})}
    write_workbook(path, tables, [("Program", "resort-gui")])
    book = load_workbook(path, read_only=True)
    assert book.sheetnames == ["Analysis", "summary"]
    notes = {row[0]: row[1] for row in book["Analysis"].iter_rows(min_row=2, values_only=True)}
    assert "derived.csv" in notes["Sheet derived"]
    rows = list(book["summary"].iter_rows(values_only=True))
    assert rows == [("group", "n"), ("'=A1", 3), ("B", 4)]
    book.close()
