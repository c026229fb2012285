"""The one-time move of confidential text out of vault.db into confidential.db (issue 8 (b)).

Runs at a counselor's sign-in, right after ``conf`` is attached (``app.session.open_session``): copies each moved
field into its ``conf`` table and blanks it in vault.db, in one transaction per capability, then VACUUMs vault.db
and checkpoints its WAL so the blanked text lingers in no free page and no WAL frame (``secure_delete`` is on).

Idempotent: it moves only what is still non-blank in vault.db (a vault written by an earlier version, a backup
restored from before the move, or text a session without the confidential key had to leave there), and a row
left non-blank in vault.db is always newer than ``conf`` (a session with the key blanks what it writes), so
it replaces the ``conf`` row. Plain SQL only (the store knows no capability): the search index's
confidential tokens are rebuilt by ``app.search`` from ``conf.search_conf.indexed = 0`` at the next search or put.
"""
from __future__ import annotations

from app.store.conf_text import CRISIS_TEXT, NETWORK_TEXT, SAFETY_TEXT, SCREENING_CATEGORY
from app.store.db import Database

# A counselor's draft of a form that can hold confidential text (or any draft holding casework's confidential
# field); a head teacher's drafts, and every ordinary-tier form's, stay in vault.db (migrations 090, conf 007).
_COUNSELOR_DRAFT = ("tier = 'confidential' AND (account NOT IN (SELECT username FROM main.accounts"
                    " WHERE role <> 'counselor')"
                    " OR (json_valid(content) AND coalesce(json_extract(content, '$.confidential'), '') <> ''))")

# Each move: (capability, a query that is non-empty while something is left in vault.db, the statements).
_CASEWORK = (
    "casework",
    "SELECT 1 FROM main.case_records WHERE confidential <> ''"
    " UNION ALL SELECT 1 FROM main.case_versions WHERE json_valid(snapshot)"
    "  AND json_type(snapshot, '$.confidential') IS NOT NULL"
    " UNION ALL SELECT 1 FROM main.drafts WHERE " + _COUNSELOR_DRAFT +
    " UNION ALL SELECT 1 FROM main.search_docs WHERE confidential <> ''"
    " UNION ALL SELECT 1 FROM main.search_fts_conf_docsize LIMIT 1",
    (
        "INSERT INTO conf.case_confidential (record_id, text) SELECT id, confidential FROM main.case_records"
        " WHERE confidential <> '' ON CONFLICT (record_id) DO UPDATE SET text = excluded.text",
        "UPDATE main.case_records SET confidential = '' WHERE confidential <> ''",
        # Every snapshot that holds the field (even ''): a version without a conf row inherits the next one's.
        "INSERT INTO conf.case_version_confidential (record_id, version, text)"
        " SELECT record_id, version, coalesce(json_extract(snapshot, '$.confidential'), '') FROM main.case_versions"
        " WHERE json_valid(snapshot) AND json_type(snapshot, '$.confidential') IS NOT NULL"
        " ON CONFLICT (record_id, version) DO UPDATE SET text = excluded.text",
        "UPDATE main.case_versions SET snapshot = json_remove(snapshot, '$.confidential')"
        " WHERE json_valid(snapshot) AND json_type(snapshot, '$.confidential') IS NOT NULL",
        "INSERT INTO conf.drafts (account, form_key, label, student_id, tier, content, saved_at)"
        " SELECT account, form_key, label, student_id, tier, content, saved_at FROM main.drafts WHERE "
        + _COUNSELOR_DRAFT +
        " ON CONFLICT (account, form_key) DO UPDATE SET label = excluded.label, student_id = excluded.student_id,"
        " content = excluded.content, saved_at = excluded.saved_at",
        "DELETE FROM main.drafts WHERE " + _COUNSELOR_DRAFT,
        "INSERT INTO conf.search_conf (source, ref_id, text, indexed)"
        " SELECT source, ref_id, confidential, 0 FROM main.search_docs WHERE confidential <> ''"
        " ON CONFLICT (source, ref_id) DO UPDATE SET text = excluded.text, indexed = 0",
        "UPDATE main.search_docs SET confidential = '' WHERE confidential <> ''",
        "INSERT INTO main.search_fts_conf (search_fts_conf) VALUES ('delete-all')",
    ),
)

