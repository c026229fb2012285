"""Run slow app/ calls (reading a roster, writing an import, reloading the index) off the UI thread.

A minimal local worker: ``run_in_background(fn, on_done, on_failed)`` runs ``fn()`` in Qt's global thread pool and
delivers its result (or exception) back on the UI thread through a queued signal.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

_alive: set[Task] = set()  # keep tasks referenced until they have reported


class Task(QObject):
    done = Signal(object)
    failed = Signal(object)

    def __init__(self, fn: Callable[[], Any]) -> None:
        super().__init__()
        self._fn = fn
        self.finished = False

    def _run(self) -> None:
        try:
            result = self._fn()
        except BaseException as e:  # noqa: BLE001 - every failure goes back to the UI thread
            self.failed.emit(e)
        else:
            self.done.emit(result)

    def _finish(self, _value: object) -> None:
        self.finished = True
        _alive.discard(self)


class _Runnable(QRunnable):
    def __init__(self, task: Task) -> None:
        super().__init__()
        self.task = task

    def run(self) -> None:
        self.task._run()


def running() -> int:
    """How many tasks have not reported yet (tests wait for 0)."""
    return len(_alive)


def run_in_background(fn: Callable[[], Any], on_done: Callable[[Any], None],
                      on_failed: Callable[[BaseException], None]) -> Task:
    task = Task(fn)
    task.done.connect(on_done)
    task.failed.connect(on_failed)
    task.done.connect(task._finish)
    task.failed.connect(task._finish)
    _alive.add(task)
    QThreadPool.globalInstance().start(_Runnable(task))
    return task
