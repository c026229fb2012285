"""Every app/ path the window uses, called as a 班主任 (七年级（1）班) and as a 管理员 on the marked vault.

Rules: no confidential marker ever reaches such an account; a head teacher never gets anything about a student
outside their class (an other-class id is refused, or answers nothing about that student).
"""
from __future__ import annotations

import pytest

from app.errors import PermissionDenied, XinqiaoError
from tests.privacy.builder import MARK_PREFIX, OTHER_PREFIX, TODAY, mark
from tests.privacy.conftest import admin_refused, assert_clean, dump, is_teacher
from tests.xlsx_crypto import EXPORT_PASSWORD


def _refused_or_clean(fn, *args, **kw) -> None:  # type: ignore[no-untyped-def]
    """An other-class id: refused, or an answer carrying nothing of that student."""
    try:
        got = fn(*args, **kw)
    except (PermissionDenied, XinqiaoError):
        return
    assert_clean(got, what=getattr(fn, "__name__", "call"))
    assert not got, f"{fn.__name__} answered about another class's student: {dump(got)[:300]}"


# -- students and the archive ------------------------------------------------------------------------------
def test_student_list_and_index(restricted, vault):
    from app.archive.students import StudentFilter, StudentIndex, list_students

    got = list_students(restricted.db, restricted.account, StudentFilter())
    idx = StudentIndex(restricted.db).search(restricted.account, StudentFilter())
    assert_clean(got, other_class=is_teacher(restricted), what="list_students")
    assert_clean(idx, other_class=is_teacher(restricted), what="StudentIndex.search")
    if is_teacher(restricted):
        assert {s.class_id for s in got} == {vault.own_class}
        assert {s.class_id for s in idx} == {vault.own_class}


def test_other_class_student_by_id_and_registry(teacher, vault):
    from app.archive.profile import guardians_of
    from app.archive.students import find_by_registry, get_student

    with pytest.raises(PermissionDenied):
        get_student(teacher.db, teacher.account, vault.other)
    _refused_or_clean(find_by_registry, teacher.db, teacher.account, vault.other_registry)
    _refused_or_clean(guardians_of, teacher, vault.other)


def test_focus_tags(restricted, vault):
    from app.archive.tags import list_tags

    tags = list_tags(restricted, vault.own)
    if is_teacher(restricted):
        assert tags, "an ordinary tag is shown to the head teacher"
    else:
        assert tags == [], "a 管理员 sees no tags (issue 9)"
    assert_clean(tags, what="list_tags")
    if is_teacher(restricted):
        _refused_or_clean(list_tags, restricted, vault.other)


def test_support_plans(restricted, vault):
    from app.archive.plans import plan_versions, plans_due_for_review

    assert plan_versions(restricted, vault.own) == []
    assert_clean(plans_due_for_review(restricted, TODAY), other_class=False, what="plans_due_for_review")


@pytest.mark.parametrize("whose", ["own", "other"])
def test_timeline(restricted, vault, whose):
    from app.archive.chronology import timeline

    sid = vault.own if whose == "own" else vault.other
    if whose == "other" and is_teacher(restricted):
        _refused_or_clean(timeline, restricted, sid)
        return
    events = timeline(restricted, sid)
    assert events
    assert_clean(events, other_class=is_teacher(restricted), what="timeline")


@pytest.mark.parametrize("whose", ["own", "other"])
def test_banners(restricted, vault, whose):
    from app.archive.chronology import banners

    sid = vault.own if whose == "own" else vault.other
    if whose == "other" and is_teacher(restricted):
        _refused_or_clean(banners, restricted, sid)
        return
    assert_clean(banners(restricted, sid), other_class=is_teacher(restricted), what="banners")


def test_workbench(restricted):
    from app.workbench import work_items

    for day in (TODAY, TODAY.replace(day=28), TODAY.replace(year=2027, month=3)):
        assert_clean(work_items(restricted, day), other_class=is_teacher(restricted), what=f"work_items {day}")


