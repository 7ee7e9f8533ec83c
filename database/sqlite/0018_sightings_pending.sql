-- Sightings of a deferred ingest (Ingest:DeferMerge): a day file's aggregated rows appended here as they
-- are, with no key, no foreign key and no fill factor to honour (a bulk append, like COPY into a bare
-- table), and folded into sightings and seen_imeis by the roll-up (Sightings:RollUpCron, devreg roll-up).
-- Readers of sightings read these rows too, folding them with the month rows (docs/ingest.md).
-- The same columns as sightings; several rows may hold the same key.
CREATE TABLE sightings_pending (
    imei        INTEGER NOT NULL,
    imsi        TEXT    NOT NULL,
    operator_id INTEGER NOT NULL,
    month       INTEGER NOT NULL,
    day_mask    INTEGER NOT NULL,
    first_seen  TEXT    NOT NULL,
    last_seen   TEXT    NOT NULL,
    msisdn      TEXT    NULL,
    msisdn_seen TEXT    NULL
);
-- No index: on SQLite a B-tree on imei took a third of the append's time (docs/benchmarks.md, "Deferred"). A reader
-- by IMEI scans the pending rows (about 0.3 s for a day of 3M), only while a deferred day waits for its roll-up.

-- Deferred ingest runs whose IMEIs continuous detection has not evaluated yet (it evaluates every IMEI with
-- pending sightings, then removes the runs it read); the roll-up queues their IMEIs one by one instead.
CREATE TABLE clone_detection_runs (
    run_id    INTEGER NOT NULL PRIMARY KEY,
    queued_at TEXT    NOT NULL
);
