"""Numbers written as text with another decimal mark: "12,5" among whole numbers in a file
whose other numbers use a point (or "12.5" in a decimal-comma file), or a number typed as
text in a workbook's column of numbers, is a number, not text that would exclude the row."""

from __future__ import annotations

import numbers
import re
from collections.abc import Callable

import pandas as pd

from resort_gui.domain.errors import Issue

_NUMBER_WITH = {",": re.compile(r"^\s*[-+]?\d+(?:,\d+)?\s*$"),
                ".": re.compile(r"^\s*[-+]?\d+(?:\.\d+)?\s*$")}
_SAMPLE = 100  # cells tried first: a column of names fails at once


def read_other_decimal_mark(frame: pd.DataFrame, marks: str,
                            where: str) -> tuple[pd.DataFrame, tuple[Issue, ...]]:
    """``frame`` with each column whose text cells are all whole numbers or numbers with a
    decimal mark of ``marks`` (",", "." or both, for a workbook), at least one with its mark,
    and whose other cells are numbers, turned into numbers; a note per column. A column
    whose text mixes both marks ("1.234" beside "12,5") stays text: a point there may be a
    thousands separator."""
    notes = []
    for name in frame.columns:
        column = frame[name]
        if column.dtype.kind != "O" and not pd.api.types.is_string_dtype(column):
            continue
        mark, example = _single_mark(column, marks)
        if mark is None:
            continue
        frame[name] = pd.to_numeric(column.map(_with_point(mark)))
        notes.append(Issue("other_decimal_mark",
                           f"{where}: column {name!r} has numbers written as text with a "
                           f"decimal {'comma' if mark == ',' else 'point'} (e.g. {example!r}); "
                           "they were read as numbers.", "info"))
    return frame, tuple(notes)


def _with_point(mark: str) -> Callable[[object], object]:
    return lambda v: v.replace(mark, ".").strip() if isinstance(v, str) else v


def _single_mark(column: pd.Series, marks: str) -> tuple[str | None, str]:
    """The one decimal mark of ``marks`` that the column's text cells use, and an example."""
    head = column.dropna().head(_SAMPLE)
    head = head[head.map(lambda v: isinstance(v, str))].astype(str)
    if not any(head.str.match(_NUMBER_WITH[mark]).all() for mark in marks):
        return None, ""  # an ID or a name column: decided on its first cells
    values = pd.Series(column.dropna().unique(), dtype=object)
    is_text = pd.Series(True, index=values.index) if pd.api.types.is_string_dtype(column) \
        else values.map(lambda v: isinstance(v, str))
    others = values[~is_text]
    if not is_text.any() or not others.map(
            lambda v: isinstance(v, numbers.Real) and not isinstance(v, bool)).all():
        return None, ""
    text = values[is_text].astype(str)
    for mark in marks:
        pattern = _NUMBER_WITH[mark]
        if text.str.match(pattern).all():
            decimals = text[text.str.contains(re.escape(mark), regex=True)]
            if len(decimals):
                return mark, str(decimals.iloc[0])
    return None, ""
