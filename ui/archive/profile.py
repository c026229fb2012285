"""基本信息 and 家庭与监护人: read-only views of a student's record."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from app.archive.students import Student
from ui.archive.models import RowsModel


def mask_id_number(id_number: str) -> str:
    """Show only the last four characters of an identity card number."""
    if not id_number:
        return ""
    if len(id_number) <= 4:
        return "*" * len(id_number)
    return "*" * (len(id_number) - 4) + id_number[-4:]


def yes_no(flag: bool) -> str:
    return "是" if flag else "否"


class ProfileTab(QWidget):
    FIELDS = [("name", "姓名"), ("gender", "性别"), ("birth_date", "出生日期"), ("ethnicity", "民族"),
              ("class_name", "班级"), ("registry_no", "学籍号"), ("status", "学籍状态"), ("boarding", "是否住校"),
              ("left_behind", "是否留守儿童"), ("id_number", "身份证件号"), ("address", "家庭住址")]

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.values: dict[str, QLabel] = {}
        for key, label in self.FIELDS:
            value = QLabel()
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)
            self.values[key] = value
            form.addRow(f"{label}：", value)

    def show_student(self, s: Student) -> None:
        texts = {"name": s.name, "gender": s.gender, "birth_date": s.birth_date, "ethnicity": s.ethnicity,
                 "class_name": s.class_name, "registry_no": s.registry_no, "status": s.status,
                 "boarding": yes_no(s.boarding), "left_behind": yes_no(s.left_behind),
                 "id_number": mask_id_number(s.id_number), "address": s.address}
        for key, label in self.values.items():
            label.setText(texts[key] or "—")


class GuardiansTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        self.model = RowsModel(["监护人", "关系", "联系电话"])
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.family = QLabel()
        self.family.setWordWrap(True)
        layout.addWidget(self.family)
        layout.addWidget(self.view)

    def show_student(self, s: Student) -> None:
        self.model.set_rows([(g.name, g.relation, g.phone) for g in s.guardians])
        facts = [f"留守儿童：{yes_no(s.left_behind)}", f"住校：{yes_no(s.boarding)}"]
        if s.address:
            facts.append(f"家庭住址：{s.address}")
        if not s.guardians:
            facts.append("花名册中没有监护人信息。")
        self.family.setText("　　".join(facts))
