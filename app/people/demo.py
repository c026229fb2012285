"""Demo people: a head teacher who is also a part-time psychological teacher, a school leader, training records in
the current cycle (several people short of their norm), a supervision for the full-time teacher, and a duty roster
for this month and the next with a few school days left uncovered. Invented data, from its own seeded generator
(adding people changes no other capability's demo records)."""
from __future__ import annotations

import datetime as dt
import random

from app import clock
from app.people.duty import assign_duty, assign_pattern, month_range
from app.people.model import cycle_for, load_settings, school_year_of
from app.people.training import add_training
from app.policy import can_keep_people, can_manage_school
from app.school.holidays import school_days
from app.school.staff import add_staff, list_staff, set_staff_roles
from app.session import Session

COURSES = [("区中小学心理健康教育专题培训", "district", "training", 8.0),
           ("市心理健康教育骨干教师研修班", "city", "training", 12.0),
           ("省中小学心理危机识别与干预网络培训", "provincial", "training", 6.0),
           ("区心理健康教育教研活动", "district", "research", 3.0),
           ("校本班主任心理健康教育培训", "school", "training", 4.0),
           ("国家智慧教育平台 心理健康教育专题", "national", "training", 10.0)]


def populate(session: Session, _shared: random.Random, _student_ids: list[int]) -> None:
    if not can_keep_people(session.account):
        return
    rng = random.Random(13)
    today = clock.today()
    staff = [m for m in list_staff(session.db) if m.active]
    full = next((m for m in staff if m.holds("psych_fulltime")), None)
    part = next((m for m in staff if m.holds("psych_parttime")), None)
    heads = sorted((m for m in staff if m.role == "head_teacher"), key=lambda m: m.id)
    if full is None or not heads:
        return
    # Several roles: one head teacher also serves as a part-time psychological teacher.
    both = heads[0]
    set_staff_roles(session, both.id, ("head_teacher", "psych_parttime"))
    if can_manage_school(session.account):
        add_staff(session, "周" + "建国", "leader", roles=("teacher",))
    cycle = cycle_for(today, load_settings(session.db).cycle_start_year)
    span = max(1, (today - cycle.start).days)

    def when() -> dt.date:
        return cycle.start + dt.timedelta(days=rng.randrange(span))

    # Full-time: 41 hours over the cycle so far and this school year's supervision.
    for title, level, kind, hours in (COURSES[1], COURSES[2], COURSES[0], COURSES[5]):
        add_training(session, full.id, when(), title, level, kind, hours)
    add_training(session, full.id, when(), "区心理健康教育教研活动", "district", "research", 2.0)
    year_start, _end = school_year_of(today)
    add_training(session, full.id, max(year_start, today - dt.timedelta(days=20)), "区心理咨询个案督导", "district",
                 "supervision", 3.0)
    # The part-time teacher meets the norm; the head teacher who is also part-time does not (held to 24).
    if part is not None and part.id != both.id:
        for c in (COURSES[1], COURSES[0], COURSES[3], COURSES[4]):
            add_training(session, part.id, when(), c[0], c[1], c[2], c[3])
    add_training(session, both.id, when(), COURSES[4][0], "school", "training", 4.0)
    add_training(session, both.id, when(), COURSES[0][0], "district", "training", 8.0)
    # Head teachers: most with 16 hours or more, some short.
    for i, m in enumerate(heads[1:]):
        picks = [COURSES[4], COURSES[0]] + ([COURSES[5]] if i % 3 else [])
        for c in picks:
            add_training(session, m.id, when(), c[0], c[1], c[2], c[3])
    # The duty roster: this month and the next by weekday, three school days left open.
    first, _ = month_range(today.strftime("%Y-%m"))
    nxt = first + dt.timedelta(days=32)
    _, last = month_range(nxt.strftime("%Y-%m"))
    duty_part = part.id if part is not None else both.id
    assign_pattern(session, first, last, {0: full.id, 1: duty_part, 2: full.id, 3: both.id, 4: full.id})
    days = school_days(session.db, today, last)
    for d in (days[1:2] + days[6:7] + days[12:13]):
        assign_duty(session, d, None)
