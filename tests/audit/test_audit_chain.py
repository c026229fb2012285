"""The append-only, hash-chained audit log."""
from __future__ import annotations

import pytest

from app import audit
from app.audit import verify_chain
from app.store.db import DatabaseError


def test_chain_verifies(school):
    school.audit("view_confidential", "student:1", {"why": "测试"})
    report = verify_chain(school.db)
    assert report.ok and report.entries >= 2


def test_entries_link_to_the_previous_hash(session):
    for i in range(5):
        session.audit("edit", f"t{i}", "细节")
    rows = session.db.query("SELECT prev_hash, hash FROM audit_log ORDER BY id")
    assert rows[0][0] == audit.log.GENESIS
    for prev, row in zip(rows, rows[1:], strict=False):
        assert row[0] == prev[1]


def test_update_and_delete_are_refused(session):
    session.audit("edit", "x", "y")
    with pytest.raises(DatabaseError, match="append-only"):
        session.db.execute("UPDATE audit_log SET detail = 'changed'")
    with pytest.raises(DatabaseError, match="append-only"):
        session.db.execute("DELETE FROM audit_log")
    with pytest.raises(DatabaseError, match="append-only"):
        with session.db.transaction():
            session.db.execute("DELETE FROM audit_log WHERE id = 1")
    assert verify_chain(session.db).ok


def tamper(db, row_id: int, **changes: str) -> None:  # type: ignore[no-untyped-def]
    """What someone holding the key could do: drop the guard, rewrite a row, put the guard back."""
    sql = {r[0]: r[1] for r in db.query("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
                                        " AND tbl_name = 'audit_log'")}
    with db.transaction():
        for name in sql:
            db.execute(f"DROP TRIGGER {name}")
        for col, value in changes.items():
            db.execute(f"UPDATE audit_log SET {col} = :v WHERE id = :id", {"v": value, "id": row_id})
        for text in sql.values():
            db.execute(text)


def test_a_changed_row_breaks_the_chain(session):
    for i in range(4):
        session.audit("export", f"file{i}.xlsx", {"rows": i})
    target = int(session.db.scalar("SELECT id FROM audit_log WHERE target = 'file2.xlsx'"))
    tamper(session.db, target, detail='{"rows":0}')
    report = verify_chain(session.db)
    assert not report.ok and report.broken_at == target
    # the guards are back
    with pytest.raises(DatabaseError):
        session.db.execute("DELETE FROM audit_log")


def test_rehashing_one_row_still_breaks_the_next(session):
    for i in range(4):
        session.audit("print", f"doc{i}")
    rows = session.db.query("SELECT * FROM audit_log ORDER BY id")
    victim = rows[2]
    new_hash = audit.log._digest(victim["prev_hash"], victim["at"], "someone_else", victim["action"],
                                 victim["target"], victim["detail"])
    tamper(session.db, victim["id"], account="someone_else", hash=new_hash)
    report = verify_chain(session.db)
    assert report.broken_at == rows[3]["id"]


def test_a_deleted_row_breaks_the_chain(session):
    for i in range(3):
        session.audit("edit", f"r{i}")
    victim = int(session.db.scalar("SELECT id FROM audit_log WHERE target = 'r1'"))
    db = session.db
    with db.transaction():
        db.execute("DROP TRIGGER audit_log_no_delete")
        db.execute("DELETE FROM audit_log WHERE id = :id", {"id": victim})
    report = verify_chain(db)
    assert not report.ok and report.broken_at == victim + 1


def test_record_joins_the_callers_transaction(session):
    before = session.db.scalar("SELECT count(*) FROM audit_log")
    with pytest.raises(RuntimeError):
        with session.db.transaction():
            session.audit("edit", "will be rolled back")
            raise RuntimeError("boom")
    assert session.db.scalar("SELECT count(*) FROM audit_log") == before
    assert verify_chain(session.db).ok


def test_recent_and_labels(session):
    session.audit("backup", "b.db")
    entries = audit.recent(session.db, limit=5)
    assert entries[0].action == "backup"
    assert [e.action for e in audit.recent(session.db, action="backup")] == ["backup"]
    assert all(a in audit.log.ACTION_LABELS for a in ("sign_in", "sign_in_failed", "view_confidential", "edit",
                                                      "import", "print", "export", "backup", "restore"))
