"""The network's people: committee members (心理委员), dormitory rooms and their informants, the leadership group,
year-group reviews and peer support pairs. Every write takes the session, checks a rule, runs one transaction and
writes its audit line inside it."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from app import clock
from app.archive.students import Student, get_student
from app.errors import InputRejected
from app.network.model import (
    POSTS,
    REQUIRED_POSTS,
    check_quarter,
    check_settings,
    load_settings,
    parse_room,
    quarter_of,
    room_label,
)
from app.policy import (
    can_configure_network,
    can_keep_network,
    can_manage_roster,
    class_scope,
    does_student_work,
    require,
)
from app.school.classnames import grade_name
from app.session import Session
from app.text import normalize_text


def _date(value: str | dt.date | None, what: str, *, blank_ok: bool = False) -> str:
    if value is None or value == "":
        if blank_ok:
            return ""
        raise InputRejected(f"请填写{what}（如 2026-09-01）。")
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise InputRejected(f"{what}“{value}”不是有效日期，请写成 2026-09-01 的形式。") from None


def _student(session: Session, student_id: int) -> Student:
    return get_student(session.db, session.account, student_id)


def _at_school(student: Student, post: str) -> None:
    if student.status != "在读":
        raise InputRejected(f"{student.name} 的学籍状态是“{student.status}”，不能任命为{post}。")


# -- settings -----------------------------------------------------------------------------------------------
def set_network_settings(session: Session, *, eligible_grades: list[int] | None = None,
                         triage_school_days: int | None = None, escalation_periods: int | None = None,
                         escalation_action: str | None = None) -> None:
    """The school's settings for the network (eligible grades, red after N school days, escalation rule)."""
    require(session, can_configure_network)
    cur = load_settings(session.db)
    grades = sorted({int(g) for g in (eligible_grades if eligible_grades is not None else cur.eligible_grades)})
    days = cur.triage_school_days if triage_school_days is None else int(triage_school_days)
    periods = cur.escalation_periods if escalation_periods is None else int(escalation_periods)
    action = escalation_action or cur.escalation_action
    check_settings(grades, days, periods, action)
    value = {"eligible_grades": grades, "triage_school_days": days, "escalation_periods": periods,
             "escalation_action": action}
    with session.db.transaction():
        session.db.execute("INSERT INTO settings (key, value) VALUES ('network', :v) ON CONFLICT (key) DO UPDATE"
                           " SET value = :v", {"v": json.dumps(value, ensure_ascii=False)})
        session.audit("settings", "network", value)


# -- committee members --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Rep:
    id: int
    student_id: int
    name: str
    class_id: int
    class_name: str
    start_date: str
    end_date: str
    training: str

    def serving(self, on: str) -> bool:
        return self.start_date <= on and (not self.end_date or self.end_date >= on)


def appoint_rep(session: Session, student_id: int, start_date: str | dt.date, *, end_date: str | dt.date = "",
                training: str = "") -> int:
    """Appoint a student of an eligible class as its 心理委员 (from the class list)."""
    require(session, can_keep_network, "任命心理委员")
    student = _student(session, student_id)
    _at_school(student, "心理委员")
    if student.class_id is None or student.grade is None:
        raise InputRejected(f"{student.name} 没有班级，不能任命为心理委员。")
    grades = load_settings(session.db).eligible_grades
    if student.grade not in grades:
        raise InputRejected(f"{student.class_name}不在设有心理委员的年级内（学校设置：{_grades_text(grades)}）。")
    start = _date(start_date, "任职开始日期")
    end = _date(end_date, "任职结束日期", blank_ok=True)
    if end and end < start:
        raise InputRejected("任职结束日期不能早于开始日期。")
    db = session.db
    with db.transaction():
        if db.scalar("SELECT 1 FROM network_reps WHERE student_id = :s AND (end_date = '' OR end_date >= :d)",
                     {"s": student.id, "d": start}):
            raise InputRejected(f"{student.name} 已经是{student.class_name}的心理委员。")
        cur = db.execute("INSERT INTO network_reps (uuid, student_id, class_id, start_date, end_date, training,"
                         " created_at, created_by) VALUES (:u, :s, :c, :st, :e, :t, :now, :by)",
                         {"u": clock.new_uuid(), "s": student.id, "c": student.class_id, "st": start, "e": end,
                          "t": training.strip(), "now": clock.now_iso(), "by": session.account.label})
        session.audit("edit", f"network_rep:{cur.lastrowid}", {"appoint": student.registry_no, "start": start})
    return int(cur.lastrowid or 0)


