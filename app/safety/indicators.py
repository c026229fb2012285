"""Same-day safety for a period: every sign of risk to life (a level-1 screening result, a high-risk note, a
committee report) reviewed, or a crisis case opened from it, on the day it was raised. Counts alert rows only."""
from __future__ import annotations

from app.indicators.model import Evidence, Figure, Period
from app.policy import can_read_confidential
from app.session import Session


def safety_figures(session: Session, period: Period) -> list[Figure]:
    if not can_read_confidential(session.account):
        return []
    done = total = 0
    evidence: list[Evidence] = []
    for _aid, sid, name, cls, source, due, status, resolved in session.db.query(
            "SELECT a.id, a.student_id, s.name, c.name, a.source_label, a.due_on, a.status, a.resolved_at"
            " FROM safety_alerts a JOIN students s ON s.id = a.student_id LEFT JOIN classes c ON c.id = s.class_id"
            " WHERE a.due_on >= :s AND a.due_on <= :e ORDER BY a.due_on", {"s": period.start_iso, "e": period.end_iso}):
        total += 1
        if status != "open" and resolved and str(resolved)[:10] <= due:
            done += 1
            continue
        state = "尚未复核" if status == "open" else f"{str(resolved)[:10]} 才复核"
        evidence.append(Evidence(f"{name}（{cls or '未分班'}）{source} {due} 提示，{state}", "student", sid,
                                 missing=True))
    return [Figure("safety.same_day", "screening", "一级预警当天复核",
                   "本期当天复核提示（一级预警、高风险记录、心理委员报告的自伤迹象）中当天复核或当天建立危机个案的数目",
                   done, "人次", target=total, ok=done >= total, evidence=tuple(evidence))]
