"""One Excel workbook with every table of the ``analyze`` contract on its own sheet, after an
"Analysis" sheet that says where the numbers come from.

Generic over ``result_tables``: a table added to the contract gets its sheet without a change
here. Values are the CSVs' values (full precision, empty where NaN); text goes through the same
``neutralise_cell`` as the CSVs and is stored as a string cell, so no cell is ever a formula.
After them, Table 1 and the adverse-event table as the report prints them (``*_printed``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path

import pandas as pd

from resort_gui.domain.results import AnalysisResult
from resort_gui.export.report import analysis_description, printed_tables
from resort_gui.export.safe_write import refuse_protected, write_atomically
from resort_gui.export.tables import result_tables, write_csv
from resort_gui.export.xlsx_writer import write_xlsx

ANALYSIS_SHEET = "Analysis"
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_MAX_SHEET_NAME = 31  # Excel's limit
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
    (field, value) rows, atomically (``xlsx_writer``: a 200,000-patient workbook in well
    under a second, where openpyxl took 11 s); a table longer than Excel's sheet is left out
    with a line on the Analysis sheet pointing to its CSV."""
    refuse_protected(path, protect)  # before any sheet is made: none is left half-written
    too_long = [name for name, frame in tables.items() if len(frame) >= EXCEL_MAX_ROWS]
    notes = [(f"Sheet {name}", f"{len(tables[name]):,} rows exceed Excel's limit of "
                               f"{EXCEL_MAX_ROWS:,}: see {name}.csv") for name in too_long]
    used = {ANALYSIS_SHEET.casefold()}
    sheets = [(ANALYSIS_SHEET, pd.DataFrame([*analysis, *notes], columns=["Field", "Value"])),
              *((sheet_name(name, used), frame) for name, frame in tables.items()
                if name not in too_long)]
    write_atomically(path, lambda handle: write_xlsx(handle, sheets), binary=True,
                     protect=protect)


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
