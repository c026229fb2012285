"""Crisis events on the student's timeline, the case's own timeline, and the banner of an open case.

Every record gives an ordinary event (what happened, who, when: fit for the head teacher); a counselor also gets a
confidential event for each note, and reading those is written to the audit log."""
from __future__ import annotations

import json
from typing import Any

from app.archive.chronology import CONFIDENTIAL, ORDINARY, TimelineEvent
from app.crisis.cases import list_cases
from app.crisis.model import PARTY_LABELS, short
from app.crisis.rules import SOURCE_LABELS, level_label, load_rules
from app.policy import can_read_confidential, does_student_work
from app.session import Session
from app.store.conf_text import CRISIS_TEXT
from app.store.db import Database

KIND = "crisis"
LABEL = "危机干预"


def step_facts(key: str, data: dict) -> str:
    parts = []
    if key == "notify_parents":
        parts.append(f"方式：{data.get('method', '')}")
        if data.get("parent"):
            parts.append(f"家长：{data['parent']}")
        parts.append("已交书面告知书" if data.get("letter_given") else "未交书面告知书")
    elif key == "safety":
        parts.append(str(data.get("measures", "")))
        if data.get("watch_24h"):
            parts.append("24 小时监护")
    elif key == "referral":
        parts.append(f"转介至 {data.get('institution', '')}" + ("（绿色通道）" if data.get("green_channel") else ""))
        if data.get("outcome"):
            parts.append(f"结果：{data['outcome']}")
    elif key == "treatment":
        parts.append(str(data.get("kind", "")))
    elif key == "parent_consent":
        if data.get("signer"):
            parts.append(f"签署人：{data['signer']}")
    return "；".join(p for p in parts if p)


def _rows(db: Database, table: str, sql: str, case_id: int, conf: bool) -> list[Any]:
    """A case's rows of ``table``; for a counselor with their confidential text (from confidential.db)."""
    rows = db.query(sql, {"c": case_id})
    return CRISIS_TEXT.fill(db, table, rows) if conf else list(rows)


def case_events(session: Session, case_id: int) -> list[TimelineEvent]:
    """One case's events, newest first, tier rules applied (no audit: callers audit)."""
    db = session.db
    conf = can_read_confidential(session.account)
    c = CRISIS_TEXT.fill_one(db, "crisis_cases", db.one("SELECT * FROM crisis_cases WHERE id = :c", {"c": case_id}))
    if c is None:
        return []
    rules = load_rules(db)
    src = f"crisis_cases:{case_id}"
    opened = f"发现心理危机，建立个案（{level_label(c['level'])}，{SOURCE_LABELS[c['source']]}）"
    ev: list[TimelineEvent] = [TimelineEvent(
        c["opened_at"], KIND, LABEL, opened,
        f"{c['summary']}（负责人 {c['owner']}）", ORDINARY, src)]
    if conf and c["note"]:
        ev.append(TimelineEvent(c["opened_at"], KIND, LABEL, "危机个案保密记录", c["note"], CONFIDENTIAL, src))
    for s in _rows(db, "crisis_steps", "SELECT * FROM crisis_steps WHERE case_id = :c AND status != 'open' AND"
                   " step_key NOT IN ('discovery', 'closing') ORDER BY seq", case_id, conf):
        try:
            name = rules.step(s["step_key"]).name
        except KeyError:
            name = s["step_key"]
        if s["status"] == "skipped":
            ev.append(TimelineEvent(s["done_at"], KIND, LABEL, f"跳过：{name}", s["skip_reason"], ORDINARY, src))
            continue
        detail = "；".join(p for p in (step_facts(s["step_key"], json.loads(s["data"] or "{}")), s["summary"],
                                      f"经办：{s['done_by']}") if p)
        ev.append(TimelineEvent(s["done_at"], KIND, LABEL, name, detail, ORDINARY, src))
        if conf and s["note"]:
            ev.append(TimelineEvent(s["done_at"], KIND, LABEL, f"{name}（保密记录）", s["note"], CONFIDENTIAL, src))
    for lc in _rows(db, "crisis_level_changes", "SELECT * FROM crisis_level_changes WHERE case_id = :c", case_id,
                    conf):
        title = f"危机等级调整：{level_label(lc['from_level'])} → {level_label(lc['to_level'])}"
        ev.append(TimelineEvent(lc["at"], KIND, LABEL, title, f"（{lc['by']}）", ORDINARY, src))
        if conf:
            ev.append(TimelineEvent(lc["at"], KIND, LABEL, "等级调整理由", lc["reason"], CONFIDENTIAL, src))
    names = dict(rules.step("return_assessment").documents) if "return_assessment" in [
        s.key for s in rules.steps] else {}
    for d in db.query("SELECT * FROM crisis_documents WHERE case_id = :c", {"c": case_id}):
        ev.append(TimelineEvent(d["received_on"], KIND, LABEL, f"收到复学材料：{names.get(d['doc_key'], d['doc_key'])}",
                                "", ORDINARY, src))
    for m in _rows(db, "crisis_meetings", "SELECT * FROM crisis_meetings WHERE case_id = :c", case_id, conf):
        ev.append(TimelineEvent(m["held_at"], KIND, LABEL, "复学评估会议", f"参加：{m['participants']}", ORDINARY, src))
        if conf and m["note"]:
            ev.append(TimelineEvent(m["held_at"], KIND, LABEL, "复学评估会议（保密记录）", m["note"], CONFIDENTIAL,
                                    src))
    for f in _rows(db, "crisis_follow_ups", "SELECT * FROM crisis_follow_ups WHERE case_id = :c", case_id, conf):
        ev.append(TimelineEvent(f["done_on"], KIND, LABEL, f"复学后跟踪第 {f['week']} 周",
                                f"{f['summary']}（{f['done_by']}）", ORDINARY, src))
        if conf and f["note"]:
            ev.append(TimelineEvent(f["done_on"], KIND, LABEL, f"复学后跟踪第 {f['week']} 周（保密记录）", f["note"],
                                    CONFIDENTIAL, src))
    if c["status"] == "closed":
        ev.append(TimelineEvent(c["closed_at"], KIND, LABEL, "危机个案结案", f"（{c['closed_by']}）", ORDINARY, src))
        if conf and c["closing_note"]:
            ev.append(TimelineEvent(c["closed_at"], KIND, LABEL, "结案说明", c["closing_note"], CONFIDENTIAL, src))
    ev.sort(key=lambda e: e.at, reverse=True)
    return ev


