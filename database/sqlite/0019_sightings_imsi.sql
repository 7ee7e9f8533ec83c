-- Where an IMEI's SIMs were seen on other IMEIs: clone detection reads, for the few IMEIs a rule matched, the other
-- sightings of their IMSIs (a SIM that lives in another phone and visits this one is not a second user of it;
-- docs/adr/0019-sim-whereabouts.md). An index on (imsi, month) finds them; it holds only the key columns, so the
-- daily merge, which rewrites day_mask and last_seen of rows already there, does not touch it.
CREATE INDEX ix_sightings_imsi ON sightings (imsi, month);
