"""工作台 in the window (issue 9): a same-day item at the top offers "开危机个案" with the student filled in; the case
opened from it links back; "已当天复核" records the review."""
from __future__ import annotations

import datetime as dt

import pytest

from app import clock
from app.crisis.cases import get_case, list_cases
from app.safety.alerts import get_alert, open_alerts
from app.screening.campaigns import create_campaign
from app.screening.results import save_answers
from ui.shell.context import AppContext

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def raised(school):
    clock.set_fixed(dt.datetime(2026, 10, 12, 9, 30))
    camp = create_campaign(school, "秋季测评", {7: "phq9"})
    sids = [r[0] for r in school.db.query("SELECT s.id FROM students s JOIN classes c ON c.id = s.class_id"
                                          " WHERE c.grade = 7 ORDER BY s.id LIMIT 4")]
    for sid in sids[1:]:
        save_answers(school, camp.id, sid, "phq9", [2] * 8 + [0])
    save_answers(school, camp.id, sids[0], "phq9", [0] * 8 + [1])
    return sids[0]


def _page(qtbot, school):
    from ui.workbench.page import WorkbenchPage

    ctx = AppContext(school)
    w = WorkbenchPage(ctx)
    qtbot.addWidget(w)
    w.show()
    assert w.wait_loaded()
    return ctx, w


def test_the_same_day_item_is_first_and_opens_a_linked_case(qtbot, school, raised):
    ctx, w = _page(qtbot, school)
    first = w.band.topLevelItem(0)     # the 今天必须完成 band, above every group (issue 11)
    assert first.text(3).startswith("当天复核") and "第9题阳性" in first.text(0)
    assert first.text(2) == "当天复核" and first.text(1) == "2026-10-12"
    assert not w.case_btn.isEnabled()
    alert = open_alerts(school)[0]
    assert w.select_source(f"safety_alerts:{alert.id}") and w.case_btn.isEnabled() and w.review_btn.isEnabled()
    asked: list[int] = []
    ctx.open_case_from_alert.connect(asked.append)
    assert w.open_case_from_selected() == alert.id and asked == [alert.id]   # the 危机干预 page opens it
    from ui.crisis.page import CrisisPage

    crisis = CrisisPage(ctx)
    qtbot.addWidget(crisis)
    dlg = crisis.open_case_from_alert(alert.id)
    qtbot.addWidget(dlg)
    name = school.db.scalar("SELECT name FROM students WHERE id = :i", {"i": raised})
    assert name in dlg.student_label.text() and dlg.picker.isHidden()          # the student is filled in
    assert "第9题阳性" in dlg.raised_label.text() and dlg.source.currentData() == "screening"
    dlg.level.setCurrentIndex(dlg.level.findData("severe"))
    dlg.summary.setPlainText("测评第9题阳性，当天面谈")
    dlg.accept()
    assert dlg.case_id is not None
    case = get_case(school, dlg.case_id)
    assert "PHQ-9 第9题阳性" in case.raised_by and get_alert(school, alert.id).case_id == dlg.case_id
    assert w.wait_loaded()
    assert not any(w.tree.topLevelItem(i).text(0).startswith("当天复核") for i in range(w.tree.topLevelItemCount()))
    assert not any("第9题阳性" in t for t in w.band_rows())
    assert [c.id for c in list_cases(school, student_id=raised)] == [dlg.case_id]


def test_the_day_review_closes_the_item(qtbot, school, raised):

    ctx, w = _page(qtbot, school)
    alert = open_alerts(school)[0]
    w.select_source(f"safety_alerts:{alert.id}")
    dlg = w.review_selected()
    assert dlg is not None and dlg.isVisible()
    assert get_alert(school, alert.id).status != "reviewed"          # nothing written before the outcome is saved
    dlg.reason.setPlainText("已面谈，暂无危机，转入常规跟进")
    assert dlg.save()
    assert get_alert(school, alert.id).status == "reviewed"
    assert w.wait_loaded() and not open_alerts(school)


def test_the_case_view_shows_what_raised_the_case(qtbot, school, raised):
    from app.crisis.cases import open_case
    from ui.crisis.case_view import CaseView

    alert = open_alerts(school)[0]
    case_id = open_case(school, raised, "general", "screening", summary="当天面谈", alert_id=alert.id)
    view = CaseView(school)
    qtbot.addWidget(view)
    view.show_case(case_id)
    assert not view.raised_by.isHidden() and "测评筛查" in view.raised_by.text() and "第9题阳性" in view.raised_by.text()
    assert "本校设置" in " ".join(view.steps.horizontalHeaderItem(i).text() for i in range(view.steps.columnCount()))


