-- Operators' lists (docs/lists.md): every export run with its as-of date and row counts, and each file it wrote
-- (rows, SHA-256, content): the next export's deltas are computed against the latest stored file of each name.
CREATE TABLE list_export_runs (
    id                 INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    as_of              TEXT    NOT NULL,
    created_at         TEXT    NOT NULL,
    operator           TEXT    NULL,
    forced             INTEGER NOT NULL,
    blacklist_rows     INTEGER NOT NULL,
    exceptions_rows    INTEGER NOT NULL,
    notifications_rows INTEGER NOT NULL
);

CREATE TABLE list_export_files (
    id      INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    run_id  INTEGER NOT NULL REFERENCES list_export_runs (id),
    name    TEXT    NOT NULL,
    rows    INTEGER NOT NULL,
    sha256  TEXT    NOT NULL,
    content TEXT    NOT NULL
);
CREATE UNIQUE INDEX ix_list_export_files_name_run_id ON list_export_files (name, run_id);
