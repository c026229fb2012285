"""Keys carry the tiers, a role is the keys a slot holds, access can be revoked, the audit log cannot be quietly
cut: played as an attacker with the project's own key-slot code and sqlcipher3 on the vault folder."""
from __future__ import annotations

import shutil

import pytest
import sqlcipher3.dbapi2 as sqlite

from app.accounts.admin import add_account, set_account_disabled
from app.accounts.model import Role
from app.accounts.rekey import grant_confidential, rekey, rotate_recovery
from app.backups import make_backup, restore
from app.errors import PermissionDenied, WrongPassword
from app.school.setup import create_vault
from app.session import open_session, reset_password_with_recovery
from app.store.backup import confidential_copy
from app.store.keyslots import KeySlots
from tests.conftest import PASSWORD
from tests.security.formats import as_format_1
from tests.security.tiers import open_raw

HT = ("teacher1", "Teacher-password-2026!")
ADMIN = ("admin1", "Admin-password-2026!")
COUNSELOR2 = ("counselor2", "Second-counselor-2026!")


def _staff(session) -> None:
    from app.school.classes import add_class

    cls = add_class(session, "7.1")
    add_account(session, *HT, Role.HEAD_TEACHER, class_id=cls.id)
    add_account(session, *ADMIN, Role.ADMIN)
    add_account(session, *COUNSELOR2, Role.COUNSELOR)


@pytest.fixture
def staffed(session):
    """A vault with the counselor-manager, a head teacher, an admin and a second counselor; the session open."""
    _staff(session)
    return session


def _opens(path, key: bytes) -> bool:
    conn = open_raw(path, key)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except sqlite.DatabaseError:
        return False
    finally:
        conn.close()


def test_only_counselors_and_the_recovery_code_hold_the_confidential_key(data_dir):
    s, code = create_vault(data_dir, school_name="测试学校", username="counselor", password=PASSWORD)
    _staff(s)
    conf_path = s.paths.confidential
    s.close()
    slots = KeySlots.load(data_dir / "keyslots.json")
    assert slots.holders("confidential") == {"counselor", "counselor2", "__recovery__"}
    for name, pw in (HT, ADMIN):
        keys = slots.unlock_keys(name, pw)
        assert keys.confidential is None
        # The attacker's walk: the ordinary key opens vault.db but not confidential.db.
        assert _opens(data_dir / "vault.db", keys.ordinary)
        assert not _opens(conf_path, keys.ordinary)
    conf = slots.unlock_keys(*COUNSELOR2).confidential
    assert conf is not None and _opens(conf_path, conf)
    assert slots.unlock_recovery_keys(code).confidential == conf
    # A head teacher's and an admin's session never attach the confidential tier.
    for name, pw in (HT, ADMIN):
        t = open_session(data_dir, name, pw)
        try:
            assert not t.holds_confidential
            assert "conf" not in [r[1] for r in t.db.query("PRAGMA database_list")]
        finally:
            t.close()
    c = open_session(data_dir, *COUNSELOR2)
    assert c.holds_confidential and "conf" in [r[1] for r in c.db.query("PRAGMA database_list")]
    c.close()


def test_adding_a_counselor_needs_a_counselors_key(staffed):
    admin = open_session(staffed.paths.root, *ADMIN)
    try:
        with pytest.raises(PermissionDenied, match="保密密钥"):
            add_account(admin, "c3", "Third-counselor-2026!", Role.COUNSELOR)
        from app.school.classes import find_class

        cls = find_class(admin.db, "7.1")
        assert cls is not None
        add_account(admin, "t2", "Teacher-two-2026!", Role.HEAD_TEACHER, class_id=cls.id)   # admins manage these
        with pytest.raises(PermissionDenied):
            rotate_recovery(admin)
    finally:
        admin.close()
    assert "c3" not in KeySlots.load(staffed.paths.keyslots).slots


