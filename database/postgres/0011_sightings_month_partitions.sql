-- sightings partitioned by month (LIST on month, one partition sightings_YYYYMM each, no default
-- partition): a day's merge touches one month's partition, and retention drops a whole month's
-- partition in a moment whatever its size (docs/adr/0014-sightings-month-partitions.md). Partitions are
-- created as rows for their month arrive (devreg_sightings_month), each with half of its pages free as
-- 0008 set for the table (the daily updates stay heap-only).
ALTER TABLE sightings RENAME TO sightings_unpartitioned;
ALTER TABLE sightings_unpartitioned RENAME CONSTRAINT sightings_pkey TO sightings_unpartitioned_pkey;

CREATE TABLE sightings (
    imei        bigint      NOT NULL,
    imsi        varchar(15) NOT NULL,
    operator_id integer     NOT NULL,
    month       integer     NOT NULL,
    day_mask    integer     NOT NULL,
    first_seen  date        NOT NULL,
    last_seen   date        NOT NULL,
    msisdn      varchar(15) NULL,
    PRIMARY KEY (imei, imsi, operator_id, month)
) PARTITION BY LIST (month);

-- The month's partition, created if missing. A new partition is made as a table of its own and attached,
-- which locks the parent only against other attachments (SHARE UPDATE EXCLUSIVE), never against reads or
-- writes of the other months, even when it happens inside a long ingest transaction.
CREATE FUNCTION devreg_sightings_month(m integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    part text := 'sightings_' || m;
BEGIN
    IF m < 190001 OR m > 999912 OR m % 100 NOT BETWEEN 1 AND 12 THEN
        RAISE EXCEPTION 'sightings month % is not a YYYYMM month', m;
    END IF;
    IF to_regclass(part) IS NOT NULL THEN
        RETURN;
    END IF;
    LOCK TABLE sightings IN SHARE UPDATE EXCLUSIVE MODE;
    IF to_regclass(part) IS NOT NULL THEN
        RETURN; -- another transaction made it while this one waited for the lock
    END IF;
    EXECUTE format('CREATE TABLE %I (LIKE sightings INCLUDING DEFAULTS) WITH (fillfactor = 50)', part);
    EXECUTE format('ALTER TABLE sightings ATTACH PARTITION %I FOR VALUES IN (%s)', part, m);
END;
$$;

DO $$
DECLARE
    m integer;
BEGIN
    FOR m IN SELECT DISTINCT month FROM sightings_unpartitioned LOOP
        PERFORM devreg_sightings_month(m);
    END LOOP;
END $$;

INSERT INTO sightings (imei, imsi, operator_id, month, day_mask, first_seen, last_seen, msisdn)
SELECT imei, imsi, operator_id, month, day_mask, first_seen, last_seen, msisdn FROM sightings_unpartitioned;
DROP TABLE sightings_unpartitioned;
