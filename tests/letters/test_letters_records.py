"""Templates edited and reset, who may print what, batches audited with their paths, delivery and receipts (the
crisis notice's receipt completes the case's parent step), 一反馈 coverage, the timeline, the help-line setting."""
from __future__ import annotations

import re

import pytest

from app.errors import InputRejected, PermissionDenied
from app.letters.records import (
    Selection,
    export_pdf,
    list_letters,
    mark_batch_delivered,
    mark_delivered,
    prepare,
    record_printed,
    record_receipt,
)
from app.letters.templates import get_template, reset_template, save_template, shipped
from tests.letters.helpers import class_students, pdf_text


def _class_id(db, text: str) -> int:  # type: ignore[no-untyped-def]
    from app.school.classes import find_class

    cls = find_class(db, text)
    assert cls is not None
    return cls.id


# -- templates ---------------------------------------------------------------------------------------------------
def test_an_edited_template_is_used_and_can_be_reset(demo, tmp_path):
    base = shipped()["holiday"]
    save_template(demo, "holiday", title="暑假安全与心理健康提示", body="尊敬的{家长称呼}：\n请陪{学生姓名}度过{假期}。",
                  signature="{学校}", receipt="")
    t = get_template(demo.db, "holiday")
    assert t.edited and t.title == "暑假安全与心理健康提示"
    sid = class_students(demo.db, "7.1")[0]
    out = tmp_path / "h.pdf"
    export_pdf(demo, prepare(demo, "holiday", Selection(student_ids=(sid,)), extras={"假期": "暑假"}), out)
    text = re.sub(r"\s+", "", pdf_text(out))
    assert "暑假安全与心理健康提示" in text and "度过暑假" in text
    back = reset_template(demo, "holiday")
    assert not back.edited and back.body == base.body and back.title == base.title


def test_a_template_with_an_unknown_field_or_open_brace_is_refused(demo):
    with pytest.raises(InputRejected, match=r"\{成绩\}"):
        save_template(demo, "holiday", title="提示", body="{学生姓名}的{成绩}", signature="", receipt="")
    with pytest.raises(InputRejected, match="花括号"):
        save_template(demo, "holiday", title="提示", body="{学生姓名", signature="", receipt="")
    with pytest.raises(InputRejected, match="正文"):
        save_template(demo, "holiday", title="提示", body="  ", signature="", receipt="")
    assert not get_template(demo.db, "holiday").edited


def test_only_a_counselor_edits_templates(head_teacher):
    with pytest.raises(PermissionDenied):
        save_template(head_teacher, "holiday", title="x", body="y", signature="", receipt="")


# -- who may print ------------------------------------------------------------------------------------------------
def test_a_head_teacher_prints_only_their_templates_for_their_class(demo, head_teacher, tmp_path):
    own = _class_id(demo.db, "7.1")
    other = _class_id(demo.db, "8.1")
    for tid in ("semester-feedback", "home-visit", "parent-school", "holiday"):
        assert len(prepare(head_teacher, tid, Selection(class_id=own)).letters) == len(class_students(demo.db, "7.1"))
    for tid in ("screening-notice", "crisis-notice", "referral", "return-to-school"):
        with pytest.raises(PermissionDenied, match="班主任不能打印"):
            prepare(head_teacher, tid, Selection(class_id=own))
    with pytest.raises(PermissionDenied, match="本班"):
        prepare(head_teacher, "holiday", Selection(class_id=other))
    with pytest.raises(PermissionDenied, match="本班"):
        prepare(head_teacher, "holiday", Selection(student_ids=(class_students(demo.db, "8.1")[0],)))


def test_a_crisis_notice_needs_an_open_case(demo):
    sid = int(demo.db.scalar("SELECT id FROM students WHERE status = '在读' AND id NOT IN"
                             " (SELECT student_id FROM crisis_cases) LIMIT 1"))
    with pytest.raises(InputRejected, match="没有进行中的危机个案"):
        prepare(demo, "crisis-notice", Selection(student_ids=(sid,)))


