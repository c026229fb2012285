"""危机干预 page, driven through the real widgets: a case from discovery to closing (level raised, every step of
the manual, the 复学 documents and meeting, weekly follow-up, closing note), overdue steps in red, and what a
班主任 sees."""
from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from app import clock
from app.archive.students import StudentFilter
from app.crisis.cases import get_case
from app.crisis.institutions import add_institution
from app.crisis.manual import set_follow_up_weeks
from tests.xlsx_crypto import EXPORT_PASSWORD, load_encrypted
from ui.shell.context import Change

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")
T0 = dt.datetime(2026, 11, 2, 8, 0)
SECRET = "评估时自述有具体自杀计划"


@pytest.fixture(autouse=True)
def _strict_dialogs(qapp):
    from ui.shell import dialogs
    from ui.shell.fonts import apply_app_font

    apply_app_font(qapp)
    dialogs.reset()
    dialogs.strict = True
    yield
    dialogs.strict = False
    dialogs.reset()


def make_page(qtbot, session):
    from ui.pages import page as declared
    from ui.shell.context import AppContext

    decl = declared("crisis")
    assert (decl.id, decl.title) == ("crisis", "危机干预")
    page = decl.factory(AppContext(session))
    qtbot.addWidget(page)
    page.resize(1400, 800)
    page.show()
    return page


def type_text(qtbot, widget, text: str) -> None:
    """Typing as a Chinese input method does: the committed text arrives as an input-method event (QTest's
    keyClicks handles Latin-1 only)."""
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication

    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)
    qtbot.wait(1)


def advance(**kw) -> None:
    clock.set_fixed(clock.now() + dt.timedelta(**kw))


def save(qtbot, dlg) -> None:
    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)


def complete(qtbot, page, key: str, summary: str = "", **fields) -> None:
    view = page.view
    view.select_step(key)
    dlg = view.open_step_dialog()
    assert dlg is not None, key
    for name, value in fields.items():
        w = dlg.extra[name]
        if isinstance(value, bool):
            w.setChecked(value)
        elif hasattr(w, "findData") and w.findData(value) >= 0:
            w.setCurrentIndex(w.findData(value))
        else:
            w.clear()
            type_text(qtbot, w, value)
    if summary:
        type_text(qtbot, dlg.summary, summary)
    save(qtbot, dlg)
    assert not dlg.isVisible(), dlg.error.text()


