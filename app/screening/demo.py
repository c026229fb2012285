"""Demo screening data: one autumn campaign with PHQ-9 (grades 4+) or the observation form (grades 1–3), a few
refusals and absences, some students at levels 1–3 and some of them already reviewed."""
from __future__ import annotations

import datetime as dt
import random

from app import clock
from app.policy import can_counsel, can_read_confidential
from app.safety.alerts import review_same_day
from app.screening.campaigns import create_campaign, school_grades
from app.screening.grading import load_rules, regrade
from app.screening.interviews import record_interview
from app.screening.results import _write_result, raise_if_critical
from app.screening.scales import all_scales
from app.screening.scoring import score
from app.session import Session

REASONS = [
    "访谈中学生表示近期因考试压力睡眠不好，无自伤计划，情绪可自我调节。",
    "学生承认曾有消极念头，但无具体计划；已告知家长并约定每周咨询。",
    "与班主任核实，学生近期与同学发生矛盾，情绪低落，需持续关注。",
    "学生父母离异后与祖母同住，情绪波动较大，建议家校沟通。",
]


def _answers(rng: random.Random, n: int, risk: float) -> list[int | None]:
    out: list[int | None] = []
    for _ in range(n):
        r = rng.random()
        if r < 0.55 - risk:
            out.append(0)
        elif r < 0.85 - risk / 2:
            out.append(1)
        elif r < 0.96 - risk / 4:
            out.append(2)
        else:
            out.append(3)
    return out


def populate(session: Session, rng: random.Random, student_ids: list[int]) -> None:
    db = session.db
    grades = school_grades(db)
    if not grades or not student_ids:
        return
    scales = all_scales(db)
    per_grade = {g: ("observe_g13" if g <= 3 else "phq9") for g in grades}
    today = clock.today()
    year = today.year if today.month >= 9 else today.year - 1
    start = dt.date(year, 9, 10)
    camp = create_campaign(session, f"{year}年秋季学期心理健康测评", per_grade, window_start=start,
                           consent_required=True, young_confirmed=True)
    rules = load_rules(db)
    grade_of = {r[0]: r[1] for r in db.query("SELECT s.id, c.grade FROM students s JOIN classes c ON c.id = s.class_id")}
    last = min(today, dt.date(year, 10, 31))
    span = max(1, (last - start).days)
    entries: list[int] = []
    with db.transaction():
        for sid in student_ids:
            grade = grade_of.get(sid)
            if grade is None:
                continue
            u = rng.random()
            if u < 0.02:
                db.execute("UPDATE screening_targets SET consent = 'refused' WHERE campaign_id = :c AND student_id = :s",
                           {"c": camp.id, "s": sid})
                continue
            db.execute("UPDATE screening_targets SET consent = 'given' WHERE campaign_id = :c AND student_id = :s",
                       {"c": camp.id, "s": sid})
            if u < 0.05:
                db.execute("UPDATE screening_targets SET absent = 1, note = '病假' WHERE campaign_id = :c"
                           " AND student_id = :s", {"c": camp.id, "s": sid})
                continue
            if u < 0.09:
                continue  # not yet done
            scale = scales[per_grade[grade]]
            risk = 0.45 if rng.random() < 0.12 else 0.0
            answers = _answers(rng, scale.n_items, risk)
            if scale.id == "phq9" and risk == 0.0:
                answers[8] = 0
            elif scale.id == "phq9" and rng.random() < 0.75:
                answers[8] = 0
            if scale.id == "observe_g13":
                answers[8] = 0 if rng.random() < 0.97 else 1
                answers[9] = rng.choice([2, 3, 3])
            result = score(scale, answers)
            taken = (start + dt.timedelta(days=rng.randrange(span + 1))).isoformat()
            _write_result(db, campaign_id=camp.id, student_id=sid, scale=scale, result=result, taken_on=taken,
                         source="demo", who=session.account.label)
            # A positive critical item took the one same-day path; in the demo it was reviewed that day.
            alert = (raise_if_critical(session, campaign_id=camp.id, student_id=sid, scale=scale, result=result)
                     if can_counsel(session.account) else None)
            if alert is not None:
                review_same_day(session, alert, "当天已面谈复核，已告知班主任，按复核结果跟进")
            if regrade(session, camp.id, sid, rules, scales):
                entries.append(sid)
    if not can_read_confidential(session.account):
        return
    rows = db.query("SELECT id, level FROM screening_levels WHERE campaign_id = :c ORDER BY id", {"c": camp.id})
    for i, r in enumerate(rows):
        if i % 3 == 2:
            continue  # left pending review
        level = r[1] or 3
        step = ["咨询", "家校沟通", "关注", "转介"][i % 4] if level <= 2 else ["关注", "解除"][i % 2]
        record_interview(session, r[0], confirmed_level=0 if step == "解除" else level, reason=rng.choice(REASONS),
                         next_step=step, held_on=min(today, dt.date(year, 11, 5)))
