"""设置 → 关注与反馈: a counselor sets a tag category's tier, a manager the 一反馈 scope; a head teacher sees neither."""
from __future__ import annotations

from app.archive.students import StudentFilter
from app.archive.tags import add_tag, tag_tiers
from app.casework.coverage import feedback_scope
from tests.ui.settings.test_settings_page import make_window
from ui.shell import dialogs


def test_counselor_sets_a_tier_and_the_feedback_scope(qtbot, school, head_teacher):
    win = make_window(qtbot, school)
    tab = win.pages["settings"].focus
    assert tab is not None and not tab.tiers_box.isHidden()
    assert tab.tier_combos["确诊心理障碍"].currentData() == "confidential"
    assert tab.tier_combos["情感危机"].currentData() == "ordinary"
    sid = head_teacher.db.scalar("SELECT id FROM students WHERE class_id = :c AND status = '在读' ORDER BY id LIMIT 1",
                                 {"c": head_teacher.account.class_id})
    add_tag(school, sid, "情感危机")
    tab.tier_combos["情感危机"].setCurrentIndex(tab.tier_combos["情感危机"].findData("confidential"))
    assert tag_tiers(school.db)["情感危机"] == "confidential"
    # the window's shared index was rebuilt: the counselor still finds the tag, a head teacher's list does not
    assert sid in [e.id for e in win.ctx.index.matching(school.account, StudentFilter(tag="情感危机"))]
    assert win.ctx.index.matching(head_teacher.account, StudentFilter(tag="情感危机")) == []
    assert tab.feedback.isEnabled() and feedback_scope(school.db) == "all"
    tab.feedback.setCurrentIndex(tab.feedback.findData("focus"))
    assert feedback_scope(school.db) == "focus"


def test_head_teacher_has_no_focus_settings(qtbot, head_teacher):
    win = make_window(qtbot, head_teacher)
    assert win.pages["settings"].focus is None


def test_the_add_tag_dialog_says_the_tier(qtbot, school):
    from ui.archive.tags import TagsTab

    tab = TagsTab(school)
    qtbot.addWidget(tab)
    sid = school.db.scalar("SELECT id FROM students ORDER BY id LIMIT 1")
    tab.load(sid, "某学生")
    dlg = tab.open_add_dialog()
    dlg.tag.set_selected(["确诊心理障碍"])
    assert dlg.tier.text().startswith("保密级")
    dlg.tag.set_selected(["留守"])
    assert dlg.tier.text().startswith("普通级")
    dlg.tag.set_selected(["留守", "确诊心理障碍"])     # both at once: the line names the confidential one
    assert dlg.tier.text().startswith("保密级：确诊心理障碍 只有心理教师能看到")
    dialogs.preanswer(True)          # 放弃未保存的内容？ — the chosen tags count as typed
    dlg.reject()
