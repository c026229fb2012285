"""Two programs writing at once. Decided: a write waits for the other program's transaction up to
``app.store.db.BUSY_TIMEOUT`` seconds (10 s: long enough for any one user action of the other program), then
fails with ``VaultBusy`` and its Chinese message, its own transaction rolled back. Never damage: nothing is set
aside, and the vault opens with everyone's data afterwards."""
from __future__ import annotations

import subprocess
import time

import pytest

import app.store.db as store_db
from app.errors import VaultBusy
from app.session import open_session
from app.store.db import open_database
from app.store.keyslots import KeySlots
from tests.conftest import PASSWORD
from tests.store.conftest import assert_intact, child, make_school


@pytest.fixture
def vault(tmp_path):
    folder = tmp_path / "vault"
    return folder, make_school(folder)


def _hold(folder, seconds: float = 0) -> subprocess.Popen:
    """A second process holding the write lock (until its stdin closes when ``seconds`` is 0)."""
    p = child("hold", str(folder), str(seconds), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
              stderr=subprocess.PIPE)
    assert p.stdout is not None
    line = p.stdout.readline().strip()
    assert line == "locked", (line, p.stderr.read() if p.poll() is not None and p.stderr else "")
    return p


def _release(p: subprocess.Popen) -> None:
    out, err = p.communicate(input="", timeout=60)
    assert p.returncode == 0 and "released" in out, err[-1500:]


def _key(folder):  # type: ignore[no-untyped-def]
    return KeySlots.load(folder / "keyslots.json").unlock("counselor", PASSWORD)


def test_a_write_while_another_process_holds_the_lock_waits_then_is_busy(vault):
    folder, n = vault
    db = open_database(folder / "vault.db", _key(folder), busy_timeout=0.5)
    holder = _hold(folder)
    try:
        started = time.monotonic()
        with pytest.raises(VaultBusy) as exc:
            with db.transaction():
                db.execute("INSERT INTO settings (key, value) VALUES ('mine', '1')")
        waited = time.monotonic() - started
        assert 0.4 <= waited < 5, waited  # waited for the other program, but not for ever
        assert exc.value.cause == "BUSY" and exc.value.exit_code == 6
        assert "另一个程序占用" in exc.value.message and "没有丢失" in exc.value.message
        assert not db.in_transaction and not db.conn.in_transaction
    finally:
        _release(holder)
    with db.transaction():  # the other program is done: the same write goes through
        db.execute("INSERT INTO settings (key, value) VALUES ('mine', '1')")
    got = {r[0] for r in db.query("SELECT key FROM settings WHERE key IN ('mine', 'held_by_child')")}
    db.close()
    assert got == {"mine", "held_by_child"}
    assert_intact(folder, n)


def test_a_write_succeeds_when_the_other_process_finishes_within_the_timeout(vault):
    folder, n = vault
    db = open_database(folder / "vault.db", _key(folder))  # the default BUSY_TIMEOUT
    holder = _hold(folder, seconds=0.6)
    started = time.monotonic()
    with db.transaction():
        db.execute("INSERT INTO settings (key, value) VALUES ('mine', '1')")
    assert time.monotonic() - started >= 0.3  # it waited for the other program's commit
    _release(holder)
    assert db.scalar("SELECT count(*) FROM settings WHERE key IN ('mine', 'held_by_child')") == 2
    db.close()
    assert_intact(folder, n)


def test_signing_in_while_another_process_writes_is_busy_not_damage(vault, monkeypatch):
    folder, n = vault
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT", 0.5)  # the decided 10 s, shortened for the test
    holder = _hold(folder)
    try:
        with pytest.raises(VaultBusy) as exc:
            open_session(folder, "counselor", PASSWORD)  # the sign-in audit line is a write
        assert "另一个程序占用" in exc.value.message
        assert (folder / "vault.db").exists() and not (folder / "quarantine").exists()
    finally:
        _release(holder)
    assert_intact(folder, n)
