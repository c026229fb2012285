"""Crisis cases: open, list, read (tier-aware), change level, amend, close.

The confidential tier (every note, the closing note, level-change reasons, the amendments of confidential fields)
lives in confidential.db (``app.store.conf_text.CRISIS_TEXT``): a session holding the confidential key writes it
there and leaves vault.db's column blank, and reads fill the blank columns from there."""
from __future__ import annotations

import json
from typing import Any

from app import clock
from app.archive.students import get_student
from app.crisis.due import _recompute, follow_up_dues
from app.crisis.model import (
    CaseDetail,
    CaseRow,
    DocumentView,
    FollowUpView,
    HistoryEntry,
    LevelChange,
    MeetingView,
    StepView,
    iso,
    parse_when,
)
from app.crisis.rules import LEVEL_RANK, LEVELS, SOURCE_LABELS, SOURCES, Rules, level_label, load_rules
from app.errors import InputRejected, XinqiaoError
from app.policy import can_counsel, can_read_confidential, does_student_work, require, scope_condition
from app.session import Session
from app.store.conf_text import CRISIS_TEXT
from app.store.db import Database, Row

_CASE_SELECT = (
    "SELECT c.*, s.registry_no, s.name AS student_name, s.class_id, coalesce(k.name, '') AS class_name"
    " FROM crisis_cases c JOIN students s ON s.id = c.student_id LEFT JOIN classes k ON k.id = s.class_id")


def _now() -> str:
    return clock.now_iso()


def _add_history(db: Database, session: Session, case_id: int | None, entity: str, entity_id: int, field: str,
                old: str, new: str, reason: str, tier: str = "ordinary") -> None:
    """One amendment. Of a confidential field the values and the reason go to confidential.db (vault.db keeps
    who changed which field when); crisis_history is append-only (migrations 060, 082)."""
    text = {"old_value": old, "new_value": new, "reason": reason}
    kept = {k: CRISIS_TEXT.vault_value(db, v) for k, v in text.items()} if tier == "confidential" else text
    cur = db.execute("INSERT INTO crisis_history (case_id, entity, entity_id, field, old_value, new_value, tier,"
                     " reason, at, by) VALUES (:c, :e, :i, :f, :o, :n, :t, :r, :at, :by)",
                     {"c": case_id, "e": entity, "i": entity_id, "f": field, "o": kept["old_value"],
                      "n": kept["new_value"], "t": tier, "r": kept["reason"], "at": _now(),
                      "by": session.account.label})
    if tier == "confidential":
        CRISIS_TEXT.put(db, "crisis_history", int(cur.lastrowid or 0), text)


