"""Issue 8 (b) for crisis intervention and the warning network: their confidential tier (every crisis note, the
closing note, level-change reasons, the amendments of confidential fields, a network report's free text and the
triage note) lives in confidential.db. Played as an attacker with the project's key-slot code and sqlcipher3 on
the marked vault of tests/privacy (a marker in every confidential field, each naming its field): a head teacher's
key opens no table, WAL or other file that holds one, while the counselor still reads every one in the app; a vault
written before the move is moved at a counselor's sign-in; text written without the key waits in vault.db for that
move; and crisis_history stays append-only."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.privacy.builder import TEACHER, Built, mark
from tests.security.tiers import backup, head_teachers_findings, markers_in, open_raw, sign_in, unlock

# The markers the builder always stores in crisis and network fields (tests/privacy/builder.py names them).
CRISIS = [mark(x) for x in (
    "意外事件保密", "意外事件修改原因", "意外事件保密修改后", "外班意外事件保密", "个案保密", "评估步骤保密", "安全措施保密",
    "通知家长保密", "告知书保密", "转介保密", "升级理由", "个案修改原因", "个案保密修改后", "材料保密", "复学会议结论",
    "一般个案保密", "结案说明", "外班个案保密")]
NETWORK = [mark(x) for x in (
    "网络班级情况", "网络班级事件", "网络所见", "外班网络班级情况", "外班网络所见", "宿舍事件", "宿舍所见本班", "宿舍所见外班",
    "分诊说明")]
CONF_TABLES = ("crisis_confidential", "network_confidential")


def _in_conf(root: Path) -> set[str]:
    """Every builder marker that confidential.db's crisis and network tables hold (the counselor's key)."""
    keys = unlock(root)
    assert keys.confidential is not None
    conn = open_raw(root / "confidential.db", keys.confidential)
    try:
        texts = [r[0] for t in CONF_TABLES for r in conn.execute(f"SELECT text FROM {t}").fetchall()]
    finally:
        conn.close()
    return {t for t in texts if t.startswith(mark("")[:2])}


def test_no_crisis_or_network_marker_is_under_the_ordinary_key(marked):
    assert head_teachers_findings(marked.root, CRISIS + NETWORK) == []   # as written: no sign-in has moved anything
    backup(marked.root)
    assert head_teachers_findings(marked.root, CRISIS + NETWORK) == []
    # ...while the counselor's key reaches every one of them (the test could fail: the markers exist).
    assert set(CRISIS + NETWORK) <= _in_conf(marked.root)


def test_nothing_leaks_into_the_wal_while_a_counselor_writes(marked, tmp_path):
    """The attacker copies the folder while the counselor is still signed in: vault.db with its WAL full of the
    pages just written."""
    from app.crisis.cases import amend_case, change_level
    from app.crisis.incidents import amend_incident
    from app.crisis.steps import complete_step, step_id
    from app.network.reports import ConcernInput, ReportInput, add_report, triage

    fresh = [mark(x) for x in ("活动个案保密", "活动降级理由", "活动修改原因", "活动步骤保密", "活动事件保密", "活动班级情况",
                               "活动所见", "活动分诊")]
    s = sign_in(marked.root)
    try:
        walked = marked.cases["walked"]
        amend_case(s, walked, fresh[2], note=fresh[0])
        change_level(s, walked, "severe", fresh[1])
        complete_step(s, step_id(s, walked, "treatment"), done_at="2026-11-05T10:00", note=fresh[3],
                      data={"kind": "住院治疗"})
        amend_incident(s, marked.incidents["own"], "补充", note=fresh[4])
        rid = add_report(s, ReportInput("2026-11-20", "psych_rep", "心理委员", marked.own_class, climate=fresh[5],
                                        concerns=[ConcernInput(marked.own, ["情绪低落"], fresh[6])]))
        concern = s.db.scalar("SELECT id FROM network_concerns WHERE report_id = ?", (rid,))
        triage(s, int(concern), "talk", fresh[7])
        assert (marked.root / "vault.db-wal").stat().st_size > 0
        copy = tmp_path / "copied"
        shutil.copytree(marked.root, copy)
    finally:
        s.close()
    assert head_teachers_findings(copy, fresh + CRISIS + NETWORK) == []
    assert set(fresh) <= _in_conf(marked.root)


def test_triaging_an_urgent_concern_does_not_copy_its_note_into_the_same_day_alert(marked):
    from app.network.reports import triage
    from app.safety.alerts import alert_for

    note = mark("紧急分诊说明")
    s = sign_in(marked.root)
    try:
        concern = int(s.db.scalar("SELECT id FROM network_concerns WHERE report_id = ? AND urgent = 1",
                                  (marked.reports["other"],)))
        assert alert_for(s, f"network_concerns:{concern}").status == "open"
        triage(s, concern, "talk", note)
        alert = alert_for(s, f"network_concerns:{concern}")
        assert alert is not None and alert.status == "reviewed" and alert.outcome == "分诊：约谈"
        assert note in _everything_the_counselor_reads(s, marked)       # the counselor reads it on the timeline
    finally:
        s.close()
    assert head_teachers_findings(marked.root, [note]) == []


def _everything_the_counselor_reads(s, b: Built) -> str:  # type: ignore[no-untyped-def]
    from app.archive.chronology import timeline
    from app.crisis.cases import get_case
    from app.crisis.incidents import incident_history, list_incidents
    from app.crisis.timeline import case_timeline
    from app.network.reports import list_reports

    seen: list[object] = []
    for case_id in b.cases.values():
        seen += [get_case(s, case_id), case_timeline(s, case_id)]
    seen.append(list_incidents(s))
    seen += [incident_history(s, i) for i in b.incidents.values()]
    seen.append(list_reports(s))
    students = {int(r[0]) for r in s.db.query("SELECT student_id FROM crisis_cases UNION SELECT student_id FROM"
                                              " network_concerns")}
    seen += [timeline(s, sid) for sid in students]
    return repr(seen)


def _found_by_search(s, text: str) -> bool:  # type: ignore[no-untyped-def]
    """A marker's words are in no ordinary text (the builder's summaries hold neither 隐秘 nor the field names
    together), so a hit comes from the confidential half of the index."""
    from app.search import search

    return bool(search(s, text, limit=500))


def test_the_counselor_still_reads_every_marker_in_the_app(marked):
    stored = _in_conf(marked.root) & set(marked.markers)
    assert set(CRISIS + NETWORK) <= stored
    s = sign_in(marked.root)
    try:
        shown = _everything_the_counselor_reads(s, marked)
        assert [m for m in sorted(stored) if m not in shown] == []
        # The search index's confidential half (in confidential.db) finds the text of each case, incident and report
        # as it is now (earlier wordings, amendment reasons, the triage note and the notes on 复学 documents are not
        # indexed). The search is for the whole marker, 隐秘 included: no ordinary text holds those words.
        unindexed = {mark(x) for x in ("个案保密", "意外事件保密", "个案修改原因", "意外事件修改原因", "分诊说明",
                                       "材料保密")}
        missing = [m for m in sorted(stored - unindexed) if not _found_by_search(s, m)]
        assert missing == [], missing
        assert s.db.scalar("SELECT count(*) FROM main.search_docs WHERE confidential <> ''") == 0
    finally:
        s.close()
    t = sign_in(marked.root, TEACHER)
    try:   # the head teacher reads what they read before: the ordinary tier of their class, no marker
        from app.crisis.cases import get_case
        from app.network.reports import list_reports

        case = get_case(t, marked.cases["walked"])
        assert case.row.summary == "测评预警后建立个案（普通摘要）" and case.note == ""
        assert case.level_changes and all(c.reason == "" for c in case.level_changes)
        own = [r for r in list_reports(t) if r.id == marked.reports["own"]][0]
        assert own.concerns and own.climate == "" and own.events == ""
    finally:
        t.close()


# -- a vault written before the move ------------------------------------------------------------------------------
OLD = {"crisis_cases.note": mark("旧版个案保密"), "crisis_cases.closing_note": mark("旧版结案说明"),
       "crisis_steps.note": mark("旧版步骤保密"), "crisis_documents.note": mark("旧版材料保密"),
       "crisis_meetings.note": mark("旧版会议结论"), "crisis_level_changes.reason": mark("旧版升级理由"),
       "crisis_incidents.note": mark("旧版事件保密"), "crisis_history.old_value": mark("旧版修改前"),
       "crisis_history.new_value": mark("旧版修改后"), "crisis_history.reason": mark("旧版修改原因"),
       "network_reports.climate": mark("旧版班级情况"), "network_reports.events": mark("旧版班级事件"),
       "network_concerns.seen": mark("旧版所见"), "network_concerns.decision_note": mark("旧版分诊说明"),
       "search_docs.confidential": mark("旧版检索")}
# vault.db's triggers as migration 060 left them (an UPDATE of crisis_history was refused outright); the test
# puts them back and applies migration 082 over them, as a counselor's first sign-in after the upgrade does.
_TRIGGERS_060 = (
    "CREATE TRIGGER crisis_history_no_update BEFORE UPDATE ON crisis_history BEGIN"
    " SELECT RAISE(ABORT, 'crisis_history is append-only'); END",
    "CREATE TRIGGER crisis_level_changes_no_update BEFORE UPDATE ON crisis_level_changes BEGIN"
    " SELECT RAISE(ABORT, 'crisis_level_changes is append-only'); END")


def _as_written_before_the_move(b: Built) -> dict[str, int]:
    """vault.db as the version before the move kept it: the text in vault.db's own columns (written under
    migration 060's triggers, then migrated by 082); confidential.db without those rows. Returns the rows written."""
    from app.search.tokens import index_tokens
    from app.store.migrate import MIGRATIONS_DIR, split_statements

    keys = unlock(b.root)
    v = open_raw(b.root / "vault.db", keys.ordinary)
    case = b.cases["walked"]
    rows = {
        "crisis_cases": case,
        "crisis_steps": v.execute("SELECT id FROM crisis_steps WHERE case_id = ? AND step_key = 'assessment'",
                                  (case,)).fetchone()[0],
        "crisis_documents": v.execute("SELECT id FROM crisis_documents WHERE case_id = ?", (case,)).fetchone()[0],
        "crisis_meetings": v.execute("SELECT id FROM crisis_meetings WHERE case_id = ?", (case,)).fetchone()[0],
        "crisis_level_changes": v.execute("SELECT id FROM crisis_level_changes WHERE case_id = ?",
                                          (case,)).fetchone()[0],
        "crisis_incidents": b.incidents["own"],
        "crisis_history": v.execute("SELECT id FROM crisis_history WHERE case_id = ? AND tier = 'confidential'",
                                    (case,)).fetchone()[0],
        "network_reports": b.reports["own"],
        "network_concerns": v.execute("SELECT id FROM network_concerns WHERE report_id = ? AND decision IS NOT NULL",
                                      (b.reports["own"],)).fetchone()[0],
    }
    for name in ("crisis_history_no_update", "crisis_history_no_delete", "crisis_level_changes_no_update",
                 "crisis_level_changes_no_delete"):
        v.execute(f"DROP TRIGGER {name}")
    for key, text in OLD.items():
        table, column = key.split(".")
        if table != "search_docs":
            v.execute(f"UPDATE {table} SET {column} = ? WHERE id = ?", (text, rows[table]))
    doc = v.execute("SELECT id FROM search_docs WHERE source = 'crisis' AND ref_id = ?", (case,)).fetchone()[0]
    v.execute("UPDATE search_docs SET confidential = ? WHERE id = ?", (OLD["search_docs.confidential"], doc))
    v.execute("INSERT INTO search_fts_conf (rowid, body) VALUES (?, ?)",
              (doc, index_tokens(OLD["search_docs.confidential"])))
    for sql in _TRIGGERS_060:
        v.execute(sql)
    for sql in split_statements((MIGRATIONS_DIR / "082_crisis_history_append_only.sql").read_text("utf-8")):
        v.execute(sql)
    v.close()
    c = open_raw(b.root / "confidential.db", keys.confidential)
    for table, row_id in rows.items():
        conf = "network_confidential" if table.startswith("network") else "crisis_confidential"
        c.execute(f"DELETE FROM {conf} WHERE tbl = ? AND row_id = ?", (table, row_id))
    c.execute("DELETE FROM search_fts_conf WHERE rowid IN (SELECT id FROM search_conf WHERE source = 'crisis'"
              " AND ref_id = ?)", (case,))
    c.execute("DELETE FROM search_conf WHERE source = 'crisis' AND ref_id = ?", (case,))
    c.close()
    return rows


