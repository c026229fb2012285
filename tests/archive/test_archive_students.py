"""Students: search-as-you-type, filters, the head teacher's scope, tags, plans and the timeline."""
from __future__ import annotations

import datetime as dt

import pytest

from app import clock
from app.accounts.admin import add_account
from app.accounts.model import Role
from app.archive import chronology, plans, tags
from app.archive.students import StudentFilter, StudentIndex, find_by_registry, get_student, list_students
from app.demo import DemoStudent, insert_students
from app.errors import InputRejected, PermissionDenied
from app.school.classes import find_class, require_class
from app.session import open_session
from tests.conftest import TEACHER_PASSWORD

PEOPLE = [  # name, registry, grade, class
    ("张三", "G3702022013000001", 7, 1),
    ("张珊珊", "G3702022013000002", 7, 1),
    ("李四", "G3702022013000003", 7, 2),
    ("王五", "G3702022012000004", 8, 1),
    ("欧阳明月", "G3702022012000005", 8, 1),
    ("赵六", "G3702022011000006", 9, 1),
]


@pytest.fixture
def known(session):
    students = [DemoStudent(reg, name, "男" if i % 2 else "女", "2013-05-04", g, c, "家长", "母亲", "13900000000",
                            False, False) for i, (name, reg, g, c) in enumerate(PEOPLE)]
    clock.set_fixed(dt.datetime(2026, 2, 1, 8, 0, 0))  # enrolled before anything else happens in these tests
    ids = dict(zip([p[0] for p in PEOPLE], insert_students(session, students), strict=True))
    clock.set_fixed(None)
    with session.db.transaction():
        session.db.execute("UPDATE students SET status = '毕业' WHERE id = :id", {"id": ids["赵六"]})
    session.ids = ids  # type: ignore[attr-defined]
    return session


def names(result) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(s.name for s in result)


@pytest.mark.parametrize("query,expected", [
    ("张", ["张三", "张珊珊"]), ("张三", ["张三"]), ("zhangsan", ["张三"]), ("zs", ["张三", "张珊珊"]),
    ("ZS", ["张三", "张珊珊"]), ("zss", ["张珊珊"]), ("zhang", ["张三", "张珊珊"]), ("oymy", ["欧阳明月"]),
    ("ouyang", ["欧阳明月"]), ("g37020220120", ["欧阳明月", "王五"]), ("G3702022013000003", ["李四"]),
    ("Ｇ３７０２０２２０１３０００００３", ["李四"]), ("zhang san", ["张三"]), ("", ["张三", "张珊珊", "李四", "王五", "欧阳明月"]),
    ("zhao", []), ("不存在", []),
])
def test_search(known, query, expected):
    idx = StudentIndex(known.db)
    assert names(idx.search(known.account, StudentFilter(search=query))) == sorted(expected)


def test_filters(known):
    idx = StudentIndex(known.db)
    acc = known.account
    assert names(idx.search(acc, StudentFilter(grade=7))) == ["张三", "张珊珊", "李四"]
    c71 = require_class(known.db, "初一1班")
    assert names(idx.search(acc, StudentFilter(class_id=c71.id))) == ["张三", "张珊珊"]
    assert names(idx.search(acc, StudentFilter(grade=9))) == []
    assert names(idx.search(acc, StudentFilter(grade=9, include_left=True))) == ["赵六"]
    assert len(idx.search(acc, StudentFilter(), limit=2)) == 2
    tags.add_tag(known, known.ids["李四"], "留守")
    idx.reload(known.db)
    assert names(idx.search(acc, StudentFilter(tag="留守"))) == ["李四"]
    assert names(idx.search(acc, StudentFilter(tag="留守", grade=8))) == []
    assert idx.search(acc, StudentFilter(tag="留守"))[0].tags == ("留守",)
    assert names(list_students(known.db, acc, StudentFilter(search="ls"))) == ["李四"]


