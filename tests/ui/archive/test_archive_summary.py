"""基本信息 opens with a summary card (issue 11): level and status, last talk and next due item, the plan's review
date, the open crisis case, tags — for a counselor; a head teacher sees what the tiers allow and no confidential
text."""
from __future__ import annotations

import datetime as dt

import pytest

from app import clock
from ui.shell.context import AppContext

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")
CASE_NOTE = "自述有具体计划"
TALK_NOTE = "家中父亲酗酒"
PLAN_TEXT = "外婆独自抚养"


@pytest.fixture
def student(school, head_teacher):
    from app.archive.plans import save_plan
    from app.casework.model import RecordInput
    from app.casework.records import create_record
    from app.crisis.cases import open_case

    clock.set_fixed(dt.datetime(2026, 10, 12, 9, 0))
    busy = {r[0] for r in school.db.query("SELECT student_id FROM crisis_cases WHERE status = 'open'")}
    sid = next(r[0] for r in school.db.query("SELECT id FROM students WHERE class_id = :c ORDER BY id",
                                             {"c": head_teacher.account.class_id}) if r[0] not in busy)
    create_record(school, RecordInput("individual", [sid], "2026-10-09T15:00", title="学习压力", summary="谈考试焦虑",
                                      confidential=TALK_NOTE))
    save_plan(school, sid, review_date="2026-12-01", family=PLAN_TEXT)
    open_case(school, sid, "severe", "teacher", summary="课间哭泣", note=CASE_NOTE)
    return sid


def _card(qtbot, session, sid):
    from ui.archive.page import StudentsPage

    page = StudentsPage(AppContext(session))
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    page.show_student(sid)
    card = page.archive.profile.card
    assert card.isVisible()
    return card.rows()


def test_the_counselor_sees_where_the_student_stands(qtbot, school, student):
    rows = _card(qtbot, school, student)
    assert set(rows) == {"预警等级", "学籍状态", "危机个案", "最近谈话", "下一项到期", "方案复查", "重点关注"}
    assert rows["学籍状态"] == "在读"
    assert "严重心理危机" in rows["危机个案"] and "下一步" in rows["危机个案"]
    assert rows["最近谈话"].startswith("2026-10-09") and "学习压力" in rows["最近谈话"]
    assert "危机干预" in rows["下一项到期"]                 # the case's step due today comes first
    assert rows["方案复查"] == "2026-12-01"
    text = " ".join(rows.values())
    assert CASE_NOTE not in text and TALK_NOTE not in text and PLAN_TEXT not in text


def test_a_head_teacher_sees_only_what_the_tiers_allow(qtbot, school, head_teacher, student):
    from app.archive.chronology import banners, timeline
    from app.archive.students import get_student
    from app.archive.summary import student_summary

    rows = _card(qtbot, head_teacher, student)
    assert "方案复查" not in rows                               # the plan is confidential: not even its date
    text = " ".join(rows.values())
    assert CASE_NOTE not in text and TALK_NOTE not in text and PLAN_TEXT not in text
    s = get_student(head_teacher.db, head_teacher.account, student)
    summary = student_summary(head_teacher, s, timeline(head_teacher, student), banners(head_teacher, student),
                              clock.today())
    assert summary.plan_review == "" and all(CASE_NOTE not in line for line in summary.crisis)
    counselor = student_summary(school, get_student(school.db, school.account, student), [], [], clock.today())
    # the head teacher's level is the reviewed one (a provisional screening label is never shown to them)
    assert summary.level_value is None or summary.level_value == counselor.level_value
