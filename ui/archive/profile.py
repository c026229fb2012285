"""基本信息 and 家庭与监护人: a student's record, and amending it (counselors and managers).

编辑 turns the read-only values into fields; a reason is required; 保存 (Ctrl+S) writes one amendment through
``app.archive.profile`` (recorded on the timeline), 取消 (Esc) drops the typed values. Refused values are shown in
Chinese under their field. The shortcuts are routed here by the archive view (see ``ArchiveView``).
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.archive.profile import (
    GUARDIAN_RELATIONS,
    ProfileInvalid,
    can_edit,
    guardians_of,
    set_guardians,
    update_profile,
)
from app.archive.students import STATUSES, Guardian, Student
from app.archive.summary import StudentSummary
from app.errors import XinqiaoError
from app.session import Session
from app.tabular import parse_date
from ui.archive.models import RowsModel
from ui.network.dorm_dialog import DormDialog
from ui.network.hooks import dorm_label, may_set_dorm
from ui.shell.forms import DraftForm
from ui.shell.theme import set_tone


def mask_id_number(id_number: str) -> str:
    """Show only the last four characters of an identity card number."""
    if not id_number:
        return ""
    if len(id_number) <= 4:
        return "*" * len(id_number)
    return "*" * (len(id_number) - 4) + id_number[-4:]


def yes_no(flag: bool) -> str:
    return "是" if flag else "否"


def _error_label() -> QLabel:
    label = QLabel()
    set_tone(label, "error")
    label.setWordWrap(True)
    label.hide()
    return label


def _show_error(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))


class _EditPanel(QWidget):
    """The reason field, 保存 and 取消, and a general message: shown below a tab while it is edited."""

    def __init__(self, reason_hint: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(reason_hint)
        self.reason.setAccessibleName("修改原因")
        self.reason_error = _error_label()
        self.save_button = QPushButton("保存（Ctrl+S）")
        self.cancel_button = QPushButton("取消（Esc）")
        self.message = _error_label()
        form = QFormLayout(self)
        form.setContentsMargins(0, 8, 0, 0)
        reason_label = QLabel("＊修改原因：")
        reason_label.setBuddy(self.reason)
        form.addRow(reason_label, self.reason)
        form.addRow("", self.reason_error)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        form.addRow("", self.message)
        form.addRow("", buttons)
        hint = QLabel("修改会记入时间线（修改人、时间、原因），原记录不会被悄悄覆盖。")
        set_tone(hint, "muted")
        form.addRow("", hint)

    def clear(self) -> None:
        self.reason.clear()
        _show_error(self.reason_error, "")
        _show_error(self.message, "")


class _EditableTab(QWidget, DraftForm):
    """What the archive view needs from a tab that can be edited. While it is edited it is a form of
    ``ui.shell.forms`` (key ``<draft_prefix>:<student>``): a draft, and a question before discarding."""

    draft_confidential = False   # the student's record is ordinary-tier
    draft_prefix = ""

    changed = Signal()               # a save wrote something
    editing_changed = Signal(bool)

    def __init__(self, session: Session | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.student: Student | None = None
        self.editing = False
        self.may_edit = session is not None and can_edit(session.account)
        self.edit_button = QPushButton("编辑")
        self.edit_button.clicked.connect(self.begin_edit)
        self.edit_button.setVisible(self.may_edit)
        self.notice = QLabel()
        set_tone(self.notice, "ok")

    def _bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        bar.addWidget(self.edit_button)
        bar.addWidget(self.notice, 1)
        return bar

    def _set_editing(self, on: bool) -> None:
        self.editing = on
        self.edit_button.setEnabled(not on)
        self.editing_changed.emit(on)

    def begin_edit(self) -> None:
        raise NotImplementedError

    def _start_drafts(self) -> None:
        """The fields hold the record: keep drafts of what is typed (and refill from an earlier one)."""
        if self.session is not None and self.student is not None:
            if self.use_drafts(self.session, f"{self.draft_prefix}:{self.student.id}", student_id=self.student.id):
                self.notice.setText("已恢复上次未保存的修改。")

    def cancel_edit(self) -> bool:
        """取消 / Esc: asks before discarding anything typed (the default keeps it); True if the edit was left."""
        if not self.editing:
            return True
        if not self.confirm_discard():
            return False
        self.end_drafts()
        self._leave_edit()
        self.notice.setText("已取消，未作修改。")
        return True

    def drop_edit(self) -> None:
        """Leave the edit without a question (the user already chose to discard), its draft deleted."""
        if self.editing:
            self.discard_draft()
            self.end_drafts()
            self._leave_edit()

    def _leave_edit(self) -> None:
        raise NotImplementedError

    def save(self) -> bool:
        raise NotImplementedError


class SummaryCard(QFrame):
    """基本信息's first card: where the student stands and what comes next (``app.archive.summary``)."""

    ROWS = (("level", "预警等级"), ("status", "学籍状态"), ("crisis", "危机个案"), ("last_talk", "最近谈话"),
            ("next_due", "下一项到期"), ("plan_review", "方案复查"), ("tags", "重点关注"))

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        grid = QGridLayout(self)
        grid.setColumnStretch(1, 1)
        self.names: dict[str, QLabel] = {}
        self.values: dict[str, QLabel] = {}
        for row, (key, label) in enumerate(self.ROWS):
            name = QLabel(label + "：")
            value = QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(name, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(value, row, 1)
            self.names[key], self.values[key] = name, value
        self.hide()

    def show_summary(self, s: StudentSummary) -> None:
        texts = {"level": s.level, "status": s.status, "crisis": "\n".join(s.crisis), "last_talk": s.last_talk,
                 "next_due": s.next_due, "plan_review": s.plan_review, "tags": "、".join(s.tags) or "无"}
        for key, text in texts.items():
            self.values[key].setText(text)
            shown = bool(text) or key not in ("crisis", "plan_review")   # not applicable: hidden, not greyed
            self.values[key].setVisible(shown)
            self.names[key].setVisible(shown)
        level_tone = "urgent" if s.level_value == 1 else ("warn" if s.level_value in (2, 3) else "")
        self._tone(self.values["level"], level_tone)
        self._tone(self.values["crisis"], "urgent")
        self._tone(self.values["next_due"], "urgent" if s.next_due_overdue else "")
        self.show()

    @staticmethod
    def _tone(label: QLabel, tone: str) -> None:
        set_tone(label, tone)

    def rows(self) -> dict[str, str]:
        """What the card shows (for tests): only the rows that apply."""
        return {label: self.values[key].text() for key, label in self.ROWS if not self.values[key].isHidden()}


class ProfileTab(_EditableTab):
    draft_label = "基本信息修改"
    draft_prefix = "profile"
    FIELDS = [("name", "姓名"), ("gender", "性别"), ("birth_date", "出生日期"), ("ethnicity", "民族"),
              ("class_name", "班级"), ("registry_no", "学籍号"), ("status", "学籍状态"), ("boarding", "是否住校"),
              ("left_behind", "是否留守儿童"), ("id_number", "身份证件号"), ("address", "家庭住址")]
    EDITABLE = ["gender", "birth_date", "ethnicity", "status", "boarding", "left_behind", "id_number", "address"]

    def __init__(self, session: Session | None = None, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.edit_button.setToolTip("修改基本信息（姓名、学籍号、班级随花名册导入更新）")
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.values: dict[str, QLabel] = {}
        self.editors: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        for key, label in self.FIELDS:
            value = QLabel()
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)
            self.values[key] = value
            cell = QWidget()
            box = QVBoxLayout(cell)
            box.setContentsMargins(0, 0, 0, 0)
            box.setSpacing(2)
            box.addWidget(value)
            row_label = QLabel(f"{label}：")
            if key in self.EDITABLE:
                editor = self._make_editor(key, label)
                editor.hide()
                self.editors[key] = editor
                self.errors[key] = _error_label()
                box.addWidget(editor)
                box.addWidget(self.errors[key])
                row_label.setBuddy(editor)
            form.addRow(row_label, cell)
            if key == "boarding":
                form.addRow("宿舍：", self._dorm_row())
        self.panel = _EditPanel("例如：家长提供户口本，更正出生日期")
        self.panel.hide()
        self.panel.save_button.clicked.connect(self.save)
        self.panel.cancel_button.clicked.connect(self.cancel_edit)
        self.card = SummaryCard()
        # the card, the fields and the edit panel scroll together: the tab fits a 1024×768 screen
        body = QWidget()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        layout = QVBoxLayout(body)
        layout.addWidget(self.card)
        layout.addLayout(self._bar())
        layout.addLayout(form)
        layout.addWidget(self.panel)
        layout.addStretch(1)
        chain = [self.editors[k] for k in self.EDITABLE] + [self.panel.reason, self.panel.save_button,
                                                             self.panel.cancel_button]
        for a, b in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(a, b)

    def _dorm_row(self) -> QWidget:
        """宿舍: the building and room (the warning network's rooms and informants count on it), and 设置宿舍…"""
        self.dorm = QLabel("—")
        self.dorm.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.dorm_button = QPushButton("设置宿舍…")
        self.dorm_button.setToolTip("填写或清除住校生的楼栋和房间号")
        self.dorm_button.setVisible(self.session is not None and may_set_dorm(self.session))
        self.dorm_button.clicked.connect(self.open_dorm_dialog)
        self.dorm_dialog: DormDialog | None = None
        cell = QWidget()
        row = QHBoxLayout(cell)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.dorm)
        row.addWidget(self.dorm_button)
        row.addStretch(1)
        return cell

    def open_dorm_dialog(self) -> DormDialog | None:
        s = self.student
        if s is None or self.session is None or not may_set_dorm(self.session):
            return None
        dlg = DormDialog(self.session, s.id, s.name, self)
        dlg.saved.connect(self._dorm_saved)
        self.dorm_dialog = dlg
        dlg.open()
        return dlg

    def _dorm_saved(self) -> None:
        self.notice.setText("宿舍已更新。")
        self.changed.emit()

    @staticmethod
    def _make_editor(key: str, label: str) -> QWidget:
        editor: QWidget
        if key == "gender":
            combo = QComboBox()
            combo.addItem("未填写", "")
            combo.addItem("男", "男")
            combo.addItem("女", "女")
            editor = combo
        elif key == "status":
            combo = QComboBox()
            combo.addItems(STATUSES)
            editor = combo
        elif key in ("boarding", "left_behind"):
            editor = QCheckBox("是")
        else:
            line = QLineEdit()
            line.setPlaceholderText({"birth_date": "例如 2013-05-04", "ethnicity": "例如 汉族",
                                     "address": "例如 某某县某某镇某某村 12 号"}.get(key, ""))
            editor = line
        editor.setAccessibleName(label)
        editor.setMaximumWidth(640 if key == "address" else 360)
        return editor

    def show_student(self, s: Student) -> None:
        self.student = s
        texts = {"name": s.name, "gender": s.gender, "birth_date": s.birth_date, "ethnicity": s.ethnicity,
                 "class_name": s.class_name, "registry_no": s.registry_no, "status": s.status,
                 "boarding": yes_no(s.boarding), "left_behind": yes_no(s.left_behind),
                 "id_number": mask_id_number(s.id_number), "address": s.address}
        for key, label in self.values.items():
            label.setText(texts[key] or "—")
        self.dorm.setText((dorm_label(self.session, s.id) if self.session is not None else "") or "—")
        # While editing, the typed values stay (e.g. across a lock and unlock); the labels are refreshed.

    # -- editing -----------------------------------------------------------------------------------
    def combo(self, key: str) -> QComboBox:
        w = self.editors[key]
        assert isinstance(w, QComboBox)
        return w

    def line(self, key: str) -> QLineEdit:
        w = self.editors[key]
        assert isinstance(w, QLineEdit)
        return w

    def check(self, key: str) -> QCheckBox:
        w = self.editors[key]
        assert isinstance(w, QCheckBox)
        return w

    def begin_edit(self) -> None:
        s = self.student
        if s is None or not self.may_edit or self.editing:
            return
        self.combo("gender").setCurrentIndex(max(self.combo("gender").findData(s.gender), 0))
        self.combo("status").setCurrentText(s.status)
        self.line("birth_date").setText(s.birth_date)
        self.line("ethnicity").setText(s.ethnicity)
        self.line("address").setText(s.address)
        self.check("boarding").setChecked(s.boarding)
        self.check("left_behind").setChecked(s.left_behind)
        idn = self.line("id_number")
        idn.clear()
        idn.setPlaceholderText(f"现为 {mask_id_number(s.id_number)}；留空表示不修改" if s.id_number
                               else "未登记；可填写身份证号或其他证件号")
        for key in self.EDITABLE:
            self.values[key].hide()
            self.editors[key].show()
            _show_error(self.errors[key], "")
        self.panel.clear()
        self.panel.show()
        self.notice.clear()
        self._set_editing(True)
        self._start_drafts()
        self.editors[self.EDITABLE[0]].setFocus(Qt.FocusReason.OtherFocusReason)

    def _leave_edit(self) -> None:
        for key in self.EDITABLE:
            self.editors[key].hide()
            _show_error(self.errors[key], "")
            self.values[key].show()
        self.panel.hide()
        self.panel.clear()
        self._set_editing(False)
        self.edit_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def typed_changes(self) -> dict[str, Any]:
        """The values in the fields, as ``update_profile`` takes them."""
        birth = self.line("birth_date").text().strip()
        try:
            d = parse_date(birth)  # 2013/5/4 or 2013年5月4日 are understood and stored as 2013-05-04
            birth = d.isoformat() if d is not None else ""
        except ValueError:
            pass  # left as typed: update_profile says what is wrong with it
        changes: dict[str, Any] = {
            "gender": self.combo("gender").currentData(), "birth_date": birth,
            "ethnicity": self.line("ethnicity").text(), "status": self.combo("status").currentText(),
            "boarding": self.check("boarding").isChecked(), "left_behind": self.check("left_behind").isChecked(),
            "address": self.line("address").text()}
        if self.line("id_number").text().strip():
            changes["id_number"] = self.line("id_number").text()
        return changes

    def save(self) -> bool:
        s = self.student
        if not self.editing or s is None or self.session is None:
            return False
        for key in self.EDITABLE:
            _show_error(self.errors[key], "")
        _show_error(self.panel.reason_error, "")
        _show_error(self.panel.message, "")
        try:
            changed = update_profile(self.session, s.id, self.typed_changes(), self.panel.reason.text())
        except ProfileInvalid as e:
            self._show_errors(e.errors)
            return False
        except XinqiaoError as e:
            _show_error(self.panel.message, str(e))
            return False
        self.draft_saved()
        self.end_drafts()
        self._leave_edit()
        self.notice.setText("已保存，修改已记入时间线。" if changed else "没有需要保存的修改。")
        if changed:
            self.changed.emit()
        return True

    def _show_errors(self, errors: dict[str, str]) -> None:
        first: QWidget | None = None
        for key, text in errors.items():
            if key == "reason":
                _show_error(self.panel.reason_error, text)
                first = first or self.panel.reason
            elif key in self.errors:
                _show_error(self.errors[key], text)
                first = first or self.editors[key]
            else:
                _show_error(self.panel.message, text)
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)

    def visible_errors(self) -> dict[str, str]:
        """Field -> the error shown under it (for tests and accessibility checks)."""
        out = {k: label.text() for k, label in self.errors.items() if not label.isHidden()}
        if not self.panel.reason_error.isHidden():
            out["reason"] = self.panel.reason_error.text()
        return out


