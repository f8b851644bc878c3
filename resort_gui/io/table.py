"""Read a data file into a ``RawTable``: CSV/TSV/TXT, XLSX/XLSM/XLSB/XLS/ODS, SAV, DTA, XPT
and SAS7BDAT.

The file is opened read-only and hashed. The table is found inside the sheet (header row
under title and blank rows, unless ``header_row`` says where), empty rows and unnamed empty
columns are dropped, rows that are plainly not patients are set aside with a reason, and
every row keeps the spreadsheet's own number. Problems with the whole file raise
``InputError`` with a stable code and a message that names the file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from resort_gui.domain.cohort import ExcludedRow
from resort_gui.domain.errors import InputError, Issue
from resort_gui.io import layout, readers
from resort_gui.io.cells import cell_text
from resort_gui.io.decimals import read_other_decimal_mark

SUFFIXES = tuple(readers.SUFFIX_FAMILY)  # every file type read_table accepts
PREVIEW_ROWS = 20


@dataclass(frozen=True, eq=False)
class RawTable:
    """A table as read, before any role is applied.

    ``rows`` holds the spreadsheet's own number of each frame row (title rows, the header
    and skipped blank rows counted); without it the rows are numbered from
    ``first_data_row`` on. ``dropped`` are the rows set aside as plainly not patients (a
    footer, a totals line), ``issues`` notes about the reading (renamed columns, the sheet
    chosen), ``labels`` the variable labels of SPSS/Stata files, ``dialect`` how a text
    file was read. An ADaM ADTTE is read as one row per subject (``io.adam``), with its
    ``parameters``.
    """

    frame: pd.DataFrame
    path: Path
    sheet: str | None
    sheets: tuple[str, ...]
    first_data_row: int
    sha256: str
    rows: np.ndarray | None = None
    header_row: int | None = None
    dropped: tuple[ExcludedRow, ...] = ()
    issues: tuple[Issue, ...] = ()
    labels: Mapping[str, str] = field(default_factory=dict)
    dialect: str = ""
    parameters: tuple[tuple[str, str], ...] = ()  # an ADaM ADTTE's (PARAMCD, PARAM)

    @property
    def name(self) -> str:
        return self.path.name

    def row_numbers(self) -> pd.Index:
        if self.rows is not None:
            return pd.Index(self.rows, dtype=np.int64)
        return pd.RangeIndex(self.first_data_row, self.first_data_row + len(self.frame))


@dataclass(frozen=True)
class TablePreview:
    """The top of a sheet as text for the import panel: ``top`` is (row number, cells) for
    the first rows (title rows included), ``header_row`` the row found (or given) to hold
    the column names, ``columns`` the unique names made from it."""

    sheets: tuple[str, ...]
    sheet: str | None
    header_row: int
    top: tuple[tuple[int, tuple[str, ...]], ...]
    columns: tuple[str, ...]
    labels: Mapping[str, str]
    dialect: str


@dataclass(frozen=True)
class _Sheet:
    """The cells of one sheet (or the sample lines of a text file) and where its header is."""

    grid: Sequence[Sequence[Any]]
    header: int  # index into grid
    sheet: str | None
    sheets: tuple[str, ...]
    issues: tuple[Issue, ...] = ()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_table(path: str | Path, sheet: str | None = None, *,
               header_row: int | None = None) -> RawTable:
    """Read ``path``. For workbooks ``sheet`` names the sheet (default: the sheet that holds
    the largest table); ``header_row`` is the spreadsheet row of the column names (default:
    found under title and blank rows)."""
    from resort_gui.io.adam import adtte_table

    path = _existing(path)
    family = readers.file_family(path)
    if family == readers.TEXT:
        return adtte_table(_read_text(path, header_row))
    sha256 = sha256_of(path)
    if family in (readers.STATS, readers.SAS):
        return adtte_table(_read_stats(path, sha256))
    return adtte_table(_read_workbook(path, sheet, header_row, sha256))


def sheet_names(path: str | Path) -> tuple[str, ...]:
    """The sheets of a workbook, () for other files."""
    path = _existing(path)
    if readers.file_family(path) != readers.WORKBOOK:
        return ()
    return readers.workbook_sheets(path)


def preview(path: str | Path, sheet: str | None = None, header_row: int | None = None,
            n: int = PREVIEW_ROWS) -> TablePreview:
    """The first rows of the sheet (or file) as text, with the header row found or given."""
    path = _existing(path)
    family = readers.file_family(path)
    if family in (readers.STATS, readers.SAS):
        raw = _read_stats(path, "")
        top = [(0, tuple(map(str, raw.frame.columns)))] + [
            (int(r), _texts(row)) for r, row in zip(raw.row_numbers()[:n],
                                                     raw.frame.head(n).itertuples(index=False),
                                                     strict=False)]
        return TablePreview((), None, 0, tuple(top), tuple(raw.frame.columns), raw.labels, "")
    if family == readers.TEXT:
        dialect, found = _text_sheet(path, path.read_bytes(), header_row)
    else:
        found, dialect = _workbook_sheet(path, sheet, header_row,
                                         nrows=layout.HEADER_SEARCH + 50), None
    last = max(found.header + 1 + n, layout.HEADER_SEARCH)
    top = tuple((i + 1, _texts(row)) for i, row in enumerate(found.grid[:last]))
    names = _names(found.grid, found.header).names
    return TablePreview(found.sheets, found.sheet, found.header + 1, top, tuple(names), {},
                        dialect.describe() if dialect else "")


def _texts(row: Sequence[Any]) -> tuple[str, ...]:
    return tuple("" if pd.isna(t) else str(t) for t in cell_text(pd.Series(list(row),
                                                                           dtype=object)))


def _existing(path: str | Path) -> Path:
    path = Path(path)
    if path.is_dir():
        raise InputError("file_not_found", f"{path}: this is a folder, not a data file.")
    if not path.is_file():
        raise InputError("file_not_found", f"{path}: no such file.")
    return path


def _where(path: Path, sheet: str | None) -> str:
    return f"{path.name}, sheet {sheet!r}" if sheet else path.name


def _header_index(grid: Sequence[Sequence[Any]], header_row: int | None, where: str) -> int:
    if header_row is None:
        return layout.find_header(grid, where)
    if not 1 <= header_row <= len(grid):
        raise InputError("header_row_out_of_range",
                         f"{where}: there is no row {header_row} to take the column names "
                         f"from (the table has {len(grid)} rows).")
    return header_row - 1


def _names(grid: Sequence[Sequence[Any]], header: int, width: int = 0) -> layout.ColumnNames:
    width = max(width, *(len(r) for r in grid[header:header + 200]))
    cells = list(grid[header])
    return layout.column_names(cells + [""] * (width - len(cells)))


def _finish(frame: pd.DataFrame, rows: np.ndarray, names: layout.ColumnNames, path: Path,
            found: _Sheet, sha256: str, dialect: str = "",
            line_bytes: np.ndarray | None = None) -> RawTable:
    """Drop empty rows/columns, set aside rows that are not patients, refuse an empty table.
    ``line_bytes``: the first byte of each row's line in a text file, when known."""
    where = _where(path, found.sheet)
    first_row = rows[0] if len(rows) else 0
    if line_bytes is not None and len(line_bytes) != len(rows):
        line_bytes = None
    frame, rows = layout.drop_empty(frame, rows, names.notes)
    line_bytes = line_bytes[rows - first_row] if line_bytes is not None else None
    frame, rows, dropped = layout.remove_rows(frame, rows,
                                              layout.not_patients(frame, rows, line_bytes))
    if frame.empty:
        raise InputError("no_data_rows",
                         f"{where}: the table has column names (row {found.header + 1}) but no "
                         "data rows under them.")
    issues = found.issues + layout.name_issues(frame, names.notes)
    if found.header > 0:
        issues += (Issue("header_found",
                         f"{where}: the column names are on row {found.header + 1}; the rows "
                         "above were skipped.", "info"),)
    return RawTable(frame=frame, path=path, sheet=found.sheet, sheets=found.sheets,
                    first_data_row=found.header + 2, sha256=sha256, rows=rows,
                    header_row=found.header + 1, dropped=dropped, issues=issues,
                    dialect=dialect)


