"""Errors in the window: the user's (a plain Chinese message) and bugs (a copyable report and a log file)."""
from __future__ import annotations

import datetime as dt
import platform
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import XinqiaoError
from app.logs import scrub
from app.session import storage_error
from app.version import VERSION
from ui.shell import clipboard, dialogs

LogDir = Callable[[], Path | None]
_log_dir: LogDir = lambda: None  # noqa: E731


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and the ones it was raised from or during, oldest first (as Python prints them)."""
    out: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not e for e in out):
        out.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    return out[::-1]


def format_report(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> str:
    """The traceback (files, lines, functions, source lines) with each exception's message scrubbed of personal
    data (``app.logs.scrub``): a message may quote a name or a registry number, the code never does."""
    import PySide6

    head = [f"心桥 XinQiao {VERSION} 错误报告 {dt.datetime.now().isoformat(timespec='seconds')}",
            f"Python {platform.python_version()} · PySide6 {PySide6.__version__} · {platform.platform()}", ""]
    parts: list[str] = []
    chain = _chain(exc)
    for i, e in enumerate(chain):
        if i:
            parts.append("\nThe above exception was the direct cause of the following exception:\n\n"
                         if e.__cause__ is chain[i - 1]
                         else "\nDuring handling of the above exception, another exception occurred:\n\n")
        frames = tb if e is exc else e.__traceback__
        if frames is not None:
            parts.append("Traceback (most recent call last):\n" + "".join(traceback.format_tb(frames)))
        parts.append(scrub("".join(traceback.format_exception_only(type(e), e))))
    return "\n".join(head) + "".join(parts)


def write_crash_log(report: str, folder: Path | None) -> Path | None:
    if folder is None:
        import platformdirs

        folder = Path(platformdirs.user_log_dir("XinQiao", appauthor=False))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"crash-{dt.datetime.now().strftime('%Y%m%d-%H%M%S-%f')}.log"
        path.write_text(report, "utf-8")
        return path
    except OSError:
        return None


class CrashDialog(QDialog):
    def __init__(self, report: str, log_path: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("心桥 · 程序出错")
        self.resize(640, 420)
        lay = QVBoxLayout(self)
        where = f"报告已保存到：{log_path}" if log_path else "报告未能保存到文件，请复制下面的内容。"
        msg = QLabel("程序遇到了一个意外错误。已输入的内容没有丢失，您可以继续工作。\n"
                     "请把下面的报告复制给技术支持人员。" + "\n" + where)
        msg.setWordWrap(True)
        lay.addWidget(msg)
        self.text = QPlainTextEdit(report)
        self.text.setReadOnly(True)
        lay.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = QPushButton("复制报告")
        copy.clicked.connect(lambda: clipboard.copy_text(report))
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    """A user error becomes its message (so does a full disk or a read-only folder, by errno or SQLite result
    code); anything else is a bug with a report."""
    user_error = exc if isinstance(exc, XinqiaoError) else storage_error(exc)
    if user_error is not None:
        dialogs.error(parent, "心桥", user_error.message)
        return
    report_bug(type(exc), exc, exc.__traceback__, parent)


def report_bug(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None,
               parent: QWidget | None = None) -> Path | None:
    report = format_report(exc_type, exc, tb)
    path = write_crash_log(report, _log_dir())
    sys.stderr.write(report)
    answered, _ = dialogs.intercept("crash", "程序出错", report)
    if not answered and QApplication.instance() is not None:
        CrashDialog(report, path, parent or QApplication.activeWindow()).exec()
    return path


def _excepthook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    user_error = exc if isinstance(exc, XinqiaoError) else storage_error(exc)
    if user_error is not None:
        dialogs.error(QApplication.activeWindow(), "心桥", user_error.message)
        return
    report_bug(exc_type, exc, tb)


def install_excepthook(log_dir: LogDir) -> None:
    """Route uncaught exceptions (Qt slots included) to the dialog; crash logs go to ``log_dir()``."""
    global _log_dir
    _log_dir = log_dir
    sys.excepthook = _excepthook
