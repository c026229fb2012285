"""复核访谈 (follow-up interview): the counselor confirms, changes or releases a provisional level."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app import clock
from app.errors import InputRejected
from app.policy import can_counsel, can_read_confidential, require
from app.screening.grading import NEXT_STEPS, _log, level_label, load_rules, rescreen_due
from app.screening.stored import interview_reasons
from app.session import Session
from app.store.conf_text import SCREENING_CATEGORY
from app.store.db import Database


@dataclass(frozen=True)
class Interview:
    id: int
    entry_id: int
    student_id: int
    held_on: str
    confirmed_level: int
    reason: str          # confidential: "" for an account that may not see it
    next_step: str
    interviewer: str


def record_interview(session: Session, entry_id: int, *, confirmed_level: int, reason: str, next_step: str,
                     held_on: dt.date | None = None, responsible: str = "", teacher_note: str = "",
                     share_category: bool = False) -> Interview:
    """Record the interview and update the ledger entry (confirmed, or released by 解除 / level 0).

    ``teacher_note`` is what the head teacher is told (what to watch, what to do) beside "重点关注";
    ``share_category`` shows them the entry's category (自伤风险 ...) too. Both are audited with the interview."""
    require(session, can_counsel, "记录复核访谈")
    session.require_confidential()
    if next_step not in NEXT_STEPS:
        raise InputRejected(f"下一步只能是：{'、'.join(NEXT_STEPS)}。")
    if confirmed_level not in (0, 1, 2, 3):
        raise InputRejected("复核等级只能是一级、二级、三级或无。")
    if not reason.strip():
        raise InputRejected("请填写复核理由。")
    db = session.db
    entry = db.one("SELECT id, student_id, level, status FROM screening_levels WHERE id = :id", {"id": entry_id})
    if entry is None:
        raise InputRejected("找不到该台账记录。")
    day = held_on or clock.today()
    if day > clock.today():
        raise InputRejected("访谈日期不能晚于今天。")
    who = session.account.label
    release = next_step == "解除" or confirmed_level == 0
    rules = load_rules(db)
    now = clock.now_iso()
    with db.transaction():
        # The reason is confidential text: in confidential.db (a counselor's session always holds the key).
        cur = db.execute(
            "INSERT INTO screening_interviews (uuid, entry_id, student_id, held_on, confirmed_level, reason, next_step,"
            " interviewer, created_at) VALUES (:u, :e, :s, :d, :l, '', :n, :a, :t)",
            {"u": clock.new_uuid(), "e": entry_id, "s": entry["student_id"], "d": day.isoformat(),
             "l": confirmed_level, "n": next_step, "a": who, "t": now})
        db.execute("INSERT INTO conf.screening_interview_reasons (interview_id, reason) VALUES (:id, :r)",
                   {"id": int(cur.lastrowid or 0), "r": reason.strip()})
        if release:
            db.execute("UPDATE screening_levels SET status = 'released', level = NULL, measure = :m, responsible = :p,"
                       " rescreen_due = '', updated_at = :t WHERE id = :id",
                       {"m": next_step, "p": responsible or who, "t": now, "id": entry_id})
            _log(db, entry_id, entry["level"], None, "released", f"复核访谈：解除（{next_step}）", who)
        else:
            db.execute("UPDATE screening_levels SET status = 'confirmed', level = :l, measure = :m, responsible = :p,"
                       " rescreen_due = :rs, updated_at = :t WHERE id = :id",
                       {"l": confirmed_level, "m": next_step, "p": responsible or who,
                        "rs": rescreen_due(rules, confirmed_level, day), "t": now, "id": entry_id})
            _log(db, entry_id, entry["level"], confirmed_level, "confirmed",
                 f"复核访谈：确认{level_label(confirmed_level)}，下一步{next_step}", who)
        db.execute("UPDATE screening_levels SET teacher_note = :n WHERE id = :id",
                   {"n": teacher_note.strip(), "id": entry_id})
        _share(db, entry_id, share_category)
        session.audit("edit", f"screening_interviews:{cur.lastrowid}",
                      {"action": "follow_up_interview", "level": confirmed_level, "next_step": next_step,
                       "teacher_note": bool(teacher_note.strip()), "category_shared": bool(share_category)})
    return Interview(int(cur.lastrowid or 0), entry_id, entry["student_id"], day.isoformat(), confirmed_level,
                     reason.strip(), next_step, who)


def _share(db: Database, entry_id: int, shared: bool) -> None:
    """Share the entry's category with the head teacher or withhold it (joins the caller's transaction). Shared,
    it is what they were told: kept in vault.db, where their key reads it; withheld, it goes back to confidential.db
    (or stays in vault.db until the next counselor sign-in, without the key)."""
    row = SCREENING_CATEGORY.fill_one(db, "screening_levels", db.one(
        "SELECT id, category, category_shared FROM screening_levels WHERE id = :id", {"id": entry_id}))
    if row is None:
        return
    category = str(row["category"] or "")
    db.execute("UPDATE screening_levels SET category_shared = :c WHERE id = :id", {"c": int(shared), "id": entry_id})
    if shared:
        if category:
            db.execute("UPDATE screening_levels SET category = :cat WHERE id = :id", {"cat": category, "id": entry_id})
    elif row["category_shared"]:
        SCREENING_CATEGORY.write(db, "screening_levels", entry_id, {"category": category})


def interviews_for_student(session: Session, student_id: int) -> list[Interview]:
    from app.archive.students import get_student

    get_student(session.db, session.account, student_id)  # raises outside a head teacher's class
    show = can_read_confidential(session.account)
    reason, join = interview_reasons(session.db)
    out = [Interview(r["id"], r["entry_id"], r["student_id"], r["held_on"], r["confirmed_level"],
                     r["reason"] if show else "", r["next_step"], r["interviewer"])
           for r in session.db.query(f"SELECT i.id, i.entry_id, i.student_id, i.held_on, i.confirmed_level,"
                                     f" {reason} AS reason, i.next_step, i.interviewer FROM screening_interviews i{join}"
                                     " WHERE i.student_id = :s ORDER BY i.held_on, i.id", {"s": student_id})]
    if show and any(i.reason for i in out):
        session.audit("view_confidential", f"student_id:{student_id}", {"screening_interviews": len(out)})
    return out


def tell_head_teacher(session: Session, entry_id: int, *, teacher_note: str | None = None,
                      share_category: bool | None = None) -> None:
    """Change what the head teacher is told about a reviewed entry: the note, and whether the category is shared.
    Sharing or withholding the category is audited as such."""
    require(session, can_counsel, "修改给班主任的提示")
    db = session.db
    entry = db.one("SELECT id, teacher_note, category_shared FROM screening_levels WHERE id = :id", {"id": entry_id})
    if entry is None:
        raise InputRejected("找不到该台账记录。")
    note = entry["teacher_note"] if teacher_note is None else teacher_note.strip()
    shared = bool(entry["category_shared"]) if share_category is None else share_category
    with db.transaction():
        db.execute("UPDATE screening_levels SET teacher_note = :n WHERE id = :id", {"n": note, "id": entry_id})
        _share(db, entry_id, shared)
        detail: dict[str, object] = {"action": "tell_head_teacher"}
        if teacher_note is not None:
            detail["teacher_note"] = bool(note)
        if share_category is not None and shared != bool(entry["category_shared"]):
            detail["category_shared"] = shared
        session.audit("edit", f"screening_levels:{entry_id}", detail)
