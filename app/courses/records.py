"""Writing and reading lessons, activities, parent-school sessions and the monthly pushes to parents.

Every public write takes the session, checks a rule (``can_keep_courses``; a head teacher logs their own class's
lessons and class activities under ``can_log_class_courses``), runs one transaction and audits inside it."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from app import clock
from app.courses.model import ACTIVITY_KINDS, FORMS, SCOPES, THEMES
from app.errors import InputRejected
from app.policy import can_keep_courses, can_log_class_courses, class_scope, require
from app.school.classnames import grade_name
from app.session import Session
from app.store.db import Database

MAX_PERIODS = 20
MAX_TEXT = 200
TABLES = {"lesson": "course_lessons", "activity": "course_activities", "parent_school": "parent_school_sessions",
          "push": "parent_pushes"}
WHAT = {"lesson": "心理课", "activity": "主题活动", "parent_school": "家长学校", "push": "家长推送"}


@dataclass
class LessonInput:
    held_on: str
    class_id: int
    topic: str
    periods: float = 1
    teacher: str = ""
    staff_id: int | None = None
    theme: str = ""
    form: str = ""
    note: str = ""


@dataclass
class ActivityInput:
    held_on: str
    scope: str
    kind: str
    title: str
    class_id: int | None = None
    grade: int | None = None
    periods: float = 1
    teacher: str = ""
    staff_id: int | None = None
    note: str = ""


@dataclass
class ParentSessionInput:
    held_on: str
    topic: str
    hours: float
    scope: str = "school"
    class_id: int | None = None
    grade: int | None = None
    speaker: str = ""
    mental_health: bool = True
    note: str = ""


@dataclass
class PushInput:
    pushed_on: str
    title: str
    channel: str = ""
    note: str = ""


@dataclass(frozen=True)
class Entry:
    """A lesson or an activity as lists show it."""

    id: int
    kind: str            # lesson | activity
    held_on: str
    place: str           # the class name, 七年级 (a grade) or 全校
    scope: str
    class_id: int | None
    grade: int | None
    what: str            # the activity kind, or 心理课
    title: str
    periods: float
    teacher: str
    theme: str = ""
    form: str = ""
    note: str = ""


# -- checks ----------------------------------------------------------------------------------------
def check_day(value: str | dt.date, what: str = "日期") -> str:
    if isinstance(value, dt.date):
        day = value
    else:
        try:
            day = dt.date.fromisoformat(str(value).strip()[:10])
        except ValueError:
            raise InputRejected(f"{what}“{value}”不是有效的日期，请写成 2026-11-05 这样的格式。") from None
    if day > clock.today():
        raise InputRejected(f"{what} {day.isoformat()} 晚于今天：这里登记已经开展的课程和活动。")
    return day.isoformat()


def _text(value: str, what: str, *, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise InputRejected(f"请填写{what}。")
    if len(text) > MAX_TEXT:
        raise InputRejected(f"{what}不能超过 {MAX_TEXT} 个字。")
    return text


def check_periods(value: Any, what: str = "课时") -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InputRejected(f"{what}“{value}”不是数字，请填 1、2 或 0.5 这样的数。") from None
    if not 0 < number <= MAX_PERIODS:
        raise InputRejected(f"{what}应大于 0 且不超过 {MAX_PERIODS}，现在是 {value}。")
    return number


def _class_exists(db: Database, class_id: int | None) -> None:
    if class_id is None or db.scalar("SELECT 1 FROM classes WHERE id = :c", {"c": class_id}) is None:
        raise InputRejected("请选择班级（所选班级不存在，可能已被删除）。")


def _teacher(db: Database, teacher: str, staff_id: int | None) -> tuple[int | None, str]:
    """A staff member's id and name; a name the staff list lacks is kept as written."""
    if staff_id is not None:
        name = db.scalar("SELECT name FROM staff WHERE id = :i", {"i": staff_id})
        if name is None:
            raise InputRejected("所选教师不在教职工名单中，可能已被删除。")
        return staff_id, str(name)
    name = _text(teacher, "教师姓名")
    found = db.scalar("SELECT id FROM staff WHERE name = :n AND active = 1 ORDER BY id LIMIT 1", {"n": name}) \
        if name else None
    return (int(found) if found is not None else None), name


