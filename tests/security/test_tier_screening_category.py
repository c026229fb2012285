"""Issue 8 (b) for a screening ledger entry's category (自伤风险 from a critical item ...): the machine's, kept in
confidential.db (conf_migrations/009) until the counselor shares it with the head teacher. Played as an attacker with
the project's key-slot code and sqlcipher3 on the marked vault of tests/privacy, read back in the app by a counselor
(ledger, its category filter, the timeline's banner once shared); an old vault with the category in vault.db and a
head teacher's observation form (no key) are moved at the next counselor sign-in."""
from __future__ import annotations

from pathlib import Path

from tests.privacy.builder import MACHINE_CATEGORY, PASSWORD, TEACHER
from tests.security.tiers import markers_in, open_raw, unlock


def _categories_in_vault(root: Path) -> list[tuple[int, str]]:
    """(entry id, category) of every ledger entry whose category a head teacher's ordinary key reads in vault.db."""
    keys = unlock(root, TEACHER)
    assert keys.confidential is None
    conn = open_raw(root / "vault.db", keys.ordinary)
    try:
        return [(int(r[0]), str(r[1])) for r in conn.execute(
            "SELECT id, category FROM screening_levels WHERE trim(category) <> ''").fetchall()]
    finally:
        conn.close()


def _in_conf(root: Path, entry_id: int) -> str | None:
    conf = unlock(root).confidential
    assert conf is not None
    conn = open_raw(root / "confidential.db", conf)
    try:
        row = conn.execute("SELECT text FROM screening_category WHERE tbl = 'screening_levels' AND row_id = ?"
                           " AND field = 'category'", (entry_id,)).fetchone()
        return None if row is None else str(row[0])
    finally:
        conn.close()


def test_a_head_teachers_key_reads_no_category_in_vault_db(marked):
    entry = marked.entries["unreviewed"]
    assert _categories_in_vault(marked.root) == []             # the unreviewed 自伤风险 entry's included
    assert _in_conf(marked.root, entry) == MACHINE_CATEGORY    # ...while the counselor's key reaches it
    conf = unlock(marked.root).confidential
    assert conf is not None
    assert {t for _f, t, _m in markers_in(marked.root / "confidential.db", conf, [MACHINE_CATEGORY])} >= {
        "screening_category"}


def test_the_counselor_still_reads_and_filters_the_category(marked):
    from app.screening.ledger import LedgerFilter, ledger_rows
    from app.session import open_session

    s = open_session(marked.root, "counselor", PASSWORD)
    try:
        rows = {r.student_id: r for r in ledger_rows(s, LedgerFilter())}
        assert MACHINE_CATEGORY in rows[marked.unreviewed].category
        hits = {r.student_id for r in ledger_rows(s, LedgerFilter(category=MACHINE_CATEGORY))}
        assert marked.unreviewed in hits
        assert all(MACHINE_CATEGORY in rows[sid].category for sid in hits)
        assert marked.unreviewed not in {r.student_id for r in ledger_rows(s, LedgerFilter(category="无此类别"))}
    finally:
        s.close()


