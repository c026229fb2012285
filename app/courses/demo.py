"""A lived-in term of courses: a lesson in most classes most months (a few gaps, shown red in the grid), class
meetings and club sessions, a school-wide 10·10 activity, a grade-wide lecture, parent-school sessions and the
monthly pushes (one month missed). Invented data; its own seeded generator, so no other demo record changes."""
from __future__ import annotations

import datetime as dt
import random

from app import clock
from app.courses.model import FORMS, THEMES
from app.courses.progress import teaching_months
from app.courses.records import (
    ActivityInput,
    LessonInput,
    ParentSessionInput,
    PushInput,
    _insert_activity,
    _insert_lesson,
    add_parent_session,
    add_push,
)
from app.policy import can_keep_courses
from app.school.calendar import semester_for
from app.school.classes import list_classes
from app.school.staff import list_staff
from app.session import Session

TOPICS = {"认识自我": ["我是谁", "发现我的优点", "悦纳自己"], "学会学习": ["高效学习小妙招", "考试焦虑我不怕"],
          "人际交往": ["友谊的小船", "学会倾听", "化解冲突"], "情绪调适": ["认识情绪", "情绪的ABC", "做情绪的主人"],
          "升学择业": ["我的梦想清单", "生涯初探"], "生活和社会适应": ["适应新环境", "合理使用手机"],
          "生命教育": ["珍爱生命", "生命的意义"], "挫折教育": ["在挫折中成长", "逆风飞翔"]}
MEETINGS = ["班级凝聚力主题班会", "感恩主题班会", "压力管理主题班会", "网络安全与心理健康班会", "青春期心理班会"]


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    while True:
        d = start + dt.timedelta(days=rng.randrange((end - start).days + 1))
        if d.weekday() < 5:
            return d


def populate(session: Session, _shared: random.Random, _student_ids: list[int]) -> None:
    if not can_keep_courses(session.account):
        return
    rng = random.Random(13)
    db = session.db
    today = clock.today()
    sem = semester_for(db, today)
    classes = list_classes(db)
    if sem is None or not classes:
        return
    start = dt.date.fromisoformat(sem.start_date)
    last = min(today, dt.date.fromisoformat(sem.end_date))
    months = [m for m in teaching_months(db, start, last) if m.start <= last]
    staff = list_staff(db)
    psych = [s.name for s in staff if s.role in ("psych_fulltime", "psych_parttime")] or [session.account.label]
    head = {c.id: c.head_teacher for c in classes}
    with db.transaction():
        for mi, m in enumerate(months):
            lo, hi = max(m.start, start), min(m.end, last)
            if lo > hi:
                continue
            for ci, c in enumerate(classes):
                gap = (ci * 5 + mi) % 17 == 3  # a few classes miss a month's lesson
                if not gap:
                    theme = rng.choice(THEMES)
                    _insert_lesson(session, LessonInput(
                        _day(rng, lo, hi).isoformat(), c.id, rng.choice(TOPICS[theme]), 2 if (ci + mi) % 3 else 1,
                        psych[ci % len(psych)], theme=theme, form=rng.choice(FORMS)))
                if (ci + 2 * mi) % 9 != 4:
                    _insert_activity(session, ActivityInput(
                        _day(rng, lo, hi).isoformat(), "class", rng.choice(["主题班会", "主题班会", "社团"]),
                        rng.choice(MEETINGS), c.id, teacher=head.get(c.id) or ""))
            if m.start.month == 10 and lo <= dt.date(m.start.year, 10, 10) <= hi:
                _insert_activity(session, ActivityInput(dt.date(m.start.year, 10, 10).isoformat(), "school", "10·10",
                                                        "世界精神卫生日：关爱心理 拥抱阳光", teacher=psych[0]))
            if mi == 1:
                grade = classes[-1].grade
                _insert_activity(session, ActivityInput(_day(rng, lo, hi).isoformat(), "grade", "讲座",
                                                        "青春期心理健康讲座", grade=grade, teacher=psych[0]))
            if mi != 2:
                add_push(session, PushInput(_day(rng, lo, hi).isoformat(), rng.choice(
                    ["如何与青春期孩子沟通", "帮助孩子缓解考试焦虑", "亲子沟通小技巧", "假期安全与心理健康提示"]), "家长群"))
        for i, topic in enumerate(["做智慧家长：读懂孩子的情绪", "家庭教育与孩子的心理健康"]):
            if i < len(months):
                m = months[min(len(months) - 1, i * 2)]
                add_parent_session(session, ParentSessionInput(_day(rng, max(m.start, start), min(m.end, last)).isoformat(),
                                                    topic, 2, speaker=psych[0]))
        session.audit("edit", "courses:demo", {"months": len(months), "classes": len(classes)})

