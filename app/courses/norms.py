"""The norms a school's courses are measured against, as regional profiles.

The shipped profiles are data in ``resources/norms/*.json`` (Qingdao, the default; Heilongjiang; Ningxia). A school
picks one and may edit it; the chosen, possibly edited, profile is kept in the vault (setting ``courses.norms``).

A profile holds:

- ``lessons``: ``per_month`` (lessons per class per teaching month), or ``every_weeks`` (one lesson every N weeks,
  counted per teaching month from its school days), or ``per_semester``; all null: no count norm;
- ``activities``: ``per_month`` or ``per_semester``, and ``kinds`` (only these kinds count; empty: every kind);
- ``semester_hours``: class hours per class per semester by stage (primary, junior, senior), or null;
- ``parent_school``: ``sessions`` and ``hours`` a semester; ``parent_push_per_month``.
"""
from __future__ import annotations

import copy
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.courses.model import ACTIVITY_KINDS
from app.errors import InputRejected
from app.policy import can_keep_courses, require
from app.session import Session
from app.store.db import Database
from app.store.settings import get_setting, set_setting

NORMS_DIR = Path(__file__).resolve().parent.parent.parent / "resources" / "norms"
DEFAULT_KEY = "qingdao"
SETTING = "courses.norms"
STAGES = ("primary", "junior", "senior")


@dataclass(frozen=True)
class Norms:
    key: str
    name: str
    source: str
    lessons_per_month: int | None
    lessons_every_weeks: int | None
    lessons_per_semester: int | None
    activities_per_month: int | None
    activities_per_semester: int | None
    activity_kinds: tuple[str, ...]
    semester_hours: dict[str, float] | None
    parent_sessions: int
    parent_hours: float
    push_per_month: int
    raw: dict[str, Any]

    def lessons_for_month(self, school_days: int) -> int | None:
        """Lessons a class needs in a teaching month with ``school_days`` school days (None: no monthly norm)."""
        if self.lessons_per_month:
            return self.lessons_per_month
        if self.lessons_every_weeks:
            return max(1, math.floor(school_days / (5 * self.lessons_every_weeks) + 0.5))
        return None

    def hours_for(self, grade: int) -> float | None:
        if not self.semester_hours:
            return None
        stage = "primary" if grade <= 6 else "junior" if grade <= 9 else "senior"
        value = self.semester_hours.get(stage)
        return float(value) if value is not None else None

    def counts_activity(self, kind: str) -> bool:
        return not self.activity_kinds or kind in self.activity_kinds

    def describe(self) -> list[str]:
        """The profile in Chinese lines (settings page, ``courses-norms``)."""
        lines = []
        if self.lessons_per_month:
            lines.append(f"心理课：每班每个教学月至少 {self.lessons_per_month} 节")
        elif self.lessons_every_weeks:
            lines.append(f"心理课：每 {self.lessons_every_weeks} 周至少 1 节（按每月上课日折算）")
        elif self.lessons_per_semester:
            lines.append(f"心理课：每班每学期至少 {self.lessons_per_semester} 节")
        else:
            lines.append("心理课：无节数要求（统计是否开课）")
        kinds = "、".join(self.activity_kinds) if self.activity_kinds else "主题活动"
        if self.activities_per_month:
            lines.append(f"{kinds}：每班每个教学月至少 {self.activities_per_month} 次")
        elif self.activities_per_semester:
            lines.append(f"{kinds}：每班每学期至少 {self.activities_per_semester} 次")
        else:
            lines.append("主题活动：无次数要求（统计是否开展）")
        if self.semester_hours:
            lines.append("每学期课时：" + "，".join(f"{n} {self.semester_hours[s]:g} 课时" for s, n in
                                                 (("primary", "小学"), ("junior", "初中"), ("senior", "高中/中职"))
                                                 if self.semester_hours.get(s) is not None))
        lines.append(f"家长学校：每学期 {self.parent_sessions} 次、{self.parent_hours:g} 课时；"
                     f"每月向家长推送 {self.push_per_month} 次")
        return lines


