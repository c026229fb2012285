"""Reports from the network (routine for a month, or immediate) and the triage of every student they name.

A report's free text (the class's climate, events, what was seen) names classmates: confidential tier, for the
counselor only. A head teacher sees their own class's reports (and the students of their class named in a room's
report) without that text; a 管理员 sees who reported and the counts, never a student named nor any free text.

That text and the triage note live in confidential.db (``app.store.conf_text.NETWORK_TEXT``): a session holding
the confidential key writes them there and leaves vault.db's columns blank. A session without the key keeps them in
vault.db's columns until the next counselor's sign-in moves them (``app.store.tier_move``); it never reads them
back either way (``can_read_confidential``).
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from app import clock
from app.archive.students import get_student
from app.errors import InputRejected
from app.network.model import (
    DECISIONS,
    REPORTER_KINDS,
    check_period,
    check_signs,
    is_urgent,
    load_settings,
    period_of,
    room_label,
)
from app.policy import can_keep_network, can_read_confidential, class_scope, does_student_work, require
from app.safety.alerts import alert_for, raise_same_day, review_same_day
from app.session import Session
from app.store.conf_text import NETWORK_TEXT
from app.store.db import Database


@dataclass(frozen=True)
class ConcernInput:
    student_id: int
    signs: list[str]
    seen: str = ""


@dataclass
class ReportInput:
    reported_on: str                       # ISO date
    reporter_kind: str                     # psych_rep, informant, head_teacher, teacher
    reporter: str = ""
    class_id: int | None = None
    building: str = ""
    room: str = ""
    immediate: bool = False
    period: str = ""                       # YYYY-MM; default: the month of reported_on
    climate: str = ""
    events: str = ""
    concerns: list[ConcernInput] = field(default_factory=list)


@dataclass(frozen=True)
class ConcernView:
    id: int
    student_id: int
    student: str
    class_name: str
    signs: tuple[str, ...]
    seen: str                 # "" unless the account reads confidential text
    urgent: bool
    decision: str | None
    decided_at: str | None
    crisis_case_id: int | None

    @property
    def decision_label(self) -> str:
        return DECISIONS.get(self.decision or "", "待分诊")


@dataclass(frozen=True)
class ReportView:
    id: int
    period: str
    immediate: bool
    reported_on: str
    reporter_kind: str
    reporter: str
    class_id: int | None
    class_name: str
    place: str                # the class, or the room
    climate: str              # "" unless the account reads confidential text
    events: str
    zero: bool
    concern_count: int
    concerns: tuple[ConcernView, ...]

    @property
    def kind_label(self) -> str:
        return "即时报告" if self.immediate else "例行报告"

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "period": self.period, "immediate": self.immediate, "date": self.reported_on,
                "reporter_kind": REPORTER_KINDS[self.reporter_kind], "reporter": self.reporter,
                "place": self.place, "zero": self.zero, "concerns": self.concern_count,
                "climate": self.climate, "events": self.events,
                "students": [{"student": c.student, "class": c.class_name, "signs": list(c.signs), "seen": c.seen,
                              "decision": c.decision_label} for c in self.concerns]}


def _iso_day(value: str | dt.date, what: str) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value).strip()[:10]).isoformat()
    except ValueError:
        raise InputRejected(f"{what}“{value}”不是有效日期，请写成 2026-11-27 的形式。") from None


def _check(session: Session, data: ReportInput) -> tuple[str, str]:
    day = _iso_day(data.reported_on, "报告日期")
    if day > clock.today().isoformat():
        raise InputRejected(f"报告日期 {day} 晚于今天。")
    period = check_period(data.period) if data.period else period_of(dt.date.fromisoformat(day))
    if data.reporter_kind not in REPORTER_KINDS:
        raise InputRejected(f"报告人身份应为：{'、'.join(REPORTER_KINDS.values())} 之一。")
    if data.class_id is None and not (data.building.strip() and data.room.strip()):
        raise InputRejected("请选择报告的班级，或填写宿舍的楼栋和房间。")
    if data.class_id is not None and not session.db.scalar("SELECT 1 FROM classes WHERE id = :c",
                                                           {"c": data.class_id}):
        raise InputRejected("找不到报告的班级。")
    seen: set[int] = set()
    for c in data.concerns:
        if c.student_id in seen:
            raise InputRejected("同一名学生在一份报告中只能列一次（可选多种表现）。")
        seen.add(c.student_id)
        check_signs(list(c.signs))
    return day, period


def insert_report(session: Session, data: ReportInput, *, import_id: int | None = None) -> int:
    """Write one report in the caller's transaction (the importer's and add_report's shared path)."""
    day, period = _check(session, data)
    db = session.db
    cur = db.execute(
        "INSERT INTO network_reports (uuid, period, immediate, reported_on, reporter_kind, reporter, class_id,"
        " building, room, climate, events, zero, import_id, entered_at, entered_by) VALUES (:u, :p, :i, :d, :k, :r,"
        " :c, :b, :room, :cl, :ev, :z, :imp, :now, :by)",
        {"u": clock.new_uuid(), "p": period, "i": int(data.immediate), "d": day, "k": data.reporter_kind,
         "r": data.reporter.strip(), "c": data.class_id, "b": data.building.strip(), "room": data.room.strip(),
         "cl": NETWORK_TEXT.vault_value(db, data.climate.strip()),
         "ev": NETWORK_TEXT.vault_value(db, data.events.strip()), "z": int(not data.concerns), "imp": import_id,
         "now": clock.now_iso(), "by": session.account.label})
    rid = int(cur.lastrowid or 0)
    free = {k: v for k, v in (("climate", data.climate.strip()), ("events", data.events.strip())) if v}
    if free:
        NETWORK_TEXT.put(db, "network_reports", rid, free)
    for c in data.concerns:
        get_student(db, session.account, c.student_id)
        signs = check_signs(list(c.signs))
        urgent = is_urgent(signs)
        cur = db.execute("INSERT INTO network_concerns (report_id, student_id, signs, seen, urgent) VALUES"
                         " (:r, :s, :g, :seen, :u)", {"r": rid, "s": c.student_id,
                                                      "g": json.dumps(signs, ensure_ascii=False),
                                                      "seen": NETWORK_TEXT.vault_value(db, c.seen.strip()),
                                                      "u": int(urgent)})
        if c.seen.strip():
            NETWORK_TEXT.put(db, "network_concerns", int(cur.lastrowid or 0), {"seen": c.seen.strip()})
        if urgent:  # a self-harm or harm-to-others sign: the one same-day path (app.safety), due today
            raise_same_day(session, c.student_id, f"network_concerns:{int(cur.lastrowid or 0)}",
                           f"预警网络报告：{'、'.join(signs)}", source_label="预警网络报告")
    from app.network.searchable import index_report

    index_report(db, rid)
    return rid


