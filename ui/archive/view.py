"""The archive of one student: header with banners, then 基本信息 / 家庭与监护人 / 重点关注 / 一生一策 / 时间线.

A head teacher sees only ordinary-tier content: no plan tab, no tag notes, no confidential timeline rows
(the app layer already leaves them out; the view does not ask for them).
"""
from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from app import clock
from app.archive.chronology import banners, timeline
from app.archive.students import Student, get_student
from app.archive.summary import student_summary
from app.errors import XinqiaoError
from app.letters.records import LetterRequest
from app.policy import can_read_confidential, does_student_work, sees_focus_tags
from ui.archive.models import LEVEL_COLORS, LEVEL_LABELS
from ui.archive.plan import PlanTab
from ui.archive.profile import GuardiansTab, ProfileTab
from ui.archive.tags import TagsTab
from ui.archive.timeline import TimelineWidget
from ui.shell.context import AppContext
from ui.shell.forms import DraftForm, ask_discard
from ui.shell.theme import set_role, set_tone

STATUS_COLORS = {"在读": "#137333", "转出": "#888888", "毕业": "#1a73e8", "休学": "#b06000"}


class ArchiveView(QWidget):
    back_requested = Signal()
    changed = Signal()  # this view changed data (profile, guardians, tag, plan)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.session = ctx.session
        self.student: Student | None = None

        self.back_button = QPushButton("← 返回")
        self.back_button.setToolTip("返回学生列表（Esc）")
        self.back_button.clicked.connect(self.back_requested)
        self.name_label = QLabel()
        self.name_label.setObjectName("archiveName")
        set_role(self.name_label, "title")
        self.facts_label = QLabel()
        self.facts_label.setTextFormat(Qt.TextFormat.RichText)
        self.facts_label.setWordWrap(True)  # class · number · status · tags: wraps rather than widening the window
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addSpacing(12)
        top.addWidget(self.name_label)
        top.addSpacing(12)
        top.addWidget(self.facts_label, 1)
        # A counselor who sees a student in danger starts the crisis case from the archive itself.
        self.crisis_button = QPushButton("开危机个案…")
        self.crisis_button.setToolTip("为该学生建立心理危机个案（转到“危机干预”）")
        self.crisis_button.clicked.connect(self._open_crisis_case)
        self.crisis_button.setVisible(can_read_confidential(self.session.account))
        top.addWidget(self.crisis_button)
        # 家长告知书 for this student (the letters page; a 班主任 gets the templates they may print)
        self.letter_button = QPushButton("家长告知书…")
        self.letter_button.setToolTip("为该学生打印家长告知书（转到“家长告知书”）")
        self.letter_button.clicked.connect(self._open_letter)
        self.letter_button.setVisible(does_student_work(self.session.account))
        top.addWidget(self.letter_button)

        self.banner_box = QVBoxLayout()
        self.banner_box.setSpacing(4)
        self.banner_labels: list[QLabel] = []
        self.error = QLabel()
        set_tone(self.error, "error")
        self.error.hide()

        self.tabs = QTabWidget()
        self.profile = ProfileTab(self.session)
        self.guardians = GuardiansTab(self.session)
        self.editable_tabs = (self.profile, self.guardians)
        for tab in self.editable_tabs:
            tab.changed.connect(self._after_change)
            tab.editing_changed.connect(self._editing_changed)
        self.tags = TagsTab(self.session)
        self.plan: PlanTab | None = PlanTab(self.session) if can_read_confidential(self.session.account) else None
        self.timeline = TimelineWidget(
            session=self.session if can_read_confidential(self.session.account) else None)
        self.tabs.addTab(self.profile, "基本信息")
        self.tabs.addTab(self.guardians, "家庭与监护人")
        if sees_focus_tags(self.session.account):   # a 管理员 sees no tags
            self.tabs.addTab(self.tags, "重点关注")
        if self.plan is not None:
            self.tabs.addTab(self.plan, "一生一策")
            self.plan.changed.connect(self._after_change)
        self.tabs.addTab(self.timeline, "时间线")
        self.tabs.currentChanged.connect(self._tab_changed)
        self.tags.changed.connect(self._after_change)
        self._plan_opened = False

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(self.banner_box)
        layout.addWidget(self.error)
        layout.addWidget(self.tabs, 1)

        # One Esc and one Ctrl+S for the whole view (two shortcuts on one key would be ambiguous): Esc cancels an
        # edit in progress, else goes back to the list; Ctrl+S saves the edit in progress.
        esc = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        esc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        esc.activated.connect(self.escape)
        save = QShortcut(QKeySequence.StandardKey.Save, self)
        save.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save.activated.connect(self.save_edit)

    def _open_letter(self) -> None:
        if self.student is not None:
            self.ctx.open_letter.emit(LetterRequest("", self.student.id))

    def _open_crisis_case(self) -> None:
        if self.student is not None:
            self.ctx.open_crisis_case.emit(self.student.id)

    # -- tabs by name (tests and the page use these) -----------------------------------------------
    def tab_titles(self) -> list[str]:
        return [self.tabs.tabText(i) for i in range(self.tabs.count())]

    def show_tab(self, title: str) -> None:
        self.tabs.setCurrentIndex(self.tab_titles().index(title))

    # -- editing -----------------------------------------------------------------------------------
    def editing_tab(self) -> ProfileTab | GuardiansTab | None:
        """The tab being edited: the one shown if it is, else any."""
        current = self.tabs.currentWidget()
        for tab in self.editable_tabs:
            if tab is current and tab.editing:
                return tab
        return next((tab for tab in self.editable_tabs if tab.editing), None)

    def escape(self) -> None:
        tab = self.editing_tab()
        if tab is not None:
            self.tabs.setCurrentWidget(tab)
            tab.cancel_edit()
        else:
            self.back_requested.emit()

    def save_edit(self) -> bool:
        tab = self.editing_tab()
        if tab is None:
            if self.plan is not None and self.tabs.currentWidget() is self.plan:
                return self.plan.save()  # Ctrl+S on the 一生一策 tab saves a new version
            return False
        self.tabs.setCurrentWidget(tab)
        return tab.save()

    def cancel_edits(self) -> None:
        """Leave every edit without a question (the student cannot be shown); drafts stay in the vault."""
        for tab in self.editable_tabs:
            if tab.editing:
                tab.end_drafts()
                tab._leave_edit()

    def leave_student(self) -> bool:
        """Before another student's archive replaces this one: asks "放弃未保存的内容？" once if anything typed
        here (an edit, the 一生一策) would be discarded. True if the archive may move on."""
        forms: list[DraftForm] = [tab for tab in self.editable_tabs if tab.editing]
        if self.plan is not None and self.plan.draft_key:
            forms.append(self.plan)
        if any(f.draft_changed() for f in forms) and not ask_discard(self):
            return False
        for tab in self.editable_tabs:
            tab.drop_edit()
        if self.plan is not None and self.plan.draft_key:
            if self.plan.draft_changed():
                self.plan.discard_draft()
            self.plan.end_drafts()
        return True

    def _editing_changed(self, _on: bool) -> None:
        editing = self.editing_tab() is not None
        self.back_button.setEnabled(not editing)
        self.back_button.setToolTip("请先保存（Ctrl+S）或取消（Esc）修改" if editing else "返回学生列表（Esc）")

    # -- loading -----------------------------------------------------------------------------------
    def load(self, student_id: int, fresh: bool = True) -> bool:
        """Open a student's archive (``fresh``: a new opening, starting on 基本信息).

        Returns False (with the reason shown) if the account may not see the student.
        """
        if self.student is not None and self.student.id != student_id and not self.leave_student():
            return False   # the user kept what they typed for the student shown
        try:
            student = get_student(self.session.db, self.session.account, student_id)
        except XinqiaoError as e:
            self.cancel_edits()
            self.student = None
            self.name_label.setText("")
            self.facts_label.setText("")
            self.error.setText(str(e))
            self.error.show()
            self.tabs.hide()
            return False
        self.error.hide()
        self.tabs.show()
        self.student = student
        if fresh:
            self._plan_opened = False
            self.tabs.setCurrentIndex(0)
        self._fill()
        return True

    def reload(self) -> None:
        """Refresh what is shown (after a change elsewhere) without re-opening the plan."""
        if self.student is not None and not self.session.locked:
            self.load(self.student.id, fresh=False)

    def _fill(self) -> None:
        s = self.student
        assert s is not None
        self.name_label.setText(s.name)
        color = STATUS_COLORS.get(s.status, "#666")
        facts = [html.escape(s.class_name or "未分班"), f"学籍号 {html.escape(s.registry_no)}",
                 f"<span style='color:{color}'>{html.escape(s.status)}</span>"]
        if s.warning_level in LEVEL_LABELS:
            c = LEVEL_COLORS[s.warning_level].name()
            facts.append(f"<span style='color:{c}; font-weight:bold'>预警 {LEVEL_LABELS[s.warning_level]}</span>")
        if s.tags:
            facts.append("重点关注：" + html.escape("、".join(s.tags)))
        self.facts_label.setText("　·　".join(facts))
        if can_read_confidential(self.session.account):
            from app.crisis.cases import list_cases

            has_open = bool(list_cases(self.session, open_only=True, student_id=s.id))
            self.crisis_button.setText("查看危机个案" if has_open else "开危机个案…")
        lines = banners(self.session, s.id)
        self._fill_banners(lines)
        self.profile.show_student(s)
        self.guardians.show_student(s)
        self.tags.load(s.id, s.name)
        events = timeline(self.session, s.id)
        self.timeline.set_events(events, target=f"student:{s.registry_no}")
        self.profile.card.show_summary(student_summary(self.session, s, events, lines, clock.today()))

    def _fill_banners(self, lines: list[str]) -> None:
        for label in self.banner_labels:
            self.banner_box.removeWidget(label)
            label.hide()  # out of the layout it would sit at 0,0 over the archive until deleted
            label.deleteLater()
        self.banner_labels = []
        for line in lines:
            label = QLabel(line)
            label.setWordWrap(True)
            set_tone(label, "alert")
            self.banner_box.addWidget(label)
            self.banner_labels.append(label)

    def banner_texts(self) -> list[str]:
        return [label.text() for label in self.banner_labels]

    def _tab_changed(self, index: int) -> None:
        if self.plan is not None and self.tabs.widget(index) is self.plan and self.student is not None \
                and not self._plan_opened:
            self._plan_opened = True
            self.plan.open_for(self.student.id, self.student.registry_no)

    def _after_change(self) -> None:
        self.reload()
        self.changed.emit()
