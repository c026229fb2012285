"""Every step rule: required steps and due times per level, recomputation on a level change, the documents and
meeting before 复学评估, weekly 复学后跟踪, the closing note, and history kept on amendment."""
from __future__ import annotations

import datetime as dt

import pytest
from crisis_helpers import advance, iso

from app import clock
from app.crisis.cases import amend_case, change_level, close_case, get_case, list_cases, open_case
from app.crisis.manual import save_rules, set_follow_up_weeks
from app.crisis.rules import LEVELS, load_rules
from app.crisis.steps import (
    amend_step,
    complete_step,
    record_document,
    record_follow_up,
    record_meeting,
    skip_step,
    step_id,
)
from app.errors import InputRejected, PermissionDenied

H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)


def new_case(session, student, level="general", source="teacher", **kw):
    return open_case(session, student, level, source, summary=kw.pop("summary", "课堂上情绪失控"), **kw)


def due(session, case_id, key):
    step = get_case(session, case_id, audit=False).step(key)
    assert step is not None, key
    return step.due_at


@pytest.mark.parametrize("level", LEVELS)
def test_open_creates_the_steps_the_level_requires_with_due_times(session, pupils, t0, level):
    rules = load_rules(session.db)
    case_id = new_case(session, pupils[0], level)
    case = get_case(session, case_id, audit=False)
    assert [s.key for s in case.steps] == [r.key for r in rules.required(level)]
    discovery = case.step("discovery")
    assert discovery.status == "done" and discovery.done_at == iso(t0)
    for rule in rules.required(level):
        step = case.step(rule.key)
        if rule.key == "discovery":
            continue
        if rule.anchor == "opened":
            assert step.due_at == iso(t0 + rule.offset(level)), rule.key
    # an "after the previous step" step waits until that step is done
    names = [r.key for r in rules.required(level)]
    first_after = next(r for r in rules.required(level) if r.anchor == "previous")
    prev_key = names[names.index(first_after.key) - 1]
    assert case.step(prev_key).status == "open", prev_key  # only discovery is done when a case opens
    assert case.step(first_after.key).due_at is None


def test_general_level_offsets_from_the_manual(session, pupils, t0):
    c = new_case(session, pupils[0], "general")
    assert due(session, c, "assessment") == iso(t0 + 72 * H)
    assert due(session, c, "notify_parents") == iso(t0 + 7 * D)
    assert due(session, c, "closing") is None             # after notify_parents, not yet done
    done = advance(hours=5)
    complete_step(session, step_id(session, c, "notify_parents"), done_by="班主任",
                  data={"method": "电话", "parent": "母亲"})
    assert due(session, c, "closing") == iso(done + 14 * D)


def test_major_level_chain_of_previous_steps(session, pupils, t0, institution):
    c = new_case(session, pupils[0], "major")
    assert due(session, c, "assessment") == iso(t0 + 4 * H)
    assert due(session, c, "safety") == iso(t0 + 1 * H)
    assert due(session, c, "notify_parents") == iso(t0 + 2 * H)
    assert due(session, c, "parent_consent") is None
    told = advance(minutes=90)
    complete_step(session, step_id(session, c, "notify_parents"), done_by="班主任", data={"method": "电话"})
    assert due(session, c, "parent_consent") == iso(told + 24 * H)
    # backdating the completion moves the next due time with it
    signed = t0 + 3 * H
    advance(hours=10)
    complete_step(session, step_id(session, c, "parent_consent"), done_at=iso(signed), data={"signed": True})
    assert due(session, c, "referral") == iso(signed + 24 * H)


def test_overdue_is_computed_against_now(session, pupils, t0):
    c = new_case(session, pupils[0], "severe")
    assert list_cases(session, overdue_only=True) == []
    advance(hours=3)   # safety (2 h) is late
    case = get_case(session, c, audit=False)
    assert case.step("safety").overdue and not case.step("assessment").overdue
    assert case.row.overdue_steps == 1
    assert [r.id for r in list_cases(session, overdue_only=True)] == [c]


