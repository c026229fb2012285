"""家长告知书: pick a template, edit it with a live preview (a counselor), choose one student, a class or a ledger level,
then export a PDF (one file or one per student) or print through Qt's print dialog with its preview. Below, the
letters made, to mark delivered (a whole batch at once) and the receipt returned.

A 班主任 sees only the templates they may print (学期反馈, 家访记录, 家长学校, 假期提示) and only their own class.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPixmap, QResizeEvent
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from app.archive.students import StudentFilter, get_student
from app.errors import InputRejected, XinqiaoError
from app.letters.layout import LaidOut
from app.letters.records import (
    LetterRequest,
    LetterRow,
    Prepared,
    Selection,
    export_pdf,
    list_letters,
    mark_delivered,
    metrics,
    out_path,
    prepare,
    preview,
    printable_templates,
    record_printed,
    record_receipt,
)
from app.letters.templates import Template, reset_template, save_template
from app.policy import can_counsel, in_scope
from app.school.classes import list_classes
from ui.letters.dialogs import DeliveredDialog, ReceiptDialog
from ui.letters.painter import page_image, print_letters
from ui.letters.template_editor import TemplateEditor
from ui.shell import dialogs
from ui.shell.context import AppContext, Change
from ui.shell.tasks import Progress, Task, run_task
from ui.shell.theme import icon, set_tone

SCOPES = {"student": "一名学生", "class": "一个班级", "level": "一个预警等级"}
PREVIEW_DELAY_MS = 250


class LettersPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.session = ctx.session
        self.editable = can_counsel(self.session.account)
        self.task: Task | None = None
        self.print_dialog: QPrintPreviewDialog | None = None
        self.dialog: Any = None
        self.student_id: int | None = None
        self._laid: list[LaidOut] = []
        self._prepared: Prepared | None = None
        self.rows: list[LetterRow] = []
        self.last_message = ""

        # -- the templates -------------------------------------------------------------------------
        self.template_list = QListWidget()
        self.template_list.setObjectName("templateList")
        self.template_list.setMaximumWidth(220)
        self.template_list.setMinimumWidth(120)
        # a long title elides (its tooltip holds it whole) rather than scrolling the narrow list sideways
        self.template_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.template_list.currentRowChanged.connect(self._template_chosen)

        # -- the editor ----------------------------------------------------------------------------
        self.editor = edit_box = TemplateEditor(self.session, self.editable)
        form = edit_box.form
        self.title_edit = edit_box.title_edit
        self.body_edit = edit_box.body_edit
        self.signature_edit = edit_box.signature_edit
        self.receipt_edit = edit_box.receipt_edit
        self.title_edit.textChanged.connect(self._schedule_preview)
        for e in (self.body_edit, self.signature_edit, self.receipt_edit):
            e.textChanged.connect(self._schedule_preview)
        self._shown_template = ""      # the template the editor shows (to go back to if a switch is declined)
        self.save_button = QPushButton("保存模板")
        self.reset_button = QPushButton("恢复默认文本")
        self.save_button.clicked.connect(self.save_template)
        self.reset_button.clicked.connect(self.reset_template)
        self.edit_state = QLabel("")
        set_tone(self.edit_state, "muted")
        row = QHBoxLayout()
        row.addWidget(self.edit_state, 1)
        row.addWidget(self.reset_button)
        row.addWidget(self.save_button)
        self.save_button.setVisible(self.editable)
        self.reset_button.setVisible(self.editable)
        form.addRow(row)
        self.edit_error = QLabel("")
        set_tone(self.edit_error, "error")
        self.edit_error.setWordWrap(True)
        form.addRow(self.edit_error)

        # -- this batch's extra fields ---------------------------------------------------------------
        self.extras_box = QGroupBox("补充内容（本次打印的每份告知书相同）")
        self.extras_form = QFormLayout(self.extras_box)
        self.extra_edits: dict[str, QLineEdit | QPlainTextEdit] = {}
        self.institution = QComboBox()
        self.institution.setObjectName("institution")
        self.institution.currentIndexChanged.connect(self._schedule_preview)

        # -- the preview -----------------------------------------------------------------------------
        self.preview_label = QLabel()
        self.preview_label.setObjectName("letterPreview")
        self.preview_label.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        scroll = QScrollArea()
        scroll.setWidget(self.preview_label)
        scroll.setWidgetResizable(True)
        scroll.setMinimumWidth(200)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)   # the page is drawn to fit
        self.preview_scroll = scroll
        self._preview_width = 0
        self.preview_page = QSpinBox()
        self.preview_page.setMinimum(1)
        self.preview_page.valueChanged.connect(self._show_preview_page)
        self.preview_info = QLabel("")
        self.preview_error = QLabel("")
        set_tone(self.preview_error, "error")
        self.preview_error.setWordWrap(True)
        prev_top = QHBoxLayout()
        prev_top.addWidget(QLabel("预览 第"))
        prev_top.addWidget(self.preview_page)
        prev_top.addWidget(QLabel("页"))
        prev_top.addWidget(self.preview_info, 1)
        prev_box = QWidget()
        prev_lay = QVBoxLayout(prev_box)
        prev_lay.setContentsMargins(0, 0, 0, 0)
        prev_lay.addLayout(prev_top)
        prev_lay.addWidget(self.preview_error)
        prev_lay.addWidget(scroll, 1)
        self.preview_timer = QTimer(self)
        self.preview_timer.setSingleShot(True)
        self.preview_timer.setInterval(PREVIEW_DELAY_MS)
        self.preview_timer.timeout.connect(self.refresh_preview)
        self.preview_letter: LaidOut | None = None

        # -- whom for, and what to do ------------------------------------------------------------------
        target_box = QGroupBox("打印给")
        tform = QFormLayout(target_box)
        self.scope = QComboBox()
        self.scope.setObjectName("letterScope")
        for key, label in SCOPES.items():
            if key != "level" or can_counsel(self.session.account):
                self.scope.addItem(label, key)
        self.student_edit = QLineEdit()
        self.student_edit.setObjectName("letterStudent")
        self.student_edit.setPlaceholderText("学籍号或姓名")
        self.student_edit.editingFinished.connect(self._find_student)
        self.student_label = QLabel("")
        self.class_combo = QComboBox()
        self.class_combo.setObjectName("letterClass")
        self.level_spin = QSpinBox()
        self.level_spin.setRange(1, 4)
        self.per_student = QCheckBox("每名学生一个文件")
        self.per_student.setObjectName("perStudent")
        tform.addRow("范围", self.scope)
        srow = QHBoxLayout()
        srow.addWidget(self.student_edit)
        srow.addWidget(self.student_label, 1)
        tform.addRow("学生", srow)
        tform.addRow("班级", self.class_combo)
        tform.addRow("预警等级", self.level_spin)
        tform.addRow("", self.per_student)
        self.export_button = QPushButton("导出 PDF…")
        self.export_button.setObjectName("exportLetters")
        self.print_button = QPushButton("打印…")
        self.print_button.setObjectName("printLetters")
        self.export_button.clicked.connect(self.export)
        self.print_button.clicked.connect(self.print_letters)
        brow = QHBoxLayout()
        brow.addStretch(1)
        brow.addWidget(self.print_button)
        brow.addWidget(self.export_button)
        tform.addRow(brow)
        # the page header (ui/shell/header.py) takes them: 导出 PDF the primary action, 打印 outlined beside it
        self.primary_button, self.primary_icon = self.export_button, "download"
        self.header_buttons = [self.print_button]
        self.print_button.setIcon(icon("printer"))
        self.scope.currentIndexChanged.connect(self._scope_changed)

        # -- letters made: delivered, receipt ----------------------------------------------------------
        made_box = QGroupBox("已打印的告知书")
        mlay = QVBoxLayout(made_box)
        self.letters_table = QTableWidget(0, 7)
        self.letters_table.setObjectName("lettersTable")
        self.letters_table.setHorizontalHeaderLabels(["批次", "日期", "告知书", "学生", "班级", "送达", "回执"])
        self.letters_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.letters_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.letters_table.horizontalHeader().setStretchLastSection(True)
        self.letters_table.verticalHeader().setVisible(False)
        self.deliver_button = QPushButton("登记送达…")
        self.receipt_button = QPushButton("登记回执…")
        self.batch_button = QPushButton("选中整批")
        self.deliver_button.clicked.connect(self.mark_delivered)
        self.receipt_button.clicked.connect(self.mark_receipt)
        self.batch_button.clicked.connect(self.select_batch)
        mrow = QHBoxLayout()
        mrow.addStretch(1)
        for b in (self.batch_button, self.deliver_button, self.receipt_button):
            mrow.addWidget(b)
        mlay.addWidget(self.letters_table, 1)
        mlay.addLayout(mrow)

        left = QWidget()
        llay = QVBoxLayout(left)
        llay.setContentsMargins(0, 0, 0, 0)
        llay.addWidget(edit_box, 3)
        llay.addWidget(self.extras_box)
        llay.addWidget(target_box)
        left_scroll = QScrollArea()     # the editor scrolls down, never sideways, at 1024×768
        left_scroll.setWidget(left)
        left_scroll.setWidgetResizable(True)
        left_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        left_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        left_scroll.setMinimumWidth(300)
        split = QSplitter()
        split.setChildrenCollapsible(False)
        split.addWidget(self.template_list)
        split.addWidget(left_scroll)
        split.addWidget(prev_box)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 3)
        split.setStretchFactor(2, 2)
        split.setSizes([self.template_list.fontMetrics().horizontalAdvance("学生心理健康关爱约谈告知书") + 24, 480, 360])
        self.split = split
        split.splitterMoved.connect(self._fit_preview)
        # 制作 and 已打印 on two tabs: each gets the page's whole height
        self.tabs = QTabWidget()
        self.tabs.setObjectName("letterTabs")
        self.tabs.addTab(split, "制作告知书")
        self.tabs.addTab(made_box, "已打印的告知书")
        made_box.setTitle("")
        made_box.setFlat(True)
        lay = QVBoxLayout(self)
        lay.addWidget(self.tabs)

        self.templates: list[Template] = []
        ctx.unlocked.connect(self.refresh)
        ctx.data_changed.connect(
            lambda change: self.refresh() if change in (Change.STUDENTS, Change.SCHOOL, Change.SETTINGS) else None)
        self.refresh()

    # -- loading ---------------------------------------------------------------------------------------
    def refresh(self) -> None:
        if self.session.locked:
            return
        current = self.template_id()
        self.templates = printable_templates(self.session)
        self.template_list.blockSignals(True)
        self.template_list.clear()
        for t in self.templates:
            item = QListWidgetItem(t.title + ("（已修改）" if t.edited else ""))
            item.setToolTip(item.text())
            item.setData(Qt.ItemDataRole.UserRole, t.id)
            self.template_list.addItem(item)
        self.template_list.blockSignals(False)
        ids = [t.id for t in self.templates]
        self.template_list.setCurrentRow(ids.index(current) if current in ids else 0)
        self.class_combo.clear()
        for c in list_classes(self.session.db):
            if in_scope(self.session.account, c.id):
                self.class_combo.addItem(c.name, c.id)
        self._scope_changed()
        self.refresh_letters()

    def template_id(self) -> str:
        item = self.template_list.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item else ""

    def current_template(self) -> Template | None:
        return next((t for t in self.templates if t.id == self.template_id()), None)

    def select_template(self, template_id: str) -> bool:
        for i in range(self.template_list.count()):
            if self.template_list.item(i).data(Qt.ItemDataRole.UserRole) == template_id:
                self.template_list.setCurrentRow(i)
                return True
        return False

    def _template_chosen(self, _row: int) -> None:
        t = self.current_template()
        if t is None:
            return
        previous = self._shown_template
        if previous and previous != t.id and self.editor.holds(previous) and not self.session.locked:
            # another template while this one has unsaved typing: ask (the default keeps the text)
            if not self.editor.confirm_discard():
                self.template_list.blockSignals(True)
                self.select_template(previous)
                self.template_list.blockSignals(False)
                return
        self._shown_template = t.id
        if self.editor.holds(t.id):
            restored = True          # the same template reloaded (after unlock, a change elsewhere): keep the typing
        else:
            restored = self.editor.show_template(t)
        self.edit_state.setText("已恢复上次未保存的修改（保存模板后生效）" if restored
                                else ("学校修改过的文本" if t.edited else "默认文本"))
        self.reset_button.setEnabled(t.edited or restored)
        self.edit_error.clear()
        while self.extras_form.rowCount():
            self.extras_form.removeRow(0)
        self.extra_edits = {}
        self.institution = QComboBox()
        self.institution.setObjectName("institution")
        self.refresh_institutions()
        self.institution.currentIndexChanged.connect(self._schedule_preview)
        for f in t.fields:
            edit: QLineEdit | QPlainTextEdit
            if f.multiline:
                edit = QPlainTextEdit(f.default)
                edit.setMaximumHeight(70)
            else:
                edit = QLineEdit(f.default)
            edit.setObjectName(f"extra_{f.key}")
            edit.textChanged.connect(self._schedule_preview)
            self.extras_form.addRow(f.label, edit)
            self.extra_edits[f.key] = edit
        if t.institution:
            self.extras_form.addRow("转介机构", self.institution)
        self.extras_box.setVisible(bool(t.fields) or t.institution)
        self.refresh_preview()

    def open_draft(self, form_key: str, _student_id: int | None = None) -> TemplateEditor | None:
        """未完成的记录 on the 工作台: ``letter-template:<id>`` opens that template with the typing back."""
        template_id = form_key.split(":", 1)[1] if ":" in form_key else ""
        if not self.select_template(template_id):
            return None
        return self.editor

    def refresh_institutions(self) -> None:
        try:
            from app.crisis.institutions import list_institutions

            for inst in list_institutions(self.session):
                self.institution.addItem(inst.label, inst.id)
        except XinqiaoError:
            pass

    # -- editing and the live preview ------------------------------------------------------------------
    def edited_template(self) -> Template | None:
        t = self.current_template()
        if t is None:
            return None
        return replace(t, title=self.title_edit.text(), body=self.body_edit.toPlainText(),
                       signature=self.signature_edit.toPlainText(), receipt=self.receipt_edit.toPlainText())

    def extras(self) -> dict[str, str]:
        return {k: (e.toPlainText() if isinstance(e, QPlainTextEdit) else e.text()) for k, e in self.extra_edits.items()}

    def _schedule_preview(self, *_args: object) -> None:
        self.preview_timer.start()
        if self.editable and self.sender() in (self.title_edit, self.body_edit, self.signature_edit,
                                               self.receipt_edit):
            self.reset_button.setEnabled(True)      # typing can be dropped with 恢复默认文本

    def refresh_preview(self) -> None:
        self.preview_timer.stop()
        t = self.edited_template()
        if t is None or self.session.locked:
            return
        from app.letters.templates import unknown_fields

        bad = unknown_fields(t, t.title, t.body, t.signature, t.receipt)
        if bad:
            self.preview_error.setText("不认识的合并字段：" + "、".join("{" + b + "}" for b in bad) + "（预览中原样显示）")
        else:
            self.preview_error.clear()
        try:
            self.preview_letter = preview(self.session, t, self.student_id, extras=self.extras(),
                                          institution_id=self.institution.currentData())
        except XinqiaoError as e:
            self.preview_error.setText(e.message)
            return
        pages = len(self.preview_letter.pages)
        self.preview_page.blockSignals(True)
        self.preview_page.setMaximum(pages)
        self.preview_page.blockSignals(False)
        self.preview_info.setText(f"共 {pages} 页（{'所选学生' if self.student_id else '示例学生'}）")
        self._show_preview_page()

    def _show_preview_page(self, *_args: object) -> None:
        if self.preview_letter is None:
            return
        page = min(self.preview_page.value(), len(self.preview_letter.pages)) - 1
        width = min(700, max(160, self.preview_scroll.viewport().width() - 12))   # the page fits the pane
        self.preview_label.setPixmap(QPixmap.fromImage(page_image(self.preview_letter, page, width)))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        QTimer.singleShot(0, self._fit_preview)

    def _fit_preview(self, *_args: object) -> None:
        """The preview pane changed width (the window, the splitter): draw the page again to fit it. Driven by the
        page's own resize and the splitter's signal, not an event filter on a child a teardown may already have
        destroyed."""
        if not isValid(self) or not isValid(self.preview_scroll):
            return
        width = self.preview_scroll.viewport().width()
        if abs(width - self._preview_width) > 8:
            self._preview_width = width
            self._show_preview_page()

    def preview_text(self) -> str:
        return self.preview_letter.text() if self.preview_letter else ""

    def save_template(self) -> bool:
        t = self.edited_template()
        if t is None:
            return False
        try:
            save_template(self.session, t.id, title=t.title, body=t.body, signature=t.signature, receipt=t.receipt)
        except XinqiaoError as e:
            self.edit_error.setText(e.message)
            return False
        self.editor.draft_saved()         # the draft goes; what is saved is the editor's new starting point
        self.refresh()
        return True

    def reset_template(self) -> bool:
        t = self.current_template()
        if t is None or not dialogs.ask(self, "恢复默认文本", f"把“{t.title}”恢复为软件自带的文本？学校修改过的内容"
                                        "（包括还没保存的修改）将被丢弃。", yes="恢复"):
            return False
        if t.edited:           # (a template never saved had only typing to drop)
            try:
                reset_template(self.session, t.id)
            except XinqiaoError as e:
                self.edit_error.setText(e.message)
                return False
        self.editor.discard_draft()       # the school's typing was discarded with the answer above
        self.editor.end_drafts()
        self.refresh()
        self._template_chosen(self.template_list.currentRow())
        return True

    # -- whom for --------------------------------------------------------------------------------------
    def _scope_changed(self, *_args: object) -> None:
        key = self.scope.currentData()
        self.student_edit.setEnabled(key == "student")
        self.class_combo.setEnabled(key == "class")
        self.level_spin.setEnabled(key == "level")

    def set_scope(self, key: str) -> None:
        self.scope.setCurrentIndex(max(0, self.scope.findData(key)))

    def _find_student(self) -> None:
        text = self.student_edit.text().strip()
        if not text:
            return
        found = self.ctx.index.search(self.session.account, StudentFilter(search=text), limit=2)
        if len(found) == 1:
            self.set_student(found[0].id)
        else:
            self.student_id = None
            self.student_label.setText("没有找到这名学生" if not found else "有多名学生匹配，请输入学籍号")

    def set_student(self, student_id: int) -> None:
        try:
            student = get_student(self.session.db, self.session.account, student_id)
        except XinqiaoError as e:
            self.student_id = None
            self.student_label.setText(e.message)
            return
        self.student_id = student_id
        self.student_label.setText(f"{student.name}（{student.class_name or '未分班'}）")
        self.set_scope("student")
        self._schedule_preview()

    def open_request(self, request: LetterRequest) -> None:
        """From another page: this template, this student."""
        self.refresh()
        if request.template_id:
            self.select_template(request.template_id)
        self.set_student(request.student_id)
        self.refresh_preview()

    def selection(self) -> Selection:
        key = self.scope.currentData()
        if key == "student":
            if self.student_id is None:
                raise InputRejected("请先输入学生的学籍号或姓名并按回车确认。")
            return Selection(student_ids=(self.student_id,))
        if key == "class":
            if self.class_combo.currentData() is None:
                raise InputRejected("请选择班级。")
            return Selection(class_id=int(self.class_combo.currentData()), label=f"班级 {self.class_combo.currentText()}")
        return Selection(level=self.level_spin.value())

    def _prepare(self) -> Prepared | None:
        t = self.current_template()
        if t is None:
            return None
        if self.editable and self.edited_template() != t:
            dialogs.warn(self, "家长告知书", "模板有未保存的修改：请先保存模板（或切换模板放弃修改），再打印。")
            return None
        try:
            return prepare(self.session, t.id, self.selection(), extras=self.extras(),
                           institution_id=self.institution.currentData())
        except XinqiaoError as e:
            dialogs.warn(self, "家长告知书", e.message)
            return None

    # -- export and print ------------------------------------------------------------------------------
    def export(self) -> Task | None:
        t = self.current_template()
        if t is None:
            return None
        path = dialogs.save_file(self, "导出家长告知书", f"{t.title}.pdf", "PDF 文件 (*.pdf)")
        if not path:
            return None
        return self.export_to(Path(path), per_student=self.per_student.isChecked())

    def export_to(self, path: Path, *, per_student: bool = False) -> Task | None:
        prepared = self._prepare()
        if prepared is None:
            return None
        try:
            target = out_path(self.session, path)
        except XinqiaoError as e:
            dialogs.warn(self, "导出家长告知书", e.message)
            return None
        session = self.session

        def work(p: Progress) -> object:
            def step(done: int, total: int) -> None:
                p.check()
                p.report(done, total, f"正在生成告知书 {done}/{total}……")

            p.report(0, len(prepared.letters), "正在生成告知书……")
            return export_pdf(session, prepared, target, per_student=per_student, progress=step)

        def done(written: Any) -> None:
            self.task = None
            where = target if not per_student else target.parent
            dialogs.inform(self, "已导出", f"已生成 {len(prepared.letters)} 份告知书：{where}\n"
                                          "告知书含学生姓名，请妥善保管，打印后删除电子文件。")
            self.refresh_letters()

        self.task = run_task(self, work, done, label="正在生成告知书……", cancellable=True)
        self.task.done.connect(lambda: setattr(self, "task", None))
        return self.task

    def print_letters(self) -> Task | None:
        """Lay the letters out on a worker (progress, Cancel), then open Qt's print preview; printing from it
        records the batch (``printed``)."""
        prepared = self._prepare()
        if prepared is None:
            return None

        def work(p: Progress) -> list[LaidOut]:
            from app.letters.layout import layout

            m = metrics()
            out = []
            total = len(prepared.letters)
            for i, letter in enumerate(prepared.letters, 1):
                p.check()
                out.append(layout(m, letter))
                p.report(i, total, f"正在排版告知书 {i}/{total}……")
            return out

        def ready(laid: Any) -> None:
            self._prepared = prepared
            self._laid = list(laid)
            self.open_print_preview()

        self.task = run_task(self, work, ready, label="正在排版告知书……", cancellable=True)
        self.task.done.connect(lambda: setattr(self, "task", None))
        return self.task

    def open_print_preview(self) -> QPrintPreviewDialog | None:
        if self._prepared is None:
            return None
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        configure_printer(printer)
        dlg = QPrintPreviewDialog(printer, self)
        dlg.setWindowTitle(f"打印预览：{self._prepared.template.title}（{len(self._laid)} 份）")
        dlg.paintRequested.connect(self.paint)
        dlg.accepted.connect(lambda: self.printed(printer))
        self.print_dialog = dlg
        dlg.open()
        return dlg

    def paint(self, printer: QPrinter) -> int:
        configure_printer(printer)
        return print_letters(printer, self._laid)

    def printed(self, printer: QPrinter) -> int | None:
        """The print dialog printed: the batch is recorded and audited as a print."""
        if self._prepared is None:
            return None
        try:
            batch = record_printed(self.session, self._prepared, printer.printerName() or printer.outputFileName())
        except XinqiaoError as e:
            dialogs.warn(self, "家长告知书", e.message)
            return None
        self._prepared = None
        self.refresh_letters()
        return batch

    # -- delivered, receipt ----------------------------------------------------------------------------
    def refresh_letters(self) -> None:
        try:
            self.rows = list_letters(self.session, limit=1000)
        except XinqiaoError:
            self.rows = []
        t = self.letters_table
        t.setRowCount(len(self.rows))
        for i, r in enumerate(self.rows):
            delivered = f"{r.delivered_on}（{r.delivered_how}）" if r.delivered_on else "未登记"
            for col, text in enumerate((str(r.batch_id), r.made_at[:10], r.title, r.student_name, r.class_name,
                                        delivered, r.receipt_on or "")):
                t.setItem(i, col, QTableWidgetItem(text))
        t.resizeColumnsToContents()
        undelivered = sum(1 for r in self.rows if not r.delivered_on)
        self.tabs.setTabText(1, f"已打印的告知书（{len(self.rows)}）" if not undelivered
                             else f"已打印的告知书（{len(self.rows)}，未送达 {undelivered}）")

    def selected_letters(self) -> list[LetterRow]:
        rows = sorted({i.row() for i in self.letters_table.selectionModel().selectedRows()})
        return [self.rows[r] for r in rows if r < len(self.rows)]

    def select_batch(self) -> None:
        chosen = self.selected_letters()
        if not chosen:
            return
        batch = chosen[0].batch_id
        self.letters_table.clearSelection()
        mode = self.letters_table.selectionMode()
        self.letters_table.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        for i, r in enumerate(self.rows):
            if r.batch_id == batch:
                self.letters_table.selectRow(i)
        self.letters_table.setSelectionMode(mode)

    def mark_delivered(self) -> DeliveredDialog | None:
        chosen = self.selected_letters()
        if not chosen:
            dialogs.warn(self, "登记送达", "请先在列表中选择告知书（可用“选中整批”）。")
            return None
        dlg = DeliveredDialog(len(chosen), self)
        dlg.setObjectName("deliveredDialog")

        def submit() -> None:
            try:
                mark_delivered(self.session, [r.id for r in chosen], dlg.how.currentText(), dlg.day())
            except XinqiaoError as e:
                dlg.error.setText(e.message)
                return
            dlg.accept()
            self.refresh_letters()

        dlg.buttons.accepted.connect(submit)
        self.dialog = dlg
        dlg.open()
        return dlg

    def mark_receipt(self) -> ReceiptDialog | None:
        chosen = self.selected_letters()
        if len(chosen) != 1:
            dialogs.warn(self, "登记回执", "请选择一份告知书（回执逐份登记）。")
            return None
        r = chosen[0]
        dlg = ReceiptDialog(r.student_name, r.title, r.crisis_case_id is not None, self)
        dlg.setObjectName("receiptDialog")

        def submit() -> None:
            try:
                said = record_receipt(self.session, r.id, dlg.day())
            except XinqiaoError as e:
                dlg.error.setText(e.message)
                return
            dlg.accept()
            self.refresh_letters()
            if r.crisis_case_id is not None:
                self.ctx.data_changed.emit(Change.CRISIS)
            self.last_message = said

        dlg.buttons.accepted.connect(submit)
        self.dialog = dlg
        dlg.open()
        return dlg


def configure_printer(printer: QPrinter) -> None:
    from PySide6.QtCore import QMarginsF
    from PySide6.QtGui import QPageLayout, QPageSize

    printer.setFullPage(True)
    printer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                      QMarginsF(0, 0, 0, 0)))

