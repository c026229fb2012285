"""意外事件 records for the emergency plan (001 item 10): what happened, who was told and when (parents, school
leaders, education bureau, police), and the follow-up. An incident may link to a student and to a crisis case.

Tiers: ``what`` and ``follow_up`` are the facts of the emergency record (school leadership is told them); ``note``
is confidential. Reading incidents needs a counselor or a managing account; head teachers see an incident only as
an ordinary line on their own student's timeline."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from app import clock
from app.archive.students import get_student
from app.crisis.cases import _add_history, _touch_incident, history_rows
from app.crisis.model import INCIDENT_PARTIES, PARTY_LABELS, HistoryEntry, iso, parse_when, short
from app.errors import InputRejected, XinqiaoError
from app.policy import can_counsel, can_read_confidential, can_read_incidents, require
from app.session import Session
from app.store.conf_text import CRISIS_TEXT


@dataclass(frozen=True)
class Notice:
    party: str
    party_label: str
    told_at: str
    told_by: str
    contact: str
    how: str


@dataclass
class Incident:
    id: int
    occurred_at: str
    place: str
    student_id: int | None
    student_name: str
    what: str
    follow_up: str
    note: str
    recorded_at: str
    recorded_by: str
    case_ids: list[int] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)

    def told(self, party: str) -> Notice | None:
        return next((n for n in self.notices if n.party == party), None)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _require_reader(session: Session) -> None:
    require(session, can_read_incidents)


def _require_writer(session: Session) -> None:
    require(session, can_counsel, "记录意外事件")


def record_incident(session: Session, *, occurred_at: str | None, what: str, place: str = "",
                    student_id: int | None = None, follow_up: str = "", note: str = "",
                    notices: list[dict[str, str]] | None = None) -> int:
    """``notices``: dicts with party (parents/leaders/bureau/police/other), told_at, told_by, contact, how."""
    _require_writer(session)
    if not what.strip():
        raise InputRejected("请写明发生了什么。")
    when = iso(parse_when(occurred_at, what="发生时间"))
    if student_id is not None:
        get_student(session.db, session.account, student_id)
    db = session.db
    with db.transaction():
        cur = db.execute(
            "INSERT INTO crisis_incidents (uuid, occurred_at, place, student_id, what, follow_up, note, recorded_at,"
            " recorded_by) VALUES (:u, :at, :p, :s, :w, :f, :n, :now, :by)",
            {"u": clock.new_uuid(), "at": when, "p": place.strip(), "s": student_id, "w": what.strip(),
             "f": follow_up.strip(), "n": CRISIS_TEXT.vault_value(db, note.strip()), "now": clock.now_iso(),
             "by": session.account.label})
        inc_id = int(cur.lastrowid or 0)
        if note.strip():
            CRISIS_TEXT.put(db, "crisis_incidents", inc_id, {"note": note.strip()})
        for n in notices or []:
            add_notice(session, inc_id, **n)
        _touch_incident(session.db, inc_id)
        session.audit("edit", f"crisis_incident:{inc_id}", {"record": when})
    return inc_id


def add_notice(session: Session, incident_id: int, party: str, told_at: str | None = None, told_by: str = "",
               contact: str = "", how: str = "") -> None:
    _require_writer(session)
    if party not in INCIDENT_PARTIES:
        raise InputRejected(f"通知对象只能是：{'、'.join(PARTY_LABELS.values())}。")
    when = iso(parse_when(told_at, what="通知时间"))
    db = session.db
    with db.transaction():
        if not db.scalar("SELECT 1 FROM crisis_incidents WHERE id = :i", {"i": incident_id}):
            raise XinqiaoError("找不到该意外事件记录。")
        db.execute("INSERT INTO crisis_incident_notices (incident_id, party, told_at, told_by, contact, how) VALUES"
                   " (:i, :p, :at, :by, :c, :h)", {"i": incident_id, "p": party, "at": when, "by": told_by.strip(),
                                                   "c": contact.strip(), "h": how.strip()})


def amend_incident(session: Session, incident_id: int, reason: str, **changes: str) -> list[str]:
    """Change what/follow_up/note/place; earlier values are kept. Returns the fields that changed (none: nothing
    is written)."""
    _require_writer(session)
    tiers = {"what": "ordinary", "follow_up": "ordinary", "place": "ordinary", "note": "confidential"}
    if set(changes) - set(tiers):
        raise ValueError(set(changes) - set(tiers))
    if not reason.strip():
        raise InputRejected("修改记录必须填写修改原因。")
    db = session.db
    r = CRISIS_TEXT.fill_one(db, "crisis_incidents",
                             db.one("SELECT * FROM crisis_incidents WHERE id = :i", {"i": incident_id}))
    if r is None:
        raise XinqiaoError("找不到该意外事件记录。")
    changed = [f for f, value in changes.items() if value.strip() != r[f]]
    if "what" in changed and not changes["what"].strip():
        raise InputRejected("请写明发生了什么。")
    if not changed:
        return []
    with db.transaction():
        for f in changed:
            value = changes[f].strip()
            _add_history(db, session, None, "incident", incident_id, f, r[f], value, reason.strip(), tiers[f])
            if tiers[f] == "confidential":
                CRISIS_TEXT.write(db, "crisis_incidents", incident_id, {f: value})
            else:
                db.execute(f"UPDATE crisis_incidents SET {f} = :v WHERE id = :i", {"v": value, "i": incident_id})
        _touch_incident(session.db, incident_id)
        session.audit("edit", f"crisis_incident:{incident_id}", {"amend": sorted(changed)})
    return changed


def amend_and_notify(session: Session, incident_id: int, reason: str, changes: dict[str, str],
                     notice: dict[str, str] | None = None) -> list[str]:
    """One user action of the amend form: changed fields (with a reason) and/or one more notice (someone told
    later), all or nothing. Returns the changed fields."""
    _require_writer(session)
    if not changes and notice is None:
        raise InputRejected("没有需要保存的修改。")
    with session.db.transaction():
        changed = amend_incident(session, incident_id, reason, **changes) if changes else []
        if notice is not None:
            add_notice(session, incident_id, **notice)
            _touch_incident(session.db, incident_id)
    return changed


def list_incidents(session: Session) -> list[Incident]:
    _require_reader(session)
    db = session.db
    conf = can_read_confidential(session.account)
    notices: dict[int, list[Notice]] = {}
    for n in db.query("SELECT * FROM crisis_incident_notices ORDER BY told_at"):
        notices.setdefault(n["incident_id"], []).append(
            Notice(n["party"], PARTY_LABELS[n["party"]], n["told_at"], n["told_by"], n["contact"], n["how"]))
    cases: dict[int, list[int]] = {}
    for c in db.query("SELECT id, incident_id FROM crisis_cases WHERE incident_id IS NOT NULL"):
        cases.setdefault(c["incident_id"], []).append(c["id"])
    out = []
    rows = db.query("SELECT i.*, coalesce(s.name, '') AS student_name FROM crisis_incidents i"
                    " LEFT JOIN students s ON s.id = i.student_id ORDER BY i.occurred_at DESC")
    for r in CRISIS_TEXT.fill(db, "crisis_incidents", rows) if conf else rows:
        out.append(Incident(r["id"], r["occurred_at"], r["place"], r["student_id"], r["student_name"], r["what"],
                            r["follow_up"], r["note"] if conf else "", r["recorded_at"], r["recorded_by"],
                            cases.get(r["id"], []), notices.get(r["id"], [])))
    return out


def get_incident(session: Session, incident_id: int, *, audit: bool = False) -> Incident:
    """One incident; ``audit``: record the reading (opening an incident in the window) in the audit log."""
    for i in list_incidents(session):
        if i.id == incident_id:
            if audit:
                session.audit("view_confidential", f"crisis_incident:{incident_id}", {})
            return i
    raise XinqiaoError("找不到该意外事件记录。")


def incident_history(session: Session, incident_id: int) -> list[HistoryEntry]:
    """Amendments of an incident, oldest first: earlier and new values, who, when, why; the confidential note's
    amendments only for counselors."""
    _require_reader(session)
    where = "h.entity = 'incident' AND h.entity_id = :i"
    if not can_read_confidential(session.account):
        where += " AND h.tier = 'ordinary'"
    out = [HistoryEntry(h["at"], h["by"], h["entity"], h["entity_id"], h["field"], h["old_value"], h["new_value"],
                        h["reason"], h["tier"]) for h in history_rows(session.db, where, {"i": incident_id})]
    shown = sum(1 for h in out if h.tier != "ordinary")
    if shown:
        # Earlier wordings of the confidential note are read like the note itself: audited.
        session.audit("view_confidential", f"crisis_incident:{incident_id}", {"history": shown})
    return out


def notices_line(incident: Incident) -> str:
    """Who was told and when, in one line: '家长 11-02 08:30；学校领导 11-02 09:00' ('未记录通知' when none)."""
    return "；".join(f"{n.party_label} {short(n.told_at)[5:]}" for n in incident.notices) or "未记录通知"


def one_line(text: str, width: int = 40) -> str:
    """The first line of a text, cut to ``width`` characters with an ellipsis."""
    first = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return first if len(first) <= width else first[: width - 1] + "…"
