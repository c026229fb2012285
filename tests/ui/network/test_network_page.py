"""预警网络 page through the real widgets: the period's classes (unreported in red), a report typed in from paper,
the triage list driven from the keyboard (a decision, then a crisis case from the report), empty leadership posts
highlighted, and what a 班主任 and a 管理员 see."""
from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from app import clock
from app.network.model import SELF_HARM
from app.network.people import set_leader
from app.network.reports import ConcernInput, ReportInput, add_report, concern_for_case, untriaged
from ui.network.common import RED
from ui.shell import dialogs
from ui.shell.context import Change

T0 = dt.datetime(2026, 11, 2, 9, 0)   # a Monday
SECRET = "隐秘所见情况"


@pytest.fixture
def pupils(session):
    from app.demo import generate_students, insert_students

    clock.set_fixed(T0)
    return insert_students(session, generate_students(10, grades=(7,), class_size=5))


def class_of(session, name: str) -> int:
    from app.school.classes import find_class

    return find_class(session.db, name).id


def make_page(qtbot, session):
    from ui.pages import page as declared
    from ui.shell.context import AppContext

    decl = declared("network")
    assert (decl.id, decl.title, decl.search_sources) == ("network", "预警网络", ("network_report",))
    ctx = AppContext(session)
    page = decl.factory(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    return page, ctx


def cells(table, col: int) -> list[str]:
    return [table.item(r, col).text() for r in range(table.rowCount())]


def test_overview_and_a_report_typed_in(qtbot, session, pupils):
    page, ctx = make_page(qtbot, session)
    assert page.current_period() == "2026-11"
    assert cells(page.classes, 0) == ["七年级（1）班", "七年级（2）班"]
    assert cells(page.classes, 2) == ["未报告", "未报告"]
    assert page.classes.item(0, 2).foreground() == RED
    assert "缺报：七年级（1）班、七年级（2）班" in page.missing.text()

    page.open_report_dialog()
    d = page.report_dialog
    d.place.setCurrentIndex(d.place.findText("七年级（1）班"))
    d.student.setCurrentIndex(1)
    d.signs.item(d.signs.count() - 2).setCheckState(Qt.CheckState.Checked)   # 自伤或伤人言行
    d.seen.setText(SECRET)
    qtbot.mouseClick(d.add_button, Qt.MouseButton.LeftButton)
    assert d.listed.count() == 1
    seen = []
    ctx.data_changed.connect(seen.append)
    d.save()
    assert seen == [Change.NETWORK]
    assert cells(page.classes, 2) == ["已报告", "未报告"]
    assert page.triage is not None and [i.urgent for i in page.triage.items] == [True]
    assert page.triage.table.item(0, 5).text() == "紧急：当天处理"


def test_triage_list_from_the_keyboard(qtbot, session, pupils):
    c1 = class_of(session, "7.1")
    add_report(session, ReportInput("2026-11-02", "psych_rep", "甲", c1, concerns=[
        ConcernInput(pupils[0], ["情绪低落"]), ConcernInput(pupils[1], [SELF_HARM], SECRET),
        ConcernInput(pupils[2], ["人际冲突"])]))
    page, ctx = make_page(qtbot, session)
    page.tabs.setCurrentWidget(page.triage)
    triage = page.triage
    assert [i.student_id for i in triage.items] == [pupils[1], pupils[0], pupils[2]]   # urgent first
    assert page.tabs.tabText(1) == "分诊（3）"
    triage.table.setFocus()
    qtbot.keyClick(triage.table, Qt.Key.Key_Down)
    assert triage.current().student_id == pupils[0]
    qtbot.keyClick(triage.table, Qt.Key.Key_2)
    assert triage.decision.currentData() == "watch"
    qtbot.keyClick(triage.table, Qt.Key.Key_Return)
    assert [i.student_id for i in untriaged(session)] == [pupils[1], pupils[2]]
    assert page.tabs.tabText(1) == "分诊（2）"
    # the urgent one: 6 = 开危机个案, confirmed; the case is pre-filled and linked to the report
    qtbot.keyClick(triage.table, Qt.Key.Key_Up)
    assert triage.current().student_id == pupils[1]
    qtbot.keyClick(triage.table, Qt.Key.Key_6)
    seen = []
    ctx.data_changed.connect(seen.append)
    dialogs.preanswer(True)
    qtbot.keyClick(triage.table, Qt.Key.Key_Return)
    assert dialogs.shown[-1].title == "开危机个案" and "自伤或伤人言行" in dialogs.shown[-1].text
    assert seen == [Change.CRISIS]
    case_id = session.db.scalar("SELECT id FROM crisis_cases WHERE student_id = :s", {"s": pupils[1]})
    assert concern_for_case(session, case_id) is not None
    assert [i.student_id for i in triage.items] == [pupils[2]]
    # declining the question writes nothing
    qtbot.keyClick(triage.table, Qt.Key.Key_6)
    dialogs.preanswer(False)
    qtbot.keyClick(triage.table, Qt.Key.Key_Return)
    assert [i.student_id for i in untriaged(session)] == [pupils[2]]


def test_empty_leadership_posts_are_highlighted(qtbot, session, pupils):
    set_leader(session, "leader", outside_name="张校长")
    page, _ctx = make_page(qtbot, session)
    assert cells(page.group, 1) == ["张校长", "（空缺）", "（空缺）"]
    assert page.group.item(1, 1).foreground() == RED and page.group.item(0, 1).foreground() != RED


def _accounts(session):
    from app.accounts.admin import add_account
    from app.accounts.model import Role
    from app.session import open_session

    add_account(session, "ht", "Teacher-password-2026!", Role.HEAD_TEACHER, class_id=class_of(session, "7.1"))
    add_account(session, "keeper", "Office-password-2026!", Role.ADMIN)
    return (open_session(session.paths.root, "ht", "Teacher-password-2026!"),
            open_session(session.paths.root, "keeper", "Office-password-2026!"))


def test_head_teacher_and_admin_views(qtbot, session, pupils):
    c1, c2 = class_of(session, "7.1"), class_of(session, "7.2")
    add_report(session, ReportInput("2026-11-02", "psych_rep", "甲", c1, climate="隐秘班级情况",
                                    concerns=[ConcernInput(pupils[0], ["情绪低落"], SECRET)]))
    add_report(session, ReportInput("2026-11-02", "psych_rep", "乙", c2,
                                    concerns=[ConcernInput(pupils[7], ["欺凌"], "外班所见")]))
    ht, adm = _accounts(session)
    try:
        page, _ctx = make_page(qtbot, ht)
        assert page.triage is None and not page.new_button.isVisible()
        assert cells(page.classes, 0) == ["七年级（1）班"]
        assert cells(page.reports, 1) == ["七年级（1）班"]
        assert cells(page.reports, 5) == [""]
        name0 = session.db.scalar("SELECT name FROM students WHERE id = :s", {"s": pupils[0]})
        assert name0 in cells(page.reports, 4)[0]
        from ui.pages import page as declared

        assert declared("network").available(ht.account) and not declared("network").available(adm.account)
        page2, _ctx2 = make_page(qtbot, adm)   # built anyway, it shows counts only
        assert page2.triage is None
        assert cells(page2.reports, 4) == ["1 人", "1 人"] and cells(page2.reports, 5) == ["", ""]
    finally:
        ht.close()
        adm.close()


def test_reports_import_through_the_one_import_dialog(qtbot, session, pupils, tmp_path):
    from openpyxl import Workbook

    from tests.ui.conftest import wait_tasks

    clock.set_fixed(dt.datetime(2026, 11, 30, 9, 0))
    names = [r[0] for r in session.db.query("SELECT name FROM students WHERE class_id = :c ORDER BY id",
                                            {"c": class_of(session, "7.1")})]
    wb = Workbook()
    ws = wb.active
    ws.append(["日期", "班级", "心理委员", "类型", "班级情况", "关注学生", "表现", "情况说明"])
    ws.append(["2026-11-27", "初一（1）班", "甲", "例行", "平稳", names[0], "情绪低落", "不愿说话"])
    ws.append(["2026-11-27", "7.2", "乙", "例行", "平稳", "", "", ""])
    ws.append(["2026-11-27", "七年级1班", "甲", "例行", "", "查无此人", "欺凌", ""])
    f = tmp_path / "reports.xlsx"
    wb.save(f)
    page, ctx = make_page(qtbot, session)
    page.open_import()
    dlg = page.import_dialog
    assert dlg.windowTitle() == "导入预警网络报告"
    dlg.set_file(f)
    qtbot.waitUntil(lambda: not dlg.busy, timeout=10_000)
    assert "报告 2 份（其中本期无异常 1 份）" in dlg.counts_label.text()
    assert [r[0] for r in dlg.error_model.rows] == [4]
    assert not dlg.import_button.isEnabled()
    dlg.skip_invalid.setChecked(True)
    with qtbot.waitSignal(dlg.imported, timeout=10_000):
        dlg.import_button.click()
    wait_tasks(qtbot)
    assert dlg.outcome.written == 2
    qtbot.waitUntil(lambda: cells(page.classes, 2) == ["已报告", "已报告"])


def answer(dlg, *texts: str, ok: bool = True) -> bool:
    """Fill a ValueDialog (ui.shell.value_dialog) as a user types, and press 确定."""
    assert dlg is not None and dlg.isVisible()
    dlg.fill(*texts)
    done = dlg.save()
    assert done is ok, dlg.error.text()
    return done


def test_people_are_kept_from_the_page(qtbot, session, pupils):
    page, _ctx = make_page(qtbot, session)
    page.tabs.setCurrentIndex(page.tabs.count() - 1)
    regs = [r[0] for r in session.db.query("SELECT registry_no FROM students WHERE id IN (:a, :b) ORDER BY id",
                                           {"a": pupils[0], "b": pupils[1]})]
    answer(page.set_dorm(), regs[0])
    answer(page.value_dialog, "5号楼 301")
    answer(page.set_dorm(), regs[1])
    answer(page.value_dialog, "5号楼３０１")
    assert cells(page.people_rooms, 0) == ["5号楼 301"]
    answer(page.appoint_informant(), regs[0])
    assert page.people_rooms.rowCount() == 0
    dialogs.preanswer(None)      # a second informant for the room is refused with the reason
    answer(page.appoint_informant(), regs[1])
    assert dialogs.shown[-1].kind == "warning" and "已有信息员" in dialogs.shown[-1].text
    answer(page.appoint_rep(), regs[0])
    answer(page.value_dialog, "区级培训")
    assert "（无）" not in cells(page.classes, 1)[0]
    dialogs.preanswer("心理健康副校长")
    answer(page.set_leader(), "孙教授", "市精神卫生中心")
    assert cells(page.group, 1) == ["（空缺）", "（空缺）", "孙教授"]


def test_a_roster_with_a_dorm_column_sets_the_rooms(qtbot, session, tmp_path):
    from openpyxl import Workbook

    from app.network.people import list_rooms
    from tests.ui.conftest import wait_tasks
    from ui.archive.page import StudentsPage
    from ui.shell.context import AppContext

    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "性别", "学籍号", "班级", "是否住校", "宿舍"])
    ws.append(["王小明", "男", "G37020220130000001", "七年级（1）班", "是", "3号楼 201"])
    ws.append(["李雨桐", "女", "G37020220130000002", "七年级（1）班", "是", "4号楼２０２"])
    ws.append(["张子涵", "女", "G37020220130000003", "七年级（1）班", "否", ""])
    f = tmp_path / "roster.xlsx"
    wb.save(f)
    opener = StudentsPage(AppContext(session))
    qtbot.addWidget(opener)
    dlg = opener.open_import_dialog()
    dlg.set_file(f)
    qtbot.waitUntil(lambda: not dlg.busy, timeout=10_000)
    with qtbot.waitSignal(dlg.imported, timeout=10_000):
        dlg.import_button.click()
    wait_tasks(qtbot)
    assert [(r.label, r.residents) for r in list_rooms(session)] == [("3号楼 201", 1), ("4号楼 202", 1)]


