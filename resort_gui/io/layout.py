"""Finding the table inside a sheet: the header row under title and blank rows, unique
column names, typed columns, and the rows that are plainly not patients (footers, totals).

Row numbers are always the spreadsheet's own (1 = the first line of the file or sheet).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from resort_gui.domain.cohort import ExcludedRow
from resort_gui.domain.errors import InputError, Issue
from resort_gui.io.cells import cell_text

HEADER_SEARCH = 30  # the header must be within the first rows of a sheet
_NUMBER = re.compile(r"^[-+]?(\d+([.,]\d*)?|[.,]\d+)([eE][-+]?\d+)?%?$")
_DATE = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}")
_NOTE = re.compile(r"[^\W\d_]{2,}\S*\s+\S*[^\W\d_]{2,}")  # two words: a note, not an id
_FOOTER_WORDS = (  # each starts with a letter (see _FOOTER_LINE)
    r"end\s+of(\s+the)?\s+(data|file|table|list)", r"fine\s+(dei\s+|del\s+)?"
    r"(dati|file|tabella|elenco)", r"ende\s+der\s+(daten|tabelle)", r"fin\s+des\s+donn",
    r"fin\s+de\s+(los\s+)?datos", r"totale?s?", r"totali", r"gesamt\w*", r"summe", r"somma",
    r"sum", r"totaux", r"average", r"mean", r"media", r"n\s*=")
FOOTER = re.compile(r"^\s*(" + "|".join(_FOOTER_WORDS) + r")(\W|$)", re.IGNORECASE)
_FOOTER_LETTERS = "".join(sorted({w[0] for w in _FOOTER_WORDS}))
_FOOTER_LINE = re.compile(  # a line of "\n"-joined cells that starts like FOOTER
    r"\n[^\S\n]*(?=[" + _FOOTER_LETTERS + r"])(?:" + "|".join(_FOOTER_WORDS) + r")(?=\W|$)",
    re.IGNORECASE)


@dataclass(frozen=True)
class ColumnNames:
    """Unique names for the header cells, and a note for each name the file did not give."""

    names: list[str]
    notes: dict[str, str]


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: the spreadsheet's column letters."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def is_label(cell: Any) -> bool:
    """A cell that can be a column name: text that is neither a number nor a date."""
    if not isinstance(cell, str):
        return False
    text = cell.strip()
    return bool(text) and not _NUMBER.match(text) and not _DATE.match(text)


def _filled(row: Sequence[Any]) -> list[Any]:
    return [c for c in row if not _empty(c)]


def _empty(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip()) or (
        isinstance(cell, float) and math.isnan(cell))


def find_header(rows: Sequence[Sequence[Any]], where: str) -> int:
    """Index (in ``rows``) of the row of column names: among the rows above the first data
    row (one with a number or date), those whose filled cells (at least two, or half the
    table's width) are all text that is not a number or date; the fullest, the first of
    equals (a title or "key: value" row above the header has fewer cells)."""
    counts = [len(_filled(r)) for r in rows[:HEADER_SEARCH + 50]]
    if not any(counts):
        raise InputError("empty_file", f"{where}: there is no data (every cell is empty).")
    width = max(counts)
    needed = max(min(2, width), math.ceil(width / 2))
    first_data = next((i for i, row in enumerate(rows[:len(counts)])
                       if counts[i] >= needed and not all(map(is_label, _filled(row)))),
                      len(counts))
    candidates = [i for i in range(min(first_data, HEADER_SEARCH))
                  if counts[i] >= needed and all(map(is_label, _filled(rows[i])))]
    if candidates:
        return max(candidates, key=lambda i: (counts[i], -i))
    first = next(i for i, n in enumerate(counts) if n)
    raise InputError("no_header",
                     f"{where}: no row of column names found (row {first + 1} starts with "
                     f"{_filled(rows[first])[0]!r}). Add a row with the column names above the "
                     "data, or say which row holds them with --header-row N.")


def column_names(cells: Sequence[Any]) -> ColumnNames:
    """Header cells as unique names; a blank one becomes ``column_<letter>``, a repeated one
    ``<name>_2``, ``<name>_3``... with a note saying so."""
    names: list[str] = []
    notes: dict[str, str] = {}
    texts = cell_text(pd.Series(list(cells), dtype=object))  # NaN: empty
    for index, text in enumerate(texts.fillna("")):
        letter = column_letter(index)
        name = text or f"column_{letter}"
        if not text:
            notes[name] = f"Column {letter} has no name in the header; it is called {name!r}."
        base, copy = name, 2
        while name in names:
            name, copy = f"{base}_{copy}", copy + 1
        if name != base:
            notes[name] = (f"Column {letter} has the same name as an earlier column "
                           f"({base!r}); it is called {name!r}.")
        names.append(name)
    return ColumnNames(names, notes)


def frame_from_grid(rows: Sequence[Sequence[Any]], names: list[str]) -> pd.DataFrame:
    """Cells to typed columns: numbers -> float, dates -> datetime64, text -> str, mixed
    columns stay object (each cell is judged when the column gets a role)."""
    columns = _columns(rows, len(names))
    return pd.DataFrame({name: _typed(values) for name, values in zip(names, columns,
                                                                       strict=True)})


def _columns(rows: Sequence[Sequence[Any]], width: int) -> list[Sequence[Any]]:
    """The columns of ``rows`` padded with "" or cut to ``width`` cells: one object array
    cut in columns (six times faster than ``zip(*rows)``) when the rows have that width."""
    grid = np.array(rows, dtype=object)
    if grid.shape == (len(rows), width):
        return list(grid.T)
    padded = [list(r[:width]) + [""] * (width - len(r)) for r in rows]
    return list(zip(*padded, strict=True)) if padded else [()] * width


def _typed(values: Sequence[Any]) -> pd.Series:
    column = pd.Series(values, dtype=object)
    codes, uniques = pd.factorize(column, use_na_sentinel=True)  # each distinct cell once
    blank = np.array([_empty(u) for u in uniques] + [True], dtype=bool)[codes]  # -1: NA
    column = column.mask(blank, None)
    kind = pd.api.types.infer_dtype(column, skipna=True)
    if kind in ("floating", "integer", "mixed-integer-float"):
        return column.astype(float)
    if kind in ("date", "datetime"):
        return pd.to_datetime(column.map(_as_datetime))
    if kind == "string":
        return column.astype("str")
    return column


def _as_datetime(value: Any) -> Any:
    return dt.datetime(value.year, value.month, value.day) \
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else value


def drop_empty(frame: pd.DataFrame, rows: np.ndarray,
               notes: dict[str, str]) -> tuple[pd.DataFrame, np.ndarray]:
    """Drop empty rows, and empty columns the header did not name."""
    unnamed = [c for c in frame.columns if c in notes and c.startswith("column_")]
    blank = [c for c in unnamed if frame[c].isna().all()]
    frame = frame.drop(columns=blank)
    if frame.columns.empty or any(isinstance(t, np.dtype) and t.kind in "biu"
                                  for t in frame.dtypes):
        return frame, rows  # nothing, or a column of numpy integers: no cell is missing
    maybe_empty = np.flatnonzero(_missing(frame.iloc[:, 0]))  # others have a cell
    empty = maybe_empty[frame.iloc[maybe_empty].isna().all(axis=1).to_numpy()]
    if not empty.size:
        return frame, rows
    keep = np.ones(len(frame), dtype=bool)
    keep[empty] = False
    return frame[keep].reset_index(drop=True), rows[keep]


def not_patients(frame: pd.DataFrame, rows: np.ndarray,
                 line_bytes: np.ndarray | None = None) -> dict[int, str]:
    """Positions of rows that are plainly not patients, with the reason: a footer or totals
    line ("End of data", "Total"...) anywhere, or lone notes below the last patient.
    ``line_bytes``, when given, is the first byte of each row's line in a text file."""
    found: dict[int, str] = {}
    for position in _footer_candidates(frame, line_bytes):
        first = _first_cell(frame.iloc[position])
        if first is not None and FOOTER.match(first):
            found[position] = f"not a patient row ({first!r})"
    if len(frame.columns) >= 3:
        for position in range(len(frame) - 1, max(len(frame) - 20, -1), -1):
            cells = frame.iloc[position].dropna()
            if len(cells) != 1 or not _NOTE.search(str(cells.iloc[0])):
                break
            found[position] = f"not a patient row ({str(cells.iloc[0]).strip()!r})"
    return found


def _footer_candidates(frame: pd.DataFrame, line_bytes: np.ndarray | None = None
                       ) -> np.ndarray:
    """Rows whose first cell is footer-like text, or empty (their first filled cell is then
    looked at one by one). The first byte of each row's line in a text file, when given,
    tells which few rows may be either; otherwise the cells are joined in one text, a line
    each, and the byte after each line break tells which cells may start like a footer
    (with a footer word's first letter, a space or a non-ASCII character): those are
    searched with one regex (a regex call per cell costs half a second on a million rows).
    Candidates are checked by the caller, so a cell read as text that is not (a number)
    does no harm."""
    if frame.columns.empty:
        return np.array([], dtype=np.int64)
    column = frame.iloc[:, 0]
    if column.dtype.kind in "biufcmM":  # numbers or dates: no text to search
        return np.flatnonzero(column.isna().to_numpy())
    if line_bytes is not None and len(line_bytes) == len(column):
        maybe = np.flatnonzero(_FOOTER_OR_MISSING_START[line_bytes])
        if len(maybe) <= len(column) // 32:
            return maybe[[_is_footer_or_missing(v) for v in column.iloc[maybe]]].astype(np.int64)
    first = column.to_numpy(dtype=object)
    hits = np.zeros(len(first), dtype=bool)
    try:  # "\n" before every cell and one after the last
        cells, text = first, "\n".join(itertools.chain(("",), first, ("",)))
    except TypeError:  # a cell that is not text: missing (NaN), or a number in a mixed column
        hits = column.isna().to_numpy(copy=True)
        cells = column.fillna("").to_numpy(dtype=object) if pd.api.types.is_string_dtype(
            column.dtype) and column.dtype != object else np.array([str(v) for v in first],
                                                                    dtype=object)
        text = "\n".join(itertools.chain(("",), cells, ("",)))
    encoded = np.frombuffer(text.encode("utf-8", "surrogatepass"), dtype=np.uint8)
    breaks = np.flatnonzero(encoded == 10)
    if len(breaks) != len(first) + 1:  # a cell with a line break: cell by cell
        match = FOOTER.match
        return np.flatnonzero(hits | np.fromiter(
            (isinstance(v, str) and match(v) is not None for v in first), bool, len(first)))
    maybe = np.flatnonzero(_FOOTER_START[encoded[breaks[:-1] + 1]])
    hits[maybe[_footer_lines(cells[maybe])]] = True
    return np.flatnonzero(hits)


def _footer_lines(cells: np.ndarray) -> np.ndarray:
    """Which of ``cells`` (text without line breaks) start like a footer."""
    text = "\n".join(itertools.chain(("",), cells))  # "\n" before every cell
    starts = [m.start() for m in _FOOTER_LINE.finditer(text)]
    if not starts:
        return np.array([], dtype=np.int64)
    breaks = np.flatnonzero(np.frombuffer(text.encode("utf-32-le", "surrogatepass"),
                                          np.uint32) == 10)
    return np.searchsorted(breaks, starts)  # the line breaks before a match: its cell


def _footer_start() -> np.ndarray:
    """The bytes a cell that starts like ``FOOTER`` can start with in UTF-8: a footer
    word's first letter in either case, a space, or any byte of a non-ASCII character."""
    start = np.ones(256, dtype=bool)
    start[:128] = [chr(b).isspace() or chr(b).lower() in _FOOTER_LETTERS for b in range(128)]
    return start


_FOOTER_START = _footer_start()
# pandas reads a cell as missing when empty (the line starts with a delimiter or is empty)
# or one of its NA words, which start with these (test_footer_search checks them all)
NA_WORD_STARTS = "#-1<Nn"
_FOOTER_OR_MISSING_START = _FOOTER_START.copy()
_FOOTER_OR_MISSING_START[list(NA_WORD_STARTS.encode() + b"\t;|,\r\n")] = True


def _is_footer_or_missing(value: Any) -> bool:
    return bool(pd.isna(value)) or isinstance(value, str) and FOOTER.match(value) is not None


def _missing(column: pd.Series) -> np.ndarray:
    """``column.isna()``; a third of its cost for a text column without a missing cell
    (the usual first column, the patients' ids), which is found so at once."""
    if column.dtype.kind not in "biufcmM":
        values = column.to_numpy(dtype=object)
        if pd.api.types.infer_dtype(values, skipna=False) == "string":
            return np.zeros(len(values), dtype=bool)
    return column.isna().to_numpy(copy=True)


def _first_cell(row: pd.Series) -> str | None:
    cells = row.dropna()
    return str(cells.iloc[0]).strip() if len(cells) else None


def remove_rows(frame: pd.DataFrame, rows: np.ndarray, reasons: dict[int, str]
                ) -> tuple[pd.DataFrame, np.ndarray, tuple[ExcludedRow, ...]]:
    """Take ``reasons``' rows out of the frame, as excluded rows with those reasons."""
    if not reasons:
        return frame, rows, ()
    excluded = tuple(ExcludedRow(int(rows[p]), "", why) for p, why in sorted(reasons.items()))
    keep = np.ones(len(frame), dtype=bool)
    keep[list(reasons)] = False
    return frame[keep].reset_index(drop=True), rows[keep], excluded


def name_issues(frame: pd.DataFrame, notes: dict[str, str]) -> tuple[Issue, ...]:
    return tuple(Issue("column_renamed", note, "info")
                 for name, note in notes.items() if name in frame.columns)
