-- Crisis intervention's confidential tier (issue 8): every note of a case, its steps, documents, meetings, weekly
-- follow-ups and incidents, the closing note, the reasons for level changes, and the earlier and new values and
-- the reason of every amendment of a confidential field (vault.db crisis_history rows of tier 'confidential').
-- One row per (vault.db table, row id, column); vault.db keeps the ordinary row with that column blank.
-- Written and read through app/store/conf_text.py (CRISIS_TEXT); the one-time move from vault.db runs at a
-- counselor's sign-in (app/store/tier_move.py).

CREATE TABLE crisis_confidential (
    tbl    TEXT NOT NULL,        -- crisis_cases, crisis_steps, crisis_documents, crisis_meetings, crisis_follow_ups,
                                 -- crisis_level_changes, crisis_incidents, crisis_history
    row_id INTEGER NOT NULL,     -- that table's id
    field  TEXT NOT NULL,        -- note, closing_note, reason, old_value, new_value
    text   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tbl, row_id, field)
) WITHOUT ROWID;