def test_settings_from_the_page(qtbot, session, pupils):
    from app.network.model import load_settings

    page, _ctx = make_page(qtbot, session)
    dialogs.preanswer("家校沟通")
    answer(page.edit_settings(), "七年级、八年级", "2", "3")
    s = load_settings(session.db)
    assert (s.eligible_grades, s.triage_school_days, s.escalation_periods, s.escalation_action) == ((7, 8), 2, 3,
                                                                                                    "home_school")
    dlg = page.edit_settings()
    assert dlg.values() == ["七年级、八年级", "2", "3"]        # shown filled with the stored values
    assert not answer(dlg, "七年级、火星班", ok=False)           # refused in the form, the text kept
    assert "火星班" in dlg.error.text() and dlg.isVisible() and dlg.values()[0] == "七年级、火星班"
    assert load_settings(session.db).eligible_grades == (7, 8)


def test_the_committee_grades_are_checkable_tags_of_the_schools_grades(qtbot, session, pupils):
    from app.network.model import load_settings
    from app.school.classes import list_classes
    from app.school.classnames import grade_name
    from ui.shell.chips import ChipField

    page, _ctx = make_page(qtbot, session)
    dlg = page.edit_settings()
    chips = dlg.edits[0]
    assert isinstance(chips, ChipField)             # not text typed with "、"
    school_grades = sorted({c.grade for c in list_classes(session.db)} | set(load_settings(session.db).eligible_grades))
    assert list(chips.chips) == [grade_name(g) for g in school_grades]
    assert chips.selected() == [grade_name(g) for g in load_settings(session.db).eligible_grades]
    for chip in chips.chips.values():
        if chip.isChecked():
            qtbot.mouseClick(chip, Qt.MouseButton.LeftButton)       # untick every grade
    qtbot.mouseClick(chips.chips[grade_name(school_grades[-1])], Qt.MouseButton.LeftButton)
    dialogs.preanswer("家校沟通")
    assert dlg.save(), dlg.error.text()
    assert load_settings(session.db).eligible_grades == (school_grades[-1],)


