"""The archive's own timeline entries: roster changes, focus tags and support-plan versions."""
from __future__ import annotations

from app.archive.chronology import CONFIDENTIAL, ORDINARY, TimelineEvent
from app.archive.plans import plan_text_source
from app.archive.tags import confidential_tags, tag_rows, visible_tags
from app.policy import can_read_confidential, does_student_work
from app.session import Session


def archive_events(session: Session, student_id: int) -> list[TimelineEvent]:
    db = session.db
    sees = can_read_confidential(session.account)
    shown = 0   # confidential texts (tag notes, clearing reasons, plan versions) put on this timeline
    events = [TimelineEvent(r["at"], "roster", "学籍", r["summary"], "", ORDINARY, f"student_events:{r['id']}")
              for r in db.query("SELECT id, at, summary FROM student_events WHERE student_id = :s", {"s": student_id})]
    if not does_student_work(session.account):
        return events  # a 管理员 keeps the roster: no focus tags or plans
    hidden = confidential_tags(db)
    for r in tag_rows(db, "student_id = :s", {"s": student_id}):
        # An ordinary tag is shown (the head teacher should know whom to watch), its note is confidential; a
        # confidential tag (health) is not shown at all to whoever may not see it.
        if not visible_tags(session.account, [r["tag"]], hidden):
            continue
        tier = CONFIDENTIAL if r["tag"] in hidden else ORDINARY
        note = r["note"] if sees else ""
        shown += bool(note)
        events.append(TimelineEvent(r["set_at"], "tag", "重点关注", f"设为重点关注：{r['tag']}",
                                    f"{note}（{r['set_by']}）" if note else f"（{r['set_by']}）",
                                    tier, f"focus_tags:{r['id']}"))
        if r["cleared_at"]:
            shown += bool(sees and r["clear_reason"])
            events.append(TimelineEvent(r["cleared_at"], "tag", "重点关注", f"解除重点关注：{r['tag']}",
                                        r["clear_reason"] if sees else "",
                                        tier, f"focus_tags:{r['id']}"))
    if sees:
        columns, source = plan_text_source(db)
        for r in db.query(f"SELECT p.id, p.version, p.created_at, p.created_by, p.review_date, {columns}"
                          f" FROM {source} WHERE p.student_id = :s", {"s": student_id}):
            title = "制定一生一策方案" if r["version"] == 1 else f"修订一生一策方案（第 {r['version']} 版）"
            shown += 1
            events.append(TimelineEvent(r["created_at"], "plan", "一生一策", title,
                                        f"复查日期 {r['review_date']}；{r['change_reason']}".rstrip("；"),
                                        CONFIDENTIAL, f"support_plans:{r['id']}"))
    if shown:
        session.audit("view_confidential", f"student_id:{student_id}", {"timeline": "archive", "records": shown})
    return events

