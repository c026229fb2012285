"""The audited vault is built once per test session and copied for every test module that writes to it."""
from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
from pathlib import Path
from typing import Any

import pytest

from app.policy import class_scope
from tests.privacy.builder import ADMIN, MARK_PREFIX, OTHER_NAME, OTHER_PREFIX, PASSWORD, TEACHER, Built, build, copy_of
from tests.xlsx_crypto import EXPORT_PASSWORD


@pytest.fixture(scope="session")
def _template(tmp_path_factory) -> Built:
    return build(tmp_path_factory.mktemp("privacy") / "vault")


@pytest.fixture
def vault(_template, tmp_path) -> Built:
    """A fresh copy of the marked vault for this test."""
    return copy_of(_template, tmp_path / "vault")


def _open(vault: Built, who: tuple[str, str]):  # type: ignore[no-untyped-def]
    from app.session import open_session

    return open_session(vault.root, *who)


@pytest.fixture
def teacher(vault):
    s = _open(vault, TEACHER)
    yield s
    s.close()


@pytest.fixture
def admin(vault):
    s = _open(vault, ADMIN)
    yield s
    s.close()


@pytest.fixture
def counselor(vault):
    s = _open(vault, ("counselor", PASSWORD))
    yield s
    s.close()


@pytest.fixture(params=["teacher", "admin"])
def restricted(request, vault):
    """Each account that may not read confidential text: the 班主任 of 七年级（1）班 and a 管理员."""
    s = _open(vault, TEACHER if request.param == "teacher" else ADMIN)
    yield s
    s.close()


# ``pytestmark = WINDOW`` in a module whose tests show the real window: its set-up (``window``), and the offscreen
# platform's warning on every top-level window with a layout ignored (not the app's fault).
WINDOW = [pytest.mark.qt_log_ignore("propagateSizeHints"), pytest.mark.usefixtures("window")]


@pytest.fixture
def window(window_setup):
    """The real window's set-up (tests/conftest.py) for a test that shows it (``pytestmark = WINDOW``). Not autouse:
    most privacy tests open no window."""
    yield


# -- flattening whatever a function returns into text -------------------------------------------------------
def dump(obj: Any) -> str:
    """Every string reachable from ``obj`` (dataclasses, mappings, sequences, Rows), joined."""
    out: list[str] = []

    def walk(x: Any, depth: int = 0) -> None:
        if depth > 12 or x is None:
            return
        if isinstance(x, str):
            out.append(x)
        elif isinstance(x, bytes):
            out.append(x.decode("utf-8", "replace"))
        elif isinstance(x, (int, float, bool, enum.Enum, dt.date, dt.datetime, Path)):
            out.append(str(x))
        elif dataclasses.is_dataclass(x) and not isinstance(x, type):
            for f in dataclasses.fields(x):
                walk(getattr(x, f.name), depth + 1)
            for name in ("as_json",):
                fn = getattr(x, name, None)
                if callable(fn):
                    try:
                        walk(fn(), depth + 1)
                    except Exception:  # noqa: BLE001 - a helper that needs arguments
                        pass
        elif isinstance(x, dict):
            for k, v in x.items():
                walk(k, depth + 1)
                walk(v, depth + 1)
        elif isinstance(x, (list, tuple, set, frozenset)):
            for v in x:
                walk(v, depth + 1)
        elif hasattr(x, "keys") and hasattr(x, "__getitem__"):   # sqlite3.Row
            for k in x.keys():
                walk(x[k], depth + 1)
        elif hasattr(x, "__dict__"):
            walk(vars(x), depth + 1)
        else:
            out.append(repr(x))

    walk(obj)
    return "\n".join(out)


def assert_clean(obj: Any, *, other_class: bool = True, what: str = "") -> None:
    """No confidential marker; with ``other_class`` also nothing about the other class's student."""
    text = obj if isinstance(obj, str) else dump(obj)
    leaked = [line for line in text.splitlines() if MARK_PREFIX in line]
    assert not leaked, f"{what}: confidential text leaked: {leaked[:3]}"
    if other_class:
        others = [line for line in text.splitlines() if OTHER_PREFIX in line or OTHER_NAME in line]
        assert not others, f"{what}: another class's data leaked: {others[:3]}"


def is_teacher(session) -> bool:  # type: ignore[no-untyped-def]
    return class_scope(session.account) is not None


@pytest.fixture
def cli(vault, monkeypatch, capsys):
    """``cli(who, *argv)`` runs ``main.py`` in-process as an account; returns (exit code, stdout, stderr)."""
    from app.cli import main

    def run(who: tuple[str, str], *argv: object) -> tuple[int, str, str]:
        monkeypatch.setenv("XINQIAO_DATA_DIR", str(vault.root))
        monkeypatch.setenv("XINQIAO_USER", who[0])
        monkeypatch.setenv("XINQIAO_PASSWORD", who[1])
        monkeypatch.setenv("XINQIAO_EXPORT_PASSWORD", EXPORT_PASSWORD)
        capsys.readouterr()
        code = main([str(a) for a in argv])
        got = capsys.readouterr()
        return code, got.out, got.err

    return run


def load_json(text: str) -> Any:
    return json.loads(text) if text.strip() else None


def admin_refused(test):  # type: ignore[no-untyped-def]
    """For a test parametrized over ``restricted``: a 管理员 must be refused (PermissionDenied) on this path,
    since an admin account keeps accounts, settings and backups, not students' records."""
    import functools

    from app.errors import PermissionDenied

    @functools.wraps(test)
    def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
        session = kwargs.get("restricted")
        if session is not None and not is_teacher(session):
            with pytest.raises(PermissionDenied):
                test(*args, **kwargs)
            return None
        return test(*args, **kwargs)

    return wrapper
