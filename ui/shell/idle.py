"""Idle lock (after KeePassXC's InactivityTimer) and the OS screen-lock hook.

``IdleWatcher`` is an app-wide event filter: every key press, click, wheel or mouse move counts as activity.
A coarse timer calls ``check()``, which compares the injectable ``clock`` with the last activity, so tests
drive it by advancing a fake clock and calling ``check()``.

``OsLockWatcher`` emits ``locked`` when the operating system's session is locked, as far as Qt reports it:
``QGuiApplication.applicationStateChanged`` → ``ApplicationSuspended`` (mobile-style platforms), and on Linux
desktops the ``ActiveChanged(true)`` signal of ``org.freedesktop.ScreenSaver`` / ``org.gnome.ScreenSaver`` on
the session D-Bus when there is one. Windows session-lock messages (WTS) are not hooked yet: the idle timer
still locks after the idle time.
"""
from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import SLOT, QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QGuiApplication

ACTIVITY_EVENTS = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick, QEvent.Type.MouseMove,
    QEvent.Type.Wheel, QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.InputMethod,
})


def _is_lock_key(obj: QObject, event: QEvent) -> bool:
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QDialog, QWidget

    if not isinstance(event, QKeyEvent) or event.key() != Qt.Key.Key_L:
        return False
    if event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier != Qt.KeyboardModifier.ControlModifier:
        return False
    return isinstance(obj, QWidget) and isinstance(obj.window(), QDialog)


class IdleWatcher(QObject):
    idle = Signal()
    lock_key = Signal()   # Ctrl+L pressed inside a dialog (the window's own shortcut does not reach a modal one)

    def __init__(self, minutes: float = 10, clock: Callable[[], float] = time.monotonic,
                 poll_ms: int = 5000, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.clock = clock
        self.timeout = max(1.0, float(minutes) * 60)
        self.last_activity = clock()
        self.active = False
        self._installed = False
        self._timer = QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self.check)

    def set_minutes(self, minutes: float) -> None:
        self.timeout = max(1.0, float(minutes) * 60)
        self.touch()

    def start(self) -> None:
        app = QGuiApplication.instance()
        if app is not None and not self._installed:
            app.installEventFilter(self)
            self._installed = True
        self.touch()
        self.active = True
        self._timer.start()

    def stop(self) -> None:
        self.active = False
        self._timer.stop()

    def shutdown(self) -> None:
        self.stop()
        app = QGuiApplication.instance()
        if app is not None and self._installed:
            app.removeEventFilter(self)
            self._installed = False

    def touch(self) -> None:
        self.last_activity = self.clock()

    def idle_seconds(self) -> float:
        return self.clock() - self.last_activity

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() in ACTIVITY_EVENTS:
            self.last_activity = self.clock()
            if event.type() == QEvent.Type.KeyPress and self.active and _is_lock_key(obj, event):
                self.lock_key.emit()
                return True
        return False

    def check(self) -> bool:
        """Emit ``idle`` once when the idle time has passed; the owner restarts the watcher after unlocking."""
        if self.active and self.idle_seconds() >= self.timeout:
            self.stop()
            self.idle.emit()
            return True
        return False


class OsLockWatcher(QObject):
    locked = Signal()

    def __init__(self, parent: QObject | None = None, use_dbus: bool = True) -> None:
        super().__init__(parent)
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.applicationStateChanged.connect(self._state_changed)
        self.dbus_watching: list[str] = []
        if use_dbus:
            self._watch_dbus()

    def _state_changed(self, state: Qt.ApplicationState) -> None:
        if state == Qt.ApplicationState.ApplicationSuspended:
            self.locked.emit()

    def _watch_dbus(self) -> None:
        try:
            from PySide6.QtDBus import QDBusConnection
        except ImportError:
            return
        bus = QDBusConnection.sessionBus()
        if not bus.isConnected():
            return
        # Any sender: the screen saver's well-known name may be owned late (or not at all), and a spurious
        # signal can only lock the window.
        for interface, path in (("org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver"),
                                ("org.gnome.ScreenSaver", "/org/gnome/ScreenSaver")):
            slot = SLOT("screensaver_changed(bool)")  # PySide wants the str form, whatever its stubs say
            if bus.connect("", path, interface, "ActiveChanged", self, slot):  # type: ignore[call-overload]
                self.dbus_watching.append(interface)

    @Slot(bool)
    def screensaver_changed(self, active: bool) -> None:
        if active:
            self.locked.emit()
