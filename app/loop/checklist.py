"""The closed-loop checklist: the template in ``resources/checklists/monthly_loop.json``, which a school may edit.
An edited checklist is kept in the vault (setting ``loop.checklist``); a month's instance copies the checklist in
force when it is created, so editing it never changes a month already begun."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.errors import InputRejected
from app.policy import can_counsel, require
from app.session import Session
from app.store.db import Database
from app.store.settings import get_setting, set_setting

TEMPLATE_FILE = Path(__file__).resolve().parents[2] / "resources" / "checklists" / "monthly_loop.json"
SETTING = "loop.checklist"
LEDGERS = {"A": "测评与档案", "B": "危机干预与转介", "C": "课程与活动", "D": "家校协同"}
KINDS = {"computed": "自动", "manual": "手工"}


@dataclass(frozen=True)
class TemplateItem:
    key: str
    ledger: str
    title: str
    kind: str
    figure: str = ""


@dataclass(frozen=True)
class Checklist:
    ledgers: dict[str, str]
    items: tuple[TemplateItem, ...]


def default_raw() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(TEMPLATE_FILE.read_text("utf-8"))
    return data


def parse_checklist(raw: Any) -> Checklist:
    """Check an edited checklist; every problem is named with its item number."""
    if not isinstance(raw, dict) or not isinstance(raw.get("items"), list) or not raw["items"]:
        raise InputRejected("清单格式不对：应为含 items 列表的 JSON 对象（可从默认清单导出后修改）。")
    names = dict(LEDGERS)
    for k, v in (raw.get("ledgers") or {}).items():
        if k not in LEDGERS:
            raise InputRejected(f"台账“{k}”无效：只能是 A、B、C、D。")
        if str(v).strip():
            names[k] = str(v).strip()
    items: list[TemplateItem] = []
    seen: set[str] = set()
    problems: list[str] = []
    for i, it in enumerate(raw["items"], 1):
        if not isinstance(it, dict):
            problems.append(f"第 {i} 项不是对象")
            continue
        key, ledger, title = str(it.get("key", "")).strip(), str(it.get("ledger", "")).strip(), str(
            it.get("title", "")).strip()
        kind, figure = str(it.get("kind", "manual")).strip(), str(it.get("figure", "")).strip()
        if not key or key.startswith("R:"):
            problems.append(f"第 {i} 项缺少 key（或以 R: 开头，R: 留给整改项）")
        elif key in seen:
            problems.append(f"第 {i} 项的 key“{key}”重复")
        if ledger not in LEDGERS:
            problems.append(f"第 {i} 项的台账“{ledger}”无效（A、B、C、D）")
        if not title:
            problems.append(f"第 {i} 项缺少标题")
        if kind not in KINDS:
            problems.append(f"第 {i} 项的类型“{kind}”无效（computed 或 manual）")
        elif kind == "computed" and not figure:
            problems.append(f"第 {i} 项是自动项，须写明 figure（指标键，如 courses.lessons_every_class）")
        seen.add(key)
        items.append(TemplateItem(key, ledger, title, kind, figure if kind == "computed" else ""))
    if problems:
        raise InputRejected("清单没有保存：" + "；".join(problems) + "。请改正后再保存。")
    return Checklist(names, tuple(items))


def load_checklist(db: Database) -> Checklist:
    """The school's checklist: the edited one in the vault, else the bundled template."""
    stored = get_setting(db, SETTING, None)
    return parse_checklist(stored if stored else default_raw())


def checklist_raw(db: Database) -> dict[str, Any]:
    stored = get_setting(db, SETTING, None)
    return stored if isinstance(stored, dict) else default_raw()


def save_checklist(session: Session, raw: Any) -> Checklist:
    """Keep an edited checklist in the vault (months begun keep their own items)."""
    require(session, can_counsel, "修改心育闭环清单")
    checklist = parse_checklist(raw)
    with session.db.transaction():
        set_setting(session.db, SETTING, raw)
        session.audit("settings", SETTING, {"items": len(checklist.items)})
    return checklist