def _require_class_log(session: Session, class_id: int | None, what: str) -> None:
    require(session, can_log_class_courses, what)
    scope = class_scope(session.account)
    if scope is not None and class_id != scope:
        raise InputRejected(f"班主任只能{what}（本班）。全年级、全校的活动请由心理教师登记。")


# -- writing ---------------------------------------------------------------------------------------
def _insert_lesson(session: Session, data: LessonInput, import_id: int | None = None) -> int:
    """Check and write a lesson (joins the caller's transaction; no rule, no audit)."""
    db = session.db
    day = check_day(data.held_on, "上课日期")
    _class_exists(db, data.class_id)
    topic = _text(data.topic, "课题", required=True)
    periods = check_periods(data.periods)
    theme, form = _text(data.theme, "主题"), _text(data.form, "形式")
    if theme and theme not in THEMES:
        raise InputRejected(f"主题“{theme}”不在列表中，可选：{'、'.join(THEMES)}。")
    if form and form not in FORMS:
        raise InputRejected(f"形式“{form}”不在列表中，可选：{'、'.join(FORMS)}。")
    staff_id, teacher = _teacher(db, data.teacher, data.staff_id)
    cur = db.execute(
        "INSERT INTO course_lessons (uuid, held_on, class_id, periods, staff_id, teacher, topic, theme, form, note,"
        " import_id, created_at, created_by) VALUES (:u, :d, :c, :p, :s, :t, :topic, :theme, :form, :note, :imp,"
        " :at, :by)",
        {"u": clock.new_uuid(), "d": day, "c": data.class_id, "p": periods, "s": staff_id, "t": teacher,
         "topic": topic, "theme": theme, "form": form, "note": _text(data.note, "备注"), "imp": import_id,
         "at": clock.now_iso(), "by": session.account.label})
    return int(cur.lastrowid or 0)


def _insert_activity(session: Session, data: ActivityInput, import_id: int | None = None) -> int:
    db = session.db
    day = check_day(data.held_on, "活动日期")
    if data.scope not in SCOPES:
        raise InputRejected(f"范围应为 {'、'.join(SCOPES.values())} 之一。")
    class_id, grade = data.class_id, data.grade
    if data.scope == "class":
        _class_exists(db, class_id)
        grade = None
    elif data.scope == "grade":
        if grade is None or db.scalar("SELECT 1 FROM classes WHERE grade = :g", {"g": grade}) is None:
            raise InputRejected("请选择年级（学校没有这个年级的班级）。")
        class_id = None
    else:
        class_id = grade = None
    kind = _text(data.kind, "活动类型", required=True)
    if kind not in ACTIVITY_KINDS:
        raise InputRejected(f"活动类型“{kind}”不在列表中，可选：{'、'.join(ACTIVITY_KINDS)}。")
    title = _text(data.title, "活动主题", required=True)
    periods = 0.0 if data.periods in (0, "0") else check_periods(data.periods)
    staff_id, teacher = _teacher(db, data.teacher, data.staff_id)
    cur = db.execute(
        "INSERT INTO course_activities (uuid, held_on, scope, class_id, grade, kind, title, periods, staff_id,"
        " teacher, note, import_id, created_at, created_by) VALUES (:u, :d, :scope, :c, :g, :k, :title, :p, :s, :t,"
        " :note, :imp, :at, :by)",
        {"u": clock.new_uuid(), "d": day, "scope": data.scope, "c": class_id, "g": grade, "k": kind,
         "title": title, "p": periods, "s": staff_id, "t": teacher, "note": _text(data.note, "备注"),
         "imp": import_id, "at": clock.now_iso(), "by": session.account.label})
    return int(cur.lastrowid or 0)


