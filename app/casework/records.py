"""Creating, reading, editing (with versions) and soft-deleting casework records.

Tier rules: summaries and the other fields are ordinary; ``confidential`` is returned only to counselors, and
only by ``get_record(..., reveal=True)``, which writes a ``view_confidential`` audit entry. A head teacher sees
records about students of their class only, and of those records only the students of their class.
"""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app import clock
from app.casework.model import (
    CONCERN_CATEGORIES,
    KIND_LABELS,
    KINDS,
    RISKS,
    CaseRecord,
    RecordInput,
    StudentRef,
)
from app.errors import InputRejected, PermissionDenied, XinqiaoError
from app.policy import can_read_confidential, class_scope, does_student_work, in_scope, require, scope_condition
from app.search import Document
from app.search import put as search_put
from app.search import remove as search_remove
from app.session import Session
from app.store.db import Database, Row

SOURCE = "casework"
_COLUMNS = ("r.id, r.uuid, r.kind, r.occurred_at, r.entered_at, r.duration_min, r.place, r.participants, r.title,"
            " r.concern_categories, r.concern_text, r.summary, {conf} AS confidential, r.risk, r.next_step,"
            " r.follow_up_date, r.follow_up_done, r.version, r.created_by, r.updated_at, r.updated_by, r.deleted_at,"
            " r.delete_reason")

# A counselor's read: text left in vault.db (only ever from before the move, so newer) or else conf's.
CONF_TEXT = "coalesce(nullif(r.confidential, ''), cc.text, '')"


def _from(session: Session) -> tuple[str, str]:
    """(columns, FROM clause) of a record read. The confidential text lives in confidential.db
    (``conf.case_confidential``); vault.db's column holds only text from before the move. Only a session holding
    the key names ``conf``; any other reads vault.db alone (and never shows that column)."""
    if session.holds_confidential:
        return (_COLUMNS.format(conf=CONF_TEXT),
                "case_records r LEFT JOIN conf.case_confidential cc ON cc.record_id = r.id")
    return _COLUMNS.format(conf="r.confidential"), "case_records r"


def _require_tier(session: Session, text: str) -> None:
    if text and not session.holds_confidential:
        raise PermissionDenied("只有持有保密密钥的心理教师可以填写保密记录。")


def _put_confidential(db: Database, record_id: int, text: str) -> None:
    """The record's confidential text in ``conf`` (a session holding the key; vault.db's column stays blank)."""
    db.execute("INSERT INTO conf.case_confidential (record_id, text) VALUES (:id, :t)"
               " ON CONFLICT (record_id) DO UPDATE SET text = excluded.text", {"id": record_id, "t": text})


# -- students ---------------------------------------------------------------------------------------
def load_students(db: Database, ids: Sequence[int]) -> dict[int, StudentRef]:
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = db.query(f"SELECT s.id, s.registry_no, s.name, s.class_id, coalesce(c.name, '') FROM students s"
                    f" LEFT JOIN classes c ON c.id = s.class_id WHERE s.id IN ({marks})", list(ids))
    return {r[0]: StudentRef(r[0], r[1], r[2], r[3], r[4]) for r in rows}


def attendance(db: Database, record_ids: Sequence[int]) -> dict[int, list[StudentRef]]:
    out: dict[int, list[StudentRef]] = {}
    for chunk in range(0, len(record_ids), 500):
        part = list(record_ids[chunk:chunk + 500])
        marks = ",".join("?" * len(part))
        for r in db.query(f"SELECT a.record_id, s.id, s.registry_no, s.name, s.class_id, coalesce(c.name, '')"
                          f" FROM case_attendance a JOIN students s ON s.id = a.student_id"
                          f" LEFT JOIN classes c ON c.id = s.class_id WHERE a.record_id IN ({marks})"
                          f" ORDER BY c.grade, c.number, s.pinyin_full", part):
            out.setdefault(r[0], []).append(StudentRef(r[1], r[2], r[3], r[4], r[5]))
    return out


def _require_writer(session: Session) -> None:
    require(session, does_student_work, "填写谈话与辅导记录")


def _visible_students(session: Session, students: list[StudentRef]) -> list[StudentRef]:
    return [s for s in students if in_scope(session.account, s.class_id)]


