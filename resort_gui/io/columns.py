"""A raw table's columns read once: each cell's text as a code, kept while the table lives.

A ``RawTable`` never changes once read, while the window analyses it again after every
settings change (a regrouping, one patient excluded). Reading a million cells as text
(``cells.cell_text``: a hash of every cell, strings compared and copied) was most of
``build_cohort``'s time there. ``column_codes`` reads a column once per table and keeps a
small integer code per row and one text per distinct cell (about 1 MB per million rows for
a column of a few values, 12 MB for a column of identifiers), only for the columns an
analysis has used, and drops it with the table. ``memoised`` keeps other per-column
conversions (numbers, dates) the same way.

Analyses run on pool threads: the memo is guarded by a lock (two threads may both compute
a missing entry; the first one stored is kept) and the arrays handed out are read-only.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from resort_gui.io.cells import cell_codes
from resort_gui.io.table import RawTable

Value = TypeVar("Value")

_MEMO: weakref.WeakKeyDictionary[RawTable, dict[Hashable, Any]] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


@dataclass(frozen=True, eq=False)
class ColumnCodes:
    """``texts[codes[i]]`` is the text of row i as ``cell_text`` reads it, ``codes[i] == -1``
    an empty cell. ``texts`` are distinct, in order of first appearance; ``one_per_row``:
    every row has its own text (an identifier column), so ``codes`` counts 0, 1, 2, ..."""

    codes: np.ndarray
    texts: np.ndarray
    one_per_row: bool = False

    @property
    def missing(self) -> np.ndarray:
        return self.codes < 0

    def per_row(self, per_text: np.ndarray, empty: object) -> np.ndarray:
        """``per_text[codes]``: a value per row from a value per text (``empty`` for -1)."""
        return np.append(per_text, np.array([empty], dtype=per_text.dtype))[self.codes]

    def texts_of(self, rows: np.ndarray | slice, empty: str) -> np.ndarray:
        """The text of each of ``rows`` (a mask, positions or a slice), ``empty`` for an
        empty cell (read-only)."""
        if self.one_per_row:
            return self.texts[rows]
        codes = self.codes[rows]
        if self.texts.size == 0:  # every cell empty
            return np.full(codes.size, empty, dtype=object)
        texts = self.texts[codes]  # an empty cell (-1) takes the last text: replaced below
        texts[codes < 0] = empty
        return texts

    def described(self, rows: np.ndarray, describe: Callable[[str], str]) -> np.ndarray:
        """``describe(text)`` for each row of the mask ``rows`` (rows that have a text), in
        row order; each distinct text described once."""
        found, which = np.unique(self.codes[rows], return_inverse=True)
        texts = np.array([describe(t) for t in self.texts[found].tolist()], dtype=object)
        return texts[which.reshape(-1)]


def memoised(raw: RawTable, key: Hashable, compute: Callable[[], Value]) -> Value:
    """``compute()``, once per ``raw`` and ``key`` while ``raw`` lives."""
    with _LOCK:
        found = _MEMO.get(raw, {})
        if key in found:
            return found[key]  # type: ignore[no-any-return]
    value = compute()
    with _LOCK:
        return _MEMO.setdefault(raw, {}).setdefault(key, value)  # type: ignore[no-any-return]


def column_codes(raw: RawTable, column: str) -> ColumnCodes:
    """The cells of ``column`` of ``raw`` as codes into their texts."""
    return memoised(raw, ("codes", column), lambda: _codes(raw, column))


def _codes(raw: RawTable, column: str) -> ColumnCodes:
    codes, texts = cell_codes(raw.frame[column])
    codes = codes.astype(np.min_scalar_type(-max(texts.size, 1)), copy=False)
    codes.flags.writeable = False
    texts.flags.writeable = False
    one_per_row = texts.size == codes.size and bool(np.all(codes == np.arange(codes.size)))
    return ColumnCodes(codes, texts, one_per_row)


def row_positions(raw: RawTable, rows: np.ndarray) -> np.ndarray:
    """The position in ``raw.frame`` of each spreadsheet row number of ``rows``; -1 for a
    row the frame does not hold (e.g. a footer set aside while reading). Row numbers that
    increase (as read) are searched, not hashed; consecutive ones are subtracted."""
    numbers = raw.row_numbers().to_numpy(dtype=np.int64)
    rows = np.asarray(rows, dtype=np.int64)
    layout = memoised(raw, "row layout", lambda: _row_layout(numbers))
    if layout == "consecutive":
        at = rows - (numbers[0] if numbers.size else 0)
        return np.where((at >= 0) & (at < numbers.size), at, -1)
    if layout == "increasing":
        at = np.minimum(np.searchsorted(numbers, rows), numbers.size - 1)
        return np.where(numbers[at] == rows, at, -1)
    return pd.Index(numbers).get_indexer(rows)


def _row_layout(numbers: np.ndarray) -> str:
    if numbers.size and not np.all(numbers[1:] > numbers[:-1]):
        return "any"
    return "consecutive" if numbers.size == 0 or numbers[-1] - numbers[0] == numbers.size - 1 \
        else "increasing"

