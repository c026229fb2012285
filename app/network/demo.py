"""A lived-in demo network: committee members in most classes, rooms with informants, the leadership group, two
months of reports, some triage done and some open, a year-group review and a peer pair. Invented data.

It draws from its own seeded generator, so adding the network changes no other capability's demo records."""
from __future__ import annotations

import datetime as dt
import random

from app import clock
from app.network.model import DECISIONS, SELF_HARM, SIGNS, load_settings, period_of, previous_period, quarter_of
from app.network.people import (
    add_pair,
    appoint_informant,
    appoint_rep,
    record_review,
    set_dorm,
    set_leader,
)
from app.network.reports import ConcernInput, ReportInput, add_report, open_crisis_case, triage
from app.policy import can_read_confidential
from app.safety.alerts import alert_for, review_same_day
from app.session import Session

SEEN = ["最近上课常趴在桌上，不愿和同学说话", "和同桌发生争执后一直闷闷不乐", "家里老人去世后请假一周，返校后情绪低",
        "月考失利后说“学了也没用”", "几名同学常拿他的口音开玩笑", "晚自习时一个人在走廊哭"]
CLIMATE = ["总体平稳，学习氛围较好", "临近考试，同学们压力较大", "班级活动后同学关系更融洽", "个别同学之间有小摩擦"]