def test_crisis_due_times_are_labelled_as_school_settings(qtbot, school):
    from PySide6.QtWidgets import QLabel

    from ui.crisis.rules_editor import SCHOOL_SETTING_NOTE, RulesDialog

    dlg = RulesDialog(school)
    qtbot.addWidget(dlg)
    texts = " ".join(w.text() for w in dlg.findChildren(QLabel))
    assert SCHOOL_SETTING_NOTE in texts and "不是政策文件规定的时限" in SCHOOL_SETTING_NOTE


def test_held_results_are_decided_from_the_workbench(qtbot, school, tmp_path):
    from openpyxl import Workbook

    from app.screening.campaigns import set_consent
    from app.screening.held import held_results
    from app.screening.importer import apply_screening, preview_screening

    clock.set_fixed(dt.datetime(2026, 10, 12, 9, 30))
    camp = create_campaign(school, "需回执", {7: "phq9"}, consent_required=True)
    rows = school.db.query("SELECT s.id, s.registry_no FROM students s JOIN classes c ON c.id = s.class_id"
                           " WHERE c.grade = 7 ORDER BY s.id LIMIT 2")
    set_consent(school, camp.id, [rows[1][0]], "refused")
    wb = Workbook()
    wb.active.append(["学籍号"] + [f"第{i}题" for i in range(1, 10)])
    for _sid, reg in rows:
        wb.active.append([reg] + [0, 1, 2, 3, 0, 0, 0, 0, 0])
    wb.save(tmp_path / "r.xlsx")
    apply_screening(school, preview_screening(school, tmp_path / "r.xlsx", "phq9", campaign=camp.name), camp.name)
    ctx, w = _page(qtbot, school)
    assert w.select_source(f"screening_held:{held_results(school)[0].id}") and w.held_btn.isEnabled()
    asked: list[bool] = []
    ctx.open_held_results.connect(lambda: asked.append(True))
    w.open_held()
    assert asked == [True]                               # the 测评 page decides them
    from ui.screening.page import ScreeningPage

    page = ScreeningPage(ctx)
    qtbot.addWidget(page)
    dlg = page.open_held_results()
    qtbot.addWidget(dlg)
    assert dlg.table.rowCount() == 2
    dlg.decide(True)                                     # the first: counted
    dlg.decide(False)                                    # the second: discarded with a reason (a form: issue 10)
    assert dlg.reason_dialog.draft_key == f"screening:held:{dlg.rows[dlg.table.currentRow()].id}"
    dlg.reason_dialog.reason.setPlainText("家长拒绝，删除")
    assert dlg.reason_dialog.save()
    assert held_results(school) == [] and dlg.table.rowCount() == 0
    assert school.db.scalar("SELECT count(*) FROM screening_results WHERE campaign_id = :c", {"c": camp.id}) == 1


def test_the_day_review_keeps_a_draft_and_reopens_from_the_workbench(qtbot, school, raised):
    """已当天复核 is a form: its outcome is kept as a draft (confidential tier) and 未完成的记录 gives it back."""
    from app.drafts.store import list_drafts

    ctx, w = _page(qtbot, school)
    alert = open_alerts(school)[0]
    w.select_source(f"safety_alerts:{alert.id}")
    dlg = w.review_selected()
    assert dlg is not None and dlg.draft_key == f"safety:review:{alert.id}"
    dlg.reason.setPlainText("已面谈，下午再约")
    assert dlg.save_draft_now()
    dlg.stop_drafts()
    dlg.hide()
    dlg.deleteLater()
    kept = [d for d in list_drafts(school) if d.form_key == f"safety:review:{alert.id}"]
    assert [d.tier for d in kept] == ["confidential"]
    w.open_draft(f"safety:review:{alert.id}")
    again = w.review_dialog
    assert again is not dlg and again.reason.toPlainText() == "已面谈，下午再约"
    assert again.save() and get_alert(school, alert.id).status == "reviewed"
    assert not any(d.form_key == f"safety:review:{alert.id}" for d in list_drafts(school))