def history_rows(db: Database, where: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """crisis_history rows (``where`` over ``h``), oldest first, confidential text filled in when attached."""
    return CRISIS_TEXT.fill(db, "crisis_history",
                            db.query(f"SELECT h.* FROM crisis_history h WHERE {where} ORDER BY h.id", params))


def _touch(db: Database, case_id: int) -> None:
    """Rewrite the case's search document (in the caller's transaction)."""
    from app.crisis.searchable import _index_case

    _index_case(db, case_id)


def _touch_incident(db: Database, incident_id: int) -> None:
    from app.crisis.searchable import _index_incident

    _index_incident(db, incident_id)


def _sync_steps(db: Database, case_id: int, level: str, rules: Rules) -> None:
    """Create the rows the level requires and mark every row required or not for this level."""
    have = {r["step_key"] for r in db.query("SELECT step_key FROM crisis_steps WHERE case_id = :c", {"c": case_id})}
    for i, rule in enumerate(rules.steps):
        if rule.required_at(level) and rule.key not in have:
            db.execute("INSERT INTO crisis_steps (case_id, step_key, seq, required) VALUES (:c, :k, :s, 1)",
                       {"c": case_id, "k": rule.key, "s": i})
    for rule in rules.steps:
        db.execute("UPDATE crisis_steps SET required = :r, seq = :s WHERE case_id = :c AND step_key = :k",
                   {"r": int(rule.required_at(level)), "s": rules.seq(rule.key), "c": case_id, "k": rule.key})


def open_case(session: Session, student_id: int, level: str, source: str, *, summary: str, note: str = "",
              owner: str = "", discovered_at: str | None = None, reported_by: str = "",
              reported_at: str | None = None, incident_id: int | None = None, alert_id: int | None = None) -> int:
    """A new case; the 发现与报告 step is recorded at once: discovered at ``discovered_at``, reported to the
    counselor at ``reported_at`` (default: the discovery time), so a late report stays visible against its due.

    ``alert_id``: the same-day alert (``app.safety.alerts``) the case is opened from; the case keeps the link back
    to what raised it and the alert is handled by the case."""
    require(session, can_counsel, "记录危机干预个案")
    if level not in LEVELS:
        raise InputRejected("危机等级只能是 一般、严重 或 重大。")
    if source not in SOURCES:
        raise InputRejected(f"个案来源无效，可选：{'、'.join(SOURCE_LABELS.values())}。")
    if not summary.strip():
        raise InputRejected("请填写个案概况（班主任可见的普通摘要）。")
    student = get_student(session.db, session.account, student_id)
    when = parse_when(discovered_at, what="发现时间")
    reported = parse_when(reported_at, what="报告时间") if reported_at else when
    if reported < when:
        raise InputRejected("报告时间不能早于发现时间。")
    db = session.db
    rules = load_rules(db)
    with db.transaction():
        existing = db.scalar("SELECT id FROM crisis_cases WHERE student_id = :s AND status = 'open'", {"s": student.id})
        if existing:
            raise InputRejected(f"{student.name} 已有进行中的危机个案（编号 {existing}），请在该个案中调整等级。")
        if incident_id is not None and not db.scalar("SELECT 1 FROM crisis_incidents WHERE id = :i",
                                                     {"i": incident_id}):
            raise InputRejected("找不到所关联的意外事件记录。")
        cur = db.execute(
            "INSERT INTO crisis_cases (uuid, student_id, level, source, owner, opened_at, summary, note, incident_id,"
            " follow_weeks, created_at, created_by) VALUES (:u, :s, :l, :src, :o, :at, :sum, :note, :inc, :w,"
            " :now, :by)",
            {"u": clock.new_uuid(), "s": student.id, "l": level, "src": source,
             "o": owner.strip() or session.account.label, "at": iso(when), "sum": summary.strip(),
             "note": CRISIS_TEXT.vault_value(db, note.strip()), "inc": incident_id, "w": rules.follow_up_weeks,
             "now": _now(), "by": session.account.label})
        case_id = int(cur.lastrowid or 0)
        if note.strip():
            CRISIS_TEXT.put(db, "crisis_cases", case_id, {"note": note.strip()})
        if alert_id is not None:
            from app.safety.alerts import link_case

            link_case(session, alert_id, student.id, case_id)
            db.execute("UPDATE crisis_cases SET alert_id = :a WHERE id = :c", {"a": alert_id, "c": case_id})
        _sync_steps(db, case_id, level, rules)
        _recompute(db, case_id, rules)  # the discovery step's due time, before it is marked done
        db.execute("UPDATE crisis_steps SET status = 'done', done_at = :at, done_by = :by, summary = :sum,"
                   " recorded_at = :now, recorded_by = :rb WHERE case_id = :c AND step_key = 'discovery'",
                   {"at": iso(reported), "by": reported_by.strip() or session.account.label,
                    "sum": f"来源：{SOURCE_LABELS[source]}", "now": _now(), "rb": session.account.label, "c": case_id})
        _recompute(db, case_id, rules)
        _touch(session.db, case_id)
        session.audit("edit", f"crisis_case:{case_id}", {"open": level, "student": student.registry_no,
                                                         **({"alert": alert_id} if alert_id is not None else {})})
    return case_id


# -- reading ------------------------------------------------------------------------------------------------
def _step_rows(db: Database, case_ids: list[int]) -> dict[int, list[Row]]:
    out: dict[int, list[Row]] = {c: [] for c in case_ids}
    if not case_ids:
        return out
    marks = ",".join(str(int(c)) for c in case_ids)
    for r in db.query(f"SELECT * FROM crisis_steps WHERE case_id IN ({marks}) ORDER BY case_id, seq"):
        out[r["case_id"]].append(r)
    return out


def _row(r: Row, steps: list[Row], rules: Rules, now: str) -> CaseRow:
    pending = [s for s in steps if s["status"] == "open" and s["required"]]
    overdue = [s for s in pending if s["due_at"] and s["due_at"] < now] if r["status"] == "open" else []
    nxt = pending[0] if pending and r["status"] == "open" else None
    name = ""
    if nxt is not None:
        try:
            name = rules.step(nxt["step_key"]).name
        except KeyError:
            name = nxt["step_key"]
    return CaseRow(
        id=r["id"], uuid=r["uuid"], student_id=r["student_id"], registry_no=r["registry_no"],
        student_name=r["student_name"], class_name=r["class_name"], class_id=r["class_id"], level=r["level"],
        level_label=level_label(r["level"]), source=r["source"], source_label=SOURCE_LABELS[r["source"]],
        owner=r["owner"], opened_at=r["opened_at"], status=r["status"], closed_at=r["closed_at"],
        summary=r["summary"], next_step=name, next_due=nxt["due_at"] if nxt is not None else None,
        overdue_steps=len(overdue))


def list_cases(session: Session, *, open_only: bool = False, overdue_only: bool = False,
               student_id: int | None = None) -> list[CaseRow]:
    """Cases the account may see (a head teacher: their class only), newest first. Ordinary tier only."""
    require(session, does_student_work)
    db = session.db
    cond, params = scope_condition(session.account)
    where = [cond]
    if open_only or overdue_only:
        where.append("c.status = 'open'")
    if student_id is not None:
        where.append("c.student_id = :sid")
        params["sid"] = student_id
    sql = _CASE_SELECT + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY c.opened_at DESC, c.id DESC"
    rows = db.query(sql, params)
    steps = _step_rows(db, [r["id"] for r in rows])
    rules = load_rules(db)
    now = _now()
    out = [_row(r, steps[r["id"]], rules, now) for r in rows]
    if overdue_only:
        out = [c for c in out if c.overdue_steps]
    return out


def _case(session: Session, case_id: int) -> dict[str, Any]:
    """The case row (its confidential text filled in when the tier is attached)."""
    r = CRISIS_TEXT.fill_one(session.db, "crisis_cases", session.db.one(_CASE_SELECT + " WHERE c.id = :id",
                                                                         {"id": case_id}))
    if r is None:
        raise XinqiaoError(f"找不到编号为 {case_id} 的危机个案。")
    get_student(session.db, session.account, r["student_id"])  # raises outside a head teacher's class
    return r


def get_case(session: Session, case_id: int, *, audit: bool = True) -> CaseDetail:
    """The whole case. Confidential text only for counselors, and reading it is written to the audit log."""
    require(session, does_student_work)
    db = session.db
    r = _case(session, case_id)
    rules = load_rules(db)
    conf = can_read_confidential(session.account)
    now = _now()
    step_rows = _step_rows(db, [case_id])[case_id]
    if conf:
        step_rows = CRISIS_TEXT.fill(db, "crisis_steps", step_rows)
    row = _row(r, step_rows, rules, now)
    steps = []
    for s in step_rows:
        try:
            rule = rules.step(s["step_key"])
            name, hint = rule.name, rule.hint
        except KeyError:
            name, hint = s["step_key"], ""
        steps.append(StepView(
            id=s["id"], key=s["step_key"], name=name, hint=hint, seq=s["seq"], required=bool(s["required"]),
            status=s["status"], due_at=s["due_at"], done_at=s["done_at"], done_by=s["done_by"], summary=s["summary"],
            note=s["note"] if conf else "", data=json.loads(s["data"] or "{}"), skip_reason=s["skip_reason"],
            recorded_at=s["recorded_at"], recorded_by=s["recorded_by"],
            overdue=r["status"] == "open" and s["status"] == "open" and bool(s["required"]) and bool(s["due_at"])
            and s["due_at"] < now))
    try:
        doc_rule = rules.step("return_assessment").documents
    except KeyError:
        doc_rule = ()
    got = {d["doc_key"]: d for d in CRISIS_TEXT.fill(db, "crisis_documents", db.query(
        "SELECT * FROM crisis_documents WHERE case_id = :c", {"c": case_id}))}
    documents = [DocumentView(k, n, got[k]["received_on"] if k in got else None,
                              got[k]["note"] if k in got and conf else "") for k, n in doc_rule]
    meetings = [MeetingView(m["id"], m["held_at"], m["participants"], m["note"] if conf else "")
                for m in CRISIS_TEXT.fill(db, "crisis_meetings", db.query(
                    "SELECT * FROM crisis_meetings WHERE case_id = :c ORDER BY held_at", {"c": case_id}))]
    fu_step = next((s for s in steps if s.key == "follow_up"), None)
    entries = {f["week"]: f for f in CRISIS_TEXT.fill(db, "crisis_follow_ups", db.query(
        "SELECT * FROM crisis_follow_ups WHERE case_id = :c", {"c": case_id}))}
    follow_ups: list[FollowUpView] = []
    if fu_step is not None:
        for week, due in enumerate(follow_up_dues(fu_step.due_at, r["follow_weeks"]), 1):
            e = entries.get(week)
            follow_ups.append(FollowUpView(week, due, e["done_on"] if e else None, e["done_by"] if e else "",
                                           e["summary"] if e else "", e["note"] if e and conf else ""))
    changes = [LevelChange(c["at"], c["by"], c["from_level"], c["to_level"], c["reason"] if conf else "")
               for c in CRISIS_TEXT.fill(db, "crisis_level_changes", db.query(
                   "SELECT * FROM crisis_level_changes WHERE case_id = :c ORDER BY id", {"c": case_id}))]
    history = [HistoryEntry(h["at"], h["by"], h["entity"], h["entity_id"], h["field"], h["old_value"],
                            h["new_value"], h["reason"], h["tier"])
               for h in history_rows(db, "h.case_id = :c" + ("" if conf else " AND h.tier = 'ordinary'"),
                                     {"c": case_id})]
    detail = CaseDetail(row=row, note=r["note"] if conf else "", closing_note=r["closing_note"] if conf else "",
                        follow_weeks=r["follow_weeks"], incident_id=r["incident_id"], steps=steps,
                        documents=documents, meetings=meetings, follow_ups=follow_ups, level_changes=changes,
                        history=history, confidential=conf)
    if conf and r["alert_id"] is not None:
        from app.safety.alerts import case_alert

        alert = case_alert(session, case_id)
        if alert is not None:
            detail.raised_by = (f"由当天复核事项开立：{alert.source_label}，{alert.reason}"
                                f"（{alert.raised_at[:16].replace('T', ' ')}）")
            detail.raised_by_source = alert.source
    if conf and audit:
        session.audit("view_confidential", f"crisis_case:{case_id}", {"student": r["registry_no"]})
    return detail


# -- changes --------------------------------------------------------------------------------------------------
def _open_case_row(session: Session, case_id: int) -> dict[str, Any]:
    require(session, can_counsel, "记录危机干预个案")
    r = _case(session, case_id)
    if r["status"] != "open":
        raise InputRejected("该个案已结案，不能再修改。")
    return r


def change_level(session: Session, case_id: int, level: str, reason: str) -> None:
    """Raise or lower the level (reason required, kept in history); open steps' due times are recomputed and the
    steps the new level requires are added. Steps the new level does not require stay, marked 不再必需."""
    r = _open_case_row(session, case_id)
    if level not in LEVELS:
        raise InputRejected("危机等级只能是 一般、严重 或 重大。")
    if level == r["level"]:
        raise InputRejected(f"个案已经是{level_label(level)}等级。")
    if not reason.strip():
        raise InputRejected("调整危机等级必须填写理由。")
    db = session.db
    rules = load_rules(db)
    with db.transaction():
        cur = db.execute("INSERT INTO crisis_level_changes (case_id, from_level, to_level, reason, at, by) VALUES"
                         " (:c, :f, :t, :r, :at, :by)",
                         {"c": case_id, "f": r["level"], "t": level, "r": CRISIS_TEXT.vault_value(db, reason.strip()),
                          "at": _now(), "by": session.account.label})
        CRISIS_TEXT.put(db, "crisis_level_changes", int(cur.lastrowid or 0), {"reason": reason.strip()})
        db.execute("UPDATE crisis_cases SET level = :l WHERE id = :c", {"l": level, "c": case_id})
        _sync_steps(db, case_id, level, rules)
        _recompute(db, case_id, rules)
        word = "升级" if LEVEL_RANK[level] > LEVEL_RANK[r["level"]] else "降级"
        _touch(session.db, case_id)
        session.audit("edit", f"crisis_case:{case_id}", {"level": f"{r['level']}->{level}", "change": word})


_CASE_FIELDS = {"summary": "ordinary", "note": "confidential", "owner": "ordinary"}


def amend_case(session: Session, case_id: int, reason: str, **changes: str) -> None:
    """Change the summary, confidential note or owner; the earlier value is kept with who, when and why."""
    r = _open_case_row(session, case_id)
    unknown = set(changes) - set(_CASE_FIELDS)
    if unknown:
        raise ValueError(unknown)
    if not reason.strip():
        raise InputRejected("修改个案记录必须填写修改原因。")
    if "summary" in changes and not changes["summary"].strip():
        raise InputRejected("个案概况不能为空。")
    db = session.db
    with db.transaction():
        changed = []
        for f, value in changes.items():
            value = value.strip()
            if value == r[f]:
                continue
            _add_history(db, session, case_id, "case", case_id, f, r[f], value, reason.strip(), _CASE_FIELDS[f])
            if _CASE_FIELDS[f] == "confidential":
                CRISIS_TEXT.write(db, "crisis_cases", case_id, {f: value})
            else:
                db.execute(f"UPDATE crisis_cases SET {f} = :v WHERE id = :c", {"v": value, "c": case_id})
            changed.append(f)
        if changed:
            _touch(session.db, case_id)
            session.audit("edit", f"crisis_case:{case_id}", {"amend": changed})


def set_case_follow_weeks(session: Session, case_id: int, weeks: int, reason: str) -> None:
    r = _open_case_row(session, case_id)
    if not 1 <= weeks <= 52:
        raise InputRejected("跟踪周数应在 1 到 52 之间。")
    recorded = session.db.scalar("SELECT coalesce(max(week), 0) FROM crisis_follow_ups WHERE case_id = :c",
                                 {"c": case_id})
    if weeks < recorded:
        raise InputRejected(f"已经记录了第 {recorded} 周的跟踪，周数不能少于 {recorded}。")
    if not reason.strip():
        raise InputRejected("修改跟踪周数必须填写理由。")
    db = session.db
    with db.transaction():
        _add_history(db, session, case_id, "case", case_id, "follow_weeks", str(r["follow_weeks"]), str(weeks),
                    reason.strip())
        db.execute("UPDATE crisis_cases SET follow_weeks = :w WHERE id = :c", {"w": weeks, "c": case_id})
        _recompute(db, case_id, load_rules(db))
        _touch(session.db, case_id)
        session.audit("edit", f"crisis_case:{case_id}", {"follow_weeks": weeks})


def apply_rules_to_open_cases(session: Session, rules: Rules) -> int:
    """After the manual changed: open cases get the steps their level now requires, and open steps new due
    times. Finished steps keep what they had. Returns the number of cases touched."""
    db = session.db
    with db.transaction():
        ids = [(r[0], r[1]) for r in db.query("SELECT id, level FROM crisis_cases WHERE status = 'open'")]
        for case_id, level in ids:
            _sync_steps(db, case_id, level, rules)
            _recompute(db, case_id, rules)
    return len(ids)


def missing_for_closing(session: Session, case_id: int) -> list[str]:
    rules = load_rules(session.db)
    missing = []
    for s in session.db.query("SELECT step_key FROM crisis_steps WHERE case_id = :c AND required = 1 AND"
                              " status = 'open' AND step_key != 'closing' ORDER BY seq", {"c": case_id}):
        try:
            missing.append(rules.step(s["step_key"]).name)
        except KeyError:
            missing.append(s["step_key"])
    return missing


def close_case(session: Session, case_id: int, closing_note: str, *, closed_at: str | None = None,
               done_by: str = "") -> None:
    """结案: only with a closing note and every required step done or skipped with a reason."""
    _open_case_row(session, case_id)
    if not closing_note.strip():
        raise InputRejected("结案必须填写结案说明。")
    missing = missing_for_closing(session, case_id)
    if missing:
        raise InputRejected(f"还有必需步骤未完成：{'、'.join(missing)}。请完成，或注明理由后跳过。")
    when = iso(parse_when(closed_at, what="结案时间"))
    db = session.db
    with db.transaction():
        db.execute("UPDATE crisis_cases SET status = 'closed', closed_at = :at, closed_by = :by WHERE id = :c",
                   {"at": when, "by": session.account.label, "c": case_id})
        CRISIS_TEXT.write(db, "crisis_cases", case_id, {"closing_note": closing_note.strip()})
        db.execute("UPDATE crisis_steps SET status = 'done', done_at = :at, done_by = :by, summary = '已结案',"
                   " recorded_at = :now, recorded_by = :rb WHERE case_id = :c AND step_key = 'closing'",
                   {"at": when, "by": done_by.strip() or session.account.label, "now": _now(),
                    "rb": session.account.label, "c": case_id})
        _touch(session.db, case_id)
        session.audit("edit", f"crisis_case:{case_id}", {"close": when})


def open_case_students(db: Database) -> set[int]:
    """The focus provider: students with an open crisis case count as 重点学生."""
    return {int(r[0]) for r in db.query("SELECT DISTINCT student_id FROM crisis_cases WHERE status = 'open'")}