def add_report(session: Session, data: ReportInput) -> int:
    """The counselor types a report in from paper. No students named: a zero report (本期无异常)."""
    require(session, can_keep_network, "录入预警网络报告")
    with session.db.transaction():
        rid = insert_report(session, data)
        session.audit("edit", f"network_report:{rid}", {"add": "report", "concerns": len(data.concerns)})
    return rid


# -- reading ------------------------------------------------------------------------------------------------
_CONCERNS = ("SELECT n.id, n.report_id, n.student_id, s.name, coalesce(c.name, '') AS class_name, n.signs, n.seen,"
             " n.urgent, n.decision, n.decided_at, n.crisis_case_id, s.class_id FROM network_concerns n"
             " JOIN students s ON s.id = n.student_id LEFT JOIN classes c ON c.id = s.class_id")


def _concern(r: dict[str, Any], text: bool) -> ConcernView:
    return ConcernView(r["id"], r["student_id"], r["name"], r["class_name"], tuple(json.loads(r["signs"])),
                       r["seen"] if text else "", bool(r["urgent"]), r["decision"], r["decided_at"],
                       r["crisis_case_id"])


def list_reports(session: Session, *, period: str | None = None, class_id: int | None = None,
                 report_id: int | None = None) -> list[ReportView]:
    """Reports newest first, with the tier and class rules of the account (reading free text is audited)."""
    db = session.db
    acc = session.account
    text = can_read_confidential(acc)
    named = does_student_work(acc)
    scope = class_scope(acc)
    where, params = ["1 = 1"], {}  # type: tuple[list[str], dict[str, Any]]
    if period:
        where.append("r.period = :p")
        params["p"] = check_period(period)
    if class_id is not None:
        where.append("r.class_id = :cid")
        params["cid"] = class_id
    if report_id is not None:
        where.append("r.id = :rid")
        params["rid"] = report_id
    rows = db.query("SELECT r.*, coalesce(c.name, '') AS class_name FROM network_reports r LEFT JOIN classes c"
                    f" ON c.id = r.class_id WHERE {' AND '.join(where)} ORDER BY r.reported_on DESC, r.id DESC",
                    params)
    if text:   # the free text is in confidential.db (a counselor holds its key)
        rows = NETWORK_TEXT.fill(db, "network_reports", rows)
    concerns: dict[int, list[Any]] = {}
    if rows:
        marks = ",".join(str(r["id"]) for r in rows)
        found = [dict(x) for x in db.query(_CONCERNS + f" WHERE n.report_id IN ({marks}) ORDER BY n.id")]
        for c in NETWORK_TEXT.fill(db, "network_concerns", found) if text else found:
            concerns.setdefault(c["report_id"], []).append(c)
    out = []
    for r in rows:
        mine = concerns.get(r["id"], [])
        if scope is not None:
            shown = [c for c in mine if c["class_id"] == scope]
            if r["class_id"] != scope and not shown:
                continue
        else:
            shown = mine
        views = tuple(_concern(c, text) for c in shown) if named else ()
        place = r["class_name"] if r["class_id"] is not None else room_label(r["building"], r["room"])
        out.append(ReportView(r["id"], r["period"], bool(r["immediate"]), r["reported_on"], r["reporter_kind"],
                              r["reporter"], r["class_id"], r["class_name"], place,
                              r["climate"] if text else "", r["events"] if text else "", bool(r["zero"]),
                              len(shown) if named else len(mine), views))
    if text and any(v.climate or v.events or any(c.seen for c in v.concerns) for v in out):
        session.audit("view_confidential", f"network_reports:{period or report_id or 'all'}", "预警网络报告")
    return out


