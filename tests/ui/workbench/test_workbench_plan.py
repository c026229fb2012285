"""工作台 as the day's plan (issue 11): the 今天必须完成 band above any number of screening items, a crisis item that
opens its case at the step, long groups split by class, counts and the week's chart."""
from __future__ import annotations

import datetime as dt

import pytest

from app import clock
from app.capability import Capability, Registry
from app.workbench import PRIORITY_CRISIS, PRIORITY_SAME_DAY, WorkItem, split_today, week_counts
from tests.ui.conftest import wait_tasks
from tests.ui.workbench.crowd import crowd
from ui.shell.context import AppContext

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")
T0 = dt.datetime(2026, 10, 12, 8, 0)


def _page(qtbot, session):
    from ui.workbench.page import WorkbenchPage

    ctx = AppContext(session)
    w = WorkbenchPage(ctx)
    qtbot.addWidget(w)
    w.resize(1024, 700)
    w.show()
    assert w.wait_loaded()
    return ctx, w


@pytest.fixture
def crowded(school):
    """60 一级预警 screening items and one severe crisis case opened this morning (its steps due today)."""
    clock.set_fixed(T0)
    return crowd(school, 60, summary="课间在走廊哭泣，说不想活了")


def test_a_crisis_step_due_today_sits_above_sixty_screening_alerts(qtbot, school, crowded):
    _ctx, w = _page(qtbot, school)
    alerts = next(w.tree.topLevelItem(i) for i in range(w.tree.topLevelItemCount())
                  if w.tree.topLevelItem(i).text(0).startswith("一级预警"))
    assert alerts.text(0) == "一级预警（60）"
    band = w.band_rows()
    assert band and "危机" in band[0]
    assert all(w.band.topLevelItem(i).text(3) == "危机干预" for i in range(len(band)))
    assert not any("一级预警" in t for t in band)
    # on screen: the band is drawn above the list, and visible without scrolling
    assert w.band.isVisible() and w.band_frame.geometry().bottom() < w.tree.geometry().top()
    assert f"今天必须完成 {len(band)} 项" in w.counts.text()
    # 60 items in one group: split by class, every class counted, the first open and the others folded
    subs = [alerts.child(i) for i in range(alerts.childCount())]
    assert len(subs) > 1 and all("班 · " in s.text(0) and s.text(0).endswith(" 项") for s in subs)
    assert sum(s.childCount() for s in subs) == 60
    assert subs[0].isExpanded() and not subs[1].isExpanded()


def test_a_crisis_item_opens_its_case_at_that_step(qtbot, school, crowded):
    from app.crisis.cases import get_case
    from ui.crisis.dialogs import StepDialog
    from ui.pages import PAGES
    from ui.shell.main_window import MainWindow

    win = MainWindow(school, auto_backup=False, pages=PAGES)
    qtbot.addWidget(win)
    bench = win.pages["workbench"]
    assert bench.wait_loaded()
    case = get_case(school, crowded, audit=False)
    # the band's second crisis row: not the case's next step, so the selection is the item's own
    step = [s for s in case.steps if s.status == "open" and s.required and s.due_at][1]
    row = bench.find_row(f"crisis_steps:{step.id}")
    assert row is not None and step.name in row.text(0)
    bench.band.itemActivated.emit(row, 0)
    assert win.current_page_id() == "crisis"            # not the student's archive
    crisis = win.pages["crisis"]
    assert crisis.view.case is not None and crisis.view.case.row.id == crowded
    assert crisis.view.selected_step().id == step.id
    assert isinstance(crisis.view.dialog, StepDialog) and crisis.view.dialog.isVisible()
    crisis.view.dialog.reject()
    _close(qtbot, win)


def test_the_band_puts_crisis_steps_before_same_day_items_and_counts_the_week():
    today = dt.date(2026, 10, 12)
    items = [WorkItem("screening_alert", "一级预警", "甲", "2026-10-12", urgent=True),
             WorkItem("same_day", "当天复核", "乙", "2026-10-12", urgent=True, priority=PRIORITY_SAME_DAY),
             WorkItem("crisis_step", "危机干预", "丙", "2026-10-12", urgent=True, priority=PRIORITY_CRISIS),
             WorkItem("crisis_step", "危机干预", "丁", "2026-10-11", overdue=True, urgent=True,
                      priority=PRIORITY_CRISIS),
             WorkItem("follow_up", "到期回访", "戊", "2026-10-14"),
             WorkItem("follow_up", "到期回访", "己", "2026-10-30")]
    band, rest = split_today(items)
    assert [i.title for i in band] == ["丁", "丙", "乙"]
    assert [i.title for i in rest] == ["甲", "戊", "己"]
    week = week_counts(items, today)
    assert [d.day for d in week][0] == today and len(week) == 7
    assert (week[0].due, week[0].overdue) == (3, 1) and week[2].due == 1 and sum(d.due for d in week) == 4


