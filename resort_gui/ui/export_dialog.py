"""The Export dialog: the figure (formats, size, DPI) with a preview at its true proportions,
the tables (CSV and one Excel workbook) and the report (PDF and HTML), into one folder.

Files are named as ``resort-gui analyze`` names them. Existing files are replaced only after
the user agreed; the input data file is never written. The figure is laid out in the GUI
thread (a few tens of milliseconds); encoding and writing run in a worker with progress.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from resort_gui.domain.errors import InputError
from resort_gui.domain.results import AnalysisResult
from resort_gui.export.figure_options import (
    DPI_CHOICES,
    FIGURE_FORMATS,
    RASTER_FORMATS,
    SIZE_PRESETS,
    FigureSize,
    font_for_width,
    raster_pixels,
)
from resort_gui.export.tables import result_tables
from resort_gui.export.xlsx import write_tables
from resort_gui.io.demo import source_path
from resort_gui.present.figure import FigureStyle, build_cif_figure, build_figure
from resort_gui.present.summary import TextOptions
from resort_gui.render.figures import (
    FileJob,
    figure_height,
    figure_jobs,
    figure_model,
    raster_image,
    record_figure,
    run_jobs,
)
from resort_gui.render.report_pdf import report_jobs
from resort_gui.ui.workers import Progress, TaskRunner

CUSTOM = "custom"
PREVIEW_WIDTH_PX = 560
FORMAT_LABELS = {"png": "PNG", "tiff": "TIFF", "svg": "SVG (vector)", "pdf": "PDF (vector)"}


class ExportDialog(QDialog):
    """Export the figure, the tables and the report of one analysis."""

    exported = Signal(list)  # the paths written

    def __init__(self, result: AnalysisResult, parent: QWidget | None = None, *,
                 style: FigureStyle | None = None, folder: Path | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.result, self.style = result, style
        self.input_path = source_path(result.spec.source)
        self.runner = TaskRunner(self)
        self.runner.crashed.connect(self._on_runner_crashed)
        self._preview_timer = QTimer(self, singleShot=True, interval=150)
        self._preview_timer.timeout.connect(self.update_preview)
        layout = QHBoxLayout(self)
        layout.addLayout(self._options(folder or self.input_path.parent / "resort-results"))
        layout.addLayout(self._preview_column(), stretch=1)
        self.resize(1180, 640)
        self._on_options_changed()
        self.update_preview()

    # -- building --------------------------------------------------------------------------
    def _options(self, folder: Path) -> QVBoxLayout:
        column = QVBoxLayout()
        column.addWidget(self._figure_group())
        self.tables_box = QCheckBox("Tables: CSV files and an Excel workbook (results.xlsx)")
        self.tables_box.setChecked(True)
        self.report_box = QCheckBox("Report: PDF and HTML (data source, methods, results, "
                                    "figure)")
        self.report_box.setChecked(True)
        for box in (self.tables_box, self.report_box):
            column.addWidget(box)
        column.addWidget(self._folder_row(folder))
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        column.addWidget(self.progress)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        column.addWidget(self.status)
        column.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.export_button = QPushButton("Export")
        self.export_button.setDefault(True)
        buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.clicked.connect(self.export)
        buttons.rejected.connect(self.reject)
        column.addWidget(buttons)
        return column

    def _figure_group(self) -> QGroupBox:
        group = QGroupBox("Figure")
        form = QFormLayout(group)
        formats = QHBoxLayout()
        self.format_boxes: dict[str, QCheckBox] = {}
        for fmt in FIGURE_FORMATS:
            box = QCheckBox(FORMAT_LABELS[fmt])
            box.setChecked(fmt in ("tiff", "pdf"))
            box.toggled.connect(self._on_options_changed)
            self.format_boxes[fmt] = box
            formats.addWidget(box)
        form.addRow("Formats", formats)
        self.size_combo = QComboBox()
        for key, size in SIZE_PRESETS.items():
            self.size_combo.addItem(size.label, key)
        self.size_combo.addItem("Custom size", CUSTOM)
        self.size_combo.setCurrentIndex(self.size_combo.findData("85mm"))
        self.size_combo.currentIndexChanged.connect(self._on_options_changed)
        form.addRow("Size", self.size_combo)
        self.width_spin, self.height_spin = _mm_spin(120), _mm_spin(90)
        custom = QHBoxLayout()
        for label, spin in (("width", self.width_spin), ("height", self.height_spin)):
            custom.addWidget(QLabel(label))
            custom.addWidget(spin)
            spin.valueChanged.connect(self._on_options_changed)
        self.custom_row = QWidget()
        self.custom_row.setLayout(custom)
        form.addRow("", self.custom_row)
        self.dpi_combo = QComboBox()
        for dpi in DPI_CHOICES:
            self.dpi_combo.addItem(f"{dpi} dpi", dpi)
        self.dpi_combo.setCurrentIndex(self.dpi_combo.findData(600))
        self.dpi_combo.currentIndexChanged.connect(self._on_options_changed)
        form.addRow("Resolution", self.dpi_combo)
        return group

    def _folder_row(self, folder: Path) -> QWidget:
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Folder"))
        self.folder_edit = QLineEdit(str(folder))
        layout.addWidget(self.folder_edit, stretch=1)
        browse = QPushButton("Browse\u2026")
        browse.clicked.connect(self._on_browse_clicked)
        layout.addWidget(browse)
        return row

    def _preview_column(self) -> QVBoxLayout:
        column = QVBoxLayout()
        self.preview = QLabel()
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumSize(QSize(PREVIEW_WIDTH_PX, 420))
        self.preview.setStyleSheet("background: #e8e8e8;")
        column.addWidget(self.preview, stretch=1)
        self.size_note = QLabel("")
        self.size_note.setWordWrap(True)
        column.addWidget(self.size_note)
        return column

    # -- options ---------------------------------------------------------------------------
    def formats(self) -> tuple[str, ...]:
        return tuple(f for f, box in self.format_boxes.items() if box.isChecked())

    def figure_size(self) -> FigureSize:
        key = self.size_combo.currentData()
        if key != CUSTOM:
            return SIZE_PRESETS[key]
        width, height = self.width_spin.value(), self.height_spin.value()
        name = f"{width:g}x{height:g}mm"
        return FigureSize(name, f"Custom ({name})", width, height, font_for_width(width))

    def dpi(self) -> int:
        return int(self.dpi_combo.currentData())

    def folder(self) -> Path:
        return Path(self.folder_edit.text()).expanduser()

    def _on_options_changed(self) -> None:
        self.custom_row.setVisible(self.size_combo.currentData() == CUSTOM)
        self.dpi_combo.setEnabled(any(f in RASTER_FORMATS for f in self.formats()))
        self._describe_size()
        self._preview_timer.start()

    def _describe_size(self) -> None:
        size = self.figure_size()
        model = figure_model(self.result, size, self.style)
        height = figure_height(model, size)
        text = (f"{size.width_mm:g} \u00d7 {height:.0f} mm, text {size.font_pt:g} pt")
        if self.dpi_combo.isEnabled():
            w, h = raster_pixels(size.width_mm, height, self.dpi())
            text += f"; PNG/TIFF {w} \u00d7 {h} pixels at {self.dpi()} dpi"
        self.size_note.setText(text)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._preview_timer.start()

    def _on_browse_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export into", str(self.folder()))
        if folder:
            self.folder_edit.setText(folder)

    # -- preview ---------------------------------------------------------------------------
    def update_preview(self) -> None:
        """The figure at the chosen size, drawn as the files are (same layout, lower dpi)."""
        size = self.figure_size()
        model = figure_model(self.result, size, self.style)
        height = figure_height(model, size)
        ratio = self.devicePixelRatioF()
        room = self.preview.contentsRect().size().expandedTo(self.preview.minimumSize())
        dpi = ratio * min(room.width() / (size.width_mm / 25.4),
                          room.height() / (height / 25.4))
        figure = record_figure(model, size.width_mm, height, dpi)
        pixmap = QPixmap.fromImage(raster_image(figure, round(dpi)))
        pixmap.setDevicePixelRatio(ratio)
        self.preview.setPixmap(pixmap)

    # -- exporting -------------------------------------------------------------------------
    def planned_paths(self) -> list[Path]:
        folder = self.folder()
        paths = [folder / f"{stem}.{fmt}" for stem in self._figure_stems()
                 for fmt in self.formats()]
        if self.tables_box.isChecked():
            paths += [folder / f"{stem}.csv" for stem in result_tables(self.result)]
            paths.append(folder / "results.xlsx")
        if self.report_box.isChecked():
            paths += [folder / "report.pdf", folder / "report.html"]
        return paths

    def _figure_stems(self) -> tuple[str, ...]:
        """The Kaplan-Meier figure, and the cumulative incidence with competing risks."""
        return ("km", "cif") if self.result.competing is not None else ("km",)

    def export(self) -> None:
        paths = self.planned_paths()
        if not paths:
            self.status.setText("Choose at least one figure format, the tables or the report.")
            return
        if any(_same_file(p, self.input_path) for p in paths):
            QMessageBox.warning(self, "Choose another folder",
                                f"Exporting here would overwrite the data file "
                                f"{self.input_path.name}. Choose another folder.")
            return
        existing = [p for p in paths if p.exists()]
        if existing and not self.confirm_replace(existing):
            self.status.setText("Nothing was exported.")
            return
        try:
            work = self._prepare()
        except InputError as exc:
            QMessageBox.warning(self, "The figure cannot be exported", "\n".join(exc.problems))
            return
        self.export_button.setEnabled(False)
        self.progress.setVisible(True)
        self.progress.setRange(0, len(paths))
        self.runner.progressed.connect(self._on_runner_progressed)
        self.runner.start("export", "Exporting", work, self._on_export_finished,
                          self._on_export_failed)

    def confirm_replace(self, existing: list[Path]) -> bool:
        names = ", ".join(p.name for p in existing[:8]) + (" \u2026" if len(existing) > 8
                                                             else "")
        answer = QMessageBox.question(
            self, "Replace files?",
            f"{len(existing)} of the files already exist in {existing[0].parent}:\n{names}\n\n"
            "Replace them?", QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def _prepare(self):
        """Lay out and record the figures here (GUI thread); return the worker's function."""
        folder, protect = self.folder(), (self.input_path,)
        options = TextOptions(names=dict(self.style.group_names),
                              decimal=self.style.decimal) if self.style else TextOptions()
        created = datetime.now().astimezone()
        jobs: list[FileJob] = []
        for stem, build in zip(self._figure_stems(), (build_figure, build_cif_figure),
                               strict=False):
            jobs += figure_jobs(self.result, folder / stem, self.formats(),
                                size=self.figure_size(), dpi=self.dpi(), style=self.style,
                                build=build)
        if self.report_box.isChecked():
            jobs += report_jobs(self.result, folder / "report", created=created,
                                options=options)
        result, tables = self.result, self.tables_box.isChecked()

        def work(progress: Progress) -> list[Path]:
            written: list[Path] = []
            total = len(jobs) + (1 if tables else 0)
            for job in jobs:
                progress.step(len(written), total, f"Writing {job[0].name}")
                written += run_jobs([job], protect)
            if tables:
                progress.step(len(written), total, "Writing the tables")
                written += write_tables(result, folder, created, protect)
            return written

        return work

    def _on_runner_progressed(self, done: int, total: int, text: str) -> None:
        self.progress.setValue(done)
        self.status.setText(text)

    def _on_export_finished(self, written: list[Path]) -> None:
        self._finish(f"Exported {len(written)} files to {self.folder()}.")
        self.exported.emit(written)

    def _on_export_failed(self, exc: InputError) -> None:
        self._finish("Nothing more was exported: " + " ".join(exc.problems))

    def _on_runner_crashed(self, details: str) -> None:
        self._finish("The export failed. Details were written to the log.")
        raise RuntimeError(details)  # the window's excepthook logs it and shows a dialog

    def _finish(self, message: str) -> None:
        self.runner.progressed.disconnect(self._on_runner_progressed)
        self.progress.setVisible(False)
        self.export_button.setEnabled(True)
        self.status.setText(message)


def _mm_spin(value: float) -> QDoubleSpinBox:
    spin = QDoubleSpinBox()
    spin.setRange(20, 500)
    spin.setDecimals(0)
    spin.setSuffix(" mm")
    spin.setValue(value)
    return spin


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False
