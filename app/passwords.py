"""The one password policy: the set-up wizard, the account dialogs, the recovery reset, ``init``, ``user add``,
``user enable`` and ``reset-password`` all check a new password here (through ``app.session``).

A new password must
- have at least ``MIN_LENGTH`` (10) characters;
- use at least two kinds of character (lower case, upper case, digits, symbols, other scripts such as 汉字),
  unless it has ``SINGLE_CLASS_LENGTH`` (16) or more characters (a long pass phrase of lower-case words is fine);
- not contain the account name or the school name;
- not be on the shipped list of common passwords (``resources/passwords/common.txt``; how it was made is in
  ``resources/passwords/build_common.py``).

Existing passwords are not re-checked at sign-in: the policy applies whenever a password is set.
"""
from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

from app.errors import InputRejected

MIN_LENGTH = 10
SINGLE_CLASS_LENGTH = 16
COMMON_FILE = Path(__file__).resolve().parent.parent / "resources" / "passwords" / "common.txt"
CLASS_LABELS = {"lower": "小写字母", "upper": "大写字母", "digit": "数字", "symbol": "符号", "other": "汉字等其他文字"}


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


@cache
def common_passwords() -> frozenset[str]:
    try:
        lines = COMMON_FILE.read_text("utf-8").splitlines()
    except OSError:
        # The list ships with the program; without it the other rules still apply.
        return frozenset()
    return frozenset(_fold(line.strip()) for line in lines if line.strip())


def character_classes(password: str) -> set[str]:
    kinds = set()
    for ch in password:
        if ch.isascii() and ch.islower():
            kinds.add("lower")
        elif ch.isascii() and ch.isupper():
            kinds.add("upper")
        elif ch.isdigit():
            kinds.add("digit")
        elif ch.isalpha():
            kinds.add("other")
        else:
            kinds.add("symbol")
    return kinds


def _contains_name(folded_password: str, name: str) -> bool:
    folded = _fold(name).strip()
    if not folded:
        return False
    # A one- or two-letter account name ("t", "c1") would forbid too much: it must then match on its own.
    shortest = 2 if not folded.isascii() else 3
    if len(folded) < shortest:
        return folded_password == folded
    return folded in folded_password or folded in "".join(folded_password.split())


def password_problem(password: str, *, account: str = "", school: str = "") -> str:
    """The first rule ``password`` breaks, as a Chinese sentence saying what to do; "" if it is acceptable."""
    password = unicodedata.normalize("NFC", password)
    if not password:
        return "密码不能为空。"
    n = len(password)
    if n < MIN_LENGTH:
        return f"密码太短：现在 {n} 个字符，至少需要 {MIN_LENGTH} 个。"
    kinds = character_classes(password)
    if len(kinds) < 2 and n < SINGLE_CLASS_LENGTH:
        only = CLASS_LABELS[next(iter(kinds))]
        return (f"密码只用了一类字符（{only}）：请再加入数字、大小写字母或符号中的另一类，"
                f"或者把它加长到 {SINGLE_CLASS_LENGTH} 个字符以上。")
    folded = _fold(password)
    if account and _contains_name(folded, account):
        return f"密码不能包含账号名“{account.strip()}”：别人最先猜的就是它。请换一个。"
    if school and _contains_name(folded, school):
        return f"密码不能包含学校名称“{school.strip()}”：别人最先猜的就是它。请换一个。"
    common = common_passwords()
    stripped = folded.rstrip("!@#$%^&*.,;:?~-_+= ")
    if folded in common or stripped in common:
        return "这个密码太常见（在常用密码列表中），很容易被猜中。请换一个不常见的密码，例如几个词加数字和符号。"
    return ""


def require_acceptable(password: str, *, account: str = "", school: str = "") -> None:
    """Raise ``InputRejected`` (exit 3 on the command line) with the rule that failed."""
    problem = password_problem(password, account=account, school=school)
    if problem:
        raise InputRejected(problem)


def policy_text() -> str:
    return (f"密码至少 {MIN_LENGTH} 个字符，混合字母、数字或符号中的两类以上（只用一类时至少 {SINGLE_CLASS_LENGTH} 个字符），"
            "不能包含账号名或学校名称，也不能是常用密码。")
