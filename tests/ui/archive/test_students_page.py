"""The 学生档案 page: search-as-you-type (initials, full pinyin, registry number), filters, opening an archive."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from app.archive.students import StudentFilter

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture(autouse=True)
def _cjk_font(qapp):
    from ui.shell.fonts import apply_app_font

    apply_app_font(qapp)


@pytest.fixture
def page(qtbot, school):
    from ui.archive.page import StudentsPage
    from ui.shell.context import AppContext

    ctx = AppContext(school)
    widget = StudentsPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    return widget


def shown_ids(page) -> list[int]:
    m = page.model
    return [m.entry(r).id for r in range(m.rowCount())]


def test_page_contract():
    from ui.pages import PAGES

    ids = [p.id for p in PAGES]
    students = PAGES[ids.index("students")]
    assert (students.id, students.title) == ("students", "学生档案")
    assert ids.index("students") == ids.index("workbench") + 1  # second in the navigation


def test_search_by_initials_and_full_pinyin(qtbot, page, school):
    everyone = page.ctx.index.matching(school.account, StudentFilter())
    assert page.model.rowCount() == len(everyone) > 100
    target = next(e for e in everyone if len(e.name) == 3)
    initials = target.keys.split("\x00")[2]
    full = target.keys.split("\x00")[1]
    qtbot.keyClicks(page.search, initials)
    assert target.id in shown_ids(page)
    assert page.model.rowCount() < len(everyone)
    assert page.count_label.text() == f"共 {page.model.rowCount()} 名学生"
    page.search.clear()
    qtbot.keyClicks(page.search, full)
    assert target.id in shown_ids(page)
    page.search.setText(target.name)
    assert target.id in shown_ids(page)


def test_search_by_registry_number_finds_one(qtbot, page, school):
    target = page.ctx.index.matching(school.account, StudentFilter())[17]
    qtbot.keyClicks(page.search, target.registry_no.lower())
    assert shown_ids(page) == [target.id]
    page.search.setText("没有这个人")
    assert page.model.rowCount() == 0
    assert page.count_label.text() == "没有符合条件的学生。"


def test_filter_by_class_grade_tag(qtbot, page, school):
    from app.school.classes import find_class

    cls = find_class(school.db, "八年级（1）班")
    assert cls is not None
    page.select_class(cls.id)
    rows = [page.model.entry(r) for r in range(page.model.rowCount())]
    assert rows and all(e.class_id == cls.id for e in rows)
    assert page.model.data(page.model.index(0, 4)) == "八年级（1）班"
    page.class_combo.setCurrentIndex(0)  # all classes of grade 8
    assert {page.model.entry(r).grade for r in range(page.model.rowCount())} == {8}
    page.grade_combo.setCurrentIndex(0)
    tagged = [e for e in page.ctx.index.matching(school.account, StudentFilter()) if e.all_tags]
    assert tagged
    tag = sorted(tagged[0].all_tags)[0]
    page.tag_combo.setCurrentIndex(page.tag_combo.findData(tag))
    assert tagged[0].id in shown_ids(page)
    assert all(tag in page.model.entry(r).all_tags for r in range(page.model.rowCount()))


def test_warning_level_cell_is_coloured(qtbot, school):
    from app import capability
    from app.archive import students as st
    from ui.archive.models import LEVEL_COLORS
    from ui.archive.page import StudentsPage
    from ui.shell.context import AppContext

    taken = st.warning_levels(school.db)  # levels the screening capability already gives (demo data)
    ids = [e.id for e in st.StudentIndex(school.db).entries if e.id not in taken][:3]

    def levels(db):  # stands in for the screening capability
        return {ids[0]: 1, ids[1]: 2, ids[2]: 3}

    test_levels = capability.Capability("test_levels", "测试", warning_levels=levels)
    with capability.installed(capability.current().extended(test_levels)):
        page = StudentsPage(AppContext(school))
        qtbot.addWidget(page)
        page.level_combo.setCurrentIndex(page.level_combo.findData(1))
        shown = shown_ids(page)
        assert ids[0] in shown and ids[1] not in shown and ids[2] not in shown
        assert {page.model.data(page.model.index(r, page.model.COL_LEVEL)) for r in range(len(shown))} == {"一级"}
        idx = page.model.index(shown.index(ids[0]), page.model.COL_LEVEL)
        assert page.model.data(idx) == "一级"
        assert page.model.data(idx, Qt.ItemDataRole.BackgroundRole).color() == LEVEL_COLORS[1]


def test_enter_opens_archive_and_escape_returns(qtbot, page, school):
    target = page.ctx.index.matching(school.account, StudentFilter())[5]
    qtbot.keyClicks(page.search, target.registry_no)
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    assert page.showing_archive()
    assert page.archive.name_label.text() == target.name
    qtbot.keyClick(page.archive.tabs, Qt.Key.Key_Escape)
    assert not page.showing_archive()
    page.ctx.open_student.emit(target.id)
    assert page.showing_archive()
    page.archive.back_button.click()
    assert not page.showing_archive()
    page.search.clear()
    page.table.selectRow(2)
    second = page.model.entry(2)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)  # Enter on the selected row
    assert page.showing_archive() and page.archive.student.id == second.id
    page.show_list()
    page.focus_search()
    assert page.search.hasFocus() or not page.isActiveWindow()


def test_left_students_hidden_unless_asked(qtbot, page, school):
    target = page.ctx.index.matching(school.account, StudentFilter())[3]
    with school.db.transaction():  # a graduate, as the roster import marks them
        school.db.execute("UPDATE students SET status = '毕业' WHERE id = :id", {"id": target.id})
    page.ctx.reload_index()
    page.search.setText(target.registry_no)
    assert shown_ids(page) == []
    page.include_left.setChecked(True)
    assert shown_ids(page) == [target.id]
    assert "毕业" in page.model.data(page.model.index(0, 1))


def test_head_teacher_sees_only_own_class(qtbot, head_teacher):
    from ui.archive.page import StudentsPage
    from ui.shell.context import AppContext

    page = StudentsPage(AppContext(head_teacher))
    qtbot.addWidget(page)
    rows = [page.model.entry(r) for r in range(page.model.rowCount())]
    assert rows and {e.class_id for e in rows} == {head_teacher.account.class_id}
    assert page.import_button.isHidden()
    assert "一生一策" not in page.archive.tab_titles()