# -- checking input ---------------------------------------------------------------------------------
def parse_when(text: str) -> str:
    """'2026-10-11', '2026-10-11 14:30' or '2026-10-11T14:30' -> ISO; rejects dates in the future."""
    t = (text or "").strip().replace(" ", "T")
    try:
        if len(t) == 10:
            when = dt.datetime.combine(dt.date.fromisoformat(t), dt.time(0, 0))
            out = t
        else:
            when = dt.datetime.fromisoformat(t)
            out = when.isoformat(timespec="minutes")
    except ValueError:
        raise InputRejected(f"日期时间“{text}”无法识别，请写成 2026-10-11 14:30 的形式。") from None
    if when.date() > clock.today():
        raise InputRejected(f"日期 {when.date().isoformat()} 晚于今天，请检查。")
    if when.year < 2000:
        raise InputRejected(f"日期 {when.date().isoformat()} 不在合理范围内。")
    return out


def validate(session: Session, data: RecordInput) -> tuple[RecordInput, list[StudentRef]]:
    if data.kind not in KINDS:
        raise InputRejected(f"未知的记录类型“{data.kind}”。")
    ids = list(dict.fromkeys(int(i) for i in data.student_ids))
    if not ids:
        raise InputRejected("请选择学生。" if data.kind != "group" else "请在出勤名单中至少选择一名学生。")
    if data.kind != "group" and len(ids) > 1:
        raise InputRejected(f"{KIND_LABELS[data.kind]}只能针对一名学生；多名学生请用“团体辅导”。")
    students = load_students(session.db, ids)
    missing = [i for i in ids if i not in students]
    if missing:
        raise InputRejected("所选学生不存在（可能已被删除）。")
    if not all(in_scope(session.account, students[i].class_id) for i in ids):
        raise PermissionDenied("班主任只能为本班学生填写记录。")
    if data.confidential.strip() and not can_read_confidential(session.account):
        raise PermissionDenied("只有心理教师可以填写保密记录。")
    occurred = parse_when(data.occurred_at)
    if data.duration_min is not None and not (0 <= int(data.duration_min) <= 600):
        raise InputRejected(f"时长 {data.duration_min} 分钟不在 0–600 之间。")
    if data.risk not in RISKS:
        raise InputRejected(f"未知的风险等级“{data.risk}”。")
    follow = (data.follow_up_date or "").strip() or None
    if follow:
        try:
            follow = dt.date.fromisoformat(follow).isoformat()
        except ValueError:
            raise InputRejected(f"回访日期“{follow}”无法识别，请写成 2026-10-20 的形式。") from None
    if data.kind == "group" and not data.title.strip() and not data.summary.strip():
        raise InputRejected("团体辅导请填写主题或摘要。")
    cats = [c.strip() for c in data.concern_categories if c and c.strip()]
    clean = RecordInput(data.kind, ids, occurred, None if data.duration_min is None else int(data.duration_min),
                        data.place.strip(), data.participants.strip(), data.title.strip(), list(dict.fromkeys(cats)),
                        data.concern_text.strip(), data.summary.strip(), data.confidential.strip(), data.risk,
                        data.next_step.strip(), follow)
    return clean, [students[i] for i in ids]


# -- the search document ----------------------------------------------------------------------------
def search_document(record_id: int, data: RecordInput) -> Document:
    ordinary = "\n".join(x for x in (data.summary, data.concern_text, "、".join(data.concern_categories),
                                     data.next_step, data.place, data.participants) if x)
    return Document(SOURCE, record_id, data.kind, KIND_LABELS[data.kind], data.occurred_at, data.title, ordinary,
                    data.confidential, tuple(data.student_ids))


def _row_input(r: Row, student_ids: list[int]) -> RecordInput:
    return RecordInput(r["kind"], student_ids, r["occurred_at"], r["duration_min"], r["place"], r["participants"],
                       r["title"], json.loads(r["concern_categories"]), r["concern_text"], r["summary"],
                       r["confidential"], r["risk"], r["next_step"], r["follow_up_date"])


