-- Courses and activities ("1+1"), parent school and the monthly pushes to parents (issue 13).

-- 心理健康教育课: one row per lesson held in a class. The teacher is a staff member or, when the sheet or the form
-- names someone the staff list lacks, a name.
CREATE TABLE course_lessons (
    id         INTEGER PRIMARY KEY,
    uuid       TEXT NOT NULL UNIQUE,
    held_on    TEXT NOT NULL,
    class_id   INTEGER NOT NULL REFERENCES classes(id) ON DELETE CASCADE,
    periods    REAL NOT NULL DEFAULT 1 CHECK (periods > 0),
    staff_id   INTEGER REFERENCES staff(id) ON DELETE SET NULL,
    teacher    TEXT NOT NULL DEFAULT '',
    topic      TEXT NOT NULL,
    theme      TEXT NOT NULL DEFAULT '',
    form       TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT '',
    import_id  INTEGER REFERENCES imports(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    deleted_at TEXT,
    deleted_by TEXT
);
CREATE INDEX course_lessons_day ON course_lessons(held_on) WHERE deleted_at IS NULL;
CREATE INDEX course_lessons_class ON course_lessons(class_id);

-- Themed activities: for one class, a whole grade or the whole school (主题班会, 社团, 讲座, 心理健康月, 5·25 ...).
CREATE TABLE course_activities (
    id         INTEGER PRIMARY KEY,
    uuid       TEXT NOT NULL UNIQUE,
    held_on    TEXT NOT NULL,
    scope      TEXT NOT NULL CHECK (scope IN ('class', 'grade', 'school')),
    class_id   INTEGER REFERENCES classes(id) ON DELETE CASCADE,
    grade      INTEGER CHECK (grade BETWEEN 1 AND 12),
    kind       TEXT NOT NULL,
    title      TEXT NOT NULL,
    periods    REAL NOT NULL DEFAULT 1 CHECK (periods >= 0),
    staff_id   INTEGER REFERENCES staff(id) ON DELETE SET NULL,
    teacher    TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT '',
    import_id  INTEGER REFERENCES imports(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    deleted_at TEXT,
    deleted_by TEXT,
    CHECK ((scope = 'class' AND class_id IS NOT NULL) OR (scope = 'grade' AND grade IS NOT NULL)
           OR (scope = 'school'))
);
CREATE INDEX course_activities_day ON course_activities(held_on) WHERE deleted_at IS NULL;

-- 家长学校: sessions with their class hours, for the school, a grade or a class.
CREATE TABLE parent_school_sessions (
    id         INTEGER PRIMARY KEY,
    uuid       TEXT NOT NULL UNIQUE,
    held_on    TEXT NOT NULL,
    topic      TEXT NOT NULL,
    hours      REAL NOT NULL CHECK (hours > 0),
    scope      TEXT NOT NULL DEFAULT 'school' CHECK (scope IN ('class', 'grade', 'school')),
    class_id   INTEGER REFERENCES classes(id) ON DELETE SET NULL,
    grade      INTEGER CHECK (grade BETWEEN 1 AND 12),
    speaker    TEXT NOT NULL DEFAULT '',
    mental_health INTEGER NOT NULL DEFAULT 1,   -- the session had mental-health content
    note       TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    deleted_at TEXT,
    deleted_by TEXT
);

-- The monthly push of material to parents (公众号, 家长群 ...).
CREATE TABLE parent_pushes (
    id         INTEGER PRIMARY KEY,
    uuid       TEXT NOT NULL UNIQUE,
    pushed_on  TEXT NOT NULL,
    title      TEXT NOT NULL,
    channel    TEXT NOT NULL DEFAULT '',
    note       TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    deleted_at TEXT,
    deleted_by TEXT
);
