"""The crisis case dialogs: open a case, complete or skip a step, 复学 documents and meeting, weekly follow-up,
level change with a reason, closing with a note. Each saves through one app call (see ``FormDialog``)."""
from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QSpinBox, QWidget

from app.crisis.cases import CaseDetail, amend_case, change_level, close_case, missing_for_closing, open_case
from app.crisis.institutions import list_institutions
from app.crisis.model import NOTIFY_METHODS, REFERRAL_OUTCOMES, TREATMENT_KINDS, StepView
from app.crisis.rules import LEVEL_LABELS, LEVELS, SOURCE_LABELS
from app.crisis.steps import complete_step, missing_for_return, record_follow_up, record_return_materials, skip_step
from app.errors import InputRejected
from app.session import Session
from ui.crisis.forms import FormDialog, StudentPicker, date_of, datetime_edit, iso_of, line, text_box
from ui.shell.context import AppContext
from ui.shell.theme import set_role, set_tone


def _combo(items: dict[str, str] | tuple[str, ...], current: str | None = None) -> QComboBox:
    w = QComboBox()
    pairs = items.items() if isinstance(items, dict) else ((x, x) for x in items)
    for key, label in pairs:
        w.addItem(label, key)
    if current is not None:
        w.setCurrentIndex(max(0, w.findData(current)))
    return w


class OpenCaseDialog(FormDialog):
    """发现与报告: who, which student, level, source, summary (ordinary) and a confidential note."""

    draft_label = "新建危机个案"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, student_id: int | None = None,
                 alert_id: int | None = None) -> None:
        super().__init__("新建危机个案（发现与报告）", parent,
                         "概况为普通级，班主任可见；保密记录仅心理教师可见。")
        alert = None
        if alert_id is not None:  # opened from a same-day item: its student, and the link back to what raised it
            from app.safety.alerts import get_alert

            alert = get_alert(ctx.session, alert_id)
            student_id = alert.student_id
        self.alert_id = alert_id
        self.ctx = ctx
        self.picker = StudentPicker(ctx)
        self.level = _combo(LEVEL_LABELS)
        self.source = _combo(SOURCE_LABELS)
        self.discovered = datetime_edit()
        self.reporter = line(placeholder="发现并报告的人，如 班主任王老师")
        self.reported = datetime_edit()
        self.owner = line(ctx.session.account.label)
        self.summary = text_box("发生了什么（普通级，班主任可见）")
        self.note = text_box("评估印象、风险细节（保密）", confidential=True)
        if student_id is None:
            self.form.addRow("学生", self.picker)
        else:
            # Started from a student's archive: say whose case it is (the search box is not needed).
            from app.archive.students import get_student

            st = get_student(ctx.session.db, ctx.session.account, student_id)
            self.student_label = QLabel(f"{st.name}（{st.class_name}，{st.registry_no}）")
            set_role(self.student_label, "subtitle")
            self.picker.hide()
            self.form.addRow("学生", self.student_label)
        if alert is not None:
            self.raised_label = QLabel(f"{alert.source_label}：{alert.reason}")
            set_tone(self.raised_label, "error")
            self.form.addRow("由此开立", self.raised_label)
            self.source.setCurrentIndex(max(0, self.source.findData(alert.case_source)))
        self.form.addRow("危机等级", self.level)
        self.form.addRow("来源", self.source)
        self.form.addRow("发现时间", self.discovered)
        self.form.addRow("报告人", self.reporter)
        self.form.addRow("报告时间", self.reported)
        self.form.addRow("负责人", self.owner)
        self.form.addRow("个案概况", self.summary)
        self.form.addRow("保密记录", self.note)
        self.fixed_student = student_id
        self.case_id: int | None = None
        self.submit = self._save
        key = (f"crisis:case:alert:{alert_id}" if alert_id is not None else
               f"crisis:case:new:{student_id}" if student_id is not None else "crisis:case:new")
        self.use_drafts(ctx.session, key, student_id=student_id)

    def _save(self) -> None:
        sid = self.fixed_student if self.fixed_student is not None else self.picker.student_id
        if sid is None:
            raise InputRejected("请先搜索并选择学生。")
        self.case_id = open_case(self.ctx.session, sid, self.level.currentData(), self.source.currentData(),
                                 summary=self.summary.toPlainText(), note=self.note.toPlainText(),
                                 owner=self.owner.text(), discovered_at=iso_of(self.discovered),
                                 reported_by=self.reporter.text(), reported_at=iso_of(self.reported),
                                 alert_id=self.alert_id)


