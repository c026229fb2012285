-- Screening's confidential tier (issue 8 (b)): the raw answers and everything scored from them, the rule that
-- fired (a ledger entry's basis, the reason of each level change) and the reasons of follow-up interviews. vault.db
-- keeps that a student took a scale on a day, the levels (shown to head teachers once reviewed) and the steps.
-- A session without this key (a head teacher entering their class's observation forms) leaves what it writes in
-- vault.db's columns; the next counselor sign-in moves it here (app/store/tier_move.py).

-- A result's scores (vault.db screening_results.id; there answers '[]', total 0 and the rest blank).
CREATE TABLE screening_scores (
    result_id      INTEGER PRIMARY KEY,
    answers        TEXT NOT NULL DEFAULT '[]',
    total          REAL NOT NULL DEFAULT 0,
    band           TEXT,
    critical       INTEGER NOT NULL DEFAULT 0,
    positive       INTEGER NOT NULL DEFAULT 0,
    flags          TEXT NOT NULL DEFAULT '[]',
    subscales      TEXT NOT NULL DEFAULT '{}',
    platform_total REAL
);

-- A held result's scores (vault.db screening_held.id), until the counselor counts or discards it.
CREATE TABLE screening_held_scores (
    held_id        INTEGER PRIMARY KEY,
    answers        TEXT NOT NULL DEFAULT '[]',
    total          REAL,
    platform_total REAL,
    critical       INTEGER NOT NULL DEFAULT 0
);

-- Why the rules gave a ledger entry its level (vault.db screening_levels.id), e.g. "PHQ-9 第9题".
CREATE TABLE screening_basis (
    entry_id INTEGER PRIMARY KEY,
    basis    TEXT NOT NULL DEFAULT ''
);

-- The reason of a level change (vault.db screening_level_changes.id): the rule or the review behind it.
CREATE TABLE screening_change_reasons (
    change_id INTEGER PRIMARY KEY,
    reason    TEXT NOT NULL DEFAULT ''
);

-- A follow-up interview's reason (vault.db screening_interviews.id).
CREATE TABLE screening_interview_reasons (
    interview_id INTEGER PRIMARY KEY,
    reason       TEXT NOT NULL DEFAULT ''
);
