"""Issue 9, "no labels before review": on every path (library, command line, window), a 班主任 sees no level nobody
has reviewed, no category the counselor has not shared (自伤风险 ...), and no focus tag of the confidential tier — not
its note, not its existence; a 管理员 sees no tag and no level at all.

The marked vault (builder.py) holds, in the head teacher's class: a student whose critical PHQ-9 nobody has reviewed
(the machine's 一级, 自伤风险), the marked student with a reviewed 二级 whose category is not shared, and a
confidential tag (确诊心理障碍) on the marked student; the demo school adds tags of every tier.
"""
from __future__ import annotations

import json

import pytest

from app.archive.tags import DEFAULT_CONFIDENTIAL
from app.errors import PermissionDenied
from tests.privacy.builder import ADMIN, CONFIDENTIAL_TAG, MACHINE_CATEGORY, PASSWORD, TEACHER, TODAY
from tests.privacy.conftest import dump
from tests.privacy.files import any_text

# The categories grading gives (app/screening/grading.py DEFAULT_RULES): none is shared in the marked vault.
CATEGORIES = ("自伤风险", "抑郁情绪", "焦虑情绪", "行为观察")


def _no_labels(text: str, what: str) -> None:
    leaked = [w for w in (*CATEGORIES, *DEFAULT_CONFIDENTIAL) if w in text]
    assert not leaked, f"{what}: a head teacher was shown {leaked}"


def _levels_of(rows, sid: int) -> list:  # type: ignore[no-untyped-def]
    return [getattr(r, "warning_level", None) for r in rows if r.id == sid]


# -- the library, as the window and the command line call it -------------------------------------------------
def test_teacher_student_list_index_and_filters(teacher, vault):
    from app.archive.students import (
        StudentFilter,
        StudentIndex,
        get_student,
        list_students,
        reviewed_levels,
        visible_levels,
    )

    everyone = list_students(teacher.db, teacher.account, StudentFilter())
    _no_labels(dump(everyone), "list_students")
    assert _levels_of(everyone, vault.unreviewed) == [None]
    assert _levels_of(everyone, vault.own) == [2]                      # the reviewed level is shown
    index = StudentIndex(teacher.db)
    assert vault.unreviewed not in index.levels_for(teacher.account)
    assert vault.unreviewed not in visible_levels(teacher.db, teacher.account)
    assert index.level_of(teacher.account, vault.unreviewed) is None
    reviewed = reviewed_levels(teacher.db)
    level_one = [s.id for s in list_students(teacher.db, teacher.account, StudentFilter(level=1))]
    assert vault.unreviewed not in level_one and all(reviewed[sid] == 1 for sid in level_one)
    assert list_students(teacher.db, teacher.account, StudentFilter(tag=CONFIDENTIAL_TAG)) == []
    own = get_student(teacher.db, teacher.account, vault.own)
    assert CONFIDENTIAL_TAG not in own.tags and "其他" in own.tags
    assert get_student(teacher.db, teacher.account, vault.unreviewed).warning_level is None
    for e in index.matching(teacher.account, StudentFilter()):
        _no_labels("、".join(index.tags_of(teacher.account, e)), "StudentIndex.tags_of")
    assert index.search(teacher.account, StudentFilter(search=vault.unreviewed_registry))[0].warning_level is None


def test_counselor_sees_what_the_teacher_does_not(counselor, vault):
    """The sweep is meaningful: the same paths do carry the machine's level, the category and the tag."""
    from app.archive.chronology import banners
    from app.archive.students import StudentFilter, StudentIndex, get_student
    from app.screening.ledger import LedgerFilter, ledger_rows

    assert get_student(counselor.db, counselor.account, vault.unreviewed).warning_level == 1
    assert CONFIDENTIAL_TAG in get_student(counselor.db, counselor.account, vault.own).tags
    rows = ledger_rows(counselor, LedgerFilter(), today=TODAY)
    assert any(r.student_id == vault.unreviewed and MACHINE_CATEGORY in r.category for r in rows)
    assert any("待复核" in b for b in banners(counselor, vault.unreviewed))
    index = StudentIndex(counselor.db)
    assert [e.id for e in index.matching(counselor.account, StudentFilter(tag=CONFIDENTIAL_TAG))] == [vault.own]


