"""The task runner: one task of a kind at a time, only the newest one's outcome delivered."""

from __future__ import annotations

import threading

from resort_gui.ui.workers import Progress, TaskRunner

TIMEOUT_MS = 10_000


def test_a_new_task_waits_for_the_cancelled_one_and_only_the_newest_reports(qtbot) -> None:
    runner = TaskRunner()
    release_first = threading.Event()
    first_on_thread = threading.Event()
    log: list[str] = []
    delivered: list[str] = []

    def first(progress: Progress) -> str:
        first_on_thread.set()
        release_first.wait(TIMEOUT_MS / 1000)
        log.append("first returns")
        progress.step(1, 1)  # cancelled meanwhile: raises Cancelled
        return "first"

    def later(name: str):
        def work(_progress: Progress) -> str:
            log.append(f"{name} starts, first still on its thread: {not log}")
            return name
        return work

    runner.start("analysis", "first", first, delivered.append, delivered.append)
    assert first_on_thread.wait(TIMEOUT_MS / 1000)
    runner.start("analysis", "second", later("second"), delivered.append, delivered.append)
    runner.start("analysis", "third", later("third"), delivered.append, delivered.append)
    qtbot.wait(200)  # a runner that started them at once has started them by now
    release_first.set()
    qtbot.waitUntil(lambda: not runner.is_busy(), timeout=TIMEOUT_MS)

    assert log == ["first returns", "third starts, first still on its thread: False"]
    assert delivered == ["third"]
    assert runner.wait()


def test_cancelling_a_waiting_task_means_it_never_starts(qtbot) -> None:
    runner = TaskRunner()
    release_first = threading.Event()
    started: list[str] = []

    def first(_progress: Progress) -> None:
        started.append("first")
        release_first.wait(TIMEOUT_MS / 1000)

    def second(_progress: Progress) -> None:
        started.append("second")

    runner.start("load", "first", first, print, print)
    qtbot.waitUntil(lambda: started == ["first"], timeout=TIMEOUT_MS)
    runner.start("load", "second", second, print, print)
    runner.cancel("load")
    release_first.set()
    assert runner.wait()
    qtbot.wait(50)  # the first one's end is handled: a waiting task would start now
    assert started == ["first"] and not runner.is_busy()
