"""Reading earlier versions of confidential text is audited like reading the text itself (issue 8): a record's
versions, an incident's amendment history, a screening level's change reasons. Accounts that see no
confidential text are not audited for it (they get none)."""
from __future__ import annotations

import json

from tests.privacy.builder import MARK_PREFIX


def _views(session, target: str) -> list[dict]:
    return [json.loads(r[0]) for r in session.db.query(
        "SELECT detail FROM audit_log WHERE action = 'view_confidential' AND target = :t ORDER BY id", {"t": target})]


def test_a_records_old_versions_are_audited(counselor, teacher, vault):
    from app.casework.model import RecordInput
    from app.casework.records import get_record, update_record, versions

    rid = vault.records["own"] if "own" in vault.records else next(iter(vault.records.values()))
    rec = get_record(counselor, rid, reveal=True)
    update_record(counselor, rid, RecordInput(rec.kind, [s.id for s in rec.students], rec.occurred_at,
                                              rec.duration_min, summary=rec.summary,
                                              confidential=MARK_PREFIX + "改写后的保密内容"), reason="补充")
    before = len(_views(counselor, f"case_records:{rid}"))
    got = versions(counselor, rid)
    assert any(v.record.get("confidential") for v in got)
    assert len(_views(counselor, f"case_records:{rid}")) == before + 1
    n = len(_views(teacher, f"case_records:{rid}"))
    try:
        versions(teacher, rid)
    except Exception:  # noqa: BLE001 - another class's record is refused, which is fine here
        pass
    assert len(_views(teacher, f"case_records:{rid}")) == n


def test_an_incidents_confidential_history_is_audited(counselor, admin, vault):
    from app.crisis.incidents import incident_history

    iid = vault.incidents["own"]
    before = len(_views(counselor, f"crisis_incident:{iid}"))
    history = incident_history(counselor, iid)
    assert any(MARK_PREFIX in (h.old_value + h.new_value) for h in history if h.tier != "ordinary")
    views = _views(counselor, f"crisis_incident:{iid}")
    assert len(views) == before + 1 and views[-1]["history"] >= 1
    n = len(_views(counselor, f"crisis_incident:{iid}"))
    assert all(h.tier == "ordinary" for h in incident_history(admin, iid))   # an admin reads no note
    assert len(_views(counselor, f"crisis_incident:{iid}")) == n


def test_level_change_reasons_are_audited(counselor, teacher, vault):
    from app.screening.ledger import level_history

    entry = vault.entries["own"]
    before = len(_views(counselor, f"screening_level:{entry}"))
    history = level_history(counselor, entry)
    assert any(h["reason"] for h in history)
    assert len(_views(counselor, f"screening_level:{entry}")) == before + 1
    assert all(h["reason"] == "" for h in level_history(teacher, entry))
    assert len(_views(counselor, f"screening_level:{entry}")) == before + 1