def test_teacher_ledger_history_and_exports(teacher, vault, tmp_path):
    from app.screening.export import export_ledger
    from app.screening.ledger import LedgerFilter, ledger_rows, level_history

    rows = ledger_rows(teacher, LedgerFilter(), with_history=True, today=TODAY)
    assert vault.unreviewed not in {r.student_id for r in rows}
    assert vault.own in {r.student_id for r in rows}
    assert all(r.provisional_level is None and r.status != "pending_review" and not r.due_date for r in rows)
    _no_labels(dump(rows), "ledger_rows")
    level_one = ledger_rows(teacher, LedgerFilter(level=1), today=TODAY)
    assert vault.unreviewed not in {r.student_id for r in level_one} and all(r.level == 1 for r in level_one)
    for flt in (LedgerFilter(status="pending_review"), LedgerFilter(category=MACHINE_CATEGORY)):
        assert ledger_rows(teacher, flt, today=TODAY) == []
    history = level_history(teacher, vault.entries["own"])
    assert history and all(h["status"] == "confirmed" for h in history)
    assert all(h["from_level"] is None for h in history)              # not the provisional 一级
    assert level_history(teacher, vault.entries["unreviewed"]) == []
    for fmt in ("xlsx", "csv", "json"):
        out = export_ledger(teacher, rows, fmt, tmp_path / f"ledger.{fmt}")
        _no_labels(any_text(out), f"ledger export {fmt}")
        assert vault.unreviewed_registry not in any_text(out)


def test_teacher_archive_banners_timeline_workbench(teacher, vault):
    from app.archive.chronology import banners, timeline
    from app.archive.tags import list_tags
    from app.workbench import work_items

    assert banners(teacher, vault.unreviewed) == []
    own_banner = banners(teacher, vault.own)
    assert any(b.startswith("重点关注") for b in own_banner)
    _no_labels(dump(own_banner), "banners")
    events = timeline(teacher, vault.unreviewed)
    assert not [e for e in events if e.kind == "warning_level"]
    own_events = [e for e in timeline(teacher, vault.own) if e.kind in ("warning_level", "tag", "screening")]
    assert own_events
    _no_labels(dump(own_events), "timeline")
    assert CONFIDENTIAL_TAG not in {t.tag for t in list_tags(teacher, vault.own)}
    for day in (TODAY, TODAY.replace(day=28)):
        _no_labels(dump(work_items(teacher, day)), "work_items")


def test_teacher_statistics_count_reviewed_levels_only(teacher, counselor, vault):
    from app.screening.campaigns import list_campaigns
    from app.screening.stats import campaign_stats

    camp = list_campaigns(teacher.db)[0]
    mine = campaign_stats(teacher, camp.id)
    theirs = campaign_stats(counselor, camp.id)
    assert mine.scales == [] and mine.by_grade == []                 # the machine's positive rates
    from app.screening.grading import LAST_REVIEW_SQL, as_reviewed

    seen = [as_reviewed(*r) for r in counselor.db.query(
        f"SELECT l.status, l.level, {LAST_REVIEW_SQL} FROM screening_levels l JOIN students s ON s.id = l.student_id"
        " WHERE l.campaign_id = :c AND s.class_id = :k", {"c": camp.id, "k": vault.own_class})]
    expected = sum(1 for x in seen if x is not None and x[1] == 1)
    machine = int(counselor.db.scalar(
        "SELECT count(*) FROM screening_levels l JOIN students s ON s.id = l.student_id WHERE l.campaign_id = :c"
        " AND s.class_id = :k AND l.level = 1", {"c": camp.id, "k": vault.own_class}))
    assert machine >= expected + 1                                   # the unreviewed 一级 at least
    assert mine.levels_by_grade.get("七年级", {}).get(1, 0) == expected
    assert mine.levels_by_grade.get("七年级", {}).get(2, 0) >= 1
    assert theirs.levels_by_grade["七年级"].get(1, 0) >= machine


def test_teacher_coverage_does_not_reveal_a_confidential_tag(counselor, teacher, vault):
    """A student who is a focus student only through a confidential tag is not one on the head teacher's list."""
    from app.archive.students import focus_student_ids
    from app.archive.tags import add_tag
    from app.casework.coverage import class_coverage, current_semester

    quiet = int(counselor.db.scalar(
        "SELECT id FROM students WHERE class_id = :c AND status = '在读' AND id NOT IN (SELECT student_id FROM"
        " focus_tags) AND id NOT IN (SELECT student_id FROM screening_levels) AND id NOT IN (SELECT student_id FROM"
        " crisis_cases) ORDER BY id LIMIT 1", {"c": vault.own_class}))
    add_tag(counselor, quiet, "早期心理创伤")
    assert quiet in focus_student_ids(counselor.db, counselor.account)
    assert quiet not in focus_student_ids(teacher.db, teacher.account)
    cov = class_coverage(teacher, vault.own_class, current_semester(teacher, TODAY))
    assert quiet not in {s.id for s in cov.home_visit.done + cov.home_visit.missing}
    assert quiet in {s.id for s in class_coverage(counselor, vault.own_class,
                                                  current_semester(counselor, TODAY)).home_visit.missing}


