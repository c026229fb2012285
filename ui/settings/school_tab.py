"""学校: name and code, semesters with editable dates, classes with their head teachers, staff."""
from __future__ import annotations

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import XinqiaoError
from app.school.calendar import list_semesters, update_semester
from app.school.classes import list_classes, set_head_teacher
from app.school.profile import get_school
from app.school.staff import STAFF_ROLES, add_staff, list_staff
from ui import dialogs
from ui.context import AppContext
from ui.settings.common import can_manage, cell, make_table

TERM_LABELS = {"autumn": "秋季学期", "spring": "春季学期"}


class SchoolTab(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.editable = can_manage(ctx.session.account)
        lay = QVBoxLayout(self)
        info = QGroupBox("学校")
        form = QFormLayout(info)
        self.name_label = QLabel()
        self.code_label = QLabel()
        self.stages_label = QLabel()
        form.addRow("学校名称", self.name_label)
        form.addRow("学校代码", self.code_label)
        form.addRow("学段", self.stages_label)
        lay.addWidget(info)

        row = QHBoxLayout()
        sem_box = QGroupBox("学年与学期")
        sem_lay = QVBoxLayout(sem_box)
        self.semesters = make_table(["学年", "学期", "开始", "结束"])
        sem_lay.addWidget(self.semesters)
        self.save_semesters_button = QPushButton("保存学期日期")
        self.save_semesters_button.clicked.connect(self.save_semesters)
        self.save_semesters_button.setEnabled(self.editable)
        sem_lay.addWidget(self.save_semesters_button)
        row.addWidget(sem_box, 1)

        cls_box = QGroupBox("班级与班主任")
        cls_lay = QVBoxLayout(cls_box)
        self.classes = make_table(["班级", "班主任"], stretch=1)
        cls_lay.addWidget(self.classes)
        add_staff_button = QPushButton("添加教职工…")
        add_staff_button.clicked.connect(self.add_staff)
        add_staff_button.setEnabled(self.editable)
        cls_lay.addWidget(add_staff_button)
        row.addWidget(cls_box, 1)
        lay.addLayout(row, 1)
        self.date_edits: dict[int, tuple[QDateEdit, QDateEdit]] = {}
        ctx.unlocked.connect(self.refresh)
        ctx.data_changed.connect(lambda what: self.refresh() if what in ("students", "school", "settings") else None)
        self.refresh()

    def refresh(self) -> None:
        if self.ctx.session.locked:
            return
        db = self.ctx.session.db
        school = get_school(db)
        self.name_label.setText(school.name)
        self.code_label.setText(school.code or "（未填写）")
        self.stages_label.setText(school.stages_label or "（未填写）")
        sems = list_semesters(db)
        self.semesters.setRowCount(len(sems))
        self.date_edits.clear()
        for r, s in enumerate(reversed(sems)):
            self.semesters.setItem(r, 0, cell(s.year_name))
            self.semesters.setItem(r, 1, cell(TERM_LABELS.get(s.term, s.name)))
            edits = []
            for col, value in ((2, s.start_date), (3, s.end_date)):
                ed = QDateEdit(QDate.fromString(value, "yyyy-MM-dd"))
                ed.setDisplayFormat("yyyy-MM-dd")
                ed.setCalendarPopup(True)
                ed.setEnabled(self.editable)
                self.semesters.setCellWidget(r, col, ed)
                edits.append(ed)
            self.date_edits[s.id] = (edits[0], edits[1])
        self.semesters.resizeColumnsToContents()
        staff = [m for m in list_staff(db) if m.active]
        classes = list_classes(db)
        self.classes.setRowCount(len(classes))
        for r, c in enumerate(classes):
            self.classes.setItem(r, 0, cell(c.name))
            combo = QComboBox()
            combo.addItem("（未设置）", None)
            for m in staff:
                combo.addItem(f"{m.name}（{m.role_label}）", m.id)
            idx = combo.findData(c.head_teacher_id) if c.head_teacher_id is not None else 0
            combo.setCurrentIndex(max(0, idx))
            combo.setEnabled(self.editable)
            combo.currentIndexChanged.connect(lambda _i, cid=c.id, cb=combo: self._set_head(cid, cb))
            self.classes.setCellWidget(r, 1, combo)

    def save_semesters(self) -> int:
        changed = 0
        db = self.ctx.session.db
        current = {s.id: s for s in list_semesters(db)}
        for sid, (start_ed, end_ed) in self.date_edits.items():
            start = start_ed.date().toString("yyyy-MM-dd")
            end = end_ed.date().toString("yyyy-MM-dd")
            old = current.get(sid)
            if old is None or (old.start_date, old.end_date) == (start, end):
                continue
            if start > end:
                dialogs.warn(self, "学期日期", f"{old.name}：开始日期不能晚于结束日期。")
                return changed
            update_semester(db, sid, start, end)
            changed += 1
        if changed:
            self.ctx.session.audit("settings", "semesters", f"修改了 {changed} 个学期的日期")
            self.ctx.data_changed.emit("school")
        return changed

    def _set_head(self, class_id: int, combo: QComboBox) -> None:
        staff_id = combo.currentData()
        set_head_teacher(self.ctx.session.db, class_id, staff_id)
        self.ctx.session.audit("settings", f"class:{class_id}", {"head_teacher": staff_id})

    def add_staff(self) -> None:
        dlg = QDialog(self)
        dlg.setWindowTitle("添加教职工")
        form = QFormLayout(dlg)
        name = QLineEdit()
        role = QComboBox()
        for key, label in STAFF_ROLES.items():
            role.addItem(label, key)
        phone = QLineEdit()
        form.addRow("姓名", name)
        form.addRow("身份", role)
        form.addRow("电话", phone)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        box.accepted.connect(dlg.accept)
        box.rejected.connect(dlg.reject)
        form.addRow(box)
        if dlg.exec() != QDialog.DialogCode.Accepted or not name.text().strip():
            return
        try:
            add_staff(self.ctx.session.db, name.text().strip(), role.currentData(), phone.text().strip())
        except (XinqiaoError, ValueError) as e:
            dialogs.error(self, "添加教职工", str(e))
            return
        self.ctx.session.audit("settings", "staff", {"add": name.text().strip()})
        self.refresh()
