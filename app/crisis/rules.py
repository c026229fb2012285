"""The school's crisis manual as data: which steps each level requires and their due offsets.

The default is ``resources/crisis/steps.json``; a 管理员 may save an edited copy into the vault (setting
``crisis.rules``), which then wins. Offsets are ``{"hours": n}`` or ``{"days": n}``; a step whose ``due`` has no
entry for a level is not required at that level. ``anchor`` is ``opened`` (the case's discovery time) or
``previous`` (the completion of the nearest earlier step the case has).
"""
from __future__ import annotations

import copy
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.errors import InputRejected
from app.store.db import Database
from app.store.settings import get_setting

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "resources" / "crisis" / "steps.json"
SETTING_KEY = "crisis.rules"

LEVELS = ("general", "severe", "major")
LEVEL_LABELS = {"general": "一般", "severe": "严重", "major": "重大"}
LEVEL_RANK = {lv: i for i, lv in enumerate(LEVELS)}
SOURCES = ("screening", "committee", "teacher", "parent", "student", "incident")
SOURCE_LABELS = {"screening": "测评筛查", "committee": "心理委员报告", "teacher": "教师发现", "parent": "家长反映",
                 "student": "学生本人求助", "incident": "意外事件"}
FIXED_KEYS = ("discovery", "closing")  # every level has them; the manual may change their offsets only


@dataclass(frozen=True)
class StepRule:
    key: str
    name: str
    hint: str
    anchor: str                              # "opened" | "previous"
    due: dict[str, dict[str, int]]           # level -> {"hours": n} | {"days": n}
    weekly: bool = False
    documents: tuple[tuple[str, str], ...] = ()   # (key, name)
    meeting: bool = False

    def required_at(self, level: str) -> bool:
        return level in self.due

    def offset(self, level: str) -> dt.timedelta | None:
        spec = self.due.get(level)
        if spec is None:
            return None
        return dt.timedelta(hours=spec.get("hours", 0), days=spec.get("days", 0))


@dataclass(frozen=True)
class Rules:
    steps: tuple[StepRule, ...]
    follow_up_weeks: int
    watch_24h_levels: tuple[str, ...]
    raw: dict[str, Any]

    def step(self, key: str) -> StepRule:
        for s in self.steps:
            if s.key == key:
                return s
        raise KeyError(key)

    def seq(self, key: str) -> int:
        return [s.key for s in self.steps].index(key)

    def required(self, level: str) -> list[StepRule]:
        return [s for s in self.steps if s.required_at(level)]


def level_label(level: str) -> str:
    return LEVEL_LABELS.get(level, level)


def parse_level(text: str) -> str:
    """Accept 一般/严重/重大 or general/severe/major."""
    t = text.strip()
    for k, v in LEVEL_LABELS.items():
        if t in (k, v, v + "心理危机"):
            return k
    raise InputRejected(f"无法识别危机等级“{text}”，请用 一般、严重 或 重大。")


def parse_source(text: str) -> str:
    t = text.strip()
    for k, v in SOURCE_LABELS.items():
        if t in (k, v):
            return k
    raise InputRejected(f"无法识别个案来源“{text}”，可选：{'、'.join(SOURCE_LABELS.values())}。")


def default_raw() -> dict[str, Any]:
    return json.loads(DEFAULT_FILE.read_text("utf-8"))


def parse_rules(raw: dict[str, Any]) -> Rules:
    """Validate a rules document; raises InputRejected with a Chinese reason."""
    try:
        steps_raw = raw["steps"]
        weeks = int(raw.get("follow_up_weeks", 4))
        watch = tuple(raw.get("watch_24h_levels", ["major"]))
    except (KeyError, TypeError, ValueError):
        raise InputRejected("危机流程设置缺少 steps 或 follow_up_weeks。") from None
    if not 1 <= weeks <= 52:
        raise InputRejected("复学后跟踪周数应在 1 到 52 之间。")
    steps: list[StepRule] = []
    seen: set[str] = set()
    for i, s in enumerate(steps_raw, 1):
        if not isinstance(s, dict) or not s.get("key") or not s.get("name"):
            raise InputRejected(f"第 {i} 个步骤缺少 key 或 name。")
        key = str(s["key"])
        if key in seen:
            raise InputRejected(f"步骤 {key} 重复。")
        seen.add(key)
        anchor = s.get("anchor", "opened")
        if anchor not in ("opened", "previous"):
            raise InputRejected(f"步骤“{s['name']}”的 anchor 只能是 opened 或 previous。")
        due: dict[str, dict[str, int]] = {}
        for level, spec in (s.get("due") or {}).items():
            if level not in LEVELS:
                raise InputRejected(f"步骤“{s['name']}”中的等级“{level}”无效（general/severe/major）。")
            if not isinstance(spec, dict) or not set(spec) <= {"hours", "days"} or not spec:
                raise InputRejected(f"步骤“{s['name']}”的期限应写成 {{\"hours\": n}} 或 {{\"days\": n}}。")
            try:
                clean = {k: int(v) for k, v in spec.items()}
            except (TypeError, ValueError):
                raise InputRejected(f"步骤“{s['name']}”的期限必须是整数。") from None
            if any(v < 0 for v in clean.values()):
                raise InputRejected(f"步骤“{s['name']}”的期限不能为负数。")
            due[level] = clean
        docs = tuple((str(d["key"]), str(d["name"])) for d in s.get("documents", []))
        steps.append(StepRule(key, str(s["name"]), str(s.get("hint", "")), anchor, due, bool(s.get("weekly")),
                              docs, bool(s.get("meeting"))))
    for key in FIXED_KEYS:
        if key not in seen:
            raise InputRejected(f"危机流程必须包含步骤 {key}。")
        rule = next(r for r in steps if r.key == key)
        if set(rule.due) != set(LEVELS):
            raise InputRejected(f"步骤“{rule.name}”必须对所有等级都要求。")
    if steps[0].key != "discovery" or steps[-1].key != "closing":
        raise InputRejected("“发现与报告”必须是第一步，“结案”必须是最后一步。")
    return Rules(tuple(steps), weeks, watch, raw)


def load_rules(db: Database) -> Rules:
    raw = get_setting(db, SETTING_KEY, None)
    if raw is None:
        raw = default_raw()
    return parse_rules(copy.deepcopy(raw))
