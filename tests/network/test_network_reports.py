"""Reports, zero reports, triage (with a crisis case and its link), same-day urgency, the red delay, the
two-periods-running rule and missing reports."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from app.archive.chronology import timeline
from app.crisis.cases import get_case
from app.errors import InputRejected
from app.network.model import DECISIONS, SELF_HARM
from app.network.people import appoint_informant, appoint_rep, set_dorm, set_network_settings
from app.network.reports import (
    ConcernInput,
    ReportInput,
    add_report,
    concern_for_case,
    crisis_prefill,
    escalations,
    list_reports,
    open_crisis_case,
    overview,
    triage,
    untriaged,
)
from app.workbench import work_items
from tests.network.helpers import set_day, students_of


def _report(session, class_id, day="2026-11-02", concerns=(), **kw):  # type: ignore[no-untyped-def]
    return add_report(session, ReportInput(day, kw.pop("kind", "psych_rep"), kw.pop("reporter", "李雨桐"), class_id,
                                           concerns=list(concerns), **kw))


def test_a_zero_report_counts_as_a_report(session, class_ids):
    rid = _report(session, class_ids["7.1"], climate="总体平稳")
    [view] = list_reports(session, period="2026-11")
    assert (view.id, view.zero, view.concern_count, view.climate) == (rid, True, 0, "总体平稳")
    out = overview(session, "2026-11")
    reported = {c["class"]: c["reported"] for c in out["classes"]}
    assert reported == {"七年级（1）班": True, "七年级（2）班": False, "七年级（3）班": False, "七年级（4）班": False}
    assert {"kind": "class", "name": "七年级（1）班"} not in out["missing"]
    assert {"kind": "class", "name": "七年级（2）班"} in out["missing"]


def test_missing_reports_list_classes_and_rooms(session, class_ids):
    s = students_of(session, class_ids["7.1"])
    set_dorm(session, s[0], "1号楼", "101")
    set_dorm(session, s[1], "1号楼", "102")
    appoint_informant(session, s[0], "2026-09-01")
    add_report(session, ReportInput("2026-11-02", "informant", "张三", None, "1号楼", "101"))
    for name in ("7.1", "7.2", "7.3"):
        _report(session, class_ids[name])
    # an immediate report is not the period's routine report
    _report(session, class_ids["7.4"], immediate=True,
            concerns=[ConcernInput(students_of(session, class_ids["7.4"])[0], ["人际冲突"])])
    out = overview(session, "2026-11")
    assert out["missing"] == [{"kind": "class", "name": "七年级（4）班"}, {"kind": "room", "name": "1号楼 102"}]
    assert out["rooms"] == [{"room": "1号楼 101", "informant": session.db.scalar(
        "SELECT name FROM students WHERE id = :s", {"s": s[0]}), "reported": True},
        {"room": "1号楼 102", "informant": "", "reported": False}]
    assert set(out) == {"period", "classes", "rooms", "untriaged", "missing"}
    assert set(out["classes"][0]) == {"class", "reps", "reported", "concerns"}
    assert set(out["untriaged"][0]) >= {"student", "class", "signs", "since"}


def test_reports_check_their_input(session, class_ids):
    s = students_of(session, class_ids["7.1"])
    with pytest.raises(InputRejected, match="不在列表中"):
        _report(session, class_ids["7.1"], concerns=[ConcernInput(s[0], ["心情不好"])])
    with pytest.raises(InputRejected, match="班级，或填写宿舍"):
        add_report(session, ReportInput("2026-11-02", "psych_rep", "李雨桐", None))
    with pytest.raises(InputRejected, match="晚于今天"):
        _report(session, class_ids["7.1"], day="2026-11-03")
    with pytest.raises(InputRejected, match="只能列一次"):
        _report(session, class_ids["7.1"], concerns=[ConcernInput(s[0], ["欺凌"]), ConcernInput(s[0], ["其他"])])
    assert list_reports(session) == []


@pytest.mark.parametrize("decision", [k for k in DECISIONS if k != "crisis"])
def test_each_triage_decision_lands_on_the_timeline(session, class_ids, decision):
    s = students_of(session, class_ids["7.2"])
    _report(session, class_ids["7.2"], concerns=[ConcernInput(s[1], ["情绪低落"], "上课常趴桌上")])
    [item] = untriaged(session)
    triage(session, item.concern_id, decision, "已了解")
    assert untriaged(session) == []
    titles = [e.title for e in timeline(session, s[1]) if e.kind == "network"]
    assert f"预警分诊：{DECISIONS[decision]}" in titles
    assert "被心理委员李雨桐报告：情绪低落" in titles
    with pytest.raises(InputRejected, match="已分诊"):
        triage(session, item.concern_id, "watch")


def test_opening_a_crisis_case_prefills_from_the_report_and_links_back(session, class_ids):
    s = students_of(session, class_ids["7.3"])
    rid = _report(session, class_ids["7.3"], concerns=[ConcernInput(s[2], ["重大变故", "情绪低落"], "父亲住院后常哭")])
    [item] = untriaged(session)
    pre = crisis_prefill(session, item.concern_id)
    assert pre["summary"] == "心理委员2026-11 例行报告（2026-11-02）：重大变故、情绪低落"
    assert pre["note"] == "父亲住院后常哭"
    case_id = open_crisis_case(session, item.concern_id)
    case = get_case(session, case_id)
    assert case.row.summary == pre["summary"] and case.note == "父亲住院后常哭"
    assert case.row.source == "committee"
    assert concern_for_case(session, case_id) == (rid, item.concern_id)
    assert untriaged(session) == []
    ev = [e for e in timeline(session, s[2]) if e.title == "预警分诊：开危机个案"]
    assert ev and f"危机个案编号 {case_id}" in ev[0].detail
    with pytest.raises(InputRejected, match="开危机个案"):
        triage(session, item.concern_id, "crisis")


def test_a_self_harm_sign_is_a_same_day_urgent_item(session, class_ids, t0):
    s = students_of(session, class_ids["7.1"])
    _report(session, class_ids["7.1"], concerns=[ConcernInput(s[0], ["情绪低落"]),
                                                 ConcernInput(s[1], [SELF_HARM], "说不想活了")], immediate=True)
    items = work_items(session, t0.date())
    assert items[0].kind == "same_day" and items[0].urgent and items[0].student_id == s[1]  # the one same-day path
    assert "预警网络报告" in items[0].title
    assert items[0].due == "2026-11-02"
    plain = [i for i in items if i.kind == "network_triage"]
    assert [(i.student_id, i.overdue) for i in plain] == [(s[0], False)]   # same day: not yet red
    assert [t.urgent for t in untriaged(session)] == [True, False]


def test_untriaged_turns_red_after_the_school_days_setting(session, class_ids):
    s = students_of(session, class_ids["7.1"])
    set_day(dt.date(2026, 11, 6))   # Friday
    _report(session, class_ids["7.1"], day="2026-11-06", concerns=[ConcernInput(s[0], ["人际冲突"])])
    assert [t.overdue for t in untriaged(session, today=dt.date(2026, 11, 8))] == [False]   # Sunday
    assert [t.overdue for t in untriaged(session, today=dt.date(2026, 11, 9))] == [True]    # Monday: one school day
    set_network_settings(session, triage_school_days=3)
    assert [t.overdue for t in untriaged(session, today=dt.date(2026, 11, 10))] == [False]
    assert [t.overdue for t in untriaged(session, today=dt.date(2026, 11, 11))] == [True]
    red = [i for i in work_items(session, dt.date(2026, 11, 11)) if i.kind == "network_triage"]
    assert red and red[0].overdue


def test_named_in_two_periods_running_is_suggested_for_a_talk(session, class_ids):
    s = students_of(session, class_ids["7.2"])
    set_day(dt.date(2026, 11, 20))
    _report(session, class_ids["7.2"], day="2026-09-25", concerns=[ConcernInput(s[2], ["其他"])])
    _report(session, class_ids["7.2"], day="2026-10-25", concerns=[ConcernInput(s[0], ["情绪低落"]),
                                                                    ConcernInput(s[1], ["欺凌"])])
    _report(session, class_ids["7.2"], day="2026-11-20", concerns=[ConcernInput(s[0], ["人际冲突"]),
                                                                    ConcernInput(s[2], ["其他"])])
    found = escalations(session, "2026-11")
    assert [(e.student_id, e.periods, e.action_label) for e in found] == [(s[0], ("2026-10", "2026-11"), "约谈")]
    items = [i for i in work_items(session, dt.date(2026, 11, 20)) if i.kind == "network_escalation"]
    assert [i.student_id for i in items] == [s[0]]
    set_network_settings(session, escalation_periods=3, escalation_action="home_school")
    assert escalations(session, "2026-11") == []
    _report(session, class_ids["7.2"], day="2026-09-26", concerns=[ConcernInput(s[0], ["其他"])])
    assert [(e.student_id, e.action_label) for e in escalations(session, "2026-11")] == [(s[0], "家校沟通")]


def test_network_reps_and_concerns_in_the_overview(session, class_ids):
    s = students_of(session, class_ids["7.1"])
    appoint_rep(session, s[4], "2026-09-01")
    _report(session, class_ids["7.1"], concerns=[ConcernInput(s[0], ["情绪低落"]), ConcernInput(s[1], ["欺凌"])])
    row = [c for c in overview(session, "2026-11")["classes"] if c["class"] == "七年级（1）班"][0]
    name = session.db.scalar("SELECT name FROM students WHERE id = :s", {"s": s[4]})
    assert row == {"class": "七年级（1）班", "reps": [name], "reported": True, "concerns": 2}
    json.dumps(overview(session, "2026-11"), ensure_ascii=False)


def test_a_self_harm_sign_takes_the_one_same_day_path_and_triage_closes_it(session, class_ids, t0):
    from app.network.reports import open_crisis_case, triage
    from app.safety.alerts import alert_for, case_alert

    s = students_of(session, class_ids["7.1"])
    _report(session, class_ids["7.1"], concerns=[ConcernInput(s[0], [SELF_HARM], "说不想活了"),
                                                 ConcernInput(s[1], [SELF_HARM], "手臂有划痕")], immediate=True)
    ids = [t.concern_id for t in untriaged(session)]
    alerts = [alert_for(session, f"network_concerns:{i}") for i in ids]
    assert all(a is not None and a.status == "open" and a.due_on == "2026-11-02" for a in alerts)
    triage(session, ids[0], "talk", "已约谈")
    assert alert_for(session, f"network_concerns:{ids[0]}").status == "reviewed"   # triage is the day's review
    case_id = open_crisis_case(session, ids[1])
    closed = alert_for(session, f"network_concerns:{ids[1]}")
    assert closed.status == "case_opened" and closed.case_id == case_id
    assert case_alert(session, case_id).source == f"network_concerns:{ids[1]}"   # the case links back
    assert not [i for i in work_items(session, t0.date()) if i.kind == "same_day"]


def test_an_older_undecided_concern_stays_in_the_periods_picture(session, class_ids):
    """network --period 2026-11 lists an October concern still awaiting a decision (nothing raised drops out of
    the picture when the month turns); October's picture does not list a November concern; a decision clears it."""
    s = students_of(session, class_ids["7.1"])
    _report(session, class_ids["7.1"], day="2026-10-20", concerns=[ConcernInput(s[0], ["情绪低落"])])
    _report(session, class_ids["7.1"], concerns=[ConcernInput(s[1], ["人际冲突"])])
    name = {sid: session.db.scalar("SELECT name FROM students WHERE id = :s", {"s": sid}) for sid in s[:2]}
    nov = overview(session, "2026-11")["untriaged"]
    assert [(u["student"], u["since"], u["overdue"]) for u in nov] == [(name[s[0]], "2026-10-20", True),
                                                                        (name[s[1]], "2026-11-02", False)]
    assert [u["student"] for u in overview(session, "2026-10")["untriaged"]] == [name[s[0]]]
    [old] = [t for t in untriaged(session) if t.student_id == s[0]]
    triage(session, old.concern_id, "watch")
    assert [u["student"] for u in overview(session, "2026-11")["untriaged"]] == [name[s[1]]]
