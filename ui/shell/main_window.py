"""The main window: left navigation of the pages, a stack, a toolbar (锁定, 备份), the status bar, and locking.

Locking keeps every page widget alive (the workspace is only hidden behind the unlock screen) and hides open
dialogs to show them again after unlocking, so text typed into an unsaved form is still there; every form's draft
is saved to the vault first (``ui.shell.forms``).
"""
from __future__ import annotations

import html
import sys
import time
import traceback
from collections.abc import Callable, Sequence

import shiboken6
from PySide6.QtCore import QByteArray, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtPrintSupport import QAbstractPrintDialog
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressDialog,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app import backups
from app.accounts.model import Account
from app.archive.students import StudentIndex
from app.policy import can_manage_school
from app.preferences import idle_lock_minutes
from app.school.profile import get_school
from app.search import SearchHit
from app.session import Session
from ui.shell import clipboard, dialogs, forms, tasks
from ui.shell.context import AppContext, Change
from ui.shell.header import install_header
from ui.shell.idle import IdleWatcher, OsLockWatcher
from ui.shell.page import Page
from ui.shell.theme import icon
from ui.shell.unlock import UnlockWidget

# Dialogs that run their own modal loop (a question, a file or print dialog, the crash report): a lock rejects them.
# Every other dialog is a form or a view opened with ``open()``: a lock hides it and shows it again after unlock.
_MODAL_LOOPS: tuple[type, ...] = (QMessageBox, QFileDialog, QInputDialog, QProgressDialog, QAbstractPrintDialog)


def close_dialogs() -> int:
    """Reject every visible question, file dialog and popup (a lock must not leave data on screen)."""
    closed = 0
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return 0
    popup = app.activePopupWidget()
    while popup is not None:
        popup.close()
        nxt = app.activePopupWidget()
        if nxt is popup:
            break
        popup = nxt
    for w in app.topLevelWidgets():
        if isinstance(w, QMenu) and w.isVisible():
            w.close()
    # Innermost (most recently opened) first, so nested modal loops unwind in order.
    for w in reversed(app.topLevelWidgets()):
        if isinstance(w, QDialog) and w.isVisible() and (isinstance(w, _MODAL_LOOPS) or _runs_own_loop(w)):
            w.reject()
            closed += 1
    return closed


def _runs_own_loop(w: QDialog) -> bool:
    from ui.shell.errors import CrashDialog

    return isinstance(w, CrashDialog)


def hide_dialogs() -> list[QDialog]:
    """Hide every other visible dialog (forms and views opened with ``open()``), outermost first: what they hold
    stays in their widgets (and each form's draft in the vault) until ``show_dialogs`` brings them back."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return []
    held = [w for w in app.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()]
    for w in reversed(held):
        w.hide()
    return held


def show_dialogs(held: list[QDialog]) -> None:
    """Show the dialogs a lock hid, as they were, the last one on top."""
    import shiboken6

    for w in held:
        if shiboken6.isValid(w) and not w.isVisible():
            w.show()


def error_placeholder(title: str, exc: BaseException) -> QWidget:
    w = QWidget()
    lay = QVBoxLayout(w)
    label = QLabel(f"<h3>“{html.escape(title)}”页面无法打开</h3><p>{html.escape(str(exc))}</p>"
                   "<p>其他页面不受影响。请把下面的信息告诉技术支持人员。</p>")
    label.setWordWrap(True)
    lay.addWidget(label)
    detail = QLabel("<pre>" + html.escape("".join(traceback.format_exception(exc))[-3000:]) + "</pre>")
    detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    lay.addWidget(detail)
    lay.addStretch(1)
    w.setObjectName("pageError")
    return w


class _LazyPages(dict):
    """``pages[page_id]`` builds a page the first time it is asked for."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__()
        self.window = window

    def __missing__(self, page_id: str) -> QWidget:
        if page_id not in self.window._page_decls:
            raise KeyError(page_id)
        widget = self.window._build_page(page_id)
        self[page_id] = widget
        return widget


