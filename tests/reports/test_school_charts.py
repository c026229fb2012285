"""The seven 统计报表 charts for a semester of the demo school: each drawn, each table agreeing with the indicators
(the one place figures come from) or with the records themselves, no student named, a counselor's only."""
from __future__ import annotations

import pytest

from app.indicators.compute import by_key, compute
from app.reports.charts import CHARTS, school_charts


@pytest.fixture
def charts(demo, semester):
    return {c.key.removeprefix("school."): c for c in school_charts(demo, semester)}


@pytest.fixture
def figures(demo, semester):
    return by_key(compute(demo, semester))


def test_seven_charts_in_order_each_drawn_with_a_table(demo, semester):
    got = school_charts(demo, semester)
    assert [c.key for c in got] == [f"school.{k}" for k, _t in CHARTS]
    for c in got:
        assert c.table.rows, c.key
        assert c.png(60).startswith(b"\x89PNG")
        assert all(len(r) == len(c.table.headers) for r in c.table.rows), c.key


def test_levels_and_coverage_agree_with_the_screening_figures(charts, figures):
    levels = figures["screening.levels"].breakdown
    rows = {r[0]: r for r in charts["levels_by_grade"].table.rows}
    assert set(rows) == set(levels)
    for grade, counts in levels.items():
        assert rows[grade][-1] == sum(counts.values())
    assert sum(r[-1] for r in rows.values()) == figures["screening.levels"].value > 0
    cov = figures["screening.coverage"]
    rows = {r[0]: r for r in charts["screening_coverage"].table.rows}
    assert sum(r[1] for r in rows.values()) == cov.value and sum(r[2] for r in rows.values()) == cov.target
    for grade, v in cov.breakdown.items():
        assert rows[grade][1:3] == (v["done"], v["expected"])
        assert rows[grade][3] == f"{v['done'] * 100 / v['expected']:.1f}%"


def test_crisis_cases_by_level_and_status_add_up_to_the_crisis_figure(charts, figures):
    cases = figures["crisis.cases"]
    rows = charts["crisis_cases"].table.rows
    assert sum(r[-1] for r in rows) == cases.value > 0
    assert sum(r[1] for r in rows) == cases.breakdown["状态"]["进行中"]
    assert sum(r[2] for r in rows) == cases.breakdown["状态"]["已结案"]
    by_level = {r[0].removesuffix("心理危机"): r[-1] for r in rows}
    assert by_level == cases.breakdown["等级"]


def test_sessions_per_month_count_the_records(demo, semester, charts):
    rows = charts["sessions_by_month"].table.rows
    assert [r[0] for r in rows] == ["2026-09", "2026-10", "2026-11", "2026-12", "2027-01"]
    total = demo.db.scalar("SELECT count(*) FROM case_records WHERE deleted_at IS NULL AND occurred_at >= :s"
                           " AND occurred_at < :e", {"s": semester.start_iso, "e": semester.end_next_iso})
    assert sum(r[-1] for r in rows) == total > 0
    oct_talks = demo.db.scalar("SELECT count(*) FROM case_records WHERE deleted_at IS NULL AND kind = 'talk'"
                               " AND substr(occurred_at, 1, 7) = '2026-10'")
    headers = charts["sessions_by_month"].table.headers
    assert rows[1][headers.index("谈心谈话")] == oct_talks


def test_one_plus_one_by_class_agrees_with_the_courses_figures(charts, figures):
    rows = charts["one_plus_one"].table.rows
    lessons = figures["courses.lessons_every_class"]
    assert len(rows) == lessons.target
    assert sum(r[2] for r in rows) == sum(lessons.breakdown["by_month"].values())
    assert sum(r[3] for r in rows) == sum(figures["courses.activities_every_class"].breakdown["by_month"].values())
    begun = len(lessons.breakdown["months"])
    assert all(r[1] == begun and r[4] <= min(r[2], r[3]) for r in rows)
    # a class meeting every month's norm is exactly a class the figure counts as meeting it (monthly norms)
    assert sum(1 for r in rows if r[2] == begun) == lessons.value


def test_talk_and_feedback_coverage_add_up_to_the_casework_figures(charts, figures):
    table = charts["talk_feedback"].table
    for key, name in (("casework.talk_coverage", "一生一谈"), ("casework.feedback_coverage", "一反馈"),
                      ("casework.home_visits", "重点学生家访")):
        done = table.headers.index(f"{name} 已完成")
        total = table.headers.index(f"{name} 应完成")
        assert sum(r[done] for r in table.rows) == figures[key].value
        assert sum(r[total] for r in table.rows) == figures[key].target    # a semester: no pro rata
    assert [r[0] for r in table.rows] == ["七年级", "八年级", "九年级"]


def test_training_hours_agree_with_the_people_figure(charts, figures):
    f = figures["people.training_hours"]
    rows = charts["training_hours"].table.rows
    assert sum(r[1] for r in rows) == f.value and sum(r[-1] for r in rows) == f.target > 0


def test_no_chart_names_a_student(demo, charts):
    names = {r[0] for r in demo.db.query("SELECT name FROM students")}
    for c in charts.values():
        cells = {str(v) for row in c.table.rows for v in row} | {c.title, c.note}
        assert not any(n in cell for n in names for cell in cells), c.key
        texts = [t.get_text() for ax in c.figure.axes for t in ax.get_xticklabels()]
        assert not any(n in t for n in names for t in texts)


def test_the_charts_are_a_counselors(demo, semester, head):
    from app.errors import PermissionDenied

    with pytest.raises(PermissionDenied, match="只有心理教师"):
        school_charts(head, semester)


def test_records_by_month_keeps_a_head_to_their_class(demo, semester, head):
    from app.casework.monthly import records_by_month

    everyone = records_by_month(demo, semester.start, semester.end)
    mine = records_by_month(head, semester.start, semester.end)
    assert list(mine) == list(everyone)
    total = sum(sum(v.values()) for v in everyone.values())
    own = sum(sum(v.values()) for v in mine.values())
    cls = head.account.class_id
    expected = demo.db.scalar(
        "SELECT count(*) FROM case_records r WHERE r.deleted_at IS NULL AND r.occurred_at >= :s AND r.occurred_at < :e"
        " AND EXISTS (SELECT 1 FROM case_attendance a JOIN students s ON s.id = a.student_id"
        " WHERE a.record_id = r.id AND s.class_id = :c)",
        {"s": semester.start_iso, "e": semester.end_next_iso, "c": cls})
    assert own == expected and 0 < own < total


def test_a_new_school_gets_no_silent_empty_chart(session):
    """A school with no records yet: every chart says so in words. A chart with its categories and every bar at
    0 (no crisis case, no session in any month) drew bare axes from 0 to 1 — it now says the figures are all 0."""
    import datetime as dt

    from app import clock
    from app.charts import builders
    from app.indicators.periods import parse_period
    from app.reports.charts import school_charts
    from app.school.calendar import add_school_year

    clock.set_fixed(dt.datetime(2026, 12, 7, 10, 0))
    add_school_year(session, 2026)
    charts = school_charts(session, parse_period(session.db, "2026-2027-1"))
    assert len(charts) == 7
    for c in charts:
        said = [t.get_text() for ax in c.figure.axes for t in ax.texts]
        assert builders.EMPTY in said or builders.ALL_ZERO in said, (c.key, said)
