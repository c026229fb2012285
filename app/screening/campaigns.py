"""Campaigns (测评活动): name, semester, scale per grade, window, target students with guardian consent, progress."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from app import clock
from app.errors import InputRejected
from app.policy import can_manage_screening, class_scope, in_scope, require
from app.school.calendar import semester_for
from app.school.classnames import grade_name, stage_of
from app.screening.scales import get_scale
from app.session import Session
from app.store.db import Database

TARGET_CHUNK = 2000
CONSENT_LABELS = {"given": "已同意", "refused": "拒绝", "pending": "待回执"}


@dataclass(frozen=True)
class Campaign:
    id: int
    name: str
    semester_id: int | None
    semester_name: str
    scales: dict[int, str]          # grade -> scale id
    window_start: str
    window_end: str
    consent_required: bool
    closed: bool
    created_at: str
    deadlines: dict[str, str] = field(default_factory=dict)   # "primary" / "secondary" -> ISO date

    def deadline_for(self, stage: str) -> str:
        """A stage's deadline; a campaign made before deadlines per stage has its window's end for every stage."""
        return self.deadlines.get(stage) or self.window_end

    def scale_for_grade(self, grade: int | None) -> str | None:
        return self.scales.get(grade) if grade is not None else None

    @property
    def scale_ids(self) -> list[str]:
        return sorted(set(self.scales.values()))


@dataclass(frozen=True)
class ClassProgress:
    class_id: int | None
    class_name: str
    grade: int | None
    targets: int
    done: int
    missing: int
    absent: int
    refused: int
    pending_consent: int

    @property
    def rate(self) -> float:
        expected = self.targets - self.refused
        return self.done / expected if expected else 0.0


def default_window_end(grades: list[int], today: dt.date) -> dt.date:
    """Primary screening by 30 September, secondary by 31 October (of the school year that contains today)."""
    year = today.year if today.month >= 8 else today.year - 1
    primary_only = bool(grades) and all(stage_of(g) == "primary" for g in grades)
    return dt.date(year, 9, 30) if primary_only else dt.date(year, 10, 31)


# Instruments made for adolescents and adults: offering them below grade 7 needs the user's confirmation.
ADOLESCENT_SCALES = ("phq9", "gad7")
ADOLESCENT_FROM_GRADE = 7


def young_grades(scales: dict[int, str]) -> list[int]:
    """The grades below 7 given an adolescent instrument (PHQ-9, GAD-7)."""
    return sorted(g for g, sid in scales.items() if sid in ADOLESCENT_SCALES and g < ADOLESCENT_FROM_GRADE)


def young_warning(scales: dict[int, str], known: dict[str, Any] | None = None) -> str:
    """Why an adolescent instrument below grade 7 needs confirmation, in Chinese."""
    young = young_grades(scales)
    known = known or {}
    names = sorted({known[scales[g]].short_name if scales[g] in known else scales[g] for g in young})
    return (f"{'、'.join(names)} 是为青少年和成人编制的自评量表，其题目措辞、常模和分界值都来自 12 岁以上的人群；"
            f"用于{'、'.join(grade_name(g) for g in young)}的学生时，理解和作答可能不准确，分数不宜直接用于分级。"
            "小学生通常用面向儿童的量表或由班主任、家长他评。确认仍要使用吗？")


# Deadlines per stage (Qingdao, seed 003 task 3): primary screening by 30 September, secondary by 31 October.
DEADLINE_STAGES = {"primary": "小学", "secondary": "中学"}
DEFAULT_DEADLINES = {"primary": (9, 30), "secondary": (10, 31)}


def deadline_stage(grade: int) -> str:
    return "primary" if stage_of(grade) == "primary" else "secondary"


def default_deadlines(grades: list[int], today: dt.date) -> dict[str, dt.date]:
    """Each stage present among ``grades``: its default deadline in the school year that contains today."""
    year = today.year if today.month >= 8 else today.year - 1
    stages = {deadline_stage(g) for g in grades}
    return {st: dt.date(year, *DEFAULT_DEADLINES[st]) for st in DEADLINE_STAGES if st in stages}


def _row_to_campaign(r) -> Campaign:  # type: ignore[no-untyped-def]
    scales = {int(k): v for k, v in json.loads(r["scales"]).items()}
    return Campaign(r["id"], r["name"], r["semester_id"], r["semester_name"] or "", scales, r["window_start"],
                    r["window_end"], bool(r["consent_required"]), bool(r["closed"]), r["created_at"],
                    json.loads(r["deadlines"] or "{}"))


_SELECT = ("SELECT k.*, s.name AS semester_name FROM screening_campaigns k"
           " LEFT JOIN semesters s ON s.id = k.semester_id")


def list_campaigns(db: Database) -> list[Campaign]:
    return [_row_to_campaign(r) for r in db.query(_SELECT + " ORDER BY k.window_end DESC, k.id DESC")]


def get_campaign(db: Database, campaign_id: int) -> Campaign:
    r = db.one(_SELECT + " WHERE k.id = :id", {"id": campaign_id})
    if r is None:
        raise InputRejected("找不到该测评活动。")
    return _row_to_campaign(r)


def find_campaign(db: Database, name: str) -> Campaign | None:
    r = db.one(_SELECT + " WHERE k.name = :n", {"n": name.strip()})
    return _row_to_campaign(r) if r else None


def school_grades(db: Database) -> list[int]:
    return [int(r[0]) for r in db.query("SELECT DISTINCT grade FROM classes ORDER BY grade")]


def create_campaign(session: Session, name: str, scales: dict[int, str], *, window_end: dt.date | None = None,
                    window_start: dt.date | None = None, consent_required: bool = False,
                    student_ids: list[int] | None = None, young_confirmed: bool = False,
                    deadlines: dict[str, dt.date] | None = None) -> Campaign:
    """Create a campaign; targets default to every student in school (在读) in the grades that have a scale.

    Each stage gets a deadline (primary 9-30, secondary 10-31 by default; ``deadlines`` overrides them); an explicit
    ``window_end`` is the last stage's deadline. The window ends at the latest deadline.

    PHQ-9 or GAD-7 for a grade below 7 is refused unless ``young_confirmed`` (the window asks, saying why)."""
    require(session, can_manage_screening)
    name = name.strip()
    if not name:
        raise InputRejected("测评活动名称不能为空。")
    db = session.db
    if find_campaign(db, name) is not None:
        raise InputRejected(f"已有名为“{name}”的测评活动。")
    for grade, sid in scales.items():
        scale = get_scale(sid, db)
        if grade not in scale.grades:
            raise InputRejected(f"{scale.short_name} 不适用于{grade_name(grade)}（适用：{'、'.join(grade_name(g) for g in scale.grades)}）。")
    if young_grades(scales) and not young_confirmed:
        raise InputRejected(young_warning(scales).removesuffix("确认仍要使用吗？") + "如确需使用，请确认后再创建。")
    today = clock.today()
    semester = semester_for(db, today)
    per_stage = default_deadlines(sorted(scales), today)
    if window_end is not None and per_stage:
        last = max(per_stage, key=lambda k: per_stage[k])
        per_stage = {k: min(v, window_end) for k, v in per_stage.items()}
        per_stage[last] = window_end
    per_stage.update(deadlines or {})
    for k in per_stage:
        if k not in DEADLINE_STAGES:
            raise InputRejected(f"截止日期的学段“{k}”无效，可选：primary（小学）、secondary（中学）。")
    end = window_end or (max(per_stage.values()) if per_stage else default_window_end(sorted(scales), today))
    start = window_start or (dt.date.fromisoformat(semester.start_date) if semester else today)
    with db.transaction():
        cur = db.execute(
            "INSERT INTO screening_campaigns (uuid, name, semester_id, scales, window_start, window_end,"
            " consent_required, created_at, created_by, deadlines) VALUES (:u, :n, :sem, :sc, :ws, :we, :cr, :t, :a,"
            " :dl)",
            {"u": clock.new_uuid(), "n": name, "sem": semester.id if semester else None,
             "sc": json.dumps({str(g): s for g, s in sorted(scales.items())}), "ws": start.isoformat(),
             "we": end.isoformat(), "cr": int(consent_required), "t": clock.now_iso(), "a": session.account.label,
             "dl": json.dumps({k: v.isoformat() for k, v in sorted(per_stage.items())})})
        cid = int(cur.lastrowid or 0)
        consent = "pending" if consent_required else "given"
        if student_ids is None:
            grades = sorted(scales)
            if grades:
                marks = ",".join(str(int(g)) for g in grades)
                db.execute("INSERT INTO screening_targets (campaign_id, student_id, consent) SELECT :c, s.id, :cs"
                           f" FROM students s JOIN classes c ON c.id = s.class_id WHERE s.status = '在读' AND c.grade IN ({marks})",
                           {"c": cid, "cs": consent})
        else:
            db.executemany("INSERT OR IGNORE INTO screening_targets (campaign_id, student_id, consent) VALUES (?, ?, ?)",
                           [(cid, sid, consent) for sid in student_ids])
        session.audit("edit", f"screening_campaigns:{cid}", {"action": "create_campaign", "name": name})
    return get_campaign(db, cid)


def set_deadline(session: Session, campaign_id: int, stage: str, deadline: dt.date) -> Campaign:
    """Edit one stage's deadline; the window ends at the latest deadline."""
    require(session, can_manage_screening)
    if stage not in DEADLINE_STAGES:
        raise InputRejected(f"学段“{stage}”无效，可选：primary（小学）、secondary（中学）。")
    camp = get_campaign(session.db, campaign_id)
    stages = {deadline_stage(g) for g in camp.scales} or set(camp.deadlines)
    if stage not in stages:
        raise InputRejected(f"测评活动“{camp.name}”没有{DEADLINE_STAGES[stage]}年级。")
    deadlines = {st: camp.deadline_for(st) for st in stages}
    deadlines[stage] = deadline.isoformat()
    with session.db.transaction():
        session.db.execute("UPDATE screening_campaigns SET deadlines = :d, window_end = :we WHERE id = :id",
                           {"d": json.dumps(dict(sorted(deadlines.items()))), "we": max(deadlines.values()),
                            "id": campaign_id})
        session.audit("edit", f"screening_campaigns:{campaign_id}", {"deadline": stage, "date": deadline.isoformat()})
    return get_campaign(session.db, campaign_id)