class MainWindow(QMainWindow):
    def __init__(self, session: Session, *, idle_clock: Callable[[], float] = time.monotonic,
                 lockout_clock: Callable[[], float] | None = None, watch_os_lock: bool = False,
                 auto_backup: bool = True, demo_note: str = "", pages: Sequence[Page] = (),
                 index: StudentIndex | None = None) -> None:
        super().__init__()
        self.session = session
        self.ctx = AppContext(session, self)
        if index is not None:
            # Built off the UI thread right after sign-in (~150 ms at 20,000 students): the pages created below
            # use it instead of building it here.
            self.ctx.set_index(index)
        self.lockout_clock = lockout_clock
        self.auto_backup = auto_backup
        self.demo_note = demo_note
        self._close_ok = False
        self._reload_after_unlock = False
        self.school = get_school(session.db)
        self.setWindowTitle(f"心桥 · {self.school.name}" if self.school.name else "心桥")
        self.resize(1280, 800)
        self.setMinimumSize(QSize(900, 600))

        # -- workspace: navigation + pages ---------------------------------------------------------
        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setFixedWidth(176)
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.stack = QStackedWidget()
        self.workspace = QWidget()
        row = QHBoxLayout(self.workspace)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.nav)
        row.addWidget(self.stack, 1)
        self.outer = QStackedWidget()
        self.outer.addWidget(self.workspace)
        self.setCentralWidget(self.outer)
        self.unlock_widget: UnlockWidget | None = None

        self.pages: dict[str, QWidget] = _LazyPages(self)
        self.page_titles: dict[str, str] = {}
        self._page_decls: dict[str, Page] = {}
        self._source_pages: dict[str, str] = {}  # search source -> the id of the page that opens its hits
        self._draft_pages: dict[str, str] = {}   # a draft key's first part -> the id of the page of its form
        self._holders: dict[str, QWidget] = {}
        self.page_errors: dict[str, BaseException] = {}
        self._load_pages(pages)
        self.nav.currentRowChanged.connect(self._show_row)

        # -- toolbar, shortcuts, status bar --------------------------------------------------------
        self.toolbar = QToolBar("工具栏")
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toolbar.setIconSize(QSize(18, 18))
        self.addToolBar(self.toolbar)
        self.lock_action = QAction(icon("lock"), "锁定", self)
        self.lock_action.setToolTip("锁定心桥（Ctrl+L）")
        self.lock_action.triggered.connect(lambda: self.lock())
        self.backup_action = QAction(icon("database-export"), "备份", self)
        self.backup_action.setToolTip("立即备份到本机的备份文件夹")
        self.backup_action.triggered.connect(self.backup_now)
        self.search_action = QAction(icon("search"), "查找学生", self)
        self.search_action.setToolTip("查找学生（Ctrl+K）")
        self.search_action.triggered.connect(self.focus_student_search)
        self.about_action = QAction(icon("info-circle"), "关于", self)
        self.about_action.setToolTip("关于心桥：版本和许可协议")
        self.about_action.triggered.connect(self.show_about)
        for a in (self.search_action, self.backup_action, self.lock_action, self.about_action):
            self.toolbar.addAction(a)
        self.backup_action.setVisible(can_manage_school(session.account))  # backups are a manager's (as on the command line)
        QShortcut(QKeySequence("Ctrl+L"), self, lambda: self.lock())
        QShortcut(QKeySequence("Ctrl+K"), self, self.focus_student_search)

        self.school_label = QLabel()
        self.account_label = QLabel()
        self.statusBar().addWidget(self.school_label)
        self.statusBar().addPermanentWidget(self.account_label)
        self._update_status()

        # -- signals, idle lock ---------------------------------------------------------------------
        self.ctx.open_student.connect(self._open_student)
        self.ctx.show_page.connect(self.show_page)
        self.ctx.open_crisis_case.connect(self._open_crisis_case)
        self.ctx.open_crisis_step.connect(lambda c, s: self._call_page("crisis", "open_case_at_step", c, s))
        self.ctx.open_case_from_alert.connect(lambda a: self._call_page("crisis", "open_case_from_alert", a))
        self.ctx.open_held_results.connect(lambda: self._call_page("screening", "open_held_results"))
        self.ctx.open_letter.connect(lambda r: self._call_page("letters", "open_request", r))
        self.ctx.open_hit.connect(self.open_hit)
        self.ctx.open_draft.connect(self.open_draft)
        self.ctx.data_changed.connect(self._data_changed)
        self.idle = IdleWatcher(self._idle_minutes(), clock=idle_clock, parent=self)
        self.idle.idle.connect(lambda: self.lock("因长时间未操作，心桥已自动锁定。"))
        self.idle.lock_key.connect(lambda: self.lock())   # Ctrl+L inside any dialog
        self._held_dialogs: list[QDialog] = []
        clipboard.watch()
        self.idle.start()
        self.os_lock: OsLockWatcher | None = None
        if watch_os_lock:
            self.os_lock = OsLockWatcher(self)
            self.os_lock.locked.connect(lambda: self.lock("系统锁屏时，心桥已同时锁定。"))
            if sys.platform == "win32":
                self.os_lock.watch_window(int(self.winId()))  # WTS session notices come to this window
        if self.nav.count():
            self.nav.setCurrentRow(0)

    # -- pages -------------------------------------------------------------------------------------
    def _load_pages(self, pages: Sequence[Page]) -> None:
        """Every page gets its navigation entry now; pages not declared ``eager`` are built the first time they
        are shown (or asked for through ``self.pages``), so start-up does not pay for all of them at once."""
        mode = "centre" if self.session.is_centre else "school"
        for decl in pages:
            page_id, title = decl.id, decl.title
            if mode not in decl.modes or not decl.available(self.session.account):
                continue  # e.g. a 管理员 has no 个案与谈话 page
            if page_id in self._page_decls:
                raise ValueError(f"page {page_id!r} is declared twice")
            self.page_titles[page_id] = title
            self._page_decls[page_id] = decl
            for source in decl.search_sources:
                self._source_pages[source] = page_id
            for form in decl.draft_forms:
                if form in self._draft_pages:
                    raise ValueError(f"draft forms {form!r} are declared by two pages")
                self._draft_pages[form] = page_id
            holder = QWidget()
            QVBoxLayout(holder).setContentsMargins(14, 10, 14, 6)
            self._holders[page_id] = holder
            self.stack.addWidget(holder)
            item = QListWidgetItem(icon(decl.icon), title)
            item.setData(Qt.ItemDataRole.UserRole, page_id)
            item.setSizeHint(QSize(150, 40))
            self.nav.addItem(item)
            if decl.eager:
                self.pages[page_id]

    def _build_page(self, page_id: str) -> QWidget:
        decl = self._page_decls[page_id]
        title = self.page_titles[page_id]
        try:
            widget = decl.factory(self.ctx)
            if not isinstance(widget, QWidget):
                raise TypeError(f"the factory of page {page_id!r} returned {type(widget).__name__}, not a QWidget")
        except Exception as e:  # noqa: BLE001 - one broken page must not take the window down
            self.page_errors[page_id] = e
            widget = error_placeholder(title, e)
        install_header(widget, title, decl.icon)  # the one page pattern (ui/shell/header.py)
        layout = self._holders[page_id].layout()
        assert layout is not None
        layout.addWidget(widget)
        return widget

    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        page_id = self.page_ids()[row]
        self.pages[page_id]  # build it on first show
        self.stack.setCurrentIndex(row)

    def page_ids(self) -> list[str]:
        return [self.nav.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.nav.count())]

    def current_page_id(self) -> str:
        item = self.nav.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item else ""

    def show_page(self, page_id: str) -> bool:
        ids = self.page_ids()
        if page_id not in ids:
            return False
        self.nav.setCurrentRow(ids.index(page_id))
        return True

    def _open_student(self, _student_id: int) -> None:
        self.show_page("students")

    def _call_page(self, page_id: str, name: str, *args: object) -> None:
        """Show a page and call one of its methods (a request from another page, through the context)."""
        if self.locked or not self.show_page(page_id):
            return
        fn = getattr(self.pages[page_id], name, None)
        if callable(fn):
            fn(*args)

    def _open_crisis_case(self, student_id: int) -> None:
        if self.locked or not self.show_page("crisis"):
            return
        fn = getattr(self.pages["crisis"], "open_case_for_student", None)
        if callable(fn):
            fn(student_id)

    def page_for_source(self, source: str) -> str | None:
        """The id of the page that opens search hits of ``source`` (from the page declarations), if it is shown."""
        return self._source_pages.get(source)

    def open_hit(self, hit: SearchHit) -> None:
        """A search hit opens on the page that owns its source, and stays there; a source no page owns opens the
        student's archive."""
        if self.locked:
            return
        page_id = self.page_for_source(hit.source)
        if page_id is not None and self.show_page(page_id):
            opener = getattr(self.pages[page_id], "open_hit", None)
            if callable(opener):
                opener(hit)
            return
        if hit.students:
            self.ctx.open_student.emit(hit.students[0].id)

    def open_draft(self, form_key: str, student_id: object = None) -> bool:
        """A draft from the 工作台: the page that owns its form opens the form (which refills from the draft); a
        form no page owns opens the student's archive. True if a page took it."""
        if self.locked:
            return False
        page_id = self._draft_pages.get(form_key.split(":", 1)[0])
        if page_id is not None and self.show_page(page_id):
            opener = getattr(self.pages[page_id], "open_draft", None)
            if callable(opener):
                opener(form_key, student_id if isinstance(student_id, int) else None)
                return True
        if isinstance(student_id, int):
            self.ctx.open_student.emit(student_id)
        return False

    def focus_student_search(self) -> None:
        if self.locked or not self.show_page("students"):
            return
        fn = getattr(self.pages["students"], "focus_search", None)
        if callable(fn):
            fn()

    def _data_changed(self, change: Change) -> None:
        if change is Change.SETTINGS and not self.session.locked:
            self.idle.set_minutes(self._idle_minutes())
            self.school = get_school(self.session.db)
            self.setWindowTitle(f"心桥 · {self.school.name}" if self.school.name else "心桥")
            self._update_status()

    def _idle_minutes(self) -> float:
        return idle_lock_minutes(self.session)

    def _update_status(self) -> None:
        acc: Account = self.session.account
        school = self.school.name + (f"（{self.school.code}）" if self.school.code else "")
        self.school_label.setText(f"学校：{school}" + (f"    {self.demo_note}" if self.demo_note else ""))
        self.account_label.setText(f"账号：{acc.label}（{acc.username}） · {acc.role_label}"
                                   + (" · 管理" if acc.manager and acc.role.value != "admin" else ""))

    def show_about(self) -> None:
        from ui.shell.about import AboutDialog

        AboutDialog(self).exec()

    # -- locking -----------------------------------------------------------------------------------
    @property
    def locked(self) -> bool:
        return self.session.locked

    def lock(self, message: str = "") -> bool:
        """Save drafts, hide dialogs (questions are rejected), clear our clipboard, drop the key, show the unlock
        screen. Never asks anything."""
        if self.session.locked:
            return False
        if tasks.running() and (self.unlock_widget is None or not self.unlock_widget.busy):
            # Wait for a backup or import to finish: closing the database under it would fail it.
            QTimer.singleShot(300, lambda: self.lock(message))
            return False
        self.ctx.locking.emit()
        forms.save_all(self.session)   # every open form's draft, at once
        close_dialogs()
        self._held_dialogs = hide_dialogs()
        clipboard.clear_if_ours()
        self.idle.stop()
        self._focus_before_lock = QApplication.focusWidget()
        self.session.lock()
        if self.unlock_widget is None:
            self.unlock_widget = UnlockWidget(self.session.paths.root, session=self.session,
                                              lockout_clock=self.lockout_clock, prepare=self._prepare_unlocked)
            self.unlock_widget.signed_in.connect(self._unlocked)
            self.outer.addWidget(self.unlock_widget)
        self.unlock_widget.setEnabled(True)
        self.unlock_widget.reset_for_relock(message + (f"\n{self.demo_note}" if self.demo_note else ""))
        self.toolbar.hide()
        self.outer.setCurrentWidget(self.unlock_widget)
        self.unlock_widget.password_edit.setFocus()
        return True

    def show_security_notices(self) -> list[str]:
        """What sign-in found (audit rows cut since the last checkpoint, dropped triggers, a recovery code to
        renew), shown once as a warning after unlock; returns what was shown."""
        shown = list(self.session.notices)
        self.session.notices.clear()
        for notice in shown:
            dialogs.warn(self, "安全提示", notice)
        return shown

    def _prepare_unlocked(self, session: Session) -> None:
        """On the unlock worker: after a restore the vault's students differ, so rebuild the index there."""
        if self._reload_after_unlock:
            self.ctx.index.reload(session.db)

    def _unlocked(self, _session: Session) -> None:
        self.outer.setCurrentWidget(self.workspace)
        self.toolbar.show()
        self._update_status()
        self.idle.start()
        if self._reload_after_unlock:
            self._reload_after_unlock = False
            self.school = get_school(self.session.db)
            self._update_status()
            self.ctx.data_changed.emit(Change.STUDENTS)  # the index was rebuilt on the unlock worker
        self.ctx.unlocked.emit()
        held, self._held_dialogs = self._held_dialogs, []
        show_dialogs(held)
        self.show_security_notices()
        focus = getattr(self, "_focus_before_lock", None)
        self._focus_before_lock = None
        # the field that had focus may be gone (its dialog was deleted while locked)
        if isinstance(focus, QWidget) and shiboken6.isValid(focus) and focus.isVisible():
            focus.setFocus()

    # -- backups -----------------------------------------------------------------------------------
    def backup_now(self) -> None:
        if self.session.locked or not can_manage_school(self.session.account):
            return
        session = self.session

        def done(info: backups.BackupInfo) -> None:
            self.statusBar().showMessage(f"备份完成：{info.path.name}", 8000)
            self.ctx.data_changed.emit(Change.BACKUPS)

        tasks.run_task(self, lambda _p: backups.backup_now(session), done, label="正在备份并校验……")

    def restore_from(self, info: backups.BackupInfo, key: bytes) -> tasks.Task | None:
        """Lock (pages save drafts, the key is dropped), replace the vault with the backup, ask to sign in again."""
        paths, user = self.session.paths, self.session.account.username
        if not self.lock("正在从备份恢复……"):
            return None
        assert self.unlock_widget is not None
        unlock = self.unlock_widget
        unlock.setEnabled(False)
        self._reload_after_unlock = True

        def done(_result: object) -> None:
            unlock.setEnabled(True)
            unlock.reset_for_relock(f"已从 {info.made_at.replace('T', ' ')} 的备份恢复。请重新登录。")
            unlock.password_edit.setFocus()

        def failed(exc: BaseException) -> None:
            from ui.shell.errors import show_error

            unlock.setEnabled(True)
            unlock.reset_for_relock("恢复没有完成。请重新登录后再试。")
            show_error(self, exc)

        return tasks.run_task(self, lambda _p: backups.restore(info.path, key, paths, account=user), done, failed,
                              label="正在从备份恢复……")

    def nativeEvent(self, event_type: QByteArray | bytes, message: object) -> tuple[bool, int]:  # noqa: N802 - Qt API
        """Windows' session-lock notice (WM_WTSSESSION_CHANGE / WTS_SESSION_LOCK) locks the app."""
        if self.os_lock is not None:
            self.os_lock.native_event(bytes(event_type), message)  # type: ignore[arg-type]
        return False, 0

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        if self._close_ok or self.session.locked:
            self._shutdown()
            event.accept()
            return
        self.ctx.locking.emit()  # pages save their drafts
        forms.save_all(self.session)
        if self.auto_backup and backups.auto_backup_due(self.session.paths):
            event.ignore()
            session = self.session

            def finish(_result: object = None) -> None:
                self._close_ok = True
                self.close()

            def failed(exc: BaseException) -> None:
                from ui.shell.errors import show_error

                show_error(self, exc)
                finish()

            tasks.run_task(self, lambda _p: backups.run_auto_backup(session), finish, failed,
                           label="正在自动备份……")
            return
        self._shutdown()
        event.accept()

    def _shutdown(self) -> None:
        tasks.wait_idle(30)  # a backup, import or read still running finishes before the database closes
        self.idle.shutdown()
        if self.os_lock is not None:
            self.os_lock.unwatch_window()
        clipboard.clear_if_ours()
        self.session.close()