def test_a_case_from_discovery_to_closing(qtbot, session):
    from app.demo import generate_students, insert_students

    clock.set_fixed(T0)
    [sid] = insert_students(session, generate_students(1, grades=(8,)))
    inst = add_institution(session, "市精神卫生中心", department="儿童青少年心理科", green_channel=True)
    set_follow_up_weeks(session, 2)
    page = make_page(qtbot, session)
    assert page.case_ids() == []

    # 发现与报告: the new-case dialog, filled by keyboard
    dlg = page.open_new_case_dialog()
    save(qtbot, dlg)
    assert dlg.isVisible() and "选择学生" in dlg.error.text()        # refused inline, nothing lost
    name = session.db.scalar("SELECT name FROM students WHERE id = :s", {"s": sid})
    type_text(qtbot, dlg.picker.search, name)
    assert dlg.picker.student_id == sid
    dlg.level.setCurrentIndex(dlg.level.findData("severe"))
    dlg.source.setCurrentIndex(dlg.source.findData("teacher"))
    type_text(qtbot, dlg.reporter, "班主任李老师")
    type_text(qtbot, dlg.summary, "课间在走廊哭泣，说不想活了")
    type_text(qtbot, dlg.note, SECRET)
    save(qtbot, dlg)
    assert not dlg.isVisible()
    [case_id] = page.case_ids()
    assert page.view.case.row.level == "severe"
    assert page.view.step_rows()[0][:2] == ("✓ 发现与报告", "已完成")

    # an overdue step turns red (safety is due 2 h after discovery for 严重)
    advance(hours=3)
    page.refresh()
    page.select_case(case_id)
    assert page.red_rows() == [0]
    red = [page.view.step_rows()[r][0] for r in page.view.overdue_rows()]
    assert red == ["□ 安全措施"]

    # raise the level with a reason: the steps of 重大 are added
    dlg = page.view.open_level_dialog()
    dlg.level.setCurrentIndex(dlg.level.findData("major"))
    save(qtbot, dlg)
    assert "理由" in dlg.error.text()
    type_text(qtbot, dlg.reason, "评估发现已准备工具")
    save(qtbot, dlg)
    assert not dlg.isVisible()
    keys = [s.key for s in page.view.case.steps]
    assert "treatment" in keys and "return_assessment" in keys

    complete(qtbot, page, "assessment", "面谈评估完成")
    complete(qtbot, page, "safety", measures="班主任与心理教师轮流陪护", watch_24h=True)
    complete(qtbot, page, "notify_parents", method="电话", parent="母亲", letter_given=True)
    complete(qtbot, page, "parent_consent", signed=True, signer="母亲")
    complete(qtbot, page, "referral", institution_id=inst, outcome="已就诊，住院治疗")
    with qtbot.waitSignal(page.ctx.data_changed, check_params_cb=lambda change: change is Change.STUDENTS):
        complete(qtbot, page, "treatment", kind="休学")      # the index is rebuilt: 休学 is off the 在读 list
    assert school_status(session, sid) == "休学"
    assert sid not in {s.id for s in page.ctx.index.search(session.account, StudentFilter())}
    advance(days=30)

    # 复学评估 cannot complete before the documents and the meeting
    page.view.select_step("return_assessment")
    dlg = page.view.open_step_dialog()
    save(qtbot, dlg)
    assert "诊断证明" in dlg.error.text() and "复学评估会议" in dlg.error.text()
    dlg.reject()
    dlg = page.view.open_documents_dialog()
    for key in ("diagnosis", "application"):
        dlg.docs[key][0].setChecked(True)
    save(qtbot, dlg)
    page.view.select_step("return_assessment")
    dlg = page.view.open_step_dialog()
    save(qtbot, dlg)
    assert "监护人承诺书" in dlg.error.text() and "诊断证明" not in dlg.error.text()
    dlg.reject()
    dlg = page.view.open_documents_dialog()
    assert not dlg.docs["diagnosis"][0].isEnabled()
    dlg.docs["guardian_commitment"][0].setChecked(True)
    type_text(qtbot, dlg.participants, "分管校长、班主任、心理教师、家长")
    type_text(qtbot, dlg.meeting_note, "医生意见：可复学，继续服药")
    save(qtbot, dlg)
    with qtbot.waitSignal(page.ctx.data_changed, check_params_cb=lambda change: change is Change.STUDENTS):
        complete(qtbot, page, "return_assessment", "同意复学")
    assert school_status(session, sid) == "在读"
    assert sid in {s.id for s in page.ctx.index.search(session.account, StudentFilter())}

    # weekly follow-up, two weeks
    for week in (1, 2):
        advance(days=7)
        dlg = page.view.open_follow_up_dialog()
        assert dlg.week.value() == week
        type_text(qtbot, dlg.summary, f"第 {week} 周：上课专注，情绪平稳")
        save(qtbot, dlg)
        assert not dlg.isVisible(), dlg.error.text()
    assert page.view.case.step("follow_up").status == "done"

    # 结案 only with a note
    dlg = page.view.open_close_dialog()
    assert not dlg.ok_button.isEnabled()
    type_text(qtbot, dlg.note, "复学后状态稳定，转入常规关注")
    assert dlg.ok_button.isEnabled()
    save(qtbot, dlg)
    assert not dlg.isVisible(), dlg.error.text()

    case = get_case(session, case_id, audit=False)
    assert case.row.status == "closed" and all(s.status == "done" for s in case.steps)
    assert case.closing_note == "复学后状态稳定，转入常规关注"
    assert case.step("notify_parents").data["letter_given"] is True
    assert page.filter.currentData() == "open" and page.case_ids() == []   # closed: off the open list
    page.open_case_anywhere(case_id)
    assert page.case_ids() == [case_id] and page.view.case.row.status_label == "已结案"
    titles = [row[2] for row in page.view.timeline.rows()]
    assert "危机个案结案" in titles and "复学后跟踪第 2 周" in titles and "转介" in titles
    assert not any(b.isEnabled() for b in page.view.action_buttons)
    assert dialogs_asked() == []


