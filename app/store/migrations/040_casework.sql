-- Casework: individual and group sessions, talks (一生一谈), parent meetings and calls, home visits.
-- One row per record; who took part is in case_attendance (one row for an individual record, many for a group),
-- so a group session is one record shown on every attendee's timeline.
CREATE TABLE case_records (
    id                 INTEGER PRIMARY KEY,
    uuid               TEXT NOT NULL UNIQUE,
    kind               TEXT NOT NULL CHECK (kind IN ('individual', 'group', 'talk', 'parent_meeting',
                                                     'parent_phone', 'home_visit')),
    occurred_at        TEXT NOT NULL,             -- event date and time (ISO), may be in the past
    entered_at         TEXT NOT NULL,             -- when it was written down
    duration_min       INTEGER,
    place              TEXT NOT NULL DEFAULT '',
    participants       TEXT NOT NULL DEFAULT '',  -- others present (parents, head teacher, ...)
    title              TEXT NOT NULL DEFAULT '',  -- group theme
    concern_categories TEXT NOT NULL DEFAULT '[]',
    concern_text       TEXT NOT NULL DEFAULT '',
    summary            TEXT NOT NULL DEFAULT '',  -- ordinary tier
    confidential       TEXT NOT NULL DEFAULT '',  -- confidential tier: counselors only
    risk               TEXT NOT NULL DEFAULT 'none' CHECK (risk IN ('none', 'low', 'medium', 'high')),
    next_step          TEXT NOT NULL DEFAULT '',
    follow_up_date     TEXT,
    follow_up_done     INTEGER NOT NULL DEFAULT 0,
    version            INTEGER NOT NULL DEFAULT 1,
    created_by         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    updated_by         TEXT NOT NULL,
    import_id          INTEGER REFERENCES imports(id) ON DELETE SET NULL,
    deleted_at         TEXT,
    deleted_by         TEXT,
    delete_reason      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX case_records_occurred ON case_records(occurred_at) WHERE deleted_at IS NULL;
CREATE INDEX case_records_follow_up ON case_records(follow_up_date) WHERE deleted_at IS NULL AND follow_up_done = 0;

CREATE TABLE case_attendance (
    record_id  INTEGER NOT NULL REFERENCES case_records(id) ON DELETE CASCADE,
    student_id INTEGER NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    PRIMARY KEY (record_id, student_id)
) WITHOUT ROWID;
CREATE INDEX case_attendance_student ON case_attendance(student_id, record_id);

-- Earlier versions: the whole record as it was before an edit, with who, when and why it changed.
CREATE TABLE case_versions (
    id         INTEGER PRIMARY KEY,
    record_id  INTEGER NOT NULL REFERENCES case_records(id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    snapshot   TEXT NOT NULL,   -- JSON of the record and its attendance as it was
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    reason     TEXT NOT NULL DEFAULT '',
    UNIQUE (record_id, version)
);

-- Unsaved form text, per account and form: written every few seconds and on lock.
CREATE TABLE case_drafts (
    account  TEXT NOT NULL,
    form_key TEXT NOT NULL,
    content  TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    PRIMARY KEY (account, form_key)
);
