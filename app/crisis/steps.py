"""Recording the steps of a case: complete (with the step's own facts), skip with a reason, amend, the
documents and meeting of 复学评估, and the weekly 复学后跟踪 entries."""
from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from app import clock
from app.archive.profile import update_profile
from app.crisis.cases import _add_history, _open_case_row, _touch
from app.crisis.due import _recompute
from app.crisis.model import LEAVE, NOTIFY_METHODS, iso, parse_when
from app.crisis.rules import Rules, level_label, load_rules
from app.errors import InputRejected, XinqiaoError
from app.policy import can_counsel, require
from app.session import Session
from app.store.conf_text import CRISIS_TEXT


def _step(session: Session, step_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    require(session, can_counsel, "记录危机干预个案")
    s = CRISIS_TEXT.fill_one(session.db, "crisis_steps",
                             session.db.one("SELECT * FROM crisis_steps WHERE id = :id", {"id": step_id}))
    if s is None:
        raise XinqiaoError("找不到该步骤。")
    return s, _open_case_row(session, s["case_id"])


def step_id(session: Session, case_id: int, key: str) -> int:
    sid = session.db.scalar("SELECT id FROM crisis_steps WHERE case_id = :c AND step_key = :k",
                            {"c": case_id, "k": key})
    if sid is None:
        raise InputRejected(f"该个案没有步骤 {key}（当前等级不要求）。")
    return int(sid)


def missing_for_return(session: Session, case_id: int, rules: Rules | None = None) -> list[str]:
    """What 复学评估 still lacks: required documents not received and the meeting."""
    rules = rules or load_rules(session.db)
    rule = rules.step("return_assessment")
    got = {r[0] for r in session.db.query("SELECT doc_key FROM crisis_documents WHERE case_id = :c", {"c": case_id})}
    missing = [name for key, name in rule.documents if key not in got]
    if rule.meeting and not session.db.scalar("SELECT 1 FROM crisis_meetings WHERE case_id = :c", {"c": case_id}):
        missing.append("复学评估会议")
    return missing


def _check(session: Session, key: str, case: dict[str, Any], data: dict[str, Any], done_by: str,
           rules: Rules) -> dict[str, Any]:
    """Each step's own rule; returns the data to store."""
    data = {k: v for k, v in data.items() if v not in (None, "")}
    if key == "safety":
        if not str(data.get("measures", "")).strip():
            raise InputRejected("请填写安全措施（如陪护人、移除危险物品）。")
        if case["level"] in rules.watch_24h_levels and not data.get("watch_24h"):
            raise InputRejected(f"{level_label(case['level'])}心理危机须安排 24 小时监护，请勾选并写明监护安排。")
    elif key == "notify_parents":
        if data.get("method") not in NOTIFY_METHODS:
            raise InputRejected(f"请选择通知方式：{'、'.join(NOTIFY_METHODS)}。")
        if not done_by.strip():
            raise InputRejected("请填写由谁通知的家长。")
        data["letter_given"] = bool(data.get("letter_given"))
    elif key == "parent_consent":
        if not data.get("signed"):
            raise InputRejected("请确认家长已签署告知书；家长拒签时请用“跳过”并写明理由。")
    elif key == "referral":
        inst = data.get("institution_id")
        row = session.db.one("SELECT name, department, green_channel FROM crisis_institutions WHERE id = :i",
                             {"i": inst}) if inst is not None else None
        if row is None:
            raise InputRejected("请从转介机构名录中选择转介机构（名录可在“转介机构”中添加）。")
        data["institution"] = row["name"] + (f"（{row['department']}）" if row["department"] else "")
        data["green_channel"] = bool(row["green_channel"])
    elif key == "treatment":
        if not str(data.get("kind", "")).strip():
            raise InputRejected("请选择治疗或休学的安排。")
    elif key == "return_assessment":
        missing = missing_for_return(session, case["id"], rules)
        if missing:
            raise InputRejected(f"复学评估还不能完成，尚缺：{'、'.join(missing)}。")
    elif key == "follow_up":
        done = session.db.scalar("SELECT count(*) FROM crisis_follow_ups WHERE case_id = :c", {"c": case["id"]})
        if done < case["follow_weeks"]:
            raise InputRejected(f"复学后跟踪需要 {case['follow_weeks']} 次每周记录，目前只有 {done} 次。")
    return data


def _school_status(session: Session, case: dict[str, Any], key: str, stored: dict[str, Any]) -> str | None:
    """The 学籍状态 a completed step sets, through the archive (history on the timeline, audit), in the caller's
    transaction: 治疗或休学 recorded as 休学 takes an enrolled (在读) student to 休学; a completed 复学评估
    brings a student on leave (休学) back to 在读. Other statuses (转出, 毕业) are never touched. Returns the new
    status, or None when nothing changed."""
    current = session.db.scalar("SELECT status FROM students WHERE id = :s", {"s": case["student_id"]})
    if key == "treatment" and stored.get("kind") == LEAVE and current == "在读":
        new, why = LEAVE, f"危机个案（编号 {case['id']}）“治疗或休学”记录为休学"
    elif key == "return_assessment" and current == LEAVE:
        new, why = "在读", f"危机个案（编号 {case['id']}）复学评估完成，准予复学"
    else:
        return None
    return new if update_profile(session, case["student_id"], {"status": new}, why) else None


def complete_step(session: Session, step_id: int, *, done_at: str | None = None, done_by: str = "",
                  summary: str = "", note: str = "", data: dict[str, Any] | None = None) -> str | None:
    """Record that a step was done: when, by whom, an ordinary summary, a confidential note and its own facts.
    Returns the student's new 学籍状态 when the step changed it (休学 / 复学: see ``_school_status``)."""
    s, case = _step(session, step_id)
    if s["status"] != "open":
        raise InputRejected("该步骤已经完成或跳过；如需更正请使用“修改”。")
    if s["step_key"] == "closing":
        raise InputRejected("结案请使用“结案”，并填写结案说明。")
    db = session.db
    rules = load_rules(db)
    when = parse_when(done_at, what="完成时间")
    if when.isoformat() < case["opened_at"]:
        raise InputRejected("完成时间不能早于发现时间。")
    stored = _check(session, s["step_key"], case, dict(data or {}), done_by or session.account.label, rules)
    with db.transaction():
        db.execute("UPDATE crisis_steps SET status = 'done', done_at = :at, done_by = :by, summary = :sum,"
                   " data = :data, recorded_at = :now, recorded_by = :rb WHERE id = :id",
                   {"at": iso(when), "by": done_by.strip() or session.account.label, "sum": summary.strip(),
                    "data": json.dumps(stored, ensure_ascii=False), "now": clock.now_iso(),
                    "rb": session.account.label, "id": step_id})
        CRISIS_TEXT.write(db, "crisis_steps", step_id, {"note": note.strip()})
        _recompute(db, case["id"], rules)
        _touch(session.db, case['id'])
        session.audit("edit", f"crisis_case:{case['id']}", {"step": s["step_key"], "done": iso(when)})
        return _school_status(session, case, s["step_key"], stored)


def skip_step(session: Session, step_id: int, reason: str) -> None:
    """Skip a step explicitly; the reason is kept and shown (ordinary tier)."""
    s, case = _step(session, step_id)
    if s["step_key"] in ("discovery", "closing"):
        raise InputRejected("“发现与报告”和“结案”不能跳过。")
    if s["status"] != "open":
        raise InputRejected("该步骤已经完成或跳过。")
    if not reason.strip():
        raise InputRejected("跳过步骤必须写明理由。")
    db = session.db
    with db.transaction():
        db.execute("UPDATE crisis_steps SET status = 'skipped', done_at = :at, skip_reason = :r, recorded_at = :at,"
                   " recorded_by = :rb WHERE id = :id", {"at": clock.now_iso(), "r": reason.strip(),
                                                         "rb": session.account.label, "id": step_id})
        _recompute(db, case["id"], load_rules(db))
        _touch(session.db, case['id'])
        session.audit("edit", f"crisis_case:{case['id']}", {"step": s["step_key"], "skipped": reason.strip()})


_STEP_FIELDS = {"summary": "ordinary", "note": "confidential", "done_by": "ordinary", "done_at": "ordinary"}


def amend_step(session: Session, step_id: int, reason: str, **changes: str) -> None:
    """Correct a finished step's record; the earlier value is kept with who, when and why."""
    s, case = _step(session, step_id)
    unknown = set(changes) - set(_STEP_FIELDS)
    if unknown:
        raise ValueError(unknown)
    if s["status"] != "done":
        raise InputRejected("只能修改已完成步骤的记录。")
    if not reason.strip():
        raise InputRejected("修改记录必须填写修改原因。")
    if "done_at" in changes:
        changes["done_at"] = iso(parse_when(changes["done_at"], what="完成时间"))
    db = session.db
    with db.transaction():
        changed = []
        for f, value in changes.items():
            value = value.strip()
            if value == (s[f] or ""):
                continue
            _add_history(db, session, case["id"], "step", step_id, f, s[f] or "", value, reason.strip(),
                        _STEP_FIELDS[f])
            if _STEP_FIELDS[f] == "confidential":
                CRISIS_TEXT.write(db, "crisis_steps", step_id, {f: value})
            else:
                db.execute(f"UPDATE crisis_steps SET {f} = :v WHERE id = :id", {"v": value, "id": step_id})
            changed.append(f)
        if changed:
            _recompute(db, case["id"], load_rules(db))
            _touch(session.db, case['id'])
            session.audit("edit", f"crisis_case:{case['id']}", {"step": s["step_key"], "amend": changed})


# -- 复学评估: documents and the meeting ------------------------------------------------------------------------
def record_document(session: Session, case_id: int, doc_key: str, received_on: str | None = None,
                    note: str = "") -> None:
    case = _open_case_row(session, case_id)
    rule = load_rules(session.db).step("return_assessment")
    names = dict(rule.documents)
    if doc_key not in names:
        raise InputRejected(f"复学材料只能是：{'、'.join(names.values())}。")
    db = session.db
    if db.scalar("SELECT 1 FROM crisis_documents WHERE case_id = :c AND doc_key = :k", {"c": case_id, "k": doc_key}):
        raise InputRejected(f"{names[doc_key]}已经登记为收到。")
    day = parse_when(received_on, what="收到日期").date().isoformat()
    with db.transaction():
        cur = db.execute("INSERT INTO crisis_documents (case_id, doc_key, received_on, note, recorded_at,"
                         " recorded_by) VALUES (:c, :k, :d, :n, :now, :by)",
                         {"c": case["id"], "k": doc_key, "d": day, "n": CRISIS_TEXT.vault_value(db, note.strip()),
                          "now": clock.now_iso(), "by": session.account.label})
        if note.strip():
            CRISIS_TEXT.put(db, "crisis_documents", int(cur.lastrowid or 0), {"note": note.strip()})
        _touch(session.db, case_id)
        session.audit("edit", f"crisis_case:{case_id}", {"document": doc_key})


def record_meeting(session: Session, case_id: int, *, held_at: str | None = None, participants: str,
                   note: str = "") -> None:
    _open_case_row(session, case_id)
    if not participants.strip():
        raise InputRejected("请填写复学评估会议的参加人员。")
    when = iso(parse_when(held_at, what="会议时间"))
    db = session.db
    with db.transaction():
        cur = db.execute("INSERT INTO crisis_meetings (case_id, held_at, participants, note, recorded_at,"
                         " recorded_by) VALUES (:c, :at, :p, :n, :now, :by)",
                         {"c": case_id, "at": when, "p": participants.strip(),
                          "n": CRISIS_TEXT.vault_value(db, note.strip()), "now": clock.now_iso(),
                          "by": session.account.label})
        if note.strip():
            CRISIS_TEXT.put(db, "crisis_meetings", int(cur.lastrowid or 0), {"note": note.strip()})
        _touch(session.db, case_id)
        session.audit("edit", f"crisis_case:{case_id}", {"meeting": when})


def record_return_materials(session: Session, case_id: int, documents: Mapping[str, str | None],
                            meeting: Mapping[str, str] | None = None) -> None:
    """One user action of the 复学 checklist: documents received (key -> date) and, optionally, the meeting
    (held_at, participants, note); all or nothing."""
    if not documents and not meeting:
        raise InputRejected("请勾选收到的材料，或填写会议参加人员。")
    with session.db.transaction():
        for key, day in documents.items():
            record_document(session, case_id, key, day)
        if meeting:
            record_meeting(session, case_id, held_at=meeting.get("held_at"), participants=meeting["participants"],
                           note=meeting.get("note", ""))


# -- 复学后跟踪: weekly entries -----------------------------------------------------------------------------------
def record_follow_up(session: Session, case_id: int, *, done_on: str | None = None, done_by: str = "",
                     summary: str, note: str = "", week: int | None = None) -> int:
    """One weekly follow-up; the step completes itself with the last week's entry. Returns the week number."""
    case = _open_case_row(session, case_id)
    db = session.db
    step = db.one("SELECT * FROM crisis_steps WHERE case_id = :c AND step_key = 'follow_up'", {"c": case_id})
    if step is None:
        raise InputRejected("当前等级不要求复学后跟踪。")
    if step["status"] != "open":
        raise InputRejected("复学后跟踪已经完成。")
    if step["due_at"] is None:
        raise InputRejected("前一步骤完成后才能开始复学后跟踪。")
    if not summary.strip():
        raise InputRejected("请填写本周跟踪情况。")
    weeks = case["follow_weeks"]
    done = {r[0] for r in db.query("SELECT week FROM crisis_follow_ups WHERE case_id = :c", {"c": case_id})}
    if week is None:
        week = next((w for w in range(1, weeks + 1) if w not in done), weeks + 1)
    if not 1 <= week <= weeks:
        raise InputRejected(f"跟踪周次应在 1 到 {weeks} 之间。")
    if week in done:
        raise InputRejected(f"第 {week} 周的跟踪已经记录。")
    when = parse_when(done_on, what="跟踪日期")
    day = when.date().isoformat()
    with db.transaction():
        cur = db.execute("INSERT INTO crisis_follow_ups (case_id, week, done_on, done_by, summary, note,"
                         " recorded_at, recorded_by) VALUES (:c, :w, :d, :by, :s, :n, :now, :rb)",
                         {"c": case_id, "w": week, "d": day, "by": done_by.strip() or session.account.label,
                          "s": summary.strip(), "n": CRISIS_TEXT.vault_value(db, note.strip()),
                          "now": clock.now_iso(), "rb": session.account.label})
        if note.strip():
            CRISIS_TEXT.put(db, "crisis_follow_ups", int(cur.lastrowid or 0), {"note": note.strip()})
        if len(done) + 1 >= weeks:
            db.execute("UPDATE crisis_steps SET status = 'done', done_at = :at, done_by = :by, summary = :s,"
                       " recorded_at = :now, recorded_by = :rb WHERE id = :id",
                       {"at": iso(when), "by": done_by.strip() or session.account.label,
                        "s": f"完成 {weeks} 周跟踪", "now": clock.now_iso(), "rb": session.account.label,
                        "id": step["id"]})
            _recompute(db, case_id, load_rules(db))
        _touch(session.db, case_id)
        session.audit("edit", f"crisis_case:{case_id}", {"follow_up_week": week})
    return week