# --- text ----------------------------------------------------------------------------------

def _text_sheet(path: Path, data: bytes, header_row: int | None
                ) -> tuple[readers.TextDialect, _Sheet]:
    text, encoding = readers.decode_text(data, path)
    dialect, lines = readers.sniff_dialect(text, encoding)
    grid = readers.split_lines(lines, dialect.delimiter)
    header = _header_index(grid, header_row, path.name)
    return dialect, _Sheet(grid, header, None, ())


def _read_text(path: Path, header_row: int | None) -> RawTable:
    """The file is read once: its bytes are hashed, and the first byte of each line found
    (for the footer search), in a thread (hashlib and numpy let go of the GIL) while pandas
    parses the table."""
    data = path.read_bytes()
    with ThreadPoolExecutor(max_workers=1) as pool:
        sha256 = pool.submit(lambda: hashlib.sha256(data).hexdigest())
        dialect, found = _text_sheet(path, data, header_row)
        skip = dialect.skip_lines + found.header + 1
        line_bytes = pool.submit(readers.line_first_bytes, data, skip) \
            if dialect.encoding != "UTF-16" else None
        names = _names(found.grid, found.header)
        frame = readers.read_text_body(data, dialect, skip, names.names, path)
        if len(frame.columns) > len(names.names):  # rows longer than the sample showed
            names = _names(found.grid, found.header, len(frame.columns))
            frame.columns = names.names
        other = "," if dialect.decimal == "." else "."
        frame, notes = read_other_decimal_mark(frame, other, path.name)
        found = replace(found, issues=found.issues + notes)
        rows = np.arange(found.header + 2, found.header + 2 + len(frame), dtype=np.int64)
        return _finish(frame, rows, names, path, found, sha256.result(), dialect.describe(),
                       line_bytes.result() if line_bytes is not None else None)


