"""安全: the idle-lock time."""
from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from app.preferences import idle_lock_minutes, set_idle_lock_minutes
from ui.shell.context import AppContext, Change


class SecurityTab(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.idle = QSpinBox()
        self.idle.setRange(1, 240)
        self.idle.setSuffix(" 分钟")
        form.addRow("无操作多久后自动锁定", self.idle)
        lay.addLayout(form)
        note = QLabel("按 Ctrl+L 或工具栏的“锁定”可随时锁定；系统锁屏时心桥也会锁定（在系统提供此信息时）。"
                      "锁定时打开的对话框会隐藏，解锁后原样恢复；从心桥复制到剪贴板的内容会被清除。"
                      "正在填写的内容停止输入约 1 秒后就加密保存为草稿（锁定和关闭时立即保存），断电后也能找回。")
        note.setWordWrap(True)
        lay.addWidget(note)
        lay.addStretch(1)
        self.idle.valueChanged.connect(self._changed)
        ctx.unlocked.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        if self.ctx.session.locked:
            return
        self.idle.blockSignals(True)
        self.idle.setValue(int(idle_lock_minutes(self.ctx.session)))
        self.idle.blockSignals(False)

    def _changed(self, value: int) -> None:
        set_idle_lock_minutes(self.ctx.session, value)
        self.ctx.data_changed.emit(Change.SETTINGS)
