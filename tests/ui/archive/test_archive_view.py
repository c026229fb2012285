"""The archive of one student: tags and plans added through the UI appear on the timeline, newest first;
a head teacher sees neither the plan tab nor tag notes; opening the plan tab is audited once per opening."""
from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from app import clock
from app.archive.students import StudentFilter
from app.audit.log import recent

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture(autouse=True)
def _cjk_font(qapp):
    from ui.shell.fonts import apply_app_font

    apply_app_font(qapp)


def make_page(qtbot, session):
    from ui.archive.page import StudentsPage
    from ui.shell.context import AppContext

    page = StudentsPage(AppContext(session))
    qtbot.addWidget(page)
    page.resize(1200, 760)
    return page


def class_student(session, head_teacher_class: int) -> int:
    from app.archive.students import StudentIndex

    index = StudentIndex(session.db)
    return next(e.id for e in index.matching(session.account, StudentFilter(class_id=head_teacher_class))
                if not e.all_tags)


def plan_views(session) -> list:
    return [e for e in recent(session.db, 1000, "view_confidential") if e.detail == "support_plan"]


def test_tag_and_plan_through_ui_show_on_timeline(qtbot, school, head_teacher):
    sid = class_student(school, head_teacher.account.class_id)
    page = make_page(qtbot, school)
    page.show_student(sid)
    archive = page.archive
    assert archive.tab_titles() == ["基本信息", "家庭与监护人", "重点关注", "一生一策", "时间线"]
    assert "学籍号" in archive.facts_label.text()

    t0 = (clock.now() + dt.timedelta(days=1)).replace(hour=9, minute=0, second=0)
    clock.set_fixed(t0)
    archive.show_tab("重点关注")
    dlg = archive.tags.open_add_dialog()
    ok = dlg.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()  # no category chosen yet
    qtbot.mouseClick(dlg.tag.chips["其他"], Qt.MouseButton.LeftButton)
    assert not ok.isEnabled()  # 其他 needs a note
    dlg.note.setPlainText("父亲长期住院，家中经济紧张")
    assert ok.isEnabled()
    ok.click()
    assert [r[0] for r in archive.tags.model.rows] == ["其他"]
    assert archive.tags.model.rows[0][1] == "父亲长期住院，家中经济紧张"
    assert "其他" in archive.facts_label.text()

    clock.set_fixed(t0 + dt.timedelta(hours=1))
    archive.show_tab("一生一策")
    plan = archive.plan
    assert plan is not None
    assert plan.reason.isHidden()
    plan.edits["situation"].setPlainText("近期情绪低落，上课注意力不集中")
    plan.edits["growth_advice"].setPlainText("每两周与心理教师面谈一次")
    assert plan.save()
    assert [p.version for p in plan.versions] == [1]
    assert not plan.reason.isHidden()

    clock.set_fixed(t0 + dt.timedelta(hours=2))
    plan.edits["growth_advice"].setPlainText("每周面谈一次，并与家长沟通")
    assert not plan.save()  # the second version asks for a reason
    assert "修改原因" in plan.message.text()
    plan.reason.setText("期中考试后情绪波动加大")
    assert plan.save()
    assert [p.version for p in plan.versions] == [2, 1]
    assert plan.version_list.count() == 2
    plan.version_list.setCurrentRow(1)
    assert "每两周与心理教师面谈一次" in plan.version_view.toPlainText()
    assert plan.version_view.isReadOnly()

    archive.show_tab("时间线")
    rows = archive.timeline.rows()
    assert rows[0][1:3] == ("一生一策", "修订一生一策方案（第 2 版）")
    assert rows[0][4] == "保密"
    assert rows[1][1:3] == ("一生一策", "制定一生一策方案")
    assert rows[2][1:3] == ("重点关注", "设为重点关注：其他")
    assert "父亲长期住院" in rows[2][3]
    dates = [r[0] for r in rows]
    assert dates == sorted(dates, reverse=True)

    # clearing the tag, with a reason
    clock.set_fixed(t0 + dt.timedelta(hours=3))
    archive.show_tab("重点关注")
    archive.tags.select_row(0)
    clear = archive.tags.open_clear_dialog()
    assert clear is not None
    assert not clear.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    clear.reason.setPlainText("父亲已出院，家庭情况好转")
    clear.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert archive.tags.model.rows[0][4].startswith(f"已于 {t0.date().isoformat()} 解除")
    assert archive.timeline.rows()[0][2] == "解除重点关注：其他"

    # the head teacher of that class: no plan tab, no note, no confidential rows
    ht_page = make_page(qtbot, head_teacher)
    ht_page.show_student(sid)
    ht = ht_page.archive
    assert "一生一策" not in ht.tab_titles()
    assert ht.plan is None
    assert ht.tags.model.headers == ["关注类别", "设置时间", "设置人", "状态"]
    assert all("父亲" not in str(cell) for row in ht.tags.model.rows for cell in row)
    ht_rows = ht.timeline.rows()
    assert any(r[2] == "设为重点关注：其他" for r in ht_rows)
    assert all(r[4] == "普通" for r in ht_rows)
    assert all("父亲" not in " ".join(r) and "一生一策" not in r[1] for r in ht_rows)
    assert ht.tags.add_button.isHidden()

    from ui.shell import tasks

    qtbot.waitUntil(lambda: tasks.running() == 0)  # the index rebuilt after the tag changes
    assert "其他" not in page.ctx.index.matching(school.account, StudentFilter(search=ht.student.registry_no))[0].all_tags


