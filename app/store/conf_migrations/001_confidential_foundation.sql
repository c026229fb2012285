-- The confidential tier's own database (confidential.db), opened only with the confidential key that counselors
-- and the recovery code hold. Its migrations are their own track (PRAGMA user_version of confidential.db).

-- The audit chain's head as a counselor saw it (sign-in, backup, export). Only the confidential key writes here,
-- so an account holding only the ordinary key cannot move a checkpoint to cover rows it cut or rewrote.
CREATE TABLE audit_checkpoints (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    account TEXT NOT NULL,
    reason TEXT NOT NULL,          -- sign_in | backup | export | rekey
    seq INTEGER NOT NULL,          -- audit_log.id of the chain's head (0: empty log)
    hash TEXT NOT NULL,            -- audit_log.hash of that row
    entries INTEGER NOT NULL,      -- rows up to and including seq
    finding TEXT NOT NULL DEFAULT ''  -- what the check before this checkpoint found missing ('' = nothing)
);

-- Counselors of a format-1 vault whose confidential grant waits for their first sign-in (written by the counselor
-- who created the confidential key; a counselor's later sign-in grants it once the account has an identity).
CREATE TABLE pending_grants (
    username TEXT PRIMARY KEY,
    since TEXT NOT NULL
);