def add_lesson(session: Session, data: LessonInput) -> int:
    _require_class_log(session, data.class_id, "登记心理课")
    with session.db.transaction():
        lesson_id = _insert_lesson(session, data)
        session.audit("edit", f"course_lessons:{lesson_id}", {"create": "lesson", "class_id": data.class_id,
                                                               "held_on": data.held_on})
    return lesson_id


def add_activity(session: Session, data: ActivityInput) -> int:
    if data.scope == "class":
        _require_class_log(session, data.class_id, "登记班级活动")
    else:
        require(session, can_keep_courses, "登记全年级或全校的活动")
    with session.db.transaction():
        activity_id = _insert_activity(session, data)
        session.audit("edit", f"course_activities:{activity_id}", {"create": data.kind, "scope": data.scope,
                                                                    "held_on": data.held_on})
    return activity_id


def add_parent_session(session: Session, data: ParentSessionInput) -> int:
    require(session, can_keep_courses, "登记家长学校")
    db = session.db
    day = check_day(data.held_on, "日期")
    topic = _text(data.topic, "主题", required=True)
    hours = check_periods(data.hours, "课时")
    if data.scope not in SCOPES:
        raise InputRejected(f"范围应为 {'、'.join(SCOPES.values())} 之一。")
    if data.scope == "class":
        _class_exists(db, data.class_id)
    if data.scope == "grade" and data.grade is None:
        raise InputRejected("请选择年级。")
    with db.transaction():
        cur = db.execute(
            "INSERT INTO parent_school_sessions (uuid, held_on, topic, hours, scope, class_id, grade, speaker,"
            " mental_health, note, created_at, created_by) VALUES (:u, :d, :t, :h, :s, :c, :g, :sp, :m, :n, :at,"
            " :by)",
            {"u": clock.new_uuid(), "d": day, "t": topic, "h": hours, "s": data.scope,
             "c": data.class_id if data.scope == "class" else None,
             "g": data.grade if data.scope == "grade" else None, "sp": _text(data.speaker, "主讲人"),
             "m": int(data.mental_health), "n": _text(data.note, "备注"), "at": clock.now_iso(),
             "by": session.account.label})
        sid = int(cur.lastrowid or 0)
        session.audit("edit", f"parent_school_sessions:{sid}", {"create": topic, "hours": hours, "held_on": day})
    return sid


def add_push(session: Session, data: PushInput) -> int:
    require(session, can_keep_courses, "登记家长推送")
    day = check_day(data.pushed_on, "推送日期")
    title = _text(data.title, "推送内容", required=True)
    with session.db.transaction():
        cur = session.db.execute(
            "INSERT INTO parent_pushes (uuid, pushed_on, title, channel, note, created_at, created_by) VALUES"
            " (:u, :d, :t, :ch, :n, :at, :by)",
            {"u": clock.new_uuid(), "d": day, "t": title, "ch": _text(data.channel, "渠道"),
             "n": _text(data.note, "备注"), "at": clock.now_iso(), "by": session.account.label})
        pid = int(cur.lastrowid or 0)
        session.audit("edit", f"parent_pushes:{pid}", {"create": title, "pushed_on": day})
    return pid


def remove_entry(session: Session, kind: str, entry_id: int) -> None:
    """Withdraw a record entered by mistake (kept, marked deleted); audited. A head teacher withdraws only their own
    class's lessons and class activities."""
    table = TABLES.get(kind)
    if table is None:
        raise InputRejected(f"未知的记录类型“{kind}”。")
    db = session.db
    cols = "class_id" if kind in ("lesson", "activity") else "NULL"
    row = db.one(f"SELECT {cols} FROM {table} WHERE id = :i AND deleted_at IS NULL", {"i": entry_id})
    if row is None:
        raise InputRejected(f"这条{WHAT[kind]}记录不存在，可能已被删除。")
    if kind in ("lesson", "activity") and row[0] is not None:
        _require_class_log(session, int(row[0]), f"删除{WHAT[kind]}记录")
    else:
        require(session, can_keep_courses, f"删除{WHAT[kind]}记录")
    with db.transaction():
        db.execute(f"UPDATE {table} SET deleted_at = :at, deleted_by = :by WHERE id = :i",
                   {"at": clock.now_iso(), "by": session.account.label, "i": entry_id})
        session.audit("edit", f"{table}:{entry_id}", {"delete": kind})


