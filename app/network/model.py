"""The warning network's words, lists and settings."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from app.errors import InputRejected
from app.store.db import Database
from app.store.settings import get_setting
from app.text import normalize_text

SELF_HARM = "自伤或伤人言行"
SIGNS = ("重大变故", "重大挫折", "明显异常", "情绪低落", "人际冲突", "欺凌", SELF_HARM, "其他")
URGENT_SIGNS = frozenset({SELF_HARM})
# What reporters write for a sign, checked in order after the signs' own names.
_SIGN_WORDS: tuple[tuple[str, str], ...] = (
    ("自伤", SELF_HARM), ("自残", SELF_HARM), ("自杀", SELF_HARM), ("轻生", SELF_HARM), ("伤人", SELF_HARM),
    ("割腕", SELF_HARM), ("变故", "重大变故"), ("去世", "重大变故"), ("离异", "重大变故"), ("挫折", "重大挫折"),
    ("失利", "重大挫折"), ("异常", "明显异常"), ("低落", "情绪低落"), ("抑郁", "情绪低落"), ("不开心", "情绪低落"),
    ("冲突", "人际冲突"), ("矛盾", "人际冲突"), ("吵架", "人际冲突"), ("打架", "人际冲突"), ("霸凌", "欺凌"),
    ("欺负", "欺凌"), ("欺凌", "欺凌"), ("其它", "其他"), ("其他", "其他"))

DECISIONS = {"none": "无需处理", "watch": "持续关注", "talk": "约谈", "tell_head_teacher": "通知班主任",
             "home_school": "家校沟通", "crisis": "开危机个案"}
REPORTER_KINDS = {"psych_rep": "心理委员", "informant": "宿舍心理信息员", "head_teacher": "班主任", "teacher": "其他教师"}
POSTS = {"leader": "组长", "deputy": "副组长", "vice_principal": "心理健康副校长", "member": "成员"}
REQUIRED_POSTS = ("leader", "deputy", "vice_principal")
ZERO_WORDS = ("本期无异常", "无异常", "无", "没有", "正常", "暂无", "/", "-", "—")

SETTINGS_KEY = "network"
DEFAULT_SETTINGS: dict[str, Any] = {
    "eligible_grades": [4, 5, 6, 7, 8, 9, 10, 11, 12],   # every secondary class and primary grades 4–6
    "triage_school_days": 1,                               # untriaged concerns turn red after this many school days
    "escalation_periods": 2,                               # named in this many periods running -> suggested talk
    "escalation_action": "talk",
}
_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class NetworkSettings:
    eligible_grades: tuple[int, ...]
    triage_school_days: int
    escalation_periods: int
    escalation_action: str = "talk"
    raw: dict[str, Any] = field(default_factory=dict, compare=False)


def load_settings(db: Database) -> NetworkSettings:
    stored = get_setting(db, SETTINGS_KEY, {}) or {}
    merged = {**DEFAULT_SETTINGS, **(stored if isinstance(stored, dict) else {})}
    return NetworkSettings(tuple(int(g) for g in merged["eligible_grades"]), int(merged["triage_school_days"]),
                           int(merged["escalation_periods"]), str(merged["escalation_action"]), merged)


def check_settings(grades: list[int], triage_days: int, periods: int, action: str) -> None:
    bad = [g for g in grades if not 1 <= int(g) <= 12]
    if bad:
        raise InputRejected(f"设有心理委员的年级应为 1–12 年级，{bad} 不在范围内。")
    if not 0 <= triage_days <= 10:
        raise InputRejected("未分诊转红的期限应为 0–10 个上课日。")
    if not 2 <= periods <= 6:
        raise InputRejected("连续被报告的期数应为 2–6 期。")
    if action not in DECISIONS:
        raise InputRejected(f"建议的处理应为：{'、'.join(DECISIONS.values())} 之一。")


def sign_from_text(text: str) -> str | None:
    t = (text or "").strip().replace(" ", "")
    if not t:
        return None
    if t in SIGNS:
        return t
    for word, sign in _SIGN_WORDS:
        if word in t:
            return sign
    return None


def check_signs(signs: list[str]) -> list[str]:
    out: list[str] = []
    for s in signs:
        if s not in SIGNS:
            raise InputRejected(f"表现“{s}”不在列表中，可选：{'、'.join(SIGNS)}。")
        if s not in out:
            out.append(s)
    if not out:
        raise InputRejected(f"请为关注学生选择至少一种表现：{'、'.join(SIGNS)}。")
    return out


def is_urgent(signs: list[str]) -> bool:
    return any(s in URGENT_SIGNS for s in signs)


def check_period(text: str) -> str:
    t = (text or "").strip().replace("/", "-").replace(".", "-")
    m = _PERIOD.match(t) or re.match(r"^(\d{4})-(\d{1})$", t)
    if m:
        year, month = int(m.group(1)), int(m.group(2))
        if 1 <= month <= 12:
            return f"{year:04d}-{month:02d}"
    raise InputRejected(f"期次“{text}”无效，请写成 2026-11 的形式（年-月）。")


def period_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def previous_period(period: str) -> str:
    year, month = int(period[:4]), int(period[5:7])
    return f"{year - 1:04d}-12" if month == 1 else f"{year:04d}-{month - 1:02d}"


def quarter_of(day: dt.date) -> str:
    return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"


def check_quarter(text: str) -> str:
    m = re.match(r"^(\d{4})[-\s]?Q([1-4])$", (text or "").strip().upper())
    if not m:
        raise InputRejected(f"季度“{text}”无效，请写成 2026-Q4 的形式。")
    return f"{m.group(1)}-Q{m.group(2)}"


def room_label(building: str, room: str) -> str:
    return f"{building} {room}".strip()


def parse_room(text: str) -> tuple[str, str] | None:
    """'3号楼 201', '3号楼201', '3栋-201', '男生宿舍 A201' -> (building, room)."""
    t = re.sub(r"\s+", " ", normalize_text(text or "").strip())
    if not t:
        return None
    m = re.match(r"^(.*?(?:号楼|栋|幢|楼|宿舍|公寓))[\s\-－—]*([A-Za-z]?\d{2,4}[A-Za-z]?)(?:室|房间|寝室)?$", t)
    if m and m.group(1).strip():
        return m.group(1).strip(), m.group(2)
    parts = re.split(r"[\s\-－—]+", t)
    if len(parts) == 2 and all(parts):
        return parts[0], parts[1]
    return None
