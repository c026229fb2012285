"""What the program writes to the vault's ``logs/`` folder holds no personal data.

Two kinds of file go there: crash reports (``crash-*.log``, ``ui/shell/errors.py``) and the warning log
(``xinqiao.log``: Python ``logging`` at WARNING and above, set up by the window for the open vault). Both pass
through ``scrub``: every run of Chinese characters (a name, a class, a note) becomes ``＊`` and every run of six or
more digits (a registry, ID or phone number) becomes ``＃``. What a developer needs survives: exception types,
file names, line numbers and function names, and Latin text (SQLite's and Python's own messages).
"""
from __future__ import annotations

import logging
import logging.handlers
import re
from pathlib import Path

_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0003ffff]+")
_NUMBER = re.compile(r"[A-Za-z]?\d{6,}[0-9Xx]?")
LOG_FILE = "xinqiao.log"


def scrub(text: str) -> str:
    """``text`` with Chinese runs and long numbers blanked out."""
    return _NUMBER.sub("＃", _CJK.sub("＊", text))


class ScrubbingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))


_handler: logging.Handler | None = None
_root_level: int | None = None   # the root logger's level before ``log_to_folder`` lowered it


def log_to_folder(folder: Path, level: int = logging.WARNING) -> Path | None:
    """Send the program's log records (``level`` and above) to ``folder/xinqiao.log``, scrubbed, kept small
    (1 MiB, two old files). Replaces an earlier folder's handler (another vault opened). None when the folder
    cannot be written (a read-only drive): logging is never worth failing for."""
    global _handler, _root_level
    stop_logging()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(folder / LOG_FILE, maxBytes=1 << 20, backupCount=2,
                                                       encoding="utf-8", delay=True)
    except OSError:
        return None
    handler.setLevel(level)
    handler.setFormatter(ScrubbingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    if root.level > level or root.level == logging.NOTSET:
        _root_level = root.level
        root.setLevel(level)
    root.addHandler(handler)
    _handler = handler
    return folder / LOG_FILE


def stop_logging() -> None:
    global _handler, _root_level
    if _handler is not None:
        logging.getLogger().removeHandler(_handler)
        _handler.close()
        _handler = None
    if _root_level is not None:
        logging.getLogger().setLevel(_root_level)
        _root_level = None
