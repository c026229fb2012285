"""A wrong password changes nothing in the vault; failures are counted in lockout.json and slow down retries."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from app.errors import LockedOut, WrongPassword
from app.session import open_session
from app.store.lockout import BASE_DELAY, FREE_ATTEMPTS, MAX_DELAY, Lockout, LockoutState
from tests.conftest import PASSWORD


class FakeClock:
    def __init__(self, t: float = 1_800_000_000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def closed_vault(session, data_dir):
    session.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    session.close()
    return data_dir


def _vault_hashes(data_dir: Path) -> dict[str, str]:
    return {p.name: sha(p) for p in sorted(data_dir.iterdir()) if p.is_file() and p.name != "lockout.json"}


def test_wrong_password_touches_neither_vault_nor_keyslots(closed_vault):
    before = _vault_hashes(closed_vault)
    assert "vault.db" in before and "keyslots.json" in before
    for i in range(3):
        with pytest.raises(WrongPassword):
            open_session(closed_vault, "counselor", f"wrong-{i}")
        assert _vault_hashes(closed_vault) == before
        state = json.loads((closed_vault / "lockout.json").read_text("utf-8"))
        assert state["accounts"]["counselor"]["failures"] == i + 1


def test_unknown_user_counts_as_failure(closed_vault):
    before = _vault_hashes(closed_vault)
    with pytest.raises(WrongPassword):
        open_session(closed_vault, "nobody", PASSWORD)
    assert _vault_hashes(closed_vault) == before
    assert Lockout(closed_vault / "lockout.json").load("nobody").failures == 1


def test_growing_delay_after_five_failures_survives_restart(closed_vault):
    clock = FakeClock()
    for _ in range(FREE_ATTEMPTS - 1):
        with pytest.raises(WrongPassword) as exc:
            open_session(closed_vault, "counselor", "wrong", lockout_clock=clock)
        assert not isinstance(exc.value, LockedOut)
        clock.t += 1
    with pytest.raises(LockedOut) as exc:  # the fifth failure starts the wait
        open_session(closed_vault, "counselor", "wrong", lockout_clock=clock)
    assert exc.value.seconds == BASE_DELAY and exc.value.exit_code == 4
    assert "秒后重试" in exc.value.message

    # While waiting even the right password is refused, and nothing is counted.
    clock.t += BASE_DELAY - 5
    with pytest.raises(LockedOut) as exc:
        open_session(closed_vault, "counselor", PASSWORD, lockout_clock=clock)
    assert exc.value.seconds == 5
    assert Lockout(closed_vault / "lockout.json").load("counselor").failures == FREE_ATTEMPTS

    # "Restart": a fresh Lockout object reads the same file.
    clock.t += 5
    assert Lockout(closed_vault / "lockout.json", clock).remaining("counselor") == 0
    with pytest.raises(LockedOut) as exc:
        open_session(closed_vault, "counselor", "wrong again", lockout_clock=clock)
    assert exc.value.seconds == 2 * BASE_DELAY
    clock.t += 2 * BASE_DELAY
    with pytest.raises(LockedOut) as exc:
        open_session(closed_vault, "counselor", "and again", lockout_clock=clock)
    assert exc.value.seconds == 4 * BASE_DELAY

    clock.t += 4 * BASE_DELAY
    s = open_session(closed_vault, "counselor", PASSWORD, lockout_clock=clock)
    try:
        assert not (closed_vault / "lockout.json").exists()
        failed = s.db.query("SELECT detail FROM audit_log WHERE action = 'sign_in_failed'")
        assert len(failed) == 1
        assert json.loads(failed[0][0])["failures"] == FREE_ATTEMPTS + 2
        actions = [r[0] for r in s.db.query("SELECT action FROM audit_log ORDER BY id DESC LIMIT 2")]
        assert actions == ["sign_in", "sign_in_failed"]
    finally:
        s.close()
    # cleared: the next wrong password is a plain one again
    with pytest.raises(WrongPassword) as exc:
        open_session(closed_vault, "counselor", "wrong", lockout_clock=clock)
    assert not isinstance(exc.value, LockedOut)


def test_delay_is_capped():
    state = LockoutState(failures=FREE_ATTEMPTS + 40, last_failure=0)
    assert state.delay() == MAX_DELAY
    assert LockoutState(failures=FREE_ATTEMPTS - 1).delay() == 0


def test_corrupt_lockout_file_does_not_lock_anyone_out(closed_vault):
    (closed_vault / "lockout.json").write_text("{not json", "utf-8")
    open_session(closed_vault, "counselor", PASSWORD).close()
    assert not (closed_vault / "lockout.json").exists()


def test_disabled_account_cannot_sign_in(session, data_dir):
    from app.accounts.admin import add_account, set_account_disabled
    from app.accounts.model import Role

    add_account(session, "gone", "Faded-river-2026!", Role.ADMIN)
    set_account_disabled(session, "gone", True)
    session.close()
    with pytest.raises(WrongPassword) as exc:
        open_session(data_dir, "gone", "Faded-river-2026!")
    assert "停用" in exc.value.message
