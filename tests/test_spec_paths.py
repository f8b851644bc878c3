"""A data path in an analysis file or a project is relative to that file, not to the folder
the command runs in: a study folder moved or sent to a colleague still opens."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from resort_gui.app.cli import main
from resort_gui.export.project import open_project, propose_project, save_project
from tests.reference import REFERENCE_DIR

ARGS = ["--time", "time", "--event", "status", "--event-value", "2", "--group", "sex",
        "--time-unit", "days", "--formats", "none"]


def study(folder: Path) -> Path:
    """A study folder: the data and the analysis.json of a first run, its path made
    relative as a user writes it by hand or a colleague's copy has it."""
    folder.mkdir()
    data = shutil.copy(REFERENCE_DIR / "lung__data.csv", folder / "lung.csv")
    assert main(["analyze", str(data), *ARGS, "--out", str(folder / "first")]) == 0
    spec_file = folder / "first" / "analysis.json"
    content = json.loads(spec_file.read_text(encoding="utf-8"))
    content["spec"]["source"] = "../lung.csv"
    spec_file.write_text(json.dumps(content), encoding="utf-8")
    return spec_file


def test_spec_resolves_the_data_beside_itself(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    spec_file = study(tmp_path / "study")
    moved = tmp_path / "sent" / "study"
    shutil.move(spec_file.parents[1], moved)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    out = tmp_path / "rerun"
    assert main(["analyze", "--spec", str(moved / "first" / "analysis.json"),
                 "--out", str(out)]) == 0
    first = pd.read_csv(moved / "first" / "summary.csv")
    pd.testing.assert_frame_equal(pd.read_csv(out / "summary.csv"), first)
    rerun = json.loads((out / "analysis.json").read_text(encoding="utf-8"))
    assert Path(rerun["input_file"]) == (moved / "lung.csv").resolve()


def test_a_project_resolves_its_data_beside_itself(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from resort_gui.io import guess_roles, read_table

    folder = tmp_path / "study"
    folder.mkdir()
    data = shutil.copy(REFERENCE_DIR / "lung__data.csv", folder / "lung.csv")
    raw = read_table(data)
    save_project(propose_project(raw, guess_roles(raw.frame)), folder / "lung.resort")
    moved = tmp_path / "moved"
    shutil.move(folder, moved)
    monkeypatch.chdir(tmp_path)
    os.makedirs("other", exist_ok=True)
    monkeypatch.chdir("other")
    project = open_project(moved / "lung.resort").project
    assert Path(project.spec.source) == (moved / "lung.csv").resolve()