# -- triage -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TriageItem:
    concern_id: int
    report_id: int
    student_id: int
    student: str
    class_name: str
    signs: tuple[str, ...]
    since: str            # the report's date
    urgent: bool          # a self-harm or harm-to-others sign: same-day
    overdue: bool         # untriaged past the school's delay
    place: str
    reporter: str

    def as_json(self) -> dict[str, Any]:
        return {"student": self.student, "class": self.class_name, "signs": list(self.signs), "since": self.since,
                "urgent": self.urgent, "overdue": self.overdue, "concern": self.concern_id}


def red_after(db: Database, since: str) -> dt.date:
    """The day an untriaged concern reported on ``since`` turns red (the delay in school days is a setting)."""
    from app.school.holidays import add_school_days

    days = load_settings(db).triage_school_days
    start = dt.date.fromisoformat(since)
    return start if days == 0 else add_school_days(db, start, days)


def untriaged(session: Session, *, today: dt.date | None = None, period: str | None = None,
              through: str | None = None) -> list[TriageItem]:
    """Every named student awaiting a decision (urgent first, then oldest), within the account's scope: of one
    ``period``, or of every period up to and including ``through`` (an older concern still undecided stays)."""
    if not does_student_work(session.account):
        return []
    day = today or clock.today()
    scope = class_scope(session.account)
    db = session.db
    out = []
    for r in db.query(
            "SELECT n.id, n.report_id, n.student_id, s.name, coalesce(c.name, ''), n.signs, r.reported_on, n.urgent,"
            " r.class_id, coalesce(rc.name, ''), r.building, r.room, r.reporter, r.period FROM network_concerns n"
            " JOIN network_reports r ON r.id = n.report_id JOIN students s ON s.id = n.student_id"
            " LEFT JOIN classes c ON c.id = s.class_id LEFT JOIN classes rc ON rc.id = r.class_id"
            " WHERE n.decision IS NULL AND (:scope IS NULL OR s.class_id = :scope)"
            " AND (:p IS NULL OR r.period = :p) AND (:through IS NULL OR r.period <= :through)"
            " ORDER BY n.urgent DESC, r.reported_on, n.id", {"scope": scope, "p": period, "through": through}):
        place = r[9] if r[8] is not None else room_label(r[10], r[11])
        overdue = bool(r[7]) or red_after(db, r[6]) <= day
        out.append(TriageItem(r[0], r[1], r[2], r[3], r[4], tuple(json.loads(r[5])), r[6], bool(r[7]), overdue,
                              place, r[12]))
    return out


