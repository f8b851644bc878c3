"""The ``.resort`` project file: the whole analysis, saved and reopened.

A project is JSON: the analysis spec (with the data file's path relative to the project
file), the data file's SHA-256 (to warn when the data changed since), every endpoint defined
on the sheet, the figure's style and how results are written. ``schema_version`` says which
layout the file follows; older layouts are migrated on reading (golden files of every
version are kept under ``tests/data/projects``). No Qt here.
"""

from __future__ import annotations

import dataclasses
import json
import os
import types
import typing
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from resort_gui import __version__
from resort_gui.analysis.guardrails import DEFAULT_MIN_AT_RISK
from resort_gui.domain.errors import InputError
from resort_gui.domain.spec import AnalysisSpec, Endpoint, EventSource, spec_from_dict
from resort_gui.export.safe_write import write_atomically
from resort_gui.io.adam import adtte_guesses
from resort_gui.io.demo import DEMO_SOURCE, source_path
from resort_gui.io.roles import RoleGuess
from resort_gui.io.table import RawTable, sha256_of
from resort_gui.io.units import infer_time_unit, resolve_time_unit, unit_question
from resort_gui.present.figure import FigureStyle

PROJECT_SCHEMA_VERSION = 1
PROJECT_SUFFIX = ".resort"


@dataclass(frozen=True)
class Presentation:
    """How results are written and checked (none of it changes a number): the decimal mark,
    whether the stratified test and hazard ratio are quoted when strata are set, and the
    fewest patients at risk worth drawing."""

    decimal: str = "."
    quote_stratified: bool = True
    min_at_risk: int = DEFAULT_MIN_AT_RISK


@dataclass(frozen=True)
class Project:
    """Everything needed to redo an analysis. ``spec.endpoint`` is the endpoint shown;
    ``endpoints`` lists every endpoint defined on the sheet (it includes ``spec.endpoint``).
    ``spec.source`` is an absolute path (or ``"demo"``) in memory and relative in the file."""

    spec: AnalysisSpec
    endpoints: tuple[Endpoint, ...] = ()
    style: FigureStyle = field(default_factory=FigureStyle)
    presentation: Presentation = field(default_factory=Presentation)
    data_sha256: str = ""

    @property
    def active_endpoint(self) -> int:
        """Index of the endpoint shown within ``endpoints``."""
        return self.endpoints.index(self.spec.endpoint) if self.spec.endpoint in \
            self.endpoints else 0


@dataclass(frozen=True)
class OpenedProject:
    """A project read from disk, with the state of its data file: ``data_missing`` when the
    file is not where the project says, ``data_changed`` when its SHA-256 differs."""

    project: Project
    path: Path
    data_path: Path
    data_missing: bool
    data_changed: bool


def project_json(project: Project, path: Path) -> str:
    """The project as the text of ``path`` (the data path made relative to its folder)."""
    spec = replace(project.spec, source=_relative_source(project.spec.source, path.parent))
    spec_data = json.loads(spec.to_json())
    return json.dumps({
        "schema_version": PROJECT_SCHEMA_VERSION,
        "program": "resort-gui",
        "program_version": __version__,
        "data": {"path": spec.source, "sha256": project.data_sha256},
        "spec": spec_data,
        "endpoints": [asdict(e) for e in project.endpoints],
        "active_endpoint": project.active_endpoint,
        "figure_style": asdict(project.style),
        "presentation": asdict(project.presentation),
    }, indent=2, ensure_ascii=False) + "\n"


def save_project(project: Project, path: Path) -> None:
    """Write ``path`` atomically; the data file is never touched."""
    data_file = source_path(project.spec.source)
    write_atomically(path, lambda handle: handle.write(project_json(project, path)),
                     protect=(data_file,))


