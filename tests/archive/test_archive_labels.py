"""Issue 9, "no labels before review, health data in the confidential tier": what a head teacher is told after
review, the category shared per entry, tag tiers, who counts as a focus student, a plan for every confirmed level,
and the 一反馈 scope."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from app import clock
from app.errors import InputRejected, PermissionDenied
from app.school.classes import find_class

CRITICAL = [0, 0, 0, 0, 0, 0, 0, 0, 2]        # PHQ-9 item 9: 一级, 自伤风险
NOTE = "留意课间独处，作业明显变少时当天告诉心理教师"


@pytest.fixture
def t0():
    clock.set_fixed(dt.datetime(2026, 11, 2, 9, 0))
    yield dt.date(2026, 11, 2)
    clock.set_fixed(None)


def _quiet(school, n: int = 3) -> list[int]:
    """Students of 七年级（1）班 with no tag, level or crisis case yet."""
    cls = find_class(school.db, "7.1")
    return [r[0] for r in school.db.query(
        "SELECT id FROM students WHERE class_id = :c AND status = '在读' AND id NOT IN (SELECT student_id FROM"
        " focus_tags) AND id NOT IN (SELECT student_id FROM screening_levels) AND id NOT IN (SELECT student_id"
        " FROM crisis_cases) ORDER BY id LIMIT :n", {"c": cls.id, "n": n})]


def _entry(school, campaign_id: int, sid: int) -> int:
    return int(school.db.scalar("SELECT id FROM screening_levels WHERE campaign_id = :c AND student_id = :s",
                                {"c": campaign_id, "s": sid}))


@pytest.fixture
def critical(school, t0):
    from app.screening.campaigns import create_campaign
    from app.screening.results import save_answers

    camp = create_campaign(school, "十一月测评", {7: "phq9"})
    sid = _quiet(school, 1)[0]
    save_answers(school, camp.id, sid, "phq9", CRITICAL)
    return camp.id, sid, _entry(school, camp.id, sid)


# -- 1. after review: 重点关注, the note, the category only when shared ---------------------------------------------
def test_after_review_the_head_teacher_reads_the_note_never_the_category(school, head_teacher, critical):
    from app.archive.chronology import banners
    from app.archive.students import get_student
    from app.screening.interviews import record_interview
    from app.screening.ledger import LedgerFilter, ledger_rows

    camp, sid, entry = critical
    assert ledger_rows(head_teacher, LedgerFilter(campaign_id=camp)) == []
    assert banners(head_teacher, sid) == []
    assert get_student(head_teacher.db, head_teacher.account, sid).warning_level is None
    record_interview(school, entry, confirmed_level=2, reason="访谈保密理由", next_step="咨询", teacher_note=NOTE)
    [row] = ledger_rows(head_teacher, LedgerFilter(campaign_id=camp), with_history=True)
    assert (row.level, row.status, row.focus_label, row.teacher_note) == (2, "confirmed", "重点关注", NOTE)
    assert row.category == "" and row.provisional_level is None and row.basis == "" and row.scores == ""
    text = json.dumps(row.as_json(), ensure_ascii=False)
    assert "自伤风险" not in text and "第9题" not in text and "一级" not in text
    [line] = banners(head_teacher, sid)
    assert line.startswith("重点关注") and NOTE in line and "自伤风险" not in line
    assert get_student(head_teacher.db, head_teacher.account, sid).warning_level == 2
    counselor_row = next(r for r in ledger_rows(school, LedgerFilter(campaign_id=camp)) if r.entry_id == entry)
    assert "自伤风险" in counselor_row.category and counselor_row.provisional_level == 1


def test_sharing_the_category_is_per_entry_and_audited(school, head_teacher, critical):
    from app.archive.chronology import banners
    from app.screening.interviews import record_interview, tell_head_teacher
    from app.screening.ledger import LedgerFilter, ledger_rows

    camp, sid, entry = critical
    record_interview(school, entry, confirmed_level=1, reason="理由", next_step="转介", share_category=True)
    [row] = ledger_rows(head_teacher, LedgerFilter(campaign_id=camp))
    assert "自伤风险" in row.category and row.category_shared
    assert "自伤风险" in banners(head_teacher, sid)[0]
    assert ledger_rows(head_teacher, LedgerFilter(category="自伤风险", campaign_id=camp)) == [row]
    tell_head_teacher(school, entry, share_category=False, teacher_note=NOTE)
    [row] = ledger_rows(head_teacher, LedgerFilter(campaign_id=camp))
    assert row.category == "" and row.teacher_note == NOTE
    details = [json.loads(r[0]) for r in school.db.query(
        "SELECT detail FROM audit_log WHERE target LIKE 'screening_%' ORDER BY id")]
    assert any(d.get("category_shared") is True for d in details)
    assert details[-1] == {"action": "tell_head_teacher", "teacher_note": True, "category_shared": False}
    with pytest.raises(PermissionDenied):
        tell_head_teacher(head_teacher, entry, share_category=True)


def test_a_newer_result_does_not_show_the_machines_level_to_the_head_teacher(school, head_teacher, critical):
    """Sent back to review by a newer result, the entry keeps the reviewed level for the head teacher."""
    from app.archive.students import reviewed_levels, warning_levels
    from app.screening.interviews import record_interview
    from app.screening.ledger import LedgerFilter, ledger_rows, level_history
    from app.screening.results import save_answers

    camp, sid, entry = critical
    save_answers(school, camp, sid, "phq9", [0] * 9)          # re-scored: no level; nobody reviewed it
    save_answers(school, camp, sid, "phq9", [1, 1, 1, 1, 1, 1, 1, 1, 0])   # total 8: no level
    save_answers(school, camp, sid, "phq9", [2, 2, 2, 2, 2, 1, 1, 0, 0])   # total 12: 三级, pending
    assert warning_levels(school.db)[sid] == 3
    assert sid not in reviewed_levels(school.db)
    record_interview(school, entry, confirmed_level=3, reason="理由", next_step="关注")
    save_answers(school, camp, sid, "phq9", CRITICAL)          # back to pending at 一级
    assert warning_levels(school.db)[sid] == 1
    assert reviewed_levels(school.db)[sid] == 3
    [row] = ledger_rows(head_teacher, LedgerFilter(campaign_id=camp))
    assert (row.level, row.status) == (3, "confirmed")
    assert [h["to_level"] for h in level_history(head_teacher, entry)] == [3]


# -- 2. tag tiers ----------------------------------------------------------------------------------------------------
def test_the_focus_tags_name_the_seeds_risk_factors():
    from app.archive.tags import DEFAULT_CONFIDENTIAL, FOCUS_TAGS

    for tag in ("情感危机", "亲子关系紧张", "突发事件影响", "家庭经济困难", "实习或环境变化", "遭受欺凌",
                "既往心理问题", "确诊心理障碍", "遭受家庭暴力或性侵害", "早期心理创伤"):
        assert tag in FOCUS_TAGS
    assert DEFAULT_CONFIDENTIAL == {"既往心理问题", "确诊心理障碍", "遭受家庭暴力或性侵害", "早期心理创伤"}
    assert FOCUS_TAGS[-1] == "其他"


def test_a_tag_tier_is_a_school_setting(school, head_teacher, t0):
    from app.archive.students import StudentFilter, get_student, list_students
    from app.archive.tags import add_tag, confidential_tags, list_tags, set_tag_tier, tag_tiers

    sid = _quiet(school, 1)[0]
    add_tag(school, sid, "情感危机", note="说明")
    add_tag(school, sid, "早期心理创伤")
    assert [t.tag for t in list_tags(head_teacher, sid)] == ["情感危机"]
    assert get_student(head_teacher.db, head_teacher.account, sid).tags == ("情感危机",)
    set_tag_tier(school, "情感危机", "confidential")
    set_tag_tier(school, "早期心理创伤", "ordinary")
    assert confidential_tags(school.db) >= {"情感危机"} and tag_tiers(school.db)["早期心理创伤"] == "ordinary"
    assert [t.tag for t in list_tags(head_teacher, sid)] == ["早期心理创伤"]
    assert [s.id for s in list_students(head_teacher.db, head_teacher.account,
                                        StudentFilter(tag="情感危机"))] == []
    assert sid in [s.id for s in list_students(school.db, school.account, StudentFilter(tag="情感危机"))]
    audited = [json.loads(r[0]) for r in school.db.query(
        "SELECT detail FROM audit_log WHERE action = 'settings' AND target = 'archive.tag_tiers' ORDER BY id")]
    assert audited == [{"tag": "情感危机", "from": "ordinary", "to": "confidential"},
                       {"tag": "早期心理创伤", "from": "confidential", "to": "ordinary"}]
    with pytest.raises(PermissionDenied):
        set_tag_tier(head_teacher, "情感危机", "ordinary")
    with pytest.raises(InputRejected, match="未知的关注类别"):
        set_tag_tier(school, "不存在", "ordinary")
    with pytest.raises(InputRejected, match="保密级别"):
        set_tag_tier(school, "留守", "secret")


def test_several_categories_at_once_are_one_action_each_at_its_tier(school, head_teacher, t0):
    """The 新建重点关注 form's checkable tags: every chosen category is set in one transaction, each where its tier
    keeps it; one refused category writes none."""
    from app.archive.tags import add_tags, list_tags

    sid = _quiet(school, 1)[0]
    before = school.db.scalar("SELECT count(*) FROM audit_log")
    with pytest.raises(InputRejected, match="未知的关注类别"):
        add_tags(school, sid, ["留守", "不存在"])
    assert list_tags(school, sid) == [] and school.db.scalar("SELECT count(*) FROM audit_log") == before
    with pytest.raises(InputRejected, match="至少选择"):
        add_tags(school, sid, [])
    ids = add_tags(school, sid, ["留守", "确诊心理障碍", "留守"], note="祖父母照看")
    assert len(ids) == 2 and ids[0] > 0 > ids[1]        # the ordinary one in vault.db, the confidential one not
    assert sorted(t.tag for t in list_tags(school, sid)) == sorted(["留守", "确诊心理障碍"])
    assert [t.tag for t in list_tags(head_teacher, sid)] == ["留守"]
    with pytest.raises(PermissionDenied):
        add_tags(head_teacher, sid, ["留守"])


def test_a_confidential_tag_on_the_timeline_is_the_counselors(school, head_teacher, t0):
    from app.archive.chronology import CONFIDENTIAL, timeline
    from app.archive.tags import add_tag

    sid = _quiet(school, 1)[0]
    add_tag(school, sid, "确诊心理障碍", note="医院诊断")
    mine = [e for e in timeline(school, sid) if e.kind == "tag"]
    assert mine and all(e.tier == CONFIDENTIAL for e in mine)
    assert not [e for e in timeline(head_teacher, sid) if e.kind == "tag"]


# -- 4. who counts as a focus student ----------------------------------------------------------------------------
def test_focus_students_are_tags_confirmed_levels_and_open_cases(school, critical):
    from app.archive.students import focus_student_ids
    from app.archive.tags import add_tag
    from app.casework.coverage import class_coverage, current_semester
    from app.crisis.cases import open_case
    from app.screening.interviews import record_interview

    camp, leveled, entry = critical
    tagged, in_crisis = _quiet(school, 2)
    assert not {tagged, in_crisis, leveled} & focus_student_ids(school.db)
    add_tag(school, tagged, "留守")
    open_case(school, in_crisis, "general", "teacher", summary="一般个案")
    assert {tagged, in_crisis} <= focus_student_ids(school.db) and leveled not in focus_student_ids(school.db)
    record_interview(school, entry, confirmed_level=2, reason="理由", next_step="咨询")
    assert leveled in focus_student_ids(school.db)
    cls = find_class(school.db, "7.1")
    cov = class_coverage(school, cls.id, current_semester(school))
    visits = {s.id for s in cov.home_visit.done + cov.home_visit.missing}
    assert {tagged, in_crisis, leveled} <= visits
    assert visits == focus_student_ids(school.db) & {s.id for s in cov.talk.done + cov.talk.missing}


# -- 5. a plan for every confirmed level -------------------------------------------------------------------------
def test_a_confirmed_level_without_a_plan_stands_on_the_workbench(school, head_teacher, critical, t0):
    from app.archive.plans import save_plan
    from app.screening.interviews import record_interview
    from app.workbench import work_items

    camp, sid, entry = critical

    def missing(session, day=t0):  # type: ignore[no-untyped-def]
        return [i for i in work_items(session, day) if i.kind == "plan_missing" and i.student_id == sid]

    assert missing(school) == []                     # pending review: the interview comes first
    record_interview(school, entry, confirmed_level=2, reason="理由", next_step="咨询")
    [item] = missing(school)
    assert "一生一策" in item.title and item.source == f"screening_levels:{entry}"
    assert missing(head_teacher) == []               # plans are the counselor's
    save_plan(school, sid, review_date="2026-12-01", situation="基本情况")
    assert missing(school) == []
    def review(day):  # type: ignore[no-untyped-def]
        return [i for i in work_items(school, day) if i.kind == "plan_review" and i.student_id == sid]

    assert review(dt.date(2026, 11, 23)) == []
    [ahead] = review(dt.date(2026, 11, 24))            # a week ahead, the plan's review date reminds
    assert ahead.due == "2026-12-01" and not ahead.overdue and "将于 2026-12-01 复查" in ahead.title
    [due] = review(dt.date(2026, 12, 1))
    assert "到期复查" in due.title and not due.overdue
    assert review(dt.date(2026, 12, 2))[0].overdue


def test_a_plan_written_long_before_the_level_is_not_current(school, critical, t0):
    from app.archive.plans import save_plan
    from app.screening.interviews import record_interview
    from app.workbench import work_items

    camp, sid, entry = critical
    clock.set_fixed(dt.datetime(2026, 3, 1, 9, 0))
    save_plan(school, sid, review_date="2026-06-01", situation="去年的方案")
    clock.set_fixed(dt.datetime(2026, 11, 2, 9, 0))
    record_interview(school, entry, confirmed_level=3, reason="理由", next_step="关注")
    assert [i for i in work_items(school, t0) if i.kind == "plan_missing" and i.student_id == sid]


# -- 6. the 一反馈 scope -------------------------------------------------------------------------------------------
def test_feedback_scope_is_a_school_setting(school, head_teacher, t0):
    from app.archive.students import focus_student_ids
    from app.casework.coverage import class_coverage, current_semester, feedback_scope, set_feedback_scope

    cls = find_class(school.db, "7.1")
    sem = current_semester(school)
    assert feedback_scope(school.db) == "all"
    cov = class_coverage(school, cls.id, sem)
    assert cov.feedback.total == cov.students and cov.feedback.label == "家长反馈"
    set_feedback_scope(school, "focus")
    cov = class_coverage(school, cls.id, sem)
    focus = focus_student_ids(school.db, school.account)
    assert cov.feedback.total == len([s for s in cov.talk.done + cov.talk.missing if s.id in focus])
    assert cov.feedback.total < cov.students and cov.feedback.label == "重点学生家长反馈"
    with pytest.raises(PermissionDenied):
        set_feedback_scope(head_teacher, "all")
    with pytest.raises(InputRejected, match="一反馈的范围"):
        set_feedback_scope(school, "some")
    last = school.db.one("SELECT target, detail FROM audit_log WHERE action = 'settings' ORDER BY id DESC LIMIT 1")
    assert last[0] == "casework.feedback_scope" and json.loads(last[1]) == {"from": "all", "to": "focus"}


def test_coverage_command_line_counts_by_the_setting(school, capsys, monkeypatch, t0):
    from app.cli import main
    from tests.conftest import PASSWORD

    monkeypatch.setenv("XINQIAO_PASSWORD", PASSWORD)
    args = ["--data-dir", str(school.paths.root), "--user", "counselor"]
    assert main(args + ["coverage", "--class", "7.1", "--json"]) == 0
    before = json.loads(capsys.readouterr().out)
    assert before["feedback_scope"] == "all"
    assert before["classes"][0]["feedback"]["total"] == before["classes"][0]["students"]
    assert main(args + ["coverage", "--set-feedback-scope", "focus"]) == 0
    assert "仅重点学生" in capsys.readouterr().out
    assert main(args + ["coverage", "--class", "7.1"]) == 0
    text = capsys.readouterr().out
    assert "一反馈范围：仅重点学生" in text and "重点学生家长反馈" in text


def test_tag_tiers_command(school, capsys, monkeypatch):
    from app.cli import main
    from tests.conftest import PASSWORD

    monkeypatch.setenv("XINQIAO_PASSWORD", PASSWORD)
    args = ["--data-dir", str(school.paths.root), "--user", "counselor"]
    assert main(args + ["tag-tiers", "--set", "情感危机=confidential", "--json"]) == 0
    tiers = {r["tag"]: r["tier"] for r in json.loads(capsys.readouterr().out)}
    assert tiers["情感危机"] == "confidential" and tiers["确诊心理障碍"] == "confidential" and tiers["留守"] == "ordinary"
    assert main(args + ["tag-tiers", "--set", "情感危机"]) == 3
    assert "类别=级别" in capsys.readouterr().err
