"""设置: backups (now, to a folder, restore with a preview and sign-in again), accounts, idle minutes, audit."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.accounts.model import Role
from app.accounts.store import get_account
from app.school.calendar import list_semesters
from app.store.backup import list_backups
from app.store.settings import get_setting, set_setting
from tests.conftest import PASSWORD
from tests.ui.conftest import wait_tasks
from ui.pages import page as declared
from ui.shell import dialogs
from ui.shell.main_window import MainWindow


def make_window(qtbot, session) -> MainWindow:
    win = MainWindow(session, auto_backup=False, pages=[declared("settings")])
    qtbot.addWidget(win)
    win.show()
    return win


def test_backup_now_to_a_folder_and_restore(qtbot, session, tmp_path):
    win = make_window(qtbot, session)
    page = win.pages["settings"]
    tab = page.backup
    assert tab is not None and tab.keep.value() == 30
    dialogs.preanswer(None)  # the "backup done" message
    tab.backup_now()
    wait_tasks(qtbot)
    assert tab.table.rowCount() == 1 and "学生" in tab.table.item(0, 2).text()
    assert dialogs.shown[-1].title == "备份完成"
    usb = tmp_path / "usb"
    dialogs.preanswer(str(usb), None)
    tab.backup_to_folder()
    wait_tasks(qtbot)
    assert len(list_backups(usb)) == 1

    # Change something after the backup, then restore the backup.
    set_setting(session.db, "idle_lock_minutes", 42)
    backup = list_backups(session.paths.backups)[0]
    dialogs.preanswer(str(backup.path), True)
    tab.restore()
    wait_tasks(qtbot)
    question = dialogs.shown[-1]
    assert question.title == "从备份恢复" and "学生 0" in question.text and "账号 1" in question.text
    wait_tasks(qtbot)
    assert session.locked and win.unlock_widget is not None
    qtbot.waitUntil(lambda: win.unlock_widget.isEnabled())
    assert "已从" in win.unlock_widget.subtitle.text()
    assert list((session.paths.quarantine).glob("before-restore-*"))
    win.unlock_widget.password_edit.setText(PASSWORD)
    win.unlock_widget.attempt()
    wait_tasks(qtbot)
    assert not session.locked
    assert get_setting(session.db, "idle_lock_minutes") == 10


def test_restore_can_be_declined(qtbot, session):
    win = make_window(qtbot, session)
    tab = win.pages["settings"].backup
    dialogs.preanswer(None)
    tab.backup_now()
    wait_tasks(qtbot)
    dialogs.preanswer(str(list_backups(session.paths.backups)[0].path), False)
    tab.restore()
    wait_tasks(qtbot)
    assert not session.locked and not session.paths.quarantine.exists()


def test_add_disable_and_change_password_of_accounts(qtbot, school):
    win = make_window(qtbot, school)
    tab = win.pages["settings"].accounts
    dlg = tab.add_account()
    dlg.user.setText("teacher9")
    dlg.display.setText("赵老师")
    dlg.role.setCurrentIndex(dlg.role.findData(Role.HEAD_TEACHER.value))
    assert dlg.klass.isEnabled()
    dlg.klass.setCurrentIndex(1)
    dlg.pw.new.setText("Teacher-9-password!")
    dlg.pw.again.setText("Teacher-9-password!")
    dlg.submit()
    wait_tasks(qtbot)
    acc = get_account(school.db, "teacher9")
    assert acc is not None and acc.role == Role.HEAD_TEACHER and acc.class_id == dlg.klass.currentData()
    assert any(tab.table.item(r, 0).text() == "teacher9" for r in range(tab.table.rowCount()))

    tab.select_user("teacher9")
    assert tab.toggle_button.text() == "停用"
    dialogs.preanswer(True, False)               # disable; decline the rekey offered right after
    tab.toggle_disabled()
    assert dialogs.shown[-1].title == "更换密钥"
    assert get_account(school.db, "teacher9").disabled
    from app.store.keyslots import KeySlots

    assert "teacher9" not in KeySlots.load(school.paths.keyslots).slots   # disabling removed its key slot
    tab.select_user("teacher9")
    assert tab.toggle_button.text() == "启用"
    enable = tab.toggle_disabled()               # enabling again asks for a new password
    assert enable is not None and enable.enable
    enable.pw.new.setText("123456789a")
    enable.pw.again.setText("123456789a")
    enable.submit()
    assert "太常见" in enable.error.text()
    assert get_account(school.db, "teacher9").disabled
    enable.pw.new.setText("Teacher-9-again-2027")
    enable.pw.again.setText("Teacher-9-again-2027")
    enable.submit()
    wait_tasks(qtbot)
    assert not get_account(school.db, "teacher9").disabled
    assert KeySlots.load(school.paths.keyslots).unlock("teacher9", "Teacher-9-again-2027") == school.key

    tab.select_user("counselor")
    assert not tab.toggle_button.isEnabled()  # not one's own account
    pw = tab.change_password()
    pw.pw.new.setText("Another-password-1!")
    pw.pw.again.setText("Another-password-1!")
    dialogs.preanswer(None)
    pw.submit()
    wait_tasks(qtbot)
    assert KeySlots.load(school.paths.keyslots).unlock("counselor", "Another-password-1!") == school.key


def test_head_teacher_sees_no_account_list_or_backups(qtbot, head_teacher):
    win = make_window(qtbot, head_teacher)
    page = win.pages["settings"]
    assert page.backup is None and page.audit is None and page.security is None
    assert page.accounts.table.isHidden() and page.accounts.password_button.text() == "修改我的密码…"
    # the page's primary action for an account that keeps no backups: its own password, in the page header
    assert page.page_header.primary is page.accounts.password_button
    assert page.accounts.password_button.property("role") == "primary"


def test_idle_minutes_semesters_and_audit(qtbot, school):
    win = make_window(qtbot, school)
    page = win.pages["settings"]
    page.security.idle.setValue(3)
    assert get_setting(school.db, "idle_lock_minutes") == 3 and win.idle.timeout == 180

    sem = list_semesters(school.db)[-1]
    start, end = page.school.date_edits[sem.id]
    start.setDate(start.date().addDays(-3))
    assert page.school.save_semesters() == 1
    assert list_semesters(school.db)[-1].start_date < sem.start_date

    audit = page.audit
    audit.refresh()
    wait_tasks(qtbot)
    labels = {audit.table.item(r, 2).text() for r in range(audit.table.rowCount())}
    assert "设置" in labels and "账号管理" in labels
    audit.verify()
    wait_tasks(qtbot)
    assert audit.last_result is not None and audit.last_result.ok
    assert "校验通过" in audit.result_label.text()
    assert Path(school.paths.db).exists()


def test_staff_are_added_edited_and_marked_left_and_classes_get_head_teachers(qtbot, school):
    from app.school.classes import find_class, list_classes
    from app.school.staff import list_staff, psych_teachers

    win = make_window(qtbot, school)
    tab = win.pages["settings"].school
    part_time = psych_teachers(school.db)["psych_parttime"]  # the demo school has its own staff
    dlg = tab.add_staff()
    dlg.name.setText("")
    dlg.submit()
    assert dlg.isVisible() and "姓名" in dlg.error.text()  # nothing written, said why
    dlg.name.setText("孙丽")
    dlg.role.setCurrentIndex(dlg.role.findData("psych_parttime"))
    dlg.submit()
    assert not dlg.isVisible()
    assert [(m.name, m.role) for m in list_staff(school.db) if m.name == "孙丽"] == [("孙丽", "psych_parttime")]
    assert f"兼职 {part_time + 1} 人" in tab.staff_summary.text()

    tab.select_staff("孙丽")
    edit = tab.edit_staff()
    assert edit is not None and edit.name.text() == "孙丽"
    edit.role.setCurrentIndex(edit.role.findData("psych_fulltime"))
    edit.phone.setText("13800000000")
    edit.submit()
    assert psych_teachers(school.db)["psych_fulltime"] >= 1 and "专职" in tab.staff_summary.text()
    row = next(r for r in range(tab.staff_table.rowCount()) if tab.staff_table.item(r, 0).text() == "孙丽")
    assert tab.staff_table.item(row, 1).text() == "专职心理教师"

    # a head teacher for 七年级（1）班 from the staff list
    add = tab.add_staff()
    add.name.setText("钱老师")
    add.role.setCurrentIndex(add.role.findData("head_teacher"))
    add.submit()
    cls = find_class(school.db, "7.1")
    r = next(r for r in range(tab.classes.rowCount()) if tab.classes.item(r, 0).text() == cls.name)
    combo = tab.classes.cellWidget(r, 1)
    i = combo.findText("钱老师")             # the name alone; the post on hover
    assert i > 0 and combo.itemData(i, Qt.ItemDataRole.ToolTipRole) == "班主任"
    combo.setCurrentIndex(i)
    assert find_class(school.db, "初一1班").head_teacher == "钱老师"

    tab.select_staff("孙丽")
    dialogs.preanswer(True)
    tab.toggle_staff()
    assert not next(m for m in list_staff(school.db) if m.name == "孙丽").active
    assert tab.toggle_staff_button.text() == "恢复为在职"

    # a class by any written form; the same class twice is refused with a reason
    n = len(list_classes(school.db))
    assert tab.add_class("初三4班")
    assert len(list_classes(school.db)) == n + 1 and find_class(school.db, "9.4") is not None
    # no stale editors drawn over the tables: exactly one head-teacher box per class row, two dates per semester
    # row, each in its cell (before any deferred deletion runs)
    from PySide6.QtWidgets import QComboBox, QDateEdit

    combos = [w for w in tab.classes.viewport().findChildren(QComboBox) if not w.isHidden()]
    assert len(combos) == tab.classes.rowCount() == n + 1
    assert {id(w) for w in combos} == {id(tab.classes.cellWidget(r, 1)) for r in range(tab.classes.rowCount())}
    dates = [w for w in tab.semesters.viewport().findChildren(QDateEdit) if not w.isHidden()]
    assert len(dates) == 2 * tab.semesters.rowCount()
    dialogs.preanswer(None)
    assert not tab.add_class("九年级（4）班")
    assert "已经存在" in dialogs.shown[-1].text
    # 添加班级 asks in a form a lock gives back: a refused name stays in it with the reason, a good one is written
    dlg = tab.ask_add_class()
    assert dlg.isVisible() and dlg.draft_key == "settings:class:new"
    dlg.fill("九年级（4）班")
    assert not dlg.save() and dlg.isVisible() and "已经存在" in dlg.error.text()
    assert dlg.values() == ["九年级（4）班"]
    dlg.fill("初三5班")
    assert dlg.save() and not dlg.isVisible() and find_class(school.db, "9.5") is not None
    assert tab.classes.rowCount() == n + 2
    audit = [e.detail for e in __import__("app.audit", fromlist=["recent"]).recent(school.db, 50, "settings")]
    assert any("孙丽" in d for d in audit) and any("初三" in d or "九年级" in d for d in audit)


def test_the_school_tab_shows_the_code_and_stages_from_set_up(qtbot, data_dir):
    from app.school.setup import create_vault

    s, _ = create_vault(data_dir, school_name="育才中学", school_code="3702030001", stages=["junior", "senior"],
                        username="wang", password=PASSWORD)
    try:
        win = make_window(qtbot, s)
        tab = win.pages["settings"].school
        assert tab.code_label.text() == "3702030001" and tab.stages_label.text() == "初中、高中"
        assert "3702030001" in win.school_label.text()
    finally:
        s.close()


def test_school_name_code_and_stages_are_corrected_in_the_window(qtbot, school):
    from app.audit import recent
    from app.school.profile import get_school

    win = make_window(qtbot, school)
    tab = win.pages["settings"].school
    dlg = tab.edit_school()
    dlg.name.setText("")
    dlg.submit()
    assert dlg.isVisible() and "不能为空" in dlg.error_label.text()
    assert get_school(school.db).name == "测试学校"  # nothing written
    dlg.name.setText("阳光第二实验学校")
    dlg.code.setText("3702040002")
    for key, box in dlg.stage_boxes.items():
        box.setChecked(key == "senior")
    dlg.submit()
    assert not dlg.isVisible()
    assert get_school(school.db).name == "阳光第二实验学校" and get_school(school.db).stages == ["senior"]
    assert tab.name_label.text() == "阳光第二实验学校" and tab.stages_label.text() == "高中"
    assert win.windowTitle() == "心桥 · 阳光第二实验学校" and "3702040002" in win.school_label.text()
    assert any(e.action == "settings" and e.target == "school" for e in recent(school.db, 20))


def test_a_head_teacher_cannot_change_the_school(head_teacher):
    from app.errors import PermissionDenied
    from app.school.profile import update_school

    with pytest.raises(PermissionDenied):
        update_school(head_teacher, "别的学校", "", ["junior"])


def test_holidays_and_make_up_days_are_added_and_removed_with_errors_inline(qtbot, school):
    from PySide6.QtCore import QDate, Qt

    from app.school.holidays import list_holidays

    win = make_window(qtbot, school)
    tab = win.pages["settings"].school
    dlg = tab.add_holiday()
    dlg.name.setText("国庆节")
    dlg.start.setDate(QDate(2026, 10, 7))
    dlg.end.setDate(QDate(2026, 10, 1))
    qtbot.keyClick(dlg.name, Qt.Key.Key_Return)  # Enter submits; the reason is shown in the dialog
    assert dlg.isVisible() and "不能早于开始日期" in dlg.error.text() and list_holidays(school.db) == []
    dlg.start.setDate(QDate(2026, 10, 1))
    dlg.end.setDate(QDate(2026, 10, 7))
    dlg.submit()
    assert not dlg.isVisible()
    assert [tab.holiday_table.item(0, c).text() for c in range(4)] == ["国庆节", "2026-10-01", "2026-10-07", "放假"]

    over = tab.add_holiday()
    over.name.setText("中秋节")
    over.start.setDate(QDate(2026, 10, 5))
    over.end.setDate(QDate(2026, 10, 6))
    over.submit()
    assert over.isVisible() and "重叠" in over.error.text() and "国庆节" in over.error.text()
    dialogs.preanswer(True)    # 取消 over typed input asks first (issue 10)
    over.reject()
    assert dialogs.shown[-1].title == "放弃未保存的内容？" and not over.isVisible()

    mk = tab.add_holiday()
    mk.name.setText("国庆调休")
    mk.start.setDate(QDate(2026, 10, 10))
    mk.makeup.setChecked(True)
    assert mk.end.date() == QDate(2026, 10, 10)  # the end follows a later start
    mk.submit()
    assert [(h.name, h.makeup) for h in list_holidays(school.db)] == [("国庆节", False), ("国庆调休", True)]
    assert tab.selected_holiday() is not None and tab.selected_holiday().name == "国庆调休"
    assert tab.holiday_table.item(1, 3).text() == "调休上课"

    tab.select_holiday("国庆调休")
    tab.holiday_table.setFocus()
    dialogs.preanswer(True)
    qtbot.keyClick(tab.holiday_table, Qt.Key.Key_Delete)  # Delete on the list removes, after asking
    assert [h.name for h in list_holidays(school.db)] == ["国庆节"] and tab.holiday_table.rowCount() == 1
    assert tab.selected_holiday() is None and not tab.remove_holiday_button.isEnabled()


def test_a_head_teacher_account_changes_class_in_the_window(qtbot, school):
    from app.accounts.admin import add_account
    from app.accounts.store import get_account
    from app.school.classes import find_class

    add_account(school, "sun", "Bright-teacher-2026!", Role.HEAD_TEACHER, class_id=find_class(school.db, "7.1").id)
    win = make_window(qtbot, school)
    tab = win.pages["settings"].accounts
    tab.refresh()
    tab.select_user("counselor")
    assert not tab.class_button.isEnabled()  # only a 班主任 account has a class
    tab.select_user("sun")
    assert tab.class_button.isEnabled()
    dialogs.preanswer("八年级（1）班")
    assert tab.change_class()
    assert get_account(school.db, "sun").class_id == find_class(school.db, "8.1").id
    row = next(r for r in range(tab.table.rowCount()) if tab.table.item(r, 0).text() == "sun")
    assert tab.table.item(row, 3).text() == "八年级（1）班"


def test_rekey_is_offered_after_disabling_and_the_recovery_code_can_be_renewed(qtbot, session):
    from app.accounts.admin import add_account
    from app.store.db import open_database
    from app.store.keyslots import KeySlots

    add_account(session, "admin2", "Copper-gate-2026!", Role.ADMIN)
    old = session.key
    win = make_window(qtbot, session)
    tab = win.pages["settings"].accounts
    assert tab.rekey_button.isVisibleTo(tab) and tab.rotate_button.isVisibleTo(tab)
    tab.select_user("admin2")
    dialogs.preanswer(True, True, None)          # disable; accept the rekey; the "done" message
    tab.toggle_disabled()
    assert "和保密数据的密钥" in dialogs.shown[-1].text
    assert session.key != old
    session.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with pytest.raises(Exception, match="密钥"):
        open_database(session.paths.db, old)
    dialogs.preanswer(True, None)
    code = tab.rotate_recovery_code()
    assert code and code in dialogs.shown[-1].text
    assert KeySlots.load(session.paths.keyslots).unlock_recovery_keys(code).confidential == session.conf_key


def test_what_sign_in_found_is_shown_once_after_unlock(qtbot, session):
    session.notices.append("审计日志被截断或改写：测试")
    win = make_window(qtbot, session)
    dialogs.preanswer(None)
    assert win.show_security_notices() == ["审计日志被截断或改写：测试"]
    assert dialogs.shown[-1].kind == "warning" and "截断" in dialogs.shown[-1].text
    assert win.show_security_notices() == []


def test_semester_save_with_a_bad_later_row_writes_nothing(qtbot, school):
    """The semester table saves all rows or none: a bad later row leaves the earlier (good) change unwritten,
    says which semester is wrong, and writes no audit line."""
    from ui.shell import dialogs

    win = make_window(qtbot, school)
    tab = win.pages["settings"].school
    sems = list_semesters(school.db)
    before = [(s.start_date, s.end_date) for s in sems]
    audit_rows = school.db.scalar("SELECT count(*) FROM audit_log")
    first, later = sems[-1], sems[0]          # the table lists the newest semester first
    assert list(tab.date_edits)[0] == first.id and list(tab.date_edits)[-1] == later.id
    start, _ = tab.date_edits[first.id]
    start.setDate(start.date().addDays(-3))                        # a good change in the top row
    later_start, later_end = tab.date_edits[later.id]
    later_start.setDate(later_end.date().addDays(5))               # a lower row starting after it ends
    dialogs.preanswer(None)
    assert tab.save_semesters() == 0
    assert dialogs.shown[-1].kind == "warning" and later.name in dialogs.shown[-1].text
    assert [(s.start_date, s.end_date) for s in list_semesters(school.db)] == before
    assert school.db.scalar("SELECT count(*) FROM audit_log") == audit_rows


def test_a_counselor_grants_the_confidential_key_from_the_accounts_tab(qtbot, session):
    from app.accounts.admin import add_account
    from app.session import open_session
    from app.store.keyslots import KeySlots

    add_account(session, "counselor2", "Second-counselor-2026!", Role.COUNSELOR)
    slots = KeySlots.load(session.paths.keyslots)
    slots.grants["confidential"].pop("counselor2")     # as after an upgrade or a reset by recovery code
    slots.save()
    win = make_window(qtbot, session)
    tab = win.pages["settings"].accounts
    tab.refresh()
    tab.select_user("counselor")
    assert not tab.grant_button.isEnabled()             # not oneself
    tab.select_user("counselor2")
    assert tab.grant_button.isEnabled()
    dialogs.preanswer(None)
    assert tab.grant_key()
    c2 = open_session(session.paths.root, "counselor2", "Second-counselor-2026!")
    assert c2.holds_confidential
    c2.close()


def test_the_local_help_line_is_set_in_the_school_dialog(qtbot, school):
    from app.school.profile import help_lines, local_hotline

    win = make_window(qtbot, school)
    tab = win.pages["settings"].school
    assert "未设置" in tab.hotline_label.text()
    dlg = tab.edit_school()
    dlg.stage_boxes["junior"].setChecked(True)
    dlg.hotline.setText("本地热线")
    dlg.submit()
    assert dlg.isVisible() and "电话号码" in dlg.error_label.text() and local_hotline(school.db) == ""
    dlg.hotline.setText("宁夏心理援助热线 0951-2160707")
    dlg.submit()
    assert not dlg.isVisible()
    assert help_lines(school.db) == ["全国青少年服务台（心理援助）12355", "宁夏心理援助热线 0951-2160707"]
    assert "0951-2160707" in tab.hotline_label.text()