def test_opening_plan_tab_is_audited_once_per_opening(qtbot, school):
    sid = school.db.scalar("SELECT student_id FROM support_plans ORDER BY id LIMIT 1")
    registry = school.db.scalar("SELECT registry_no FROM students WHERE id = :id", {"id": sid})
    page = make_page(qtbot, school)
    before = len(plan_views(school))
    page.show_student(sid)
    assert len(plan_views(school)) == before  # the profile tab is not the plan
    page.archive.show_tab("一生一策")
    views = plan_views(school)
    assert len(views) == before + 1
    assert views[0].target == f"student:{registry}"
    assert page.archive.plan.edits["situation"].toPlainText()  # the current version is loaded
    page.archive.show_tab("时间线")
    page.archive.show_tab("一生一策")
    assert len(plan_views(school)) == before + 1  # the same opening
    page.show_list()
    page.show_student(sid)
    page.archive.show_tab("一生一策")
    assert len(plan_views(school)) == before + 2


def test_head_teacher_cannot_open_another_class(qtbot, school, head_teacher):
    from app.archive.students import StudentIndex

    other = next(e.id for e in StudentIndex(school.db).entries if e.class_id != head_teacher.account.class_id)
    page = make_page(qtbot, head_teacher)
    page.show_student(other)
    assert not page.archive.error.isHidden()
    assert "班主任" in page.archive.error.text()
    assert page.archive.tabs.isHidden()


def test_banner_from_a_capability_stands_at_the_top(qtbot, school):
    from app import capability

    sid = school.db.scalar("SELECT id FROM students ORDER BY id LIMIT 1")
    test_crisis = capability.Capability(
        "test_crisis", "测试", banners=(lambda s, i: ["危机个案进行中：一级风险（2026-11-20 起）"] if i == sid else [],))
    with capability.installed(capability.current().extended(test_crisis)):
        page = make_page(qtbot, school)
        page.show()
        qtbot.waitExposed(page)
        page.show_student(sid)
        # other capabilities (screening, crisis) may add their own lines for the demo data: only ours is checked
        assert "危机个案进行中：一级风险（2026-11-20 起）" in page.archive.banner_texts()
        ours = [lb for lb in page.archive.banner_labels if "危机个案进行中：一级风险" in lb.text()]
        assert ours and ours[0].isVisible()
        page.show_student(sid + 1)
        assert "危机个案进行中：一级风险（2026-11-20 起）" not in page.archive.banner_texts()


def test_profile_masks_the_id_number(qtbot, school):
    from ui.archive.profile import mask_id_number

    assert mask_id_number("37020220130504001X") == "*" * 14 + "001X"
    assert mask_id_number("") == ""
    sid = school.db.scalar("SELECT id FROM students ORDER BY id LIMIT 1")
    with school.db.transaction():
        school.db.execute("UPDATE students SET id_number = '370202201305040018' WHERE id = :id", {"id": sid})
    page = make_page(qtbot, school)
    page.show_student(sid)
    assert page.archive.profile.values["id_number"].text() == "*" * 14 + "0018"


# -- amending the profile and guardians --------------------------------------------------------------------------
def shown_page(qtbot, session):
    page = make_page(qtbot, session)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    return page


def focused():
    from PySide6.QtWidgets import QApplication

    return QApplication.focusWidget()


def press(qtbot, key, modifier=None):
    from PySide6.QtCore import Qt

    widget = focused()
    assert widget is not None, "nothing has the keyboard focus"
    qtbot.keyClick(widget, key, modifier or Qt.KeyboardModifier.NoModifier)