class StepDialog(FormDialog):
    """Complete one step: when, by whom, a summary, a confidential note, and the step's own facts."""

    draft_label = "危机步骤"

    def __init__(self, session: Session, case: CaseDetail, step: StepView, parent: QWidget | None = None) -> None:
        super().__init__(f"完成步骤：{step.name}", parent, step.hint)
        self.session, self.case, self.step = session, case, step
        self.done_at = datetime_edit()
        self.done_by = line(session.account.label)
        self.form.addRow("完成时间", self.done_at)
        self.form.addRow("通知人" if step.key == "notify_parents" else "经办人", self.done_by)
        self.extra: dict[str, QWidget] = {}
        key = step.key
        if key == "safety":
            self._add("measures", "安全措施", line(placeholder="陪护人、移除危险物品等"))
            watch = QCheckBox("已安排 24 小时监护")
            watch.setChecked(case.row.level == "major")
            self._add("watch_24h", "", watch)
        elif key == "notify_parents":
            self._add("method", "通知方式", _combo(NOTIFY_METHODS))
            self._add("parent", "通知了谁", line(placeholder="如 母亲 张某"))
            self._add("letter_given", "", QCheckBox("已将书面告知书交给家长"))
        elif key == "parent_consent":
            self._add("signed", "", QCheckBox("家长已签署告知书"))
            self._add("signer", "签署人", line())
        elif key == "referral":
            inst = QComboBox()
            for i in list_institutions(session):
                inst.addItem(i.label, i.id)
            if inst.count() == 0:
                inst.addItem("（名录为空，请先在“转介机构”中添加）", None)
            self._add("institution_id", "转介机构", inst)
            self._add("outcome", "转介结果", _combo(REFERRAL_OUTCOMES))
        elif key == "treatment":
            self._add("kind", "安排", _combo(TREATMENT_KINDS))
        elif key == "return_assessment":
            missing = missing_for_return(session, case.row.id)
            text = "材料和会议已齐全。" if not missing else "尚缺：" + "、".join(missing) + "（请先在“复学材料”中登记）"
            status = QLabel(text)
            status.setWordWrap(True)
            set_tone(status, "ok" if not missing else "error")
            self.form.addRow("复学材料", status)
        self.summary = text_box("经过和结果（普通级，班主任可见）")
        self.note = text_box("保密记录（仅心理教师可见）", confidential=True)
        self.form.addRow("记录摘要", self.summary)
        self.form.addRow("保密记录", self.note)
        self.school_status: str | None = None   # the student's new 学籍状态 when saving changed it
        self.submit = self._save
        self.use_drafts(session, f"crisis:step:{case.row.id}:{step.id}", student_id=case.row.student_id)

    def _add(self, key: str, label: str, widget: QWidget) -> None:
        self.extra[key] = widget
        self.form.addRow(label, widget)

    def data(self) -> dict[str, object]:
        out: dict[str, object] = {}
        for key, w in self.extra.items():
            if isinstance(w, QCheckBox):
                out[key] = w.isChecked()
            elif isinstance(w, QComboBox):
                out[key] = w.currentData()
            else:
                out[key] = w.text()  # type: ignore[attr-defined]
        return out

    def _save(self) -> None:
        self.school_status = complete_step(
            self.session, self.step.id, done_at=iso_of(self.done_at), done_by=self.done_by.text(),
            summary=self.summary.toPlainText(), note=self.note.toPlainText(), data=self.data())


class SkipDialog(FormDialog):
    draft_label = "跳过危机步骤"

    def __init__(self, session: Session, step: StepView, parent: QWidget | None = None, *,
                 case_id: int | None = None) -> None:
        super().__init__(f"跳过步骤：{step.name}", parent, "跳过必须写明理由（普通级，班主任可见）。")
        self.reason = text_box("如：家长自行带孩子就医")
        self.form.addRow("理由", self.reason)
        self.submit = lambda: skip_step(session, step.id, self.reason.toPlainText())
        self.use_drafts(session, f"crisis:skip:{case_id}:{step.id}" if case_id is not None else f"crisis:skip:{step.id}")


class LevelDialog(FormDialog):
    draft_label = "调整危机等级"

    def __init__(self, session: Session, case: CaseDetail, parent: QWidget | None = None) -> None:
        super().__init__("调整危机等级", parent, f"当前：{case.row.level_label}。调整后未完成步骤的期限会重新计算，"
                         "并补充新等级要求的步骤。理由为保密记录。")
        others = {k: v for k, v in LEVEL_LABELS.items() if k != case.row.level}
        self.level = _combo(others, next(k for k in reversed(LEVELS) if k in others))
        self.reason = text_box("调整理由（必填）", confidential=True)
        self.form.addRow("新等级", self.level)
        self.form.addRow("理由", self.reason)
        self.submit = lambda: change_level(session, case.row.id, self.level.currentData(), self.reason.toPlainText())
        self.use_drafts(session, f"crisis:level:{case.row.id}", student_id=case.row.student_id)


class CloseDialog(FormDialog):
    draft_label = "结案"

    def __init__(self, session: Session, case: CaseDetail, parent: QWidget | None = None) -> None:
        missing = missing_for_closing(session, case.row.id)
        intro = ("所有必需步骤已完成或已注明理由跳过。" if not missing else
                 "还有必需步骤未完成：" + "、".join(missing) + "。请先完成或注明理由后跳过。")
        super().__init__("结案", parent, intro)
        self.closed_at = datetime_edit()
        self.note = text_box("结案说明（必填，保密）", confidential=True, height=96)
        self.form.addRow("结案时间", self.closed_at)
        self.form.addRow("结案说明", self.note)
        self.ok_button.setEnabled(False)
        self.note.textChanged.connect(lambda: self.ok_button.setEnabled(bool(self.note.toPlainText().strip())))
        self.submit = lambda: close_case(session, case.row.id, self.note.toPlainText(),
                                         closed_at=iso_of(self.closed_at))
        self.use_drafts(session, f"crisis:close:{case.row.id}", student_id=case.row.student_id)
        self.ok_button.setEnabled(bool(self.note.toPlainText().strip()))


