-- A school's non-school days (节假日, e.g. 国庆节 2026-10-01..2026-10-07) and make-up school days on a weekend
-- (调休上课, makeup = 1, e.g. 2026-09-27). Dates are ISO yyyy-mm-dd, both ends included; ranges never overlap
-- (checked by app/school/holidays.py). Due dates for follow-up interviews are counted in school days over these.
CREATE TABLE school_holidays (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    start_date TEXT NOT NULL,
    end_date   TEXT NOT NULL,
    makeup     INTEGER NOT NULL DEFAULT 0 CHECK (makeup IN (0, 1)),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    CHECK (start_date <= end_date)
);
CREATE INDEX school_holidays_start ON school_holidays(start_date);
