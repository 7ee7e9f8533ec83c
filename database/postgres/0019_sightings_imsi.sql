-- Where an IMEI's SIMs were seen on other IMEIs: clone detection reads, for the few IMEIs a rule matched, the other
-- sightings of their IMSIs (a SIM that lives in another phone and visits this one is not a second user of it;
-- docs/adr/0019-sim-whereabouts.md). An index on (imsi, month), made on every month's partition (and on each new one
-- as it is attached). The daily merge rewrites day_mask and last_seen only, so its updates stay heap-only.
CREATE INDEX ix_sightings_imsi ON sightings (imsi, month);
