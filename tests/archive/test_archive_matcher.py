"""The one student matcher every importer uses: registry number, then ID number, then name with class; one set of
messages; a head teacher's import reaches only their own class."""
from __future__ import annotations

from pathlib import Path

import pytest

from app.archive.matcher import BY_ID_NUMBER, BY_NAME, BY_REGISTRY, Match, MatchProblem, StudentMatcher
from app.policy import class_scope
from app.school.roster_import import import_roster

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def matcher(session, tmp_path) -> StudentMatcher:
    import_roster(session, DATA / "roster_registry.xlsx")
    namesake = tmp_path / "转入.csv"
    namesake.write_text("姓名,学籍号,班级\n王子涵,G370202201299999999,七年级（1）班\n"
                        "王子涵,G370202201299999998,七年级（2）班\n", encoding="utf-8")
    import_roster(session, namesake)
    return StudentMatcher.load(session)


def student(found: Match | MatchProblem) -> tuple[str, str, str]:
    assert isinstance(found, Match), found
    return found.student.name, found.student.class_name, found.by


def problem(found: Match | MatchProblem) -> MatchProblem:
    assert isinstance(found, MatchProblem), found
    return found


def test_order_registry_then_id_number_then_name_with_class(matcher):
    assert student(matcher.match(registry_no="g37020220120000001 ")) == ("李俊熙", "七年级（1）班", BY_REGISTRY)
    assert student(matcher.match(registry_no="G37020220120000001", id_number="37020220120101000X",
                                 name="李俊熙")) == ("李俊熙", "七年级（1）班", BY_REGISTRY)   # registry wins
    assert student(matcher.match(id_number="37020220120204001x")) == ("李俊熙", "七年级（1）班", BY_ID_NUMBER)
    found = matcher.match(name=" 李俊熙", class_text="初一1班")
    assert student(found) == ("李俊熙", "七年级（1）班", BY_NAME) and found.needs_confirmation
    assert student(matcher.match(name="李俊熙")) == ("李俊熙", "七年级（1）班", BY_NAME)  # unique in the school
    assert student(matcher.match(name="李俊熙", class_text="1", grade_text="七年级"))[2] == BY_NAME


def test_one_set_of_messages_with_the_field_at_fault(matcher):
    p = problem(matcher.match(registry_no="G000", name="李俊熙"))
    assert p.field == "registry_no" and "没有学籍号为 G000 的学生" in p.reason and "未知学生" in p.reason
    p = problem(matcher.match(id_number="110101200001011234"))
    assert p.field == "id_number" and "没有身份证号为 110101200001011234 的学生" in p.reason
    p = problem(matcher.match(registry_no="G37020220120000001", name="张冠李戴"))
    assert p.field == "name" and "李俊熙" in p.reason and "不一致" in p.reason and "不符" in p.reason
    p = problem(matcher.match(name="王子涵", class_text="七年级（1）班"))   # two 王子涵 in one class
    assert p.field == "name" and p.reason.startswith("七年级（1）班有 2 名学生叫“王子涵”")
    assert "学籍号或身份证号" in p.reason
    p = problem(matcher.match(name="王子涵"))                              # three in the school
    assert p.field == "name" and "有 3 名学生叫“王子涵”" in p.reason and "班级" in p.reason
    p = problem(matcher.match(name="王子涵", class_text="九年级（7）班"))
    assert p.field == "class" and "学校没有九年级（7）班" in p.reason
    p = problem(matcher.match(name="王子涵", class_text="火星班"))
    assert p.field == "class" and "“火星班”无法识别" in p.reason and "7.3" in p.reason
    p = problem(matcher.match(name="李俊熙", class_text="7.2"))
    assert p.field == "name" and "七年级（2）班中没有名为“李俊熙”的学生" in p.reason
    p = problem(matcher.match())
    assert p.field == "name" and "都为空" in p.reason


def test_a_head_teacher_reaches_only_their_class(school, head_teacher):
    mine = class_scope(head_teacher.account)
    own = school.db.one("SELECT registry_no, name FROM students WHERE class_id = :c ORDER BY id LIMIT 1", {"c": mine})
    other = school.db.one("SELECT s.registry_no, s.name, c.name FROM students s JOIN classes c ON c.id = s.class_id"
                          " WHERE s.class_id != :c AND (SELECT count(*) FROM students t WHERE t.name = s.name) = 1"
                          " ORDER BY s.id LIMIT 1", {"c": mine})
    m = StudentMatcher.load(head_teacher)
    assert student(m.match(registry_no=own[0]))[0] == own[1]
    p = problem(m.match(registry_no=other[0]))
    assert p.field == "registry_no" and f"“{other[1]}”（{other[2]}）不是您所带班级的学生" in p.reason
    p = problem(m.match(name=other[1], class_text=other[2]))
    assert p.field == "class" and "不是您所带班级的学生" in p.reason
    # the counselor's matcher reaches every class
    assert student(StudentMatcher.load(school).match(registry_no=other[0]))[0] == other[1]
