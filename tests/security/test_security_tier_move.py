"""Issue 8 (b): the confidential tier's text lives in confidential.db, so the ordinary key opens nothing that holds
it — vault.db, its WAL and the backups. Played as an attacker with the project's key-slot code and sqlcipher3 on
the marked vault of tests/privacy (a marker in every confidential field, each naming its field), one capability
at a time as each one moves; and a vault written before the move, which a counselor's sign-in moves once."""
from __future__ import annotations

import json
from pathlib import Path

from tests.privacy.builder import PASSWORD, TEACHER, mark
from tests.security.tiers import backup, head_teachers_findings, markers_in, open_raw, unlock

# The markers each moved capability wrote (tests/privacy/builder.py names them by field).
CASEWORK = [mark(f"谈话{k}") for k in ("individual", "talk", "parent_meeting", "parent_phone", "home_visit")] + [
    mark("团体辅导"), mark("修改前版本"), mark("修改后版本"), mark("已删除记录"), mark("外班谈话")]


def test_casework_markers_are_not_under_the_ordinary_key(marked):
    backup(marked.root)
    assert head_teachers_findings(marked.root, CASEWORK) == []
    # ...while the counselor's key reaches every one of them (the test could fail: the markers exist).
    conf = unlock(marked.root).confidential
    assert conf is not None
    in_conf = {m for _f, _t, m in markers_in(marked.root / "confidential.db", conf, CASEWORK)}
    assert in_conf == set(CASEWORK)


def test_casework_reads_and_search_still_show_the_counselor_everything(marked):
    from app.casework.records import get_record, versions
    from app.drafts.store import load_draft, save_draft
    from app.search import search
    from app.session import open_session

    s = open_session(marked.root, "counselor", PASSWORD)
    try:
        assert get_record(s, marked.records["edited"]).confidential == mark("修改后版本")
        assert [v.record["confidential"] for v in versions(s, marked.records["edited"])] == [mark("修改前版本")]
        hits = search(s, "修改后版本")
        assert any(h.ref_id == marked.records["edited"] and h.tier == "confidential" for h in hits)
        save_draft(s, "record:new", {"confidential": mark("草稿")})
        assert load_draft(s, "record:new") == {"confidential": mark("草稿")}
        assert s.db.scalar("SELECT count(*) FROM main.drafts") == 0
        assert s.db.scalar("SELECT count(*) FROM conf.drafts") == 1
    finally:
        s.close()
    t = open_session(marked.root, *TEACHER)
    try:
        assert get_record(t, marked.records["edited"]).confidential is None
        assert search(t, "修改后版本") == []
    finally:
        t.close()
    assert head_teachers_findings(marked.root, [mark("草稿")]) == []


def _as_written_before_the_move(root: Path, record_id: int) -> None:
    """Put the record's confidential text back where a vault from before the move kept it (vault.db's columns, the
    version snapshot, search_docs and its FTS table, a draft) and empty confidential.db's copies."""
    from app.search.tokens import index_tokens

    keys = unlock(root)
    assert keys.confidential is not None
    c = open_raw(root / "confidential.db", keys.confidential)
    c.execute("DELETE FROM case_confidential WHERE record_id = ?", (record_id,))
    c.execute("DELETE FROM case_version_confidential WHERE record_id = ?", (record_id,))
    ids = [r[0] for r in c.execute("SELECT id FROM search_conf WHERE ref_id = ? AND source = 'casework'",
                                   (record_id,)).fetchall()]
    for i in ids:
        c.execute("DELETE FROM search_fts_conf WHERE rowid = ?", (i,))
        c.execute("DELETE FROM search_conf WHERE id = ?", (i,))
    c.close()
    v = open_raw(root / "vault.db", keys.ordinary)
    v.execute("UPDATE case_records SET confidential = ? WHERE id = ?", (mark("旧版保密"), record_id))
    snap = json.loads(v.execute("SELECT snapshot FROM case_versions WHERE record_id = ?", (record_id,)).fetchone()[0])
    snap["confidential"] = mark("旧版早先保密")
    v.execute("UPDATE case_versions SET snapshot = ? WHERE record_id = ?", (json.dumps(snap, ensure_ascii=False),
                                                                            record_id))
    doc = v.execute("SELECT id FROM search_docs WHERE source = 'casework' AND ref_id = ?", (record_id,)).fetchone()[0]
    v.execute("UPDATE search_docs SET confidential = ? WHERE id = ?", (mark("旧版保密"), doc))
    v.execute("INSERT INTO search_fts_conf (rowid, body) VALUES (?, ?)", (doc, index_tokens(mark("旧版保密"))))
    v.execute("INSERT INTO drafts (account, form_key, label, tier, content, saved_at) VALUES ('counselor', 'record:old',"
              " '个案记录', 'confidential', ?,"
              " '2026-11-01T10:00:00')", (json.dumps({"confidential": mark("旧版草稿")}, ensure_ascii=False),))
    v.execute("INSERT INTO drafts (account, form_key, label, tier, content, saved_at) VALUES ('teacher1', 'record:t',"
              " '个案记录', 'confidential', ?,"
              " '2026-11-01T10:00:00')", (json.dumps({"summary": "班主任草稿"}, ensure_ascii=False),))
    v.close()