def test_a_role_edited_in_the_database_gains_nothing(staffed):
    root = staffed.paths.root
    staffed.close()
    ordinary = KeySlots.load(root / "keyslots.json").unlock(*HT)
    conn = open_raw(root / "vault.db", ordinary)   # the head teacher's own key, outside the app
    conn.execute("UPDATE accounts SET role = 'counselor', manager = 1, class_id = NULL WHERE username = ?",
                 (HT[0],))
    conn.close()
    with pytest.raises(PermissionDenied, match="保密密钥"):
        open_session(root, *HT)
    assert KeySlots.load(root / "keyslots.json").unlock_keys(*HT).confidential is None
    # The next counselor's sign-in does not grant it either: only a counselor's explicit act would.
    open_session(root, "counselor", PASSWORD).close()
    assert KeySlots.load(root / "keyslots.json").unlock_keys(*HT).confidential is None
    with pytest.raises(PermissionDenied):
        open_session(root, *HT)
    s = open_session(root, "counselor", PASSWORD)
    try:
        assert s.db.scalar("SELECT count(*) FROM audit_log WHERE action = 'sign_in_refused' AND account = ?",
                           (HT[0],)) == 2
    finally:
        s.close()


def test_a_disabled_counselors_password_yields_no_key(staffed):
    old = KeySlots.load(staffed.paths.keyslots)
    set_account_disabled(staffed, COUNSELOR2[0], True)
    slots = KeySlots.load(staffed.paths.keyslots)
    with pytest.raises(WrongPassword):
        slots.unlock_keys(*COUNSELOR2)
    assert COUNSELOR2[0] not in slots.holders("confidential") | slots.holders("ordinary")
    # Until rekey, a copy of the old file still yields the old keys; after it, nothing current opens.
    assert old.unlock_keys(*COUNSELOR2).confidential == staffed.conf_key
    result = rekey(staffed)
    assert result.confidential_rotated and result.dropped == []
    stale = old.unlock_keys(*COUNSELOR2)
    root = staffed.paths.root
    staffed.close()
    for f in root.iterdir():
        if f.is_file() and f.suffix == ".db":
            assert not _opens(f, stale.ordinary), f
            assert stale.confidential is not None and not _opens(f, stale.confidential), f
    # Everyone who remains opens the new keys, the recovery code included.
    for name, pw in (("counselor", PASSWORD), HT, ADMIN):
        open_session(root, name, pw).close()
    new = KeySlots.load(root / "keyslots.json").unlock_keys("counselor", PASSWORD)
    assert new.confidential is not None and _opens(root / "confidential.db", new.confidential)


def test_rekey_by_an_admin_rotates_the_ordinary_key_only(staffed):
    old = KeySlots.load(staffed.paths.keyslots).unlock_keys("counselor", PASSWORD)
    set_account_disabled(staffed, HT[0], True)
    root = staffed.paths.root
    staffed.close()
    admin = open_session(root, *ADMIN)
    result = rekey(admin)
    admin.close()
    assert not result.confidential_rotated
    assert not _opens(root / "vault.db", old.ordinary)
    assert old.confidential is not None and _opens(root / "confidential.db", old.confidential)
    s = open_session(root, "counselor", PASSWORD)
    assert s.holds_confidential
    s.close()


def test_recovery_rotation_kills_the_old_code(data_dir):
    s, code = create_vault(data_dir, school_name="测试学校", username="counselor", password=PASSWORD)
    new = rotate_recovery(s)
    s.close()
    slots = KeySlots.load(data_dir / "keyslots.json")
    with pytest.raises(WrongPassword):
        slots.unlock_recovery(code)
    assert slots.unlock_recovery_keys(new).confidential is not None
    reset_password_with_recovery(data_dir, new, "counselor", "Reset-by-code-2027!")
    t = open_session(data_dir, "counselor", "Reset-by-code-2027!")
    assert t.holds_confidential
    t.close()


def _cut_audit(root, key: bytes, rows: int) -> None:
    conn = open_raw(root / "vault.db", key)
    conn.execute("DROP TRIGGER audit_log_no_delete")
    conn.execute("DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log ORDER BY id DESC LIMIT ?)", (rows,))
    conn.close()


