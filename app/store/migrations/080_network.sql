-- The warning network (预警网络): class psychological committee members, dormitory rooms and their informants,
-- the leadership group, year-group reviews, peer support pairs, reports and the triage of every named student.

-- 心理委员: a student appointed in their class, with dates and the training attended.
CREATE TABLE network_reps (
    id         INTEGER PRIMARY KEY,
    uuid       TEXT NOT NULL UNIQUE,
    student_id INTEGER NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    class_id   INTEGER NOT NULL REFERENCES classes(id) ON DELETE CASCADE,
    start_date TEXT NOT NULL,
    end_date   TEXT NOT NULL DEFAULT '',
    training   TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX network_reps_class ON network_reps(class_id);

-- A boarding student's building and room (set in the archive or taken from a roster column).
CREATE TABLE network_dorms (
    student_id INTEGER PRIMARY KEY REFERENCES students(id) ON DELETE CASCADE,
    building   TEXT NOT NULL,
    room       TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX network_dorms_room ON network_dorms(building, room);

-- 宿舍心理信息员: one serving informant per room.
CREATE TABLE network_informants (
    id         INTEGER PRIMARY KEY,
    uuid       TEXT NOT NULL UNIQUE,
    building   TEXT NOT NULL,
    room       TEXT NOT NULL,
    student_id INTEGER NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    start_date TEXT NOT NULL,
    end_date   TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE UNIQUE INDEX network_informants_one_per_room ON network_informants(building, room) WHERE end_date = '';

-- 领导小组: posts held by staff or by outside people (the 心理健康副校长 is an outside expert).
CREATE TABLE network_leaders (
    id           INTEGER PRIMARY KEY,
    uuid         TEXT NOT NULL UNIQUE,
    post         TEXT NOT NULL CHECK (post IN ('leader', 'deputy', 'vice_principal', 'member')),
    staff_id     INTEGER REFERENCES staff(id) ON DELETE SET NULL,
    outside_name TEXT NOT NULL DEFAULT '',
    organisation TEXT NOT NULL DEFAULT '',
    department   TEXT NOT NULL DEFAULT '',
    since        TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    CHECK (staff_id IS NOT NULL OR outside_name != '')
);

-- 年级组研判: one per grade per quarter.
CREATE TABLE network_reviews (
    id           INTEGER PRIMARY KEY,
    uuid         TEXT NOT NULL UNIQUE,
    grade        INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 12),
    quarter      TEXT NOT NULL,
    held_on      TEXT NOT NULL,
    participants TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    UNIQUE (grade, quarter)
);
CREATE TABLE network_review_students (
    id         INTEGER PRIMARY KEY,
    review_id  INTEGER NOT NULL REFERENCES network_reviews(id) ON DELETE CASCADE,
    student_id INTEGER NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    decision   TEXT NOT NULL,
    UNIQUE (review_id, student_id)
);

-- 朋辈结对: a peer supporting a focus student.
CREATE TABLE network_pairs (
    id         INTEGER PRIMARY KEY,
    uuid       TEXT NOT NULL UNIQUE,
    student_id INTEGER NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    peer_id    INTEGER NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    start_date TEXT NOT NULL,
    end_date   TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    CHECK (student_id != peer_id)
);

-- A report of a class or a room: routine (for a month, period 'YYYY-MM') or immediate. climate and events are
-- free text naming classmates: confidential tier. zero = 本期无异常.
CREATE TABLE network_reports (
    id            INTEGER PRIMARY KEY,
    uuid          TEXT NOT NULL UNIQUE,
    period        TEXT NOT NULL,
    immediate     INTEGER NOT NULL DEFAULT 0,
    reported_on   TEXT NOT NULL,
    reporter_kind TEXT NOT NULL CHECK (reporter_kind IN ('psych_rep', 'informant', 'head_teacher', 'teacher')),
    reporter      TEXT NOT NULL DEFAULT '',
    class_id      INTEGER REFERENCES classes(id) ON DELETE SET NULL,
    building      TEXT NOT NULL DEFAULT '',
    room          TEXT NOT NULL DEFAULT '',
    climate       TEXT NOT NULL DEFAULT '',
    events        TEXT NOT NULL DEFAULT '',
    zero          INTEGER NOT NULL DEFAULT 0,
    import_id     INTEGER REFERENCES imports(id) ON DELETE SET NULL,
    entered_at    TEXT NOT NULL,
    entered_by    TEXT NOT NULL,
    CHECK (class_id IS NOT NULL OR room != '')
);
CREATE INDEX network_reports_period ON network_reports(period);

-- Each named student: the signs picked from the list, what was seen (confidential), and the triage decision.
CREATE TABLE network_concerns (
    id             INTEGER PRIMARY KEY,
    report_id      INTEGER NOT NULL REFERENCES network_reports(id) ON DELETE CASCADE,
    student_id     INTEGER NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    signs          TEXT NOT NULL DEFAULT '[]',
    seen           TEXT NOT NULL DEFAULT '',
    urgent         INTEGER NOT NULL DEFAULT 0,
    decision       TEXT,
    decision_note  TEXT NOT NULL DEFAULT '',
    decided_at     TEXT,
    decided_by     TEXT,
    crisis_case_id INTEGER REFERENCES crisis_cases(id) ON DELETE SET NULL
);
CREATE INDEX network_concerns_student ON network_concerns(student_id);
CREATE INDEX network_concerns_open ON network_concerns(report_id) WHERE decision IS NULL;
