"""Seeding a synthetic school (``--demo``, the benchmarks, tests): student rows with a guardian and their
enrolment event, written by the archive that owns those tables. No real person's data."""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from app import clock
from app.archive.plans import insert_plan
from app.archive.tags import confidential_tags, store_tag
from app.pinyin import pinyin_keys
from app.policy import can_counsel, can_manage_roster, require
from app.school.classes import ensure_class
from app.school.classnames import ClassRef
from app.session import Session

ETHNICITIES = ["汉族"] * 18 + ["回族", "满族"]


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


def insert_students(session: Session, students: list[DemoStudent]) -> list[int]:
    """Bulk insert (one transaction); returns the new ids. Synthetic rows, so no audit line (the roster import
    is the audited way students arrive)."""
    require(session, can_manage_roster, "添加学生")
    db = session.db
    now = clock.now_iso()
    ids = []
    with db.transaction():
        classes: dict[tuple[int, int], int] = {}
        for s in students:
            key = (s.grade, s.class_no)
            if key not in classes:
                classes[key] = ensure_class(session, ClassRef(*key))
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


# The demo draws from the categories the first versions had, so that the demo school (one shared random generator)
# stays the same as the list of categories grows; 既往心理问题 among them is of the confidential tier.
DEMO_TAGS = ("留守", "单亲", "经济困难", "学业压力", "校园欺凌", "家庭变故", "身体疾病或残疾", "既往心理问题")


_DEMO_PLAN = {"situation": "性格内向，近期情绪低落", "family": "父母在外务工，与祖父母同住",
              "difficulties": "人际交往困难，作业拖延", "study_plan": "每周与班主任面谈一次，制定每日学习清单",
              "growth_advice": "参加兴趣社团，多与同伴交流", "further_study": "按计划升入本校高中部"}


def add_tags_and_plans(session: Session, rng: random.Random, ids: list[int], share: float = 0.06) -> None:
    """Focus tags on a share of the students, and a first support plan for half of them (synthetic text)."""
    require(session, can_counsel, "设置重点关注标签")
    session.require_confidential()
    db = session.db
    now = clock.now()
    hidden = confidential_tags(db)
    with db.transaction():
        for sid in ids:
            if rng.random() >= share:
                continue
            tag = rng.choice(DEMO_TAGS)
            at = (now - dt.timedelta(days=rng.randrange(1, 300))).isoformat(timespec="seconds")
            store_tag(db, sid, tag, "班主任反映，需持续关注", at, "心理教师", hidden)
            if rng.random() < 0.5:
                review = (now + dt.timedelta(days=rng.randrange(10, 90))).date().isoformat()
                insert_plan(db, sid, 1, _DEMO_PLAN, review, "", at, "心理教师")
