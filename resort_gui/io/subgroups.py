"""Subgroups: keep the rows where every condition ``COL=VALUE`` / ``COL!=VALUE`` holds.

Cells are compared as text, the way the user reads them (2.0 is "2", a date is
"2016-03-12"), ignoring case and surrounding spaces; nothing is ever evaluated as code. An
empty cell satisfies neither ``=`` nor ``!=`` (as R's ``subset``): a patient whose value is
unknown is not silently put in either subgroup.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

import pandas as pd

from resort_gui.domain.errors import InputError, Issue
from resort_gui.domain.spec import Condition
from resort_gui.io.cells import cell_text, natural_key
from resort_gui.io.table import RawTable

_CONDITION = re.compile(r"^(?P<column>.*?)\s*(?P<op>!=|=)\s*(?P<value>.*)$", re.DOTALL)


def parse_condition(text: str) -> Condition:
    """``"arm=sorafenib"`` or ``"site != lung"`` -> Condition; ValueError if malformed."""
    match = _CONDITION.match(text.strip())
    if not match or not match["column"].strip():
        raise ValueError(f"a subgroup condition looks like COLUMN=VALUE or COLUMN!=VALUE, "
                         f"not {text!r}")
    return Condition(match["column"].strip(), match["value"].strip(), match["op"] == "=")


def describe(conditions: Sequence[Condition]) -> str:
    return " and ".join(f"{c.column} {'=' if c.equal else '!='} {c.value}" for c in conditions)


def select_subgroup(raw: RawTable, conditions: Sequence[Condition],
                    issues: list[Issue]) -> RawTable:
    """``raw`` with only the rows where every condition holds (row numbers kept)."""
    if not conditions:
        return raw
    keep = pd.Series(True, index=raw.frame.index)
    for condition in conditions:
        keep &= _holds(raw, condition)
    if not keep.any():
        raise InputError("empty_subgroup",
                         f"{raw.name}: no row has {describe(conditions)}; the subgroup is "
                         "empty.")
    issues.append(Issue("subgroup",
                        f"Subgroup {describe(conditions)}: {int(keep.sum())} of "
                        f"{len(keep)} rows.", "info"))
    frame = raw.frame[keep].reset_index(drop=True)
    rows = raw.row_numbers()[keep.to_numpy()].to_numpy()
    return dataclasses.replace(raw, frame=frame, rows=rows)


def _holds(raw: RawTable, condition: Condition) -> pd.Series:
    text = cell_text(raw.frame[condition.column])
    folded = text.str.casefold()
    wanted = condition.value.strip().casefold()
    matches = folded == wanted
    if not matches.any():
        found = sorted(text.dropna().unique(), key=natural_key)
        raise InputError("subgroup_value_not_found",
                         f"{raw.name}: column {condition.column!r} has no cell "
                         f"{condition.value!r}; values found: "
                         f"{', '.join(map(repr, found[:20]))}.")
    return matches if condition.equal else text.notna() & ~matches