def end_rep(session: Session, rep_id: int, end_date: str | dt.date) -> None:
    require(session, can_keep_network, "调整心理委员")
    end = _date(end_date, "任职结束日期")
    with session.db.transaction():
        row = session.db.one("SELECT start_date FROM network_reps WHERE id = :i", {"i": rep_id})
        if row is None:
            raise InputRejected("找不到这条心理委员任命。")
        if end < row[0]:
            raise InputRejected("任职结束日期不能早于开始日期。")
        session.db.execute("UPDATE network_reps SET end_date = :e WHERE id = :i", {"e": end, "i": rep_id})
        session.audit("edit", f"network_rep:{rep_id}", {"end": end})


def list_reps(session: Session, *, on: str | None = None) -> list[Rep]:
    """The committee members serving on ``on`` (default today), within the account's class scope: still at school
    (在读) and in the class they were appointed for."""
    day = on or clock.today().isoformat()
    scope = class_scope(session.account)
    rows = session.db.query(
        "SELECT r.id, r.student_id, s.name, r.class_id, c.name, r.start_date, r.end_date, r.training"
        " FROM network_reps r JOIN students s ON s.id = r.student_id JOIN classes c ON c.id = r.class_id"
        " WHERE r.start_date <= :d AND (r.end_date = '' OR r.end_date >= :d)"
        " AND s.status = '在读' AND s.class_id = r.class_id"   # one who left school or the class serves no more
        " AND (:scope IS NULL OR r.class_id = :scope) ORDER BY c.grade, c.number, r.start_date",
        {"d": day, "scope": scope})
    return [Rep(*r) for r in rows]


@dataclass(frozen=True)
class ClassReps:
    class_id: int
    class_name: str
    grade: int
    reps: tuple[str, ...]

    @property
    def problem(self) -> str:
        if not self.reps:
            return "没有心理委员"
        if len(self.reps) > 2:
            return f"心理委员 {len(self.reps)} 名（应为 1–2 名）"
        return ""


def eligible_classes(session: Session, *, on: str | None = None) -> list[ClassReps]:
    """Every class of an eligible grade with its serving committee members (scoped)."""
    grades = load_settings(session.db).eligible_grades
    reps: dict[int, list[str]] = {}
    for r in list_reps(session, on=on):
        reps.setdefault(r.class_id, []).append(r.name)
    scope = class_scope(session.account)
    out = []
    for cid, name, grade in session.db.query("SELECT id, name, grade FROM classes ORDER BY grade, number"):
        if grade in grades and (scope is None or cid == scope):
            out.append(ClassReps(cid, name, grade, tuple(reps.get(cid, []))))
    return out


def rep_problems(session: Session, *, on: str | None = None) -> list[ClassReps]:
    """The eligible classes with no committee member, or more than two."""
    return [c for c in eligible_classes(session, on=on) if c.problem]


def _grades_text(grades: tuple[int, ...]) -> str:
    return "、".join(grade_name(g) for g in grades) or "无"


# -- dormitories --------------------------------------------------------------------------------------------
def _end_informant_elsewhere(session: Session, student_id: int, building: str, room: str) -> int:
    """An informant who moves out of their room (or has it cleared) no longer serves it: the room is listed
    without one. In the caller's transaction; returns how many terms ended."""
    return session.db.execute(
        "UPDATE network_informants SET end_date = :d WHERE student_id = :s AND end_date = ''"
        " AND NOT (building = :b AND room = :r)",
        {"d": clock.today().isoformat(), "s": student_id, "b": building, "r": room}).rowcount