def case_timeline(session: Session, case_id: int, *, audit: bool = True) -> list[TimelineEvent]:
    """The case's own timeline for the case view (visibility checked, confidential reading audited)."""
    from app.crisis.cases import get_case

    get_case(session, case_id, audit=False)  # raises for a head teacher outside their class
    events = case_events(session, case_id)
    if audit and any(e.tier == CONFIDENTIAL for e in events):
        session.audit("view_confidential", f"crisis_case:{case_id}", "个案时间线")
    return events


def student_events(session: Session, student_id: int) -> list[TimelineEvent]:
    events: list[TimelineEvent] = []
    for row in list_cases(session, student_id=student_id):
        events.extend(case_events(session, row.id))
    db = session.db
    conf = can_read_confidential(session.account)
    incidents = db.query("SELECT * FROM crisis_incidents WHERE student_id = :s", {"s": student_id})
    for i in CRISIS_TEXT.fill(db, "crisis_incidents", incidents) if conf else incidents:
        told = [PARTY_LABELS[n["party"]] for n in db.query(
            "SELECT party FROM crisis_incident_notices WHERE incident_id = :i ORDER BY told_at", {"i": i["id"]})]
        src = f"crisis_incidents:{i['id']}"
        events.append(TimelineEvent(i["occurred_at"], KIND, LABEL, "意外事件记录",
                                    f"已通知：{'、'.join(told)}" if told else "", ORDINARY, src))
        if conf:
            events.append(TimelineEvent(i["occurred_at"], KIND, LABEL, "意外事件经过",
                                        "；".join(p for p in (i["what"], i["follow_up"], i["note"]) if p),
                                        CONFIDENTIAL, src))
    if conf and any(e.tier == CONFIDENTIAL for e in events):
        reg = db.scalar("SELECT registry_no FROM students WHERE id = :s", {"s": student_id})
        session.audit("view_confidential", f"student:{reg}", "危机干预时间线")
    return events


def banner(session: Session, student_id: int) -> list[str]:
    if not does_student_work(session.account):
        return []
    lines = []
    for row in list_cases(session, open_only=True, student_id=student_id):
        text = f"危机个案进行中：{row.level_label}心理危机（编号 {row.id}，{row.source_label}），负责人 {row.owner}"
        if row.next_step:
            text += f"；下一步：{row.next_step}" + (f"，截止 {short(row.next_due)}" if row.next_due else "")
        if row.overdue_steps:
            text += f"；{row.overdue_steps} 个步骤已逾期"
        lines.append(text)
    return lines

