"""Grades and class names in every form schools write them.

七年级（3）班, 七年级3班, 初一3班, 初一(3), 7.3, 7-3, 7年级3班, 八（3）班, 初中一年级(3)班 all mean a grade and class.
Grades run 1–12: 一年级..六年级 = 小学一年级.. (primary), 七..九年级 = 初一..初三 = 初中一年级.. (junior),
高一..高三 = 高中一年级.. = grade 10..12 (senior). 中职一年级.. (secondary vocational) is counted with the senior stage,
grade 10..12, since the program knows three stages.

The registry system also writes cohorts: 2024级 (entered the stage in autumn 2024), 2024届 (leaves it in summer
2024), 初2024级 / 高2026届 (with the stage). A cohort's grade depends on the school year and, without a stage
prefix, on the school's stages: ``parse_grade_in`` / ``parse_class_in`` work it out, and say what to add when a
multi-stage school gives a cohort without its stage.
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
    (re.compile(r"^小学" + _NUM + r"年级"), 0),  # 小学四年级 -> 4
    (re.compile(r"^初中" + _NUM + r"年级"), 6),  # 初中一年级 -> 7
    (re.compile(r"^(?:高中|中职|职高)" + _NUM + r"年级"), 9),  # 高中二年级 -> 11, 中职一年级 -> 10
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


# 八（1）班, 八1班: a bare grade digit, only in front of a class number
_SHORT_GRADE = re.compile(r"^([一二三四五六七八九])(?=[(（0-9])")
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
    for pat, offset in (*_GRADE_PATTERNS, (_SHORT_GRADE, 0)):
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


# -- cohorts: 2024级, 2024届, 初2024级 -------------------------------------------------------------------------
_STAGE_PREFIXES = {"小学": "primary", "小": "primary", "初中": "junior", "初": "junior", "高中": "senior",
                   "高": "senior", "中职": "senior", "职高": "senior"}
_COHORT = re.compile(r"^(小学|初中|高中|中职|职高|小|初|高)?(?:[(（])?(\d{4})(?:[)）])?(级|届)")


def school_year_of(day: object) -> int:
    """The school year a date falls in, by its first calendar year: 2026-10-12 -> 2026, 2027-03-01 -> 2026."""
    import datetime as dt

    assert isinstance(day, dt.date)
    return day.year if day.month >= 8 else day.year - 1


def _cohort(t: str, school_year: int, stages: tuple[str, ...], stage_hint: str | None) -> tuple[int, str] | None:
    """(grade, rest of the text) for a cohort form at the start of ``t``; None if ``t`` is not one. Raises
    ValueError (a Chinese message saying what to add) when the stage cannot be told or the grade is out of range."""
    m = _COHORT.match(t)
    if not m:
        return None
    prefix, year, kind = m.group(1), int(m.group(2)), m.group(3)
    stage = _STAGE_PREFIXES[prefix] if prefix else stage_hint
    if stage is None:
        if len(stages) == 1:
            stage = stages[0]
        else:
            school = (f"本校有多个学段（{'、'.join(STAGE_LABELS[s] for s in stages)}）" if stages
                      else "学校还没有设置学段（设置 → 学校）")
            raise ValueError(f"“{t}”是届别/级别写法，{school}，无法判断是哪个学段。"
                             f"请在表中加一列“学段”，或写成“初{year}{kind}”“高{year}{kind}”")
    first, last = STAGES[stage]
    if kind == "级":   # entered the stage's first grade in autumn of ``year``
        grade = first + (school_year - year)
    else:              # leaves the stage's last grade in summer of ``year``
        grade = last - (year - (school_year + 1))
    if not first <= grade <= last:
        raise ValueError(f"“{t}”在 {school_year}–{school_year + 1} 学年不在{STAGE_LABELS[stage]}"
                         f"（算出的是第 {grade} 年级），请核对届别/级别或学段")
    return grade, t[m.end():]


def parse_stage(text: str) -> str | None:
    """小学 / 初中 / 高中 (or primary / junior / senior) to the stage key; None if not one."""
    t = normalize_text(text).replace(" ", "").lower()
    for label, key in (("小学", "primary"), ("初中", "junior"), ("高中", "senior"), ("中职", "senior"),
                       ("职高", "senior")):
        if t in (label, key, label[0]):
            return key
    return t if t in STAGES else None


def parse_grade_in(text: str, school_year: int, stages: tuple[str, ...] = (),
                   stage_hint: str | None = None) -> int | None:
    """``parse_grade`` plus the cohort forms; None if not a grade; ValueError when truly ambiguous."""
    g = parse_grade(text)
    if g is not None:
        return g
    t = normalize_text(text).replace(" ", "")
    found = _cohort(t, school_year, stages, stage_hint)
    if found is None or found[1] not in ("", "学生"):
        return None
    return found[0]


def parse_class_in(text: str, grade_hint: int | None, school_year: int, stages: tuple[str, ...] = (),
                   stage_hint: str | None = None) -> ClassRef | None:
    """``parse_class`` plus the cohort forms 2024级3班, 初2024级(3)班; ValueError when truly ambiguous."""
    ref = parse_class(text, grade_hint)
    if ref is not None:
        return ref
    t = normalize_text(text).replace(" ", "")
    found = _cohort(t, school_year, stages, stage_hint)
    if found is None:
        return None
    grade, rest = found
    m = _CLASS_SUFFIX.match(rest)
    number = cn_number(m.group(1)) if m else None
    if number is None or not 1 <= number <= MAX_CLASS_NUMBER:
        return None
    return ClassRef(grade, number)