def test_audit_rows_cut_with_an_ordinary_key_are_caught(staffed, cli):
    root = staffed.paths.root
    staffed.close()
    open_session(root, "counselor", PASSWORD).close()         # a checkpoint at this sign-in
    ordinary = KeySlots.load(root / "keyslots.json").unlock(*HT)
    _cut_audit(root, ordinary, 3)                             # the head teacher cuts the last rows
    code, out, err = cli(root, "counselor", PASSWORD, "verify")
    assert code == 5 and "被删除" in err and "触发器" in err   # told at sign-in, and verify fails
    s = open_session(root, "counselor", PASSWORD)
    try:
        assert not s.notices                                   # told once; verify keeps failing
        assert s.db.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'audit_log_no_delete'") == 1
        assert s.db.scalar("SELECT count(*) FROM audit_log WHERE action = 'audit_tampered'") == 2
    finally:
        s.close()
    assert cli(root, "counselor", PASSWORD, "verify")[0] == 5
    # A head teacher's verify cannot look at checkpoints and says so.
    code, out, _ = cli(root, *HT, "verify")
    assert "只有持有保密密钥" in out


def test_audit_rows_rewritten_and_the_chain_recomputed_are_caught_at_sign_in(staffed):
    from app.audit.log import GENESIS, _digest

    root = staffed.paths.root
    staffed.close()
    open_session(root, *HT).close()                       # the rows the head teacher will want gone
    open_session(root, "counselor", PASSWORD).close()     # a checkpoint after them
    ordinary = KeySlots.load(root / "keyslots.json").unlock(*HT)
    conn = open_raw(root / "vault.db", ordinary)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("DROP TRIGGER audit_log_no_delete")
    conn.execute("DELETE FROM audit_log WHERE account = ?", (HT[0],))
    prev = GENESIS
    for r in conn.execute("SELECT id, at, account, action, target, detail FROM audit_log ORDER BY id").fetchall():
        h = _digest(prev, r[1], r[2], r[3], r[4], r[5])
        conn.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", (prev, h, r[0]))
        prev = h
    for name in ("audit_log_no_update", "audit_log_no_delete"):   # even with the triggers put back
        conn.execute(f"CREATE TRIGGER {name} BEFORE {'UPDATE' if 'update' in name else 'DELETE'} ON audit_log"
                     " BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END")
    conn.close()
    s = open_session(root, "counselor", PASSWORD)
    try:
        assert s.notices and "审计日志被截断或改写" in s.notices[0] and "校验值不同" in s.notices[0]
    finally:
        s.close()


def test_backups_carry_both_tiers_encrypted_and_an_admin_can_make_one(staffed, tmp_path):
    root = staffed.paths.root
    staffed.close()
    admin = open_session(root, *ADMIN)
    info = make_backup(admin, tmp_path / "usb", manual=True)
    admin.close()
    copy = confidential_copy(info.path)
    assert copy.exists()
    keys = KeySlots.load(root / "keyslots.json").unlock_keys("counselor", PASSWORD)
    assert keys.confidential is not None and _opens(copy, keys.confidential)
    assert not _opens(copy, keys.ordinary)
    restore(info.path, keys.ordinary, staffed.paths, account=ADMIN[0])
    s = open_session(root, "counselor", PASSWORD)
    assert s.holds_confidential
    s.close()


def test_a_format_1_vault_upgrades_at_each_sign_in(data_dir):
    s, code = create_vault(data_dir, school_name="测试学校", username="counselor", password=PASSWORD)
    _staff(s)
    key, paths = s.key, s.paths
    s.close()
    as_format_1(paths, key, {"counselor": PASSWORD, HT[0]: HT[1], COUNSELOR2[0]: COUNSELOR2[1]}, code)
    assert not paths.confidential.exists()

    c = open_session(data_dir, "counselor", PASSWORD)      # the first counselor makes the confidential key
    assert c.holds_confidential and paths.confidential.exists()
    assert any("恢复码" in n for n in c.notices)
    c.close()
    t = open_session(data_dir, *HT)
    assert not t.holds_confidential
    t.close()
    slots = KeySlots.load(paths.keyslots)
    assert not slots.slots[HT[0]].legacy and slots.unlock_keys(*HT).confidential is None
    with pytest.raises(PermissionDenied):                 # waits for a counselor to grant it
        open_session(data_dir, *COUNSELOR2)
    open_session(data_dir, "counselor", PASSWORD).close()  # grants the waiting counselor
    c2 = open_session(data_dir, *COUNSELOR2)
    assert c2.holds_confidential
    # The old recovery code opens the ordinary tier only until it is rotated.
    assert KeySlots.load(paths.keyslots).unlock_recovery_keys(code).confidential is None
    c2.close()
    c = open_session(data_dir, "counselor", PASSWORD)
    new = rotate_recovery(c)
    c.close()
    assert KeySlots.load(paths.keyslots).unlock_recovery_keys(new).confidential is not None