# -- follow-ups met by a later record ------------------------------------------------------------------
# follow_up_done: 0 open, 1 ticked done by hand, 2 met by a later live record about one of the same students
# (see app/casework/workbench.py). 2 is kept up to date on every write that can change it, so the 工作台 reads
# only the few open follow-ups through the partial index instead of testing every follow-up ever agreed.
MET_BY_LATER = 2
_LATER = ("EXISTS (SELECT 1 FROM case_attendance a1 JOIN case_attendance a2 ON a2.student_id = a1.student_id"
          " JOIN case_records r2 ON r2.id = a2.record_id WHERE a1.record_id = case_records.id"
          " AND r2.id <> case_records.id AND r2.deleted_at IS NULL AND r2.occurred_at > case_records.occurred_at)")


def _refresh_follow_ups(db: Database, student_ids: Sequence[int]) -> None:
    """Recompute 'met by a later record' for the follow-ups of these students (joins the caller's transaction)."""
    ids = list(dict.fromkeys(student_ids))
    with db.transaction():
        for chunk in range(0, len(ids), 500):
            part = ids[chunk:chunk + 500]
            marks = ",".join("?" * len(part))
            db.execute(
                f"UPDATE case_records SET follow_up_done = CASE WHEN {_LATER} THEN {MET_BY_LATER} ELSE 0 END"
                f" WHERE follow_up_date IS NOT NULL AND follow_up_done <> 1 AND deleted_at IS NULL"
                f" AND id IN (SELECT record_id FROM case_attendance WHERE student_id IN ({marks}))", part)


# -- writing ------------------------------------------------------------------------------------------
def insert_record(session: Session, data: RecordInput, *, import_id: int | None = None,
                  entered_at: str | None = None) -> int:
    """Write an already validated record (joins the caller's transaction)."""
    db = session.db
    now = entered_at or clock.now_iso()
    who = session.account.label
    _require_tier(session, data.confidential)
    with db.transaction():
        cur = db.execute(
            "INSERT INTO case_records (uuid, kind, occurred_at, entered_at, duration_min, place, participants, title,"
            " concern_categories, concern_text, summary, confidential, risk, next_step, follow_up_date, created_by,"
            " updated_at, updated_by, import_id) VALUES (:uuid, :kind, :occ, :ent, :dur, :place, :part, :title,"
            " :cats, :ctext, :summary, :conf, :risk, :next, :follow, :who, :ent, :who, :imp)",
            {"uuid": clock.new_uuid(), "kind": data.kind, "occ": data.occurred_at, "ent": now,
             "dur": data.duration_min, "place": data.place, "part": data.participants, "title": data.title,
             "cats": json.dumps(data.concern_categories, ensure_ascii=False), "ctext": data.concern_text,
             "summary": data.summary, "conf": "", "risk": data.risk, "next": data.next_step,
             "follow": data.follow_up_date, "who": who, "imp": import_id})
        rid = int(cur.lastrowid or 0)
        if data.confidential:
            _put_confidential(db, rid, data.confidential)
        db.executemany("INSERT INTO case_attendance (record_id, student_id) VALUES (?, ?)",
                       [(rid, sid) for sid in data.student_ids])
        search_put(db, search_document(rid, data))
        _refresh_follow_ups(db, data.student_ids)
    return rid


def create_record(session: Session, data: RecordInput) -> int:
    _require_writer(session)
    clean, students = validate(session, data)
    with session.db.transaction():
        rid = insert_record(session, clean)
        session.audit("edit", f"case_records:{rid}", {"create": clean.kind, "students": len(students)})
        _same_day_if_high_risk(session, rid, clean)
    return rid


def _same_day_if_high_risk(session: Session, record_id: int, data: RecordInput) -> None:
    """A note marked high risk is handled today: one same-day alert per student (app.safety.alerts), inside the
    caller's transaction. Imported logs are history and raise nothing."""
    if data.risk != "high":
        return
    from app.safety.alerts import raise_same_day

    single = len(data.student_ids) == 1
    for sid in data.student_ids:
        source = f"case_records:{record_id}" if single else f"case_records:{record_id}.{sid}"
        raise_same_day(session, sid, source, f"{KIND_LABELS[data.kind]}记录标记为高风险")


def _raw(session: Session, record_id: int) -> Row:
    columns, source = _from(session)
    r = session.db.one(f"SELECT {columns} FROM {source} WHERE r.id = :id", {"id": record_id})
    if r is None:
        raise XinqiaoError("找不到该记录。")
    return r


