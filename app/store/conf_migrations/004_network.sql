-- The warning network's confidential tier (issue 8): a report's free text (network_reports.climate and events,
-- which name classmates), what was seen of each named student (network_concerns.seen) and the counselor's triage
-- note (network_concerns.decision_note). One row per (vault.db table, row id, column); vault.db keeps the ordinary
-- row (who reported, when, the signs, the decision) with that column blank. A report typed in by a session without
-- the confidential key keeps its text in vault.db until the next counselor's sign-in moves it here
-- (app/store/tier_move.py). Written and read through app/store/conf_text.py (NETWORK_TEXT).

CREATE TABLE network_confidential (
    tbl    TEXT NOT NULL,        -- network_reports, network_concerns
    row_id INTEGER NOT NULL,     -- that table's id
    field  TEXT NOT NULL,        -- climate, events, seen, decision_note
    text   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tbl, row_id, field)
) WITHOUT ROWID;
