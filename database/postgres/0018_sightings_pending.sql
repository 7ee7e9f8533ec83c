-- Sightings of a deferred ingest (Ingest:DeferMerge): a day file's rows appended here as they come, one row per
-- attach row (IMEI, IMSI, operator, day and the number sent), with no key, no foreign key and no fill factor to
-- honour (a bulk append, like COPY into a bare table), and folded into sightings and seen_imeis by the roll-up
-- (Sightings:RollUpCron, devreg roll-up). Readers of sightings read these rows too, as the month rows they will
-- become (docs/ingest.md). Several rows may hold the same pair and day.
CREATE TABLE sightings_pending (
    imei        bigint      NOT NULL,
    imsi        varchar(15) NOT NULL,
    operator_id integer     NOT NULL,
    day         date        NOT NULL,
    msisdn      varchar(15) NULL
);
-- An IMEI's evidence, appeal and lists read its pending rows by IMEI. Each chunk of an ingest is appended in IMEI
-- order, so a block range of 32 pages covers a narrow band of IMEIs: a block-range index finds an IMEI's rows in
-- one range per chunk, and costs next to nothing to keep up during the COPY (a B-tree took a third of its time).
CREATE INDEX ix_sightings_pending_imei ON sightings_pending USING brin (imei) WITH (pages_per_range = 32);

-- Deferred ingest runs whose IMEIs continuous detection has not evaluated yet (it evaluates every IMEI with
-- pending sightings, then removes the runs it read); the roll-up queues their IMEIs one by one instead.
CREATE TABLE clone_detection_runs (
    run_id    bigint                   NOT NULL PRIMARY KEY,
    queued_at timestamp with time zone NOT NULL
);
