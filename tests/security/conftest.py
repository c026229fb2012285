"""Fixtures for the security tests: the command line run in-process as a given account, the marked vault of
tests/privacy (built once, a fresh copy for each test) and a lower-grade class whose head teacher enters observation
forms."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.privacy.builder import Built, build, copy_of


@pytest.fixture
def cli(monkeypatch, capsys):
    """``cli(root, user, password, *argv, env=None)`` runs the command line in-process; (code, stdout, stderr)."""
    from app.cli import main

    def run(root, user: str, password: str, *argv: object, env: dict[str, str] | None = None
            ) -> tuple[int, str, str]:
        monkeypatch.setenv("XINQIAO_DATA_DIR", str(root))
        monkeypatch.setenv("XINQIAO_USER", user)
        monkeypatch.setenv("XINQIAO_PASSWORD", password)
        for k in ("XINQIAO_NEW_PASSWORD", "XINQIAO_RECOVERY_CODE"):
            monkeypatch.delenv(k, raising=False)
        for k, v in (env or {}).items():
            monkeypatch.setenv(k, v)
        capsys.readouterr()
        code = main([str(a) for a in argv])
        got = capsys.readouterr()
        return code, got.out, got.err

    return run


@pytest.fixture(scope="session")
def _marked(tmp_path_factory) -> Built:
    """The marked vault (a marker in every confidential field, each naming its field), built once: read it, never
    write to it (``marked`` is the copy a test may change)."""
    return build(tmp_path_factory.mktemp("marked") / "vault")


@pytest.fixture
def marked(_marked, tmp_path) -> Built:
    """A fresh copy of the marked vault for this test."""
    return copy_of(_marked, tmp_path / "marked")


@pytest.fixture
def lower(school):
    """A grade-2 class of five pupils with its head teacher (who enters observation forms) and an observation
    campaign: (campaign, the head teacher's (account, password), the pupils' ids in id order)."""
    from app import clock
    from app.accounts.admin import add_account
    from app.accounts.model import Role
    from app.demo import generate_students, insert_students
    from app.school.classes import find_class
    from app.screening.campaigns import create_campaign
    from tests.conftest import TEACHER_PASSWORD

    clock.set_fixed(dt.datetime(2026, 9, 20, 9, 0))
    insert_students(school, generate_students(5, grades=(2,), class_size=5))
    cls = find_class(school.db, "二年级（1）班")
    assert cls is not None
    add_account(school, "teacher2", TEACHER_PASSWORD, Role.HEAD_TEACHER, class_id=cls.id)
    camp = create_campaign(school, "低年级观察", {2: "observe_g13"})
    pupils = [int(r[0]) for r in school.db.query("SELECT id FROM students WHERE class_id = ? ORDER BY id", (cls.id,))]
    yield camp, ("teacher2", TEACHER_PASSWORD), pupils
    clock.set_fixed(None)