def test_a_search_hit_opens_the_report(qtbot, session, pupils):
    from app.search import search

    add_report(session, ReportInput("2026-10-20", "psych_rep", "甲", class_of(session, "7.2"),
                                    concerns=[ConcernInput(pupils[6], ["重大挫折"])]))
    page, _ctx = make_page(qtbot, session)
    [hit] = [h for h in search(session, "重大挫折") if h.source == "network_report"]
    page.open_hit(hit)
    assert page.current_period() == "2026-10"
    assert page.tabs.currentWidget() is page.reports and page.reports.currentRow() == 0
    assert page.reports.item(0, 1).text() == "七年级（2）班"


def test_a_review_and_a_pair_from_the_page(qtbot, session, pupils):
    from app.archive.chronology import timeline

    page, _ctx = make_page(qtbot, session)
    assert "七年级 2026-Q4" in page.reviews.text()
    page.open_review_dialog()
    d = page.review_dialog
    assert d.students.rowCount() == 10
    d.participants.setText("年级主任、班主任、心理教师")
    d.students.item(2, 0).setCheckState(Qt.CheckState.Checked)
    d.students.item(2, 2).setText("持续关注，班主任每周反馈")
    d.save()
    assert "七年级 2026-Q4" not in page.reviews.text()
    assert ("年级组研判（七年级 2026-Q4）", "持续关注，班主任每周反馈") in [
        (e.title, e.detail) for e in timeline(session, d.ids[2])]
    regs = [r[0] for r in session.db.query("SELECT registry_no FROM students WHERE id IN (:a, :b) ORDER BY id",
                                           {"a": pupils[3], "b": pupils[4]})]
    page.add_pair()
    p = page.pair_dialog
    for picker, reg in ((p.student, regs[0]), (p.peer, regs[1])):   # a registry number still finds the student
        qtbot.keyClicks(picker.edit, reg)
        qtbot.keyClick(picker.edit, Qt.Key.Key_Return)
    p.end.setText("2027-01-15")
    assert p.save()
    assert page.pairs.rowCount() == 1 and page.pairs.item(0, 3).text() == "2027-01-15"


