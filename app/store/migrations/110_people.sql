-- People (人员与培训): several roles per staff member, training records, the counseling-room duty roster.

-- A staff member's roles (a part-time psychological teacher can also be a head teacher). staff.role stays as the
-- primary role (the one with the highest training norm), kept in step by app/school/staff.py.
CREATE TABLE staff_roles (
    staff_id INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    role     TEXT NOT NULL CHECK (role IN ('head_teacher', 'psych_fulltime', 'psych_parttime', 'leader', 'teacher')),
    PRIMARY KEY (staff_id, role)
) WITHOUT ROWID;
INSERT INTO staff_roles (staff_id, role) SELECT id, role FROM staff;
-- A class's head teacher holds the head-teacher role whatever their staff row says.
INSERT OR IGNORE INTO staff_roles (staff_id, role)
    SELECT DISTINCT head_teacher_id, 'head_teacher' FROM classes WHERE head_teacher_id IS NOT NULL;

-- 培训记录: one person's training, supervision (督导), teaching research or induction, with its hours (学时).
CREATE TABLE training_records (
    id         INTEGER PRIMARY KEY,
    uuid       TEXT NOT NULL UNIQUE,
    staff_id   INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    held_on    TEXT NOT NULL,
    title      TEXT NOT NULL,
    level      TEXT NOT NULL CHECK (level IN ('national', 'provincial', 'city', 'district', 'school')),
    kind       TEXT NOT NULL CHECK (kind IN ('training', 'supervision', 'research', 'induction', 'other')),
    hours      REAL NOT NULL CHECK (hours > 0),
    note       TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE INDEX training_records_staff ON training_records(staff_id, held_on);
CREATE INDEX training_records_day ON training_records(held_on);

-- 心理辅导室值班: the one person on duty on a school day.
CREATE TABLE duty_roster (
    day        TEXT PRIMARY KEY,
    staff_id   INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX duty_roster_staff ON duty_roster(staff_id);
