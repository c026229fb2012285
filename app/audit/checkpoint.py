"""Checkpoints of the audit chain's head, kept where only the confidential key can write (``conf``).

An account holding only the ordinary key can drop the triggers, delete its rows and recompute the chain so that
``verify_chain`` passes: the chain alone cannot tell. A checkpoint (sequence, hash, row count) taken at every
counselor sign-in, backup and export can: the row it names must still be there with the same hash, and as many
rows must lead up to it. ``check_checkpoints`` compares every checkpoint, so a cut found once stays found.
"""
from __future__ import annotations

from dataclasses import dataclass

from app import audit, clock
from app.store.db import Database

TRIGGERS = {
    "audit_log_no_update": "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN"
                           " SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    "audit_log_no_delete": "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN"
                           " SELECT RAISE(ABORT, 'audit_log is append-only'); END",
}


@dataclass(frozen=True)
class Checkpoint:
    id: int
    at: str
    account: str
    reason: str
    seq: int
    hash: str
    entries: int


def _attached(db: Database) -> bool:
    return any(r[1] == "conf" for r in db.query("PRAGMA database_list"))


def head(db: Database) -> tuple[int, str, int]:
    """(id, hash, row count) of the chain's last row; (0, '', 0) for an empty log."""
    row = db.one("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")
    count = int(db.scalar("SELECT count(*) FROM audit_log") or 0)
    return (int(row[0]), str(row[1]), count) if row else (0, "", 0)


def take_checkpoint(db: Database, account: str, reason: str, finding: str = "") -> None:
    """Record the chain's head in ``conf`` (a no-op on a connection without the confidential tier)."""
    if not _attached(db):
        return
    seq, digest, entries = head(db)
    with db.transaction():
        db.execute("INSERT INTO conf.audit_checkpoints (at, account, reason, seq, hash, entries, finding)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?)", (clock.now_iso(), account, reason, seq, digest, entries, finding))


def checkpoints(db: Database) -> list[Checkpoint]:
    if not _attached(db):
        return []
    return [Checkpoint(*tuple(r)) for r in db.query(
        "SELECT id, at, account, reason, seq, hash, entries FROM conf.audit_checkpoints ORDER BY id")]


def check_checkpoints(db: Database, *, since_last_finding: bool = False) -> str:
    """'' when the chain is whole and still extends every checkpoint; else a Chinese account of what is missing
    or rewritten (printed by ``verify``, which looks at every checkpoint, so a cut once found stays found).
    ``since_last_finding``: only the checkpoints from the last one that recorded a finding on (a counselor is
    told of a cut once, at the sign-in that finds it)."""
    cps = checkpoints(db)
    if since_last_finding:
        found = db.scalar("SELECT max(id) FROM conf.audit_checkpoints WHERE finding != ''")
        if found is not None:
            cps = [cp for cp in cps if cp.id >= int(found)]
    problems: list[str] = []
    chain = audit.verify_chain(db)
    if not chain.ok:
        problems.append(f"审计链在第 {chain.broken_at} 条记录处断开（记录被改动过）")
    seq_now, _, count_now = head(db)
    for cp in cps:
        if cp.seq == 0:
            continue
        row = db.one("SELECT hash FROM audit_log WHERE id = ?", (cp.seq,))
        before = int(db.scalar("SELECT count(*) FROM audit_log WHERE id <= ?", (cp.seq,)) or 0)
        if row is None or seq_now < cp.seq:
            problems.append(f"{cp.at} 检查点时审计日志有 {cp.entries} 条、最后一条是第 {cp.seq} 条；现在只剩 "
                            f"{count_now} 条、最后一条是第 {seq_now} 条：第 {seq_now + 1}–{cp.seq} 条之间的记录被删除了")
        elif row[0] != cp.hash:
            problems.append(f"{cp.at} 检查点之前的审计记录被改写或删除后重算过（第 {cp.seq} 条的校验值不同）")
        elif before != cp.entries:
            problems.append(f"{cp.at} 检查点之前的审计记录条数从 {cp.entries} 变成了 {before}")
        else:
            continue
        break   # the first checkpoint that fails says enough; later ones fail for the same cut
    if not problems:
        return ""
    return "审计日志被截断或改写：" + "；".join(problems) + "。请核对备份中的审计日志，并检查谁能接触这台电脑。"


def ensure_audit_triggers(db: Database, account: str) -> str:
    """Recreate the audit log's append-only triggers if someone dropped them, and say so ('' when intact).
    The recreation is itself audited (under the account signing in)."""
    have = {r[0] for r in db.query("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'")}
    missing = sorted(set(TRIGGERS) - have)
    if not missing:
        return ""
    with db.transaction():
        for name in missing:
            db.execute(TRIGGERS[name])
        audit.record(db, account, "audit_tampered", "audit_log", {"recreated_triggers": missing})
    return f"审计日志的保护触发器（{'、'.join(missing)}）被删除过，已重新创建并记入审计日志。"
