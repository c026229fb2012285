"""Shared fixtures: real SQLCipher vaults in tmp folders, a cheap KDF, offscreen Qt, no network."""
from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

os.environ["XINQIAO_TEST_FAST_KDF"] = "1"
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Test-password-2026!"
TEACHER_PASSWORD = "Teacher-password-2026!"


@pytest.fixture(autouse=True, scope="session")
def _capabilities():
    """The declared capabilities, as every entry point installs them (a test may swap in its own registry with
    ``app.capability.installed(...)``)."""
    from app.capabilities import install_default

    install_default()


@pytest.fixture
def use_registry():
    """``use_registry(registry)``: the consumers (工作台, timeline, banners, levels, ...) read ``registry`` until the
    test ends. Build it from given capabilities (``app.capability.Registry([...])``) or extend the default one."""
    from contextlib import ExitStack

    from app.capability import installed

    with ExitStack() as stack:
        yield lambda registry: stack.enter_context(installed(registry))


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path, monkeypatch):
    """Every standard folder points into tmp; the app opens no network connection."""
    monkeypatch.setenv("XINQIAO_DATA_DIR", str(tmp_path / "default-data"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.delenv("XINQIAO_EXPORT_PASSWORD", raising=False)  # a named export asks for it explicitly

    real_connect = socket.socket.connect

    def guarded(self, address):  # type: ignore[no-untyped-def]
        if self.family == socket.AF_UNIX:
            return real_connect(self, address)
        raise AssertionError(f"the app must open no network connection (tried {address})")

    monkeypatch.setattr(socket.socket, "connect", guarded)
    yield
    from app import clock

    clock.set_fixed(None)


@pytest.fixture
def window_setup(qapp):
    """The real window's set-up on pytest-qt's QApplication: the app's font, theme and translations, dialogs that
    must be pre-answered (strict), every background task finished before the test ends. Automatic under tests/ui;
    a privacy test that shows the window asks for it (tests/privacy/conftest.py, ``WINDOW``)."""
    from ui.shell import dialogs, tasks
    from ui.shell.application import setup_app

    setup_app(qapp)
    dialogs.reset()
    dialogs.strict = True
    yield
    tasks.wait_idle(10)
    dialogs.strict = False
    dialogs.reset()


@pytest.fixture
def data_dir(tmp_path) -> Path:
    return tmp_path / "vault"


@pytest.fixture
def session(data_dir):
    """A fresh vault signed in as the first account (a counselor who also manages)."""
    from app.school.setup import create_vault

    s, _code = create_vault(data_dir, school_name="测试学校", username="counselor", password=PASSWORD)
    yield s
    s.close()


@pytest.fixture
def school(session):
    """The session with a small demo school: grades 7–9, 120 students, tags and plans."""
    from app.demo import populate_school

    populate_school(session, n_students=120, grades=(7, 8, 9))
    return session


@pytest.fixture
def head_teacher(school):
    """A 班主任 session for 七年级（1）班 of the ``school`` fixture's vault."""
    from app.accounts.admin import add_account
    from app.accounts.model import Role
    from app.school.classes import find_class
    from app.session import open_session

    cls = find_class(school.db, "7.1")
    assert cls is not None
    add_account(school, "teacher1", TEACHER_PASSWORD, Role.HEAD_TEACHER, class_id=cls.id)
    s = open_session(school.paths.root, "teacher1", TEACHER_PASSWORD)
    yield s
    s.close()


def _corrupt_table_page(path: Path, key: bytes, table: str = "students") -> None:
    """Damage one page of ``table`` in a closed vault file (a bit flip fails the page's HMAC).

    The page is found from the schema rather than guessed from the file's middle, so the schema pages stay
    readable whatever tables later capabilities add: the damage is found by quick_check, not at key check.
    """
    from app.store.db import open_database

    db = open_database(path, key)
    try:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        root = int(db.scalar("SELECT rootpage FROM sqlite_master WHERE name = :t", {"t": table}))
    finally:
        db.close()
    data = bytearray(path.read_bytes())
    at = (root - 1) * 4096 + 1234
    data[at:at + 64] = bytes((b + 1) % 256 for b in data[at:at + 64])
    path.write_bytes(data)


@pytest.fixture
def corrupt_vault():
    """``corrupt_vault(path, key)`` damages a data page of a closed vault file."""
    return _corrupt_table_page