def test_a_vault_from_before_the_move_is_moved_at_a_counselors_sign_in(marked):
    from app.crisis.cases import get_case
    from app.network.reports import list_reports

    _as_written_before_the_move(marked)
    old = list(OLD.values())
    keys = unlock(marked.root, TEACHER)
    assert {m for *_x, m in markers_in(marked.root / "vault.db", keys.ordinary, old)} == set(old)   # the set-up holds

    t = sign_in(marked.root, TEACHER)           # cannot move (no key) and shows none of it
    try:
        assert OLD["crisis_cases.note"] not in repr(get_case(t, marked.cases["walked"]))
        assert not any(m in repr(list_reports(t)) for m in old)
    finally:
        t.close()

    s = sign_in(marked.root)                    # the move
    try:
        moved = json.loads(s.db.scalar("SELECT detail FROM audit_log WHERE action = 'tier_move'"))["moved"]
        assert {"crisis", "network"} <= set(moved)
        shown = _everything_the_counselor_reads(s, marked)
        assert [m for m in old if m != OLD["search_docs.confidential"] and m not in shown] == []
        history = [h for h in get_case(s, marked.cases["walked"]).history if h.tier == "confidential"]
        assert (OLD["crisis_history.old_value"], OLD["crisis_history.new_value"], OLD["crisis_history.reason"]) in [
            (h.old_value, h.new_value, h.reason) for h in history]
        assert _found_by_search(s, OLD["search_docs.confidential"])
        assert s.db.scalar("PRAGMA main.freelist_count") == 0
        assert "WHEN" in s.db.scalar("SELECT sql FROM sqlite_master WHERE name = 'crisis_history_no_update'")
    finally:
        s.close()
    assert head_teachers_findings(marked.root, old + CRISIS + NETWORK) == []
    s = sign_in(marked.root)                    # idempotent: nothing left, nothing moved again
    try:
        assert s.db.scalar("SELECT count(*) FROM audit_log WHERE action = 'tier_move'") == 1
        assert OLD["crisis_cases.note"] == get_case(s, marked.cases["walked"]).note
    finally:
        s.close()


