"""Students: reading, listing with filters, and the in-memory search index for search-as-you-type."""
from __future__ import annotations

import threading
from dataclasses import dataclass

from app import capability
from app.accounts.model import Account
from app.archive.tags import FOCUS_TAGS, active_tags, confidential_tags, student_active_tags, visible_tags
from app.errors import PermissionDenied, XinqiaoError
from app.policy import class_scope, in_scope, sees_unreviewed_levels, sees_warning_levels
from app.store.db import Database, Row
from app.text import normalize_text

__all__ = ["FOCUS_TAGS", "STATUSES", "Student", "StudentFilter", "StudentIndex", "IndexEntry", "get_student",
           "find_by_registry", "list_students", "warning_levels", "reviewed_levels", "visible_levels", "check_visible",
           "Guardian", "focus_student_ids"]
STATUSES = ["在读", "转出", "毕业", "休学"]


@dataclass(frozen=True)
class Guardian:
    name: str
    relation: str
    phone: str


@dataclass(frozen=True)
class Student:
    id: int
    uuid: str
    registry_no: str
    name: str
    gender: str
    birth_date: str
    class_id: int | None
    class_name: str
    grade: int | None
    status: str
    ethnicity: str = ""
    boarding: bool = False
    left_behind: bool = False
    address: str = ""
    id_number: str = ""
    guardians: tuple[Guardian, ...] = ()
    tags: tuple[str, ...] = ()
    warning_level: int | None = None

    def as_json(self) -> dict[str, object]:
        from app.school.classnames import grade_name

        return {"registry_no": self.registry_no, "name": self.name, "gender": self.gender,
                "birth_date": self.birth_date, "grade": grade_name(self.grade) if self.grade else "",
                "grade_number": self.grade, "class_name": self.class_name, "status": self.status,
                "tags": list(self.tags), "warning_level": self.warning_level}


_SELECT = ("SELECT s.*, c.name AS class_name, c.grade AS grade FROM students s"
           " LEFT JOIN classes c ON c.id = s.class_id")


def _student(r: Row, guardians: tuple[Guardian, ...] = (), tags: tuple[str, ...] = (),
             level: int | None = None) -> Student:
    return Student(id=r["id"], uuid=r["uuid"], registry_no=r["registry_no"], name=r["name"], gender=r["gender"],
                   birth_date=r["birth_date"], class_id=r["class_id"], class_name=r["class_name"] or "",
                   grade=r["grade"], status=r["status"], ethnicity=r["ethnicity"], boarding=bool(r["boarding"]),
                   left_behind=bool(r["left_behind"]), address=r["address"], id_number=r["id_number"],
                   guardians=guardians, tags=tags, warning_level=level)


def check_visible(account: Account, student: Student) -> None:
    if not in_scope(account, student.class_id):
        raise PermissionDenied("班主任只能查看本班学生的档案。")


def get_student(db: Database, account: Account, student_id: int) -> Student:
    r = db.one(_SELECT + " WHERE s.id = :id", {"id": student_id})
    if r is None:
        raise XinqiaoError("找不到该学生。")
    guardians = tuple(Guardian(g["name"], g["relation"], g["phone"]) for g in db.query(
        "SELECT name, relation, phone FROM guardians WHERE student_id = :id ORDER BY sort, id", {"id": student_id}))
    tags = tuple(visible_tags(account, student_active_tags(db, student_id), confidential_tags(db)))
    s = _student(r, guardians, tags, visible_levels(db, account).get(student_id))
    check_visible(account, s)
    return s


def find_by_registry(db: Database, account: Account, registry_no: str) -> Student | None:
    r = db.scalar("SELECT id FROM students WHERE registry_no = :r", {"r": normalize_text(registry_no).upper()})
    return get_student(db, account, int(r)) if r is not None else None


# -- warning levels: provided by a capability (screening) through ``Capability.warning_levels`` -----------
def _merge(results: list[dict[int, int]]) -> dict[int, int]:
    levels: dict[int, int] = {}
    for got in results:
        for sid, lvl in got.items():
            if lvl and (sid not in levels or lvl < levels[sid]):
                levels[sid] = lvl
    return levels


def warning_levels(db: Database) -> dict[int, int]:
    """Each student's most urgent level (1 is the most urgent) over every declared provider, provisional ones
    included: the counselor's view. Show another account ``visible_levels`` instead."""
    return _merge([fn(db) for fn in capability.current().level_providers()])


def reviewed_levels(db: Database) -> dict[int, int]:
    """Each student's level as the counselor last reviewed it: nothing the machine assigned and nobody reviewed."""
    return _merge([fn(db) for fn in capability.current().reviewed_level_providers()])


def visible_levels(db: Database, account: Account) -> dict[int, int]:
    """The levels this account may see: every level for a counselor, reviewed ones for a head teacher (the caller
    scopes to their class), none for a 管理员."""
    if sees_unreviewed_levels(account):
        return warning_levels(db)
    if sees_warning_levels(account):
        return reviewed_levels(db)
    return {}