def test_a_long_group_is_split_by_class(qtbot, school, use_registry):
    ids = [r[0] for cls in school.db.query("SELECT id FROM classes ORDER BY grade, number LIMIT 3")
           for r in school.db.query("SELECT id FROM students WHERE class_id = :c ORDER BY id LIMIT 14", {"c": cls[0]})]
    assert len(ids) > 30
    items = [WorkItem("follow_up", "到期回访", f"回访{n}", "2026-10-20", student_id=sid) for n, sid in enumerate(ids)]
    items += [WorkItem("note", "其他", "填写月报")]
    use_registry(Registry([Capability("test", "测试", workbench=(lambda _s, _d: list(items),))]))
    clock.set_fixed(T0)
    _ctx, w = _page(qtbot, school)
    follow = w.tree.topLevelItem(0)
    assert follow.text(0) == f"到期回访（{len(ids)}）"
    classes = {school.db.scalar("SELECT c.name FROM students s JOIN classes c ON c.id = s.class_id WHERE s.id = :i",
                                {"i": sid}) for sid in ids}
    assert {follow.child(i).text(0).split(" · ")[0] for i in range(follow.childCount())} == classes
    assert len(classes) == 3 and sum(follow.child(i).childCount() for i in range(3)) == len(ids)
    other = w.tree.topLevelItem(1)
    assert other.text(0) == "其他（1）" and other.child(0).text(0) == "填写月报"   # short: not split
    assert w.select_source("") is False
    assert w.band_empty.isVisible() and not w.band.isVisible()
    assert w.chart.counts[0].day == T0.date() and w.chart.counts[0].due == 0


def test_a_screening_alert_opens_its_interview(qtbot, school, crowded):
    from ui.pages import PAGES
    from ui.screening.interview_dialog import InterviewDialog
    from ui.shell.main_window import MainWindow

    win = MainWindow(school, auto_backup=False, pages=PAGES)
    qtbot.addWidget(win)
    bench = win.pages["workbench"]
    assert bench.wait_loaded()
    alerts = next(bench.tree.topLevelItem(i) for i in range(bench.tree.topLevelItemCount())
                  if bench.tree.topLevelItem(i).text(0).startswith("一级预警"))
    row = alerts.child(0).child(0)                 # the first class's first student
    entry = int(row.data(0, bench_source_role()).split(":")[1])
    bench.tree.itemActivated.emit(row, 0)
    assert win.current_page_id() == "screening"    # the 复核访谈 that completes it, not the archive
    wait_tasks(qtbot)
    dlg = win.pages["screening"].ledger.dialog
    assert isinstance(dlg, InterviewDialog) and dlg.isVisible() and dlg.draft_key == f"interview:{entry}"
    dlg.reject()
    _close(qtbot, win)


def _close(qtbot, win) -> None:
    """Close the window with no worker left running (the 测评 page draws its charts on one)."""
    wait_tasks(qtbot)
    win.close()
    for _ in range(3):
        qtbot.wait(20)
        wait_tasks(qtbot)


def bench_source_role():
    from ui.workbench.page import SOURCE_ROLE

    return SOURCE_ROLE


def test_the_primary_button_opens_the_top_item_a_crisis_step_due_today(qtbot, school, crowded):
    """开始办理 with nothing selected works on the band's first row: the crisis case at its step, with the dialog."""
    from ui.crisis.dialogs import StepDialog
    from ui.pages import PAGES
    from ui.shell.header import PageHeader
    from ui.shell.main_window import MainWindow

    win = MainWindow(school, auto_backup=False, pages=PAGES)
    qtbot.addWidget(win)
    bench = win.pages["workbench"]
    assert bench.wait_loaded()
    header = bench.findChild(PageHeader)
    assert header.primary is bench.do_btn and bench.do_btn.text() == "开始办理" and bench.do_btn.isEnabled()
    assert bench.current_row() is None and bench.next_row() is bench.band.topLevelItem(0)
    from ui.workbench.page import TARGET_ROLE

    target = bench.band.topLevelItem(0).data(0, TARGET_ROLE)
    assert isinstance(target, str) and target.startswith("crisis_steps:")
    bench.do_btn.click()
    assert win.current_page_id() == "crisis"
    crisis = win.pages["crisis"]
    assert crisis.view.case is not None and crisis.view.case.row.id == crowded
    assert f"crisis_steps:{crisis.view.selected_step().id}" == target
    assert isinstance(crisis.view.dialog, StepDialog) and crisis.view.dialog.isVisible()
    crisis.view.dialog.reject()
    _close(qtbot, win)
