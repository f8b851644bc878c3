"""Design matrices for Cox models with covariates: numbers as numbers, text as categories.

``covariate_design`` turns the chosen columns of the patients' table into the columns of a
design matrix the way R's ``model.matrix`` does with its default treatment contrasts: a
numeric column enters as itself, a text column as one 0/1 indicator per level against its
first level (levels in natural order: numbers numerically, then text alphabetically). A
missing cell makes the row's entries NaN, so that ``cox_ph`` leaves the patient out, as
R's ``na.omit``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from resort_gui.domain.arrays import FloatArray
from resort_gui.io.cells import cell_text, natural_key


@dataclass(frozen=True)
class Design:
    """Columns of a design matrix with their term names.

    ``terms`` are the coefficient names: the column name for a number, ``"column: level vs
    reference"`` for a category. ``reference`` maps each categorical column to its first
    level.
    """

    matrix: FloatArray
    terms: tuple[str, ...]
    reference: dict[str, str]

    def __add__(self, other: Design) -> Design:
        return Design(np.column_stack([self.matrix, other.matrix]), self.terms + other.terms,
                      {**self.reference, **other.reference})


def is_numeric_column(column: pd.Series) -> bool:
    """A column of numbers (booleans and dates are not numbers here)."""
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)


def levels_of(text: pd.Series) -> tuple[str, ...]:
    """The distinct non-missing values in natural order."""
    return tuple(sorted(text.dropna().unique(), key=natural_key))


def covariate_design(frame: pd.DataFrame, columns: Sequence[str]) -> Design:
    """The design matrix of ``columns`` of ``frame`` (one row per patient).

    Equivalent R: ``model.matrix(~ c1 + c2 + ..., data)[, -1]`` with text columns as
    factors whose first level (natural order) is the reference; missing cells give NaN.
    A text column with a single level contributes no column.
    """
    parts = [_numeric(frame[c], c) if is_numeric_column(frame[c]) else _categorical(frame[c], c)
             for c in columns]
    if not parts:
        return Design(np.empty((len(frame), 0)), (), {})
    design = parts[0]
    for part in parts[1:]:
        design = design + part
    return design


def _numeric(column: pd.Series, name: str) -> Design:
    values = pd.to_numeric(column, errors="coerce").to_numpy(dtype=np.float64)
    return Design(values.reshape(-1, 1), (name,), {})


def _categorical(column: pd.Series, name: str) -> Design:
    text = cell_text(column)
    levels = levels_of(text)
    if not levels:
        return Design(np.empty((len(column), 0)), (), {})
    values = text.to_numpy()
    design = (values[:, None] == np.array(levels[1:], dtype=object)[None, :]).astype(np.float64)
    design[text.isna().to_numpy()] = np.nan
    terms = tuple(f"{name}: {level} vs {levels[0]}" for level in levels[1:])
    return Design(design, terms, {name: levels[0]})
