-- Operators, the sightings store, the ingest audit trail and the TAC database.
CREATE TABLE operators (
    id          INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    name        TEXT    NOT NULL,
    secret_hash TEXT    NULL,
    created_at  TEXT    NOT NULL
);
CREATE UNIQUE INDEX ix_operators_name ON operators (name);

-- One row per IMEI, IMSI, operator and month; bit d-1 of day_mask = seen on day d.
CREATE TABLE sightings (
    imei        INTEGER NOT NULL,
    imsi        TEXT    NOT NULL,
    operator_id INTEGER NOT NULL REFERENCES operators (id) ON DELETE RESTRICT,
    month       INTEGER NOT NULL,
    day_mask    INTEGER NOT NULL,
    first_seen  TEXT    NOT NULL,
    last_seen   TEXT    NOT NULL,
    msisdn      TEXT    NULL,
    PRIMARY KEY (imei, imsi, operator_id, month)
) WITHOUT ROWID;
CREATE INDEX ix_sightings_month ON sightings (month);
CREATE INDEX ix_sightings_operator_id ON sightings (operator_id);

CREATE TABLE seen_imeis (
    imei            INTEGER NOT NULL PRIMARY KEY,
    first_seen      TEXT    NOT NULL,
    last_seen       TEXT    NOT NULL,
    first_home_seen TEXT    NULL
);

CREATE TABLE ingest_runs (
    id            INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    file_name     TEXT    NOT NULL,
    sha256        TEXT    NOT NULL,
    operator_name TEXT    NULL,
    started_at    TEXT    NOT NULL,
    finished_at   TEXT    NOT NULL,
    total_rows    INTEGER NOT NULL,
    bad_rows      INTEGER NOT NULL,
    accepted      INTEGER NOT NULL,
    message       TEXT    NULL
);
CREATE INDEX ix_ingest_runs_sha256 ON ingest_runs (sha256);

CREATE TABLE tacs (
    tac            INTEGER NOT NULL PRIMARY KEY,
    brand          TEXT    NULL,
    model          TEXT    NULL,
    marketing_name TEXT    NULL,
    manufacturer   TEXT    NULL,
    device_type    TEXT    NULL
);

-- Every change to an IMEI's decision (clone verdict, registration, payment, block) appends a row;
-- the web host's decision index polls it to follow changes made by other processes.
CREATE TABLE imei_changes (
    id         INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    imei       INTEGER NOT NULL,
    source     TEXT    NOT NULL,
    changed_at TEXT    NOT NULL
);