# Crisis intervention: notes, closing notes, level-change reasons, confidential amendments (crisis_history keeps
# who changed which field when: its append-only trigger lets only this blanking through, migration 082). Their
# search text is the confidential half of search_docs, which _CASEWORK moves for every source.
_CRISIS = CRISIS_TEXT.move("crisis")

# The warning network: a report's free text and what was seen, the triage note. A report typed in by a session
# without the key keeps its text in vault.db until this runs.
_NETWORK = NETWORK_TEXT.move("network")

# Same-day safety: the reason an alert was raised (the rule that fired) and the counselor's review of it.
_SAFETY = SAFETY_TEXT.move("safety")


# The archive (005_archive.sql). First the school's earlier tag tiers are adopted once (counselors decide them from
# then on); then a tag of a confidential category leaves vault.db whole (a new negative id in conf, its note with
# it), an ordinary tag leaves its note and clearing reason, and a plan version leaves its text.
_CONF_CATEGORY = "tag IN (SELECT tag FROM conf.tag_tiers WHERE tier = 'confidential')"
_PLAN_TEXT = ("situation", "family", "difficulties", "study_plan", "growth_advice", "further_study", "change_reason")
_PLAN_UNMOVED = " OR ".join(f"{c} <> ''" for c in _PLAN_TEXT)
_ARCHIVE = (
    "archive",
    "SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM conf.tag_tiers_adopted)"
    " UNION ALL SELECT 1 FROM main.focus_tags WHERE note <> '' OR clear_reason <> '' OR " + _CONF_CATEGORY +
    " UNION ALL SELECT 1 FROM main.support_plans WHERE " + _PLAN_UNMOVED + " LIMIT 1",
    (
        "INSERT INTO conf.tag_tiers (tag, tier) SELECT j.key, j.value FROM main.settings s, json_each(s.value) j"
        " WHERE s.key = 'archive.tag_tiers' AND json_valid(s.value) AND j.value IN ('ordinary', 'confidential')"
        " AND NOT EXISTS (SELECT 1 FROM conf.tag_tiers_adopted) ON CONFLICT (tag) DO UPDATE SET tier = excluded.tier",
        "INSERT OR IGNORE INTO conf.tag_tiers_adopted (id, at) VALUES (1, strftime('%Y-%m-%dT%H:%M:%S', 'now'))",
        "INSERT INTO conf.confidential_tags (id, uuid, student_id, tag, note, set_at, set_by, cleared_at, cleared_by,"
        " clear_reason) SELECT (SELECT coalesce(min(id), 0) FROM conf.confidential_tags) - row_number() OVER"
        " (ORDER BY t.id), t.uuid, t.student_id, t.tag, coalesce(nullif(t.note, ''), n.note, ''), t.set_at, t.set_by,"
        " t.cleared_at, t.cleared_by, coalesce(nullif(t.clear_reason, ''), n.clear_reason, '')"
        " FROM main.focus_tags t LEFT JOIN conf.focus_tag_notes n ON n.tag_id = t.id WHERE t." + _CONF_CATEGORY +
        " ON CONFLICT (uuid) DO UPDATE SET tag = excluded.tag, note = excluded.note, cleared_at = excluded.cleared_at,"
        " cleared_by = excluded.cleared_by, clear_reason = excluded.clear_reason",
        "DELETE FROM conf.focus_tag_notes WHERE tag_id IN (SELECT id FROM main.focus_tags WHERE " + _CONF_CATEGORY + ")",
        "DELETE FROM main.focus_tags WHERE " + _CONF_CATEGORY,
        "INSERT INTO conf.focus_tag_notes (tag_id, note, clear_reason) SELECT id, note, clear_reason"
        " FROM main.focus_tags WHERE note <> '' OR clear_reason <> '' ON CONFLICT (tag_id) DO UPDATE SET"
        " note = coalesce(nullif(excluded.note, ''), note), clear_reason = coalesce(nullif(excluded.clear_reason, ''),"
        " clear_reason)",
        "UPDATE main.focus_tags SET note = '', clear_reason = '' WHERE note <> '' OR clear_reason <> ''",
        f"INSERT INTO conf.support_plan_text (plan_id, {', '.join(_PLAN_TEXT)}) SELECT id, {', '.join(_PLAN_TEXT)}"
        f" FROM main.support_plans WHERE {_PLAN_UNMOVED} ON CONFLICT (plan_id) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in _PLAN_TEXT),
        f"UPDATE main.support_plans SET {', '.join(f'{c} = {chr(39) * 2}' for c in _PLAN_TEXT)} WHERE {_PLAN_UNMOVED}",
    ),
)