def _check_may_edit(session: Session, r: Row, students: list[StudentRef]) -> None:
    _require_writer(session)
    if r["deleted_at"]:
        raise InputRejected("该记录已删除，不能再修改。")
    if class_scope(session.account) is not None:
        if not all(in_scope(session.account, s.class_id) for s in students) \
                or r["created_by"] != session.account.label:
            raise PermissionDenied("班主任只能修改自己为本班学生填写的记录。")


def update_record(session: Session, record_id: int, data: RecordInput, reason: str) -> int:
    """Save an edit; the record as it was is kept as a version with who, when and why. Returns the new version."""
    if not reason.strip():
        raise InputRejected("请填写修改原因。")
    db = session.db
    r = _raw(session, record_id)
    before = attendance(db, [record_id]).get(record_id, [])
    _check_may_edit(session, r, before)
    if not can_read_confidential(session.account):
        data = RecordInput(**{**data.as_json(), "confidential": ""})
    clean, _students = validate(session, data)
    if not can_read_confidential(session.account):
        clean.confidential = r["confidential"]  # a head teacher's edit keeps the counselor's notes untouched
    now = clock.now_iso()
    who = session.account.label
    tiered = session.holds_confidential
    with db.transaction():
        snapshot = {k: r[k] for k in r.keys()}
        snapshot["student_ids"] = [s.id for s in before]
        old_confidential = snapshot.pop("confidential")
        if tiered:
            # The version's confidential text goes to conf, always (even ''): a version without a conf row was
            # written by a session without the key, which never changes it (see versions()).
            db.execute("INSERT INTO conf.case_version_confidential (record_id, version, text) VALUES (:r, :v, :t)"
                       " ON CONFLICT (record_id, version) DO UPDATE SET text = excluded.text",
                       {"r": record_id, "v": r["version"], "t": old_confidential})
            _put_confidential(db, record_id, clean.confidential)
        elif old_confidential:
            snapshot["confidential"] = old_confidential   # text from before the move: moved with the version
        db.execute("INSERT INTO case_versions (record_id, version, snapshot, changed_at, changed_by, reason)"
                   " VALUES (:r, :v, :s, :t, :by, :why)",
                   {"r": record_id, "v": r["version"], "s": json.dumps(snapshot, ensure_ascii=False), "t": now,
                    "by": who, "why": reason.strip()})
        # Without the key the confidential column is left as it is; with it vault.db's copy is blank.
        keep = ", confidential = ''" if tiered else ""
        db.execute("UPDATE case_records SET kind = :kind, occurred_at = :occ, duration_min = :dur, place = :place,"
                   " participants = :part, title = :title, concern_categories = :cats, concern_text = :ctext,"
                   f" summary = :summary{keep}, risk = :risk, next_step = :next,"
                   " follow_up_date = :follow, version = version + 1, updated_at = :t, updated_by = :who"
                   " WHERE id = :id",
                   {"kind": clean.kind, "occ": clean.occurred_at, "dur": clean.duration_min, "place": clean.place,
                    "part": clean.participants, "title": clean.title,
                    "cats": json.dumps(clean.concern_categories, ensure_ascii=False), "ctext": clean.concern_text,
                    "summary": clean.summary, "risk": clean.risk,
                    "next": clean.next_step, "follow": clean.follow_up_date, "t": now, "who": who, "id": record_id})
        db.execute("DELETE FROM case_attendance WHERE record_id = :id", {"id": record_id})
        db.executemany("INSERT INTO case_attendance (record_id, student_id) VALUES (?, ?)",
                       [(record_id, sid) for sid in clean.student_ids])
        search_put(db, search_document(record_id, clean))
        _refresh_follow_ups(db, [s.id for s in before] + list(clean.student_ids))
        session.audit("edit", f"case_records:{record_id}", {"version": r["version"] + 1, "reason": reason.strip()})
        if r["risk"] != "high":
            _same_day_if_high_risk(session, record_id, clean)
    return int(r["version"]) + 1


