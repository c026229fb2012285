"""The school's own row: name, code and stages (shown in the title bar and the settings page)."""
from __future__ import annotations

import json
from dataclasses import dataclass

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
