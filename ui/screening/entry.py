"""答题录入: keyboard-fast entry of paper answers. A digit records the answer and moves to the next item; Backspace
goes back; Space leaves an item blank; Enter saves and opens the next student of the class who has no result."""
from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import QAbstractListModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.errors import XinqiaoError
from app.policy import can_counsel
from app.screening.campaigns import (
    CONSENT_LABELS,
    Campaign,
    TargetStudent,
    list_campaigns,
    set_absent,
    set_consent,
    targets,
)
from app.screening.grading import level_label, load_rules
from app.screening.results import RATERS, save_answers
from app.screening.scales import Scale, all_scales
from app.screening.scoring import Answer, check_answers, positive_critical_items
from app.session import Session
from ui.shell.tasks import run_task, wait_idle
from ui.shell.theme import set_role, set_tone

ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class StudentListModel(QAbstractListModel):
    """The students of the entry list: a plain list model, cheap for a whole school of 20,000."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[TargetStudent] = []

    def set_rows(self, rows: list[TargetStudent]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        t = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            mark = "✓ " if t.done else ("缺考 " if t.absent else "　 ")
            return f"{mark}{t.name}　{t.class_name}"
        if role == Qt.ItemDataRole.UserRole:
            return t.student_id
        return None


class AnswerPad(QWidget):
    """The item list of one scale; owns the keyboard while a student is open."""

    submitted = Signal()
    critical_changed = Signal(list)   # the critical items answered positive so far (item numbers), at each key

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.grid = QGridLayout(self)
        self.grid.setColumnStretch(1, 1)
        self.scale: Scale | None = None
        self.answers: list[Answer] = []
        self.pos = 0
        self.labels: list[tuple[QLabel, QLabel]] = []
        self.legend: QLabel | None = None

    def set_scale(self, scale: Scale) -> None:
        if self.scale is None or scale.id != self.scale.id:
            while self.grid.count():
                w = self.grid.takeAt(0).widget()
                if w is not None:
                    w.hide()  # out of the grid it would sit at 0,0 over the items until deleted
                    w.deleteLater()
            self.labels = []
            self.legend = None
            # The options' meaning, once, above the items: paper forms are entered by digit.
            first = tuple((o.value, o.label) for o in scale.items[0].options) if scale.items else ()
            if first and all(tuple((o.value, o.label) for o in it.options) == first for it in scale.items):
                self.legend = QLabel("选项：" + "　".join(f"{v} {label}" for v, label in first))
                self.legend.setWordWrap(True)
                set_tone(self.legend, "muted")
                self.grid.addWidget(self.legend, 0, 0, 1, 3)
            for i, item in enumerate(scale.items, 1):
                text = QLabel(f"{item.n}. {item.text}")
                text.setWordWrap(True)
                value = QLabel()
                value.setMinimumWidth(150)
                self.grid.addWidget(text, i, 0, 1, 2)
                self.grid.addWidget(value, i, 2)
                self.labels.append((text, value))
            self.grid.setRowStretch(len(scale.items) + 1, 1)  # items packed at the top, not spread over the pane
            self.scale = scale
        self.clear()

    def clear(self) -> None:
        n = self.scale.n_items if self.scale else 0
        self.answers = [None] * n
        self.pos = 0
        self.refresh()

    def refresh(self) -> None:
        if self.scale is None:
            return
        for i, (text, value) in enumerate(self.labels):
            a = self.answers[i]
            item = self.scale.items[i]
            label = next((o.label for o in item.options if o.value == a), "")
            value.setText("" if a is None else f"{a}　{label}")
            set_tone(text, "current" if i == self.pos else "")
        self.critical_changed.emit(positive_critical_items(self.scale, self.answers))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if self.scale is None:
            return super().keyPressEvent(event)
        key = event.key()
        text = event.text()
        if text and text.isdigit():
            item = self.scale.items[self.pos]
            v = int(text)
            if v in {o.value for o in item.options}:
                self.answers[self.pos] = v
                self.pos = min(self.pos + 1, self.scale.n_items - 1)
                self.refresh()
            return
        if key == Qt.Key.Key_Space:
            self.answers[self.pos] = None
            self.pos = min(self.pos + 1, self.scale.n_items - 1)
            self.refresh()
            return
        if key == Qt.Key.Key_Backspace:
            if self.answers[self.pos] is None and self.pos > 0:
                self.pos -= 1
            self.answers[self.pos] = None
            self.refresh()
            return
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Left):
            self.pos = max(0, self.pos - 1)
            self.refresh()
            return
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Right):
            self.pos = min(self.scale.n_items - 1, self.pos + 1)
            self.refresh()
            return
        if key in ENTER_KEYS:
            self.submitted.emit()
            return
        super().keyPressEvent(event)


class AnswerEntry(QWidget):
    saved = Signal(int)  # student id

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        # A head teacher enters the observation forms (他评, grades 1–3) of their own class; the rest is the counselor's.
        self.counselor = can_counsel(session.account)
        self.campaigns: list[Campaign] = []
        self.loading = False
        self.students: list[TargetStudent] = []
        self.current: TargetStudent | None = None
        self.campaign_combo = QComboBox()
        self.class_combo = QComboBox()
        self.class_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)  # 七年级（3）班 whole
        self.search = QLineEdit()
        self.search.setPlaceholderText("查找学生：姓名、拼音首字母或学籍号，回车打开")
        self.list_model = StudentListModel()
        self.list = QListView()
        self.list.setModel(self.list_model)
        self.list.setUniformItemSizes(True)
        self.title = QLabel("请选择学生")
        set_role(self.title, "subtitle")
        self.hint = QLabel("输入数字记录答案并跳到下一题；空格＝缺答；退格＝返回上一题；回车＝保存并打开本班下一名学生。")
        self.hint.setWordWrap(True)
        self.status = QLabel()
        self.status.setWordWrap(True)
        # Shown the moment a critical item is answered positive (before saving): the alert is handled today.
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        set_tone(self.banner, "banner")
        self.banner.hide()
        self.rater = QComboBox()   # who rated an observation form
        for key, label in RATERS.items():
            self.rater.addItem(label, key)
        self.rater.setFocusPolicy(Qt.FocusPolicy.NoFocus)   # the keyboard stays on the answers
        self.rater_label = QLabel("评定人")
        self.pad = AnswerPad()
        self.pad.critical_changed.connect(self._critical_changed)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.pad)
        top = QHBoxLayout()
        top.addWidget(QLabel("测评活动"))
        top.addWidget(self.campaign_combo, 1)
        top.addWidget(QLabel("班级"))
        top.addWidget(self.class_combo)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.search)
        lv.addWidget(self.list, 1)
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.addWidget(self.title)
        rv.addWidget(self.hint)
        rv.addWidget(self.banner)
        rv.addWidget(scroll, 1)
        marks = QHBoxLayout()
        self.absent_btn = QPushButton("标记缺考")
        self.refuse_btn = QPushButton("家长拒绝（排除）")
        self.consent_btn = QPushButton("家长已同意")
        for b in (self.absent_btn, self.refuse_btn, self.consent_btn):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.setVisible(self.counselor)
            marks.addWidget(b)
        marks.addStretch(1)
        marks.addWidget(self.rater_label)
        marks.addWidget(self.rater)
        self.rater_label.hide()
        self.rater.hide()
        rv.addLayout(marks)
        rv.addWidget(self.status)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        self.campaign_combo.currentIndexChanged.connect(self.load_students)
        self.class_combo.currentIndexChanged.connect(self.fill_list)
        self.search.textChanged.connect(self.fill_list)
        self.search.returnPressed.connect(self.open_first_match)
        self.list.activated.connect(lambda ix: self.open_student(self.list_model.rows[ix.row()].student_id))
        self.pad.submitted.connect(self.save_and_next)
        self.absent_btn.clicked.connect(self.mark_absent)
        self.refuse_btn.clicked.connect(lambda: self.mark_consent("refused"))
        self.consent_btn.clicked.connect(lambda: self.mark_consent("given"))
        self.reload(deferred=True)

    def mark_absent(self) -> None:
        camp = self.campaign()
        if self.current is None or camp is None:
            return
        set_absent(self.session, camp.id, self.current.student_id, True)
        self.status.setText(f"已将 {self.current.name} 标记为缺考。")
        self._after_mark(absent=True)

    def mark_consent(self, consent: str) -> None:
        camp = self.campaign()
        if self.current is None or camp is None:
            return
        set_consent(self.session, camp.id, [self.current.student_id], consent)
        self.status.setText(f"{self.current.name}：知情同意 {CONSENT_LABELS[consent]}。")
        self._after_mark(consent=consent)

    def _after_mark(self, **change: Any) -> None:
        """The mark is stored; update the student in the loaded list (no reload of the whole school)."""
        sid = self.current.student_id if self.current else None
        self.students = [dataclasses.replace(t, **change) if t.student_id == sid else t for t in self.students]
        self.fill_list()
        self.saved.emit(sid or 0)
        if sid is not None and any(t.student_id == sid and t.consent != "refused" for t in self.students):
            self.open_student(sid)
        else:
            self.current = None
            self.title.setText("请选择学生")

    def reload(self, deferred: bool = False) -> None:
        """The campaigns now; the students on a worker (``deferred``: once the page is built)."""
        self.campaigns = list_campaigns(self.session.db)
        current = self.campaign_combo.currentData()
        self.campaign_combo.blockSignals(True)
        self.campaign_combo.clear()
        for c in self.campaigns:
            self.campaign_combo.addItem(c.name, c.id)
        idx = self.campaign_combo.findData(current)
        self.campaign_combo.setCurrentIndex(max(idx, 0))
        self.campaign_combo.blockSignals(False)
        if deferred:
            self.loading = True
            QTimer.singleShot(0, self.load_students)
        else:
            self.load_students()

    def campaign(self) -> Campaign | None:
        cid = self.campaign_combo.currentData()
        return next((c for c in self.campaigns if c.id == cid), None)

    def load_students(self) -> None:
        """Load the campaign's students off the UI thread (a whole school is 20,000 rows)."""
        camp = self.campaign()
        self._generation = getattr(self, "_generation", 0) + 1
        if camp is None:
            self._students_loaded(self._generation, [])
            return
        generation, session, cid = self._generation, self.session, camp.id
        self.loading = True
        self.task = run_task(self, lambda _p: targets(session, cid),
                             lambda rows: self._students_loaded(generation, rows),
                             lambda e: self._load_failed(generation, e), show_progress=False)

    def wait_loaded(self, timeout: float = 10.0) -> bool:
        QCoreApplication.processEvents()
        wait_idle(timeout)
        return not self.loading

    def _load_failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self.loading = False
            if not self.session.locked:
                self.status.setText(f"<span style='color:#c62828'>无法载入学生名单：{exc}</span>")

    def _students_loaded(self, generation: int, rows: list[TargetStudent]) -> None:
        if generation != self._generation:
            return
        self.loading = False
        self.students = rows
        current = self.class_combo.currentData()
        self.class_combo.blockSignals(True)
        self.class_combo.clear()
        self.class_combo.addItem("全部班级", None)
        seen: set[int | None] = set()
        for t in self.students:
            if t.class_id not in seen:
                seen.add(t.class_id)
                self.class_combo.addItem(t.class_name, t.class_id)
        idx = self.class_combo.findData(current)
        self.class_combo.setCurrentIndex(max(idx, 0))
        self.class_combo.blockSignals(False)
        self.fill_list()

    def visible(self) -> list[TargetStudent]:
        cls = self.class_combo.currentData()
        q = self.search.text().strip().lower()
        return [t for t in self.students if (cls is None or t.class_id == cls) and t.consent != "refused"
                and (not q or q in t.keys)]

    def fill_list(self) -> None:
        self.list_model.set_rows(self.visible())

    def open_first_match(self) -> None:
        vis = self.visible()
        if vis:
            self.open_student(vis[0].student_id)

    def open_student(self, student_id: int) -> None:
        camp = self.campaign()
        t = next((s for s in self.students if s.student_id == student_id), None)
        if camp is None or t is None:
            return
        scales = all_scales(self.session.db)
        sid = camp.scale_for_grade(t.grade) or (camp.scale_ids[0] if camp.scale_ids else None)
        if sid is None or sid not in scales:
            self.status.setText("该年级在本次测评中没有指定量表。")
            return
        if not self.counselor and scales[sid].rater == "self":
            self.status.setText(f"{scales[sid].short_name} 是学生自评量表，由心理教师录入；班主任可录入低年级观察表。")
            return
        observed = scales[sid].rater == "head_teacher_or_parent"
        self.rater_label.setVisible(observed)
        self.rater.setVisible(observed)
        self.current = t
        self.pad.set_scale(scales[sid])
        self.title.setText(f"{t.name}　{t.class_name}　{scales[sid].short_name}" + ("（已录入，保存将覆盖）" if t.done else ""))
        self.pad.setFocus()

    def _critical_changed(self, items: list[int]) -> None:
        if not items or not self.counselor:
            self.banner.hide()
            return
        level = level_label(int(load_rules(self.session.db)["critical_level"]))
        self.banner.setText(f"第{'、'.join(str(n) for n in items)}题阳性 → {level}预警，请当天复核")
        self.banner.show()

    def save_and_next(self) -> None:
        camp = self.campaign()
        scale = self.pad.scale
        if self.current is None or camp is None or scale is None:
            return
        problems = check_answers(scale, self.pad.answers)
        if problems:
            self.status.setText("<span style='color:#c62828'>" + "；".join(p[1] for p in problems) + "</span>")
            return
        try:
            rater = self.rater.currentData() if scale.rater == "head_teacher_or_parent" else None
            result, level = save_answers(self.session, camp.id, self.current.student_id, scale.id, self.pad.answers,
                                         rater=rater)
        except XinqiaoError as e:
            self.status.setText(f"<span style='color:#c62828'>{e.message}</span>")
            return
        done = self.current
        if not self.counselor:   # a head teacher sees no machine-made score or level; the counselor reviews it
            self.status.setText(f"已保存：{done.name} {scale.short_name}（{self.rater.currentText()}评定），"
                                "由心理教师查看。")
            self._next_after(done)
            return
        lvl = f"，{level_label(level)}预警（待复核）" if level else ""
        if result.critical:
            lvl += "；已列入工作台“当天复核”"
        self.status.setText(f"已保存：{done.name} {scale.short_name} {scale.score_label} {result.total_display}"
                            f"{'（' + result.band_label + '）' if result.band_label else ''}{lvl}")
        self._next_after(done)

    def _next_after(self, done: TargetStudent) -> None:
        self.saved.emit(done.student_id)
        self.students = [dataclasses.replace(t, done=True) if t.student_id == done.student_id else t
                         for t in self.students]
        same_class = [t for t in self.students if t.class_id == done.class_id and t.consent != "refused"]
        ids = [t.student_id for t in same_class]
        after = same_class[ids.index(done.student_id) + 1:] + same_class[:ids.index(done.student_id)]
        nxt = next((t for t in after if not t.done), None)
        self.fill_list()
        if nxt is None:
            self.current = None
            self.title.setText(f"{done.class_name} 已全部录入")
            return
        self.open_student(nxt.student_id)
