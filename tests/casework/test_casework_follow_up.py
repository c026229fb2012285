"""Follow-ups on the 工作台: satisfied by any later record about the student, by ticking, not by earlier ones."""
from __future__ import annotations

import datetime as dt

from app.casework.records import create_record, delete_record
from app.casework.workbench import follow_ups
from tests.casework.helpers import class_students, record

TODAY = dt.date(2026, 11, 20)


def _flag(session, rid: int) -> int:
    return int(session.db.scalar("SELECT follow_up_done FROM case_records WHERE id = :i", {"i": rid}))


def _open(session, rid: int) -> bool:
    return any(i.source == f"case_records:{rid}" for i in follow_ups(session, TODAY))


def test_a_later_record_of_any_kind_satisfies_the_follow_up(school):
    a, b = class_students(school)[:2]
    rid = create_record(school, record(a, occurred_at="2026-11-01T10:00", follow_up_date="2026-11-08"))
    assert _open(school, rid)
    # an earlier record of the same student does not count
    create_record(school, record(a, kind="talk", occurred_at="2026-10-20T10:00", confidential=""))
    assert _open(school, rid)
    # a later record of another student does not count
    create_record(school, record(b, occurred_at="2026-11-10T10:00", confidential=""))
    assert _open(school, rid)
    # a later parent call about this student does
    call = create_record(school, record(a, kind="parent_phone", occurred_at="2026-11-09T16:00", confidential=""))
    assert not _open(school, rid)
    assert _flag(school, rid) == 2    # stored, so the 工作台 reads only open follow-ups
    # ... unless that call is deleted again
    delete_record(school, call, "记错学生")
    assert _open(school, rid) and _flag(school, rid) == 0


def test_ticked_by_hand_stays_done_and_unticking_recomputes(school):
    from app.casework.records import set_follow_up_done

    sid = class_students(school)[0]
    rid = create_record(school, record(sid, occurred_at="2026-11-01T10:00", follow_up_date="2026-11-08"))
    set_follow_up_done(school, rid)
    create_record(school, record(sid, kind="talk", occurred_at="2026-11-15T09:00", confidential=""))
    assert _flag(school, rid) == 1 and not _open(school, rid)
    set_follow_up_done(school, rid, False)
    assert _flag(school, rid) == 2 and not _open(school, rid)


def test_editing_the_date_of_the_later_record_reopens_the_follow_up(school):
    from app.casework.records import get_record, update_record

    sid = class_students(school)[0]
    rid = create_record(school, record(sid, occurred_at="2026-11-01T10:00", follow_up_date="2026-11-08"))
    later = create_record(school, record(sid, kind="talk", occurred_at="2026-11-15T09:00", confidential=""))
    assert not _open(school, rid)
    data = get_record(school, later, reveal=False).as_input()
    data.occurred_at = "2026-10-30T09:00"
    update_record(school, later, data, "日期填错")
    assert _open(school, rid)


def test_a_later_group_session_counts_for_its_attendees(school):
    ids = class_students(school)[:3]
    rid = create_record(school, record(ids[0], occurred_at="2026-11-01T10:00", follow_up_date="2026-11-08"))
    create_record(school, record(ids, kind="group", title="情绪管理", occurred_at="2026-11-12T15:00",
                                 confidential=""))
    assert not _open(school, rid)


def test_head_teacher_sees_the_same_rule(school, head_teacher):
    sid = class_students(school)[0]
    rid = create_record(school, record(sid, occurred_at="2026-11-01T10:00", follow_up_date="2026-11-08"))
    assert any(i.source == f"case_records:{rid}" for i in follow_ups(head_teacher, TODAY))
    create_record(school, record(sid, kind="talk", occurred_at="2026-11-15T09:00", confidential=""))
    assert not any(i.source == f"case_records:{rid}" for i in follow_ups(head_teacher, TODAY))


def test_demo_school_has_few_overdue_follow_ups(session):
    """Most old follow-ups in the demo were kept: a counselor opening the demo is not swamped."""
    from app.demo import populate_school

    populate_school(session, 600)
    total = session.db.scalar("SELECT count(*) FROM case_records WHERE follow_up_date IS NOT NULL")
    overdue = [i for i in follow_ups(session, TODAY) if i.overdue]
    assert total >= 30
    assert len(overdue) <= max(8, total // 8), (len(overdue), total)
