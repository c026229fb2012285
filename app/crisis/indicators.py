"""Crisis figures for a period: cases by level and status, referrals (green channel or not), 休学 and 复学
counts, and crisis steps overdue. Counts rows, levels and the ordinary step data; never a note."""
from __future__ import annotations

import datetime as dt
import json

from app import clock
from app.crisis.model import LEAVE
from app.crisis.rules import level_label
from app.indicators.model import Evidence, Figure, Period
from app.policy import does_student_work, scope_condition
from app.session import Session

LEVELS = ("general", "severe", "major")


def crisis_figures(session: Session, period: Period) -> list[Figure]:
    if not does_student_work(session.account):
        return []
    cond, params = scope_condition(session.account)
    params = {**params, "s": period.start_iso, "e": period.end_next_iso}
    db = session.db
    by_level: dict[str, int] = {level_label(v): 0 for v in LEVELS}
    by_status = {"进行中": 0, "已结案": 0}
    opened = 0
    for level, _status, opened_at, closed_at in db.query(
            "SELECT k.level, k.status, k.opened_at, k.closed_at FROM crisis_cases k JOIN students s ON s.id = k.student_id"
            " WHERE k.opened_at < :e AND (k.closed_at IS NULL OR k.closed_at >= :s) AND " + cond, params):
        by_level[level_label(level)] = by_level.get(level_label(level), 0) + 1
        closed_in = closed_at is not None and closed_at < params["e"]
        by_status["已结案" if closed_in else "进行中"] += 1
        opened += opened_at >= params["s"]
    total = sum(by_level.values())
    figures = [Figure("crisis.cases", "crisis", "心理危机个案",
                      "本期内处于进行中的危机个案数（本期新开、跨期延续或本期结案），按等级和状态", total, "件",
                      breakdown={"等级": by_level, "状态": by_status, "本期新开": opened})]
    green = other = leave = back = 0
    for key, data in db.query(
            "SELECT t.step_key, t.data FROM crisis_steps t JOIN crisis_cases k ON k.id = t.case_id"
            " JOIN students s ON s.id = k.student_id WHERE t.status = 'done' AND t.step_key IN"
            " ('referral', 'treatment', 'return_assessment') AND t.done_at >= :s AND t.done_at < :e AND " + cond, params):
        facts = json.loads(data or "{}")
        if key == "referral":
            if facts.get("green_channel"):
                green += 1
            else:
                other += 1
        elif key == "treatment" and facts.get("kind") == LEAVE:
            leave += 1
        elif key == "return_assessment":
            back += 1
    figures.append(Figure("crisis.referrals", "crisis", "转介", "本期完成的转介步骤数，按是否经绿色通道",
                          green + other, "人次", breakdown={"绿色通道": green, "其他途径": other}))
    figures.append(Figure("crisis.leave_return", "crisis", "休学与复学",
                          "本期记为休学的“治疗或休学”步骤数与完成的复学评估数", leave + back, "人次",
                          breakdown={"休学": leave, "复学": back}))
    figures.append(_overdue(session, period, cond, params))
    return figures


def _overdue(session: Session, period: Period, cond: str, params: dict[str, object]) -> Figure:
    """Open required steps of open cases whose due time passed by the end of the period (or now, if sooner)."""
    now = clock.now().isoformat(timespec="seconds")
    until = min(now, dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time()).isoformat(timespec="seconds"))
    rows = session.db.query(
        "SELECT k.id, s.name, c.name, t.step_key, t.due_at FROM crisis_steps t JOIN crisis_cases k ON k.id = t.case_id"
        " JOIN students s ON s.id = k.student_id LEFT JOIN classes c ON c.id = s.class_id"
        " WHERE k.status = 'open' AND t.status = 'open' AND t.required = 1 AND t.due_at IS NOT NULL"
        " AND t.due_at < :until AND " + cond + " ORDER BY t.due_at", {**params, "until": until})
    from app.crisis.rules import load_rules

    names = {s.key: s.name for s in load_rules(session.db).steps}
    evidence = tuple(Evidence(f"{r[1]}（{r[2] or '未分班'}）{names.get(r[3], r[3])} 应于 {str(r[4])[:16].replace('T', ' ')}"
                              " 完成", "crisis_case", r[0], missing=True) for r in rows)
    return Figure("crisis.overdue_steps", "crisis", "危机干预步骤逾期", "进行中个案里已过到期时间仍未完成的必需步骤数",
                  len(rows), "项", target=0, ok=not rows, evidence=evidence)
