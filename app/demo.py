"""A synthetic school: Chinese names, several grades, guardians, focus tags and support plans.

Used by ``--demo`` (a throwaway vault for the window) and by ``bench/`` (20,000 students). Everything is
invented from a seeded random generator; no real person's data. Capabilities add their own demo records with
``populate(session, rng, students)`` declared as ``Capability.demo``; ``populate_school`` calls them in the
declared order.
"""
from __future__ import annotations

import datetime as dt
import random

from app import capability, clock
from app.archive.seed import DemoStudent, add_tags_and_plans, insert_students
from app.school.calendar import add_school_year
from app.session import Session

__all__ = ["DemoStudent", "add_tags_and_plans", "generate_students", "insert_students", "populate_school"]

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
            "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = ("子涵浩然思远欣怡一诺梓轩佳琪俊熙雨桐宇轩若汐明轩诗涵嘉怡博文梓涵浩宇雨泽欣妍子墨语桐皓轩思彤"
         "奕辰可馨梓睿晨曦天佑紫萱嘉懿书瑶铭泽沐阳芷若景行安然宁远乐怡文博睿哲婉清逸飞心怡")
RELATIONS = ["父亲", "母亲", "祖父", "祖母"]


def make_name(rng: random.Random) -> str:
    given_len = rng.choice((1, 2, 2, 2))
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(given_len))


def generate_students(n: int, *, seed: int = 7, grades: tuple[int, ...] = (7, 8, 9), class_size: int = 45,
                      year: int | None = None) -> list[DemoStudent]:
    """``n`` students spread over ``grades`` in classes of about ``class_size``."""
    rng = random.Random(seed)
    year = year or clock.today().year
    per_grade = max(1, n // len(grades))
    out: list[DemoStudent] = []
    serial = 0
    for gi, grade in enumerate(grades):
        count = per_grade if gi < len(grades) - 1 else n - per_grade * (len(grades) - 1)
        for i in range(count):
            class_no = i // class_size + 1
            birth_year = year - grade - 6 - (1 if rng.random() < 0.3 else 0)
            birth = dt.date(birth_year, 1, 1) + dt.timedelta(days=rng.randrange(365))
            gender = rng.choice("男女")
            name = make_name(rng)
            out.append(DemoStudent(
                registry_no=f"G370202{birth.year}{serial:08d}", name=name, gender=gender,
                birth_date=birth.isoformat(), grade=grade, class_no=class_no,
                guardian=name[0] + make_name(rng)[1:], relation=rng.choice(RELATIONS),
                phone=f"1{rng.choice('3578')}{rng.randrange(10**9):09d}", boarding=rng.random() < 0.2,
                left_behind=rng.random() < 0.06))
            serial += 1
    return out


def add_staff_and_head_teachers(session: Session, rng: random.Random) -> None:
    """A head teacher for every class, one full-time and one part-time psychological teacher."""
    from app.school.classes import list_classes, set_head_teacher
    from app.school.staff import add_staff

    with session.db.transaction():
        add_staff(session, "李" + make_name(rng)[1:], "psych_fulltime",
                  f"1{rng.choice('3578')}{rng.randrange(10**9):09d}")
        add_staff(session, make_name(rng), "psych_parttime")
        for cls in list_classes(session.db):
            staff_id = add_staff(session, make_name(rng), "head_teacher",
                                 f"1{rng.choice('3578')}{rng.randrange(10**9):09d}")
            set_head_teacher(session, cls.id, staff_id)


def populate_school(session: Session, n_students: int = 600, seed: int = 7,
                    grades: tuple[int, ...] = (4, 5, 6, 7, 8, 9)) -> list[int]:
    """Fill a fresh vault with a synthetic school and every capability's demo records."""
    rng = random.Random(seed)
    today = clock.today()
    start = today.year if today.month >= 9 else today.year - 1
    for y in range(start - 5, start + 1):
        add_school_year(session, y)
    students = generate_students(n_students, seed=seed, grades=grades, class_size=40)
    ids = insert_students(session, students)
    add_staff_and_head_teachers(session, random.Random(seed + 1))  # own generator: other demo data unchanged
    add_tags_and_plans(session, rng, ids)
    for populate in capability.current().demo_populators():
        populate(session, rng, ids)
    return ids