def test_warning_level_slot(known):
    from app import capability

    def provider(db):  # type: ignore[no-untyped-def]
        return {known.ids["王五"]: 2}

    test_levels = capability.Capability("test_levels", "测试", warning_levels=provider)
    with capability.installed(capability.current().extended(test_levels)):
        idx = StudentIndex(known.db)
        found = idx.search(known.account, StudentFilter(level=2))
        assert [s.name for s in found if s.id == known.ids["王五"]] == ["王五"]
        assert get_student(known.db, known.account, known.ids["王五"]).warning_level == 2


def test_get_and_find_by_registry(known):
    s = get_student(known.db, known.account, known.ids["张三"])
    assert s.class_name == "七年级（1）班" and s.grade == 7 and s.guardians[0].relation == "母亲"
    assert find_by_registry(known.db, known.account, " g3702022013000001 ").id == s.id
    assert find_by_registry(known.db, known.account, "G000") is None
    js = s.as_json()
    assert {"registry_no", "name", "gender", "birth_date", "grade", "class_name"} <= set(js)
    assert js["grade"] == "七年级" and js["birth_date"] == "2013-05-04"


@pytest.fixture
def teacher(known):
    cls = find_class(known.db, "7.1")
    assert cls is not None
    add_account(known, "t71", TEACHER_PASSWORD, Role.HEAD_TEACHER, class_id=cls.id)
    s = open_session(known.paths.root, "t71", TEACHER_PASSWORD)
    s.ids = known.ids  # type: ignore[attr-defined]
    yield s
    s.close()


def test_head_teacher_sees_only_their_class(teacher):
    idx = StudentIndex(teacher.db)
    assert names(idx.search(teacher.account, StudentFilter())) == ["张三", "张珊珊"]
    assert names(idx.search(teacher.account, StudentFilter(search="ls"))) == []
    assert names(idx.search(teacher.account, StudentFilter(grade=8))) == []
    get_student(teacher.db, teacher.account, teacher.ids["张三"])
    with pytest.raises(PermissionDenied):
        get_student(teacher.db, teacher.account, teacher.ids["李四"])
    with pytest.raises(PermissionDenied):
        find_by_registry(teacher.db, teacher.account, "G3702022013000003")
    with pytest.raises(PermissionDenied):
        chronology.timeline(teacher, teacher.ids["李四"])


def test_tags(known):
    sid = known.ids["张三"]
    with pytest.raises(InputRejected):
        tags.add_tag(known, sid, "其他")
    with pytest.raises(InputRejected):
        tags.add_tag(known, sid, "其他", "   ")
    with pytest.raises(InputRejected):
        tags.add_tag(known, sid, "不存在的类别")
    clock.set_fixed(dt.datetime(2026, 3, 1, 10, 0, 0))
    t1 = tags.add_tag(known, sid, "其他", "父母离异后情绪波动")
    clock.set_fixed(dt.datetime(2026, 3, 2, 10, 0, 0))
    t2 = tags.add_tag(known, sid, "学业压力")
    clock.set_fixed(dt.datetime(2026, 4, 1, 10, 0, 0))
    tags.clear_tag(known, t2, "期中后好转")
    listed = tags.list_tags(known, sid)
    assert [t.id for t in listed] == [t2, t1]
    assert listed[0].cleared_at == "2026-04-01T10:00:00" and listed[0].clear_reason == "期中后好转"
    assert listed[1].note == "父母离异后情绪波动" and listed[1].set_at == "2026-03-01T10:00:00"
    assert [t.tag for t in tags.list_tags(known, sid, include_cleared=False)] == ["其他"]
    assert get_student(known.db, known.account, sid).tags == ("其他",)
    assert known.db.scalar("SELECT count(*) FROM audit_log WHERE action = 'edit'") == 3


def test_head_teacher_cannot_set_tags_nor_read_notes(known, teacher):
    sid = known.ids["张三"]
    tags.add_tag(known, sid, "其他", "保密的说明")
    with pytest.raises(PermissionDenied):
        tags.add_tag(teacher, sid, "留守")
    seen = tags.list_tags(teacher, sid)
    assert [t.tag for t in seen] == ["其他"] and all(t.note == "" for t in seen)


