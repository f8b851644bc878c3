"""A whole headless session over one corpus file, as the window does it: import, exclude a
row, export the tables (CSV and workbook) and analysis.json, save the project, reopen it and
analyse again. Every output goes to folders the caller chose, away from the input."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

from resort_gui.app.cli import analyze_parser, spec_from_args
from resort_gui.app.pipeline import analyze_file, write_outputs
from resort_gui.domain.spec import Exclusion
from resort_gui.export.project import Project, open_project, save_project


def fingerprint(path: Path) -> tuple[str, int, int]:
    """SHA-256, size and modification time."""
    stat = path.stat()
    return hashlib.sha256(path.read_bytes()).hexdigest(), stat.st_size, stat.st_mtime_ns


def folder_state(folder: Path) -> dict[str, tuple[str, int, int]]:
    """Every file under ``folder`` (hidden and temporary files included) and its print."""
    return {str(p.relative_to(folder)): fingerprint(p) for p in sorted(folder.rglob("*"))
            if p.is_file()}


def full_session(data: Path, args: tuple[str, ...], out: Path) -> None:
    """Import ``data`` with the ``analyze`` options ``args``, exclude its first patient,
    export to ``out``/tables, save ``out``/project.resort, reopen it and analyse again."""
    spec, _ = spec_from_args(analyze_parser().parse_args([str(data), *args]))
    first = analyze_file(spec)
    row = int(first.result.cohort.row[0])
    spec = replace(spec, exclusions=(Exclusion(row, "withdrew consent"),))
    run = analyze_file(spec)
    assert row not in set(run.result.cohort.row.tolist())
    write_outputs(run, out / "tables", ())
    project_path = out / "project.resort"
    save_project(Project(spec=spec, endpoints=(spec.endpoint,), data_sha256=run.raw.sha256),
                 project_path)
    opened = open_project(project_path)
    assert not opened.data_missing and not opened.data_changed
    again = analyze_file(opened.project.spec)
    assert again.result.cohort.row.tolist() == run.result.cohort.row.tolist()
