"""How long the UI thread stops answering: the largest gap of a 5 ms heartbeat timer around an action.

Used by the page benchmarks. The QApplication gets the app's font and, as the app does once the main window
shows after sign-in, a settled garbage collector; ``measure`` pumps events until background tasks (and the
caller's own ``busy()``) are done, so loads that finish on a worker are part of the measurement.
"""
from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any


class StallMeter:
    def __init__(self, busy: Callable[[], bool] | None = None) -> None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication

        from ui.shell.application import settle_garbage_collector
        from ui.shell.fonts import apply_app_font

        self.app: Any = QApplication.instance() or QApplication([])
        apply_app_font(self.app)
        settle_garbage_collector()
        self.busy = busy or (lambda: False)
        self.last = time.perf_counter()
        self.gaps: list[float] = []
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append(now - self.last)
        self.last = now

    def pump(self, seconds: float = 0.05) -> None:
        from ui.shell import tasks

        end = time.perf_counter() + seconds
        while time.perf_counter() < end or tasks.running() or self.busy():
            self.app.processEvents()
            time.sleep(0.001)

    def measure(self, action: Callable[[], object]) -> tuple[float, float]:
        """(longest UI-thread stall, time until the action and its background work were done), in seconds."""
        self.pump()
        self.gaps.clear()
        self.last = time.perf_counter()
        t = time.perf_counter()
        action()
        self.pump(0.1)
        return max(self.gaps, default=0.0), time.perf_counter() - t

    def stop(self) -> None:
        self.timer.stop()