def set_dorm(session: Session, student_id: int, building: str, room: str) -> None:
    """Set (or, with blank building and room, clear) a boarding student's building and room."""
    require(session, can_manage_roster, "修改学生的宿舍")
    student = _student(session, student_id)
    b, r = normalize_text(building).strip(), normalize_text(room).strip()
    if bool(b) != bool(r):
        raise InputRejected("请同时填写楼栋和房间号（或都留空以清除）。")
    db = session.db
    with db.transaction():
        _end_informant_elsewhere(session, student.id, b, r)
        if not b:
            db.execute("DELETE FROM network_dorms WHERE student_id = :s", {"s": student.id})
        else:
            db.execute("INSERT INTO network_dorms (student_id, building, room, updated_at) VALUES (:s, :b, :r, :t)"
                       " ON CONFLICT (student_id) DO UPDATE SET building = :b, room = :r, updated_at = :t",
                       {"s": student.id, "b": b, "r": r, "t": clock.now_iso()})
            db.execute("UPDATE students SET boarding = 1 WHERE id = :s", {"s": student.id})
        session.audit("edit", f"student:{student.registry_no}", {"dorm": room_label(b, r)})


def informant_of(session: Session, student_id: int) -> str:
    """The room this student serves as 宿舍心理信息员 (“3号楼 201”), or ""."""
    row = session.db.one("SELECT building, room FROM network_informants WHERE student_id = :s AND end_date = ''",
                         {"s": student_id})
    return room_label(row[0], row[1]) if row else ""


def dorm_of(session: Session, student_id: int) -> tuple[str, str] | None:
    row = session.db.one("SELECT building, room FROM network_dorms WHERE student_id = :s", {"s": student_id})
    return (row[0], row[1]) if row else None


DORM_SYNONYMS = {"registry_no": ["学籍号", "全国学籍号", "国家学籍号"], "name": ["姓名", "学生姓名"],
                 "class": ["班级", "班级名称"], "grade": ["年级"],
                 "dorm": ["宿舍", "宿舍号", "寝室", "寝室号", "宿舍房间", "住宿宿舍"],
                 "building": ["楼栋", "宿舍楼", "楼号", "宿舍楼栋"], "room": ["房间", "房间号", "宿舍房间号"]}


@dataclass
class DormResult:
    written: int
    errors: list[tuple[int, str]]


def dorms_from_roster(session: Session, path: Path, sheet: str | None = None, *, dry_run: bool = False) -> DormResult:
    """Take building and room from a roster that holds them (a 宿舍 column such as “3号楼 201”, or 楼栋 and 房间
    columns). Rows without a room are left alone; students are found through the one matcher."""
    from app.archive.matcher import MatchProblem, StudentMatcher
    from app.tabular import cell_text, read_table
    from app.tabular.reader import nonblank_rows

    require(session, can_manage_roster, "导入宿舍")
    labels = {"registry_no": "学籍号", "name": "姓名", "class": "班级", "grade": "年级", "dorm": "宿舍",
              "building": "楼栋", "room": "房间"}
    table = read_table(Path(path), DORM_SYNONYMS, [], labels, None, sheet)
    if "dorm" not in table.columns and not {"building", "room"} <= set(table.columns):
        return DormResult(0, [])
    matcher = StudentMatcher.load(session)
    found: list[tuple[int, str, str, str]] = []
    errors: list[tuple[int, str]] = []
    for row, cells in nonblank_rows(table):
        if "dorm" in table.columns:
            text = cell_text(table.value(cells, "dorm"))
            parsed = parse_room(text) if text else None
            if text and parsed is None:
                errors.append((row, f"宿舍“{text}”无法识别，请写成“3号楼 201”"))
                continue
        else:
            b, r = cell_text(table.value(cells, "building")), cell_text(table.value(cells, "room"))
            parsed = (b, r) if b and r else None
        if parsed is None:
            continue
        m = matcher.match(registry_no=cell_text(table.value(cells, "registry_no")),
                          name=cell_text(table.value(cells, "name")),
                          class_text=cell_text(table.value(cells, "class")),
                          grade_text=cell_text(table.value(cells, "grade")))
        if isinstance(m, MatchProblem):
            errors.append((row, m.reason))
            continue
        found.append((m.student.id, m.student.registry_no, *parsed))
    if dry_run or not found:
        return DormResult(0, errors)
    now = clock.now_iso()
    with session.db.transaction():
        for sid, _reg, b, r in found:
            _end_informant_elsewhere(session, sid, b, r)
            session.db.execute("INSERT INTO network_dorms (student_id, building, room, updated_at) VALUES"
                               " (:s, :b, :r, :t) ON CONFLICT (student_id) DO UPDATE SET building = :b, room = :r,"
                               " updated_at = :t", {"s": sid, "b": b, "r": r, "t": now})
            session.db.execute("UPDATE students SET boarding = 1 WHERE id = :s", {"s": sid})
        session.audit("import", Path(path).name, {"kind": "dorms", "written": len(found)})
    return DormResult(len(found), errors)


