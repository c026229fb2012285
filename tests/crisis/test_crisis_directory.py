"""The referral directory (managers edit, history kept), incidents (who was told and when), the 工作台."""
from __future__ import annotations

import datetime as dt

import pytest
from crisis_helpers import advance

from app.crisis.cases import open_case
from app.crisis.incidents import add_notice, amend_incident, get_incident, list_incidents, record_incident
from app.crisis.institutions import add_institution, list_institutions, update_institution
from app.errors import InputRejected, PermissionDenied


def test_directory_is_edited_by_managers_and_keeps_history(session, pupils, head_teacher_plain, institution):
    assert [i.name for i in list_institutions(head_teacher_plain)] == ["市精神卫生中心"]
    with pytest.raises(PermissionDenied):
        add_institution(head_teacher_plain, "某医院")
    with pytest.raises(InputRejected):
        add_institution(session, "  ")
    with pytest.raises(InputRejected, match="已有"):
        add_institution(session, "市精神卫生中心", department="儿童青少年心理科")
    b = add_institution(session, "区妇幼保健院", phone="123")
    update_institution(session, b, "电话变更", phone="0532-999", green_channel=True)
    inst = {i.id: i for i in list_institutions(session)}
    assert inst[b].phone == "0532-999" and inst[b].green_channel
    rows = session.db.query("SELECT field, old_value, new_value, reason FROM crisis_history WHERE entity ="
                            " 'institution' ORDER BY id")
    assert [tuple(r) for r in rows] == [("phone", "123", "0532-999", "电话变更"), ("green_channel", "False", "True",
                                                                                "电话变更")]
    update_institution(session, b, "停止合作", active=False)
    assert b not in [i.id for i in list_institutions(session)]
    assert b in [i.id for i in list_institutions(session, include_inactive=True)]


def test_incident_records_who_was_told_and_when(session, pupils, t0, head_teacher_plain):
    at = t0.isoformat()
    inc = record_incident(session, occurred_at=at, place="操场", student_id=pupils[0], what="体育课后晕倒并称不想活了",
                          follow_up="送校医室，家长接回",
                          notices=[{"party": "parents", "told_at": at, "told_by": "班主任", "how": "电话"},
                                   {"party": "leaders", "told_at": at, "told_by": "心理教师", "how": "当面"}])
    advance(hours=2)
    add_notice(session, inc, "bureau", told_by="分管校长", contact="区教体局安全科", how="电话")
    with pytest.raises(InputRejected, match="通知对象"):
        add_notice(session, inc, "press")
    i = get_incident(session, inc)
    assert [n.party_label for n in i.notices] == ["家长", "学校领导", "教育行政部门"]
    assert i.told("bureau").told_at == (t0 + dt.timedelta(hours=2)).isoformat()
    assert i.told("police") is None
    c = open_case(session, pupils[0], "major", "incident", summary="意外事件后建档", incident_id=inc)
    assert get_incident(session, inc).case_ids == [c]
    amend_incident(session, inc, "补充", follow_up="送校医室，家长接回；次日到市精神卫生中心就诊")
    assert "次日" in get_incident(session, inc).follow_up
    with pytest.raises(PermissionDenied):
        list_incidents(head_teacher_plain)
    with pytest.raises(PermissionDenied):
        record_incident(head_teacher_plain, occurred_at=at, what="x")


def test_workbench_shows_overdue_steps_red(session, pupils, t0, head_teacher_plain):
    from app.crisis.workbench import crisis_items

    open_case(session, pupils[0], "major", "teacher", summary="试图翻越栏杆")      # 7.1
    open_case(session, pupils[7], "general", "parent", summary="家长反映失眠")       # 7.2
    items = crisis_items(session, t0.date())
    assert not any(i.overdue for i in items)        # nothing late yet; major's 1 h / 2 h / 4 h steps are due soon
    assert {i.title.split("：")[1] for i in items} >= {"安全措施即将到期（截止 2026-11-02 09:00）"}
    advance(hours=3)
    items = crisis_items(session, t0.date())
    late = [i for i in items if i.overdue]
    assert {i.title.split("：")[1].split("已逾期")[0] for i in late} == {"安全措施", "通知家长"}
    assert all(i.urgent and i.kind == "crisis_step" and i.source.startswith("crisis_cases:") for i in late)
    assert {i.student_id for i in crisis_items(head_teacher_plain, t0.date())} == {pupils[0]}
