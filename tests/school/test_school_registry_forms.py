"""The registry files schools really have: grades, classes, cohorts and codes as the registry system writes them."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from app import clock
from app.school.classnames import ClassRef, parse_class, parse_class_in, parse_grade, parse_grade_in
from app.school.profile import get_school, update_school
from app.school.roster_import import import_roster, preview_roster
from tests.data.make_registry_system import EXPECTED

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def junior(session):
    clock.set_fixed(dt.datetime(2026, 10, 12, 9, 0))
    p = get_school(session.db)
    update_school(session, p.name, p.code, ["junior"])
    return session


@pytest.mark.parametrize("text,grade", [("小学四年级", 4), ("初中一年级", 7), ("高中二年级", 11), ("中职一年级", 10),
                                        ("初一", 7), ("八年级", 8)])
def test_grade_forms(text, grade):
    assert parse_grade(text) == grade


@pytest.mark.parametrize("text,ref", [("初中一年级(1)班", ClassRef(7, 1)), ("八（1）班", ClassRef(8, 1)),
                                      ("高中二年级（3）班", ClassRef(11, 3)), ("小学四年级2班", ClassRef(4, 2))])
def test_class_forms(text, ref):
    assert parse_class(text) == ref


def test_cohorts_from_the_school_year_and_stages():
    assert parse_grade_in("2024级", 2026, ("junior",)) == 9
    assert parse_grade_in("2027届", 2026, ("junior",)) == 9
    assert parse_grade_in("初2026级", 2026, ("primary", "junior")) == 7
    assert parse_grade_in("高2025级", 2026, ("junior", "senior")) == 11
    assert parse_class_in("2024级3班", None, 2026, ("junior",)) == ClassRef(9, 3)
    assert parse_class_in("初2024级3班", None, 2026, ("primary", "junior")) == ClassRef(9, 3)
    assert parse_class_in("2024级3班", None, 2026, ("primary", "junior"), stage_hint="primary") == ClassRef(3, 3)
    with pytest.raises(ValueError, match="学段"):
        parse_class_in("2024级3班", None, 2026, ("primary", "junior"))
    with pytest.raises(ValueError, match="不在初中"):
        parse_grade_in("2020级", 2026, ("junior",))


@pytest.mark.parametrize("name", ["roster_registry_system.xlsx", "roster_registry_system_gbk.csv"])
def test_registry_system_roster_imports_fully(junior, name):
    result = import_roster(junior, DATA / name)
    p = result.preview
    assert p.errors == [] and len(p.new) == len(EXPECTED)
    got = {r["registry_no"]: (r["grade"], r["number"]) for r in junior.db.query(
        "SELECT s.registry_no, c.grade, c.number FROM students s JOIN classes c ON c.id = s.class_id")}
    assert got == EXPECTED
    rows = junior.db.query("SELECT gender, ethnicity, boarding, birth_date FROM students ORDER BY registry_no")
    assert {r["gender"] for r in rows} == {"男", "女"}
    assert {r["ethnicity"] for r in rows} == {"汉族", "回族", "壮族"}
    assert {r["boarding"] for r in rows} == {0, 1}
    assert all(len(r["birth_date"]) == 10 and r["birth_date"].endswith("-05-17") for r in rows)


def test_a_cohort_in_a_multi_stage_school_says_what_to_add(junior):
    p = get_school(junior.db)
    update_school(junior, p.name, p.code, ["primary", "junior"])
    preview = preview_roster(junior, DATA / "roster_registry_system.xlsx")
    bad = {e.row: e.reason for e in preview.errors}
    assert sorted(bad) == [8, 11]             # "2024级3班" and "2027届" give no stage; 初2024级 rows are fine
    assert "学段" in bad[8] and "初2024级" in bad[8]


def test_a_typo_class_is_not_created_silently(junior, tmp_path):
    from openpyxl import Workbook

    from app.errors import InputRejected
    from app.school.roster_import import apply_roster

    import_roster(junior, DATA / "roster_registry_system.xlsx")
    classes = junior.db.scalar("SELECT count(*) FROM classes")
    wb = Workbook()
    wb.active.append(["姓名", "全国学籍号", "班级"])
    wb.active.append(["新同学", "G3702022013999999", "八年级（9）班"])     # one typo row: 9 for 1
    wb.save(tmp_path / "插班.xlsx")
    preview = preview_roster(junior, tmp_path / "插班.xlsx")
    assert preview.new_classes_text == "将新建班级：八年级（9）班（1 人）"
    with pytest.raises(InputRejected) as e:
        apply_roster(junior, preview)
    assert "将新建班级：八年级（9）班（1 人）" in e.value.message and "--create-classes" in e.value.message
    assert junior.db.scalar("SELECT count(*) FROM classes") == classes
    assert junior.db.scalar("SELECT count(*) FROM students WHERE registry_no = 'G3702022013999999'") == 0
    apply_roster(junior, preview, create_classes=True)                  # confirmed
    assert junior.db.scalar("SELECT count(*) FROM classes") == classes + 1
