"""The loop's own figures: the leadership group's meeting covering the four topics, and the months closed."""
from __future__ import annotations

import json

from app import clock
from app.indicators.model import Evidence, Figure, Period
from app.indicators.periods import months_of
from app.loop.meetings import TOPICS
from app.policy import can_read_confidential
from app.session import Session


def loop_figures(session: Session, period: Period) -> list[Figure]:
    if not can_read_confidential(session.account):
        return []
    today = clock.today()
    months = [m.label for m in months_of(period) if m.start <= today]
    covered: dict[str, set[str]] = {m: set() for m in months}
    held: dict[str, list[str]] = {m: [] for m in months}
    for month, held_on, topics in session.db.query(
            "SELECT month, held_on, topics FROM loop_meetings WHERE held_on >= :s AND held_on <= :e",
            {"s": period.start_iso, "e": period.end_iso}):
        covered.setdefault(month, set()).update(json.loads(topics))
        held.setdefault(month, []).append(held_on)
    good = [m for m in months if set(TOPICS) <= covered.get(m, set())]
    evidence = []
    for m in months:
        if not held[m]:
            evidence.append(Evidence(f"{m} 未召开领导小组会议", "month", missing=True))
        elif m not in good:
            lacking = "、".join(v for k, v in TOPICS.items() if k not in covered[m])
            evidence.append(Evidence(f"{m} 会议未涉及：{lacking}", "month", missing=True))
        else:
            evidence.append(Evidence(f"{m} 已于 {'、'.join(held[m])} 召开", "month"))
    states = dict(session.db.query("SELECT month, status FROM loop_months WHERE month >= :s AND month <= :e",
                                   {"s": period.start_iso[:7], "e": period.end_iso[:7]}))
    closed = [m for m in months if states.get(m) == "closed"]
    past = [m for m in months if m < f"{today.year:04d}-{today.month:02d}"]
    return [
        Figure("loop.meeting", "loop", "领导小组月度会议", "本期各月召开、且涉及四项议题（学生心理健康问题、档案管理、"
               "危机干预、“1+1”）的领导小组会议月数", len(good), "个月", target=len(months),
               ok=len(good) >= len(months), evidence=tuple(evidence)),
        Figure("loop.status", "loop", "心育闭环月度清单关闭", "本期已过去的月份中心育闭环清单已关闭的月数", len(closed), "个月",
               target=len(past), ok=all(m in closed for m in past),
               evidence=tuple(Evidence(f"{m} 未关闭", "loop_month", missing=True) for m in past if m not in closed)),
    ]