def ensure_campaign(session: Session, name: str, scale_id: str) -> Campaign:
    """The campaign of that name, created for every grade the scale suits when it does not exist yet."""
    found = find_campaign(session.db, name)
    if found is not None:
        return found
    scale = get_scale(scale_id, session.db)
    grades = [g for g in school_grades(session.db) if g in scale.grades] or list(scale.grades)
    # The results exist already: importing them is not where the instrument is chosen.
    return create_campaign(session, name, {g: scale.id for g in grades}, young_confirmed=True)


def _add_targets(db: Database, campaign_id: int, student_ids: list[int], consent: str = "given") -> None:
    db.executemany("INSERT OR IGNORE INTO screening_targets (campaign_id, student_id, consent) VALUES (?, ?, ?)",
                   [(campaign_id, sid, consent) for sid in student_ids])


def set_consent(session: Session, campaign_id: int, student_ids: list[int], consent: str) -> None:
    require(session, can_manage_screening)
    if consent not in CONSENT_LABELS:
        raise InputRejected(f"知情同意状态只能是：{'、'.join(CONSENT_LABELS.values())}。")
    with session.db.transaction():
        _add_targets(session.db, campaign_id, student_ids, consent)
        session.db.executemany("UPDATE screening_targets SET consent = ? WHERE campaign_id = ? AND student_id = ?",
                               [(consent, campaign_id, sid) for sid in student_ids])
        session.audit("edit", f"screening_campaigns:{campaign_id}",
                      {"action": "consent", "consent": consent, "students": len(student_ids)})


