-- Unsaved form input of every form (issue 10), per account and form key ("record:new", "crisis:step:12",
-- "settings:school", ...): the whole state of the form as JSON, written about a second after typing stops and when
-- the app locks or closes, deleted on save or a confirmed discard. A form that can hold confidential-tier text
-- keeps its counselor's draft in confidential.db (conf.drafts, conf migration 007); this table holds the rest:
-- ordinary-tier forms, and the drafts of accounts without the confidential key (their forms hide that text).
CREATE TABLE drafts (
    account    TEXT NOT NULL,
    form_key   TEXT NOT NULL,
    label      TEXT NOT NULL DEFAULT '',      -- the form, Chinese ("个案记录"), for the 工作台's 未完成的记录
    student_id INTEGER,                       -- the student it is about, if any (no foreign key: a draft is not a record)
    tier       TEXT NOT NULL DEFAULT 'ordinary' CHECK (tier IN ('ordinary', 'confidential')),
    content    TEXT NOT NULL,
    saved_at   TEXT NOT NULL,
    PRIMARY KEY (account, form_key)
);

-- casework's drafts (040) become drafts of the record form; the tier move (app/store/tier_move.py) takes a
-- counselor's into conf.drafts at their next sign-in.
INSERT INTO drafts (account, form_key, label, student_id, tier, content, saved_at)
SELECT account, form_key, '个案记录',
       CASE WHEN json_valid(content) THEN json_extract(content, '$.student_ids[0]') END,
       'confidential', content, saved_at
FROM case_drafts;

DROP TABLE case_drafts;