def school_status(session, student_id):
    return session.db.scalar("SELECT status FROM students WHERE id = :s", {"s": student_id})


def dialogs_asked():
    from ui.shell import dialogs

    return list(dialogs.shown)


def test_head_teacher_page_shows_no_confidential_text_and_no_writing(qtbot, school, head_teacher):
    from app.crisis.cases import list_cases, open_case

    busy = {r.student_id for r in list_cases(school, open_only=True)}
    sid = next(r[0] for r in school.db.query("SELECT id FROM students WHERE class_id = :c",
                                             {"c": head_teacher.account.class_id}) if r[0] not in busy)
    case_id = open_case(school, sid, "severe", "screening", summary="测评预警，复核后建档", note=SECRET)
    page = make_page(qtbot, head_teacher)
    assert case_id in page.case_ids()
    assert not page.new_button.isVisible() and not page.incident_button.isVisible()
    page.select_case(case_id)
    assert not page.view.note.isVisible()
    shown = " ".join(" ".join(r) for r in page.view.step_rows())
    shown += " ".join(" ".join(r) for r in page.view.timeline.rows()) + page.view.summary.text()
    assert SECRET not in shown and "测评预警" in shown
    assert not any(b.isVisible() for b in page.view.action_buttons)
    directory = page.open_directory()
    assert not directory.name.isEnabled() and not directory.add_button.isVisible()
    directory.reject()


    from ui.shell import dialogs

    path = school.paths.root.parent / "ht-ledger.xlsx"
    dialogs.preanswer(str(path), EXPORT_PASSWORD, EXPORT_PASSWORD, None)  # save dialog, password twice, "done"
    assert page.export()
    text = " ".join(str(v) for row in load_encrypted(path).active.iter_rows(values_only=True) for v in row if v)
    assert "测评预警，复核后建档" in text and SECRET not in text
    assert dialogs.pending() == 0 and not [s for s in dialogs.shown if s.kind == "question"]


