-- Full-text search over every capability's note text (app/search). One row per indexed document; the text
-- is split by tier: ordinary text in search_fts, confidential text in search_fts_conf (queried for counselors
-- only). Both FTS tables are contentless and hold the text as space-separated tokens: CJK runs as overlapping
-- character bigrams (plus the run's last character), other runs as whole words; see app/search/tokens.py.
CREATE TABLE search_docs (
    id           INTEGER PRIMARY KEY,
    source       TEXT NOT NULL,      -- e.g. 'casework', 'crisis'
    ref_id       INTEGER NOT NULL,   -- the record's id in the source's own table
    kind         TEXT NOT NULL DEFAULT '',
    kind_label   TEXT NOT NULL DEFAULT '',
    at           TEXT NOT NULL DEFAULT '',
    title        TEXT NOT NULL DEFAULT '',
    ordinary     TEXT NOT NULL DEFAULT '',
    confidential TEXT NOT NULL DEFAULT '',
    UNIQUE (source, ref_id)
);
-- Narrow covering index: the newest-first sort of the matched ids reads this index, not the wide text rows.
CREATE INDEX search_docs_id_at ON search_docs(id, at);

CREATE TABLE search_doc_students (
    doc_id     INTEGER NOT NULL REFERENCES search_docs(id) ON DELETE CASCADE,
    student_id INTEGER NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    PRIMARY KEY (doc_id, student_id)
) WITHOUT ROWID;
CREATE INDEX search_doc_students_student ON search_doc_students(student_id);

CREATE VIRTUAL TABLE search_fts USING fts5(body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0', detail='full');
CREATE VIRTUAL TABLE search_fts_conf USING fts5(body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0', detail='full');