def test_a_shared_category_is_what_the_head_teacher_reads_and_withholding_it_takes_it_back(marked):
    """Shared, the category is what the head teacher was told: in vault.db, on their ledger, their filter and the
    timeline's banner. Withheld again, it leaves vault.db; the counselor still reads it."""
    from app.screening.interviews import record_interview, tell_head_teacher
    from app.screening.ledger import LedgerFilter, ledger_rows
    from app.screening.timeline import banner
    from app.session import open_session

    entry, sid = marked.entries["unreviewed"], marked.unreviewed
    s = open_session(marked.root, "counselor", PASSWORD)
    try:
        record_interview(s, entry, confirmed_level=1, reason="复核", next_step="转介", share_category=True)
    finally:
        s.close()
    assert _categories_in_vault(marked.root) == [(entry, MACHINE_CATEGORY)]
    t = open_session(marked.root, *TEACHER)
    try:
        assert not t.holds_confidential
        [row] = [r for r in ledger_rows(t, LedgerFilter()) if r.student_id == sid]
        assert row.category == MACHINE_CATEGORY and row.category_shared
        assert sid in {r.student_id for r in ledger_rows(t, LedgerFilter(category=MACHINE_CATEGORY))}
        assert MACHINE_CATEGORY in banner(t, sid)[0]
    finally:
        t.close()
    s = open_session(marked.root, "counselor", PASSWORD)
    try:
        tell_head_teacher(s, entry, share_category=False)
        [row] = [r for r in ledger_rows(s, LedgerFilter()) if r.student_id == sid]
        assert row.category == MACHINE_CATEGORY and not row.category_shared
    finally:
        s.close()
    assert _categories_in_vault(marked.root) == []
    assert _in_conf(marked.root, entry) == MACHINE_CATEGORY
    t = open_session(marked.root, *TEACHER)
    try:
        [row] = [r for r in ledger_rows(t, LedgerFilter()) if r.student_id == sid]
        assert row.category == "" and MACHINE_CATEGORY not in banner(t, sid)[0]
    finally:
        t.close()


def test_an_old_vaults_category_is_moved_at_a_counselors_sign_in(marked):
    from app.screening.ledger import LedgerFilter, ledger_rows
    from app.session import open_session

    entry = marked.entries["unreviewed"]
    keys = unlock(marked.root)
    assert keys.confidential is not None
    c = open_raw(marked.root / "confidential.db", keys.confidential)
    c.execute("DELETE FROM screening_category")
    c.close()
    v = open_raw(marked.root / "vault.db", keys.ordinary)
    v.execute("UPDATE screening_levels SET category = ? WHERE id = ?", (MACHINE_CATEGORY, entry))
    v.close()
    assert _categories_in_vault(marked.root) == [(entry, MACHINE_CATEGORY)]   # as a vault from before the move
    t = open_session(marked.root, *TEACHER)                                  # no key: nothing moves
    t.close()
    assert _categories_in_vault(marked.root) == [(entry, MACHINE_CATEGORY)]
    s = open_session(marked.root, "counselor", PASSWORD)                      # the move
    try:
        assert s.db.scalar("SELECT category FROM main.screening_levels WHERE id = :i", {"i": entry}) == ""
        hits = ledger_rows(s, LedgerFilter(category=MACHINE_CATEGORY))
        assert marked.unreviewed in {r.student_id for r in hits}
    finally:
        s.close()
    assert _categories_in_vault(marked.root) == []
    assert _in_conf(marked.root, entry) == MACHINE_CATEGORY


def test_a_head_teachers_observation_form_leaves_its_category_for_the_next_counselor(school, lower):
    """A session without the key writes the category where it can, vault.db; the counselor reads it at once and the
    next counselor sign-in moves it."""
    from app.screening.ledger import LedgerFilter, ledger_rows
    from app.screening.results import save_answers
    from app.session import open_session

    camp, teacher, pupils = lower
    pupil = pupils[0]
    root = school.paths.root
    ht = open_session(root, *teacher)
    try:
        assert not ht.holds_confidential
        save_answers(ht, camp.id, pupil, "observe_g13", [2] * 10)
    finally:
        ht.close()
    waiting = school.db.scalar("SELECT category FROM main.screening_levels WHERE student_id = :s", {"s": pupil})
    assert waiting                                                    # no key: it had to stay in vault.db
    [row] = [r for r in ledger_rows(school, LedgerFilter()) if r.student_id == pupil]
    assert row.category == waiting                                    # the counselor reads it at once
    school.close()
    s = open_session(root, "counselor", PASSWORD)
    try:
        assert s.db.scalar("SELECT category FROM main.screening_levels WHERE student_id = :s",
                           {"s": pupil}) == ""
        [row] = [r for r in ledger_rows(s, LedgerFilter(category=waiting)) if r.student_id == pupil]
        assert row.category == waiting
    finally:
        s.close()