def test_directory_rules_incident_and_amend_through_dialogs(qtbot, session):
    from app.crisis.incidents import list_incidents
    from app.crisis.institutions import list_institutions
    from app.crisis.rules import load_rules
    from app.demo import generate_students, insert_students

    clock.set_fixed(T0)
    [sid] = insert_students(session, generate_students(1, grades=(9,)))
    page = make_page(qtbot, session)

    d = page.open_directory()
    type_text(qtbot, d.name, "市第八人民医院")
    type_text(qtbot, d.department, "心理门诊")
    d.green.setChecked(True)
    qtbot.mouseClick(d.add_button, Qt.MouseButton.LeftButton)
    d.table.selectRow(0)
    d.phone.clear()
    type_text(qtbot, d.phone, "0532-88888888")
    qtbot.mouseClick(d.save_button, Qt.MouseButton.LeftButton)
    d.reject()
    [inst] = list_institutions(session)
    assert (inst.name, inst.phone, inst.green_channel) == ("市第八人民医院", "0532-88888888", True)

    r = page.open_rules_dialog()
    r.set_cell("assessment", "general", "二天")
    save(qtbot, r)
    assert "无法识别" in r.error.text()
    r.set_cell("assessment", "general", "2天")
    r.weeks.setValue(6)
    save(qtbot, r)
    assert not r.isVisible(), r.error.text()
    rules = load_rules(session.db)
    assert rules.step("assessment").due["general"] == {"days": 2} and rules.follow_up_weeks == 6

    dlg = page.open_incident_dialog()
    type_text(qtbot, dlg.what, "午休时在宿舍用小刀划伤手臂")
    type_text(qtbot, dlg.picker.search, session.db.scalar("SELECT registry_no FROM students WHERE id = :s",
                                                          {"s": sid}))
    for party in ("parents", "leaders"):
        dlg.notices[party][0].setChecked(True)
        type_text(qtbot, dlg.notices[party][2], "心理教师")
    type_text(qtbot, dlg.follow_up, "校医包扎，家长接回")
    save(qtbot, dlg)
    assert not dlg.isVisible(), dlg.error.text()
    [inc] = list_incidents(session)
    assert inc.student_id == sid and [n.party for n in inc.notices] == ["parents", "leaders"]

    dlg = page.open_new_case_dialog(sid)
    dlg.source.setCurrentIndex(dlg.source.findData("incident"))
    type_text(qtbot, dlg.summary, "宿舍自伤后建档")
    save(qtbot, dlg)
    assert not dlg.isVisible(), dlg.error.text()
    assert page.view.case.step("assessment").due_at == (T0 + dt.timedelta(days=2)).isoformat()
    a = page.view.open_amend_dialog()
    a.summary.clear()
    type_text(qtbot, a.summary, "宿舍自伤（划伤手臂）后建档")
    save(qtbot, a)
    assert "原因" in a.error.text()
    type_text(qtbot, a.reason, "补充细节")
    save(qtbot, a)
    assert not a.isVisible()
    assert page.view.summary.text() == "概况：宿舍自伤（划伤手臂）后建档"
    hist = [tuple(page.view.history.item(r, c).text() for c in range(5)) for r in range(page.view.history.rowCount())]
    assert hist[0][2:] == ("case.summary", "宿舍自伤后建档 → 宿舍自伤（划伤手臂）后建档", "补充细节")


def test_overdue_crisis_steps_are_red_on_the_workbench(qtbot, session):
    from app.crisis.cases import open_case
    from app.demo import generate_students, insert_students
    from ui.shell.context import AppContext
    from ui.workbench.page import OVERDUE, WorkbenchPage

    clock.set_fixed(T0)
    [sid] = insert_students(session, generate_students(1, grades=(7,)))
    open_case(session, sid, "major", "teacher", summary="在天台边徘徊")
    advance(hours=3)
    page = WorkbenchPage(AppContext(session))
    qtbot.addWidget(page)
    page.refresh()
    # every step due today sits in the 今天必须完成 band on top (issue 11), the late ones red
    rows = [page.band.topLevelItem(i) for i in range(page.band.topLevelItemCount())]
    assert rows and all(r.text(3) == "危机干预" for r in rows)
    late = [r.text(0) for r in rows if r.foreground(0).color() == OVERDUE]
    assert any("安全措施已逾期" in t for t in late) and any("通知家长已逾期" in t for t in late)
    assert not any("评估" in t for t in late)          # due at 4 h: soon, not late
    assert any("评估" in r.text(0) for r in rows)      # but due today: in the band


def test_typed_text_survives_a_lock(qtbot, session):
    from app.crisis.cases import open_case
    from app.demo import generate_students, insert_students
    from ui.shell.main_window import hide_dialogs, show_dialogs

    clock.set_fixed(T0)
    [sid] = insert_students(session, generate_students(1, grades=(7,)))
    case_id = open_case(session, sid, "general", "parent", summary="家长反映孩子整夜不睡")
    page = make_page(qtbot, session)
    page.select_case(case_id)
    page.view.select_step("assessment")
    dlg = page.view.open_step_dialog()
    type_text(qtbot, dlg.note, "评估记录写了一半")
    page.ctx.locking.emit()
    held = hide_dialogs()   # what the window's lock does with every open dialog
    assert dlg in held and not dlg.isVisible()
    session.lock()
    session.unlock("Test-password-2026!")
    page.ctx.unlocked.emit()
    show_dialogs(held)
    assert dlg.isVisible() and dlg.note.toPlainText() == "评估记录写了一半"
    save(qtbot, dlg)
    assert get_case(session, case_id, audit=False).step("assessment").note == "评估记录写了一半"


