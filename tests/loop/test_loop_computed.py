"""Every computed item of the checklist against seeded records, and a key no provider gives (未计算)."""
from __future__ import annotations

import datetime as dt

import pytest

from app import capability, clock
from app.capability import Capability
from app.errors import InputRejected
from app.indicators.model import Evidence, Figure
from app.loop.months import month_sheet, set_item
from tests.loop.conftest import item


def test_network_reports_in_names_the_classes_that_did_not_report(session, class_ids, t0):
    from app.network.reports import ReportInput, add_report

    add_report(session, ReportInput("2026-11-02", "psych_rep", "委员", class_id=class_ids["7.1"], period="2026-11"))
    sheet = month_sheet(session, "2026-11")
    it = item(sheet, "预警网络月报")
    assert (it.kind, it.status, it.value) == ("computed", "open", "1/4")
    labels = [e.label for e in it.evidence]
    assert "2026-11 七年级（2）班 未报告" in labels and not any("（1）班" in x for x in labels)
    for cid in ("7.2", "7.3", "7.4"):
        add_report(session, ReportInput("2026-11-02", "psych_rep", "委员", class_id=class_ids[cid], period="2026-11"))
    assert item(month_sheet(session, "2026-11"), "预警网络月报").status == "done"


def test_same_day_review_item(session, pupils, t0):
    from app.safety.alerts import raise_same_day, review_same_day

    with session.db.transaction():
        a = raise_same_day(session, pupils[0], "test:1", "PHQ-9 第9题阳性")
        raise_same_day(session, pupils[1], "test:2", "PHQ-9 第9题阳性")
    review_same_day(session, a, "已面谈，无即时风险")
    it = item(month_sheet(session, "2026-11"), "一级预警学生当天复核")
    name = session.db.scalar("SELECT name FROM students WHERE id = :i", {"i": pupils[1]})
    assert (it.status, it.value) == ("open", "1/2")
    assert [e.ref_id for e in it.evidence] == [pupils[1]] and name in it.evidence[0].label


def test_no_crisis_step_overdue_item(session, pupils, t0):
    from app.crisis.cases import open_case

    open_case(session, pupils[3], "severe", "teacher", summary="课堂上情绪激动")
    assert item(month_sheet(session, "2026-11"), "危机干预无逾期步骤").status == "done"
    clock.set_fixed(t0 + dt.timedelta(days=3))
    it = item(month_sheet(session, "2026-11"), "危机干预无逾期步骤")
    assert it.status == "open" and it.evidence and all(e.kind == "crisis_case" for e in it.evidence)


def test_plan_item_and_talk_coverage(session, pupils, t0):
    from app.indicators.periods import month_period
    from app.screening.indicators import screening_figures

    figs = {f.key: f for f in screening_figures(session, month_period(2026, 11))}
    assert figs["archive.plans_current"].ok is True and figs["archive.plans_current"].target == 0
    it = item(month_sheet(session, "2026-11"), "一生一谈进度达标")
    # 20 students, no talks yet: 0 done against a target paced by the semester's elapsed days
    assert it.status == "open" and it.value.startswith("0/")
    assert any(e.label.startswith("七年级（2）班 0/5") for e in it.evidence)


def test_a_key_no_provider_gave_is_not_computed_and_takes_a_tick(session, pupils, t0):
    # the registry without the courses capability: its figures are then given by nobody
    without = capability.Registry([c for c in capability.current() if c.name != "courses"])
    with capability.installed(without):
        sheet = month_sheet(session, "2026-11")
        lesson = item(sheet, "心理健康教育课")
        assert (lesson.kind, lesson.value, lesson.status, lesson.computed) == ("computed", "未计算", "open", False)
        set_item(session, lesson.id, ticked=True, note="课表核对无缺课")
        lesson = item(month_sheet(session, "2026-11"), "心理健康教育课")
        assert lesson.status == "done" and lesson.note == "课表核对无缺课"


def test_the_courses_capability_gives_the_lesson_item(session, class_ids, t0):
    lesson = item(month_sheet(session, "2026-11"), "心理健康教育课")
    assert (lesson.kind, lesson.status, lesson.computed, lesson.value) == ("computed", "open", True, "0/4")
    assert {"七年级（1）班", "七年级（2）班"} <= {e.label for e in lesson.evidence}
    with pytest.raises(InputRejected, match="自动判定"):
        set_item(session, lesson.id, ticked=True)


def _fake_courses(session, period):
    return [Figure("courses.lessons_every_class", "courses", "每班每月一节心理课", "本月上过心理课的班级数", 38, "个",
                   target=40, ok=False, evidence=(Evidence("七年级（2）班", "class", 2, True),
                                                  Evidence("九年级（4）班", "class", 9, True)))]


def test_a_computed_lesson_item_from_a_provider_lists_the_missing_classes(session, pupils, t0):
    fake = Capability(name="fake_courses", label="课程", indicators=(_fake_courses,))
    with capability.installed(capability.current().extended(fake)):
        sheet = month_sheet(session, "2026-11")
        lesson = item(sheet, "心理健康教育课")
        assert (lesson.status, lesson.value) == ("open", "38/40")
        assert lesson.as_json()["evidence"] == ["七年级（2）班", "九年级（4）班"]
        with pytest.raises(InputRejected, match="自动判定"):
            set_item(session, lesson.id, ticked=True)


def test_the_json_shape(session, pupils, t0):
    data = month_sheet(session, "2026-11").as_json()
    assert data["month"] == "2026-11" and data["items"]
    for i in data["items"]:
        assert {"ledger", "title", "kind", "status", "value", "evidence"} <= set(i)
        assert i["ledger"] in "ABCD" and i["kind"] in ("computed", "manual")
        assert i["status"] in ("done", "open", "carried") and isinstance(i["evidence"], list)
    assert {i["ledger"] for i in data["items"]} == {"A", "B", "C", "D"}