def test_raising_the_level_recomputes_due_times_and_adds_steps(session, pupils, t0):
    c = new_case(session, pupils[0], "general")
    assert due(session, c, "assessment") == iso(t0 + 72 * H)
    assert get_case(session, c, audit=False).step("safety") is None
    advance(hours=1)
    with pytest.raises(InputRejected, match="理由"):
        change_level(session, c, "major", "  ")
    change_level(session, c, "major", "面谈中透露已写好遗书")
    case = get_case(session, c)
    assert case.row.level == "major" and case.row.level_label == "重大"
    assert due(session, c, "assessment") == iso(t0 + 4 * H)       # from the opening time, the new offset
    assert due(session, c, "notify_parents") == iso(t0 + 2 * H)
    for key in ("safety", "parent_consent", "referral", "treatment", "return_assessment", "follow_up"):
        assert case.step(key) is not None and case.step(key).required, key
    assert [(x.from_level, x.to_level, x.reason) for x in case.level_changes] == [
        ("general", "major", "面谈中透露已写好遗书")]


def test_lowering_keeps_steps_but_no_longer_requires_them(session, pupils, t0):
    c = new_case(session, pupils[0], "severe")
    complete_step(session, step_id(session, c, "notify_parents"), done_by="心理教师", data={"method": "面谈"})
    change_level(session, c, "general", "复评后风险降低")
    case = get_case(session, c, audit=False)
    safety = case.step("safety")
    assert safety is not None and not safety.required and safety.due_at is None
    assert safety.status_label == "不再必需"
    assert due(session, c, "assessment") == iso(t0 + 72 * H)
    complete_step(session, step_id(session, c, "assessment"), summary="一般心理危机")
    close_case(session, c, "风险降低，转常规关注")   # safety/referral are not required any more
    assert get_case(session, c, audit=False).row.status == "closed"
    with pytest.raises(InputRejected, match="一般"):
        change_level(session, new_case(session, pupils[1], "general"), "general", "同级")


def test_safety_for_a_major_crisis_needs_the_24_hour_watch(session, pupils, t0):
    c = new_case(session, pupils[0], "major")
    sid = step_id(session, c, "safety")
    with pytest.raises(InputRejected, match="24 小时监护"):
        complete_step(session, sid, data={"measures": "班主任陪护"})
    complete_step(session, sid, data={"measures": "班主任陪护，家长到校后交接", "watch_24h": True})
    c2 = new_case(session, pupils[1], "severe")
    complete_step(session, step_id(session, c2, "safety"), data={"measures": "同学陪同"})  # severe: accompaniment


def test_notifying_parents_records_time_who_how_and_the_letter(session, pupils, t0):
    c = new_case(session, pupils[0], "severe")
    sid = step_id(session, c, "notify_parents")
    with pytest.raises(InputRejected, match="通知方式"):
        complete_step(session, sid, done_by="班主任", data={})
    at = t0 + 30 * dt.timedelta(minutes=1)
    advance(hours=1)
    complete_step(session, sid, done_at=iso(at), done_by="班主任王老师",
                  data={"method": "书面告知书", "parent": "父亲", "letter_given": True})
    step = get_case(session, c, audit=False).step("notify_parents")
    assert (step.done_at, step.done_by) == (iso(at), "班主任王老师")
    assert step.data == {"method": "书面告知书", "parent": "父亲", "letter_given": True}
    with pytest.raises(InputRejected, match="晚于现在"):
        complete_step(session, step_id(session, c, "assessment"), done_at=iso(clock.now() + D))


def test_referral_needs_an_institution_from_the_directory(session, pupils, t0, institution):
    c = new_case(session, pupils[0], "severe")
    complete_step(session, step_id(session, c, "notify_parents"), done_by="x", data={"method": "电话"})
    complete_step(session, step_id(session, c, "parent_consent"), data={"signed": True})
    sid = step_id(session, c, "referral")
    with pytest.raises(InputRejected, match="转介机构名录"):
        complete_step(session, sid, data={"institution_id": 999})
    complete_step(session, sid, data={"institution_id": institution, "outcome": "已就诊，门诊治疗"})
    step = get_case(session, c, audit=False).step("referral")
    assert step.data["institution"] == "市精神卫生中心（儿童青少年心理科）" and step.data["green_channel"] is True


def walk_to_return(session, pupil, institution):
    c = new_case(session, pupil, "major")
    for key, data in (("assessment", {}), ("safety", {"measures": "陪护", "watch_24h": True}),
                      ("notify_parents", {"method": "电话"}), ("parent_consent", {"signed": True}),
                      ("referral", {"institution_id": institution}), ("treatment", {"kind": "休学"})):
        complete_step(session, step_id(session, c, key), done_by="心理教师", data=data)
    return c