INCIDENT_NOTE = "学生称是被同学逼迫后才划伤手臂"


def _incident_with_case(session):
    from app.crisis.cases import open_case
    from app.crisis.incidents import record_incident
    from app.demo import generate_students, insert_students

    clock.set_fixed(T0)
    [sid] = insert_students(session, generate_students(1, grades=(8,)))
    first = record_incident(session, occurred_at="2026-10-20T10:00", what="课间操时晕倒，送校医室", place="操场")
    inc = record_incident(session, occurred_at="2026-11-01T12:30", place="宿舍", student_id=sid,
                          what="午休时在宿舍用小刀划伤手臂\n宿管发现后报告", follow_up="校医包扎，家长接回",
                          note=INCIDENT_NOTE,
                          notices=[{"party": "parents", "told_at": "2026-11-01T12:50", "told_by": "心理教师"},
                                   {"party": "leaders", "told_at": "2026-11-01T13:05", "told_by": "心理教师"}])
    case_id = open_case(session, sid, "major", "incident", summary="宿舍自伤后建档", incident_id=inc)
    name = session.db.scalar("SELECT name FROM students WHERE id = :s", {"s": sid})
    return first, inc, case_id, name


def test_incident_list_opens_an_incident_amends_it_and_keeps_the_history(qtbot, session):
    _first, inc, case_id, name = _incident_with_case(session)
    page = make_page(qtbot, session)
    assert [page.lists.tabText(i) for i in range(page.lists.count())] == ["危机个案", "意外事件"]
    assert page.incidents.rows() == [
        ("2026-11-01 12:30", "午休时在宿舍用小刀划伤手臂", "家长 11-01 12:50；学校领导 11-01 13:05", f"编号 {case_id} {name}"),
        ("2026-10-20 10:00", "课间操时晕倒，送校医室", "未记录通知", ""),
    ]
    page.show_incidents()
    page.incidents.table.selectRow(0)
    view = page.incidents.open_selected()
    assert view.incident_id == inc and view.isVisible()
    assert view.fields["note"].text() == INCIDENT_NOTE and view.fields["student"].text() == name
    audit = session.db.query("SELECT action FROM audit_log WHERE target = :t", {"t": f"crisis_incident:{inc}"})
    assert [a[0] for a in audit][-1] == "view_confidential"

    # amend: a reason is required; the earlier value stays in the history
    dlg = view.open_amend_dialog()
    dlg.follow_up.clear()
    type_text(qtbot, dlg.follow_up, "校医包扎，家长接回；次日到市精神卫生中心就诊")
    save(qtbot, dlg)
    assert dlg.isVisible() and "原因" in dlg.error.text()
    type_text(qtbot, dlg.reason, "补充就诊情况")
    dlg.party.setCurrentIndex(dlg.party.findData("bureau"))
    type_text(qtbot, dlg.told_by, "分管校长")
    save(qtbot, dlg)
    assert not dlg.isVisible(), dlg.error.text()
    assert view.fields["follow_up"].text() == "校医包扎，家长接回；次日到市精神卫生中心就诊"
    assert view.history_rows()[0][2:] == ("后续处理", "校医包扎，家长接回 → 校医包扎，家长接回；次日到市精神卫生中心就诊",
                                          "补充就诊情况")
    assert "教育行政部门" in page.incidents.rows()[0][2]

    # the linked case opens on the case tab
    view.case_button.click()
    assert not view.isVisible()
    assert page.lists.currentWidget() is page.table and page.view.case.row.id == case_id