@dataclass(frozen=True)
class Room:
    building: str
    room: str
    residents: int
    informant: str
    informant_id: int | None

    @property
    def label(self) -> str:
        return room_label(self.building, self.room)


def list_rooms(session: Session) -> list[Room]:
    """Every room with boarders, with its serving informant (a head teacher: the rooms their students sleep in)."""
    scope = class_scope(session.account)
    inf = {(r[0], r[1]): (r[2], r[3]) for r in session.db.query(
        "SELECT i.building, i.room, s.name, i.id FROM network_informants i JOIN students s ON s.id = i.student_id"
        " WHERE i.end_date = '' AND s.status = '在读'")}
    out = []
    for b, r, n in session.db.query(
            "SELECT d.building, d.room, count(*) FROM network_dorms d JOIN students s ON s.id = d.student_id"
            " WHERE s.status = '在读' GROUP BY d.building, d.room HAVING :scope IS NULL OR"
            " sum(s.class_id = :scope) > 0 ORDER BY d.building, d.room", {"scope": scope}):
        name, iid = inf.get((b, r), ("", None))
        out.append(Room(b, r, n, name, iid))
    return out


def rooms_without_informant(session: Session) -> list[Room]:
    return [r for r in list_rooms(session) if not r.informant]


def appoint_informant(session: Session, student_id: int, start_date: str | dt.date) -> int:
    """Make a boarder the 宿舍心理信息员 of their own room; a room has one serving informant."""
    require(session, can_keep_network, "任命宿舍心理信息员")
    student = _student(session, student_id)
    _at_school(student, "宿舍心理信息员")
    dorm = dorm_of(session, student.id)
    if dorm is None:
        raise InputRejected(f"{student.name} 没有登记宿舍。请先在档案中填写楼栋和房间。")
    start = _date(start_date, "任职开始日期")
    db = session.db
    with db.transaction():
        # one who left school still held the room: their term ends as the new informant starts
        db.execute("UPDATE network_informants SET end_date = :d WHERE building = :b AND room = :r AND end_date = ''"
                   " AND student_id IN (SELECT id FROM students WHERE status != '在读')",
                   {"d": start, "b": dorm[0], "r": dorm[1]})
        held = db.one("SELECT s.name FROM network_informants i JOIN students s ON s.id = i.student_id"
                      " WHERE i.building = :b AND i.room = :r AND i.end_date = '' AND s.status = '在读'",
                      {"b": dorm[0], "r": dorm[1]})
        if held is not None:
            raise InputRejected(f"{room_label(*dorm)} 已有信息员 {held[0]}。每个宿舍一名信息员，请先结束其任职。")
        cur = db.execute("INSERT INTO network_informants (uuid, building, room, student_id, start_date, created_at,"
                         " created_by) VALUES (:u, :b, :r, :s, :st, :now, :by)",
                         {"u": clock.new_uuid(), "b": dorm[0], "r": dorm[1], "s": student.id, "st": start,
                          "now": clock.now_iso(), "by": session.account.label})
        session.audit("edit", f"network_informant:{cur.lastrowid}",
                      {"appoint": student.registry_no, "room": room_label(*dorm)})
    return int(cur.lastrowid or 0)


