"""One student matcher for every importer: a row's registry number (学籍号), else its ID number (身份证号), else its
name with its class. One set of Chinese messages, each naming the sheet row's field.

A match by name (with or without a class) is only a guess: importers mark it ``by == "name_class"`` and write it
only once the user confirms it (the preview lists such rows; the window shows them with check boxes, the command
lines take ``--confirm-name-matches``). A head teacher's import matches only the students of their own class.
"""
from __future__ import annotations

from dataclasses import dataclass

from app.policy import class_scope
from app.school.classnames import ClassRef, parse_class, parse_grade
from app.session import Session
from app.text import normalize_text

BY_REGISTRY = "registry"
BY_ID_NUMBER = "id_number"
BY_NAME = "name_class"   # the one kind of match that needs the user's confirmation


@dataclass(frozen=True)
class KnownStudent:
    id: int
    registry_no: str
    name: str
    id_number: str
    class_id: int | None
    class_key: tuple[int, int] | None
    class_name: str
    status: str


@dataclass(frozen=True)
class Match:
    student: KnownStudent
    by: str  # BY_REGISTRY, BY_ID_NUMBER or BY_NAME

    @property
    def needs_confirmation(self) -> bool:
        return self.by == BY_NAME


@dataclass(frozen=True)
class MatchProblem:
    """Why a row matched no student: the field (``registry_no``, ``id_number``, ``name``, ``class``), the reason in
    Chinese, and the cell's text."""

    field: str
    reason: str
    value: str = ""


def _key(text: str) -> str:
    return normalize_text(text or "").replace(" ", "")


def _code(text: str) -> str:
    return _key(text).upper()


class StudentMatcher:
    """The school's students loaded once per preview; ``match`` is called for each row."""

    def __init__(self, students: list[KnownStudent], scope: int | None = None,
                 classes: dict[tuple[int, int], int] | None = None) -> None:
        self.scope = scope
        self.by_registry: dict[str, KnownStudent] = {}
        self.by_id_number: dict[str, KnownStudent] = {}
        self.by_name: dict[str, list[KnownStudent]] = {}
        self.classes: dict[tuple[int, int], int] = dict(classes or {})  # (grade, number) -> class id
        for s in students:
            self.by_registry[_code(s.registry_no)] = s
            if s.id_number:
                self.by_id_number[_code(s.id_number)] = s
            self.by_name.setdefault(_key(s.name), []).append(s)
            if s.class_key is not None and s.class_id is not None:
                self.classes.setdefault(s.class_key, s.class_id)

    @classmethod
    def load(cls, session: Session) -> StudentMatcher:
        """Every student of the school (a head teacher's import then matches only within their class)."""
        students = [KnownStudent(r[0], r[1], r[2], r[3] or "", r[4], (r[5], r[6]) if r[5] is not None else None,
                                 r[7] or "", r[8])
                    for r in session.db.query(
                        "SELECT s.id, s.registry_no, s.name, s.id_number, s.class_id, c.grade, c.number, c.name,"
                        " s.status FROM students s LEFT JOIN classes c ON c.id = s.class_id ORDER BY s.id")]
        classes = {(r[1], r[2]): r[0] for r in session.db.query("SELECT id, grade, number FROM classes")}
        return cls(students, class_scope(session.account), classes)

    # -- the one entry point ----------------------------------------------------------------------------------
    def match(self, *, registry_no: str = "", id_number: str = "", name: str = "", class_text: str = "",
              grade_text: str = "") -> Match | MatchProblem:
        registry, idn, name_key = _code(registry_no), _code(id_number), _key(name)
        if registry:
            found = self.by_registry.get(registry)
            if found is None:
                return MatchProblem("registry_no", f"档案中没有学籍号为 {registry} 的学生（未知学生），"
                                                   "请先导入花名册或核对学籍号", registry)
            return self._checked(found, BY_REGISTRY, name_key, "registry_no", "学籍号", registry)
        if idn:
            found = self.by_id_number.get(idn)
            if found is None:
                return MatchProblem("id_number", f"档案中没有身份证号为 {idn} 的学生（未知学生），"
                                                 "请核对身份证号，或改填学籍号", idn)
            return self._checked(found, BY_ID_NUMBER, name_key, "id_number", "身份证号", idn)
        if not name_key:
            return MatchProblem("name", "学籍号、身份证号和姓名都为空，无法对应学生")
        return self._by_name(name_key, class_text.strip(), grade_text.strip())

    def _checked(self, found: KnownStudent, by: str, name_key: str, field: str, kind: str,
                 code: str) -> Match | MatchProblem:
        if name_key and name_key != _key(found.name):
            return MatchProblem("name", f"姓名“{name_key}”与{kind} {code} 的学生“{found.name}”不一致"
                                        f"（{kind}与姓名不符），请核对", name_key)
        out = self._outside_scope(found, field)
        return out if out is not None else Match(found, by)

    def _by_name(self, name: str, class_text: str, grade_text: str) -> Match | MatchProblem:
        ref: ClassRef | None = None
        if class_text:
            grade_hint = parse_grade(grade_text) if grade_text else None
            ref = parse_class(class_text, grade_hint)
            if ref is None and grade_hint is not None and class_text.isascii() and class_text.isdigit():
                ref = parse_class(f"{grade_hint}.{class_text}")
            if ref is None:
                return MatchProblem("class", f"班级“{class_text}”无法识别，请写成 七年级（3）班、初一3班 或 7.3",
                                    class_text)
            if (ref.grade, ref.number) not in self.classes:
                return MatchProblem("class", f"学校没有{ref.name}（班级“{class_text}”），请核对班级，"
                                             "或先导入花名册", class_text)
        candidates = self.by_name.get(name, [])
        if ref is not None:
            candidates = [c for c in candidates if c.class_key == (ref.grade, ref.number)]
        if not candidates:
            where = ref.name if ref is not None else "档案"
            return MatchProblem("name", f"{where}中没有名为“{name}”的学生（未知学生），请核对姓名和班级", name)
        if len(candidates) > 1:
            if ref is not None:
                return MatchProblem("name", f"{ref.name}有 {len(candidates)} 名学生叫“{name}”，无法区分，"
                                            "请在该行填写学籍号或身份证号", name)
            return MatchProblem("name", f"有 {len(candidates)} 名学生叫“{name}”，请填写学籍号或班级", name)
        found = candidates[0]
        out = self._outside_scope(found, "class" if ref is not None else "name")
        return out if out is not None else Match(found, BY_NAME)

    def _outside_scope(self, found: KnownStudent, field: str) -> MatchProblem | None:
        if self.scope is None or found.class_id == self.scope:
            return None
        return MatchProblem(field, f"“{found.name}”（{found.class_name or '未分班'}）不是您所带班级的学生，"
                                   "班主任只能导入本班学生的记录", found.name)

