"""工作台: the month's open items near its end, and a past month not closed; the demo school's loop."""
from __future__ import annotations

import datetime as dt

from app import clock
from app.loop.months import close_month, month_sheet
from app.loop.workbench import loop_items
from tests.loop.test_loop_closing import _finish


def test_open_items_show_only_in_the_last_week_of_the_month(session, pupils, t0):
    month_sheet(session, "2026-11")
    assert loop_items(session, dt.date(2026, 11, 2)) == []
    items = loop_items(session, dt.date(2026, 11, 25))
    assert items and all(i.kind == "loop_open" and i.kind_label == "心育闭环" for i in items)
    assert any("预警网络月报全部交齐" in i.title for i in items)
    assert {i.due for i in items} == {"2026-11-30"}


def test_a_past_month_not_closed_stands_on_the_workbench_until_closed(session, pupils, t0):
    month_sheet(session, "2026-10")
    clock.set_fixed(dt.datetime(2026, 11, 3, 9, 0))
    unclosed = [i for i in loop_items(session, dt.date(2026, 11, 3)) if i.kind == "loop_unclosed"]
    assert [(i.title[:7], i.overdue, i.source) for i in unclosed] == [("2026-10", True, "loop_months:2026-10")]
    _finish(session, "2026-10")
    close_month(session, "2026-10")
    assert not [i for i in loop_items(session, dt.date(2026, 11, 3)) if i.kind == "loop_unclosed"]


def test_a_head_teacher_gets_no_loop_items(head_teacher):
    assert loop_items(head_teacher, clock.today()) == []


def test_demo_school_has_a_closed_signed_september_with_a_carried_item_and_later_months_open(session):
    from app.demo import populate_school

    clock.set_fixed(dt.datetime(2026, 11, 20, 9, 0))
    populate_school(session, n_students=120, grades=(7, 8, 9))
    sep = month_sheet(session, "2026-09")
    assert sep.closed and sep.counselor_signed_by and sep.leader_name
    assert any(i.status == "carried" and i.carry_reason for i in sep.items)
    for month in ("2026-10", "2026-11"):
        assert not month_sheet(session, month).closed
    assert any(i.rectify for i in month_sheet(session, "2026-10").items)
