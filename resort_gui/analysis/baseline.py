"""Baseline characteristics by arm ("Table 1").

A column of numbers is continuous: the number of known values, median and quartiles (R's
``quantile(x, c(.25, .5, .75))``, type 7 = linear interpolation) and mean and standard
deviation (n - 1 denominator, R's ``sd``), and the count of missing cells. Any other column
is categorical: n and percentage of the group's patients for every level (natural order),
and a level ``(missing)`` when any cell of the column is empty, so that percentages add up
to 100. Every group is summarised, then all patients together.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from resort_gui.domain import format as fmt
from resort_gui.domain.trial_results import BaselineRow, BaselineTable
from resort_gui.io.cells import cell_text, natural_key
from resort_gui.io.design import is_numeric_column

ALL_PATIENTS = "All patients"
MISSING = "(missing)"
NAN = float("nan")


def baseline_table(frame: pd.DataFrame, columns: Sequence[str], group: np.ndarray,
                   group_labels: Sequence[str]) -> BaselineTable:
    """Table 1 of ``columns`` of ``frame`` (one row per patient) by ``group`` (codes into
    ``group_labels``), then for all patients."""
    group_a = np.asarray(group, dtype=np.int64)
    masks = [group_a == code for code in range(len(group_labels))]
    labels = tuple(group_labels)
    if len(labels) > 1:
        masks.append(np.ones(group_a.size, dtype=bool))
        labels += (ALL_PATIENTS,)
    rows: list[BaselineRow] = []
    for column in columns:
        summarise = _continuous if is_numeric_column(frame[column]) else _categorical
        rows += summarise(frame[column], column, labels, masks)
    return BaselineTable(rows=tuple(rows), groups=labels,
                         group_sizes=tuple(int(m.sum()) for m in masks))


def _continuous(column: pd.Series, name: str, labels: tuple[str, ...],
                masks: list[np.ndarray]) -> list[BaselineRow]:
    values = pd.to_numeric(column, errors="coerce").to_numpy(dtype=np.float64)
    rows = []
    for label, mask in zip(labels, masks, strict=True):
        known = values[mask][np.isfinite(values[mask])]
        q1, median, q3 = np.percentile(known, [25, 50, 75]) if known.size else (NAN,) * 3
        rows.append(BaselineRow(
            variable=name, kind="continuous", level="", group=label, n=int(known.size),
            percent=NAN, median=float(median), q1=float(q1), q3=float(q3),
            mean=float(known.mean()) if known.size else NAN,
            sd=float(known.std(ddof=1)) if known.size > 1 else NAN,
            missing=int(mask.sum() - known.size)))
    return rows


def _categorical(column: pd.Series, name: str, labels: tuple[str, ...],
                 masks: list[np.ndarray]) -> list[BaselineRow]:
    text = cell_text(column)
    levels = sorted(text.dropna().unique(), key=natural_key)
    values = text.fillna(MISSING).to_numpy(dtype=object)
    if text.isna().any():
        levels.append(MISSING)
    rows = []
    for label, mask in zip(labels, masks, strict=True):
        size = int(mask.sum())
        counts = pd.Series(values[mask]).value_counts()
        for level in levels:
            count = int(counts.get(level, 0))
            rows.append(BaselineRow(
                variable=name, kind="categorical", level=level, group=label, n=count,
                percent=100.0 * count / size if size else NAN, median=NAN, q1=NAN, q3=NAN,
                mean=NAN, sd=NAN, missing=int((values[mask] == MISSING).sum())))
    return rows


def baseline_display(table: BaselineTable, digits: int = 1, decimal: str = ".") -> pd.DataFrame:
    """Table 1 as a journal prints it: one column per group headed "arm (n = 36)", a line
    "median (IQR)" and "mean (SD)" per continuous variable (and "missing" when any), a
    header line per categorical variable and "n (%)" per level. Text only; for the report,
    the workbook and the window."""
    header = [f"{g} (n = {n})" for g, n in zip(table.groups, table.group_sizes, strict=True)]
    frame = pd.DataFrame([vars(r) for r in table.rows])
    lines: list[list[str]] = []
    if frame.empty:
        return pd.DataFrame(columns=["Characteristic", *header])
    for variable, rows in frame.groupby("variable", sort=False):
        lines += (_continuous_lines if rows["kind"].iloc[0] == "continuous"
                  else _categorical_lines)(variable, rows, table.groups, digits, decimal)
    return pd.DataFrame(lines, columns=["Characteristic", *header])


def _continuous_lines(variable: str, rows: pd.DataFrame, groups: tuple[str, ...], digits: int,
                      decimal: str) -> list[list[str]]:
    by = rows.set_index("group").loc[list(groups)]

    def number(value: float) -> str:
        return fmt.number(value, digits, decimal)

    lines = [[f"{variable}, median (IQR)",
              *(f"{number(r.median)} ({number(r.q1)}\u2013{number(r.q3)})"
                for r in by.itertuples())],
             [f"{variable}, mean (SD)",
              *(f"{number(r.mean)} ({number(r.sd)})" for r in by.itertuples())]]
    if by["missing"].sum() > 0:
        lines.append(["    missing", *(str(int(m)) for m in by["missing"])])
    return lines


def _categorical_lines(variable: str, rows: pd.DataFrame, groups: tuple[str, ...],
                       digits: int, decimal: str) -> list[list[str]]:
    lines = [[f"{variable}, n (%)", *([""] * len(groups))]]
    for level, per_level in rows.groupby("level", sort=False):
        by = per_level.set_index("group").loc[list(groups)]
        lines.append([f"    {level}", *(f"{int(r.n)} ({fmt.number(r.percent, digits, decimal)}%)"
                                        for r in by.itertuples())])
    return lines
