"""How a file of named records leaves the window: encrypted with the export password, or plain by choice.

The password is asked at the first export (twice, so a typing mistake does not lock the counselor out of their own
file), kept in memory for the session and forgotten when the window locks (``Session.on_lock``); it is never
written anywhere. Leaving the password empty offers the plain export, which needs an explicit "不加密导出" after
the warning. A .csv cannot be encrypted: it is always a plain export, with the same warning.
"""
from __future__ import annotations

import weakref
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from app.errors import InputRejected
from app.session import Session
from app.tabular.writing import PLAIN_WARNING, check_password
from ui.shell import dialogs

TITLE = "导出密码"
_remembered: dict[int, str] = {}   # id(session) -> password, for this run only


@dataclass(frozen=True)
class Protection:
    password: str | None
    plain: bool

    @property
    def done_text(self) -> str:
        return "文件已加密，打开时需输入导出密码。" if self.password else "文件未加密，请妥善保管，用完及时删除。"


def forget(session: Session) -> None:
    _remembered.pop(id(session), None)


def remembered(session: Session) -> bool:
    return id(session) in _remembered


def _remember(session: Session, password: str) -> None:
    key = id(session)
    if key not in _remembered:
        session.on_lock.append(lambda: forget(session))
        weakref.finalize(session, _remembered.pop, key, None)  # an id is reused only after its object is gone
    _remembered[key] = password


def ask_plain(parent: QWidget | None, what: str = "文件") -> bool:
    return dialogs.ask(parent, "不加密导出", f"将不加密导出{what}。\n\n{PLAIN_WARNING}\n\n确定不加密导出吗？",
                       yes="不加密导出", no="取消")


def choose(parent: QWidget | None, session: Session, *, csv: bool = False) -> Protection | None:
    """The protection for one export; None when the user cancelled."""
    if csv:
        return Protection(None, True) if ask_plain(parent, "CSV 文件（CSV 无法加密）") else None
    known = _remembered.get(id(session))
    if known:
        return Protection(known, False)
    first = dialogs.get_text(parent, TITLE, "导出的文件含学生姓名等信息，将用密码加密（Excel、WPS 打开时会要求输入）。\n"
                             "请设置导出密码（本次登录期间记住，锁定后清除，不会保存）。\n"
                             "留空则不加密导出：", password=True)
    if first is None:
        return None
    if not first:
        return Protection(None, True) if ask_plain(parent) else None
    try:
        check_password(first)
    except InputRejected as e:
        dialogs.warn(parent, TITLE, e.message)
        return None
    again = dialogs.get_text(parent, TITLE, "请再次输入导出密码：", password=True)
    if again is None:
        return None
    if again != first:
        dialogs.warn(parent, TITLE, "两次输入的导出密码不一致，未导出。请重新导出并输入相同的密码。")
        return None
    _remember(session, first)
    return Protection(first, False)
