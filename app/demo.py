"""A synthetic school: Chinese names, several grades, guardians, focus tags and support plans.

Used by ``--demo`` (a throwaway vault for the window) and by ``bench/`` (20,000 students). Everything is
invented from a seeded random generator; no real person's data. Capabilities add their own demo records with
``populate(session, rng, students)`` declared as ``Capability.demo``; ``populate_school`` calls them in the
declared order.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from app import capability, clock
from app.archive.pinyin import pinyin_keys
from app.school.calendar import ensure_year
from app.school.classes import ensure_class
from app.school.classnames import ClassRef
from app.session import Session

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
            "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = ("子涵浩然思远欣怡一诺梓轩佳琪俊熙雨桐宇轩若汐明轩诗涵嘉怡博文梓涵浩宇雨泽欣妍子墨语桐皓轩思彤"
         "奕辰可馨梓睿晨曦天佑紫萱嘉懿书瑶铭泽沐阳芷若景行安然宁远乐怡文博睿哲婉清逸飞心怡")
ETHNICITIES = ["汉族"] * 18 + ["回族", "满族"]
RELATIONS = ["父亲", "母亲", "祖父", "祖母"]


@dataclass(frozen=True)
class DemoStudent:
    registry_no: str
    name: str
    gender: str
    birth_date: str
    grade: int
    class_no: int
    guardian: str
    relation: str
    phone: str
    boarding: bool
    left_behind: bool


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


def insert_students(session: Session, students: list[DemoStudent]) -> list[int]:
    """Bulk insert (one transaction); returns the new ids."""
    db = session.db
    now = clock.now_iso()
    ids = []
    with db.transaction():
        classes: dict[tuple[int, int], int] = {}
        for s in students:
            key = (s.grade, s.class_no)
            if key not in classes:
                classes[key] = ensure_class(db, ClassRef(*key))
            full, initials = pinyin_keys(s.name)
            cur = db.execute(
                "INSERT INTO students (uuid, registry_no, name, gender, birth_date, class_id, ethnicity, boarding,"
                " left_behind, pinyin_full, pinyin_initials, created_at, updated_at) VALUES (:u, :r, :n, :g, :b, :c,"
                " :e, :bo, :lb, :pf, :pi, :t, :t)",
                {"u": clock.new_uuid(), "r": s.registry_no, "n": s.name, "g": s.gender, "b": s.birth_date,
                 "c": classes[key], "e": ETHNICITIES[int(s.registry_no[-3:]) % len(ETHNICITIES)], "bo": int(s.boarding),
                 "lb": int(s.left_behind), "pf": full, "pi": initials, "t": now})
            sid = int(cur.lastrowid or 0)
            ids.append(sid)
            db.execute("INSERT INTO guardians (student_id, name, relation, phone) VALUES (:s, :n, :r, :p)",
                       {"s": sid, "n": s.guardian, "r": s.relation, "p": s.phone})
            db.execute("INSERT INTO student_events (student_id, at, kind, summary, account) VALUES"
                       " (:s, :t, 'imported', :m, 'demo')",
                       {"s": sid, "t": now, "m": f"由花名册导入，编入{ClassRef(*key).name}"})
    return ids


def add_tags_and_plans(session: Session, rng: random.Random, ids: list[int], share: float = 0.06) -> None:
    from app.archive.students import FOCUS_TAGS

    db = session.db
    now = clock.now()
    with db.transaction():
        for sid in ids:
            if rng.random() >= share:
                continue
            tag = rng.choice(FOCUS_TAGS[:-1])
            at = (now - dt.timedelta(days=rng.randrange(1, 300))).isoformat(timespec="seconds")
            db.execute("INSERT INTO focus_tags (uuid, student_id, tag, note, set_at, set_by) VALUES"
                       " (:u, :s, :t, :n, :at, '心理教师')",
                       {"u": clock.new_uuid(), "s": sid, "t": tag, "n": "班主任反映，需持续关注", "at": at})
            if rng.random() < 0.5:
                review = (now + dt.timedelta(days=rng.randrange(10, 90))).date().isoformat()
                db.execute(
                    "INSERT INTO support_plans (uuid, student_id, version, situation, family, difficulties, study_plan,"
                    " growth_advice, further_study, review_date, created_at, created_by) VALUES (:u, :s, 1,"
                    " '性格内向，近期情绪低落', '父母在外务工，与祖父母同住', '人际交往困难，作业拖延',"
                    " '每周与班主任面谈一次，制定每日学习清单', '参加兴趣社团，多与同伴交流', '按计划升入本校高中部',"
                    " :r, :at, '心理教师')", {"u": clock.new_uuid(), "s": sid, "r": review, "at": at})


def add_staff_and_head_teachers(session: Session, rng: random.Random) -> None:
    """A head teacher for every class, one full-time and one part-time psychological teacher."""
    from app.school.classes import list_classes, set_head_teacher
    from app.school.staff import add_staff

    db = session.db
    with db.transaction():
        add_staff(db, "李" + make_name(rng)[1:], "psych_fulltime", f"1{rng.choice('3578')}{rng.randrange(10**9):09d}")
        add_staff(db, make_name(rng), "psych_parttime")
        for cls in list_classes(db):
            staff_id = add_staff(db, make_name(rng), "head_teacher", f"1{rng.choice('3578')}{rng.randrange(10**9):09d}")
            set_head_teacher(db, cls.id, staff_id)


def populate_school(session: Session, n_students: int = 600, seed: int = 7,
                    grades: tuple[int, ...] = (4, 5, 6, 7, 8, 9)) -> list[int]:
    """Fill a fresh vault with a synthetic school and every capability's demo records."""
    rng = random.Random(seed)
    today = clock.today()
    start = today.year if today.month >= 9 else today.year - 1
    for y in range(start - 5, start + 1):
        ensure_year(session.db, y)
    students = generate_students(n_students, seed=seed, grades=grades, class_size=40)
    ids = insert_students(session, students)
    add_staff_and_head_teachers(session, random.Random(seed + 1))  # own generator: other demo data unchanged
    add_tags_and_plans(session, rng, ids)
    for populate in capability.current().demo_populators():
        populate(session, rng, ids)
    return ids
