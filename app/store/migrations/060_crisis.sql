-- Crisis intervention (心理危机干预): cases, their steps, documents, meetings, weekly follow-ups, level changes,
-- amendments, the referral directory and incident records. Text columns named *note* are confidential-tier.

CREATE TABLE crisis_institutions (
    id            INTEGER PRIMARY KEY,
    uuid          TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    department    TEXT NOT NULL DEFAULT '',
    phone         TEXT NOT NULL DEFAULT '',
    green_channel INTEGER NOT NULL DEFAULT 0,
    address       TEXT NOT NULL DEFAULT '',
    active        INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL
);

CREATE TABLE crisis_incidents (
    id          INTEGER PRIMARY KEY,
    uuid        TEXT NOT NULL UNIQUE,
    occurred_at TEXT NOT NULL,
    place       TEXT NOT NULL DEFAULT '',
    student_id  INTEGER REFERENCES students(id) ON DELETE SET NULL,
    what        TEXT NOT NULL,
    follow_up   TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);
CREATE INDEX crisis_incidents_student ON crisis_incidents(student_id);

-- Who was told and when: parents, school leaders, education bureau, police, others.
CREATE TABLE crisis_incident_notices (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES crisis_incidents(id) ON DELETE CASCADE,
    party       TEXT NOT NULL CHECK (party IN ('parents', 'leaders', 'bureau', 'police', 'other')),
    told_at     TEXT NOT NULL,
    told_by     TEXT NOT NULL DEFAULT '',
    contact     TEXT NOT NULL DEFAULT '',
    how         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX crisis_incident_notices_incident ON crisis_incident_notices(incident_id);

CREATE TABLE crisis_cases (
    id           INTEGER PRIMARY KEY,
    uuid         TEXT NOT NULL UNIQUE,
    student_id   INTEGER NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    level        TEXT NOT NULL CHECK (level IN ('general', 'severe', 'major')),
    source       TEXT NOT NULL CHECK (source IN ('screening', 'committee', 'teacher', 'parent', 'student', 'incident')),
    owner        TEXT NOT NULL,
    opened_at    TEXT NOT NULL,
    summary      TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    incident_id  INTEGER REFERENCES crisis_incidents(id) ON DELETE SET NULL,
    follow_weeks INTEGER NOT NULL DEFAULT 4,
    status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    closed_at    TEXT,
    closed_by    TEXT,
    closing_note TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL
);
CREATE INDEX crisis_cases_student ON crisis_cases(student_id);
CREATE INDEX crisis_cases_open ON crisis_cases(status);

CREATE TABLE crisis_steps (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES crisis_cases(id) ON DELETE CASCADE,
    step_key    TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    required    INTEGER NOT NULL DEFAULT 1,
    due_at      TEXT,
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'skipped')),
    done_at     TEXT,
    done_by     TEXT NOT NULL DEFAULT '',
    summary     TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    data        TEXT NOT NULL DEFAULT '{}',
    skip_reason TEXT NOT NULL DEFAULT '',
    recorded_at TEXT,
    recorded_by TEXT NOT NULL DEFAULT '',
    UNIQUE (case_id, step_key)
);
CREATE INDEX crisis_steps_open ON crisis_steps(status, due_at);

CREATE TABLE crisis_documents (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES crisis_cases(id) ON DELETE CASCADE,
    doc_key     TEXT NOT NULL,
    received_on TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    UNIQUE (case_id, doc_key)
);

CREATE TABLE crisis_meetings (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES crisis_cases(id) ON DELETE CASCADE,
    held_at      TEXT NOT NULL,
    participants TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT '',
    recorded_at  TEXT NOT NULL,
    recorded_by  TEXT NOT NULL
);

CREATE TABLE crisis_follow_ups (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES crisis_cases(id) ON DELETE CASCADE,
    week        INTEGER NOT NULL CHECK (week >= 1),
    done_on     TEXT NOT NULL,
    done_by     TEXT NOT NULL DEFAULT '',
    summary     TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    UNIQUE (case_id, week)
);

CREATE TABLE crisis_level_changes (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES crisis_cases(id) ON DELETE CASCADE,
    from_level TEXT NOT NULL,
    to_level   TEXT NOT NULL,
    reason     TEXT NOT NULL,
    at         TEXT NOT NULL,
    by         TEXT NOT NULL
);

-- Amendments: the earlier value of any edited field, with who, when and why. Never updated or deleted.
CREATE TABLE crisis_history (
    id        INTEGER PRIMARY KEY,
    case_id   INTEGER REFERENCES crisis_cases(id) ON DELETE CASCADE,
    entity    TEXT NOT NULL,
    entity_id INTEGER NOT NULL,
    field     TEXT NOT NULL,
    old_value TEXT NOT NULL,
    new_value TEXT NOT NULL,
    tier      TEXT NOT NULL DEFAULT 'ordinary' CHECK (tier IN ('ordinary', 'confidential')),
    reason    TEXT NOT NULL,
    at        TEXT NOT NULL,
    by        TEXT NOT NULL
);
CREATE INDEX crisis_history_case ON crisis_history(case_id);
CREATE TRIGGER crisis_history_no_update BEFORE UPDATE ON crisis_history
BEGIN
    SELECT RAISE(ABORT, 'crisis_history is append-only');
END;
CREATE TRIGGER crisis_level_changes_no_update BEFORE UPDATE ON crisis_level_changes
BEGIN
    SELECT RAISE(ABORT, 'crisis_level_changes is append-only');
END;
