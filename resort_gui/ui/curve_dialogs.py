"""A small plot for checking an analysis: the log-log plot of the proportional-hazards
assumption (``LogLogDialog``), one line per group. (The cumulative incidence curves of
competing risks are a figure of the Trial tables tab, drawn by the Kaplan-Meier renderer.)"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from resort_gui.domain.results import AnalysisResult
from resort_gui.present.figure import PALETTE
from resort_gui.present.summary import TextOptions
from resort_gui.stats.zph import log_minus_log


class _PlotDialog(QDialog):
    """A plot with a legend, an explanation under it and a Close button."""

    def __init__(self, title: str, explanation: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(720, 560)
        self.plot = pg.PlotWidget(background="w")
        self.plot.setMenuEnabled(False)
        self.plot.addLegend(offset=(10, 10), labelTextColor="#000000")
        for axis in ("left", "bottom"):
            self.plot.getAxis(axis).setTextPen("#000000")
            self.plot.getAxis(axis).setPen("#000000")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.plot, 1)
        layout.addWidget(QLabel(explanation, wordWrap=True))
        layout.addWidget(buttons)


class LogLogDialog(_PlotDialog):
    """log(-log S(t)) against log t per group: parallel curves are what proportional hazards
    look like (R: ``plot(survfit(...), fun = "cloglog")``)."""

    def __init__(self, result: AnalysisResult, options: TextOptions | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__("Log-log plot: are the hazards proportional?",
                         "Each line is log(\u2212log S) of a group's Kaplan\u2013Meier curve "
                         "against the logarithm of time. If the hazards are proportional the "
                         "lines run parallel; lines that converge, diverge or cross mean the "
                         "hazard ratio changes over follow-up.", parent)
        options = options or TextOptions()
        self.plot.setLabel("bottom", f"log(time in {result.cohort.time_unit})")
        self.plot.setLabel("left", "log(\u2212log survival)")
        self.curves = []
        for index, group in enumerate(result.groups):
            x, y = log_minus_log(group.km)
            if not x.size:
                continue
            pen = pg.mkPen(PALETTE[index % len(PALETTE)], width=2)
            self.curves.append(self.plot.plot(*steps(x, y), pen=pen,
                                              name=options.name(group.label)))


def open_loglog(parent: QWidget, result: AnalysisResult, options: TextOptions) -> QDialog:
    """Show the log-log plot of ``result`` (not modal: the window stays usable)."""
    dialog = LogLogDialog(result, options, parent)
    dialog.show()
    return dialog


def steps(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The vertices of a step function that holds ``y[i]`` from ``x[i]`` to ``x[i + 1]``,
    as R draws a survival curve (a line through the points would draw diagonals)."""
    return np.repeat(x, 2)[1:], np.repeat(y, 2)[:-1]