def focus_student_ids(db: Database, account: Account | None = None) -> set[int]:
    """Who counts as a 重点学生, the one answer wherever they are counted (home visits, 一反馈, coverage): an active
    focus tag, a confirmed warning level, or an open crisis case (``Capability.focus``).

    With ``account``, only reasons that account may see count: a head teacher's list never makes a student a focus
    student by a confidential tag alone (that would tell them the tag exists)."""
    tags = active_tags(db)
    if account is None:
        ids = set(tags)
    else:
        hidden = confidential_tags(db)
        ids = {sid for sid, ts in tags.items() if visible_tags(account, ts, hidden)}
    ids |= set(reviewed_levels(db))
    for fn in capability.current().focus_providers():
        ids |= set(fn(db))
    return ids


@dataclass
class StudentFilter:
    grade: int | None = None
    class_id: int | None = None
    tag: str | None = None
    level: int | None = None
    search: str = ""
    include_left: bool = False


@dataclass
class _Entry:
    id: int
    registry_no: str
    name: str
    gender: str
    birth_date: str
    class_id: int | None
    class_name: str
    grade: int | None
    status: str
    keys: str  # name, full pinyin, initials, registry number: lower case, joined by \x00
    all_tags: frozenset[str] = frozenset()   # every tier: show ``StudentIndex.tags_of(account, entry)`` instead


IndexEntry = _Entry  # one student as held by the index (read-only for callers)


class StudentIndex:
    """All students in memory for instant search-as-you-type (20,000 rows is a few MB).

    Built once after unlock (or after an import) from one query; each keystroke filters in memory. The index
    holds every tag and level; what an account sees of them goes through ``tags_of`` and ``levels_for`` (the
    tier rules of app/policy.py), and the filters match only what the account sees.
    """

    def __init__(self, db: Database) -> None:
        self._lock = threading.Lock()
        self.entries: list[_Entry] = []
        self._levels: dict[int, int] = {}
        self._reviewed: dict[int, int] = {}
        self._confidential: frozenset[str] = frozenset()
        self.reload(db)

    def reload(self, db: Database) -> None:
        rows = db.query("SELECT s.id, s.registry_no, s.name, s.gender, s.birth_date, s.class_id, s.status,"
                        " s.pinyin_full, s.pinyin_initials, c.name, c.grade FROM students s"
                        " LEFT JOIN classes c ON c.id = s.class_id ORDER BY c.grade, c.number, s.pinyin_full")
        tags = active_tags(db)
        empty: frozenset[str] = frozenset()
        entries = [
            _Entry(r[0], r[1], r[2], r[3], r[4], r[5], r[9] or "", r[10], r[6],
                   "\x00".join((r[2], r[7], r[8], r[1].lower())), frozenset(tags[r[0]]) if r[0] in tags else empty)
            for r in rows]
        levels, reviewed, confidential = warning_levels(db), reviewed_levels(db), confidential_tags(db)
        with self._lock:
            self.entries = entries
            self._levels, self._reviewed, self._confidential = levels, reviewed, confidential

    def levels_for(self, account: Account) -> dict[int, int]:
        """The levels this account may see (``visible_levels``): all, reviewed only, or none."""
        if sees_unreviewed_levels(account):
            return self._levels
        if sees_warning_levels(account):
            return self._reviewed
        return {}

    def tags_of(self, account: Account, entry: IndexEntry) -> list[str]:
        """The entry's active tags this account may see, sorted."""
        if not entry.all_tags:
            return []
        return sorted(visible_tags(account, entry.all_tags, self._confidential))

    def matching(self, account: Account, flt: StudentFilter, limit: int | None = None) -> list[IndexEntry]:
        """The index entries that pass the filter, in index order: cheap (no objects built), for list views."""
        q = normalize_text(flt.search).lower().replace(" ", "")
        scope = class_scope(account)
        out: list[IndexEntry] = []
        with self._lock:
            entries = self.entries
            levels = self.levels_for(account)
            confidential = self._confidential
        tag = flt.tag
        if tag and not visible_tags(account, [tag], confidential):
            return []   # a tag this account may not see matches nobody (its existence is not told)
        for e in entries:
            if scope is not None and e.class_id != scope:
                continue
            if not flt.include_left and e.status != "在读":
                continue
            if flt.grade is not None and e.grade != flt.grade:
                continue
            if flt.class_id is not None and e.class_id != flt.class_id:
                continue
            if tag and tag not in e.all_tags:
                continue
            if flt.level is not None and levels.get(e.id) != flt.level:
                continue
            if q and q not in e.keys:
                continue
            out.append(e)
            if limit is not None and len(out) >= limit:
                break
        return out

    def level_of(self, account: Account, student_id: int) -> int | None:
        return self.levels_for(account).get(student_id)

    def search(self, account: Account, flt: StudentFilter, limit: int | None = None) -> list[Student]:
        levels = self.levels_for(account)
        return [Student(id=e.id, uuid="", registry_no=e.registry_no, name=e.name, gender=e.gender,
                        birth_date=e.birth_date, class_id=e.class_id, class_name=e.class_name,
                        grade=e.grade, status=e.status, tags=tuple(self.tags_of(account, e)),
                        warning_level=levels.get(e.id))
                for e in self.matching(account, flt, limit)]


def list_students(db: Database, account: Account, flt: StudentFilter) -> list[Student]:
    return StudentIndex(db).search(account, flt)
