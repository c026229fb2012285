-- A screening ledger entry's category (issue 8): what the rules read into a result, e.g. 自伤风险 from a critical
-- item. It is the machine's, told to a head teacher only when the counselor shares it (vault.db
-- screening_levels.category_shared, ordinary). vault.db keeps the column blank for an entry not shared; a shared
-- entry's category is what the counselor chose to tell the head teacher, kept in vault.db where their key reads it.
-- Written and read through app/store/conf_text.py (SCREENING_CATEGORY); a session without this key (a head
-- teacher's observation forms, see 006_screening.sql) leaves it in vault.db until the next counselor's sign-in
-- moves it here (app/store/tier_move.py).

CREATE TABLE screening_category (
    tbl    TEXT NOT NULL,        -- screening_levels
    row_id INTEGER NOT NULL,     -- its id
    field  TEXT NOT NULL,        -- category
    text   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tbl, row_id, field)
) WITHOUT ROWID;
