"""Rule 3: every view of a confidential record, every print and every export writes an audit entry."""
from __future__ import annotations

import datetime as dt

import pytest

from app import clock
from tests.privacy.builder import ADMIN, BUILT_AT, PASSWORD, TEACHER, TODAY, mark
from tests.xlsx_crypto import EXPORT_PASSWORD


def _last_id(session) -> int:  # type: ignore[no-untyped-def]
    return int(session.db.scalar("SELECT coalesce(max(id), 0) FROM audit_log"))


def _since(session, start: int, action: str) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return [(r[0], r[1], r[2]) for r in session.db.query(
        "SELECT account, target, detail FROM audit_log WHERE id > :i AND action = :a ORDER BY id",
        {"i": start, "a": action})]


def _fresh_student(session) -> int:  # type: ignore[no-untyped-def]
    """A student with no casework, crisis or ledger entry (the capabilities that audit their own readings)."""
    return int(session.db.scalar(
        "SELECT id FROM students s WHERE status = '在读'"
        " AND NOT EXISTS (SELECT 1 FROM case_attendance a WHERE a.student_id = s.id)"
        " AND NOT EXISTS (SELECT 1 FROM crisis_cases c WHERE c.student_id = s.id)"
        " AND NOT EXISTS (SELECT 1 FROM crisis_incidents i WHERE i.student_id = s.id)"
        " AND NOT EXISTS (SELECT 1 FROM screening_levels l WHERE l.student_id = s.id) ORDER BY id LIMIT 1"))


# -- views of confidential records (counselor) ---------------------------------------------------------------
def test_reading_a_record_is_audited(counselor, vault):
    from app.casework.records import get_record

    start = _last_id(counselor)
    assert get_record(counselor, vault.records["individual"]).confidential
    assert _since(counselor, start, "view_confidential")


@pytest.mark.parametrize("label", ["walked", "closed"])
def test_reading_a_crisis_case_is_audited(counselor, vault, label):
    from app.crisis.cases import get_case
    from app.crisis.timeline import case_timeline

    start = _last_id(counselor)
    assert get_case(counselor, vault.cases[label]).confidential
    assert _since(counselor, start, "view_confidential")
    start = _last_id(counselor)
    case_timeline(counselor, vault.cases[label])
    assert _since(counselor, start, "view_confidential")


def test_reading_an_incident_is_audited(counselor, vault):
    from app.crisis.incidents import get_incident

    start = _last_id(counselor)
    assert get_incident(counselor, vault.incidents["own"], audit=True).note
    assert _since(counselor, start, "view_confidential")


def test_search_showing_confidential_text_is_audited(counselor):
    from app.search import search

    start = _last_id(counselor)
    assert any(h.tier == "confidential" for h in search(counselor, "机密内容", limit=500))
    assert _since(counselor, start, "view_confidential")


def test_timeline_of_marked_student_is_audited(counselor, vault):
    from app.archive.chronology import timeline

    start = _last_id(counselor)
    timeline(counselor, vault.own)
    assert _since(counselor, start, "view_confidential")


def _timeline_text_and_audit(session, sid: int) -> tuple[str, list]:  # type: ignore[no-untyped-def]
    from app.archive.chronology import timeline

    start = _last_id(session)
    text = "\n".join(f"{e.title}\n{e.detail}" for e in timeline(session, sid))
    return text, _since(session, start, "view_confidential")


def test_timeline_showing_a_focus_tag_note_is_audited(counselor):
    """A tag's note and its clearing reason are confidential: the timeline that shows them is a reading."""
    from app.archive.tags import add_tag, clear_tag

    clock.set_fixed(BUILT_AT)
    sid = _fresh_student(counselor)
    tag = add_tag(counselor, sid, "其他", note=mark("审计标签说明"))
    clear_tag(counselor, tag, reason=mark("审计解除原因"))
    text, audited = _timeline_text_and_audit(counselor, sid)
    assert mark("审计标签说明") in text
    assert audited, "the focus-tag note was shown on the timeline without an audit entry"


def test_timeline_showing_a_plan_change_reason_is_audited(counselor):
    from app.archive.plans import save_plan

    clock.set_fixed(BUILT_AT)
    sid = _fresh_student(counselor)
    save_plan(counselor, sid, review_date="2026-12-01", situation="基本情况")
    save_plan(counselor, sid, review_date="2026-12-15", change_reason=mark("审计方案修改原因"), situation="更新")
    text, audited = _timeline_text_and_audit(counselor, sid)
    assert mark("审计方案修改原因") in text
    assert audited, "the support plan's change reason was shown on the timeline without an audit entry"


