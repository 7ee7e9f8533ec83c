-- The sightings store tuned for loading (docs/adr/0006-sightings-without-foreign-key.md):
-- sightings loses its foreign key to operators (the ingest resolves and creates operator ids
-- itself, in the same transaction) and its secondary indexes on month and operator_id (no hot path
-- reads through them). SQLite cannot drop a constraint, so the table is rebuilt.
CREATE TABLE sightings_load (
    imei        INTEGER NOT NULL,
    imsi        TEXT    NOT NULL,
    operator_id INTEGER NOT NULL,
    month       INTEGER NOT NULL,
    day_mask    INTEGER NOT NULL,
    first_seen  TEXT    NOT NULL,
    last_seen   TEXT    NOT NULL,
    msisdn      TEXT    NULL,
    PRIMARY KEY (imei, imsi, operator_id, month)
) WITHOUT ROWID;

INSERT INTO sightings_load (imei, imsi, operator_id, month, day_mask, first_seen, last_seen, msisdn)
SELECT imei, imsi, operator_id, month, day_mask, first_seen, last_seen, msisdn FROM sightings ORDER BY imei, imsi, operator_id, month;

DROP TABLE sightings;
ALTER TABLE sightings_load RENAME TO sightings;
