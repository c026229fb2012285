"""Issue 9, the screening season: held results (consent pending or refused), deadlines per stage with reminders,
grades not yet screened, observation forms with their rater."""
from __future__ import annotations

import datetime as dt

import pytest
from helpers import write_xlsx

from app import clock
from app.errors import InputRejected
from app.school.classes import add_class
from app.screening.campaigns import create_campaign, progress, set_consent, set_deadline
from app.screening.held import decide_held, held_results
from app.screening.importer import apply_screening, preview_screening
from app.screening.results import save_answers
from app.screening.season import season_items
from app.workbench import work_items

ITEMS = [f"第{i}题" for i in range(1, 10)]


def grade_students(session, grade: int, n: int) -> list[tuple[int, str]]:
    return [(r[0], r[1]) for r in session.db.query(
        "SELECT s.id, s.registry_no FROM students s JOIN classes c ON c.id = s.class_id WHERE c.grade = :g"
        " AND s.status = '在读' ORDER BY s.id LIMIT :n", {"g": grade, "n": n})]


def test_results_without_consent_are_held_listed_and_never_counted(school, tmp_path, head_teacher):
    clock.set_fixed(dt.datetime(2026, 10, 12, 9, 0))
    camp = create_campaign(school, "需回执测评", {7: "phq9"}, consent_required=True)
    (a, ra), (b, rb), (c, rc) = grade_students(school, 7, 3)
    set_consent(school, camp.id, [a], "given")
    set_consent(school, camp.id, [b], "refused")                     # c stays pending
    f = write_xlsx(tmp_path / "r.xlsx", [["学籍号"] + ITEMS, [ra] + [0] * 9, [rb] + [2] * 9, [rc] + [0] * 8 + [1]])
    p = preview_screening(school, f, "phq9", campaign=camp.name)
    assert p.errors == [] and [h.row for h in p.held] == [3, 4] and p.counts()["held"] == 2
    assert "拒绝" in p.held[0].reason and "回执" in p.held[1].reason
    res = apply_screening(school, p, camp.name)
    assert res.written == 1 and res.held == 2
    done = sum(x.done for x in progress(school, camp.id))
    assert done == 1                                                  # held results are not completed
    assert school.db.scalar("SELECT count(*) FROM screening_levels WHERE campaign_id = :c", {"c": camp.id}) == 0
    held = held_results(school, camp.id)
    assert [(h.student_id, h.consent, h.critical) for h in held] == [(b, "refused", True), (c, "pending", True)]
    assert held_results(head_teacher) == []
    line = [i for i in work_items(school, clock.today()) if i.kind == "screening_held"]
    assert len(line) == 1 and "2 份" in line[0].title and "其中 2 份关键题阳性" in line[0].title and line[0].urgent
    with pytest.raises(InputRejected, match="原因"):
        decide_held(school, held[0].id, False)
    decide_held(school, held[0].id, False, "家长拒绝，结果删除")
    assert decide_held(school, held[1].id, True) == 1               # counted: graded, and item 9 raised today
    assert held_results(school) == [] and sum(x.done for x in progress(school, camp.id)) == 2
    assert school.db.scalar("SELECT consent FROM screening_targets WHERE campaign_id = :c AND student_id = :s",
                            {"c": camp.id, "s": c}) == "given"
    assert school.db.scalar("SELECT count(*) FROM safety_alerts WHERE student_id = :s", {"s": c}) == 1


@pytest.fixture
def mixed(school):
    clock.set_fixed(dt.datetime(2026, 9, 1, 9, 0))
    add_class(school, "五年级（1）班")
    from app.demo import generate_students, insert_students

    insert_students(school, [s for s in generate_students(5, grades=(5,), class_size=5)])
    return create_campaign(school, "九年一贯测评", {5: "phq9", 7: "phq9"}, young_confirmed=True)


def test_a_mixed_stage_campaign_has_a_deadline_per_stage(school, mixed):
    assert mixed.deadlines == {"primary": "2026-09-30", "secondary": "2026-10-31"}
    assert mixed.window_end == "2026-10-31"
    changed = set_deadline(school, mixed.id, "secondary", dt.date(2026, 11, 6))
    assert changed.deadlines["secondary"] == "2026-11-06" and changed.window_end == "2026-11-06"
    with pytest.raises(InputRejected):
        set_deadline(school, mixed.id, "senior", dt.date(2026, 11, 6))


def _titles(school, day: dt.date) -> list[str]:
    return [i.title for i in season_items(school, day) if i.kind == "screening_deadline"]