def delete_record(session: Session, record_id: int, reason: str) -> None:
    """Soft delete: the record leaves lists, search and timelines but stays in the database."""
    if not reason.strip():
        raise InputRejected("请填写删除原因。")
    db = session.db
    r = _raw(session, record_id)
    _check_may_edit(session, r, attendance(db, [record_id]).get(record_id, []))
    with db.transaction():
        db.execute("UPDATE case_records SET deleted_at = :t, deleted_by = :who, delete_reason = :why WHERE id = :id",
                   {"t": clock.now_iso(), "who": session.account.label, "why": reason.strip(), "id": record_id})
        search_remove(db, SOURCE, record_id)
        _refresh_follow_ups(db, [s.id for s in attendance(db, [record_id]).get(record_id, [])])
        session.audit("edit", f"case_records:{record_id}", {"delete": reason.strip()})


def set_follow_up_done(session: Session, record_id: int, done: bool = True) -> None:
    db = session.db
    r = _raw(session, record_id)
    students = attendance(db, [record_id]).get(record_id, [])
    if not _visible_students(session, students):
        raise PermissionDenied("班主任只能处理本班学生的记录。")
    with db.transaction():
        db.execute("UPDATE case_records SET follow_up_done = :d WHERE id = :id", {"d": int(done), "id": record_id})
        if not done:   # ticked off by mistake: it may still have been met by a later record
            _refresh_follow_ups(db, [s.id for s in students])
        session.audit("edit", f"case_records:{record_id}", {"follow_up_done": done, "kind": r["kind"]})


# -- reading ------------------------------------------------------------------------------------------
def _record(session: Session, r: Row, students: list[StudentRef], reveal: bool) -> CaseRecord:
    sees = can_read_confidential(session.account)
    return CaseRecord(
        id=r["id"], uuid=r["uuid"], kind=r["kind"], occurred_at=r["occurred_at"], entered_at=r["entered_at"],
        duration_min=r["duration_min"], place=r["place"], participants=r["participants"], title=r["title"],
        concern_categories=json.loads(r["concern_categories"]), concern_text=r["concern_text"],
        summary=r["summary"], confidential=(r["confidential"] if sees and reveal else None), risk=r["risk"],
        next_step=r["next_step"], follow_up_date=r["follow_up_date"], follow_up_done=bool(r["follow_up_done"]),
        version=r["version"], created_by=r["created_by"], updated_at=r["updated_at"], updated_by=r["updated_by"],
        students=_visible_students(session, students), deleted_at=r["deleted_at"],
        delete_reason=r["delete_reason"], confidential_present=bool(sees and r["confidential"]))


def get_record(session: Session, record_id: int, *, reveal: bool = True) -> CaseRecord:
    """One record. With ``reveal`` a counselor gets the confidential notes (and the audit log says so)."""
    require(session, does_student_work)
    db = session.db
    r = _raw(session, record_id)
    students = attendance(db, [record_id]).get(record_id, [])
    if class_scope(session.account) is not None and not _visible_students(session, students):
        raise PermissionDenied("班主任只能查看本班学生的记录。")
    rec = _record(session, r, students, reveal)
    if rec.confidential:
        session.audit("view_confidential", f"case_records:{record_id}", {"kind": rec.kind})
    return rec


@dataclass
class RecordFilter:
    student_id: int | None = None
    class_id: int | None = None
    kind: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    limit: int | None = 500


def list_records(session: Session, flt: RecordFilter | None = None) -> list[CaseRecord]:
    """Live records the account may see, newest first; never with confidential text."""
    require(session, does_student_work)
    flt = flt or RecordFilter()
    where = ["r.deleted_at IS NULL"]
    params: dict[str, Any] = {}
    student_cond = []
    cond, scope_params = scope_condition(session.account)
    if scope_params:  # a head teacher: records about their class only
        student_cond.append(cond)
        params.update(scope_params)
    if flt.class_id is not None:
        student_cond.append("s.class_id = :cls")
        params["cls"] = flt.class_id
    if flt.student_id is not None:
        student_cond.append("a.student_id = :sid")
        params["sid"] = flt.student_id
    if student_cond:
        where.append("EXISTS (SELECT 1 FROM case_attendance a JOIN students s ON s.id = a.student_id"
                     " WHERE a.record_id = r.id AND " + " AND ".join(student_cond) + ")")
    if flt.kind:
        where.append("r.kind = :kind")
        params["kind"] = flt.kind
    if flt.date_from:
        where.append("r.occurred_at >= :df")
        params["df"] = flt.date_from
    if flt.date_to:
        where.append("r.occurred_at < :dt")
        params["dt"] = (dt.date.fromisoformat(flt.date_to[:10]) + dt.timedelta(days=1)).isoformat()
    columns, source = _from(session)
    sql = f"SELECT {columns} FROM {source} WHERE {' AND '.join(where)} ORDER BY r.occurred_at DESC, r.id DESC"
    if flt.limit:
        sql += f" LIMIT {int(flt.limit)}"
    rows = session.db.query(sql, params)
    students = attendance(session.db, [r["id"] for r in rows])
    return [_record(session, r, students.get(r["id"], []), reveal=False) for r in rows]


