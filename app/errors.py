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
