-- Foundation: the school, accounts, classes, staff, students, guardians, tags, plans, audit log.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE school (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    uuid       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    code       TEXT NOT NULL DEFAULT '',
    stages     TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL
);

CREATE TABLE school_years (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    start_date TEXT NOT NULL,
    end_date   TEXT NOT NULL
);

CREATE TABLE semesters (
    id         INTEGER PRIMARY KEY,
    year_id    INTEGER NOT NULL REFERENCES school_years(id) ON DELETE CASCADE,
    term       TEXT NOT NULL CHECK (term IN ('autumn', 'spring')),
    name       TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date   TEXT NOT NULL,
    UNIQUE (year_id, term)
);

CREATE TABLE staff (
    id         INTEGER PRIMARY KEY,
    uuid       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('head_teacher', 'psych_fulltime', 'psych_parttime', 'leader', 'teacher')),
    phone      TEXT NOT NULL DEFAULT '',
    active     INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);

CREATE TABLE classes (
    id              INTEGER PRIMARY KEY,
    uuid            TEXT NOT NULL UNIQUE,
    grade           INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 12),
    number          INTEGER NOT NULL CHECK (number >= 1),
    name            TEXT NOT NULL,
    head_teacher_id INTEGER REFERENCES staff(id) ON DELETE SET NULL,
    boarding        INTEGER NOT NULL DEFAULT 0,
    UNIQUE (grade, number)
);

CREATE TABLE accounts (
    id           INTEGER PRIMARY KEY,
    uuid         TEXT NOT NULL UNIQUE,
    username     TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL DEFAULT '',
    role         TEXT NOT NULL CHECK (role IN ('admin', 'counselor', 'head_teacher')),
    class_id     INTEGER REFERENCES classes(id) ON DELETE SET NULL,
    manager      INTEGER NOT NULL DEFAULT 0,
    disabled     INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);

CREATE TABLE students (
    id              INTEGER PRIMARY KEY,
    uuid            TEXT NOT NULL UNIQUE,
    registry_no     TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    gender          TEXT NOT NULL DEFAULT '' CHECK (gender IN ('', '男', '女')),
    birth_date      TEXT NOT NULL DEFAULT '',
    id_number       TEXT NOT NULL DEFAULT '',
    class_id        INTEGER REFERENCES classes(id) ON DELETE SET NULL,
    ethnicity       TEXT NOT NULL DEFAULT '',
    boarding        INTEGER NOT NULL DEFAULT 0,
    left_behind     INTEGER NOT NULL DEFAULT 0,
    address         TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT '在读' CHECK (status IN ('在读', '转出', '毕业', '休学')),
    pinyin_full     TEXT NOT NULL DEFAULT '',
    pinyin_initials TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX students_class ON students(class_id);

CREATE TABLE guardians (
    id         INTEGER PRIMARY KEY,
    student_id INTEGER NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    name       TEXT NOT NULL DEFAULT '',
    relation   TEXT NOT NULL DEFAULT '',
    phone      TEXT NOT NULL DEFAULT '',
    sort       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX guardians_student ON guardians(student_id);

-- Roster changes of a student (imported, updated, class changed, left): shown on the timeline.
CREATE TABLE student_events (
    id         INTEGER PRIMARY KEY,
    student_id INTEGER NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    at         TEXT NOT NULL,
    kind       TEXT NOT NULL,
    summary    TEXT NOT NULL,
    account    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX student_events_student ON student_events(student_id, at);

CREATE TABLE focus_tags (
    id           INTEGER PRIMARY KEY,
    uuid         TEXT NOT NULL UNIQUE,
    student_id   INTEGER NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    tag          TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    set_at       TEXT NOT NULL,
    set_by       TEXT NOT NULL,
    cleared_at   TEXT,
    cleared_by   TEXT,
    clear_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX focus_tags_student ON focus_tags(student_id);
CREATE INDEX focus_tags_tag ON focus_tags(tag) WHERE cleared_at IS NULL;

-- 一生一策: every save is a new version; the latest version is the plan in force.
CREATE TABLE support_plans (
    id             INTEGER PRIMARY KEY,
    uuid           TEXT NOT NULL UNIQUE,
    student_id     INTEGER NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    version        INTEGER NOT NULL,
    situation      TEXT NOT NULL DEFAULT '',
    family         TEXT NOT NULL DEFAULT '',
    difficulties   TEXT NOT NULL DEFAULT '',
    study_plan     TEXT NOT NULL DEFAULT '',
    growth_advice  TEXT NOT NULL DEFAULT '',
    further_study  TEXT NOT NULL DEFAULT '',
    review_date    TEXT NOT NULL DEFAULT '',
    change_reason  TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL,
    UNIQUE (student_id, version)
);

CREATE TABLE import_profiles (
    id      INTEGER PRIMARY KEY,
    kind    TEXT NOT NULL,
    name    TEXT NOT NULL,
    mapping TEXT NOT NULL,
    UNIQUE (kind, name)
);

CREATE TABLE imports (
    id        INTEGER PRIMARY KEY,
    kind      TEXT NOT NULL,
    file_name TEXT NOT NULL,
    file_hash TEXT NOT NULL,
    at        TEXT NOT NULL,
    account   TEXT NOT NULL,
    counts    TEXT NOT NULL
);

-- Append-only, hash-chained audit log.
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    account   TEXT NOT NULL,
    action    TEXT NOT NULL,
    target    TEXT NOT NULL DEFAULT '',
    detail    TEXT NOT NULL DEFAULT '',
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