def test_return_to_school_needs_three_documents_and_a_meeting(session, pupils, t0, institution):
    c = walk_to_return(session, pupils[0], institution)
    sid = step_id(session, c, "return_assessment")
    with pytest.raises(InputRejected) as e:
        complete_step(session, sid)
    assert all(w in e.value.message for w in ("诊断证明", "复学申请", "监护人承诺书", "复学评估会议"))
    record_document(session, c, "diagnosis", "2026-11-02")
    record_document(session, c, "application")
    with pytest.raises(InputRejected, match="已经登记"):
        record_document(session, c, "application")
    with pytest.raises(InputRejected) as e:
        complete_step(session, sid)
    assert "监护人承诺书" in e.value.message and "诊断证明" not in e.value.message
    record_document(session, c, "guardian_commitment")
    with pytest.raises(InputRejected, match="复学评估会议"):
        complete_step(session, sid)
    record_meeting(session, c, participants="分管校长、班主任、心理教师、家长", note="医生建议可复学")
    complete_step(session, sid, summary="同意复学")
    case = get_case(session, c, audit=False)
    assert case.step("return_assessment").status == "done"
    assert [d.received_on is not None for d in case.documents] == [True, True, True]


def test_weekly_follow_up_for_a_settable_number_of_weeks(session, pupils, t0, institution):
    set_follow_up_weeks(session, 3)
    c = walk_to_return(session, pupils[0], institution)
    for doc in ("diagnosis", "application", "guardian_commitment"):
        record_document(session, c, doc)
    record_meeting(session, c, participants="复学会议")
    back = advance(days=1)
    complete_step(session, step_id(session, c, "return_assessment"))
    case = get_case(session, c, audit=False)
    assert case.follow_weeks == 3
    assert [f.due_on for f in case.follow_ups] == [(back + 7 * D * k).date().isoformat() for k in (1, 2, 3)]
    assert case.step("follow_up").due_at == iso(back + 21 * D)
    with pytest.raises(InputRejected, match="3 次每周记录"):
        complete_step(session, step_id(session, c, "follow_up"))
    for k in (1, 2):
        advance(days=7)
        assert record_follow_up(session, c, summary=f"第{k}周状态平稳") == k
    assert get_case(session, c, audit=False).step("follow_up").status == "open"
    advance(days=7)
    record_follow_up(session, c, summary="按时服药，与同学相处正常", note="睡眠仍差")
    case = get_case(session, c, audit=False)
    assert case.step("follow_up").status == "done"
    assert [f.done_on for f in case.follow_ups] == [(back + 7 * D * k).date().isoformat() for k in (1, 2, 3)]
    with pytest.raises(InputRejected, match="已经完成"):
        record_follow_up(session, c, summary="多一次")
    assert due(session, c, "closing") == iso(back + 21 * D + 14 * D)  # from the last weekly entry


def test_closing_needs_a_note_and_every_required_step(session, pupils, t0):
    c = new_case(session, pupils[0], "severe")
    with pytest.raises(InputRejected, match="结案说明"):
        close_case(session, c, "   ")
    with pytest.raises(InputRejected) as e:
        close_case(session, c, "情况稳定")
    assert "评估" in e.value.message and "转介" in e.value.message
    with pytest.raises(InputRejected, match="理由"):
        skip_step(session, step_id(session, c, "referral"), "")
    with pytest.raises(InputRejected, match="不能跳过"):
        skip_step(session, step_id(session, c, "closing"), "x")
    complete_step(session, step_id(session, c, "assessment"), note="评估：风险可控")
    complete_step(session, step_id(session, c, "safety"), data={"measures": "陪护"})
    complete_step(session, step_id(session, c, "notify_parents"), done_by="班主任", data={"method": "电话"})
    skip_step(session, step_id(session, c, "parent_consent"), "家长拒绝签署，已电话录音说明")
    skip_step(session, step_id(session, c, "referral"), "家长自行带孩子就医")
    with pytest.raises(InputRejected, match="复学后跟踪"):
        close_case(session, c, "情况稳定")
    skip_step(session, step_id(session, c, "follow_up"), "未休学，并入常规跟踪")
    with pytest.raises(InputRejected, match="结案"):
        complete_step(session, step_id(session, c, "closing"))
    close_case(session, c, "家长配合，学生情绪稳定，转入常规关注")
    case = get_case(session, c, audit=False)
    assert case.row.status == "closed" and case.step("closing").status == "done"
    assert case.closing_note == "家长配合，学生情绪稳定，转入常规关注"
    assert case.step("referral").skip_reason == "家长自行带孩子就医"
    with pytest.raises(InputRejected, match="已结案"):
        amend_case(session, c, "补充", summary="改")
    assert list_cases(session, open_only=True) == []