def test_user_grant_gives_a_counselor_the_key(staffed):
    slots = KeySlots.load(staffed.paths.keyslots)
    slots.grants["confidential"].pop(COUNSELOR2[0])
    slots.save()
    with pytest.raises(PermissionDenied):
        open_session(staffed.paths.root, *COUNSELOR2)
    with pytest.raises(Exception, match="不是启用中的心理教师"):
        grant_confidential(staffed, HT[0])
    grant_confidential(staffed, COUNSELOR2[0])
    c = open_session(staffed.paths.root, *COUNSELOR2)
    assert c.holds_confidential
    c.close()


def test_rekey_and_recovery_rotate_on_the_command_line(staffed, cli):
    root = staffed.paths.root
    old_key = staffed.key
    staffed.close()
    code, out, _ = cli(root, "counselor", PASSWORD, "rekey")
    assert code == 0 and "保密数据的密钥" in out and "当时的密码" in out
    assert not _opens(root / "vault.db", old_key)
    code, out, _ = cli(root, "counselor", PASSWORD, "recovery", "rotate")
    new_code = out.strip().splitlines()[-1]
    assert code == 0 and KeySlots.load(root / "keyslots.json").unlock_recovery_keys(new_code).confidential
    code, _, err = cli(root, *HT, "rekey")
    assert code != 0
    shutil.rmtree(root / "backups", ignore_errors=True)


MARKER = "MARKER-保密-7d1c"


def test_a_head_teachers_key_opens_nothing_that_holds_a_marker(school, head_teacher, marked):
    from app.casework.model import RecordInput
    from app.casework.records import insert_record

    sid = int(school.db.scalar("SELECT id FROM students ORDER BY id LIMIT 1"))
    insert_record(school, RecordInput(kind="individual", student_ids=[sid], occurred_at="2026-11-02T10:00",
                                      summary="普通摘要", confidential=MARKER))
    root = school.paths.root
    head_teacher.close()
    school.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    school.close()
    keys = KeySlots.load(root / "keyslots.json").unlock_keys(*HT[:1], "Teacher-password-2026!")
    assert keys.confidential is None
    found = []
    for f in sorted(p for p in root.rglob("*") if p.is_file()):
        assert MARKER.encode() not in f.read_bytes()          # nothing in plain text anywhere
        if _opens(f, keys.ordinary):
            conn = open_raw(f, keys.ordinary)
            for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
                for row in conn.execute(f'SELECT * FROM "{table}"').fetchall():
                    if any(isinstance(v, str) and MARKER in v for v in row):
                        found.append((f.name, table))
            conn.close()
    # Every capability's confidential fields (tests/privacy's marked vault: a marker in each one), not only
    # casework's: crisis, network, archive and screening keep theirs in confidential.db too.
    from tests.privacy.builder import TEACHER as MARKED_TEACHER

    ordinary = KeySlots.load(marked.root / "keyslots.json").unlock_keys(*MARKED_TEACHER).ordinary
    for f in [marked.root / "vault.db"]:
        conn = open_raw(f, ordinary)
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
            for row in conn.execute(f'SELECT * FROM "{table}"').fetchall():
                found += [(f.name, table, m) for m in marked.markers
                          if any(isinstance(v, str) and m in v for v in row)]
        conn.close()
    assert found == []


def test_a_counselors_export_and_backup_checkpoint_the_chain(staffed, tmp_path):
    def count() -> int:
        return int(staffed.db.scalar("SELECT count(*) FROM conf.audit_checkpoints"))

    before = count()
    staffed.audit("export", "students:stdout", {"format": "json"})
    assert count() == before + 1
    make_backup(staffed, tmp_path / "b")
    row = staffed.db.one("SELECT reason, seq FROM conf.audit_checkpoints ORDER BY id DESC LIMIT 1")
    assert row[0] == "backup" and row[1] == staffed.db.scalar("SELECT max(id) FROM audit_log")
