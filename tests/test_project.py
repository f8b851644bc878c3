"""The .resort project file: round-trip, relative data path, SHA-256 check, golden files of
every schema version, and plain-language errors for files that are not projects."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from resort_gui.domain.errors import InputError
from resort_gui.domain.spec import AnalysisSpec, Endpoint, EventSource, Exclusion
from resort_gui.export.project import (
    PROJECT_SCHEMA_VERSION,
    Presentation,
    Project,
    open_project,
    project_json,
    save_project,
)
from resort_gui.io.demo import DEMO_SOURCE, demo_spec
from resort_gui.io.table import sha256_of
from resort_gui.present.figure import FigureStyle

GOLDEN = Path(__file__).parent / "data" / "projects"
TRIAL_SHA256 = "e09d429ae5cb1069cbcd25d4562f5c1c659d78a1b7e986bde63984a6a8bac2f0"
RFS = Endpoint(name="RFS", time="months", events=(EventSource("relapse", ("yes",)),))


def trial_project(csv: Path) -> Project:
    spec = AnalysisSpec(source=str(csv), patient_id="patient", endpoint=RFS, group="arm",
                        reference="control", strata=("site",), landmarks=(12.0, 24.0),
                        time_unit="months", exclusions=(Exclusion(4, "consent withdrawn"),))
    return Project(spec, (RFS,),
                   FigureStyle(title="Relapse-free survival", percent=True,
                               group_names={"drug": "Drug X"}, colours={"drug": "#D55E00"}),
                   Presentation(decimal=",", quote_stratified=False, min_at_risk=5),
                   TRIAL_SHA256)


def test_golden_v1_trial_reads_as_written(tmp_path: Path) -> None:
    opened = open_project(GOLDEN / "v1_trial.resort")
    assert opened.project == trial_project((GOLDEN / "trial.csv").resolve())
    assert opened.data_path == (GOLDEN / "trial.csv").resolve()
    assert not opened.data_missing and not opened.data_changed


def test_golden_v1_demo_reads_the_demo_with_two_endpoints() -> None:
    project = open_project(GOLDEN / "v1_demo.resort").project
    demo = demo_spec()
    for name in ("sheet", "patient_id", "endpoint", "group", "reference", "strata",
                 "landmarks", "time_unit", "conf_type", "ties"):
        assert getattr(project.spec, name) == getattr(demo, name), name
    assert [e.name for e in project.endpoints] == ["RFS", "OS"]
    assert project.active_endpoint == 0
    assert project.spec.source == DEMO_SOURCE


def test_every_schema_version_has_a_golden_file() -> None:
    versions = {json.loads(p.read_text())["schema_version"] for p in GOLDEN.glob("*.resort")}
    assert versions == set(range(1, PROJECT_SCHEMA_VERSION + 1))


def test_round_trip_keeps_everything_and_writes_a_relative_path(tmp_path: Path) -> None:
    data = tmp_path / "data" / "trial.csv"
    data.parent.mkdir()
    shutil.copy(GOLDEN / "trial.csv", data)
    project = trial_project(data)
    path = tmp_path / "analyses" / "rfs.resort"
    path.parent.mkdir()
    save_project(project, path)
    written = json.loads(path.read_text(encoding="utf-8"))
    assert written["data"] == {"path": "../data/trial.csv", "sha256": TRIAL_SHA256}
    assert written["spec"]["source"] == "../data/trial.csv"
    assert open_project(path).project == project


def test_a_moved_folder_still_finds_its_data(tmp_path: Path) -> None:
    first = tmp_path / "first"
    first.mkdir()
    shutil.copy(GOLDEN / "trial.csv", first / "trial.csv")
    save_project(trial_project(first / "trial.csv"), first / "p.resort")
    moved = shutil.move(first, tmp_path / "moved")
    opened = open_project(Path(moved) / "p.resort")
    assert opened.data_path == (Path(moved) / "trial.csv").resolve()
    assert not opened.data_missing


def test_changed_and_missing_data_are_reported(tmp_path: Path) -> None:
    data = tmp_path / "trial.csv"
    shutil.copy(GOLDEN / "trial.csv", data)
    save_project(trial_project(data), tmp_path / "p.resort")
    data.write_text(data.read_text() + "P13,drug,2.0,yes,lung\n")
    opened = open_project(tmp_path / "p.resort")
    assert opened.data_changed and not opened.data_missing
    assert sha256_of(data) != TRIAL_SHA256
    data.unlink()
    opened = open_project(tmp_path / "p.resort")
    assert opened.data_missing and not opened.data_changed


def test_saving_never_touches_the_data_file(tmp_path: Path) -> None:
    data = tmp_path / "trial.csv"
    shutil.copy(GOLDEN / "trial.csv", data)
    with pytest.raises(PermissionError, match="input file"):
        save_project(trial_project(data), data)
    assert sha256_of(data) == TRIAL_SHA256


@pytest.mark.parametrize("text, code", [
    ("not json at all", "invalid_project"),
    ('{"schema_version": 99, "spec": {}}', "invalid_project"),
    ('{"schema_version": 1}', "invalid_project"),
    ('{"schema_version": 1, "spec": {"no_such_field": 1}}', "invalid_project"),
])
def test_a_file_that_is_not_a_project_is_a_plain_error(tmp_path: Path, text: str,
                                                       code: str) -> None:
    path = tmp_path / "bad.resort"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        open_project(path)
    assert caught.value.code == code
    assert "bad.resort" in str(caught.value)


def test_missing_project_file() -> None:
    with pytest.raises(InputError) as caught:
        open_project(Path("/nonexistent/x.resort"))
    assert caught.value.code == "file_not_found"


def test_json_text_has_the_version_and_program(tmp_path: Path) -> None:
    data = json.loads(project_json(trial_project(GOLDEN / "trial.csv"), tmp_path / "p.resort"))
    assert data["schema_version"] == PROJECT_SCHEMA_VERSION
    assert data["program"] == "resort-gui"
