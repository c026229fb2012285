"""The school's own row: name, code and stages (shown in the title bar and the settings page)."""
from __future__ import annotations

import json
from dataclasses import dataclass

from app.errors import InputRejected
from app.policy import can_manage_school, require
from app.session import Session
from app.store.db import Database

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