def test_profile_is_edited_with_the_keyboard_only(qtbot, school):
    from PySide6.QtCore import Qt

    sid = school.db.scalar("SELECT id FROM students WHERE status = '在读' ORDER BY id LIMIT 1")
    page = shown_page(qtbot, school)
    page.show_student(sid)
    archive, profile = page.archive, page.archive.profile
    before = archive.student
    assert not profile.edit_button.isHidden() and profile.panel.isHidden()
    clock.set_fixed(clock.now() + dt.timedelta(days=1))

    profile.edit_button.setFocus()
    press(qtbot, Qt.Key.Key_Space)                       # 编辑
    assert profile.editing and not profile.panel.isHidden()
    assert not archive.back_button.isEnabled()           # leave by saving or cancelling
    assert focused() is profile.editors["gender"]
    order = []
    for _ in range(10):
        press(qtbot, Qt.Key.Key_Tab)
        order.append(focused())
    assert order == [profile.editors[k] for k in profile.EDITABLE[1:]] + [
        profile.panel.reason, profile.panel.save_button, profile.panel.cancel_button]

    # a wrong date and no reason: refused, shown in Chinese under the fields, nothing written
    profile.editors["birth_date"].setFocus()
    press(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(focused(), "2013-02-30")
    press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    errors = profile.visible_errors()
    assert set(errors) == {"birth_date", "reason"}
    assert "无效" in errors["birth_date"] and "修改原因" in errors["reason"]
    assert profile.editing and focused() is profile.editors["birth_date"]
    assert get_profile(school, sid).birth_date == before.birth_date

    press(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(focused(), "2013/5/14")                # understood, stored as 2013-05-14
    profile.editors["id_number"].setFocus()
    qtbot.keyClicks(focused(), "11010520130504018x")
    profile.panel.reason.setFocus()
    profile.panel.reason.insert("家长提供户口本，更正出生日期")  # QTest types Latin-1 only
    press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not profile.editing and archive.back_button.isEnabled()
    assert profile.visible_errors() == {}
    assert profile.values["birth_date"].text() == "2013-05-14"
    assert profile.values["id_number"].text() == "*" * 14 + "018X"
    assert "已保存" in profile.notice.text()
    top = archive.timeline.rows()[0]
    assert top[1] == "学籍" and top[2].startswith("修改基本信息：出生日期") and "身份证件号" in top[2]
    assert "018X" not in top[2] and "户口本" in top[2]

    # Esc cancels an edit (and keeps the archive open); a second Esc goes back to the list
    assert focused() is profile.edit_button               # after saving, the focus is back on 编辑
    press(qtbot, Qt.Key.Key_Space)
    assert profile.editing
    profile.editors["ethnicity"].setFocus()
    qtbot.keyClicks(focused(), "xyz")
    from ui.shell import dialogs

    dialogs.preanswer(True)                                # Esc asks before discarding what was typed (issue 10)
    press(qtbot, Qt.Key.Key_Escape)
    assert dialogs.shown[-1].title == "放弃未保存的内容？"
    assert not profile.editing and page.showing_archive()
    assert get_profile(school, sid).ethnicity == before.ethnicity
    press(qtbot, Qt.Key.Key_Escape)
    assert not page.showing_archive()


def get_profile(session, sid):
    from app.archive.students import get_student

    return get_student(session.db, session.account, sid)


def test_status_edit_refreshes_the_list(qtbot, school):
    from ui.shell import tasks

    sid = school.db.scalar("SELECT id FROM students WHERE status = '在读' ORDER BY id LIMIT 1")
    registry = school.db.scalar("SELECT registry_no FROM students WHERE id = :id", {"id": sid})
    page = make_page(qtbot, school)
    page.show_student(sid)
    profile = page.archive.profile
    clock.set_fixed(clock.now() + dt.timedelta(days=1))
    profile.begin_edit()
    profile.combo("status").setCurrentText("转出")
    profile.panel.reason.setText("转学至外县")
    assert page.archive.save_edit()
    assert "学籍状态（在读→转出）" in page.archive.timeline.rows()[0][2]
    assert "转出" in page.archive.facts_label.text()
    qtbot.waitUntil(lambda: tasks.running() == 0)
    page.show_list()
    page.search.setText(registry)
    assert page.model.rowCount() == 0      # left students are hidden by default
    page.include_left.setChecked(True)
    assert page.model.rowCount() == 1


def test_an_unsaved_edit_survives_a_reload(qtbot, school):
    sid = school.db.scalar("SELECT id FROM students ORDER BY id LIMIT 1")
    page = make_page(qtbot, school)
    page.show_student(sid)
    profile = page.archive.profile
    profile.begin_edit()
    profile.line("address").setText("新地址 8 号")
    profile.panel.reason.setText("搬家")
    page.archive.reload()            # what happens after an unlock or a change elsewhere
    assert profile.editing and profile.line("address").text() == "新地址 8 号"
    assert profile.panel.reason.text() == "搬家"
    other = school.db.scalar("SELECT id FROM students WHERE id <> :id ORDER BY id LIMIT 1", {"id": sid})
    from ui.shell import dialogs

    dialogs.preanswer(True)
    page.show_student(other)         # another student: asked first, then the unsaved edit of the first is dropped
    assert dialogs.shown[-1].title == "放弃未保存的内容？"
    assert not profile.editing


def test_guardians_are_edited_beside_the_registry_guardian(qtbot, school):
    from PySide6.QtCore import Qt

    from app.archive.profile import guardians_of

    sid = school.db.scalar("SELECT student_id FROM guardians WHERE sort = 0 ORDER BY id LIMIT 1")
    registry = guardians_of(school, sid).registry
    assert registry is not None
    page = shown_page(qtbot, school)
    page.show_student(sid)
    archive, tab = page.archive, page.archive.guardians
    archive.show_tab("家庭与监护人")
    assert [r[3] for r in tab.model.rows] == ["花名册"]
    clock.set_fixed(clock.now() + dt.timedelta(days=1))

    tab.edit_button.setFocus()
    press(qtbot, Qt.Key.Key_Space)
    assert tab.editing and registry.name in tab.registry_label.text() and "花名册导入" in tab.registry_label.text()
    assert len(tab.rows) == 1 and focused() is tab.rows[0].name
    tab.rows[0].name.insert("张丽")
    press(qtbot, Qt.Key.Key_Tab)
    assert focused() is tab.rows[0].relation
    tab.rows[0].relation.setCurrentText("母亲")
    press(qtbot, Qt.Key.Key_Tab)
    qtbot.keyClicks(focused(), "139 0000 0000")
    tab.add_button.click()
    assert len(tab.rows) == 2 and focused() is tab.rows[1].name
    press(qtbot, Qt.Key.Key_Tab)
    press(qtbot, Qt.Key.Key_Tab)
    qtbot.keyClicks(focused(), "abc")                    # a second guardian: no name, a bad phone
    tab.panel.reason.setText("家长会上登记")
    press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert tab.editing
    assert tab.rows[1].error.text() == "请填写姓名；电话“abc”格式不正确"
    assert tab.rows[0].error.isHidden() and focused() is tab.rows[1].name

    tab.rows[1].remove_button.setFocus()
    press(qtbot, Qt.Key.Key_Space)                        # 删除 the second row
    assert len(tab.rows) == 1
    press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not tab.editing
    assert tab.model.rows == [(registry.name, registry.relation, registry.phone, "花名册"),
                              ("张丽", "母亲", "13900000000", "档案登记")]
    top = archive.timeline.rows()[0]
    assert top[2] == "修改监护人：新增 张丽（母亲）。原因：家长会上登记"
    assert guardians_of(school, sid).registry == registry


def test_head_teacher_sees_no_edit_buttons(qtbot, school, head_teacher):
    sid = class_student(school, head_teacher.account.class_id)
    page = make_page(qtbot, head_teacher)
    page.show_student(sid)
    for tab in page.archive.editable_tabs:
        assert tab.edit_button.isHidden()
        tab.begin_edit()
        assert not tab.editing
    assert not page.archive.save_edit()


def test_a_manager_who_is_not_a_counselor_sees_no_confidential_text(qtbot, school):
    """A 管理员 (accounts, settings, backups) opens archives but sees neither the plan nor tag notes nor
    confidential timeline rows, although the counselor wrote all three for this student."""
    from app.accounts.admin import add_account
    from app.accounts.model import Role
    from app.archive.plans import save_plan
    from app.archive.tags import add_tag
    from app.session import open_session

    sid = class_student(school, next(iter({e.class_id for e in _index_entries(school)})))
    add_tag(school, sid, "其他", "保密说明：父母离异后与祖母同住")
    save_plan(school, sid, review_date="2030-01-01", change_reason="初次制定", situation="保密：家庭情况复杂")
    add_account(school, "office", "Front-desk-2026!", Role.ADMIN)
    admin = open_session(school.paths.root, "office", "Front-desk-2026!")
    try:
        page = make_page(qtbot, admin)
        page.show_student(sid)
        archive = page.archive
        assert archive.student is not None and archive.student.id == sid
        assert "一生一策" not in archive.tab_titles()
        shown = [archive.tags.model.data(archive.tags.model.index(r, c))
                 for r in range(archive.tags.model.rowCount()) for c in range(archive.tags.model.columnCount())]
        assert not any("保密" in str(v) for v in shown)
        rows = archive.timeline.rows()
        assert rows and all(r[1] == "学籍" for r in rows)  # an admin keeps the roster: no tags, plans or records
        assert not any("保密" in " ".join(map(str, r)) or "一生一策" in " ".join(map(str, r)) for r in rows)
        assert archive.tags.add_button.isHidden()
    finally:
        admin.close()


def _index_entries(session):
    from app.archive.students import StudentIndex

    return StudentIndex(session.db).matching(session.account, StudentFilter())