def open_project(path: Path) -> OpenedProject:
    """Read ``path``; a file that is not a project raises ``InputError("invalid_project")``."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("file_not_found", f"{path}: no such file.") from None
    except (OSError, ValueError, RecursionError) as exc:  # ValueError: bad JSON or text
        raise InputError("invalid_project", f"{path.name}: not a resort-gui project file "
                                            f"({type(exc).__name__}).") from None
    try:
        project = project_from_dict(migrate(data), path.parent)
        check_types(project)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError("invalid_project",
                         f"{path.name}: the project file is damaged or was written by a newer "
                         f"version of resort-gui ({exc}).") from None
    data_path = source_path(project.spec.source)
    missing = not data_path.is_file()
    changed = not missing and bool(project.data_sha256) \
        and sha256_of(data_path) != project.data_sha256
    return OpenedProject(project, path, data_path, missing, changed)


def check_types(value: Any, hint: Any = None, where: str = "project") -> None:
    """Raise TypeError unless ``value`` (a dataclass tree read from a project file) holds
    values of its fields' annotated types: a file is data, never trusted to be well formed
    (a text where a number belongs would otherwise fail later, inside the analysis)."""
    if hint is None or dataclasses.is_dataclass(hint):
        _check_record(value, hint, where)
        return
    check = _CHECKS.get(typing.get_origin(hint), _check_scalar)
    check(value, hint, where)


def _check_record(value: Any, hint: Any, where: str) -> None:
    if not dataclasses.is_dataclass(value) or (hint is not None and type(value) is not hint):
        raise TypeError(f"{where}: expected {getattr(hint, '__name__', 'a record')}")
    hints = typing.get_type_hints(type(value))
    for item in dataclasses.fields(value):
        check_types(getattr(value, item.name), hints[item.name], f"{where}.{item.name}")


def _check_union(value: Any, hint: Any, where: str) -> None:
    for option in typing.get_args(hint):
        try:
            check_types(value, option, where)
            return
        except TypeError:
            continue
    raise TypeError(f"{where}: {value!r} is not {hint}")


def _check_tuple(value: Any, hint: Any, where: str) -> None:
    args = typing.get_args(hint)
    if not isinstance(value, tuple):
        raise TypeError(f"{where}: expected a list")
    items = args[:1] * len(value) if args[-1:] == (Ellipsis,) else args
    if len(items) != len(value):
        raise TypeError(f"{where}: expected {len(items)} values")
    for i, (item, item_hint) in enumerate(zip(value, items, strict=True)):
        check_types(item, item_hint, f"{where}[{i}]")


def _check_dict(value: Any, hint: Any, where: str) -> None:
    key_hint, item_hint = typing.get_args(hint)
    if not isinstance(value, dict):
        raise TypeError(f"{where}: expected a mapping")
    for key, item in value.items():
        check_types(key, key_hint, where)
        check_types(item, item_hint, f"{where}[{key!r}]")


def _check_scalar(value: Any, hint: Any, where: str) -> None:
    """Exact types (a bool is not an int here), but an int is a float."""
    if hint is float and type(value) is int:
        return
    if type(value) is not hint:
        raise TypeError(f"{where}: {value!r} is not {getattr(hint, '__name__', hint)}")


_CHECKS = {types.UnionType: _check_union, typing.Union: _check_union, tuple: _check_tuple,
           dict: _check_dict}


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Bring a project dict of any known schema version to the current one."""
    version = data.get("schema_version")
    if version != PROJECT_SCHEMA_VERSION:
        raise ValueError(f"project schema_version {version!r} is not supported "
                         f"(this program reads version {PROJECT_SCHEMA_VERSION})")
    return data


def project_from_dict(data: dict[str, Any], folder: Path) -> Project:
    """Rebuild a project from ``project_json`` output; relative paths are taken from
    ``folder``, the project file's folder."""
    spec = spec_from_dict(data["spec"])
    spec = replace(spec, source=_absolute_source(spec.source, folder))
    endpoints = tuple(_endpoint_from_dict(e) for e in data.get("endpoints", ()))
    if spec.endpoint not in endpoints:
        endpoints = (spec.endpoint, *endpoints)
    style = dict(data.get("figure_style", {}))
    return Project(
        spec=spec,
        endpoints=endpoints,
        style=FigureStyle(**style),
        presentation=Presentation(**data.get("presentation", {})),
        data_sha256=str(data.get("data", {}).get("sha256", "")),
    )


