"""Timeline entries (results, level changes, follow-up interviews) and the archive banner."""
from __future__ import annotations

from typing import Any

from app.archive.chronology import CONFIDENTIAL, ORDINARY, TimelineEvent
from app.policy import can_read_confidential, sees_unreviewed_levels
from app.screening.grading import LAST_REVIEW_SQL, as_reviewed, level_label, reviewed_history
from app.screening.scales import all_scales
from app.screening.stored import change_reasons, interview_reasons, scores_source
from app.session import Session
from app.store.conf_text import SCREENING_CATEGORY


def student_events(session: Session, student_id: int) -> list[TimelineEvent]:
    db = session.db
    counselor = can_read_confidential(session.account)
    scales = all_scales(db)
    events: list[TimelineEvent] = []
    scores, scores_join = scores_source(db) if counselor else ("r.total, r.critical", "")
    for r in db.query("SELECT x.id, x.scale_id, x.taken_on, x.total, x.critical, x.name FROM (SELECT r.id,"
                      f" r.scale_id, r.taken_on, {scores}, k.name FROM screening_results r{scores_join}"
                      " JOIN screening_campaigns k ON k.id = r.campaign_id WHERE r.student_id = :s) x",
                      {"s": student_id}):
        sc = scales.get(r[1])
        short = sc.short_name if sc else r[1]
        if counselor:
            band = sc.band_for(r[3]) if sc else None
            total = int(r[3]) if float(r[3]).is_integer() else round(r[3], 2)
            title = f"{short} 测评：{sc.score_label if sc else '总分'} {total}" + (f"（{band.label}）" if band else "")
            detail = f"测评活动：{r[5]}" + ("；关键题阳性" if r[4] else "")
            events.append(TimelineEvent(r[2], "screening", "测评", title, detail, CONFIDENTIAL,
                                        f"screening_results:{r[0]}"))
        else:
            events.append(TimelineEvent(r[2], "screening", "测评", f"完成 {short} 测评", f"测评活动：{r[5]}",
                                        ORDINARY, f"screening_results:{r[0]}"))
    changes: dict[int, list[dict[str, Any]]] = {}
    reason, reason_join = change_reasons(db) if counselor else ("''", "")
    for r in db.query(f"SELECT h.id, h.at, h.from_level, h.to_level, h.status, {reason}, h.entry_id"
                      f" FROM screening_level_changes h{reason_join} JOIN screening_levels l ON l.id = h.entry_id"
                      " WHERE l.student_id = :s ORDER BY h.at, h.id", {"s": student_id}):
        changes.setdefault(r[6], []).append({"id": r[0], "at": r[1], "from_level": r[2], "to_level": r[3],
                                             "status": r[4], "reason": r[5]})
    machine = sees_unreviewed_levels(session.account)
    for entry in changes.values():
        # Before review a level is the machine's: a head teacher reads only the counselor's confirmations.
        for h in (entry if machine else reviewed_history(entry)):
            status = {"pending_review": "待复核", "confirmed": "已复核", "released": "已解除"}[str(h["status"])]
            to_level, from_level = h["to_level"], h["from_level"]
            if not machine:
                title = f"重点关注（{level_label(to_level)}，已复核）" if to_level else "解除重点关注"
            elif to_level:
                title = f"预警等级：{level_label(to_level)}（{status}）"
            else:
                title = f"预警等级解除（原{level_label(from_level)}）"
            # the reason names the rule that fired (e.g. an item): counselor-tier detail
            events.append(TimelineEvent(str(h["at"]), "warning_level", "预警等级", title,
                                        str(h["reason"]) if counselor else "", ORDINARY,
                                        f"screening_level_changes:{h['id']}"))
    if counselor:
        shown = 0
        why, why_join = interview_reasons(db)
        for r in db.query(f"SELECT i.id, i.held_on, i.confirmed_level, {why}, i.next_step, i.interviewer"
                          f" FROM screening_interviews i{why_join} WHERE i.student_id = :s", {"s": student_id}):
            lvl = "解除" if r[2] == 0 else f"确认{level_label(r[2])}"
            shown += 1
            events.append(TimelineEvent(r[1], "follow_up_interview", "复核访谈", f"复核访谈：{lvl}，下一步{r[4]}",
                                        f"{r[3]}（{r[5]}）", CONFIDENTIAL, f"screening_interviews:{r[0]}"))
        if shown:
            session.audit("view_confidential", f"student_id:{student_id}", {"timeline": "screening", "records": shown})
    return events


def banner(session: Session, student_id: int) -> list[str]:
    """The latest ledger entry: for a counselor as it stands; for a head teacher only once reviewed, as "重点关注"
    with the counselor's note (the category only when the counselor shares it; never scores or the rule)."""
    lines = []
    machine = sees_unreviewed_levels(session.account)
    rows = SCREENING_CATEGORY.fill(session.db, "screening_levels", session.db.query(
        f"SELECT l.level, l.status, l.due_date, l.measure, {LAST_REVIEW_SQL} AS confirmed, l.teacher_note,"
        " l.category_shared, l.category, l.id FROM screening_levels l WHERE l.student_id = :s"
        " ORDER BY l.campaign_id DESC, l.id DESC", {"s": student_id}))
    for row in rows:   # the category of an entry not shared lives in confidential.db (conf_text.py)
        r = list(row.values())
        level, status = r[0], r[1]
        if not machine:
            seen = as_reviewed(status, level, r[4])
            if seen is None:
                continue   # nobody has reviewed it: an earlier reviewed entry may still stand
            status, level = seen
        if status == "released" or level is None:
            continue
        if status == "pending_review":
            lines.append(f"测评预警：{level_label(level)}，待复核（复核截止 {r[2]}）")
        elif machine:
            lines.append(f"测评预警：{level_label(level)}（已复核，干预措施：{r[3]}）")
        else:
            cat = f"，{r[7]}" if r[6] and r[7] else ""
            note = f"：{r[5]}" if r[5] else ""
            lines.append(f"重点关注（{level_label(level)}，已复核{cat}；干预措施：{r[3]}）{note}")
        break
    return lines