def test_incident_tiers_in_the_window(qtbot, session):
    from app.accounts.admin import add_account
    from app.accounts.model import Role
    from app.crisis.incidents import amend_incident
    from app.session import open_session

    _first, inc, _case_id, _name = _incident_with_case(session)

    amend_incident(session, inc, "更正", note="学生称被同学逼迫")
    add_account(session, "office", "Front-desk-2026!", Role.ADMIN)
    add_account(session, "ht", "Teacher-password-2026!", Role.HEAD_TEACHER,
                class_id=session.db.scalar("SELECT class_id FROM students LIMIT 1"))

    manager = open_session(session.paths.root, "office", "Front-desk-2026!")
    try:
        page = make_page(qtbot, manager)
        # managers may read incidents (not students' crisis cases)
        assert page.lists.count() == 1 and page.lists.tabText(0) == "意外事件" and len(page.incidents.rows()) == 2
        view = page.open_incident(inc)
        assert "note" not in view.fields and not view.amend_button.isVisible()
        assert view.open_amend_dialog() is None
        shown = view.shown_text()
        assert "午休时在宿舍" in shown and INCIDENT_NOTE not in shown and "被同学逼迫" not in shown
        assert view.history_rows() == []                      # the only amendment was of the confidential note
        view.reject()
    finally:
        manager.close()

    teacher = open_session(session.paths.root, "ht", "Teacher-password-2026!")
    try:
        page = make_page(qtbot, teacher)
        assert page.lists.count() == 1 and not page.lists.tabBar().isVisible()
        page.incidents.refresh()
        assert page.incidents.rows() == []
    finally:
        teacher.close()


def test_the_case_opens_at_its_next_step_with_one_primary_action(qtbot, session):
    """Issue 11: the next step selected, "完成下一步：评估（截止 11-02 12:00）", a double-click opens a step, the other
    step actions in the 更多操作 menu."""
    from app.crisis.cases import open_case
    from app.demo import generate_students, insert_students
    from ui.crisis.dialogs import SkipDialog, StepDialog

    clock.set_fixed(T0)
    [sid] = insert_students(session, generate_students(1, grades=(7,)))
    case_id = open_case(session, sid, "general", "parent", summary="家长反映孩子整夜不睡")
    page = make_page(qtbot, session)
    page.select_case(case_id)
    view = page.view
    nxt = view.next_step()
    assert nxt is not None and view.selected_step().id == nxt.id
    expected = f"完成下一步：{nxt.name}（截止 {nxt.due_at[5:10]} {nxt.due_at[11:16]}）"
    assert view.complete_button.text() == expected and view.complete_button.isVisible()
    assert view.complete_button.property("role") == "primary"
    # the other actions are in the menu, not a wall of buttons
    assert not any(b.isVisible() for b in view.menu_buttons) and view.more_button.isVisible()
    labels = [a.text() for a in view.more_menu.actions()]
    assert "跳过所选步骤…" in labels and "结案…" in labels and "完成所选步骤…" not in labels
    # another step selected: the button names it
    later = [s for s in view.case.steps if s.status == "open" and s.required][1]
    view.select_step_id(later.id)
    assert view.complete_button.text().startswith(f"完成所选步骤：{later.name}")
    # double-clicking a step opens it
    row = [s.id for s in view.case.steps].index(nxt.id)
    view.steps.itemDoubleClicked.emit(view.steps.item(row, 0))
    assert isinstance(view.dialog, StepDialog) and view.dialog.isVisible() and view.dialog.step.id == nxt.id
    view.dialog.reject()
    # a menu action runs its button
    view.select_step_id(later.id)
    view.menu_actions[view.skip_button].trigger()
    assert isinstance(view.dialog, SkipDialog) and view.dialog.isVisible()
    view.dialog.reject()
    # completing the next step moves the selection (and the button) to the one after it
    complete(qtbot, page, nxt.key, "已与家长面谈，初步评估")
    after = view.next_step()
    assert after is not None and after.id != nxt.id and view.selected_step().id == after.id
    assert view.complete_button.text().startswith(f"完成下一步：{after.name}")
