"""One Excel workbook with every table of the ``analyze`` contract on its own sheet, after an
"Analysis" sheet that says where the numbers come from.

Generic over ``result_tables``: a table added to the contract gets its sheet without a change
here. Values are the CSVs' values (full precision, empty where NaN); text goes through the same
``neutralise_cell`` as the CSVs and is stored as a string cell, so no cell is ever a formula.
After them, Table 1 and the adverse-event table as the report prints them (``*_printed``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from resort_gui.domain.results import AnalysisResult
from resort_gui.export.report import analysis_description, printed_tables
from resort_gui.export.safe_write import neutralise_cell, refuse_protected, write_atomically
from resort_gui.export.tables import result_tables, write_csv

ANALYSIS_SHEET = "Analysis"
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_MAX_SHEET_NAME = 31  # Excel's limit
_MAX_COLUMN_WIDTH = 60
EXCEL_MAX_ROWS = 1_048_576  # rows per sheet, the header included


def write_tables(result: AnalysisResult, folder: Path, created: datetime | None = None,
                 protect: tuple[Path, ...] = ()) -> list[Path]:
    """The CSVs of the ``analyze`` contract and ``results.xlsx`` in ``folder``; returns the
    paths written."""
    tables = result_tables(result)
    written = []
    for stem, frame in tables.items():
        write_csv(frame, folder / f"{stem}.csv", protect=protect)
        written.append(folder / f"{stem}.csv")
    path = folder / "results.xlsx"
    write_workbook(path, {**tables, **printed_tables(result)},
                   analysis_description(result, created), protect=protect)
    return [*written, path]


def write_workbook(path: Path, tables: Mapping[str, pd.DataFrame],
                   analysis: Iterable[tuple[str, str]], protect: tuple[Path, ...] = ()) -> None:
    """Write ``tables`` (one sheet each, named by their key) after an "Analysis" sheet of
    (field, value) rows, atomically. openpyxl's write-only mode streams the rows (a
    200,000-patient workbook took 11 s cell by cell); a table longer than Excel's sheet is
    left out with a line on the Analysis sheet pointing to its CSV."""
    from openpyxl import Workbook

    refuse_protected(path, protect)  # before any sheet streams: none is left half-written
    book = Workbook(write_only=True)
    too_long = [name for name, frame in tables.items() if len(frame) >= EXCEL_MAX_ROWS]
    notes = [(f"Sheet {name}", f"{len(tables[name]):,} rows exceed Excel's limit of "
                               f"{EXCEL_MAX_ROWS:,}: see {name}.csv") for name in too_long]
    _fill(book, ANALYSIS_SHEET,
          pd.DataFrame([*analysis, *notes], columns=["Field", "Value"]))
    used = {ANALYSIS_SHEET.casefold()}
    for name, frame in tables.items():
        if name not in too_long:
            _fill(book, sheet_name(name, used), frame)
    write_atomically(path, book.save, binary=True, protect=protect)


def sheet_name(name: str, used: set[str]) -> str:
    """A valid, unique sheet name: Excel forbids []:*?/\\, more than 31 characters and two
    names that differ only in case."""
    base = _SHEET_FORBIDDEN.sub("_", name).strip("'")[:_MAX_SHEET_NAME] or "Sheet"
    candidate, n = base, 1
    while candidate.casefold() in used:
        n += 1
        suffix = f" ({n})"
        candidate = base[:_MAX_SHEET_NAME - len(suffix)] + suffix
    used.add(candidate.casefold())
    return candidate


def _fill(book: Any, title: str, frame: pd.DataFrame) -> None:
    """Append ``frame`` as a new sheet: bold header, frozen, columns as wide as their text."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = book.create_sheet(title)
    sheet.freeze_panes = "A2"
    cells = _cell_values(frame)
    header = [neutralise_cell(str(name)) for name in frame.columns]
    for col, name in enumerate(header, start=1):
        width = max([len(name), *(len(str(v)) for v in cells[col - 1] if v is not None)])
        sheet.column_dimensions[get_column_letter(col)].width = min(_MAX_COLUMN_WIDTH, width + 2)
    bold = Font(bold=True)
    header_cells = [WriteOnlyCell(sheet, name) for name in header]
    for cell in header_cells:
        cell.font = bold
    sheet.append(header_cells)
    for row in zip(*cells, strict=True):
        sheet.append(row)


def _cell_values(frame: pd.DataFrame) -> list[list[Any]]:
    """Per column, the values as cells take them: numbers as numbers (NaN and infinity as an
    empty cell, as in the CSVs), everything else as neutralised text. After neutralisation no
    text starts with "=", so openpyxl never reads a formula into a cell."""
    columns = []
    for name in frame.columns:
        column = frame[name]
        if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
            values = column.to_numpy(dtype=np.float64, na_value=np.nan)
            plain = column.astype(object).where(np.isfinite(values), None)
            columns.append(plain.tolist())
        else:
            columns.append([None if (v := _plain(value)) is None
                            else v if isinstance(v, bool | int | float) else neutralise_cell(str(v))
                            for value in column])
    return columns


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