# -- reading ---------------------------------------------------------------------------------------
def _place(scope: str, class_name: str | None, grade: int | None) -> str:
    if scope == "class":
        return class_name or ""
    if scope == "grade" and grade is not None:
        return grade_name(grade)
    return "全校"


def list_entries(session: Session, start: str, end: str, class_id: int | None = None) -> list[Entry]:
    """Lessons and activities held from ``start`` to ``end`` (inclusive ISO dates), newest first; with ``class_id``
    those of that class, including the grade- and school-wide activities that cover it."""
    db = session.db
    params: dict[str, Any] = {"s": start, "e": end, "c": class_id}
    grade = db.scalar("SELECT grade FROM classes WHERE id = :c", {"c": class_id}) if class_id is not None else None
    params["g"] = grade
    lesson_filter = "" if class_id is None else " AND l.class_id = :c"
    act_filter = "" if class_id is None else \
        " AND (a.scope = 'school' OR (a.scope = 'grade' AND a.grade = :g) OR a.class_id = :c)"
    out: list[Entry] = []
    for r in db.query("SELECT l.id, l.held_on, l.class_id, c.name, c.grade, l.topic, l.periods, l.teacher, l.theme,"
                      " l.form, l.note FROM course_lessons l JOIN classes c ON c.id = l.class_id"
                      f" WHERE l.deleted_at IS NULL AND l.held_on BETWEEN :s AND :e{lesson_filter}", params):
        out.append(Entry(r[0], "lesson", r[1], r[3], "class", r[2], r[4], "心理课", r[5], float(r[6]), r[7],
                         r[8], r[9], r[10]))
    for r in db.query("SELECT a.id, a.held_on, a.scope, a.class_id, c.name, a.grade, a.kind, a.title, a.periods,"
                      " a.teacher, a.note FROM course_activities a LEFT JOIN classes c ON c.id = a.class_id"
                      f" WHERE a.deleted_at IS NULL AND a.held_on BETWEEN :s AND :e{act_filter}", params):
        out.append(Entry(r[0], "activity", r[1], _place(r[2], r[4], r[5]), r[2], r[3], r[5], r[6], r[7],
                         float(r[8]), r[9], note=r[10]))
    out.sort(key=lambda e: (e.held_on, e.kind, e.id), reverse=True)
    return out


@dataclass(frozen=True)
class ParentSession:
    id: int
    held_on: str
    topic: str
    hours: float
    place: str
    speaker: str
    mental_health: bool


@dataclass(frozen=True)
class Push:
    id: int
    pushed_on: str
    title: str
    channel: str


def list_parent_sessions(session: Session, start: str, end: str) -> list[ParentSession]:
    rows = session.db.query(
        "SELECT p.id, p.held_on, p.topic, p.hours, p.scope, c.name, p.grade, p.speaker, p.mental_health"
        " FROM parent_school_sessions p LEFT JOIN classes c ON c.id = p.class_id"
        " WHERE p.deleted_at IS NULL AND p.held_on BETWEEN :s AND :e ORDER BY p.held_on", {"s": start, "e": end})
    return [ParentSession(r[0], r[1], r[2], float(r[3]), _place(r[4], r[5], r[6]), r[7], bool(r[8])) for r in rows]


def list_pushes(session: Session, start: str, end: str) -> list[Push]:
    rows = session.db.query("SELECT id, pushed_on, title, channel FROM parent_pushes WHERE deleted_at IS NULL"
                            " AND pushed_on BETWEEN :s AND :e ORDER BY pushed_on", {"s": start, "e": end})
    return [Push(r[0], r[1], r[2], r[3]) for r in rows]
