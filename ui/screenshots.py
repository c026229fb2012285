"""Render the main screens of a demo vault to PNGs: ``python -m ui.screenshots docs/screenshots`` (offscreen)."""
from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication, QWidget

from app.session import Session

SIZE = (1280, 800)


def _settle(rounds: int = 8) -> None:
    app = QApplication.instance()
    for _ in range(rounds):
        if app is not None:
            app.processEvents()


def _settle_tasks(timeout: float = 20.0) -> None:
    """Until views that load off the UI thread (ledger, statistics, 工作台, audit log) have filled in: a load is
    often started by a queued call, so wait for a few quiet rounds in a row, not just for no task running."""
    import time

    from ui.shell import tasks

    end = time.monotonic() + timeout
    quiet = 0
    while quiet < 3 and time.monotonic() < end:
        _settle()
        busy = tasks.running() > 0
        tasks.wait_idle(max(0.0, end - time.monotonic()))
        _settle()
        time.sleep(0.02)
        quiet = 0 if busy or tasks.running() else quiet + 1


def grab(widget: QWidget, path: Path) -> Path:
    _settle_tasks()
    if not widget.grab().save(str(path), "PNG"):
        raise OSError(f"cannot write {path}")
    return path


def _more_demo_records(session: Session) -> None:
    """A head teacher, a second counselor and one backup, so the settings tabs are not empty."""
    from app.accounts.admin import add_account
    from app.accounts.model import Role
    from app.backups import backup_now
    from app.school.classes import find_class

    cls = find_class(session.db, "7.1")
    add_account(session, "zhanglaoshi", "Demo-teacher-2026!", Role.HEAD_TEACHER, display_name="张老师",
                class_id=cls.id if cls else None)
    add_account(session, "chenlaoshi", "Demo-counselor-2026!", Role.COUNSELOR, display_name="陈老师")
    backup_now(session)


SIZES = ((1280, 800, ""), (1024, 768, "-1024"))   # every page at both: name.png and name-1024.png


def _close(dialog: QWidget | None) -> None:
    if dialog is not None:
        dialog.hide()
        dialog.deleteLater()
        _settle()


def _shoot_dialog(make, path: Path, written: list[Path]) -> None:
    """Open a dialog through the page's own action and grab it at its own size (a lock would hide it)."""
    from ui.shell import dialogs

    try:
        dialog = make()
    except dialogs.Unanswered:
        return
    if dialog is None:
        return
    dialog.adjustSize()
    dialog.show()
    _settle()
    written.append(grab(dialog, path))
    _close(dialog)


def _wizard_shots(folder: Path, out: Path) -> list[Path]:
    from ui.shell.setup_wizard import SetupWizard

    written: list[Path] = []
    wizard = SetupWizard(folder / "new")
    wizard.resize(760, 520)
    wizard.show()
    wizard.school_page.name_edit.setText("阳光实验学校")
    wizard.school_page.stage_boxes["junior"].setChecked(True)
    written.append(grab(wizard, out / "setup-wizard.png"))
    wizard.next()
    wizard.folder_page.set_folder(Path(r"C:\Users\李老师\AppData\Local\XinQiao"))   # as on a school PC
    written.append(grab(wizard, out / "setup-wizard-folder.png"))
    wizard.folder_page.set_folder(folder / "new")
    wizard.next()
    ap = wizard.account_page
    ap.user_edit.setText("lilaoshi")
    ap.display_edit.setText("李老师")
    ap.password_edit.setText("lilaoshi2026")
    written.append(grab(wizard, out / "setup-wizard-account.png"))
    wizard.close()
    wizard.deleteLater()
    return written


def render_all(out: Path, n_students: int = 600) -> list[Path]:
    from app.archive.students import StudentFilter
    from ui.pages import PAGES
    from ui.shell import dialogs, tasks
    from ui.shell.application import make_app, make_demo_vault
    from ui.shell.main_window import MainWindow

    make_app()
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    folder = Path(tempfile.mkdtemp(prefix="xinqiao-shots-"))
    dialogs.strict = True   # a question no screenshot expects is skipped, never left open
    try:
        written += _wizard_shots(folder, out)

        session = make_demo_vault(folder / "vault", n_students)
        _more_demo_records(session)
        win = MainWindow(session, auto_backup=False, pages=PAGES)
        win.show()
        for width, height, suffix in SIZES:
            win.resize(width, height)
            _settle()
            for page_id in win.page_ids():
                if page_id == "settings" or not win.show_page(page_id):
                    continue
                written.append(grab(win, out / f"{page_id}{suffix}.png"))
                if page_id == "students":
                    students = win.pages["students"]
                    entries = [e for e in win.ctx.index.matching(session.account, StudentFilter()) if e.all_tags]
                    if entries and hasattr(students, "show_student"):
                        win.ctx.open_student.emit(entries[0].id)
                        tasks.wait_idle(10)
                        _settle(20)
                        written.append(grab(win, out / f"archive{suffix}.png"))
                        if hasattr(students, "show_list"):
                            students.show_list()
            if win.show_page("settings"):
                settings = win.pages["settings"]
                for tab, name in (("学校", "settings-school"), ("账号", "settings-accounts"),
                                  ("备份", "settings-backup"), ("审计日志", "settings-audit")):
                    if hasattr(settings, "show_tab"):
                        settings.show_tab(tab)
                        written.append(grab(win, out / f"{name}{suffix}.png"))
        win.resize(*SIZE)
        _settle()
        # the main dialogs, each opened by its page's own action
        pages = win.pages
        if win.show_page("crisis"):
            _shoot_dialog(lambda: pages["crisis"].open_new_case_dialog(), out / "dialog-new-crisis-case.png",
                          written)
        if win.show_page("network"):
            def report() -> QWidget:
                pages["network"].open_report_dialog()
                return pages["network"].report_dialog
            _shoot_dialog(report, out / "dialog-network-report.png", written)
        if win.show_page("courses"):
            def lesson() -> QWidget:
                pages["courses"].open_form("lesson")
                return pages["courses"].form
            _shoot_dialog(lesson, out / "dialog-new-lesson.png", written)
        if win.show_page("students"):
            _shoot_dialog(lambda: pages["students"].open_import_dialog(), out / "dialog-import-roster.png", written)
        if win.show_page("casework"):
            casework = pages["casework"]
            try:
                casework.new_record()
                _settle()
                written.append(grab(win, out / "casework-new-record.png"))
                dialogs.preanswer(True)   # 放弃 the empty form
                casework.cancel_form() if hasattr(casework, "cancel_form") else casework.form.cancel()
            except dialogs.Unanswered:
                pass
            dialogs.reset()
            _settle()
        from ui.shell.about import AboutDialog

        about = AboutDialog(win)
        about.show()
        written.append(grab(about, out / "about.png"))
        about.close()
        win.show_page("workbench")
        for width, height, suffix in SIZES:
            win.resize(width, height)
            for _ in range(50):   # a lock waits for a running load to finish
                if win.locked or win.lock():
                    break
                _settle_tasks()
            written.append(grab(win, out / f"unlock{suffix}.png"))
        win.close()
        tasks.wait_idle(10)
        session.close()
    finally:
        dialogs.strict = False
        dialogs.reset()
        shutil.rmtree(folder, ignore_errors=True)
    return written


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    out = Path(argv[0]) if argv else Path("docs/screenshots")
    from app.capabilities import install_default

    install_default()
    for p in render_all(out):
        print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
