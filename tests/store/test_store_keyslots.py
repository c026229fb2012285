"""Key slots and the recovery code: Argon2id + AES-256-GCM around one database key."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from app.accounts.admin import change_password
from app.config import TEST_KDF
from app.errors import WrongPassword
from app.school.setup import create_vault
from app.session import open_session, reset_password_with_recovery
from app.store.keyslots import RECOVERY_SLOT, KeySlots, make_slot, normalize_recovery_code, unwrap
from tests.conftest import PASSWORD


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_wrap_unwrap_roundtrip():
    key = bytes(range(32))
    slot = make_slot("alice", "正确的密码 1", key, TEST_KDF)
    assert unwrap(slot, "正确的密码 1") == key
    assert slot.wrapped != key and key not in slot.wrapped


def test_wrong_password_is_wrong_password():
    slot = make_slot("alice", "secret-1", b"k" * 32, TEST_KDF)
    with pytest.raises(WrongPassword) as exc:
        unwrap(slot, "secret-2")
    assert exc.value.exit_code == 4
    assert "密码" in exc.value.message


def test_password_is_nfc_normalised():
    # "é" typed as one code point or as e + combining accent unlocks the same slot.
    slot = make_slot("alice", "caf\u00e9-密码", b"k" * 32, TEST_KDF)
    assert unwrap(slot, "cafe\u0301-密码") == b"k" * 32


def test_slot_swapped_onto_another_account_fails(data_dir):
    s, _ = create_vault(data_dir, school_name="测试学校", username="alice", password="Amber-lake-2026!")
    from app.accounts.admin import add_account
    from app.accounts.model import Role

    add_account(s, "bob", "Birch-road-2026!", Role.COUNSELOR)
    s.close()
    slots = KeySlots.load(data_dir / "keyslots.json")
    # Bob's slot copied under Alice's name: same password, but the AAD (the slot name) no longer matches.
    stolen = slots.slots["bob"]
    stolen.name = "alice"
    slots.slots["alice"] = stolen
    slots.save()
    with pytest.raises(WrongPassword):
        KeySlots.load(data_dir / "keyslots.json").unlock("alice", "Birch-road-2026!")
    with pytest.raises(WrongPassword):
        open_session(data_dir, "alice", "Birch-road-2026!")


def test_unknown_account_is_wrong_password(session):
    with pytest.raises(WrongPassword):
        KeySlots.load(session.paths.keyslots).unlock("nobody", PASSWORD)


def test_password_change_rewrites_one_slot_and_not_the_database(session, data_dir):
    from app.accounts.admin import add_account
    from app.accounts.model import Role

    add_account(session, "other", "Quiet-hill-2026!", Role.ADMIN)
    session.close()
    db_files = [data_dir / "vault.db"]
    before = KeySlots.load(data_dir / "keyslots.json").slots
    s = open_session(data_dir, "counselor", PASSWORD)
    s.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before_db = {p: sha(p) for p in db_files}
    change_password(s, "counselor", "新的密码-心桥-2027")  # its audit entry goes to the WAL, not into vault.db
    after = KeySlots.load(data_dir / "keyslots.json").slots
    assert after["counselor"].salt != before["counselor"].salt
    for name in ("other", RECOVERY_SLOT):
        assert after[name].to_json() == before[name].to_json()
    assert {p: sha(p) for p in db_files} == before_db  # vault.db itself untouched (the change is in the WAL)
    s.close()
    with pytest.raises(WrongPassword):
        open_session(data_dir, "counselor", PASSWORD)
    s = open_session(data_dir, "counselor", "新的密码-心桥-2027")
    assert s.db.scalar("SELECT count(*) FROM students") == 0
    s.close()


def test_password_change_without_audit_leaves_every_db_file_byte_identical(session, data_dir):
    """The key-slot rewrite alone never touches vault.db / -wal (re-encryption would change every page)."""
    from app.store.keyslots import KeySlots as Slots

    session.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    session.db.conn.execute("PRAGMA conf.wal_checkpoint(TRUNCATE)")
    files = [p for p in data_dir.iterdir() if p.name.startswith(("vault.db", "confidential.db"))]
    before = {p.name: sha(p) for p in files}
    slots = Slots.load(session.paths.keyslots)
    slots.set_account_secret("counselor", "another-password", session.key, session.conf_key)
    slots.save()
    assert {p.name: sha(p) for p in files} == before
    session.close()
    open_session(data_dir, "counselor", "another-password").close()


def test_recovery_code_opens_and_resets_any_account(data_dir):
    from app.accounts.admin import add_account
    from app.accounts.model import Role

    s, code = create_vault(data_dir, school_name="测试学校", username="alice", password="Amber-lake-2026!")
    add_account(s, "bob", "Birch-road-2026!", Role.ADMIN)
    key = s.key
    s.close()
    assert KeySlots.load(data_dir / "keyslots.json").unlock_recovery(code) == key
    reset_password_with_recovery(data_dir, code, "bob", "Brand-new-bee-7")
    reset_password_with_recovery(data_dir, code, "alice", "Azure-new-sky-8")
    for user, pw in (("bob", "Brand-new-bee-7"), ("alice", "Azure-new-sky-8")):
        open_session(data_dir, user, pw).close()
    with pytest.raises(WrongPassword):
        open_session(data_dir, "alice", "Amber-lake-2026!")
    s = open_session(data_dir, "alice", "Azure-new-sky-8")
    details = [r[0] for r in s.db.query("SELECT detail FROM audit_log WHERE action = 'account'")]
    assert details.count("用恢复码重设密码") == 2
    s.close()


def test_wrong_recovery_code(session, data_dir):
    session.close()
    with pytest.raises(WrongPassword) as exc:
        reset_password_with_recovery(data_dir, "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF", "counselor", "x")
    assert "恢复码" in exc.value.message
    open_session(data_dir, "counselor", PASSWORD).close()


def test_recovery_code_normalisation(data_dir):
    s, code = create_vault(data_dir, school_name="测试学校", username="alice", password="Amber-lake-2026!")
    key = s.key
    s.close()
    slots = KeySlots.load(data_dir / "keyslots.json")
    raw = code.replace("-", "")
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code.lower())  # ｚｕｃｗ－ｄ４６ｂ…
    variants = [code, raw, code.lower(), raw.lower(), " ".join(code.split("-")), f"  {code}\n",
                full_width, code.replace("-", "\u3000"), code.replace("-", "—")]
    for v in variants:
        assert normalize_recovery_code(v) == raw
        assert slots.unlock_recovery(v) == key, v


def test_recovery_code_shape():
    from app.store.keyslots import RECOVERY_ALPHABET, new_recovery_code

    codes = {new_recovery_code() for _ in range(50)}
    assert len(codes) == 50
    for c in codes:
        groups = c.split("-")
        assert len(groups) == 6 and all(len(g) == 4 for g in groups)
        assert set(c.replace("-", "")) <= set(RECOVERY_ALPHABET)
        assert not set(c) & set("01OIL")


@pytest.mark.parametrize("content", ["{not json", "[]", '{"version": 1, "slots": [{"name": "x"}]}',
                                     '{"version": 1, "slots": [{"name": "counselor", "salt": "!!", "nonce": "", '
                                     '"wrapped": "", "kdf": {"iterations": 1, "memory_kib": 8, "lanes": 1}}]}'])
def test_damaged_keyslot_file_is_a_clear_error(session, data_dir, content):
    from app.errors import XinqiaoError

    session.close()
    (data_dir / "keyslots.json").write_text(content, "utf-8")
    with pytest.raises(XinqiaoError) as exc:
        open_session(data_dir, "counselor", PASSWORD)
    assert "密钥文件" in exc.value.message
