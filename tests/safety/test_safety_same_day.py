"""Same-day safety (issue 9): one path from a positive critical item or a high-risk note to an urgent item due
today at the top of 工作台, a crisis case opened from it that links back, and the 工作台's order."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from app import clock
from app.casework.model import RecordInput
from app.casework.records import create_record, update_record
from app.crisis.cases import get_case, list_cases, open_case
from app.errors import InputRejected, PermissionDenied
from app.safety.alerts import get_alert, open_alerts, raise_same_day, review_same_day
from app.screening.campaigns import create_campaign
from app.screening.custom_scales import add_scale_file
from app.screening.results import save_answers
from app.workbench import PRIORITY_CRISIS, WorkItem, group_items, sort_key, work_items

NOW = dt.datetime(2026, 10, 12, 9, 30)   # a Monday
ITEM9 = [0, 0, 0, 0, 0, 0, 0, 0, 1]
L2 = [2, 2, 2, 2, 2, 2, 2, 2, 0]


def grade7(session, n: int) -> list[int]:
    return [r[0] for r in session.db.query(
        "SELECT s.id FROM students s JOIN classes c ON c.id = s.class_id WHERE c.grade = 7 AND s.status = '在读'"
        " ORDER BY s.id LIMIT :n", {"n": n})]


@pytest.fixture
def day(school):
    clock.set_fixed(NOW)
    return NOW.date()


@pytest.fixture
def camp(school, day):
    return create_campaign(school, "秋季测评", {7: "phq9", 8: "phq9", 9: "phq9"})


def test_item_9_positive_is_due_today_at_the_top_not_in_three_school_days(school, camp, day):
    others = grade7(school, 12)
    for sid in others[1:]:
        save_answers(school, camp.id, sid, "phq9", L2)          # eleven level-2 follow-ups above nothing
    sid = others[0]
    result, level = save_answers(school, camp.id, sid, "phq9", ITEM9)
    assert result.total == 1 and result.critical and level == 1
    items = work_items(school, day)
    top = items[0]
    assert top.kind == "same_day" and top.student_id == sid and top.due == day.isoformat()
    assert top.urgent and not top.overdue and "第9题阳性" in top.title and "请当天复核" in top.title
    # shown once: the level-1 row of the ledger is not repeated below it
    assert [i.student_id for i in items].count(sid) == 1
    # the next day it is red, and still at the top
    late = work_items(school, day + dt.timedelta(days=1))[0]
    assert late.student_id == sid and late.overdue
    # entering the same answers again raises nothing new
    save_answers(school, camp.id, sid, "phq9", ITEM9)
    assert [a.student_id for a in open_alerts(school) if a.source.startswith("screening")] == [sid]


def test_a_case_opened_from_it_links_back_and_closes_it(school, camp, day, head_teacher):
    sid = grade7(school, 1)[0]
    save_answers(school, camp.id, sid, "phq9", ITEM9)
    alert = open_alerts(school)[0]
    assert alert.case_source == "screening"
    case_id = open_case(school, sid, "severe", alert.case_source, summary="测评第9题阳性，当天面谈", alert_id=alert.id)
    case = get_case(school, case_id)
    assert "PHQ-9 第9题阳性" in case.raised_by and "测评筛查" in case.raised_by
    assert case.raised_by_source.startswith("screening_results:")
    assert case.as_json()["raised_by_source"] == case.raised_by_source
    assert get_alert(school, alert.id).status == "case_opened" and get_alert(school, alert.id).case_id == case_id
    assert not [i for i in work_items(school, day) if i.kind == "same_day"]
    # a second case from the same alert is refused; the student's case list shows the one case
    with pytest.raises(InputRejected):
        open_case(school, sid, "severe", "screening", summary="x", alert_id=alert.id)
    assert [c.id for c in list_cases(school, student_id=sid)] == [case_id]


def test_a_case_from_another_students_alert_is_refused(school, camp, day):
    a, b = grade7(school, 2)
    save_answers(school, camp.id, a, "phq9", ITEM9)
    alert = open_alerts(school)[0]
    with pytest.raises(InputRejected, match="同一名学生"):
        open_case(school, b, "general", "screening", summary="x", alert_id=alert.id)
    assert not list_cases(school, student_id=b)             # rolled back with the refusal


def test_the_review_closes_it_and_only_counselors_see_alerts(school, camp, day, head_teacher):
    sid = grade7(school, 1)[0]
    save_answers(school, camp.id, sid, "phq9", ITEM9)
    alert = open_alerts(school)[0]
    assert open_alerts(head_teacher) == []
    assert not [i for i in work_items(head_teacher, day) if i.kind == "same_day"]
    with pytest.raises(PermissionDenied):
        review_same_day(head_teacher, alert.id, "已面谈")
    with pytest.raises(InputRejected, match="结果"):
        review_same_day(school, alert.id, " ")
    review_same_day(school, alert.id, "已面谈，暂无危机，转入常规跟进")
    assert get_alert(school, alert.id).status == "reviewed"
    assert not [i for i in work_items(school, day) if i.kind == "same_day"]
    actions = [r[0] for r in school.db.query("SELECT target FROM audit_log WHERE target LIKE 'safety_alerts:%'")]
    assert actions.count(f"safety_alerts:{alert.id}") == 2            # raised, reviewed


def test_an_item_a_scale_file_marks_critical_raises_it_too(school, day, tmp_path):
    definition = {
        "id": "mood5", "name": "情绪自评五题", "short_name": "情绪5", "version": "1", "source": "学校自编",
        "licence": "学校自编", "rater": "self", "grades": [7, 8, 9], "instructions": "请选择。",
        "options": [{"value": 0, "label": "没有"}, {"value": 1, "label": "有时"}, {"value": 2, "label": "经常"}],
        "items": [{"n": 1, "text": "心情低落"}, {"n": 2, "text": "睡不好"}, {"n": 3, "text": "不想上学"},
                  {"n": 4, "text": "和同学吵架"}, {"n": 5, "text": "想过伤害自己", "critical": True}],
        "scoring": {"method": "sum"}, "bands": [{"id": "low", "label": "低", "min": 0, "max": 10}],
        "validity": {"max_missing": 1}}
    path = tmp_path / "mood5.json"
    path.write_text(json.dumps(definition, ensure_ascii=False), "utf-8")
    add_scale_file(school, path)
    camp = create_campaign(school, "自编量表测评", {7: "mood5"})
    sid = grade7(school, 1)[0]
    result, level = save_answers(school, camp.id, sid, "mood5", [0, 0, 0, 0, 1])
    assert result.critical and level == 1
    assert [a.reason for a in open_alerts(school)] == ["情绪5 第5题阳性"]
    quiet = grade7(school, 2)[1]
    save_answers(school, camp.id, quiet, "mood5", [2, 2, 2, 2, 0])
    assert [a.student_id for a in open_alerts(school) if a.source.startswith("screening")] == [sid]


def test_a_session_note_marked_high_risk_does_the_same(school, day, head_teacher):
    sid = grade7(school, 1)[0]
    rid = create_record(school, RecordInput("individual", [sid], "2026-10-12T09:00", 40, summary="情绪低落",
                                            risk="medium"))
    assert open_alerts(school) == []
    update_record(school, rid, RecordInput("individual", [sid], "2026-10-12T09:00", 40, summary="情绪低落",
                                           risk="high"), "补充风险评估")
    alerts = open_alerts(school)
    assert [(a.student_id, a.source, a.source_label) for a in alerts] == [(sid, f"case_records:{rid}", "谈话记录")]
    assert alerts[0].case_source == "teacher"
    assert work_items(school, day)[0].source == f"safety_alerts:{alerts[0].id}"
    # a head teacher's high-risk note about a student of their class reaches the counselor too
    mine = head_teacher.db.scalar("SELECT id FROM students WHERE class_id = :c ORDER BY id",
                                  {"c": head_teacher.account.class_id})
    create_record(head_teacher, RecordInput("talk", [mine], "2026-10-12T10:00", 15, summary="说不想活了", risk="high"))
    assert {a.student_id for a in open_alerts(school)} == {sid, mine}


def test_raise_same_day_is_one_checked_path(school, day, head_teacher):
    sid = grade7(school, 1)[0]
    with pytest.raises(InputRejected, match="表名:编号"):
        raise_same_day(school, sid, "network_concerns", "心理委员报告：自伤迹象")
    first = raise_same_day(school, sid, "network_concerns:7", "心理委员报告：自伤迹象")
    assert raise_same_day(school, sid, "network_concerns:7", "心理委员报告：自伤迹象") == first
    assert get_alert(school, first).source_label == "预警网络报告" and get_alert(school, first).case_source == "committee"
    other = school.db.scalar("SELECT id FROM students WHERE class_id != :c", {"c": head_teacher.account.class_id})
    with pytest.raises(PermissionDenied):
        raise_same_day(head_teacher, other, "network_concerns:8", "x")


def _crisis_due_at(session, case_id: int, when: dt.datetime) -> None:
    session.db.execute("UPDATE crisis_steps SET due_at = :d WHERE case_id = :c AND step_key = 'safety'",
                       {"d": when.isoformat(timespec="seconds"), "c": case_id})


def test_a_crisis_step_due_today_or_overdue_never_sits_below_screening_items(school, camp, day):
    pupils = grade7(school, 30)
    # many level-1 alerts from the ledger's own rule (a school whose rule gives level 1 from a total), and L2s
    from app.screening.grading import load_rules, save_rules
    rules = load_rules(school.db)
    rules["thresholds"] = [{"scale": "phq9", "min": 15, "level": 1}] + rules["thresholds"]
    save_rules(school, rules)
    for sid in pupils[2:]:
        save_answers(school, camp.id, sid, "phq9", L2)
    ordinary = [i for i in work_items(school, day) if i.kind == "screening_alert"]
    assert len(ordinary) >= 28 and all(i.urgent for i in ordinary)
    # a severe case whose safety step is due at 11:00 today (not yet overdue), and one overdue since yesterday
    today_case = open_case(school, pupils[0], "severe", "teacher", summary="课间情绪失控")
    late_case = open_case(school, pupils[1], "general", "parent", summary="家长反映")
    _crisis_due_at(school, today_case, NOW.replace(hour=11, minute=0))
    school.db.execute("UPDATE crisis_steps SET due_at = :d WHERE case_id = :c AND status = 'open' AND required = 1",
                      {"d": "2026-10-11T16:00:00", "c": late_case})
    items = work_items(school, day)
    first_screening = min(n for n, i in enumerate(items) if i.kind == "screening_alert")
    crisis_now = [n for n, i in enumerate(items) if i.kind == "crisis_step"
                  and (i.overdue or i.due <= day.isoformat())]
    assert crisis_now and max(crisis_now) < first_screening
    step = items[crisis_now[0]]
    assert step.urgent and step.priority == PRIORITY_CRISIS and step.urgency == "crisis"
    assert {items[n].student_id for n in crisis_now} == {pupils[0], pupils[1]}
    # the page's groups: 危机干预 before 一级预警
    labels = [label for label, _items in group_items(items)]
    assert labels.index("危机干预") < labels.index("一级预警")
    # a same-day alert goes right below those crisis steps (the 今天必须完成 band's order, issue 11), above the rest
    save_answers(school, camp.id, pupils[0], "phq9", ITEM9)
    items = work_items(school, day)
    kinds = [i.kind for i in items]
    assert kinds[:len(crisis_now) + 1] == ["crisis_step"] * len(crisis_now) + ["same_day"]
    assert [label for label, _ in group_items(items)][:2] == ["危机干预", "当天复核"]


def test_sort_key_orders_crisis_then_same_day_then_urgent_overdue_and_due():
    items = [WorkItem("follow_up", "待复核访谈", "c", "2026-10-01", overdue=True),
             WorkItem("screening_alert", "一级预警", "b", "2026-10-20", urgent=True),
             WorkItem("crisis_step", "危机干预", "x", "2026-10-12", urgent=True, priority=PRIORITY_CRISIS),
             WorkItem("same_day", "当天复核", "a", "2026-10-12", urgent=True, priority=3),
             WorkItem("rescreen", "复测到期", "d", "2026-10-13")]
    assert [i.title for i in sorted(items, key=sort_key)] == ["x", "a", "b", "c", "d"]
    assert [i.urgency for i in sorted(items, key=sort_key)] == ["crisis", "same_day", "urgent", "overdue", "normal"]
