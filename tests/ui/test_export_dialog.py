"""The Export dialog: one click writes the figure, the tables and the report it offers; the
preview follows the size; nothing is replaced without consent and the data file never."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtWidgets import QMessageBox

from resort_gui.analysis.run import run_analysis
from resort_gui.app.pipeline import analyze_file
from resort_gui.domain.spec import AnalysisSpec, Endpoint, EventSource
from resort_gui.io import build_cohort, read_table
from resort_gui.io.demo import demo_spec
from resort_gui.ui.export_dialog import ExportDialog


@pytest.fixture(scope="module")
def result():
    return analyze_file(demo_spec()).result


def make_dialog(qtbot, result, folder: Path, formats=("tiff", "pdf"), size="85mm",
                tables=True, report=True) -> ExportDialog:
    dialog = ExportDialog(result, folder=folder)
    qtbot.addWidget(dialog)
    for fmt, box in dialog.format_boxes.items():
        box.setChecked(fmt in formats)
    dialog.size_combo.setCurrentIndex(dialog.size_combo.findData(size))
    dialog.dpi_combo.setCurrentIndex(dialog.dpi_combo.findData(600))
    dialog.tables_box.setChecked(tables)
    dialog.report_box.setChecked(report)
    return dialog


def export(qtbot, dialog: ExportDialog) -> list[Path]:
    with qtbot.waitSignal(dialog.exported, timeout=60_000) as blocker:
        dialog.export_button.click()
    return blocker.args[0]


def test_one_click_writes_tiff_pdf_svg_tables_and_report(qtbot, result, tmp_path: Path) -> None:
    dialog = make_dialog(qtbot, result, tmp_path, formats=("tiff", "pdf", "svg"))
    written = export(qtbot, dialog)
    names = {p.name for p in written}
    assert {"km.tiff", "km.pdf", "km.svg", "results.xlsx", "report.pdf", "report.html",
            "summary.csv", "km_table.csv"} <= names
    assert all(p.is_file() and p.stat().st_size > 0 for p in written)
    with Image.open(tmp_path / "km.tiff") as image:
        assert image.info["dpi"] == pytest.approx((600, 600), abs=0.5)
        assert image.width == round(85 / 25.4 * 600)
    assert "Exported" in dialog.status.text()


def test_preview_has_the_proportions_of_the_chosen_size(qtbot, result, tmp_path) -> None:
    dialog = make_dialog(qtbot, result, tmp_path, size="slide")
    dialog.update_preview()
    pixmap = dialog.preview.pixmap()
    assert pixmap.width() / pixmap.height() == pytest.approx(254 / 142.875, rel=0.01)
    dialog.size_combo.setCurrentIndex(dialog.size_combo.findData("85mm"))
    dialog.update_preview()
    narrow = dialog.preview.pixmap()
    assert narrow.width() / narrow.height() < 1.2
    assert "85 \u00d7" in dialog.size_note.text() and "7.5 pt" in dialog.size_note.text()


def test_resolution_only_for_raster_formats(qtbot, result, tmp_path) -> None:
    dialog = make_dialog(qtbot, result, tmp_path, formats=("svg", "pdf"))
    assert not dialog.dpi_combo.isEnabled()
    dialog.format_boxes["png"].setChecked(True)
    assert dialog.dpi_combo.isEnabled() and "pixels at 600 dpi" in dialog.size_note.text()


def test_existing_files_are_replaced_only_after_consent(qtbot, result, tmp_path, monkeypatch):
    old = tmp_path / "km.pdf"
    old.write_bytes(b"the user's own figure")
    dialog = make_dialog(qtbot, result, tmp_path, formats=("pdf",), tables=False,
                         report=False)
    asked = []
    monkeypatch.setattr(dialog, "confirm_replace", lambda paths: asked.append(paths) or False)
    dialog.export_button.click()
    assert asked == [[old]] and old.read_bytes() == b"the user's own figure"
    assert "Nothing was exported" in dialog.status.text()
    monkeypatch.setattr(dialog, "confirm_replace", lambda paths: True)
    export(qtbot, dialog)
    assert old.read_bytes().startswith(b"%PDF")


def test_the_data_file_is_never_overwritten(qtbot, tmp_path, monkeypatch) -> None:
    data = tmp_path / "summary.csv"  # a data file that shares a name with an export
    data.write_text("months,event,arm\n" + "".join(f"{3 + i},{i % 2},{'AB'[i % 2]}\n"
                                                     for i in range(20)), encoding="utf-8")
    before = data.read_bytes()
    spec = AnalysisSpec(source=str(data), group="arm", endpoint=Endpoint(
        time="months", events=(EventSource("event", ("1",)),)))
    cohort, issues = build_cohort(read_table(data), spec)
    warnings = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: warnings.append(args[2]))
    dialog = make_dialog(qtbot, run_analysis(cohort, spec, issues), tmp_path, formats=())
    dialog.export_button.click()
    assert warnings and "summary.csv" in warnings[0]
    assert data.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summary.csv"]


def test_with_competing_risks_the_cumulative_incidence_figure_is_exported(qtbot, tmp_path):
    from tests.reference import REFERENCE_DIR

    spec = AnalysisSpec(source=str(REFERENCE_DIR / "pbc_cr__data.csv"), endpoint=Endpoint(
        name="Death", time="time", events=(EventSource("status", ("2",)),)),
        group="trt", time_unit="days", competing_values=("1",))
    competing = analyze_file(spec).result
    assert competing.competing is not None
    dialog = make_dialog(qtbot, competing, tmp_path, formats=("png",), tables=False,
                         report=False)
    written = export(qtbot, dialog)
    assert {p.name for p in written} == {"km.png", "cif.png"}
    with Image.open(tmp_path / "cif.png") as image:
        assert image.width == round(85 / 25.4 * 600)
