"""The empty state: drop a file here, Open..., Open the demo trial, recent files."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

MAX_RECENT = 8


class WelcomePage(QWidget):
    """What the window shows before a file is open."""

    open_clicked = Signal()
    demo_clicked = Signal()
    recent_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="welcome")
        title = QLabel("resort-gui", objectName="welcomeTitle")
        text = QLabel("Kaplan-Meier curves, risk tables, log-rank tests and hazard ratios "
                      "for clinical trials \u2014 checked against R's survival package.",
                      objectName="welcomeText", wordWrap=True)
        drop = QFrame(objectName="dropArea")
        drop.setMinimumSize(560, 240)
        drop_layout = QVBoxLayout(drop)
        drop_layout.addStretch(1)
        drop_layout.addWidget(QLabel("Drop a spreadsheet here", objectName="dropText"),
                              alignment=Qt.AlignmentFlag.AlignCenter)
        drop_layout.addWidget(QLabel("Excel (.xlsx, .xls), OpenDocument (.ods), CSV, SPSS "
                                     "(.sav), Stata (.dta), SAS (.xpt, .sas7bdat) or a "
                                     "saved project (.resort)"),
                              alignment=Qt.AlignmentFlag.AlignCenter)
        buttons = QHBoxLayout()
        open_button = QPushButton("Open a file\u2026", objectName="primary")
        open_button.setToolTip("Open your spreadsheet (one row per patient) or a saved "
                               "project (Ctrl+O).")
        open_button.clicked.connect(self.open_clicked)
        demo_button = QPushButton("Open the demo trial", objectName="primary")
        demo_button.setToolTip("A synthetic adjuvant trial (sorafenib versus observation, "
                               "endpoint RFS) to see what the program does.")
        demo_button.clicked.connect(self.demo_clicked)
        buttons.addStretch(1)
        buttons.addWidget(open_button)
        buttons.addWidget(demo_button)
        buttons.addStretch(1)
        drop_layout.addSpacing(16)
        drop_layout.addLayout(buttons)
        drop_layout.addStretch(1)
        self.recent_box = QVBoxLayout()
        self.recent_title = QLabel("Recent files", objectName="section")
        column = QVBoxLayout()
        column.addStretch(2)
        column.addWidget(title, alignment=Qt.AlignmentFlag.AlignHCenter)
        text.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        column.addWidget(text)
        column.addSpacing(20)
        column.addWidget(drop)
        column.addSpacing(16)
        column.addWidget(self.recent_title)
        column.addLayout(self.recent_box)
        column.addStretch(3)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(column, 3)
        outer.addStretch(1)
        self.show_recent([])

    def show_recent(self, paths: list[str]) -> None:
        while self.recent_box.count():
            item = self.recent_box.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        for path in paths[:MAX_RECENT]:
            button = QPushButton(f"{Path(path).name}   \u2014   {Path(path).parent}",
                                 objectName="recent")
            button.setToolTip(f"Open {path}")
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.clicked.connect(lambda _=False, p=path: self.recent_clicked.emit(p))
            self.recent_box.addWidget(button)
        self.recent_title.setVisible(bool(paths))