def set_absent(session: Session, campaign_id: int, student_id: int, absent: bool = True, note: str = "") -> None:
    require(session, can_manage_screening)
    with session.db.transaction():
        _add_targets(session.db, campaign_id, [student_id])
        session.db.execute("UPDATE screening_targets SET absent = :a, note = :n WHERE campaign_id = :c AND student_id = :s",
                           {"a": int(absent), "n": note, "c": campaign_id, "s": student_id})


def progress(session: Session, campaign_id: int) -> list[ClassProgress]:
    """Per class: targets, done (a result), missing, absent, refused (excluded), consent still pending."""
    rows = session.db.query(
        "SELECT c.id, c.name, c.grade, count(*) AS targets,"
        " sum(CASE WHEN t.consent = 'refused' THEN 0 WHEN EXISTS (SELECT 1 FROM screening_results r"
        "     WHERE r.campaign_id = t.campaign_id AND r.student_id = t.student_id) THEN 1 ELSE 0 END) AS done,"
        " sum(CASE WHEN t.consent = 'refused' THEN 1 ELSE 0 END) AS refused,"
        " sum(CASE WHEN t.consent = 'pending' THEN 1 ELSE 0 END) AS pending,"
        " sum(CASE WHEN t.consent != 'refused' AND t.absent = 1 AND NOT EXISTS (SELECT 1 FROM screening_results r"
        "     WHERE r.campaign_id = t.campaign_id AND r.student_id = t.student_id) THEN 1 ELSE 0 END) AS absent"
        " FROM screening_targets t JOIN students s ON s.id = t.student_id LEFT JOIN classes c ON c.id = s.class_id"
        " WHERE t.campaign_id = :c GROUP BY c.id ORDER BY c.grade, c.number", {"c": campaign_id})
    out = []
    for r in rows:
        if not in_scope(session.account, r[0]):
            continue
        targets, done, refused, pending, absent = r[3], r[4] or 0, r[5] or 0, r[6] or 0, r[7] or 0
        out.append(ClassProgress(r[0], r[1] or "（未分班）", r[2], targets, done, targets - refused - done - absent,
                                 absent, refused, pending))
    return out