def test_a_level_batch_takes_the_students_of_that_level(demo):
    from app.archive.students import visible_levels

    levels = visible_levels(demo.db, demo.account)
    level = min(levels.values())
    want = {s for s, lv in levels.items() if lv == level}
    got = prepare(demo, "screening-notice", Selection(level=level))
    assert {a.student_id for a in got.students} == want
    with pytest.raises(InputRejected, match="1 到 4"):
        prepare(demo, "screening-notice", Selection(level=7))


# -- records -------------------------------------------------------------------------------------------------------
def test_every_export_and_print_is_audited_with_its_path(demo, tmp_path):
    from app.audit.log import recent

    cls = _class_id(demo.db, "7.1")
    out = tmp_path / "家长学校.pdf"
    written = export_pdf(demo, prepare(demo, "parent-school", Selection(class_id=cls)), out)
    entry = recent(demo.db, 5, action="export")[0]
    assert entry.target == str(out) and str(out) in entry.detail and '"encrypted": false' in entry.detail
    per = export_pdf(demo, prepare(demo, "holiday", Selection(class_id=cls)), tmp_path / "h.pdf", per_student=True)
    entry = recent(demo.db, 5, action="export")[0]
    assert all(str(f) in entry.detail for f in per.files)
    batch = record_printed(demo, prepare(demo, "holiday", Selection(class_id=cls)), "HP LaserJet")
    entry = recent(demo.db, 5, action="print")[0]
    assert entry.target == "打印:HP LaserJet" and f'"batch": {batch}' in entry.detail
    assert len(list_letters(demo, batch_id=written.batch_id)) == len(class_students(demo.db, "7.1"))


def test_delivery_and_receipt_land_on_the_timeline(demo, tmp_path):
    from app import clock
    from app.archive.chronology import timeline

    sid = class_students(demo.db, "7.1")[0]
    written = export_pdf(demo, prepare(demo, "holiday", Selection(student_ids=(sid,))), tmp_path / "h.pdf")
    (letter,) = list_letters(demo, batch_id=written.batch_id)
    day = clock.today().isoformat()
    mark_delivered(demo, [letter.id], "学生带回", day)
    record_receipt(demo, letter.id, day)
    with pytest.raises(InputRejected, match="已在"):
        record_receipt(demo, letter.id, day)
    events = [e for e in timeline(demo, sid) if e.kind == "letter"]
    assert len(events) == 1
    assert "假期学生心理健康提示" in events[0].title
    assert f"学生带回 {day}" in events[0].detail and f"回执 {day} 交回" in events[0].detail
    with pytest.raises(InputRejected, match="送达方式"):
        mark_delivered(demo, [letter.id], "飞鸽传书", day)
    with pytest.raises(InputRejected, match="晚于今天"):
        mark_delivered(demo, [letter.id], "邮寄", "2999-01-01")


def test_a_delivered_feedback_batch_counts_toward_feedback_coverage(demo, head_teacher, tmp_path):
    from app.casework.coverage import class_coverage, current_semester

    cls = _class_id(demo.db, "7.1")
    sem = current_semester(demo)
    before = class_coverage(demo, cls, sem).feedback
    written = export_pdf(head_teacher, prepare(head_teacher, "semester-feedback", Selection(class_id=cls)),
                         tmp_path / "反馈.pdf")
    assert len(class_coverage(demo, cls, sem).feedback.done) == len(before.done)   # printed is not delivered
    n = mark_batch_delivered(head_teacher, written.batch_id, "家长会发放")
    after = class_coverage(demo, cls, sem).feedback
    assert n == after.total and len(after.done) == after.total > len(before.done)
    # a holiday letter delivered is not a feedback
    other = _class_id(demo.db, "8.1")
    before8 = class_coverage(demo, other, sem).feedback
    w = export_pdf(demo, prepare(demo, "holiday", Selection(class_id=other)), tmp_path / "h.pdf")
    mark_batch_delivered(demo, w.batch_id, "学生带回")
    assert len(class_coverage(demo, other, sem).feedback.done) == len(before8.done)


