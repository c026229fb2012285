"""The main window: pages in order, a broken page isolated, Ctrl+K, open_student, the status bar; 工作台."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QWidget

from app.capability import Capability, Registry
from app.workbench import WorkItem
from ui.pages import PAGES
from ui.pages import page as declared
from ui.shell.context import AppContext, Change
from ui.shell.main_window import MainWindow
from ui.shell.page import Page


def page(page_id: str, title: str, create, eager: bool = False) -> Page:
    return Page(page_id, title, create, eager=eager)


def only_workbench(provider) -> Registry:
    """A registry of one test capability whose 工作台 provider is ``provider``."""
    return Registry([Capability("test", "测试", workbench=(provider,))])


class FakeStudents(QLineEdit):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.searched = 0
        self.opened: list[int] = []
        ctx.open_student.connect(self.opened.append)

    def focus_search(self) -> None:
        self.searched += 1


def broken(_ctx: AppContext) -> QWidget:
    raise RuntimeError("页面内部错误")


def test_pages_nav_status_and_shortcuts(qtbot, school):
    pages = [declared("workbench"), page("students", "学生档案", FakeStudents, eager=True),
             page("broken", "坏页面", broken)]
    win = MainWindow(school, auto_backup=False, pages=pages)
    qtbot.addWidget(win)
    win.show()
    assert win.windowTitle() == "心桥 · 测试学校"
    assert [win.nav.item(i).text() for i in range(win.nav.count())] == ["工作台", "学生档案", "坏页面"]
    assert "broken" not in win.page_errors  # built on first show, not at start-up
    assert win.pages["broken"].objectName() == "pageError"
    assert "页面内部错误" in str(win.page_errors["broken"])
    assert win.current_page_id() == "workbench"
    assert "测试学校" in win.school_label.text()
    assert "counselor" in win.account_label.text() and "心理教师" in win.account_label.text()

    with qtbot.waitActive(win):
        win.activateWindow()
    qtbot.keyClick(win.nav, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert win.current_page_id() == "students" and win.pages["students"].searched == 1

    win.show_page("workbench")
    win.ctx.open_student.emit(7)
    assert win.current_page_id() == "students" and win.pages["students"].opened == [7]
    win.ctx.show_page.emit("broken")
    assert win.pages["broken"].parent() is win.stack.currentWidget()
    assert not win.show_page("nope")
    win.close()


def test_the_real_pages_are_declared_in_order(qtbot, school):
    ids = [p.id for p in PAGES]
    assert ids[0] == "workbench" and ids[-1] == "settings"
    win = MainWindow(school, auto_backup=False, pages=PAGES)
    qtbot.addWidget(win)
    assert not win.page_errors, win.page_errors
    assert win.nav.item(0).text() == "工作台" and win.nav.item(win.nav.count() - 1).text() == "设置"


def test_workbench_groups_urgent_first_overdue_red_and_opens_students(qtbot, school, use_registry):
    from ui.workbench.page import OVERDUE, WorkbenchPage

    items = [WorkItem("follow_up", "到期回访", "张三 约定回访", "2026-01-01", overdue=True, student_id=3),
             WorkItem("crisis", "危机干预", "李四 危机评估", "2026-01-02", overdue=True, urgent=True, student_id=4),
             WorkItem("follow_up", "到期回访", "王五 约定回访", "2099-01-01", student_id=5),
             WorkItem("note", "其他", "填写月报")]
    use_registry(only_workbench(lambda _s, _d: list(items)))
    ctx = AppContext(school)
    w = WorkbenchPage(ctx)
    qtbot.addWidget(w)
    w.show()
    assert w.wait_loaded()
    groups = [w.tree.topLevelItem(i).text(0) for i in range(w.tree.topLevelItemCount())]
    assert groups == ["危机干预（1）", "到期回访（2）", "其他（1）"]
    follow = w.tree.topLevelItem(1)
    assert follow.child(0).text(0) == "张三 约定回访"
    assert follow.child(0).foreground(0).color() == OVERDUE
    assert follow.child(1).foreground(0).color() != OVERDUE
    assert "紧急 1 项" in w.summary.text() and "逾期 2 项" in w.summary.text()
    opened: list[int] = []
    ctx.open_student.connect(opened.append)
    w.tree.itemActivated.emit(follow.child(0), 0)
    w.tree.itemActivated.emit(w.tree.topLevelItem(2).child(0), 0)  # no student: nothing opens
    assert opened == [3]

    items.append(WorkItem("note", "其他", "新的事项"))
    ctx.data_changed.emit(Change.SCREENING)
    assert w.wait_loaded() and w.tree.topLevelItem(2).childCount() == 2
    w.hide()
    items.append(WorkItem("note", "其他", "又一件"))
    ctx.data_changed.emit(Change.CASEWORK)
    assert w.dirty and w.tree.topLevelItem(2).childCount() == 2  # hidden: refreshed only when shown
    w.show()
    assert w.wait_loaded() and not w.dirty and w.tree.topLevelItem(2).childCount() == 3


def test_workbench_loads_off_the_ui_thread_and_shows_only_the_newest_load(qtbot, school, use_registry):
    """The providers run on a worker: the page answers while they work, and a stale answer is discarded."""
    import threading

    from ui.workbench import page as page_mod
    from ui.workbench.page import WorkbenchPage

    release = threading.Event()
    calls: list[str] = []
    worker_threads: set[int] = set()

    def slow(_s, _d):
        worker_threads.add(threading.get_ident())
        n = len(calls)
        calls.append("call")
        if n == 0:
            assert release.wait(10)  # the first load is slow and becomes stale
            return [WorkItem("note", "其他", "旧的事项")]
        return [WorkItem("note", "其他", f"事项{i}") for i in range(page_mod.CHUNK + 5)]

    use_registry(only_workbench(slow))
    ctx = AppContext(school)
    w = WorkbenchPage(ctx)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: len(calls) == 1)
    assert w.loading and w.summary.text() == "正在载入……" and w.tree.topLevelItemCount() == 0
    assert threading.get_ident() not in worker_threads
    w.reload()  # a newer load while the first still works
    release.set()
    assert w.wait_loaded()
    assert len(calls) == 2 and w.tree.topLevelItemCount() == 1
    group = w.tree.topLevelItem(0)
    assert group.text(0) == f"其他（{page_mod.CHUNK + 5}）" and group.childCount() == page_mod.CHUNK + 5
    assert "旧的事项" not in {group.child(i).text(0) for i in range(group.childCount())}
    assert w.summary.text() == f"共 {page_mod.CHUNK + 5} 项"


def test_an_admin_account_gets_no_student_record_pages(qtbot, school):
    """A 管理员 keeps accounts, settings, backups, the roster, incidents and the referral directory."""
    from app.accounts.admin import add_account
    from app.accounts.model import Role
    from app.session import open_session

    add_account(school, "office", "Front-desk-2026!", Role.ADMIN)
    admin = open_session(school.paths.root, "office", "Front-desk-2026!")
    try:
        win = MainWindow(admin, auto_backup=False, pages=PAGES)
        qtbot.addWidget(win)
        win.show()
        # 课程与活动 holds no student record: a manager keeps the school's course log; 人员与培训 is staff, not students
        assert win.page_ids() == ["workbench", "students", "crisis", "courses", "people", "settings"]
        for page_id in win.page_ids():
            assert win.show_page(page_id)
            assert page_id not in win.page_errors, win.page_errors.get(page_id)
        wb = win.pages["workbench"]
        wb.refresh()
        assert not wb.items  # nothing about students' records is due for an admin
    finally:
        win.close()
        admin.close()


def _search_and_open(qtbot, win: MainWindow, text: str, source: str) -> None:
    """Type into the 个案与谈话 page's search box and press Enter on the first hit of ``source``."""
    page = win.pages["casework"]
    assert win.show_page("casework")
    page.tabs.setCurrentWidget(page.search)
    page.search.edit.setText(text)
    qtbot.waitUntil(lambda: any(h.source == source for h in page.search.hits))
    row = next(i for i, h in enumerate(page.search.hits) if h.source == source)
    page.search.results.setCurrentRow(row)
    page.search.edit.setFocus()
    qtbot.keyClick(page.search.edit, Qt.Key.Key_Return)


