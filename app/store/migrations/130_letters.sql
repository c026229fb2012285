-- Parent letters (家长告知书): the school's edited copies of the shipped templates, every batch printed or
-- exported, and each letter of a batch with how it was delivered and the day its receipt came back.

CREATE TABLE letter_templates (
    template_id TEXT PRIMARY KEY,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    signature   TEXT NOT NULL DEFAULT '',
    receipt     TEXT NOT NULL DEFAULT '',
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL
);

CREATE TABLE letter_batches (
    id          INTEGER PRIMARY KEY,
    template_id TEXT NOT NULL,
    title       TEXT NOT NULL,
    scope       TEXT NOT NULL,               -- what was chosen: 学生 / 班级 七年级（1）班 / 预警等级 2 / 名单
    class_id    INTEGER REFERENCES classes(id) ON DELETE SET NULL,
    output      TEXT NOT NULL,               -- the full path written, or 打印
    made_at     TEXT NOT NULL,
    made_by     TEXT NOT NULL
);

CREATE TABLE letters (
    id             INTEGER PRIMARY KEY,
    batch_id       INTEGER NOT NULL REFERENCES letter_batches(id) ON DELETE CASCADE,
    student_id     INTEGER NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    crisis_case_id INTEGER REFERENCES crisis_cases(id) ON DELETE SET NULL,
    delivered_on   TEXT,
    delivered_how  TEXT NOT NULL DEFAULT '',
    delivered_by   TEXT NOT NULL DEFAULT '',
    receipt_on     TEXT,
    receipt_by     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX letters_student ON letters(student_id);
CREATE INDEX letters_batch ON letters(batch_id);