# -- casework -----------------------------------------------------------------------------------------------
@admin_refused
def test_casework_list(restricted, vault):
    from app.casework.records import RecordFilter, list_records

    got = list_records(restricted, RecordFilter(limit=None))
    assert got
    assert all(r.confidential is None for r in got)
    assert_clean(got, other_class=is_teacher(restricted), what="list_records")
    if is_teacher(restricted):
        _refused_or_clean(list_records, restricted, RecordFilter(student_id=vault.other))
        _refused_or_clean(list_records, restricted, RecordFilter(class_id=vault.other_class))


@pytest.mark.parametrize("label", ["individual", "talk", "parent_meeting", "parent_phone", "home_visit", "group",
                                   "edited", "deleted", "other"])
def test_casework_record_and_versions(restricted, vault, label):
    from app.casework.records import get_record, versions

    rid = vault.records[label]
    if label == "other" and is_teacher(restricted):
        _refused_or_clean(get_record, restricted, rid)
        _refused_or_clean(versions, restricted, rid)
        return
    try:
        rec = get_record(restricted, rid, reveal=True)
    except (PermissionDenied, XinqiaoError):
        return
    assert rec.confidential is None
    assert_clean(rec, other_class=is_teacher(restricted), what=f"get_record {label}")
    assert_clean(versions(restricted, rid), other_class=is_teacher(restricted), what=f"versions {label}")


@admin_refused
def test_casework_export(restricted, vault, tmp_path):
    from app.casework.export import export_xlsx
    from app.casework.records import RecordFilter, list_records
    from tests.privacy.files import xlsx_text

    records = list_records(restricted, RecordFilter(limit=None))
    out = tmp_path / "records.xlsx"
    try:
        export_xlsx(restricted, records, out, with_confidential=True)
    except PermissionDenied:
        export_xlsx(restricted, records, out, password=EXPORT_PASSWORD)
    assert_clean(xlsx_text(out), other_class=is_teacher(restricted), what="casework export")


@admin_refused
def test_coverage(restricted, vault):
    from app.casework.coverage import class_coverage, current_semester, school_coverage

    sem = current_semester(restricted, TODAY)
    got = school_coverage(restricted, sem)
    assert_clean(got, other_class=is_teacher(restricted), what="school_coverage")
    if is_teacher(restricted):
        assert {c.class_id for c in got} == {vault.own_class}
        _refused_or_clean(class_coverage, restricted, vault.other_class, sem)


def test_drafts_are_per_account(counselor, vault):
    """A counselor's unsaved form (with confidential text) is never offered to another account."""
    from app.drafts.store import list_drafts, load_draft, save_draft
    from app.session import open_session
    from tests.privacy.builder import ADMIN, TEACHER

    save_draft(counselor, "casework:new", {"summary": "草稿", "confidential": mark("草稿")})
    for who in (TEACHER, ADMIN):
        s = open_session(vault.root, *who)
        try:
            assert load_draft(s, "casework:new") is None
            assert_clean(list_drafts(s), what="list_drafts")
        finally:
            s.close()


# -- search ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("query", [MARK_PREFIX, "机密内容", "谈话individual", "个案保密", "复学会议", "结案说明",
                                   "意外事件保密", OTHER_PREFIX, "欧阳", "外班生"])
@admin_refused
def test_search(restricted, query):
    from app.search import search

    assert_clean(search(restricted, query, limit=500), other_class=is_teacher(restricted), what=f"search {query}")


def test_search_finds_ordinary_text(teacher):
    """The test above is meaningful: the head teacher does find the ordinary summaries of their class."""
    from app.search import search

    assert search(teacher, "普通摘要")


# -- screening ---------------------------------------------------------------------------------------------
@admin_refused
def test_ledger(restricted, vault):
    from app.screening.ledger import LedgerFilter, ledger_rows

    rows = ledger_rows(restricted, LedgerFilter(), with_history=True, today=TODAY)
    assert_clean(rows, other_class=is_teacher(restricted), what="ledger_rows")
    if is_teacher(restricted):
        assert {r.student_id for r in rows} <= set(_class_ids(restricted, vault.own_class))
        _refused_or_clean(ledger_rows, restricted, LedgerFilter(class_id=vault.other_class), today=TODAY)


def _class_ids(session, class_id: int) -> list[int]:  # type: ignore[no-untyped-def]
    return [r[0] for r in session.db.query("SELECT id FROM students WHERE class_id = :c", {"c": class_id})]


