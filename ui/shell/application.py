"""The window's start-up parts: the QApplication (bundled CJK font, Qt's own zh_CN translations), the shell that
shows the set-up wizard or the unlock screen and then the main window, and the demo vault. ``ui.app`` runs them
with the declared pages."""
from __future__ import annotations

import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication, QWidget

from app import backups
from app.archive.students import StudentIndex
from app.school.setup import create_vault
from app.session import Session, VaultPaths
from ui.shell import dialogs, tasks
from ui.shell.about import app_icon
from ui.shell.fonts import apply_app_font
from ui.shell.main_window import MainWindow
from ui.shell.page import Page
from ui.shell.setup_wizard import SetupWizard
from ui.shell.theme import apply_theme
from ui.shell.unlock import UnlockWidget, ask_integrity_restore

DEMO_PASSWORD = "xinqiao-2026!"
SCREENSHOT_SIZE = (1280, 800)
_translators: list[QTranslator] = []


def keep_none_alive() -> bool:
    """Work around a refcount bug of PySide6 6.12 on CPython 3.11: every call of a Qt method that returns
    ``void`` (``setText``, ``processEvents`` ...) drops one reference to ``None`` without having taken it, so after
    a few thousand such calls CPython aborts with "none_dealloc: deallocating None". Python 3.12 made ``None``
    immortal; on 3.11 we give it a reference count no session can exhaust. Returns True if applied.

    pyproject.toml excludes 6.12 (6.11 is correct); this guard is for an environment that installed it anyway."""
    import PySide6

    if (sys.implementation.name != "cpython" or sys.version_info >= (3, 12)
            or not PySide6.__version__.startswith("6.12.")):
        return False
    import ctypes

    refcnt = ctypes.c_ssize_t.from_address(id(None))
    if refcnt.value < 1 << 40:
        refcnt.value += 1 << 40
    return True


keep_none_alive()  # before any widget exists: importing this module is the window's first step


def setup_app(app: QApplication) -> None:
    """Font, theme, translations and locale; idempotent (tests call it on pytest-qt's QApplication)."""
    keep_none_alive()
    from ui.shell.tasks import collect_on_ui_thread

    collect_on_ui_thread(app)   # no automatic collection on a worker or inside a Qt destructor
    app.setApplicationName("XinQiao")
    app.setWindowIcon(app_icon())
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    apply_app_font(app)
    apply_theme(app)
    if not _translators:
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        for name in ("qtbase_zh_CN", "qt_zh_CN"):
            tr = QTranslator(app)
            if tr.load(name, folder):
                app.installTranslator(tr)
                _translators.append(tr)
                break


def make_app() -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    setup_app(app)
    return app


