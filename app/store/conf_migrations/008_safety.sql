-- Same-day safety's confidential tier (issue 8): an alert's reason (the rule that fired, e.g. "PHQ-9 第9题阳性",
-- or the words of a high-risk note) and the counselor's same-day review (its outcome). vault.db keeps that an alert
-- exists for a student, where it came from and its status (工作台 counts it), with these columns blank.
-- Written and read through app/store/conf_text.py (SAFETY_TEXT); a head teacher's note that raised an alert keeps
-- its reason in vault.db until the next counselor's sign-in moves it here (app/store/tier_move.py).

CREATE TABLE safety_confidential (
    tbl    TEXT NOT NULL,        -- safety_alerts
    row_id INTEGER NOT NULL,     -- its id
    field  TEXT NOT NULL,        -- reason, outcome
    text   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tbl, row_id, field)
) WITHOUT ROWID;
