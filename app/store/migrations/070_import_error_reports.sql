-- Import error reports stay in the vault: the rows an import rejected (with names and registry numbers) are kept
-- here, never written as plain files into the data folder. ``errors`` is a JSON list of
-- {"row", "field", "reason", "value"}; kind is the importer's ("roster", "screening", "sessions", ...).
-- Numbered 070 to leave 063..069 to migrations landing in parallel.
CREATE TABLE import_error_reports (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    file_name  TEXT NOT NULL,
    at         TEXT NOT NULL,
    account    TEXT NOT NULL,
    row_count  INTEGER NOT NULL,
    errors     TEXT NOT NULL
);
CREATE INDEX import_error_reports_at ON import_error_reports(at);
