"""Confidential text behind a click: a cover over a widget that holds confidential text (a plan, a note box), or a
button for a view that hides its confidential parts itself. Someone standing behind the counselor sees nothing by
default; "显示保密内容" shows it and the reveal is audited through ``app.archive.reveal`` (never by the widget)."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from app.archive.reveal import reveal_confidential
from app.errors import XinqiaoError
from app.session import Session
from ui.shell.theme import set_role, set_tone

REVEAL_TEXT = "显示保密内容"
HIDDEN_MARK = "（保密内容已隐藏）"


def reveal(parent: QWidget, session: Session, target: str, what: str) -> bool:
    """Audit the reveal; False (with the reason shown) when it is refused."""
    from ui.shell import dialogs

    try:
        reveal_confidential(session, target, what)
    except XinqiaoError as e:
        dialogs.warn(parent, REVEAL_TEXT, e.message)
        return False
    return True


class ConfidentialCover(QStackedWidget):
    """``content`` shown only after "显示保密内容" (per record or per view: the owner calls ``conceal`` when the
    record changes, and ``show_plainly`` when there is nothing to hide, e.g. a new empty record)."""

    revealed = Signal()

    def __init__(self, content: QWidget, session: Session, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.what = what
        self.target = ""
        self.content = content
        cover = QWidget()
        set_tone(cover, "confidential")
        lay = QVBoxLayout(cover)
        self.note = QLabel(f"{what}属于保密内容，已隐藏。")
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note.setWordWrap(True)
        self.button = QPushButton(REVEAL_TEXT)
        self.button.setToolTip("显示后记入审计日志")
        self.button.clicked.connect(self.reveal)
        lay.addStretch(1)
        lay.addWidget(self.note)
        lay.addWidget(self.button, 0, Qt.AlignmentFlag.AlignHCenter)
        lay.addStretch(1)
        self.cover = cover
        self.addWidget(cover)
        self.addWidget(content)
        self.setCurrentWidget(cover)

    @property
    def shown(self) -> bool:
        return self.currentWidget() is self.content

    def conceal(self, target: str) -> None:
        """Hide again, for the record ``target`` ("case_records:12")."""
        self.target = target
        self.setCurrentWidget(self.cover)

    def show_plainly(self) -> None:
        """Nothing confidential to hide (a new record being typed): no cover, no audit line."""
        self.setCurrentWidget(self.content)

    def reveal(self) -> bool:
        if self.shown:
            return True
        if not reveal(self, self.session, self.target, self.what):
            return False
        self.setCurrentWidget(self.content)
        self.revealed.emit()
        return True


def reveal_button(on_click: Callable[[], object]) -> QPushButton:
    """The per-view button: "显示保密内容", outlined."""
    b = QPushButton(REVEAL_TEXT)
    set_role(b, "outline")
    b.setToolTip("显示本页的保密内容；显示后记入审计日志")
    b.clicked.connect(lambda: on_click())
    return b
