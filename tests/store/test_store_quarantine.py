"""Setting a vault aside: all or nothing, and a vault that was set aside is never mistaken for no vault at all
(the message points to restore; ``init`` refuses to make an empty vault on top)."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from app.backups import restore
from app.errors import VaultMissing, VaultSetAside, XinqiaoError
from app.school.setup import create_vault
from app.session import open_session, quarantine
from app.store import quarantine as quarantine_module
from app.store.backup import backup_key
from app.store.paths import VaultPaths
from tests.conftest import PASSWORD
from tests.store.conftest import ROOT, assert_intact, make_school, sha


def _cli(args: list[str], vault) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("XINQIAO_")}
    env.update(XINQIAO_DATA_DIR=str(vault), XINQIAO_TEST_FAST_KDF="1", XINQIAO_USER="counselor",
               XINQIAO_PASSWORD=PASSWORD)
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL)


def test_a_set_aside_vault_points_to_restore_never_to_init(tmp_path):
    vault = tmp_path / "vault"
    n = make_school(vault)
    paths = VaultPaths(vault)
    aside = quarantine(paths)  # what the full-disk bug did to a healthy vault
    assert (aside / "vault.db").exists() and (aside / "keyslots.json").exists()
    with pytest.raises(VaultSetAside) as exc:
        open_session(vault, "counselor", PASSWORD)
    msg = exc.value.message
    assert isinstance(exc.value, VaultMissing) and exc.value.exit_code == 1  # the unlock screen offers restore
    assert str(aside) in msg and "restore" in msg and "不要运行 init" in msg and "请先运行 init" not in msg
    with pytest.raises(XinqiaoError) as refused:
        create_vault(vault, school_name="新学校", username="counselor", password=PASSWORD)
    assert "已被隔离" in refused.value.message and "restore" in refused.value.message
    assert not (vault / "vault.db").exists()

    r = _cli(["students"], vault)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert str(aside) in r.stderr and "restore" in r.stderr and "请先运行 init" not in r.stderr
    r = _cli(["init", "--school", "新学校", "--user", "counselor"], vault)
    assert r.returncode != 0 and "已被隔离" in r.stderr and not (vault / "vault.db").exists()

    # The way the message names: the set-aside file is checked and, being whole, put back.
    key = backup_key(aside / "vault.db", paths, "counselor", PASSWORD)
    restore(aside / "vault.db", key, paths, account="counselor")
    s = open_session(vault, "counselor", PASSWORD)
    assert s.db.scalar("SELECT count(*) FROM students") == n
    s.close()
    assert (aside / "vault.db").exists()  # the set-aside copy stays too


def test_without_anything_set_aside_a_missing_vault_still_says_init(tmp_path):
    with pytest.raises(VaultMissing) as exc:
        open_session(tmp_path / "nothing", "counselor", PASSWORD)
    assert not isinstance(exc.value, VaultSetAside) and "init" in exc.value.message


def test_setting_aside_is_all_or_nothing(tmp_path, monkeypatch):
    """A file another program holds open cannot be renamed on Windows: the files already moved go back."""
    vault = tmp_path / "vault"
    n = make_school(vault)
    s = open_session(vault, "counselor", PASSWORD)  # keeps vault.db-wal and -shm in place
    paths = s.paths
    wal = paths.db.with_name("vault.db-wal")
    assert wal.exists()
    before = sha(paths.db)
    real_replace = os.replace

    def replace(src, dst):  # type: ignore[no-untyped-def]
        if os.fspath(src) == os.fspath(wal):
            raise PermissionError(13, "The process cannot access the file", str(src))
        return real_replace(src, dst)

    monkeypatch.setattr(quarantine_module.os, "replace", replace)
    with pytest.raises(PermissionError):
        quarantine(paths)
    monkeypatch.setattr(quarantine_module.os, "replace", real_replace)
    assert sha(paths.db) == before and wal.exists()
    assert list(vault.glob("quarantine/*")) == []
    s.close()
    assert_intact(vault, n)


def test_key_slots_without_the_database_file_say_it_is_missing_and_how_to_restore(tmp_path):
    """keyslots.json in place, vault.db gone (moved or deleted, nothing set aside): never "请先运行 init"."""
    from app.backups import backup_now

    vault = tmp_path / "vault"
    n = make_school(vault)
    s = open_session(vault, "counselor", PASSWORD)
    info = backup_now(s)
    s.close()
    paths = VaultPaths(vault)
    for f in quarantine_module.vault_files(paths):
        f.unlink()
    assert paths.keyslots.exists() and not paths.quarantine.exists()
    with pytest.raises(VaultMissing) as exc:
        open_session(vault, "counselor", PASSWORD)
    msg = exc.value.message
    assert not isinstance(exc.value, VaultSetAside) and exc.value.exit_code == 1
    assert "缺少数据库文件 vault.db" in msg and "keyslots.json" in msg and "不要运行 init" in msg
    assert f"restore {info.path}" in msg and "请先运行 init" not in msg

    r = _cli(["students"], vault)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "缺少数据库文件 vault.db" in r.stderr and f"restore {info.path}" in r.stderr
    assert "请先运行 init" not in r.stderr
    r = _cli(["init", "--school", "新学校", "--user", "counselor"], vault)  # the same story from init
    assert r.returncode != 0 and "缺少数据库文件" in r.stderr and f"restore {info.path}" in r.stderr
    assert not paths.db.exists()

    r = _cli(["restore", str(info.path), "--yes"], vault)  # the way the message names works
    assert r.returncode == 0, r.stderr
    s = open_session(vault, "counselor", PASSWORD)
    assert s.db.scalar("SELECT count(*) FROM students") == n
    s.close()


def test_a_damaged_vault_is_described_in_chinese_only(tmp_path, corrupt_vault, caplog):
    """SQLite's own words ("database disk image is malformed", "Tree 5 page 5 ...") go to the log, not the user."""
    import logging
    import re

    from app.errors import IntegrityFailure

    vault = tmp_path / "vault"
    make_school(vault)
    s = open_session(vault, "counselor", PASSWORD)
    key = s.key
    s.close()
    corrupt_vault(vault / "vault.db", key)
    with caplog.at_level(logging.WARNING, logger="app.session"), pytest.raises(IntegrityFailure) as exc:
        open_session(vault, "counselor", PASSWORD)
    msg = exc.value.message
    assert "完整性检查未通过" in msg and "已损坏" in msg and "quarantine" in msg and "restore" in msg
    words = re.sub(r"/[\x21-\x7e]*", "", msg).replace("quarantine", "").replace("restore", "")
    assert not re.search(r"[A-Za-z]{3,}", words), msg
    assert any("vault.db" in r.getMessage() for r in caplog.records)  # the detail is kept for whoever looks
