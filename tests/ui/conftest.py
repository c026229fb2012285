"""UI test fixtures: the app's font and translations on pytest-qt's QApplication, dialogs that must be
pre-answered (strict mode), and every background task finished before a test ends."""
from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
# The offscreen platform plugin warns on every top-level window with a layout; it is not the app's fault.
OFFSCREEN_NOISE = "This plugin does not support propagateSizeHints"


def pytest_collection_modifyitems(items):
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


@pytest.fixture(autouse=True)
def _ui_defaults(window_setup):
    """Every UI test runs with the window's set-up (tests/conftest.py)."""
    yield


class FakeClock:
    """A settable clock for idle and lockout timing."""

    def __init__(self, start: float = 1_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


def wait_tasks(qtbot, timeout: int = 10_000) -> None:
    from ui.shell import tasks

    qtbot.waitUntil(lambda: tasks.running() == 0, timeout=timeout)
