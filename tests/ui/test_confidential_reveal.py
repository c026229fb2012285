"""Confidential text behind a click (issue 11): not in any visible widget until "显示保密内容" is clicked, then shown;
the reveal is one audit line written by the app layer."""
from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QLabel, QLineEdit, QPlainTextEdit, QTextEdit, QWidget

from app import clock

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")
CASE_NOTE = "自述已写好遗书放在书包夹层"
STEP_NOTE = "评估时说出具体地点和时间"
RECORD_NOTE = "父母离异后由外婆抚养，曾被继父打"
PLAN_TEXT = "母亲长期服药，家中无人照看"


def visible_text(root: QWidget) -> str:
    """Every piece of text a person in front of the screen could read."""
    parts: list[str] = []
    for w in [root, *root.findChildren(QWidget)]:
        if not w.isVisible():
            continue
        if isinstance(w, QLabel | QAbstractButton | QLineEdit):
            parts.append(w.text())
        elif isinstance(w, QPlainTextEdit | QTextEdit):
            parts.append(w.toPlainText())
        elif isinstance(w, QAbstractItemView) and w.model() is not None:
            m = w.model()
            from PySide6.QtCore import QModelIndex

            try:
                columns = m.columnCount(QModelIndex())
            except TypeError:      # a list model: one column
                columns = 1
            for r in range(m.rowCount(QModelIndex())):
                for c in range(columns):
                    parts.append(str(m.data(m.index(r, c)) or ""))
    return "\n".join(parts)


def reveals(session, target: str) -> int:
    return session.db.scalar("SELECT count(*) FROM audit_log WHERE action = 'reveal_confidential' AND target = :t",
                             {"t": target})


def test_a_crisis_case_hides_its_confidential_text_until_revealed(qtbot, session):
    from app.crisis.cases import get_case, open_case
    from app.crisis.steps import complete_step
    from app.demo import generate_students, insert_students
    from ui.crisis.page import CrisisPage
    from ui.shell.context import AppContext

    clock.set_fixed(dt.datetime(2026, 11, 2, 8, 0))
    a, b = insert_students(session, generate_students(2, grades=(7,)))
    case_id = open_case(session, a, "severe", "teacher", summary="课间在走廊哭泣", note=CASE_NOTE)
    other = open_case(session, b, "general", "parent", summary="家长反映失眠")
    step = next(s for s in get_case(session, case_id, audit=False).steps if s.key == "assessment")
    complete_step(session, step.id, summary="已评估", note=STEP_NOTE, data={})
    page = CrisisPage(AppContext(session))
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    page.select_case(case_id)
    view = page.view
    before = visible_text(page)
    assert "课间在走廊哭泣" in before                         # the ordinary text shows
    assert CASE_NOTE not in before and STEP_NOTE not in before
    assert view.reveal_button.isVisible() and reveals(session, f"crisis_case:{case_id}") == 0
    view.reveal_button.click()
    after = visible_text(page)
    assert CASE_NOTE in after and STEP_NOTE in after and not view.reveal_button.isVisible()
    assert reveals(session, f"crisis_case:{case_id}") == 1
    # per view: the next case starts hidden again, and coming back asks again
    page.select_case(other)
    page.select_case(case_id)
    assert CASE_NOTE not in visible_text(page) and view.reveal_button.isVisible()


def test_a_session_record_hides_its_confidential_note_until_revealed(qtbot, session):
    from app.casework.model import RecordInput
    from app.casework.records import create_record
    from app.demo import generate_students, insert_students
    from ui.casework.page import CaseworkPage
    from ui.shell.context import AppContext

    clock.set_fixed(dt.datetime(2026, 11, 2, 8, 0))
    [sid] = insert_students(session, generate_students(1, grades=(8,)))
    rid = create_record(session, RecordInput("individual", [sid], "2026-11-02T08:00", summary="谈学习压力",
                                             confidential=RECORD_NOTE))
    page = CaseworkPage(AppContext(session))
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    page.open_record(rid)
    form = page.form
    assert "谈学习压力" in visible_text(page) and RECORD_NOTE not in visible_text(page)
    assert form.confidential_cover.button.isVisible() and reveals(session, f"case_records:{rid}") == 0
    form.confidential_cover.button.click()
    assert RECORD_NOTE in visible_text(page) and reveals(session, f"case_records:{rid}") == 1
    # a new record has nothing to hide: its box is there to type in, no click, no audit line
    page.new_record()
    assert form.confidential.isVisible() and reveals(session, "case_records:") == 0


def test_the_plan_is_hidden_until_revealed(qtbot, session):
    from app.archive.plans import save_plan
    from app.demo import generate_students, insert_students
    from ui.archive.page import StudentsPage
    from ui.shell.context import AppContext

    clock.set_fixed(dt.datetime(2026, 11, 2, 8, 0))
    [sid] = insert_students(session, generate_students(1, grades=(8,)))
    save_plan(session, sid, review_date="2026-12-01", family=PLAN_TEXT)
    ctx = AppContext(session)
    page = StudentsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    page.show_student(sid)
    page.archive.show_tab("一生一策")
    reg = session.db.scalar("SELECT registry_no FROM students WHERE id = :i", {"i": sid})
    plan = page.archive.plan
    assert PLAN_TEXT not in visible_text(page) and plan.cover.button.isVisible()
    assert reveals(session, f"student:{reg}") == 0
    plan.cover.button.click()
    assert PLAN_TEXT in visible_text(page) and reveals(session, f"student:{reg}") == 1


def test_a_head_teacher_cannot_reveal(school, head_teacher):
    from app.archive.reveal import reveal_confidential
    from app.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        reveal_confidential(head_teacher, "crisis_case:1", "危机个案的保密记录")
    assert reveals(school, "crisis_case:1") == 0
