"""The set-up wizard end to end: a real vault is created and the recovery code opens it."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWizard

from app.policy import can_manage_school
from app.session import open_session, vault_exists
from app.store.keyslots import KeySlots
from tests.conftest import PASSWORD
from tests.ui.conftest import wait_tasks
from ui.shell import dialogs
from ui.shell.setup_wizard import SetupWizard


def _fill(wizard: SetupWizard) -> None:
    sp, ap = wizard.school_page, wizard.account_page
    sp.name_edit.setText("育才中学")
    sp.code_edit.setText("3301")
    sp.stage_boxes["junior"].setChecked(True)
    sp.stage_boxes["senior"].setChecked(True)
    wizard.next()
    assert wizard.currentPage() is wizard.folder_page   # the data folder, shown (it may be changed there)
    assert wizard.folder_page.folder_edit.text() == str(wizard.data_dir)
    wizard.next()
    assert wizard.currentPage() is ap
    ap.user_edit.setText("wang")
    ap.display_edit.setText("王老师")
    ap.password_edit.setText(PASSWORD)


def test_wizard_creates_the_vault_and_shows_the_recovery_code(qtbot, data_dir, tmp_path, monkeypatch):
    import ui.shell.removable

    monkeypatch.setattr(ui.shell.removable, "LINUX_MOUNT_BASES", (str(tmp_path / "no-media"),))  # no USB stick
    wizard = SetupWizard(data_dir)
    qtbot.addWidget(wizard)
    wizard.show()
    assert not wizard.school_page.isComplete()
    _fill(wizard)
    ap = wizard.account_page
    assert "密码强度" in ap.strength.text()
    ap.again_edit.setText(PASSWORD + "x")
    assert not ap.isComplete() and "不一致" in ap.error_label.text()
    ap.again_edit.setText(PASSWORD)
    assert ap.isComplete()

    wizard.next()  # creates the vault off the UI thread, then moves on by itself
    wait_tasks(qtbot)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.recovery_page)
    assert vault_exists(data_dir)
    code = wizard.recovery_page.code_label.text()
    assert code == wizard.recovery_code and len(code.replace("-", "")) == 24

    # The code really opens the vault through its own key slot.
    session = wizard.session
    assert session is not None
    assert KeySlots.load(session.paths.keyslots).unlock_recovery(code) == session.key

    # Finish needs the "written down" box; cancel is refused now that the vault exists.
    finish = wizard.button(QWizard.WizardButton.FinishButton)
    assert not finish.isEnabled()
    assert not wizard.button(QWizard.WizardButton.CancelButton).isEnabled()
    dialogs.preanswer(None)
    wizard.reject()
    assert wizard.isVisible()

    pdf = tmp_path / "code.pdf"
    dialogs.preanswer(True, str(pdf))      # no removable disk: saving on this PC only after a warning
    assert wizard.save_pdf() == pdf and pdf.stat().st_size > 1000
    assert "没有找到 U 盘" in dialogs.shown[-2].text

    wizard.recovery_page.confirm.setChecked(True)
    assert finish.isEnabled()
    with qtbot.waitSignal(wizard.created) as created:
        finish.click()
    assert created.args[0] is session
    from app.school.profile import get_school

    school = get_school(session.db)
    assert (school.name, school.code, school.stages) == ("育才中学", "3301", ["junior", "senior"])
    assert session.account.username == "wang" and can_manage_school(session.account)
    session.close()
    open_session(data_dir, "wang", PASSWORD).close()


def test_wizard_reports_an_existing_vault_inline(qtbot, session):
    wizard = SetupWizard(session.paths.root)
    qtbot.addWidget(wizard)
    wizard.show()
    _fill(wizard)
    wizard.account_page.again_edit.setText(PASSWORD)
    wizard.next()
    wait_tasks(qtbot)
    assert wizard.currentPage() is wizard.account_page
    assert "已经有心桥数据" in wizard.account_page.error_label.text()
    assert wizard.session is None


def _created_wizard(qtbot, data_dir) -> SetupWizard:
    wizard = SetupWizard(data_dir)
    qtbot.addWidget(wizard)
    wizard.show()
    _fill(wizard)
    wizard.account_page.again_edit.setText(PASSWORD)
    wizard.next()
    wait_tasks(qtbot)
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.recovery_page)
    return wizard


def test_weak_passwords_are_refused_with_the_rule_that_failed(qtbot, data_dir):
    wizard = SetupWizard(data_dir)
    qtbot.addWidget(wizard)
    wizard.show()
    _fill(wizard)
    ap = wizard.account_page
    for weak, words in (("1", "至少需要 10 个"), ("woaini1314", "太常见"), ("Wang-2026-ok", "账号名“wang”"),
                        ("育才中学-2026-ab", "学校名称"), ("abcdefghijkl", "只用了一类字符")):
        ap.password_edit.setText(weak)
        ap.again_edit.setText(weak)
        assert not ap.isComplete(), weak
        assert words in ap.error_label.text(), (weak, ap.error_label.text())
    ap.password_edit.setText(PASSWORD)
    ap.again_edit.setText(PASSWORD)
    assert ap.isComplete() and ap.error_label.text() == ""
    assert not vault_exists(data_dir)


def test_the_recovery_pdf_is_suggested_on_a_usb_stick_and_a_fixed_disk_is_warned_about(qtbot, data_dir, tmp_path,
                                                                                      monkeypatch):
    import ui.shell.removable

    media = tmp_path / "media"
    stick = media / "teacher" / "KINGSTON"
    stick.mkdir(parents=True)
    monkeypatch.setattr(ui.shell.removable, "LINUX_MOUNT_BASES", (str(media),))
    monkeypatch.setattr(ui.shell.removable, "is_mount", lambda p: p == str(stick))
    wizard = _created_wizard(qtbot, data_dir)
    try:
        dialogs.preanswer(None)                    # the save dialog is cancelled
        assert wizard.save_pdf() is None
        assert dialogs.shown[-1].kind == "save_file" and dialogs.shown[-1].text == str(stick / "心桥恢复码.pdf")

        on_pc = tmp_path / "desktop" / "code.pdf"
        on_pc.parent.mkdir()
        dialogs.preanswer(str(on_pc), False)       # chosen on this PC's disk, then "取消" at the warning
        assert wizard.save_pdf() is None and not on_pc.exists()
        assert "这台电脑自己的磁盘" in dialogs.shown[-1].text

        dialogs.preanswer(str(stick / "心桥恢复码.pdf"))  # on the stick: no warning
        assert wizard.save_pdf() == stick / "心桥恢复码.pdf"
        assert dialogs.shown[-1].kind == "save_file"
    finally:
        wizard.recovery_page.confirm.setChecked(True)   # so closing the wizard at teardown is not refused
        assert wizard.session is not None
        wizard.session.close()


def test_the_wizard_shows_its_steps_and_the_logo(qtbot, data_dir):
    wizard = SetupWizard(data_dir)
    qtbot.addWidget(wizard)
    wizard.show()
    steps = wizard.steps
    assert [label.text() for label in steps.labels] == ["1  学校", "2  数据文件夹", "3  第一个账号", "4  恢复码"]
    assert steps.current() == 0 and steps.labels[0].property("step") == "current"
    assert not steps.logo.pixmap().isNull() and not wizard.windowIcon().isNull()   # the app's logo
    wizard.school_page.name_edit.setText("育才中学")
    wizard.next()
    assert steps.current() == 1 and steps.labels[0].text().startswith("✓")
    assert steps.labels[0].property("step") == "done" and steps.labels[2].property("step") == "todo"
    wizard.back()
    assert steps.current() == 0


def test_a_data_folder_on_the_system_drive_warns_about_restore_cards():
    from ui.shell.setup_wizard import system_drive_warning

    warning = system_drive_warning(r"C:\Users\wang\AppData\Local\XinQiao", system_drive="C:")
    assert "还原卡" in warning and "冰点" in warning and "D 盘" in warning and r"D:\心桥数据" in warning
    assert system_drive_warning(r"c:\xinqiao", system_drive="C:")   # any case
    assert system_drive_warning(r"D:\心桥数据", system_drive="C:") == ""
    assert system_drive_warning(r"E:\data", system_drive="E:")     # the system drive, whichever it is
    assert system_drive_warning("/home/wang/.local/share/XinQiao") == ""   # no drive letters


def test_the_folder_page_shows_the_warning_for_the_chosen_folder(qtbot, data_dir, monkeypatch):
    import ui.shell.setup_wizard as sw

    monkeypatch.setattr(sw, "system_drive_warning", lambda folder: "系统盘警告" if str(folder).startswith("C") else "")
    wizard = SetupWizard(data_dir)
    qtbot.addWidget(wizard)
    page = wizard.folder_page
    assert page.warning.isHidden() and page.folder_edit.text() == str(data_dir)
    dialogs.preanswer(r"C:\XinQiao")
    page.choose()
    assert not page.warning.isHidden() and page.warning.text() == "系统盘警告"
    assert wizard.data_dir == Path(r"C:\XinQiao")
    page.set_folder(data_dir)
    assert page.warning.isHidden() and wizard.data_dir == data_dir


def test_the_strength_hint_agrees_with_the_password_rules(qtbot, data_dir):
    wizard = SetupWizard(data_dir)
    qtbot.addWidget(wizard)
    wizard.school_page.name_edit.setText("育才中学")
    ap = wizard.account_page
    ap.user_edit.setText("wang")
    for typed, words in (("abc", "太短"), ("wang-2026-secret!", "账号名"), ("password1234", "常见")):
        ap.password_edit.setText(typed)
        assert "不可用" in ap.strength.text() and words in ap.strength.text(), (typed, ap.strength.text())
        assert ap.strength.property("tone") == "strength0"
    ap.password_edit.setText(PASSWORD)
    assert ap.problem() == "" and "不可用" not in ap.strength.text() and "密码强度" in ap.strength.text()
    assert ap.strength.property("tone") != "strength0"
    ap.password_edit.setText("")
    assert ap.strength.text() == ""
