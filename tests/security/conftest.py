"""Fixtures for the security tests: the command line run in-process as a given account."""
from __future__ import annotations

import pytest


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
