"""危机干预流程设置 (管理员): which steps each level requires and their due offsets, and the number of weekly
follow-ups. Offsets are typed as 「4小时」 or 「7天」; an empty cell means the level does not require the step."""
from __future__ import annotations

import copy
import re
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSpinBox, QTableWidget, QTableWidgetItem, QWidget

from app.crisis.manual import save_rules
from app.crisis.rules import LEVEL_LABELS, LEVELS, load_rules
from app.errors import InputRejected
from app.session import Session
from ui.crisis.forms import FormDialog, line

# The seeds set no hour counts for crisis steps: the offsets are the school's own manual, and say so.
SCHOOL_SETTING_NOTE = "以下期限是本校危机干预手册的设置（学校可修改），不是政策文件规定的时限。"
_OFFSET = re.compile(r"^\s*(\d+)\s*(小时|天|h|d)\s*$", re.IGNORECASE)


def offset_text(spec: dict[str, int] | None) -> str:
    if not spec:
        return ""
    return f"{spec['days']}天" if spec.get("days") else f"{spec.get('hours', 0)}小时"


def parse_offset(text: str, step: str) -> dict[str, int] | None:
    if not text.strip() or text.strip() in ("—", "-"):
        return None
    m = _OFFSET.match(text)
    if not m:
        raise InputRejected(f"“{step}”的期限“{text}”无法识别，请写成 4小时 或 7天，不要求则留空。")
    unit = "days" if m.group(2).lower() in ("天", "d") else "hours"
    return {unit: int(m.group(1))}


class RulesDialog(FormDialog):
    draft_label = "危机干预流程设置"
    draft_confidential = False

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("危机干预流程设置", parent, SCHOOL_SETTING_NOTE + "每个单元格是该等级下该步骤的期限"
                         "（从发现时或上一步完成时起算）；留空表示该等级不要求此步骤。“发现与报告”和“结案”各等级都必须有。")
        self.session = session
        self.setMinimumWidth(720)
        self.rules = load_rules(session.db)
        self.table = QTableWidget(len(self.rules.steps), 1 + len(LEVELS))
        self.table.setHorizontalHeaderLabels(["起算", *(LEVEL_LABELS[lv] for lv in LEVELS)])
        self.table.setVerticalHeaderLabels([s.name for s in self.rules.steps])
        for r, s in enumerate(self.rules.steps):
            anchor = QTableWidgetItem("发现时" if s.anchor == "opened" else "上一步完成后")
            anchor.setFlags(anchor.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(r, 0, anchor)
            for c, lv in enumerate(LEVELS, 1):
                self.table.setItem(r, c, QTableWidgetItem(offset_text(s.due.get(lv))))
        self.table.setMinimumHeight(330)
        self.weeks = QSpinBox()
        self.weeks.setRange(1, 52)
        self.weeks.setValue(self.rules.follow_up_weeks)
        self.weeks.setSuffix(" 周")
        self.reason = line(placeholder="修改说明，如 按学校新版手册调整")
        self.form.addRow(self.table)
        self.form.addRow("复学后跟踪", self.weeks)
        self.form.addRow("修改说明", self.reason)
        self.submit = self._save
        self.table.itemChanged.connect(self._draft_touched)
        self.use_drafts(session, "crisis:rules")

    def draft_state(self) -> dict[str, Any]:
        cells = [[(self.table.item(r, c).text() if self.table.item(r, c) is not None else "")
                  for c in range(1, self.table.columnCount())] for r in range(self.table.rowCount())]
        return {**super().draft_state(), "cells": cells}

    def restore_draft_state(self, state: dict[str, Any]) -> None:
        super().restore_draft_state(state)
        for r, row in enumerate(state.get("cells") or []):
            for c, text in enumerate(row, 1):
                if r < self.table.rowCount() and c < self.table.columnCount() and isinstance(text, str):
                    self.table.setItem(r, c, QTableWidgetItem(text))

    def set_cell(self, step_key: str, level: str, text: str) -> None:
        r = [s.key for s in self.rules.steps].index(step_key)
        self.table.setItem(r, 1 + LEVELS.index(level), QTableWidgetItem(text))

    def _save(self) -> None:
        raw = copy.deepcopy(self.rules.raw)
        for r, s in enumerate(self.rules.steps):
            due = {}
            for c, lv in enumerate(LEVELS, 1):
                item = self.table.item(r, c)
                spec = parse_offset(item.text() if item is not None else "", s.name)
                if spec is not None:
                    due[lv] = spec
            raw["steps"][r]["due"] = due
        raw["follow_up_weeks"] = self.weeks.value()
        save_rules(self.session, raw, self.reason.text())