OLD = [mark("旧版保密"), mark("旧版早先保密"), mark("旧版草稿")]


def test_a_vault_from_before_the_move_is_moved_once_at_a_counselors_sign_in(marked):
    from app.casework.records import get_record, versions
    from app.drafts.store import load_draft
    from app.search import search
    from app.session import open_session

    rid = marked.records["edited"]
    _as_written_before_the_move(marked.root, rid)
    assert {m for *_x, m in _head_teachers_findings_unchecked(marked.root, OLD)} == set(OLD)   # the set-up holds

    # A head teacher's sign-in cannot move it (no key) and sees none of it.
    t = open_session(marked.root, *TEACHER)
    try:
        assert get_record(t, rid).confidential is None and search(t, "旧版保密") == []
        assert load_draft(t, "record:t") == {"summary": "班主任草稿"}
    finally:
        t.close()

    s = open_session(marked.root, "counselor", PASSWORD)        # the move
    try:
        assert get_record(s, rid).confidential == mark("旧版保密")
        assert [v.record["confidential"] for v in versions(s, rid)] == [mark("旧版早先保密")]
        assert any(h.ref_id == rid and h.tier == "confidential" for h in search(s, "旧版保密"))
        assert load_draft(s, "record:old") == {"confidential": mark("旧版草稿")}
        assert s.db.scalar("SELECT count(*) FROM audit_log WHERE action = 'tier_move'") == 1
        assert s.db.scalar("PRAGMA main.freelist_count") == 0          # VACUUMed: no free page keeps old text
    finally:
        s.close()
    assert head_teachers_findings(marked.root, OLD + CASEWORK) == []
    t = open_session(marked.root, *TEACHER)                    # a head teacher's own draft stayed theirs
    try:
        assert load_draft(t, "record:t") == {"summary": "班主任草稿"}
    finally:
        t.close()
    s = open_session(marked.root, "counselor", PASSWORD)        # idempotent: nothing left, nothing moved again
    try:
        assert s.db.scalar("SELECT count(*) FROM audit_log WHERE action = 'tier_move'") == 1
        assert get_record(s, rid).confidential == mark("旧版保密")
    finally:
        s.close()


def _head_teachers_findings_unchecked(root: Path, markers: list[str]) -> list[tuple[str, str, str]]:
    return markers_in(root / "vault.db", unlock(root, TEACHER).ordinary, markers)


def test_versions_written_without_the_key_take_the_next_versions_text(marked):
    from app.casework.records import RecordInput, create_record, update_record, versions
    from app.session import open_session

    def rec(summary: str, confidential: str = "") -> RecordInput:
        return RecordInput("talk", [marked.own], "2026-10-20T10:00", 20, summary=summary, confidential=confidential)

    t = open_session(marked.root, *TEACHER)
    try:
        rid = create_record(t, rec("班主任谈话"))
        update_record(t, rid, rec("班主任谈话（改）"), reason="补充")          # v1: written without the key
    finally:
        t.close()
    s = open_session(marked.root, "counselor", PASSWORD)
    try:
        update_record(s, rid, rec("班主任谈话（改）", mark("后补保密")), reason="心理教师补充")   # v2
        update_record(s, rid, rec("班主任谈话（改）", mark("再改保密")), reason="再改")         # v3
        assert [v.record["confidential"] for v in versions(s, rid)] == ["", "", mark("后补保密")]
        assert s.db.scalar("SELECT count(*) FROM conf.case_version_confidential WHERE record_id = ?", (rid,)) == 2
    finally:
        s.close()
    t = open_session(marked.root, *TEACHER)
    try:
        assert all("confidential" not in v.record for v in versions(t, rid))
    finally:
        t.close()
    assert head_teachers_findings(marked.root, [mark("后补保密"), mark("再改保密")]) == []
