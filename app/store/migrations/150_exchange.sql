-- The county exchange (issue 15). School side: the packages it exported (a re-export of a period supersedes the
-- earlier one) and which package carried each record; archive transfers in and out. Centre side: the register of
-- schools, the packages imported (their verified payload) and every import attempt with its reason.
CREATE TABLE exchange_exports (
    id            INTEGER PRIMARY KEY,
    package_id    TEXT NOT NULL UNIQUE,
    sequence      INTEGER NOT NULL UNIQUE,
    period_code   TEXT NOT NULL,
    period_label  TEXT NOT NULL,
    file_path     TEXT NOT NULL,
    file_sha256   TEXT NOT NULL,
    counts        TEXT NOT NULL DEFAULT '{}',
    named         TEXT NOT NULL DEFAULT '[]',
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    superseded_by INTEGER REFERENCES exchange_exports(id)
);
CREATE INDEX exchange_exports_period ON exchange_exports(period_code);

CREATE TABLE exchange_export_items (
    export_id  INTEGER NOT NULL REFERENCES exchange_exports(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,            -- figure | level1 | crisis_case
    ref        TEXT NOT NULL,            -- the figure key, the student's or the case's id
    PRIMARY KEY (export_id, kind, ref)
);
CREATE INDEX exchange_export_items_ref ON exchange_export_items(kind, ref);

CREATE TABLE exchange_schools (
    id           INTEGER PRIMARY KEY,
    reg_key      TEXT NOT NULL UNIQUE,   -- the school's code, or its name when it has none
    name         TEXT NOT NULL,
    code         TEXT NOT NULL DEFAULT '',
    school_uuid  TEXT NOT NULL DEFAULT '',
    public_key   TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    confirmed_at TEXT NOT NULL,
    confirmed_by TEXT NOT NULL,
    key_history  TEXT NOT NULL DEFAULT '[]'
);

CREATE TABLE exchange_packages (
    id           INTEGER PRIMARY KEY,
    package_id   TEXT NOT NULL UNIQUE,
    school_id    INTEGER NOT NULL REFERENCES exchange_schools(id),
    sequence     INTEGER NOT NULL,
    period_code  TEXT NOT NULL,
    period_label TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    imported_at  TEXT NOT NULL,
    imported_by  TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    file_sha256  TEXT NOT NULL,
    payload      TEXT NOT NULL,
    current      INTEGER NOT NULL DEFAULT 1,
    UNIQUE (school_id, sequence)
);
CREATE INDEX exchange_packages_period ON exchange_packages(period_code, current);

CREATE TABLE exchange_transfers (
    id           INTEGER PRIMARY KEY,
    direction    TEXT NOT NULL CHECK (direction IN ('out', 'in')),
    student_id   INTEGER REFERENCES students(id) ON DELETE SET NULL,
    registry_no  TEXT NOT NULL,
    package_id   TEXT NOT NULL,
    other_school TEXT NOT NULL DEFAULT '',
    confidential INTEGER NOT NULL DEFAULT 0,
    reason       TEXT NOT NULL DEFAULT '',
    file_path    TEXT NOT NULL DEFAULT '',
    events       INTEGER NOT NULL DEFAULT 0,
    at           TEXT NOT NULL,
    by_user      TEXT NOT NULL
);

-- What an archive transfer brought (ordinary tier; the confidential entries are in confidential.db).
CREATE TABLE exchange_transfer_events (
    id          INTEGER PRIMARY KEY,
    transfer_id INTEGER NOT NULL REFERENCES exchange_transfers(id) ON DELETE CASCADE,
    student_id  INTEGER NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    at          TEXT NOT NULL,
    kind_label  TEXT NOT NULL,
    title       TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX exchange_transfer_events_student ON exchange_transfer_events(student_id);
