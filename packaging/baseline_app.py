"""The smallest honest PySide6 + pyqtgraph + pandas + scipy program: the yardstick that the
frozen resort-gui is measured against (size and start-up, ``packaging/measure.py``).

It does what every such program does at start: builds a DataFrame, computes with scipy, opens
a window with a pyqtgraph plot. ``--screenshot PATH`` saves the drawn window and quits, like
``resort-gui --demo --screenshot PATH``.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str]) -> int:
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY")
                                                  or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import numpy as np
    import pandas as pd
    import pyqtgraph as pg
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow
    from scipy import stats

    app = QApplication(["baseline"])
    times = np.linspace(0.0, 60.0, 121)
    frame = pd.DataFrame({"time": times, "survival": stats.expon.sf(times, scale=40.0)})
    plot = pg.PlotWidget(background="w")
    plot.plot(frame["time"].to_numpy(), frame["survival"].to_numpy(), stepMode=None)
    window = QMainWindow()
    window.setWindowTitle("baseline")
    window.setCentralWidget(plot)
    window.resize(900, 600)
    window.show()
    if argv[:1] == ["--screenshot"] and len(argv) == 2:
        target = argv[1]

        def save_and_quit() -> None:
            ok = window.grab().save(target)
            app.exit(0 if ok else 1)

        QTimer.singleShot(0, save_and_quit)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
