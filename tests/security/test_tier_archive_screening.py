"""Issue 8 (b) for the archive and screening: plans, tag notes and clearing reasons, tags of a confidential
category (whole), screening answers and scores, the rule that fired and the reasons of level changes and
interviews live in confidential.db. Played as an attacker with the project's key-slot code and sqlcipher3 on the
marked vault of tests/privacy (a marker in every confidential field), then read back in the app by a counselor;
and a vault written before the move, which a counselor's sign-in moves once."""
from __future__ import annotations

import json
from pathlib import Path

from app.archive.plans import PLAN_FIELDS
from tests.privacy.builder import CONFIDENTIAL_TAG, PASSWORD, TEACHER, Built, mark
from tests.security.tiers import backup, head_teachers_findings, markers_in, open_raw, unlock

ARCHIVE = ([mark(f"一生一策{k}") for k in PLAN_FIELDS] + [mark(f"一生一策v2{k}") for k in PLAN_FIELDS]
           + [mark("方案修改原因"), mark("外班一生一策"), mark("关注标签说明"), mark("已解除标签说明"), mark("标签解除原因"),
              mark("外班标签说明"), mark("保密标签说明")])
SCREENING = [mark("复核理由own"), mark("复核理由other")]


def _vault_rows(root: Path) -> list[tuple[str, tuple]]:
    """Every row of every table of vault.db as the head teacher's key reads it (with its WAL)."""
    ordinary = unlock(root, TEACHER).ordinary
    conn = open_raw(root / "vault.db", ordinary)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()]
        return [(t, tuple(row)) for t in tables for row in conn.execute(f'SELECT * FROM "{t}"').fetchall()]
    finally:
        conn.close()


def test_the_markers_are_all_mine_and_in_the_marked_vault(_marked):
    assert set(ARCHIVE + SCREENING) <= set(_marked.markers)


def test_archive_and_screening_markers_are_not_under_the_ordinary_key(marked):
    backup(marked.root)
    assert head_teachers_findings(marked.root, ARCHIVE + SCREENING) == []   # vault.db, its WAL, backups, any file
    conf = unlock(marked.root).confidential
    assert conf is not None
    in_conf = {m for _f, _t, m in markers_in(marked.root / "confidential.db", conf, ARCHIVE + SCREENING)}
    assert in_conf == set(ARCHIVE + SCREENING)          # ...while the counselor's key reaches every one


def test_a_confidential_tag_and_the_scores_leave_no_trace_in_vault_db(marked):
    rows = _vault_rows(marked.root)
    # The confidential tag (health) is nowhere: not as a tag, not in an audit line, not in a setting.
    assert [(t, r) for t, r in rows if any(isinstance(v, str) and CONFIDENTIAL_TAG in v for v in r)] == []
    tables = {t for t, _r in rows}
    assert {"focus_tags", "support_plans", "screening_results", "screening_levels"} <= tables
    ordinary = unlock(marked.root, TEACHER).ordinary
    conn = open_raw(marked.root / "vault.db", ordinary)
    try:
        # The own student's tags left in vault.db are the ordinary ones, without notes.
        assert {r[0] for r in conn.execute("SELECT tag FROM focus_tags WHERE student_id = ?", (marked.own,))} == {
            "其他", "学业压力"}
        assert conn.execute("SELECT count(*) FROM focus_tags WHERE note <> '' OR clear_reason <> ''").fetchone() == (0,)
        # Plans: their rows (the review reminders), never their text.
        assert conn.execute("SELECT count(*) FROM support_plans WHERE student_id = ?", (marked.own,)).fetchone() == (2,)
        blank = " AND ".join(f"{c} = ''" for c in (*PLAN_FIELDS, "change_reason"))
        assert conn.execute(f"SELECT count(*) FROM support_plans WHERE NOT ({blank})").fetchone() == (0,)
        # Screening: that a scale was taken, never the answers, scores or the rule that fired.
        results = conn.execute("SELECT answers, total, band, critical, positive, flags, subscales, platform_total"
                               " FROM screening_results").fetchall()
        assert results and set(results) == {("[]", 0, None, 0, 0, "[]", "{}", None)}
        assert conn.execute("SELECT count(*) FROM screening_levels WHERE basis <> ''").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM screening_level_changes WHERE reason <> ''").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM screening_interviews WHERE reason <> ''").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM screening_held WHERE answers <> '[]' OR total IS NOT NULL"
                            " OR critical <> 0").fetchone() == (0,)
    finally:
        conn.close()