# Screening (006_screening.sql): a result's scores, a held result's scores, an entry's basis, the reasons of level
# changes and of interviews. A result is unmoved while any score column in vault.db is not blank.
SCORE_COLUMNS = ("answers", "total", "band", "critical", "positive", "flags", "subscales", "platform_total")
RESULT_UNMOVED = ("(answers <> '[]' OR total <> 0 OR band IS NOT NULL OR critical <> 0 OR positive <> 0"
                  " OR flags <> '[]' OR subscales <> '{}' OR platform_total IS NOT NULL)")
RESULT_BLANK = ("answers = '[]', total = 0, band = NULL, critical = 0, positive = 0, flags = '[]', subscales = '{}',"
                " platform_total = NULL")
_HELD_COLUMNS = ("answers", "total", "platform_total", "critical")
_HELD_UNMOVED = "(answers <> '[]' OR total IS NOT NULL OR platform_total IS NOT NULL OR critical <> 0)"


def _text_move(table: str, column: str, conf_table: str, key: str) -> tuple[str, str]:
    return (f"INSERT INTO conf.{conf_table} ({key}, {column}) SELECT id, {column} FROM main.{table}"
            f" WHERE {column} <> '' ON CONFLICT ({key}) DO UPDATE SET {column} = excluded.{column}",
            f"UPDATE main.{table} SET {column} = '' WHERE {column} <> ''")


_SCREENING = (
    "screening",
    f"SELECT 1 FROM main.screening_results WHERE {RESULT_UNMOVED}"
    f" UNION ALL SELECT 1 FROM main.screening_held WHERE {_HELD_UNMOVED}"
    " UNION ALL SELECT 1 FROM main.screening_levels WHERE basis <> ''"
    " UNION ALL SELECT 1 FROM main.screening_level_changes WHERE reason <> ''"
    " UNION ALL SELECT 1 FROM main.screening_interviews WHERE reason <> '' LIMIT 1",
    (
        f"INSERT INTO conf.screening_scores (result_id, {', '.join(SCORE_COLUMNS)}) SELECT id,"
        f" {', '.join(SCORE_COLUMNS)} FROM main.screening_results WHERE {RESULT_UNMOVED}"
        " ON CONFLICT (result_id) DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in SCORE_COLUMNS),
        f"UPDATE main.screening_results SET {RESULT_BLANK} WHERE {RESULT_UNMOVED}",
        f"INSERT INTO conf.screening_held_scores (held_id, {', '.join(_HELD_COLUMNS)}) SELECT id,"
        f" {', '.join(_HELD_COLUMNS)} FROM main.screening_held WHERE {_HELD_UNMOVED}"
        " ON CONFLICT (held_id) DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in _HELD_COLUMNS),
        f"UPDATE main.screening_held SET answers = '[]', total = NULL, platform_total = NULL, critical = 0"
        f" WHERE {_HELD_UNMOVED}",
        *_text_move("screening_levels", "basis", "screening_basis", "entry_id"),
        *_text_move("screening_level_changes", "reason", "screening_change_reasons", "change_id"),
        *_text_move("screening_interviews", "reason", "screening_interview_reasons", "interview_id"),
    ),
)

# A screening ledger entry's category (自伤风险 ...), unless the counselor shared it with the head teacher.
_SCREENING_CATEGORY = SCREENING_CATEGORY.move("screening_category")

MOVES = (_CASEWORK, _CRISIS, _NETWORK, _ARCHIVE, _SCREENING, _SAFETY, _SCREENING_CATEGORY)


def move_to_conf(db: Database) -> list[str]:
    """Move what is left of the confidential tier in vault.db into ``conf`` (attached); the capabilities moved."""
    moved = []
    for name, pending, statements in MOVES:
        if db.one(pending) is None:
            continue
        with db.transaction():
            for sql in statements:
                db.execute(sql)
        moved.append(name)
    if moved:
        scrub(db)
    return moved


def scrub(db: Database) -> None:
    """VACUUM vault.db (no free page keeps blanked text) and empty its WAL into the file."""
    db.execute("PRAGMA main.wal_checkpoint(TRUNCATE)")
    db.execute("VACUUM main")
    db.execute("PRAGMA main.wal_checkpoint(TRUNCATE)")
