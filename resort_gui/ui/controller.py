"""The session: one table, one project (spec, endpoints, figure style, presentation) and the
result of analysing them. Panels read from it and change it only through its methods; they
listen to its signals and never to each other. Reading files and analysing run on pool
threads; every change to the project is an undoable command.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from resort_gui.analysis.guardrails import Guardrail, GuardrailSettings, check_result
from resort_gui.analysis.run import run_analysis
from resort_gui.domain.errors import InputError
from resort_gui.domain.results import AnalysisResult
from resort_gui.domain.spec import AnalysisSpec, Endpoint, Exclusion
from resort_gui.export.project import (
    OpenedProject,
    Presentation,
    Project,
    open_project,
    propose_project,
    save_project,
)
from resort_gui.io import RawTable, build_cohort, read_table
from resort_gui.io.cells import cell_text, holds_no_event, natural_key
from resort_gui.io.columns import column_codes, row_positions
from resort_gui.io.demo import DEMO_SOURCE, demo_path, demo_spec, os_endpoint, source_path
from resort_gui.io.roles import guess_roles
from resort_gui.io.sheets import read_trial_sheets
from resort_gui.present.figure import FigureStyle
from resort_gui.present.summary import TextOptions
from resort_gui.ui.workers import Progress, TaskRunner

DEMO_SHEET = "patients"


def demo_endpoints() -> tuple[Endpoint, ...]:
    """The demo trial's endpoints: RFS (its own spec's) and overall survival."""
    return demo_spec().endpoint, os_endpoint()


@dataclass(frozen=True)
class RowStates:
    """Per row of the raw table: included or not, derived time and event (NaN / -1 when
    excluded) and the reason (how the time came about, or why the row is excluded)."""

    included: np.ndarray
    time: np.ndarray
    event: np.ndarray
    reason: np.ndarray

    @staticmethod
    def unknown(n: int) -> RowStates:
        return RowStates(np.zeros(n, bool), np.full(n, np.nan), np.full(n, -1, np.int8),
                         np.full(n, "", dtype=object))


@dataclass(frozen=True)
class Loaded:
    """A table read by a worker, with the project to analyse it with and the distinct
    values of each column (None where there are too many to be codes or groups)."""

    raw: RawTable
    project: Project
    levels: dict[str, tuple[str, ...] | None]
    opened: OpenedProject | None = None


MAX_LEVELS = 12  # a column with more distinct values is not offered as codes or groups


def column_levels(frame: pd.DataFrame) -> dict[str, tuple[str, ...] | None]:
    """Distinct cell texts of each column in natural order (None beyond ``MAX_LEVELS``)."""
    levels: dict[str, tuple[str, ...] | None] = {}
    for name in frame.columns:
        column = frame[name]
        if column.dtype.kind in "fM" or (column.dtype.kind in "iu" and column.nunique() >
                                          MAX_LEVELS):
            distinct = column.dropna().unique()[: MAX_LEVELS + 1]
            if len(distinct) > MAX_LEVELS:
                levels[str(name)] = None
                continue
        found = cell_text(column).dropna().unique()
        levels[str(name)] = None if len(found) > MAX_LEVELS else tuple(
            sorted(found, key=natural_key))
    return levels


@dataclass(frozen=True)
class Analysed:
    result: AnalysisResult
    rows: RowStates


def _holds_no_event(raw: RawTable, column: str) -> bool:
    """Nothing to tick: the column holds only 0/no, every patient censored (with a warning)."""
    return column in raw.frame.columns and holds_no_event(
        column_codes(raw, column).texts.tolist())


def settings_problems(raw: RawTable, spec: AnalysisSpec) -> list[str]:
    """What the user still has to choose before the analysis can run, in plain words."""
    problems = spec.validate()
    if not spec.time_unit:
        problems.append(spec.time_unit_reason or "Choose the time unit.")
    for source in spec.endpoint.events:
        if not source.values and not _holds_no_event(raw, source.column):
            problems.append(f"Tick the value(s) of column \u201c{source.column}\u201d that "
                            "mean the event happened.")
    columns = [spec.endpoint.time, spec.endpoint.start, spec.group, *spec.strata]
    missing = [c for c in columns if c and c not in raw.frame.columns]
    problems += [f"There is no column \u201c{c}\u201d in this sheet." for c in missing]
    return problems


def _leaving_competing_risks(project: Project) -> Project:
    """The project with the shown endpoint's competing risks undone, before another endpoint
    is shown: the event of interest and the competing events are the shown endpoint's codes
    (another endpoint's event column has other codes), so its event counts all of them again
    (recurrence or death: the usual RFS) and the analysis settings name no cause."""
    spec = project.spec
    if not spec.competing_values:
        return project
    endpoint = spec.endpoint
    if len(endpoint.events) == 1:
        event = endpoint.events[0]
        values = tuple(dict.fromkeys([*event.values, *spec.competing_values]))
        endpoint = replace(endpoint, events=(replace(event, values=values),))
    endpoints = tuple(endpoint if e == spec.endpoint else e for e in project.endpoints)
    return replace(project, endpoints=endpoints, spec=replace(
        spec, endpoint=endpoint, competing_values=()))


def analyse(raw: RawTable, spec: AnalysisSpec, progress: Progress) -> Analysed:
    """Build the cohort, read the trial's other sheets (adverse events, screening) and run
    the analysis (on a pool thread)."""
    progress.step(0, 3, "Checking the rows")
    cohort, issues = build_cohort(raw, spec)
    sheets = read_trial_sheets(raw, spec)
    progress.step(1, 3, "Estimating the curves and tests")
    result = run_analysis(cohort, spec, issues, sheets=sheets)
    progress.step(2, 3, "Preparing the table")
    return Analysed(result, row_states(raw, result))


def row_states(raw: RawTable, result: AnalysisResult) -> RowStates:
    """Where each raw row ended up in the cohort of ``result``."""
    n = len(raw.frame)
    cohort = result.cohort
    included = np.zeros(n, dtype=bool)
    included[row_positions(raw, cohort.row)] = True
    # the cohort keeps the rows in the table's order: its arrays with the other rows inserted
    others = np.flatnonzero(~included)
    at = others - np.arange(others.size)
    reasons = np.fromiter(cohort.reason, dtype=object, count=len(cohort.reason))
    states = RowStates(included, np.insert(cohort.time, at, np.nan),
                       np.insert(cohort.event.astype(np.int8), at, -1),
                       np.insert(reasons, at, "not in the subgroup" if result.spec.where
                                 else ""))
    if cohort.excluded:
        dropped = row_positions(raw, np.array([e.row for e in cohort.excluded], dtype=np.int64))
        inside = dropped >= 0  # not the rows set aside while reading (a footer): not in the frame
        states.reason[dropped[inside]] = np.asarray([e.reason for e in cohort.excluded],
                                                    dtype=object)[inside]
    return states


def load_file(path: Path, sheet: str | None, header_row: int | None,
              progress: Progress) -> Loaded:
    progress.step(0, 2, f"Reading {path.name}")
    raw = read_table(path, sheet=sheet, header_row=header_row)
    progress.step(1, 2, "Recognising the columns")
    project = propose_project(raw, guess_roles(raw.frame, raw.labels))
    project = replace(project, spec=replace(project.spec, header_row=header_row))
    return Loaded(raw, project, column_levels(raw.frame))


def load_demo(progress: Progress) -> Loaded:
    progress.step(0, 1, "Reading the demo trial")
    raw = read_table(demo_path(), sheet=DEMO_SHEET)
    return Loaded(raw, Project(demo_spec(), demo_endpoints(), data_sha256=raw.sha256),
                  column_levels(raw.frame))


def load_project(path: Path, data_path: Path | None, progress: Progress) -> Loaded:
    progress.step(0, 2, f"Opening {path.name}")
    opened = open_project(path)
    if data_path is not None:
        spec = replace(opened.project.spec, source=str(data_path))
        opened = replace(opened, project=replace(opened.project, spec=spec),
                         data_path=data_path, data_missing=False)
    if opened.data_missing:
        raise InputError("data_missing",
                         f"The data file of {path.name} was not found at {opened.data_path}.")
    progress.step(1, 2, f"Reading {opened.data_path.name}")
    spec = opened.project.spec
    raw = read_table(opened.data_path, sheet=spec.sheet, header_row=spec.header_row)
    changed = data_path is not None and bool(opened.project.data_sha256) \
        and raw.sha256 != opened.project.data_sha256
    return Loaded(raw, opened.project, column_levels(raw.frame),
                  replace(opened, data_changed=opened.data_changed or changed))


class _ProjectCommand(QUndoCommand):
    """Replace the project by another one; undo puts the first one back."""

    def __init__(self, session: SessionController, before: Project, after: Project,
                 text: str) -> None:
        super().__init__(text)
        self.session, self.before, self.after = session, before, after

    def redo(self) -> None:
        self.session._apply(self.after)

    def undo(self) -> None:
        self.session._apply(self.before)


class SessionController(QObject):
    """Owns the raw table, the project and the result; the window's single source of truth."""

    table_loaded = Signal()  # a new table (and project) replaced the old one
    spec_changed = Signal()  # what is analysed changed (roles, settings, exclusions)
    style_changed = Signal()  # the figure's look changed
    presentation_changed = Signal()  # how results are written changed
    result_changed = Signal()  # result, rows and guardrails are new (result may be None)
    load_failed = Signal(str, str)  # error code, plain-language message
    notice = Signal(str)  # something the user should know (e.g. the data changed)
    path_changed = Signal()  # the project file's path
    busy_changed = Signal(str)
    progressed = Signal(int, int, str)
    crashed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.raw: RawTable | None = None
        self.levels: dict[str, tuple[str, ...] | None] = {}
        self.project: Project | None = None
        self.result: AnalysisResult | None = None
        self.rows: RowStates | None = None
        self.guardrails: tuple[Guardrail, ...] = ()
        self.problems: list[str] = []  # why there is no result
        self.project_path: Path | None = None
        self.requested_project: Path | None = None  # the last project asked to open
        self.undo_stack = QUndoStack(self)
        self.tasks = TaskRunner(self)
        self.tasks.busy_changed.connect(self.busy_changed)
        self.tasks.progressed.connect(self.progressed)
        self.tasks.crashed.connect(self.crashed)
        self._analysis_timer = QTimer(self, singleShot=True, interval=0)
        self._analysis_timer.timeout.connect(self._start_analysis)

    # -- opening ---------------------------------------------------------------------------
    def open_file(self, path: str | Path, sheet: str | None = None,
                  header_row: int | None = None) -> None:
        path = Path(path)
        self.tasks.start("load", f"Reading {path.name}",
                         lambda progress: load_file(path, sheet, header_row, progress),
                         self._on_loaded, self._on_load_failed)

    def open_demo(self) -> None:
        self.tasks.start("load", "Reading the demo trial", load_demo, self._on_loaded,
                         self._on_load_failed)

    def open_project(self, path: str | Path, data_path: str | Path | None = None) -> None:
        path = Path(path)
        self.requested_project = path
        data = Path(data_path) if data_path else None
        self.tasks.start("load", f"Opening {path.name}",
                         lambda progress: load_project(path, data, progress),
                         lambda loaded: self._on_loaded(loaded, path), self._on_load_failed)

    def restore(self, path: str | Path) -> None:
        """Reopen an autosaved analysis as unsaved work (it has no project file yet)."""
        path = Path(path)
        self.tasks.start("load", "Restoring the last analysis",
                         lambda progress: load_project(path, None, progress),
                         self._on_restored, self._on_load_failed)

    def _on_restored(self, loaded: Loaded) -> None:
        self._on_loaded(loaded)
        self.undo_stack.resetClean()  # unsaved until the user saves it somewhere

    def reread(self, sheet: str | None, header_row: int | None) -> None:
        """Read the same file again from another sheet or with the column names on another
        row; the roles are guessed again for the new columns."""
        if self.raw is not None:
            self.open_file(self.raw.path, sheet, header_row)

    def cancel(self) -> None:
        self.tasks.cancel()
        self.busy_changed.emit("")

    def _on_loaded(self, loaded: Loaded, project_path: Path | None = None) -> None:
        self.raw = loaded.raw
        self.project = loaded.project
        self.levels = loaded.levels
        self.result, self.rows, self.guardrails, self.problems = None, None, (), []
        self.undo_stack.clear()
        self.project_path = project_path
        self.path_changed.emit()
        self.table_loaded.emit()
        if loaded.opened is not None and loaded.opened.data_changed:
            self.notice.emit(f"The data file {loaded.raw.name} has changed since the project "
                             "was saved (its SHA-256 fingerprint differs). The analysis now "
                             "uses the file as it is; check the numbers before you quote them.")
        self._schedule_analysis()

    def _on_load_failed(self, error: InputError) -> None:
        self.load_failed.emit(error.code, str(error))

    # -- changing the project (undoable) ---------------------------------------------------
    def change(self, project: Project, text: str) -> None:
        """Make ``project`` the current one as an undoable step described by ``text``."""
        if self.project is None or project == self.project:
            return
        self.undo_stack.push(_ProjectCommand(self, self.project, project, text))

    def set_spec(self, spec: AnalysisSpec, text: str) -> None:
        """A new spec; its endpoint replaces the active endpoint in the list."""
        assert self.project is not None
        endpoints = list(self.project.endpoints)
        endpoints[self.project.active_endpoint] = spec.endpoint
        self.change(replace(self.project, spec=spec, endpoints=tuple(endpoints)), text)

    def set_style(self, style: FigureStyle, text: str) -> None:
        assert self.project is not None
        self.change(replace(self.project, style=style), text)

    def set_presentation(self, presentation: Presentation, text: str) -> None:
        assert self.project is not None
        self.change(replace(self.project, presentation=presentation), text)

    def exclude(self, rows: list[int], reason: str) -> None:
        """Leave spreadsheet rows ``rows`` out of the analysis, with ``reason``."""
        spec = self.spec
        known = {e.row for e in spec.exclusions}
        added = tuple(Exclusion(r, reason) for r in rows if r not in known)
        if added:
            what = f"row {rows[0]}" if len(rows) == 1 else f"{len(rows)} rows"
            self.set_spec(replace(spec, exclusions=spec.exclusions + added), f"Exclude {what}")

    def include(self, rows: list[int]) -> None:
        """Take back hand exclusions of spreadsheet rows ``rows``."""
        spec = self.spec
        kept = tuple(e for e in spec.exclusions if e.row not in set(rows))
        if kept != spec.exclusions:
            what = f"row {rows[0]}" if len(rows) == 1 else f"{len(rows)} rows"
            self.set_spec(replace(spec, exclusions=kept), f"Include {what} again")

    def switch_endpoint(self, index: int) -> None:
        assert self.project is not None
        endpoint = self.project.endpoints[index]
        if endpoint != self.spec.endpoint:
            project = _leaving_competing_risks(self.project)
            self.change(replace(project, spec=replace(project.spec, endpoint=endpoint)),
                        f"Show {endpoint.name}")

    def add_endpoint(self, endpoint: Endpoint) -> None:
        assert self.project is not None
        project = _leaving_competing_risks(self.project)
        self.change(replace(project, endpoints=(*project.endpoints, endpoint),
                            spec=replace(project.spec, endpoint=endpoint)),
                    f"Add endpoint {endpoint.name}")

    def remove_endpoint(self, index: int) -> None:
        assert self.project is not None
        if len(self.project.endpoints) < 2:
            return
        shown = index == self.project.active_endpoint
        project = _leaving_competing_risks(self.project) if shown else self.project
        endpoints = list(project.endpoints)
        removed = endpoints.pop(index)
        self.change(replace(project, endpoints=tuple(endpoints), spec=replace(
            project.spec, endpoint=endpoints[0] if shown else project.spec.endpoint)),
                    f"Remove endpoint {removed.name}")

    def _apply(self, project: Project) -> None:
        before, self.project = self.project, project
        assert before is not None
        if project.spec != before.spec:
            self.spec_changed.emit()
            self._schedule_analysis()
        if project.style != before.style:
            self._check_guardrails()
            self.style_changed.emit()
        if project.presentation != before.presentation:
            self._check_guardrails()
            self.presentation_changed.emit()

    # -- saving ----------------------------------------------------------------------------
    def save(self, path: str | Path) -> None:
        """Save the project to ``path`` (raises InputError/OSError for the window to show)."""
        assert self.project is not None and self.raw is not None
        path = Path(path)
        save_project(replace(self.project, data_sha256=self.raw.sha256), path)
        self.project_path = path
        self.undo_stack.setClean()
        self.path_changed.emit()

    @property
    def is_dirty(self) -> bool:
        return not self.undo_stack.isClean()

    # -- analysing -------------------------------------------------------------------------
    @property
    def spec(self) -> AnalysisSpec:
        assert self.project is not None
        return self.project.spec

    @property
    def style(self) -> FigureStyle:
        """The figure's style, its numbers written with the presentation's decimal mark
        (the one setting of the decimal mark)."""
        assert self.project is not None
        return replace(self.project.style, decimal=self.project.presentation.decimal)

    def text_options(self) -> TextOptions:
        """How the results panel and the sentence write numbers and names."""
        assert self.project is not None
        p = self.project.presentation
        return TextOptions(decimal=p.decimal, names=self.project.style.group_names,
                           stratified=p.quote_stratified)

    def _schedule_analysis(self) -> None:
        self._analysis_timer.start()

    def _start_analysis(self) -> None:
        if self.raw is None or self.project is None:
            return
        raw, spec = self.raw, self.spec
        problems = settings_problems(raw, spec)
        if problems:
            self.tasks.cancel("analysis")
            self._set_result(None, problems)
            return
        self.tasks.start("analysis", "Analysing", lambda progress: analyse(raw, spec, progress),
                         self._on_analysed, lambda exc: self._set_result(None, list(
                             exc.problems)))

    def _on_analysed(self, analysed: Analysed) -> None:
        if self.project is None or analysed.result.spec != self.spec:
            return  # the spec changed meanwhile; a newer analysis is on its way
        self.rows = analysed.rows
        self._set_result(analysed.result, [])

    def _set_result(self, result: AnalysisResult | None, problems: list[str]) -> None:
        self.result, self.problems = result, problems
        if result is None:
            self.rows = None
        self._check_guardrails()
        self.result_changed.emit()

    def _check_guardrails(self) -> None:
        if self.result is None or self.project is None:
            self.guardrails = ()
            return
        p = self.project.presentation
        self.guardrails = check_result(self.result, GuardrailSettings(
            min_at_risk=p.min_at_risk, x_max=self.project.style.x_max,
            quotes_stratified=p.quote_stratified, names=self.project.style.group_names,
            decimal=self.text_options().decimal))

    def is_demo(self) -> bool:
        return self.project is not None and self.spec.source == DEMO_SOURCE

    def data_path(self) -> Path | None:
        return None if self.project is None else source_path(self.spec.source)