def test_plans_keep_versions_and_need_a_reason(known):
    sid = known.ids["王五"]
    with pytest.raises(InputRejected):
        plans.save_plan(known, sid, review_date="2026-13-01", situation="x")
    with pytest.raises(InputRejected):
        plans.save_plan(known, sid, review_date="2026-12-01", situation="   ")
    clock.set_fixed(dt.datetime(2026, 3, 1, 9, 0, 0))
    v1 = plans.save_plan(known, sid, review_date="2026-06-01", situation="性格内向", study_plan="每周面谈")
    assert v1.version == 1 and v1.change_reason == ""
    with pytest.raises(InputRejected) as exc:
        plans.save_plan(known, sid, review_date="2026-09-01", situation="好转")
    assert "原因" in exc.value.message
    clock.set_fixed(dt.datetime(2026, 6, 1, 9, 0, 0))
    v2 = plans.save_plan(known, sid, review_date="2026-09-01", change_reason="期末复查", situation="明显好转")
    versions = plans.plan_versions(known, sid)
    assert [p.version for p in versions] == [2, 1]
    assert versions[1].situation == "性格内向" and versions[0].situation == "明显好转" and v2.version == 2
    due = plans.plans_due_for_review(known, dt.date(2026, 12, 31))
    assert due == [(sid, "2026-09-01")]


def test_timeline_newest_first_and_tiered(known, teacher):
    sid = known.ids["张三"]
    clock.set_fixed(dt.datetime(2026, 3, 1, 9, 0, 0))
    tags.add_tag(known, sid, "其他", "只给心理教师看的说明")
    clock.set_fixed(dt.datetime(2026, 3, 5, 9, 0, 0))
    plans.save_plan(known, sid, review_date="2026-06-01", situation="需要关注")
    clock.set_fixed(dt.datetime(2026, 3, 9, 9, 0, 0))
    plans.save_plan(known, sid, review_date="2026-07-01", change_reason="调整", situation="好转")
    ours = ("roster", "tag", "plan")
    events = [e for e in chronology.timeline(known, sid) if e.kind in ours]
    assert [e.kind for e in events] == ["plan", "plan", "tag", "roster"]
    assert [e.at for e in events] == sorted((e.at for e in events), reverse=True)
    assert "第 2 版" in events[0].title and events[0].tier == chronology.CONFIDENTIAL
    assert "只给心理教师看的说明" in events[2].detail
    seen = [e for e in chronology.timeline(teacher, sid) if e.kind in ours]
    assert [e.kind for e in seen] == ["tag", "roster"]
    assert all("只给心理教师看的说明" not in e.detail + e.title for e in seen)
    assert all(e.tier == chronology.ORDINARY for e in chronology.timeline(teacher, sid))
    assert plans.plan_versions(teacher, sid) == []


def test_class_names_resolve_in_any_form(known):
    ids = {require_class(known.db, t).id for t in ("七年级（2）班", "七年级2班", "初一2班", "7.2", "7-2", "初一（二）班")}
    assert len(ids) == 1
    with pytest.raises(InputRejected):
        require_class(known.db, "9.9")
    with pytest.raises(InputRejected):
        require_class(known.db, "火箭班")


def test_timeline_entries_of_the_same_second_show_the_later_one_first(school):
    import datetime as dt

    from app import clock
    from app.archive.chronology import timeline
    from app.archive.profile import update_profile
    from app.archive.tags import add_tag

    sid = int(school.db.scalar("SELECT id FROM students ORDER BY id LIMIT 1"))
    clock.set_fixed(dt.datetime(2030, 3, 1, 9, 0, 0))
    update_profile(school, sid, {"address": "幸福路 1 号"}, "家访核实住址")
    add_tag(school, sid, "学业压力", "")
    events = [e for e in timeline(school, sid) if e.at.startswith("2030-03-01")]
    assert [e.kind for e in events] == ["tag", "roster"]  # written last, shown first
