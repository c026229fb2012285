-- The exchange's secrets (issue 15): the school's Ed25519 signing key, its age identity for transfers and its own
-- read-back, the centre's age identity. Kept here so that only a counselor's session (the confidential key) can use
-- them.
CREATE TABLE exchange_keys (
    name       TEXT PRIMARY KEY,
    secret     TEXT NOT NULL,
    public     TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- The confidential entries an archive transfer brought (only when the sending counselor chose to send them).
CREATE TABLE exchange_transfer_events (
    id          INTEGER PRIMARY KEY,
    transfer_id INTEGER NOT NULL,
    student_id  INTEGER NOT NULL,
    at          TEXT NOT NULL,
    kind_label  TEXT NOT NULL,
    title       TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT ''
);
