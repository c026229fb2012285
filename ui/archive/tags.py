"""重点关注: the student's focus tags, active and cleared; adding and clearing (counselors only)."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.archive.students import FOCUS_TAGS
from app.archive.tags import FocusTag, add_tags, clear_tag, confidential_tags, list_tags
from app.errors import XinqiaoError
from app.policy import can_read_confidential
from app.session import Session
from ui.archive.models import RowsModel, short_time
from ui.shell.chips import ChipField
from ui.shell.forms import DraftDialog
from ui.shell.theme import set_tone

CLEARED_FG = QColor("#888888")


class AddTagDialog(DraftDialog):
    """The tab names the draft key (``tag:add:<student>``) and deletes the draft once the tag is written."""

    draft_label = "添加重点关注"
    draft_drop_on_accept = False

    def __init__(self, student_name: str, parent: QWidget | None = None,
                 confidential: frozenset[str] = frozenset()) -> None:
        super().__init__(parent)
        self.confidential = confidential
        self.setWindowTitle(f"新建重点关注 — {student_name}")
        form = QFormLayout(self)
        self.tag = ChipField(FOCUS_TAGS)      # checkable tags: one category or several at once
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText("说明（选择“其他”时必填）")
        self.note.setFixedHeight(90)
        self.error = QLabel()
        set_tone(self.error, "error")
        self.tier = QLabel()
        self.tier.setWordWrap(True)
        set_tone(self.tier, "muted")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("添加")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self._check)
        self.buttons.rejected.connect(self.reject)
        form.addRow("关注类别：", self.tag)
        form.addRow("", self.tier)
        form.addRow("说明：", self.note)
        form.addRow(self.error)
        form.addRow(self.buttons)
        self.tag.changed.connect(self._update)
        self.note.textChanged.connect(self._update)
        self._update()

    def chosen(self) -> list[str]:
        return self.tag.selected()

    def _update(self, *_args: object) -> None:
        chosen = self.chosen()
        needs_note = "其他" in chosen and not self.note.toPlainText().strip()
        ok = bool(chosen) and not needs_note
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)
        self.error.setText("选择“其他”时请填写说明。" if needs_note else "")
        secret = [t for t in chosen if t in self.confidential]
        if not chosen:
            self.tier.setText("选择一个或几个关注类别。")
        elif not secret:
            self.tier.setText("普通级：本班班主任能看到这个标签；说明只有心理教师能看到。")
        elif len(secret) == len(chosen):
            self.tier.setText("保密级：只有心理教师能看到这个标签，班主任和管理员看不到。")
        else:
            self.tier.setText(f"保密级：{'、'.join(secret)} 只有心理教师能看到，班主任和管理员看不到；"
                              "其余类别本班班主任能看到，说明只有心理教师能看到。")

    def _check(self) -> None:
        if self.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled():
            self.accept()


class ClearTagDialog(DraftDialog):
    draft_label = "解除重点关注"
    draft_drop_on_accept = False

    def __init__(self, tag: FocusTag, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"解除重点关注：{tag.tag}")
        form = QFormLayout(self)
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText("例如：家庭情况好转，经评估不再需要重点关注")
        self.reason.setFixedHeight(90)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("解除")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(QLabel(f"设置于 {short_time(tag.set_at)}（{tag.set_by}）"))
        form.addRow("解除原因：", self.reason)
        form.addRow(self.buttons)
        self.reason.textChanged.connect(self._update)
        self._update()

    def _update(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.reason.toPlainText().strip()))


class TagsTab(QWidget):
    changed = Signal()  # a tag was added or cleared

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.student_id: int | None = None
        self.student_name = ""
        self.tags: list[FocusTag] = []
        self.dialog: QDialog | None = None
        counselor = can_read_confidential(session.account)
        headers = ["关注类别", "说明", "设置时间", "设置人", "状态", "解除原因"] if counselor else \
            ["关注类别", "设置时间", "设置人", "状态"]
        self.model = RowsModel(headers)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.verticalHeader().hide()
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        widths = (110, 280, 140, 100, 240) if counselor else (110, 140, 100, 240)
        for col, width in enumerate(widths):
            self.view.setColumnWidth(col, width)
        self.add_button = QPushButton("添加…")
        self.clear_button = QPushButton("解除…")
        self.add_button.clicked.connect(self.open_add_dialog)
        self.clear_button.clicked.connect(self.open_clear_dialog)
        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        buttons.addWidget(self.message)
        layout = QVBoxLayout(self)
        if counselor:
            layout.addLayout(buttons)
        else:
            self.add_button.hide()
            self.clear_button.hide()
            hint = QLabel("重点关注由心理教师设置；说明内容和保密级的标签仅心理教师可见。")
            set_tone(hint, "muted")
            layout.addWidget(hint)
        layout.addWidget(self.view)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self._update_buttons()

    def load(self, student_id: int, student_name: str) -> None:
        self.student_id = student_id
        self.student_name = student_name
        self.tags = list_tags(self.session, student_id)
        counselor = can_read_confidential(self.session.account)
        rows: list[tuple[str, ...]] = []
        brushes: dict[int, tuple[QColor | None, QColor | None]] = {}
        for i, t in enumerate(self.tags):
            status = "关注中" if t.cleared_at is None else f"已于 {short_time(t.cleared_at)[:10]} 解除（{t.cleared_by}）"
            if t.cleared_at is not None:
                brushes[i] = (None, CLEARED_FG)
            if counselor:
                rows.append((t.tag, t.note, short_time(t.set_at), t.set_by, status, t.clear_reason))
            else:
                rows.append((t.tag, short_time(t.set_at), t.set_by, status))
        self.model.set_rows(rows, brushes)
        self._update_buttons()

    def selected_tag(self) -> FocusTag | None:
        rows = self.view.selectionModel().selectedRows()
        return self.tags[rows[0].row()] if rows else None

    def select_row(self, row: int) -> None:
        self.view.selectRow(row)

    def select_tag(self, tag_id: int) -> bool:
        for row, tag in enumerate(self.tags):
            if tag.id == tag_id:
                self.view.selectRow(row)
                return True
        return False

    def _update_buttons(self) -> None:
        tag = self.selected_tag()
        self.add_button.setEnabled(self.student_id is not None)
        self.clear_button.setEnabled(tag is not None and tag.cleared_at is None)

    def _run(self, action: Callable[[], object]) -> bool:
        try:
            action()
        except XinqiaoError as e:
            self.message.setText(str(e))
            set_tone(self.message, "error")
            return False
        self.message.setText("")
        assert self.student_id is not None
        self.load(self.student_id, self.student_name)
        self.changed.emit()
        return True

    def open_add_dialog(self) -> AddTagDialog:
        dlg = AddTagDialog(self.student_name, self, confidential_tags(self.session.db))
        dlg.use_drafts(self.session, f"tag:add:{self.student_id}", student_id=self.student_id)
        dlg.accepted.connect(lambda: self.add(dlg.chosen(), dlg.note.toPlainText()) and dlg.draft_saved())
        self.dialog = dlg
        dlg.open()
        return dlg

    def open_clear_dialog(self) -> ClearTagDialog | None:
        tag = self.selected_tag()
        if tag is None:
            return None
        dlg = ClearTagDialog(tag, self)
        dlg.use_drafts(self.session, f"tag:clear:{tag.id}", student_id=self.student_id)
        dlg.accepted.connect(lambda: self.clear(tag.id, dlg.reason.toPlainText()) and dlg.draft_saved())
        self.dialog = dlg
        dlg.open()
        return dlg

    def add(self, tags: list[str], note: str) -> bool:
        """Set one category or several (one transaction)."""
        sid = self.student_id
        assert sid is not None
        return self._run(lambda: add_tags(self.session, sid, tags, note))

    def clear(self, tag_id: int, reason: str) -> bool:
        return self._run(lambda: clear_tag(self.session, tag_id, reason))