class DocumentsDialog(FormDialog):
    """复学评估 checklist: the required documents received, and the meeting."""

    draft_label = "复学材料与会议"

    def __init__(self, session: Session, case: CaseDetail, parent: QWidget | None = None) -> None:
        super().__init__("复学材料与复学评估会议", parent, "收齐三份材料并召开会议后，才能完成“复学评估”。")
        self.session, self.case = session, case
        self.docs: dict[str, tuple[QCheckBox, QWidget]] = {}
        for d in case.documents:
            box = QCheckBox(d.name + (f"（{d.received_on} 已收到）" if d.received_on else ""))
            when = datetime_edit(with_time=False)
            if d.received_on:
                box.setChecked(True)
                box.setEnabled(False)
                when.setEnabled(False)
            self.docs[d.key] = (box, when)
            self.form.addRow(box, when)
        held = "；".join(f"{m.held_at[:10]} {m.participants}" for m in case.meetings)
        self.form.addRow("已开会议", QLabel(held or "尚未召开"))
        self.meeting_at = datetime_edit()
        self.participants = line(placeholder="如 分管校长、班主任、心理教师、家长、校医")
        self.meeting_note = text_box("会议结论（保密）", confidential=True)
        self.form.addRow("会议时间", self.meeting_at)
        self.form.addRow("参加人员", self.participants)
        self.form.addRow("会议结论", self.meeting_note)
        self.submit = self._save
        self.use_drafts(session, f"crisis:documents:{case.row.id}", student_id=case.row.student_id)

    def _save(self) -> None:
        docs = {key: date_of(when) for key, (box, when) in self.docs.items()  # type: ignore[arg-type]
                if box.isChecked() and box.isEnabled()}
        meeting = None
        if self.participants.text().strip():
            meeting = {"held_at": iso_of(self.meeting_at), "participants": self.participants.text(),
                       "note": self.meeting_note.toPlainText()}
        record_return_materials(self.session, self.case.row.id, docs, meeting)


class FollowUpDialog(FormDialog):
    draft_label = "复学后跟踪"

    def __init__(self, session: Session, case: CaseDetail, parent: QWidget | None = None) -> None:
        nxt = next((f for f in case.follow_ups if f.done_on is None), None)
        week = nxt.week if nxt else len(case.follow_ups)
        super().__init__(f"复学后跟踪（第 {week} 周，共 {case.follow_weeks} 周）", parent,
                         f"本周应在 {nxt.due_on} 前完成。" if nxt and nxt.due_on else "")
        self.week = QSpinBox()
        self.week.setRange(1, max(1, case.follow_weeks))
        self.week.setValue(week)
        self.done_on = datetime_edit(with_time=False)
        self.done_by = line(session.account.label)
        self.summary = text_box("本周情况（普通级）")
        self.note = text_box("保密记录", confidential=True)
        self.form.addRow("周次", self.week)
        self.form.addRow("跟踪日期", self.done_on)
        self.form.addRow("跟踪人", self.done_by)
        self.form.addRow("情况", self.summary)
        self.form.addRow("保密记录", self.note)
        self.submit = lambda: record_follow_up(session, case.row.id, done_on=date_of(self.done_on),
                                               done_by=self.done_by.text(), summary=self.summary.toPlainText(),
                                               note=self.note.toPlainText(), week=self.week.value())
        self.use_drafts(session, f"crisis:follow_up:{case.row.id}", student_id=case.row.student_id)


class AmendDialog(FormDialog):
    """Correct the case's summary, confidential note or owner; the earlier text is kept with who, when, why."""

    draft_label = "修改危机个案"

    def __init__(self, session: Session, case: CaseDetail, parent: QWidget | None = None) -> None:
        super().__init__("修改个案记录", parent, "修改不会覆盖原记录：原文连同修改人、时间和原因都会保留。")
        self.summary = text_box()
        self.summary.setPlainText(case.row.summary)
        self.note = text_box(confidential=True)
        self.note.setPlainText(case.note)
        self.owner = line(case.row.owner)
        self.reason = line(placeholder="修改原因（必填）")
        self.form.addRow("个案概况", self.summary)
        self.form.addRow("保密记录", self.note)
        self.form.addRow("负责人", self.owner)
        self.form.addRow("修改原因", self.reason)
        self.submit = lambda: amend_case(session, case.row.id, self.reason.text(), summary=self.summary.toPlainText(),
                                         note=self.note.toPlainText(), owner=self.owner.text())
        self.use_drafts(session, f"crisis:amend:{case.row.id}", student_id=case.row.student_id)
