-- The drafts of forms that can hold confidential-tier text, written by a session holding the confidential key
-- (the same columns as vault.db's drafts, migration 090). casework's conf.case_drafts (002) move here.
CREATE TABLE drafts (
    account    TEXT NOT NULL,
    form_key   TEXT NOT NULL,
    label      TEXT NOT NULL DEFAULT '',
    student_id INTEGER,
    tier       TEXT NOT NULL DEFAULT 'confidential' CHECK (tier IN ('ordinary', 'confidential')),
    content    TEXT NOT NULL,
    saved_at   TEXT NOT NULL,
    PRIMARY KEY (account, form_key)
);

INSERT INTO drafts (account, form_key, label, student_id, tier, content, saved_at)
SELECT account, form_key, '个案记录',
       CASE WHEN json_valid(content) THEN json_extract(content, '$.student_ids[0]') END,
       'confidential', content, saved_at
FROM case_drafts;

DROP TABLE case_drafts;
