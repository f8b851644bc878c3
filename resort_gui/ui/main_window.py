"""The main window: the welcome page, then three tabs in the order a clinician works
(data and roles, patients, survival curves and results), menus with the usual shortcuts, a
progress bar with Cancel for slow work, and a prompt before unsaved work is lost."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from resort_gui import __version__
from resort_gui.domain.errors import InputError
from resort_gui.export.project import PROJECT_SUFFIX
from resort_gui.io.table import SUFFIXES
from resort_gui.ui.autosave import Autosave
from resort_gui.ui.cohort_panel import CohortPanel
from resort_gui.ui.controller import SessionController
from resort_gui.ui.conventions_panel import ConventionsPanel
from resort_gui.ui.errors import CrashReporter
from resort_gui.ui.import_panel import ImportPanel
from resort_gui.ui.plot_panel import PlotPanel
from resort_gui.ui.results_panel import ResultsPanel
from resort_gui.ui.settings_panel import AnalysisSettingsPanel, FigureOptionsPanel
from resort_gui.ui.style import STYLE_SHEET
from resort_gui.ui.trial_panel import TrialPanel
from resort_gui.ui.welcome import MAX_RECENT, WelcomePage

DATA_TAB, PATIENTS_TAB, SURVIVAL_TAB, TRIAL_TAB = range(4)
APP_TITLE = "resort-gui"
FIGURE_MIN_PX = 440  # the survival figure never gets narrower for the results beside it


class MainWindow(QMainWindow):
    """One analysis session in one window."""

    def __init__(self, session: SessionController | None = None) -> None:
        super().__init__()
        self.session = session or SessionController(self)
        self.crash_reporter = CrashReporter(self)
        self.session.crashed.connect(self.crash_reporter.show_dialog)
        self.autosave = Autosave(self.session, self)
        self.setStyleSheet(STYLE_SHEET)
        self.setAcceptDrops(True)
        self.resize(1400, 900)
        self.welcome = WelcomePage()
        self.import_panel = ImportPanel(self.session)
        self.cohort_panel = CohortPanel(self.session)
        self.plot_panel = PlotPanel(self.session)
        self.results_panel = ResultsPanel(self.session)
        self.figure_options = FigureOptionsPanel(self.session)
        self.analysis_settings = AnalysisSettingsPanel(self.session)
        self.conventions = ConventionsPanel(self.session)
        self.trial_panel = TrialPanel(self.session)
        self.tabs = QTabWidget(documentMode=False)
        self.side_tabs = QTabWidget()
        self.stack = QStackedWidget()
        self.endpoint = QComboBox()
        self.progress = QProgressBar(maximumWidth=220, textVisible=False)
        self.cancel_button = QPushButton("Cancel")
        self.status_text = QLabel()
        self._build_pages()
        self._build_actions()
        self._build_status_bar()
        self._connect()
        self._show_recent()
        self._update_title()
        self._show_endpoints()

    # -- building ----------------------------------------------------------------------------
    def _build_pages(self) -> None:
        self.side_tabs.addTab(self.results_panel, "Results")
        self.side_tabs.addTab(self.figure_options, "Figure")
        self.side_tabs.addTab(_padded(self.analysis_settings), "Analysis settings")
        self.side_tabs.addTab(self.conventions, "Other programs")
        self.side_tabs.setTabToolTip(0, "The numbers to quote, a results sentence and the "
                                        "points to check.")
        self.side_tabs.setTabToolTip(1, "Titles, labels, colours and what the figure shows.")
        self.side_tabs.setTabToolTip(2, "Confidence intervals, landmarks, RMST horizon, ties.")
        self.side_tabs.setTabToolTip(3, "The same numbers under the defaults of SAS, SPSS, "
                                        "Prism and Stata, to explain a colleague's result.")
        survival = QSplitter()
        survival.addWidget(self.plot_panel)
        survival.addWidget(self.side_tabs)
        survival.setStretchFactor(0, 3)
        survival.setStretchFactor(1, 2)
        survival.setSizes([820, 560])
        survival.setChildrenCollapsible(False)
        survival.splitterMoved.connect(self._on_splitter_moved)
        survival.installEventFilter(self)  # its resizes fit the results side
        self.survival_splitter = survival
        self._results_width_chosen = False  # the user moved the splitter: keep it there
        self.tabs.addTab(self.import_panel, "1  Data and roles")
        self.tabs.addTab(self.cohort_panel, "2  Patients")
        self.tabs.addTab(_padded(survival), "3  Survival curves and results")
        self.tabs.addTab(self.trial_panel, "4  Trial tables")
        self.tabs.setTabToolTip(DATA_TAB, "Which column is what: time, event, groups, strata.")
        self.tabs.setTabToolTip(PATIENTS_TAB, "Every row with its time and event; exclude "
                                              "patients by hand.")
        self.tabs.setTabToolTip(SURVIVAL_TAB, "The Kaplan-Meier figure and the results.")
        self.tabs.setTabToolTip(TRIAL_TAB, "Flow of participants, Table 1, secondary "
                                           "endpoints, subgroups, adverse events.")
        self.stack.addWidget(self.welcome)
        self.stack.addWidget(self.tabs)
        self.setCentralWidget(self.stack)

    def _build_actions(self) -> None:
        s = self.session
        self.open_action = _action(self, "&Open\u2026", QKeySequence.StandardKey.Open,
                                   "Open a spreadsheet or a saved project.", self.open_dialog)
        self.demo_action = _action(self, "Open the &demo trial", None,
                                   "Open the synthetic RESORT-like demo trial.", self.open_demo)
        self.save_action = _action(self, "&Save project", QKeySequence.StandardKey.Save,
                                   "Save the whole analysis as a .resort project.", self.save)
        self.save_as_action = _action(self, "Save project &as\u2026",
                                      QKeySequence.StandardKey.SaveAs,
                                      "Save the project under another name.", self.save_as)
        self.export_action = _action(self, "&Export\u2026", "Ctrl+E",
                                     "Export the figure and the tables for a journal.",
                                     self.export)
        quit_action = _action(self, "&Quit", QKeySequence.StandardKey.Quit,
                              "Close resort-gui.", self.close)
        self.undo_action = s.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.undo_action.setToolTip("Undo the last change of roles, settings or exclusions.")
        self.redo_action = s.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Y"),
                                       QKeySequence(QKeySequence.StandardKey.Redo)])
        self.redo_action.setToolTip("Redo what was undone.")
        copy_action = _action(self, "&Copy results", "Ctrl+Shift+C",
                              "Copy the results sentence and tables (for Word or Excel).",
                              self.copy_results)
        help_action = _action(self, "&Help", QKeySequence.StandardKey.HelpContents,
                              "How to get from your spreadsheet to the figure.", self.show_help)
        about_action = _action(self, "&About resort-gui", None, "Version and licence.",
                               self.show_about)
        self.recent_menu = None
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        for action in (self.open_action, self.demo_action):
            file_menu.addAction(action)
        self.recent_menu = file_menu.addMenu("Open &recent")
        file_menu.addSeparator()
        for action in (self.save_action, self.save_as_action, self.export_action):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        edit_menu = menu.addMenu("&Edit")
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        edit_menu.addAction(copy_action)
        help_menu = menu.addMenu("&Help")
        help_menu.addAction(help_action)
        help_menu.addAction(about_action)
        toolbar = self.addToolBar("Main")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (self.open_action, self.save_action, self.export_action):
            toolbar.addAction(action)
        toolbar.addSeparator()
        # fixed text in the toolbar (the Edit menu names the step), so it never jumps
        self.undo_button = toolbar.addAction("Undo", s.undo_stack.undo)
        self.redo_button = toolbar.addAction("Redo", s.undo_stack.redo)
        s.undo_stack.canUndoChanged.connect(self.undo_button.setEnabled)
        s.undo_stack.canRedoChanged.connect(self.redo_button.setEnabled)
        s.undo_stack.indexChanged.connect(self._on_undo_index_changed)
        self._on_undo_index_changed()
        toolbar.addSeparator()
        self.endpoint_widgets = (toolbar.addWidget(QLabel(" Endpoint: ")),
                                 toolbar.addWidget(self.endpoint))
        self.endpoint.setToolTip("The endpoint shown everywhere (define endpoints on the "
                                 "\u201cData and roles\u201d tab).")
        self.endpoint.setMinimumWidth(140)
        self.data_actions = (self.save_action, self.save_as_action, self.export_action,
                             copy_action)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        bar.addWidget(self.status_text, 1)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.cancel_button)
        self.progress.hide()
        self.cancel_button.hide()
        self.cancel_button.setToolTip("Stop the work in progress.")
        self.cancel_button.clicked.connect(self.session.cancel)

    def _connect(self) -> None:
        s = self.session
        self.welcome.open_clicked.connect(self.open_dialog)
        self.welcome.demo_clicked.connect(self.open_demo)
        self.welcome.recent_clicked.connect(self.open_path)
        s.table_loaded.connect(self._on_table_loaded)
        s.load_failed.connect(self._on_load_failed)
        s.notice.connect(self._on_notice)
        s.busy_changed.connect(self._on_busy_changed)
        s.progressed.connect(self._on_progressed)
        s.path_changed.connect(self._update_title)
        s.undo_stack.cleanChanged.connect(self._on_clean_changed)
        s.spec_changed.connect(self._show_endpoints)
        s.result_changed.connect(self._on_result_changed)
        # the results' width is known once they are laid out on a shown tab
        self.tabs.currentChanged.connect(lambda: QTimer.singleShot(0, self._fit_results_width))
        self.endpoint.activated.connect(s.switch_endpoint)

    # -- opening ---------------------------------------------------------------------------
    def open_dialog(self) -> None:
        patterns = " ".join(f"*{suffix}" for suffix in (*SUFFIXES, PROJECT_SUFFIX))
        path, _ = QFileDialog.getOpenFileName(
            self, "Open a spreadsheet or a project", self._last_folder(),
            f"Spreadsheets and projects ({patterns});;All files (*)")
        if path:
            self.open_path(path)

    def open_path(self, path: str | Path) -> None:
        """Open a data file or a ``.resort`` project (after asking about unsaved work)."""
        if not self.maybe_save():
            return
        path = Path(path)
        self._remember(path)
        if path.suffix.lower() == PROJECT_SUFFIX:
            self.session.open_project(path)
        else:
            self.session.open_file(path)

    def open_demo(self) -> None:
        if self.maybe_save():
            self.session.open_demo()

    def _on_table_loaded(self) -> None:
        self.stack.setCurrentWidget(self.tabs)
        for action in self.data_actions:
            action.setEnabled(True)
        opened_ready = self.session.is_demo() or self.session.project_path is not None
        self.tabs.setCurrentIndex(SURVIVAL_TAB if opened_ready else DATA_TAB)
        self._show_endpoints()
        self._update_title()

    def _on_load_failed(self, code: str, message: str) -> None:
        project = self.session.requested_project
        if code == "data_missing" and project is not None:
            answer = QMessageBox.question(
                self, "Data file not found",
                f"{message}\n\nWould you like to locate the data file?")
            if answer == QMessageBox.StandardButton.Yes:
                path, _ = QFileDialog.getOpenFileName(self, "Locate the data file",
                                                      self._last_folder())
                if path:
                    self.session.open_project(project, path)
            return
        QMessageBox.warning(self, "The file could not be opened", message)

    # -- saving and exporting --------------------------------------------------------------
    def save(self) -> bool:
        if self.session.project is None:
            return False
        if self.session.project_path is None:
            return self.save_as()
        return self._save_to(self.session.project_path)

    def save_as(self) -> bool:
        if self.session.project is None or self.session.raw is None:
            return False
        suggested = self.session.project_path or self.session.raw.path.with_suffix(
            PROJECT_SUFFIX)
        if self.session.is_demo():
            suggested = Path(self._last_folder()) / f"resort_demo{PROJECT_SUFFIX}"
        path, _ = QFileDialog.getSaveFileName(self, "Save the project", str(suggested),
                                              f"resort-gui project (*{PROJECT_SUFFIX})")
        if not path:
            return False
        path = Path(path)
        if path.suffix.lower() != PROJECT_SUFFIX:
            path = path.with_suffix(PROJECT_SUFFIX)
        return self._save_to(path)

    def _save_to(self, path: Path) -> bool:
        try:
            self.session.save(path)
        except (OSError, InputError) as exc:
            QMessageBox.warning(self, "The project could not be saved",
                                f"{path.name} could not be written: {exc}")
            return False
        self._remember(path)
        self.statusBar().showMessage(f"Saved {path.name}", 4000)
        return True

    def export(self) -> None:
        """The export dialog: figure files, tables and the report."""
        from resort_gui.ui.export_dialog import ExportDialog

        result = self.session.result
        if result is None:
            QMessageBox.information(self, "Nothing to export yet",
                                    "Complete the roles on the \u201cData and roles\u201d tab "
                                    "first; the figure and tables can then be exported.")
            return
        folder = Path.home() / "resort-results" if self.session.is_demo() else None
        ExportDialog(result, self, style=self.session.style, folder=folder).exec()

    def copy_results(self) -> None:
        from PySide6.QtGui import QGuiApplication

        if self.session.result is not None:
            QGuiApplication.clipboard().setText(self.results_panel.copy_all_text())
            self.statusBar().showMessage("Results copied: paste them into Word or Excel.", 4000)

    # -- closing ---------------------------------------------------------------------------
    def maybe_save(self) -> bool:
        """True when it is fine to drop the current work (saved, discarded or none)."""
        if not self.session.is_dirty:
            return True
        answer = QMessageBox.question(
            self, "Unsaved changes",
            "The analysis has changes that are not saved in a project. Save them?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    def _fit_results_width(self) -> None:
        """Give the results side the width its tables need (at least 40% of the window, at
        most half or what leaves the figure ``FIGURE_MIN_PX``) until the user moves the
        splitter: on a 1280-pixel laptop screen the default share cut off the "All
        patients" column, and four arms need more than half of 1024 pixels."""
        sizes = self.survival_splitter.sizes()
        total = sum(sizes)
        if self._results_width_chosen or total <= 0:
            return
        padding = self.side_tabs.width() - self.results_panel.width() \
            if self.results_panel.isVisible() else 16  # the tabs' frame
        widest = max(total * 0.5, total - FIGURE_MIN_PX)  # the figure keeps its minimum
        side = int(max(total * 0.4, min(self.results_panel.needed_width() + padding, widest)))
        if abs(sizes[1] - side) > 2:
            self.survival_splitter.setSizes([total - side, side])

    def _on_splitter_moved(self) -> None:
        self._results_width_chosen = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self.survival_splitter and event.type() == QEvent.Type.Resize:
            self._fit_results_width()
        return False

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        if self.maybe_save():
            self.session.tasks.cancel()
            self.autosave.discard()
            event.accept()
        else:
            event.ignore()

    def offer_restore(self) -> bool:
        """After a crash, offer the analysis autosaved before it; True when restoring."""
        path = self.autosave.pending()
        if path is None:
            return False
        answer = QMessageBox.question(
            self, "Restore the last analysis?",
            "resort-gui did not close normally last time. Restore the analysis as it was "
            "then (roles, settings, exclusions, figure)? The data is read again from its "
            "file, which was not changed.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes)
        if answer != QMessageBox.StandardButton.Yes:
            self.autosave.forget(path)
            return False
        self.session.restore(self.autosave.adopt(path))
        return True

    # -- drag and drop ---------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt's name
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt's name
        urls = [u for u in event.mimeData().urls() if u.isLocalFile()]
        if urls:
            event.acceptProposedAction()
            self.open_path(urls[0].toLocalFile())

    # -- help ------------------------------------------------------------------------------
    def show_help(self) -> None:
        dialog = QDialog(self)
        dialog.setWindowTitle("resort-gui help")
        dialog.resize(640, 560)
        browser = QTextBrowser()
        browser.setOpenExternalLinks(True)
        browser.setHtml(HELP_HTML)
        layout = QVBoxLayout(dialog)
        layout.addWidget(browser)
        dialog.show()
        self._help = dialog

    def show_about(self) -> None:
        QMessageBox.about(
            self, "About resort-gui",
            f"<h3>resort-gui {__version__}</h3>"
            "<p>Survival analysis of clinical trials for clinicians: Kaplan-Meier curves with "
            "risk tables, medians, landmarks, RMST, log-rank tests and Cox hazard ratios.</p>"
            "<p>Every estimate is checked against R's <i>survival</i> package.</p>"
            "<p>Licence: MIT. Figure style after survminer and the KMunicate study "
            "(Morris et al., BMJ Open 2019).</p>")

    # -- status ----------------------------------------------------------------------------
    def _on_busy_changed(self, text: str) -> None:
        busy = bool(text)
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        self.status_text.setText(f"{text}\u2026" if busy else "")
        if busy:
            self.progress.setRange(0, 0)

    def _on_progressed(self, done: int, total: int, text: str) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        if text and self.progress.isVisible():
            self.status_text.setText(f"{text}\u2026")

    def _on_notice(self, text: str) -> None:
        QMessageBox.information(self, APP_TITLE, text)

    def _on_clean_changed(self, _clean: bool) -> None:
        self._update_title()

    def _on_undo_index_changed(self, _index: int = 0) -> None:
        stack = self.session.undo_stack
        for button, name, step, can in ((self.undo_button, "Undo", stack.undoText(),
                                         stack.canUndo()),
                                        (self.redo_button, "Redo", stack.redoText(),
                                         stack.canRedo())):
            button.setEnabled(can)
            button.setToolTip(f"{name}: {step}" if step else name)

    def _on_result_changed(self) -> None:
        result = self.session.result
        if result is not None:
            self.status_text.setText(f"{result.cohort.n} patients analysed.")
        QTimer.singleShot(0, self._fit_results_width)  # once the panel shows the new tables

    def _show_endpoints(self) -> None:
        project = self.session.project
        self.endpoint.clear()
        for action in self.endpoint_widgets:
            action.setVisible(project is not None)
        if project is None:
            return
        for e in project.endpoints:
            self.endpoint.addItem(e.name)
        self.endpoint.setCurrentIndex(project.active_endpoint)

    def _update_title(self) -> None:
        raw, path = self.session.raw, self.session.project_path
        name = path.name if path else (raw.name if raw else "")
        self.setWindowTitle(f"{name}[*] \u2014 {APP_TITLE}" if name else f"{APP_TITLE}[*]")
        self.setWindowModified(self.session.is_dirty)
        for action in getattr(self, "data_actions", ()):
            action.setEnabled(self.session.project is not None)

    # -- recent files ----------------------------------------------------------------------
    def _recent(self) -> list[str]:
        value = QSettings().value("recent", [])
        return [str(v) for v in (value if isinstance(value, list) else [value] if value
                                 else [])]

    def _remember(self, path: Path) -> None:
        recent = [str(path.resolve())] + [p for p in self._recent()
                                          if p != str(path.resolve())]
        QSettings().setValue("recent", recent[:MAX_RECENT])
        self._show_recent()

    def _show_recent(self) -> None:
        recent = [p for p in self._recent() if Path(p).exists()]
        self.welcome.show_recent(recent)
        if self.recent_menu is not None:
            self.recent_menu.clear()
            for p in recent:
                self.recent_menu.addAction(Path(p).name, lambda p=p: self.open_path(p))
            self.recent_menu.setEnabled(bool(recent))

    def _last_folder(self) -> str:
        recent = self._recent()
        return str(Path(recent[0]).parent) if recent else str(Path.home())


def _action(window: QMainWindow, text: str, shortcut: object, tip: str,
            slot: object) -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(shortcut)  # type: ignore[arg-type]
    action.setToolTip(tip)
    action.setStatusTip(tip)
    action.triggered.connect(slot)
    return action


def _padded(widget: QWidget) -> QWidget:
    holder = QWidget()
    layout = QVBoxLayout(holder)
    layout.setContentsMargins(8, 8, 8, 8)
    layout.addWidget(widget)
    return holder


HELP_HTML = """
<h2>From your spreadsheet to the figure</h2>
<ol>
<li><b>Open your file</b> (File &rsaquo; Open, Ctrl+O, or drop it on the window): Excel, CSV,
ODS, SPSS or Stata, one row per patient.</li>
<li><b>Check the roles</b> on the <i>Data and roles</i> tab. resort-gui guesses which column
is the time (or the dates), the event and the groups; correct anything it got wrong. Tick the
values that mean the event happened (e.g. <i>yes</i>, <i>1</i> or <i>2</i>). Choose the
reference group (usually the control arm) and, for a stratified trial, the strata.</li>
<li><b>Look at the patients</b> on the <i>Patients</i> tab: grey rows are not analysed, and
the column <i>Why</i> says why. Right-click a patient to exclude him or her with a reason;
Edit &rsaquo; Undo (Ctrl+Z) takes it back.</li>
<li><b>Read the results</b> on the <i>Survival curves and results</i> tab: the figure with its
risk table, the medians, landmark survival, log-rank test and hazard ratio, and a sentence
ready to paste. <i>Points to check</i> warns about anything a reviewer would ask.</li>
<li><b>Export</b> the figure and tables (Ctrl+E) and <b>save the project</b> (Ctrl+S) to
reopen the analysis later.</li>
</ol>
<h3>Terms</h3>
<p><b>Censored</b>: followed without the event until the last contact. <b>Median</b>: the time
at which half the patients have had the event; <i>NR</i> means not reached. <b>Landmark</b>:
survival at a fixed time (e.g. 24 months). <b>RMST</b>: mean time without the event up to a
horizon. <b>Hazard ratio</b>: below 1 favours the group compared with the reference.</p>
<h3>Shortcuts</h3>
<p>Ctrl+O open &middot; Ctrl+S save &middot; Ctrl+E export &middot; Ctrl+Z undo &middot;
Ctrl+Y redo &middot; Ctrl+Shift+C copy results &middot; F1 help</p>
"""
