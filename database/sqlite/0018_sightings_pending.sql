-- Sightings of a deferred ingest (Ingest:DeferMerge): a day file's rows appended here as they come, one row per
-- attach row (IMEI, IMSI, operator, day and the number sent), with no key, and folded into sightings and
-- seen_imeis by the roll-up (Sightings:RollUpCron, devreg roll-up). Readers of sightings read these rows too, as
-- the month rows they will become (docs/ingest.md). Several rows may hold the same pair and day.
CREATE TABLE sightings_pending (
    imei        INTEGER NOT NULL,
    imsi        TEXT    NOT NULL,
    operator_id INTEGER NOT NULL,
    day         TEXT    NOT NULL,
    msisdn      TEXT    NULL
);
-- No index: on SQLite a B-tree on imei took a third of the append's time (docs/benchmarks.md, "Deferred"). A reader
-- by IMEI scans the pending rows (about 0.3 s for a day of 3M), only while a deferred day waits for its roll-up.

-- Deferred ingest runs whose IMEIs continuous detection has not evaluated yet (it evaluates every IMEI with
-- pending sightings, then removes the runs it read); the roll-up queues their IMEIs one by one instead.
CREATE TABLE clone_detection_runs (
    run_id    INTEGER NOT NULL PRIMARY KEY,
    queued_at TEXT    NOT NULL
);
