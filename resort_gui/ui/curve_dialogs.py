"""Two small plots for checking an analysis: the log-log plot of the proportional-hazards
assumption (``LogLogDialog``) and the cumulative incidence curves of competing risks
(``CumulativeIncidenceDialog``), one line per group (and cause)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from resort_gui.domain.results import AnalysisResult
from resort_gui.figure import PALETTE
from resort_gui.stats.zph import log_minus_log
from resort_gui.summary import TextOptions

DASHES = ((), (6, 3), (2, 2), (8, 3, 2, 3))


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


def steps(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The vertices of a step function that holds ``y[i]`` from ``x[i]`` to ``x[i + 1]``,
    as R draws a survival curve (a line through the points would draw diagonals)."""
    return np.repeat(x, 2)[1:], np.repeat(y, 2)[:-1]


class CumulativeIncidenceDialog(_PlotDialog):
    """The cumulative incidence of each cause per group as steps (Aalen-Johansen), the cause
    of interest solid and the competing causes dashed."""

    def __init__(self, result: AnalysisResult, options: TextOptions | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__("Cumulative incidence (competing risks)",
                         "The probability of each kind of event by each time, with the other "
                         "kinds as competing risks (Aalen\u2013Johansen; Gray's test in the "
                         "table). Unlike 1 \u2212 Kaplan\u2013Meier, it does not treat the "
                         "competing events as censored.", parent)
        options = options or TextOptions()
        competing = result.competing
        assert competing is not None
        self.plot.setLabel("bottom", f"Time ({result.cohort.time_unit})")
        self.plot.setLabel("left", "Cumulative incidence")
        self.plot.setYRange(0, 1)
        groups = list(dict.fromkeys(c.group for c in competing.curves))
        causes = list(dict.fromkeys([competing.cause, *competing.competing]))
        self.curves = []
        for curve in competing.curves:
            x, y = curve.steps()
            colour = PALETTE[groups.index(curve.group) % len(PALETTE)]
            dash = DASHES[causes.index(curve.cause) % len(DASHES)] \
                if curve.cause in causes else DASHES[-1]
            pen = pg.mkPen(colour, width=2, dash=list(dash) or None)
            self.curves.append(self.plot.plot(x, y, pen=pen,
                                              stepMode="right",
                                              name=_cif_name(curve.group, curve.cause,
                                                             competing.cause, options)))


def _cif_name(group: str, cause: str, of_interest: str, options: TextOptions) -> str:
    kind = "event" if cause == of_interest else "competing event"
    return f"{options.name(group)}: {kind} {cause}"