def test_a_pair_picked_by_name_among_two_of_the_same_name(qtbot, session, pupils):
    """朋辈结对 by name: pinyin initials list both 王芳, each with class and registry number; the counselor takes the
    second (七年级（2）班). Nothing picked, or the same student twice, is refused in the dialog."""
    from app.archive.seed import DemoStudent, insert_students
    from app.network.people import list_pairs

    def pupil(reg: str, name: str, class_no: int) -> DemoStudent:
        return DemoStudent(reg, name, "女", "2013-03-01", 7, class_no, "王某", "母亲", "13800000000", False, False)

    a, b = insert_students(session, [pupil("G37020220139990001", "王芳", 1), pupil("G37020220139990002", "王芳", 2)])
    page, ctx = make_page(qtbot, session)
    page.add_pair()
    p = page.pair_dialog
    assert not p.save() and "请选择需要支持的学生" in p.error.text()
    qtbot.keyClicks(p.student.edit, "wf")
    shown = [p.student.results.item(i).text() for i in range(p.student.results.count())]
    assert shown == ["王芳　七年级（1）班　G37020220139990001", "王芳　七年级（2）班　G37020220139990002"]
    qtbot.keyClick(p.student.edit, Qt.Key.Key_Down)
    qtbot.keyClick(p.student.edit, Qt.Key.Key_Return)
    assert p.student.student_id == b and p.student.label.text() == "已选：王芳（七年级（2）班）"
    qtbot.keyClicks(p.peer.edit, "wf")
    qtbot.keyClick(p.peer.edit, Qt.Key.Key_Down)
    qtbot.keyClick(p.peer.edit, Qt.Key.Key_Return)
    assert not p.save() and "不能是同一人" in p.error.text()        # the same 王芳 twice
    p.peer.edit.clear()
    qtbot.keyClicks(p.peer.edit, "wf")
    qtbot.keyClick(p.peer.edit, Qt.Key.Key_Return)                   # the first one listed: 七年级（1）班
    assert p.peer.student_id == a
    seen = []
    ctx.data_changed.connect(seen.append)
    assert p.save() and seen == [Change.NETWORK]
    stored = session.db.one("SELECT student_id, peer_id FROM network_pairs")
    assert tuple(stored) == (b, a)
    assert [(x[1], x[2]) for x in list_pairs(session)] == [("王芳（七年级（2）班）", "王芳（七年级（1）班）")]
    assert page.pairs.item(0, 0).text() == "王芳（七年级（2）班）" and page.pairs.item(0, 1).text() == "王芳（七年级（1）班）"


