"""A power cut one second after typing (issue 10): a child process runs the real window, a form is typed into and
the process is killed with SIGKILL one second after the last keystroke. After a restart the form opens with the
text, the level and the date back; and no file the run wrote, in the vault folder or outside it, holds the typed
text in plain (UTF-8 or UTF-16).

A representative set runs by default (casework's confidential record form, a crisis step, an ordinary-tier
settings form); every form runs under ``-m slow``."""
from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, ROOT

pytestmark = [pytest.mark.skipif(os.name != "posix", reason="SIGKILL"),
              pytest.mark.qt_log_ignore("propagateSizeHints")]

CHILD = r"""
import json, sys
from PySide6.QtCore import QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit

from app.capabilities import install_default
from app.session import open_session
from tests.ui.every_form import open_form
from ui.shell.application import setup_app

install_default()
app = QApplication([])
setup_app(app)
root, password, form_name, marker = sys.argv[1:5]
session = open_session(root, "counselor", password)
win, form = open_form(session, form_name)
from tests.ui.every_form import change_level_and_date, text_field

field = text_field(form)
field.setFocus()
if isinstance(field, QPlainTextEdit):
    field.moveCursor(field.textCursor().MoveOperation.End)
QTest.keyClicks(field, "XQ ")
event = QInputMethodEvent()
event.setCommitString(marker)
QApplication.sendEvent(field, event)
change_level_and_date(form)
print("typed " + json.dumps(form.draft_state(), ensure_ascii=True), flush=True)   # the last keystroke
app.exec()
"""


class Child:
    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", CHILD, *args], cwd=ROOT, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: list[tuple[float, str]] = []
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append((time.monotonic(), line.strip()))

    def wait_typed(self, timeout: float = 60.0) -> tuple[float, dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for at, line in list(self.lines):
                if line.startswith("typed "):
                    return at, json.loads(line[6:])
            if self.proc.poll() is not None:
                err = self.proc.stderr.read() if self.proc.stderr else ""
                raise AssertionError(f"the window ended early ({self.proc.returncode}): {err[-2500:]}")
            time.sleep(0.01)
        raise AssertionError("the window did not type in time")

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        self.thread.join(timeout=30)
        for pipe in (self.proc.stdout, self.proc.stderr):
            if pipe:
                pipe.close()


def plain_hits(folder: Path, texts: list[str]) -> list[str]:
    """Every file under ``folder`` that holds one of ``texts`` in UTF-8, UTF-16 LE or UTF-16 BE."""
    needles = [t.encode(enc) for t in texts for enc in ("utf-8", "utf-16-le", "utf-16-be")]
    hits = []
    for p in folder.rglob("*"):
        if p.is_file() and not p.is_symlink():
            data = p.read_bytes()
            hits += [f"{p}: {n!r}" for n in needles if n in data]
    return hits


def run_kill(tmp_path: Path, school, qtbot, form_name: str) -> None:  # type: ignore[no-untyped-def]
    from tests.ui.every_form import open_form

    root = school.paths.root
    school.close()     # the child has the vault to itself, as after a fresh start
    token = secrets.token_hex(4)
    marker = f"未保存的危机线索{token}"
    outside = {name: tmp_path / name for name in ("home", "tmp", "cache", "config", "data", "runtime")}
    for p in outside.values():
        p.mkdir(exist_ok=True)
    outside["runtime"].chmod(0o700)
    env = dict(os.environ, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen", HOME=str(outside["home"]),
               TMPDIR=str(outside["tmp"]), XDG_CACHE_HOME=str(outside["cache"]),
               XDG_CONFIG_HOME=str(outside["config"]), XDG_DATA_HOME=str(outside["data"]),
               XDG_RUNTIME_DIR=str(outside["runtime"]), XINQIAO_TEST_FAST_KDF="1", PYTHONUNBUFFERED="1")
    child = Child([str(root), PASSWORD, form_name, marker], env)
    try:
        typed_at, typed_state = child.wait_typed()
        time.sleep(max(0.0, typed_at + 1.0 - time.monotonic()))   # one second after the last keystroke
    finally:
        child.kill()
    assert marker in json.dumps(typed_state, ensure_ascii=False)
    # Nothing the run wrote holds the text in plain: the vault folder, the home folder, temp, caches.
    assert plain_hits(tmp_path, [marker, token]) == []

    from app.session import open_session

    s = open_session(root, "counselor", PASSWORD)        # the restart
    try:
        win, form = open_form(s, form_name, qtbot=qtbot)
        assert form.draft_restored, f"{form_name}: no draft offered after the kill"
        assert form.draft_state() == typed_state       # the text, the level and the date
        assert marker in json.dumps(form.draft_state(), ensure_ascii=False)
        form.stop_drafts()
        win.hide()
    finally:
        s.close()
    assert plain_hits(tmp_path, [marker, token]) == []


@pytest.mark.parametrize("form_name", ["RecordForm", "StepDialog", "SchoolDialog"])
def test_a_kill_one_second_after_typing_loses_nothing_and_leaves_no_plain_text(tmp_path, school, qtbot, form_name):
    run_kill(tmp_path, school, qtbot, form_name)


def _all_forms() -> list[str]:
    from tests.ui.every_form import forms

    return sorted(c.__name__ for c in forms())


@pytest.mark.slow
@pytest.mark.parametrize("form_name", _all_forms())
def test_every_form_survives_a_kill(tmp_path, school, qtbot, form_name):
    run_kill(tmp_path, school, qtbot, form_name)
