"""The school's own row: name, code and stages (shown in the title bar and the settings page)."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from app.errors import InputRejected
from app.policy import can_manage_school, require
from app.session import Session
from app.store.db import Database
from app.store.settings import get_setting, set_setting

STAGE_LABELS = {"primary": "小学", "junior": "初中", "senior": "高中"}


@dataclass(frozen=True)
class SchoolProfile:
    name: str
    code: str
    stages: list[str]

    @property
    def stages_label(self) -> str:
        return "、".join(STAGE_LABELS.get(s, s) for s in self.stages)


def get_school(db: Database) -> SchoolProfile:
    row = db.one("SELECT name, code, stages FROM school WHERE id = 1")
    if row is None:
        return SchoolProfile("", "", [])
    try:
        stages = [str(s) for s in json.loads(row["stages"] or "[]")]
    except ValueError:
        stages = []
    return SchoolProfile(str(row["name"]), str(row["code"]), stages)


def update_school(session: Session, name: str, code: str, stages: list[str]) -> SchoolProfile:
    """Correct the school's name, code or stages after set-up (managers only; audited)."""
    require(session, can_manage_school, "修改学校信息")
    name, code = name.strip(), code.strip()
    if not name:
        raise InputRejected("学校名称不能为空。")
    unknown = [s for s in stages if s not in STAGE_LABELS]
    if unknown:
        raise InputRejected(f"未知的学段：{'、'.join(unknown)}。")
    if not stages:
        raise InputRejected("请至少选择一个学段。")
    ordered = [s for s in STAGE_LABELS if s in stages]
    before = get_school(session.db)
    with session.db.transaction():
        session.db.execute("UPDATE school SET name = :n, code = :c, stages = :s WHERE id = 1",
                           {"n": name, "c": code, "s": json.dumps(ordered)})
        session.audit("settings", "school", {"before": [before.name, before.code, before.stages],
                                             "after": [name, code, ordered]})
    return get_school(session.db)


# -- help lines printed on every parent letter (DOMAIN.md, home–school) ------------------------------------------
NATIONAL_HOTLINE = "12355"
LOCAL_HOTLINE_SETTING = "school.local_hotline"
HOTLINE_EXAMPLE = "0951-2160707"   # the Ningxia line the seeds name, shown as an example only


def local_hotline(db: Database) -> str:
    """The school's local help line (心理援助热线) as set in 设置; empty when none is set."""
    return str(get_setting(db, LOCAL_HOTLINE_SETTING, "") or "")


def set_local_hotline(session: Session, text: str) -> str:
    """Set (or clear, with an empty text) the local help line printed under 12355 on every letter."""
    require(session, can_manage_school, "设置本地心理援助热线")
    value = " ".join(text.split())
    if len(value) > 60:
        raise InputRejected("本地心理援助热线太长，请只写号码和简短名称，例如 宁夏心理援助热线 0951-2160707。")
    if value and not re.search(r"\d{3,}", value):
        raise InputRejected(f"“{value}”里没有电话号码。请写号码，例如 {HOTLINE_EXAMPLE}。")
    with session.db.transaction():
        before = local_hotline(session.db)
        set_setting(session.db, LOCAL_HOTLINE_SETTING, value)
        session.audit("settings", LOCAL_HOTLINE_SETTING, {"from": before, "to": value})
    return value


def help_lines(db: Database) -> list[str]:
    """The lines every letter carries: the national youth line and the school's local one when set."""
    lines = [f"全国青少年服务台（心理援助）{NATIONAL_HOTLINE}"]
    local = local_hotline(db)
    if local:
        lines.append(local if not local[:1].isdigit() else f"本地心理援助热线 {local}")
    return lines