# -- the administrator ------------------------------------------------------------------------------------------
def test_admin_sees_no_tags_or_levels(admin, vault):
    from app.archive.chronology import banners, timeline
    from app.archive.students import StudentFilter, StudentIndex, get_student, list_students
    from app.archive.tags import list_tags
    from app.casework.coverage import current_semester, school_coverage

    rows = list_students(admin.db, admin.account, StudentFilter())
    assert rows and all(s.tags == () and s.warning_level is None for s in rows)
    assert list_students(admin.db, admin.account, StudentFilter(tag="其他")) == []
    assert list_students(admin.db, admin.account, StudentFilter(level=2)) == []
    own = get_student(admin.db, admin.account, vault.own)
    assert own.tags == () and own.warning_level is None
    assert StudentIndex(admin.db).levels_for(admin.account) == {}
    assert list_tags(admin, vault.own) == []
    for sid in (vault.own, vault.unreviewed, vault.other):
        assert banners(admin, sid) == []
        assert {e.kind for e in timeline(admin, sid)} <= {"roster"}
    with pytest.raises(PermissionDenied):
        school_coverage(admin, current_semester(admin, TODAY))


# -- the command line ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("argv", [
    ["students", "--json"], ["students", "--level", "1", "--json"], ["students", "--level", "2"],
    ["students", "--tag", CONFIDENTIAL_TAG, "--json"], ["students", "--search", "{unreviewed}", "--json"],
    ["ledger", "--format", "json", "--history"], ["ledger"], ["ledger", "--category", MACHINE_CATEGORY],
    ["ledger", "--status", "pending_review", "--format", "json"], ["coverage", "--json"], ["coverage"],
    ["ledger", "--format", "csv", "--out", "{out}.csv"], ["ledger", "--format", "xlsx", "--out", "{out}.xlsx"],
    ["campaigns", "--json"],
])
def test_cli_teacher(cli, vault, tmp_path, argv):
    base = tmp_path / "export"
    args = [a.format(unreviewed=vault.unreviewed_registry, out=base) for a in argv]
    code, out, err = cli(TEACHER, *args)
    assert code == 0, err
    _no_labels(out + err, " ".join(argv))
    for f in tmp_path.glob("export*"):
        _no_labels(any_text(f), f"{argv[0]} file")
        assert vault.unreviewed_registry not in any_text(f)
    if "--level" in argv and "1" in argv:
        assert vault.unreviewed_registry not in {r["registry_no"] for r in json.loads(out)}
    if "--search" in argv:
        assert [r["warning_level"] for r in json.loads(out)] == [None]


def test_cli_teacher_level_filter_finds_reviewed_levels(cli, vault):
    code, out, _err = cli(TEACHER, "students", "--level", "2", "--json")
    assert code == 0 and vault.own_registry in {r["registry_no"] for r in json.loads(out)}


@pytest.mark.parametrize("argv", [["students", "--tag", "其他"], ["students", "--level", "2", "--json"],
                                  ["coverage"], ["coverage", "--json"]])
def test_cli_admin_refused(cli, argv):
    code, out, err = cli(ADMIN, *argv)
    assert code != 0 and out.strip() == ""
    assert "管理员账号不能" in err


def test_cli_admin_students_json_has_no_tags_or_levels(cli):
    code, out, _err = cli(ADMIN, "students", "--json")
    rows = json.loads(out)
    assert code == 0 and rows
    assert all(r["tags"] == [] and r["warning_level"] is None for r in rows)


@pytest.mark.parametrize("who", [TEACHER, ADMIN])
def test_cli_tag_tiers_are_the_counselors(cli, who):
    code, out, err = cli(who, "tag-tiers", "--set", "确诊心理障碍=ordinary")
    assert code != 0 and out.strip() == "" and "只有心理教师" in err
    code, out, err = cli(("counselor", PASSWORD), "tag-tiers", "--json")
    assert code == 0 and {"tag": CONFIDENTIAL_TAG, "tier": "confidential", "tier_label": "保密"} in json.loads(out)
