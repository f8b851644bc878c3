"""Nothing in a file is ever run: the program has no eval/exec/pickle/marshal/shelve/yaml
loaders and no Qt networking; a project file is JSON whose every value must have the type
its schema (the dataclasses of ``schema_version`` 1) says, or it is refused with
``invalid_project``, never a traceback."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import resort_gui
from resort_gui.domain.errors import InputError
from resort_gui.export.project import open_project

PACKAGE = Path(resort_gui.__file__).parent
FORBIDDEN = {
    "eval or exec of text": re.compile(r"(?<![\w.])(eval|exec|compile)\("),
    "pickle-family loaders": re.compile(r"\b(pickle|cPickle|marshal|shelve|dill|joblib)\b"),
    "YAML loaders": re.compile(r"\byaml\b"),
    "pandas pickle/eval": re.compile(r"\.(read_pickle|to_pickle|eval|query)\("),
    "numpy pickles": re.compile(r"allow_pickle\s*=\s*True"),
    "network clients": re.compile(r"\b(QNetwork\w*|QtNetwork|urllib|http\.client|requests|"
                                  r"socket|QWebEngine\w*|QDesktopServices\.openUrl)\b"),
}


def _sources() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("what", list(FORBIDDEN))
def test_package_never_evaluates_or_connects(what: str) -> None:
    pattern = FORBIDDEN[what]
    found = [f"{path.relative_to(PACKAGE)}:{n}: {line.strip()}"
             for path in _sources()
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if pattern.search(line.split("#")[0])]
    assert found == [], found


def test_the_scan_sees_the_package() -> None:
    assert len(_sources()) > 50


GOOD_SPEC = {"endpoint": {"time": "months", "events": [{"column": "relapse"}]}}
HOSTILE_PROJECTS = {
    "deep_nesting": "[" * 100_000 + "]" * 100_000,
    "huge_integer": '{"schema_version": 1, "spec": {"conf_level": 1' + "0" * 5000 + "}}",
    "pickle_payload": "cos\nsystem\n(S'echo owned'\ntR.",
    "newer_version": json.dumps({"schema_version": 99, "spec": GOOD_SPEC}),
    "not_an_object": "[]",
    "text_for_number": json.dumps({"schema_version": 1, "spec": {"conf_level": "0.95"}}),
    "text_for_row": json.dumps({"schema_version": 1, "spec": {
        "exclusions": [{"row": "3", "reason": "x"}]}}),
    "number_for_text": json.dumps({"schema_version": 1, "spec": {"time_unit": 5}}),
    "list_for_column": json.dumps({"schema_version": 1, "spec": {"group": ["arm"]}}),
    "bool_for_row": json.dumps({"schema_version": 1, "spec": {"header_row": True}}),
    "unknown_key": json.dumps({"schema_version": 1, "spec": {"__class__": "os.system"}}),
    "style_injection": json.dumps({"schema_version": 1, "spec": GOOD_SPEC,
                                   "figure_style": {"colours": {"a": ["red"]}}}),
    "presentation_list": json.dumps({"schema_version": 1, "spec": GOOD_SPEC,
                                     "presentation": [1, 2]}),
    "binary": "\x00\xff\xfe garbage",
}


@pytest.mark.parametrize("name", list(HOSTILE_PROJECTS))
def test_hostile_project_is_refused_plainly(tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.resort"
    path.write_text(HOSTILE_PROJECTS[name], encoding="utf-8", errors="surrogateescape")
    with pytest.raises(InputError) as error:
        open_project(path)
    assert error.value.code == "invalid_project"
    assert str(error.value).startswith(path.name)


def test_a_well_formed_project_still_opens(tmp_path: Path) -> None:
    path = tmp_path / "ok.resort"
    path.write_text(json.dumps({"schema_version": 1, "spec": GOOD_SPEC,
                                "figure_style": {"x_max": 60, "colours": {"a": "#123456"}}}))
    opened = open_project(path)
    assert opened.project.spec.endpoint.time == "months"
    assert opened.project.style.x_max == 60
