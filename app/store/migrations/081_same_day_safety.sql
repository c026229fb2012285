-- Same-day safety (issue 9): a positive critical screening item, a session note marked high risk and, later, a
-- self-harm sign in a committee report each raise one alert due the day it is raised. An alert is closed by a crisis
-- case opened from it (the case keeps the link back) or by the counselor's same-day review.
CREATE TABLE safety_alerts (
    id          INTEGER PRIMARY KEY,
    uuid        TEXT NOT NULL UNIQUE,
    student_id  INTEGER NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    source      TEXT NOT NULL UNIQUE,        -- what raised it: "screening_results:12", "case_records:5", ...
    source_label TEXT NOT NULL,              -- where it came from, for people: "测评筛查", "谈话记录"
    reason      TEXT NOT NULL,               -- counselor-facing: "PHQ-9 第9题阳性"
    raised_at   TEXT NOT NULL,
    raised_by   TEXT NOT NULL,
    due_on      TEXT NOT NULL,               -- the day it was raised: same-day review
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'case_opened', 'reviewed')),
    case_id     INTEGER REFERENCES crisis_cases(id) ON DELETE SET NULL,
    resolved_at TEXT,
    resolved_by TEXT NOT NULL DEFAULT '',
    outcome     TEXT NOT NULL DEFAULT ''     -- confidential: the counselor's same-day review
);
CREATE INDEX safety_alerts_open ON safety_alerts(status, due_on);
CREATE INDEX safety_alerts_student ON safety_alerts(student_id);

-- The alert a crisis case was opened from (NULL for a case opened directly).
ALTER TABLE crisis_cases ADD COLUMN alert_id INTEGER REFERENCES safety_alerts(id) ON DELETE SET NULL;

-- Screening season (issue 9): a deadline per stage ({"primary": "2026-09-30", "secondary": "2026-10-31"}), who rated
-- an observation form (head_teacher / parent), and imported results held for the counselor's decision because the
-- student's consent slip is pending or was refused (never counted as completed until accepted).
ALTER TABLE screening_campaigns ADD COLUMN deadlines TEXT NOT NULL DEFAULT '{}';
ALTER TABLE screening_results ADD COLUMN rater TEXT NOT NULL DEFAULT '';

CREATE TABLE screening_held (
    id          INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES screening_campaigns(id) ON DELETE CASCADE,
    student_id  INTEGER NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    scale_id    TEXT NOT NULL,
    consent     TEXT NOT NULL CHECK (consent IN ('pending', 'refused')),
    taken_on    TEXT NOT NULL,
    answers     TEXT NOT NULL DEFAULT '[]',
    total       REAL,
    platform_total REAL,
    critical    INTEGER NOT NULL DEFAULT 0,
    import_id   INTEGER REFERENCES imports(id) ON DELETE SET NULL,
    held_at     TEXT NOT NULL,
    held_by     TEXT NOT NULL,
    UNIQUE (campaign_id, student_id, scale_id)
);
