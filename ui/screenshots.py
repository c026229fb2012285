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


def render_all(out: Path, n_students: int = 600) -> list[Path]:
    from app.archive.students import StudentFilter
    from ui.pages import PAGES
    from ui.shell import tasks
    from ui.shell.application import make_app, make_demo_vault
    from ui.shell.main_window import MainWindow
    from ui.shell.setup_wizard import SetupWizard

    make_app()
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    folder = Path(tempfile.mkdtemp(prefix="xinqiao-shots-"))
    try:
        wizard = SetupWizard(folder / "new")
        wizard.resize(720, 520)
        wizard.show()
        wizard.school_page.name_edit.setText("阳光实验学校")
        wizard.school_page.stage_boxes["junior"].setChecked(True)
        written.append(grab(wizard, out / "setup-wizard.png"))
        wizard.close()

        session = make_demo_vault(folder / "vault", n_students)
        _more_demo_records(session)
        win = MainWindow(session, auto_backup=False, pages=PAGES)
        win.resize(*SIZE)
        win.show()
        for page, name in (("workbench", "workbench"), ("students", "students")):
            if win.show_page(page):
                written.append(grab(win, out / f"{name}.png"))
        students = win.pages.get("students")
        if students is not None and hasattr(students, "show_student"):
            entries = [e for e in win.ctx.index.matching(session.account, StudentFilter()) if e.all_tags]
            if entries:
                win.ctx.open_student.emit(entries[0].id)
                tasks.wait_idle(10)
                _settle(20)
                written.append(grab(win, out / "archive.png"))
                if hasattr(students, "show_list"):
                    students.show_list()
        for page_id in win.page_ids():  # every other page, as capabilities add them
            if page_id not in ("workbench", "students", "settings") and win.show_page(page_id):
                written.append(grab(win, out / f"{page_id}.png"))
        if win.show_page("settings"):
            settings = win.pages["settings"]
            for tab, name in (("学校", "settings-school"), ("账号", "settings-accounts"),
                              ("备份", "settings-backup"), ("审计日志", "settings-audit")):
                if hasattr(settings, "show_tab"):
                    settings.show_tab(tab)
                    written.append(grab(win, out / f"{name}.png"))
        from ui.shell.about import AboutDialog

        about = AboutDialog(win)
        about.show()
        written.append(grab(about, out / "about.png"))
        about.close()
        win.show_page("workbench")
        win.lock()
        written.append(grab(win, out / "unlock.png"))
        win.close()
        tasks.wait_idle(10)
        session.close()
    finally:
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
