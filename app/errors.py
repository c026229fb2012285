"""Exceptions the user can act on. Each carries a Chinese message and a CLI exit code."""
from __future__ import annotations


class XinqiaoError(Exception):
    """A failure the user can fix; ``message`` is Chinese and says what to do."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(XinqiaoError):
    exit_code = 2


class InputRejected(XinqiaoError):
    exit_code = 3


class WrongPassword(XinqiaoError):
    exit_code = 4


class LockedOut(WrongPassword):
    def __init__(self, seconds: int) -> None:
        super().__init__(f"密码连续错误次数过多，请在 {seconds} 秒后重试。")
        self.seconds = seconds


class IntegrityFailure(XinqiaoError):
    exit_code = 5


class VaultMissing(XinqiaoError):
    exit_code = 1


class PermissionDenied(XinqiaoError):
    exit_code = 1


class VaultSetAside(VaultMissing):
    """The vault file is not in its folder, but quarantine/ holds a set-aside one: restore, never init."""


class VaultFileMissing(VaultMissing):
    """The folder holds the vault's key slots but not its database file (moved or deleted, nothing set aside):
    put it back or restore a backup, never init."""


# -- storage: one class per cause (SQLite result code or OS errno), sorted in app/store/errors.py -----------
class StorageError(XinqiaoError):
    """The disk, the folder or another program stopped a read or write; the vault itself is not damaged, and
    nothing of it is ever set aside for this. ``cause`` names the SQLite result code the class stands for."""

    exit_code = 6
    cause = ""


class DiskFull(StorageError):
    cause = "FULL"


class StorageIOError(StorageError):
    cause = "IOERR"


class StorageReadOnly(StorageError):
    cause = "READONLY"


class VaultBusy(StorageError):
    """Another program (a second window, a command line) holds the write lock longer than we wait."""

    cause = "BUSY"


class CannotOpen(StorageError):
    cause = "CANTOPEN"


class VaultCorrupt(IntegrityFailure):
    """Real damage found while reading: a page that fails its check."""

    cause = "CORRUPT"


class NotADatabase(IntegrityFailure):
    """The file is not a database this key opens: damaged in its first page, or another file."""

    cause = "NOTADB"
