"""A reason asked before an action (修改原因, 删除原因): a form of ``ui.shell.forms`` rather than a blocking
``get_text`` prompt, so a lock hides it and gives it back with the text, a restart offers the draft, and Esc asks
before the text goes.

The caller passes ``write(reason)``, which does the action; a refused write (``XinqiaoError``) keeps the dialog open
with the reason and says why underneath. Opened with ``show()``; ``done`` is emitted with the value ``write``
returned once it went through."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QPlainTextEdit, QWidget

from app.session import Session
from ui.shell.write_dialog import WriteDialog


class ReasonDialog(WriteDialog):
    draft_label = "原因"

    def __init__(self, session: Session, key: str, title: str, prompt: str, write: Callable[[str], Any], *,
                 label: str = "", confidential: bool = True, ok: str = "确定", placeholder: str = "",
                 required: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(title, write, prompt=prompt, label=label, confidential=confidential, min_width=460,
                         parent=parent)
        self.required = required
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("reason")
        self.reason.setTabChangesFocus(True)
        self.reason.setMaximumHeight(110)
        self.reason.setPlaceholderText(placeholder)
        self.body.addWidget(self.reason)
        self.finish(session, key, ok)

    def collect(self) -> tuple[str, str]:
        text = self.reason.toPlainText().strip()
        return text, "请写明原因。" if not text and self.required else ""
