-- The monthly "心育" closed loop (issue 13): a month's instance of the checklist, its items (computed from the
-- indicators or ticked by hand), attachments kept in the vault, the leadership group's monthly meeting, the
-- yearly key-work list, and the amendments of a closed month (append-only).

CREATE TABLE loop_months (
    id                  INTEGER PRIMARY KEY,
    month               TEXT NOT NULL UNIQUE,          -- YYYY-MM
    status              TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    created_at          TEXT NOT NULL,
    closed_at           TEXT,
    closed_by           TEXT NOT NULL DEFAULT '',
    counselor_signed_by TEXT NOT NULL DEFAULT '',
    counselor_signed_at TEXT,
    leader_name         TEXT NOT NULL DEFAULT '',      -- the leadership group's 组长 who signed
    leader_signed_at    TEXT
);

CREATE TABLE loop_items (
    id           INTEGER PRIMARY KEY,
    month_id     INTEGER NOT NULL REFERENCES loop_months(id) ON DELETE CASCADE,
    seq          INTEGER NOT NULL,
    item_key     TEXT NOT NULL,                         -- the template's key; 'R:<id>' for a 整改 item
    ledger       TEXT NOT NULL CHECK (ledger IN ('A', 'B', 'C', 'D')),
    title        TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('computed', 'manual')),
    figure_key   TEXT NOT NULL DEFAULT '',
    carried_from INTEGER REFERENCES loop_items(id) ON DELETE SET NULL,   -- a 整改 item: the item carried
    ticked       INTEGER NOT NULL DEFAULT 0,            -- done by hand (a manual item, or a figure not computed)
    note         TEXT NOT NULL DEFAULT '',
    carried      INTEGER NOT NULL DEFAULT 0,
    carry_reason TEXT NOT NULL DEFAULT '',
    value        TEXT NOT NULL DEFAULT '',              -- frozen when the month closes
    evidence     TEXT NOT NULL DEFAULT '[]',            -- JSON list of strings, frozen when the month closes
    status       TEXT NOT NULL DEFAULT '',              -- frozen when the month closes
    updated_at   TEXT,
    updated_by   TEXT NOT NULL DEFAULT '',
    UNIQUE (month_id, item_key)
);
CREATE INDEX loop_items_month ON loop_items(month_id, seq);

CREATE TABLE loop_attachments (
    id        INTEGER PRIMARY KEY,
    item_id   INTEGER NOT NULL REFERENCES loop_items(id) ON DELETE CASCADE,
    filename  TEXT NOT NULL,
    size      INTEGER NOT NULL,
    data      BLOB NOT NULL,                             -- inside the encrypted vault, never a plain file
    added_at  TEXT NOT NULL,
    added_by  TEXT NOT NULL
);
CREATE INDEX loop_attachments_item ON loop_attachments(item_id);

CREATE TABLE loop_meetings (
    id          INTEGER PRIMARY KEY,
    uuid        TEXT NOT NULL UNIQUE,
    month       TEXT NOT NULL,                           -- YYYY-MM of held_on
    held_on     TEXT NOT NULL,
    attendees   TEXT NOT NULL DEFAULT '[]',              -- JSON list of names (from the leadership group)
    topics      TEXT NOT NULL DEFAULT '[]',              -- JSON list of the four topic keys covered
    minutes     TEXT NOT NULL DEFAULT '',
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);
CREATE INDEX loop_meetings_month ON loop_meetings(month);

CREATE TABLE loop_key_work (
    id        INTEGER PRIMARY KEY,
    year_name TEXT NOT NULL,                             -- 2026-2027
    seq       INTEGER NOT NULL,
    title     TEXT NOT NULL,
    schedule  TEXT NOT NULL DEFAULT '',                  -- when: 9月、10月 / 每月 / 第一学期
    owner     TEXT NOT NULL DEFAULT '',
    done      INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE INDEX loop_key_work_year ON loop_key_work(year_name, seq);

CREATE TABLE loop_amendments (
    id        INTEGER PRIMARY KEY,
    month_id  INTEGER NOT NULL REFERENCES loop_months(id) ON DELETE CASCADE,
    item_id   INTEGER REFERENCES loop_items(id) ON DELETE SET NULL,
    field     TEXT NOT NULL,
    old_value TEXT NOT NULL,
    new_value TEXT NOT NULL,
    reason    TEXT NOT NULL,
    at        TEXT NOT NULL,
    by        TEXT NOT NULL
);
CREATE INDEX loop_amendments_month ON loop_amendments(month_id);
CREATE TRIGGER loop_amendments_no_update BEFORE UPDATE ON loop_amendments
BEGIN
    SELECT RAISE(ABORT, 'loop_amendments is append-only');
END;
CREATE TRIGGER loop_amendments_no_delete BEFORE DELETE ON loop_amendments
BEGIN
    SELECT RAISE(ABORT, 'loop_amendments is append-only');
END;
