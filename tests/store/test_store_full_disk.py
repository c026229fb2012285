"""A full disk is an environmental error, never damage: the typed ``DiskFull`` with its Chinese message, the
vault left where it is (nothing in quarantine/), and after space is freed the vault opens with its data.

Two ways to fill a disk: a 3 MB tmpfs filled to the last byte (needs root, skipped otherwise), and
RLIMIT_FSIZE in a child process (any user; SIGXFSZ ignored there so the limit is an EFBIG, not a kill)."""
from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys

import pytest

from app.errors import DiskFull, IntegrityFailure
from app.session import open_session
from tests.conftest import PASSWORD
from tests.store.conftest import ROOT, assert_intact, child, fill, make_school, sha

pytestmark = pytest.mark.skipif(os.name != "posix", reason="tmpfs and RLIMIT_FSIZE are POSIX")


def _assert_full_message(message: str) -> None:
    assert "磁盘已满" in message and "清理磁盘空间" in message and "没有丢失" in message


# -- a tiny tmpfs, filled --------------------------------------------------------------------------------
def test_sign_in_on_a_full_disk_is_disk_full_and_the_vault_stays(tmpfs):
    disk = tmpfs("3m")
    vault = disk / "vault"
    n = make_school(vault)
    before = sha(vault / "vault.db")
    filler = fill(disk)
    with pytest.raises(DiskFull) as exc:
        open_session(vault, "counselor", PASSWORD)
    _assert_full_message(exc.value.message)
    assert exc.value.cause == "FULL" and exc.value.exit_code == 6
    assert sha(vault / "vault.db") == before
    assert not (vault / "quarantine").exists()
    filler.unlink()
    assert_intact(vault, n)


def test_a_write_on_a_full_disk_is_disk_full_rolled_back_and_the_session_goes_on(tmpfs):
    disk = tmpfs("3m")
    vault = disk / "vault"
    n = make_school(vault)
    s = open_session(vault, "counselor", PASSWORD)
    filler = fill(disk)
    with pytest.raises(DiskFull) as exc:
        with s.db.transaction():
            for i in range(400):
                s.db.execute("INSERT INTO settings (key, value) VALUES (:k, :v)",
                             {"k": f"big{i}", "v": os.urandom(4000).hex()})
    _assert_full_message(exc.value.message)
    assert not s.db.in_transaction and not s.db.conn.in_transaction
    assert s.db.scalar("SELECT count(*) FROM settings WHERE key LIKE 'big%'") == 0  # all or nothing
    filler.unlink()
    with s.db.transaction():  # space is back: the same session writes again
        s.db.execute("INSERT INTO settings (key, value) VALUES ('after', '1')")
    s.close()
    assert_intact(vault, n)


def test_damage_found_on_a_full_disk_moves_nothing(tmpfs, corrupt_vault):
    """Real damage, but the disk cannot take the set-aside copy of the key slots: all or nothing is nothing."""
    from app.store.db import open_database
    from app.store.keyslots import KeySlots

    disk = tmpfs("3m")
    vault = disk / "vault"
    make_school(vault)
    key = KeySlots.load(vault / "keyslots.json").unlock("counselor", PASSWORD)
    corrupt_vault(vault / "vault.db", key)
    damaged = sha(vault / "vault.db")
    other = open_database(vault / "vault.db", key)  # another reader keeps the WAL index, so the check can run
    filler = fill(disk)
    try:
        with pytest.raises(IntegrityFailure) as exc:
            open_session(vault, "counselor", PASSWORD)
    finally:
        other.close()
    assert "没能移到 quarantine" in exc.value.message and "磁盘已满" in exc.value.message
    assert exc.value.exit_code == 5
    assert sha(vault / "vault.db") == damaged
    assert list(vault.glob("quarantine/*")) == []  # no half-moved folder
    filler.unlink()
    # With space again the damage is found and the whole vault is set aside, keys with it.
    with pytest.raises(IntegrityFailure) as exc:
        open_session(vault, "counselor", PASSWORD)
    assert "quarantine" in exc.value.message and "没能" not in exc.value.message
    kept = list(vault.glob("quarantine/*/vault.db"))
    assert len(kept) == 1 and sha(kept[0]) == damaged and (kept[0].parent / "keyslots.json").exists()
    assert not (vault / "vault.db").exists() and list(vault.glob("quarantine/*.partial")) == []


# -- RLIMIT_FSIZE: any user -------------------------------------------------------------------------------
def _fsize(vault, limit: int, action: str) -> dict:
    p = child("fsize", str(vault), str(limit), action, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = p.communicate(timeout=120)
    assert p.returncode == 0, err[-1500:]
    return json.loads(out.strip().splitlines()[-1])


def test_file_size_limit_during_a_write_is_disk_full_and_the_vault_stays(tmp_path):
    vault = tmp_path / "vault"
    n = make_school(vault)
    got = _fsize(vault, (vault / "vault.db").stat().st_size + 256 * 1024, "write")
    assert got["error"] == "DiskFull" and got["cause"] == "FULL" and got["exit_code"] == 6, got
    assert "最大大小" in got["message"] and "没有丢失" in got["message"]
    assert_intact(vault, n)
    s = open_session(vault, "counselor", PASSWORD)
    assert s.db.scalar("SELECT count(*) FROM settings WHERE key LIKE 'big%'") == 0  # all or nothing
    s.close()


def test_file_size_limit_at_sign_in_is_disk_full_and_the_vault_stays(tmp_path):
    vault = tmp_path / "vault"
    n = make_school(vault)
    got = _fsize(vault, 4096, "sign-in")  # not even the WAL index fits
    assert got["error"] == "DiskFull" and got["cause"] == "FULL", got
    assert "最大大小" in got["message"]
    assert_intact(vault, n)


# -- the command line -------------------------------------------------------------------------------------
def _cli(args: list[str], vault, preexec=None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XINQIAO_")}
    env.update(XINQIAO_DATA_DIR=str(vault), XINQIAO_TEST_FAST_KDF="1", XINQIAO_USER="counselor",
               XINQIAO_PASSWORD=PASSWORD, QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL, preexec_fn=preexec)


def test_cli_students_and_import_on_a_full_disk_say_so_without_a_traceback(tmpfs):
    disk = tmpfs("3m")
    vault = disk / "vault"
    n = make_school(vault)
    filler = fill(disk)
    for args in (["students"], ["import-roster", str(ROOT / "tests" / "data" / "roster_registry.xlsx")]):
        r = _cli(args, vault)
        assert r.returncode == 6, r.stderr
        assert "Traceback" not in r.stderr and "Errno" not in r.stderr
        _assert_full_message(r.stderr)
        assert "init" not in r.stderr
    assert (vault / "vault.db").exists() and not (vault / "quarantine").exists()
    filler.unlink()
    r = _cli(["students"], vault)
    assert r.returncode == 0 and f"共 {n} 人" in r.stdout
    assert_intact(vault, n)


def _limit_files(limit: int):  # type: ignore[no-untyped-def]
    def preexec() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return preexec


def test_cli_students_at_the_file_size_limit_says_so_without_a_traceback(tmp_path):
    vault = tmp_path / "vault"
    n = make_school(vault)
    r = _cli(["students"], vault, preexec=_limit_files(4096))
    assert r.returncode == 6 and "Traceback" not in r.stderr, r.stderr
    assert "最大大小" in r.stderr and "没有丢失" in r.stderr
    assert_intact(vault, n)
