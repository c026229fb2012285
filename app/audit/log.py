"""Audit log: each row carries the hash of the previous one; triggers forbid UPDATE and DELETE.

Actions (English ids, shown in Chinese by ``ACTION_LABELS``): sign_in, sign_in_failed, view_confidential,
edit, import, print, export, backup, restore, account.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from app import clock
from app.store.db import Database

GENESIS = "0" * 64

ACTION_LABELS = {
    "sign_in": "登录", "sign_in_failed": "登录失败", "sign_out": "锁定/退出", "view_confidential": "查看保密记录",
    "edit": "修改", "import": "导入", "print": "打印", "export": "导出", "backup": "备份", "restore": "恢复",
    "account": "账号管理", "settings": "设置", "sign_in_refused": "拒绝登录", "audit_tampered": "审计日志被改动",
    "rekey": "更换密钥", "tier_move": "保密数据迁入保密库", "reveal_confidential": "显示保密内容",
}


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    account: str
    action: str
    target: str
    detail: str


def _digest(prev_hash: str, at: str, account: str, action: str, target: str, detail: str) -> str:
    payload = json.dumps([prev_hash, at, account, action, target, detail], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(db: Database, account: str, action: str, target: str = "", detail: str | dict = "") -> None:
    """Append one entry; joins the caller's transaction if there is one."""
    if not isinstance(detail, str):
        detail = json.dumps(detail, ensure_ascii=False, sort_keys=True)
    with db.transaction():
        prev = db.scalar("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1") or GENESIS
        at = clock.now_iso()
        h = _digest(prev, at, account, action, target, detail)
        db.execute(
            "INSERT INTO audit_log (at, account, action, target, detail, prev_hash, hash)"
            " VALUES (:at, :account, :action, :target, :detail, :prev, :hash)",
            {"at": at, "account": account, "action": action, "target": target, "detail": detail,
             "prev": prev, "hash": h})


def recent(db: Database, limit: int = 200, action: str | None = None) -> list[AuditEntry]:
    sql = "SELECT id, at, account, action, target, detail FROM audit_log"
    params: dict[str, object] = {"limit": limit}
    if action:
        sql += " WHERE action = :action"
        params["action"] = action
    sql += " ORDER BY id DESC LIMIT :limit"
    return [AuditEntry(*tuple(r)) for r in db.query(sql, params)]


@dataclass(frozen=True)
class ChainReport:
    entries: int
    broken_at: int | None

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_chain(db: Database) -> ChainReport:
    prev = GENESIS
    count = 0
    for r in db.query("SELECT id, at, account, action, target, detail, prev_hash, hash FROM audit_log ORDER BY id"):
        count += 1
        if r["prev_hash"] != prev or _digest(prev, r["at"], r["account"], r["action"], r["target"],
                                              r["detail"]) != r["hash"]:
            return ChainReport(count, int(r["id"]))
        prev = r["hash"]
    return ChainReport(count, None)