class GuardianRow(QWidget):
    """One guardian being edited: name, relation, phone, 删除."""

    def __init__(self, number: int, g: Guardian | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = QLineEdit(g.name if g else "")
        self.name.setPlaceholderText("姓名")
        self.relation = QComboBox()
        self.relation.setEditable(True)
        self.relation.addItems(GUARDIAN_RELATIONS)
        self.relation.setCurrentText(g.relation if g else "")
        self.phone = QLineEdit(g.phone if g else "")
        self.phone.setPlaceholderText("联系电话")
        self.remove_button = QPushButton("删除")
        self.error = _error_label()
        self.renumber(number)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.name, 2)
        row.addWidget(self.relation, 1)
        row.addWidget(self.phone, 2)
        row.addWidget(self.remove_button)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addLayout(row)
        box.addWidget(self.error)

    def renumber(self, number: int) -> None:
        self.number = number
        self.name.setAccessibleName(f"第 {number} 位监护人姓名")
        self.relation.setAccessibleName(f"第 {number} 位监护人关系")
        self.phone.setAccessibleName(f"第 {number} 位监护人电话")
        self.remove_button.setAccessibleName(f"删除第 {number} 位监护人")

    def guardian(self) -> Guardian:
        return Guardian(self.name.text(), self.relation.currentText(), self.phone.text())

    def is_blank(self) -> bool:
        return not (self.name.text().strip() or self.phone.text().strip())

    def focus_chain(self) -> list[QWidget]:
        return [self.name, self.relation, self.phone, self.remove_button]


