"""Focus tags (重点关注): each with its date, who set it and an optional note; cleared, never deleted."""
from __future__ import annotations

from dataclasses import dataclass, replace

from app import clock
from app.archive.students import FOCUS_TAGS, get_student
from app.errors import InputRejected
from app.policy import can_counsel, can_read_confidential, require
from app.session import Session


@dataclass(frozen=True)
class FocusTag:
    id: int
    tag: str
    note: str
    set_at: str
    set_by: str
    cleared_at: str | None
    cleared_by: str | None
    clear_reason: str


def add_tag(session: Session, student_id: int, tag: str, note: str = "") -> int:
    require(session, can_counsel, "设置重点关注标签")
    if tag not in FOCUS_TAGS:
        raise InputRejected(f"未知的关注类别“{tag}”。可选：{'、'.join(FOCUS_TAGS)}。")
    if tag == "其他" and not note.strip():
        raise InputRejected("选择“其他”时请填写说明。")
    student = get_student(session.db, session.account, student_id)
    with session.db.transaction():
        cur = session.db.execute(
            "INSERT INTO focus_tags (uuid, student_id, tag, note, set_at, set_by) VALUES (:u, :s, :t, :n, :at, :by)",
            {"u": clock.new_uuid(), "s": student.id, "t": tag, "n": note.strip(), "at": clock.now_iso(),
             "by": session.account.label})
        session.audit("edit", f"student:{student.registry_no}", {"tag_add": tag})
        return int(cur.lastrowid or 0)


def clear_tag(session: Session, tag_id: int, reason: str) -> None:
    require(session, can_counsel, "设置重点关注标签")
    row = session.db.one("SELECT t.student_id, s.registry_no FROM focus_tags t JOIN students s ON s.id = t.student_id"
                         " WHERE t.id = :id", {"id": tag_id})
    if row is None:
        raise InputRejected("找不到该标签。")
    with session.db.transaction():
        session.db.execute("UPDATE focus_tags SET cleared_at = :at, cleared_by = :by, clear_reason = :r"
                           " WHERE id = :id AND cleared_at IS NULL",
                           {"at": clock.now_iso(), "by": session.account.label, "r": reason.strip(), "id": tag_id})
        session.audit("edit", f"student:{row[1]}", {"tag_clear": tag_id})


def list_tags(session: Session, student_id: int, include_cleared: bool = True) -> list[FocusTag]:
    get_student(session.db, session.account, student_id)
    sql = ("SELECT id, tag, note, set_at, set_by, cleared_at, cleared_by, clear_reason FROM focus_tags"
           " WHERE student_id = :s")
    if not include_cleared:
        sql += " AND cleared_at IS NULL"
    tags = [FocusTag(*tuple(r)) for r in session.db.query(sql + " ORDER BY set_at DESC, id DESC", {"s": student_id})]
    if not can_read_confidential(session.account):
        # The tag is ordinary (a head teacher should know whom to watch); its note and clearing reason are not.
        tags = [replace(t, note="", clear_reason="") for t in tags]
    return tags