def end_informant(session: Session, informant_id: int, end_date: str | dt.date) -> None:
    require(session, can_keep_network, "调整宿舍心理信息员")
    end = _date(end_date, "任职结束日期")
    with session.db.transaction():
        if session.db.execute("UPDATE network_informants SET end_date = :e WHERE id = :i AND end_date = ''",
                              {"e": end, "i": informant_id}).rowcount != 1:
            raise InputRejected("找不到这名在任的信息员。")
        session.audit("edit", f"network_informant:{informant_id}", {"end": end})


# -- the leadership group -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Post:
    post: str
    label: str
    holder: str          # "" when the post is empty
    department: str
    outside: bool
    leader_id: int | None

    @property
    def empty(self) -> bool:
        return not self.holder


def set_leader(session: Session, post: str, *, staff_id: int | None = None, outside_name: str = "",
               organisation: str = "", department: str = "") -> int:
    """Put a staff member or an outside person on a post (组长, 副组长 and 心理健康副校长 have one holder)."""
    require(session, can_keep_network, "调整领导小组")
    if post not in POSTS:
        raise InputRejected(f"职务应为：{'、'.join(POSTS.values())} 之一。")
    if (staff_id is None) == (not outside_name.strip()):
        raise InputRejected("请选择一名教职工，或填写校外人员的姓名（二者选一）。")
    db = session.db
    with db.transaction():
        if staff_id is not None and not db.scalar("SELECT 1 FROM staff WHERE id = :i", {"i": staff_id}):
            raise InputRejected("找不到这名教职工。")
        if post in REQUIRED_POSTS:
            db.execute("DELETE FROM network_leaders WHERE post = :p", {"p": post})
        cur = db.execute("INSERT INTO network_leaders (uuid, post, staff_id, outside_name, organisation, department,"
                         " since, created_at) VALUES (:u, :p, :s, :o, :org, :d, :since, :now)",
                         {"u": clock.new_uuid(), "p": post, "s": staff_id, "o": outside_name.strip(),
                          "org": organisation.strip(), "d": department.strip(), "since": clock.today().isoformat(),
                          "now": clock.now_iso()})
        session.audit("edit", f"network_leader:{cur.lastrowid}", {"post": post})
    return int(cur.lastrowid or 0)


def remove_leader(session: Session, leader_id: int) -> None:
    require(session, can_keep_network, "调整领导小组")
    with session.db.transaction():
        session.db.execute("DELETE FROM network_leaders WHERE id = :i", {"i": leader_id})
        session.audit("edit", f"network_leader:{leader_id}", "移出领导小组")


def leadership(session: Session) -> list[Post]:
    """The group: each required post (empty ones included, to be highlighted), then the members."""
    rows = session.db.query("SELECT l.id, l.post, coalesce(s.name, l.outside_name), l.department, l.organisation,"
                            " l.staff_id IS NULL FROM network_leaders l LEFT JOIN staff s ON s.id = l.staff_id"
                            " ORDER BY l.id")
    out: list[Post] = []
    for post in REQUIRED_POSTS:
        held = [r for r in rows if r[1] == post]
        if held:
            r = held[0]
            out.append(Post(post, POSTS[post], r[2], r[3] or r[4], bool(r[5]), r[0]))
        else:
            out.append(Post(post, POSTS[post], "", "", False, None))
    for r in rows:
        if r[1] == "member":
            out.append(Post("member", POSTS["member"], r[2], r[3] or r[4], bool(r[5]), r[0]))
    return out