class Shell:
    """Holds the top-level windows of one run: wizard or unlock screen first, then the main window."""

    def __init__(self, data_dir: Path, user: str = "", *, pages: Sequence[Page] = (),
                 watch_os_lock: bool = True) -> None:
        self.data_dir = Path(data_dir)
        self.pages = pages
        self.paths = VaultPaths(self.data_dir)
        self.user = user
        self.watch_os_lock = watch_os_lock
        self.window: MainWindow | None = None
        self.wizard: SetupWizard | None = None
        self.unlock: UnlockWidget | None = None

    def start(self) -> QWidget:
        if self.paths.exists() or self.paths.keyslots.exists():
            # Key slots without a database: the vault was set aside; signing in offers the newest backup.
            return self.show_unlock()
        wizard = SetupWizard(self.data_dir)
        wizard.created.connect(self._set_up)
        wizard.show()
        self.wizard = wizard
        return wizard

    def _set_up(self, session: Session) -> None:
        if self.wizard is not None and self.wizard.data_dir != self.data_dir:   # chosen on the folder page
            self.data_dir = self.wizard.data_dir
            self.paths = VaultPaths(self.data_dir)
        self.open_main(session)

    def show_unlock(self) -> UnlockWidget:
        w = UnlockWidget(self.data_dir, self.user or os.environ.get("XINQIAO_USER", ""),
                         prepare=lambda s: StudentIndex(s.db))
        w.setWindowTitle("心桥 · 登录")
        w.resize(560, 420)
        w.signed_in.connect(self.open_main)
        w.integrity_failed.connect(self.offer_restore)
        if not self.paths.db.exists():
            w.subtitle.setText("数据库文件不在原处（可能因校验未通过已被隔离）。登录后可从最近的备份恢复。")
        w.show()
        w.focus_password()
        self.unlock = w
        return w

    def open_main(self, session: Session, index: StudentIndex | None = None) -> MainWindow:
        prepared = self.unlock.prepared if self.unlock is not None else None
        if index is None and isinstance(prepared, StudentIndex):
            index = prepared  # built on the sign-in worker, not here on the UI thread
        self.window = MainWindow(session, watch_os_lock=self.watch_os_lock, index=index, pages=self.pages)
        self.window.show()
        self.window.show_security_notices()
        settle_garbage_collector()
        for w in (self.wizard, self.unlock):
            if w is not None:
                w.close()
                w.deleteLater()
        self.wizard = self.unlock = None
        return self.window

    def offer_restore(self, user: str, password: str, message: str) -> None:
        parent = self.unlock
        paths = self.paths

        def found(result: tuple[backups.BackupInfo, bytes] | None) -> None:
            if result is None:
                dialogs.error(parent, "无法打开数据库",
                              f"{message}\n\n在 {paths.backups} 中没有找到能用此账号密码打开并通过校验的备份。"
                              "原数据库已原样保存在 quarantine 文件夹中，没有被删除。请联系技术支持。")
                return
            info, key = result
            if not ask_integrity_restore(parent, message, info.describe()):
                return

            def restore(_p: tasks.Progress) -> tuple[Session, StudentIndex]:
                from app.session import open_session

                backups.restore(info.path, key, paths, account=user)
                session = open_session(paths.root, user, password)
                return session, StudentIndex(session.db)

            def restored(result: tuple[Session, StudentIndex]) -> None:
                dialogs.inform(parent, "已恢复", f"已从 {info.made_at} 的备份恢复。此后录入的内容需要重新补录。")
                self.open_main(*result)

            tasks.run_task(parent, restore, restored, label="正在从备份恢复……")

        tasks.run_task(parent, lambda _p: backups.newest_verified_backup(paths, user, password), found,
                       label="正在查找可用的备份……")


def make_demo_vault(folder: Path, n_students: int = 600) -> Session:
    from app.demo import populate_school

    session, _code = create_vault(folder, school_name="阳光实验学校", school_code="3301020001",
                                  stages=["primary", "junior"], username="demo", display_name="李老师",
                                  password=DEMO_PASSWORD)
    populate_school(session, n_students)
    return session


def pick_screenshot_page(window: MainWindow) -> None:
    for page in ("students", "workbench"):
        if page in window.pages and page not in window.page_errors:
            window.show_page(page)
            return


def render_window(window: MainWindow, path: Path, size: tuple[int, int] = SCREENSHOT_SIZE) -> Path:
    window.resize(*size)
    window.show()
    app = QApplication.instance()
    for _ in range(5):
        if app is not None:
            app.processEvents()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(path), "PNG"):
        raise OSError(f"无法写入截图 {path}")
    return path


def settle_garbage_collector() -> None:
    """Move the objects of start-up (Qt wrappers, modules, the student index) out of the collector's reach.

    A full collection walks every tracked object while holding the interpreter lock, so with 20,000 students
    in memory one pass stalled the UI thread ~50 ms even when the allocation happened on a worker; frozen, the
    pass is ~9 ms (measured in bench/bench_screening.py's first-show rows). Freezing costs nothing itself."""
    gc.freeze()
