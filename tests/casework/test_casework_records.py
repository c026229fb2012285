"""Records: create, versions, soft delete, drafts, validation, coverage, workbench."""
from __future__ import annotations

import datetime as dt

import pytest

from app.casework.coverage import class_coverage, current_semester
from app.casework.model import RecordInput
from app.casework.records import (
    RecordFilter,
    create_record,
    delete_record,
    get_record,
    list_records,
    update_record,
    versions,
)
from app.drafts.store import delete_draft as discard_draft
from app.drafts.store import list_drafts, load_draft, save_draft
from app.errors import InputRejected
from app.search import search
from tests.casework.helpers import class_students, record


def _audit_actions(session) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in session.db.query("SELECT action, target FROM audit_log ORDER BY id")]


def test_create_keeps_event_date_and_entry_time(school):
    sid = class_students(school)[0]
    rid = create_record(school, record(sid, occurred_at="2026-09-15 08:40"))
    rec = get_record(school, rid)
    assert rec.occurred_at == "2026-09-15T08:40"
    assert rec.entered_at.startswith("2026-11-20")   # backdated: both kept
    assert rec.confidential == "谈及家庭冲突，父母经常争吵。"
    assert ("view_confidential", f"case_records:{rid}") in _audit_actions(school)


def test_edit_keeps_earlier_versions_with_who_when_why(school):
    sid = class_students(school)[0]
    rid = create_record(school, record(sid, summary="第一次的摘要"))
    data = get_record(school, rid).as_input()
    data.summary = "修改后的摘要"
    assert update_record(school, rid, data, "补充访谈内容") == 2
    data.summary = "第三版摘要"
    assert update_record(school, rid, data, "更正错别字") == 3
    vs = versions(school, rid)
    assert [v.version for v in vs] == [1, 2]
    assert vs[0].record["summary"] == "第一次的摘要" and vs[0].reason == "补充访谈内容"
    assert vs[1].record["summary"] == "修改后的摘要" and vs[1].changed_by
    assert get_record(school, rid).summary == "第三版摘要"
    with pytest.raises(InputRejected):
        update_record(school, rid, data, "  ")
    # the index follows the edit in the same transaction
    assert search(school, "第三版") and not search(school, "第一次的摘要")


def test_soft_delete_hides_everywhere_but_keeps_the_row(school):
    from app.archive.chronology import timeline

    sid = class_students(school)[0]
    rid = create_record(school, record(sid, summary="独特的蝴蝶标本话题"))
    assert search(school, "蝴蝶")
    with pytest.raises(InputRejected):
        delete_record(school, rid, "")
    delete_record(school, rid, "录错了学生")
    assert not search(school, "蝴蝶")
    assert rid not in [r.id for r in list_records(school, RecordFilter(student_id=sid))]
    assert f"case_records:{rid}" not in [e.source for e in timeline(school, sid)]
    row = school.db.one("SELECT deleted_at, delete_reason, summary FROM case_records WHERE id = :i", {"i": rid})
    assert row["deleted_at"] and row["delete_reason"] == "录错了学生" and row["summary"] == "独特的蝴蝶标本话题"


def test_group_session_one_record_on_every_timeline(school):
    from app.archive.chronology import timeline

    ids = class_students(school)[:12]
    rid = create_record(school, record(ids, kind="group", title="情绪管理", summary="团体辅导：情绪温度计",
                                       confidential=""))
    assert school.db.scalar("SELECT count(*) FROM case_records WHERE id = :i", {"i": rid}) == 1
    for sid in ids:
        assert f"case_records:{rid}" in [e.source for e in timeline(school, sid)]


def test_validation(school):
    sid = class_students(school)[0]
    with pytest.raises(InputRejected):
        create_record(school, record(sid, occurred_at="2027-01-01"))   # future
    with pytest.raises(InputRejected):
        create_record(school, record(sid, occurred_at="昨天"))
    with pytest.raises(InputRejected):
        create_record(school, record(class_students(school)[:2]))      # individual with two students
    with pytest.raises(InputRejected):
        create_record(school, record([], kind="group", title="x"))
    with pytest.raises(InputRejected):
        create_record(school, record(sid, duration_min=900))
    with pytest.raises(InputRejected):
        create_record(school, record(sid, follow_up_date="下周"))


