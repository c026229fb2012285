"""Demo crisis records: a referral directory, a few cases at different stages, one incident. Invented data."""
from __future__ import annotations

import datetime as dt
import random

from app import clock
from app.crisis.cases import close_case, open_case
from app.crisis.incidents import record_incident
from app.crisis.institutions import add_institution
from app.crisis.steps import complete_step, record_document, record_follow_up, record_meeting, skip_step, step_id
from app.policy import can_read_confidential
from app.session import Session

INSTITUTIONS = [
    ("市精神卫生中心", "儿童青少年心理科", "0532-8XXX1234", True, "市南区南京路 299 号"),
    ("市第八人民医院", "心理门诊", "0532-8XXX5678", True, "李沧区峰山路 12 号"),
    ("区妇幼保健院", "儿童心理保健科", "0532-8XXX2468", False, "崂山区海尔路 6 号"),
]


def _at(days_ago: float) -> str:
    return (clock.now() - dt.timedelta(days=days_ago)).isoformat(timespec="seconds")


def populate(session: Session, rng: random.Random, student_ids: list[int]) -> None:
    if not can_read_confidential(session.account) or len(student_ids) < 10:
        return
    inst = [add_institution(session, n, department=d, phone=p, green_channel=g, address=a)
            for n, d, p, g, a in INSTITUTIONS]
    picks = rng.sample(student_ids, 5)
    me = session.account.label

    # 1. A general case opened two days ago, assessment done, parents not yet told.
    c = open_case(session, picks[0], "general", "committee", summary="心理委员反映近两周情绪低落、独处增多",
                  note="自述与父母争吵后失眠，无自伤想法", discovered_at=_at(2), reported_by="班级心理委员")
    complete_step(session, step_id(session, c, "assessment"), done_at=_at(1.8), summary="面谈评估，一般心理危机",
                  note="情绪量表中度抑郁倾向，否认自伤计划")

    # 2. A severe case from screening, overdue referral.
    c = open_case(session, picks[1], "severe", "screening", summary="测评预警后复核访谈，存在自伤念头",
                  note="左前臂有划痕，自述压力来自学业", discovered_at=_at(5), reported_by=me)
    complete_step(session, step_id(session, c, "assessment"), done_at=_at(4.9), summary="复核访谈完成",
                  note="自伤风险中等")
    complete_step(session, step_id(session, c, "safety"), done_at=_at(4.95), summary="班主任陪护至家长到校",
                  data={"measures": "班主任全程陪护，收走美工刀"})
    complete_step(session, step_id(session, c, "notify_parents"), done_at=_at(4.8), done_by="班主任",
                  data={"method": "面谈", "parent": "母亲", "letter_given": True})
    complete_step(session, step_id(session, c, "parent_consent"), done_at=_at(4.7),
                  data={"signed": True, "signer": "母亲"})

    # 3. A major case, now in weekly follow-up after return to school.
    c = open_case(session, picks[2], "major", "teacher", summary="任课教师发现课堂上情绪失控",
                  note="评估发现有明确自杀计划", discovered_at=_at(80), reported_by="数学老师")
    for key, days, extra in (("assessment", 79.9, {}), ("safety", 79.95, {"measures": "专人陪护", "watch_24h": True}),
                             ("notify_parents", 79.9, {"method": "电话", "parent": "父亲", "letter_given": True}),
                             ("parent_consent", 79.5, {"signed": True, "signer": "父亲"}),
                             ("referral", 79, {"institution_id": inst[0], "outcome": "已就诊，住院治疗"}),
                             ("treatment", 78, {"kind": "住院治疗"})):
        complete_step(session, step_id(session, c, key), done_at=_at(days), done_by=me, data=extra,
                      note="住院三周后转门诊" if key == "treatment" else "")
    for doc in ("diagnosis", "application", "guardian_commitment"):
        record_document(session, c, doc, received_on=_at(20)[:10])
    record_meeting(session, c, held_at=_at(19), participants="分管校长、班主任、心理教师、家长",
                   note="医生建议可复学，继续服药")
    complete_step(session, step_id(session, c, "return_assessment"), done_at=_at(18), summary="同意复学")
    record_follow_up(session, c, done_on=_at(11)[:10], summary="上课状态平稳，按时服药")

    # 4. A closed general case.
    c = open_case(session, picks[3], "general", "student", summary="学生本人到辅导室求助，考试焦虑",
                  discovered_at=_at(40), reported_by="本人")
    complete_step(session, step_id(session, c, "assessment"), done_at=_at(39), summary="考试焦虑，一般心理危机")
    complete_step(session, step_id(session, c, "notify_parents"), done_at=_at(38), done_by=me,
                  data={"method": "电话", "parent": "母亲"})
    close_case(session, c, "三次个体咨询后焦虑明显缓解，转入常规关注", closed_at=_at(20))

    # 5. An incident linked to a case.
    inc = record_incident(session, occurred_at=_at(3), place="教学楼三楼走廊", student_id=picks[4],
                          what="课间与同学冲突后情绪激动，欲翻越栏杆，被老师拉回",
                          follow_up="已送医检查，无外伤；次日起由心理教师每日面谈",
                          notices=[{"party": "parents", "told_at": _at(3), "told_by": "班主任", "how": "电话"},
                                   {"party": "leaders", "told_at": _at(3), "told_by": me, "how": "当面报告"}])
    c = open_case(session, picks[4], "major", "incident", summary="意外事件后建立个案", discovered_at=_at(3),
                  reported_by="班主任", incident_id=inc)
    skip_step(session, step_id(session, c, "safety"), "学生已由家长接回家中")
