-- The archive's confidential tier (issue 8 (b)): 一生一策 plans (every field and the change reason of each
-- version), the notes and clearing reasons of focus tags, and focus tags of a confidential category as whole rows
-- (a head teacher's key must not even find that such a tag exists). vault.db keeps a plan's row (student, version,
-- review date, who and when) with its text blank, and an ordinary tag's row with its note blank.
-- The one-time move from vault.db runs at a counselor's sign-in (app/store/tier_move.py).

-- The text of one plan version (vault.db support_plans.id).
CREATE TABLE support_plan_text (
    plan_id       INTEGER PRIMARY KEY,
    situation     TEXT NOT NULL DEFAULT '',
    family        TEXT NOT NULL DEFAULT '',
    difficulties  TEXT NOT NULL DEFAULT '',
    study_plan    TEXT NOT NULL DEFAULT '',
    growth_advice TEXT NOT NULL DEFAULT '',
    further_study TEXT NOT NULL DEFAULT '',
    change_reason TEXT NOT NULL DEFAULT ''
);

-- The note and clearing reason of an ordinary-tier tag (vault.db focus_tags.id).
CREATE TABLE focus_tag_notes (
    tag_id       INTEGER PRIMARY KEY,
    note         TEXT NOT NULL DEFAULT '',
    clear_reason TEXT NOT NULL DEFAULT ''
);

-- A tag of a confidential category, whole. Its id is negative, so it is never the id of a vault.db tag.
CREATE TABLE confidential_tags (
    id           INTEGER PRIMARY KEY CHECK (id < 0),
    uuid         TEXT NOT NULL UNIQUE,
    student_id   INTEGER NOT NULL,        -- vault.db students.id
    tag          TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    set_at       TEXT NOT NULL,
    set_by       TEXT NOT NULL,
    cleared_at   TEXT,
    cleared_by   TEXT,
    clear_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX confidential_tags_student ON confidential_tags(student_id);

-- Which categories are confidential, as counselors set them: the copy that decides where a tag is written
-- (vault.db's settings row archive.tag_tiers is only what sessions without this key filter by, and anyone with the
-- ordinary key could edit it). Seeded with the default health categories (app/archive/tags.py DEFAULT_CONFIDENTIAL);
-- the school's earlier choices in vault.db are adopted once, at the first counselor sign-in (tag_tiers_adopted).
CREATE TABLE tag_tiers (
    tag  TEXT PRIMARY KEY,
    tier TEXT NOT NULL CHECK (tier IN ('ordinary', 'confidential'))
);
INSERT INTO tag_tiers (tag, tier) VALUES ('既往心理问题', 'confidential'), ('确诊心理障碍', 'confidential'),
    ('遭受家庭暴力或性侵害', 'confidential'), ('早期心理创伤', 'confidential');
CREATE TABLE tag_tiers_adopted (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    at TEXT NOT NULL
);
