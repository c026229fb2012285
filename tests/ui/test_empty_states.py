"""Empty states that teach (issue 11), on a fresh vault: 学生档案 offers 导入学生名单 and an example file the import
reads; 危机干预 explains what a case is and offers 新建个案; 测评 offers 新建测评 with no blank charts; a one-character
search says why nothing shows."""
from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QPushButton

from app import clock
from ui.shell import dialogs
from ui.shell.context import AppContext

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture(autouse=True)
def _dialogs():
    dialogs.reset()
    dialogs.strict = True
    yield
    dialogs.strict = False
    dialogs.reset()


def _show(qtbot, widget):
    qtbot.addWidget(widget)
    widget.resize(1024, 700)
    widget.show()
    return widget


def disabled_buttons(widget) -> list[str]:
    return [b.text() for b in widget.findChildren(QPushButton) if b.isVisible() and not b.isEnabled()]


def test_a_new_school_is_offered_the_roster_import_and_an_example_file(qtbot, session, tmp_path):
    from app.school.roster_import import preview_roster
    from ui.archive.page import StudentsPage
    from ui.imports.dialog import ImportDialog

    clock.set_fixed(dt.datetime(2026, 9, 7, 9, 0))
    page = _show(qtbot, StudentsPage(AppContext(session)))
    assert page.welcome.isVisible() and not page.table.isVisible()
    assert "学生名单" in page.welcome_text.text() and page.welcome_import.isVisible()
    assert page.welcome_import.text() == "导入学生名单…" and page.welcome_example.isVisible()
    folder = tmp_path / "桌面"
    folder.mkdir()
    dialogs.preanswer(str(folder), None)              # the folder, then "saved"
    path = page.save_example()
    assert path is not None and dialogs.pending() == 0
    preview = preview_roster(session, folder / "学生名单示例.xlsx")  # the import flow reads it as it is
    assert len(preview.new) == 3 and not preview.errors
    assert {c.row.name for c in preview.new} == {"示例甲", "示例乙", "示例丙"}   # no real names
    page.welcome_import.click()
    assert isinstance(page.import_dialog, ImportDialog) and page.import_dialog.isVisible()
    page.import_dialog.reject()
    # a folder that is not there: a Chinese message, no file
    dialogs.preanswer(str(tmp_path / "没有这个文件夹"), None)
    assert page.save_example() is None and "不存在" in dialogs.shown[-1].text


def test_an_empty_crisis_page_explains_and_offers_a_new_case(qtbot, session):
    from ui.crisis.dialogs import OpenCaseDialog
    from ui.crisis.page import CrisisPage

    page = _show(qtbot, CrisisPage(AppContext(session)))
    assert page.right.currentWidget() is page.empty and page.empty.isVisible()
    assert "危机个案记录一名学生" in page.empty_text.text()
    assert not page.view.isVisible() and disabled_buttons(page) == []       # no wall of disabled buttons
    page.empty_new.click()
    assert isinstance(page.dialog, OpenCaseDialog) and page.dialog.isVisible()
    page.dialog.reject()


def test_screening_without_a_campaign_offers_one_and_no_blank_charts(qtbot, session):
    from ui.screening.campaigns import CampaignsTab

    tab = _show(qtbot, CampaignsTab(session))
    assert tab.wait_loaded()
    assert tab.empty.isVisible() and not tab.charts.isVisible() and not tab.progress_view.isVisible()
    assert tab.empty_new.isVisible() and tab.empty_new.text() == "新建测评…"
    assert not tab.combo.isVisible() and disabled_buttons(tab) == []


def test_a_one_character_search_says_why_nothing_shows(qtbot, session):
    from ui.casework.search_box import SearchBox

    box = _show(qtbot, SearchBox(lambda: session))
    box.edit.setText("失")
    box.run()
    assert box.results.count() == 0 and "至少输入两个字" in box.info.text()
    box.edit.setText("")
    box.run()
    assert box.info.text() == ""