def populate(session: Session, _shared: random.Random, student_ids: list[int]) -> None:
    if not can_read_confidential(session.account) or len(student_ids) < 20:
        return
    rng = random.Random(12)
    db = session.db
    today = clock.today()
    rows = db.query("SELECT s.id, s.class_id, s.boarding, s.gender, c.grade FROM students s JOIN classes c"
                    " ON c.id = s.class_id WHERE s.status = '在读' ORDER BY s.id")
    by_class: dict[int, list[int]] = {}
    grade_of: dict[int, int] = {}
    for r in rows:
        by_class.setdefault(r[1], []).append(r[0])
        grade_of[r[0]] = r[4]
    eligible = load_settings(db).eligible_grades
    classes = sorted(c for c in by_class if grade_of[by_class[c][0]] in eligible)
    if len(classes) < 2:
        return
    start = (today - dt.timedelta(days=90)).isoformat()
    # Committee members: two in most classes, one in some, none in the last class (listed on the 工作台).
    for i, cid in enumerate(classes[:-1]):
        for sid in rng.sample(by_class[cid], 1 if i % 3 == 0 else 2):
            appoint_rep(session, sid, start, training="区心理委员培训（4 学时）" if rng.random() < 0.7 else "")
    # Rooms: boarders six to a room by gender, the room head as informant except in one room.
    boarders = [r for r in rows if r[2]]
    rooms: list[list[int]] = []
    for gender, building in (("男", "1号楼"), ("女", "2号楼")):
        group = [r[0] for r in boarders if r[3] == gender]
        for k in range(0, len(group), 6):
            room_no = f"{1 + k // 30}{(k // 6) % 5 + 1:02d}"
            for sid in group[k:k + 6]:
                set_dorm(session, sid, building, room_no)
            rooms.append(group[k:k + 6])
    for room in rooms[:-1]:
        appoint_informant(session, room[0], start)
    # The leadership group: the 心理健康副校长 post is left empty (shown highlighted).
    staff = [r[0] for r in db.query("SELECT id FROM staff ORDER BY id")]
    if staff:
        set_leader(session, "leader", outside_name="张校长", department="校长室")
        set_leader(session, "deputy", outside_name="刘主任", department="政教处")
        set_leader(session, "member", staff_id=staff[0], department="心理辅导室")
        set_leader(session, "member", outside_name="王医生", department="卫生室")
    # Two months of routine reports (last month complete but for one class; this month started), one
    # immediate report with a self-harm sign, left for today's triage.
    this = period_of(today)
    last = previous_period(this)
    reps = {r[0]: r[1] for r in db.query("SELECT n.class_id, min(s.name) FROM network_reps n JOIN students s"
                                        " ON s.id = n.student_id GROUP BY n.class_id")}
    named_last: dict[int, list[int]] = {}   # class -> its students named last month
    for period, reporting in ((last, classes[:-1]), (this, classes[:max(1, len(classes) // 2)])):
        year, month = int(period[:4]), int(period[5:7])
        day = min(dt.date(year, month, 25), today)
        for cid in reporting:
            concerns: list[ConcernInput] = []
            if cid in reporting[:2] or rng.random() < 0.45:
                picks = rng.sample(by_class[cid], 2 if cid == reporting[0] else rng.choice((1, 1, 2)))
                if period == this and named_last.get(cid):
                    picks = [named_last[cid].pop()]   # named again: the two-periods-running rule suggests a talk
                for sid in picks:
                    sign = rng.choice([s for s in SIGNS if s not in (SELF_HARM, "其他")])
                    concerns.append(ConcernInput(sid, [sign], rng.choice(SEEN)))
                    if period == last:
                        named_last.setdefault(cid, []).append(sid)
            add_report(session, ReportInput(day.isoformat(), "psych_rep", reps.get(cid, ""), cid, period=period,
                                            climate=rng.choice(CLIMATE), concerns=concerns))
        for room in rooms[:2]:
            where = db.one("SELECT building, room FROM network_dorms WHERE student_id = :s", {"s": room[0]})
            informant = db.scalar("SELECT name FROM students WHERE id = :s", {"s": room[0]})
            if where is not None:
                add_report(session, ReportInput(day.isoformat(), "informant", informant or "", None, where[0],
                                                where[1], period=period))
    # Triage: last month's concerns mostly decided, this month's open; one crisis case from a report.
    open_ids = [r[0] for r in db.query("SELECT n.id FROM network_concerns n JOIN network_reports r ON"
                                       " r.id = n.report_id WHERE r.period = :p ORDER BY n.id", {"p": last})]
    choices = [k for k in DECISIONS if k != "crisis"]
    for k, cid in enumerate(open_ids):
        has_case = db.scalar("SELECT 1 FROM crisis_cases c JOIN network_concerns n ON n.student_id = c.student_id"
                             " WHERE n.id = :n AND c.status = 'open'", {"n": cid})
        if k == 0 and not has_case:
            open_crisis_case(session, cid, level="general")
        elif k == 0:
            triage(session, cid, "talk", "已有危机个案，约谈跟进")
        elif k % 4 != 3:
            triage(session, cid, choices[k % len(choices)], "已与班主任沟通")
    cid0 = classes[0]
    add_report(session, ReportInput(today.isoformat(), "head_teacher", "班主任", cid0, immediate=True,
                                    events="课间有同学发现其手臂有划痕",
                                    concerns=[ConcernInput(by_class[cid0][-1], [SELF_HARM, "情绪低落"],
                                                           "说“活着没意思”，手臂有新划痕")]))
    # Its same-day alert was reviewed today (talked with, no immediate danger); the decision waits in 分诊.
    urgent = db.scalar("SELECT max(id) FROM network_concerns WHERE urgent = 1")
    alert = alert_for(session, f"network_concerns:{urgent}")
    if alert is not None and alert.status == "open":
        review_same_day(session, alert.id, "当天已面谈，暂无即时危险，待分诊决定后续措施")
    # A year-group review for the first grade this quarter, and a peer pair.
    first = by_class[cid0][:2]
    record_review(session, grade_of[first[0]], quarter_of(today), today.isoformat(), "年级主任、各班班主任、心理教师",
                  [(first[0], "持续关注，班主任每周反馈"), (first[1], "无需特别处理")])
    add_pair(session, by_class[cid0][3], by_class[cid0][4], start, note="同宿舍同学结对，每周一起吃饭")
