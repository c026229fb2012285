"""The values of the merge fields, read from the ordinary tier only: the student's name and class, the first
guardian's name, the class's head teacher, the school, the help lines, the semester, the referral directory and the
crisis manual's list of 复学 documents. No note, summary, score, level or tag is ever read here, so no confidential
text can reach a letter (tests/privacy/test_privacy_letters.py)."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from app import clock
from app.letters.layout import FilledLetter
from app.letters.templates import Template
from app.school.calendar import semester_for
from app.school.profile import help_lines
from app.session import Session

_FIELD = re.compile(r"\{([^{}\s]{1,12})\}")


@dataclass(frozen=True)
class Addressee:
    student_id: int
    registry_no: str
    name: str
    class_id: int | None
    class_name: str
    head_teacher: str
    guardian: str


def fill(text: str, values: Mapping[str, str]) -> str:
    """Each ``{字段}`` replaced by its value; an unknown one is left as written (templates are checked on save)."""
    return _FIELD.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def addressees(session: Session, student_ids: list[int]) -> list[Addressee]:
    """The students in the given order, with what a letter names (ordinary tier only)."""
    db = session.db
    rows: dict[int, Addressee] = {}
    guardians: dict[int, str] = {}
    for chunk in (student_ids[i:i + 500] for i in range(0, len(student_ids), 500)):
        marks = ",".join("?" * len(chunk))
        for g in db.query(f"SELECT student_id, name FROM guardians WHERE student_id IN ({marks}) AND name != ''"
                          f" ORDER BY sort, id", chunk):
            guardians.setdefault(g[0], g[1])
        for r in db.query(f"SELECT s.id, s.registry_no, s.name, s.class_id, coalesce(c.name, ''),"
                          f" coalesce(st.name, '') FROM students s LEFT JOIN classes c ON c.id = s.class_id"
                          f" LEFT JOIN staff st ON st.id = c.head_teacher_id WHERE s.id IN ({marks})", chunk):
            rows[r[0]] = Addressee(r[0], r[1], r[2], r[3], r[4], r[5], "")
    out = []
    for sid in student_ids:
        a = rows.get(sid)
        if a is not None:
            out.append(Addressee(a.student_id, a.registry_no, a.name, a.class_id, a.class_name, a.head_teacher,
                                 guardians.get(sid, "")))
    return out


def salutation(a: Addressee) -> str:
    return f"{a.guardian}家长" if a.guardian else f"{a.name}同学家长"


def long_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def batch_values(session: Session, template: Template, extras: Mapping[str, str], today: dt.date | None = None
                 ) -> dict[str, str]:
    """The values shared by every letter of a batch."""
    day = today or clock.today()
    db = session.db
    sem = semester_for(db, day)
    lines = help_lines(db)
    values = {"日期": long_date(day), "教师": session.account.label, "学校": session.school_name(),
              "热线": "；".join(lines), "标题": template.title, "学期": sem.name if sem else "本学期"}
    for f in template.fields:
        values[f.key] = str(extras.get(f.key, f.default) or f.default).strip() or "________"
    for k, v in extras.items():   # directory and manual values come in as extras too
        if k not in values:
            values[k] = str(v)
    return values


def filled(template: Template, a: Addressee, shared: Mapping[str, str], help_lines_: tuple[str, ...],
           school: str) -> FilledLetter:
    values = dict(shared)
    values.update({"学生姓名": a.name, "班级": a.class_name or "（未分班）", "家长称呼": salutation(a),
                   "班主任": a.head_teacher or "________"})
    title = fill(template.title, values)
    values["标题"] = title
    return FilledLetter(school, title, fill(template.body, values), fill(template.signature, values),
                        fill(template.receipt, values), help_lines_)