def _open_concern(session: Session, concern_id: int) -> Any:
    row = NETWORK_TEXT.fill_one(session.db, "network_concerns", session.db.one(
        "SELECT n.*, r.reported_on, r.reporter, r.reporter_kind, r.period, r.immediate"
        " FROM network_concerns n JOIN network_reports r ON r.id = n.report_id WHERE n.id = :i", {"i": concern_id}))
    if row is None:
        raise InputRejected("找不到这条待分诊记录。")
    get_student(session.db, session.account, row["student_id"])
    if row["decision"] is not None:
        raise InputRejected(f"这条记录已分诊为“{DECISIONS[row['decision']]}”。")
    return row


def triage(session: Session, concern_id: int, decision: str, note: str = "") -> None:
    """Record the counselor's decision on one named student (it lands on the student's timeline). Opening a
    crisis case goes through :func:`open_crisis_case`, which links the two."""
    require(session, can_keep_network, "分诊")
    if decision not in DECISIONS:
        raise InputRejected(f"分诊决定应为：{'、'.join(DECISIONS.values())} 之一。")
    if decision == "crisis":
        raise InputRejected("开危机个案请使用“开危机个案”，个案会从报告预填并与报告关联。")
    with session.db.transaction():
        _open_concern(session, concern_id)
        session.db.execute("UPDATE network_concerns SET decision = :d, decided_at = :t, decided_by = :by"
                           " WHERE id = :i", {"d": decision, "t": clock.now_iso(), "by": session.account.label,
                                              "i": concern_id})
        NETWORK_TEXT.write(session.db, "network_concerns", concern_id, {"decision_note": note.strip()})
        session.audit("edit", f"network_concern:{concern_id}", {"triage": decision})
        alert = alert_for(session, f"network_concerns:{concern_id}")
        if alert is not None and alert.status == "open":
            # The decision only: the note is confidential.db's, and the alert's outcome is kept in vault.db.
            review_same_day(session, alert.id, f"分诊：{DECISIONS[decision]}")


def crisis_prefill(session: Session, concern_id: int) -> dict[str, str]:
    """What a crisis case opened from this concern starts with (the window shows it for editing)."""
    require(session, can_keep_network, "开危机个案")
    row = _open_concern(session, concern_id)
    signs = "、".join(json.loads(row["signs"]))
    kind = REPORTER_KINDS[row["reporter_kind"]]
    what = "即时报告" if row["immediate"] else f"{row['period']} 例行报告"
    return {"summary": f"{kind}{what}（{row['reported_on']}）：{signs}",
            "note": row["seen"], "discovered_at": f"{row['reported_on']}T08:00:00",
            "reported_by": f"{kind} {row['reporter']}".strip(),
            "source": "committee" if row["reporter_kind"] in ("psych_rep", "informant") else "teacher",
            "level": "severe" if row["urgent"] else "general"}


def open_crisis_case(session: Session, concern_id: int, *, level: str | None = None, summary: str | None = None,
                     note: str | None = None, owner: str = "") -> int:
    """开危机个案: a case pre-filled from the report, the concern decided and linked to it, in one transaction."""
    from app.crisis.cases import open_case

    require(session, can_keep_network, "开危机个案")
    pre = crisis_prefill(session, concern_id)
    row = _open_concern(session, concern_id)
    with session.db.transaction():
        alert = alert_for(session, f"network_concerns:{concern_id}")
        case_id = open_case(session, row["student_id"], level or pre["level"], pre["source"],
                            summary=summary if summary is not None else pre["summary"],
                            note=note if note is not None else pre["note"], owner=owner,
                            discovered_at=pre["discovered_at"], reported_by=pre["reported_by"],
                            alert_id=alert.id if alert is not None and alert.status == "open" else None)
        session.db.execute("UPDATE network_concerns SET decision = 'crisis', decided_at = :t, decided_by = :by,"
                           " crisis_case_id = :c WHERE id = :i",
                           {"t": clock.now_iso(), "by": session.account.label, "c": case_id, "i": concern_id})
        session.audit("edit", f"network_concern:{concern_id}", {"triage": "crisis", "crisis_case": case_id})
    return case_id