def test_one_open_case_per_student(session, pupils, t0):
    c = new_case(session, pupils[0])
    with pytest.raises(InputRejected, match=f"编号 {c}"):
        new_case(session, pupils[0], "major")


def test_amendments_keep_the_earlier_text_with_who_when_why(session, pupils, t0):
    c = new_case(session, pupils[0], "general", note="初次记录")
    sid = step_id(session, c, "assessment")
    complete_step(session, sid, summary="一般", note="评估记录原文")
    advance(hours=2)
    with pytest.raises(InputRejected, match="原因"):
        amend_case(session, c, "", summary="新概况")
    amend_case(session, c, "补充家长反映的情况", summary="课堂上情绪失控，家长反映在家也常哭", note="修订后的保密记录")
    amend_step(session, sid, "笔误", note="评估记录修订")
    case = get_case(session, c)
    assert case.row.summary == "课堂上情绪失控，家长反映在家也常哭" and case.note == "修订后的保密记录"
    hist = [(h.entity, h.field, h.old_value, h.new_value, h.reason, h.tier) for h in case.history]
    assert ("case", "summary", "课堂上情绪失控", "课堂上情绪失控，家长反映在家也常哭", "补充家长反映的情况",
            "ordinary") in hist
    assert ("case", "note", "初次记录", "修订后的保密记录", "补充家长反映的情况", "confidential") in hist
    assert ("step", "note", "评估记录原文", "评估记录修订", "笔误", "confidential") in hist
    assert all(h.by == session.account.label and h.at == iso(clock.now()) for h in case.history)
    with pytest.raises(Exception, match="append-only"):
        session.db.execute("UPDATE crisis_history SET reason = 'x'")


def test_the_manual_is_data_editable_by_a_manager(session, pupils, t0, head_teacher_plain):
    rules = load_rules(session.db)
    raw = rules.raw
    raw["steps"][1]["due"]["general"] = {"hours": 12}
    with pytest.raises(PermissionDenied):
        save_rules(head_teacher_plain, raw)
    save_rules(session, raw, "学校手册修订")
    c = new_case(session, pupils[0], "general")
    assert due(session, c, "assessment") == iso(t0 + 12 * H)
    bad = dict(raw, steps=[s for s in raw["steps"] if s["key"] != "closing"])
    with pytest.raises(InputRejected, match="closing"):
        save_rules(session, bad)
    raw["steps"][2]["due"]["urgent"] = {"hours": 1}
    with pytest.raises(InputRejected, match="urgent"):
        save_rules(session, raw)


def test_only_counselors_record_cases(session, pupils, t0, head_teacher_plain):
    with pytest.raises(PermissionDenied):
        new_case(head_teacher_plain, pupils[0])


def test_discovery_due_and_a_late_report_stay_visible(session, pupils, t0):
    advance(hours=5)
    c = new_case(session, pupils[0], "severe", discovered_at=iso(t0), reported_at=iso(t0 + 3 * H), reported_by="宿管")
    step = get_case(session, c, audit=False).step("discovery")
    assert (step.due_at, step.done_at, step.done_by) == (iso(t0 + 1 * H), iso(t0 + 3 * H), "宿管")
    with pytest.raises(InputRejected, match="早于发现时间"):
        new_case(session, pupils[1], discovered_at=iso(t0), reported_at=iso(t0 - H))