def test_text_written_without_the_key_waits_in_vault_db_for_the_next_counselor(marked):
    """A write by a session whose connection has no ``conf`` (today only counselors write crisis and network
    records, and they hold the key; the write path is the casework one for a head teacher's record): the text stays
    in vault.db's columns, is read back from there, and the next counselor's sign-in moves it."""
    from app.crisis.cases import get_case
    from app.crisis.incidents import record_incident
    from app.network.reports import ConcernInput, ReportInput, add_report, list_reports

    waiting = [mark("待迁事件保密"), mark("待迁班级情况"), mark("待迁所见")]
    s = sign_in(marked.root)
    try:
        s.db.execute("DETACH DATABASE conf")
        inc = record_incident(s, occurred_at="2026-11-19T10:00", what="操场摔倒", student_id=marked.own,
                              note=waiting[0])
        rid = add_report(s, ReportInput("2026-11-19", "head_teacher", "班主任", marked.own_class, immediate=True,
                                        climate=waiting[1], concerns=[ConcernInput(marked.own, ["明显异常"],
                                                                                   waiting[2])]))
        assert s.db.scalar("SELECT note FROM crisis_incidents WHERE id = ?", (inc,)) == waiting[0]
        report = [r for r in list_reports(s) if r.id == rid][0]
        assert report.climate == waiting[1] and report.concerns[0].seen == waiting[2]
        get_case(s, marked.cases["walked"])     # reads without conf do not fail
    finally:
        s.close()
    keys = unlock(marked.root, TEACHER)
    assert {m for *_x, m in markers_in(marked.root / "vault.db", keys.ordinary, waiting)} == set(waiting)
    s = sign_in(marked.root)
    try:
        report = [r for r in list_reports(s) if r.id == rid][0]
        assert report.climate == waiting[1] and report.concerns[0].seen == waiting[2]
        assert _found_by_search(s, waiting[0]) and _found_by_search(s, waiting[2])
    finally:
        s.close()
    assert head_teachers_findings(marked.root, waiting) == []


