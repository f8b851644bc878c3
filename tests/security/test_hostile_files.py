"""Hostile spreadsheets (``hostile.py``) are refused with a plain message or read safely, in a
child process with 2 GB of address space, two minutes and no network; nothing in them is
evaluated (a formula gives its cached value, a macro is never run, a link never fetched)."""

from __future__ import annotations

import pytest

from tests.security.hostile import EXTERNAL_URL, HOSTILE
from tests.security.isolation import run_bounded

READ_ALL = '''
import json, sys, time
from pathlib import Path
from resort_gui.domain.errors import InputError
from resort_gui.io import read_table
outcomes = {}
for name in sys.argv[1:]:
    started = time.perf_counter()
    try:
        raw = read_table(Path(name))
        outcome = {"code": "read", "cells": raw.frame.astype(str).values.tolist()[:4],
                   "columns": list(map(str, raw.frame.columns))}
    except InputError as error:
        outcome = {"code": error.code, "message": str(error)}
    outcome["seconds"] = time.perf_counter() - started
    outcomes[Path(name).name] = outcome
print(json.dumps(outcomes))
'''


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    folder = tmp_path_factory.mktemp("hostile")
    paths = [str(build(folder / name)) for name, (build, _) in HOSTILE.items()]
    return run_bounded(READ_ALL, *paths)  # type: ignore[return-value]


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_file_is_refused_or_read_quickly(outcomes: dict[str, dict], name: str) -> None:
    outcome = outcomes[name]
    assert outcome["code"] == HOSTILE[name][1], outcome
    assert outcome["seconds"] < 30, outcome
    if outcome["code"] != "read":
        message = outcome["message"]
        assert message.startswith(name) and "Traceback" not in message
        assert len(message) < 400


def test_refusals_say_why(outcomes: dict[str, dict]) -> None:
    assert "zip bomb" in outcomes["zip_bomb.xlsx"]["message"]
    assert "row 1,048,576 and column 16,384" in outcomes["far_corner.xlsx"]["message"]
    assert "password" in outcomes["password.xlsx"]["message"]


def test_entities_are_never_expanded(outcomes: dict[str, dict]) -> None:
    """Neither the billion laughs nor a local file named by an entity reach the table."""
    assert outcomes["entities.xlsx"]["code"] == "damaged_file"
    assert outcomes["external_entity.xlsx"]["code"] == "damaged_file"


def test_formulas_give_their_cached_values(outcomes: dict[str, dict]) -> None:
    """An external reference, a HYPERLINK to a server and a DDE command are read as the
    values Excel stored (7, 0, 3): no formula is evaluated, no link followed (the child
    process has no network), no macro run."""
    link = outcomes["external_link.xlsx"]
    assert link["cells"][-1] == ["7.0", "0.0"], link
    assert EXTERNAL_URL not in str(link)
    assert outcomes["macros.xlsm"]["cells"][-1] == ["3.0", "1.0"]


def test_empty_rows_are_dropped(outcomes: dict[str, dict]) -> None:
    for name in ("million_empty_rows.xlsx", "empty_lines.csv"):
        assert outcomes[name]["cells"] == [["1.0", "1.0"], ["2.0", "0.0"]], name
