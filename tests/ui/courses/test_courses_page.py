"""课程与活动 page through the real widgets: the class × month grid with shortfalls in red, a lesson logged through
its form turning a cell black, semester progress and the classes that fall short, the workload sheet exported
encrypted and printed, and what a 班主任 sees and may log."""
from __future__ import annotations

import datetime as dt

import pytest

from app import clock
from app.courses.records import ActivityInput, add_activity
from tests.courses.helpers import lesson
from ui.courses.page import RED
from ui.shell import dialogs, tasks
from ui.shell.context import Change

T0 = dt.datetime(2026, 12, 7, 9, 0)


@pytest.fixture
def classes(session):
    from app.school.calendar import add_school_year
    from app.school.classes import add_class

    clock.set_fixed(T0)
    add_school_year(session, 2026)
    return {n: add_class(session, n).id for n in ("7.1", "7.2")}


def make_page(qtbot, session):  # type: ignore[no-untyped-def]
    from ui.pages import page as declared
    from ui.shell.context import AppContext

    decl = declared("courses")
    assert (decl.id, decl.title) == ("courses", "课程与活动")
    ctx = AppContext(session)
    page = decl.factory(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    return page, ctx


def col(page, title: str) -> int:  # type: ignore[no-untyped-def]
    return next(c for c in range(page.grid.columnCount()) if page.grid.horizontalHeaderItem(c).text() == title)


def test_the_grid_marks_shortfalls_and_a_logged_lesson_clears_one(qtbot, session, classes):
    lesson(session, classes["7.1"], "2026-11-05")
    add_activity(session, ActivityInput("2026-11-10", "grade", "讲座", "青春期心理", grade=7))
    page, ctx = make_page(qtbot, session)
    assert page.semester.currentText() == "2026-2027学年第一学期"
    assert [page.grid.horizontalHeaderItem(c).text() for c in range(page.grid.columnCount())] == \
        ["班级", "9月", "10月", "11月", "12月", "1月"]
    nov = col(page, "11月")
    assert [page.grid.item(r, 0).text() for r in range(2)] == ["七年级（1）班", "七年级（2）班"]
    assert page.grid.item(0, nov).text() == "1 / 1"
    assert page.grid.item(0, nov).foreground() != RED
    assert page.grid.item(1, nov).text() == "0 / 1" and page.grid.item(1, nov).foreground() == RED
    assert page.grid.item(1, col(page, "1月")).foreground() != RED        # January has not begun
    assert "未达标的班级：七年级（1）班、七年级（2）班" in page.short.text()
    # log 七年级（2）班's November lesson through the form
    page.open_form("lesson")
    form = page.form
    form.klass.setCurrentIndex(form.klass.findText("七年级（2）班"))
    form.date.setDate(form.date.date().addDays(-30))                        # 2026-11-07
    form.topic.setText("学会倾听")
    form.theme.setCurrentIndex(form.theme.findText("人际交往"))
    seen = []
    ctx.data_changed.connect(seen.append)
    form.save()
    assert seen == [Change.COURSES]
    assert page.grid.item(1, nov).text() == "1 / 1" and page.grid.item(1, nov).foreground() != RED
    rows = [page.entries.item(r, 3).text() for r in range(page.entries.rowCount())]
    assert "学会倾听" in rows and "青春期心理" in rows


def test_a_bad_form_stays_open_with_a_chinese_reason(qtbot, session, classes):
    page, _ctx = make_page(qtbot, session)
    page.open_form("activity")
    form = page.form
    form.scope.setCurrentIndex(form.scope.findData("class"))
    dialogs.preanswer(None)
    form.save()                                                              # no topic
    assert dialogs.shown[-1].title == "无法保存" and "活动主题" in dialogs.shown[-1].text
    assert form.isVisible()


def test_progress_and_the_workload_sheet_exported_and_printed(qtbot, session, classes, tmp_path):
    from tests.xlsx_crypto import EXPORT_PASSWORD, is_encrypted

    for day in ("2026-09-10", "2026-10-15", "2026-11-05", "2026-12-03"):
        lesson(session, classes["7.1"], day, teacher="王老师")
    page, _ctx = make_page(qtbot, session)
    progress = {page.progress.item(r, 0).text(): r for r in range(page.progress.rowCount())}
    r1, r2 = progress["七年级（1）班"], progress["七年级（2）班"]
    assert page.progress.item(r1, 2).text() == "4" and page.progress.item(r1, 3).text() == "6"
    assert page.progress.item(r2, 0).foreground() == RED
    assert page.workload.item(0, 0).text() == "王老师" and page.workload.item(0, 1).text() == "4"
    assert page.workload.item(page.workload.rowCount() - 1, 0).text() == "合计"
    out = tmp_path / "工作量.xlsx"
    dialogs.preanswer(str(out), EXPORT_PASSWORD, EXPORT_PASSWORD, None)
    page.export_workload()
    assert tasks.wait_idle()
    assert is_encrypted(out)
    pdf = tmp_path / "工作量.pdf"
    dialogs.preanswer(str(pdf), None)
    page.print_workload()
    assert tasks.wait_idle()
    assert pdf.read_bytes().startswith(b"%PDF")


def test_a_head_teacher_logs_only_their_class(qtbot, session, classes):
    from app.accounts.admin import add_account
    from app.accounts.model import Role
    from app.session import open_session

    add_account(session, "ht", "Teacher-password-2026!", Role.HEAD_TEACHER, class_id=classes["7.2"])
    ht = open_session(session.paths.root, "ht", "Teacher-password-2026!")
    try:
        page, _ctx = make_page(qtbot, ht)
        assert page.lesson_button.isVisibleTo(page) and not page.import_button.isVisibleTo(page)
        assert not page.norms.isEnabled()
        assert "工作量" not in [page.tabs.tabText(i) for i in range(page.tabs.count())]
        page.open_form("activity")
        assert [page.form.klass.itemText(i) for i in range(page.form.klass.count())] == ["七年级（2）班"]
        assert [page.form.scope.itemData(i) for i in range(page.form.scope.count())] == ["class"]
    finally:
        ht.close()


def test_the_school_picks_and_edits_its_profile(qtbot, session, classes):
    from app.courses.norms import current_norms

    page, _ctx = make_page(qtbot, session)
    assert page.norms.currentData() == "qingdao"
    page.norms.setCurrentIndex(page.norms.findData("heilongjiang"))
    dialogs.preanswer(True)
    page.change_norms()
    assert current_norms(session.db).key == "heilongjiang"
    assert "每 2 周至少 1 节" in page.rules.text()
    page.open_form("norms")
    form = page.form
    assert form.lessons_every_weeks.value() == 2 and form.hours_junior.value() == 0
    form.hours_junior.setValue(7)
    form.name.setText("黑龙江省（本校）")
    form.save()
    norms = current_norms(session.db)
    assert (norms.name, norms.hours_for(8), norms.lessons_every_weeks) == ("黑龙江省（本校）", 7, 2)
    assert "初中 7 课时" in page.rules.text()
