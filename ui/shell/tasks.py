"""Long work off the UI thread, with a progress dialog, Cancel and success/failure callbacks (Anki's operations).

``run_task(parent, fn, on_success, ...)`` calls ``fn(progress)`` on a worker thread; ``progress.report(done,
total, text)`` moves the dialog's bar, ``progress.check()`` raises ``Cancelled`` once the user pressed Cancel.
The callbacks run on the UI thread. The dialog appears only if the work takes longer than ``SHOW_AFTER_MS``.
"""
from __future__ import annotations

import gc
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

SHOW_AFTER_MS = 400

_pool: QThreadPool | None = None
_active: set[Task] = set()


_gc_lock = threading.Lock()
_gc_holds = 0
_gc_was_enabled = True


def _hold_gc() -> None:
    """No garbage collection while a worker runs: a collection set off by a worker's allocation would run the
    destructors of unreachable Qt widgets on that thread (Qt objects must die on the UI thread) and can crash the
    process. The UI thread collects once the workers are done."""
    global _gc_holds, _gc_was_enabled
    with _gc_lock:
        if _gc_holds == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_holds += 1


def _release_gc() -> None:
    global _gc_holds
    with _gc_lock:
        _gc_holds -= 1
        if _gc_holds == 0 and _gc_was_enabled:
            gc.enable()


_gc_timer: QTimer | None = None


def collect_on_ui_thread(app: QObject) -> None:
    """Python's automatic garbage collection off for good; the UI thread collects from its event loop instead.

    An automatic collection runs wherever an allocation happens to cross the threshold: on a worker (the
    destructors of unreachable Qt widgets then run off the UI thread and crash the process), or inside a Qt
    destructor that holds a signal lock while PySide looks up a Python override (a widget collected there needs
    the same lock: the process hangs). A timer on the UI thread collects by the same thresholds at a point where
    neither can happen (the way Anki's GarbageCollector does). Idempotent."""
    global _gc_timer
    if _gc_timer is not None:
        return
    gc.disable()
    timer = QTimer(app)
    timer.setInterval(500)
    timer.timeout.connect(_collect)
    timer.start()
    _gc_timer = timer


def _collect() -> None:
    counts, limits = gc.get_count(), gc.get_threshold()
    if counts[0] > limits[0]:
        generation = 0
        if counts[1] > limits[1]:
            generation = 2 if counts[2] > limits[2] else 1
        gc.collect(generation)


class Cancelled(Exception):
    """The user pressed Cancel; the work stopped cleanly."""


class Progress:
    """Handed to the work function; safe to use from the worker thread."""

    def __init__(self, signals: _Signals) -> None:
        self._signals = signals
        self._cancel = threading.Event()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled()

    def report(self, done: int, total: int, text: str = "") -> None:
        self._signals.progress.emit(done, total, text)


class _Signals(QObject):
    succeeded = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int, str)


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[Progress], Any], progress: Progress, signals: _Signals) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.fn, self.progress, self.signals = fn, progress, signals

    def run(self) -> None:
        _hold_gc()
        try:
            result = self.fn(self.progress)
        except BaseException as e:  # noqa: BLE001 - handed to the UI thread
            _release_gc()
            self.signals.failed.emit(e)
        else:
            _release_gc()
            self.signals.succeeded.emit(result)


def pool() -> QThreadPool:
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(2)
    return _pool


class Task(QObject):
    """One piece of work in flight; lives on the UI thread."""

    done = Signal()

    def __init__(self, parent: QWidget | None, fn: Callable[[Progress], Any],
                 on_success: Callable[[Any], None] | None, on_failure: Callable[[BaseException], None] | None,
                 label: str, cancellable: bool, show_progress: bool) -> None:
        super().__init__()
        self.parent_widget = parent
        self.on_success, self.on_failure = on_success, on_failure
        self.finished = False
        self.signals = _Signals()
        self.progress = Progress(self.signals)
        self.signals.succeeded.connect(self._succeeded)
        self.signals.failed.connect(self._failed)
        self.signals.progress.connect(self._progress)
        self.dialog: QProgressDialog | None = None
        if show_progress:
            d = QProgressDialog(label or "请稍候……", "取消" if cancellable else "", 0, 0, parent)
            d.setWindowTitle("心桥")
            d.setWindowModality(Qt.WindowModality.WindowModal)
            d.setMinimumDuration(SHOW_AFTER_MS)
            d.setAutoClose(False)
            d.setAutoReset(False)
            if not cancellable:
                d.setCancelButton(None)  # type: ignore[arg-type]
            d.canceled.connect(self.progress.cancel)
            self.dialog = d
        self.runnable = _Runnable(fn, self.progress, self.signals)

    def start(self) -> None:
        _active.add(self)
        pool().start(self.runnable)

    def _progress(self, done: int, total: int, text: str) -> None:
        d = self.dialog   # setValue of a modal progress dialog processes events: the task may finish meanwhile
        if d is not None:
            if text:
                d.setLabelText(text)
            d.setMaximum(max(total, 0))
            d.setValue(min(done, total) if total else 0)

    def _close(self) -> None:
        self.finished = True
        _active.discard(self)
        if self.dialog is not None:
            self.dialog.canceled.disconnect(self.progress.cancel)
            self.dialog.reset()  # also stops the timer that would show it later
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None
        self.done.emit()

    def _succeeded(self, result: Any) -> None:
        self._close()
        if self.on_success is not None:
            self.on_success(result)

    def _failed(self, exc: BaseException) -> None:
        self._close()
        if isinstance(exc, Cancelled):
            return
        if self.on_failure is not None:
            self.on_failure(exc)
        else:
            from ui.shell.errors import show_error

            show_error(self.parent_widget, exc)


def run_task(parent: QWidget | None, fn: Callable[[Progress], Any],
             on_success: Callable[[Any], None] | None = None,
             on_failure: Callable[[BaseException], None] | None = None, *,
             label: str = "", cancellable: bool = False, show_progress: bool = True) -> Task:
    task = Task(parent, fn, on_success, on_failure, label, cancellable, show_progress)
    task.start()
    return task


def running() -> int:
    return len(_active)


def wait_idle(timeout: float = 10.0) -> bool:
    """Tests and shutdown: wait for every task, delivering their callbacks. True if all finished."""
    end = time.monotonic() + timeout
    while _active and time.monotonic() < end:
        pool().waitForDone(20)
        QCoreApplication.processEvents()
    return not _active
