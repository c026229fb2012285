-- Screening: school-added scale definitions, campaigns, targets with consent, results, the intervention ledger.
CREATE TABLE screening_scales (
    id         TEXT PRIMARY KEY,
    definition TEXT NOT NULL,
    added_at   TEXT NOT NULL,
    added_by   TEXT NOT NULL
);

CREATE TABLE screening_campaigns (
    id               INTEGER PRIMARY KEY,
    uuid             TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL UNIQUE,
    semester_id      INTEGER REFERENCES semesters(id) ON DELETE SET NULL,
    scales           TEXT NOT NULL DEFAULT '{}',   -- JSON {"7": "phq9", ...}: the scale per grade
    window_start     TEXT NOT NULL,
    window_end       TEXT NOT NULL,
    consent_required INTEGER NOT NULL DEFAULT 0,
    closed           INTEGER NOT NULL DEFAULT 0,
    created_at       TEXT NOT NULL,
    created_by       TEXT NOT NULL
);

CREATE TABLE screening_targets (
    campaign_id INTEGER NOT NULL REFERENCES screening_campaigns(id) ON DELETE CASCADE,
    student_id  INTEGER NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    consent     TEXT NOT NULL DEFAULT 'pending' CHECK (consent IN ('given', 'refused', 'pending')),
    absent      INTEGER NOT NULL DEFAULT 0,
    note        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (campaign_id, student_id)
) WITHOUT ROWID;
CREATE INDEX screening_targets_student ON screening_targets(student_id);

CREATE TABLE screening_results (
    id             INTEGER PRIMARY KEY,
    uuid           TEXT NOT NULL UNIQUE,
    campaign_id    INTEGER NOT NULL REFERENCES screening_campaigns(id) ON DELETE CASCADE,
    student_id     INTEGER NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    scale_id       TEXT NOT NULL,
    taken_on       TEXT NOT NULL,
    answers        TEXT NOT NULL DEFAULT '[]',     -- JSON list of raw option values, null = missing; [] = totals only
    total          REAL NOT NULL,
    band           TEXT,
    critical       INTEGER NOT NULL DEFAULT 0,
    positive       INTEGER NOT NULL DEFAULT 0,
    flags          TEXT NOT NULL DEFAULT '[]',
    subscales      TEXT NOT NULL DEFAULT '{}',
    platform_total REAL,
    source         TEXT NOT NULL CHECK (source IN ('entry', 'import', 'demo')),
    import_id      INTEGER REFERENCES imports(id) ON DELETE SET NULL,
    entered_at     TEXT NOT NULL,
    entered_by     TEXT NOT NULL,
    UNIQUE (campaign_id, student_id, scale_id)
);
CREATE INDEX screening_results_student ON screening_results(student_id);

-- The intervention ledger (分级分类干预台账): one entry per student per campaign that reached a level.
CREATE TABLE screening_levels (
    id                INTEGER PRIMARY KEY,
    uuid              TEXT NOT NULL UNIQUE,
    campaign_id       INTEGER NOT NULL REFERENCES screening_campaigns(id) ON DELETE CASCADE,
    student_id        INTEGER NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    provisional_level INTEGER NOT NULL CHECK (provisional_level BETWEEN 1 AND 3),
    level             INTEGER CHECK (level BETWEEN 1 AND 3),  -- current level; NULL once released
    status            TEXT NOT NULL CHECK (status IN ('pending_review', 'confirmed', 'released')),
    category          TEXT NOT NULL DEFAULT '',
    basis             TEXT NOT NULL DEFAULT '',   -- why the rules gave this level (ordinary text)
    due_date          TEXT NOT NULL DEFAULT '',   -- follow-up interview due
    rescreen_due      TEXT NOT NULL DEFAULT '',
    measure           TEXT NOT NULL DEFAULT '',   -- next step: 关注/咨询/家校沟通/转介/解除
    responsible       TEXT NOT NULL DEFAULT '',
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    UNIQUE (campaign_id, student_id)
);
CREATE INDEX screening_levels_student ON screening_levels(student_id);
CREATE INDEX screening_levels_status ON screening_levels(status, level);

CREATE TABLE screening_level_changes (
    id         INTEGER PRIMARY KEY,
    entry_id   INTEGER NOT NULL REFERENCES screening_levels(id) ON DELETE CASCADE,
    at         TEXT NOT NULL,
    from_level INTEGER,
    to_level   INTEGER,
    status     TEXT NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',   -- ordinary text (rule or step), never interview content
    account    TEXT NOT NULL
);
CREATE INDEX screening_level_changes_entry ON screening_level_changes(entry_id);

-- 复核访谈: the reason is confidential (counselors only); level and next step are ordinary.
CREATE TABLE screening_interviews (
    id              INTEGER PRIMARY KEY,
    uuid            TEXT NOT NULL UNIQUE,
    entry_id        INTEGER NOT NULL REFERENCES screening_levels(id) ON DELETE CASCADE,
    student_id      INTEGER NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    held_on         TEXT NOT NULL,
    confirmed_level INTEGER NOT NULL CHECK (confirmed_level BETWEEN 0 AND 3),
    reason          TEXT NOT NULL DEFAULT '',
    next_step       TEXT NOT NULL CHECK (next_step IN ('关注', '咨询', '家校沟通', '转介', '解除')),
    interviewer     TEXT NOT NULL,
    created_at      TEXT NOT NULL
);
CREATE INDEX screening_interviews_student ON screening_interviews(student_id);