def _endpoint_from_dict(data: dict[str, Any]) -> Endpoint:
    """An endpoint read the way the spec reads its own."""
    return spec_from_dict({"endpoint": data}).endpoint


def _relative_source(source: str, folder: Path) -> str:
    """The data path as written in a project in ``folder``: relative with ``/`` when it can
    be (so that a folder moved as a whole keeps working), else absolute."""
    if source in ("", DEMO_SOURCE):
        return source
    try:
        return Path(os.path.relpath(Path(source).resolve(), folder.resolve())).as_posix()
    except ValueError:  # another drive on Windows
        return str(Path(source).resolve())


def _absolute_source(source: str, folder: Path) -> str:
    if source in ("", DEMO_SOURCE) or Path(source).is_absolute():
        return source
    return str((folder / source).resolve())


def propose_project(raw: RawTable, guess: RoleGuess) -> Project:
    """A first project for a newly opened table from the guessed roles, for the user to
    confirm: one endpoint per guessed event (from a time column, or from the start date to
    the event's date), the guessed group, landmarks at 1, 2 and 3 years in the time unit
    (those within the follow-up)."""
    endpoints = _proposed_endpoints(guess)
    endpoint = endpoints[0] if endpoints else Endpoint(time=guess.time)
    spec = AnalysisSpec(source=str(raw.path), sheet=raw.sheet, patient_id=guess.patient_id,
                        endpoint=endpoint, group=guess.group, time_unit="")
    if raw.parameters:  # an ADaM ADTTE: each parameter an endpoint, the ITT population
        _, changes = adtte_guesses(raw, tuple(code for code, _ in raw.parameters), given={})
        endpoints = (changes.pop("endpoint"), *changes.pop("secondary_endpoints"))
        spec = replace(spec, endpoint=endpoints[0], **changes)
        endpoint, guess = endpoints[0], replace(guess, time=endpoints[0].time)
    if guess.time:
        inference = infer_time_unit(raw, guess.time)
        spec = replace(spec, time_unit=inference.unit or "", time_unit_reason=inference.reason
                       if inference.unit else unit_question(guess.time, inference))
    else:
        spec = resolve_time_unit(raw, spec)
    spec = replace(spec, landmarks=proposed_landmarks(raw, spec))
    return Project(spec=spec, endpoints=endpoints or (endpoint,), data_sha256=raw.sha256)


def _proposed_endpoints(guess: RoleGuess) -> tuple[Endpoint, ...]:
    """One endpoint per event candidate; its own date column serves as the date of the event
    or of the last contact."""
    if guess.time:
        found = [Endpoint(name=e.column, time=guess.time,
                          events=(EventSource(e.column, e.values),)) for e in guess.events]
    elif guess.start:
        found = [Endpoint(name=e.column, start=guess.start,
                          events=(EventSource(e.column, e.values, e.date),))
                 for e in guess.events if e.date]
    else:
        found = []
    if len(found) == 1:
        found = [replace(found[0], name="Survival")]
    return tuple(found)


def proposed_landmarks(raw: RawTable, spec: AnalysisSpec) -> tuple[float, ...]:
    """1, 2 and 3 years in the spec's unit, those within the longest time of the time
    column (all three when times come from dates); none while the unit is unknown."""
    column = spec.endpoint.time
    longest = (pd.to_numeric(raw.frame[column], errors="coerce").max()
               if column in raw.frame.columns else None)
    return tuple(t for t in default_landmarks(spec.time_unit)
                 if longest is None or pd.isna(longest) or t <= longest)


def default_landmarks(unit: str) -> tuple[float, ...]:
    """1, 2 and 3 years in ``unit`` (12, 24 and 36 months)."""
    return tuple(float(t) for t in LANDMARKS_BY_UNIT.get(unit, ()))


LANDMARKS_BY_UNIT = {"days": (365, 730, 1095), "weeks": (52, 104, 156), "months": (12, 24, 36),
                     "years": (1, 2, 3)}
