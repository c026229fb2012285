"""宿舍 in the archive's 基本信息: 设置宿舍… sets a boarder's building and room through the network's ``set_dorm``
(the room then counts on the network page), a whole “9号楼 901” or “901室” is read as the roster import reads it,
half a room is refused in the dialog, 清除宿舍 clears it, and a head teacher sees the room without the button."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from app.archive.students import StudentFilter, StudentIndex, get_student
from app.network.people import dorm_of, list_rooms, rooms_without_informant

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def make_page(qtbot, session):
    from ui.archive.page import StudentsPage
    from ui.shell.context import AppContext

    page = StudentsPage(AppContext(session))
    qtbot.addWidget(page)
    page.resize(1200, 760)
    page.show()
    return page


def class_students(session, class_id: int) -> list[int]:
    index = StudentIndex(session.db)
    return [e.id for e in index.matching(session.account, StudentFilter(class_id=class_id))]


def room(session) -> list[tuple[str, int]]:
    return [(r.label, r.residents) for r in list_rooms(session) if r.label == "9号楼 901"]


def save(dlg) -> None:
    dlg.buttons.button(QDialogButtonBox.StandardButton.Save).click()


def test_set_and_clear_a_room_from_the_archive(qtbot, school, head_teacher):
    first, second = class_students(school, head_teacher.account.class_id)[:2]
    page = make_page(qtbot, school)
    page.show_student(first)
    profile = page.archive.profile
    assert profile.dorm.text() == "—" and profile.dorm_button.isVisible()

    dlg = profile.open_dorm_dialog()
    assert dlg is not None and dlg.windowTitle().startswith("设置宿舍")
    assert not dlg.clear_button.isVisible()          # nothing to clear yet
    dlg.building.setText("火星")                     # half a room: refused in the dialog, nothing written
    save(dlg)
    assert dlg.isVisible() and "同时填写楼栋和房间号" in dlg.error.text()
    assert dorm_of(school, first) is None
    dlg.building.setText("9号楼")
    dlg.room.setText("９０１室")                      # full-width digits and 室, as paper forms write them
    save(dlg)
    assert not dlg.isVisible()
    assert dorm_of(school, first) == ("9号楼", "901")
    assert profile.dorm.text() == "9号楼 901"
    assert get_student(school.db, school.account, first).boarding
    assert profile.notice.text() == "宿舍已更新。"

    # an informant is told that moving out ends their service to the room
    from app.network.people import appoint_informant

    appoint_informant(school, first, "2026-09-01")
    dlg = profile.open_dorm_dialog()
    assert "该生是 9号楼 901 的宿舍心理信息员" in dlg.hint.text()
    dlg.reject()

    # the second student, typed whole in the building field, lands in the same room
    page.show_student(second)
    dlg = profile.open_dorm_dialog()
    dlg.building.setText("9号楼 901")
    qtbot.keyClick(dlg.building, Qt.Key.Key_Return)   # Enter saves
    assert room(school) == [("9号楼 901", 2)]
    assert "9号楼 901" not in [r.label for r in rooms_without_informant(school)]

    # the head teacher of the class sees the room, and no button
    from ui.archive.page import StudentsPage
    from ui.shell.context import AppContext

    ht_page = StudentsPage(AppContext(head_teacher))
    qtbot.addWidget(ht_page)
    ht_page.show()
    ht_page.show_student(second)
    assert ht_page.archive.profile.dorm.text() == "9号楼 901"
    assert not ht_page.archive.profile.dorm_button.isVisible()
    assert ht_page.archive.profile.open_dorm_dialog() is None

    # clearing: the room keeps only the first student
    page.show_student(second)
    dlg = profile.open_dorm_dialog()
    assert dlg.building.text() == "9号楼" and dlg.room.text() == "901" and dlg.clear_button.isVisible()
    dlg.clear_button.click()
    assert dorm_of(school, second) is None and profile.dorm.text() == "—"
    assert room(school) == [("9号楼 901", 1)]
