-- Lost and stolen devices (docs/stolen.md): a case per report, the IMEIs it covers and its history. The EIR's
-- stolen bit stays the Stolen row of imei_blocks, which the case commands add and lift in the same transaction.
CREATE TABLE stolen_cases (
    id           INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    case_number  TEXT    NOT NULL,
    reported_by  TEXT    NOT NULL,
    reported_at  TEXT    NOT NULL,
    entered_by   TEXT    NOT NULL,
    status       TEXT    NOT NULL,
    recovered_at TEXT    NULL,
    recovered_by TEXT    NULL
);
CREATE UNIQUE INDEX ix_stolen_cases_case_number ON stolen_cases (case_number);
CREATE INDEX ix_stolen_cases_status_id ON stolen_cases (status, id);

CREATE TABLE stolen_case_imeis (
    id           INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    case_id      INTEGER NOT NULL REFERENCES stolen_cases (id),
    imei         INTEGER NOT NULL,
    blocked_at   TEXT    NOT NULL,
    recovered_at TEXT    NULL,
    recovered_by TEXT    NULL
);
CREATE UNIQUE INDEX ix_stolen_case_imeis_case_id_imei ON stolen_case_imeis (case_id, imei);
-- An IMEI is in at most one open case.
CREATE UNIQUE INDEX ix_stolen_case_imeis_open_imei ON stolen_case_imeis (imei) WHERE recovered_at IS NULL;

CREATE TABLE stolen_case_events (
    id      INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    case_id INTEGER NOT NULL REFERENCES stolen_cases (id),
    at      TEXT    NOT NULL,
    kind    TEXT    NOT NULL,
    imei    INTEGER NULL,
    actor   TEXT    NOT NULL,
    detail  TEXT    NULL
);
CREATE INDEX ix_stolen_case_events_case_id_id ON stolen_case_events (case_id, id);