@pytest.mark.parametrize("whose", ["own", "other"])
def test_level_history(restricted, vault, whose):
    from app.screening.ledger import level_history

    entry = vault.entries[whose]
    if whose == "other" and is_teacher(restricted):
        _refused_or_clean(level_history, restricted, entry)
        return
    assert_clean(level_history(restricted, entry), other_class=is_teacher(restricted), what="level_history")


@pytest.mark.parametrize("whose", ["own", "other"])
def test_interviews(restricted, vault, whose):
    from app.screening.interviews import interviews_for_student

    sid = vault.own if whose == "own" else vault.other
    if whose == "other" and is_teacher(restricted):
        _refused_or_clean(interviews_for_student, restricted, sid)
        return
    got = interviews_for_student(restricted, sid)
    assert got
    assert_clean(got, other_class=is_teacher(restricted), what="interviews_for_student")


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "json"])
@admin_refused
def test_ledger_export(restricted, tmp_path, fmt):
    from app.screening.export import export_ledger
    from app.screening.ledger import LedgerFilter, ledger_rows
    from tests.privacy.files import any_text

    rows = ledger_rows(restricted, LedgerFilter(), with_history=True, today=TODAY)
    out = export_ledger(restricted, rows, fmt, tmp_path / f"ledger.{fmt}", password=EXPORT_PASSWORD if fmt == "xlsx" else None,
                        plain=fmt != "xlsx")
    assert_clean(any_text(out), other_class=is_teacher(restricted), what=f"ledger export {fmt}")


def test_campaigns_progress_targets_stats(restricted, vault):
    from app.screening.campaigns import list_campaigns, progress, refused, targets
    from app.screening.stats import campaign_stats

    for camp in list_campaigns(restricted.db):
        got = [progress(restricted, camp.id), targets(restricted, camp.id), refused(restricted, camp.id),
               campaign_stats(restricted, camp.id)]
        assert_clean(got, other_class=is_teacher(restricted), what="campaigns")
        if is_teacher(restricted):
            assert {p.class_id for p in got[0]} <= {vault.own_class}
            assert {t.class_id for t in targets(restricted, camp.id, vault.other_class)} <= {vault.own_class}


# -- crisis ------------------------------------------------------------------------------------------------
@admin_refused
def test_crisis_list(restricted, vault):
    from app.crisis.cases import list_cases

    rows = list_cases(restricted)
    assert rows
    assert_clean(rows, other_class=is_teacher(restricted), what="list_cases")
    if is_teacher(restricted):
        assert vault.cases["other"] not in {r.id for r in rows}


@pytest.mark.parametrize("label", ["walked", "closed", "other"])
@admin_refused
def test_crisis_case(restricted, vault, label):
    from app.crisis.cases import get_case
    from app.crisis.timeline import case_timeline

    cid = vault.cases[label]
    if label == "other" and is_teacher(restricted):
        _refused_or_clean(get_case, restricted, cid)
        _refused_or_clean(case_timeline, restricted, cid)
        return
    case = get_case(restricted, cid)
    assert not case.confidential
    assert_clean(case, other_class=is_teacher(restricted), what=f"get_case {label}")
    assert_clean(case_timeline(restricted, cid), other_class=is_teacher(restricted), what=f"case_timeline {label}")


@admin_refused
def test_crisis_export(restricted, tmp_path):
    from app.crisis.export import export_xlsx
    from tests.privacy.files import xlsx_text

    out = tmp_path / "crisis.xlsx"
    with pytest.raises(PermissionDenied):
        export_xlsx(restricted, out, with_confidential=True)
    export_xlsx(restricted, out, password=EXPORT_PASSWORD)
    assert_clean(xlsx_text(out), other_class=is_teacher(restricted), what="crisis export")


def test_crisis_incidents(restricted, vault):
    from app.crisis.incidents import get_incident, incident_history, list_incidents

    for inc in ("own", "other"):
        iid = vault.incidents[inc]
        for fn, args in ((list_incidents, ()), (get_incident, (iid,)), (incident_history, (iid,))):
            if is_teacher(restricted):
                try:
                    got = fn(restricted, *args)
                except (PermissionDenied, XinqiaoError):
                    continue
                assert_clean(got, what=fn.__name__)
            else:
                assert_clean(fn(restricted, *args), other_class=False, what=fn.__name__)
