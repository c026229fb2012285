"""备份: back up now, back up to a chosen folder (a USB stick), the list of backups, restore, how many to keep."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from app import backups
from app.backups import COUNTED_TABLES, BackupInfo, backup_key, inspect_backup, list_backups
from app.errors import WrongPassword
from ui.settings.common import cell, make_table
from ui.shell import dialogs, tasks
from ui.shell.context import AppContext, Change


def counts_text(info: BackupInfo) -> str:
    return "，".join(f"{label} {info.counts.get(t, 0)}" for t, label in COUNTED_TABLES.items() if t in info.counts)


class BackupTab(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        lay = QVBoxLayout(self)
        intro = QLabel("关闭心桥时会自动备份（每天最多一次），备份文件同样加密，并在写入后打开校验。"
                       "建议定期备份到 U 盘，并把 U 盘放在安全的地方。")
        intro.setWordWrap(True)
        lay.addWidget(intro)
        row = QHBoxLayout()
        self.now_button = QPushButton("立即备份")
        self.usb_button = QPushButton("备份到文件夹（U 盘）…")
        self.restore_button = QPushButton("从备份恢复…")
        self.now_button.clicked.connect(self.backup_now)
        self.usb_button.clicked.connect(self.backup_to_folder)
        self.restore_button.clicked.connect(self.restore)
        for b in (self.now_button, self.usb_button, self.restore_button):
            row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)
        box = QGroupBox("本机的备份")
        box_lay = QVBoxLayout(box)
        self.folder_label = QLabel(str(ctx.session.paths.backups))
        self.folder_label.setWordWrap(True)
        box_lay.addWidget(self.folder_label)
        self.table = make_table(["备份时间", "学校", "记录数", "文件"], stretch=2)
        box_lay.addWidget(self.table)
        keep_row = QHBoxLayout()
        keep_row.addWidget(QLabel("保留最近的备份份数："))
        self.keep = QSpinBox()
        self.keep.setRange(1, 365)
        keep_row.addWidget(self.keep)
        keep_row.addStretch(1)
        box_lay.addLayout(keep_row)
        lay.addWidget(box, 1)
        self.backups: list[BackupInfo] = []
        self.keep.valueChanged.connect(self._keep_changed)
        ctx.unlocked.connect(self.refresh)
        ctx.data_changed.connect(lambda change: self.refresh() if change is Change.BACKUPS else None)
        self.refresh()

    def refresh(self) -> None:
        if self.ctx.session.locked:
            return
        self.keep.blockSignals(True)
        self.keep.setValue(backups.keep_count(self.ctx.session))
        self.keep.blockSignals(False)
        self.backups = list_backups(self.ctx.session.paths.backups)
        self.table.setRowCount(len(self.backups))
        for r, b in enumerate(self.backups):
            for c, v in enumerate((b.made_at.replace("T", " "), b.school, counts_text(b), b.path.name)):
                self.table.setItem(r, c, cell(v))

    def _keep_changed(self, value: int) -> None:
        backups.set_keep_count(self.ctx.session, value)

    def _done(self, info: BackupInfo) -> None:
        self.ctx.data_changed.emit(Change.BACKUPS)
        dialogs.inform(self, "备份完成", f"备份已写入并校验通过：\n{info.path}\n{counts_text(info)}")

    def backup_now(self) -> tasks.Task:
        session = self.ctx.session
        return tasks.run_task(self, lambda _p: backups.backup_now(session), self._done,
                              label="正在备份并校验……")

    def backup_to_folder(self) -> tasks.Task | None:
        folder = dialogs.choose_folder(self, "选择备份位置（例如 U 盘）")
        if not folder:
            return None
        session = self.ctx.session
        return tasks.run_task(self, lambda _p: backups.backup_now(session, Path(folder)), self._done,
                              label="正在备份到所选文件夹……")

    # -- restore -----------------------------------------------------------------------------------
    def restore(self) -> tasks.Task | None:
        start = str(self.ctx.session.paths.backups)
        path = dialogs.open_file(self, "选择要恢复的备份文件", start, "心桥备份 (xinqiao-*.db);;所有文件 (*)")
        if not path:
            return None
        session = self.ctx.session
        key = session.key

        def inspect(_p: tasks.Progress) -> tuple[BackupInfo, bytes]:
            return inspect_backup(Path(path), key), key

        return tasks.run_task(self, inspect, self._confirm_restore, lambda e: self._other_key(e, Path(path)),
                              label="正在检查备份……")

    def _other_key(self, exc: BaseException, path: Path) -> None:
        """A backup made under another key (e.g. another machine): open it with its own key-slot copy."""
        if not isinstance(exc, WrongPassword):
            from ui.shell.errors import show_error

            show_error(self, exc)
            return
        session = self.ctx.session
        pw = dialogs.get_text(self, "打开备份", f"这份备份使用了不同的密钥。请输入账号“{session.account.username}”"
                              "在备份当时的密码：", password=True)
        if not pw:
            return
        user, paths = session.account.username, session.paths

        def inspect(_p: tasks.Progress) -> tuple[BackupInfo, bytes]:
            key = backup_key(path, paths, user, pw)
            return inspect_backup(path, key), key

        tasks.run_task(self, inspect, self._confirm_restore, label="正在检查备份……")

    def _confirm_restore(self, result: tuple[BackupInfo, bytes]) -> None:
        info, key = result
        text = (f"备份时间：{info.made_at.replace('T', ' ')}\n学校：{info.school}\n{counts_text(info)}\n\n"
                "恢复后，当前的数据库会原样移到 quarantine 文件夹（不会删除），此后录入的内容需要重新补录。\n"
                "恢复完成后请重新登录。确定恢复吗？")
        if not dialogs.ask(self, "从备份恢复", text, yes="恢复"):
            return
        win = self.window()
        restore_from = getattr(win, "restore_from", None)
        if callable(restore_from):
            restore_from(info, key)
