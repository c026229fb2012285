"""Grades and class names in every form schools write them.

七年级（3）班, 七年级3班, 初一3班, 初一(3), 7.3, 7-3, 7年级3班 all mean grade 7, class 3. Grades run 1–12:
一年级..六年级 (primary), 七..九年级 = 初一..初三 (junior), 高一..高三 = grade 10..12 (senior).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from app.text import normalize_text

CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
GRADE_NAMES = {1: "一年级", 2: "二年级", 3: "三年级", 4: "四年级", 5: "五年级", 6: "六年级", 7: "七年级",
               8: "八年级", 9: "九年级", 10: "高一", 11: "高二", 12: "高三"}
MAX_CLASS_NUMBER = 99  # more classes in one grade is a typing mistake, not a school
STAGES = {"primary": (1, 6), "junior": (7, 9), "senior": (10, 12)}
STAGE_LABELS = {"primary": "小学", "junior": "初中", "senior": "高中"}


@dataclass(frozen=True, order=True)
class ClassRef:
    grade: int
    number: int

    @property
    def name(self) -> str:
        return class_display_name(self.grade, self.number)


def stage_of(grade: int) -> str:
    for stage, (lo, hi) in STAGES.items():
        if lo <= grade <= hi:
            return stage
    raise ValueError(grade)


def grade_name(grade: int) -> str:
    return GRADE_NAMES[grade]


def class_display_name(grade: int, number: int) -> str:
    return f"{GRADE_NAMES[grade]}（{number}）班"


def cn_number(text: str) -> int | None:
    """'3' -> 3, '三' -> 3, '十二' -> 12, '二十' -> 20."""
    if text.isascii() and text.isdigit():
        return int(text)
    if not text or any(ch not in CN_DIGITS for ch in text):
        return None
    if len(text) == 1:
        return CN_DIGITS[text]
    if text[0] == "十":
        return 10 + CN_DIGITS[text[1]] if len(text) == 2 else None
    if len(text) == 2 and text[1] == "十":
        return CN_DIGITS[text[0]] * 10
    if len(text) == 3 and text[1] == "十":
        return CN_DIGITS[text[0]] * 10 + CN_DIGITS[text[2]]
    return None


_NUM = r"([0-9]+|[一二三四五六七八九十]+)"
_GRADE_PATTERNS: list[tuple[re.Pattern[str], int]] = [
    (re.compile(r"^初" + _NUM), 6),            # 初一 -> 7
    (re.compile(r"^高" + _NUM), 9),            # 高一 -> 10
    (re.compile(r"^" + _NUM + r"年级"), 0),    # 七年级 / 7年级
]


@lru_cache(maxsize=4096)  # an import asks about the same few dozen grade and class texts thousands of times
def parse_grade(text: str) -> int | None:
    t = normalize_text(text).replace(" ", "")
    if not t:
        return None
    if t.isascii() and t.isdigit():  # not "𐩀": str.isdigit() accepts digits int() cannot read
        g = int(t)
        return g if 1 <= g <= 12 else None
    for pat, offset in _GRADE_PATTERNS:
        m = pat.match(t)
        if m:
            n = cn_number(m.group(1))
            if n is None:
                return None
            g = n + offset
            return g if 1 <= g <= 12 else None
    return None


_CLASS_SUFFIX = re.compile(r"^[(（]?" + _NUM + r"[)）]?班?$")
_DOTTED = re.compile(r"^([0-9]{1,2})\s*[.\-－—_/]\s*([0-9]{1,2})$")


@lru_cache(maxsize=4096)
def parse_class(text: str, grade_hint: int | None = None) -> ClassRef | None:
    """Understand a class written in any common form; ``grade_hint`` is used when only '3班' is given."""
    t = normalize_text(text).replace(" ", "")
    if not t:
        return None
    m = _DOTTED.match(t)
    if m:
        g, n = int(m.group(1)), int(m.group(2))
        return ClassRef(g, n) if 1 <= g <= 12 and 1 <= n <= MAX_CLASS_NUMBER else None
    for pat, offset in _GRADE_PATTERNS:
        m = pat.match(t)
        if m:
            g_num = cn_number(m.group(1))
            rest = t[m.end():]
            m2 = _CLASS_SUFFIX.match(rest)
            if g_num is None or not m2:
                return None
            number = cn_number(m2.group(1))
            g = g_num + offset
            if number is None or not (1 <= g <= 12) or not (1 <= number <= MAX_CLASS_NUMBER):
                return None
            return ClassRef(g, number)
    m2 = _CLASS_SUFFIX.match(t)
    if m2 and grade_hint is not None:
        number = cn_number(m2.group(1))
        if number is not None and 1 <= number <= MAX_CLASS_NUMBER:
            return ClassRef(grade_hint, number)
    return None