class GuardiansTab(_EditableTab):
    """The registry's guardian (from the roster, read-only here) and the guardians entered in the archive."""

    draft_label = "监护人修改"
    draft_prefix = "guardians"

    def __init__(self, session: Session | None = None, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.edit_button.setToolTip("修改在档案中登记的监护人（花名册中的监护人随花名册导入更新）")
        self.model = RowsModel(["监护人", "关系", "联系电话", "来源"])
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.family = QLabel()
        self.family.setWordWrap(True)

        self.editor = QWidget()
        self.registry_label = QLabel()
        self.registry_label.setWordWrap(True)
        set_tone(self.registry_label, "muted")
        self.rows_box = QVBoxLayout()
        self.rows_box.setSpacing(6)
        self.add_button = QPushButton("添加监护人")
        self.add_button.clicked.connect(lambda: self.add_row())
        self.list_error = _error_label()
        ev = QVBoxLayout(self.editor)
        ev.setContentsMargins(0, 0, 0, 0)
        ev.addWidget(self.registry_label)
        ev.addWidget(QLabel("在档案中登记的监护人（姓名、关系、联系电话）："))
        ev.addLayout(self.rows_box)
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_button)
        add_row.addStretch(1)
        ev.addLayout(add_row)
        ev.addWidget(self.list_error)
        self.editor.hide()
        self.rows: list[GuardianRow] = []

        self.panel = _EditPanel("例如：家长来电告知新的联系电话")
        self.panel.hide()
        self.panel.save_button.clicked.connect(self.save)
        self.panel.cancel_button.clicked.connect(self.cancel_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(self._bar())
        layout.addWidget(self.family)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.editor)
        layout.addWidget(self.panel)
        layout.addStretch(0)  # takes the table's room while the editor is shown

    def show_student(self, s: Student) -> None:
        self.student = s
        if self.session is not None:
            both = guardians_of(self.session, s.id)
            rows = [(g.name, g.relation, g.phone, "花名册") for g in ([both.registry] if both.registry else [])]
            rows += [(g.name, g.relation, g.phone, "档案登记") for g in both.edited]
        else:
            rows = [(g.name, g.relation, g.phone, "") for g in s.guardians]
        self.model.set_rows(rows)
        facts = [f"留守儿童：{yes_no(s.left_behind)}", f"住校：{yes_no(s.boarding)}"]
        if s.address:
            facts.append(f"家庭住址：{s.address}")
        if not rows:
            facts.append("花名册中没有监护人信息。")
        self.family.setText("　　".join(facts))

    # -- editing -----------------------------------------------------------------------------------
    def begin_edit(self) -> None:
        s = self.student
        if s is None or self.session is None or not self.may_edit or self.editing:
            return
        both = guardians_of(self.session, s.id)
        if both.registry is not None:
            g = both.registry
            self.registry_label.setText(f"花名册登记的监护人：{g.name}（{g.relation or '关系未填'}）{g.phone}。"
                                        "它随花名册导入更新，不在这里修改；如有变化，请在下面另行登记。")
        else:
            self.registry_label.setText("花名册中没有监护人信息。")
        self._clear_rows()
        for g in both.edited:
            self.add_row(g, focus=False)
        if not self.rows:
            self.add_row(focus=False)  # one empty row to start from
        self.view.hide()
        self.editor.show()
        self.panel.clear()
        _show_error(self.list_error, "")
        self.panel.show()
        self.notice.clear()
        self._set_editing(True)
        self._start_drafts()
        self.rows[0].name.setFocus(Qt.FocusReason.OtherFocusReason)

    def add_row(self, g: Guardian | None = None, focus: bool = True) -> GuardianRow:
        row = GuardianRow(len(self.rows) + 1, g)
        row.remove_button.clicked.connect(lambda: self.remove_row(row))
        self.rows.append(row)
        self.rows_box.addWidget(row)
        row.show()  # now, not on the next event-loop turn: Tab must reach it at once
        self._tab_order()
        if self.draft_key:
            self.draft_rescan()
            self._draft_touched()
        if focus:
            row.name.setFocus(Qt.FocusReason.OtherFocusReason)
        return row

    def remove_row(self, row: GuardianRow) -> None:
        i = self.rows.index(row)
        self.rows.remove(row)
        self.rows_box.removeWidget(row)
        row.deleteLater()
        for n, r in enumerate(self.rows, start=1):
            r.renumber(n)
        self._tab_order()
        target = self.rows[min(i, len(self.rows) - 1)].name if self.rows else self.add_button
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def _clear_rows(self) -> None:
        for row in self.rows:
            self.rows_box.removeWidget(row)
            row.deleteLater()
        self.rows = []

    def _tab_order(self) -> None:
        chain: list[QWidget] = [w for row in self.rows for w in row.focus_chain()]
        chain += [self.add_button, self.panel.reason, self.panel.save_button, self.panel.cancel_button]
        for a, b in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(a, b)

    def _leave_edit(self) -> None:
        self._clear_rows()
        self.editor.hide()
        self.panel.hide()
        self.panel.clear()
        self.view.show()
        self._set_editing(False)
        self.edit_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def draft_state(self) -> dict[str, Any]:
        """The rows as typed (their number changes as rows are added), and the reason."""
        return {"rows": [[r.name.text(), r.relation.currentText(), r.phone.text()] for r in self.rows],
                "reason": self.panel.reason.text()}

    def restore_draft_state(self, state: dict[str, Any]) -> None:
        self._clear_rows()
        for name, relation, phone in state.get("rows") or []:
            self.add_row(Guardian(str(name), str(relation), str(phone)), focus=False)
        if not self.rows:
            self.add_row(focus=False)
        self.panel.reason.setText(str(state.get("reason", "")))

    def typed_guardians(self) -> tuple[list[Guardian], list[GuardianRow]]:
        """The guardians in the rows, blank rows left out (and the rows they came from)."""
        kept = [row for row in self.rows if not row.is_blank()]
        return [row.guardian() for row in kept], kept

    def save(self) -> bool:
        s = self.student
        if not self.editing or s is None or self.session is None:
            return False
        for row in self.rows:
            _show_error(row.error, "")
        for label in (self.panel.reason_error, self.panel.message, self.list_error):
            _show_error(label, "")
        guardians, kept = self.typed_guardians()
        try:
            written = set_guardians(self.session, s.id, guardians, self.panel.reason.text())
        except ProfileInvalid as e:
            self._show_errors(e.errors, kept)
            return False
        except XinqiaoError as e:
            _show_error(self.panel.message, str(e))
            return False
        self.draft_saved()
        self.end_drafts()
        self._leave_edit()
        self.notice.setText("已保存，修改已记入时间线。" if written else "没有需要保存的修改。")
        if written:
            self.changed.emit()
        return True

    def _show_errors(self, errors: dict[str, str], kept: list[GuardianRow]) -> None:
        first: QWidget | None = None
        per_row: dict[int, list[str]] = {}
        for key, text in errors.items():
            if key == "reason":
                _show_error(self.panel.reason_error, text)
                first = first or self.panel.reason
            elif key.startswith("guardian:"):
                _, number, attr = key.split(":")
                row = kept[int(number) - 1]
                per_row.setdefault(id(row), []).append(text.split("：", 1)[-1])  # the row needs no "第 N 位"
                _show_error(row.error, "；".join(per_row[id(row)]))
                first = first or {"name": row.name, "relation": row.relation, "phone": row.phone}[attr]
            else:
                _show_error(self.list_error, text)
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)
