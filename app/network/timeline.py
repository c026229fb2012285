"""The network on a student's timeline: being named in a report (signs: ordinary; what was seen: confidential),
the triage decision, year-group review decisions, committee appointments and peer pairs."""
from __future__ import annotations

import json

from app.archive.chronology import CONFIDENTIAL, ORDINARY, TimelineEvent
from app.network.model import DECISIONS, REPORTER_KINDS, room_label
from app.policy import can_read_confidential
from app.school.classnames import grade_name
from app.session import Session
from app.store.conf_text import NETWORK_TEXT

KIND = "network"
LABEL = "预警网络"


def student_events(session: Session, student_id: int) -> list[TimelineEvent]:
    db = session.db
    conf = can_read_confidential(session.account)
    ev: list[TimelineEvent] = []
    named = db.query(
        "SELECT n.*, r.reported_on, r.reporter_kind, r.reporter, r.immediate, r.period, r.class_id,"
        " coalesce(c.name, '') AS class_name, r.building, r.room FROM network_concerns n JOIN network_reports r"
        " ON r.id = n.report_id LEFT JOIN classes c ON c.id = r.class_id WHERE n.student_id = :s", {"s": student_id})
    for n in NETWORK_TEXT.fill(db, "network_concerns", named) if conf else named:   # the text is confidential.db's
        src = f"network_reports:{n['report_id']}"
        place = n["class_name"] if n["class_id"] is not None else room_label(n["building"], n["room"])
        kind = "即时报告" if n["immediate"] else f"{n['period']} 例行报告"
        who = f"{REPORTER_KINDS[n['reporter_kind']]}{n['reporter']}"
        ev.append(TimelineEvent(n["reported_on"], KIND, LABEL, f"被{who}报告：{'、'.join(json.loads(n['signs']))}",
                                f"{place} {kind}", ORDINARY, src))
        if conf and n["seen"]:
            ev.append(TimelineEvent(n["reported_on"], KIND, LABEL, "报告所述情况", n["seen"], CONFIDENTIAL, src))
        if n["decision"]:
            detail = f"（{n['decided_by']}）"
            if n["crisis_case_id"]:
                detail = f"危机个案编号 {n['crisis_case_id']}" + detail
            ev.append(TimelineEvent(n["decided_at"], KIND, LABEL, f"预警分诊：{DECISIONS[n['decision']]}", detail,
                                    ORDINARY, src))
            if conf and n["decision_note"]:
                ev.append(TimelineEvent(n["decided_at"], KIND, LABEL, "分诊说明", n["decision_note"], CONFIDENTIAL,
                                        src))
    for r in db.query("SELECT v.id, v.grade, v.quarter, v.held_on, x.decision FROM network_review_students x"
                      " JOIN network_reviews v ON v.id = x.review_id WHERE x.student_id = :s", {"s": student_id}):
        ev.append(TimelineEvent(r[3], KIND, LABEL, f"年级组研判（{grade_name(r[1])} {r[2]}）", r[4], ORDINARY,
                                f"network_reviews:{r[0]}"))
    for r in db.query("SELECT r.id, r.start_date, r.end_date, r.training, c.name FROM network_reps r JOIN classes c"
                      " ON c.id = r.class_id WHERE r.student_id = :s", {"s": student_id}):
        ev.append(TimelineEvent(r[1], KIND, LABEL, f"任{r[4]}心理委员",
                                f"培训：{r[3]}" if r[3] else "", ORDINARY, f"network_reps:{r[0]}"))
        if r[2]:
            ev.append(TimelineEvent(r[2], KIND, LABEL, "心理委员任职结束", "", ORDINARY, f"network_reps:{r[0]}"))
    for r in db.query("SELECT p.id, p.start_date, p.end_date, a.name, b.name, p.student_id FROM network_pairs p"
                      " JOIN students a ON a.id = p.student_id JOIN students b ON b.id = p.peer_id"
                      " WHERE p.student_id = :s OR p.peer_id = :s", {"s": student_id}):
        other = r[4] if r[5] == student_id else r[3]
        role = "结对帮扶同伴" if r[5] == student_id else "作为朋辈支持者结对"
        span = f"{r[1]} 起" + (f"，至 {r[2]}" if r[2] else "")
        ev.append(TimelineEvent(r[1], KIND, LABEL, f"朋辈结对：{role} {other}", span, ORDINARY,
                                f"network_pairs:{r[0]}"))
    if conf and any(e.tier == CONFIDENTIAL for e in ev):
        reg = db.scalar("SELECT registry_no FROM students WHERE id = :s", {"s": student_id})
        session.audit("view_confidential", f"student:{reg}", "预警网络时间线")
    return ev
