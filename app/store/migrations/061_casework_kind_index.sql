-- The records list filtered by kind (e.g. 家访) is `WHERE deleted_at IS NULL AND kind = ? ORDER BY occurred_at DESC,
-- id DESC LIMIT 500` (app/casework/records.py list_records). With only case_records_occurred the planner walks every
-- live record newest first and drops the other kinds, so a rare kind reads most of the table. This index matches
-- the query exactly: equality on kind, then occurred_at (and the rowid, which every index carries) in the list's
-- order, partial on live records like case_records_occurred — the walk stops after the first 500 rows of that kind.
CREATE INDEX case_records_kind_occurred ON case_records(kind, occurred_at) WHERE deleted_at IS NULL;