def concern_for_case(session: Session, case_id: int) -> tuple[int, int] | None:
    """(report id, concern id) a crisis case was opened from: the link back to the report."""
    row = session.db.one("SELECT report_id, id FROM network_concerns WHERE crisis_case_id = :c", {"c": case_id})
    return (row[0], row[1]) if row else None


# -- escalation ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Escalation:
    student_id: int
    student: str
    class_name: str
    periods: tuple[str, ...]
    action: str

    @property
    def action_label(self) -> str:
        return DECISIONS[self.action]


def escalations(session: Session, period: str) -> list[Escalation]:
    """Students named in the settable number of periods running up to ``period``: the rule's suggested action
    (default: named in two periods running → 约谈)."""
    from app.network.model import previous_period

    if not does_student_work(session.account):
        return []
    settings = load_settings(session.db)
    periods = [check_period(period)]
    while len(periods) < settings.escalation_periods:
        periods.append(previous_period(periods[-1]))
    scope = class_scope(session.account)
    marks = ",".join(f"'{p}'" for p in periods)
    rows = session.db.query(
        "SELECT n.student_id, s.name, coalesce(c.name, ''), count(DISTINCT r.period) FROM network_concerns n"
        " JOIN network_reports r ON r.id = n.report_id JOIN students s ON s.id = n.student_id"
        f" LEFT JOIN classes c ON c.id = s.class_id WHERE r.period IN ({marks})"
        " AND (:scope IS NULL OR s.class_id = :scope) GROUP BY n.student_id ORDER BY c.grade, c.number, s.name",
        {"scope": scope})
    return [Escalation(r[0], r[1], r[2], tuple(reversed(periods)), settings.escalation_action)
            for r in rows if r[3] == len(periods)]


# -- the period's picture -----------------------------------------------------------------------------------
def overview(session: Session, period: str, *, today: dt.date | None = None) -> dict[str, Any]:
    """{period, classes: [{class, reps, reported, concerns}], rooms: [{room, informant, reported}],
    untriaged: [{student, class, signs, since}], missing: [...]} — scoped to the account."""
    from app.network.people import eligible_classes, list_rooms

    p = check_period(period)
    year, month = int(p[:4]), int(p[5:7])
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).isoformat()
    db = session.db
    routine = db.query("SELECT r.id, r.class_id, r.building, r.room FROM network_reports r WHERE r.period = :p"
                       " AND r.immediate = 0", {"p": p})
    class_reported = {r[1] for r in routine if r[1] is not None}
    room_reported = {(r[2], r[3]) for r in routine if r[1] is None}
    counts: dict[int, int] = {}
    for cid, n in db.query("SELECT s.class_id, count(*) FROM network_concerns n JOIN network_reports r ON"
                           " r.id = n.report_id JOIN students s ON s.id = n.student_id WHERE r.period = :p"
                           " GROUP BY s.class_id", {"p": p}):
        if cid is not None:
            counts[cid] = n
    classes = []
    missing: list[dict[str, str]] = []
    for c in eligible_classes(session, on=last):
        reported = c.class_id in class_reported
        classes.append({"class": c.class_name, "reps": list(c.reps), "reported": reported,
                        "concerns": counts.get(c.class_id, 0)})
        if not reported:
            missing.append({"kind": "class", "name": c.class_name})
    rooms = []
    for room in list_rooms(session):
        reported = (room.building, room.room) in room_reported
        rooms.append({"room": room.label, "informant": room.informant, "reported": reported})
        if not reported:
            missing.append({"kind": "room", "name": room.label})
    # Still awaiting a decision at the period's end, whenever reported: nothing raised drops out of the picture.
    items = [i.as_json() for i in untriaged(session, today=today, through=p)]
    for i in items:
        i.pop("concern", None)
    return {"period": p, "classes": classes, "rooms": rooms, "untriaged": items, "missing": missing}

