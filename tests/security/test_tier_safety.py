"""Issue 8 (b) for same-day safety: the rule that fired (an alert's reason) and the counselor's same-day review live in
confidential.db. A head teacher's key finds neither in vault.db; the counselor reads both; an alert a head teacher's
high-risk note raised keeps its reason in vault.db only until the next counselor's sign-in moves it."""
from __future__ import annotations

import datetime as dt

from app import clock
from app.casework.model import RecordInput
from app.casework.records import create_record
from app.safety.alerts import get_alert, open_alerts, raise_same_day, review_same_day
from app.session import open_session
from tests.security.tiers import head_teachers_findings, markers_in, unlock

REASON = "隐秘规则第九题阳性"
OUTCOME = "隐秘当天复核结论"
HT = ("teacher71", "Teacher-password-2026!")


def _student_of(db, cls_name: str) -> int:  # type: ignore[no-untyped-def]
    return int(db.scalar("SELECT s.id FROM students s JOIN classes c ON c.id = s.class_id WHERE c.name = :n"
                         " ORDER BY s.id LIMIT 1", {"n": cls_name}))


def test_an_alerts_reason_and_review_are_the_counselors_alone(school, head_teacher):
    clock.set_fixed(dt.datetime(2026, 10, 12, 9, 30))
    from app.accounts.admin import add_account
    from app.accounts.model import Role
    from app.school.classes import find_class

    cls = find_class(school.db, "7.1")
    assert cls is not None
    add_account(school, HT[0], HT[1], Role.HEAD_TEACHER, class_id=cls.id)
    sid = _student_of(school.db, cls.name)
    alert = raise_same_day(school, sid, "case_records:999", REASON)
    review_same_day(school, alert, OUTCOME)
    got = get_alert(school, alert)
    assert (got.reason, got.outcome) == (REASON, OUTCOME)           # the counselor reads both back
    root = school.paths.root
    head_teacher.close()
    school.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    school.close()
    assert head_teachers_findings(root, [REASON, OUTCOME], who=HT) == []    # vault.db (no backup here), any file
    conf = unlock(root).confidential
    assert conf is not None
    assert {m for _f, _t, m in markers_in(root / "confidential.db", conf, [REASON, OUTCOME])} == {REASON, OUTCOME}
    clock.set_fixed(None)


def test_a_head_teachers_high_risk_note_waits_in_vault_db_until_a_counselor_signs_in(school, head_teacher):
    clock.set_fixed(dt.datetime(2026, 10, 12, 9, 30))
    sid = _student_of(head_teacher.db, "七年级（1）班")
    create_record(head_teacher, RecordInput("talk", [sid], "2026-10-12T09:00", 20, summary="谈话中流露轻生念头",
                                            risk="high"))
    root = school.paths.root
    raw = head_teacher.db.one("SELECT id, reason FROM safety_alerts WHERE student_id = :s", {"s": sid})
    assert raw is not None and raw["reason"] != ""                 # no key: the text had to stay in vault.db
    reason = str(raw["reason"])
    head_teacher.close()
    school.close()
    s = open_session(root, "counselor", "Test-password-2026!")      # the move runs at the counselor's sign-in
    try:
        assert s.db.scalar("SELECT reason FROM main.safety_alerts WHERE id = :i", {"i": raw["id"]}) == ""
        assert [a.reason for a in open_alerts(s, sid)] == [reason]  # ...and reads back from conf
    finally:
        s.close()
    clock.set_fixed(None)