def test_the_counselor_still_reads_every_one_in_the_app(marked):
    from app.archive.plans import plan_versions
    from app.archive.students import StudentFilter, focus_student_ids, get_student, list_students
    from app.archive.tags import list_tags
    from app.archive.timeline import archive_events
    from app.screening.interviews import interviews_for_student
    from app.screening.ledger import LedgerFilter, ledger_rows, level_history
    from app.screening.stats import campaign_stats
    from app.screening.timeline import student_events
    from app.session import open_session

    s = open_session(marked.root, "counselor", PASSWORD)
    try:
        tags = {t.tag: t for t in list_tags(s, marked.own)}
        assert tags[CONFIDENTIAL_TAG].note == mark("保密标签说明") and tags[CONFIDENTIAL_TAG].id < 0
        assert tags["其他"].note == mark("关注标签说明")
        assert tags["学业压力"].note == mark("已解除标签说明") and tags["学业压力"].clear_reason == mark("标签解除原因")
        assert CONFIDENTIAL_TAG in get_student(s.db, s.account, marked.own).tags
        assert [x.id for x in list_students(s.db, s.account, StudentFilter(tag=CONFIDENTIAL_TAG))] == [marked.own]
        assert marked.own in focus_student_ids(s.db, s.account)
        versions = plan_versions(s, marked.own)
        assert [v.version for v in versions] == [2, 1]
        assert {k: getattr(versions[0], k) for k in PLAN_FIELDS} == {k: mark(f"一生一策v2{k}") for k in PLAN_FIELDS}
        assert {k: getattr(versions[1], k) for k in PLAN_FIELDS} == {k: mark(f"一生一策{k}") for k in PLAN_FIELDS}
        assert versions[0].change_reason == mark("方案修改原因")
        timeline = "\n".join(f"{e.title} {e.detail}" for e in archive_events(s, marked.own))
        for m in (mark("保密标签说明"), mark("标签解除原因"), mark("方案修改原因")):
            assert m in timeline
        assert f"设为重点关注：{CONFIDENTIAL_TAG}" in timeline
        # Screening: the ledger's scores, basis and history reasons, the interview's reason, the timeline's scores.
        row = next(r for r in ledger_rows(s, LedgerFilter(), with_history=True) if r.entry_id == marked.entries["own"])
        assert row.scores.startswith("PHQ-9 ") and row.basis and all(h["reason"] for h in row.history)
        assert any("复核访谈" in h["reason"] for h in level_history(s, marked.entries["own"]))
        assert [i.reason for i in interviews_for_student(s, marked.own)] == [mark("复核理由own")]
        events = student_events(s, marked.own)
        assert any(e.kind == "screening" and "测评：" in e.title and "关键题阳性" in e.detail for e in events)
        assert any(e.kind == "follow_up_interview" and mark("复核理由own") in e.detail for e in events)
        camp = int(s.db.scalar("SELECT campaign_id FROM screening_levels WHERE id = ?", (marked.entries["own"],)))
        stats = campaign_stats(s, camp)
        assert stats.scales and sum(x.critical for x in stats.scales) >= 3
    finally:
        s.close()
    t = open_session(marked.root, *TEACHER)
    try:
        assert CONFIDENTIAL_TAG not in {x.tag for x in list_tags(t, marked.own)}
        assert CONFIDENTIAL_TAG not in get_student(t.db, t.account, marked.own).tags
        assert list_students(t.db, t.account, StudentFilter(tag=CONFIDENTIAL_TAG)) == []
        assert [i.reason for i in interviews_for_student(t, marked.own)] == [""]
    finally:
        t.close()


