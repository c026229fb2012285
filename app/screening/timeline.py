"""Timeline entries (results, level changes, follow-up interviews) and the archive banner."""
from __future__ import annotations

from app.archive.chronology import CONFIDENTIAL, ORDINARY, TimelineEvent
from app.policy import can_read_confidential
from app.screening.grading import level_label
from app.screening.scales import all_scales
from app.session import Session


def student_events(session: Session, student_id: int) -> list[TimelineEvent]:
    db = session.db
    counselor = can_read_confidential(session.account)
    scales = all_scales(db)
    events: list[TimelineEvent] = []
    for r in db.query("SELECT r.id, r.scale_id, r.taken_on, r.total, r.band, r.critical, r.flags, k.name"
                      " FROM screening_results r JOIN screening_campaigns k ON k.id = r.campaign_id"
                      " WHERE r.student_id = :s", {"s": student_id}):
        sc = scales.get(r[1])
        short = sc.short_name if sc else r[1]
        if counselor:
            band = sc.band_for(r[3]) if sc else None
            total = int(r[3]) if float(r[3]).is_integer() else round(r[3], 2)
            title = f"{short} 测评：{sc.score_label if sc else '总分'} {total}" + (f"（{band.label}）" if band else "")
            detail = f"测评活动：{r[7]}" + ("；关键题阳性" if r[5] else "")
            events.append(TimelineEvent(r[2], "screening", "测评", title, detail, CONFIDENTIAL,
                                        f"screening_results:{r[0]}"))
        else:
            events.append(TimelineEvent(r[2], "screening", "测评", f"完成 {short} 测评", f"测评活动：{r[7]}",
                                        ORDINARY, f"screening_results:{r[0]}"))
    for r in db.query("SELECT h.id, h.at, h.from_level, h.to_level, h.status, h.reason FROM screening_level_changes h"
                      " JOIN screening_levels l ON l.id = h.entry_id WHERE l.student_id = :s", {"s": student_id}):
        status = {"pending_review": "待复核", "confirmed": "已复核", "released": "已解除"}[r[4]]
        if r[3]:
            title = f"预警等级：{level_label(r[3])}（{status}）"
        else:
            title = f"预警等级解除（原{level_label(r[2])}）"
        # the reason names the rule that fired (e.g. an item): counselor-tier detail, the level itself is ordinary
        events.append(TimelineEvent(r[1], "warning_level", "预警等级", title, r[5] if counselor else "", ORDINARY,
                                    f"screening_level_changes:{r[0]}"))
    if counselor:
        shown = 0
        for r in db.query("SELECT id, held_on, confirmed_level, reason, next_step, interviewer"
                          " FROM screening_interviews WHERE student_id = :s", {"s": student_id}):
            lvl = "解除" if r[2] == 0 else f"确认{level_label(r[2])}"
            shown += 1
            events.append(TimelineEvent(r[1], "follow_up_interview", "复核访谈", f"复核访谈：{lvl}，下一步{r[4]}",
                                        f"{r[3]}（{r[5]}）", CONFIDENTIAL, f"screening_interviews:{r[0]}"))
        if shown:
            session.audit("view_confidential", f"student_id:{student_id}", {"timeline": "screening", "records": shown})
    return events


def banner(session: Session, student_id: int) -> list[str]:
    lines = []
    for r in session.db.query("SELECT level, status, due_date, measure FROM screening_levels WHERE student_id = :s"
                              " AND status != 'released' AND level IS NOT NULL ORDER BY id DESC LIMIT 1",
                              {"s": student_id}):
        if r[1] == "pending_review":
            lines.append(f"测评预警：{level_label(r[0])}，待复核（复核截止 {r[2]}）")
        else:
            lines.append(f"测评预警：{level_label(r[0])}（已复核，干预措施：{r[3]}）")
    return lines

