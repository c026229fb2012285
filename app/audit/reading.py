"""Reading the audit log for the 审计日志 page: filtered by person, student, kind and date, each entry with the
student it concerns (name and class, looked up from the target) and its sentence (``app.audit.sentences``)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.audit.log import AuditEntry
from app.audit.sentences import StudentName, action_label, sentence
from app.store.db import Database

# target prefix -> SQL giving (id, student_id) for the ids given as ``{ids}``
STUDENT_OF = {
    "crisis_case": "SELECT id, student_id FROM crisis_cases WHERE id IN ({ids})",
    "crisis_incident": "SELECT id, student_id FROM crisis_incidents WHERE id IN ({ids})",
    "case_records": "SELECT record_id, student_id FROM case_attendance WHERE record_id IN ({ids})"
                    " ORDER BY record_id, student_id",
    "screening_levels": "SELECT id, student_id FROM screening_levels WHERE id IN ({ids})",
    "screening_level": "SELECT id, student_id FROM screening_levels WHERE id IN ({ids})",
    "screening_interviews": "SELECT id, student_id FROM screening_interviews WHERE id IN ({ids})",
    "safety_alerts": "SELECT id, student_id FROM safety_alerts WHERE id IN ({ids})",
    "letters": "SELECT id, student_id FROM letters WHERE id IN ({ids})",
    "network_concern": "SELECT id, student_id FROM network_concerns WHERE id IN ({ids})",
    "student_id": "SELECT id, id FROM students WHERE id IN ({ids})",
}
# the same, backwards: the targets naming one student (for the 学生 filter)
TARGETS_OF = (
    "SELECT 'student_id:' || id FROM students WHERE id = :s",
    "SELECT 'student:' || registry_no FROM students WHERE id = :s",
    "SELECT 'crisis_case:' || id FROM crisis_cases WHERE student_id = :s",
    "SELECT 'crisis_incident:' || id FROM crisis_incidents WHERE student_id = :s",
    "SELECT 'case_records:' || record_id FROM case_attendance WHERE student_id = :s",
    "SELECT 'screening_levels:' || id FROM screening_levels WHERE student_id = :s",
    "SELECT 'screening_level:' || id FROM screening_levels WHERE student_id = :s",
    "SELECT 'screening_interviews:' || id FROM screening_interviews WHERE student_id = :s",
    "SELECT 'safety_alerts:' || id FROM safety_alerts WHERE student_id = :s",
    "SELECT 'letters:' || id FROM letters WHERE student_id = :s",
    "SELECT 'network_concern:' || id FROM network_concerns WHERE student_id = :s",
)


@dataclass(frozen=True)
class AuditLine:
    id: int
    at: str
    account: str
    who: str               # "王老师（counselor）"
    action: str
    kind: str              # the action in Chinese
    sentence: str
    student_id: int | None
    student: str           # "七年级（1）班 张三", or ""


@dataclass(frozen=True)
class AuditFilter:
    account: str | None = None
    action: str | None = None
    student_id: int | None = None
    since: dt.date | None = None
    until: dt.date | None = None      # inclusive


def people(db: Database) -> dict[str, str]:
    """{username: "王老师（counselor）"}, every account that ever was."""
    return {r[0]: f"{r[1]}（{r[0]}）" if r[1] and r[1] != r[0] else r[0]
            for r in db.query("SELECT username, display_name FROM accounts ORDER BY username")}


def entries(db: Database, flt: AuditFilter | None = None, limit: int = 300) -> list[AuditEntry]:
    flt = flt or AuditFilter()
    where: list[str] = []
    params: dict[str, object] = {"limit": limit}
    if flt.account:
        where.append("account = :account")
        params["account"] = flt.account
    if flt.action:
        where.append("action = :action")
        params["action"] = flt.action
    if flt.since is not None:
        where.append("at >= :since")
        params["since"] = flt.since.isoformat()
    if flt.until is not None:
        where.append("at < :until")
        params["until"] = (flt.until + dt.timedelta(days=1)).isoformat()
    if flt.student_id is not None:
        params["s"] = flt.student_id
        where.append("(target IN (" + " UNION ALL ".join(TARGETS_OF) + ")"
                     " OR target LIKE 'screening_results:%:' || :s)")
    sql = "SELECT id, at, account, action, target, detail FROM audit_log"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY id DESC LIMIT :limit"
    return [AuditEntry(*tuple(r)) for r in db.query(sql, params)]


def _students_of(db: Database, targets: list[str]) -> dict[str, tuple[int, StudentName]]:
    by_table: dict[str, set[int]] = {}
    regs: set[str] = set()
    pairs: dict[str, list[int]] = {}
    for t in targets:
        table, _, ref = t.partition(":")
        if table == "student" and ref:
            regs.add(ref)
        elif table == "screening_results" and ref.count(":") == 1 and ref.split(":")[1].isdigit():
            pairs[t] = [int(ref.split(":")[1])]
        elif table in STUDENT_OF and ref.isdigit():
            by_table.setdefault(table, set()).add(int(ref))
    for table, ids in by_table.items():
        marks = ",".join(str(i) for i in sorted(ids))
        for r in db.query(STUDENT_OF[table].format(ids=marks)):
            pairs.setdefault(f"{table}:{r[0]}", []).append(int(r[1]))
    if regs:
        marks = ",".join("?" * len(regs))
        for r in db.query(f"SELECT registry_no, id FROM students WHERE registry_no IN ({marks})", sorted(regs)):
            pairs[f"student:{r[0]}"] = [int(r[1])]
    every = sorted({i for v in pairs.values() for i in v})
    names: dict[int, tuple[str, str]] = {}
    for chunk in range(0, len(every), 500):
        part = every[chunk:chunk + 500]
        marks = ",".join("?" * len(part))
        for r in db.query(f"SELECT s.id, s.name, coalesce(c.name, '') FROM students s LEFT JOIN classes c"
                          f" ON c.id = s.class_id WHERE s.id IN ({marks})", part):
            names[int(r[0])] = (r[1], r[2])
    out: dict[str, tuple[int, StudentName]] = {}
    for target, sids in pairs.items():
        known = [s for s in sids if s in names]
        if known:
            name, cls = names[known[0]]
            out[target] = (known[0], StudentName(name, cls, len(known) - 1))
    return out


def readable(db: Database, rows: list[AuditEntry]) -> list[AuditLine]:
    """Each entry with its person, its student and its sentence."""
    who = people(db)
    students = _students_of(db, [e.target for e in rows])
    out = []
    for e in rows:
        person = who.get(e.account, e.account)
        sid, student = students.get(e.target, (None, None))
        out.append(AuditLine(e.id, e.at, e.account, person, e.action, action_label(e.action),
                             sentence(e, person, student), sid, str(student) if student is not None else ""))
    return out