def test_timeline_showing_an_interview_reason_is_audited(counselor):
    from app.screening.campaigns import list_campaigns
    from app.screening.interviews import record_interview
    from app.screening.results import save_answers

    clock.set_fixed(BUILT_AT)
    sid = _fresh_student(counselor)
    camp = list_campaigns(counselor.db)[0]
    save_answers(counselor, camp.id, sid, "phq9", [3, 3, 3, 3, 3, 2, 2, 2, 2], taken_on=dt.date(2026, 10, 20))
    entry = int(counselor.db.scalar("SELECT id FROM screening_levels WHERE student_id = :s", {"s": sid}))
    record_interview(counselor, entry, confirmed_level=2, reason=mark("审计复核理由"), next_step="咨询",
                     held_on=dt.date(2026, 10, 22))
    text, audited = _timeline_text_and_audit(counselor, sid)
    assert mark("审计复核理由") in text
    assert audited, "the follow-up interview's reason was shown on the timeline without an audit entry"


def test_interviews_for_student_is_audited(counselor, vault):
    from app.screening.interviews import interviews_for_student

    start = _last_id(counselor)
    assert any(i.reason for i in interviews_for_student(counselor, vault.own))
    assert _since(counselor, start, "view_confidential")


def test_cli_incidents_with_notes_is_audited(cli, vault):
    from app.session import open_session

    code, out, _err = cli(("counselor", PASSWORD), "crisis", "incidents", "--json")
    assert code == 0 and "保密" in out   # the counselor's JSON carries the confidential note
    s = open_session(vault.root, "counselor", PASSWORD)
    try:
        got = [r for r in s.db.query("SELECT action, target FROM audit_log WHERE action = 'view_confidential'"
                                     " AND target LIKE '%incident%'")]
    finally:
        s.close()
    assert got, "crisis incidents --json printed confidential notes without an audit entry"


@pytest.mark.parametrize("argv", [["crisis", "show", "{case}", "--json"], ["search", "机密内容", "--json"]])
def test_cli_views_are_audited(cli, vault, argv):
    from app.session import open_session

    s = open_session(vault.root, "counselor", PASSWORD)
    start = _last_id(s)
    s.close()
    code, _out, _err = cli(("counselor", PASSWORD), *[a.format(case=vault.cases["walked"]) for a in argv])
    assert code == 0
    s = open_session(vault.root, "counselor", PASSWORD)
    try:
        assert _since(s, start, "view_confidential")
    finally:
        s.close()


# -- exports: every account, every format --------------------------------------------------------------------
EXPORTS = [
    ["sessions", "--out", "{out}/s.xlsx"],
    ["crisis", "export", "{out}/c.xlsx"],
    ["ledger", "--format", "xlsx", "--out", "{out}/l.xlsx"],
    ["ledger", "--format", "csv", "--out", "{out}/l.csv", "--plain"],
    ["ledger", "--format", "json", "--out", "{out}/l.json", "--plain"],
    ["ledger", "--format", "json"],
]


@pytest.mark.parametrize("who", ["counselor", "teacher", "admin"])
@pytest.mark.parametrize("argv", EXPORTS, ids=["sessions", "crisis", "ledger-xlsx", "ledger-csv", "ledger-json",
                                               "ledger-stdout"])
def test_cli_exports_are_audited(cli, vault, tmp_path, who, argv):
    from app.session import open_session

    account = {"counselor": ("counselor", PASSWORD), "teacher": TEACHER, "admin": ADMIN}[who]
    s = open_session(vault.root, "counselor", PASSWORD)
    start = _last_id(s)
    s.close()
    code, _out, err = cli(account, *[a.format(out=tmp_path) for a in argv])
    if who == "admin":  # a 管理员 keeps accounts, settings and backups: students' records are refused, nothing written
        assert code != 0 and "管理员" in err
        assert not [p for p in tmp_path.iterdir() if p.suffix in (".xlsx", ".csv", ".json")]
        return
    assert code == 0, err
    s = open_session(vault.root, "counselor", PASSWORD)
    try:
        got = _since(s, start, "export")
    finally:
        s.close()
    assert got and got[0][0] == account[0]


@pytest.mark.parametrize("with_confidential", [False, True])
def test_app_exports_are_audited(counselor, tmp_path, with_confidential):
    from app.casework.export import export_xlsx as export_records
    from app.casework.records import RecordFilter, list_records
    from app.crisis.export import export_xlsx as export_crisis
    from app.screening.export import export_ledger
    from app.screening.ledger import ledger_rows

    start = _last_id(counselor)
    export_records(counselor, list_records(counselor, RecordFilter()), tmp_path / "r.xlsx",
                   with_confidential=with_confidential, password=EXPORT_PASSWORD)
    export_crisis(counselor, tmp_path / "c.xlsx", with_confidential=with_confidential, password=EXPORT_PASSWORD)
    export_ledger(counselor, ledger_rows(counselor, today=TODAY), "csv", tmp_path / "l.csv", plain=True)
    assert len(_since(counselor, start, "export")) == 3
