-- The day a sighting's MSISDN was seen. A sighting's number is the one of the latest day that carried
-- one (docs/ingest.md, "The store"); a check or file row without a number no longer erases it. The
-- merge compares (msisdn_seen, msisdn), so the result never depends on the order rows arrive in.
-- Until now the number was that of last_seen, so that is the day of every stored number.
ALTER TABLE sightings ADD COLUMN msisdn_seen date NULL;
UPDATE sightings SET msisdn_seen = last_seen WHERE msisdn IS NOT NULL;
ALTER TABLE sightings ADD CONSTRAINT sightings_msisdn_has_day CHECK ((msisdn IS NULL) = (msisdn_seen IS NULL));

-- As in 0011, and a new month's partition takes the parent's CHECK constraints too (attaching requires them).
CREATE OR REPLACE FUNCTION devreg_sightings_month(m integer) RETURNS void LANGUAGE plpgsql AS $$
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
    EXECUTE format('CREATE TABLE %I (LIKE sightings INCLUDING DEFAULTS INCLUDING CONSTRAINTS) WITH (fillfactor = 50)', part);
    EXECUTE format('ALTER TABLE sightings ATTACH PARTITION %I FOR VALUES IN (%s)', part, m);
END;
$$;
