"""Coverage per class and semester: 一生一谈 (every student talked with once a semester), a home visit of every focus
student, and a feedback to parents (一反馈: parent meeting, phone call or home visit, or a 学期反馈 letter marked
delivered, which the letters capability reports through ``Capability.parent_feedback``) of every student or of the focus
students only, as the school sets it (``FEEDBACK_SCOPE_SETTING``, default every student).

Focus students (重点学生) are the archive's one answer, ``app.archive.students.focus_student_ids``: an active focus
tag, a confirmed warning level, or an open crisis case. Coverage names focus students: a 管理员 is refused."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from app import capability
from app.archive.students import focus_student_ids
from app.casework.model import PARENT_FEEDBACK_KINDS, StudentRef
from app.errors import InputRejected, PermissionDenied
from app.policy import can_manage_school, in_scope, require, sees_focus_tags
from app.school.calendar import Semester, semester_for
from app.school.classes import list_classes
from app.session import Session
from app.store.db import Database
from app.store.settings import get_setting, set_setting

FEEDBACK_SCOPE_SETTING = "casework.feedback_scope"
FEEDBACK_SCOPES = {"all": "全体学生", "focus": "仅重点学生"}


def feedback_scope(db: Database) -> str:
    """Whom 一反馈 covers: ``all`` (every student, the default) or ``focus`` (focus students only)."""
    value = get_setting(db, FEEDBACK_SCOPE_SETTING, "all")
    return value if value in FEEDBACK_SCOPES else "all"


def set_feedback_scope(session: Session, scope: str) -> None:
    require(session, can_manage_school, "设置一反馈的范围")
    if scope not in FEEDBACK_SCOPES:
        raise InputRejected(f"一反馈的范围只能是 all（全体学生）或 focus（仅重点学生），不能是“{scope}”。")
    with session.db.transaction():
        before = feedback_scope(session.db)
        set_setting(session.db, FEEDBACK_SCOPE_SETTING, scope)
        session.audit("settings", FEEDBACK_SCOPE_SETTING, {"from": before, "to": scope})


@dataclass
class Measure:
    label: str
    done: list[StudentRef] = field(default_factory=list)
    missing: list[StudentRef] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.done) + len(self.missing)

    @property
    def ratio(self) -> float:
        return len(self.done) / self.total if self.total else 1.0

    def as_json(self) -> dict[str, Any]:
        return {"label": self.label, "done": len(self.done), "total": self.total,
                "missing": [{"registry_no": s.registry_no, "name": s.name} for s in self.missing]}


@dataclass
class ClassCoverage:
    class_id: int
    class_name: str
    semester: str
    students: int
    talk: Measure
    home_visit: Measure
    feedback: Measure

    def as_json(self) -> dict[str, Any]:
        return {"class_name": self.class_name, "semester": self.semester, "students": self.students,
                "talk": self.talk.as_json(), "home_visit": self.home_visit.as_json(),
                "feedback": self.feedback.as_json()}


def current_semester(session: Session, today: dt.date | None = None) -> Semester:
    from app import clock

    day = today or clock.today()
    sem = semester_for(session.db, day)
    if sem is None:  # the school's calendar lacks it: a state to fix, not a permission refused
        raise InputRejected(f"{day.year} 年 {day.month} 月 {day.day} 日不在已设置的任何学期内（尚未设置这一学年或学期日期）。"
                            "请管理员在 设置 → 学校 → 学年与学期 中添加这一学年，填好学期起止日期后再查看。")
    return sem


def class_coverage(session: Session, class_id: int, semester: Semester) -> ClassCoverage:
    require(session, sees_focus_tags, "查看一生一谈与重点学生的完成情况")
    if not in_scope(session.account, class_id):
        raise PermissionDenied("班主任只能查看本班的情况。")
    return _coverage(session, [class_id], semester)[0]


def school_coverage(session: Session, semester: Semester) -> list[ClassCoverage]:
    """Every class the account may see (a head teacher: their own)."""
    require(session, sees_focus_tags, "查看一生一谈与重点学生的完成情况")
    ids = [c.id for c in list_classes(session.db) if in_scope(session.account, c.id)]
    return _coverage(session, ids, semester)


def _coverage(session: Session, class_ids: list[int], semester: Semester) -> list[ClassCoverage]:
    db = session.db
    if not class_ids:
        return []
    marks = ",".join("?" * len(class_ids))
    names = {r[0]: r[1] for r in db.query(f"SELECT id, name FROM classes WHERE id IN ({marks})", class_ids)}
    students: dict[int, list[StudentRef]] = {cid: [] for cid in class_ids}
    for r in db.query(f"SELECT s.id, s.registry_no, s.name, s.class_id FROM students s WHERE s.status = '在读'"
                      f" AND s.class_id IN ({marks}) ORDER BY s.pinyin_full", class_ids):
        students[r[3]].append(StudentRef(r[0], r[1], r[2], r[3], names.get(r[3], "")))
    focus = focus_student_ids(db, session.account)
    everyone_feedback = feedback_scope(db) == "all"
    end = (dt.date.fromisoformat(semester.end_date) + dt.timedelta(days=1)).isoformat()
    done: dict[str, set[int]] = {"talk": set(), "home_visit": set(), "feedback": set()}
    for sid, kind in db.query(
            f"SELECT DISTINCT a.student_id, r.kind FROM case_records r JOIN case_attendance a ON a.record_id = r.id"
            f" JOIN students s ON s.id = a.student_id WHERE r.deleted_at IS NULL AND r.occurred_at >= ?"
            f" AND r.occurred_at < ? AND s.class_id IN ({marks})", [semester.start_date, end, *class_ids]):
        if kind == "talk":
            done["talk"].add(sid)
        if kind == "home_visit":
            done["home_visit"].add(sid)
        if kind in PARENT_FEEDBACK_KINDS:
            done["feedback"].add(sid)
    for provider in capability.current().parent_feedback_providers():   # e.g. a 学期反馈 letter delivered
        done["feedback"] |= provider(db, class_ids, semester.start_date, end)
    out = []
    for cid in class_ids:
        everyone = students[cid]
        focused = [s for s in everyone if s.id in focus]
        measures = {
            "talk": Measure("一生一谈", *_split(everyone, done["talk"])),
            "home_visit": Measure("重点学生家访", *_split(focused, done["home_visit"])),
            "feedback": (Measure("家长反馈", *_split(everyone, done["feedback"])) if everyone_feedback
                         else Measure("重点学生家长反馈", *_split(focused, done["feedback"]))),
        }
        out.append(ClassCoverage(cid, names.get(cid, ""), semester.name, len(everyone), measures["talk"],
                                 measures["home_visit"], measures["feedback"]))
    return out


def _split(people: list[StudentRef], done: set[int]) -> tuple[list[StudentRef], list[StudentRef]]:
    return [s for s in people if s.id in done], [s for s in people if s.id not in done]
