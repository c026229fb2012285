"""审计日志 as sentences (issue 11): who, when, what and which student by name and class, filtered by person,
student, kind and date; no raw JSON or internal ids on screen."""
from __future__ import annotations

import datetime as dt
import re

from app import clock
from tests.ui.conftest import wait_tasks
from ui.pages import page as declared
from ui.shell.main_window import MainWindow


def rows(tab) -> list[tuple[str, ...]]:
    return [tuple(tab.table.item(r, c).text() for c in range(tab.table.columnCount()))
            for r in range(tab.table.rowCount())]


def test_the_audit_log_reads_as_sentences_and_filters(qtbot, session):
    from app.crisis.cases import open_case
    from app.demo import generate_students, insert_students

    clock.set_fixed(dt.datetime(2026, 10, 12, 9, 0))
    a, b = insert_students(session, generate_students(2, grades=(7,)))
    open_case(session, a, "general", "parent", summary="失眠")
    clock.set_fixed(dt.datetime(2026, 10, 14, 9, 0))
    open_case(session, b, "severe", "teacher", summary="自伤")
    session.audit("view_confidential", f"student_id:{b}", {"timeline": 2})
    win = MainWindow(session, auto_backup=False, pages=[declared("settings")])
    qtbot.addWidget(win)
    win.show()
    win.ctx.reload_index()
    tab = win.pages["settings"].audit
    tab.refresh()
    wait_tasks(qtbot)
    shown = rows(tab)
    name_a, cls_a = session.db.one("SELECT s.name, c.name FROM students s JOIN classes c ON c.id = s.class_id"
                                   " WHERE s.id = :i", {"i": a})
    opened = [r for r in shown if r[4].endswith("的危机个案") and name_a in r[4]]
    assert opened and opened[0][3] == f"{cls_a} {name_a}" and opened[0][2] == "修改"
    assert opened[0][0] == "2026-10-12 09:00" and "counselor" in opened[0][1]
    # the row's 事情 starts at the verb (人员 names who); hovering gives the whole sentence with the person
    row = next(i for i in range(tab.table.rowCount()) if tab.table.item(i, 4).text() == opened[0][4])
    assert not opened[0][4].startswith(opened[0][1])
    assert tab.table.item(row, 4).toolTip() == opened[0][1] + opened[0][4]
    text = " ".join(" ".join(r) for r in shown)
    assert "student_id:" not in text and "{" not in text and "crisis_case:" not in text
    # by student
    tab.student.set_student(a, name_a)
    wait_tasks(qtbot)
    assert rows(tab) and {r[3] for r in rows(tab)} == {f"{cls_a} {name_a}"}
    tab._clear_student()
    wait_tasks(qtbot)
    # by kind
    tab.action.setCurrentIndex(tab.action.findData("view_confidential"))
    wait_tasks(qtbot)
    assert rows(tab) and all(r[2] == "查看保密记录" for r in rows(tab))
    tab.action.setCurrentIndex(0)
    wait_tasks(qtbot)
    # by date
    tab.since.setDate(tab.since.date().fromString("2026-10-14", "yyyy-MM-dd"))
    tab.until.setDate(tab.until.date().fromString("2026-10-14", "yyyy-MM-dd"))
    tab.by_date.setChecked(True)
    wait_tasks(qtbot)
    assert rows(tab) and all(r[0].startswith("2026-10-14") for r in rows(tab))
    tab.by_date.setChecked(False)
    wait_tasks(qtbot)
    # by person
    assert tab.person.findData("counselor") > 0
    tab.person.setCurrentIndex(tab.person.findData("counselor"))
    wait_tasks(qtbot)
    assert rows(tab) and all(re.search(r"counselor", r[1]) for r in rows(tab))