@dataclass(frozen=True)
class TargetStudent:
    student_id: int
    registry_no: str
    name: str
    class_id: int | None
    class_name: str
    grade: int | None
    consent: str
    absent: bool
    done: bool
    keys: str = ""   # name, full pinyin, initials, registry number (lower case), joined by \x00: for search


def targets(session: Session, campaign_id: int, class_id: int | None = None) -> list[TargetStudent]:
    scope = class_scope(session.account)
    if scope is not None:
        class_id = scope
    sql = ("SELECT s.id, s.registry_no, s.name, s.class_id, c.name, c.grade, t.consent, t.absent,"
           " EXISTS (SELECT 1 FROM screening_results r WHERE r.campaign_id = t.campaign_id AND r.student_id = s.id),"
           " s.pinyin_full, s.pinyin_initials, c.number"
           " FROM screening_targets t JOIN students s ON s.id = t.student_id LEFT JOIN classes c ON c.id = s.class_id"
           " WHERE t.campaign_id = :c AND s.id > :after")
    params: dict[str, object] = {"c": campaign_id, "after": 0}
    if class_id is not None:
        sql += " AND s.class_id = :cls"
        params["cls"] = class_id
    sql += f" ORDER BY s.id LIMIT {TARGET_CHUNK}"
    # In chunks: one query of a whole school holds the interpreter for ~100 ms while the driver builds its rows,
    # which would stall the window that loads this on a worker thread.
    rows: list[tuple] = []  # type: ignore[type-arg]
    while True:
        chunk = session.db.query(sql, params)
        rows.extend(tuple(r) for r in chunk)
        if len(chunk) < TARGET_CHUNK:
            break
        params["after"] = chunk[-1][0]
    rows.sort(key=lambda r: (r[5] is None, r[5] or 0, r[11] or 0, r[9] or ""))
    return [TargetStudent(r[0], r[1], r[2], r[3], r[4] or "", r[5], r[6], bool(r[7]), bool(r[8]),
                          "\x00".join((r[2], (r[9] or "").lower(), (r[10] or "").lower(), r[1].lower())))
            for r in rows]


def refused(session: Session, campaign_id: int) -> list[TargetStudent]:
    return [t for t in targets(session, campaign_id) if t.consent == "refused"]