def test_a_crisis_hit_opens_its_case_and_stays_there(qtbot, school):
    """The window routes a hit by its source to the page that declares it: a crisis case opens on 危机干预 and the
    window does not go on to 学生档案."""
    from app.crisis.cases import open_case

    sid = school.db.scalar("SELECT id FROM students WHERE status = '在读' ORDER BY id LIMIT 1")
    case_id = open_case(school, sid, "major", "teacher", summary="在独木桥边徘徊，情绪激动")
    win = MainWindow(school, auto_backup=False, pages=PAGES)
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    assert win.page_for_source("crisis") == "crisis" and win.page_for_source("casework") == "casework"
    opened: list[int] = []
    win.ctx.open_student.connect(opened.append)
    _search_and_open(qtbot, win, "独木桥", "crisis")
    qtbot.wait(50)  # any queued follow-up (the old bug: open_student after the case) would land now
    assert win.current_page_id() == "crisis"
    crisis = win.pages["crisis"]
    assert crisis.view.case is not None and crisis.view.case.row.id == case_id
    assert opened == []
    assert not win.pages["students"].showing_archive()


def test_a_hit_no_page_owns_opens_the_student(qtbot, school):
    """A source that no declared page opens falls back to the student's archive."""
    from app.search import SearchHit
    from app.search.query import HitStudent

    win = MainWindow(school, auto_backup=False, pages=PAGES)
    qtbot.addWidget(win)
    win.show()
    sid = school.db.scalar("SELECT id FROM students WHERE status = '在读' ORDER BY id LIMIT 1")
    hit = SearchHit("letters", 1, "letter", "家长信", "2026-11-02", "", "", "ordinary",
                    [HitStudent(sid, "G1", "某学生", "七年级（1）班")])
    assert win.page_for_source("letters") is None
    win.ctx.open_hit.emit(hit)
    assert win.current_page_id() == "students" and win.pages["students"].showing_archive()


def test_an_incident_hit_opens_the_incident_on_the_crisis_page(qtbot, school):
    from app.crisis.incidents import record_incident
    from ui.shell import dialogs

    incident_id = record_incident(school, occurred_at="2026-11-02T09:00", what="食堂楼梯发生拥挤摔倒", place="食堂")
    win = MainWindow(school, auto_backup=False, pages=PAGES)
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    _search_and_open(qtbot, win, "拥挤摔倒", "crisis_incident")
    assert win.current_page_id() == "crisis"
    incidents = win.pages["crisis"].incidents
    assert incidents.dialog is not None and incidents.dialog.isVisible()
    assert incidents.dialog.incident_id == incident_id
    incidents.dialog.reject()
    dialogs.reset()
