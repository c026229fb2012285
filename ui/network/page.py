"""预警网络 page: the period's picture (classes, rooms, missing reports), the triage list, the reports, and the
people (committee members, informants, the leadership group with empty posts highlighted, reviews, pairs).

A 班主任 sees their own class without the reports' free text; a 管理员 sees the people and the counts only."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import clock
from app.errors import XinqiaoError
from app.network.forms import blank_forms
from app.network.importer import REPORTS_IMPORT
from app.network.model import period_of, previous_period
from app.network.people import leadership, list_pairs, missing_reviews, rep_problems, rooms_without_informant
from app.network.reports import ReportView, escalations, list_reports, overview
from app.network.searchable import SOURCE
from app.policy import can_configure_network, can_keep_network, does_student_work
from app.school.classnames import grade_name
from app.search import SearchHit
from ui.network.common import EMPTY_POST, fill, table
from ui.network.report_dialog import ReportDialog
from ui.network.triage import TriageList
from ui.shell import dialogs
from ui.shell.context import AppContext, Change
from ui.shell.flow import flow_bar
from ui.shell.tasks import run_task
from ui.shell.value_dialog import Field, ValueDialog


class NetworkPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.session = ctx.session
        account = self.session.account
        keeper = can_keep_network(account)
        self.period = QComboBox()
        p = period_of(clock.today())
        for _ in range(12):
            self.period.addItem(p, p)
            p = previous_period(p)
        self.period.currentIndexChanged.connect(lambda _i: self.refresh())
        self.new_button = QPushButton("录入报告…")
        self.new_button.clicked.connect(self.open_report_dialog)
        self.import_button = QPushButton("导入报告…")
        self.import_button.clicked.connect(self.open_import)
        self.forms_button = QPushButton("打印空白报告表…")
        self.forms_button.clicked.connect(self.print_forms)
        for b in (self.new_button, self.import_button, self.forms_button):
            b.setVisible(keeper)
        self.primary_button = self.new_button   # the page header (ui/shell/header.py)
        self.header_buttons = [self.import_button]
        self.more_buttons = [self.forms_button]
        bar = QHBoxLayout()
        bar.addWidget(QLabel("期次："))
        bar.addWidget(self.period)
        bar.addStretch(1)
        for b in (self.new_button, self.import_button, self.forms_button):
            bar.addWidget(b)

        # 概览
        self.classes = table(("班级", "心理委员", "本期报告", "关注学生"), stretch=1)
        self.rooms = table(("宿舍", "信息员", "本期报告"), stretch=1)
        self.missing = QLabel()
        self.missing.setWordWrap(True)
        self.suggested = QLabel()
        self.suggested.setWordWrap(True)
        overview_tab = QWidget()
        ov = QVBoxLayout(overview_tab)
        ov.addWidget(self.missing)
        ov.addWidget(self.suggested)
        row = QHBoxLayout()
        row.addWidget(self.classes, 3)
        row.addWidget(self.rooms, 2)
        ov.addLayout(row, 1)

        # 报告
        self.reports = table(("日期", "班级/宿舍", "类型", "报告人", "关注学生", "班级情况"), stretch=4)
        self.report_rows: list[ReportView] = []

        # 人员
        self.people_reps = table(("班级", "问题"), stretch=1)
        self.people_rooms = table(("宿舍", "问题"), stretch=1)
        self.group = table(("职务", "姓名", "部门/单位"), stretch=1)
        self.reviews = QLabel()
        self.reviews.setWordWrap(True)
        self.pairs = table(("学生", "结对同伴", "开始", "结束"), stretch=1)
        people_tab = QWidget()
        pl = QVBoxLayout(people_tab)
        self.rep_button = QPushButton("任命心理委员…")
        self.rep_button.clicked.connect(self.appoint_rep)
        self.dorm_button = QPushButton("登记宿舍…")
        self.dorm_button.clicked.connect(self.set_dorm)
        self.informant_button = QPushButton("任命宿舍信息员…")
        self.informant_button.clicked.connect(self.appoint_informant)
        self.leader_button = QPushButton("设置领导小组…")
        self.leader_button.clicked.connect(self.set_leader)
        self.review_button = QPushButton("记录年级组研判…")
        self.review_button.clicked.connect(self.open_review_dialog)
        self.pair_button = QPushButton("朋辈结对…")
        self.pair_button.clicked.connect(self.add_pair)
        self.settings_button = QPushButton("网络设置…")
        self.settings_button.clicked.connect(self.edit_settings)
        people_buttons = [self.rep_button, self.dorm_button, self.informant_button, self.leader_button,
                          self.review_button, self.pair_button]
        for b in people_buttons:
            b.setVisible(keeper)
        self.settings_button.setVisible(can_configure_network(account))
        pl.addWidget(flow_bar([*people_buttons, self.settings_button]))   # wraps at 1024×768
        pl.addWidget(QLabel("领导小组（空缺的职务标红）"))
        pl.addWidget(self.group)
        pair_row = QHBoxLayout()
        pair_row.addWidget(self.people_reps)
        pair_row.addWidget(self.people_rooms)
        pl.addLayout(pair_row)
        pl.addWidget(self.reviews)
        pl.addWidget(QLabel("朋辈结对"))
        pl.addWidget(self.pairs)

        self.tabs = QTabWidget()
        self.tabs.addTab(overview_tab, "概览")
        self.triage: TriageList | None = None
        if keeper:
            self.triage = TriageList(self.session)
            self.triage.decided.connect(self._decided)
            self.triage.open_student.connect(ctx.open_student)
            self.tabs.addTab(self.triage, "分诊")
        self.tabs.addTab(self.reports, "报告")
        self.tabs.addTab(people_tab, "人员")
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(self.tabs, 1)
        self.report_dialog: ReportDialog | None = None
        self.review_dialog: Any = None
        self.value_dialog: ValueDialog | None = None
        self.pair_dialog: Any = None
        self.import_dialog: Any = None
        ctx.data_changed.connect(self._data_changed)
        self.refresh()

    # -- views ------------------------------------------------------------------------------------------------
    def current_period(self) -> str:
        return str(self.period.currentData())

    def refresh(self) -> None:
        period = self.current_period()
        data = overview(self.session, period)
        fill(self.classes, [(c["class"], "、".join(c["reps"]) or "（无）", "已报告" if c["reported"] else "未报告",
                             c["concerns"]) for c in data["classes"]],
             red=[not c["reported"] or not c["reps"] or len(c["reps"]) > 2 for c in data["classes"]])
        fill(self.rooms, [(r["room"], r["informant"] or "（无）", "已报告" if r["reported"] else "未报告")
                          for r in data["rooms"]], red=[not r["reported"] for r in data["rooms"]])
        missing = [m["name"] for m in data["missing"]]
        self.missing.setText(f"{period} 缺报：{'、'.join(missing)}" if missing else f"{period} 各班级、宿舍均已报告。")
        ups = escalations(self.session, period)
        self.suggested.setText("建议处理：" + "；".join(f"{e.student}（{e.class_name}）连续 {len(e.periods)} 期被报告，"
                                                   f"建议{e.action_label}" for e in ups) if ups else "")
        self.report_rows = list_reports(self.session, period=period)
        named = does_student_work(self.session.account)
        fill(self.reports, [(r.reported_on, r.place, r.kind_label, r.reporter,
                             ("本期无异常" if r.zero else ("、".join(f"{c.student}（{'、'.join(c.signs)}）"
                                                               for c in r.concerns) if named
                                                     else f"{r.concern_count} 人")), r.climate)
                            for r in self.report_rows])
        posts = leadership(self.session)
        fill(self.group, [(p.label, p.holder or "（空缺）", p.department) for p in posts],
             red=[p.empty for p in posts], background=[EMPTY_POST if p.empty else None for p in posts])
        fill(self.people_reps, [(c.class_name, c.problem) for c in rep_problems(self.session)])
        fill(self.people_rooms, [(r.label, "没有宿舍心理信息员") for r in rooms_without_informant(self.session)])
        gaps = missing_reviews(self.session)
        self.reviews.setText("年级组研判未做：" + "、".join(f"{grade_name(g)} {q}" for g, q in gaps) if gaps
                             else "各年级本季度均已研判。")
        fill(self.pairs, [(a, b, f, t) for _i, a, b, f, t in list_pairs(self.session)])
        if self.triage is not None:
            self.triage.refresh()
            self.tabs.setTabText(1, f"分诊（{len(self.triage.items)}）")

    def _decided(self, key: str) -> None:
        if key == "crisis":
            self.ctx.data_changed.emit(Change.CRISIS)
        else:
            self.ctx.data_changed.emit(Change.NETWORK)

    def _data_changed(self, change: Change) -> None:
        if change in (Change.NETWORK, Change.STUDENTS, Change.SCHOOL, Change.CRISIS):
            self.refresh()

    # -- actions ----------------------------------------------------------------------------------------------
    def open_draft(self, form_key: str, _student_id: int | None = None) -> None:
        """未完成的记录 on the 工作台: the report or review form, refilled from the draft."""
        if form_key == "network:report:new":
            self.open_report_dialog()
        elif form_key == "network:pair:new":
            self.add_pair()
        elif form_key == "network:review:new":
            self.open_review_dialog()

    def open_report_dialog(self) -> None:
        self.report_dialog = ReportDialog(self.session, self, period=self.current_period())
        self.report_dialog.saved.connect(lambda _rid: self.ctx.data_changed.emit(Change.NETWORK))
        self.report_dialog.show()

    def open_import(self) -> None:
        from ui.imports.dialog import ImportDialog

        self.import_dialog = ImportDialog(REPORTS_IMPORT, self.session, self, ctx=self.ctx)
        self.import_dialog.imported.connect(lambda _r: self.ctx.data_changed.emit(Change.NETWORK))
        self.import_dialog.show()

    def print_forms(self) -> None:
        period = self.current_period()
        path = dialogs.save_file(self, "保存空白报告表", f"报告表-{period}.pdf", "PDF 文件 (*.pdf)")
        if not path:
            return
        target = Path(path).with_suffix(".pdf")
        run_task(self, lambda _p: blank_forms(self.session, period, target),
                 lambda out: dialogs.inform(self, "已生成", f"空白报告表已保存到 {out}"), label="正在生成报告表……")

    # -- people -------------------------------------------------------------------------------------------------
    def _ask(self, key: str, title: str, fields: list[Field | str], write: Callable[[list[str]], object]) -> ValueDialog:
        """A few values in a form a lock hides and gives back (ui.shell.value_dialog), kept as ``value_dialog``."""
        dlg = ValueDialog(self.session, key, title, fields, write, parent=self)
        self.value_dialog = dlg
        dlg.open()
        return dlg

    def _pick_student(self, key: str, title: str, then: Callable[[int], object]) -> ValueDialog:
        """A student by name, pinyin initials or registry number (the shared student index, as the student picker
        searches it); several matches are listed with class and registry number to choose from. ``then`` gets the
        student's id; an unknown name keeps the form open with the reason."""
        from app.archive.students import StudentFilter

        def look_up(values: list[str]) -> object:
            typed = values[0]
            found = self.ctx.index.search(self.session.account, StudentFilter(search=typed), limit=50)
            exact = [s for s in found if typed in (s.name, s.registry_no)]
            found = exact or found
            if not found:
                raise XinqiaoError(f"没有找到“{typed}”，请核对姓名或学籍号（只列在读学生）。")
            if len(found) == 1:
                return then(found[0].id)
            labels = [f"{s.name}　{s.class_name or '未分班'}　{s.registry_no}" for s in found]
            pick = dialogs.get_item(self, title, f"有 {len(found)} 名学生符合“{typed}”，请选择：", labels)
            if pick not in labels:
                return False                    # the choice was cancelled: the typed name stays
            return then(found[labels.index(pick)].id)

        return self._ask(f"network:lookup:{key}", title, [Field("学生的姓名、拼音首字母或学籍号：")], look_up)

    def _write(self, title: str, fn: Callable[[], object]) -> None:
        try:
            fn()
        except XinqiaoError as e:
            dialogs.warn(self, title, e.message)
            return
        self.ctx.data_changed.emit(Change.NETWORK)

    def _write_or_refuse(self, fn: Callable[[], object]) -> None:
        """Like ``_write`` from inside a ValueDialog: a refusal propagates, so the form stays open with the reason."""
        fn()
        self.ctx.data_changed.emit(Change.NETWORK)

    def appoint_rep(self) -> ValueDialog:
        from app.network.people import appoint_rep

        title = "任命心理委员"

        def training(sid: int) -> None:
            self._ask(f"network:training:{sid}", title, [Field("参加的培训（可留空）：", required=False)],
                      lambda v: self._write_or_refuse(lambda: appoint_rep(self.session, sid, clock.today(),
                                                                          training=v[0])))

        return self._pick_student("rep", title, training)

    def set_dorm(self) -> ValueDialog:
        from app.network.model import parse_room
        from app.network.people import set_dorm

        title = "登记宿舍"

        def write(sid: int, text: str) -> None:
            where = parse_room(text)
            if where is None:
                raise XinqiaoError(f"“{text}”无法识别，请写成“3号楼 201”。")
            self._write_or_refuse(lambda: set_dorm(self.session, sid, *where))

        def room(sid: int) -> None:
            self._ask(f"network:dorm:{sid}", title, [Field("楼栋和房间（如“3号楼 201”）：")],
                      lambda v: write(sid, v[0]))

        return self._pick_student("dorm", title, room)

    def appoint_informant(self) -> ValueDialog:
        from app.network.people import appoint_informant

        return self._pick_student("informant", "任命宿舍信息员", lambda sid: self._write(
            "任命宿舍信息员", lambda: appoint_informant(self.session, sid, clock.today())))

    def set_leader(self) -> ValueDialog | None:
        from app.network.model import POSTS
        from app.network.people import set_leader

        label = dialogs.get_item(self, "设置领导小组", "职务：", list(POSTS.values()))
        if not label:
            return None
        post = next(k for k, v in POSTS.items() if v == label)

        def write(values: list[str]) -> None:
            name, dept = values
            staff = self.session.db.scalar("SELECT id FROM staff WHERE name = :n AND active = 1", {"n": name})
            self._write_or_refuse(lambda: set_leader(
                self.session, post, staff_id=int(staff) if staff is not None else None,
                outside_name="" if staff is not None else name, department=dept))

        return self._ask(f"network:leader:{post}", "设置领导小组",
                         [Field("姓名（本校教职工或校外人员）："), Field("部门或单位：", required=False)], write)

    def open_review_dialog(self) -> None:
        from ui.network.review_dialog import ReviewDialog

        self.review_dialog = ReviewDialog(self.session, self)
        self.review_dialog.saved.connect(lambda _rid: self.ctx.data_changed.emit(Change.NETWORK))
        self.review_dialog.show()

    def add_pair(self) -> None:
        """朋辈结对: both students picked by name (or pinyin initials, or registry number) in one dialog."""
        from ui.network.pair_dialog import PairDialog

        self.pair_dialog = PairDialog(self.ctx, self)
        self.pair_dialog.saved.connect(lambda _pid: self.ctx.data_changed.emit(Change.NETWORK))
        self.pair_dialog.show()

    def edit_settings(self) -> ValueDialog:
        """The school's settings: grades with committee members, red after N school days, the escalation rule."""
        from app.network.model import DECISIONS, load_settings
        from app.network.people import set_network_settings
        from app.school.classes import list_classes
        from app.school.classnames import parse_grade

        title = "预警网络设置"
        cur = load_settings(self.session.db)
        grades = sorted({c.grade for c in list_classes(self.session.db)} | set(cur.eligible_grades))

        def write(values: list[str]) -> object:
            grades_text, days, periods = values
            chosen = [parse_grade(p) for p in grades_text.replace(",", "、").replace("，", "、").split("、")
                      if p.strip()]
            if any(g is None for g in chosen):
                raise XinqiaoError(f"“{grades_text}”中有无法识别的年级，请写成 四年级、七年级、高一 的形式。")
            if not (days.isdigit() and periods.isdigit()):
                raise XinqiaoError("标红的上课日数和连续期数都应为整数。")
            action = dialogs.get_item(self, title, "建议的处理：", list(DECISIONS.values()),
                                      list(DECISIONS).index(cur.escalation_action))
            if not action:
                return False                    # the choice was cancelled: the typed values stay
            key = next(k for k, v in DECISIONS.items() if v == action)
            self._write_or_refuse(lambda: set_network_settings(
                self.session, eligible_grades=[g for g in chosen if g is not None], triage_school_days=int(days),
                escalation_periods=int(periods), escalation_action=key))
            return True

        return self._ask("network:settings", title, [
            Field("设有心理委员的年级：", "、".join(grade_name(g) for g in cur.eligible_grades), required=False,
                  choices=tuple(grade_name(g) for g in grades)),
            Field("未分诊的关注学生几个上课日后标红：", str(cur.triage_school_days)),
            Field("连续几期被报告时建议处理：", str(cur.escalation_periods))], write)

    def open_hit(self, hit: SearchHit) -> None:
        if hit.source != SOURCE:
            return
        row = next((i for i, r in enumerate(self.report_rows) if r.id == hit.ref_id), -1)
        if row < 0:
            found = list_reports(self.session, report_id=hit.ref_id)
            if not found:
                return
            self.period.setCurrentIndex(max(0, self.period.findData(found[0].period)))
            row = next((i for i, r in enumerate(self.report_rows) if r.id == hit.ref_id), 0)
        self.tabs.setCurrentWidget(self.reports)
        self.reports.selectRow(row)
