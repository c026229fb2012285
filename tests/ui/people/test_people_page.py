"""人员与培训 page through the real widgets: roles as tags (several per person, the highest norm), a training record
typed in (shortfalls in red), the cycle's norms, the staffing checks, and the duty calendar with uncovered days."""
from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from app import clock
from app.people.duty import roster
from app.people.training import list_training
from app.school.staff import add_staff, get_staff
from ui.people.common import RED, UNCOVERED
from ui.shell import dialogs
from ui.shell.context import Change

T0 = dt.datetime(2026, 11, 2, 9, 0)   # a Monday
NOV = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))


@pytest.fixture
def staff(session):
    clock.set_fixed(T0)
    from app.school.calendar import add_school_year

    add_school_year(session, 2026)
    return {"full": add_staff(session, "李静", "psych_fulltime"),
            "both": add_staff(session, "王芳", "psych_parttime", roles=("head_teacher",)),
            "head": add_staff(session, "赵强", "head_teacher")}


def make_page(qtbot, session):
    from ui.pages import page as declared
    from ui.shell.context import AppContext

    decl = declared("people")
    assert (decl.id, decl.title) == ("people", "人员与培训") and decl.available(session.account)
    ctx = AppContext(session)
    page = decl.factory(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    return page, ctx


def cells(table, col: int) -> list[str]:
    return [table.item(r, col).text() for r in range(table.rowCount())]


def test_roles_are_tags_and_several_roles_take_the_highest_norm(qtbot, session, staff):
    page, _ctx = make_page(qtbot, session)
    assert cells(page.staff_table, 0) == ["李静", "王芳", "赵强"]
    assert cells(page.staff_table, 1) == ["专职心理教师", "兼职心理教师、班主任", "班主任"]
    assert cells(page.staff_table, 3) == ["专职心理教师", "兼职心理教师（兼数职取最高）", "班主任"]
    assert page.staff_table.item(2, 2).text() == "0/16 学时" and page.staff_table.item(2, 2).foreground() == RED
    assert not page.roles_button.isEnabled()
    page.select_member("赵强")
    dlg = page.edit_roles()
    assert dlg.tags["head_teacher"].isChecked() and not dlg.tags["psych_parttime"].isChecked()
    qtbot.mouseClick(dlg.tags["psych_parttime"], Qt.MouseButton.LeftButton)
    dlg.submit()
    assert not dlg.isVisible()
    assert get_staff(session.db, staff["head"]).roles == ("psych_parttime", "head_teacher")
    row = cells(page.staff_table, 0).index("赵强")
    assert page.staff_table.item(row, 1).text() == "兼职心理教师、班主任"
    assert page.staff_table.item(row, 2).text() == "0/24 学时"
    # no role at all is refused in the form, which stays open with the reason
    page.select_member("赵强")
    dlg = page.edit_roles()
    for tag in dlg.tags.values():
        tag.setChecked(False)
    dlg.submit()
    assert dlg.isVisible() and "至少选择一个身份" in dlg.error.text()
    dlg.reject()
    assert get_staff(session.db, staff["head"]).roles == ("psych_parttime", "head_teacher")


def test_a_training_record_typed_in_and_the_shortfall_in_red(qtbot, session, staff):
    page, _ctx = make_page(qtbot, session)
    assert "未达到要求 3 人" in page.shortfall_label.text() and "2024—2027" in page.cycle_label.text()
    page.select_member("赵强")
    dlg = page.add_training()
    assert dlg.person.currentData() == staff["head"]
    dlg.title_edit.setText("区班主任心理健康教育培训")
    dlg.level.setCurrentIndex(dlg.level.findData("district"))
    dlg.hours.setValue(0)
    dlg.submit()
    assert dlg.isVisible() and "学时应大于 0" in dlg.error.text()
    dlg.hours.setValue(16)
    dlg.held_on.setDate(dlg.held_on.date().addDays(-3))
    dlg.submit()
    assert not dlg.isVisible()
    assert [(t.person, t.held_on, t.hours) for t in list_training(session)] == [("赵强", "2026-10-30", 16.0)]
    assert cells(page.record_table, 1) == ["赵强"] and cells(page.record_table, 3) == ["区县级"]
    rows = {page.standing_table.item(r, 0).text(): r for r in range(page.standing_table.rowCount())}
    assert page.standing_table.item(rows["赵强"], 5).text() == "达标"
    assert page.standing_table.item(rows["赵强"], 5).foreground() != RED
    assert page.standing_table.item(rows["李静"], 4).text() == "0/1 次"
    assert page.standing_table.item(rows["李静"], 5).foreground() == RED
    assert "本学年督导 0/1 次" in page.standing_table.item(rows["李静"], 5).text()
    assert "未达到要求 2 人" in page.shortfall_label.text()
    # the cycle's norms are a setting
    cyc = page.edit_cycle()
    cyc.norms["head_teacher"].setValue(20)
    cyc.submit()
    assert page.standing_table.item(rows["赵强"], 5).text() == "培训 16/20 学时，差 4 学时"
    # removing a record asks first
    page.record_table.selectRow(0)
    dialogs.preanswer(True)
    page.remove_training()
    assert list_training(session) == [] and page.record_table.rowCount() == 0


def test_staffing_checks_are_shown(qtbot, session, staff):
    from app.demo import generate_students, insert_students

    insert_students(session, generate_students(24, grades=(7,), class_size=2))   # 12 classes
    page, ctx = make_page(qtbot, session)
    assert "有在读学生的班级 12 个" in page.staffing_label.text() and "需专兼职心理教师 2 名" in page.staffing_label.text()
    assert page.staffing_problems.text().startswith("✓")
    from app.school.staff import set_staff_active

    set_staff_active(session, staff["full"], False)
    ctx.data_changed.emit(Change.SCHOOL)
    assert "没有专职心理教师" in page.staffing_problems.text() and "至少 2 名" in page.staffing_problems.text()


def test_the_duty_calendar_by_weekday_and_one_day_cleared(qtbot, session, staff):
    page, _ctx = make_page(qtbot, session)
    assert page.month_label.text() == "2026 年 11 月"
    assert "上课日 21 天，已安排 0 天" in page.uncovered_label.text()
    dlg = page.assign_pattern()
    for w in range(5):
        combo = dlg.weekdays[w]
        combo.setCurrentIndex(combo.findData(staff["full"] if w % 2 == 0 else staff["both"]))
    dlg.submit()
    assert not dlg.isVisible() and dlg.written == 21
    assert "每个上课日都有人值班" in page.uncovered_label.text()
    page.select_day(dt.date(2026, 11, 4))
    day = page.assign_day()
    assert day.person.currentData() == staff["full"]
    day.person.setCurrentIndex(0)   # （无人值班）
    day.submit()
    assert [d.day for d in roster(session, *NOV) if d.uncovered] == [dt.date(2026, 11, 4)]
    page.select_day(dt.date(2026, 11, 4))
    item = page.calendar.currentItem()
    assert item.text() == "4\n无人值班" and item.background() == UNCOVERED
    assert "11月4日（星期三）" in page.uncovered_label.text()
    page.select_day(dt.date(2026, 11, 5))
    assert page.calendar.currentItem().text() == "5\n王芳"
    # a Sunday is not a school day: nothing to assign
    page.select_day(dt.date(2026, 11, 8))
    dialogs.preanswer(None)
    assert page.assign_day() is None
    page.shift_month(1)
    assert page.month_label.text() == "2026 年 12 月" and "已安排 0 天" in page.uncovered_label.text()


def test_a_head_teacher_does_not_get_the_page(session, head_teacher_account):
    from ui.pages import page as declared

    assert not declared("people").available(head_teacher_account)


@pytest.fixture
def head_teacher_account():
    from app.accounts.model import Account, Role

    return Account(9, "ht", "张老师", Role.HEAD_TEACHER, 1, False)
