"""Letters on the student's timeline: what was printed or exported, how it reached the family, and the day the
receipt came back. A 班主任 sees only the letters of templates they may print themselves (no 危机告知书, 测评约谈告知
or 转介建议书 of their students)."""
from __future__ import annotations

from app.archive.chronology import ORDINARY, TimelineEvent
from app.letters.records import PRINTED, list_letters
from app.session import Session

KIND = "letter"
LABEL = "家长告知书"


def student_events(session: Session, student_id: int) -> list[TimelineEvent]:
    ev = []
    for r in list_letters(session, student_id=student_id):
        how = "打印" if r.output.startswith(PRINTED) else "导出 PDF"
        parts = [f"{how}（{r.made_by}）"]
        parts.append(f"送达：{r.delivered_how or '已送达'} {r.delivered_on}" if r.delivered_on else "尚未登记送达")
        if r.receipt_on:
            parts.append(f"回执 {r.receipt_on} 交回")
        ev.append(TimelineEvent(r.made_at, KIND, LABEL, f"家长告知书：{r.title}", "；".join(parts), ORDINARY,
                                f"letters:{r.id}"))
    return ev