def _as_written_before_the_move(root: Path, b: Built) -> None:
    """Put archive and screening text back where a vault from before the move kept it (vault.db's columns, a
    confidential-category tag as a vault.db row, a school's tier choice only in vault.db's settings) and take
    confidential.db's copies away."""
    keys = unlock(root)
    assert keys.confidential is not None
    plan = open_raw(root / "vault.db", keys.ordinary).execute(
        "SELECT id FROM support_plans WHERE student_id = ? AND version = 2", (b.own,)).fetchone()[0]
    result = open_raw(root / "vault.db", keys.ordinary).execute(
        "SELECT r.id FROM screening_results r JOIN screening_levels l ON l.campaign_id = r.campaign_id"
        " AND l.student_id = r.student_id WHERE l.id = ?", (b.entries["own"],)).fetchone()[0]
    c = open_raw(root / "confidential.db", keys.confidential)
    c.execute("DELETE FROM support_plan_text WHERE plan_id = ?", (plan,))
    c.execute("DELETE FROM screening_scores WHERE result_id = ?", (result,))
    c.execute("DELETE FROM screening_basis WHERE entry_id = ?", (b.entries["own"],))
    c.execute("DELETE FROM screening_interview_reasons WHERE interview_id = ?", (b.interviews["own"],))
    c.execute("DELETE FROM tag_tiers_adopted")          # a vault whose school chose its tiers before the move
    c.close()
    v = open_raw(root / "vault.db", keys.ordinary)
    v.execute("UPDATE support_plans SET situation = ?, family = ?, change_reason = ? WHERE id = ?",
              (mark("旧版方案"), mark("一生一策v2family"), mark("旧版修改原因"), plan))
    v.execute("INSERT INTO focus_tags (uuid, student_id, tag, note, set_at, set_by) VALUES"
              " ('old-1', ?, '早期心理创伤', ?, '2026-10-01T10:00:00', '心理教师')", (b.own, mark("旧版保密标签")))
    v.execute("INSERT INTO focus_tags (uuid, student_id, tag, note, set_at, set_by, cleared_at, cleared_by,"
              " clear_reason) VALUES ('old-2', ?, '情感危机', ?, '2026-10-01T10:00:00', '心理教师',"
              " '2026-10-05T10:00:00', '心理教师', ?)", (b.own, mark("旧版情感标签"), mark("旧版解除原因")))
    v.execute("INSERT INTO focus_tags (uuid, student_id, tag, note, set_at, set_by) VALUES"
              " ('old-3', ?, '留守', ?, '2026-10-01T10:00:00', '心理教师')", (b.own, mark("旧版普通标签")))
    v.execute("INSERT INTO settings (key, value) VALUES ('archive.tag_tiers', ?)",
              (json.dumps({"情感危机": "confidential"}, ensure_ascii=False),))
    v.execute("UPDATE screening_results SET answers = '[3,3,3,3,3,2,2,2,2]', total = 23, band = 'severe',"
              " critical = 1, positive = 1, flags = ?, platform_total = 23 WHERE id = ?",
              (json.dumps([{"label": mark("旧版关键题"), "critical": True}], ensure_ascii=False), result))
    v.execute("UPDATE screening_levels SET basis = ? WHERE id = ?", (mark("旧版依据"), b.entries["own"]))
    v.execute("UPDATE screening_level_changes SET reason = ? WHERE id = (SELECT min(id) FROM screening_level_changes"
              " WHERE entry_id = ?)", (mark("旧版变更原因"), b.entries["own"]))
    v.execute("UPDATE screening_interviews SET reason = ? WHERE id = ?", (mark("旧版复核理由"), b.interviews["own"]))
    v.close()


OLD = [mark("旧版方案"), mark("旧版修改原因"), mark("旧版保密标签"), mark("旧版情感标签"), mark("旧版解除原因"),
       mark("旧版普通标签"), mark("旧版关键题"), mark("旧版依据"), mark("旧版变更原因"), mark("旧版复核理由")]


