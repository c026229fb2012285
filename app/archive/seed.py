"""Seeding a synthetic school (``--demo``, the benchmarks, tests): student rows with a guardian and their
enrolment event, written by the archive that owns those tables. No real person's data."""
from __future__ import annotations

from dataclasses import dataclass

from app import clock
from app.pinyin import pinyin_keys
from app.policy import can_manage_roster, require
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
