"""Attachments of checklist items (a scanned sign-in sheet): kept as blobs inside the encrypted vault, never as
files in the data folder. Saving one out is an export, audited."""
from __future__ import annotations

from pathlib import Path

from app import clock
from app.errors import InputRejected
from app.policy import can_counsel, require
from app.session import Session

MAX_BYTES = 20 * 1024 * 1024


def add_attachment(session: Session, item_id: int, path: Path) -> int:
    require(session, can_counsel, "添加清单附件")
    r = session.db.one("SELECT i.item_key, m.month, m.status FROM loop_items i JOIN loop_months m ON m.id = i.month_id"
                       " WHERE i.id = :i", {"i": item_id})
    if r is None:
        raise InputRejected("找不到该清单项，请刷新后再试。")
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise InputRejected(f"无法读取附件“{path}”：请确认文件存在且没有被其他程序占用。") from e
    if not data:
        raise InputRejected(f"附件“{Path(path).name}”是空文件。")
    if len(data) > MAX_BYTES:
        raise InputRejected(f"附件“{Path(path).name}”超过 20 MB，请压缩或降低扫描分辨率后再添加。")
    with session.db.transaction():
        cur = session.db.execute(
            "INSERT INTO loop_attachments (item_id, filename, size, data, added_at, added_by)"
            " VALUES (:i, :f, :s, :d, :at, :by)", {"i": item_id, "f": Path(path).name, "s": len(data), "d": data,
                                                   "at": clock.now_iso(), "by": session.account.label})
        if r["status"] == "closed":   # a closed month changes only by amendment, with its history
            session.db.execute(
                "INSERT INTO loop_amendments (month_id, item_id, field, old_value, new_value, reason, at, by)"
                " SELECT month_id, id, 'attachment', '', :f, '关闭后补充附件', :at, :by FROM loop_items WHERE id = :i",
                {"f": Path(path).name, "at": clock.now_iso(), "by": session.account.label, "i": item_id})
        session.audit("edit", f"loop:{r['month']}", {"item": r["item_key"], "attachment": Path(path).name})
    return int(cur.lastrowid or 0)


def read_attachment(session: Session, attachment_id: int) -> tuple[str, bytes]:
    require(session, can_counsel, "查看清单附件")
    r = session.db.one("SELECT filename, data FROM loop_attachments WHERE id = :i", {"i": attachment_id})
    if r is None:
        raise InputRejected("找不到该附件。")
    return str(r[0]), bytes(r[1])


def save_attachment(session: Session, attachment_id: int, out: Path) -> Path:
    """Write an attachment out to ``out`` (the user chose where): audited as an export."""
    name, data = read_attachment(session, attachment_id)
    with session.db.transaction():
        Path(out).write_bytes(data)
        session.audit("export", f"loop_attachment:{attachment_id}", {"file": name})
    return Path(out)