def test_a_vault_from_before_the_move_is_moved_at_a_counselors_sign_in(marked):
    from app.archive.plans import plan_versions
    from app.archive.tags import list_tags, tag_tiers
    from app.screening.interviews import interviews_for_student
    from app.screening.ledger import LedgerFilter, ledger_rows
    from app.session import open_session

    _as_written_before_the_move(marked.root, marked)
    found = {m for t, r in _vault_rows(marked.root) for m in OLD if any(isinstance(v, str) and m in v for v in r)}
    assert found == set(OLD)                                     # the set-up holds

    t = open_session(marked.root, *TEACHER)                      # no key: nothing moves, the tiers still hold
    try:
        assert {x.tag for x in list_tags(t, marked.own)} == {"其他", "学业压力", "留守"}
        assert all(x.note == "" for x in list_tags(t, marked.own))
    finally:
        t.close()

    s = open_session(marked.root, "counselor", PASSWORD)         # the move
    try:
        moved = json.loads(s.db.scalar("SELECT detail FROM audit_log WHERE action = 'tier_move'"))["moved"]
        assert {"archive", "screening"} <= set(moved)
        assert tag_tiers(s.db)["情感危机"] == "confidential"     # the school's choice, adopted
        v2 = plan_versions(s, marked.own)[0]
        assert (v2.situation, v2.change_reason, v2.family) == (mark("旧版方案"), mark("旧版修改原因"),
                                                               mark("一生一策v2family"))
        tags = {x.tag: x for x in list_tags(s, marked.own)}
        assert tags["早期心理创伤"].id < 0 and tags["早期心理创伤"].note == mark("旧版保密标签")
        assert tags["情感危机"].id < 0 and tags["情感危机"].clear_reason == mark("旧版解除原因")
        assert tags["留守"].id > 0 and tags["留守"].note == mark("旧版普通标签")
        row = next(r for r in ledger_rows(s, LedgerFilter(), with_history=True) if r.entry_id == marked.entries["own"])
        assert row.scores == "PHQ-9 23" and row.basis == mark("旧版依据")
        assert row.history[0]["reason"] == mark("旧版变更原因")
        assert [i.reason for i in interviews_for_student(s, marked.own)] == [mark("旧版复核理由")]
        assert s.db.scalar("PRAGMA main.freelist_count") == 0
    finally:
        s.close()
    assert head_teachers_findings(marked.root, OLD + ARCHIVE + SCREENING) == []
    t = open_session(marked.root, *TEACHER)
    try:
        assert {x.tag for x in list_tags(t, marked.own)} == {"其他", "学业压力", "留守"}
    finally:
        t.close()
    s = open_session(marked.root, "counselor", PASSWORD)         # idempotent: nothing left, nothing moved again
    try:
        assert s.db.scalar("SELECT count(*) FROM audit_log WHERE action = 'tier_move'") == 1
    finally:
        s.close()


def test_a_head_teachers_tier_edit_in_vault_db_does_not_steer_the_counselors_writes(marked):
    """The attacker lowers a health category in vault.db's settings row; the counselor's next tag of that category
    still goes to confidential.db (counselors' own copy of the tiers decides)."""
    from app.archive.tags import add_tag, tag_tiers
    from app.session import open_session

    v = open_raw(marked.root / "vault.db", unlock(marked.root, TEACHER).ordinary)
    v.execute("INSERT INTO settings (key, value) VALUES ('archive.tag_tiers', ?) ON CONFLICT (key) DO UPDATE SET"
              " value = excluded.value", (json.dumps({"早期心理创伤": "ordinary"}, ensure_ascii=False),))
    v.close()
    s = open_session(marked.root, "counselor", PASSWORD)
    try:
        assert tag_tiers(s.db)["早期心理创伤"] == "confidential"
        assert add_tag(s, marked.own, "早期心理创伤", mark("篡改后的标签")) < 0
    finally:
        s.close()
    rows = _vault_rows(marked.root)
    assert not [r for t, r in rows if t == "focus_tags" and "早期心理创伤" in r]
    assert head_teachers_findings(marked.root, [mark("篡改后的标签")]) == []


