"""File in, files out: read, build the cohort, analyse, write the contract's files.

Shared by ``resort-gui analyze`` and the window's export; Qt is imported only to draw
figures, and only when figures are asked for.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from resort_gui import __version__
from resort_gui.analysis.run import run_analysis
from resort_gui.domain.results import AnalysisResult
from resort_gui.domain.spec import SCHEMA_VERSION, AnalysisSpec
from resort_gui.export.figure_options import DEFAULT_SIZE, FigureSize
from resort_gui.export.safe_write import write_atomically
from resort_gui.export.trial_tables import endpoint_slug
from resort_gui.export.xlsx import write_tables
from resort_gui.io import RawTable, build_cohort, read_table
from resort_gui.io.demo import source_path
from resort_gui.io.sheets import read_trial_sheets
from resort_gui.io.units import resolve_time_unit
from resort_gui.present.figure import FigureStyle, build_cif_figure
from resort_gui.present.summary import TextOptions


@dataclass(frozen=True)
class Run:
    """One analysis of one file: the table read, the result, and whether the file changed
    since the analysis file that asked for it was written."""

    spec: AnalysisSpec
    raw: RawTable
    result: AnalysisResult
    sha256_changed: bool


def analyze_file(spec: AnalysisSpec, expected_sha256: str | None = None) -> Run:
    raw = read_table(source_path(spec.source), sheet=spec.sheet, header_row=spec.header_row)
    spec = resolve_time_unit(raw, spec)
    cohort, issues = build_cohort(raw, spec)
    result = run_analysis(cohort, spec, issues, sheets=read_trial_sheets(raw, spec))
    changed = expected_sha256 is not None and expected_sha256 != raw.sha256
    return Run(spec=spec, raw=raw, result=result, sha256_changed=changed)


def write_outputs(run: Run, out: Path, formats: tuple[str, ...], *,
                  size: FigureSize = DEFAULT_SIZE, dpi: int = 300,
                  report: bool = False, decimal: str = ".") -> list[Path]:
    """Write every table as CSV and as one workbook (``results.xlsx``), ``analysis.json``,
    the figure in ``formats`` at ``size`` and ``dpi``, and with ``report`` the report
    (``report.pdf``, ``report.html``) into ``out``, the figure and the report with the
    ``decimal`` mark (the CSV files keep a point); replaces only the files it writes, never
    the input file."""
    protect = (run.raw.path,)
    created = datetime.now().astimezone()
    written = write_tables(run.result, out, created, protect)
    path = out / "analysis.json"
    write_atomically(path, lambda h: h.write(analysis_json(run)), protect=protect)
    written.append(path)
    if formats or report:
        from resort_gui.render.figures import render_figure
        from resort_gui.render.report_pdf import write_report

        style = FigureStyle(decimal=decimal)
        written += render_figure(run.result, out / "km", formats, size=size, dpi=dpi,
                                 style=style, protect=protect)
        if formats and run.result.competing is not None:
            written += render_figure(run.result, out / "cif", formats, size=size, dpi=dpi,
                                     style=style, protect=protect, build=build_cif_figure)
        for secondary in run.result.secondary:
            stem = out / f"km_{endpoint_slug(secondary.spec.endpoint.name)}"
            written += render_figure(secondary, stem, formats, size=size, dpi=dpi,
                                     style=style, protect=protect)
        if formats and run.result.subgroups is not None:
            from resort_gui.render.forest_plot import render_forest

            written += render_forest(run.result, out / "forest", formats, size=size, dpi=dpi,
                                     protect=protect)
        if report:
            written += write_report(run.result, out / "report", created=created,
                                    options=TextOptions(decimal=decimal), protect=protect)
    return written


def analysis_json(run: Run) -> str:
    """The spec as run, the input's SHA-256 and the program version; ``--spec`` reruns it."""
    return json.dumps({
        "program": "resort-gui",
        "program_version": __version__,
        "input_file": str(run.raw.path),
        "input_sha256": run.raw.sha256,
        "spec": {"schema_version": SCHEMA_VERSION, **asdict(run.spec)},
    }, indent=2) + "\n"
