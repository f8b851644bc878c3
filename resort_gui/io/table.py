"""Read a spreadsheet file into a ``RawTable`` (CSV or XLSX, header in the first row).

The file is opened read-only and hashed; every problem with the whole file becomes an
``InputError`` that names the file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from resort_gui.domain.errors import InputError

EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
TEXT_SUFFIXES = {".csv", ".tsv", ".txt"}


@dataclass(frozen=True)
class RawTable:
    """A table as read, before any role is applied.

    ``first_data_row`` is the spreadsheet's own number of the frame's first row (2 when the
    header is on row 1), so that messages can name rows as the user sees them.
    """

    frame: pd.DataFrame
    path: Path
    sheet: str | None
    sheets: tuple[str, ...]
    first_data_row: int
    sha256: str

    @property
    def name(self) -> str:
        return self.path.name

    def row_numbers(self) -> pd.Index:
        return pd.RangeIndex(self.first_data_row, self.first_data_row + len(self.frame))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_table(path: str | Path, sheet: str | None = None) -> RawTable:
    """Read ``path``; for workbooks, ``sheet`` (default: the first sheet)."""
    path = Path(path)
    if not path.is_file():
        raise InputError("file_not_found", f"{path}: no such file.")
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        frame, sheets, sheet = _read_workbook(path, sheet)
    elif suffix in TEXT_SUFFIXES:
        frame, sheets = _read_text(path), ()
    else:
        raise InputError("unsupported_format",
                         f"{path.name}: cannot read files of type '{suffix or 'none'}'. "
                         "Save it as .xlsx or .csv.")
    frame = frame.dropna(how="all").dropna(axis=1, how="all")
    if frame.empty:
        raise InputError("empty_file", f"{path.name}: the table has no data rows.")
    frame.columns = [str(c).strip() for c in frame.columns]
    return RawTable(frame=frame.reset_index(drop=True), path=path, sheet=sheet, sheets=sheets,
                    first_data_row=2, sha256=sha256_of(path))


def _read_text(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path, sep=None, engine="python", encoding="utf-8-sig")
    except pd.errors.EmptyDataError:
        raise InputError("empty_file", f"{path.name}: the file is empty.") from None
    except (UnicodeDecodeError, pd.errors.ParserError, ValueError, OSError) as exc:
        raise InputError("unreadable_file",
                         f"{path.name}: could not be read as a table ({type(exc).__name__}).") \
            from None


def _read_workbook(path: Path, sheet: str | None) -> tuple[pd.DataFrame, tuple[str, ...], str]:
    try:
        from python_calamine import CalamineWorkbook

        sheets = tuple(CalamineWorkbook.from_path(str(path)).sheet_names)
    except Exception as exc:  # calamine raises its own untyped errors for damaged files
        raise InputError("unreadable_file",
                         f"{path.name}: could not be opened as a workbook "
                         f"({type(exc).__name__}).") from None
    if not sheets:
        raise InputError("empty_file", f"{path.name}: the workbook has no sheets.")
    chosen = sheets[0] if sheet is None else sheet
    if chosen not in sheets:
        raise InputError("sheet_not_found",
                         f"{path.name}: there is no sheet {chosen!r}; "
                         f"sheets: {', '.join(sheets)}.")
    try:
        frame = pd.read_excel(path, sheet_name=chosen, engine="calamine")
    except Exception as exc:  # noqa: BLE001 - same: damaged workbook contents
        raise InputError("unreadable_file",
                         f"{path.name}, sheet {chosen!r}: could not be read "
                         f"({type(exc).__name__}).") from None
    return frame, sheets, chosen
