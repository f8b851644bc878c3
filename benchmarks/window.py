"""The window, offscreen: how long a settings change takes to reach the plot and the results,
how long the patients table of every row takes to show, and the peak memory.

    QT_QPA_PLATFORM=offscreen python benchmarks/window.py 10000,1000000 5

Prints a JSON list of measures for ``run.py``. For each n, in a fresh process (so that the
peak memory is that n's): open the synthetic CSV through the session, set the roles, wait
for the first analysis, then time, ``repeats`` times each, from the change to the moment
the plot and results panels have redrawn (the signal handled and the figure painted):
grouping by another column and back ("regroup"), and excluding one patient and undoing it.
Peak memory is measured over the window after the same session on 100 patients (what any
session costs once: code imported on first use, font caches, pool threads, the widgets of a
three-group result), so that its ratio to the table's size is what the data costs; the
growth over the empty window is printed too.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import asdict, replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synthetic  # noqa: E402
from engine_tasks import benchmark_spec  # noqa: E402
from timing import Timing  # noqa: E402

TIMEOUT_S = float(os.environ.get("RESORT_BENCH_TIMEOUT", 600))
TARGETS = {10_000: 0.1, 1_000_000: 1.0}
FIXED_COST_PATIENTS = 100


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_one(n: int, repeats: int) -> list[dict[str, object]]:
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QApplication

    from resort_gui.domain.spec import AnalysisSpec, EventSource
    from resort_gui.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    window = MainWindow()
    window.resize(1400, 900)
    window.show()
    app.processEvents()
    baseline = rss_mb()
    session = window.session
    done: list[float] = []
    session.result_changed.connect(lambda: done.append(time.perf_counter()))

    def wait(condition) -> None:  # noqa: ANN001
        """Turn the event loop as ``app.exec`` would, deferred deletions included (plain
        ``processEvents`` never runs them, and replaced widgets would pile up)."""
        deadline = time.perf_counter() + TIMEOUT_S
        while not condition():
            app.processEvents()
            QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
            time.sleep(0.001)
            if time.perf_counter() > deadline:
                raise TimeoutError("the window did not finish in time")

    def settle() -> float:
        """Time at which the result arrived and the figure was painted."""
        count = len(done)
        wait(lambda: len(done) > count and session.result is not None
             and not session.tasks.is_busy())
        settle_paint()
        return time.perf_counter()

    loaded: list[bool] = []
    session.table_loaded.connect(lambda: loaded.append(True))

    def open_and_analyse(patients: int) -> tuple[AnalysisSpec, float]:
        """Open the synthetic CSV of ``patients`` rows, set the roles, wait for the result;
        returns the spec and the seconds the file took to open."""
        path = synthetic.cached_file(patients, "csv", HERE / "data")
        loaded.clear()
        start = time.perf_counter()
        session.open_file(path)
        wait(lambda: bool(loaded))
        opened = time.perf_counter() - start
        event = EventSource("event", ("1",))
        # the roles of the benchmark, and what the window recognised in the file as a user
        # would keep it (the sheet, the header row, the patient identifiers)
        spec = replace(benchmark_spec(str(path)), sheet=session.spec.sheet,
                       header_row=session.spec.header_row,
                       patient_id=session.spec.patient_id,
                       endpoint=replace(benchmark_spec().endpoint, events=(event,)))
        count = len(done)
        session.set_spec(spec, "Benchmark roles")
        wait(lambda: len(done) > count and session.result is not None)
        settle_paint()
        return spec, opened

    def settle_paint() -> None:
        """Paint the figure now, into the window's backing store as the screen update does
        (``grab`` would also allocate a picture of the widget, which the window never does:
        4.8 MB for the patients table)."""
        window.plot_panel.figure.repaint()
        app.processEvents()

    def exercise(spec: AnalysisSpec, repeats: int) -> list[dict[str, object]]:
        """Change the settings and show the patients table, ``repeats`` times each; returns
        the timings."""
        changes = {
            "regroup": (lambda: session.set_spec(replace(session.spec, group="risk",
                                                         reference=None, strata=()),
                                                 "Regroup"),
                        lambda: session.set_spec(spec, "Regroup back")),
            "exclude one patient": (lambda: session.exclude([2], "benchmark"),
                                    lambda: session.undo_stack.undo()),
        }
        rows: list[dict[str, object]] = []
        for name, (change, back) in changes.items():
            seconds = []
            for _ in range(repeats):
                start = time.perf_counter()
                change()
                seconds.append(settle() - start)
                start = time.perf_counter()
                back()
                seconds.append(settle() - start)
            rows.append({"measure": f"settings change: {name}, to plot and results", "n": n,
                         "timing": asdict(Timing.of(seconds)), "target": TARGETS.get(n)})
        seconds = []
        for _ in range(repeats):
            window.tabs.setCurrentWidget(window.plot_panel.parentWidget() or window.plot_panel)
            app.processEvents()
            start = time.perf_counter()
            window.tabs.setCurrentWidget(window.cohort_panel)
            window.cohort_panel.repaint()
            app.processEvents()
            seconds.append(time.perf_counter() - start)
        rows.append({"measure": "show the patients table (every row)", "n": n,
                     "timing": asdict(Timing.of(seconds))})
        return rows

    # what any session costs once (code imported on first use, font and glyph caches, pool
    # threads, the widgets of a three-group result), measured by the same session on a small
    # file, so that the ratio is the cost of the data
    exercise(open_and_analyse(FIXED_COST_PATIENTS)[0], 1)
    fixed = peak_mb() - baseline
    spec, opened = open_and_analyse(n)
    table_mb = int(window.session.raw.frame.memory_usage(deep=True).sum()) / 2**20
    first_peak = peak_mb() - baseline
    rows = exercise(spec, repeats)
    rows.append({"measure": "open the CSV (read, guess roles, first table)", "n": n,
                 "timing": asdict(Timing.of([opened]))})
    changes_made = 4 * repeats
    for when, growth in (("open and first analysis", first_peak),
                         (f"after {changes_made} more analyses", peak_mb() - baseline)):
        rows.append({"measure": f"peak memory, {when}: {growth - fixed:.0f} MB over a "
                                f"{FIXED_COST_PATIENTS}-patient session ({growth:.0f} MB over "
                                f"the empty window), table {table_mb:.0f} MB", "n": n,
                     "unit": "x", "timing": asdict(Timing.of([(growth - fixed) / table_mb])),
                     "target": 4.0})
    session.undo_stack.setClean()  # nothing to save: close without asking
    window.close()
    return rows


def main() -> int:
    sizes = [int(float(s)) for s in sys.argv[1].split(",")]
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    if len(sizes) > 1:  # one process per size, for an honest peak memory
        rows = []
        for n in sizes:
            done = subprocess.run([sys.executable, __file__, str(n), str(repeats)],
                                  capture_output=True, text=True, env=os.environ)
            if done.returncode != 0:
                print(done.stdout, done.stderr, file=sys.stderr)
                return done.returncode
            rows += json.loads(done.stdout)
        print(json.dumps(rows))
        return 0
    try:
        import resort_gui.ui.main_window  # noqa: F401
    except ImportError as exc:
        print(f"the window is not built yet ({exc})")
        return 3
    print(json.dumps(measure_one(sizes[0], repeats)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