# --- workbooks -----------------------------------------------------------------------------

def _workbook_sheet(path: Path, sheet: str | None, header_row: int | None,
                    nrows: int | None = None) -> _Sheet:
    workbook = readers.open_workbook(path)
    sheets = tuple(workbook.sheet_names)
    if not sheets:
        raise InputError("empty_file", f"{path.name}: the workbook has no sheets.")
    if sheet is not None and sheet not in sheets:
        raise InputError("sheet_not_found",
                         f"{path.name}: there is no sheet {sheet!r}; sheets: "
                         f"{', '.join(map(repr, sheets))}.")
    if sheet is None and len(sheets) > 1:
        return _largest_table(path, workbook, sheets, header_row, nrows)
    chosen = sheet or sheets[0]
    grid = readers.workbook_grid(workbook, path, chosen, nrows)
    return _Sheet(grid, _header_index(grid, header_row, _where(path, chosen)), chosen, sheets)


def _largest_table(path: Path, workbook: Any, sheets: tuple[str, ...],
                   header_row: int | None, nrows: int | None) -> _Sheet:
    """The sheet whose table (below a header row) has the most filled cells."""
    best: _Sheet | None = None
    best_cells = -1
    first_error: InputError | None = None
    for name in sheets:
        grid = readers.workbook_grid(workbook, path, name, nrows)
        try:
            header = _header_index(grid, header_row, _where(path, name))
        except InputError as error:
            first_error = first_error or error
            continue
        cells = sum(1 for row in grid[header + 1:] for c in row if c != "")
        if cells > best_cells:
            best, best_cells = _Sheet(grid, header, name, sheets), cells
    if best is None:
        assert first_error is not None
        raise first_error
    others = ", ".join(repr(s) for s in sheets if s != best.sheet)
    note = Issue("sheet_chosen", f"{path.name}: read sheet {best.sheet!r}, the one with the "
                                 f"table (other sheets: {others}).", "info")
    return _Sheet(best.grid, best.header, best.sheet, sheets, (note,))


def _read_workbook(path: Path, sheet: str | None, header_row: int | None,
                   sha256: str) -> RawTable:
    found = _workbook_sheet(path, sheet, header_row)
    names = _names(found.grid, found.header)
    frame = layout.frame_from_grid(found.grid[found.header + 1:], names.names)
    frame, notes = read_other_decimal_mark(frame, ",.", _where(path, found.sheet))
    found = replace(found, issues=found.issues + notes)
    rows = np.arange(found.header + 2, found.header + 2 + len(frame), dtype=np.int64)
    return _finish(frame, rows, names, path, found, sha256)


# --- SPSS and Stata ------------------------------------------------------------------------

def _read_stats(path: Path, sha256: str) -> RawTable:
    """SPSS/Stata cases (SAS observations) are numbered from 1 (no header row in the file)."""
    frame, labels = (readers.read_sas_file if path.suffix.lower() in (".xpt", ".sas7bdat")
                     else readers.read_stats_file)(path)
    if frame.empty:
        raise InputError("no_data_rows", f"{path.name}: the file has variables but no cases.")
    frame.columns = [str(c) for c in frame.columns]
    rows = np.arange(1, len(frame) + 1, dtype=np.int64)
    return RawTable(frame=frame, path=path, sheet=None, sheets=(), first_data_row=1,
                    sha256=sha256, rows=rows, header_row=None, labels=labels)