def test_a_paper_report_is_filed_under_its_period(qtbot, session, pupils):
    """A routine report for October typed in on 2 November is October's report (the dialog's 期次 follows the
    page's, and can be changed); choosing a room makes its informant the reporter."""
    from app.network.people import set_dorm
    from app.network.reports import overview

    set_dorm(session, pupils[0], "5号楼", "301")
    page, _ctx = make_page(qtbot, session)
    page.period.setCurrentIndex(page.period.findData("2026-10"))
    page.open_report_dialog()
    d = page.report_dialog
    assert d.period.currentData() == "2026-10" and d.date.date().toString("yyyy-MM-dd") == "2026-11-02"
    d.place.setCurrentIndex(d.place.findText("宿舍 5号楼 301"))
    assert d.reporter_kind.currentData() == "informant" and d.student.count() == 1
    d.place.setCurrentIndex(d.place.findText("七年级（1）班"))
    assert d.reporter_kind.currentData() == "psych_rep"
    d.save()
    assert [c["reported"] for c in overview(session, "2026-10")["classes"]] == [True, False]
    assert [c["reported"] for c in overview(session, "2026-11")["classes"]] == [False, False]
    assert cells(page.classes, 2) == ["已报告", "未报告"]     # the page shows October


def test_people_are_found_by_name_on_the_page(qtbot, session, pupils):
    """任命心理委员 / 登记宿舍 / 任命宿舍信息员 take a name (or pinyin initials, or a registry number): one match is
    taken at once, two 王芳 are offered with class and registry number, an unknown name is refused."""
    from app.archive.seed import DemoStudent, insert_students
    from app.network.people import dorm_of, list_reps

    def pupil(reg: str, name: str, class_no: int) -> DemoStudent:
        return DemoStudent(reg, name, "女", "2013-03-01", 7, class_no, "王某", "母亲", "13800000000", False, False)

    a, b = insert_students(session, [pupil("G37020220139990001", "王芳", 1), pupil("G37020220139990002", "王芳", 2)])
    page, _ctx = make_page(qtbot, session)
    dialogs.preanswer("王芳　七年级（2）班　G37020220139990002")
    answer(page.appoint_rep(), "王芳")
    assert dialogs.shown[0].kind == "item" and "有 2 名学生符合“王芳”" in dialogs.shown[0].text
    answer(page.value_dialog, "区级培训")
    assert [r.student_id for r in list_reps(session)] == [b]
    answer(page.set_dorm(), "G37020220139990001")
    answer(page.value_dialog, "5号楼 301")
    assert dorm_of(session, a) == ("5号楼", "301")
    dlg = page.appoint_informant()
    assert not answer(dlg, "查无此人", ok=False)
    assert "没有找到“查无此人”" in dlg.error.text() and dlg.isVisible()
