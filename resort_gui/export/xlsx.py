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
from resort_gui.export.safe_write import neutralise_cell, write_atomically
from resort_gui.export.tables import result_tables, write_csv

ANALYSIS_SHEET = "Analysis"
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_MAX_SHEET_NAME = 31  # Excel's limit
_MAX_COLUMN_WIDTH = 60


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
    (field, value) rows, atomically."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = ANALYSIS_SHEET
    _fill(sheet, pd.DataFrame(list(analysis), columns=["Field", "Value"]))
    used = {ANALYSIS_SHEET.casefold()}
    for name, frame in tables.items():
        _fill(book.create_sheet(sheet_name(name, used)), frame)
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


def _fill(sheet: Any, frame: pd.DataFrame) -> None:
    from openpyxl.styles import Font

    header = [str(c) for c in frame.columns]
    for col, text in enumerate(header, start=1):
        cell = sheet.cell(row=1, column=col)
        _set(cell, text)
        cell.font = Font(bold=True)
    widths = [len(t) for t in header]
    for row_index, row in enumerate(frame.itertuples(index=False, name=None), start=2):
        for col, value in enumerate(row, start=1):
            cell = sheet.cell(row=row_index, column=col)
            _set(cell, value)
            widths[col - 1] = max(widths[col - 1], len(str(cell.value or "")))
    for col, width in enumerate(widths, start=1):
        letter = sheet.cell(row=1, column=col).column_letter
        sheet.column_dimensions[letter].width = min(_MAX_COLUMN_WIDTH, width + 2)
    sheet.freeze_panes = "A2"


def _set(cell: Any, value: Any) -> None:
    """Numbers as numbers (NaN and infinity as an empty cell, as in the CSVs), everything else
    as neutralised text whose type is forced to string, never formula."""
    value = _plain(value)
    if value is None or isinstance(value, bool | int | float):
        cell.value = value
        return
    cell.value = neutralise_cell(str(value))
    cell.data_type = "s"  # openpyxl would take a leading "=" for a formula


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
