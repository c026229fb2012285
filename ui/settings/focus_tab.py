"""关注与反馈: the tier of each focus-tag category (counselors) and whom 一反馈 covers (managers)."""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from app.archive.tags import CONFIDENTIAL, FOCUS_TAGS, ORDINARY, TIER_LABELS, set_tag_tier, tag_tiers
from app.casework.coverage import FEEDBACK_SCOPES, feedback_scope, set_feedback_scope
from app.policy import can_manage_school, can_set_tag_tiers
from ui.settings.common import cell, make_table
from ui.shell.context import AppContext, Change
from ui.shell.errors import show_error


class FocusTab(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        account = ctx.session.account
        lay = QVBoxLayout(self)

        self.tiers_box = QGroupBox("重点关注标签的保密级别")
        tv = QVBoxLayout(self.tiers_box)
        hint = QLabel("保密级的标签（默认：既往心理问题、确诊心理障碍、遭受家庭暴力或性侵害、早期心理创伤）只有心理教师"
                      "能看到，班主任看不到这个标签本身；普通级的标签班主任可以看到，说明仍只有心理教师可见。"
                      "管理员看不到任何标签。")
        hint.setWordWrap(True)
        tv.addWidget(hint)
        self.tiers = make_table(["关注类别", "保密级别"], stretch=0)
        self.tier_combos: dict[str, QComboBox] = {}
        tv.addWidget(self.tiers, 1)
        self.tiers_box.setVisible(can_set_tag_tiers(account))
        lay.addWidget(self.tiers_box, 1)

        self.feedback_box = QGroupBox("一反馈（家长反馈）的范围")
        form = QFormLayout(self.feedback_box)
        self.feedback = QComboBox()
        for key, label in FEEDBACK_SCOPES.items():
            self.feedback.addItem(label, key)
        self.feedback.setEnabled(can_manage_school(account))
        form.addRow("每学期向家长反馈的学生", self.feedback)
        note = QLabel("重点学生：有重点关注标签、已复核的预警等级或未结案的危机个案的学生。完成情况统计按此设置计算。")
        note.setWordWrap(True)
        form.addRow(note)
        lay.addWidget(self.feedback_box)
        self.feedback.currentIndexChanged.connect(self._feedback_changed)
        ctx.unlocked.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        if self.ctx.session.locked:
            return
        db = self.ctx.session.db
        if can_set_tag_tiers(self.ctx.session.account):
            tiers = tag_tiers(db)
            self.tiers.setRowCount(len(FOCUS_TAGS))
            self.tier_combos = {}
            for row, tag in enumerate(FOCUS_TAGS):
                self.tiers.setItem(row, 0, cell(tag))
                combo = QComboBox()
                for key in (ORDINARY, CONFIDENTIAL):
                    combo.addItem(TIER_LABELS[key], key)
                combo.setCurrentIndex(combo.findData(tiers[tag]))
                combo.currentIndexChanged.connect(lambda _i, t=tag: self._tier_changed(t))
                self.tiers.setCellWidget(row, 1, combo)
                self.tier_combos[tag] = combo
        self.feedback.blockSignals(True)
        self.feedback.setCurrentIndex(self.feedback.findData(feedback_scope(db)))
        self.feedback.blockSignals(False)

    def _tier_changed(self, tag: str) -> None:
        try:
            set_tag_tier(self.ctx.session, tag, self.tier_combos[tag].currentData())
        except Exception as e:  # noqa: BLE001 - shown to the user, then the table shows what is stored
            show_error(self, e)
            self.refresh()
            return
        self.ctx.reload_index()   # the index filters tags by tier
        self.ctx.data_changed.emit(Change.STUDENTS)

    def _feedback_changed(self) -> None:
        try:
            set_feedback_scope(self.ctx.session, self.feedback.currentData())
        except Exception as e:  # noqa: BLE001
            show_error(self, e)
            self.refresh()
            return
        self.ctx.data_changed.emit(Change.SETTINGS)
