"""People's words and settings: training levels and kinds, the norms by role, and the three-year cycle.

The cycle runs in school years: a cycle starting in ``cycle_start_year`` covers 1 September of that year to
31 August three years later, and the cycles before and after it follow on (2021–2024, 2024–2027, 2027–2030 for a
start year of 2024). A person's norm is the highest norm among their roles (a part-time psychological teacher who
is also a head teacher is held to the part-time norm, 24 hours). Supervision (督导) is counted per school year
(1 September – 31 August)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from app.errors import InputRejected
from app.store.db import Database
from app.store.settings import get_setting

LEVELS = {"national": "国家级", "provincial": "省级", "city": "市级", "district": "区县级", "school": "校级"}
KINDS = {"training": "培训", "supervision": "督导", "research": "教研", "induction": "岗前培训", "other": "其他"}
# What people write for a level or kind (the command line, a pasted sheet): the first key contained wins.
_LEVEL_WORDS = (("国", "national"), ("省", "provincial"), ("市", "city"), ("区", "district"), ("县", "district"),
                ("校", "school"))
_KIND_WORDS = (("督导", "supervision"), ("岗前", "induction"), ("教研", "research"), ("培训", "training"),
               ("其他", "other"), ("其它", "other"))

NORM_GROUPS = {"psych_fulltime": "专职心理教师", "psych_parttime": "兼职心理教师", "head_teacher": "班主任",
               "other": "其他教职工"}
# Which norm a role is held to; every other role (学校领导/行政, 任课教师) is "other".
_NORM_OF_ROLE = {"psych_fulltime": "psych_fulltime", "psych_parttime": "psych_parttime",
                 "head_teacher": "head_teacher"}

SETTINGS_KEY = "people"
DEFAULT_CYCLE_START = 2024
DEFAULT_NORMS = {"psych_fulltime": 40.0, "psych_parttime": 24.0, "head_teacher": 16.0, "other": 8.0}
DEFAULT_SUPERVISIONS = 1
MAX_HOURS = 200.0   # one record; a longer course is entered as several


@dataclass(frozen=True)
class PeopleSettings:
    cycle_start_year: int
    norms: dict[str, float]
    supervisions_per_year: int

    def as_json(self) -> dict[str, Any]:
        return {"cycle_start_year": self.cycle_start_year, "norms": dict(self.norms),
                "supervisions_per_year": self.supervisions_per_year}


def load_settings(db: Database) -> PeopleSettings:
    stored = get_setting(db, SETTINGS_KEY, {}) or {}
    if not isinstance(stored, dict):
        stored = {}
    norms = {**DEFAULT_NORMS, **{k: float(v) for k, v in (stored.get("norms") or {}).items() if k in DEFAULT_NORMS}}
    return PeopleSettings(int(stored.get("cycle_start_year", DEFAULT_CYCLE_START)), norms,
                          int(stored.get("supervisions_per_year", DEFAULT_SUPERVISIONS)))


def check_settings(start_year: int, norms: dict[str, float], supervisions: int) -> None:
    if not 2000 <= start_year <= 2100:
        raise InputRejected(f"培训周期的起始年份“{start_year}”不合理，请填写如 2024 这样的年份。")
    unknown = sorted(set(norms) - set(DEFAULT_NORMS))
    if unknown:
        raise InputRejected(f"未知的培训要求类别：{'、'.join(unknown)}。")
    for key, hours in norms.items():
        if not 0 <= hours <= 1000:
            raise InputRejected(f"{NORM_GROUPS[key]}的三年培训学时要求应在 0–1000 之间，现为 {hours}。")
    if not 0 <= supervisions <= 12:
        raise InputRejected("专职心理教师每学年的督导次数要求应在 0–12 之间。")


def norm_group(roles: tuple[str, ...] | list[str], norms: dict[str, float]) -> str:
    """The norm a person with ``roles`` is held to: the highest among their roles."""
    groups = {_NORM_OF_ROLE.get(r, "other") for r in roles} or {"other"}
    return max(groups, key=lambda g: (norms.get(g, 0.0), -list(NORM_GROUPS).index(g)))


@dataclass(frozen=True)
class Cycle:
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        return f"{self.start.year}—{self.end.year} 培训周期（{self.start.isoformat()} 至 {self.end.isoformat()}）"

    @property
    def short_label(self) -> str:
        return f"{self.start.year}—{self.end.year}"

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def school_year_start(day: dt.date) -> int:
    return day.year if day.month >= 9 else day.year - 1


def cycle_for(day: dt.date, start_year: int) -> Cycle:
    """The three-year cycle that holds ``day``."""
    n = (school_year_start(day) - start_year) // 3
    first = start_year + 3 * n
    return Cycle(dt.date(first, 9, 1), dt.date(first + 3, 8, 31))


def school_year_of(day: dt.date) -> tuple[dt.date, dt.date]:
    first = school_year_start(day)
    return dt.date(first, 9, 1), dt.date(first + 1, 8, 31)


def parse_level(text: str) -> str:
    t = (text or "").strip()
    if t in LEVELS:
        return t
    for key, label in LEVELS.items():
        if t == label:
            return key
    for word, key in _LEVEL_WORDS:
        if word in t:
            return key
    raise InputRejected(f"培训级别“{text}”无法识别，请填写：{'、'.join(LEVELS.values())}。")


def parse_kind(text: str) -> str:
    t = (text or "").strip()
    if t in KINDS:
        return t
    for key, label in KINDS.items():
        if t == label:
            return key
    for word, key in _KIND_WORDS:
        if word in t:
            return key
    raise InputRejected(f"培训类型“{text}”无法识别，请填写：{'、'.join(KINDS.values())}。")


def as_date(value: str | dt.date, what: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise InputRejected(f"{what}“{value}”不是有效日期，请写成 2026-09-01 的形式。") from None


def hours_text(hours: float) -> str:
    return f"{hours:g}"
