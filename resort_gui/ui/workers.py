"""Slow work off the GUI thread: a pure function runs in Qt's thread pool and reports back
through queued signals; the window never waits for it.

A task's function receives a ``Progress`` to report steps and to learn it was cancelled
(``Progress.step`` raises ``Cancelled`` then). A cancelled task's result is dropped even
when the function could not stop early (e.g. inside a file reader).

Tasks of one kind run one at a time: a new analysis asked for while a cancelled one is still
on its thread waits until that one stops. Two analyses at once would hold two sets of
working arrays (the peak memory of a first analysis at 10,000 patients was 5.7 MB over
the table instead of 2.9) and share two cores for an answer nobody wants.

Python's cyclic garbage collector runs only on the GUI thread once a ``TaskRunner`` exists.
Some Qt objects live only as long as a Python reference cycle (pyqtgraph keeps a plot's
context menus, ``QMenu``, as plain attributes of items that refer back to themselves). Left
automatic, the collector runs in whichever thread happens to allocate, often a pool thread
reading a file or drawing an export, and a ``QWidget`` freed there races the GUI thread:
Python died of a segmentation fault in about one full test run in two. pyqtgraph's own
``GarbageCollector`` turns automatic collection off and collects on a GUI-thread timer with
Python's thresholds.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

import shiboken6
from pyqtgraph.util.garbage_collector import GarbageCollector
from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from resort_gui.domain.errors import InputError

SHOW_PROGRESS_AFTER_MS = 100  # shorter work never flashes a progress bar
COLLECT_EVERY_S = 0.25  # how long garbage waits for the GUI thread's collector at most
_gui_thread_collector: list[GarbageCollector] = []  # one per process, made on first use


def collect_garbage_in_gui_thread() -> None:
    """Stop automatic cyclic collection and collect on a GUI-thread timer instead (see the
    module's docstring). Call from the GUI thread before any pool thread runs Python."""
    if not _gui_thread_collector:
        _gui_thread_collector.append(GarbageCollector(interval=COLLECT_EVERY_S))


class Cancelled(Exception):
    """Raised inside a task's function when the user cancelled it."""


class Progress:
    """Passed to a task's function: ``step(done, total, text)`` reports and checks for
    cancellation."""

    def __init__(self, task: Task) -> None:
        self._task = task

    @property
    def cancelled(self) -> bool:
        return self._task.is_cancelled

    def step(self, done: int, total: int, text: str = "") -> None:
        if self._task.is_cancelled:
            raise Cancelled
        self._task.signals.progressed.emit(done, total, text)


class _TaskSignals(QObject):
    # No Python object travels through a queued signal: the outcome waits on the task and
    # the GUI thread picks it up (PyObject arguments of cross-thread signals are fragile
    # at interpreter exit).
    done = Signal()  # the task's function returned, whatever the outcome (even cancelled)
    progressed = Signal(int, int, str)


class Task(QRunnable):
    """One call of ``work(progress)`` on a pool thread; ``outcome`` is ("finished", value),
    ("failed", InputError) or ("crashed", traceback text) once ``signals.done`` fired."""

    def __init__(self, work: Callable[[Progress], Any]) -> None:
        super().__init__()
        self.setAutoDelete(False)  # Python keeps it alive until its outcome is collected
        self.work = work
        self.signals = _TaskSignals()
        self.outcome: tuple[str, Any] | None = None
        self._cancelled = threading.Event()

    @property
    def is_cancelled(self) -> bool:
        return self._cancelled.is_set()

    def cancel(self) -> None:
        self._cancelled.set()

    def run(self) -> None:
        try:
            self.outcome = ("finished", self.work(Progress(self)))
        except Cancelled:
            pass
        except InputError as exc:
            self.outcome = ("failed", exc)
        except Exception:  # noqa: BLE001 - a bug: reported to the window, which logs it
            self.outcome = ("crashed", traceback.format_exc())
        self.signals.done.emit()


class TaskRunner(QObject):
    """Runs tasks by kind ("load", "analysis", ...): a new task of a kind cancels the one
    before it and starts when that one has stopped. Reports the busy state for a progress
    bar shown after 100 ms."""

    busy_changed = Signal(str)  # the running task's description; "" when idle
    progressed = Signal(int, int, str)
    crashed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        collect_garbage_in_gui_thread()
        self.pool = QThreadPool.globalInstance()
        self._running: dict[str, tuple[Task, str]] = {}  # the task whose outcome is wanted
        self._on_thread: dict[str, Task] = {}  # the task on a pool thread, maybe cancelled
        self._waiting: dict[str, Task] = {}  # the task to start when that one has stopped
        self._show_timer = QTimer(self, singleShot=True, interval=SHOW_PROGRESS_AFTER_MS)
        self._show_timer.timeout.connect(self._announce)

    def start(self, kind: str, description: str, work: Callable[[Progress], Any],
              on_finished: Callable[[Any], None],
              on_failed: Callable[[InputError], None]) -> Task:
        self.cancel(kind)
        task = Task(work)
        handlers = {"finished": on_finished, "failed": on_failed, "crashed": self.crashed.emit}
        task.signals.done.connect(lambda: self._done(kind, task, handlers))
        task.signals.progressed.connect(self.progressed)
        self._running[kind] = (task, description)
        self._show_timer.start()
        if kind in self._on_thread:
            self._waiting[kind] = task
        else:
            self._launch(kind, task)
        return task

    def _launch(self, kind: str, task: Task) -> None:
        self._on_thread[kind] = task
        self.pool.start(task)

    def cancel(self, kind: str | None = None) -> None:
        """Cancel the task of ``kind`` (every task when None)."""
        kinds = list(self._running) if kind is None else [kind]
        for k in kinds:
            entry = self._running.pop(k, None)
            if entry is not None:
                entry[0].cancel()
                if self._waiting.get(k) is entry[0]:
                    del self._waiting[k]  # it never started
        self._announce()

    def is_busy(self, kind: str | None = None) -> bool:
        return bool(self._running) if kind is None else kind in self._running

    def wait(self, timeout_ms: int = 30000) -> bool:
        """Block until the pool is idle (for tests and for quitting cleanly)."""
        return self.pool.waitForDone(timeout_ms)

    def _done(self, kind: str, task: Task,
              handlers: dict[str, Callable[[Any], None]]) -> None:
        task.signals.done.disconnect()
        # whoever still holds the task must not hold its result too: every analysis of a
        # session stayed in memory (29x the table after 28 settings changes at 1M patients)
        outcome, task.outcome, task.work = task.outcome, None, None
        if not shiboken6.isValid(self):
            return  # its window was closed meanwhile
        del self._on_thread[kind]
        waiting = self._waiting.pop(kind, None)
        if waiting is not None:
            self._launch(kind, waiting)
        if self._running.get(kind, (None,))[0] is not task or outcome is None:
            return  # superseded or cancelled
        del self._running[kind]
        self._announce()
        what, value = outcome
        handlers[what](value)

    def _announce(self) -> None:
        if not self._running:
            self._show_timer.stop()
            self.busy_changed.emit("")
        elif not self._show_timer.isActive():
            self.busy_changed.emit(next(iter(self._running.values()))[1])
