-- The day a sighting's MSISDN was seen. A sighting's number is the one of the latest day that carried
-- one (docs/ingest.md, "The store"); a check or file row without a number no longer erases it. The
-- merge compares (msisdn_seen, msisdn), so the result never depends on the order rows arrive in.
-- Until now the number was that of last_seen, so that is the day of every stored number.
-- (SQLite would test a CHECK added here against the existing rows before the UPDATE below could fill
-- them, so the rule "msisdn_seen is set exactly when msisdn is" is checked on PostgreSQL only.)
ALTER TABLE sightings ADD COLUMN msisdn_seen TEXT NULL;
UPDATE sightings SET msisdn_seen = last_seen WHERE msisdn IS NOT NULL;