def _severe_case(session) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    from app.crisis.cases import open_case
    from app.crisis.steps import complete_step, step_id

    sid = int(session.db.scalar("SELECT id FROM students WHERE status = '在读' AND id NOT IN"
                                " (SELECT student_id FROM crisis_cases) ORDER BY id LIMIT 1"))
    case = open_case(session, sid, "severe", "teacher", summary="情绪低落", note="保密内容")
    complete_step(session, step_id(session, case, "assessment"), summary="评估")
    return sid, case


def test_the_crisis_notice_receipt_completes_the_parent_step(demo, tmp_path):
    from app import clock
    from app.crisis.cases import get_case

    sid, case = _severe_case(demo)
    written = export_pdf(demo, prepare(demo, "crisis-notice", Selection(student_ids=(sid,))), tmp_path / "c.pdf")
    (letter,) = list_letters(demo, batch_id=written.batch_id)
    assert letter.crisis_case_id == case
    step = get_case(demo, case, audit=False).step("parent_consent")
    assert step is not None and step.status == "open"
    said = record_receipt(demo, letter.id, clock.today().isoformat())
    assert "家长知情/告知书签署" in said
    step = get_case(demo, case, audit=False).step("parent_consent")
    assert step is not None and step.status == "done" and step.done_at is not None
    assert step.done_at[:10] == clock.today().isoformat() and step.data.get("signed") is True
    assert f"告知书编号 {letter.id}" in step.summary


def test_a_receipt_for_a_step_already_done_only_records_the_receipt(demo, tmp_path):
    from app.crisis.steps import complete_step, step_id

    sid, case = _severe_case(demo)
    written = export_pdf(demo, prepare(demo, "crisis-notice", Selection(student_ids=(sid,))), tmp_path / "c.pdf")
    complete_step(demo, step_id(demo, case, "parent_consent"), data={"signed": True})
    (letter,) = list_letters(demo, batch_id=written.batch_id)
    said = record_receipt(demo, letter.id)
    assert "家长知情" not in said and list_letters(demo, batch_id=written.batch_id)[0].receipt_on


def test_a_head_teacher_sees_no_crisis_letter_of_their_student(demo, head_teacher, tmp_path):
    from app.archive.chronology import timeline
    from app.crisis.cases import open_case

    sid = class_students(demo.db, "7.1")[-1]
    open_case(demo, sid, "severe", "teacher", summary="x")
    export_pdf(demo, prepare(demo, "crisis-notice", Selection(student_ids=(sid,))), tmp_path / "c.pdf")
    export_pdf(demo, prepare(demo, "holiday", Selection(student_ids=(sid,))), tmp_path / "h.pdf")
    assert [r.template_id for r in list_letters(head_teacher, student_id=sid)] == ["holiday"]
    assert [e.title for e in timeline(head_teacher, sid) if e.kind == "letter"] == ["家长告知书：假期学生心理健康提示"]
    crisis = [r for r in list_letters(demo, student_id=sid) if r.template_id == "crisis-notice"]
    with pytest.raises(PermissionDenied):
        mark_delivered(head_teacher, [crisis[0].id], "学生带回")


# -- the help line ----------------------------------------------------------------------------------------------------
def test_the_local_help_line_is_a_school_setting(session, head_teacher):
    from app.school.profile import help_lines, local_hotline, set_local_hotline

    assert help_lines(session.db) == ["全国青少年服务台（心理援助）12355"]
    set_local_hotline(session, "宁夏心理援助热线 0951-2160707")
    assert local_hotline(session.db) == "宁夏心理援助热线 0951-2160707"
    assert help_lines(session.db)[1] == "宁夏心理援助热线 0951-2160707"
    with pytest.raises(InputRejected, match="电话号码"):
        set_local_hotline(session, "请拨打本地热线")
    with pytest.raises(PermissionDenied):
        set_local_hotline(head_teacher, "0951-2160707")
    set_local_hotline(session, "")
    assert len(help_lines(session.db)) == 1
