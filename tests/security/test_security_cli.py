"""The command line's own paths: backup, restore and user list for managers only, restore under the lockout and
audited by name, a newer backup refused first, one check for every output file, and audited reads."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from app.accounts.admin import add_account
from app.accounts.model import Role
from app.backups import make_backup, restore
from app.errors import InputRejected, PermissionDenied
from app.session import open_session
from app.store.backup import list_backups
from app.store.db import open_database
from app.store.lockout import Lockout
from app.store.outpaths import check_out_path
from tests.conftest import PASSWORD, TEACHER_PASSWORD

ADMIN = ("admin1", "Admin-password-2026!")


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def vault(head_teacher, school):
    """A closed vault with a counselor-manager, an admin, and the 班主任 teacher1; one backup in backups/."""
    add_account(school, *ADMIN, Role.ADMIN)
    make_backup(school, school.paths.backups)
    root = school.paths.root
    head_teacher.close()
    school.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    school.close()
    return root


def _audit(root: Path, action: str) -> list[tuple[str, str, str]]:
    s = open_session(root, "counselor", PASSWORD)
    try:
        return [(r[0], r[1], r[2]) for r in s.db.query(
            "SELECT account, target, detail FROM audit_log WHERE action = :a ORDER BY id", {"a": action})]
    finally:
        s.close()


def _students(root: Path) -> int:
    s = open_session(root, "counselor", PASSWORD)
    try:
        return int(s.db.scalar("SELECT count(*) FROM students"))
    finally:
        s.close()


def test_a_head_teacher_cannot_back_up_restore_or_list_accounts(vault, cli, tmp_path):
    backup = list_backups(vault / "backups")[0].path
    s = open_session(vault, "counselor", PASSWORD)
    with s.db.transaction():
        s.db.execute("DELETE FROM students WHERE id IN (SELECT id FROM students LIMIT 5)")  # differs from backup
    s.close()
    n = _students(vault)
    for argv in (["backup"], ["backup", "--to", tmp_path / "usb"], ["user", "list"], ["user", "list", "--json"],
                 ["restore", backup, "--yes"]):
        code, out, err = cli(vault, "teacher1", TEACHER_PASSWORD, *argv)
        assert code == 1 and "管理员" in err, (argv, code, err)
        assert "teacher1" not in out and "admin1" not in out
    assert not (tmp_path / "usb").exists()
    assert len(list_backups(vault / "backups")) == 1
    assert not (vault / "quarantine").exists() and _students(vault) == n and not _audit(vault, "restore")


def test_an_admin_may_back_up_and_restore_under_its_own_name(vault, cli, tmp_path):
    code, out, err = cli(vault, *ADMIN, "backup", "--to", tmp_path / "usb")
    assert code == 0, err
    made = list_backups(tmp_path / "usb")[0].path
    assert ("admin1", str(made)) in {(r[0], r[1]) for r in _audit(vault, "backup")}
    code, out, err = cli(vault, *ADMIN, "restore", made, "--yes")
    assert code == 0, err
    rows = _audit(vault, "restore")
    assert rows[-1][0] == "admin1" and rows[-1][1] == str(made.resolve())
    assert all(r[0] != "system" for r in rows)


def test_restore_counts_wrong_passwords_toward_the_lockout(vault, cli):
    backup = list_backups(vault / "backups")[0].path
    code, _out, err = cli(vault, "counselor", "not-the-password", "restore", backup, "--yes")
    assert code == 4
    assert Lockout(vault / "lockout.json").load("counselor").failures == 1
    for _ in range(4):
        cli(vault, "counselor", "not-the-password", "restore", backup, "--yes")
    code, _out, err = cli(vault, "counselor", PASSWORD, "restore", backup, "--yes")
    assert code == 4 and "秒后重试" in err         # even the right password waits now
    assert not (vault / "quarantine").exists()


def test_restore_without_a_vault_checks_the_backups_own_accounts(vault, cli):
    """After a damaged vault was set aside there is no vault to sign in to: the backup decides."""
    backup = list_backups(vault / "backups")[0].path
    for name in ("vault.db", "vault.db-wal", "vault.db-shm"):
        (vault / name).unlink(missing_ok=True)
    code, _out, err = cli(vault, "teacher1", TEACHER_PASSWORD, "restore", backup, "--yes")
    assert code == 1 and "管理员" in err and not (vault / "vault.db").exists()
    assert Lockout(vault / "lockout.json").load("teacher1").failures == 1
    code, _out, err = cli(vault, "counselor", "wrong-password-1", "restore", backup, "--yes")
    assert code == 4 and not (vault / "vault.db").exists()
    code, _out, err = cli(vault, "counselor", PASSWORD, "restore", backup, "--yes")
    assert code == 0, err
    assert _audit(vault, "restore")[-1][0] == "counselor"


def test_a_backup_newer_than_the_program_is_refused_before_anything_is_replaced(vault, cli):
    from app.store.migrate import latest_version
    from app.store.paths import VaultPaths

    info = list_backups(vault / "backups")[0]
    s = open_session(vault, "counselor", PASSWORD)
    key = s.key
    s.close()
    db = open_database(info.path, key)
    try:
        db.execute(f"PRAGMA user_version = {latest_version() + 1}")
    finally:
        db.close()
    code, _out, err = cli(vault, "counselor", PASSWORD, "restore", info.path, "--yes")
    assert code == 3 and "更新版本" in err and "升级" in err
    assert not (vault / "quarantine").exists()
    with pytest.raises(InputRejected):
        restore(info.path, key, VaultPaths(vault), account="counselor")
    assert not (vault / "quarantine").exists() and not _audit(vault, "restore")


def test_restoring_itself_refuses_a_non_manager(vault):
    from app.store.paths import VaultPaths

    info = list_backups(vault / "backups")[0]
    s = open_session(vault, "teacher1", TEACHER_PASSWORD)
    key = s.key
    s.close()
    with pytest.raises(PermissionDenied):
        restore(info.path, key, VaultPaths(vault), account="teacher1")
    assert not (vault / "quarantine").exists() and not _audit(vault, "restore")


def test_user_list_is_for_managers(vault, cli):
    code, out, err = cli(vault, *ADMIN, "user", "list", "--json")
    assert code == 0, err
    assert {a["username"] for a in json.loads(out)} == {"counselor", "admin1", "teacher1"}


# -- output files ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("argv", [
    ["sessions", "--out", "{out}"],
    ["crisis", "export", "{out}"],
    ["ledger", "--format", "xlsx", "--out", "{out}"],
])
def test_every_out_refuses_the_vault_folder_a_wrong_extension_and_an_unasked_overwrite(vault, cli, tmp_path, argv):
    def run(target: Path, *extra: str) -> tuple[int, str, str]:
        return cli(vault, "counselor", PASSWORD, *[str(target) if a == "{out}" else a for a in argv], *extra)

    vault_files = {p.name: sha(p) for p in vault.iterdir() if p.is_file()}
    for target in (vault / "vault.db", vault / "keyslots.json", vault / "x.xlsx", vault / "backups" / "y.xlsx"):
        code, _out, err = run(target)
        assert code == 3, (target, err)
        assert "数据文件夹" in err or "扩展名" in err
    code, _out, err = run(vault / "backups" / "y.xlsx", "--force")
    assert code == 3 and "数据文件夹" in err
    assert {p.name: sha(p) for p in vault.iterdir() if p.is_file()} == vault_files
    assert not (vault / "x.xlsx").exists()

    code, _out, err = run(tmp_path / "out.csv")
    assert code == 3 and ".xlsx" in err
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"keep me")
    code, _out, err = run(target)                 # no terminal to ask on, no --force
    assert code == 3 and "--force" in err and target.read_bytes() == b"keep me"
    code, _out, err = run(target, "--force")
    assert code == 0, err
    assert target.read_bytes()[:2] == b"PK"       # an xlsx now


def test_the_out_check_asks_at_a_terminal(tmp_path):
    target = tmp_path / "a.xlsx"
    target.write_text("x")
    asked: list[str] = []
    assert check_out_path(target, tmp_path / "vault", [".xlsx"], ask=lambda q: asked.append(q) or True) == target
    assert "已存在" in asked[0]
    with pytest.raises(InputRejected, match="已取消"):
        check_out_path(target, tmp_path / "vault", [".xlsx"], ask=lambda q: False)
    (tmp_path / "dir.xlsx").mkdir()
    with pytest.raises(InputRejected, match="文件夹"):
        check_out_path(tmp_path / "dir.xlsx", tmp_path / "vault", [".xlsx"])
    # A relative path or a symlink into the vault is resolved first.
    (tmp_path / "vault").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "vault")
    with pytest.raises(InputRejected, match="数据文件夹"):
        check_out_path(tmp_path / "link" / "a.xlsx", tmp_path / "vault", [".xlsx"], force=True)


def test_an_exports_audit_line_holds_its_full_path(vault, cli, tmp_path):
    target = tmp_path / "deep" / "台账.xlsx"
    target.parent.mkdir()
    for argv in (["sessions", "--out", target], ["crisis", "export", target, "--force"],
                 ["ledger", "--format", "xlsx", "--out", target, "--force"]):
        code, _out, err = cli(vault, "counselor", PASSWORD, *argv)
        assert code == 0, err
    details = [json.loads(r[2]) for r in _audit(vault, "export")]
    assert len(details) == 3 and all(d["path"] == str(target.resolve()) for d in details)


# -- audited reads ---------------------------------------------------------------------------------------
def test_students_json_and_filters_by_tag_or_level_are_audited(vault, cli):
    before = len(_audit(vault, "export"))
    code, out, _err = cli(vault, "teacher1", TEACHER_PASSWORD, "students", "--json")
    assert code == 0 and json.loads(out)
    code, out, _err = cli(vault, "counselor", PASSWORD, "students", "--level", "2")
    assert code == 0
    code, out, _err = cli(vault, "counselor", PASSWORD, "students")   # names only: not audited
    assert code == 0
    rows = _audit(vault, "export")[before:]
    assert [(r[0], r[1]) for r in rows] == [("teacher1", "students:stdout"), ("counselor", "students:stdout")]
    assert json.loads(rows[1][2])["level"] == 2


def test_coverage_is_audited(vault, cli):
    code, _out, err = cli(vault, "counselor", PASSWORD, "coverage", "--json")
    assert code == 0, err
    rows = _audit(vault, "export")
    assert rows[-1][:2] == ("counselor", "coverage:stdout")


def test_reading_old_versions_of_confidential_text_is_audited(school):
    from app.casework.records import create_record, update_record, versions
    from tests.casework.helpers import class_students, record

    sid = class_students(school)[0]
    rid = create_record(school, record(sid, confidential="旧的保密内容"))
    update_record(school, rid, record(sid, confidential="新的保密内容"), reason="补充")
    n = school.db.scalar("SELECT count(*) FROM audit_log WHERE action = 'view_confidential'")
    vs = versions(school, rid)
    assert vs[0].record["confidential"] == "旧的保密内容"
    rows = school.db.query("SELECT target, detail FROM audit_log WHERE action = 'view_confidential' ORDER BY id")
    assert len(rows) == n + 1
    assert rows[-1][0] == f"case_records:{rid}" and json.loads(rows[-1][1]) == {"versions": [vs[0].version]}


def test_a_head_teachers_view_of_old_versions_is_not_confidential_and_not_audited(school, head_teacher):
    from app.casework.records import create_record, update_record, versions
    from tests.casework.helpers import class_students, record

    sid = class_students(school)[0]
    rid = create_record(school, record(sid, confidential="旧的保密内容"))
    update_record(school, rid, record(sid, confidential="新的保密内容"), reason="补充")
    n = head_teacher.db.scalar("SELECT count(*) FROM audit_log WHERE action = 'view_confidential'")
    assert all("confidential" not in v.record for v in versions(head_teacher, rid))
    assert head_teacher.db.scalar("SELECT count(*) FROM audit_log WHERE action = 'view_confidential'") == n