# -- year-group reviews -------------------------------------------------------------------------------------
def record_review(session: Session, grade: int, quarter: str, held_on: str | dt.date, participants: str,
                  decisions: list[tuple[int, str]]) -> int:
    """A 年级组研判: who took part and, for each student discussed, the decision (lands on the timeline)."""
    require(session, can_keep_network, "记录年级组研判")
    q = check_quarter(quarter)
    day = _date(held_on, "研判日期")
    if not participants.strip():
        raise InputRejected("请填写参加研判的人员。")
    students = []
    for sid, decision in decisions:
        st = _student(session, sid)
        if st.grade != grade:
            raise InputRejected(f"{st.name}（{st.class_name}）不在{grade_name(grade)}，不能列入本年级的研判。")
        if not decision.strip():
            raise InputRejected(f"请填写对 {st.name} 的研判结论。")
        students.append((st, decision.strip()))
    db = session.db
    with db.transaction():
        if db.scalar("SELECT 1 FROM network_reviews WHERE grade = :g AND quarter = :q", {"g": grade, "q": q}):
            raise InputRejected(f"{grade_name(grade)} {q} 已有研判记录。")
        cur = db.execute("INSERT INTO network_reviews (uuid, grade, quarter, held_on, participants, created_at,"
                         " created_by) VALUES (:u, :g, :q, :d, :p, :now, :by)",
                         {"u": clock.new_uuid(), "g": grade, "q": q, "d": day, "p": participants.strip(),
                          "now": clock.now_iso(), "by": session.account.label})
        rid = int(cur.lastrowid or 0)
        for st, decision in students:
            db.execute("INSERT INTO network_review_students (review_id, student_id, decision) VALUES (:r, :s, :d)",
                       {"r": rid, "s": st.id, "d": decision})
        session.audit("edit", f"network_review:{rid}", {"grade": grade, "quarter": q, "students": len(students)})
    return rid


def missing_reviews(session: Session, today: dt.date | None = None) -> list[tuple[int, str]]:
    """(grade, quarter): each grade with students and no review for this quarter or the one before."""
    day = today or clock.today()
    this_q = quarter_of(day)
    prev_q = quarter_of(dt.date(day.year, ((day.month - 1) // 3) * 3 + 1, 1) - dt.timedelta(days=1))
    scope = class_scope(session.account)
    grades = [g for (g,) in session.db.query(
        "SELECT DISTINCT c.grade FROM classes c JOIN students s ON s.class_id = c.id WHERE s.status = '在读'"
        " AND (:scope IS NULL OR c.id = :scope) ORDER BY c.grade", {"scope": scope})]
    done = {(g, q) for g, q in session.db.query("SELECT grade, quarter FROM network_reviews")}
    return [(g, q) for q in (prev_q, this_q) for g in grades if (g, q) not in done]


# -- peer support pairs -------------------------------------------------------------------------------------
def add_pair(session: Session, student_id: int, peer_id: int, start_date: str | dt.date, *,
             end_date: str | dt.date = "", note: str = "") -> int:
    require(session, can_keep_network, "安排朋辈结对")
    st, peer = _student(session, student_id), _student(session, peer_id)
    if st.id == peer.id:
        raise InputRejected("结对的两名学生不能是同一人。")
    start = _date(start_date, "结对开始日期")
    end = _date(end_date, "结对结束日期", blank_ok=True)
    if end and end < start:
        raise InputRejected("结对结束日期不能早于开始日期。")
    with session.db.transaction():
        cur = session.db.execute("INSERT INTO network_pairs (uuid, student_id, peer_id, start_date, end_date, note,"
                                 " created_at) VALUES (:u, :s, :p, :st, :e, :n, :now)",
                                 {"u": clock.new_uuid(), "s": st.id, "p": peer.id, "st": start, "e": end,
                                  "n": note.strip(), "now": clock.now_iso()})
        session.audit("edit", f"network_pair:{cur.lastrowid}", {"student": st.registry_no, "peer": peer.registry_no})
    return int(cur.lastrowid or 0)


def list_pairs(session: Session) -> list[tuple[int, str, str, str, str]]:
    """(id, student, peer, from, to) within the account's scope; nothing for a 管理员. Each student is named with
    their class (“王芳（七年级（2）班）”), so two students of one name are told apart."""
    if not does_student_work(session.account):
        return []
    scope = class_scope(session.account)
    return [tuple(r) for r in session.db.query(  # type: ignore[misc]
        "SELECT p.id, a.name || coalesce('（' || ca.name || '）', ''), b.name || coalesce('（' || cb.name || '）', ''),"
        " p.start_date, p.end_date FROM network_pairs p JOIN students a ON a.id = p.student_id"
        " JOIN students b ON b.id = p.peer_id LEFT JOIN classes ca ON ca.id = a.class_id"
        " LEFT JOIN classes cb ON cb.id = b.class_id WHERE :scope IS NULL OR a.class_id = :scope"
        " ORDER BY p.start_date DESC", {"scope": scope})]