def test_changing_a_tier_moves_the_tags_between_the_files(marked):
    from app.archive.tags import list_tags, set_tag_tier
    from app.session import open_session

    s = open_session(marked.root, "counselor", PASSWORD)
    try:
        set_tag_tier(s, CONFIDENTIAL_TAG, "ordinary")                # lowered: the head teacher sees it now
        tag = next(x for x in list_tags(s, marked.own) if x.tag == CONFIDENTIAL_TAG)
        assert tag.id > 0 and tag.note == mark("保密标签说明")
        set_tag_tier(s, "其他", "confidential")                      # raised: it leaves vault.db whole
        other = next(x for x in list_tags(s, marked.own) if x.tag == "其他")
        assert other.id < 0 and other.note == mark("关注标签说明")
    finally:
        s.close()
    t = open_session(marked.root, *TEACHER)
    try:
        assert {x.tag for x in list_tags(t, marked.own)} == {CONFIDENTIAL_TAG, "学业压力"}
    finally:
        t.close()
    assert not [r for t, r in _vault_rows(marked.root) if t == "focus_tags" and "其他" in r]
    assert head_teachers_findings(marked.root, ARCHIVE) == []


def test_a_head_teachers_observation_form_waits_in_vault_db_for_the_next_counselor(school, lower):
    """A session without the key (a head teacher entering their class's observation forms) writes the scores where
    it can, vault.db; the counselor reads them at once, and the next counselor sign-in moves them. What it cannot
    read (a counselor's result of another scale, already in confidential.db) never lowers or releases the level."""
    from app.screening.ledger import LedgerFilter, ledger_rows
    from app.screening.results import save_answers
    from app.session import open_session

    camp, teacher, pupils = lower
    root = school.paths.root
    save_answers(school, camp.id, pupils[0], "phq9", [0, 0, 0, 0, 0, 0, 0, 0, 2])   # critical: 一级, in conf
    ht = open_session(root, *teacher)
    try:
        assert not ht.holds_confidential
        save_answers(ht, camp.id, pupils[0], "observe_g13", [0] * 10)
        save_answers(ht, camp.id, pupils[1], "observe_g13", [2, 2, 2, 2, 2, 2, 2, 2, 2, 2])
    finally:
        ht.close()
    rows = {r.student_id: r for r in ledger_rows(school, LedgerFilter())}
    assert rows[pupils[0]].level == 1 and rows[pupils[0]].status == "pending_review"   # not released by the form
    waiting = school.db.scalar("SELECT count(*) FROM main.screening_results WHERE answers <> '[]'")
    assert waiting == 2                                      # the head teacher's two forms, not yet moved
    assert rows[pupils[1]].scores == "低年级观察表 19" and rows[pupils[1]].basis   # the counselor reads them at once
    school.close()
    s = open_session(root, "counselor", PASSWORD)
    try:
        assert s.db.scalar("SELECT count(*) FROM main.screening_results WHERE answers <> '[]' OR total <> 0") == 0
        assert s.db.scalar("SELECT count(*) FROM main.screening_levels WHERE basis <> ''") == 0
        assert s.db.scalar("SELECT count(*) FROM conf.screening_scores sc JOIN main.screening_results r"
                           " ON r.id = sc.result_id WHERE r.scale_id = 'observe_g13'") == 2
        after = {r.student_id: r for r in ledger_rows(s, LedgerFilter())}
        assert after[pupils[1]].scores == rows[pupils[1]].scores and after[pupils[1]].basis == rows[pupils[1]].basis
    finally:
        s.close()


def test_confidential_dbs_default_tiers_are_the_archives(session):
    """005_archive.sql seeds counselors' copy of the tiers with app/archive/tags.py's default health categories (the
    sign-in move reads them in SQL), and a new vault starts with that copy deciding."""
    from app.archive.tags import DEFAULT_CONFIDENTIAL, confidential_tags

    seeded = {r[0] for r in session.db.query("SELECT tag FROM conf.tag_tiers WHERE tier = 'confidential'")}
    assert seeded == set(DEFAULT_CONFIDENTIAL) == set(confidential_tags(session.db))
    assert session.db.scalar("SELECT count(*) FROM conf.tag_tiers_adopted") == 1