def test_a_changed_manual_applies_to_open_cases_at_once(session, pupils, t0):
    c = new_case(session, pupils[0], "general")
    closed = new_case(session, pupils[1], "general")
    complete_step(session, step_id(session, closed, "notify_parents"), done_by="x", data={"method": "电话"})
    complete_step(session, step_id(session, closed, "assessment"))
    close_case(session, closed, "结案")
    raw = load_rules(session.db).raw
    raw["steps"][1]["due"]["general"] = {"hours": 24}                 # assessment: 72 h -> 24 h
    raw["steps"][2]["due"]["general"] = {"hours": 8}                  # safety now required for 一般
    save_rules(session, raw, "新版手册")
    case = get_case(session, c, audit=False)
    assert case.step("assessment").due_at == iso(t0 + 24 * H)
    assert case.step("safety") is not None and case.step("safety").due_at == iso(t0 + 8 * H)
    assert get_case(session, closed, audit=False).step("safety") is None    # closed cases are history


def school_status(session, student_id):
    return session.db.scalar("SELECT status FROM students WHERE id = :s", {"s": student_id})


def test_leave_of_absence_sets_the_school_status_and_return_sets_it_back(session, pupils, t0, institution):
    from app.archive.chronology import timeline
    from app.archive.students import StudentFilter, StudentIndex

    sid = pupils[0]
    assert school_status(session, sid) == "在读"
    c = walk_to_return(session, sid, institution)          # 治疗或休学 recorded as 休学
    assert school_status(session, sid) == "休学"
    assert get_case(session, c, audit=False).step("treatment").status == "done"
    events = session.db.query("SELECT kind, summary, account FROM student_events WHERE student_id = :s"
                              " AND kind = 'edited'", {"s": sid})
    assert [e["summary"] for e in events] == [f"修改基本信息：学籍状态（在读→休学）。原因：危机个案（编号 {c}）“治疗或休学”记录为休学"]
    audit = session.db.query("SELECT target, detail FROM audit_log WHERE action = 'edit' AND target LIKE 'student:%'")
    assert len(audit) == 1 and '"status"' in audit[0]["detail"]
    titles = [e.title for e in timeline(session, sid)]
    assert any("在读→休学" in t for t in titles)
    # off the list of enrolled students while on leave
    assert sid not in {s.id for s in StudentIndex(session.db).search(session.account, StudentFilter())}

    for doc in ("diagnosis", "application", "guardian_commitment"):
        record_document(session, c, doc)
    record_meeting(session, c, participants="复学会议")
    advance(days=30)
    assert complete_step(session, step_id(session, c, "return_assessment"), summary="同意复学") == "在读"
    assert school_status(session, sid) == "在读"
    titles = [e.title for e in timeline(session, sid)]
    assert any("休学→在读" in t and "复学评估完成" in t for t in titles)


def test_treatment_without_leave_and_a_student_not_enrolled_keep_their_status(session, pupils, t0, institution):
    from app.archive.profile import update_profile

    c = new_case(session, pupils[1], "major")
    for key, data in (("assessment", {}), ("safety", {"measures": "陪护", "watch_24h": True}),
                      ("notify_parents", {"method": "电话"}), ("parent_consent", {"signed": True}),
                      ("referral", {"institution_id": institution})):
        complete_step(session, step_id(session, c, key), done_by="心理教师", data=data)
    assert complete_step(session, step_id(session, c, "treatment"), data={"kind": "住院治疗"}) is None
    assert school_status(session, pupils[1]) == "在读"
    # a student who has already left (转出) is not put on leave by a case
    update_profile(session, pupils[2], {"status": "转出"}, "家长办理转学")
    walk_to_return(session, pupils[2], institution)
    assert school_status(session, pupils[2]) == "转出"


def test_a_refused_status_change_rolls_the_step_back(session, pupils, t0, institution, monkeypatch):
    """The status is written in the step's transaction: if the archive refuses, the step stays open."""
    import app.crisis.steps as steps
    from app.archive.profile import ProfileInvalid

    c = new_case(session, pupils[3], "major")
    for key, data in (("assessment", {}), ("safety", {"measures": "陪护", "watch_24h": True}),
                      ("notify_parents", {"method": "电话"}), ("parent_consent", {"signed": True}),
                      ("referral", {"institution_id": institution})):
        complete_step(session, step_id(session, c, key), done_by="心理教师", data=data)

    def refuse(*_a, **_k):
        raise ProfileInvalid({"status": "拒绝"})

    monkeypatch.setattr(steps, "update_profile", refuse)
    with pytest.raises(ProfileInvalid):
        complete_step(session, step_id(session, c, "treatment"), data={"kind": "休学"})
    assert get_case(session, c, audit=False).step("treatment").status == "open"
    assert school_status(session, pupils[3]) == "在读"