def test_drafts_per_account_and_form(school, head_teacher):
    save_draft(school, "record:new", {"summary": "写了一半"})
    save_draft(school, "record:new", {"summary": "写了一大半"})
    assert load_draft(school, "record:new") == {"summary": "写了一大半"}
    assert load_draft(head_teacher, "record:new") is None
    assert [d.form_key for d in list_drafts(school)] == ["record:new"]
    discard_draft(school, "record:new")
    assert load_draft(school, "record:new") is None


def test_coverage_talks_visits_feedback(school):
    from app.archive.tags import add_tag

    ids = class_students(school)
    sem = current_semester(school, dt.date(2026, 11, 20))
    before = class_coverage(school, school.db.scalar("SELECT class_id FROM students WHERE id = :i", {"i": ids[0]}),
                            sem)
    cid = before.class_id
    target = next(s for s in before.talk.missing)
    create_record(school, RecordInput("talk", [target.id], "2026-11-02", 15, summary="常规谈话"))
    # a talk in the previous semester does not count
    prev = next(s for s in before.talk.missing if s.id != target.id)
    create_record(school, RecordInput("talk", [prev.id], "2026-06-02", 15, summary="上学期的谈话"))
    after = class_coverage(school, cid, sem)
    assert len(after.talk.done) == len(before.talk.done) + 1
    assert target.id in [s.id for s in after.talk.done] and prev.id in [s.id for s in after.talk.missing]
    # a new focus student: missing both until a home visit (which is also a feedback to parents)
    fresh = next(s for s in after.talk.done + after.talk.missing if s.id not in
                 {x.id for x in after.home_visit.done + after.home_visit.missing})
    add_tag(school, fresh.id, "留守")
    cov = class_coverage(school, cid, sem)
    assert fresh.id in [s.id for s in cov.home_visit.missing] and fresh.id in [s.id for s in cov.feedback.missing]
    create_record(school, RecordInput("parent_phone", [fresh.id], "2026-11-03", 10, summary="电话反馈"))
    cov = class_coverage(school, cid, sem)
    assert fresh.id in [s.id for s in cov.feedback.done] and fresh.id in [s.id for s in cov.home_visit.missing]
    create_record(school, RecordInput("home_visit", [fresh.id], "2026-11-04", 60, summary="家访"))
    cov = class_coverage(school, cid, sem)
    assert fresh.id in [s.id for s in cov.home_visit.done]
    assert cov.as_json()["home_visit"]["total"] == cov.home_visit.total


def test_workbench_follow_up_due(school):
    from app.casework.records import set_follow_up_done
    from app.casework.workbench import follow_ups

    sid = class_students(school)[0]
    rid = create_record(school, record(sid, follow_up_date="2026-11-18", confidential=""))
    items = [i for i in follow_ups(school, dt.date(2026, 11, 20)) if i.source == f"case_records:{rid}"]
    assert len(items) == 1 and items[0].overdue and items[0].student_id == sid
    assert "失眠" not in items[0].title   # only names, kind and date on the 工作台
    set_follow_up_done(school, rid)
    assert not [i for i in follow_ups(school, dt.date(2026, 11, 20)) if i.source == f"case_records:{rid}"]


def test_a_day_outside_every_semester_is_a_calendar_to_fix_not_a_permission(school, monkeypatch, capsys):
    from app.errors import PermissionDenied

    with pytest.raises(InputRejected) as exc:
        current_semester(school, dt.date(1990, 3, 1))
    assert not isinstance(exc.value, PermissionDenied) and exc.value.exit_code == 3
    assert "1990 年 3 月 1 日" in exc.value.message and "设置 → 学校 → 学年与学期" in exc.value.message

    from app.cli import main
    from tests.conftest import PASSWORD

    school.close()
    monkeypatch.setenv("XINQIAO_DATA_DIR", str(school.paths.root))
    monkeypatch.setenv("XINQIAO_USER", "counselor")
    monkeypatch.setenv("XINQIAO_PASSWORD", PASSWORD)
    assert main(["coverage", "--date", "1990-03-01"]) == 3
    assert "设置 → 学校 → 学年与学期" in capsys.readouterr().err
