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

from app.store.conf_text import CRISIS_TEXT, NETWORK_TEXT
from app.store.db import Database

# A counselor's draft (or any draft holding confidential text); a head teacher's drafts stay in vault.db.
_COUNSELOR_DRAFT = ("(account NOT IN (SELECT username FROM main.accounts WHERE role <> 'counselor')"
                    " OR (json_valid(content) AND coalesce(json_extract(content, '$.confidential'), '') <> ''))")

# Each move: (capability, a query that is non-empty while something is left in vault.db, the statements).
_CASEWORK = (
    "casework",
    "SELECT 1 FROM main.case_records WHERE confidential <> ''"
    " UNION ALL SELECT 1 FROM main.case_versions WHERE json_valid(snapshot)"
    "  AND json_type(snapshot, '$.confidential') IS NOT NULL"
    " UNION ALL SELECT 1 FROM main.case_drafts WHERE " + _COUNSELOR_DRAFT +
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
        "INSERT INTO conf.case_drafts (account, form_key, content, saved_at)"
        " SELECT account, form_key, content, saved_at FROM main.case_drafts WHERE " + _COUNSELOR_DRAFT +
        " ON CONFLICT (account, form_key) DO UPDATE SET content = excluded.content, saved_at = excluded.saved_at",
        "DELETE FROM main.case_drafts WHERE " + _COUNSELOR_DRAFT,
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

MOVES = (_CASEWORK, _CRISIS, _NETWORK)


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