def test_reminders_two_weeks_and_three_days_before_and_red_after(school, mixed):
    assert _titles(school, dt.date(2026, 9, 15)) == []                      # 15 days before: nothing yet
    two_weeks = _titles(school, dt.date(2026, 9, 16))
    assert len(two_weeks) == 1 and "小学" in two_weeks[0] and "还有 14 天" in two_weeks[0]
    three = _titles(school, dt.date(2026, 9, 27))
    assert len(three) == 1 and "三天内" in three[0]
    late = [i for i in season_items(school, dt.date(2026, 10, 1)) if i.kind == "screening_deadline"]
    assert len(late) == 1 and late[0].overdue and "已过截止日期 2026-09-30" in late[0].title
    # once the primary grade is done, its reminder goes; the secondary one comes two weeks before 10-31
    for sid, _r in grade_students(school, 5, 10):
        save_answers(school, mixed.id, sid, "phq9", [0] * 9)
    assert _titles(school, dt.date(2026, 10, 1)) == []
    assert any("中学" in t for t in _titles(school, dt.date(2026, 10, 17)))


def test_from_october_a_grade_not_yet_screened_shows(school):
    clock.set_fixed(dt.datetime(2027, 9, 20, 9, 0))    # the demo school's results are of an earlier school year
    camp = create_campaign(school, "七年级测评", {7: "phq9"})
    save_answers(school, camp.id, grade_students(school, 7, 1)[0][0], "phq9", [0] * 9)
    assert [i for i in season_items(school, dt.date(2027, 9, 20)) if i.kind == "screening_unscreened"] == []
    october = [i.title for i in season_items(school, dt.date(2027, 10, 1)) if i.kind == "screening_unscreened"]
    assert october == ["2027–2028 学年八年级尚未测评（每学年至少一次）", "2027–2028 学年九年级尚未测评（每学年至少一次）"]


@pytest.fixture
def lower(school):
    """二年级（1）班 with five students, an observation campaign, and its head teacher signed in."""
    from app.accounts.admin import add_account
    from app.accounts.model import Role
    from app.demo import generate_students, insert_students
    from app.school.classes import find_class
    from app.session import open_session
    from tests.conftest import TEACHER_PASSWORD

    clock.set_fixed(dt.datetime(2026, 9, 20, 9, 0))
    insert_students(school, generate_students(5, grades=(2,), class_size=5))
    cls = find_class(school.db, "二年级（1）班")
    assert cls is not None
    add_account(school, "teacher2", TEACHER_PASSWORD, Role.HEAD_TEACHER, class_id=cls.id)
    ht = open_session(school.paths.root, "teacher2", TEACHER_PASSWORD)
    camp = create_campaign(school, "低年级观察", {2: "observe_g13"})
    yield camp, ht, [sid for sid, _r in grade_students(school, 2, 5)]
    ht.close()


def test_observation_forms_record_who_rated_and_head_teachers_enter_their_class(school, lower, head_teacher):
    from app.errors import PermissionDenied
    from app.screening.results import enters_observations

    camp, ht, pupils = lower
    with pytest.raises(InputRejected, match="评定人"):
        save_answers(school, camp.id, pupils[0], "observe_g13", [0] * 10)
    save_answers(school, camp.id, pupils[0], "observe_g13", [0] * 10, rater="parent")
    save_answers(ht, camp.id, pupils[1], "observe_g13", [1] + [0] * 9)            # the head teacher: 班主任
    raters = dict(school.db.query("SELECT student_id, rater FROM screening_results WHERE campaign_id = :c",
                                  {"c": camp.id}))
    assert raters == {pupils[0]: "parent", pupils[1]: "head_teacher"}
    assert enters_observations(ht) and not enters_observations(school) and not enters_observations(head_teacher)
    other = grade_students(school, 7, 1)[0][0]
    with pytest.raises(PermissionDenied):
        save_answers(ht, camp.id, other, "observe_g13", [0] * 10)                  # not their class
    with pytest.raises(PermissionDenied):
        save_answers(ht, camp.id, pupils[2], "phq9", [0] * 9)                      # a self-report scale
    assert school.db.scalar("SELECT count(*) FROM audit_log WHERE account = 'teacher2' AND target LIKE"
                            " 'screening_results:%'") == 1


def test_a_grade_1_to_3_head_teacher_enters_ratings_in_the_window(qtbot, school, lower):
    from ui.screening.page import ScreeningPage
    from ui.shell.context import AppContext

    camp, ht, pupils = lower
    page = ScreeningPage(AppContext(ht))
    qtbot.addWidget(page)
    entry = page.entry
    assert entry is not None
    page.tabs.setCurrentWidget(entry)
    entry.campaign_combo.setCurrentIndex(entry.campaign_combo.findData(camp.id))
    assert entry.wait_loaded()
    assert {t.student_id for t in entry.students} == set(pupils)                  # their class only
    entry.open_student(pupils[3])
    assert not entry.rater.isHidden() and entry.rater.currentData() == "head_teacher"
    assert entry.absent_btn.isHidden() and entry.refuse_btn.isHidden()
    entry.rater.setCurrentIndex(entry.rater.findData("parent"))
    entry.pad.answers = [2] + [0] * 9
    entry.save_and_next()
    assert "家长评定" in entry.status.text() and "一级" not in entry.status.text() and "分" not in entry.status.text()
    assert school.db.scalar("SELECT rater FROM screening_results WHERE student_id = :s", {"s": pupils[3]}) == "parent"