@dataclass(frozen=True)
class Version:
    version: int
    changed_at: str
    changed_by: str
    reason: str
    record: dict[str, Any]   # the record as it was (without confidential text for a head teacher)


def versions(session: Session, record_id: int) -> list[Version]:
    """Earlier versions, oldest first."""
    get_record(session, record_id, reveal=False)
    out = []
    for v in session.db.query("SELECT version, changed_at, changed_by, reason, snapshot FROM case_versions"
                              " WHERE record_id = :id ORDER BY version", {"id": record_id}):
        snap = json.loads(v["snapshot"])
        if not can_read_confidential(session.account):
            snap.pop("confidential", None)
        out.append(Version(v["version"], v["changed_at"], v["changed_by"], v["reason"], snap))
    if session.holds_confidential:
        _confidential_versions(session, record_id, out)
    shown = [v.version for v in out if v.record.get("confidential")]
    if shown:
        # Old confidential text is read like the current one: audited.
        session.audit("view_confidential", f"case_records:{record_id}", {"versions": shown})
    return out


def _confidential_versions(session: Session, record_id: int, out: list[Version]) -> None:
    """Fill each version's confidential text from ``conf``, newest first: a version without a row there was
    written by a session without the key (which never changes it), so its text is the next version's."""
    stored = {int(r[0]): str(r[1]) for r in session.db.query(
        "SELECT version, text FROM conf.case_version_confidential WHERE record_id = :id", {"id": record_id})}
    columns, source = _from(session)
    row = session.db.one(f"SELECT {columns} FROM {source} WHERE r.id = :id", {"id": record_id})
    following = str(row["confidential"]) if row is not None else ""
    for v in reversed(out):
        text = v.record.get("confidential") or stored.get(v.version)
        if text is None and v.version not in stored:
            text = following
        v.record["confidential"] = text or ""
        following = text or ""


def known_categories() -> list[str]:
    return list(CONCERN_CATEGORIES)


def bulk_insert(session: Session, items: Sequence[RecordInput], *, entered_at: str | None = None,
                created_by: str | None = None) -> list[int]:
    """Insert many already valid records at once (demo data, benchmarks): one executemany per table."""
    from app.search import put_many

    if not items:
        return []
    db = session.db
    now = entered_at or clock.now_iso()
    who = created_by or session.account.label
    for d in items:
        _require_tier(session, d.confidential)
    with db.transaction():
        first = int(db.scalar("SELECT coalesce(max(id), 0) FROM case_records")) + 1
        ids = list(range(first, first + len(items)))
        db.executemany(
            "INSERT INTO case_records (id, uuid, kind, occurred_at, entered_at, duration_min, place, participants,"
            " title, concern_categories, concern_text, summary, confidential, risk, next_step, follow_up_date,"
            " created_by, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(i, clock.new_uuid(), d.kind, d.occurred_at, now, d.duration_min, d.place, d.participants, d.title,
              json.dumps(d.concern_categories, ensure_ascii=False), d.concern_text, d.summary, "", d.risk,
              d.next_step, d.follow_up_date, who, now, who) for i, d in zip(ids, items, strict=True)])
        secret = [(i, d.confidential) for i, d in zip(ids, items, strict=True) if d.confidential]
        if secret:
            db.executemany("INSERT INTO conf.case_confidential (record_id, text) VALUES (?, ?)", secret)
        db.executemany("INSERT INTO case_attendance (record_id, student_id) VALUES (?, ?)",
                       [(i, sid) for i, d in zip(ids, items, strict=True) for sid in d.student_ids])
        put_many(db, [search_document(i, d) for i, d in zip(ids, items, strict=True)])
        _refresh_follow_ups(db, [sid for d in items for sid in d.student_ids])
    return ids
