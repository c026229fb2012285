-- Casework's confidential tier (issue 8 (b)): the text that used to sit in vault.db's case_records.confidential,
-- the confidential field of case_versions snapshots, the counselors' form drafts and the confidential half of the
-- search index. Keyed by the ordinary row's id (records) or (source, ref_id) (search), so an ordinary-key session
-- that deletes or re-indexes in vault.db never leaves a row here pointing at someone else's record.
-- The one-time move from vault.db runs at a counselor's sign-in (app/store/tier_move.py).

CREATE TABLE case_confidential (
    record_id INTEGER PRIMARY KEY,     -- vault.db case_records.id
    text      TEXT NOT NULL DEFAULT ''
);

-- The confidential text of an earlier version (case_versions (record_id, version)). A version written by a
-- session without the confidential key has no row here: its text is the next version's (only counselors change it).
CREATE TABLE case_version_confidential (
    record_id INTEGER NOT NULL,
    version   INTEGER NOT NULL,
    text      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (record_id, version)
);

-- A counselor's unsaved form text (the record form holds confidential notes).
CREATE TABLE case_drafts (
    account  TEXT NOT NULL,
    form_key TEXT NOT NULL,
    content  TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    PRIMARY KEY (account, form_key)
);

-- The confidential half of the search index: the text (for snippets) and its tokens (contentless FTS5, rowid = id).
CREATE TABLE search_conf (
    id      INTEGER PRIMARY KEY,
    source  TEXT NOT NULL,
    ref_id  INTEGER NOT NULL,
    text    TEXT NOT NULL DEFAULT '',
    indexed INTEGER NOT NULL DEFAULT 1,   -- 0: moved from vault.db, its tokens not yet in search_fts_conf
    UNIQUE (source, ref_id)
);
CREATE INDEX search_conf_unindexed ON search_conf(id) WHERE indexed = 0;
CREATE VIRTUAL TABLE search_fts_conf USING fts5(body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0', detail='full');
