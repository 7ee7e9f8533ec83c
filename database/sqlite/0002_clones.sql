-- Clone verdicts with their evidence, their history, and the pairs allowed to keep attaching.
CREATE TABLE clone_statuses (
    imei           INTEGER NOT NULL PRIMARY KEY,
    status         TEXT    NOT NULL,
    since          TEXT    NOT NULL,
    rule           TEXT    NOT NULL,
    distinct_imsis INTEGER NOT NULL,
    days_seen      INTEGER NOT NULL,
    overlap_days   INTEGER NOT NULL,
    overlap_share  REAL    NOT NULL,
    concurrent_days INTEGER NOT NULL,
    max_daily_imsis INTEGER NOT NULL,
    first_seen     TEXT    NOT NULL,
    last_seen      TEXT    NOT NULL,
    genuine_imsi   TEXT    NULL,
    as_of          TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL
);

CREATE TABLE clone_status_changes (
    id         INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    imei       INTEGER NOT NULL,
    status     TEXT    NOT NULL,
    as_of      TEXT    NOT NULL,
    changed_at TEXT    NOT NULL,
    rule       TEXT    NULL,
    reason     TEXT    NULL
);
CREATE INDEX ix_clone_status_changes_imei ON clone_status_changes (imei);

CREATE TABLE clone_allowed_pairs (
    imei  INTEGER NOT NULL,
    imsi  TEXT    NOT NULL,
    since TEXT    NOT NULL,
    PRIMARY KEY (imei, imsi)
) WITHOUT ROWID;