def _int_or_none(value: Any, where: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0 or int(value) != value:
        raise InputRejected(f"规范设置中“{where}”应为不小于 0 的整数或留空，现在是“{value}”。")
    return int(value) or None


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise InputRejected(f"规范设置中“{where}”应为不小于 0 的数字，现在是“{value}”。")
    return float(value)


def parse_norms(raw: dict[str, Any]) -> Norms:
    """Check a profile (a shipped file or the school's edit); bad values are refused in Chinese, naming the field."""
    if not isinstance(raw, dict):
        raise InputRejected("规范设置应是一个 JSON 对象。")
    name = str(raw.get("name") or "").strip()
    if not name:
        raise InputRejected("规范设置缺少名称（name）。")
    lessons = raw.get("lessons") or {}
    activities = raw.get("activities") or {}
    if not isinstance(lessons, dict) or not isinstance(activities, dict):
        raise InputRejected("规范设置中“lessons”“activities”应为对象。")
    kinds = activities.get("kinds") or []
    if not isinstance(kinds, list) or any(k not in ACTIVITY_KINDS for k in kinds):
        raise InputRejected(f"规范设置中活动类型应从以下选择：{'、'.join(ACTIVITY_KINDS)}。")
    hours_raw = raw.get("semester_hours")
    hours: dict[str, float] | None = None
    if hours_raw:
        if not isinstance(hours_raw, dict) or any(k not in STAGES for k in hours_raw):
            raise InputRejected("规范设置中“semester_hours”应按学段 primary、junior、senior 填写课时。")
        hours = {k: _number(v, f"每学期课时（{k}）") for k, v in hours_raw.items() if v is not None}
    parent = raw.get("parent_school") or {}
    return Norms(
        key=str(raw.get("key") or "custom"), name=name, source=str(raw.get("source") or ""),
        lessons_per_month=_int_or_none(lessons.get("per_month"), "每月心理课节数"),
        lessons_every_weeks=_int_or_none(lessons.get("every_weeks"), "每几周一节心理课"),
        lessons_per_semester=_int_or_none(lessons.get("per_semester"), "每学期心理课节数"),
        activities_per_month=_int_or_none(activities.get("per_month"), "每月主题活动次数"),
        activities_per_semester=_int_or_none(activities.get("per_semester"), "每学期主题活动次数"),
        activity_kinds=tuple(kinds), semester_hours=hours,
        parent_sessions=_int_or_none(parent.get("sessions", 2), "家长学校次数") or 0,
        parent_hours=_number(parent.get("hours", 4), "家长学校课时"),
        push_per_month=_int_or_none(raw.get("parent_push_per_month", 1), "每月推送次数") or 0,
        raw=copy.deepcopy(raw))


def shipped_profiles() -> dict[str, Norms]:
    """The profiles shipped in resources/norms, by key (Qingdao first)."""
    out: dict[str, Norms] = {}
    files = sorted(NORMS_DIR.glob("*.json"), key=lambda p: (p.stem != DEFAULT_KEY, p.stem))
    for path in files:
        try:
            norms = parse_norms(json.loads(path.read_text(encoding="utf-8")))
        except (ValueError, InputRejected) as e:
            raise InputRejected(f"规范文件 {path.name} 有误：{e}") from e
        out[norms.key] = norms
    return out


def current_norms(db: Database) -> Norms:
    """The school's profile: the one it chose (and perhaps edited), else Qingdao's."""
    stored = get_setting(db, SETTING)
    if isinstance(stored, dict):
        try:
            return parse_norms(stored)
        except InputRejected:
            pass  # a profile stored by an older program: fall back to the default rather than fail every figure
    return shipped_profiles()[DEFAULT_KEY]


def choose_norms(session: Session, key: str) -> Norms:
    """Use a shipped profile (replacing any edit); counselors and managers, audited."""
    require(session, can_keep_courses, "选择课程规范")
    profiles = shipped_profiles()
    if key not in profiles:
        raise InputRejected(f"没有名为“{key}”的规范。可选：{'、'.join(f'{k}（{p.name}）' for k, p in profiles.items())}。")
    norms = profiles[key]
    with session.db.transaction():
        set_setting(session.db, SETTING, norms.raw)
        session.audit("settings", SETTING, {"choose": key})
    return norms


def save_norms(session: Session, raw: dict[str, Any]) -> Norms:
    """The school's edit of its profile (checked first; nothing is stored when a value is wrong); audited."""
    require(session, can_keep_courses, "修改课程规范")
    norms = parse_norms(raw)
    with session.db.transaction():
        set_setting(session.db, SETTING, norms.raw)
        session.audit("settings", SETTING, {"edit": norms.key, "name": norms.name})
    return norms