def test_crisis_history_and_level_changes_are_append_only(marked):
    from app.crisis.cases import amend_case

    s = sign_in(marked.root)
    try:
        amend_case(s, marked.cases["walked"], "改写概况", summary="新的普通摘要")      # an ordinary amendment too
        db = s.db
        for sql in ("DELETE FROM crisis_history", "DELETE FROM crisis_level_changes",
                    "UPDATE crisis_history SET reason = 'x'", "UPDATE crisis_level_changes SET reason = 'x'",
                    "UPDATE crisis_history SET at = '2020-01-01' WHERE tier = 'confidential'",
                    "UPDATE crisis_history SET new_value = '', old_value = '', reason = '' WHERE tier = 'ordinary'",
                    "UPDATE crisis_level_changes SET to_level = 'general'",
                    "UPDATE crisis_history SET tier = 'ordinary', old_value = '', new_value = '', reason = ''"
                    " WHERE tier = 'confidential'",
                    f"DELETE FROM crisis_cases WHERE id = {marked.cases['walked']}"):
            with pytest.raises(Exception, match="append-only"):
                db.execute(sql)
        # The one change allowed: the move's blanking of a confidential text (already blank here: a no-op).
        db.execute("UPDATE crisis_history SET old_value = '', new_value = '', reason = '' WHERE tier = 'confidential'")
        db.execute("UPDATE crisis_level_changes SET reason = ''")
        assert db.scalar("SELECT count(*) FROM crisis_history WHERE tier = 'ordinary' AND reason = '改写概况'") == 1
    finally:
        s.close()
