"""A read-only folder is an environmental error, never damage: ``StorageReadOnly`` with its Chinese message, the
vault left where it is, and once the folder is writable again the vault opens with its data.

As root, chmod does not stop writes: a tmpfs remounted read-only stands in (root only). As any other user the
folder is made read-only with chmod."""
from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.errors import StorageReadOnly
from app.session import open_session
from tests.conftest import PASSWORD
from tests.store.conftest import IS_ROOT, ROOT, assert_intact, make_school, remount, sha

pytestmark = pytest.mark.skipif(os.name != "posix", reason="read-only mounts and modes are POSIX")


@pytest.fixture
def read_only_vault(tmpfs, tmp_path) -> Iterator[tuple[Path, int, Callable[[], None], str]]:
    """A closed vault in a folder nobody may write, its student count, a callable that makes it writable
    again, and the word the message must use (只读 for a read-only disk, 没有权限 for a folder's mode)."""
    if IS_ROOT:
        disk = tmpfs("8m", instead="as root chmod does not stop writes; the chmod variant runs for other users")
        vault = disk / "vault"
        n = make_school(vault)
        remount(disk, "ro")
        state = {"ro": True}

        def writable() -> None:
            if state["ro"]:
                remount(disk, "rw")
                state["ro"] = False

        yield vault, n, writable, "只读"
        writable()
    else:
        vault = tmp_path / "vault"
        n = make_school(vault)
        modes = {p: p.stat().st_mode for p in (vault, *vault.iterdir())}
        for p in modes:
            p.chmod(stat.S_IMODE(modes[p]) & ~0o222)

        def writable() -> None:
            for p, m in modes.items():
                p.chmod(stat.S_IMODE(m))

        yield vault, n, writable, "没有权限"
        writable()


def test_sign_in_in_a_read_only_folder_is_read_only_and_the_vault_stays(read_only_vault):
    vault, n, writable, word = read_only_vault
    before = sha(vault / "vault.db")
    with pytest.raises(StorageReadOnly) as exc:
        open_session(vault, "counselor", PASSWORD)
    assert exc.value.cause == "READONLY" and exc.value.exit_code == 6
    assert word in exc.value.message and "没有丢失" in exc.value.message
    assert sha(vault / "vault.db") == before
    assert not (vault / "quarantine").exists()
    writable()
    assert_intact(vault, n)


def test_cli_in_a_read_only_folder_says_so_without_a_traceback(read_only_vault):
    vault, n, writable, word = read_only_vault
    env = {k: v for k, v in os.environ.items() if not k.startswith("XINQIAO_")}
    env.update(XINQIAO_DATA_DIR=str(vault), XINQIAO_TEST_FAST_KDF="1", XINQIAO_USER="counselor",
               XINQIAO_PASSWORD=PASSWORD)
    r = subprocess.run([sys.executable, "main.py", "students"], cwd=ROOT, env=env, capture_output=True, text=True,
                       timeout=120, stdin=subprocess.DEVNULL)
    assert r.returncode == 6 and "Traceback" not in r.stderr, r.stderr
    assert word in r.stderr
    assert "init" not in r.stderr
    writable()
    assert_intact(vault, n)
