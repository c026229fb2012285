"""工作台 reminders of courses and activities.

- from 20 April until 25 May: the May mental-health month and 5·25 (until an activity of that kind is logged);
- from 20 September until 10 October: World Mental Health Day, 10·10 (likewise);
- two weeks before each holiday of the school's calendar (设置 → 节假日, ranges of two days or more, and the winter
  and summer vacations after each semester): holiday guidance;
- four weeks before 中考 and 高考 (mid-June, 7 June) for the graduating grades (九年级, 高三), until an activity for
  that grade is logged;
- from the 20th of a teaching month: the classes still without a lesson or an activity that month.
"""
from __future__ import annotations

import datetime as dt

from app.courses.progress import class_grid, teaching_months
from app.policy import can_keep_courses
from app.school.calendar import list_semesters
from app.school.classes import list_classes
from app.school.holidays import list_holidays
from app.session import Session
from app.workbench import WorkItem

KIND, LABEL = "courses_reminder", "课程与活动"
HOLIDAY_LEAD_DAYS = 14
EXAM_LEAD_DAYS = 28
EXAMS = ((12, "高考", (6, 7)), (9, "中考", (6, 15)))   # graduating grade, exam, (month, day) it starts
MONTH_END_FROM_DAY = 20


def _logged(session: Session, kinds: tuple[str, ...], start: dt.date, end: dt.date, grade: int | None = None) -> bool:
    marks = ",".join(f"'{k}'" for k in kinds)
    sql = (f"SELECT 1 FROM course_activities WHERE deleted_at IS NULL AND held_on BETWEEN :s AND :e"
           f" AND kind IN ({marks})") if kinds else \
        ("SELECT 1 FROM course_activities a LEFT JOIN classes c ON c.id = a.class_id WHERE a.deleted_at IS NULL"
         " AND a.held_on BETWEEN :s AND :e AND (a.grade = :g OR c.grade = :g OR a.scope = 'school')")
    return session.db.one(sql + " LIMIT 1", {"s": start.isoformat(), "e": end.isoformat(), "g": grade}) is not None


def _holidays(session: Session) -> list[tuple[str, dt.date]]:
    out = [(h.name, dt.date.fromisoformat(h.start_date)) for h in list_holidays(session.db)
           if not h.makeup and h.days >= 2]
    for s in list_semesters(session.db):
        end = dt.date.fromisoformat(s.end_date)
        out.append(("寒假" if s.term == "autumn" else "暑假", end + dt.timedelta(days=1)))
    return out


def course_items(session: Session, today: dt.date) -> list[WorkItem]:
    if not can_keep_courses(session.account):
        return []
    items: list[WorkItem] = []
    may = dt.date(today.year, 5, 1)
    if dt.date(today.year, 4, 20) <= today <= dt.date(today.year, 5, 25):
        if today < may or not _logged(session, ("心理健康月",), may, dt.date(today.year, 5, 31)):
            items.append(WorkItem(KIND, LABEL, "5月心理健康月将至：请安排全校心理健康月活动并登记", may.isoformat(),
                                  overdue=today >= may))
        if not _logged(session, ("5·25",), dt.date(today.year, 5, 1), dt.date(today.year, 5, 31)):
            items.append(WorkItem(KIND, LABEL, "5·25 心理健康日：请安排主题活动并登记",
                                  dt.date(today.year, 5, 25).isoformat()))
    oct10 = dt.date(today.year, 10, 10)
    if dt.date(today.year, 9, 20) <= today <= oct10 and not _logged(
            session, ("10·10",), dt.date(today.year, 9, 1), dt.date(today.year, 10, 31)):
        items.append(WorkItem(KIND, LABEL, "10·10 世界精神卫生日：请安排主题活动并登记", oct10.isoformat()))
    for name, start in _holidays(session):
        if today < start <= today + dt.timedelta(days=HOLIDAY_LEAD_DAYS):
            items.append(WorkItem(KIND, LABEL, f"{name}（{start.isoformat()} 起）前：请开展假期心理健康与安全教育"
                                               "（主题班会或假期线上班会），并向家长推送假期指导材料",
                                  (start - dt.timedelta(days=1)).isoformat()))
    grades = {c.grade for c in list_classes(session.db)}
    for grade, exam, (month, day) in EXAMS:
        exam_day = dt.date(today.year, month, day)
        if grade in grades and exam_day - dt.timedelta(days=EXAM_LEAD_DAYS) <= today < exam_day and not _logged(
                session, (), exam_day - dt.timedelta(days=EXAM_LEAD_DAYS), today, grade):
            label = "九年级" if grade == 9 else "高三"
            items.append(WorkItem(KIND, LABEL, f"{exam}前：请为{label}安排考前心理调适（讲座、团体辅导或主题班会）",
                                  exam_day.isoformat()))
    if today.day >= MONTH_END_FROM_DAY:
        current = [m for m in teaching_months(session.db, today, today) if m.start <= today <= m.end]
        if current:
            grid = class_grid(session, current[0].start, current[0].end, today=today)
            cells = [(r.name, r.cells[current[0].label]) for r in grid.rows]
            no_lesson = [n for n, c in cells if c.lessons_short]
            no_activity = [n for n, c in cells if c.activities_short]
            for what, names in (("心理课", no_lesson), ("主题活动", no_activity)):
                if names:
                    shown = "、".join(names[:6]) + (f" 等 {len(names)} 个班" if len(names) > 6 else "")
                    items.append(WorkItem(KIND, LABEL, f"本月还没有{what}：{shown}", current[0].end.isoformat()))
    return items
